package parse

import (
	"sync"

	"github.com/loopdoctor/loopdoctor/internal/callgraph"
)

// callGraph is what CallGraph returns for a normalized profile.
type callGraph struct {
	once   sync.Once
	out    *callgraph.Graph
	cycles *callgraph.Components

	// free holds arrays of n, n and n+1 entries for the n functions that
	// Normalize used for sorting the edges and reads no more, for the
	// cycles to be kept in: three fewer arrays made (0.2 MB on
	// large.pstats). Nil for a profile never normalized.
	free *[3][]int32
}

// CallGraph returns the call graph of the functions as arrays of IDs,
// node i being Funcs[i] with the callees of its Out edges as successors,
// in order, and the graph's strongly connected components: its recursive
// cycles. Normalize keeps the graph it sorts the edges by; the pstats
// reader needs the cycles for its threads note and the analyses need them
// again, so they are found on first use and kept; goroutines may ask at
// once. Both are shared: read them, never change them, and do not change
// the profile after asking.
func (p *Profile) CallGraph() (*callgraph.Graph, *callgraph.Components) {
	c := p.graph
	if c == nil { // built by hand and never normalized
		c = &callGraph{out: outGraph(p)}
	}
	c.once.Do(func() {
		if f := c.free; f != nil {
			c.cycles, c.free = callgraph.SCCInto(c.out, f[0], f[1], f[2]), nil
		} else {
			c.cycles = callgraph.SCC(c.out)
		}
	})
	return c.out, c.cycles
}

// outGraph is the call graph of a profile whose Edges are sorted but
// whose In and Out may not be set.
func outGraph(p *Profile) *callgraph.Graph {
	start, adj := make([]int32, len(p.Funcs)+1), make([]int32, len(p.Edges))
	for i, e := range p.Edges {
		adj[i] = int32(e.Callee.ID)
		start[e.Caller.ID+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	return &callgraph.Graph{Start: start, Adj: adj}
}
