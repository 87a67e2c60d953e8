package parse

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
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
