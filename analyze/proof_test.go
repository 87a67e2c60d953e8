package analyze

import (
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/parse"
)

// TestSetupCachedPair reads one program before and after its first fix,
// a functools.lru_cache in front of jsonpath_rw.parse: before, yacc runs on
// all 120 lookups; after, on the 6 distinct expressions, and each of those
// still builds the same ply tables. The second report must say the cache
// is there, grade what is left, and leave the catalog's fix (the cache
// itself) out.
func TestSetupCachedPair(t *testing.T) {
	dir := "../testdata/setup/"
	before := findSetup(loadProfile(t, dir+"jsonpath_percall/jsonpath_percall.pstats"))
	after := findSetup(loadProfile(t, dir+"jsonpath_cached/jsonpath_cached.pstats"))
	if len(before) == 0 || len(after) == 0 {
		t.Fatalf("%d findings before, %d after; want one each", len(before), len(after))
	}
	b, a := before[0], after[0]
	if b.Pattern != "P1" || b.Calls != 120 || b.Fix == "" || hasFact(b.Evidence, Fact{Kind: FactCached}) {
		t.Errorf("before: %s, %d calls, fix %q, want P1 over 120 calls with the catalog's fix and no cache", b.Pattern, b.Calls, b.Fix)
	}
	if a.Pattern != "P1" || a.Func.Name != "yacc" || a.Calls != 6 || a.Fix != "" {
		t.Errorf("after: %s at %s, %d calls, fix %q; want P1 at yacc over 6 calls, the catalog's fix left to render", a.Pattern, a.Func, a.Calls, a.Fix)
	}
	if want := (Fact{Kind: FactCached, Site: named("lookup"), Func: named("parse"), Of: 120, Calls: 6, Other: named("yacc")}); !hasFact(a.Evidence, want) {
		t.Errorf("after: evidence lacks %+v:\n%+v", want, a.Evidence)
	}
	p := loadProfile(t, dir+"jsonpath_cached/jsonpath_cached.pstats")
	if want := testLimits.severity(p, a.Saving, a.Saving/p.Total); a.Severity != want {
		t.Errorf("after: severity %s, want %s, graded by the saving %v left", a.Severity, want, a.Saving)
	}
}

// TestSetupGeneratedFrames checks that code compiled from a string is not
// a call site: the dataclass's generated __init__ ("<string>") calls the
// TLS factory, and the finding names fetch, the user's function above it,
// with the generated frame on the chain between them.
func TestSetupGeneratedFrames(t *testing.T) {
	got := findSetup(loadProfile(t, "../testdata/setup/generated_init/generated_init.pstats"))
	if len(got) == 0 {
		t.Fatal("no finding")
	}
	f := got[0]
	if f.CallSite == nil || f.CallSite.Name != "fetch" {
		t.Fatalf("call site %v, want fetch", f.CallSite)
	}
	generated := false
	for _, c := range f.Chain {
		generated = generated || c.File == "<string>"
	}
	if !generated {
		t.Errorf("chain %v does not pass through the generated __init__", f.Chain)
	}
	usersOwn := func(f *parse.Func) bool {
		return newProfileIndex(&parse.Profile{Funcs: []*parse.Func{f}}, nil, nil, nil).usersOwn(f)
	}
	if usersOwn(&parse.Func{File: "<string>", Name: "__init__"}) || usersOwn(&parse.Func{File: "<decorator-gen-3>", Name: "get"}) ||
		usersOwn(&parse.Func{File: `C:\Python311\Lib\site-packages\yaml\__init__.py`, Name: "load"}) ||
		!usersOwn(&parse.Func{File: `D:\app\main.py`, Name: "main"}) {
		t.Error("usersOwn misjudges generated, installed or user files")
	}
}

// TestCacheSize checks the Python version read from paths and the cache
// size it selects: re held 100 patterns in Python 2 and 512 from 3.6 on,
// and an unknown version takes the largest size, so that it never shows an
// eviction that did not happen.
func TestCacheSize(t *testing.T) {
	re := []CacheSize{{Major: 2, Entries: 100}, {Major: 3, Entries: 512}}
	tests := []struct {
		file    string
		major   int
		entries int
	}{
		{"/usr/lib/python3.11/re/__init__.py", 3, 512},
		{"/usr/lib/python2.7/re.py", 2, 100},
		{`C:\Python27\Lib\re.py`, 2, 100},
		{"/usr/lib/python3/dist-packages/yaml/__init__.py", 3, 512},
		{"/opt/pypy3.9/lib/pypy3.9/re.py", 3, 512},
		{"/srv/app/python3-tools/re.py", 0, 512},
		{"rerouter.py", 0, 512},
	}
	for _, tt := range tests {
		p := &parse.Profile{Funcs: []*parse.Func{{File: tt.file}}}
		if got := pythonMajor(p); got != tt.major {
			t.Errorf("%s: Python %d, want %d", tt.file, got, tt.major)
		}
		if got := cacheEntries(re, tt.major); got != tt.entries {
			t.Errorf("%s: %d entries, want %d", tt.file, got, tt.entries)
		}
	}
}

// TestBuilderName checks how names are split into words for the
// construction test: at underscores, dots and lower-to-upper changes.
func TestBuilderName(t *testing.T) {
	for name, want := range map[string]bool{
		"build_table": true, "buildTable": true, "Schema.__init__": true, "load_config": true, "_compile": true,
		"make": true, "IndexBuilder": true, "digest": false, "step": false, "crc16": false, "accel": false,
		"rebuild": false, "check_frame": false, "<listcomp>": false,
	} {
		if got := builderName(name); got != want {
			t.Errorf("builderName(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestProofVerdicts checks the catalog's proof on the development-case
// kinds of evidence with hand-built counts: a 1:1 wrapper proves nothing
// for a pattern that often runs on varying input, non-integer counts rule
// out any pattern, and counts exact per call of the caller stand.
func TestProofVerdicts(t *testing.T) {
	const ast = "/usr/lib/python3.11/ast.py"
	wrapper := newGraph(1).fn(app, "main", 1, 1).fn(app, "read_all", 40, 0.9).fn(ast, "parse", 40, 0.8).
		fn("~", "<built-in method builtins.compile>", 40, 0.8).
		call(app+":main", app+":read_all", 1, 0.9).call(app+":read_all", ast+":parse", 40, 0.8).
		call(ast+":parse", "~:<built-in method builtins.compile>", 40, 0.8)
	varying := newGraph(1).fn(app, "main", 1, 1).fn(app, "handle", 50, 0.9).fn(lib, "create_default_context", 50, 0.8).
		fn(lib, "helper", 173, 0.5).
		call(app+":main", app+":handle", 50, 0.9).call(app+":handle", lib+":create_default_context", 50, 0.8).
		call(lib+":create_default_context", lib+":helper", 173, 0.5)
	for name, g := range map[string]*handGraph{"1:1 wrapper of a varying pattern": wrapper, "non-integer counts": varying} {
		t.Run(name, func(t *testing.T) {
			cat := []Pattern{{ID: "P15", Varying: true, Title: "t", Fix: "f", Build: []Frames{{"ast.py", []string{"parse"}}}},
				{ID: "P5", Title: "t", Fix: "f", Build: []Frames{{"tables/build.py", []string{"create_default_context"}}}}}
			for _, f := range setup(newProfileIndex(g.profile(t), cat, &testLimits, nil)) {
				t.Errorf("unexpected finding %s at %s", f.Pattern, f.Func)
			}
		})
	}
}

// TestSetupArgparseVersions reads one program recorded under Python 3.6,
// 3.7, 3.11, 3.12 and 3.13: run() builds an ArgumentParser with four
// subcommands (the same work, most of the run) and parses one varying
// command line. With the catalog, the parser's construction comes first,
// called from run; by shape alone, run itself is the finding: the calls
// that vary (parse_args) are its use, and the rest repeats exactly.
func TestSetupArgparseVersions(t *testing.T) {
	for _, v := range []string{"-3.6", "-3.7", "", "-3.12", "-3.13"} {
		t.Run("python"+v, func(t *testing.T) {
			p := loadProfile(t, "../testdata/setup/argparse_dispatch/argparse_dispatch"+v+".pstats")
			got := findSetup(p)
			if len(got) == 0 || !strings.HasSuffix(got[0].Func.File, "argparse.py") || got[0].CallSite == nil || got[0].CallSite.Name != "run" {
				t.Errorf("with the catalog: %+v, want argparse's construction called from run first", got)
			}
			alone := setup(newProfileIndex(p, nil, &testLimits, nil))
			if len(alone) == 0 || alone[0].Pattern != "shape" || alone[0].Func.Name != "run" || alone[0].CallSite == nil || alone[0].CallSite.Name != "main" {
				t.Fatalf("by shape alone: %+v, want run from main", alone)
			}
			if !hasFact(alone[0].Evidence, Fact{Kind: FactVaryingUse, Func: named("run"), Site: named("run"), Other: named("parse_args"), Calls: 500}) {
				t.Errorf("by shape alone: evidence lacks parse_args as the varying use:\n%+v", alone[0].Evidence)
			}
		})
	}
}
