#!/usr/bin/env bash
# tests/cli/evaluate.sh - `yingcai evaluate` (formats.md): input errors with
# file:line:column: field.path: reason, several applications per run, JSON
# Lines, stdin, --edition, usage errors, the text and JSON outputs and the
# streaming reader.  Prints "ok DESC" or "not ok DESC" per check.
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

# run_in FILE ARGS...: the same with FILE on standard input.
run_in() {
	local f=$1
	shift
	out=$("$YINGCAI" "$@" <"$f" 2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
}


lines() { if [ -z "$1" ]; then echo 0; else printf '%s\n' "$1" | wc -l | tr -d ' '; fi; }

# ---- a base application with a known layout (line numbers below rely on it)
cat >"$tmp/base.json" <<'EOF'
{
  "format": "yingcai-application/1",
  "programme": "two-zones",
  "track": null,
  "date": "2025-12-01",
  "applicant": {
    "name": "Eva Script",
    "birth_date": "1984-05-17",
    "education": "master",
    "position": "director",
    "title": "none",
    "leads_major_project": false,
    "urgent_field": false,
    "employer_visibility": "listed",
    "years_professional_work": 12,
    "years_in_china": 4,
    "annual_salary_cny": 900000,
    "qualifications": [{"id": "acca-fellow", "status": "verified"}],
    "social_duty": "municipal"
  },
  "enterprise": {
    "key_entity": true,
    "sector": "science-technology",
    "revenue_last_year_cny": 250000000,
    "corporate_tax_last_year_cny": 12000000,
    "jobs": 420,
    "penalties_last_two_years": false
  },
  "experts": [
    {"id": "e1", "scores": {"achievements": 15, "value_contribution": 4, "business_leadership": 20, "innovation": 18, "public_welfare": 3}}
  ],
  "documents": [
    {"slot": "passport", "file": "passport-eva-script.pdf", "language": "en", "translated": true, "issued": "2025-11-02"}
  ]
}
EOF
B=$tmp/base.json

# variant NAME SED-EXPRESSION: $tmp/NAME.json from the base.
variant() { sed "$2" "$B" >"$tmp/$1.json"; }

# one_line FILE: the application on a single line (for JSON Lines).
one_line() { tr -d '\n' <"$1"; echo; }

# bad DESC FILE WANT: exit 1, nothing on stdout, and the first line of
# stderr is exactly "FILE:WANT" (WANT = "line:col: path: reason").
bad() {
	local desc=$1 f=$2 want=$3
	run evaluate "$f"
	[ "$rc" = 1 ] && [ -z "$out" ] && [ "${err%%$'\n'*}" = "$f:$want" ]
	report $? "$desc"
}

# bad_re DESC FILE REGEX: the same, the first line of stderr matching
# ^FILE:LINE:COL: REGEX.
bad_re() {
	local desc=$1 f=$2 re=$3
	run evaluate "$f"
	[ "$rc" = 1 ] && [ -z "$out" ] && [[ "${err%%$'\n'*}" =~ ^"$f":[0-9]+:[0-9]+:\ $re ]]
	report $? "$desc"
}

# ---- the base itself -------------------------------------------------------
run evaluate --json "$B"
[ "$rc" = 0 ] && [ -z "$err" ] && [ "$(lines "$out")" = 1 ] && [[ "$out" == *'"total": "82.50"'* ]]
report $? "the base application scores 82.50 (exit 0, one JSON line, nothing on stderr)"

# ---- input errors: exit 1, file:line:column: field.path: reason ---------------
variant unknown 's/"education": "master"/"educaton": "master"/'
bad "unknown field with a suggestion" "$tmp/unknown.json" \
	'9:5: applicant.educaton: unknown field (did you mean "education"?)'
variant catalog-typo 's/"acca-fellow"/"acca-fellw"/'
bad_re "a qualification id not in the catalog suggests the closest" "$tmp/catalog-typo.json" \
	'applicant\.qualifications\[0\]\.id: "acca-fellw" is not in the 2025 catalog: did you mean "acca-fellow"'
variant unknown-top 's/"track": null,/"trak": null,/'
bad_re "unknown top-level field names its path" "$tmp/unknown-top.json" 'trak: unknown field'
variant type 's/"years_in_china": 4/"years_in_china": "4"/'
bad "wrong type (a string for an integer)" "$tmp/type.json" \
	'16:23: applicant.years_in_china: expected a non-negative integer, got "4"'
variant neg 's/"jobs": 420/"jobs": -3/'
bad_re "negative count" "$tmp/neg.json" 'enterprise\.jobs: expected a non-negative integer'
variant bool 's/"key_entity": true/"key_entity": "yes"/'
bad_re "wrong type (a string for a boolean)" "$tmp/bool.json" 'enterprise\.key_entity: expected true or false'
variant enum 's/"education": "master"/"education": "phd"/'
bad "bad enum value lists the allowed ones" "$tmp/enum.json" \
	'9:18: applicant.education: "phd" is not one of junior-college, bachelor, master, doctorate'
variant date 's/"date": "2025-12-01"/"date": "2025-02-30"/'
bad "a date that does not exist" "$tmp/date.json" \
	'5:11: date: "2025-02-30" is not a date: February 2025 has 28 days'
variant date2 's/"birth_date": "1984-05-17"/"birth_date": "17.05.1984"/'
bad_re "a date in another format" "$tmp/date2.json" 'applicant\.birth_date: .*not a date'
variant age15 's/"birth_date": "1984-05-17"/"birth_date": "2010-12-01"/'
bad_re "age 15 on the application date names applicant.birth_date" "$tmp/age15.json" \
	'applicant\.birth_date: .*15'
run evaluate "$tmp/age15.json"
[[ "${err%%$'\n'*}" == "$tmp/age15.json:8:19: "* ]]
report $? "age under 16: the position is the birth date's value (8:19)"
variant age16 's/"birth_date": "1984-05-17"/"birth_date": "2009-12-01"/'
run evaluate --json "$tmp/age16.json"
[ "$rc" = 0 ] && [ -z "$err" ] && [[ "$out" == *'"input": "16", "level": "16-25"'* ]]
report $? "age 16 on the birthday itself is accepted (16-25)"
# (the column may point at the key or at the value)
variant smax 's/"achievements": 15/"achievements": 21/'
bad_re "expert score above the factor's maximum" "$tmp/smax.json" \
	'experts\[0\]\.scores\.achievements: 21\.00 is outside 0\.\.20\.00, the maximum of achievements$'
[[ "${err%%$'\n'*}" =~ ^"$tmp/smax.json":30:(29|45):\  ]]
report $? "expert score above the maximum: the position is on line 30"
variant sstep 's/"achievements": 15/"achievements": 15.3/'
bad_re "expert score off the 0.5 step" "$tmp/sstep.json" \
	'experts\[0\]\.scores\.achievements: 15\.30 is not a multiple of 0\.50'
variant sneg 's/"public_welfare": 3/"public_welfare": -0.5/'
bad_re "negative expert score" "$tmp/sneg.json" 'experts\[0\]\.scores\.public_welfare: '
variant sunk 's/"public_welfare": 3/"public_welfare": 3, "charm": 2/'
bad_re "expert score for an unknown factor" "$tmp/sunk.json" \
	'experts\[0\]\.scores\.charm: .*not a factor experts judge in two-zones'
variant slot 's/"slot": "passport"/"slot": "pasport"/'
bad_re "unknown document slot lists the valid ones" "$tmp/slot.json" \
	'documents\[0\]\.slot: "pasport" is not a document slot of two-zones; valid slots: .*passport'
variant nofmt '/"format":/d'
bad_re "missing format" "$tmp/nofmt.json" 'format: required field is missing'
variant badfmt 's|yingcai-application/1|yingcai-application/2|'
bad_re "another format version" "$tmp/badfmt.json" 'format: expected "yingcai-application/1"'
variant noprog '/"programme":/d'
bad_re "missing programme" "$tmp/noprog.json" 'programme: required field is missing'
variant nodate '/"date":/d'
bad_re "missing date" "$tmp/nodate.json" 'date: required field is missing'
variant track 's/"track": null/"track": "startup"/'
bad "a track on a programme without tracks" "$tmp/track.json" \
	'4:12: track: only the zgc programme has a track (use null or leave it out)'
variant notrack 's/"programme": "two-zones"/"programme": "zgc"/'
bad_re "zgc without a track" "$tmp/notrack.json" 'track: zgc needs a track'
variant early 's/"date": "2025-12-01"/"date": "2025-11-26"/'
bad "no edition in force on the application date: says when the first starts, and what to do" \
	"$tmp/early.json" \
	'5:11: date: no edition of two-zones is in force on 2025-11-26: the first, 2025, is in force from 2025-11-27; check the application date, or name an edition to use (--edition)'
variant unborn 's/"birth_date": "1984-05-17"/"birth_date": "2025-12-02"/'
bad "a birth date after the application date says so (not 'the applicant is -1')" \
	"$tmp/unborn.json" \
	'8:19: applicant.birth_date: the birth date 2025-12-02 is after the application date 2025-12-01: check both dates'
variant json 's/"jobs": 420,/"jobs": 420,,/'
bad_re "invalid JSON" "$tmp/json.json" 'invalid JSON'
run evaluate "$tmp/json.json"
[[ "${err%%$'\n'*}" == "$tmp/json.json:26:17: "* ]]
report $? "invalid JSON: the position is the stray comma (26:17)"
printf '[%s]\n' "$(one_line "$B")" >"$tmp/array.json"
bad_re "a top-level array" "$tmp/array.json" 'expected an application object'
: >"$tmp/empty.json"
run evaluate "$tmp/empty.json"
[ "$rc" = 1 ] && [ -z "$out" ] && [[ "$err" == "$tmp/empty.json"* ]]
r1=$?
printf '\n  \n' >"$tmp/blank.json"
run evaluate "$tmp/blank.json"
[ "$r1" = 0 ] && [ "$rc" = 1 ] && [ -z "$out" ] && [[ "$err" == "$tmp/blank.json"* ]]
report $? "an empty or blank file is an input error (exit 1, names the file)"
run evaluate "$tmp/does-not-exist.json"
[ "$rc" = 1 ] && [ -z "$out" ] && [[ "$err" == *"$tmp/does-not-exist.json"* ]]
report $? "a file that does not exist (exit 1, names it)"

# ---- several applications ----------------------------------------------------
cat >"$tmp/zgc.json" <<'EOF'
{"format": "yingcai-application/1", "programme": "zgc", "track": "technical", "date": "2026-03-16",
 "applicant": {"position": "director", "leads_rd_team": true},
 "enterprise": {"zgc_high_tech": true},
 "experts": [{"id": "x1", "scores": {"working_ability": 30, "urgency": 20, "potential_contribution": 20}}]}
EOF
run evaluate --json "$B" "$tmp/zgc.json"
[ "$rc" = 0 ] && [ -z "$err" ] && [ "$(lines "$out")" = 2 ] &&
	[[ "$(printf '%s\n' "$out" | sed -n 1p)" == '{"programme": "two-zones"'* ]] &&
	[[ "$(printf '%s\n' "$out" | sed -n 2p)" == '{"programme": "zgc"'* ]] &&
	[[ "$(printf '%s\n' "$out" | sed -n 2p)" == *'"total": "70.00"'* ]]
report $? "two files: two JSON lines, in order"

run evaluate --json "$tmp/zgc.json" "$tmp/enum.json" "$B"
[ "$rc" = 1 ] && [ "$(lines "$out")" = 2 ] &&
	[[ "$(printf '%s\n' "$out" | sed -n 1p)" == '{"programme": "zgc"'* ]] &&
	[[ "$(printf '%s\n' "$out" | sed -n 2p)" == '{"programme": "two-zones"'* ]] &&
	[ "$(lines "$err")" = 1 ] && [[ "$err" == "$tmp/enum.json:9:18: applicant.education: "* ]]
report $? "a bad file between good ones: exit 1, the good ones scored in order"

{ one_line "$B"; one_line "$tmp/zgc.json"; one_line "$B"; } >"$tmp/three.jsonl"
run evaluate --json "$tmp/three.jsonl"
[ "$rc" = 0 ] && [ -z "$err" ] && [ "$(lines "$out")" = 3 ] &&
	[ "$(printf '%s\n' "$out" | grep -c '^{"programme": "zgc"')" = 1 ] &&
	[[ "$(printf '%s\n' "$out" | sed -n 2p)" == '{"programme": "zgc"'* ]]
report $? "JSON Lines: one result per line, in order"

{ one_line "$B"; one_line "$tmp/smax.json"; one_line "$tmp/zgc.json"; one_line "$tmp/unknown.json"; } \
	>"$tmp/mixed.jsonl"
run evaluate --json "$tmp/mixed.jsonl"
[ "$rc" = 1 ] && [ "$(lines "$out")" = 2 ] &&
	[[ "$(printf '%s\n' "$out" | sed -n 1p)" == '{"programme": "two-zones"'* ]] &&
	[[ "$(printf '%s\n' "$out" | sed -n 2p)" == '{"programme": "zgc"'* ]] &&
	[ "$(lines "$err")" = 2 ] &&
	[[ "$(printf '%s\n' "$err" | sed -n 1p)" =~ ^"$tmp/mixed.jsonl":2:[0-9]+:\ experts\[0\]\.scores\.achievements: ]] &&
	[[ "$(printf '%s\n' "$err" | sed -n 2p)" =~ ^"$tmp/mixed.jsonl":4:[0-9]+:\ applicant\.educaton: ]]
report $? "JSON Lines with bad lines: exit 1, the good lines scored, errors name their line"

{ one_line "$B"; echo 'this is not json'; one_line "$tmp/zgc.json"; } >"$tmp/garbage.jsonl"
run evaluate --json "$tmp/garbage.jsonl"
[ "$rc" = 1 ] && [ "$(lines "$out")" = 2 ] && [[ "$err" == "$tmp/garbage.jsonl:2:"* ]]
report $? "JSON Lines with a line of garbage: the next line is still scored"

# A line left open (its last '}' missing, or cut inside a string) must not take the lines
# after it: they are applications of their own.
for cut in 's/}$//' 's/"[^"]*"[^"]*$/"unterminated/' 's/^\(.\{300\}\).*/\1/'; do
	{ one_line "$B"; one_line "$B" | sed "$cut"; one_line "$tmp/zgc.json"; one_line "$B"; } \
		>"$tmp/open.jsonl"
	run evaluate --json "$tmp/open.jsonl"
	[ "$rc" = 1 ] && [ "$(lines "$out")" = 3 ] && [ "$(lines "$err")" = 1 ] &&
		[[ "$(printf '%s\n' "$out" | sed -n 2p)" == '{"programme": "zgc"'* ]] &&
		[[ "$err" =~ ^"$tmp/open.jsonl":2:[0-9]+:\ invalid\ JSON:\ .*\(JSON\ Lines:\ one\ whole\ application\ per\ line\)$ ]]
	report $? "JSON Lines with a line left open ($cut): that line's error, the lines after it scored"
done

{ cat "$B"; cat "$tmp/zgc.json"; } >"$tmp/concat.json"
run evaluate --json "$tmp/concat.json"
[ "$rc" = 0 ] && [ -z "$err" ] && [ "$(lines "$out")" = 2 ]
report $? "a file holding two pretty-printed applications: two results"

# ---- standard input --------------------------------------------------------------
run evaluate --json "$B"
want=$out
run_in "$B" evaluate --json -
[ "$rc" = 0 ] && [ -z "$err" ] && [ "$out" = "$want" ]
report $? "'-' reads standard input (same result as the file)"
run_in "$tmp/enum.json" evaluate --json -
[ "$rc" = 1 ] && [[ "$err" == "<stdin>:9:18: applicant.education: "* ]]
report $? "an error on standard input is named <stdin>"
run_in "$tmp/zgc.json" evaluate --json "$B" -
[ "$rc" = 0 ] && [ "$(lines "$out")" = 2 ] && [[ "$(printf '%s\n' "$out" | sed -n 2p)" == '{"programme": "zgc"'* ]]
report $? "a file and '-' together, in order"

# ---- --edition and the average wage in force ---------------------------------------
# salary: 6 x 141,132 = 846,792 (2023 wage, from 2024-07-01); 6 x 143,244 = 859,464
# (2024 wage, from 2025-07-01).  The 2025 edition is only in force from
# 2025-11-27, so the earlier dates need --edition 2025.
salary_points() { printf '%s\n' "$out" | sed -n 's/.*"id": "salary", "kind": "bracket", "points": "\([0-9.]*\)".*/\1/p'; }
variant w23 's/"date": "2025-12-01"/"date": "2025-06-30"/; s/"annual_salary_cny": 900000/"annual_salary_cny": 846792/'
run evaluate --json --edition 2025 "$tmp/w23.json"
[ "$rc" = 0 ] && [ "$(salary_points)" = 15.00 ]
report $? "--edition 2025 on 2025-06-30: 846,792 is 6x the 2023 wage (15.00)"
variant w23b 's/"date": "2025-12-01"/"date": "2025-06-30"/; s/"annual_salary_cny": 900000/"annual_salary_cny": 846791/'
run evaluate --json --edition 2025 "$tmp/w23b.json"
[ "$rc" = 0 ] && [ "$(salary_points)" = 12.00 ]
report $? "--edition 2025 on 2025-06-30: 846,791 is below 6x the 2023 wage (12.00)"
variant w24 's/"date": "2025-12-01"/"date": "2025-07-01"/; s/"annual_salary_cny": 900000/"annual_salary_cny": 846792/'
run evaluate --json --edition 2025 "$tmp/w24.json"
[ "$rc" = 0 ] && [ "$(salary_points)" = 12.00 ]
report $? "--edition 2025 on 2025-07-01: the 2024 wage applies, 846,792 is below 6x (12.00)"
variant w24b 's/"date": "2025-12-01"/"date": "2025-07-01"/; s/"annual_salary_cny": 900000/"annual_salary_cny": 859464/'
run evaluate --json --edition 2025 "$tmp/w24b.json"
[ "$rc" = 0 ] && [ "$(salary_points)" = 15.00 ]
report $? "--edition 2025 on 2025-07-01: 859,464 is 6x the 2024 wage (15.00)"
variant w0 's/"date": "2025-12-01"/"date": "2024-06-30"/'
run evaluate --json --edition 2025 "$tmp/w0.json"
[ "$rc" = 0 ] && [[ "$out" == *'"id": "salary", "kind": "bracket", "points": null, "max": "15.00", "state": "not-provided"'* ]] &&
	[[ "$out" == *'"complete": false'* ]]
report $? "--edition 2025 on 2024-06-30: no wage in force, salary not provided (never 0)"
run evaluate --json --edition 2025 "$tmp/early.json"
[ "$rc" = 0 ] && [[ "$out" == '{"programme": "two-zones", "edition": "2025"'* ]]
report $? "--edition 2025 scores a date before the edition is in force"
run evaluate --json --edition 1999 "$B"
[ "$rc" = 2 ] && [ -z "$out" ] &&
	[[ "$err" == 'yingcai evaluate: --edition 1999: no programme has an edition "1999"; the editions are: '*'two-zones 2025'*'zgc 2019'* ]]
report $? "an edition no programme has: a usage error (2) that lists the editions"
run evaluate --json --edition=2019 "$B" "$tmp/zgc.json"
[ "$rc" = 1 ] && [ "$(lines "$out")" = 1 ] && [[ "$out" == '{"programme": "zgc", "track": "technical", "edition": "2019"'* ]] &&
	[ "$err" = "$B:1:1: programme: two-zones has no edition \"2019\" (the edition asked for); its editions are 2025" ]
report $? "an edition another programme has: that application's error names the editions it has (--edition=E)"
run evaluate --jobs=1 --policy="$YINGCAI_POLICY" --json "$B"
[ "$rc" = 0 ] && [ "$(lines "$out")" = 1 ]
report $? "--jobs=N and --policy=DIR"
run evaluate --json --edition 2025 "$tmp/zgc.json"
[ "$rc" = 1 ] && [ -z "$out" ] && [[ "$err" == "$tmp/zgc.json:"*'"2025"'* ]]
report $? "--edition 2025 does not exist for zgc: exit 1"

# ---- usage errors: exit 2 ------------------------------------------------------------
u() {
	local desc=$1
	shift
	run "$@"
	[ "$rc" = 2 ] && [ -z "$out" ] && [[ "$err" == *"usage: yingcai evaluate"* ]]
	report $? "$desc"
}
u "no file" evaluate
u "no file after the options" evaluate --json
u "an unknown option" evaluate --yaml "$B"
u "--edition without a value" evaluate --edition
u "--policy without a value" evaluate --policy
run evaluate --help
[ "$rc" = 0 ] && [[ "$out" == *"usage: yingcai evaluate"* ]] && [[ "$out" == *--edition* ]] && [ -z "$err" ]
report $? "--help: exit 0, usage on stdout"

# ---- text output -----------------------------------------------------------------
run evaluate "$B"
[ "$rc" = 0 ] && [ -z "$err" ] && [[ "$out" == *"82.50 of 100"* ]] && [[ "$out" == *PASSES* ]]
report $? "text: the total and the verdict"
[[ "$out" == *"█"* ]] && [[ "$out" == *"░"* ]] && [[ "$out" == *"x0.70 = "* ]] && [[ "$out" == *"x0.30 = "* ]]
report $? "text: the part bars and weights"
[[ "$out" == *"provisional*"* ]] && [[ "$out" == *"* provisional:"* ]]
report $? "text: provisional marks and their legend"
[[ "$out" != *$'\e['* ]]
report $? "text: no colour when stdout is not a terminal"
run evaluate --no-color "$B" "$tmp/zgc.json"
[ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | grep -c '^Total ')" = 2 ]
report $? "text: two scorecards for two files"
variant noexp '/"id": "e1"/d'
run evaluate "$tmp/noexp.json"
[ "$rc" = 0 ] && [[ "$out" == *"can still reach"* ]] && [[ "$out" == *"not judged"* ]]
report $? "text: an incomplete card shows the range it can still reach"

# ---- every demo file: --json parses ---------------------------------------------------
demo_dir=${YINGCAI_DEMO:-$(dirname "$YINGCAI_POLICY")/demo}
for f in "$demo_dir"/*.json; do
	[ -e "$f" ] || continue
	run evaluate --json "$f"
	if command -v python3 >/dev/null; then
		[ "$rc" = 0 ] && [ "$(lines "$out")" = 1 ] &&
			printf '%s\n' "$out" | python3 -c 'import json, sys; r = json.loads(sys.stdin.read()); assert isinstance(r, dict) and "programme" in r'
		report $? "demo $(basename "$f"): --json is one JSON object"
	else
		echo "ok demo $(basename "$f"): --json is one JSON object # skip python3 not found"
	fi
done

# ---- streaming: 20,000 applications in one JSON Lines file ----------------------------
# Each line has a different salary (400,000 + line number) so the order can be checked.
one_line "$B" | awk '{ for (i = 1; i <= 20000; i++) { l = $0; sub(/"annual_salary_cny": 900000/, "\"annual_salary_cny\": " (400000 + i), l); print l } }' \
	>"$tmp/big.jsonl"
"$YINGCAI" evaluate --json "$tmp/big.jsonl" >"$tmp/big.out" 2>"$tmp/err"
rc=$?
out="(see $tmp/big.out)"
err=$(head -c 600 "$tmp/err")
[ "$rc" = 0 ] && [ -z "$err" ] && [ "$(wc -l <"$tmp/big.out" | tr -d ' ')" = 20000 ]
report $? "20,000 JSON Lines: 20,000 results"
sed -n 's/.*"id": "salary", "kind": "bracket", "points": "[0-9.]*", "max": "15.00", "state": "scored", "input": "\([0-9]*\)".*/\1/p' \
	"$tmp/big.out" | awk '$1 != 400000 + NR { bad = 1; exit } END { exit bad || NR != 20000 }'
report $? "20,000 JSON Lines: results in input order"

# The first line left open, in a file of 20,000 (28 MB): it must not swallow the file up to
# the 1 MB cap on one application.
{ one_line "$B" | sed 's/}$//'; cat "$tmp/big.jsonl"; } >"$tmp/open-first.jsonl"
"$YINGCAI" evaluate --json "$tmp/open-first.jsonl" >"$tmp/big.out" 2>"$tmp/err"
rc=$?
out="(see $tmp/big.out)"
err=$(head -c 600 "$tmp/err")
[ "$rc" = 1 ] && [ "$(wc -l <"$tmp/big.out" | tr -d ' ')" = 20000 ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
	[[ "$err" == "$tmp/open-first.jsonl:1:"*"not closed (JSON Lines: one whole application per line)" ]]
report $? "JSON Lines whose first line is left open: that line's error, the 20,000 after it scored"

# A pretty-printed application with a '{' at the start of a line and a mistake in a field is
# valid JSON: its field error, not a word about JSON Lines.
sed 's/"applicant": {/"applicant":\n{/; s/"education"/"educaton"/' "$B" >"$tmp/pretty.json"
run evaluate --json "$tmp/pretty.json"
[ "$rc" = 1 ] && [ -z "$out" ] && [ "$(lines "$err")" = 1 ] &&
	[[ "$err" == "$tmp/pretty.json:"*": applicant.educaton: unknown field"* ]]
report $? "pretty-printed, '{' at the start of a line, a field's mistake: that error alone"

# The text verdict says why a total at the threshold does not pass, and the range a sum
# not yet judged can still reach counts its scored sub-factors.
run evaluate --no-color "tests/golden/zgc-technical-not-high-tech.app.json"
[[ "$out" == *"75.67 of 100   threshold 70.00   REACHES THE THRESHOLD, BUT A GATE DOES NOT HOLD"* ]]
report $? "text: a failed gate is named, not called 'below threshold'"
run evaluate --no-color "tests/golden/two-zones-not-key-entity.app.json"
[[ "$out" == *"82.50 of 100   threshold 70.00   REACHES THE THRESHOLD, BUT NOT ELIGIBLE"* ]] &&
	[[ "$out" != *PASSES* ]]
report $? "text: 'PASSES' never stands beside 'not eligible'"
run evaluate --no-color "demo/ben-self-check.json"
[[ "$out" =~ "  value "\ +"? / 25.00  not judged yet (6.00 to 11.00)" ]]
report $? "text: a sum not judged yet shows the range it can still reach"

# Text a user typed never reaches the terminal with its control characters (a name that
# moves the cursor or recolours the screen, a file name, an id in a message).
variant ctl 's/"name": "[^"]*"/"name": "Anna\\u001b[31mRED\\nline2\\u202e"/'
run evaluate --no-color "$tmp/ctl.json"
[ "$rc" = 0 ] && [[ "$out" == 'Anna\u001b[31mRED\u000aline2\u202e · '* ]] &&
	! printf '%s' "$out" | grep -q $'\x1b'
report $? "text: control characters in the applicant's name are shown escaped"
variant ctlq 's/"id": "acca-fellow"/"id": "ac\\"ca\\u0007"/'
run evaluate "$tmp/ctlq.json"
[ "$rc" = 1 ] && [[ "$err" == *'"ac\"ca\u0007" is not in the 2025 catalog'* ]] &&
	! printf '%s' "$err" | grep -q $'\x07'
report $? "a qualification id in a message: shown as JSON writes it, no control character"
variant ctlk 's/"applicant": {/"applicant": {"nat\\u202eionality": "DEU", /'
run evaluate "$tmp/ctlk.json"
[ "$rc" = 1 ] && [[ "$err" == *'applicant.nat\u202eionality: unknown field'* ]] &&
	! printf '%s' "$err" | grep -q $'\u202e'
report $? "a bidirectional override in a field's name: shown as \\u202e, never raw"

mkdir -p "$tmp/adir"
run evaluate --json "$tmp/adir" "$B"
[ "$rc" = 1 ] && [ "$(lines "$out")" = 1 ] &&
	[ "$err" = "yingcai evaluate: $tmp/adir: is a directory; give the application files in it (for example $tmp/adir/*.json)" ]
report $? "a directory: named as one, the other files still scored"

# A program that writes one application into a pipe and waits for its result before it
# writes the next must get the result while the pipe is still open (docs/cli.md).
mkfifo "$tmp/in.fifo"
"$YINGCAI" evaluate --json - <"$tmp/in.fifo" >"$tmp/fifo.out" 2>&1 &
fifo_pid=$!
exec 7>"$tmp/in.fifo"
one_line "$B" >&7
for _ in $(seq 100); do [ -s "$tmp/fifo.out" ] && break; sleep 0.1; done
fifo_first=$(wc -l <"$tmp/fifo.out")
one_line "$tmp/zgc.json" >&7
exec 7>&-
wait "$fifo_pid"
fifo_rc=$?
[ "$fifo_first" = 1 ] && [ "$fifo_rc" = 0 ] && [ "$(wc -l <"$tmp/fifo.out")" = 2 ] &&
	[[ "$(sed -n 2p "$tmp/fifo.out")" == '{"programme": "zgc"'* ]]
report $? "a pipe: each result is written while the writer still holds the pipe open"

# ---- --jobs: the same output, byte for byte and in the same order, as one thread -------
# Good applications with bad ones among them (a decoding error, an error of the core, a
# line of garbage), several files, an empty and a missing one: stdout and stderr go to one
# file, so the test sees how results and messages interleave.  With YINGCAI_TSAN (a build
# with -fsanitize=thread, which `make check` makes) the threads run under ThreadSanitizer
# too: a data race it reports ends that run with another exit status and a message.
awk -v smax="$(one_line "$tmp/smax.json")" -v unk="$(one_line "$tmp/unknown.json")" \
	'{ print } NR % 997 == 0 { print smax } NR % 1499 == 0 { print unk } NR % 4001 == 0 { print "not json" }' \
	"$tmp/big.jsonl" >"$tmp/jobs.jsonl"
: >"$tmp/empty.json"
# jobs_run BINARY MODE N OUT: the run above with --jobs N, stdout, stderr and exit status in
# OUT; a pipe on standard input ('-', scored on the reading thread) among the files.
jobs_run() {
	cat "$tmp/mixed.jsonl" | TSAN_OPTIONS=halt_on_error=1:exitcode=66 "$1" evaluate "$2" \
		--jobs "$3" "$tmp/jobs.jsonl" "$tmp/three.jsonl" - "$tmp/empty.json" \
		"$tmp/missing.json" "$tmp/concat.json" "$tmp/mixed.jsonl" >"$4" 2>&1
	echo "rc=$?" >>"$4"
}
for mode in --json --no-color; do
	jobs_run "$YINGCAI" "$mode" 1 "$tmp/jobs1.out"
	out=$(tail -n 1 "$tmp/jobs1.out")
	err=$(grep -c '^/' "$tmp/jobs1.out")
	for bin in "$YINGCAI" ${YINGCAI_TSAN:+"$YINGCAI_TSAN"}; do
		jobs_run "$bin" "$mode" 2 "$tmp/jobs2.out"
		jobs_run "$bin" "$mode" 7 "$tmp/jobs7.out"
		[ "$out" = rc=1 ] && [ "$err" -ge 40 ] && cmp -s "$tmp/jobs1.out" "$tmp/jobs2.out" &&
			cmp -s "$tmp/jobs1.out" "$tmp/jobs7.out"
		report $? "--jobs 2 and 7 ($mode${YINGCAI_TSAN:+, $(basename "$(dirname "$bin")")}): results, messages and exit status as with --jobs 1"
	done
done

for j in 0 65 two ''; do
	run evaluate --jobs "$j" "$B"
	[ "$rc" = 2 ] && [ -z "$out" ] && [[ "$err" == "yingcai evaluate: --jobs needs a number of threads from 1 to 64"* ]]
	report $? "--jobs '$j': usage error naming the allowed range"
done

# ---- decoder messages (docs/cli.md, "Input rules") ---------------------------
variant dupnull 's/"achievements": 15,/"achievements": null, "achievements": 15,/'
bad "a duplicate score key after null is refused" "$tmp/dupnull.json" \
	'30:51: experts[0].scores.achievements: duplicate key (first given at line 30, column 29)'
variant leap 's/"birth_date": "1984-05-17"/"birth_date": "2023-02-29"/'
bad "29 February of a common year says why" "$tmp/leap.json" \
	'8:19: applicant.birth_date: "2023-02-29" is not a date: 2023 has no 29 February (2023 is not a leap year)'
variant may32 's/"birth_date": "1984-05-17"/"birth_date": "1984-5-32"/'
bad "a date typed without a leading zero that does not exist: why, and the form (as calendar says)" \
	"$tmp/may32.json" \
	'8:19: applicant.birth_date: "1984-5-32" is not a date: May has 31 days; write dates in the form YYYY-MM-DD'
variant zero 's/"years_professional_work": 12,/"years_professional_work": 012,/'
bad "a leading zero: the rule and the number meant" "$tmp/zero.json" \
	"15:32: applicant.years_professional_work: invalid JSON: invalid number '012': a number must not start with 0 (write 12)"
variant trail0 's/"years_professional_work": 12,/"years_professional_work": 12.0,/; s/"achievements": 15,/"achievements": 15.50000,/'
run evaluate --json "$tmp/trail0.json"
[ "$rc" = 0 ] && [ -z "$err" ] && [[ "$out" == *'"input": "12", "level": "10+"'* ]]
report $? "12.0 and 15.50000 are the numbers 12 and 15.5"
variant exp 's/"years_professional_work": 12,/"years_professional_work": 1.2e1,/'
bad "an exponent: how to write the number" "$tmp/exp.json" \
	'15:32: applicant.years_professional_work: expected a non-negative integer written without an exponent: write 12, not 1.2e1'
variant sval 's/"achievements": 15,/"achievements": 15.25,/'
bad "an expert score off the step points at the value" "$tmp/sval.json" \
	'30:45: experts[0].scores.achievements: 15.25 is not a multiple of 0.50: experts score achievements in steps of 0.50'
variant styp 's/"innovation": 18/"innovaton": 18/'
bad_re "an unknown judged factor: did you mean" "$tmp/styp.json" \
	'experts\[0\]\.scores\.innovaton: "innovaton" is not a factor experts judge in two-zones [0-9]+ \(did you mean "innovation"\?\)$'
printf '\xff\xfe{\0\n\0}\0' >"$tmp/utf16.json"
bad "a UTF-16 file is named as such" "$tmp/utf16.json" \
	'1:1: the file is UTF-16 (or UTF-32), not UTF-8: save it as UTF-8'
printf '{"format": "yingcai-application/1", "programme": "two-zones", "date": "2025-12-01",\n "applicant": {"name": "\xd5\xc5\xc8\xfd"}}\n' >"$tmp/gbk.json"
bad "a name saved as GBK: where, and to save the file as UTF-8" "$tmp/gbk.json" \
	'2:25: applicant.name: invalid JSON: invalid UTF-8 in a string: save the file as UTF-8 (text saved as GBK or Latin-1 must be converted)'
variant lang 's/"language": "en"/"language": "english"/'
bad_re "a language that is not an ISO 639-1 code" "$tmp/lang.json" \
	'documents\[0\]\.language: "english" is not an ISO 639-1 language code \(two letters, e\.g\. "en", "zh", "de"\)$'
variant esckey 's/"education": "master"/"edu\\u001bcation": "master"/'
run evaluate "$tmp/esckey.json"
[ "$rc" = 1 ] && [[ "$err" == *'applicant.edu\u001bcation: unknown field'* ]] && [[ "$err" != *$'\e'* ]]
report $? "a control character in a key is escaped in the message"


# ---- enterprise.uscc is checked as `yingcai check uscc` checks it
variant usccok 's/"key_entity": true,/"uscc": "91110108551385082Q", "key_entity": true,/'
run evaluate --json "$tmp/usccok.json"
[ "$rc" = 0 ] && [ -z "$err" ] && [[ "$out" == *'"total": "82.50"'* ]]
report $? "a valid enterprise.uscc is accepted"
variant usccbad 's/"key_entity": true,/"uscc": "91110108551385092Q", "key_entity": true,/'
bad "a mistyped enterprise.uscc is an input error naming the character" "$tmp/usccbad.json" \
	'22:13: enterprise.uscc: "91110108551385092Q" is not a unified social credit code: check character is '"'Q'"' but the first 17 characters give '"'R'"': a character was probably mistyped'
variant usccO 's/"key_entity": true,/"uscc": "91110108O51385082Q", "key_entity": true,/'
bad "a letter O for a zero in enterprise.uscc" "$tmp/usccO.json" \
	'22:13: enterprise.uscc: "91110108O51385082Q" is not a unified social credit code: character '"'O'"' at position 9 is not used in codes (the letters I, O, S, V, Z never appear): did you mean the digit 0?'
{ one_line "$B"; one_line "$tmp/usccbad.json"; one_line "$tmp/usccok.json"; } >"$tmp/uscc.jsonl"
run evaluate --json "$tmp/uscc.jsonl"
[ "$rc" = 1 ] && [ "$(lines "$out")" = 2 ] && [[ "$err" == "$tmp/uscc.jsonl:2:"*'enterprise.uscc: "91110108551385092Q" is not a unified social credit code'* ]]
report $? "JSON Lines: a bad enterprise.uscc on line 2, lines 1 and 3 still scored"
variant usccnull 's/"key_entity": true,/"uscc": null, "key_entity": true,/'
run evaluate --json "$tmp/usccnull.json"
[ "$rc" = 0 ] && [ -z "$err" ]
report $? "enterprise.uscc null is not provided (no error)"

if [ -w /dev/full ]; then
	"$YINGCAI" evaluate --json "$B" >/dev/full 2>"$tmp/err"; rc=$?; out=""; err=$(cat "$tmp/err")
	[ "$rc" = 1 ] && [ "$err" = "yingcai evaluate: writing the results failed: No space left on device" ]
	report $? "results that cannot be written: exit 1, said once"
fi

# ---- names typed on the command line, shown in messages
mkdir -p "$tmp/esc"
cp "$tmp/esckey.json" "$tmp/esc/"$'a\e[31mb\xff.json'
run evaluate "$tmp/esc/"$'a\e[31mb\xff.json'
[ "$rc" = 1 ] && [[ "$err" == "$tmp/esc/"'a\u001b[31mb\xFF.json:'*'applicant.edu\u001bcation: unknown field'* ]] &&
	[[ "$err" != *$'\e'* ]] && printf '%s' "$err" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1
report $? "a file name with an escape and a stray byte: shown escaped in file:line:column"
run evaluate --json "$tmp/esc/"$'no\e[2J.json' "$B"
[ "$rc" = 1 ] && [ "$(lines "$out")" = 1 ] &&
	[ "$err" = "yingcai evaluate: $tmp/esc/no\u001b[2J.json: No such file or directory" ]
report $? "a missing file's name is shown escaped; the other file is still scored"
mkdir -p "$tmp/esc/"$'d\ex'
run evaluate "$tmp/esc/"$'d\ex'
[ "$rc" = 1 ] && [[ "$err" == *'d\u001bx: is a directory'* ]] && [[ "$err" != *$'\e'* ]]
report $? "a directory's name is shown escaped"
run evaluate --json "" "$B"
[ "$rc" = 1 ] && [ "$(lines "$out")" = 1 ] &&
	[ "$err" = "yingcai evaluate: '' (an empty argument) is not a file name: give an application file, or - for standard input" ]
report $? "an empty FILE argument is named as such (not ': No such file'), the other file scored"
run_in "$tmp" evaluate --json -
[ "$rc" = 1 ] && [ -z "$out" ] &&
	[ "$err" = "yingcai evaluate: standard input is a directory; give the application files in it instead of -" ]
report $? "standard input that is a directory is named as one (not 'read error')"
"$YINGCAI" evaluate --json - <&- >"$tmp/out" 2>"$tmp/err"; rc=$?; out=$(cat "$tmp/out"); err=$(cat "$tmp/err")
[ "$rc" = 1 ] && [ -z "$out" ] && [ "$err" = "<stdin>:1:1: read error: the input is closed (bad file descriptor)" ]
report $? "standard input closed: a read error that says why"
run evaluate $'--x\e[2J' "$B"
[ "$rc" = 2 ] && [ -z "$out" ] && [[ "$err" == "yingcai evaluate: unknown option --x\u001b[2J"* ]]
report $? "an unknown option is shown escaped (exit 2)"
run evaluate --edition $'\e[2J' "$B"
[ "$rc" = 2 ] && [ -z "$out" ] && [[ "$err" == 'yingcai evaluate: --edition \u001b[2J: no programme has an edition "\u001b[2J"'* ]]
report $? "an unknown --edition is shown escaped (exit 2)"
run evaluate --policy= "$B"
[ "$rc" = 2 ] && [ -z "$out" ] && [[ "$err" == "yingcai evaluate: --policy needs a value"$'\n'* ]]
report $? "--policy= names the option (not '--policy=')"
run evaluate --help
[ "$rc" = 0 ] && [[ "$out" != *"./policy"* ]] && [[ "$out" == *"policy/ directory beside the build"* ]]
report $? "--help says where the policy directory is looked for (not ./policy)"

[ "$fails" = 0 ]
