package main

import (
	"bytes"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func TestHugeWindow(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name        string
		start       uintptr
		size        int
		off, length int
	}{
		{"aligned start and end", 4 * hugePage, 3 * hugePage, 0, 3 * hugePage},
		{"start rounds up", 4*hugePage + 8192, 3 * hugePage, hugePage - 8192, 2 * hugePage},
		{"end rounds down", 4 * hugePage, 3*hugePage + mib, 0, 3 * hugePage},
		{"both round inward", 4*hugePage + mib, 3 * hugePage, mib, 2 * hugePage},
		{"no whole huge page inside", 4*hugePage + mib, hugePage, 0, 0},
		{"smaller than a huge page", 4 * hugePage, mib, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			off, n := hugeWindow(tt.start, tt.size)
			if off != tt.off || n != tt.length {
				t.Errorf("hugeWindow(%#x, %d) = %d, %d, want %d, %d", tt.start, tt.size, off, n, tt.off, tt.length)
			}
		})
	}
}

// TestHugePagesKeepProcs checks that the collection which prepares huge
// pages on one processor gives the rest of the run back all of them.
func TestHugePagesKeepProcs(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	prepareHugePages(4 * hugePage)
	if n := runtime.GOMAXPROCS(0); n != 3 {
		t.Errorf("GOMAXPROCS after prepareHugePages = %d, want 3", n)
	}
}

// TestHugePagesCutFaults runs the real command on large.pstats in a child
// process (TestMainProcess) twice: as it runs, and with GOGC=off, which
// keeps the collector off but skips the tuning that prepares huge pages.
// Prepared, the run must take less than half the page faults. Where the
// kernel gives huge pages to every process ("always") or to none
// ("never"), there is no difference to see, and where it has no free huge
// page to give, the test says so and is skipped rather than failed.
func TestHugePagesCutFaults(t *testing.T) {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || !bytes.Contains(mode, []byte("[madvise]")) {
		t.Skipf("transparent huge pages are not in madvise mode here: %q", bytes.TrimSpace(mode))
	}
	faults := func(env ...string) int64 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMainProcess$", "--", "analyze", "--top", "30", "../../testdata/pstats/large.pstats")
		cmd.Env = append(append(os.Environ(), "LOOPDOCTOR_MAIN=1"), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return int64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Minflt) // int32 on 32-bit systems
	}
	fallbacks := thpFallbacks(t)
	prepared, plain := faults(), faults("GOGC=off")
	t.Logf("page faults: %d prepared for huge pages, %d not", prepared, plain)
	if n := thpFallbacks(t) - fallbacks; n > 0 && prepared*2 > plain {
		t.Skipf("the kernel had no free huge page %d times (memory too fragmented)", n)
	}
	if prepared*2 > plain {
		t.Errorf("page faults: %d prepared for huge pages, %d not; want less than half", prepared, plain)
	}
}

// thpFallbacks counts the faults in advised memory that the kernel served
// with small pages for want of a free huge page (/proc/vmstat), machine
// wide.
func thpFallbacks(t *testing.T) int64 {
	t.Helper()
	data, err := os.ReadFile("/proc/vmstat")
	if err != nil {
		t.Skip(err)
	}
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(line, "thp_fault_fallback "); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				t.Fatalf("/proc/vmstat: %v", err)
			}
			return n
		}
	}
	t.Skip("/proc/vmstat has no thp_fault_fallback")
	return 0
}
