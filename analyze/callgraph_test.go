package analyze

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/internal/callgraph"
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
	ix := newProfileIndex(p, nil, &lim, nil)
	b.ReportAllocs()
	for b.Loop() {
		g := newCallGraph(ix)
		for id := range p.Funcs {
			g.runtimeOf(id)
		}
	}
}

// BenchmarkSCCLarge finds the recursive cycles of the call graph of
// testdata/pstats/large.pstats, 17,062 functions and 54,338 edges, which
// every pstats report does once.
func BenchmarkSCCLarge(b *testing.B) {
	p, err := parse.File("../testdata/pstats/large.pstats", parse.Options{})
	if err != nil {
		b.Fatal(err)
	}
	g, _ := p.CallGraph()
	b.ReportAllocs()
	for b.Loop() {
		callgraph.SCC(g)
	}
}

// TestFixedShares checks the shares newCallGraph fixes, found file by
// file and from the index's lists, against their definition read from
// each function on its own, on every pstats dump in testdata.
func TestFixedShares(t *testing.T) {
	for _, name := range pstatsDumps(t) {
		p := loadProfile(t, name)
		lim := DefaultLimits()
		g := newCallGraph(newProfileIndex(p, nil, &lim, nil))
		for i, f := range p.Funcs {
			want := shareSolved
			switch importlib := strings.HasPrefix(f.File, "<frozen importlib"); {
			case importlib:
				want = shareNone
			case f.Name == "<module>" && f.File != "<string>" && f.Cum < lim.MainModule*p.Total:
				want = shareNone
			case f.Name == "<module>" || len(f.In) == 0:
				want = shareAll
			}
			if g.fixed[i] != want {
				t.Errorf("%s: %s fixed %d, want %d", name, f, g.fixed[i], want)
			}
		}
	}
}

// TestEntryBound checks on every pstats dump in testdata the bounds that
// let the findings pass over a function without solving its callers'
// shares: entry's calls are at most its primitive calls and its cost at
// most max(Cum, 0) and at most costBound, for every function and for
// every catalog build with the pattern's other builds left out.
func TestEntryBound(t *testing.T) {
	files := pstatsDumps(t)
	lim := DefaultLimits()
	for _, name := range files {
		p := loadProfile(t, name)
		g := newCallGraph(newProfileIndex(p, builtinCatalog, &lim, nil))
		for _, f := range p.Funcs {
			if n, cost := g.entry(f, nil); n > f.Primitive || cost > max(f.Cum, 0) || cost > g.costBound(f, nil) {
				t.Errorf("%s: %s: entry %d calls, cost %v; primitive calls %d, cum %v, bound %v", name, f, n, cost, f.Primitive, f.Cum, g.costBound(f, nil))
			}
		}
		for i, builds := range g.catalogBuilds() {
			isBuild := func(id int32) bool { return slices.Contains(g.patterns[id], i) }
			for _, f := range builds {
				if n, cost := g.entry(f, isBuild); n > f.Primitive || cost > g.costBound(f, isBuild) {
					t.Errorf("%s: %s as a build of %s: entry %d calls, cost %v; primitive calls %d, bound %v", name, f, g.catalog[i].ID, n, cost, f.Primitive, g.costBound(f, isBuild))
				}
			}
		}
	}
}

// TestMayFind checks on every pstats dump in testdata that a pattern
// mayFind passes over, judged without any share solved, has no
// candidates when its shares are solved; and that some are passed over
// both for their cost and for their counts.
func TestMayFind(t *testing.T) {
	lim := DefaultLimits()
	var cheap, refuted int
	for _, name := range pstatsDumps(t) {
		p := loadProfile(t, name)
		g := newCallGraph(newProfileIndex(p, builtinCatalog, &lim, nil))
		for i, builds := range g.catalogBuilds() {
			pat := &g.catalog[i]
			isBuild := func(id int32) bool { return slices.Contains(g.patterns[id], i) }
			if g.mayFind(pat, builds, isBuild) {
				continue
			}
			if cs := g.patternCandidates(pat, builds, isBuild); len(cs) > 0 {
				t.Errorf("%s: %s: passed over, but %s is a candidate", name, pat.ID, cs[0].root)
			}
			var cost float64
			for _, f := range builds {
				cost += g.costBound(f, isBuild)
			}
			if lim.costly(p, cost) {
				refuted++
			} else {
				cheap++
			}
		}
	}
	if cheap == 0 || refuted == 0 {
		t.Errorf("patterns passed over for their cost: %d, for their counts: %d; want some of each", cheap, refuted)
	}
}

// TestInert checks on every pstats dump in testdata what shapeCandidates
// relies on when it passes over an inert function without solving its
// callers' shares: with the shares solved, it has no consumer, and the
// call that builds it comes from no function of the user's. It asks
// about the functions shapeCandidates asks about: inert reads the counts
// of the subtrees of its callers' other callees.
func TestInert(t *testing.T) {
	lim := DefaultLimits()
	inert := 0
	for _, name := range pstatsDumps(t) {
		p := loadProfile(t, name)
		g := newCallGraph(newProfileIndex(p, nil, &lim, nil))
		for _, c := range g.countedShapes() {
			f := c.root
			if !g.inert(f) {
				continue
			}
			inert++
			if use := g.consumer(f); use != nil {
				t.Errorf("%s: %s: inert, but %s uses what it builds", name, f, use.Callee)
			}
			if b := g.buildEdge(f); b != nil && g.usersOwn(b.Caller) {
				t.Errorf("%s: %s: inert, but built from the user's %s", name, f, b.Caller)
			}
		}
	}
	if inert == 0 {
		t.Error("no inert function in any dump")
	}
}

// pstatsDumps lists the pstats dumps in testdata.
func pstatsDumps(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../testdata/*/*.pstats")
	if err != nil || len(files) < 20 {
		t.Fatalf("%d dumps, %v", len(files), err)
	}
	return files
}
