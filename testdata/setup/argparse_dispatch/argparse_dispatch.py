"""A backup tool's command dispatcher that rebuilds its parser per command.

run() builds an ArgumentParser with global options and four subcommands,
then parses one command line; 500 different command lines. Building the
parser is the same work every time and most of the run (argparse looks up
gettext translations for every help string); parsing varies with the
arguments. Runs on Python 3.6 and later, so the same program is recorded
under several versions.
"""
import argparse
import random


def run(argv):
    parser = argparse.ArgumentParser(prog="bkp", description="Back up and restore directories.")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    parser.add_argument("--repo", default="/var/backups", help="repository path")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("backup", help="back up paths")
    p.add_argument("paths", nargs="+", help="what to back up")
    p.add_argument("--exclude", action="append", default=[], help="glob to skip")
    p.add_argument("--compress", choices=["none", "zlib", "lzma"], default="zlib")

    p = sub.add_parser("restore", help="restore a snapshot")
    p.add_argument("snapshot")
    p.add_argument("--target", default=".", help="where to restore")

    p = sub.add_parser("prune", help="drop old snapshots")
    p.add_argument("--keep", type=int, default=7, help="snapshots to keep")

    p = sub.add_parser("list", help="list snapshots")
    p.add_argument("--long", action="store_true")

    return parser.parse_args(argv)


def command_line(rng):
    cmd = rng.choice(["backup", "restore", "prune", "list"])
    argv = ["-q"] * rng.randint(0, 1) + [cmd]
    if cmd == "backup":
        argv += ["/home/u%d" % rng.randint(1, 9) for _ in range(rng.randint(1, 3))]
        argv += ["--exclude", "*.tmp"] * rng.randint(0, 2)
    elif cmd == "restore":
        argv += ["snap-%d" % rng.randint(1, 99), "--target", "/tmp/r%d" % rng.randint(1, 9)]
    elif cmd == "prune":
        argv += ["--keep", str(rng.randint(1, 30))]
    elif rng.random() < 0.5:
        argv.append("--long")
    return argv


def main():
    rng = random.Random(53)
    seen = {}
    for _ in range(500):
        ns = run(command_line(rng))
        seen[ns.command] = seen.get(ns.command, 0) + 1
    print(sorted(seen.items()))


if __name__ == "__main__":
    main()
