package callgraph

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomMeans makes a system of n nodes whose inputs are random: a few
// edges each, some weight on constants of value 0 or 1, some nodes with
// no constant inputs at all.
func randomMeans(r *rand.Rand, n int) *Means {
	g := New(n, 4*n)
	m := &Means{G: g, Const: make([]float64, n), ConstW: make([]float64, n)}
	for v := range n {
		for range r.IntN(4) {
			g.Edge(r.IntN(n))
			m.W = append(m.W, float64(1+r.IntN(100)))
		}
		g.EndNode()
		if r.IntN(3) == 0 {
			w := float64(r.IntN(50))
			m.ConstW[v] = w
			m.Const[v] = w * float64(r.IntN(2))
		}
	}
	return m
}

// order is the components of g in the order Solve asks for: those of its
// transpose, numbered by SCC.
func order(g *Graph) *Components {
	t, _ := g.Transpose()
	return SCC(t)
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
			f := m.ConstW[v] > 0
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
		if !fed[v] {
			a[v][n] = x0[v]
			continue
		}
		total := m.ConstW[v]
		for e := m.G.Start[v]; e < m.G.Start[v+1]; e++ {
			if int(m.G.Adj[e]) != v {
				total += m.W[e]
			}
		}
		a[v][n] = m.Const[v] / total
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
		n := 1 + r.IntN(30)
		m := randomMeans(r, n)
		x := make([]float64, n)
		for v := range x {
			x[v] = 1
		}
		want := dense(m, x)
		m.Solve(x, order(m.G))
		checkMeans(t, m, x)
		for v := range n {
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
		n := 2 + r.IntN(20)
		m := randomMeans(r, n)
		m.Budget = 1
		for v := range n {
			m.Const[v] = 0.25 * m.ConstW[v]
		}
		x := make([]float64, n)
		for v := range x {
			x[v] = 0.25
		}
		m.Solve(x, order(m.G))
		for v := range n {
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
	g := New(n, n*n)
	m := &Means{G: g, Const: make([]float64, n), ConstW: make([]float64, n)}
	for range n {
		for w := range n {
			g.Edge(w)
			m.W = append(m.W, 1)
		}
		g.EndNode()
	}
	m.ConstW[0], m.Const[0] = 1, 1
	x := make([]float64, n)
	m.Solve(x, order(m.G))
	for v := range n {
		if x[v] != 1 {
			t.Fatalf("node %d: %v, want 1", v, x[v])
		}
	}
}

// checkMeans fails unless every node with inputs is the weighted mean of
// them.
func checkMeans(t *testing.T, m *Means, x []float64) {
	t.Helper()
	for v := range m.G.Len() {
		num, den := m.Const[v], m.ConstW[v]
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
	g := New(n+1, 2*n)
	m := &Means{G: g, Const: make([]float64, n+1), ConstW: make([]float64, n+1)}
	for v := range n {
		g.Edge(n) // each member takes the mean of the hub and a constant
		m.W = append(m.W, 1)
		g.EndNode()
		m.ConstW[v], m.Const[v] = 1, float64(v%2)
	}
	for v := range n {
		g.Edge(v)
		m.W = append(m.W, float64(1+v%3))
	}
	g.EndNode()
	x := make([]float64, n+1)
	m.Solve(x, order(m.G))
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
		costs := make([]int, n)
		for i := range costs {
			costs[i] = r.IntN(8)
		}
		var q fillQueue
		q.reset(n, func(i int32) int { return costs[i] })
		queued := make([]bool, n)
		for i := range queued {
			queued[i] = true
		}
		for range n {
			for range r.IntN(4) {
				if k := int32(r.IntN(n)); queued[k] {
					costs[k] = r.IntN(8)
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
		n := 1 + r.IntN(30)
		m := randomMeans(r, n)
		for e := range m.W {
			if r.IntN(3) == 0 {
				m.W[e] = 0
			}
		}
		without := &Means{G: New(n, len(m.W)), Const: m.Const, ConstW: m.ConstW}
		for v := range n {
			for e := m.G.Start[v]; e < m.G.Start[v+1]; e++ {
				if m.W[e] != 0 {
					without.G.Edge(int(m.G.Adj[e]))
					without.W = append(without.W, m.W[e])
				}
			}
			without.G.EndNode()
		}
		x, want := make([]float64, n), make([]float64, n)
		for v := range x {
			x[v], want[v] = 1, 1
		}
		m.Solve(x, order(m.G))
		without.Solve(want, order(without.G))
		if !slices.Equal(x, want) {
			t.Fatalf("trial %d: %v, want %v", trial, x, want)
		}
	}
}
