package analyze

import (
	"cmp"
	"slices"

	"github.com/loopdoctor/loopdoctor/internal/callgraph"
	"github.com/loopdoctor/loopdoctor/parse"
)

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
	order   []*parse.Func   // the members breadth-first, entry first

	// merged is, by position, the scale of the member's spanning subtrees
	// merged into "other" frames, summed; see flow.
	merged []float64
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
	s.order = order
	g.spans[entry.ID] = s
	return s
}

// reconstruct walks the condensed call graph from the roots, the call
// paths c does not keep merged into "other" frames.
func (g *edgeGraph) reconstruct(c cut) *tree {
	t := &tree{cut: c, frames: 1, scale: 1, g: g, inflow: make([]float64, len(g.scc.members))}
	w := walker{g: g, t: t}
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
		if v := r.value * t.scale; t.keeps(v, 1) {
			top.kids = append(top.kids, w.enter(r.fn, v, 1, est))
		} else {
			t.merge(top, mergedPath{fn: r.fn, value: v}, v, est)
		}
	}
	top.finish()
	sum = 0
	for _, k := range top.kids {
		sum += k.value
	}
	top.self = max(top.value-sum, 0)
	t.root = top
	return t
}

type walker struct {
	g *edgeGraph
	t *tree
}

// enter builds the frame of f, entered from outside its component with
// budget at depth, and its subtree.
func (w *walker) enter(f *parse.Func, budget float64, depth int, est bool) *node {
	c := w.g.scc.of[f.ID]
	var s *span
	if len(w.g.scc.members[c]) > 1 {
		s = w.g.spanFrom(f)
	}
	return w.member(f, s, w.g.scale(c, budget), budget, depth, est, est || w.g.multi[f.ID])
}

// scale is the factor that turns component c's recorded values into those
// of an entry worth budget.
func (g *edgeGraph) scale(c int, budget float64) float64 {
	if g.content[c] > 0 {
		return budget / g.content[c]
	}
	return 0
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
	c := g.scc.of[f.ID]
	for _, e := range g.out[f.ID] {
		v := g.value(e) * k
		switch {
		case g.scc.of[e.Callee.ID] == c || v <= 0:
		case t.keeps(v, depth+1):
			n.kids = append(n.kids, w.enter(e.Callee, v, depth+1, below))
		default:
			t.merge(n, mergedPath{fn: e.Callee, value: v}, v, below)
		}
	}
	if s != nil {
		for _, m := range s.kids[g.scc.at[f.ID]] {
			v := s.content[g.scc.at[m.ID]] * k
			switch {
			case v <= 0:
			case t.keeps(v, depth+1):
				n.kids = append(n.kids, w.member(m, s, k, v, depth+1, true, true))
			default:
				t.merge(n, mergedPath{fn: m, value: v, span: s, k: k}, v, true)
			}
		}
	}
	n.finish()
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
	return n
}

// flow adds the value a call path merged into an "other" frame carries
// into components to inflow, scaled as the frame was: all of it into the
// component a function is entered in. A member's spanning subtree inside
// its recursive component carries its members' edges out of the
// component; as many such paths merge in a big component, their scales are
// summed per member here and spread once by spanFlows.
func (t *tree) flow(m mergedPath, scale float64) {
	if m.span == nil {
		t.inflow[t.g.scc.of[m.fn.ID]] += m.value * scale
		return
	}
	if m.span.merged == nil {
		m.span.merged = make([]float64, len(m.span.content))
		t.spans = append(t.spans, m.span)
	}
	m.span.merged[t.g.scc.at[m.fn.ID]] += m.k * scale
}

// spanFlows adds to inflow what the spanning subtrees merged into "other"
// frames carry out of their components: each member's edges out, scaled
// by the sum of the scales merged at it and at its ancestors in the
// spanning tree. It leaves the spans as it found them.
func (t *tree) spanFlows() {
	g, at := t.g, t.g.scc.at
	for _, s := range t.spans {
		c := g.scc.of[s.order[0].ID]
		for _, f := range s.order { // parents before children
			w := s.merged[at[f.ID]]
			for _, k := range s.kids[at[f.ID]] {
				s.merged[at[k.ID]] += w
			}
			if w == 0 {
				continue
			}
			for _, e := range g.out[f.ID] {
				if d := g.scc.of[e.Callee.ID]; d != c {
					t.inflow[d] += g.value(e) * w
				}
			}
		}
		s.merged = nil
	}
	t.spans = nil
}

// hiddenValues turns the value entering each component inside "other"
// frames into each function's hidden value. Value entering a component
// leaves it along its edges out in proportion, as the walk splits it;
// the components are numbered callees first, so one pass from the last
// to the first carries every inflow down. A function outside any cycle
// (or recursing only directly) holds all its component's inflow; members
// of cycles are left at 0, their frames being estimates of a made-up
// nesting anyway.
func (g *edgeGraph) hiddenValues(hidden, inflow []float64) {
	for c := len(g.scc.members) - 1; c >= 0; c-- {
		in := inflow[c]
		if in <= 0 {
			continue
		}
		members := g.scc.members[c]
		if len(members) == 1 {
			hidden[members[0].ID] = in
		}
		k := g.scale(c, in)
		for _, f := range members {
			for _, e := range g.out[f.ID] {
				if d := g.scc.of[e.Callee.ID]; d != c {
					inflow[d] += g.value(e) * k
				}
			}
		}
	}
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
