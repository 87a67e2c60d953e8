package parse

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/loopdoctor/loopdoctor/internal/textdiff"
)

// update rewrites golden files instead of comparing against them:
// go test ./parse -run TestName -update
var update = flag.Bool("update", false, "rewrite parse/testdata golden files")

// golden compares got with testdata/name, or writes it there under -update.
// On a mismatch it prints a line diff and the command that refreshes the file.
func golden(t *testing.T, name string, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with: go test ./parse -run '%s' -update)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("%s differs (-want +got):\n%s\nif the change is intended: go test ./parse -run '%s' -update",
			path, textdiff.Unified(string(want), got), t.Name())
	}
}
