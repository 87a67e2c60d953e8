// Package render writes an *analyze.Report for people and for programs.
// Each format is a function of the form func(io.Writer, *analyze.Report)
// error (the flame graph takes its options too), chosen once by the
// command line before any work starts:
//
//   - Text: the terminal report, laid out for 80 columns, verdict first
//     (findings, event loop), listing last;
//   - JSON and JSONLine: every function, edge, finding and the loop budget,
//     numbers exactly as recorded, deterministic;
//   - Flame: a self-contained interactive SVG flame graph of
//     Report.Stacks (recorded, or rebuilt from pstats edges);
//   - PNG: the same flame graph as a picture for issues and chats, drawn
//     in pure Go with an embedded font;
//   - HTML: one self-contained page with the verdict, the flame graph, a
//     sortable and filterable table of every function and a view of any
//     function's callers and callees;
//   - Folded: the same stacks as folded lines with integer values, for
//     flamegraph.pl, inferno and speedscope;
//   - Markdown: the same verdict-first report as GitHub-flavored Markdown to
//     paste into an issue, long parts collapsed in <details> blocks;
//   - DiffText, DiffMarkdown and DiffJSON: an *analyze.Diff of two runs;
//     DiffFlame, DiffPNG and DiffHTML draw its Stacks as a differential
//     flame graph, coloured by the change in each frame;
//   - Pprof and Speedscope: Report.Samples (recorded stacks, or
//     reconstructed ones with exact own values) for other tools.
//
// Renderers read only analyze types and never change them, and call no
// analyze function: what a format draws (stacks, samples) is computed by
// analyze when its Options ask for it. Locations are named by package
// internal/location, as analyze names them.
package render
