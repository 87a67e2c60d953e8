package render

import (
	"bytes"
	_ "embed" // htmldiff.tmpl
	"fmt"
	"html/template"
	"io"
	"sync"

	"github.com/loopdoctor/loopdoctor/analyze"
)

var (
	//go:embed htmldiff.tmpl
	htmlDiffTemplate string

	// Parsed on first use, as htmlPageTemplate is.
	htmlDiffPageTemplate = sync.OnceValue(func() *template.Template {
		return template.Must(template.New("diff").Parse(htmlDiffTemplate))
	})
)

// DiffHTML writes a comparison of two runs as one self-contained page:
// the headline, the findings that changed, the differential flame graph of
// DiffFlame and the table of changed functions. Like HTML, it fetches
// nothing and its bytes depend only on its input.
func DiffHTML(w io.Writer, d *analyze.Diff, opts DiffFlameOptions) error {
	g, err := layoutDiffFlame(d, opts)
	if err != nil {
		return err
	}
	svg, err := g.inlineSVG(opts.Title)
	if err != nil {
		return err
	}
	base, next := d.Base.Profile, d.New.Profile
	rows := shownFuncs(d)
	head, cells := diffCells(rows, base, next, true)
	for i, fd := range rows {
		label := printedLabel(fd.Func())
		if fd.Moved {
			label += fmt.Sprintf(" (was line %d)", fd.Base.Line)
		}
		cells[i] = append(cells[i], label)
	}
	page := struct {
		Title, Headline, Cut string
		Findings             []string
		Head                 []string
		Rows                 [][]string
		Last                 int // the function column, left-aligned
		Flame                template.HTML
		Style                template.CSS
	}{
		Title:    "loopdoctor diff: " + base.Source + " → " + next.Source,
		Headline: diffHeadline(d), Cut: cutNote(len(rows), changedCount(d)),
		Head: head, Rows: cells, Last: len(head) - 1,
		Flame: svg,
		Style: template.CSS(htmlCSS),
	}
	for _, fd := range d.Findings {
		page.Findings = append(page.Findings, findingChange(fd, base.Unit, false))
	}
	var b bytes.Buffer
	if err := htmlDiffPageTemplate().Execute(&b, page); err != nil {
		return fmt.Errorf("html diff: %w", err)
	}
	_, err = w.Write(b.Bytes())
	return err
}
