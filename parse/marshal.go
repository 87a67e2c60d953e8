package parse

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file decodes Python's marshal format, following CPython's
// Python/marshal.c r_object, for the one purpose of reading pstats dumps;
// docs/pstats-format.md, "Marshal, the part pstats needs", lists the codes.
// It reads every version (0 to 5) and Python 2's string table, and decodes
// the whole input into compact values rather than Python objects: a value
// is 12 bytes, containers point into one shared arena, and strings are
// interned, so a 2.5 MB dump costs a few allocations instead of hundreds of
// thousands.
//
// The input is untrusted. No length read from it allocates more than the
// remaining input could hold, nesting is bounded, and every failure is an
// error carrying the byte offset where decoding stopped.

// maxDepth bounds nesting. CPython's MAX_MARSHAL_STACK_DEPTH is 2000; a
// stats dict needs 4 levels, a code object a few more per nested function.
const maxDepth = 2000

// kind is the Python type a value decoded from.
type kind uint8

const (
	kNone kind = iota
	kBool
	kInt
	kFloat
	kComplex // decoded and dropped: stats never hold one
	kStr     // x indexes decoder.strs
	kBytes   // Python 3 bytes or Python 2 str: x is the input offset, n the length
	kTuple   // x indexes decoder.arena, n counts items
	kList
	kDict // items alternate key, value; n counts items (twice the pairs)
	kSet  // set or frozenset
	kCode // x indexes decoder.strs: the code object's co_name
	kOther
	kBigInt // an int beyond int64: x holds its float64 bits, no longer exact
)

var kindNames = [...]string{
	kNone: "None", kBool: "bool", kInt: "int", kFloat: "float", kComplex: "complex",
	kStr: "str", kBytes: "bytes", kTuple: "tuple", kList: "list", kDict: "dict",
	kSet: "set", kCode: "code object", kOther: "object", kBigInt: "int",
}

func (k kind) String() string { return kindNames[k] }

// value is one decoded object. A dump holds hundreds of thousands, and
// every fresh page of memory they fill costs a page fault, so a value
// keeps to 12 bytes: its payload x is 32 bits. x holds an int that fits
// in int32, a bool, a string index, a byte string's input offset or a
// container's arena offset. A number that does not fit in x says by its n
// where its 8 bytes are, x being their offset: a binary float (most of a
// dump's numbers) is read again from the input; any other (an int64, a
// long, a text float) is kept in decoder.wide.
type value struct {
	meta uint32 // kind<<28 | n, where n counts a container's items or a byte string's bytes, or places a number
	off  uint32 // where the object starts in the input, for messages; the slotted bit marks a flagged container
	x    uint32
}

// maxItems bounds n so that it fits in value.meta.
const maxItems = 1<<28 - 1

// Where a number's 64 bits are, by its n.
const (
	inX     = 0 // x holds an int32
	inInput = 1 // data[x:x+8], little-endian as marshal writes them
	inWide  = 2 // wide[x:x+8]
)

// slotted is the bit of value.off that marks a container the dump flagged
// for references: its x is then its number among such containers, which
// indexes decoder.sharedBase for its arena offset. Offsets stay below the
// bit as the decoder refuses inputs larger than MaxInput.
const slotted = 1 << 31

func mkValue(k kind, n int, x uint32) value { return value{meta: uint32(k)<<28 | uint32(n), x: x} }

func (v value) kind() kind { return kind(v.meta >> 28) }
func (v value) n() int     { return int(v.meta & maxItems) }

// at returns the input offset where v starts.
func (v value) at() int { return int(v.off &^ slotted) }

// numberValue returns a number of kind k with the 64 bits b, in x if it is
// an int that fits, else in the wide table.
func (d *decoder) numberValue(k kind, b uint64) value {
	if k == kInt && int64(int32(b)) == int64(b) {
		return mkValue(kInt, inX, uint32(b))
	}
	v := mkValue(k, inWide, uint32(len(d.wide)))
	d.wide = binary.LittleEndian.AppendUint64(d.wide, b)
	return v
}

// bits returns the 64 bits of a number: an int's two's complement, a
// float's IEEE 754 bits.
func (d *decoder) bits(v value) uint64 {
	if v.n() == inX {
		return uint64(int64(int32(v.x)))
	}
	buf := d.data
	if v.n() == inWide {
		buf = d.wide
	}
	return binary.LittleEndian.Uint64(buf[v.x:])
}

func (d *decoder) int(v value) int64     { return int64(d.bits(v)) }
func (d *decoder) float(v value) float64 { return math.Float64frombits(d.bits(v)) }

// number returns a float or int as float64. Binary floats, most of a
// dump's numbers, take the shortest path.
func (d *decoder) number(v value) (float64, bool) {
	if v.meta == uint32(kFloat)<<28|inInput {
		return math.Float64frombits(binary.LittleEndian.Uint64(d.data[v.x:])), true
	}
	switch v.kind() {
	case kFloat, kBigInt:
		return d.float(v), true
	case kInt:
		return float64(d.int(v)), true
	}
	return 0, false
}

// shared returns the number of a container the dump flagged for
// references, counting such containers from 0 as they end (an outer one
// after those it holds), or -1 for any other value. Every reference to a
// container yields the same number, so a reader can remember what it made
// of the container by its number rather than by its contents (see label).
func (d *decoder) shared(v value) int {
	if k := v.kind(); k < kTuple || k > kSet || v.off&slotted == 0 {
		return -1
	}
	return int(v.x)
}

// codeLayout is one CPython version range's code object layout.
type codeLayout struct {
	name    string
	ints    int    // raw int32 fields before the first object
	objects string // the object fields in order: b bytes, t tuple, s str, i raw int32
}

// codeLayouts are tried newest first, as nothing in a dump names its Python
// version. The field types tell them apart: a layout that reads the wrong
// one fails on a field of the wrong type.
var codeLayouts = []codeLayout{
	// code, consts, names, localsplusnames, localspluskinds, filename, name,
	// qualname, firstlineno, linetable, exceptiontable
	{"3.11+", 5, "btttbsssibb"},
	// code, consts, names, varnames, freevars, cellvars, filename, name,
	// firstlineno, lnotab (linetable in 3.10)
	{"3.8-3.10", 6, "btttttssib"},
	{"3.0-3.7", 5, "btttttssib"},
	{"2.x", 4, "btttttssib"},
}

// decoder reads one marshal stream.
type decoder struct {
	data  []byte
	off   int
	depth int

	arena      []value     // container items
	stack      []value     // items of dicts being read
	refs       []ref       // FLAG_REF objects in pre-order; refReserved marks a reserved slot
	spill      [][2]uint32 // the meta and x of the objects in ref slots of no common shape
	refAt      []uint32    // a whole read's offsets of refs, slotted bit included (see ref)
	sharedBase []uint32    // arena offset of each flagged container (see slotted), or dropped, or labeled
	wide       []byte      // numbers that fit neither x nor the input's bytes, 8 bytes each
	strs       []string
	text       strings.Builder   // the texts of strs, but those built by intern, end to end (see keep)
	texts      *idTable          // index in strs by text
	aliases    map[string]uint32 // index in strs by invalid UTF-8 bytes that decoded to it
	seed       maphash.Seed
	table      []uint32 // Python 2 interned strings, for R

	layout int // index in codeLayouts once a code object decoded, else -1

	// pairs, if set, takes each key/value pair of a top-level dict as it
	// is read, after which the values the pair holds are dropped (see
	// newPairsDecoder). lost reports that an item of a dropped container
	// was asked for: what items returned then is not the dump's.
	pairs pairReader
	lost  bool

	stringRefs bool // an R was read: only Python 2 writes them
	bytes      bool // a byte string was read: it is interned from data when used
}

// errMarshal is a decoding failure at an offset, turned into *Error by the
// caller that knows the file name.
type errMarshal struct {
	off int
	msg string
}

func (e *errMarshal) Error() string { return fmt.Sprintf("byte %#x: %s", e.off, e.msg) }

func newDecoder(data []byte) *decoder {
	// Preallocate for a typical dump, bounded: testdata/pstats/large.pstats
	// holds one value per 6 input bytes, one ref per 22 (Python 3 flags
	// every shared tuple, int and float), one flagged container per 41 and
	// one distinct string per 260, and its stats dict has an item per 90
	// bytes; those items wait on the stack until the dict ends. Large
	// slices grow by a quarter at a time, so growing these would copy them
	// many times over, each copy fresh pages to fault in.
	d := decoderFor(data, len(data)/5, min(len(data)/64, 1<<20), len(data)/32)
	d.refAt = make([]uint32, 0, cap(d.refs))
	return d
}

// newPairsDecoder returns a decoder that hands each key/value pair of a
// top-level dict to pairs as soon as the pair is read, and then drops the
// items of the containers the pair holds: the arena only ever holds one
// pair, a few hundred values where a whole dump holds hundreds of
// thousands. A flagged container stays known by its number for shared,
// but its items are gone; a later reference to it sets lost when its
// items are asked for, and the caller must then decode the dump whole.
func newPairsDecoder(data []byte, pairs pairReader) *decoder {
	// It numbers only the key tuples of the rows it reads quickly, one
	// per 174 bytes of large.pstats (see quickFilled).
	d := decoderFor(data, 1024, 256, len(data)/128)
	d.pairs = pairs
	// Number 0 is that of the flagged containers that a quick read
	// dropped and nothing labels (see quickFilled).
	d.sharedBase = append(d.sharedBase, dropped)
	return d
}

// pairReader takes the pairs of a top-level dict from a pairs decoder.
type pairReader interface {
	// quick reads the pair at the decoder's offset by itself if the pair
	// has the shape it expects, and reports whether it did; if not, it
	// leaves the decoder as it found it (see mark), and the pair is
	// decoded into values for pair.
	quick() (bool, error)
	pair(key, val value) error
}

// decoderFor returns a decoder with room for arena values in the arena,
// stack values on the stack and shared flagged containers.
func decoderFor(data []byte, arena, stack, shared int) *decoder {
	strs := min(len(data)/256, 1<<16)
	return &decoder{
		data:       data,
		arena:      make([]value, 0, arena),
		stack:      make([]value, 0, stack),
		refs:       make([]ref, 0, len(data)/20),
		sharedBase: make([]uint32, 0, shared),
		strs:       make([]string, 0, strs),
		texts:      newIDTable(strs),
		seed:       maphash.MakeSeed(),
		layout:     -1,
	}
}

func (d *decoder) fail(off int, format string, args ...any) error {
	return &errMarshal{off: off, msg: fmt.Sprintf(format, args...)}
}

// need checks that n more bytes remain. It is small enough to inline, which
// matters as it runs for every object; the message is built elsewhere.
func (d *decoder) need(n int, what string) error {
	if uint(n) <= uint(len(d.data)-d.off) {
		return nil
	}
	return d.truncated(n, what)
}

func (d *decoder) truncated(n int, what string) error {
	return d.fail(d.off, "%s needs %d bytes, %d left: truncated", what, n, len(d.data)-d.off)
}

func (d *decoder) byte(what string) (byte, error) {
	if d.off < len(d.data) {
		d.off++
		return d.data[d.off-1], nil
	}
	return 0, d.truncated(1, what)
}

func (d *decoder) int32(what string) (int32, error) {
	if err := d.need(4, what); err != nil {
		return 0, err
	}
	return int32(d.u32()), nil
}

// u32 reads 4 bytes that need has checked.
func (d *decoder) u32() uint32 {
	d.off += 4
	return binary.LittleEndian.Uint32(d.data[d.off-4:])
}

// count reads an int32 element count and checks that the remaining input
// could hold that many elements of at least size bytes each, so that no
// claimed length allocates beyond the input.
func (d *decoder) count(size int, what string) (int, error) {
	at := d.off
	if len(d.data)-d.off < 4 {
		return 0, d.truncated(4, what+" length")
	}
	n := int32(d.u32())
	if n < 0 || n > maxItems || int64(n)*int64(size) > int64(len(d.data)-d.off) {
		// Lengths are unsigned in the message: CPython reads 0xFFFFFFF0
		// as a huge length, not as -16.
		return 0, d.fail(at, "%s length %d exceeds the %d bytes left", what, uint32(n), len(d.data)-d.off)
	}
	return int(n), nil
}

// intern returns the string index for b, decoding it leniently: invalid
// UTF-8 (CPython writes lone surrogates with surrogatepass) becomes U+FFFD,
// or, for Python 2 byte strings, is taken as Latin-1. Equal texts get equal
// indexes, so indexes can stand for the text in keys.
func (d *decoder) intern(b []byte, latin1 bool) uint32 {
	h := uint32(maphash.Bytes(d.seed, b))
	if id := d.texts.find(h, func(id int32) bool { return d.strs[id] == string(b) }); id >= 0 {
		return uint32(id)
	}
	if id, ok := d.aliases[string(b)]; ok {
		return id
	}
	id := uint32(len(d.strs))
	if utf8.Valid(b) {
		d.strs = append(d.strs, d.keep(b))
		d.texts.add(h, int32(id))
		return id
	}
	var s string
	if latin1 {
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		s = string(r)
	} else {
		s = strings.ToValidUTF8(string(b), "\uFFFD")
	}
	h = uint32(maphash.String(d.seed, s))
	if prev := d.texts.find(h, func(id int32) bool { return d.strs[id] == s }); prev >= 0 {
		// Other bytes decoded to the same text: one text, one index.
		id = uint32(prev)
	} else {
		d.strs = append(d.strs, s)
		d.texts.add(h, int32(id))
	}
	if d.aliases == nil {
		d.aliases = make(map[string]uint32)
	}
	d.aliases[string(b)] = id
	return id
}

// textChunk is the size of a block of texts kept by keep, or of the
// input if smaller.
const textChunk = 64 << 10

// keep returns b as a string that shares a block of memory with the
// other texts kept, rather than one allocation per text: a dump holds
// thousands of distinct strings. The block is a strings.Builder's
// buffer, whose written bytes never change, so the strings that String
// returns stay valid as more is written; a full block is left to them
// and a new one begun.
func (d *decoder) keep(b []byte) string {
	if d.text.Cap()-d.text.Len() < len(b) {
		d.text = strings.Builder{}
		d.text.Grow(max(min(textChunk, len(d.data)), len(b)))
	}
	start := d.text.Len()
	d.text.Write(b)
	return d.text.String()[start:]
}

// strIndex returns the interned index of v's text if v is a str, a code
// object (its name) or a byte string (Python 2 str).
func (d *decoder) strIndex(v value) (uint32, bool) {
	switch v.kind() {
	case kStr, kCode:
		return v.x, true
	case kBytes:
		return d.intern(d.data[v.x:v.x+uint32(v.n())], true), true
	}
	return 0, false
}

// str returns v's text as strIndex finds it.
func (d *decoder) str(v value) (string, bool) {
	i, ok := d.strIndex(v)
	if !ok {
		return "", false
	}
	return d.strs[i], true
}

// items returns the items of a container. Those of a container a pairs
// decoder dropped or its reader labeled are n zero values (None), and
// lost is set.
func (d *decoder) items(v value) []value {
	base := v.x
	if v.off&slotted != 0 {
		if base = d.sharedBase[base]; base >= droppedBit {
			d.lost = true
			return make([]value, v.n())
		}
	}
	return d.arena[base : base+uint32(v.n())]
}

// A flagged container whose items are gone has an arena offset with
// droppedBit set, arena offsets being smaller (see slotted); the other
// bits are all ones if a pairs decoder dropped the items, or else a
// label.
const (
	droppedBit = 1 << 31
	dropped    = math.MaxUint32
)

// label gives the flagged container numbered s (see shared) the label l,
// below dropped &^ droppedBit: what its reader made of it, in place of
// its items, which are gone from then on. labelOf returns it.
func (d *decoder) label(s int, l uint32) { d.sharedBase[s] = droppedBit | l }

// labelOf returns the label of the flagged container numbered s, if it
// has one.
func (d *decoder) labelOf(s int) (uint32, bool) {
	base := d.sharedBase[s]
	return base &^ droppedBit, base >= droppedBit && base != dropped
}

// describe names v for messages: its kind and a short rendering.
func (d *decoder) describe(v value) string {
	switch v.kind() {
	case kInt:
		return "int " + strconv.FormatInt(d.int(v), 10)
	case kFloat, kBigInt:
		return v.kind().String() + " " + strconv.FormatFloat(d.float(v), 'g', -1, 64)
	case kStr, kBytes:
		s, _ := d.str(v)
		if len(s) > 40 {
			s = s[:40] + "..."
		}
		return v.kind().String() + " " + strconv.Quote(s)
	case kTuple, kList, kDict, kSet:
		n := v.n()
		if v.kind() == kDict {
			n /= 2
		}
		return fmt.Sprintf("%s of %d", v.kind(), n)
	}
	return v.kind().String()
}

// decode reads one object that must span the whole input.
func (d *decoder) decode() (value, error) {
	if len(d.data) > MaxInput {
		return value{}, d.fail(0, "input of %d bytes is larger than the %d MiB loopdoctor reads", len(d.data), MaxInput>>20)
	}
	v, null, err := d.object()
	if err != nil {
		return value{}, err
	}
	if null {
		return value{}, d.fail(0, "marshal NULL at top level")
	}
	if d.off != len(d.data) {
		return value{}, d.fail(d.off, "%d bytes of trailing data after the marshalled object", len(d.data)-d.off)
	}
	// The values, the strings and the input (binary floats are read from
	// it) are used from here on; the tables for references go, and so
	// does the string index unless a byte string needs interning later.
	d.refs, d.refAt, d.spill, d.stack, d.table = nil, nil, nil, nil, nil
	if !d.bytes {
		d.texts, d.aliases = nil, nil
	}
	return v, nil
}

// object reads one object. null reports TYPE_NULL ('0'), which ends a dict.
//
// A flagged object takes the next ref slot in pre-order: a container
// reserves its slot before reading its children and fills it at the end,
// while an object without children simply takes its slot once read.
// Singletons and references never take one.
//
// object reads the objects a stats dict holds by the hundred thousand
// itself, complete references, floats, ints and small tuples (94% of
// large.pstats's objects), and leaves everything else, their truncated
// or bad forms included, to objectRest: a small function with few calls
// spends little on each.
func (d *decoder) object() (v value, null bool, err error) {
	at := d.off
	if at >= len(d.data) {
		return value{}, false, d.truncated(1, "type code")
	}
	code := d.data[at]
	rest := d.data[at+1:]
	switch code &^ 0x80 {
	case 'r':
		if len(rest) >= 4 {
			if i := binary.LittleEndian.Uint32(rest); uint64(i) < uint64(len(d.refs)) && d.refs[i] != refReserved {
				d.off = at + 5
				return d.refValue(i), false, nil
			}
		}
	case 'g':
		if len(rest) >= 8 {
			v = value{meta: uint32(kFloat)<<28 | inInput, x: uint32(at + 1)}
			d.off = at + 9
			return d.took(v, at, code), false, nil
		}
	case 'i':
		if len(rest) >= 4 {
			v = value{meta: uint32(kInt)<<28 | inX, x: binary.LittleEndian.Uint32(rest)}
			d.off = at + 5
			return d.took(v, at, code), false, nil
		}
	case ')':
		if len(rest) >= 1 {
			d.off = at + 2
			slot := d.reserve(code&0x80 != 0)
			if v, err = d.sequence(at, kTuple, int(rest[0]), slot); err != nil {
				return value{}, false, err
			}
			return d.filled(v, at, slot), false, nil
		}
	case '0':
		d.off = at + 1
		return value{}, true, nil
	}
	return d.objectRest(at, code)
}

// took sets the offset of v, an object without children read at 'at',
// and gives it the next ref slot if its type code is flagged.
func (d *decoder) took(v value, at int, code byte) value {
	v.off = uint32(at)
	if code&0x80 != 0 {
		d.addRef(v)
	}
	return v
}

// ref is the object in a ref slot, without its offset, which only
// messages need: a whole read keeps the offsets apart, in refAt; a pairs
// decoder, whose failures lead to a whole read, keeps none. A slot takes
// 4 bytes: its low three bits say which of a few common shapes the object
// has, and the other 29 hold what the shape leaves open, its payload; an
// object of any other shape, or whose payload does not fit, is kept in
// decoder.spill, which the payload then indexes. large.pstats has 132,775
// slots, nearly all read only to number them, and all of a common shape:
// the table takes 0.53 MB instead of the 1.06 MB of 8-byte slots, and a
// read of one, which lies anywhere in it, misses the cache less often.
type ref uint32

// The shapes of a ref, and what its payload holds.
const (
	refStr   ref = iota // a str: its index in strs
	refInt              // an int in x: the int, two's complement
	refFloat            // a binary float: its input offset, x
	refKey              // a tuple of 3 items, as a key is: its number (see shared), x
	refZero             // anything whose x is 0, as a container a quick read dropped (see quickFilled): kind<<25 | n
	refSpill            // anything else: its index in spill

	refShape   = 7         // the bits of a ref that hold its shape
	maxPayload = 1<<29 - 1 // the largest payload of a ref
	zeroN      = 1<<25 - 1 // the largest n of a refZero
)

// mkRef returns the ref of shape s with payload p, which must fit.
func mkRef(s ref, p uint32) ref { return ref(p)<<3 | s }

func (r ref) shape() ref      { return r & refShape }
func (r ref) payload() uint32 { return uint32(r) >> 3 }
func (r ref) int() int32      { return int32(r) >> 3 } // the payload of a refInt

// zeroRef returns the refZero of a value of kind k, n and x 0; n must
// not exceed zeroN.
func zeroRef(k kind, n int) ref { return mkRef(refZero, uint32(k)<<25|uint32(n)) }

// refReserved is the slot of a container being read: the refZero of
// kind kOther and n 1.
const refReserved = ref(uint32(kOther)<<25|1)<<3 | refZero

// packRef returns the ref slot of the value with meta and x. The quick
// reads make the common shapes themselves.
func (d *decoder) packRef(meta, x uint32) ref {
	switch {
	case meta == uint32(kStr)<<28 && x <= maxPayload:
		return mkRef(refStr, x)
	case meta == uint32(kInt)<<28|inX && mkRef(refInt, x).int() == int32(x):
		return mkRef(refInt, x)
	case meta == uint32(kFloat)<<28|inInput && x <= maxPayload:
		return mkRef(refFloat, x)
	case meta == uint32(kTuple)<<28|3 && x <= maxPayload:
		return mkRef(refKey, x)
	case x == 0 && meta&maxItems <= zeroN:
		return zeroRef(kind(meta>>28), int(meta&maxItems))
	}
	d.spill = append(d.spill, [2]uint32{meta, x})
	return mkRef(refSpill, uint32(len(d.spill)-1))
}

// addRef gives v the next ref slot.
func (d *decoder) addRef(v value) {
	d.refs = append(d.refs, d.packRef(v.meta, v.x))
	if d.pairs == nil {
		d.refAt = append(d.refAt, v.off)
	}
}

// refValue returns the value in ref slot i. A pairs decoder, which keeps
// no offsets, gives it none but the bit that every container in a slot
// has (see slotted).
func (d *decoder) refValue(i uint32) value {
	r := d.refs[i]
	p := r.payload()
	var v value
	switch r.shape() {
	case refStr:
		v = value{meta: uint32(kStr) << 28, x: p}
	case refInt:
		v = value{meta: uint32(kInt)<<28 | inX, x: uint32(r.int())}
	case refFloat:
		v = value{meta: uint32(kFloat)<<28 | inInput, x: p}
	case refKey:
		v = value{meta: uint32(kTuple)<<28 | 3, x: p}
	case refZero:
		v = value{meta: p>>25<<28 | p&zeroN}
	default:
		v = value{meta: d.spill[p][0], x: d.spill[p][1]}
	}
	if d.pairs == nil {
		v.off = d.refAt[i]
	} else if k := v.kind(); k >= kTuple && k <= kSet {
		v.off = slotted
	}
	return v
}

// keyValue returns the value of a pairs decoder's refKey r: the short
// way of refValue for the quick reads, whose keys are most references.
func keyValue(r ref) value {
	return value{meta: uint32(kTuple)<<28 | 3, off: slotted, x: r.payload()}
}

// objectRest reads the object whose type code is at 'at', for object.
func (d *decoder) objectRest(at int, code byte) (v value, null bool, err error) {
	d.off = at + 1
	flag := code&0x80 != 0
	typ := code &^ 0x80
	slot := -1
	switch typ {
	case 'r':
		if err = d.need(4, "reference"); err != nil {
			return value{}, false, err
		}
		i := int32(d.u32())
		if i < 0 || int(i) >= len(d.refs) {
			return value{}, false, d.fail(at, "reference %d to undefined slot (%d defined so far)", i, len(d.refs))
		}
		return value{}, false, d.fail(at, "reference %d to an object still being read", i)
	case 'g':
		return value{}, false, d.truncated(8, "float")
	case 'i':
		return value{}, false, d.truncated(4, "int")
	case '(', ')', '[', '<', '>':
		slot = d.reserve(flag)
		var n int
		if typ == ')' {
			if err = d.need(1, "tuple length"); err == nil {
				n = int(d.data[d.off])
				d.off++
			}
		} else {
			n, err = d.count(1, kindOf(typ).String())
		}
		if err == nil {
			v, err = d.sequence(at, kindOf(typ), n, slot)
		}
	case '{':
		slot = d.reserve(flag)
		v, err = d.dict(at, slot)
	case 'c':
		slot = d.reserve(flag)
		v, err = d.code(at)
	case ':': // slice (version 5): start, stop, step
		slot = d.reserve(flag)
		v, err = d.slice(at)
	case 'N', 'F', 'T', 'S', '.':
		return d.singleton(at, typ), false, nil
	case 'R':
		var i int32
		if i, err = d.int32("string reference"); err != nil {
			return value{}, false, err
		}
		if i < 0 || int(i) >= len(d.table) {
			return value{}, false, d.fail(at, "string reference %d to undefined entry (%d interned strings so far)", i, len(d.table))
		}
		d.stringRefs = true
		v = mkValue(kStr, 0, d.table[i])
		v.off = uint32(at)
		return v, false, nil
	default:
		v, err = d.scalar(at, code)
	}
	if err != nil {
		return value{}, false, err
	}
	if slot < 0 {
		return d.took(v, at, code), false, nil
	}
	return d.filled(v, at, slot), false, nil
}

// filled sets the offset of v, a container read at 'at', and fills the
// ref slot it reserved, if any.
func (d *decoder) filled(v value, at, slot int) value {
	v.off = uint32(at)
	if slot < 0 {
		return v
	}
	if k := v.kind(); k >= kTuple && k <= kSet {
		v.off |= slotted // container numbered it
	}
	d.refs[slot] = d.packRef(v.meta, v.x)
	if d.pairs == nil {
		d.refAt[slot] = v.off
	}
	return v
}

// reserve takes the next ref slot for a flagged container about to read
// its children, or returns -1.
func (d *decoder) reserve(flag bool) int {
	if !flag {
		return -1
	}
	d.refs = append(d.refs, refReserved)
	if d.pairs == nil {
		d.refAt = append(d.refAt, 0)
	}
	return len(d.refs) - 1
}

// singleton returns None, a bool, StopIteration or Ellipsis.
func (d *decoder) singleton(at int, typ byte) value {
	v := mkValue(kOther, 0, 0)
	switch typ {
	case 'N':
		v = mkValue(kNone, 0, 0)
	case 'F':
		v = mkValue(kBool, 0, 0)
	case 'T':
		v = mkValue(kBool, 0, 1)
	}
	v.off = uint32(at)
	return v
}

// scalar reads the objects without children that pstats dumps seldom
// hold, and strings; object reads the common ones itself.
func (d *decoder) scalar(at int, code byte) (v value, err error) {
	switch typ := code &^ 0x80; typ {
	case 'I':
		if err = d.need(8, "int64"); err == nil {
			v = d.numberValue(kInt, binary.LittleEndian.Uint64(d.data[d.off:]))
			d.off += 8
		}
	case 'l':
		v, err = d.long()
	case 'f':
		var f float64
		if f, err = d.textFloat(); err == nil {
			v = d.numberValue(kFloat, math.Float64bits(f))
		}
	case 'x':
		if _, err = d.textFloat(); err == nil {
			_, err = d.textFloat()
		}
		v = mkValue(kComplex, 0, 0)
	case 'y':
		err = d.need(16, "complex")
		d.off += 16
		v = mkValue(kComplex, 0, 0)
	case 's':
		var n int
		if n, err = d.count(1, "bytes"); err == nil {
			v = mkValue(kBytes, n, uint32(d.off))
			d.bytes = true
			d.off += n
		}
	case 't', 'u', 'a', 'A':
		var n int
		if n, err = d.count(1, "string"); err == nil {
			// Python 2 wrote interned byte strings as t.
			v = mkValue(kStr, 0, d.intern(d.data[d.off:d.off+n], typ == 't'))
			d.off += n
			if typ == 't' {
				d.table = append(d.table, v.x)
			}
		}
	case 'z', 'Z':
		var n byte
		if n, err = d.byte("string length"); err == nil {
			if err = d.need(int(n), "string"); err == nil {
				v = mkValue(kStr, 0, d.intern(d.data[d.off:d.off+int(n)], false))
				d.off += int(n)
			}
		}
	default:
		err = d.fail(at, "unknown marshal type code %q (0x%02x)", rune(code), code)
	}
	return v, err
}
func kindOf(typ byte) kind {
	switch typ {
	case '(', ')':
		return kTuple
	case '[':
		return kList
	}
	return kSet
}

// enter counts one more level of nesting, reporting false beyond
// maxDepth (for tooDeep to say) so that hostile input cannot exhaust the
// stack. Containers call it, and call leave when they are done; after an
// error the count no longer matters, except to code, which restores it.
func (d *decoder) enter() bool {
	if d.depth >= maxDepth {
		return false
	}
	d.depth++
	return true
}

func (d *decoder) tooDeep(at int) error {
	return d.fail(at, "objects nested deeper than %d", maxDepth)
}

func (d *decoder) leave() { d.depth-- }

// sequence reads n items into the arena. It reserves their places before
// reading them, so that nested containers take theirs after, and the items
// go straight to their place. A flagged container's ref slot, if it has
// one, goes just before them.
func (d *decoder) sequence(at int, k kind, n, slot int) (value, error) {
	if !d.enter() {
		return value{}, d.tooDeep(at)
	}
	base := len(d.arena)
	d.arena = slices.Grow(d.arena, n)[:base+n]
	for i := range n {
		at := d.off
		item, null, err := d.object()
		if err != nil {
			return value{}, err
		}
		if null {
			return value{}, d.fail(at, "NULL object in %s", k)
		}
		d.arena[base+i] = item
	}
	d.leave()
	return d.container(k, n, base, slot), nil
}

// slice reads a slice object's three fields and drops them: stats never
// hold one.
func (d *decoder) slice(at int) (value, error) {
	if !d.enter() {
		return value{}, d.tooDeep(at)
	}
	defer d.leave()
	for range 3 {
		at := d.off
		_, null, err := d.object()
		if err != nil {
			return value{}, err
		}
		if null {
			return value{}, d.fail(at, "NULL object in slice")
		}
	}
	return mkValue(kOther, 0, 0), nil
}

// dict reads key/value pairs up to the TYPE_NULL that ends them. Like
// CPython, a NULL in a value's place ends the dict too. A top-level dict
// read by a pairs decoder hands its pairs over instead of keeping them, and
// ends up with no items.
func (d *decoder) dict(at int, slot int) (value, error) {
	pairs := d.pairs
	if d.depth > 0 {
		pairs = nil
	}
	if !d.enter() {
		return value{}, d.tooDeep(at)
	}
	base, n := len(d.stack), 0
	for {
		arena, shared := len(d.arena), len(d.sharedBase)
		if pairs != nil {
			done, err := pairs.quick()
			if err != nil {
				return value{}, err
			}
			if done {
				n += 2
				d.drop(arena, shared)
				continue
			}
		}
		key, null, err := d.object()
		if err != nil {
			return value{}, err
		}
		if null {
			break
		}
		val, null, err := d.object()
		if err != nil {
			return value{}, err
		}
		if null {
			break
		}
		if n >= maxItems {
			return value{}, d.fail(key.at(), "dict has more than %d items", maxItems/2)
		}
		n += 2
		if pairs == nil {
			d.stack = append(d.stack, key, val)
			continue
		}
		if err := pairs.pair(key, val); err != nil {
			return value{}, err
		}
		d.drop(arena, shared)
	}
	d.leave()
	return d.collect(base, slot), nil
}

// drop empties the arena down to length arena and marks the flagged
// containers numbered from shared on as dropped, but those labeled.
func (d *decoder) drop(arena, shared int) {
	d.arena = d.arena[:arena]
	for s := shared; s < len(d.sharedBase); s++ {
		if d.sharedBase[s] < droppedBit {
			d.sharedBase[s] = dropped
		}
	}
}

// collect moves the dict items above base from the stack into the arena.
func (d *decoder) collect(base, slot int) value {
	v := d.container(kDict, len(d.stack)-base, len(d.arena), slot)
	d.arena = append(d.arena, d.stack[base:]...)
	d.stack = d.stack[:base]
	return v
}

// container returns a container of n items from base in the arena. A
// flagged one (its ref slot is not -1) is numbered for shared instead, and
// its base kept in sharedBase; filled marks it.
func (d *decoder) container(k kind, n, base, slot int) value {
	if slot < 0 {
		return mkValue(k, n, uint32(base))
	}
	d.sharedBase = append(d.sharedBase, uint32(base))
	return mkValue(k, n, uint32(len(d.sharedBase)-1))
}

// long reads a TYPE_LONG: a signed digit count, then base 2**15 digits,
// least significant first. Values beyond int64 keep their magnitude as a
// float, marked kBigInt.
func (d *decoder) long() (value, error) {
	n, err := d.int32("long digit count")
	if err != nil {
		return value{}, err
	}
	neg := n < 0
	size := int64(n)
	if neg {
		size = -size
	}
	if size*2 > int64(len(d.data)-d.off) {
		return value{}, d.fail(d.off-4, "long of %d digits exceeds the %d bytes left", size, len(d.data)-d.off)
	}
	var u uint64
	var f float64
	exact := true
	for i := range int(size) {
		digit := uint64(binary.LittleEndian.Uint16(d.data[d.off+2*i:]))
		if digit >= 1<<15 {
			return value{}, d.fail(d.off+2*i, "long digit %d out of range", digit)
		}
		f += math.Ldexp(float64(digit), 15*i)
		if i >= 5 || (i == 4 && digit>>3 != 0) {
			exact = false // beyond 63 bits
		} else {
			u |= digit << (15 * i)
		}
	}
	d.off += int(size) * 2
	switch {
	case exact && neg:
		return d.numberValue(kInt, uint64(-int64(u))), nil
	case exact:
		return d.numberValue(kInt, u), nil
	case neg:
		f = -f
	}
	return d.numberValue(kBigInt, math.Float64bits(f)), nil
}

// textFloat reads a version 0 float: a uint8 length and repr text.
func (d *decoder) textFloat() (float64, error) {
	n, err := d.byte("float length")
	if err != nil {
		return 0, err
	}
	at := d.off
	if err := d.need(int(n), "float"); err != nil {
		return 0, err
	}
	text := string(d.data[d.off : d.off+int(n)])
	d.off += int(n)
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return 0, d.fail(at, "bad float text %q", text)
		}
	}
	return f, nil
}

// code reads a code object. Its layout depends on the Python version that
// wrote it, so each layout is tried newest first, restoring the offset and
// the refs after a failed try. Nested code objects come from the same
// Python, so they use the layout being tried, which keeps the cost linear.
func (d *decoder) code(at int) (value, error) {
	if !d.enter() {
		return value{}, d.tooDeep(at)
	}
	defer d.leave()
	if d.layout >= 0 {
		return d.codeAs(codeLayouts[d.layout])
	}
	start := d.mark()
	var errs []string
	for i, l := range codeLayouts {
		d.layout = i
		v, err := d.codeAs(l)
		if err == nil {
			return v, nil
		}
		errs = append(errs, l.name+": "+err.Error())
		d.reset(start)
	}
	d.layout = -1
	return value{}, d.fail(at, "code object matches no known layout (%s)", strings.Join(errs, "; "))
}

// mark is where a decoder is and how far its tables reach, for reset.
type mark struct {
	off, depth, layout                                 int
	refs, spill, table, arena, stack, wide, sharedBase int
}

func (d *decoder) mark() mark {
	return mark{d.off, d.depth, d.layout, len(d.refs), len(d.spill), len(d.table), len(d.arena), len(d.stack), len(d.wide), len(d.sharedBase)}
}

// reset takes the decoder back to m, forgetting what it read since but
// the strings it interned: reading the same input again interns them in
// the same order, so they keep their indexes.
func (d *decoder) reset(m mark) {
	d.off, d.depth, d.layout = m.off, m.depth, m.layout
	d.refs, d.spill, d.table, d.arena, d.stack, d.wide = d.refs[:m.refs], d.spill[:m.spill], d.table[:m.table], d.arena[:m.arena], d.stack[:m.stack], d.wide[:m.wide]
	if d.pairs == nil {
		d.refAt = d.refAt[:m.refs]
	}
	d.sharedBase = d.sharedBase[:m.sharedBase]
}

func (d *decoder) codeAs(l codeLayout) (value, error) {
	if err := d.need(4*l.ints, "code object"); err != nil {
		return value{}, err
	}
	d.off += 4 * l.ints
	var name value
	nstr := 0
	for _, f := range l.objects {
		if f == 'i' {
			if _, err := d.int32("code firstlineno"); err != nil {
				return value{}, err
			}
			continue
		}
		at := d.off
		v, null, err := d.object()
		if err != nil {
			return value{}, err
		}
		ok := !null
		switch f {
		case 'b':
			ok = ok && v.kind() == kBytes
		case 't':
			ok = ok && v.kind() == kTuple
		case 's':
			ok = ok && (v.kind() == kStr || v.kind() == kBytes)
			nstr++
			if nstr == 2 { // filename, name[, qualname]
				name = v
			}
		}
		if !ok {
			return value{}, d.fail(at, "code field is %s, want %s", d.describe(v), fieldKinds[f])
		}
	}
	s, _ := d.str(name)
	return mkValue(kCode, 0, d.intern([]byte(s), false)), nil
}

var fieldKinds = map[rune]string{'b': "bytes", 't': "tuple", 's': "str"}
