#!/usr/bin/env bash
# Times loopdoctor side by side with CPython's pstats and go tool pprof on
# the same files and prints the ratios the README's Speed section quotes.
#
#   scripts/bench.sh [RUNS]    (default 15 runs per measurement)
#
# Each figure is the median CPU time (user + sys) of RUNS runs of a whole
# process, which a busy machine disturbs far less than wall time, and the
# largest peak RSS among them. Needs python3 and Go; writes synthetic
# profiles (internal/synth) to a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-15}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

go build -trimpath -o "$tmp/loopdoctor" ./cmd/loopdoctor
go build -o "$tmp/synth" ./scripts/synth
pprof="$(go tool -n pprof)" # the pprof binary itself, not the go command in front of it
ld="$tmp/loopdoctor"
large=testdata/pstats/large.pstats

# measure NAME RUNS CMD...: prints "NAME cpu_ms rss_mb".
measure() {
	python3 - "$@" <<'PY'
import os, statistics, subprocess, sys
name, runs, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
cpu, rss = [], 0
for _ in range(runs):
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    if status != 0:
        sys.exit(f"{name}: {cmd} exited with status {status}")
    cpu.append((ru.ru_utime + ru.ru_stime) * 1000)
    rss = max(rss, ru.ru_maxrss)
print(f"{name} {statistics.median(cpu):.1f} {rss / 1024:.0f}")
PY
}

# ratio A B: how many times B's CPU time is A's.
ratio() { python3 -c "import sys; print(f'{float(sys.argv[2]) / float(sys.argv[1]):.1f}')" "$1" "$2"; }
field() { echo "$1" | cut -d' ' -f"$2"; }

echo "loopdoctor benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m), $(python3 -V), $(go version | cut -d' ' -f3)"
echo "CPU time: median of $runs runs (user+sys); memory: peak RSS"
echo

pytop="import pstats; pstats.Stats('$large').sort_stats('cumulative').print_stats(30)"
py=$(measure python "$runs" python3 -c "$pytop")
top=$(measure top30 "$runs" "$ld" analyze -n 30 "$large")
json=$(measure json "$runs" "$ld" analyze -f json "$large")
echo "1. $large (17k functions), top 30"
printf '   CPython pstats print_stats(30)   %8.1f ms %5d MB\n' "$(field "$py" 2)" "$(field "$py" 3)"
printf '   loopdoctor analyze -n 30         %8.1f ms %5d MB   %sx faster\n' "$(field "$top" 2)" "$(field "$top" 3)" "$(ratio "$(field "$top" 2)" "$(field "$py" 2)")"
printf '   loopdoctor analyze -f json       %8.1f ms %5d MB   %sx faster than pstats, %sx the table report\n' \
	"$(field "$json" 2)" "$(field "$json" 3)" "$(ratio "$(field "$json" 2)" "$(field "$py" 2)")" "$(ratio "$(field "$top" 2)" "$(field "$json" 2)")"
echo

"$tmp/synth" -pprof 300000 -funcs 20000 -o "$tmp/p300k.pb.gz"
for f in testdata/pprof/allocs/allocs.pb.gz "$tmp/p300k.pb.gz"; do
	gp=$(measure pprof "$runs" "$pprof" -top -symbolize=none "$f")
	lp=$(measure ld "$runs" "$ld" analyze -n 30 "$f")
	echo "2. $(basename "$f") ($(du -k "$f" | cut -f1) KB)"
	printf '   go tool pprof -top -symbolize=none %8.1f ms %5d MB\n' "$(field "$gp" 2)" "$(field "$gp" 3)"
	printf '   loopdoctor analyze -n 30           %8.1f ms %5d MB   %sx faster, %s of its memory\n' "$(field "$lp" 2)" "$(field "$lp" 3)" \
		"$(ratio "$(field "$lp" 2)" "$(field "$gp" 2)")" "$(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$(field "$lp" 3)" "$(field "$gp" 3)")"
done
echo

echo "3. scaling (loopdoctor analyze -n 30; synthetic inputs)"
printf '   %-28s %10s %10s %8s\n' input size "CPU ms" "RSS MB"
for n in 17000 50000 100000 200000; do
	"$tmp/synth" -pstats $n -o "$tmp/s$n.pstats"
	m=$(measure s "$(( (runs + 2) / 3 ))" "$ld" analyze -n 30 "$tmp/s$n.pstats")
	printf '   %-28s %9dK %10.1f %8d\n' "pstats, $n functions" "$(( $(stat -c %s "$tmp/s$n.pstats") / 1024 ))" "$(field "$m" 2)" "$(field "$m" 3)"
done
for n in 100000 300000 1000000; do
	"$tmp/synth" -pprof $n -funcs 20000 -o "$tmp/p$n.pb.gz"
	m=$(measure p "$(( (runs + 2) / 3 ))" "$ld" analyze -n 30 "$tmp/p$n.pb.gz")
	printf '   %-28s %9dK %10.1f %8d\n' "pprof, $n samples" "$(( $(stat -c %s "$tmp/p$n.pb.gz") / 1024 ))" "$(field "$m" 2)" "$(field "$m" 3)"
done
