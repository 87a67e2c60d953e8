package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
	"github.com/loopdoctor/loopdoctor/render"
)

// flagGroup is a set of related flags; each command lists the groups it
// takes, and each group is declared and checked once, here.
type flagGroup uint

const (
	outputFlags    flagGroup = 1 << iota // --format (convert: --to), --output
	sampleFlag                           // --sample, --max-frames
	topFlag                              // --top
	rankFlags                            // --sort, --focus, --ignore, --callers, --callees
	loopFlag                             // --slow
	gateFlags                            // --fail-on, --fail-on-share
	mergeFlag                            // --merge
	flameFlags                           // --width, --title, --min-width, --frame-budget, --inverted
	diffFlameFlags                       // --base-shape, --normalize
)

// settings are a command's parsed and checked flags and arguments.
type settings struct {
	cmd         *command
	format      *format
	output      string // "" is standard output
	sample      string
	maxFrames   int
	merge       bool
	opts        analyze.Options
	flame       render.FlameOptions
	baseShape   bool // diff graphs: draw BASE's frames
	normalize   bool // diff graphs: scale BASE to NEW's total
	failOn      analyze.Severity
	failOnShare float64
	files       []string
	reports     int // how many reports will be written
}

// parseFlags declares the flags of cmd's groups, parses args and checks
// them. It returns pflag.ErrHelp after printing help for -h.
func parseFlags(cmd *command, args []string, stdout, stderr io.Writer) (*settings, error) {
	fs := pflag.NewFlagSet(cmd.name, pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.SortFlags = true
	fs.Usage = func() { printHelp(stdout, cmd, fs) }
	s := &settings{cmd: cmd}
	v := declare(fs, cmd, s)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil, err
		}
		return nil, usageError{cmd.name + ": " + err.Error()}
	}
	s.files = fs.Args()
	if err := v.check(fs, s); err != nil {
		return nil, err
	}
	return s, nil
}

// printHelp writes cmd's help: its text, its flags and the exit status.
func printHelp(w io.Writer, cmd *command, fs *pflag.FlagSet) {
	fmt.Fprintf(w, "Usage: loopdoctor %s %s\n\n%s", cmd.name, cmd.args, cmd.help)
	if fs.HasFlags() {
		fmt.Fprintf(w, "\nFlags:\n%s", fs.FlagUsages())
	}
	fmt.Fprintf(w, "\n%s", exitStatusHelp)
}

// rawFlags holds what flags parse into before they are checked.
type rawFlags struct {
	format, sort, focus, ignore, callers, callees, failOn string
	slow                                                  time.Duration
}

// declare adds the flags of cmd's groups to fs, bound to s or to the
// returned raw values that check turns into settings.
func declare(fs *pflag.FlagSet, cmd *command, s *settings) *rawFlags {
	var v rawFlags
	g := cmd.flags
	if g&outputFlags != 0 {
		help := "output format: " + formatList(cmd.name, true)
		if cmd.formatFlag == "to" {
			fs.StringVar(&v.format, "to", "", help+" (required)")
		} else {
			fs.StringVarP(&v.format, "format", "f", cmd.format, help)
		}
		fs.StringVarP(&s.output, "output", "o", "", "write to this file instead of standard output; it is replaced only once the output is complete")
	}
	if g&sampleFlag != 0 {
		fs.StringVar(&s.sample, "sample", "", "pprof sample type to read, e.g. cpu, alloc_space (default: the profile's default)")
		fs.IntVar(&s.maxFrames, "max-frames", parse.DefaultMaxFrames, "most frames a pprof profile's samples may expand to in all (stack depth summed over samples)")
	}
	if g&topFlag != 0 {
		fs.IntVarP(&s.opts.Top, "top", "n", 20, "rows in each table (0 for all)")
	}
	if g&rankFlags != 0 {
		fs.StringVarP(&v.sort, "sort", "s", "cum", "rank functions by: "+strings.Join(analyze.KeyNames(), ", "))
		fs.StringVar(&v.focus, "focus", "", "list only functions whose file:line(name) matches this regular expression")
		fs.StringVar(&v.ignore, "ignore", "", "leave out functions whose file:line(name) matches this regular expression")
		fs.StringVar(&v.callers, "callers", "", "list the callers of functions matching this regular expression")
		fs.StringVar(&v.callees, "callees", "", "list the callees of functions matching this regular expression")
	}
	if g&loopFlag != 0 {
		fs.DurationVar(&v.slow, "slow", 100*time.Millisecond, "asyncio's slow-callback threshold")
	}
	if g&gateFlags != 0 {
		fs.StringVar(&v.failOn, "fail-on", "", "exit 3 when a finding of this severity or worse exists: high, medium or low")
		fs.Float64Var(&s.failOnShare, "fail-on-share", 0, "exit 3 when a finding costs at least this share of the total (0 to 1)")
	}
	if g&mergeFlag != 0 {
		boolFlag(fs, &s.merge, "merge", "read all FILEs as one run of the same program, summed as pstats.Stats.add does")
	}
	if g&flameFlags != 0 {
		fs.IntVar(&s.flame.Width, "width", 1200, "flame graph: image width in pixels")
		fs.StringVar(&s.flame.Title, "title", "", "flame graph: title (default: derived from the file name)")
		fs.Float64Var(&s.flame.MinWidth, "min-width", 0.1, `flame graph: call paths narrower than this many pixels merge into an "other" frame under their caller`)
		fs.IntVar(&s.flame.MaxFrames, "frame-budget", render.DefaultMaxFrames, `flame graph: most frames drawn; past it the narrowest call paths merge into "other" frames`)
		boolFlag(fs, &s.flame.Inverted, "inverted", "flame graph: draw an icicle graph, root at the top")
	}
	if g&diffFlameFlags != 0 {
		boolFlag(fs, &s.baseShape, "base-shape", "differential flame graph: draw BASE's frames, vanished ones included, instead of NEW's")
		boolFlag(fs, &s.normalize, "normalize", "differential flame graph: scale BASE to NEW's total before comparing")
	}
	return &v
}

// check validates the raw flags and the arguments and completes s.
func (v *rawFlags) check(fs *pflag.FlagSet, s *settings) error {
	cmd := s.cmd
	g := cmd.flags
	if g&outputFlags != 0 {
		if err := s.checkFormat(v.format); err != nil {
			return err
		}
		if s.output == "-" {
			s.output = ""
		}
	}
	if s.opts.Top < 0 {
		return usagef("--top must be 0 or more")
	}
	if g&rankFlags != 0 {
		var err error
		if s.opts.Sort, err = analyze.ParseKey(v.sort); err != nil {
			return usagef("--sort: %v", err)
		}
		if s.format.name == "markdown" && !fs.Changed("top") {
			s.opts.Top = 50 // the Markdown report collapses all but the first rows
		}
		for _, re := range []struct {
			flag, expr string
			dst        **regexp.Regexp
		}{{"--focus", v.focus, &s.opts.Focus}, {"--ignore", v.ignore, &s.opts.Ignore}, {"--callers", v.callers, &s.opts.Callers}, {"--callees", v.callees, &s.opts.Callees}} {
			if re.expr == "" {
				continue
			}
			if *re.dst, err = regexp.Compile(re.expr); err != nil {
				return usagef("%s: %v", re.flag, err)
			}
		}
	}
	if g&loopFlag != 0 {
		if v.slow <= 0 {
			return usagef("--slow must be positive")
		}
		s.opts.Slow = v.slow.Seconds()
	}
	if g&gateFlags != 0 {
		switch sev := analyze.Severity(v.failOn); sev {
		case "", analyze.High, analyze.Medium, analyze.Low:
			s.failOn = sev
		default:
			return usagef("--fail-on must be high, medium or low, not %q", v.failOn)
		}
		if s.failOnShare < 0 || s.failOnShare > 1 {
			return usagef("--fail-on-share must be in [0, 1]")
		}
	}
	if g&flameFlags != 0 {
		if s.flame.Width < 200 {
			return usagef("--width must be at least 200 pixels")
		}
		if s.flame.MinWidth < 0 {
			return usagef("--min-width must be 0 or more")
		}
		if s.flame.MaxFrames < 1 {
			return usagef("--frame-budget must be 1 or more")
		}
	}
	if s.format != nil && s.format.computes != nil {
		s.format.computes(&s.opts, s)
	}
	return s.checkFiles()
}

// checkFormat resolves the format flag against the formats cmd offers.
func (s *settings) checkFormat(name string) error {
	cmd := s.cmd
	flag := "--format"
	if cmd.formatFlag == "to" {
		flag = "--to"
		if name == "" {
			return usagef("%s needs --to %s", cmd.name, formatList(cmd.name, false))
		}
	}
	f, ok := lookupFormat(cmd.name, name)
	if !ok {
		return usagef("%s: %s must be %s, not %q", cmd.name, flag, formatList(cmd.name, false), name)
	}
	s.format = f
	return nil
}

// checkFiles checks the number of FILE arguments and counts the reports
// they make.
func (s *settings) checkFiles() error {
	cmd, n := s.cmd, len(s.files)
	switch {
	case n == 0:
		return usagef("%s needs %s (\"-\" reads standard input)", cmd.name, cmd.fileWords)
	case n < cmd.minFiles || cmd.maxFiles > 0 && n > cmd.maxFiles:
		return usagef("%s needs %s; got %d", cmd.name, cmd.fileWords, n)
	}
	if i := slices.Index(s.files, "-"); i >= 0 && slices.Contains(s.files[i+1:], "-") {
		return usagef("standard input (\"-\") can be read only once")
	}
	if name := overwrittenInput(s.output, s.files); name != "" {
		return usagef("%s: -o %s would replace the input %s", cmd.name, s.output, name)
	}
	s.reports = n
	if s.merge || cmd.name == "diff" {
		s.reports = 1
	}
	if s.format != nil && s.format.oneReport && s.reports > 1 {
		return usagef("%s: %s draws one profile: give one FILE, or --merge to read several as one", cmd.name, s.format.name)
	}
	return nil
}

// overwrittenInput returns the input that output names, by any path or
// link, or "": a report written over its own dump would destroy it.
func overwrittenInput(output string, files []string) string {
	if output == "" {
		return ""
	}
	out, err := os.Stat(output)
	if err != nil {
		return ""
	}
	for _, f := range files {
		if in, err := os.Stat(f); err == nil && os.SameFile(in, out) {
			return f
		}
	}
	return ""
}

// boolFlag declares a flag that is on when given. pflag prints its own
// bool flags as "--name[=true|false]"; this value says "bool" without
// claiming to be one, so help shows plain "--name", and NoOptDefVal still
// lets it stand alone.
func boolFlag(fs *pflag.FlagSet, p *bool, name, usage string) {
	fs.VarPF((*switchValue)(p), name, "", usage).NoOptDefVal = "true"
}

type switchValue bool

func (b *switchValue) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	*b = switchValue(v)
	return nil
}

func (b *switchValue) String() string { return strconv.FormatBool(bool(*b)) }
func (b *switchValue) Type() string   { return "bool" }
