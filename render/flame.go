package render

import (
	"bufio"
	"cmp"
	_ "embed" // flame.js and flame.css
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/internal/location"
	"github.com/loopdoctor/loopdoctor/internal/units"
	"github.com/loopdoctor/loopdoctor/parse"
)

// The flame graph's script and style, written for loopdoctor (the
// flamegraph.pl and inferno assets are CDDL-licensed and not used).
var (
	//go:embed flame.js
	flameJS string
	//go:embed flame.css
	flameCSS string
)

// FlameOptions shape the flame graph. The zero value draws a 1200 px wide
// graph, root at the bottom, titled after the input, with every call path
// that fits in the frame budget.
type FlameOptions struct {
	Width int    // image width in px; 0 means 1200
	Title string // "" means one derived from the profile's source

	// MinWidth merges the call paths narrower than this many px into an
	// "other" frame under their parent; 0 merges none for width (the
	// command's --min-width defaults to 0.1).
	MinWidth float64

	// MaxFrames is the frame budget: a graph that would have more
	// merges its narrowest call paths into "other" frames until it fits.
	// 0 means DefaultMaxFrames.
	MaxFrames int

	Inverted bool // draw an icicle graph: root at the top, callees below
}

// DefaultMaxFrames keeps the SVG of any profile to a few MB: each frame
// costs about 90 bytes of markup and data.
const DefaultMaxFrames = 30000

// StackOptions are the stacks to analyze the profile with for a graph of
// these options.
func (o FlameOptions) StackOptions() analyze.StackOptions {
	return analyze.StackOptions{MinShare: o.MinWidth / o.plot(), MaxFrames: cmp.Or(o.MaxFrames, DefaultMaxFrames)}
}

// plot is the width of the frames' area in px.
func (o FlameOptions) plot() float64 { return float64(cmp.Or(o.Width, 1200) - 2*flamePad) }

// Layout of the graph, in px.
const (
	frameHeight = 16
	flamePad    = 10  // left and right margin
	legendTop   = 47  // the legend's first row, below title and subtitle
	legendRow   = 16  // height of a legend row
	flameFoot   = 26  // details line below
	charWidth   = 6.6 // advance of the 11 px monospace label font
	minWidthPx  = 200 // narrower graphs have no room for the controls
)

// Frame flags in the embedded data.
const (
	flagEstimated = 1 << iota
	flagFinding
)

// Flame writes the report's stacks as a self-contained interactive SVG
// flame graph: hover for details, click to zoom, a search box that
// highlights matching frames and sums their share. Colours come from a hash
// of the function name within a palette chosen by the code's origin, so a
// function has the same colour in every graph. Frames whose width is an
// estimate (pstats stacks reconstructed from one-level edges) are drawn
// pale; frames of functions with repeated-setup findings are outlined. The
// output depends only on the report and options, byte for byte.
func Flame(w io.Writer, r *analyze.Report, opts FlameOptions) error {
	g, err := layoutFlame(r, opts)
	if err != nil {
		return err
	}
	return g.writeSVG(w, opts.Title)
}

// writeSVG writes the laid-out graph as an SVG document.
func (g *flameGraph) writeSVG(w io.Writer, title string) error {
	bw := bufio.NewWriter(w)
	if err := g.write(bw, title); err != nil {
		return err
	}
	return bw.Flush()
}

// layoutFlame checks the options and lays out the report's stacks; the
// SVG and PNG flame graphs draw the same layout.
func layoutFlame(r *analyze.Report, opts FlameOptions) (*flameGraph, error) {
	width := opts.Width
	if width == 0 {
		width = 1200
	}
	if width < minWidthPx {
		return nil, fmt.Errorf("flame graph width %d px is below the minimum of %d", width, minWidthPx)
	}
	if opts.MinWidth < 0 || math.IsNaN(opts.MinWidth) {
		return nil, errors.New("flame graph minimum frame width must be positive")
	}
	if r.Stacks == nil {
		return nil, errNotComputed("stacks", "Stacks (FlameOptions.StackOptions gives them)")
	}
	return newFlameGraph(r, r.Stacks, width, opts), nil
}

// flameGraph is a laid-out stack set.
type flameGraph struct {
	r        *analyze.Report
	s        *analyze.StackSet
	width    int
	height   int
	plot     float64
	top      int // the frames start here, below the header
	maxDepth int
	inverted bool
	minWidth float64   // the merging threshold asked for, px
	x        []float64 // left edge of each frame, px
	findings map[*parse.Func]string
	diff     *diffLayer // set for a differential flame graph (diffflame.go)
}

func newFlameGraph(r *analyze.Report, s *analyze.StackSet, width int, opts FlameOptions) *flameGraph {
	g := &flameGraph{r: r, s: s, width: width, plot: float64(width - 2*flamePad), inverted: opts.Inverted,
		minWidth: opts.MinWidth, x: make([]float64, len(s.Frames)), findings: make(map[*parse.Func]string)}
	used := make([]float64, len(s.Frames))
	for i, f := range s.Frames {
		g.maxDepth = max(g.maxDepth, f.Depth)
		if f.Parent >= 0 {
			g.x[i] = g.x[f.Parent] + used[f.Parent]
			used[f.Parent] += g.px(f.Value)
		}
	}
	for _, f := range r.Findings {
		if _, ok := g.findings[f.Func]; !ok && f.Func != nil {
			g.findings[f.Func] = fmt.Sprintf("%s (%s): %s", f.Kind, f.Severity, Title(f))
		}
	}
	g.top = g.legend().bottom + 32
	g.height = g.top + (g.maxDepth+1)*frameHeight + flameFoot
	return g
}

// px converts a value to a width in px.
func (g *flameGraph) px(v float64) float64 {
	if g.s.Total <= 0 {
		return 0
	}
	return v / g.s.Total * g.plot
}

// y is the top of the frames at depth.
func (g *flameGraph) y(depth int) int {
	if g.inverted {
		return g.top + depth*frameHeight
	}
	return g.top + (g.maxDepth-depth)*frameHeight
}

func (g *flameGraph) write(w *bufio.Writer, title string) error {
	title = g.title(title)
	mid := g.width / 2
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.1" id="ldflame" width="%d" height="%d" viewBox="0 0 %d %d">
<style>%s</style>
<rect class="bg" width="100%%" height="100%%"/>
<text id="ld-title" x="%d" y="22">%s</text>
<text id="ld-sub" x="%d" y="40">%s</text>
`, g.width, g.height, g.width, g.height, flameCSS, mid, xmlText(fitText(title, g.plot, 10.2)), mid, xmlText(fitText(g.subtitle(), g.plot, charWidth)))
	g.writeLegend(w)
	search := min(250, g.width/3)
	fmt.Fprintf(w, `<text id="ld-reset" class="ctl hidden" x="%d" y="%d">⟲ Reset zoom</text>
<text id="ld-matched" x="%d" y="%d"></text>
<foreignObject x="%d" y="%d" width="%d" height="22"><input xmlns="http://www.w3.org/1999/xhtml" id="ld-search" type="text" placeholder="Search: regular expression" spellcheck="false"/></foreignObject>
`, flamePad, g.top-11, g.width-flamePad-search-8, g.top-11, g.width-flamePad-search, g.top-27, search)

	w.WriteString(`<g id="ld-frames">` + "\n")
	var outlined []int
	colors := make(map[*parse.Func]string) // a function's colour, once computed
	for i, f := range g.s.Frames {
		fmt.Fprintf(w, `<rect x="%s" y="%d" width="%s" height="%d" fill="%s"`,
			coord(flamePad+g.x[i]), g.y(f.Depth), coord(g.rectWidth(g.px(f.Value))), frameHeight-1, g.frameFill(i, colors))
		if g.pale(i) {
			w.WriteString(` class="e"`)
		}
		w.WriteString("/>\n")
		if _, ok := g.findings[f.Func]; ok && f.Func != nil {
			outlined = append(outlined, i)
		}
	}
	w.WriteString("</g>\n<g id=\"ld-outlines\">\n")
	for _, i := range outlined {
		f := g.s.Frames[i]
		fmt.Fprintf(w, `<rect data-i="%d" x="%s" y="%d" width="%s" height="%d"/>`+"\n",
			i, coord(flamePad+g.x[i]), g.y(f.Depth), coord(g.rectWidth(g.px(f.Value))), frameHeight-1)
	}
	w.WriteString("</g>\n<g id=\"ld-labels\">\n")
	for i, f := range g.s.Frames {
		if text := fitFrame(frameLabel(f), g.px(f.Value)); text != "" {
			fmt.Fprintf(w, `<text x="%s" y="%d">%s</text>`+"\n", coord(flamePad+g.x[i]+3), g.y(f.Depth)+frameHeight-5, xmlText(text))
		}
	}
	fmt.Fprintf(w, `</g>
<text id="ld-details" x="%d" y="%d"> </text>
<g id="ld-tip" class="hidden"><rect rx="3"/><text></text></g>
<script><![CDATA[
var LDFLAME = `, flamePad, g.height-9)
	if err := g.writeData(w); err != nil {
		return err
	}
	w.WriteString(";\n")
	w.WriteString(flameJS)
	w.WriteString("]]></script>\n</svg>\n")
	return nil
}

// frameFill is frame i's colour: its function's, computed once per
// function into colors, or in a differential graph its change's.
func (g *flameGraph) frameFill(i int, colors map[*parse.Func]string) string {
	if g.diff != nil {
		return g.diff.color(g.diff.next[i] - g.diff.base[i])
	}
	if g.s.Frames[i].Merged > 0 {
		return otherFill
	}
	f := g.s.Frames[i].Func
	color, ok := colors[f]
	if !ok {
		color = frameColor(f)
		colors[f] = color
	}
	return color
}

// pale says whether frame i is drawn pale as an estimate; a differential
// graph keeps its colours full and says so in the details instead.
func (g *flameGraph) pale(i int) bool {
	return g.s.Frames[i].Estimated && g.diff == nil
}

// title is the given title, or one derived from the profile's source.
func (g *flameGraph) title(given string) string {
	switch {
	case given != "":
		return given
	case g.diff != nil:
		return g.diff.title()
	case g.inverted:
		return "Icicle graph of " + filepath.Base(g.r.Profile.Source)
	}
	return "Flame graph of " + filepath.Base(g.r.Profile.Source)
}

// rectWidth leaves a hairline gap between neighbouring frames.
func (g *flameGraph) rectWidth(w float64) float64 {
	if w > 1 {
		return w - 0.5
	}
	return w
}

func (g *flameGraph) subtitle() string {
	if g.diff != nil {
		return g.diff.subtitle(g.s.Unit)
	}
	p := g.r.Profile
	parts := []string{string(p.Format)}
	if p.Dialect != "" {
		parts[0] += " (" + p.Dialect + ")"
	}
	if p.SampleType != "" {
		parts = append(parts, p.SampleType)
	}
	parts = append(parts, "total "+units.Value(g.s.Total, p.Unit), units.Count(int64(len(g.s.Frames)))+" frames")
	if m := g.merged(); m != "" {
		parts = append(parts, m)
	}
	if g.s.Exact {
		parts = append(parts, "recorded stacks")
	} else {
		parts = append(parts, "stacks rebuilt from one-level callers: pale widths are estimates")
	}
	if g.s.Scale < 0.99 {
		parts = append(parts, fmt.Sprintf("roots scaled by %.3g to fit the total", g.s.Scale))
	}
	return strings.Join(parts, " · ")
}

// merged says how many call paths the "other" frames hold and why: too
// narrow, or too narrow for the frame budget when it raised the threshold
// above the one asked for.
func (g *flameGraph) merged() string {
	if g.s.Merged == 0 {
		return ""
	}
	paths := `"other": ` + units.Count(int64(g.s.Merged)) + " call paths"
	px := g.s.MinShare * g.plot
	switch {
	case px <= 0:
		return paths // merged for depth alone
	case px > g.minWidth*(1+1e-9):
		return fmt.Sprintf("%s under %.2g px (frame budget)", paths, px)
	}
	return fmt.Sprintf("%s under %.2g px", paths, px)
}

// legendEntry is one sample swatch and its label, placed.
type legendEntry struct {
	class, fill, label string
	x, y               int
}

// legendLayout is the legend's entries and the y below its last row.
type legendLayout struct {
	entries []legendEntry
	bottom  int
}

// legend explains the colours, the pale fill and the outline, in as many
// rows as the width needs.
func (g *flameGraph) legend() legendLayout {
	entries := []legendEntry{
		{fill: paletteSample(location.User), label: "your code"},
		{fill: paletteSample(location.Stdlib), label: "standard library"},
		{fill: paletteSample(location.ThirdParty), label: "third-party"},
		{fill: paletteSample(location.Native), label: "built-in/runtime"},
	}
	if g.diff != nil {
		entries = g.diff.legend(g.s.Unit)
	} else if !g.s.Exact {
		entries = append(entries, legendEntry{class: "e", fill: paletteSample(location.User), label: "estimated"})
	}
	if g.s.Merged > 0 {
		entries = append(entries, legendEntry{fill: otherFill, label: "other (merged call paths)"})
	}
	if len(g.findings) > 0 {
		entries = append(entries, legendEntry{class: "x", fill: "#ffffff", label: "repeated setup"})
	}
	x, y := flamePad, legendTop
	for i := range entries {
		w := 16 + int(float64(utf8.RuneCountInString(entries[i].label))*charWidth) + 14
		if x > flamePad && x+w > g.width-flamePad {
			x, y = flamePad, y+legendRow
		}
		entries[i].x, entries[i].y = x, y
		x += w
	}
	return legendLayout{entries, y + legendRow}
}

func (g *flameGraph) writeLegend(w *bufio.Writer) {
	w.WriteString(`<g id="ld-legend">`)
	for _, e := range g.legend().entries {
		class := ""
		if e.class != "" {
			class = ` class="` + e.class + `"`
		}
		fmt.Fprintf(w, `<rect x="%d" y="%d" width="12" height="10" fill="%s"%s/><text x="%d" y="%d">%s</text>`,
			e.x, e.y, e.fill, class, e.x+16, e.y+9, xmlText(e.label))
	}
	w.WriteString("</g>\n")
}

// flameData is what the script needs: per function its display name,
// location, calls and finding; per frame four integers.
type flameData struct {
	Unit     string  `json:"unit"`
	Scale    float64 `json:"scale"` // frame values are value×scale, rounded
	Plot     float64 `json:"plot"`
	Pad      int     `json:"pad"`
	Top      int     `json:"top"`
	Height   int     `json:"fh"`
	MaxDepth int     `json:"maxDepth"`
	Inverted bool    `json:"inverted"`

	// Funcs holds [name, location, calls, finding, hidden] per function,
	// hidden saying how much of it the "other" frames hold; one more
	// entry stands for every "other" frame.
	Funcs [][5]string `json:"funcs"`
	// Frames holds func index, depth, value and flags per frame.
	Frames []int64 `json:"frames"`
	// Diff holds, in a differential graph, the base and new value of
	// each frame, scaled as Frames' values.
	Diff []int64 `json:"diff,omitempty"`
}

func (g *flameGraph) writeData(w *bufio.Writer) error {
	scale, _ := integerUnit(g.s.Unit)
	d := flameData{Unit: g.s.Unit, Scale: scale, Plot: g.plot, Pad: flamePad, Top: g.top, Height: frameHeight,
		MaxDepth: g.maxDepth, Inverted: g.inverted,
		Funcs: [][5]string{}, Frames: make([]int64, 0, 4*len(g.s.Frames))}
	index := make(map[*parse.Func]int)
	other := -1 // one entry stands for every "other" frame
	for _, f := range g.s.Frames {
		i, ok := index[f.Func]
		if f.Merged > 0 {
			i, ok = other, other >= 0
		}
		if !ok {
			i = len(d.Funcs)
			d.Funcs = append(d.Funcs, g.frameInfo(f))
			if f.Merged > 0 {
				other = i
			} else {
				index[f.Func] = i
			}
		}
		var flags int64
		if f.Estimated {
			flags |= flagEstimated
		}
		if _, ok := g.findings[f.Func]; ok && f.Func != nil {
			flags |= flagFinding
		}
		d.Frames = append(d.Frames, int64(i), int64(f.Depth), int64(math.Round(f.Value*scale)), flags)
	}
	if g.diff != nil {
		for i := range g.s.Frames {
			d.Diff = append(d.Diff, int64(math.Round(g.diff.base[i]*scale)), int64(math.Round(g.diff.next[i]*scale)))
		}
	}
	// json.Marshal escapes <, > and &, so the data cannot close the CDATA
	// section or the script.
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("flame graph data: %w", err)
	}
	_, err = w.Write(b)
	return err
}

// otherInfo describes every "other" frame.
var otherInfo = [5]string{otherName, "call paths merged: too narrow, too deep or past the frame budget", "", "", ""}

// frameInfo is what the script shows of frame f: its function's, or that
// of every "other" frame.
func (g *flameGraph) frameInfo(f analyze.Frame) [5]string {
	if f.Merged > 0 {
		return otherInfo
	}
	return g.funcInfo(f.Func)
}

func (g *flameGraph) funcInfo(f *parse.Func) [5]string {
	if f == nil {
		return [5]string{"all", "", "", "", ""}
	}
	loc := location.ShortFile(f.File)
	switch {
	case f.File == "~" || f.File == "":
		loc = "built-in"
	case f.Line > 0:
		loc += ":" + strconv.Itoa(f.Line)
	}
	calls := ""
	if f.Calls >= 0 {
		calls = units.Calls(f.Calls, f.Primitive)
	}
	hidden := ""
	if f.ID < len(g.s.Hidden) && g.s.Hidden[f.ID] > 0 { // a differential graph's frames have none
		h := g.s.Hidden[f.ID]
		hidden = fmt.Sprintf(`%s more in "other" frames, %s in all`, units.Value(h, g.s.Unit), units.Value(f.Cum, g.s.Unit))
	}
	return [5]string{Printable(frameName(f)), Printable(loc), calls, Printable(g.findings[f]), hidden}
}

// otherName labels "other" frames, and otherFill colours them, paler than
// any origin's palette.
const (
	otherName = "other"
	otherFill = "#e6e6e6"
)

// frameLabel is the text drawn in frame f.
func frameLabel(f analyze.Frame) string {
	if f.Merged > 0 {
		return otherName
	}
	return frameName(f.Func)
}

// frameName is the text drawn in a frame: the function name, with the file
// added for names that say little alone (<module>, <lambda>, <listcomp>).
func frameName(f *parse.Func) string {
	switch {
	case f == nil:
		return "all"
	case f.File == "~" || f.File == "":
		return printedLabel(f)
	case strings.HasPrefix(f.Name, "<"):
		return f.Name + " " + location.Base(f.File)
	}
	return f.Name
}

// fitFrame truncates name to the characters that fit in a frame w px
// wide, or returns "" when fewer than three fit. The script does the same
// after a zoom.
func fitFrame(name string, w float64) string {
	if int((w-6)/charWidth) < 3 {
		return ""
	}
	return fitText(name, w-6, charWidth)
}

// fitText truncates s to the characters of advance char that fit in w px.
func fitText(s string, w, char float64) string {
	fit := max(int(w/char), 2)
	if utf8.RuneCountInString(s) <= fit {
		return s
	}
	return string([]rune(s)[:fit-2]) + ".."
}

// Palettes by origin: hue range start and span in degrees, saturation and
// lightness ranges in percent. Warm for the user's code, where fixes go.
var palettes = map[location.Origin][6]float64{
	location.User:       {8, 32, 70, 20, 52, 12},
	location.Stdlib:     {192, 36, 45, 20, 58, 12},
	location.ThirdParty: {80, 60, 38, 20, 48, 12},
	location.Native:     {240, 60, 8, 14, 60, 14},
}

// frameColor picks a colour from a hash of the function name within its
// origin's palette.
func frameColor(f *parse.Func) string {
	if f == nil {
		return "#c8c8c8"
	}
	h := fnv.New32a()
	h.Write([]byte(f.Name))
	v := h.Sum32()
	pal := palettes[location.OriginOf(f)]
	hue := pal[0] + float64(v%1024)/1024*pal[1]
	sat := pal[2] + float64((v>>10)%256)/256*pal[3]
	light := pal[4] + float64((v>>18)%256)/256*pal[5]
	return hsl(hue, sat/100, light/100)
}

func paletteSample(o location.Origin) string {
	pal := palettes[o]
	return hsl(pal[0]+pal[1]/2, (pal[2]+pal[3]/2)/100, (pal[4]+pal[5]/2)/100)
}

// hsl converts a colour to #rrggbb.
func hsl(h, s, l float64) string {
	c := (1 - math.Abs(2*l-1)) * s
	hp := math.Mod(h, 360) / 60
	x := c * (1 - math.Abs(math.Mod(hp, 2)-1))
	var r, g, b float64
	switch {
	case hp < 1:
		r, g = c, x
	case hp < 2:
		r, g = x, c
	case hp < 3:
		g, b = c, x
	case hp < 4:
		g, b = x, c
	case hp < 5:
		r, b = x, c
	default:
		r, b = c, x
	}
	m := l - c/2
	to := func(v float64) int { return int(math.Round((v + m) * 255)) }
	return fmt.Sprintf("#%02x%02x%02x", to(r), to(g), to(b))
}

// coord prints a coordinate with one decimal, the precision a screen needs.
func coord(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// xmlText escapes s for XML text and attributes; Printable has already
// replaced every character XML 1.0 forbids.
func xmlText(s string) string { return xmlEscaper.Replace(Printable(s)) }
