package main

import (
	"errors"
	"io"

	"github.com/spf13/pflag"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
	"github.com/loopdoctor/loopdoctor/render"
)

const convertUsage = `Usage: loopdoctor convert --to pprof|speedscope|folded [flags] FILE

Writes FILE (pstats or pprof; "-" is standard input) in another format:

  pprof       gzipped protobuf for go tool pprof, Pyroscope, Parca
  speedscope  JSON for https://www.speedscope.app
  folded      "root;caller;callee value" lines for flamegraph.pl and inferno

pstats dumps record only caller→callee pairs, so their call paths are
reconstructed: each function's own time is exact, the paths deeper than
two levels are estimates, and the output's comments say so.

Examples:
  loopdoctor convert --to pprof dump.prof -o dump.pb.gz && go tool pprof -http : dump.pb.gz
  loopdoctor convert --to speedscope dump.prof -o dump.speedscope.json

Flags:
`

// convertCommand runs "loopdoctor convert".
func convertCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("convert", convertUsage, "", stderr)
	to := fs.String("to", "", "output format: pprof, speedscope or folded (required)")
	output := fs.StringP("output", "o", "", "write to this file instead of standard output")
	sample := fs.String("sample", "", "pprof sample type to convert (default: the profile's default)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return usageError{err.Error()}
	}
	var write func(io.Writer, *analyze.Report) error
	var opts analyze.Options
	switch *to {
	case "pprof":
		write, opts.Samples = render.Pprof, true
		if (*output == "" || *output == "-") && isTerminal(stdout) {
			return usagef("--to pprof writes binary data; name a file with -o")
		}
	case "speedscope":
		write, opts.Samples = render.Speedscope, true
	case "folded":
		write, opts.Stacks = render.Folded, &analyze.StackOptions{}
	case "":
		return usagef("convert needs --to pprof, speedscope or folded")
	default:
		return usagef("--to must be pprof, speedscope or folded, not %q", *to)
	}
	if fs.NArg() != 1 {
		return usagef("convert needs one FILE; got %d", fs.NArg())
	}
	p, err := readProfile(fs.Arg(0), stdin, parse.Options{SampleType: *sample})
	if err != nil {
		return err
	}
	r := analyze.Analyze(p, opts)
	return writeOutput(*output, stdout, func(w io.Writer) error { return write(w, r) })
}
