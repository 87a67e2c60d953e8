package parse

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/internal/textdiff"
)

// externalDir holds real dumps nobody on this project wrote; tests read them
// in place and skip when the directory is missing.
const externalDir = "../../shared/profiles/external"

// pstatsDumps lists the pstats dumps in the repository's testdata and in
// externalDir.
func pstatsDumps(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{
		"../testdata/*.pstats", "../testdata/*/*.pstats",
		externalDir + "/*.pstats", externalDir + "/*.prof2", externalDir + "/*.prof3",
	} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no pstats dumps found in ../testdata")
	}
	return files
}

// oracleDump is what parse/testdata/pstats_oracle.py prints for one dump:
// the stats as Python's pstats module loaded them.
type oracleDump struct {
	File      string
	Error     string
	TotalTT   float64 `json:"total_tt"`
	Functions []struct {
		Key     oracleKey
		Stats   [4]float64 // cc, nc, tt, ct
		Callers []struct {
			Key   oracleKey
			Value json.RawMessage // [nc, cc, tt, ct] (or 8, 12 of them), or a count
		}
	}
}

type oracleKey [3]any

func (k oracleKey) String() string {
	line, _ := k[1].(float64)
	return fmt.Sprintf("%v:%d(%v)", k[0], int(line), k[2])
}

// runOracle runs the oracle script under python on files and returns its
// result for each file.
func runOracle(python string, files []string) (map[string]oracleDump, error) {
	cmd := exec.Command(python, append([]string{"testdata/pstats_oracle.py"}, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s testdata/pstats_oracle.py: %w\n%s", python, err, stderr.Bytes())
	}
	dumps := map[string]oracleDump{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var d oracleDump
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, fmt.Errorf("%s oracle output: %w", python, err)
		}
		dumps[d.File] = d
	}
	return dumps, nil
}

// otherPythons lists Pythons besides python3 that may serve as oracle for
// dumps python3 refuses: Python 2.7 for Python 2 dumps, and the Python that
// wrote a profile-module dump, whose code object only that version
// unmarshals. It looks on PATH and in pyenv, whose shims fail unless the
// version is active, so it asks pyenv for the real paths.
func otherPythons() []string {
	candidates := []string{"python2.7", "python2"}
	if root, err := exec.Command("pyenv", "root").Output(); err == nil {
		m, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(root)), "versions", "*", "bin", "python"))
		candidates = append(candidates, m...)
	}
	return candidates
}

// TestPstatsOracle checks every function's counts and times, and every
// edge's, against what Python's pstats reads from the same dump: python3
// for Python 3 dumps, python2.7 (when installed) for those python3 refuses.
func TestPstatsOracle(t *testing.T) {
	if testing.Short() {
		t.Skip("compares with Python's pstats; skipped with -short")
	}
	python3, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	files := pstatsDumps(t)
	oracle, err := runOracle(python3, files)
	if err != nil {
		t.Fatal(err)
	}
	var refused []string // dumps python3 cannot load
	for _, f := range files {
		if oracle[f].Error != "" {
			refused = append(refused, f)
		}
	}
	retry := refused
	for _, python := range otherPythons() {
		if len(retry) == 0 {
			break
		}
		found, err := runOracle(python, retry)
		if err != nil {
			continue // not installed, or not working
		}
		retry = retry[:0:0]
		for _, f := range refused {
			if d := found[f]; d.File != "" && d.Error == "" {
				oracle[f] = d
			} else if oracle[f].Error != "" {
				retry = append(retry, f)
			}
		}
	}
	for _, f := range files {
		t.Run(strings.TrimPrefix(f, "../"), func(t *testing.T) {
			o := oracle[f]
			if o.Error != "" {
				t.Skipf("neither python3 nor python2.7 loads it: %s", o.Error)
			}
			p, err := File(f, Options{})
			if err != nil {
				t.Fatal(err)
			}
			// Python 2 iterates dicts in hash order, so its total sums the
			// same numbers in another order.
			compareOracle(t, p, o, !slices.Contains(refused, f))
		})
	}
}

// compareOracle checks p against what pstats read. The model's documented
// differences from the raw dict are applied to the oracle's numbers: yappi's
// first two numbers are swapped back, concatenated caller tuples summed,
// and the profile module's per-caller counts spread the function's times.
func compareOracle(t *testing.T, p *Profile, o oracleDump, exactTotal bool) {
	t.Helper()
	funcs := make(map[string]*Func, len(p.Funcs))
	for _, f := range p.Funcs {
		funcs[f.String()] = f
	}
	if len(o.Functions) != len(p.Funcs) {
		t.Errorf("%d functions, pstats has %d", len(p.Funcs), len(o.Functions))
	}
	if exactTotal && p.Total != o.TotalTT || math.Abs(p.Total-o.TotalTT) > 1e-12*o.TotalTT {
		t.Errorf("total %v, pstats total_tt %v", p.Total, o.TotalTT)
	}
	edges := 0
	for _, of := range o.Functions {
		f := funcs[of.Key.String()]
		if f == nil {
			t.Errorf("function %s missing", of.Key)
			continue
		}
		cc, nc := int64(of.Stats[0]), int64(of.Stats[1])
		if p.Dialect == dialectYappi {
			cc, nc = nc, cc
		}
		if f.Calls != nc || f.Primitive != cc || f.Own != of.Stats[2] || f.Cum != of.Stats[3] {
			t.Errorf("%s: calls %d/%d own %v cum %v, pstats has %d/%d own %v cum %v",
				f, f.Calls, f.Primitive, f.Own, f.Cum, nc, cc, of.Stats[2], of.Stats[3])
		}
		in := make(map[string]*Edge, len(f.In))
		for _, e := range f.In {
			in[e.Caller.String()] = e
		}
		// The profile module's cumulative time counts outermost calls only,
		// so a directly recursive function's other callers share it by
		// their counts alone (outerCumShares).
		var self int64
		for _, oc := range of.Callers {
			if oc.Key.String() == f.String() {
				self, _ = strconv.ParseInt(string(oc.Value), 10, 64)
			}
		}
		for _, oc := range of.Callers {
			edges++
			e := in[oc.Key.String()]
			if e == nil {
				t.Errorf("edge %s -> %s missing", oc.Key, f)
				continue
			}
			want := Edge{Primitive: -1, Estimated: true}
			var v []float64
			if err := json.Unmarshal(oc.Value, &v); err == nil {
				want = Edge{}
				for i := 0; i+3 < len(v); i += 4 {
					want.Calls += int64(v[i])
					want.Primitive += int64(v[i+1])
					want.Own += v[i+2]
					want.Cum += v[i+3]
				}
			} else if want.Calls, err = strconv.ParseInt(string(oc.Value), 10, 64); err != nil {
				t.Fatalf("caller value %s: %v", oc.Value, err)
			} else if f.Calls > 0 {
				share := float64(want.Calls) / float64(f.Calls)
				want.Own, want.Cum = share*f.Own, share*f.Cum
				if self > 0 && oc.Key.String() != f.String() && f.Calls > self {
					want.Cum = float64(want.Calls) / float64(f.Calls-self) * f.Cum
				}
			}
			if e.Calls != want.Calls || e.Primitive != want.Primitive || e.Own != want.Own ||
				e.Cum != want.Cum || e.Estimated != want.Estimated {
				t.Errorf("edge %s -> %s: calls %d/%d own %v cum %v estimated %v, want %d/%d own %v cum %v estimated %v",
					e.Caller, f, e.Calls, e.Primitive, e.Own, e.Cum, e.Estimated,
					want.Calls, want.Primitive, want.Own, want.Cum, want.Estimated)
			}
		}
	}
	if edges != len(p.Edges) {
		t.Errorf("%d edges, pstats has %d", len(p.Edges), edges)
	}
}

// TestPstatsGolden pins the whole model read from each small dump in
// testdata/pstats, so that any change in what the reader records shows up
// as a diff.
func TestPstatsGolden(t *testing.T) {
	files, err := filepath.Glob("../testdata/pstats/*.pstats")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		if name == "large.pstats" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			p, err := File(f, Options{})
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "pstats-"+strings.TrimSuffix(name, ".pstats")+".golden", p.String())
		})
	}
}

// BenchmarkPstatsLarge reads testdata/pstats/large.pstats (about 17,000
// functions, 3 MB); analyze must finish within 30 ms, so reading must take
// a small fraction of that.
func BenchmarkPstatsLarge(b *testing.B) {
	data, err := os.ReadFile("../testdata/pstats/large.pstats")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PstatsData(data, "large.pstats"); err != nil {
			b.Fatal(err)
		}
	}
}

// Builders for hand-made stats dicts.

func mKey(file string, line int, name string) []byte {
	return mTuple(mStr(file), mInt(line), mStr(name))
}

func mStats(cc, nc int, tt, ct float64, callers []byte) []byte {
	return mTuple(mInt(cc), mInt(nc), mFloat(tt), mFloat(ct), callers)
}

func mEdge(nc, cc int, tt, ct float64) []byte {
	return mTuple(mInt(nc), mInt(cc), mFloat(tt), mFloat(ct))
}

// TestPstatsBadInput checks that every kind of bad input gives an *Error
// that names the file and the problem, at the byte where it lies.
func TestPstatsBadInput(t *testing.T) {
	good := mDict(mKey("a.py", 1, "f"), mStats(1, 1, 0.5, 0.5, mDict()))
	gigantic := append([]byte{'{'}, mKey("a.py", 1, "f")...)
	gigantic = append(gigantic, m('(', 5, mInt(1), mInt(1), mFloat(1), mFloat(1), '{', mKey("a.py", 1, "f"), 'u', 0x7ffffff0)...)
	for _, tc := range []struct {
		name string
		in   []byte
		off  int64 // -1: no position
		msg  string
	}{
		{"empty", nil, 0, "type code needs 1 bytes, 0 left: truncated"},
		{"text", []byte("{hello: world}\n"), 1, "unknown marshal type code 'h' (0x68)"},
		{"list instead of dict", m('[', 1, good), 0, "marshalled list of 1, want the pstats dict of functions"},
		{"int instead of dict", mInt(3), 0, "marshalled int 3, want the pstats dict"},
		{"key of two fields", mDict(mTuple(mStr("a.py"), mInt(1)), mStats(1, 1, 0, 0, mDict())), 1, "function key is tuple of 2, want (file, line, name)"},
		{"key with a float line", mDict(mTuple(mStr("a.py"), mFloat(1), mStr("f")), mStats(1, 1, 0, 0, mDict())), 1,
			`function key holds (str "a.py", float 1, str "f"), want (str, int, str)`},
		{"stats of four fields", mDict(mKey("a.py", 1, "f"), mTuple(mInt(1), mInt(1), mFloat(0), mFloat(0))), 0x1a,
			"stats of a.py:1(f) are tuple of 4, want (cc, nc, tt, ct, callers)"},
		{"callers not a dict", mDict(mKey("a.py", 1, "f"), mTuple(mInt(1), mInt(1), mFloat(0), mFloat(0), m('N'))), 0x1a,
			"stats of a.py:1(f) are tuple of 5, want (cc, nc, tt, ct, callers)"},
		{"count is a float", mDict(mKey("a.py", 1, "f"), mTuple(mInt(1), mFloat(1), mFloat(0), mFloat(0), mDict())), 0x24,
			"call count of a.py:1(f) is float 1, want a non-negative int"},
		{"negative count", mDict(mKey("a.py", 1, "f"), mStats(-5, 1, 0, 0, mDict())), 0x1f,
			"primitive call count of a.py:1(f) is int -5, want a non-negative int"},
		{"NaN own time", mDict(mKey("a.py", 1, "f"), mStats(1, 1, math.NaN(), 0, mDict())), 0x29,
			"own time of a.py:1(f) is NaN, want a finite non-negative number"},
		{"negative cumulative time", mDict(mKey("a.py", 1, "f"), mStats(1, 1, 0, -1, mDict())), 0x32,
			"cumulative time of a.py:1(f) is -1, want a finite non-negative number"},
		{"string own time", mDict(mKey("a.py", 1, "f"), mTuple(mInt(1), mInt(1), mStr("x"), mFloat(0), mDict())), 0x29,
			`own time of a.py:1(f) is str "x", want a float`},
		{"caller value of three fields", mDict(mKey("a.py", 1, "f"), mStats(1, 1, 0, 0, mDict(mKey("a.py", 1, "f"), mTuple(mInt(1), mInt(1), mFloat(0))))), 0x55,
			"caller a.py:1(f) of a.py:1(f) has tuple of 3, want (nc, cc, tt, ct) or a call count"},
		{"caller with negative time", mDict(mKey("a.py", 1, "f"), mStats(1, 1, 0, 0, mDict(mKey("a.py", 1, "f"), mEdge(1, 1, -2, 0)))), 0x55,
			"times from a.py:1(f) to a.py:1(f) are float -2, float 0, want finite non-negative numbers"},
		{"caller with negative count", mDict(mKey("a.py", 1, "f"), mStats(1, 1, 0, 0, mDict(mKey("a.py", 1, "f"), mInt(-3)))), 0x55,
			"call count from a.py:1(f) to a.py:1(f) is -3, want a non-negative int"},
		{"caller key an int", mDict(mKey("a.py", 1, "f"), mStats(1, 1, 0, 0, mDict(mInt(-1), mEdge(1, 1, 0, 0)))), 0x3c,
			"function key is int -1, want (file, line, name)"},
		{"duplicate function", mDict(mKey("a.py", 1, "f"), mStats(1, 1, 0, 0, mDict()), mKey("a.py", 1, "f"), mStats(1, 1, 0, 0, mDict())), 0x3d,
			"function a.py:1(f) appears twice"},
		// The second row's key refers to the first's: the error is at
		// the tuple referred to, as everywhere a value is referred to.
		{"duplicate function by a shared key", mDict(flagged(mKey("a.py", 1, "f")), mStats(1, 1, 0, 0, mDict()), m('r', 0), mStats(1, 1, 0, 0, mDict())), 1,
			"function a.py:1(f) appears twice"},
		{"caller named twice", mDict(mKey("a.py", 1, "f"), mStats(1, 1, 0, 0, mDict()), mKey("b.py", 2, "g"),
			mStats(2, 2, 0, 0, mDict(mKey("a.py", 1, "f"), mEdge(1, 1, 0, 0), mKey("b.py", 2, "g"), mEdge(1, 1, 0, 0), mKey("a.py", 1, "f"), mEdge(1, 1, 0, 0)))), -1,
			"inconsistent stats: duplicate edge a.py:1(f) -> b.py:2(g)"},
		{"merged caller times adding up to infinity", mDict(mKey("a.py", 1, "f"), mStats(1, 1, 0, 0, mDict(mKey("a.py", 1, "f"),
			mTuple(mInt(1), mInt(1), mFloat(1e308), mFloat(0), mInt(1), mInt(1), mFloat(1e308), mFloat(0))))), -1,
			"inconsistent stats: edge a.py:1(f) -> a.py:1(f): time is negative or not a number"},
		{"string claiming gigabytes", gigantic, 0x56, "string length 2147483632 exceeds the 0 bytes left"},
		{"unknown type code", mDict(mKey("a.py", 1, "f"), m('Q')), 0x1a, "unknown marshal type code 'Q' (0x51)"},
		{"reference to an undefined slot", mDict(m('r', 7), mStats(1, 1, 0, 0, mDict())), 1, "reference 7 to undefined slot (0 defined so far)"},
		{"reference to the dict being read", flagged(mDict(mKey("a.py", 1, "f"), mStats(1, 1, 0, 0, m('r', 0)))), 0x3b,
			"reference 0 to an object still being read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := PstatsData(tc.in, "bad.pstats")
			if err == nil {
				t.Fatalf("read %s", p)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *parse.Error", err)
			}
			if pe.File != "bad.pstats" || pe.Offset != tc.off || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("got error %q (offset %#x)\nwant offset %#x and %q", err, pe.Offset, tc.off, tc.msg)
			}
		})
	}
}

// TestPstatsSharedKeys reads a dump whose keys are shared the way CPython
// writes them (one flagged tuple per function, which its row and every
// callers dict naming it refer to) and the same dump with a fresh tuple
// for every key: both must read alike, the shared caller without a row
// included.
func TestPstatsSharedKeys(t *testing.T) {
	// Ref slots: 0 main's key, 1 f's key, 2 the key of g, which has no row.
	shared := mDict(
		flagged(mKey("a.py", 1, "main")), mStats(1, 1, 0.5, 2, mDict()),
		flagged(mKey("a.py", 5, "f")), mStats(2, 2, 0.25, 1, mDict(
			m('r', 0), mEdge(1, 1, 0.125, 0.5),
			flagged(mKey("b.py", 9, "g")), mEdge(1, 1, 0.125, 0.5))),
		mKey("a.py", 7, "h"), mStats(2, 2, 0.5, 0.5, mDict(
			m('r', 2), mEdge(1, 1, 0.25, 0.25),
			m('r', 1), mEdge(1, 1, 0.25, 0.25))),
	)
	fresh := mDict(
		mKey("a.py", 1, "main"), mStats(1, 1, 0.5, 2, mDict()),
		mKey("a.py", 5, "f"), mStats(2, 2, 0.25, 1, mDict(
			mKey("a.py", 1, "main"), mEdge(1, 1, 0.125, 0.5),
			mKey("b.py", 9, "g"), mEdge(1, 1, 0.125, 0.5))),
		mKey("a.py", 7, "h"), mStats(2, 2, 0.5, 0.5, mDict(
			mKey("b.py", 9, "g"), mEdge(1, 1, 0.25, 0.25),
			mKey("a.py", 5, "f"), mEdge(1, 1, 0.25, 0.25))),
	)
	want := `format pstats dialect cprofile unit seconds total 1.25
note 1 callers have no stats of their own; they are listed with no calls and no time
func 0 a.py:5(f) calls 2/2 own 0.25 cum 1
func 1 a.py:7(h) calls 2/2 own 0.5 cum 0.5
func 2 a.py:1(main) calls 1/1 own 0.5 cum 2
func 3 b.py:9(g) calls 0/0 own 0 cum 0
edge 0 -> 1 calls 1/1 own 0.25 cum 0.25
edge 2 -> 0 calls 1/1 own 0.125 cum 0.5
edge 3 -> 0 calls 1/1 own 0.125 cum 0.5
edge 3 -> 1 calls 1/1 own 0.25 cum 0.25
`
	for name, in := range map[string][]byte{"shared": shared, "fresh": fresh} {
		p, err := PstatsData(in, name+".pstats")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := p.String(); got != want {
			t.Errorf("%s keys read (-want +got):\n%s", name, textdiff.Unified(want, got))
		}
	}
}

// TestPstatsStreamed checks that reading the rows while the dump is
// decoded gives what reading it whole gives, that every dump at hand is
// read in that one pass, and that the dumps it cannot read that way are
// left to the whole read: PstatsData returns what the whole read returns.
func TestPstatsStreamed(t *testing.T) {
	for _, name := range pstatsDumps(t) {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		streamed, err := readPstats(data, name, true)
		if err != nil {
			t.Errorf("%s: not read in one pass: %v", name, err)
			continue
		}
		whole, err := readPstats(data, name, false)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got, want := streamed.String(), whole.String(); got != want {
			t.Errorf("%s streamed (-whole +streamed):\n%s", name, textdiff.Unified(want, got))
		}
	}

	// Ref slots: 0 f's key, 1 main's key; main's row comes after f's
	// callers named it.
	callerFirst := mDict(
		flagged(mKey("a.py", 5, "f")), mStats(2, 2, 0.25, 1, mDict(flagged(mKey("a.py", 1, "main")), mEdge(2, 2, 0.25, 1))),
		m('r', 1), mStats(1, 1, 0.75, 1, mDict()),
	)
	freshFirst := mDict(
		mKey("a.py", 5, "f"), mStats(2, 2, 0.25, 1, mDict(mKey("a.py", 1, "main"), mEdge(2, 2, 0.25, 1))),
		mKey("a.py", 1, "main"), mStats(1, 1, 0.75, 1, mDict()),
	)
	const callerFirstWant = `format pstats dialect cprofile unit seconds total 1
func 0 a.py:5(f) calls 2/2 own 0.25 cum 1
func 1 a.py:1(main) calls 1/1 own 0.75 cum 1
edge 1 -> 0 calls 2/2 own 0.25 cum 1
`
	// Ref slot 0 is f's caller tuple, whose items the first pass drops
	// once f's row is read; g's callers refer to it after another tuple
	// took the arena cells its items had.
	droppedRef := mDict(
		mKey("a.py", 5, "f"), mStats(1, 1, 0.25, 1, mDict(mKey("a.py", 1, "main"), flagged(mEdge(1, 1, 0.25, 1)))),
		mKey("a.py", 7, "g"), mStats(8, 8, 0.25, 1, mDict(
			mKey("a.py", 9, "h"), mEdge(7, 7, 0.5, 0.5),
			mKey("a.py", 1, "main"), m('r', 0))),
		mKey("a.py", 1, "main"), mStats(1, 1, 0, 2, mDict()),
	)
	const droppedRefWant = `format pstats dialect cprofile unit seconds total 0.5
note 1 callers have no stats of their own; they are listed with no calls and no time
func 0 a.py:5(f) calls 1/1 own 0.25 cum 1
func 1 a.py:7(g) calls 8/8 own 0.25 cum 1
func 2 a.py:9(h) calls 0/0 own 0 cum 0
func 3 a.py:1(main) calls 1/1 own 0 cum 2
edge 2 -> 1 calls 7/7 own 0.5 cum 0.5
edge 3 -> 0 calls 1/1 own 0.25 cum 1
edge 3 -> 1 calls 1/1 own 0.25 cum 1
`
	sampled := mDict(
		mKey("a.py", 3, "f"), mTuple(mInt(0), mInt(0), mFloat(0.5), mFloat(0.5), mDict()),
		mTuple(mStr("__sampled__")), m('T'),
	)
	for _, tc := range []struct {
		name    string
		in      []byte
		streams bool
		want    string // "" for an error
	}{
		{"caller met before its row, shared key", callerFirst, true, callerFirstWant},
		{"caller met before its row, fresh key", freshFirst, true, callerFirstWant},
		{"reference to a dropped tuple", droppedRef, false, droppedRefWant},
		{"sampled", sampled, false, "format pstats dialect sampled"},
		{"duplicate function", mDict(mKey("a.py", 1, "f"), mStats(1, 1, 0, 0, mDict()), mKey("a.py", 1, "f"), mStats(1, 1, 0, 0, mDict())), false, ""},
		// quick reads the slots that callers' references name once the
		// callers dict is read: these slots did not hold a key tuple
		// when named, the first, slot 0, not even existing yet.
		{"caller key naming a slot taken after", mDict(
			mSmallKey("a.py", 1, "main"), mSmallStats(1, 1, 0, 0, mDict(
				m('r', 0), mSmallEdge(1, 1, 0, 0),
				flagged(mSmallKey("a.py", 2, "g")), mSmallEdge(1, 1, 0, 0)))), false, ""},
		{"caller key naming a slot never taken", mDict(
			mSmallKey("a.py", 1, "main"), mSmallStats(1, 1, 0, 0, mDict(m('r', 7), mSmallEdge(1, 1, 0, 0)))), false, ""},
		{"caller key naming its callers dict", mDict(
			mSmallKey("a.py", 1, "main"), mSmallStats(1, 1, 0, 0, flagged(mDict(m('r', 0), mSmallEdge(1, 1, 0, 0))))), false, ""},
		{"caller key naming a float", mDict(
			mSmallKey("a.py", 1, "main"), mSmall(mInt(1), mInt(1), flagged(mFloat(0.5)), mFloat(1), mDict(m('r', 0), mSmallEdge(1, 1, 0, 0)))), false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := readPstats(tc.in, "a.pstats", true); (err == nil) != tc.streams {
				t.Errorf("read in one pass: %v, want %v (%v)", err == nil, tc.streams, err)
			}
			p, err := PstatsData(tc.in, "a.pstats")
			whole, wholeErr := readPstats(tc.in, "a.pstats", false)
			if tc.want == "" {
				if err == nil || wholeErr == nil || err.Error() != wholeErr.Error() {
					t.Errorf("got error %v, want the whole read's %v", err, wholeErr)
				}
				return
			}
			if err != nil || wholeErr != nil {
				t.Fatalf("%v; whole read: %v", err, wholeErr)
			}
			if got := p.String(); got != whole.String() || !strings.HasPrefix(got, tc.want) {
				t.Errorf("got\n%s\nwant the whole read's\n%s\nstarting %q", got, whole, tc.want)
			}
		})
	}
}

// TestPstatsTruncated cuts a real dump at every length: each prefix must
// fail with an error that names the file, never panic.
func TestPstatsTruncated(t *testing.T) {
	data, err := os.ReadFile("../testdata/pstats/recursive-3.11.pstats")
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(data) {
		_, err := PstatsData(data[:n], "cut.pstats")
		if err == nil || !strings.HasPrefix(err.Error(), "cut.pstats: byte ") {
			t.Fatalf("prefix of %d bytes: error %v, want one naming cut.pstats at a byte", n, err)
		}
	}
}

// TestPstatsRandom feeds random bytes behind a dict's type code: each
// input must fail cleanly (random bytes never make a valid stats dict).
func TestPstatsRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		in := make([]byte, 1+r.IntN(200))
		for j := range in {
			in[j] = byte(r.Uint32())
		}
		in[0] = '{'
		if _, err := PstatsData(in, "random.pstats"); err == nil || !strings.HasPrefix(err.Error(), "random.pstats: ") {
			t.Fatalf("input %d (% x): error %v, want one naming random.pstats", i, in, err)
		}
	}
}

// TestPstatsDialectsBuilt reads dialects no program on this machine can
// write, built here in the shape their writers produce: Python 3.15's
// sampling profiler (Lib/profiling/sampling/pstats_collector.py: one row
// per executing line, int callers, a ("__sampled__",) marker), Python
// 2.5's pstats.add of two dumps (8-tuple callers) and pyinstrument's
// pstats renderer (every count -1, times from int 0).
// Times are binary fractions so that the expected sums are exact.
func TestPstatsDialectsBuilt(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{
			"sampled",
			mDict(
				mKey("a.py", 12, "f"), mTuple(mInt(2), mInt(3), mFloat(0.5), mFloat(0.75), mDict(mKey("a.py", 30, "main"), mInt(3))),
				mKey("a.py", 14, "f"), mTuple(mInt(1), mInt(1), mFloat(0.25), mFloat(0.25), mDict(mKey("a.py", 31, "main"), mInt(1))),
				mKey("a.py", 30, "main"), mTuple(mInt(0), mInt(3), mFloat(0), mFloat(0.75), mDict()),
				mKey("a.py", 31, "main"), mTuple(mInt(0), mInt(1), mFloat(0), mFloat(0.25), mDict()),
				mTuple(mStr("__sampled__")), m('T'),
			),
			`format pstats dialect sampled unit seconds total 0.75
note sampled by Python's statistical profiler: times are samples times the sampling interval, calls are unknown, edge times are each caller's share of samples, and rows for the lines of one function are merged
func 0 a.py:12(f) calls -1/-1 own 0.75 cum 1
func 1 a.py:30(main) calls -1/-1 own 0 cum 1
edge 1 -> 0 calls -1/-1 own 0.75 cum 1 estimated
`,
		},
		{
			"merged by Python 2.5 from two dumps",
			mDict(
				mKey("a.py", 3, "f"), mTuple(mInt(6), mInt(6), mFloat(0.5), mFloat(1), mDict(mKey("a.py", 1, "main"), m('(', 8, mInt(2), mInt(2), mFloat(0.25), mFloat(0.5), mInt(4), mInt(4), mFloat(0.25), mFloat(0.5)))),
				mKey("a.py", 1, "main"), mStats(2, 2, 0, 1, mDict()),
			),
			`format pstats dialect merged unit seconds total 0.5
note caller stats of merged dumps were concatenated by Python 2.5's pstats.add; they are summed
func 0 a.py:3(f) calls 6/6 own 0.5 cum 1
func 1 a.py:1(main) calls 2/2 own 0 cum 1
edge 1 -> 0 calls 6/6 own 0.5 cum 1
`,
		},
		{
			"pyinstrument",
			mDict(
				mKey("a.py", 3, "f"), mTuple(mInt(-1), mInt(-1), mFloat(0.5), mFloat(0.5), mDict(mKey("a.py", 1, "main"), mTuple(mInt(-1), mInt(-1), mFloat(0.5), mFloat(0.5)))),
				mKey("a.py", 1, "main"), mTuple(mInt(-1), mInt(-1), mInt(0), mFloat(0.5), mDict()),
			),
			`format pstats dialect pyinstrument unit seconds total 0.5
note call counts are unknown (-1): pyinstrument exports times only
func 0 a.py:3(f) calls -1/-1 own 0.5 cum 0.5
func 1 a.py:1(main) calls -1/-1 own 0 cum 0.5
edge 1 -> 0 calls -1/-1 own 0.5 cum 0.5
`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := PstatsData(tc.in, tc.name+".pstats")
			if err != nil {
				t.Fatal(err)
			}
			if got := p.String(); got != tc.want {
				t.Errorf("read (-want +got):\n%s", textdiff.Unified(tc.want, got))
			}
		})
	}
}

// TestPstatsPython2External checks the external Python 2 dumps without
// Python 2: the facts below are what python2.7's pstats reports for each
// (functions, edges, total_tt, total_calls, prim_calls), read once by hand
// with pyenv's 2.7.18; TestPstatsOracle compares every number when a
// python2.7 is installed.
func TestPstatsPython2External(t *testing.T) {
	for _, tc := range []struct {
		file                  string
		dialect               string
		funcs, edges          int
		total                 float64
		totalCalls, primCalls int64
	}{
		{"py25_cProfile.pstats", "python2", 28, 32, 3.8692870000000004, 1100070, 1100070},
		{"py25_profile.pstats", "profile", 30, 35, 12.345107000000015, 1100071, 1100071},
		{"sample.prof2", "python2", 8, 12, 3.3335820000000003, 1204, 1204},
		{"sample2.prof2", "python2", 6, 6, 1.1033999999999997, 25, 16},
	} {
		t.Run(tc.file, func(t *testing.T) {
			p, err := File(filepath.Join(externalDir, tc.file), Options{})
			if errors.Is(err, os.ErrNotExist) {
				t.Skipf("%s is not here", externalDir)
			}
			if err != nil {
				t.Fatal(err)
			}
			var calls, prim int64
			for _, f := range p.Funcs {
				calls, prim = calls+f.Calls, prim+f.Primitive
			}
			// Python 2 summed total_tt in hash order, so allow rounding.
			if p.Dialect != tc.dialect || len(p.Funcs) != tc.funcs || len(p.Edges) != tc.edges ||
				math.Abs(p.Total-tc.total) > 1e-12*tc.total || calls != tc.totalCalls || prim != tc.primCalls {
				t.Errorf("dialect %s, %d functions, %d edges, total %v, calls %d/%d; python2.7 pstats: %s, %d, %d, %v, %d/%d",
					p.Dialect, len(p.Funcs), len(p.Edges), p.Total, calls, prim,
					tc.dialect, tc.funcs, tc.edges, tc.total, tc.totalCalls, tc.primCalls)
			}
		})
	}
}

// TestPstatsSniffed checks that marshalled containers other than a dict
// reach the pstats reader, which names what they are, rather than the
// pprof reader's "unknown profile format".
func TestPstatsSniffed(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		msg  string
	}{
		{"list", m('[', 1, mInt(1)), "bad.prof: byte 0x0: marshalled list of 1, want the pstats dict of functions"},
		{"flagged tuple", flagged(m(')', byte(0))), "bad.prof: byte 0x0: marshalled tuple of 0, want the pstats dict of functions"},
		{"tuple", mTuple(mInt(1)), "bad.prof: byte 0x0: marshalled tuple of 1, want the pstats dict of functions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Data(tc.in, "bad.prof", Options{})
			if err == nil || err.Error() != tc.msg {
				t.Errorf("error %v, want %s", err, tc.msg)
			}
		})
	}
}

// TestCyclic checks which functions the threads note treats as able to
// recurse: those on a call cycle, through themselves or others.
func TestCyclic(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edges [][2]int // caller, callee among functions 0..4
		want  string   // '1' for each function on a cycle
	}{
		{"chain", [][2]int{{0, 1}, {1, 2}, {2, 3}}, "00000"},
		{"self call", [][2]int{{0, 1}, {1, 1}}, "01000"},
		{"mutual recursion", [][2]int{{0, 1}, {1, 2}, {2, 1}, {2, 3}}, "01100"},
		{"long loop and a tail", [][2]int{{0, 1}, {1, 2}, {2, 3}, {3, 0}, {3, 4}}, "11110"},
		{"two loops joined", [][2]int{{0, 1}, {1, 0}, {1, 2}, {2, 3}, {3, 2}}, "11110"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &Profile{}
			for i := range 5 {
				p.Funcs = append(p.Funcs, &Func{File: "a.py", Line: i, Name: "f" + strconv.Itoa(i)})
			}
			for _, e := range tc.edges {
				p.Edges = append(p.Edges, &Edge{Caller: p.Funcs[e[0]], Callee: p.Funcs[e[1]]})
			}
			if err := p.Normalize(); err != nil {
				t.Fatal(err)
			}
			var got strings.Builder
			for v := range p.Funcs {
				got.WriteByte(map[bool]byte{false: '0', true: '1'}[cyclic(p, v)])
			}
			if got.String() != tc.want {
				t.Errorf("on a cycle: %s, want %s", got.String(), tc.want)
			}
		})
	}
}

// TestNotAProfile checks that a marshalled object of the wrong kind at the
// top level is named, whether or not its first byte could start a text
// profile.
func TestNotAProfile(t *testing.T) {
	// marshal.dumps(compile("x=1", "f.py", "exec")) on CPython 3.11.
	code, err := hex.DecodeString("630000000000000000000000000100000000000000f30a000000970064005a00640153002902e9010000004e2901da0178a900f300000000fa04662e7079fa083c6d6f64756c653e720600000001000000730e000000f003010101d802038001800180017204000000")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		in   []byte
		msg  string
	}{
		{"frozenset", m('>', 1, mInt(1)), "bad.prof: a marshalled frozenset, not a profile: unknown profile format"},
		{"flagged set", flagged(m('<', 0)), "bad.prof: a marshalled set, not a profile: unknown profile format"},
		{"code object", code, "bad.prof: a marshalled code object, not a profile: unknown profile format"},
		{"flagged code object", flagged(m('c')), "bad.prof: a marshalled code object, not a profile: unknown profile format"},
		{"int", mInt(7), "bad.prof: a marshalled int, not a profile: unknown profile format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Data(tc.in, "bad.prof", Options{})
			if err == nil || err.Error() != tc.msg {
				t.Errorf("error %v, want %s", err, tc.msg)
			}
		})
	}
}

// mLong encodes n as a marshal TYPE_LONG, base 2**15 digits.
func mLong(n *big.Int) []byte {
	var digits []byte
	x := new(big.Int).Set(n)
	mask := big.NewInt(1<<15 - 1)
	count := 0
	for x.Sign() > 0 {
		d := new(big.Int).And(x, mask).Uint64()
		digits = binary.LittleEndian.AppendUint16(digits, uint16(d))
		x.Rsh(x, 15)
		count++
	}
	return m('l', count, digits)
}

// TestPstatsCountsDoNotWrap checks the sums of call counts the reader and
// a report make: Python's ints are unbounded, so a dump may hold counts
// whose sum, or which themselves, exceed an int64. Each is refused with
// one line rather than wrapped into a negative or wrong figure.
func TestPstatsCountsDoNotWrap(t *testing.T) {
	maxInt := big.NewInt(math.MaxInt64)
	most := mLong(maxInt)
	row := func(nc []byte, callers []byte) []byte {
		return mTuple(most, nc, mFloat(1), mFloat(1), callers)
	}
	half := mLong(new(big.Int).Rsh(maxInt, 1))
	merged := mTuple(half, half, mFloat(0), mFloat(0), half, half, mFloat(0), mFloat(0), mInt(2), mInt(2), mFloat(0), mFloat(0))
	for _, tc := range []struct {
		name string
		in   []byte
		msg  string
	}{
		{"three functions of 2^63-1 calls", mDict(mKey("a.py", 1, "f"), row(most, mDict()), mKey("a.py", 2, "g"), row(most, mDict()), mKey("a.py", 3, "h"), row(most, mDict())),
			"big.prof: call counts add up to more than 9223372036854775807, the most loopdoctor can count"},
		{"merged caller tuples", mDict(mKey("a.py", 1, "f"), row(most, mDict(mKey("a.py", 2, "g"), merged))),
			"big.prof: call counts add up to more than 9223372036854775807, the most loopdoctor can count"},
		{"a count of 2^64", mDict(mKey("a.py", 1, "f"), row(mLong(new(big.Int).Lsh(big.NewInt(1), 64)), mDict())),
			"big.prof: byte 0x2e: call count of a.py:1(f) is int 1.8446744073709552e+19, more than the 9223372036854775807 loopdoctor can count"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Data(tc.in, "big.prof", Options{})
			if err == nil || err.Error() != tc.msg {
				t.Errorf("error %v\nwant %s", err, tc.msg)
			}
		})
	}
	// One function of 2^63-1 calls is exact, and so is the report's total.
	p, err := Data(mDict(mKey("a.py", 1, "f"), row(most, mDict())), "big.prof", Options{})
	if err != nil || p.Funcs[0].Calls != math.MaxInt64 {
		t.Fatalf("one function of 2^63-1 calls: %v", err)
	}
	// Merging two such dumps would wrap.
	if _, err := Merge([]*Profile{p, p}); err == nil || !strings.Contains(err.Error(), "call counts add up to more than 9223372036854775807") {
		t.Errorf("merge: %v", err)
	}
}
