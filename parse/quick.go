package parse

import (
	"encoding/binary"
	"math"
)

// This file reads a row of the stats dict in the shape cProfile writes it
// straight from the input, while the dump is decoded in one pass (see
// newPairsDecoder): the numbers of the row and of its callers go to the
// builder without being decoded into values, stored in the arena and read
// back. Only the key tuples, which name functions, are decoded as usual.
// A row in any other shape (other number types, a profile module's call
// counts, Python 2.5's concatenated caller tuples) or that the reader
// refuses is decoded again as usual; the decoder makes the same ref
// slots either way, and numbers the key tuples alike (see quickFilled).

// quick reads the pair at the decoder's offset if it is a row in the
// common shape: a key tuple, then (cc, nc, tt, ct, callers) with ints
// for counts, binary floats for times and a callers dict of key tuples
// to (nc, cc, tt, ct), numbers that the reader accepts. Otherwise it
// resets the decoder, takes back the edges it made and reports false.
//
// The edges of the callers are made as their numbers are read, and get
// their ends once the whole row is read: b.quickKeys holds the key tuple
// of each. A streamed dump is never sampled, so edges never merge.
func (b *statsBuilder) quick() (bool, error) {
	d := b.d
	start, free, nedges := d.mark(), b.newEdges.free, len(b.p.Edges)
	var f Func
	key, ok := b.quickKey()
	if !ok || !b.quickStats(&f) {
		d.reset(start)
		b.newEdges.free, b.p.Edges = free, b.p.Edges[:nedges]
		return false, nil
	}
	var rf rowFunc
	if key.read {
		i, seen := b.lookup(key.k)
		rf = b.rowFuncOf(key.v, key.k, i, seen)
	} else {
		var err error
		if rf, err = b.rowFunc(key.v); err != nil {
			return false, err
		}
	}
	rf.f.Primitive, rf.f.Calls, rf.f.Own, rf.f.Cum = f.Primitive, f.Calls, f.Own, f.Cum
	callee, err := b.addRow(rf, len(b.quickKeys))
	if err != nil {
		return false, err
	}
	read := b.quickRead
	for _, q := range b.quickKeys {
		var caller int32
		switch {
		case q.known:
			caller = int32(q.v.x)
		case q.read:
			caller, read = b.callerOf(q.v, read[0]), read[1:]
		default:
			if caller, err = b.caller(q.v); err != nil {
				return false, err
			}
		}
		b.addEnds(caller, callee)
	}
	return true, nil
}

// callerKey is a caller's key tuple as quick keeps it until its row is
// read: if read, the key it holds is next in b.quickRead. It is a third
// the size of a quickKey, as the longest callers dict sets the size of
// b.quickKeys. While its callers dict is read, a reference to a tuple
// read before holds only the ref slot it names, in v.x, and ref is set;
// once the dict is read, known is set if the tuple's function is known,
// and v.x is then its index in made (see quickCallers).
type callerKey struct {
	v                value
	read, ref, known bool
}

// quickKey is a key tuple quick read: v, its value, and if read, the key
// k it holds, read from the input; else v is a reference to a tuple read
// before, or a tuple decoded as usual.
type quickKey struct {
	v    value
	k    funcKey
	read bool
}

// quickKey reads a key tuple: a tuple of (str, int, str) written as
// such, each string as a short ASCII one or a reference to a str and the
// int as an int or a reference to one, is read straight from the input;
// anything else is decoded as usual. It reports false, having read
// nothing but strings it interned, if the object is not a 3-tuple.
func (b *statsBuilder) quickKey() (quickKey, bool) {
	d := b.d
	at, nrefs, nspill := d.off, len(d.refs), len(d.spill)
	if slot, ok := d.quickTuple(3); ok {
		var q quickKey
		var line int64
		if d.quickStr(&q.k.file) && d.quickInt(&line) && d.quickStr(&q.k.name) {
			q.k.line, q.read = line, true
			d.quickFilled(kTuple, 3, at, slot, true)
			q.v = value{meta: uint32(kTuple)<<28 | 3, off: uint32(at)}
			if slot >= 0 {
				q.v = keyValue(d.refs[slot])
			}
			return q, true
		}
		d.off, d.refs, d.spill = at, d.refs[:nrefs], d.spill[:nspill]
	}
	v, null, err := d.object()
	return quickKey{v: v}, err == nil && !null && v.kind() == kTuple && v.n() == 3
}

// quickStats reads a row's (cc, nc, tt, ct, callers) tuple, the numbers
// into f and the callers into edges, and reports whether it could.
func (b *statsBuilder) quickStats(f *Func) bool {
	d := b.d
	at := d.off
	slot, ok := d.quickNumbers(5, &f.Primitive, &f.Calls, &f.Own, &f.Cum)
	if !ok {
		return false
	}
	d.enter() // as sequence would; a few levels deep, it cannot fail
	if !b.quickCallers() {
		return false
	}
	d.leave()
	d.quickFilled(kTuple, 5, at, slot, false)
	return true
}

// quickCallers reads a callers dict into edges without ends, and their
// keys into b.quickKeys. The edges come from newEdges, whose values are
// zero or were left by a row quick gave up on, which set only numbers.
func (b *statsBuilder) quickCallers() bool {
	d := b.d
	at := d.off
	if at >= len(d.data) || d.data[at]&^0x80 != '{' {
		return false
	}
	d.off++
	slot := d.reserve(d.data[at]&0x80 != 0)
	d.enter()
	b.quickKeys, b.quickRead = b.quickKeys[:0], b.quickRead[:0]
	for {
		if d.off < len(d.data) && d.data[d.off] == '0' {
			d.off++
			break
		}
		var key quickKey
		ok, ref := false, false
		if key.v.x, ref = d.quickRef(); !ref {
			if key, ok = b.quickKey(); !ok {
				return false
			}
		}
		if len(b.quickKeys) >= zeroN/2 {
			return false // for the decoder: a dict too long for dict or a refZero
		}
		e := b.newEdges.next(b.moreEdges)
		eat := d.off
		eslot, ok := d.quickNumbers(4, &e.Calls, &e.Primitive, &e.Own, &e.Cum)
		if !ok {
			return false
		}
		d.quickFilled(kTuple, 4, eat, eslot, false)
		b.p.Edges = append(b.p.Edges, e)
		b.quickKeys = append(b.quickKeys, callerKey{key.v, key.read, ref, false})
		if key.read {
			b.quickRead = append(b.quickRead, key.k)
		}
	}
	// The slots that references name are read only now, one after
	// another, so that the processor waits for several at once: they lie
	// anywhere in d.refs, 0.53 MB for large.pstats, and most callers'
	// keys are references. Until the dict is filled, a slot reserved when
	// a reference was read is reserved still, and the others hold what
	// they held then, so a slot holds a key tuple now if and only if it
	// did then. The labels of the tuples, which lie anywhere in
	// d.sharedBase, are read with them, for the same reason.
	for i := range b.quickKeys {
		if q := &b.quickKeys[i]; q.ref {
			r := d.refs[q.v.x]
			if r.shape() != refKey {
				return false
			}
			q.v = keyValue(r)
			if f, ok := d.labelOf(int(q.v.x)); ok {
				q.v.x, q.known = f, true
			}
		}
	}
	d.leave()
	d.quickFilled(kDict, 2*len(b.quickKeys), at, slot, false)
	return true
}

// quickRef reads a reference to a slot taken before, without reading
// the slot, and returns the slot's index if it could.
func (d *decoder) quickRef() (uint32, bool) {
	at := d.off
	if len(d.data)-at < 5 || d.data[at] != 'r' {
		return 0, false
	}
	i := binary.LittleEndian.Uint32(d.data[at+1:])
	if uint64(i) >= uint64(len(d.refs)) {
		return 0, false
	}
	d.off = at + 5
	return i, true
}

// quickNumbers reads a small tuple of n items that begins with four
// numbers, as a row's stats (cc, nc, tt, ct, callers) and a caller's
// (nc, cc, tt, ct) do: its type code and length, taking a ref slot if it
// is flagged, then two call counts, each an int32 of at least -1 written
// as an int or a reference to one, into c1 and c2, and two times, each a
// finite non-negative binary float or a reference to one, into t1 and
// t2. It reports whether it could, leaving the decoder's offset after
// the fourth number.
//
// The tuple's code and length and the four numbers take at most 30
// bytes, which it reads at fixed places in a window of that size, with
// the offset in a local, instead of a call per number that checks and
// moves the decoder's offset: 4M fewer instructions on large.pstats,
// whose rows and callers hold 71,400 such tuples, and medians of 34.1 to
// 31.5 and 38.9 to 37.7 ms of CPU per top-30 run in two runs of
// scripts/measure.py on the busy development machine. A tuple that
// ends less than 30 bytes before the input does (the last row's, if
// ever) is left to the decoder: it reports false.
func (d *decoder) quickNumbers(n byte, c1, c2 *int64, t1, t2 *float64) (slot int, ok bool) {
	at := d.off
	if len(d.data)-at < 30 {
		return -1, false
	}
	w := (*[30]byte)(d.data[at:])
	if w[0]&^0x80 != ')' || w[1] != n {
		return -1, false
	}
	slot = d.reserve(w[0]&0x80 != 0)
	x1, ok1 := d.int32At(at + 2)
	x2, ok2 := d.int32At(at + 7)
	if !ok1 || !ok2 || x1 < -1 || x2 < -1 {
		return slot, false
	}
	var t [2]float64
	i := 12
	for k := range t {
		var bits uint64
		switch w[i] &^ 0x80 {
		case 'g':
			if w[i] != 'g' {
				if at+i+1 > maxPayload {
					return slot, false // for the decoder to keep aside
				}
				d.refs = append(d.refs, mkRef(refFloat, uint32(at+i+1)))
			}
			bits = binary.LittleEndian.Uint64(w[i+1 : i+9])
			i += 9
		case 'r':
			x := binary.LittleEndian.Uint32(w[i+1 : i+5])
			if w[i] != 'r' || uint64(x) >= uint64(len(d.refs)) || d.refs[x].shape() != refFloat {
				return slot, false
			}
			bits = binary.LittleEndian.Uint64(d.data[d.refs[x].payload():])
			i += 5
		default:
			return slot, false
		}
		if t[k] = math.Float64frombits(bits); bad(t[k]) {
			return slot, false
		}
	}
	*c1, *c2, *t1, *t2 = int64(x1), int64(x2), t[0], t[1]
	d.off = at + i
	return slot, true
}

// quickTuple reads the type code and length of a small tuple of n items,
// taking a ref slot if it is flagged, and reports whether it could.
func (d *decoder) quickTuple(n byte) (slot int, ok bool) {
	at := d.off
	if len(d.data)-at < 2 || d.data[at]&^0x80 != ')' || d.data[at+1] != n {
		return -1, false
	}
	d.off = at + 2
	return d.reserve(d.data[at]&0x80 != 0), true
}

// quickFilled ends a container of n items read at 'at' by a quick read,
// which kept none of them: a flagged one fills its ref slot as filled
// would, and its items count as dropped. Only a key tuple, which its
// reader labels (see remember), takes a number of its own; the others
// share the number 0, whose items are dropped too. cProfile flags
// every row's stats tuple and every caller's, never referenced again:
// on large.pstats, numbering those took 71,400 numbers where the key
// tuples take 17,061, and the labels that known reads were spread over
// 285 KB instead of 68 KB.
func (d *decoder) quickFilled(k kind, n, at, slot int, key bool) {
	if slot < 0 {
		return
	}
	if key {
		// A key tuple takes at least 11 bytes: its number fits.
		d.refs[slot] = mkRef(refKey, uint32(len(d.sharedBase)))
		d.sharedBase = append(d.sharedBase, dropped)
		return
	}
	d.refs[slot] = zeroRef(k, n) // number 0
}

// quickStr reads a str written as a short ASCII string or a reference to
// a str, into s, its index in strs, and reports whether it could.
func (d *decoder) quickStr(s *uint32) bool {
	at := d.off
	rest := d.data[at:]
	switch {
	case len(rest) >= 2 && (rest[0]&^0x80 == 'z' || rest[0]&^0x80 == 'Z'):
		n := int(rest[1])
		if len(rest)-2 < n {
			return false
		}
		*s = d.intern(rest[2:2+n], false)
		if rest[0]&0x80 != 0 {
			// A string takes at least 2 bytes: its index fits.
			d.refs = append(d.refs, mkRef(refStr, *s))
		}
		d.off = at + 2 + n
	case len(rest) >= 5 && rest[0] == 'r':
		x := binary.LittleEndian.Uint32(rest[1:])
		if uint64(x) >= uint64(len(d.refs)) || d.refs[x].shape() != refStr {
			return false
		}
		*s = d.refs[x].payload()
		d.off = at + 5
	default:
		return false
	}
	return true
}

// quickInt reads an int32 written as an int or a reference to one into n
// and reports whether it could.
func (d *decoder) quickInt(n *int64) bool {
	if len(d.data)-d.off < 5 {
		return false
	}
	x, ok := d.int32At(d.off)
	if ok {
		*n, d.off = int64(x), d.off+5
	}
	return ok
}

// int32At reads an int32 written as an int or a reference to one in the
// 5 bytes at 'at', which must be there, and reports whether it could. A
// flagged int takes the next ref slot; one beyond a refInt is left to the
// decoder. It works the refs' bits itself, not with mkRef and int, to
// stay small enough to inline.
func (d *decoder) int32At(at int) (int32, bool) {
	x := binary.LittleEndian.Uint32(d.data[at+1 : at+5])
	switch d.data[at] {
	case 'r':
		if uint64(x) < uint64(len(d.refs)) && d.refs[x]&refShape == refInt {
			return int32(d.refs[x]) >> 3, true
		}
	case 'i' | 0x80:
		if x+1<<28 > maxPayload {
			return 0, false // beyond a refInt, for the decoder to keep aside
		}
		d.refs = append(d.refs, ref(x<<3)|refInt)
		fallthrough
	case 'i':
		return int32(x), true
	}
	return 0, false
}
