package analyze

import (
	"testing"

	"github.com/loopdoctor/loopdoctor/parse"
)

// BenchmarkReportLarge is the analysis of "loopdoctor analyze --top 30" on
// the 17,000-function dump, without reading or rendering: ranking,
// repeated-setup findings and the event-loop report.
func BenchmarkReportLarge(b *testing.B) {
	p, err := parse.File("../testdata/pstats/large.pstats", parse.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		Analyze(p, Options{Top: 30})
	}
}
