package analyze

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/loopdoctor/loopdoctor/internal/location"
	"github.com/loopdoctor/loopdoctor/parse"
)

// blockers turns the classified walk into the ranked, advised list.
func (w *loopWalk) blockers(l *Loop, findings []Finding) []Blocker {
	var out []Blocker
	for _, i := range w.reached {
		k := w.kind[i]
		if k != kindWork && k != kindCoroutine && k != kindThin {
			continue
		}
		f := w.p.Funcs[i]
		own := k != kindWork
		if own && (w.origin(f) == location.Native || !w.resumptions) {
			continue
		}
		b := Blocker{Func: f, Finding: -1}
		for _, e := range f.In {
			if !w.passes(e) {
				continue
			}
			cost := e.Cum
			if own {
				cost = e.Own
			}
			prim := e.Primitive
			if prim <= 0 {
				prim = e.Calls
			}
			b.Calls += e.Calls
			b.Cost += cost
			if prim > 0 {
				b.WorstCallMin = math.Max(b.WorstCallMin, cost/float64(prim))
			}
			b.WorstCallMax = math.Max(b.WorstCallMax, cost)
		}
		if b.Cost <= 0 || b.Calls <= 0 {
			continue
		}
		b.PerCall = b.Cost / float64(b.Calls)
		worstStep := b.WorstCallMin
		if n := w.stepsOf(f); n > 0 {
			b.CallsPerStep = float64(b.Calls) / n
			worstStep = math.Max(worstStep, b.Cost/n)
		}
		b.ProbablySlow = worstStep >= l.SlowThreshold
		if l.Busy > 0 {
			b.ShareOfBusy = b.Cost / l.Busy
		}
		minShare := minBusyShare
		if own {
			minShare = minOwnShare
		}
		if !b.ProbablySlow && (b.Cost < minCost || b.Cost < minShare*l.Busy || b.Cost < minWallShare*l.Wall) {
			continue
		}
		if !own { // a body's own time is fixed in the body itself
			b.CallSite = w.userCaller(f)
			b.Finding = w.linkFinding(f, b.Cost, findings)
		}
		b.Advice = w.advice(&b, own, findings)
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b Blocker) int {
		return cmp.Or(cmp.Compare(b.Cost, a.Cost), strings.Compare(location.Label(a.Func), location.Label(b.Func)), cmp.Compare(a.Func.ID, b.Func.ID))
	})
	if len(out) > maxBlockers {
		out = out[:maxBlockers]
	}
	if out == nil {
		out = []Blocker{}
	}
	return out
}

// slowSteps notes which task's steps passed the slow threshold on average
// when no blocker did alone: several blockers in one step add up, and
// asyncio's debug mode would log such a step. The mean over a step root's
// resumptions is a lower bound on its longest step.
func (w *loopWalk) slowSteps(l *Loop) (LoopNote, bool) {
	for _, b := range l.Blockers {
		if b.ProbablySlow {
			return LoopNote{}, false
		}
	}
	var worst *parse.Func
	var mean float64
	for _, i := range w.reached {
		if w.kind[i] != kindCoroutine {
			continue
		}
		f := w.p.Funcs[i]
		for _, e := range f.In {
			if isDispatcher(e.Caller) && w.passes(e) && e.Calls > 0 && e.Cum/float64(e.Calls) > mean {
				worst, mean = f, e.Cum/float64(e.Calls)
			}
		}
	}
	if worst == nil || mean < l.SlowThreshold {
		return LoopNote{}, false
	}
	return LoopNote{Kind: NoteSlowSteps, Func: worst, Mean: mean}, true
}

// userCaller finds where a fix for f goes: the first function in the
// user's own code on f's heaviest path of callers inside loop steps, or nil
// when that path reaches the loop's machinery first (a callback the loop
// itself called).
func (w *loopWalk) userCaller(f *parse.Func) *parse.Func {
	seen := map[*parse.Func]bool{f: true}
	for cur := f; ; {
		var best *parse.Edge
		for _, e := range cur.In {
			if !seen[e.Caller] && w.passes(e) && (best == nil || e.Cum > best.Cum) {
				best = e
			}
		}
		if best == nil || w.kind[best.Caller.ID] == kindMachinery {
			return nil
		}
		cur = best.Caller
		if w.origin(cur) == location.User {
			return cur
		}
		seen[cur] = true
	}
}

// linkFinding returns the index of the costliest repeated-setup finding
// whose work f contains (the finding's function is f or is called under
// it) and which accounts for at least half of cost, the time f held the
// loop; or -1. A finding above f, or a small one inside it, is no reason
// to call f setup.
func (w *loopWalk) linkFinding(f *parse.Func, cost float64, findings []Finding) int {
	best := -1
	var below *reach
	for i, fd := range findings {
		if fd.Func == nil || fd.Cost < thinShare*cost || best >= 0 && fd.Cost <= findings[best].Cost {
			continue
		}
		if below == nil {
			funcs := make([]*parse.Func, len(findings))
			for i, fd := range findings {
				funcs[i] = fd.Func
			}
			below = w.ix.reachesAny(f, funcs)
		}
		if below.has(fd.Func) {
			best = i
		}
	}
	return best
}
