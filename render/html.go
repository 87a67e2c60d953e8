package render

import (
	"bytes"
	_ "embed" // html.tmpl, html.js and html.css
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	"sync"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/internal/location"
	"github.com/loopdoctor/loopdoctor/internal/units"
	"github.com/loopdoctor/loopdoctor/parse"
)

// The page's template, script and style, written for loopdoctor.
var (
	//go:embed html.tmpl
	htmlTemplate string
	//go:embed html.js
	htmlJS string
	//go:embed html.css
	htmlCSS string

	// htmlPageTemplate is parsed on first use: parsed at start-up, it
	// cost every run 0.7 ms, though most runs write no page.
	htmlPageTemplate = sync.OnceValue(func() *template.Template {
		return template.Must(template.New("report").Funcs(template.FuncMap{
			"inc": func(i int) int { return i + 1 },
			"dec": func(i int) int { return i - 1 },
		}).Parse(htmlTemplate))
	})
)

// HTML writes the report as one self-contained page to open offline or
// hand to someone: the verdict (findings and event loop, as in the
// Markdown report), the flame graph of Flame, every function in a table
// that sorts by any column and filters by a regular expression, and a
// function view with the callers and callees of any function, edge by
// edge, whose frames it highlights in the graph. Every function name is a
// link to that view. Nothing is fetched: script, style and data are
// inline, and the page's content security policy forbids any request. The
// bytes depend only on the report and options.
//
// Names are data from the profile, so they reach the page through
// html/template's escaping or as JSON that the script sets as text.
func HTML(w io.Writer, r *analyze.Report, opts FlameOptions) error {
	g, err := layoutFlame(r, opts)
	if err != nil {
		return err
	}
	svg, err := g.inlineSVG(opts.Title)
	if err != nil {
		return err
	}
	data, err := json.Marshal(newHTMLData(r, g))
	if err != nil {
		return fmt.Errorf("html report data: %w", err)
	}
	page := newHTMLPage(r)
	page.Flame = svg
	// json.Marshal escapes <, > and &, so the data cannot end the script.
	page.Data = template.JS(data)
	page.Script = template.JS(htmlJS)
	page.Style = template.CSS(htmlCSS)
	var b bytes.Buffer
	if err := htmlPageTemplate().Execute(&b, page); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	_, err = w.Write(b.Bytes())
	return err
}

// inlineSVG is the graph as an SVG element to place in an HTML page. The
// SVG is written by this package with every name escaped; inline it needs
// no XML declaration.
func (g *flameGraph) inlineSVG(title string) (template.HTML, error) {
	var b strings.Builder
	if err := g.writeSVG(&b, title); err != nil {
		return "", err
	}
	svg := b.String()
	return template.HTML(svg[strings.Index(svg, "<svg"):]), nil
}

// htmlPage is what the template shows; the function table and view are
// built by the script from htmlData.
type htmlPage struct {
	Title, Summary string
	Notes          []string
	Findings       []htmlFinding
	Loop           *htmlLoop

	Flame  template.HTML
	Data   template.JS
	Script template.JS
	Style  template.CSS
}

// htmlFunc is a link to a function's view.
type htmlFunc struct {
	ID    int
	Label string
}

type htmlFinding struct {
	Title, Severity, Cost, Share string
	Func                         htmlFunc
	Calls, PerCall               string // "" when the profile has no counts
	CallSite                     *htmlFunc
	Chain                        []htmlFunc
	Evidence                     []string
	Fix                          string
}

type htmlLoop struct {
	Runtime, Budget string
	Blockers        []htmlBlocker
	Notes           []string
}

type htmlBlocker struct {
	Func         htmlFunc
	Held, Bounds string // the loop's words, as the other reports say them
	CallSite     *htmlFunc
	Finding      int // 1-based; 0 for none
	Advice       string
}

func link(f *parse.Func) htmlFunc { return htmlFunc{f.ID, printedLabel(f)} }

func optionalLink(f *parse.Func) *htmlFunc {
	if f == nil {
		return nil
	}
	l := link(f)
	return &l
}

func newHTMLPage(r *analyze.Report) *htmlPage {
	p := r.Profile
	page := &htmlPage{Title: "loopdoctor: " + p.Source, Summary: Summary(r), Notes: p.Notes}
	for _, f := range r.Findings {
		hf := htmlFinding{Title: Title(f), Severity: string(f.Severity), Cost: units.Value(f.Cost, p.Unit), Share: units.Percent(f.Share),
			Func: link(f.Func), CallSite: optionalLink(f.CallSite), Fix: fix(f)}
		for _, e := range f.Evidence {
			hf.Evidence = append(hf.Evidence, sentence(e, p.Unit))
		}
		if f.Calls >= 0 {
			hf.Calls, hf.PerCall = units.Count(f.Calls), units.Value(f.PerCall, p.Unit)
		}
		for _, c := range f.Chain {
			hf.Chain = append(hf.Chain, link(c))
		}
		page.Findings = append(page.Findings, hf)
	}
	if l := r.Loop; l != nil {
		hl := &htmlLoop{Runtime: l.Runtime,
			Budget: fmt.Sprintf("wall %s · idle %s (%s) · busy %s", units.Seconds(l.Wall), units.Seconds(l.Idle), units.Percent(share(l.Idle, l.Wall)), units.Seconds(l.Busy))}
		if l.Steps > 0 {
			hl.Budget += fmt.Sprintf(" · %s steps, %s mean", units.Count(l.Steps), units.Seconds(l.MeanStep))
		}
		for _, n := range l.Notes {
			hl.Notes = append(hl.Notes, noteText(l, n))
		}
		for _, bl := range l.Blockers {
			hb := htmlBlocker{Func: link(bl.Func), Held: blockerHeld("", bl), Bounds: blockerBounds(l, bl),
				CallSite: optionalLink(bl.CallSite), Finding: bl.Finding + 1, Advice: adviceText(l, bl, r.Findings)}
			hl.Blockers = append(hl.Blockers, hb)
		}
		page.Loop = hl
	}
	return page
}

// htmlData holds every function and edge for the script, column by column
// (a list per field keeps the 17,000-function page small and quick to
// read). Values are integers in the flame graph's scale (microseconds for
// time), which its formatter prints.
type htmlData struct {
	Unit  string  `json:"unit"`
	Scale float64 `json:"scale"`
	Total int64   `json:"total"`
	Calls bool    `json:"hasCalls"` // whether the profile counts calls
	// Sort is the title of the column the table starts sorted by: the
	// report's --sort.
	Sort string `json:"sort"`

	Files []string `json:"files"` // distinct files, indexed by File

	// Per function, by ID.
	Label  []string `json:"label"`  // as the reports print it
	Name   []string `json:"name"`   // the recorded name
	File   []int    `json:"file"`   // index into Files
	Line   []int    `json:"line"`   // 0 when unknown
	NCalls []int64  `json:"calls"`  // -1 when unknown
	Prim   []int64  `json:"prim"`   // primitive (non-recursive) calls, -1 when unknown
	Own    []int64  `json:"own"`    // scaled
	Cum    []int64  `json:"cum"`    // scaled
	Origin []int    `json:"origin"` // index into OriginColors
	// OriginColors and OriginNames are the flame graph's legend.
	OriginColors []string `json:"originColors"`
	OriginNames  []string `json:"originNames"`

	// Per edge, in the profile's order.
	Caller    []int   `json:"caller"`
	Callee    []int   `json:"callee"`
	EdgeCalls []int64 `json:"ecalls"`
	EdgePrim  []int64 `json:"eprim"`
	EdgeOwn   []int64 `json:"eown"`
	EdgeCum   []int64 `json:"ecum"`
	Estimated []int   `json:"est"` // indices of edges whose times are estimates

	// FrameFunc is the function ID of each flame-graph frame, in the
	// graph's order; -1 for the root.
	FrameFunc []int `json:"frameFunc"`

	// Findings are the function ID and title of each finding, in order.
	FindingFunc  []int    `json:"findingFunc"`
	FindingTitle []string `json:"findingTitle"`
}

// sortColumns are the titles of the table's columns (html.js) by ranking
// key.
var sortColumns = map[analyze.Key]string{
	analyze.ByCum: "cum", analyze.ByOwn: "own", analyze.ByCalls: "calls",
	analyze.ByOwnPerCall: "own/call", analyze.ByCumPerCall: "cum/call", analyze.ByName: "function",
}

func newHTMLData(r *analyze.Report, g *flameGraph) *htmlData {
	p := r.Profile
	scale, _ := integerUnit(p.Unit)
	scaled := func(v float64) int64 { return int64(math.Round(v * scale)) }
	n := len(p.Funcs)
	d := &htmlData{Unit: p.Unit, Scale: scale, Total: scaled(p.Total), Calls: p.HasCalls(), Sort: sortColumns[r.Sort], Files: []string{},
		Label: make([]string, n), Name: make([]string, n), File: make([]int, n), Line: make([]int, n),
		NCalls: make([]int64, n), Prim: make([]int64, n), Own: make([]int64, n), Cum: make([]int64, n), Origin: make([]int, n),
		FrameFunc: make([]int, len(g.s.Frames)), FindingFunc: []int{}, FindingTitle: []string{}, Estimated: []int{}}
	for _, e := range g.legend().entries[:location.Native+1] { // one per origin, in Origin order
		d.OriginColors = append(d.OriginColors, e.fill)
		d.OriginNames = append(d.OriginNames, e.label)
	}
	files := make(map[string]int)
	for i, f := range p.Funcs {
		fi, ok := files[f.File]
		if !ok {
			fi = len(d.Files)
			files[f.File] = fi
			d.Files = append(d.Files, f.File)
		}
		d.Label[i], d.Name[i], d.File[i], d.Line[i] = printedLabel(f), f.Name, fi, f.Line
		d.NCalls[i], d.Prim[i], d.Own[i], d.Cum[i] = f.Calls, f.Primitive, scaled(f.Own), scaled(f.Cum)
		d.Origin[i] = int(location.OriginOf(f))
	}
	for i, e := range p.Edges {
		d.Caller = append(d.Caller, e.Caller.ID)
		d.Callee = append(d.Callee, e.Callee.ID)
		d.EdgeCalls = append(d.EdgeCalls, e.Calls)
		d.EdgePrim = append(d.EdgePrim, e.Primitive)
		d.EdgeOwn = append(d.EdgeOwn, scaled(e.Own))
		d.EdgeCum = append(d.EdgeCum, scaled(e.Cum))
		if e.Estimated {
			d.Estimated = append(d.Estimated, i)
		}
	}
	for i, f := range g.s.Frames {
		d.FrameFunc[i] = -1
		if f.Func != nil {
			d.FrameFunc[i] = f.Func.ID
		}
	}
	for _, f := range r.Findings {
		d.FindingFunc = append(d.FindingFunc, f.Func.ID)
		d.FindingTitle = append(d.FindingTitle, Title(f))
	}
	return d
}
