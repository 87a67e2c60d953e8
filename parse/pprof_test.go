package parse

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/loopdoctor/loopdoctor/internal/synth"
)

// Profiles written by the Go programs in testdata/pprof (see its README).
var pprofTestdata = []struct {
	file        string
	sampleTypes []string // checked against go tool pprof; "" is the default
}{
	{"cpu/cpu.pb.gz", []string{"", "samples"}},
	{"heap/heap.pb.gz", []string{"", "alloc_objects", "alloc_space", "inuse_objects"}},
	// go tool pprof takes seconds on this one, so only the default type.
	{"allocs/allocs.pb.gz", []string{""}},
}

func pprofPath(name string) string { return filepath.Join("..", "testdata", "pprof", name) }

// TestPprofAgainstGoTool compares every function's own and cumulative value,
// and the total, with go tool pprof -top, which aggregates by function name.
func TestPprofAgainstGoTool(t *testing.T) {
	for _, tc := range pprofTestdata {
		for _, st := range tc.sampleTypes {
			t.Run(tc.file+"/"+cmp.Or(st, "default"), func(t *testing.T) {
				if testing.Short() && strings.HasPrefix(tc.file, "allocs") {
					t.Skip("go tool pprof takes seconds on the large profile")
				}
				p, err := File(pprofPath(tc.file), Options{SampleType: st})
				if err != nil {
					t.Fatal(err)
				}
				if st != "" && p.SampleType != st {
					t.Fatalf("sample type %q, want %q", p.SampleType, st)
				}
				top := goToolTop(t, pprofPath(tc.file), st, p.Unit)
				if top.sampleType != p.SampleType {
					t.Errorf("sample type %q, go tool pprof shows %q", p.SampleType, top.sampleType)
				}
				if !top.total.equal(p.Total) {
					t.Errorf("total %v, go tool pprof says %s", p.Total, top.total)
				}
				own, cum := byName(p)
				for name, v := range top.funcs {
					if !v.flat.equal(own[name]) || !v.cum.equal(cum[name]) {
						t.Errorf("%s: own %v cum %v, go tool pprof says flat %s cum %s", name, own[name], cum[name], v.flat, v.cum)
					}
				}
				for name := range cum {
					if _, ok := top.funcs[name]; !ok {
						t.Errorf("%s: own %v cum %v, missing from go tool pprof", name, own[name], cum[name])
					}
				}
				checkEdges(t, p)
				if len(top.funcs) < 5 {
					t.Errorf("go tool pprof listed only %d functions; is the output format understood?", len(top.funcs))
				}
			})
		}
	}
}

// byName sums the model by function name, as pprof's default granularity
// does. Cum comes from the stacks, counting each stack once per name; for
// names with one function it must equal that function's Cum.
func byName(p *Profile) (own, cum map[string]float64) {
	own, cum = map[string]float64{}, map[string]float64{}
	funcs := map[string]int{}
	for _, f := range p.Funcs {
		own[f.Name] += f.Own
		funcs[f.Name]++
	}
	for _, s := range p.Stacks {
		seen := map[string]bool{}
		for _, id := range s.Funcs {
			if name := p.Funcs[id].Name; !seen[name] {
				seen[name] = true
				cum[name] += s.Value
			}
		}
	}
	for _, f := range p.Funcs {
		if funcs[f.Name] == 1 && !nearlyEqual(f.Cum, cum[f.Name]) {
			cum[f.Name] = math.NaN() // make the comparison fail: Func.Cum disagrees with its stacks
		}
	}
	return own, cum
}

// checkEdges recomputes every edge from the stacks, counting each stack
// once per caller→callee pair, and compares with p.Edges: the reader's
// sums take shortcuts (per-caller caches, sorted stacks) this does not.
func checkEdges(t *testing.T, p *Profile) {
	t.Helper()
	type pair struct{ caller, callee int }
	own, cum := map[pair]float64{}, map[pair]float64{}
	for _, s := range p.Stacks {
		seen := map[pair]bool{}
		for i := 1; i < len(s.Funcs); i++ {
			e := pair{s.Funcs[i-1], s.Funcs[i]}
			if !seen[e] {
				seen[e] = true
				cum[e] += s.Value
			}
		}
		if n := len(s.Funcs); n > 1 {
			own[pair{s.Funcs[n-2], s.Funcs[n-1]}] += s.Value
		}
	}
	if len(p.Edges) != len(cum) {
		t.Errorf("%d edges, the stacks have %d", len(p.Edges), len(cum))
	}
	for _, e := range p.Edges {
		k := pair{e.Caller.ID, e.Callee.ID}
		if !nearlyEqual(e.Cum, cum[k]) || !nearlyEqual(e.Own, own[k]) {
			t.Errorf("edge %s -> %s: own %v cum %v, the stacks give %v and %v", e.Caller, e.Callee, e.Own, e.Cum, own[k], cum[k])
		}
	}
}

func nearlyEqual(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) }

// TestPprofExternal reads pprof's own test profiles (legacy C++, Go and
// Java formats, mostly unsymbolized) and compares totals with go tool pprof
// and edges with the stacks.
func TestPprofExternal(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "profiles", "external", "pprof")
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) == 0 {
		t.Skip("no external profiles in " + dir)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			p, err := File(file, Options{})
			if err != nil {
				t.Fatal(err)
			}
			top := goToolTop(t, file, "", p.Unit)
			if top.sampleType != p.SampleType {
				t.Errorf("sample type %q, go tool pprof shows %q", p.SampleType, top.sampleType)
			}
			if !top.total.equal(p.Total) {
				t.Errorf("total %v %s, go tool pprof says %s", p.Total, p.Unit, top.total)
			}
			checkEdges(t, p)
			if len(p.Funcs) == 0 || len(p.Stacks) == 0 {
				t.Errorf("%d functions and %d stacks", len(p.Funcs), len(p.Stacks))
			}
		})
	}
}

// quantity is a number printed by go tool pprof, converted to the model's
// unit, with the rounding its two printed decimals allow.
type quantity struct {
	v, tolerance float64
	text         string
}

func (q quantity) String() string { return q.text }

func (q quantity) equal(v float64) bool {
	return math.Abs(q.v-v) <= q.tolerance+1e-12*math.Abs(v)
}

// pprofLabelUnits are the unit suffixes go tool pprof prints, in the model's
// units (seconds, bytes, counts).
var pprofLabelUnits = map[string]float64{
	"": 1, "ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1, "mins": 60, "hrs": 3600,
	"B": 1, "kB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40, "PB": 1 << 50,
}

var pprofQuantity = regexp.MustCompile(`^(-?[0-9]+(?:\.[0-9]+)?)(e[+-]?[0-9]+)?([a-zA-Zµμ]*)$`)

func parseQuantity(t *testing.T, s string) quantity {
	t.Helper()
	m := pprofQuantity.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("go tool pprof printed %q, not a quantity", s)
	}
	scale, ok := pprofLabelUnits[m[3]]
	if !ok {
		t.Fatalf("go tool pprof printed unknown unit %q in %q", m[3], s)
	}
	v, err := strconv.ParseFloat(m[1]+m[2], 64)
	if err != nil {
		t.Fatal(err)
	}
	// Half of the last printed digit, in the printed unit.
	tol := 0.5
	if i := strings.IndexByte(m[1], '.'); i >= 0 {
		tol = 0.5 * math.Pow10(-(len(m[1]) - i - 1))
	}
	if m[2] != "" {
		exp, _ := strconv.Atoi(m[2][1:])
		tol *= math.Pow10(exp)
	}
	return quantity{v: v * scale, tolerance: tol * scale, text: s}
}

type topResult struct {
	sampleType string
	total      quantity
	funcs      map[string]struct{ flat, cum quantity }
}

var (
	pprofTotalLine   = regexp.MustCompile(`of (\S+) total`)
	pprofInlineLabel = regexp.MustCompile(` \((partial-)?inline\)$`)
)

// goToolTop runs go tool pprof -top on file for one sample type ("" for
// pprof's default), asking for nanoseconds or bytes so values print as
// exact integers, and parses it.
func goToolTop(t *testing.T, file, sampleType, unit string) topResult {
	t.Helper()
	if testing.Short() {
		t.Skip("compares with go tool pprof; skipped with -short")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool pprof is the oracle and go is not on PATH")
	}
	args := []string{"tool", "pprof", "-top", "-nodefraction=0", "-edgefraction=0", "-nodecount=100000", "-symbolize=none"}
	if sampleType != "" {
		args = append(args, "-sample_index="+sampleType)
	}
	switch unit {
	case "seconds":
		args = append(args, "-unit=ns")
	case "bytes":
		args = append(args, "-unit=B")
	}
	out, err := exec.Command(goCmd, append(args, file)...).Output()
	if err != nil {
		t.Fatalf("go %s: %v", strings.Join(args, " "), err)
	}
	res := topResult{funcs: map[string]struct{ flat, cum quantity }{}}
	lines := strings.Split(string(out), "\n")
	body := false
	for _, line := range lines {
		if typ, ok := strings.CutPrefix(line, "Type: "); ok {
			res.sampleType = typ
		}
		if m := pprofTotalLine.FindStringSubmatch(line); m != nil {
			res.total = parseQuantity(t, m[1])
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), "flat ") {
			body = true
			continue
		}
		if !body {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 6 {
			t.Fatalf("go tool pprof line %q has too few fields", line)
		}
		name := pprofInlineLabel.ReplaceAllString(strings.Join(f[5:], " "), "")
		if _, dup := res.funcs[name]; dup {
			t.Fatalf("go tool pprof lists %s twice", name)
		}
		res.funcs[name] = struct{ flat, cum quantity }{parseQuantity(t, f[0]), parseQuantity(t, f[3])}
	}
	if res.total.text == "" {
		t.Fatalf("no total in go tool pprof output:\n%s", out)
	}
	return res
}

// TestPprofGolden pins the whole model of small profiles: the synthetic one
// covers inlining, recursion, unsymbolized frames, a duplicate function and
// empty samples; heap.pb.gz is a real Go heap profile.
func TestPprofGolden(t *testing.T) {
	heap, err := os.ReadFile(pprofPath("heap/heap.pb.gz"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		opts Options
	}{
		{"pprof_synthetic.golden", syntheticPprof(t), Options{}},
		{"pprof_synthetic.golden", ungzip(t, syntheticPprof(t)), Options{}}, // plain protobuf, same model
		{"pprof_synthetic_count.golden", syntheticPprof(t), Options{SampleType: "samples"}},
		{"pprof_heap.golden", heap, Options{}},
		{"pprof_zero.golden", oneFunctionPprof(t, "f", "f.go", 0), Options{}},
		{"pprof_legacy_heap.golden", []byte(legacyHeap), Options{SampleType: "alloc_space"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Data(tc.data, "x.pb.gz", tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name, p.String())
		})
	}
}

// legacyHeap is a Go heap profile in the legacy text format (debug=1):
// addresses only, sampled every 512 KiB, so the library scales the values
// up to estimates of all allocations.
const legacyHeap = `heap profile: 3: 3072 [10: 1048576] @ heap/524288
1: 1024 [5: 524288] @ 0x401000 0x402000 0x403000
2: 2048 [5: 524288] @ 0x401000 0x402000 0x402000
# runtime.MemStats
`

// syntheticPprof builds a small CPU profile by hand:
//
//   - main → work → helper, where helper is inlined into work (one
//     location with two lines);
//   - recursion rec → rec → rec, which must count once in cum and edges;
//   - a location in libfoo.so without symbols and one without a mapping;
//   - two pprof functions with the same name and file but different IDs,
//     which are one function in the model;
//   - a sample with no locations and a sample whose cpu value is zero.
func syntheticPprof(t testing.TB) []byte {
	t.Helper()
	mainM := &profile.Mapping{ID: 1, Start: 0x400000, Limit: 0x500000, File: "/bin/app", HasFunctions: true}
	libM := &profile.Mapping{ID: 2, Start: 0x7f0000, Limit: 0x800000, File: "/usr/lib/libfoo.so"}
	fn := func(id uint64, name string, start int64) *profile.Function {
		return &profile.Function{ID: id, Name: name, SystemName: name, Filename: "app.go", StartLine: start}
	}
	fMain, fWork, fHelper, fRec, fRec2 := fn(1, "main", 3), fn(2, "work", 10), fn(3, "helper", 20), fn(4, "rec", 30), fn(5, "rec", 30)
	loc := func(id uint64, m *profile.Mapping, addr uint64, fs ...*profile.Function) *profile.Location {
		l := &profile.Location{ID: id, Mapping: m, Address: addr}
		for _, f := range fs {
			l.Line = append(l.Line, profile.Line{Function: f, Line: f.StartLine + 1})
		}
		return l
	}
	lMain := loc(10, mainM, 0x401000, fMain)
	lWorkHelper := loc(11, mainM, 0x402000, fHelper, fWork) // helper inlined into work
	lRec := loc(12, mainM, 0x403000, fRec)
	lRec2 := loc(13, mainM, 0x403010, fRec2)
	lLib := loc(14, libM, 0x7f4a3f, nil...)
	lBare := loc(15, nil, 0xdead, nil...)
	p := &profile.Profile{
		SampleType:        []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		DefaultSampleType: "cpu",
		PeriodType:        &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:            10000000,
		Mapping:           []*profile.Mapping{mainM, libM},
		Function:          []*profile.Function{fMain, fWork, fHelper, fRec, fRec2},
		Location:          []*profile.Location{lMain, lWorkHelper, lRec, lRec2, lLib, lBare},
		Sample: []*profile.Sample{
			{Location: []*profile.Location{lWorkHelper, lMain}, Value: []int64{3, 30000000}},
			{Location: []*profile.Location{lMain}, Value: []int64{1, 10000000}},
			{Location: []*profile.Location{lRec, lRec2, lRec, lMain}, Value: []int64{2, 20000000}},
			{Location: []*profile.Location{lRec2, lMain}, Value: []int64{1, 10000000}},
			{Location: []*profile.Location{lLib, lWorkHelper, lMain}, Value: []int64{4, 40000000}},
			{Location: []*profile.Location{lBare}, Value: []int64{1, 10000000}},
			{Location: nil, Value: []int64{5, 50000000}},
			{Location: []*profile.Location{lRec, lMain}, Value: []int64{7, 0}},
		},
	}
	return encodePprof(t, p)
}

// TestPprofBadInput checks that broken input yields one clear error that
// names the file and the problem.
func TestPprofBadInput(t *testing.T) {
	good := syntheticPprof(t)
	plain := ungzip(t, good)
	tests := []struct {
		name    string
		data    []byte
		opts    Options
		want    string // substring of the message
		unknown bool   // wraps ErrUnknownFormat
	}{
		{"truncated gzip", good[:len(good)/2], Options{}, "corrupt gzip stream: unexpected EOF", false},
		{"gzip checksum", flipByte(good, len(good)-6), Options{}, "corrupt gzip stream: gzip: invalid checksum", false},
		{"gzip header", flipByte(good, 2), Options{}, "corrupt gzip header: gzip: invalid header", false},
		{"truncated protobuf", plain[:len(plain)/2+1], Options{}, "corrupt pprof protobuf", false},
		{"corrupted protobuf", corrupt(plain), Options{}, "corrupt pprof protobuf", false},
		{"garbage in gzip", gz(t, bytes.Repeat([]byte{0xff, 0x13, 0x37}, 1000)), Options{}, "corrupt pprof protobuf", false},
		{"text in gzip", gz(t, []byte("hello, world\n")), Options{}, "corrupt pprof protobuf", false},
		{"gzip in gzip", gz(t, good), Options{}, "gzip stream inside a gzip stream", false},
		{"gzip bomb", bomb(t), Options{}, "decompresses to more than 16 MiB", false},
		{"inlining amplification", amplified(t), Options{}, "samples expand to more than 67108864 frames", false},
		{"work limit", good, Options{MaxFrames: 3}, "samples expand to more than 3 frames (stack depth with inlined lines, summed over samples); if the profile is genuine, raise the limit (loopdoctor --max-frames)", false},
		{"negative value", oneFunctionPprof(t, "f", "f.go", -3), Options{}, "sample 0 has the negative value -3; difference profiles are not supported", false},
		{"unknown sample type", good, Options{SampleType: "alloc_space"}, `no sample type "alloc_space"; the profile has samples, cpu`, false},
		{"ELF binary", []byte("\x7fELF\x02\x01\x01\x00\x00\x00"), Options{}, `first bytes 7f 45 4c 46 02 01 01 00: unknown profile format`, true},
		{"text", []byte("just some words\n"), Options{}, `first bytes 6a 75 73 74 20 73 6f 6d "just som": unknown profile format`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Data(tc.data, "bad.pb.gz", tc.opts)
			if err == nil {
				t.Fatalf("no error; read %d functions", len(p.Funcs))
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "bad.pb.gz: ") || !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line starting with the file name and containing %q", msg, tc.want)
			}
			var perr *Error
			if !errors.As(err, &perr) {
				t.Errorf("error is a %T, want *Error", err)
			}
			if got := errors.Is(err, ErrUnknownFormat); got != tc.unknown {
				t.Errorf("errors.Is(err, ErrUnknownFormat) = %v, want %v", got, tc.unknown)
			}
		})
	}
}

// flipByte returns a copy of data with the bits of byte i inverted.
func flipByte(data []byte, i int) []byte {
	out := bytes.Clone(data)
	out[i] ^= 0xff
	return out
}

// encodePprof writes p as gzipped protobuf, as profilers do.
func encodePprof(t testing.TB, p *profile.Profile) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// oneFunctionPprof is a profile with one sample in one function.
func oneFunctionPprof(t testing.TB, name, file string, value int64) []byte {
	t.Helper()
	fn := &profile.Function{ID: 1, Name: name, Filename: file}
	loc := &profile.Location{ID: 1, Line: []profile.Line{{Function: fn}}}
	return encodePprof(t, &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}},
		Function:   []*profile.Function{fn},
		Location:   []*profile.Location{loc},
		Sample:     []*profile.Sample{{Location: []*profile.Location{loc}, Value: []int64{value}}},
	})
}

func ungzip(t testing.TB, data []byte) []byte {
	t.Helper()
	plain, err := gunzip(data, "test")
	if err != nil {
		t.Fatal(err)
	}
	return plain
}

func gz(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// corrupt flips bytes in the middle of a protobuf so a length or tag breaks.
func corrupt(data []byte) []byte {
	c := bytes.Clone(data)
	for i := len(c) / 3; i < len(c)/3+4; i++ {
		c[i] = 0xff
	}
	return c
}

// bomb returns a few hundred KB of gzip that inflate to 256 MiB of zeros.
func bomb(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for range 256 {
		if _, err := w.Write(zeros); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 1<<20 {
		t.Fatalf("bomb is %d bytes, want a few hundred KB", buf.Len())
	}
	return buf.Bytes()
}

// amplified returns a profile of some 100 KB whose one sample repeats a
// location of 1,000 inlined lines 100,000 times: 100 million frames.
func amplified(t *testing.T) []byte {
	t.Helper()
	fn := &profile.Function{ID: 1, Name: "f", Filename: "f.go"}
	loc := &profile.Location{ID: 1, Address: 0x1000}
	for range 1000 {
		loc.Line = append(loc.Line, profile.Line{Function: fn, Line: 1})
	}
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}},
		Function:   []*profile.Function{fn},
		Location:   []*profile.Location{loc},
		Sample:     []*profile.Sample{{Location: slices.Repeat([]*profile.Location{loc}, 100000), Value: []int64{1}}},
	}
	return encodePprof(t, p)
}

func BenchmarkPprofLarge(b *testing.B) {
	data, err := os.ReadFile(pprofPath("allocs/allocs.pb.gz"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Data(data, "allocs.pb.gz", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPprofUnit covers the unit spellings profilers write: pprof's own,
// austin2pprof's "μs" and "B", the micro sign, capitals and plurals.
func TestPprofUnit(t *testing.T) {
	tests := []struct {
		unit string
		raw  float64
		want string
		v    float64
	}{
		{"nanoseconds", 30000000, "seconds", 0.03},
		{"ns", 1500000000, "seconds", 1.5},
		{"microseconds", 250, "seconds", 0.00025},
		{"μs", 250, "seconds", 0.00025}, // Greek mu
		{"µs", 250, "seconds", 0.00025}, // micro sign
		{"Milliseconds", 20, "seconds", 0.02},
		{"seconds", 3, "seconds", 3},
		{"s", 3, "seconds", 3},
		{"bytes", 4096, "bytes", 4096},
		{"B", 4096, "bytes", 4096},
		{"kilobytes", 2, "bytes", 2048},
		{"MB", 3, "bytes", 3 << 20},
		{"count", 7, "count", 7},
		{"objects", 7, "count", 7},
		{"", 7, "count", 7},
	}
	for _, tc := range tests {
		t.Run(tc.unit, func(t *testing.T) {
			s := pprofUnit(tc.unit)
			if s.unit != tc.want || s.of(tc.raw) != tc.v {
				t.Errorf("%v %s = %v %s, want %v %s", tc.raw, tc.unit, s.of(tc.raw), s.unit, tc.v, tc.want)
			}
		})
	}
}

// TestSortStacks checks the sort of stacks against slices.Compare on
// random stacks: over a small alphabet, so prefixes and shared roots
// abound, and over IDs as wide as a 32-bit int allows (two to 64 IDs a
// key), so ties on whole keys go on to later rounds.
func TestSortStacks(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, funcs := range []int{1, 4, 1 << 15, 1<<20 + 3, 1<<31 - 1} {
		for _, n := range []int{0, 1, 5, 11, 12, 100, 5000} {
			if funcs == 1 && n > 100 {
				continue // one function: stacks differ only in length
			}
			t.Run(fmt.Sprintf("%d/%d", funcs, n), func(t *testing.T) {
				ids := []uint32{0, uint32(funcs - 1), uint32(funcs / 2), uint32(funcs / 3)} // four IDs, the extremes among them
				seen := map[string]bool{}
				var set stackSet
				var want [][]uint32
				for len(want) < n {
					s := make([]uint32, 1+rng.IntN(30))
					if funcs == 1 {
						s = make([]uint32, 1+rng.IntN(100))
					}
					for i := range s {
						s[i] = ids[rng.IntN(len(ids))]
					}
					if key := fmt.Sprint(s); !seen[key] { // stacks are interned: no duplicates
						seen[key] = true
						set.add(s)
						want = append(want, s)
					}
				}
				slices.SortFunc(want, slices.Compare)
				for i, j := range set.sorted(funcs) {
					if got := set.at(j); !slices.Equal(got, want[i]) {
						t.Fatalf("stack %d is %v, want %v", i, got, want[i])
					}
				}
			})
		}
	}
}

// TestPprofDialect checks the language guessed from function names and
// files.
func TestPprofDialect(t *testing.T) {
	tests := []struct{ name, file, want string }{
		{"runtime.main", "proc.go", "go"},
		{"main.work", "/src/app/main.go", "go"},
		{"com.example.App.run", "App.java", "java"},
		{"java.lang.Thread.run", "", "java"},
		{"handle", "/srv/app/views.py", "python"},
		{"base::Mutex::Lock", "", "cpp"},
		{"compute", "engine.cc", "cpp"},
		{"compute", "engine.rs", "pprof"},
	}
	for _, tc := range tests {
		t.Run(tc.want+"/"+tc.name, func(t *testing.T) {
			p, err := Data(oneFunctionPprof(t, tc.name, tc.file, 1), "x.pb", Options{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Dialect != tc.want {
				t.Errorf("dialect %q, want %q", p.Dialect, tc.want)
			}
		})
	}
}

// BenchmarkPprofSynthetic reads a generated CPU profile of 100,000 samples
// over 20,000 functions whose stacks are nearly all distinct, the case
// where interning stacks saves least (scripts/bench.sh times 300,000).
func BenchmarkPprofSynthetic(b *testing.B) {
	var buf bytes.Buffer
	if err := synth.Pprof(100_000, 20_000).Write(&buf); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Data(buf.Bytes(), "synthetic.pb.gz", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
