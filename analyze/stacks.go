package analyze

import (
	"cmp"
	"maps"
	"slices"

	"github.com/loopdoctor/loopdoctor/internal/callgraph"
	"github.com/loopdoctor/loopdoctor/parse"
)

// StackOptions bound the frame tree Analyze builds for Report.Stacks. The zero value keeps
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
	// roots' cumulative values claim more than the sum of own values,
	// which happens when the dump lost own time (see Widened), mixes
	// threads, or has timings that do not add up. Below 0.99 the roots
	// count as estimates.
	Scale float64

	// Widened lists functions whose edges to callees claim more than
	// their cumulative value, in function order. pstats keys functions
	// by file, line and name, so code objects that share a label (every
	// exec'd string is <string>:1(<module>), every namedtuple __new__
	// <string>:1(<lambda>)) overwrite each other's totals and callers
	// while their edges to callees add up. Such a function is given the
	// sum of its own value and its edges, and each edge into it grows by
	// what it lacks as far as the caller has time its own value and edges
	// do not account for, which is where the lost objects' calls went.
	Widened []*parse.Func

	// Frames in depth-first preorder. Frames[0] is a synthetic root with
	// a nil Func; the children of a frame follow it largest first, ties
	// in function order, and start at its left edge, so Self is the
	// uncovered remainder at its right.
	Frames []Frame
}

// Paths returns the frames with self value as call paths, root first and
// without the synthetic root, each with its self value: the form pprof and
// speedscope files and folded stacks store. They add up to Total, less the
// synthetic root's own self value.
func (s *StackSet) Paths() []parse.Stack {
	var paths []parse.Stack
	var ids []int
	for _, f := range s.Frames[1:] {
		ids = append(ids[:f.Depth-1], f.Func.ID)
		if f.Self > 0 {
			paths = append(paths, parse.Stack{Funcs: slices.Clone(ids), Value: f.Self})
		}
	}
	return paths
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
	// function above it on the path has more than one caller, it sits in
	// a recursive cycle's made-up nesting, or its siblings had to be
	// scaled down to fit in their parent.
	Estimated bool
}

// profilerDisable is the call that ends a cProfile session. It is recorded
// as a top-level call of its own, which would make it a root.
const profilerDisable = "<method 'disable' of '_lsprof.Profiler' objects>"

// buildStacks builds the frame tree of p. Recorded stacks (pprof) are merged
// exactly; a profile without them (pstats) is reconstructed from its edges
// as follows:
//
//  1. Drop self edges and the profiler's own disable call; find strongly
//     connected components (Tarjan). A component's content is its
//     members' own values plus their edges out of it: exactly the time
//     its activations hold, since an edge counts only the outermost call
//     of its pair and nothing outside a component calls back into it.
//  2. Roots are functions called at the top of the profiled stack (more
//     calls than their callers account for) and, for components nobody
//     outside calls, the member with the largest cumulative value. They
//     hang under a synthetic root worth the profile total, Σ own.
//  3. Walk the condensed graph depth-first; it has no cycles, so no call
//     path repeats and no frame needs cutting. Entering a component
//     with value B scales its recorded values by B over its content: a
//     callee outside gets its edge's cumulative value times that, which
//     splits a shared function among its callers in proportion to their
//     edges. Inside a recursive component, members are nested along a
//     breadth-first spanning tree, recursion collapsed, each holding its
//     own value and its edges out.
//  4. Frames below MinShare, below MaxDepth or past MaxFrames are pruned
//     and their value kept as the parent's self value.
//
// The result is never nil and always holds the root.
func buildStacks(p *parse.Profile, opts StackOptions) *StackSet {
	share := opts.MinShare
	if share <= 0 {
		share = 1e-4
	}
	maxDepth := cmp.Or(opts.MaxDepth, 256)
	maxFrames := cmp.Or(opts.MaxFrames, 100000)

	var build func(minValue float64) *tree
	var g *edgeGraph
	exact := p.Stacks != nil
	if exact {
		trie := mergeStacks(p)
		build = func(minValue float64) *tree { return trie.prune(minValue, maxDepth, maxFrames) }
	} else {
		g = newEdgeGraph(p)
		build = func(minValue float64) *tree { return g.reconstruct(minValue, maxDepth, maxFrames) }
	}
	for {
		t := build(share * t0(p, exact))
		if !t.overflow || share >= 1 {
			s := t.flatten()
			s.Unit, s.Exact, s.MinShare = p.Unit, exact, share
			if !exact {
				s.Widened = slices.Clone(g.widened)
				slices.SortFunc(s.Widened, func(a, b *parse.Func) int { return cmp.Compare(a.ID, b.ID) })
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

// edgeGraph is a pstats call graph prepared for reconstruction, condensed
// into strongly connected components.
type edgeGraph struct {
	p   *parse.Profile
	out [][]*parse.Edge // per function: edges to callees, no self edges, largest first
	scc sccs

	// content is, per component, the value its activations hold: its
	// members' own values plus their edges out of the component. Each
	// entry into a component is given a share of it in proportion. local
	// is each function's part of it.
	content, local []float64

	// extra is what an edge into a widened function gains (see
	// StackSet.Widened); widened lists those functions.
	extra   map[*parse.Edge]float64
	widened []*parse.Func

	multi []bool // per function: entered from more than one caller outside its component
	roots []rootFunc

	spans map[int]*span // spanning trees of components, by entry function
}

// rootFunc is a function hung under the synthetic root, with its value there.
type rootFunc struct {
	fn    *parse.Func
	value float64
}

// span lays a recursive component out as a tree from one entry: each member
// once, under the member that reaches it first breadth-first along the
// largest edges, holding its own value, its edges out of the component and
// its subtree.
type span struct {
	kids    [][]*parse.Func // by position in the component's members
	content []float64       // likewise
}

func newEdgeGraph(p *parse.Profile) *edgeGraph {
	n := len(p.Funcs)
	g := &edgeGraph{p: p, out: make([][]*parse.Edge, n), extra: make(map[*parse.Edge]float64), multi: make([]bool, n),
		spans: make(map[int]*span)}
	dropped := func(f *parse.Func) bool { return f.Name == profilerDisable && f.File == "~" }
	for _, f := range p.Funcs {
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
	}
	g.scc = components(p.Funcs, g.out)
	of := g.scc.of

	g.widen()
	g.content, g.local = make([]float64, len(g.scc.members)), make([]float64, n)
	for c, members := range g.scc.members {
		for _, m := range members {
			g.local[m.ID] = m.Own
			for _, e := range g.out[m.ID] {
				if of[e.Callee.ID] != c {
					g.local[m.ID] += g.value(e)
				}
			}
			g.content[c] += g.local[m.ID]
		}
		if f := members[0]; len(members) == 1 {
			// Time the edges do not account for (built-ins left out of
			// the profile) stays as the function's self value.
			g.content[c] = max(g.content[c], f.Cum)
		}
	}

	// Roots: see buildStacks. A component called at the top level and from
	// outside gets the part of its content its outside callers do not
	// account for, shared among its top-level members by their top-level
	// calls.
	outside := make([]float64, len(g.scc.members)) // per component: edges in from outside
	top := make([]int64, n)                        // per function: calls made at the top level
	topOf := make([]int64, len(g.scc.members))     // per component: Σ top
	for _, f := range p.Funcs {
		if dropped(f) {
			continue
		}
		callers, known := 0, f.Calls >= 0
		var inCalls int64
		for _, e := range f.In {
			known = known && e.Calls >= 0
			inCalls += max(e.Calls, 0)
			if e.Caller == f || dropped(e.Caller) || e.Caller.Cum == 0 || of[e.Caller.ID] == of[f.ID] {
				continue // a caller worth nothing (the profile module's fake frame) passes nothing on
			}
			callers++
			outside[of[f.ID]] += g.value(e)
		}
		if known && f.Calls > inCalls {
			top[f.ID] = f.Calls - inCalls
			topOf[of[f.ID]] += top[f.ID]
			callers++
		}
		g.multi[f.ID] = callers > 1
	}
	for c, members := range g.scc.members {
		if dropped(members[0]) || !slices.ContainsFunc(members, func(f *parse.Func) bool { return f.Cum > 0 }) {
			continue // the profile module's fake frame is worth nothing
		}
		if topOf[c] == 0 {
			if outside[c] > 0 {
				continue
			}
			// Nobody outside calls it and no call was at the top level
			// (the profile module, yappi): enter at the largest member.
			best := members[0]
			for _, f := range members[1:] {
				if f.Cum > best.Cum || f.Cum == best.Cum && f.ID < best.ID {
					best = f
				}
			}
			g.roots = append(g.roots, rootFunc{best, g.content[c]})
			continue
		}
		for _, f := range members {
			if top[f.ID] == 0 {
				continue
			}
			v := (g.content[c] - outside[c]) * float64(top[f.ID]) / float64(topOf[c])
			if v <= 0 {
				// The outside edges claim the whole value; share the
				// function's own cumulative value by calls instead.
				v = f.Cum * float64(top[f.ID]) / float64(f.Calls)
			}
			g.roots = append(g.roots, rootFunc{f, v})
		}
	}
	slices.SortStableFunc(g.roots, func(a, b rootFunc) int { return cmp.Compare(a.fn.ID, b.fn.ID) })
	return g
}

// widen finds functions outside any cycle whose own value and edges claim
// more than their cumulative value: code objects sharing one label, where
// pstats kept the last one's totals and callers but every one's edges to
// callees. The lost objects' callers hold their time with no edge for it,
// as value their own and edges do not account for. Edges into a widened
// function from such callers grow by what the function lacks, up to that
// unaccounted value, so its callees are not squeezed into the last code
// object's share.
func (g *edgeGraph) widen() {
	room := make(map[*parse.Func]float64) // unaccounted value per caller, once known
	unaccounted := func(f *parse.Func) float64 {
		if r, ok := room[f]; ok {
			return r
		}
		r := 0.0
		if !g.scc.recursive(f) {
			r = f.Cum - f.Own
			for _, e := range g.out[f.ID] {
				r -= e.Cum
			}
		}
		room[f] = max(r, 0)
		return room[f]
	}
	want := make(map[*parse.Func]float64) // per caller: Σ what its edges to widened functions lack
	for _, f := range g.p.Funcs {
		if g.scc.recursive(f) || f.Cum <= 0 {
			continue
		}
		need := f.Own
		for _, e := range g.out[f.ID] {
			need += e.Cum
		}
		if need <= f.Cum*(1+1e-6) {
			continue
		}
		g.widened = append(g.widened, f)
		for _, e := range f.In {
			if e.Caller != f {
				g.extra[e] = e.Cum * (need/f.Cum - 1)
				want[e.Caller] += g.extra[e]
			}
		}
	}
	for e, x := range g.extra {
		if w := want[e.Caller]; w > 0 {
			g.extra[e] = x * min(1, unaccounted(e.Caller)/w)
		}
	}
}

// value is an edge's cumulative value, widened.
func (g *edgeGraph) value(e *parse.Edge) float64 { return e.Cum + g.extra[e] }

// spanFrom returns the spanning tree of entry's component rooted at entry.
func (g *edgeGraph) spanFrom(entry *parse.Func) *span {
	if s := g.spans[entry.ID]; s != nil {
		return s
	}
	c, at := g.scc.of[entry.ID], g.scc.at
	n := len(g.scc.members[c])
	s := &span{kids: make([][]*parse.Func, n), content: make([]float64, n)}
	seen := make([]bool, n)
	seen[at[entry.ID]] = true
	order := []*parse.Func{entry}
	for i := 0; i < len(order); i++ {
		m := order[i]
		for _, e := range g.out[m.ID] {
			if k := e.Callee; g.scc.of[k.ID] == c && !seen[at[k.ID]] {
				seen[at[k.ID]] = true
				s.kids[at[m.ID]] = append(s.kids[at[m.ID]], k)
				order = append(order, k)
			}
		}
	}
	for i := len(order) - 1; i >= 0; i-- {
		m := at[order[i].ID]
		v := g.local[order[i].ID]
		for _, k := range s.kids[m] {
			v += s.content[at[k.ID]]
		}
		s.content[m] = v
	}
	g.spans[entry.ID] = s
	return s
}

// reconstruct walks the condensed call graph from the roots.
func (g *edgeGraph) reconstruct(minValue float64, maxDepth, maxFrames int) *tree {
	t := &tree{frames: 1, scale: 1}
	w := walker{g: g, t: t, minValue: minValue, maxDepth: maxDepth, maxFrames: maxFrames}
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
		top.kids = append(top.kids, w.enter(r.fn, v, 1, est))
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
	g                   *edgeGraph
	t                   *tree
	minValue            float64
	maxDepth, maxFrames int
}

// enter builds the frame of f, entered from outside its component with
// budget at depth, and its subtree.
func (w *walker) enter(f *parse.Func, budget float64, depth int, est bool) *node {
	c := w.g.scc.of[f.ID]
	k := 0.0
	if w.g.content[c] > 0 {
		k = budget / w.g.content[c]
	}
	var s *span
	if len(w.g.scc.members[c]) > 1 {
		s = w.g.spanFrom(f)
	}
	return w.member(f, s, k, budget, depth, est, est || w.g.multi[f.ID])
}

// member builds the frame of f worth value, scaling the recorded values
// of its component by k, and its subtree: its edges out of the component
// and, in a recursive component, its spanning-tree children, which are
// marked estimated since the tree's nesting is made up. est marks the
// frame, below marks its children: a function with several callers gets
// an exact value from its edge, but how its callees split among its
// callers is an estimate.
func (w *walker) member(f *parse.Func, s *span, k, value float64, depth int, est, below bool) *node {
	g, t := w.g, w.t
	t.frames++
	n := &node{fn: f, value: value, scale: 1, est: est}
	keep := func(v float64) bool {
		if depth >= w.maxDepth || v < w.minValue || t.frames >= w.maxFrames {
			t.overflow = t.overflow || t.frames >= w.maxFrames
			t.pruned += v
			return false
		}
		return true
	}
	c := g.scc.of[f.ID]
	for _, e := range g.out[f.ID] {
		if g.scc.of[e.Callee.ID] == c {
			continue
		}
		if v := g.value(e) * k; v > 0 && keep(v) {
			n.kids = append(n.kids, w.enter(e.Callee, v, depth+1, below))
		}
	}
	if s != nil {
		for _, m := range s.kids[g.scc.at[f.ID]] {
			if v := s.content[g.scc.at[m.ID]] * k; v > 0 && keep(v) {
				n.kids = append(n.kids, w.member(m, s, k, v, depth+1, true, true))
			}
		}
	}
	var sum float64
	for _, kid := range n.kids {
		sum += kid.value
	}
	// Children may exceed the room left by a relative 1e-9 of float
	// noise without being scaled and marked estimated for it.
	if sum > value*(1+1e-9) {
		for _, kid := range n.kids {
			kid.scale = value / sum
			kid.est = true
		}
		sum = value
	}
	n.self = value - sum
	sortKids(n.kids)
	return n
}

// sccs are the strongly connected components of a call graph.
type sccs struct {
	of      []int // component of each function
	at      []int // position of each function in its component's members
	members [][]*parse.Func
}

// recursive reports whether f can call itself, directly or not.
func (s sccs) recursive(f *parse.Func) bool {
	return len(s.members[s.of[f.ID]]) > 1 || slices.ContainsFunc(f.Out, func(e *parse.Edge) bool { return e.Callee == f })
}

// components finds the strongly connected components of the graph given by
// out (edges by caller ID).
func components(funcs []*parse.Func, out [][]*parse.Edge) sccs {
	g := callgraph.New(len(out), 0)
	for _, es := range out {
		for _, e := range es {
			g.Edge(e.Callee.ID)
		}
		g.EndNode()
	}
	c := callgraph.SCC(g)
	n := len(out)
	s := sccs{of: make([]int, n), at: make([]int, n), members: make([][]*parse.Func, c.Len())}
	// Each component's members are a window of one array, as most of
	// the thousands of components hold a single function.
	all := make([]*parse.Func, n)
	for i, v := range c.Nodes {
		all[i] = funcs[v]
	}
	for k := range c.Len() {
		first, last := int(c.Start[k]), int(c.Start[k+1])
		s.members[k] = all[first:last:last]
		for i, v := range c.Nodes[first:last] {
			s.of[v], s.at[v] = k, i
		}
	}
	return s
}
