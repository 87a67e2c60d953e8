package parse

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/google/pprof/profile"
)

// Decompressed pprof input is capped at inflateRatio times the compressed
// size, but never below inflateFloor nor above MaxInput. Real profiles
// shrink 3–20× under gzip; a decompression bomb shrinks about 1000×, so
// the ratio stops bombs early while the floor keeps small real profiles
// (which may compress unusually well) readable. The floor is what a
// crafted input costs at most: google/pprof's parser spends up to some 25
// bytes of objects per protobuf byte on tiny samples, so 16 MiB of
// protobuf stays within 1 GiB however it is packed.
const (
	inflateRatio = 64
	inflateFloor = 16 << 20
)

// PprofData decodes a pprof profile: gzipped or plain protobuf, or one of
// the legacy text and binary formats github.com/google/pprof/profile
// accepts. It picks opts.SampleType (default: the profile's default type,
// else its last one, as pprof does) and builds the call graph from the
// full stacks:
//
//  1. Each location becomes the functions of its lines, outermost first
//     (Line[0] is the innermost inlined frame); a location without
//     function names becomes one synthetic function named after its
//     mapping and address, so no value is lost.
//  2. Each sample becomes a root→leaf sequence of function IDs, interned
//     so identical stacks are stored once with their values summed.
//  3. Each distinct stack adds its value to its leaf's Own, once to the
//     Cum of every function on it and once to every adjacent caller→callee
//     edge, however often a function recurs in it.
//
// Frames the profile asks to hide (its drop_frames pattern, e.g. malloc
// internals in heap profiles) are removed first, as go tool pprof does.
func PprofData(data []byte, name string, opts Options) (*Profile, error) {
	return readPprof(data, name, opts, 0)
}

// readPprof is PprofData with batches of the given sample bytes (0: sized
// from the dictionary, see pprof_stream.go). What cannot be streamed is
// read whole, which yields the same profile or error.
func readPprof(data []byte, name string, opts Options, batch int) (*Profile, error) {
	if s, dict, err := scanPprof(data, batch); err == nil {
		p, err := convertPprof(pprofInput{dict: dict, samples: s.samples, eachBatch: s.eachBatch}, name, opts)
		if !errors.Is(err, errNotStreamed) {
			return p, err
		}
	}
	return readPprofWhole(data, name, opts)
}

// readPprofWhole reads data as one decoded profile: the only way for the
// legacy formats, and the one that reports what is wrong with a damaged
// protobuf.
func readPprofWhole(data []byte, name string, opts Options) (*Profile, error) {
	pp, legacy, err := decodePprof(data, name)
	if err != nil {
		return nil, err
	}
	return convertPprof(pprofInput{dict: pp, legacy: legacy, samples: len(pp.Sample),
		eachBatch: func(fn func(*profile.Profile) error) error { return fn(pp) }}, name, opts)
}

// pprofInput is a decoded profile: its dictionary (for a profile read
// whole, the profile itself) and how to walk its samples in batches,
// each a profile sharing the dictionary's locations, or the profile
// itself.
type pprofInput struct {
	dict      *profile.Profile
	legacy    bool
	samples   int
	eachBatch func(func(*profile.Profile) error) error
}

// convertPprof builds the model from a decoded profile. It returns
// errNotStreamed, unwrapped, if a batch of samples does not decode.
func convertPprof(in pprofInput, name string, opts Options) (*Profile, error) {
	pp := in.dict
	var notes []string
	if err := pp.RemoveUninteresting(); err != nil {
		notes = append(notes, "the profile's drop_frames pattern is not a valid regexp, so no frames were hidden")
	}
	if len(pp.SampleType) == 0 {
		return nil, &Error{File: name, Offset: -1, Msg: "profile has no sample types"}
	}
	idx, err := pp.SampleIndexByName(opts.SampleType)
	if err != nil {
		return nil, &Error{File: name, Offset: -1, Msg: fmt.Sprintf("no sample type %q; the profile has %s", opts.SampleType, strings.Join(sampleTypeNames(pp), ", "))}
	}
	st := pp.SampleType[idx]
	scale := pprofUnit(st.Unit)
	p := &Profile{
		Format:      Pprof,
		Dialect:     pprofDialect(pp, in.legacy),
		Unit:        scale.unit,
		SampleType:  st.Type,
		SampleTypes: sampleTypeNames(pp),
	}
	b := newStackBuilder(pp, in.samples)
	maxFrames := cmp.Or(opts.MaxFrames, DefaultMaxFrames)
	err = in.eachBatch(func(batch *profile.Profile) error { return b.addSamples(batch, idx, maxFrames) })
	if errors.Is(err, errNotStreamed) {
		return nil, err
	}
	if err != nil {
		return nil, &Error{File: name, Offset: -1, Err: err}
	}
	if b.unsymbolized > 0 {
		notes = append(notes, fmt.Sprintf("no function names at %d of %d locations, shown as mapping and address", b.unsymbolized, len(pp.Location)))
	}
	sortStacks(b.stacks) // the decoded profile is garbage from here on
	b.fill(p, scale)
	if b.frameless > 0 {
		notes = append(notes, fmt.Sprintf("samples without frames, counted only in the total: %d", b.frameless))
	}
	if b.total == 0 {
		notes = append(notes, fmt.Sprintf("every sample's %s value is zero", st.Type))
	}
	p.Notes = notes
	if err := p.Normalize(); err != nil {
		return nil, &Error{File: name, Offset: -1, Msg: "inconsistent profile", Err: err}
	}
	return p, nil
}

// sortStacks orders stacks by their function IDs, a stack before its own
// extensions, as slices.Compare would. Stacks share long root prefixes
// that a comparison sort compares over and over, so this is a three-way
// radix quicksort (Bentley and Sedgewick): each partition looks at one
// depth only, and the stacks equal there move on to the next depth.
func sortStacks(stacks []Stack) {
	sortStacksFrom(stacks, 0, 2*bits.Len(uint(len(stacks))))
}

// sortStacksFrom sorts stacks that share their first depth IDs. budget
// bounds the recursion as in introsort: once spent, a plain comparison
// sort finishes the range.
func sortStacksFrom(stacks []Stack, depth, budget int) {
	for len(stacks) > 1 {
		if len(stacks) < 12 || budget == 0 {
			slices.SortFunc(stacks, func(a, b Stack) int { return slices.Compare(a.Funcs[depth:], b.Funcs[depth:]) })
			return
		}
		pivot := idAt(stacks[len(stacks)/2], depth)
		lt, i, gt := 0, 0, len(stacks)
		for i < gt {
			switch id := idAt(stacks[i], depth); {
			case id < pivot:
				stacks[lt], stacks[i] = stacks[i], stacks[lt]
				lt, i = lt+1, i+1
			case id > pivot:
				gt--
				stacks[i], stacks[gt] = stacks[gt], stacks[i]
			default:
				i++
			}
		}
		sortStacksFrom(stacks[:lt], depth, budget-1)
		sortStacksFrom(stacks[gt:], depth, budget-1)
		if pivot < 0 {
			return // the stacks equal to the pivot all end at depth
		}
		stacks, depth = stacks[lt:gt], depth+1
	}
}

// idAt is the function at depth in s, or -1 past its end so that a stack
// sorts before its extensions.
func idAt(s Stack, depth int) int {
	if depth < len(s.Funcs) {
		return s.Funcs[depth]
	}
	return -1
}

// decodePprof reads data whole, for what cannot be streamed: it runs the
// pprof library on data, gunzipping it first under the size cap, and
// reports whether the profile was in a legacy format. The library's own
// gunzip has no cap, so it only ever sees inflated data.
func decodePprof(data []byte, name string) (pp *profile.Profile, legacy bool, err error) {
	raw := data
	gzipped := isGzip(data)
	if gzipped {
		if raw, err = gunzip(data, name); err != nil {
			return nil, false, err
		}
		if isGzip(raw) {
			return nil, false, &Error{File: name, Offset: -1, Msg: "gzip stream inside a gzip stream is not a profile"}
		}
	}
	if len(raw) == 0 {
		return nil, false, &Error{File: name, Offset: -1, Msg: "empty profile"}
	}
	pp, pbErr := profile.ParseUncompressed(raw)
	if pbErr == nil {
		if err := pp.CheckValid(); err != nil {
			return nil, false, &Error{File: name, Offset: -1, Msg: "malformed profile", Err: err}
		}
		return pp, false, nil
	}
	// Not protobuf: ParseData retries it and then tries each legacy format.
	pp, err = profile.ParseData(raw)
	switch {
	case err == nil:
		return pp, true, nil
	case !strings.HasSuffix(err.Error(), "unrecognized profile format"):
		return nil, false, &Error{File: name, Offset: -1, Err: err}
	case gzipped || raw[0] == 0x0a:
		// Compressed data or the usual first protobuf tag (field 1,
		// sample_type): a damaged protobuf, not some other format.
		return nil, false, &Error{File: name, Offset: -1, Msg: "corrupt pprof protobuf", Err: pbErr}
	}
	if k := marshalled(raw); k != "" {
		return nil, false, &Error{File: name, Offset: -1, Msg: "a marshalled " + k + ", not a profile", Err: ErrUnknownFormat}
	}
	return nil, false, &Error{File: name, Offset: -1, Msg: "first bytes " + firstBytes(raw), Err: ErrUnknownFormat}
}

func isGzip(data []byte) bool { return len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b }

// inflateLimit is the most bytes n bytes of gzip may inflate to.
func inflateLimit(n int) int64 { return min(MaxInput, max(inflateFloor, inflateRatio*int64(n))) }

// gunzip inflates data, refusing to produce more than the cap (see
// inflateRatio). The gzip trailer's size field sizes the buffer up front
// when it is plausible, so a large profile is not copied while it grows.
func gunzip(data []byte, name string) ([]byte, error) {
	limit := inflateLimit(len(data))
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, &Error{File: name, Offset: -1, Msg: "corrupt gzip header", Err: err}
	}
	hint := int64(0)
	if len(data) >= 18 {
		hint = int64(binary.LittleEndian.Uint32(data[len(data)-4:]))
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(hint, limit)+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(zr, limit+1)); err != nil {
		return nil, &Error{File: name, Offset: -1, Msg: "corrupt gzip stream", Err: err}
	}
	if int64(buf.Len()) > limit {
		return nil, &Error{File: name, Offset: -1, Msg: fmt.Sprintf(
			"decompresses to more than %d MiB, the limit for a %d-byte input (%d times the compressed size, at least %d MiB); refusing a likely decompression bomb",
			limit>>20, len(data), inflateRatio, inflateFloor>>20)}
	}
	return buf.Bytes(), nil
}

// firstBytes shows the start of an unrecognized input in hex and, when it
// is text, quoted, so the user can tell what the file really is.
func firstBytes(data []byte) string {
	head := data[:min(len(data), 8)]
	s := fmt.Sprintf("% x", head)
	if q := strconv.QuoteToASCII(string(head)); !strings.Contains(q, `\x`) {
		s += " " + q
	}
	return s
}

func sampleTypeNames(pp *profile.Profile) []string {
	names := make([]string, len(pp.SampleType))
	for i, st := range pp.SampleType {
		names[i] = st.Type
	}
	return names
}

// pprofScale converts a raw pprof value into the model's unit: value*mul/div.
// Sub-unit factors divide (ns: div 1e9) so 30000000ns becomes exactly 0.03.
type pprofScale struct {
	unit     string
	mul, div float64
}

func (s pprofScale) of(v float64) float64 { return v * s.mul / s.div }

// pprofUnits maps a lower-cased pprof unit (singular) to the model's unit.
// Time becomes seconds so pprof and pstats values compare directly; memory
// units use pprof's 1024 steps.
var pprofUnits = map[string]pprofScale{
	"ns": {"seconds", 1, 1e9}, "nanosecond": {"seconds", 1, 1e9},
	"us": {"seconds", 1, 1e6}, "μs": {"seconds", 1, 1e6}, "µs": {"seconds", 1, 1e6}, "microsecond": {"seconds", 1, 1e6},
	"ms": {"seconds", 1, 1e3}, "millisecond": {"seconds", 1, 1e3},
	"s": {"seconds", 1, 1}, "sec": {"seconds", 1, 1}, "second": {"seconds", 1, 1},
	"minute": {"seconds", 60, 1}, "hour": {"seconds", 3600, 1},
	"b": {"bytes", 1, 1}, "byte": {"bytes", 1, 1},
	"kb": {"bytes", 1 << 10, 1}, "kilobyte": {"bytes", 1 << 10, 1},
	"mb": {"bytes", 1 << 20, 1}, "megabyte": {"bytes", 1 << 20, 1},
	"gb": {"bytes", 1 << 30, 1}, "gigabyte": {"bytes", 1 << 30, 1},
	"tb": {"bytes", 1 << 40, 1}, "terabyte": {"bytes", 1 << 40, 1},
}

// pprofUnit returns how to convert values of a pprof sample unit into the
// model's units ("seconds", "bytes" or "count").
func pprofUnit(u string) pprofScale {
	u = strings.ToLower(strings.TrimSpace(u))
	if s, ok := pprofUnits[u]; ok {
		return s
	}
	if s, ok := pprofUnits[strings.TrimSuffix(u, "s")]; ok {
		return s
	}
	return pprofScale{"count", 1, 1}
}

// pprofDialect guesses the language of the profiled program from its
// function names and files: enough to tell a reader what produced it.
func pprofDialect(pp *profile.Profile, legacy bool) string {
	if legacy {
		return "legacy"
	}
	var java, python, cpp bool
	for _, fn := range pp.Function {
		switch {
		case strings.HasPrefix(fn.Name, "runtime.") || strings.HasSuffix(fn.Filename, ".go"):
			return "go"
		case strings.HasSuffix(fn.Filename, ".java") || strings.HasPrefix(fn.Name, "java."):
			java = true
		case strings.HasSuffix(fn.Filename, ".py"):
			python = true
		case strings.Contains(fn.Name, "::") || strings.HasSuffix(fn.Filename, ".cc") || strings.HasSuffix(fn.Filename, ".cpp"):
			cpp = true
		}
	}
	switch {
	case java:
		return "java"
	case python:
		return "python"
	case cpp:
		return "cpp"
	}
	return "pprof"
}

// stackBuilder turns pprof samples into interned stacks of function IDs and
// then into per-function and per-edge sums. Function IDs here are indexes
// into funcs; fill drops unused functions and Normalize renumbers the rest.
type stackBuilder struct {
	funcs []*Func
	// locFuncs[i] lists the functions of the location whose ID was set to
	// i+1, outermost (physical caller) first.
	locFuncs     [][]int
	unsymbolized int
	frameless    int
	samples      int // samples of earlier batches
	work         int // frames of the samples so far (see addSamples)

	// Interned stacks, values still raw. byHash holds the first stack with
	// a hash, next[i] the following one with the same hash or -1.
	stacks []Stack
	byHash map[uint64]int32
	next   []int32
	seed   maphash.Seed // seeded so crafted stacks cannot force collisions
	key    []byte       // scratch: the stack being hashed, as bytes
	block  []int        // storage the next interned stack is cut from
	total  float64
}

// newStackBuilder resolves every location of the dictionary pp once, for
// a profile of the given number of samples.
func newStackBuilder(pp *profile.Profile, samples int) *stackBuilder {
	b := &stackBuilder{
		locFuncs: make([][]int, len(pp.Location)),
		byHash:   make(map[uint64]int32, samples),
		stacks:   make([]Stack, 0, samples),
		seed:     maphash.MakeSeed(),
	}
	type funcKey struct{ name, file string }
	byKey := make(map[funcKey]int)
	intern := func(name, file string, line int64, synthetic bool) int {
		k := funcKey{name, file}
		id, ok := byKey[k]
		if !ok {
			id = len(b.funcs)
			byKey[k] = id
			b.funcs = append(b.funcs, &Func{Name: name, File: file, Line: int(line), Calls: -1, Primitive: -1, Synthetic: synthetic})
		} else if f := b.funcs[id]; line > 0 && (f.Line == 0 || int(line) < f.Line) {
			f.Line = int(line) // one start line whichever copy comes first
		}
		return id
	}
	for i, loc := range pp.Location {
		ids := make([]int, 0, max(1, len(loc.Line)))
		for j := len(loc.Line) - 1; j >= 0; j-- {
			if fn := loc.Line[j].Function; fn != nil && cmp.Or(fn.Name, fn.SystemName) != "" {
				ids = append(ids, intern(cmp.Or(fn.Name, fn.SystemName), fn.Filename, fn.StartLine, false))
			}
		}
		if len(ids) == 0 {
			b.unsymbolized++
			ids = append(ids, intern(addressName(loc), "", 0, true))
		}
		b.locFuncs[i] = ids
	}
	b.sortFuncs()
	return b
}

// sortFuncs puts funcs in the order Normalize will keep, (File, Name,
// Line), and renumbers the locations' functions to match. Stacks sorted
// now are then already in their final order.
func (b *stackBuilder) sortFuncs() {
	for i, f := range b.funcs {
		f.ID = i // the old index, until Normalize sets the final one
	}
	slices.SortFunc(b.funcs, func(x, y *Func) int {
		return cmp.Or(strings.Compare(x.File, y.File), strings.Compare(x.Name, y.Name), cmp.Compare(x.Line, y.Line))
	})
	remap := make([]int, len(b.funcs))
	for i, f := range b.funcs {
		remap[f.ID] = i
	}
	for _, ids := range b.locFuncs {
		for j, id := range ids {
			ids[j] = remap[id]
		}
	}
}

// addressName names an unsymbolized location by its mapping's file base
// name and its address, "libfoo.so 0x4a3f10", or the address alone.
func addressName(loc *profile.Location) string {
	addr := "0x" + strconv.FormatUint(loc.Address, 16)
	if loc.Mapping == nil || loc.Mapping.File == "" {
		return addr
	}
	file := loc.Mapping.File
	return file[strings.LastIndexAny(file, `/\`)+1:] + " " + addr
}

// DefaultMaxFrames is the most frames the samples of a pprof profile may
// expand to in all (Options.MaxFrames). A sample's frames are its
// locations' inlined lines, so a location of many lines referenced many
// times expands a small input enormously; real profiles stay well below
// (the 150,000-sample test profile expands to 2.8 million frames). Each
// frame costs a few nanoseconds and, when its stack is new, 8 bytes.
const DefaultMaxFrames = 1 << 26

// addSamples interns the stack of every sample of the batch pp with a
// non-zero value of sample type idx, refusing the profile once its
// samples expand to more than maxFrames frames in all: each sample's
// depth is counted before its stack is built. Negative values (diff
// profiles) are refused: the model holds costs, not differences. pp's
// locations are those of the dictionary, in the same order; their IDs
// are renumbered to their index+1 so a sample's frames find their
// functions by slice index rather than by map.
func (b *stackBuilder) addSamples(pp *profile.Profile, idx, maxFrames int) error {
	for i, loc := range pp.Location {
		loc.ID = uint64(i + 1)
	}
	var stack []int
	defer func() { b.samples += len(pp.Sample) }()
	for i, s := range pp.Sample {
		n := b.samples + i
		v := s.Value[idx]
		if v == 0 {
			continue
		}
		if v < 0 {
			return fmt.Errorf("sample %d has the negative value %d; difference profiles are not supported", n, v)
		}
		for _, loc := range s.Location {
			if i := loc.ID - 1; i < uint64(len(b.locFuncs)) {
				b.work += len(b.locFuncs[i])
			}
		}
		if b.work > maxFrames {
			return fmt.Errorf("samples expand to more than %d frames (stack depth with inlined lines, summed over samples); "+
				"if the profile is genuine, raise the limit (loopdoctor --max-frames)", maxFrames)
		}
		b.total += float64(v)
		stack = stack[:0]
		for j := len(s.Location) - 1; j >= 0; j-- {
			loc := s.Location[j].ID - 1
			if loc >= uint64(len(b.locFuncs)) {
				return fmt.Errorf("sample %d refers to a location missing from the location table", n)
			}
			stack = append(stack, b.locFuncs[loc]...)
		}
		if len(stack) == 0 {
			b.frameless++
			continue
		}
		b.stacks[b.intern(stack)].Value += float64(v)
		pp.Sample[i] = nil // consumed: the collector may take it while the rest is read
	}
	return nil
}

// intern returns the index of the stored stack equal to stack, storing a
// copy first if there is none.
func (b *stackBuilder) intern(stack []int) int32 {
	b.key = b.key[:0]
	for _, id := range stack {
		b.key = binary.LittleEndian.AppendUint32(b.key, uint32(id))
	}
	key := maphash.Bytes(b.seed, b.key)
	first, ok := b.byHash[key]
	if ok {
		for i := first; i >= 0; i = b.next[i] {
			if slices.Equal(b.stacks[i].Funcs, stack) {
				return i
			}
		}
	} else {
		first = -1
	}
	i := int32(len(b.stacks))
	b.next = append(b.next, first)
	b.byHash[key] = i
	b.stacks = append(b.stacks, Stack{Funcs: b.store(stack)})
	return i
}

// stackBlock is how many function IDs store allocates at a time: stacks are
// cut from shared blocks, never copied as storage grows.
const stackBlock = 1 << 16

// store copies stack into the current storage block.
func (b *stackBuilder) store(stack []int) []int {
	if len(b.block)+len(stack) > cap(b.block) {
		b.block = make([]int, 0, max(stackBlock, len(stack)))
	}
	lo := len(b.block)
	b.block = append(b.block, stack...)
	return b.block[lo:len(b.block):len(b.block)]
}

// fill sums the interned stacks into p's functions, edges and stacks. Raw
// values are summed first and scaled at the end, so sums stay exact while
// they fit a float64 mantissa. Functions on no stack (seen only in samples
// whose value is zero for this sample type) are left out.
func (b *stackBuilder) fill(p *Profile, scale pprofScale) {
	own := make([]float64, len(b.funcs))
	cum := make([]float64, len(b.funcs))
	seen := make([]int32, len(b.funcs)) // stack index+1 that last counted a function
	type edgeSum struct {
		caller, callee int
		own, cum       float64
		seen           int32
		next           int32 // the caller's previous edge in its short list, or -1
	}
	var edges []edgeSum
	// A function calls few others, so the first shortList edges of each
	// caller are found by scanning a list from first[caller], the
	// latest first; only a caller of more (a dispatcher) has the rest
	// looked up in edgeIndex, which keeps a crafted caller of thousands
	// linear.
	const shortList = 8
	first := make([]int32, len(b.funcs))
	listed := make([]uint8, len(b.funcs))
	for i := range first {
		first[i] = -1
	}
	edgeIndex := make(map[uint64]int32)
	edgeIn := func(caller, callee int) int32 {
		for e := first[caller]; e >= 0; e = edges[e].next {
			if edges[e].callee == callee {
				return e
			}
		}
		key := uint64(caller)<<32 | uint64(callee)
		if listed[caller] == shortList {
			if e, ok := edgeIndex[key]; ok {
				return e
			}
		}
		e := int32(len(edges))
		edges = append(edges, edgeSum{caller: caller, callee: callee, next: -1})
		if listed[caller] < shortList {
			listed[caller]++
			edges[e].next, first[caller] = first[caller], e
		} else {
			edgeIndex[key] = e
		}
		return e
	}
	// last[f] is 1 + the edge last found from caller f (0: none): sorted
	// stacks share prefixes, so it spares most scans.
	last := make([]int32, len(b.funcs))
	edgeOf := func(caller, callee int) int32 {
		if e := last[caller]; e > 0 && edges[e-1].callee == callee {
			return e - 1
		}
		e := edgeIn(caller, callee)
		last[caller] = e + 1
		return e
	}
	for i, st := range b.stacks {
		gen, v, stack := int32(i+1), st.Value, st.Funcs
		own[stack[len(stack)-1]] += v
		for j, id := range stack {
			if seen[id] != gen {
				seen[id] = gen
				cum[id] += v
			}
			if j == 0 {
				continue
			}
			e := edgeOf(stack[j-1], id)
			if es := &edges[e]; es.seen != gen {
				es.seen = gen
				es.cum += v
			}
			if j == len(stack)-1 {
				edges[e].own += v
			}
		}
	}
	remap := make([]int, len(b.funcs))
	for i, f := range b.funcs {
		if seen[i] == 0 {
			continue
		}
		remap[i] = len(p.Funcs)
		f.Own, f.Cum = scale.of(own[i]), scale.of(cum[i])
		p.Funcs = append(p.Funcs, f)
	}
	for i := range b.stacks {
		st := &b.stacks[i]
		st.Value = scale.of(st.Value)
		for j, id := range st.Funcs {
			st.Funcs[j] = remap[id]
		}
	}
	p.Stacks = b.stacks
	p.Edges = make([]*Edge, len(edges))
	for i, e := range edges {
		p.Edges[i] = &Edge{Caller: b.funcs[e.caller], Callee: b.funcs[e.callee], Calls: -1, Primitive: -1, Own: scale.of(e.own), Cum: scale.of(e.cum)}
	}
	p.Total = scale.of(b.total)
}
