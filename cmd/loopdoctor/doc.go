// Command loopdoctor reads profile dumps and tells you what is slow and why.
//
// Usage:
//
//	loopdoctor analyze [flags] FILE...
//	loopdoctor flamegraph [flags] FILE
//	loopdoctor diff [flags] BASE NEW
//	loopdoctor convert --to pprof|speedscope|folded [flags] FILE
//	loopdoctor version
//	loopdoctor help [command]
//
// analyze reads each FILE — a Python pstats dump (cProfile, the profile
// module, yappi, Python 2, merged dumps) or a pprof profile, detected from
// its content; "-" is standard input — and writes, verdict first:
//
//  1. repeated expensive setup: work redone on every call that could be
//     built once, with its proof, its cost and the line in your code where
//     the fix goes;
//  2. the event loop's budget and the synchronous work that blocked it;
//  3. the functions that cost the most (--sort, --top, --focus, --ignore),
//     and their callers or callees (--callers, --callees).
//
// --format json writes every function, edge and finding exactly as
// recorded (one document per line when several files are given);
// --format markdown writes a report to paste into an issue; --merge
// analyzes all FILEs as one run.
//
// flamegraph draws FILE as an interactive SVG flame graph. diff compares
// two runs of one program: each function's change in calls, own and
// cumulative time, and the findings that disappeared, appeared or changed.
// convert writes a profile as pprof, speedscope or folded stacks.
//
// Exit status: 0 success; 1 an input could not be read (each such file
// gets one line on standard error, and the others are still reported);
// 2 usage error; 3 a --fail-on or --fail-on-share gate tripped; 4 the
// output could not be written (an -o file is replaced only once complete).
//
// All logic lives in run, which tests call in-process; main only maps the
// returned error to an exit status. The subcommands are a table
// (commands.go) over shared flag groups (flags.go), one registry of output
// formats (formats.go) and one output path (output.go).
package main
