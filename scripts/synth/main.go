// Command synth writes a synthetic profile for scripts/bench.sh:
//
//	go run ./scripts/synth -pstats 200000 -shape program -o big.pstats
//	go run ./scripts/synth -pprof 300000 -funcs 20000 -o big.pb.gz
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/loopdoctor/loopdoctor/internal/synth"
)

func main() {
	pstats := flag.Int("pstats", 0, "write a pstats dump of this many functions")
	shape := flag.String("shape", "program", "shape of the pstats call graph: program or chain")
	pprof := flag.Int("pprof", 0, "write a gzipped pprof CPU profile of this many samples")
	funcs := flag.Int("funcs", 20000, "functions of the pprof profile")
	out := flag.String("o", "", "output file")
	flag.Parse()
	if err := write(*out, *pstats, *shape, *pprof, *funcs); err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(1)
	}
}

func write(out string, pstats int, shape string, pprof, funcs int) error {
	if out == "" || (pstats > 0) == (pprof > 0) {
		return fmt.Errorf("give -o and one of -pstats or -pprof")
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	if pprof > 0 {
		err = synth.Pprof(pprof, funcs).Write(f)
	} else {
		s := synth.Program
		if shape == "chain" {
			s = synth.Chain
		}
		err = synth.Pstats(f, pstats, s)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return f.Close()
}
