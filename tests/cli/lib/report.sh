# tests/cli/lib/report.sh - sourced by every tests/cli/*.sh: report STATUS DESC
# prints "ok DESC" for status 0, else "not ok DESC" with the last command's
# exit status, stdout and stderr ($rc, $out, $err, at most 600 characters
# each) and counts it in $fails.
report() {
	if [ "$1" = 0 ]; then
		echo "ok $2"
	else
		echo "not ok $2"
		printf '#   rc=%s\n#   stdout: %.600s\n#   stderr: %.600s\n' "$rc" "$out" "$err"
		fails=$((fails + 1))
	fi
}
