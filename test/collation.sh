#!/usr/bin/env bash
# qx-tier: once
# make installcheck in a database whose default collation is ICU ru-RU
# (issue 21): no suite may depend on the database's collation for its row
# order.  The database is made here with the settings pg_regress gives its
# own, and every suite but schema (which re-creates the extension) runs in it
# with --use-existing.  Ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/test/lib/suite.sh"
db=qx_collation_icu
out=$(mktemp -d /tmp/qx_collation.XXXXXX)
chmod 777 "$out"
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
q -d postgres -c "DROP DATABASE IF EXISTS $db" 2>/dev/null
# PostgreSQL 18.6 is built --without-icu (scripts/build_pg.sh): the ICU run
# is Debian's 15's; here the one check is that the server really lacks ICU.
if pg_config --configure 2>/dev/null | grep -q -- '--without-icu'; then
	! q -d postgres -c "CREATE DATABASE $db TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'ru-RU' LOCALE 'C.UTF-8'" 2>/dev/null
	qx_check "this server is built without ICU and refuses an ICU database (the ICU run is on Debian's 15)" $?
	q -d postgres -c "DROP DATABASE IF EXISTS $db" 2>/dev/null
	rm -rf "$out"
	qx_summary; exit
fi
if q -d postgres -c "CREATE DATABASE $db TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'ru-RU' LOCALE 'C.UTF-8' ENCODING 'UTF8'"; then
	qx_check "a database with the ICU collation ru-RU" 0
else
	qx_check "a database with the ICU collation ru-RU (the server needs ICU)" 1
	qx_summary; exit
fi
q -d $db <<SQL
CREATE EXTENSION quota_ext;
ALTER DATABASE $db SET lc_messages TO 'C';
ALTER DATABASE $db SET lc_monetary TO 'C';
ALTER DATABASE $db SET lc_numeric TO 'C';
ALTER DATABASE $db SET lc_time TO 'C';
ALTER DATABASE $db SET bytea_output TO 'hex';
ALTER DATABASE $db SET timezone_abbreviations TO 'Default';
SQL
# (daticulocale in 15 and 16 is datlocale from 17 on: read the row as json)
coll=$(psql -X -At -d $db -c "SELECT datlocprovider::text || ':' || coalesce(j->>'daticulocale', j->>'datlocale', '')
    FROM pg_database d, to_jsonb(d) j WHERE datname = current_database()")
[ "$coll" = "i:ru-RU" ]
qx_check "its default collation is ICU ru-RU ($coll)" $?
# words that sort differently in ru-RU and in C: the suites must not care
got=$(psql -X -At -d $db -c "SELECT string_agg(w, ' ' ORDER BY w) FROM (VALUES ('b'), ('B'), ('a')) v(w)")
[ "$got" = "a b B" ]
qx_check "text sorts by the ICU rules there (a b B, not C's B a b)" $? "$got"
suites=$(cd "$root/sql" && ls *.sql | grep -v '^quota_ext--' | sed -n 's/\.sql$//p' | grep -vx schema | sort | tr '\n' ' ')
make -C "$root" -s installcheck REGRESS="$suites" CONTRIB_TESTDB=$db \
	EXTRA_REGRESS_OPTS="--use-existing --outputdir=$out" >"$out/regress.log" 2>&1
read -r r_ok r_bad < <(qx_regress_counts "$out/regress.log")
[ "$r_bad" -gt 0 ] && [ -f "$out/regression.diffs" ] && head -60 "$out/regression.diffs"
nsuites=$(echo $suites | wc -w)
[ "$r_ok" -eq "$nsuites" ] && [ "$r_bad" -eq 0 ]
qx_check "pg_regress under ICU ru-RU: $r_ok of $nsuites suites pass" $? "$(tail -3 "$out/regress.log")"
q -d postgres -c "DROP DATABASE IF EXISTS $db"
rm -rf "$out"
qx_summary
