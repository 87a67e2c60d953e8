package render

import (
	"bytes"
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

// loopReport analyzes a dump under testdata, with the stacks the HTML
// report needs.
func loopReport(t *testing.T, dump string) *analyze.Report {
	t.Helper()
	p, err := parse.File(filepath.Join("..", "testdata", dump), parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	so := FlameOptions{}.StackOptions()
	r := analyze.Analyze(p, analyze.Options{Stacks: &so})
	if r.Loop == nil || len(r.Loop.Blockers) == 0 {
		t.Fatalf("%s: no loop blockers", dump)
	}
	return r
}

// TestBlockerWords checks the blocker line on real dumps: a single call is
// "1 call" with no per-call figure and no bounds, several calls get both,
// and bounds that meet are one figure. The real dump's figures depend on
// the machine that recorded it, so its lines are matched by shape; the
// made-up blocker's exactly.
func TestBlockerWords(t *testing.T) {
	l := loopReport(t, "loop/blocking.pstats").Loop
	blocker := func(name string) analyze.Blocker {
		for _, b := range l.Blockers {
			if b.Func.Name == name {
				return b
			}
		}
		t.Fatalf("no blocker %s", name)
		return analyze.Blocker{}
	}
	const amount = `[0-9.]+ [µm]?s`
	tests := []struct {
		name       string
		bl         analyze.Blocker
		held, more string // regular expressions
	}{
		{"one call (build_index at start-up)", blocker("build_index"),
			`^x held the loop ` + amount + ` \([0-9]+% of busy\) in 1 call$`,
			`^1\.0 calls per step; a step probably passed asyncio's 100 ms slow-callback warning$`},
		{"several calls (time.sleep)", blocker("<built-in method time.sleep>"),
			`^x held the loop ` + amount + ` \([0-9]+% of busy\) in 24 calls, ` + amount + ` each$`,
			`^worst call between ` + amount + ` and ` + amount + `; 1\.0 calls per step$`},
		{"bounds that meet", analyze.Blocker{Calls: 2, Cost: 0.2, PerCall: 0.1, WorstCallMin: 0.1, WorstCallMax: 0.1, ShareOfBusy: 0.5},
			`^x held the loop 200 ms \(50% of busy\) in 2 calls, 100 ms each$`, `^every call took 100 ms$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := blockerHeld("x", tt.bl); !regexp.MustCompile(tt.held).MatchString(got) {
				t.Errorf("held: %q, want %s", got, tt.held)
			}
			if got := blockerBounds(l, tt.bl); !regexp.MustCompile(tt.more).MatchString(got) {
				t.Errorf("bounds: %q, want %s", got, tt.more)
			}
		})
	}
}

// TestLoopWordsAgree checks that the table, Markdown, HTML and JSON reports
// give every blocker the same words, on the dump whose blockers need four
// different fixes.
func TestLoopWordsAgree(t *testing.T) {
	r := loopReport(t, "loop/advice.pstats")
	var text, md, page, js bytes.Buffer
	if err := Text(&text, r); err != nil {
		t.Fatal(err)
	}
	if err := HTML(&page, r, FlameOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&md, r); err != nil {
		t.Fatal(err)
	}
	if err := JSON(&js, r); err != nil {
		t.Fatal(err)
	}
	var doc oracleDocument
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(text.String()), " ")
	for i, bl := range r.Loop.Blockers {
		want := adviceText(r.Loop, bl, r.Findings)
		if !strings.Contains(flat, want) {
			t.Errorf("table report lacks blocker %d's advice %q", i+1, want)
		}
		if !strings.Contains(md.String(), mdText(want)) {
			t.Errorf("Markdown report lacks blocker %d's advice %q", i+1, want)
		}
		held := blockerHeld("", bl) + "; " + blockerBounds(r.Loop, bl)
		for _, s := range []string{held, want} {
			if !strings.Contains(page.String(), html.EscapeString(s)) {
				t.Errorf("HTML report lacks blocker %d's words %q", i+1, s)
			}
		}
		jb := doc.Loop.Blockers[i]
		if jb.Advice != want || jb.Fix.Kind != string(bl.Advice.Kind) || jb.Fix.PerCall != bl.Advice.PerCall {
			t.Errorf("JSON blocker %d: advice %q, fix %+v; want %q and %+v", i+1, jb.Advice, jb.Fix, want, bl.Advice)
		}
	}
}

// TestLoopAdviceCase applies the development case's expectations to the
// words: the asyncio handler that builds a Jinja2 environment per request
// is told to build the template once, never to move it to an executor.
func TestLoopAdviceCase(t *testing.T) {
	const cases = "../../shared/profiles/cases"
	raw, err := os.ReadFile(filepath.Join(cases, "expected.json"))
	if os.IsNotExist(err) {
		t.Skipf("%s is absent", cases)
	}
	if err != nil {
		t.Fatal(err)
	}
	var entries []struct {
		File string `json:"file"`
		Loop *struct {
			Advice    string `json:"advice"`
			AdviceNot string `json:"advice_not"`
		} `json:"loop"`
	}
	if err := json.Unmarshal(raw, &entries); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, c := range entries {
		if c.Loop == nil {
			continue
		}
		p, err := parse.File(filepath.Join(cases, c.File), parse.Options{})
		if err != nil {
			t.Fatal(err)
		}
		r := analyze.Analyze(p, analyze.Options{})
		if r.Loop == nil || len(r.Loop.Blockers) == 0 {
			t.Errorf("%s: no loop blockers", c.File)
			continue
		}
		// The patterns are Python's; the syntax they use ((?i), \b) is Go's too.
		advice := adviceText(r.Loop, r.Loop.Blockers[0], r.Findings)
		if !regexp.MustCompile(c.Loop.Advice).MatchString(advice) || regexp.MustCompile(c.Loop.AdviceNot).MatchString(advice) {
			t.Errorf("%s: advice %q; want /%s/ and not /%s/", c.File, advice, c.Loop.Advice, c.Loop.AdviceNot)
		}
		checked++
	}
	if checked == 0 {
		t.Error("no case has loop expectations")
	}
}
