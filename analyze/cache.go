package analyze

import (
	"github.com/loopdoctor/loopdoctor/parse"
)

// lookups counts the calls of the cache lookups of pat that call f
// directly: the lookups f's calls are the misses of. It is 0 when f is not
// reached through the cache (Environment.from_string has none).
func (g *callGraph) lookups(pat *Pattern, f *parse.Func) int64 {
	isLookup := func(c *parse.Func) bool { return matchAny(pat.Lookup, g.files[c.ID], c.Name) }
	var n int64
	for _, e := range f.In {
		if isLookup(e.Caller) {
			calls, _ := g.entry(e.Caller, isLookup)
			n += calls
		}
	}
	return n
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
