#!/usr/bin/env bash
# tests/cli/calendar.sh - `yingcai calendar` against policy/calendar/ (2025,
# 2026 as in spec/product.md).  Prints "ok DESC" or "not ok DESC" per check.
#
#   YINGCAI         path to the binary (scripts/run-tests sets it)
#   YINGCAI_POLICY  the policy/ directory
set -u
: "${YINGCAI:?set YINGCAI to the yingcai binary}"
# shellcheck source=lib/report.sh
. "$(dirname "$0")/lib/report.sh"
export YINGCAI_POLICY=${YINGCAI_POLICY:-$PWD/policy}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# run ARGS...: run the binary; sets out, err, rc.
run() {
	out=$("$YINGCAI" "$@" 2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
}


# t DESC WANT_STDOUT ARGS...: exit 0, exactly that on stdout, nothing on stderr.
t() {
	local desc=$1 want=$2
	shift 2
	run "$@"
	[ "$rc" = 0 ] && [ "$out" = "$want" ] && [ -z "$err" ]
	report $? "$desc"
}

# e DESC WANT_RC WANT_STDERR ARGS...: that exit status, nothing on stdout,
# and WANT_STDERR as the first line of stderr.
e() {
	local desc=$1 want_rc=$2 want=$3
	shift 3
	run "$@"
	[ "$rc" = "$want_rc" ] && [ -z "$out" ] && [ "${err%%$'\n'*}" = "$want" ]
	report $? "$desc"
}

# u DESC ARGS...: a usage error: exit 2, a usage text on stderr, no stdout.
u() {
	local desc=$1
	shift
	run "$@"
	[ "$rc" = 2 ] && [ -z "$out" ] && [[ "$err" == *"usage: yingcai calendar"* ]]
	report $? "$desc"
}

C=calendar

# add-working-days
t "add-working-days: Friday before Spring Festival 2026 + 1 is the adjusted Saturday" \
	2026-02-14 $C add-working-days 2026-02-13 1
t "add-working-days: 2026-02-13 + 2 skips 02-15..02-23" \
	2026-02-24 $C add-working-days 2026-02-13 2
t "add-working-days: from a holiday counts from the next working day" \
	2026-02-24 $C add-working-days 2026-02-16 1
t "add-working-days: over National Day 2025" \
	2025-10-09 $C add-working-days 2025-09-30 1
t "add-working-days: across the year end onto the adjusted Sunday 2026-01-04" \
	2026-01-04 $C add-working-days 2025-12-31 1
t "add-working-days: Friday + 1 is Monday" \
	2025-03-10 $C add-working-days 2025-03-07 1
t "add-working-days: N = 0 is DATE itself" \
	2026-02-16 $C add-working-days 2026-02-16 0
t "add-working-days: 20 working days" \
	2025-04-03 $C add-working-days 2025-03-06 20
t "add-working-days --json" \
	'{"date":"2026-01-05"}' $C add-working-days --json 2026-01-04 1
t "add-working-days: options after the arguments" \
	'{"date":"2026-01-05"}' $C add-working-days 2026-01-04 1 --json
t "add-working-days --policy DIR" \
	2026-02-14 $C add-working-days --policy "$YINGCAI_POLICY" 2026-02-13 1
t "add-working-days --policy=DIR" \
	2026-02-14 $C --policy="$YINGCAI_POLICY" add-working-days 2026-02-13 1

# is-working-day
t "is-working-day: adjusted Saturday 2026-02-14" yes $C is-working-day 2026-02-14
t "is-working-day: Spring Festival 2026-02-15" no $C is-working-day 2026-02-15
t "is-working-day: last day of National Day 2025" no $C is-working-day 2025-10-08
t "is-working-day: a holiday on a Monday (2025-05-05)" no $C is-working-day 2025-05-05
t "is-working-day: an ordinary Saturday" no $C is-working-day 2025-03-08
t "is-working-day: an ordinary Monday" yes $C is-working-day 2025-03-10
t "is-working-day: first covered day (New Year 2025)" no $C is-working-day 2025-01-01
t "is-working-day: last covered day (Thursday 2026-12-31)" yes $C is-working-day 2026-12-31
t "is-working-day --json (working)" '{"date":"2026-02-14","working_day":true}' \
	$C is-working-day --json 2026-02-14
t "is-working-day --json (day off)" '{"date":"2026-02-15","working_day":false}' \
	$C --json is-working-day 2026-02-15

# add-months
t "add-months: 01-31 + 1 is 02-28" 2025-02-28 $C add-months 2025-01-31 1
t "add-months: 01-31 + 1 is 02-29 in 2028" 2028-02-29 $C add-months 2028-01-31 1
t "add-months: negative N" 2025-02-28 $C add-months 2025-03-31 -1
t "add-months: across the year" 2026-01-15 $C add-months 2025-12-15 1
t "add-months: N = 0" 2025-06-30 $C add-months 2025-06-30 0
t "add-months: needs no calendar data (2031)" 2031-02-28 $C add-months 2031-01-31 1
t "add-months: works without a policy directory" 2025-02-28 \
	$C add-months --policy "$tmp/none" 2025-01-31 1
t "add-months --json" '{"date":"2028-02-29"}' $C add-months --json 2028-01-31 1
t "add-months: up to 9999-12" 9999-12-30 $C add-months 9999-11-30 1

# invalid input: exit 1
e "a day that does not exist: the message says why" 1 \
	"yingcai calendar: DATE: '2026-02-30' is not a date: February 2026 has 28 days" \
	$C is-working-day 2026-02-30
e "a date without leading zeros: how to write it" 1 \
	"yingcai calendar: DATE: '2026-2-3' is not a date in the form YYYY-MM-DD: write 2026-02-03" \
	$C add-working-days 2026-2-3 1
e "a date with slashes: how to write it" 1 \
	"yingcai calendar: DATE: '2026/02/14' is not a date in the form YYYY-MM-DD: write 2026-02-14" \
	$C is-working-day 2026/02/14
e "a date without separators: how to write it" 1 \
	"yingcai calendar: DATE: '20260214' is not a date in the form YYYY-MM-DD: write 2026-02-14" \
	$C add-months 20260214 1
e "a date without leading zeros that does not exist: why, and the form" 1 \
	"yingcai calendar: DATE: '2026-2-30' is not a date: February 2026 has 28 days; write dates in the form YYYY-MM-DD" \
	$C add-months 2026-2-30 1
e "a date with slashes that does not exist: why, and the form" 1 \
	"yingcai calendar: DATE: '2025/2/29' is not a date: 2025 has no 29 February (2025 is not a leap year); write dates in the form YYYY-MM-DD" \
	$C is-working-day 2025/2/29
e "a date without separators in a month that does not exist: why, and the form" 1 \
	"yingcai calendar: DATE: '20261301' is not a date: there is no month 13; write dates in the form YYYY-MM-DD" \
	$C add-working-days 20261301 1
e "something that is no date at all" 1 \
	"yingcai calendar: DATE: 'tomorrow' is not a date (expected YYYY-MM-DD)" \
	$C is-working-day tomorrow
e "add-months checks the date too" 1 \
	"yingcai calendar: DATE: '2025-02-29' is not a date: 2025 has no 29 February (2025 is not a leap year)" \
	$C add-months 2025-02-29 1
e "a year without a notice" 1 \
	"yingcai calendar: 2031-01-05 is outside the calendar data (2025-2026): no notice published for that year" \
	$C is-working-day 2031-01-05
e "the day before the data starts" 1 \
	"yingcai calendar: 2024-12-31 is outside the calendar data (2025-2026): no notice published for that year" \
	$C add-working-days 2024-12-31 0
e "counting past the end of the data" 1 \
	"yingcai calendar: counting 1 working day after 2026-12-31 reaches 2027-01-01, which is outside the calendar data (2025-2026): no notice published for that year" \
	$C add-working-days 2026-12-31 1
e "N that is not a number" 1 \
	"yingcai calendar: N: 'x' is not a whole number (write it in digits, e.g. 5)" \
	$C add-working-days 2026-01-05 x
e "N too large for an int is a whole number past 9999-12-31, not 'not a number'" 1 \
	"yingcai calendar: 2026-01-05 + 99999999999 months is after 9999-12-31: dates run from 0001-01-01 to 9999-12-31" \
	$C add-months 2026-01-05 99999999999
e "a huge negative N for add-months" 1 \
	"yingcai calendar: 2026-01-05 - 99999999999 months is before 0001-01-01: dates run from 0001-01-01 to 9999-12-31" \
	$C add-months 2026-01-05 -99999999999
e "N too large for an int for add-working-days: past the calendar data" 1 \
	"yingcai calendar: counting 99999999999 working days after 2026-01-05 reaches 2027-01-01, which is outside the calendar data (2025-2026): no notice published for that year" \
	$C add-working-days 2026-01-05 99999999999
e "N with more digits than any range needs" 1 \
	"yingcai calendar: N: '1234567890123456789012' is too large: at most 15 digits" \
	$C add-months 2026-01-05 1234567890123456789012
t "N with leading zeros" 2026-02-05 $C add-months 2026-01-05 0000000000000000001
e "the month of a date that does not exist" 1 \
	"yingcai calendar: DATE: '2026-13-01' is not a date: there is no month 13" \
	$C is-working-day 2026-13-01
e "year 0000" 1 \
	"yingcai calendar: DATE: '0000-06-01' is not a date: there is no year 0000 (years start at 0001)" \
	$C add-months 0000-06-01 1
e "a DATE with control characters and bytes that are not UTF-8: shown escaped" 1 \
	"yingcai calendar: DATE: '\\u001b[2J\\xFF' is not a date (expected YYYY-MM-DD)" \
	$C is-working-day $'\e[2J\xff'
run $C is-working-day $'\e[2J'
[ "$rc" = 1 ] && [[ "$err" != *$'\e'* ]]
report $? "no escape character reaches the terminal from a DATE"
run $C $'\e]0;x\a' 2026-01-05
[ "$rc" = 2 ] && [[ "$err" != *$'\e'* ]] && [[ "$err" == *"'\u001b]0;x\u0007' is not a calendar command"* ]]
report $? "an unknown command is shown escaped"
run $C is-working-day $'--\e' 2026-01-05
[ "$rc" = 2 ] && [[ "$err" != *$'\e'* ]] && [[ "$err" == *"unknown option '--\u001b'"* ]]
report $? "an unknown option is shown escaped"
e "negative N for add-working-days" 1 \
	"yingcai calendar: N: -3 is negative: add-working-days counts forward (N >= 0)" \
	$C add-working-days 2026-01-05 -3
e "add-months past 9999" 1 \
	"yingcai calendar: 9999-12-15 + 1 month is after 9999-12-31: dates run from 0001-01-01 to 9999-12-31" \
	$C add-months 9999-12-15 1
e "add-months before year 1" 1 \
	"yingcai calendar: 0001-01-15 - 1 month is before 0001-01-01: dates run from 0001-01-01 to 9999-12-31" \
	$C add-months 0001-01-15 -1
run $C is-working-day --policy "$tmp/none" 2026-02-14
[ "$rc" = 1 ] && [ -z "$out" ] && [ -n "$err" ]
report $? "a missing policy directory is an error (exit 1, message on stderr)"

# an answer that cannot be written is not a success
if [ -w /dev/full ]; then
	"$YINGCAI" $C is-working-day 2026-02-14 >/dev/full 2>"$tmp/err"; rc=$?; out=""; err=$(cat "$tmp/err")
	[ "$rc" = 1 ] && [ "$err" = "yingcai calendar: writing to standard output failed: No space left on device" ]
	report $? "is-working-day on a full disk: exit 1 and says so (not exit 0 with the answer lost)"
	"$YINGCAI" evaluate --json "$tmp/none.json" >/dev/full 2>"$tmp/err"; rc=$?; err=$(cat "$tmp/err")
	[ "$rc" = 1 ] && [ "$(grep -c 'writing' "$tmp/err")" = 0 ]
	report $? "evaluate with nothing written: no message about writing"
fi

# usage errors: exit 2
u "no command" $C
u "an unknown command" $C add-days 2026-01-05 1
u "a missing argument" $C add-working-days 2026-01-05
u "an extra argument" $C is-working-day 2026-01-05 2026-01-06
u "an unknown option" $C is-working-day --yaml 2026-01-05
u "--policy without a directory" $C is-working-day 2026-01-05 --policy

# help: exit 0 on stdout
run $C --help
[ "$rc" = 0 ] && [[ "$out" == *"usage: yingcai calendar"* ]] && [[ "$out" == *add-working-days* ]] &&
	[[ "$out" == *is-working-day* ]] && [[ "$out" == *add-months* ]] && [ -z "$err" ]
report $? "calendar --help lists the commands"
for sub in add-working-days is-working-day add-months; do
	run $C $sub --help
	[ "$rc" = 0 ] && [[ "$out" == *"usage: yingcai calendar $sub"* ]] && [ -z "$err" ]
	report $? "calendar $sub --help"
done

[ "$fails" = 0 ]
