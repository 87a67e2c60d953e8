package analyze

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestBuildIndex checks the catalog index against the slow way, trying
// every pattern on every name: on every function of the real dumps, and on
// every catalogued name in each spelling Frames.match accepts (qualified
// Python names, Go closures, a wrong file, a name that merely ends alike).
func TestBuildIndex(t *testing.T) {
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
	for _, pattern := range []string{"../testdata/*/*.pstats", "../testdata/*/*.pb.gz", "../testdata/*/*/*.pb.gz", "../testdata/*/*/*.pprof"} {
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
		if got := ix.patterns(c.file, c.name); !slices.Equal(got, want) {
			t.Errorf("patterns(%q, %q) = %v, want %v", c.file, c.name, got, want)
		}
	}
}
