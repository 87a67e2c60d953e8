package main

import (
	"runtime"
	"syscall"
	"unsafe"
)

// hugePage is the size of a transparent huge page on x86-64 (and on arm64
// with 4 KiB pages).
const hugePage = 2 << 20

// prepareHugePages grows the heap by size bytes and asks Linux to back
// that part of it with transparent huge pages. The runtime no longer asks
// for them itself (not since Go 1.21.4), so where the kernel gives them
// only on request ("madvise" in /sys/kernel/mm/transparent_hugepage/enabled,
// Debian's default) the heap gets none.
//
// With the collector off, every allocation is fresh memory, and each fresh
// 4 KiB page costs a page fault: on large.pstats, 8,000 faults and over a
// quarter of the process's CPU time (perf). A 2 MiB page is one fault for
// what took 512. The buffer is allocated only to make the runtime map the
// range; it is never written, so it costs no memory, and the collection
// that frees it leaves the range to the allocations that follow, which the
// allocator places at the lowest free addresses. Where huge pages are off,
// madvise fails or does nothing and the run is as before.
//
// That collection runs on one processor. On two, it took 1.2 to 6.8 ms of
// CPU time on this project's busy 2-core machine, mostly the scheduler
// handing work between the mark workers, against 0.6 to 1.2 ms on one,
// for a heap of a few hundred kilobytes; whole top-30 runs of
// large.pstats took 2.7 to 4.3 ms less CPU (medians of 120 runs).
//
// The runtime gave up the advice because a fault in advised memory may
// stall while the kernel compacts fragmented memory for a huge page
// (golang/go#61718), which a long-running server cannot afford at any
// moment. A run that reads one profile and exits touches a few dozen huge
// pages; GOGC or GOMEMLIMIT in the environment turn this tuning off.
func prepareHugePages(size int64) {
	buf := make([]byte, size)
	if off, n := hugeWindow(uintptr(unsafe.Pointer(unsafe.SliceData(buf))), len(buf)); n > 0 {
		_ = syscall.Madvise(buf[off:off+n], syscall.MADV_HUGEPAGE) // advice only
	}
	buf = nil
	procs := runtime.GOMAXPROCS(1)
	runtime.GC()
	runtime.GOMAXPROCS(procs)
}

// hugeWindow returns the offset and length of the whole huge pages within
// the size bytes at address start: madvise wants an aligned start, and a
// huge page straddling the buffer's end would cover memory it does not own.
func hugeWindow(start uintptr, size int) (off, n int) {
	beg := (start + hugePage - 1) &^ (hugePage - 1)
	end := (start + uintptr(size)) &^ (hugePage - 1)
	if end <= beg {
		return 0, 0
	}
	return int(beg - start), int(end - beg)
}
