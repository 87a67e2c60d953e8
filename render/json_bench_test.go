package render

import (
	"io"
	"testing"
)

// BenchmarkJSONRender measures the JSON document alone for the
// 17,000-function dump, the report read and analyzed once.
func BenchmarkJSONRender(b *testing.B) {
	r := dumpReport(b, "pstats/large.pstats")
	b.ReportAllocs()
	for b.Loop() {
		if err := JSON(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
