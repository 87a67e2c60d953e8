package parse

import (
	"sync"

	"github.com/loopdoctor/loopdoctor/internal/callgraph"
)

// callGraph is what CallGraph makes once per normalized profile.
type callGraph struct {
	once   sync.Once
	out    *callgraph.Graph
	cycles *callgraph.Components
}

// CallGraph returns the call graph of the functions as arrays of IDs,
// node i being Funcs[i] with the callees of its Out edges as successors,
// in order, and the graph's strongly connected components: its recursive
// cycles. The pstats reader needs the cycles for its threads note and the
// analyses need them again, so they are made on first use after Normalize
// and kept; goroutines may ask at once. Both are shared: read them, never
// change them, and do not change the profile after asking.
func (p *Profile) CallGraph() (*callgraph.Graph, *callgraph.Components) {
	c := p.graph
	if c == nil { // built by hand and never normalized
		c = new(callGraph)
	}
	c.once.Do(func() {
		// The Out windows laid end to end are Edges (Normalize): counting
		// each function's edges there spares reading every Func.
		start, adj := make([]int32, len(p.Funcs)+1), make([]int32, len(p.Edges))
		for i, e := range p.Edges {
			adj[i] = int32(e.Callee.ID)
			start[e.Caller.ID+1]++
		}
		for i := 1; i < len(start); i++ {
			start[i] += start[i-1]
		}
		c.out = &callgraph.Graph{Start: start, Adj: adj}
		c.cycles = callgraph.SCC(c.out)
	})
	return c.out, c.cycles
}
