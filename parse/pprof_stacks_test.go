package parse

import (
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"testing"

	"github.com/google/pprof/profile"
)

// TestPprofEdgesOfDispatchers checks the edge sums against a recount from
// the stacks on random stacks over few functions, so that callers have
// many callees (more than an edge row holds) and recursion abounds.
func TestPprofEdgesOfDispatchers(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	p := &profile.Profile{SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}}}
	for i := range 30 {
		fn := &profile.Function{ID: uint64(i + 1), Name: "f" + string(rune('A'+i)), Filename: "d.go"}
		p.Function = append(p.Function, fn)
		p.Location = append(p.Location, &profile.Location{ID: uint64(i + 1), Line: []profile.Line{{Function: fn}}})
	}
	for range 3000 {
		locs := make([]*profile.Location, 1+rng.IntN(8))
		for j := range locs {
			locs[j] = p.Location[rng.IntN(len(p.Location))]
		}
		p.Sample = append(p.Sample, &profile.Sample{Location: locs, Value: []int64{1 + rng.Int64N(5)}})
	}
	got, err := Data(encodePprof(t, p), "d.pb.gz", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Edges) <= rowSlots*len(got.Funcs) {
		t.Fatalf("%d edges between %d functions: no caller has more callees than a row holds", len(got.Edges), len(got.Funcs))
	}
	checkEdges(t, got)
}

// TestInternStacks checks the stack table against a map on random stacks
// over few functions, so that many repeat: from a table sized for none,
// which grows eight-fold and more, and from one sized for all.
func TestInternStacks(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, hint := range []int{0, 4000} {
		b := &stackBuilder{table: newStackTable(hint), seed: maphash.MakeSeed(), used: make([]bool, 5)}
		want := map[string]int32{}
		for range 4000 {
			stack := make([]uint32, 1+rng.IntN(6))
			for j := range stack {
				stack[j] = uint32(rng.IntN(5))
			}
			key := fmt.Sprint(stack)
			i, ok := want[key]
			if !ok {
				i = int32(len(want))
				want[key] = i
			}
			if got := b.intern(stack); got != i {
				t.Fatalf("hint %d: stack %v interned as %d, want %d", hint, stack, got, i)
			}
		}
		if len(want) < 1000 || b.table.n != len(want) || 2*b.table.n > len(b.table.slots) {
			t.Errorf("hint %d: %d stacks, %d in a table of %d slots", hint, len(want), b.table.n, len(b.table.slots))
		}
	}
}
