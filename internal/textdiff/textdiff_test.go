package textdiff

import "testing"

func TestUnified(t *testing.T) {
	tests := []struct {
		name, want, got, diff string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"one line changed", "a\nb\nc\nd\ne\nf\ng\n", "a\nb\nc\nD\ne\nf\ng\n",
			"@@ -2 +2 @@\n b\n c\n-d\n+D\n e\n f\n"},
		{"line added at end", "a\n", "a\nb\n", "@@ -1 +1 @@\n a\n+b\n"},
		{"two hunks", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "x\n2\n3\n4\n5\n6\n7\n8\n9\ny\n",
			"@@ -1 +1 @@\n-1\n+x\n 2\n 3\n@@ -8 +8 @@\n 8\n 9\n-10\n+y\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Unified(tt.want, tt.got); got != tt.diff {
				t.Errorf("Unified:\n%q\nwant:\n%q", got, tt.diff)
			}
		})
	}
}
