package analyze

import (
	"cmp"
	"slices"

	"github.com/loopdoctor/loopdoctor/parse"
)

// KindRepeatedSetup is the Kind of every finding Setup returns.
const KindRepeatedSetup = "repeated-setup"

// setup finds repeated expensive setup in p: work a program redoes on every
// call although it could do it once. It combines the catalog of known
// patterns with signals from the profile's shape, so an uncatalogued setup
// is found too, and returns one finding per problem, named at the outermost
// function that repeats the work, largest estimated saving first. The
// result is never nil.
//
// The patterns are the index's catalog. For profiles with call counts
// (pstats):
//  1. Weigh every function by the share of its calls made outside module
//     imports, so setup done once while importing is not counted.
//  2. For each catalog pattern, find its outermost setup functions and
//     keep those called at least MinCalls times at a real cost, with the
//     cache-miss ratio as proof when the library has a cache, and the
//     shape's proof for functions that also run on varying inputs.
//  3. Find uncatalogued setup by shape: functions whose private subtree
//     runs exact multiples of their call count; from a user's handler,
//     move down to the callee that holds most of the cost.
//  4. Drop findings inside or explained by a bigger one, and rank by the
//     saving cost × (1 − 1/calls), an upper bound.
//
// For profiles with stacks but no counts (pprof), catalogued setup frames
// under request-handling stacks, not package initialization, are reported.
func setup(ix *profileIndex) []Finding {
	p, lim := ix.p, ix.lim
	findings := []Finding{}
	switch {
	case len(p.Funcs) == 0:
	case p.HasCalls():
		g := newCallGraph(ix)
		g.pythonMajor = pythonMajor(p)
		for _, c := range g.catalogCandidates() {
			findings = g.accept(findings, c)
		}
		for _, c := range g.shapeCandidates() {
			findings = g.accept(findings, c)
		}
	default:
		findings = stackSetup(ix, lim)
	}
	slices.SortStableFunc(findings, func(a, b Finding) int {
		if c := cmp.Or(cmp.Compare(b.Saving, a.Saving), cmp.Compare(b.Cost, a.Cost)); c != 0 {
			return c
		}
		return byLabel(a.Func, b.Func)
	})
	return findings
}

// candidate is a function that repeats setup, before deduplication.
type candidate struct {
	pattern *Pattern // nil when found by shape
	root    *parse.Func
	calls   int64   // calls from outside the setup, excluding imports
	cost    float64 // their cumulative time
	extra   []root  // further roots of the same pattern from the same call site
	rep     repeat
	lookups int64 // calls of the cache lookups in front of root, if any

	use   *parse.Edge          // for shape findings, the varying work beside the setup
	chain map[*parse.Func]bool // the finding's call chain, once accepted

	// For shape findings without a varying use: the call that spends
	// nearly all its caller's time in the setup, and what shows that the
	// setup constructs something (docs/setup-detection.md).
	dominated    *parse.Edge
	construction *parse.Func

	// cached is the call, above the setup, that its caller makes in far
	// fewer of its own calls: a cache (or a condition; the profile cannot
	// tell them apart) in front already skips most builds.
	cached *parse.Edge
}

// root is one outermost setup function with its calls and cost.
type root struct {
	f     *parse.Func
	calls int64
	cost  float64
}

// accept turns c into a finding unless an accepted finding already covers
// it: c is that finding's function or one of its further roots, c's path up
// to its call site passes through it (c is part of its work), or c contains
// it (lying on its call chain or not) and is mostly explained by it. A
// function of the user's that builds much more than the setup inside it
// (an option parser whose help option looks up a translation) is a finding
// of its own, the larger one.
func (g *callGraph) accept(findings []Finding, c candidate) []Finding {
	up := g.upPath(c.root)
	if isProfiler(c.root) || slices.ContainsFunc(up, isProfiler) {
		return findings // the profiler's own work, not the program's
	}
	taken := make([]*parse.Func, len(g.taken))
	for i, t := range g.taken {
		taken[i] = t.root
	}
	down := g.reachesAny(c.root, taken)
	for _, t := range g.taken {
		if t.root == c.root || slices.ContainsFunc(t.extra, func(r root) bool { return r.f == c.root }) ||
			slices.Contains(up, t.root) {
			return findings
		}
		if down.has(t.root) && t.cost >= g.lim.Explained*c.cost {
			return findings
		}
	}
	c.cached = g.cacheInFront(c.root, up)
	f := g.finding(c, up)
	c.chain = map[*parse.Func]bool{}
	for _, fn := range f.Chain {
		c.chain[fn] = true
	}
	g.taken = append(g.taken, c)
	return append(findings, f)
}
