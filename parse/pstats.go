package parse

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// A pstats dump is one marshalled dict (CPython Lib/pstats.py, Modules/_lsprof.c):
//
//	{(file, line, name): (cc, nc, tt, ct, callers)}
//	callers: {(file, line, name): (nc, cc, tt, ct)}
//
// where cc counts primitive calls, nc all calls, tt own time and ct
// cumulative time. Caller tuples put nc before cc, the reverse of the
// function tuple. The dialects differ in what the callers hold and how the
// counts are arranged; docs/pstats-format.md, "Dialects", lists them.

// The dialects a pstats dump can be in.
const (
	dialectCProfile     = "cprofile"
	dialectProfile      = "profile"      // pure-Python profile module: int callers
	dialectYappi        = "yappi"        // cc and nc swapped
	dialectPython2      = "python2"      // Python 2 marshal (s, t, R codes)
	dialectMerged       = "merged"       // Python 2.5 pstats.add: concatenated caller tuples
	dialectPyinstrument = "pyinstrument" // every count -1
	dialectSampled      = "sampled"      // Python 3.15 sampling profiler
)

// PstatsData decodes a Python pstats dump held in memory.
//
// It reads the rows of the stats dict while they are decoded (see
// newPairsDecoder), so that the dump's hundreds of thousands of values
// never all sit in memory. That pass gives up on anything it does not
// expect: any error, a sampled dump (whose rows merge), a reference to a
// container it dropped. The dump is then read again whole, rows first and
// callers after, which reports the problems in the order this reader
// always has and with the same offsets.
func PstatsData(data []byte, name string) (*Profile, error) {
	if p, err := readPstats(data, name, true); err == nil {
		return p, nil
	}
	return readPstats(data, name, false)
}

// errWhole makes the streaming pass give up so that the dump is read whole.
var errWhole = errors.New("read the dump whole")

// readPstats reads a dump, streaming its rows or not.
func readPstats(data []byte, name string, streaming bool) (*Profile, error) {
	b := &statsBuilder{name: name, p: &Profile{Format: Pstats, Unit: "seconds"}}
	if streaming {
		b.d = newPairsDecoder(data, b)
		b.start(len(data)/128, len(data)/48)
	} else {
		b.d = newDecoder(data)
	}
	top, err := b.d.decode()
	if err != nil {
		var me *errMarshal
		if errors.As(err, &me) {
			return nil, &Error{File: name, Offset: int64(me.off), Msg: me.msg}
		}
		return nil, &Error{File: name, Offset: -1, Err: err}
	}
	if top.kind() != kDict {
		return nil, b.errAt(top, "marshalled %s, want the pstats dict of functions", b.d.describe(top))
	}
	if !streaming {
		if err := b.rows(top); err != nil {
			return nil, err
		}
	}
	p, err := b.build()
	if err != nil {
		return nil, err
	}
	if b.d.lost {
		return nil, errWhole
	}
	p.Source = name
	return p, nil
}

// funcKey identifies a function by interned strings, so that caller keys
// find their function without hashing text. A code object's name counts as
// its co_name, so keys stay unique by (File, Name, Line) as Normalize needs.
type funcKey struct {
	file, name uint32
	line       int64
}

// row is one row of the stats dict: its function, made[f], and its
// callers dict.
type row struct {
	f       int32
	callers value
}

// statsBuilder turns the decoded stats dict into a Profile.
//
// Functions are met as rows or as callers, and a caller can be met before
// its row when rows are read while decoding. Every function is made once,
// in the order met; p.Funcs lists the rows in reading order, then the
// callers that never had a row in the order met, which is the order a
// whole read makes them in, so that both give the same Total.
type statsBuilder struct {
	d    *decoder
	name string
	p    *Profile

	funcs    *idTable  // index in made by key, with the line zeroed in sampled dumps
	made     []*Func   // every function in the order met
	keys     []funcKey // the key of each of made
	hasRow   []bool    // whether each of made has had its row read (and is in p.Funcs)
	newFuncs pool[Func]
	newEdges pool[Edge]

	// The indexes in made of the ends of each of p.Edges, in the order
	// read: normalize sorts the edges by these alone.
	edgeCallers, edgeCallees []int32
	merges                   map[[2]int32]*Edge // sampled dumps: edges of merged rows, by the indexes in made of their ends

	quickKeys []callerKey // the caller keys of the row quick reads
	quickRead []funcKey   // the keys quick read from those key tuples it read itself

	whole   []row // a whole read's rows, whose callers are read after
	nedges  int   // callers in the rows read
	sampled bool  // Python 3.15's sampling profiler: keys carry executing lines
	python2 bool  // a key held a Python 2 byte string
	merged  bool  // a caller held concatenated tuples
	counted bool  // a caller held a plain call count, the profile module's
	missing int   // callers without a row
	sum     counter
	counts  counts // what the counts of p.Funcs show, for dialect and threadsNote (see see)
}

// start makes room for about nfuncs functions and nedges edges.
func (b *statsBuilder) start(nfuncs, nedges int) {
	b.p.Funcs = make([]*Func, 0, nfuncs)
	b.edgesFor(nedges)
	b.funcs = newIDTable(nfuncs)
	b.made = make([]*Func, 0, nfuncs)
	b.keys = make([]funcKey, 0, nfuncs)
	b.hasRow = make([]bool, 0, nfuncs)
}

// errAt reports a problem with the object v.
func (b *statsBuilder) errAt(v value, format string, args ...any) error {
	return &Error{File: b.name, Offset: int64(v.at()), Msg: fmt.Sprintf(format, args...)}
}

// pair reads one row and its callers while the dump is decoded.
func (b *statsBuilder) pair(key, val value) error {
	if isMarker(b.d, key) {
		return errWhole // the rows of a sampled dump merge
	}
	r, err := b.row(key, val)
	if err != nil {
		return err
	}
	return b.callers(r)
}

// rows reads every row of the decoded stats dict into a function, then
// every callers dict into edges, as callers may name functions whose rows
// come later.
func (b *statsBuilder) rows(top value) error {
	d := b.d
	items := d.items(top)
	n := len(items) / 2
	b.start(n, 0)
	b.newFuncs.free = make([]Func, n)
	b.whole = make([]row, 0, n)
	b.sampled = sampledMarker(d, items)
	for i := 0; i < len(items); i += 2 {
		if b.sampled && isMarker(d, items[i]) {
			continue
		}
		r, err := b.row(items[i], items[i+1])
		if err != nil {
			return err
		}
		b.whole = append(b.whole, r)
	}
	b.edgesFor(b.nedges)
	b.newEdges.free = make([]Edge, b.nedges)
	if b.sampled {
		b.merges = make(map[[2]int32]*Edge, b.nedges)
	}
	for _, r := range b.whole {
		if err := b.callers(r); err != nil {
			return err
		}
	}
	return nil
}

// row reads one row of the stats dict into its function: a new one, or
// the one made for a caller met before its row. In sampled dumps a row
// for a line of a function read before adds to that function.
func (b *statsBuilder) row(key, val value) (row, error) {
	f, err := b.rowFunc(key)
	if err != nil {
		return row{}, err
	}
	callers, err := b.stats(val, f.f)
	if err != nil {
		return row{}, err
	}
	i, err := b.addRow(f, callers.n()/2)
	return row{i, callers}, err
}

// rowFunc is the function of a row whose numbers are being read: f,
// named by key tuple key, and, if seen, made[i] is the function of that
// name met before.
type rowFunc struct {
	f    *Func
	key  value
	k    funcKey
	i    int32
	seen bool
}

// rowFunc returns the function for the row of key tuple key: a new one,
// or the one made for a caller met before its row.
func (b *statsBuilder) rowFunc(key value) (rowFunc, error) {
	i, seen := b.known(key)
	var k funcKey
	if seen {
		k = b.keys[i]
	} else {
		var err error
		if k, err = b.key(key); err != nil {
			return rowFunc{}, err
		}
		i, seen = b.lookup(k)
	}
	return b.rowFuncOf(key, k, i, seen), nil
}

// rowFuncOf is rowFunc given the key k that key tuple key holds and,
// if seen, the index i in made of the function it names.
func (b *statsBuilder) rowFuncOf(key value, k funcKey, i int32, seen bool) rowFunc {
	var f *Func
	switch {
	case !seen:
		f = b.newFuncs.next(b.moreFuncs)
		b.named(f, k)
	case !b.hasRow[i]:
		f = b.made[i] // named already
	default:
		f = new(Func)
		b.named(f, k)
	}
	return rowFunc{f, key, k, i, seen}
}

// addRow adds the row of rf, whose numbers are read and whose callers
// dict holds ncallers callers, and returns the index in made of the
// function it adds to: a new function, one a caller named before, or, in
// sampled dumps, that of a line of the function read before.
func (b *statsBuilder) addRow(rf rowFunc, ncallers int) (int32, error) {
	f, key, k, i, seen := rf.f, rf.key, rf.k, rf.i, rf.seen
	b.nedges += ncallers
	switch {
	case !seen:
		i = b.add(k, f)
	case !b.hasRow[i]:
		b.missing--
	case !b.sampled:
		return 0, b.errAt(key, "function %s appears twice", f)
	default:
		// One row per executing line: add it to the function's.
		prev := b.made[i]
		prev.Line = min(prev.Line, f.Line)
		prev.Calls, prev.Primitive = b.sum.add(prev.Calls, f.Calls), b.sum.add(prev.Primitive, f.Primitive)
		prev.Own, prev.Cum = prev.Own+f.Own, prev.Cum+f.Cum
		b.remember(key, i)
		return i, nil
	}
	b.hasRow[i] = true
	b.p.Funcs = append(b.p.Funcs, f)
	if !b.sampled {
		b.see(f)
	}
	b.remember(key, i)
	return i, nil
}

// build lists the callers without a row after the rows, then settles the
// dialect and normalizes.
func (b *statsBuilder) build() (*Profile, error) {
	for i, f := range b.made {
		if !b.hasRow[i] {
			b.p.Funcs = append(b.p.Funcs, f)
		}
	}
	if b.missing > 0 {
		b.note("%d callers have no stats of their own; they are listed with no calls and no time", b.missing)
	}
	if b.sum.overflow {
		return nil, &Error{File: b.name, Offset: -1, Err: errTooManyCalls}
	}
	if b.sampled {
		// Rows of one function were summed after its first was seen.
		for _, f := range b.p.Funcs {
			b.see(f)
		}
	}
	b.dialect(&b.counts)
	if err := b.normalize(); err != nil {
		if errors.Is(err, errTooManyCalls) {
			return nil, &Error{File: b.name, Offset: -1, Err: err}
		}
		return nil, &Error{File: b.name, Offset: -1, Msg: "inconsistent stats", Err: err}
	}
	b.threadsNote(b.counts.uneven)
	return b.p, nil
}

// normalize does what Profile.Normalize does with the indexes in made of
// the edges' ends, which the builder kept, so that it reads no Func or
// Edge to sort the edges. The functions are put in order from made,
// which lists them as they lie in memory, and into p.Funcs's array.
func (b *statsBuilder) normalize() error {
	to := b.sortFuncs()
	// Functions and edges hold the numbers read, checked as they were,
	// unless rows or tuples were summed or edge times estimated.
	derived := b.sampled || b.merged || b.counted
	funcs := b.p.Funcs
	b.p.Funcs = b.made // p.Funcs lists them too, rows first: read no more
	return b.p.order(to, b.edgeCallers, b.edgeCallees, funcs, derived)
}

// estimate returns how many more things the rest of the dump holds if the
// part decoded so far held done, for the size of a block of them. The
// product is taken in 64 bits: a 32-bit int overflows on a dump of some
// hundreds of megabytes. As each thing took a byte at least, the estimate
// is at most the bytes left.
func (b *statsBuilder) estimate(done int) int {
	d := b.d
	read := max(d.off, 1)
	return int(int64(done)*int64(len(d.data)-read)/int64(read)) + 64
}

// moreFuncs and moreEdges size the next block of functions or edges.
func (b *statsBuilder) moreFuncs() int { return b.estimate(len(b.made)) }
func (b *statsBuilder) moreEdges() int { return b.estimate(len(b.p.Edges)) }

// edgesFor makes room for about n edges.
func (b *statsBuilder) edgesFor(n int) {
	b.p.Edges = make([]*Edge, 0, n)
	b.edgeCallers, b.edgeCallees = make([]int32, 0, n), make([]int32, 0, n)
}

// addEnds gives the first of p.Edges without ends its caller
// made[caller] and its callee made[callee].
func (b *statsBuilder) addEnds(caller, callee int32) {
	e := b.p.Edges[len(b.edgeCallers)]
	e.Caller, e.Callee = b.made[caller], b.made[callee]
	b.edgeCallers, b.edgeCallees = append(b.edgeCallers, caller), append(b.edgeCallees, callee)
}

// pool hands out values allocated in blocks, so that they are neither
// allocated one by one nor moved as a slice of them grows: the model
// points at them. quick may hand values back by restoring free, with
// numbers set.
type pool[T any] struct{ free []T }

// maxBlock bounds a block of a pool, so that what an estimate too large
// leaves unused at the end stays small: blocks of 1,024 functions are
// 136 KiB.
const maxBlock = 1024

// next returns the next value of the last block, allocating a block of
// size() zero values, at most maxBlock, first if it is used up.
func (p *pool[T]) next(size func() int) *T {
	if len(p.free) == 0 {
		p.free = make([]T, min(size(), maxBlock))
	}
	v := &p.free[0]
	p.free = p.free[1:]
	return v
}

// named sets f's file, name and line from its key.
func (b *statsBuilder) named(f *Func, k funcKey) {
	f.File, f.Name, f.Line = b.d.strs[k.file], b.d.strs[k.name], int(k.line)
}

// index returns the key b.funcs files k's function under: in sampled
// dumps, the rows for the lines of one function merge into one.
func (b *statsBuilder) index(k funcKey) funcKey {
	if b.sampled {
		k.line = 0
	}
	return k
}

// lookup returns the index in made of the function named k, if any.
func (b *statsBuilder) lookup(k funcKey) (int32, bool) {
	k = b.index(k)
	i := b.funcs.find(hashKey(k), func(i int32) bool { return b.index(b.keys[i]) == k })
	return i, i >= 0
}

// add makes f, named by k, a function and returns its index in made.
func (b *statsBuilder) add(k funcKey, f *Func) int32 {
	i := int32(len(b.made))
	b.funcs.add(hashKey(b.index(k)), i)
	b.made = append(b.made, f)
	b.keys = append(b.keys, k)
	b.hasRow = append(b.hasRow, false)
	return i
}

// remember labels the key tuple key with i, the index in made of the
// function it names, if the dump flagged it for references: CPython
// shares one tuple between a function's row and every callers dict that
// names it, so most keys are references to a tuple read before. Its
// items are never needed again: known finds its function.
func (b *statsBuilder) remember(key value, i int32) {
	if s := b.d.shared(key); s >= 0 {
		b.d.label(s, uint32(i))
	}
}

// known returns the index in made of the function a key tuple read
// before names.
func (b *statsBuilder) known(key value) (int32, bool) {
	if s := b.d.shared(key); s >= 0 {
		i, ok := b.d.labelOf(s)
		return int32(i), ok
	}
	return 0, false
}

// caller returns the index in made of the function a caller key names,
// making one for a caller whose row is not read (yet).
func (b *statsBuilder) caller(key value) (int32, error) {
	if i, ok := b.known(key); ok {
		return i, nil
	}
	k, err := b.key(key)
	if err != nil {
		return 0, err
	}
	return b.callerOf(key, k), nil
}

// callerOf is caller given the key k that key tuple key holds.
func (b *statsBuilder) callerOf(key value, k funcKey) int32 {
	i, ok := b.lookup(k)
	if !ok {
		f := b.newFuncs.next(b.moreFuncs)
		b.named(f, k)
		i = b.add(k, f)
		b.missing++
	}
	b.remember(key, i)
	return i
}

// sortFuncs returns where each of made goes in Normalize's order.
// It reads the functions' keys, not the functions: their interned file
// IDs stand for the texts, so only the distinct files are sorted by
// text, and the name IDs and lines are the rest of what sortByFile
// compares. A sampled dump's function has the least line of its rows,
// which its key may not hold: it is sorted by its fields.
func (b *statsBuilder) sortFuncs() (to []int32) {
	if b.sampled {
		return sortFuncs(b.made)
	}
	strs := b.d.strs
	count := make([]int32, len(strs)) // by string ID: the functions in that file
	var files []int32
	for _, k := range b.keys {
		if count[k.file] == 0 {
			files = append(files, int32(k.file))
		}
		count[k.file]++
	}
	slices.SortFunc(files, func(x, y int32) int { return strings.Compare(strs[x], strs[y]) })
	ends := make([]int32, len(files))
	var at int32
	for r, file := range files {
		n := count[file]
		count[file], ends[r], at = at, at+n, at+n // count: where the file's next function goes
	}
	keys := make([]nameKey, len(b.keys))
	for i, k := range b.keys {
		keys[count[k.file]] = nameKey{prefix: namePrefix(strs[k.name]), line: int(k.line), name: k.name, i: int32(i)}
		count[k.file]++
	}
	return sortByFile(keys, ends, strs, make([]int32, len(keys)))
}

// sampledMarker reports whether the dict holds the ("__sampled__",) key
// that Python 3.15's sampling profiler adds (Lib/profiling/sampling).
func sampledMarker(d *decoder, items []value) bool {
	for i := 0; i < len(items); i += 2 {
		if isMarker(d, items[i]) {
			return true
		}
	}
	return false
}

func isMarker(d *decoder, key value) bool {
	if key.kind() != kTuple || key.n() != 1 {
		return false
	}
	s, _ := d.str(d.items(key)[0])
	return s == "__sampled__"
}

// key reads a (file, line, name) tuple.
func (b *statsBuilder) key(key value) (funcKey, error) {
	d := b.d
	if key.kind() != kTuple || key.n() != 3 {
		return funcKey{}, b.errAt(key, "function key is %s, want (file, line, name)", d.describe(key))
	}
	t := d.items(key)
	file, ok1 := d.strIndex(t[0])
	name, ok2 := d.strIndex(t[2])
	if !ok1 || !ok2 || t[1].kind() != kInt {
		return funcKey{}, b.errAt(key, "function key holds (%s, %s, %s), want (str, int, str)",
			d.describe(t[0]), d.describe(t[1]), d.describe(t[2]))
	}
	if t[0].kind() == kBytes || t[2].kind() == kBytes {
		b.python2 = true
	}
	return funcKey{file: file, name: name, line: d.int(t[1])}, nil
}

// stats reads a function's (cc, nc, tt, ct, callers) into f and returns
// the callers dict.
func (b *statsBuilder) stats(val value, f *Func) (value, error) {
	d := b.d
	if val.kind() != kTuple || val.n() != 5 || d.items(val)[4].kind() != kDict {
		return value{}, b.errAt(val, "stats of %s are %s, want (cc, nc, tt, ct, callers)", f, d.describe(val))
	}
	t := d.items(val)
	var err error
	if f.Primitive, err = b.count(t[0], f, "primitive call count"); err != nil {
		return value{}, err
	}
	if f.Calls, err = b.count(t[1], f, "call count"); err != nil {
		return value{}, err
	}
	if f.Own, err = b.time(t[2], f, "own time"); err != nil {
		return value{}, err
	}
	if f.Cum, err = b.time(t[3], f, "cumulative time"); err != nil {
		return value{}, err
	}
	return t[4], nil
}

// count reads a call count: a non-negative int, or -1 (pyinstrument's
// "unknown").
func (b *statsBuilder) count(v value, f *Func, what string) (int64, error) {
	d := b.d
	if v.kind() == kBigInt && d.float(v) > 0 {
		return 0, b.errAt(v, "%s of %s is %s, more than the %d loopdoctor can count", what, f, d.describe(v), int64(math.MaxInt64))
	}
	if v.kind() != kInt || d.int(v) < -1 {
		return 0, b.errAt(v, "%s of %s is %s, want a non-negative int", what, f, d.describe(v))
	}
	return d.int(v), nil
}

// time reads a time: a finite non-negative float (an int with custom
// timers).
func (b *statsBuilder) time(v value, f *Func, what string) (float64, error) {
	t, ok := b.d.number(v)
	if !ok {
		return 0, b.errAt(v, "%s of %s is %s, want a float", what, f, b.d.describe(v))
	}
	if bad(t) {
		return 0, b.errAt(v, "%s of %s is %v, want a finite non-negative number", what, f, t)
	}
	return t, nil
}

// callers reads a row's callers dict into edges to its function.
func (b *statsBuilder) callers(r row) error {
	items := b.d.items(r.callers)
	for i := 0; i < len(items); i += 2 {
		caller, err := b.caller(items[i])
		if err != nil {
			return err
		}
		e := Edge{Caller: b.made[caller], Callee: b.made[r.f]}
		if err := b.edge(items[i+1], &e); err != nil {
			return err
		}
		b.addEdge(caller, r.f, e)
	}
	return nil
}

// addEdge adds an edge from made[caller] to made[callee] with the
// numbers of e, or, in sampled dumps, adds them to the edge between the
// same functions from another row of the callee.
func (b *statsBuilder) addEdge(caller, callee int32, e Edge) {
	ends := [2]int32{caller, callee}
	if b.merges != nil {
		if prev := b.merges[ends]; prev != nil {
			prev.Calls, prev.Own, prev.Cum = b.sum.add(prev.Calls, e.Calls), prev.Own+e.Own, prev.Cum+e.Cum
			return
		}
	}
	ep := b.newEdges.next(b.moreEdges)
	*ep = e
	if b.merges != nil {
		b.merges[ends] = ep
	}
	b.p.Edges = append(b.p.Edges, ep)
	b.addEnds(caller, callee)
}

// edge reads one caller's value: a (nc, cc, tt, ct) tuple, an 8- or
// 12-tuple of such concatenated by Python 2.5's pstats.add, or the profile
// module's plain call count.
func (b *statsBuilder) edge(v value, e *Edge) error {
	d := b.d
	callee := e.Callee
	switch {
	case v.kind() == kInt:
		if d.int(v) < 0 {
			return b.errAt(v, "call count from %s to %s is %d, want a non-negative int", e.Caller, callee, d.int(v))
		}
		e.Calls, e.Primitive, e.Estimated = d.int(v), -1, true
		b.counted = true
		if callee.Calls > 0 {
			share := float64(e.Calls) / float64(callee.Calls)
			e.Own, e.Cum = share*callee.Own, share*callee.Cum
		}
		return nil
	case v.kind() == kTuple && (v.n() == 4 || v.n() == 8 || v.n() == 12):
		b.merged = b.merged || v.n() > 4
		t := d.items(v)
		for i := 0; i < len(t); i += 4 {
			calls, prim := t[i], t[i+1]
			if calls.kind() != kInt || d.int(calls) < -1 || prim.kind() != kInt || d.int(prim) < -1 {
				return b.errAt(v, "call counts from %s to %s are %s, %s, want non-negative ints",
					e.Caller, callee, d.describe(calls), d.describe(prim))
			}
			own, ok1 := d.number(t[i+2])
			cum, ok2 := d.number(t[i+3])
			if !ok1 || !ok2 || bad(own) || bad(cum) {
				return b.errAt(v, "times from %s to %s are %s, %s, want finite non-negative numbers",
					e.Caller, callee, d.describe(t[i+2]), d.describe(t[i+3]))
			}
			if i == 0 {
				e.Calls, e.Primitive = d.int(calls), d.int(prim)
			} else {
				e.Calls, e.Primitive = b.sum.add(e.Calls, d.int(calls)), b.sum.add(e.Primitive, d.int(prim))
			}
			e.Own, e.Cum = e.Own+own, e.Cum+cum
		}
		return nil
	}
	return b.errAt(v, "caller %s of %s has %s, want (nc, cc, tt, ct) or a call count",
		e.Caller, callee, d.describe(v))
}

// outerCumShares corrects the estimated cumulative time of the edges into
// directly recursive functions. A function's cumulative time counts only
// its outermost calls, which come from its other callers, so those
// callers share it by their counts alone; a function's calls of itself
// keep the share edge gave them. Without this, main's 300 calls of a
// factorial that recursed 5,358 more times would get 5 % of its time.
func outerCumShares(p *Profile) {
	self := map[*Func]int64{}
	for _, e := range p.Edges {
		if e.Caller == e.Callee {
			self[e.Callee] = e.Calls
		}
	}
	for _, e := range p.Edges {
		f := e.Callee
		if outer := f.Calls - self[f]; e.Caller != f && self[f] > 0 && outer > 0 {
			e.Cum = float64(e.Calls) / float64(outer) * f.Cum
		}
	}
}

func (b *statsBuilder) note(format string, args ...any) {
	b.p.Notes = append(b.p.Notes, fmt.Sprintf(format, args...))
}

// dialect names the program that wrote the dump from what it holds, fixes
// up what that program arranged differently, and notes the caveats.
// c holds what the counts showed before.
func (b *statsBuilder) dialect(c *counts) {
	p := b.p
	switch {
	case b.sampled:
		p.Dialect = dialectSampled
		b.note("sampled by Python's statistical profiler: times are samples times the sampling interval, calls are unknown, edge times are each caller's share of samples, and rows for the lines of one function are merged")
		for _, f := range p.Funcs {
			f.Calls, f.Primitive = -1, -1
		}
		for _, e := range p.Edges {
			e.Calls = -1
		}
	case b.counted:
		p.Dialect = dialectProfile
		b.note("edge times are estimates: the profile module records only how often each caller called, so each edge gets that share of the function's time")
		outerCumShares(p)
	case c.unknown:
		p.Dialect = dialectPyinstrument
		b.note("call counts are unknown (-1): pyinstrument exports times only")
	case c.swapped():
		p.Dialect = dialectYappi
		b.note("written by yappi, which puts calls before primitive calls (the reverse of cProfile; swapped back here) and merges all threads")
		for _, f := range p.Funcs {
			f.Calls, f.Primitive = f.Primitive, f.Calls
		}
	case b.merged:
		p.Dialect = dialectMerged
		b.note("caller stats of merged dumps were concatenated by Python 2.5's pstats.add; they are summed")
	case b.python2 || b.d.stringRefs:
		p.Dialect = dialectPython2
	default:
		p.Dialect = dialectCProfile
	}
	if p.Dialect == dialectProfile {
		for _, f := range p.Funcs {
			f.Synthetic = f.File == "profile" && f.Line == 0
		}
	}
	if p.Dialect != dialectPython2 && (b.python2 || b.d.stringRefs) {
		b.note("written by Python 2")
	}
}

// see adds f, the next of p.Funcs, to Total, summed in that order, and
// to b.counts. The functions are seen as their rows are added, while
// they are in the cache, rather than in a pass over all of them at the
// end: the callers without a row, listed last, have no time and no
// calls, and dialect changes no function's time. A sampled dump's rows
// add up, so its functions are seen at the end.
func (b *statsBuilder) see(f *Func) {
	b.p.Total += f.Own
	b.counts.see(f)
}

// counts is what the functions' call counts show, seen before dialect
// changes them.
type counts struct {
	unknown     bool    // a count is -1
	fewer, more bool    // some function has fewer, or more, primitive calls than calls
	uneven      []*Func // the functions whose two counts differ
}

func (c *counts) see(f *Func) {
	c.unknown = c.unknown || f.Calls < 0 || f.Primitive < 0
	if f.Primitive != f.Calls {
		c.fewer, c.more = c.fewer || f.Primitive < f.Calls, c.more || f.Primitive > f.Calls
		c.uneven = append(c.uneven, f)
	}
}

// swapped reports yappi's arrangement: its first number is the call count
// and its second the primitive count, so the first is never below the
// second and above it somewhere (cProfile's cc never exceeds nc).
func (c *counts) swapped() bool { return !c.fewer && c.more }

// threadsNote notes the sign of several threads profiled together: a
// function that is on no call cycle cannot recurse, so its calls and
// primitive calls must agree, unless calls from other threads overlapped
// it (cProfile since 3.12 sees every thread; gh-116738). Only functions
// whose counts differ, uneven, can show it: dialect swaps the counts or
// makes them both -1, which leaves equal counts equal.
func (b *statsBuilder) threadsNote(uneven []*Func) {
	p := b.p
	if !p.HasCalls() || p.Dialect == dialectProfile {
		return
	}
	var n int
	var worst *Func // of the most overlapped, the first by ID
	for _, f := range uneven {
		if f.Primitive < f.Calls && !cyclic(p, f.ID) {
			n++
			if d, w := f.Calls-f.Primitive, worst; w == nil || d > w.Calls-w.Primitive || d == w.Calls-w.Primitive && f.ID < w.ID {
				worst = f
			}
		}
	}
	switch {
	case n == 1:
		b.note("%s never recurses yet has fewer primitive calls than calls (%d/%d), %s", worst, worst.Calls, worst.Primitive, threadsCause)
	case n > 1:
		b.note("%d functions that never recurse have fewer primitive calls than calls (%s: %d/%d), %s", n, worst, worst.Calls, worst.Primitive, threadsCause)
	}
}

const threadsCause = "as when several threads are profiled together (cProfile on Python 3.12+) or returns were missed; callers and cumulative times may be unreliable"

// cyclic reports whether p's function v is on a call cycle: calling
// itself directly or through others. threadsNote asks only about the
// functions whose counts differ (295 of 17,062 in large.pstats), where
// marking every function read all the edges again (1.0M instructions).
func cyclic(p *Profile, v int) bool {
	g, c := p.CallGraph()
	return c.Size(int(c.Of[v])) > 1 || slices.Contains(g.Succ(v), int32(v))
}
