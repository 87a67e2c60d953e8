package parse

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/loopdoctor/loopdoctor/internal/callgraph"
)

// Format names the family of an input file.
type Format string

// The formats loopdoctor reads.
const (
	Pstats Format = "pstats" // Python marshal stats dict (cProfile, profile, yappi, ...)
	Pprof  Format = "pprof"  // pprof protobuf or one of its legacy text formats
)

// Profile is the call graph that every reader fills. Values are float64 in
// the profile's own Unit (seconds for pstats; seconds, bytes or counts for
// pprof), so one model carries time, memory and sample counts alike.
type Profile struct {
	Source  string // the name the user gave (file path or "-"), for messages only
	Format  Format
	Dialect string // "cprofile", "profile", "yappi", "python2", "merged", "go", ...
	Unit    string // "seconds", "bytes" or "count"
	Total   float64

	// SampleType is the pprof sample type the values come from ("cpu",
	// "alloc_space", ...); SampleTypes lists every type the file holds.
	// Both are empty for pstats.
	SampleType  string
	SampleTypes []string

	Funcs  []*Func  // sorted by (File, Name, Line); Funcs[i].ID == i
	Edges  []*Edge  // sorted by (Caller.ID, Callee.ID)
	Stacks []Stack  // root first; nil when the format records no stacks (pstats)
	Notes  []string // caveats the reader found in the data, one sentence each

	graph *callGraph // see CallGraph; set by Normalize
}

// Func is one function. For pstats it is one (file, line, name) key; for
// pprof one (name, file) pair with Line the function's start line.
type Func struct {
	ID   int
	Name string
	File string // "~" for CPython built-ins, "" for the profile module's
	Line int

	// Calls counts every call, Primitive the calls that were not recursive
	// (pstats nc and cc). Both are -1 when the format has no call counts.
	Calls, Primitive int64

	// Own excludes callees; Cum includes them, counting each outermost
	// activation once (pstats tt and ct; pprof flat and cum, the latter
	// counted once per sample however often the function recurs in it).
	Own, Cum float64

	// Synthetic marks frames that are not the program's own functions: the
	// profile module's fake frames, unsymbolized addresses.
	Synthetic bool

	In  []*Edge // edges whose Callee is this function, in Edges order
	Out []*Edge // edges whose Caller is this function, in Edges order
}

// Edge is a caller→callee pair with the numbers recorded for it: for pstats
// the callee's calls, own and cumulative time when called from Caller.
type Edge struct {
	Caller, Callee   *Func
	Calls, Primitive int64 // -1 when unknown
	Own, Cum         float64

	// Estimated is set when the reader derived Own and Cum rather than read
	// them (the profile module records only call counts per caller).
	Estimated bool
}

// Stack is one distinct call path with the summed value of its samples.
// Funcs holds function IDs, root first.
type Stack struct {
	Funcs []int
	Value float64
}

// Func returns a printable "file:line(name)" label, the form pstats uses and
// --focus/--ignore match against.
func (f *Func) String() string {
	return f.File + ":" + strconv.Itoa(f.Line) + "(" + f.Name + ")"
}

// HasCalls reports whether the profile records call counts: pstats does,
// pprof does not, even when it holds no function at all.
func (p *Profile) HasCalls() bool {
	if len(p.Funcs) == 0 {
		return p.Format != Pprof
	}
	return p.Funcs[0].Calls >= 0
}

// Normalize sorts functions and edges into canonical order (in new
// arrays of Funcs and Edges; the old array of Edges is reused for the In
// lists), assigns IDs, fills the In/Out
// adjacency lists, remaps stacks to the new IDs and then runs Validate.
// Every reader calls it last; tests that build a Profile by hand call it
// too.
func (p *Profile) Normalize() error {
	for i, f := range p.Funcs {
		f.ID = i // the reader's order, for owns and the edges' ends
	}
	callers, callees := make([]int32, len(p.Edges)), make([]int32, len(p.Edges))
	for i, e := range p.Edges {
		if !p.owns(e.Caller) || !p.owns(e.Callee) {
			return fmt.Errorf("edge joins a function that is not in the profile")
		}
		callers[i], callees[i] = int32(e.Caller.ID), int32(e.Callee.ID)
	}
	return p.order(sortFuncs(p.Funcs), callers, callees, make([]*Func, len(p.Funcs)), true)
}

// order ends normalizing: to[i] is the ID that Funcs[i] gets, and
// callers[i] and callees[i] are the indexes in Funcs of the ends of
// Edges[i]. It puts both in order, checks for duplicate edges, sets IDs,
// In and Out and checks numbers in one pass over the functions, remaps
// stacks and keeps the call graph the edges were sorted by. Only the
// arrays of Funcs and Edges are made anew in order: functions and edges
// stay where they are in memory, which a pass over them in ID order jumps
// about. Funcs are put in sorted, an array of len(Funcs) that the caller
// reads no more.
// The numbers are checked if check is set: a reader that checked every
// function's and edge's as it read them, and computed none, need not
// (on large.pstats, checking the functions again took 0.8M
// instructions). Call counts are summed either way.
func (p *Profile) order(to, callers, callees []int32, sorted []*Func, check bool) error {
	byReader := p.Edges
	o := sortEdges(to, callers, callees, byReader, make([]*Edge, len(byReader)))
	// validValues's check of the edges, made in the order they lie in
	// memory: it reports the first bad one in sorted order.
	var edgeErr error
	if check {
		first := int32(len(p.Edges))
		for i, e := range p.Edges {
			if badEdge(e) && o.to[i] < first {
				first, edgeErr = o.to[i], edgeError(e)
			}
		}
	}
	p.Edges = o.edges
	if o.dup {
		for i := range p.Funcs {
			for j := o.outs[i] + 1; j < o.outs[i+1]; j++ {
				if o.callee[j] == o.callee[j-1] {
					e := p.Edges[j]
					return fmt.Errorf("duplicate edge %s -> %s", e.Caller, e.Callee)
				}
			}
		}
	}
	// In windows, sorted by caller, are filled from the sorted edges,
	// into the array that held them in the reader's order, read no more.
	in, next := byReader, o.next
	copy(next, o.ins[:len(p.Funcs)])
	for j, d := range o.callee {
		in[next[d]] = p.Edges[j]
		next[d]++
	}
	// The functions are set in the reader's order, which is closer to
	// the order they lie in memory than their IDs are, and checked then
	// if they are to be (validNumbers's check of them).
	var c funcNumbers
	for i, f := range p.Funcs {
		id := to[i]
		f.ID = int(id)
		f.Out = p.Edges[o.outs[id]:o.outs[id+1]:o.outs[id+1]]
		f.In = in[o.ins[id]:o.ins[id+1]:o.ins[id+1]]
		if check {
			c.check(f, f.ID)
		} else {
			c.count(f)
		}
	}
	for _, s := range p.Stacks {
		for i, id := range s.Funcs {
			if id < 0 || id >= len(to) {
				return fmt.Errorf("stack refers to function %d of %d", id, len(to))
			}
			s.Funcs[i] = int(to[id])
		}
	}
	p.Funcs = scatter(sorted, p.Funcs, to)
	p.graph = &callGraph{out: &callgraph.Graph{Start: o.outs, Adj: o.callee}, free: &[3][]int32{o.first, o.next, o.ins}}
	// IDs, edge ends and order hold by construction; the numbers remain.
	if c.calls < 0 || c.prim < 0 {
		// An unknown count (-1) makes a sum unknown, so whether it
		// overflowed before depends on the order: sum in ID order.
		return p.validNumbers(edgeErr)
	}
	return p.validChecked(&c, edgeErr)
}

// edgeOrder is the canonical order of a profile's edges, made by
// sortEdges from the IDs of their ends alone.
type edgeOrder struct {
	to     []int32 // to[i]: where the i-th edge in the order given goes
	edges  []*Edge // the edges in order
	callee []int32 // callee[j]: the callee ID of the j-th edge in order
	outs   []int32 // the caller i's edges go from outs[i] to outs[i+1]
	ins    []int32 // the callee i has ins[i+1]-ins[i] edges
	next   []int32 // scratch of n entries, free for the caller
	first  []int32 // n entries read no more, free for the caller
	dup    bool    // some caller has two edges to one callee
}

// sortEdges orders edges by (caller, callee), given the indexes among n
// functions of their ends, callers[i] and callees[i] for edges[i], and
// the ID to[k] that function k gets, without comparing them: it takes
// them callee by callee, each callee's in the order given, and deals them
// out to their callers, so that each caller's edges come out sorted by
// callee, into sorted, an array as long as edges. Apart from that, it
// reads and writes arrays of int32 from start to end, or at an index
// into an array of n, and never a Func or an Edge, which lie scattered in
// memory. The ends are given their IDs as they are counted, and the
// edges put in place as they are dealt, where a pass over the edges did
// each before (on large.pstats under callgrind, sorting the edges took
// 8.95M instructions with those passes, 8.55M without).
// The result's to reuses callers, and its callee callees, which is read
// no more once the edges are taken by callee: no page is touched for them.
//
// Where each callee's edges come together in the order given, as the
// pstats reader gives them (it reads a row's callers at once), they are
// taken from where each callee's begin. Otherwise they are bucketed by
// callee first, which on large.pstats would write 54,338 indexes into an
// array of 0.2 MB.
func sortEdges(to, callers, callees []int32, edges, sorted []*Edge) edgeOrder {
	n := len(to)
	outs, ins := make([]int32, n+1), make([]int32, n+1)
	first := make([]int32, n) // where each callee's edges begin, if they come together
	runs, last := 0, int32(-1)
	for i, c := range callers {
		c, d := to[c], to[callees[i]]
		callers[i], callees[i] = c, d
		outs[c+1]++
		ins[d+1]++
		if d != last {
			runs, last = runs+1, d
			first[d] = int32(i)
		}
	}
	called := 0 // the functions with callers
	for i := 1; i <= n; i++ {
		if ins[i] != 0 {
			called++
		}
		outs[i] += outs[i-1]
		ins[i] += ins[i-1]
	}
	next := make([]int32, n)
	var byCallee []int32
	if runs > called { // some callee's edges are apart
		copy(next, ins[:n])
		byCallee = make([]int32, len(callers))
		for i, d := range callees {
			byCallee[next[d]] = int32(i)
			next[d]++
		}
	}
	copy(next, outs[:n])
	at, callee := callers, callees
	dup := false
	// deal deals the edge i to callee d and reports whether it is a
	// duplicate: c's edge dealt before, if any, is to callee[j-1], and
	// the same callee again is one. outs is read only on a match. The
	// loop over the callees is written out for each way of taking their
	// edges, and deal reports a duplicate rather than setting dup, so
	// that the loops keep their arrays in registers instead of reloading
	// them (sortEdges 5.86M to 5.34M instructions on large.pstats under
	// callgrind).
	deal := func(i, d int32) bool {
		c := callers[i]
		j := next[c]
		at[i], callee[j], sorted[j] = j, d, edges[i]
		next[c]++
		return j > 0 && callee[j-1] == d && j > outs[c]
	}
	if byCallee == nil {
		for d := range int32(n) {
			for i, end := first[d], first[d]+ins[d+1]-ins[d]; i < end; i++ {
				if deal(i, d) {
					dup = true
				}
			}
		}
	} else {
		for d := range int32(n) {
			for _, i := range byCallee[ins[d]:ins[d+1]] {
				if deal(i, d) {
					dup = true
				}
			}
		}
	}
	return edgeOrder{to: at, edges: sorted, callee: callee, outs: outs, ins: ins, next: next, first: first, dup: dup}
}

// sortFuncs returns where each function goes, to[i] for funcs[i], when
// they are sorted by (File, Name, Line). A dump has some ten functions
// per file, so it ranks the distinct files and leaves the rest to
// sortByFile.
func sortFuncs(funcs []*Func) (to []int32) {
	rank := make(map[string]int32)
	var files []string
	for _, f := range funcs {
		if _, ok := rank[f.File]; !ok {
			rank[f.File] = 0
			files = append(files, f.File)
		}
	}
	slices.Sort(files)
	for i, file := range files {
		rank[file] = int32(i)
	}
	ranks, ends := make([]int32, len(funcs)), make([]int32, len(files))
	for i, f := range funcs {
		ranks[i] = rank[f.File]
		ends[ranks[i]]++
	}
	var at int32
	for r, n := range ends {
		ends[r], at = at, at+n // where the file's next function goes
	}
	keys, names := make([]nameKey, len(funcs)), make([]string, len(funcs))
	for i, f := range funcs {
		names[i] = f.Name
		keys[ends[ranks[i]]] = nameKey{prefix: namePrefix(f.Name), line: f.Line, name: uint32(i), i: int32(i)}
		ends[ranks[i]]++
	}
	return sortByFile(keys, ends, names, ranks) // ranks are read no more
}

// sortByFile sorts each file's keys, keys[ends[r-1]:ends[r]] for the
// file ranked r, by name and line, and returns where each function goes,
// to[k.i] for each key k, in the array to. A file has few functions, so
// this is a fraction of the comparisons of one sort of them all, and the
// keys hold all they are compared by but the names' texts: a comparison
// reads no Func, which lie scattered in memory (keys that pointed at them
// took 76,000 simulated D1 read misses on large.pstats under callgrind,
// these 47,000, ranking the files included). Most are settled by the
// names' first eight bytes, compared as one integer; the rest of the
// text, in names, is compared only for names that differ (in the pstats
// reader equal texts have equal indexes in names), and large.pstats's
// 17,000 functions have 10,000 distinct names in 1,300 files, with
// <lambda>, <genexpr> and the like many times in one file. Keys are
// unique within a profile, so the result is deterministic.
func sortByFile(keys []nameKey, ends []int32, names []string, to []int32) []int32 {
	byName := func(a, b nameKey) int {
		if a.prefix != b.prefix {
			c := -1 // a conditional move, where cmp.Compare branches the wrong way half the time
			if a.prefix > b.prefix {
				c = 1
			}
			return c
		}
		if a.name != b.name {
			if c := strings.Compare(names[a.name], names[b.name]); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.line, b.line)
	}
	var first int32
	for _, last := range ends {
		if last-first > 1 {
			slices.SortFunc(keys[first:last], byName)
		}
		first = last
	}
	for j, k := range keys {
		to[k.i] = int32(j)
	}
	return to
}

// scatter sets out[to[i]] to s[i] for every i and returns out. Its
// moves do not wait on each other, where putting s in order in place
// follows each cycle of the permutation one move after another, each
// waiting on the last one's cache miss.
func scatter[T any](out, s []T, to []int32) []T {
	for i, v := range s {
		out[to[i]] = v
	}
	return out
}

// nameKey stands for funcs[i] in sortByFile with its name's first eight
// bytes, big-endian and padded with zeros, so that comparing prefixes as
// integers orders names as their texts do, up to a tie, its line, and the
// index of its name in the texts the sort is given. It holds no pointer,
// so that sorting moves plain numbers.
type nameKey struct {
	prefix uint64
	line   int
	name   uint32
	i      int32
}

// namePrefix is a name's first eight bytes as a nameKey holds them. A
// name of eight bytes or more is read with one load, and a shorter one
// byte by byte, where copying each into a buffer called memmove (0.49M
// instructions on large.pstats, 0.29M now).
func namePrefix(name string) uint64 {
	if len(name) >= 8 {
		return uint64(name[0])<<56 | uint64(name[1])<<48 | uint64(name[2])<<40 | uint64(name[3])<<32 |
			uint64(name[4])<<24 | uint64(name[5])<<16 | uint64(name[6])<<8 | uint64(name[7])
	}
	var p uint64
	for i := range len(name) {
		p |= uint64(name[i]) << (56 - 8*i)
	}
	return p
}

// Validate checks the invariants every consumer relies on: IDs equal
// indexes, edges join functions of this profile in sorted order without
// duplicates, stacks name existing functions, and every number is finite,
// with no negative values or counts below -1.
func (p *Profile) Validate() error {
	for i, f := range p.Funcs {
		if f == nil || f.ID != i {
			return fmt.Errorf("function %d has a wrong ID", i)
		}
	}
	for i, e := range p.Edges {
		if !p.owns(e.Caller) || !p.owns(e.Callee) {
			return fmt.Errorf("edge %d joins functions outside the profile", i)
		}
		if i > 0 {
			prev := p.Edges[i-1]
			c := cmp.Or(cmp.Compare(prev.Caller.ID, e.Caller.ID), cmp.Compare(prev.Callee.ID, e.Callee.ID))
			if c > 0 {
				return fmt.Errorf("edges are not sorted")
			}
			if c == 0 {
				return fmt.Errorf("duplicate edge %s -> %s", e.Caller, e.Callee)
			}
		}
	}
	return p.validValues()
}

// validValues checks Validate's invariants on numbers and stacks.
func (p *Profile) validValues() error {
	for _, e := range p.Edges {
		if badEdge(e) {
			return p.validNumbers(edgeError(e))
		}
	}
	return p.validNumbers(nil)
}

// badEdge reports whether e's numbers break Validate's invariants.
func badEdge(e *Edge) bool {
	return e.Calls < -1 || e.Primitive < -1 || bad(e.Own) || bad(e.Cum)
}

// edgeError says what is wrong with the numbers of e, a badEdge.
func edgeError(e *Edge) error {
	if e.Calls < -1 || e.Primitive < -1 {
		return fmt.Errorf("edge %s -> %s: negative call count", e.Caller, e.Callee)
	}
	return fmt.Errorf("edge %s -> %s: time is negative or not a number", e.Caller, e.Callee)
}

// validNumbers is validValues given edgeErr, the error of the first
// badEdge in Edges, or nil if none is bad: the checks' order decides
// which problem a profile with several is refused for.
func (p *Profile) validNumbers(edgeErr error) error {
	var c funcNumbers
	for i, f := range p.Funcs {
		c.check(f, i)
	}
	return p.validChecked(&c, edgeErr)
}

// funcNumbers checks the numbers of functions one by one for
// validNumbers: it keeps the error of the bad one with the lowest ID, and
// the sums of call counts, as every total of call counts a report makes
// must fit an int64.
type funcNumbers struct {
	err         error
	errID       int
	sum         counter
	calls, prim int64
}

// check checks f, whose ID is id.
func (c *funcNumbers) check(f *Func, id int) {
	var err error
	switch {
	case f.Calls < -1 || f.Primitive < -1:
		err = fmt.Errorf("%s: negative call count", f)
	case bad(f.Own) || bad(f.Cum):
		err = fmt.Errorf("%s: time is negative or not a number (own %v, cum %v)", f, f.Own, f.Cum)
	default:
		c.count(f)
		return
	}
	if c.err == nil || id < c.errID {
		c.err, c.errID = err, id
	}
}

// count adds f's call counts to the sums.
func (c *funcNumbers) count(f *Func) {
	c.calls, c.prim = c.sum.add(c.calls, f.Calls), c.sum.add(c.prim, f.Primitive)
}

// validChecked is validNumbers given c, which has checked every function.
func (p *Profile) validChecked(c *funcNumbers, edgeErr error) error {
	if bad(p.Total) {
		return fmt.Errorf("total %v is not a finite non-negative number", p.Total)
	}
	if c.err != nil {
		return c.err
	}
	if edgeErr != nil {
		return edgeErr
	}
	if c.sum.overflow {
		return errTooManyCalls
	}
	for _, s := range p.Stacks {
		if len(s.Funcs) == 0 {
			return fmt.Errorf("empty stack")
		}
		if bad(s.Value) {
			return fmt.Errorf("stack value %v is negative or not a number", s.Value)
		}
		for _, id := range s.Funcs {
			if id < 0 || id >= len(p.Funcs) {
				return fmt.Errorf("stack refers to function %d of %d", id, len(p.Funcs))
			}
		}
	}
	return nil
}

// errTooManyCalls is the error for call counts whose sum does not fit an
// int64. Python's ints are unbounded, so a dump can hold such counts; they
// are refused rather than wrapped into a negative or wrong figure.
var errTooManyCalls = fmt.Errorf("call counts add up to more than %d, the most loopdoctor can count", int64(math.MaxInt64))

// counter adds call counts, remembering whether a sum overflowed.
type counter struct{ overflow bool }

// add returns a+b, or -1 (unknown) if either is.
func (c *counter) add(a, b int64) int64 {
	if a < 0 || b < 0 {
		return -1
	}
	s := a + b
	if s < a {
		c.overflow = true
		return math.MaxInt64
	}
	return s
}

// owns reports whether f is one of p's functions; valid after IDs are set.
func (p *Profile) owns(f *Func) bool {
	return f != nil && f.ID >= 0 && f.ID < len(p.Funcs) && p.Funcs[f.ID] == f
}

// bad reports whether v is negative, NaN or infinite. Two comparisons,
// both false for NaN, do it: the inlined test costs the readers of every
// time and Validate 1.2M fewer instructions on large.pstats than testing
// the sign, math.IsNaN and math.IsInf one by one.
func bad(v float64) bool { return !(0 <= v && v <= math.MaxFloat64) }

// String prints the profile canonically: a header, then every function,
// edge and stack in model order, numbers in their shortest exact form.
// Parser golden files compare against it, so any change in what a reader
// records shows up as a text diff.
func (p *Profile) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "format %s dialect %s unit %s total %s\n", p.Format, p.Dialect, p.Unit, num(p.Total))
	if p.SampleType != "" {
		fmt.Fprintf(&b, "sample type %s of [%s]\n", p.SampleType, strings.Join(p.SampleTypes, " "))
	}
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "note %s\n", n)
	}
	for _, f := range p.Funcs {
		fmt.Fprintf(&b, "func %d %s calls %d/%d own %s cum %s", f.ID, f, f.Calls, f.Primitive, num(f.Own), num(f.Cum))
		if f.Synthetic {
			b.WriteString(" synthetic")
		}
		b.WriteByte('\n')
	}
	for _, e := range p.Edges {
		fmt.Fprintf(&b, "edge %d -> %d calls %d/%d own %s cum %s", e.Caller.ID, e.Callee.ID, e.Calls, e.Primitive, num(e.Own), num(e.Cum))
		if e.Estimated {
			b.WriteString(" estimated")
		}
		b.WriteByte('\n')
	}
	for _, s := range p.Stacks {
		b.WriteString("stack")
		for i, id := range s.Funcs {
			if i == 0 {
				b.WriteByte(' ')
			} else {
				b.WriteByte(';')
			}
			b.WriteString(strconv.Itoa(id))
		}
		fmt.Fprintf(&b, " %s\n", num(s.Value))
	}
	return b.String()
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
