package parse

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Merge combines profiles of the same program into one, summing what they
// recorded the way Python's pstats.Stats.add and pprof's profile.Merge do:
// calls, own and cumulative values and totals per function, the same per
// edge, and the values of identical stacks. pstats functions match by
// (file, line, name), the pstats key; pprof functions by (name, file),
// since a function's start line can differ between builds. The profiles
// must share format, unit and sample type. The inputs are not changed.
func Merge(ps []*Profile) (*Profile, error) {
	if len(ps) == 0 {
		return nil, fmt.Errorf("no profiles to merge")
	}
	first := ps[0]
	out := &Profile{Format: first.Format, Dialect: first.Dialect, Unit: first.Unit,
		SampleType: first.SampleType, SampleTypes: slices.Clone(first.SampleTypes)}
	sources := make([]string, len(ps))
	funcs := map[string]int{} // key → index in out.Funcs, the order Normalize remaps stacks from
	edges := map[[2]*Func]*Edge{}
	stacks := map[string]int{} // path → index in out.Stacks
	var sum counter
	for i, p := range ps {
		sources[i] = p.Source
		if p.Format != first.Format || p.Unit != first.Unit || p.SampleType != first.SampleType {
			return nil, fmt.Errorf("cannot merge %s (%s) with %s (%s): format, unit or sample type differ",
				p.Source, describeKind(p), first.Source, describeKind(first))
		}
		if p.Dialect != out.Dialect {
			out.Dialect = "mixed"
		}
		out.Total += p.Total
		for _, n := range p.Notes {
			if !slices.Contains(out.Notes, n) {
				out.Notes = append(out.Notes, n)
			}
		}
		local := make([]int, len(p.Funcs)) // p's function ID → index in out.Funcs
		for j, f := range p.Funcs {
			key := f.File + "\x00" + f.Name
			if p.Format == Pstats {
				key += "\x00" + strconv.Itoa(f.Line)
			}
			at, ok := funcs[key]
			if !ok {
				at = len(out.Funcs)
				funcs[key] = at
				out.Funcs = append(out.Funcs, &Func{Name: f.Name, File: f.File, Line: f.Line, Calls: f.Calls,
					Primitive: f.Primitive, Own: f.Own, Cum: f.Cum, Synthetic: f.Synthetic})
			} else {
				m := out.Funcs[at]
				m.Calls, m.Primitive = sum.add(m.Calls, f.Calls), sum.add(m.Primitive, f.Primitive)
				m.Own += f.Own
				m.Cum += f.Cum
			}
			local[j] = at
		}
		for _, e := range p.Edges {
			k := [2]*Func{out.Funcs[local[e.Caller.ID]], out.Funcs[local[e.Callee.ID]]}
			m, ok := edges[k]
			if !ok {
				m = &Edge{Caller: k[0], Callee: k[1], Calls: e.Calls, Primitive: e.Primitive, Own: e.Own, Cum: e.Cum, Estimated: e.Estimated}
				edges[k] = m
				out.Edges = append(out.Edges, m)
				continue
			}
			m.Calls, m.Primitive = sum.add(m.Calls, e.Calls), sum.add(m.Primitive, e.Primitive)
			m.Own += e.Own
			m.Cum += e.Cum
			m.Estimated = m.Estimated || e.Estimated
		}
		for _, s := range p.Stacks {
			path := make([]int, len(s.Funcs))
			var key strings.Builder
			for k, id := range s.Funcs {
				path[k] = local[id]
				key.WriteString(strconv.Itoa(path[k]) + ";")
			}
			if at, ok := stacks[key.String()]; ok {
				out.Stacks[at].Value += s.Value
				continue
			}
			stacks[key.String()] = len(out.Stacks)
			out.Stacks = append(out.Stacks, Stack{Funcs: path, Value: s.Value})
		}
	}
	out.Source = strings.Join(sources, " + ")
	if sum.overflow {
		return nil, fmt.Errorf("merge %s: %w", out.Source, errTooManyCalls)
	}
	if err := out.Normalize(); err != nil {
		return nil, fmt.Errorf("merge %s: %w", out.Source, err)
	}
	return out, nil
}

// describeKind describes a profile's format, unit and sample type for messages.
func describeKind(p *Profile) string {
	s := string(p.Format) + ", " + p.Unit
	if p.SampleType != "" {
		s += ", " + p.SampleType
	}
	return s
}
