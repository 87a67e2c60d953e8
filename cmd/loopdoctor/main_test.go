package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/internal/textdiff"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// cli runs the command in-process the way main does and returns what it
// printed and the exit status main would use.
func cli(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(args, strings.NewReader(stdin), &out, &errOut)
	code = exitCode(err, &errOut)
	return out.String(), errOut.String(), code
}

// golden compares got with testdata/NAME, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run: go test ./cmd/loopdoctor -run '%s' -update)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("output differs from %s (-want +got):\n%s\nrerun with: go test ./cmd/loopdoctor -run '%s' -update", path, textdiff.Unified(string(want), got), t.Name())
	}
}

const webhook = "../../testdata/webhook/webhook.pstats"

func TestAnalyzeGolden(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
	}{
		{"webhook.table.txt", []string{"analyze", webhook}},
		{"webhook.own-top5.txt", []string{"analyze", "--sort", "own", "--top", "5", webhook}},
		{"webhook.calls-per-call.txt", []string{"analyze", "--sort", "own-per-call", "-n", "5", "--focus", "yacc", webhook}},
		{"webhook.callers-yacc.txt", []string{"analyze", "--top", "3", "--callers", `\(yacc\)`, "--callees", `\(lr_parse_table\)`, webhook}},
		{"webhook.json", []string{"analyze", "-f", "json", webhook}},
		{"webhook.md", []string{"analyze", "-f", "markdown", webhook}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			stdout, stderr, code := cli(t, "", tt.args...)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			golden(t, tt.golden, stdout)
		})
	}
}

// TestJSONMatchesPstats checks the JSON output against Python's pstats
// for every function: calls, primitive calls, own and cumulative time.
func TestJSONMatchesPstats(t *testing.T) {
	if testing.Short() {
		t.Skip("compares with Python's pstats; skipped with -short")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	script := `
import json, pstats, sys
s = pstats.Stats(sys.argv[1])
out = {}
for (file, line, name), (cc, nc, tt, ct, callers) in s.stats.items():
    out["%s:%d(%s)" % (file, line, name)] = [nc, cc, tt, ct, len(callers)]
print(json.dumps({"total": s.total_tt, "funcs": out}))
`
	raw, err := exec.Command(py, "-c", script, webhook).Output()
	if err != nil {
		t.Fatalf("python3 pstats: %v", err)
	}
	var want struct {
		Total float64
		Funcs map[string][5]float64
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := cli(t, "", "analyze", "-f", "json", webhook)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Schema    string
		Total     float64
		Functions []struct {
			ID             int
			Name, File     string
			Line           int
			Calls          int64
			PrimitiveCalls int64 `json:"primitive_calls"`
			Own, Cum       float64
		}
		Edges []struct{ Callee int }
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.Schema != "loopdoctor/v2" {
		t.Errorf("schema %q", got.Schema)
	}
	if got.Total != want.Total {
		t.Errorf("total %v, pstats total_tt %v", got.Total, want.Total)
	}
	if len(got.Functions) != len(want.Funcs) {
		t.Errorf("%d functions, pstats has %d", len(got.Functions), len(want.Funcs))
	}
	callers := map[int]int{}
	for _, e := range got.Edges {
		callers[e.Callee]++
	}
	for _, f := range got.Functions {
		key := f.File + ":" + strconv.Itoa(f.Line) + "(" + f.Name + ")"
		w, ok := want.Funcs[key]
		if !ok {
			t.Errorf("%s not in pstats", key)
			continue
		}
		g := [5]float64{float64(f.Calls), float64(f.PrimitiveCalls), f.Own, f.Cum, float64(callers[f.ID])}
		if g != w {
			t.Errorf("%s: got nc, cc, tt, ct, callers %v, pstats %v", key, g, w)
		}
	}
}

// TestFlameGraphCommand checks that "flamegraph" is "analyze --format svg",
// that the SVG is deterministic, and that --format folded and the flame
// flags reach the renderers.
func TestFlameGraphCommand(t *testing.T) {
	short, stderr, code := cli(t, "", "flamegraph", "--title", "webhook", webhook)
	if code != 0 {
		t.Fatalf("flamegraph: exit %d: %s", code, stderr)
	}
	long, _, _ := cli(t, "", "analyze", "--format", "svg", "--title", "webhook", webhook)
	if short != long {
		t.Error("flamegraph and analyze --format svg differ, or the SVG is not deterministic")
	}
	if !strings.HasPrefix(short, "<?xml") && !strings.HasPrefix(short, "<svg") || !strings.Contains(short, ">webhook<") {
		t.Errorf("not an SVG titled webhook: %.200s", short)
	}
	narrow, _, _ := cli(t, "", "flamegraph", "--width", "600", "--inverted", webhook)
	if narrow == short || !strings.Contains(narrow, `width="600"`) {
		t.Errorf("--width 600 --inverted did not change the SVG width: %.300s", narrow)
	}
	folded, _, code := cli(t, "", "analyze", "-f", "folded", webhook)
	if code != 0 || !strings.Contains(folded, "ply/yacc.py:3216 yacc ") {
		t.Errorf("folded output lacks the yacc frame (exit %d): %.300s", code, folded)
	}
	for _, args := range [][]string{
		{"flamegraph", "--width", "10", webhook},
		{"analyze", "-f", "svg", webhook, webhook},
	} {
		if _, stderr, code := cli(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
}
