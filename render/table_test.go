package render

import (
	"bytes"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/loopdoctor/loopdoctor/internal/units"
	"github.com/loopdoctor/loopdoctor/parse"
)

// tablewriterTable lays out head and rows (the label cell last in each)
// the way table did when tablewriter drew it, with the configuration it
// gave tablewriter and the trailing spaces trimmed from each line.
func tablewriterTable(t *testing.T, head []string, rows [][]string) string {
	t.Helper()
	numeric := len(head) - 1
	align := make([]tw.Align, len(head))
	for i := range align {
		align[i] = tw.AlignRight
	}
	align[numeric] = tw.AlignLeft
	var out bytes.Buffer
	tab := tablewriter.NewTable(&out,
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
	anyHead := make([]any, len(head))
	for i, h := range head {
		anyHead[i] = h
	}
	tab.Header(anyHead...)
	if err := tab.Bulk(rows); err != nil {
		t.Fatal(err)
	}
	if err := tab.Render(); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, line := range strings.SplitAfter(out.String(), "\n") {
		b.WriteString(strings.TrimRight(line, " \n"))
		if strings.HasSuffix(line, "\n") {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// sameTable checks that table lays out head and rows, with the labels
// label returns, as tablewriter did.
func sameTable(t *testing.T, name string, head []string, rows [][]string, label func(i, room int) string) {
	t.Helper()
	var got bytes.Buffer
	table(&got, head, rows, label) // appends each row's label to it
	if want := tablewriterTable(t, head, rows); got.String() != want {
		t.Errorf("%s: table wrote\n%s\ntablewriter wrote\n%s", name, got.String(), want)
	}
}

// TestTableAsTablewriter checks that table writes the bytes tablewriter
// wrote for the same cells (with East Asian widths off, as they are in
// every locale but a CJK one): for the functions of every dump in
// testdata, then for random cells of wide, combining, ambiguous and
// escaped characters with spaces at their ends.
func TestTableAsTablewriter(t *testing.T) {
	ea := twwidth.IsEastAsian()
	twwidth.SetEastAsian(false)
	defer twwidth.SetEastAsian(ea)

	var dumps []string
	filepath.WalkDir(filepath.Join("..", "testdata"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			dumps = append(dumps, path)
		}
		return nil
	})
	head := []string{"cum", "own", "calls", "function"}
	tables := 0
	for _, dump := range dumps {
		p, err := parse.File(dump, parse.Options{})
		if err != nil || len(p.Funcs) == 0 {
			continue // not a profile; table is never asked for no rows
		}
		tables++
		rows := make([][]string, len(p.Funcs))
		for i, f := range p.Funcs {
			rows[i] = []string{units.Value(f.Cum, p.Unit), units.Value(f.Own, p.Unit), units.Calls(f.Calls, f.Primitive)}
		}
		sameTable(t, dump, head, rows, func(i, room int) string { return fitLabel(p.Funcs[i], room) })
	}
	if tables < 50 {
		t.Errorf("only %d dumps read", tables)
	}

	pieces := []string{"a", "Z", "9", ".", "/", " ", "µs", "×", "…", "—", "中文", "ｶ", "e\u0301", "\u200b", "😀", "\\x1b", "<lambda>", ":12"}
	rng := rand.New(rand.NewPCG(13, 7))
	cell := func(n int) string {
		var s strings.Builder
		for range rng.IntN(n + 1) {
			s.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return s.String()
	}
	for k := range 500 {
		cols := 1 + rng.IntN(5)
		head := make([]string, cols)
		for i := range head {
			head[i] = cell(3)
		}
		rows := make([][]string, 1+rng.IntN(6))
		labels := make([]string, len(rows))
		for i := range rows {
			rows[i] = make([]string, cols-1)
			for j := range rows[i] {
				rows[i][j] = cell(4)
			}
			labels[i] = cell(30)
		}
		sameTable(t, "random table "+units.Count(int64(k)), head, rows, func(i, room int) string { return labels[i] })
	}
}
