// Package analyze derives what a reader of a profile wants to know from the
// call graph that package parse recorded. Analyze runs the stages in order:
//
//  1. Rank functions by the chosen key (cumulative, own, calls, per-call
//     costs), after the --focus and --ignore filters, and cut to --top.
//  2. Collect the callers or callees of functions matching a pattern, with
//     the numbers recorded on each edge, as pstats' print_callers does.
//  3. Find repeated expensive setup: work redone on every call that could
//     be built once (Setup).
//  4. Measure the event loop, when the profile holds one, and rank the
//     synchronous work that blocked it (EventLoop).
//  5. When Options ask for them, build the frame tree flame graphs and
//     folded stacks draw (Report.Stacks) and the call paths pprof and
//     speedscope files store (Report.Samples).
//
// Everything a renderer needs is in the returned *Report; renderers never
// look at the parse package's data except through it.
package analyze
