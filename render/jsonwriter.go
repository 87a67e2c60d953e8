package render

import (
	"io"
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
	empty  bool   // the innermost open object or array has no member yet

	// sep[:sepEnd] goes between two members: a comma, then when indenting
	// a newline and two spaces for each open object and array; the newline
	// before a closing bracket is the same without the comma. sep grows
	// with the deepest nesting seen, so each is one append.
	sep    []byte
	sepEnd int

	floats     []floatSlot // see memoFloats
	floatShift uint        // a float's slot is its bits' hash >> floatShift

	lastFile     string // the last file name written by file
	lastFileText []byte // its quoted text
}

// jsonFlushAt is how much output is gathered before it is written; the
// buffer has room beyond it for the member that crosses the mark.
const jsonFlushAt = 32 << 10

func newJSONWriter(w io.Writer, indent bool) *jsonWriter {
	j := &jsonWriter{w: w, indent: indent, buf: make([]byte, 0, jsonFlushAt+4<<10), sep: []byte{','}, sepEnd: 1}
	j.memoFloats(0)
	if indent {
		j.sep = append(j.sep, '\n')
		j.sepEnd = 2
	}
	return j
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
	w.empty = true
	if w.indent {
		w.sepEnd += 2
		for len(w.sep) < w.sepEnd {
			w.sep = append(w.sep, ' ')
		}
	}
}

// close ends the innermost object ('}') or array (']').
func (w *jsonWriter) close(c byte) {
	if w.indent {
		w.sepEnd -= 2
	}
	if !w.empty {
		w.buf = append(w.buf, w.sep[1:w.sepEnd]...)
	}
	w.buf = append(w.buf, c)
	w.empty = false
}

// elem starts the next element of an array.
func (w *jsonWriter) elem() *jsonWriter {
	if len(w.buf) >= jsonFlushAt {
		w.flush()
	}
	first := 0
	if w.empty {
		first = 1 // no comma before the first member
	}
	w.buf = append(w.buf, w.sep[first:w.sepEnd]...)
	w.empty = false
	return w
}

// key starts the member name of an object; name is one of the schema's
// keys, plain ASCII that needs no escape.
func (w *jsonWriter) key(name string) *jsonWriter {
	w.elem()
	w.buf = appendKey(w.buf, name, w.indent)
	return w
}

func appendKey(dst []byte, name string, indent bool) []byte {
	dst = append(dst, '"')
	dst = append(dst, name...)
	if indent {
		return append(dst, '"', ':', ' ')
	}
	return append(dst, '"', ':')
}

// jsonKeys holds the members of one kind of object, each as written in
// the array just opened: the comma, newline and indent before it, the
// quoted name and the colon. The thousands of functions and edges are
// written with them, a member's start in one append (key takes four).
type jsonKeys [][]byte

// keys returns the texts of names for the objects of the array just
// opened.
func (w *jsonWriter) keys(names ...string) jsonKeys {
	sep := w.sep[:w.sepEnd]
	if w.indent {
		sep = append(sep[:len(sep):len(sep)], ' ', ' ')
	}
	keys := make(jsonKeys, len(names))
	for i, name := range names {
		keys[i] = appendKey(append([]byte(nil), sep...), name, w.indent)
	}
	return keys
}

// member starts a member with its text from keys.
func (w *jsonWriter) member(key []byte) *jsonWriter {
	if len(w.buf) >= jsonFlushAt {
		w.flush()
	}
	if w.empty {
		key = key[1:] // no comma before the first member
	}
	w.buf = append(w.buf, key...)
	w.empty = false
	return w
}

func (w *jsonWriter) null() { w.buf = append(w.buf, "null"...) }

func (w *jsonWriter) bool(b bool) { w.buf = strconv.AppendBool(w.buf, b) }

func (w *jsonWriter) str(s string) { w.buf = appendJSONString(w.buf, s) }

// file writes a function's file name like str. Functions come file by
// file (large.pstats: 15,735 of 17,062 have the file of the one before),
// so the quoted name is kept and copied while it repeats, not escaped
// again.
func (w *jsonWriter) file(s string) {
	if len(w.lastFileText) > 0 && s == w.lastFile {
		w.buf = append(w.buf, w.lastFileText...)
		return
	}
	start := len(w.buf)
	w.buf = appendJSONString(w.buf, s)
	w.lastFile = s
	w.lastFileText = append(w.lastFileText[:0], w.buf[start:]...)
}

// jsonPlain holds the bytes a JSON string carries unescaped under
// encoding/json's HTML-safe rules: ASCII but not control characters, the
// quote, the backslash, nor <, > and & (which could close a script
// element). Bytes from 0x80 up are looked at as UTF-8.
var jsonPlain = func() (plain [256]bool) {
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
		for i < len(s) && jsonPlain[s[i]] {
			i++
		}
		if i == len(s) {
			break
		}
		if c := s[i]; c < utf8.RuneSelf {
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
