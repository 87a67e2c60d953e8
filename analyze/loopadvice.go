package analyze

import (
	"math"
	"slices"
	"strings"

	"github.com/loopdoctor/loopdoctor/internal/location"
	"github.com/loopdoctor/loopdoctor/parse"
)

// AdviceKind names the fix a blocker needs.
type AdviceKind string

// Advice kinds, in the order advice decides them.
const (
	// AdviceLibrary: no code of the user's calls the blocker; it is the
	// library's own work inside the loop.
	AdviceLibrary AdviceKind = "library"

	// AdviceSleep: time.sleep stops the loop; await the runtime's sleep.
	AdviceSleep AdviceKind = "sleep"

	// AdviceAwait: the call blocks on a lock, a queue or another thread's
	// future; await the result instead.
	AdviceAwait AdviceKind = "await"

	// AdviceAsyncIO: most of the time is spent waiting for I/O; use an
	// async variant (Advice.Waits says of what) or a thread.
	AdviceAsyncIO AdviceKind = "async-io"

	// AdviceBuildOnce: every call repeats the same work (a finding proves
	// it, or the shape of Advice.Func's calls does); build it once.
	AdviceBuildOnce AdviceKind = "build-once"

	// AdviceThread: the time goes to C code, which can run on a worker
	// thread while the loop goes on (C code that releases the GIL does).
	AdviceThread AdviceKind = "thread"

	// AdviceProcess: pure-Python CPU work, whose calls last long enough
	// that a process pool's round trip is small beside them; a thread
	// would still hold the GIL.
	AdviceProcess AdviceKind = "process"

	// AdviceCheaper: each call is too short for handing it to a thread or
	// a process to pay; make it cheaper or make fewer calls.
	AdviceCheaper AdviceKind = "cheaper"
)

// Advice is the fix for one blocker, decided here and worded by render.
type Advice struct {
	Kind AdviceKind

	// Func is what the fix is about: the blocker, or for AdviceBuildOnce
	// the function whose work repeats.
	Func *parse.Func

	// Body: the time is a coroutine's own body, to be moved into a plain
	// function before it can go anywhere else.
	Body bool

	// Finding is, for AdviceBuildOnce, the finding that proves the
	// repetition, or -1 when the shape below Func does (Calls calls, every
	// one doing the same work).
	Finding int
	Calls   int64

	// Waits says what an AdviceAsyncIO call waits for: "http", "resolve",
	// "subprocess", or "" for anything else.
	Waits string

	// PerCall is the blocker's mean call. For AdviceThread, AdviceProcess
	// and AdviceCheaper, Handoff is what handing one call to Worker
	// ("thread" or "process") costs, and CShare the share of the time in
	// C code.
	PerCall float64
	Handoff float64
	Worker  string
	CShare  float64
}

// What handing one call to a worker costs, and how many times that a call
// must take for the move to pay (below it, the hop's latency and the
// loop's own part of it, pickling or queueing the call and its result, eat
// most of what moving frees): a thread pool's hop is tens to hundreds
// of microseconds (submitting, waking a thread, resolving the future on
// the loop), a process pool's round trip about a millisecond (pickling
// the call and its result, two pipe writes). testdata/loop/handoff.py
// measures both.
const (
	threadHandoff  = 100e-6
	processHandoff = 1e-3
	handoffWorth   = 5
)

// cMajority is the share of a blocker's time in C code above which a
// thread is the fix rather than a process.
const cMajority = 0.5

// sameWorkChance is the highest chance, for a blocker without a finding,
// that its callees' counts all divide its calls by accident; counts that
// depend on the input divide by n calls only about once in n.
const sameWorkChance = 0.01

// advice decides the fix for b (docs/setup-detection.md lists the rules
// in order). Waiting comes before setup: a request repeated identically is
// repeated work too, but the fix for time spent waiting on a socket is not
// to cache it. Offloading comes last, and only when a call costs many times
// what handing it off does.
func (w *loopWalk) advice(b *Blocker, own bool, findings []Finding) Advice {
	f := b.Func
	a := Advice{Func: f, Body: own, Finding: -1, PerCall: b.PerCall}
	switch {
	case own && w.origin(f) == location.User:
		a.Kind, a.Worker, a.Handoff = offload(b.PerCall, 0)
	case b.CallSite == nil && w.origin(f) != location.User:
		a.Kind = AdviceLibrary
	case cName(f) == "<built-in method time.sleep>":
		a.Kind = AdviceSleep
	case isThreadWait(f):
		a.Kind = AdviceAwait
	case w.waitsOnIO(f):
		a.Kind, a.Waits = AdviceAsyncIO, waitsFor(f)
	case b.Finding >= 0:
		a.Kind, a.Finding, a.Func = AdviceBuildOnce, b.Finding, findings[b.Finding].Func
	case w.sameWork(f):
		a.Kind, a.Calls = AdviceBuildOnce, f.Primitive
	default:
		a.CShare = w.cShare(f)
		a.Kind, a.Worker, a.Handoff = offload(b.PerCall, a.CShare)
	}
	return a
}

// offload picks between a thread, a process pool and neither for CPU work
// whose mean call is perCall, cShare of it in C code.
func offload(perCall, cShare float64) (AdviceKind, string, float64) {
	switch {
	case cShare >= cMajority && perCall >= handoffWorth*threadHandoff:
		return AdviceThread, "thread", threadHandoff
	case perCall >= handoffWorth*processHandoff:
		return AdviceProcess, "process", processHandoff
	case cShare >= cMajority || perCall < handoffWorth*threadHandoff:
		return AdviceCheaper, "thread", threadHandoff
	}
	return AdviceCheaper, "process", processHandoff // pure Python: a thread would hold the GIL
}

// sameWork reports whether the counts below f show every call doing the
// same work, without a finding to say so: every call edge out of f and out
// of the functions only f calls ran an exact multiple of f's calls, adding
// up to at least MinWork calls per call. A count that depends on the input
// divides by f's n calls only about once in n, so the edges that run more
// than once per call must leave a chance below sameWorkChance that all of
// them divide by accident; edges that run once per call say nothing (a 1:1
// wrapper is no proof).
func (w *loopWalk) sameWork(f *parse.Func) bool {
	n := f.Primitive
	if n < w.lim.MinCalls {
		return false
	}
	var work int64
	evidence := 0
	for _, m := range w.ix.private(f).members {
		for _, e := range m.Out {
			if e.Callee == m || e.Calls <= 0 {
				continue
			}
			if e.Calls%n != 0 {
				return false
			}
			work += e.Calls / n
			if e.Calls > n {
				evidence++
			}
		}
	}
	return work >= w.lim.MinWork && math.Pow(float64(n), -float64(evidence)) <= sameWorkChance
}

// cShare is the share of f's time spent in C code: the own time of the C
// functions among f and what it reaches, called from inside. Without stacks
// a function also called from elsewhere may lend some of its time.
func (w *loopWalk) cShare(f *parse.Func) float64 {
	if f.Cum <= 0 {
		return 0
	}
	inside := w.ix.reachable(f)
	var c float64
	for _, g := range inside.members {
		if !cFunc(g) {
			continue
		}
		if g == f {
			c += f.Own
			continue
		}
		for _, e := range g.In {
			if inside.has(e.Caller) {
				c += e.Own
			}
		}
	}
	return math.Min(c/f.Cum, 1)
}

// isThreadWait reports whether f blocks on another thread: a lock (which
// also waits for futures, events and joins) or a queue.SimpleQueue, which
// thread pools hand their results through.
func isThreadWait(f *parse.Func) bool {
	name := cName(f)
	return strings.HasPrefix(name, "<method 'acquire' of '_thread.") || name == "<method 'get' of '_queue.SimpleQueue' objects>"
}

// waitsFor names what a call that waits for I/O waits for, so render can
// name its non-blocking replacement.
func waitsFor(f *parse.Func) string {
	switch {
	case inPackage(f.File, "urllib", "request.py"), inPackage(f.File, "http", "client.py"),
		inPackage(f.File, "requests", ""), inPackage(f.File, "urllib3", ""), inPackage(f.File, "httpx", ""):
		return "http"
	case hasName(f, "getaddrinfo") || cName(f) == "<built-in method _socket.getaddrinfo>" || hasName(f, "create_connection") && inPackage(f.File, "", "socket.py"):
		return "resolve"
	case inPackage(f.File, "", "subprocess.py") && origin(f) == location.Stdlib:
		return "subprocess"
	}
	return ""
}

// blockingCalls are C functions that wait for the outside world rather than
// compute.
var blockingCalls = []string{
	"<built-in method time.sleep>", "<built-in method _socket.getaddrinfo>", "<built-in method _socket.gethostbyname>",
	"<built-in method select.select>", "<built-in method posix.waitpid>", "<built-in method posix.read>",
	"<method 'recv' of '_socket.socket' objects>", "<method 'recv_into' of '_socket.socket' objects>",
	"<method 'sendall' of '_socket.socket' objects>", "<method 'connect' of '_socket.socket' objects>",
	"<method 'accept' of '_socket.socket' objects>", "<method 'do_handshake' of '_ssl._SSLSocket' objects>",
	"<method 'read' of '_ssl._SSLSocket' objects>", "<method 'poll' of 'select.poll' objects>",
	"<method 'read' of '_io.BufferedReader' objects>", "<method 'readinto' of '_io.BufferedReader' objects>",
}

// waitsOnIO reports whether f spends most of its time in calls that wait
// for I/O. Without stacks, the time is that of the waiting calls made by f
// or by any function reachable from it, an estimate that can only
// overstate when those functions are also called from elsewhere.
func (w *loopWalk) waitsOnIO(f *parse.Func) bool {
	if cFunc(f) {
		return slices.Contains(blockingCalls, cName(f))
	}
	inside := w.ix.reachable(f)
	var wait float64
	for _, g := range inside.members {
		if !cFunc(g) || !slices.Contains(blockingCalls, cName(g)) {
			continue
		}
		for _, e := range g.In {
			if inside.has(e.Caller) {
				wait += e.Cum
			}
		}
	}
	return wait >= 0.5*f.Cum
}
