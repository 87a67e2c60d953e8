package analyze

import (
	"math"

	"github.com/loopdoctor/loopdoctor/parse"
)

// The event-loop report works from a pstats call graph alone. It proceeds in
// four steps.
//
//  1. Recognise the loop by its own frames, matched by path suffix and name,
//     never by line (lines move between Python versions): asyncio's
//     base_events _run_once, whose cumulative time is the loop's wall time
//     (every iteration, even when profiling started inside the loop), the
//     selector's select under it (idle), and events.Handle._run, one call
//     per callback or task step. Busy is wall minus idle, so it includes the
//     loop's own bookkeeping; the mean step is busy over steps. trio and
//     uvloop are recognised by their own frames (runtimes below). Dumps
//     without call counts (pyinstrument, Python 3.15's sampler) get this
//     budget only.
//  2. Walk down from the step dispatchers (Handle._run, Context.run,
//     coroutine.send) through the loop's machinery and through coroutines.
//     cProfile counts a coroutine once per resumption, and a frame's calls
//     are each one uninterrupted stretch on the loop thread, so every number
//     below is about time the loop was held. The data carry no flag telling
//     a coroutine from a plain function, so a function is taken for a
//     coroutine when it is entered from a step dispatcher (it is a task's
//     outermost coroutine, or a callback) or when it calls, directly or
//     through other coroutines, something only an awaiting frame can run:
//     one of asyncio's own coroutines (asyncio.sleep, StreamReader.readline,
//     Lock.acquire, ...), trio's traps, or an API whose result is awaited
//     (loop.create_future, gather, run_in_executor). Creating a coroutine
//     object runs no frame and leaves no edge, so only awaiting does.
//     A coroutine that awaits only C futures and tasks (a Task, a gather
//     result) shows no such callee and is treated as synchronous; step 3
//     still looks through it when its time goes to a few calls.
//  3. Everything else entered from a coroutine is synchronous work that held
//     the loop for as long as each call lasted. The blocker is the outermost
//     such function, so nested work is never counted twice, except that
//     thin layers are looked through: a comprehension, a user function that
//     spends most of its time in callees it calls at most a few times per
//     call (a handler, a wrapper), or library code that spends most of its
//     time calling back into the user's (a framework dispatching a request)
//     hands the blame to those callees, and the user's code becomes the call
//     site where the fix goes. Time a coroutine or a thin layer spends in
//     its own body is a blocker of its own. When none of the user's code
//     runs in the loop (the application is installed in site-packages),
//     installed code counts as the user's.
//  4. Bound each blocker from the aggregates. A call lasted at least
//     edge ct / edge primitive calls and at most edge ct, for every entry
//     edge. The calls ran in at most D steps, where D sums, over the
//     edges into a function, the smaller of the edge's calls and the steps
//     its caller ran in (a task's outermost coroutine runs one step per
//     call); so some step spent at least cost/D in it. When either lower
//     bound reaches the slow-callback threshold, some step passed it
//     (ProbablySlow); the step's other work only adds to it.
//
// Tornado (5 and later) runs on asyncio's loop and is measured as asyncio.
// Other loops (Twisted's reactor, gevent, curio) are not recognised: such
// dumps get no loop section.
// defaultSlow is asyncio's slow_callback_duration: debug mode logs a callback
// or task step that runs longer.
const defaultSlow = 0.1

// Blockers are kept when they hold a noticeable part of the loop: at least
// minCost seconds, minBusyShare of the busy time and minWallShare of the
// wall time, or a step that passed the slow threshold. Time in a coroutine's
// own body is spread over many small statements and worth moving only when
// large: it needs minOwnShare of the busy time. At most maxBlockers are
// listed.
const (
	minCost      = 0.001
	minBusyShare = 0.02
	minOwnShare  = 0.05
	minWallShare = 0.01
	maxBlockers  = 10
)

// A layer is looked through when callees it calls at most thinCalls times
// per call of its own hold at least thinShare of its time.
const (
	thinShare = 0.5
	thinCalls = 10
)

// LoopNoteKind names what a loop note says could not be measured.
type LoopNoteKind string

// Loop note kinds.
const (
	// NoteUvloop: uvloop's compiled loop hides its frames, so its wait for
	// I/O and its own work cannot be told apart.
	NoteUvloop LoopNoteKind = "uvloop"

	// NoteNoCounts: the dump holds no call counts (Writer wrote it, a
	// dialect such as "sampled"), so only wall, idle and busy are measured.
	NoteNoCounts LoopNoteKind = "no-counts"

	// NoteNoCallers: the profile records no callers (subcalls=False).
	NoteNoCallers LoopNoteKind = "no-callers"

	// NoteThreadsMixed: other threads' calls are mixed into the profile
	// (Python 3.12 and later), so the loop's figures are not reliable.
	NoteThreadsMixed LoopNoteKind = "threads-mixed"

	// NoteHandedOff: the loop handed work to threads, which cProfile did
	// not see before 3.12; that work did not hold the loop.
	NoteHandedOff LoopNoteKind = "handed-off"

	// NoteCPUTimeOnly: the profile module's default timer counts CPU time
	// only, so waiting is missing.
	NoteCPUTimeOnly LoopNoteKind = "cpu-time-only"

	// NoteYappi: yappi times a coroutine across its awaits, so coroutines'
	// own time is not blamed.
	NoteYappi LoopNoteKind = "yappi"

	// NoteSlowSteps: steps of Func took Mean on average, past the slow
	// threshold, though no single call in them did.
	NoteSlowSteps LoopNoteKind = "slow-steps"
)

// LoopNote says what the loop report could not measure, and why.
type LoopNote struct {
	Kind   LoopNoteKind
	Writer string      // NoteNoCounts: the dump's dialect
	Func   *parse.Func // NoteSlowSteps: the task whose steps were slow
	Mean   float64     // NoteSlowSteps: their mean, in seconds
}

// EventLoop measures the event loop in p and ranks what blocked it, with
// the default limits. slow is asyncio's slow-callback threshold in seconds
// (0 means 0.1). findings are the repeated-setup findings, for
// Blocker.Finding. It returns nil when p holds no event loop it recognises.
func EventLoop(p *parse.Profile, slow float64, findings []Finding) *Loop {
	ix := newProfileIndex(p, nil, nil, nil)
	return eventLoop(ix, slow, findings, ix.lim)
}

// eventLoop is EventLoop with the limits the report uses; the advice
// judges repeated work by them.
func eventLoop(ix *profileIndex, slow float64, findings []Finding, lim *Limits) *Loop {
	p := ix.p
	if slow <= 0 {
		slow = defaultSlow
	}
	if p.Format != parse.Pstats {
		return nil
	}
	rt := findRuntime(ix)
	if rt == nil {
		return nil
	}
	l := &Loop{
		Runtime: rt.name, Wall: rt.wall, Idle: rt.idle, Busy: math.Max(rt.wall-rt.idle, 0),
		Steps: rt.steps, SlowThreshold: slow, Blockers: []Blocker{}, Notes: rt.notes,
	}
	if !p.HasCalls() || p.Dialect == "sampled" {
		l.Steps = 0
		l.Notes = append(l.Notes, LoopNote{Kind: NoteNoCounts, Writer: p.Dialect})
		return l
	}
	if l.Steps > 0 {
		l.MeanStep = l.Busy / float64(l.Steps)
	}
	if len(p.Edges) == 0 {
		l.Notes = append(l.Notes, LoopNote{Kind: NoteNoCallers})
		return l
	}
	l.Notes = append(l.Notes, threadNotes(ix)...)
	switch p.Dialect {
	case "profile":
		l.Notes = append(l.Notes, LoopNote{Kind: NoteCPUTimeOnly})
	case "yappi":
		l.Notes = append(l.Notes, LoopNote{Kind: NoteYappi})
	}
	w := newLoopWalk(ix, rt, lim)
	l.Blockers = w.blockers(l, findings)
	if n, ok := w.slowSteps(l); ok {
		l.Notes = append(l.Notes, n)
	}
	return l
}
