package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

func TestHTMLGolden(t *testing.T) {
	var b bytes.Buffer
	if err := HTML(&b, restack(dumpReport(t, "setup/config_copy.pstats"), FlameOptions{}.StackOptions()), FlameOptions{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "config_copy.html", b.Bytes())
}

// htmlReportData decodes the data the page's script reads.
func htmlReportData(t *testing.T, page string) htmlData {
	t.Helper()
	m := regexp.MustCompile(`<script type="application/json" id="ld-report">(.*)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the page holds no report data")
	}
	var d htmlData
	if err := json.Unmarshal([]byte(m[1]), &d); err != nil {
		t.Fatalf("report data: %v", err)
	}
	return d
}

// TestHTMLContent checks the page against the report: every function and
// edge in the data with its numbers, the findings and blockers linked to
// their functions, and nothing fetched from anywhere.
func TestHTMLContent(t *testing.T) {
	r := restack(dumpReport(t, "webhook/webhook.pstats"), FlameOptions{}.StackOptions())
	var b bytes.Buffer
	if err := HTML(&b, r, FlameOptions{}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	d := htmlReportData(t, page)
	p := r.Profile
	if len(d.Label) != len(p.Funcs) || len(d.Caller) != len(p.Edges) {
		t.Fatalf("data holds %d functions and %d edges, want %d and %d", len(d.Label), len(d.Caller), len(p.Funcs), len(p.Edges))
	}
	for i, f := range p.Funcs {
		key := fmt.Sprintf("%s:%d(%s)", d.Files[d.File[i]], d.Line[i], d.Name[i])
		if key != f.String() || d.Label[i] != printedLabel(f) || d.NCalls[i] != f.Calls || d.Own[i] != int64(f.Own*1e6+0.5) {
			t.Fatalf("function %d: %q %q calls %d own %d µs; want %q %q %d %.1f µs",
				i, key, d.Label[i], d.NCalls[i], d.Own[i], f.String(), printedLabel(f), f.Calls, f.Own*1e6)
		}
	}
	for i, e := range p.Edges {
		if d.Caller[i] != e.Caller.ID || d.Callee[i] != e.Callee.ID || d.EdgeCalls[i] != e.Calls || d.EdgeCum[i] != int64(e.Cum*1e6+0.5) {
			t.Fatalf("edge %d differs from %s → %s", i, e.Caller, e.Callee)
		}
	}
	var links []string
	for _, f := range r.Findings {
		links = append(links, f.Func.String())
	}
	for _, bl := range r.Loop.Blockers {
		links = append(links, bl.Func.String())
	}
	if len(r.Findings) == 0 || len(r.Loop.Blockers) == 0 {
		t.Fatal("the webhook dump should have a finding and a blocker")
	}
	for _, key := range links {
		var f *parse.Func
		for _, g := range p.Funcs {
			if g.String() == key {
				f = g
			}
		}
		want := fmt.Sprintf(`<a class="fn" href="#fn-%d"><code>%s</code></a>`, f.ID, xmlText(printedLabel(f)))
		if !strings.Contains(page, want) {
			t.Errorf("the page does not link %s as %s", key, want)
		}
	}
	if d.Sort != "cum" {
		t.Errorf("the table starts sorted by %q, want cum as the report", d.Sort)
	}
	for k, title := range sortColumns {
		if !strings.Contains(htmlJS, "title: '"+title+"'") {
			t.Errorf("--sort %v names column %q, which the script does not have", k, title)
		}
	}
	if !strings.Contains(page, `content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"`) {
		t.Errorf("the page lacks its content security policy")
	}
	if regexp.MustCompile(`(?i)(href|src)=["']?(https?:)?//`).MatchString(page) || strings.Contains(page, "@import") {
		t.Errorf("the page refers to the network")
	}
}

// TestHTMLHostileNames renders functions whose names hold markup, script
// ends and quotes: none may reach the page unescaped, and the script's data
// must carry them intact.
func TestHTMLHostileNames(t *testing.T) {
	nasty := []string{`<script>alert(1)</script>`, `"]]></script><img src=x onerror=alert(2)>'`, "a\u2028b</style>"}
	r := handReport("count", []string{"0,1", "0,2", "0"}, []float64{5, 2, 1},
		&parse.Func{Name: "main.main", File: "main.go", Calls: -1, Primitive: -1},
		&parse.Func{Name: nasty[0], File: nasty[1], Line: 1, Calls: -1, Primitive: -1},
		&parse.Func{Name: nasty[2], File: "x<y>.go", Line: 2, Calls: -1, Primitive: -1})
	var b bytes.Buffer
	if err := HTML(&b, restack(r, FlameOptions{}.StackOptions()), FlameOptions{Title: nasty[0]}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, s := range append(nasty, "<img", "<y>") {
		if strings.Contains(page, s) {
			t.Errorf("the page holds %q unescaped", s)
		}
	}
	// The data script, the flame graph's script and the page's script.
	if n := strings.Count(page, "<script"); n != 3 {
		t.Errorf("the page has %d script elements, want 3", n)
	}
	d := htmlReportData(t, page)
	var names []string
	for i := range d.Name {
		names = append(names, d.Name[i], d.Files[d.File[i]])
	}
	for _, s := range nasty {
		if !strings.Contains(strings.Join(names, "\n"), s) {
			t.Errorf("the data lost %q: %q", s, names)
		}
	}
}

// TestHTMLLarge checks the 17,000-function page stays within 5 MB and is
// the same bytes each time.
func TestHTMLLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("draws the 17,000-function dump twice; skipped with -short")
	}
	r := restack(dumpReport(t, "pstats/large.pstats"), FlameOptions{}.StackOptions())
	var a, b bytes.Buffer
	for _, w := range []*bytes.Buffer{&a, &b} {
		if err := HTML(w, r, FlameOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("two renderings of the same report differ")
	}
	if a.Len() > 5<<20 {
		t.Errorf("the page of %d functions is %d bytes, want at most 5 MB", len(r.Profile.Funcs), a.Len())
	}
	t.Logf("%d functions, %d edges: %d bytes", len(r.Profile.Funcs), len(r.Profile.Edges), a.Len())
}

// TestHTMLAndPNGEveryDump renders every dump in testdata and, when the
// shared directory is beside the repository, every external profile, as a
// page and a picture: the page must hold every function and stay within
// 5 MB, the picture must decode at the graph's size.
func TestHTMLAndPNGEveryDump(t *testing.T) {
	if testing.Short() {
		t.Skip("reads every dump; skipped under -short")
	}
	var dumps []string
	for _, pattern := range []string{"*/*.pstats", "*/*/*.pstats", "*/*/*.pb.gz", "*/*/*.pprof"} {
		more, _ := filepath.Glob(filepath.Join("..", "testdata", pattern))
		dumps = append(dumps, more...)
	}
	external, _ := filepath.Glob(filepath.Join("..", "..", "shared", "profiles", "external", "*"))
	for _, f := range external {
		if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() && !strings.HasSuffix(f, ".md") {
			dumps = append(dumps, f)
		}
	}
	if len(dumps) < 50 {
		t.Fatalf("found %d dumps; the glob patterns are broken", len(dumps))
	}
	for _, dump := range dumps {
		t.Run(strings.TrimLeft(dump, "./"), func(t *testing.T) {
			p, err := parse.File(dump, parse.Options{})
			if err != nil {
				t.Skipf("not a profile loopdoctor reads: %v", err)
			}
			so := FlameOptions{}.StackOptions()
			r := analyze.Analyze(p, analyze.Options{Stacks: &so})
			var page, pic bytes.Buffer
			if err := HTML(&page, r, FlameOptions{}); err != nil {
				t.Fatal(err)
			}
			if d := htmlReportData(t, page.String()); len(d.Label) != len(p.Funcs) || page.Len() > 5<<20 {
				t.Errorf("page holds %d of %d functions in %d bytes", len(d.Label), len(p.Funcs), page.Len())
			}
			if err := PNG(&pic, r, FlameOptions{}); err != nil {
				t.Fatal(err)
			}
			g, _ := layoutFlame(r, FlameOptions{})
			if cfg, err := png.DecodeConfig(&pic); err != nil || cfg.Width != g.width || cfg.Height != g.height {
				t.Errorf("picture is %dx%d (%v), want %dx%d", cfg.Width, cfg.Height, err, g.width, g.height)
			}
		})
	}
}
