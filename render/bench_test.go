package render

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

// The render benchmarks measure one output format alone for the
// 17,000-function dump, read and analyzed once with the command's default
// rows for that format: the phase after BenchmarkPstatsLarge (reading)
// and BenchmarkReportLarge (analysis).
func BenchmarkJSONRender(b *testing.B)     { benchmarkRender(b, JSON, 20) }
func BenchmarkTextRender(b *testing.B)     { benchmarkRender(b, Text, 20) }
func BenchmarkMarkdownRender(b *testing.B) { benchmarkRender(b, Markdown, 50) }

func benchmarkRender(b *testing.B, format func(io.Writer, *analyze.Report) error, top int) {
	p, err := parse.File(filepath.Join("..", "testdata", "pstats", "large.pstats"), parse.Options{})
	if err != nil {
		b.Fatal(err)
	}
	r := analyze.Analyze(p, analyze.Options{Top: top})
	b.ReportAllocs()
	for b.Loop() {
		if err := format(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
