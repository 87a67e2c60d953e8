// Package textdiff prints line diffs for golden-file tests: what changed
// between the expected and the produced text, in hunks with context, the
// way diff -u shows it.
package textdiff

import (
	"fmt"
	"strings"
)

// context is how many unchanged lines surround each change.
const context = 2

// maxTable bounds the longest-common-subsequence table; texts needing a
// bigger one are compared line by line up to the first difference.
const maxTable = 1 << 24

// Unified returns the differences between want and got as unified-diff
// hunks, "-" for lines only in want, "+" for lines only in got; "" when the
// texts are equal.
func Unified(want, got string) string {
	if want == got {
		return ""
	}
	a, b := lines(want), lines(got)
	if len(a)*len(b) > maxTable {
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				return fmt.Sprintf("@@ line %d (texts too long for a full diff) @@\n-%s+%s", i+1, line(a[i]), line(b[i]))
			}
		}
		return fmt.Sprintf("one text has %d lines, the other %d\n", len(a), len(b))
	}
	ops := edits(a, b)
	var out strings.Builder
	for start := 0; start < len(ops); {
		// Find the next change and the end of its hunk: changes closer
		// than 2×context lines share one hunk.
		for start < len(ops) && ops[start].kind == ' ' {
			start++
		}
		if start == len(ops) {
			break
		}
		end, same := start, 0
		for i := start; i < len(ops) && same <= 2*context; i++ {
			if ops[i].kind == ' ' {
				same++
			} else {
				same, end = 0, i+1
			}
		}
		from, to := max(start-context, 0), min(end+context, len(ops))
		fmt.Fprintf(&out, "@@ -%d +%d @@\n", ops[from].a+1, ops[from].b+1)
		for _, op := range ops[from:to] {
			out.WriteString(string(op.kind) + line(op.text))
		}
		start = to
	}
	return out.String()
}

// lines splits s after each newline.
func lines(s string) []string {
	l := strings.SplitAfter(s, "\n")
	if l[len(l)-1] == "" {
		l = l[:len(l)-1]
	}
	return l
}

// line returns s ending in exactly one newline.
func line(s string) string { return strings.TrimSuffix(s, "\n") + "\n" }

// edit is one line of the diff with its line numbers (0-based) in both
// texts.
type edit struct {
	kind byte // ' ', '-' or '+'
	text string
	a, b int
}

// edits aligns a and b on a longest common subsequence of lines.
func edits(a, b []string) []edit {
	lcs := make([][]int32, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []edit
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			ops = append(ops, edit{' ', a[i], i, j})
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, edit{'-', a[i], i, j})
			i++
		default:
			ops = append(ops, edit{'+', b[j], i, j})
			j++
		}
	}
	return ops
}
