-- forecast_backtest (SPEC §15): hand-checked pinball losses, a plain-SQL
-- formulation on random periods, edges, bad arguments with SQLSTATE,
-- parallel = serial, merge = one pass, state round trips and refusals.
-- files of this backend only: suites run side by side (scripts/test.sh)
SELECT '/tmp/quota_ext_regress_calib_fb_' || pg_backend_pid() || '.bin' AS qx_calib_fb_file \gset
SET extra_float_digits = 0;
CREATE FUNCTION pg_temp.err_detail(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; det text;
BEGIN
    EXECUTE stmt;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, det = PG_EXCEPTION_DETAIL;
    RETURN st || ': ' || det;
END $$;

-- 1. By hand: pinball L_tau(y, q) = tau (y - q) when y >= q, else (1 - tau)(q - y)
--    A: actual 100, p10/p50/p90 = 80/100/120: inside;
--       L.1 = 0.1*20 = 2, L.5 = 0, L.9 = 0.1*20 = 2 -> 4/3; |100-100|/100 = 0
--    B: actual 50, 60/90/100: below p10;
--       L.1 = 0.9*10 = 9, L.5 = 0.5*40 = 20, L.9 = 0.1*50 = 5 -> 34/3;
--       ape = 40/50 = 0.8, bias = +0.8
--    C: actual 130, 80/100/120: above p90;
--       L.1 = 0.1*50 = 5, L.5 = 0.5*30 = 15, L.9 = 0.9*10 = 9 -> 29/3;
--       ape = 30/130 = 0.2307692, bias = -0.2307692
--    periods 3; inside, below_p10, above_p90 1/3 each;
--    pinball = (4/3 + 34/3 + 29/3) / 3 = 67/9 = 7.4444444
--    mape = (0 + 0.8 + 0.2307692) / 3 = 0.3435897
--    bias = (0 + 0.8 - 0.2307692) / 3 = 0.1897436
CREATE TEMP TABLE fb_hand(period text, actual numeric, p10 numeric, p50 numeric, p90 numeric);
INSERT INTO fb_hand VALUES ('A', 100, 80, 100, 120), ('B', 50, 60, 90, 100), ('C', 130, 80, 100, 120);
SELECT periods, round(inside::numeric, 7) AS inside, round(below_p10::numeric, 7) AS below_p10,
       round(above_p90::numeric, 7) AS above_p90, round(pinball::numeric, 7) AS pinball,
       round(mape::numeric, 7) AS mape, round(bias::numeric, 7) AS bias
FROM (SELECT (forecast_backtest(actual, p10, p50, p90)).* FROM fb_hand) f;
-- one period each: pinball 4/3, 34/3, 29/3
SELECT period, round((forecast_backtest(actual, p10, p50, p90)).pinball::numeric, 7) AS pinball
FROM fb_hand GROUP BY period ORDER BY period;
-- the range is closed: actual = p10 and actual = p90 are inside; a point
-- forecast (p10 = p50 = p90 = actual) has loss 0
SELECT (f).inside, (f).below_p10, (f).above_p90, (f).pinball
FROM (SELECT forecast_backtest(a, l, m, h) AS f
      FROM (VALUES (80::numeric, 80::numeric, 100::numeric, 120::numeric), (120, 80, 100, 120), (7, 7, 7, 7)) v(a, l, m, h)) x;
-- exact comparisons of big, many-digit amounts: 1e20 + 0.01 is above 1e20
SELECT (f).above_p90, (f).pinball
FROM (SELECT forecast_backtest(100000000000000000000.01, 0, 0, 100000000000000000000) AS f) x;

-- 2. A plain-SQL formulation on random periods (numeric arithmetic, exact)
SELECT setseed(0.2415);
CREATE TABLE fb_rows AS
SELECT g % 4 AS grp, a, least(q1, q2, q3) AS p10,
       q1 + q2 + q3 - least(q1, q2, q3) - greatest(q1, q2, q3) AS p50, greatest(q1, q2, q3) AS p90
FROM (SELECT g, round((random() * 1000 - 50)::numeric, 2) AS a,
             round((random() * 1000)::numeric, 2) AS q1, round((random() * 1000)::numeric, 2) AS q2,
             round((random() * 1000)::numeric, 2) AS q3
      FROM generate_series(1, 4000) g) r;
ANALYZE fb_rows;
CREATE TEMP TABLE fb_sql AS
SELECT grp, count(*) AS periods,
       avg((a BETWEEN p10 AND p90)::int::float8) AS inside,
       avg((a < p10)::int::float8) AS below, avg((a > p90)::int::float8) AS above,
       avg((CASE WHEN a >= p10 THEN 0.1 * (a - p10) ELSE 0.9 * (p10 - a) END
          + CASE WHEN a >= p50 THEN 0.5 * (a - p50) ELSE 0.5 * (p50 - a) END
          + CASE WHEN a >= p90 THEN 0.9 * (a - p90) ELSE 0.1 * (p90 - a) END) / 3) AS pinball,
       avg(abs(a - p50) / a) FILTER (WHERE a > 0) AS mape,
       avg((p50 - a) / a) FILTER (WHERE a > 0) AS bias
FROM fb_rows GROUP BY grp;
CREATE FUNCTION pg_temp.near(a float8, b float8) RETURNS boolean LANGUAGE sql IMMUTABLE
    AS $$ SELECT (a IS NULL AND b IS NULL) OR abs(a - b) <= 1e-12 * greatest(1, abs(b)) $$;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE NOT ((f).periods = s.periods AND (f).inside = s.inside AND (f).below_p10 = s.below
                                   AND (f).above_p90 = s.above AND pg_temp.near((f).pinball, s.pinball::float8)
                                   AND pg_temp.near((f).mape, s.mape::float8) AND pg_temp.near((f).bias, s.bias::float8))) AS mismatches
FROM (SELECT grp, forecast_backtest(a, p10, p50, p90) AS f FROM fb_rows GROUP BY grp) x JOIN fb_sql s USING (grp);

-- 3. NULLs and empty groups; no period with actual > 0: mape and bias NULL
SELECT forecast_backtest(actual, p10, p50, p90) IS NULL AS empty_is_null FROM fb_hand WHERE false;
SELECT (forecast_backtest(a, l, m, h)).periods AS null_rows_skipped
FROM (VALUES (NULL::numeric, 1::numeric, 2::numeric, 3::numeric), (1, NULL, 2, 3), (1, 1, NULL, 3), (1, 1, 2, NULL), (2, 1, 2, 3)) v(a, l, m, h);
SELECT forecast_backtest(a, l, m, h) IS NULL AS only_null_rows
FROM (VALUES (NULL::numeric, 1::numeric, 2::numeric, 3::numeric)) v(a, l, m, h);
SELECT (f).periods, (f).mape IS NULL AS mape_null, (f).bias IS NULL AS bias_null, round((f).pinball::numeric, 7) AS pinball
FROM (SELECT forecast_backtest(a, l, m, h) AS f FROM (VALUES (0::numeric, 1::numeric, 2::numeric, 3::numeric), (-3, -5, 0, 1)) v(a, l, m, h)) x;

-- 4. Bad arguments
SELECT test_util.err($$SELECT forecast_backtest(100, 90, 80, 120)$$) AS p10_above_p50;
SELECT test_util.err($$SELECT forecast_backtest(100, 80, 130, 120)$$) AS p50_above_p90;
SELECT test_util.err($$SELECT forecast_backtest('NaN', 80, 100, 120)$$) AS actual_nan;
SELECT test_util.err($$SELECT forecast_backtest(100, 'NaN', 100, 120)$$) AS p10_nan;
SELECT test_util.err($$SELECT forecast_backtest(100, 80, 'NaN', 120)$$) AS p50_nan;
SELECT test_util.err($$SELECT forecast_backtest(100, 80, 100, 'Infinity')$$) AS p90_infinity;
SELECT test_util.err($$SELECT forecast_backtest(100, '-Infinity', 100, 120)$$) AS p10_minus_infinity;

-- 5. Parallel plans equal the serial one
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE fb_serial AS SELECT grp, forecast_backtest(a, p10, p50, p90) AS f FROM fb_rows GROUP BY grp;
CREATE TEMP TABLE fb_serial_total AS SELECT forecast_backtest(a, p10, p50, p90) AS f FROM fb_rows;
CREATE FUNCTION pg_temp.fb_same(a forecast_backtest, b forecast_backtest) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT a.periods = b.periods AND a.inside = b.inside AND a.below_p10 = b.below_p10
       AND a.above_p90 = b.above_p90 AND pg_temp.near(a.pinball, b.pinball)
       AND pg_temp.near(a.mape, b.mape) AND pg_temp.near(a.bias, b.bias) $$;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT grp, forecast_backtest(a, p10, p50, p90) FROM fb_rows GROUP BY grp;
SELECT count(*) AS groups, count(*) FILTER (WHERE NOT pg_temp.fb_same(p.f, s.f)) AS mismatches
FROM (SELECT grp, forecast_backtest(a, p10, p50, p90) AS f FROM fb_rows GROUP BY grp) p JOIN fb_serial s USING (grp);
RESET enable_hashagg;
EXPLAIN (COSTS OFF) SELECT forecast_backtest(a, p10, p50, p90) FROM fb_rows;
SELECT pg_temp.fb_same(p.f, s.f) AS parallel_equal
FROM (SELECT forecast_backtest(a, p10, p50, p90) AS f FROM fb_rows) p, fb_serial_total s;
SELECT pg_temp.fb_same(m.f, s.f) AS partial_parallel_equal
FROM (SELECT forecast_backtest_merge(st) AS f FROM (SELECT forecast_backtest_partial(a, p10, p50, p90) AS st FROM fb_rows) q) m,
     fb_serial_total s;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- 6. merge over partial states = one pass; NULL states skipped
CREATE TEMP TABLE fb_parts AS
SELECT grp, g AS part, forecast_backtest_partial(a, p10, p50, p90) AS st
FROM (SELECT *, (row_number() OVER ()) % 3 AS g FROM fb_rows) r GROUP BY grp, g;
SELECT count(*) AS groups, count(*) FILTER (WHERE NOT pg_temp.fb_same(m.f, s.f)) AS mismatches
FROM (SELECT grp, forecast_backtest_merge(st) AS f
      FROM (SELECT grp, st FROM fb_parts UNION ALL SELECT grp, NULL FROM fb_parts) u GROUP BY grp) m
JOIN fb_serial s USING (grp);
SELECT forecast_backtest_merge(st) IS NULL AS merge_of_nothing FROM fb_parts WHERE false;

-- 7. The state: text, round trips, refusals
SELECT forecast_backtest_partial(actual, p10, p50, p90)::text FROM fb_hand;
SELECT count(*) FILTER (WHERE st::text::forecast_backtest_state::text <> st::text
          OR forecast_backtest_state_send(st::text::forecast_backtest_state) <> forecast_backtest_state_send(st)) AS text_round_trip_mismatches
FROM fb_parts;
COPY (SELECT grp, part, st FROM fb_parts) TO :'qx_calib_fb_file' (FORMAT binary);
CREATE TEMP TABLE fb_parts_copy (LIKE fb_parts);
COPY fb_parts_copy FROM :'qx_calib_fb_file' (FORMAT binary);
SELECT count(*) AS states,
       count(*) FILTER (WHERE forecast_backtest_state_send(c.st) IS DISTINCT FROM forecast_backtest_state_send(p.st)) AS binary_mismatches
FROM fb_parts p FULL JOIN fb_parts_copy c USING (grp, part);
SELECT v AS malformed, pg_temp.err_detail(format('SELECT %L::forecast_backtest_state', v)) AS error
FROM (VALUES ('v1 periods=3 inside=1 below=1 above=0 positive=3 pinball=1 ape=1 bias=0'),
             ('v1 periods=3 inside=1 below=1 above=1 positive=4 pinball=1 ape=1 bias=0'),
             ('v1 periods=3 inside=1 below=1 above=1 positive=3 pinball=-1 ape=1 bias=0'),
             ('v1 periods=3 inside=1 below=1 above=1 positive=3 pinball=1 ape=-1 bias=0'),
             ('v1 periods=3 inside=1 below=1 above=1 positive=0 pinball=1 ape=1 bias=0'),
             ('v1 periods=0 inside=0 below=0 above=0 positive=0 pinball=1 ape=0 bias=0'),
             ('v1 periods=3 inside=1 below=1 above=1 positive=3 pinball=NaN ape=1 bias=0'),
             ('v1 periods=-1 inside=0 below=0 above=0 positive=0 pinball=0 ape=0 bias=0'),
             ('v1 periods=9223372036854775807 inside=9223372036854775807 below=1 above=0 positive=0 pinball=0 ape=0 bias=0'),
             ('v1 periods=3 inside=1 below=1 above=1 positive=3 pinball=1 ape=1'),
             ('v1 periods=3 inside=1 below=1 above=1 positive=3 pinball=1 ape=1 bias=0 more=1')) m(v);
CREATE TEMP TABLE fb_bad_target(st forecast_backtest_state);
CREATE TEMP TABLE fb_bad_bin(what text, b bytea);
-- layout: version, periods (2-9), inside, below, above, positive, pinball (42-49), ape, bias
INSERT INTO fb_bad_bin
SELECT 'truncated', substr(b, 1, 40) FROM (SELECT forecast_backtest_state_send(forecast_backtest_partial(actual, p10, p50, p90)) b FROM fb_hand) q
UNION ALL SELECT 'trailing byte', b || '\x00'::bytea FROM (SELECT forecast_backtest_state_send(forecast_backtest_partial(actual, p10, p50, p90)) b FROM fb_hand) q
UNION ALL SELECT 'version 2', overlay(b placing '\x02'::bytea from 1) FROM (SELECT forecast_backtest_state_send(forecast_backtest_partial(actual, p10, p50, p90)) b FROM fb_hand) q
UNION ALL SELECT 'periods off', overlay(b placing '\x0000000000000009'::bytea from 2) FROM (SELECT forecast_backtest_state_send(forecast_backtest_partial(actual, p10, p50, p90)) b FROM fb_hand) q
UNION ALL SELECT 'NaN pinball', overlay(b placing '\x7ff8000000000000'::bytea from 42) FROM (SELECT forecast_backtest_state_send(forecast_backtest_partial(actual, p10, p50, p90)) b FROM fb_hand) q;
CREATE FUNCTION pg_temp.recv_fb(what text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT b FROM fb_bad_bin WHERE what = %L) TO %L (FORMAT binary)',
                   what, '/tmp/quota_ext_regress_calib_bad_' || pg_backend_pid() || '.bin');
    RETURN test_util.err(format('COPY fb_bad_target FROM %L (FORMAT binary)', '/tmp/quota_ext_regress_calib_bad_' || pg_backend_pid() || '.bin'));
END $$;
SELECT what, pg_temp.recv_fb(what) FROM fb_bad_bin ORDER BY what COLLATE "C";
DROP TABLE fb_rows;
SELECT test_util.remove_backend_files() AS files_left;
