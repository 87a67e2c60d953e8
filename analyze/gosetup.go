package analyze

import (
	"regexp"
	"slices"

	"github.com/loopdoctor/loopdoctor/internal/location"
	"github.com/loopdoctor/loopdoctor/parse"
)

// initFrame matches Go package initialization: runtime.doInit and the
// init functions the compiler generates (pkg.init, pkg.init.0, closures).
var initFrame = regexp.MustCompile(`^runtime\.doInit1?$|\.init(\.[0-9]+)?(\.func[0-9.]+)?$`)

// requestFrame matches frames that serve requests (S8).
var requestFrame = regexp.MustCompile(`ServeHTTP$|^net/http\.\(\*conn\)\.serve$|^google\.golang\.org/grpc\..*(handleStream|processUnaryRPC|processStreamingRPC)$`)

// stackSetup finds catalogued setup in a profile that records stacks but
// no call counts (pprof, S8). In every stack it takes the outermost
// catalogued setup frame and charges the stack's value to it, unless
// package initialization is on the stack: setup under init runs once.
// Without counts the number of repetitions is unknown, so the finding
// rests on where the setup runs and what it costs.
func stackSetup(p *parse.Profile, lim *Limits, catalog []Pattern) []Finding {
	pat := make([]*Pattern, len(p.Funcs))
	index := newBuildIndex(catalog)
	for i, f := range p.Funcs {
		if js := index.patterns(slashed(f.File), f.Name); len(js) > 0 {
			pat[i] = &catalog[js[0]]
		}
	}
	type key struct {
		pat  *Pattern
		site *parse.Func
	}
	type group struct {
		key
		cost     float64
		roots    map[*parse.Func]float64 // setup frame → value
		request  map[*parse.Func]float64 // request-serving frame → value
		heaviest sample                  // the costliest stack, for the chain
	}
	groups := map[key]*group{}
	var order []key
	initCost := map[*Pattern]float64{}
	for _, s := range p.Stacks {
		i := slices.IndexFunc(s.Funcs, func(id int) bool { return pat[id] != nil })
		if i < 0 {
			continue
		}
		root := p.Funcs[s.Funcs[i]]
		above := s.Funcs[:i]
		if slices.ContainsFunc(above, func(id int) bool { return initFrame.MatchString(p.Funcs[id].Name) }) {
			initCost[pat[root.ID]] += s.Value
			continue
		}
		var site *parse.Func
		for j := len(above) - 1; j >= 0; j-- {
			if f := p.Funcs[above[j]]; location.OriginOf(f) == location.User {
				site = f
				break
			}
		}
		k := key{pat[root.ID], site}
		gr := groups[k]
		if gr == nil {
			gr = &group{key: k, roots: map[*parse.Func]float64{}, request: map[*parse.Func]float64{}}
			groups[k] = gr
			order = append(order, k)
		}
		gr.cost += s.Value
		gr.roots[root] += s.Value
		if j := slices.IndexFunc(above, func(id int) bool { return requestFrame.MatchString(p.Funcs[id].Name) }); j >= 0 {
			gr.request[p.Funcs[above[j]]] += s.Value
		}
		if s.Value > gr.heaviest.Value {
			gr.heaviest = sample{Funcs: s.Funcs, Value: s.Value, at: i}
		}
	}
	findings := []Finding{}
	for _, k := range order {
		gr := groups[k]
		if !lim.costly(p, gr.cost) {
			continue
		}
		root := heaviestKey(gr.roots)
		f := Finding{
			Kind: KindRepeatedSetup, Pattern: k.pat.ID, Func: root, CallSite: k.site,
			Calls: -1, Cost: gr.cost, Saving: gr.cost, Title: k.pat.Title, Fix: k.pat.Fix,
		}
		f.Share = share(p, gr.cost)
		f.Severity = lim.severity(p, f.Cost, f.Share)
		// The chain runs from the call site through the setup frame and
		// three frames into it, along the costliest stack.
		for _, id := range gr.heaviest.Funcs[:min(gr.heaviest.at+4, len(gr.heaviest.Funcs))] {
			f.Chain = append(f.Chain, p.Funcs[id])
		}
		if k.site != nil {
			f.Chain = f.Chain[slices.Index(f.Chain, k.site):]
		}
		ev := []Fact{{Kind: FactStackCost, Func: root, Site: k.site, Cost: gr.cost, Share: f.Share}}
		var onRequest float64
		for _, v := range gr.request {
			onRequest += v
		}
		switch {
		case onRequest > 0:
			ev = append(ev, Fact{Kind: FactOnRequest, Share: onRequest / gr.cost, Other: heaviestKey(gr.request)})
		default:
			ev = append(ev, Fact{Kind: FactNotInit})
		}
		if c := initCost[k.pat]; c > 0 {
			ev = append(ev, Fact{Kind: FactInitCost, Cost: c})
		}
		ev = append(ev, Fact{Kind: FactChain, Funcs: f.Chain}, Fact{Kind: FactWhy, Text: k.pat.Why},
			Fact{Kind: FactUpstream, Text: k.pat.Ref}, Fact{Kind: FactNoCounts, Cost: f.Saving})
		f.Evidence = ev
		findings = append(findings, f)
	}
	return findings
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
