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
// slots and numbers its containers alike either way.

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
	key, null, err := d.object()
	ok := err == nil && !null && key.kind() == kTuple && key.n() == 3 && b.quickStats(&f)
	if !ok {
		d.reset(start)
		b.newEdges.free, b.p.Edges = free, b.p.Edges[:nedges]
		return false, nil
	}
	rf, err := b.rowFunc(key)
	if err != nil {
		return false, err
	}
	rf.f.Primitive, rf.f.Calls, rf.f.Own, rf.f.Cum = f.Primitive, f.Calls, f.Own, f.Cum
	callee, err := b.addRow(rf, len(b.quickKeys))
	if err != nil {
		return false, err
	}
	for i, e := range b.p.Edges[nedges:] {
		if e.Caller, err = b.caller(b.quickKeys[i]); err != nil {
			return false, err
		}
		e.Callee = callee
	}
	return true, nil
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
	d.quickFilled(kTuple, 5, at, slot)
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
	b.quickKeys = b.quickKeys[:0]
	for {
		key, null, err := d.object()
		if err != nil {
			return false
		}
		if null {
			break
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
		d.quickFilled(kTuple, 4, eat, eslot)
		b.p.Edges = append(b.p.Edges, e)
		b.quickKeys = append(b.quickKeys, key)
	}
	d.leave()
	d.quickFilled(kDict, 2*len(b.quickKeys), at, slot)
	return true
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
// would, and its items count as dropped.
func (d *decoder) quickFilled(k kind, n, at, slot int) {
	if slot < 0 {
		return
	}
	d.sharedBase = append(d.sharedBase, dropped)
	d.refs[slot] = value{meta: uint32(k)<<28 | uint32(n), off: uint32(at) | slotted, x: uint32(len(d.sharedBase) - 1)}
}

// quickCount reads a call count, an int32 of at least -1 written as an
// int or a reference to one, into c and reports whether it could.
func (d *decoder) quickCount(c *int64) bool {
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
	if int32(x) < -1 {
		return false
	}
	d.off = at + 5
	*c = int64(int32(x))
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
