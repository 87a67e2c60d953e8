package render

import (
	"bytes"
	"encoding/json"
	"math"
	"math/bits"
	"reflect"
	"slices"
	"strconv"
)

// int writes n in decimal, as strconv.AppendInt would.
func (w *jsonWriter) int(n int64) {
	if n < 0 {
		w.buf = strconv.AppendInt(w.buf, n, 10)
		return
	}
	w.buf = appendUint(w.buf, uint64(n))
}

// digitPairs holds "00" to "99", for writing two digits at a time.
const digitPairs = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

// appendUint appends u in decimal. It is strconv.AppendUint without the
// generic base handling and the copy from a scratch buffer, which cost
// more than the digits for the short IDs and counts of a report.
func appendUint(dst []byte, u uint64) []byte {
	if u < 10 {
		return append(dst, byte('0'+u))
	}
	n := 2
	for p := uint64(100); n < 20 && u >= p; p *= 10 {
		n++
	}
	dst = slices.Grow(dst, n)
	putDigits(dst[len(dst):len(dst)+n], u)
	return dst[:len(dst)+n]
}

// putDigits fills b with the last len(b) decimal digits of u, leading
// zeros included.
func putDigits(b []byte, u uint64) {
	i := len(b)
	for ; i >= 2; i -= 2 {
		r := (u % 100) * 2
		u /= 100
		b[i-2], b[i-1] = digitPairs[r], digitPairs[r+1]
	}
	if i == 1 {
		b[0] = byte('0' + u%10)
	}
}

// float writes f as encoding/json does: like ECMAScript's Number to
// string, in plain decimals from 1e-6 to below 1e21 and with an exponent
// (1e-7, 1e+21) outside. NaN and infinities have no JSON form: they end
// the output with the error encoding/json gives (what was written before
// stays written).
func (w *jsonWriter) float(f float64) {
	bits := math.Float64bits(f)
	memo := &w.floats[(bits*0x9e3779b97f4a7c15)>>w.floatShift]
	if memo.bits == bits && memo.len > 0 {
		w.buf = append(w.buf, memo.text[:memo.len]...)
		return
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		if w.err == nil {
			w.err = &json.UnsupportedValueError{Value: reflect.ValueOf(f), Str: strconv.FormatFloat(f, 'g', -1, 64)}
		}
		return
	}
	start := len(w.buf)
	w.buf = appendJSONFloat(w.buf, f)
	memo.bits = bits
	memo.len = uint8(copy(memo.text[:], w.buf[start:]))
}

// floatSlot holds a float written and its text. The writer keeps a
// table of them, one float a slot by a hash of its bits, because times
// recur in a report: a leaf's cumulative time is its own, an edge to a
// function called from one place has that function's times. In
// large.pstats' 142,801 times, 16,384 slots find 73,595 written already,
// 30,074 of the 58,051 that are not whole nanoseconds and cost a strconv
// search each (4,096 slots found 22,773 of those).
type floatSlot struct {
	bits uint64
	len  uint8    // 0 for an empty slot
	text [31]byte // the longest text is 25 bytes (-0.0000012345678901234567)
}

// memoFloats gives the writer a table of at least one slot for every two
// floats of a report with n functions and edges (two floats each), from
// 64 slots to 16,384 (640 KB).
func (w *jsonWriter) memoFloats(n int) {
	b := min(max(bits.Len(uint(n)), 6), 14)
	w.floats = make([]floatSlot, 1<<b)
	w.floatShift = uint(64 - b)
}

// appendJSONFloat appends the finite f in encoding/json's form.
//
// Most times in a cProfile dump are whole nanoseconds: f is the float64
// nearest k·10⁻⁹ for an integer k. Those (and whole numbers up to 10¹⁵)
// are written from k's digits, without strconv's search for the shortest
// digits that read back as f, because the result is the same: k has at
// most 15 significant digits, and two decimals of 15 significant digits or
// fewer never round to the same float64 (that is what float64's 15
// decimal digits of precision mean), so no other decimal as short as k's
// reads back as f, and strconv's shortest form is k's.
func appendJSONFloat(dst []byte, f float64) []byte {
	abs := math.Abs(f)
	if abs < 1e6 {
		if k := uint64(abs*1e9 + 0.5); k != 0 && float64(k)/1e9 == abs {
			if f < 0 {
				dst = append(dst, '-')
			}
			return appendNanos(dst, k)
		}
	} else if abs < 1e15 && abs == math.Trunc(abs) {
		if f < 0 {
			dst = append(dst, '-')
		}
		return appendUint(dst, uint64(abs))
	}
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		b := strconv.AppendFloat(dst, f, 'e', -1, 64)
		// 1e-07 is written 1e-7.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
		return b
	}
	if math.Signbit(f) {
		dst = append(dst, '-')
	}
	return appendPlain(dst, abs)
}

// appendPlain appends f (0, or 1e-6 <= f < 1e21) as strconv.AppendFloat with
// format 'f' and the shortest digits does, from the digits and exponent
// of its 'e' form: strconv writes the digits of the 'f' form one byte at
// a time, and took longer for that than to find them.
func appendPlain(dst []byte, f float64) []byte {
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, 64) // d.ddde-dd
	at := bytes.IndexByte(e, 'e')
	exp := 0
	for _, c := range e[at+2:] {
		exp = exp*10 + int(c-'0')
	}
	if e[at+1] == '-' {
		exp = -exp
	}
	digits := e[:at]
	if len(digits) > 1 {
		digits[1] = digits[0] // drop the point: the digits are digits[1:]
		digits = digits[1:]
	}
	switch {
	case exp < 0: // 0.000ddd
		dst = append(dst, "0.00000"[:1-exp]...)
		return append(dst, digits...)
	case exp+1 >= len(digits): // ddd000
		dst = append(dst, digits...)
		return append(dst, "000000000000000000000"[:exp+1-len(digits)]...)
	default: // dd.ddd
		dst = append(dst, digits[:exp+1]...)
		dst = append(dst, '.')
		return append(dst, digits[exp+1:]...)
	}
}

// appendNanos appends k·10⁻⁹ (0 < k < 10¹⁵) as encoding/json writes it:
// 0.000001 and up in plain decimals, below with an exponent (6.71e-7).
func appendNanos(dst []byte, k uint64) []byte {
	if k < 1000 {
		exp := byte('9')
		for k%10 == 0 {
			k /= 10
			exp--
		}
		if k < 10 {
			return append(dst, byte('0'+k), 'e', '-', exp)
		}
		if k < 100 {
			return append(dst, byte('0'+k/10), '.', byte('0'+k%10), 'e', '-', exp-1)
		}
		return append(dst, byte('0'+k/100), '.', digitPairs[2*(k%100)], digitPairs[2*(k%100)+1], 'e', '-', exp-2)
	}
	dst = appendUint(dst, k/1e9)
	frac := k % 1e9
	if frac == 0 {
		return dst
	}
	var b [10]byte
	b[0] = '.'
	putDigits(b[1:], frac)
	n := len(b)
	for b[n-1] == '0' {
		n--
	}
	return append(dst, b[:n]...)
}
