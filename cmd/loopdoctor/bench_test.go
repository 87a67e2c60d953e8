package main

import (
	"io"
	"testing"
)

// BenchmarkAnalyzeLarge is the whole "loopdoctor analyze --top 30" run on
// a 17,000-function dump: read, decode, analyze, render.
func BenchmarkAnalyzeLarge(b *testing.B) {
	for b.Loop() {
		if err := run([]string{"analyze", "--top", "30", "../../testdata/pstats/large.pstats"}, nil, io.Discard, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONLarge is the whole "loopdoctor analyze -f json" run on the
// same dump: every function and edge written as one indented document.
func BenchmarkJSONLarge(b *testing.B) {
	for b.Loop() {
		if err := run([]string{"analyze", "-f", "json", "../../testdata/pstats/large.pstats"}, nil, io.Discard, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
