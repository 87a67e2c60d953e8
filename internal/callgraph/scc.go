package callgraph

// Components are the strongly connected components of a graph. They are
// numbered in the order Tarjan's algorithm completes them, which is a
// reverse topological order of the condensed graph: every edge goes from a
// component to one with the same or a lower number. So walking the
// components from the last to the first visits callers before callees.
type Components struct {
	// Of is the component of each node.
	Of []int32
	// Nodes lists the nodes grouped by component: component c holds
	// Nodes[Start[c]:Start[c+1]], in the order Tarjan's stack released
	// them (the node found last first, the component's root last).
	Nodes []int32
	Start []int32
}

// Len is the number of components.
func (c *Components) Len() int { return len(c.Start) - 1 }

// Members returns the nodes of component k.
func (c *Components) Members(k int) []int32 { return c.Nodes[c.Start[k]:c.Start[k+1]] }

// Size is the number of nodes in component k.
func (c *Components) Size(k int) int { return int(c.Start[k+1] - c.Start[k]) }

// SCC finds the strongly connected components of g with Tarjan's algorithm.
// The search keeps its own stack of frames instead of recursing, so a call
// chain of millions of functions costs memory proportional to its length,
// never a goroutine stack overflow. Roots are tried in node order and edges
// in the order given, so the result is deterministic.
func SCC(g *Graph) *Components { return scc(g, nil) }

// scc is SCC over the edges of g whose weight in w, parallel to g.Adj, is
// not zero; over all of them when w is nil.
func scc(g *Graph, w []float64) *Components {
	n := g.Len()
	// Locals, not fields through g and c: the loop keeps them in registers.
	start, adj := g.Start, g.Adj
	of := make([]int32, n)
	nodes := make([]int32, n)
	starts := make([]int32, 1, n+1)
	// A node's index is its visit order, from 1. Until its component is
	// known a node is on Tarjan's stack, and of holds -1 minus its index
	// there; -1 means not visited yet. The stack lives at the end of
	// nodes, growing down: the nodes of finished components fill it from
	// the front, and the two together never hold more than n.
	for v := range of {
		of[v] = -1
	}
	stack, done := int32(n), int32(0) // nodes[stack:] is the stack, nodes[:done] the finished
	// frame is a node whose successors are being explored, the position
	// in adj of the next one to look at, and the lowest index reachable
	// through its subtree and one edge back (Tarjan's low): only the
	// node's own frame and its parent's read it.
	type frame struct{ v, next, low int32 }
	var frames []frame
	var counter int32
	for root := range int32(n) {
		if of[root] != -1 {
			continue
		}
		counter++
		of[root] = -1 - counter
		stack--
		nodes[stack] = root
		frames = append(frames[:0], frame{root, start[root], counter})
		for len(frames) > 0 {
			// Look at v's successors from where its frame stopped, in a
			// loop of its own until one is new: most are not.
			top := &frames[len(frames)-1]
			v, low := top.v, top.low
			succ := adj[top.next:start[v+1]]
			var weights []float64 // parallel to succ; nil when every edge counts
			if w != nil {
				weights = w[top.next:start[v+1]]
				weights = weights[:len(succ)]
			}
			i := 0
			for ; i < len(succ); i++ {
				if weights != nil && weights[i] == 0 {
					continue
				}
				u := of[succ[i]]
				if u == -1 {
					break
				}
				if u < -1 {
					low = min(low, -1-u)
				}
			}
			if i < len(succ) {
				u := succ[i]
				top.next, top.low = top.next+int32(i)+1, low
				counter++
				of[u] = -1 - counter
				stack--
				nodes[stack] = u
				frames = append(frames, frame{u, start[u], counter})
				continue
			}
			index := -1 - of[v] // v is still on the stack
			frames = frames[:len(frames)-1]
			if len(frames) > 0 {
				parent := &frames[len(frames)-1]
				parent.low = min(parent.low, low)
			}
			if low != index {
				continue
			}
			k := int32(len(starts) - 1)
			for {
				u := nodes[stack]
				stack++
				of[u] = k
				nodes[done] = u
				done++
				if u == v {
					break
				}
			}
			starts = append(starts, done)
		}
	}
	return &Components{Of: of, Nodes: nodes, Start: starts}
}

// Condense returns the condensed graph of g, whose components c are: one
// node per component, with an edge from component a to each other
// component that a member of a calls, once, in the order first met. Every
// edge goes from a component to one with a lower number, so a walk that
// looks for component b need not enter any numbered below b.
func (c *Components) Condense(g *Graph) *Graph {
	dag := New(c.Len(), 0)
	last := make([]int32, c.Len()) // last[b] is a+1 once a → b is in
	for a := range int32(c.Len()) {
		for _, v := range c.Members(int(a)) {
			for _, w := range g.Succ(int(v)) {
				if b := c.Of[w]; b != a && last[b] != a+1 {
					last[b] = a + 1
					dag.Edge(int(b))
				}
			}
		}
		dag.EndNode()
	}
	return dag
}
