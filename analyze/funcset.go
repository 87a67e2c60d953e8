package analyze

import (
	"sync"

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

// private returns the functions that only f calls, directly or through
// each other: all their callers lie inside the set, which also holds f
// (first). It approximates "all paths to it pass through f" from one-level
// edges.
func private(f *parse.Func) *funcSet {
	s := &funcSet{}
	s.add(f)
	// inside[c.ID] counts the callers at the front of c.In already found
	// in the set (or c itself). The set only grows, so the next check of c
	// resumes there: helpers such as len have thousands of callers and are
	// checked again from every member that calls them.
	buf := insidePool.Get().(*[]int32)
	inside := *buf
	defer func() {
		clear(inside)
		*buf = inside
		insidePool.Put(buf)
	}()
	for i := 0; i < len(s.members); i++ {
		for _, e := range s.members[i].Out {
			c := e.Callee
			if s.has(c) {
				continue
			}
			if c.ID >= len(inside) {
				inside = append(inside, make([]int32, c.ID+1-len(inside)+len(inside)/2)...)
			}
			k := int(inside[c.ID])
			for k < len(c.In) && (c.In[k].Caller == c || s.has(c.In[k].Caller)) {
				k++
			}
			inside[c.ID] = int32(k)
			if k == len(c.In) {
				s.add(c)
			}
		}
	}
	return s
}
