package analyze

import (
	"cmp"
	"math"
	"slices"

	"github.com/loopdoctor/loopdoctor/parse"
)

// repeat is the shape evidence (exact multiples, constant edge ratios) that
// every call of a function does the same work, and the counter-evidence
// that it does not (docs/setup-detection.md, "Proof before verdict").
type repeat struct {
	n         int64         // the function's primitive calls, the modulus
	cost      float64       // its cumulative cost, less the cut callees'
	members   []*parse.Func // functions only it calls (directly or not), at least n times
	rare      int           // functions only it calls, fewer than n times (once, then cached)
	multiples []*parse.Func // members called an exact multiple of n times
	odd       []*parse.Func // the other members, costliest first
	quotients int           // distinct multiples
	work      int64         // calls per call made by the multiples
	edges     int           // call edges inside its private subtree
	exact     int           // of which an exact multiple of n
	looped    int           // exact counts above one per call, of members and of calls out of the subtree
	recursive int64         // its own recursive calls per call, if exact

	// oddRecursion is set when it recursed a number of times that is not
	// a multiple of its calls: it walked structures of different sizes.
	oddRecursion bool
}

// repeats measures how exactly f's private subtree repeats per call,
// leaving out what f reaches only through the callees in cut.
func (g *callGraph) repeats(f *parse.Func, cut ...*parse.Func) repeat {
	return g.repeatsPer(f, f.Primitive, cut...)
}

// repeatsPer measures f's private subtree against n calls, the modulus.
func (g *callGraph) repeatsPer(f *parse.Func, n int64, cut ...*parse.Func) repeat {
	r := recursion(f, n, cut)
	if r.n <= 0 {
		return r
	}
	set := g.private(f, cut...)
	defer g.release(set)
	return g.measure(r, set, cut)
}

// measure fills in r, f's recursion, from set, the private subtree of f
// (first) leaving out cut.
func (g *callGraph) measure(r repeat, set *funcSet, cut []*parse.Func) repeat {
	quotients := map[int64]bool{}
	for _, m := range set.members[1:] {
		if m.Calls <= 0 {
			continue
		}
		// A function run less than once per call is work built once and
		// cached (jinja2's lexer, re's compiled patterns) or a branch
		// rarely taken; either way its count says nothing about whether
		// each call repeats the same work.
		if m.Calls < r.n {
			r.rare++
			continue
		}
		r.members = append(r.members, m)
		if m.Calls%r.n == 0 {
			r.multiples = append(r.multiples, m)
			quotients[m.Calls/r.n] = true
			r.work += m.Calls / r.n
		} else {
			r.odd = append(r.odd, m)
		}
	}
	r.quotients = len(quotients)
	cutIDs := funcIDs(cut)
	for _, m := range set.members {
		for j := g.out.Start[m.ID]; j < g.out.Start[m.ID+1]; j++ {
			c, calls := g.out.Adj[j], g.p.Edges[j].Calls
			switch {
			case int(c) == m.ID || calls <= 0 || slices.Contains(cutIDs, c):
			case calls < r.n:
				// Taken on some calls only, like a rare member: a first
				// use, or one namedtuple's eval reaching generated code
				// that cProfile records once. It says nothing either way.
			case set.in[c]:
				r.edges++
				if calls%r.n == 0 {
					r.exact++
				}
			case calls%r.n == 0 && calls > r.n: // into a shared helper (len, str methods)
				r.looped++
			}
		}
	}
	for _, m := range r.multiples {
		if m.Calls > r.n {
			r.looped++
		}
	}
	byCost := func(a, b *parse.Func) int {
		if c := cmp.Compare(b.Cum, a.Cum); c != 0 {
			return c
		}
		return byLabel(a, b)
	}
	slices.SortFunc(r.multiples, byCost)
	slices.SortFunc(r.odd, byCost)
	return r
}

// recursion is the part of repeatsPer known without walking f's subtree:
// the modulus, the cost and f's own recursion.
func recursion(f *parse.Func, n int64, cut []*parse.Func) repeat {
	r := repeat{n: n, cost: f.Cum}
	for _, e := range f.Out {
		if e.Callee != f && slices.Contains(cut, e.Callee) {
			r.cost -= e.Cum
		}
	}
	if r.n > 0 && f.Calls > r.n {
		if f.Calls%r.n == 0 {
			r.recursive = f.Calls/r.n - 1
		} else {
			r.oddRecursion = true
		}
	}
	return r
}

// shapeRepeats is repeats(f) as far as shapeCandidates' first verdict
// needs it. Odd recursion already rules out unlikely and shows that f
// varies, so the walk of f's subtree (thousands of functions under a test
// runner's run) can only matter for identical, and stops once the
// multiples it could still find (identicalBound) are too few for the odd
// members found so far: the verdict is the same without the rest.
func (g *callGraph) shapeRepeats(f *parse.Func) repeat {
	r := recursion(f, f.Primitive, nil)
	if !r.oddRecursion {
		return g.repeats(f)
	}
	most, ok := g.identicalBound(r.n)
	if !ok {
		return r
	}
	odd := 0
	set, complete := g.privateUntil(f, nil, func(m *parse.Func) bool {
		if m.Calls >= r.n && m.Calls%r.n != 0 {
			odd++
			return g.tooFewMultiples(most, odd)
		}
		return false
	})
	defer g.release(set)
	if !complete {
		return r
	}
	return g.measure(r, set, nil)
}

// tooFewMultiples reports whether most multiples beside at least odd
// other members fall short of identical's MinMultiple share. Fewer
// multiples fall shorter: the share grows with them for a MinMultiple of
// at most 1, and so far below 1 rounding cannot turn the comparison
// for counts that fit in an int32.
func (g *callGraph) tooFewMultiples(most, odd int) bool {
	m := g.lim.MinMultiple
	return m <= 0.999 && float64(most) < m*float64(most+odd)
}

// identicalBound bounds the multiples a subtree measured against n calls
// can have, and reports whether they could pass identical's counts of
// distinct multiples and work: its multiples are functions called a
// positive multiple of n times, so they are at most all such functions
// in the profile, with their distinct quotients and summed quotients. For
// a modulus in the thousands there are few. Below 2 it answers that they
// could, without looking: odd recursion, the reason to ask, needs n ≥ 2.
//
// A report asks a few times, often about the same modulus (8 questions
// about 5 on large.pstats): each answer is kept.
func (g *callGraph) identicalBound(n int64) (most int, ok bool) {
	if n < 2 {
		return len(g.p.Funcs), true
	}
	if b, known := g.bounds[n]; known {
		return b.most, b.ok
	}
	most, ok = g.multiples(n)
	if g.bounds == nil {
		g.bounds = map[int64]multiplesBound{}
	}
	g.bounds[n] = multiplesBound{most, ok}
	return most, ok
}

// multiplesBound is an answer of identicalBound.
type multiplesBound struct {
	most int
	ok   bool
}

// multiples is identicalBound worked out for n of 2 or more, which the
// index's list of call counts holds every count of (the moduli asked
// about are shape roots' primitive calls, at least MinCalls).
func (g *callGraph) multiples(n int64) (most int, ok bool) {
	// A scan is cheaper than sorting the counts, and the distinct
	// quotients need counting only as far as identical asks.
	var quotients []int64
	var work int64
	for _, calls := range g.callCounts {
		if calls < n || calls%n != 0 {
			continue
		}
		q := calls / n
		if len(quotients) < g.lim.MinQuotients && !slices.Contains(quotients, q) {
			quotients = append(quotients, q)
		}
		work += q
		most++
	}
	return most, len(quotients) >= g.lim.MinQuotients && work >= g.lim.MinWork
}

// steadyPerCaller reports whether f's counts, varying per call of f, are
// exact per call of one of its callers: a request may build several
// different things through f (five nested schemas per order) and still
// build the same five on every request. Only callers outside f's private
// subtree whose calls divide f's count, and who call often enough, are
// tried.
func (g *callGraph) steadyPerCaller(f *parse.Func) bool {
	inside := g.private(f)
	defer g.release(inside)
	for _, e := range f.In {
		n := edgeCalls(e)
		if inside.has(e.Caller) || n < g.lim.MinCalls || n >= f.Primitive || f.Primitive%n != 0 {
			continue
		}
		if !g.repeatsPer(f, n).varies(g.lim.VaryingCost) {
			return true
		}
	}
	return false
}

// identical reports whether r shows the same work on every call, with at
// least quotients distinct multiples.
func (r repeat) identical(lim *Limits, quotients int) bool {
	return len(r.members) >= lim.MinMembers &&
		float64(len(r.multiples)) >= lim.MinMultiple*float64(len(r.members)) &&
		r.quotients >= quotients && r.work >= lim.MinWork &&
		float64(r.exact) >= lim.MinMultiple*float64(r.edges)
}

// unlikely reports whether r's exact counts above one per call (loops: a
// function called once per call divides evenly whatever the input) are
// unlikely to agree by chance, with nothing that carries cost varying: the proof for a setup whose use is constant
// (docs/setup-detection.md, shape 3). Calls
// into shared helpers (len, str methods) count too: the edges are exact
// data even where the helper's own count is not private.
func (r repeat) unlikely(lim *Limits) bool {
	k := float64(r.looped)
	return r.n > 1 && !r.varies(lim.VaryingCost) &&
		float64(r.exact) >= lim.MinMultiple*float64(r.edges) &&
		k*math.Log10(float64(r.n)) >= lim.ChanceDigits
}

// varies reports whether r's counts show work that changes from call to
// call: the function's own recursion, or a member holding at least share
// of its cost, ran a number of times per call that is not a whole number.
// Identical work cannot do that; work on inputs of different sizes does.
func (r repeat) varies(share float64) bool {
	return r.oddRecursion || len(r.odd) > 0 && r.odd[0].Cum >= share*r.cost
}

// shapeCandidates finds setup that no catalog entry names: functions
// called often, expensive per call, whose private subtree repeats exactly
// (or, split, whose callees do, beside callees whose work varies). Each is
// moved down to the callee that holds most of its cost, and kept when a
// varying use beside it, or a construction that dominates a constant use,
// shows that it rebuilds the same thing (docs/setup-detection.md, "Shape:
// setup no catalog names").
func (g *callGraph) shapeCandidates() []candidate {
	// First what the counts decide, then, for the functions left, their
	// calls and cost from callers weighted by run-time shares: a share is
	// solved only for what may qualify.
	counted := g.countedShapes()
	qualifies := map[*parse.Func]candidate{}
	var order []*parse.Func // the keys of qualifies, in p.Funcs order
	userCallees := map[*parse.Func]bool{}
	for _, c := range counted {
		if g.usersOwn(c.root) {
			for _, e := range c.root.Out {
				userCallees[e.Callee] = true
			}
		}
	}
	for _, c := range counted {
		f := c.root
		if !userCallees[f] && g.inert(f) {
			continue
		}
		n, cost := g.entry(f, nil)
		if n < g.lim.MinCalls || !g.worthShape(n, cost, min(g.lim.MinPerCall, g.lim.MinBuildPerCall)) {
			continue
		}
		c.calls, c.cost = n, cost
		if c.use != nil {
			// Split: the setup is the part of f's cost its callees
			// that repeat exactly hold.
			c.cost = cost * c.rep.cost / f.Cum
			if !g.worthShape(n, c.cost, g.lim.MinPerCall) {
				continue
			}
		}
		qualifies[f] = c
		order = append(order, f)
	}
	seen := map[*parse.Func]bool{}
	var out []candidate
	for _, f := range order {
		c := qualifies[f]
		visited := map[*parse.Func]bool{f: true}
		levels := []*parse.Func{f}
		for moved := true; moved; {
			moved = false
			// A library function that repeats identical work as a whole is
			// already the outermost function of the setup; one that also
			// does varying work hands the finding down to its build.
			if !g.usersOwn(c.root) && c.use == nil {
				break
			}
			for _, e := range c.root.Out {
				if next, ok := qualifies[e.Callee]; ok && !visited[e.Callee] && e.Cum >= g.lim.Descend*c.cost {
					c, moved, visited[e.Callee] = next, true, true
					levels = append(levels, e.Callee)
					break
				}
			}
		}
		if seen[c.root] {
			continue
		}
		seen[c.root] = true
		// The varying use may sit beside the setup or beside any handler
		// the finding moved down from.
		for i := len(levels) - 1; i >= 0 && c.use == nil; i-- {
			if qualifies[levels[i]].use != nil {
				c.use = qualifies[levels[i]].use
			} else {
				c.use = g.consumer(levels[i])
			}
		}
		switch {
		case c.use != nil && c.rep.identical(g.lim, g.lim.MinQuotients) && g.worthShape(c.calls, c.cost, g.lim.MinPerCall):
		case c.use != nil && g.usersOwn(c.use.Caller) && c.rep.unlikely(g.lim) && c.rep.quotients >= 2 &&
			construction(c.root, c.rep, true) != nil && g.worthShape(c.calls, c.cost, g.lim.MinPerCall):
			// Leaner counts beside a varying use in the user's code prove
			// it as they prove a constant use, when most of the work is
			// construction with a loop of its own (a matcher indexing the
			// same reference text on every call), not a use that creates
			// an object on the way (a template's render context). Inside a library, steps
			// repeat exactly on inputs of the same shape (the code of
			// different patterns of one form); and an object made once
			// per input (a tokenizer for each document) runs everything
			// it alone calls once per call.
		case g.worthShape(c.calls, c.cost, g.lim.MinBuildPerCall) && g.constantUse(&c):
		default:
			continue
		}
		out = append(out, c)
	}
	slices.SortStableFunc(out, func(a, b candidate) int { return cmp.Compare(b.cost, a.cost) })
	return out
}

// countedShapes lists, in p.Funcs order, the functions that may qualify
// as shape candidates by their own figures (shapeRoots) and counts
// (shapeCounts).
func (g *callGraph) countedShapes() []candidate {
	var counted []candidate
	for _, id := range g.shapeRoots {
		if c, ok := g.shapeCounts(g.p.Funcs[id]); ok {
			counted = append(counted, c)
		}
	}
	return counted
}

// shapeCounts is what f's counts alone say of f as a shape candidate:
// whether it may qualify, and its repeat and, when f is split into a
// setup and a varying use beside it, that use.
func (g *callGraph) shapeCounts(f *parse.Func) (candidate, bool) {
	c := candidate{root: f, rep: g.shapeRepeats(f)}
	switch {
	case c.rep.identical(g.lim, g.lim.MinQuotients), c.rep.unlikely(g.lim):
	case !c.rep.varies(0):
		return c, false
	case !g.usersOwn(f):
		return c, false
	default:
		// Build and use in one function of the user's: the callees
		// whose work varies are the use; the rest must repeat exactly
		// and hold most of the function's time. A library function's
		// callees can repeat exactly on inputs of the same shape (a
		// table of contents of four headings per page), and its
		// setups are the catalog's to name.
		cut := g.varyingCallees(f)
		if len(cut) == 0 {
			return c, false
		}
		c.rep = g.repeats(f, cut...)
		if !c.rep.identical(g.lim, g.lim.MinQuotients) || c.rep.cost < g.lim.Dominates*f.Cum {
			return c, false
		}
		c.use = heaviestEdge(f, cut)
	}
	return c, true
}

// inert reports whether f, qualified as a shape candidate, could yield
// no finding whatever the run-time shares, unless a candidate of the
// user's calls it (and may move down to it): f is a library function,
// so the finding needs a varying use beside one of its callers' calls
// into it, or a caller of the user's making them (constantUse), and
// there is neither.
func (g *callGraph) inert(f *parse.Func) bool {
	if g.usersOwn(f) {
		return false
	}
	for _, e := range f.In {
		if e.Caller != f && (g.usersOwn(e.Caller) || g.useBeside(f, e) != nil) {
			return false
		}
	}
	return true
}

// worthShape reports whether n calls costing cost in all are worth a
// finding found by shape: a real share of the run, and at least perCall
// seconds per call, more than a cheap helper's identical work.
func (g *callGraph) worthShape(n int64, cost, perCall float64) bool {
	return g.lim.costly(g.p, cost) && (g.p.Unit != "seconds" || cost/float64(n) >= perCall)
}

// varyingCallees lists the callees of f whose work changes from call to
// call of f: called a number of times that is not a multiple of f's calls,
// or doing varying work themselves.
func (g *callGraph) varyingCallees(f *parse.Func) []*parse.Func {
	var out []*parse.Func
	for _, e := range f.Out {
		if e.Callee == f || f.Primitive <= 0 {
			continue
		}
		if e.Calls%f.Primitive != 0 || g.varies(e.Callee) {
			out = append(out, e.Callee)
		}
	}
	return out
}

// heaviestEdge is f's costliest call into one of callees.
func heaviestEdge(f *parse.Func, callees []*parse.Func) *parse.Edge {
	var best *parse.Edge
	for _, e := range f.Out {
		if slices.Contains(callees, e.Callee) && (best == nil || e.Cum > best.Cum) {
			best = e
		}
	}
	return best
}

// buildEdge is the call into f that carries the most of its run-time cost.
func (g *callGraph) buildEdge(f *parse.Func) *parse.Edge {
	var build *parse.Edge
	for _, e := range f.In {
		if e.Caller != f && g.runtimeOf(e.Caller.ID) > 0 && (build == nil || e.Cum > build.Cum) {
			build = e
		}
	}
	return build
}

// consumer finds the use beside a setup (docs/setup-detection.md, "Shape:
// setup no catalog names", shape 1): a function that f's caller
// calls exactly as often as f and whose work varies from call to call. The
// same structure of calls on every call is also what a fixed-size
// computation on changing values looks like (a simulation step, a hash
// block); only a varying consumer next to it shows that f builds something
// constant for work that is not.
func (g *callGraph) consumer(f *parse.Func) *parse.Edge {
	build := g.buildEdge(f)
	if build == nil {
		return nil
	}
	return g.useBeside(f, build)
}

// useBeside is the consumer of f beside build, a call into f: the
// costliest call from build's caller as often as build into a function
// whose work varies; nil if there is none.
func (g *callGraph) useBeside(f *parse.Func, build *parse.Edge) *parse.Edge {
	var best *parse.Edge
	for _, e := range build.Caller.Out {
		u := e.Callee
		if u == f || u == build.Caller || e.Calls != build.Calls || !g.varies(u) {
			continue
		}
		if best == nil || e.Cum > best.Cum {
			best = e
		}
	}
	return best
}

// varies reports whether u's work changes from call to call: its
// recursion, or some function only it calls, runs a number of times that
// is not a multiple of u's calls.
func (g *callGraph) varies(u *parse.Func) bool {
	if u.Primitive <= 0 {
		return false
	}
	return recursion(u, u.Primitive, nil).oddRecursion || g.repeats(u).varies(0)
}
