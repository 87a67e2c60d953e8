//go:build !linux

package parse

import "os"

// mapFile reports false: files are read into memory on systems other than
// Linux, where the mapping was not measured.
func mapFile(f *os.File, size int) (data []byte, unmap func(), ok bool) { return nil, nil, false }
