package main

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestMemoryLimit(t *testing.T) {
	large := "../../testdata/pstats/large.pstats"
	allocs := "../../testdata/pprof/allocs/allocs.pb.gz"
	dir := t.TempDir()
	// Sparse files that start like a pstats dump and like a gzip stream
	// whose trailer says it inflates to 40 MiB: their budgets are counted
	// on those sizes.
	big := filepath.Join(dir, "big.pstats")
	writeSparse(t, big, []byte("{"), nil, 100<<20)
	gz := filepath.Join(dir, "big.pb.gz")
	writeSparse(t, gz, []byte{0x1f, 0x8b, 8}, []byte{0, 0, 0x80, 0x02}, 1<<20)
	pprofOf := func(size int64) int64 { return int64(pprofBudget*float64(size)) + pprofSlack }
	pprof40 := pprofOf(40 << 20)
	tests := []struct {
		name          string
		args          []string
		budget, limit int64
	}{
		{"small pstats dump: the floor", []string{"analyze", "-n", "30", large}, pstatsBudget * fileSize(t, large), memoryFloor},
		{"small pprof profile: the floor", []string{"analyze", allocs}, pprofOf(inflatedSize(t, allocs)), memoryFloor},
		{"no input: the floor", []string{"help"}, 0, memoryFloor},
		{"pstats dump: 8 times its size", []string{"analyze", big}, pstatsBudget * 100 << 20, pstatsBudget * 100 << 20},
		{"gzipped pprof profile: counted on the inflated size", []string{"analyze", gz}, pprof40, pprof40},
		{"two inputs: budgets add up", []string{"diff", big, gz}, pstatsBudget*100<<20 + pprof40, pstatsBudget*100<<20 + pprof40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			budget := inputs(tt.args)
			if budget != tt.budget {
				t.Errorf("budget of %q = %d, want %d", tt.args, budget, tt.budget)
			}
			if got := memoryLimit(budget); got != tt.limit {
				t.Errorf("memory limit for %q = %d MiB, want %d MiB", tt.args, got>>20, tt.limit>>20)
			}
		})
	}
}

func fileSize(t *testing.T, name string) int64 {
	t.Helper()
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// inflatedSize inflates the gzip file name and counts its bytes.
func inflatedSize(t *testing.T, name string) int64 {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, z)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// writeSparse writes a file of size bytes that starts with head and ends
// with tail, zeros between.
func writeSparse(t *testing.T, name string, head, tail []byte, size int64) {
	t.Helper()
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(head); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(tail, size-int64(len(tail))); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
}
