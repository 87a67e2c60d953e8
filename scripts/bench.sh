#!/usr/bin/env bash
# Times loopdoctor side by side with CPython's pstats and go tool pprof on
# the same files and prints the ratios the README's Speed section quotes.
#
#   scripts/bench.sh [RUNS]    (default 15 runs per measurement)
#
# Each part runs its commands in turns (scripts/measure.py), so that the
# load of a shared machine falls on all of them alike; each figure is the
# median CPU time (user + sys) of RUNS runs of a whole process, which a
# busy machine disturbs far less than wall time, the median wall time, and
# the largest peak RSS among the runs. The first part is measured twice:
# runs back to back, and runs after a few seconds of rest each, as a person
# runs the tool (see Speed in the README for why they differ), and beside
# it a floor: a Go program that only reads the input and touches as much
# fresh memory as the report allocates (scripts/memfloor). The last part
# runs the Go benchmarks of each phase. Needs python3 and Go; writes synthetic profiles
# (internal/synth) to a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-15}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

CGO_ENABLED=0 go build -trimpath -o "$tmp/loopdoctor" ./cmd/loopdoctor # as the README builds it
go build -o "$tmp/synth" ./scripts/synth
CGO_ENABLED=0 go build -trimpath -o "$tmp/memfloor" ./scripts/memfloor
pprof="$(go tool -n pprof)" # the pprof binary itself, not the go command in front of it
ld="$tmp/loopdoctor"
large=testdata/pstats/large.pstats

# measure RUNS NAME CMD [NAME CMD ...]: prints "NAME cpu_ms wall_ms rss_mb"
# per command, the commands run round-robin (scripts/measure.py).
measure() { python3 scripts/measure.py "$@"; }

# ratio A B: how many times B is A.
ratio() { python3 -c "import sys; print(f'{float(sys.argv[2]) / float(sys.argv[1]):.1f}')" "$1" "$2"; }
# get NAME FIELD: field FIELD (2 cpu, 3 wall, 4 rss) of NAME's line in $out.
get() { echo "$out" | awk -v n="$1" -v f="$2" '$1 == n { print $f }'; }

echo "loopdoctor benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m), $(python3 -V), $(go version | cut -d' ' -f3)"
echo "medians of $runs runs, the commands of each part taking turns: CPU time (user+sys),"
echo "wall time; memory: peak RSS"
echo

# q ARGS...: the arguments as one shell-quoted string, for measure.
q() { printf '%q ' "$@"; }

pytop="import pstats; pstats.Stats('$large').sort_stats('cumulative').print_stats(30)"
# What the top-30 report allocates, in MiB, for the floor below.
heap=$(go test -run XXX -bench '^BenchmarkAnalyzeLarge$' -benchtime 5x -benchmem ./cmd/loopdoctor |
	awk '/^Benchmark/ { for (i = 3; i <= NF; i++) if ($i == "B/op") printf "%d", ($(i - 1) + 524288) / 1048576 }')
# part1 [--rest SECONDS] RUNS: measures pstats' top 30 against loopdoctor's
# top-30 and JSON reports, and against them what a Go program that does
# nothing but read the input and touch as much fresh memory as the report
# allocates costs on this machine (scripts/memfloor), and prints the lines.
part1() {
	out=$(measure "$@" python "$(q python3 -c "$pytop")" top30 "$(q "$ld" analyze -n 30 "$large")" json "$(q "$ld" analyze -f json "$large")" \
		read "$(q "$tmp/memfloor" "$large" 0)" touch "$(q "$tmp/memfloor" "$large" "$heap")")
	printf '   %-34s %8.1f %8.1f %6d\n' "CPython pstats print_stats(30)" "$(get python 2)" "$(get python 3)" "$(get python 4)"
	printf '   %-34s %8.1f %8.1f %6d   %sx faster\n' "loopdoctor analyze -n 30" "$(get top30 2)" "$(get top30 3)" "$(get top30 4)" "$(ratio "$(get top30 2)" "$(get python 2)")"
	printf '   %-34s %8.1f %8.1f %6d   %sx faster than pstats, %sx the table report\n' "loopdoctor analyze -f json" \
		"$(get json 2)" "$(get json 3)" "$(get json 4)" "$(ratio "$(get json 2)" "$(get python 2)")" "$(ratio "$(get top30 2)" "$(get json 2)")"
	# The floor's peaks lie under what measure.py can see (see there).
	printf '   %-34s %8.1f %8.1f %6s\n' "floor: Go, reading the input only" "$(get read 2)" "$(get read 3)" -
	printf '   %-34s %8.1f %8.1f %6s   the report allocates %s MiB\n' "floor: and touching $heap MiB" "$(get touch 2)" "$(get touch 3)" - "$heap"
	echo
}
echo "1. $large (17k functions), top 30"
printf '   %-34s %8s %8s %6s\n' "" "CPU ms" "wall ms" "RSS MB"
part1 "$runs"
rest=3
echo "   the same, each run after ${rest} s of rest ($(( (runs + 2) / 3 )) runs each)"
part1 --rest "$rest" "$(( (runs + 2) / 3 ))"

"$tmp/synth" -pprof 300000 -funcs 20000 -o "$tmp/p300k.pb.gz"
for f in testdata/pprof/allocs/allocs.pb.gz "$tmp/p300k.pb.gz"; do
	out=$(measure "$runs" pprof "$(q "$pprof" -top -symbolize=none "$f")" ld "$(q "$ld" analyze -n 30 "$f")")
	echo "2. $(basename "$f") ($(du -k "$f" | cut -f1) KB)"
	printf '   %-34s %8s %8s %6s\n' "" "CPU ms" "wall ms" "RSS MB"
	printf '   %-34s %8.1f %8.1f %6d\n' "go tool pprof -top -symbolize=none" "$(get pprof 2)" "$(get pprof 3)" "$(get pprof 4)"
	printf '   %-34s %8.1f %8.1f %6d   %sx faster, %s of its memory\n' "loopdoctor analyze -n 30" "$(get ld 2)" "$(get ld 3)" "$(get ld 4)" \
		"$(ratio "$(get ld 2)" "$(get pprof 2)")" "$(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$(get ld 4)" "$(get pprof 4)")"
done
echo

echo "3. scaling (loopdoctor analyze -n 30; synthetic inputs)"
printf '   %-28s %10s %10s %8s\n' input size "CPU ms" "RSS MB"
scale() { # scale LABEL FILE
	out=$(measure "$(( (runs + 2) / 3 ))" s "$(q "$ld" analyze -n 30 "$2")")
	printf '   %-28s %9dK %10.1f %8d\n' "$1" "$(( $(stat -c %s "$2") / 1024 ))" "$(get s 2)" "$(get s 4)"
}
for n in 17000 50000 100000 200000; do
	"$tmp/synth" -pstats $n -o "$tmp/s$n.pstats"
	scale "pstats, $n functions" "$tmp/s$n.pstats"
done
for n in 100000 300000 1000000; do
	"$tmp/synth" -pprof $n -funcs 20000 -o "$tmp/p$n.pb.gz"
	scale "pprof, $n samples" "$tmp/p$n.pb.gz"
done
echo

echo "4. phases (go test -bench, in-process, ms per operation)"
go test -run XXX -bench 'PstatsLarge|ReportLarge|^BenchmarkTextRender$|^BenchmarkJSONRender$|PprofSynthetic' -benchmem ./parse ./analyze ./render |
	awk '/^Benchmark/ {
		for (i = 3; i <= NF; i++) {
			if ($i == "ns/op") ns = $(i - 1)
			if ($i == "B/op") bytes = $(i - 1)
			if ($i == "allocs/op") allocs = $(i - 1)
		}
		printf "   %-28s %10.1f ms %8.1f MB %8d allocs\n", $1, ns / 1e6, bytes / 1048576, allocs
	}'
