package analyze

import (
	"math"
	"slices"
	"strings"

	"github.com/loopdoctor/loopdoctor/internal/location"
	"github.com/loopdoctor/loopdoctor/parse"
)

// cFunc reports whether f is a C function: cProfile's file "~", the
// profile module's "" and yappi's "__builtin__" or bare module name, all
// with line 0.
func cFunc(f *parse.Func) bool {
	return f.File == "~" || f.Line == 0 && cFile(f.File)
}

// cFile reports whether file may hold C functions (cFunc): the scans that
// go file by file pass the others' functions without reading them. A
// path holds a slash, a dot or a '<': the loop looks for one byte by
// byte, where strings.ContainsAny first built a set of the four (0.08M
// instructions for large.pstats' event-loop report, callgrind).
func cFile(file string) bool {
	if file == "~" || file == "__builtin__" {
		return true
	}
	for i := 0; i < len(file); i++ {
		switch file[i] {
		case '/', '\\', '.', '<':
			return false
		}
	}
	return true
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

// hasName reports whether funcName(f) is name, cheaply when it is not (a
// suffix compare): the event-loop scans ask it of every function.
func hasName(f *parse.Func, name string) bool {
	return strings.HasSuffix(f.Name, name) && funcName(f) == name
}

// origin is OriginOf, also knowing yappi's spelling of C functions and,
// for an installed application, taking its code for the user's.
func (w *loopWalk) origin(f *parse.Func) location.Origin {
	o := w.pyOrigin(f)
	if o == location.ThirdParty && w.isInstalled() {
		return location.User
	}
	return o
}

// isInstalled finds installed on first use: the application is installed
// unless some function under the loop is the user's, and the walk ends
// at the first one found. A report whose loop meets no third-party code
// needs no walk: on large.pstats the walk read 4,059 functions (0.8M
// instructions, callgrind) for an answer no question asked.
func (w *loopWalk) isInstalled() bool {
	if w.installedKnown {
		return w.installed
	}
	w.installed, w.installedKnown = true, true
	ix, p := w.ix, w.p
	under := ix.newFuncSet()
	defer ix.release(under)
	// A function's Func is read only once its file is the user's (as
	// pyOrigin reads it): few are, and each read is a cache miss.
	isUser := func(id int32) bool {
		w.installed = w.installed && (ix.origin(int(id)) != location.User || cFunc(p.Funcs[id]))
		return !w.installed
	}
	for _, f := range w.rt.starts {
		ix.addReachable(under, f, isUser)
	}
	return w.installed
}

// pyOrigin is origin, read from the profile's index.
func (w *loopWalk) pyOrigin(f *parse.Func) location.Origin {
	if cFunc(f) {
		return location.Native
	}
	return w.ix.origin(f.ID)
}

// origin is OriginOf, also knowing yappi's spelling of C functions.
func origin(f *parse.Func) location.Origin {
	if cFunc(f) {
		return location.Native
	}
	return location.OriginOf(f)
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
		return hasName(f, "_run") // before 3.7, Handle._run called the callback itself
	case inPackage(f.File, "asyncio", "tasks.py"):
		n := funcName(f)
		return n == "__step" || n == "_step" || n == "__step_run_and_handle_result"
	case inPackage(f.File, "trio/_core", "_run.py"):
		return hasName(f, "unrolled_run")
	}
	return cFunc(f) && strings.Contains(f.Name, "of 'uvloop.loop.Loop' objects>")
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

// awaitFile is what a file says about whether calling its functions
// marks the caller as a coroutine (see step 2 at the top of this file). It
// is read once per file: the scan asks it of every function, and skips
// the files where the answer is no for all (none).
type awaitFile struct {
	trap    bool   // trio's traps: every function awaits
	asyncio string // the base name of a file in asyncio; "" for others
	c       bool   // the file may hold C functions (cFunc)
}

// awaitFileOf describes the file at fp. cFile reads the path with
// slashes as it reads it as written, so no Func need be read for it, and
// a path with a slash is no C file's: most are passed over without
// cFile's scan of the path (0.13M instructions on large.pstats).
func awaitFileOf(fp filePath) awaitFile {
	c := fp.slash < 0 && cFile(fp.path)
	switch {
	case fp.in("trio/_core", "_traps.py"):
		return awaitFile{trap: true, c: c}
	case fp.in("asyncio", ""):
		return awaitFile{asyncio: fp.base(), c: c}
	}
	return awaitFile{c: c}
}

// none reports whether no call of a function in the file marks its caller.
func (a awaitFile) none() bool { return !a.trap && a.asyncio == "" && !a.c }

// awaits reports whether a call of f, in the file a describes, marks its
// caller as a coroutine.
func (a awaitFile) awaits(f *parse.Func) bool {
	switch {
	case a.c && cFunc(f):
		return strings.Contains(f.Name, "of 'uvloop.loop.Loop' objects>") &&
			(strings.HasPrefix(f.Name, "<method 'create_future' ") || strings.HasPrefix(f.Name, "<method 'run_in_executor' "))
	case a.trap:
		return true
	case a.asyncio != "":
		name := funcName(f)
		return slices.Contains(asyncioCoroutines[a.asyncio], name) || slices.Contains(awaitedResults[a.asyncio], name)
	}
	return false
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
	p       *parse.Profile
	ix      *profileIndex
	rt      *loopRuntime
	lim     *Limits
	awaits  []bool // the function awaits: a coroutine wherever it runs
	kind    []nodeKind
	reached []int32 // the IDs whose kind is not kindOutside, ascending
	demoted []bool  // thin layers also called from outside the loop

	// steps holds stepsOf's bound for each function asked about, and
	// visiting the functions whose bound is being found: a report asks
	// about its few blockers and their callers, so maps hold them, not
	// arrays as long as the profile's functions.
	steps    map[*parse.Func]float64
	visiting map[*parse.Func]bool

	// installed is set when no code of the user's own runs in the loop:
	// the application itself lives in site-packages, and its code counts
	// as the user's. It matters only for third-party code, and is found
	// when origin first meets some (isInstalled).
	installed, installedKnown bool

	// resumptions is false for yappi, which counts a coroutine once per
	// call and times it across its awaits: a coroutine's own time then
	// includes waiting, and its calls are not steps.
	resumptions bool
}

func newLoopWalk(ix *profileIndex, rt *loopRuntime, lim *Limits) *loopWalk {
	p := ix.p
	w := &loopWalk{p: p, ix: ix, rt: rt, lim: lim, awaits: make([]bool, len(p.Funcs)), demoted: make([]bool, len(p.Funcs)),
		resumptions: p.Dialect != "yappi"}
	w.findAwaiting()
	// Classify, then demote thin layers that are also called from outside
	// loop steps (their callees' numbers would mix both), until stable.
	for {
		w.classify()
		changed := false
		for _, i := range w.reached {
			if w.kind[i] != kindThin {
				continue
			}
			f := p.Funcs[i]
			for _, e := range f.In {
				if !w.passes(e) {
					w.demoted[i], changed = true, true
					break
				}
			}
		}
		if !changed {
			break
		}
	}
	w.steps, w.visiting = map[*parse.Func]float64{}, map[*parse.Func]bool{}
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
	for fp, fs := range w.ix.byFile() {
		file := awaitFileOf(fp)
		if file.none() {
			continue
		}
		for _, f := range fs {
			if file.awaits(f) {
				for _, e := range f.In {
					mark(e.Caller)
				}
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
	w.reached = w.reached[:0]
	var stack []*parse.Func
	for _, f := range w.rt.starts {
		if w.kind[f.ID] == kindOutside {
			w.kind[f.ID] = kindMachinery
			w.reached = append(w.reached, int32(f.ID))
			stack = append(stack, f)
		}
	}
	if !w.resumptions {
		// Without its builtins, yappi records no caller for a task's
		// outermost coroutine: take every caller-less coroutine for one.
		for _, f := range w.p.Funcs {
			if len(f.In) == 0 && w.awaits[f.ID] && !w.rt.machinery(f) {
				if w.kind[f.ID] == kindOutside {
					w.reached = append(w.reached, int32(f.ID))
				}
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
			w.kind[c.ID] = w.kindOf(c) // never kindOutside
			w.reached = append(w.reached, int32(c.ID))
			if w.kind[c.ID] != kindWork {
				stack = append(stack, c)
			}
		}
	}
	// The loops over the functions reached read this list, in ID order,
	// where each scanned all the kinds (3 scans, 0.46M instructions on
	// large.pstats, whose loop reaches 15 of 17,062 functions).
	slices.Sort(w.reached)
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
		return o == location.User || o == location.ThirdParty
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
	if o == location.User && isComprehension(c) {
		return true
	}
	if o != location.User && o != location.ThirdParty || c.Cum <= 0 {
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
			o == location.ThirdParty && w.origin(callee) != location.User {
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
	if n, ok := w.steps[f]; ok {
		return n
	}
	total := float64(w.rt.steps)
	if !w.resumptions || slices.Contains(w.rt.starts, f) || w.visiting[f] {
		return total // calls are not steps, a start, or recursion: no tighter bound
	}
	w.visiting[f] = true
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
	delete(w.visiting, f)
	if total > 0 {
		n = math.Min(n, total)
	}
	w.steps[f] = n
	return n
}
