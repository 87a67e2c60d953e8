package render

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/internal/callgraph"
	"github.com/loopdoctor/loopdoctor/parse"
)

// TestFoldedKeepsItsWord checks the README's promise on what the command
// writes, not only on the stack tree: in the webhook dump's folded stacks,
// at the command's stack options, the lines holding each function outside
// a recursive cycle, plus its part of the "other" frames, add up to its
// cumulative time as pstats reports it, within 1 % and the microsecond
// each line may round by. The same holds with a budget of 300 frames,
// which merges most call paths into "other". Left out are recursive
// functions and those whose label several code objects share.
func TestFoldedKeepsItsWord(t *testing.T) {
	r := dumpReport(t, "webhook/webhook.pstats")
	p := r.Profile
	recursive := cycles(p)
	for _, opts := range []analyze.StackOptions{{}, {MaxFrames: 300}} {
		r := restack(r, opts)
		var b bytes.Buffer
		if err := Folded(&b, r); err != nil {
			t.Fatal(err)
		}
		byName := make(map[string]*parse.Func)
		for _, f := range p.Funcs {
			byName[foldedName(f, p.Format)] = f
		}
		sum := make([]float64, len(p.Funcs))   // µs in the lines holding each function
		lines := make([]float64, len(p.Funcs)) // how many
		others := 0
		for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
			i := strings.LastIndexByte(line, ' ')
			v, err := strconv.ParseFloat(line[i+1:], 64)
			if err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
			seen := map[*parse.Func]bool{}
			for _, name := range strings.Split(line[:i], ";") {
				if name == foldedOther {
					others++
					continue
				}
				if f := byName[name]; f != nil && !seen[f] {
					seen[f] = true
					sum[f.ID] += v
					lines[f.ID]++
				}
			}
		}
		if (opts.MaxFrames > 0) != (others > 0) {
			t.Errorf("%+v: %d lines end in [other]", opts, others)
		}
		checked := 0
		for _, f := range p.Funcs {
			// pstats keeps one cumulative time per label, so a label
			// that several code objects share (exec'd strings) is
			// widened to what its edges hold, beyond its recorded time
			// (see StackSet.Widened).
			if recursive[f.ID] || f.Cum <= 0 || slices.Contains(r.Stacks.Widened, f) {
				continue
			}
			checked++
			got := sum[f.ID] + r.Stacks.Hidden[f.ID]*1e6
			if want := f.Cum * 1e6; math.Abs(got-want) > 0.01*want+lines[f.ID]+1 {
				t.Errorf("%+v: %s: %g µs in folded lines and %g µs in [other], want its cumulative %g µs",
					opts, f, sum[f.ID], r.Stacks.Hidden[f.ID]*1e6, want)
			}
		}
		if checked < len(p.Funcs)/2 {
			t.Errorf("%+v: checked %d of %d functions", opts, checked, len(p.Funcs))
		}
	}
}

// cycles marks the functions of p that can call themselves, directly or
// through others.
func cycles(p *parse.Profile) []bool {
	g := callgraph.New(len(p.Funcs), len(p.Edges))
	self := make([]bool, len(p.Funcs))
	for _, f := range p.Funcs {
		for _, e := range f.Out {
			g.Edge(e.Callee.ID)
			self[f.ID] = self[f.ID] || e.Callee == f
		}
		g.EndNode()
	}
	c := callgraph.SCC(g)
	for k := range c.Len() {
		if c.Size(k) > 1 {
			for _, v := range c.Members(k) {
				self[v] = true
			}
		}
	}
	return self
}
