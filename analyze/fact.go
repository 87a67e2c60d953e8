package analyze

import "github.com/loopdoctor/loopdoctor/parse"

// Fact is one piece of a finding's proof, stated as data: a kind and the
// numbers and functions it needs. analyze decides what is true; render
// words it, once, for every output, so the table, Markdown and JSON say the
// same thing with the same figures. Which fields a fact sets depends on
// its kind; the others are zero.
type Fact struct {
	Kind FactKind

	Func  *parse.Func   // the function the fact is about
	Site  *parse.Func   // where Func is called from, or whose work it is compared with
	Via   *parse.Func   // the function Site calls on the way to Func
	Other *parse.Func   // a second function: the varying use, the heaviest other call, the request handler
	Funcs []*parse.Func // a call chain, outermost first, or the cache lookups

	Calls    int64   // calls of Func
	Multiple int64   // Calls = Multiple × Of
	Of       int64   // the count Calls is compared with
	Count    int     // how many functions, call edges or places
	Among    int     // the whole that Count is part of
	Distinct int     // distinct multiples among Count
	Cost     float64 // in the profile's unit
	Share    float64 // a fraction; the kind says of what
	Ratio    float64 // how many times larger

	Parts []Fact // the instances a fact quotes: example multiples, other call sites
	Text  string // prose from the catalog, which is data, not wording
}

// FactKind names what a Fact states.
type FactKind string

// Fact kinds of findings from profiles with call counts.
const (
	// FactRan: Func ran Calls times (from Site, via Via, when known) for
	// Cost in total, Share of the run. Cost is Func's own part of the
	// finding, without the roots FactAlsoRan adds.
	FactRan FactKind = "ran"

	// FactAlsoRan: Func, another root of the same setup, ran Calls times
	// from the same place for Cost more, counted in the finding's cost.
	FactAlsoRan FactKind = "also-ran"

	// FactOtherSites: Func is also reached from other places in the user's
	// code; Parts are FactCall facts, most calls first, and Count more
	// places were left out.
	FactOtherSites FactKind = "other-sites"

	// FactCall: Site made Calls calls of Func.
	FactCall FactKind = "call"

	// FactImportCalls: Calls more calls of the setup ran while modules were
	// imported and are not counted, since setup at import runs once.
	FactImportCalls FactKind = "import-calls"

	// FactRecursed: Func ran Calls times = Multiple × Of calls: every call
	// recursed through a structure of the same size.
	FactRecursed FactKind = "recursed"

	// FactMultiples: Count of the Among functions that only Func calls, at
	// least once per call, ran an exact multiple of its Of calls, with
	// Distinct different multiples; Parts are FactMultiple examples.
	FactMultiples FactKind = "multiples"

	// FactMultiple: Func was called Calls times = Multiple × Of calls of
	// Other.
	FactMultiple FactKind = "multiple"

	// FactRare: Count more functions that only the setup calls ran less
	// than once per call: work done once and cached, or rarely.
	FactRare FactKind = "rare"

	// FactExactEdges: all Count call edges inside the setup repeat the
	// same number of times per call.
	FactExactEdges FactKind = "exact-edges"

	// FactCache: Func ran Calls times for Of lookups in the cache in front
	// of it (Funcs); Share is Calls/Of, the share of lookups that missed.
	FactCache FactKind = "cache"

	// FactVaryingUse: Site calls Other as often as Func (Calls times), and
	// Other's work varies from call to call while Func's does not. When
	// Site is Func, the varying calls are Func's own, left out of the
	// finding: the rest of Func repeats exactly.
	FactVaryingUse FactKind = "varying-use"

	// FactCached: Site ran Of times but called Func only Calls times: a
	// cache or a condition in front already skips most builds, and the
	// Calls builds of Other left, which a cache would keep to one per
	// distinct input, still do the same work. The finding's fix is then
	// the next one, not the cache.
	FactCached FactKind = "cached"

	// FactConstantUse: Site calls Func once per call (Calls times) and
	// spends Share of its time in it, so whatever uses the result is
	// constant or cheap; Other shows that the repeated work constructs
	// something: Func itself or a member whose name says so, or a
	// construction call inside it (docs/setup-detection.md). When Site is
	// Func, Func is the user's own function, run Calls times, and all its
	// work, the use of what it builds included, repeats exactly.
	FactConstantUse FactKind = "constant-use"

	// FactUseRatio: Func costs Ratio times as much as the rest of Site's
	// work, whose heaviest other call, Other, took Cost.
	FactUseRatio FactKind = "use-ratio"

	// FactSaving: doing the work once would save up to Cost, an upper
	// bound that assumes every call built the same thing.
	FactSaving FactKind = "saving"
)

// Fact kinds of findings from sampled profiles without call counts.
const (
	// FactStackCost: Func (called from Site, when known) and what it calls
	// account for Cost, Share of the profile.
	FactStackCost FactKind = "stack-cost"

	// FactPerRequest and FactPerIteration: the counted cost ran under
	// Other, a place that runs once per request (a request handler) or per
	// iteration (a benchmark's b.N loop, a fuzz target). Without call
	// counts, the finding rests on that and on the function's name.
	FactPerRequest   FactKind = "per-request"
	FactPerIteration FactKind = "per-iteration"

	// FactOnceCost: another Cost of the same setup ran once, during package
	// initialization or under sync.Once, and is not counted.
	FactOnceCost FactKind = "once-cost"

	// FactUnknownCost: another Cost of the same setup ran outside any place
	// that repeats, where how often it ran cannot be told; not counted.
	FactUnknownCost FactKind = "unknown-cost"

	// FactProfilerCost: another Cost of the same setup is the profiler's
	// own, writing its output; not counted.
	FactProfilerCost FactKind = "profiler-cost"

	// FactNoCounts: the profile records no call counts, so how often the
	// setup ran is unknown; doing it once would save up to Cost, all of it.
	FactNoCounts FactKind = "no-counts"
)

// Fact kinds shared by every finding.
const (
	// FactChain: the call chain from the call site through the setup and
	// into its heaviest work, Funcs.
	FactChain FactKind = "chain"

	// FactWhy: the catalog's explanation of the pattern, Text.
	FactWhy FactKind = "why"

	// FactUpstream: where the pattern is reported upstream, Text.
	FactUpstream FactKind = "upstream"
)
