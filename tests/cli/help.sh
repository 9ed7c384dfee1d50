#!/usr/bin/env bash
# tests/cli/help.sh - every command's --help (and -h): exit 0, a usage text
# on standard output, nothing on standard error, nothing done (no data
# directory made); an unknown option: exit 2 with the option named.
# Prints "ok DESC" or "not ok DESC" per check.
#
#   YINGCAI  path to the binary (scripts/run-tests sets it)
set -u
: "${YINGCAI:?set YINGCAI to the yingcai binary}"
# shellcheck source=lib/report.sh
. "$(dirname "$0")/lib/report.sh"
docs=$(cd "$(dirname "$0")/../.." && pwd)/docs/cli.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
cd "$tmp" || exit 1


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
# What was typed is named escaped (no raw ESC reaches the terminal) and the
# message says what to do, in every command, its subcommands and values.
esc=$'\e[2J'
for args in "user add --x$esc" "user $esc" "user add --email a@b.cc --name N --role $esc" \
	"user add --email a@b.cc --name N --role applicant --lang $esc" "db backup f --x$esc" \
	"db $esc" "demo --x$esc" "serve --threads $esc" "serve x$esc"; do
	# shellcheck disable=SC2086
	run $args
	[ "$rc" = 2 ] && [[ "$err" == *'\u001b[2J'* ]] && [[ "$err" != *$'\e'* ]] && [ ! -e var ]
	report $? "yingcai ${args//$esc/ESC[2J}: exit 2, the argument named escaped"
done
run user add --email a@b.cc --name N --role applicant --lang fr
[ "$rc" = 2 ] && [[ "$err" == *"--lang: 'fr' is not a language; give zh, en or de"* ]]
report $? "yingcai user add --lang fr: the languages to give"
run serve --listen
[ "$rc" = 2 ] && [[ "$err" == "yingcai serve: --listen needs a value"* ]]
report $? "yingcai serve --listen without a value: the option needs a value (not 'or is not an option')"
run serve --bogus
[ "$rc" = 2 ] && [[ "$err" == "yingcai serve: unknown option '--bogus'"* ]]
report $? "yingcai serve --bogus at the end: an unknown option (not 'needs a value')"
for o in --data --db; do
	run demo $o
	[ "$rc" = 2 ] && [[ "$err" == "yingcai demo: $o needs a value"* ]] && [ ! -e var ]
	report $? "yingcai demo $o without a value: the option needs a value, nothing done"
done
run serve --threads 0
[ "$rc" = 2 ] && [[ "$err" == "yingcai serve: --threads: expected a whole number from 1 to 256, got \"0\""* ]]
report $? "yingcai serve --threads 0: the option's range (not a file's line 1)"

run routes --json extra
[ "$rc" = 2 ] && [ -z "$out" ] && [[ "$err" == *"'extra'"* ]]
report $? "yingcai routes with an extra argument: exit 2, the argument named"

# docs/cli.md and --help name the same options for each command: its part
# of docs/cli.md (its section, or its bullets "- `yingcai CMD ..."; the
# policy directory's section for those that take --policy) against its
# --help text (each subcommand's for calendar and check).
docs_of() {
	case $1 in
	evaluate | calendar | check)
		awk -v cmd="$1" '/^## / { p = index($0, "## `yingcai " cmd) == 1 ||
			(cmd != "check" && $0 == "## Policy files") } p' "$docs" ;;
	*)
		awk -v cmd="$1" '/^- / { p = index($0, "- `yingcai " cmd) == 1 } /^$|^#/ { p = 0 } p' "$docs" ;;
	esac
}
options() { grep -o -- '--[a-z][a-z-]*' | grep -vx -- '--help' | sort -u; }
for cmd in evaluate calendar check serve user demo db routes; do
	case $cmd in
	calendar) helps="calendar add-working-days|calendar is-working-day|calendar add-months" ;;
	check) helps="check uscc" ;;
	*) helps=$cmd ;;
	esac
	in_help=$(tr '|' '\n' <<<"$helps" | while read -r h; do
		# shellcheck disable=SC2086
		"$YINGCAI" $h --help; done | options)
	in_docs=$(docs_of "$cmd" | options)
	out=$in_help err=$in_docs rc=-
	[ -n "$in_help" ] && [ "$in_help" = "$in_docs" ]
	report $? "yingcai $cmd: docs/cli.md (stderr) and --help (stdout) name the same options"
done
[ "$fails" = 0 ]
