#!/usr/bin/env bash
# bench/models18.sh: SPEC §18 speed (issue 27), as ratios against
# bgnbd_expected over the same rows, measured in the same run.
#
#   bash bench/models18.sh [customers [fit_summaries]]   # default 500000 100000
#
# Against a server given by PGHOST/PGPORT/PGUSER.  Customers: CDNOW-like
# summaries (x = 0 for 60 %, t_x uniform in [0, T], T in [1, 78] weeks),
# all distinct.  Each case sums the function over every customer (one
# aggregate, so only the calls are timed): bgnbd_expected(model, 13, ...)
# is the baseline; then bgnbd_prob_purchases and paretonbd_prob_purchases
# with n = 1 (with a history, and for a new customer), mbgnbd_p_alive and
# mbgnbd_expected.  The target (issue 27): each pmf within 3x the
# baseline.  Then mbgnbd_fit (and bgnbd_fit beside it) over fit_summaries
# distinct summaries -- the CDNOW sample (QX_CDNOW, else
# ../shared/data/CDNOW_sample.txt) stretched to that many -- in seconds
# (target: under 1 s).  Serial plans; median
# of RUNS (default 3) runs of EXPLAIN ANALYZE's execution time.  Prints the
# table; no pass/fail on time.
set -euo pipefail
N=${1:-500000}
F=${2:-100000}
RUNS=${RUNS:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
data=${QX_CDNOW:-$root/../shared/data/CDNOW_sample.txt}
[ -r "$data" ] || data=/work/shared/data/CDNOW_sample.txt
[ -r "$data" ] || { echo "FAIL: the CDNOW sample is missing (set QX_CDNOW)"; exit 1; }
db=qx_bench_models18_$$
tmp=$(mktemp -d /tmp/qx_bench_models18.XXXXXX)
chmod 755 "$tmp"
sed 's/\r$//' "$data" >"$tmp/cdnow.txt"
chmod 644 "$tmp/cdnow.txt"
psql -X -q -d postgres -c "CREATE DATABASE $db" >/dev/null
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" "$@"; }

q <<SQL
CREATE EXTENSION quota_ext;
SELECT setseed(0.27);
CREATE TABLE cust AS
SELECT i AS id, x, CASE WHEN x = 0 THEN 0 ELSE tt * random() END AS tx, tt
FROM (SELECT i, CASE WHEN random() < 0.6 THEN 0 ELSE 1 + (random() ^ 2 * 30)::int END AS x,
             1 + random() * 77 AS tt FROM generate_series(1, $N) i) g;
-- the fit's data: the CDNOW sample's 2357 calibration summaries (weeks),
-- repeated with t_x and T stretched by up to 0.1 % so that all are distinct
CREATE TABLE raw(line text);
\copy raw FROM '$tmp/cdnow.txt'
CREATE TABLE cal AS
SELECT customer, count(DISTINCT day)::int - 1 AS x, (max(day) - min(day)) / 7.0::float8 AS tx,
       (date '1997-09-30' - min(day)) / 7.0::float8 AS tt
FROM (SELECT f[2]::int AS customer, to_date(f[3], 'YYYYMMDD') AS day
      FROM (SELECT regexp_split_to_array(btrim(line), '\s+') AS f FROM raw WHERE btrim(line) <> '') s) p
WHERE day <= date '1997-09-30' GROUP BY customer;
CREATE TABLE fitdata AS
SELECT x, tx * k AS tx, tt * k AS tt
FROM (SELECT c.*, 1 + g * 1e-3 / ($F / 2357 + 1) + c.customer * 1e-9 AS k
      FROM cal c, generate_series(0, $F / 2357) g) s LIMIT $F;
VACUUM ANALYZE cust;
VACUUM ANALYZE fitdata;
SQL

BG="ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL)::bgnbd_model"
PN="ROW(0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL)::paretonbd_model"
MB="ROW(0.525, 6.183, 0.891, 1.614, NULL, NULL, NULL)::mbgnbd_model"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() {	# timeit SQL -> median execution seconds
	local i
	for i in $(seq "$RUNS"); do
		q -c "SET max_parallel_workers_per_gather = 0; EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON, COSTS OFF) $1" |
			awk '/Execution Time/ {print $3 / 1000}'
	done | median
}

base=$(timeit "SELECT sum(bgnbd_expected($BG, 13, x, tx, tt)) FROM cust")
printf '%-62s %9s %7s\n' "case ($N customers)" seconds ratio
printf '%-62s %9.3f %7s\n' "bgnbd_expected(model, 13, x, tx, T) [baseline]" "$base" 1.00
row() {
	local s
	s=$(timeit "SELECT sum($2) FROM cust")
	printf '%-62s %9.3f %7.2f\n' "$1" "$s" "$(awk -v a="$s" -v b="$base" 'BEGIN {print a / b}')"
}
row "bgnbd_prob_purchases(model, 1, 13, x, tx, T)" "bgnbd_prob_purchases($BG, 1, 13, x, tx, tt)"
row "bgnbd_prob_purchases(model, 1, tx + 1) [new customer]" "bgnbd_prob_purchases($BG, 1, tx + 1)"
row "paretonbd_prob_purchases(model, 1, 13, x, tx, T)" "paretonbd_prob_purchases($PN, 1, 13, x, tx, tt)"
row "paretonbd_prob_purchases(model, 1, tx + 1) [new customer]" "paretonbd_prob_purchases($PN, 1, tx + 1)"
row "paretonbd_expected(model, 13, x, tx, T) [for comparison]" "paretonbd_expected($PN, 13, x, tx, tt)"
row "mbgnbd_p_alive(model, x, tx, T)" "mbgnbd_p_alive($MB, x, tx, tt)"
row "mbgnbd_expected(model, 13, x, tx, T)" "mbgnbd_expected($MB, 13, x, tx, tt)"

printf '%-62s %9s\n' "fit ($F summaries, $(q -c "SELECT count(DISTINCT (x, tx, tt)) FROM fitdata") distinct)" seconds
printf '%-62s %9.3f\n' "mbgnbd_fit(x, tx, T)" "$(timeit "SELECT mbgnbd_fit(x, tx, tt) FROM fitdata")"
printf '%-62s %9.3f\n' "bgnbd_fit(x, tx, T) [for comparison]" "$(timeit "SELECT bgnbd_fit(x, tx, tt) FROM fitdata")"
q -c "SELECT 'mbgnbd_fit: ' || mbgnbd_fit(x, tx, tt)::text FROM fitdata"
