package parse

import (
	"bytes"
	"cmp"
	"errors"
	"io"

	"github.com/google/pprof/profile"
	"github.com/klauspost/compress/gzip"
	"google.golang.org/protobuf/encoding/protowire"
)

// A pprof profile is one protobuf message, Profile, in which field 2
// repeats once per sample and every other field (sample types, mappings,
// locations, functions, the string table, drop_frames, period and so on)
// is a dictionary the samples refer to. google/pprof's parser holds all
// of it as objects at once, some 9 bytes of objects per byte of sample,
// and more while it decodes. So loopdoctor reads a protobuf profile twice
// as a stream, walking only the top-level field framing (protowire does
// that; google/pprof still decodes every message):
//
//  1. keep the bytes of every field but the samples, and decode them
//     alone: the dictionary;
//  2. gather the samples in batches of bounded size and decode each
//     batch together with a dictionary, as a profile of its own, whose
//     samples are turned into stacks before the next batch is decoded.
//
// Pass 2 inflates the input again, unless pass 1 could keep the samples'
// bytes (see keepRatio).
//
// A batch's samples need only part of the dictionary to decode as they
// would beside all of it: the sample types (how many values a sample
// has), the string table (its labels' keys and values) and the IDs of
// the locations (a sample's frames). So unless the profile asks to hide
// frames (drop_frames, which prunes samples by their locations' lines),
// each batch is decoded beside a lean dictionary: the sample type and
// string table fields as the profile has them, and one location of an
// ID alone for each of the profile's locations, in their order. It
// decodes, or fails to, exactly where the whole dictionary would, and
// gives the same values and location IDs. On the synthetic profile of
// 300,000 samples and 20,000 functions it is 0.8 MB instead of 1.4 MB and
// decodes in 3.0 ms instead of 8.4 ms (the functions, the locations'
// lines and the checks of both are what cost).
//
// Batches are sized so that decoding their dictionary again stays a
// small share of the work.
const (
	sampleTypeField  = 1
	sampleField      = 2
	locationField    = 4
	stringTableField = 6
	// batchFloor is the least sample bytes per batch: some 30,000
	// samples of a typical CPU profile, about 17 MB of google/pprof
	// objects while the batch is decoded.
	batchFloor = 2 << 20
	// batchPerDict is how many times its dictionary a batch holds at
	// least, so that a profile whose dictionary outweighs its samples
	// does not decode it over and over: the re-decoding stays below the
	// decoding of the samples themselves.
	batchPerDict = 1
	// keepRatio: pass 1 keeps the samples' inflated bytes, in pieces of
	// at most keepPiece, while they stay within keepRatio times the
	// compressed input, and pass 2 then reads them instead of inflating
	// it again, letting each piece go once decoded. Nearly distinct
	// stacks compress poorly (the synthetic 300,000-sample profile:
	// 14 MB of gzip for 18 MB of samples), so keeping them costs little
	// more than the compressed input, which is kept anyway, and spares a
	// second inflate, a tenth of the read; a profile that compresses
	// well (allocs.pb.gz: 6 times) is inflated again rather than held.
	keepRatio = 2
	keepPiece = 1 << 20
)

// errNotStreamed says the input cannot be read in batches (it is not a
// well-formed protobuf, or not within the size cap) and must be read
// whole, which gives the same profile or the same error as before.
var errNotStreamed = errors.New("not a streamable protobuf profile")

// pprofStream is a protobuf pprof profile, gzipped or not, read in
// batches of samples.
type pprofStream struct {
	data    []byte   // as given: gzipped or plain protobuf
	limit   int64    // the most bytes data may inflate to
	batch   int      // sample bytes per batch
	dict    []byte   // pass 1: every field but the samples
	lean    []byte   // pass 1: the lean dictionary, if the batches can use it
	samples int      // pass 1: how many samples there are
	kept    [][]byte // pass 1: the samples' fields, if kept (see keepRatio)
}

// scanPprof is pass 1: it keeps the dictionary's fields and counts the
// samples, to be read in batches of the given sample bytes (0: the
// default size). It fails with errNotStreamed if data is not gzipped or
// plain protobuf within the size cap, or if its dictionary does not
// decode.
func scanPprof(data []byte, batch int) (*pprofStream, *profile.Profile, error) {
	s := &pprofStream{data: data, limit: inflateLimit(len(data))}
	keep, keptBytes, piece := isGzip(data), 0, keepPiece
	if batch > 0 {
		piece = min(piece, batch) // no piece holds more than a batch
	}
	err := s.fields(func(num protowire.Number, field []byte) error {
		if num != sampleField {
			s.dict = append(s.dict, field...)
			if num == sampleTypeField || num == stringTableField {
				s.lean = append(s.lean, field...)
			}
			return nil
		}
		s.samples++
		if keptBytes += len(field); keep && keptBytes > keepRatio*len(data) {
			keep, s.kept = false, nil
		}
		if keep {
			if n := len(s.kept); n == 0 || len(s.kept[n-1])+len(field) > cap(s.kept[n-1]) {
				s.kept = append(s.kept, make([]byte, 0, max(piece, len(field))))
			}
			s.kept[len(s.kept)-1] = append(s.kept[len(s.kept)-1], field...)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	dict, err := decodePart(s.dict)
	if err != nil {
		return nil, nil, err
	}
	if dict.DropFrames == "" {
		s.lean = leanLocations(s.lean, dict.Location)
	} else {
		s.lean = nil
	}
	s.batch = cmp.Or(batch, max(batchFloor, batchPerDict*len(s.batchDict())))
	return s, dict, nil
}

// leanLocations appends to the lean dictionary msg a location for each of
// locs that holds its ID alone, encoded by google/pprof. Only the
// location fields of that encoding are kept: its string table, of one
// empty string, would land past the profile's own strings, where a label
// could name it.
func leanLocations(msg []byte, locs []*profile.Location) []byte {
	lean := &profile.Profile{Location: make([]*profile.Location, len(locs))}
	for i, loc := range locs {
		lean.Location[i] = &profile.Location{ID: loc.ID}
	}
	var buf bytes.Buffer
	lean.WriteUncompressed(&buf) // a bytes.Buffer takes every write
	sc := &fieldScanner{buf: buf.Bytes(), hi: buf.Len(), eof: true}
	for {
		num, field, err := sc.next()
		if err != nil {
			return msg // io.EOF: google/pprof's encoding is well formed
		}
		if num == locationField {
			msg = append(msg, field...)
		}
	}
}

// batchDict is the dictionary each batch is decoded with.
func (s *pprofStream) batchDict() []byte {
	if s.lean != nil {
		return s.lean
	}
	return s.dict
}

// decodePart decodes a dictionary, or one with a batch of samples, as a
// whole profile would be decoded and checked.
func decodePart(msg []byte) (*profile.Profile, error) {
	pp, err := profile.ParseUncompressed(msg)
	if err != nil || pp.CheckValid() != nil {
		return nil, errNotStreamed
	}
	return pp, nil
}

// eachBatch is pass 2: it decodes the samples in batches, each as a
// profile holding the dictionary and the batch, prunes it as the profile
// asks (drop_frames) and hands it to fn. Once fn fails, the remaining
// batches are still decoded: if one of them does not decode, reading the
// profile whole reports that (the whole profile does not decode at all),
// so the error is errNotStreamed; otherwise it is fn's. Unless the error
// is errNotStreamed, s lets the input go: it is no longer needed, and the
// compressed input of a large profile is a good part of what is live.
func (s *pprofStream) eachBatch(fn func(*profile.Profile) error) error {
	dict := s.batchDict()
	msg := make([]byte, len(dict), len(dict)+s.batch)
	copy(msg, dict)
	var fnErr error
	flush := func() error {
		if len(msg) == len(dict) {
			return nil
		}
		pp, err := decodePart(msg)
		if err != nil {
			return err
		}
		msg = msg[:len(dict)]
		if fnErr == nil {
			pp.RemoveUninteresting() // the dictionary's pattern compiled in pass 1
			fnErr = fn(pp)
		}
		return nil
	}
	add := func(samples []byte) error {
		msg = append(msg, samples...)
		if len(msg)-len(dict) < s.batch {
			return nil
		}
		return flush()
	}
	var err error
	if s.kept != nil {
		for i := 0; i < len(s.kept) && err == nil; i++ {
			err = add(s.kept[i])
			s.kept[i] = nil
		}
	} else {
		err = s.fields(func(num protowire.Number, field []byte) error {
			if num != sampleField {
				return nil
			}
			return add(field)
		})
	}
	if err == nil {
		err = flush()
	}
	if err != nil {
		return err
	}
	s.data, s.dict, s.lean, s.kept = nil, nil, nil, nil
	return fnErr
}

// fields calls fn with each top-level field of the profile message, its
// number and its encoding (tag and value), which is valid only during
// the call. It inflates gzipped data as a stream.
func (s *pprofStream) fields(fn func(protowire.Number, []byte) error) error {
	sc := &fieldScanner{buf: s.data, hi: len(s.data), eof: true}
	if isGzip(s.data) {
		zr, err := gzip.NewReader(bytes.NewReader(s.data))
		if err != nil {
			return errNotStreamed
		}
		sc = &fieldScanner{r: io.LimitReader(zr, s.limit+1), buf: make([]byte, 64<<10)}
	}
	for {
		num, field, err := sc.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return errNotStreamed
		}
		if err := fn(num, field); err != nil {
			return err
		}
	}
	if sc.read > s.limit {
		return errNotStreamed
	}
	return nil
}

// fieldScanner splits a protobuf message read from r, or held whole in
// buf, into its top-level fields.
type fieldScanner struct {
	r      io.Reader
	buf    []byte
	lo, hi int   // the bytes read but not yet returned are buf[lo:hi]
	read   int64 // bytes read from r
	eof    bool  // r is exhausted (or there is no r)
}

// next returns the next field's number and encoding, valid until the
// following call, or io.EOF after the last one. It refuses what
// google/pprof's decoder refuses at this level (groups, reserved wire
// types, bad varints, truncation) and, being stricter, a field number
// of 0.
func (sc *fieldScanner) next() (protowire.Number, []byte, error) {
	for {
		b := sc.buf[sc.lo:sc.hi]
		if len(b) == 0 && sc.eof {
			return 0, nil, io.EOF
		}
		num, typ, n := protowire.ConsumeField(b)
		if n >= 0 {
			if typ == protowire.StartGroupType {
				return 0, nil, errNotStreamed
			}
			sc.lo += n
			return num, b[:n], nil
		}
		if err := protowire.ParseError(n); err != io.ErrUnexpectedEOF || sc.eof {
			return 0, nil, err
		}
		if err := sc.fill(); err != nil {
			return 0, nil, err
		}
	}
}

// fill moves the unread bytes to the front of buf, doubles buf if they
// fill it (a field longer than buf), and reads until buf is full or r
// is exhausted. Doubling keeps the rescans of a long field linear.
func (sc *fieldScanner) fill() error {
	n := copy(sc.buf, sc.buf[sc.lo:sc.hi])
	sc.lo, sc.hi = 0, n
	if n == len(sc.buf) {
		sc.buf = append(sc.buf, make([]byte, len(sc.buf))...)
	}
	for sc.hi < len(sc.buf) {
		k, err := sc.r.Read(sc.buf[sc.hi:])
		sc.hi += k
		sc.read += int64(k)
		if err == io.EOF {
			sc.eof = true
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}
