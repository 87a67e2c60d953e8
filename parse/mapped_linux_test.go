package parse

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestMappedMatchesCopy reads every pstats dump both ways, mapped (File)
// and as a copy in memory (Read), and compares the profiles in full. The
// mapping is gone once File returns, so a text that still pointed into it
// would fault here rather than compare.
func TestMappedMatchesCopy(t *testing.T) {
	for _, f := range pstatsDumps(t) {
		t.Run(f, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			copied, copyErr := Read(bytes.NewReader(data), f, Options{})
			fh, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			mapped, ok, mapErr := readMapped(fh, f, Options{})
			if !ok {
				t.Fatal("not read from a mapping")
			}
			if (copyErr == nil) != (mapErr == nil) || copyErr != nil && copyErr.Error() != mapErr.Error() {
				t.Fatalf("errors differ: copied %v, mapped %v", copyErr, mapErr)
			}
			if copyErr == nil && copied.String() != mapped.String() {
				t.Error("the mapped file's profile differs from the copy's")
			}
		})
	}
}

// TestMappedFileShrinks truncates a dump after it is mapped, as a program
// rewriting its dump would: reading the mapping past the file's new end
// faults, and decodeMapped must report that it did not decode, not crash;
// File then reads the file as it now is and refuses it.
func TestMappedFileShrinks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shrinks.pstats")
	data, err := os.ReadFile("../testdata/pstats/large.pstats")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mapped, unmap, ok := mapFile(f, len(data))
	if !ok {
		t.Fatal("mapFile failed")
	}
	defer unmap()
	if err := os.Truncate(path, 4096); err != nil {
		t.Fatal(err)
	}
	if p, ok, err := decodeMapped(mapped, path, Options{}); ok {
		t.Fatalf("decodeMapped of a shrunk file = %v, %v, want not decoded", p, err)
	}
	_, err = File(path, Options{})
	if err == nil {
		t.Fatal("File read the truncated dump without an error")
	}
	t.Log(err)
}

// TestMappedOnlyPstats checks that other inputs are left to Read.
func TestMappedOnlyPstats(t *testing.T) {
	f, err := os.Open("../testdata/pprof/allocs/allocs.pb.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, ok, _ := readMapped(f, "allocs.pb.gz", Options{}); ok {
		t.Error("a pprof profile was read from a mapping")
	}
}
