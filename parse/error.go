package parse

import (
	"errors"
	"fmt"
)

// ErrUnknownFormat is returned (wrapped in an *Error) when the first bytes of
// an input match no format loopdoctor reads.
var ErrUnknownFormat = errors.New("unknown profile format")

// Error is a problem found while reading one input. Offset is the byte in
// the (decompressed) input where decoding stopped, or -1 when the problem has
// no single position.
type Error struct {
	File   string
	Offset int64
	Msg    string
	Err    error
}

func (e *Error) Error() string {
	msg := e.Msg
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	} else if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	switch {
	case e.File != "" && e.Offset >= 0:
		return fmt.Sprintf("%s: byte %#x: %s", e.File, e.Offset, msg)
	case e.File != "":
		return fmt.Sprintf("%s: %s", e.File, msg)
	case e.Offset >= 0:
		return fmt.Sprintf("byte %#x: %s", e.Offset, msg)
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }
