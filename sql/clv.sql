-- clv: SPEC §11 -- Gamma-Gamma, customer_value, btyd_holdout (the CDNOW
-- references are in test/clv_cdnow.sh)
SET extra_float_digits = 0;

-- 1. gammagamma_expected_spend by hand: (gamma + m x) p / (p x + q - 1)
--    (15.44 + 2 * 22.345) * 6.25 / (2 * 6.25 + 2.74) = 375.8125 / 15.24 = 24.65961286
--    x = 0: 6.25 * 15.44 / 2.74 = 35.21897810;  x = 1, m = 10, p = q - 1 = 1, gamma = 2:
--    (2 + 10) / (1 + 1) = 6
SELECT round(gammagamma_expected_spend(ROW(6.25, 3.74, 15.44, NULL, NULL, NULL)::gammagamma_model, 2, 22.345)::numeric, 8) AS two,
       round(gammagamma_expected_spend(ROW(6.25, 3.74, 15.44, NULL, NULL, NULL)::gammagamma_model, 0, 0)::numeric, 8) AS zero,
       gammagamma_expected_spend(ROW(1, 2, 2, NULL, NULL, NULL)::gammagamma_model, 1, 10) AS six,
       gammagamma_expected_spend(NULL, 1, 10) AS null_model,
       gammagamma_expected_spend(ROW(1, 2, 2, NULL, NULL, NULL)::gammagamma_model, 1, NULL) AS null_monetary;

-- bad arguments
SELECT test_util.err(format('SELECT gammagamma_expected_spend(%s::gammagamma_model, %s, %s)', m, x, v)) AS bad
FROM (VALUES ('ROW(6.25, 1, 15.44, NULL, NULL, NULL)', 1, '10'),
             ('ROW(6.25, 0.5, 15.44, NULL, NULL, NULL)', 1, '10'),
             ('ROW(NULL, 3.74, 15.44, NULL, NULL, NULL)', 1, '10'),
             ('ROW(6.25, 3.74, -1, NULL, NULL, NULL)', 1, '10'),
             ('ROW(6.25, 3.74, ''NaN'', NULL, NULL, NULL)', 1, '10'),
             ('ROW(6.25, 3.74, 15.44, NULL, NULL, NULL)', -1, '10'),
             ('ROW(6.25, 3.74, 15.44, NULL, NULL, NULL)', 1, '-10'),
             ('ROW(6.25, 3.74, 15.44, NULL, NULL, NULL)', 1, '''NaN''::numeric'),
             ('ROW(1e300, 1.000001, 1e300, NULL, NULL, NULL)', 0, '0'),
             ('ROW(6.25, 3.74, 15.44, NULL, NULL, NULL)', 1, 'repeat(''9'', 400)::numeric'),
             ('ROW(6.25, 3.74, 15.44, NULL, NULL, NULL)', 1, '1e-400')) t(m, x, v);  -- the last is 0: valid

-- extreme valid parameters: p, q - 1 and gamma over a log-grid 1e-6..1e6,
-- frequency 0, 1, 1000, monetary 1e-6, 1, 1e6: every result finite and >= 0
-- (none of these overflows: at most gamma p / (q-1) = 1e18)
SELECT count(*) AS cases,
       count(*) FILTER (WHERE e >= 0 AND e < 'Infinity'::float8) AS finite_nonnegative
FROM (SELECT gammagamma_expected_spend(ROW(p, 1 + q1, g, NULL, NULL, NULL)::gammagamma_model, x, m) AS e
      FROM (SELECT 10.0::float8 ^ k AS v FROM generate_series(-6, 6, 2) k) a(p),
           (SELECT 10.0::float8 ^ k FROM generate_series(-6, 6, 2) k) b(q1),
           (SELECT 10.0::float8 ^ k FROM generate_series(-6, 6, 2) k) c(g),
           (VALUES (0), (1), (1000)) d(x), (VALUES (0.000001), (1), (1000000)) e(m)) s;

-- 2. gammagamma_fit: NULL rows skipped, x = 0 and monetary <= 0 not used
SELECT gammagamma_fit(x, m) IS NULL AS none_used
FROM (VALUES (0, 10.0), (3, 0), (2, -5.0), (NULL, 1.0), (1, NULL)) t(x, m);
SELECT gammagamma_fit(x, m) IS NULL AS empty FROM (SELECT 1, 1.0 WHERE false) t(x, m);
SELECT (gammagamma_fit(x, m)).customers AS customers
FROM (VALUES (0, 10.0), (3, 0), (2, 12.5), (1, 8.0), (1, 8.0), (4, 30.0), (NULL, 1.0)) t(x, m);
SELECT test_util.err($$SELECT gammagamma_fit(x, m) FROM (VALUES (1, 10.0), (-1, 5.0)) t(x, m)$$) AS negative_frequency,
       test_util.err($$SELECT gammagamma_fit(x, m) FROM (VALUES (1, 'NaN'::numeric)) t(x, m)$$) AS nan_monetary;
-- every row twice: the same parameters and twice the log-likelihood (the
-- likelihood itself is checked against mpmath in test/clv_cdnow.sh)
SELECT abs((a).p / (b).p - 1) < 1e-6 AND abs((a).q / (b).q - 1) < 1e-6 AND abs((a).gamma / (b).gamma - 1) < 1e-6
       AND abs((a).log_likelihood / (b).log_likelihood - 2) < 1e-9 AS doubled_rows_same_fit
FROM (SELECT gammagamma_fit(x, m) a FROM (SELECT * FROM (VALUES (1, 10.0), (2, 14.0), (3, 9.5), (1, 30.0), (5, 12.0), (2, 11.0), (1, 7.0)) v(x, m), generate_series(1, 2)) t) s1,
     (SELECT gammagamma_fit(x, m) b FROM (VALUES (1, 10.0), (2, 14.0), (3, 9.5), (1, 30.0), (5, 12.0), (2, 11.0), (1, 7.0)) v(x, m)) s2;

-- 3. gammagamma_fit_state: text form, _partial/_merge, malformed input
SELECT gammagamma_fit_partial(x, m)::text AS state
FROM (VALUES (2, 12.5), (1, 8.0), (1, 8.0), (0, 3.0), (4, 1e-310::float8::numeric)) t(x, m);
SELECT '1:(4,30,1),(1,8,2)'::gammagamma_fit_state::text AS canonical, '1:'::gammagamma_fit_state::text AS empty;
SELECT (gammagamma_fit_merge(s)).customers AS merged_customers
FROM (VALUES ('1:(1,8,2)'::gammagamma_fit_state), (NULL), ('1:(2,12.5,1),(1,8,1)')) t(s);
SELECT test_util.err(format('SELECT %L::gammagamma_fit_state', v)) AS text_input FROM (VALUES
  (''), ('2:(1,8,1)'), ('1:(1,8)'), ('1:(0,8,1)'), ('1:(1,0,1)'), ('1:(1,-8,1)'), ('1:(1,8,0)'),
  ('1:(1,NaN,1)'), ('1:(1,8,1)x'), ('1:(1,8,1)(1,8,1)'), ('1:(1,1e400,1)'),
  ('1:(1,8,9223372036854775807),(1,8,1)')) t(v);
-- binary form: int32 version 1, int64 count 1, int32 frequency 2,
-- float8 12.5 (0x4029000000000000), int64 customers 3
SELECT encode(gammagamma_fit_state_send('1:(2,12.5,3)'), 'hex') AS wire;

-- 4. customer_value
-- discount 0 telescopes to E(M) E[X(periods L)]; one period is E(M) E[X(L)] / (1 + d)
SELECT abs(customer_value(bg, gg, 2, 30.43, 38.86, 22.345, 12, 30 / 7.0, 0)
           / (gammagamma_expected_spend(gg, 2, 22.345) * bgnbd_expected(bg, 12 * 30 / 7.0, 2, 30.43, 38.86)) - 1) < 1e-12 AS telescopes,
       abs(customer_value(bg, gg, 2, 30.43, 38.86, 22.345, 1, 13, 0.05)
           / (gammagamma_expected_spend(gg, 2, 22.345) * bgnbd_expected(bg, 13, 2, 30.43, 38.86) / 1.05) - 1) < 1e-12 AS one_period,
       customer_value(bg, gg, 2, 30.43, 38.86, 22.345, 12, 30 / 7.0, 0.01)
         < customer_value(bg, gg, 2, 30.43, 38.86, 22.345, 12, 30 / 7.0, 0) AS discount_lowers,
       customer_value(bg, gg, 0, 0, 38.86, 0, 12, 30 / 7.0, 1e300) >= 0 AS huge_discount
FROM (SELECT ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL)::bgnbd_model bg,
             ROW(6.25, 3.74, 15.44, NULL, NULL, NULL)::gammagamma_model gg) m;
SELECT test_util.err(format('SELECT customer_value(ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL)::bgnbd_model, ROW(6.25, 3.74, 15.44, NULL, NULL, NULL)::gammagamma_model, %s)', a)) AS bad
FROM (VALUES ('2, 30.43, 38.86, 22.345, 0, 4.2857, 0.01'),
             ('2, 30.43, 38.86, 22.345, 1201, 4.2857, 0.01'),
             ('2, 30.43, 38.86, 22.345, 12, 0, 0.01'),
             ('2, 30.43, 38.86, 22.345, 12, -1, 0.01'),
             ('2, 30.43, 38.86, 22.345, 12, ''NaN'', 0.01'),
             ('2, 30.43, 38.86, 22.345, 12, 4.2857, -0.01'),
             ('2, 30.43, 38.86, 22.345, 12, 4.2857, ''Infinity'''),
             ('2, 40, 38.86, 22.345, 12, 4.2857, 0.01'),
             ('0, 1, 38.86, 0, 12, 4.2857, 0.01'),
             ('-1, 0, 38.86, 0, 12, 4.2857, 0.01'),
             ('2, 30.43, 38.86, -5, 12, 4.2857, 0.01'),
             ('2, 30.43, 38.86, 22.345, 1200, 1e6, 0.01')) t(a);  -- the last is valid: a long horizon
SELECT test_util.err($$SELECT customer_value(ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL)::bgnbd_model, ROW(6.25, 1, 15.44, NULL, NULL, NULL)::gammagamma_model, 2, 30.43, 38.86, 22.345, 12, 4.2857, 0.01)$$) AS q_one;

-- extreme valid parameters: r, alpha, a, b over 1e-6..1e6 (every
-- fourth power of ten), a customer with 0 and one with 5 repeat purchases,
-- 12 months of 30/7 weeks: finite and >= 0, or 22023 naming the horizon
CREATE FUNCTION pg_temp.value_or_error(bg bgnbd_model, x int, tx float8) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE v float8; st text; msg text;
BEGIN
  v := customer_value(bg, ROW(6.25, 3.74, 15.44, NULL, NULL, NULL)::gammagamma_model,
                      x, tx, 38.86, 22.345, 12, 30 / 7.0, 0.01);
  RETURN CASE WHEN v >= 0 AND v < 'Infinity' THEN 'ok' ELSE 'bad value ' || v END;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
  RETURN st || ': ' || msg;
END $$;
SELECT count(*) AS cases,
       count(*) FILTER (WHERE res = 'ok') AS finite_nonnegative,
       count(*) FILTER (WHERE res LIKE '22023: horizon%') AS horizon_too_long,
       count(*) FILTER (WHERE res <> 'ok' AND res NOT LIKE '22023: horizon%') AS other
FROM (SELECT pg_temp.value_or_error(ROW(r, al, a, b, NULL, NULL, NULL)::bgnbd_model, x, 6 * x) AS res
      FROM (SELECT 10.0::float8 ^ k FROM generate_series(-6, 6, 4) k) r(r),
           (SELECT 10.0::float8 ^ k FROM generate_series(-6, 6, 4) k) al(al),
           (SELECT 10.0::float8 ^ k FROM generate_series(-6, 6, 4) k) a(a),
           (SELECT 10.0::float8 ^ k FROM generate_series(-6, 6, 4) k) b(b),
           (VALUES (0), (5)) x(x)) g;

-- 5. btyd_holdout by hand: calibration days 01-10 (100) and 02-01 (40 + 20):
--    frequency 1, recency 22, t 80 days, monetary 60; holdout days 04-15 (30)
--    and 05-20 (50): 2 days, mean 40; 07-01 after observation_end; 91 days
SELECT (btyd_holdout(ts, amount, date '2026-03-31', date '2026-06-30')).*
FROM (VALUES (date '2026-01-10', 100.00), (date '2026-02-01', 40.00), (date '2026-02-01', 20.00),
             (date '2026-04-15', 30.00), (date '2026-05-20', 50.00), (date '2026-07-01', 999.00),
             (NULL, 5.00), (date '2026-04-16', NULL)) o(ts, amount);
-- weeks: recency 22/7, t 80/7, duration 13
SELECT (h).recency_cal = 22 / 7.0::float8 AS recency_weeks, (h).t_cal = 80 / 7.0::float8 AS t_weeks, (h).duration_holdout AS duration_weeks
FROM (SELECT btyd_holdout(ts, amount, date '2026-03-31', date '2026-06-30', interval '7 days') h
      FROM (VALUES (date '2026-01-10', 100.00), (date '2026-02-01', 40.00)) o(ts, amount)) s;
-- only holdout purchases, or none: NULL; calibration only: zeros for the holdout;
-- calibration_end = observation_end: an empty holdout of length 0
SELECT btyd_holdout(ts, amount, date '2026-03-31', date '2026-06-30') IS NULL AS holdout_only
FROM (VALUES (date '2026-04-15', 30.00)) o(ts, amount);
SELECT btyd_holdout(ts, amount, date '2026-03-31', date '2026-06-30') IS NULL AS empty
FROM (SELECT date '2026-01-01', 1.0 WHERE false) o(ts, amount);
SELECT (btyd_holdout(ts, amount, date '2026-03-31', date '2026-06-30')).*
FROM (VALUES (date '2026-03-31', 12.50)) o(ts, amount);
SELECT (btyd_holdout(ts, amount, date '2026-03-31', date '2026-03-31')).*
FROM (VALUES (date '2026-03-01', 12.50), (date '2026-04-01', 7.00)) o(ts, amount);
-- bad arguments
SELECT test_util.err(format($$SELECT btyd_holdout(ts, 1.0, %s) FROM (VALUES (date '2026-01-10')) o(ts)$$, a)) AS bad
FROM (VALUES ($$date '2026-03-31', date '2026-03-30'$$),
             ($$NULL, date '2026-03-30'$$),
             ($$date '2026-03-31', NULL$$),
             ($$date '2026-03-31', date '2026-06-30', NULL$$),
             ($$date '2026-03-31', date '2026-06-30', interval '1 month'$$),
             ($$date '2026-03-31', date '2026-06-30', interval '-7 days'$$),
             ($$'infinity', date '2026-06-30'$$),
             ($$date '2026-03-31', 'infinity'$$)) t(a);
SELECT test_util.err($$SELECT btyd_holdout(ts, 1.0, ce, date '2026-06-30') FROM (VALUES (date '2026-01-10', date '2026-03-31'), (date '2026-01-11', date '2026-04-30')) o(ts, ce)$$) AS changing,
       test_util.err($$SELECT btyd_holdout(ts, 'NaN', date '2026-03-31', date '2026-06-30') FROM (VALUES (date '2026-01-10')) o(ts)$$) AS nan_amount,
       test_util.err($$SELECT btyd_holdout(ts, 1.0, date '2026-03-31', date '2026-06-30') FROM (VALUES ('-infinity'::date)) o(ts)$$) AS infinite_ts;

-- 7. Pareto/NBD closed forms against test/clv_reference.py pn-table: the
-- note's eqs. 18 and 22 with mpmath's hyp2f1 (A0 in the hypergeometric
-- form), a different route from the C code's quadrature; 1e-8 relative
CREATE TEMP TABLE pn_model(name text, r float8, alpha float8, s float8, beta float8);
INSERT INTO pn_model VALUES ('CDNOW', 0.55, 10.58, 0.61, 11.67), ('ALPHABIG', 2.0, 20.0, 1.5, 3.0),
  ('SONE', 0.8, 5.0, 1.0, 8.0);
CREATE TEMP TABLE pn_ref(name text, x int, tx float8, tt float8, alive float8, e39 float8);
INSERT INTO pn_ref VALUES
('CDNOW', 0, 0, 38.86, 0.293773950467, 0.10582535589),
('CDNOW', 2, 30.43, 38.86, 0.868410917132, 1.45037137479),
('CDNOW', 1, 2, 10, 0.66912609665, 1.38353130494),
('CDNOW', 7, 5, 38.86, 0.00117493953111, 0.0058100013381),
('CDNOW', 30, 38, 39, 0.983302547699, 19.6274821069),
('ALPHABIG', 0, 0, 38.86, 0.00288620704747, 0.00230300200619),
('ALPHABIG', 2, 30.43, 38.86, 0.638207103494, 1.01849397187),
('ALPHABIG', 1, 2, 10, 0.140670881694, 0.182872146202),
('ALPHABIG', 7, 5, 38.86, 0.000119782959732, 0.000430104896893),
('ALPHABIG', 30, 38, 39, 0.953209212709, 12.1561442555),
('SONE', 0, 0, 38.86, 0.0607989770606, 0.0314682453735),
('SONE', 2, 30.43, 38.86, 0.767517223466, 1.39037653583),
('SONE', 1, 2, 10, 0.35790437316, 0.891105920915),
('SONE', 7, 5, 38.86, 2.96535101173e-5, 0.00014964319767),
('SONE', 30, 38, 39, 0.969309404693, 19.2680970809);
SELECT name, x, tx, tt,
       abs(paretonbd_p_alive(ROW(r, alpha, s, beta, NULL, NULL, NULL)::paretonbd_model, x, tx, tt) / alive - 1) < 1e-8 AS alive_ok,
       abs(paretonbd_expected(ROW(r, alpha, s, beta, NULL, NULL, NULL)::paretonbd_model, 39, x, tx, tt) / e39 - 1) < 1e-8 AS expected_ok
FROM pn_ref JOIN pn_model USING (name) ORDER BY name COLLATE "C", x;

-- 8. Pareto/NBD at extreme valid parameters: r, alpha, s, beta over
-- 1e-6..1e6 (every other power of ten), five customers from none to 1000
-- repeat purchases, horizons 39 and 1e6: P(alive) in [0, 1] and the
-- expectation finite and >= 0 in every case
-- plain SQL, no subtransaction per case: the CASE names any case outside
-- the bounds (NaN fails "<= 1" and "< 'Infinity'", NULL gives a NULL res
-- row), and an error in any case aborts the statement and shows in the diff
-- (was a plpgsql EXCEPTION wrapper: one subtransaction per row, ~95% of the time)
SELECT res, count(*) AS cases FROM (
SELECT CASE WHEN a >= 0 AND a <= 1 AND e >= 0 AND e < 'Infinity' THEN 'ok' ELSE 'bad ' || a || ' ' || e END AS res
FROM (SELECT paretonbd_p_alive(m, x, tx, tt) AS a, paretonbd_expected(m, h, x, tx, tt) AS e
FROM (SELECT ROW(r, al, s, b, NULL, NULL, NULL)::paretonbd_model AS m, x, tx, tt, h
FROM (SELECT 10.0::float8 ^ k FROM generate_series(-6, 6, 2) k) r(r),
     (SELECT 10.0::float8 ^ k FROM generate_series(-6, 6, 2) k) al(al),
     (SELECT 10.0::float8 ^ k FROM generate_series(-6, 6, 2) k) s(s),
     (SELECT 10.0::float8 ^ k FROM generate_series(-6, 6, 2) k) b(b),
     (VALUES (0, 0, 38.86), (2, 30.43, 38.86), (7, 5, 38.86), (1000, 1e-3, 1e6), (1, 0, 1e-6)) c(x, tx, tt),
     (VALUES (39.0), (1e6)) h(h)) g OFFSET 0) v OFFSET 0) z GROUP BY 1 ORDER BY 2 DESC LIMIT 10;
-- and over 1e-100..1e100 (every fiftieth power of ten): test/paretonbd_extremes.sh,
-- once, under UBSan (6,250 cases at about 1 ms each: too long for every pg_regress run)

-- bad arguments and NULLs
SELECT paretonbd_p_alive(NULL, 1, 1, 2) IS NULL AS null_model,
       paretonbd_expected(ROW(1, 1, 1, 1, NULL, NULL, NULL)::paretonbd_model, NULL, 1, 1, 2) IS NULL AS null_horizon,
       paretonbd_expected(ROW(1, 1, 1, 1, NULL, NULL, NULL)::paretonbd_model, 0, 1, 1, 2) AS zero_horizon,
       paretonbd_p_alive(ROW(1, 1, 1, 1, NULL, NULL, NULL)::paretonbd_model, 3, 5, 5) = 1.0 / (1 + 0) AS bought_at_t;
SELECT test_util.err(format('SELECT paretonbd_expected(%s::paretonbd_model, %s)', m, a)) AS bad
FROM (VALUES ('ROW(NULL, 10.58, 0.61, 11.67, NULL, NULL, NULL)', '39, 1, 1, 2'),
             ('ROW(0.55, 0, 0.61, 11.67, NULL, NULL, NULL)', '39, 1, 1, 2'),
             ('ROW(0.55, 10.58, -0.61, 11.67, NULL, NULL, NULL)', '39, 1, 1, 2'),
             ('ROW(0.55, 10.58, 0.61, ''Infinity'', NULL, NULL, NULL)', '39, 1, 1, 2'),
             ('ROW(0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL)', '-1, 1, 1, 2'),
             ('ROW(0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL)', '''NaN'', 1, 1, 2'),
             ('ROW(0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL)', '39, -1, 0, 2'),
             ('ROW(0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL)', '39, 1, 3, 2'),
             ('ROW(0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL)', '39, 0, 1, 2'),
             ('ROW(0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL)', '39, 1, 1, ''NaN'''),
             ('ROW(1e6, 1e-6, 1e-6, 1e-6, NULL, NULL, NULL)', '1e300, 1000, 0, 0')) t(m, a);

-- 9. paretonbd_fit: NULL rows skipped, empty is NULL, bad rows are errors;
-- its partial state is bgnbd_fit's: a state from either fit feeds either merge
SELECT paretonbd_fit(x, tx, tt) IS NULL AS empty FROM (SELECT 1, 1.0::float8, 2.0::float8 WHERE false) t(x, tx, tt);
SELECT test_util.err($$SELECT paretonbd_fit(x, tx, tt) FROM (VALUES (1, 3.0::float8, 2.0::float8)) t(x, tx, tt)$$) AS bad_row;
CREATE TEMP TABLE pn_small(x int, tx float8, tt float8);
INSERT INTO pn_small VALUES (0, 0, 30), (0, 0, 25), (1, 5, 30), (2, 20, 28), (4, 27, 29), (1, 2, 20),
  (0, 0, 10), (3, 12, 30), (6, 29, 30), (1, 1, 30), (NULL, 1, 2), (0, 0, 30);
SELECT (f).customers,
       round((f).log_likelihood::numeric, 6) = round((m).log_likelihood::numeric, 6) AS merge_equals_whole,
       round((f).log_likelihood::numeric, 6) = round((b).log_likelihood::numeric, 6) AS merge_of_bgnbd_partials_equals_whole
FROM (SELECT paretonbd_fit(x, tx, tt) f FROM pn_small) a,
     (SELECT paretonbd_fit_merge(p) m FROM (SELECT paretonbd_fit_partial(x, tx, tt) p FROM pn_small GROUP BY x % 3) z) c,
     (SELECT paretonbd_fit_merge(p) b FROM (SELECT bgnbd_fit_partial(x, tx, tt) p FROM pn_small GROUP BY x % 2) z) d;

-- 6. parallel = serial for btyd_holdout and gammagamma_fit
CREATE TABLE clv_orders AS
SELECT c AS customer, date '2025-01-01' + ((c * 37 + k * 101) % 540) AS ts, ((c * 13 + k * 7) % 200 + 1)::numeric / 4 AS amount
FROM generate_series(1, 3000) c, generate_series(1, 1 + c % 6) k;
ANALYZE clv_orders;
CREATE TABLE clv_serial AS
SELECT customer, btyd_holdout(ts, amount, date '2025-12-31', date '2026-06-30', interval '7 days') h
FROM clv_orders GROUP BY customer;
-- the whole table as one group, so each worker's state is combined (and
-- one customer's rows only: workers without rows give NULL partial states);
-- LIMIT keeps the serial reference out of the parallel plan
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT btyd_holdout(ts, amount, date '2025-12-31', date '2026-06-30', interval '7 days') FROM clv_orders;
SELECT p.h::text = s.h::text AS whole_table_equal
FROM (SELECT btyd_holdout(ts, amount, date '2025-12-31', date '2026-06-30', interval '7 days') h FROM clv_orders) p,
     (SELECT btyd_holdout(ts, amount, date '2025-12-31', date '2026-06-30', interval '7 days') h
      FROM (SELECT * FROM clv_orders LIMIT 1000000) o) s;
SELECT p.h::text = s.h::text AS one_customer_equal
FROM (SELECT btyd_holdout(ts, amount, date '2025-12-31', date '2026-06-30', interval '7 days') h FROM clv_orders WHERE customer = 7) p,
     clv_serial s WHERE s.customer = 7;
EXPLAIN (COSTS OFF) SELECT gammagamma_fit((h).frequency_cal, (h).monetary_cal) FROM clv_serial;
SELECT (p).customers = (s).customers AND abs((p).p / (s).p - 1) < 1e-9 AND abs((p).log_likelihood / (s).log_likelihood - 1) < 1e-12 AS parallel_equals_serial
FROM (SELECT gammagamma_fit((h).frequency_cal, (h).monetary_cal) p FROM clv_serial) a,
     (SELECT gammagamma_fit((h).frequency_cal, (h).monetary_cal) s FROM (SELECT * FROM clv_serial LIMIT 100000) z) b;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size; RESET max_parallel_workers_per_gather;
DROP TABLE clv_orders, clv_serial;
