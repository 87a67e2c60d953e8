package render

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/loopdoctor/loopdoctor/analyze"
)

// browserCheck is the script the browser test appends to a flame graph: on
// load it checks that frames are drawn, types a pattern into the search
// box, clicks a frame and the reset control, and writes what it saw into
// the document for --dump-dom to print.
const browserCheck = `<script><![CDATA[
window.addEventListener('load', function () {
  var out = {}, svg = document.documentElement;
  var rects = document.getElementById('ld-frames').getElementsByTagName('rect');
  var shown = function () {
    var n = 0;
    for (var i = 0; i < rects.length; i++) if (rects[i].getAttribute('display') !== 'none') n++;
    return n;
  };
  out.frames = rects.length;
  out.drawn = 0;
  for (var i = 0; i < rects.length; i++) if (rects[i].getBBox().width > 0 && rects[i].getBBox().height > 0) out.drawn++;
  var input = document.getElementById('ld-search');
  input.value = %q;
  input.dispatchEvent(new Event('input'));
  out.matched = document.getElementById('ld-matched').textContent;
  out.highlighted = document.querySelectorAll('#ld-frames rect.m').length;
  var k = %d, before = rects[k].getAttribute('width');
  var box = rects[k].getBoundingClientRect(), tip = document.getElementById('ld-tip');
  rects[k].dispatchEvent(new MouseEvent('mousemove',
    {bubbles: true, clientX: box.left + box.width / 2, clientY: box.top + box.height / 2}));
  out.tipShown = !tip.classList.contains('hidden');
  out.tip = Array.prototype.map.call(tip.getElementsByTagName('tspan'), function (t) { return t.textContent; }).join('\n');
  rects[k].dispatchEvent(new MouseEvent('click', {bubbles: true}));
  out.zoomedWidth = +rects[k].getAttribute('width');
  out.zoomedShown = shown();
  var reset = document.getElementById('ld-reset');
  out.resetVisible = !reset.classList.contains('hidden');
  reset.dispatchEvent(new MouseEvent('click', {bubbles: true}));
  out.restored = rects[k].getAttribute('width') === before && shown() === rects.length;
  var t = document.createElementNS('http://www.w3.org/2000/svg', 'text');
  t.textContent = 'LDRESULT' + JSON.stringify(out) + 'LDEND';
  svg.appendChild(t);
});
]]></script>
</svg>
`

type browserResult struct {
	Frames, Drawn, Highlighted int
	Matched                    string
	ZoomedWidth                float64
	ZoomedShown                int
	ResetVisible, Restored     bool
	TipShown                   bool
	Tip                        string
}

// chromium finds Debian's chromium, skipping the test without it unless
// running in CI, where it must be installed (.ci/run installs it).
func chromium(t *testing.T) string {
	if testing.Short() {
		t.Skip("drives headless Chromium; skipped with -short")
	}
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed; CI must install it (apt-get install -y chromium)")
		}
		t.Skip("chromium is not installed")
	}
	return path
}

func TestFlameInBrowser(t *testing.T) {
	browser := chromium(t)
	tests := []struct {
		name, dump, search string
		opts               FlameOptions
	}{
		{"motivating case", "webhook/webhook.pstats", "^yacc$", FlameOptions{MinWidth: 0.1}},
		{"finding, icicle", "setup/config_copy.pstats", "deepcopy", FlameOptions{MinWidth: 0.1, Inverted: true}},
		{"17,000 functions", "pstats/large.pstats", "^(run|__call__)$", FlameOptions{MinWidth: 0.1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := restack(dumpReport(t, tt.dump), tt.opts.StackOptions())
			s := r.Stacks
			want, zoom, inZoom := expectations(s, regexp.MustCompile(tt.search))

			var b bytes.Buffer
			if err := Flame(&b, r, tt.opts); err != nil {
				t.Fatal(err)
			}
			page := strings.Replace(b.String(), "</svg>\n", fmt.Sprintf(browserCheck, tt.search, zoom), 1)
			dir := t.TempDir()
			file := filepath.Join(dir, "flame.svg")
			if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
				t.Fatal(err)
			}
			var got browserResult
			runBrowser(t, browser, dir, file, &got)

			// Every frame has a rect; all are drawn but the "other" frames
			// narrower than the 0.05 px the SVG's coordinates resolve,
			// which zooming brings out.
			visible := 0
			for _, f := range s.Frames {
				if f.Merged == 0 || coord(f.Value/s.Total*1180) != "0.0" {
					visible++
				}
			}
			if got.Frames != len(s.Frames) || got.Drawn != visible {
				t.Errorf("browser drew %d of %d frames, want %d of %d", got.Drawn, got.Frames, visible, len(s.Frames))
			}
			m := regexp.MustCompile(`^Matched: ([0-9.]+)% `).FindStringSubmatch(got.Matched)
			if m == nil {
				t.Fatalf("matched share reads %q", got.Matched)
			}
			if share, _ := strconv.ParseFloat(m[1], 64); share < want*100-0.06 || share > want*100+0.06 || got.Highlighted == 0 {
				t.Errorf("search %q: %q with %d frames highlighted, want %.2f%%", tt.search, got.Matched, got.Highlighted, want*100)
			}
			if plot := float64(1200 - 2*flamePad); got.ZoomedWidth < plot-1 || got.ZoomedShown != inZoom || !got.ResetVisible {
				t.Errorf("after clicking frame %d: width %g, %d frames shown, reset shown %v; want width %g, %d frames, reset shown",
					zoom, got.ZoomedWidth, got.ZoomedShown, got.ResetVisible, plot-0.5, inZoom)
			}
			if !got.Restored {
				t.Errorf("reset did not restore the full view")
			}
			f := s.Frames[zoom]
			share := fmt.Sprintf("%.2f%% of total", f.Value/s.Total*100) // as flame.js's percent()
			if f.Value >= s.Total/10 {
				share = fmt.Sprintf("%.1f%% of total", f.Value/s.Total*100)
			}
			wantTip := []string{(&flameGraph{s: s}).frameInfo(f)[0], share}
			if f.Estimated {
				wantTip = append(wantTip, "estimated")
			}
			for _, w := range wantTip {
				if !got.TipShown || !strings.Contains(got.Tip, w) {
					t.Errorf("hovering frame %d showed %v %q, want it to say %q", zoom, got.TipShown, got.Tip, w)
				}
			}
			if strings.Contains(got.Tip, "estimated") != f.Estimated {
				t.Errorf("hovering frame %d: tooltip %q, frame estimated %v", zoom, got.Tip, f.Estimated)
			}
		})
	}
}

// expectations computes from the stack set what the browser should report:
// the share of the total covered by frames matching re (a frame inside a
// matching frame counts once), a frame worth zooming into (the widest below
// the root's children that has a sibling) and how many frames stay shown
// when zoomed into it (its subtree and its ancestors).
func expectations(s *analyze.StackSet, re *regexp.Regexp) (share float64, zoom, shown int) {
	var matched float64
	until := 0
	for i, f := range s.Frames {
		info := (&flameGraph{s: s}).frameInfo(f)
		if (re.MatchString(info[0]) || re.MatchString(info[1])) && i >= until {
			matched += f.Value
			until = f.End
		}
		siblings := f.Parent >= 0 && s.Frames[f.Parent].Value > f.Value*1.01
		if f.Depth >= 2 && siblings && (zoom == 0 || f.Value > s.Frames[zoom].Value) {
			zoom = i
		}
	}
	shown = s.Frames[zoom].End - zoom + s.Frames[zoom].Depth
	return matched / s.Total, zoom, shown
}

// runBrowser loads file in headless Chromium and decodes what the check
// script wrote into got.
func runBrowser(t *testing.T, browser, dir, file string, got any) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--dump-dom", "file://"+file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	m := regexp.MustCompile(`LDRESULT(\{.*?\})LDEND`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("the check script left no result; chromium said:\n%s", stderr.String())
	}
	if err := json.Unmarshal(m[1], got); err != nil {
		t.Fatal(err)
	}
}
