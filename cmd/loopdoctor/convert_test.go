package main

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/internal/textdiff"
	"github.com/loopdoctor/loopdoctor/parse"

	"github.com/google/pprof/profile"
)

const cpuProfile = "../../testdata/pprof/cpu/cpu.pb.gz"

// TestConvertPstatsToPprof converts the webhook dump and reads the result
// back with the pprof library: the total survives and the comments say
// what is estimated.
func TestConvertPstatsToPprof(t *testing.T) {
	out := filepath.Join(t.TempDir(), "webhook.pb.gz")
	if _, stderr, code := cli(t, "", "convert", "--to", "pprof", webhook, "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, s := range p.Sample {
		total += s.Value[0]
	}
	// The dump's total is pstats.Stats(webhook).total_tt, which parse's
	// tests hold the reader to.
	in, err := parse.File(webhook, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(math.Round(in.Total * 1e9)); total != want || p.SampleType[0].Type != "wall" || p.SampleType[0].Unit != "nanoseconds" {
		t.Errorf("total %d %v, want %d wall nanoseconds", total, p.SampleType[0], want)
	}
	if !strings.Contains(strings.Join(p.Comments, "\n"), "estimate") {
		t.Errorf("comments do not say what is estimated: %q", p.Comments)
	}
}

// TestConvertPprofRoundTrip converts a Go CPU profile to pprof and checks
// that go tool pprof -top prints the same rows for both files, but for
// the inlining marks.
func TestConvertPprofRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("compares with go tool pprof; skipped with -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go not found")
	}
	out := filepath.Join(t.TempDir(), "cpu.pb.gz")
	if _, stderr, code := cli(t, "", "convert", "--to", "pprof", cpuProfile, "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	top := func(file string) string {
		raw, err := exec.Command(goBin, "tool", "pprof", "-top", "-nodecount=0", "-unit=ns", file).Output()
		if err != nil {
			t.Fatalf("go tool pprof %s: %v", file, err)
		}
		s := string(raw)
		// Rows only, as the headers name the file; the model keeps no
		// inlining, so an inlined call is an ordinary frame once converted.
		return strings.ReplaceAll(s[strings.Index(s, "      flat"):], " (inline)", "")
	}
	if want, got := top(cpuProfile), top(out); want != got {
		t.Errorf("go tool pprof -top differs (-original +converted):\n%s", textdiff.Unified(want, got))
	}
}

func TestConvertSpeedscope(t *testing.T) {
	stdout, stderr, code := cli(t, "", "convert", "--to", "speedscope", webhook)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var f struct {
		Schema   string `json:"$schema"`
		Profiles []struct {
			Type     string
			EndValue float64
			Weights  []float64
		}
	}
	if err := json.Unmarshal([]byte(stdout), &f); err != nil {
		t.Fatal(err)
	}
	if f.Schema != "https://www.speedscope.app/file-format-schema.json" || len(f.Profiles) != 1 || f.Profiles[0].Type != "sampled" || len(f.Profiles[0].Weights) == 0 {
		t.Errorf("not a sampled speedscope file: %.200s", stdout)
	}
}

func TestConvertErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no --to", []string{"convert", webhook}, 2, "convert needs --to"},
		{"bad --to", []string{"convert", "--to", "svg", webhook}, 2, "--to must be pprof, speedscope or folded, not \"svg\""},
		{"no file", []string{"convert", "--to", "pprof", "-o", "x"}, 2, "convert needs one FILE"},
		{"missing file", []string{"convert", "--to", "speedscope", "missing.prof"}, 1, "missing.prof"},
		{"unwritable output", []string{"convert", "--to", "pprof", webhook, "-o", "/nonexistent/dir/x.pb.gz"}, 4, "cannot write /nonexistent/dir/x.pb.gz: no such file or directory"},
		{"help", []string{"help", "convert"}, 0, "Usage: loopdoctor convert"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := cli(t, "", tt.args...)
			if code != tt.code || !strings.Contains(stdout+stderr, tt.msg) {
				t.Errorf("exit %d, output %q; want %d and %q", code, stdout+stderr, tt.code, tt.msg)
			}
		})
	}
}

// TestConvertFolded checks the folded lines flamegraph.pl reads: frames
// joined by ';', an integer count of microseconds last, summing to the
// dump's total (pstats' total_tt, which parse's tests hold the reader to)
// less frames under 1 µs.
func TestConvertFolded(t *testing.T) {
	p, err := parse.File(webhook, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	total := int64(math.Round(p.Total * 1e6))
	stdout, stderr, code := cli(t, "", "convert", "--to", "folded", webhook)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var sum int64
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	for _, line := range lines {
		i := strings.LastIndexByte(line, ' ')
		n, err := strconv.ParseInt(line[i+1:], 10, 64)
		if i < 0 || err != nil || n < 1 || i == 0 {
			t.Fatalf("bad folded line %q", line)
		}
		sum += n
	}
	// Each line is rounded to whole microseconds, by at most half of one.
	if sum > total+int64(len(lines)+1)/2 || sum < total*99/100 {
		t.Errorf("folded values sum to %d µs, want about the total, %d", sum, total)
	}
}
