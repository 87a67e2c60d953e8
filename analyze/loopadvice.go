package analyze

import (
	"fmt"
	"slices"
	"strings"

	"github.com/loopdoctor/loopdoctor/internal/location"
	"github.com/loopdoctor/loopdoctor/parse"
)

// advice names the fix class for b in one sentence and, in a second, the
// user's code where the fix goes. Waiting comes before setup: a request
// repeated identically is repeated work too, but the fix for time spent
// waiting on a socket is not to cache it.
func (w *loopWalk) advice(b *Blocker, own bool, findings []Finding) string {
	f := b.Func
	words := w.rt.words
	var fix string
	switch {
	case own && w.origin(f) == location.User:
		return fmt.Sprintf("Move the work done in the body of %s into a plain function and run it with %s (a process pool for pure-Python work, which holds the GIL).", location.Label(f), words.cpu)
	case b.CallSite == nil && w.origin(f) != location.User:
		return fmt.Sprintf("No code of yours calls %s here: it is the library's own work inside the loop (a coroutine whose awaits leave no trace looks the same), so if it matters, look for a lighter option in the library.", f.Name)
	case cName(f) == "<built-in method time.sleep>":
		fix = fmt.Sprintf("Replace time.sleep with %s: time.sleep stops the whole loop.", words.sleep)
	case strings.HasPrefix(cName(f), "<method 'acquire' of '_thread."):
		fix = fmt.Sprintf("Await the result instead of blocking on a lock or another thread's future: wrap concurrent futures with asyncio.wrap_future, or move the waiting call to %s.", words.toThread)
	case waitsOnIO(f):
		fix = fmt.Sprintf("This call waits for I/O with the loop stopped: use %s, or move the call to a thread with %s.", words.asyncVariant(f), words.toThread)
	case b.Finding >= 0:
		fix = fmt.Sprintf("Cache it: every call repeats the same setup in %s (finding %d), so build it once and reuse it, and the loop stops stalling on it.", location.Label(findings[b.Finding].Func), b.Finding+1)
	default:
		fix = fmt.Sprintf("Move this CPU-bound call off the loop with %s (a process pool for pure-Python work, which holds the GIL), or make it cheaper.", words.cpu)
	}
	if b.CallSite != nil {
		fix += " The call is in " + location.Label(b.CallSite) + "."
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
	case inPackage(f.File, "", "subprocess.py") && origin(f) == location.Stdlib:
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
