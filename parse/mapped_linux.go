package parse

import (
	"os"
	"syscall"
)

// mapFile maps the first size bytes of f read-only and returns them with
// the function that unmaps them, or reports false.
func mapFile(f *os.File, size int) (data []byte, unmap func(), ok bool) {
	data, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, false
	}
	return data, func() { _ = syscall.Munmap(data) }, true
}
