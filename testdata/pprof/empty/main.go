// Command empty writes a CPU profile of a program that stops profiling
// before it runs: a valid pprof file with no samples, which is what a
// too-short or misconfigured profiling run attaches to a bug report.
package main

import (
	"log"
	"os"
	"runtime/pprof"
)

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatal(err)
	}
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
