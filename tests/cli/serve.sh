#!/usr/bin/env bash
# tests/cli/serve.sh - `yingcai serve` refusing what it cannot serve with,
# before anything starts (no data directory, no database made): a bad
# command-line option is a usage error (exit 2), a bad value in the
# --config FILE an invalid input (exit 1).  (Serving itself is tested by
# tests/web.)  Prints "ok DESC" or "not ok DESC" per check.
#
#   YINGCAI  path to the binary (scripts/run-tests sets it)
set -u
: "${YINGCAI:?set YINGCAI to the yingcai binary}"
# shellcheck source=lib/report.sh
. "$(dirname "$0")/lib/report.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
mkdir "$tmp/w" && cd "$tmp/w" || exit 1 # where serve runs: var/ would appear here


run() {
	out=$(timeout 20 "$YINGCAI" serve "$@" 2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
}

# nothing made beside the configuration files the test wrote
untouched() {
	[ -z "$(ls -A | grep -v '\.conf$')" ]
}

for listen in bogus 127.0.0.1 127.0.0.1:99999 localhost:8080 127.0.0.1:80x; do
	run --listen "$listen"
	[ "$rc" = 2 ] && [[ "$err" == "yingcai serve: --listen '$listen': expected ADDRESS:PORT, an IPv4 address and a port from 0 to 65535 (e.g. 127.0.0.1:8080)"* ]] &&
		[[ "$err" == *"usage: yingcai serve"* ]] && [ -z "$out" ] && untouched
	report $? "serve --listen $listen: a usage error (exit 2) that says the form, nothing made"
done

run --listen $'\e[2Jx'
[ "$rc" = 2 ] && [[ "$err" == *"--listen '\\u001b[2Jx'"* ]] && [[ "$err" != *$'\e'* ]] && untouched
report $? "serve --listen with an escape sequence: named escaped"

run --threads 0
[ "$rc" = 2 ] && [[ "$err" == *"threads: expected a whole number from 1 to 256"* ]] && untouched
report $? "serve --threads 0: a usage error (exit 2), nothing made"

printf 'listen = bogus\n' >bad-listen.conf
run --config bad-listen.conf
[ "$rc" = 1 ] &&
	[[ "$err" == "yingcai serve: bad-listen.conf: listen = 'bogus': expected ADDRESS:PORT, an IPv4 address and a port from 0 to 65535 (e.g. 127.0.0.1:8080); correct it in the file, or give --listen ADDR:PORT" ]] &&
	untouched
report $? "serve --config with a bad listen: an invalid input (exit 1), the file named, nothing made"

printf 'threads = many\n' >bad-threads.conf
run --config bad-threads.conf
[ "$rc" = 1 ] && [[ "$err" == "yingcai serve: bad-threads.conf:1: threads: expected a whole number"* ]] &&
	untouched
report $? "serve --config with a bad number: an invalid input (exit 1), the line named"

run --config bad-listen.conf --listen nowhere
[ "$rc" = 2 ] && [[ "$err" == "yingcai serve: --listen 'nowhere': "* ]] && untouched
report $? "serve --config FILE --listen bad: the command line's mistake is the usage error"

[ "$fails" = 0 ]
