package render

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestRenderOnlyLaysOut enforces the seam between the stages: analyze
// computes everything a report shows and render lays it out, so no
// non-test render file may use a function of package analyze, only its
// types, constants and their methods.
func TestRenderOnlyLaysOut(t *testing.T) {
	funcs := packageFuncs(t, "../analyze")
	if !funcs["Analyze"] {
		t.Fatal("found no func Analyze in ../analyze: the scan is broken")
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		local := importName(f, "github.com/loopdoctor/loopdoctor/analyze")
		if local == "" {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == local && funcs[sel.Sel.Name] {
				t.Errorf("%s: render uses analyze.%s; compute it in analyze and read it from the Report", fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
}

// packageFuncs returns the names of the package-level functions declared
// in the non-test files of dir.
func packageFuncs(t *testing.T, dir string) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	funcs := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				funcs[fd.Name.Name] = true
			}
		}
	}
	return funcs
}

// importName is the name a file refers to an imported package by, or ""
// when it does not import it.
func importName(f *ast.File, path string) string {
	for _, imp := range f.Imports {
		if strings.Trim(imp.Path.Value, `"`) != path {
			continue
		}
		if imp.Name != nil {
			return imp.Name.Name
		}
		return filepath.Base(path)
	}
	return ""
}
