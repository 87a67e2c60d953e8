package render

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/loopdoctor/loopdoctor/internal/textdiff"
)

// update rewrites golden files instead of comparing against them:
// go test ./render -run TestName -update
var update = flag.Bool("update", false, "rewrite render/testdata golden files")

// golden compares got with testdata/name, or writes it there under -update.
// On a mismatch it prints a unified diff and the command that refreshes the
// file.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with: go test ./render -run '%s' -update)", err, t.Name())
	}
	if string(want) != string(got) {
		t.Errorf("%s differs (-want +got):\n%s\nif the change is intended: go test ./render -run '%s' -update",
			path, textdiff.Unified(string(want), string(got)), t.Name())
	}
}
