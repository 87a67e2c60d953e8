//go:build !linux

package main

// prepareHugePages does nothing where transparent huge pages are not
// Linux's: other systems decide page sizes for the process themselves.
func prepareHugePages(size int64) {}
