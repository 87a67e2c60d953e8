package parse

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/internal/callgraph"
)

// sortNames are function names that the integer prefix sortByFile compares
// first cannot tell apart: names that tie in their first eight bytes, that
// are prefixes of one another, and that hold NUL bytes, which the prefix
// is padded with.
var sortNames = []string{
	"", "a", "a\x00", "a\x00b", "abcdefg", "abcdefgh", "abcdefgh\x00", "abcdefghi", "abcdefgha",
	"abcdefgh\u00ff", "\u00ff", "é", "test_get", "test_getattr", "test_get_many", "<lambda>",
}

var sortFiles = []string{"b.py", "a.py", "~", "", "a.pyc", "/usr/lib/python3.11/a.py"}

// byKey is the plain order Normalize keeps.
func byKey(x, y *Func) int {
	return cmp.Or(strings.Compare(x.File, y.File), strings.Compare(x.Name, y.Name), cmp.Compare(x.Line, y.Line))
}

// TestSortFuncs checks Normalize's sort against a plain sort by (File,
// Name, Line), from shuffled orders.
func TestSortFuncs(t *testing.T) {
	var funcs []*Func
	for _, file := range sortFiles {
		for _, name := range sortNames {
			for _, line := range []int{3, 1, 20} {
				funcs = append(funcs, &Func{File: file, Name: name, Line: line})
			}
		}
	}
	want := slices.Clone(funcs)
	slices.SortFunc(want, byKey)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		r.Shuffle(len(funcs), func(i, j int) { funcs[i], funcs[j] = funcs[j], funcs[i] })
		got := scatter(make([]*Func, len(funcs)), funcs, sortFuncs(funcs))
		for k := range got {
			if got[k] != want[k] {
				t.Fatalf("shuffle %d: function %d is %q, want %q", i, k, got[k], want[k])
			}
		}
	}
}

// TestPstatsSortsByText checks the pstats reader's own sort, which ranks
// files by interned string IDs: the functions of a dump whose rows come in
// shuffled order must read in the plain (File, Name, Line) order.
func TestPstatsSortsByText(t *testing.T) {
	type key struct {
		file, name string
		line       int
	}
	var keys []key
	for _, file := range sortFiles {
		for _, name := range sortNames {
			keys = append(keys, key{file, name, 2}, key{file, name, 1})
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	var rows [][]byte
	for _, k := range keys {
		rows = append(rows, mKey(k.file, k.line, k.name), mStats(1, 1, 0, 0, mDict()))
	}
	p, err := PstatsData(mDict(rows...), "shuffled.pstats")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Funcs) != len(keys) {
		t.Fatalf("%d functions, want %d", len(p.Funcs), len(keys))
	}
	for i := 1; i < len(p.Funcs); i++ {
		if byKey(p.Funcs[i-1], p.Funcs[i]) >= 0 {
			t.Fatalf("function %d, %q, comes before %q", i-1, p.Funcs[i-1], p.Funcs[i])
		}
	}
}

// TestPstatsSortsLikeNormalize checks the pstats reader's sort, which
// reads the functions' interned keys, against Normalize's, which reads
// the functions, and against a plain sort by (File, Name, Line), on every
// dump at hand.
func TestPstatsSortsLikeNormalize(t *testing.T) {
	for name, p := range readPstatsDumps(t) {
		for i, to := range sortFuncs(p.Funcs) {
			if int(to) != i {
				t.Errorf("%s: Normalize puts function %d, %s, at %d", name, i, p.Funcs[i], to)
				break
			}
		}
		if !slices.IsSortedFunc(p.Funcs, byKey) {
			t.Errorf("%s: functions are not in (File, Name, Line) order", name)
		}
	}
}

// TestSortEdges checks sortEdges against a plain sort by (caller,
// callee) on random graphs whose ends it maps to their IDs, with each callee's edges together in the
// order given, as the pstats reader gives them, and apart, and that it
// finds a duplicate edge.
func TestSortEdges(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for round := range 200 {
		n := 1 + r.IntN(40)
		var edges [][2]int32
		for c := range int32(n) {
			for d := range int32(n) {
				if r.IntN(4) == 0 {
					edges = append(edges, [2]int32{c, d})
				}
			}
		}
		// Together: callees in a random order, each one's callers shuffled.
		r.Shuffle(len(edges), func(i, j int) { edges[i], edges[j] = edges[j], edges[i] })
		rank := r.Perm(n)
		slices.SortStableFunc(edges, func(x, y [2]int32) int { return cmp.Compare(rank[x[1]], rank[y[1]]) })
		if round%2 == 1 && len(edges) > 1 { // apart
			i, j := r.IntN(len(edges)), r.IntN(len(edges))
			edges[i], edges[j] = edges[j], edges[i]
		}
		dup := round%3 == 2 && len(edges) > 0
		if dup {
			edges = slices.Insert(edges, r.IntN(len(edges)+1), edges[r.IntN(len(edges))])
		}
		want := slices.Clone(edges)
		slices.SortFunc(want, func(x, y [2]int32) int { return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1])) })
		// The ends are given as indexes that to maps to the IDs above.
		to, from := make([]int32, n), r.Perm(n)
		for id, k := range from {
			to[k] = int32(id)
		}
		callers, callees := make([]int32, len(edges)), make([]int32, len(edges))
		given := make([]*Edge, len(edges))
		for i, e := range edges {
			callers[i], callees[i] = int32(from[e[0]]), int32(from[e[1]])
			given[i] = &Edge{Calls: int64(i)}
		}
		o := sortEdges(to, callers, callees, given, make([]*Edge, len(edges)))
		if o.dup != dup {
			t.Fatalf("round %d: duplicate found %v, want %v", round, o.dup, dup)
		}
		for i, e := range edges {
			if j := o.to[i]; want[j] != e || o.callee[j] != e[1] || o.edges[j] != given[i] {
				t.Fatalf("round %d: edge %d, %v, goes to %d, where %v belongs (callee %d, edge %d)", round, i, e, j, want[j], o.callee[j], o.edges[j].Calls)
			}
		}
		for f := range int32(n) {
			outs := len(slices.DeleteFunc(slices.Clone(want), func(e [2]int32) bool { return e[0] != f }))
			ins := len(slices.DeleteFunc(slices.Clone(want), func(e [2]int32) bool { return e[1] != f }))
			if int(o.outs[f+1]-o.outs[f]) != outs || int(o.ins[f+1]-o.ins[f]) != ins {
				t.Fatalf("round %d: function %d has %d..%d out and %d..%d in, want %d and %d",
					round, f, o.outs[f], o.outs[f+1], o.ins[f], o.ins[f+1], outs, ins)
			}
		}
	}
}

// TestNormalizeEdges checks the edge order and adjacency Normalize builds
// from edges in reader order, with Out laid over the reader's own array:
// Edges sorted by (caller, callee), each Out a window of Edges, each In
// sorted by caller, and stacks remapped to the sorted IDs.
func TestNormalizeEdges(t *testing.T) {
	c, a, d, b := &Func{Name: "c"}, &Func{Name: "a"}, &Func{Name: "d"}, &Func{Name: "b"}
	edge := func(from, to *Func) *Edge { return &Edge{Caller: from, Callee: to, Calls: 1, Primitive: 1} }
	p := &Profile{
		Funcs:  []*Func{c, a, d, b},
		Edges:  []*Edge{edge(d, a), edge(a, c), edge(c, a), edge(b, d), edge(a, b), edge(d, c), edge(a, d)},
		Stacks: []Stack{{Funcs: []int{0, 1, 2}, Value: 1}}, // c, a, d in reader order
	}
	for _, f := range p.Funcs {
		f.Calls, f.Primitive = 1, 1
	}
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	name := func(es []*Edge) string {
		var s []string
		for _, e := range es {
			s = append(s, e.Caller.Name+e.Callee.Name)
		}
		return strings.Join(s, " ")
	}
	if got, want := name(p.Edges), "ab ac ad bd ca da dc"; got != want {
		t.Errorf("edges %q, want %q", got, want)
	}
	outs := map[string]string{"a": "ab ac ad", "b": "bd", "c": "ca", "d": "da dc"}
	ins := map[string]string{"a": "ca da", "b": "ab", "c": "ac dc", "d": "ad bd"}
	at := 0
	for i, f := range p.Funcs {
		if f.ID != i {
			t.Errorf("%s has ID %d at %d", f.Name, f.ID, i)
		}
		if got := name(f.Out); got != outs[f.Name] || (len(f.Out) > 0 && &f.Out[0] != &p.Edges[at]) {
			t.Errorf("%s Out %q, want %q as a window of Edges at %d", f.Name, got, outs[f.Name], at)
		}
		at += len(f.Out)
		if got := name(f.In); got != ins[f.Name] {
			t.Errorf("%s In %q, want %q", f.Name, got, ins[f.Name])
		}
	}
	if got, want := p.Stacks[0].Funcs, []int{2, 0, 3}; !slices.Equal(got, want) {
		t.Errorf("stack %v, want %v (c, a, d)", got, want)
	}
}

// TestCallGraph checks the profile's call graph against its edges and
// cycles worked out by hand, that it is made once, and that Normalize
// makes it again for a changed profile.
func TestCallGraph(t *testing.T) {
	p := &Profile{Format: Pstats}
	for _, name := range []string{"a", "b", "c", "d"} {
		p.Funcs = append(p.Funcs, &Func{File: "x.py", Name: name})
	}
	edge := func(from, to int) {
		p.Edges = append(p.Edges, &Edge{Caller: p.Funcs[from], Callee: p.Funcs[to]})
	}
	edge(2, 1) // c -> b
	edge(1, 2) // b -> c
	edge(0, 1) // a -> b
	edge(1, 3) // b -> d
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	g, c := p.CallGraph()
	// a: b; b: c, d; c: b; d: none. b and c are one cycle.
	if want := []int32{0, 1, 3, 4, 4}; !slices.Equal(g.Start, want) {
		t.Errorf("Start %v, want %v", g.Start, want)
	}
	if want := []int32{1, 2, 3, 1}; !slices.Equal(g.Adj, want) {
		t.Errorf("Adj %v, want %v", g.Adj, want)
	}
	var sizes []int
	for v := range p.Funcs {
		sizes = append(sizes, c.Size(int(c.Of[v])))
	}
	if want := []int{1, 2, 2, 1}; !slices.Equal(sizes, want) {
		t.Errorf("component sizes %v, want %v", sizes, want)
	}
	if g2, c2 := p.CallGraph(); g2 != g || c2 != c {
		t.Error("CallGraph made the graph twice")
	}
	edge(3, 0) // d -> a: now all four are one cycle
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	if _, c := p.CallGraph(); c.Len() != 1 {
		t.Errorf("after Normalize: %d components, want 1", c.Len())
	}
}

// TestCallGraphCycles checks the cycles of every dump at hand, which
// Normalize has them kept in arrays it used for sorting the edges, against
// those of its call graph made anew.
func TestCallGraphCycles(t *testing.T) {
	for name, p := range readPstatsDumps(t) {
		_, got := p.CallGraph()
		want := callgraph.SCC(outGraph(p))
		if !slices.Equal(got.Of, want.Of) || !slices.Equal(got.Nodes, want.Nodes) || !slices.Equal(got.Start, want.Start) {
			t.Errorf("%s: cycles differ from those found anew", name)
		}
	}
}

// TestPstatsValid checks that every dump at hand that reads passes
// Validate, which checks every number again: the pstats reader checks
// them as it reads them, and normalizing does not check them again.
func TestPstatsValid(t *testing.T) {
	for name, p := range readPstatsDumps(t) {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestValidValuesOrder checks which problem Normalize and Validate refuse
// a profile for when it has several: the total, then the first bad
// function, then the first bad edge in sorted order, then call counts
// too large to add up.
func TestValidValuesOrder(t *testing.T) {
	build := func(total float64, funcOwn float64, edges [][4]float64) *Profile {
		p := &Profile{Format: Pstats, Total: total}
		for i, name := range []string{"a", "b", "c"} {
			p.Funcs = append(p.Funcs, &Func{File: "x.py", Name: name, Calls: math.MaxInt64 / 2, Own: []float64{0, funcOwn, 0}[i]})
		}
		for _, e := range edges { // caller, callee, calls, own
			p.Edges = append(p.Edges, &Edge{Caller: p.Funcs[int(e[0])], Callee: p.Funcs[int(e[1])], Calls: int64(e[2]), Own: e[3]})
		}
		return p
	}
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		p    *Profile
		want string
	}{
		{"total first", build(-1, nan, [][4]float64{{0, 1, -5, 0}}), "total -1 is not a finite non-negative number"},
		{"function before edge", build(1, nan, [][4]float64{{0, 1, -5, 0}}), "x.py:0(b): time is negative or not a number (own NaN, cum 0)"},
		{"first edge in sorted order", build(1, 0, [][4]float64{{2, 0, 1, nan}, {0, 2, -5, 0}, {0, 1, 1, nan}}),
			"edge x.py:0(a) -> x.py:0(b): time is negative or not a number"},
		{"negative count", build(1, 0, [][4]float64{{2, 0, 1, nan}, {0, 2, -5, 0}}), "edge x.py:0(a) -> x.py:0(c): negative call count"},
		{"edge before overflow", build(1, 0, [][4]float64{{1, 2, -2, 0}}), "edge x.py:0(b) -> x.py:0(c): negative call count"},
		{"overflow last", build(1, 0, nil), errTooManyCalls.Error()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.p.Normalize(); err == nil || err.Error() != tc.want {
				t.Errorf("Normalize: %v, want %s", err, tc.want)
			}
			if err := tc.p.Validate(); err == nil || err.Error() != tc.want {
				t.Errorf("Validate: %v, want %s", err, tc.want)
			}
		})
	}
}

// TestNormalizeRefusesEdges checks the edge problems Normalize refuses a
// profile for: an edge to a function it does not hold, and duplicate
// edges, the first of them in sorted order named whatever order they
// were read in.
func TestNormalizeRefusesEdges(t *testing.T) {
	build := func(edges ...[2]int) *Profile {
		p := &Profile{Format: Pstats}
		for _, name := range []string{"d", "c", "b", "a"} { // sorted the other way round
			p.Funcs = append(p.Funcs, &Func{File: "x.py", Name: name})
		}
		stranger := &Func{File: "y.py", Name: "e"}
		for _, e := range edges {
			end := func(i int) *Func {
				if i < 0 {
					return stranger
				}
				return p.Funcs[i]
			}
			p.Edges = append(p.Edges, &Edge{Caller: end(e[0]), Callee: end(e[1])})
		}
		return p
	}
	for _, tc := range []struct {
		name string
		p    *Profile
		want string
	}{
		{"stranger callee", build([2]int{0, 1}, [2]int{1, -1}), "edge joins a function that is not in the profile"},
		{"stranger caller", build([2]int{-1, 1}), "edge joins a function that is not in the profile"},
		{"duplicate", build([2]int{0, 1}, [2]int{1, 0}, [2]int{0, 1}), "duplicate edge x.py:0(d) -> x.py:0(c)"},
		{"first duplicate in sorted order", build([2]int{0, 1}, [2]int{0, 1}, [2]int{3, 2}, [2]int{2, 3}, [2]int{3, 2}, [2]int{2, 3}),
			"duplicate edge x.py:0(a) -> x.py:0(b)"},
		{"duplicate self call", build([2]int{2, 2}, [2]int{1, 1}, [2]int{2, 2}), "duplicate edge x.py:0(b) -> x.py:0(b)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.p.Normalize(); err == nil || err.Error() != tc.want {
				t.Errorf("Normalize: %v, want %s", err, tc.want)
			}
		})
	}
}

// TestNormalizeChecksFuncsByID checks that Normalize, which checks the
// functions in the reader's order, refuses a profile for the bad
// function with the lowest ID, and sums call counts in ID order, where an
// unknown count (-1) ends a sum before it can overflow.
func TestNormalizeChecksFuncsByID(t *testing.T) {
	build := func(funcs ...*Func) *Profile {
		for _, f := range funcs {
			f.File = "x.py"
		}
		return &Profile{Format: Pstats, Funcs: funcs}
	}
	huge := int64(math.MaxInt64)
	for _, tc := range []struct {
		name string
		p    *Profile
		want string // "" for no error
	}{
		{"first bad by ID", build(&Func{Name: "c", Own: math.NaN()}, &Func{Name: "a"}, &Func{Name: "b", Calls: -3}),
			"x.py:0(b): negative call count"},
		{"unknown before overflow in ID order", build(&Func{Name: "a", Calls: huge}, &Func{Name: "c", Calls: huge}, &Func{Name: "b", Calls: -1}), ""},
		{"overflow before unknown in ID order", build(&Func{Name: "c", Calls: -1}, &Func{Name: "b", Calls: huge}, &Func{Name: "a", Calls: huge}),
			errTooManyCalls.Error()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.p.Normalize()
			if got := fmt.Sprint(err); err == nil && tc.want != "" || err != nil && got != tc.want {
				t.Errorf("Normalize: %v, want %q", err, tc.want)
			}
		})
	}
}

// TestBad checks bad against the plain tests it stands for on the edge
// cases of float64 and on random bit patterns.
func TestBad(t *testing.T) {
	plain := func(v float64) bool { return v < 0 || math.IsNaN(v) || math.IsInf(v, 0) }
	values := []float64{0, math.Copysign(0, -1), math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64,
		1, -1, math.MaxFloat64, -math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN(),
		math.Float64frombits(0x7ff8000000000001), math.Float64frombits(0xfff8000000000000)}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		values = append(values, math.Float64frombits(r.Uint64()))
	}
	for _, v := range values {
		if got, want := bad(v), plain(v); got != want {
			t.Errorf("bad(%v) (bits %#x) = %v, want %v", v, math.Float64bits(v), got, want)
		}
	}
}

// readPstatsDumps yields every pstats dump at hand that reads, by name,
// and passes over those kept for their errors.
func readPstatsDumps(t *testing.T) iter.Seq2[string, *Profile] {
	return func(yield func(string, *Profile) bool) {
		for _, name := range pstatsDumps(t) {
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			p, err := PstatsData(data, name)
			if err != nil {
				continue
			}
			if !yield(name, p) {
				return
			}
		}
	}
}
