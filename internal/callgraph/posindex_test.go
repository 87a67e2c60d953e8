package callgraph

import (
	"math/rand/v2"
	"testing"
)

// TestPosIndex runs random sets and removals against a map, over key
// ranges small enough that probes collide, wrap around the table's end
// and cross removed slots, and large enough to make the table grow.
func TestPosIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for trial := range 200 {
		keys := 1 + r.IntN(300)
		x := newPosIndex(r.IntN(40))
		want := map[int32]int32{}
		for op := range 2000 {
			j := int32(r.IntN(keys))
			if _, ok := want[j]; ok && r.IntN(2) == 0 {
				x.remove(j)
				delete(want, j)
			} else {
				p := int32(r.IntN(1000))
				x.set(j, p)
				want[j] = p
			}
			if x.n != len(want) {
				t.Fatalf("trial %d op %d: %d columns, want %d", trial, op, x.n, len(want))
			}
			for k := range int32(keys) {
				p, ok := want[k]
				if !ok {
					p = -1
				}
				if got := x.get(k); got != p {
					t.Fatalf("trial %d op %d: get(%d) = %d, want %d", trial, op, k, got, p)
				}
			}
		}
	}
}
