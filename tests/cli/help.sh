#!/usr/bin/env bash
# tests/cli/help.sh - every command's --help (and -h): exit 0, a usage text
# on standard output, nothing on standard error, nothing done (no data
# directory made); an unknown option: exit 2 with the option named.
# Prints "ok DESC" or "not ok DESC" per check.
#
#   YINGCAI  path to the binary (scripts/run-tests sets it)
set -u
: "${YINGCAI:?set YINGCAI to the yingcai binary}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
cd "$tmp" || exit 1

report() {
	if [ "$1" = 0 ]; then
		echo "ok $2"
	else
		echo "not ok $2"
		printf '#   rc=%s\n#   stdout: %.300s\n#   stderr: %.300s\n' "$rc" "$out" "$err"
		fails=$((fails + 1))
	fi
}

run() {
	out=$(timeout 20 "$YINGCAI" "$@" 2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
}

for cmd in "" evaluate calendar "calendar add-working-days" "calendar is-working-day" \
	"calendar add-months" check "check uscc" serve user demo routes db mail "mail test"; do
	for h in --help -h; do
		# shellcheck disable=SC2086
		run $cmd $h
		[ "$rc" = 0 ] && [[ "$out" == *"usage: yingcai"* ]] && [ -z "$err" ] && [ ! -e var ]
		report $? "yingcai ${cmd:+$cmd }$h: exit 0, usage on stdout, nothing done"
	done
done

for cmd in evaluate calendar check "check uscc" routes mail "mail test"; do
	# shellcheck disable=SC2086
	run $cmd --no-such-option
	[ "$rc" = 2 ] && [ -z "$out" ] && [[ "$err" == *"--no-such-option"* ]] &&
		[[ "$err" == *"usage: yingcai"* ]]
	report $? "yingcai $cmd --no-such-option: exit 2, the option named, the usage"
done
# serve: an option is checked before anything starts; one typed with an
# escape sequence is named escaped (no raw ESC reaches the terminal)
run serve --no-such-option value
[ "$rc" = 2 ] && [[ "$err" == *"unknown option '--no-such-option'"* ]] && [ ! -e var ]
report $? "yingcai serve --no-such-option: exit 2, the option named, nothing started"
run serve $'--bad\e[31m'
[ "$rc" = 2 ] && [[ "$err" == *'--bad\u001b[31m'* ]] && [[ "$err" != *$'\e'* ]]
report $? "yingcai serve with an escape sequence in an option: named escaped"
run routes --json extra
[ "$rc" = 2 ] && [ -z "$out" ] && [[ "$err" == *"'extra'"* ]]
report $? "yingcai routes with an extra argument: exit 2, the argument named"

[ "$fails" = 0 ]
