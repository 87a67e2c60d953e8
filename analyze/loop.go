package analyze

import (
	"cmp"
	"fmt"
	"math"
	"path"
	"slices"
	"strings"

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

// EventLoop measures the event loop in p and ranks what blocked it.
// slow is asyncio's slow-callback threshold in seconds (0 means 0.1).
// findings are the repeated-setup findings, for Blocker.Finding. It returns
// nil when p holds no event loop it recognises.
func EventLoop(p *parse.Profile, slow float64, findings []Finding) *Loop {
	if slow <= 0 {
		slow = defaultSlow
	}
	if p.Format != parse.Pstats {
		return nil
	}
	rt := findRuntime(p)
	if rt == nil {
		return nil
	}
	l := &Loop{
		Runtime: rt.name, Wall: rt.wall, Idle: rt.idle, Busy: math.Max(rt.wall-rt.idle, 0),
		Steps: rt.steps, SlowThreshold: slow, Blockers: []Blocker{}, Notes: rt.notes,
	}
	if !p.HasCalls() || p.Dialect == "sampled" {
		l.Steps = 0
		writer := p.Dialect
		if writer == "sampled" {
			writer = "Python's sampling profiler, whose counts are samples"
		}
		l.Notes = append(l.Notes, fmt.Sprintf("The dump holds no call counts (it was written by %s), so only wall, idle and busy time are measured: steps, per-call figures and blockers need counts.", writer))
		return l
	}
	if l.Steps > 0 {
		l.MeanStep = l.Busy / float64(l.Steps)
	}
	if len(p.Edges) == 0 {
		l.Notes = append(l.Notes, "The profile records no callers (it was made with subcalls=False), so the work done inside loop steps cannot be told apart.")
		return l
	}
	l.Notes = append(l.Notes, threadNotes(p, rt)...)
	if p.Dialect == "profile" {
		l.Notes = append(l.Notes, "The profile module times with time.process_time unless given another timer, so time spent waiting (time.sleep, blocking I/O) is likely missing from these figures: only CPU time is.")
	}
	if p.Dialect == "yappi" {
		l.Notes = append(l.Notes, "yappi counts a coroutine once per call and times it across its awaits, so coroutines' own time is not blamed and each blocker's calls are spread over all of the loop's steps.")
	}
	w := newLoopWalk(p, rt)
	l.Blockers = w.blockers(l, findings)
	if n := w.slowSteps(l); n != "" {
		l.Notes = append(l.Notes, n)
	}
	return l
}

// loopRuntime is what one event-loop implementation's frames say about it.
type loopRuntime struct {
	name       string
	wall, idle float64
	steps      int64
	starts     []*parse.Func // frames whose callees run inside loop steps
	machinery  func(*parse.Func) bool
	words      fixWords
	notes      []string
}

// fixWords spell the fixes in a runtime's own API.
type fixWords struct {
	sleep    string // the non-blocking sleep
	toThread string // run a blocking call on a thread
	cpu      string // run CPU-bound work elsewhere
	handoff  string // the APIs that hand work to threads, for notes
	http     string // async HTTP clients
	resolve  string // name resolution and connecting
	process  string // subprocesses
}

var (
	asyncioWords = fixWords{sleep: "await asyncio.sleep(...)", toThread: "await asyncio.to_thread(...)",
		cpu: "await loop.run_in_executor(pool, ...)", handoff: "run_in_executor or to_thread",
		http: "an async HTTP client (aiohttp, or httpx.AsyncClient)", resolve: "loop.getaddrinfo or asyncio.open_connection",
		process: "asyncio.create_subprocess_exec"}
	trioWords = fixWords{sleep: "await trio.sleep(...)", toThread: "await trio.to_thread.run_sync(...)",
		cpu: "await trio.to_thread.run_sync(...)", handoff: "trio.to_thread.run_sync",
		http: "an async HTTP client (httpx.AsyncClient)", resolve: "trio.socket.getaddrinfo or trio.open_tcp_stream",
		process: "trio.run_process"}
)

// findRuntime recognises asyncio's default loop, trio or uvloop, in that
// order.
func findRuntime(p *parse.Profile) *loopRuntime {
	if rt := asyncioRuntime(p); rt != nil {
		return rt
	}
	if rt := trioRuntime(p); rt != nil {
		return rt
	}
	return uvloopRuntime(p)
}

// asyncioRuntime measures asyncio's pure-Python loop: wall is the time in
// _run_once (every loop iteration), idle the selector wait under it, steps
// the Handle._run calls.
func asyncioRuntime(p *parse.Profile) *loopRuntime {
	rt := &loopRuntime{name: "asyncio", machinery: asyncioMachinery, words: asyncioWords}
	found := false
	for _, f := range p.Funcs {
		switch {
		case funcName(f) == "_run_once" && inPackage(f.File, "asyncio", "base_events.py"):
			found = true
			rt.wall += f.Cum
			for _, e := range f.Out {
				// selectors.py's select, or the proactor's on Windows.
				if funcName(e.Callee) == "select" && !cFunc(e.Callee) {
					rt.idle += e.Cum
				}
			}
		case funcName(f) == "_run" && inPackage(f.File, "asyncio", "events.py"):
			rt.steps += f.Calls
			rt.starts = append(rt.starts, f)
		}
	}
	if !found {
		return nil
	}
	return rt
}

// trioRuntime measures trio's run loop: unrolled_run is a generator that
// run() resumes once per batch of task steps, and run() waits for I/O in
// the I/O manager's get_events between resumptions.
func trioRuntime(p *parse.Profile) *loopRuntime {
	rt := &loopRuntime{name: "trio", machinery: trioMachinery, words: trioWords}
	var busy float64
	for _, f := range p.Funcs {
		switch {
		case funcName(f) == "unrolled_run" && inPackage(f.File, "trio/_core", "_run.py"):
			rt.starts = append(rt.starts, f)
			busy += f.Cum
			for _, e := range f.Out {
				switch {
				case isContextRun(e.Callee):
					rt.steps += e.Calls
				case funcName(e.Callee) == "get_events":
					busy -= e.Cum // waited inside the generator: idle, counted below
				}
			}
		case funcName(f) == "get_events" && inPackage(f.File, "trio/_core", "_io_*.py"):
			rt.idle += f.Cum
		}
	}
	if len(rt.starts) == 0 {
		return nil
	}
	rt.wall = math.Max(busy, 0) + rt.idle
	return rt
}

// uvloopRuntime measures uvloop, whose loop is compiled: the only frames
// are its run_until_complete/run_forever methods, with the Python callbacks
// directly under them. The wait for I/O and the loop's own work are both in
// those methods' own time and cannot be told apart.
func uvloopRuntime(p *parse.Profile) *loopRuntime {
	rt := &loopRuntime{name: "uvloop", machinery: uvloopMachinery, words: asyncioWords}
	var busy float64
	for _, f := range p.Funcs {
		if !cFunc(f) || !strings.Contains(f.Name, "of 'uvloop.loop.Loop' objects>") ||
			!(strings.HasPrefix(f.Name, "<method 'run_until_complete' ") || strings.HasPrefix(f.Name, "<method 'run_forever' ")) {
			continue
		}
		rt.starts = append(rt.starts, f)
		rt.wall += f.Cum
		for _, e := range f.Out {
			busy += e.Cum
			rt.steps += e.Calls
		}
	}
	if len(rt.starts) == 0 {
		return nil
	}
	rt.idle = math.Max(rt.wall-busy, 0)
	rt.notes = append(rt.notes, "uvloop runs its loop in compiled code that cProfile cannot see, so its wait for I/O and its own work cannot be separated: idle here also counts uvloop's own event handling, busy only the Python code the loop ran, and steps are the Python callbacks and coroutine resumptions it started.")
	return rt
}

// threadNotes warns when other threads' calls are mixed into the profile
// (Python 3.12 and later profile every thread) and when the loop handed
// work to threads that an older profiler could not see.
func threadNotes(p *parse.Profile, rt *loopRuntime) []string {
	var threads, handoff bool
	for _, f := range p.Funcs {
		if f.Calls <= 0 {
			continue
		}
		switch name := funcName(f); {
		case name == "_worker" && inPackage(f.File, "concurrent/futures", "thread.py") ||
			name == "_bootstrap_inner" && inPackage(f.File, "", "threading.py"):
			threads = true
		case name == "run_in_executor" && inPackage(f.File, "asyncio", "base_events.py") ||
			name == "to_thread" && inPackage(f.File, "asyncio", "threads.py") ||
			name == "to_thread_run_sync" && inPackage(f.File, "trio", "_threads.py"):
			handoff = true
		}
	}
	switch {
	case threads:
		return []string{"Calls made on other threads are mixed into this profile (Python 3.12 and later profile every thread), so the loop's figures may include work that ran on worker threads and are not reliable."}
	case handoff:
		return []string{fmt.Sprintf("The loop handed work to threads (%s); cProfile saw only the thread that enabled it, so that work is not in this profile and did not hold the loop.", rt.words.handoff)}
	}
	return nil
}

// inPackage matches a file by path suffix, never by line. With a base name
// (a path.Match pattern such as "events.py" or "_io_*.py") the file must be
// so named and sit directly in a directory whose path ends in dir ("" for
// any directory); without one it may sit anywhere under dir. Scans of every
// function test the cheaper funcName first.
func inPackage(file, dir, base string) bool {
	file = slashed(file)
	i := strings.LastIndexByte(file, '/')
	if i < 0 {
		return false
	}
	d, b := file[:i], file[i+1:]
	if base == "" {
		return hasDir(d, dir)
	}
	if strings.ContainsAny(base, `*?[\`) {
		if ok, _ := path.Match(base, b); !ok {
			return false
		}
	} else if b != base {
		return false
	}
	return dir == "" || d == dir || strings.HasSuffix(d, dir) && d[len(d)-len(dir)-1] == '/'
}

// hasDir reports whether the path components dir occur in the directory
// path d. It runs for every function, so it builds no strings.
func hasDir(d, dir string) bool {
	for off := 0; ; {
		j := strings.Index(d[off:], dir)
		if j < 0 {
			return false
		}
		start, end := off+j, off+j+len(dir)
		if (start == 0 || d[start-1] == '/') && (end == len(d) || d[end] == '/') {
			return true
		}
		off = start + 1
	}
}

// cFunc reports whether f is a C function: cProfile's file "~", the
// profile module's "" and yappi's "__builtin__" or bare module name, all
// with line 0.
func cFunc(f *parse.Func) bool {
	return f.File == "~" || f.Line == 0 && (f.File == "" || f.File == "__builtin__" ||
		!strings.ContainsAny(f.File, `/\.<`))
}

// cName spells a C function as cProfile does, turning yappi's module
// functions ("time", 0, "sleep") into "<built-in method time.sleep>".
func cName(f *parse.Func) string {
	if !cFunc(f) || f.File == "~" || f.File == "" || f.File == "__builtin__" || strings.HasPrefix(f.Name, "<") {
		return f.Name
	}
	return "<built-in method " + f.File + "." + f.Name + ">"
}

// funcName is a Python function's name without the class that yappi puts
// before it ("_UnixSelectorEventLoop._run_once").
func funcName(f *parse.Func) string {
	if cFunc(f) || strings.HasPrefix(f.Name, "<") {
		return f.Name
	}
	return f.Name[strings.LastIndexByte(f.Name, '.')+1:]
}

// origin is OriginOf, also knowing yappi's spelling of C functions and,
// for an installed application, taking its code for the user's.
func (w *loopWalk) origin(f *parse.Func) Origin {
	o := origin(f)
	if w.installed && o == ThirdParty {
		return User
	}
	return o
}

// origin is OriginOf, also knowing yappi's spelling of C functions.
func origin(f *parse.Func) Origin {
	if cFunc(f) {
		return Native
	}
	return OriginOf(f)
}

// isContextRun matches contextvars.Context.run: "<method 'run' of
// '_contextvars.Context' objects>" (3.8+), "... of 'Context' objects>"
// (3.7), or the profile module's bare "run".
func isContextRun(f *parse.Func) bool {
	return cFunc(f) && (strings.HasPrefix(f.Name, "<method 'run' of ") && strings.HasSuffix(f.Name, "Context' objects>") ||
		f.File == "" && f.Name == "run")
}

// isCoroutineDriver matches coroutine.send and throw, how pure-Python tasks
// and trio resume a coroutine.
func isCoroutineDriver(f *parse.Func) bool {
	return cFunc(f) && (strings.HasPrefix(f.Name, "<method 'send' of 'coroutine'") || strings.HasPrefix(f.Name, "<method 'throw' of 'coroutine'"))
}

// isDispatcher reports whether the Python functions f calls are task steps
// or callbacks, each call a step of its own.
func isDispatcher(f *parse.Func) bool {
	switch {
	case isContextRun(f), isCoroutineDriver(f):
		return true
	case inPackage(f.File, "asyncio", "events.py"):
		return funcName(f) == "_run" // before 3.7, Handle._run called the callback itself
	case inPackage(f.File, "asyncio", "tasks.py"):
		n := funcName(f)
		return n == "__step" || n == "_step" || n == "__step_run_and_handle_result"
	case inPackage(f.File, "trio/_core", "_run.py"):
		return funcName(f) == "unrolled_run"
	}
	return cFunc(f) && strings.Contains(f.Name, "of 'uvloop.loop.Loop' objects>")
}

func asyncioMachinery(f *parse.Func) bool {
	return isContextRun(f) || isCoroutineDriver(f) || inPackage(f.File, "asyncio", "") ||
		inPackage(f.File, "", "selectors.py") && origin(f) == Stdlib
}

func trioMachinery(f *parse.Func) bool {
	return isContextRun(f) || isCoroutineDriver(f) || inPackage(f.File, "trio", "") ||
		inPackage(f.File, "outcome", "") || strings.HasPrefix(f.File, "<attrs generated methods trio.")
}

func uvloopMachinery(f *parse.Func) bool {
	return asyncioMachinery(f) || inPackage(f.File, "uvloop", "") ||
		cFunc(f) && strings.Contains(f.Name, "'uvloop.")
}

// asyncioCoroutines lists, by file in the asyncio package, the coroutines
// and generator-based awaitables of CPython 3.7-3.13: every async def, and
// every def holding a yield except as_completed (a plain generator of
// awaitables), found by parsing each version's source with ast. An edge
// into one of them can only come from a frame awaiting it.
var asyncioCoroutines = map[string][]string{
	"base_events.py":     {"_connect_sock", "_create_connection_transport", "_create_server_getaddrinfo", "_ensure_resolved", "_make_subprocess_transport", "_sendfile_fallback", "_sendfile_native", "_sock_sendfile_fallback", "_sock_sendfile_native", "connect_accepted_socket", "connect_read_pipe", "connect_write_pipe", "create_connection", "create_datagram_endpoint", "create_server", "drain", "getaddrinfo", "getnameinfo", "restore", "sendfile", "serve_forever", "shutdown_asyncgens", "shutdown_default_executor", "sock_sendfile", "start_serving", "start_tls", "subprocess_exec", "subprocess_shell", "wait_closed"},
	"base_subprocess.py": {"_connect_pipes", "_wait"},
	"coroutines.py":      {"coro"},
	"events.py":          {"__aenter__", "__aexit__", "connect_accepted_socket", "connect_read_pipe", "connect_write_pipe", "create_connection", "create_datagram_endpoint", "create_server", "create_unix_connection", "create_unix_server", "getaddrinfo", "getnameinfo", "run_in_executor", "sendfile", "serve_forever", "shutdown_asyncgens", "shutdown_default_executor", "sock_accept", "sock_connect", "sock_recv", "sock_recv_into", "sock_recvfrom", "sock_recvfrom_into", "sock_sendall", "sock_sendfile", "sock_sendto", "start_serving", "start_tls", "subprocess_exec", "subprocess_shell", "wait_closed"},
	"futures.py":         {"__await__"},
	"locks.py":           {"__acquire_ctx", "__aenter__", "__aexit__", "__iter__", "_block", "_release", "_wait", "abort", "acquire", "reset", "wait", "wait_for"},
	"proactor_events.py": {"_sendfile_native", "_sock_sendfile_native", "sock_accept", "sock_connect", "sock_recv", "sock_recv_into", "sock_recvfrom", "sock_recvfrom_into", "sock_sendall", "sock_sendto"},
	"queues.py":          {"get", "join", "put"},
	"selector_events.py": {"_accept_connection2", "_sendfile_native", "sock_accept", "sock_connect", "sock_recv", "sock_recv_into", "sock_recvfrom", "sock_recvfrom_into", "sock_sendall", "sock_sendto"},
	"staggered.py":       {"run_one_coro", "staggered_race"},
	"streams.py":         {"__anext__", "_drain_helper", "_wait_for_data", "drain", "open_connection", "open_unix_connection", "read", "readexactly", "readline", "readuntil", "start_server", "start_tls", "start_unix_server", "wait_closed"},
	"subprocess.py":      {"_feed_stdin", "_noop", "_read_stream", "communicate", "create_subprocess_exec", "create_subprocess_shell", "wait"},
	"taskgroups.py":      {"__aenter__", "__aexit__"},
	"tasks.py":           {"__anext__", "__sleep0", "_cancel_and_wait", "_wait", "_wait_for_one", "_wrap_awaitable", "sleep", "wait", "wait_for"},
	"threads.py":         {"to_thread"},
	"timeouts.py":        {"__aenter__", "__aexit__"},
	"unix_events.py":     {"_make_subprocess_transport", "_sock_sendfile_native", "create_unix_connection", "create_unix_server"},
	"windows_events.py":  {"_make_subprocess_transport", "accept_coro", "connect_pipe", "create_pipe_connection", "start_serving_pipe"},
}

// awaitedResults are functions that return something to await, so their
// caller is almost always a coroutine: loop.create_future (how libraries
// such as aiohttp wait for their own events), gather, shield, wrap_future
// and run_in_executor.
var awaitedResults = map[string][]string{
	"base_events.py": {"create_future", "run_in_executor"},
	"tasks.py":       {"gather", "shield"},
	"futures.py":     {"wrap_future"},
}

// awaitsSomething reports whether a call of f marks its caller as a
// coroutine (see step 2 at the top of this file).
func awaitsSomething(f *parse.Func) bool {
	if cFunc(f) {
		return strings.Contains(f.Name, "of 'uvloop.loop.Loop' objects>") &&
			(strings.HasPrefix(f.Name, "<method 'create_future' ") || strings.HasPrefix(f.Name, "<method 'run_in_executor' "))
	}
	if inPackage(f.File, "trio/_core", "_traps.py") {
		return true
	}
	if !inPackage(f.File, "asyncio", "") {
		return false
	}
	base := path.Base(slashed(f.File))
	name := funcName(f)
	return slices.Contains(asyncioCoroutines[base], name) || slices.Contains(awaitedResults[base], name)
}

// nodeKind is how the walk treats a function inside loop steps.
type nodeKind uint8

const (
	kindOutside   nodeKind = iota // not reached from a loop step
	kindMachinery                 // the loop's own code: walked through, never blamed
	kindCoroutine                 // walked through; its own time is a blocker
	kindThin                      // a thin layer (wrapper, handler, dispatch): walked through
	kindWork                      // synchronous work: blamed whole
)

// loopWalk classifies the functions that ran inside loop steps.
type loopWalk struct {
	p        *parse.Profile
	rt       *loopRuntime
	awaits   []bool // the function awaits: a coroutine wherever it runs
	kind     []nodeKind
	demoted  []bool // thin layers also called from outside the loop
	steps    []float64
	visiting []bool

	// installed is set when no code of the user's own runs in the loop:
	// the application itself lives in site-packages, and its code counts
	// as the user's.
	installed bool

	// resumptions is false for yappi, which counts a coroutine once per
	// call and times it across its awaits: a coroutine's own time then
	// includes waiting, and its calls are not steps.
	resumptions bool
}

func newLoopWalk(p *parse.Profile, rt *loopRuntime) *loopWalk {
	w := &loopWalk{p: p, rt: rt, awaits: make([]bool, len(p.Funcs)), demoted: make([]bool, len(p.Funcs)),
		resumptions: p.Dialect != "yappi"}
	w.findAwaiting()
	// Installed unless some function under the loop is the user's; the
	// walk ends at the first one found.
	w.installed = true
	var under funcSet
	isUser := func(g *parse.Func) bool {
		w.installed = w.installed && origin(g) != User
		return !w.installed
	}
	for _, f := range rt.starts {
		under.addReachable(f, isUser)
	}
	// Classify, then demote thin layers that are also called from outside
	// loop steps (their callees' numbers would mix both), until stable.
	for {
		w.classify()
		changed := false
		for _, f := range p.Funcs {
			if w.kind[f.ID] != kindThin {
				continue
			}
			for _, e := range f.In {
				if !w.passes(e) {
					w.demoted[f.ID], changed = true, true
					break
				}
			}
		}
		if !changed {
			break
		}
	}
	w.steps = make([]float64, len(p.Funcs))
	for i := range w.steps {
		w.steps[i] = -1
	}
	w.visiting = make([]bool, len(p.Funcs))
	return w
}

// findAwaiting marks the functions that await: callers of an awaitable,
// and, transitively, the Python callers of those.
func (w *loopWalk) findAwaiting() {
	var queue []*parse.Func
	mark := func(f *parse.Func) {
		if !w.awaits[f.ID] && !cFunc(f) {
			w.awaits[f.ID] = true
			queue = append(queue, f)
		}
	}
	for _, f := range w.p.Funcs {
		if awaitsSomething(f) {
			for _, e := range f.In {
				mark(e.Caller)
			}
		}
	}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		for _, e := range f.In {
			mark(e.Caller)
		}
	}
}

// classify walks down from the runtime's step dispatchers.
func (w *loopWalk) classify() {
	w.kind = make([]nodeKind, len(w.p.Funcs))
	var stack []*parse.Func
	for _, f := range w.rt.starts {
		if w.kind[f.ID] == kindOutside {
			w.kind[f.ID] = kindMachinery
			stack = append(stack, f)
		}
	}
	if !w.resumptions {
		// Without its builtins, yappi records no caller for a task's
		// outermost coroutine: take every caller-less coroutine for one.
		for _, f := range w.p.Funcs {
			if len(f.In) == 0 && w.awaits[f.ID] && !w.rt.machinery(f) {
				w.kind[f.ID] = kindCoroutine
				stack = append(stack, f)
			}
		}
	}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, e := range f.Out {
			c := e.Callee
			if w.kind[c.ID] != kindOutside || !w.passes(e) {
				continue
			}
			w.kind[c.ID] = w.kindOf(c)
			if w.kind[c.ID] != kindWork {
				stack = append(stack, c)
			}
		}
	}
}

// passes reports whether e carries loop work into its callee: its caller
// runs inside loop steps and hands on that callee. The loop's machinery
// hands on only its own code, dispatched callbacks and callbacks into
// user or library code (protocol methods); what it calls in the standard
// library or in C is the loop's own work.
func (w *loopWalk) passes(e *parse.Edge) bool {
	switch w.kind[e.Caller.ID] {
	case kindOutside, kindWork:
		return false
	case kindMachinery:
		c := e.Callee
		if w.rt.machinery(c) || isDispatcher(e.Caller) && !cFunc(c) {
			return true
		}
		o := w.origin(c)
		return o == User || o == ThirdParty
	}
	return true
}

// kindOf classifies c, reached inside loop steps.
func (w *loopWalk) kindOf(c *parse.Func) nodeKind {
	switch {
	case w.rt.machinery(c):
		return kindMachinery
	case w.awaits[c.ID], stepRoot(c):
		return kindCoroutine
	case !w.demoted[c.ID] && w.thin(c):
		return kindThin
	}
	return kindWork
}

// thin reports whether the walk looks through c to the work it calls: a
// comprehension; a user function whose time goes mostly to callees it calls
// at most thinCalls times per call of its own (a handler or wrapper, not a
// loop over many cheap calls, which is blamed whole); or library code whose
// time goes mostly to such calls back into the user's code (a framework
// handing a request to its handler).
func (w *loopWalk) thin(c *parse.Func) bool {
	o := w.origin(c)
	if o == User && isComprehension(c) {
		return true
	}
	if o != User && o != ThirdParty || c.Cum <= 0 {
		return false
	}
	calls := c.Primitive
	if calls <= 0 {
		calls = c.Calls
	}
	var held float64
	for _, e := range c.Out {
		callee := e.Callee
		if callee == c || isComprehension(callee) || e.Calls > thinCalls*calls ||
			o == ThirdParty && w.origin(callee) != User {
			continue
		}
		held += e.Cum
	}
	return held >= thinShare*c.Cum
}

// stepRoot reports whether a step dispatcher calls f: it is a task's
// outermost coroutine or a callback, walked through either way.
func stepRoot(f *parse.Func) bool {
	if cFunc(f) {
		return false
	}
	for _, e := range f.In {
		if isDispatcher(e.Caller) {
			return true
		}
	}
	return false
}

func isComprehension(f *parse.Func) bool {
	switch f.Name {
	case "<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>", "<lambda>":
		return true
	}
	return false
}

// stepsOf bounds the number of distinct loop steps in which f ran: a step
// dispatcher's callee runs one step per call; any other function runs in
// no more steps than it was called from each caller, nor more than that
// caller ran in.
func (w *loopWalk) stepsOf(f *parse.Func) float64 {
	if w.steps[f.ID] >= 0 {
		return w.steps[f.ID]
	}
	total := float64(w.rt.steps)
	if !w.resumptions || slices.Contains(w.rt.starts, f) || w.visiting[f.ID] {
		return total // calls are not steps, a start, or recursion: no tighter bound
	}
	w.visiting[f.ID] = true
	var n float64
	for _, e := range f.In {
		if !w.passes(e) {
			continue
		}
		calls := float64(e.Calls)
		if isDispatcher(e.Caller) {
			n += calls
		} else {
			n += math.Min(calls, w.stepsOf(e.Caller))
		}
	}
	w.visiting[f.ID] = false
	if total > 0 {
		n = math.Min(n, total)
	}
	w.steps[f.ID] = n
	return n
}

// blockers turns the classified walk into the ranked, advised list.
func (w *loopWalk) blockers(l *Loop, findings []Finding) []Blocker {
	var out []Blocker
	for _, f := range w.p.Funcs {
		k := w.kind[f.ID]
		if k != kindWork && k != kindCoroutine && k != kindThin {
			continue
		}
		own := k != kindWork
		if own && (w.origin(f) == Native || !w.resumptions) {
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
			b.Finding = linkFinding(f, b.Cost, findings)
		}
		b.Advice = w.advice(&b, own, findings)
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b Blocker) int {
		return cmp.Or(cmp.Compare(b.Cost, a.Cost), strings.Compare(Label(a.Func), Label(b.Func)), cmp.Compare(a.Func.ID, b.Func.ID))
	})
	if len(out) > maxBlockers {
		out = out[:maxBlockers]
	}
	if out == nil {
		out = []Blocker{}
	}
	return out
}

// slowSteps says which task's steps passed the slow threshold on average
// when no blocker did alone: several blockers in one step add up, and
// asyncio's debug mode would log such a step. The mean over a step root's
// resumptions is a lower bound on its longest step.
func (w *loopWalk) slowSteps(l *Loop) string {
	for _, b := range l.Blockers {
		if b.ProbablySlow {
			return ""
		}
	}
	var worst *parse.Func
	var mean float64
	for _, f := range w.p.Funcs {
		if w.kind[f.ID] != kindCoroutine {
			continue
		}
		for _, e := range f.In {
			if isDispatcher(e.Caller) && w.passes(e) && e.Calls > 0 && e.Cum/float64(e.Calls) > mean {
				worst, mean = f, e.Cum/float64(e.Calls)
			}
		}
	}
	if worst == nil || mean < l.SlowThreshold {
		return ""
	}
	return fmt.Sprintf("Steps of %s took %s on average, past the %s slow-callback threshold, though no single call in them did: together they stall the loop, and asyncio's debug mode would log those steps.",
		Label(worst), amount(w.p, mean), amount(w.p, l.SlowThreshold))
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
		if w.origin(cur) == User {
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
func linkFinding(f *parse.Func, cost float64, findings []Finding) int {
	best := -1
	var below *funcSet
	for i, fd := range findings {
		if fd.Func == nil || fd.Cost < thinShare*cost || best >= 0 && fd.Cost <= findings[best].Cost {
			continue
		}
		if below == nil {
			below = reachable(f)
		}
		if below.has(fd.Func) {
			best = i
		}
	}
	return best
}

// advice names the fix class for b in one sentence and, in a second, the
// user's code where the fix goes. Waiting comes before setup: a request
// repeated identically is repeated work too, but the fix for time spent
// waiting on a socket is not to cache it.
func (w *loopWalk) advice(b *Blocker, own bool, findings []Finding) string {
	f := b.Func
	words := w.rt.words
	var fix string
	switch {
	case own && w.origin(f) == User:
		return fmt.Sprintf("Move the work done in the body of %s into a plain function and run it with %s (a process pool for pure-Python work, which holds the GIL).", Label(f), words.cpu)
	case b.CallSite == nil && w.origin(f) != User:
		return fmt.Sprintf("No code of yours calls %s here: it is the library's own work inside the loop (a coroutine whose awaits leave no trace looks the same), so if it matters, look for a lighter option in the library.", f.Name)
	case cName(f) == "<built-in method time.sleep>":
		fix = fmt.Sprintf("Replace time.sleep with %s: time.sleep stops the whole loop.", words.sleep)
	case strings.HasPrefix(cName(f), "<method 'acquire' of '_thread."):
		fix = fmt.Sprintf("Await the result instead of blocking on a lock or another thread's future: wrap concurrent futures with asyncio.wrap_future, or move the waiting call to %s.", words.toThread)
	case waitsOnIO(f):
		fix = fmt.Sprintf("This call waits for I/O with the loop stopped: use %s, or move the call to a thread with %s.", words.asyncVariant(f), words.toThread)
	case b.Finding >= 0:
		fix = fmt.Sprintf("Cache it: every call repeats the same setup in %s (finding %d), so build it once and reuse it, and the loop stops stalling on it.", Label(findings[b.Finding].Func), b.Finding+1)
	default:
		fix = fmt.Sprintf("Move this CPU-bound call off the loop with %s (a process pool for pure-Python work, which holds the GIL), or make it cheaper.", words.cpu)
	}
	if b.CallSite != nil {
		fix += " The call is in " + Label(b.CallSite) + "."
	}
	return fix
}

// asyncVariant names the non-blocking replacement for a blocking call.
func (fw fixWords) asyncVariant(f *parse.Func) string {
	switch {
	case inPackage(f.File, "urllib", "request.py"), inPackage(f.File, "http", "client.py"),
		inPackage(f.File, "requests", ""), inPackage(f.File, "urllib3", ""), inPackage(f.File, "httpx", ""):
		return fw.http
	case funcName(f) == "getaddrinfo" || cName(f) == "<built-in method _socket.getaddrinfo>" || funcName(f) == "create_connection" && inPackage(f.File, "", "socket.py"):
		return fw.resolve
	case inPackage(f.File, "", "subprocess.py") && origin(f) == Stdlib:
		return fw.process
	}
	return "the library's async variant"
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
func waitsOnIO(f *parse.Func) bool {
	if cFunc(f) {
		return slices.Contains(blockingCalls, cName(f))
	}
	inside := reachable(f)
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
