package analyze

import (
	"fmt"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/parse"
)

// call is one activation in a program run: the function, the time it spent
// in its own code, and the calls it made, in order.
type call struct {
	fn   string
	own  float64
	kids []call
}

func c(fn string, own float64, kids ...call) call { return call{fn, own, kids} }

// lsprof records run the way CPython's _lsprof does (Modules/_lsprof.c,
// Stop): a function's cumulative time and a caller→callee edge's cumulative
// time count only their outermost activation, a call made with an empty
// profiler stack records no caller. Running small programs through it gives
// profiles whose true stacks are known, to compare reconstructions with.
func lsprof(runs ...call) *parse.Profile {
	type stat struct {
		calls, rec int64
		own, cum   float64
		level      int
	}
	p := &parse.Profile{Format: parse.Pstats, Dialect: "cprofile", Unit: "seconds"}
	funcs := map[string]*parse.Func{}
	stats := map[string]*stat{}
	edges := map[[2]string]*stat{}
	var run func(c call, caller string) float64
	run = func(c call, caller string) float64 {
		s := stats[c.fn]
		if s == nil {
			s = &stat{}
			stats[c.fn] = s
			funcs[c.fn] = &parse.Func{Name: c.fn, File: "prog.py", Line: len(funcs) + 1}
		}
		var e *stat
		if caller != "" {
			k := [2]string{caller, c.fn}
			if e = edges[k]; e == nil {
				e = &stat{}
				edges[k] = e
			}
			e.level++
		}
		s.level++
		total := c.own
		for _, k := range c.kids {
			total += run(k, c.fn)
		}
		for _, x := range []*stat{s, e} {
			if x == nil {
				continue
			}
			if x.level--; x.level == 0 {
				x.cum += total
			} else {
				x.rec++
			}
			x.own += c.own
			x.calls++
		}
		return total
	}
	for _, r := range runs {
		p.Total += run(r, "")
	}
	p.Total = 0
	for name, s := range stats {
		f := funcs[name]
		f.Calls, f.Primitive, f.Own, f.Cum = s.calls, s.calls-s.rec, s.own, s.cum
		p.Funcs = append(p.Funcs, f)
		p.Total += s.own
	}
	for k, s := range edges {
		p.Edges = append(p.Edges, &parse.Edge{Caller: funcs[k[0]], Callee: funcs[k[1]],
			Calls: s.calls, Primitive: s.calls - s.rec, Own: s.own, Cum: s.cum})
	}
	if err := p.Normalize(); err != nil {
		panic(err)
	}
	return p
}

// folded prints a stack set one frame a line, "a;b;c value self [est]",
// values rounded to 1e-9 so float noise does not matter.
func folded(s *StackSet) string {
	var b strings.Builder
	path := []string{}
	for _, f := range s.Frames {
		name := "ROOT"
		if f.Func != nil {
			name = f.Func.Name
		}
		path = append(path[:f.Depth], name)
		fmt.Fprintf(&b, "%s %.9g %.9g", strings.Join(path, ";"), f.Value, f.Self)
		if f.Estimated {
			b.WriteString(" est")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestStacksReconstruct(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		run    []call
		want   string
	}{{
		name:   "tree",
		reason: "every function has one caller, so every frame is exact",
		run:    []call{c("main", 1, c("a", 2, c("b", 3)), c("c", 4))},
		want: `ROOT 10 0
ROOT;main 10 1
ROOT;main;a 5 2
ROOT;main;a;b 3 3
ROOT;main;c 4 4
`,
	}, {
		name:   "shared callee",
		reason: "c is split among a and b by edge cumulative time, and marked estimated",
		run:    []call{c("main", 1, c("a", 1, c("c", 4)), c("b", 1, c("c", 2), c("c", 1)))},
		want: `ROOT 10 0
ROOT;main 10 1
ROOT;main;a 5 1
ROOT;main;a;c 4 4 est
ROOT;main;b 4 1
ROOT;main;b;c 3 3 est
`,
	}, {
		name:   "direct recursion",
		reason: "self edges are dropped, so f keeps its outermost cumulative time once",
		run:    []call{c("main", 1, c("f", 1, c("f", 1, c("f", 1, c("g", 2)))))},
		want: `ROOT 6 0
ROOT;main 6 1
ROOT;main;f 5 3
ROOT;main;f;g 2 2
`,
	}, {
		name: "mutual recursion",
		reason: "the inner p's callees are already in p's edges, so the cut takes " +
			"the inner p out of q instead of counting it twice",
		run: []call{c("main", 1, c("p", 1, c("q", 1, c("p", 1, c("g", 3))), c("g", 2)))},
		want: `ROOT 9 0
ROOT;main 9 1
ROOT;main;p 8 2 est
ROOT;main;p;g 5 5 est
ROOT;main;p;q 1 1 est
`,
	}, {
		name:   "two top-level calls",
		reason: "a call made with an empty profiler stack makes a root; the part of f its caller accounts for stays under the caller",
		run:    []call{c("f", 2), c("main", 1, c("f", 3))},
		want: `ROOT 6 0
ROOT;main 4 1
ROOT;main;f 3 3 est
ROOT;f 2 2 est
`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := folded(Stacks(lsprof(tt.run...), StackOptions{}))
			if got != tt.want {
				t.Errorf("%s\ngot:\n%s\nwant:\n%s", tt.reason, got, tt.want)
			}
		})
	}
}
