package render

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/internal/location"
)

// TestWindowsLocations reads a dump recorded with Windows paths (drive
// letters, backslashes, a standard library in a prefix not named after
// Python) and checks every place a location prints: each table row shows
// its file's name and line, however deep the path; callers, the Markdown
// report, flame labels and folded frames use the same short form; nothing
// printed carries the install prefix.
func TestWindowsLocations(t *testing.T) {
	r := dumpReport(t, "windows/windows.pstats")
	r = analyze.Analyze(r.Profile, analyze.Options{Top: 40, Callers: regexp.MustCompile(`load_settings`),
		Stacks: &analyze.StackOptions{}})
	var b bytes.Buffer
	if err := Text(&b, r); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	const prefix = `C:\Users\dev\scoop\apps\python\current\Lib`
	if strings.Contains(text, prefix) {
		t.Errorf("the report prints the install prefix %s", prefix)
	}
	table := text[strings.Index(text, "TOP FUNCTIONS"):]
	lines := strings.Split(table, "\n")[3:]
	for i, row := range r.Rows {
		f := row.Func
		if f.File == "~" || strings.HasPrefix(f.File, "<") {
			continue
		}
		if want := location.Base(f.File) + ":" + strconv.Itoa(f.Line); !strings.Contains(lines[i], want) {
			t.Errorf("row %d %q does not show %s", i+1, lines[i], want)
		}
	}
	if want := "CALLERS of " + location.Label(r.Callers[0].Func); !strings.Contains(text, want) {
		t.Errorf("the callers section lacks %q", want)
	}

	b.Reset()
	if err := Markdown(&b, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), prefix) || !strings.Contains(b.String(), `yaml\__init__.py:117 safe_load`) {
		t.Errorf("the Markdown report carries the install prefix or lacks the short yaml location:\n%s", b.String())
	}

	b.Reset()
	if err := Folded(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`;asyncio\events.py:78 _run;`, `;yaml\__init__.py:117 safe_load;`, `D:\projects\orders-service\app\app.py:20 load_settings`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("folded stacks lack the frame %q", want)
		}
	}
	if strings.Contains(b.String(), prefix) {
		t.Errorf("folded stacks carry the install prefix %s", prefix)
	}
	g := &flameGraph{s: r.Stacks}
	for _, f := range r.Profile.Funcs {
		if info := g.funcInfo(f); strings.Contains(info[1], prefix) {
			t.Errorf("flame graph locates %s at %s", f.Name, info[1])
		}
	}
}
