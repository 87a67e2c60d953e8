// Package synth writes synthetic profiles of a chosen size, for the speed
// benchmarks, the scaling table in the README and the memory tests: no
// real program makes a profile of exactly a million functions when asked.
// The pstats dumps are marshalled the way CPython writes them, so Python's
// pstats reads them too; the pprof profiles are built and written with
// github.com/google/pprof/profile.
package synth

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/google/pprof/profile"
)

// Shape says how the functions of a synthetic pstats dump call each other.
type Shape int

const (
	// Chain: function i calls function i+1, the deepest call graph there is.
	Chain Shape = iota
	// Program: modules of ten functions; each function is called by a
	// parent (a tree of fan-out four), most also by a second caller, and
	// one in fifty calls back up to an ancestor, closing a recursive
	// cycle, as dispatch code does.
	Program
)

// key names synthetic function i.
func key(i int) (file string, line int, name string) {
	return fmt.Sprintf("app/pkg%d/mod%d.py", i/1000, i/10), 10 * (i%10 + 1), fmt.Sprintf("func_%d", i)
}

// callers lists the functions that call function i in shape s, among n.
func callers(s Shape, i, n int) []int {
	if i == 0 {
		return nil
	}
	if s == Chain {
		return []int{i - 1}
	}
	c := []int{(i - 1) / 4}
	if i > 8 && i%3 != 0 {
		if second := (i*7919 + 13) % i; second != c[0] { // an earlier function, spread out
			c = append(c, second)
		}
	}
	// A grandchild calling back up closes a recursive cycle of three.
	if grandchild := 16*i + 5; i%50 == 49 && grandchild < n {
		c = append(c, grandchild)
	}
	return c
}

// Pstats writes a marshalled pstats dict of n functions in shape s, as
// cProfile's dump_stats would: {(file, line, name): (cc, nc, tt, ct,
// {caller: (nc, cc, tt, ct)})}.
func Pstats(w io.Writer, n int, s Shape) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	m := marshaller{w: bw, refs: map[string]int{}}
	r := rand.New(rand.NewPCG(uint64(n), uint64(s)))
	m.byte('{')
	for i := range n {
		m.key(i)
		calls := 1 + r.IntN(100)
		own := float64(calls) * 1e-6 * float64(1+r.IntN(50))
		m.byte('(')
		m.int32(5)
		m.int(calls)
		m.int(calls)
		m.float(own)
		m.float(own * float64(2+r.IntN(5)))
		m.byte('{')
		for j, c := range callers(s, i, n) {
			m.key(c)
			m.edge(max(1, calls/(j+1)), own/float64(j+1))
		}
		m.byte('0')
	}
	m.byte('0')
	if m.err != nil {
		return m.err
	}
	return bw.Flush()
}

// marshaller writes marshal type codes; the first write error sticks.
type marshaller struct {
	w    *bufio.Writer
	err  error
	buf  [8]byte
	refs map[string]int // strings written so far, by reference slot
}

func (m *marshaller) byte(b byte) {
	if m.err == nil {
		m.err = m.w.WriteByte(b)
	}
}

func (m *marshaller) raw(b []byte) {
	if m.err == nil {
		_, m.err = m.w.Write(b)
	}
}

func (m *marshaller) int32(v int) {
	binary.LittleEndian.PutUint32(m.buf[:4], uint32(int32(v)))
	m.raw(m.buf[:4])
}

func (m *marshaller) int(v int) {
	m.byte('i')
	m.int32(v)
}

func (m *marshaller) float(f float64) {
	m.byte('g')
	binary.LittleEndian.PutUint64(m.buf[:], math.Float64bits(f))
	m.raw(m.buf[:])
}

// str writes s as CPython writes an interned short string: the first time
// flagged, taking the next reference slot, and then as a reference to it.
func (m *marshaller) str(s string) {
	if slot, ok := m.refs[s]; ok {
		m.byte('r')
		m.int32(slot)
		return
	}
	m.refs[s] = len(m.refs)
	m.byte('Z' | 0x80) // TYPE_SHORT_ASCII_INTERNED | FLAG_REF
	m.byte(byte(len(s)))
	if m.err == nil {
		_, m.err = m.w.WriteString(s)
	}
}

func (m *marshaller) key(i int) {
	file, line, name := key(i)
	m.byte('(')
	m.int32(3)
	m.str(file)
	m.int(line)
	m.str(name)
}

func (m *marshaller) edge(calls int, own float64) {
	m.byte('(')
	m.int32(4)
	m.int(calls)
	m.int(calls)
	m.float(own)
	m.float(2 * own)
}

// Pprof builds a CPU profile of the given numbers of samples and
// functions whose stacks are nearly all distinct, as in a large service:
// each function calls four others, and each sample walks down from one of
// eight roots through 8 to 40 of them, choosing a callee at random at each
// step, so that the stacks differ while the call graph stays that of a
// program (some 4 edges per function).
func Pprof(samples, funcs int) *profile.Profile {
	r := rand.New(rand.NewPCG(uint64(samples), uint64(funcs)))
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		PeriodType: &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:     10_000_000,
	}
	mapping := &profile.Mapping{ID: 1, Start: 0x400000, Limit: 0x400000 + uint64(funcs)*64, File: "/srv/app/server", HasFunctions: true}
	p.Mapping = []*profile.Mapping{mapping}
	for i := range funcs {
		fn := &profile.Function{ID: uint64(i + 1), Name: fmt.Sprintf("example.com/app/pkg%d.Func%d", i/100, i),
			SystemName: fmt.Sprintf("example.com/app/pkg%d.Func%d", i/100, i),
			Filename:   fmt.Sprintf("/srv/app/pkg%d/file%d.go", i/100, i/10), StartLine: int64(10 * (i%10 + 1))}
		p.Function = append(p.Function, fn)
		p.Location = append(p.Location, &profile.Location{ID: uint64(i + 1), Mapping: mapping,
			Address: mapping.Start + uint64(i)*64, Line: []profile.Line{{Function: fn, Line: fn.StartLine + 3}}})
	}
	callee := func(f, k int) int { return 8 + (f*4+k*7919+1)%(funcs-8) }
	for range samples {
		depth := 8 + r.IntN(33)
		locs := make([]*profile.Location, depth)
		f := r.IntN(8)
		for d := depth - 1; d >= 0; d-- { // leaf first, as pprof stores them
			locs[d] = p.Location[f]
			f = callee(f, r.IntN(4))
		}
		n := int64(1 + r.IntN(3))
		p.Sample = append(p.Sample, &profile.Sample{Location: locs, Value: []int64{n, n * p.Period}})
	}
	return p
}
