package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"unicode"
)

const hostile = "../../testdata/hostile/hostile.pstats"

// rawControl returns the first control, format or bidi character in s
// other than a line feed, or -1.
func rawControl(s string) rune {
	for _, r := range s {
		if r != '\n' && (unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) || r == unicode.ReplacementChar) {
			return r
		}
	}
	return -1
}

// TestHostileNames reads a real cProfile dump whose function and file
// names hold ESC sequences, BEL, NUL, BS, DEL, CR, LF and U+202E, and
// checks every output format: no such character reaches the terminal
// formats, the SVG or stderr; the table keeps one row per function. The
// HTML page keeps the recorded names for its filter in script data, where
// JSON escapes what XML forbids, and shows the escaped labels.
func TestHostileNames(t *testing.T) {
	for _, format := range []string{"table", "markdown", "folded", "svg", "html"} {
		t.Run(format, func(t *testing.T) {
			stdout, stderr, code := cli(t, "", "analyze", "-f", format, "--top", "0", hostile)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if c := rawControl(stdout); c >= 0 && format != "html" {
				t.Errorf("raw %U in the %s output", c, format)
			}
			text := stdout
			if format == "svg" || format == "html" {
				text = strings.ReplaceAll(text, `\\`, `\`) // the names sit in the script's JSON data
			}
			for _, visible := range []string{`\x1b[2J`, `\u202e`, `\x00bs\x08del\x7f`} {
				if !strings.Contains(text, visible) {
					t.Errorf("the %s output does not show %s", format, visible)
				}
			}
			switch format {
			case "html":
				for _, r := range stdout {
					if r < ' ' && r != '\n' && r != '\t' && r != '\r' || r == 0xfffe || r == 0xffff {
						t.Fatalf("%U, which XML 1.0 forbids, in the page", r)
					}
				}
			case "table":
				table := stdout[strings.Index(stdout, "TOP FUNCTIONS"):]
				if rows := strings.Count(table, "\n") - 3; rows != 8 {
					t.Errorf("%d table rows for the dump's 8 functions:\n%s", rows, table)
				}
			case "svg":
				d := xml.NewDecoder(strings.NewReader(stdout))
				for {
					_, err := d.Token()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						t.Fatalf("not well-formed XML: %v", err)
					}
				}
			}
		})
	}
	// A file name is printed on stderr as safely as a function name.
	_, stderr, code := cli(t, "", "analyze", "missing\x1b]0;pwned\x07.prof")
	if code != 1 || rawControl(stderr) >= 0 || !strings.Contains(stderr, `missing\x1b]0;pwned\x07.prof`) {
		t.Errorf("exit %d, stderr %q; want 1 and the name escaped", code, stderr)
	}
}

// TestHostileNamesJSON checks that JSON keeps the hostile names exactly as
// Python's pstats reads them: JSON's own escaping is enough.
func TestHostileNamesJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python's pstats (-short)")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	raw, err := exec.Command(py, "-c", `
import json, pstats, sys
print(json.dumps(sorted([f, n] for f, _, n in pstats.Stats(sys.argv[1]).stats)))`, hostile).Output()
	if err != nil {
		t.Fatalf("python3 pstats: %v", err)
	}
	var want [][2]string
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := cli(t, "", "analyze", "-f", "json", hostile)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct{ Functions []struct{ Name, File string } }
	if err := json.NewDecoder(bytes.NewReader([]byte(stdout))).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	var got [][2]string
	for _, f := range doc.Functions {
		got = append(got, [2]string{f.File, f.Name})
	}
	slices.SortFunc(got, func(a, b [2]string) int { return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) })
	slices.SortFunc(want, func(a, b [2]string) int { return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) })
	if !slices.Equal(got, want) {
		t.Errorf("JSON names differ from pstats':\n got %q\nwant %q", got, want)
	}
}
