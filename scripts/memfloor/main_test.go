package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadThrough checks that every 64th byte is summed, also across the
// boundaries of the 64 KiB reads.
func TestReadThrough(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{0, 1, 64, 65, block, block + 130, 3*block + 7} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(i % 251)
		}
		name := filepath.Join(dir, "dump")
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var want byte
		for i := 0; i < len(data); i += 64 {
			want += data[i]
		}
		got, err := readThrough(name)
		if err != nil || got != want {
			t.Errorf("readThrough of %d bytes = %d, %v; want %d, nil", size, got, err, want)
		}
	}
}

func TestReadThroughMissing(t *testing.T) {
	name := filepath.Join(t.TempDir(), "absent.pstats")
	if _, err := readThrough(name); err == nil || !strings.Contains(err.Error(), "absent.pstats") {
		t.Errorf("readThrough of a missing file: %v, want an error naming it", err)
	}
}
