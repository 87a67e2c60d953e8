package parse

import (
	"errors"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"github.com/loopdoctor/loopdoctor/internal/textdiff"
)

// FuzzPstats feeds mutated dumps to the pstats reader. Seeds are the small
// dumps in testdata/pstats; crashers found go to testdata/fuzz/FuzzPstats.
// The reader must never panic, hang or exhaust memory, whatever it
// accepts must be a valid model, and what its one-pass read accepts must
// read the same whole.
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
	// Counts at and beyond int64's range, summed by merged caller tuples.
	most := mLong(big.NewInt(math.MaxInt64))
	f.Add(mDict(mKey("a.py", 1, "f"), mTuple(most, most, mFloat(1), mFloat(1),
		mDict(mKey("a.py", 2, "g"), mTuple(most, most, mFloat(0), mFloat(0), mInt(2), mInt(2), mFloat(0), mFloat(0))))))
	f.Add(mDict(mKey("a.py", 1, "f"), mTuple(mLong(new(big.Int).Lsh(big.NewInt(1), 70)), mInt(1), mFloat(1), mFloat(1), mDict())))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := PstatsData(data, "fuzz.pstats")
		if err != nil {
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted an invalid model: %v", err)
		}
		// What the one-pass read accepts, the whole read must read alike.
		streamed, err := readPstats(data, "fuzz.pstats", true)
		if err != nil {
			return
		}
		whole, err := readPstats(data, "fuzz.pstats", false)
		if err != nil {
			t.Fatalf("read in one pass, refused whole: %v", err)
		}
		if got, want := streamed.String(), whole.String(); got != want {
			t.Fatalf("streamed (-whole +streamed):\n%s", textdiff.Unified(want, got))
		}
	})
}

// FuzzData feeds arbitrary bytes through format detection to either
// reader, as the command does: every refusal is an *Error naming the
// input, and whatever is accepted is a valid model.
func FuzzData(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{'>' | 0x80, 1, 0, 0, 0, 'N'})
	f.Add(m('c', 0, 0, 0, 0))
	f.Add([]byte("Flat profile:\n"))
	f.Add(mDict(mKey("a.py", 1, "f"), mStats(1, 1, 0.5, 0.5, mDict())))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Data(data, "fuzz.in", Options{})
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) || perr.File != "fuzz.in" {
				t.Fatalf("error %q is not an *Error naming the input", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted an invalid model: %v", err)
		}
	})
}
