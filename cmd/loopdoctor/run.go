package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/spf13/pflag"
)

const version = "0.1.0"

// usageError marks mistakes in the command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// gateError reports a --fail-on gate that tripped (exit status 3).
type gateError struct{ msg string }

func (e gateError) Error() string { return e.msg }

// errReported means every problem was already printed on stderr; the
// command exits 1 without printing more.
var errReported = errors.New("input errors reported")

// run is the whole command; main only maps its error to an exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, mainHelp())
		return usagef("no command given")
	}
	name, rest := args[0], args[1:]
	switch name {
	case "version", "--version":
		fmt.Fprintf(stdout, "loopdoctor %s (%s)\n", version, runtime.Version())
		return nil
	case "help", "-h", "--help":
		return help(rest, stdin, stdout, stderr)
	}
	cmd := lookupCommand(name)
	if cmd == nil {
		if _, err := os.Stat(name); err == nil {
			return usagef("unknown command %q; to analyze that file run: loopdoctor analyze %s", name, name)
		}
		return usagef("unknown command %q", name)
	}
	s, err := parseFlags(cmd, rest, stdout, stderr)
	if errors.Is(err, pflag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if f := s.format; f != nil && f.noTerminal && s.output == "" && isTerminal(stdout) {
		return usagef("%s: %s output is not for a terminal: name a file with -o, or redirect standard output", cmd.name, f.name)
	}
	return cmd.run(s, stdin, stdout, stderr)
}

// help prints the main help, or a command's with "help COMMAND".
func help(topics []string, stdin io.Reader, stdout, stderr io.Writer) error {
	switch {
	case len(topics) == 0:
		fmt.Fprint(stdout, mainHelp())
		return nil
	case len(topics) > 1:
		return usagef("help takes one command, not %d", len(topics))
	case lookupCommand(topics[0]) == nil:
		return usagef("no help for %q: the commands are %s", topics[0], commandNames())
	}
	return run([]string{topics[0], "--help"}, stdin, stdout, stderr)
}

func commandNames() string {
	var names []string
	for _, c := range commands {
		names = append(names, c.name)
	}
	return strings.Join(names, ", ")
}

// mainHelp lists the commands from the command table.
func mainHelp() string {
	var b strings.Builder
	b.WriteString(`loopdoctor reads Python cProfile/pstats dumps and pprof profiles and tells
you what is slow and why: repeated expensive setup, what blocked the event
loop, and where the time went.

Usage:
`)
	uses := [][2]string{}
	for _, c := range commands {
		uses = append(uses, [2]string{"loopdoctor " + c.name + " " + c.args, c.summary})
	}
	uses = append(uses, [2]string{"loopdoctor version", "print the version"}, [2]string{"loopdoctor help [command]", "show help"})
	width := 0
	for _, u := range uses {
		width = max(width, len(u[0]))
	}
	for _, u := range uses {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, u[0], u[1])
	}
	b.WriteString(`
Examples:
  loopdoctor analyze dump.prof
  loopdoctor analyze -f json dump.prof | jq '.findings[0].title'
  loopdoctor analyze -f markdown dump.prof > issue.md
  loopdoctor flamegraph dump.prof -o flame.svg
  ssh host cat /tmp/dump.prof | loopdoctor analyze -

`)
	b.WriteString(exitStatusHelp)
	return b.String()
}
