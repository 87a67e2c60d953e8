package callgraph

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomMeans makes a system of n nodes whose inputs are random, and two
// fixed ones, n of value 0 and n+1 of value 1: a few edges each, some
// weight on a fixed node, some nodes with no fixed input at all; the fixed
// nodes have inputs too, which change nothing. x holds
// the fixed nodes' values and 1 for the others.
func randomMeans(r *rand.Rand, n int) (m *Means, x []float64) {
	g := New(n+2, 4*n)
	m = &Means{G: g, Fixed: make([]bool, n+2)}
	for range n {
		for range r.IntN(4) {
			g.Edge(r.IntN(n))
			m.W = append(m.W, float64(1+r.IntN(100)))
		}
		if r.IntN(3) == 0 {
			g.Edge(n + r.IntN(2))
			m.W = append(m.W, float64(r.IntN(50)))
		}
		g.EndNode()
	}
	for range 2 {
		// A fixed node's inputs close cycles through it that count for
		// nothing: its value is given.
		for range r.IntN(3) {
			g.Edge(r.IntN(n))
			m.W = append(m.W, float64(1+r.IntN(100)))
		}
		g.EndNode()
	}
	m.Fixed[n], m.Fixed[n+1] = true, true
	x = make([]float64, n+2)
	for v := range n {
		x[v] = 1
	}
	x[n+1] = 1
	return m, x
}

// solveAll asks a solver of m for every node's value, in node order.
func solveAll(m *Means, x []float64) {
	s := m.Solver(x)
	for v := range int32(m.G.Len()) {
		s.Value(v)
	}
}

// dense solves the same system by Gaussian elimination with partial
// pivoting over all nodes at once, leaving out the nodes that keep their
// initial value (found by the definition: nothing of weight reaches them
// from a constant).
func dense(m *Means, x0 []float64) []float64 {
	n := m.G.Len()
	// fed[v]: some constant of positive weight reaches v through inputs.
	fed := make([]bool, n)
	for changed := true; changed; {
		changed = false
		for v := range n {
			if fed[v] {
				continue
			}
			f := m.Fixed[v]
			for e := m.G.Start[v]; e < m.G.Start[v+1]; e++ {
				f = f || (m.W[e] > 0 && int(m.G.Adj[e]) != v && fed[m.G.Adj[e]])
			}
			if f {
				fed[v], changed = true, true
			}
		}
	}
	a := make([][]float64, n)
	for v := range n {
		a[v] = make([]float64, n+1)
		a[v][v] = 1
		if !fed[v] || m.Fixed[v] {
			a[v][n] = x0[v]
			continue
		}
		total := 0.0
		for e := m.G.Start[v]; e < m.G.Start[v+1]; e++ {
			if int(m.G.Adj[e]) != v {
				total += m.W[e]
			}
		}
		for e := m.G.Start[v]; e < m.G.Start[v+1]; e++ {
			if j := int(m.G.Adj[e]); j != v {
				a[v][j] -= m.W[e] / total
			}
		}
	}
	for col := range n {
		p := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		a[col], a[p] = a[p], a[col]
		for r := range n {
			if r != col && a[r][col] != 0 {
				f := a[r][col] / a[col][col]
				for c := col; c <= n; c++ {
					a[r][c] -= f * a[col][c]
				}
			}
		}
	}
	x := make([]float64, n)
	for v := range n {
		x[v] = a[v][n] / a[v][v]
	}
	return x
}

func TestMeansAgainstDense(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 400 {
		m, x := randomMeans(r, 1+r.IntN(30))
		want := dense(m, x)
		solveAll(m, x)
		checkMeans(t, m, x)
		for v := range x {
			if math.Abs(x[v]-want[v]) > 1e-9 {
				t.Fatalf("trial %d node %d: %v, want %v\nall %v\nwant %v", trial, v, x[v], want[v], x, want)
			}
		}
	}
}

// TestMeansLumped runs out of budget at once: the lumped value is still
// exact when everything feeding the cluster has one value.
func TestMeansLumped(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 100 {
		m, x := randomMeans(r, 2+r.IntN(20))
		m.Budget = 1
		for v := range x {
			x[v] = 0.25 // the fixed nodes too
		}
		solveAll(m, x)
		for v := range x {
			if math.Abs(x[v]-0.25) > 1e-12 {
				t.Fatalf("node %d: %v, want 0.25", v, x[v])
			}
		}
	}
}

// TestMeansDenseCluster bounds the work on a crafted complete cluster:
// every node takes the mean of every other, which would cost n³ to
// eliminate.
func TestMeansDenseCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("a 1,500-node complete cluster takes seconds; skipped with -short")
	}
	const n = 1500
	g := New(n+1, n*n+1)
	m := &Means{G: g, Fixed: make([]bool, n+1)}
	for v := range n {
		for w := range n {
			g.Edge(w)
			m.W = append(m.W, 1)
		}
		if v == 0 {
			g.Edge(n) // the one input from outside: fixed node n, of value 1
			m.W = append(m.W, 1)
		}
		g.EndNode()
	}
	g.EndNode()
	m.Fixed[n] = true
	x := make([]float64, n+1)
	x[n] = 1
	solveAll(m, x)
	for v := range n {
		if x[v] != 1 {
			t.Fatalf("node %d: %v, want 1", v, x[v])
		}
	}
}

// checkMeans fails unless every node with inputs, fixed ones aside, is
// the weighted mean of them.
func checkMeans(t *testing.T, m *Means, x []float64) {
	t.Helper()
	for v := range m.G.Len() {
		if m.Fixed[v] {
			continue
		}
		var num, den float64
		for e := m.G.Start[v]; e < m.G.Start[v+1]; e++ {
			if j := m.G.Adj[e]; int(j) != v {
				num += m.W[e] * x[j]
				den += m.W[e]
			}
		}
		if den > 0 && math.Abs(num/den-x[v]) > 1e-9*math.Abs(x[v]) {
			t.Fatalf("node %d: %v, its inputs' mean is %v", v, x[v], num/den)
		}
	}
}

// TestMeansStar solves a hub that a million members call and that calls
// each of them: the shape of a recursive dispatcher. Eliminating the
// members one by one into the hub's long row stays linear.
func TestMeansStar(t *testing.T) {
	if testing.Short() {
		t.Skip("a million-member star takes seconds; skipped with -short")
	}
	const n = 1_000_000
	g := New(n+3, 3*n)
	m := &Means{G: g, Fixed: make([]bool, n+3)}
	for v := range n {
		// Each member takes the mean of the hub and of a fixed node,
		// n+1 of value 0 or n+2 of value 1.
		g.Edge(n)
		g.Edge(n + 1 + v%2)
		m.W = append(m.W, 1, 1)
		g.EndNode()
	}
	for v := range n {
		g.Edge(v)
		m.W = append(m.W, float64(1+v%3))
	}
	g.EndNode()
	g.EndNode()
	g.EndNode()
	m.Fixed[n+1], m.Fixed[n+2] = true, true
	x := make([]float64, n+3)
	x[n+2] = 1
	solveAll(m, x)
	checkMeans(t, m, x)
}

// TestFillQueue checks the queue against a scan for the least (cost,
// node): with random costs and random updates between pops, every pop
// returns the node a scan of the queued ones picks. The elimination order,
// and so the solve's rounding, depends on it.
func TestFillQueue(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	for range 300 {
		n := 1 + r.IntN(40)
		costs := make([]int64, n)
		for i := range costs {
			costs[i] = r.Int64N(8)
		}
		var q fillQueue
		q.reset(n, func(i int32) int64 { return costs[i] })
		queued := make([]bool, n)
		for i := range queued {
			queued[i] = true
		}
		for range n {
			for range r.IntN(4) {
				if k := int32(r.IntN(n)); queued[k] {
					costs[k] = r.Int64N(8)
					q.update(k, costs[k])
				}
			}
			want := int32(-1)
			for k := range int32(n) {
				if queued[k] && (want < 0 || costs[k] < costs[want]) {
					want = k
				}
			}
			if got, cost := q.pop(); got != want || cost != costs[want] {
				t.Fatalf("popped %d (cost %d), want %d (cost %d)", got, cost, want, costs[want])
			}
			queued[want] = false
		}
		if len(q.heap) != 0 {
			t.Fatalf("%d left after %d pops", len(q.heap), n)
		}
	}
}

// TestMeansZeroWeights gives a third of the edges weight zero: the
// solution is bit for bit the one of the graph without them, for an edge
// of weight zero ties no cycle and adds nothing to a mean.
func TestMeansZeroWeights(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for trial := range 400 {
		m, x := randomMeans(r, 1+r.IntN(30))
		for e := range m.W {
			if r.IntN(3) == 0 {
				m.W[e] = 0
			}
		}
		without := &Means{G: New(m.G.Len(), len(m.W)), Fixed: m.Fixed}
		for v := range m.G.Len() {
			for e := m.G.Start[v]; e < m.G.Start[v+1]; e++ {
				if m.W[e] != 0 {
					without.G.Edge(int(m.G.Adj[e]))
					without.W = append(without.W, m.W[e])
				}
			}
			without.G.EndNode()
		}
		want := slices.Clone(x)
		solveAll(m, x)
		solveAll(without, want)
		if !slices.Equal(x, want) {
			t.Fatalf("trial %d: %v, want %v", trial, x, want)
		}
	}
}

// TestMeansAsked asks a solver about a few random nodes, in random order,
// each twice, with weights that Weigh sets: each value is bit for bit the
// one solving every node gives, Weigh runs once for each node it runs
// for, never for a fixed one, and only for nodes some node asked about
// depends on.
func TestMeansAsked(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for trial := range 300 {
		m, x := randomMeans(r, 1+r.IntN(30))
		want := slices.Clone(x)
		solveAll(m, want)
		weights := slices.Clone(m.W)
		clear(m.W)
		weighed := make([]int, m.G.Len())
		m.Weigh = func(v int32, w []float64) {
			weighed[v]++
			copy(w, weights[m.G.Start[v]:m.G.Start[v+1]])
		}
		s := m.Solver(x)
		asked := make([]bool, m.G.Len())
		for range 1 + r.IntN(5) {
			v := int32(r.IntN(m.G.Len()))
			asked[v] = true
			for range 2 {
				if got := s.Value(v); got != want[v] {
					t.Fatalf("trial %d: node %d is %v, want %v", trial, v, got, want[v])
				}
			}
		}
		// The nodes the asked ones depend on: reached along inputs of
		// weight above zero, through nodes that are not fixed.
		needed := slices.Clone(asked)
		for changed := true; changed; {
			changed = false
			for v := range m.G.Len() {
				if !needed[v] || m.Fixed[v] {
					continue
				}
				for e := m.G.Start[v]; e < m.G.Start[v+1]; e++ {
					if j := m.G.Adj[e]; weights[e] != 0 && !needed[j] {
						needed[j], changed = true, true
					}
				}
			}
		}
		for v, n := range weighed {
			if n > 1 || n == 1 && (m.Fixed[v] || !needed[v]) {
				t.Fatalf("trial %d: node %d weighed %d times (fixed %v, needed %v)", trial, v, n, m.Fixed[v], needed[v])
			}
		}
	}
}
