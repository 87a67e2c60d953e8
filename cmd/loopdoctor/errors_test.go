package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExitStatus checks every documented exit status and that each bad
// input gets exactly one line on stderr naming the file and the problem.
func TestExitStatus(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	empty := write("empty.prof", nil)
	gprof := write("gprof.txt", []byte("Flat profile:\n\nEach sample counts as 0.01 seconds.\n"))
	missing := filepath.Join(dir, "missing.prof")

	tests := []struct {
		name       string
		args       []string
		code       int
		stderrHas  []string // each must appear
		stderrRows int      // lines on stderr, 0 = not checked
		stdoutHas  string
	}{
		{"no command", nil, 2, []string{"no command given"}, 0, ""},
		{"unknown command", []string{"analyse", webhook}, 2, []string{`unknown command "analyse"`}, 2, ""},
		{"file without command", []string{webhook}, 2, []string{"loopdoctor analyze " + webhook}, 2, ""},
		{"no files", []string{"analyze"}, 2, []string{"at least one FILE"}, 2, ""},
		{"bad flag", []string{"analyze", "--bogus", webhook}, 2, []string{"unknown flag: --bogus"}, 0, ""},
		{"bad sort", []string{"analyze", "--sort", "fast", webhook}, 2, []string{`--sort: unknown sort key "fast"`}, 2, ""},
		{"bad regexp", []string{"analyze", "--focus", "(", webhook}, 2, []string{"--focus: error parsing regexp"}, 2, ""},
		{"bad format", []string{"analyze", "-f", "xml", webhook}, 2, []string{`--format must be`}, 2, ""},
		{"bad top", []string{"analyze", "--top", "-1", webhook}, 2, []string{"--top must be 0 or more"}, 2, ""},
		{"bad gate", []string{"analyze", "--fail-on", "severe", webhook}, 2, []string{"--fail-on must be high, medium or low"}, 2, ""},
		{"bad share", []string{"analyze", "--fail-on-share", "2", webhook}, 2, []string{"--fail-on-share must be in [0, 1]"}, 2, ""},
		{"stdin twice", []string{"analyze", "-", "-"}, 2, []string{"only once"}, 2, ""},
		{"missing file", []string{"analyze", missing}, 1, []string{missing, "no such file"}, 1, ""},
		{"empty file", []string{"analyze", empty}, 1, []string{empty, "empty input"}, 1, ""},
		{"gprof text", []string{"analyze", gprof}, 1, []string{gprof, "gprof"}, 1, ""},
		{"good and bad", []string{"analyze", "--top", "1", missing, webhook, empty}, 1, []string{missing, empty}, 2, "webhook.pstats"},
		{"help", []string{"analyze", "--help"}, 0, nil, 0, "Examples:"},
		{"help flags", []string{"analyze", "-h"}, 0, nil, 0, "--callers"},
		{"help exit status", []string{"help", "analyze"}, 0, nil, 0, "4 the output could not be written"},
		{"version", []string{"version"}, 0, nil, 0, "loopdoctor 0."},
		{"main help", []string{"help"}, 0, nil, 0, "loopdoctor analyze [flags] FILE..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := cli(t, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			for _, s := range tt.stderrHas {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if n := strings.Count(stderr, "\n"); tt.stderrRows > 0 && n != tt.stderrRows {
				t.Errorf("stderr has %d lines, want %d:\n%s", n, tt.stderrRows, stderr)
			}
			if !strings.Contains(stdout, tt.stdoutHas) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdoutHas, stdout)
			}
		})
	}
}

func TestStdin(t *testing.T) {
	data, err := os.ReadFile(webhook)
	if err != nil {
		t.Fatal(err)
	}
	fromStdin, _, code := cli(t, string(data), "analyze", "-f", "json", "-")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	fromFile, _, _ := cli(t, "", "analyze", "-f", "json", webhook)
	var doc struct{ Source string }
	if err := json.Unmarshal([]byte(fromStdin), &doc); err != nil || doc.Source != "<stdin>" {
		t.Errorf("stdin report names its source %q, want <stdin> (%v)", doc.Source, err)
	}
	if strings.Replace(fromFile, webhook, `\u003cstdin\u003e`, 1) != fromStdin {
		t.Errorf("stdin report differs from the file report")
	}
}
