package analyze

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
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
	if testing.Short() {
		t.Skip("compares with Python's pstats; skipped with -short")
	}
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
	return o.statsAt(t, suffix, name, 0)
}

// statsAt is stats for the function defined at line, or at any line when
// line is 0: a file may define several functions of one name (__init__).
func (o pstatsOracle) statsAt(t *testing.T, suffix, name string, line int) (cc, nc int64, ct float64) {
	t.Helper()
	found := 0
	for _, e := range o {
		if e.Name == name && strings.HasSuffix(e.File, suffix) && (line == 0 || e.Line == line) {
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
	if testing.Short() {
		t.Skip("compares with Python's pstats; skipped with -short")
	}
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
		{dump: "../testdata/webhook/webhook-3.13.pstats", pattern: "P1", fn: fn{"ply/yacc.py", "yacc"},
			also: []fn{{"ply/lex.py", "lex"}}, site: fn{"webhook.py", "get_values"}, multiple: fn{"ply/yacc.py", "lr0_goto"}},
		{dump: "../testdata/setup/rerouter-3.13.pstats", pattern: "P2", fn: fn{"re/_compiler.py", "compile"},
			site: fn{"rerouter.py", "route"}, lookup: fn{"re/__init__.py", "_compile"}},
		{dump: "../testdata/setup/rerouter.pstats", pattern: "P2", fn: fn{"re/_compiler.py", "compile"},
			site: fn{"rerouter.py", "route"}, lookup: fn{"re/__init__.py", "_compile"}},
		{dump: "../testdata/setup/dates.pstats", pattern: "P3", fn: fn{"_strptime.py", "compile"},
			site: fn{"dates.py", "parse_date"}, lookup: fn{"_strptime.py", "_strptime"}},
		{dump: "../testdata/setup/jinja_env.pstats", pattern: "P4", fn: fn{"jinja2/environment.py", "from_string"},
			site: fn{"jinja_env.py", "render_page"}},
		{dump: "../testdata/setup/tls_client.pstats", pattern: "P5", fn: fn{"ssl.py", "create_default_context"},
			site: fn{"tls_client.py", "make_context"}},
		// The dataclass's generated __init__ ("<string>") calls the
		// factory; the call site is the user's function above it.
		{dump: "../testdata/setup/generated_init/generated_init.pstats", pattern: "P5", fn: fn{"ssl.py", "create_default_context"},
			site: fn{"generated_init.py", "fetch"}},
		{dump: "../testdata/setup/jsonpath_percall/jsonpath_percall.pstats", pattern: "P1", fn: fn{"ply/yacc.py", "yacc"},
			site: fn{"jsonpath_percall.py", "lookup"}, multiple: fn{"ply/yacc.py", "lr0_goto"}},
		// A table built from constant data, used once per call: no
		// varying use beside it, and no catalog name.
		{dump: "../testdata/setup/word_index/word_index.pstats", pattern: "shape", fn: fn{"word_index.py", "build_index"},
			site: fn{"word_index.py", "stem_of"}, multiple: fn{"word_index.py", "strip_suffix"}},
		// The same as a dict comprehension over a constant list.
		{dump: "../testdata/setup/dial_codes/dial_codes.pstats", pattern: "shape", fn: fn{"dial_codes.py", "<dictcomp>"},
			site: fn{"dial_codes.py", "dial_code"}},
		{dump: "../testdata/setup/schema_check.pstats", pattern: "P8", fn: fn{"jsonschema/validators.py", "check_schema"},
			site: fn{"schema_check.py", "check_event"}},
		{dump: "../testdata/setup/records.pstats", pattern: "P10", fn: fn{"collections/__init__.py", "namedtuple"},
			site: fn{"records.py", "to_record"}},
		// namedtuple's eval reaches its generated code once in the whole
		// run: a call taken less than once per call proves nothing
		// either way, and the counts around it repeat exactly.
		{dump: "../testdata/setup/record_type_per_call/record_type_per_call.pstats", pattern: "P10",
			fn: fn{"collections/__init__.py", "namedtuple"}, site: fn{"record_type_per_call.py", "as_record"},
			multiple: fn{"~", "<method 'add' of 'set' objects>"}},
		// An option parser built and used in the user's function, with
		// nothing varying beside it: the whole function is the setup, not
		// the translation lookup its help option makes.
		{dump: "../testdata/setup/option_parser_per_call/option_parser_per_call.pstats", pattern: "shape",
			fn: fn{"option_parser_per_call.py", "read_options"}, site: fn{"option_parser_per_call.py", "main"},
			multiple: fn{"optparse.py", "add_option"}},
		// A matcher built per call indexes the same reference text: one
		// loop of its own, beside the varying quick_ratio.
		{dump: "../testdata/setup/difflib_reference/difflib_reference.pstats", pattern: "shape",
			fn: fn{"difflib.py", "__init__"}, site: fn{"difflib_reference.py", "closeness"},
			multiple: fn{"~", "<method 'setdefault' of 'dict' objects>"}},
		{dump: "../testdata/setup/sniff_sample/sniff_sample.pstats", pattern: "shape",
			fn: fn{"csv.py", "sniff"}, site: fn{"sniff_sample.py", "read_row"}},
		{dump: "../testdata/setup/html_constant_page/html_constant_page.pstats", pattern: "shape",
			fn: fn{"html/parser.py", "feed"}, site: fn{"html_constant_page.py", "link_for"}},
		{dump: "../testdata/setup/config_copy.pstats", pattern: "P13", fn: fn{"copy.py", "deepcopy"},
			site: fn{"config_copy.py", "handle"}},
		{dump: "../testdata/setup/yaml_reload.pstats", pattern: "P14", fn: fn{"yaml/__init__.py", "safe_load"},
			site: fn{"yaml_reload.py", "load_config"}},
		{dump: "../testdata/setup/keywords.pstats", pattern: "shape", fn: fn{"keywords.py", "assemble"},
			site: fn{"keywords.py", "tag_ticket"}, multiple: fn{"keywords.py", "_step_or_sprout"}},
		{dump: "../testdata/setup/argparse_bot/argparse_bot.pstats", pattern: "P19", fn: fn{"argparse.py", "add_parser"},
			also: []fn{{"argparse.py", "add_argument"}}, site: fn{"argparse_bot.py", "build_parser"}},
		{dump: "../testdata/setup/ini_reload/ini_reload.pstats", pattern: "P26", fn: fn{"configparser.py", "read"},
			site: fn{"ini_reload.py", "allowed"}, multiple: fn{"configparser.py", "_read"}},
		{dump: "../testdata/setup/signature_per_call/signature_per_call.pstats", pattern: "P27", fn: fn{"inspect.py", "signature"},
			site: fn{"signature_per_call.py", "dispatch"}},
		{dump: "../testdata/setup/requests_get/requests_get.pstats", pattern: "P6", fn: fn{"requests/api.py", "request"},
			site: fn{"requests_get.py", "check"}},
		{dump: "../testdata/setup/logging_reconfig/logging_reconfig.pstats", pattern: "P20", fn: fn{"logging/config.py", "dictConfig"},
			site: fn{"logging_reconfig.py", "get_logger"}},
		{dump: "../testdata/setup/gettext_messages/gettext_messages.pstats", pattern: "P21", fn: fn{"gettext.py", "translation"},
			site: fn{"gettext_messages.py", "status_line"}, multiple: fn{"gettext.py", "_expand_lang"}},
		{dump: "../testdata/setup/markdown_posts/markdown_posts.pstats", pattern: "P22", fn: fn{"markdown/core.py", "__init__"},
			site: fn{"markdown_posts.py", "render_post"}, multiple: fn{"markdown/core.py", "build_parser"}},
		{dump: "../testdata/setup/bleach_comments/bleach_comments.pstats", pattern: "P23", fn: fn{"html5lib/html5parser.py", "__init__"},
			site: fn{"bleach_comments.py", "sanitize"}},
		{dump: "../testdata/setup/marshmallow_orders/marshmallow_orders.pstats", pattern: "P25", fn: fn{"marshmallow/schema.py", "__init__"},
			site: fn{"marshmallow_orders.py", "handle_order"}, multiple: fn{"marshmallow/schema.py", "_init_fields"}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.dump), func(t *testing.T) {
			t.Parallel() // python3 starts slowly; the cases share nothing
			p := loadProfile(t, tt.dump)
			o := readOracle(t, tt.dump)
			got := findSetup(p)
			if len(got) == 0 {
				t.Fatal("no finding")
			}
			f := got[0]
			if f.Kind != KindRepeatedSetup || f.Pattern != tt.pattern || f.Func.Name != tt.fn.name || !strings.HasSuffix(f.Func.File, tt.fn.file) {
				t.Fatalf("first finding is %s %s at %s, want %s at %s:%s\n%+v", f.Kind, f.Pattern, f.Func, tt.pattern, tt.fn.file, tt.fn.name, f.Evidence)
			}
			script := filepath.Join(filepath.Dir(tt.dump), tt.site.file)
			if f.CallSite == nil || f.CallSite.Name != tt.site.name || filepath.Base(f.CallSite.File) != tt.site.file ||
				f.CallSite.Line != defLine(t, script, tt.site.name) {
				t.Errorf("call site %v, want %s:%d %s", f.CallSite, tt.site.file, defLine(t, script, tt.site.name), tt.site.name)
			}
			cc, _, ct := o.statsAt(t, tt.fn.file, tt.fn.name, f.Func.Line)
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
			if ran := f.Evidence[0]; ran.Kind != FactRan || ran.Func != f.Func || ran.Calls != cc || ran.Site != f.CallSite {
				t.Errorf("evidence does not start with %s ran %d times from %s:\n%+v", f.Func, cc, f.CallSite, f.Evidence)
			}
			if tt.multiple.name != "" {
				_, nc, _ := o.stats(t, tt.multiple.file, tt.multiple.name)
				if nc%cc != 0 {
					t.Fatalf("oracle: %s called %d times, not a multiple of %d", tt.multiple.name, nc, cc)
				}
				want := Fact{Kind: FactMultiples, Parts: []Fact{{Kind: FactMultiple, Func: named(tt.multiple.name), Calls: nc,
					Multiple: nc / cc, Of: cc, Other: named(tt.fn.name)}}}
				if !hasFact(f.Evidence, want) {
					t.Errorf("evidence lacks %+v:\n%+v", want, f.Evidence)
				}
			}
			if tt.lookup.name != "" {
				_, lookups, _ := o.stats(t, tt.lookup.file, tt.lookup.name)
				want := Fact{Kind: FactCache, Func: named(tt.fn.name), Calls: cc, Of: lookups}
				if !hasFact(f.Evidence, want) {
					t.Errorf("evidence lacks %+v:\n%+v", want, f.Evidence)
				}
			}
			if (f.Pattern == "shape") != (f.Title == "" && f.Fix == "") {
				t.Errorf("catalog finding without title or fix, or shape finding with them: %+v", f)
			}
		})
	}
}

// TestSetupShapeAlone hides the catalog: the shape signals alone must still
// find the motivating case's setup and name it at the outermost library
// function that repeats it, and the negative controls must stay quiet.
func TestSetupShapeAlone(t *testing.T) {
	tests := []struct {
		dump     string
		fn, site string // "" for no finding
	}{
		{"webhook/webhook.pstats", "yacc", "get_values"},
		{"setup/keywords.pstats", "assemble", "tag_ticket"},
		// Nothing visible varies beside deepcopy in handle, so shape alone
		// cannot tell it from fixed-size work; the catalog (P13) finds it.
		{"setup/config_copy.pstats", "", ""},
		{"setup/numeric.pstats", "", ""},
		{"setup/recursion.pstats", "", ""},
		{"setup/simulation.pstats", "", ""},
		{"setup/cached.pstats", "", ""},
		{"setup/once.pstats", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.dump, func(t *testing.T) {
			got := setup(newProfileIndex(loadProfile(t, filepath.Join("../testdata", tt.dump)), nil, &testLimits, nil))
			if tt.fn == "" {
				for _, f := range got {
					t.Errorf("unexpected finding at %s:\n%+v", f.Func, f.Evidence)
				}
				return
			}
			if len(got) == 0 || got[0].Pattern != "shape" || got[0].Func.Name != tt.fn || got[0].CallSite == nil || got[0].CallSite.Name != tt.site {
				t.Fatalf("findings %+v, want shape at %s from %s first", got, tt.fn, tt.site)
			}
		})
	}
}

// TestSetupNegative runs the detector on programs that repeat work
// legitimately: it must report nothing.
func TestSetupNegative(t *testing.T) {
	tests := []struct{ dump, reason string }{
		{"setup/numeric.pstats", "sorting and numeric loops on inputs of varying size"},
		{"setup/recursion.pstats", "deep recursion over trees of varying shape"},
		{"setup/simulation.pstats", "fixed-size numeric steps on changing values: identical control flow, not identical work"},
		{"setup/cached.pstats", "parse behind lru_cache (3 distinct inputs), one Jinja2 environment, precompiled regexes"},
		{"setup/once.pstats", "setup done once at module level, imports profiled"},
		{"setup/markdown_reuse/markdown_reuse.pstats", "one Markdown converter, reset and reused for 300 different posts"},
		{"setup/bleach_cleaner/bleach_cleaner.pstats", "one bleach Cleaner for 1,000 different comments"},
		{"setup/marshmallow_once/marshmallow_once.pstats", "one schema instance loading 1,500 different payloads"},
		{"setup/argparse_once/argparse_once.pstats", "one parser with four subcommands built once: add_argument repeats within one call"},
		{"setup/yaml_inventory/yaml_inventory.pstats", "yaml.safe_load of 150 different documents, each once"},
		{"setup/ast_sources/ast_sources.pstats", "ast.parse of 60 different sources: a one-to-one wrapper of compile"},
		{"setup/lexer_once/lexer_once.pstats", "one pygments lexer for ten files: its regexes compile once, far below re's cache"},
		{"setup/deepcopy_moves/deepcopy_moves.pstats", "deepcopy of 1,000 different boards"},
		{"setup/crc_frames/crc_frames.pstats", "a CRC of fixed-size frames: identical counts, dominating its caller, but arithmetic"},
		{"setup/difflib_pairs/difflib_pairs.pstats", "a SequenceMatcher per pair of different word lists"},
		{"setup/vector_step/vector_step.pstats", "a fixed-size step creating vector objects: identical counts in the user's function, but arithmetic"},
		{"setup/html_pages/html_pages.pstats", "one HTMLParser per different page"},
		{"setup/zone_cached/zone_cached.pstats", "four time zones through ZoneInfo's own cache"},
		{"setup/signature_registry/signature_registry.pstats", "400 different callables, each inspected once"},
		{"loop/blocking.pstats", "a CPU-heavy checksum per request is work, not setup"},
		{"pstats/large.pstats", "CPython's test suite: 17,000 functions on varied inputs, ast.parse called 712 times on varied sources"},
	}
	for _, tt := range tests {
		t.Run(tt.dump, func(t *testing.T) {
			got := findSetup(loadProfile(t, filepath.Join("../testdata", tt.dump)))
			if got == nil {
				t.Fatal("nil findings, want an empty slice")
			}
			for _, f := range got {
				t.Errorf("%s: unexpected finding %s %s at %s:\n%+v", tt.reason, f.Pattern, f.Title, f.Func, f.Evidence)
			}
		})
	}
}

// TestSetupPprof checks the Go service that compiles regexps per request,
// in its CPU and allocation profiles: the finding's cost is every sample
// under regexp.MustCompile, as go tool pprof counts it.
func TestSetupPprof(t *testing.T) {
	tests := []struct {
		dump, sampleType, index, unit string
		scale                         float64 // oracle unit to the model's
	}{
		{"cpu.pprof", "", "cpu", "ns", 1e-9},
		{"allocs.pprof", "alloc_space", "alloc_space", "B", 1},
	}
	dir := "../testdata/setup/goregexp"
	for _, tt := range tests {
		t.Run(tt.dump, func(t *testing.T) {
			dump := filepath.Join(dir, tt.dump)
			p, err := parse.File(dump, parse.Options{SampleType: tt.sampleType})
			if err != nil {
				t.Skipf("pprof reader cannot read the profile yet: %v", err)
			}
			cum, total := focusedCum(t, dump, tt.index, tt.unit, "", "regexp.MustCompile")
			cum, total = cum*tt.scale, total*tt.scale
			got := findSetup(p)
			if len(got) == 0 {
				t.Fatal("no finding")
			}
			f := got[0]
			if f.Pattern != "G1" || f.Func.Name != "regexp.MustCompile" {
				t.Fatalf("first finding %s at %s, want G1 at regexp.MustCompile", f.Pattern, f.Func)
			}
			main := filepath.Join(dir, "main.go")
			if f.CallSite == nil || f.CallSite.Name != "main.validate" || f.CallSite.Line != defLine(t, main, "validate") {
				t.Errorf("call site %v, want main.go:%d main.validate", f.CallSite, defLine(t, main, "validate"))
			}
			if f.Calls != -1 || f.PerCall != 0 || !near(f.Cost, cum) || !near(f.Share, cum/total) || !near(f.Saving, f.Cost) {
				t.Errorf("calls %d cost %v share %v saving %v, want -1 and pprof's cum %v of %v", f.Calls, f.Cost, f.Share, f.Saving, cum, total)
			}
			if !hasFact(f.Evidence, Fact{Kind: FactPerRequest, Other: named("net/http.(*conn).serve")}) {
				t.Errorf("evidence does not place the setup under request handling:\n%+v", f.Evidence)
			}
		})
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

// body gives the function "file:name" four private helpers, called 1, 3,
// 10 and 20 times per call: the counts of identical work.
func (g *handGraph) body(key string, calls int64) *handGraph {
	for i, q := range []int64{1, 3, 10, 20} {
		h := fmt.Sprintf("%s_helper%d", g.funcs[key].Name, i)
		g.fn(g.funcs[key].File, h, q*calls, 0.001).call(key, g.funcs[key].File+":"+h, q*calls, 0.001)
	}
	return g
}

// rename gives the function "file:name" another name, keeping its key.
func (g *handGraph) rename(key, name string) *handGraph {
	g.funcs[key].Name = name
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
	jinja  = "/usr/lib/python3/dist-packages/jinja2/environment.py"
)

// handlerWith builds main → request (10 calls) → handle → step (cost
// build) and scan (cost 0.1). step calls four private helpers the given
// number of times in total; scan calls emit emits times. When writes is
// not 0, request also calls respond, which calls write that many times.
func handlerWith(build float64, counts [4]int64, emits, writes int64) *handGraph {
	g := newGraph(1.3).
		fn(app, "main", 1, 1.3).fn(app, "request", 10, build+0.15).fn(app, "handle", 10, build+0.1).
		fn(app, "scan", 10, 0.1).fn(app, "emit", emits, 0.05).
		fn(lib, "step", 10, build).fn(lib, "a", counts[0], 0.2).fn(lib, "b", counts[1], 0.2).
		fn(lib, "c", counts[2], 0.1).fn(lib, "d", counts[3], 0.1).
		call(app+":main", app+":request", 10, build+0.15).call(app+":request", app+":handle", 10, build+0.1).
		call(app+":handle", lib+":step", 10, build).call(app+":handle", app+":scan", 10, 0.1).
		call(app+":scan", app+":emit", emits, 0.05).
		call(lib+":step", lib+":a", counts[0], 0.2).call(lib+":step", lib+":b", counts[1], 0.2).
		call(lib+":a", lib+":c", counts[2], 0.1).call(lib+":b", lib+":d", counts[3], 0.1)
	if writes > 0 {
		g.fn(app, "respond", 10, 0.05).fn(app, "write", writes, 0.04).
			call(app+":request", app+":respond", 10, 0.05).call(app+":respond", app+":write", writes, 0.04)
	}
	return g
}

// userBuilder builds main → read_options, a function of the user's run 10
// times from one call of main, whose identical work creates objects
// (an __init__ called 30 times) for initCost of its 0.9 s.
func userBuilder(initCost float64) *handGraph {
	return newGraph(1).fn(app, "main", 1, 1).fn(app, "read_options", 10, 0.9).fn(lib, "__init__", 30, initCost).
		call(app+":main", app+":read_options", 10, 0.9).call(app+":read_options", lib+":__init__", 30, initCost).
		body(app+":read_options", 10)
}

// shapeCase is one hand-built profile and the finding it must give.
type shapeCase struct {
	name    string
	graph   *handGraph
	pattern string // "" for no finding
	fn      string // "file:name" of the finding
	site    string
	calls   int64
	cost    float64
	fact    Fact // a fact the evidence must hold, if set
}

// reMisses builds route → re's _compile (lookups calls) → compile
// (compiles calls), with the given files for the two.
func reMisses(lookupFile, compileFile string, lookups, compiles int64) *handGraph {
	return newGraph(1).
		fn(app, "route", 1, 1).fn(lookupFile, "_compile", lookups, 0.94).fn(compileFile, "compile", compiles, 0.9).
		call(app+":route", lookupFile+":_compile", lookups, 0.94).call(lookupFile+":_compile", compileFile+":compile", compiles, 0.9)
}

// TestSetupShape checks the name-independent signals on hand-built
// profiles: exact multiples with constant edge ratios, the descent to the
// function holding the cost, the cache-miss ratio, and what must not count:
// varying counts, three calls or fewer, setup run by imports.
func TestSetupShape(t *testing.T) {
	tests := []shapeCase{
		{name: "exact multiples beside varying work name the builder", graph: handlerWith(0.9, [4]int64{40, 250, 10, 30}, 37, 0),
			pattern: "shape", fn: lib + ":step", site: "handle", calls: 10, cost: 0.9,
			fact: Fact{Kind: FactVaryingUse, Func: named("step"), Site: named("handle"), Other: named("scan"), Calls: 10}},
		{name: "counts that are not multiples are varying work", graph: handlerWith(0.9, [4]int64{41, 257, 13, 33}, 37, 0)},
		{name: "identical work with nothing varying beside it is a fixed-size computation", graph: handlerWith(0.9, [4]int64{40, 250, 10, 30}, 20, 0)},
		{name: "identical construction that dominates its caller needs no varying use",
			graph:   handlerWith(0.9, [4]int64{40, 250, 10, 30}, 20, 0).rename(lib+":step", "build_index"),
			pattern: "shape", fn: lib + ":step", site: "handle", calls: 10, cost: 0.9,
			fact: Fact{Kind: FactConstantUse, Func: named("build_index"), Site: named("handle"), Calls: 10, Share: 0.9, Other: named("build_index")}},
		{name: "identical construction run by a loop in a function called once is iteration, not setup per call",
			graph: newGraph(1).fn(app, "main", 1, 1).fn(lib, "build_index", 10, 0.9).
				call(app+":main", lib+":build_index", 10, 0.9).body(lib+":build_index", 10)},
		{name: "a user's function that builds and uses, with objects created for most of its time, needs no caller",
			graph: userBuilder(0.6), pattern: "shape", fn: app + ":read_options", site: "main", calls: 10, cost: 0.9,
			fact: Fact{Kind: FactConstantUse, Func: named("read_options"), Site: named("read_options"), Calls: 10, Share: 1, Other: named("__init__")}},
		{name: "a user's function creating a few objects in identical work is not construction", graph: userBuilder(0.2)},
		{name: "an identical handler beside a varying response moves down to its builder", graph: handlerWith(0.9, [4]int64{40, 250, 10, 30}, 20, 37),
			pattern: "shape", fn: lib + ":step", site: "handle", calls: 10, cost: 0.9},
		{name: "a builder holding too little of the handler's cost leaves the finding at the handler",
			graph:   handlerWith(0.3, [4]int64{40, 250, 10, 30}, 20, 37),
			pattern: "shape", fn: app + ":handle", site: "request", calls: 10, cost: 0.4},
		{name: "three calls are not a pattern", graph: func() *handGraph {
			g := newGraph(1).fn(app, "main", 1, 1).fn(lib, "step", 3, 0.9)
			for h, n := range map[string]int64{"a": 12, "b": 75, "c": 3, "d": 9} {
				g.fn(lib, h, n, 0.2).call(lib+":step", lib+":"+h, n, 0.2)
			}
			return g.call(app+":main", lib+":step", 3, 0.9)
		}()},
		{name: "re's cache missing every time, beyond its 512 entries", graph: reMisses(reinit, recomp, 1000, 950),
			pattern: "P2", fn: recomp + ":compile", site: "route", calls: 950, cost: 0.9},
		{name: "re compiling fewer patterns than its cache holds: first uses, not evictions", graph: reMisses(reinit, recomp, 100, 95)},
		{name: "Python 2's re missing beyond its 100 entries", graph: reMisses("/usr/lib/python2.7/re.py", "/usr/lib/python2.7/sre_compile.py", 200, 194),
			pattern: "P2", fn: "/usr/lib/python2.7/sre_compile.py:compile", site: "route", calls: 194, cost: 0.9,
			fact: Fact{Kind: FactCache, Func: named("compile"), Calls: 194, Of: 200, Share: 0.97, Funcs: []*parse.Func{named("_compile")}}},
		{name: "Python 3.10's re missing as often stays within its 512 entries",
			graph: reMisses("/usr/lib/python3.10/re.py", "/usr/lib/python3.10/sre_compile.py", 200, 194)},
		{name: "re's cache mostly hitting", graph: newGraph(1).
			fn(app, "route", 1, 1).fn(reinit, "match", 100, 0.95).fn(reinit, "_compile", 100, 0.94).fn(recomp, "compile", 20, 0.9).
			call(app+":route", reinit+":match", 100, 0.95).call(reinit+":match", reinit+":_compile", 100, 0.94).
			call(reinit+":_compile", recomp+":compile", 20, 0.9)},
		{name: "from_string per render is not excused by get_template's cache hits elsewhere", graph: newGraph(1).
			fn(app, "render", 20, 0.6).fn(app, "page", 1000, 0.3).fn(jinja, "from_string", 20, 0.5).fn(jinja, "get_template", 1000, 0.2).
			call(app+":render", jinja+":from_string", 20, 0.5).call(app+":page", jinja+":get_template", 1000, 0.2),
			pattern: "P4", fn: jinja + ":from_string", site: "render", calls: 20, cost: 0.5},
		{name: "namedtuple built while importing a module is setup done once", graph: newGraph(1).
			fn("<frozen importlib._bootstrap>", "_load", 1, 0.3).fn("/usr/lib/python3/dist-packages/m.py", "<module>", 1, 0.3).
			fn("/usr/lib/python3.11/collections/__init__.py", "namedtuple", 30, 0.3).
			call("<frozen importlib._bootstrap>:_load", "/usr/lib/python3/dist-packages/m.py:<module>", 1, 0.3).
			call("/usr/lib/python3/dist-packages/m.py:<module>", "/usr/lib/python3.11/collections/__init__.py:namedtuple", 30, 0.3)},
		{name: "namedtuple built per request", graph: newGraph(1).
			fn(app, "<module>", 1, 1).fn(app, "to_record", 30, 0.3).fn("/usr/lib/python3.11/collections/__init__.py", "namedtuple", 30, 0.3).
			call(app+":<module>", app+":to_record", 30, 0.3).
			call(app+":to_record", "/usr/lib/python3.11/collections/__init__.py:namedtuple", 30, 0.3).body("/usr/lib/python3.11/collections/__init__.py:namedtuple", 30),
			pattern: "P10", fn: "/usr/lib/python3.11/collections/__init__.py:namedtuple", site: "to_record", calls: 30, cost: 0.3},
		{name: "namedtuple built per request and at import", graph: newGraph(1).
			fn(app, "<module>", 1, 1).fn(app, "to_record", 30, 0.3).fn("/usr/lib/python3.11/collections/__init__.py", "namedtuple", 50, 0.4).
			fn("<frozen importlib._bootstrap>", "_load", 1, 0.1).fn("/usr/lib/python3/dist-packages/m.py", "<module>", 1, 0.1).
			call("<frozen importlib._bootstrap>:_load", "/usr/lib/python3/dist-packages/m.py:<module>", 1, 0.1).
			call("/usr/lib/python3/dist-packages/m.py:<module>", "/usr/lib/python3.11/collections/__init__.py:namedtuple", 20, 0.1).
			call(app+":<module>", app+":to_record", 30, 0.3).
			call(app+":to_record", "/usr/lib/python3.11/collections/__init__.py:namedtuple", 30, 0.3).body("/usr/lib/python3.11/collections/__init__.py:namedtuple", 50),
			pattern: "P10", fn: "/usr/lib/python3.11/collections/__init__.py:namedtuple", site: "to_record", calls: 30, cost: 0.3,
			fact: Fact{Kind: FactImportCalls, Calls: 20}},
	}
	twoSites := newGraph(1).
		fn(app, "<module>", 1, 1).fn(app, "to_record", 30, 0.3).fn(app, "to_row", 10, 0.1).
		fn("/usr/lib/python3.11/collections/__init__.py", "namedtuple", 40, 0.4).
		call(app+":<module>", app+":to_record", 30, 0.3).call(app+":<module>", app+":to_row", 10, 0.1).
		call(app+":to_record", "/usr/lib/python3.11/collections/__init__.py:namedtuple", 30, 0.3).
		call(app+":to_row", "/usr/lib/python3.11/collections/__init__.py:namedtuple", 10, 0.1).body("/usr/lib/python3.11/collections/__init__.py:namedtuple", 40)
	tests = append(tests, shapeCase{name: "namedtuple built per request from two places", graph: twoSites, pattern: "P10",
		fn: "/usr/lib/python3.11/collections/__init__.py:namedtuple", site: "to_record", calls: 40, cost: 0.4,
		fact: Fact{Kind: FactOtherSites, Parts: []Fact{{Kind: FactCall, Site: named("to_row"), Func: named("namedtuple"), Calls: 10}}}})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.graph.profile(t)
			got := findSetup(p)
			if tt.pattern == "" {
				for _, f := range got {
					t.Errorf("unexpected finding %s at %s:\n%+v", f.Pattern, f.Func, f.Evidence)
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
			if tt.fact.Kind != "" && !hasFact(f.Evidence, tt.fact) {
				t.Errorf("evidence lacks %+v:\n%+v", tt.fact, f.Evidence)
			}
		})
	}
}

// TestRepeats checks the S1/S2 measurements themselves.
func TestRepeats(t *testing.T) {
	p := handlerWith(0.9, [4]int64{40, 250, 10, 41}, 37, 0).profile(t)
	var builder *parse.Func
	for _, f := range p.Funcs {
		if f.Name == "step" {
			builder = f
		}
	}
	g := newCallGraph(newProfileIndex(p, nil, &testLimits, nil))
	r := g.repeats(builder)
	if r.n != 10 || len(r.members) != 4 || len(r.multiples) != 3 || r.quotients != 3 || r.work != 4+25+1 || r.edges != 4 || r.exact != 3 {
		t.Errorf("repeat %+v, want n 10, 4 members, 3 multiples with quotients 4, 25, 1, 3 of 4 edges exact", r)
	}
	if r.identical(&testLimits, testLimits.MinQuotients) {
		t.Error("3 of 4 multiples counted as identical work")
	}
}

// TestSetupStacks checks the pprof rule on hand-built profiles without
// call counts: the same regexp compiles are a finding only where the stack
// shows a place that repeats (a request handler, a benchmark loop), never
// under package init, sync.Once or the profiler, and not in main, where how
// often they ran cannot be told.
func TestSetupStacks(t *testing.T) {
	names := []string{"runtime.main", "runtime.doInit1", "main.init", "regexp.MustCompile", "regexp.compile",
		"net/http.(*conn).serve", "net/http.HandlerFunc.ServeHTTP", "main.handle", "main.respond",
		"sync.(*Once).doSlow", "main.main", "testing.(*B).runN", "main.BenchmarkHandle",
		"net/http/pprof.handler.ServeHTTP", "runtime/pprof.writeHeapProto"}
	build := func(stacks [][]int, values []float64) *parse.Profile {
		p := &parse.Profile{Format: parse.Pprof, Unit: "seconds", SampleType: "cpu"}
		for _, n := range names {
			file := "/usr/local/go/src/x.go"
			if strings.HasPrefix(n, "main.") {
				file = "/srv/app/main.go"
			}
			p.Funcs = append(p.Funcs, &parse.Func{Name: n, File: file, Calls: -1, Primitive: -1})
		}
		for i, s := range stacks {
			p.Stacks = append(p.Stacks, parse.Stack{Funcs: slices.Clone(s), Value: values[i]}) // Normalize remaps in place
			p.Total += values[i]
		}
		if err := p.Normalize(); err != nil {
			t.Fatal(err)
		}
		return p
	}
	atInit := []int{0, 1, 2, 3, 4}
	perRequest := []int{5, 6, 7, 3, 4}
	onceInRequest := []int{5, 6, 7, 9, 3, 4}
	inMain := []int{0, 10, 3, 4}
	perIteration := []int{11, 12, 7, 3, 4}
	profiler := []int{5, 6, 13, 14, 3, 4} // the profiler's setup, under a request
	work := []int{5, 6, 7, 8}
	tests := []struct {
		name   string
		stacks [][]int
		values []float64
		cost   float64 // 0 for no finding
		per    FactKind
		place  string
	}{
		{"compiled once at init", [][]int{atInit, work}, []float64{0.5, 1}, 0, "", ""},
		{"compiled once in a handler under sync.Once", [][]int{onceInRequest, work}, []float64{0.5, 1}, 0, "", ""},
		{"compiled in main", [][]int{inMain, work}, []float64{0.5, 1}, 0, "", ""},
		{"written by the profiler", [][]int{profiler, work}, []float64{0.5, 1}, 0, "", ""},
		{"compiled per request", [][]int{perRequest, inMain, profiler, work}, []float64{0.3, 0.5, 0.2, 1}, 0.3, FactPerRequest, "net/http.(*conn).serve"},
		{"compiled per benchmark iteration", [][]int{perIteration, work}, []float64{0.3, 1}, 0.3, FactPerIteration, "main.BenchmarkHandle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := build(tt.stacks, tt.values)
			got := findSetup(p)
			if tt.cost == 0 {
				if len(got) != 0 {
					t.Errorf("unexpected findings: %+v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("%d findings, want 1", len(got))
			}
			f := got[0]
			if f.Pattern != "G1" || f.Func.Name != "regexp.MustCompile" || f.CallSite == nil || f.CallSite.Name != "main.handle" ||
				!near(f.Cost, tt.cost) || !near(f.Share, tt.cost/p.Total) || f.Calls != -1 {
				t.Errorf("got %s at %s from %v, cost %v share %v calls %d", f.Pattern, f.Func, f.CallSite, f.Cost, f.Share, f.Calls)
			}
			if !hasFact(f.Evidence, Fact{Kind: tt.per, Other: named(tt.place)}) {
				t.Errorf("evidence does not name %s:\n%+v", tt.place, f.Evidence)
			}
		})
	}
}

// TestSetupInvariants runs the detector on every dump in testdata and, when
// present, the external real dumps: whatever it finds must be well formed,
// with costs that fit in the profile, and ranked by saving.
func TestSetupInvariants(t *testing.T) {
	var dumps []string
	for _, root := range []string{"../testdata", "../../shared/profiles/external"} {
		filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.HasSuffix(path, ".py") && !strings.HasSuffix(path, ".go") &&
				!strings.HasSuffix(path, ".md") && !strings.HasSuffix(path, ".sh") {
				dumps = append(dumps, path)
			}
			return nil
		})
	}
	for _, dump := range dumps {
		p, err := parse.File(dump, parse.Options{})
		if err != nil {
			continue // not a profile, or one the readers refuse; their tests cover that
		}
		t.Run(dump, func(t *testing.T) {
			got := findSetup(p)
			if got == nil {
				t.Fatal("nil findings")
			}
			for i, f := range got {
				if f.Kind != KindRepeatedSetup || f.Func == nil || (f.Pattern == "shape") != (f.Title == "" && f.Fix == "") || len(f.Evidence) == 0 ||
					(f.Severity != High && f.Severity != Medium && f.Severity != Low) {
					t.Errorf("malformed finding %+v", f)
				}
				if f.Cost <= 0 || f.Cost > p.Total*(1+1e-9) || f.Share < 0 || f.Share > 1+1e-9 || f.Saving > f.Cost {
					t.Errorf("%s: cost %v share %v saving %v out of range for total %v", f.Func, f.Cost, f.Share, f.Saving, p.Total)
				}
				if p.HasCalls() && (f.Calls < testLimits.MinCalls || !near(f.PerCall, f.Cost/float64(f.Calls))) {
					t.Errorf("%s: %d calls, per call %v", f.Func, f.Calls, f.PerCall)
				}
				if i > 0 && got[i-1].Saving < f.Saving {
					t.Errorf("finding %d saves more than finding %d", i+1, i)
				}
			}
		})
	}
}

// TestCatalog checks the catalog as data: every Python pattern (P1-P27)
// and Go pattern (G1-G12) is there once, with every field filled in.
func TestCatalog(t *testing.T) {
	seen := map[string]bool{}
	for _, pat := range builtinCatalog {
		if seen[pat.ID] {
			t.Errorf("pattern %s twice", pat.ID)
		}
		seen[pat.ID] = true
		if pat.Title == "" || pat.Why == "" || pat.Fix == "" || pat.Ref == "" || len(pat.Build) == 0 {
			t.Errorf("pattern %s is incomplete", pat.ID)
		}
		for _, fs := range append(slices.Clone(pat.Build), pat.Lookup...) {
			if len(fs.Names) == 0 || strings.Contains(fs.File, ":") { // no "file:line" specs: lines move between versions
				t.Errorf("pattern %s: frames %+v", pat.ID, fs)
			}
		}
	}
	for i := 1; i <= 26; i++ {
		if !seen[fmt.Sprintf("P%d", i)] {
			t.Errorf("pattern P%d missing", i)
		}
	}
	for i := 1; i <= 12; i++ {
		if !seen[fmt.Sprintf("G%d", i)] {
			t.Errorf("pattern G%d missing", i)
		}
	}
}

// TestFramesMatch checks how catalog frames match functions: by path
// suffix at a directory boundary, by exact built-in name, by Go symbol
// (closures included), never by line.
func TestFramesMatch(t *testing.T) {
	tests := []struct {
		frames     Frames
		file, name string
		want       bool
	}{
		{Frames{"ply/yacc.py", []string{"yacc"}}, "/usr/lib/python3/dist-packages/ply/yacc.py", "yacc", true},
		{Frames{"ply/yacc.py", []string{"yacc"}}, "ply/yacc.py", "yacc", true},
		{Frames{"ply/yacc.py", []string{"yacc"}}, "/srv/myply/yacc.py", "yacc", false},
		{Frames{"ply/yacc.py", []string{"yacc"}}, "/usr/lib/python3/dist-packages/ply/yacc.py", "lr0_goto", false},
		{Frames{"re.py", []string{"_compile"}}, "/usr/lib/python2.7/sre.py", "_compile", false},
		{Frames{"_strptime.py", []string{"compile"}}, "/usr/lib/python3.13/_strptime.py", "TimeRE.compile", true},
		{Frames{"ssl.py", []string{"create_default_context"}}, `C:\Python311\Lib\ssl.py`, "create_default_context", true},
		{Frames{"~", []string{"<built-in method builtins.exec>"}}, "~", "<built-in method builtins.exec>", true},
		{Frames{"~", []string{"<built-in method builtins.exec>"}}, "/x/builtins.py", "<built-in method builtins.exec>", false},
		{Frames{"", []string{"regexp.MustCompile"}}, "/usr/local/go/src/regexp/regexp.go", "regexp.MustCompile", true},
		{Frames{"", []string{"regexp.MustCompile"}}, "", "regexp.MustCompile.func1", true},
		{Frames{"", []string{"regexp.Compile"}}, "", "regexp.CompilePOSIX", false},
	}
	for _, tt := range tests {
		t.Run(tt.file+" "+tt.name, func(t *testing.T) {
			if got := tt.frames.match(slashed(tt.file), tt.name); got != tt.want {
				t.Errorf("%+v matches %s %s: %v, want %v", tt.frames, tt.file, tt.name, got, tt.want)
			}
		})
	}
}

// testLimits are the default thresholds, for tests that call the detector
// directly.
var testLimits = DefaultLimits()

// findSetup runs the detector with the default thresholds and catalog.
func findSetup(p *parse.Profile) []Finding {
	return setup(newProfileIndex(p, builtinCatalog, &testLimits, nil))
}
