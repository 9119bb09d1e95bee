-- pipeline_forecast: the findings of issue 19 (items 1-7), each against a
-- hand computation written down here or a plain-SQL formulation; every
-- block failed on quota_ext 1.2 (see the commit that adds this file).
-- files of this backend only: suites run side by side (scripts/test.sh)
SELECT '/tmp/quota_ext_regress_fc19_' || pg_backend_pid() || '.bin' AS qx_fc19_file \gset
SELECT '/tmp/quota_ext_regress_fc19_v1_' || pg_backend_pid() || '.bin' AS qx_fc19_v1_file \gset
SET extra_float_digits = 0;

-- 1. A later row with more decimals must not corrupt an earlier amount.
-- Deals (20000000.00, 0.5) then (0.333333333333, 0.5): four outcomes of 0.25
-- each, 0, 0.333333333333, 20000000, 20000000.333333333333.  So
-- p10 = 0 (P(S <= 0) = 0.25), p50 = 0.333333333333 (P = 0.5),
-- p90 = 20000000.333333333333 (P(S <= 20000000) = 0.75 < 0.9),
-- P(S >= 20000000) = 0.5, stddev = sqrt(0.25 * (2e7^2 + (1/3)^2)) = 1e7 (rounded).
CREATE TABLE fc19_rows(ord int, a numeric, p float8);
INSERT INTO fc19_rows VALUES (1, 20000000.00, 0.5), (2, 0.333333333333, 0.5);
SELECT 'forward' AS row_order, round((f).stddev::numeric) AS stddev, (f).p_target, (f).p10, (f).p50, (f).p90
FROM (SELECT pipeline_forecast(a, p, 20000000 ORDER BY ord) AS f FROM fc19_rows) x
UNION ALL
SELECT 'backward', round((f).stddev::numeric), (f).p_target, (f).p10, (f).p50, (f).p90
FROM (SELECT pipeline_forecast(a, p, 20000000 ORDER BY ord DESC) AS f FROM fc19_rows) x;
-- the same through _merge in both orders, the states through their text form
SELECT count(DISTINCT f::text) AS distinct_results, min(f::text) AS result
FROM (SELECT pipeline_forecast_merge(s ORDER BY ord) AS f
      FROM (SELECT ord, pipeline_forecast_partial(a, p, 20000000)::text::pipeline_forecast_state AS s
            FROM fc19_rows GROUP BY ord) y
      UNION ALL
      SELECT pipeline_forecast_merge(s ORDER BY ord DESC)
      FROM (SELECT ord, pipeline_forecast_partial(a, p, 20000000)::text::pipeline_forecast_state AS s
            FROM fc19_rows GROUP BY ord) y
      UNION ALL
      SELECT pipeline_forecast(a, p, 20000000) FROM fc19_rows) z;
-- a wrapped negative made the state unreadable: 92233720368547758.07 (int64
-- units at cents) then 0.001; the state reads back and p90 is their sum
SELECT (pipeline_forecast_merge(s)).p90 AS p90_sum_of_both,
       bool_and(s::text::pipeline_forecast_state::text = s::text) AS text_round_trip
FROM (SELECT pipeline_forecast_partial(a, 0.5 ORDER BY o) AS s
      FROM (VALUES (1, 92233720368547758.07), (2, 0.001)) v(o, a)) x;

-- 2. One fine-scaled row must not spoil the group.
-- One deal of 66589.86 at 0.93, written as numeric(40,20): P(S >= 66589.86)
-- = 0.93; P(S <= 0) = 0.07 < 0.1, so p10 = p50 = p90 = 66589.86.
SELECT (f).p_target, (f).p10 = 66589.86 AND (f).p50 = 66589.86 AND (f).p90 = 66589.86 AS quantiles_exact
FROM (SELECT pipeline_forecast(66589.86::numeric(40,20), 0.93, 66589.86) AS f) x;
-- SPEC §10's example (p_target 0.849, p10/p50/p90 50000/80000/110000)
-- plus a deal of 1e-20 at 0.5: the big deals' sums are multiples of 10000,
-- so S >= 60000 exactly when they reach it (0.849).  The big sums' CDF
-- (enumerated by hand): 40000: 0.085, 50000: 0.151 (P = 0.066), 70000:
-- 0.442, 80000: 0.613 (P = 0.171), 100000: 0.892, 110000: 1 (P = 0.108).
-- With the fine deal P(S <= s) = P(big < s) + P(big = s) / 2 at a big sum
-- s and P(big <= s) just above it: 50000: 0.118 >= 0.1 > 0.085, 80000:
-- 0.5275 >= 0.5 > 0.442, 110000: 0.946 >= 0.9 > 0.892.  So the SPEC's
-- quantiles again, at 20 decimals.  And with a 25-decimal row at
-- probability 0 and an amount 0: the SPEC's own answer.
SELECT round((f).p_target::numeric, 6) AS p_target, (f).p10, (f).p50, (f).p90
FROM (SELECT pipeline_forecast(a, p, 60000) AS f
      FROM (VALUES (50000, 0.9), (30000, 0.5), (20000, 0.3), (10000, 0.8), (1e-20, 0.5)) v(a, p)) x;
SELECT round((f).p_target::numeric, 6) AS p_target,
       (f).p10 = 50000 AND (f).p50 = 80000 AND (f).p90 = 110000 AS spec_quantiles, scale((f).p10) AS display_scale
FROM (SELECT pipeline_forecast(a, p, 60000) AS f
      FROM (VALUES (50000, 0.9), (30000, 0.5), (20000, 0.3), (10000, 0.8),
                   (0.0000000000000000000000007, 0), (0.0000000000000000000000000000, 0.5)) v(a, p)) x;

-- 5. The slack of the CDF must not contradict p_target: one deal of 100 at
-- 0.50000000001 gives P(S <= 0) = 0.49999999999 < 0.5, so p50 = 100, and
-- P(S >= 100) = 0.50000000001 > 0.5 agrees.
SELECT (f).p_target, (f).p50 FROM (SELECT pipeline_forecast(100, 0.50000000001, 100) AS f) x;
-- and the slack is kept for rounding: 1 - 0.9 is 0.09999999999999998 in
-- float8, still P(S <= 0) = 0.1 for a deal at 0.9 (p10 = 0)
SELECT (pipeline_forecast(100, 0.9)).p10;

-- 6. Every state the aggregate writes can be read back: an amount of
-- 1e-400, a row with 1100 decimals (at probability 0 and at 0.5), through
-- text, binary COPY and _merge.
CREATE TABLE fc19_states(what text, s pipeline_forecast_state);
INSERT INTO fc19_states
SELECT '1e-400', pipeline_forecast_partial(1e-400, 0.5, 1e-400)
UNION ALL SELECT '1100 decimals at p 0', pipeline_forecast_partial(a, p, 1e-400)
FROM (VALUES (5::numeric, 0.5::float8), (('0.' || repeat('0', 1099) || '1')::numeric, 0)) v(a, p)
UNION ALL SELECT '1100 decimals at p 0.5', pipeline_forecast_partial(('0.' || repeat('0', 1099) || '1')::numeric, 0.5, 1e-400);
SELECT what, s::text::pipeline_forecast_state::text = s::text AS text_round_trip,
       (pipeline_forecast_state_combine(s, s)::text::pipeline_forecast_state IS NOT NULL) AS combine_reads
FROM fc19_states ORDER BY what COLLATE "C";
COPY fc19_states TO :'qx_fc19_file' (FORMAT binary);
CREATE TABLE fc19_states_copy (LIKE fc19_states);
COPY fc19_states_copy FROM :'qx_fc19_file' (FORMAT binary);
SELECT count(*) AS copied_equal FROM fc19_states a JOIN fc19_states_copy b USING (what) WHERE a.s::text = b.s::text;
-- 1e-400 at 0.5: P(S >= 1e-400) = 0.5, p90 = 1e-400 exactly
SELECT (f).p_target, (f).p90 = 1e-400 AS p90_exact
FROM (SELECT pipeline_forecast_merge(s) AS f FROM fc19_states WHERE what = '1e-400') x;

-- 1.2 crashed here (signal 11: the float8 amounts underflowed to 0, a grid
-- of step 0): 1e-400 at 0.5 and 3e-400 at 0.25.  Outcomes 0 (0.375),
-- 1e-400 (0.375), 3e-400 (0.125), 4e-400 (0.125): P(S >= 3e-400) = 0.25,
-- p10 = 0, p50 = 1e-400 (CDF 0.75), p90 = 4e-400 (CDF 0.875 < 0.9 at 3e-400).
SELECT (f).p_target, (f).p10 = 0 AND (f).p50 = 1e-400 AND (f).p90 = 4e-400 AS quantiles_exact
FROM (SELECT pipeline_forecast(a, p, 3e-400) AS f FROM (VALUES (1e-400, 0.5::float8), (3e-400, 0.25)) v(a, p)) x;

-- 7. The run of one amount and the merge are linear; what they give:
-- 1000 deals of 1234.56 at 0.5 and one of 1 at 0.3 (the sparse path, the
-- run of 1000 at once).  K ~ Binomial(1000, 0.5) of the big ones closes;
-- P(K <= 499) = (1 - P(K = 500)) / 2 < 0.5 and P(S <= 617280) =
-- P(K <= 499) + 0.7 P(K = 500) > 0.5, so p50 = 500 * 1234.56 = 617280;
-- P(S >= 617280) = P(K >= 500) = (1 + P(K = 500)) / 2 with P(K = 500) =
-- 1000! / (500!)^2 / 2^1000.
SELECT (f).p50,
       abs((f).p_target - (0.5 + factorial(1000) / (factorial(500) * factorial(500))
                                 / power(2::numeric, 1000) / 2)::float8) < 1e-12 AS p_target_exact
FROM (SELECT pipeline_forecast(CASE WHEN g = 0 THEN 1 ELSE 1234.56 END,
                               CASE WHEN g = 0 THEN 0.3 ELSE 0.5 END, 617280) AS f
      FROM generate_series(0, 1000) g) x;
-- the merge of 3000 one-deal states equals the one pass over the rows
SELECT (SELECT pipeline_forecast_merge(s) FROM (SELECT pipeline_forecast_partial(g * 1.01, 0.5, 1000) AS s
                                                FROM generate_series(1, 3000) g GROUP BY g) y)
       IS NOT DISTINCT FROM
       (SELECT pipeline_forecast(g * 1.01, 0.5, 1000) FROM generate_series(1, 3000) g) AS merge_equals_one_pass;

-- 3. Targets on a likely sum, up to 40 deals: exact (meet in the middle).
-- 20 deals of 1000 + i at 0.5 and 1,000,000 at 0.7: the small ones sum to
-- at most 20210 < 1,000,000, so S >= 1,000,000 exactly when the big one
-- closes: 0.7.
SELECT (pipeline_forecast(a, p, 1000000)).p_target
FROM (SELECT 1000 + i AS a, 0.5::float8 AS p FROM generate_series(1, 20) i UNION ALL SELECT 1000000, 0.7) d;
-- 20 commit deals at 0.9 and 6 upside deals at 0.1 (amounts with cents),
-- target the commit total: against a plain-SQL enumeration of the 2^26
-- outcomes grouped by the commit count... reduced: the upside deals are
-- each smaller than every commit deal (< 1000 against >= 5000), and all
-- six sum to 2999.97 < 5000, so S >= commit total exactly when all 20
-- commit deals close: 0.9^20.
SELECT abs((pipeline_forecast(a, p, 20 * 5000 + 190 * 100)).p_target - 0.9 ^ 20) < 1e-14 AS commit_lands
FROM (SELECT 5000 + 100 * i AS a, 0.9::float8 AS p FROM generate_series(0, 19) i
      UNION ALL SELECT 499.995 - i, 0.1 FROM generate_series(0, 5) i) d;

DROP TABLE fc19_rows, fc19_states, fc19_states_copy;

-- States written by quota_ext 1.2 (binary version 1) are still read: units
-- at the display scale, and float8 amounts ("coarse"), each read as the
-- decimal it holds.  Bytes by hand: version 1, flags, int32 scale, int64
-- deals, expected (kind 0, int32 scale, int128), int32 n, n x (int64, float8).
CREATE TABLE fc19_v1(what text, b bytea);
INSERT INTO fc19_v1 VALUES
  ('units', '\x0100' || '\x00000002'::bytea || '\x0000000000000003'::bytea
            || '\x00' || '\x00000002'::bytea || '\x0000000000000000'::bytea || '\x00000000000002e6'::bytea
            || '\x00000002'::bytea || '\x00000000000004d2'::bytea || '\x3fe0000000000000'::bytea
            || '\x00000000000001f4'::bytea || '\x3fd0000000000000'::bytea),
  ('coarse', '\x0102' || '\x00000000'::bytea || '\x0000000000000001'::bytea
            || '\x00' || '\x00000002'::bytea || '\x0000000000000000'::bytea || '\x000000000000004b'::bytea
            || '\x00000001'::bytea || '\x3ff8000000000000'::bytea || '\x3fe0000000000000'::bytea);
CREATE TABLE fc19_v1_states(s pipeline_forecast_state);
COPY (SELECT b FROM fc19_v1 ORDER BY what COLLATE "C" DESC) TO :'qx_fc19_v1_file' (FORMAT binary);
COPY fc19_v1_states FROM :'qx_fc19_v1_file' (FORMAT binary);
-- units: 12.34 at 0.5, 5.00 at 0.25, expected 7.42; coarse: 1.5 at 0.5
SELECT s::text FROM fc19_v1_states;
DROP TABLE fc19_v1, fc19_v1_states;
SELECT test_util.remove_backend_files() AS files_left;
