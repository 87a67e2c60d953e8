#!/bin/sh
# Regenerates every dump in this directory from the scripts beside them,
# run from /srv/app/pstats so that no path of the checkout or of a home
# directory lands in a dump (see ../regenerate.sh). Tests never run this:
# the dumps are committed, and regenerating changes their timings (and so
# the parser goldens in parse/testdata).
# Needs pyenv's Pythons copied to /opt/python/VERSION and Debian's python3
# with python3-yappi.
set -e
here=$(cd "$(dirname "$0")" && pwd)
work=/srv/app/pstats
rm -rf "$work"
mkdir -p "$work"
cp "$here"/*.py "$work/"
cd "$work"
PY=/opt/python

# cProfile of the same recursive workload under each Python.
for v in 2.7.18 3.6.15 3.7.16 3.8.18 3.9.18 3.10.13 3.11.7 3.12.1 3.13.0; do
	"$PY/$v/bin/python" -m cProfile -o "recursive-${v%.*}.pstats" recursive.py
done
/usr/bin/python3 -m cProfile -o recursive-debian3.11.pstats recursive.py
"$PY/2.7.18/bin/python" -m cProfile -o recursive-2.7b.pstats recursive.py

# Non-ASCII file and function names (marshal "u" and "t" strings).
"$PY/3.11.7/bin/python" -m cProfile -o unicode.pstats ünïcode.py

# The same stats in marshal versions 0-4.
/usr/bin/python3 remarshal.py recursive-3.11.pstats recursive-v

# The pure-Python profile module: int callers, fake frames, and (Python 3)
# a code object as the top frame's name, in each code object layout.
for v in 2.7.18 3.6.15 3.9.18 3.11.7 3.13.0; do
	"$PY/$v/bin/python" -m profile -o "profile-${v%.*}.pstats" recursive.py
done

# Threads under cProfile on 3.12, whose overlapping calls look like recursion.
"$PY/3.12.1/bin/python" -m cProfile -o threads-3.12.pstats threads.py

# Python 2's profile module given a code object (2.x code layout).
"$PY/2.7.18/bin/python" profile_code.py profile-code-2.7.pstats

# yappi's pstat export.
/usr/bin/python3 yappi_export.py yappi.pstats

# Merged dumps: pstats.Stats.add, and Python 2.5's concatenating add.
/usr/bin/python3 merge.py merged.pstats recursive-3.11.pstats recursive-debian3.11.pstats
"$PY/2.7.18/bin/python" merge_py25.py merged-py25.pstats recursive-2.7.pstats recursive-2.7b.pstats recursive-2.7.pstats

# One large dump (about 17,000 functions, 3 MB; takes two minutes). The
# test modules create temporary files, whose paths the dump records, so
# their directory is here too.
mkdir -p scratch
TMPDIR=$work/scratch "$PY/3.11.7/bin/python" large.py large.pstats </dev/null >/dev/null 2>&1

cp ./*.pstats "$here/"
