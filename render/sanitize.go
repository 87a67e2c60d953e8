package render

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/loopdoctor/loopdoctor/internal/location"
	"github.com/loopdoctor/loopdoctor/parse"
)

// Function and file names come from the dump, and a dump can come from
// anyone: a name may hold an escape sequence that retitles or clears the
// terminal, a line break that forges a table row, a bidi override that
// reverses the text after it, or a character XML forbids. Every renderer
// that prints names passes them through Printable, which shows such
// characters as escapes instead. JSON, pprof and speedscope output carry
// names exactly; their encoders escape what they must.

// Printable returns s with every character that is not plain visible text
// shown as an escape: C0 and C1 control characters and DEL as \xNN (tab,
// line feed and carriage return as \t, \n, \r), invisible formatting
// characters such as the bidi overrides U+202A–U+202E and U+2066–U+2069,
// line and paragraph separators and the non-characters U+FFFE and U+FFFF
// as \uNNNN (\UNNNNNNNN beyond U+FFFF), and bytes that are not UTF-8 as \xNN. The result is one line
// that a terminal prints as it reads, and every character in it is allowed
// in XML 1.0. Printable(Printable(s)) == Printable(s).
func Printable(s string) string { return escape(s, false) }

// printableText is Printable for a whole document: its own line breaks
// stay. Names within it must have gone through Printable already, or a line
// feed in a name would still start a line of its own.
func printableText(s string) string { return escape(s, true) }

// printedLabel is how every report names f, location.Label made
// printable: the one place names leave for the table, Markdown, HTML, SVG,
// folded stacks and the words of findings.
func printedLabel(f *parse.Func) string { return Printable(location.Label(f)) }

func escape(s string, keepNewlines bool) string {
	i := 0
	for i < len(s) {
		// Printable ASCII, most of any report, needs no decoding: the
		// table report's whole text was 0.18M instructions, a rune at a
		// time (callgrind, large.pstats).
		if c := s[i]; c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, n) && !(keepNewlines && r == '\n') {
			break
		}
		i += n
	}
	if i == len(s) {
		return s // the common case: nothing to escape
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case !needsEscape(r, n) || keepNewlines && r == '\n':
			b.WriteString(s[i : i+n])
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80 || r == utf8.RuneError && n == 1:
			b.WriteString(`\x`)
			writeHex(&b, uint32(s[i]), 2)
		case r > 0xffff:
			b.WriteString(`\U`)
			writeHex(&b, uint32(r), 8)
		default:
			b.WriteString(`\u`)
			writeHex(&b, uint32(r), 4)
		}
		i += n
	}
	return b.String()
}

// needsEscape reports whether the rune r, n bytes long in its string, is
// escaped by Printable.
func needsEscape(r rune, n int) bool {
	switch {
	case r < 0x20 || r == 0x7f: // C0 controls and DEL
		return true
	case r < 0x80:
		return false
	case r == utf8.RuneError && n == 1: // a byte that is not UTF-8
		return true
	case r < 0xa0: // C1 controls: U+009B acts as ESC [ on some terminals
		return true
	case r == 0xfffe || r == 0xffff: // not characters; XML forbids them
		return true
	}
	// Cf holds the bidi controls, zero-width characters and the BOM; Zl
	// and Zp are U+2028 and U+2029, which some viewers take as line breaks.
	return unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

func writeHex(b *strings.Builder, v uint32, digits int) {
	h := strconv.FormatUint(uint64(v), 16)
	for range digits - len(h) {
		b.WriteByte('0')
	}
	b.WriteString(h)
}
