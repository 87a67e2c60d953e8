package analyze

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/parse"
)

// pstatsOracle is what Python's own pstats module reads from a dump: for
// every function, (cc, nc, tt, ct).
type pstatsOracle []struct {
	File  string
	Line  int
	Name  string
	Stats [4]float64
}

const oracleScript = `
import json, pstats, sys
s = pstats.Stats(sys.argv[1])
json.dump([{"File": k[0], "Line": k[1], "Name": k[2], "Stats": list(v[:4])} for k, v in s.stats.items()], sys.stdout)
`

func readOracle(t *testing.T, dump string) pstatsOracle {
	t.Helper()
	out, err := exec.Command("python3", "-c", oracleScript, dump).Output()
	if err != nil {
		t.Fatalf("python3 pstats on %s: %v", dump, err)
	}
	var o pstatsOracle
	if err := json.Unmarshal(out, &o); err != nil {
		t.Fatal(err)
	}
	return o
}

// stats returns pstats' (cc, nc, ct) for the one function named name in a
// file ending in suffix.
func (o pstatsOracle) stats(t *testing.T, suffix, name string) (cc, nc int64, ct float64) {
	t.Helper()
	found := 0
	for _, e := range o {
		if e.Name == name && strings.HasSuffix(e.File, suffix) {
			cc, nc, ct = int64(e.Stats[0]), int64(e.Stats[1]), e.Stats[3]
			found++
		}
	}
	if found != 1 {
		t.Fatalf("oracle: %d functions %s in *%s", found, name, suffix)
	}
	return cc, nc, ct
}

// defLine finds the line that defines function name in a Python or Go
// source file, so expected call sites come from the script, not from
// numbers typed into the test.
func defLine(t *testing.T, file, name string) int {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^(def|func) ` + regexp.QuoteMeta(name) + `\(`)
	for i, line := range strings.Split(string(src), "\n") {
		if re.MatchString(line) {
			return i + 1
		}
	}
	t.Fatalf("%s defines no function %s", file, name)
	return 0
}

func loadProfile(t *testing.T, name string) *parse.Profile {
	t.Helper()
	p, err := parse.File(name, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// TestSetupPstats runs the detector on the real dumps in testdata: each
// positive case must put its finding first with the right pattern,
// function, call site, calls and cost, and its evidence must quote the
// dump's exact counts.
func TestSetupPstats(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found; it is the oracle")
	}
	type fn struct{ file, name string }
	tests := []struct {
		dump    string
		pattern string
		fn      fn   // the finding's function
		also    []fn // further roots whose cost the finding includes
		site    fn   // the call site: script and function
		// multiple is a function quoted as "called X times = Q × N calls".
		multiple fn
		// lookup is the cache lookup quoted with the miss ratio.
		lookup fn
	}{
		{dump: "../testdata/webhook/webhook.pstats", pattern: "P1", fn: fn{"ply/yacc.py", "yacc"},
			also: []fn{{"ply/lex.py", "lex"}}, site: fn{"webhook.py", "get_values"}, multiple: fn{"ply/yacc.py", "lr0_goto"}},
		{dump: "../testdata/setup/rerouter.pstats", pattern: "P2", fn: fn{"re/_compiler.py", "compile"},
			site: fn{"rerouter.py", "route"}, lookup: fn{"re/__init__.py", "_compile"}},
		{dump: "../testdata/setup/dates.pstats", pattern: "P3", fn: fn{"_strptime.py", "compile"},
			site: fn{"dates.py", "parse_date"}, lookup: fn{"_strptime.py", "_strptime"}},
		{dump: "../testdata/setup/jinja_env.pstats", pattern: "P4", fn: fn{"jinja2/environment.py", "from_string"},
			site: fn{"jinja_env.py", "render_page"}},
		{dump: "../testdata/setup/tls_client.pstats", pattern: "P5", fn: fn{"ssl.py", "create_default_context"},
			site: fn{"tls_client.py", "make_context"}},
		{dump: "../testdata/setup/schema_check.pstats", pattern: "P8", fn: fn{"jsonschema/validators.py", "check_schema"},
			site: fn{"schema_check.py", "check_event"}},
		{dump: "../testdata/setup/records.pstats", pattern: "P10", fn: fn{"collections/__init__.py", "namedtuple"},
			site: fn{"records.py", "to_record"}},
		{dump: "../testdata/setup/config_copy.pstats", pattern: "P13", fn: fn{"copy.py", "deepcopy"},
			site: fn{"config_copy.py", "handle"}},
		{dump: "../testdata/setup/yaml_reload.pstats", pattern: "P14", fn: fn{"yaml/__init__.py", "safe_load"},
			site: fn{"yaml_reload.py", "load_config"}},
		{dump: "../testdata/setup/keywords.pstats", pattern: "shape", fn: fn{"keywords.py", "assemble"},
			site: fn{"keywords.py", "tag_ticket"}, multiple: fn{"keywords.py", "_step_or_sprout"}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.dump), func(t *testing.T) {
			p := loadProfile(t, tt.dump)
			o := readOracle(t, tt.dump)
			got := Setup(p)
			if len(got) == 0 {
				t.Fatal("no finding")
			}
			f := got[0]
			if f.Kind != KindRepeatedSetup || f.Pattern != tt.pattern || f.Func.Name != tt.fn.name || !strings.HasSuffix(f.Func.File, tt.fn.file) {
				t.Fatalf("first finding is %s %s at %s, want %s at %s:%s\n%s", f.Kind, f.Pattern, f.Func, tt.pattern, tt.fn.file, tt.fn.name, strings.Join(f.Evidence, "\n"))
			}
			script := filepath.Join(filepath.Dir(tt.dump), tt.site.file)
			if f.CallSite == nil || f.CallSite.Name != tt.site.name || filepath.Base(f.CallSite.File) != tt.site.file ||
				f.CallSite.Line != defLine(t, script, tt.site.name) {
				t.Errorf("call site %v, want %s:%d %s", f.CallSite, tt.site.file, defLine(t, script, tt.site.name), tt.site.name)
			}
			cc, _, ct := o.stats(t, tt.fn.file, tt.fn.name)
			if f.Calls != cc {
				t.Errorf("calls %d, want pstats' %d", f.Calls, cc)
			}
			cost := ct
			for _, a := range tt.also {
				_, _, act := o.stats(t, a.file, a.name)
				cost += act
			}
			if !near(f.Cost, cost) || !near(f.PerCall, cost/float64(cc)) || !near(f.Share, cost/p.Total) ||
				!near(f.Saving, cost*(1-1/float64(cc))) {
				t.Errorf("cost %v per call %v share %v saving %v, want cost %v over %d calls of %v", f.Cost, f.PerCall, f.Share, f.Saving, cost, cc, p.Total)
			}
			evidence := strings.Join(f.Evidence, "\n")
			if !strings.Contains(evidence, fmt.Sprintf("%s ran %s times", Label(f.Func), count(cc))) {
				t.Errorf("evidence does not give %s's %d calls:\n%s", f.Func.Name, cc, evidence)
			}
			if tt.multiple.name != "" {
				_, nc, _ := o.stats(t, tt.multiple.file, tt.multiple.name)
				if nc%cc != 0 {
					t.Fatalf("oracle: %s called %d times, not a multiple of %d", tt.multiple.name, nc, cc)
				}
				want := fmt.Sprintf("%s called %s times = %s × %s calls of %s", tt.multiple.name, count(nc), count(nc/cc), count(cc), tt.fn.name)
				if !strings.Contains(evidence, want) {
					t.Errorf("evidence lacks %q:\n%s", want, evidence)
				}
			}
			if tt.lookup.name != "" {
				_, lookups, _ := o.stats(t, tt.lookup.file, tt.lookup.name)
				want := fmt.Sprintf("%s ran %s times for %s cache lookups", tt.fn.name, count(cc), count(lookups))
				if !strings.Contains(evidence, want) {
					t.Errorf("evidence lacks %q:\n%s", want, evidence)
				}
			}
			if f.Title == "" || f.Fix == "" || !strings.Contains(evidence, "Called from "+Label(f.CallSite)) {
				t.Errorf("finding without title, fix or call site sentence: %+v", f)
			}
		})
	}
}

// TestSetupNegative runs the detector on programs that repeat work
// legitimately: it must report nothing.
func TestSetupNegative(t *testing.T) {
	tests := []struct{ dump, reason string }{
		{"numeric.pstats", "sorting and numeric loops on inputs of varying size"},
		{"recursion.pstats", "deep recursion over trees of varying shape"},
		{"cached.pstats", "parse behind lru_cache (3 distinct inputs), one Jinja2 environment, precompiled regexes"},
		{"once.pstats", "setup done once at module level, imports profiled"},
	}
	for _, tt := range tests {
		t.Run(tt.dump, func(t *testing.T) {
			got := Setup(loadProfile(t, filepath.Join("../testdata/setup", tt.dump)))
			if got == nil {
				t.Fatal("nil findings, want an empty slice")
			}
			for _, f := range got {
				t.Errorf("%s: unexpected finding %s %s at %s:\n%s", tt.reason, f.Pattern, f.Title, f.Func, strings.Join(f.Evidence, "\n"))
			}
		})
	}
}

// TestSetupPprof checks the Go service that compiles regexps per request:
// the finding's cost is every sample under regexp.MustCompile, which the
// pprof reader records as the function's cumulative value.
func TestSetupPprof(t *testing.T) {
	const dump = "../testdata/setup/goregexp/cpu.pprof"
	p, err := parse.File(dump, parse.Options{})
	if err != nil {
		t.Skipf("pprof reader cannot read the profile yet: %v", err)
	}
	got := Setup(p)
	if len(got) == 0 {
		t.Fatal("no finding")
	}
	f := got[0]
	if f.Pattern != "G1" || f.Func.Name != "regexp.MustCompile" {
		t.Fatalf("first finding %s at %s, want G1 at regexp.MustCompile", f.Pattern, f.Func)
	}
	main := filepath.Join(filepath.Dir(dump), "main.go")
	if f.CallSite == nil || f.CallSite.Name != "main.validate" || f.CallSite.Line != defLine(t, main, "validate") {
		t.Errorf("call site %v, want main.go:%d main.validate", f.CallSite, defLine(t, main, "validate"))
	}
	if f.Calls != -1 || f.PerCall != 0 || !near(f.Cost, f.Func.Cum) || !near(f.Share, f.Func.Cum/p.Total) || !near(f.Saving, f.Cost) {
		t.Errorf("calls %d cost %v share %v saving %v, want -1 and MustCompile's cum %v of %v", f.Calls, f.Cost, f.Share, f.Saving, f.Func.Cum, p.Total)
	}
	if ev := strings.Join(f.Evidence, "\n"); !strings.Contains(ev, "100 % of it ran while serving requests, under net/http.(*conn).serve") {
		t.Errorf("evidence does not place the setup under request handling:\n%s", ev)
	}
}

// handGraph builds small profiles by hand, with real file paths, for the shape tests.
type handGraph struct {
	p     *parse.Profile
	funcs map[string]*parse.Func
}

func newGraph(total float64) *handGraph {
	return &handGraph{p: &parse.Profile{Format: parse.Pstats, Unit: "seconds", Total: total}, funcs: map[string]*parse.Func{}}
}

// fn adds a function "file:name" once, with its primitive calls and cum.
func (g *handGraph) fn(file, name string, calls int64, cum float64) *handGraph {
	f := &parse.Func{File: file, Name: name, Line: len(g.funcs) + 1, Calls: calls, Primitive: calls, Cum: cum}
	g.funcs[file+":"+name] = f
	g.p.Funcs = append(g.p.Funcs, f)
	return g
}

// call adds an edge between two functions added before.
func (g *handGraph) call(caller, callee string, calls int64, cum float64) *handGraph {
	g.p.Edges = append(g.p.Edges, &parse.Edge{Caller: g.funcs[caller], Callee: g.funcs[callee], Calls: calls, Primitive: calls, Cum: cum})
	return g
}

func (g *handGraph) profile(t *testing.T) *parse.Profile {
	t.Helper()
	if err := g.p.Normalize(); err != nil {
		t.Fatal(err)
	}
	return g.p
}

const (
	app    = "/srv/app/app.py"
	lib    = "/usr/lib/python3/dist-packages/tables/build.py"
	recomp = "/usr/lib/python3.11/re/_compiler.py"
	reinit = "/usr/lib/python3.11/re/__init__.py"
)

// handlerWith is a request handler called 10 times that calls make (cost
// build) and scan (cost 0.1); make calls four private helpers the given
// number of times in total.
func handlerWith(build float64, counts [4]int64) *handGraph {
	g := newGraph(1.2).
		fn(app, "main", 1, 1.2).fn(app, "handle", 10, build+0.1).fn(app, "scan", 10, 0.1).
		fn(lib, "make", 10, build).fn(lib, "a", counts[0], 0.2).fn(lib, "b", counts[1], 0.2).
		fn(lib, "c", counts[2], 0.1).fn(lib, "d", counts[3], 0.1)
	return g.call(app+":main", app+":handle", 10, build+0.1).call(app+":handle", lib+":make", 10, build).
		call(app+":handle", app+":scan", 10, 0.1).
		call(lib+":make", lib+":a", counts[0], 0.2).call(lib+":make", lib+":b", counts[1], 0.2).
		call(lib+":a", lib+":c", counts[2], 0.1).call(lib+":b", lib+":d", counts[3], 0.1)
}

// TestSetupShape checks the name-independent signals on hand-built
// profiles: exact multiples (S1) with constant edge ratios (S2), the
// descent to the function holding the cost, the cache-miss ratio (S5), and
// what must not count: varying counts, three calls or fewer, setup run by
// imports.
func TestSetupShape(t *testing.T) {
	tests := []struct {
		name    string
		graph   *handGraph
		pattern string // "" for no finding
		fn      string // "file:name" of the finding
		site    string
		calls   int64
		cost    float64
	}{
		{name: "exact multiples name the builder, not the handler", graph: handlerWith(0.9, [4]int64{40, 250, 10, 30}),
			pattern: "shape", fn: lib + ":make", site: "handle", calls: 10, cost: 0.9},
		{name: "counts that are not multiples are varying work", graph: handlerWith(0.9, [4]int64{41, 257, 13, 33})},
		{name: "a builder holding too little of the handler's cost leaves the finding at the handler",
			graph:   handlerWith(0.3, [4]int64{40, 250, 10, 30}),
			pattern: "shape", fn: app + ":handle", site: "main", calls: 10, cost: 0.4},
		{name: "three calls are not a pattern", graph: func() *handGraph {
			g := newGraph(1).fn(app, "main", 1, 1).fn(lib, "make", 3, 0.9)
			for h, n := range map[string]int64{"a": 12, "b": 75, "c": 3, "d": 9} {
				g.fn(lib, h, n, 0.2).call(lib+":make", lib+":"+h, n, 0.2)
			}
			return g.call(app+":main", lib+":make", 3, 0.9)
		}()},
		{name: "re's cache missing every time", graph: newGraph(1).
			fn(app, "route", 1, 1).fn(reinit, "match", 100, 0.95).fn(reinit, "_compile", 100, 0.94).fn(recomp, "compile", 95, 0.9).
			call(app+":route", reinit+":match", 100, 0.95).call(reinit+":match", reinit+":_compile", 100, 0.94).
			call(reinit+":_compile", recomp+":compile", 95, 0.9),
			pattern: "P2", fn: recomp + ":compile", site: "route", calls: 95, cost: 0.9},
		{name: "re's cache mostly hitting", graph: newGraph(1).
			fn(app, "route", 1, 1).fn(reinit, "match", 100, 0.95).fn(reinit, "_compile", 100, 0.94).fn(recomp, "compile", 20, 0.9).
			call(app+":route", reinit+":match", 100, 0.95).call(reinit+":match", reinit+":_compile", 100, 0.94).
			call(reinit+":_compile", recomp+":compile", 20, 0.9)},
		{name: "namedtuple built while importing a module is setup done once", graph: newGraph(1).
			fn("<frozen importlib._bootstrap>", "_load", 1, 0.3).fn("/usr/lib/python3/dist-packages/m.py", "<module>", 1, 0.3).
			fn("/usr/lib/python3.11/collections/__init__.py", "namedtuple", 30, 0.3).
			call("<frozen importlib._bootstrap>:_load", "/usr/lib/python3/dist-packages/m.py:<module>", 1, 0.3).
			call("/usr/lib/python3/dist-packages/m.py:<module>", "/usr/lib/python3.11/collections/__init__.py:namedtuple", 30, 0.3)},
		{name: "namedtuple built per request", graph: newGraph(1).
			fn(app, "<module>", 1, 1).fn(app, "to_record", 30, 0.3).fn("/usr/lib/python3.11/collections/__init__.py", "namedtuple", 30, 0.3).
			call(app+":<module>", app+":to_record", 30, 0.3).
			call(app+":to_record", "/usr/lib/python3.11/collections/__init__.py:namedtuple", 30, 0.3),
			pattern: "P10", fn: "/usr/lib/python3.11/collections/__init__.py:namedtuple", site: "to_record", calls: 30, cost: 0.3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.graph.profile(t)
			got := Setup(p)
			if tt.pattern == "" {
				for _, f := range got {
					t.Errorf("unexpected finding %s at %s:\n%s", f.Pattern, f.Func, strings.Join(f.Evidence, "\n"))
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("%d findings, want 1: %+v", len(got), got)
			}
			f := got[0]
			want := tt.graph.funcs[tt.fn]
			if f.Pattern != tt.pattern || f.Func != want || f.CallSite == nil || f.CallSite.Name != tt.site ||
				f.Calls != tt.calls || !near(f.Cost, tt.cost) || !near(f.Saving, tt.cost*(1-1/float64(tt.calls))) {
				t.Errorf("got %s at %s from %v, %d calls, cost %v, saving %v; want %s at %s from %s, %d calls, cost %v",
					f.Pattern, f.Func, f.CallSite, f.Calls, f.Cost, f.Saving, tt.pattern, want, tt.site, tt.calls, tt.cost)
			}
		})
	}
}

// TestRepeats checks the S1/S2 measurements themselves.
func TestRepeats(t *testing.T) {
	p := handlerWith(0.9, [4]int64{40, 250, 10, 41}).profile(t)
	var make *parse.Func
	for _, f := range p.Funcs {
		if f.Name == "make" {
			make = f
		}
	}
	r := newCallGraph(p).repeats(make)
	if r.n != 10 || len(r.members) != 4 || len(r.multiples) != 3 || r.quotients != 3 || r.work != 4+25+1 || r.edges != 4 || r.exact != 3 {
		t.Errorf("repeat %+v, want n 10, 4 members, 3 multiples with quotients 4, 25, 1, 3 of 4 edges exact", r)
	}
	if r.identical() {
		t.Error("3 of 4 multiples counted as identical work")
	}
}
