package analyze

import (
	"cmp"
	"slices"

	"github.com/loopdoctor/loopdoctor/parse"
)

// callSite walks up from f along the heaviest callers to the first
// function in the user's own files (usersOwn), where a fix goes; nil if
// there is none.
func (g *callGraph) callSite(f *parse.Func) *parse.Func {
	path := g.upPath(f)
	if len(path) > 0 && g.usersOwn(path[0]) {
		return path[0]
	}
	return nil
}

// upPath returns the callers of f up to and including the first user-code
// function (or the top of the graph), outermost first, always following the
// caller that accounts for the most time in f.
func (g *callGraph) upPath(f *parse.Func) []*parse.Func {
	var path []*parse.Func
	seen := map[*parse.Func]bool{f: true}
	for cur := f; ; {
		var best *parse.Edge
		for _, e := range cur.In {
			if seen[e.Caller] || g.runtimeOf(e.Caller.ID) == 0 {
				continue
			}
			if best == nil || e.Cum > best.Cum || e.Cum == best.Cum && e.Calls > best.Calls {
				best = e
			}
		}
		if best == nil {
			break
		}
		cur = best.Caller
		seen[cur] = true
		path = append(path, cur)
		if g.usersOwn(cur) {
			break
		}
	}
	slices.Reverse(path)
	return path
}

// otherSites lists the places in the user's code, besides site, from which
// f is reached through library code, each as a FactCall with the calls it
// makes into that code, most calls first; at most three, and how many more.
func (g *callGraph) otherSites(f, site *parse.Func) (sites []Fact, more int) {
	var found []*parse.Edge
	seen := map[*parse.Func]bool{f: true}
	queue := []*parse.Func{f}
	if g.usersOwn(f) {
		queue = nil // the user's own function: its callers are the sites
		for _, e := range f.In {
			if e.Caller != f && e.Caller != site && g.runtimeOf(e.Caller.ID) > 0 {
				found = append(found, e)
			}
		}
	}
	for len(queue) > 0 {
		m := queue[0]
		queue = queue[1:]
		for _, e := range m.In {
			c := e.Caller
			if seen[c] || g.runtimeOf(c.ID) == 0 {
				continue
			}
			seen[c] = true
			if g.usersOwn(c) {
				if c != site {
					found = append(found, e)
				}
				continue
			}
			queue = append(queue, c)
		}
	}
	slices.SortStableFunc(found, func(a, b *parse.Edge) int {
		if c := cmp.Compare(b.Calls, a.Calls); c != 0 {
			return c
		}
		return byLabel(a.Caller, b.Caller)
	})
	for _, e := range found[:min(3, len(found))] {
		sites = append(sites, Fact{Kind: FactCall, Site: e.Caller, Func: e.Callee, Calls: e.Calls})
	}
	return sites, max(0, len(found)-3)
}

// heaviestDescent follows f's heaviest callees inside its private subtree
// while each holds at least a quarter of f's cost.
func (g *callGraph) heaviestDescent(f *parse.Func) []*parse.Func {
	in := g.private(f)
	defer g.release(in)
	var out []*parse.Func
	seen := map[*parse.Func]bool{f: true}
	for cur := f; len(out) < 6; {
		var best *parse.Edge
		for _, e := range cur.Out {
			if in.has(e.Callee) && !seen[e.Callee] && (best == nil || e.Cum > best.Cum) {
				best = e
			}
		}
		if best == nil || best.Cum < 0.25*f.Cum {
			break
		}
		cur = best.Callee
		seen[cur] = true
		out = append(out, cur)
	}
	return out
}
