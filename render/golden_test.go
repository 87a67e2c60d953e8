package render

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// update rewrites golden files instead of comparing against them:
// go test ./render -run TestName -update
var update = flag.Bool("update", false, "rewrite render/testdata golden files")

// golden compares got with testdata/name, or writes it there under -update.
// On a mismatch it prints a line diff and the command that refreshes the file.
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
			path, lineDiff(string(want), string(got)), t.Name())
	}
}

// lineDiff returns a minimal line diff of a and b: lines only in a start
// with "-", lines only in b with "+", common lines are left out. For texts
// too big for its longest-common-subsequence table it reports the first
// differing line only.
func lineDiff(a, b string) string {
	x := strings.SplitAfter(a, "\n")
	y := strings.SplitAfter(b, "\n")
	if len(x)*len(y) > 1<<24 {
		for i := range min(len(x), len(y)) {
			if x[i] != y[i] {
				return fmt.Sprintf("first difference at line %d:\n-%s+%s", i+1, x[i], y[i])
			}
		}
		return fmt.Sprintf("one text has %d lines, the other %d", len(x), len(y))
	}
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	line := func(prefix, s string) {
		out.WriteString(prefix + strings.TrimSuffix(s, "\n") + "\n")
	}
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			i, j = i+1, j+1
		case i < len(x) && (j == len(y) || lcs[i+1][j] >= lcs[i][j+1]):
			line("-", x[i])
			i++
		default:
			line("+", y[j])
			j++
		}
	}
	return out.String()
}
