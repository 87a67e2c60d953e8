package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
	"github.com/loopdoctor/loopdoctor/render"
)

const diffUsage = `Usage: loopdoctor diff [flags] BASE NEW

Compares two profiles of the same program, typically before and after a
fix: the change in calls, own and cumulative time of every function
(absolute and as a share of each run's total), largest change first, and
the findings that disappeared, appeared or changed. Functions match by
name, file and line, or by name and file when their line moved.

Examples:
  loopdoctor diff before.prof after.prof
  loopdoctor diff -f markdown before.prof after.prof > fix.md
  loopdoctor diff -f json before.prof after.prof | jq '.functions[:5]'

Flags:
`

// diffCommand runs "loopdoctor diff".
func diffCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("diff", diffUsage, "", stderr)
	format := fs.StringP("format", "f", "table", "output format: table, json or markdown")
	output := fs.StringP("output", "o", "", "write the comparison to this file instead of standard output")
	var opts analyze.Options
	fs.IntVarP(&opts.Top, "top", "n", 20, "changed functions listed in tables (0 for all); JSON lists all")
	sample := fs.String("sample", "", "pprof sample type to compare (default: the profile's default)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return usageError{err.Error()}
	}
	if opts.Top < 0 {
		return usagef("--top must be 0 or more")
	}
	var write func(io.Writer, *analyze.Diff) error
	switch *format {
	case "table", "text":
		write = render.DiffText
	case "json":
		write = render.DiffJSON
	case "markdown", "md":
		write = render.DiffMarkdown
	default:
		return usagef("--format must be table, json or markdown, not %q", *format)
	}
	files := fs.Args()
	if len(files) != 2 {
		return usagef("diff needs two files, BASE and NEW; got %d", len(files))
	}
	if files[0] == "-" && files[1] == "-" {
		return usagef("standard input (\"-\") can be read only once")
	}
	var profiles [2]*parse.Profile
	for i, name := range files {
		p, err := readProfile(name, stdin, parse.Options{SampleType: *sample})
		if err != nil {
			return err
		}
		profiles[i] = p
	}
	d, err := analyze.Compare(profiles[0], profiles[1], opts)
	if err != nil {
		return err
	}
	return writeOutput(*output, stdout, func(w io.Writer) error { return write(w, d) })
}

// writeOutput runs write on the named file ("" or "-" is stdout) and
// reports an error closing it, which can be the only sign of a full disk.
func writeOutput(name string, stdout io.Writer, write func(io.Writer) error) error {
	if name == "" || name == "-" {
		return write(stdout)
	}
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", name, err)
	}
	return f.Close()
}
