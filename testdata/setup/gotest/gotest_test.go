package gotest

import (
	"fmt"
	"io"
	"math/rand"
	"testing"
)

// BenchmarkRenderInvoice renders a different invoice per iteration; the
// template is parsed again each time, inside the b.N loop.
func BenchmarkRenderInvoice(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if err := RenderInvoice(io.Discard, NewInvoice(i)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFilterUserPatterns compiles 3,000 different generated patterns once
// each and matches them against 300 lines.
func TestFilterUserPatterns(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	services := []string{"auth", "billing", "search", "mailer", "gateway"}
	words := []string{"timeout", "refused", "reset", "denied", "expired", "missing"}
	seen := map[string]bool{}
	var patterns []string
	for len(patterns) < 3000 {
		var p string
		switch rng.Intn(3) {
		case 0:
			p = fmt.Sprintf(`%s\[\d+\]: .*%s`, services[rng.Intn(len(services))], words[rng.Intn(len(words))])
		case 1:
			p = fmt.Sprintf(`user=[a-z]{%d,%d}%d`, 1+rng.Intn(3), 4+rng.Intn(4), rng.Intn(100))
		default:
			p = fmt.Sprintf(`(%s|%s) after %dms`, words[rng.Intn(len(words))], words[rng.Intn(len(words))], rng.Intn(1000))
		}
		if !seen[p] {
			seen[p] = true
			patterns = append(patterns, p)
		}
	}
	lines := make([]string, 300)
	for i := range lines {
		lines[i] = fmt.Sprintf("%s[%d]: user=%s%d %s after %dms", services[rng.Intn(len(services))], rng.Intn(999),
			"abcdefg"[:1+rng.Intn(6)], rng.Intn(100), words[rng.Intn(len(words))], rng.Intn(1000))
	}
	counts, err := Filter(patterns, lines)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, c := range counts {
		total += c
	}
	if total == 0 {
		t.Error("no pattern matched any line")
	}
}
