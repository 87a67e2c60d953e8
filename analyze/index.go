package analyze

import (
	"iter"
	"math"
	"slices"
	"strings"

	"github.com/loopdoctor/loopdoctor/internal/callgraph"
	"github.com/loopdoctor/loopdoctor/internal/location"
	"github.com/loopdoctor/loopdoctor/parse"
)

// profileIndex is what the analyses of one profile look up over and over,
// derived once per report and shared by the setup search and the
// event-loop report: the origin of each function, and for profiles with
// call counts the call graph as arrays of function IDs with its recursive
// cycles. The walks over subtrees (private, reachable) read the arrays
// instead of following Edge and Func pointers: on a 17,000-function dump
// the pointers' targets do not fit in the cache, and the walks spent most
// of their time waiting for them.
type profileIndex struct {
	p   *parse.Profile
	lim *Limits // the thresholds the report judges by

	// origins holds location.OriginOf of each function, by ID, plus one,
	// in a byte: the analyses read it for functions all over the
	// profile, and a smaller array is fewer fresh pages and cache lines
	// (origin). The pass over the functions sets only the native ones;
	// 0 means the file's origin is not known yet, and origin finds it
	// for the whole file when first asked. A report asks about the
	// files of a few functions: on large.pstats, classifying all 1,327
	// files up front cost 1.7M instructions (1.6% of the run).
	origins    []uint8
	dirOrigins map[string]location.Origin // see dirOrigin

	// fileStarts lists where each file's functions begin in p.Funcs,
	// which Normalize sorts by file, then len(p.Funcs): the scans for the
	// functions of a few files (byFile) test each file once and pass the
	// others' functions without reading them.
	fileStarts []int32
	paths      []filePath // each file's path, split, parallel to fileStarts

	// catalog is the setup patterns the report looks for; catalogued
	// lists, in ID order, the functions some pattern's Build names, and
	// patterns those patterns' indexes in catalog, ascending, for each.
	// They are found in the pass that reads every function anyway.
	catalog    []Pattern
	catalogued []int32
	patterns   map[int32][]int

	// modules lists the functions that run a module's body, "<module>",
	// by ID: newCallGraph fixes their run-time shares and need not read
	// every function again to find them.
	modules []int32

	// uncalled lists the functions nobody calls, with no In edge, by
	// ID: newCallGraph fixes their run-time shares (2 of 17,062 on
	// large.pstats). Set only when the profile has call counts.
	uncalled []int32

	// calls sums every function's calls, -1 when the profile has no call
	// counts; callCounts lists the Calls of every function called twice
	// and MinCalls times or more, in p.Funcs order, for identicalBound,
	// which asks about shape roots' counts, no fewer (5,549 of 17,062
	// functions on large.pstats; 7,085 are called twice or more). Both
	// are gathered in the pass that reads every function anyway.
	calls      int64
	callCounts []int64

	// shapeRoots lists, by ID, the functions that may be shape
	// candidates by their own figures (countedShapes), found in the same
	// pass.
	shapeRoots []int32

	// Set only when the profile has call counts (pstats):
	out    *callgraph.Graph      // each function's callees, in f.Out order: out.Adj[i] is p.Edges[i]'s
	in     *callgraph.Graph      // each function's callers, in f.In order (by caller ID); made when first needed (callerGraph)
	cycles *callgraph.Components // recursive cycles: the components of out
	dag    *callgraph.Graph      // out condensed: one node per cycle; made when a walk first needs it (condensed)

	spareSets []*funcSet // released sets, for newFuncSet to reuse
	spare     *reach     // reachesAny's set, reused from call to call
	queue     []int32    // addReachable's queue, reused from call to call
}

// indexBlock is how many functions newProfileIndex reads ahead of its
// main loop: on large.pstats blocks of 128 to 512 did about as well, 32
// and 64 less so.
const indexBlock = 128

// newProfileIndex indexes p for a report that looks for catalog's setup
// patterns (none when catalog is empty) by the thresholds lim (nil means
// DefaultLimits). also, when not nil, is shown every function in the
// same pass, a block at a time in p.Funcs order: the ranking, which reads
// every function too, takes its look there.
func newProfileIndex(p *parse.Profile, catalog []Pattern, lim *Limits, also func(fs []*parse.Func)) *profileIndex {
	if lim == nil {
		d := DefaultLimits()
		lim = &d
	}
	n := len(p.Funcs)
	ix := &profileIndex{p: p, lim: lim, origins: make([]uint8, n), catalog: catalog, patterns: map[int32][]int{}, calls: -1}
	var builds *buildIndex
	if len(catalog) > 0 {
		builds = newBuildIndex(catalog)
	}
	var fx fileIndex
	var file string // the file of the functions the pass is in
	hasCalls := p.HasCalls()
	leastCounted := max(2, lim.MinCalls)
	if hasCalls {
		// Most functions run once. Room for every function costs less
		// than growing the array from empty (on large.pstats 7,085 of
		// 17,062 are kept), and pages never written are never touched.
		ix.calls, ix.callCounts = 0, make([]int64, 0, n)
	}
	// One pass over the functions, a block at a time: each Func read is
	// a cache miss on a large dump, whose functions lie in memory in
	// reading order, not in p.Funcs order. A short loop over the block
	// first reads the fields every function needs (the call counts, and
	// whether it is native, which reads its name), and the processor has
	// the misses of many functions in flight at once; the longer loop
	// that follows finds them in the cache. On large.pstats this took
	// the index and the ranking from 4.1 to 2.4 ms (medians of 40 runs,
	// timed in the process), where one loop waited for one function's
	// misses after another.
	for start := 0; start < n; start += indexBlock {
		block := p.Funcs[start:min(start+indexBlock, n)]
		for k, f := range block {
			if hasCalls {
				// The sum cannot wrap: parse refuses profiles whose
				// counts add up to more than an int64 holds
				// (Profile.Validate).
				ix.calls += f.Calls
				if f.Calls >= leastCounted {
					ix.callCounts = append(ix.callCounts, f.Calls)
				}
			}
			if location.IsNative(f) {
				ix.origins[start+k] = uint8(location.Native) + 1
			}
		}
		if also != nil {
			also(block)
		}
		for k, f := range block {
			i := start + k
			if i == 0 || f.File != file {
				file = f.File
				ix.fileStarts = append(ix.fileStarts, int32(i))
				fp := splitPath(f.File)
				ix.paths = append(ix.paths, fp)
				if builds != nil {
					fx = builds.forFile(fp)
				}
			}
			if builds != nil && len(f.Name) >= fx.least && fx.may(f.Name) {
				if is := fx.patterns(f.Name); len(is) > 0 {
					ix.catalogued = append(ix.catalogued, int32(i))
					ix.patterns[int32(i)] = is
				}
			}
			native := ix.origins[i] != 0
			// entry's calls are at most f's primitive calls and its
			// cost at most f's (or 0): a function too cheap in all is
			// no shape candidate, known without reading its callers'
			// edges.
			if hasCalls && !native && f.Primitive >= lim.MinCalls && lim.costly(p, max(f.Cum, 0)) {
				ix.shapeRoots = append(ix.shapeRoots, int32(i))
			}
			if f.Name == "<module>" {
				ix.modules = append(ix.modules, int32(i))
			}
			if hasCalls && len(f.In) == 0 {
				ix.uncalled = append(ix.uncalled, int32(i))
			}
		}
	}
	ix.fileStarts = append(ix.fileStarts, int32(n))
	if !hasCalls {
		return ix
	}
	// The graph and its cycles are the profile's, which the pstats reader
	// may have made already; its edges are p.Edges in order.
	ix.out, ix.cycles = p.CallGraph()
	return ix
}

// callerGraph is the callers' graph, the call graph transposed, made on
// first use: only the solver of the run-time shares walks it whole. The
// few other questions about a function's callers read its In edges,
// which on a large dump is far less than transposing 54,000 edges into
// fresh memory.
func (ix *profileIndex) callerGraph() *callgraph.Graph {
	if ix.in == nil {
		// Normalize sorts each In by caller, the order of the transpose.
		ix.in = ix.out.Transpose()
	}
	return ix.in
}

// origin is the location.Origin of function id.
func (ix *profileIndex) origin(id int) location.Origin {
	if ix.origins[id] == 0 {
		ix.fileOrigin(id)
	}
	return location.Origin(ix.origins[id] - 1)
}

// fileOrigin sets the origin of every function not native in the file
// of function id (see origins).
func (ix *profileIndex) fileOrigin(id int) {
	k, found := slices.BinarySearch(ix.fileStarts, int32(id))
	if !found {
		k-- // id lies inside the file that starts before it
	}
	first, end := ix.fileStarts[k], ix.fileStarts[k+1]
	o := uint8(ix.dirOrigin(ix.p.Funcs[first].File, ix.paths[k].slash)) + 1
	for i := first; i < end; i++ {
		if ix.origins[i] == 0 {
			ix.origins[i] = o
		}
	}
}

// dirOrigin is location.FileOrigin(file), remembered by directory:
// FileOrigin reads the directories of a path, not the file's own name,
// and none of its tests of the whole path (a "<frozen " or "$GOROOT/"
// prefix, a backslash, a drive letter) can tell apart two files after
// the same last separator. On large.pstats the event-loop report asks
// about 336 files in 50 directories, and their scans cost 0.92M
// instructions, about 2,700 each. slash is where the last separator
// of file is, -1 for none, which the index's split path knows: looking
// for it again cost 0.06M instructions.
func (ix *profileIndex) dirOrigin(file string, slash int) location.Origin {
	dir := file[:slash+1]
	if dir == "" {
		return location.FileOrigin(file)
	}
	o, ok := ix.dirOrigins[dir]
	if !ok {
		o = location.FileOrigin(file)
		if ix.dirOrigins == nil {
			ix.dirOrigins = map[string]location.Origin{}
		}
		ix.dirOrigins[dir] = o
	}
	return o
}

// condensed is the call graph condensed, made on first use: most reports
// walk it for a few findings' candidates, and many for none.
func (ix *profileIndex) condensed() *callgraph.Graph {
	if ix.dag == nil {
		ix.dag = ix.cycles.Condense(ix.out)
	}
	return ix.dag
}

// byFile yields each file's path, split, and its functions, a window of
// p.Funcs, in turn: the scans that look for a few files test each file's
// path once, split once for all of them.
func (ix *profileIndex) byFile() iter.Seq2[filePath, []*parse.Func] {
	return func(yield func(filePath, []*parse.Func) bool) {
		for k := 1; k < len(ix.fileStarts); k++ {
			if !yield(ix.paths[k-1], ix.p.Funcs[ix.fileStarts[k-1]:ix.fileStarts[k]]) {
				return
			}
		}
	}
}

// usersOwn reports whether f is in one of the user's own files, where a
// fix goes: not the standard library, an installed package or a built-in
// (site-packages and dist-packages on any OS), and a real file. Code
// compiled from a string ("<string>" for exec and eval, dataclasses' and
// namedtuple's generated methods; "<decorator-gen-3>", "<template>") was
// generated by a library; nobody edits it, so the walk to a call site goes
// on past it.
func (ix *profileIndex) usersOwn(f *parse.Func) bool {
	return ix.origin(f.ID) == location.User && !strings.HasPrefix(f.File, "<")
}

// reach is a set of the cycles (components) some functions reach, walked
// on the condensed graph: a recursive cluster of thousands of functions is
// one node there, and entered once.
type reach struct {
	ix    *profileIndex
	seen  []bool // by component
	stack []int32
}

func (ix *profileIndex) newReach() *reach {
	return &reach{ix: ix, seen: make([]bool, ix.cycles.Len())}
}

// reset empties r for another set of functions.
func (r *reach) reset() { clear(r.seen) }

// add marks f's cycle and every cycle it reaches, leaving out those
// numbered below floor: nothing there leads back to a cycle numbered
// floor or above (see callgraph.Condense), so a set built with the lowest
// cycle number of the functions asked about (profileIndex.cycleOf) answers for all
// of them. The walk stops at cycles marked before, whose own walk went
// down to the floor then: a floor never lower than the one before keeps
// that right.
func (r *reach) add(f *parse.Func, floor int32) {
	k := r.ix.cycleOf(f)
	if r.seen[k] {
		return
	}
	r.seen[k] = true
	r.stack = append(r.stack[:0], k)
	dag := r.ix.condensed()
	for len(r.stack) > 0 {
		k := r.stack[len(r.stack)-1]
		r.stack = r.stack[:len(r.stack)-1]
		for _, next := range dag.Succ(int(k)) {
			if next >= floor && !r.seen[next] {
				r.seen[next] = true
				r.stack = append(r.stack, next)
			}
		}
	}
}

// has reports whether f is in a marked cycle: some function added reaches
// it, if its cycle is numbered at or above the floors used.
func (r *reach) has(f *parse.Func) bool { return r.seen[r.ix.cycleOf(f)] }

// cycleOf is the number of f's cycle, its node in the condensed graph.
func (ix *profileIndex) cycleOf(f *parse.Func) int32 { return ix.cycles.Of[f.ID] }

// reachesAny returns what f reaches, as far as needed to tell for each of
// targets (nil ones left out) whether f reaches it. The set is the same
// one each call, valid until the next.
func (ix *profileIndex) reachesAny(f *parse.Func, targets []*parse.Func) *reach {
	floor := int32(math.MaxInt32)
	for _, t := range targets {
		if t != nil {
			floor = min(floor, ix.cycleOf(t))
		}
	}
	if ix.spare == nil {
		ix.spare = ix.newReach()
	}
	r := ix.spare
	r.reset()
	r.add(f, floor)
	return r
}
