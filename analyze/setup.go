package analyze

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/loopdoctor/loopdoctor/parse"
)

// Limits are the thresholds of the repeated-setup detector, in one place.
// A finding needs all of the applicable ones.
type Limits struct {
	// MinCalls is the fewest calls that count as repeated: two or three
	// calls are as likely a few distinct inputs as a forgotten cache.
	MinCalls int64

	// MinShare is the smallest share of the profile total worth a finding;
	// MinCost (in seconds, for time profiles) lets an expensive setup in a
	// long profile through even below MinShare.
	MinShare, MinCost float64

	// MinPerCall is the smallest cost per call, in seconds, for a setup
	// found by shape alone: cheap helpers repeat identical work too.
	MinPerCall float64

	// Shape (S1, S2): among the functions that only the candidate calls,
	// at least MinMembers exist; at least MinMultiple of them are called an
	// exact multiple of the candidate's calls, with MinQuotients distinct
	// multiples adding up to MinWork calls per call; at least MinMultiple
	// of the call edges inside are exact multiples too. Input-dependent
	// counts divide by N only by chance (about 1/N each).
	MinMembers, MinQuotients int
	MinWork                  int64
	MinMultiple              float64

	// Descend moves a shape finding from a function in the user's code
	// down to the callee that holds at least this share of its cost, so
	// the finding names the setup rather than the handler around it. A
	// library function that repeats identical work is already the
	// outermost function of the setup, and the finding stays there.
	Descend float64

	// MinMissRatio is the fewest setup calls per cache lookup for a
	// pattern with a cache (S5): below it the cache mostly works.
	MinMissRatio float64

	// MinUseRatio is the setup-to-use cost ratio (S4) worth a sentence.
	MinUseRatio float64

	// VaryingShare is the share a hit of a Pattern marked Varying needs
	// when neither the shape nor a cache shows that the work repeats.
	VaryingShare float64

	// Explained is the share of a candidate's cost that an accepted
	// finding inside it must cover for the candidate to be dropped as the
	// same problem seen from further out.
	Explained float64

	// Severity: high from HighShare of the total, or from HighCost seconds
	// at MediumShare; medium from MediumShare or MediumCost seconds; low
	// below.
	HighShare, MediumShare, HighCost, MediumCost float64

	// MainModule is the share of the total above which a "<module>" frame
	// is the program's main script rather than an import.
	MainModule float64
}

// limits are the thresholds Setup uses.
var limits = Limits{
	MinCalls:     4,
	MinShare:     0.02,
	MinCost:      1,
	MinPerCall:   200e-6,
	MinMembers:   4,
	MinQuotients: 3,
	MinWork:      30,
	MinMultiple:  0.9,
	Descend:      0.8,
	MinMissRatio: 0.5,
	MinUseRatio:  2,
	VaryingShare: 0.2,
	Explained:    0.5,
	HighShare:    0.25,
	MediumShare:  0.05,
	HighCost:     1,
	MediumCost:   0.25,
	MainModule:   0.5,
}

// KindRepeatedSetup is the Kind of every finding Setup returns.
const KindRepeatedSetup = "repeated-setup"

// Setup finds repeated expensive setup in p: work a program redoes on every
// call although it could do it once. It combines the catalog of known
// patterns with signals from the profile's shape, so an uncatalogued setup
// is found too, and returns one finding per problem, named at the outermost
// function that repeats the work, largest estimated saving first. The
// result is never nil.
//
// For profiles with call counts (pstats):
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
func Setup(p *parse.Profile) []Finding {
	return setup(p, Catalog)
}

// setup is Setup with the catalog as a parameter, so tests can check what
// the shape signals find on their own.
func setup(p *parse.Profile, catalog []Pattern) []Finding {
	findings := []Finding{}
	switch {
	case len(p.Funcs) == 0:
	case p.HasCalls():
		g := newCallGraph(p)
		for _, c := range g.catalogCandidates(catalog) {
			findings = g.accept(findings, c)
		}
		for _, c := range g.shapeCandidates() {
			findings = g.accept(findings, c)
		}
	default:
		findings = stackSetup(p, catalog)
	}
	slices.SortStableFunc(findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(b.Saving, a.Saving), cmp.Compare(b.Cost, a.Cost), strings.Compare(a.Func.String(), b.Func.String()))
	})
	return findings
}

// callGraph is a pstats profile with what the detector derives once.
type callGraph struct {
	p     *parse.Profile
	files []string // per function ID, its file with forward slashes

	// runtime is, per function ID, the estimated share of its calls made
	// outside module imports: 0 for import machinery and the bodies of
	// imported modules, 1 for the main script and for roots, and for the
	// rest the call-weighted mean over callers, as gprof apportions time.
	runtime []float64

	taken []candidate // candidates accepted as findings so far
}

func newCallGraph(p *parse.Profile) *callGraph {
	g := &callGraph{p: p, runtime: make([]float64, len(p.Funcs)), files: make([]string, len(p.Funcs))}
	fixed := make([]bool, len(p.Funcs))
	for i, f := range p.Funcs {
		g.files[i] = slashed(f.File)
		g.runtime[i] = 1
		switch {
		case strings.HasPrefix(f.File, "<frozen importlib"):
			g.runtime[i], fixed[i] = 0, true
		case f.Name == "<module>":
			fixed[i] = true
			if f.File != "<string>" && f.Cum < limits.MainModule*p.Total {
				g.runtime[i] = 0
			}
		case len(f.In) == 0:
			fixed[i] = true
		}
	}
	// Settle callers before callees: Tarjan's components come out callees
	// first, so walking them backwards visits the condensed graph in
	// topological order. An acyclic function then needs one update; only
	// the members of a cycle iterate, converging geometrically. Fixed
	// functions are constants, so edges through them close no cycle:
	// leaving them out splits the one huge component that import
	// recursion (import → exec → <module> → import) otherwise makes.
	// Each out[i] is a window of one shared array: one allocation, not
	// one per function; callees[i] holds the same edges' callee IDs, for
	// the sweeps.
	out := make([][]*parse.Edge, len(p.Funcs))
	callees := make([][]int, len(p.Funcs))
	kept := make([]*parse.Edge, 0, len(p.Edges))
	keptIDs := make([]int, 0, len(p.Edges))
	for i, f := range p.Funcs {
		if fixed[i] {
			continue
		}
		first := len(kept)
		for _, e := range f.Out {
			if !fixed[e.Callee.ID] {
				kept, keptIDs = append(kept, e), append(keptIDs, e.Callee.ID)
			}
		}
		out[i] = kept[first:len(kept):len(kept)]
		callees[i] = keptIDs[first:len(keptIDs):len(keptIDs)]
	}
	// Each function's callers and their shares of its calls, flattened so
	// the sweeps below touch two arrays rather than chase edge pointers.
	// A fixed caller at share 0 (an import) adds exactly 0 to the mean
	// every time, so it is left out of the sums; its calls still count in
	// the weights. Import machinery has hundreds of such callers.
	// stale starts set for the functions that have callers other than
	// themselves: the others keep their shares.
	start := make([]int, len(p.Funcs)+1)
	callers := make([]int, 0, len(p.Edges))
	weights := make([]float64, 0, len(p.Edges))
	stale := make([]bool, len(p.Funcs))
	for i, f := range p.Funcs {
		start[i] = len(callers)
		if fixed[i] {
			continue
		}
		var total float64
		for _, e := range f.In {
			c := e.Caller
			if c == f {
				continue
			}
			stale[i] = true
			n := float64(max(e.Calls, 1))
			total += n
			if !fixed[c.ID] || g.runtime[c.ID] != 0 {
				callers, weights = append(callers, c.ID), append(weights, n)
			}
		}
		for j := start[i]; j < len(weights); j++ {
			weights[j] /= total
		}
	}
	start[len(p.Funcs)] = len(callers)
	// settle sets function i's run-time share to the call-weighted mean of
	// its callers' shares and reports whether it moved.
	settle := func(i int) bool {
		var r float64
		for j := start[i]; j < start[i+1]; j++ {
			r += weights[j] * g.runtime[callers[j]]
		}
		if math.Abs(r-g.runtime[i]) <= 1e-6 { // a share; finer changes move no cost that matters
			return false
		}
		g.runtime[i] = r
		return true
	}
	// A function none of whose callers moved since it was last settled
	// would not move either, so only functions marked stale are settled
	// again: in a cycle that has not converged after many rounds, most
	// members have, and skipping them changes no result.
	scc := components(p.Funcs, out)
	var ids []int // the current component's members, in settling order
	for c := len(scc.members) - 1; c >= 0; c-- {
		// Tarjan lists a component's members deepest first, so going
		// backwards mostly meets callers before callees.
		ids = ids[:0]
		for i := len(scc.members[c]) - 1; i >= 0; i-- {
			ids = append(ids, scc.members[c][i].ID)
		}
		for round := 0; round < 200; round++ {
			changed := false
			for _, id := range ids {
				if !stale[id] {
					continue
				}
				stale[id] = false
				if settle(id) {
					changed = true
					for _, callee := range callees[id] {
						stale[callee] = true
					}
				}
			}
			if !changed || len(ids) == 1 {
				break
			}
		}
	}
	return g
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
}

// root is one outermost setup function with its calls and cost.
type root struct {
	f     *parse.Func
	calls int64
	cost  float64
}

// entry sums the calls and cost of f from callers for which inside is
// false, weighting each caller by its run-time share. A function nobody
// calls counts its own primitive calls.
func (g *callGraph) entry(f *parse.Func, inside func(*parse.Func) bool) (int64, float64) {
	if len(f.In) == 0 {
		return f.Primitive, f.Cum * g.runtime[f.ID]
	}
	var calls, cost float64
	for _, e := range f.In {
		if e.Caller == f || inside(e.Caller) {
			continue
		}
		r := g.runtime[e.Caller.ID]
		calls += float64(edgeCalls(e)) * r
		cost += e.Cum * r
	}
	// Edges from callers in a recursive cycle repeat the outermost calls
	// (cProfile's per-edge primitive counts know only the caller-callee
	// pair), so the function's own figures bound the sums.
	return min(int64(math.Round(calls)), f.Primitive), min(cost, f.Cum)
}

// edgeCalls is the primitive calls along e, or all calls when unknown.
func edgeCalls(e *parse.Edge) int64 {
	if e.Primitive >= 0 {
		return e.Primitive
	}
	return e.Calls
}

// share is v as a fraction of p's total, 0 when the total is not positive.
func share(p *parse.Profile, v float64) float64 {
	if p.Total <= 0 {
		return 0
	}
	return v / p.Total
}

// costly reports whether cost is worth a finding.
func costly(p *parse.Profile, cost float64) bool {
	return share(p, cost) >= limits.MinShare && cost > 0 || p.Unit == "seconds" && cost >= limits.MinCost
}

// catalogCandidates returns, per catalog pattern and call site, the
// outermost setup functions called often enough at a real cost.
func (g *callGraph) catalogCandidates(catalog []Pattern) []candidate {
	index := newBuildIndex(catalog)
	patterns := make([][]int, len(g.p.Funcs)) // per function ID, the patterns whose Build names it
	builds := make([][]*parse.Func, len(catalog))
	for _, f := range g.p.Funcs {
		patterns[f.ID] = index.patterns(g.files[f.ID], f.Name)
		for _, i := range patterns[f.ID] {
			builds[i] = append(builds[i], f)
		}
	}
	var out []candidate
	for i := range catalog {
		pat := &catalog[i]
		isBuild := func(f *parse.Func) bool { return slices.Contains(patterns[f.ID], i) }
		var roots []root
		for _, f := range builds[i] {
			n, cost := g.entry(f, isBuild)
			if n >= limits.MinCalls && cost > 0 {
				roots = append(roots, root{f, n, cost})
			}
		}
		// Drop roots that run inside a costlier root (yacc calls
		// lr_parse_table through a class the catalog does not name), then
		// group the rest by call site: one finding per place to fix.
		slices.SortStableFunc(roots, func(a, b root) int { return cmp.Compare(b.cost, a.cost) })
		var outer []root
		var below, isRoot funcSet // what the outer roots so far reach; the roots
		for _, r := range roots {
			isRoot.add(r.f)
		}
		for i, r := range roots {
			if below.has(r.f) {
				continue
			}
			outer = append(outer, r)
			// Only the roots from r on are asked about, and the walk from r
			// can stop once it has reached them all: every root after is
			// then dropped, and no walk follows to need the rest.
			pending := 0
			for _, l := range roots[i:] {
				if !below.has(l.f) {
					pending++
				}
			}
			below.addReachable(r.f, func(f *parse.Func) bool {
				if isRoot.has(f) {
					pending--
				}
				return pending == 0
			})
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
			if !costly(g.p, c.cost) {
				continue
			}
			if c.lookups > 0 && float64(c.calls) < limits.MinMissRatio*float64(c.lookups) {
				continue
			}
			c.rep = repeats(c.root)
			if pat.Varying && c.lookups == 0 && !c.rep.identical() && c.rep.recursive == 0 && c.cost < limits.VaryingShare*g.p.Total {
				continue
			}
			out = append(out, c)
		}
	}
	return out
}

// lookups counts the calls of the cache lookups of pat that call f
// directly: the lookups f's calls are the misses of. It is 0 when f is not
// reached through the cache (Environment.from_string has none).
func (g *callGraph) lookups(pat *Pattern, f *parse.Func) int64 {
	isLookup := func(c *parse.Func) bool { return matchAny(pat.Lookup, g.files[c.ID], c.Name) }
	var n int64
	for _, e := range f.In {
		if isLookup(e.Caller) {
			calls, _ := g.entry(e.Caller, isLookup)
			n += calls
		}
	}
	return n
}

// slashed turns Windows paths into slash paths for suffix matching.
func slashed(file string) string { return strings.ReplaceAll(file, `\`, "/") }

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
func (r repeat) identical() bool {
	return len(r.members) >= limits.MinMembers &&
		float64(len(r.multiples)) >= limits.MinMultiple*float64(len(r.members)) &&
		r.quotients >= limits.MinQuotients && r.work >= limits.MinWork &&
		float64(r.exact) >= limits.MinMultiple*float64(r.edges)
}

// shapeCandidates finds setup that no catalog entry names: functions
// called often, expensive per call, whose private subtree repeats exactly.
// Each is moved down to the callee that holds most of its cost.
func (g *callGraph) shapeCandidates() []candidate {
	p := g.p
	qualifies := map[*parse.Func]candidate{}
	var order []*parse.Func // the keys of qualifies, in p.Funcs order
	for _, f := range p.Funcs {
		if f.Synthetic || f.Primitive < limits.MinCalls || OriginOf(f) == Native {
			continue
		}
		n, cost := g.entry(f, func(*parse.Func) bool { return false })
		if n < limits.MinCalls || !costly(p, cost) || p.Unit == "seconds" && cost/float64(n) < limits.MinPerCall {
			continue
		}
		rep := repeats(f)
		if rep.identical() {
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
				if next, ok := qualifies[e.Callee]; ok && !visited[e.Callee] && OriginOf(c.root) == User && e.Cum >= limits.Descend*c.cost {
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

// accept turns c into a finding unless an accepted finding already covers
// it: c is that finding's function or one of its further roots, c's path up
// to its call site passes through it (c is part of its work), c lies on its
// call chain, or c contains it and is mostly explained by it.
func (g *callGraph) accept(findings []Finding, c candidate) []Finding {
	up := g.upPath(c.root)
	down := reachable(c.root)
	for _, t := range g.taken {
		if t.root == c.root || slices.ContainsFunc(t.extra, func(r root) bool { return r.f == c.root }) ||
			slices.Contains(up, t.root) || t.chain[c.root] {
			return findings
		}
		if down.has(t.root) && t.cost >= limits.Explained*c.cost {
			return findings
		}
	}
	f := g.finding(c, up)
	c.chain = map[*parse.Func]bool{}
	for _, fn := range f.Chain {
		c.chain[fn] = true
	}
	g.taken = append(g.taken, c)
	return append(findings, f)
}

// finding writes c up with its proof.
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
	if len(up) > 0 && OriginOf(up[0]) == User {
		f.CallSite = up[0]
	}
	if c.calls > 0 {
		f.PerCall = c.cost / float64(c.calls)
	}
	f.Share = share(p, c.cost)
	f.Severity = severity(p, f.Cost, f.Share)
	f.Chain = append(slices.Clone(up), c.root)
	f.Chain = append(f.Chain, heaviestDescent(c.root)...)

	name := Label(c.root)
	if c.pattern != nil {
		f.Pattern, f.Title, f.Fix = c.pattern.ID, c.pattern.Title, c.pattern.Fix
	} else {
		f.Title = fmt.Sprintf("Repeated identical work in %s (found by profile shape)", c.root.Name)
		f.Fix = fmt.Sprintf("Build what %s builds once and reuse it (or cache it by its inputs) instead of rebuilding it on every call", c.root.Name)
		if f.CallSite != nil {
			f.Fix += fmt.Sprintf(" from %s", f.CallSite.Name)
		}
		f.Fix += "."
	}

	rc := rootCost(c)
	where := ""
	if f.CallSite != nil {
		where = ", called from " + Label(f.CallSite)
		if len(up) > 1 {
			where += " via " + Label(up[1])
		}
	}
	ev := []string{fmt.Sprintf("%s ran %s times%s, for %s in total: %s per call, %s of the run.",
		name, count(c.calls), where, amount(p, rc), amount(p, rc/float64(c.calls)), percent(share(p, rc)))}
	for _, r := range c.extra {
		ev = append(ev, fmt.Sprintf("%s also ran %s times from the same place, another %s; the finding's cost includes it.",
			Label(r.f), count(r.calls), amount(p, r.cost)))
	}
	if others := g.otherSites(c.root, f.CallSite); len(others) > 0 {
		ev = append(ev, "It is also reached from "+strings.Join(others, "; ")+".")
	}
	if n := g.importCalls(c.root); n > 0 {
		ev = append(ev, fmt.Sprintf("Another %s calls ran while modules were imported and are not counted: setup at import runs once.", count(n)))
	}
	ev = append(ev, c.rep.sentences(c.root)...)
	if c.pattern != nil && c.lookups > 0 {
		ev = append(ev, fmt.Sprintf("%s ran %s times for %s cache lookups (%s): the cache missed %s of the time.",
			c.root.Name, count(c.calls), count(c.lookups), lookupNames(c.pattern, c.root), percent(float64(c.calls)/float64(c.lookups))))
	}
	if c.use != nil {
		u := c.use
		ev = append(ev, fmt.Sprintf("Beside it, %s calls %s just as often (%s times), and that function's work varies from call to call: "+
			"the inputs change, yet %s rebuilds the same thing every time.", u.Caller.Name, Label(u.Callee), count(u.Calls), c.root.Name))
	}
	if s := useRatio(p, up, c); s != "" {
		ev = append(ev, s)
	}
	ev = append(ev, "Call chain: "+chainNames(f.Chain)+".")
	if c.pattern != nil {
		ev = append(ev, c.pattern.Why, "Known upstream: "+c.pattern.Ref+".")
	}
	ev = append(ev, fmt.Sprintf("Doing it once would save up to %s; that is an upper bound, assuming every call built the same thing.",
		amount(p, f.Saving)))
	f.Evidence = ev
	return f
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

// importCalls estimates the calls of f made while importing modules.
func (g *callGraph) importCalls(f *parse.Func) int64 {
	var n float64
	for _, e := range f.In {
		if e.Caller != f {
			n += float64(edgeCalls(e)) * (1 - g.runtime[e.Caller.ID])
		}
	}
	return int64(math.Round(n))
}

// rootCost is the cost of c's main root alone.
func rootCost(c candidate) float64 {
	cost := c.cost
	for _, r := range c.extra {
		cost -= r.cost
	}
	return cost
}

// sentences states the shape evidence of r in words.
func (r repeat) sentences(f *parse.Func) []string {
	var out []string
	if r.recursive > 0 {
		out = append(out, fmt.Sprintf("It recursed %s times = %s × %s calls: every call walked a structure of the same size.",
			count(f.Calls), count(r.recursive+1), count(r.n)))
	}
	if len(r.members) == 0 || len(r.multiples) == 0 {
		return out
	}
	var ex []string
	for _, m := range r.examples() {
		ex = append(ex, fmt.Sprintf("%s called %s times = %s × %s calls of %s", shortName(m), count(m.Calls), count(m.Calls/r.n), count(r.n), f.Name))
	}
	which := fmt.Sprintf("%d of the %d", len(r.multiples), len(r.members))
	if len(r.multiples) == len(r.members) {
		which = fmt.Sprintf("Every call did the same work: all %d", len(r.members))
	}
	s := fmt.Sprintf("%s functions that only it calls, at least once per call, ran an exact multiple of its %s calls (%d different multiples): %s.",
		which, count(r.n), r.quotients, strings.Join(ex, "; "))
	if r.rare > 0 {
		s += fmt.Sprintf(" %d more ran less than once per call: work done once and cached, or rarely.", r.rare)
	}
	out = append(out, s)
	if r.edges > 0 && r.exact == r.edges {
		out = append(out, fmt.Sprintf("All %d call edges inside it repeat the same number of times per call.", r.edges))
	}
	return out
}

// examples picks up to three multiples worth quoting: the most-called one,
// then the costliest with other multiples, preferring those above one.
func (r repeat) examples() []*parse.Func {
	most := slices.MaxFunc(r.multiples, func(a, b *parse.Func) int { return cmp.Compare(a.Calls, b.Calls) })
	picked := []*parse.Func{most}
	shown := map[int64]bool{most.Calls / r.n: true}
	for _, once := range []bool{false, true} {
		for _, m := range r.multiples {
			q := m.Calls / r.n
			if len(picked) < 3 && !shown[q] && (q == 1) == once {
				picked, shown[q] = append(picked, m), true
			}
		}
	}
	return picked
}

// useRatio compares the setup with the work beside it (S4, build versus
// use): the heaviest other callee of the setup's caller, from the same kind
// of code. A cache lookup as the caller says nothing about use, so it is
// skipped.
func useRatio(p *parse.Profile, up []*parse.Func, c candidate) string {
	if len(up) == 0 {
		return ""
	}
	parent := up[len(up)-1]
	if c.pattern != nil && matchAny(c.pattern.Lookup, slashed(parent.File), parent.Name) {
		return ""
	}
	var build, use *parse.Edge
	for _, e := range parent.Out {
		o := OriginOf(e.Callee)
		switch {
		case e.Callee == c.root:
			build = e
		case e.Callee != parent && (o == User || o == OriginOf(c.root)) && (use == nil || e.Cum > use.Cum):
			use = e
		}
	}
	if build == nil || use == nil || use.Cum <= 0 || build.Cum < limits.MinUseRatio*use.Cum {
		return ""
	}
	ratio := build.Cum / use.Cum
	times := strconv.FormatFloat(ratio, 'f', max(0, 1-int(math.Log10(ratio))), 64) + "×"
	if ratio > 1000 {
		times = "over 1,000×"
	}
	return fmt.Sprintf("It costs %s as much as the rest of %s's work: its heaviest other call, %s, took %s.",
		times, parent.Name, Label(use.Callee), amount(p, use.Cum))
}

// heaviestDescent follows f's heaviest callees inside its private subtree
// while each holds at least a quarter of f's cost.
func heaviestDescent(f *parse.Func) []*parse.Func {
	in := private(f)
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

// lookupNames lists the cache lookups of pat that call f.
func lookupNames(pat *Pattern, f *parse.Func) string {
	var names []string
	for _, e := range f.In {
		if matchAny(pat.Lookup, slashed(e.Caller.File), e.Caller.Name) {
			names = append(names, ShortFile(e.Caller.File)+" "+e.Caller.Name)
		}
	}
	return strings.Join(names, ", ")
}

func chainNames(chain []*parse.Func) string {
	names := make([]string, len(chain))
	for i, f := range chain {
		names[i] = shortName(f)
	}
	return strings.Join(names, " → ")
}

// shortName is a function's name, or its built-in label.
func shortName(f *parse.Func) string {
	if f.File == "~" {
		return builtinName(f.Name)
	}
	return f.Name
}

// severity grades a finding by share and, for time, absolute cost.
func severity(p *parse.Profile, cost, share float64) Severity {
	secs := p.Unit == "seconds"
	switch {
	case share >= limits.HighShare || secs && cost >= limits.HighCost && share >= limits.MediumShare:
		return High
	case share >= limits.MediumShare || secs && cost >= limits.MediumCost:
		return Medium
	}
	return Low
}

// count prints n with thousands separators: 118,080.
func count(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + count(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// amount prints v in p's unit for people: 0.455 s, 15.2 ms, 1.2 MB.
func amount(p *parse.Profile, v float64) string {
	switch p.Unit {
	case "seconds":
		switch {
		case v >= 0.1:
			return fmt.Sprintf("%.3f s", v)
		case v >= 1e-3:
			return sig3(v*1e3) + " ms"
		case v >= 1e-6:
			return sig3(v*1e6) + " µs"
		case v >= 1e-9:
			return sig3(v*1e9) + " ns"
		}
		return fmt.Sprintf("%.3g s", v)
	case "bytes":
		units := []string{"B", "kB", "MB", "GB", "TB"}
		i := 0
		for v >= 1000 && i < len(units)-1 {
			v /= 1000
			i++
		}
		return fmt.Sprintf("%.3g %s", v, units[i])
	}
	return fmt.Sprintf("%.4g %s", v, p.Unit)
}

// sig3 prints x (1 ≤ x < 1000) with three significant digits: 21.0, 7.10.
func sig3(x float64) string {
	decimals := max(0, 2-int(math.Floor(math.Log10(x))))
	return strconv.FormatFloat(x, 'f', decimals, 64)
}

// percent prints a fraction as a percentage: 60 %, 0.4 %.
func percent(x float64) string {
	if x < 0.01 {
		return fmt.Sprintf("%.1f %%", x*100)
	}
	return fmt.Sprintf("%.0f %%", x*100)
}

// initFrame matches Go package initialization: runtime.doInit and the
// init functions the compiler generates (pkg.init, pkg.init.0, closures).
var initFrame = regexp.MustCompile(`^runtime\.doInit1?$|\.init(\.[0-9]+)?(\.func[0-9.]+)?$`)

// requestFrame matches frames that serve requests (S8).
var requestFrame = regexp.MustCompile(`ServeHTTP$|^net/http\.\(\*conn\)\.serve$|^google\.golang\.org/grpc\..*(handleStream|processUnaryRPC|processStreamingRPC)$`)

// stackSetup finds catalogued setup in a profile that records stacks but
// no call counts (pprof, S8). In every stack it takes the outermost
// catalogued setup frame and charges the stack's value to it, unless
// package initialization is on the stack: setup under init runs once.
// Without counts the number of repetitions is unknown, so the finding
// rests on where the setup runs and what it costs.
func stackSetup(p *parse.Profile, catalog []Pattern) []Finding {
	pat := make([]*Pattern, len(p.Funcs))
	index := newBuildIndex(catalog)
	for i, f := range p.Funcs {
		if js := index.patterns(slashed(f.File), f.Name); len(js) > 0 {
			pat[i] = &catalog[js[0]]
		}
	}
	type key struct {
		pat  *Pattern
		site *parse.Func
	}
	type group struct {
		key
		cost     float64
		roots    map[*parse.Func]float64 // setup frame → value
		request  map[*parse.Func]float64 // request-serving frame → value
		heaviest sample                  // the costliest stack, for the chain
	}
	groups := map[key]*group{}
	var order []key
	initCost := map[*Pattern]float64{}
	for _, s := range p.Stacks {
		i := slices.IndexFunc(s.Funcs, func(id int) bool { return pat[id] != nil })
		if i < 0 {
			continue
		}
		root := p.Funcs[s.Funcs[i]]
		above := s.Funcs[:i]
		if slices.ContainsFunc(above, func(id int) bool { return initFrame.MatchString(p.Funcs[id].Name) }) {
			initCost[pat[root.ID]] += s.Value
			continue
		}
		var site *parse.Func
		for j := len(above) - 1; j >= 0; j-- {
			if f := p.Funcs[above[j]]; OriginOf(f) == User {
				site = f
				break
			}
		}
		k := key{pat[root.ID], site}
		gr := groups[k]
		if gr == nil {
			gr = &group{key: k, roots: map[*parse.Func]float64{}, request: map[*parse.Func]float64{}}
			groups[k] = gr
			order = append(order, k)
		}
		gr.cost += s.Value
		gr.roots[root] += s.Value
		if j := slices.IndexFunc(above, func(id int) bool { return requestFrame.MatchString(p.Funcs[id].Name) }); j >= 0 {
			gr.request[p.Funcs[above[j]]] += s.Value
		}
		if s.Value > gr.heaviest.Value {
			gr.heaviest = sample{Funcs: s.Funcs, Value: s.Value, at: i}
		}
	}
	findings := []Finding{}
	for _, k := range order {
		gr := groups[k]
		if !costly(p, gr.cost) {
			continue
		}
		root := heaviestKey(gr.roots)
		f := Finding{
			Kind: KindRepeatedSetup, Pattern: k.pat.ID, Func: root, CallSite: k.site,
			Calls: -1, Cost: gr.cost, Saving: gr.cost, Title: k.pat.Title, Fix: k.pat.Fix,
		}
		f.Share = share(p, gr.cost)
		f.Severity = severity(p, f.Cost, f.Share)
		// The chain runs from the call site through the setup frame and
		// three frames into it, along the costliest stack.
		for _, id := range gr.heaviest.Funcs[:min(gr.heaviest.at+4, len(gr.heaviest.Funcs))] {
			f.Chain = append(f.Chain, p.Funcs[id])
		}
		if k.site != nil {
			f.Chain = f.Chain[slices.Index(f.Chain, k.site):]
		}
		where := ""
		if k.site != nil {
			where = ", called from " + Label(k.site) + ","
		}
		ev := []string{fmt.Sprintf("%s%s and what it calls account for %s, %s of the profile.",
			Label(root), where, amount(p, gr.cost), percent(f.Share))}
		var onRequest float64
		for _, v := range gr.request {
			onRequest += v
		}
		switch {
		case onRequest > 0:
			ev = append(ev, fmt.Sprintf("%s of it ran while serving requests, under %s, not during package initialization.",
				percent(onRequest/gr.cost), heaviestKey(gr.request).Name))
		default:
			ev = append(ev, "None of it ran during package initialization, where setup that runs once belongs.")
		}
		if c := initCost[k.pat]; c > 0 {
			ev = append(ev, fmt.Sprintf("Another %s of the same setup ran during package initialization and is not counted.", amount(p, c)))
		}
		ev = append(ev, "Call chain: "+chainNames(f.Chain)+".", k.pat.Why, "Known upstream: "+k.pat.Ref+".",
			"The profile records no call counts, so how often the setup ran is unknown; doing it once would save up to its whole cost.")
		f.Evidence = ev
		findings = append(findings, f)
	}
	return findings
}

// sample is one sampled stack with the index of the setup frame in it.
type sample struct {
	Funcs []int
	Value float64
	at    int
}

// heaviestKey returns the function with the largest value in m, ties
// broken by name so the result is deterministic.
func heaviestKey(m map[*parse.Func]float64) *parse.Func {
	var best *parse.Func
	for f, v := range m {
		if best == nil || v > m[best] || v == m[best] && f.String() < best.String() {
			best = f
		}
	}
	return best
}
