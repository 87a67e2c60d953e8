package analyze

import (
	"regexp"
	"slices"

	"github.com/loopdoctor/loopdoctor/parse"
)

// CacheSize is how many entries a library's cache holds from one major
// Python version on.
type CacheSize struct {
	Major   int
	Entries int
}

// lookups counts the calls of the cache lookups of pat that call f
// directly: the lookups f's calls are the misses of. It is 0 when f is not
// reached through the cache (Environment.from_string has none).
func (g *callGraph) lookups(pat *Pattern, f *parse.Func) int64 {
	isLookup := g.lookupOf(pat)
	var n int64
	for _, e := range f.In {
		if isLookup(int32(e.Caller.ID)) {
			calls, _ := g.entry(e.Caller, isLookup)
			n += calls
		}
	}
	return n
}

// lookupOf returns whether function id is one of pat's cache lookups.
func (g *callGraph) lookupOf(pat *Pattern) func(id int32) bool {
	return func(id int32) bool {
		c := g.p.Funcs[id]
		return matchAny(pat.Lookup, slashed(c.File), c.Name)
	}
}

// evicts reports whether c's cache misses show a cache too small for the
// program: most lookups miss, and the setup ran more often in the
// whole run than the cache has entries. Below that size every miss may be
// the first use of a different input, which no cache avoids.
func (g *callGraph) evicts(c candidate) bool {
	if float64(c.calls) < g.lim.MinMissRatio*float64(c.lookups) {
		return false
	}
	size := cacheEntries(c.pattern.Cache, g.pythonMajor)
	return size == 0 || c.root.Primitive > int64(size)
}

// cacheEntries is the size of a cache under the given major Python
// version; for an unknown version (0), the largest size any version has,
// so that an unknown version never shows an eviction that did not happen.
func cacheEntries(sizes []CacheSize, major int) int {
	n := 0
	for _, s := range sizes {
		if major == 0 {
			n = max(n, s.Entries)
		} else if s.Major <= major {
			n = s.Entries
		}
	}
	return n
}

// pythonDir matches the directory of a Python install in a path:
// /usr/lib/python3.11/, C:\Python27\Lib\, pypy3.9/.
var pythonDir = regexp.MustCompile(`(?i)(?:^|[/\\])(?:python|pypy)([2-9])(?:\.?[0-9]+)*[/\\]`)

// pythonMajor infers the major version of the Python that wrote p from
// the paths of its functions; 0 when no path says.
func pythonMajor(p *parse.Profile) int {
	prev := ""
	for _, f := range p.Funcs {
		if f.File == prev { // functions come sorted by file
			continue
		}
		prev = f.File
		if m := pythonDir.FindStringSubmatch(f.File); m != nil {
			return int(m[1][0] - '0')
		}
	}
	return 0
}

// lookupFuncs lists the cache lookups of pat that call f.
func lookupFuncs(pat *Pattern, f *parse.Func) []*parse.Func {
	var out []*parse.Func
	for _, e := range f.In {
		if matchAny(pat.Lookup, slashed(e.Caller.File), e.Caller.Name) {
			out = append(out, e.Caller)
		}
	}
	return out
}

// cacheInFront finds where the user already put a cache in front of the
// setup f, whose callers up to the user's call site are up: the first call
// on the way down, from the call site's own caller on, that a function of
// the user's makes in at most Limits.MinMissRatio of its calls. A
// library's lazy initialization further down (a nested schema built on
// first use, per instance) is part of the setup, not a fix applied. A cache the profile cannot
// see (functools.lru_cache is C code, invisible to cProfile) shows this
// way: lookup ran 120 times but called parse 6 times. nil when every step
// runs on every call.
func (g *callGraph) cacheInFront(f *parse.Func, up []*parse.Func) *parse.Edge {
	path := append(slices.Clone(up), f)
	var steps []*parse.Edge
	if len(up) > 0 {
		if e := g.buildEdge(up[0]); e != nil {
			steps = append(steps, e)
		}
	}
	for i := 0; i+1 < len(path); i++ {
		for _, e := range path[i].Out {
			if e.Callee == path[i+1] {
				steps = append(steps, e)
				break
			}
		}
	}
	for _, e := range steps {
		n := e.Caller.Primitive
		if g.usersOwn(e.Caller) && !resumed(e.Caller) && n >= g.lim.MinCalls && float64(edgeCalls(e)) <= g.lim.MinMissRatio*float64(n) {
			return e
		}
	}
	return nil
}

// resumed reports whether f is a coroutine step the event loop resumes:
// each resumption counts as a call of its own, so its calls say how often
// it awaited, not how often it ran.
func resumed(f *parse.Func) bool {
	return slices.ContainsFunc(f.In, func(e *parse.Edge) bool { return isDispatcher(e.Caller) })
}
