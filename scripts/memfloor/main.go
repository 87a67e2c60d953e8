// Command memfloor measures, for scripts/bench.sh, what a Go program pays
// on the machine before doing any work of its own: starting, reading an
// input through, and having the kernel supply fresh memory.
//
//	memfloor FILE MIB
//
// It reads FILE in 64 KiB pieces into one buffer and then writes one byte
// in every 4 KiB page of MIB MiB newly allocated in 64 KiB blocks, all
// kept live with the collector off, as loopdoctor runs. Every page it
// writes is a page fault, which is what makes fresh memory cost time: on
// a virtual machine whose host backs guest memory only when it is touched,
// far more than on bare metal.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
)

const (
	block = 64 << 10
	page  = 4 << 10
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: memfloor FILE MIB")
		os.Exit(2)
	}
	mib, err := strconv.Atoi(os.Args[2])
	if err != nil || mib < 0 {
		fmt.Fprintf(os.Stderr, "memfloor: MIB is %q, want a whole number of MiB\n", os.Args[2])
		os.Exit(2)
	}
	debug.SetGCPercent(-1)
	sum, err := readThrough(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "memfloor:", err)
		os.Exit(1)
	}
	blocks := make([][]byte, mib*(1<<20)/block)
	for i := range blocks {
		b := make([]byte, block)
		for j := 0; j < len(b); j += page {
			b[j] = byte(i)
		}
		blocks[i] = b
	}
	fmt.Println(sum, len(blocks)) // what was read and written, so none of it is optimized away
}

// readThrough reads the file to its end and returns the sum of the first
// byte of each 64-byte line.
func readThrough(name string) (byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	buf := make([]byte, block)
	var sum byte
	for {
		n, err := f.Read(buf)
		for i := 0; i < n; i += 64 { // a byte of each cache line
			sum += buf[i]
		}
		if err == io.EOF {
			return sum, nil
		}
		if err != nil {
			return 0, fmt.Errorf("read %s: %w", name, err)
		}
	}
}
