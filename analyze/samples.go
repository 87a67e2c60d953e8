package analyze

import (
	"fmt"
	"slices"

	"github.com/loopdoctor/loopdoctor/parse"
)

// Samples is a profile's value laid out on call paths, the form pprof and
// speedscope files store. Each function's own value is the sum of the
// stacks it ends, exactly as the profile recorded it, so tools that read
// the converted file show the same own values and total.
type Samples struct {
	Stacks []parse.Stack // root first, IDs into the profile's Funcs, values > 0

	// Notes say which parts are estimates; converters write them into the
	// output's comments.
	Notes []string
}

// samples returns the stacks to convert p with: those it recorded (pprof),
// or for pstats the flame graph's reconstruction with each function's own
// time put back exactly.
func samples(p *parse.Profile) *Samples {
	if p.Stacks != nil {
		return recordedSamples(p)
	}
	return reconstructedSamples(p, buildStacks(p, StackOptions{MinShare: 1e-6}))
}

// recordedSamples returns the stacks a profile recorded, exact.
func recordedSamples(p *parse.Profile) *Samples {
	s := &Samples{}
	for _, st := range p.Stacks {
		if st.Value > 0 {
			s.Stacks = append(s.Stacks, st)
		}
	}
	return s
}

// reconstructedSamples turns the frames of a reconstructed stack tree into
// stacks, one per frame with self value, then makes each function's stacks
// sum to its recorded own value: a reconstruction moves value between
// functions where it clamps, cuts recursion or merges, but converted files
// must show pstats' own times. A function's self values are scaled to its
// own value; a function with own value but no self in the tree (merged
// into "other" frames, or only ever a caller there) gets one stack on its heaviest path, or
// under its heaviest caller's.
func reconstructedSamples(p *parse.Profile, set *StackSet) *Samples {
	s := &Samples{Notes: []string{
		"call paths reconstructed from pstats caller-callee pairs: each function's own time is exact, its split over paths deeper than two levels is an estimate",
	}}
	self := make([]float64, len(p.Funcs))
	heaviest := make([]int, len(p.Funcs)) // frame of largest value per function, 0 if none
	var leaves []int                      // frames with self value
	for i, fr := range set.Frames {
		if fr.Func == nil {
			continue // the root, and "other" frames, which have no stack of their own
		}
		id := fr.Func.ID
		if heaviest[id] == 0 || fr.Value > set.Frames[heaviest[id]].Value {
			heaviest[id] = i
		}
		if fr.Self > 0 {
			self[id] += fr.Self
			leaves = append(leaves, i)
		}
	}
	path := func(frame int) []int {
		var ids []int
		for i := frame; i > 0; i = set.Frames[i].Parent {
			ids = append(ids, set.Frames[i].Func.ID)
		}
		slices.Reverse(ids)
		return ids
	}
	for _, i := range leaves {
		f := set.Frames[i].Func
		if v := set.Frames[i].Self * f.Own / self[f.ID]; v > 0 {
			s.Stacks = append(s.Stacks, parse.Stack{Funcs: path(i), Value: v})
		}
	}
	placed := 0
	for _, f := range p.Funcs {
		if f.Own <= 0 || self[f.ID] > 0 {
			continue
		}
		var at []int
		switch caller := heaviestCaller(f, heaviest); {
		case heaviest[f.ID] > 0:
			at = path(heaviest[f.ID])
		case caller != nil:
			at = append(path(heaviest[caller.ID]), f.ID)
		default:
			at = []int{f.ID}
		}
		s.Stacks = append(s.Stacks, parse.Stack{Funcs: at, Value: f.Own})
		placed++
	}
	if placed > 0 {
		s.Notes = append(s.Notes, fmt.Sprintf("%d functions too small for the reconstructed tree are placed on their heaviest caller's path", placed))
	}
	return s
}

// heaviestCaller returns f's caller with the largest edge that has a frame
// in the tree, or nil.
func heaviestCaller(f *parse.Func, heaviest []int) *parse.Func {
	var best *parse.Edge
	for _, e := range f.In {
		if e.Caller != f && heaviest[e.Caller.ID] > 0 && (best == nil || e.Cum > best.Cum) {
			best = e
		}
	}
	if best == nil {
		return nil
	}
	return best.Caller
}
