package analyze

import (
	"math"
	"strings"

	"github.com/loopdoctor/loopdoctor/internal/callgraph"

	"github.com/loopdoctor/loopdoctor/parse"
)

// callGraph is a pstats profile with what the detector derives once.
type callGraph struct {
	p     *parse.Profile
	lim   *Limits
	files []string // per function ID, its file with forward slashes

	// runtime is, per function ID, the estimated share of its calls made
	// outside module imports: 0 for import machinery and the bodies of
	// imported modules, 1 for the main script and for roots, and for the
	// rest the call-weighted mean over callers, as gprof apportions time.
	runtime []float64

	taken []candidate // candidates accepted as findings so far

	pythonMajor int                   // the major version of the Python that wrote the dump; 0 if unknown
	cycles      *callgraph.Components // recursive cycles, for private
}

func newCallGraph(p *parse.Profile, lim *Limits) *callGraph {
	g := &callGraph{p: p, lim: lim, runtime: make([]float64, len(p.Funcs)), files: make([]string, len(p.Funcs))}
	fixed := make([]bool, len(p.Funcs))
	for i, f := range p.Funcs {
		g.files[i] = slashed(f.File)
		g.runtime[i] = 1
		switch {
		case strings.HasPrefix(f.File, "<frozen importlib"):
			g.runtime[i], fixed[i] = 0, true
		case f.Name == "<module>":
			fixed[i] = true
			if f.File != "<string>" && f.Cum < lim.MainModule*p.Total {
				g.runtime[i] = 0
			}
		case len(f.In) == 0:
			fixed[i] = true
		}
	}
	// Settle callers before callees: Tarjan's components come out callees
	// first, so walking them backwards visits the condensed graph in
	// topological order. An acyclic function then needs one update; only
	// the members of a cycle iterate, converging geometrically. Fixed
	// functions are constants, so edges through them close no cycle:
	// leaving them out splits the one huge component that import
	// recursion (import → exec → <module> → import) otherwise makes.
	// Each out[i] is a window of one shared array: one allocation, not
	// one per function; callees[i] holds the same edges' callee IDs, for
	// the sweeps.
	out := make([][]*parse.Edge, len(p.Funcs))
	callees := make([][]int, len(p.Funcs))
	kept := make([]*parse.Edge, 0, len(p.Edges))
	keptIDs := make([]int, 0, len(p.Edges))
	for i, f := range p.Funcs {
		if fixed[i] {
			continue
		}
		first := len(kept)
		for _, e := range f.Out {
			if !fixed[e.Callee.ID] {
				kept, keptIDs = append(kept, e), append(keptIDs, e.Callee.ID)
			}
		}
		out[i] = kept[first:len(kept):len(kept)]
		callees[i] = keptIDs[first:len(keptIDs):len(keptIDs)]
	}
	// Each function's callers and their shares of its calls, flattened so
	// the sweeps below touch two arrays rather than chase edge pointers.
	// A fixed caller at share 0 (an import) adds exactly 0 to the mean
	// every time, so it is left out of the sums; its calls still count in
	// the weights. Import machinery has hundreds of such callers.
	// stale starts set for the functions that have callers other than
	// themselves: the others keep their shares.
	start := make([]int, len(p.Funcs)+1)
	callers := make([]int, 0, len(p.Edges))
	weights := make([]float64, 0, len(p.Edges))
	stale := make([]bool, len(p.Funcs))
	for i, f := range p.Funcs {
		start[i] = len(callers)
		if fixed[i] {
			continue
		}
		var total float64
		for _, e := range f.In {
			c := e.Caller
			if c == f {
				continue
			}
			stale[i] = true
			n := float64(max(e.Calls, 1))
			total += n
			if !fixed[c.ID] || g.runtime[c.ID] != 0 {
				callers, weights = append(callers, c.ID), append(weights, n)
			}
		}
		for j := start[i]; j < len(weights); j++ {
			weights[j] /= total
		}
	}
	start[len(p.Funcs)] = len(callers)
	// settle sets function i's run-time share to the call-weighted mean of
	// its callers' shares and reports whether it moved.
	settle := func(i int) bool {
		var r float64
		for j := start[i]; j < start[i+1]; j++ {
			r += weights[j] * g.runtime[callers[j]]
		}
		if math.Abs(r-g.runtime[i]) <= 1e-6 { // a share; finer changes move no cost that matters
			return false
		}
		g.runtime[i] = r
		return true
	}
	// A function none of whose callers moved since it was last settled
	// would not move either, so only functions marked stale are settled
	// again: in a cycle that has not converged after many rounds, most
	// members have, and skipping them changes no result.
	scc := components(p.Funcs, out)
	var ids []int // the current component's members, in settling order
	for c := len(scc.members) - 1; c >= 0; c-- {
		// Tarjan lists a component's members deepest first, so going
		// backwards mostly meets callers before callees.
		ids = ids[:0]
		for i := len(scc.members[c]) - 1; i >= 0; i-- {
			ids = append(ids, scc.members[c][i].ID)
		}
		for round := 0; round < 200; round++ {
			changed := false
			for _, id := range ids {
				if !stale[id] {
					continue
				}
				stale[id] = false
				if settle(id) {
					changed = true
					for _, callee := range callees[id] {
						stale[callee] = true
					}
				}
			}
			if !changed || len(ids) == 1 {
				break
			}
		}
	}
	return g
}

// entry sums the calls and cost of f from callers for which inside is
// false, weighting each caller by its run-time share. A function nobody
// calls counts its own primitive calls.
func (g *callGraph) entry(f *parse.Func, inside func(*parse.Func) bool) (int64, float64) {
	if len(f.In) == 0 {
		return f.Primitive, f.Cum * g.runtime[f.ID]
	}
	var calls, cost float64
	for _, e := range f.In {
		if e.Caller == f || inside(e.Caller) {
			continue
		}
		r := g.runtime[e.Caller.ID]
		calls += float64(edgeCalls(e)) * r
		cost += e.Cum * r
	}
	// Edges from callers in a recursive cycle repeat the outermost calls
	// (cProfile's per-edge primitive counts know only the caller-callee
	// pair), so the function's own figures bound the sums.
	return min(int64(math.Round(calls)), f.Primitive), min(cost, f.Cum)
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
			n += float64(edgeCalls(e)) * (1 - g.runtime[e.Caller.ID])
		}
	}
	return int64(math.Round(n))
}
