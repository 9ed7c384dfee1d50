#!/usr/bin/env bash
# tests/cli/golden-coverage.sh - every factor level boundary of the policy,
# every eligibility criterion and every document rule has a golden scenario
# (tests/golden) on each side: the last value of a level and the first of
# the next, the day before and the day of, holds / does not hold / not
# answered.  The requirements come from the oracle's tables in
# tests/golden/generate.py (the spec); `generate.py --coverage` prints one
# "ok N - ..." or "not ok N - ..." line per side and runs no binary.  Also
# checks that the .app.json files are the generator's scenarios and that
# the two-zones policy has no level the requirements do not know.
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
exit 0
