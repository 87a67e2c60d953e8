package parse

import "errors"

// PprofData decodes a pprof profile. Placeholder until the pprof reader lands.
func PprofData(data []byte, name string, opts Options) (*Profile, error) {
	return nil, &Error{File: name, Offset: -1, Err: errors.New("pprof reader not written yet")}
}
