package analyze

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/loopdoctor/loopdoctor/parse"
)

// Diff is what changed between two profiles of the same program, a base
// run and a new one (typically before and after a fix).
type Diff struct {
	Base, New *Report // each profile analyzed on its own

	// Functions holds every function of either profile, the largest
	// change in cumulative value first (then own value, then calls).
	Functions []FuncDiff

	// Findings pairs the findings of both runs: those that disappeared,
	// appeared or changed, in that order, most expensive first.
	Findings []FindingDiff

	Top int // rows tables show; 0 shows all

	// Stacks pairs the two runs' frame trees by call path for a
	// differential flame graph; nil unless Options.Stacks asked for them.
	Stacks *DiffStackSet
}

// FuncDiff is one function in both runs. Base or New is nil when the
// function did not run on that side.
type FuncDiff struct {
	Base, New *parse.Func

	// Moved is set when the function matched by name and file only, its
	// line having changed between the runs.
	Moved bool

	// Deltas are New minus Base, an absent side counting as zero. Calls
	// is 0 when either profile lacks call counts.
	Calls    int64
	Own, Cum float64

	// Shares of each run's total, 0 for an absent side.
	BaseOwnShare, BaseCumShare float64
	NewOwnShare, NewCumShare   float64
}

// Func returns the function as the new run knows it, or the base run's
// when it no longer runs.
func (d *FuncDiff) Func() *parse.Func {
	if d.New != nil {
		return d.New
	}
	return d.Base
}

// Change says how a finding differs between the runs.
type Change string

// Changes, in the order Diff lists them.
const (
	Disappeared Change = "disappeared"
	Appeared    Change = "appeared"
	Changed     Change = "changed"
)

// FindingDiff is one finding in either run. Base or New is nil when the
// finding is absent on that side.
type FindingDiff struct {
	Change    Change
	Base, New *Finding
}

// Finding returns the finding as the new run reports it, or the base
// run's when it disappeared.
func (d *FindingDiff) Finding() *Finding {
	if d.New != nil {
		return d.New
	}
	return d.Base
}

// Compare analyzes base and next with opts and pairs their functions and
// findings. Functions match by name, file and line (name and file for
// pprof, whose lines are start lines that builds move); a pstats function
// left unmatched because its line moved then matches by name and file.
// The profiles must share a unit: a diff of seconds against bytes means
// nothing.
func Compare(base, next *parse.Profile, opts Options) (*Diff, error) {
	if base.Unit != next.Unit || base.SampleType != next.SampleType {
		return nil, fmt.Errorf("cannot compare %s (%s) with %s (%s): the values measure different things",
			base.Source, measure(base), next.Source, measure(next))
	}
	d := &Diff{Base: Analyze(base, opts), New: Analyze(next, opts), Top: opts.Top}
	d.Functions = pairFuncs(base, next)
	d.Findings = pairFindings(d.Base.Findings, d.New.Findings)
	if d.Base.Stacks != nil && d.New.Stacks != nil {
		d.Stacks = diffStacks(d)
	}
	return d, nil
}

func measure(p *parse.Profile) string {
	if p.SampleType != "" {
		return p.SampleType + " in " + p.Unit
	}
	return p.Unit
}

// pairFuncs matches functions exactly, then by name and file alone for
// those whose line moved, and fills the deltas.
func pairFuncs(base, next *parse.Profile) []FuncDiff {
	withLine := base.Format == parse.Pstats && next.Format == parse.Pstats
	key := func(f *parse.Func) string {
		if withLine {
			return fmt.Sprintf("%s\x00%s\x00%d", f.File, f.Name, f.Line)
		}
		return f.File + "\x00" + f.Name
	}
	newByKey := make(map[string]*parse.Func, len(next.Funcs))
	for _, f := range next.Funcs {
		newByKey[key(f)] = f
	}
	matched := make([]bool, len(next.Funcs))
	var out []FuncDiff
	var lostBase []*parse.Func
	for _, f := range base.Funcs {
		if g, ok := newByKey[key(f)]; ok && !matched[g.ID] {
			matched[g.ID] = true
			out = append(out, FuncDiff{Base: f, New: g})
			continue
		}
		lostBase = append(lostBase, f)
	}
	// Fallback: a name and file left unmatched on both sides with the
	// same number of functions pairs up in line order (Funcs are sorted
	// by file, name, line, so both lists already are).
	lostNew := map[string][]*parse.Func{}
	for _, g := range next.Funcs {
		if !matched[g.ID] {
			k := g.File + "\x00" + g.Name
			lostNew[k] = append(lostNew[k], g)
		}
	}
	lostBaseBy := map[string][]*parse.Func{}
	for _, f := range lostBase {
		k := f.File + "\x00" + f.Name
		lostBaseBy[k] = append(lostBaseBy[k], f)
	}
	for _, f := range lostBase {
		k := f.File + "\x00" + f.Name
		if gs := lostNew[k]; len(gs) > 0 && len(gs) == len(lostBaseBy[k]) {
			g := gs[slices.Index(lostBaseBy[k], f)]
			matched[g.ID] = true
			out = append(out, FuncDiff{Base: f, New: g, Moved: true})
			continue
		}
		out = append(out, FuncDiff{Base: f})
	}
	for _, g := range next.Funcs {
		if !matched[g.ID] {
			out = append(out, FuncDiff{New: g})
		}
	}
	counts := base.HasCalls() && next.HasCalls()
	for i := range out {
		fillDeltas(&out[i], base.Total, next.Total, counts)
	}
	slices.SortFunc(out, func(a, b FuncDiff) int {
		return cmp.Or(
			cmp.Compare(math.Abs(b.Cum), math.Abs(a.Cum)),
			cmp.Compare(math.Abs(b.Own), math.Abs(a.Own)),
			cmp.Compare(abs(b.Calls), abs(a.Calls)),
			compareFuncs(a.Func(), b.Func()))
	})
	return out
}

func fillDeltas(d *FuncDiff, baseTotal, newTotal float64, counts bool) {
	var bc, nc int64
	if f := d.Base; f != nil {
		d.Own, d.Cum, bc = -f.Own, -f.Cum, f.Calls
		d.BaseOwnShare, d.BaseCumShare = fraction(f.Own, baseTotal), fraction(f.Cum, baseTotal)
	}
	if f := d.New; f != nil {
		d.Own += f.Own
		d.Cum += f.Cum
		nc = f.Calls
		d.NewOwnShare, d.NewCumShare = fraction(f.Own, newTotal), fraction(f.Cum, newTotal)
	}
	if counts {
		d.Calls = nc - bc
	}
}

func fraction(part, whole float64) float64 {
	if whole <= 0 {
		return 0
	}
	return part / whole
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func compareFuncs(a, b *parse.Func) int {
	return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
}

// pairFindings matches findings by kind, pattern and the function that
// repeats the work (name and file, so a moved line still matches).
func pairFindings(base, next []Finding) []FindingDiff {
	key := func(f *Finding) string {
		return f.Kind + "\x00" + f.Pattern + "\x00" + f.Func.File + "\x00" + f.Func.Name
	}
	newByKey := map[string]int{}
	for i := range next {
		newByKey[key(&next[i])] = i
	}
	matched := make([]bool, len(next))
	var gone, changed []FindingDiff
	for i := range base {
		if j, ok := newByKey[key(&base[i])]; ok && !matched[j] {
			matched[j] = true
			changed = append(changed, FindingDiff{Change: Changed, Base: &base[i], New: &next[j]})
			continue
		}
		gone = append(gone, FindingDiff{Change: Disappeared, Base: &base[i]})
	}
	var appeared []FindingDiff
	for j := range next {
		if !matched[j] {
			appeared = append(appeared, FindingDiff{Change: Appeared, New: &next[j]})
		}
	}
	out := slices.Concat(gone, appeared, changed)
	if out == nil {
		out = []FindingDiff{}
	}
	return out
}
