package analyze

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/loopdoctor/loopdoctor/parse"
)

// callSite walks up from f along the heaviest callers to the first
// function in the user's own code, where a fix goes; nil if there is none.
func (g *callGraph) callSite(f *parse.Func) *parse.Func {
	path := g.upPath(f)
	if len(path) > 0 && OriginOf(path[0]) == User {
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
			if seen[e.Caller] || g.runtime[e.Caller.ID] == 0 {
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
		if OriginOf(cur) == User {
			break
		}
	}
	slices.Reverse(path)
	return path
}

// otherSites lists the places in the user's code, besides site, from which
// f is reached through library code, each with the calls it makes into
// that code, most calls first; at most three, then how many more.
func (g *callGraph) otherSites(f, site *parse.Func) []string {
	var found []*parse.Edge
	seen := map[*parse.Func]bool{f: true}
	queue := []*parse.Func{f}
	if OriginOf(f) == User {
		queue = nil // the user's own function: its callers are the sites
		for _, e := range f.In {
			if e.Caller != f && e.Caller != site && g.runtime[e.Caller.ID] > 0 {
				found = append(found, e)
			}
		}
	}
	for len(queue) > 0 {
		m := queue[0]
		queue = queue[1:]
		for _, e := range m.In {
			c := e.Caller
			if seen[c] || g.runtime[c.ID] == 0 {
				continue
			}
			seen[c] = true
			if OriginOf(c) == User {
				if c != site {
					found = append(found, e)
				}
				continue
			}
			queue = append(queue, c)
		}
	}
	slices.SortStableFunc(found, func(a, b *parse.Edge) int {
		return cmp.Or(cmp.Compare(b.Calls, a.Calls), strings.Compare(a.Caller.String(), b.Caller.String()))
	})
	var out []string
	for i, e := range found {
		if i == 3 {
			out = append(out, fmt.Sprintf("%d more places", len(found)-3))
			break
		}
		out = append(out, fmt.Sprintf("%s (%s calls of %s)", Label(e.Caller), count(e.Calls), shortName(e.Callee)))
	}
	return out
}

// heaviestDescent follows f's heaviest callees inside its private subtree
// while each holds at least a quarter of f's cost.
func (g *callGraph) heaviestDescent(f *parse.Func) []*parse.Func {
	in := g.private(f)
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
