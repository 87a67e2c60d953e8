package analyze

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/loopdoctor/loopdoctor/parse"
)

// casesDir holds the development cases: programs nobody tuned the detector
// for, their dumps, and the verdict a correct report gives on each. CI
// clones the shared directory beside the repository.
const casesDir = "../../shared/profiles/cases"

// devCase is one entry of the cases' expected.json.
type devCase struct {
	File     string  `json:"file"`
	Expect   string  `json:"expect"` // "finding" or "none"
	Culprit  *string `json:"culprit"`
	CallSite *string `json:"call_site"`
	Why      string  `json:"why"`
	Loop     *struct {
		Blocker   string `json:"blocker"`
		Advice    string `json:"advice"`
		AdviceNot string `json:"advice_not"`
	} `json:"loop"`
}

// knownWrong names the cases the analysis does not get right yet, each with
// whose work fixes it. The test fails when one of them becomes right, so
// the set only shrinks.
var knownWrong = map[string]string{}

// TestCases applies the rules of the cases' check.py to Analyze's report:
// a positive's first finding is repeated setup at the culprit, called from
// the call site (or naming the user's building function itself); a
// negative has no repeated-setup finding; a case with loop expectations
// names the handler as the first blocker, with advice that fits.
func TestCases(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(casesDir, "expected.json"))
	if os.IsNotExist(err) {
		t.Skipf("%s is absent", casesDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	var cases []devCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.File, func(t *testing.T) {
			p, err := parse.File(filepath.Join(casesDir, c.File), parse.Options{})
			if err != nil {
				t.Fatal(err)
			}
			problem := judge(c, Analyze(p, Options{}))
			owner, known := knownWrong[c.File]
			switch {
			case problem != "" && !known:
				t.Errorf("%s\nwant: %s", problem, c.Why)
			case problem == "" && known:
				t.Errorf("right now; remove it from knownWrong (%s)", owner)
			case problem != "":
				t.Logf("known wrong (%s): %s", owner, problem)
			}
		})
	}
}

// judge returns what is wrong with r for c, or "" when r is right.
func judge(c devCase, r *Report) string {
	var setup []Finding
	for _, f := range r.Findings {
		if f.Kind == KindRepeatedSetup {
			setup = append(setup, f)
		}
	}
	if c.Expect == "none" {
		if len(setup) > 0 {
			return fmt.Sprintf("false alarm: %d findings, first %s at %s", len(setup), setup[0].Title, caseLabel(setup[0].Func))
		}
		return ""
	}
	if len(r.Findings) == 0 {
		return "miss: no finding"
	}
	first := r.Findings[0]
	fn, site := caseLabel(first.Func), caseLabel(first.CallSite)
	switch {
	case first.Kind != KindRepeatedSetup:
		return "first finding is of kind " + first.Kind
	case !searches(*c.Culprit, fn):
		return fmt.Sprintf("first finding at %s, not the culprit %s", fn, *c.Culprit)
	case !searches(*c.CallSite, site) && !searches(*c.CallSite, fn):
		return fmt.Sprintf("first finding called from %s, not %s", site, *c.CallSite)
	}
	if c.Loop == nil {
		return ""
	}
	if r.Loop == nil || len(r.Loop.Blockers) == 0 {
		return "no event-loop blockers"
	}
	b := r.Loop.Blockers[0]
	if !searches(c.Loop.Blocker, caseLabel(b.Func)) && !searches(c.Loop.Blocker, caseLabel(b.CallSite)) {
		return fmt.Sprintf("first loop blocker %s from %s, not the handler", caseLabel(b.Func), caseLabel(b.CallSite))
	}
	// The case asks for "once", "cache" or "reuse" and no executor:
	// render words that advice for AdviceBuildOnce only, and its test
	// applies the case's patterns to the words.
	if b.Advice.Kind != AdviceBuildOnce {
		return fmt.Sprintf("loop advice %+v, not to build it once", b.Advice)
	}
	return ""
}

// caseLabel is check.py's "file:line(name)" for a function, "" for none.
func caseLabel(f *parse.Func) string {
	if f == nil {
		return ""
	}
	return fmt.Sprintf("%s:%d(%s)", f.File, f.Line, f.Name)
}

// searches is Python's re.search: expected.json's patterns are Python
// regular expressions, and the ones it uses ((?i), \d, \b) mean the same
// in Go. An empty subject matches nothing, as check.py's None does.
func searches(pattern, s string) bool {
	return s != "" && regexp.MustCompile(pattern).MatchString(s)
}
