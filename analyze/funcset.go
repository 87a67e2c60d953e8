package analyze

import (
	"slices"
	"sync"

	"github.com/loopdoctor/loopdoctor/parse"
)

// funcSet is a set of one profile's functions, indexed by ID, listing its
// members in the order they were added. The analyses walk subtrees of
// profiles with tens of thousands of functions many times over; a slice
// indexed by ID is several times faster there than a map.
type funcSet struct {
	in      []bool // by function ID, as long as the profile's functions
	members []*parse.Func
}

// newFuncSet returns an empty set, one released before if there is one:
// the setup search measures dozens of subtrees, each a set as long as
// the profile's functions.
func (ix *profileIndex) newFuncSet() *funcSet {
	if n := len(ix.spareSets); n > 0 {
		s := ix.spareSets[n-1]
		ix.spareSets = ix.spareSets[:n-1]
		return s
	}
	return &funcSet{in: make([]bool, len(ix.p.Funcs))}
}

// release empties s for a later newFuncSet; s is not used after.
func (ix *profileIndex) release(s *funcSet) {
	clear(s.in)
	s.members = s.members[:0]
	ix.spareSets = append(ix.spareSets, s)
}

// add puts f in the set and reports whether it was new.
func (s *funcSet) add(f *parse.Func) bool {
	if s.in[f.ID] {
		return false
	}
	s.in[f.ID] = true
	s.members = append(s.members, f)
	return true
}

// addNew puts function id, not yet in the set, in it: the walks know the
// IDs, and reading f.ID from each Func cost them a cache miss.
func (s *funcSet) addNew(id int32, funcs []*parse.Func) *parse.Func {
	f := funcs[id]
	s.in[id] = true
	s.members = append(s.members, f)
	return f
}

func (s *funcSet) has(f *parse.Func) bool { return s.in[f.ID] }

// reachable returns f and every function f calls, directly or not.
func (ix *profileIndex) reachable(f *parse.Func) *funcSet {
	s := ix.newFuncSet()
	ix.addReachable(s, f, nil)
	return s
}

// addReachable adds to s f and every function f calls, directly or not.
// In a set built only this way, a member's callees are members too, so
// the walk stops at functions already in it: a union of many subtrees
// costs one walk of the graph. A non-nil stop is told the ID of each
// function added and ends the walk early by returning true. The walk goes
// by ID and reads no Func: a walk that ends early, or whose set is only
// asked what it holds, would otherwise miss the cache on every member.
func (ix *profileIndex) addReachable(s *funcSet, f *parse.Func, stop func(id int32) bool) {
	if !s.add(f) || stop != nil && stop(int32(f.ID)) {
		return
	}
	queue := append(ix.queue[:0], int32(f.ID))
	defer func() { ix.queue = queue }()
	for k := 0; k < len(queue); k++ {
		for _, c := range ix.out.Succ(int(queue[k])) {
			if s.in[c] {
				continue
			}
			s.addNew(c, ix.p.Funcs)
			queue = append(queue, c)
			if stop != nil && stop(c) {
				return
			}
		}
	}
}

// funcIDs lists the IDs of fs, for the walks, which compare IDs.
func funcIDs(fs []*parse.Func) []int32 {
	ids := make([]int32, len(fs))
	for i, f := range fs {
		ids[i] = int32(f.ID)
	}
	return ids
}

// privateScratch is private's per-call state, kept between calls in
// privatePool: the setup search calls private for dozens of functions,
// and growing new arrays to a 17,000-function profile each time allocated
// megabytes. Every entry is zero between calls: a call lists the entries
// it sets (set), and zeroes those, not the whole arrays, which a walk of
// a few functions would spend most of its time clearing.
type privateScratch struct {
	inside []int32 // by function ID, see private
	tried  []int32 // by cycle, see private
	set    []int32 // the IDs whose inside is not zero
	cycles []int32 // the cycles whose tried is not zero
}

var privatePool = sync.Pool{New: func() any { return new(privateScratch) }}

// private returns the functions that only f calls, directly or through
// each other, leaving out what f reaches only through the callees in cut:
// all their callers lie inside the set, which also holds f (first). It
// approximates "all paths to it pass through f" from one-level edges.
// Functions that call each other (a parser's node and mapping rules) join
// together, once every caller from outside their cycle is in the set; one
// by one, each would wait for the other forever.
func (ix *profileIndex) private(f *parse.Func, cut ...*parse.Func) *funcSet {
	s, _ := ix.privateUntil(f, cut, nil)
	return s
}

// privateUntil is private, told of each function it adds after f: a
// stop that returns true ends the walk, and the set is then incomplete
// (complete false).
func (ix *profileIndex) privateUntil(f *parse.Func, cut []*parse.Func, stop func(added *parse.Func) bool) (s *funcSet, complete bool) {
	s = ix.newFuncSet()
	s.add(f)
	// inside[c] counts the callers at the front of c's callers already
	// found in the set or in c's own cycle. The set only grows, so the
	// next check of c resumes there: helpers such as len have thousands of
	// callers and are checked again from every member that calls them.
	// For the same reason tried[k] counts the members at the front of
	// cycle k known to join: a cycle of thousands of functions is
	// reached from many members and asked again each time.
	sc := privatePool.Get().(*privateScratch)
	if len(sc.inside) < len(ix.p.Funcs) {
		sc.inside = make([]int32, len(ix.p.Funcs))
	}
	if len(sc.tried) < ix.cycles.Len() {
		sc.tried = make([]int32, ix.cycles.Len())
	}
	inside, tried := sc.inside[:len(ix.p.Funcs)], sc.tried[:ix.cycles.Len()]
	defer func() {
		for _, c := range sc.set {
			inside[c] = 0
		}
		for _, k := range sc.cycles {
			tried[k] = 0
		}
		sc.set, sc.cycles = sc.set[:0], sc.cycles[:0]
		privatePool.Put(sc)
	}()
	of := ix.cycles.Of
	own := of[f.ID] // f's own cycle calls f back: its members join one by one
	cutIDs := funcIDs(cut)
	joins := func(c int32) bool {
		if slices.Contains(cutIDs, c) {
			return false
		}
		cycle := of[c]
		callers := ix.p.Funcs[c].In
		k := inside[c]
		for int(k) < len(callers) {
			if id := callers[k].Caller.ID; !s.in[id] && (cycle == own || of[id] != cycle) {
				break
			}
			k++
		}
		if inside[c] == 0 && k > 0 {
			sc.set = append(sc.set, c)
		}
		inside[c] = k
		return int(k) == len(callers)
	}
	for i := 0; i < len(s.members); i++ {
		for _, c := range ix.out.Succ(s.members[i].ID) {
			if s.in[c] {
				continue
			}
			if of[c] == own {
				if !joins(c) {
					continue
				}
				if added := s.addNew(c, ix.p.Funcs); stop != nil && stop(added) {
					return s, false
				}
				continue
			}
			k := of[c]
			cycle := ix.cycles.Members(int(k))
			for int(tried[k]) < len(cycle) && joins(cycle[tried[k]]) {
				if tried[k] == 0 {
					sc.cycles = append(sc.cycles, k)
				}
				tried[k]++
			}
			if int(tried[k]) == len(cycle) {
				for _, id := range cycle {
					if added := s.addNew(id, ix.p.Funcs); stop != nil && stop(added) {
						return s, false
					}
				}
			}
		}
	}
	return s, true
}
