package analyze

import (
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
		newCallGraph(ix, &lim)
	}
}
