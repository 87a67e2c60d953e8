package units

import (
	"testing"
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
		{0.00710, "seconds", "7.10 ms"},
		{89e-6, "seconds", "89.0 µs"},
		{961e-9, "seconds", "961 ns"},
		{754043838, "bytes", "754 MB"},
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

func TestTimes(t *testing.T) {
	for r, want := range map[float64]string{9.24: "9.2×", 31.4: "31×", 1.04: "1.0×", 250: "250×", 1500: "over 1,000×"} {
		if got := Times(r); got != want {
			t.Errorf("Times(%v) = %q, want %q", r, got, want)
		}
	}
}

func TestMean(t *testing.T) {
	for x, want := range map[float64]string{0: "0.0", 1: "1.0", 12.54: "12.5", 0.75: "0.75", 0.04: "0.040", 0.0123: "0.012"} {
		if got := Mean(x); got != want {
			t.Errorf("Mean(%v) = %q, want %q", x, got, want)
		}
	}
}
