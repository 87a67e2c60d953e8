package analyze

import (
	"path/filepath"
	"testing"

	"github.com/loopdoctor/loopdoctor/parse"
)

// TestShapeRepeatsVerdict checks shapeRepeats against the full walk on
// every function of every pstats dump in testdata: the first verdict of
// shapeCandidates (identical, unlikely, varies) is the same, and on
// large.pstats the bound spares walks (the unittest runner's run and
// __call__).
func TestShapeRepeatsVerdict(t *testing.T) {
	dumps, err := filepath.Glob("../testdata/pstats/*.pstats")
	if err != nil || len(dumps) == 0 {
		t.Fatalf("no dumps: %v", err)
	}
	for _, dump := range dumps {
		p, err := parse.File(dump, parse.Options{})
		if err != nil {
			t.Fatal(err)
		}
		lim := DefaultLimits()
		g := newCallGraph(newProfileIndex(p, nil, &lim, nil))
		spared := 0
		for _, f := range p.Funcs {
			if f.Primitive <= 0 {
				continue
			}
			got, want := g.shapeRepeats(f), g.repeats(f)
			if got.identical(&lim, lim.MinQuotients) != want.identical(&lim, lim.MinQuotients) ||
				got.unlikely(&lim) != want.unlikely(&lim) || got.varies(0) != want.varies(0) {
				t.Errorf("%s: %s: verdict without the walk %+v, with it %+v", dump, f, got, want)
			}
			if got.members == nil && want.members != nil {
				spared++
			}
		}
		if filepath.Base(dump) == "large.pstats" && spared < 3 {
			t.Errorf("large.pstats: %d walks spared, want at least 3", spared)
		}
	}
}

// TestIdenticalBound checks the bound on a profile whose call counts are
// known: with modulus 10, the multiples 10, 20, 20 and 30 have quotients
// 1, 2, 2, 3: three distinct, eight in all.
func TestIdenticalBound(t *testing.T) {
	p := &parse.Profile{Format: parse.Pstats, Unit: "seconds"}
	for i, calls := range []int64{10, 20, 20, 30, 7, 15, 3} {
		p.Funcs = append(p.Funcs, &parse.Func{Name: "f", File: "x.py", Line: i, Calls: calls, Primitive: calls, Cum: 1})
	}
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		quotients int
		work      int64
		n         int64
		most      int
		want      bool
	}{
		{3, 8, 10, 4, true},
		{4, 8, 10, 4, false},
		{3, 9, 10, 4, false},
		{1, 3, 7, 1, false}, // 7: quotient 1 only
		{1, 1, 7, 1, true},
		{1, 1, 31, 0, false}, // nobody called that often
		{9, 99, 1, 7, true},  // below 2, no bound
	} {
		lim := DefaultLimits()
		lim.MinQuotients, lim.MinWork = tc.quotients, tc.work
		g := newCallGraph(newProfileIndex(p, nil, &lim, nil))
		for range 2 { // the second answer is the one kept
			if most, got := g.identicalBound(tc.n); most != tc.most || got != tc.want {
				t.Errorf("quotients %d, work %d, n %d: %d multiples at most, %v; want %d, %v", tc.quotients, tc.work, tc.n, most, got, tc.most, tc.want)
			}
		}
	}
}
