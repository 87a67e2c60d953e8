package render

import (
	"github.com/loopdoctor/loopdoctor/parse"
)

// Samples is a profile's value laid out on call paths, the form pprof and
// speedscope files store. Each function's own value is the sum of the
// stacks it ends, exactly as the profile recorded it, so tools that read
// the converted file show the same own values and total.
type Samples struct {
	Profile *parse.Profile
	Stacks  []parse.Stack // root first, IDs into Profile.Funcs, values > 0

	// Notes say which parts are estimates; converters write them into the
	// output's comments.
	Notes []string
}

// RecordedSamples returns the stacks a profile recorded (pprof), exact.
func RecordedSamples(p *parse.Profile) *Samples {
	s := &Samples{Profile: p}
	for _, st := range p.Stacks {
		if st.Value > 0 {
			s.Stacks = append(s.Stacks, st)
		}
	}
	return s
}

// NewSamples returns the stacks to convert p with: those it recorded.
func NewSamples(p *parse.Profile) *Samples {
	return RecordedSamples(p)
}
