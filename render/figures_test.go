package render

import (
	"bytes"
	"encoding/json"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

// ranFigures pulls the total, per-call cost and share out of a "ran"
// fact's sentence.
var ranFigures = regexp.MustCompile(`for (\S+ \S+) in total: (\S+ \S+) per call, (\S+) of the run\.`)

// TestSameFigures checks that a quantity prints the same way in every
// report: each fact's sentence in JSON is the one the terminal report and
// Markdown print; the cost, share and per-call cost of the function a
// finding names read the same in its evidence as in that function's row of
// the terminal and Markdown tables; and the finding's own cost and share
// read the same in both headings. It runs on the motivating dump and on
// every pstats dump of the setup and loop test data and every pprof dump.
func TestSameFigures(t *testing.T) {
	dumps := []string{filepath.Join("..", "testdata", "webhook", "webhook.pstats")}
	for _, pattern := range []string{"setup/*.pstats", "loop/*.pstats", "setup/*/*.pb.gz", "setup/*/*.pprof", "pprof/*/*.pb.gz"} {
		more, _ := filepath.Glob(filepath.Join("..", "testdata", pattern))
		dumps = append(dumps, more...)
	}
	rows := 0
	for _, dump := range dumps {
		t.Run(strings.TrimPrefix(dump, "../testdata/"), func(t *testing.T) {
			p, err := parse.File(dump, parse.Options{})
			if err != nil {
				t.Fatal(err)
			}
			rows += sameFigures(t, analyze.Analyze(p, analyze.Options{}))
		})
	}
	t.Logf("%d findings compared with their table rows", rows)
	if rows < 5 {
		t.Errorf("only %d findings compared with their table rows; the test data should give more", rows)
	}
}

// sameFigures checks r's reports as TestSameFigures says and returns how
// many findings it compared with a table row.
func sameFigures(t *testing.T, r *analyze.Report) (rows int) {
	var text, md, js bytes.Buffer
	if err := Text(&text, r); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&md, r); err != nil {
		t.Fatal(err)
	}
	if err := JSON(&js, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Findings []struct {
			Evidence []struct{ Kind, Text string }
		}
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	flatText := flat(text.String())
	flatMD := flat(strings.NewReplacer(`\`, "", "`", "").Replace(md.String())) // no escapes, no code spans
	textRows := tableLines(text.String(), "TOP FUNCTIONS")
	mdRows := tableLines(md.String(), "<summary>Top")
	if len(mdRows) == 0 { // a short listing is not folded
		mdRows = tableLines(md.String(), "### Top functions")
	}
	// A heading too long for the line puts its figures on a line of their
	// own.
	findings, _, _ := strings.Cut(text.String()[strings.Index(text.String(), "\nFINDINGS\n")+1:], "\n\n")
	th := regexp.MustCompile(`(?m)^(?: ?\d+\. +(?:HIGH|MEDIUM|LOW) .*?| +)(\S+ \S+)  (\S+%)$`).FindAllStringSubmatch(findings, -1)
	mh := regexp.MustCompile(`(?m)^### \d+\. .* — (\S+ \S+), (\S+) of the run$`).FindAllStringSubmatch(md.String(), -1)

	for i, f := range r.Findings {
		for _, e := range doc.Findings[i].Evidence {
			if !strings.Contains(flatText, flat(e.Text)) {
				t.Errorf("terminal report lacks JSON's %s sentence %q", e.Kind, e.Text)
			}
			if !strings.Contains(flatMD, flat(e.Text)) {
				t.Errorf("Markdown lacks JSON's %s sentence %q", e.Kind, e.Text)
			}
		}
		if len(th) <= i || len(mh) <= i || th[i][1] != mh[i][1] || th[i][2] != mh[i][2] {
			t.Errorf("finding %d's headings differ: terminal %q, Markdown %q", i+1, th, mh)
		}

		// The finding's function's row holds the same quantities when the
		// fact counts every call of it.
		ran := f.Evidence[0]
		if ran.Kind != analyze.FactRan || math.Abs(ran.Cost-ran.Func.Cum) > 1e-12 || ran.Calls != ran.Func.Primitive {
			continue
		}
		m := ranFigures.FindStringSubmatch(doc.Findings[i].Evidence[0].Text)
		if m == nil {
			t.Errorf("JSON's sentence %q has no figures", doc.Findings[i].Evidence[0].Text)
			continue
		}
		row := slices.IndexFunc(r.Rows, func(rw analyze.Row) bool { return rw.Func == ran.Func })
		if row < 0 || row >= len(textRows) || row >= len(mdRows) {
			t.Errorf("%s is not in both tables", ran.Func)
			continue
		}
		rows++
		cells := regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(textRows[row]), -1)
		if cells[0] != m[1] || cells[1] != m[3] || cells[4] != m[2] {
			t.Errorf("table row %q, want cum %s, cum%% %s, cum/call %s as in the evidence", textRows[row], m[1], m[3], m[2])
		}
		cells = strings.Split(strings.Trim(mdRows[row], "| "), " | ")
		if cells[0] != m[1] || cells[1] != m[3] || cells[4] != m[2] {
			t.Errorf("Markdown row %q, want cum %s, %% %s, cum/call %s as in the evidence", mdRows[row], m[1], m[3], m[2])
		}
	}
	return rows
}

// tableLines returns the data lines of the first table after the line
// holding title: for the terminal report the lines after its rule, for
// Markdown the lines after its alignment row.
func tableLines(out, title string) []string {
	lines := strings.Split(out, "\n")
	start := -1
	for i, l := range lines {
		if start < 0 && strings.Contains(l, title) {
			start = i
		}
		if start >= 0 && (strings.HasPrefix(l, "-----") || strings.HasPrefix(l, "|---:")) {
			var rows []string
			for _, r := range lines[i+1:] {
				if strings.TrimSpace(r) == "" {
					break
				}
				rows = append(rows, r)
			}
			return rows
		}
	}
	return nil
}
