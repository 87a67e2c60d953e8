package main

import "io"

// command is one subcommand: its help, the flags it takes, how many FILEs
// and what it does with them once its flags are parsed and checked.
type command struct {
	name, args string // "analyze", "[flags] FILE..."
	summary    string // one line in the main help
	help       string // the help text between the usage line and the flags
	flags      flagGroup
	format     string // the default --format
	formatFlag string // "to" when the format flag is --to (convert)

	minFiles, maxFiles int    // maxFiles 0 is no limit
	fileWords          string // "at least one FILE", for errors

	run func(s *settings, stdin io.Reader, stdout, stderr io.Writer) error
}

// commands lists the subcommands in the order the main help shows them.
var commands = []*command{
	{
		name: "analyze", args: "[flags] FILE...", summary: "report on one or more profiles",
		help:     analyzeHelp,
		flags:    outputFlags | sampleFlag | topFlag | rankFlags | loopFlag | gateFlags | mergeFlag | flameFlags,
		format:   "table",
		minFiles: 1, fileWords: "at least one FILE",
		run: analyzeCommand,
	},
	{
		name: "flamegraph", args: "[flags] FILE", summary: "draw an interactive flame graph",
		help:     flamegraphHelp,
		flags:    outputFlags | sampleFlag | mergeFlag | flameFlags,
		format:   "svg",
		minFiles: 1, fileWords: "a FILE to draw",
		run: analyzeCommand,
	},
	{
		name: "diff", args: "[flags] BASE NEW", summary: "compare two profiles (before/after a fix)",
		help:     diffHelp,
		flags:    outputFlags | sampleFlag | topFlag | flameFlags | diffFlameFlags,
		format:   "table",
		minFiles: 2, maxFiles: 2, fileWords: "two files, BASE and NEW",
		run: diffCommand,
	},
	{
		name: "convert", args: "--to FORMAT [flags] FILE", summary: "write a profile as pprof, speedscope or folded",
		help:       convertHelp,
		flags:      outputFlags | sampleFlag,
		formatFlag: "to",
		minFiles:   1, maxFiles: 1, fileWords: "one FILE",
		run: analyzeCommand,
	},
}

// lookupCommand finds a subcommand by name.
func lookupCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

const exitStatusHelp = `Exit status: 0 success, 1 an input could not be read, 2 usage error,
3 a --fail-on gate tripped, 4 the output could not be written.
`

const analyzeHelp = `Reads each FILE (a pstats dump from cProfile, profile or yappi, or a pprof
profile; "-" is standard input; the format is detected from the content)
and reports repeated expensive setup, the event-loop budget and the
functions that cost the most.

Examples:
  loopdoctor analyze dump.prof
  loopdoctor analyze --sort own --top 40 dump.prof
  loopdoctor analyze --callers 'yacc' dump.prof
  loopdoctor analyze --focus 'myapp/' --ignore 'test_' dump.prof
  loopdoctor analyze --sample alloc_space heap.pb.gz
  loopdoctor analyze -f json *.prof > reports.ndjson
  loopdoctor analyze --merge worker-*.prof      # one report for all dumps
  loopdoctor analyze --fail-on high dump.prof    # exit 3 on a high finding
`

const flamegraphHelp = `Draws an interactive flame graph of FILE as one self-contained SVG: hover
a frame for its numbers, click to zoom, search with a regular expression.
pprof stacks are exact; pstats stacks are rebuilt from one-level caller
edges, and frames whose width is an estimate are drawn pale. Frames of
repeated-setup findings are outlined. A graph is not for a terminal: name
a file with -o or redirect standard output.

Examples:
  loopdoctor flamegraph dump.prof -o flame.svg
  loopdoctor flamegraph --inverted --width 1600 cpu.pb.gz -o icicle.svg
  loopdoctor flamegraph --merge worker-*.prof > all.svg
`

const diffHelp = `Compares two profiles of the same program, typically before and after a
fix: the change in calls, own and cumulative time of every function
(absolute and as a share of each run's total), largest change first, and
the findings that disappeared, appeared or changed. Functions match by
name, file and line, or by name and file when their line moved.

Examples:
  loopdoctor diff before.prof after.prof
  loopdoctor diff -f markdown before.prof after.prof > fix.md
  loopdoctor diff -f json before.prof after.prof | jq '.functions[:5]'
  loopdoctor diff -f svg before.prof after.prof -o change.svg

With -f svg, png or html it draws a differential flame graph: NEW's frames
(BASE's with --base-shape, so vanished paths stay visible) coloured by the
change in each frame's value, red where it grew and blue where it shrank.
Values are compared as recorded unless --normalize scales BASE to NEW's
total.
`

const convertHelp = `Writes FILE (pstats or pprof; "-" is standard input) in another format:

  pprof       gzipped protobuf for go tool pprof, Pyroscope, Parca
  speedscope  JSON for https://www.speedscope.app
  folded      "root;caller;callee value" lines for flamegraph.pl and inferno

pstats dumps record only caller→callee pairs, so their call paths are
reconstructed: each function's own time is exact, the paths deeper than
two levels are estimates, and the output's comments say so.

Examples:
  loopdoctor convert --to pprof dump.prof -o dump.pb.gz && go tool pprof -http : dump.pb.gz
  loopdoctor convert --to speedscope dump.prof -o dump.speedscope.json
`
