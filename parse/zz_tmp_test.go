package parse

import (
	"math/bits"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

func TestZZSort(t *testing.T) {
	data, err := os.ReadFile("/tmp/p300k.pb.gz")
	if err != nil {
		t.Skip()
	}
	s, dict, err := scanPprof(data, 0)
	if err != nil {
		t.Fatal(err)
	}
	b := newStackBuilder(dict, s.samples)
	if err := s.eachBatch(func(pp *profile.Profile) error { return b.addSamples(pp, 1, 1<<30) }); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		t0 := time.Now()
		o1 := b.stacks.sortedOld()
		t1 := time.Now()
		o2 := b.stacks.sorted(len(b.funcs))
		t2 := time.Now()
		t.Logf("old %v new %v equal %v", t1.Sub(t0), t2.Sub(t1), slices.Equal(o1, o2))
	}
}

var _ = bits.Len
// sorted returns the indexes of the stacks ordered by their function IDs,
// a stack before its own extensions, as slices.Compare would. Stacks
// share long root prefixes that a comparison sort compares over and
// over, so this is a three-way radix quicksort (Bentley and Sedgewick):
// each partition looks at one depth only, and the stacks equal there
// move on to the next depth.
func (s *stackSet) sortedOld() []int32 {
	order := make([]int32, len(s.refs))
	for i := range order {
		order[i] = int32(i)
	}
	s.sortFromOld(order, 0, 2*bits.Len(uint(len(order))))
	return order
}

// sortFrom sorts stacks that share their first depth IDs. budget bounds
// the recursion as in introsort: once spent, a plain comparison sort
// finishes the range.
func (s *stackSet) sortFromOld(order []int32, depth, budget int) {
	for len(order) > 1 {
		if len(order) < 12 || budget == 0 {
			slices.SortFunc(order, func(a, b int32) int { return slices.Compare(s.at(a)[depth:], s.at(b)[depth:]) })
			return
		}
		pivot := s.idAtOld(order[len(order)/2], depth)
		lt, i, gt := 0, 0, len(order)
		for i < gt {
			switch id := s.idAtOld(order[i], depth); {
			case id < pivot:
				order[lt], order[i] = order[i], order[lt]
				lt, i = lt+1, i+1
			case id > pivot:
				gt--
				order[i], order[gt] = order[gt], order[i]
			default:
				i++
			}
		}
		s.sortFromOld(order[:lt], depth, budget-1)
		s.sortFromOld(order[gt:], depth, budget-1)
		if pivot < 0 {
			return // the stacks equal to the pivot all end at depth
		}
		order, depth = order[lt:gt], depth+1
	}
}

// idAt is the function at depth in stack i, or -1 past its end so that a
// stack sorts before its extensions.
func (s *stackSet) idAtOld(i int32, depth int) int64 {
	if r := s.refs[i]; depth < int(r.n) {
		return int64(s.chunks[r.chunk][r.at+depth])
	}
	return -1
}
