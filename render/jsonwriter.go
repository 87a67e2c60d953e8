package render

import (
	"encoding/json"
	"io"
	"math"
	"reflect"
	"strconv"
	"unicode/utf8"
)

// jsonWriter streams one JSON document to w, byte for byte as
// encoding/json's Encoder writes the same values (with SetIndent("", "  ")
// when indenting): the same escapes, the same number forms, one member per
// line, empty objects and arrays as {} and [], and a newline at the end.
// Writing straight from the report, it never holds the document: 17,000
// functions cost a buffer, not a tree of values and an indented copy.
//
// Strings are escaped here rather than by go-json-experiment's jsontext,
// the streaming encoder tried first, because it cannot give these bytes:
// it writes invalid UTF-8 as a raw U+FFFD where encoding/json writes the
// escape \ufffd (and it took 1.5 times the instructions).
//
// Members are written as w.key("name").str(value); arrays and objects are
// opened and closed with open and close, array elements preceded by elem.
type jsonWriter struct {
	w      io.Writer
	buf    []byte // output not yet written to w
	err    error  // the first error: a write's, or a number JSON cannot hold
	indent bool   // one member per line, two spaces a level
	depth  int    // objects and arrays open
	empty  bool   // the innermost open object or array has no member yet
}

// jsonFlushAt is how much output is gathered before it is written; the
// buffer has room beyond it for the member that crosses the mark.
const jsonFlushAt = 32 << 10

func newJSONWriter(w io.Writer, indent bool) *jsonWriter {
	return &jsonWriter{w: w, indent: indent, buf: make([]byte, 0, jsonFlushAt+4<<10)}
}

// finish ends the document with a newline, as Encoder.Encode does, writes
// what is left and returns the first error.
func (w *jsonWriter) finish() error {
	w.buf = append(w.buf, '\n')
	w.flush()
	return w.err
}

func (w *jsonWriter) flush() {
	if w.err == nil {
		_, w.err = w.w.Write(w.buf)
	}
	w.buf = w.buf[:0]
}

// open starts an object ('{') or an array ('[').
func (w *jsonWriter) open(c byte) {
	w.buf = append(w.buf, c)
	w.depth++
	w.empty = true
}

// close ends the innermost object ('}') or array (']').
func (w *jsonWriter) close(c byte) {
	w.depth--
	if !w.empty {
		w.newline()
	}
	w.buf = append(w.buf, c)
	w.empty = false
}

// elem starts the next element of an array.
func (w *jsonWriter) elem() *jsonWriter {
	if !w.empty {
		w.buf = append(w.buf, ',')
	}
	w.empty = false
	w.newline()
	if len(w.buf) >= jsonFlushAt {
		w.flush()
	}
	return w
}

// key starts the member name of an object; name is one of the schema's
// keys, plain ASCII that needs no escape.
func (w *jsonWriter) key(name string) *jsonWriter {
	w.elem()
	w.buf = append(w.buf, '"')
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, '"', ':')
	if w.indent {
		w.buf = append(w.buf, ' ')
	}
	return w
}

func (w *jsonWriter) newline() {
	if !w.indent {
		return
	}
	w.buf = append(w.buf, '\n')
	for range w.depth {
		w.buf = append(w.buf, ' ', ' ')
	}
}

func (w *jsonWriter) null() { w.buf = append(w.buf, "null"...) }

func (w *jsonWriter) bool(b bool) { w.buf = strconv.AppendBool(w.buf, b) }

func (w *jsonWriter) int(n int64) { w.buf = strconv.AppendInt(w.buf, n, 10) }

func (w *jsonWriter) str(s string) { w.buf = appendJSONString(w.buf, s) }

// float writes f as encoding/json does: like ECMAScript's Number to
// string, in plain decimals from 1e-6 to below 1e21 and with an exponent
// (1e-7, 1e+21) outside. NaN and infinities have no JSON form: they end
// the output with the error encoding/json gives (what was written before
// stays written).
func (w *jsonWriter) float(f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		if w.err == nil {
			w.err = &json.UnsupportedValueError{Value: reflect.ValueOf(f), Str: strconv.FormatFloat(f, 'g', -1, 64)}
		}
		return
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b := strconv.AppendFloat(w.buf, f, format, -1, 64)
	if format == 'e' {
		// 1e-07 is written 1e-7.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	w.buf = b
}

// jsonPlain holds the ASCII bytes a JSON string carries unescaped under
// encoding/json's HTML-safe rules: not control characters, the quote, the
// backslash, nor <, > and & (which could close a script element).
var jsonPlain = func() (plain [utf8.RuneSelf]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		plain[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return plain
}()

// appendJSONString appends s quoted as encoding/json quotes it: \" \\ \b
// \f \n \r \t for those bytes, \u00XX for the other control characters
// and for <, > and &, \u2028 and \u2029 for the line and paragraph
// separators (which end a line in JavaScript), and \ufffd for each byte
// that is not part of valid UTF-8.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if jsonPlain[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
