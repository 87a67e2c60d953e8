package analyze_test

import (
	"fmt"
	"os"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
	"github.com/loopdoctor/loopdoctor/render"
)

// The whole pipeline: read a dump, analyze it, render the report.
func Example() {
	p, err := parse.File("../testdata/pstats/recursive-3.11.pstats", parse.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := analyze.Analyze(p, analyze.Options{Sort: analyze.ByOwn, Top: 4})
	if err := render.Text(os.Stdout, r); err != nil {
		fmt.Println(err)
	}
	// Output:
	// ../testdata/pstats/recursive-3.11.pstats — cProfile (Python 3), 16,796 calls,
	//   6.23 ms total
	//
	// TOP FUNCTIONS by own time (4 of 17; --top, --sort)
	//      cum  cum%      own      calls  cum/call  function
	// -------------------------------------------------------------------------
	//  1.94 ms   31%  1.94 ms  5,658/300   6.46 µs  recursive.py:9 fact
	//  2.87 ms   46%  1.51 ms  4,650/300   9.57 µs  recursive.py:13 is_even
	//  2.77 ms   44%  1.36 ms  4,500/295   9.39 µs  recursive.py:17 is_odd
	//   586 µs  9.4%   363 µs      255/1    586 µs  recursive.py:31 <listcomp>
}
