package callgraph

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func build(n int, edges [][2]int) *Graph {
	succ := make([][]int, n)
	for _, e := range edges {
		succ[e[0]] = append(succ[e[0]], e[1])
	}
	g := New(n, len(edges))
	for v := range n {
		for _, w := range succ[v] {
			g.Edge(w)
		}
		g.EndNode()
	}
	return g
}

// randomGraph builds a graph of up to 12 nodes with random edges, loops
// and repeats included.
func randomGraph(r *rand.Rand) (n int, edges [][2]int, g *Graph) {
	n = 1 + r.IntN(12)
	for range r.IntN(3 * n) {
		edges = append(edges, [2]int{r.IntN(n), r.IntN(n)})
	}
	return n, edges, build(n, edges)
}

// groups returns the components as sorted node lists, in component order.
func groups(c *Components) [][]int32 {
	var out [][]int32
	for k := range c.Len() {
		m := slices.Clone(c.Members(k))
		slices.Sort(m)
		out = append(out, m)
	}
	return out
}

func TestSCCTable(t *testing.T) {
	tests := []struct {
		name  string
		n     int
		edges [][2]int
		want  [][]int32 // in component order: callees first
	}{
		{"empty", 0, nil, nil},
		{"single", 1, nil, [][]int32{{0}}},
		{"self loop", 1, [][2]int{{0, 0}}, [][]int32{{0}}},
		{"chain", 3, [][2]int{{0, 1}, {1, 2}}, [][]int32{{2}, {1}, {0}}},
		{"cycle", 3, [][2]int{{0, 1}, {1, 2}, {2, 0}}, [][]int32{{0, 1, 2}}},
		{"two cycles joined", 5, [][2]int{{0, 1}, {1, 0}, {1, 2}, {2, 3}, {3, 2}, {3, 4}},
			[][]int32{{4}, {2, 3}, {0, 1}}},
		{"cross edge to finished component", 4, [][2]int{{0, 1}, {0, 2}, {2, 1}, {1, 3}},
			[][]int32{{3}, {1}, {2}, {0}}},
		{"later root reaches earlier", 3, [][2]int{{2, 0}, {1, 1}}, [][]int32{{0}, {1}, {2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := SCC(build(tt.n, tt.edges))
			if got := groups(c); !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Errorf("components %v, want %v", got, tt.want)
			}
			for k := range c.Len() {
				for _, v := range c.Members(k) {
					if c.Of[v] != int32(k) {
						t.Errorf("Of[%d] = %d, want %d", v, c.Of[v], k)
					}
				}
			}
		})
	}
}

// TestSCCRandom checks SCC against reachability on random graphs: two
// nodes share a component exactly when each reaches the other, and every
// edge goes to a component numbered no higher than its source's.
func TestSCCRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		n, edges, g := randomGraph(r)
		c := SCC(g)
		reach := make([][]bool, n)
		for v := range n {
			reach[v] = make([]bool, n)
			reach[v][v] = true
			todo := []int{v}
			for len(todo) > 0 {
				u := todo[len(todo)-1]
				todo = todo[:len(todo)-1]
				for _, w := range g.Succ(u) {
					if !reach[v][w] {
						reach[v][w] = true
						todo = append(todo, int(w))
					}
				}
			}
		}
		for v := range n {
			for w := range n {
				same := reach[v][w] && reach[w][v]
				if (c.Of[v] == c.Of[w]) != same {
					t.Fatalf("edges %v: nodes %d and %d: same component %v, mutually reachable %v", edges, v, w, c.Of[v] == c.Of[w], same)
				}
			}
			for _, w := range g.Succ(v) {
				if c.Of[w] > c.Of[v] {
					t.Fatalf("edges %v: edge %d->%d goes up from component %d to %d", edges, v, w, c.Of[v], c.Of[w])
				}
			}
		}
		if len(c.Nodes) != n {
			t.Fatalf("edges %v: %d nodes in components, want %d", edges, len(c.Nodes), n)
		}
		checkCondensed(t, g, c, edges)
	}
}

// checkCondensed checks c.Condense(g) against g's edges: component a
// links to b exactly when a ≠ b and an edge of g goes from a member of a
// to one of b, once each, and always to a lower number.
func checkCondensed(t *testing.T, g *Graph, c *Components, edges [][2]int) {
	t.Helper()
	dag := c.Condense(g)
	if dag.Len() != c.Len() {
		t.Fatalf("edges %v: condensed graph of %d nodes, want %d", edges, dag.Len(), c.Len())
	}
	want := map[[2]int32]bool{}
	for _, e := range edges {
		if a, b := c.Of[e[0]], c.Of[e[1]]; a != b {
			want[[2]int32{a, b}] = true
		}
	}
	got := 0
	for a := range int32(dag.Len()) {
		for _, b := range dag.Succ(int(a)) {
			got++
			if !want[[2]int32{a, b}] || b >= a {
				t.Fatalf("edges %v: condensed edge %d->%d not in the graph, or going up", edges, a, b)
			}
		}
	}
	if got != len(want) {
		t.Fatalf("edges %v: %d condensed edges, want the %d distinct ones", edges, got, len(want))
	}
}

// TestSCCLongChain runs the search down a chain of five million nodes that
// closes into one cycle: a recursive search would need a stack frame per
// node and overflow the goroutine stack.
func TestSCCLongChain(t *testing.T) {
	if testing.Short() {
		t.Skip("a five-million-node chain takes seconds; skipped with -short")
	}
	const n = 5_000_000
	g := New(n, n)
	for v := range n {
		g.Edge((v + 1) % n)
		g.EndNode()
	}
	c := SCC(g)
	if c.Len() != 1 || c.Size(0) != n {
		t.Fatalf("closed chain: %d components, first of %d nodes; want 1 of %d", c.Len(), c.Size(0), n)
	}
	// Open the cycle: every node is then its own component, the chain's
	// end first.
	g.Adj[n-1] = n - 1
	c = SCC(g)
	if c.Len() != n || c.Members(0)[0] != n-1 || c.Members(n - 1)[0] != 0 {
		t.Fatalf("open chain: %d components, first %v, last %v", c.Len(), c.Members(0), c.Members(n-1))
	}
}

// TestTranspose checks Transpose on random graphs: each node's
// predecessors are those of the edges into it, repeats included, in
// ascending order.
func TestTranspose(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 8))
	for range 300 {
		n, edges, g := randomGraph(r)
		tr := g.Transpose()
		want := make([][]int32, n)
		for _, e := range edges {
			want[e[1]] = append(want[e[1]], int32(e[0]))
		}
		if tr.Len() != n {
			t.Fatalf("edges %v: transpose of %d nodes, want %d", edges, tr.Len(), n)
		}
		for w := range n {
			slices.Sort(want[w])
			if got := tr.Succ(w); !slices.Equal(got, want[w]) {
				t.Fatalf("edges %v: predecessors of %d are %v, want %v", edges, w, got, want[w])
			}
		}
	}
}

// tarjan is the textbook recursive Tarjan search, roots in node order and
// edges in the order given: the oracle for the exact numbering and member
// order SCC must keep (the share solve's results depend on both).
func tarjan(g *Graph) *Components {
	n := g.Len()
	c := &Components{Of: make([]int32, n), Start: []int32{0}}
	index, low := make([]int32, n), make([]int32, n)
	for v := range c.Of {
		c.Of[v] = -1
	}
	var stack []int32
	var counter int32
	var visit func(v int32)
	visit = func(v int32) {
		counter++
		index[v], low[v] = counter, counter
		stack = append(stack, v)
		for _, w := range g.Succ(int(v)) {
			switch {
			case index[w] == 0:
				visit(w)
				low[v] = min(low[v], low[w])
			case c.Of[w] < 0:
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] != index[v] {
			return
		}
		// v and everything above it on the stack, last pushed first.
		root := slices.Index(stack, v)
		for j := len(stack) - 1; j >= root; j-- {
			c.Of[stack[j]] = int32(c.Len())
			c.Nodes = append(c.Nodes, stack[j])
		}
		stack = stack[:root]
		c.Start = append(c.Start, int32(len(c.Nodes)))
	}
	for v := range int32(n) {
		if index[v] == 0 {
			visit(v)
		}
	}
	return c
}

// TestSCCOrder checks SCC's numbering and member order against the
// recursive oracle on random graphs.
func TestSCCOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for range 500 {
		_, edges, g := randomGraph(r)
		got, want := SCC(g), tarjan(g)
		if !slices.Equal(got.Of, want.Of) || !slices.Equal(got.Nodes, want.Nodes) || !slices.Equal(got.Start, want.Start) {
			t.Fatalf("edges %v: %+v, want %+v", edges, got, want)
		}
	}
}

// TestSCCInto checks that SCCInto, given arrays that hold anything, finds
// what SCC finds, on random graphs.
func TestSCCInto(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for range 500 {
		n, edges, g := randomGraph(r)
		junk := func(n int) []int32 {
			s := make([]int32, n)
			for i := range s {
				s[i] = r.Int32N(5) - 2
			}
			return s
		}
		got, want := SCCInto(g, junk(n), junk(n), junk(n+1)), SCC(g)
		if !slices.Equal(got.Of, want.Of) || !slices.Equal(got.Nodes, want.Nodes) || !slices.Equal(got.Start, want.Start) {
			t.Fatalf("edges %v: %+v, want %+v", edges, got, want)
		}
	}
}
