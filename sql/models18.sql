-- SPEC §18 (issue 27): bgnbd_prob_purchases, paretonbd_prob_purchases,
-- paretonbd_value, mbgnbd_fit / _p_alive / _expected, sbg_fit /
-- sbg_retention / sbg_survival.  Expected values come from hand
-- computations written beside them, from the SPEC's formulas restated in
-- plain SQL, or from identities (the pmf sums to 1, its mean is the
-- conditional expectation); the published-data checks (CDNOW, Fader &
-- Hardie's cohorts) and the mpmath references are in test/models18.sh.
-- files of this backend only: suites run side by side (scripts/test.sh)
SELECT '/tmp/quota_ext_regress_sbg_' || pg_backend_pid() || '.bin' AS qx_sbg_file \gset
SET extra_float_digits = 0;

-- ---------------------------------------------------------------------
-- 1. BG/NBD pmf, new customer, by hand: r = alpha = a = b = 1, tau = 1,
-- so q = alpha/(alpha+tau) = 1/2, NB(n; 1, 1/2) = (1/2)^(n+1),
-- P(NB >= n) = (1/2)^n, B(1, 1+n)/B(1, 1) = 1/(n+1), B(2, n)/B(1, 1) = 1/(n(n+1)):
--   P(0) = 1/2
--   P(1) = 1/2 * 1/4 + 1/2 * 1/2 = 3/8
--   P(2) = 1/3 * 1/8 + 1/6 * 1/4 = 1/12
-- ---------------------------------------------------------------------
CREATE TEMP TABLE bg1 AS SELECT ROW(1, 1, 1, 1, NULL, NULL, NULL)::bgnbd_model AS m;
SELECT abs(bgnbd_prob_purchases(m, 0, 1) - 0.5) < 1e-15 AS p0,
       abs(bgnbd_prob_purchases(m, 1, 1) - 0.375) < 1e-15 AS p1,
       abs(bgnbd_prob_purchases(m, 2, 1) - 1.0 / 12) < 1e-15 AS p2,
       -- the new-customer form is the history form at x = t_x = T = 0
       bgnbd_prob_purchases(m, 3, 1) = bgnbd_prob_purchases(m, 3, 1, 0, 0, 0) AS same_as_zero_history
FROM bg1;

-- ---------------------------------------------------------------------
-- 2. BG/NBD pmf with a history against the SPEC's formula in plain SQL.
-- With r, a, b whole numbers every Gamma is a factorial:
--   G(j, z) = (r+x+j-1)! / z^(r+x+j),  B(a, b) = (a-1)! (b-1)! / (a+b-1)!
-- so the formula of SPEC §18 is computed here term by term (its own
-- grouping, its own finite sum), not the way the C code does it.
-- ---------------------------------------------------------------------
CREATE FUNCTION pg_temp.fact(k int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
$$ SELECT factorial(k)::float8 $$;
CREATE FUNCTION pg_temp.beta(a int, b int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
$$ SELECT pg_temp.fact(a - 1) * pg_temp.fact(b - 1) / pg_temp.fact(a + b - 1) $$;
CREATE FUNCTION pg_temp.g(r int, x int, j int, z float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS
$$ SELECT pg_temp.fact(r + x + j - 1) / power(z, r + x + j) $$;
CREATE FUNCTION pg_temp.spec_pmf(r int, al float8, a int, b int, n int, tau float8, x int, tx float8, tt float8)
RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
SELECT (pg_temp.beta(a, b + x + n) * pg_temp.g(r, x, n, al + tt + tau) * power(tau, n) / pg_temp.fact(n)
        + CASE WHEN n > 0 THEN pg_temp.beta(a + 1, b + x + n - 1)
               * (pg_temp.g(r, x, 0, al + tt)
                  - (SELECT sum(pg_temp.g(r, x, j, al + tt + tau) * power(tau, j) / pg_temp.fact(j))
                     FROM generate_series(0, n - 1) j)) ELSE 0 END
        + CASE WHEN n = 0 AND x > 0 THEN pg_temp.beta(a + 1, b + x - 1) * pg_temp.g(r, x, 0, al + tx) ELSE 0 END)
     / (pg_temp.beta(a, b + x) * pg_temp.g(r, x, 0, al + tt)
        + CASE WHEN x > 0 THEN pg_temp.beta(a + 1, b + x - 1) * pg_temp.g(r, x, 0, al + tx) ELSE 0 END)
$$;
CREATE TEMP TABLE bg_grid AS
SELECT r, al, a, b, n, tau, x, tx, tt
FROM (VALUES (1, 2.5::float8, 1, 2), (2, 0.7, 3, 1), (1, 10.0, 2, 5)) m(r, al, a, b),
     generate_series(0, 6) n,
     (VALUES (0.5::float8), (4.0), (20.0)) h(tau),
     (VALUES (0, 0.0::float8, 0.0::float8), (0, 0.0, 9.0), (1, 2.0, 9.0), (3, 8.5, 9.0), (6, 1.0, 12.0)) c(x, tx, tt);
SELECT count(*) AS cases,
       count(*) FILTER (WHERE abs(bgnbd_prob_purchases(ROW(r, al, a, b, NULL, NULL, NULL)::bgnbd_model, n, tau, x, tx, tt)
                                  - pg_temp.spec_pmf(r, al, a, b, n, tau, x, tx, tt))
                              > 1e-12 * greatest(1e-3, pg_temp.spec_pmf(r, al, a, b, n, tau, x, tx, tt))) AS mismatches
FROM bg_grid;

-- ---------------------------------------------------------------------
-- 3. Sum to 1, mean = the conditional expectation (SPEC §18), for both
-- models over a grid of histories and horizons; n runs until the tail
-- is negligible (600 terms).
-- ---------------------------------------------------------------------
CREATE TEMP TABLE hist AS
SELECT x, tx, tt, tau
FROM (VALUES (0, 0.0::float8, 0.0::float8), (0, 0.0, 38.86), (2, 30.43, 38.86), (1, 2.0, 38.0),
             (5, 30.0, 31.0), (12, 35.0, 38.0), (30, 50.0, 52.0)) c(x, tx, tt),
     (VALUES (1.0::float8), (13.0), (39.0), (78.0)) h(tau);
CREATE TEMP TABLE moments AS
SELECT h.x, h.tx, h.tt, h.tau,
       sum(bgnbd_prob_purchases(ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL)::bgnbd_model, n, h.tau, h.x, h.tx, h.tt)) AS bg_sum,
       sum(n * bgnbd_prob_purchases(ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL)::bgnbd_model, n, h.tau, h.x, h.tx, h.tt)) AS bg_mean,
       sum(paretonbd_prob_purchases(ROW(0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL)::paretonbd_model, n, h.tau, h.x, h.tx, h.tt)) AS pn_sum,
       sum(n * paretonbd_prob_purchases(ROW(0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL)::paretonbd_model, n, h.tau, h.x, h.tx, h.tt)) AS pn_mean
FROM hist h, generate_series(0, 600) n
GROUP BY 1, 2, 3, 4;
SELECT count(*) AS histories,
       count(*) FILTER (WHERE abs(bg_sum - 1) > 1e-10) AS bg_sum_off,
       count(*) FILTER (WHERE abs(bg_mean - bgnbd_expected(ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL)::bgnbd_model, tau, x, tx, tt))
                              > 1e-9 * greatest(1, bg_mean)) AS bg_mean_off,
       count(*) FILTER (WHERE abs(pn_sum - 1) > 1e-9) AS pn_sum_off,
       count(*) FILTER (WHERE abs(pn_mean - paretonbd_expected(ROW(0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL)::paretonbd_model, tau, x, tx, tt))
                              > 1e-8 * greatest(1, pn_mean)) AS pn_mean_off
FROM moments;

-- n = 0 with a history: at least the probability of having left
-- (1 - P(alive)); a customer seen buying at t has P(alive) = 1 under both.
SELECT bgnbd_prob_purchases(ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL)::bgnbd_model, 0, 39, 2, 10, 38.86)
         >= 1 - bgnbd_p_alive(ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL)::bgnbd_model, 2, 10, 38.86) AS bg_zero_ge_gone,
       paretonbd_prob_purchases(ROW(0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL)::paretonbd_model, 0, 39, 2, 10, 38.86)
         >= 1 - paretonbd_p_alive(ROW(0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL)::paretonbd_model, 2, 10, 38.86) AS pn_zero_ge_gone,
       -- Pareto/NBD, new customer, s -> 0 is "never dies" only in the limit;
       -- with beta huge nobody dies within the horizon: the NBD pmf
       -- Gamma(r+n)/(Gamma(r) n!) q^r (1-q)^n at r = 1, q = 1/2: (1/2)^(n+1)
       abs(paretonbd_prob_purchases(ROW(1, 1, 1, 1e12, NULL, NULL, NULL)::paretonbd_model, 2, 1) - 0.125) < 1e-10 AS pn_nbd_limit;

-- ---------------------------------------------------------------------
-- 4. Extremes stay finite and within [0, 1]
-- ---------------------------------------------------------------------
CREATE TEMP TABLE ext AS
SELECT r, al, a, b, n, tau, x, tx, tt
FROM (VALUES (1e-6::float8, 1e-6::float8, 1e-6::float8, 1e-6::float8), (1e6, 1e6, 1e6, 1e6), (0.01, 1e4, 50, 0.02),
             (300, 0.001, 0.5, 300), (1, 1, 1, 1)) m(r, al, a, b),
     (VALUES (0), (1), (7), (1000), (100000)) k(n),
     (VALUES (1e-6::float8), (1.0), (1e6)) h(tau),
     (VALUES (0, 0.0::float8, 0.0::float8), (3, 1.0, 1e5), (200, 99.0, 100.0)) c(x, tx, tt);
CREATE FUNCTION pg_temp.try(stmt text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE v float8;
BEGIN
    EXECUTE stmt INTO v;
    RETURN v;
EXCEPTION WHEN invalid_parameter_value THEN
    RETURN -1;  -- an error naming the argument out of the supported range
END $$;
SELECT count(*) AS cases,
       count(*) FILTER (WHERE NOT (bg = -1 OR (bg >= 0 AND bg <= 1))) AS bg_bad,
       count(*) FILTER (WHERE NOT (pn = -1 OR (pn >= 0 AND pn <= 1))) AS pn_bad,
       count(*) FILTER (WHERE bg = -1) AS bg_refused,
       count(*) FILTER (WHERE pn = -1) AS pn_refused
FROM (SELECT pg_temp.try(format('SELECT bgnbd_prob_purchases(ROW(%s,%s,%s,%s,NULL,NULL,NULL)::bgnbd_model, %s, %s, %s, %s, %s)',
                                r, al, a, b, n, tau, x, tx, tt)) AS bg,
             pg_temp.try(format('SELECT paretonbd_prob_purchases(ROW(%s,%s,%s,%s,NULL,NULL,NULL)::paretonbd_model, %s, %s, %s, %s, %s)',
                                r, al, a, b, n, tau, x, tx, tt)) AS pn
      FROM ext) q;

-- ---------------------------------------------------------------------
-- 5. Bad arguments (SPEC §8) and NULLs
-- ---------------------------------------------------------------------
SELECT test_util.err($$SELECT bgnbd_prob_purchases(ROW(1,1,1,1,NULL,NULL,NULL)::bgnbd_model, -1, 1)$$) AS bg_negative_n,
       test_util.err($$SELECT bgnbd_prob_purchases(ROW(1,1,1,1,NULL,NULL,NULL)::bgnbd_model, 0, 0)$$) AS bg_zero_horizon;
SELECT test_util.err($$SELECT bgnbd_prob_purchases(ROW(1,1,1,1,NULL,NULL,NULL)::bgnbd_model, 0, 'NaN')$$) AS bg_nan_horizon,
       test_util.err($$SELECT bgnbd_prob_purchases(ROW(1,1,1,1,NULL,NULL,NULL)::bgnbd_model, 0, '-Infinity')$$) AS bg_inf_horizon;
SELECT test_util.err($$SELECT bgnbd_prob_purchases(ROW(1,1,1,1,NULL,NULL,NULL)::bgnbd_model, 0, 1, 0, 1, 2)$$) AS bg_x0_recency,
       test_util.err($$SELECT bgnbd_prob_purchases(ROW(1,1,1,1,NULL,NULL,NULL)::bgnbd_model, 0, 1, 1, 3, 2)$$) AS bg_recency_over_t;
SELECT test_util.err($$SELECT bgnbd_prob_purchases(ROW(1,1,1,1,NULL,NULL,NULL)::bgnbd_model, 0, 1, -1, 0, 2)$$) AS bg_negative_frequency,
       test_util.err($$SELECT bgnbd_prob_purchases(ROW(1,0,1,1,NULL,NULL,NULL)::bgnbd_model, 0, 1)$$) AS bg_zero_alpha;
SELECT test_util.err($$SELECT bgnbd_prob_purchases(ROW(1,1,NULL,1,NULL,NULL,NULL)::bgnbd_model, 0, 1)$$) AS bg_null_field,
       test_util.err($$SELECT bgnbd_prob_purchases(ROW(1,1,1,1e200,NULL,NULL,NULL)::bgnbd_model, 0, 1)$$) AS bg_huge_b;
SELECT test_util.err($$SELECT paretonbd_prob_purchases(ROW(1,1,1,1,NULL,NULL,NULL)::paretonbd_model, -3, 1)$$) AS pn_negative_n,
       test_util.err($$SELECT paretonbd_prob_purchases(ROW(1,1,1,1,NULL,NULL,NULL)::paretonbd_model, 0, -1, 1, 1, 2)$$) AS pn_negative_horizon;
SELECT test_util.err($$SELECT paretonbd_prob_purchases(ROW(1,'NaN',1,1,NULL,NULL,NULL)::paretonbd_model, 0, 1)$$) AS pn_nan_alpha,
       test_util.err($$SELECT paretonbd_prob_purchases(ROW(1,1,1,1,NULL,NULL,NULL)::paretonbd_model, 0, 1, 2, 'Infinity', 2)$$) AS pn_inf_recency;
SELECT bgnbd_prob_purchases(NULL, 0, 1) IS NULL AS bg_null_model,
       bgnbd_prob_purchases(ROW(1,1,1,1,NULL,NULL,NULL)::bgnbd_model, NULL, 1) IS NULL AS bg_null_n,
       bgnbd_prob_purchases(ROW(1,1,1,1,NULL,NULL,NULL)::bgnbd_model, 0, 1, 1, NULL, 2) IS NULL AS bg_null_recency,
       paretonbd_prob_purchases(ROW(1,1,1,1,NULL,NULL,NULL)::paretonbd_model, 0, NULL) IS NULL AS pn_null_horizon,
       paretonbd_prob_purchases(ROW(1,1,1,1,NULL,NULL,NULL)::paretonbd_model, 0, 1, NULL, 1, 2) IS NULL AS pn_null_frequency;

-- ---------------------------------------------------------------------
-- 6. paretonbd_value.  By hand: s = 1, beta + T = 1, delta = 1 gives
-- integral_0^inf e^-u / (1 + u) du = e E1(1) = 0.596347362323194 (A&S
-- 5.1.1, table 5.1); with T = t_x (P(alive) = 1), r + x = 2,
-- alpha + T = 2 the DERT is 2/2 * 0.5963... and E(M) of the
-- Gamma-Gamma model p = 1, q = 3, gamma = 4 at x = 1, m = 6 is
-- (4 + 6) * 1 / (1 + 3 - 1) = 10/3: value 1.98782454107731.
-- ---------------------------------------------------------------------
SELECT abs(paretonbd_value(ROW(1, 1.5, 1, 0.5, NULL, NULL, NULL)::paretonbd_model,
                           ROW(1, 3, 4, NULL, NULL, NULL)::gammagamma_model, 1, 0.5, 0.5, 6, 1)
           - 10.0 / 3 * 0.596347362323194) < 1e-12 AS value_by_hand;
-- a higher discount rate is worth less; a lapsed customer is worth less
SELECT paretonbd_value(ROW(0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL)::paretonbd_model, ROW(6.25, 3.74, 15.44, NULL, NULL, NULL)::gammagamma_model, 2, 30.43, 38.86, 30, 0.01)
       < paretonbd_value(ROW(0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL)::paretonbd_model, ROW(6.25, 3.74, 15.44, NULL, NULL, NULL)::gammagamma_model, 2, 30.43, 38.86, 30, 0.001) AS discount_lowers,
       paretonbd_value(ROW(0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL)::paretonbd_model, ROW(6.25, 3.74, 15.44, NULL, NULL, NULL)::gammagamma_model, 2, 5, 38.86, 30, 0.01)
       < paretonbd_value(ROW(0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL)::paretonbd_model, ROW(6.25, 3.74, 15.44, NULL, NULL, NULL)::gammagamma_model, 2, 30.43, 38.86, 30, 0.01) AS lapse_lowers;
SELECT test_util.err($$SELECT paretonbd_value(ROW(1,1,1,1,NULL,NULL,NULL)::paretonbd_model, ROW(1,3,4,NULL,NULL,NULL)::gammagamma_model, 1, 1, 2, 5, 0)$$) AS zero_discount,
       test_util.err($$SELECT paretonbd_value(ROW(1,1,1,1,NULL,NULL,NULL)::paretonbd_model, ROW(1,3,4,NULL,NULL,NULL)::gammagamma_model, 1, 1, 2, 5, 'NaN')$$) AS nan_discount;
SELECT test_util.err($$SELECT paretonbd_value(ROW(1,1,1,1,NULL,NULL,NULL)::paretonbd_model, ROW(1,3,4,NULL,NULL,NULL)::gammagamma_model, 1, 1, 2, -5, 0.1)$$) AS negative_monetary,
       test_util.err($$SELECT paretonbd_value(ROW(1,1,1,1,NULL,NULL,NULL)::paretonbd_model, ROW(1,0.5,4,NULL,NULL,NULL)::gammagamma_model, 1, 1, 2, 5, 0.1)$$) AS q_below_one;
SELECT test_util.err($$SELECT paretonbd_value(ROW(1,1,1,1,NULL,NULL,NULL)::paretonbd_model, ROW(1,3,4,NULL,NULL,NULL)::gammagamma_model, 1, 3, 2, 5, 0.1)$$) AS recency_over_t,
       paretonbd_value(NULL, ROW(1,3,4,NULL,NULL,NULL)::gammagamma_model, 1, 1, 2, 5, 0.1) IS NULL AS null_model,
       paretonbd_value(ROW(1,1,1,1,NULL,NULL,NULL)::paretonbd_model, ROW(1,3,4,NULL,NULL,NULL)::gammagamma_model, 1, 1, 2, NULL, 0.1) IS NULL AS null_monetary;
-- a tiny discount rate on a long-lived customer: finite or a named error
SELECT pg_temp.try($$SELECT paretonbd_value(ROW(1,1,0.01,1e6,NULL,NULL,NULL)::paretonbd_model, ROW(1,3,4,NULL,NULL,NULL)::gammagamma_model, 1, 1, 2, 5, 1e-300)$$) >= 0 AS tiny_discount_finite;

-- ---------------------------------------------------------------------
-- 7. Modified BG/NBD: P(alive) by hand (r = alpha = a = b = 1):
--   x = 0, t_x = 0, T = 1:  1 / (1 + 1/1 * (2/1)^1) = 1/3
--   x = 1, t_x = 1, T = 1:  1 / (1 + 1/2 * 1)     = 2/3
--   x = 2, t_x = 1, T = 3:  1 / (1 + 1/3 * (4/2)^3) = 3/11
-- ---------------------------------------------------------------------
CREATE TEMP TABLE mb1 AS SELECT ROW(1, 1, 1, 1, NULL, NULL, NULL)::mbgnbd_model AS m;
SELECT abs(mbgnbd_p_alive(m, 0, 0, 1) - 1.0 / 3) < 1e-15 AS one_time_buyer,
       abs(mbgnbd_p_alive(m, 1, 1, 1) - 2.0 / 3) < 1e-15 AS bought_at_t,
       abs(mbgnbd_p_alive(m, 2, 1, 3) - 3.0 / 11) < 1e-15 AS lapsed,
       mbgnbd_p_alive(m, 0, 0, 0) < 1 AS new_buyer_below_one,
       mbgnbd_expected(m, 0, 2, 1, 3) = 0 AS zero_horizon
FROM mb1;
-- expected purchases: P(alive) times the expectation of a customer alive
-- after x+1 purchases, whose purchase rate is Gamma(r+x, alpha+T) and
-- dropout Beta(a, b+x+1): bgnbd_expected of a customer without repeat
-- purchases (BG/NBD P(alive) 1) under the model (r+x, alpha, a, b+x+1)
SELECT count(*) AS cases,
       count(*) FILTER (WHERE abs(mbgnbd_expected(ROW(0.525, 6.183, 0.891, 1.614, NULL, NULL, NULL)::mbgnbd_model, tau, x, tx, tt)
                              - mbgnbd_p_alive(ROW(0.525, 6.183, 0.891, 1.614, NULL, NULL, NULL)::mbgnbd_model, x, tx, tt)
                                * bgnbd_expected(ROW(0.525 + x, 6.183, 0.891, 1.614 + x + 1, NULL, NULL, NULL)::bgnbd_model, tau, 0, 0, tt))
                          > 1e-12 * greatest(1, mbgnbd_expected(ROW(0.525, 6.183, 0.891, 1.614, NULL, NULL, NULL)::mbgnbd_model, tau, x, tx, tt))) AS mismatches
FROM hist;
SELECT test_util.err($$SELECT mbgnbd_p_alive(ROW(1,1,-1,1,NULL,NULL,NULL)::mbgnbd_model, 1, 1, 2)$$) AS negative_a,
       test_util.err($$SELECT mbgnbd_p_alive(ROW(1,1,1,1,NULL,NULL,NULL)::mbgnbd_model, 0, 1, 2)$$) AS x0_recency;
SELECT test_util.err($$SELECT mbgnbd_expected(ROW(1,1,1,1,NULL,NULL,NULL)::mbgnbd_model, -1, 1, 1, 2)$$) AS negative_horizon,
       test_util.err($$SELECT mbgnbd_expected(ROW(1,1,1,NULL,NULL,NULL,NULL)::mbgnbd_model, 1, 1, 1, 2)$$) AS null_b;
SELECT mbgnbd_p_alive(NULL, 1, 1, 2) IS NULL AS null_model,
       mbgnbd_expected(ROW(1,1,1,1,NULL,NULL,NULL)::mbgnbd_model, NULL, 1, 1, 2) IS NULL AS null_horizon;

-- mbgnbd_fit: NULL rows skipped, empty is NULL, bad rows are errors
SELECT mbgnbd_fit(x, tx, tt) IS NULL AS empty FROM (SELECT 1, 1.0::float8, 2.0::float8 WHERE false) t(x, tx, tt);
SELECT test_util.err($$SELECT mbgnbd_fit(x, tx, tt) FROM (VALUES (1, 3.0::float8, 2.0::float8)) t(x, tx, tt)$$) AS bad_row;
-- nobody bought twice: no maximum; converged false, parameters finite
SELECT (f).customers, (f).converged,
       (f).r > 0 AND (f).alpha > 0 AND (f).a > 0 AND (f).b > 0
       AND (f).r < 'Infinity' AND (f).alpha < 'Infinity' AND (f).a < 'Infinity' AND (f).b < 'Infinity' AS finite
FROM (SELECT mbgnbd_fit(x, tx, tt) f FROM (VALUES (0, 0.0::float8, 5.0::float8), (0, 0, 7), (NULL, 1, 2)) t(x, tx, tt)) q;
-- a small customer base; partial/merge (also over bgnbd_fit_partial's
-- states) equals one pass; text round trip of the state
SELECT setseed(0.18);
CREATE TABLE mb_small AS
SELECT x, CASE WHEN x = 0 THEN 0 ELSE round((random() * tt)::numeric, 2)::float8 END AS tx, tt
FROM (SELECT (random() * random() * 8)::int AS x, round((10 + random() * 30)::numeric, 2)::float8 AS tt
      FROM generate_series(1, 3000)) s;
ANALYZE mb_small;
SELECT (f).customers, (f).converged,
       (f)::text = (m)::text AS merge_equal, (f)::text = (b)::text AS merge_bg_states_equal,
       (f)::text = (rt)::text AS text_round_trip_equal
FROM (SELECT mbgnbd_fit(x, tx, tt) f FROM mb_small) a,
     (SELECT mbgnbd_fit_merge(p) m FROM (SELECT mbgnbd_fit_partial(x, tx, tt) p FROM mb_small GROUP BY x % 3) z) c,
     (SELECT mbgnbd_fit_merge(p) b FROM (SELECT bgnbd_fit_partial(x, tx, tt) p FROM mb_small GROUP BY x % 2) z) d,
     (SELECT mbgnbd_fit_merge(p::text::bgnbd_fit_state) rt FROM (SELECT mbgnbd_fit_partial(x, tx, tt) p FROM mb_small GROUP BY tt > 20) z) e;
SELECT test_util.err($$SELECT mbgnbd_fit_merge(s) FROM (VALUES ('1:(1,3,2,1)'::bgnbd_fit_state)) v(s)$$) AS malformed_state;
SELECT mbgnbd_fit_merge(s) IS NULL AS merge_of_nulls FROM (VALUES (NULL::bgnbd_fit_state)) v(s);

-- ---------------------------------------------------------------------
-- 8. sBG.  Retention and survival against the SPEC's formula in plain
-- SQL: r(t) = (beta+t-1)/(alpha+beta+t-1), S(t) = prod r(1..t).
-- By hand at alpha = 1, beta = 2: r(1) = 2/3, r(2) = 3/4, S(2) = 1/2.
-- ---------------------------------------------------------------------
SELECT abs(sbg_retention(ROW(1, 2, NULL, NULL, NULL)::sbg_model, 1) - 2.0 / 3) < 1e-15 AS r1,
       abs(sbg_retention(ROW(1, 2, NULL, NULL, NULL)::sbg_model, 2) - 0.75) < 1e-15 AS r2,
       abs(sbg_survival(ROW(1, 2, NULL, NULL, NULL)::sbg_model, 2) - 0.5) < 1e-15 AS s2,
       sbg_survival(ROW(1, 2, NULL, NULL, NULL)::sbg_model, 0) = 1 AS s0;
SELECT count(*) AS cases,
       count(*) FILTER (WHERE abs(sbg_survival(ROW(al, be, NULL, NULL, NULL)::sbg_model, t)
                                  - (SELECT exp(sum(ln((be + i - 1) / (al + be + i - 1)))) FROM generate_series(1, t) i))
                              > 1e-12) AS survival_mismatches,
       count(*) FILTER (WHERE abs(sbg_retention(ROW(al, be, NULL, NULL, NULL)::sbg_model, t)
                                  - (be + t - 1) / (al + be + t - 1)) > 1e-15) AS retention_mismatches
FROM (VALUES (0.668::float8, 3.806::float8), (0.704, 1.182), (0.01, 100), (50, 0.5)) m(al, be),
     generate_series(1, 2000, 37) t;
-- beyond 100000 periods survival comes from lgamma: still continuous
SELECT abs(sbg_survival(ROW(0.7, 1.2, NULL, NULL, NULL)::sbg_model, 100001) / sbg_survival(ROW(0.7, 1.2, NULL, NULL, NULL)::sbg_model, 100000)
           - sbg_retention(ROW(0.7, 1.2, NULL, NULL, NULL)::sbg_model, 100001)) < 1e-9 AS continuous_at_100000,
       sbg_survival(ROW(0.7, 1.2, NULL, NULL, NULL)::sbg_model, 2147483647) BETWEEN 0 AND 1e-3 AS last_period;
SELECT test_util.err($$SELECT sbg_retention(ROW(1,2,NULL,NULL,NULL)::sbg_model, 0)$$) AS retention_period_0,
       test_util.err($$SELECT sbg_survival(ROW(1,2,NULL,NULL,NULL)::sbg_model, -1)$$) AS survival_negative;
SELECT test_util.err($$SELECT sbg_survival(ROW(0,2,NULL,NULL,NULL)::sbg_model, 1)$$) AS zero_alpha,
       test_util.err($$SELECT sbg_retention(ROW(1,NULL,NULL,NULL,NULL)::sbg_model, 1)$$) AS null_beta;
SELECT sbg_retention(NULL, 1) IS NULL AS null_model, sbg_survival(ROW(1,2,NULL,NULL,NULL)::sbg_model, NULL) IS NULL AS null_period;

-- sbg_fit on Fader & Hardie's (2007) "regular" cohort: alpha 0.668,
-- beta 3.806 as published (table 1 / figure 3 of the paper)
CREATE TABLE sbg_rows AS
SELECT c, p, s::bigint AS s
FROM (VALUES ('regular', ARRAY[1000, 869, 743, 653, 593, 551, 517, 491]),
             ('high end', ARRAY[1000, 631, 468, 382, 326, 289, 262, 241])) v(c, a),
     unnest(a) WITH ORDINALITY u(s, o), LATERAL (SELECT (o - 1)::int AS p) q;
ANALYZE sbg_rows;
SELECT c, round((f).alpha::numeric, 3) AS alpha, round((f).beta::numeric, 3) AS beta, (f).periods, (f).converged
FROM (SELECT c, sbg_fit(p, s) f FROM sbg_rows GROUP BY c) q ORDER BY c;
-- rows in any order, NULL rows skipped, a repeated identical row counts once
SELECT (SELECT sbg_fit(p, s) FROM (SELECT * FROM sbg_rows WHERE c = 'regular' ORDER BY p DESC) z)::text
     = (SELECT sbg_fit(p, s) FROM (SELECT p, s FROM sbg_rows WHERE c = 'regular'
                                   UNION ALL SELECT 3, 653 UNION ALL SELECT NULL, 5 UNION ALL SELECT 4, NULL) z)::text AS order_nulls_repeats;
-- partial/merge = one pass; shards that share a row; parallel = serial
SELECT (SELECT sbg_fit(p, s) FROM sbg_rows WHERE c = 'high end')::text
     = (SELECT sbg_fit_merge(st) FROM (SELECT sbg_fit_partial(p, s) st FROM sbg_rows WHERE c = 'high end' GROUP BY p % 3) z)::text AS merge_equal,
       (SELECT sbg_fit(p, s) FROM sbg_rows WHERE c = 'high end')::text
     = (SELECT sbg_fit_merge(st) FROM (SELECT sbg_fit_partial(p, s) st FROM sbg_rows WHERE c = 'high end' AND p <= 4
                                       UNION ALL SELECT sbg_fit_partial(p, s) FROM sbg_rows WHERE c = 'high end' AND p >= 4) z)::text AS overlap_equal;
SELECT sbg_fit_partial(p, s) AS state FROM sbg_rows WHERE c = 'regular';
SELECT sbg_fit_merge(st::text::sbg_fit_state)::text = (SELECT sbg_fit(p, s) FROM sbg_rows WHERE c = 'regular')::text AS text_round_trip
FROM (SELECT sbg_fit_partial(p, s) st FROM sbg_rows WHERE c = 'regular') z;
SELECT '1: (3, 10) ,(0,20), (3,10)'::sbg_fit_state AS normalised, '1:'::sbg_fit_state AS empty_state,
       sbg_fit_merge(st) IS NULL AS merge_of_nulls FROM (VALUES (NULL::sbg_fit_state)) v(st);
SELECT sbg_fit_merge(st) AS empty_state_fit FROM (VALUES ('1:'::sbg_fit_state)) v(st);
-- binary round trip through COPY, and malformed binary values (22P03)
CREATE TEMP TABLE sbg_st AS SELECT c, sbg_fit_partial(p, s) st FROM sbg_rows GROUP BY c;
COPY sbg_st TO :'qx_sbg_file' (FORMAT binary);
CREATE TEMP TABLE sbg_st2 (c text, st sbg_fit_state);
COPY sbg_st2 FROM :'qx_sbg_file' (FORMAT binary);
SELECT count(*) AS states, count(*) FILTER (WHERE a.st::text IS DISTINCT FROM b.st::text
                                            OR sbg_fit_state_send(a.st) IS DISTINCT FROM sbg_fit_state_send(b.st)) AS mismatches
FROM sbg_st a JOIN sbg_st2 b USING (c);
CREATE TEMP TABLE sbg_bad(what text, b bytea);
INSERT INTO sbg_bad
SELECT 'truncated', substr(sbg_fit_state_send(st), 1, 10) FROM sbg_st WHERE c = 'regular'
UNION ALL SELECT 'trailing byte', sbg_fit_state_send(st) || '\x00'::bytea FROM sbg_st WHERE c = 'regular'
UNION ALL SELECT 'version 2', overlay(sbg_fit_state_send(st) placing '\x02'::bytea from 1) FROM sbg_st WHERE c = 'regular'
UNION ALL SELECT 'count too big', overlay(sbg_fit_state_send(st) placing '\x7fffffff'::bytea from 2) FROM sbg_st WHERE c = 'regular'
UNION ALL SELECT 'negative survivors', overlay(sbg_fit_state_send(st) placing '\xffffffffffffffff'::bytea from 10) FROM sbg_st WHERE c = 'regular'
UNION ALL SELECT 'periods out of order', '\x01' || '\x00000002'::bytea || '\x00000001' || '\x0000000000000005' || '\x00000000' || '\x0000000000000009' 
UNION ALL SELECT 'empty', ''::bytea;
CREATE TEMP TABLE sbg_bad_target(st sbg_fit_state);
CREATE FUNCTION pg_temp.recv_sbg(what text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT b FROM sbg_bad WHERE what = %L) TO %L (FORMAT binary)',
                   what, '/tmp/quota_ext_regress_bad_' || pg_backend_pid() || '.bin');
    RETURN test_util.err(format('COPY sbg_bad_target FROM %L (FORMAT binary)', '/tmp/quota_ext_regress_bad_' || pg_backend_pid() || '.bin'));
END $$;
SELECT what, pg_temp.recv_sbg(what) FROM sbg_bad ORDER BY what;
-- malformed text values (22P02)
SELECT test_util.err($$SELECT '2:(0,5)'::sbg_fit_state$$) AS bad_version;
SELECT test_util.err($$SELECT '1:(0,5),(0,6)'::sbg_fit_state$$) AS two_counts;
SELECT test_util.err($$SELECT '1:(-1,5)'::sbg_fit_state$$) AS negative_period;
SELECT test_util.err($$SELECT '1:(0,-5)'::sbg_fit_state$$) AS negative_survivors;
SELECT test_util.err($$SELECT '1:(0,5'::sbg_fit_state$$) AS unclosed;
SELECT test_util.err($$SELECT '1:(0,5)(1,4)'::sbg_fit_state$$) AS no_comma;
SELECT test_util.err($$SELECT '1:(99999,5)'::sbg_fit_state$$) AS period_too_big;
-- bad cohorts
SELECT test_util.err($$SELECT sbg_fit(p, s) FROM (VALUES (1, 10::bigint), (2, 8)) v(p, s)$$) AS no_period_0;
SELECT test_util.err($$SELECT sbg_fit(p, s) FROM (VALUES (0, 10::bigint), (2, 8)) v(p, s)$$) AS gap;
SELECT test_util.err($$SELECT sbg_fit(p, s) FROM (VALUES (0, 10::bigint), (1, 11)) v(p, s)$$) AS increase;
SELECT test_util.err($$SELECT sbg_fit(p, s) FROM (VALUES (0, 10::bigint), (1, 8), (1, 7)) v(p, s)$$) AS two_counts;
SELECT test_util.err($$SELECT sbg_fit(p, s) FROM (VALUES (-1, 10::bigint)) v(p, s)$$) AS negative_period;
SELECT test_util.err($$SELECT sbg_fit(p, s) FROM (VALUES (0, -10::bigint)) v(p, s)$$) AS negative_survivors;
SELECT test_util.err($$SELECT sbg_fit_merge(st) FROM (VALUES ('1:(0,10),(1,8)'::sbg_fit_state), ('1:(1,7)')) v(st)$$) AS merge_two_counts;
-- no maximum: converged false, never NaN
SELECT v.what, (f).alpha > 0 AND (f).alpha < 'Infinity' AND (f).beta > 0 AND (f).beta < 'Infinity' AS finite,
       (f).log_likelihood > '-Infinity' AS ll_finite, (f).periods, (f).converged
FROM (SELECT 'nobody leaves' what, sbg_fit(p, s) f FROM (VALUES (0, 100::bigint), (1, 100), (2, 100)) v(p, s)
      UNION ALL SELECT 'everybody leaves at once', sbg_fit(p, s) FROM (VALUES (0, 100::bigint), (1, 0), (2, 0)) v(p, s)
      UNION ALL SELECT 'only the start', sbg_fit(p, s) FROM (VALUES (0, 100::bigint)) v(p, s)
      UNION ALL SELECT 'empty cohort', sbg_fit(p, s) FROM (VALUES (0, 0::bigint), (1, 0)) v(p, s)) v ORDER BY 1;
SELECT sbg_fit(p, s) IS NULL AS no_rows FROM (SELECT 0, 1::bigint WHERE false) v(p, s);

-- ---------------------------------------------------------------------
-- 9. Parallel plans equal serial ones (regular tables: workers cannot
-- read temporary ones)
-- ---------------------------------------------------------------------
CREATE TABLE sbg_many AS
SELECT k, p, (1000 * power(0.8 + (k % 7) / 50.0, p))::bigint AS s
FROM generate_series(1, 400) k, generate_series(0, 12) p;
ANALYZE sbg_many;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial18 AS
SELECT (SELECT mbgnbd_fit(x, tx, tt)::text FROM mb_small) AS mb,
       (SELECT string_agg(f::text, ';' ORDER BY k) FROM (SELECT k, sbg_fit(p, s) f FROM sbg_many GROUP BY k) z) AS sb;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT mbgnbd_fit(x, tx, tt) FROM mb_small;
EXPLAIN (COSTS OFF) SELECT k, sbg_fit(p, s) FROM sbg_many GROUP BY k;
SELECT (SELECT mbgnbd_fit(x, tx, tt)::text FROM mb_small) = mb AS mb_parallel_equal,
       (SELECT string_agg(f::text, ';' ORDER BY k) FROM (SELECT k, sbg_fit(p, s) f FROM sbg_many GROUP BY k) z) = sb AS sbg_parallel_equal
FROM serial18;
-- the merge aggregates in parallel too
SELECT (SELECT mbgnbd_fit_merge(st)::text FROM (SELECT mbgnbd_fit_partial(x, tx, tt) st FROM mb_small GROUP BY x) z) = mb AS mb_merge_parallel_equal
FROM serial18;
RESET enable_hashagg;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
DROP TABLE mb_small, sbg_rows, sbg_many;
SELECT test_util.remove_backend_files() AS files_left;
