// Package provenance checks that the repository's committed test data and
// documentation name no path of the machine they were made on: a dump
// recorded in a developer's worktree puts that worktree into every report,
// golden file and README example made from it. Dumps are recorded from
// /srv/app instead (testdata/regenerate.sh).
package provenance

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// machinePath matches the directories a path on the machines that made
// the data starts with: home directories, the work area and its worktrees,
// and temporary build directories. (Paths of a simulated user's install,
// such as testdata/windows' C:\Users\dev, are the data, not its maker's.)
var machinePath = regexp.MustCompile(`(/work/|/home/|/root/|/tmp/|/wt-[a-z0-9]+/)`)

// TestNoMachinePaths scans every file under a testdata directory but the
// programs that made the dumps (whose strings are their data), and every
// Markdown file of the repository, decompressing gzip files (pprof
// profiles) first.
func TestNoMachinePaths(t *testing.T) {
	root := filepath.Join("..", "..")
	var files []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		source := strings.HasSuffix(path, ".py") || strings.HasSuffix(path, ".go")
		if strings.HasSuffix(path, ".md") || strings.Contains(filepath.ToSlash(path), "/testdata/") && !source {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 100 {
		t.Fatalf("found only %d files to check", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
			z, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if data, err = io.ReadAll(z); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
		if loc := machinePath.FindIndex(data); loc != nil {
			start, end := max(loc[0]-30, 0), min(loc[1]+40, len(data))
			t.Errorf("%s names a machine path: %q", f, data[start:end])
		}
	}
}
