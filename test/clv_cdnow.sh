#!/usr/bin/env bash
# qx-tier: once (arithmetic against an independent reference: the same C code on
# every server; pg_regress runs every function on 18.6)
# clv_cdnow.sh: SPEC §11 on the CDNOW sample (README "Reference: customer value").
#
# Published references: Fader & Hardie (2013), "The Gamma-Gamma Model of
# Monetary Value", fit the CDNOW calibration period (1997-01-01 to
# 1997-09-30, weeks; the 946 customers with repeat purchases, m = mean of
# the repeat purchase days' amounts) and report p = 6.25, q = 3.74,
# gamma = 15.44, LL = -4055.92.  The log-likelihood at the fitted
# parameters is recomputed independently in 50-digit arithmetic
# (test/clv_reference.py, mpmath).  btyd_holdout is compared row for row
# with a plain-SQL formulation of its definition; customer_value with the
# sum of its definition written in SQL over bgnbd_expected and
# gammagamma_expected_spend; the README's model check is run and its totals
# compared with plain SQL.  Parallel = serial and _partial/_merge = whole.
#
# Server from PGHOST/PGPORT/PGUSER; data ../shared/data/CDNOW_sample.txt
# beside the checkout (QX_CDNOW overrides).  Ends with "N passed, N failed".
set -uo pipefail

source "$(dirname "$0")/lib/cdnow.sh"
qx_cdnow_setup clv_cdnow

par="SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2;"

q <<SQL || { echo "could not load the data"; echo "$passed passed, $((failed + 1)) failed"; exit 1; }
CREATE EXTENSION quota_ext;
CREATE TABLE raw(line text);
\copy raw FROM '$tmp/cdnow.txt'
CREATE TABLE purchases AS
SELECT f[2]::int AS customer, to_date(f[3], 'YYYYMMDD') AS day, f[4]::int AS cds, f[5]::numeric AS dollars
FROM (SELECT regexp_split_to_array(btrim(line), '\s+') AS f FROM raw WHERE btrim(line) <> '') s;
CREATE TABLE cal AS
SELECT customer, (btyd_summary(day, dollars, date '1997-09-30', interval '7 days')).*
FROM purchases GROUP BY customer;
-- btyd_summary rounds monetary to cents (derived money, README "Money"); the
-- published fit used the exact mean of the repeat days, computed here in
-- plain SQL for the comparison with it
ALTER TABLE cal ADD monetary_exact numeric;
UPDATE cal SET monetary_exact = e.m
FROM (SELECT customer, coalesce(sum(amount) FILTER (WHERE day > first) / nullif(count(*) - 1, 0), 0) AS m
      FROM (SELECT customer, day, sum(dollars) AS amount, min(day) OVER (PARTITION BY customer) AS first
            FROM purchases WHERE day <= date '1997-09-30' GROUP BY customer, day) d
      GROUP BY customer) e
WHERE e.customer = cal.customer;
SQL

# --- Gamma-Gamma against the published fit -------------------------------
gg=$(q -F ' ' -c "SELECT (m).p, (m).q, (m).gamma, (m).log_likelihood, (m).customers, (m).converged FROM (SELECT gammagamma_fit(frequency, monetary_exact) AS m FROM cal) s")
echo "gammagamma_fit: $gg"
read -r p qq g ll n conv <<<"$gg"
sig3() { q -c "SELECT round($1::numeric, 2 - floor(log(abs($1::numeric)))::int)"; }
check "gg p (3 significant digits)" "$(sig3 "$p")" "6.25"
check "gg q (3 significant digits)" "$(sig3 "$qq")" "3.74"
check "gg gamma (to 0.01)" "$(q -c "SELECT round($g::numeric, 2)")" "15.44"
check "gg log-likelihood (to 0.01)" "$(q -c "SELECT round($ll::numeric, 2)")" "-4055.92"
check "gg customers" "$n" 946
check "gg converged" "$conv" t
check "btyd_summary's monetary = the exact mean rounded to cents" \
	"$(q -c "SELECT count(*) FROM cal WHERE monetary IS DISTINCT FROM round(monetary_exact, 2)")" 0
check "gg over btyd_summary's cents-rounded monetary: p, q, gamma within 0.1 % of the exact-mean fit" "$(q -c "
SELECT abs((m).p / $p - 1) < 1e-3 AND abs((m).q / $qq - 1) < 1e-3 AND abs((m).gamma / $g - 1) < 1e-3
FROM (SELECT gammagamma_fit(frequency, monetary) AS m FROM cal) s")" t

# the log-likelihood at these parameters, in 50 digits (independent code)
q -F ' ' -c "SELECT frequency, monetary_exact FROM cal WHERE frequency > 0 AND monetary_exact > 0" >"$tmp/gg.txt"
ref=$(python3 "$root/test/clv_reference.py" gg-ll "$p" "$qq" "$g" <"$tmp/gg.txt")
check "gg log-likelihood = mpmath at the fit (1e-9 relative)" \
	"$(q -c "SELECT abs($ll / $ref - 1) < 1e-9")" t

# _partial/_merge = whole; parallel = serial (summaries x50: same fit, 50 x LL)
check "gg _partial/_merge = whole" "$(q -c "
SELECT (w).p = (m).p AND (w).q = (m).q AND (w).gamma = (m).gamma AND (w).log_likelihood = (m).log_likelihood
   AND (w).customers = (m).customers
FROM (SELECT gammagamma_fit(frequency, monetary) w FROM cal) a,
     (SELECT gammagamma_fit_merge(s::text::gammagamma_fit_state) m
      FROM (SELECT gammagamma_fit_partial(frequency, monetary) s FROM cal GROUP BY customer % 7) z) b")" t
q -c "CREATE TABLE cal50 AS SELECT c.* FROM cal c, generate_series(1, 50); ANALYZE cal50;"
check "gg parallel plan" "$(q -c "$par EXPLAIN (COSTS OFF) SELECT gammagamma_fit(frequency, monetary) FROM cal50" | grep -c 'Partial Aggregate')" 1
check "gg parallel x50 = serial" "$(q -c "$par
SELECT abs((p).p / (s).p - 1) < 1e-6 AND abs((p).q / (s).q - 1) < 1e-6 AND abs((p).gamma / (s).gamma - 1) < 1e-6
   AND abs((p).log_likelihood / (s).log_likelihood - 50) < 1e-9 AND (p).customers = 47300
FROM (SELECT gammagamma_fit(frequency, monetary) p FROM cal50) a, (SELECT gammagamma_fit(frequency, monetary) s FROM cal) b")" t

# --- Pareto/NBD against the published fit (within 1 %) --------------------
# Fader & Hardie's note and Fader, Hardie & Lee (2005) report, on the same
# calibration data: r = 0.55, alpha = 10.58, s = 0.61, beta = 11.67, LL = -9595.0
pn=$(q -F ' ' -c "SELECT (m).r, (m).alpha, (m).s, (m).beta, (m).log_likelihood, (m).customers, (m).converged FROM (SELECT paretonbd_fit(frequency, recency, t) AS m FROM cal) s")
echo "paretonbd_fit: $pn"
read -r pr pal ps pbe pll pn_n pconv <<<"$pn"
within1() { q -c "SELECT abs($1::float8 / $2 - 1) < 0.01"; }
check "pn r within 1 % of 0.55" "$(within1 "$pr" 0.55)" t
check "pn alpha within 1 % of 10.58" "$(within1 "$pal" 10.58)" t
check "pn s within 1 % of 0.61" "$(within1 "$ps" 0.61)" t
check "pn beta within 1 % of 11.67" "$(within1 "$pbe" 11.67)" t
check "pn log-likelihood (to 0.1)" "$(q -c "SELECT round($pll::numeric, 1)")" "-9595.0"
check "pn customers" "$pn_n" 2357
check "pn converged" "$pconv" t
q -F ' ' -c "SELECT frequency, recency, t, count(*) FROM cal GROUP BY 1, 2, 3" >"$tmp/pn.txt"
ref=$(python3 "$root/test/clv_reference.py" pn-ll "$pr" "$pal" "$ps" "$pbe" <"$tmp/pn.txt")
check "pn log-likelihood = mpmath hypergeometric form at the fit (1e-9 relative)" \
	"$(q -c "SELECT abs($pll / $ref - 1) < 1e-9")" t
check "pn _partial/_merge = whole" "$(q -c "
SELECT abs((w).log_likelihood - (m).log_likelihood) < 1e-9 AND abs((w).r / (m).r - 1) < 1e-9 AND (w).customers = (m).customers
FROM (SELECT paretonbd_fit(frequency, recency, t) w FROM cal) a,
     (SELECT paretonbd_fit_merge(s::text::bgnbd_fit_state) m
      FROM (SELECT paretonbd_fit_partial(frequency, recency, t) s FROM cal GROUP BY customer % 7) z) b")" t
check "pn parallel plan" "$(q -c "$par EXPLAIN (COSTS OFF) SELECT paretonbd_fit(frequency, recency, t) FROM cal50" | grep -c 'Partial Aggregate')" 1
check "pn parallel x50 = serial" "$(q -c "$par
SELECT abs((p).r / (s).r - 1) < 1e-6 AND abs((p).alpha / (s).alpha - 1) < 1e-6 AND abs((p).s / (s).s - 1) < 1e-6
   AND abs((p).beta / (s).beta - 1) < 1e-6 AND abs((p).log_likelihood / (s).log_likelihood - 50) < 1e-9 AND (p).customers = 117850
FROM (SELECT paretonbd_fit(frequency, recency, t) p FROM cal50) a, (SELECT paretonbd_fit(frequency, recency, t) s FROM cal) b")" t

# --- btyd_holdout against plain SQL ---------------------------------------
q <<'SQL'
CREATE TABLE hold AS
SELECT customer, (btyd_holdout(day, dollars, date '1997-09-30', date '1998-06-30', interval '7 days')).*
FROM purchases GROUP BY customer;
-- the definition in plain SQL: per-day sums; calibration summary as of
-- 1997-09-30; holdout days in (1997-09-30, 1998-06-30] and their mean sum;
-- both means are derived money (README "Money"): rounded half away from zero
-- (numeric round) to the scale of the customer's amounts, at least 2
CREATE TABLE hold_sql AS
WITH days AS (SELECT customer, day, sum(dollars) AS amount FROM purchases GROUP BY customer, day),
c AS (SELECT customer, count(*)::int - 1 AS f, (max(day) - min(day)) / 7.0::float8 AS r,
             (date '1997-09-30' - min(day)) / 7.0::float8 AS t, min(day) AS first,
             greatest(2, max(scale(amount))) AS sc
      FROM days WHERE day <= date '1997-09-30' GROUP BY customer),
cm AS (SELECT c.customer, round(coalesce(sum(d.amount) / nullif(c.f, 0), 0), c.sc) AS m
       FROM c LEFT JOIN days d ON d.customer = c.customer AND d.day > c.first AND d.day <= date '1997-09-30'
       GROUP BY c.customer, c.f, c.sc),
sc_all AS (SELECT customer, greatest(2, max(scale(amount))) AS sc FROM days
           WHERE day <= date '1998-06-30' GROUP BY customer),
h AS (SELECT customer, count(*)::int AS fh, avg(amount) AS mh FROM days
      WHERE day > date '1997-09-30' AND day <= date '1998-06-30' GROUP BY customer)
SELECT c.customer, c.f, c.r, c.t, cm.m, coalesce(h.fh, 0) AS fh, round(coalesce(h.mh, 0), sc_all.sc) AS mh,
       (date '1998-06-30' - date '1997-09-30') / 7.0::float8 AS dur
FROM c JOIN cm USING (customer) JOIN sc_all USING (customer) LEFT JOIN h USING (customer);
SQL
check "holdout rows" "$(q -c "SELECT count(*) FROM hold WHERE frequency_cal IS NOT NULL")" 2357
check "btyd_holdout = plain SQL, row for row" "$(q -c "
SELECT count(*) FROM hold h FULL JOIN hold_sql s USING (customer)
WHERE h.customer IS NULL OR s.customer IS NULL
   OR (h.frequency_cal, h.recency_cal, h.t_cal, h.monetary_cal, h.frequency_holdout, h.monetary_holdout, h.duration_holdout)
      IS DISTINCT FROM (s.f, s.r, s.t, s.m, s.fh, s.mh, s.dur)")" 0
check "holdout purchase days (plain count)" "$(q -c "SELECT sum(frequency_holdout) FROM hold")" \
	"$(q -c "SELECT count(DISTINCT (customer, day)) FROM purchases WHERE day > date '1997-09-30'")"
check "btyd_holdout parallel = serial" "$(q -c "
CREATE TABLE p50 AS SELECT p.* FROM purchases p, generate_series(1, 20); ANALYZE p50;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE s50 AS SELECT customer, btyd_holdout(day, dollars, date '1997-09-30', date '1998-06-30', interval '7 days') AS b
                         FROM p50 GROUP BY customer;
$par
SELECT count(*) FROM (SELECT customer, btyd_holdout(day, dollars, date '1997-09-30', date '1998-06-30', interval '7 days') AS b
                      FROM p50 GROUP BY customer) x FULL JOIN s50 USING (customer)
WHERE x.b::text IS DISTINCT FROM s50.b::text")" 0
check "btyd_holdout over 20 copies of each purchase: 20 times the plain-SQL means (each rounded to cents: within 20 x 0.005 + 0.005)" "$(q -c "
SELECT count(*) FROM s50 x JOIN hold_sql h USING (customer)
WHERE (x.b).frequency_holdout IS DISTINCT FROM h.fh
   OR (x.b).recency_cal IS DISTINCT FROM h.r OR (x.b).t_cal IS DISTINCT FROM h.t
   OR abs((x.b).monetary_holdout - h.mh * 20) > 0.105 OR abs((x.b).monetary_cal - h.m * 20) > 0.105")" 0

# --- customer_value against its definition in SQL -------------------------
check "customer_value = the sum in SQL (1e-9 relative)" "$(q -c "
WITH m AS (SELECT (SELECT bgnbd_fit(frequency, recency, t) FROM cal) bg, (SELECT gammagamma_fit(frequency, monetary) FROM cal) gg)
SELECT count(*) FROM cal, m,
  LATERAL (SELECT sum(gammagamma_expected_spend(gg, frequency, monetary)
                      * (bgnbd_expected(bg, i * 30 / 7.0, frequency, recency, t)
                         - bgnbd_expected(bg, (i - 1) * 30 / 7.0, frequency, recency, t)) / 1.01 ^ i) AS v
           FROM generate_series(1, 12) i) s
WHERE abs(customer_value(bg, gg, frequency, recency, t, monetary, 12, 30 / 7.0, 0.01) - s.v) > 1e-9 * s.v")" 0

# --- the README's model check (the query of README "Is the model right?") ---
sed -n '/^-- model check: begin/,/^-- model check: end/p' "$root/doc/customer_models.md" | sed 's/^-- model check.*//' >"$tmp/mc.sql"
check "README model check query found" "$(grep -c 'GROUP BY ROLLUP' "$tmp/mc.sql")" 1
q -c "CREATE VIEW model_check AS $(cat "$tmp/mc.sql" | sed 's/;[[:space:]]*$//')"
check "model check: 9 rows, the last the total" "$(q -c "SELECT count(*) || ' ' || (array_agg(purchases_cal))[9] FROM model_check")" "9 total"
check "model check total customers" "$(q -c "SELECT customers FROM model_check WHERE purchases_cal = 'total'")" 2357
check "model check actual = holdout purchase days (plain count)" \
	"$(q -c "SELECT actual FROM model_check WHERE purchases_cal = 'total'")" \
	"$(q -c "SELECT count(DISTINCT (customer, day)) FROM purchases WHERE day > date '1997-09-30'")"
check "model check rows add up to the total" "$(q -c "
SELECT sum(customers) FILTER (WHERE purchases_cal <> 'total') = max(customers) FILTER (WHERE purchases_cal = 'total')
   AND sum(actual) FILTER (WHERE purchases_cal <> 'total') = max(actual) FILTER (WHERE purchases_cal = 'total')
   AND abs(sum(predicted) FILTER (WHERE purchases_cal <> 'total') - max(predicted) FILTER (WHERE purchases_cal = 'total')) < 0.5
FROM model_check")" t
check "model check predicted = sum of bgnbd_expected (plain SQL)" "$(q -c "
SELECT round(sum(bgnbd_expected(bg, duration_holdout, frequency_cal, recency_cal, t_cal))::numeric, 1)
       = (SELECT predicted FROM model_check WHERE purchases_cal = 'total')
FROM hold, (SELECT bgnbd_fit(frequency_cal, recency_cal, t_cal) bg FROM hold) m")" t
q -c "SELECT * FROM model_check" | sed "s/^/   /"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
