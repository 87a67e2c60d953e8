package analyze

import (
	"cmp"
	"maps"
	"slices"

	"github.com/loopdoctor/loopdoctor/parse"
)

// StackOptions bound the frame tree Stacks builds. The zero value keeps
// frames down to 0.01 % of the total, 256 levels deep and at most 100,000
// frames.
type StackOptions struct {
	// MinShare prunes frames whose value is below this fraction of the
	// total; their value stays in the parent as self value. A split by
	// proportion copies a shared subtree under every caller, so without a
	// floor a reconstructed tree can grow exponentially. 0 means 1e-4.
	MinShare float64

	// MaxDepth is the deepest level kept below the root; deeper value
	// becomes self value of the frame at MaxDepth. 0 means 256.
	MaxDepth int

	// MaxFrames caps the frame count. When a tree would be bigger,
	// MinShare is doubled until it fits, so the cut falls evenly on the
	// narrowest frames wherever they are. 0 means 100,000.
	MaxFrames int
}

// StackSet is a tree of frames ready to draw as a flame graph or to print
// as folded stacks.
type StackSet struct {
	Unit  string  // the profile's unit
	Total float64 // the root's value: Σ own values (pstats) or Σ samples (pprof)

	// Exact is set when the frames come from recorded stacks (pprof).
	// Otherwise they are reconstructed from one-level edges (pstats) and
	// each frame says whether its value is an estimate.
	Exact bool

	// MinShare is the pruning threshold in effect, after any doubling
	// MaxFrames forced; Pruned is the value pruning and the depth and
	// frame caps left as self value of the frames above.
	MinShare float64
	Pruned   float64

	// Scale is the factor the roots' values were multiplied by to fit in
	// the total, and so every reconstructed value with them: 1 unless the
	// roots' cumulative values claim more than the sum of own values, as
	// when the profiled program ran another profiler and cProfile's
	// timers kept running while it was switched off.
	Scale float64

	// Widened lists functions whose edges to callees claim more than
	// their cumulative value, in function order. pstats keys functions
	// by file, line and name, so code objects that share a label (every
	// exec'd string is <string>:1(<module>)) overwrite each other's
	// totals while their edges add up. Such a function is given the sum
	// of its own value and its edges, and its callers' edges to it are
	// scaled up to match, so its callees keep their recorded values.
	Widened []*parse.Func

	// Frames in depth-first preorder. Frames[0] is a synthetic root with
	// a nil Func; the children of a frame follow it largest first, ties
	// in function order, and start at its left edge, so Self is the
	// uncovered remainder at its right.
	Frames []Frame
}

// Frame is one function on one call path.
type Frame struct {
	Func   *parse.Func // nil for the synthetic root
	Parent int         // index into Frames; -1 for the root
	Depth  int         // 0 for the root
	End    int         // Frames[i+1:End] are the frame's descendants

	Value float64 // inclusive, in the profile's unit
	Self  float64 // Value minus the children's values

	// Estimated is set when the value is a proportional split: some
	// function on the path, this one included, has more than one caller,
	// or a caller's children had to be scaled down to fit in it.
	Estimated bool
}

// profilerDisable is the call that ends a cProfile session. It is recorded
// as a top-level call of its own, which would make it a root.
const profilerDisable = "<method 'disable' of '_lsprof.Profiler' objects>"

// Stacks builds the frame tree of p. Recorded stacks (pprof) are merged
// exactly; a profile without them (pstats) is reconstructed from its edges
// as FORMATS.md section 3 describes:
//
//  1. Drop self edges and the profiler's own disable call; find strongly
//     connected components (Tarjan).
//  2. Roots are functions called at the top of the profiled stack (more
//     calls than their callers account for) and, for components nobody
//     outside calls, the member with the largest cumulative value. They
//     hang under a synthetic root worth the profile total, Σ own.
//  3. Walk depth-first. A child's value is the edge's cumulative value
//     times the parent frame's value over the parent's cumulative value.
//     A call back into a function already on the path is cut, and the
//     part of its value the outer activation's edges count again is taken
//     out of every frame between the two (see reconstruct); the rest
//     stays as self value of the caller. Children that still exceed the
//     parent's value minus its own are scaled down to fit.
//  4. Frames below MinShare, below MaxDepth or past MaxFrames are pruned
//     and their value kept as the parent's self value.
//
// The result is never nil and always holds the root.
func Stacks(p *parse.Profile, opts StackOptions) *StackSet {
	share := opts.MinShare
	if share <= 0 {
		share = 1e-4
	}
	maxDepth := cmp.Or(opts.MaxDepth, 256)
	maxFrames := cmp.Or(opts.MaxFrames, 100000)

	var build func(minValue float64) *tree
	var g *callGraph
	exact := p.Stacks != nil
	if exact {
		trie := mergeStacks(p)
		build = func(minValue float64) *tree { return trie.prune(minValue, maxDepth, maxFrames) }
	} else {
		g = newCallGraph(p)
		build = func(minValue float64) *tree { return g.reconstruct(minValue, maxDepth, maxFrames) }
	}
	for {
		t := build(share * t0(p, exact))
		if !t.overflow || share >= 1 {
			s := t.flatten()
			s.Unit, s.Exact, s.MinShare = p.Unit, exact, share
			if !exact {
				s.Widened = slices.Clone(g.widened)
			}
			return s
		}
		share *= 2
	}
}

// t0 is the value of the synthetic root.
func t0(p *parse.Profile, exact bool) float64 {
	if !exact {
		return p.Total
	}
	var sum float64
	for _, s := range p.Stacks {
		sum += s.Value
	}
	return sum
}

// node is a frame while the tree is built. Values are final except for
// scale, the factor a clamping parent applied to the node's whole subtree.
type node struct {
	fn          *parse.Func
	value, self float64
	scale       float64
	est         bool
	kids        []*node
}

// tree is one build of the frame tree.
type tree struct {
	root     *node
	frames   int
	pruned   float64
	scale    float64
	overflow bool // MaxFrames was hit: the caller retries with a higher floor
}

// flatten lays the tree out in preorder, applying the scale factors and
// passing estimated flags down.
func (t *tree) flatten() *StackSet {
	s := &StackSet{Total: t.root.value, Pruned: t.pruned, Scale: t.scale, Frames: make([]Frame, 0, t.frames)}
	var visit func(n *node, parent, depth int, scale float64, est bool)
	visit = func(n *node, parent, depth int, scale float64, est bool) {
		scale *= n.scale
		est = est || n.est
		i := len(s.Frames)
		s.Frames = append(s.Frames, Frame{Func: n.fn, Parent: parent, Depth: depth,
			Value: n.value * scale, Self: n.self * scale, Estimated: est})
		for _, k := range n.kids {
			visit(k, i, depth+1, scale, est)
		}
		s.Frames[i].End = len(s.Frames)
	}
	visit(t.root, -1, 0, 1, false)
	return s
}

// sortKids orders children largest first, ties by function order.
func sortKids(kids []*node) {
	slices.SortStableFunc(kids, func(a, b *node) int {
		return cmp.Or(cmp.Compare(b.value*b.scale, a.value*a.scale), cmp.Compare(a.fn.ID, b.fn.ID))
	})
}

// trieNode is a node of the exact stack trie with its children by
// function ID.
type trieNode struct {
	fn          *parse.Func
	value, self float64
	kids        map[int]*trieNode
}

// mergeStacks merges recorded stacks into a trie under a synthetic root.
func mergeStacks(p *parse.Profile) *trieNode {
	root := &trieNode{}
	for _, s := range p.Stacks {
		n := root
		n.value += s.Value
		for _, id := range s.Funcs {
			k := n.kids[id]
			if k == nil {
				if n.kids == nil {
					n.kids = make(map[int]*trieNode)
				}
				k = &trieNode{fn: p.Funcs[id]}
				n.kids[id] = k
			}
			k.value += s.Value
			n = k
		}
		n.self += s.Value
	}
	return root
}

// prune copies the trie into a tree without the frames below minValue or
// deeper than maxDepth.
func (r *trieNode) prune(minValue float64, maxDepth, maxFrames int) *tree {
	t := &tree{scale: 1}
	var copyNode func(tn *trieNode, depth int) *node
	copyNode = func(tn *trieNode, depth int) *node {
		t.frames++
		n := &node{fn: tn.fn, value: tn.value, self: tn.self, scale: 1}
		for _, id := range slices.Sorted(maps.Keys(tn.kids)) {
			k := tn.kids[id]
			if depth >= maxDepth || k.value < minValue || t.frames >= maxFrames {
				t.overflow = t.overflow || t.frames >= maxFrames
				n.self += k.value
				t.pruned += k.value
				continue
			}
			n.kids = append(n.kids, copyNode(k, depth+1))
		}
		sortKids(n.kids)
		return n
	}
	t.root = copyNode(r, 0)
	return t
}

// callGraph is a pstats call graph prepared for reconstruction.
type callGraph struct {
	p     *parse.Profile
	out   [][]*parse.Edge // per function: edges to callees, no self edges, largest first
	multi []bool          // per function: reached from more than one caller
	roots []root

	// cum is each function's cumulative value, widened (see
	// StackSet.Widened); widen is the factor edges into it are scaled by.
	cum, widen []float64
	widened    []*parse.Func

	// excess is how much a function's own value and edges to callees
	// claim beyond its cumulative value: the part of inner, recursive
	// activations that the edges count a second time. drop is the share
	// of a cut-off inner activation taken out of the frames above it:
	// excess over the value cut off in a first walk, at most 1.
	excess, drop []float64

	// walk state
	onPath []int     // per function: depth of its frame on the current path, or -1
	shrink []float64 // per depth: value cut out below that frame
	cut    []float64 // per function: value of the inner activations cut off
}

// root is a function hung under the synthetic root, with its value there.
type root struct {
	fn    *parse.Func
	value float64
}

func newCallGraph(p *parse.Profile) *callGraph {
	n := len(p.Funcs)
	g := &callGraph{p: p, out: make([][]*parse.Edge, n), multi: make([]bool, n), onPath: make([]int, n),
		excess: make([]float64, n), drop: make([]float64, n), cut: make([]float64, n),
		cum: make([]float64, n), widen: make([]float64, n)}
	dropped := func(f *parse.Func) bool { return f.Name == profilerDisable && f.File == "~" }
	for _, f := range p.Funcs {
		g.onPath[f.ID] = -1
		if dropped(f) {
			continue
		}
		for _, e := range f.Out {
			if e.Callee != f && !dropped(e.Callee) {
				g.out[f.ID] = append(g.out[f.ID], e)
			}
		}
		slices.SortStableFunc(g.out[f.ID], func(a, b *parse.Edge) int {
			return cmp.Or(cmp.Compare(b.Cum, a.Cum), cmp.Compare(a.Callee.ID, b.Callee.ID))
		})
		g.excess[f.ID] = f.Own - f.Cum
		for _, e := range g.out[f.ID] {
			g.excess[f.ID] += e.Cum
		}
	}
	scc := components(p.Funcs, g.out)
	for _, f := range p.Funcs {
		g.cum[f.ID], g.widen[f.ID] = f.Cum, 1
		if scc.recursive(f) {
			continue // its edges may rightly count inner activations again
		}
		need := f.Own
		for _, e := range g.out[f.ID] {
			need += e.Cum
		}
		var in float64
		for _, e := range f.In {
			in += e.Cum
		}
		if need > f.Cum*(1+1e-6)+1e-12 && in > 0 {
			g.cum[f.ID], g.widen[f.ID] = need, need/f.Cum
			if f.Cum == 0 {
				g.widen[f.ID] = need / in
			}
			g.widened = append(g.widened, f)
		}
	}

	// Roots: see Stacks. A function called at the top level and from
	// elsewhere gets the part of its cumulative value its outside callers
	// do not account for.
	rooted := make([]bool, len(scc.members))
	for _, f := range p.Funcs {
		if dropped(f) {
			continue
		}
		callers, top := 0, f.Calls >= 0
		var inCalls int64
		var outside float64
		for _, e := range f.In {
			if e.Calls < 0 {
				top = false
			}
			inCalls += max(e.Calls, 0)
			if e.Caller == f || dropped(e.Caller) || e.Caller.Cum == 0 {
				continue // a caller worth nothing (the profile module's fake frame) passes nothing on
			}
			callers++
			if scc.of[e.Caller.ID] != scc.of[f.ID] {
				outside += e.Cum * g.widen[f.ID]
				scc.calledFromOutside[scc.of[f.ID]] = true
			}
		}
		top = top && f.Calls > inCalls
		if top {
			callers++
			v := g.cum[f.ID] - outside
			if v <= 0 {
				// The outside edges claim more than the function's
				// whole value; share it by calls instead.
				v = g.cum[f.ID] * float64(f.Calls-inCalls) / float64(f.Calls)
			}
			g.roots = append(g.roots, root{f, v})
			rooted[scc.of[f.ID]] = true
		}
		g.multi[f.ID] = callers > 1
	}
	for c, members := range scc.members {
		if rooted[c] || scc.calledFromOutside[c] || dropped(members[0]) {
			continue
		}
		best := members[0]
		for _, f := range members[1:] {
			if g.cum[f.ID] > g.cum[best.ID] || g.cum[f.ID] == g.cum[best.ID] && f.ID < best.ID {
				best = f
			}
		}
		g.roots = append(g.roots, root{best, g.cum[best.ID]})
	}
	return g
}

// reconstruct walks the call graph from the roots twice: the first walk
// measures how much value each recursive function's inner activations carry,
// so the second knows how much of it the edges count twice.
//
// A cut-off inner activation of P below P→C→…→P holds two kinds of time.
// Its calls to C are nested in the outer P→C call, so cProfile counted
// them in no edge: they belong where they are, inside C. Its own time and
// calls to other callees were counted again in P's own value and edges,
// so they already show elsewhere under P and must come out of C. The
// import machinery is all of the second kind (the inner exec runs another
// module), a test runner's nested suites nearly all of the first.
func (g *callGraph) reconstruct(minValue float64, maxDepth, maxFrames int) *tree {
	for i := range g.drop {
		g.drop[i], g.cut[i] = 1, 0
	}
	g.walkRoots(minValue, maxDepth, maxFrames)
	for i, c := range g.cut {
		if c > 0 {
			g.drop[i] = min(max(g.excess[i]/c, 0), 1)
		}
	}
	return g.walkRoots(minValue, maxDepth, maxFrames)
}

// walkRoots builds the tree under the synthetic root.
func (g *callGraph) walkRoots(minValue float64, maxDepth, maxFrames int) *tree {
	t := &tree{frames: 1, scale: 1}
	w := walker{g: g, t: t, minValue: minValue, maxDepth: maxDepth, maxFrames: maxFrames}
	if len(g.shrink) < maxDepth+1 {
		g.shrink = make([]float64, maxDepth+1)
	}
	top := &node{value: g.p.Total, scale: 1}
	var sum float64
	for _, r := range g.roots {
		sum += r.value
	}
	if sum > top.value && sum > 0 {
		t.scale = top.value / sum
	}
	// Σ own and the roots' cumulative values differ by the profiler's
	// overhead, a fraction of a percent; only a real gap makes the roots
	// estimates.
	est := t.scale < 0.99
	for _, r := range g.roots {
		v := r.value * t.scale
		if v < minValue || maxDepth < 1 || t.frames >= maxFrames {
			t.overflow = t.overflow || t.frames >= maxFrames
			t.pruned += v
			continue
		}
		k := w.walk(r.fn, v, 1, est)
		top.kids = append(top.kids, k)
	}
	sortKids(top.kids)
	sum = 0
	for _, k := range top.kids {
		sum += k.value
	}
	top.self = max(top.value-sum, 0)
	t.root = top
	return t
}

type walker struct {
	g                   *callGraph
	t                   *tree
	minValue            float64
	maxDepth, maxFrames int
}

// walk builds the frame of f worth budget at depth and its subtree.
func (w *walker) walk(f *parse.Func, budget float64, depth int, est bool) *node {
	g, t := w.g, w.t
	t.frames++
	n := &node{fn: f, scale: 1, est: est || g.multi[f.ID]}
	g.onPath[f.ID] = depth
	g.shrink[depth] = 0
	ratio := 0.0
	if g.cum[f.ID] > 0 {
		ratio = budget / g.cum[f.ID]
	}
	var pruned float64
	for _, e := range g.out[f.ID] {
		v := e.Cum * g.widen[e.Callee.ID] * ratio
		if v <= 0 {
			continue
		}
		if at := g.onPath[e.Callee.ID]; at >= 0 {
			g.cut[e.Callee.ID] += v
			for d := at + 1; d <= depth; d++ {
				g.shrink[d] += v * g.drop[e.Callee.ID]
			}
			continue
		}
		if depth >= w.maxDepth || v < w.minValue || t.frames >= w.maxFrames {
			t.overflow = t.overflow || t.frames >= w.maxFrames
			pruned += v
			continue
		}
		n.kids = append(n.kids, w.walk(e.Callee, v, depth+1, n.est))
	}
	g.onPath[f.ID] = -1

	n.value = max(budget-g.shrink[depth], 0)
	var sum float64
	for _, k := range n.kids {
		sum += k.value
	}
	// Children may exceed the room left by a relative 1e-9 of float
	// noise without being scaled and marked estimated for it.
	if avail := max(n.value-min(f.Own*ratio, n.value), 0); sum > avail*(1+1e-9) {
		for _, k := range n.kids {
			k.scale = avail / sum
			k.est = true
		}
		pruned *= avail / sum
		sum = avail
	}
	t.pruned += min(pruned, n.value-sum)
	n.self = n.value - sum
	sortKids(n.kids)
	return n
}

// sccs are the strongly connected components of a call graph.
type sccs struct {
	of                []int // component of each function
	members           [][]*parse.Func
	calledFromOutside []bool
}

// recursive reports whether f can call itself, directly or not.
func (s sccs) recursive(f *parse.Func) bool {
	return len(s.members[s.of[f.ID]]) > 1 || slices.ContainsFunc(f.Out, func(e *parse.Edge) bool { return e.Callee == f })
}

// components finds the strongly connected components of the graph given by
// out (edges by caller ID) with Tarjan's algorithm, iteratively so deep call chains cannot
// overflow the stack.
func components(funcs []*parse.Func, out [][]*parse.Edge) sccs {
	n := len(out)
	s := sccs{of: make([]int, n)}
	index := make([]int, n)
	low := make([]int, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	type frame struct{ v, next int }
	var call []frame
	counter := 0
	for start := range n {
		if index[start] >= 0 {
			continue
		}
		call = append(call, frame{start, 0})
		index[start], low[start] = counter, counter
		counter++
		stack = append(stack, start)
		onStack[start] = true
		for len(call) > 0 {
			fr := &call[len(call)-1]
			v := fr.v
			if fr.next < len(out[v]) {
				u := out[v][fr.next].Callee.ID
				fr.next++
				switch {
				case index[u] < 0:
					index[u], low[u] = counter, counter
					counter++
					stack = append(stack, u)
					onStack[u] = true
					call = append(call, frame{u, 0})
				case onStack[u]:
					low[v] = min(low[v], index[u])
				}
				continue
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := call[len(call)-1].v
				low[p] = min(low[p], low[v])
			}
			if low[v] == index[v] {
				c := len(s.members)
				var members []*parse.Func
				for {
					u := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[u] = false
					s.of[u] = c
					members = append(members, funcs[u])
					if u == v {
						break
					}
				}
				s.members = append(s.members, members)
			}
		}
	}
	s.calledFromOutside = make([]bool, len(s.members))
	return s
}
