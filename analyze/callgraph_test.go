package analyze

import (
	"path/filepath"
	"testing"

	"github.com/loopdoctor/loopdoctor/parse"
)

// BenchmarkCallGraphLarge derives the run-time shares of the 17,000
// functions of testdata/pstats/large.pstats, 3,172 of which call each
// other in one recursive cluster.
func BenchmarkCallGraphLarge(b *testing.B) {
	p, err := parse.File("../testdata/pstats/large.pstats", parse.Options{})
	if err != nil {
		b.Fatal(err)
	}
	lim := DefaultLimits()
	ix := newProfileIndex(p, nil)
	b.ReportAllocs()
	for b.Loop() {
		g := newCallGraph(ix, &lim)
		for id := range p.Funcs {
			g.runtimeOf(id)
		}
	}
}

// TestEntryBound checks on every pstats dump in testdata the bound that
// lets shapeCandidates pass over a function without reading its callers:
// entry's calls are at most its primitive calls and its cost at most
// max(Cum, 0).
func TestEntryBound(t *testing.T) {
	files, err := filepath.Glob("../testdata/*/*.pstats")
	if err != nil || len(files) < 20 {
		t.Fatalf("%d dumps, %v", len(files), err)
	}
	lim := DefaultLimits()
	for _, name := range files {
		p := loadProfile(t, name)
		g := newCallGraph(newProfileIndex(p, nil), &lim)
		for _, f := range p.Funcs {
			if n, cost := g.entry(f, nil); n > f.Primitive || cost > max(f.Cum, 0) {
				t.Errorf("%s: %s: entry %d calls, cost %v; primitive calls %d, cum %v", name, f, n, cost, f.Primitive, f.Cum)
			}
		}
	}
}
