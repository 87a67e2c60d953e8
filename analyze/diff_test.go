package analyze

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/parse"
)

const (
	diffBefore = "../testdata/diff/before.pstats"
	diffAfter  = "../testdata/diff/after.pstats"
)

// diffOracle pairs the functions of two pstats dumps with Python's pstats
// by the rule Compare documents and prints each pair's deltas.
const diffOracle = `
import json, pstats, sys
from collections import defaultdict
a = pstats.Stats(sys.argv[1]).stats
b = pstats.Stats(sys.argv[2]).stats
pairs = [(k, k) for k in a if k in b]
lost_a, lost_b = defaultdict(list), defaultdict(list)
for k in sorted(k for k in a if k not in b):
    lost_a[(k[0], k[2])].append(k)
for k in sorted(k for k in b if k not in a):
    lost_b[(k[0], k[2])].append(k)
for fn, ks in lost_a.items():
    if len(ks) == len(lost_b.get(fn, [])):
        pairs += list(zip(ks, lost_b.pop(fn)))
    else:
        pairs += [(k, None) for k in ks]
for ks in lost_b.values():
    pairs += [(None, k) for k in ks]
zero = (0, 0, 0.0, 0.0)
out = []
for ka, kb in pairs:
    sa, sb = a[ka] if ka else zero, b[kb] if kb else zero
    k = kb or ka
    out.append({"key": "%s:%d(%s)/%s" % (k[0], ka[1] if ka else -1, k[2], kb[1] if kb else -1),
                "d": [sb[1] - sa[1], sb[2] - sa[2], sb[3] - sa[3]]})
print(json.dumps(out))
`

func readDump(t *testing.T, name string) *parse.Profile {
	t.Helper()
	p, err := parse.File(name, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCompareOracle checks every pair and every delta of calls, own and
// cumulative time against Python's pstats, and the order of the list.
func TestCompareOracle(t *testing.T) {
	if testing.Short() {
		t.Skip("compares with Python's pstats; skipped with -short")
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	raw, err := exec.Command(python, "-c", diffOracle, diffBefore, diffAfter).Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var want []struct {
		Key string
		D   [3]float64
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	d, err := Compare(readDump(t, diffBefore), readDump(t, diffAfter), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][3]float64{}
	for i, fd := range d.Functions {
		f, baseLine, newLine := fd.Func(), -1, -1
		if fd.Base != nil {
			baseLine = fd.Base.Line
		}
		if fd.New != nil {
			newLine = fd.New.Line
		}
		if fd.Moved != (fd.Base != nil && fd.New != nil && baseLine != newLine) {
			t.Errorf("%s: moved %v with lines %d and %d", f, fd.Moved, baseLine, newLine)
		}
		got[fmt.Sprintf("%s:%d(%s)/%d", f.File, baseLine, f.Name, newLine)] = [3]float64{float64(fd.Calls), fd.Own, fd.Cum}
		if i > 0 && abs64(d.Functions[i-1].Cum) < abs64(fd.Cum) {
			t.Errorf("functions not sorted by change in cum at %d", i)
		}
	}
	if len(got) != len(want) || len(d.Functions) != len(want) {
		t.Errorf("%d pairs, pstats pairs %d", len(d.Functions), len(want))
	}
	for _, w := range want {
		if g, ok := got[w.Key]; !ok {
			t.Errorf("%s: not paired as pstats pairs it", w.Key)
		} else if g != w.D {
			t.Errorf("%s: Δ calls, own, cum %v, pstats %v", w.Key, g, w.D)
		}
	}
}

func abs64(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// TestCompareFix checks what the fix in testdata/diff changed: yacc runs
// 3 times instead of 90, get_values moved and still runs 90 times, and the
// repeated-setup finding disappears.
func TestCompareFix(t *testing.T) {
	d, err := Compare(readDump(t, diffBefore), readDump(t, diffAfter), Options{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]FuncDiff{}
	for _, fd := range d.Functions {
		byName[fd.Func().Name] = fd
	}
	tests := []struct {
		name                string
		baseCalls, newCalls int64
		moved               bool
	}{
		{"yacc", 90, 3, false},
		{"lr_parse_table", 90, 3, false},
		{"get_values", 90, 90, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fd := byName[tt.name]
			if fd.Base == nil || fd.New == nil {
				t.Fatalf("%s not in both runs", tt.name)
			}
			if fd.Base.Calls != tt.baseCalls || fd.New.Calls != tt.newCalls || fd.Calls != tt.newCalls-tt.baseCalls || fd.Moved != tt.moved {
				t.Errorf("calls %d → %d (Δ %d), moved %v; want %d → %d, moved %v",
					fd.Base.Calls, fd.New.Calls, fd.Calls, fd.Moved, tt.baseCalls, tt.newCalls, tt.moved)
			}
			if fd.BaseCumShare != fd.Base.Cum/d.Base.Profile.Total || fd.NewCumShare != fd.New.Cum/d.New.Profile.Total {
				t.Errorf("cum shares %v, %v", fd.BaseCumShare, fd.NewCumShare)
			}
		})
	}
	if len(d.Base.Findings) == 0 {
		t.Skip("the setup detector finds nothing in before.pstats")
	}
	if len(d.Findings) != len(d.Base.Findings) || d.Findings[0].Change != Disappeared || d.Findings[0].Base.Func.Name != "yacc" {
		t.Errorf("findings %+v; want the yacc finding to disappear and nothing else", d.Findings)
	}
	reverse, err := Compare(readDump(t, diffAfter), readDump(t, diffBefore), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(reverse.Findings) != 1 || reverse.Findings[0].Change != Appeared {
		t.Errorf("reversed diff: findings %+v; want the yacc finding to appear", reverse.Findings)
	}
	same, err := Compare(readDump(t, diffBefore), readDump(t, diffBefore), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range same.Functions {
		if fd.Cum != 0 || fd.Own != 0 || fd.Calls != 0 || fd.Moved {
			t.Errorf("%s changed against itself", fd.Func())
		}
	}
	if len(same.Findings) != 1 || same.Findings[0].Change != Changed {
		t.Errorf("a dump against itself: findings %+v", same.Findings)
	}
}

func TestCompareUnits(t *testing.T) {
	_, err := Compare(readDump(t, diffBefore), readDump(t, "../testdata/pprof/heap/heap.pb.gz"), Options{})
	if err == nil || !strings.Contains(err.Error(), "cannot compare ../testdata/diff/before.pstats (seconds) with ../testdata/pprof/heap/heap.pb.gz (inuse_space in bytes)") {
		t.Errorf("error %v", err)
	}
}

// TestComparePprof checks the pprof rules: functions match by name and
// file whatever their start line, and without call counts the calls delta
// stays 0.
func TestComparePprof(t *testing.T) {
	build := func(line int, own float64) *parse.Profile {
		p := &parse.Profile{Source: "p", Format: parse.Pprof, Unit: "seconds", SampleType: "cpu", Total: 1}
		main := &parse.Func{Name: "main.main", File: "main.go", Line: 3, Calls: -1, Primitive: -1, Cum: 1, Own: 1 - own}
		work := &parse.Func{Name: "main.work", File: "main.go", Line: line, Calls: -1, Primitive: -1, Cum: own, Own: own}
		p.Funcs = []*parse.Func{main, work}
		p.Edges = []*parse.Edge{{Caller: main, Callee: work, Calls: -1, Primitive: -1, Cum: own}}
		p.Stacks = []parse.Stack{{Funcs: []int{0}, Value: 1 - own}, {Funcs: []int{0, 1}, Value: own}}
		if err := p.Normalize(); err != nil {
			t.Fatal(err)
		}
		return p
	}
	d, err := Compare(build(10, 0.75), build(14, 0.25), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Functions) != 2 {
		t.Fatalf("%d functions, want main.main and main.work paired", len(d.Functions))
	}
	for _, fd := range d.Functions {
		if fd.Base == nil || fd.New == nil || fd.Moved || fd.Calls != 0 {
			t.Errorf("%s: base %v new %v moved %v Δcalls %d", fd.Func(), fd.Base, fd.New, fd.Moved, fd.Calls)
		}
	}
	if w := d.Functions[0]; w.Func().Name != "main.work" || w.Cum != -0.5 || w.Own != -0.5 || w.NewCumShare != 0.25 {
		t.Errorf("largest change %s Δcum %v Δown %v share %v, want main.work -0.5 -0.5 0.25", w.Func(), w.Cum, w.Own, w.NewCumShare)
	}
}
