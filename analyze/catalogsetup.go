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
	catalog := g.catalog
	builds := make([][]*parse.Func, len(catalog))
	for _, id := range g.catalogued {
		for _, i := range g.patterns[id] {
			builds[i] = append(builds[i], g.p.Funcs[id])
		}
	}
	var out []candidate
	var below *reach // what the outer roots of a pattern so far reach
	for i := range catalog {
		pat := &catalog[i]
		isBuild := func(id int32) bool { return slices.Contains(g.patterns[id], i) }
		var roots []root
		for _, f := range builds[i] {
			n, cost := g.entry(f, isBuild)
			if n >= g.lim.MinCalls && cost > 0 {
				roots = append(roots, root{f, n, cost})
			}
		}
		// Drop roots that run inside a costlier root (yacc calls
		// lr_parse_table through a class the catalog does not name), then
		// group the rest by call site: one finding per place to fix.
		if len(roots) == 0 {
			continue
		}
		slices.SortStableFunc(roots, func(a, b root) int { return cmp.Compare(b.cost, a.cost) })
		var outer []root
		if below == nil {
			below = g.newReach()
		}
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
	}
	return out
}

// slashed turns Windows paths into slash paths for suffix matching.
func slashed(file string) string { return strings.ReplaceAll(file, `\`, "/") }

// proven reports whether c's numbers back the catalog's hypothesis that
// the same setup repeats (docs/setup-detection.md, "Proof before
// verdict"). Behind a cache, only misses that mean eviction count.
// Otherwise counts that show varying input rule it out; a pattern that
// often runs on varying input, or one repeated within a single call of
// the user's function, needs identical work shown, while for the rest the
// catalog's knowledge that its input is usually constant stands unless
// the counts contradict it.
func (g *callGraph) proven(c candidate) bool {
	switch {
	case c.lookups > 0:
		return g.evicts(c)
	case c.rep.varies(g.lim.VaryingCost) && !g.steadyPerCaller(c.root):
		return false
	case g.onceCalled(c.root):
		return c.rep.identical(g.lim, g.lim.MinQuotients)
	case c.pattern.Varying:
		return c.rep.identical(g.lim, g.lim.MinQuotients) || c.rep.unlikely(g.lim)
	}
	return true
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
