#!/usr/bin/env bash
# tests/cli/uscc.sh - `yingcai check uscc CODE...`.  Prints "ok DESC" or
# "not ok DESC" per check.
#
#   YINGCAI  path to the binary (scripts/run-tests sets it)
set -u
: "${YINGCAI:?set YINGCAI to the yingcai binary}"
# shellcheck source=lib/report.sh
. "$(dirname "$0")/lib/report.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# run ARGS...: run the binary; sets out, err, rc.
run() {
	out=$("$YINGCAI" "$@" 2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
}


# t DESC WANT_RC WANT_STDOUT ARGS...: exit status and exact stdout, no stderr.
t() {
	local desc=$1 want_rc=$2 want=$3
	shift 3
	run "$@"
	[ "$rc" = "$want_rc" ] && [ "$out" = "$want" ] && [ -z "$err" ]
	report $? "$desc"
}

# u DESC ARGS...: a usage error: exit 2, a usage text on stderr, no stdout.
u() {
	local desc=$1
	shift
	run "$@"
	[ "$rc" = 2 ] && [ -z "$out" ] && [[ "$err" == *"usage: yingcai check"* ]]
	report $? "$desc"
}

U="check uscc"

# valid codes, from public sources
t "the standard's example code" 0 "valid" $U 91350100M000100Y43
t "the example of formats.md" 0 "valid" $U 91110108551385082Q
t "a public institution (department 1)" 0 "valid" $U 12100000470095016Q
t "a foundation (department 5)" 0 "valid" $U 53100000500019795A
t "several codes, one line each, in order" 0 \
	"$(printf '%s\n' "valid" "valid" \
		"valid")" \
	$U 91110000600037341L 914403001922038216 91310000MA1K35Y38P

# invalid codes: exit 1, the reason on stdout
t "a mistyped digit fails the check character" 1 \
	"invalid: check character is 'Q' but the first 17 characters give 'R': a character was probably mistyped" \
	$U 91110108551385092Q
t "a character missing" 1 \
	"invalid: 17 characters; a unified social credit code has 18: a character is missing" \
	$U 9111010855138508Q
t "a character too many" 1 \
	"invalid: 19 characters; a unified social credit code has 18: remove the extra characters" \
	$U 91110108551385082QQ
t "the letter O for the digit 0" 1 \
	"invalid: character 'O' at position 9 is not used in codes (the letters I, O, S, V, Z never appear): did you mean the digit 0?" \
	$U 91110108O51385082Q
t "lower case" 1 \
	"invalid: character 'q' at position 18 is lower case: codes use capital letters (write 'Q')" \
	$U 91110108551385082q
t "a space inside" 1 \
	"invalid: a space at position 5: write the 18 characters without spaces or hyphens" \
	$U "9111 0108551385082Q"
t "a full-width digit" 1 \
	"invalid: full-width character '９' at position 1: type the code in half-width (ASCII) characters ('9')" \
	$U "９1110108551385082Q"
t "an unknown registration department" 1 \
	"invalid: position 1 is 'B', which is no registration department's code: it is one of 1-9, A, N or Y (9 for companies)" \
	$U B1110108551385082Q
t "a type the department does not have" 1 \
	"invalid: position 2 is '4', which is not an organisation type of department '9', industry and commerce (工商): it is one of 1, 2, 3" \
	$U 94110108551385082Q
t "a letter in the division code" 1 \
	"invalid: character 'A' at position 4 is not a digit: positions 3-8 are the administrative division code (6 digits)" \
	$U 911A0108551385082Q
t "the organisation code's own check character" 1 \
	"invalid: position 17 is '3' but the organisation code (positions 9-16) gives check character '2' (GB 11714): a character was probably mistyped" \
	$U 91110108551385083U
t "a bidirectional control: named by its code point, never echoed" 1 \
	"invalid: control character U+202E at position 17 is not used in codes: they have only the digits 0-9 and capital letters" \
	$U $'9111010855138508\u202eQ'
t "an empty code" 1 "invalid: empty: a unified social credit code has 18 characters" $U ""
t "an old registration number" 1 \
	"invalid: 15 digits: this looks like an old business registration number (注册号); give the 18-character unified social credit code printed on the business licence" \
	$U 110108551385082
t "valid and invalid together: every line, exit 1" 1 \
	"$(printf '%s\n' "valid" \
		"invalid: check character is 'D' but the first 17 characters give '7': a character was probably mistyped" \
		"valid")" \
	$U 91350100M000100Y43 91310115MA1H8R7C6D 91110108551385082Q
t "after --, an operand may start with a hyphen" 1 \
	"invalid: a hyphen at position 1: write the 18 characters without spaces or hyphens" \
	$U -- -9111

# --json
t "--json, valid" 0 '{"code":"91350100M000100Y43","valid":true,"reason":null}' \
	$U --json 91350100M000100Y43
t "--json, invalid" 1 \
	'{"code":"91110108551385092Q","valid":false,"reason":"check character is '"'Q'"' but the first 17 characters give '"'R'"': a character was probably mistyped"}' \
	$U 91110108551385092Q --json
t "--json, one object per line" 1 \
	"$(printf '%s\n' '{"code":"91350100M000100Y43","valid":true,"reason":null}' \
		'{"code":"9","valid":false,"reason":"1 character; a unified social credit code has 18: a character is missing"}')" \
	check --json uscc 91350100M000100Y43 9
t "--json escapes quotes" 1 \
	'{"code":"\"91350100M000100Y43\"","valid":false,"reason":"20 characters; a unified social credit code has 18: remove the extra characters"}' \
	$U --json '"91350100M000100Y43"'
run $U --json $'\xff\xfe'
[ "$rc" = 1 ] && [ "$out" = '{"code":"��","valid":false,"reason":"byte 0xFF at position 1 is not a character codes use (not UTF-8 text): they have only the digits 0-9 and capital letters"}' ]
report $? "--json replaces bytes that are not UTF-8"
t "an overlong form is named by its byte, not echoed" 1 \
	"invalid: byte 0xC0 at position 18 is not a character codes use (not UTF-8 text): they have only the digits 0-9 and capital letters" \
	$U $'91350100M000100Y4\xc0\x80'
run $U --json $'a\xed\xa0\x80'
[ "$rc" = 1 ] && [ "$out" = '{"code":"a���","valid":false,"reason":"byte 0xED at position 2 is not a character codes use (not UTF-8 text): they have only the digits 0-9 and capital letters"}' ]
report $? "--json replaces a surrogate (not UTF-8) so the line stays UTF-8"
run check $'\e[2Jx'
[ "$rc" = 2 ] && [[ "$err" != *$'\e'* ]] && [[ "$err" == *"'\u001b[2Jx' is not something check can check"* ]]
report $? "an unknown check is shown escaped"
run $U $'--\e[2J' 91350100M000100Y43
[ "$rc" = 2 ] && [[ "$err" != *$'\e'* ]] && [[ "$err" == *"unknown option '--\u001b[2J'"* ]]
report $? "an unknown option is shown escaped"
run $'\e[2J'
[ "$rc" = 2 ] && [[ "$err" != *$'\e'* ]] && [[ "$err" == *"yingcai: '\u001b[2J' is not a command"* ]]
report $? "an unknown command of yingcai is shown escaped"

# an answer that cannot be written is not a success
if [ -w /dev/full ]; then
	"$YINGCAI" $U 91350100M000100Y43 >/dev/full 2>"$tmp/err"; rc=$?; out=""; err=$(cat "$tmp/err")
	[ "$rc" = 1 ] && [ "$err" = "yingcai check: writing to standard output failed: No space left on device" ]
	report $? "check uscc on a full disk: exit 1 and says so (not exit 0 with the answer lost)"
	"$YINGCAI" --help >/dev/full 2>"$tmp/err"; rc=$?; err=$(cat "$tmp/err")
	[ "$rc" = 1 ] && [ "$err" = "yingcai: writing to standard output failed: No space left on device" ]
	report $? "yingcai --help on a full disk: exit 1"
fi
"$YINGCAI" $U 91350100M000100Y43 >&- 2>"$tmp/err"; rc=$?; out=""; err=$(cat "$tmp/err")
[ "$rc" = 1 ] && [[ "$err" == "yingcai check: writing to standard output failed: "* ]]
report $? "check uscc with standard output closed: exit 1 and says so"

# usage errors: exit 2
u "no check named" check
u "an unknown check" check iban DE89370400440532013000
u "no codes" $U
u "an unknown option" $U --strict 91350100M000100Y43

# help: exit 0 on stdout
run check --help
[ "$rc" = 0 ] && [[ "$out" == *"usage: yingcai check"* ]] && [[ "$out" == *uscc* ]] && [ -z "$err" ]
report $? "check --help lists uscc"
run $U --help
[ "$rc" = 0 ] && [[ "$out" == *"usage: yingcai check uscc"* ]] && [[ "$out" == *"GB 32100"* ]] && [ -z "$err" ]
report $? "check uscc --help"

[ "$fails" = 0 ]
