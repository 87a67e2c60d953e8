package analyze

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/parse"
)

// oracle is what testdata/loop/oracle.py computes from a dump with
// Python's own pstats module.
type oracle struct {
	Runtime *string
	Wall    float64
	Idle    float64
	Busy    float64
	Steps   int64
	Funcs   map[string]struct {
		Calls    int64
		Cost     float64
		WorstMin float64 `json:"worst_min"`
		WorstMax float64 `json:"worst_max"`
	}
}

// runOracle asks oracle.py about every dump at once (one Python start),
// for the functions listed with each.
func runOracle(t *testing.T, funcs map[string][]string) map[string]oracle {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not on PATH; it computes the expected figures")
	}
	in, err := json.Marshal(funcs)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, filepath.Join("..", "testdata", "loop", "oracle.py"))
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle.py: %v", err)
	}
	var o map[string]oracle
	if err := json.Unmarshal(out, &o); err != nil {
		t.Fatalf("oracle.py printed %q: %v", out, err)
	}
	return o
}

// wantBlocker names a blocker by the oracle's spelling of its function
// ("path/suffix.py:name", with ":LINE" before the name where a file holds
// two functions of that name) and says what the report must conclude about it.
type wantBlocker struct {
	fn      string
	site    string // call site's function name; "" for none
	slow    bool
	finding bool // linked to a repeated-setup finding
}

func TestEventLoop(t *testing.T) {
	const (
		sleep         = "~:<built-in method time.sleep>"
		jsonpathParse = "jsonpath_rw/parser.py:13:parse" // the module's parse(), not JsonPathParser.parse
	)
	tests := []struct {
		name, dump string
		runtime    string // "" for no loop
		blockers   []wantBlocker
		more       func(t *testing.T, l *Loop) // further claims about the loop
		note       string                      // a substring one of the loop's notes must hold
	}{
		{
			name: "time.sleep and CPU work in coroutines (3.11)", dump: "loop/blocking.pstats", runtime: "asyncio",
			blockers: []wantBlocker{
				{fn: "loop/blocking.py:build_index", site: "warm_up", slow: true},
				{fn: sleep, site: "handle"},
				{fn: "loop/blocking.py:checksum", site: "handle"},
			},
		},
		{
			name: "the same app on 3.7", dump: "loop/blocking-3.7.pstats", runtime: "asyncio",
			blockers: []wantBlocker{
				{fn: sleep, site: "handle"},
				{fn: "blocking.py:build_index", site: "warm_up", slow: true},
				{fn: "blocking.py:checksum", site: "handle"},
			},
		},
		{
			name: "the same app on 3.13 (sys.monitoring)", dump: "loop/blocking-3.13.pstats", runtime: "asyncio",
			blockers: []wantBlocker{
				{fn: "loop/blocking.py:build_index", site: "warm_up", slow: true},
				{fn: "loop/blocking.py:checksum", site: "handle"},
				{fn: sleep, site: "handle"},
			},
		},
		{
			name: "healthy app awaiting I/O", dump: "loop/healthy.pstats", runtime: "asyncio",
			more: func(t *testing.T, l *Loop) {
				if l.Idle < 0.8*l.Wall {
					t.Errorf("idle %v of wall %v; the app mostly waits", l.Idle, l.Wall)
				}
				for _, b := range l.Blockers {
					if b.ProbablySlow {
						t.Errorf("%s is probably slow; nothing blocks in this app", Label(b.Func))
					}
				}
			},
		},
		{
			name: "run_in_executor and to_thread (3.11 sees no worker)", dump: "loop/executor.pstats", runtime: "asyncio",
			note: "handed work to threads",
			more: func(t *testing.T, l *Loop) {
				for _, b := range l.Blockers {
					if b.ProbablySlow || strings.Contains(b.Func.Name, "checksum") || strings.Contains(b.Func.Name, "sleep") {
						t.Errorf("blocker %s: the blocking work ran on executor threads", Label(b.Func))
					}
				}
			},
		},
		{
			name: "executor threads mixed in (3.12)", dump: "loop/executor-3.12.pstats", runtime: "asyncio",
			note: "other threads are mixed into this profile",
		},
		{name: "no event loop", dump: "loop/noloop.pstats"},
		{
			name: "uvloop hides busy and idle", dump: "loop/uvloop.pstats", runtime: "uvloop",
			note: "cannot be separated",
			blockers: []wantBlocker{
				{fn: "loop/uvloop_app.py:checksum", site: "handle"},
				{fn: sleep, site: "handle"},
			},
		},
		{
			name: "trio", dump: "loop/trio.pstats", runtime: "trio",
			blockers: []wantBlocker{
				{fn: sleep, site: "handle"},
				{fn: "loop/trio_app.py:checksum", site: "handle"},
			},
		},
		{
			name: "jsonpath_rw webhook", dump: "webhook/webhook.pstats", runtime: "asyncio",
			blockers: []wantBlocker{{fn: jsonpathParse, site: "get_values", finding: true}},
			more: func(t *testing.T, l *Loop) {
				if l.Busy < 0.5*l.Wall {
					t.Errorf("busy %v of wall %v; the loop is mostly busy", l.Busy, l.Wall)
				}
				if b := l.Blockers[0]; b.ShareOfBusy < 0.5 {
					t.Errorf("parse holds %v of busy; want most of it", b.ShareOfBusy)
				}
			},
		},
	}
	specs := map[string][]string{}
	for _, tt := range tests {
		dump := filepath.Join("..", "testdata", tt.dump)
		specs[dump] = []string{}
		for _, b := range tt.blockers {
			specs[dump] = append(specs[dump], b.fn)
		}
	}
	oracles := runOracle(t, specs)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dump := filepath.Join("..", "testdata", tt.dump)
			p, err := parse.File(dump, parse.Options{})
			if err != nil {
				t.Fatal(err)
			}
			o := oracles[dump]
			r := Analyze(p, Options{})
			l := r.Loop
			if tt.runtime == "" {
				if l != nil || o.Runtime != nil {
					t.Fatalf("found a loop (%+v; oracle %v), want none", l, o.Runtime)
				}
				return
			}
			if l == nil {
				t.Fatal("found no event loop")
			}
			if l.Runtime != tt.runtime || o.Runtime == nil || *o.Runtime != tt.runtime {
				t.Errorf("runtime %q (oracle %v), want %q", l.Runtime, o.Runtime, tt.runtime)
			}
			nearOracle(t, "wall", l.Wall, o.Wall)
			nearOracle(t, "idle", l.Idle, o.Idle)
			nearOracle(t, "busy", l.Busy, o.Busy)
			if l.Steps != o.Steps {
				t.Errorf("steps %d, oracle %d", l.Steps, o.Steps)
			}
			nearOracle(t, "mean step", l.MeanStep, o.Busy/float64(o.Steps))
			if l.SlowThreshold != defaultSlow {
				t.Errorf("slow threshold %v, want asyncio's %v", l.SlowThreshold, defaultSlow)
			}
			if len(l.Blockers) < len(tt.blockers) {
				t.Fatalf("%d blockers %v, want at least %d", len(l.Blockers), blockerNames(l), len(tt.blockers))
			}
			for i, want := range tt.blockers {
				b, of := l.Blockers[i], o.Funcs[want.fn]
				if !matchesSpec(b.Func, want.fn) {
					t.Errorf("blocker %d is %s, want %s (all: %v)", i+1, Label(b.Func), want.fn, blockerNames(l))
					continue
				}
				if b.Calls != of.Calls {
					t.Errorf("%s: calls %d, oracle %d", want.fn, b.Calls, of.Calls)
				}
				nearOracle(t, want.fn+" cost", b.Cost, of.Cost)
				nearOracle(t, want.fn+" per call", b.PerCall, of.Cost/float64(of.Calls))
				nearOracle(t, want.fn+" worst call min", b.WorstCallMin, of.WorstMin)
				nearOracle(t, want.fn+" worst call max", b.WorstCallMax, of.WorstMax)
				nearOracle(t, want.fn+" share of busy", b.ShareOfBusy, of.Cost/o.Busy)
				if b.ProbablySlow != want.slow {
					t.Errorf("%s: probably slow %v, want %v", want.fn, b.ProbablySlow, want.slow)
				}
				if got := siteName(b.CallSite); got != want.site {
					t.Errorf("%s: call site %q, want %q", want.fn, got, want.site)
				}
				if b.CallsPerStep <= 0 || b.CallsPerStep > float64(b.Calls) {
					t.Errorf("%s: %v calls per step for %d calls", want.fn, b.CallsPerStep, b.Calls)
				}
				if b.Advice == "" || !strings.HasSuffix(b.Advice, ".") || (b.CallSite != nil && !strings.Contains(b.Advice, Label(b.CallSite))) {
					t.Errorf("%s: advice %q is not a sentence naming the call site", want.fn, b.Advice)
				}
				if want.fn == sleep && !strings.Contains(b.Advice, "sleep(") {
					t.Errorf("advice %q does not say to await the runtime's sleep", b.Advice)
				}
				if (b.Finding >= 0) != want.finding {
					t.Errorf("%s: finding %d, want linked %v", want.fn, b.Finding, want.finding)
				}
			}
			for i := 1; i < len(l.Blockers); i++ {
				if l.Blockers[i].Cost > l.Blockers[i-1].Cost {
					t.Errorf("blockers not ranked by cost: %v", blockerNames(l))
				}
			}
			if tt.note != "" && !strings.Contains(strings.Join(l.Notes, "\n"), tt.note) {
				t.Errorf("notes %q lack %q", l.Notes, tt.note)
			}
			if tt.more != nil {
				tt.more(t, l)
			}
		})
	}
}

func nearOracle(t *testing.T, what string, got, want float64) {
	t.Helper()
	if !near(got, want) {
		t.Errorf("%s = %v, oracle %v", what, got, want)
	}
}

func matchesSpec(f *parse.Func, spec string) bool {
	suffix, name := spec[:strings.LastIndexByte(spec, ':')], spec[strings.LastIndexByte(spec, ':')+1:]
	if i := strings.LastIndexByte(suffix, ':'); i >= 0 {
		if line, err := strconv.Atoi(suffix[i+1:]); err == nil {
			if f.Line != line {
				return false
			}
			suffix = suffix[:i]
		}
	}
	if f.Name != name {
		return false
	}
	if suffix == "~" {
		return f.File == "~"
	}
	return f.File == suffix || strings.HasSuffix(filepath.ToSlash(f.File), "/"+suffix)
}

func siteName(f *parse.Func) string {
	if f == nil {
		return ""
	}
	return f.Name
}

func blockerNames(l *Loop) []string {
	var names []string
	for _, b := range l.Blockers {
		names = append(names, Label(b.Func))
	}
	return names
}
