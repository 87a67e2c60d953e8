"""Times whole commands for scripts/bench.sh.

    measure.py [--rest SECONDS] RUNS NAME CMD [NAME CMD ...]

Runs every CMD (split like a shell word list, run without a shell) RUNS
times, round-robin, so that a change in the machine's load between runs
falls on every command alike, and prints one line per command:

    NAME cpu_ms wall_ms rss_mb

cpu_ms is the median user+sys CPU time, wall_ms the median elapsed time,
rss_mb the largest peak resident set size among the runs. Linux counts
the memory of this Python process in a child's peak until the child
starts the command, so rss_mb never reads below this script's own peak,
about 14 MB: a smaller peak shows as that. A command that exits non-zero
stops the measurement with its name.

With --rest, the machine idles SECONDS before each run, as it does
between the commands a person types. On a virtual machine that hands free
memory back to its host, fresh memory costs more after a rest, when the
host must back it again (see Speed in the README).
"""
import os
import shlex
import statistics
import subprocess
import sys
import time


def main():
    args = sys.argv[1:]
    rest = 0.0
    if args[0] == "--rest":
        rest, args = float(args[1]), args[2:]
    runs = int(args[0])
    pairs = args[1:]
    commands = [(pairs[i], shlex.split(pairs[i + 1])) for i in range(0, len(pairs), 2)]
    cpu = {name: [] for name, _ in commands}
    wall = {name: [] for name, _ in commands}
    rss = {name: 0 for name, _ in commands}
    for _ in range(runs):
        for name, cmd in commands:
            time.sleep(rest)
            start = time.perf_counter()
            p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
            _, status, ru = os.wait4(p.pid, 0)
            wall[name].append((time.perf_counter() - start) * 1000)
            if status != 0:
                sys.exit(f"{name}: {shlex.join(cmd)} exited with status {status}")
            cpu[name].append((ru.ru_utime + ru.ru_stime) * 1000)
            rss[name] = max(rss[name], ru.ru_maxrss)
    for name, _ in commands:
        print(f"{name} {statistics.median(cpu[name]):.1f} {statistics.median(wall[name]):.1f} {rss[name] / 1024:.0f}")


main()
