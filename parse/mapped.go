package parse

import (
	"os"
	"runtime/debug"
)

// readMapped decodes a pstats dump from a read-only mapping of the file
// instead of a copy of it in the heap, and reports whether it did; when
// it did not (no mapping on this system, a file that is not regular, an
// input that is not pstats, or one that changed while it was read), the
// caller reads the file as usual, from its start.
//
// A copy costs a page fault for every 4 KiB of fresh heap it fills, and
// the copying; the mapping shares the pages of the file cache, a fault
// for every 64 KiB or so. Top-30 reports of testdata/pstats/large.pstats
// (2.5 MB) took 36.6 ms of CPU against 39.8 ms when run back to back, and
// 34.4 ms against 40.1 ms when each ran after 3 s of rest (medians of 40
// and 15 runs; see Speed in the README). The reader keeps nothing of its
// input: every text is copied out (see decoder.keep), so the profile
// outlives the mapping.
//
// Only pstats is read this way, as only its reader was measured so; a
// gzipped pprof profile is inflated into the heap anyway.
func readMapped(f *os.File, name string, opts Options) (p *Profile, ok bool, err error) {
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() == 0 || fi.Size() > MaxInput {
		return nil, false, nil
	}
	data, unmap, mapped := mapFile(f, int(fi.Size()))
	if !mapped {
		return nil, false, nil
	}
	defer unmap()
	return decodeMapped(data, name, opts)
}

// decodeMapped decodes the mapped input data if it is pstats. A mapping
// shows the file as it is now, not as it was when mapped: if the file
// shrinks meanwhile, reading past its new end faults (SIGBUS), and if it
// is rewritten, bytes read twice may differ. Either may end in a panic,
// which decodeMapped takes back, reporting that it did not decode, so
// that the caller reads the file again as a copy. A panic of the
// reader's own happens again there, so none is hidden.
func decodeMapped(data []byte, name string, opts Options) (p *Profile, ok bool, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if recover() != nil {
			p, ok, err = nil, false, nil
		}
	}()
	if format, err := Detect(data); err != nil || format != Pstats {
		return nil, false, nil
	}
	p, err = Data(data, name, opts)
	return p, true, err
}
