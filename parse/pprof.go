package parse

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/google/pprof/profile"
	"github.com/klauspost/compress/gzip"
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
	s, dict, err := scanPprof(data, batch)
	if err != nil {
		return readPprofWhole(data, name, opts)
	}
	// From here on only s holds data, and only until the samples are read.
	p, err := convertPprof(pprofInput{dict: dict, samples: s.samples, eachBatch: s.eachBatch}, name, opts)
	if errors.Is(err, errNotStreamed) {
		return readPprofWhole(s.data, name, opts)
	}
	return p, err
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

// refuse returns err, found in the dictionary, unless a sample does not
// decode: reading the profile whole reports that first, and so must a
// streamed read, whose samples are not decoded yet (errNotStreamed).
func (in pprofInput) refuse(err error) error {
	if errors.Is(in.eachBatch(func(*profile.Profile) error { return nil }), errNotStreamed) {
		return errNotStreamed
	}
	return err
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
		return nil, in.refuse(&Error{File: name, Offset: -1, Msg: "profile has no sample types"})
	}
	idx, err := pp.SampleIndexByName(opts.SampleType)
	if err != nil {
		return nil, in.refuse(&Error{File: name, Offset: -1, Msg: fmt.Sprintf("no sample type %q; the profile has %s", opts.SampleType, strings.Join(sampleTypeNames(pp), ", "))})
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
	// The builder holds what it needs of the dictionary, whose objects
	// (some 5 MB on a 20,000-function profile) the collections while the
	// samples are read then need not mark. (A profile read whole is its
	// own batch, held by in.eachBatch.)
	locations := len(pp.Location)
	pp, in.dict = nil, nil
	maxFrames := cmp.Or(opts.MaxFrames, DefaultMaxFrames)
	err = in.eachBatch(func(batch *profile.Profile) error { return b.addSamples(batch, idx, maxFrames) })
	if errors.Is(err, errNotStreamed) {
		return nil, err
	}
	if err != nil {
		return nil, &Error{File: name, Offset: -1, Err: err}
	}
	if b.unsymbolized > 0 {
		notes = append(notes, fmt.Sprintf("no function names at %d of %d locations, shown as mapping and address", b.unsymbolized, locations))
	}
	b.build(p, scale)
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
