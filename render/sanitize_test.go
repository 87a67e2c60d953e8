package render

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/internal/location"
	"github.com/loopdoctor/loopdoctor/parse"
)

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain_name", "plain_name"},
		{"café 中文 λ", "café 中文 λ"},                                       // letters of any script stay
		{`C:\Users\app\main.py`, `C:\Users\app\main.py`},                 // backslashes stay
		{"a\x1b]0;pwned\x07b", `a\x1b]0;pwned\x07b`},                     // window title: ESC ... BEL
		{"\x1b[2J\x1b[H", `\x1b[2J\x1b[H`},                               // clear screen
		{"nul\x00bs\x08del\x7f", `nul\x00bs\x08del\x7f`},                 // NUL, BS, DEL
		{"row\r\nforged\tcell", `row\r\nforged\tcell`},                   // CR, LF, tab
		{"evil\u202egnp.exe", `evil\u202egnp.exe`},                       // right-to-left override
		{"\u2066iso\u2069 \u200b\ufeff", `\u2066iso\u2069 \u200b\ufeff`}, // isolates, zero width, BOM
		{"c1\u009b31m", `c1\u009b31m`},                                   // C1 CSI
		{"line\u2028sep", `line\u2028sep`},                               // Unicode line separator
		{"non\ufffechar\uffff", `non\ufffechar\uffff`},                   // XML forbids these
		{"tag\U000e0041", `tag\U000e0041`},                               // invisible tag character
		{"bad\xffutf\xc3", `bad\xffutf\xc3`},                             // not UTF-8
	}
	for _, tt := range tests {
		got := Printable(tt.in)
		if got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if again := Printable(got); again != got {
			t.Errorf("Printable is not idempotent on %q: %q", got, again)
		}
	}
	if got, want := printableText("a\nb\x1bc\n"), "a\nb\\x1bc\n"; got != want {
		t.Errorf("printableText = %q, want %q", got, want)
	}
}

// hostileReport is a pstats-like report of a caller and a callee whose
// names and files are given, analyzed with opts.
func hostileReport(name, file string, opts analyze.Options) *analyze.Report {
	main := &parse.Func{Name: "main", File: "/srv/app/app.py", Line: 1, Calls: 1, Primitive: 1, Own: 0.1, Cum: 1}
	f := &parse.Func{Name: name, File: file, Line: 7, Calls: 2, Primitive: 2, Own: 0.6, Cum: 0.9}
	g := &parse.Func{Name: name + "2", File: file, Line: 9, Calls: 1, Primitive: 1, Own: 0.3, Cum: 0.3}
	p := &parse.Profile{Source: "hostile.prof", Format: parse.Pstats, Dialect: "cprofile", Unit: "seconds", Total: 1,
		Funcs: []*parse.Func{main, f, g},
		Edges: []*parse.Edge{
			{Caller: main, Callee: f, Calls: 2, Primitive: 2, Own: 0.6, Cum: 0.9},
			{Caller: f, Callee: g, Calls: 1, Primitive: 1, Own: 0.3, Cum: 0.3},
		}}
	if err := p.Normalize(); err != nil {
		return nil // names that collide make no profile; the reader refuses them too
	}
	return analyze.Analyze(p, opts)
}

// hostileSeeds are names a dump attached to a bug report might carry.
var hostileSeeds = [][2]string{
	{"ok", "/srv/app/lib.py"},
	{"title\x1b]0;pwned\x07", "/srv/app/x\x1b[2J.py"},
	{"nul\x00bs\x08del\x7f", "a\rb.py"},
	{"forged\n  9.99 s  99%  fake_row", "lib\n.py"},
	{"evil\u202egnp", "x\u2066y\u2069.py"},
	{"bad\xffutf8\ufffe", "<&>\"'.py"},
	{"a|b`c*_[x](y)", "dir;semi/f.py"},
}

// rawControl returns the first character in s that Printable would have
// escaped, other than a line feed, or -1.
func rawControl(s string) rune {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r != '\n' && needsEscape(r, n) {
			return r
		}
		i += n
	}
	return -1
}

// FuzzTextRows renders the terminal report of functions with arbitrary
// names and files: no control character reaches the output, and the
// function table keeps one line per function.
func FuzzTextRows(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, file string) {
		r := hostileReport(name, file, analyze.Options{})
		if r == nil {
			return
		}
		var b bytes.Buffer
		if err := Text(&b, r); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if c := rawControl(out); c >= 0 {
			t.Fatalf("raw %U in the output:\n%s", c, out)
		}
		table := out[strings.LastIndex(out, "\nTOP FUNCTIONS")+1:]
		if lines := strings.Count(table, "\n"); lines != 3+len(r.Rows) {
			t.Errorf("the function table has %d lines for %d functions:\n%s", lines, len(r.Rows), table)
		}
	})
}

// FuzzMarkdown renders the Markdown report of functions with arbitrary
// names: no control character reaches it, and GFM shows each name in the
// function table exactly as Printable spells it, one row per function.
func FuzzMarkdown(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s[0], s[1])
	}
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	f.Fuzz(func(t *testing.T, name, file string) {
		r := hostileReport(name, file, analyze.Options{})
		if r == nil {
			return
		}
		var b bytes.Buffer
		if err := Markdown(&b, r); err != nil {
			t.Fatal(err)
		}
		if c := rawControl(b.String()); c >= 0 {
			t.Fatalf("raw %U in the output:\n%s", c, b.String())
		}
		var html bytes.Buffer
		if err := md.Convert(b.Bytes(), &html); err != nil {
			t.Fatal(err)
		}
		tables := renderedTables(html.String())
		if len(tables) == 0 {
			t.Fatalf("no table in:\n%s", b.String())
		}
		rows := tables[len(tables)-1][1:] // the function table comes last
		if len(rows) != len(r.Rows) {
			t.Fatalf("%d rows for %d functions:\n%s", len(rows), len(r.Rows), b.String())
		}
		for i, row := range rows {
			want := strings.TrimSpace(Printable(location.Label(r.Rows[i].Func)))
			if got := strings.TrimSpace(row[len(row)-1]); got != want {
				t.Errorf("row %d shows %q, want %q", i, got, want)
			}
		}
	})
}

// FuzzFolded writes folded stacks of functions with arbitrary names: no
// control character, every line "frame;frame;... value" with as many
// frames as the stack is deep.
func FuzzFolded(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, file string) {
		r := hostileReport(name, file, analyze.Options{Stacks: &analyze.StackOptions{}})
		if r == nil {
			return
		}
		var b bytes.Buffer
		if err := Folded(&b, r); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if c := rawControl(out); c >= 0 {
			t.Fatalf("raw %U in the output:\n%s", c, out)
		}
		// main 0.1 s, main;f 0.6 s, main;f;g 0.3 s: three lines, depths 1 to 3.
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 3 {
			t.Fatalf("%d lines, want 3:\n%s", len(lines), out)
		}
		depths := map[int]bool{}
		for _, l := range lines {
			depths[strings.Count(l, ";")+1] = true
		}
		if !depths[1] || !depths[2] || !depths[3] {
			t.Errorf("stack depths %v, want 1, 2 and 3:\n%s", depths, out)
		}
	})
}

// FuzzFlameSVG draws functions with arbitrary names, files and title: the
// SVG is always well-formed XML (encoding/xml rejects every character XML
// 1.0 forbids) and holds no control character.
func FuzzFlameSVG(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, file string) {
		opts := FlameOptions{Title: name}
		so := opts.StackOptions()
		r := hostileReport(name, file, analyze.Options{Stacks: &so})
		if r == nil {
			return
		}
		var b bytes.Buffer
		if err := Flame(&b, r, opts); err != nil {
			t.Fatal(err)
		}
		if c := rawControl(b.String()); c >= 0 {
			t.Fatalf("raw %U in the SVG", c)
		}
		d := xml.NewDecoder(&b)
		for {
			_, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("not well-formed XML: %v", err)
			}
		}
	})
}

// TestEscapeEveryByte checks escape's pass over printable ASCII, which
// decodes nothing, at its edges: every byte value, alone and inside
// text, with and without line breaks kept, is left as it is exactly when
// needsEscape, read from the decoded rune, says it may stay.
func TestEscapeEveryByte(t *testing.T) {
	for b := range 256 {
		c := string([]byte{byte(b)})
		r, n := utf8.DecodeRuneInString(c)
		for _, keep := range []bool{false, true} {
			stays := !needsEscape(r, n) || keep && r == '\n'
			for _, s := range []string{c, "ab" + c + "cd"} {
				if got := escape(s, keep); (got == s) != stays {
					t.Errorf("escape(%q, %v) = %q; want it unchanged: %v", s, keep, got, stays)
				}
			}
		}
	}
}
