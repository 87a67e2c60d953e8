package analyze

import (
	"math"
	"strings"

	"github.com/loopdoctor/loopdoctor/internal/callgraph"
	"github.com/loopdoctor/loopdoctor/parse"
)

// callGraph is a pstats profile with what the detector derives once.
type callGraph struct {
	*profileIndex

	// fixed says, per function ID, whether its run-time share is known
	// without solving: the estimated share of its calls made outside
	// module imports, 0 for import machinery and the bodies of imported
	// modules, 1 for the main script and for roots. The rest are the
	// call-weighted mean over callers, as gprof apportions time. Read
	// them through runtimeOf: shares are solved as they are asked for,
	// and the solver is made on the first question about a share not
	// fixed. Where the bounds (costBound) and the counts rule out every
	// candidate, as on large.pstats, the findings ask none.
	fixed  []shareKnown
	shares *callgraph.Solver // nil until a share not fixed is asked for

	taken []candidate // candidates accepted as findings so far
	below *reach      // what the outer roots of a pattern so far reach, reused from pattern to pattern

	bounds map[int64]multiplesBound // identicalBound's answers, by modulus

	pythonMajor int // the major version of the Python that wrote the dump; 0 if unknown
}

// shareKnown is what is known of a function's run-time share before solving
// any: a byte per function, where the shares themselves, float64s, would
// be eight times the fresh memory for a report that on large.pstats
// solves none.
type shareKnown uint8

const (
	shareSolved shareKnown = iota // not fixed: solved from its callers', starting at 1
	shareNone                     // fixed at 0
	shareAll                      // fixed at 1
)

func newCallGraph(ix *profileIndex) *callGraph {
	p, lim := ix.p, ix.lim
	g := &callGraph{profileIndex: ix, fixed: make([]shareKnown, len(p.Funcs))}
	fixed := g.fixed
	// Fixed: CPython's frozen import machinery at 0, then the functions
	// nobody calls at 1, then the bodies of modules; the rest are solved,
	// the zero the array is made with. The functions are read file by
	// file (their paths from the index, with slashes, which the prefix
	// has none of) and from the index's lists, not one by one: on
	// large.pstats, finding who is called from the call graph's 54,338
	// edges cost 0.6M instructions (callgrind), and the index reads each
	// Func's callers anyway.
	importlib := func(file string) bool { return strings.HasPrefix(file, "<frozen importlib") }
	for k := 1; k < len(ix.fileStarts); k++ {
		if importlib(ix.paths[k-1].path) {
			for i := ix.fileStarts[k-1]; i < ix.fileStarts[k]; i++ {
				fixed[i] = shareNone
			}
		}
	}
	for _, i := range ix.uncalled {
		if fixed[i] == shareSolved {
			fixed[i] = shareAll
		}
	}
	for _, i := range ix.modules {
		if f := p.Funcs[i]; !importlib(f.File) {
			fixed[i] = shareAll
			if f.File != "<string>" && f.Cum < lim.MainModule*p.Total {
				fixed[i] = shareNone
			}
		}
	}
	return g
}

// solver makes the solver of the shares not fixed: each is the mean of
// its callers' weighted by their calls, leaving out its calls of itself.
// Fixed callers are constants, so edges through them close no cycle: that
// splits the one huge component that import recursion (import → exec →
// <module> → import) otherwise makes. What is left is solved exactly,
// cycles included (see callgraph.Means), over the callers' graph itself,
// for the functions whose shares the findings read and those they depend
// on: the weights come from the edges, in the callers' graph's order
// (In), a cache miss each, read only for the functions solved.
func (g *callGraph) solver() *callgraph.Solver {
	p := g.p
	in := g.callerGraph()
	fixed, x := make([]bool, len(g.fixed)), make([]float64, len(g.fixed))
	for i, s := range g.fixed {
		fixed[i] = s != shareSolved
		if s != shareNone {
			x[i] = 1
		}
	}
	m := &callgraph.Means{G: in, W: make([]float64, len(in.Adj)), Fixed: fixed,
		Weigh: func(v int32, w []float64) {
			for k, e := range p.Funcs[v].In[:len(w)] {
				w[k] = float64(max(e.Calls, 1))
			}
		}}
	return m.Solver(x)
}

// runtimeOf is the run-time share of function id (see fixed).
func (g *callGraph) runtimeOf(id int) float64 {
	switch g.fixed[id] {
	case shareNone:
		return 0
	case shareAll:
		return 1
	}
	if g.shares == nil {
		g.shares = g.solver()
	}
	return g.shares.Value(int32(id))
}

// shareBound is at least the run-time share of function id, known without
// solving any: the share itself when it is fixed, else 1. A share not
// fixed is a weighted mean of shares and initial values in [0, 1], which
// rounding keeps in [0, 1] (callgraph.Means: every mean is a sum of
// non-negative terms over the sum of their weights).
func (g *callGraph) shareBound(id int32) float64 {
	if g.fixed[id] == shareNone {
		return 0
	}
	return 1
}

// entry sums the calls and cost of f from callers for which inside, given
// the caller's ID, is false (from all when inside is nil), weighting each
// caller by its run-time share. A function nobody calls counts its own
// primitive calls.
func (g *callGraph) entry(f *parse.Func, inside func(id int32) bool) (int64, float64) {
	if len(f.In) == 0 {
		return f.Primitive, f.Cum * g.runtimeOf(f.ID)
	}
	var calls, cost float64
	for _, e := range f.In {
		c := int32(e.Caller.ID)
		if int(c) == f.ID || inside != nil && inside(c) {
			continue
		}
		r := g.runtimeOf(int(c))
		calls += float64(edgeCalls(e)) * r
		cost += e.Cum * r
	}
	// Edges from callers in a recursive cycle repeat the outermost calls
	// (cProfile's per-edge primitive counts know only the caller-callee
	// pair), so the function's own figures bound the sums.
	return min(int64(math.Round(calls)), f.Primitive), min(cost, f.Cum)
}

// costBound is at least the cost entry(f, inside) returns, known without
// solving any share: each caller's share is taken at shareBound. Term by
// term the sum is at least entry's, added in the same order, so the bound
// holds in floating point too. entry's calls are at most f.Primitive.
func (g *callGraph) costBound(f *parse.Func, inside func(id int32) bool) float64 {
	if len(f.In) == 0 {
		return max(f.Cum, 0) * g.shareBound(int32(f.ID))
	}
	var cost float64
	for _, e := range f.In {
		c := int32(e.Caller.ID)
		if int(c) == f.ID || inside != nil && inside(c) {
			continue
		}
		cost += max(e.Cum, 0) * g.shareBound(c)
	}
	return min(cost, f.Cum)
}

// edgeCalls is the primitive calls along e, or all calls when unknown.
func edgeCalls(e *parse.Edge) int64 {
	if e.Primitive >= 0 {
		return e.Primitive
	}
	return e.Calls
}

// share is v as a fraction of p's total, 0 when the total is not positive.
func share(p *parse.Profile, v float64) float64 {
	if p.Total <= 0 {
		return 0
	}
	return v / p.Total
}

// importCalls estimates the calls of f made while importing modules.
func (g *callGraph) importCalls(f *parse.Func) int64 {
	var n float64
	for _, e := range f.In {
		if e.Caller != f {
			n += float64(edgeCalls(e)) * (1 - g.runtimeOf(e.Caller.ID))
		}
	}
	return int64(math.Round(n))
}
