package render

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

func TestFlameGolden(t *testing.T) {
	tests := []struct {
		name   string
		dump   string
		opts   FlameOptions
		golden string
	}{
		{"finding outlined", "setup/config_copy.pstats", FlameOptions{MinWidth: 0.1}, "config_copy.svg"},
		{"pprof cpu", "pprof/cpu/cpu.pb.gz", FlameOptions{MinWidth: 0.1}, "cpu.svg"},
		{"icicle, narrow, titled", "pstats/recursive-3.11.pstats",
			FlameOptions{Width: 600, Title: "recursion <&>", MinWidth: 2, Inverted: true}, "recursive-3.11.inverted.svg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := drawFlame(&b, dumpReport(t, tt.dump), tt.opts); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.golden, b.Bytes())
		})
	}
}

// rects counts the frames drawn in an SVG and those with a class.
func rects(svg, class string) (all, classed int) {
	frames := svg[strings.Index(svg, `<g id="ld-frames">`):strings.Index(svg, `<g id="ld-outlines">`)]
	return strings.Count(frames, "<rect "), strings.Count(frames, `class="`+class+`"`)
}

func TestFlameContent(t *testing.T) {
	r := dumpReport(t, "setup/config_copy.pstats")
	var b bytes.Buffer
	if err := drawFlame(&b, r, FlameOptions{}); err != nil {
		t.Fatal(err)
	}
	svg := b.String()
	s := restack(r, FlameOptions{}.StackOptions()).Stacks
	all, estimated := rects(svg, "e")
	wantEst := 0
	for _, f := range s.Frames {
		if f.Estimated {
			wantEst++
		}
	}
	if all != len(s.Frames) || estimated != wantEst {
		t.Errorf("drew %d frames, %d estimated; want %d, %d", all, estimated, len(s.Frames), wantEst)
	}
	// The finding's function is deepcopy: each of its frames is outlined.
	if len(r.Findings) == 0 || r.Findings[0].Func.Name != "deepcopy" {
		t.Fatalf("want a finding on deepcopy, got %+v", r.Findings)
	}
	deepcopy := 0
	for _, f := range s.Frames {
		if f.Func == r.Findings[0].Func {
			deepcopy++
		}
	}
	outlines := strings.Count(svg, `<rect data-i=`)
	if deepcopy == 0 || outlines != deepcopy {
		t.Errorf("outlined %d frames, want the %d frames of deepcopy", outlines, deepcopy)
	}
	for _, want := range []string{"<script><![CDATA[", `id="ld-search"`, "Reset zoom", "repeated-setup (high)"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if regexp.MustCompile(`(?i)(href|src)=["']?https?:`).MatchString(svg) {
		t.Errorf("SVG refers to the network")
	}
}

func TestFlameLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("draws the 17,000-function dump twice; skipped with -short")
	}
	r := dumpReport(t, "pstats/large.pstats")
	var a, b bytes.Buffer
	for _, w := range []*bytes.Buffer{&a, &b} {
		if err := drawFlame(w, r, FlameOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("two renderings of the same report differ")
	}
	if a.Len() >= 3<<20 {
		t.Errorf("SVG of %d functions is %d bytes, want under 3 MB", len(r.Profile.Funcs), a.Len())
	}
	// Even with every frame kept down to 0.001 px, the frame cap holds
	// the size down.
	a.Reset()
	if err := drawFlame(&a, r, FlameOptions{MinWidth: 0.001}); err != nil {
		t.Fatal(err)
	}
	if all, _ := rects(a.String(), ""); a.Len() >= 3<<20 || all > DefaultMaxFrames {
		t.Errorf("with --min-width 0.001: %d frames, %d bytes; want at most %d frames, under 3 MB", all, a.Len(), DefaultMaxFrames)
	}
	t.Logf("%d functions: %d bytes", len(r.Profile.Funcs), b.Len())
}

func TestFlameOptions(t *testing.T) {
	r := dumpReport(t, "pstats/recursive-3.11.pstats")
	tests := []struct {
		opts FlameOptions
		want string
	}{
		{FlameOptions{Width: 100}, "width 100 px is below the minimum of 200"},
		{FlameOptions{MinWidth: -1}, "minimum frame width must be positive"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := drawFlame(&b, r, tt.opts); err == nil || !strings.Contains(err.Error(), tt.want) || b.Len() > 0 {
			t.Errorf("Flame(%+v) = %v after %d bytes, want error %q and no output", tt.opts, err, b.Len(), tt.want)
		}
	}
}

// BenchmarkFlameLarge measures the whole flame-graph path for the
// 17,000-function dump: read, analyze, reconstruct stacks, write the SVG.
func BenchmarkFlameLarge(b *testing.B) {
	for b.Loop() {
		r := dumpReport(b, "pstats/large.pstats")
		if err := drawFlame(&bytes.Buffer{}, r, FlameOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFlameRender measures stacks and SVG alone, the report read
// once.
func BenchmarkFlameRender(b *testing.B) {
	r := dumpReport(b, "pstats/large.pstats")
	for b.Loop() {
		if err := drawFlame(&bytes.Buffer{}, r, FlameOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFlameEmpty draws a profile with no functions: the root alone, and no
// folded lines.
func TestFlameEmpty(t *testing.T) {
	p := &parse.Profile{Source: "empty.prof", Format: parse.Pstats, Dialect: "cprofile", Unit: "seconds"}
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	r := analyze.Analyze(p, analyze.Options{})
	var svg, folded bytes.Buffer
	if err := drawFlame(&svg, r, FlameOptions{}); err != nil {
		t.Fatal(err)
	}
	if all, _ := rects(svg.String(), ""); all != 1 || !strings.HasSuffix(svg.String(), "</svg>\n") {
		t.Errorf("empty profile: %d frames drawn, want the root alone in a complete SVG", all)
	}
	if err := Folded(&folded, restack(r, analyze.StackOptions{})); err != nil || folded.Len() != 0 {
		t.Errorf("empty profile: folded %q, %v; want nothing", folded.String(), err)
	}
}

// TestFlameWellFormed checks the SVG parses as XML even when function
// names hold markup, an ampersand or the end of a CDATA section, and that
// the names reach the script's data intact.
func TestFlameWellFormed(t *testing.T) {
	nasty := `<lambda> & "]]></script><x>'`
	r := handReport("count", []string{"0,1", "0"}, []float64{5, 1},
		&parse.Func{Name: "main.main", File: "main.go", Calls: -1, Primitive: -1},
		&parse.Func{Name: nasty, File: "a&b.go", Line: 1, Calls: -1, Primitive: -1})
	var b bytes.Buffer
	if err := drawFlame(&b, r, FlameOptions{Title: nasty}); err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(b.Bytes()))
	var script string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if c, ok := tok.(xml.CharData); ok && strings.Contains(string(c), "LDFLAME") {
			script = string(c)
		}
	}
	data := strings.TrimPrefix(strings.TrimSpace(script[:strings.Index(script, ";\n")]), "var LDFLAME = ")
	var got flameData
	if err := json.Unmarshal([]byte(data), &got); err != nil {
		t.Fatalf("script data: %v", err)
	}
	// A name in angle brackets says little alone, so the file follows it.
	if !slices.ContainsFunc(got.Funcs, func(f [5]string) bool { return f[0] == nasty+" a&b.go" && f[1] == "a&b.go:1" }) {
		t.Errorf("script data lost the name %q: %v", nasty, got.Funcs)
	}
}
