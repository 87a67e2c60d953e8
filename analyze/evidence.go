package analyze

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/loopdoctor/loopdoctor/parse"
)

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
	f.Severity = g.lim.severity(p, f.Cost, f.Share)
	f.Chain = append(slices.Clone(up), c.root)
	f.Chain = append(f.Chain, g.heaviestDescent(c.root)...)

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
	if s := useRatio(p, g.lim, up, c); s != "" {
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
func useRatio(p *parse.Profile, lim *Limits, up []*parse.Func, c candidate) string {
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
	if build == nil || use == nil || use.Cum <= 0 || build.Cum < lim.MinUseRatio*use.Cum {
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
