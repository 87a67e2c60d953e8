package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// readme returns the README's section under heading, up to the next one.
func readme(t *testing.T, heading string) string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	i := strings.Index(s, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("README has no %q section", heading)
	}
	s = s[i+len(heading)+2:]
	if j := strings.Index(s, "\n## "); j >= 0 {
		s = s[:j]
	}
	return s
}

// TestReadmeExample runs the README's example and checks that every line
// it shows, but for the "..." that stand for lines left out, is in the
// output, in the same order.
func TestReadmeExample(t *testing.T) {
	section := readme(t, "## Try it")
	// The output is the code block without a language; the command's is "sh".
	var shown []string
	in, plain := false, false
	for _, line := range strings.Split(section, "\n") {
		switch {
		case strings.HasPrefix(line, "```"):
			in, plain = !in, line == "```"
		case in && plain:
			shown = append(shown, line)
		}
	}
	if len(shown) == 0 {
		t.Fatal("no output block in Try it")
	}
	t.Chdir("../..") // where the README's command runs
	stdout, stderr, code := cli(t, "", "analyze", "testdata/webhook/webhook.pstats")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	out := strings.Split(stdout, "\n")
	at := 0
	for _, line := range shown {
		if strings.TrimSpace(line) == "..." {
			continue
		}
		i := slices.Index(out[at:], line)
		if i < 0 {
			t.Errorf("README line %q is not in the output after its line %d:\n%s", line, at, stdout)
			return
		}
		at += i + 1
	}
}

// TestReadmeExitStatus checks that the README's exit-status table lists
// the statuses the help lists, which TestExitStatus and the output tests
// produce.
func TestReadmeExitStatus(t *testing.T) {
	var readmeCodes []string
	for _, m := range regexp.MustCompile(`(?m)^\| ([0-9]) \| `).FindAllStringSubmatch(readme(t, "## Usage"), -1) {
		readmeCodes = append(readmeCodes, m[1])
	}
	var helpCodes []string
	for _, m := range regexp.MustCompile(`(?:: |, |\n)([0-9]) `).FindAllStringSubmatch(exitStatusHelp, -1) {
		helpCodes = append(helpCodes, m[1])
	}
	if want := []string{"0", "1", "2", "3", "4"}; !slices.Equal(readmeCodes, want) || !slices.Equal(helpCodes, want) {
		t.Errorf("README lists exit statuses %v and help %v, want %v", readmeCodes, helpCodes, want)
	}
}
