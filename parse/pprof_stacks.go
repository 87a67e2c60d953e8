package parse

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/google/pprof/profile"
)

// stackBuilder turns pprof samples into interned stacks of function IDs
// and then into per-function and per-edge sums. Function IDs here are
// indexes into funcs, which are sorted as Normalize will keep them.
type stackBuilder struct {
	funcs []*Func
	// The functions of the location whose ID was set to i+1 are
	// locFuncs[locStart[i]:locStart[i+1]], outermost (physical caller)
	// first.
	locStart     []int32
	locFuncs     []uint32
	unsymbolized int
	frameless    int
	samples      int // samples of earlier batches
	work         int // frames of the samples so far (see addSamples)
	total        float64

	// Interned stacks, values still raw, and found by their hash.
	stacks stackSet
	value  []float64
	table  stackTable
	seed   maphash.Seed // seeded so crafted stacks cannot force collisions
	used   []bool       // functions on some stack
	key    []byte       // scratch: the stack being hashed, as bytes
	stack  []uint32     // scratch: a sample's stack
}

// newStackBuilder resolves every location of the dictionary pp once, for
// a profile of the given number of samples.
func newStackBuilder(pp *profile.Profile, samples int) *stackBuilder {
	b := &stackBuilder{
		locStart: make([]int32, 1, len(pp.Location)+1),
		table:    newStackTable(samples),
		stacks:   stackSet{refs: make([]stackRef, 0, samples)},
		seed:     maphash.MakeSeed(),
	}
	type funcKey struct{ name, file string }
	byKey := make(map[funcKey]uint32)
	intern := func(name, file string, line int64, synthetic bool) uint32 {
		k := funcKey{name, file}
		id, ok := byKey[k]
		if !ok {
			id = uint32(len(b.funcs))
			byKey[k] = id
			b.funcs = append(b.funcs, &Func{Name: name, File: file, Line: int(line), Calls: -1, Primitive: -1, Synthetic: synthetic})
		} else if f := b.funcs[id]; line > 0 && (f.Line == 0 || int(line) < f.Line) {
			f.Line = int(line) // one start line whichever copy comes first
		}
		return id
	}
	for _, loc := range pp.Location {
		n := len(b.locFuncs)
		for j := len(loc.Line) - 1; j >= 0; j-- {
			if fn := loc.Line[j].Function; fn != nil && cmp.Or(fn.Name, fn.SystemName) != "" {
				b.locFuncs = append(b.locFuncs, intern(cmp.Or(fn.Name, fn.SystemName), fn.Filename, fn.StartLine, false))
			}
		}
		if len(b.locFuncs) == n {
			b.unsymbolized++
			b.locFuncs = append(b.locFuncs, intern(addressName(loc), "", 0, true))
		}
		b.locStart = append(b.locStart, int32(len(b.locFuncs)))
	}
	b.sortFuncs()
	b.used = make([]bool, len(b.funcs))
	return b
}

// sortFuncs puts funcs in the order Normalize will keep, (File, Name,
// Line), and renumbers the locations' functions to match. Stacks sorted
// now are then already in their final order.
func (b *stackBuilder) sortFuncs() {
	for i, f := range b.funcs {
		f.ID = i // the old index, until Normalize sets the final one
	}
	slices.SortFunc(b.funcs, func(x, y *Func) int {
		return cmp.Or(strings.Compare(x.File, y.File), strings.Compare(x.Name, y.Name), cmp.Compare(x.Line, y.Line))
	})
	remap := make([]uint32, len(b.funcs))
	for i, f := range b.funcs {
		remap[f.ID] = uint32(i)
	}
	for j, id := range b.locFuncs {
		b.locFuncs[j] = remap[id]
	}
}

// addressName names an unsymbolized location by its mapping's file base
// name and its address, "libfoo.so 0x4a3f10", or the address alone.
func addressName(loc *profile.Location) string {
	addr := "0x" + strconv.FormatUint(loc.Address, 16)
	if loc.Mapping == nil || loc.Mapping.File == "" {
		return addr
	}
	file := loc.Mapping.File
	return file[strings.LastIndexAny(file, `/\`)+1:] + " " + addr
}

// DefaultMaxFrames is the most frames the samples of a pprof profile may
// expand to in all (Options.MaxFrames). A sample's frames are its
// locations' inlined lines, so a location of many lines referenced many
// times expands a small input enormously; real profiles stay well below
// (the 150,000-sample test profile expands to 2.8 million frames). Each
// frame costs a few nanoseconds and, when its stack is new, 12 bytes.
const DefaultMaxFrames = 1 << 26

// addSamples interns the stack of every sample of the batch pp with a
// non-zero value of sample type idx, refusing the profile once its
// samples expand to more than maxFrames frames in all: frames are
// counted as the stack is built, so no stack grows past the limit.
// Negative values (diff profiles) are refused: the model holds costs,
// not differences. pp's locations are those of the dictionary, in the
// same order; their IDs are renumbered to their index+1 so a sample's
// frames find their functions by slice index rather than by map.
func (b *stackBuilder) addSamples(pp *profile.Profile, idx, maxFrames int) error {
	for i, loc := range pp.Location {
		loc.ID = uint64(i + 1)
	}
	defer func() { b.samples += len(pp.Sample) }()
	nlocs := uint64(len(b.locStart) - 1)
	// The stack is built in a local slice: appending to b.stack would
	// store its header into the heap each frame, behind a write barrier
	// while the collector runs.
	stack, work := b.stack, b.work
	defer func() { b.stack, b.work = stack, work }()
	for i, s := range pp.Sample {
		n := b.samples + i
		v := s.Value[idx]
		if v == 0 {
			continue
		}
		if v < 0 {
			return fmt.Errorf("sample %d has the negative value %d; difference profiles are not supported", n, v)
		}
		stack = stack[:0]
		missing := false
		for j := len(s.Location) - 1; j >= 0; j-- {
			l := s.Location[j].ID - 1
			if l >= nlocs {
				missing = true
				continue
			}
			frames := b.locFuncs[b.locStart[l]:b.locStart[l+1]]
			if work += len(frames); work > maxFrames {
				return fmt.Errorf("samples expand to more than %d frames (stack depth with inlined lines, summed over samples); "+
					"if the profile is genuine, raise the limit (loopdoctor --max-frames)", maxFrames)
			}
			if len(frames) == 1 {
				stack = append(stack, frames[0]) // most locations: no call of memmove
			} else {
				stack = append(stack, frames...)
			}
		}
		if missing {
			return fmt.Errorf("sample %d refers to a location missing from the location table", n)
		}
		b.total += float64(v)
		if len(stack) == 0 {
			b.frameless++
			continue
		}
		b.value[b.intern(stack)] += float64(v)
		pp.Sample[i] = nil // consumed: the collector may take it while the rest is read
	}
	return nil
}

// intern returns the index of the stored stack equal to stack, storing a
// copy first if there is none.
func (b *stackBuilder) intern(stack []uint32) int32 {
	key := slices.Grow(b.key[:0], 4*len(stack))[:4*len(stack)]
	for j, id := range stack {
		binary.LittleEndian.PutUint32(key[4*j:], id)
	}
	b.key = key
	tag := uint32(maphash.Bytes(b.seed, key) >> 32)
	t := &b.table
	pos := t.start(tag)
	for ; t.slots[pos] != 0; pos = t.after(pos) {
		if i, ok := t.at(pos, tag); ok && slices.Equal(b.stacks.at(i), stack) {
			return i
		}
	}
	i := b.stacks.add(stack)
	t.put(pos, tag, i)
	b.value = append(b.value, 0)
	for _, id := range stack {
		b.used[id] = true
	}
	return i
}

// stackTable finds interned stacks by their hash, in one read of memory
// where a map of the hash to the first stack, and a chain of the others,
// took three (Go's map alone was 6% of reading the synthetic
// 300,000-sample profile). It is open addressing with linear probing: a
// slot holds a stack's index+1 in its low 32 bits and the high 32 bits
// of its hash, its tag, above them, 0 marking a free slot; the tag also
// picks a stack's first slot. It is kept at most half full.
type stackTable struct {
	slots []uint64
	n     int // slots taken
}

// newStackTable returns a table that holds the given number of stacks
// without growing.
func newStackTable(stacks int) stackTable {
	return stackTable{slots: make([]uint64, 1<<bits.Len(uint(2*stacks)))}
}

// start is the first slot to look at for a stack of the given tag, and
// after the one to look at after pos.
func (t *stackTable) start(tag uint32) int { return int(tag) & (len(t.slots) - 1) }
func (t *stackTable) after(pos int) int    { return (pos + 1) & (len(t.slots) - 1) }

// at returns the stack in the taken slot pos if its tag is tag.
func (t *stackTable) at(pos int, tag uint32) (int32, bool) {
	e := t.slots[pos]
	return int32(uint32(e)) - 1, uint32(e>>32) == tag
}

// put stores stack i, of the given tag, in the free slot pos, and grows
// the table once it is more than half full.
func (t *stackTable) put(pos int, tag uint32, i int32) {
	t.slots[pos] = uint64(tag)<<32 | uint64(i+1)
	if t.n++; 2*t.n <= len(t.slots) {
		return
	}
	old := t.slots
	t.slots = make([]uint64, 2*len(old))
	for _, e := range old {
		if e != 0 {
			pos := t.start(uint32(e >> 32))
			for t.slots[pos] != 0 {
				pos = t.after(pos)
			}
			t.slots[pos] = e
		}
	}
}

// build fills p's functions, edges, stacks and total from the interned
// stacks: the functions on some stack, and the stacks sorted and laid
// end to end in one array, in the order Normalize keeps.
func (b *stackBuilder) build(p *Profile, scale pprofScale) {
	b.table = stackTable{}
	remap := make([]int, len(b.funcs))
	for i, f := range b.funcs {
		if b.used[i] {
			remap[i] = len(p.Funcs)
			p.Funcs = append(p.Funcs, f)
		}
	}
	p.Stacks = b.stacks.layOut(b.stacks.sorted(len(b.funcs)), remap, b.value)
	sumStacks(p, scale)
	p.Total = scale.of(b.total)
}

// sumStacks sets the Own and Cum of p's functions and its edges from its
// stacks, sorted, whose values are still raw, and then scales the
// values. Raw values are summed first and scaled at the end, so sums
// stay exact while they fit a float64 mantissa.
//
// Each stack adds its value to its leaf's Own, once to the Cum of every
// function on it and once to every adjacent caller→callee edge, however
// often a function recurs in it. A sorted stack shares its first frames
// with the one before, and so the edges between them: only the edges
// past that common prefix are looked up. Until a function recurs in a
// stack, no edge can either (an edge recurs only with its caller), so
// edges are counted without a check until then.
func sumStacks(p *Profile, scale pprofScale) {
	own := make([]float64, len(p.Funcs))
	edges := newEdgeTable(len(p.Funcs))
	var edgeAt []int32 // edgeAt[j]: the edge into frame j of the stack before
	var prev []int
	for i, st := range p.Stacks {
		gen, v, stack := int32(i+1), st.Value, st.Funcs
		shared := 0
		for shared < min(len(prev), len(stack)) && prev[shared] == stack[shared] {
			shared++
		}
		if len(stack) > len(edgeAt) {
			edgeAt = append(edgeAt, make([]int32, len(stack)-len(edgeAt))...)
		}
		own[stack[len(stack)-1]] += v
		recurs := false
		for j, id := range stack {
			if row := &edges.rows[id]; row.seen != gen {
				row.seen = gen
				row.cum += v
			} else if !recurs {
				recurs = true
				edges.mark(edgeAt[1:j], gen) // the edges counted so far
			}
			if j == 0 {
				continue
			}
			if j >= shared {
				edgeAt[j] = edges.find(stack[j-1], id)
			}
			edges.count(edgeAt[j], gen, v, recurs)
		}
		if len(stack) > 1 {
			edges.own[edgeAt[len(stack)-1]] += v
		}
		prev = stack
		p.Stacks[i].Value = scale.of(v)
	}
	for i, f := range p.Funcs {
		f.Own, f.Cum = scale.of(own[i]), scale.of(edges.rows[i].cum)
	}
	p.Edges = edges.list(p.Funcs, scale)
}

// edgeTable sums the functions and the caller→callee edges of sorted
// stacks. Row f, one cache line, holds function f's sum and its first
// rowSlots callees with their edges' sums: a frame reads the row of its
// function, whose sum it adds to, and the next frame finds and counts
// its edge in that same row. (Kept apart, the functions' sums cost a
// second cache miss a frame: summing the stacks of the synthetic
// 300,000-sample profile took 132 to 142 ms instead of 122 to 126.) A
// caller of more callees (a dispatcher) has the rest looked up in a map
// and placed in rows past the functions', which keeps a crafted caller of
// thousands linear.
type edgeTable struct {
	rows   []edgeRow
	funcs  int              // rows[:funcs] are the functions' own rows
	more   map[uint64]int32 // caller<<32|callee → slot, past the functions' rows
	caller []int32          // by slot past the functions' rows
	own    []float64        // by slot
	seen   []int32          // by slot: the stack index+1 that last counted the edge, where marked
}

const rowSlots = 4

type edgeRow struct {
	callee  [rowSlots]int32 // +1; 0 marks a free slot
	edgeCum [rowSlots]float64
	seen    int32 // the stack index+1 that last counted the row's function
	cum     float64
}

func newEdgeTable(funcs int) *edgeTable {
	return &edgeTable{rows: make([]edgeRow, funcs), funcs: funcs, more: map[uint64]int32{},
		own: make([]float64, funcs*rowSlots), seen: make([]int32, funcs*rowSlots)}
}

// find returns the slot of the edge caller→callee, taking a free one if
// the edge is new.
func (t *edgeTable) find(caller, callee int) int32 {
	row := &t.rows[caller]
	for k, c := range row.callee {
		switch c {
		case int32(callee) + 1:
			return int32(caller*rowSlots + k)
		case 0:
			row.callee[k] = int32(callee) + 1
			return int32(caller*rowSlots + k)
		}
	}
	key := uint64(caller)<<32 | uint64(callee)
	slot, ok := t.more[key]
	if !ok {
		slot = int32(len(t.own))
		if slot%rowSlots == 0 {
			t.rows = append(t.rows, edgeRow{})
		}
		t.rows[slot/rowSlots].callee[slot%rowSlots] = int32(callee) + 1
		t.own = append(t.own, 0)
		t.seen = append(t.seen, 0)
		t.caller = append(t.caller, int32(caller))
		t.more[key] = slot
	}
	return slot
}

// count adds v to the cum of the edge in slot: once per stack gen if the
// stack's edges may recur, when they are marked as counted.
func (t *edgeTable) count(slot, gen int32, v float64, once bool) {
	if once {
		if t.seen[slot] == gen {
			return
		}
		t.seen[slot] = gen
	}
	t.rows[slot/rowSlots].edgeCum[slot%rowSlots] += v
}

// mark records that stack gen has counted the edges in slots.
func (t *edgeTable) mark(slots []int32, gen int32) {
	for _, slot := range slots {
		t.seen[slot] = gen
	}
}

// list returns the edges found, between funcs, their sums scaled.
func (t *edgeTable) list(funcs []*Func, scale pprofScale) []*Edge {
	var edges []*Edge
	for slot := range t.own {
		row, k := &t.rows[slot/rowSlots], slot%rowSlots
		if row.callee[k] == 0 {
			continue
		}
		caller := slot / rowSlots
		if caller >= t.funcs {
			caller = int(t.caller[slot-t.funcs*rowSlots])
		}
		edges = append(edges, &Edge{Caller: funcs[caller], Callee: funcs[row.callee[k]-1], Calls: -1, Primitive: -1,
			Own: scale.of(t.own[slot]), Cum: scale.of(row.edgeCum[k])})
	}
	return edges
}

// stackSet holds stacks of function IDs end to end in chunks, each
// stack whole in one chunk: four bytes a frame and no slice header per
// stack while the samples are read, and a chunk can be let go as soon
// as its stacks are copied out.
type stackSet struct {
	chunks [][]uint32
	refs   []stackRef // by stack index
	frames int        // in all stacks
}

// stackRef places a stack: chunks[chunk][at:at+n].
type stackRef struct {
	at       int
	chunk, n int32
}

// stackChunk is how many function IDs a chunk holds, unless a stack
// needs more.
const stackChunk = 1 << 18

func (s *stackSet) at(i int32) []uint32 {
	r := s.refs[i]
	return s.chunks[r.chunk][r.at : r.at+int(r.n)]
}

// add stores a copy of stack and returns its index.
func (s *stackSet) add(stack []uint32) int32 {
	last := len(s.chunks) - 1
	if last < 0 || len(s.chunks[last])+len(stack) > cap(s.chunks[last]) {
		s.chunks = append(s.chunks, make([]uint32, 0, max(stackChunk, len(stack))))
		last++
	}
	s.refs = append(s.refs, stackRef{at: len(s.chunks[last]), chunk: int32(last), n: int32(len(stack))})
	s.chunks[last] = append(s.chunks[last], stack...)
	s.frames += len(stack)
	return int32(len(s.refs) - 1)
}

// layOut copies the stacks, their IDs mapped through remap, into one
// array in the given order, and returns them. It lets each chunk go once
// its stacks are copied (they were added chunk by chunk), so the peak is
// the result and one chunk, not both arrays.
func (s *stackSet) layOut(order []int32, remap []int, value []float64) []Stack {
	offset := make([]int, len(s.refs)) // by stack index: where it goes
	at := 0
	for _, i := range order {
		offset[i] = at
		at += int(s.refs[i].n)
	}
	rank := make([]int32, len(s.refs))
	for r, i := range order {
		rank[i] = int32(r)
	}
	frames := make([]int, s.frames)
	stacks := make([]Stack, len(s.refs))
	for i, ref := range s.refs {
		if i > 0 && ref.chunk != s.refs[i-1].chunk {
			s.chunks[ref.chunk-1] = nil
		}
		dst := frames[offset[i] : offset[i]+int(ref.n) : offset[i]+int(ref.n)]
		for j, id := range s.at(int32(i)) {
			dst[j] = remap[id]
		}
		stacks[rank[i]] = Stack{Funcs: dst, Value: value[i]}
	}
	*s = stackSet{}
	return stacks
}

// sorted returns the indexes of the stacks ordered by their function IDs,
// all below funcs, a stack before its own extensions, as slices.Compare
// would. Comparing stacks ID by ID reads each stack's frames anew at
// every step, and the frames are scattered: a radix quicksort that did so
// one depth at a time took 8% of the CPU time of reading the synthetic
// 300,000-sample profile, waiting on memory. Instead each round reads
// several IDs of a stack at once into a key that packs them, the first in
// the highest bits and each plus one so that a stack's end (0) sorts
// before any ID, and sorts the keys, which lie side by side. Stacks that
// tie on a key and go on past it are sorted again at the next depth; on
// that profile (20,000 functions, four IDs a key) a fourth round has
// 2,000 of the 300,000 stacks left to sort.
func (s *stackSet) sorted(funcs int) []int32 {
	width := max(1, bits.Len(uint(funcs))) // bits of an ID plus one
	per := max(1, 64/width)                // IDs a key holds
	last := uint64(1)<<width - 1           // the lowest, last ID of a key
	n := len(s.refs)
	order, keys := make([]int32, n), make([]uint64, n)
	spareOrder, spareKeys := make([]int32, n), make([]uint64, n)
	// The keys of the first rounds are read in one pass over the stacks
	// in the order the chunks hold them, so the ties of those rounds
	// find their keys by stack index rather than by reading the stacks
	// out of order, a cache miss each (on the synthetic 300,000-sample
	// profile, the second and third rounds' reads took about 50 of the
	// sort's 80 ms).
	const later = earlyRounds - 1 // early keys a stack has past its first
	early := make([]uint64, later*n)
	for i := range order {
		order[i], keys[i] = int32(i), s.key(int32(i), 0, per, width)
		for r := 1; r < earlyRounds; r++ {
			early[later*i+r-1] = s.key(int32(i), r*per, per, width)
		}
	}
	type tie struct{ lo, hi, depth int }
	ties := []tie{{0, n, 0}}
	for len(ties) > 0 {
		t := ties[len(ties)-1]
		ties = ties[:len(ties)-1]
		group, groupKeys := order[t.lo:t.hi], keys[t.lo:t.hi]
		switch r := t.depth / per; {
		case r == 0: // read above
		case r < earlyRounds:
			for k, i := range group {
				groupKeys[k] = early[later*int(i)+r-1]
			}
		default:
			for k, i := range group {
				groupKeys[k] = s.key(i, t.depth, per, width)
			}
		}
		sortKeys(groupKeys, group, spareKeys[t.lo:t.hi], spareOrder[t.lo:t.hi])
		for lo := 0; lo < len(group); {
			hi := lo + 1
			for hi < len(group) && groupKeys[hi] == groupKeys[lo] {
				hi++
			}
			if hi-lo > 1 && groupKeys[lo]&last != 0 {
				ties = append(ties, tie{t.lo + lo, t.lo + hi, t.depth + per})
			}
			lo = hi
		}
	}
	return order
}

// earlyRounds is how many rounds of sorted read their keys in one pass
// in order: enough for 12 IDs of a profile of 20,000 functions.
const earlyRounds = 3

// sortKeys sorts keys, and order along with them, using the spare
// slices, as long, as scratch: by insertion for a few keys, else by
// radix a byte at a time from the lowest, passing over the bytes that
// all keys share.
func sortKeys(keys []uint64, order []int32, spareKeys []uint64, spareOrder []int32) {
	if len(keys) < 64 {
		for i := 1; i < len(keys); i++ {
			k, o, j := keys[i], order[i], i
			for ; j > 0 && keys[j-1] > k; j-- {
				keys[j], order[j] = keys[j-1], order[j-1]
			}
			keys[j], order[j] = k, o
		}
		return
	}
	var counts [8][256]int
	for _, k := range keys {
		for d := range counts {
			counts[d][byte(k>>(8*d))]++
		}
	}
	fromKeys, fromOrder, toKeys, toOrder := keys, order, spareKeys, spareOrder
	for d := range counts {
		c := &counts[d]
		if c[byte(fromKeys[0]>>(8*d))] == len(keys) {
			continue
		}
		at := 0
		for b, n := range c {
			c[b], at = at, at+n
		}
		for i, k := range fromKeys {
			b := byte(k >> (8 * d))
			toKeys[c[b]], toOrder[c[b]] = k, fromOrder[i]
			c[b]++
		}
		fromKeys, fromOrder, toKeys, toOrder = toKeys, toOrder, fromKeys, fromOrder
	}
	if &fromKeys[0] != &keys[0] {
		copy(keys, fromKeys)
		copy(order, fromOrder)
	}
}

// key packs the IDs of stack i at depths [depth, depth+per) plus one,
// each in width bits, 0 past the stack's end.
func (s *stackSet) key(i int32, depth, per, width int) uint64 {
	stack := s.at(i)
	var k uint64
	for j := depth; j < depth+per; j++ {
		k <<= width
		if j < len(stack) {
			k |= uint64(stack[j]) + 1
		}
	}
	return k
}
