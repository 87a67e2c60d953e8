package render

import (
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/internal/units"
)

// DiffFlameOptions shape a differential flame graph.
type DiffFlameOptions struct {
	FlameOptions

	// BaseShape draws the base run's frames instead of the new run's, so
	// the paths that vanished stay visible.
	BaseShape bool

	// Normalize scales the base run's values to the new run's total
	// before comparing, so a frame's colour says whether its share grew
	// rather than its value; without it the values are compared as
	// recorded.
	Normalize bool
}

// DiffFlame writes the differential flame graph of d as an SVG: the new
// run's frames (or the base run's) coloured by the change in each frame's
// value, red where it grew and blue where it shrank, with both values and
// the delta in each frame's details. d must hold Stacks.
func DiffFlame(w io.Writer, d *analyze.Diff, opts DiffFlameOptions) error {
	g, err := layoutDiffFlame(d, opts)
	if err != nil {
		return err
	}
	return g.writeSVG(w, opts.Title)
}

// DiffPNG draws the differential flame graph of DiffFlame as a PNG.
func DiffPNG(w io.Writer, d *analyze.Diff, opts DiffFlameOptions) error {
	g, err := layoutDiffFlame(d, opts)
	if err != nil {
		return err
	}
	return encodePNG(w, g.raster(opts.Title))
}

// diffLayer is what a differential flame graph adds to a flame graph: per
// drawn frame the value in each run, the base run's scaled when
// normalized.
type diffLayer struct {
	base, next []float64
	maxDelta   float64 // the largest change of any frame below the root
	scale      float64 // factor applied to the base run's values
	normalize  bool    // --normalize asked for scale
	baseShape  bool
	baseSource string
	newSource  string
}

// layoutDiffFlame draws the union of d's frame trees in the shape of one
// run: frames that did not run there have no width and are left out.
func layoutDiffFlame(d *analyze.Diff, opts DiffFlameOptions) (*flameGraph, error) {
	u := d.Stacks
	if u == nil {
		return nil, errNotComputed("stacks", "Stacks (FlameOptions.StackOptions gives them)")
	}
	if opts.MinWidth < 0 || math.IsNaN(opts.MinWidth) {
		return nil, errors.New("flame graph minimum frame width must be positive")
	}
	scale := 1.0
	if opts.Normalize && u.BaseTotal > 0 {
		scale = u.NewTotal / u.BaseTotal
	}
	layer := &diffLayer{scale: scale, normalize: opts.Normalize, baseShape: opts.BaseShape,
		baseSource: d.Base.Profile.Source, newSource: d.New.Profile.Source}
	drawn := d.New
	if opts.BaseShape {
		drawn = d.Base
	}
	s := &analyze.StackSet{Unit: u.Unit, Exact: u.Exact, Scale: 1}
	index := make([]int, len(u.Frames)) // union frame → drawn frame
	for i, f := range u.Frames {
		v, fn := f.NewValue, f.New
		if opts.BaseShape {
			v, fn = f.BaseValue*scale, f.Base
		}
		parent := -1
		if f.Parent >= 0 {
			parent = index[f.Parent]
		}
		if v <= 0 || (f.Parent >= 0 && parent < 0) {
			index[i] = -1
			continue
		}
		index[i] = len(s.Frames)
		fr := analyze.Frame{Func: fn, Parent: parent, Depth: f.Depth, Value: v, Estimated: f.Estimated}
		if fn == nil && f.Depth > 0 {
			fr.Merged = 1 // an "other" frame: its call paths' count is the runs' own
		}
		s.Frames = append(s.Frames, fr)
		layer.base = append(layer.base, f.BaseValue*scale)
		layer.next = append(layer.next, f.NewValue)
		if f.Parent >= 0 {
			layer.maxDelta = max(layer.maxDelta, math.Abs(f.NewValue-f.BaseValue*scale))
		}
	}
	if len(s.Frames) == 0 { // an empty run: draw its root alone
		s.Frames = append(s.Frames, analyze.Frame{Parent: -1})
		layer.base, layer.next = append(layer.base, 0), append(layer.next, 0)
	}
	for i := len(s.Frames) - 1; i >= 0; i-- {
		s.Frames[i].End = max(s.Frames[i].End, i+1)
		if p := s.Frames[i].Parent; p >= 0 {
			s.Frames[p].End = max(s.Frames[p].End, s.Frames[i].End)
		}
	}
	s.Total = s.Frames[0].Value
	r := *drawn
	r.Stacks = s
	g, err := layoutFlame(&r, opts.FlameOptions)
	if err != nil {
		return nil, err
	}
	g.diff = layer
	g.top = g.legend().bottom + 32 // the diff legend has its own rows
	g.height = g.top + (g.maxDepth+1)*frameHeight + flameFoot
	return g, nil
}

// Diff colours: no change, the most growth and the most shrinkage.
var (
	diffSame   = [3]float64{0xee, 0xee, 0xee}
	diffGrew   = [3]float64{0xd7, 0x30, 0x1f}
	diffShrank = [3]float64{0x2b, 0x6c, 0xb0}
)

// color is a change's colour: grey for none, red or blue in proportion to
// the change over the largest change in the graph.
func (l *diffLayer) color(delta float64) string {
	t, end := 0.0, diffGrew
	if l.maxDelta > 0 {
		t = math.Min(1, math.Abs(delta)/l.maxDelta)
	}
	if delta < 0 {
		end = diffShrank
	}
	c := func(k int) int { return int(math.Round(diffSame[k] + (end[k]-diffSame[k])*t)) }
	return fmt.Sprintf("#%02x%02x%02x", c(0), c(1), c(2))
}

// legend is the colour scale: five swatches from the largest shrinkage to
// the largest growth, each labelled with its change; the subtitle says
// which colour is which.
func (l *diffLayer) legend(unit string) []legendEntry {
	var entries []legendEntry
	for _, t := range []float64{-1, -0.5, 0, 0.5, 1} {
		delta := t * l.maxDelta
		label := signed(delta, unit)
		if t == 0 {
			label = "no change"
		}
		entries = append(entries, legendEntry{fill: l.color(delta), label: label})
	}
	return entries
}

// title names both runs.
func (l *diffLayer) title() string {
	return "Differential flame graph: " + filepath.Base(l.baseSource) + " → " + filepath.Base(l.newSource)
}

// subtitle says which shape is drawn, the totals and whether they were
// normalized.
func (l *diffLayer) subtitle(unit string) string {
	shape := "frames of NEW (" + filepath.Base(l.newSource) + ")"
	if l.baseShape {
		shape = "frames of BASE (" + filepath.Base(l.baseSource) + "), vanished ones included"
	}
	s := fmt.Sprintf("%s · total %s → %s · red grew, blue shrank", shape, units.Value(l.base[0]/l.scale, unit), units.Value(l.next[0], unit))
	switch {
	case l.normalize && l.base[0] == 0:
		return s + " · not normalized: BASE's total is 0"
	case l.normalize:
		return s + fmt.Sprintf(" · normalized: BASE scaled by %.3g to NEW's total", l.scale)
	}
	return s + " · values as recorded, not normalized"
}
