package render

import (
	"fmt"
	"io"
	"math"

	"github.com/google/pprof/profile"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

// Pprof writes the report's samples (Options.Samples) as a gzipped pprof protobuf profile, the format go tool
// pprof, Pyroscope, Parca and speedscope open. Values become integers:
// nanoseconds for a profile in seconds, the unit itself otherwise. Each
// function's rounding error is carried from stack to stack, so the values
// of the stacks a function ends sum to its own value rounded once.
// The profile has one sample type ("wall" for pstats, whose timer is the
// wall clock by default; the chosen type for pprof) and no mappings.
func Pprof(w io.Writer, r *analyze.Report) error {
	p, s := r.Profile, r.Samples
	if s == nil {
		return errNotComputed("samples", "Samples")
	}
	typ := p.SampleType
	if typ == "" {
		typ = "wall"
	}
	unit, scale := pprofIntegerUnit(p.Unit)
	out := &profile.Profile{
		SampleType:        []*profile.ValueType{{Type: typ, Unit: unit}},
		DefaultSampleType: typ,
		PeriodType:        &profile.ValueType{Type: typ, Unit: unit},
		Period:            1,
		Comments:          append([]string{fmt.Sprintf("converted by loopdoctor from %s (%s %s)", p.Source, p.Format, p.Dialect)}, s.Notes...),
	}
	if p.Format == parse.Pstats {
		// cProfile measures wall time of the profiled code, so the total
		// is the profiled duration.
		out.DurationNanos = int64(math.Round(p.Total * scale))
	}
	locs := make([]*profile.Location, len(p.Funcs))
	location := func(id int) *profile.Location {
		if locs[id] == nil {
			f := p.Funcs[id]
			fn := &profile.Function{ID: uint64(len(out.Function) + 1), Name: f.Name, SystemName: f.Name,
				Filename: f.File, StartLine: int64(f.Line)}
			if p.Format == parse.Pstats {
				// A system name unlike the name tells pprof the name is
				// already demangled; otherwise it would strip <listcomp>
				// and <built-in method ...> as C++ template arguments.
				fn.SystemName = f.String()
			}
			out.Function = append(out.Function, fn)
			locs[id] = &profile.Location{ID: uint64(len(out.Location) + 1), Line: []profile.Line{{Function: fn, Line: int64(f.Line)}}}
			out.Location = append(out.Location, locs[id])
		}
		return locs[id]
	}
	exact := make([]float64, len(p.Funcs)) // Σ values ending in a function, scaled
	written := make([]int64, len(p.Funcs)) // Σ rounded values written for it
	for _, st := range s.Stacks {
		leaf := st.Funcs[len(st.Funcs)-1]
		exact[leaf] += st.Value * scale
		v := int64(math.Round(exact[leaf])) - written[leaf]
		if v <= 0 {
			continue
		}
		written[leaf] += v
		sample := &profile.Sample{Value: []int64{v}, Location: make([]*profile.Location, len(st.Funcs))}
		for i, id := range st.Funcs { // pprof lists the leaf first
			sample.Location[len(st.Funcs)-1-i] = location(id)
		}
		out.Sample = append(out.Sample, sample)
	}
	if err := out.CheckValid(); err != nil {
		return fmt.Errorf("pprof output: %w", err)
	}
	return out.Write(w)
}

// pprofIntegerUnit names the integer unit pprof values are written in and
// the factor from the profile's unit to it.
func pprofIntegerUnit(unit string) (string, float64) {
	switch unit {
	case "seconds":
		return "nanoseconds", 1e9
	case "bytes":
		return "bytes", 1
	}
	return "count", 1
}
