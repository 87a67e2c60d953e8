package main

import (
	"encoding/binary"
	"io"
	"os"
	"runtime/debug"
	"slices"

	"github.com/loopdoctor/loopdoctor/parse"
)

// Memory budget for one run. A pstats dump's decoded values, strings and
// call graph peak at some 7.5 times its bytes (TestMemoryBudget). The pprof
// reader decodes a profile in batches of samples, each beside (part of)
// the profile's dictionary, and its live heap peaks at some 5 to 6.3 times the
// inflated protobuf, plus the batch in flight; its budget is counted on the
// inflated size. The floor lets small inputs run without collecting at all.
const (
	pstatsBudget = 8
	pprofBudget  = 6.5
	pprofSlack   = 16 << 20
	memoryFloor  = 96 << 20
)

// tuneCollector sets the collector for the files among args, unless
// GOMEMLIMIT or GOGC already say how it should run, or the input comes
// from standard input, whose size is unknown: those keep Go's defaults.
//
// A run is short, and most of what it allocates stays live until the
// report is written, so a collector paced by heap growth mostly re-marks
// the same live heap. Instead it is switched off, and a soft memory limit
// of the inputs' budget makes it run only when the heap nears that.
// Measured against the default pacing (median CPU time, peak RSS):
//   - large.pstats, 17,000 functions: 98 ms instead of 127 ms, 40 MB
//     instead of 36 MB (callgrind: 239M instructions instead of 337M);
//   - a generated 118 MB dump of a million functions: 15% less CPU at the
//     same peak (844 MB, 7.5 times the input);
//   - a synthetic 300,000-sample pprof profile (19.9 MB inflated): 1.9 s
//     and 143 MB, against 1.8 s and 229 MB with no limit; go tool pprof
//     peaks at 302 MB on it.
//
// Huge pages for the heap were tried and dropped: they halve the time
// the kernel spends on page faults when runs follow each other closely,
// but where free memory is handed back to a virtual machine's host (as
// on this project's development machine), each fresh 2 MiB page can cost
// milliseconds, and a report run after a few seconds' rest took 62 ms
// instead of 40 (see Speed in the README).
func tuneCollector(args []string) {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" || slices.Contains(args, "-") {
		return
	}
	debug.SetMemoryLimit(memoryLimit(inputs(args)))
	debug.SetGCPercent(-1)
}

// memoryLimit is the limit for inputs of the given budget: the budget, at
// least the floor.
func memoryLimit(budget int64) int64 { return max(memoryFloor, budget) }

// inputs returns the budgets of the files among args, added up.
// Arguments that are not regular files count for nothing.
func inputs(args []string) (budget int64) {
	for _, a := range args {
		budget += inspect(a).budget()
	}
	return budget
}

// input is what the collector's tuning knows of one argument: the bytes a
// reader will decode from it, if it is a regular file that can be read.
type input struct {
	size   int64 // a pstats dump's size, a pprof profile's inflated size
	pstats bool
	file   bool
}

// budget is the memory budget of reading the input, 0 if it is not a
// file.
func (in input) budget() int64 {
	switch {
	case !in.file:
		return 0
	case in.pstats:
		return pstatsBudget * in.size
	}
	return int64(pprofBudget*float64(in.size)) + pprofSlack
}

// inspect looks at the named file's size and first bytes.
func inspect(name string) input {
	f, err := os.Open(name)
	if err != nil {
		return input{}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return input{}
	}
	in := input{size: fi.Size(), file: true}
	head := make([]byte, 40)
	n, _ := io.ReadFull(f, head)
	if format, _ := parse.Detect(head[:n]); format == parse.Pstats {
		in.pstats = true
		return in
	}
	// A gzip stream ends with its inflated size, modulo 4 GiB.
	var trailer [4]byte
	if n >= 2 && head[0] == 0x1f && head[1] == 0x8b && in.size >= 18 {
		if _, err := f.ReadAt(trailer[:], in.size-4); err == nil {
			in.size = max(in.size, int64(binary.LittleEndian.Uint32(trailer[:])))
		}
	}
	return in
}
