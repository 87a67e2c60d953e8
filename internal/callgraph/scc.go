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
func SCC(g *Graph) *Components {
	n := g.Len()
	c := &Components{
		Of:    make([]int32, n),
		Nodes: make([]int32, 0, n),
		Start: make([]int32, 1, n+1),
	}
	// index[v] is v's visit order plus one (0: not visited yet); low[v]
	// the lowest index reachable through v's subtree and one edge back.
	// A visited node is on Tarjan's stack until its component is known:
	// Of[v] stays -1 until then.
	index := make([]int32, n)
	low := make([]int32, n)
	for v := range c.Of {
		c.Of[v] = -1
	}
	var stack []int32
	// frame is a node whose successors are being explored, and the
	// position in Adj of the next one to look at.
	type frame struct{ v, next int32 }
	var frames []frame
	var counter int32
	visit := func(v int32) {
		counter++
		index[v], low[v] = counter, counter
		stack = append(stack, v)
		frames = append(frames, frame{v, g.Start[v]})
	}
	for root := range int32(n) {
		if index[root] != 0 {
			continue
		}
		visit(root)
		for len(frames) > 0 {
			top := &frames[len(frames)-1]
			v := top.v
			if top.next < g.Start[v+1] {
				w := g.Adj[top.next]
				top.next++
				switch {
				case index[w] == 0:
					visit(w) // top is invalid from here on
				case c.Of[w] < 0:
					low[v] = min(low[v], index[w])
				}
				continue
			}
			frames = frames[:len(frames)-1]
			if len(frames) > 0 {
				parent := frames[len(frames)-1].v
				low[parent] = min(low[parent], low[v])
			}
			if low[v] != index[v] {
				continue
			}
			k := int32(c.Len())
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				c.Of[w] = k
				c.Nodes = append(c.Nodes, w)
				if w == v {
					break
				}
			}
			c.Start = append(c.Start, int32(len(c.Nodes)))
		}
	}
	return c
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
