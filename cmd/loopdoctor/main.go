package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

func main() {
	err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode prints err (unless it was already reported) and maps it to the
// documented exit status: 0 success, 1 unreadable input, 2 usage, 3 a
// --fail-on gate tripped.
func exitCode(err error, stderr io.Writer) int {
	var ue usageError
	var ge gateError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "loopdoctor: %v\nRun 'loopdoctor help' for usage.\n", err)
		return 2
	case errors.As(err, &ge):
		fmt.Fprintf(stderr, "loopdoctor: %v\n", err)
		return 3
	case errors.Is(err, errReported):
		return 1
	}
	fmt.Fprintf(stderr, "loopdoctor: %v\n", err)
	return 1
}
