package render

import (
	"bufio"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

// Folded writes the report's stacks as folded lines, "root;caller;callee
// value", root function first, one line per frame with self value, in the
// stack tree's order. Values are integers, as flamegraph.pl, inferno and
// speedscope require: microseconds for a profile in seconds, the unit
// itself otherwise; frames worth less than one unit are left out. pstats
// stacks are reconstructed (see analyze.Stacks) and so estimates.
func Folded(w io.Writer, r *analyze.Report) error {
	s := analyze.Stacks(r.Profile, analyze.StackOptions{})
	scale, _ := integerUnit(s.Unit)
	names := make(map[*parse.Func]string)
	var path []string
	bw := bufio.NewWriter(w)
	for _, f := range s.Frames[1:] {
		name, ok := names[f.Func]
		if !ok {
			name = foldedName(f.Func)
			names[f.Func] = name
		}
		path = append(path[:f.Depth-1], name)
		v := math.Round(f.Self * scale)
		if v < 1 {
			continue
		}
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

// integerUnit gives the factor that turns values in unit into the integers
// folded stacks and the flame graph's data carry, and the name of the
// result: microseconds for seconds, the unit itself otherwise.
func integerUnit(unit string) (float64, string) {
	if unit == "seconds" {
		return 1e6, "microseconds"
	}
	return 1, unit
}

// foldedName is a frame's display label without the characters the folded
// format reserves: ';' separates frames and a newline ends the line.
var foldedName = func() func(*parse.Func) string {
	r := strings.NewReplacer(";", ",", "\n", " ", "\r", " ")
	return func(f *parse.Func) string { return r.Replace(analyze.Label(f)) }
}()
