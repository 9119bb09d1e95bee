#!/usr/bin/env bash
# Runs the TAP suites test/t/*.pl with PostgreSQL's own PostgreSQL::Test::Cluster
# (from postgresql-server-dev-15, or a server built with --enable-tap-tests;
# needs libipc-run-perl), against the server PG_CONFIG names (scripts/lib.sh).
# initdb refuses root, so as root the suites run as the user postgres from a
# copy of test/.
# Ends with "N passed, N failed" counted from the TAP lines.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pg_config=${PG_CONFIG:-pg_config}
bindir=${QX_PGROOT:-}$("$pg_config" --bindir)	# a private tree (scripts/dev-root.sh) when set
pgxsdir=$(dirname "$("$pg_config" --pgxs)")/..
work=$(mktemp -d /tmp/quota_ext_tap.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r "$root/test" "$work/"
run=()
if [ "$(id -u)" -eq 0 ]; then
	chown -R postgres: "$work"
	chmod 755 "$work"
	run=(runuser -u postgres --)
fi
cd "$work/test" || exit 1
"${run[@]}" env -u PGUSER -u PGHOST -u PGPORT -u PGDATABASE PATH="$bindir:$PATH" \
	PERL5LIB="$pgxsdir/test/perl" TESTDIR="$work/test" \
	PG_REGRESS="$pgxsdir/test/regress/pg_regress" bash -c 'prove -v t/*.pl' >"$work/prove.log" 2>&1
rc=$?
cat "$work/prove.log"
ok=$(grep -cE '^ok [0-9]+' "$work/prove.log")
bad=$(grep -cE '^not ok [0-9]+' "$work/prove.log")
# a suite that died before planning its tests counts as a failure
if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi
if [ "$rc" -ne 0 ]; then
	for f in "$work"/test/tmp_check/log/*.log; do
		[ -e "$f" ] && { echo "--- $f"; tail -20 "$f"; }
	done
fi
echo "$ok passed, $bad failed"
[ "$bad" -eq 0 ]
