package analyze

import (
	"testing"

	"github.com/loopdoctor/loopdoctor/parse"
)

// named stands for a function in an expected Fact: hasFact compares only
// its name.
func named(name string) *parse.Func { return &parse.Func{Name: name} }

// hasFact reports whether some fact in ev matches want: the same kind and,
// for every field want sets, the same value (functions compared by name,
// each of want's Parts matched by some part).
func hasFact(ev []Fact, want Fact) bool {
	for _, got := range ev {
		if factMatches(got, want) {
			return true
		}
	}
	return false
}

func factMatches(got, want Fact) bool {
	sameFunc := func(g, w *parse.Func) bool { return w == nil || g != nil && g.Name == w.Name }
	sameNum := func(g, w float64) bool { return w == 0 || near(g, w) }
	if got.Kind != want.Kind || !sameFunc(got.Func, want.Func) || !sameFunc(got.Site, want.Site) ||
		!sameFunc(got.Via, want.Via) || !sameFunc(got.Other, want.Other) ||
		!sameNum(float64(got.Calls), float64(want.Calls)) || !sameNum(float64(got.Multiple), float64(want.Multiple)) ||
		!sameNum(float64(got.Of), float64(want.Of)) || !sameNum(float64(got.Count), float64(want.Count)) ||
		!sameNum(float64(got.Among), float64(want.Among)) || !sameNum(float64(got.Distinct), float64(want.Distinct)) ||
		!sameNum(got.Cost, want.Cost) || !sameNum(got.Share, want.Share) || !sameNum(got.Ratio, want.Ratio) ||
		want.Text != "" && got.Text != want.Text {
		return false
	}
	if want.Funcs != nil && len(got.Funcs) != len(want.Funcs) {
		return false
	}
	for i, w := range want.Funcs {
		if !sameFunc(got.Funcs[i], w) {
			return false
		}
	}
	for _, w := range want.Parts {
		if !hasFact(got.Parts, w) {
			return false
		}
	}
	return true
}

func TestHasFact(t *testing.T) {
	yacc, goto0 := &parse.Func{Name: "yacc"}, &parse.Func{Name: "lr0_goto"}
	ev := []Fact{
		{Kind: FactRan, Func: yacc, Calls: 120, Cost: 0.853, Share: 0.85},
		{Kind: FactMultiples, Func: yacc, Count: 102, Among: 102, Of: 120, Distinct: 18,
			Parts: []Fact{{Kind: FactMultiple, Func: goto0, Calls: 118080, Multiple: 984, Of: 120, Other: yacc}}},
	}
	tests := []struct {
		want Fact
		ok   bool
	}{
		{Fact{Kind: FactRan, Func: named("yacc"), Calls: 120}, true},
		{Fact{Kind: FactRan, Calls: 121}, false},
		{Fact{Kind: FactRan, Site: named("get_values")}, false},
		{Fact{Kind: FactMultiples, Parts: []Fact{{Kind: FactMultiple, Func: named("lr0_goto"), Multiple: 984}}}, true},
		{Fact{Kind: FactMultiples, Parts: []Fact{{Kind: FactMultiple, Func: named("lr0_goto"), Multiple: 985}}}, false},
		{Fact{Kind: FactCache}, false},
	}
	for _, tt := range tests {
		if got := hasFact(ev, tt.want); got != tt.ok {
			t.Errorf("hasFact(%+v) = %v, want %v", tt.want, got, tt.ok)
		}
	}
}

// TestUseRatioWeighsEveryCallee: the use-ratio fact names the heaviest
// other call of the setup's caller whatever code it is in, so a built-in
// that outweighs the user's own calls is the one quoted, and one that
// outweighs the setup leaves no fact at all.
func TestUseRatioWeighsEveryCallee(t *testing.T) {
	lim := DefaultLimits()
	parent := &parse.Func{Name: "handle", File: "/srv/app/app.py", Line: 10}
	root := &parse.Func{Name: "make", File: "/usr/lib/python3/dist-packages/lib/build.py", Line: 5}
	glob := &parse.Func{Name: "glob", File: "/usr/lib/python3.11/glob.py", Line: 13}
	sum := &parse.Func{Name: "<built-in method builtins.sum>", File: "~"}
	edges := func(sumCost float64) []*parse.Edge {
		return []*parse.Edge{
			{Caller: parent, Callee: root, Calls: 10, Cum: 0.9},
			{Caller: parent, Callee: glob, Calls: 10, Cum: 0.009},
			{Caller: parent, Callee: sum, Calls: 10, Cum: sumCost},
		}
	}
	c := candidate{root: root, calls: 10, cost: 0.9}

	parent.Out = edges(0.1)
	got, ok := useRatio(&lim, []*parse.Func{parent}, c)
	if !ok || got.Other != sum || !near(got.Cost, 0.1) || !near(got.Ratio, 9) {
		t.Errorf("got %+v, %v; want sum's 0.1 s quoted, ratio 9", got, ok)
	}
	parent.Out = edges(0.839)
	if got, ok := useRatio(&lim, []*parse.Func{parent}, c); ok {
		t.Errorf("got %+v, want no fact: sum's 0.839 s is close to the setup's 0.9 s", got)
	}
}
