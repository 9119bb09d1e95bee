#!/usr/bin/env bash
# qx-tier: once
# models_fingerprint.sh: the customer models' outputs, bit for bit, against
# md5s recorded before a refactor (issue 20: "results bit-identical before
# and after").  Every model function -- bgnbd_*, mbgnbd_*, paretonbd_*,
# gammagamma_*, sbg_*, customer_value, the §18 pmfs and paretonbd_value,
# the _partial/_merge aggregates and their states' text and binary forms --
# is run on the CDNOW sample (calibration summaries, test/lib/cdnow.sh) and
# on a synthetic grid of histories, horizons, counts and parameters; each
# group's rows are printed as text with extra_float_digits = 3 (every float8
# exactly) in a fixed order and hashed.  One check per group: its md5 equals
# the recorded one.
#
# Recorded: at commit 81204d1 of branch models ("purchase_pmf: the Pareto/NBD
# pmf by Gauss-Legendre panels ...", the last commit before the fit-state /
# special-functions refactor of issue 20), on Debian's PostgreSQL 15 / gcc 12 x86_64 build,
# with `QX_FINGERPRINT_PRINT=1 bash test/models_fingerprint.sh`, which prints
# the current md5s in the form of the table below instead of checking.  The
# md5s are of this build: another compiler, libm or architecture may round
# differently, so a mismatch on another machine is a question, not a verdict;
# a change that means to change numbers re-records them (and says why).
#
# Server from PGHOST/PGPORT/PGUSER; data ../shared/data/CDNOW_sample.txt
# (QX_CDNOW overrides).  Ends with "N passed, N failed".
set -uo pipefail

source "$(dirname "$0")/lib/suite.sh"
source "$(dirname "$0")/lib/cdnow.sh"
qx_cdnow_setup models_fingerprint

declare -A want=(
	[bgnbd]=ea17ff9d9f0df0c20a0af533f56e13d1
	[gammagamma]=98b6e98e738602351fed17feb9fb493d
	[customer_value]=64654541858e2d47bd19f3ee6c32371b
	[paretonbd]=919f0a18eabfd5c8d8e7e0d515299f00
	[mbgnbd]=0e3ac811a64ea5f91f9c7f78920d3536
	[sbg]=0597b688e1c0973b265674fc9774d19d
	[pmf]=3825a8b9ebbd0ea7a2f0b81c2f9c4518
	[states]=689b0e3d3cbceb87f9ab958eb1bc11e2
)

q <<SQL || { echo "could not load the data"; echo "$passed passed, $((failed + 1)) failed"; exit 1; }
CREATE EXTENSION quota_ext;
CREATE TABLE raw(line text);
\copy raw FROM '$tmp/cdnow.txt'
CREATE TABLE purchases AS
SELECT f[2]::int AS customer, to_date(f[3], 'YYYYMMDD') AS day, f[5]::numeric AS dollars
FROM (SELECT regexp_split_to_array(btrim(line), '\s+') AS f FROM raw WHERE btrim(line) <> '') s;
CREATE TABLE cal AS
SELECT customer, (btyd_summary(day, dollars, date '1997-09-30', interval '7 days')).*
FROM purchases GROUP BY customer;
-- synthetic histories (x, t_x, T), horizons and counts
CREATE TABLE hist AS
SELECT x, CASE WHEN x = 0 THEN 0 ELSE tt * f END AS tx, tt
FROM (VALUES (0), (1), (2), (5), (14), (40)) a(x), (VALUES (0.0::float8), (0.3), (0.97), (1)) b(f),
     (VALUES (0.5::float8), (13), (38.86), (78), (400)) c(tt);
CREATE TABLE hor AS SELECT * FROM (VALUES (0.5::float8), (13), (39), (104)) h(tau);
CREATE TABLE cnt AS SELECT * FROM (VALUES (0), (1), (3), (10), (30)) n(n);
-- parameter sets: published CDNOW ones and extremes
CREATE TABLE par AS SELECT * FROM (VALUES (1, 0.243::float8, 4.414::float8, 0.793::float8, 2.426::float8),
  (2, 0.55, 10.58, 0.61, 11.67), (3, 1e-3, 0.5, 3, 1e3), (4, 20, 1e3, 0.05, 0.2), (5, 2.5, 7, 1.2, 7)) p(k, p1, p2, p3, p4);
SQL

sx="SET extra_float_digits = 3; SET max_parallel_workers_per_gather = 0;"
declare -A sql=(
	[bgnbd]="$sx
SELECT bgnbd_fit(frequency, recency, t)::text FROM cal;
SELECT bgnbd_fit_merge(s)::text FROM (SELECT bgnbd_fit_partial(frequency, recency, t) s FROM cal GROUP BY customer % 3) p;
SELECT k, x, tx, tt, tau, bgnbd_p_alive(m, x, tx, tt), bgnbd_expected(m, tau, x, tx, tt), bgnbd_expected_new(m, tau)
FROM (SELECT k, ROW(p1, p2, p3, p4, NULL, NULL, NULL)::bgnbd_model m FROM par) p, hist, hor ORDER BY 1, 2, 3, 4, 5;"
	[gammagamma]="$sx
SELECT gammagamma_fit(frequency, monetary)::text FROM cal;
SELECT gammagamma_fit_merge(s)::text FROM (SELECT gammagamma_fit_partial(frequency, monetary) s FROM cal GROUP BY customer % 3) p;
SELECT x, m, gammagamma_expected_spend(ROW(6.25, 3.74, 15.44, NULL, NULL, NULL)::gammagamma_model, x, m)
FROM (VALUES (0), (1), (2), (5), (40)) a(x), (VALUES (0::numeric), (0.01), (35.5), (12345.67)) b(m) ORDER BY 1, 2;"
	[customer_value]="$sx
SELECT customer, customer_value(ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL)::bgnbd_model,
  ROW(6.25, 3.74, 15.44, NULL, NULL, NULL)::gammagamma_model, frequency, recency, t, monetary, 12, 4.33, 0.01)
FROM cal ORDER BY 1;"
	[paretonbd]="$sx
SELECT paretonbd_fit(frequency, recency, t)::text FROM cal;
SELECT paretonbd_fit_merge(s)::text FROM (SELECT paretonbd_fit_partial(frequency, recency, t) s FROM cal GROUP BY customer % 3) p;
SELECT k, x, tx, tt, tau, paretonbd_p_alive(m, x, tx, tt), paretonbd_expected(m, tau, x, tx, tt)
FROM (SELECT k, ROW(p1, p2, p3, p4, NULL, NULL, NULL)::paretonbd_model m FROM par) p, hist, hor ORDER BY 1, 2, 3, 4, 5;
SELECT customer, paretonbd_value(ROW(0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL)::paretonbd_model,
  ROW(6.25, 3.74, 15.44, NULL, NULL, NULL)::gammagamma_model, frequency, recency, t, monetary, 0.0019)
FROM cal ORDER BY 1;"
	[mbgnbd]="$sx
SELECT mbgnbd_fit(frequency, recency, t)::text FROM cal;
SELECT mbgnbd_fit_merge(s)::text FROM (SELECT mbgnbd_fit_partial(frequency, recency, t) s FROM cal GROUP BY customer % 3) p;
SELECT k, x, tx, tt, tau, mbgnbd_p_alive(m, x, tx, tt), mbgnbd_expected(m, tau, x, tx, tt)
FROM (SELECT k, ROW(p1, p2, p3, p4, NULL, NULL, NULL)::mbgnbd_model m FROM par) p, hist, hor ORDER BY 1, 2, 3, 4, 5;"
	[sbg]="$sx
CREATE TEMP TABLE cohort AS SELECT * FROM (VALUES (0, 1000::bigint), (1, 631), (2, 468), (3, 382), (4, 326),
  (5, 289), (6, 262), (7, 241)) c(period, survivors);
SELECT sbg_fit(period, survivors)::text FROM cohort;
SELECT sbg_fit_merge(s)::text FROM (SELECT sbg_fit_partial(period, survivors) s FROM cohort GROUP BY period % 2) p;
SELECT a, b, t, sbg_survival(m, t), CASE WHEN t > 0 THEN sbg_retention(m, t) END
FROM (SELECT a, b, ROW(a, b, NULL, NULL, NULL)::sbg_model m
      FROM (VALUES (0.668::float8), (1e-3), (50)) x(a), (VALUES (3.806::float8), (0.2), (1e3)) y(b)) p,
     (VALUES (0), (1), (2), (12), (1000)) t(t) ORDER BY 1, 2, 3;"
	[pmf]="$sx
SELECT k, n, tau, bgnbd_prob_purchases(ROW(p1, p2, p3, p4, NULL, NULL, NULL)::bgnbd_model, n, tau),
  paretonbd_prob_purchases(ROW(p1, p2, p3, p4, NULL, NULL, NULL)::paretonbd_model, n, tau)
FROM par, cnt, hor ORDER BY 1, 2, 3;
SELECT k, n, tau, x, tx, tt, bgnbd_prob_purchases(ROW(p1, p2, p3, p4, NULL, NULL, NULL)::bgnbd_model, n, tau, x, tx, tt),
  paretonbd_prob_purchases(ROW(p1, p2, p3, p4, NULL, NULL, NULL)::paretonbd_model, n, tau, x, tx, tt)
FROM par, cnt, hor, hist WHERE k <= 3 ORDER BY 1, 2, 3, 4, 5, 6;
SELECT customer, bgnbd_prob_purchases(ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL)::bgnbd_model, 1, 39, frequency, recency, t),
  paretonbd_prob_purchases(ROW(0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL)::paretonbd_model, 1, 39, frequency, recency, t)
FROM cal ORDER BY 1;"
	[states]="$sx
SELECT customer % 3, bgnbd_fit_partial(frequency, recency, t)::text, bgnbd_fit_state_send(bgnbd_fit_partial(frequency, recency, t)),
  paretonbd_fit_partial(frequency, recency, t)::text, mbgnbd_fit_partial(frequency, recency, t)::text,
  gammagamma_fit_partial(frequency, monetary)::text, gammagamma_fit_state_send(gammagamma_fit_partial(frequency, monetary))
FROM cal GROUP BY 1 ORDER BY 1;
SELECT sbg_fit_partial(period, survivors)::text, sbg_fit_state_send(sbg_fit_partial(period, survivors))
FROM (VALUES (0, 1000::bigint), (1, 631), (2, 468), (3, 382)) c(period, survivors);"
)

for g in bgnbd gammagamma customer_value paretonbd mbgnbd sbg pmf states; do
	out=$(q -F '|' <<<"${sql[$g]}" 2>&1)
	rows=$(grep -c . <<<"$out")
	sum=$(md5sum <<<"$out" | cut -d' ' -f1)
	if [ -n "${QX_FINGERPRINT_PRINT:-}" ]; then
		echo "	[$g]=$sum	# $rows lines"
		continue
	fi
	if grep -q 'ERROR' <<<"$out"; then
		qx_check "$g: runs" 1 "$(grep -m1 ERROR <<<"$out")"
		continue
	fi
	[ "$sum" = "${want[$g]}" ]
	qx_check "$g: md5 of $rows lines = the recorded one" $? "got $sum, recorded ${want[$g]}"
done
[ -n "${QX_FINGERPRINT_PRINT:-}" ] && exit 0
qx_summary
