package parse

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/google/pprof/profile"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/loopdoctor/loopdoctor/internal/synth"
)

// TestPprofStreamed checks that reading a profile in batches of samples
// gives exactly the model, notes included, or the error that reading it
// whole gives: with small batches, with the default batches, and for
// each sample type. It also checks that the valid protobuf inputs are
// really streamed in those batches rather than read whole.
func TestPprofStreamed(t *testing.T) {
	var big bytes.Buffer
	if err := synth.Pprof(300, 60).Write(&big); err != nil {
		t.Fatal(err)
	}
	// How an input is read: whole (pass 1 refuses it), streamed, or
	// whole after pass 2 met a sample that does not decode.
	const (
		whole = iota
		streamed
		late
	)
	type input struct {
		name string
		data []byte
		read int
	}
	lastString := uint64(len(stringTable(t, syntheticPprof(t))) - 1)
	inputs := []input{
		{"synthetic", syntheticPprof(t), streamed},
		{"synthetic plain", ungzip(t, syntheticPprof(t)), streamed},
		{"drop_frames", droppingPprof(t, "helper|rec"), streamed},
		{"bad drop_frames", droppingPprof(t, "(("), streamed},
		{"generated", big.Bytes(), streamed},
		{"repeated", repeatedPprof(t), streamed},
		{"zero", oneFunctionPprof(t, "f", "f.go", 0), streamed},
		{"negative", oneFunctionPprof(t, "f", "f.go", -3), streamed},
		{"a sample that does not decode", appendField(t, syntheticPprof(t), undecodableSample), late},
		// Batches are decoded beside a lean dictionary: it must keep every
		// string a label may name, and fail where the whole one fails.
		{"a label naming the last string", appendField(t, syntheticPprof(t), sampleAt(10, lastString, 1)), streamed},
		{"a label naming a string past the table", appendField(t, syntheticPprof(t), sampleAt(10, lastString+1, 1)), late},
		{"a sample at a missing location", appendField(t, syntheticPprof(t), sampleAt(99, 0, 0)), late},
		{"negative, then a sample that does not decode", appendField(t, oneFunctionPprof(t, "f", "f.go", -3), undecodableSample), late},
		// Found by FuzzPprof: the dictionary has no sample types and the
		// one sample is a varint, not a message.
		{"no sample types, a sample that does not decode", []byte{0x32, 0x00, 0x10, 0x30}, late},
		{"truncated protobuf", ungzip(t, syntheticPprof(t))[:100], whole},
		{"legacy heap", []byte(legacyHeap), whole},
	}
	for _, file := range []string{"cpu/cpu.pb.gz", "heap/heap.pb.gz", "allocs/allocs.pb.gz", "empty/empty.pb.gz"} {
		if testing.Short() && file == "allocs/allocs.pb.gz" {
			continue // seconds
		}
		data, err := os.ReadFile(pprofPath(file))
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, input{file, data, streamed})
	}
	var kept, inflated int // streamed gzip inputs whose samples pass 1 kept, or not
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			// One sample per batch, but some ten batches and only the
			// default sample type for the large profile, whose every
			// batch decodes the dictionary again.
			batch := 1
			if len(in.data) > 1<<20 {
				batch = 1 << 20
			}
			s, dict, err := scanPprof(in.data, batch)
			if (err == nil) != (in.read != whole) {
				t.Fatalf("pass 1 error %v, want %v", err, in.read != whole)
			}
			if err == nil && (s.lean == nil) != (dict.DropFrames != "") {
				t.Errorf("lean dictionary %t for drop_frames %q: want one unless frames are dropped", s.lean != nil, dict.DropFrames)
			}
			if err == nil && isGzip(in.data) {
				if s.kept != nil {
					kept++
				} else {
					inflated++
				}
			}
			if err == nil {
				batches := 0
				err := s.eachBatch(func(*profile.Profile) error { batches++; return nil })
				switch {
				case in.read == late && !errors.Is(err, errNotStreamed):
					t.Errorf("pass 2 error %v, want %v", err, errNotStreamed)
				case in.read == streamed && err != nil:
					t.Errorf("pass 2 error %v", err)
				case in.read == streamed && batch == 1 && batches != s.samples:
					t.Errorf("%d batches, want one per sample: %d", batches, s.samples)
				case in.read == streamed && batches < min(s.samples, 2):
					t.Errorf("%d batches of %d samples", batches, s.samples)
				}
			}
			types := []string{""}
			if pp, err := profile.ParseData(in.data); err == nil && batch == 1 {
				types = append(types, sampleTypeNames(pp)...)
			}
			for _, st := range types {
				opts := Options{SampleType: st}
				want := modelOrError(readPprofWhole(in.data, "x.pb.gz", opts))
				for _, batch := range []int{batch, 0} {
					if got := modelOrError(readPprof(in.data, "x.pb.gz", opts, batch)); got != want {
						t.Errorf("sample type %q, batches of %d bytes: streamed read differs from whole read:\n%s\nwant\n%s", st, batch, head(got), head(want))
					}
				}
			}
		})
	}
	if kept == 0 || inflated == 0 {
		t.Errorf("pass 1 kept the samples of %d gzipped inputs and left %d to inflate again: both ways must be tested", kept, inflated)
	}
}

// modelOrError is the model's canonical dump, or the error's message.
func modelOrError(p *Profile, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	return p.String()
}

func head(s string) string { return s[:min(len(s), 2000)] }

// undecodableSample is a sample field whose location_id (field 1) is
// written as a fixed32, which google/pprof's decoder refuses: the
// framing is sound, the message is not.
var undecodableSample = protowire.AppendBytes(protowire.AppendTag(nil, sampleField, protowire.BytesType),
	protowire.AppendFixed32(protowire.AppendTag(nil, 1, protowire.Fixed32Type), 7))

// sampleAt is a sample field of the synthetic profile's two values at the
// location of the given ID, with a label of the given key and value
// strings (their indexes in the string table) unless key is 0.
func sampleAt(loc, key, str uint64) []byte {
	msg := protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), loc)
	for _, v := range []uint64{1, 10000000} {
		msg = protowire.AppendVarint(protowire.AppendTag(msg, 2, protowire.VarintType), v)
	}
	if key != 0 {
		label := protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), key)
		label = protowire.AppendVarint(protowire.AppendTag(label, 2, protowire.VarintType), str)
		msg = protowire.AppendBytes(protowire.AppendTag(msg, 3, protowire.BytesType), label)
	}
	return protowire.AppendBytes(protowire.AppendTag(nil, sampleField, protowire.BytesType), msg)
}

// stringTable returns the string table fields of a gzipped profile.
func stringTable(t *testing.T, data []byte) [][]byte {
	t.Helper()
	var strs [][]byte
	s := &pprofStream{data: data, limit: inflateLimit(len(data))}
	err := s.fields(func(num protowire.Number, field []byte) error {
		if num == stringTableField {
			strs = append(strs, bytes.Clone(field))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strs
}

// appendField appends a field to a profile's message, gunzipping it first.
func appendField(t *testing.T, data, field []byte) []byte {
	t.Helper()
	return append(ungzip(t, data), field...)
}

// droppingPprof is the synthetic profile asking to drop the frames that
// match pattern and those beneath them.
func droppingPprof(t *testing.T, pattern string) []byte {
	t.Helper()
	pp, err := profile.ParseData(syntheticPprof(t))
	if err != nil {
		t.Fatal(err)
	}
	pp.DropFrames = pattern
	return encodePprof(t, pp)
}

// repeatedPprof is a profile of 3,000 samples of the same stack, which
// gzip shrinks far more than keepRatio.
func repeatedPprof(t *testing.T) []byte {
	t.Helper()
	pp, err := profile.ParseData(syntheticPprof(t))
	if err != nil {
		t.Fatal(err)
	}
	for range 3000 {
		pp.Sample = append(pp.Sample, &profile.Sample{Location: pp.Sample[0].Location, Value: pp.Sample[0].Value})
	}
	return encodePprof(t, pp)
}
