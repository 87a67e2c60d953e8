package parse

import (
	"bytes"
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
}

// File reads the named file, or standard input for "-".
func File(name string, opts Options) (*Profile, error) {
	var r io.Reader = os.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err // *PathError already names the file
		}
		defer f.Close()
		r = f
	}
	return Read(r, name, opts)
}

// Read reads a whole profile from r. name is used only in messages and as
// the profile's Source.
func Read(r io.Reader, name string, opts Options) (*Profile, error) {
	// A file's size is a hint for the buffer: io.ReadAll would grow it step
	// by step, copying a 3 MB dump many times over.
	var buf bytes.Buffer
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() <= MaxInput {
			buf.Grow(int(fi.Size()) + bytes.MinRead)
		}
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, MaxInput+1)); err != nil {
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

// Detect names the format of data from its first bytes. File names prove
// nothing: cProfile, pprof and gprof all write ".prof" files. A marshalled
// dict is pstats; so is a marshalled list or tuple, which the pstats reader
// then refuses by name (no pprof protobuf starts with those bytes, as they
// are tags of fields pprof does not have or wire types it does not use);
// gprof's text is refused here; everything else goes to the pprof reader,
// which knows protobuf, gzip and the legacy formats and reports
// ErrUnknownFormat for what it cannot read.
func Detect(data []byte) (Format, error) {
	switch {
	case len(data) == 0:
		return "", fmt.Errorf("empty input: %w", ErrUnknownFormat)
	case strings.IndexByte("{[()", data[0]&^0x80) >= 0: // FLAG_REF is 0x80
		return Pstats, nil
	case bytes.HasPrefix(data, []byte("Flat profile:")):
		return "", fmt.Errorf("gprof text output is not supported: %w", ErrUnknownFormat)
	}
	return Pprof, nil
}
