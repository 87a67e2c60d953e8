package render

import (
	"bytes"
	"encoding/json"
	"math"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

// ranFigures pulls the total, per-call cost and share out of a "ran"
// fact's sentence.
var ranFigures = regexp.MustCompile(`for (\S+ \S+) in total: (\S+ \S+) per call, (\S+) of the run\.`)

// TestSameFigures checks that a quantity prints the same way in every
// report of the motivating dump: the cost, share and per-call cost of the
// function a finding names read the same in its evidence in the terminal
// report, in Markdown and in JSON, and the same as in that function's row
// of the terminal and Markdown tables; the finding's own cost and share
// read the same in both headings.
func TestSameFigures(t *testing.T) {
	p, err := parse.File(filepath.Join("..", "testdata", "webhook", "webhook.pstats"), parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := analyze.Analyze(p, analyze.Options{})
	if len(r.Findings) == 0 {
		t.Fatal("no finding in the motivating dump")
	}
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
			Cost, Share float64
			Evidence    []struct{ Kind, Text string }
		}
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	flatText := strings.Join(strings.Fields(text.String()), " ")
	flatMD := strings.ReplaceAll(md.String(), `\`, "")
	textRows := tableLines(text.String(), "TOP FUNCTIONS")
	mdRows := tableLines(md.String(), "<summary>Top")

	for i, f := range r.Findings {
		ran := f.Evidence[0]
		if ran.Kind != analyze.FactRan {
			t.Fatalf("finding %d opens with %s, want a ran fact", i+1, ran.Kind)
		}
		sentence := doc.Findings[i].Evidence[0].Text
		m := ranFigures.FindStringSubmatch(sentence)
		if m == nil {
			t.Fatalf("JSON's sentence %q has no figures", sentence)
		}
		if !strings.Contains(flatText, sentence) {
			t.Errorf("terminal report lacks JSON's sentence %q", sentence)
		}
		if !strings.Contains(flatMD, sentence) {
			t.Errorf("Markdown lacks JSON's sentence %q", sentence)
		}
		// The finding's function's own row: the same quantities when the
		// fact counts every call of it.
		if math.Abs(ran.Cost-ran.Func.Cum) > 1e-12 || ran.Calls != ran.Func.Primitive {
			t.Fatalf("finding %d's fact counts %d calls for %v, the table %d for %v: pick a finding whose figures are the table's",
				i+1, ran.Calls, ran.Cost, ran.Func.Primitive, ran.Func.Cum)
		}
		row := -1
		for j, rw := range r.Rows {
			if rw.Func == ran.Func {
				row = j
			}
		}
		if row < 0 {
			t.Fatalf("%s is not in the table", ran.Func)
		}
		cells := regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(textRows[row]), -1)
		if want := []string{m[1], m[3], m[2]}; cells[0] != want[0] || cells[1] != want[1] || cells[4] != want[2] {
			t.Errorf("table row %q, want cum %s, cum%% %s, cum/call %s as in the evidence", textRows[row], want[0], want[1], want[2])
		}
		cells = strings.Split(strings.Trim(mdRows[row], "| "), " | ")
		if want := []string{m[1], m[3], m[2]}; cells[0] != want[0] || cells[1] != want[1] || cells[4] != want[2] {
			t.Errorf("Markdown row %q, want cum %s, %% %s, cum/call %s as in the evidence", mdRows[row], want[0], want[1], want[2])
		}

		// The finding's heading.
		th := regexp.MustCompile(`(?m)^ ?\d+\. +(?:HIGH|MEDIUM|LOW) .*?(\S+ \S+)  (\S+%)$`).FindAllStringSubmatch(text.String(), -1)
		mh := regexp.MustCompile(`(?m)^### \d+\. .* — (\S+ \S+), (\S+) of the run$`).FindAllStringSubmatch(md.String(), -1)
		if len(th) <= i || len(mh) <= i || th[i][1] != mh[i][1] || th[i][2] != mh[i][2] {
			t.Errorf("finding %d's headings differ: terminal %q, Markdown %q", i+1, th, mh)
		}
	}
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
