package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/render"
)

// format is one output format: the renderer for each kind of result it
// can lay out, and which commands offer it. Adding a format is adding an
// entry to formats; the flags' help and the errors are derived from it.
type format struct {
	name     string
	aliases  []string
	what     string   // said after the name in the flag's help, e.g. "flame graph"
	commands []string // the commands whose --format (convert: --to) accepts it

	// report lays out one analyzed profile (analyze, flamegraph, convert);
	// diff lays out a comparison (diff). A format has either or both.
	report func(w io.Writer, r *analyze.Report, s *settings) error
	diff   func(w io.Writer, d *analyze.Diff, s *settings) error
	// failure, when set, writes an input that could not be read as a
	// document of its own, so a consumer of several reports sees it in
	// place; the message is on standard error either way.
	failure func(w io.Writer, source string, err error) error
	// computes, when set, asks the analysis for what the format lays out
	// beyond the report every format gets (stacks, samples).
	computes func(o *analyze.Options, s *settings)

	lines     bool // several reports are one per line, with no blank line between
	oneReport bool // draws a single profile: several FILEs need --merge
	// noTerminal marks binary or graphic output, which is refused on a
	// terminal: it would only flood it.
	noTerminal bool
}

// formats lists every output format, in the order help lists them.
var formats = []*format{
	{
		name: "table", aliases: []string{"text"}, commands: []string{"analyze", "diff"},
		report: plain(render.Text), diff: plain(render.DiffText),
	},
	{
		name: "json", commands: []string{"analyze", "diff"},
		report: func(w io.Writer, r *analyze.Report, s *settings) error {
			if s.reports > 1 {
				return render.JSONLine(w, r)
			}
			return render.JSON(w, r)
		},
		diff:    plain(render.DiffJSON),
		failure: render.JSONError,
		lines:   true,
	},
	{
		name: "markdown", aliases: []string{"md"}, commands: []string{"analyze", "diff"},
		report: plain(render.Markdown), diff: plain(render.DiffMarkdown),
	},
	drawing("html", "interactive report", []string{"analyze", "diff"}, render.HTML, render.DiffHTML),
	drawing("svg", "flame graph", []string{"analyze", "flamegraph", "diff"}, render.Flame, render.DiffFlame),
	drawing("png", "flame graph picture", []string{"analyze", "flamegraph", "diff"}, render.PNG, render.DiffPNG),
	{
		name: "pprof", what: "gzipped protobuf", commands: []string{"convert"},
		report:    plain(render.Pprof),
		computes:  func(o *analyze.Options, _ *settings) { o.Samples = true },
		oneReport: true, noTerminal: true,
	},
	{
		name: "speedscope", what: "JSON", commands: []string{"convert"},
		report:    plain(render.Speedscope),
		computes:  func(o *analyze.Options, _ *settings) { o.Samples = true },
		oneReport: true,
	},
	{
		name: "folded", what: "stacks", commands: []string{"analyze", "convert"},
		report:   plain(render.Folded),
		computes: func(o *analyze.Options, _ *settings) { o.Stacks = &analyze.StackOptions{} },
	},
}

// diffFlame is the differential flame graph the flags ask for.
func (s *settings) diffFlame() render.DiffFlameOptions {
	return render.DiffFlameOptions{FlameOptions: s.flame, BaseShape: s.baseShape, Normalize: s.normalize}
}

// flameStacks asks for the stacks of a flame graph shaped by the flags.
func flameStacks(o *analyze.Options, s *settings) {
	so := s.flame.StackOptions()
	o.Stacks = &so
}

// drawing is a format that draws the flame graph: of one profile shaped
// by the flame-graph flags, or of a diff's change shaped by the diff flags
// too.
func drawing(name, what string, commands []string,
	report func(io.Writer, *analyze.Report, render.FlameOptions) error,
	diff func(io.Writer, *analyze.Diff, render.DiffFlameOptions) error) *format {
	return &format{
		name: name, what: what, commands: commands,
		report: func(w io.Writer, r *analyze.Report, s *settings) error {
			return report(w, r, s.flame)
		},
		diff: func(w io.Writer, d *analyze.Diff, s *settings) error {
			return diff(w, d, s.diffFlame())
		},
		computes:  flameStacks,
		oneReport: true, noTerminal: true,
	}
}

// plain adapts a renderer that takes no settings.
func plain[T any](write func(io.Writer, T) error) func(io.Writer, T, *settings) error {
	return func(w io.Writer, v T, _ *settings) error { return write(w, v) }
}

// formatsOf lists the formats command offers.
func formatsOf(command string) []*format {
	var out []*format
	for _, f := range formats {
		if slices.Contains(f.commands, command) {
			out = append(out, f)
		}
	}
	return out
}

// lookupFormat finds the format called name among those command offers.
func lookupFormat(command, name string) (*format, bool) {
	for _, f := range formatsOf(command) {
		if f.name == name || slices.Contains(f.aliases, name) {
			return f, true
		}
	}
	return nil, false
}

// formatList names command's formats for help and errors: "table, json or
// svg (flame graph)" with descriptions, "table, json or svg" without.
func formatList(command string, described bool) string {
	var names []string
	for _, f := range formatsOf(command) {
		n := f.name
		if described && f.what != "" {
			n += " (" + f.what + ")"
		}
		names = append(names, n)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return fmt.Sprintf("%s or %s", strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}
