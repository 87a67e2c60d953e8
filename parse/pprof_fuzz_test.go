package parse

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzPprof feeds arbitrary bytes to the pprof reader: it must not panic,
// must return either an *Error or a profile that passes Validate, and
// must give the same model or error streaming the samples in batches of
// one as reading the profile whole.
// Seeds: the hand-made profile gzipped and plain, the real profiles in
// testdata/pprof, one line of each legacy text format, and pprof's own
// test profiles when ../shared/profiles/external is present.
func FuzzPprof(f *testing.F) {
	f.Add(syntheticPprof(f))
	f.Add(ungzip(f, syntheticPprof(f)))
	for _, name := range []string{"cpu/cpu.pb.gz", "heap/heap.pb.gz"} {
		if data, err := os.ReadFile(pprofPath(name)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("heap profile: 1: 2 [3: 4] @ heap/1048576\n1: 2 [3: 4] @ 0x1 0x2\n"))
	f.Add([]byte("--- contention:\ncycles/second=1000\n10 20 @ 0x1 0x2\n"))
	f.Add([]byte("threadcreate profile: total 2\n1 @ 0x1 0x2\n1 @ 0x3\n"))
	f.Add([]byte("goroutine profile: total 1\n1 @ 0x1 0x2\n"))
	external, _ := filepath.Glob(filepath.Join("..", "..", "shared", "profiles", "external", "pprof", "*"))
	for _, file := range external {
		if data, err := os.ReadFile(file); err == nil && len(data) < 64<<10 {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := PprofData(data, "fuzz.pb", Options{})
		streamed, whole := modelOrError(readPprof(data, "fuzz.pb", Options{}, 1)), modelOrError(readPprofWhole(data, "fuzz.pb", Options{}))
		if streamed != whole {
			t.Fatalf("streamed read differs from whole read:\n%s\nwant\n%s", head(streamed), head(whole))
		}
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) || perr.File != "fuzz.pb" {
				t.Fatalf("error %q is not an *Error naming the file", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("PprofData returned an invalid profile: %v", err)
		}
	})
}
