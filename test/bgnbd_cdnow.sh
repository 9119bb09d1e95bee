#!/usr/bin/env bash
# qx-tier: once (arithmetic against an independent reference: the same C code on
# every server; pg_regress runs every function on 18.6)
# bgnbd_cdnow.sh: the BG/NBD fit on the paper's own data.
#
# Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way",
# Marketing Science 24(2), fit the model to the CDNOW sample (2,357
# customers, calibration period 1997-01-01 to 1997-09-30, time in weeks) and
# report r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4.
# This suite rebuilds the customer summaries from the raw purchases in plain
# SQL (x = distinct purchase days - 1, t_x and T in weeks up to 1997-09-30),
# fits bgnbd_fit and checks the estimates to 3 significant digits.  Where
# btyd_summary exists, its summaries must equal the plain-SQL ones.
#
# Runs against a server given by PGHOST/PGPORT/PGUSER (scripts/test.sh),
# in a scratch database it drops afterwards; the data file is
# ../shared/data/CDNOW_sample.txt beside the checkout (QX_CDNOW overrides).
# Ends with "N passed, N failed"; exits non-zero when anything failed.
set -uo pipefail

source "$(dirname "$0")/lib/cdnow.sh"
qx_cdnow_setup bgnbd_cdnow

q <<SQL || { echo "could not load the data"; echo "$passed passed, $((failed + 1)) failed"; exit 1; }
CREATE EXTENSION quota_ext;
CREATE TABLE raw(line text);
\copy raw FROM '$tmp/cdnow.txt'
-- columns: id in the full file, id in the sample, yyyymmdd, CDs, dollars
CREATE TABLE purchases AS
SELECT f[2]::int AS customer, to_date(f[3], 'YYYYMMDD') AS day, f[4]::int AS cds, f[5]::numeric AS dollars
FROM (SELECT regexp_split_to_array(btrim(line), '\s+') AS f FROM raw WHERE btrim(line) <> '') s;
-- calibration summaries, weeks; same-day purchases are one purchase
CREATE TABLE cal AS
SELECT customer,
       count(DISTINCT day)::int - 1 AS x,
       (max(day) - min(day)) / 7.0::float8 AS tx,
       (date '1997-09-30' - min(day)) / 7.0::float8 AS tt
FROM purchases WHERE day <= date '1997-09-30' GROUP BY customer;
SQL

check "purchases" "$(q -c 'SELECT count(*) FROM purchases')" 6919
check "customers" "$(q -c 'SELECT count(DISTINCT customer) FROM purchases')" 2357
check "calibration customers" "$(q -c 'SELECT count(*) FROM cal')" 2357
# the first customer of the file: purchases on 1997-01-01, 01-18, 08-02
check "customer 1 summary" "$(q -c "SELECT concat_ws(' ', x, round(tx::numeric, 2), round(tt::numeric, 2)) FROM cal WHERE customer = 1")" "2 30.43 38.86"

fit=$(q -F ' ' -c "SELECT (m).r, (m).alpha, (m).a, (m).b, (m).log_likelihood, (m).customers, (m).converged FROM (SELECT bgnbd_fit(x, tx, tt) AS m FROM cal) s")
echo "fit: $fit"
q -c "EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON, COSTS OFF) SELECT bgnbd_fit(x, tx, tt) FROM cal" | grep -i 'execution time' | sed 's/^ */fit /'
read -r r alpha a b ll n conv <<<"$fit"
sig3() { q -c "SELECT round($1::numeric, 2 - floor(log(abs($1::numeric)))::int)"; }
check "r (3 significant digits)" "$(sig3 "$r")" "0.243"
check "alpha (3 significant digits)" "$(sig3 "$alpha")" "4.41"
check "a (3 significant digits)" "$(sig3 "$a")" "0.793"
check "b (3 significant digits)" "$(sig3 "$b")" "2.43"
check "log-likelihood (to 0.1)" "$(q -c "SELECT round($ll::numeric, 1)")" "-9582.4"
check "customers" "$n" 2357
check "converged" "$conv" t

# Parallel: the same fit from a forced parallel plan over the summaries
# repeated 50 times (same parameters, 50 x the log-likelihood).
par=$(q <<'SQL'
CREATE TABLE cal50 AS SELECT c.* FROM cal c, generate_series(1, 50);
ANALYZE cal50;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT bgnbd_fit(x, tx, tt) FROM cal50;
SQL
)
par=$(grep -c 'Partial Aggregate' <<<"$par")
check "parallel plan" "$par" 1
check "parallel fit x50" "$(q <<'SQL'
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2;
SELECT abs((p).r / (s).r - 1) < 1e-6 AND abs((p).alpha / (s).alpha - 1) < 1e-6
   AND abs((p).a / (s).a - 1) < 1e-6 AND abs((p).b / (s).b - 1) < 1e-6
   AND abs((p).log_likelihood / (s).log_likelihood - 50) < 1e-9 AND (p).customers = 117850
FROM (SELECT bgnbd_fit(x, tx, tt) p FROM cal50) a, (SELECT bgnbd_fit(x, tx, tt) s FROM cal) b;
SQL
)" t

# btyd_summary (SPEC §4), once it exists: the same summaries in weeks.
if [ "$(q -c "SELECT count(*) FROM pg_proc WHERE proname = 'btyd_summary'")" != 0 ]; then
	check "btyd_summary = plain SQL" "$(q <<'SQL'
SELECT count(*) FILTER (WHERE c.customer IS NULL OR b.customer IS NULL OR (b.s).frequency <> c.x
                        OR abs((b.s).recency - c.tx) > 1e-12 OR abs((b.s).t - c.tt) > 1e-12)
FROM (SELECT customer, btyd_summary(day, dollars, date '1997-09-30', interval '7 days') AS s
      FROM purchases GROUP BY customer) b
FULL JOIN cal c USING (customer);
SQL
)" 0
	check "fit from btyd_summary" "$(q <<'SQL'
SELECT abs((m).log_likelihood - (SELECT (bgnbd_fit(x, tx, tt)).log_likelihood FROM cal)) < 1e-6
FROM (SELECT bgnbd_fit((s).frequency, (s).recency, (s).t) AS m
      FROM (SELECT btyd_summary(day, dollars, date '1997-09-30', interval '7 days') AS s
            FROM purchases GROUP BY customer) b) f;
SQL
)" t
else
	echo "note: btyd_summary not installed; comparison with it skipped"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
