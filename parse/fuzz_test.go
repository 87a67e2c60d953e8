package parse

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzPstats feeds mutated dumps to the pstats reader. Seeds are the small
// dumps in testdata/pstats; crashers found go to testdata/fuzz/FuzzPstats.
// The reader must never panic, hang or exhaust memory, and whatever it
// accepts must be a valid model.
func FuzzPstats(f *testing.F) {
	files, err := filepath.Glob("../testdata/pstats/*.pstats")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		if filepath.Base(name) == "large.pstats" {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := PstatsData(data, "fuzz.pstats")
		if err != nil {
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted an invalid model: %v", err)
		}
	})
}
