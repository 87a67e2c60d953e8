package analyze

import (
	"cmp"
	"slices"

	"github.com/loopdoctor/loopdoctor/parse"
)

// StackOptions bound the frame tree Analyze builds for Report.Stacks. The
// zero value merges no frame for being narrow, keeps 256 levels of
// functions and at most 100,000 frames.
//
// Frames left out are never dropped: the call paths a frame does not draw
// merge into one "other" frame under it, worth their sum, so the children
// of every frame still add up to its value, no callee's time passes for
// its caller's own, and StackSet.Hidden says how much of each function
// the "other" frames hold.
type StackOptions struct {
	// MinShare merges the call paths whose value is below this fraction
	// of the total into "other" frames. A split by proportion copies a
	// shared subtree under every caller, so a reconstructed tree can grow
	// exponentially; MaxFrames bounds it either way.
	MinShare float64

	// MaxDepth is the deepest level of function frames; the call paths
	// below it merge into "other" frames one level deeper. 0 means 256.
	MaxDepth int

	// MaxFrames is the frame budget. When a tree would be bigger, the
	// threshold for merging rises (doubling from MinShare, or from
	// 1/MaxFrames of the total) until it fits, so the narrowest call
	// paths merge first wherever they are. 0 means 100,000.
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

	// MinShare is the merging threshold in effect: StackOptions.MinShare,
	// or higher when MaxFrames forced it up. Merged counts the call paths
	// merged into "other" frames; 0 means every call path has its frames.
	MinShare float64
	Merged   int

	// Hidden is, per function ID, the part of the function's cumulative
	// value inside "other" frames: for every function outside a
	// recursive cycle, its frames' values (those not nested in another
	// of its frames) plus Hidden add up to its cumulative value.
	Hidden []float64

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
	// in function order, its "other" frame last, and start at its left
	// edge, so Self is the uncovered remainder at its right.
	Frames []Frame
}

// Frame is one function on one call path, or the call paths merged under
// a frame.
type Frame struct {
	Func   *parse.Func // nil for the synthetic root and "other" frames
	Parent int         // index into Frames; -1 for the root
	Depth  int         // 0 for the root
	End    int         // Frames[i+1:End] are the frame's descendants

	// Merged is, for an "other" frame, the number of call paths merged
	// into it; 0 for every other frame.
	Merged int

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
//  4. Call paths below MinShare, deeper than MaxDepth or past MaxFrames merge
//     into an "other" frame under their parent. What each function has
//     in them follows from the same proportions: the value entering a
//     component flows out along its edges, in the condensed graph's
//     topological order (see hiddenValues).
//
// The result is never nil and always holds the root.
func buildStacks(p *parse.Profile, opts StackOptions) *StackSet {
	lim := cut{minShare: opts.MinShare, maxDepth: cmp.Or(opts.MaxDepth, 256), maxFrames: cmp.Or(opts.MaxFrames, 100000)}
	var trie *trieNode
	var g *edgeGraph
	exact := p.Stacks != nil
	if exact {
		trie = mergeStacks(p)
	} else {
		g = newEdgeGraph(p)
	}
	for {
		var t *tree
		if exact {
			t = trie.copyTree(lim.at(trie.value))
		} else {
			t = g.reconstruct(lim.at(p.Total))
		}
		if !t.overflow && t.frames <= lim.maxFrames || lim.minShare >= 1 {
			s := t.flatten(len(p.Funcs))
			s.Unit, s.Exact, s.MinShare = p.Unit, exact, lim.minShare
			if !exact {
				g.hiddenValues(s.Hidden, t.inflow)
				s.Widened = slices.Clone(g.widened)
				slices.SortFunc(s.Widened, func(a, b *parse.Func) int { return cmp.Compare(a.ID, b.ID) })
			}
			return s
		}
		if lim.minShare == 0 {
			lim.minShare = 1 / float64(lim.maxFrames)
		} else {
			lim.minShare *= 2
		}
	}
}

// cut decides which call paths get frames.
type cut struct {
	minShare            float64
	minValue            float64 // minShare of the root's value
	maxDepth, maxFrames int
}

// at sets the threshold for a root worth total.
func (c cut) at(total float64) cut {
	c.minValue = c.minShare * total
	return c
}

// keeps reports whether a call path worth v gets a frame at depth. Past
// the budget no frame is added and the tree overflows: the build only
// finishes, to be redone with a higher threshold.
func (t *tree) keeps(v float64, depth int) bool {
	switch {
	case v < t.cut.minValue || depth > t.cut.maxDepth:
		return false
	case t.frames >= t.cut.maxFrames:
		t.overflow = true
		return false
	}
	return true
}

// node is a frame while the tree is built. Values are final except for
// scale, the factor a clamping parent applied to the node's whole subtree.
type node struct {
	fn          *parse.Func
	value, self float64
	scale       float64
	est         bool
	kids        []*node

	// other is the node's "other" child while it is built, not yet in
	// kids; merged holds what an "other" node stands for.
	other  *node
	merged []mergedPath
}

// mergedPath is one call path merged into an "other" frame: a trie
// subtree (recorded stacks), or a function entered from outside its
// component with a value (reconstructed), or, with a span, a member's
// spanning subtree inside its recursive component with the component's
// scale k.
type mergedPath struct {
	trie  *trieNode
	fn    *parse.Func
	value float64
	span  *span
	k     float64
}

// merge adds a call path worth v to n's "other" child.
func (t *tree) merge(n *node, m mergedPath, v float64, est bool) {
	if n.other == nil {
		n.other = &node{scale: 1, est: est}
		t.frames++
	}
	n.other.value += v
	n.other.self += v
	n.other.merged = append(n.other.merged, m)
}

// finish orders n's children largest first, ties in function order, and
// puts its "other" child last.
func (n *node) finish() {
	slices.SortStableFunc(n.kids, func(a, b *node) int {
		return cmp.Or(cmp.Compare(b.value*b.scale, a.value*a.scale), cmp.Compare(a.fn.ID, b.fn.ID))
	})
	if n.other != nil {
		n.kids = append(n.kids, n.other)
		n.other = nil
	}
}

// tree is one build of the frame tree.
type tree struct {
	cut      cut
	root     *node
	frames   int
	overflow bool // the budget refused a frame
	scale    float64

	// inflow accumulates, per component of a reconstructed graph, the
	// value entering it inside "other" frames; nil for recorded stacks.
	// spans lists the spanning trees with merged subtrees (see flow).
	inflow []float64
	spans  []*span
	g      *edgeGraph
}

// flatten lays the tree out in preorder, applying the scale factors,
// passing estimated flags down and accounting for the value of each
// function inside "other" frames: directly for recorded stacks, as
// inflow to propagate for reconstructed ones.
func (t *tree) flatten(funcs int) *StackSet {
	s := &StackSet{Total: t.root.value, Scale: t.scale, Frames: make([]Frame, 0, t.frames), Hidden: make([]float64, funcs)}
	onPath := make([]int, funcs) // frames of each function on the current path
	var visit func(n *node, parent, depth int, scale float64, est bool)
	visit = func(n *node, parent, depth int, scale float64, est bool) {
		scale *= n.scale
		est = est || n.est
		i := len(s.Frames)
		s.Frames = append(s.Frames, Frame{Func: n.fn, Parent: parent, Depth: depth, Merged: len(n.merged),
			Value: n.value * scale, Self: n.self * scale, Estimated: est})
		s.Merged += len(n.merged)
		for _, m := range n.merged {
			if m.trie != nil {
				m.trie.hide(s.Hidden, onPath)
			} else {
				t.flow(m, scale)
			}
		}
		if n.fn != nil {
			onPath[n.fn.ID]++
		}
		for _, k := range n.kids {
			visit(k, i, depth+1, scale, est)
		}
		if n.fn != nil {
			onPath[n.fn.ID]--
		}
		s.Frames[i].End = len(s.Frames)
	}
	visit(t.root, -1, 0, 1, false)
	if t.g != nil {
		t.spanFlows()
	}
	return s
}
