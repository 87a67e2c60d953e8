package analyze

import (
	"cmp"
	"slices"

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
