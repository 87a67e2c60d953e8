package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
	"github.com/loopdoctor/loopdoctor/render"
)

const version = "0.1.0"

// usageError marks mistakes in the command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// gateError reports a --fail-on gate that tripped (exit status 3).
type gateError struct{ msg string }

func (e gateError) Error() string { return e.msg }

// errReported means every problem was already printed on stderr; the
// command exits 1 without printing more.
var errReported = errors.New("input errors reported")

const mainUsage = `loopdoctor reads Python cProfile/pstats dumps and pprof profiles and tells
you what is slow and why: repeated expensive setup, what blocked the event
loop, and where the time went.

Usage:
  loopdoctor analyze [flags] FILE...   report on one or more profiles
  loopdoctor flamegraph FILE -o F.svg  draw an interactive flame graph
  loopdoctor diff [flags] BASE NEW     compare two profiles (before/after a fix)
  loopdoctor convert --to FORMAT FILE  write a profile as pprof, speedscope or folded
  loopdoctor version                   print the version
  loopdoctor help [command]            show help

Examples:
  loopdoctor analyze dump.prof
  loopdoctor analyze -f json dump.prof | jq '.findings[0].title'
  loopdoctor analyze -f markdown dump.prof > issue.md
  loopdoctor flamegraph dump.prof -o flame.svg
  ssh host cat /tmp/dump.prof | loopdoctor analyze -

Exit status: 0 success, 1 an input could not be read, 2 usage error,
3 a --fail-on gate tripped.
`

// run is the whole command; main only maps its error to an exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, mainUsage)
		return usagef("no command given")
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "analyze":
		return analyzeCommand(rest, stdin, stdout, stderr)
	case "flamegraph":
		if slices.Contains(rest, "-h") || slices.Contains(rest, "--help") {
			fmt.Fprint(stdout, flamegraphUsage)
			return nil
		}
		return analyzeCommand(append([]string{"--format", "svg"}, rest...), stdin, stdout, stderr)
	case "diff":
		return diffCommand(rest, stdin, stdout, stderr)
	case "convert":
		return convertCommand(rest, stdin, stdout, stderr)
	case "version", "--version":
		fmt.Fprintf(stdout, "loopdoctor %s (%s)\n", version, runtime.Version())
		return nil
	case "help", "-h", "--help":
		if len(rest) > 0 && slices.Contains([]string{"analyze", "flamegraph", "diff", "convert"}, rest[0]) {
			return run([]string{rest[0], "--help"}, stdin, stdout, stderr)
		}
		fmt.Fprint(stdout, mainUsage)
		return nil
	default:
		if _, err := os.Stat(cmd); err == nil {
			return usagef("unknown command %q; to analyze that file run: loopdoctor analyze %s", cmd, cmd)
		}
		return usagef("unknown command %q", cmd)
	}
}

const flamegraphUsage = `Usage: loopdoctor flamegraph [flags] FILE -o flame.svg

Writes an interactive flame graph of FILE as one self-contained SVG: hover
a frame for its numbers, click to zoom, search with a regular expression.
pprof stacks are exact; pstats stacks are rebuilt from one-level caller
edges, and frames whose width is an estimate are drawn pale. Frames of
repeated-setup findings are outlined.

It is short for "loopdoctor analyze --format svg" and takes the same flags,
among them --width, --title, --min-width, --inverted, --sample and --merge.

Examples:
  loopdoctor flamegraph dump.prof -o flame.svg
  loopdoctor flamegraph --inverted --width 1600 cpu.pb.gz -o icicle.svg
`

const analyzeUsage = `Usage: loopdoctor analyze [flags] FILE...

Reads each FILE (a pstats dump from cProfile, profile or yappi, or a pprof
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

Flags:
`

// analyzeFlags holds the parsed and validated flags of "analyze".
type analyzeFlags struct {
	format      string
	output      string
	opts        analyze.Options
	sample      string
	failOn      analyze.Severity
	failOnShare float64
	merge       bool
	flame       render.FlameOptions
}

func analyzeCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	af, files, err := parseAnalyzeFlags(args, stderr)
	if err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return err
	}
	outputs := len(files)
	if af.merge {
		outputs = 1
	}
	write, err := formatter(af.format, outputs, af.flame)
	if err != nil {
		return err
	}
	bar := newProgress(stderr, len(files), isTerminal(stderr))
	reports := analyzeFiles(files, stdin, af, bar)
	bar.clear()
	if af.merge {
		files, reports = mergeResults(files, reports, af.opts)
	}

	out := stdout
	if af.output != "" && af.output != "-" {
		f, err := os.Create(af.output)
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	failed := false
	var gate error
	for i, res := range reports {
		if res.err != nil {
			failed = true
			fmt.Fprintf(stderr, "loopdoctor: %v\n", res.err)
			if af.format == "json" && len(files) > 1 {
				if err := render.JSONError(out, files[i], res.err); err != nil {
					return err
				}
			}
			continue
		}
		if i > 0 && af.format != "json" { // a blank line also ends Markdown's <details> block
			fmt.Fprintln(out)
		}
		if err := write(out, res.report); err != nil {
			return fmt.Errorf("%s: %w", files[i], err)
		}
		if gate == nil {
			gate = checkGates(res.report, af)
		}
	}
	if f, ok := out.(*os.File); ok && out != stdout {
		if err := f.Close(); err != nil {
			return err
		}
	}
	if failed {
		return errReported
	}
	return gate
}

func parseAnalyzeFlags(args []string, stderr io.Writer) (*analyzeFlags, []string, error) {
	fs := newFlagSet("analyze", analyzeUsage, "\nExit status: 0 success, 1 an input could not be read, 2 usage error,\n3 a --fail-on gate tripped.\n", stderr)
	var af analyzeFlags
	fs.StringVarP(&af.format, "format", "f", "table", "output format: table, json, markdown, svg (flame graph), png (flame graph picture) or folded (stacks)")
	fs.StringVarP(&af.output, "output", "o", "", "write the report to this file instead of standard output")
	sortKey := fs.StringP("sort", "s", "cum", "rank functions by: "+strings.Join(analyze.KeyNames(), ", "))
	fs.IntVarP(&af.opts.Top, "top", "n", 20, "rows in the function table (0 for all)")
	focus := fs.String("focus", "", "list only functions whose file:line(name) matches this regular expression")
	ignore := fs.String("ignore", "", "leave out functions whose file:line(name) matches this regular expression")
	callers := fs.String("callers", "", "list the callers of functions matching this regular expression")
	callees := fs.String("callees", "", "list the callees of functions matching this regular expression")
	fs.StringVar(&af.sample, "sample", "", "pprof sample type to report (default: the profile's default)")
	slow := fs.Duration("slow", 100*time.Millisecond, "asyncio's slow-callback threshold")
	failOn := fs.String("fail-on", "", "exit 3 when a finding of this severity or worse exists: high, medium or low")
	fs.Float64Var(&af.failOnShare, "fail-on-share", 0, "exit 3 when a finding costs at least this share of the total (0 to 1)")
	fs.IntVar(&af.flame.Width, "width", 1200, "svg: image width in pixels")
	fs.StringVar(&af.flame.Title, "title", "", "svg: title (default: derived from the file name)")
	fs.Float64Var(&af.flame.MinWidth, "min-width", 0.1, "svg: frames narrower than this many pixels are merged into their parent")
	fs.BoolVar(&af.flame.Inverted, "inverted", false, "svg: draw an icicle graph, root at the top")
	fs.BoolVar(&af.merge, "merge", false, "analyze all FILEs as one run of the same program, summing them as pstats.Stats.add does")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil, nil, err
		}
		return nil, nil, usageError{err.Error()}
	}

	var err error
	if af.opts.Sort, err = analyze.ParseKey(*sortKey); err != nil {
		return nil, nil, usagef("--sort: %v", err)
	}
	if (af.format == "markdown" || af.format == "md") && !fs.Changed("top") {
		af.opts.Top = 50 // the Markdown report collapses all but the first rows
	}
	if af.opts.Top < 0 {
		return nil, nil, usagef("--top must be 0 or more")
	}
	for _, re := range []struct {
		flag, expr string
		dst        **regexp.Regexp
	}{{"--focus", *focus, &af.opts.Focus}, {"--ignore", *ignore, &af.opts.Ignore}, {"--callers", *callers, &af.opts.Callers}, {"--callees", *callees, &af.opts.Callees}} {
		if re.expr == "" {
			continue
		}
		if *re.dst, err = regexp.Compile(re.expr); err != nil {
			return nil, nil, usagef("%s: %v", re.flag, err)
		}
	}
	if *slow <= 0 {
		return nil, nil, usagef("--slow must be positive")
	}
	af.opts.Slow = slow.Seconds()
	switch s := analyze.Severity(*failOn); s {
	case "", analyze.High, analyze.Medium, analyze.Low:
		af.failOn = s
	default:
		return nil, nil, usagef("--fail-on must be high, medium or low, not %q", *failOn)
	}
	if af.flame.Width < 200 {
		return nil, nil, usagef("--width must be at least 200 pixels")
	}
	if af.flame.MinWidth < 0 {
		return nil, nil, usagef("--min-width must be 0 or more")
	}
	if af.failOnShare < 0 || af.failOnShare > 1 {
		return nil, nil, usagef("--fail-on-share must be in [0, 1]")
	}
	switch af.format { // the stacks the drawing formats lay out
	case "svg", "png":
		so := af.flame.StackOptions()
		af.opts.Stacks = &so
	case "folded":
		af.opts.Stacks = &analyze.StackOptions{}
	}
	files := fs.Args()
	if len(files) == 0 {
		return nil, nil, usagef("analyze needs at least one FILE (\"-\" reads standard input)")
	}
	if i := slices.Index(files, "-"); i >= 0 && slices.Contains(files[i+1:], "-") {
		return nil, nil, usagef("standard input (\"-\") can be read only once")
	}
	return &af, files, nil
}

// newFlagSet makes a subcommand's flag set: errors and help go to stderr,
// help being head, the flags, then tail.
func newFlagSet(name, head, tail string, stderr io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, head)
		fs.PrintDefaults()
		fmt.Fprint(stderr, tail)
	}
	return fs
}

// formatter resolves --format once, before any file is read. outputs is
// the number of reports that will be written.
func formatter(name string, outputs int, flame render.FlameOptions) (func(io.Writer, *analyze.Report) error, error) {
	switch name {
	case "table", "text":
		return render.Text, nil
	case "json":
		if outputs > 1 {
			return render.JSONLine, nil
		}
		return render.JSON, nil
	case "markdown", "md":
		return render.Markdown, nil
	case "folded":
		return render.Folded, nil
	case "svg":
		if outputs > 1 {
			return nil, usagef("--format svg draws one profile: give one FILE, or --merge to draw several as one")
		}
		return func(w io.Writer, r *analyze.Report) error { return render.Flame(w, r, flame) }, nil
	case "png":
		if outputs > 1 {
			return nil, usagef("--format png draws one profile: give one FILE, or --merge to draw several as one")
		}
		return func(w io.Writer, r *analyze.Report) error { return render.PNG(w, r, flame) }, nil
	}
	return nil, usagef("--format must be table, json, markdown, svg, png or folded, not %q", name)
}

type result struct {
	report  *analyze.Report
	profile *parse.Profile // with --merge: read, not yet analyzed
	err     error
}

// analyzeFiles reads and analyzes every file, at most one per CPU at a
// time, and returns the results in the order given.
func analyzeFiles(files []string, stdin io.Reader, af *analyzeFlags, bar *progress) []result {
	results := make([]result, len(files))
	sem := make(chan struct{}, runtime.NumCPU())
	var wg sync.WaitGroup
	for i, name := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { bar.step(name); <-sem; wg.Done() }()
			p, err := readProfile(name, stdin, parse.Options{SampleType: af.sample})
			if err != nil {
				results[i].err = err
				return
			}
			if af.merge {
				results[i].profile = p // analyzed once merged
				return
			}
			results[i].report = analyze.Analyze(p, af.opts)
		}()
	}
	wg.Wait()
	return results
}

func readProfile(name string, stdin io.Reader, opts parse.Options) (*parse.Profile, error) {
	if name == "-" {
		return parse.Read(stdin, name, opts)
	}
	return parse.File(name, opts)
}

var severityRank = map[analyze.Severity]int{analyze.High: 3, analyze.Medium: 2, analyze.Low: 1}

// checkGates returns a gateError when the report trips --fail-on or
// --fail-on-share.
func checkGates(r *analyze.Report, af *analyzeFlags) error {
	for _, f := range r.Findings {
		if af.failOn != "" && severityRank[f.Severity] >= severityRank[af.failOn] {
			return gateError{fmt.Sprintf("%s: %s finding: %s (--fail-on %s)", r.Profile.Source, f.Severity, f.Title, af.failOn)}
		}
		if af.failOnShare > 0 && f.Share >= af.failOnShare {
			return gateError{fmt.Sprintf("%s: finding costs %s of the total: %s (--fail-on-share %g)", r.Profile.Source, render.Percent(f.Share), f.Title, af.failOnShare)}
		}
	}
	return nil
}
