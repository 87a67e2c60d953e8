package render

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

// TestJSONFacts checks how a finding's facts reach JSON: each field under
// its documented key, functions as IDs, parts nested, zero fields left out,
// and the sentence the other reports print as "text".
func TestJSONFacts(t *testing.T) {
	yacc := &parse.Func{ID: 0, Name: "yacc", File: "/usr/lib/python3/dist-packages/ply/yacc.py", Line: 3216, Calls: 120, Primitive: 120, Cum: 0.85}
	goto0 := &parse.Func{ID: 1, Name: "lr0_goto", File: "/usr/lib/python3/dist-packages/ply/yacc.py", Line: 2165, Calls: 118080, Primitive: 118080}
	site := &parse.Func{ID: 2, Name: "get_values", File: "/srv/app/webhook.py", Line: 23, Calls: 120, Primitive: 120}
	p := &parse.Profile{Source: "webhook.pstats", Format: parse.Pstats, Unit: "seconds", Total: 1, Funcs: []*parse.Func{yacc, goto0, site}}
	multiples := analyze.Fact{Kind: analyze.FactMultiples, Func: yacc, Count: 102, Among: 102, Of: 120, Distinct: 18,
		Parts: []analyze.Fact{{Kind: analyze.FactMultiple, Func: goto0, Other: yacc, Calls: 118080, Multiple: 984, Of: 120}}}
	r := &analyze.Report{Profile: p, Findings: []analyze.Finding{{Kind: analyze.KindRepeatedSetup, Pattern: "shape", Severity: analyze.High,
		Func: yacc, CallSite: site, Chain: []*parse.Func{site, yacc}, Calls: 120, Cost: 0.85, PerCall: 0.85 / 120, Share: 0.85, Saving: 0.84,
		Evidence: []analyze.Fact{
			{Kind: analyze.FactRan, Func: yacc, Site: site, Calls: 120, Cost: 0.85, Share: 0.85},
			multiples,
			{Kind: analyze.FactChain, Funcs: []*parse.Func{site, yacc}},
			{Kind: analyze.FactUpstream, Text: "kennknowles/python-jsonpath-rw#69"},
		}}}}
	var b bytes.Buffer
	if err := JSON(&b, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Schema   string
		Findings []struct {
			Title, Fix string
			Evidence   []map[string]any
		}
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != "loopdoctor/v2" {
		t.Errorf("schema %q", doc.Schema)
	}
	f := doc.Findings[0]
	if f.Title != "Repeated identical work in yacc (found by profile shape)" || f.Fix == "" {
		t.Errorf("shape finding's title %q, fix %q", f.Title, f.Fix)
	}
	want := []map[string]any{
		{"kind": "ran", "function": 0.0, "site": 2.0, "calls": 120.0, "cost": 0.85, "share": 0.85,
			"text": "ply/yacc.py:3216 yacc ran 120 times, called from /srv/app/webhook.py:23 get_values, for 850 ms in total: 7.08 ms per call, 85% of the run."},
		{"kind": "multiples", "function": 0.0, "count": 102.0, "among": 102.0, "of": 120.0, "distinct": 18.0,
			"parts": []any{map[string]any{"kind": "multiple", "function": 1.0, "other": 0.0, "calls": 118080.0, "multiple": 984.0, "of": 120.0,
				"text": "lr0_goto called 118,080 times = 984 × 120 calls of yacc"}},
			"text": sentence(multiples, "seconds")},
		{"kind": "chain", "functions": []any{2.0, 0.0}, "text": "Call chain: get_values → yacc."},
		{"kind": "upstream", "catalog": "kennknowles/python-jsonpath-rw#69", "text": "Known upstream: kennknowles/python-jsonpath-rw#69."},
	}
	for i := range want {
		if !reflect.DeepEqual(f.Evidence[i], want[i]) {
			t.Errorf("fact %d:\n got %v\nwant %v", i, f.Evidence[i], want[i])
		}
	}
}
