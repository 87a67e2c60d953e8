package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestHelp checks help for every command and for topics that are not
// commands.
func TestHelp(t *testing.T) {
	for _, c := range commands {
		stdout, stderr, code := cli(t, "", "help", c.name)
		if code != 0 || stderr != "" || !strings.HasPrefix(stdout, "Usage: loopdoctor "+c.name+" ") || !strings.Contains(stdout, "Exit status:") {
			t.Errorf("help %s: exit %d, stderr %q, stdout %.80q", c.name, code, stderr, stdout)
		}
		// pflag writes its own bool flags as "--merge[=true|false]".
		if strings.Contains(stdout, "[=true|false]") {
			t.Errorf("help %s shows a bool flag's values:\n%s", c.name, stdout)
		}
	}
	if stdout, _, _ := cli(t, "", "flamegraph", "--help"); !regexp.MustCompile(`\n {6}--inverted +flame graph: draw an icicle graph`).MatchString(stdout) {
		t.Errorf("flamegraph help lacks a plain --inverted line:\n%s", stdout)
	}
	for _, args := range [][]string{{"help", "bogus"}, {"help", "analyze", "diff"}} {
		stdout, stderr, code := cli(t, "", args...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, "analyze, flamegraph, diff, convert") && args[1] == "bogus" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and the commands on stderr", args, code, stdout, stderr)
		}
	}
}

// TestFlamegraphErrors checks that flamegraph speaks for itself in its
// errors, and that the --inverted switch works without a value.
func TestFlamegraphErrors(t *testing.T) {
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"flamegraph"}, "flamegraph needs a FILE to draw"},
		{[]string{"flamegraph", "-f", "table", webhook}, `flamegraph: --format must be svg or png, not "table"`},
		{[]string{"flamegraph", webhook, webhook}, "flamegraph: svg draws one profile"},
		{[]string{"flamegraph", "--bogus", webhook}, "flamegraph: unknown flag: --bogus"},
		{[]string{"flamegraph", "--inverted=maybe", webhook}, "flamegraph: invalid argument \"maybe\""},
	}
	for _, tt := range tests {
		_, stderr, code := cli(t, "", tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.msg) || strings.Contains(stderr, "analyze") {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q, not naming analyze", tt.args, code, stderr, tt.msg)
		}
	}
	up, _, _ := cli(t, "", "flamegraph", webhook)
	down, stderr, code := cli(t, "", "flamegraph", "--inverted", webhook)
	if code != 0 || up == down || !strings.Contains(down, "Icicle graph") {
		t.Errorf("--inverted alone: exit %d (%s), no icicle graph", code, stderr)
	}
}

// TestEmptyPprof reads a valid CPU profile without samples: no call
// counts are claimed and the empty table says so.
func TestEmptyPprof(t *testing.T) {
	stdout, stderr, code := cli(t, "", "analyze", "../../testdata/pprof/empty/empty.pb.gz")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stdout, "calls") || strings.Contains(stdout, "cum/call") {
		t.Errorf("an empty pprof profile shows call counts:\n%s", stdout)
	}
	if !strings.Contains(stdout, "pprof cpu, 0 s total\n") || !strings.Contains(stdout, "(no functions to list)") {
		t.Errorf("summary or empty table missing:\n%s", stdout)
	}
}

// TestReportHeader checks the first lines of the table report: a line
// breaks only between the summary's phrases (after the source's "—" or a
// phrase's comma), never inside "339 ms total" or "cProfile (Python 3)",
// however long the file name.
func TestReportHeader(t *testing.T) {
	long := "../../testdata/setup/signature_per_call/signature_per_call.pstats"
	for _, dump := range []string{webhook, long, "../../testdata/loop/executor-3.12.pstats", "../../testdata/pprof/heap/heap.pb.gz"} {
		stdout, _, code := cli(t, "", "analyze", "-n", "1", dump)
		if code != 0 {
			t.Fatalf("%s: exit %d", dump, code)
		}
		var head []string
		for _, line := range strings.Split(stdout, "\n") {
			if line == "" || strings.HasPrefix(line, "note:") {
				break
			}
			head = append(head, strings.TrimSpace(line))
		}
		if !strings.HasPrefix(head[0], dump+" —") {
			t.Errorf("%s: header does not start with the source:\n%s", dump, strings.Join(head, "\n"))
		}
		for _, line := range head {
			if !strings.HasSuffix(line, " —") && !strings.HasSuffix(line, ",") && !strings.HasSuffix(line, " total") {
				t.Errorf("%s: header split mid-phrase after %q:\n%s", dump, line, strings.Join(head, "\n"))
			}
		}
	}
}

// TestCumShareNote checks that a cum% above 100% comes with a note saying
// why, and only then: executor-3.12.pstats mixes threads into one profile.
func TestCumShareNote(t *testing.T) {
	for dump, want := range map[string]bool{"../../testdata/loop/executor-3.12.pstats": true, webhook: false} {
		stdout, _, _ := cli(t, "", "analyze", "-n", "3", dump)
		if got := strings.Contains(stdout, "note: cum% is a share of the total own time"); got != want {
			t.Errorf("%s: note %v, want %v:\n%s", dump, got, want, stdout)
		}
	}
}

// TestStdinLabel checks that standard input is named <stdin> in reports
// and messages.
func TestStdinLabel(t *testing.T) {
	data, err := os.ReadFile(webhook)
	if err != nil {
		t.Fatal(err)
	}
	if stdout, _, code := cli(t, string(data), "analyze", "-n", "1", "-"); code != 0 || !strings.HasPrefix(stdout, "<stdin> — cProfile") {
		t.Errorf("exit %d, report %.60q; want it to start with <stdin>", code, stdout)
	}
	if _, stderr, code := cli(t, "not a profile", "analyze", "-"); code != 1 || !strings.HasPrefix(stderr, "loopdoctor: <stdin>: ") {
		t.Errorf("exit %d, stderr %q; want 1 and <stdin> named", code, stderr)
	}
}

// TestFailedFirstInput checks that a report after an input that failed
// starts the output, with no blank line left for the missing one.
func TestFailedFirstInput(t *testing.T) {
	stdout, _, code := cli(t, "", "analyze", "-n", "1", "missing.prof", webhook)
	if code != 1 || !strings.HasPrefix(stdout, webhook+" — ") {
		t.Errorf("exit %d, output starts %.40q; want 1 and the webhook report first", code, stdout)
	}
}
