package parse

import (
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/internal/textdiff"
)

// TestMergeOracle merges real dumps and compares the result, function by
// function and edge by edge, with what the reference tools write for the
// same merge: Python's pstats.Stats.add for pstats dumps, go tool pprof
// (profile.Merge) for pprof profiles. Both outputs are read back with this
// package's readers and compared as canonical dumps.
func TestMergeOracle(t *testing.T) {
	const (
		before = "../testdata/diff/before.pstats"
		after  = "../testdata/diff/after.pstats"
		cpu    = "../testdata/pprof/cpu/cpu.pb.gz"
		heap   = "../testdata/pprof/heap/heap.pb.gz"
	)
	addScript := `
import pstats, sys
s = pstats.Stats(sys.argv[2])
for f in sys.argv[3:]:
    s.add(f)
s.dump_stats(sys.argv[1])
`
	tests := []struct {
		name   string
		files  []string
		oracle []string // command; the output file is appended or substituted for OUT
	}{
		{"pstats before+after", []string{before, after}, []string{"python3", "-c", addScript, "OUT"}},
		{"pstats before+after+before", []string{before, after, before}, []string{"python3", "-c", addScript, "OUT"}},
		{"pprof cpu+cpu", []string{cpu, cpu}, []string{"go", "tool", "pprof", "-proto", "-output", "OUT"}},
		{"pprof heap+heap+heap", []string{heap, heap, heap}, []string{"go", "tool", "pprof", "-proto", "-output", "OUT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if testing.Short() {
				t.Skip("compares with pstats.Stats.add and go tool pprof; skipped with -short")
			}
			if _, err := exec.LookPath(tt.oracle[0]); err != nil {
				t.Skipf("%s not found", tt.oracle[0])
			}
			out := filepath.Join(t.TempDir(), "merged")
			args := append([]string{}, tt.oracle[1:]...)
			for i, a := range args {
				if a == "OUT" {
					args[i] = out
				}
			}
			args = append(args, tt.files...)
			if msg, err := exec.Command(tt.oracle[0], args...).CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", strings.Join(tt.oracle[:2], " "), err, msg)
			}
			want, err := File(out, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var ps []*Profile
			for _, f := range tt.files {
				p, err := File(f, Options{})
				if err != nil {
					t.Fatal(err)
				}
				ps = append(ps, p)
			}
			got, err := Merge(ps)
			if err != nil {
				t.Fatal(err)
			}
			if got.Source != strings.Join(tt.files, " + ") {
				t.Errorf("source %q", got.Source)
			}
			// The reader sums a pstats total from the merged functions,
			// Merge sums the inputs' totals as pstats.Stats.add does: the
			// same numbers added in another order.
			if math.Abs(want.Total-got.Total) > 1e-12*want.Total {
				t.Errorf("total %v, %s %v", got.Total, tt.oracle[0], want.Total)
			}
			want.Total = got.Total
			if w, g := want.String(), got.String(); w != g {
				t.Errorf("merge differs from %s (-want +got):\n%s", tt.oracle[0], textdiff.Unified(w, g))
			}
		})
	}
}

func TestMergeMismatch(t *testing.T) {
	read := func(name string, opts Options) *Profile {
		p, err := File(name, opts)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	heap := "../testdata/pprof/heap/heap.pb.gz"
	tests := []struct {
		name string
		ps   []*Profile
		want string
	}{
		{"pstats and pprof", []*Profile{read("../testdata/diff/before.pstats", Options{}), read(heap, Options{})}, "cannot merge ../testdata/pprof/heap/heap.pb.gz (pprof, bytes, inuse_space) with ../testdata/diff/before.pstats (pstats, seconds)"},
		{"sample types", []*Profile{read(heap, Options{}), read(heap, Options{SampleType: "alloc_space"})}, "(pprof, bytes, alloc_space) with ../testdata/pprof/heap/heap.pb.gz (pprof, bytes, inuse_space)"},
		{"nothing", nil, "no profiles to merge"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Merge(tt.ps)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
