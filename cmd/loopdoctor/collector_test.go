package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCollectorFor(t *testing.T) {
	large := "../../testdata/pstats/large.pstats"
	allocs := "../../testdata/pprof/allocs/allocs.pb.gz"
	fi, err := os.Stat(large)
	if err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(t.TempDir(), "big.pstats")
	// A sparse file that starts like a pstats dump: its budget is counted
	// on its size, which is above the floor.
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("{")); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(100 << 20); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want collector
	}{
		{"pstats dump, small: unpaced under the floor", []string{"analyze", "-n", "30", large}, collector{limit: memoryFloor, paced: false}},
		{"pstats dump above the floor: its budget", []string{"analyze", big}, collector{limit: pstatsBudget * 100 << 20, paced: false}},
		{"two pstats dumps: budgets add up", []string{"diff", big, large}, collector{limit: pstatsBudget * (100<<20 + fi.Size()), paced: false}},
		{"pprof profile: paced", []string{"analyze", allocs}, collector{limit: memoryFloor, paced: true}},
		{"pstats and pprof: paced", []string{"merge", large, allocs}, collector{limit: memoryFloor, paced: true}},
		{"standard input: paced", []string{"analyze", "-"}, collector{limit: memoryFloor, paced: true}},
		{"no input: paced", []string{"help"}, collector{limit: memoryFloor, paced: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := collectorFor(tt.args); got != tt.want {
				t.Errorf("collectorFor(%q) = %+v, want %+v", tt.args, got, tt.want)
			}
		})
	}
}
