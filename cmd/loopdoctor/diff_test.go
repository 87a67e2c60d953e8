package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestDiffCommand runs diff on the dumps from before and after fixing the
// repeated setup in testdata/diff/rules.py.
func TestDiffCommand(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
	}{
		{"diff.before-after.txt", []string{"diff", "-n", "10", before, after}},
		{"diff.before-after.md", []string{"diff", "-f", "markdown", "-n", "5", before, after}},
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

	// The fix's effect, read from the JSON: the setup's calls drop from 90
	// to 3, the caller that moved still runs 90 times, and the repeated
	// setup finding disappears.
	stdout, stderr, code := cli(t, "", "diff", "-f", "json", before, after)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Schema    string
		Functions []struct {
			Name      string
			Line      int
			BaseLine  *int `json:"base_line"`
			Base, New *struct{ Calls int64 }
		}
		Findings []struct {
			Change   string
			Function struct{ Name string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	calls := map[string][2]int64{}
	for _, f := range doc.Functions {
		if f.Base != nil && f.New != nil {
			calls[f.Name] = [2]int64{f.Base.Calls, f.New.Calls}
		}
		if f.Name == "get_values" && (f.BaseLine == nil || *f.BaseLine != 20 || f.Line != 25) {
			t.Errorf("get_values: line %d, base_line %v; want 25 and 20", f.Line, f.BaseLine)
		}
	}
	for name, want := range map[string][2]int64{"yacc": {90, 3}, "lr_parse_table": {90, 3}, "get_values": {90, 90}} {
		if calls[name] != want {
			t.Errorf("%s: calls %v, want %v", name, calls[name], want)
		}
	}
	if len(doc.Findings) != 1 || doc.Findings[0].Change != "disappeared" || doc.Findings[0].Function.Name != "yacc" {
		t.Errorf("findings %+v, want the yacc finding to disappear", doc.Findings)
	}
}

func TestDiffErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"one file", []string{"diff", before}, 2, "diff needs two files"},
		{"three files", []string{"diff", before, after, before}, 2, "got 3"},
		{"bad format", []string{"diff", "-f", "folded", before, after}, 2, "--format must be"},
		{"stdin twice", []string{"diff", "-", "-"}, 2, "only once"},
		{"missing file", []string{"diff", before, "missing.prof"}, 1, "missing.prof"},
		{"different units", []string{"diff", before, "../../testdata/pprof/heap/heap.pb.gz"}, 1, "cannot compare"},
		{"help", []string{"help", "diff"}, 0, "Usage: loopdoctor diff"},
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
