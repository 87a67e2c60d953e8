package main

import (
	"io"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

// diffCommand runs "loopdoctor diff": read BASE and NEW, compare them and
// write the comparison.
func diffCommand(s *settings, stdin io.Reader, stdout, _ io.Writer) error {
	var profiles [2]*parse.Profile
	for i, name := range s.files {
		p, err := readProfile(name, stdin, parse.Options{SampleType: s.sample, MaxFrames: s.maxFrames})
		if err != nil {
			return err
		}
		profiles[i] = p
	}
	d, err := analyze.Compare(profiles[0], profiles[1], s.opts)
	if err != nil {
		return err
	}
	return emit(s.output, stdout, func(w io.Writer) error { return s.format.diff(w, d, s) })
}
