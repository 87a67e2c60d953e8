package callgraph

import "slices"

// Means is a system of weighted means over a graph: each node's value is
// the weighted mean of its inputs' values, the nodes it has edges to in G,
// with weights W, leaving itself out. Fixed nodes are constants: their
// values are given, whatever their inputs. All weights are non-negative;
// an edge of weight zero counts for nothing and ties no cycle, so a caller
// can pass a graph some of whose edges do not take part. gprof-style
// apportioning has this shape: a function's share is the call-weighted
// mean of its callers'.
type Means struct {
	G     *Graph    // G.Succ(v): the nodes v takes the mean of
	W     []float64 // the weight of each edge, parallel to G.Adj
	Fixed []bool    // per node: its value is given

	// Weigh, when not nil, sets the weights of v's inputs,
	// W[G.Start[v]:G.Start[v+1]], before anything reads them: once for
	// each node the solver reaches, never for a fixed one. Weights that
	// cost a cache miss each to gather are then gathered only for the
	// nodes asked about and the nodes they depend on.
	Weigh func(v int32, w []float64)

	// Budget bounds the work of eliminating one component, in updated
	// weights; 0 means DefaultBudget.
	Budget int
}

// DefaultBudget lets one component's elimination update 16M weights, a
// second or two: real call graphs, whose cycles run through a few hubs,
// need a few updates per edge (TestMeansStar: a million members, linear).
const DefaultBudget = 1 << 24

// Solver solves a system of means as its values are asked for: a node,
// with every node it depends on not solved yet, the first time it is
// asked about. A report reads the shares of a few thousand functions and
// those they depend on, not all of them.
//
// The solution is exact, not iterated: components are solved in
// topological order (inputs first), so a node outside any cycle is one
// division; the members of a cycle are solved together by Gaussian
// elimination, lowest fill first, in the subtraction-free form of
// Grassmann, Taksar and Heyman: every pivot is a sum of non-negative
// weights, so it is accurate however close the cycle comes to closed.
// Should a component's elimination exceed the budget (a dense cluster
// that no real call graph makes, but a crafted input can), its remaining
// members are given one common value, the one that balances their
// combined inputs, and the eliminated members are solved exactly from it.
//
// The components are found by Tarjan's search from the node asked about,
// over the nodes not solved yet and not fixed, along edges of weight
// above zero; each is solved as the search completes it, which is after
// every component it depends on. A cycle's members are eliminated in ID
// order, whichever way the search found them: the values depend neither
// on the order of the questions nor on the edges of weight zero.
type Solver struct {
	s      *solver
	cycles search
	solve  func(members []int32, k int32) // solves a component the search completes
}

// Solver returns a solver of m keeping its values in x, which holds the
// values of the fixed nodes and initial values, which a node keeps only
// when nothing determines it: when it has no inputs of any weight, or
// when its component draws no weight from outside itself (a closed cycle,
// any common value of which is a solution).
func (m *Means) Solver(x []float64) *Solver {
	n := m.G.Len()
	sv := &Solver{s: newSolver(m, x)}
	// The search enters only nodes marked unvisited (-1): not solved,
	// not fixed. Solved components are numbered from 1.
	sv.cycles = search{g: m.G, w: m.W, weigh: m.Weigh, of: make([]int32, n), nodes: make([]int32, n), k: 1}
	for v := range sv.cycles.of {
		if !m.Fixed[v] {
			sv.cycles.of[v] = -1
		}
	}
	sv.solve = func(members []int32, k int32) {
		if len(members) == 1 {
			sv.s.single(members[0])
			return
		}
		slices.Sort(members)
		sv.s.cluster(members, sv.cycles.of, k)
	}
	return sv
}

// Value returns v's value, solving it first if no question has yet.
func (sv *Solver) Value(v int32) float64 {
	if c := &sv.cycles; c.of[v] == -1 {
		// Every component found before is solved: the search starts
		// with empty space for its stack and its finished nodes.
		c.stack, c.done = int32(len(c.nodes)), 0
		c.from(v, sv.solve)
	}
	return sv.s.x[v]
}

// solver holds the scratch space of a Solver, reused across components.
type solver struct {
	m      *Means
	x      []float64
	budget int

	local []int32   // node → its index in the component being solved
	rows  []row     // per local node: its weights on other unsolved members
	cols  [][]int32 // per local node: the rows that reference it, some since eliminated
	refs  []int     // per local node: how many rows not yet eliminated reference it
	num   []float64 // per local node: Σ weight × value of its solved inputs
	den   []float64 // per local node: Σ weight of its solved inputs
	done  []bool
	room  []int32 // scratch for sizing rows and cols
	order []int32 // local nodes in elimination order
	queue fillQueue
}

// row is one member's weights on other members. Long rows (a hub that
// most of a cluster calls) get an index, so that substituting a member
// into them costs the substituted row's length, not theirs.
type row struct {
	terms []term
	pos   *posIndex // j → index in terms, for rows of indexed or more terms
}

type term struct {
	j int32
	w float64
}

// indexed is the length from which a row keeps an index.
const indexed = 32

func (r *row) find(j int32) int {
	if r.pos != nil {
		return int(r.pos.get(j))
	}
	for p, t := range r.terms {
		if t.j == j {
			return p
		}
	}
	return -1
}

func (r *row) add(t term) {
	if r.pos == nil && len(r.terms) >= indexed {
		r.pos = newPosIndex(2 * len(r.terms))
		for p, t := range r.terms {
			r.pos.set(t.j, int32(p))
		}
	}
	if r.pos != nil {
		r.pos.set(t.j, int32(len(r.terms)))
	}
	r.terms = append(r.terms, t)
}

// remove drops the term at p, moving the last term into its place.
func (r *row) remove(p int) {
	last := len(r.terms) - 1
	if r.pos != nil {
		r.pos.remove(r.terms[p].j)
		if p != last {
			r.pos.set(r.terms[last].j, int32(p))
		}
	}
	r.terms[p] = r.terms[last]
	r.terms = r.terms[:last]
}

func newSolver(m *Means, x []float64) *solver {
	s := &solver{m: m, x: x, budget: m.Budget, local: make([]int32, m.G.Len())}
	if s.budget <= 0 {
		s.budget = DefaultBudget
	}
	return s
}

// single solves a node outside any cycle: its inputs are solved already,
// or it is its own input, which the mean leaves out.
func (s *solver) single(v int32) {
	inputs, weights := s.inputs(v)
	x := s.x
	var num, den float64
	for i, j := range inputs {
		if w := weights[i]; j != v && w != 0 {
			num += w * x[j]
			den += w
		}
	}
	if den > 0 {
		x[v] = num / den
	}
}

// inputs returns v's inputs and their weights, as two slices of one
// length: loops over them keep them in registers and check no bound per
// input, where reading m.G and m.W anew cost several times the work.
func (s *solver) inputs(v int32) ([]int32, []float64) {
	lo, hi := s.m.G.Start[v], s.m.G.Start[v+1]
	inputs := s.m.G.Adj[lo:hi]
	return inputs, s.m.W[lo:hi][:len(inputs)]
}

// cluster solves the members of one cycle.
func (s *solver) cluster(members []int32, of []int32, k int32) {
	n := len(members)
	s.rows, s.cols, s.refs = resize(s.rows, n), resize(s.cols, n), resize(s.refs, n)
	s.num, s.den, s.done = resize(s.num, n), resize(s.den, n), resize(s.done, n)
	s.order = s.order[:0]
	for i, v := range members {
		s.local[v] = int32(i)
		s.refs[i], s.done[i] = 0, false
	}
	// Each row starts with room for its edges inside the cluster and each
	// column for the rows with an edge to it, windows of one array each:
	// grown from empty one append at a time, they were nearly all of a
	// report's allocations. Fill-in still grows them past the windows.
	s.room = resize(s.room, 2*n)
	inside, into := s.room[:n], s.room[n:] // per local node: its edges inside the cluster, the edges to it
	clear(s.room)
	edges := 0
	local := s.local
	for i, v := range members {
		inputs, weights := s.inputs(v)
		for e, j := range inputs {
			if weights[e] != 0 && of[j] == k && j != v {
				inside[i]++
				into[local[j]]++
				edges++
			}
		}
	}
	terms, cols := make([]term, edges), make([]int32, edges)
	for i := range n {
		s.rows[i] = row{terms: terms[:0:inside[i]]}
		s.cols[i] = cols[:0:into[i]]
		terms, cols = terms[inside[i]:], cols[into[i]:]
	}
	var outside float64
	for i, v := range members {
		r := &s.rows[i]
		inputs, weights := s.inputs(v)
		var num, den float64
		for e, j := range inputs {
			switch w := weights[e]; {
			case w == 0, j == v:
			case of[j] != k:
				num += w * s.x[j]
				den += w
			default:
				s.addTo(int32(i), r, term{local[j], w})
			}
		}
		s.num[i], s.den[i] = num, den
		outside += den
	}
	if outside == 0 {
		return // closed: nothing outside decides it
	}
	s.eliminate(n)
	s.back(members)
}

// addTo adds weight t.w on t.j to row i, r.
func (s *solver) addTo(i int32, r *row, t term) {
	if p := r.find(t.j); p >= 0 {
		r.terms[p].w += t.w
		return
	}
	r.add(t)
	s.cols[t.j] = append(s.cols[t.j], i)
	if t.j != i {
		s.refs[t.j]++
	}
}

// eliminate removes the n local nodes one by one, fewest updates first,
// substituting each into the rows that reference it, until the budget
// runs out; the nodes left are then lumped together.
func (s *solver) eliminate(n int) {
	q := &s.queue
	q.reset(n, s.cost)
	work := int64(0)
	for len(q.heap) > 0 {
		k, cost := q.pop()
		if work += cost; work > int64(s.budget) {
			s.lump()
			return
		}
		s.pivot(k)
		// Pivoting changed the rows that referenced k and the counts of
		// the nodes in k's row: nothing else's cost.
		for _, i := range s.cols[k] {
			if !s.done[i] {
				q.update(i, s.cost(i))
			}
		}
		for _, t := range s.rows[k].terms {
			if !s.done[t.j] {
				q.update(t.j, s.cost(t.j))
			}
		}
	}
}

// cost is the number of weights eliminating k would update: its row's
// length for each row that references it. It is counted in 64 bits: a
// hub a million rows reference, with a million terms of its own, costs
// 10^12, which a 32-bit int wraps, and the hub would then go first.
func (s *solver) cost(k int32) int64 {
	return 1 + int64(s.refs[k])*int64(len(s.rows[k].terms))
}

// pivot substitutes node k, x_k = (num_k + Σ w_kj x_j) / D_k with D_k its
// solved weight plus its weights on other nodes, into every row i that
// references it, and marks it eliminated. Row i keeps its total weight:
// the weight it had on k is dealt to k's inputs and to its solved part in
// proportion.
func (s *solver) pivot(k int32) {
	rowK := s.rows[k].terms
	d := s.den[k]
	for _, t := range rowK {
		if t.j != k {
			d += t.w
		}
	}
	s.done[k] = true
	s.order = append(s.order, k)
	for _, t := range rowK {
		if t.j != k {
			s.refs[t.j]--
		}
	}
	for _, i := range s.cols[k] {
		if s.done[i] {
			continue
		}
		r := &s.rows[i]
		p := r.find(k)
		a := r.terms[p].w / d
		r.remove(p)
		s.num[i] += a * s.num[k]
		s.den[i] += a * s.den[k]
		for _, t := range rowK {
			if t.j != k {
				s.addTo(i, r, term{t.j, a * t.w})
			}
		}
	}
}

// lump gives the nodes not yet eliminated one common value: with all of
// them equal, their rows together say X·Σ den = Σ num.
func (s *solver) lump() {
	var num, den float64
	var left []int32
	for i := range s.rows {
		if !s.done[i] {
			num += s.num[i]
			den += s.den[i]
			left = append(left, int32(i))
		}
	}
	for _, i := range left {
		s.rows[i] = row{}
		s.num[i], s.den[i] = num, den
		s.done[i] = true
		s.order = append(s.order, i)
	}
}

// back solves the eliminated nodes last to first: each row references
// only nodes eliminated after it, whose values are known by then.
func (s *solver) back(members []int32) {
	val := s.num // reused: each node's value replaces its num once solved
	for o := len(s.order) - 1; o >= 0; o-- {
		k := s.order[o]
		num, d := s.num[k], s.den[k]
		for _, t := range s.rows[k].terms {
			if t.j != k {
				num += t.w * val[t.j]
				d += t.w
			}
		}
		if d > 0 {
			val[k] = num / d
		} else {
			val[k] = s.x[members[k]]
		}
	}
	for i, v := range members {
		s.x[v] = val[i]
	}
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// fillQueue orders the nodes not yet eliminated by their cost, then by
// node, always with each node's current cost: a binary min-heap that
// knows where each node sits, so a node whose cost changes moves instead
// of being queued again. Each entry holds its node's cost, so comparing
// two reads neither node's.
type fillQueue struct {
	heap []queued
	at   []int32 // per node, its index in heap
}

// queued is a node in the queue with its cost.
type queued struct {
	cost int64
	node int32
}

func (a queued) before(b queued) bool {
	return a.cost < b.cost || a.cost == b.cost && a.node < b.node
}

// reset queues nodes 0..n-1 at the costs cost gives.
func (q *fillQueue) reset(n int, cost func(int32) int64) {
	q.heap, q.at = resize(q.heap, n), resize(q.at, n)
	for i := range int32(n) {
		q.heap[i], q.at[i] = queued{cost(i), i}, i
	}
	for i := n/2 - 1; i >= 0; i-- {
		q.down(i)
	}
}

// put places e at heap index i.
func (q *fillQueue) put(i int, e queued) {
	q.heap[i] = e
	q.at[e.node] = int32(i)
}

// up moves the entry at i towards the root until its parent comes before
// it, shifting the parents it passes down one level.
func (q *fillQueue) up(i int) {
	e := q.heap[i]
	for i > 0 {
		parent := (i - 1) / 2
		if !e.before(q.heap[parent]) {
			break
		}
		q.put(i, q.heap[parent])
		i = parent
	}
	q.put(i, e)
}

// down moves the entry at i away from the root until it comes before its
// children, shifting the children it passes up one level.
func (q *fillQueue) down(i int) {
	e, n := q.heap[i], len(q.heap)
	for {
		least, l := i, 2*i+1
		if l >= n {
			break
		}
		c := e
		if q.heap[l].before(c) {
			least, c = l, q.heap[l]
		}
		if r := l + 1; r < n && q.heap[r].before(c) {
			least, c = r, q.heap[r]
		}
		if least == i {
			break
		}
		q.put(i, c)
		i = least
	}
	q.put(i, e)
}

// pop removes the node of least cost and returns it with its cost.
func (q *fillQueue) pop() (int32, int64) {
	first := q.heap[0]
	last := len(q.heap) - 1
	q.heap[0] = q.heap[last]
	q.heap = q.heap[:last]
	if last > 0 {
		q.at[q.heap[0].node] = 0
		q.down(0)
	}
	return first.node, first.cost
}

// update sets the cost of queued node k.
func (q *fillQueue) update(k int32, cost int64) {
	i := int(q.at[k])
	old := q.heap[i]
	q.heap[i].cost = cost
	if q.heap[i].before(old) {
		q.up(i)
	} else {
		q.down(i)
	}
}
