package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

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

// TestJSONSameBytes renders every dump the parse package reads in
// testdata (and in the shared external profiles when they are beside the
// repository), pprof ones once per sample type (but under -short), and checks the streamed
// documents, indented and on one line, byte for byte against what
// encoding/json writes for the oracle's struct form of the same report.
func TestJSONSameBytes(t *testing.T) {
	var dumps []string
	for _, root := range []string{filepath.Join("..", "testdata"), filepath.Join("..", "..", "shared", "profiles", "external")} {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				dumps = append(dumps, path)
			}
			return nil
		})
	}
	// What the dumps must exercise between them for the comparison to
	// cover every part of the document.
	seen := map[string]int{}
	for _, dump := range dumps {
		p, err := parse.File(dump, parse.Options{})
		if err != nil {
			continue // not a profile
		}
		types := []string{p.SampleType}
		if len(p.SampleTypes) > 1 && !testing.Short() {
			types = p.SampleTypes
		}
		for _, st := range types {
			if st != p.SampleType {
				if p, err = parse.File(dump, parse.Options{SampleType: st}); err != nil {
					t.Fatal(err)
				}
			}
			r := analyze.Analyze(p, analyze.Options{})
			seen["report"]++
			tally(seen, r)
			sameJSON(t, dump+" "+st, r)
		}
	}
	t.Logf("%d reports of %d files: %v", seen["report"], len(dumps), seen)
	for _, what := range []string{"pstats", "pprof", "sample types", "unknown calls", "synthetic", "estimated",
		"findings", "parts", "catalog", "loop", "blockers", "loop notes", "control characters", "HTML characters"} {
		if seen[what] == 0 {
			t.Errorf("no dump has %s: the comparison misses part of the document", what)
		}
	}
}

// sameJSON checks JSON and JSONLine against encoding/json on the oracle.
func sameJSON(t *testing.T, name string, r *analyze.Report) {
	t.Helper()
	var want, got bytes.Buffer
	for _, indent := range []bool{true, false} {
		want.Reset()
		got.Reset()
		enc := json.NewEncoder(&want)
		write := JSONLine
		if indent {
			enc.SetIndent("", "  ")
			write = JSON
		}
		if err := enc.Encode(oracleJSON(r)); err != nil {
			t.Fatalf("%s: oracle: %v", name, err)
		}
		if err := write(&got, r); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			i := firstDiff(got.Bytes(), want.Bytes())
			t.Errorf("%s (indent %v): streamed JSON differs from encoding/json at byte %d:\n got …%s…\nwant …%s…",
				name, indent, i, around(got.Bytes(), i), around(want.Bytes(), i))
		}
	}
}

// tally counts which parts of the document r exercises.
func tally(seen map[string]int, r *analyze.Report) {
	p := r.Profile
	seen[string(p.Format)]++
	if len(p.SampleTypes) > 1 {
		seen["sample types"]++
	}
	for _, f := range p.Funcs {
		if f.Calls < 0 {
			seen["unknown calls"]++
		}
		if f.Synthetic {
			seen["synthetic"]++
		}
		switch name := f.Name + f.File; {
		case !utf8.ValidString(name):
			seen["invalid UTF-8"]++
		case strings.ContainsFunc(name, func(r rune) bool { return r < ' ' }):
			seen["control characters"]++
		case strings.ContainsAny(name, "<>&"):
			seen["HTML characters"]++
		}
	}
	for _, e := range p.Edges {
		if e.Estimated {
			seen["estimated"]++
		}
	}
	seen["findings"] += len(r.Findings)
	for _, f := range r.Findings {
		for _, x := range f.Evidence {
			seen["parts"] += len(x.Parts)
			if x.Text != "" {
				seen["catalog"]++
			}
		}
	}
	if l := r.Loop; l != nil {
		seen["loop"]++
		seen["blockers"] += len(l.Blockers)
		seen["loop notes"] += len(l.Notes)
	}
}

func firstDiff(a, b []byte) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

func around(b []byte, i int) []byte { return b[max(0, i-80):min(len(b), i+80)] }

// TestJSONString checks string escaping against the bytes encoding/json
// writes, and against encoding/json itself.
func TestJSONString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"plain ascii ~", `"plain ascii ~"`},
		{`"q" \back\`, `"\"q\" \\back\\"`},
		{"\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"\x00\x01\x1b\x1f", `"\u0000\u0001\u001b\u001f"`},
		{"del \x7f stays", "\"del \x7f stays\""},
		{"<module> & </script>", `"\u003cmodule\u003e \u0026 \u003c/script\u003e"`},
		{"line\u2028para\u2029end", `"line\u2028para\u2029end"`},
		{"rlo \u202e é 漢 😀", "\"rlo \u202e é 漢 😀\""},
		{"bad \xff\xfe byte", `"bad \ufffd\ufffd byte"`},
		{"cut \xe6\xbc", `"cut \ufffd\ufffd"`},
		{"surrogate \xed\xa0\x80", `"surrogate \ufffd\ufffd\ufffd"`},
		{"real \ufffd kept", "\"real \ufffd kept\""},
	}
	for _, tt := range tests {
		got := string(appendJSONString(nil, tt.in))
		if got != tt.want {
			t.Errorf("%q: got %s, want %s", tt.in, got, tt.want)
		}
		if std, _ := json.Marshal(tt.in); got != string(std) {
			t.Errorf("%q: got %s, encoding/json writes %s", tt.in, got, std)
		}
	}
}

// FuzzJSONString checks that any string, valid UTF-8 or not, is quoted
// exactly as encoding/json quotes it.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "<a&b>", "\x00\u2028\u2029\xff", "é\xe6\xbc", "\"\\\b\f\n\r\t\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		std, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, std) {
			t.Errorf("%q: got %s, encoding/json writes %s", s, got, std)
		}
	})
}

// TestJSONFloat checks number forms at the edges of encoding/json's
// choice between decimals and exponents.
func TestJSONFloat(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "-0"},
		{83.48694480199995, "83.48694480199995"},
		{0.000014590000000000001, "0.000014590000000000001"},
		{1e-6, "0.000001"},
		{9.99e-7, "9.99e-7"},
		{1e-7, "1e-7"},
		{1.5e-10, "1.5e-10"},
		{5e-324, "5e-324"},
		{123456789012345680000, "123456789012345680000"},
		{1e21, "1e+21"},
		{-1e100, "-1e+100"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
	}
	for _, tt := range tests {
		w := newJSONWriter(nil, false)
		w.float(tt.in)
		if got := string(w.buf); got != tt.want {
			t.Errorf("%v: got %s, want %s", tt.in, got, tt.want)
		}
		if std, _ := json.Marshal(tt.in); string(w.buf) != string(std) {
			t.Errorf("%v: got %s, encoding/json writes %s", tt.in, w.buf, std)
		}
	}
}

// FuzzJSONFloat checks any float64 is written as encoding/json writes it,
// and that NaN and infinities fail with its error.
func FuzzJSONFloat(f *testing.F) {
	for _, v := range []float64{0, 1e-7, 1e21, math.NaN(), math.Inf(-1)} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		std, stdErr := json.Marshal(v)
		w := newJSONWriter(nil, false)
		w.float(v)
		if stdErr != nil {
			if w.err == nil || w.err.Error() != stdErr.Error() {
				t.Errorf("%v: error %v, encoding/json's is %v", v, w.err, stdErr)
			}
			return
		}
		if w.err != nil || !bytes.Equal(w.buf, std) {
			t.Errorf("%v: got %s (%v), encoding/json writes %s", v, w.buf, w.err, std)
		}
	})
}

// TestAppendUint checks integers at every change of digit count against
// strconv.
func TestAppendUint(t *testing.T) {
	values := []uint64{0, math.MaxUint64}
	for p := uint64(1); p <= 1e19; p *= 10 {
		values = append(values, p-1, p, p+1, 7*p)
	}
	for _, u := range values {
		if got, want := string(appendUint([]byte("x"), u)), "x"+strconv.FormatUint(u, 10); got != want {
			t.Errorf("%d: got %s, want %s", u, got, want)
		}
	}
}

// TestJSONFloatNanos checks the whole-nanosecond values written without
// strconv's digit search, and their float64 neighbours (which are not whole
// nanoseconds), against encoding/json: every count of nanoseconds below
// 2,000 (the exponent forms and the switch to decimals), whole numbers, and
// the largest of each form.
func TestJSONFloatNanos(t *testing.T) {
	var values []float64
	for k := range 2000 {
		values = append(values, float64(k)/1e9)
	}
	for _, k := range []float64{5380, 14590, 1e9, 83486944802, 999999999999999, 1e15} {
		values = append(values, k/1e9)
	}
	values = append(values, 1, 7, 1e6, 1e6+1, 123456789, 1e15-1, 1e15, 1e15+2)
	for _, v := range values {
		for _, v := range []float64{v, -v, math.Nextafter(v, 0), math.Nextafter(v, math.Inf(1))} {
			checkJSONFloat(t, v)
		}
	}
}

// FuzzJSONFloatDecimal checks decimals of up to 17 digits, scaled by up to
// 10⁻²², and their neighbours, the values the fast paths of float take or
// narrowly miss, as FuzzJSONFloat's random bits seldom are.
func FuzzJSONFloatDecimal(f *testing.F) {
	f.Add(uint64(5380), uint8(9))
	f.Add(uint64(999), uint8(9))
	f.Add(uint64(83486944802), uint8(9))
	f.Add(uint64(999999999999999), uint8(0))
	f.Fuzz(func(t *testing.T, k uint64, scale uint8) {
		v := float64(k%1e17) / math.Pow10(int(scale%23))
		for _, v := range []float64{v, -v, math.Nextafter(v, 0), math.Nextafter(v, math.Inf(1))} {
			checkJSONFloat(t, v)
		}
	})
}

// checkJSONFloat checks float writes v as encoding/json does, twice in a
// row (the second time from the text kept of the first).
func checkJSONFloat(t *testing.T, v float64) {
	t.Helper()
	std, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	w := newJSONWriter(nil, false)
	w.float(v)
	w.float(v)
	if want := string(std) + string(std); string(w.buf) != want {
		t.Errorf("%v (%#x): got %s, encoding/json writes %s twice", v, math.Float64bits(v), w.buf, std)
	}
}

// TestJSONExtremes streams a report whose names and numbers are the
// hardest to write (every kind of escape, invalid UTF-8, the largest
// counts, tiny and huge times, unknown counts, an empty list) and compares
// it with encoding/json's document.
func TestJSONExtremes(t *testing.T) {
	odd := &parse.Func{ID: 0, Name: "<lambda>\x00\x1b[31m\u2028\xff", File: "a&b\\\"c.py", Line: math.MaxInt32,
		Calls: math.MaxInt64, Primitive: math.MaxInt64, Own: 5e-324, Cum: 1e300}
	unknown := &parse.Func{ID: 1, Name: "main.main", File: "main.go", Calls: -1, Primitive: -1, Own: math.Copysign(0, -1), Synthetic: true}
	p := &parse.Profile{Source: "odd\u2029.pstats", Format: parse.Pprof, Unit: "count", SampleType: "alloc_objects",
		SampleTypes: []string{"alloc_objects", "alloc_space"}, Total: 1e21, Notes: []string{"a\tb", ""},
		Funcs: []*parse.Func{odd, unknown},
		Edges: []*parse.Edge{{Caller: unknown, Callee: odd, Calls: -1, Primitive: math.MaxInt64, Own: 1e-7, Estimated: true}}}
	sameJSON(t, "extremes", &analyze.Report{Profile: p})
}

// TestJSONUnsupported checks a NaN or an infinity fails as encoding/json
// failed: its *UnsupportedValueError, with its message.
func TestJSONUnsupported(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		p := &parse.Profile{Source: "x.pstats", Format: parse.Pstats, Unit: "seconds", Total: v}
		r := &analyze.Report{Profile: p}
		_, want := json.Marshal(oracleJSON(r))
		err := JSON(&bytes.Buffer{}, r)
		var unsupported *json.UnsupportedValueError
		if !errors.As(err, &unsupported) || err.Error() != want.Error() {
			t.Errorf("total %v: error %v, want %v", v, err, want)
		}
	}
}

// TestJSONError checks the NDJSON line of an unreadable input against
// encoding/json's.
func TestJSONError(t *testing.T) {
	var got, want bytes.Buffer
	source, err := "dir/<bad>\xff.pstats", errors.New("open dir/<bad>\xff.pstats: no such file or directory")
	if err := JSONError(&got, source, err); err != nil {
		t.Fatal(err)
	}
	json.NewEncoder(&want).Encode(struct {
		Schema string `json:"schema"`
		Source string `json:"source"`
		Error  string `json:"error"`
	}{Schema, source, err.Error()})
	if got.String() != want.String() {
		t.Errorf("got %s, want %s", got.String(), want.String())
	}
}

// TestJSONWriteError checks the writer's error is the one returned, and
// that nothing more is written after it.
func TestJSONWriteError(t *testing.T) {
	full := errors.New("no space left on device")
	w := &failingWriter{err: full}
	if err := JSON(w, dumpReport(t, "pstats/recursive-3.11.pstats")); err != full || w.writes != 1 {
		t.Errorf("error %v after %d writes, want %v after 1", err, w.writes, full)
	}
}

// failingWriter fails every write with err.
type failingWriter struct {
	err    error
	writes int
}

func (w *failingWriter) Write([]byte) (int, error) {
	w.writes++
	return 0, w.err
}
