package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/internal/units"
	"github.com/loopdoctor/loopdoctor/parse"
)

// diffPair compares the before/after dumps of testdata/diff with the
// stacks a flame graph of opts needs.
func diffPair(t *testing.T, opts FlameOptions) *analyze.Diff {
	t.Helper()
	var ps [2]*parse.Profile
	for i, name := range []string{"diff/before.pstats", "diff/after.pstats"} {
		p, err := parse.File(filepath.Join("..", "testdata", name), parse.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ps[i] = p
	}
	so := opts.StackOptions()
	d, err := analyze.Compare(ps[0], ps[1], analyze.Options{Stacks: &so})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// svgFrames reads the drawn frames' fills and the script's data from a
// flame graph SVG.
func svgFrames(t *testing.T, svg string) (fills []string, data flameData) {
	t.Helper()
	frames := svg[strings.Index(svg, `<g id="ld-frames">`):strings.Index(svg, `<g id="ld-outlines">`)]
	for _, m := range regexp.MustCompile(`fill="(#[0-9a-f]{6})"`).FindAllStringSubmatch(frames, -1) {
		fills = append(fills, m[1])
	}
	start := strings.Index(svg, "var LDFLAME = ") + len("var LDFLAME = ")
	if err := json.Unmarshal([]byte(svg[start:start+strings.Index(svg[start:], ";\n")]), &data); err != nil {
		t.Fatalf("script data: %v", err)
	}
	return fills, data
}

// TestDiffFlame draws the fix of testdata/diff in both shapes: the yacc
// frames shrink and are blue, the paths that vanished appear only in the
// base run's shape, and each frame's details carry both runs' values.
func TestDiffFlame(t *testing.T) {
	d := diffPair(t, FlameOptions{MinWidth: 0.1})
	for _, baseShape := range []bool{false, true} {
		var b bytes.Buffer
		if err := DiffFlame(&b, d, DiffFlameOptions{BaseShape: baseShape}); err != nil {
			t.Fatal(err)
		}
		fills, data := svgFrames(t, b.String())
		n := len(data.Frames) / 4
		if len(fills) != n || len(data.Diff) != 2*n {
			t.Fatalf("base shape %v: %d rects, %d frames, %d diff values", baseShape, len(fills), n, len(data.Diff))
		}
		yacc, vanished, appeared := 0, 0, 0
		for k := range n {
			base, next, drawn := data.Diff[2*k], data.Diff[2*k+1], data.Frames[4*k+2]
			if want := map[bool]int64{false: next, true: base}[baseShape]; drawn != want {
				t.Errorf("frame %d is %d wide, want its %s value %d", k, drawn, map[bool]string{false: "new", true: "base"}[baseShape], want)
			}
			if next == 0 && data.Funcs[data.Frames[4*k]][0] != otherName { // an "other" frame may hold under 1 µs
				vanished++
			}
			if base == 0 {
				appeared++
			}
			if data.Funcs[data.Frames[4*k]][0] != "yacc" {
				continue
			}
			yacc++
			r, _ := strconv.ParseUint(fills[k][1:3], 16, 8)
			bl, _ := strconv.ParseUint(fills[k][5:7], 16, 8)
			if next >= base || bl <= r {
				t.Errorf("yacc frame %d: %d → %d drawn %s, want it to shrink and be blue", k, base, next, fills[k])
			}
		}
		if yacc == 0 {
			t.Errorf("base shape %v: no yacc frame", baseShape)
		}
		if baseShape && (vanished == 0 || appeared > 0) || !baseShape && vanished > 0 {
			t.Errorf("base shape %v: %d vanished frames, %d new ones drawn", baseShape, vanished, appeared)
		}
		if !strings.Contains(b.String(), "values as recorded, not normalized") {
			t.Errorf("the subtitle does not say the values are not normalized")
		}
	}
}

// TestDiffFlameNormalize checks --normalize scales the base run to the new
// run's total, and says so.
func TestDiffFlameNormalize(t *testing.T) {
	d := diffPair(t, FlameOptions{MinWidth: 0.1})
	var b bytes.Buffer
	if err := DiffFlame(&b, d, DiffFlameOptions{Normalize: true}); err != nil {
		t.Fatal(err)
	}
	_, data := svgFrames(t, b.String())
	if base, next := data.Diff[0], data.Diff[1]; base != next {
		t.Errorf("normalized root: base %d, new %d; want equal", base, next)
	}
	want := "normalized: BASE scaled by " + strconv.FormatFloat(d.Stacks.NewTotal/d.Stacks.BaseTotal, 'g', 3, 64)
	if !strings.Contains(b.String(), want) {
		t.Errorf("the subtitle does not say %q", want)
	}
}

func TestDiffFlameGolden(t *testing.T) {
	d := diffPair(t, FlameOptions{MinWidth: 0.1})
	var svg, png bytes.Buffer
	if err := DiffFlame(&svg, d, DiffFlameOptions{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "diff.svg", svg.Bytes())
	if err := DiffPNG(&png, d, DiffFlameOptions{BaseShape: true}); err != nil {
		t.Fatal(err)
	}
	// docs/diff-flame.png is the picture the README shows.
	goldenPNG(t, filepath.Join("..", "docs", "diff-flame.png"), png.Bytes())
}

// TestDiffHTML checks the comparison page holds the graph, the findings
// that changed and the changed functions, and fetches nothing.
func TestDiffHTML(t *testing.T) {
	d := diffPair(t, FlameOptions{MinWidth: 0.1})
	var b bytes.Buffer
	if err := DiffHTML(&b, d, DiffFlameOptions{}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{`<svg xmlns="http://www.w3.org/2000/svg"`, "Differential flame graph: before.pstats → after.pstats",
		"disappeared: Repeated ply parser-table build", "<code>ply/yacc.py:3216 yacc</code>", "(was line 20)"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if regexp.MustCompile(`(?i)(href|src)=["']?(https?:)?//`).MatchString(page) {
		t.Errorf("the page refers to the network")
	}
}

// TestDiffFlameInBrowser hovers a yacc frame of the differential graph in
// headless Chromium: its details must give both runs' values and the
// change, and the search must still report the matched share.
func TestDiffFlameInBrowser(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("drives Chromium; skipped under -short")
	}
	browser := chromium(t)
	d := diffPair(t, FlameOptions{MinWidth: 0.1})
	var b bytes.Buffer
	if err := DiffFlame(&b, d, DiffFlameOptions{BaseShape: true}); err != nil {
		t.Fatal(err)
	}
	_, data := svgFrames(t, b.String())
	k := -1
	for i := 0; i < len(data.Frames)/4; i++ {
		if data.Funcs[data.Frames[4*i]][0] == "yacc" {
			k = i
			break
		}
	}
	if k < 0 {
		t.Fatal("no yacc frame")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "diff.svg")
	page := strings.Replace(b.String(), "</svg>\n", fmt.Sprintf(browserCheck, "^yacc$", k), 1)
	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	var got browserResult
	runBrowser(t, browser, dir, file, &got)
	base, next := float64(data.Diff[2*k])/data.Scale, float64(data.Diff[2*k+1])/data.Scale
	want := "base " + units.Value(base, data.Unit) + " → new " + units.Value(next, data.Unit) + " · change " + units.Value(next-base, data.Unit)
	if !got.TipShown || !strings.Contains(got.Tip, want) {
		t.Errorf("hovering yacc showed %q, want it to say %q", got.Tip, want)
	}
	if !strings.HasPrefix(got.Matched, "Matched: ") || got.Highlighted == 0 {
		t.Errorf("search ^yacc$: %q with %d frames highlighted", got.Matched, got.Highlighted)
	}
}

// TestDiffFlameEmpty compares an empty run with a real one: the graph in
// the empty run's shape is its root alone, the other has every frame of
// the new run, none shrunk.
func TestDiffFlameEmpty(t *testing.T) {
	empty := &parse.Profile{Source: "empty.prof", Format: parse.Pstats, Dialect: "cprofile", Unit: "seconds"}
	if err := empty.Normalize(); err != nil {
		t.Fatal(err)
	}
	after, err := parse.File(filepath.Join("..", "testdata", "diff", "after.pstats"), parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	so := FlameOptions{}.StackOptions()
	d, err := analyze.Compare(empty, after, analyze.Options{Stacks: &so})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		opts   DiffFlameOptions
		frames int
	}{{DiffFlameOptions{BaseShape: true}, 1}, {DiffFlameOptions{Normalize: true}, len(d.New.Stacks.Frames)}} {
		var b, p bytes.Buffer
		if err := DiffFlame(&b, d, tt.opts); err != nil {
			t.Fatal(err)
		}
		if err := DiffPNG(&p, d, tt.opts); err != nil {
			t.Fatal(err)
		}
		fills, data := svgFrames(t, b.String())
		if tt.opts.Normalize && !strings.Contains(b.String(), "not normalized: BASE's total is 0") {
			t.Errorf("the subtitle does not say an empty BASE cannot be normalized")
		}
		if len(fills) != tt.frames {
			t.Errorf("%+v: %d frames drawn, want %d", tt.opts, len(fills), tt.frames)
		}
		for k := 1; k < len(fills); k++ {
			r, _ := strconv.ParseUint(fills[k][1:3], 16, 8)
			bl, _ := strconv.ParseUint(fills[k][5:7], 16, 8)
			if data.Diff[2*k] != 0 || bl > r {
				t.Errorf("frame %d: base %d, fill %s; want base 0 and a red or grey fill", k, data.Diff[2*k], fills[k])
			}
		}
	}
}

// TestDiffHTMLInBrowser loads the comparison page in headless Chromium: no
// error, the graph's frames drawn, and its search working inside the page.
func TestDiffHTMLInBrowser(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("drives Chromium; skipped under -short")
	}
	browser := chromium(t)
	d := diffPair(t, FlameOptions{MinWidth: 0.1})
	var b bytes.Buffer
	if err := DiffHTML(&b, d, DiffFlameOptions{}); err != nil {
		t.Fatal(err)
	}
	check := `<script>
window.addEventListener('load', function () {
  var out = {errors: LDERRORS};
  try {
    var rects = document.querySelectorAll('#ld-frames rect');
    out.drawn = Array.prototype.filter.call(rects, function (r) { return r.getBBox().width > 0; }).length;
    out.frames = rects.length;
    var search = document.getElementById('ld-search');
    search.value = '^yacc$';
    search.dispatchEvent(new Event('input'));
    out.matched = document.getElementById('ld-matched').textContent;
  } catch (e) { out.errors.push('check: ' + e); }
  var t = document.createElement('pre');
  t.textContent = 'LDRESULT' + JSON.stringify(out) + 'LDEND';
  document.body.appendChild(t);
});
</script>
`
	page := strings.Replace(b.String(), "<title>", htmlErrorTrap+"<title>", 1)
	page = strings.Replace(page, "</body>", check+"</body>", 1)
	dir := t.TempDir()
	file := filepath.Join(dir, "diff.html")
	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Errors        []string
		Drawn, Frames int
		Matched       string
	}
	runBrowser(t, browser, dir, file, &got)
	_, data := svgFrames(t, b.String())
	// Frames narrower than 0.05 px are written 0.0 wide and draw nothing.
	svg := b.String()
	wide := 0
	for _, m := range regexp.MustCompile(`<rect x="[0-9.]+" y="[0-9]+" width="([0-9.]+)"`).FindAllStringSubmatch(svg[strings.Index(svg, `<g id="ld-frames">`):strings.Index(svg, `<g id="ld-outlines">`)], -1) {
		if w, _ := strconv.ParseFloat(m[1], 64); w > 0 {
			wide++
		}
	}
	if len(got.Errors) > 0 || got.Frames != len(data.Frames)/4 || got.Drawn != wide || !strings.HasPrefix(got.Matched, "Matched: ") {
		t.Errorf("page: errors %q, %d of %d frames drawn (want %d of %d), search %q", got.Errors, got.Drawn, got.Frames, wide, len(data.Frames)/4, got.Matched)
	}
}
