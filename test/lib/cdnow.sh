# test/lib/cdnow.sh: the CDNOW sample for the suites that fit models to it
# (test/bgnbd_cdnow.sh, test/clv_cdnow.sh).  Sourced, not run.
#
#   qx_cdnow_setup NAME   skips the suite ("0 passed, 0 failed", exit 0) when
#                         ../shared/data/CDNOW_sample.txt is not beside the
#                         checkout (QX_CDNOW overrides); else sets root, db
#                         (a scratch database name), tmp (a directory the
#                         server can read) and $tmp/cdnow.txt (the data with
#                         CRLF line ends stripped, for \copy), and drops both
#                         on exit.
qx_cdnow_setup() {
	local name=$1
	root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	local data=${QX_CDNOW:-$root/../shared/data/CDNOW_sample.txt}
	if [ ! -r "$data" ]; then
		echo "skipped: ../shared/data/CDNOW_sample.txt not found"
		echo "0 passed, 0 failed"
		exit 0
	fi
	db=qx_${name}_$$
	tmp=$(mktemp -d "/tmp/qx_${name}.XXXXXX")
	chmod 755 "$tmp"
	trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
	sed 's/\r$//' "$data" >"$tmp/cdnow.txt"
	chmod 644 "$tmp/cdnow.txt"
}
