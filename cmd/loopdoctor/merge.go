package main

import (
	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

// mergeResults turns the profiles read for --merge into one report of
// their sum. A partial sum would pass for the whole run, so when any file
// could not be read only the failures are returned, to be reported.
func mergeResults(files []string, results []result, opts analyze.Options) ([]string, []result) {
	var failedFiles []string
	var failed []result
	profiles := make([]*parse.Profile, 0, len(results))
	for i, r := range results {
		if r.err != nil {
			failedFiles = append(failedFiles, files[i])
			failed = append(failed, r)
			continue
		}
		profiles = append(profiles, r.profile)
	}
	if len(failed) > 0 {
		return failedFiles, failed
	}
	p, err := parse.Merge(profiles)
	if err != nil {
		return []string{"--merge"}, []result{{err: err}}
	}
	return []string{p.Source}, []result{{report: analyze.Analyze(p, opts)}}
}
