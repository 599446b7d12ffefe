#!/bin/sh
# quickstart.sh: on a fresh Debian machine, install what oms needs, build
# it, and run the nightly job on the example book (made for yesterday by
# examples/data/make-examples.sh, so it reads sensibly on any day) against the
# default store ./oms.db; the reports, the HTML page among them, go to
# ./out.  Safe to run again.  (jq is for the tests and examples/notify.sh.)
set -eu
cd "$(dirname "$0")/.."

pkgs="build-essential pkg-config libcsv-dev libjansson-dev libsqlite3-dev sqlite3 bats bats-support bats-assert jq"
missing=
for p in $pkgs; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	echo "quickstart: installing$missing"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
make -j2
OMS_BIN=$PWD/build/bin exec sh examples/nightly.sh
