//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/loopdoctor/loopdoctor/internal/synth"
)

// TestMainProcess is not a test of its own: TestMemoryBudget runs the
// test binary again with LOOPDOCTOR_MAIN set, and this then runs main
// with the arguments after "--", so that the child is the real command,
// memory limit included.
func TestMainProcess(t *testing.T) {
	if os.Getenv("LOOPDOCTOR_MAIN") == "" {
		t.Skip("runs only as TestMemoryBudget's child process")
	}
	i := slices.Index(os.Args, "--")
	os.Args = append([]string{"loopdoctor"}, os.Args[i+1:]...)
	main()
}

// TestMemoryBudget analyzes a generated pstats dump of a million chained
// functions (about 118 MB) in a child process and checks its peak
// resident memory against the budget of ten times the input's size.
func TestMemoryBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads a 118 MB dump")
	}
	path := filepath.Join(t.TempDir(), "chain.pstats")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.Pstats(f, 1_000_000, synth.Chain); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainProcess$", "--", "analyze", "--top", "5", path)
	cmd.Env = append(os.Environ(), "LOOPDOCTOR_MAIN=1")
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	peak := int64(ru.Maxrss) << 10 // kilobytes on Linux; int32 on 32-bit systems
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	t.Logf("%d MB dump: peak RSS %d MB (%.1f×), CPU %v, wall %v", fi.Size()>>20, peak>>20, float64(peak)/float64(fi.Size()), cpu, time.Since(start))
	if peak > 10*fi.Size() {
		t.Errorf("peak RSS %d MB, more than ten times the %d MB input", peak>>20, fi.Size()>>20)
	}
}
