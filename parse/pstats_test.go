package parse

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
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
func runOracle(t *testing.T, python string, files []string) map[string]oracleDump {
	t.Helper()
	cmd := exec.Command(python, append([]string{"testdata/pstats_oracle.py"}, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s testdata/pstats_oracle.py: %v\n%s", python, err, stderr.Bytes())
	}
	dumps := map[string]oracleDump{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var d oracleDump
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("oracle output: %v", err)
		}
		dumps[d.File] = d
	}
	return dumps
}

// otherPythons returns working Pythons besides python3 that can serve as
// oracle for dumps python3 refuses: Python 2.7 for Python 2 dumps, and the
// Python that wrote a profile-module dump, whose code object only that
// version unmarshals. It looks on PATH and in pyenv, whose shims fail unless
// the version is active, so it asks pyenv for the real paths.
func otherPythons() []string {
	candidates := []string{"python2.7", "python2"}
	if root, err := exec.Command("pyenv", "root").Output(); err == nil {
		m, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(root)), "versions", "*", "bin", "python"))
		candidates = append(candidates, m...)
	}
	var found []string
	for _, c := range candidates {
		if exec.Command(c, "-c", "import pstats").Run() == nil {
			found = append(found, c)
		}
	}
	return found
}

// TestPstatsOracle checks every function's counts and times, and every
// edge's, against what Python's pstats reads from the same dump: python3
// for Python 3 dumps, python2.7 (when installed) for those python3 refuses.
func TestPstatsOracle(t *testing.T) {
	python3, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	files := pstatsDumps(t)
	oracle := runOracle(t, python3, files)
	var refused []string // dumps python3 cannot load
	for _, f := range files {
		if oracle[f].Error != "" {
			refused = append(refused, f)
		}
	}
	for _, python := range otherPythons() {
		var retry []string
		for _, f := range refused {
			if oracle[f].Error != "" {
				retry = append(retry, f)
			}
		}
		if len(retry) == 0 {
			break
		}
		for f, d := range runOracle(t, python, retry) {
			if d.Error == "" {
				oracle[f] = d
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
