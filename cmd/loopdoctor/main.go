package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/loopdoctor/loopdoctor/render"
)

func main() {
	tuneCollector(os.Args[1:])
	err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode prints err (unless it was already reported) and maps it to the
// documented exit status: 0 success, 1 unreadable input, 2 usage, 3 a
// --fail-on gate tripped, 4 the output could not be written.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, errReported) {
		return 1
	}
	var ue usageError
	var ge gateError
	var we writeError
	code := 1
	switch {
	case errors.As(err, &ue):
		code = 2
	case errors.As(err, &ge):
		code = 3
	case errors.As(err, &we):
		code = 4
	}
	// Messages quote file names and flags, which may hold anything.
	fmt.Fprintf(stderr, "loopdoctor: %s\n", render.Printable(err.Error()))
	if code == 2 {
		fmt.Fprintln(stderr, "Run 'loopdoctor help' for usage.")
	}
	return code
}
