package analyze

import (
	"cmp"
	"slices"

	"github.com/loopdoctor/loopdoctor/parse"
)

// finding writes c up with its proof, as facts for render to word.
func (g *callGraph) finding(c candidate, up []*parse.Func) Finding {
	p := g.p
	f := Finding{
		Kind:    KindRepeatedSetup,
		Pattern: "shape",
		Func:    c.root,
		Calls:   c.calls,
		Cost:    c.cost,
		Saving:  c.cost * (1 - 1/float64(c.calls)),
	}
	if len(up) > 0 && g.usersOwn(up[0]) {
		f.CallSite = up[0]
	}
	if c.calls > 0 {
		f.PerCall = c.cost / float64(c.calls)
	}
	f.Share = share(p, c.cost)
	f.Severity = g.lim.severity(p, f.Cost, f.Share)
	if c.cached != nil { // the cache took what it could; grade what is left
		f.Severity = g.lim.severity(p, f.Saving, share(p, f.Saving))
	}
	f.Chain = append(slices.Clone(up), c.root)
	f.Chain = append(f.Chain, g.heaviestDescent(c.root)...)
	if c.pattern != nil {
		f.Pattern, f.Title, f.Fix = c.pattern.ID, c.pattern.Title, c.pattern.Fix
	}
	if c.cached != nil {
		f.Fix = "" // the catalog's fix is the one already applied; render words the next one
	}

	rc := rootCost(c)
	ran := Fact{Kind: FactRan, Func: c.root, Calls: c.calls, Cost: rc, Share: share(p, rc)}
	if f.CallSite != nil {
		ran.Site = f.CallSite
		if len(up) > 1 {
			ran.Via = up[1]
		}
	}
	ev := []Fact{ran}
	for _, r := range c.extra {
		ev = append(ev, Fact{Kind: FactAlsoRan, Func: r.f, Calls: r.calls, Cost: r.cost})
	}
	if sites, more := g.otherSites(c.root, f.CallSite); len(sites) > 0 {
		ev = append(ev, Fact{Kind: FactOtherSites, Func: c.root, Parts: sites, Count: more})
	}
	if n := g.importCalls(c.root); n > 0 {
		ev = append(ev, Fact{Kind: FactImportCalls, Func: c.root, Calls: n})
	}
	ev = append(ev, c.rep.facts(c.root)...)
	if c.pattern != nil && c.lookups > 0 {
		ev = append(ev, Fact{Kind: FactCache, Func: c.root, Calls: c.calls, Of: c.lookups,
			Funcs: lookupFuncs(c.pattern, c.root), Share: float64(c.calls) / float64(c.lookups)})
	}
	if u := c.use; u != nil {
		ev = append(ev, Fact{Kind: FactVaryingUse, Func: c.root, Site: u.Caller, Other: u.Callee, Calls: u.Calls})
	}
	if e := c.cached; e != nil {
		ev = append(ev, Fact{Kind: FactCached, Func: e.Callee, Site: e.Caller, Calls: edgeCalls(e), Of: e.Caller.Primitive, Other: c.root})
	}
	if k := c.construction; k != nil {
		use := Fact{Kind: FactConstantUse, Func: c.root, Site: c.root, Calls: c.root.Primitive, Share: 1, Other: k}
		if d := c.dominated; d != nil {
			use.Site, use.Calls, use.Share = d.Caller, edgeCalls(d), d.Cum/d.Caller.Cum
		}
		ev = append(ev, use)
	}
	if r, ok := useRatio(g.lim, up, c); ok {
		ev = append(ev, r)
	}
	ev = append(ev, Fact{Kind: FactChain, Funcs: f.Chain})
	if c.pattern != nil {
		ev = append(ev, Fact{Kind: FactWhy, Text: c.pattern.Why}, Fact{Kind: FactUpstream, Text: c.pattern.Ref})
	}
	f.Evidence = append(ev, Fact{Kind: FactSaving, Cost: f.Saving})
	return f
}

// rootCost is the cost of c's main root alone.
func rootCost(c candidate) float64 {
	cost := c.cost
	for _, r := range c.extra {
		cost -= r.cost
	}
	return cost
}

// facts states the shape evidence of r, measured on f.
func (r repeat) facts(f *parse.Func) []Fact {
	var out []Fact
	if r.recursive > 0 {
		out = append(out, Fact{Kind: FactRecursed, Func: f, Calls: f.Calls, Multiple: r.recursive + 1, Of: r.n})
	}
	if len(r.members) == 0 || len(r.multiples) == 0 {
		return out
	}
	m := Fact{Kind: FactMultiples, Func: f, Count: len(r.multiples), Among: len(r.members), Of: r.n, Distinct: r.quotients}
	for _, e := range r.examples() {
		m.Parts = append(m.Parts, Fact{Kind: FactMultiple, Func: e, Calls: e.Calls, Multiple: e.Calls / r.n, Of: r.n, Other: f})
	}
	out = append(out, m)
	if r.rare > 0 {
		out = append(out, Fact{Kind: FactRare, Func: f, Count: r.rare})
	}
	if r.edges > 0 && r.exact == r.edges {
		out = append(out, Fact{Kind: FactExactEdges, Func: f, Count: r.edges})
	}
	return out
}

// examples picks up to three multiples worth quoting, each with its own
// multiple: the most-called one, then the costliest.
func (r repeat) examples() []*parse.Func {
	most := slices.MaxFunc(r.multiples, func(a, b *parse.Func) int { return cmp.Compare(a.Calls, b.Calls) })
	picked := []*parse.Func{most}
	shown := map[int64]bool{most.Calls / r.n: true}
	for _, m := range r.multiples { // costliest first
		if q := m.Calls / r.n; len(picked) < 3 && !shown[q] {
			picked, shown[q] = append(picked, m), true
		}
	}
	return picked
}

// useRatio compares the setup with the work beside it (build versus use):
// the heaviest other callee of the setup's caller, whatever code it
// is (a built-in such as sum can be the real work). A cache lookup as the caller says nothing about use, so it is
// skipped. It reports false when there is nothing to compare or the setup
// does not clearly outweigh its use.
func useRatio(lim *Limits, up []*parse.Func, c candidate) (Fact, bool) {
	if len(up) == 0 {
		return Fact{}, false
	}
	parent := up[len(up)-1]
	if c.pattern != nil && matchAny(c.pattern.Lookup, slashed(parent.File), parent.Name) {
		return Fact{}, false
	}
	var build, use *parse.Edge
	for _, e := range parent.Out {
		switch {
		case e.Callee == c.root:
			build = e
		case e.Callee != parent && (use == nil || e.Cum > use.Cum):
			use = e
		}
	}
	if build == nil || use == nil || use.Cum <= 0 || build.Cum < lim.MinUseRatio*use.Cum {
		return Fact{}, false
	}
	return Fact{Kind: FactUseRatio, Func: c.root, Site: parent, Other: use.Callee, Ratio: build.Cum / use.Cum, Cost: use.Cum}, true
}
