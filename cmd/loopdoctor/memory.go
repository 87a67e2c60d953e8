package main

import (
	"os"
	"runtime/debug"
)

// Memory limit for one run, as a multiple of the input size: a pstats
// dump's decoded values, strings and call graph hold a few times its
// bytes at the peak, and the collector may let the heap grow to twice
// what is live before it runs. A soft limit makes it run earlier instead
// once the heap nears the budget. The floor keeps small inputs, and
// gzipped profiles that inflate many times, from collecting more often
// than the default would.
const (
	memoryPerInputByte = 8
	memoryFloor        = 512 << 20
)

// limitMemory sets the collector's soft memory limit from the size of the
// regular files among args, unless GOMEMLIMIT already says. Measured on a
// 99 MB dump of a million functions: peak RSS 1.17 GB without the limit,
// 0.87 GB with it, and the same CPU time. (A higher GOGC measurably gains
// nothing on the 17,000-function test dump, so it stays at its default.)
func limitMemory(args []string) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	var total int64
	for _, a := range args {
		if fi, err := os.Stat(a); err == nil && fi.Mode().IsRegular() {
			total += fi.Size()
		}
	}
	debug.SetMemoryLimit(max(memoryFloor, memoryPerInputByte*total))
}
