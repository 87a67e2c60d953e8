package analyze

import (
	"cmp"
	"slices"
	"strings"

	"github.com/loopdoctor/loopdoctor/internal/location"
	"github.com/loopdoctor/loopdoctor/parse"
)

// repeat is the shape evidence (S1, S2) that every call of a function does
// the same work.
type repeat struct {
	n         int64         // the function's primitive calls, the modulus
	members   []*parse.Func // functions only it calls (directly or not), at least n times
	rare      int           // functions only it calls, fewer than n times (once, then cached)
	multiples []*parse.Func // members called an exact multiple of n times
	quotients int           // distinct multiples
	work      int64         // calls per call made by the multiples
	edges     int           // call edges inside its private subtree
	exact     int           // of which an exact multiple of n
	recursive int64         // its own recursive calls per call, if exact
}

// repeats measures how exactly f's private subtree repeats per call.
func repeats(f *parse.Func) repeat {
	r := repeat{n: f.Primitive}
	if r.n <= 0 {
		return r
	}
	if f.Calls > f.Primitive && f.Calls%r.n == 0 {
		r.recursive = f.Calls/r.n - 1
	}
	set := private(f)
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
		}
	}
	r.quotients = len(quotients)
	for _, m := range set.members {
		for _, e := range m.Out {
			if e.Callee != m && set.has(e.Callee) && e.Calls > 0 {
				r.edges++
				if e.Calls%r.n == 0 {
					r.exact++
				}
			}
		}
	}
	slices.SortFunc(r.multiples, func(a, b *parse.Func) int {
		return cmp.Or(cmp.Compare(b.Cum, a.Cum), strings.Compare(a.String(), b.String()))
	})
	return r
}

// identical reports whether r shows the same work on every call.
func (r repeat) identical(lim *Limits) bool {
	return len(r.members) >= lim.MinMembers &&
		float64(len(r.multiples)) >= lim.MinMultiple*float64(len(r.members)) &&
		r.quotients >= lim.MinQuotients && r.work >= lim.MinWork &&
		float64(r.exact) >= lim.MinMultiple*float64(r.edges)
}

// shapeCandidates finds setup that no catalog entry names: functions
// called often, expensive per call, whose private subtree repeats exactly.
// Each is moved down to the callee that holds most of its cost.
func (g *callGraph) shapeCandidates() []candidate {
	p := g.p
	qualifies := map[*parse.Func]candidate{}
	var order []*parse.Func // the keys of qualifies, in p.Funcs order
	for _, f := range p.Funcs {
		if f.Synthetic || f.Primitive < g.lim.MinCalls || location.OriginOf(f) == location.Native {
			continue
		}
		n, cost := g.entry(f, func(*parse.Func) bool { return false })
		if n < g.lim.MinCalls || !g.lim.costly(p, cost) || p.Unit == "seconds" && cost/float64(n) < g.lim.MinPerCall {
			continue
		}
		rep := repeats(f)
		if rep.identical(g.lim) {
			qualifies[f] = candidate{root: f, calls: n, cost: cost, rep: rep}
			order = append(order, f)
		}
	}
	seen := map[*parse.Func]bool{}
	var out []candidate
	for _, f := range order {
		c := qualifies[f]
		visited := map[*parse.Func]bool{f: true}
		levels := []*parse.Func{f}
		for moved := true; moved; {
			moved = false
			for _, e := range c.root.Out {
				if next, ok := qualifies[e.Callee]; ok && !visited[e.Callee] && location.OriginOf(c.root) == location.User && e.Cum >= g.lim.Descend*c.cost {
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
			c.use = g.consumer(levels[i])
		}
		if c.use != nil {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b candidate) int { return cmp.Compare(b.cost, a.cost) })
	return out
}

// consumer finds the use beside a setup (S4): a function that f's caller
// calls exactly as often as f and whose work varies from call to call. The
// same structure of calls on every call is also what a fixed-size
// computation on changing values looks like (a simulation step, a hash
// block); only a varying consumer next to it shows that f builds something
// constant for work that is not.
func (g *callGraph) consumer(f *parse.Func) *parse.Edge {
	var build *parse.Edge
	for _, e := range f.In {
		if e.Caller != f && g.runtime[e.Caller.ID] > 0 && (build == nil || e.Cum > build.Cum) {
			build = e
		}
	}
	if build == nil {
		return nil
	}
	var best *parse.Edge
	for _, e := range build.Caller.Out {
		u := e.Callee
		if u == f || u == build.Caller || e.Calls != build.Calls || !varies(u) {
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
func varies(u *parse.Func) bool {
	if u.Primitive <= 0 {
		return false
	}
	if u.Calls%u.Primitive != 0 {
		return true
	}
	r := repeats(u)
	return len(r.multiples) < len(r.members)
}
