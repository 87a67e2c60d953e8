package analyze

import (
	"cmp"
	"slices"
	"strings"

	"github.com/loopdoctor/loopdoctor/parse"
)

// catalogCandidates returns, per catalog pattern and call site, the
// outermost setup functions called often enough at a real cost.
func (g *callGraph) catalogCandidates() []candidate {
	var out []candidate
	for i, builds := range g.catalogBuilds() {
		pat := &g.catalog[i]
		isBuild := func(id int32) bool { return slices.Contains(g.patterns[id], i) }
		if g.mayFind(pat, builds, isBuild) {
			out = append(out, g.patternCandidates(pat, builds, isBuild)...)
		}
	}
	return out
}

// catalogBuilds lists, per catalog pattern, the functions its Build
// names, in ID order.
func (g *callGraph) catalogBuilds() [][]*parse.Func {
	builds := make([][]*parse.Func, len(g.catalog))
	for _, id := range g.catalogued {
		for _, i := range g.patterns[id] {
			builds[i] = append(builds[i], g.p.Funcs[id])
		}
	}
	return builds
}

// patternCandidates returns pat's candidates: its outermost builds, for
// which isBuild tells a build from any other function, called often
// enough at a real cost, grouped by call site.
func (g *callGraph) patternCandidates(pat *Pattern, builds []*parse.Func, isBuild func(id int32) bool) []candidate {
	var roots []root
	for _, f := range builds {
		n, cost := g.entry(f, isBuild)
		if n >= g.lim.MinCalls && cost > 0 {
			roots = append(roots, root{f, n, cost})
		}
	}
	// Drop roots that run inside a costlier root (yacc calls
	// lr_parse_table through a class the catalog does not name), then
	// group the rest by call site: one finding per place to fix.
	if len(roots) == 0 {
		return nil
	}
	slices.SortStableFunc(roots, func(a, b root) int { return cmp.Compare(b.cost, a.cost) })
	var outer []root
	if g.below == nil {
		g.below = g.newReach()
	}
	below := g.below
	below.reset()
	for i, r := range roots {
		if below.has(r.f) {
			continue
		}
		outer = append(outer, r)
		// Only the roots from r on not reached yet are asked about:
		// the walk need not go below the lowest of them, a floor that
		// only rises from root to root.
		floor := g.cycleOf(r.f)
		for _, l := range roots[i+1:] {
			if !below.has(l.f) {
				floor = min(floor, g.cycleOf(l.f))
			}
		}
		below.add(r.f, floor)
	}
	var groups []candidate
	var out []candidate
	sites := map[*parse.Func]int{}
	for _, r := range outer {
		site := g.callSite(r.f)
		if j, ok := sites[site]; ok && site != nil {
			groups[j].extra = append(groups[j].extra, r)
			groups[j].cost += r.cost
			continue
		}
		sites[site] = len(groups)
		groups = append(groups, candidate{pattern: pat, root: r.f, calls: r.calls, cost: r.cost, lookups: g.lookups(pat, r.f)})
	}
	for _, c := range groups {
		if !g.lim.costly(g.p, c.cost) {
			continue
		}
		c.rep = g.repeats(c.root)
		if g.proven(c) {
			out = append(out, c)
		}
	}
	return out
}

// slashed turns Windows paths into slash paths for suffix matching.
func slashed(file string) string { return strings.ReplaceAll(file, `\`, "/") }

// mayFind reports whether pat's builds could yield a candidate, judged
// without solving any share: on a large profile the solve of one
// recursive cluster of thousands of functions, which nearly every build's
// callers depend on, is most of a report's work. A root needs MinCalls
// calls, at most its primitive calls, and a cost, at most costBound; a
// group of roots a costly sum of costs; and a group's root that no cache
// lookup calls must not be refuted by its counts (proven).
//
// A group's cost sums some roots' costs in another order than total
// sums their bounds: over n < 2³¹ non-negative terms the two orders'
// rounding differs by less than a relative 2n·2⁻⁵³ < 10⁻⁶, the margin
// costly is given.
func (g *callGraph) mayFind(pat *Pattern, builds []*parse.Func, isBuild func(id int32) bool) bool {
	var total float64
	var roots []*parse.Func
	for _, f := range builds {
		if cost := g.costBound(f, isBuild); f.Primitive >= g.lim.MinCalls && cost > 0 {
			total += cost
			roots = append(roots, f)
		}
	}
	if !g.lim.costly(g.p, total*(1+1e-6)) {
		return false
	}
	isLookup := g.lookupOf(pat)
	for _, f := range roots {
		lookedUp := slices.ContainsFunc(f.In, func(e *parse.Edge) bool { return isLookup(int32(e.Caller.ID)) })
		if lookedUp || !g.refuted(pat, f, g.repeats(f)) {
			return true
		}
	}
	return false
}

// proven reports whether c's numbers back the catalog's hypothesis that
// the same setup repeats (docs/setup-detection.md, "Proof before
// verdict"). Behind a cache, only misses that mean eviction count.
// Otherwise the counts must not refute it (refuted), and a setup repeated
// within a single call of the user's function needs identical work
// shown, while for the rest the catalog's knowledge that its input is
// usually constant stands.
func (g *callGraph) proven(c candidate) bool {
	switch {
	case c.lookups > 0:
		return g.evicts(c)
	case g.refuted(c.pattern, c.root, c.rep):
		return false
	case g.onceCalled(c.root):
		return c.rep.identical(g.lim, g.lim.MinQuotients)
	}
	return true
}

// refuted reports whether rep, the counts of f's subtree, contradict that
// f repeats pat's setup: they show varying input, unless it is steady per
// call of a caller; or pat often runs on varying input and they show
// neither identical work nor exact counts unlikely by chance. It reads no
// run-time share, so mayFind can ask it before any is solved.
func (g *callGraph) refuted(pat *Pattern, f *parse.Func, rep repeat) bool {
	return rep.varies(g.lim.VaryingCost) && !g.steadyPerCaller(f) ||
		pat.Varying && !rep.identical(g.lim, g.lim.MinQuotients) && !rep.unlikely(g.lim)
}

// onceCalled reports whether the user's function that runs f, its call
// site, ran fewer than Limits.MinCalls times: then f repeats inside one
// call, in a loop, where building several different things (an
// ArgumentParser's four subcommands, one schema per table) is as likely as
// building the same thing again.
func (g *callGraph) onceCalled(f *parse.Func) bool {
	site := g.callSite(f)
	return site != nil && site.Primitive < g.lim.MinCalls
}
