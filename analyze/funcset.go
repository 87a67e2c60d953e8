package analyze

import (
	"slices"
	"sync"

	"github.com/loopdoctor/loopdoctor/internal/callgraph"
	"github.com/loopdoctor/loopdoctor/parse"
)

// funcSet is a set of one profile's functions, indexed by ID, listing its
// members in the order they were added. The analyses walk subtrees of
// profiles with tens of thousands of functions many times over; a slice
// indexed by ID is several times faster there than a map.
type funcSet struct {
	in      []bool
	members []*parse.Func
}

// add puts f in the set and reports whether it was new.
func (s *funcSet) add(f *parse.Func) bool {
	if f.ID >= len(s.in) {
		s.in = append(s.in, make([]bool, f.ID+1-len(s.in)+len(s.in)/2)...)
	}
	if s.in[f.ID] {
		return false
	}
	s.in[f.ID] = true
	s.members = append(s.members, f)
	return true
}

func (s *funcSet) has(f *parse.Func) bool { return f.ID < len(s.in) && s.in[f.ID] }

// reachable returns f and every function f calls, directly or not.
func reachable(f *parse.Func) *funcSet {
	s := &funcSet{}
	s.addReachable(f, nil)
	return s
}

// addReachable adds f and every function f calls, directly or not. In a
// set built only this way, a member's callees are members too, so the walk
// stops at functions already in it: a union of many subtrees costs one
// walk of the graph. A non-nil stop is told of each function added and
// ends the walk early by returning true.
func (s *funcSet) addReachable(f *parse.Func, stop func(added *parse.Func) bool) {
	i := len(s.members)
	if !s.add(f) || stop != nil && stop(f) {
		return
	}
	for ; i < len(s.members); i++ {
		for _, e := range s.members[i].Out {
			if s.add(e.Callee) && stop != nil && stop(e.Callee) {
				return
			}
		}
	}
}

// insidePool keeps private's scan positions, all zero, between calls: the
// setup search calls private for dozens of functions, and growing a new
// array to a 17,000-function profile each time allocated megabytes.
var insidePool = sync.Pool{New: func() any { return new([]int32) }}

// cycles finds p's recursive cycles: the strongly connected components of
// its call graph.
func cycles(p *parse.Profile) *callgraph.Components {
	g := callgraph.New(len(p.Funcs), len(p.Edges))
	for _, f := range p.Funcs {
		for _, e := range f.Out {
			g.Edge(e.Callee.ID)
		}
		g.EndNode()
	}
	return callgraph.SCC(g)
}

// private returns the functions that only f calls, directly or through
// each other, leaving out what f reaches only through the callees in cut:
// all their callers lie inside the set, which also holds f (first). It
// approximates "all paths to it pass through f" from one-level edges.
// Functions that call each other (a parser's node and mapping rules) join
// together, once every caller from outside their cycle is in the set; one
// by one, each would wait for the other forever.
func (g *callGraph) private(f *parse.Func, cut ...*parse.Func) *funcSet {
	s := &funcSet{}
	s.add(f)
	// inside[c.ID] counts the callers at the front of c.In already found
	// in the set or in c's own cycle. The set only grows, so the next
	// check of c resumes there: helpers such as len have thousands of
	// callers and are checked again from every member that calls them.
	buf := insidePool.Get().(*[]int32)
	inside := *buf
	if len(inside) < len(g.p.Funcs) {
		inside = make([]int32, len(g.p.Funcs))
	}
	defer func() {
		clear(inside)
		*buf = inside
		insidePool.Put(buf)
	}()
	own := g.cycles.Of[f.ID] // f's own cycle calls f back: its members join one by one
	joins := func(c *parse.Func) bool {
		if slices.Contains(cut, c) {
			return false
		}
		cycle := g.cycles.Of[c.ID]
		k := int(inside[c.ID])
		for k < len(c.In) && (s.has(c.In[k].Caller) || cycle != own && g.cycles.Of[c.In[k].Caller.ID] == cycle) {
			k++
		}
		inside[c.ID] = int32(k)
		return k == len(c.In)
	}
	for i := 0; i < len(s.members); i++ {
		for _, e := range s.members[i].Out {
			c := e.Callee
			if s.has(c) {
				continue
			}
			if g.cycles.Of[c.ID] == own {
				if joins(c) {
					s.add(c)
				}
				continue
			}
			cycle := g.cycles.Members(int(g.cycles.Of[c.ID]))
			all := true
			for _, id := range cycle {
				if !joins(g.p.Funcs[id]) {
					all = false
					break
				}
			}
			if all {
				for _, id := range cycle {
					s.add(g.p.Funcs[id])
				}
			}
		}
	}
	return s
}
