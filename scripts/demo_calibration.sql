-- scripts/demo_calibration.sql: trusting the probabilities (SPEC §15,
-- doc/calibration.md), after scripts/demo.sql over the same generated schema.
--
--   psql -X -v ON_ERROR_STOP=1 -v as_of=2026-09-15 -f scripts/demo_calibration.sql
--
-- Data it adds: sales.closed_deals, two years of closed deals (2024-10-01 to
-- 2026-09-30, 12 a rep a quarter) with agreement and objections as the open
-- deals have them.  Ground truth of the generator: a deal with lift index L
-- (lift_index(agreement, objections)) is won with probability
-- 0.85 * (1 - exp(-L / 1.5)), 0.85 when L is infinite -- not L / (1 + L),
-- which close_probability() says.  Then it shows:
--   (a) the calibration of close_probability against that history;
--   (b) the isotonic map fitted on the closed deals, next to the truth;
--   (c) the chance to make the rest of the Q3 quota, before and after;
--   (d) a backtest of the last four quarters' forecasts made at each
--       quarter's middle, with the naive and the calibrated probabilities
--       (each quarter's map fitted only on deals closed before it began).
\set ON_ERROR_STOP 1
\if :{?as_of}
\else
\set as_of '2026-09-15'
\endif
\pset footer off
\pset null '-'
SET extra_float_digits = 0;
SET client_min_messages = warning;
SELECT date_trunc('quarter', :'as_of'::date)::date AS q_start \gset

SELECT setseed(0.2424) \g /dev/null
DROP TABLE IF EXISTS sales.closed_deals;
CREATE TABLE sales.closed_deals AS
WITH d AS (
    SELECT row_number() OVER (ORDER BY q, r.rep_id, i) AS deal_id, r.rep_id,
           (date '2024-10-01' + make_interval(months => 3 * q))::date AS q_start, q, i
    FROM generate_series(0, 7) q, sales.reps r, generate_series(1, 12) i
    ORDER BY q, r.rep_id, i),
g AS (
    SELECT d.*, (d.q_start + floor(random() * ((d.q_start + interval '3 months')::date - d.q_start))::int) AS closed_on,
           20 + floor(random() * 100)::int AS age,
           round((3000 * exp(0.9 * sqrt(-2.0 * ln(1.0 - random())) * cos(2.0 * pi() * random())))::numeric, -2) + 500 AS amount,
           round(random()::numeric, 2)::float8 AS agreement,
           floor(-1.6 * ln(1.0 - random()))::int AS objections,
           random() AS u
    FROM d ORDER BY deal_id)
SELECT deal_id, rep_id, closed_on - age AS created_on, closed_on, amount, agreement, objections,
       u < CASE WHEN lift_index(agreement, objections) = 'Infinity' THEN 0.85
                ELSE 0.85 * (1 - exp(-lift_index(agreement, objections) / 1.5)) END AS won
FROM g ORDER BY deal_id;
ALTER TABLE sales.closed_deals ADD PRIMARY KEY (deal_id);
ANALYZE sales.closed_deals;

\echo
\echo '=== trusting the probabilities (SPEC §15), closed deals of the last two years ==='
\echo
\echo '(a) how close_probability = L/(1+L) matched the outcomes: win_calibration(p, won)'
SELECT deals, wins, round(base_rate::numeric, 3) AS base_rate, round(brier::numeric, 4) AS brier,
       round(brier_skill::numeric, 3) AS brier_skill, round(log_loss::numeric, 4) AS log_loss,
       round(ece::numeric, 4) AS ece
FROM (SELECT (win_calibration(close_probability(agreement, objections), won)).* FROM sales.closed_deals) w;
SELECT round(b.lo::numeric, 1) AS p_from, round(b.hi::numeric, 1) AS p_to, b.deals,
       round(b.mean_p::numeric, 3) AS predicted, round(b.win_rate::numeric, 3) AS won
FROM (SELECT win_calibration(close_probability(agreement, objections), won) AS w FROM sales.closed_deals) x,
     unnest((x.w).bins) b;

\echo '(b) the isotonic map from close_probability to the win rate, fitted on the closed deals'
CREATE TEMP TABLE cal_model AS
SELECT isotonic_fit(close_probability(agreement, objections), won) AS model FROM sales.closed_deals;
SELECT p AS close_probability, round(isotonic_predict(model, p)::numeric, 3) AS calibrated,
       -- the generator's truth at this p: L = p / (1 - p)
       round(CASE WHEN p = 1 THEN 0.85 ELSE 0.85 * (1 - exp(-(p / (1 - p)) / 1.5)) END::numeric, 3) AS truth
FROM cal_model, unnest(ARRAY[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]::float8[]) p;
SELECT round((w).brier::numeric, 4) AS brier_after, round((w).ece::numeric, 4) AS ece_after
FROM (SELECT win_calibration(isotonic_predict(model, close_probability(agreement, objections)), won) AS w
      FROM sales.closed_deals, cal_model) x;
\echo '(in-sample: the map was fitted on these deals)'

\echo
\echo '(c) chance to make the rest of the Q3 quota from the open deals, before and after calibration'
WITH act AS (SELECT c.rep_id, sum(o.amount) AS actual
             FROM sales.orders o JOIN sales.customers c USING (customer_id)
             WHERE o.ts BETWEEN :'q_start' AND :'as_of' GROUP BY c.rep_id),
rest AS (SELECT q.rep_id, r.name, greatest(q.quota - coalesce(a.actual, 0), 0) AS remaining
         FROM sales.revenue_quotas q JOIN sales.reps r USING (rep_id) LEFT JOIN act a USING (rep_id)
         WHERE q.period_start = :'q_start')
SELECT s.name AS rep, s.remaining,
       round((pipeline_forecast(d.amount, close_probability(d.agreement, d.objections), s.remaining)).p_target::numeric, 3) AS p_before,
       round((pipeline_forecast(d.amount, isotonic_predict(m.model, close_probability(d.agreement, d.objections)), s.remaining)).p_target::numeric, 3) AS p_after,
       (pipeline_forecast(d.amount, close_probability(d.agreement, d.objections))).p50 AS p50_before,
       (pipeline_forecast(d.amount, isotonic_predict(m.model, close_probability(d.agreement, d.objections)))).p50 AS p50_after
FROM rest s JOIN sales.deals d USING (rep_id) CROSS JOIN cal_model m
GROUP BY s.rep_id, s.name, s.remaining ORDER BY s.rep_id;

\echo '(d) backtest of the last four quarters: each rep''s forecast at the quarter''s middle'
\echo '    (won so far + pipeline_forecast of the deals open then) against what was won by quarter end'
CREATE TEMP TABLE bt_quarters AS
SELECT q_start, (q_start + interval '45 days')::date AS mid, (q_start + interval '3 months')::date AS q_end
FROM (SELECT (date '2025-10-01' + make_interval(months => 3 * k))::date AS q_start FROM generate_series(0, 3) k) q;
-- each quarter's map, fitted on the deals closed before it began
CREATE TEMP TABLE bt_models AS
SELECT q.q_start, isotonic_fit(close_probability(c.agreement, c.objections), c.won) AS model
FROM bt_quarters q JOIN sales.closed_deals c ON c.closed_on < q.q_start GROUP BY q.q_start;
CREATE TEMP TABLE bt_forecasts AS
SELECT q.q_start, r.rep_id, m.how,
       coalesce((SELECT sum(amount) FROM sales.closed_deals c
                 WHERE c.rep_id = r.rep_id AND c.won AND c.closed_on >= q.q_start AND c.closed_on < q.q_end), 0) AS actual,
       coalesce((SELECT sum(amount) FROM sales.closed_deals c
                 WHERE c.rep_id = r.rep_id AND c.won AND c.closed_on >= q.q_start AND c.closed_on <= q.mid), 0) AS won_by_mid,
       (SELECT pipeline_forecast(c.amount, CASE m.how WHEN 'L/(1+L)' THEN close_probability(c.agreement, c.objections)
                                                  ELSE isotonic_predict(bm.model, close_probability(c.agreement, c.objections)) END)
        FROM sales.closed_deals c
        WHERE c.rep_id = r.rep_id AND c.created_on <= q.mid AND c.closed_on > q.mid AND c.closed_on < q.q_end) AS f
FROM bt_quarters q JOIN bt_models bm USING (q_start) CROSS JOIN sales.reps r
CROSS JOIN (VALUES ('L/(1+L)'), ('isotonic')) m(how);
SELECT how AS probability, to_char(q_start, 'YYYY-"Q"Q') AS quarter, periods AS reps, inside, below_p10, above_p90,
       round(pinball::numeric, 0) AS pinball, round(mape::numeric, 3) AS mape, round(bias::numeric, 3) AS bias
FROM (SELECT how, q_start, (forecast_backtest(actual, won_by_mid + coalesce((f).p10, 0), won_by_mid + coalesce((f).p50, 0),
                                              won_by_mid + coalesce((f).p90, 0))).*
      FROM bt_forecasts GROUP BY how, q_start) b
ORDER BY how DESC, q_start;
\echo 'all four quarters:'
SELECT how AS probability, periods, round(inside::numeric, 3) AS inside_p10_p90, round(below_p10::numeric, 3) AS below_p10,
       round(above_p90::numeric, 3) AS above_p90, round(pinball::numeric, 0) AS pinball,
       round(mape::numeric, 3) AS mape, round(bias::numeric, 3) AS bias
FROM (SELECT how, (forecast_backtest(actual, won_by_mid + coalesce((f).p10, 0), won_by_mid + coalesce((f).p50, 0),
                                     won_by_mid + coalesce((f).p90, 0))).*
      FROM bt_forecasts GROUP BY how) b
ORDER BY how DESC;
