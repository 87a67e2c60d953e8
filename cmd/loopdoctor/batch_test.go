package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

const (
	before = "../../testdata/diff/before.pstats"
	after  = "../../testdata/diff/after.pstats"
)

// TestNDJSON runs -f json over good and bad files: one line per file in the
// order given, an error line for each bad one, exit status 1, and each bad
// file named once on stderr.
func TestNDJSON(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.prof")
	if err := os.WriteFile(bad, []byte("not a profile\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.prof")
	files := []string{before, bad, webhook, missing, after}
	stdout, stderr, code := cli(t, "", append([]string{"analyze", "-f", "json"}, files...)...)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if n := strings.Count(stderr, "\n"); n != 2 || !strings.Contains(stderr, bad) || !strings.Contains(stderr, missing) {
		t.Errorf("stderr should name the two bad files on a line each:\n%s", stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != len(files) {
		t.Fatalf("%d lines, want %d", len(lines), len(files))
	}
	for i, line := range lines {
		var doc struct {
			Schema, Source, Error string
			Total                 *float64
			Functions             []json.RawMessage
		}
		if err := json.Unmarshal([]byte(line), &doc); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
		if doc.Schema != "loopdoctor/v2" || doc.Source != files[i] {
			t.Errorf("line %d: schema %q source %q, want loopdoctor/v2 and %s", i+1, doc.Schema, doc.Source, files[i])
		}
		wantErr := files[i] == bad || files[i] == missing
		if (doc.Error != "") != wantErr || (doc.Total == nil) != wantErr || (len(doc.Functions) == 0) != wantErr {
			t.Errorf("line %d (%s): error %q, total %v, %d functions", i+1, files[i], doc.Error, doc.Total, len(doc.Functions))
		}
		if wantErr && !strings.Contains(doc.Error, files[i]) {
			t.Errorf("line %d: error %q does not name the file", i+1, doc.Error)
		}
	}
	// Each good line is the single-file document, compacted.
	single, _, _ := cli(t, "", "analyze", "-f", "json", webhook)
	var want bytes.Buffer
	if err := json.Compact(&want, []byte(single)); err != nil {
		t.Fatal(err)
	}
	if lines[2] != want.String() {
		t.Errorf("NDJSON line for %s differs from the single-file document", webhook)
	}
}

// TestGates checks the exit status of each gate on real dumps: before.pstats
// and webhook.pstats each hold a high repeated-setup finding costing most of
// the run; after.pstats, the fixed program, holds none. The share gates are
// set around the shares the analysis reports for the two dumps.
func TestGates(t *testing.T) {
	share := func(dump string) float64 {
		p, err := parse.File(dump, parse.Options{})
		if err != nil {
			t.Fatal(err)
		}
		r := analyze.Analyze(p, analyze.Options{})
		if len(r.Findings) == 0 {
			t.Fatalf("%s: no finding", dump)
		}
		return r.Findings[0].Share
	}
	// low is the dump whose finding costs less, high the other.
	low, high := before, webhook
	if share(low) > share(high) {
		low, high = high, low
	}
	between := strconv.FormatFloat((share(low)+share(high))/2, 'f', -1, 64)
	above := strconv.FormatFloat((share(high)+1)/2, 'f', -1, 64)
	if share(low) == share(high) || share(high) >= 1 {
		t.Fatalf("shares %v and %v leave no gate between or above them", share(low), share(high))
	}
	tests := []struct {
		name string
		args []string
		code int
		msg  string // expected on stderr when the gate trips
	}{
		{"no gate", []string{before}, 0, ""},
		{"high trips on high", []string{"--fail-on", "high", before}, 3, "high finding"},
		{"medium trips on high", []string{"--fail-on", "medium", before}, 3, "(--fail-on medium)"},
		{"low trips on high", []string{"--fail-on", "low", before}, 3, "(--fail-on low)"},
		{"fixed program passes", []string{"--fail-on", "low", after}, 0, ""},
		{"share below cost", []string{"--fail-on-share", "0.5", before}, 3, "(--fail-on-share 0.5)"},
		{"share above cost", []string{"--fail-on-share", above, before, webhook}, 0, ""},
		{"share trips on second file", []string{"--fail-on-share", between, low, high}, 3, filepath.Base(high) + ": finding costs"},
		{"unreadable input wins", []string{"--fail-on", "high", before, "missing.prof"}, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := cli(t, "", append([]string{"analyze", "-n", "1"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.msg) {
				t.Errorf("stderr lacks %q:\n%s", tt.msg, stderr)
			}
		})
	}
}

// TestCheckGates tests the gate logic on hand-made findings, each severity
// against each threshold.
func TestCheckGates(t *testing.T) {
	f := &parse.Func{Name: "yacc", File: "ply/yacc.py", Line: 3216}
	report := func(sev analyze.Severity, share float64) *analyze.Report {
		return &analyze.Report{Profile: &parse.Profile{Source: "x.prof"},
			Findings: []analyze.Finding{{Severity: sev, Share: share, Func: f, Title: "t"}}}
	}
	tests := []struct {
		sev    analyze.Severity
		share  float64
		failOn analyze.Severity
		min    float64
		trips  bool
	}{
		{analyze.Low, 0.1, analyze.High, 0, false},
		{analyze.Medium, 0.1, analyze.High, 0, false},
		{analyze.High, 0.1, analyze.High, 0, true},
		{analyze.Low, 0.1, analyze.Medium, 0, false},
		{analyze.Medium, 0.1, analyze.Medium, 0, true},
		{analyze.Low, 0.1, analyze.Low, 0, true},
		{analyze.Low, 0.2, "", 0.2, true},
		{analyze.High, 0.19, "", 0.2, false},
		{analyze.High, 0.5, "", 0, false},
	}
	for _, tt := range tests {
		name := string(tt.sev) + "/" + string(tt.failOn)
		t.Run(name, func(t *testing.T) {
			err := checkGates(report(tt.sev, tt.share), &settings{failOn: tt.failOn, failOnShare: tt.min})
			if (err != nil) != tt.trips {
				t.Errorf("share %v, --fail-on %q --fail-on-share %v: got %v, trips %v", tt.share, tt.failOn, tt.min, err, tt.trips)
			}
			if err != nil && exitCode(err, &bytes.Buffer{}) != 3 {
				t.Errorf("gate error maps to exit %d", exitCode(err, &bytes.Buffer{}))
			}
		})
	}
}

// TestProgress checks that the progress line appears only on a terminal
// with many files, and that a run whose stderr is not a terminal prints
// nothing but errors there.
func TestProgress(t *testing.T) {
	var b bytes.Buffer
	if p := newProgress(&b, progressMin-1, true); p != nil {
		t.Error("progress for few files")
	}
	if p := newProgress(&b, 10, false); p != nil {
		t.Error("progress off a terminal")
	}
	p := newProgress(&b, 5, true)
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		p.step(name)
	}
	p.clear()
	if got, want := b.String(), "\r\033[Kanalyzed 5 of 5 files (e)\r\033[K"; !strings.HasSuffix(got, want) || strings.Count(got, "analyzed") != 5 {
		t.Errorf("progress wrote %q", got)
	}
	_, stderr, code := cli(t, "", "analyze", "-f", "json", before, after, webhook, before, after)
	if code != 0 || stderr != "" {
		t.Errorf("exit %d, stderr %q; want no progress off a terminal", code, stderr)
	}
	if isTerminal(&b) {
		t.Error("a buffer is not a terminal")
	}
}

// TestMerge checks --merge end to end: one JSON document whose totals and
// call counts are the sums of the inputs', and exit status 1 without a
// report when the inputs cannot be summed or read.
func TestMerge(t *testing.T) {
	type doc struct {
		Source    string
		Total     float64
		Functions []struct {
			Name, File string
			Line       int
			Calls      int64
		}
		Findings []struct{ Title string }
	}
	decode := func(s string) doc {
		var d doc
		if err := json.Unmarshal([]byte(s), &d); err != nil {
			t.Fatalf("%v:\n%s", err, s)
		}
		return d
	}
	var sum float64
	calls := map[string]int64{}
	for _, f := range []string{before, after, before} {
		out, _, _ := cli(t, "", "analyze", "-f", "json", f)
		d := decode(out)
		sum += d.Total
		for _, fn := range d.Functions {
			calls[fn.File+":"+strconv.Itoa(fn.Line)+"("+fn.Name+")"] += fn.Calls
		}
	}
	out, stderr, code := cli(t, "", "analyze", "--merge", "-f", "json", before, after, before)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	d := decode(out)
	if d.Source != before+" + "+after+" + "+before || d.Total != sum {
		t.Errorf("source %q total %v, want the three files and %v", d.Source, d.Total, sum)
	}
	if len(d.Functions) != len(calls) {
		t.Errorf("%d functions, the inputs have %d distinct keys", len(d.Functions), len(calls))
	}
	for _, fn := range d.Functions {
		if key := fn.File + ":" + strconv.Itoa(fn.Line) + "(" + fn.Name + ")"; calls[key] != fn.Calls {
			t.Errorf("%s: %d calls, inputs sum to %d", key, fn.Calls, calls[key])
		}
	}
	if len(d.Findings) != 1 {
		t.Errorf("%d findings in the merged run, want the repeated setup", len(d.Findings))
	}

	for _, tt := range []struct {
		name string
		args []string
		msg  string
	}{
		{"formats differ", []string{before, "../../testdata/pprof/cpu/cpu.pb.gz"}, "cannot merge"},
		{"unreadable input", []string{before, "missing.prof"}, "missing.prof"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := cli(t, "", append([]string{"analyze", "--merge"}, tt.args...)...)
			if code != 1 || stdout != "" || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, stdout %d bytes, stderr %q; want 1, nothing, %q", code, len(stdout), stderr, tt.msg)
			}
		})
	}
}

// TestMarkdownManyFiles checks that reports of several files stay apart:
// each Markdown report ends in a <details> HTML block, which only a blank
// line closes, so without one the next report would be swallowed by it.
func TestMarkdownManyFiles(t *testing.T) {
	stdout, stderr, code := cli(t, "", "analyze", "-f", "md", before, after)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "</details>\n\n**loopdoctor:** `"+after+"`") {
		t.Errorf("second report does not start a paragraph of its own:\n%s", stdout)
	}
}
