package render

import (
	"bytes"
	"fmt"
	"html"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/internal/location"
	"github.com/loopdoctor/loopdoctor/parse"
)

// trickyProfile is a small pstats-like profile whose names hold every
// character that can break a Markdown table or turn into markup, plus
// enough functions to need the collapsed full table.
func trickyProfile(t *testing.T) *parse.Profile {
	t.Helper()
	p := &parse.Profile{Source: "dump|1.prof", Format: parse.Pstats, Dialect: "cprofile", Unit: "seconds"}
	add := func(file string, line int, name string, calls int64, own, cum float64) *parse.Func {
		f := &parse.Func{Name: name, File: file, Line: line, Calls: calls, Primitive: calls, Own: own, Cum: cum}
		p.Funcs = append(p.Funcs, f)
		p.Total += own
		return f
	}
	edge := func(from, to *parse.Func, calls int64, own, cum float64, est bool) {
		p.Edges = append(p.Edges, &parse.Edge{Caller: from, Callee: to, Calls: calls, Primitive: calls, Own: own, Cum: cum, Estimated: est})
	}
	main := add("app/main.py", 1, "<module>", 1, 0.01, 1.0)
	handler := add("app/handlers.py", 10, "handle|request", 30, 0.02, 0.9)
	parseFn := add("/usr/lib/python3/dist-packages/jsonpath_rw/parser.py", 13, "parse", 30, 0.01, 0.7)
	yacc := add("/usr/lib/python3/dist-packages/ply/yacc.py", 3216, "yacc", 30, 0.3, 0.6)
	edge(main, handler, 30, 0.02, 0.9, false)
	edge(handler, parseFn, 30, 0.01, 0.7, false)
	edge(parseFn, yacc, 20, 0.2, 0.4, false)
	edge(handler, yacc, 10, 0.1, 0.2, true)
	odd := []string{"`tick`", "a``b", "*star*_under_", "<lambda>", `back\slash`, `esc\|pipe`, "x & y", "# hash", "[link](x)", "~~strike~~", " spaced "}
	for i, name := range odd {
		f := add(fmt.Sprintf("app/odd_%d.py", i), i+1, name, int64(i+1), 0.001*float64(i+1), 0.002*float64(i+1))
		edge(handler, f, int64(i+1), f.Own, f.Cum, false)
	}
	add("~", 0, "<built-in method builtins.len>", 500, 0.05, 0.05)
	add(`C:\Python27\Lib\json\decoder.py`, 360, "raw_decode", 30, 0.004, 0.004)
	// The parts left out of this small graph ran at the top level.
	p.Total = main.Cum + 0.054
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	return p
}

func find(p *parse.Profile, name string) *parse.Func {
	for _, f := range p.Funcs {
		if f.Name == name {
			return f
		}
	}
	panic("no function " + name)
}

// trickyReport analyzes the tricky profile and adds a finding and an
// event loop by hand, so the renderer is tested without the detectors.
func trickyReport(t *testing.T, opts analyze.Options) *analyze.Report {
	p := trickyProfile(t)
	r := analyze.Analyze(p, opts)
	yacc := find(p, "yacc")
	r.Findings = []analyze.Finding{{
		Kind: "repeated-setup", Pattern: "ply-yacc", Severity: analyze.High,
		Func: yacc, CallSite: find(p, "handle|request"), Chain: []*parse.Func{find(p, "parse"), yacc},
		Calls: 30, Cost: 0.6, PerCall: 0.02, Share: 0.6 / p.Total,
		Title: "Repeated parser-table build (ply/yacc)",
		Evidence: []analyze.Fact{{Kind: analyze.FactRan, Func: yacc, Site: find(p, "handle|request"), Calls: 30, Cost: 0.6, Share: 0.6 / p.Total},
			{Kind: analyze.FactWhy, Text: "table built from <grammar> *each* time"}, {Kind: analyze.FactWhy, Text: "# not a heading"},
			{Kind: analyze.FactWhy, Text: "- not a list"}, {Kind: analyze.FactWhy, Text: "12. not a list either"},
			{Kind: analyze.FactWhy, Text: "see issue #69 & <b>"}},
		Fix: "parse each JSONPath expression once and reuse it; jsonpath_rw rebuilds its LALR table on every parse()",
	}}
	r.Loop = &analyze.Loop{Runtime: "asyncio", Wall: 1.2, Idle: 0.2, Busy: 1.0, Steps: 40, MeanStep: 0.025, SlowThreshold: 0.1,
		Blockers: []analyze.Blocker{{Func: find(p, "parse"), CallSite: find(p, "handle|request"), Calls: 30, Cost: 0.7, PerCall: 0.7 / 30,
			WorstCallMin: 0.7 / 30, WorstCallMax: 0.7, ShareOfBusy: 0.7, CallsPerStep: 0.75, ProbablySlow: true, Finding: 0,
			Advice: analyze.Advice{Kind: analyze.AdviceBuildOnce, Func: yacc, Finding: 0, PerCall: 0.7 / 30}}},
		Notes: []analyze.LoopNote{{Kind: analyze.NoteSlowSteps, Func: find(p, "handle|request"), Mean: 0.15}}}
	return r
}

// bare drops what the detectors found, so a golden shows the renderer's
// work alone and does not change when a detector does.
func bare(r *analyze.Report) *analyze.Report {
	r.Findings, r.Loop = []analyze.Finding{}, nil
	return r
}

func TestMarkdownGolden(t *testing.T) {
	tests := []struct {
		name   string
		report func(t *testing.T) *analyze.Report
	}{
		{"tricky.md", func(t *testing.T) *analyze.Report { return trickyReport(t, analyze.Options{Top: 50}) }},
		{"tricky-quiet.md", func(t *testing.T) *analyze.Report {
			// No findings, no loop, few rows: no empty sections, no
			// collapsed blocks.
			return bare(analyze.Analyze(trickyProfile(t), analyze.Options{Top: 5, Sort: analyze.ByOwn}))
		}},
		{"tricky-relations.md", func(t *testing.T) *analyze.Report {
			return bare(analyze.Analyze(trickyProfile(t), analyze.Options{Top: 3,
				Callers: regexp.MustCompile(`\(yacc\)`), Callees: regexp.MustCompile(`\(yacc\)`)}))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Markdown(&b, tt.report(t)); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, b.Bytes())
		})
	}
}

// TestMarkdownRendersTables renders the report with a GFM renderer and
// checks that every table has the expected rows, that each function cell
// shows exactly the function's label however odd its name, and that the
// collapsed blocks hold their tables.
func TestMarkdownRendersTables(t *testing.T) {
	r := trickyReport(t, analyze.Options{Top: 50})
	var src bytes.Buffer
	if err := Markdown(&src, r); err != nil {
		t.Fatal(err)
	}
	md := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(gmhtml.WithUnsafe()))
	renderers := []struct {
		name   string
		render func([]byte) (string, error)
	}{{"goldmark", func(src []byte) (string, error) {
		var out bytes.Buffer
		err := md.Convert(src, &out)
		return out.String(), err
	}}}
	// cmark-gfm is GitHub's own renderer; the test uses it too when it is
	// installed (Debian package cmark-gfm).
	if path, err := exec.LookPath("cmark-gfm"); err == nil {
		renderers = append(renderers, struct {
			name   string
			render func([]byte) (string, error)
		}{"cmark-gfm", func(src []byte) (string, error) {
			cmd := exec.Command(path, "--extension", "table", "--unsafe")
			cmd.Stdin = bytes.NewReader(src)
			out, err := cmd.Output()
			return string(out), err
		}})
	}
	for _, rd := range renderers {
		t.Run(rd.name, func(t *testing.T) {
			out, err := rd.render(src.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			checkRendered(t, r, out)
		})
	}
}

func checkRendered(t *testing.T, r *analyze.Report, out string) {
	tables := renderedTables(out)
	// The short top table, the full table and the callers of the finding.
	if len(tables) != 3 {
		t.Fatalf("rendered %d tables, want 3:\n%s", len(tables), out)
	}
	var want []string
	for _, row := range r.Rows[:mdShortTable] {
		want = append(want, location.Label(row.Func))
	}
	checkColumn(t, "short table", tables[0], want)
	want = nil
	for _, row := range r.Rows {
		want = append(want, location.Label(row.Func))
	}
	checkColumn(t, "full table", tables[1], want)
	if yacc := r.Findings[0].Func; len(yacc.In) != 2 {
		t.Fatalf("yacc has %d callers", len(yacc.In))
	}
	want = []string{location.Label(find(r.Profile, "parse")), location.Label(find(r.Profile, "handle|request")) + " (estimated)"}
	checkColumn(t, "callers", tables[2], want)

	// Every row has the header's number of cells: no name split a row.
	for i, tb := range tables {
		for j, row := range tb {
			if len(row) != len(tb[0]) {
				t.Errorf("table %d row %d has %d cells, header %d: %q", i, j, len(row), len(tb[0]), row)
			}
		}
	}
	if n := strings.Count(out, "<details>"); n != 2 {
		t.Errorf("%d <details> blocks, want 2", n)
	}
	for _, s := range []string{"<h3>1. Repeated parser-table build (ply/yacc)", "table built from &lt;grammar&gt; *each* time", "jsonpath_rw rebuilds",
		"<li># not a heading</li>", "<li>- not a list</li>", "<li>12. not a list either</li>", "<li>see issue #69 &amp; &lt;b&gt;</li>"} {
		if !strings.Contains(out, s) {
			t.Errorf("rendered HTML lacks %q:\n%s", s, out)
		}
	}
}

var (
	tableRE = regexp.MustCompile(`(?s)<table>.*?</table>`)
	rowRE   = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	cellRE  = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
	tagRE   = regexp.MustCompile(`<[^>]+>`)
)

// renderedTables extracts the text of every cell of every HTML table,
// header row first.
func renderedTables(s string) [][][]string {
	var out [][][]string
	for _, tb := range tableRE.FindAllString(s, -1) {
		var rows [][]string
		for _, tr := range rowRE.FindAllStringSubmatch(tb, -1) {
			var cells []string
			for _, td := range cellRE.FindAllStringSubmatch(tr[1], -1) {
				cells = append(cells, html.UnescapeString(tagRE.ReplaceAllString(td[1], "")))
			}
			rows = append(rows, cells)
		}
		out = append(out, rows)
	}
	return out
}

// checkColumn compares the last cell of each body row with want.
func checkColumn(t *testing.T, name string, table [][]string, want []string) {
	t.Helper()
	body := table[1:]
	if len(body) != len(want) {
		t.Errorf("%s: %d rows, want %d", name, len(body), len(want))
		return
	}
	for i, row := range body {
		if got := row[len(row)-1]; got != want[i] {
			t.Errorf("%s row %d: cell %q, want %q", name, i, got, want[i])
		}
	}
}

// FuzzMarkdownCell renders a table whose only cell is a code span made by
// mdCode, with its pipes escaped as mdTable does, and checks that GFM
// shows exactly the text that went in: no name can split a row, end the
// span early or turn into markup.
func FuzzMarkdownCell(f *testing.F) {
	for _, s := range []string{"a|b", "`x`", "a``b", `esc\|pipe`, `x\`, "<b>*_~", " lead", "trail ", "`", "|", "\\", "a | `b` | c"} {
		f.Add(s)
	}
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range s {
			if c < ' ' || c > '~' {
				return // printable ASCII: what names are made of, and what GFM leaves unchanged
			}
		}
		if strings.Trim(s, " ") == "" {
			return // a code span of spaces alone is not a name
		}
		var b bytes.Buffer
		mdTable(&b, []string{"function"}, [][]string{{mdCode(s)}})
		var out bytes.Buffer
		if err := md.Convert(b.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		tables := renderedTables(out.String())
		if len(tables) != 1 || len(tables[0]) != 2 || len(tables[0][1]) != 1 || tables[0][1][0] != s {
			t.Errorf("cell %q rendered as %q from:\n%s", s, tables, b.String())
		}
	})
}

// FuzzMarkdownText renders mdText's output as a list item, where finding
// evidence goes, and checks that GFM shows exactly the text that went in.
func FuzzMarkdownText(f *testing.F) {
	for _, s := range []string{"# x", "- x", "12. x", "1) x", "*a* _b_", "<b>", "&amp;", "a\\", "`c`", "~~s~~", "[l](u)", "=", "x | y"} {
		f.Add(s)
	}
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	li := regexp.MustCompile(`(?s)^<ul>\n<li>(.*)</li>\n</ul>\n$`)
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range s {
			if c < ' ' || c > '~' {
				return
			}
		}
		if s != strings.TrimSpace(s) || s == "" {
			return // prose is trimmed before it is written
		}
		var out bytes.Buffer
		src := "- " + mdText(s) + "\n"
		if err := md.Convert([]byte(src), &out); err != nil {
			t.Fatal(err)
		}
		m := li.FindStringSubmatch(out.String())
		if m == nil || html.UnescapeString(tagRE.ReplaceAllString(m[1], "")) != s {
			t.Errorf("%q rendered as %q from %q", s, out.String(), src)
		}
	})
}
