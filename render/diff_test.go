package render

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

// fixedProfile is trickyProfile after a fix: yacc runs once, its time and
// its caller's shrink, handle|request moved down two lines, one odd
// function is gone and a cache lookup is new.
func fixedProfile(t *testing.T) *parse.Profile {
	p := trickyProfile(t)
	p.Source = "after.prof"
	yacc := find(p, "yacc")
	yacc.Calls, yacc.Primitive, yacc.Own, yacc.Cum = 1, 1, 0.01, 0.02
	for _, e := range yacc.In {
		e.Calls, e.Primitive, e.Own, e.Cum = 1, 1, 0.01, 0.02
	}
	parseFn := find(p, "parse")
	parseFn.Cum = 0.12
	find(p, "handle|request").Line = 12
	p.Funcs = append(p.Funcs, &parse.Func{Name: "get", File: "app/cache.py", Line: 3, Calls: 30, Primitive: 30, Own: 0.002, Cum: 0.002})
	keep := p.Funcs[:0]
	for _, f := range p.Funcs {
		if f.Name != "~~strike~~" {
			keep = append(keep, f)
		}
	}
	p.Funcs = keep
	edges := p.Edges[:0]
	for _, e := range p.Edges {
		if e.Callee.Name != "~~strike~~" {
			edges = append(edges, e)
		}
	}
	p.Edges = edges
	p.Total -= 0.29 + 0.01 - 0.002
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	return p
}

// trickyDiff compares the two hand-made profiles and replaces what the
// detectors found with one finding of each fate, so the goldens show the
// renderers' work alone.
func trickyDiff(t *testing.T, top int) *analyze.Diff {
	base, next := trickyProfile(t), fixedProfile(t)
	base.Source = "before.prof"
	d, err := analyze.Compare(base, next, analyze.Options{Top: top})
	if err != nil {
		t.Fatal(err)
	}
	finding := func(p *parse.Profile, name, title string, sev analyze.Severity, cost float64) *analyze.Finding {
		return &analyze.Finding{Kind: "repeated-setup", Pattern: "shape", Severity: sev, Func: find(p, name),
			Calls: find(p, name).Calls, Cost: cost, Share: cost / p.Total, Title: title}
	}
	d.Findings = []analyze.FindingDiff{
		{Change: analyze.Disappeared, Base: finding(base, "yacc", "Repeated parser-table build (ply/yacc)", analyze.High, 0.6)},
		{Change: analyze.Appeared, New: finding(next, "get", "Repeated *cache* lookup", analyze.Low, 0.002)},
		{Change: analyze.Changed, Base: finding(base, "parse", "Repeated parse", analyze.High, 0.7), New: finding(next, "parse", "Repeated parse", analyze.Medium, 0.12)},
	}
	return d
}

func TestDiffGolden(t *testing.T) {
	tests := []struct {
		name  string
		top   int
		write func(*bytes.Buffer, *analyze.Diff) error
	}{
		{"diff.txt", 8, func(b *bytes.Buffer, d *analyze.Diff) error { return DiffText(b, d) }},
		{"diff.md", 0, func(b *bytes.Buffer, d *analyze.Diff) error { return DiffMarkdown(b, d) }},
		{"diff.json", 0, func(b *bytes.Buffer, d *analyze.Diff) error { return DiffJSON(b, d) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b, trickyDiff(t, tt.top)); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, b.Bytes())
		})
	}
}

// TestDiffJSON checks the document's promises: the schema name, every
// function of either run once, null for the side a function is missing
// from, and the moved function's old line.
func TestDiffJSON(t *testing.T) {
	d := trickyDiff(t, 3)
	var b bytes.Buffer
	if err := DiffJSON(&b, d); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Schema    string
		Functions []struct {
			Name      string
			Line      int
			BaseLine  *int `json:"base_line"`
			Base, New *struct{ Calls int64 }
			DeltaCum  float64 `json:"delta_cum"`
		}
		Findings []struct{ Change string }
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != "loopdoctor/diff/v1" {
		t.Errorf("schema %q", doc.Schema)
	}
	// 17 functions before, one gone and one new: 18 in all, whatever --top.
	if len(doc.Functions) != 18 {
		t.Errorf("%d functions, want 18", len(doc.Functions))
	}
	for _, f := range doc.Functions {
		switch f.Name {
		case "~~strike~~":
			if f.Base == nil || f.New != nil {
				t.Errorf("gone function: base %v new %v", f.Base, f.New)
			}
		case "get":
			if f.Base != nil || f.New == nil || f.New.Calls != 30 {
				t.Errorf("new function: base %v new %v", f.Base, f.New)
			}
		case "handle|request":
			if f.BaseLine == nil || *f.BaseLine != 10 || f.Line != 12 {
				t.Errorf("moved function: line %d, base_line %v", f.Line, f.BaseLine)
			}
		case "yacc":
			if f.Base.Calls != 30 || f.New.Calls != 1 || f.DeltaCum != 0.02-0.6 {
				t.Errorf("yacc: calls %d → %d, Δcum %v", f.Base.Calls, f.New.Calls, f.DeltaCum)
			}
		}
	}
	if len(doc.Findings) != 3 || doc.Findings[0].Change != "disappeared" || doc.Findings[1].Change != "appeared" || doc.Findings[2].Change != "changed" {
		t.Errorf("findings %+v", doc.Findings)
	}
}
