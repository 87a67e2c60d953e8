package render

import (
	"testing"

	"github.com/loopdoctor/loopdoctor/parse"
)

func TestFitLabel(t *testing.T) {
	f := &parse.Func{Name: "run_until_complete", File: "/usr/lib/python3.11/asyncio/base_events.py", Line: 617}
	builtin := &parse.Func{Name: "<method 'run' of '_contextvars.Context' objects>", File: "~"}
	tests := []struct {
		f    *parse.Func
		n    int
		want string
	}{
		{f, 80, "asyncio/base_events.py:617 run_until_complete"},
		{f, 40, "…/base_events.py:617 run_until_complete"},
		{f, 30, "…/base_events.py:617 run_unti…"},
		{builtin, 30, "{method 'run' of '_contextvar…"},
	}
	for _, tt := range tests {
		if got := fitLabel(tt.f, tt.n); got != tt.want {
			t.Errorf("fitLabel(%s, %d) = %q, want %q", tt.f, tt.n, got, tt.want)
		}
	}
}
