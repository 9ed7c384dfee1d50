#!/usr/bin/env bash
# tests/cli/golden-coverage.sh - every factor level boundary of the policy,
# every eligibility criterion and every document rule has a golden scenario
# (tests/golden) on each side: the last value of a level and the first of
# the next, the day before and the day of, holds / does not hold / not
# answered.  The requirements come from the oracle's tables in
# tests/golden/generate.py (the spec); `generate.py --coverage` prints one
# "ok N - ..." or "not ok N - ..." line per side and runs no binary.  Also
# checks that the .app.json files are the generator's scenarios, that
# the two-zones policy has no level the requirements do not know, and that
# the coverage map in tests/golden/README.md is what
# `generate.py --coverage-table` prints (it is pasted there by hand).
set -u
cd "$(dirname "$0")/../.." || exit 1
if ! command -v python3 >/dev/null; then
	echo "ok golden coverage # skip python3 not found"
	exit 0
fi
out=$(python3 tests/golden/generate.py --coverage 2>&1)
rc=$?
printf '%s\n' "$out"
if [ "$rc" != 0 ] && ! printf '%s\n' "$out" | grep -q '^not ok '; then
	echo "not ok golden coverage: generate.py --coverage exited $rc"
fi

# table_of: the coverage map in the markdown on standard input, from its
# header row to the last row after it.
table_of() {
	awk '/^\| group \| requirement \|/ { p = 1 } p && !/^\|/ { exit } p'
}
want=$(python3 tests/golden/generate.py --coverage-table 2>&1 | table_of)
# table_stale README: README's map is not the one generate.py prints.
table_stale() {
	[ -z "$want" ] || [ "$(table_of <"$1")" != "$want" ]
}
readme=tests/golden/README.md
if [ -z "$want" ]; then
	echo "not ok golden coverage map: generate.py --coverage-table printed no table"
elif table_stale "$readme"; then
	echo "not ok golden coverage map in $readme differs from what" \
		"'python3 tests/golden/generate.py --coverage-table' prints: run that and" \
		"replace the table in $readme (from its '| group | requirement |' row down) with its output"
	diff <(table_of <"$readme") <(printf '%s\n' "$want") | head -10 | sed 's/^/#   /'
else
	echo "ok golden coverage map in $readme is what generate.py --coverage-table prints"
fi
# ... and that check can fail: a map with one scenario renamed is stale.
stale=$(mktemp)
trap 'rm -f "$stale"' EXIT
sed '0,/^| two-zones factor |/s/`two-zones-[a-z0-9-]*`/`renamed`/' "$readme" >"$stale"
if [ -n "$want" ] && table_stale "$stale"; then
	echo "ok golden coverage map: a stale map is noticed"
else
	echo "not ok golden coverage map: a map with a scenario renamed passed the check"
fi
exit 0
