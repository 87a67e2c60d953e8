package analyze

import (
	"math"
	"slices"
	"testing"

	"github.com/loopdoctor/loopdoctor/parse"
)

// TestDiffStacksAddUp checks the paired frame trees against the functions'
// numbers: in each run, the outermost frames of a function add up to its
// cumulative value, so their deltas add up to the function's change in
// cumulative value; and the union loses no path of either run.
func TestDiffStacksAddUp(t *testing.T) {
	tests := []struct{ name, base, next string }{
		{"before and after a fix", diffBefore, diffAfter},
		{"the same run", diffBefore, diffBefore},
		{"pprof against pstats layout", "../testdata/pprof/cpu/cpu.pb.gz", "../testdata/pprof/cpu/cpu.pb.gz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, next := readDump(t, tt.base), readDump(t, tt.next)
			d, err := Compare(base, next, Options{Stacks: &StackOptions{MinShare: 1e-9, MaxFrames: 1 << 20}})
			if err != nil {
				t.Fatal(err)
			}
			s := d.Stacks
			if s == nil || len(s.Frames) == 0 {
				t.Fatal("Compare with Options.Stacks left Diff.Stacks empty")
			}
			if s.Frames[0].BaseValue != d.Base.Stacks.Total || s.Frames[0].NewValue != d.New.Stacks.Total {
				t.Errorf("root holds %g → %g, want the totals %g → %g", s.Frames[0].BaseValue, s.Frames[0].NewValue, d.Base.Stacks.Total, d.New.Stacks.Total)
			}
			baseFrames, newFrames := 0, 0
			for _, f := range s.Frames[1:] {
				if f.Base != nil || f.BaseValue > 0 { // an "other" frame has a value and no function
					baseFrames++
				}
				if f.New != nil || f.NewValue > 0 {
					newFrames++
				}
			}
			if baseFrames+1 != len(d.Base.Stacks.Frames) || newFrames+1 != len(d.New.Stacks.Frames) {
				t.Errorf("union holds %d base and %d new frames besides the root, want %d and %d",
					baseFrames, newFrames, len(d.Base.Stacks.Frames)-1, len(d.New.Stacks.Frames)-1)
			}

			// Sum each function's outermost frames in either run.
			pair := make(map[*parse.Func]int)
			for i, fd := range d.Functions {
				if fd.Base != nil {
					pair[fd.Base] = i
				}
				if fd.New != nil {
					pair[fd.New] = i
				}
			}
			delta := make([]float64, len(d.Functions))
			for _, f := range s.Frames[1:] {
				k := pair[f.Func()]
				outermost := true
				for a := f.Parent; a > 0; a = s.Frames[a].Parent {
					if pair[s.Frames[a].Func()] == k {
						outermost = false
						break
					}
				}
				if outermost {
					delta[k] += f.NewValue - f.BaseValue
				}
			}
			// Pruning at MinShare and float sums leave a little off.
			total := max(d.Base.Profile.Total, d.New.Profile.Total)
			checked, worst, tol := 0, 0.0, 0.001*total
			for i, fd := range d.Functions {
				if recursive(fd.Base) || recursive(fd.New) {
					continue // cycles are collapsed: their frames do not add up to cum
				}
				if slices.Contains(d.Base.Stacks.Widened, fd.Base) || slices.Contains(d.New.Stacks.Widened, fd.New) {
					continue // the dump lost this label's cum (StackSet.Widened)
				}
				worst = max(worst, math.Abs(delta[i]-fd.Cum))
				if math.Abs(delta[i]-fd.Cum) > tol {
					t.Errorf("%s: frame deltas add up to %.4g, its cum changed by %.4g", fd.Func(), delta[i], fd.Cum)
				}
				checked++
			}
			t.Logf("%d of %d functions checked; the largest gap %.3g, %.2g%% of the larger total", checked, len(d.Functions), worst, worst/total*100)
			if checked < len(d.Functions)/2 {
				t.Errorf("checked %d of %d functions", checked, len(d.Functions))
			}
		})
	}
}

// recursive reports whether f called itself, directly or through others:
// some of its calls were not primitive.
func recursive(f *parse.Func) bool {
	return f != nil && f.Calls != f.Primitive
}

// TestDiffStacksFix checks the fix in testdata/diff: the yacc frames
// shrink, and a frame that ran only before the fix stays in the union with
// its value there.
func TestDiffStacksFix(t *testing.T) {
	d, err := Compare(readDump(t, diffBefore), readDump(t, diffAfter), Options{Stacks: &StackOptions{}})
	if err != nil {
		t.Fatal(err)
	}
	yacc := 0
	for _, f := range d.Stacks.Frames {
		if fn := f.Func(); fn != nil && fn.Name == "yacc" {
			yacc++
			if f.NewValue >= f.BaseValue/5 {
				t.Errorf("yacc frame: %g → %g, want it to shrink at least fivefold", f.BaseValue, f.NewValue)
			}
		}
	}
	if yacc == 0 {
		t.Error("no yacc frame in the union")
	}
}
