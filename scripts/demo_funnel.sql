-- scripts/demo_funnel.sql: the funnel part of the demo (SPEC §13,
-- doc/funnel.md), run by scripts/demo.sh after scripts/demo.sql over the
-- generated schema "sales" (scripts/gen_data.sql).
--
--   psql -X -v ON_ERROR_STOP=1 -f scripts/demo_funnel.sql
--   psql -X -v ON_ERROR_STOP=1 -v as_of=2026-08-31 -f scripts/demo_funnel.sql
--
-- Data it adds (dropped and made again on every run, deterministic):
--   sales.stage_truth    the generator's truth: per stage (1 qualified,
--                        2 meeting, 3 proposal, 4 negotiation) the rate at
--                        which a decided deal goes on (stage 4: is won), the
--                        mean days in the stage, and the share of calls that
--                        open a qualified deal (stage 0, "call")
--   sales.stage_history  one row per deal per stage entered, the deal's
--                        result repeated (Salesforce OpportunityHistory shape):
--                        * deals opened by the Q3 calls: each call opens one
--                          with probability stage_truth(0).rate; each stage
--                          lasts an exponential number of days with its mean,
--                          then the deal goes on with the stage's rate or is
--                          lost; still in a stage at as_of: open.  One in ten
--                          intermediate rows is not recorded (a skipped stage)
--                        * the open deals of sales.deals (ids below
--                          1,000,000), created in June, each still in its
--                          current stage at as_of
-- Then it shows:
--   (o) the funnel recovered: conversion next to the true rate, and the
--       naive conversion that counts open deals as lost
--   (p) p_win of each open deal's stage as pipeline_forecast's probability,
--       against the lift-index probabilities (close_probability)
--   (q) required_activity: each rep's remaining gap as calls, beside the
--       250-calls weekly activity quota

\set ON_ERROR_STOP 1
\if :{?as_of}
\else
\set as_of '2026-09-15'
\endif
\set q_start '2026-07-01'
\set q_end '2026-09-30'

\pset footer off
\pset null '-'
SET extra_float_digits = 0;
SET client_min_messages = warning;

------------------------------------------------------------------------------
-- data
------------------------------------------------------------------------------
SELECT setseed(0.22) \gset fn_
DROP TABLE IF EXISTS sales.stage_history, sales.stage_truth;
CREATE TABLE sales.stage_truth (
    stage     int PRIMARY KEY,
    name      text NOT NULL,
    rate      float8 NOT NULL,   -- decided deals that go on (stage 4: won); stage 0: calls that open a deal
    mean_days float8 NOT NULL    -- mean days in the stage (exponential)
);
INSERT INTO sales.stage_truth VALUES
 (0, 'call', 0.08, 0), (1, 'qualified', 0.55, 5), (2, 'meeting', 0.60, 8),
 (3, 'proposal', 0.50, 10), (4, 'negotiation', 0.70, 6);

CREATE TABLE sales.stage_history (
    deal_id    int  NOT NULL,
    rep_id     int  NOT NULL REFERENCES sales.reps,
    created_on date NOT NULL,
    amount     numeric(12,2) NOT NULL,
    stage      int  NOT NULL,
    entered_on date NOT NULL,
    closed_on  date,
    won        boolean
);

-- deals opened by calls: ids from 1,000,000 in call order
CREATE TEMP TABLE fn_deals AS
SELECT 1000000 + row_number() OVER (ORDER BY c.call_id) AS deal_id, c.rep_id, c.ts AS created_on,
       round((3000 * exp(0.9 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))::numeric, -2) + 500 AS amount
FROM sales.calls c
WHERE c.ts <= :'as_of' AND random() < (SELECT rate FROM sales.stage_truth WHERE stage = 0)
ORDER BY c.call_id;
-- every deal's would-be path through stages 1..4
CREATE TEMP TABLE fn_path AS
SELECT d.deal_id, t.stage, round(-t.mean_days * ln(1 - random()))::int AS days,
       random() < t.rate AS goes_on
FROM fn_deals d CROSS JOIN sales.stage_truth t
WHERE t.stage > 0
ORDER BY d.deal_id, t.stage;
CREATE TEMP TABLE fn_steps AS
WITH c AS (SELECT p.*,
                  d.created_on + (sum(p.days) OVER (PARTITION BY p.deal_id ORDER BY p.stage) - p.days)::int AS entered_on
           FROM fn_path p JOIN fn_deals d USING (deal_id))
SELECT c.*,
       coalesce(bool_and(c.goes_on AND c.entered_on + c.days <= :'as_of'::date)
                OVER (PARTITION BY c.deal_id ORDER BY c.stage ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
                true) AS reached
FROM c;
-- the last stage reached decides: past as_of open, else won (stage 4 going on) or lost
CREATE TEMP TABLE fn_result AS
SELECT DISTINCT ON (deal_id) deal_id, stage AS last_stage,
       CASE WHEN entered_on + days > :'as_of'::date THEN NULL ELSE entered_on + days END AS closed_on,
       CASE WHEN entered_on + days > :'as_of'::date THEN NULL ELSE stage = 4 AND goes_on END AS won
FROM fn_steps WHERE reached
ORDER BY deal_id, stage DESC;
INSERT INTO sales.stage_history
SELECT s.deal_id, d.rep_id, d.created_on, d.amount, s.stage, s.entered_on, r.closed_on, r.won
FROM fn_steps s JOIN fn_deals d USING (deal_id) JOIN fn_result r USING (deal_id)
WHERE s.reached
  AND (s.stage = 1 OR s.stage = r.last_stage OR random() >= 0.1)   -- one in ten intermediate rows not recorded
ORDER BY s.deal_id, s.stage;

-- the open deals of sales.deals, created in June (before the Q3 cohort): a
-- current stage (weights 35/30/20/15 %), 12 days in each stage before it,
-- still in it at as_of
CREATE TEMP TABLE fn_open AS
SELECT d.deal_id, d.rep_id, d.amount, DATE '2026-06-01' + d.deal_id % 28 AS created_on,
       CASE WHEN u < 0.35 THEN 1 WHEN u < 0.65 THEN 2 WHEN u < 0.85 THEN 3 ELSE 4 END AS cur
FROM (SELECT deal_id, rep_id, amount, random() AS u FROM sales.deals ORDER BY deal_id) d;
INSERT INTO sales.stage_history
SELECT o.deal_id, o.rep_id, o.created_on, o.amount, k, o.created_on + (k - 1) * 12, NULL, NULL
FROM fn_open o CROSS JOIN LATERAL generate_series(1, o.cur) k
ORDER BY o.deal_id, k;
DROP TABLE fn_deals, fn_path, fn_steps, fn_result, fn_open;
CREATE INDEX ON sales.stage_history (rep_id, deal_id);
ANALYZE sales.stage_history;

------------------------------------------------------------------------------
-- (o) the funnel recovered
------------------------------------------------------------------------------
\echo
\echo '(o) the funnel of the Q3 cohort (WHERE created_on >= 2026-07-01), all reps: stage_funnel(deal_id, stage, entered_on, closed_on, won, as_of)'
\echo '    against the generator''s truth: conversion leaves the open deals out and recovers the true rate, conversion_naive counts them as lost;'
\echo '    true_median is the median of the whole days a stage lasts (a skipped stage adds its days to the one before)'
SELECT f.stage, t.name, f.entered, f.advanced, f.won, f.lost, f.open,
       t.rate AS true_rate,
       round(f.conversion::numeric, 3) AS conversion,
       round(f.conversion_naive::numeric, 3) AS naive,
       round(f.p_win::numeric, 3) AS p_win,
       round(exp(sum(ln(t.rate)) OVER (ORDER BY f.stage DESC))::numeric, 3) AS true_p_win,
       f.days_median, ceil(t.mean_days * ln(2) - 0.5) AS true_median
FROM (SELECT stage_funnel(deal_id, stage, entered_on, closed_on, won, :'as_of') AS a
      FROM sales.stage_history WHERE created_on >= :'q_start') q
CROSS JOIN LATERAL unnest(q.a) f
JOIN sales.stage_truth t USING (stage)
ORDER BY f.stage;
\echo '    calls that opened a deal (true rate 0.08):'
SELECT (SELECT count(*) FROM sales.calls WHERE ts <= :'as_of') AS calls,
       count(DISTINCT deal_id) AS deals_opened,
       round(count(DISTINCT deal_id)::numeric / (SELECT count(*) FROM sales.calls WHERE ts <= :'as_of'), 3) AS rate
FROM sales.stage_history WHERE deal_id >= 1000000;

------------------------------------------------------------------------------
-- (p) p_win as the probability in pipeline_forecast
------------------------------------------------------------------------------
CREATE TEMP VIEW fn_q3 AS
WITH act AS (SELECT c.rep_id, sum(o.amount) AS actual
             FROM sales.orders o JOIN sales.customers c USING (customer_id)
             WHERE o.ts BETWEEN :'q_start' AND :'as_of'
             GROUP BY c.rep_id)
SELECT q.rep_id, r.name, q.quota, coalesce(a.actual, 0) AS actual
FROM sales.revenue_quotas q JOIN sales.reps r USING (rep_id) LEFT JOIN act a USING (rep_id)
WHERE q.period_start = :'q_start';
CREATE TEMP VIEW fn_funnel AS
SELECT f.*
FROM (SELECT stage_funnel(deal_id, stage, entered_on, closed_on, won, :'as_of') AS a
      FROM sales.stage_history WHERE created_on >= :'q_start') q
CROSS JOIN LATERAL unnest(q.a) f;
CREATE TEMP VIEW fn_open_stage AS
SELECT deal_id, max(stage) AS stage FROM sales.stage_history
WHERE closed_on IS NULL AND deal_id < 1000000 GROUP BY deal_id;

\echo
\echo '(p) will we make Q3? the open deals with p_win of their stage (the Q3 cohort''s funnel) against the lift-index probability'
\echo '    pipeline_forecast(amount, p, quota - closed): chance = P(the open deals close at least the rest of the quota)'
SELECT q.name AS rep, q.quota, q.actual AS closed, fs.deals AS open_deals,
       round(fs.expected) AS weighted_p_win, round(fs.p_target::numeric, 3) AS chance_p_win,
       round(fl.expected) AS weighted_lift, round(fl.p_target::numeric, 3) AS chance_lift
FROM fn_q3 q
LEFT JOIN (SELECT rep_id, (pf).*
           FROM (SELECT d.rep_id, pipeline_forecast(d.amount, f.p_win, q.quota - q.actual) AS pf
                 FROM sales.deals d JOIN fn_open_stage s USING (deal_id) JOIN fn_funnel f USING (stage)
                 JOIN fn_q3 q USING (rep_id)
                 GROUP BY d.rep_id) a) fs USING (rep_id)
LEFT JOIN (SELECT rep_id, (pf).*
           FROM (SELECT d.rep_id, pipeline_forecast(d.amount, close_probability(d.agreement, d.objections),
                                                    q.quota - q.actual) AS pf
                 FROM sales.deals d JOIN fn_q3 q USING (rep_id)
                 GROUP BY d.rep_id) a) fl USING (rep_id)
ORDER BY q.rep_id;

------------------------------------------------------------------------------
-- (q) required_activity: the gap as calls
------------------------------------------------------------------------------
\echo
\echo '(q) the rest of the quota as calls: required_activity(quota - closed, average won deal, {call rate, the Q3 cohort''s conversions})'
\echo '    calls -> qualified -> meeting -> proposal -> negotiation -> won; calls a week for the weeks left beside the 250-calls quota'
WITH rates AS (
    SELECT (SELECT count(DISTINCT deal_id)::float8 FROM sales.stage_history WHERE deal_id >= 1000000)
           / (SELECT count(*) FROM sales.calls WHERE ts <= :'as_of') AS call_rate,
           array_agg(conversion ORDER BY stage) AS conv
    FROM fn_funnel),
avg_deal AS (
    SELECT round(avg(amount), 2) AS amount
    FROM (SELECT DISTINCT deal_id, amount FROM sales.stage_history WHERE won) w),
weeks AS (SELECT greatest(1, ceil((:'q_end'::date - :'as_of'::date + 1) / 7.0))::int AS left_)
SELECT q.name AS rep, greatest(q.quota - q.actual, 0) AS gap, a.amount AS avg_deal,
       ra AS calls_qualified_meetings_proposals_negotiations_deals,
       ra[1] AS calls, w.left_ AS weeks_left, ceil(ra[1]::numeric / w.left_) AS calls_a_week,
       c.calls AS quota_a_week
FROM fn_q3 q CROSS JOIN rates r CROSS JOIN avg_deal a CROSS JOIN weeks w
CROSS JOIN LATERAL required_activity(greatest(q.quota - q.actual, 0), a.amount,
                                     ARRAY[r.call_rate] || r.conv) ra
LEFT JOIN sales.call_quotas c ON c.rep_id = q.rep_id AND :'as_of'::date BETWEEN c.week_start AND c.week_end
ORDER BY q.rep_id;

DROP VIEW fn_q3, fn_funnel, fn_open_stage;
