// Command allocs writes allocs.pb.gz, a large allocation profile: it
// type-checks several standard-library packages from source with go/types
// while every allocation is sampled (runtime.MemProfileRate = 1), which
// yields well over 150,000 distinct allocation stacks. It is the input of
// BenchmarkPprofLarge and of the speed comparison with go tool pprof.
//
// Run from the repository root: go run ./testdata/pprof/allocs
package main

import (
	"go/importer"
	"go/token"
	"go/types"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
)

func main() {
	runtime.MemProfileRate = 1
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "source", nil).(types.ImporterFrom)
	for _, path := range []string{"net/http", "go/types", "encoding/json", "html/template", "crypto/tls", "database/sql", "net/rpc", "image/png", "archive/zip", "debug/elf", "debug/dwarf", "go/doc", "encoding/xml", "math/big", "net/mail", "log/slog", "encoding/gob", "go/build", "testing", "net/http/httptest"} {
		if _, err := imp.ImportFrom(path, "", 0); err != nil {
			log.Fatal(err)
		}
	}
	f, err := os.Create("testdata/pprof/allocs/allocs.pb.gz")
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
