-- pipeline_forecast (SPEC §10): the distribution of the amount that closes.
-- Expected values come from hand computations (in the comments) and from
-- plain-SQL formulations of the same rule: the binomial tail, and brute-force
-- enumeration of all 2^n outcomes of a deal set.  The 20-deal and
-- 10,000-deal checks are in test/pipeline_forecast.sh (Python).
-- files of this backend only: suites run side by side (scripts/test.sh)
SELECT '/tmp/quota_ext_regress_fc_' || pg_backend_pid() || '.bin' AS qx_fc_file \gset
SET extra_float_digits = 0;

-- 1. The worked example of SPEC §10.  Deals A 50000 @ 0.9, B 30000 @ 0.5,
-- C 20000 @ 0.3, D 10000 @ 0.8, target 60000.
--   expected = 45000 + 15000 + 6000 + 8000 = 74000
--   stddev = sqrt(50000^2*.09 + 30000^2*.25 + 20000^2*.21 + 10000^2*.16)
--          = sqrt(5.5e8) = 23452.0788
--   P(S >= 60000): with A (0.9) S < 60000 only when B, C, D all fail
--   (0.5*0.7*0.2 = 0.07): 0.9*0.93 = 0.837; without A (0.1) only
--   B+C+D = 60000 (0.5*0.3*0.8 = 0.12): 0.012; total 0.849.
--   P(S <= 40000) = 0.1*(1 - P(B and C)) = 0.085 < 0.1 and
--   P(S = 50000) = 0.9*0.5*0.7*0.2 + 0.1*0.5*0.3*0.2 = 0.066: p10 = 50000;
--   P(S >= 80000) = 0.9*P(B or (C and D)) = 0.9*0.62 = 0.558, so
--   P(S <= 70000) = 0.442 < 0.5 <= P(S <= 80000) = 1 - 0.387: p50 = 80000;
--   P(S >= 110000) = 0.9*0.12 = 0.108, P(S <= 100000) = 0.892: p90 = 110000.
CREATE TEMP TABLE example(amount numeric, probability float8);
INSERT INTO example VALUES (50000, 0.9), (30000, 0.5), (20000, 0.3), (10000, 0.8);
SELECT f.deals, f.expected, round(f.stddev::numeric, 4) AS stddev,
       round(f.p_target::numeric, 12) AS p_target, f.p10, f.p50, f.p90
FROM (SELECT (pipeline_forecast(amount, probability, 60000)).* FROM example) f;
-- without a target p_target is NULL, the rest is the same
SELECT (pipeline_forecast(amount, probability)).p_target IS NULL AS no_target,
       (pipeline_forecast(amount, probability)).p50
FROM example;
-- the normal approximation the SPEC contrasts: Phi(14000 / 23452) = 0.725
-- (erf by Abramowitz & Stegun 7.1.26, error below 1.5e-7)
SELECT round((0.5 * (1 + erf_approx))::numeric, 3) AS normal_approx
FROM (SELECT 1 / (1 + 0.3275911 * z) AS t, z FROM (SELECT 14000 / 23452.0788 / sqrt(2) AS z) a) b,
     LATERAL (SELECT 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-z * z) AS erf_approx) c;

-- 2. Equal amounts and probabilities: S / 1000 ~ Binomial(n, p).  The tail
-- P(X >= k) = sum_{j>=k} C(n,j) p^j (1-p)^(n-j), C(n,j) exact, in float8
-- (for p = 0.5 every term and partial sum is exact: 31 fair coins give
-- P(X <= 15) = 0.5 exactly).
CREATE TEMP TABLE binom AS
SELECT n, p, j, (factorial(n) / (factorial(j) * factorial(n - j)))::float8
                * p ^ j * (1 - p) ^ (n - j) AS pmf
FROM (VALUES (30, 0.3::float8), (31, 0.5), (12, 0.9)) v(n, p), generate_series(0, n) j;
CREATE TEMP TABLE binom_cdf AS
SELECT n, p, j, pmf, sum(pmf) OVER (PARTITION BY n, p ORDER BY j) AS cdf,
       sum(pmf) OVER (PARTITION BY n, p ORDER BY j DESC) AS tail
FROM binom;
-- quantile rule: smallest j with cdf >= level (31 fair coins: P(X <= 15) is
-- exactly 0.5, so p50 is 15000, not 16000)
CREATE TEMP TABLE binom_ref AS
SELECT n, p,
       1000 * min(j) FILTER (WHERE cdf >= 0.1) AS p10,
       1000 * min(j) FILTER (WHERE cdf >= 0.5) AS p50,
       1000 * min(j) FILTER (WHERE cdf >= 0.9) AS p90,
       max(tail) FILTER (WHERE j = round(n * p)::int) AS tail_at_mean,
       max(tail) FILTER (WHERE j = round(n * p)::int + 3) AS tail_above
FROM binom_cdf GROUP BY n, p;
SELECT r.n, r.p, r.p10, r.p50, r.p90,
       (f).p10 = r.p10 AND (f).p50 = r.p50 AND (f).p90 = r.p90 AS quantiles_equal,
       abs((f).p_target - r.tail_at_mean) < 1e-12 AS tail_equal,
       abs((g).p_target - coalesce(r.tail_above, 0)) < 1e-12 AS tail_above_equal,
       (f).expected = round(r.n * 1000 * r.p::numeric, 2) AS expected_equal
FROM binom_ref r
JOIN (SELECT n, p, pipeline_forecast(1000, p, 1000 * round(n * p::numeric)) AS f,
             pipeline_forecast(1000, p, 1000 * (round(n * p::numeric) + 3)) AS g
      FROM (VALUES (30, 0.3::float8), (31, 0.5), (12, 0.9)) v(n, p), generate_series(1, n)
      GROUP BY n, p) x USING (n, p)
ORDER BY r.n;

-- 3. Random deal sets of 1 to 11 deals against brute-force enumeration of
-- all 2^n outcomes in plain SQL.  Amounts: cents (distinct subset sums) or
-- whole hundreds (a small lattice), probabilities in [0.01, 0.99].
SELECT setseed(0.13);
CREATE TEMP TABLE bf_deals AS
SELECT g, i,
       CASE WHEN g % 3 = 0 THEN (100 * (1 + floor(random() * 50)))::numeric
            ELSE round((random() * 10000)::numeric, 2) END AS amount,
       round((0.01 + random() * 0.98)::numeric, 4)::float8 AS p
FROM generate_series(1, 45) g, generate_series(1, 1 + g % 11) i;
CREATE TEMP TABLE bf_target AS
SELECT g, round(sum(amount) * (0.2 + (g % 7) / 10.0), 2) AS target FROM bf_deals GROUP BY g;
CREATE TEMP TABLE bf_outcome AS
WITH d AS (SELECT g, (row_number() OVER (PARTITION BY g ORDER BY i) - 1)::int AS bit, amount, p
           FROM bf_deals),
     o AS (SELECT g, m FROM (SELECT g, count(*)::int AS n FROM d GROUP BY g) c,
                            generate_series(0, (1 << c.n) - 1) m)
SELECT o.g, o.m,
       sum(CASE WHEN (o.m >> d.bit) & 1 = 1 THEN d.amount ELSE 0 END) AS s,
       exp(sum(ln(CASE WHEN (o.m >> d.bit) & 1 = 1 THEN d.p ELSE 1 - d.p END))) AS pr
FROM o JOIN d USING (g) GROUP BY o.g, o.m;
CREATE TEMP TABLE bf_ref AS
SELECT g,
       min(s) FILTER (WHERE cum >= 0.1 - 1e-12) AS p10,
       min(s) FILTER (WHERE cum >= 0.5 - 1e-12) AS p50,
       min(s) FILTER (WHERE cum >= 0.9 - 1e-12) AS p90,
       sum(pr) FILTER (WHERE s >= t.target) AS p_target
FROM (SELECT g, s, pr, sum(pr) OVER (PARTITION BY g ORDER BY s) AS cum
      FROM (SELECT g, s, sum(pr) AS pr FROM bf_outcome GROUP BY g, s) x) c
JOIN bf_target t USING (g)
GROUP BY g;
CREATE TEMP TABLE bf_got AS
SELECT g, pipeline_forecast(amount, p, t.target) AS f,
       round(sum(amount * p::numeric), 2) AS expected_sql,
       sqrt(sum(amount::float8 ^ 2 * p * (1 - p))) AS stddev_sql
FROM bf_deals JOIN bf_target t USING (g) GROUP BY g;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE (f).p10 <> r.p10 OR (f).p50 <> r.p50 OR (f).p90 <> r.p90) AS quantile_mismatches,
       count(*) FILTER (WHERE abs((f).p_target - coalesce(r.p_target, 0)) > 1e-9) AS p_target_mismatches,
       count(*) FILTER (WHERE (f).expected <> expected_sql) AS expected_mismatches,
       count(*) FILTER (WHERE abs((f).stddev - stddev_sql) > 1e-9 * stddev_sql) AS stddev_mismatches,
       count(*) FILTER (WHERE scale((f).p50) <> 2) AS not_scale_2,
       max(2 ^ (f).deals) AS largest_enumeration
FROM bf_got JOIN bf_ref r USING (g);

-- 4. NULLs, zero amounts, probabilities 0 and 1, targets at the edges.
-- (1000, 1) always closes, (500, 0) never, (0, 0.5) adds nothing, (200, 0.5)
-- is a coin: S = 1000 or 1200 with 0.5 each; expected 1000 + 100 = 1100;
-- stddev sqrt(200^2 * 0.25) = 100; NULL rows are not counted.
CREATE TEMP TABLE edge(amount numeric, probability float8);
INSERT INTO edge VALUES (1000, 1), (500, 0), (0, 0.5), (200, 0.5), (NULL, 0.5), (300, NULL);
SELECT (pipeline_forecast(amount, probability, 1100)).* FROM edge;
SELECT t AS target, (pipeline_forecast(amount, probability, t)).p_target
FROM edge, (VALUES (-5::numeric), (0), (1000), (1000.001), (1200), (1200.01)) v(t)
GROUP BY t ORDER BY t;
-- only NULL rows, and no rows: NULL
SELECT pipeline_forecast(amount, probability, 10) IS NULL AS only_nulls
FROM edge WHERE amount IS NULL OR probability IS NULL;
SELECT pipeline_forecast(amount, probability) IS NULL AS empty FROM edge WHERE false;
-- nothing can close: all zero, p_target 0 for a positive target, 1 for 0
SELECT (pipeline_forecast(amount, 0, 1)).*, (pipeline_forecast(amount, 0, 0)).p_target AS p_target_0
FROM (VALUES (10::numeric), (20)) v(amount);
-- all certain: a point mass at the sum
SELECT (pipeline_forecast(amount, 1, 30)).* FROM (VALUES (10::numeric), (20)) v(amount);
-- the scale of the amounts carries over (at least 2 decimals): amounts of
-- scale 3 give 0.125 * 0.5 + 1.005 * 0.5 = 0.565 and p90 1.130; three deals
-- of 0.01 at 0.5 give 0.015, rounded half away from zero to 0.02
SELECT (pipeline_forecast(amount, 0.5)).expected, (pipeline_forecast(amount, 0.5)).p90
FROM (VALUES (0.125), (1.005)) v(amount);
SELECT (pipeline_forecast(amount, 0.5)).expected FROM (VALUES (0.01), (0.01), (0.01)) v(amount);
-- probabilities are read as float8::numeric (15 significant digits):
-- 0.1 + 0.2 is 0.30000000000000004 in float8 and 0.3 as numeric
SELECT (pipeline_forecast(1000000, 0.1::float8 + 0.2)).expected;
-- amounts beyond 64-bit units: the grid, still within the bounds
SELECT (pipeline_forecast(amount, 0.5)).p50 FROM (VALUES (1e30), (1e30)) v(amount);

-- 5. Bad arguments and their SQLSTATEs
-- amounts are exact units of 10^-scale (any scale, negative for trailing
-- zeros: 1e400 is 1 unit of 10^400); a group whose amounts need more than
-- 38 significant digits at a common scale is 22003, briefly (issue 19)
SELECT (pipeline_forecast(1e400, 0.5)).p90 = 1e400 AS amount_beyond_float8_exact;
SELECT (pipeline_forecast(a, 1)).p10 = 2e308 AS sum_beyond_float8_exact FROM (VALUES (1e308), (1e308)) v(a);
SELECT test_util.err($$SELECT pipeline_forecast(a, 0.5) FROM (VALUES (1e30), (1e-10)) v(a)$$) AS too_wide;
SELECT test_util.err($$SELECT pipeline_forecast(a, 0.5) FROM (VALUES (1e-10), (1e30)) v(a)$$) AS too_wide_other_order;
-- at probability 0 or amount 0 the same rows only count
SELECT (pipeline_forecast(a, p)).deals FROM (VALUES (1e30, 0.5::float8), (1e-10, 0), (0.000000000000000000000000000000000000000000000, 0.5)) v(a, p);
-- a large amount's square does not overflow stddev: 1e200 * sqrt(0.25)
SELECT (pipeline_forecast(1e200, 0.5)).stddev;
SELECT test_util.err($$SELECT pipeline_forecast(-1, 0.5)$$) AS negative_amount;
SELECT test_util.err($$SELECT pipeline_forecast('NaN', 0.5)$$) AS nan_amount;
SELECT test_util.err($$SELECT pipeline_forecast('Infinity', 0.5)$$) AS inf_amount;
SELECT test_util.err($$SELECT pipeline_forecast(1, 1.5)$$) AS probability_above_1;
SELECT test_util.err($$SELECT pipeline_forecast(1, -0.1)$$) AS probability_below_0;
SELECT test_util.err($$SELECT pipeline_forecast(1, 'NaN')$$) AS probability_nan;
SELECT test_util.err($$SELECT pipeline_forecast(1, 'Infinity')$$) AS probability_inf;
SELECT test_util.err($$SELECT pipeline_forecast(1, 0.5, 'NaN')$$) AS target_nan;
SELECT test_util.err($$SELECT pipeline_forecast(1, 0.5, '-Infinity')$$) AS target_inf;
SELECT test_util.err($$SELECT pipeline_forecast(1, 0.5, NULL)$$) AS target_null;
SELECT test_util.err($$SELECT pipeline_forecast(a, 0.5, t) FROM (VALUES (1, 100), (2, 100.00), (3, 200)) v(a, t)$$) AS target_changes;
-- 100 and 100.00 are the same target
SELECT (pipeline_forecast(a, 0.5, t)).deals FROM (VALUES (1, 100), (2, 100.00)) v(a, t);
-- the support functions refuse to run outside an aggregate
SELECT test_util.err($$SELECT pipeline_forecast_final(NULL::internal)$$) IS NOT NULL AS final_direct;

-- 6. Parallel plans equal serial ones.  25 reps of 47 to 83 open deals
-- (beyond 40: the grid method; the exact one's parallel and merged plans are
-- test/pipeline_forecast_exact.sh's), 118 partial states (plain SQL:
-- count(DISTINCT rep), and the distinct groups of fc_parts' key).
SELECT setseed(0.21);
CREATE TABLE fc_par AS
SELECT 1 + floor(random() * 25)::int AS rep,
       CASE WHEN random() < 0.02 THEN NULL
            WHEN random() < 0.2 THEN (1000 * (1 + floor(random() * 40)))::numeric
            ELSE round((random() * 50000)::numeric, 2) END AS amount,
       CASE WHEN random() < 0.02 THEN NULL ELSE round(random()::numeric, 2)::float8 END AS p
FROM generate_series(1, 1800);
ANALYZE fc_par;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE fc_serial AS
SELECT rep, pipeline_forecast(amount, p, 100000)::text AS f, pipeline_forecast(amount, p)::text AS f2
FROM fc_par GROUP BY rep;
CREATE TEMP TABLE fc_serial_total AS
SELECT pipeline_forecast(amount, p, 3000000)::text AS f FROM fc_par;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
SELECT rep, pipeline_forecast(amount, p, 100000) FROM fc_par GROUP BY rep;
SELECT count(*) AS reps,
       count(*) FILTER (WHERE x.f IS DISTINCT FROM s.f OR x.f2 IS DISTINCT FROM s.f2) AS mismatches
FROM (SELECT rep, pipeline_forecast(amount, p, 100000)::text AS f, pipeline_forecast(amount, p)::text AS f2
      FROM fc_par GROUP BY rep) x
FULL JOIN fc_serial s USING (rep);
RESET enable_hashagg;
EXPLAIN (COSTS OFF) SELECT pipeline_forecast(amount, p, 3000000) FROM fc_par;
SELECT pipeline_forecast(amount, p, 3000000)::text = (SELECT f FROM fc_serial_total) AS total_equal
FROM fc_par;
-- the merge aggregate has a real state type and is parallel too
CREATE TABLE fc_parts AS
SELECT rep, rep % 3 AS part, pipeline_forecast_partial(amount, p, 100000) AS st
FROM fc_par GROUP BY rep, rep % 3, (amount * 100)::bigint % 4;
ANALYZE fc_parts;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT rep, pipeline_forecast_merge(st) FROM fc_parts GROUP BY rep;
SELECT count(*) FILTER (WHERE m.f IS DISTINCT FROM s.f) AS merge_mismatches_parallel
FROM (SELECT rep, pipeline_forecast_merge(st)::text AS f FROM fc_parts GROUP BY rep) m
FULL JOIN fc_serial s USING (rep);
RESET enable_hashagg;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;

-- 7. _partial/_merge equals the whole; NULL states are skipped; the worked
-- example split in three states gives the worked example's answer
SELECT count(*) FILTER (WHERE m.f IS DISTINCT FROM s.f) AS merge_mismatches
FROM (SELECT rep, pipeline_forecast_merge(st)::text AS f FROM fc_parts GROUP BY rep) m
FULL JOIN fc_serial s USING (rep);
SELECT pipeline_forecast_merge(st)::text = (SELECT f FROM fc_serial_total) AS two_level_total
FROM (SELECT rep, pipeline_forecast_partial(amount, p, 3000000) AS st FROM fc_par GROUP BY rep) x;
SELECT (pipeline_forecast_merge(st)).* FROM (VALUES (NULL::pipeline_forecast_state),
    ('v1 deals=2 scale=0 target=60000 expected=60000 coarse=0 open=50000@0.9,30000@0.5'),
    ('v1 deals=3 scale=0 target=60000 expected=0 coarse=0 open=none'),
    ('v1 deals=2 scale=0 target=60000 expected=14000 coarse=0 open=20000@0.3,10000@0.8')) v(st);
SELECT pipeline_forecast_merge(NULL::pipeline_forecast_state) IS NULL AS only_null;
-- states with different targets, or with and without a target, do not merge
SELECT test_util.err($$SELECT pipeline_forecast_merge(st) FROM (VALUES
    ('v1 deals=1 scale=0 target=100 expected=0 coarse=0 open=none'::pipeline_forecast_state),
    ('v1 deals=1 scale=0 target=200 expected=0 coarse=0 open=none')) v(st)$$) AS different_targets;
SELECT test_util.err($$SELECT pipeline_forecast_merge(st) FROM (VALUES
    ('v1 deals=1 scale=0 target=none expected=0 coarse=0 open=none'::pipeline_forecast_state),
    ('v1 deals=1 scale=0 target=200 expected=0 coarse=0 open=none')) v(st)$$) AS target_and_none;

-- 8. State values: text and binary round trips, malformed values
SELECT count(*) AS states,
       count(*) FILTER (WHERE st::text::pipeline_forecast_state::text <> st::text) AS text_mismatches
FROM fc_parts;
COPY (SELECT rep, part, st FROM fc_parts) TO :'qx_fc_file' (FORMAT binary);
CREATE TEMP TABLE fc_parts_copy (rep int, part int, st pipeline_forecast_state);
COPY fc_parts_copy FROM :'qx_fc_file' (FORMAT binary);
SELECT count(*) AS states,
       count(*) FILTER (WHERE pipeline_forecast_state_send(c.st) IS DISTINCT FROM pipeline_forecast_state_send(p.st)) AS binary_mismatches
FROM (SELECT *, row_number() OVER (ORDER BY rep, part, st::text) AS k FROM fc_parts) p
FULL JOIN (SELECT *, row_number() OVER (ORDER BY rep, part, st::text) AS k FROM fc_parts_copy) c USING (k);
-- scale 2 amounts, coarse amounts and a decimal target read back
SELECT 'v1 deals=5 scale=2 target=100.5 expected=25.50 coarse=0 open=10.00@0.5,20.50@1'::pipeline_forecast_state;
SELECT 'v1 deals=1 scale=0 target=none expected=500000000000000000000000000000 coarse=1 open=1e+30@0.5'::pipeline_forecast_state;
SELECT pipeline_forecast_partial(amount, p)::text::pipeline_forecast_state::text AS coarse_round_trip
FROM (VALUES (1e30, 0.5::float8), (2.5, 0.25)) v(amount, p);
-- (22P02, with a detail that says what is wrong)
CREATE FUNCTION pg_temp.in_err(s text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; detail text;
BEGIN
    PERFORM s::pipeline_forecast_state;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, detail = PG_EXCEPTION_DETAIL;
    RETURN st || ': ' || detail;
END $$;
SELECT pg_temp.in_err(s) AS malformed
FROM (VALUES ('v2 deals=1 scale=0 target=none expected=0 coarse=0 open=none'),
             ('v1 deals=1 scale=0 target=none expected=0 coarse=0'),
             ('v1 deals=-1 scale=0 target=none expected=0 coarse=0 open=none'),
             ('v1 deals=1 scale=0 target=none expected=-5 coarse=0 open=none'),
             ('v1 deals=1 scale=0 target=none expected=5 coarse=0 open=none'),
             ('v1 deals=1 scale=0 target=abc expected=0 coarse=0 open=none'),
             ('v1 deals=1 scale=0 target=none expected=0 coarse=0 open=10@1.5'),
             ('v1 deals=1 scale=0 target=none expected=0 coarse=0 open=10@0'),
             ('v1 deals=1 scale=0 target=none expected=0 coarse=0 open=0@0.5'),
             ('v1 deals=1 scale=0 target=none expected=0 coarse=0 open=10.5@0.5'),
             ('v1 deals=1 scale=0 target=none expected=0 coarse=0 open=10'),
             ('v1 deals=1 scale=0 target=none expected=0 coarse=0 open=10@0.5,20@0.5'),
             ('v1 deals=1 scale=0 target=none expected=0 coarse=0 open=999999999999999999999999999999999999999@0.5'),
             ('v1 deals=1 scale=0 target=none expected=0 coarse=1 open=NaN@0.5'),
             ('v1 deals=1 scale=16384 target=none expected=0 coarse=0 open=none'),
             ('v1 deals=1 scale=0 target=none expected=0 coarse=0 open=none trailing')) v(s);
-- malformed binary values are rejected by receive (22P03)
CREATE TEMP TABLE fc_bad_target(st pipeline_forecast_state);
CREATE TEMP TABLE fc_bad_bin(what text, b bytea);
-- layout: version, flags, int32 scale (3-6), int64 deals (7-14), ...
INSERT INTO fc_bad_bin
SELECT 'truncated', substr(b, 1, length(b) - 3) FROM (SELECT pipeline_forecast_state_send(pipeline_forecast_partial(amount, probability)) AS b FROM example) x
UNION ALL SELECT 'trailing byte', b || '\x00'::bytea FROM (SELECT pipeline_forecast_state_send(pipeline_forecast_partial(amount, probability)) AS b FROM example) x
UNION ALL SELECT 'version 3', overlay(b placing '\x03'::bytea from 1) FROM (SELECT pipeline_forecast_state_send(pipeline_forecast_partial(amount, probability)) AS b FROM example) x
UNION ALL SELECT 'unknown flag', overlay(b placing '\x08'::bytea from 2) FROM (SELECT pipeline_forecast_state_send(pipeline_forecast_partial(amount, probability)) AS b FROM example) x
UNION ALL SELECT 'negative deals', overlay(b placing '\xffffffffffffffff'::bytea from 11) FROM (SELECT pipeline_forecast_state_send(pipeline_forecast_partial(amount, probability)) AS b FROM example) x
UNION ALL SELECT 'huge count', overlay(b placing '\x7fffffff'::bytea from length(b) - 63 - 3) FROM (SELECT pipeline_forecast_state_send(pipeline_forecast_partial(amount, probability)) AS b FROM example) x
UNION ALL SELECT 'probability NaN', overlay(b placing '\x7ff8000000000000'::bytea from length(b) - 7) FROM (SELECT pipeline_forecast_state_send(pipeline_forecast_partial(amount, probability)) AS b FROM example) x
UNION ALL SELECT 'empty', ''::bytea;
CREATE FUNCTION pg_temp.recv_fc(what text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT b FROM fc_bad_bin WHERE what = %L) TO %L (FORMAT binary)',
                   what, '/tmp/quota_ext_regress_fc_bad_' || pg_backend_pid() || '.bin');
    RETURN test_util.err(format('COPY fc_bad_target FROM %L (FORMAT binary)', '/tmp/quota_ext_regress_fc_bad_' || pg_backend_pid() || '.bin'));
END $$;
SELECT what, pg_temp.recv_fc(what) FROM fc_bad_bin ORDER BY what COLLATE "C";
DROP TABLE fc_par, fc_parts;
SELECT test_util.remove_backend_files() AS files_left;
