#!/usr/bin/env bash
# bench/quarter.sh: SPEC §16 speed, as ratios against baselines in the same run.
#
#   bash bench/quarter.sh [orders [alloc_rows]]   # default 2000000 100000
#
# Against a server given by PGHOST/PGPORT/PGUSER with quota_ext built.
# 1. booking_rhythm over ORDERS orders of 200 reps across a quarter (and a
#    few days either side, which it skips), grouped by rep, against the floor:
#    count/sum/min/max over the same rows and groups.  Target: within 2x.
# 2. quota_allocate over ALLOC_ROWS rows in 1,000 partitions against its
#    plain-SQL formulation (largest remainder with window sums, div/mod and
#    row_number) in the same run.  Target: no slower (ratio <= 1).
# Serial plans (max_parallel_workers_per_gather = 0), so elapsed time is one
# core's CPU.  Each case: median of RUNS (default 3) runs of EXPLAIN
# ANALYZE's execution time.  Prints seconds and ratios; no pass/fail on time.
set -euo pipefail
ORDERS=${1:-2000000}
ALLOC=${2:-100000}
RUNS=${RUNS:-3}
db=qx_bench_quarter_$$
psql -X -q -d postgres -c "CREATE DATABASE $db" >/dev/null
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1' EXIT
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" "$@"; }

q <<SQL
CREATE EXTENSION quota_ext;
SELECT setseed(0.16);
CREATE TABLE orders AS
SELECT 1 + (random() * 199)::int AS rep,
       DATE '2025-12-25' + (random() * 100)::int AS ts,
       round((random() * 5000)::numeric, 2) AS amount
FROM generate_series(1, $ORDERS);
CREATE TABLE alloc AS
SELECT 1 + (i % 1000) AS region, i AS pos, 1000000.00 + (i % 1000) AS total,
       round((random() * 100000)::numeric, 2) AS weight
FROM generate_series(1, $ALLOC) i;
VACUUM ANALYZE orders;
VACUUM ANALYZE alloc;
SQL

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() {	# timeit SQL -> median execution seconds
	local i
	for i in $(seq "$RUNS"); do
		q -c "SET max_parallel_workers_per_gather = 0; SET work_mem = '256MB'; EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON, COSTS OFF) $1" |
			awk '/Execution Time/ {print $3 / 1000}'
	done | median
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

floor=$(timeit "SELECT rep, count(*), sum(amount), min(ts), max(ts) FROM orders GROUP BY rep")
rhythm=$(timeit "SELECT rep, booking_rhythm(ts, amount, DATE '2026-01-01', DATE '2026-03-31', '{2026-01-01,2026-01-19,2026-02-16}') FROM orders GROUP BY rep")
rhythm4=$(timeit "SELECT rep, booking_rhythm(ts, amount, DATE '2026-01-01', DATE '2026-03-31') FROM orders GROUP BY rep")

plain="WITH b AS (SELECT region, pos, total, weight, greatest(scale(total), 2) AS s, sum(weight) OVER (PARTITION BY region) AS wsum FROM alloc),
u AS (SELECT *, abs(total) * power(10::numeric, s) AS t FROM b),
f AS (SELECT *, div(t * weight, wsum) AS fl, mod(t * weight, wsum) AS rem FROM u),
r AS (SELECT *, t - sum(fl) OVER (PARTITION BY region) AS leftover,
             row_number() OVER (PARTITION BY region ORDER BY rem DESC, weight DESC, pos) AS rk FROM f)
SELECT region, pos, round(sign(total) * (fl + (rk <= leftover)::int) * power(10::numeric, -s), s) FROM r"
mine="SELECT region, pos, quota_allocate(total, weight) OVER (PARTITION BY region ORDER BY pos) FROM alloc"
same=$(q -c "SELECT count(*) FROM (($plain) EXCEPT ($mine)) x")
allocsql=$(timeit "$plain")
alloc=$(timeit "$mine")

printf '%-64s %9s %7s\n' case seconds ratio
printf '%-64s %9.3f %7s\n' "floor: count/sum/min/max, $ORDERS orders by 200 reps" "$floor" 1.00
printf '%-64s %9.3f %7s\n' "booking_rhythm with holidays (target <= 2)" "$rhythm" "$(ratio "$rhythm" "$floor")"
printf '%-64s %9.3f %7s\n' "booking_rhythm without holidays" "$rhythm4" "$(ratio "$rhythm4" "$floor")"
printf '%-64s %9.3f %7s\n' "plain-SQL largest remainder, $ALLOC rows in 1000 partitions" "$allocsql" 1.00
printf '%-64s %9.3f %7s\n' "quota_allocate (target <= 1)" "$alloc" "$(ratio "$alloc" "$allocsql")"
echo "rows where quota_allocate differs from the plain-SQL formulation: $same"
