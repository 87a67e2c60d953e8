#!/bin/sh
# Remakes the Go profiles in goservice/, gorpc/ and gotest/. Each program is copied
# to /srv/app/NAME and built there with -trimpath, so the profiles record
# module paths and /srv/app, never a checkout's path.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for name in goservice gorpc gotest; do
	rm -rf "/srv/app/$name"
	mkdir -p "/srv/app/$name"
	cp "$here/$name/"*.go "$here/$name/go.mod" "/srv/app/$name/"
done
cd /srv/app/goservice
go build -trimpath -o goservice .
./goservice
cp cpu.pb.gz allocs.pb.gz "$here/goservice/"
cd /srv/app/gorpc
go build -trimpath -o gorpc .
./gorpc
cp cpu.pb.gz allocs.pb.gz "$here/gorpc/"
cd /srv/app/gotest
go test -c -trimpath -o gotest.test .
./gotest.test -test.run '^$' -test.bench RenderInvoice -test.benchtime 20000x \
	-test.cpuprofile bench.cpu.pb.gz -test.memprofile bench.allocs.pb.gz
./gotest.test -test.run TestFilterUserPatterns \
	-test.cpuprofile test.cpu.pb.gz -test.memprofile test.allocs.pb.gz
cp bench.cpu.pb.gz bench.allocs.pb.gz test.cpu.pb.gz test.allocs.pb.gz "$here/gotest/"
