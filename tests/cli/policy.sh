#!/usr/bin/env bash
# tests/cli/policy.sh - the policy directory as the command line sees it:
# the shipped files load, and a broken file stops the command with one
# "file:line:column: message" line per problem on standard error.
# Run by scripts/run-tests (YINGCAI = the binary, YINGCAI_POLICY = policy/).
set -u
YINGCAI=${YINGCAI:-build/yingcai}
POLICY=${YINGCAI_POLICY:-policy}
n=0
check() { # check DESCRIPTION WANT GOT
	n=$((n + 1))
	if [ "$2" == "$3" ]; then echo "ok $n - $1"; else
		echo "not ok $n - $1"; echo "#   want: $2"; echo "#   got:  $3"; fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out=$("$YINGCAI" calendar is-working-day 2025-10-08 --policy "$POLICY" 2>&1); rc=$?
check "the shipped policy loads (2025-10-08 is a holiday)" "0 no" "$rc $out"
out=$("$YINGCAI" calendar is-working-day 2026-02-28 --policy "$POLICY" 2>&1)
check "2026-02-28 is an adjusted working day" "yes" "$out"

# A part whose factor maxima add up to 101 and weights that add up to 0.90.
cp -r "$POLICY" "$tmp/p"
f=$tmp/p/two-zones/2025.yaml
sed -i 's/^    weight: 0.30$/    weight: 0.20/; 0,/^        max: 5$/s//        max: 6/' "$f"
out=$("$YINGCAI" calendar is-working-day 2025-10-08 --policy "$tmp/p" 2>&1 >/dev/null); rc=$?
check "a broken policy file fails the command" "1" "$rc"
check "each problem is one line with file, line and column" \
"$f:35:7: the factor maxima of part 'personal' add up to 101.00, not its maximum 100.00
$f:30:3: the part weights add up to 0.90, not 1.00" \
"$(printf '%s\n' "$out" | grep -v '^yingcai:')"

# An unknown key names the closest known one.
cp -r "$POLICY" "$tmp/q"
sed -i 's/^in_force_from: /in_force: /' "$tmp/q/urgent/2020.yaml"
out=$("$YINGCAI" calendar is-working-day 2025-10-08 --policy "$tmp/q" 2>&1 >/dev/null)
check "a misspelt key is reported with the missing one" \
"$tmp/q/urgent/2020.yaml:15:1: policy: unknown key 'in_force' (did you mean 'in_force_from'?)
$tmp/q/urgent/2020.yaml:3:1: policy: missing required key 'in_force_from'" \
"$(printf '%s\n' "$out" | grep -v '^yingcai:')"
