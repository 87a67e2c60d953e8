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
	return SCCInto(g, make([]int32, n), make([]int32, n), make([]int32, n+1))
}

// SCCInto is SCC with the arrays its result keeps given, whatever they
// hold: of and nodes of g.Len() entries and start of g.Len()+1. A caller
// that has such arrays it reads no more spares the memory of three new
// ones.
func SCCInto(g *Graph, of, nodes, start []int32) *Components {
	n := g.Len()
	s := &search{g: g, of: of[:n], nodes: nodes[:n], stack: int32(n)}
	unvisited(s.of)
	starts := append(start[:0], 0)
	for root := range int32(n) {
		if s.of[root] == -1 {
			s.from(root, func([]int32, int32) { starts = append(starts, s.done) })
		}
	}
	return &Components{Of: s.of, Nodes: s.nodes, Start: starts}
}

// unvisited sets every entry of of to -1: one entry, then copies of ever
// longer runs of them, where a loop storing one entry at a time cost
// 0.15M instructions on large.pstats' 17,062 functions (callgrind).
func unvisited(of []int32) {
	if len(of) == 0 {
		return
	}
	of[0] = -1
	for k := 1; k < len(of); k *= 2 {
		copy(of[k:], of[:k])
	}
}

// search is Tarjan's search, resumable from root to root, over the edges
// of g whose weight in w, parallel to g.Adj, is not zero (all of them when
// w is nil). It numbers the components it completes from k on.
type search struct {
	g     *Graph
	w     []float64
	weigh func(v int32, w []float64) // when not nil, sets v's weights as the search first meets v

	// of is each node's state. A node's index is its visit order, from 1.
	// -1 means not visited yet; until its component is known a node is
	// on Tarjan's stack and of holds -1 minus its index; then of holds
	// its component's number. A node the caller sets to a number, never
	// to -1, is one the search does not enter.
	of []int32

	// The stack lives at the end of nodes, growing down: the nodes of
	// finished components fill it from the front, and the two together
	// never hold more than the nodes visited.
	nodes       []int32
	stack, done int32 // nodes[stack:] is the stack, nodes[:done] the finished
	counter     int32 // the last visit index given
	k           int32 // the number the next component gets
	frames      []frame
}

// frame is a node whose successors are being explored, the position in
// adj of the next one to look at, and the lowest index reachable through
// its subtree and one edge back (Tarjan's low): only the node's own frame
// and its parent's read it.
type frame struct{ v, next, low int32 }

// from searches from root, not visited yet, and tells found of each
// component it completes, in the order Tarjan's algorithm completes them:
// its members, nodes[done-len:done], in the order the stack released them
// (the node found last first, the component's root last), and its number.
func (s *search) from(root int32, found func(members []int32, k int32)) {
	// Locals, not fields through s and g: the loop keeps them in registers.
	start, adj, w, weigh, of, nodes := s.g.Start, s.g.Adj, s.w, s.weigh, s.of, s.nodes
	stack, done, counter := s.stack, s.done, s.counter
	frames := s.frames[:0]
	for u := root; ; { // u: the node to visit next, -1 for none
		if u >= 0 {
			if weigh != nil {
				weigh(u, w[start[u]:start[u+1]])
			}
			counter++
			if start[u] == start[u+1] {
				// A node without successors is a component of its own
				// at once, as its frame would find on its first look,
				// and lowers no parent's low: no frame, no stack. On
				// large.pstats 5,499 of 17,062 functions call nothing
				// (4.92M to 4.68M instructions per search, callgrind).
				of[u] = s.k
				nodes[done] = u
				done++
				s.stack, s.done = stack, done
				found(nodes[done-1:done], s.k)
				s.k++
			} else {
				of[u] = -1 - counter
				stack--
				nodes[stack] = u
				frames = append(frames, frame{u, start[u], counter})
			}
		}
		if len(frames) == 0 {
			break
		}
		// Look at v's successors from where its frame stopped until one
		// is new.
		top := &frames[len(frames)-1]
		v, low := top.v, top.low
		succ := adj[top.next:start[v+1]]
		var i int
		if w == nil {
			// The same call with weights nil: inlined, its loop tests
			// no weight (SCC's search, 5.1M to 4.5M instructions on
			// large.pstats).
			i, low = firstNew(succ, nil, of, low)
		} else {
			i, low = firstNew(succ, w[top.next:start[v+1]], of, low)
		}
		if i < len(succ) {
			u = succ[i]
			top.next, top.low = top.next+int32(i)+1, low
			continue
		}
		u = -1
		index := -1 - of[v] // v is still on the stack
		frames = frames[:len(frames)-1]
		if len(frames) > 0 {
			parent := &frames[len(frames)-1]
			parent.low = min(parent.low, low)
		}
		if low != index {
			continue
		}
		first := done
		for {
			u := nodes[stack]
			stack++
			of[u] = s.k
			nodes[done] = u
			done++
			if u == v {
				break
			}
		}
		s.stack, s.done = stack, done
		found(nodes[first:done], s.k)
		s.k++
	}
	s.stack, s.done, s.counter, s.frames = stack, done, counter, frames
}

// firstNew returns the position in succ of the first node not visited
// yet, len(succ) when there is none, and low lowered to the index of
// every node before it still on the stack, passing over the edges whose
// weight in weights, parallel to succ, is zero (none when weights is
// nil). Most successors are finished, or outside what is searched:
// whatever the edge's weight, they change nothing.
func firstNew(succ []int32, weights []float64, of []int32, low int32) (int, int32) {
	if weights != nil {
		weights = weights[:len(succ)]
	}
	for i, v := range succ {
		switch state := of[v]; {
		case state >= 0 || weights != nil && weights[i] == 0:
		case state == -1:
			return i, low
		default:
			low = min(low, -1-state)
		}
	}
	return len(succ), low
}

// Condense returns the condensed graph of g, whose components c are: one
// node per component, with an edge from component a to each other
// component that a member of a calls, once, in the order first met. Every
// edge goes from a component to one with a lower number, so a walk that
// looks for component b need not enter any numbered below b.
func (c *Components) Condense(g *Graph) *Graph {
	// Room for an edge per component, about what call graphs condense to
	// (7,868 edges for 6,597 components on large.pstats): growing the
	// edges from none allocated each larger array in turn.
	dag := New(c.Len(), c.Len())
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
