package parse

import (
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
)

// endless is a stream that never ends, counting the bytes taken from it.
type endless struct {
	fill byte
	read int
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.fill
	}
	e.read += len(p)
	return len(p), nil
}

// TestReadSniffs checks that an input no reader accepts is refused from
// its first bytes, before the rest is buffered: /dev/zero or an endless
// pipe of binary bytes ends at once, not after a gigabyte.
func TestReadSniffs(t *testing.T) {
	for _, tc := range []struct {
		name string
		fill byte
		msg  string
	}{
		{"zeros", 0, "first bytes 00 00 00 00 00 00 00 00: unknown profile format"},
		{"field 0", 0x02, "first bytes 02 02 02 02 02 02 02 02: unknown profile format"},
		{"wire type 7", 0xff, "first bytes ff ff ff ff ff ff ff ff: unknown profile format"},
		{"flagged frozenset codes", 0xbe, "a marshalled frozenset, not a profile: unknown profile format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &endless{fill: tc.fill}
			_, err := Read(in, "-", Options{})
			if err == nil || err.Error() != "-: "+tc.msg {
				t.Errorf("error %v, want -: %s", err, tc.msg)
			}
			if !errors.Is(err, ErrUnknownFormat) {
				t.Errorf("error does not wrap ErrUnknownFormat")
			}
			if in.read > 4096 {
				t.Errorf("read %d bytes before refusing", in.read)
			}
		})
	}
}

// TestDetect checks the first-byte rules one by one, including the inputs
// that look odd but some reader accepts.
func TestDetect(t *testing.T) {
	cpu := func(order binary.AppendByteOrder, size int) []byte {
		var b []byte
		for _, w := range []uint64{0, 3, 0, 10000, 0} {
			if size == 4 {
				b = order.AppendUint32(b, uint32(w))
			} else {
				b = order.AppendUint64(b, w)
			}
		}
		return b
	}
	for _, tc := range []struct {
		name string
		in   []byte
		want Format // "" for refused
	}{
		{"stats dict", []byte("{0"), Pstats},
		{"flagged dict", []byte{'{' | 0x80, '0'}, Pstats},
		{"gzip", []byte{0x1f, 0x8b, 8}, Pprof},
		{"protobuf sample_type", []byte{0x0a, 0x04}, Pprof},
		{"legacy text", []byte("heap profile: 1: 2 [3: 4] @ heap/1048576\n"), Pprof},
		{"legacy text after a comment", []byte("# goroutine\n"), Pprof},
		{"legacy CPU, 64-bit little-endian", cpu(binary.LittleEndian, 8), Pprof},
		{"legacy CPU, 32-bit big-endian", cpu(binary.BigEndian, 4), Pprof},
		{"zero words", make([]byte, 40), ""},
		{"gprof", []byte("Flat profile:\n"), ""},
		{"empty", nil, ""},
		{"ELF", []byte("\x7fELF"), ""}, // DEL: not text, wire type 7
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Detect(tc.in)
			if got != tc.want || (err == nil) != (tc.want != "") {
				t.Errorf("Detect = %q, %v; want %q", got, err, tc.want)
			}
			if err != nil && !strings.Contains(err.Error(), "unknown profile format") {
				t.Errorf("error %v does not say the format is unknown", err)
			}
		})
	}
	if _, err := Read(strings.NewReader(""), "empty", Options{}); err == nil || err.Error() != "empty: empty input: unknown profile format" {
		t.Errorf("empty input: %v", err)
	}
	if _, err := Read(io.LimitReader(&endless{fill: 0x0a}, 3), "short", Options{}); err == nil {
		t.Errorf("three bytes of tags read as a profile")
	}
}
