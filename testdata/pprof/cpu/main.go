// Command cpu writes cpu.pb.gz, a CPU profile of busy work with recursion
// (fib), mutual recursion (even/odd), a call made from two places (checksum)
// and small functions the compiler inlines (mix), so the reader meets
// recursive stacks and locations with several inlined lines.
//
// Run from the repository root: go run ./testdata/pprof/cpu
package main

import (
	"crypto/sha256"
	"log"
	"os"
	"runtime/pprof"
	"sort"
	"time"
)

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func even(n int) bool {
	if n == 0 {
		return true
	}
	return odd(n - 1)
}

func odd(n int) bool {
	if n == 0 {
		return false
	}
	return even(n - 1)
}

// mix is small enough to be inlined into its callers.
func mix(x uint64) uint64 { return x*0x9e3779b97f4a7c15 ^ x>>29 }

func checksum(data []byte) [32]byte {
	return sha256.Sum256(data)
}

func sortWork() {
	xs := make([]uint64, 200000)
	for i := range xs {
		xs[i] = mix(uint64(i))
	}
	sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
	checksum([]byte{byte(xs[0])})
}

func hashWork() {
	buf := make([]byte, 1<<16)
	for range 200 {
		s := checksum(buf)
		buf[0] = s[0]
	}
}

var sink int

func main() {
	f, err := os.Create("testdata/pprof/cpu/cpu.pb.gz")
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatal(err)
	}
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); {
		sink += fib(27)
		if even(100001) {
			sink++
		}
		sortWork()
		hashWork()
	}
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
