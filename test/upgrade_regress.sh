#!/usr/bin/env bash
# qx-tier: ubsan (once, in the UBSan run of scripts/memcheck.sh: this suite is
# that run's pg_regress, against the -fsanitize=undefined build)
# The pg_regress suites against an upgraded extension, in a database whose
# default collation is ICU ru-RU: one run of every suite proves two things.
#  - Upgraded = fresh in behaviour (test/upgrade.sh proves it for the
#    catalog: every member's definition equal): a database gets 1.0 and
#    ALTER EXTENSION quota_ext UPDATE (1.0 -> 1.1 -> 1.2 -> 1.3), and every
#    suite but schema (which drops and re-creates the extension) passes in
#    it with --use-existing.
#  - No suite depends on the database's collation for its row order
#    (issue 21): the database's default collation is ICU ru-RU, where text
#    sorts otherwise than in C.
# Once (Debian's 15 only): the catalog check of test/upgrade.sh runs on every
# server; a second run of every pg_regress suite there would test the same
# definitions again.  A server built without ICU (scripts/build_pg.sh's
# 18.6, when this suite is run there by hand) gets the upgraded run in its
# default collation and one check that it refuses an ICU database.
# The database has the settings pg_regress gives its own.
# Ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/test/lib/suite.sh"
db=qx_upgrade_regress
out=$(mktemp -d /tmp/qx_upgrade_regress.XXXXXX)
chmod 777 "$out"
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
cleanup() { q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1; rm -rf "$out"; }
trap cleanup EXIT
q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null

icu=yes
pg_config --configure 2>/dev/null | grep -q -- '--without-icu' && icu=
if [ -n "$icu" ]; then
	q -d postgres -c "CREATE DATABASE $db TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'ru-RU' LOCALE 'C.UTF-8' ENCODING 'UTF8'"
	rc=$?
	qx_check "a database with the ICU collation ru-RU (the server needs ICU)" $rc
	[ "$rc" -eq 0 ] || { qx_summary; exit 1; }
	# (daticulocale in 15 and 16 is datlocale from 17 on: read the row as json)
	coll=$(psql -X -At -d $db -c "SELECT datlocprovider::text || ':' || coalesce(j->>'daticulocale', j->>'datlocale', '')
	    FROM pg_database d, to_jsonb(d) j WHERE datname = current_database()")
	[ "$coll" = "i:ru-RU" ]
	qx_check "its default collation is ICU ru-RU ($coll)" $?
	# words that sort differently in ru-RU and in C: the suites must not care
	got=$(psql -X -At -d $db -c "SELECT string_agg(w, ' ' ORDER BY w) FROM (VALUES ('b'), ('B'), ('a')) v(w)")
	[ "$got" = "a b B" ]
	qx_check "text sorts by the ICU rules there (a b B, not C's B a b)" $? "$got"
	where="1.0 upgraded, ICU ru-RU"
else
	! q -d postgres -c "CREATE DATABASE $db TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'ru-RU' LOCALE 'C.UTF-8'" 2>/dev/null
	qx_check "this server is built without ICU and refuses an ICU database (the ICU run is on Debian's 15)" $?
	q -d postgres -c "DROP DATABASE IF EXISTS $db" 2>/dev/null
	q -d postgres -c "CREATE DATABASE $db TEMPLATE template0"
	rc=$?
	qx_check "a database in the server's default collation" $rc
	[ "$rc" -eq 0 ] || { qx_summary; exit 1; }
	where="1.0 upgraded"
fi
q -d $db <<SQL
CREATE EXTENSION quota_ext VERSION '1.0';
ALTER EXTENSION quota_ext UPDATE;
ALTER DATABASE $db SET lc_messages TO 'C';
ALTER DATABASE $db SET lc_monetary TO 'C';
ALTER DATABASE $db SET lc_numeric TO 'C';
ALTER DATABASE $db SET lc_time TO 'C';
ALTER DATABASE $db SET bytea_output TO 'hex';
ALTER DATABASE $db SET timezone_abbreviations TO 'Default';
SQL
version=$(psql -X -At -d $db -c "SELECT extversion FROM pg_extension WHERE extname = 'quota_ext'")
default=$(psql -X -At -d $db -c "SELECT default_version FROM pg_available_extensions WHERE name = 'quota_ext'")
[ -n "$version" ] && [ "$version" = "$default" ]
qx_check "1.0 updated to the default version ($version, default $default)" $?

suites=$(cd "$root/sql" && ls *.sql | grep -v '^quota_ext--' | sed -n 's/\.sql$//p' | grep -vx schema | sort | tr '\n' ' ')
make -C "$root" -s installcheck REGRESS="$suites" CONTRIB_TESTDB=$db \
	EXTRA_REGRESS_OPTS="--use-existing --outputdir=$out" >"$out/regress.log" 2>&1
read -r r_ok r_bad < <(qx_regress_counts "$out/regress.log")
qx_regress_lines "$out/regress.log" | sed 's/^/     /'
[ "$r_bad" -gt 0 ] && [ -f "$out/regression.diffs" ] && head -80 "$out/regression.diffs"
nsuites=$(echo $suites | wc -w)
[ "$r_ok" -eq "$nsuites" ] && [ "$r_bad" -eq 0 ]
qx_check "pg_regress against $where: $r_ok of $nsuites suites pass" $? "$(tail -5 "$out/regress.log")"
qx_summary
