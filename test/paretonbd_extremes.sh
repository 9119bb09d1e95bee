#!/usr/bin/env bash
# Pareto/NBD at extreme valid parameters, the wide grid: r, alpha, s, beta
# over 1e-100..1e100 (every fiftieth power of ten), five customers from none
# to 1000 repeat purchases, horizons 39 and 1e6 -- 6,250 cases: P(alive) in
# [0, 1] and the expectation finite and >= 0 in every case, no error.  (The
# narrow grid, 1e-6..1e6, is in sql/clv.sql, section 8.)  At about 1 ms a
# case (the series at s = 1e100) it is too long for every pg_regress run, so
# it runs once, under UBSan, where extreme values matter most.
# qx-tier: ubsan (once, in the UBSan run of scripts/memcheck.sh)
# Runs against the server in PGHOST/PGPORT/PGUSER; ends "N passed, N failed".
set -uo pipefail
source "$(dirname "$0")/lib/suite.sh"
db=qx_paretonbd_extremes_$$
psql -X -q -d postgres -c "CREATE DATABASE $db TEMPLATE template0" >/dev/null || qx_missing "a server to create database $db on"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1' EXIT
psql -X -q -d $db -c "CREATE EXTENSION quota_ext" >/dev/null || qx_missing "extension quota_ext"
# one row per kind of result: 'ok', or 'bad P(alive) E' for a case outside
# the bounds (NaN fails "<= 1" and "< 'Infinity'"; NULL gives a NULL row);
# an error in any case fails the statement
got=$(psql -X -At -F ' ' -v ON_ERROR_STOP=1 -d $db 2>&1 <<'SQL'
SELECT coalesce(res, 'NULL'), count(*) FROM (
SELECT CASE WHEN a >= 0 AND a <= 1 AND e >= 0 AND e < 'Infinity' THEN 'ok' ELSE 'bad ' || a || ' ' || e END AS res
FROM (SELECT paretonbd_p_alive(m, x, tx, tt) AS a, paretonbd_expected(m, h, x, tx, tt) AS e
FROM (SELECT ROW(r, al, s, b, NULL, NULL, NULL)::paretonbd_model AS m, x, tx, tt, h
FROM (SELECT 10.0::float8 ^ k FROM generate_series(-100, 100, 50) k) r(r),
     (SELECT 10.0::float8 ^ k FROM generate_series(-100, 100, 50) k) al(al),
     (SELECT 10.0::float8 ^ k FROM generate_series(-100, 100, 50) k) s(s),
     (SELECT 10.0::float8 ^ k FROM generate_series(-100, 100, 50) k) b(b),
     (VALUES (0, 0, 38.86), (2, 30.43, 38.86), (7, 5, 38.86), (1000, 1e-3, 1e6), (1, 0, 1e-6)) c(x, tx, tt),
     (VALUES (39.0), (1e6)) h(h)) g OFFSET 0) v OFFSET 0) z GROUP BY 1 ORDER BY 2 DESC LIMIT 10;
SQL
)
rc=$?
[ "$rc" -eq 0 ] && [ "$got" = "ok 6250" ]
qx_check "paretonbd_p_alive in [0, 1] and paretonbd_expected finite and >= 0 in all 6,250 cases of 1e-100..1e100" $? "[$got]"
qx_summary
