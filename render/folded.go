package render

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

// Folded writes the report's stacks (Options.Stacks) as folded lines,
// "root;caller;callee value", root function first, one line per frame with
// self value, in the stack tree's order; an "other" frame, the call paths
// merged under its parent, is named [other]. Values are integers, as
// flamegraph.pl, inferno and speedscope require: microseconds for a
// profile in seconds, the unit itself otherwise. Each line's rounding is
// carried to the next, so the lines add up to the total rounded once;
// a frame worth less than one unit passes its value on. pstats stacks are
// reconstructed from one-level edges and so estimates.
func Folded(w io.Writer, r *analyze.Report) error {
	s := r.Stacks
	if s == nil {
		return errNotComputed("stacks", "Stacks")
	}
	scale, _ := integerUnit(s.Unit)
	names := make([]string, len(r.Profile.Funcs))
	name := func(f *parse.Func) string {
		if f == nil {
			return foldedOther
		}
		if names[f.ID] == "" {
			names[f.ID] = foldedName(f, r.Profile.Format)
		}
		return names[f.ID]
	}
	bw := bufio.NewWriter(w)
	var path []string
	var exact, written float64
	for _, f := range s.Frames[1:] {
		path = append(path[:f.Depth-1], name(f.Func))
		exact += f.Self * scale
		v := math.Round(exact) - written
		if f.Self <= 0 || v < 1 {
			continue
		}
		written += v
		for i, n := range path {
			if i > 0 {
				bw.WriteByte(';')
			}
			bw.WriteString(n)
		}
		bw.WriteByte(' ')
		bw.WriteString(strconv.FormatFloat(v, 'f', 0, 64))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// foldedOther names an "other" frame in folded stacks. No function is
// named so: pstats frames carry their file, and brackets make no identifier.
const foldedOther = "[other]"

// integerUnit gives the factor that turns values in unit into the integers
// folded stacks and the flame graph's data carry, and the name of the
// result: microseconds for seconds, the unit itself otherwise.
func integerUnit(unit string) (float64, string) {
	if unit == "seconds" {
		return 1e6, "microseconds"
	}
	return 1, unit
}

// foldedName names a frame without the characters the folded format
// reserves: ';' separates frames and a newline ends the line (Printable
// escapes it, and every other control character). Python names
// repeat across files (__init__, <module>), so pstats frames carry their
// file and line as well; pprof names are package-qualified and stand alone,
// as in pprof's own views.
var foldedName = func() func(*parse.Func, parse.Format) string {
	r := strings.NewReplacer(";", ",")
	return func(f *parse.Func, format parse.Format) string {
		if format == parse.Pprof && f.Name != "" {
			return r.Replace(Printable(f.Name))
		}
		return r.Replace(printedLabel(f))
	}
}()

// errNotComputed is the error of a renderer given a report analyzed
// without the part it draws: renderers lay out what analyze computed and
// compute nothing themselves.
func errNotComputed(what, option string) error {
	return fmt.Errorf("the report holds no %s: analyze with Options.%s set", what, option)
}
