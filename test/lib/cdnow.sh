# test/lib/cdnow.sh: the CDNOW sample for the suites that fit models to it
# (test/bgnbd_cdnow.sh, test/clv_cdnow.sh).  Sourced, not run.
#
#   qx_cdnow_setup NAME   fails the suite ("0 passed, 1 failed", exit 1; in CI
#                         and out of it) when ../shared/data/CDNOW_sample.txt
#                         is not beside the checkout, nor beside the main
#                         clone of a git worktree (QX_CDNOW overrides); else sets root, db
#                         (a scratch database name), tmp (a directory the
#                         server can read) and $tmp/cdnow.txt (the data with
#                         CRLF line ends stripped, for \copy), and drops both
#                         on exit; creates the database.
#   q ARGS                psql on that database (unaligned, tuples only)
#   check NAME GOT WANT   a check that GOT equals WANT, counted in passed/failed
qx_cdnow_setup() {
	local name=$1
	root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	local data=${QX_CDNOW:-$root/../shared/data/CDNOW_sample.txt} common
	if [ -z "${QX_CDNOW:-}" ] && [ ! -r "$data" ]; then
		# a worktree: shared/ lies beside the main clone
		common=$(git -C "$root" rev-parse --path-format=absolute --git-common-dir 2>/dev/null) &&
			data=$common/../../shared/data/CDNOW_sample.txt
	fi
	if [ ! -r "$data" ]; then
		echo "FAIL CDNOW data: $data not found (../shared/data/CDNOW_sample.txt beside the checkout; QX_CDNOW names another)"
		echo "0 passed, 1 failed"
		exit 1
	fi
	echo "data: $data"
	db=qx_${name}_$$
	tmp=$(mktemp -d "/tmp/qx_${name}.XXXXXX")
	chmod 755 "$tmp"
	trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
	sed 's/\r$//' "$data" >"$tmp/cdnow.txt"
	chmod 644 "$tmp/cdnow.txt"
	passed=0
	failed=0
	psql -X -q -d postgres -c "CREATE DATABASE $db" >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
}

q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" "$@"; }

check() {
	if [ "$2" = "$3" ]; then
		echo "ok   $1: $2"
		passed=$((passed + 1))
	else
		echo "FAIL $1: got '$2', want '$3'"
		failed=$((failed + 1))
	fi
}
