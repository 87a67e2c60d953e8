package render

import (
	"testing"

	"github.com/loopdoctor/loopdoctor/parse"
)

func TestValue(t *testing.T) {
	tests := []struct {
		v    float64
		unit string
		want string
	}{
		{0, "seconds", "0 s"},
		{1.5, "seconds", "1.50 s"},
		{123.456, "seconds", "123 s"},
		{0.455, "seconds", "455 ms"},
		{0.0152, "seconds", "15.2 ms"},
		{0.000012, "seconds", "12.0 µs"},
		{3e-9, "seconds", "3.00 ns"},
		{999, "bytes", "999 B"},
		{12_500_000, "bytes", "12.5 MB"},
		{1536, "bytes", "1.54 kB"},
		{29520, "count", "29,520"},
		{-1234567, "count", "-1,234,567"},
	}
	for _, tt := range tests {
		if got := Value(tt.v, tt.unit); got != tt.want {
			t.Errorf("Value(%v, %q) = %q, want %q", tt.v, tt.unit, got, tt.want)
		}
	}
}

func TestCallsAndPercent(t *testing.T) {
	if got := Calls(23, 3); got != "23/3" {
		t.Errorf("Calls(23, 3) = %q", got)
	}
	if got := Calls(118080, 118080); got != "118,080" {
		t.Errorf("Calls(118080, 118080) = %q", got)
	}
	if got := Calls(-1, -1); got != "-" {
		t.Errorf("Calls(-1, -1) = %q", got)
	}
	for f, want := range map[float64]string{0: "0%", 0.603: "60%", 0.0531: "5.3%", 1: "100%"} {
		if got := Percent(f); got != want {
			t.Errorf("Percent(%v) = %q, want %q", f, got, want)
		}
	}
}

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
