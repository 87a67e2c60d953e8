package analyze

import (
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/loopdoctor/loopdoctor/internal/location"
	"github.com/loopdoctor/loopdoctor/parse"
)

// A pprof profile records stacks but no call counts, so nothing in it
// shows that a catalogued setup built the same thing twice: 3,000 different
// patterns compiled once each look exactly like one pattern compiled 3,000
// times. What the stack does show is where the setup ran, and some places
// repeat by construction:
//
//   - a request handler (net/http's ServeHTTP and connection loop, net/rpc's
//     method call, gRPC's handlers) runs once per request, so a setup inside it is redone for
//     every request unless something caches it;
//   - a benchmark's b.N loop (testing.(*B).runN, RunParallel's workers) and
//     a fuzz target run the body once per iteration or input.
//
// Other places say the setup ran once: package initialization
// (runtime.doInit1) and sync.Once (under sync.OnceFunc and OnceValue too).
// And the profiler's own frames (profiler.go) mark the profiler's work.
// Everywhere else (main, a worker goroutine, a test body) how often the
// setup ran cannot be told, so it is no finding: the setup is judged by
// its name and where it runs, and only a repeating place is evidence.
//
// In-use memory profiles (inuse_space, inuse_objects) are left alone: they
// show what the program kept, and keeping a setup built once is the fix.
// docs/setup-detection.md describes the rule for readers of the report.

// setting is where a setup frame's stack says it ran.
type setting int

const (
	elsewhere setting = iota // main, a goroutine or a test body: repetition unknown
	repeating                // a request handler, a benchmark loop or a fuzz target
	once                     // package initialization or sync.Once
	profiling                // the profiler writing its output
	settings
)

// The frame patterns below are compiled the first time a profile with
// stacks asks for them: a pstats report, or --help, never does, and
// compiling them with the package cost each run of those.

// onceFrame matches frames under which code runs once per process.
var onceFrame = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^runtime\.doInit1?$|^sync\.\(\*Once\)\.doSlow$`)
})

// repeatFrame matches frames that run their callees once per request or
// per iteration.
var repeatFrame = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`ServeHTTP$|^net/http\.\(\*conn\)\.serve$|^net/rpc\.\(\*service\)\.call$` +
		`|^google\.golang\.org/grpc\..*(handleStream|processUnaryRPC|processStreamingRPC)$` +
		`|^testing\.\(\*B\)\.(runN|RunParallel\.func[0-9]+)$|^testing\.\(\*F\)\.Fuzz\.func[0-9]+$`)
})

// benchLoop matches the testing frames that call a benchmark function b.N
// times; the function below them names the loop better than they do.
var benchLoop = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^testing\.\(\*B\)\.runN$`) })

// stackSetup finds catalogued setup in a profile that records stacks but
// no call counts (pprof). In every stack it takes the outermost catalogued
// setup frame and charges the stack's value to it and its call site, under
// the setting the frames above it show. A finding needs a costly share in a
// repeating setting; what ran elsewhere is reported beside it, not counted.
func stackSetup(ix *profileIndex, lim *Limits) []Finding {
	p := ix.p
	if strings.HasPrefix(p.SampleType, "inuse_") {
		return []Finding{}
	}
	pat := make([]*Pattern, len(p.Funcs))
	profiler := make([]bool, len(p.Funcs))
	for _, id := range ix.catalogued {
		pat[id] = &ix.catalog[ix.patterns[id][0]]
	}
	for i, f := range p.Funcs {
		profiler[i] = isProfiler(f)
	}
	type key struct {
		pat  *Pattern
		site *parse.Func
	}
	type group struct {
		key
		cost     [settings]float64
		roots    map[*parse.Func]float64 // setup frame → value in a repeating setting
		places   map[*parse.Func]float64 // repeating frame → value
		heaviest sample                  // the costliest repeating stack, for the chain
	}
	groups := map[key]*group{}
	var order []key
	for _, s := range p.Stacks {
		i := slices.IndexFunc(s.Funcs, func(id int) bool { return pat[id] != nil })
		if i < 0 {
			continue
		}
		root := p.Funcs[s.Funcs[i]]
		above := s.Funcs[:i]
		var site *parse.Func
		for j := len(above) - 1; j >= 0; j-- {
			if f := p.Funcs[above[j]]; goUser(f) {
				site = f
				break
			}
		}
		k := key{pat[root.ID], site}
		gr := groups[k]
		if gr == nil {
			gr = &group{key: k, roots: map[*parse.Func]float64{}, places: map[*parse.Func]float64{}}
			groups[k] = gr
			order = append(order, k)
		}
		set, place := placeOf(p, above, profiler)
		gr.cost[set] += s.Value
		if set != repeating {
			continue
		}
		gr.roots[root] += s.Value
		gr.places[place] += s.Value
		if s.Value > gr.heaviest.Value {
			gr.heaviest = sample{Funcs: s.Funcs, Value: s.Value, at: i}
		}
	}
	findings := []Finding{}
	for _, k := range order {
		gr := groups[k]
		cost := gr.cost[repeating]
		if !lim.costly(p, cost) {
			continue
		}
		f := Finding{
			Kind: KindRepeatedSetup, Pattern: k.pat.ID, Func: heaviestKey(gr.roots), CallSite: k.site,
			Calls: -1, Cost: cost, Saving: cost, Title: k.pat.Title, Fix: k.pat.Fix,
		}
		f.Share = share(p, cost)
		f.Severity = lim.severity(p, f.Cost, f.Share)
		// The chain runs from the call site through the setup frame and
		// three frames into it, along the costliest stack.
		for _, id := range gr.heaviest.Funcs[:min(gr.heaviest.at+4, len(gr.heaviest.Funcs))] {
			f.Chain = append(f.Chain, p.Funcs[id])
		}
		if i := slices.Index(f.Chain, k.site); i >= 0 {
			f.Chain = f.Chain[i:]
		}
		f.Evidence = stackEvidence(f, heaviestKey(gr.places), gr.cost, k.pat)
		findings = append(findings, f)
	}
	return findings
}

// placeOf returns the setting the frames above a setup show, and for a
// repeating one the frame that repeats: the benchmark function under a b.N
// loop, else the outermost request or iteration frame. The profiler
// outranks everything, and once outranks repeating: a sync.Once inside a
// handler still runs once.
func placeOf(p *parse.Profile, above []int, profiler []bool) (setting, *parse.Func) {
	if slices.ContainsFunc(above, func(id int) bool { return profiler[id] }) {
		return profiling, nil
	}
	if slices.ContainsFunc(above, func(id int) bool { return onceFrame().MatchString(p.Funcs[id].Name) }) {
		return once, nil
	}
	for j, id := range above {
		if name := p.Funcs[id].Name; repeatFrame().MatchString(name) {
			if benchLoop().MatchString(name) && j+1 < len(above) {
				return repeating, p.Funcs[above[j+1]]
			}
			return repeating, p.Funcs[id]
		}
	}
	return elsewhere, nil
}

// goUser reports whether f is the program's own Go code. Besides what
// OriginOf knows from full paths, it reads paths trimmed by go build
// -trimpath, which hold no GOROOT or module cache: a dependency's path
// carries its version ("github.com/x/y@v1.2.0/..."), the main package is
// named main, and a module path starts with a domain, which has a dot,
// while a standard library package path never has one in its first element.
func goUser(f *parse.Func) bool {
	if location.OriginOf(f) != location.User {
		return false
	}
	if strings.HasPrefix(f.File, "/") || !strings.HasSuffix(f.File, ".go") {
		return true // a full path OriginOf has placed, or a Python frame
	}
	if strings.Contains(f.File, "@") {
		return false
	}
	pkg := goPackage(f.Name)
	first, _, _ := strings.Cut(pkg, "/")
	return pkg == "main" || strings.Contains(first, ".")
}

// goPackage returns the import path of a Go function's package:
// "net/http" for "net/http.(*conn).serve".
func goPackage(name string) string {
	slash := strings.LastIndexByte(name, '/')
	dot := strings.IndexByte(name[slash+1:], '.')
	if dot < 0 {
		return name
	}
	return name[:slash+1+dot]
}

// sample is one sampled stack with the index of the setup frame in it.
type sample struct {
	Funcs []int
	Value float64
	at    int
}

// heaviestKey returns the function with the largest value in m, ties
// broken by name so the result is deterministic.
func heaviestKey(m map[*parse.Func]float64) *parse.Func {
	var best *parse.Func
	for f, v := range m {
		if best == nil || v > m[best] || v == m[best] && f.String() < best.String() {
			best = f
		}
	}
	return best
}

// stackEvidence states a pprof finding's proof: where the setup ran and
// what that says, the cost elsewhere it leaves out, and the catalog's
// explanation.
func stackEvidence(f Finding, place *parse.Func, cost [settings]float64, pat *Pattern) []Fact {
	per := FactPerRequest
	if !repeatFrame().MatchString(place.Name) || strings.HasPrefix(place.Name, "testing.") {
		per = FactPerIteration // a benchmark function under runN, or the testing package's loop
	}
	ev := []Fact{{Kind: FactStackCost, Func: f.Func, Site: f.CallSite, Cost: f.Cost, Share: f.Share}, {Kind: per, Other: place}}
	for _, c := range []struct {
		kind FactKind
		set  setting
	}{{FactOnceCost, once}, {FactUnknownCost, elsewhere}, {FactProfilerCost, profiling}} {
		if cost[c.set] > 0 {
			ev = append(ev, Fact{Kind: c.kind, Cost: cost[c.set]})
		}
	}
	return append(ev, Fact{Kind: FactChain, Funcs: f.Chain}, Fact{Kind: FactWhy, Text: pat.Why},
		Fact{Kind: FactUpstream, Text: pat.Ref}, Fact{Kind: FactNoCounts, Cost: f.Saving})
}
