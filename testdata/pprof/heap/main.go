// Command heap writes heap.pb.gz, a heap profile (four sample types, default
// inuse_space) of a program that keeps some allocations and drops others, so
// the in-use and allocated views differ. Every allocation is sampled.
//
// Run from the repository root: go run ./testdata/pprof/heap
package main

import (
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
)

var kept [][]byte

func keepBig() {
	for range 64 {
		kept = append(kept, make([]byte, 64<<10))
	}
}

func churnSmall() int {
	n := 0
	for i := range 5000 {
		s := strings.Repeat("x", i%100+1)
		n += len(s)
	}
	return n
}

type node struct {
	next *node
	val  [8]int
}

func buildList(n int) *node {
	var head *node
	for range n {
		head = &node{next: head}
	}
	return head
}

var list *node

func main() {
	runtime.MemProfileRate = 1
	keepBig()
	churnSmall()
	list = buildList(3000)
	buildList(2000)
	runtime.GC()
	f, err := os.Create("testdata/pprof/heap/heap.pb.gz")
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	runtime.KeepAlive(kept)
}
