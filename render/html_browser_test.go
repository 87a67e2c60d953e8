package render

import (
	"bytes"
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

// htmlErrorTrap goes first in the page's head: it records uncaught errors,
// console errors and requests the content security policy refused.
const htmlErrorTrap = `<script>
window.LDERRORS = [];
window.addEventListener('error', function (e) { LDERRORS.push('error: ' + e.message); });
window.addEventListener('securitypolicyviolation', function (e) { LDERRORS.push('refused: ' + e.blockedURI); });
(function () {
  var ce = console.error;
  console.error = function () { LDERRORS.push('console: ' + Array.prototype.join.call(arguments, ' ')); ce.apply(console, arguments); };
})();
</script>
`

// htmlCheck is appended to the page's body. On load it sorts the function
// table by own, filters it, clicks a function link, searches the flame
// graph, and writes what it saw into the document for --dump-dom.
const htmlCheck = `<script>
window.addEventListener('load', function () {
  var out = {errors: LDERRORS, ready: window.LDREADY};
  try {
  var q = function (s) { return document.querySelector(s); };
  var rows = function () { return document.querySelectorAll('#fn-table tbody tr'); };
  var firstLabel = function () { return rows()[0].lastChild.textContent; };
  out.rows = rows().length;
  out.firstByCum = firstLabel();
  var own = Array.prototype.find.call(document.querySelectorAll('#fn-table th'), function (th) { return th.textContent === 'own'; });
  own.dispatchEvent(new MouseEvent('click', {bubbles: true}));
  out.firstByOwn = firstLabel();
  var filter = q('#fn-filter');
  filter.focus();
  filter.dispatchEvent(new KeyboardEvent('keydown', {key: '/', bubbles: true, cancelable: true}));
  out.slashKeptFocus = document.activeElement === filter;
  filter.value = %q;
  filter.dispatchEvent(new Event('input'));
  out.filteredRows = rows().length;
  out.filteredCount = q('#fn-count').textContent;
  q(%q).click();
  out.viewTitle = q('#fn-view h3').textContent;
  out.callers = document.querySelectorAll('#fn-view table.callers tbody tr').length;
  out.callees = document.querySelectorAll('#fn-view table.callees tbody tr').length;
  out.noCallers = !!Array.prototype.find.call(document.querySelectorAll('#fn-view p'), function (p) { return p.textContent === 'No callers recorded.'; });
  out.highlighted = document.querySelectorAll('#ld-frames rect.sel').length;
  var search = q('#ld-search');
  search.value = %q;
  search.dispatchEvent(new Event('input'));
  out.matched = q('#ld-matched').textContent;
  } catch (e) { out.errors.push('check: ' + e); }
  var t = document.createElement('pre');
  t.textContent = 'LDRESULT' + JSON.stringify(out) + 'LDEND';
  document.body.appendChild(t);
});
</script>
`

type htmlResult struct {
	Errors                        []string
	Ready                         float64
	Rows, FilteredRows            int
	FirstByCum, FirstByOwn        string
	FilteredCount                 string
	ViewTitle                     string
	Callers, Callees, Highlighted int
	NoCallers, SlashKeptFocus     bool
	Matched                       string
}

// TestHTMLInBrowser loads reports in headless Chromium and checks each
// interaction against numbers computed here from the report.
func TestHTMLInBrowser(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("drives Chromium; skipped under -short")
	}
	browser := chromium(t)
	tests := []struct {
		name, dump     string
		filter, search string
		// link selects the function link to click; clicked is the
		// function it names, nil for the first row of the filtered table
		// sorted by own.
		link    string
		clicked func(*analyze.Report) *parse.Func
	}{
		{"finding's function", "webhook/webhook.pstats", `ply/(yacc|lex)\.py`, "^yacc$",
			"#findings a.fn", func(r *analyze.Report) *parse.Func { return r.Findings[0].Func }},
		{"event-loop blocker", "loop/blocking.pstats", `blocking\.py`, "sleep",
			"#loop a.fn", func(r *analyze.Report) *parse.Func { return r.Loop.Blockers[0].Func }},
		{"pprof, no calls", "pprof/cpu/cpu.pb.gz", `\(runtime\.`, "^runtime\\.", "#fn-table tbody a.fn", nil},
		{"hostile names", "hostile/hostile.pstats", `/(nul|cr)\.py:`, "evil|forged", "#fn-table tbody a.fn", nil},
		{"17,000 functions", "pstats/large.pstats", `unittest/`, "^(run|__call__)$", "#fn-table tbody a.fn", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := restack(dumpReport(t, tt.dump), FlameOptions{}.StackOptions())
			var b bytes.Buffer
			if err := HTML(&b, r, FlameOptions{}); err != nil {
				t.Fatal(err)
			}
			page := strings.Replace(b.String(), "<title>", htmlErrorTrap+"<title>", 1)
			page = strings.Replace(page, "</body>", fmt.Sprintf(htmlCheck, tt.filter, tt.link, tt.search)+"</body>", 1)
			dir := t.TempDir()
			file := filepath.Join(dir, "report.html")
			if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
				t.Fatal(err)
			}
			var got htmlResult
			runBrowser(t, browser, dir, file, &got)
			t.Logf("%d bytes, script done %.0f ms after navigation began", b.Len(), got.Ready)

			if !got.SlashKeptFocus {
				t.Errorf("typing / in the filter moved the focus to the flame graph's search")
			}
			if len(got.Errors) > 0 {
				t.Errorf("the page reported errors: %q", got.Errors)
			}
			p := r.Profile
			if want := min(len(p.Funcs), 100); got.Rows != want {
				t.Errorf("table shows %d rows, want %d (the first page)", got.Rows, want)
			}
			all := func(*parse.Func) bool { return true }
			byCum := maxBy(p, all, func(f *parse.Func) float64 { return f.Cum })
			byOwn := maxBy(p, all, func(f *parse.Func) float64 { return f.Own })
			if got.FirstByCum != printedLabel(byCum) || got.FirstByOwn != printedLabel(byOwn) {
				t.Errorf("first row %q, after sorting by own %q; want %q, then %q",
					got.FirstByCum, got.FirstByOwn, printedLabel(byCum), printedLabel(byOwn))
			}
			re := regexp.MustCompile(tt.filter)
			matching := 0
			for _, f := range p.Funcs {
				if re.MatchString(f.String()) {
					matching++
				}
			}
			wantCount := fmt.Sprintf("%s of %s functions", units.Count(int64(matching)), units.Count(int64(len(p.Funcs))))
			if matching == 0 || matching == len(p.Funcs) || got.FilteredCount != wantCount || got.FilteredRows != min(matching, 100) {
				t.Errorf("filter %q: %q with %d rows, want %q (a test filter must narrow)", tt.filter, got.FilteredCount, got.FilteredRows, wantCount)
			}

			var f *parse.Func
			if tt.clicked != nil {
				f = tt.clicked(r)
			} else {
				f = maxBy(p, func(f *parse.Func) bool { return re.MatchString(f.String()) }, func(f *parse.Func) float64 { return f.Own })
			}
			g, err := layoutFlame(r, FlameOptions{})
			if err != nil {
				t.Fatal(err)
			}
			frames := 0
			for _, fr := range g.s.Frames {
				if fr.Func == f {
					frames++
				}
			}
			if got.ViewTitle != printedLabel(f) || got.Callers != len(f.In) || got.Callees != len(f.Out) ||
				got.NoCallers != (len(f.In) == 0) || got.Highlighted != frames {
				t.Errorf("clicking %s opened %q with %d callers, %d callees, %d frames highlighted; want %q, %d, %d, %d",
					tt.link, got.ViewTitle, got.Callers, got.Callees, got.Highlighted, printedLabel(f), len(f.In), len(f.Out), frames)
			}

			want, _, _ := expectations(g.s, regexp.MustCompile(tt.search))
			m := regexp.MustCompile(`^Matched: ([0-9.]+)% `).FindStringSubmatch(got.Matched)
			if m == nil {
				t.Fatalf("flame search %q: matched share reads %q", tt.search, got.Matched)
			}
			if share, _ := strconv.ParseFloat(m[1], 64); share < want*100-0.06 || share > want*100+0.06 || want == 0 {
				t.Errorf("flame search %q: %q, want %.2f%%", tt.search, got.Matched, want*100)
			}
		})
	}
}

// maxBy returns the function with the largest key among those keep
// accepts, the first on ties, as the page's stable sort puts first.
func maxBy(p *parse.Profile, keep func(*parse.Func) bool, key func(*parse.Func) float64) *parse.Func {
	var best *parse.Func
	for _, f := range p.Funcs {
		if keep(f) && (best == nil || key(f) > key(best)) {
			best = f
		}
	}
	return best
}
