package main

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/loopdoctor/loopdoctor/render"
	"golang.org/x/term"
)

// progressMin is the number of files from which a run reports progress:
// below it the reports themselves appear soon enough.
const progressMin = 4

// progress keeps one self-overwriting line on a terminal saying how many
// files are done. It is safe for concurrent use.
type progress struct {
	mu          sync.Mutex
	w           io.Writer
	done, total int
}

// newProgress returns a progress line on w, or nil when w is not a terminal
// or there are too few files: scripts and logs never see it.
func newProgress(w io.Writer, total int, terminal bool) *progress {
	if !terminal || total < progressMin {
		return nil
	}
	return &progress{w: w, total: total}
}

// isTerminal reports whether w is a terminal. Other character devices,
// /dev/null among them, are not: output sent there is not read by anyone.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// step counts one more file as analyzed and redraws the line.
func (p *progress) step(name string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	fmt.Fprintf(p.w, "\r\033[Kanalyzed %d of %d files (%s)", p.done, p.total, render.Printable(name))
}

// clear erases the line so the reports that follow start clean.
func (p *progress) clear() {
	if p == nil {
		return
	}
	fmt.Fprint(p.w, "\r\033[K")
}
