// Package callgraph holds the graph algorithms loopdoctor runs over call
// graphs whose size and shape come from untrusted input: a graph in
// compressed sparse row form over integer node IDs and one iterative
// strongly-connected-components search, so that no depth in the data
// becomes depth of the Go stack.
package callgraph

import (
	"math"
)

// MaxNodes is the most nodes a Graph holds: IDs are int32 to halve the
// memory of the arrays on a graph of millions of functions.
const MaxNodes = math.MaxInt32

// Graph is a directed graph over nodes 0..Len()-1. The successors of node v
// are Adj[Start[v]:Start[v+1]], in the order they were added.
type Graph struct {
	Start []int32
	Adj   []int32
}

// New returns an empty graph with room for the given numbers of nodes and
// edges. Nodes are added in ID order: Edge adds successors to the node
// being built and EndNode closes it.
func New(nodes, edges int) *Graph {
	g := &Graph{Start: make([]int32, 1, nodes+1), Adj: make([]int32, 0, edges)}
	return g
}

// Edge adds an edge from the node being built to w.
func (g *Graph) Edge(w int) { g.Adj = append(g.Adj, int32(w)) }

// EndNode closes the node being built; the next Edge starts the next node.
func (g *Graph) EndNode() { g.Start = append(g.Start, int32(len(g.Adj))) }

// Len is the number of nodes.
func (g *Graph) Len() int { return len(g.Start) - 1 }

// Succ returns the successors of v.
func (g *Graph) Succ(v int) []int32 { return g.Adj[g.Start[v]:g.Start[v+1]] }

// Transpose returns g with every edge reversed. Each node's predecessors
// come in ascending order, the order of g's nodes.
func (g *Graph) Transpose() *Graph {
	n := g.Len()
	// Locals, not fields through g and t: the loops then keep them in
	// registers instead of reloading them on every edge.
	start, adj := g.Start, g.Adj
	// Each node's predecessors are counted two places on, so that after
	// the running sum tStart[w+1] is where w's predecessors begin: the
	// fill moves it on to where they end, where w+1's begin.
	tStart, tAdj := make([]int32, n+2), make([]int32, len(adj))
	for _, w := range adj {
		tStart[w+2]++
	}
	for v := range n {
		tStart[v+1] += tStart[v]
	}
	for v := range n {
		for i := start[v]; i < start[v+1]; i++ {
			w := adj[i]
			tAdj[tStart[w+1]] = int32(v)
			tStart[w+1]++
		}
	}
	tStart = tStart[:n+1]
	return &Graph{Start: tStart, Adj: tAdj}
}
