package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dirEntries lists the names in dir, to catch temporary files left behind.
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestOutputAtomic checks that -o replaces its file only once the output
// is complete: a run where every input fails leaves an existing report as
// it was, a successful run replaces it keeping its permissions, and no
// temporary file is left either way.
func TestOutputAtomic(t *testing.T) {
	dir := t.TempDir()
	report := filepath.Join(dir, "report.md")
	const old = "the report of yesterday\n"
	if err := os.WriteFile(report, []byte(old), 0o640); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(report)

	_, stderr, code := cli(t, "", "analyze", "-f", "md", "-o", report, filepath.Join(dir, "missing.prof"), filepath.Join(dir, "missing2.prof"))
	if code != 1 || strings.Count(stderr, "\n") != 2 {
		t.Errorf("exit %d, stderr %q; want 1 and a line per input", code, stderr)
	}
	after, _ := os.Stat(report)
	if data, _ := os.ReadFile(report); string(data) != old || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("a run without a report touched the output: now %q", data)
	}
	if _, _, code := cli(t, "", "analyze", "-o", filepath.Join(dir, "new.txt"), filepath.Join(dir, "missing.prof")); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if got := dirEntries(t, dir); strings.Join(got, " ") != "report.md" {
		t.Errorf("failed runs left files: %q", got)
	}

	stdout, stderr, code := cli(t, "", "analyze", "-f", "md", "-o", report, webhook)
	if code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	want, _, _ := cli(t, "", "analyze", "-f", "md", webhook)
	data, _ := os.ReadFile(report)
	info, _ := os.Stat(report)
	if string(data) != want || info.Mode().Perm() != 0o640 {
		t.Errorf("report %d bytes, mode %v; want the Markdown report (%d bytes), mode 0640", len(data), info.Mode().Perm(), len(want))
	}
	if got := dirEntries(t, dir); strings.Join(got, " ") != "report.md" {
		t.Errorf("a temporary file was left: %q", got)
	}

	// Through a symbolic link the file it points to is replaced, and the
	// link stays a link.
	link := filepath.Join(dir, "latest.md")
	if err := os.Symlink("report.md", link); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := cli(t, "", "analyze", "-o", link, webhook); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file")
	}
	if data, _ := os.ReadFile(report); !strings.HasPrefix(string(data), webhook) {
		t.Errorf("the linked file does not hold the table report: %.80q", data)
	}
}

// TestOutputWriteFailure checks the failures of the output itself: exit
// status 4 and "cannot write OUT: ..." naming the output, not an input.
func TestOutputWriteFailure(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, out, msg string
	}{
		{"missing directory", filepath.Join(dir, "no/such/dir/out.txt"), "cannot write " + filepath.Join(dir, "no/such/dir/out.txt") + ": no such file or directory"},
		{"a directory", dir, "cannot write " + dir + ": is a directory"},
	}
	if _, err := os.Stat("/dev/full"); err == nil {
		tests = append(tests, struct{ name, out, msg string }{"full disk", "/dev/full", "cannot write /dev/full: no space left on device"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := cli(t, "", "analyze", "-o", tt.out, webhook)
			if code != 4 || stderr != "loopdoctor: "+tt.msg+"\n" {
				t.Errorf("exit %d, stderr %q; want 4 and %q", code, stderr, tt.msg)
			}
		})
	}

	// A failed write outranks a failed input (exit 1).
	if _, err := os.Stat("/dev/full"); err == nil {
		if _, stderr, code := cli(t, "", "analyze", "-o", "/dev/full", "missing.prof", webhook); code != 4 || !strings.Contains(stderr, "missing.prof") {
			t.Errorf("exit %d, stderr %q; want 4, and the missing input named", code, stderr)
		}
	}

	var stderr strings.Builder
	err := run([]string{"analyze", webhook}, strings.NewReader(""), failingWriter{}, &stderr)
	if code := exitCode(err, &stderr); code != 4 || !strings.HasPrefix(stderr.String(), "loopdoctor: cannot write standard output: ") {
		t.Errorf("exit %d, stderr %q; want 4 and cannot write standard output", code, stderr.String())
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken") }

// TestEmitFailureKeepsTarget fails a renderer half-way: the target keeps
// its old content and the temporary file is removed.
func TestEmitFailureKeepsTarget(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "out.svg")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("renderer failed")
	err := emit(target, io.Discard, func(w io.Writer) error {
		io.WriteString(w, "half of a graph")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want the renderer's", err)
	}
	if data, _ := os.ReadFile(target); string(data) != "old" {
		t.Errorf("target now holds %q", data)
	}
	if got := dirEntries(t, dir); strings.Join(got, " ") != "out.svg" {
		t.Errorf("a temporary file was left: %q", got)
	}
}

// TestOutputNotAnInput refuses an -o that names one of the inputs, by the
// same path or another: the report would replace the dump it reads.
func TestOutputNotAnInput(t *testing.T) {
	dir := t.TempDir()
	dump := filepath.Join(dir, "dump.prof")
	data, err := os.ReadFile(webhook)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dump, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{dump, filepath.Join(dir, ".", "dump.prof")} {
		_, stderr, code := cli(t, "", "analyze", "-o", out, webhook, dump)
		if code != 2 || !strings.Contains(stderr, "would replace the input "+dump) {
			t.Errorf("-o %s: exit %d, stderr %q; want 2", out, code, stderr)
		}
	}
	if got, _ := os.ReadFile(dump); string(got) != string(data) {
		t.Error("the input was changed")
	}
}
