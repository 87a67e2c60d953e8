package render

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"strconv"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

// PNG draws the flame graph of Flame as a PNG image to paste into an issue
// or a chat, where SVG files are refused or shown as text: the same
// layout, frames, colours, labels, legend and finding outlines, without
// the interactive parts. Text is set in the Go Mono font, embedded in the
// binary, whose advance of 0.6 em is the one the layout measures labels
// with. The bytes depend only on the report and options.
func PNG(w io.Writer, r *analyze.Report, opts FlameOptions) error {
	g, err := layoutFlame(r, opts)
	if err != nil {
		return err
	}
	return encodePNG(w, g.raster(opts.Title))
}

// encodePNG writes img with the best compression: flame graphs are large
// flat areas that compress well.
func encodePNG(w io.Writer, img image.Image) error {
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(w, img); err != nil {
		return fmt.Errorf("png: %w", err)
	}
	return nil
}

// Colours of the parts flame.css styles.
var (
	pngBackground = hexColor("#fdfdfb")
	pngText       = hexColor("#222222")
	pngSubtle     = hexColor("#555555")
	pngSwatchLine = hexColor("#999999")
	pngOutline    = hexColor("#d00000")
)

// raster draws the graph as flame.go's SVG and flame.css lay it out.
func (g *flameGraph) raster(title string) *image.RGBA {
	c := newCanvas(g.width, g.height)
	mid := float64(g.width) / 2
	c.textCentered(fitText(g.title(title), g.plot, 10.2), mid, 22, fontTitle, pngText)
	c.textCentered(fitText(g.subtitle(), g.plot, charWidth), mid, 40, fontLabel, pngSubtle)
	for _, e := range g.legend().entries {
		x, y := float64(e.x), float64(e.y)
		fill := hexColor(e.fill)
		switch e.class {
		case "x":
			c.fill(x, y, x+12, y+10, fill, 1)
			c.stroke(x, y, x+12, y+10, 2, pngOutline)
		case "e":
			c.fill(x, y, x+12, y+10, fill, 0.5)
			c.stroke(x, y, x+12, y+10, 0.5, pngSwatchLine)
		default:
			c.fill(x, y, x+12, y+10, fill, 1)
			c.stroke(x, y, x+12, y+10, 0.5, pngSwatchLine)
		}
		c.text(e.label, x+16, y+9, fontLabel, pngText)
	}

	colors := make(map[*parse.Func]string)
	for i, f := range g.s.Frames {
		col := hexColor(g.frameFill(i, colors))
		alpha := 1.0
		if g.pale(i) {
			alpha = 0.5
		}
		x, y := flamePad+g.x[i], float64(g.y(f.Depth))
		c.fill(x, y, x+g.rectWidth(g.px(f.Value)), y+frameHeight-1, col, alpha)
	}
	for i, f := range g.s.Frames {
		if _, ok := g.findings[f.Func]; ok && f.Func != nil {
			x, y := flamePad+g.x[i], float64(g.y(f.Depth))
			c.stroke(x, y, x+g.rectWidth(g.px(f.Value)), y+frameHeight-1, 2, pngOutline)
		}
	}
	for i, f := range g.s.Frames {
		if text := fitFrame(frameLabel(f), g.px(f.Value)); text != "" {
			c.text(text, flamePad+g.x[i]+3, float64(g.y(f.Depth)+frameHeight-5), fontLabel, pngText)
		}
	}
	return c.img
}

// Faces of the two text styles: 11 px labels and the 17 px bold title.
const (
	fontLabel = iota
	fontTitle
)

// faces parses the embedded Go Mono fonts once.
var faces = sync.OnceValue(func() [2]font.Face {
	face := func(ttf []byte, size float64) font.Face {
		f, err := opentype.Parse(ttf)
		if err != nil {
			panic(fmt.Sprintf("embedded Go font: %v", err)) // cannot happen: the font is compiled in
		}
		// No hinting: glyph advances stay exactly 0.6 em, as the layout
		// assumes.
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			panic(fmt.Sprintf("embedded Go font: %v", err))
		}
		return face
	}
	return [2]font.Face{face(gomono.TTF, 11), face(gomonobold.TTF, 17)}
})

// canvas is an RGBA image with the few drawing operations a flame graph
// needs, each anti-aliased by the share of a pixel a shape covers.
type canvas struct {
	img *image.RGBA
}

func newCanvas(w, h int) *canvas {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(pngBackground), image.Point{}, draw.Src)
	return &canvas{img: img}
}

// fill paints the rectangle [x0,x1)×[y0,y1) with col at opacity alpha,
// edge pixels in proportion to how much of them the rectangle covers.
func (c *canvas) fill(x0, y0, x1, y1 float64, col color.RGBA, alpha float64) {
	b := c.img.Bounds()
	for py := max(int(math.Floor(y0)), b.Min.Y); py < min(int(math.Ceil(y1)), b.Max.Y); py++ {
		cy := overlap(y0, y1, float64(py))
		for px := max(int(math.Floor(x0)), b.Min.X); px < min(int(math.Ceil(x1)), b.Max.X); px++ {
			c.blend(px, py, col, alpha*cy*overlap(x0, x1, float64(px)))
		}
	}
}

// overlap is how much of the pixel [p, p+1) lies in [a, b).
func overlap(a, b, p float64) float64 {
	return max(0, min(b, p+1)-max(a, p))
}

// blend mixes col into the pixel at (x, y) by a in [0, 1]; the canvas is
// opaque, so alpha stays 255.
func (c *canvas) blend(x, y int, col color.RGBA, a float64) {
	if a <= 0 {
		return
	}
	i := c.img.PixOffset(x, y)
	p := c.img.Pix[i : i+3 : i+3]
	for k, v := range [3]uint8{col.R, col.G, col.B} {
		p[k] = uint8(math.Round(float64(p[k])*(1-a) + float64(v)*a))
	}
}

// stroke draws the outline of a rectangle with a line w px wide centred
// on its edges, as SVG strokes are, in four bands that do not overlap.
func (c *canvas) stroke(x0, y0, x1, y1, w float64, col color.RGBA) {
	h := w / 2
	c.fill(x0-h, y0-h, x1+h, y0+h, col, 1)
	c.fill(x0-h, y1-h, x1+h, y1+h, col, 1)
	c.fill(x0-h, y0+h, x0+h, y1-h, col, 1)
	c.fill(x1-h, y0+h, x1+h, y1-h, col, 1)
}

// text draws s with its baseline starting at (x, y).
func (c *canvas) text(s string, x, y float64, face int, col color.RGBA) {
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(col), Face: faces()[face],
		Dot: fixed.Point26_6{X: fixed.Int26_6(math.Round(x * 64)), Y: fixed.Int26_6(math.Round(y * 64))}}
	d.DrawString(s)
}

// textCentered draws s centred on x, as SVG's text-anchor: middle.
func (c *canvas) textCentered(s string, x, y float64, face int, col color.RGBA) {
	w := font.MeasureString(faces()[face], s)
	c.text(s, x-float64(w)/128, y, face, col)
}

// hexColor parses the #rrggbb colours flame.go computes.
func hexColor(s string) color.RGBA {
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if len(s) != 7 || err != nil {
		panic("render: bad colour " + s) // colours are all written by this package
	}
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 255}
}
