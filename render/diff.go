package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/internal/units"
	"github.com/loopdoctor/loopdoctor/parse"
)

// DiffSchema names the JSON layout of a diff.
const DiffSchema = "loopdoctor/diff/v1"

// DiffText writes a before/after comparison for the terminal: the totals,
// the findings that disappeared, appeared or changed, then the functions
// whose cumulative value changed most.
func DiffText(w io.Writer, d *analyze.Diff) error {
	var b bytes.Buffer
	base, next := d.Base.Profile, d.New.Profile
	writeWrapped(&b, "", "  ", diffHeadline(d))
	if len(d.Findings) > 0 {
		b.WriteString("\nFINDINGS\n")
		for _, fd := range d.Findings {
			writeWrapped(&b, "  ", "      ", findingChange(fd, base.Unit, false))
		}
	}
	rows := shownFuncs(d)
	if len(rows) == 0 {
		b.WriteString("\nNo function changed.\n")
		_, err := io.WriteString(w, printableText(b.String()))
		return err
	}
	fmt.Fprintf(&b, "\nCHANGES by cumulative time%s\n", cutNote(len(rows), changedCount(d)))
	head, cells := diffCells(rows, base, next, false)
	if err := table(&b, head, cells, func(i, room int) string { return diffLabel(rows[i], room) }); err != nil {
		return err
	}
	_, err := io.WriteString(w, printableText(b.String()))
	return err
}

// diffHeadline names both runs and says how the total changed.
func diffHeadline(d *analyze.Diff) string {
	base, next := d.Base.Profile, d.New.Profile
	s := fmt.Sprintf("%s → %s: total %s → %s (%s", base.Source, next.Source,
		units.Value(base.Total, base.Unit), units.Value(next.Total, next.Unit), signed(next.Total-base.Total, base.Unit))
	if base.Total > 0 {
		s += ", " + signedPercent((next.Total-base.Total)/base.Total)
	}
	s += ")"
	if d.Base.Calls >= 0 && d.New.Calls >= 0 {
		s += ", calls " + units.Count(d.Base.Calls) + " → " + units.Count(d.New.Calls)
	}
	return s
}

// findingChange describes one finding's fate in a sentence.
func findingChange(fd analyze.FindingDiff, unit string, markdown bool) string {
	f := fd.Finding()
	title := Title(*f)
	if markdown {
		title = mdText(title)
	}
	cost := func(f *analyze.Finding) string {
		return fmt.Sprintf("%s %s (%s)", strings.ToUpper(string(f.Severity)), units.Value(f.Cost, unit), units.Percent(f.Share))
	}
	switch fd.Change {
	case analyze.Disappeared:
		return fmt.Sprintf("disappeared: %s, was %s", title, cost(fd.Base))
	case analyze.Appeared:
		return fmt.Sprintf("appeared: %s, now %s", title, cost(fd.New))
	}
	return fmt.Sprintf("still there: %s, %s → %s", title, cost(fd.Base), cost(fd.New))
}

// shownFuncs returns the changed functions tables list, cut to d.Top.
func shownFuncs(d *analyze.Diff) []analyze.FuncDiff {
	n := changedCount(d)
	if d.Top > 0 {
		n = min(n, d.Top)
	}
	return d.Functions[:n]
}

// changedCount counts the functions whose numbers changed; they sort
// before the unchanged ones.
func changedCount(d *analyze.Diff) int {
	for i, fd := range d.Functions {
		if fd.Cum == 0 && fd.Own == 0 && fd.Calls == 0 && fd.Base != nil && fd.New != nil {
			return i
		}
	}
	return len(d.Functions)
}

func cutNote(shown, of int) string {
	if shown < of {
		return fmt.Sprintf(" (%d of %s; --top)", shown, units.Count(int64(of)))
	}
	return ""
}

// diffCells formats the numeric columns of the changed functions; wide
// adds both runs' cumulative values, which an 80-column terminal has no
// room for.
func diffCells(rows []analyze.FuncDiff, base, next *parse.Profile, wide bool) ([]string, [][]string) {
	calls := base.HasCalls() && next.HasCalls()
	head := []string{"Δcum"}
	if wide {
		head = append(head, "base cum", "new cum")
	}
	head = append(head, "cum%", "Δown")
	if calls {
		head = append(head, "calls")
	}
	head = append(head, "function")
	cells := make([][]string, len(rows))
	for i, fd := range rows {
		c := []string{signed(fd.Cum, base.Unit)}
		if wide {
			c = append(c, side(fd.Base, base.Unit), side(fd.New, base.Unit))
		}
		c = append(c, shareChange(fd), signed(fd.Own, base.Unit))
		if calls {
			c = append(c, callsChange(fd))
		}
		cells[i] = c
	}
	return head, cells
}

// side formats one run's cumulative value, "-" when the function did not
// run there.
func side(f *parse.Func, unit string) string {
	if f == nil {
		return "-"
	}
	return units.Value(f.Cum, unit)
}

func shareChange(fd analyze.FuncDiff) string {
	return units.Percent(fd.BaseCumShare) + "→" + units.Percent(fd.NewCumShare)
}

func callsChange(fd analyze.FuncDiff) string {
	c := func(f *parse.Func) string {
		if f == nil {
			return "0"
		}
		return units.Count(f.Calls)
	}
	return c(fd.Base) + "→" + c(fd.New)
}

// diffLabel names a function in room runes, saying when its line moved.
func diffLabel(fd analyze.FuncDiff, room int) string {
	if fd.Moved {
		suffix := fmt.Sprintf(" (was line %d)", fd.Base.Line)
		return fitLabel(fd.New, room-len(suffix)) + suffix
	}
	return fitLabel(fd.Func(), room)
}

// signed formats a change with its sign: "+1.20 s", "-455 ms", "0 s".
func signed(v float64, unit string) string {
	if v > 0 {
		return "+" + units.Value(v, unit)
	}
	return units.Value(v, unit)
}

func signedPercent(f float64) string {
	if f > 0 {
		return "+" + units.Percent(f)
	}
	if f < 0 {
		return "-" + units.Percent(-f)
	}
	return units.Percent(0)
}

// DiffMarkdown writes the comparison as GitHub-flavored Markdown: a
// one-paragraph verdict, the findings' fates, and the table of changes.
func DiffMarkdown(w io.Writer, d *analyze.Diff) error {
	var b bytes.Buffer
	base, next := d.Base.Profile, d.New.Profile
	b.WriteString("**loopdoctor diff:** " + mdCode(base.Source) + " → " + mdCode(next.Source) + ": " +
		mdText(strings.TrimPrefix(diffHeadline(d), base.Source+" → "+next.Source+": ")) + ".\n")
	if len(d.Findings) > 0 {
		b.WriteString("\n")
		for _, fd := range d.Findings {
			b.WriteString("- " + findingChange(fd, base.Unit, true) + "\n")
		}
	}
	rows := shownFuncs(d)
	if len(rows) == 0 {
		_, err := io.WriteString(w, printableText(b.String()))
		return err
	}
	fmt.Fprintf(&b, "\n### Changes by cumulative time%s\n\n", cutNote(len(rows), changedCount(d)))
	head, cells := diffCells(rows, base, next, true)
	for i, fd := range rows {
		label := mdCode(printedLabel(fd.Func()))
		if fd.Moved {
			label += fmt.Sprintf(" (was line %d)", fd.Base.Line)
		}
		cells[i] = append(cells[i], label)
	}
	mdTable(&b, head, cells)
	_, err := io.WriteString(w, printableText(b.String()))
	return err
}

// DiffDocument is the JSON form of a diff: every function of either run,
// largest change first, and every finding's fate.
type DiffDocument struct {
	Schema    string            `json:"schema"`
	Base      diffRun           `json:"base"`
	New       diffRun           `json:"new"`
	Functions []diffFunc        `json:"functions"`
	Findings  []diffFindingJSON `json:"findings"`
}

type diffRun struct {
	Source string  `json:"source"`
	Format string  `json:"format"`
	Unit   string  `json:"unit"`
	Total  float64 `json:"total"`
	Calls  *int64  `json:"calls"`
}

type diffFunc struct {
	Name       string    `json:"name"`
	File       string    `json:"file"`
	Line       int       `json:"line"`
	BaseLine   *int      `json:"base_line,omitempty"` // set when the line moved
	Base       *diffSide `json:"base"`
	New        *diffSide `json:"new"`
	DeltaCalls *int64    `json:"delta_calls"`
	DeltaOwn   float64   `json:"delta_own"`
	DeltaCum   float64   `json:"delta_cum"`
}

type diffSide struct {
	Calls          *int64  `json:"calls"`
	PrimitiveCalls *int64  `json:"primitive_calls"`
	Own            float64 `json:"own"`
	Cum            float64 `json:"cum"`
	OwnShare       float64 `json:"own_share"`
	CumShare       float64 `json:"cum_share"`
}

type diffFindingJSON struct {
	Change   string          `json:"change"`
	Kind     string          `json:"kind"`
	Pattern  string          `json:"pattern"`
	Title    string          `json:"title"`
	Function diffFuncRef     `json:"function"`
	Base     *diffFindingRun `json:"base"`
	New      *diffFindingRun `json:"new"`
}

type diffFuncRef struct {
	Name string `json:"name"`
	File string `json:"file"`
	Line int    `json:"line"`
}

type diffFindingRun struct {
	Severity string  `json:"severity"`
	Calls    *int64  `json:"calls"`
	Cost     float64 `json:"cost"`
	Share    float64 `json:"share"`
}

// DiffJSON writes the comparison as one indented JSON document.
func DiffJSON(w io.Writer, d *analyze.Diff) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(NewDiffDocument(d))
}

// NewDiffDocument converts a diff to its JSON form.
func NewDiffDocument(d *analyze.Diff) *DiffDocument {
	run := func(r *analyze.Report) diffRun {
		p := r.Profile
		return diffRun{Source: p.Source, Format: string(p.Format), Unit: p.Unit, Total: p.Total, Calls: count(r.Calls)}
	}
	doc := &DiffDocument{Schema: DiffSchema, Base: run(d.Base), New: run(d.New),
		Functions: make([]diffFunc, len(d.Functions)), Findings: make([]diffFindingJSON, len(d.Findings))}
	counts := d.Base.Profile.HasCalls() && d.New.Profile.HasCalls()
	for i, fd := range d.Functions {
		f := fd.Func()
		jf := diffFunc{Name: f.Name, File: f.File, Line: f.Line, DeltaOwn: fd.Own, DeltaCum: fd.Cum,
			Base: sideJSON(fd.Base, fd.BaseOwnShare, fd.BaseCumShare), New: sideJSON(fd.New, fd.NewOwnShare, fd.NewCumShare)}
		if fd.Moved {
			jf.BaseLine = &fd.Base.Line
		}
		if counts {
			jf.DeltaCalls = &d.Functions[i].Calls
		}
		doc.Functions[i] = jf
	}
	for i, fd := range d.Findings {
		f := fd.Finding()
		doc.Findings[i] = diffFindingJSON{Change: string(fd.Change), Kind: f.Kind, Pattern: f.Pattern, Title: Title(*f),
			Function: diffFuncRef{Name: f.Func.Name, File: f.Func.File, Line: f.Func.Line},
			Base:     findingRun(fd.Base), New: findingRun(fd.New)}
	}
	return doc
}

func sideJSON(f *parse.Func, ownShare, cumShare float64) *diffSide {
	if f == nil {
		return nil
	}
	return &diffSide{Calls: count(f.Calls), PrimitiveCalls: count(f.Primitive), Own: f.Own, Cum: f.Cum,
		OwnShare: ownShare, CumShare: cumShare}
}

func findingRun(f *analyze.Finding) *diffFindingRun {
	if f == nil {
		return nil
	}
	return &diffFindingRun{Severity: string(f.Severity), Calls: count(f.Calls), Cost: f.Cost, Share: f.Share}
}

// count returns nil for an unknown (-1) count so it encodes as null.
func count(n int64) *int64 {
	if n < 0 {
		return nil
	}
	return &n
}
