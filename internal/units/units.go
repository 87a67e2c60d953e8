// Package units formats the numbers of a report for people. Every output
// (table, Markdown, JSON's rendered sentences, flame graph labels) goes
// through it, so one figure reads the same wherever it is printed.
package units

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Value formats v in unit for people: "1.23 s", "15.2 ms", "12.5 MB",
// "29,520". Exact values belong in JSON; tables round.
func Value(v float64, unit string) string {
	switch unit {
	case "seconds":
		return Seconds(v)
	case "bytes":
		return Bytes(v)
	}
	return Count(int64(math.Round(v)))
}

// Seconds formats a duration with three significant digits and a unit
// chosen by its size, as pprof does.
func Seconds(v float64) string {
	a := math.Abs(v)
	switch {
	case a == 0:
		return "0 s"
	case a >= 1:
		return sig3(v) + " s"
	case a >= 1e-3:
		return sig3(v*1e3) + " ms"
	case a >= 1e-6:
		return sig3(v*1e6) + " µs"
	}
	return sig3(v*1e9) + " ns"
}

// Bytes formats a size in decimal units: "999 B", "1.54 kB", "12.5 MB".
func Bytes(v float64) string {
	names := []string{"B", "kB", "MB", "GB", "TB"}
	i := 0
	for math.Abs(v) >= 1000 && i < len(names)-1 {
		v /= 1000
		i++
	}
	if i == 0 {
		return Count(int64(v)) + " B"
	}
	return sig3(v) + " " + names[i]
}

// sig3 prints v with three significant digits, never in exponent form.
func sig3(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// Count formats an integer with thousands separators: 29520 → "29,520".
func Count(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Percent formats a fraction as a percentage: 0.603 → "60%", 0.0531 →
// "5.3%".
func Percent(f float64) string {
	if f >= 0.1 || f == 0 {
		return fmt.Sprintf("%.0f%%", f*100)
	}
	return fmt.Sprintf("%.1f%%", f*100)
}

// Calls formats pstats call counts as pstats does: "nc" when every call
// was primitive, "nc/cc" when some were recursive; "-" when unknown.
func Calls(calls, primitive int64) string {
	switch {
	case calls < 0:
		return "-"
	case primitive >= 0 && primitive != calls:
		return Count(calls) + "/" + Count(primitive)
	}
	return Count(calls)
}

// Times formats a ratio with two significant digits: "9.2×", "31×"; past
// a thousand the exact figure says nothing more, so "over 1,000×".
func Times(r float64) string {
	if r > 1000 {
		return "over 1,000×"
	}
	return strconv.FormatFloat(r, 'f', max(0, 1-int(math.Floor(math.Log10(r)))), 64) + "×"
}

// Mean formats an average count, such as calls per step: one decimal from
// 1 up ("1.0", "12.5"), two significant digits below ("0.75", "0.040"),
// so a small mean never rounds to a misleading "0.0".
func Mean(x float64) string {
	if x == 0 || math.Abs(x) >= 1 {
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return strconv.FormatFloat(x, 'f', 1-int(math.Floor(math.Log10(math.Abs(x)))), 64)
}

// IsName reports whether w is one of the unit names the formatters put
// after a number, so a line wrapper can keep the two together.
func IsName(w string) bool {
	switch w {
	case "s", "ms", "µs", "ns", "B", "kB", "MB", "GB", "TB":
		return true
	}
	return false
}
