package parse

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strings"
)

// MaxInput is the largest input read into memory. Real pstats dumps are a
// few MB and real pprof files rarely pass 100 MB; a bigger input is refused
// rather than risk exhausting memory.
const MaxInput = 1 << 30

// Options tune a read. The zero value reads the profile's default view.
type Options struct {
	// SampleType picks one pprof sample type ("cpu", "alloc_space", ...).
	// Empty means the profile's default type, else its last one, as pprof
	// does. Ignored for pstats.
	SampleType string

	// MaxFrames bounds the work of reading a pprof profile: the frames
	// its samples expand to in all. 0 means DefaultMaxFrames.
	MaxFrames int
}

// File reads the named file, or standard input for "-". A pstats dump in
// a regular file is decoded from a mapping of the file (see readMapped).
func File(name string, opts Options) (*Profile, error) {
	if name == "-" {
		return Read(os.Stdin, name, opts)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err // *PathError already names the file
	}
	defer f.Close()
	if p, ok, err := readMapped(f, name, opts); ok {
		return p, err
	}
	return Read(f, name, opts)
}

// Read reads a whole profile from r. name is used only in messages and as
// the profile's Source. It looks at the first bytes before buffering the
// rest, so an input no reader accepts (/dev/zero, a binary) is refused at
// once rather than read up to MaxInput.
func Read(r io.Reader, name string, opts Options) (*Profile, error) {
	br := bufio.NewReaderSize(r, sniffLen)
	head, err := br.Peek(sniffLen)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, &Error{File: name, Offset: -1, Msg: "read failed", Err: err}
	}
	if _, err := Detect(head); err != nil {
		return nil, &Error{File: name, Offset: -1, Err: err}
	}
	// A file's size is a hint for the buffer: io.ReadAll would grow it step
	// by step, copying a 3 MB dump many times over.
	var buf bytes.Buffer
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() <= MaxInput {
			buf.Grow(int(fi.Size()) + bytes.MinRead)
		}
	}
	if _, err := buf.ReadFrom(io.LimitReader(br, MaxInput+1)); err != nil {
		return nil, &Error{File: name, Offset: -1, Msg: "read failed", Err: err}
	}
	data := buf.Bytes()
	if len(data) > MaxInput {
		return nil, &Error{File: name, Offset: -1, Msg: fmt.Sprintf("larger than the %d MiB loopdoctor reads", MaxInput>>20)}
	}
	return Data(data, name, opts)
}

// Data is Read for an input already in memory.
func Data(data []byte, name string, opts Options) (*Profile, error) {
	format, err := Detect(data)
	if err != nil {
		return nil, &Error{File: name, Offset: -1, Err: err}
	}
	var p *Profile
	switch format {
	case Pstats:
		p, err = PstatsData(data, name)
	default:
		p, err = PprofData(data, name, opts)
	}
	if err != nil {
		return nil, err
	}
	p.Source = name
	return p, nil
}

// sniffLen is how many first bytes Detect needs at most: a legacy binary
// CPU profile's header is five 64-bit words.
const sniffLen = 40

// Detect names the format of data from its first bytes (it looks at no
// more than sniffLen). File names prove nothing: cProfile, pprof and gprof
// all write ".prof" files. A marshalled dict is pstats; so is a marshalled
// list or tuple, which the pstats reader then refuses by name (no pprof
// protobuf starts with those bytes, as they are tags of fields pprof does
// not have or wire types it does not use). Detect refuses what no reader
// accepts: gprof's text, and a first byte that is neither text nor a
// protobuf field tag (field 0, which protobuf reserves, or a wire type
// pprof's decoder does not know), unless it starts a legacy binary CPU
// profile. Everything else goes to the pprof reader, which knows protobuf,
// gzip and the legacy formats and reports ErrUnknownFormat for what it
// cannot read.
func Detect(data []byte) (Format, error) {
	if len(data) == 0 {
		return "", fmt.Errorf("empty input: %w", ErrUnknownFormat)
	}
	b := data[0]
	switch {
	case strings.IndexByte("{[()", b&^0x80) >= 0: // FLAG_REF is 0x80
		return Pstats, nil
	case isGzip(data), isText(b) && !bytes.HasPrefix(data, []byte("Flat profile:")):
		return Pprof, nil
	case isText(b):
		return "", fmt.Errorf("gprof text output is not supported: %w", ErrUnknownFormat)
	case b>>3 != 0 && validWireType(b&7), legacyCPU(data):
		return Pprof, nil
	}
	what := "first bytes " + firstBytes(data)
	if k, ok := marshalKinds[b&^0x80]; ok && b != 0 {
		what = "a marshalled " + k + ", not a profile"
	}
	return "", fmt.Errorf("%s: %w", what, ErrUnknownFormat)
}

// marshalKinds names the marshal type codes that start no profile, for
// the message when an input starts with one.
var marshalKinds = map[byte]string{
	'c': "code object", '<': "set", '>': "frozenset",
}

// isText reports whether b can start a legacy text profile: printable
// ASCII or white space.
func isText(b byte) bool { return b >= 0x20 && b < 0x7f || b == '\t' || b == '\n' || b == '\r' }

// validWireType reports whether pprof's protobuf decoder reads fields of
// wire type t: varint, 64-bit, length-delimited or 32-bit.
func validWireType(t byte) bool { return t == 0 || t == 1 || t == 2 || t == 5 }

// legacyCPU reports whether data starts with the header of a legacy binary
// CPU profile (gperftools, Java profilez): the words 0, 3, 0 or 1, a
// positive period, 0, in 32- or 64-bit words of either byte order.
func legacyCPU(data []byte) bool {
	for _, size := range []int{4, 8} {
		if len(data) < 5*size {
			continue
		}
		for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			var w [5]uint64
			for i := range w {
				if size == 4 {
					w[i] = uint64(order.Uint32(data[i*4:]))
				} else {
					w[i] = order.Uint64(data[i*8:])
				}
			}
			if w[0] == 0 && w[1] == 3 && w[2] <= 1 && w[3] > 0 && w[4] == 0 {
				return true
			}
		}
	}
	return false
}

// marshalled names the Python object data holds when it is one marshalled
// object other than the containers Detect sends to the pstats reader (a
// code object, a set, a number...), or returns "".
func marshalled(data []byte) string {
	if strings.IndexByte("NFTSilgfxystuaAzZcr<>", data[0]&^0x80) < 0 {
		return ""
	}
	d := newDecoder(data)
	v, err := d.decode()
	if err != nil {
		return ""
	}
	if k, ok := marshalKinds[data[0]&^0x80]; ok {
		return k // tells a frozenset from a set
	}
	return v.kind().String()
}
