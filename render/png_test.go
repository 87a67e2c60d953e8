package render

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// pngTolerance bounds how far a golden PNG may drift: font rasterization
// can differ in the last bit between machines (floating point), so pixels
// are compared with a per-channel slack, and a few may differ by more.
const (
	pngChannelSlack  = 24
	pngPixelsAllowed = 0.002
)

// comparePixels returns the share of pixels of got whose colour differs
// from want by more than the slack in some channel; 1 when the sizes
// differ.
func comparePixels(want, got image.Image) float64 {
	if want.Bounds() != got.Bounds() {
		return 1
	}
	b := want.Bounds()
	bad := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			w, g := color.RGBAModel.Convert(want.At(x, y)).(color.RGBA), color.RGBAModel.Convert(got.At(x, y)).(color.RGBA)
			if absDiff(w.R, g.R) > pngChannelSlack || absDiff(w.G, g.G) > pngChannelSlack || absDiff(w.B, g.B) > pngChannelSlack || w.A != g.A {
				bad++
			}
		}
	}
	return float64(bad) / float64(b.Dx()*b.Dy())
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// goldenPNG compares got with the PNG at path by decoded pixels, or writes
// it there under -update.
func goldenPNG(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with: go test ./render -run '%s' -update)", err, t.Name())
	}
	want, err := png.Decode(bytes.NewReader(f))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	img, err := png.Decode(bytes.NewReader(got))
	if err != nil {
		t.Fatalf("rendered PNG does not decode: %v", err)
	}
	if bad := comparePixels(want, img); bad > pngPixelsAllowed {
		t.Errorf("%s: %.2f%% of pixels differ (sizes %v and %v); if the change is intended: go test ./render -run '%s' -update",
			path, bad*100, want.Bounds(), img.Bounds(), t.Name())
	}
}

func TestPNGGolden(t *testing.T) {
	tests := []struct {
		name, dump string
		opts       FlameOptions
		golden     string
	}{
		// docs/flame.png is the picture the README shows, drawn as the
		// command draws it by default.
		{"motivating case", "webhook/webhook.pstats", FlameOptions{MinWidth: 0.1}, "../docs/flame.png"},
		{"finding outlined", "setup/config_copy.pstats", FlameOptions{}, "testdata/config_copy.png"},
		{"icicle, narrow, titled", "pstats/recursive-3.11.pstats",
			FlameOptions{Width: 600, Title: "recursion <&>", MinWidth: 2, Inverted: true}, "testdata/recursive-3.11.inverted.png"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := restack(dumpReport(t, tt.dump), tt.opts.StackOptions())
			var a, b bytes.Buffer
			for _, buf := range []*bytes.Buffer{&a, &b} {
				if err := PNG(buf, r, tt.opts); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Errorf("two renderings of the same report differ")
			}
			goldenPNG(t, filepath.FromSlash(tt.golden), a.Bytes())
		})
	}
}

// TestPNGMatchesSVG checks the picture against the SVG's layout: the same
// size, each wide frame filled with its SVG colour (half over the
// background when estimated), and the frames of findings outlined in red.
func TestPNGMatchesSVG(t *testing.T) {
	for _, dump := range []string{"setup/config_copy.pstats", "pprof/cpu/cpu.pb.gz"} {
		t.Run(dump, func(t *testing.T) {
			r := restack(dumpReport(t, dump), FlameOptions{}.StackOptions())
			g, err := layoutFlame(r, FlameOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := PNG(&b, r, FlameOptions{}); err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(&b)
			if err != nil {
				t.Fatal(err)
			}
			if img.Bounds().Dx() != g.width || img.Bounds().Dy() != g.height {
				t.Fatalf("PNG is %v, SVG is %d×%d", img.Bounds(), g.width, g.height)
			}
			checked, outlined := 0, 0
			for i, f := range g.s.Frames {
				w := g.px(f.Value)
				if w < 40 {
					continue
				}
				// A point in the frame's right half, below any label and
				// inside any outline.
				x, y := int(flamePad+g.x[i]+w*3/4), g.y(f.Depth)+frameHeight-3
				want := hexColor(frameColor(f.Func))
				if f.Estimated {
					want = mix(want, pngBackground)
				}
				if got := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA); !near(got, want, 1) {
					t.Errorf("frame %d (%s) at (%d,%d) is %v, want %v", i, frameName(f.Func), x, y, got, want)
				}
				checked++
				if _, ok := g.findings[f.Func]; ok && f.Func != nil {
					top := color.RGBAModel.Convert(img.At(x, g.y(f.Depth))).(color.RGBA)
					if !near(top, pngOutline, 1) {
						t.Errorf("frame %d of finding %s: top edge %v, want outline %v", i, frameName(f.Func), top, pngOutline)
					}
					outlined++
				}
			}
			if checked < 5 || (len(r.Findings) > 0 && outlined == 0) {
				t.Errorf("checked %d frames, %d outlined; the test checks too little", checked, outlined)
			}
		})
	}
}

// mix is a half-transparent colour over the background.
func mix(c, bg color.RGBA) color.RGBA {
	m := func(a, b uint8) uint8 { return uint8((int(a) + int(b) + 1) / 2) }
	return color.RGBA{m(c.R, bg.R), m(c.G, bg.G), m(c.B, bg.B), 255}
}

func near(a, b color.RGBA, slack int) bool {
	return absDiff(a.R, b.R) <= slack && absDiff(a.G, b.G) <= slack && absDiff(a.B, b.B) <= slack
}

func TestPNGOptions(t *testing.T) {
	r := restack(dumpReport(t, "pstats/recursive-3.11.pstats"), FlameOptions{}.StackOptions())
	var b bytes.Buffer
	if err := PNG(&b, r, FlameOptions{Width: 100}); err == nil || b.Len() > 0 {
		t.Errorf("PNG at width 100 = %v after %d bytes, want an error and no output", err, b.Len())
	}
	if err := PNG(&b, r, FlameOptions{Width: 321}); err != nil {
		t.Fatal(err)
	}
	if cfg, err := png.DecodeConfig(&b); err != nil || cfg.Width != 321 {
		t.Errorf("--width 321 drew %d px (%v)", cfg.Width, err)
	}
}
