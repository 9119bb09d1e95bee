#!/usr/bin/env bash
# bench/margin.sh: SPEC §17 speed, as ratios against the plain SQL that
# computes the same fields, measured in the same run.
#
#   bash bench/margin.sh [deals [reps]]   # default 2000000 200
#
# Against a server given by PGHOST/PGPORT/PGUSER (scripts/lib.sh's
# qx_start_server, or any with quota_ext built).  Deals: list prices with 2
# decimals, a discount of 0-45 % (a few above list), costs on 90 % of the
# deals, grouped by rep.  The plain SQL is what an analyst writes for the
# same ten fields: count, sum(list), sum(net), sum(list - net), the ratio,
# two percentile_cont over ((list - net) / list)::float8 (one shared sort),
# sum(net - cost), the pocket margin and the count over a floor.  Serial
# plans (max_parallel_workers_per_gather = 0), so elapsed time is one
# core's CPU; median of RUNS (default 3) runs of EXPLAIN ANALYZE's
# execution time.  Before timing, the two answers are compared field by
# field (they must be equal).  Prints a table of seconds and ratios; the
# ratio must be at most 1 ("no slower").
set -euo pipefail
N=${1:-2000000}
REPS=${2:-200}
RUNS=${RUNS:-3}
db=qx_bench_margin_$$
psql -X -q -d postgres -c "CREATE DATABASE $db" >/dev/null
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1' EXIT
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" "$@"; }

q <<SQL
CREATE EXTENSION quota_ext;
SELECT setseed(0.26);
CREATE TABLE deals AS
SELECT i AS id, (random() * ($REPS - 1))::int AS rep, list,
       CASE WHEN random() < 0.01 THEN round(list * 1.02, 2)
            ELSE round(list * (1 - 0.45 * random() ^ 2)::numeric, 2) END AS net,
       CASE WHEN random() < 0.9 THEN round(list * (0.4 + 0.3 * random())::numeric, 2) END AS cost
FROM (SELECT i, round((50 + 20000 * random() ^ 2)::numeric, 2) AS list
      FROM generate_series(1, $N) i) g;
VACUUM ANALYZE deals;
SQL

EXT="SELECT rep, price_realization(list, net, cost, 0.3) AS r FROM deals GROUP BY rep"
PLAIN="SELECT rep, count(*) AS deals, sum(list) AS list_total, sum(net) AS net_total,
       sum(list - net) AS discount_total, (sum(net) / sum(list))::float8 AS realization,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ((list - net) / list)::float8) AS discount_p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY ((list - net) / list)::float8) AS discount_p90,
       sum(net - cost) AS margin_total,
       (sum(net - cost) / nullif(sum(net) FILTER (WHERE cost IS NOT NULL), 0))::float8 AS pocket_margin,
       count(*) FILTER (WHERE list - net > 0.3::float8::numeric * list) AS deals_over_floor
FROM deals GROUP BY rep"

mismatch=$(q -c "SET max_parallel_workers_per_gather = 0;
  SELECT count(*) FILTER (WHERE e.r IS DISTINCT FROM ROW(p.deals, p.list_total, p.net_total, p.discount_total,
                              p.realization, p.discount_p50, p.discount_p90, p.margin_total,
                              p.pocket_margin, p.deals_over_floor)::price_realization)
  FROM ($EXT) e FULL JOIN ($PLAIN) p USING (rep)")
echo "deals: $N, reps: $REPS; groups whose price_realization differs from the plain SQL: $mismatch"
[ "$mismatch" = 0 ] || { echo "FAIL: the two formulations disagree"; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() {	# timeit SQL -> median execution seconds
	local i
	for i in $(seq "$RUNS"); do
		q -c "SET max_parallel_workers_per_gather = 0; SET work_mem = '256MB'; EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON, COSTS OFF) $1" |
			awk '/Execution Time/ {print $3 / 1000}'
	done | median
}

plain=$(timeit "$PLAIN")
ext=$(timeit "$EXT")
ratio=$(awk -v a="$ext" -v b="$plain" 'BEGIN {printf "%.2f", a / b}')
printf '%-58s %9s %7s\n' case seconds ratio
printf '%-58s %9.3f %7s\n' "plain SQL (sum, percentile_cont) by rep" "$plain" 1.00
printf '%-58s %9.3f %7s\n' "price_realization(list, net, cost, 0.3) by rep" "$ext" "$ratio"
if awk -v r="$ratio" 'BEGIN {exit !(r <= 1.0)}'; then
	echo "ok: price_realization is no slower than the plain SQL (ratio $ratio)"
else
	echo "FAIL: price_realization is slower than the plain SQL (ratio $ratio)"
	exit 1
fi
