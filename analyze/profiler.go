package analyze

import (
	"path"
	"strings"

	"github.com/loopdoctor/loopdoctor/internal/location"
	"github.com/loopdoctor/loopdoctor/parse"
)

// A profile records the profiler too: Go's runtime/pprof compresses the
// CPU profile it writes with a fresh gzip writer, net/http/pprof writes one
// per scrape of /debug/pprof/heap, and a Python harness calls cProfile's
// disable and pstats' dump. That work is not the program's, so it is never
// a setup finding however it looks: the gzip writer runtime/pprof creates is
// the same catalogued compress/flate setup an HTTP handler would repeat.
// The profiler is recognised by its own frames, on the stack above the
// setup (Go) or as the setup's caller chain (Python).

// goProfilerPkgs are the Go packages that collect and write profiles and
// traces. Frames of these packages on a stack above a setup mark the setup
// as the profiler's, except goProfilerAPI: the functions that run the
// program's own code under a label or a trace region.
var goProfilerPkgs = []string{"runtime/pprof.", "net/http/pprof.", "runtime/trace.", "github.com/google/pprof/profile."}

var goProfilerAPI = []string{"runtime/pprof.Do", "runtime/trace.WithRegion"}

// pythonProfilerFiles are the Python modules of the standard library that
// profile, and pythonProfilerPkgs the installed packages that do.
var (
	pythonProfilerFiles = []string{"cProfile.py", "profile.py", "pstats.py"}
	pythonProfilerPkgs  = []string{"yappi", "pyinstrument", "line_profiler"}
)

// isProfiler reports whether f is a profiler's own code: it collects
// samples or counts, or writes them out.
func isProfiler(f *parse.Func) bool {
	if strings.HasSuffix(f.File, ".go") || f.File == "" && strings.Contains(f.Name, "/") {
		return isGoProfiler(f.Name)
	}
	if f.File == "~" { // a C function: cProfile's _lsprof, yappi's _yappi
		return strings.Contains(f.Name, "_lsprof.") || strings.Contains(f.Name, "_yappi.")
	}
	file := slashed(f.File)
	switch location.OriginOf(f) {
	case location.Stdlib:
		for _, name := range pythonProfilerFiles {
			if path.Base(file) == name {
				return true
			}
		}
	case location.ThirdParty:
		for _, pkg := range pythonProfilerPkgs {
			if inPackage(file, pkg, "") || inPackage(file, "", pkg+".py") {
				return true
			}
		}
	}
	return false
}

// isGoProfiler reports whether the Go function name belongs to a profiler
// package and is not one of the wrappers that run the program's code.
func isGoProfiler(name string) bool {
	for _, pkg := range goProfilerPkgs {
		if !strings.HasPrefix(name, pkg) {
			continue
		}
		for _, api := range goProfilerAPI {
			// A closure of the wrapper (pprof.Do.func1) is the wrapper too.
			if name == api || strings.HasPrefix(name, api+".") {
				return false
			}
		}
		return true
	}
	return false
}
