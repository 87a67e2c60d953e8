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
		if q.read {
			caller, read = b.callerOf(q.v, read[0]), read[1:]
		} else if caller, err = b.caller(q.v); err != nil {
			return false, err
		}
		b.addEnds(caller, callee)
	}
	return true, nil
}

// callerKey is a caller's key tuple as quick keeps it until its row is
// read: if read, the key it holds is next in b.quickRead. It is a third
// the size of a quickKey, as the longest callers dict sets the size of
// b.quickKeys. While its callers dict is read, a reference to a tuple
// read before holds only the ref slot it names, in v.x, and ref is set
// (see quickCallers).
type callerKey struct {
	v         value
	read, ref bool
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
	at, nrefs := d.off, len(d.refs)
	if slot, ok := d.quickTuple(3); ok {
		var q quickKey
		var line int64
		if d.quickStr(&q.k.file) && d.quickInt(&line) && d.quickStr(&q.k.name) {
			q.k.line, q.read = line, true
			d.quickFilled(kTuple, 3, at, slot, true)
			q.v = value{meta: uint32(kTuple)<<28 | 3, off: uint32(at)}
			if slot >= 0 {
				q.v = d.refs[slot]
			}
			return q, true
		}
		d.off, d.refs = at, d.refs[:nrefs]
	}
	v, null, err := d.object()
	return quickKey{v: v}, err == nil && !null && v.kind() == kTuple && v.n() == 3
}

// quickStats reads a row's (cc, nc, tt, ct, callers) tuple, the numbers
// into f and the callers into edges, and reports whether it could.
func (b *statsBuilder) quickStats(f *Func) bool {
	d := b.d
	at := d.off
	slot, ok := d.quickTuple(5)
	if !ok || !d.quickCount(&f.Primitive) || !d.quickCount(&f.Calls) || !d.quickTime(&f.Own) || !d.quickTime(&f.Cum) {
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
		if len(b.quickKeys) >= maxItems/2 {
			return false // for dict to refuse
		}
		e := b.newEdges.next(b.moreEdges)
		eat := d.off
		eslot, ok := d.quickTuple(4)
		if !ok || !d.quickCount(&e.Calls) || !d.quickCount(&e.Primitive) || !d.quickTime(&e.Own) || !d.quickTime(&e.Cum) {
			return false
		}
		d.quickFilled(kTuple, 4, eat, eslot, false)
		b.p.Edges = append(b.p.Edges, e)
		b.quickKeys = append(b.quickKeys, callerKey{key.v, key.read, ref})
		if key.read {
			b.quickRead = append(b.quickRead, key.k)
		}
	}
	// The slots that references name are read only now, one after
	// another, so that the processor waits for several at once: they lie
	// anywhere in d.refs, 1.6 MB for large.pstats, and most callers' keys
	// are references. Until the dict is filled, a slot reserved when a
	// reference was read is reserved still, and the others hold what
	// they held then, so a slot holds a key tuple now if and only if it
	// did then.
	for i := range b.quickKeys {
		if q := &b.quickKeys[i]; q.ref {
			if q.v = d.refs[q.v.x]; q.v.meta != uint32(kTuple)<<28|3 {
				return false
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
// share the number gone, whose items are dropped too. cProfile flags
// every row's stats tuple and every caller's, never referenced again:
// on large.pstats, numbering those took 71,400 numbers where the key
// tuples take 17,061, and the labels that known reads were spread over
// 285 KB instead of 68 KB.
func (d *decoder) quickFilled(k kind, n, at, slot int, key bool) {
	if slot < 0 {
		return
	}
	s := uint32(gone)
	if key {
		s = uint32(len(d.sharedBase))
		d.sharedBase = append(d.sharedBase, dropped)
	}
	d.refs[slot] = value{meta: uint32(k)<<28 | uint32(n), off: uint32(at) | slotted, x: s}
}

// quickCount reads a call count, an int32 of at least -1 written as an
// int or a reference to one, into c and reports whether it could.
func (d *decoder) quickCount(c *int64) bool {
	return d.quickInt(c) && *c >= -1
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
			d.refs = append(d.refs, value{meta: uint32(kStr) << 28, off: uint32(at), x: *s})
		}
		d.off = at + 2 + n
	case len(rest) >= 5 && rest[0] == 'r':
		x := binary.LittleEndian.Uint32(rest[1:])
		if uint64(x) >= uint64(len(d.refs)) || d.refs[x].meta != uint32(kStr)<<28 {
			return false
		}
		*s = d.refs[x].x
		d.off = at + 5
	default:
		return false
	}
	return true
}

// quickInt reads an int32 written as an int or a reference to one into n
// and reports whether it could.
func (d *decoder) quickInt(n *int64) bool {
	at := d.off
	if len(d.data)-at < 5 {
		return false
	}
	x := binary.LittleEndian.Uint32(d.data[at+1:])
	switch d.data[at] {
	case 'i':
	case 'i' | 0x80:
		d.refs = append(d.refs, value{meta: uint32(kInt)<<28 | inX, off: uint32(at), x: x})
	case 'r':
		if uint64(x) >= uint64(len(d.refs)) || d.refs[x].meta != uint32(kInt)<<28|inX {
			return false
		}
		x = d.refs[x].x
	default:
		return false
	}
	d.off = at + 5
	*n = int64(int32(x))
	return true
}

// quickTime reads a time, a finite non-negative binary float or a
// reference to one, into t and reports whether it could.
func (d *decoder) quickTime(t *float64) bool {
	at := d.off
	rest := d.data[at:]
	var bits uint64
	switch {
	case len(rest) >= 9 && rest[0]&^0x80 == 'g':
		if rest[0] != 'g' {
			d.refs = append(d.refs, value{meta: uint32(kFloat)<<28 | inInput, off: uint32(at), x: uint32(at + 1)})
		}
		bits = binary.LittleEndian.Uint64(rest[1:])
		d.off = at + 9
	case len(rest) >= 5 && rest[0] == 'r':
		x := binary.LittleEndian.Uint32(rest[1:])
		if uint64(x) >= uint64(len(d.refs)) || d.refs[x].meta != uint32(kFloat)<<28|inInput {
			return false
		}
		bits = binary.LittleEndian.Uint64(d.data[d.refs[x].x:])
		d.off = at + 5
	default:
		return false
	}
	*t = math.Float64frombits(bits)
	return !bad(*t)
}
