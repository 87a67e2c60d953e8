package analyze

import (
	"github.com/loopdoctor/loopdoctor/parse"
)

// Limits are the thresholds of the repeated-setup detector, in one place.
// A finding needs all of the applicable ones.
type Limits struct {
	// MinCalls is the fewest calls that count as repeated: two or three
	// calls are as likely a few distinct inputs as a forgotten cache.
	MinCalls int64

	// MinShare is the smallest share of the profile total worth a finding;
	// MinCost (in seconds, for time profiles) lets an expensive setup in a
	// long profile through even below MinShare.
	MinShare, MinCost float64

	// MinPerCall is the smallest cost per call, in seconds, for a setup
	// found by shape alone: cheap helpers repeat identical work too.
	MinPerCall float64

	// MinBuildPerCall replaces MinPerCall for a construction that takes
	// nearly all of its caller's time (shape without a varying use): a
	// dictionary of a few hundred entries rebuilt per call costs about a
	// tenth of a millisecond, and the construction test already keeps
	// small arithmetic helpers out.
	MinBuildPerCall float64

	// Shape (S1, S2): among the functions that only the candidate calls,
	// at least MinMembers exist; at least MinMultiple of them are called an
	// exact multiple of the candidate's calls, with MinQuotients distinct
	// multiples adding up to MinWork calls per call; at least MinMultiple
	// of the call edges inside are exact multiples too. Input-dependent
	// counts divide by N only by chance (about 1/N each).
	MinMembers, MinQuotients int
	MinWork                  int64
	MinMultiple              float64

	// ChanceDigits bounds chance agreement for a setup whose use is
	// constant or cheap: a count that varies with the input is a multiple
	// of n calls about once in n, so k exact counts above one per call
	// agree by chance about once in n^k; k·log10(n) must reach
	// ChanceDigits. The construction test and Dominates carry the rest of
	// the proof.
	ChanceDigits float64

	// Dominates is the share of its caller's time a setup without a
	// varying use must take: the caller does little else with what it
	// builds.
	Dominates float64

	// VaryingCost is the share of a candidate's cost that functions run a
	// non-integer number of times per call must hold for the counts to
	// show varying input, which rules a finding out.
	VaryingCost float64

	// Descend moves a shape finding from a function in the user's code
	// down to the callee that holds at least this share of its cost, so
	// the finding names the setup rather than the handler around it. A
	// library function that repeats identical work is already the
	// outermost function of the setup, and the finding stays there.
	Descend float64

	// MinMissRatio is the fewest setup calls per cache lookup for a
	// pattern with a cache (S5): below it the cache mostly works.
	MinMissRatio float64

	// MinUseRatio is the setup-to-use cost ratio (S4) worth a sentence.
	MinUseRatio float64

	// Explained is the share of a candidate's cost that an accepted
	// finding inside it must cover for the candidate to be dropped as the
	// same problem seen from further out.
	Explained float64

	// Severity: high from HighShare of the total, or from HighCost seconds
	// at MediumShare; medium from MediumShare or MediumCost seconds; low
	// below.
	HighShare, MediumShare, HighCost, MediumCost float64

	// MainModule is the share of the total above which a "<module>" frame
	// is the program's main script rather than an import.
	MainModule float64
}

// DefaultLimits returns the thresholds a report uses unless
// Options.Limits replaces them.
func DefaultLimits() Limits {
	return Limits{
		MinCalls:        4,
		MinShare:        0.02,
		MinCost:         1,
		MinPerCall:      200e-6,
		MinBuildPerCall: 50e-6,
		MinMembers:      4,
		MinQuotients:    3,
		MinWork:         30,
		MinMultiple:     0.9,
		ChanceDigits:    3,
		Dominates:       0.8,
		VaryingCost:     0.1,
		Descend:         0.8,
		MinMissRatio:    0.5,
		MinUseRatio:     2,
		Explained:       0.5,
		HighShare:       0.25,
		MediumShare:     0.05,
		HighCost:        1,
		MediumCost:      0.25,
		MainModule:      0.5,
	}
}

// costly reports whether cost is worth a finding.
func (lim *Limits) costly(p *parse.Profile, cost float64) bool {
	return share(p, cost) >= lim.MinShare && cost > 0 || p.Unit == "seconds" && cost >= lim.MinCost
}

// severity grades a finding by share and, for time, absolute cost.
func (lim *Limits) severity(p *parse.Profile, cost, share float64) Severity {
	secs := p.Unit == "seconds"
	switch {
	case share >= lim.HighShare || secs && cost >= lim.HighCost && share >= lim.MediumShare:
		return High
	case share >= lim.MediumShare || secs && cost >= lim.MediumCost:
		return Medium
	}
	return Low
}
