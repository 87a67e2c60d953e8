package parse

import "errors"

// PstatsData decodes a Python pstats dump (a marshalled stats dict).
// Placeholder until the marshal decoder lands.
func PstatsData(data []byte, name string) (*Profile, error) {
	return nil, &Error{File: name, Offset: -1, Err: errors.New("pstats reader not written yet")}
}
