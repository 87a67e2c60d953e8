package analyze

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/loopdoctor/loopdoctor/parse"
)

// TestGoSetupPlaces runs the pprof rule on real profiles of the programs in
// testdata/setup/gotest, goservice and gorpc (see gen-go.sh): the same catalogued
// setups appear in places that repeat and in places that do not, and only
// the first are findings. The expected cost is go tool pprof's cumulative
// value of the setup frame, focused on the repeating caller.
func TestGoSetupPlaces(t *testing.T) {
	tests := []struct {
		dump, sampleType string
		why              string
		pattern, fn      string // "" for no finding
		site, focus      string // the call site, and the oracle's -focus
		unit             string
	}{
		{"gotest/bench.cpu.pb.gz", "", "the benchmark parses the template inside its b.N loop",
			"G2", "text/template.(*Template).Parse", "example.com/gotest.RenderInvoice", "BenchmarkRenderInvoice", "ns"},
		{"gotest/bench.allocs.pb.gz", "alloc_space", "the benchmark parses the template inside its b.N loop",
			"G2", "text/template.(*Template).Parse", "example.com/gotest.RenderInvoice", "BenchmarkRenderInvoice", "B"},
		{"gotest/test.cpu.pb.gz", "", "a test body compiles 3,000 different patterns once each", "", "", "", "", ""},
		{"gotest/test.allocs.pb.gz", "alloc_space", "a test body compiles 3,000 different patterns once each, " +
			"and runtime/pprof's CPU-profile writer allocates its gzip writer", "", "", "", "", ""},
		{"goservice/allocs.pb.gz", "alloc_space", "/export creates a gzip writer per response; the rules compiled " +
			"under sync.Once and the gzip writers of net/http/pprof's heap scrapes are not the program's repeated setup",
			"G3", "compress/flate.NewWriter", "main.export", `^main\.export$`, "B"},
		{"gorpc/cpu.pb.gz", "", "a net/rpc method compiles its pattern on every call",
			"G1", "regexp.MustCompile", "main.Validator.Check", `^net/rpc\.\(\*service\)\.call$`, "ns"},
		{"gorpc/allocs.pb.gz", "alloc_space", "a net/rpc method compiles its pattern on every call",
			"G1", "regexp.MustCompile", "main.Validator.Check", `^net/rpc\.\(\*service\)\.call$`, "B"},
		{"goservice/cpu.pb.gz", "", "the same service's CPU time: the per-response writers cost little of it", "", "", "", "", ""},
		{"goservice/allocs.pb.gz", "inuse_space", "memory still in use is what was kept, not how often it was built", "", "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.dump+"/"+tt.sampleType, func(t *testing.T) {
			dump := filepath.Join("../testdata/setup", tt.dump)
			p, err := parse.File(dump, parse.Options{SampleType: tt.sampleType})
			if err != nil {
				t.Fatal(err)
			}
			got := findSetup(p)
			if tt.pattern == "" {
				for _, f := range got {
					t.Errorf("%s: unexpected finding %s at %s from %v", tt.why, f.Pattern, f.Func, f.CallSite)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("%s: %d findings, want 1", tt.why, len(got))
			}
			f := got[0]
			if f.Pattern != tt.pattern || f.Func.Name != tt.fn || f.CallSite == nil || f.CallSite.Name != tt.site {
				t.Fatalf("%s: finding %s at %s from %v, want %s at %s from %s", tt.why, f.Pattern, f.Func, f.CallSite, tt.pattern, tt.fn, tt.site)
			}
			index := tt.sampleType
			if index == "" {
				index = "cpu"
			}
			cum, total := focusedCum(t, dump, index, tt.unit, tt.focus, tt.fn)
			scale := 1.0
			if tt.unit == "ns" {
				scale = 1e-9
			}
			if !near(f.Cost, cum*scale) || !near(p.Total, total*scale) {
				t.Errorf("cost %v of %v, want go tool pprof's %v of %v", f.Cost, p.Total, cum*scale, total*scale)
			}
		})
	}
}

// focusedCum asks go tool pprof for fn's cumulative value and the
// profile's total, in unit ("ns" or "B"), for the given sample index; with
// a focus, over the stacks through a frame matching it.
func focusedCum(t *testing.T, dump, index, unit, focus, fn string) (cum, total float64) {
	t.Helper()
	if testing.Short() {
		t.Skip("compares with go tool pprof; skipped with -short")
	}
	args := []string{"tool", "pprof", "-unit=" + unit, "-sample_index=" + index, "-top", "-cum"}
	if focus != "" {
		args = append(args, "-focus="+focus)
	}
	out, err := exec.Command("go", append(args, dump)...).Output()
	if err != nil {
		t.Skipf("go tool pprof: %v", err)
	}
	num := `([0-9]+)` + regexp.QuoteMeta(unit)
	line := regexp.MustCompile(`(?m)^.*\s` + num + `\s+[0-9.]+%\s+` + regexp.QuoteMeta(fn) + `( \(inline\))?$`).FindStringSubmatch(string(out))
	tot := regexp.MustCompile(`(?:Total samples = |of )` + num + `(?: total|\s)`).FindStringSubmatch(string(out))
	if line == nil || tot == nil {
		t.Fatalf("go tool pprof output lacks %s or the total:\n%s", fn, out)
	}
	cum, _ = strconv.ParseFloat(line[1], 64)
	total, _ = strconv.ParseFloat(tot[1], 64)
	return cum, total
}
