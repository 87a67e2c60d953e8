package analyze

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/parse"
)

// TestBuildIndex checks the catalog index against the slow way, trying
// every pattern on every name: on every function of the real dumps, and on
// every catalogued name in each spelling Frames.match accepts (qualified
// Python names, Go closures, a wrong file, a name that merely ends alike).
func TestBuildIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("tries every pattern on every function of every dump; skipped with -short")
	}
	type fn struct{ file, name string }
	var cases []fn
	for _, pat := range builtinCatalog {
		for _, fs := range append(slices.Clone(pat.Build), pat.Lookup...) {
			file := "/usr/lib/python3/dist-packages/" + fs.File
			if fs.File == "" || fs.File == "~" {
				file = fs.File
			}
			for _, n := range fs.Names {
				cases = append(cases,
					fn{file, n}, fn{file, "Cls." + n}, fn{file, n + ".func1"}, fn{file, n + ".func2.1"},
					fn{file, "x" + n}, fn{"/srv/app/other.py", n}, fn{"~", n})
			}
		}
	}
	var dumps []string
	for _, pattern := range []string{"../testdata/*/*.pstats", "../testdata/*/*/*.pstats", "../testdata/*/*.pb.gz", "../testdata/*/*/*.pb.gz",
		"../testdata/*/*/*.pprof"} {
		found, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		dumps = append(dumps, found...)
	}
	if len(dumps) < 50 {
		t.Fatalf("found only %d dumps", len(dumps))
	}
	for _, d := range dumps {
		p := loadProfile(t, d)
		for _, f := range p.Funcs {
			cases = append(cases, fn{slashed(f.File), f.Name})
		}
	}
	ix := newBuildIndex(builtinCatalog)
	for _, c := range cases {
		var want []int
		for i := range builtinCatalog {
			if matchAny(builtinCatalog[i].Build, c.file, c.name) {
				want = append(want, i)
			}
		}
		fx := ix.forFile(splitPath(c.file))
		if got := fx.patterns(c.name); !slices.Equal(got, want) {
			t.Errorf("patterns(%q, %q) = %v, want %v", c.file, c.name, got, want)
		}
		if (len(c.name) < fx.least || !fx.may(c.name)) && len(want) > 0 {
			t.Errorf("%q in %q: least %d, may %v, but patterns %v match", c.name, c.file, fx.least, fx.may(c.name), want)
		}
	}
}

// TestCatalogReferences checks that every pattern says where its problem is
// documented in a form a reader can follow: "owner/repo#N" for an upstream
// issue or pull request, or an https URL, separated by "; ".
func TestCatalogReferences(t *testing.T) {
	ref := regexp.MustCompile(`^([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+#[0-9]+|https://[^ ;]+)$`)
	for _, pat := range builtinCatalog {
		for _, r := range strings.Split(pat.Ref, "; ") {
			if !ref.MatchString(r) {
				t.Errorf("pattern %s: reference %q is neither owner/repo#N nor a URL", pat.ID, r)
			}
		}
	}
}

// TestCatalogPprof checks catalogued Go setup on real CPU profiles of
// programs that build it per request: the finding's cost is every sample
// of the handler that passes through one of the pattern's functions, as go
// tool pprof counts it (-focus), and the call site is the handler in the
// program's source.
func TestCatalogPprof(t *testing.T) {
	tests := []struct {
		dir, pattern, fn, site string
	}{
		{"gotimezone", "G8", "time.LoadLocation", "localTime"},
		{"gogob", "G9", "encoding/gob.(*Encoder).sendTypeDescriptor", "quotes"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			dir := filepath.Join("../testdata/setup", tt.dir)
			dump := filepath.Join(dir, "cpu.pprof")
			p, err := parse.File(dump, parse.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, pat := range builtinCatalog {
				if pat.ID != tt.pattern {
					continue
				}
				for _, fs := range pat.Build {
					for _, n := range fs.Names {
						names = append(names, regexp.QuoteMeta(n))
					}
				}
			}
			cum, total := focusedCum(t, dump, "cpu", "ns", strings.Join(names, "|"), "main."+tt.site)
			cum, total = cum*1e-9, total*1e-9
			got := findSetup(p)
			if len(got) == 0 {
				t.Fatal("no finding")
			}
			f := got[0]
			if f.Pattern != tt.pattern || f.Func.Name != tt.fn {
				t.Fatalf("first finding %s at %s, want %s at %s", f.Pattern, f.Func, tt.pattern, tt.fn)
			}
			line := defLine(t, filepath.Join(dir, "main.go"), tt.site)
			if f.CallSite == nil || f.CallSite.Name != "main."+tt.site || f.CallSite.Line != line {
				t.Errorf("call site %v, want main.go:%d main.%s", f.CallSite, line, tt.site)
			}
			if !near(f.Cost, cum) || !near(f.Share, cum/total) {
				t.Errorf("cost %v share %v, want pprof's cum %v of %v", f.Cost, f.Share, cum, total)
			}
		})
	}
}

// TestBuildIndexUndotted checks a catalog whose Go-style Frames (no
// File) name a function without a dot: such a name matches in any file,
// so may cannot pass over names without a dot.
func TestBuildIndexUndotted(t *testing.T) {
	catalog := []Pattern{{ID: "X1", Build: []Frames{{"", []string{"compile"}}, {"pkg/mod.py", []string{"build"}}}}}
	ix := newBuildIndex(catalog)
	for _, c := range []struct {
		file, name string
		want       []int
	}{
		{"/srv/app/main.py", "compile", []int{0}},
		{"/srv/app/main.py", "compile.func1", []int{0}},
		{"/srv/app/main.py", "build", nil},
		{"/srv/pkg/mod.py", "build", []int{0}},
		{"/srv/pkg/mod.py", "Builder.build", []int{0}},
		{"/srv/other/mod.py", "build", nil},
	} {
		fx := ix.forFile(splitPath(c.file))
		if got := fx.patterns(c.name); !slices.Equal(got, c.want) || len(got) > 0 && (len(c.name) < fx.least || !fx.may(c.name)) {
			t.Errorf("patterns(%q, %q) = %v (least %d, may %v), want %v", c.file, c.name, got, fx.least, fx.may(c.name), c.want)
		}
	}
}
