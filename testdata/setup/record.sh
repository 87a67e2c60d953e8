#!/bin/sh
# Records the dump of each program in testdata/setup/NAME/ from a neutral
# directory, /srv/app/NAME, so that no path of the checkout lands in it:
# cProfile records the script path as given on its command line, and a Go
# binary built with -trimpath records module paths only.
# Usage: testdata/setup/record.sh NAME...
# Needs Debian's /usr/bin/python3 with the packages README.md lists, and Go.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for name in "$@"; do
	work=/srv/app/$name
	rm -rf "$work"
	mkdir -p "$work"
	if [ -f "$here/$name/main.go" ]; then
		(cd "$here/../.." && go build -trimpath -o "$work/$name" "./testdata/setup/$name")
		(cd "$work" && "./$name")
		cp "$work"/*.pprof "$here/$name/"
	else
		cp "$here/$name/$name.py" "$work/"
		(cd "$work" && /usr/bin/python3 -m cProfile -o "$name.pstats" "$name.py")
		cp "$work/$name.pstats" "$here/$name/"
	fi
done
