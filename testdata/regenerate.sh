#!/bin/sh
# Regenerates the committed dumps of the given testdata directories (all of
# those below when none is given) by running their programs from a neutral
# directory, /srv/app/DIR, and copying the dumps back. Profilers record the
# paths they run from (cProfile the script path as given, Python the
# interpreter's library directory, Go the binary and, without -trimpath,
# the source tree), so nothing here may run from the checkout, a home
# directory or a temporary build directory: TestNoMachinePaths fails on a
# dump that records one.
#
# Needs Debian's /usr/bin/python3 (3.11.2) with python3-jsonpath-rw,
# python3-jinja2, python3-jsonschema, python3-yaml, python3-uvloop,
# python3-aiohttp, python3-tornado and python3-yappi; Go; and pyenv's
# CPython builds copied to /opt/python/VERSION (cp -a ~/.pyenv/versions/V
# /opt/python/V), so their standard library is recorded under /opt/python.
# Tests never run this: regenerating changes every timing, and so the
# goldens (go test ./... -update).
#
# testdata/pstats has its own generate.sh, which does the same, and each
# program directory of testdata/setup (NAME/NAME.py or NAME/main.go) is
# recorded by testdata/setup/record.sh NAME.
#
# Usage: testdata/regenerate.sh [diff|webhook|loop|setup|pprof]...
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
app=/srv/app
py=/usr/bin/python3
opt=/opt/python

# stage DIR copies the programs of testdata/DIR to /srv/app/DIR.
stage() {
	rm -rf "${app:?}/$1"
	mkdir -p "$app/$1"
	(cd "$here/$1" && find . -name '*.py' -o -name '*.go' | tar -cf - -T -) | (cd "$app/$1" && tar -xf -)
}

diff_dumps() {
	stage diff
	cd "$app/diff"
	$py rules.py before before.pstats
	$py rules.py after after.pstats
	cp before.pstats after.pstats "$here/diff/"
}

webhook_dumps() {
	stage webhook
	cd "$app/webhook"
	$py webhook.py webhook.pstats
	PYTHONPATH=/usr/lib/python3/dist-packages $opt/3.13.0/bin/python webhook.py webhook-3.13.pstats
	cp webhook.pstats webhook-3.13.pstats "$here/webhook/"
}

loop_dumps() {
	stage loop
	cd "$app/loop"
	for s in blocking blocking_io healthy noloop executor; do
		$py $s.py $s.pstats
	done
	$opt/3.7.16/bin/python blocking.py blocking-3.7.pstats
	$opt/3.13.0/bin/python blocking.py blocking-3.13.pstats
	$opt/3.12.1/bin/python executor.py executor-3.12.pstats
	for s in uvloop aiohttp tornado; do
		$py ${s}_app.py $s.pstats
	done
	$opt/3.11.7/bin/python trio_app.py trio.pstats
	(cd yappi && PYTHONPATH=.. $py yappi_app.py blocking.pstats)
	(cd profile && PYTHONPATH=.. $py profile_app.py blocking.pstats)
	find . -name '*.pstats' | tar -cf - -T - | (cd "$here/loop" && tar -xf -)
}

setup_dumps() {
	stage setup
	cd "$app/setup"
	for s in cached config_copy dates jinja_env keywords numeric records recursion rerouter schema_check simulation \
		tls_client yaml_reload; do
		$py $s.py $s.pstats
	done
	$opt/3.13.0/bin/python rerouter.py rerouter-3.13.pstats
	$py -m cProfile -o once.pstats once.py
	(cd "$repo" && go build -trimpath -o "$app/setup/goregexp/goregexp" ./testdata/setup/goregexp)
	(cd goregexp && ./goregexp cpu.pprof allocs.pprof)
	cp ./*.pstats "$here/setup/"
	cp goregexp/*.pprof "$here/setup/goregexp/"
}

# The pprof programs write testdata/pprof/NAME/NAME.pb.gz under the
# directory they run from. A -trimpath binary does not know GOROOT, which
# allocs needs to type-check the standard library from source.
pprof_dumps() {
	goroot=$(go env GOROOT)
	for p in cpu heap allocs; do
		rm -rf "${app:?}/pprof/$p"
		mkdir -p "$app/pprof/$p/testdata/pprof/$p"
		(cd "$repo" && go build -trimpath -o "$app/pprof/$p/$p" "./testdata/pprof/$p")
		(cd "$app/pprof/$p" && GOROOT=$goroot "./$p")
		cp "$app/pprof/$p/testdata/pprof/$p/$p.pb.gz" "$here/pprof/$p/"
	done
}

[ $# -gt 0 ] || set -- diff webhook loop setup pprof
for d in "$@"; do
	"${d}_dumps"
done
