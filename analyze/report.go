package analyze

import (
	"regexp"

	"github.com/loopdoctor/loopdoctor/parse"
)

// Options shape a report. The zero value ranks every function by
// cumulative value with no filters and asyncio's 0.1 s slow threshold.
type Options struct {
	Sort Key // ranking key; zero is ByCum
	Top  int // rows kept in Report.Rows; 0 keeps all

	// Focus keeps only rows whose "file:line(name)" matches; Ignore drops
	// rows that match. Either may be nil.
	Focus, Ignore *regexp.Regexp

	// Callers and Callees select functions whose callers or callees are
	// listed edge by edge. Either may be nil.
	Callers, Callees *regexp.Regexp

	// Slow is the duration in seconds beyond which asyncio's debug mode
	// logs a slow callback; 0 means asyncio's default of 0.1 s.
	Slow float64

	// Limits are the repeated-setup detector's thresholds; nil means
	// DefaultLimits().
	Limits *Limits

	// Catalog is the known setup patterns; nil means DefaultCatalog().
	Catalog []Pattern

	// Stacks, when not nil, has Analyze build the frame tree a flame graph
	// or folded stacks draw (Report.Stacks), bounded by these options.
	Stacks *StackOptions

	// Samples has Analyze lay the profile out on call paths with each
	// function's own value exact (Report.Samples), the form pprof and
	// speedscope files store.
	Samples bool
}

// Report is everything the renderers show about one profile.
type Report struct {
	Profile *parse.Profile
	Sort    Key

	Rows    []Row // ranked, filtered and cut to Options.Top
	Matched int   // rows that passed the filters, before the cut
	Calls   int64 // all calls in the profile; -1 when it has no counts

	Callers []Relation // one per function matching Options.Callers
	Callees []Relation // one per function matching Options.Callees

	Findings []Finding // largest Saving first; never nil
	Loop     *Loop     // nil when the profile holds no event loop

	Stacks  *StackSet // nil unless Options.Stacks asked for it
	Samples *Samples  // nil unless Options.Samples asked for it
}

// Row is one ranked function with the ratios tables show beside it.
type Row struct {
	Func *parse.Func

	// OwnPerCall is own/calls and CumPerCall cum/primitive calls, the
	// ratios pstats prints as "percall"; both are 0 when calls are unknown.
	OwnPerCall, CumPerCall float64

	// OwnShare and CumShare are own and cum as fractions of the total.
	OwnShare, CumShare float64
}

// Relation is one function with the edges to its callers or callees,
// largest cumulative value first.
type Relation struct {
	Func  *parse.Func
	Edges []*parse.Edge
}

// Severity grades a finding by its share of the profile and its cost.
type Severity string

// Severities, worst first.
const (
	High   Severity = "high"
	Medium Severity = "medium"
	Low    Severity = "low"
)

// Finding is one problem with its proof and its fix.
type Finding struct {
	Kind     string // "repeated-setup"
	Pattern  string // catalog ID, or "shape" when found by shape alone
	Severity Severity

	Func     *parse.Func // the outermost function that repeats the work
	CallSite *parse.Func // first caller in the user's own code; nil if none
	Chain    []*parse.Func

	// Cost is the whole finding's, in the profile's unit: Func's calls
	// plus any further roots of the same setup (FactAlsoRan), so PerCall
	// may exceed Func's own per-call cost, which FactRan states.
	Calls   int64   // calls of Func; -1 when the profile has no counts
	Cost    float64 // in the profile's unit
	PerCall float64 // Cost/Calls; 0 when calls are unknown
	Share   float64 // Cost as a fraction of the profile total

	// Saving estimates what doing the work once would save,
	// Cost × (1 − 1/Calls), or Cost when calls are unknown. It is an upper
	// bound: it assumes every call built the same thing. Findings are
	// ranked by it.
	Saving float64

	// Title and Fix are the catalog's words for a catalogued pattern;
	// both are empty for a finding made by shape alone, which render words
	// from its function and call site.
	Title, Fix string

	// Evidence is the proof, in the order it is told.
	Evidence []Fact
}

// Loop is the event-loop budget of a profile and what blocked the loop.
type Loop struct {
	Runtime       string  // "asyncio", "uvloop", ...
	Wall          float64 // seconds under the loop's entry point
	Idle          float64 // seconds waiting in the selector
	Busy          float64 // Wall - Idle
	Steps         int64   // callbacks and task steps run
	MeanStep      float64 // Busy / Steps
	SlowThreshold float64
	Blockers      []Blocker
	Notes         []LoopNote // what could not be measured, and why
}

// Blocker is synchronous work that ran inside loop callbacks.
type Blocker struct {
	Func     *parse.Func
	CallSite *parse.Func // nil when unknown
	Calls    int64
	Cost     float64 // seconds it held the loop
	PerCall  float64

	// WorstCallMin and WorstCallMax bound the longest single call: the
	// mean is a lower bound and the total an upper one.
	WorstCallMin, WorstCallMax float64

	ShareOfBusy  float64
	CallsPerStep float64
	ProbablySlow bool // some step likely exceeded SlowThreshold
	Finding      int  // index into Report.Findings, or -1
	Advice       Advice
}

// Analyze derives a Report from p.
func Analyze(p *parse.Profile, opts Options) *Report {
	r := &Report{Profile: p, Sort: opts.Sort}
	r.Callers = relations(p, opts.Callers, func(f *parse.Func) []*parse.Edge { return f.In })
	r.Callees = relations(p, opts.Callees, func(f *parse.Func) []*parse.Edge { return f.Out })
	lim := opts.Limits
	if lim == nil {
		d := DefaultLimits()
		lim = &d
	}
	catalog := opts.Catalog
	if catalog == nil {
		catalog = builtinCatalog
	}
	rk := newRanking(p, opts)
	ix := newProfileIndex(p, catalog, lim, rk.add)
	r.Rows, r.Matched = rk.result()
	r.Calls = ix.calls
	r.Findings = setup(ix)
	r.Loop = eventLoop(ix, opts.Slow, r.Findings, lim)
	if opts.Stacks != nil {
		r.Stacks = buildStacks(p, *opts.Stacks)
	}
	if opts.Samples {
		r.Samples = samples(p)
	}
	return r
}
