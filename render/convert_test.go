package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

// convertInputs are the real profiles conversion round-trips.
var convertInputs = []string{
	"../testdata/webhook/webhook.pstats",
	"../testdata/diff/before.pstats",
	"../testdata/pstats/recursive-3.11.pstats",
	"../testdata/pstats/profile-3.11.pstats",
	"../testdata/pprof/cpu/cpu.pb.gz",
	"../testdata/pprof/heap/heap.pb.gz",
}

func readProfile(t *testing.T, name string) *parse.Profile {
	t.Helper()
	p, err := parse.File(name, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// samplesReport analyzes p for conversion, as the convert command does.
func samplesReport(p *parse.Profile) *analyze.Report {
	return analyze.Analyze(p, analyze.Options{Samples: true})
}

// ownByFunc sums the model's own values per (name, file) in the integer
// unit pprof files carry.
func ownByFunc(p *parse.Profile) map[[2]string]float64 {
	_, scale := pprofIntegerUnit(p.Unit)
	own := map[[2]string]float64{}
	for _, f := range p.Funcs {
		own[[2]string{f.Name, f.File}] += f.Own * scale
	}
	return own
}

// TestPprofRoundTrip writes each input as pprof and reads it back with
// github.com/google/pprof/profile and with this package's reader: the
// total and every function's own value must survive, to within the one
// unit rounding to integers can cost.
func TestPprofRoundTrip(t *testing.T) {
	for _, name := range convertInputs {
		t.Run(filepath.Base(name), func(t *testing.T) {
			p := readProfile(t, name)
			var b bytes.Buffer
			if err := Pprof(&b, samplesReport(p)); err != nil {
				t.Fatal(err)
			}
			pp, err := profile.Parse(bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatalf("profile.Parse: %v", err)
			}
			unit, scale := pprofIntegerUnit(p.Unit)
			if len(pp.SampleType) != 1 || pp.SampleType[0].Unit != unit {
				t.Errorf("sample types %v, want one in %s", pp.SampleType, unit)
			}
			flat := map[[2]string]int64{}
			var total int64
			for _, s := range pp.Sample {
				if s.Value[0] <= 0 {
					t.Errorf("sample value %d", s.Value[0])
				}
				fn := s.Location[0].Line[0].Function
				flat[[2]string{fn.Name, fn.Filename}] += s.Value[0]
				total += s.Value[0]
			}
			own := ownByFunc(p)
			if math.Abs(float64(total)-p.Total*scale) > float64(len(own)) {
				t.Errorf("total %d, profile %v", total, p.Total*scale)
			}
			for k, v := range own {
				if math.Abs(float64(flat[k])-v) > 1 {
					t.Errorf("%s %s: own %d, profile %v", k[0], k[1], flat[k], v)
				}
			}
			back, err := parse.Data(b.Bytes(), "converted", parse.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(back.Funcs) != countUsed(p) || math.Abs(back.Total*scale-p.Total*scale) > float64(len(own)) {
				t.Errorf("read back %d functions, total %v; want %d, %v", len(back.Funcs), back.Total, countUsed(p), p.Total)
			}
		})
	}
}

// countUsed counts the functions on some stack with a positive value, by
// (name, file): the pprof reader does not tell lines apart.
func countUsed(p *parse.Profile) int {
	used := map[[2]string]bool{}
	for _, s := range samplesReport(p).Samples.Stacks {
		for _, id := range s.Funcs {
			used[[2]string{p.Funcs[id].Name, p.Funcs[id].File}] = true
		}
	}
	return len(used)
}

var topLine = regexp.MustCompile(`^\s*(\d+)\S*\s+\S+%\s+\S+%\s+(\d+)\S*\s+\S+%\s+(.+)$`)

// TestPprofTool checks the converted file with go tool pprof -top itself:
// the same total and the same own value per function name as the model.
func TestPprofTool(t *testing.T) {
	if testing.Short() {
		t.Skip("compares with go tool pprof; skipped with -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go not found")
	}
	for _, name := range convertInputs {
		t.Run(filepath.Base(name), func(t *testing.T) {
			p := readProfile(t, name)
			path := filepath.Join(t.TempDir(), "out.pb.gz")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := Pprof(f, samplesReport(p)); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			unit, _ := pprofIntegerUnit(p.Unit)
			pprofUnit := map[string]string{"nanoseconds": "ns", "bytes": "B", "count": ""}[unit]
			args := []string{"tool", "pprof", "-top", "-nodecount=0", "-nodefraction=0", "-edgefraction=0"}
			if pprofUnit != "" {
				args = append(args, "-unit="+pprofUnit)
			}
			out, err := exec.Command(goBin, append(args, path)...).Output()
			if err != nil {
				t.Fatalf("go tool pprof: %v", err)
			}
			flat := map[string]float64{}
			var total float64
			sc := bufio.NewScanner(bytes.NewReader(out))
			for sc.Scan() {
				m := topLine.FindStringSubmatch(sc.Text())
				if m == nil {
					continue
				}
				v, _ := strconv.ParseFloat(m[1], 64)
				flat[m[3]] += v
				total += v
			}
			byName := map[string]float64{}
			for k, v := range ownByFunc(p) {
				if v > 0 {
					byName[k[0]] += v
				}
			}
			_, scale := pprofIntegerUnit(p.Unit)
			if math.Abs(total-p.Total*scale) > float64(len(byName)) {
				t.Errorf("pprof -top total %v, profile %v", total, p.Total*scale)
			}
			if len(flat) == 0 {
				t.Fatalf("no rows in pprof -top output:\n%s", out)
			}
			for name, v := range byName {
				if math.Abs(flat[name]-v) > 1 {
					t.Errorf("%s: pprof -top flat %v, profile own %v", name, flat[name], v)
				}
			}
		})
	}
}

// TestSpeedscope checks the file against speedscope's file-format spec
// (src/lib/file-format-spec.ts): the schema URL, shared frames with names,
// one sampled profile whose samples index those frames and whose weights
// are positive and as many as the samples, and a unit from the spec's
// list; and that every function's own value and the total survive.
func TestSpeedscope(t *testing.T) {
	for _, name := range convertInputs {
		t.Run(filepath.Base(name), func(t *testing.T) {
			p := readProfile(t, name)
			var b bytes.Buffer
			if err := Speedscope(&b, samplesReport(p)); err != nil {
				t.Fatal(err)
			}
			var f struct {
				Schema string `json:"$schema"`
				Shared struct {
					Frames []struct {
						Name *string
						File string
						Line int
					}
				}
				Profiles []struct {
					Type, Name, Unit     string
					StartValue, EndValue *float64
					Samples              [][]int
					Weights              []float64
				}
			}
			if err := json.Unmarshal(b.Bytes(), &f); err != nil {
				t.Fatal(err)
			}
			var top map[string]json.RawMessage
			if err := json.Unmarshal(b.Bytes(), &top); err != nil {
				t.Fatal(err)
			}
			for k := range top {
				if !slices.Contains([]string{"$schema", "shared", "profiles", "name", "activeProfileIndex", "exporter"}, k) {
					t.Errorf("top-level field %q is not in the spec", k)
				}
			}
			if f.Schema != "https://www.speedscope.app/file-format-schema.json" || len(f.Profiles) != 1 {
				t.Fatalf("schema %q, %d profiles", f.Schema, len(f.Profiles))
			}
			for i, fr := range f.Shared.Frames {
				if fr.Name == nil || *fr.Name == "" {
					t.Errorf("frame %d has no name", i)
				}
			}
			sp := f.Profiles[0]
			units := []string{"none", "nanoseconds", "microseconds", "milliseconds", "seconds", "bytes"}
			if sp.Type != "sampled" || !slices.Contains(units, sp.Unit) || sp.StartValue == nil || sp.EndValue == nil || len(sp.Samples) != len(sp.Weights) {
				t.Fatalf("profile type %q unit %q start %v end %v, %d samples, %d weights", sp.Type, sp.Unit, sp.StartValue, sp.EndValue, len(sp.Samples), len(sp.Weights))
			}
			own := map[string]float64{}
			var sum float64
			for i, s := range sp.Samples {
				if sp.Weights[i] <= 0 || len(s) == 0 {
					t.Fatalf("sample %d: weight %v, %d frames", i, sp.Weights[i], len(s))
				}
				for _, fi := range s {
					if fi < 0 || fi >= len(f.Shared.Frames) {
						t.Fatalf("sample %d names frame %d of %d", i, fi, len(f.Shared.Frames))
					}
				}
				leaf := f.Shared.Frames[s[len(s)-1]]
				own[*leaf.Name+"\x00"+leaf.File+"\x00"+strconv.Itoa(leaf.Line)] += sp.Weights[i]
				sum += sp.Weights[i]
			}
			if math.Abs(sum-p.Total) > 1e-9*p.Total || math.Abs(*sp.EndValue-*sp.StartValue-p.Total) > 1e-9*p.Total {
				t.Errorf("weights sum to %v, end %v; total %v", sum, *sp.EndValue, p.Total)
			}
			for _, fn := range p.Funcs {
				if fn.File == "~" || fn.File == "" || fn.Own == 0 {
					continue
				}
				if got := own[fn.Name+"\x00"+fn.File+"\x00"+strconv.Itoa(fn.Line)]; math.Abs(got-fn.Own) > 1e-9*p.Total {
					t.Errorf("%s: own %v, profile %v", fn, got, fn.Own)
				}
			}
		})
	}
}
