package analyze

import (
	"math"
	"path"
	"strings"

	"github.com/loopdoctor/loopdoctor/internal/location"
	"github.com/loopdoctor/loopdoctor/parse"
)

// loopRuntime is what one event-loop implementation's frames say about it.
type loopRuntime struct {
	name       string
	wall, idle float64
	steps      int64
	starts     []*parse.Func // frames whose callees run inside loop steps
	machinery  func(*parse.Func) bool
	notes      []LoopNote
}

// findRuntime recognises asyncio's default loop, trio or uvloop, in that
// order.
func findRuntime(ix *profileIndex) *loopRuntime {
	p := ix.p
	if rt := asyncioRuntime(ix); rt != nil {
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
func asyncioRuntime(ix *profileIndex) *loopRuntime {
	rt := &loopRuntime{name: "asyncio", machinery: asyncioMachinery}
	found := false
	for fp, fs := range ix.byFile() {
		// One switch on the base name passes over the other files, as
		// in threadNotes.
		var baseEvents, events bool
		switch fp.base() {
		case "base_events.py":
			baseEvents = fp.in("asyncio", "base_events.py")
		case "events.py":
			events = fp.in("asyncio", "events.py")
		}
		if !baseEvents && !events {
			continue
		}
		for _, f := range fs {
			switch {
			case baseEvents && funcName(f) == "_run_once":
				found = true
				rt.wall += f.Cum
				for _, e := range f.Out {
					// selectors.py's select, or the proactor's on Windows.
					if hasName(e.Callee, "select") && !cFunc(e.Callee) {
						rt.idle += e.Cum
					}
				}
			case events && funcName(f) == "_run":
				rt.steps += f.Calls
				rt.starts = append(rt.starts, f)
			}
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
	rt := &loopRuntime{name: "trio", machinery: trioMachinery}
	var busy float64
	for _, f := range p.Funcs {
		switch {
		case hasName(f, "unrolled_run") && inPackage(f.File, "trio/_core", "_run.py"):
			rt.starts = append(rt.starts, f)
			busy += f.Cum
			for _, e := range f.Out {
				switch {
				case isContextRun(e.Callee):
					rt.steps += e.Calls
				case hasName(e.Callee, "get_events"):
					busy -= e.Cum // waited inside the generator: idle, counted below
				}
			}
		case hasName(f, "get_events") && inPackage(f.File, "trio/_core", "_io_*.py"):
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
	rt := &loopRuntime{name: "uvloop", machinery: uvloopMachinery}
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
	rt.notes = append(rt.notes, LoopNote{Kind: NoteUvloop})
	return rt
}

// threadNotes warns when other threads' calls are mixed into the profile
// (Python 3.12 and later profile every thread) and when the loop handed
// work to threads that an older profiler could not see.
func threadNotes(ix *profileIndex) []LoopNote {
	var threads, handoff bool
	for fp, fs := range ix.byFile() {
		// The files that hold the functions looked for, each its own
		// flag. Each is named as the case that asks: one switch on the
		// base name passes over the other files, where five questions of
		// each cost 0.4M instructions on large.pstats (callgrind).
		var poolThread, threading, baseEvents, asyncioThreads, trioThreads bool
		switch fp.base() {
		case "thread.py":
			poolThread = fp.in("concurrent/futures", "thread.py")
		case "threading.py":
			threading = fp.in("", "threading.py")
		case "base_events.py":
			baseEvents = fp.in("asyncio", "base_events.py")
		case "threads.py":
			asyncioThreads = fp.in("asyncio", "threads.py")
		case "_threads.py":
			trioThreads = fp.in("trio", "_threads.py")
		}
		if !(poolThread || threading || baseEvents || asyncioThreads || trioThreads) {
			continue
		}
		for _, f := range fs {
			if f.Calls <= 0 {
				continue
			}
			switch name := funcName(f); {
			case poolThread && name == "_worker" || threading && name == "_bootstrap_inner":
				threads = true
			case baseEvents && name == "run_in_executor" || asyncioThreads && name == "to_thread" ||
				trioThreads && name == "to_thread_run_sync":
				handoff = true
			}
		}
	}
	switch {
	case threads:
		return []LoopNote{{Kind: NoteThreadsMixed}}
	case handoff:
		return []LoopNote{{Kind: NoteHandedOff}}
	}
	return nil
}

// inPackage matches a file by path suffix, never by line. With a base name
// (a path.Match pattern such as "events.py" or "_io_*.py") the file must be
// so named and sit directly in a directory whose path ends in dir ("" for
// any directory); without one it may sit anywhere under dir. Scans of every
// function test each file once, with the path the index split (byFile).
func inPackage(file, dir, base string) bool { return splitPath(file).in(dir, base) }

// filePath is a file's path with forward slashes and where its last
// slash is, for the scans that ask several inPackage questions of each
// file: the index keeps one per file.
type filePath struct {
	path  string
	slash int // the index of the last slash in path, -1 when none
}

func splitPath(file string) filePath {
	file = slashed(file)
	// Most names in a Python dump have no slash at all (850 of
	// large.pstats' 1,327 files: modules run from the current
	// directory, built-ins, "<string>"), and one fast scan forward says
	// so, where the scan back from the end reads every byte.
	if strings.IndexByte(file, '/') < 0 {
		return filePath{file, -1}
	}
	return filePath{file, strings.LastIndexByte(file, '/')}
}

// base is path.Base(fp.path), the last element, found from the slash the
// split found: path.Base looks for it again, byte by byte from the end
// (0.2M instructions for large.pstats' 1,327 files, under callgrind).
func (fp filePath) base() string {
	if b := fp.path[fp.slash+1:]; b != "" {
		return b
	}
	return path.Base(fp.path) // "" or a path ending in a slash
}

// in is inPackage for the file of fp.
func (fp filePath) in(dir, base string) bool {
	if fp.slash < 0 {
		return false
	}
	d, b := fp.path[:fp.slash], fp.path[fp.slash+1:]
	switch {
	case base == "":
		return hasDir(d, dir)
	case dir != "" && d != dir && !(strings.HasSuffix(d, dir) && d[len(d)-len(dir)-1] == '/'):
		// The directory first: it rules out most files, and comparing
		// it costs less than looking at the base name for a pattern.
		return false
	}
	if strings.ContainsAny(base, `*?[\`) {
		ok, _ := path.Match(base, b)
		return ok
	}
	return b == base
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

func asyncioMachinery(f *parse.Func) bool {
	return isContextRun(f) || isCoroutineDriver(f) || inPackage(f.File, "asyncio", "") ||
		inPackage(f.File, "", "selectors.py") && origin(f) == location.Stdlib
}

func trioMachinery(f *parse.Func) bool {
	return isContextRun(f) || isCoroutineDriver(f) || inPackage(f.File, "trio", "") ||
		inPackage(f.File, "outcome", "") || strings.HasPrefix(f.File, "<attrs generated methods trio.")
}

func uvloopMachinery(f *parse.Func) bool {
	return asyncioMachinery(f) || inPackage(f.File, "uvloop", "") ||
		cFunc(f) && strings.Contains(f.Name, "'uvloop.")
}
