package parse

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/internal/textdiff"
)

// Builders for the forms CPython writes and quick reads: small tuples and
// short ASCII strings.

func mSmall(items ...[]byte) []byte {
	b := m(')', byte(len(items)))
	for _, it := range items {
		b = append(b, it...)
	}
	return b
}

func mSmallKey(file string, line int, name string) []byte {
	return mSmall(mShort(file), mInt(line), mShort(name))
}

func mSmallEdge(nc, cc int, tt, ct float64) []byte {
	return mSmall(mInt(nc), mInt(cc), mFloat(tt), mFloat(ct))
}

func mSmallStats(cc, nc int, tt, ct float64, callers []byte) []byte {
	return mSmall(mInt(cc), mInt(nc), mFloat(tt), mFloat(ct), callers)
}

// TestQuickMatchesWhole reads dumps in the shapes quick reads and in
// those it leaves to the decoder, row by row or within a row, in one
// pass and whole: both must accept them and read them alike, in the
// dialect named.
func TestQuickMatchesWhole(t *testing.T) {
	int64Line := m('I', binary.LittleEndian.AppendUint64(nil, 7))
	for _, tc := range []struct {
		name, dialect string
		dump          []byte
	}{
		// Ref slots, in pre-order: 0 main's key, 1 a.py, 2 f's key, 3 the
		// int 1, 4 the float 0.5, 5 g's key, which has no row.
		{"shared keys, ints and floats", "cprofile", mDict(
			flagged(mSmall(flagged(mShort("a.py")), mInt(1), mShort("main"))), mSmallStats(1, 1, 0.5, 2, mDict()),
			flagged(mSmall(m('r', 1), flagged(mInt(1)), mShort("f"))), mSmall(m('r', 3), m('r', 3), flagged(mFloat(0.5)), m('r', 4), mDict(
				m('r', 0), mSmall(m('r', 3), m('r', 3), m('r', 4), mFloat(0.5)),
				m('r', 2), mSmallEdge(3, 1, 0.25, 0.25))),
			mSmallKey("b.py", 2, "h"), mSmallStats(1, 1, 0, 0, mDict(
				flagged(mSmallKey("c.py", 9, "g")), mSmallEdge(1, 1, 0, 0),
				m('r', 2), mSmallEdge(1, 1, 0, 0))),
			mSmallKey("b.py", 3, "k"), mSmallStats(1, 1, 0, 0, mDict(m('r', 5), mSmallEdge(1, 1, 0, 0))),
		)},
		{"a caller's fresh key before its row", "cprofile", mDict(
			mSmallKey("a.py", 5, "f"), mSmallStats(1, 1, 0.25, 1, mDict(flagged(mSmallKey("a.py", 1, "main")), mSmallEdge(1, 1, 0.25, 1))),
			m('r', 0), mSmallStats(1, 1, 0.75, 1, mDict()),
		)},
		{"keys and a caller in other forms", "cprofile", mDict(
			mSmall(mStr("a.py"), mInt(1), mShort("main")), mSmallStats(1, 1, 0.5, 1, mDict()),
			mSmall(mShort("a.py"), int64Line, mShort("f")), mSmallStats(1, 1, 0.5, 0.5, mDict(
				mKey("a.py", 1, "main"), mSmallEdge(1, 1, 0.5, 0.5))),
		)},
		{"a row with an int caller", "profile", mDict(
			mSmallKey("a.py", 1, "main"), mSmallStats(1, 1, 0.5, 1, mDict()),
			mSmallKey("a.py", 2, "g"), mSmallStats(2, 2, 0.5, 0.5, mDict(mSmallKey("a.py", 1, "main"), mSmallEdge(1, 1, 0.25, 0.25))),
			mSmallKey("a.py", 5, "f"), mSmallStats(3, 3, 0.5, 0.5, mDict(
				mSmallKey("a.py", 2, "g"), mSmallEdge(1, 1, 0.25, 0.25),
				mSmallKey("a.py", 1, "main"), mInt(2))),
		)},
		{"a time in an int", "cprofile", mDict(
			mSmallKey("a.py", 1, "main"), mSmall(mInt(1), mInt(1), mInt(2), mFloat(3), mDict()),
			mSmallKey("a.py", 5, "f"), mSmallStats(1, 1, 1, 1, mDict(mSmallKey("a.py", 1, "main"), mSmall(mInt(1), mInt(1), mFloat(1), mInt(1)))),
		)},
		{"concatenated callers", "merged", mDict(
			mSmallKey("a.py", 1, "main"), mSmallStats(2, 2, 0.5, 1, mDict()),
			mSmallKey("a.py", 5, "f"), mSmallStats(2, 2, 0.5, 0.5, mDict(mSmallKey("a.py", 1, "main"),
				mSmall(mInt(1), mInt(1), mFloat(0.25), mFloat(0.25), mInt(1), mInt(1), mFloat(0.25), mFloat(0.25)))),
		)},
		{"unknown counts", "pyinstrument", mDict(
			mSmallKey("a.py", 1, "main"), mSmallStats(-1, -1, 0.5, 1, mDict()),
			mSmallKey("a.py", 5, "f"), mSmallStats(-1, -1, 0.5, 0.5, mDict(mSmallKey("a.py", 1, "main"), mSmallEdge(-1, -1, 0.5, 0.5))),
		)},
		// The last caller's numbers are references, 22 bytes that end 24
		// before the input does: fewer than quickNumbers reads.
		{"numbers near the end", "cprofile", mDict(
			flagged(mSmallKey("a.py", 1, "main")), mSmall(flagged(mInt(1)), m('r', 1), flagged(mFloat(0.5)), m('r', 2), mDict()),
			mSmallKey("a.py", 5, "f"), mSmallStats(1, 1, 0.5, 0.5, mDict(m('r', 0), mSmall(m('r', 1), m('r', 1), m('r', 2), m('r', 2)))),
		)},
		// Ref slots: 0 main's key, 1 its line 1<<28, beyond a slot's
		// int, which the decoder keeps aside, 2 the count 1<<28-1, the
		// largest a slot holds, 3 the line -1<<28-1, beyond again.
		{"flagged ints a slot holds and ints it does not", "cprofile", mDict(
			flagged(mSmall(mShort("a.py"), flagged(mInt(1<<28)), mShort("main"))), mSmallStats(1, 1, 0.5, 1, mDict()),
			mSmall(mShort("a.py"), m('r', 1), mShort("f")), mSmall(flagged(mInt(1<<28-1)), m('r', 2), mFloat(0.5), mFloat(0.5), mDict(
				m('r', 0), mSmall(m('r', 2), m('r', 2), mFloat(0.5), mFloat(0.5)))),
			mSmall(mShort("b.py"), flagged(mInt(-1<<28-1)), mShort("g")), mSmall(m('r', 2), m('r', 2), mFloat(0), mFloat(0), mDict(
				mSmall(mShort("b.py"), m('r', 3), mShort("g")), mSmallEdge(1, 1, 0, 0))),
		)},
		{"recursion through the row's own key", "cprofile", mDict(
			flagged(mSmallKey("a.py", 3, "fact")), mSmallStats(1, 4, 1, 1, mDict(m('r', 0), mSmallEdge(3, 0, 0.75, 0.75))),
		)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			streamed, err := readPstats(tc.dump, "quick.pstats", true)
			if err != nil {
				t.Fatalf("one pass: %v", err)
			}
			whole, err := readPstats(tc.dump, "quick.pstats", false)
			if err != nil {
				t.Fatalf("whole: %v", err)
			}
			if got, want := streamed.String(), whole.String(); got != want {
				t.Errorf("one pass (-whole +one pass):\n%s", textdiff.Unified(want, got))
			}
			if want := "dialect " + tc.dialect + " "; !strings.Contains(whole.String(), want) {
				t.Errorf("read as %q, want %s", strings.SplitN(whole.String(), "\n", 2)[0], tc.dialect)
			}
		})
	}
}

// TestQuickFarReference reads a row whose call count refers to slot
// 2^32-1, which no dump has: the reader must refuse it, not index past
// its table, on every architecture (on a 32-bit one, int of such an index
// is negative, so a test made with int passes it).
func TestQuickFarReference(t *testing.T) {
	dump := mDict(
		mSmallKey("a.py", 1, "main"), mSmall(m('r', -1), mInt(1), mFloat(0.5), mFloat(1), mDict()),
	)
	for _, streaming := range []bool{true, false} {
		_, err := readPstats(dump, "far.pstats", streaming)
		if err == nil || !strings.Contains(err.Error(), "far.pstats") {
			t.Errorf("streaming %v: got %v, want an error naming the file", streaming, err)
		}
	}
}
