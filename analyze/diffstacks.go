package analyze

import "github.com/loopdoctor/loopdoctor/parse"

// DiffStackSet is the frame trees of two runs laid over each other: every
// call path of either run once, with its value in each. A differential
// flame graph draws it in the shape of one run and colours each frame by
// the change. Paths pair up when the functions along them pair up in
// Diff.Functions, so a function whose line moved stays on its path.
type DiffStackSet struct {
	Unit                string
	BaseTotal, NewTotal float64 // the roots' values

	// Exact is set when both runs recorded their stacks (pprof); otherwise
	// the values on paths deeper than two levels are estimates, as in
	// StackSet.
	Exact bool

	// Frames in depth-first preorder; Frames[0] is the synthetic root.
	// The children of a frame follow it: first those of the new run,
	// largest there first, then those that ran only in the base run,
	// largest first.
	Frames []DiffFrame
}

// DiffFrame is one call path in either run.
type DiffFrame struct {
	// Base and New are the function in each run, nil where the path did
	// not run (both nil for the root).
	Base, New *parse.Func

	Parent int // index into Frames; -1 for the root
	Depth  int // 0 for the root
	End    int // Frames[i+1:End] are the frame's descendants

	// BaseValue and NewValue are the path's inclusive value in each run,
	// 0 where it did not run.
	BaseValue, NewValue float64

	// Estimated is set when either run's value is an estimate.
	Estimated bool
}

// Func returns the function as the new run knows it, or the base run's
// when the path ran only there.
func (f *DiffFrame) Func() *parse.Func {
	if f.New != nil {
		return f.New
	}
	return f.Base
}

// diffStacks lays the new run's frame tree over the base run's. Both
// reports must hold Stacks.
func diffStacks(d *Diff) *DiffStackSet {
	b, n := d.Base.Stacks, d.New.Stacks
	baseOf := make(map[*parse.Func]*parse.Func, len(d.Functions))
	for _, fd := range d.Functions {
		if fd.Base != nil && fd.New != nil {
			baseOf[fd.New] = fd.Base
		}
	}
	baseOf[nil] = nil // the "other" frames under a frame pair up
	out := &DiffStackSet{Unit: n.Unit, BaseTotal: b.Total, NewTotal: n.Total, Exact: b.Exact && n.Exact,
		Frames: make([]DiffFrame, 0, len(n.Frames)+len(b.Frames)/4)}
	// walk adds the path of base frame bi and new frame ni (either -1
	// where the path did not run in that run) and its descendants.
	var walk func(bi, ni, parent, depth int)
	walk = func(bi, ni, parent, depth int) {
		i := len(out.Frames)
		fr := DiffFrame{Parent: parent, Depth: depth}
		if bi >= 0 {
			fr.Base, fr.BaseValue, fr.Estimated = b.Frames[bi].Func, b.Frames[bi].Value, b.Frames[bi].Estimated
		}
		if ni >= 0 {
			fr.New, fr.NewValue = n.Frames[ni].Func, n.Frames[ni].Value
			fr.Estimated = fr.Estimated || n.Frames[ni].Estimated
		}
		out.Frames = append(out.Frames, fr)
		baseKids := children(b, bi)
		byFunc := make(map[*parse.Func]int, len(baseKids))
		for _, c := range baseKids {
			byFunc[b.Frames[c].Func] = c
		}
		for _, c := range children(n, ni) {
			match := -1
			if f, ok := baseOf[n.Frames[c].Func]; ok {
				if j, ok := byFunc[f]; ok {
					match = j
					delete(byFunc, f)
				}
			}
			walk(match, c, i, depth+1)
		}
		for _, c := range baseKids {
			if _, left := byFunc[b.Frames[c].Func]; left {
				walk(c, -1, i, depth+1)
			}
		}
		out.Frames[i].End = len(out.Frames)
	}
	walk(0, 0, -1, 0)
	return out
}

// children lists the indices of frame i's children in s, in order; none
// for i < 0.
func children(s *StackSet, i int) []int {
	if i < 0 {
		return nil
	}
	var kids []int
	for c := i + 1; c < s.Frames[i].End; c = s.Frames[c].End {
		kids = append(kids, c)
	}
	return kids
}
