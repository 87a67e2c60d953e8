package render

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/internal/location"
	"github.com/loopdoctor/loopdoctor/internal/units"
	"github.com/loopdoctor/loopdoctor/parse"
)

// textWidth is the terminal width the text report is laid out for.
const textWidth = 80

// tablewriter remembers the width of every text it measures in a
// process-wide cache of 8,192 entries made at start-up, a map and a list
// node per new text behind a mutex. A report draws its tables once, and
// measuring again costs less than asking the cache: drawing the top-30
// report of large.pstats took 0.33M fewer instructions (callgrind), and
// "-n 0" (17,062 rows) 2,468M instead of 2,533M in all. Only the text
// tables use tablewriter.
func init() { twwidth.SetCacheCapacity(0) }

// Text writes the terminal report: a one-line summary, the findings with
// their proof and fix, the event-loop budget, then the ranked listing and
// any callers/callees views. Sections with nothing to say are left out.
func Text(w io.Writer, r *analyze.Report) error {
	var b bytes.Buffer
	p := r.Profile
	writePhrases(&b, "  ", summaryPhrases(r))
	for _, n := range p.Notes {
		writeWrapped(&b, "note: ", "      ", n)
	}
	if len(r.Findings) > 0 {
		b.WriteString("\nFINDINGS\n")
		for i, f := range r.Findings {
			textFinding(&b, i+1, f, p.Unit)
		}
	}
	if r.Loop != nil {
		textLoop(&b, r)
	}
	fmt.Fprintf(&b, "\nTOP FUNCTIONS by %s", sortTitle(r))
	if len(r.Rows) < r.Matched {
		fmt.Fprintf(&b, " (%d of %s; --top, --sort)", len(r.Rows), units.Count(int64(r.Matched)))
	}
	b.WriteString("\n")
	if err := textRows(&b, r); err != nil {
		return err
	}
	if overlapping(r.Rows) {
		writeWrapped(&b, "note: ", "      ", overlapNote)
	}
	for _, rel := range r.Callers {
		if err := textRelation(&b, "CALLERS of", "caller", rel, p, func(e *parse.Edge) *parse.Func { return e.Caller }); err != nil {
			return err
		}
	}
	for _, rel := range r.Callees {
		if err := textRelation(&b, "CALLEES of", "callee", rel, p, func(e *parse.Edge) *parse.Func { return e.Callee }); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, printableText(b.String()))
	return err
}

// Summary is the report's first line: what was read and how big it is.
func Summary(r *analyze.Report) string { return strings.Join(summaryPhrases(r), " ") }

// summaryPhrases are the parts of the summary, each kept on one line and
// carrying the punctuation that follows it. The source is a phrase of its
// own, so a long file name does not split "cProfile (Python 3)".
func summaryPhrases(r *analyze.Report) []string {
	p := r.Profile
	s := []string{p.Source + " —", describe(p) + ","}
	if r.Calls >= 0 {
		s = append(s, counted(r.Calls, "call", "calls")+",")
	}
	return append(s, units.Value(p.Total, p.Unit)+" total")
}

// writePhrases writes phrases joined by spaces, breaking lines only between
// phrases, so "1.01 s total" never splits; later lines start with rest. A
// phrase too long for a line of its own is wrapped by words.
func writePhrases(b *bytes.Buffer, rest string, phrases []string) {
	prefix, line := "", ""
	for _, ph := range phrases {
		switch {
		case line == "":
			line = ph
		case utf8.RuneCountInString(prefix+line+" "+ph) <= textWidth-1:
			line += " " + ph
		default:
			writeWrapped(b, prefix, rest, line)
			prefix, line = rest, ph
		}
	}
	writeWrapped(b, prefix, rest, line)
}

// overlapNote says why a cum% can pass 100%.
const overlapNote = "cum% is a share of the total own time. It passes 100% when calls overlap in time (other threads' work, or coroutines and generators suspended inside a call, recorded within them), so the same time counts more than once."

// overlapping reports whether a row's cumulative share shows above 100%.
func overlapping(rows []analyze.Row) bool {
	for _, row := range rows {
		if units.Percent(row.CumShare) != units.Percent(1) && row.CumShare > 1 {
			return true
		}
	}
	return false
}

// describe names the producer of a profile for people.
func describe(p *parse.Profile) string {
	if p.Format == parse.Pprof {
		if p.SampleType != "" {
			return "pprof " + p.SampleType
		}
		return "pprof"
	}
	switch p.Dialect {
	case "cprofile":
		return "cProfile (Python 3)"
	case "python2":
		return "cProfile (Python 2)"
	case "profile":
		return "profile module"
	case "yappi":
		return "yappi"
	case "":
		return "pstats"
	}
	return "pstats (" + p.Dialect + ")"
}

// sortTitle names the ranking for a table heading, in the profile's own
// terms: time for pstats and CPU profiles, the sample type for the rest.
func sortTitle(r *analyze.Report) string {
	what := "time"
	if p := r.Profile; p.Unit != "seconds" {
		what = "value"
		if p.SampleType != "" {
			what = p.SampleType
		}
	}
	switch r.Sort {
	case analyze.ByOwn:
		return "own " + what
	case analyze.ByCalls:
		return "calls"
	case analyze.ByOwnPerCall:
		return "own " + what + " per call"
	case analyze.ByCumPerCall:
		return "cumulative " + what + " per call"
	case analyze.ByName:
		return "name"
	}
	return "cumulative " + what
}

func textFinding(b *bytes.Buffer, n int, f analyze.Finding, unit string) {
	head := fmt.Sprintf("%2d. %-6s %s", n, strings.ToUpper(string(f.Severity)), Title(f))
	tail := units.Value(f.Cost, unit) + "  " + units.Percent(f.Share)
	pad := textWidth - 1 - utf8.RuneCountInString(head) - utf8.RuneCountInString(tail)
	if pad < 2 {
		b.WriteString(head + "\n")
		pad = textWidth - 1 - utf8.RuneCountInString(tail)
		head = ""
	}
	b.WriteString(head + strings.Repeat(" ", pad) + tail + "\n")
	const indent = "    "
	for _, e := range f.Evidence {
		writeWrapped(b, indent+"· ", indent+"  ", sentence(e, unit))
	}
	if f.CallSite != nil && !placed(f) {
		writeWrapped(b, indent+"called from ", indent+"  ", printedLabel(f.CallSite))
	}
	writeWrapped(b, indent+"fix: ", indent+"     ", fix(f))
}

func textLoop(b *bytes.Buffer, r *analyze.Report) {
	l := r.Loop
	fmt.Fprintf(b, "\nEVENT LOOP (%s)\n", l.Runtime)
	const indent = "    "
	line := fmt.Sprintf("wall %s · idle %s (%s) · busy %s", units.Seconds(l.Wall), units.Seconds(l.Idle), units.Percent(share(l.Idle, l.Wall)), units.Seconds(l.Busy))
	if l.Steps > 0 {
		line += fmt.Sprintf(" · %s steps, %s mean", units.Count(l.Steps), units.Seconds(l.MeanStep))
	}
	writeWrapped(b, indent, indent, line)
	for i, bl := range l.Blockers {
		writeWrapped(b, fmt.Sprintf("%s%d. ", indent, i+1), indent+"   ", blockerHeld(printedLabel(bl.Func), bl))
		if s := blockerBounds(l, bl); s != "" {
			writeWrapped(b, indent+"   ", indent+"   ", s)
		}
		if bl.CallSite != nil {
			writeWrapped(b, indent+"   called from ", indent+"     ", printedLabel(bl.CallSite))
		}
		if bl.Finding >= 0 {
			writeWrapped(b, indent+"   ", indent+"   ", fmt.Sprintf("the same work as finding %d", bl.Finding+1))
		}
		writeWrapped(b, indent+"   fix: ", indent+"        ", adviceText(l, bl, r.Findings))
	}
	for _, n := range l.Notes {
		writeWrapped(b, indent+"note: ", indent+"      ", noteText(l, n))
	}
}

// placed reports whether f's evidence already says where it was called
// from, so the report need not repeat it.
func placed(f analyze.Finding) bool {
	return slices.ContainsFunc(f.Evidence, func(x analyze.Fact) bool { return x.Site == f.CallSite })
}

func share(part, whole float64) float64 {
	if whole <= 0 {
		return 0
	}
	return part / whole
}

// textRows writes the ranked listing. Call counts and per-call columns
// appear only when the profile records calls.
func textRows(b *bytes.Buffer, r *analyze.Report) error {
	p := r.Profile
	calls := p.HasCalls()
	head := []string{"cum", "cum%", "own"}
	if calls {
		head = append(head, "calls", perCallTitle(r.Sort))
	} else {
		head = append(head, "own%")
	}
	head = append(head, "function")
	if len(r.Rows) == 0 {
		b.WriteString("  (no functions to list)\n")
		return nil
	}
	rows := make([][]string, 0, len(r.Rows))
	for _, row := range r.Rows {
		f := row.Func
		cells := []string{units.Value(f.Cum, p.Unit), units.Percent(row.CumShare), units.Value(f.Own, p.Unit)}
		if calls {
			perCall := row.CumPerCall
			if r.Sort == analyze.ByOwnPerCall {
				perCall = row.OwnPerCall
			}
			cells = append(cells, units.Calls(f.Calls, f.Primitive), units.Value(perCall, p.Unit))
		} else {
			cells = append(cells, units.Percent(row.OwnShare))
		}
		rows = append(rows, cells)
	}
	return table(b, head, rows, func(i, room int) string { return fitLabel(r.Rows[i].Func, room) })
}

func perCallTitle(k analyze.Key) string {
	if k == analyze.ByOwnPerCall {
		return "own/call"
	}
	return "cum/call"
}

func textRelation(b *bytes.Buffer, title, role string, rel analyze.Relation, p *parse.Profile, other func(*parse.Edge) *parse.Func) error {
	fmt.Fprintf(b, "\n%s %s\n", title, printedLabel(rel.Func))
	if len(rel.Edges) == 0 {
		fmt.Fprintf(b, "  (no %ss recorded)\n", role)
		return nil
	}
	head := []string{"cum", "own"}
	if p.HasCalls() {
		head = append(head, "calls")
	}
	head = append(head, role)
	rows := make([][]string, 0, len(rel.Edges))
	for _, e := range rel.Edges {
		cells := []string{units.Value(e.Cum, p.Unit), units.Value(e.Own, p.Unit)}
		if p.HasCalls() {
			cells = append(cells, units.Calls(e.Calls, e.Primitive))
		}
		rows = append(rows, cells)
	}
	return table(b, head, rows, func(i, room int) string {
		if rel.Edges[i].Estimated {
			return fitLabel(other(rel.Edges[i]), room-len(" (estimated)")) + " (estimated)"
		}
		return fitLabel(other(rel.Edges[i]), room)
	})
}

// table renders right-aligned numeric columns followed by one label column,
// asking label for row i's text in at most room runes so each line fits
// the terminal width.
func table(b *bytes.Buffer, head []string, rows [][]string, label func(i, room int) string) error {
	numeric := len(head) - 1
	widths := make([]int, numeric)
	for _, row := range append([][]string{head[:numeric]}, rows...) {
		for i, c := range row[:numeric] {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	used := 1
	for _, w := range widths {
		used += w + 2
	}
	room := max(textWidth-2-used, 20)
	for i := range rows {
		rows[i] = append(rows[i], label(i, room))
	}
	align := make([]tw.Align, len(head))
	for i := range align {
		align[i] = tw.AlignRight
	}
	align[numeric] = tw.AlignLeft
	var out bytes.Buffer
	t := tablewriter.NewTable(&out,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders:  tw.BorderNone,
			Symbols:  tw.NewSymbols(tw.StyleASCII),
			Settings: tw.Settings{Lines: tw.Lines{ShowHeaderLine: tw.On}, Separators: tw.Separators{BetweenColumns: tw.Off}},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
	)
	t.Header(toAny(head)...)
	if err := t.Bulk(rows); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	for _, line := range strings.SplitAfter(out.String(), "\n") {
		b.WriteString(strings.TrimRight(line, " \n"))
		if strings.HasSuffix(line, "\n") {
			b.WriteByte('\n')
		}
	}
	return nil
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// fitLabel names f in at most n runes. What identifies a function goes
// last: first the directories of its path go, then the file name is
// reduced to its base, and only then is the name itself cut.
func fitLabel(f *parse.Func, n int) string {
	label := printedLabel(f)
	if utf8.RuneCountInString(label) <= n {
		return label
	}
	if short := Printable(location.ShortFile(f.File)); short != "" && strings.HasPrefix(label, short) {
		rest := label[len(short):]
		for k := strings.Count(short, "/") + strings.Count(short, `\`); k > 0; k-- {
			if tail, ok := location.Tail(short, k); ok {
				if label = "…" + tail + rest; utf8.RuneCountInString(label) <= n {
					return label
				}
			}
		}
	}
	return cutRight(label, n)
}

// cutRight shortens s to n runes, marking the cut with an ellipsis.
func cutRight(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:max(n-1, 0)]) + "…"
}

// writeWrapped writes s word-wrapped to the text width, the first line
// after first and later lines after rest.
func writeWrapped(b *bytes.Buffer, first, rest, s string) {
	line, n := first, utf8.RuneCountInString(first)
	empty := true
	for _, word := range words(s) {
		wl := utf8.RuneCountInString(word)
		if !empty && n+1+wl > textWidth-1 {
			b.WriteString(line + "\n")
			line, n, empty = rest, utf8.RuneCountInString(rest), true
		}
		if !empty {
			line += " "
			n++
		}
		line += word
		n += wl
		empty = false
	}
	b.WriteString(line + "\n")
}

// words splits s on spaces, keeping each number with its unit.
func words(s string) []string {
	ws := strings.Fields(s)
	out := ws[:0]
	for _, w := range ws {
		if n := len(out); n > 0 && (units.IsName(w) || units.IsName(strings.TrimRight(w, ",.;:)"))) {
			out[n-1] += " " + w
			continue
		}
		out = append(out, w)
	}
	return out
}
