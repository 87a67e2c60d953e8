package render

import (
	"bytes"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

// dumpReport reads a dump from the repository's testdata and analyzes it.
func dumpReport(t testing.TB, rel string) *analyze.Report {
	t.Helper()
	p, err := parse.File(filepath.Join("..", "testdata", rel), parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return analyze.Analyze(p, analyze.Options{})
}

// restack analyzes r's profile again with the stacks opts ask for, as the
// command does for the formats that draw stacks.
func restack(r *analyze.Report, opts analyze.StackOptions) *analyze.Report {
	return analyze.Analyze(r.Profile, analyze.Options{Stacks: &opts})
}

// drawFlame draws r's profile as the flamegraph command does: stacks
// analyzed for opts, then laid out.
func drawFlame(w io.Writer, r *analyze.Report, opts FlameOptions) error {
	return Flame(w, restack(r, opts.StackOptions()), opts)
}

// handReport builds a report from recorded stacks over functions named in
// them, as a pprof reader would.
func handReport(unit string, stacks []string, values []float64, funcs ...*parse.Func) *analyze.Report {
	p := &parse.Profile{Source: "hand.pprof", Format: parse.Pprof, Unit: unit, Funcs: funcs}
	for i, s := range stacks {
		var ids []int
		for _, id := range strings.Split(s, ",") {
			n, _ := strconv.Atoi(id)
			ids = append(ids, n)
		}
		p.Stacks = append(p.Stacks, parse.Stack{Funcs: ids, Value: values[i]})
		p.Total += values[i]
	}
	if err := p.Normalize(); err != nil {
		panic(err)
	}
	return analyze.Analyze(p, analyze.Options{})
}

func TestFolded(t *testing.T) {
	odd := handReport("count", []string{"0,1", "0,1,2", "0"}, []float64{3, 2.4, 1},
		&parse.Func{Name: "main.main", File: "main.go", Calls: -1, Primitive: -1},
		&parse.Func{Name: "a;b", File: "odd;file.go", Line: 3, Calls: -1, Primitive: -1},
		&parse.Func{Name: "multi\nline", File: "", Calls: -1, Primitive: -1})
	tests := []struct {
		name   string
		report *analyze.Report
		golden string
	}{
		{"direct and mutual recursion", dumpReport(t, "pstats/recursive-3.11.pstats"), "recursive-3.11.folded"},
		{"finding", dumpReport(t, "setup/config_copy.pstats"), "config_copy.folded"},
		{"reserved characters and counts", odd, "reserved.folded"},
		{"pprof cpu, exact", dumpReport(t, "pprof/cpu/cpu.pb.gz"), "cpu.folded"},
		{"pprof heap, bytes", dumpReport(t, "pprof/heap/heap.pb.gz"), "heap.folded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Folded(&b, restack(tt.report, analyze.StackOptions{})); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.golden, b.Bytes())

			// Every line is "frame;frame value" with an integer value,
			// no frame holds a newline, and the values add up to the
			// total in integer units (each line rounds by at most ½).
			scale, _ := integerUnit(tt.report.Profile.Unit)
			lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
			var sum float64
			for _, line := range lines {
				i := strings.LastIndexByte(line, ' ')
				v, err := strconv.ParseInt(line[i+1:], 10, 64)
				if i <= 0 || err != nil || v < 1 {
					t.Fatalf("line %q does not end in a positive integer value", line)
				}
				sum += float64(v)
			}
			if want := tt.report.Profile.Total * scale; math.Abs(sum-want) > float64(len(lines))/2+want*1e-4 {
				t.Errorf("values add up to %v, want the total %v", sum, want)
			}
		})
	}
}
