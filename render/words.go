package render

import (
	"fmt"
	"strings"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/internal/location"
	"github.com/loopdoctor/loopdoctor/internal/units"
	"github.com/loopdoctor/loopdoctor/parse"
)

// This file words what analyze found. Every output (the terminal report,
// Markdown and the "text" beside each fact in JSON) takes its sentences
// from here, so they say the same thing with the same figures, and number
// agreement ("1 call", "2 calls") is decided in one place.

// Title is a finding's heading: the catalog's title for a catalogued
// pattern, else one worded from what the shape shows.
func Title(f analyze.Finding) string {
	if f.Title != "" {
		return f.Title
	}
	return fmt.Sprintf("Repeated identical work in %s (found by profile shape)", name(f.Func))
}

// fix is what to do about a finding: the catalog's fix, or the general
// fix for setup found by shape.
func fix(f analyze.Finding) string {
	for _, x := range f.Evidence {
		if x.Kind == analyze.FactCached {
			return fmt.Sprintf("The cache in front of %s already works; the %s left, one per distinct input, still do the same work: "+
				"build what they share once (one parser, one set of tables) and reuse it for every input.",
				name(x.Func), counted(x.Calls, "build", "builds"))
		}
	}
	if f.Fix != "" {
		return f.Fix
	}
	s := fmt.Sprintf("Build what %s builds once and reuse it (or cache it by its inputs) instead of rebuilding it on every call", name(f.Func))
	if f.CallSite != nil {
		s += " from " + name(f.CallSite)
	}
	return s + "."
}

// sentence words one fact; amounts are in unit, the profile's. The parts
// other facts quote (FactMultiple, FactCall) are worded as phrases.
func sentence(x analyze.Fact, unit string) string {
	value := func(v float64) string { return units.Value(v, unit) }
	switch x.Kind {
	case analyze.FactRan:
		s := fmt.Sprintf("%s ran %s%s", location.Label(x.Func), times(x.Calls), from(x.Site, x.Via))
		if x.Calls == 1 {
			return s + fmt.Sprintf(", for %s, %s of the run.", value(x.Cost), units.Percent(x.Share))
		}
		return s + fmt.Sprintf(", for %s in total: %s per call, %s of the run.",
			value(x.Cost), value(x.Cost/float64(x.Calls)), units.Percent(x.Share))
	case analyze.FactAlsoRan:
		return fmt.Sprintf("%s also ran %s from the same place, another %s; the finding's cost includes it.",
			location.Label(x.Func), times(x.Calls), value(x.Cost))
	case analyze.FactOtherSites:
		var sites []string
		for _, p := range x.Parts {
			sites = append(sites, sentence(p, unit))
		}
		if x.Count > 0 {
			sites = append(sites, counted(int64(x.Count), "more place", "more places"))
		}
		return "It is also reached from " + strings.Join(sites, "; ") + "."
	case analyze.FactCall:
		return fmt.Sprintf("%s (%s of %s)", location.Label(x.Site), counted(x.Calls, "call", "calls"), name(x.Func))
	case analyze.FactMultiple:
		if x.Multiple == 1 {
			return fmt.Sprintf("%s called %s, once per call of %s", name(x.Func), times(x.Calls), name(x.Other))
		}
		return fmt.Sprintf("%s called %s = %s of %s", name(x.Func), times(x.Calls), product(x.Multiple, x.Of), name(x.Other))
	case analyze.FactImportCalls:
		return fmt.Sprintf("Another %s while modules were imported and %s not counted: setup at import runs once.",
			counted(x.Calls, "call ran", "calls ran"), agreeWord(x.Calls, "is", "are"))
	case analyze.FactRecursed:
		return fmt.Sprintf("It recursed %s = %s: every call walked a structure of the same size.",
			times(x.Calls), product(x.Multiple, x.Of))
	case analyze.FactMultiples:
		return multiples(x, unit)
	case analyze.FactRare:
		return fmt.Sprintf("%d more ran less than once per call: work done once and cached, or rarely.", x.Count)
	case analyze.FactExactEdges:
		if x.Count == 1 {
			return "The one call edge inside it repeats the same number of times per call."
		}
		return fmt.Sprintf("All %d call edges inside it repeat the same number of times per call.", x.Count)
	case analyze.FactCache:
		lookups := make([]string, len(x.Funcs))
		for i, f := range x.Funcs {
			lookups[i] = location.Label(f)
		}
		return fmt.Sprintf("%s ran %s for %s (%s): the cache missed %s of the time.",
			name(x.Func), times(x.Calls), counted(x.Of, "cache lookup", "cache lookups"), strings.Join(lookups, ", "), units.Percent(x.Share))
	case analyze.FactVaryingUse:
		if x.Site == x.Func {
			return fmt.Sprintf("Its own calls of %s (%s) do work that varies from call to call; they are left out of the finding, "+
				"and the rest of %s repeats exactly: the inputs change, yet it rebuilds the same thing every time.",
				location.Label(x.Other), times(x.Calls), name(x.Func))
		}
		return fmt.Sprintf("Beside it, %s calls %s just as often (%s), and that function's work varies from call to call: "+
			"the inputs change, yet %s rebuilds the same thing every time.", name(x.Site), location.Label(x.Other), times(x.Calls), name(x.Func))
	case analyze.FactCached:
		return fmt.Sprintf("A cache (or a condition) in front already avoids most builds: %s ran %s but called %s only %s. "+
			"The %s left are one per distinct input, yet do the same work every time.",
			name(x.Site), times(x.Of), name(x.Func), times(x.Calls), counted(x.Calls, "build of "+name(x.Other), "builds of "+name(x.Other)))
	case analyze.FactConstantUse:
		what := "its name says it builds something"
		if x.Other != x.Func {
			what = fmt.Sprintf("it runs %s", location.Label(x.Other))
		}
		return fmt.Sprintf("%s calls it once per call (%s) and spends %s of its time in it, so what uses the result is constant or cheap; "+
			"and the repeated work is construction, not arithmetic: %s.", name(x.Site), times(x.Calls), units.Percent(x.Share), what)
	case analyze.FactUseRatio:
		return fmt.Sprintf("It costs %s as much as the rest of %s's work: its heaviest other call, %s, took %s.",
			units.Times(x.Ratio), name(x.Site), location.Label(x.Other), value(x.Cost))
	case analyze.FactSaving:
		return fmt.Sprintf("Doing it once would save up to %s; that is an upper bound, assuming every call built the same thing.", value(x.Cost))
	case analyze.FactStackCost:
		site := ""
		if x.Site != nil {
			site = ", called from " + location.Label(x.Site) + ","
		}
		return fmt.Sprintf("%s%s and what it calls account for %s, %s of the profile.",
			location.Label(x.Func), site, value(x.Cost), units.Percent(x.Share))
	case analyze.FactPerRequest, analyze.FactPerIteration:
		per := "request"
		if x.Kind == analyze.FactPerIteration {
			per = "iteration"
		}
		return fmt.Sprintf("It ran under %s, which runs once per %s, so it is built again each time unless something caches it; "+
			"without call counts, this rests on that and on the function's name.", x.Other.Name, per)
	case analyze.FactOnceCost:
		return fmt.Sprintf("Another %s of the same setup ran once, during package initialization or under sync.Once, and is not counted.", value(x.Cost))
	case analyze.FactUnknownCost:
		return fmt.Sprintf("Another %s ran outside any request handler or benchmark loop, where how often it ran cannot be told, and is not counted.", value(x.Cost))
	case analyze.FactProfilerCost:
		return fmt.Sprintf("Another %s is the profiler's own work, writing its output, and is not counted.", value(x.Cost))
	case analyze.FactNoCounts:
		return fmt.Sprintf("The profile records no call counts, so how often the setup ran is unknown; doing it once would save up to its whole cost, %s.", value(x.Cost))
	case analyze.FactChain:
		names := make([]string, len(x.Funcs))
		for i, f := range x.Funcs {
			names[i] = name(f)
		}
		return "Call chain: " + strings.Join(names, " → ") + "."
	case analyze.FactWhy:
		return x.Text
	case analyze.FactUpstream:
		return "Known upstream: " + x.Text + "."
	}
	return x.Text
}

// multiples words the exact-multiple proof, quoting its examples.
func multiples(x analyze.Fact, unit string) string {
	var which string
	switch {
	case x.Count == x.Among && x.Among == 1:
		which = "Every call did the same work: the one function that only it calls ran"
	case x.Count == x.Among:
		which = fmt.Sprintf("Every call did the same work: all %d functions that only it calls, at least once per call, ran", x.Among)
	default:
		which = fmt.Sprintf("%d of the %d functions that only it calls, at least once per call, ran", x.Count, x.Among)
	}
	s := fmt.Sprintf("%s an exact multiple of its %s", which, counted(x.Of, "call", "calls"))
	if x.Count > 1 {
		if x.Distinct == 1 {
			s += " (all the same multiple)"
		} else {
			s += fmt.Sprintf(" (%d different multiples)", x.Distinct)
		}
	}
	ex := make([]string, len(x.Parts))
	for i, m := range x.Parts {
		ex[i] = sentence(m, unit)
	}
	return s + ": " + strings.Join(ex, "; ") + "."
}

// from says where a function was called from, if known: ", called from
// site via via".
func from(site, via *parse.Func) string {
	if site == nil {
		return ""
	}
	s := ", called from " + location.Label(site)
	if via != nil {
		s += " via " + location.Label(via)
	}
	return s
}

// name is how a sentence names a function it has already placed: the bare
// name, or a built-in's label.
func name(f *parse.Func) string {
	if f.File == "~" || f.File == "" {
		return location.Label(f)
	}
	return f.Name
}

// counted is n with its noun in the right number: "1 call", "2,400 calls".
func counted(n int64, one, many string) string {
	return units.Count(n) + " " + agreeWord(n, one, many)
}

// agreeWord picks the singular or the plural.
func agreeWord(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// times says how often something happened: "once", "twice", "120 times".
func times(n int64) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return units.Count(n) + " times"
}

// product is "k × n calls", the form of an exact multiple.
func product(k, n int64) string {
	return units.Count(k) + " × " + counted(n, "call", "calls")
}
