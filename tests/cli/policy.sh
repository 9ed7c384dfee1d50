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
check "a misspelt required key is one error, not also a missing key" \
"$tmp/q/urgent/2020.yaml:15:1: policy: unknown key 'in_force' (did you mean 'in_force_from'?)" \
"$(printf '%s\n' "$out" | grep -v '^yingcai:')"

# References to other files are reported where they are made.
cp -r "$POLICY" "$tmp/r"
f=$tmp/r/two-zones/2025.yaml
sed -i 's/"catalog:urgent", "title:senior"/"catalog:urgnt", "title:senior"/' "$f"
line=$(grep -n '"catalog:urgnt"' "$f" | cut -d: -f1)
col=$(sed -n "${line}p" "$f" | awk '{print index($0, "catalog:urgnt")}')
out=$("$YINGCAI" calendar is-working-day 2025-10-08 --policy "$tmp/r" 2>&1 >/dev/null)
check "a catalog list that does not exist: position and the closest list" \
"$f:$line:$col: 'catalog:urgnt' names a list that no catalog under catalog/ defines (did you mean 'catalog:urgent'?)" \
"$(printf '%s\n' "$out" | grep -v '^yingcai:')"

cp -r "$POLICY" "$tmp/s"
rm -r "$tmp/s/wages"
f=$tmp/s/two-zones/2025.yaml
line=$(grep -n '^ *unit: average-wage' "$f" | head -1 | cut -d: -f1)
col=$(sed -n "${line}p" "$f" | awk '{print index($0, "unit")}')
out=$("$YINGCAI" calendar is-working-day 2025-10-08 --policy "$tmp/s" 2>&1 >/dev/null)
check "a wage comparison without a wage table: position of its unit" \
"$f:$line:$col: salary compares with the average wage, but no wage table is loaded (wages/): add the wage table under wages/ or use 'unit: plain'" \
"$(printf '%s\n' "$out" | grep -v '^yingcai:' | grep "^$f:")"

# A wage table whose dates contradict its years (the 2024 wage before the 2023 one).
cp -r "$POLICY" "$tmp/w"
f=$(ls "$tmp"/w/wages/*.yaml | head -1)
sed -i 's/^    in_force_from: 2025-07-01$/    in_force_from: 2024-06-01/' "$f"
l23=$(grep -n '^    in_force_from: 2024-07-01$' "$f" | cut -d: -f1)
l24=$(grep -n '^    in_force_from: 2024-06-01$' "$f" | cut -d: -f1)
out=$("$YINGCAI" calendar is-working-day 2025-10-08 --policy "$tmp/w" 2>&1 >/dev/null); rc=$?
check "wage dates out of order with the years are an error" \
"1 $f:$l24:20: the 2024 wage takes effect on 2024-06-01, before the 2023 wage (2024-07-01, line $l23): a later year's wage takes effect later" \
"$rc $(printf '%s\n' "$out" | grep -v '^yingcai:')"

# A policy directory that is not there: one message that says where the name
# came from and how to give another, not "1 error in the policy files".
out=$("$YINGCAI" evaluate --policy "$tmp/none" "$tmp/x.json" 2>&1 >/dev/null); rc=$?
check "--policy naming no directory: exit 1, where the name came from, how to fix" \
"1 yingcai: $tmp/none (given with --policy): no such directory; give the policy directory with --policy DIR or YINGCAI_POLICY=DIR (the policy/ directory of the source tree)" \
"$rc $out"
out=$(YINGCAI_POLICY=$tmp/p/two-zones/2025.yaml "$YINGCAI" calendar is-working-day 2025-10-08 2>&1 >/dev/null); rc=$?
check "\$YINGCAI_POLICY naming a file: exit 1, named as not a directory" \
"1 yingcai: $tmp/p/two-zones/2025.yaml (from \$YINGCAI_POLICY): not a directory; give the policy directory with --policy DIR or YINGCAI_POLICY=DIR (the policy/ directory of the source tree)" \
"$rc $out"
