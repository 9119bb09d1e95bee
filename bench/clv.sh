#!/usr/bin/env bash
# bench/clv.sh: SPEC §11 speed, as ratios against baselines in the same run.
#
#   bash bench/clv.sh [fit_customers [value_customers]]   # default 100000 500000
#
# Against a server given by PGHOST/PGPORT/PGUSER (scripts/lib.sh's
# qx_start_server, or any with quota_ext built).  Simulates the Pareto/NBD
# process with the published CDNOW estimates (weeks, days as the time grain,
# first purchase in a 13-week window, observed to week 39) and two-decimal
# monetary amounts, so summaries are as varied as real ones.  Serial plans
# (max_parallel_workers_per_gather = 0), so elapsed time is one core's CPU.
# Each case: median of RUNS (default 3) runs of EXPLAIN ANALYZE's execution
# time.  Prints a table of seconds and ratios.
set -euo pipefail
FIT_N=${1:-100000}
VALUE_N=${2:-500000}
RUNS=${RUNS:-3}
db=qx_bench_clv_$$
psql -X -q -d postgres -c "CREATE DATABASE $db" >/dev/null
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1' EXIT
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" "$@"; }

q <<SQL
CREATE EXTENSION quota_ext;
-- Gamma variates (Marsaglia & Tsang 2000; shape < 1 through shape + 1)
CREATE FUNCTION rgamma(shape float8, rate float8) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE a float8 := CASE WHEN shape < 1 THEN shape + 1 ELSE shape END;
        d float8 := a - 1.0 / 3; c float8 := 1 / sqrt(9 * d); x float8; v float8; u float8;
BEGIN
  LOOP
    x := sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random());
    v := (1 + c * x) ^ 3;
    CONTINUE WHEN v <= 0;
    u := 1 - random();
    EXIT WHEN ln(u) < x * x / 2 + d - d * v + d * ln(v);
  END LOOP;
  RETURN d * v / rate * CASE WHEN shape < 1 THEN (1 - random()) ^ (1 / shape) ELSE 1 END;
END \$\$;
-- Poisson variates by inversion (means here are small)
CREATE FUNCTION rpois(m float8) RETURNS int LANGUAGE plpgsql AS \$\$
DECLARE k int := 0; p float8 := exp(-least(m, 700)); s float8; u float8 := random();
BEGIN
  IF m > 500 THEN RETURN round(m + sqrt(m) * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))::int; END IF;
  s := p;
  WHILE u > s AND k < 100000 LOOP k := k + 1; p := p * m / k; s := s + p; END LOOP;
  RETURN k;
END \$\$;
SELECT setseed(0.14);
-- the Pareto/NBD process with the CDNOW estimates: first purchase in a
-- 13-week window, observed to week 39, purchases at rate lambda until an
-- exponential lifetime; days as the time grain
CREATE TABLE summ AS
SELECT c AS customer, x,
       CASE WHEN x = 0 THEN 0 ELSE least(floor(alive * 7 * (1 - random()) ^ (1.0 / x)) / 7.0, alive) END::float8 AS recency,
       tdays / 7.0::float8 AS t,
       CASE WHEN x = 0 THEN 0 ELSE round((5 + 60 * random() ^ 2)::numeric, 2) END AS monetary
FROM (SELECT c, tdays, alive, rpois(lambda * alive) AS x
      FROM (SELECT c, tdays, lambda, least(tdays / 7.0, -ln(1 - random()) / mu) AS alive
            FROM (SELECT c, 182 + floor(random() * 91)::int AS tdays,
                         rgamma(0.55, 10.58) AS lambda, rgamma(0.61, 11.67) AS mu
                  FROM generate_series(1, $VALUE_N) c) g1) g2) g3;
CREATE TABLE summ_fit AS SELECT * FROM summ WHERE customer <= $FIT_N;
ANALYZE summ; ANALYZE summ_fit;
SQL

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() {	# timeit SQL -> median execution seconds
	local i
	for i in $(seq "$RUNS"); do
		q -c "SET max_parallel_workers_per_gather = 0; EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON, COSTS OFF) $1" |
			awk '/Execution Time/ {print $3 / 1000}'
	done | median
}

echo "distinct summaries among $FIT_N customers: $(q -c "SELECT count(*) FROM (SELECT DISTINCT x, recency, t FROM summ_fit) d"), (frequency, monetary) with frequency > 0: $(q -c "SELECT count(*) FROM (SELECT DISTINCT x, monetary FROM summ_fit WHERE x > 0) d")"
q -c "CREATE TABLE models AS SELECT (SELECT bgnbd_fit(x, recency, t) FROM summ_fit) bg, (SELECT gammagamma_fit(x, monetary) FROM summ_fit) gg, (SELECT paretonbd_fit(x, recency, t) FROM summ_fit) pn"
echo "pareto/nbd fit (simulated from r 0.55, alpha 10.58, s 0.61, beta 11.67): $(q -c "SELECT round((pn).r::numeric, 3) || ', ' || round((pn).alpha::numeric, 2) || ', ' || round((pn).s::numeric, 3) || ', ' || round((pn).beta::numeric, 2) FROM models")"
echo "converged: bg/nbd $(q -c "SELECT (bg).converged FROM models"), gamma-gamma $(q -c "SELECT (gg).converged FROM models"), pareto/nbd $(q -c "SELECT (pn).converged FROM models")"

base=$(timeit "SELECT count(*), sum(x), sum(recency), sum(t), sum(monetary) FROM summ_fit")
bg=$(timeit "SELECT bgnbd_fit(x, recency, t) FROM summ_fit")
gg=$(timeit "SELECT gammagamma_fit(x, monetary) FROM summ_fit")
pn=$(timeit "SELECT paretonbd_fit(x, recency, t) FROM summ_fit")
printf '| case (%s customers) | seconds | ratio to bgnbd_fit | ratio to a scan with sums |\n|---|---|---|---|\n' "$FIT_N"
for c in "bgnbd_fit:$bg" "gammagamma_fit:$gg" "paretonbd_fit:$pn"; do
	n=${c%%:*}; s=${c#*:}
	printf '| %s | %.3f | %.2f | %.1f |\n' "$n" "$s" "$(echo "$s / $bg" | bc -l)" "$(echo "$s / $base" | bc -l)"
done

ex=$(timeit "SELECT sum(bgnbd_expected(bg, 13, x, recency, t)) FROM summ, models")
cv=$(timeit "SELECT sum(customer_value(bg, gg, x, recency, t, monetary, 12, 30 / 7.0, 0.01)) FROM summ, models")
cv3=$(timeit "SELECT sum(customer_value(bg, gg, x, recency, t, monetary, 3, 30 / 7.0, 0)) FROM summ, models")
pe=$(timeit "SELECT sum(paretonbd_expected(pn, 13, x, recency, t)) FROM summ, models")
printf '\n| case (%s customers) | seconds | ratio to bgnbd_expected |\n|---|---|---|\n' "$VALUE_N"
for c in "bgnbd_expected(13 weeks):$ex" "customer_value(12 months):$cv" "customer_value(3 months):$cv3" "paretonbd_expected(13 weeks):$pe"; do
	n=${c%%:*}; s=${c#*:}
	printf '| %s | %.3f | %.2f |\n' "$n" "$s" "$(echo "$s / $ex" | bc -l)"
done
