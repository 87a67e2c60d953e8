package render

import (
	"fmt"
	"strings"

	"github.com/loopdoctor/loopdoctor/analyze"
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
	return fmt.Sprintf("Repeated identical work in %s (found by profile shape)", Printable(name(f.Func)))
}

// fix is what to do about a finding: the catalog's fix, or the general
// fix for setup found by shape.
func fix(f analyze.Finding) string {
	for _, x := range f.Evidence {
		if x.Kind == analyze.FactCached {
			return fmt.Sprintf("Whatever skips %s on most calls (a cache or a condition) stays; the %s left still do the same work: "+
				"build what they share once (one parser, one set of tables, one context) and reuse it for every input.",
				Printable(name(x.Func)), counted(x.Calls, "build", "builds"))
		}
	}
	if f.Fix != "" {
		return f.Fix
	}
	s := fmt.Sprintf("Build what %s builds once and reuse it (or cache it by its inputs) instead of rebuilding it on every call", Printable(name(f.Func)))
	if f.CallSite != nil {
		s += " from " + Printable(name(f.CallSite))
	}
	return s + "."
}

// wording words facts for one output: amounts in the profile's unit, with
// the output's own markup for the sentence's words and for the functions
// it names. Markdown puts names in code spans; the terminal report and
// JSON print them as they are, made printable.
type wording struct {
	unit string
	text func(string) string // the sentence's own words and the catalog's prose
	code func(string) string // a function's label or name
}

// sentence words x plainly, as the terminal report, JSON's "text" and
// HTML print it.
func sentence(x analyze.Fact, unit string) string { return plainWords(unit).fact(x) }

// plainWords is the wording of the terminal report and of JSON's "text".
func plainWords(unit string) wording {
	return wording{unit: unit, text: func(s string) string { return s }, code: Printable}
}

// mdWords is the wording of the Markdown report.
func mdWords(unit string) wording { return wording{unit: unit, text: mdText, code: mdCode} }

// say formats a sentence: format is the sentence's own words, marked up
// for the output; args are figures, or names and prose already marked up.
func (w wording) say(format string, args ...any) string { return fmt.Sprintf(w.text(format), args...) }

// label names a function where the sentence first places it: path, line
// and name.
func (w wording) label(f *parse.Func) string { return w.code(printedLabel(f)) }

// name names a function the sentence has already placed.
func (w wording) name(f *parse.Func) string { return w.code(name(f)) }

func (w wording) value(v float64) string { return units.Value(v, w.unit) }

// fact words one fact as a sentence. The parts other facts quote
// (FactMultiple, FactCall) are worded as phrases.
func (w wording) fact(x analyze.Fact) string {
	switch x.Kind {
	case analyze.FactRan:
		s := w.say("%s ran %s", w.label(x.Func), times(x.Calls)) + w.from(x.Site, x.Via)
		if x.Calls == 1 {
			return s + w.say(", for %s, %s of the run.", w.value(x.Cost), units.Percent(x.Share))
		}
		return s + w.say(", for %s in total: %s per call, %s of the run.",
			w.value(x.Cost), w.value(x.Cost/float64(x.Calls)), units.Percent(x.Share))
	case analyze.FactAlsoRan:
		return w.say("%s also ran %s from the same place, another %s; the finding's cost includes it.",
			w.label(x.Func), times(x.Calls), w.value(x.Cost))
	case analyze.FactOtherSites:
		var sites []string
		for _, p := range x.Parts {
			sites = append(sites, w.fact(p))
		}
		if x.Count > 0 {
			sites = append(sites, counted(int64(x.Count), "more place", "more places"))
		}
		return w.say("It is also reached from %s.", strings.Join(sites, "; "))
	case analyze.FactCall:
		return w.say("%s (%s of %s)", w.label(x.Site), counted(x.Calls, "call", "calls"), w.name(x.Func))
	case analyze.FactMultiple:
		if x.Multiple == 1 {
			return w.say("%s called %s, once per call of %s", w.name(x.Func), times(x.Calls), w.name(x.Other))
		}
		return w.say("%s called %s = %s of %s", w.name(x.Func), times(x.Calls), product(x.Multiple, x.Of), w.name(x.Other))
	case analyze.FactImportCalls:
		return w.say("Another %s while modules were imported and %s not counted: setup at import runs once.",
			counted(x.Calls, "call ran", "calls ran"), agreeWord(x.Calls, "is", "are"))
	case analyze.FactRecursed:
		return w.say("It recursed %s = %s: every call walked a structure of the same size.", times(x.Calls), product(x.Multiple, x.Of))
	case analyze.FactMultiples:
		return w.multiples(x)
	case analyze.FactRare:
		return w.say("%s more ran less than once per call: work done once and cached, or rarely.", units.Count(int64(x.Count)))
	case analyze.FactExactEdges:
		if x.Count == 1 {
			return w.say("The one call edge inside it repeats the same number of times per call.")
		}
		return w.say("All %s call edges inside it repeat the same number of times per call.", units.Count(int64(x.Count)))
	case analyze.FactCache:
		lookups := make([]string, len(x.Funcs))
		for i, f := range x.Funcs {
			lookups[i] = w.label(f)
		}
		return w.say("%s ran %s for %s (%s): the cache missed %s of the time.",
			w.name(x.Func), times(x.Calls), counted(x.Of, "cache lookup", "cache lookups"), strings.Join(lookups, ", "), units.Percent(x.Share))
	case analyze.FactVaryingUse:
		if x.Site == x.Func {
			return w.say("Its own calls of %s (%s) do work that varies from call to call; they are left out of the finding, "+
				"and the rest of %s repeats exactly: the inputs change, yet it rebuilds the same thing every time.",
				w.label(x.Other), times(x.Calls), w.name(x.Func))
		}
		return w.say("Beside it, %s calls %s just as often (%s), and that function's work varies from call to call: "+
			"the inputs change, yet %s rebuilds the same thing every time.", w.name(x.Site), w.label(x.Other), times(x.Calls), w.name(x.Func))
	case analyze.FactCached:
		return w.say("A cache or a condition in front already skips most builds: %s ran %s but called %s only %s. "+
			"The %s left, which a cache keeps to one per distinct input, still do the same work every time.",
			w.name(x.Site), times(x.Of), w.name(x.Func), times(x.Calls), counted(x.Calls, "build of "+w.name(x.Other), "builds of "+w.name(x.Other)))
	case analyze.FactConstantUse:
		what := w.say("its name says it builds something")
		if x.Other != x.Func {
			what = w.say("it runs %s", w.label(x.Other))
		}
		if x.Site == x.Func {
			return w.say("It is the user's own function, run %s, and all its work, the use of what it builds included, repeats exactly; "+
				"and the repeated work is construction, not arithmetic: %s.", times(x.Calls), what)
		}
		return w.say("%s calls it once per call (%s) and spends %s of its time in it, so what uses the result is constant or cheap; "+
			"and the repeated work is construction, not arithmetic: %s.", w.name(x.Site), times(x.Calls), units.Percent(x.Share), what)
	case analyze.FactUseRatio:
		return w.say("It costs %s as much as the rest of %s's work: its heaviest other call, %s, took %s.",
			units.Times(x.Ratio), w.name(x.Site), w.label(x.Other), w.value(x.Cost))
	case analyze.FactSaving:
		return w.say("Doing it once would save up to %s; that is an upper bound, assuming every call built the same thing.", w.value(x.Cost))
	case analyze.FactStackCost:
		if x.Site != nil {
			return w.say("%s, called from %s, and what it calls account for %s, %s of the profile.",
				w.label(x.Func), w.label(x.Site), w.value(x.Cost), units.Percent(x.Share))
		}
		return w.say("%s and what it calls account for %s, %s of the profile.", w.label(x.Func), w.value(x.Cost), units.Percent(x.Share))
	case analyze.FactPerRequest, analyze.FactPerIteration:
		per := "request"
		if x.Kind == analyze.FactPerIteration {
			per = "iteration"
		}
		return w.say("It ran under %s, which runs once per %s, so it is built again each time unless something caches it; "+
			"without call counts, this rests on that and on the function's name.", w.code(x.Other.Name), per)
	case analyze.FactOnceCost:
		return w.say("Another %s of the same setup ran once, during package initialization or under sync.Once, and is not counted.", w.value(x.Cost))
	case analyze.FactUnknownCost:
		return w.say("Another %s ran outside any request handler or benchmark loop, where how often it ran cannot be told, and is not counted.", w.value(x.Cost))
	case analyze.FactProfilerCost:
		return w.say("Another %s is the profiler's own work, writing its output, and is not counted.", w.value(x.Cost))
	case analyze.FactNoCounts:
		return w.say("The profile records no call counts, so how often the setup ran is unknown; doing it once would save up to its whole cost, %s.", w.value(x.Cost))
	case analyze.FactChain:
		names := make([]string, len(x.Funcs))
		for i, f := range x.Funcs {
			names[i] = w.name(f)
		}
		return w.say("Call chain: %s.", strings.Join(names, " → "))
	case analyze.FactWhy:
		return w.text(x.Text)
	case analyze.FactUpstream:
		return w.say("Known upstream: %s.", w.text(x.Text))
	}
	return w.text(x.Text)
}

// multiples words the exact-multiple proof, quoting its examples.
func (w wording) multiples(x analyze.Fact) string {
	var s string
	switch {
	case x.Count == x.Among && x.Among == 1:
		s = w.say("Every call did the same work: the one function that only it calls ran an exact multiple of its %s", counted(x.Of, "call", "calls"))
	case x.Count == x.Among:
		s = w.say("Every call did the same work: all %s functions that only it calls, at least once per call, ran an exact multiple of its %s",
			units.Count(int64(x.Among)), counted(x.Of, "call", "calls"))
	default:
		s = w.say("%s of the %s functions that only it calls, at least once per call, ran an exact multiple of its %s",
			units.Count(int64(x.Count)), units.Count(int64(x.Among)), counted(x.Of, "call", "calls"))
	}
	switch {
	case x.Count > 1 && x.Distinct == 1:
		s += w.say(" (all the same multiple)")
	case x.Count > 1:
		s += w.say(" (%s different multiples)", units.Count(int64(x.Distinct)))
	}
	ex := make([]string, len(x.Parts))
	for i, m := range x.Parts {
		ex[i] = w.fact(m)
	}
	return s + w.say(": %s.", strings.Join(ex, "; "))
}

// from says where a function was called from, if known: ", called from
// site via via".
func (w wording) from(site, via *parse.Func) string {
	if site == nil {
		return ""
	}
	if via != nil {
		return w.say(", called from %s via %s", w.label(site), w.label(via))
	}
	return w.say(", called from %s", w.label(site))
}

// name is how a sentence names a function it has already placed: the bare
// name, or a built-in's label.
func name(f *parse.Func) string {
	if f.File == "~" || f.File == "" {
		return printedLabel(f)
	}
	return Printable(f.Name)
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
