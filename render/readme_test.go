package render

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

// TestREADMEExcerpt checks the report excerpt under the README's "Try it"
// against the report of the same dump: every line it shows must be a line
// of the report, or the start of one where the excerpt cuts it with "...".
func TestREADMEExcerpt(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "\n## Try it\n")
	parts := strings.Split(section, "```")
	if len(parts) < 4 {
		t.Fatal("no report excerpt under the README's Try it")
	}
	excerpt := strings.TrimPrefix(parts[3], "\n")
	p, err := parse.File(filepath.Join("..", "testdata", "webhook", "webhook.pstats"), parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Text(&b, analyze.Analyze(p, analyze.Options{})); err != nil {
		t.Fatal(err)
	}
	report := "\n" + b.String()
	checked := 0
	for _, line := range strings.Split(strings.TrimRight(excerpt, "\n"), "\n") {
		if strings.TrimSpace(line) == "..." {
			continue
		}
		want := "\n" + line + "\n"
		if cut, ok := strings.CutSuffix(line, " ..."); ok {
			want = "\n" + cut
		}
		if !strings.Contains(report, want) {
			t.Errorf("README shows %q, which the report does not print", line)
		}
		checked++
	}
	if checked < 10 {
		t.Errorf("checked only %d lines of the excerpt", checked)
	}
}
