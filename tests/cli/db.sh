#!/usr/bin/env bash
# tests/cli/db.sh - `yingcai db backup|restore|verify|migrate|housekeeping` through the
# binary: a round trip on SQLite (records and a document), refusals, a
# damaged file, a full disk, usage errors; on PostgreSQL too when
# YINGCAI_TEST_PG is set (schemas of its own, dropped at the end when psql
# is at hand), and from one backend to the other.  Prints "ok DESC" or
# "not ok DESC".
#
#   YINGCAI          path to the binary (scripts/run-tests sets it)
#   YINGCAI_TEST_PG  postgresql://... (optional)
set -u
: "${YINGCAI:?set YINGCAI to the yingcai binary}"
# shellcheck source=lib/report.sh
. "$(dirname "$0")/lib/report.sh"
tmp=$(mktemp -d)
fails=0
pg=${YINGCAI_TEST_PG:-}
schema=ycli_$$_$RANDOM
psql_bin=$(command -v psql || ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | tail -1)
cleanup() {
	if [ -n "$pg" ] && [ -n "$psql_bin" ]; then
		for s in a b c; do
			"$psql_bin" -qAtX "$pg" -c "DROP SCHEMA IF EXISTS ${schema}_$s CASCADE" \
				>/dev/null 2>&1
		done
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

run() {
	out=$("$YINGCAI" "$@" 2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
}


# flip FILE OFFSET: invert the lowest bit of one byte, in place.
flip() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf '%03o' $((b ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# ---- SQLite ----
run demo --data "$tmp/var" --quiet
# a document in the blob directory, as the store keeps it (<2 hex>/<sha256>)
head -c 200000 /dev/urandom >"$tmp/doc"
sum=$(sha256sum "$tmp/doc" | cut -c1-64)
mkdir -p "$tmp/var/blobs/${sum:0:2}"
cp "$tmp/doc" "$tmp/var/blobs/${sum:0:2}/$sum"
run user list --json --data "$tmp/var"
users=$out

run db backup "$tmp/b.ycb" --data "$tmp/var"
[ "$rc" = 0 ] && [[ "$out" == "wrote $tmp/b.ycb: sqlite, schema "*"the database and 1 document (2 entries, "* ]] &&
	[ "$(stat -c %a "$tmp/b.ycb")" = 600 ] && [ ! -e "$tmp/b.ycb.tmp" ] && [ -z "$err" ]
report $? "db backup writes the database and its documents (mode 600)"

run db verify "$tmp/b.ycb"
[ "$rc" = 0 ] && [[ "$out" == "verified $tmp/b.ycb: sqlite"* ]]
report $? "db verify checks every checksum"

run db restore "$tmp/b.ycb" --data "$tmp/r"
ok=$rc
run user list --json --data "$tmp/r"
[ "$ok" = 0 ] && [ "$out" = "$users" ] &&
	[ "$(sha256sum <"$tmp/r/blobs/${sum:0:2}/$sum" | cut -c1-64)" = "$sum" ]
report $? "db restore into a new data directory: the same accounts, the same document"

run db restore "$tmp/b.ycb" --data "$tmp/r"
[ "$rc" = 1 ] && [[ "$err" == *"yingcai.db is not empty (it holds records)"*"--force"* ]]
report $? "a target that holds data is refused (exit 1) and --force is named"

run db restore "$tmp/b.ycb" --data "$tmp/r" --force
[ "$rc" = 0 ] && [[ "$out" == *"moved aside"* ]] && [ -f "$tmp/r/yingcai.db.before-restore" ] &&
	[ -d "$tmp/r/blobs.before-restore" ] && [ -f "$tmp/r/blobs/${sum:0:2}/$sum" ]
report $? "--force moves the old database aside and restores"

run db restore "$tmp/b.ycb" --data "$tmp/r" --force
[ "$rc" = 1 ] && [[ "$err" == *"before-restore is there from an earlier restore"* ]]
report $? "--force never overwrites an earlier .before-restore"

# damage: one byte in the database entry, one in the document
cp "$tmp/b.ycb" "$tmp/bad.ycb"
flip "$tmp/bad.ycb" 5000
run db restore "$tmp/bad.ycb" --data "$tmp/r2"
[ "$rc" = 1 ] &&
	[ "$err" = "yingcai db restore: entry yingcai.db: checksum does not match: the backup file is damaged" ] &&
	[ ! -e "$tmp/r2" ]
report $? "a damaged backup is refused before anything is written, no data directory made (exit 1, entry named)"
cp "$tmp/b.ycb" "$tmp/bad.ycb"
flip "$tmp/bad.ycb" $(($(stat -c %s "$tmp/b.ycb") - 1000))
run db verify "$tmp/bad.ycb"
[ "$rc" = 1 ] && [[ "$err" == *"entry blobs/$sum: checksum does not match"* ]]
report $? "db verify names the damaged document"
head -c 3000 "$tmp/b.ycb" >"$tmp/bad.ycb"
run db verify "$tmp/bad.ycb"
[ "$rc" = 1 ] && [[ "$err" == *"incomplete"* ]]
report $? "a backup cut short is incomplete (exit 1)"

printf 'hello\n' >"$tmp/text"
run db restore "$tmp/text" --data "$tmp/r3"
[ "$rc" = 1 ] && [[ "$err" == *"is not a yingcai backup"* ]]
report $? "a file that is not a backup is refused (exit 1)"
run db restore "$tmp/missing.ycb" --data "$tmp/r3"
[ "$rc" = 1 ] && [[ "$err" == *"missing.ycb: cannot open: No such file or directory"* ]]
report $? "an unreadable file is named (exit 1)"
run db backup "$tmp/x.ycb" --data "$tmp/nothing"
[ "$rc" = 1 ] && [[ "$err" == *"there is no database to back up"* ]] && [ ! -e "$tmp/nothing/yingcai.db" ]
report $? "a backup of no database creates none (exit 1)"

# a full disk (a file size limit, which the command reports as one)
out=$( (ulimit -f 64; "$YINGCAI" db backup "$tmp/full.ycb" --data "$tmp/var") 2>"$tmp/err")
rc=$?
err=$(cat "$tmp/err")
[ "$rc" = 1 ] && [[ "$err" == *"the disk is full"* ]] && [ ! -e "$tmp/full.ycb" ] &&
	[ ! -e "$tmp/full.ycb.tmp" ] && [ -z "$(ls "$tmp" | grep image-)" ]
report $? "a full disk fails the backup (exit 1) and leaves nothing behind"

# A command that fails leaves nothing behind: run in an empty directory with
# the default data directory (var), it stays empty.
for args in "db restore $tmp/missing.ycb" "db restore $tmp/text" "db restore $tmp/bad.ycb" \
	"db restore $tmp/b.ycb --db sqlite:$tmp/nowhere/yingcai.db" "db backup $tmp/n.ycb" \
	"db housekeeping" "db migrate --db sqlite:$tmp/nowhere/yingcai.db" \
	"db migrate --db postgresql://127.0.0.1:1/none" "user list --db postgresql://127.0.0.1:1/none" \
	"user add --email not-an-address --name X --role reviewer"; do
	rm -rf "$tmp/empty" && mkdir "$tmp/empty" && cd "$tmp/empty" || exit 1
	# shellcheck disable=SC2086
	run $args
	[ "$rc" = 1 ] && [ -n "$err" ] && [ -z "$(ls -A)" ]
	report $? "'yingcai ${args//$tmp\//}' fails (exit 1) and an empty directory stays empty"
	cd "$tmp" || exit 1
done
run db housekeeping --data "$tmp/nothing"
[ "$rc" = 1 ] && [[ "$err" == *"nothing/yingcai.db: No such file or directory: there is no database to clean up; give the server's configuration with --config FILE"* ]] &&
	[ ! -e "$tmp/nothing" ]
report $? "db housekeeping of no database creates none (exit 1) and says what to give"

run db migrate --data "$tmp/m"
[ "$rc" = 0 ] && [[ "$out" =~ ^schema\ version\ [0-9]+$ ]]
report $? "db migrate applies the migrations and prints the version"

# usage
for args in "db" "db backup" "db backup a b" "db restore x --bogus" "db frobnicate" \
	"db backup x --data" "db verify" "db migrate extra" "db backup -"; do
	# shellcheck disable=SC2086
	run $args
	[ "$rc" = 2 ] && [[ "$err" == *"usage: yingcai db"* ]]
	report $? "'yingcai $args' is a usage error (exit 2)"
done
for sub in backup restore verify migrate; do
	run db "$sub" --help
	[ "$rc" = 0 ] && [[ "$out" == *"usage: yingcai db backup FILE"* ]]
	report $? "db $sub --help"
done

# ---- housekeeping (SQLite): what it removes and what it keeps ----
now=$(date +%s)
sqlite3 "$tmp/var/yingcai.db" "
INSERT INTO sessions (token_hash, user_id, csrf, lang, created_at, expires_at) VALUES
 (randomblob(32), NULL, 'c', 'en', 1, 2), (randomblob(32), NULL, 'c', 'en', 1, $((now + 3600)));
INSERT INTO login_failures (key, at) VALUES ('ip:192.0.2.1', 5), ('ip:192.0.2.1', $now),
 ('forgot:email:a@b.c', $((now - 3601)));
INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES
 (randomblob(32), 1, 3), (randomblob(32), 1, $((now + 3600)));"
count() { sqlite3 "$tmp/var/yingcai.db" "SELECT count(*) FROM $1"; }
run db housekeeping --data "$tmp/var"
[ "$rc" = 0 ] && [ "$out" = "removed 1 expired sessions, 2 old throttle entries, 1 expired reset links, 0 old mails" ] &&
	[ "$(count sessions)" = 1 ] && [ "$(count login_failures)" = 1 ] && [ "$(count password_resets)" = 1 ]
report $? "db housekeeping: removes the expired and the old, keeps the live and the recent"
run db housekeeping --data "$tmp/var"
[ "$rc" = 0 ] && [ "$out" = "removed 0 expired sessions, 0 old throttle entries, 0 expired reset links, 0 old mails" ]
report $? "db housekeeping again: nothing more to remove"
printf 'data_dir = %s\nlogin_window_seconds = 60\naccount_forms_window_seconds = 120\n' "$tmp/var" >"$tmp/yc.conf"
sqlite3 "$tmp/var/yingcai.db" "INSERT INTO login_failures (key, at) VALUES ('ip:192.0.2.2', $((now - 200)))"
run db housekeeping --config "$tmp/yc.conf"
[ "$rc" = 0 ] && [ "$out" = "removed 0 expired sessions, 1 old throttle entries, 0 expired reset links, 0 old mails" ] &&
	[ "$(count login_failures)" = 1 ]
report $? "db housekeeping --config: the database and the windows of the server's configuration"
printf 'login_window_seconds = often\n' >"$tmp/bad.conf"
run db housekeeping --config "$tmp/bad.conf"
[ "$rc" = 1 ] && [[ "$err" == "yingcai db housekeeping: $tmp/bad.conf:1: login_window_seconds"* ]]
report $? "db housekeeping: a bad configuration is refused, naming the line and the key"

# ---- PostgreSQL ----
if [ -z "$pg" ]; then
	echo "# PostgreSQL not tested: YINGCAI_TEST_PG is not set"
	[ "$fails" = 0 ]
	exit
fi
sep='?'
[[ "$pg" == *'?'* ]] && sep='&'
A="$pg${sep}schema=${schema}_a"
B="$pg${sep}schema=${schema}_b"
C="$pg${sep}schema=${schema}_c"

run demo --db "$A" --data "$tmp/pgvar" --quiet
run user list --json --db "$A"
pg_users=$out
run db housekeeping --db "$A"
[ "$rc" = 0 ] && [[ "$out" == "removed "*" expired sessions, "*" old throttle entries, "*" expired reset links, "*" old mails" ]]
report $? "postgresql: db housekeeping"
run db backup "$tmp/p.ycb" --db "$A"
[ "$rc" = 0 ] && [[ "$out" == "wrote $tmp/p.ycb: postgresql, schema "*"9 tables and 0 documents"* ]]
report $? "postgresql: db backup"
run db restore "$tmp/p.ycb" --db "$B"
ok=$rc
run user list --json --db "$B"
[ "$ok" = 0 ] && [ "$out" = "$pg_users" ]
report $? "postgresql: db restore into a new schema: the same accounts"
run db restore "$tmp/p.ycb" --db "$B" --force
[ "$rc" = 1 ] && [[ "$err" == *"already holds records"*"--force applies to SQLite only"* ]]
report $? "postgresql: a schema that holds data is refused, --force or not"
cp "$tmp/p.ycb" "$tmp/pbad.ycb"
flip "$tmp/pbad.ycb" 300
run db restore "$tmp/pbad.ycb" --db "$C"
[ "$rc" = 1 ] &&
	[ "$err" = "yingcai db restore: entry users.jsonl: checksum does not match: the backup file is damaged" ]
report $? "postgresql: a damaged backup is refused (exit 1)"

# from one backend to the other
run db restore "$tmp/b.ycb" --db "$C"
ok=$rc
run user list --json --db "$C"
[ "$ok" = 0 ] && [ "$out" = "$users" ]
report $? "a SQLite backup restores into PostgreSQL"
run db backup "$tmp/c.ycb" --db "$C"
run db restore "$tmp/c.ycb" --data "$tmp/back"
ok=$rc
run user list --json --data "$tmp/back"
[ "$ok" = 0 ] && [ "$out" = "$users" ] &&
	[ "$(sha256sum <"$tmp/back/blobs/${sum:0:2}/$sum" | cut -c1-64)" = "$sum" ]
report $? "and back into SQLite, with the document"

[ "$fails" = 0 ]
