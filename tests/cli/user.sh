#!/usr/bin/env bash
# tests/cli/user.sh - `yingcai user add|list` and `yingcai demo` on a fresh
# database in a temporary directory.  Prints "ok DESC" or "not ok DESC".
#
#   YINGCAI  path to the binary (scripts/run-tests sets it)
set -u
: "${YINGCAI:?set YINGCAI to the yingcai binary}"
# shellcheck source=lib/report.sh
. "$(dirname "$0")/lib/report.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
D=(--data "$tmp/var")

# run ARGS...: run the binary (stdin from $input); sets out, err, rc.
input=
run() {
	out=$(printf '%s' "$input" | "$YINGCAI" "$@" 2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
}


# add with a password from standard input
input=$'a long staff password\n'
run user add --email Reviewer@Gov.Example.cn --name "张伟 Zhang Wei" --role reviewer \
	--password-stdin "${D[@]}"
[ "$rc" = 0 ] && [[ "$out" == "added user 1: reviewer@gov.example.cn (reviewer)" ]] && [ -z "$err" ]
report $? "user add --password-stdin adds a reviewer (address lower-cased)"

run user list "${D[@]}"
[ "$rc" = 0 ] && [[ "$out" == *"ID"*"ROLE"*"EMAIL"* ]] &&
	[[ "$(printf '%s\n' "$out" | sed -n 2p)" =~ ^1\ +reviewer\ +reviewer@gov\.example\.cn\ .*张伟\ Zhang\ Wei$ ]]
report $? "user list shows the new account"

# add without a password: one is generated and printed once
input=
run user add --email sys@gov.example.cn --name Admin --role sysadmin "${D[@]}"
pw=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
[ "$rc" = 0 ] && [ "${#pw}" -ge 20 ] && [[ "$out" == *"shown once"* ]]
report $? "user add without a password prints a generated one"
input=
run user add --email other@gov.example.cn --name Other --role expert "${D[@]}"
pw2=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
[ "$rc" = 0 ] && [ -n "$pw2" ] && [ "$pw" != "$pw2" ]
report $? "generated passwords differ"

run user list --json "${D[@]}"
[ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 3 ] &&
	[[ "$(printf '%s\n' "$out" | sed -n 2p)" == '{"id":2,"email":"sys@gov.example.cn","name":"Admin","role":"sysadmin","lang":"zh","created_at":'* ]] &&
	[[ "$out" != *argon2* ]]
report $? "user list --json: one object per account, no password hashes"

# refusals
input=$'a long staff password\n'
run user add --email someone@gov.example.cn --name X --role superuser --password-stdin "${D[@]}"
{ [ "$rc" = 2 ] || [ "$rc" = 1 ]; } && [[ "$err" == *"--role"* ]] && [[ "$err" == *reviewer* ]] && [ -z "$out" ]
report $? "a bad role is refused with a message naming --role and the roles"

run user add --email REVIEWER@gov.example.cn --name Y --role expert --password-stdin "${D[@]}"
[ "$rc" = 1 ] && [[ "$err" == *"--email"*"exists"* ]]
report $? "a taken address is refused (exit 1)"

input=$'short\n'
run user add --email new@gov.example.cn --name Z --role expert --password-stdin "${D[@]}"
[ "$rc" = 1 ] && [[ "$err" == *"12 characters"* ]]
report $? "a short password is refused (exit 1)"

input=$'a long staff password\n'
run user add --email "not an address" --name "" --role expert --password-stdin "${D[@]}"
[ "$rc" = 1 ] && [[ "$err" == *"--email"* ]] && [[ "$err" == *"--name"* ]]
report $? "every field error is named"

input=
run user add --name Z --role expert "${D[@]}"
[ "$rc" = 2 ] && [[ "$err" == *"--email is required"* ]]
report $? "a missing --email is a usage error"

run user frobnicate "${D[@]}"
[ "$rc" = 2 ] && [[ "$err" == *"usage: yingcai user"* ]]
report $? "an unknown subcommand is a usage error"

run user list "${D[@]}"
[ "$(printf '%s\n' "$out" | wc -l)" = 4 ]
report $? "refused accounts were not stored"

run user --help
[ "$rc" = 0 ] && [[ "$out" == *"usage: yingcai user add"* ]] && [[ "$out" == *inspector* ]]
report $? "user --help lists the roles"

# demo: idempotent, one account per role
run demo --data "$tmp/demo"
[ "$rc" = 0 ] && [[ "$out" == *"applicant@demo.yingcai"* ]] && [[ "$out" == *"yingcai-demo-2025"* ]]
report $? "demo loads and prints the accounts"
run user list --data "$tmp/demo"
first=$out
[ "$(printf '%s\n' "$out" | grep -c '@demo.yingcai')" = 9 ]
report $? "demo adds one account per role"
run demo --data "$tmp/demo"
again=no
[ "$rc" = 0 ] && [[ "$out" == *"(0 records added)"* ]] && again=yes
run user list --data "$tmp/demo"
[ "$again" = yes ] && [ "$out" = "$first" ]
report $? "demo run twice adds nothing"

[ "$fails" = 0 ]
