package main

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// openPTY opens a pseudo-terminal and returns its controlling side, to
// read what was written, and the terminal a program writes to.
func openPTY(t *testing.T) (master, term *os.File) {
	t.Helper()
	// Non-blocking, so os.NewFile puts it in the poller and read deadlines work.
	fd, err := syscall.Open("/dev/ptmx", syscall.O_RDWR|syscall.O_NOCTTY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	master = os.NewFile(uintptr(fd), "/dev/ptmx")
	t.Cleanup(func() { master.Close() })
	var unlock int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); errno != 0 {
		t.Skipf("unlockpt: %v", errno)
	}
	var n uint32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); errno != 0 {
		t.Skipf("ptsname: %v", errno)
	}
	term, err = os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open terminal: %v", err)
	}
	t.Cleanup(func() { term.Close() })
	return master, term
}

// capture reads what is written to the terminal while a command runs, so
// a long report cannot fill the terminal's buffer and block; the function
// it returns waits briefly for the rest and returns it all.
func capture(t *testing.T, master *os.File) func() string {
	t.Helper()
	if err := master.SetReadDeadline(time.Time{}); err != nil {
		t.Skipf("cannot time out reads on the terminal: %v", err)
	}
	done := make(chan string)
	go func() {
		var b bytes.Buffer
		buf := make([]byte, 1<<16)
		for {
			n, err := master.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				done <- b.String()
				return
			}
		}
	}()
	return func() string {
		master.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		return <-done
	}
}

// TestGraphsRefuseTerminal runs flamegraph with a terminal as standard
// output: nothing reaches the terminal, and the message says how to get
// the graph. A table on the same terminal is written as usual.
func TestGraphsRefuseTerminal(t *testing.T) {
	for _, args := range [][]string{
		{"flamegraph", webhook},
		{"analyze", "-f", "png", webhook},
		{"convert", "--to", "pprof", webhook},
	} {
		master, term := openPTY(t)
		written := capture(t, master)
		var stderr bytes.Buffer
		code := exitCode(run(args, strings.NewReader(""), term, &stderr), &stderr)
		if code != 2 || !strings.Contains(stderr.String(), "not for a terminal: name a file with -o, or redirect standard output") {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr.String())
		}
		if got := written(); got != "" {
			t.Errorf("%q wrote %d bytes to the terminal", args, len(got))
		}
	}
	master, term := openPTY(t)
	written := capture(t, master)
	var stderr bytes.Buffer
	if code := exitCode(run([]string{"analyze", "-n", "1", webhook}, strings.NewReader(""), term, &stderr), &stderr); code != 0 {
		t.Fatalf("table on a terminal: exit %d: %s", code, stderr.String())
	}
	if got := written(); !strings.Contains(got, "TOP FUNCTIONS") {
		t.Errorf("the table did not reach the terminal: %.200q", got)
	}
}

// TestGraphsToDevNull sends a graph to /dev/null, a character device but
// not a terminal, as a benchmark or a dry run does: it is written.
func TestGraphsToDevNull(t *testing.T) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	var stderr bytes.Buffer
	if code := exitCode(run([]string{"analyze", "-f", "png", webhook}, strings.NewReader(""), null, &stderr), &stderr); code != 0 {
		t.Errorf("png to %s: exit %d: %s", os.DevNull, code, stderr.String())
	}
}
