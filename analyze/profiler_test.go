package analyze

import (
	"testing"

	"github.com/loopdoctor/loopdoctor/parse"
)

// TestIsProfiler checks the profiler's frames as the dumps name them: Go
// symbols from runtime/pprof, net/http/pprof and runtime/trace (from the
// goservice and gotest profiles), cProfile's C methods and the Python
// profiling modules, and the look-alikes that run the program's own code.
func TestIsProfiler(t *testing.T) {
	tests := []struct {
		f    parse.Func
		want bool
	}{
		{parse.Func{Name: "runtime/pprof.profileWriter", File: "runtime/pprof/pprof.go"}, true},
		{parse.Func{Name: "runtime/pprof.(*profileBuilder).build", File: "/usr/local/go/src/runtime/pprof/proto.go"}, true},
		{parse.Func{Name: "net/http/pprof.handler.ServeHTTP", File: "net/http/pprof/pprof.go"}, true},
		{parse.Func{Name: "runtime/trace.Start.func1", File: "runtime/trace/trace.go"}, true},
		{parse.Func{Name: "runtime/pprof.Do", File: "runtime/pprof/runtime.go"}, false}, // runs the program's function under labels
		{parse.Func{Name: "runtime/pprof.Do.func1", File: "runtime/pprof/runtime.go"}, false},
		{parse.Func{Name: "runtime/trace.WithRegion", File: "runtime/trace/annotation.go"}, false},
		{parse.Func{Name: "compress/gzip.(*Writer).Write", File: "compress/gzip/gzip.go"}, false},
		{parse.Func{Name: "<method 'disable' of '_lsprof.Profiler' objects>", File: "~"}, true},
		{parse.Func{Name: "runctx", File: "/usr/lib/python3.11/cProfile.py", Line: 97}, true},
		{parse.Func{Name: "dump_stats", File: "/usr/lib/python3.11/pstats.py", Line: 201}, true},
		{parse.Func{Name: "get_func_stats", File: "/usr/lib/python3/dist-packages/yappi.py", Line: 1160}, true},
		{parse.Func{Name: "start", File: "/usr/local/lib/python3.12/site-packages/pyinstrument/profiler.py", Line: 120}, true},
		{parse.Func{Name: "run", File: "/srv/app/profile.py", Line: 3}, false}, // the user's own profile.py
		{parse.Func{Name: "<built-in method builtins.exec>", File: "~"}, false},
	}
	for _, tt := range tests {
		if got := isProfiler(&tt.f); got != tt.want {
			t.Errorf("isProfiler(%s %s) = %v, want %v", tt.f.File, tt.f.Name, got, tt.want)
		}
	}
}
