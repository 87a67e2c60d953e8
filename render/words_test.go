package render

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

// TestSentence checks the wording of facts, above all number agreement
// and the single-call cases ("1 calls", "all 1 functions" and "(1
// different multiples)" must not appear).
func TestSentence(t *testing.T) {
	yacc := &parse.Func{Name: "yacc", File: "/usr/lib/python3/dist-packages/ply/yacc.py", Line: 3216}
	load := &parse.Func{Name: "load", File: "/usr/lib/python3/dist-packages/yaml/__init__.py", Line: 74}
	site := &parse.Func{Name: "get_values", File: "/srv/app/webhook.py", Line: 23}
	compile := &parse.Func{Name: "<built-in method builtins.compile>", File: "~"}
	tests := []struct {
		name string
		fact analyze.Fact
		want string
	}{
		{"ran many times", analyze.Fact{Kind: analyze.FactRan, Func: yacc, Site: site, Calls: 120, Cost: 0.852, Share: 0.846},
			"ply/yacc.py:3216 yacc ran 120 times, called from /srv/app/webhook.py:23 get_values, for 852 ms in total: 7.10 ms per call, 85% of the run."},
		{"ran once", analyze.Fact{Kind: analyze.FactRan, Func: yacc, Calls: 1, Cost: 0.852, Share: 0.846},
			"ply/yacc.py:3216 yacc ran once, for 852 ms, 85% of the run."},
		{"one import call", analyze.Fact{Kind: analyze.FactImportCalls, Calls: 1},
			"Another 1 call ran while modules were imported and is not counted: setup at import runs once."},
		{"import calls", analyze.Fact{Kind: analyze.FactImportCalls, Calls: 20},
			"Another 20 calls ran while modules were imported and are not counted: setup at import runs once."},
		{"the only private function", analyze.Fact{Kind: analyze.FactMultiples, Func: yacc, Count: 1, Among: 1, Of: 200, Distinct: 1,
			Parts: []analyze.Fact{{Kind: analyze.FactMultiple, Func: load, Other: yacc, Calls: 200, Multiple: 1, Of: 200}}},
			"Every call did the same work: the one function that only it calls ran an exact multiple of its 200 calls: load called 200 times, once per call of yacc."},
		{"one multiple among many functions", analyze.Fact{Kind: analyze.FactMultiples, Func: yacc, Count: 3, Among: 3, Of: 30, Distinct: 1,
			Parts: []analyze.Fact{{Kind: analyze.FactMultiple, Func: compile, Other: yacc, Calls: 60, Multiple: 2, Of: 30}}},
			"Every call did the same work: all 3 functions that only it calls, at least once per call, ran an exact multiple of its 30 calls (all the same multiple): {built-in method builtins.compile} called 60 times = 2 × 30 calls of yacc."},
		{"some multiples", analyze.Fact{Kind: analyze.FactMultiples, Func: yacc, Count: 1, Among: 4, Of: 30, Distinct: 1,
			Parts: []analyze.Fact{{Kind: analyze.FactMultiple, Func: compile, Other: yacc, Calls: 60, Multiple: 2, Of: 30}}},
			"1 of the 4 functions that only it calls, at least once per call, ran an exact multiple of its 30 calls: {built-in method builtins.compile} called 60 times = 2 × 30 calls of yacc."},
		{"thousands of functions", analyze.Fact{Kind: analyze.FactRare, Count: 1234},
			"1,234 more ran less than once per call: work done once and cached, or rarely."},
		{"one edge", analyze.Fact{Kind: analyze.FactExactEdges, Count: 1},
			"The one call edge inside it repeats the same number of times per call."},
		{"other sites", analyze.Fact{Kind: analyze.FactOtherSites, Count: 1, Parts: []analyze.Fact{{Kind: analyze.FactCall, Site: site, Func: load, Calls: 1}}},
			"It is also reached from /srv/app/webhook.py:23 get_values (1 call of load); 1 more place."},
		{"cache", analyze.Fact{Kind: analyze.FactCache, Func: yacc, Calls: 97, Of: 100, Share: 0.97, Funcs: []*parse.Func{load}},
			"yacc ran 97 times for 100 cache lookups (yaml/__init__.py:74 load): the cache missed 97% of the time."},
		{"use ratio", analyze.Fact{Kind: analyze.FactUseRatio, Func: yacc, Site: site, Other: load, Ratio: 9.24, Cost: 0.0931},
			"It costs 9.2× as much as the rest of get_values's work: its heaviest other call, yaml/__init__.py:74 load, took 93.1 ms."},
		{"constant use in the user's own function", analyze.Fact{Kind: analyze.FactConstantUse, Func: site, Site: site, Calls: 400, Share: 1, Other: load},
			"It is the user's own function, run 400 times, and all its work, the use of what it builds included, repeats exactly; " +
				"and the repeated work is construction, not arithmetic: it runs yaml/__init__.py:74 load."},
		{"chain", analyze.Fact{Kind: analyze.FactChain, Funcs: []*parse.Func{site, yacc, compile}},
			"Call chain: get_values → yacc → {built-in method builtins.compile}."},
		{"bytes", analyze.Fact{Kind: analyze.FactStackCost, Func: load, Cost: 754043838, Share: 0.48},
			"yaml/__init__.py:74 load and what it calls account for 754 MB, 48% of the profile."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			unit := "seconds"
			if tt.fact.Kind == analyze.FactStackCost {
				unit = "bytes"
			}
			if got := sentence(tt.fact, unit); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestShapeTitleAndFix checks that a finding made by shape gets a title
// and fix worded from its function and call site, and a catalogued one
// keeps the catalog's.
func TestShapeTitleAndFix(t *testing.T) {
	build := &parse.Func{Name: "build_index", File: "/srv/app/search.py", Line: 12}
	site := &parse.Func{Name: "handle", File: "/srv/app/app.py", Line: 40}
	shape := analyze.Finding{Pattern: "shape", Func: build, CallSite: site}
	if got, want := Title(shape), "Repeated identical work in build_index (found by profile shape)"; got != want {
		t.Errorf("title %q, want %q", got, want)
	}
	if got, want := fix(shape), "Build what build_index builds once and reuse it (or cache it by its inputs) instead of rebuilding it on every call from handle."; got != want {
		t.Errorf("fix %q, want %q", got, want)
	}
	cat := analyze.Finding{Pattern: "P1", Func: build, Title: "Repeated ply parser-table build (ply/yacc)", Fix: "Build the parser once."}
	if Title(cat) != cat.Title || fix(cat) != cat.Fix {
		t.Errorf("catalog finding worded as %q / %q", Title(cat), fix(cat))
	}
}

// TestMarkdownWording checks that Markdown puts names in code spans, where
// nothing in them is markup, and escapes the sentence's own words and the
// catalog's prose.
func TestMarkdownWording(t *testing.T) {
	odd := &parse.Func{Name: "__init__*x*", File: "/srv/app/a_b.py", Line: 3}
	tick := &parse.Func{Name: "f`g", File: "/srv/app/t.py", Line: 9}
	w := mdWords("seconds")
	tests := []struct {
		fact analyze.Fact
		want string
	}{
		{analyze.Fact{Kind: analyze.FactChain, Funcs: []*parse.Func{odd, tick}}, "Call chain: `__init__*x*` → ``f`g``."},
		{analyze.Fact{Kind: analyze.FactAlsoRan, Func: odd, Calls: 2, Cost: 0.5},
			"`/srv/app/a_b.py:3 __init__*x*` also ran twice from the same place, another 500 ms; the finding's cost includes it."},
		{analyze.Fact{Kind: analyze.FactWhy, Text: "# not a heading, <b>_not_ bold</b>"}, "\\# not a heading, \\<b\\>\\_not\\_ bold\\</b\\>"},
	}
	for _, tt := range tests {
		if got := w.fact(tt.fact); got != tt.want {
			t.Errorf("got  %q\nwant %q", got, tt.want)
		}
	}
}

// TestEveryFactKindWorded reads the fact kinds declared in analyze and
// checks that each has its own wording here and is listed in the README's
// JSON section, so a kind added to analyze cannot reach users unworded or
// undocumented.
func TestEveryFactKindWorded(t *testing.T) {
	files, err := filepath.Glob("../analyze/*.go")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []analyze.FactKind
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "FactKind" {
					continue
				}
				for _, v := range vs.Values {
					kinds = append(kinds, analyze.FactKind(strings.Trim(v.(*ast.BasicLit).Value, `"`)))
				}
			}
		}
	}
	if len(kinds) < 20 {
		t.Fatalf("found only %d fact kinds in analyze: %v", len(kinds), kinds)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, jsonSection, _ := strings.Cut(string(readme), "\n## JSON\n")
	jsonSection, _, _ = strings.Cut(jsonSection, "\n## ")
	f := &parse.Func{Name: "f", File: "/srv/app/a.py", Line: 1}
	for _, k := range kinds {
		x := analyze.Fact{Kind: k, Func: f, Site: f, Via: f, Other: f, Funcs: []*parse.Func{f},
			Calls: 4, Multiple: 2, Of: 2, Count: 2, Among: 3, Distinct: 2, Cost: 1, Share: 0.5, Ratio: 3, Text: "catalog prose"}
		if got := sentence(x, "seconds"); got == "" || got == x.Text && k != analyze.FactWhy {
			t.Errorf("fact kind %q has no wording of its own: %q", k, got)
		}
		if !strings.Contains(jsonSection, "`"+string(k)+"`") {
			t.Errorf("README's JSON section does not list fact kind `%s`", k)
		}
	}
}
