package parse

import (
	"encoding/binary"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Builders for hand-made marshal input, in the byte layout of CPython's
// Python/marshal.c w_object. Each returns the encoding of one object.

func m(parts ...any) []byte {
	var b []byte
	for _, p := range parts {
		switch p := p.(type) {
		case byte:
			b = append(b, p)
		case rune:
			b = append(b, byte(p))
		case int:
			b = binary.LittleEndian.AppendUint32(b, uint32(int32(p)))
		case string:
			b = append(b, p...)
		case []byte:
			b = append(b, p...)
		default:
			panic("m: unsupported part")
		}
	}
	return b
}

func mInt(n int) []byte      { return m('i', n) }
func mStr(s string) []byte   { return m('u', len(s), s) }
func mShort(s string) []byte { return m('z', byte(len(s)), s) }
func mBytes(s string) []byte { return m('s', len(s), s) }
func mFloat(f float64) []byte {
	return m('g', binary.LittleEndian.AppendUint64(nil, math.Float64bits(f)))
}
func flagged(b []byte) []byte { return append([]byte{b[0] | 0x80}, b[1:]...) }

func mTuple(items ...[]byte) []byte {
	b := m('(', len(items))
	for _, it := range items {
		b = append(b, it...)
	}
	return b
}

func mDict(kv ...[]byte) []byte {
	b := []byte{'{'}
	for _, it := range kv {
		b = append(b, it...)
	}
	return append(b, '0')
}

// show renders a decoded value like Python's repr, for comparisons.
func show(d *decoder, v value) string {
	switch v.kind() {
	case kNone:
		return "None"
	case kBool:
		if v.x == 1 {
			return "True"
		}
		return "False"
	case kInt:
		return strconv.FormatInt(d.int(v), 10)
	case kFloat, kBigInt:
		return strconv.FormatFloat(d.float(v), 'g', -1, 64)
	case kStr:
		return strconv.Quote(d.strs[v.x])
	case kBytes:
		return "b" + strconv.Quote(string(d.data[v.x:v.x+uint32(v.n())]))
	case kCode:
		return "<code " + d.strs[v.x] + ">"
	case kTuple, kList, kSet, kDict:
		var parts []string
		items := d.items(v)
		for i := 0; i < len(items); i++ {
			if v.kind() == kDict {
				parts = append(parts, show(d, items[i])+": "+show(d, items[i+1]))
				i++
			} else {
				parts = append(parts, show(d, items[i]))
			}
		}
		brackets := map[kind]string{kTuple: "()", kList: "[]", kSet: "{}", kDict: "{}"}[v.kind()]
		return brackets[:1] + strings.Join(parts, ", ") + brackets[1:]
	}
	return v.kind().String()
}

// TestMarshalDecode checks each type code against what Python's marshal
// loads from the same bytes (the want column is its repr, with floats in
// Go's shortest form).
func TestMarshalDecode(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"int", mInt(-7), "-7"},
		{"int64", m('I', binary.LittleEndian.AppendUint64(nil, 1<<40)), "1099511627776"},
		{"int64 within int32", m('I', binary.LittleEndian.AppendUint64(nil, math.MaxUint64-2)), "-3"},
		{"int -2**31", mInt(math.MinInt32), "-2147483648"},
		{"long -2**31", m('l', -3, []byte{0, 0, 0, 0, 2, 0}), "-2147483648"},
		{"long 2**31", m('l', 3, []byte{0, 0, 0, 0, 2, 0}), "2147483648"},
		{"long negative", m('l', -3, []byte{1, 0, 0, 0, 2, 0}), "-2147483649"},
		{"long max int64", m('l', 5, []byte{0xff, 0x7f, 0xff, 0x7f, 0xff, 0x7f, 0xff, 0x7f, 0x07, 0}), "9223372036854775807"},
		{"long beyond int64 keeps its magnitude", m('l', 5, []byte{0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0}), "1.8446744073709552e+19"},
		{"text float", m('f', byte(5), "1e-05"), "1e-05"},
		{"text float inf", m('f', byte(3), "inf"), "+Inf"},
		{"binary float", mFloat(0.1), "0.1"},
		{"text complex", m('x', byte(1), "1", byte(1), "2"), "complex"},
		{"binary complex", m('y', make([]byte, 16)), "complex"},
		{"unicode", mStr("naïve"), `"naïve"`},
		{"unicode with a lone surrogate", m('u', 3, []byte{0xed, 0xa0, 0x80}), strconv.Quote("\ufffd")},
		{"ascii", m('a', 3, "abc"), `"abc"`},
		{"ascii interned", m('A', 3, "abc"), `"abc"`},
		{"short ascii", mShort("xy"), `"xy"`},
		{"short ascii interned", m('Z', byte(2), "xy"), `"xy"`},
		{"bytes", mBytes("\x00\x01"), `b"\x00\x01"`},
		{"interned with Latin-1 fallback", m('t', 2, []byte{'<', 0xe9}), `"<é"`},
		{"Python 2 string table", mTuple(m('t', 1, "a"), m('t', 1, "b"), m('R', 1), m('R', 0)), `("a", "b", "b", "a")`},
		{"small tuple", m(')', byte(2), mInt(1), mInt(2)), "(1, 2)"},
		{"empty tuple", m(')', byte(0)), "()"},
		{"list", m('[', 2, mInt(1), m('N')), "[1, None]"},
		{"set", m('<', 1, mInt(3)), "{3}"},
		{"frozenset", m('>', 2, m('T'), m('F')), "{True, False}"},
		{"dict", mDict(mStr("k"), mInt(1)), `{"k": 1}`},
		{"dict ended by NULL in a value's place", m('{', mStr("k"), '0'), "{}"},
		{"ellipsis and StopIteration", m(')', byte(2), '.', 'S'), "(object, object)"},
		{"slice (version 5)", m(':', m('N'), mInt(1), m('N')), "object"},
		{
			// Slot 0 is the tuple (taken before its items), slot 1 the
			// string inside it; a flagged int after takes slot 2.
			"refs follow the pre-order rule",
			flagged(m(')', byte(4), flagged(mShort("s")), flagged(mInt(5)), m('r', 1), m('r', 2))),
			`("s", 5, "s", 5)`,
		},
		{
			// A binary float is read back from the input at the offset of
			// the object a reference yields; wide numbers are kept apart.
			"references to numbers outside the value",
			m('[', 6, flagged(mFloat(0.25)), flagged(m('I', binary.LittleEndian.AppendUint64(nil, 1<<40))), flagged(m('f', byte(3), "1.5")), m('r', 2), m('r', 1), m('r', 0)),
			"[0.25, 1099511627776, 1.5, 1.5, 1099511627776, 0.25]",
		},
		{"singletons take no slot", m(')', byte(3), flagged(m('N')), flagged(mInt(1)), m('r', 0)), "(None, 1, 1)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDecoder(tc.in)
			v, err := d.decode()
			if err != nil {
				t.Fatal(err)
			}
			if got := show(d, v); got != tc.want {
				t.Errorf("decoded %s, want %s", got, tc.want)
			}
		})
	}
}

// TestMarshalErrors checks that bad input fails at the right byte with a
// message naming the problem.
func TestMarshalErrors(t *testing.T) {
	deep := make([]byte, 0, 5*300000)
	for range 300000 {
		deep = append(deep, '(', 1, 0, 0, 0)
	}
	for _, tc := range []struct {
		name string
		in   []byte
		off  int
		msg  string
	}{
		{"empty", nil, 0, "type code needs 1 bytes, 0 left: truncated"},
		{"unknown type code", mTuple(mInt(1), m('Q')), 10, `unknown marshal type code 'Q' (0x51)`},
		{"truncated int", []byte{'i', 1, 2}, 1, "int needs 4 bytes, 2 left: truncated"},
		{"string longer than the input", m('u', 1<<30, "abc"), 1, "string length 1073741824 exceeds the 3 bytes left"},
		{"tuple claiming gigabytes", m('(', 0x7fffffff), 1, "tuple length 2147483647 exceeds the 0 bytes left"},
		{"length with the top bit set", m('u', -16, "abc"), 1, "string length 4294967280 exceeds the 3 bytes left"},
		{"negative length", m('[', -1), 1, "list length 4294967295 exceeds"},
		{"long claiming gigabytes", m('l', 0x40000000), 1, "long of 1073741824 digits exceeds the 0 bytes left"},
		{"long digit out of range", m('l', 1, []byte{0xff, 0xff}), 5, "long digit 65535 out of range"},
		{"bad text float", m('f', byte(3), "abc"), 2, `bad float text "abc"`},
		{"nesting 300,000 deep", deep, 5 * maxDepth, "objects nested deeper than 2000"},
		{"slices nesting 300,000 deep", []byte(strings.Repeat(":", 300000)), maxDepth, "objects nested deeper than 2000"},
		{"reference to an undefined slot", mTuple(flagged(mInt(1)), m('r', 1)), 10, "reference 1 to undefined slot (1 defined so far)"},
		{"negative reference", m('r', -1), 0, "reference -1 to undefined slot (0 defined so far)"},
		{"reference to an object still being read", flagged(mTuple(m('r', 0))), 5, "reference 0 to an object still being read"},
		{"string table reference to nothing", m('R', 0), 0, "string reference 0 to undefined entry (0 interned strings so far)"},
		{"NULL in a tuple", mTuple(m('0')), 5, "NULL object in tuple"},
		{"NULL at top level", m('0'), 0, "marshal NULL at top level"},
		{"trailing data", m('N', "xyz"), 1, "3 bytes of trailing data after the marshalled object"},
		{"code object of no known layout", m('c', make([]byte, 24)), 0, "code object matches no known layout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newDecoder(tc.in).decode()
			me, ok := err.(*errMarshal)
			if !ok {
				t.Fatalf("error %v, want an *errMarshal", err)
			}
			if me.off != tc.off || !strings.Contains(me.msg, tc.msg) {
				t.Errorf("error at byte %#x: %s\nwant at byte %#x: %s", me.off, me.msg, tc.off, tc.msg)
			}
		})
	}
}

// TestMarshalInternByText checks that strings whose bytes differ but whose
// lenient decoding agrees share one index, as function keys rely on it.
func TestMarshalInternByText(t *testing.T) {
	d := newDecoder(mTuple(m('u', 1, []byte{0xff}), m('u', 1, []byte{0xfe}), mStr("\ufffd"), m('t', 1, []byte{0xe9}), mStr("é")))
	v, err := d.decode()
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint32
	for _, it := range d.items(v) {
		ids = append(ids, it.x)
	}
	if ids[0] != ids[1] || ids[1] != ids[2] || ids[3] != ids[4] || ids[0] == ids[3] {
		t.Errorf("string indexes %v, want the first three equal and the last two equal", ids)
	}
}

// TestMarshalShared checks the number a flagged container carries: a
// flagged container and every reference to it share its number, counted
// as flagged containers end, and other values have none.
func TestMarshalShared(t *testing.T) {
	// [flagged int, flagged (1, flagged (2,)), r to the outer tuple, r to
	// the inner one, unflagged (3,), flagged {}, int -1]: ref slots 0 to 3
	// are the int, the outer tuple, the inner tuple and the dict; the
	// containers among them are numbered as they end: inner, outer, dict.
	in := m('[', 7,
		flagged(mInt(7)),
		flagged(mTuple(mInt(1), flagged(mTuple(mInt(2))))),
		m('r', 1), m('r', 2),
		mTuple(mInt(3)),
		flagged(mDict()),
		mInt(-1))
	d := newDecoder(in)
	v, err := d.decode()
	if err != nil {
		t.Fatal(err)
	}
	items := d.items(v)
	inner := d.items(items[1])[1]
	var got []int
	for _, it := range []value{items[0], items[1], inner, items[2], items[3], items[4], items[5], items[6]} {
		got = append(got, d.shared(it))
	}
	want := []int{-1, 1, 0, 1, 0, -1, 2, -1}
	if !slices.Equal(got, want) {
		t.Errorf("numbers %v, want %v", got, want)
	}
	if len(d.sharedBase) != 3 {
		t.Errorf("%d flagged containers counted, want 3", len(d.sharedBase))
	}
	if s := show(d, v); s != "[7, (1, (2)), (1, (2)), (2), (3), {}, -1]" {
		t.Errorf("decoded %s", s)
	}
}

// TestRefSlots checks that a ref slot gives back the value put in it, in
// a pairs decoder and a whole one, whether the value has one of the
// shapes a slot holds in 4 bytes, at the edges of what they hold, or is
// kept aside in spill; and that every slot of large.pstats but the stats
// dict's has such a shape, which is what makes the table small.
func TestRefSlots(t *testing.T) {
	for _, tc := range []struct {
		name  string
		meta  uint32
		x     uint32
		shape ref
	}{
		{"str", uint32(kStr) << 28, 5, refStr},
		{"str, last index", uint32(kStr) << 28, maxPayload, refStr},
		{"str, beyond", uint32(kStr) << 28, maxPayload + 1, refSpill},
		{"int", uint32(kInt)<<28 | inX, 7, refInt},
		{"int -1", uint32(kInt)<<28 | inX, math.MaxUint32, refInt},
		{"int, largest held", uint32(kInt)<<28 | inX, 1<<28 - 1, refInt},
		{"int, least held", uint32(kInt)<<28 | inX, uint32(1<<32 - 1<<28), refInt},
		{"int, too large", uint32(kInt)<<28 | inX, 1 << 28, refSpill},
		{"int, too small", uint32(kInt)<<28 | inX, uint32(1<<32 - 1<<28 - 1), refSpill},
		{"int64", uint32(kInt)<<28 | inWide, 16, refSpill},
		{"float", uint32(kFloat)<<28 | inInput, 1234, refFloat},
		{"float, last offset", uint32(kFloat)<<28 | inInput, maxPayload, refFloat},
		{"float, beyond", uint32(kFloat)<<28 | inInput, maxPayload + 1, refSpill},
		{"key tuple", uint32(kTuple)<<28 | 3, 17, refKey},
		{"key tuple 0", uint32(kTuple)<<28 | 3, 0, refKey},
		{"key tuple, beyond", uint32(kTuple)<<28 | 3, maxPayload + 1, refSpill},
		{"tuple numbered 0", uint32(kTuple)<<28 | 4, 0, refZero},
		{"dict numbered 0, longest held", uint32(kDict)<<28 | zeroN, 0, refZero},
		{"dict numbered 0, too long", uint32(kDict)<<28 | (zeroN + 1), 0, refSpill},
		{"tuple numbered 3", uint32(kTuple)<<28 | 4, 3, refSpill},
		{"bytes", uint32(kBytes)<<28 | 9, 40, refSpill},
		{"code object", uint32(kCode) << 28, 2, refSpill},
		{"reserved", uint32(kOther)<<28 | 1, 0, refZero},
	} {
		for _, d := range []*decoder{newDecoder(nil), newPairsDecoder(nil, &statsBuilder{})} {
			d.addRef(value{meta: uint32(kStr) << 28}) // slot 0, so that the one tested is not
			d.addRef(value{meta: tc.meta, x: tc.x, off: 99})
			if got := d.refs[1].shape(); got != tc.shape {
				t.Errorf("%s: shape %d, want %d", tc.name, got, tc.shape)
			}
			if got := d.refValue(1); got.meta != tc.meta || got.x != tc.x {
				t.Errorf("%s: got meta %#x x %#x, want %#x %#x", tc.name, got.meta, got.x, tc.meta, tc.x)
			}
		}
	}
	if refReserved != zeroRef(kOther, 1) || refReserved.shape() != refZero {
		t.Errorf("refReserved %#x", refReserved)
	}

	data, err := os.ReadFile("../testdata/pstats/large.pstats")
	if err != nil {
		t.Fatal(err)
	}
	b := &statsBuilder{name: "large.pstats", p: &Profile{}}
	b.d = newPairsDecoder(data, b)
	b.start(len(data)/128, len(data)/48)
	if _, _, err := b.d.object(); err != nil { // decode, but for dropping the slots
		t.Fatal(err)
	}
	if len(b.d.refs) != 132775 || len(b.d.spill) != 1 {
		t.Errorf("large.pstats: %d slots, %d spilled, want 132,775 and only the stats dict's", len(b.d.refs), len(b.d.spill))
	}
}
