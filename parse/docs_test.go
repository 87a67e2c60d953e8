package parse

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestDocsListDialects keeps docs/pstats-format.md in step with the reader:
// its "Dialects" section, which pstats.go cites, has a table row for every
// dialect constant pstats.go declares, so a new dialect cannot ship
// undocumented.
func TestDocsListDialects(t *testing.T) {
	doc, err := os.ReadFile("../docs/pstats-format.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "\n## Dialects\n")
	if !ok {
		t.Fatal(`docs/pstats-format.md has no "Dialects" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	dialects := dialectConstants(t)
	if len(dialects) == 0 {
		t.Fatal("pstats.go declares no dialect constants")
	}
	for _, d := range dialects {
		if !strings.Contains(section, "\n| `"+d+"` |") {
			t.Errorf("the Dialects table has no row for %q", d)
		}
	}
}

// dialectConstants returns the values of the string constants named
// dialect* in pstats.go.
func dialectConstants(t *testing.T) []string {
	f, err := parser.ParseFile(token.NewFileSet(), "pstats.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var values []string
	ast.Inspect(f, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, name := range spec.Names {
			if !strings.HasPrefix(name.Name, "dialect") || i >= len(spec.Values) {
				continue
			}
			if lit, ok := spec.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				v, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				values = append(values, v)
			}
		}
		return true
	})
	return values
}

// TestDocsCited checks what the module's comments cite: every page of
// docs they name exists, every section they quote after the page's name
// is the start of one of its headings, every document named in capitals
// without a path (README.md) is at the top of the repository, and no
// comment numbers signals the way an outside document did ("S4" in
// parentheses). It lives here as parse is the package every other one
// builds on.
func TestDocsCited(t *testing.T) {
	cite := regexp.MustCompile(`docs/([\w.-]+\.md)(?:,? "([^"]+)")?`)
	topDoc := regexp.MustCompile(`(?:^|[^\w/.-])([A-Z][A-Z0-9_-]*\.md)\b`)
	signal := regexp.MustCompile(`\(S\d+[,)]`)
	headings := map[string][]string{}
	n := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, cg := range f.Comments {
			text := strings.ReplaceAll(cg.Text(), "\n", " ")
			if m := signal.FindString(text); m != "" {
				t.Errorf("%s cites %q, a numbering from outside the repository", path, m)
			}
			for _, m := range topDoc.FindAllStringSubmatch(text, -1) {
				if _, err := os.Stat(filepath.Join("..", m[1])); err != nil {
					t.Errorf("%s cites %s, which the repository does not hold", path, m[1])
				}
			}
			for _, m := range cite.FindAllStringSubmatch(text, -1) {
				n++
				doc, section := m[1], strings.TrimSuffix(m[2], ".")
				hs, ok := headings[doc]
				if !ok {
					hs = docHeadings(t, filepath.Join("..", "docs", doc))
					headings[doc] = hs
				}
				if hs == nil {
					t.Errorf("%s cites docs/%s, which does not exist", path, doc)
				} else if section != "" && !slices.ContainsFunc(hs, func(h string) bool { return strings.HasPrefix(h, section) }) {
					t.Errorf("%s cites section %q of docs/%s, which has no such heading", path, section, doc)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no comment cites docs/: the walk found no Go files")
	}
}

// docHeadings returns the Markdown headings of the named file, without
// their #s, or nil if it does not exist.
func docHeadings(t *testing.T, name string) []string {
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	hs := []string{}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "#") {
			hs = append(hs, strings.TrimSpace(strings.TrimLeft(line, "#")))
		}
	}
	return hs
}
