package synth

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// TestPstatsReadByPython checks that CPython's own pstats reads the
// synthetic dumps and counts what was written: they stand in for real
// dumps in the benchmarks against it.
func TestPstatsReadByPython(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not on PATH")
	}
	for _, tc := range []struct {
		shape Shape
		n     int
		want  string // functions, then functions with callers
	}{
		{Chain, 100, "100 99"},
		{Program, 1000, "1000 999"},
	} {
		var buf bytes.Buffer
		if err := Pstats(&buf, tc.n, tc.shape); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(python, "-c", `import marshal, sys
stats = marshal.loads(sys.stdin.buffer.read())
print(len(stats), sum(1 for v in stats.values() if v[4]))`)
		cmd.Stdin = &buf
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(string(out)); got != tc.want {
			t.Errorf("shape %d, %d functions: python counts %s, want %s", tc.shape, tc.n, got, tc.want)
		}
	}
}

// TestPprofValid checks the synthetic pprof profile against the library's
// own validation and its size: nearly every stack distinct.
func TestPprofValid(t *testing.T) {
	p := Pprof(2000, 500)
	if err := p.CheckValid(); err != nil {
		t.Fatal(err)
	}
	distinct := map[string]bool{}
	for _, s := range p.Sample {
		var k strings.Builder
		for _, l := range s.Location {
			k.WriteString(l.Line[0].Function.Name + ";")
		}
		distinct[k.String()] = true
	}
	if len(p.Sample) != 2000 || len(p.Function) != 500 || len(distinct) < 1990 {
		t.Errorf("%d samples, %d functions, %d distinct stacks", len(p.Sample), len(p.Function), len(distinct))
	}
}
