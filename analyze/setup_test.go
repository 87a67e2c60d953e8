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
