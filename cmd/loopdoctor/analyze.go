package main

import (
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/internal/units"
	"github.com/loopdoctor/loopdoctor/parse"
	"github.com/loopdoctor/loopdoctor/render"
)

// analyzeCommand runs "analyze" and "flamegraph": read every FILE, analyze
// it (or their sum with --merge) and write the reports.
func analyzeCommand(s *settings, stdin io.Reader, stdout, stderr io.Writer) error {
	bar := newProgress(stderr, len(s.files), isTerminal(stderr))
	results := analyzeFiles(s, stdin, bar)
	bar.clear()
	files := s.files
	if s.merge {
		files, results = mergeResults(files, results, s.opts)
	}
	if err := writeReports(s, files, results, stdout, stderr); err != nil {
		return err
	}
	for _, res := range results {
		if res.err != nil {
			return errReported
		}
	}
	for _, res := range results {
		if err := checkGates(res.report, s); err != nil {
			return err
		}
	}
	return nil
}

// writeReports is the one output path of the commands that report on
// profiles. Each input that could not be read gets one line on stderr; the
// output is opened only when at least one report was made, so a run in
// which every input failed leaves an existing -o file untouched.
func writeReports(s *settings, files []string, results []result, stdout, stderr io.Writer) error {
	made := false
	for _, res := range results {
		if res.err != nil {
			fmt.Fprintf(stderr, "loopdoctor: %s\n", render.Printable(res.err.Error()))
		}
		made = made || res.report != nil
	}
	if !made {
		return nil
	}
	f := s.format
	return emit(s.output, stdout, func(w io.Writer) error {
		wrote := false
		for i, res := range results {
			var err error
			switch {
			case res.err == nil:
				if wrote && !f.lines { // a blank line also ends Markdown's <details> block
					_, err = io.WriteString(w, "\n")
				}
				if err == nil {
					err = f.report(w, res.report, s)
				}
				wrote = true
			case f.failure != nil && s.reports > 1:
				err = f.failure(w, files[i], res.err)
			}
			if err != nil {
				return fmt.Errorf("%s: %w", files[i], err)
			}
		}
		return nil
	})
}

type result struct {
	report  *analyze.Report
	profile *parse.Profile // with --merge: read, not yet analyzed
	err     error
}

// analyzeFiles reads and analyzes every file, at most one per CPU at a
// time, and returns the results in the order given.
func analyzeFiles(s *settings, stdin io.Reader, bar *progress) []result {
	results := make([]result, len(s.files))
	sem := make(chan struct{}, runtime.NumCPU())
	var wg sync.WaitGroup
	for i, name := range s.files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { bar.step(name); <-sem; wg.Done() }()
			p, err := readProfile(name, stdin, parse.Options{SampleType: s.sample, MaxFrames: s.maxFrames})
			if err != nil {
				results[i].err = err
				return
			}
			if s.merge {
				results[i].profile = p // analyzed once merged
				return
			}
			results[i].report = analyze.Analyze(p, s.opts)
		}()
	}
	wg.Wait()
	return results
}

// stdinName labels standard input in reports and messages.
const stdinName = "<stdin>"

// readProfile reads the profile in the file name, or standard input for "-".
func readProfile(name string, stdin io.Reader, opts parse.Options) (*parse.Profile, error) {
	if name == "-" {
		return parse.Read(stdin, stdinName, opts)
	}
	return parse.File(name, opts)
}

var severityRank = map[analyze.Severity]int{analyze.High: 3, analyze.Medium: 2, analyze.Low: 1}

// checkGates returns a gateError when the report trips --fail-on or
// --fail-on-share.
func checkGates(r *analyze.Report, s *settings) error {
	if r == nil {
		return nil
	}
	for _, f := range r.Findings {
		if s.failOn != "" && severityRank[f.Severity] >= severityRank[s.failOn] {
			return gateError{fmt.Sprintf("%s: %s finding: %s (--fail-on %s)", r.Profile.Source, f.Severity, render.Title(f), s.failOn)}
		}
		if s.failOnShare > 0 && f.Share >= s.failOnShare {
			return gateError{fmt.Sprintf("%s: finding costs %s of the total: %s (--fail-on-share %g)", r.Profile.Source, units.Percent(f.Share), render.Title(f), s.failOnShare)}
		}
	}
	return nil
}
