package render

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/internal/units"
	"github.com/loopdoctor/loopdoctor/parse"
)

// mdShortTable is how many rows of the function table show outright; the
// rest of the report's rows go in a collapsed block below it.
const mdShortTable = 10

// Markdown writes the report as GitHub-flavored Markdown to paste into an
// issue: a one-paragraph verdict, each finding with its proof and fix, the
// event-loop budget, and a short function table; the longer parts (callers
// of the top finding, the full table) sit in <details> blocks so the issue
// stays readable. Function names are escaped so no name can break a table.
func Markdown(w io.Writer, r *analyze.Report) error {
	var b bytes.Buffer
	p := r.Profile
	b.WriteString(mdSummary(r) + "\n")
	for _, n := range p.Notes {
		b.WriteString("\n> **Note:** " + mdText(n) + "\n")
	}
	for i, f := range r.Findings {
		mdFinding(&b, i+1, f, p.Unit)
	}
	if r.Loop != nil {
		mdLoop(&b, r.Loop, r.Findings)
	}
	// Issue trackers show a PNG inline where they refuse an SVG file.
	b.WriteString("\nTo attach the flame graph as a picture: " + mdCode("loopdoctor analyze -f png "+shellWord(p.Source)+" -o flame.png") + "\n")
	if len(r.Rows) > 0 {
		fmt.Fprintf(&b, "\n### Top functions by %s\n\n", sortTitle(r))
		mdRows(&b, r, r.Rows[:min(len(r.Rows), mdShortTable)])
		if len(r.Rows) > mdShortTable {
			mdDetails(&b, fmt.Sprintf("Top %d functions by %s", len(r.Rows), sortTitle(r)), func() { mdRows(&b, r, r.Rows) })
		}
	}
	if len(r.Findings) > 0 {
		if f := r.Findings[0].Func; len(f.In) > 0 {
			mdDetails(&b, "Callers of "+printedLabel(f), func() {
				mdEdges(&b, p, "caller", sortedByCum(f.In), func(e *parse.Edge) *parse.Func { return e.Caller })
			})
		}
	}
	for _, rel := range r.Callers {
		mdRelation(&b, "Callers of", "caller", rel, p, func(e *parse.Edge) *parse.Func { return e.Caller })
	}
	for _, rel := range r.Callees {
		mdRelation(&b, "Callees of", "callee", rel, p, func(e *parse.Edge) *parse.Func { return e.Callee })
	}
	_, err := io.WriteString(w, printableText(b.String()))
	return err
}

// mdSummary is the opening paragraph: what was profiled, how big it is,
// and the main problem when there is one.
func mdSummary(r *analyze.Report) string {
	p := r.Profile
	s := "**loopdoctor:** " + mdCode(p.Source) + " — " + mdText(describe(p))
	if r.Calls >= 0 {
		s += ", " + counted(r.Calls, "call", "calls")
	}
	s += ", " + units.Value(p.Total, p.Unit) + " total."
	if len(r.Findings) > 0 {
		top := r.Findings[0]
		s += fmt.Sprintf(" **%s.** The largest: %s, %s (%s of the run).",
			findingCount(r.Findings), mdText(Title(top)), units.Value(top.Cost, p.Unit), units.Percent(top.Share))
	}
	if l := r.Loop; l != nil && len(l.Blockers) > 0 {
		s += fmt.Sprintf(" The %s loop was busy %s of %s; %s held it longest.",
			mdText(l.Runtime), units.Percent(share(l.Busy, l.Wall)), units.Seconds(l.Wall), mdCode(printedLabel(l.Blockers[0].Func)))
	}
	return s
}

// findingCount says how many findings there are and how bad: "1 high
// finding", "3 findings (1 high, 2 low)".
func findingCount(fs []analyze.Finding) string {
	bySeverity := map[analyze.Severity]int{}
	for _, f := range fs {
		bySeverity[f.Severity]++
	}
	var parts []string
	for _, s := range []analyze.Severity{analyze.High, analyze.Medium, analyze.Low} {
		if n := bySeverity[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	if len(parts) == 1 {
		return parts[0] + " " + agreeWord(int64(len(fs)), "finding", "findings")
	}
	return fmt.Sprintf("%d findings (%s)", len(fs), strings.Join(parts, ", "))
}

// mdFinding writes one finding: the verdict with its headline figures,
// the proof as a list, then the fix. The first fact, when it says how
// often the setup ran and what it cost, leads the paragraph instead of
// opening the list.
func mdFinding(b *bytes.Buffer, n int, f analyze.Finding, unit string) {
	fmt.Fprintf(b, "\n### %d. %s — %s, %s of the run\n\n", n, mdText(Title(f)), units.Value(f.Cost, unit), units.Percent(f.Share))
	ev := f.Evidence
	lead := "In " + mdCode(printedLabel(f.Func)) + "."
	if len(ev) > 0 && (ev[0].Kind == analyze.FactRan || ev[0].Kind == analyze.FactStackCost) {
		lead, ev = mdWords(unit).fact(ev[0]), ev[1:]
	}
	fmt.Fprintf(b, "**%s.** %s", strings.ToUpper(string(f.Severity)), lead)
	if f.CallSite != nil && !placed(f) {
		fmt.Fprintf(b, " Called from %s.", mdCode(printedLabel(f.CallSite)))
	}
	b.WriteString("\n")
	if len(ev) > 0 {
		b.WriteString("\n")
		for _, e := range ev {
			b.WriteString("- " + mdWords(unit).fact(e) + "\n")
		}
	}
	b.WriteString("\n**Fix:** " + mdText(fix(f)) + "\n")
}

func mdLoop(b *bytes.Buffer, l *analyze.Loop, findings []analyze.Finding) {
	fmt.Fprintf(b, "\n### Event loop (%s)\n\n", mdText(l.Runtime))
	fmt.Fprintf(b, "Wall %s · idle %s (%s) · busy %s", units.Seconds(l.Wall), units.Seconds(l.Idle), units.Percent(share(l.Idle, l.Wall)), units.Seconds(l.Busy))
	if l.Steps > 0 {
		fmt.Fprintf(b, " · %s steps, %s mean", units.Count(l.Steps), units.Seconds(l.MeanStep))
	}
	b.WriteString("\n")
	if len(l.Blockers) > 0 {
		b.WriteString("\n")
	}
	for i, bl := range l.Blockers {
		fmt.Fprintf(b, "%d. %s", i+1, blockerHeld(mdCode(printedLabel(bl.Func)), bl))
		if s := blockerBounds(l, bl); s != "" {
			b.WriteString("; " + s)
		}
		b.WriteString(".")
		if bl.CallSite != nil {
			fmt.Fprintf(b, " Called from %s.", mdCode(printedLabel(bl.CallSite)))
		}
		if bl.Finding >= 0 {
			fmt.Fprintf(b, " The same work as finding %d.", bl.Finding+1)
		}
		b.WriteString(" **Fix:** " + mdText(adviceText(l, bl, findings)) + "\n")
	}
	for _, n := range l.Notes {
		b.WriteString("\n> **Note:** " + mdText(noteText(l, n)) + "\n")
	}
}

// mdRows writes ranked functions as a table. Call counts appear only when
// the profile records calls.
func mdRows(b *bytes.Buffer, r *analyze.Report, rows []analyze.Row) {
	p := r.Profile
	head := []string{"cum", "%", "own"}
	if p.HasCalls() {
		head = append(head, "calls", perCallTitle(r.Sort))
	}
	head = append(head, "function")
	cells := make([][]string, len(rows))
	for i, row := range rows {
		f := row.Func
		c := []string{units.Value(f.Cum, p.Unit), units.Percent(row.CumShare), units.Value(f.Own, p.Unit)}
		if p.HasCalls() {
			perCall := row.CumPerCall
			if r.Sort == analyze.ByOwnPerCall {
				perCall = row.OwnPerCall
			}
			c = append(c, units.Calls(f.Calls, f.Primitive), units.Value(perCall, p.Unit))
		}
		cells[i] = append(c, mdCode(printedLabel(f)))
	}
	mdTable(b, head, cells)
}

func mdRelation(b *bytes.Buffer, title, role string, rel analyze.Relation, p *parse.Profile, other func(*parse.Edge) *parse.Func) {
	fmt.Fprintf(b, "\n### %s %s\n\n", title, mdCode(printedLabel(rel.Func)))
	if len(rel.Edges) == 0 {
		fmt.Fprintf(b, "No %ss recorded.\n", role)
		return
	}
	mdEdges(b, p, role, rel.Edges, other)
}

// mdEdges writes one table row per edge, naming the function at the other
// end and saying when the edge's times are estimates.
func mdEdges(b *bytes.Buffer, p *parse.Profile, role string, edges []*parse.Edge, other func(*parse.Edge) *parse.Func) {
	head := []string{"cum", "own"}
	if p.HasCalls() {
		head = append(head, "calls")
	}
	head = append(head, role)
	cells := make([][]string, len(edges))
	for i, e := range edges {
		c := []string{units.Value(e.Cum, p.Unit), units.Value(e.Own, p.Unit)}
		if p.HasCalls() {
			c = append(c, units.Calls(e.Calls, e.Primitive))
		}
		label := mdCode(printedLabel(other(e)))
		if e.Estimated {
			label += " (estimated)"
		}
		cells[i] = append(c, label)
	}
	mdTable(b, head, cells)
}

// sortedByCum returns edges largest cumulative value first, ties in model
// order.
func sortedByCum(edges []*parse.Edge) []*parse.Edge {
	out := slices.Clone(edges)
	slices.SortStableFunc(out, func(a, c *parse.Edge) int {
		switch {
		case a.Cum > c.Cum:
			return -1
		case a.Cum < c.Cum:
			return 1
		}
		return 0
	})
	return out
}

// mdTable writes a GFM table whose last column is left-aligned text and
// the others right-aligned numbers. Cells are already Markdown; any pipe in
// them is escaped here, which GFM honours even inside code spans.
func mdTable(b *bytes.Buffer, head []string, rows [][]string) {
	b.WriteString("| " + strings.Join(head, " | ") + " |\n|")
	for i := range head {
		if i == len(head)-1 {
			b.WriteString("---|")
		} else {
			b.WriteString("---:|")
		}
	}
	b.WriteString("\n")
	for _, row := range rows {
		b.WriteString("|")
		for _, c := range row {
			b.WriteString(" " + strings.ReplaceAll(c, "|", `\|`) + " |")
		}
		b.WriteString("\n")
	}
}

// mdDetails writes a collapsed block. The blank lines around the body end
// the HTML block, so GitHub renders the body as Markdown.
func mdDetails(b *bytes.Buffer, summary string, body func()) {
	b.WriteString("\n<details><summary>" + html.EscapeString(Printable(summary)) + "</summary>\n\n")
	body()
	b.WriteString("\n</details>\n")
}

// mdSpecial holds the characters that mean something anywhere in inline
// Markdown or HTML; prose escapes each with a backslash, which CommonMark
// allows for any ASCII punctuation.
const mdSpecial = "\\`*_[]<>|~&"

// mdLeading matches what turns the start of a line into a heading, a list
// item or a setext underline: "# ", "- ", "+ ", "=", "1. ", "2) ".
var mdLeading = regexp.MustCompile(`^(?:[#+=-]|[0-9]+[.)])`)

// mdText escapes s for use as Markdown prose on one line, at its start or
// after a list marker.
func mdText(s string) string {
	s = Printable(s) // a line break would end a table row or a list item
	var b strings.Builder
	if m := mdLeading.FindString(s); m != "" {
		b.WriteString(m[:len(m)-1] + "\\" + m[len(m)-1:])
		s = s[len(m):]
	}
	for _, c := range s {
		if strings.ContainsRune(mdSpecial, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// mdCode puts s in a code span, where nothing but backticks is special: the
// fence is one backtick longer than the longest run inside, and padding
// keeps a backtick or space at either end from joining the fence.
func mdCode(s string) string {
	s = Printable(s) // a line break would end a table row or a list item
	longest, run := 0, 0
	for _, c := range s {
		if c == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if s != "" && (strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ")) {
		s = " " + s + " "
	}
	return fence + s + fence
}

// shellWord quotes s for a POSIX shell when it holds anything but the
// characters file names usually consist of.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./+:@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
