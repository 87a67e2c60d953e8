package render

import (
	"fmt"
	"strings"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/internal/units"
)

// The event loop's report in words, shared by the table and Markdown
// reports (and JSON's advice and note texts), so all say the same.

// loopAPI spells the fixes in a runtime's own API.
type loopAPI struct {
	sleep    string // the non-blocking sleep
	toThread string // run a blocking call on a thread
	process  string // run Python work in another process
	wait     string // await another thread's future
	handoff  string // the APIs that hand work to threads, for notes
	http     string // async HTTP clients
	resolve  string // name resolution and connecting
	spawn    string // subprocesses
}

var (
	asyncioAPI = loopAPI{sleep: "await asyncio.sleep(...)", toThread: "await asyncio.to_thread(...)",
		process: "await loop.run_in_executor(pool, ...), pool a concurrent.futures.ProcessPoolExecutor",
		wait:    "wrap concurrent futures with asyncio.wrap_future", handoff: "run_in_executor or to_thread",
		http: "an async HTTP client (aiohttp, or httpx.AsyncClient)", resolve: "loop.getaddrinfo or asyncio.open_connection",
		spawn: "asyncio.create_subprocess_exec"}
	trioAPI = loopAPI{sleep: "await trio.sleep(...)", toThread: "await trio.to_thread.run_sync(...)",
		process: "trio_parallel.run_sync(...) from the trio-parallel package",
		wait:    "wait for other threads with trio.to_thread.run_sync", handoff: "trio.to_thread.run_sync",
		http: "an async HTTP client (httpx.AsyncClient)", resolve: "trio.socket.getaddrinfo or trio.open_tcp_stream",
		spawn: "trio.run_process"}
)

// apiOf returns the fix words for a runtime; uvloop and Tornado run
// asyncio's API.
func apiOf(runtime string) loopAPI {
	if runtime == "trio" {
		return trioAPI
	}
	return asyncioAPI
}

// blockerHeld says how long a blocker held the loop and in how many calls,
// after its label: "parse held the loop 955 ms (95% of busy) in 120 calls,
// 7.96 ms each". Without a label (HTML links the function itself) the
// sentence starts at "held".
func blockerHeld(label string, bl analyze.Blocker) string {
	s := fmt.Sprintf("held the loop %s (%s of busy) in %s", units.Seconds(bl.Cost), units.Percent(bl.ShareOfBusy), counted(bl.Calls, "call", "calls"))
	if label != "" {
		s = label + " " + s
	}
	if bl.Calls > 1 {
		s += ", " + units.Seconds(bl.PerCall) + " each"
	}
	return s
}

// blockerBounds states what the aggregates prove about the longest call
// and the steps: bounds for several calls (one figure when they meet), the
// calls per step, and whether a step probably passed the threshold.
func blockerBounds(l *analyze.Loop, bl analyze.Blocker) string {
	var parts []string
	lo, hi := units.Seconds(bl.WorstCallMin), units.Seconds(bl.WorstCallMax)
	switch {
	case bl.Calls <= 1:
	case lo == hi:
		parts = append(parts, "every call took "+lo)
	default:
		parts = append(parts, fmt.Sprintf("worst call between %s and %s", lo, hi))
	}
	if bl.CallsPerStep > 0 {
		parts = append(parts, units.Mean(bl.CallsPerStep)+" calls per step")
	}
	if bl.ProbablySlow {
		parts = append(parts, slowStep(l))
	}
	return strings.Join(parts, "; ")
}

// slowStep says that a step probably ran past the slow-callback threshold,
// naming asyncio's debug-mode warning only where it applies.
func slowStep(l *analyze.Loop) string {
	if l.Runtime == "asyncio" {
		return fmt.Sprintf("a step probably passed asyncio's %s slow-callback warning", units.Seconds(l.SlowThreshold))
	}
	return fmt.Sprintf("a step probably ran longer than the %s threshold (--slow)", units.Seconds(l.SlowThreshold))
}

// adviceText words a blocker's fix in the loop's own API, then says where
// the call is.
func adviceText(l *analyze.Loop, bl analyze.Blocker, findings []analyze.Finding) string {
	a := bl.Advice
	api := apiOf(l.Runtime)
	var s string
	switch a.Kind {
	case analyze.AdviceLibrary:
		return fmt.Sprintf("No code of yours calls %s here: it is the library's own work inside the loop (a coroutine whose awaits leave no trace looks the same), so if it matters, look for a lighter option in the library.", a.Func.Name)
	case analyze.AdviceSleep:
		s = fmt.Sprintf("Replace time.sleep with %s: time.sleep stops the whole loop.", api.sleep)
	case analyze.AdviceAwait:
		s = fmt.Sprintf("Await the result instead of blocking on a lock or another thread's future: %s, or move the waiting call to %s.", api.wait, api.toThread)
	case analyze.AdviceAsyncIO:
		s = fmt.Sprintf("This call waits for I/O with the loop stopped: use %s, or move the call to a thread with %s.", api.asyncVariant(a.Waits), api.toThread)
	case analyze.AdviceBuildOnce:
		if a.Finding >= 0 {
			s = fmt.Sprintf("Build it once and reuse it: every call repeats the same setup in %s (finding %d), so the loop stalls on work it has already done.",
				printedLabel(findings[a.Finding].Func), a.Finding+1)
		} else {
			s = fmt.Sprintf("Build it once and reuse it: each of the %s of %s did the same work (everything it calls ran an exact multiple of its calls), so compute its result once, at start-up or cached by its inputs.",
				counted(a.Calls, "call", "calls"), printedLabel(a.Func))
		}
	case analyze.AdviceThread:
		s = fmt.Sprintf("Move the call to a thread with %s: %s of its time is in C code, which runs beside the loop when it releases the GIL (hashing, compression and most I/O do). Each call takes %s, far more than the hop to a thread (about %s).",
			api.toThread, units.Percent(a.CShare), units.Seconds(a.PerCall), units.Seconds(a.Handoff))
	case analyze.AdviceProcess:
		s = fmt.Sprintf("Run it in another process with %s: it is Python work, which holds the GIL, so a thread would not free the loop. Each call takes %s; the round trip to a process costs about %s.",
			api.process, units.Seconds(a.PerCall), units.Seconds(a.Handoff))
	case analyze.AdviceCheaper:
		s = cheaper(bl)
	}
	if a.Body {
		s = fmt.Sprintf("The time is the own work of the coroutine %s, between its awaits; move that work into a plain function first. ", printedLabel(a.Func)) + s
	}
	if bl.CallSite != nil {
		s += " The call is in " + printedLabel(bl.CallSite) + "."
	}
	return s
}

// cheaper words the advice for calls too short to hand off.
func cheaper(bl analyze.Blocker) string {
	a := bl.Advice
	if a.Worker == "process" {
		return fmt.Sprintf("Make it cheaper or call it less often: each call is %s of Python work, which a thread would run under the GIL anyway, and a process pool's round trip (about %s) is a large part of it.",
			units.Seconds(a.PerCall), units.Seconds(a.Handoff))
	}
	return fmt.Sprintf("Make it cheaper or call it less often: each call takes only %s, and handing one to a thread costs about %s, too large a part of it for moving it off the loop to pay; together its %s held the loop %s.",
		units.Seconds(a.PerCall), units.Seconds(a.Handoff), counted(bl.Calls, "call", "calls"), units.Seconds(bl.Cost))
}

// asyncVariant names the non-blocking replacement for a blocking call.
func (api loopAPI) asyncVariant(waits string) string {
	switch waits {
	case "http":
		return api.http
	case "resolve":
		return api.resolve
	case "subprocess":
		return api.spawn
	}
	return "the library's async variant"
}

// noteText words a loop note.
func noteText(l *analyze.Loop, n analyze.LoopNote) string {
	switch n.Kind {
	case analyze.NoteUvloop:
		return "uvloop runs its loop in compiled code that cProfile cannot see, so its wait for I/O and its own work cannot be separated: idle here also counts uvloop's own event handling, busy only the Python code the loop ran, and steps are the Python callbacks and coroutine resumptions it started."
	case analyze.NoteNoCounts:
		writer := n.Writer
		if writer == "sampled" {
			writer = "Python's sampling profiler, whose counts are samples"
		}
		return fmt.Sprintf("The dump holds no call counts (it was written by %s), so only wall, idle and busy time are measured: steps, per-call figures and blockers need counts.", writer)
	case analyze.NoteNoCallers:
		return "The profile records no callers (it was made with subcalls=False), so the work done inside loop steps cannot be told apart."
	case analyze.NoteThreadsMixed:
		return "Calls made on other threads are mixed into this profile (Python 3.12 and later profile every thread), so the loop's figures may include work that ran on worker threads and are not reliable."
	case analyze.NoteHandedOff:
		return fmt.Sprintf("The loop handed work to threads (%s); cProfile saw only the thread that enabled it, so that work is not in this profile and did not hold the loop.", apiOf(l.Runtime).handoff)
	case analyze.NoteCPUTimeOnly:
		return "The profile module times with time.process_time unless given another timer, so time spent waiting (time.sleep, blocking I/O) is likely missing from these figures: only CPU time is."
	case analyze.NoteYappi:
		return "yappi counts a coroutine once per call and times it across its awaits, so coroutines' own time is not blamed and each blocker's calls are spread over all of the loop's steps."
	case analyze.NoteSlowSteps:
		debug := ""
		if l.Runtime == "asyncio" {
			debug = ", and asyncio's debug mode would log those steps"
		}
		return fmt.Sprintf("Steps of %s took %s on average, past the %s slow-callback threshold, though no single call in them did: together they stall the loop%s.",
			printedLabel(n.Func), units.Seconds(n.Mean), units.Seconds(l.SlowThreshold), debug)
	}
	return string(n.Kind)
}
