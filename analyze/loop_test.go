package analyze

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/internal/location"
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
	if testing.Short() {
		t.Skip("compares with Python (testdata/loop/oracle.py); skipped with -short")
	}
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
	finding bool       // linked to a repeated-setup finding
	advice  AdviceKind // the fix it needs
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
		note       LoopNoteKind                // a note the loop must have
	}{
		{
			name: "time.sleep and CPU work in coroutines (3.11)", dump: "loop/blocking.pstats", runtime: "asyncio",
			blockers: []wantBlocker{
				{fn: "loop/blocking.py:build_index", site: "warm_up", slow: true, advice: AdviceProcess},
				{fn: sleep, site: "handle", advice: AdviceSleep},
				{fn: "loop/blocking.py:checksum", site: "handle", advice: AdviceProcess},
			},
		},
		{
			name: "the same app on 3.7", dump: "loop/blocking-3.7.pstats", runtime: "asyncio",
			blockers: []wantBlocker{
				{fn: sleep, site: "handle", advice: AdviceSleep},
				{fn: "blocking.py:build_index", site: "warm_up", slow: true, advice: AdviceProcess},
				{fn: "blocking.py:checksum", site: "handle", advice: AdviceProcess},
			},
		},
		{
			name: "the same app on 3.13 (sys.monitoring)", dump: "loop/blocking-3.13.pstats", runtime: "asyncio",
			blockers: []wantBlocker{
				{fn: "loop/blocking.py:build_index", site: "warm_up", slow: true, advice: AdviceProcess},
				{fn: "loop/blocking.py:checksum", site: "handle", advice: AdviceProcess},
				{fn: sleep, site: "handle", advice: AdviceSleep},
			},
		},
		{
			// The setup detector sees the identical request repeated; the
			// advice still treats the time as waiting, not setup.
			name: "blocking HTTP client in a handler", dump: "loop/blocking_io.pstats", runtime: "asyncio",
			blockers: []wantBlocker{
				{fn: "urllib/request.py:urlopen", site: "fetch_score", finding: true, advice: AdviceAsyncIO},
			},
		},
		{
			name: "the blocking app under yappi", dump: "loop/yappi/blocking.pstats", runtime: "asyncio",
			note: NoteYappi,
			blockers: []wantBlocker{
				{fn: "time:sleep", site: "handle", advice: AdviceSleep},
				{fn: "loop/blocking.py:build_index", site: "warm_up", slow: true, advice: AdviceProcess},
				{fn: "loop/blocking.py:checksum", site: "handle", advice: AdviceProcess},
			},
		},
		{
			name: "the blocking app under the profile module", dump: "loop/profile/blocking.pstats", runtime: "asyncio",
			note: NoteCPUTimeOnly,
			blockers: []wantBlocker{
				{fn: "loop/blocking.py:build_index", site: "warm_up", slow: true, advice: AdviceProcess},
				{fn: "loop/blocking.py:checksum", site: "handle", advice: AdviceProcess},
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
						t.Errorf("%s is probably slow; nothing blocks in this app", location.Label(b.Func))
					}
				}
			},
		},
		{
			name: "run_in_executor and to_thread (3.11 sees no worker)", dump: "loop/executor.pstats", runtime: "asyncio",
			note: NoteHandedOff,
			more: func(t *testing.T, l *Loop) {
				for _, b := range l.Blockers {
					if b.ProbablySlow || strings.Contains(b.Func.Name, "checksum") || strings.Contains(b.Func.Name, "sleep") {
						t.Errorf("blocker %s: the blocking work ran on executor threads", location.Label(b.Func))
					}
				}
			},
		},
		{
			name: "executor threads mixed in (3.12)", dump: "loop/executor-3.12.pstats", runtime: "asyncio",
			note: NoteThreadsMixed,
		},
		{name: "no event loop", dump: "loop/noloop.pstats"},
		{
			name: "uvloop hides busy and idle", dump: "loop/uvloop.pstats", runtime: "uvloop",
			note: NoteUvloop,
			blockers: []wantBlocker{
				{fn: "loop/uvloop_app.py:checksum", site: "handle", advice: AdviceProcess},
				{fn: sleep, site: "handle", advice: AdviceSleep},
			},
		},
		{
			// aiohttp's coroutines await futures from loop.create_future; its
			// dispatcher _handle is looked through to the user's handler. The
			// setup detector flags hook itself, which contains no blocker's
			// work, so nothing links to it.
			name: "aiohttp handler", dump: "loop/aiohttp.pstats", runtime: "asyncio",
			blockers: []wantBlocker{
				{fn: "loop/aiohttp_app.py:checksum", site: "hook", advice: AdviceProcess},
				{fn: sleep, site: "hook", advice: AdviceSleep},
			},
		},
		{
			name: "tornado runs on asyncio's loop", dump: "loop/tornado.pstats", runtime: "asyncio",
			blockers: []wantBlocker{
				{fn: sleep, site: "post", advice: AdviceSleep},
				// About 9 ms a call in this recording: long enough for a
				// process pool's round trip to pay.
				{fn: "loop/tornado_app.py:checksum", site: "post", advice: AdviceProcess},
			},
		},
		{
			name: "trio", dump: "loop/trio.pstats", runtime: "trio",
			blockers: []wantBlocker{
				{fn: sleep, site: "handle", advice: AdviceSleep},
				{fn: "loop/trio_app.py:checksum", site: "handle", advice: AdviceProcess},
			},
		},
		{
			// Four blockers, four fixes: a TLS context and a constant table
			// built per call (with and without a finding) are built once;
			// C code that releases the GIL goes to a thread; calls of a few
			// hundred microseconds are too short to hand off.
			name: "advice that fits the call", dump: "loop/advice.pstats", runtime: "asyncio",
			blockers: []wantBlocker{
				{fn: "ssl.py:create_default_context", site: "make_context", slow: true, finding: true, advice: AdviceBuildOnce},
				{fn: "~:<built-in method _hashlib.pbkdf2_hmac>", site: "check_password", advice: AdviceThread},
				{fn: "advice.py:factor_table", site: "convert", advice: AdviceBuildOnce},
				{fn: "advice.py:tag", site: "answer", advice: AdviceCheaper},
			},
			more: adviceFits,
		},
		{
			name: "jsonpath_rw webhook", dump: "webhook/webhook.pstats", runtime: "asyncio",
			blockers: []wantBlocker{{fn: jsonpathParse, site: "get_values", finding: true, advice: AdviceBuildOnce}},
			more:     parseHoldsBusyLoop,
		},
		{
			name: "jsonpath_rw webhook on 3.13 (inlined comprehensions)", dump: "webhook/webhook-3.13.pstats", runtime: "asyncio",
			blockers: []wantBlocker{{fn: jsonpathParse, site: "get_values", finding: true, advice: AdviceBuildOnce}},
			more:     parseHoldsBusyLoop,
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
			for _, want := range tt.blockers {
				// Which blocker costs most depends on the machine the dump
				// was made on (CPU work against fixed sleeps); the ranking
				// itself is checked below.
				i := slices.IndexFunc(l.Blockers, func(b Blocker) bool { return matchesSpec(b.Func, want.fn) })
				if i < 0 {
					t.Errorf("no blocker %s (all: %v)", want.fn, blockerNames(l))
					continue
				}
				b, of := l.Blockers[i], o.Funcs[want.fn]
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
				if b.Advice.Kind != want.advice || b.Advice.Body {
					t.Errorf("%s: advice %+v, want %s", want.fn, b.Advice, want.advice)
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
			if tt.note != "" && !hasNote(l, tt.note) {
				t.Errorf("notes %+v lack %s", l.Notes, tt.note)
			}
			if tt.more != nil {
				tt.more(t, l)
			}
		})
	}
}

// TestSameWork checks the count rule behind build-once advice without a
// finding, on real blockers: the constant table of advice.py repeats its
// 41 dict walks exactly per call; tag's normalize calls follow the words of
// each line; checksum and build_index call nothing that could show it.
func TestSameWork(t *testing.T) {
	lim := DefaultLimits()
	tests := []struct {
		dump, fn string
		want     bool
	}{
		{"loop/advice.pstats", "factor_table", true},
		{"loop/advice.pstats", "tag", false},
		{"loop/advice.pstats", "check_password", false},
		{"loop/blocking.pstats", "checksum", false},
		{"loop/blocking.pstats", "build_index", false},
	}
	for _, tt := range tests {
		p, err := parse.File(filepath.Join("..", "testdata", tt.dump), parse.Options{})
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(p.Funcs, func(f *parse.Func) bool { return f.Name == tt.fn })
		if i < 0 {
			t.Fatalf("%s: no function %s", tt.dump, tt.fn)
		}
		w := &loopWalk{p: p, ix: newProfileIndex(p, nil, nil, nil), lim: &lim}
		if got := w.sameWork(p.Funcs[i]); got != tt.want {
			t.Errorf("%s %s: same work %v, want %v", tt.dump, tt.fn, got, tt.want)
		}
	}
}

// adviceFits checks the numbers behind the advice on advice.pstats: the
// share of the hash in C code, the hop each call is compared with, and the
// calls the table build repeated without a finding.
func adviceFits(t *testing.T, l *Loop) {
	for _, b := range l.Blockers {
		a := b.Advice
		switch a.Kind {
		case AdviceThread:
			if a.CShare < 0.99 || a.Handoff != threadHandoff || a.PerCall < handoffWorth*a.Handoff {
				t.Errorf("%s: thread advice %+v; want all the time in C and a call worth the hop", location.Label(b.Func), a)
			}
		case AdviceCheaper:
			if a.Worker != "thread" || a.Handoff != threadHandoff || a.PerCall >= handoffWorth*threadHandoff {
				t.Errorf("%s: advice %+v; want calls too short even for a thread", location.Label(b.Func), a)
			}
		case AdviceBuildOnce:
			if b.Finding < 0 && (a.Finding != -1 || a.Calls != 120 || a.Func != b.Func) {
				t.Errorf("%s: build-once advice %+v; want the shape of its 120 calls", location.Label(b.Func), a)
			}
		}
	}
}

// TestAdviceWhereTimeGoes checks CPU against waiting by where the time
// goes, without a finding to lean on: ssl.create_default_context parses
// certificates in C and waits for nothing, so its advice is never the
// async-I/O one, while urlopen, which waits on a socket, gets it.
func TestAdviceWhereTimeGoes(t *testing.T) {
	tests := []struct {
		dump, fn string
		want     []AdviceKind
	}{
		{"loop/advice.pstats", "create_default_context", []AdviceKind{AdviceThread}},
		{"loop/advice.pstats", "<built-in method _hashlib.pbkdf2_hmac>", []AdviceKind{AdviceThread}},
		{"loop/blocking_io.pstats", "urlopen", []AdviceKind{AdviceAsyncIO}},
	}
	for _, tt := range tests {
		t.Run(tt.fn, func(t *testing.T) {
			p, err := parse.File(filepath.Join("..", "testdata", tt.dump), parse.Options{})
			if err != nil {
				t.Fatal(err)
			}
			l := EventLoop(p, 0, nil)
			i := slices.IndexFunc(l.Blockers, func(b Blocker) bool { return b.Func.Name == tt.fn })
			if i < 0 {
				t.Fatalf("no blocker %s: %v", tt.fn, blockerNames(l))
			}
			a := l.Blockers[i].Advice
			if !slices.Contains(tt.want, a.Kind) {
				t.Errorf("advice %+v, want one of %v", a, tt.want)
			}
			if a.Kind == AdviceThread && a.CShare < 0.9 {
				t.Errorf("advice %+v: a thread for time that is not in C", a)
			}
		})
	}
}

// parseHoldsBusyLoop is what the issue asks of the webhook: the loop was
// busy most of its wall time and the parse held it for most of that.
func parseHoldsBusyLoop(t *testing.T, l *Loop) {
	if l.Busy < 0.5*l.Wall {
		t.Errorf("busy %v of wall %v; the loop is mostly busy", l.Busy, l.Wall)
	}
	if b := l.Blockers[0]; b.ShareOfBusy < 0.5 {
		t.Errorf("parse holds %v of busy; want most of it", b.ShareOfBusy)
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
		names = append(names, location.Label(b.Func))
	}
	return names
}

// loopGraph builds a small asyncio profile: funcs are "key file name calls
// own cum", edges "caller>callee calls own cum" by key.
func loopGraph(t *testing.T, funcs, edges []string) *parse.Profile {
	t.Helper()
	p := &parse.Profile{Format: parse.Pstats, Unit: "seconds"}
	byKey := map[string]*parse.Func{}
	for _, spec := range funcs {
		var key string
		f := &parse.Func{Line: 1}
		if _, err := fmt.Sscan(spec, &key, &f.File, &f.Name, &f.Calls, &f.Own, &f.Cum); err != nil {
			t.Fatalf("func spec %q: %v", spec, err)
		}
		f.Name = strings.ReplaceAll(f.Name, "·", " ") // names of built-ins hold spaces
		f.Primitive = f.Calls
		byKey[key] = f
		p.Funcs = append(p.Funcs, f)
		p.Total += f.Own
	}
	for _, spec := range edges {
		var pair string
		e := &parse.Edge{}
		if _, err := fmt.Sscan(spec, &pair, &e.Calls, &e.Own, &e.Cum); err != nil {
			t.Fatalf("edge spec %q: %v", spec, err)
		}
		caller, callee, _ := strings.Cut(pair, ">")
		e.Caller, e.Callee, e.Primitive = byKey[caller], byKey[callee], e.Calls
		if e.Caller == nil || e.Callee == nil {
			t.Fatalf("edge spec %q names an unknown function", spec)
		}
		p.Edges = append(p.Edges, e)
	}
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestEventLoopShapes checks the walk's decisions on hand-made graphs: a
// handler coroutine resumed 10 times calls a thin user wrapper 20 times,
// which calls a library parse once per call.
func TestEventLoopShapes(t *testing.T) {
	const lib = "/usr/lib/python3.11/"
	funcs := []string{
		"once " + lib + "asyncio/base_events.py _run_once 10 0.01 1",
		"select " + lib + "selectors.py select 10 0 0.1",
		"run " + lib + "asyncio/events.py _run 20 0 0.89",
		"ctx ~ <method·'run'·of·'_contextvars.Context'·objects> 20 0 0.89",
		"handler app.py handler 10 0.29 0.89",
		"wrapper app.py wrapper 20 0 0.6",
		"parse /site-packages/lib/parse.py parse 20 0.6 0.6",
	}
	edges := []string{
		"once>select 10 0 0.1", "once>run 20 0 0.89", "run>ctx 20 0 0.89",
		"ctx>handler 10 0.29 0.89", "handler>wrapper 20 0 0.6", "wrapper>parse 20 0.6 0.6",
	}
	// The same, but the wrapper also runs outside the loop, called from main.
	outFuncs := append(slices.Clone(funcs[:5]), "wrapper app.py wrapper 25 0 0.75",
		"parse /site-packages/lib/parse.py parse 25 0.75 0.75", "main app.py main 1 0 0.15")
	outEdges := append(slices.Clone(edges[:5]), "wrapper>parse 25 0.75 0.75", "main>wrapper 5 0 0.15")
	type want struct {
		name, site    string
		calls         int64
		cost, perStep float64
		slow          bool
		body          string // the coroutine whose own work the advice is about
	}
	// The same app installed in site-packages: no code counts as the user's
	// but the app's own.
	installed := slices.Clone(funcs)
	installed[4] = "handler /site-packages/app/app.py handler 10 0.29 0.89"
	installed[5] = "wrapper /site-packages/app/app.py wrapper 20 0 0.6"
	tests := []struct {
		name         string
		funcs, edges []string
		slow         float64
		blockers     []want
		note         LoopNoteKind
		mean         float64 // NoteSlowSteps: the handler's mean step
	}{
		{
			name: "the wrapper hands the blame to parse", funcs: funcs, edges: edges,
			blockers: []want{{name: "parse", site: "wrapper", calls: 20, cost: 0.6, perStep: 2}, {name: "handler", calls: 10, cost: 0.29, perStep: 1, body: "handler"}},
		},
		{
			name: "two calls per step pass a lower threshold", funcs: funcs, edges: edges, slow: 0.05,
			blockers: []want{{name: "parse", site: "wrapper", calls: 20, cost: 0.6, perStep: 2, slow: true}, {name: "handler", calls: 10, cost: 0.29, perStep: 1, body: "handler"}},
		},
		{
			name: "steps past a threshold no single blocker reaches", funcs: funcs, edges: edges, slow: 0.08,
			blockers: []want{{name: "parse", site: "wrapper", calls: 20, cost: 0.6, perStep: 2}, {name: "handler", calls: 10, cost: 0.29, perStep: 1, body: "handler"}},
			note:     NoteSlowSteps, mean: 0.089,
		},
		{
			name:  "a wrapper also called outside the loop is blamed whole",
			funcs: outFuncs, edges: outEdges,
			blockers: []want{{name: "wrapper", site: "handler", calls: 20, cost: 0.6, perStep: 2}, {name: "handler", calls: 10, cost: 0.29, perStep: 1, body: "handler"}},
		},
		{
			name: "an installed app's own code is the user's", funcs: installed, edges: edges,
			blockers: []want{{name: "parse", site: "wrapper", calls: 20, cost: 0.6, perStep: 2}, {name: "handler", calls: 10, cost: 0.29, perStep: 1, body: "handler"}},
		},
		{
			name: "no callers recorded", funcs: funcs,
			note: NoteNoCallers,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := loopGraph(t, tt.funcs, tt.edges)
			l := EventLoop(p, tt.slow, nil)
			if l == nil {
				t.Fatal("found no loop")
			}
			if l.Wall != 1 || l.Steps != 20 {
				t.Errorf("wall %v, steps %d; want _run_once's 1 s and _run's 20 calls", l.Wall, l.Steps)
			}
			if len(tt.edges) > 0 && (l.Idle != 0.1 || !near(l.Busy, 0.9)) {
				t.Errorf("idle %v, busy %v; want select's 0.1 s and the rest", l.Idle, l.Busy)
			}
			if len(l.Blockers) != len(tt.blockers) {
				t.Fatalf("blockers %v, want %d", blockerNames(l), len(tt.blockers))
			}
			for i, w := range tt.blockers {
				b := l.Blockers[i]
				if b.Func.Name != w.name || siteName(b.CallSite) != w.site || b.Calls != w.calls ||
					!near(b.Cost, w.cost) || !near(b.CallsPerStep, w.perStep) || b.ProbablySlow != w.slow {
					t.Errorf("blocker %d: %s from %q, %d calls, cost %v, %v per step, slow %v; want %+v",
						i+1, b.Func.Name, siteName(b.CallSite), b.Calls, b.Cost, b.CallsPerStep, b.ProbablySlow, w)
				}
				if a := b.Advice; w.body != "" && (!a.Body || a.Func.Name != w.body) {
					t.Errorf("blocker %d: advice %+v, want it about the body of %s", i+1, a, w.body)
				}
			}
			if tt.note != "" && !hasNote(l, tt.note) {
				t.Errorf("notes %+v lack %s", l.Notes, tt.note)
			}
			for _, n := range l.Notes {
				if n.Kind == NoteSlowSteps && (n.Func.Name != "handler" || !near(n.Mean, tt.mean)) {
					t.Errorf("slow steps of %s, mean %v; want handler's %v", n.Func.Name, n.Mean, tt.mean)
				}
			}
		})
	}
	t.Run("without call counts only the budget is measured", func(t *testing.T) {
		p := loopGraph(t, funcs, edges)
		p.Dialect = "pyinstrument"
		for _, f := range p.Funcs {
			f.Calls, f.Primitive = -1, -1
		}
		for _, e := range p.Edges {
			e.Calls, e.Primitive = -1, -1
		}
		l := EventLoop(p, 0, nil)
		if l == nil || l.Wall != 1 || l.Idle != 0.1 || l.Steps != 0 || len(l.Blockers) != 0 ||
			!hasNote(l, NoteNoCounts) {
			t.Errorf("loop %+v; want wall 1 s, idle 0.1 s, no steps or blockers, and a note", l)
		}
	})
	t.Run("pprof profiles have no loop section", func(t *testing.T) {
		p := loopGraph(t, funcs, edges)
		p.Format = parse.Pprof
		if l := EventLoop(p, 0, nil); l != nil {
			t.Errorf("found a %s loop in a pprof profile", l.Runtime)
		}
	})
}

// EventLoop on an asyncio server whose handlers call time.sleep and a
// CPU-heavy checksum, and whose start-up builds an index synchronously.
func ExampleEventLoop() {
	p, err := parse.File("../testdata/loop/blocking.pstats", parse.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	l := EventLoop(p, 0.1, nil)
	fmt.Printf("%s loop: busy %.2f s of %.2f s, %d steps\n", l.Runtime, l.Busy, l.Wall, l.Steps)
	for _, b := range l.Blockers {
		fmt.Printf("%s from %s: %d calls, %.3f s, worst call %.3f-%.3f s, slow %v\n",
			b.Func.Name, b.CallSite.Name, b.Calls, b.Cost, b.WorstCallMin, b.WorstCallMax, b.ProbablySlow)
	}
	// Output:
	// asyncio loop: busy 2.10 s of 2.10 s, 188 steps
	// build_index from warm_up: 1 calls, 0.951 s, worst call 0.951-0.951 s, slow true
	// checksum from handle: 24 calls, 0.631 s, worst call 0.026-0.631 s, slow false
	// <built-in method time.sleep> from handle: 24 calls, 0.483 s, worst call 0.020-0.483 s, slow false
}

// TestEventLoopInvariants runs the loop analysis over every dump in
// testdata and the external dumps: whatever the dump, the budget adds up,
// the bounds are ordered, and blockers never count the same time twice, so
// together they fit in the busy time (except where other threads' calls
// are mixed in and the loop's own figures are unreliable).
func TestEventLoopInvariants(t *testing.T) {
	dumps, _ := filepath.Glob(filepath.Join("..", "testdata", "*", "*.pstats"))
	deeper, _ := filepath.Glob(filepath.Join("..", "testdata", "*", "*", "*.pstats"))
	dumps = append(dumps, deeper...)
	external, _ := filepath.Glob(filepath.Join("..", "..", "shared", "profiles", "external", "*"))
	for _, dump := range append(dumps, external...) {
		t.Run(filepath.Base(dump), func(t *testing.T) {
			p, err := parse.File(dump, parse.Options{})
			if err != nil {
				t.Skip(err) // not a profile this reader takes; the parse tests judge that
			}
			l := EventLoop(p, 0, nil)
			if l == nil {
				return
			}
			if l.Idle < 0 || l.Idle > l.Wall || !near(l.Busy, l.Wall-l.Idle) {
				t.Errorf("wall %v, idle %v, busy %v do not add up", l.Wall, l.Idle, l.Busy)
			}
			var sum float64
			for i, b := range l.Blockers {
				sum += b.Cost
				if b.WorstCallMin > b.WorstCallMax*(1+1e-9) || b.WorstCallMax > b.Cost*(1+1e-9) || b.PerCall > b.WorstCallMax*(1+1e-9) {
					t.Errorf("%s: per call %v, worst call %v..%v, cost %v out of order",
						location.Label(b.Func), b.PerCall, b.WorstCallMin, b.WorstCallMax, b.Cost)
				}
				if i > 0 && b.Cost > l.Blockers[i-1].Cost {
					t.Errorf("blockers not ranked by cost: %v", blockerNames(l))
				}
			}
			mixed := hasNote(l, NoteThreadsMixed)
			if !mixed && sum > l.Busy*(1+1e-9) {
				t.Errorf("blockers hold %v, more than the busy %v: some time is counted twice (%v)", sum, l.Busy, blockerNames(l))
			}
		})
	}
}

// hasNote reports whether l has a note of the kind.
func hasNote(l *Loop, kind LoopNoteKind) bool {
	return slices.ContainsFunc(l.Notes, func(n LoopNote) bool { return n.Kind == kind })
}

// TestCFile checks cFile's byte loop against its definition, a file name
// without any of / \ . < (or "~", "" and "__builtin__"), on names of each
// kind and on every file of the pstats dumps in testdata.
func TestCFile(t *testing.T) {
	files := []string{"~", "", "__builtin__", "builtins", "_socket", "/usr/lib/x.py", `C:\x`, "x.py", "<string>", "a<b", "ab\\", "a/"}
	for _, name := range pstatsDumps(t) {
		for _, f := range loadProfile(t, name).Funcs {
			files = append(files, f.File)
		}
	}
	for _, file := range files {
		want := file == "~" || file == "" || file == "__builtin__" || !strings.ContainsAny(file, `/\.<`)
		if got := cFile(file); got != want {
			t.Errorf("cFile(%q) = %v, want %v", file, got, want)
		}
	}
}

// TestReached checks the loop walk's list of the functions it reached
// against its definition, the IDs whose kind is not kindOutside in
// ascending order, on every pstats dump in testdata with an event loop.
func TestReached(t *testing.T) {
	loops := 0
	for _, name := range pstatsDumps(t) {
		p := loadProfile(t, name)
		lim := DefaultLimits()
		ix := newProfileIndex(p, nil, &lim, nil)
		rt := findRuntime(ix)
		if rt == nil || !p.HasCalls() || len(p.Edges) == 0 {
			continue
		}
		loops++
		w := newLoopWalk(ix, rt, &lim)
		var want []int32
		for i, k := range w.kind {
			if k != kindOutside {
				want = append(want, int32(i))
			}
		}
		if !slices.Equal(w.reached, want) {
			t.Errorf("%s: reached %v, want %v", name, w.reached, want)
		}
	}
	if loops < 10 {
		t.Errorf("%d dumps with a loop, want at least 10", loops)
	}
}
