-- scripts/demo.sql: the quota_ext sales dashboard over the generated schema
-- "sales" (scripts/gen_data.sql), as a sales manager sees it on 2026-09-15,
-- two weeks before the end of Q3 2026.
--
--   psql -X -v ON_ERROR_STOP=1 -f scripts/demo.sql
--   psql -X -v ON_ERROR_STOP=1 -v as_of=2026-08-31 -v rep=3 -f scripts/demo.sql
--
-- Variables (optional): as_of (default 2026-09-15), rep (the rep whose quarter
-- is shown as checkpoints, default 1), seg_as_of (the date of the customer
-- segmentation, default 2026-09-30).  Extension functions are called
-- unqualified: the extension's schema must be on the search_path.

\set ON_ERROR_STOP 1
\if :{?as_of}
\else
\set as_of '2026-09-15'
\endif
\if :{?rep}
\else
\set rep 1
\endif
\set q_start '2026-07-01'
\set q_end '2026-09-30'

\pset footer off
\pset null '-'
SET extra_float_digits = 0;
SET client_min_messages = warning;

-- Q3 plan/fact per rep, used by sections (a), (f) and (k).
CREATE TEMP VIEW q3 AS
WITH hol AS (SELECT array_agg(day ORDER BY day) AS days FROM sales.holidays),
     act AS (SELECT c.rep_id, sum(o.amount) AS actual
             FROM sales.orders o JOIN sales.customers c USING (customer_id)
             WHERE o.ts BETWEEN :'q_start' AND :'as_of'
             GROUP BY c.rep_id)
SELECT q.rep_id, r.name, q.quota, coalesce(a.actual, 0) AS actual,
       quota_status(coalesce(a.actual, 0), q.quota, q.period_start, q.period_end,
                    :'as_of', hol.days) AS st
FROM sales.revenue_quotas q
JOIN sales.reps r USING (rep_id)
LEFT JOIN act a USING (rep_id)
CROSS JOIN hol
WHERE q.period_start = :'q_start';

\echo '=== quota_ext dashboard, as of' :as_of '==='
\echo
\echo '(a) Q3 2026 revenue quota per rep: quota_status(actual, quota, 2026-07-01, 2026-09-30, as_of, holidays)'
SELECT name AS rep, quota, actual,
       round((st).attainment::numeric * 100, 1) AS "attain %",
       round((st).pace::numeric, 2) AS pace,
       round((st).forecast) AS forecast,
       (st).on_track
FROM q3
ORDER BY rep_id;

SELECT (st).total_days, (st).elapsed_days, (st).remaining_days
FROM q3 LIMIT 1 \gset
\echo 'Q3 has' :total_days 'business days (holidays excluded):' :elapsed_days 'elapsed,' :remaining_days 'remaining.'
\echo

SELECT format('(b) the quarter of rep %s (%s) as numbered checkpoints: quota_steps(quota, 2026-07-01, 2026-09-30, 6, holidays)',
              rep_id, name) AS heading
FROM sales.reps WHERE rep_id = :rep \gset
\echo :heading
WITH hol AS (SELECT array_agg(day ORDER BY day) AS days FROM sales.holidays),
     q AS (SELECT * FROM sales.revenue_quotas WHERE rep_id = :rep AND period_start = :'q_start'),
     rev AS (SELECT o.ts, o.amount
             FROM sales.orders o JOIN sales.customers c USING (customer_id)
             WHERE c.rep_id = :rep AND o.ts BETWEEN :'q_start' AND :'as_of')
SELECT s.step, s.due, s.target,
       CASE WHEN s.due <= :'as_of' THEN (SELECT coalesce(sum(amount), 0) FROM rev WHERE rev.ts <= s.due) END
           AS actual_to_due,
       CASE WHEN s.due > :'as_of' THEN 'upcoming'
            WHEN (SELECT coalesce(sum(amount), 0) FROM rev WHERE rev.ts <= s.due) >= s.target THEN 'met'
            ELSE 'missed' END AS status
FROM q, hol, quota_steps(q.quota, q.period_start, q.period_end, 6, hol.days) s
ORDER BY s.step;

\echo '(c) activity quota, calls in the week of' :as_of '- quota_status(made, 250, week_start, week_end, as_of, holidays)'
WITH hol AS (SELECT array_agg(day ORDER BY day) AS days FROM sales.holidays)
SELECT r.name AS rep, q.week_start, q.calls AS quota, a.calls AS made,
       round((s).attainment::numeric * 100, 1) AS "attain %",
       round((s).pace::numeric, 2) AS pace,
       round((s).forecast) AS forecast,
       round((s).required_per_day, 1) AS "needed/day",
       (s).on_track
FROM sales.call_quotas q
JOIN sales.reps r USING (rep_id)
CROSS JOIN hol
CROSS JOIN LATERAL (SELECT count(*)::numeric AS calls FROM sales.calls c
                    WHERE c.rep_id = q.rep_id AND c.ts BETWEEN q.week_start AND :'as_of') a
CROSS JOIN LATERAL (SELECT quota_status(a.calls, q.calls, q.week_start, q.week_end, :'as_of', hol.days) AS s) x
WHERE :'as_of' BETWEEN q.week_start AND q.week_end
ORDER BY q.rep_id;

\echo '(d) deals in reanimation mode (flagged by the flag_reanimation trigger), top 10 by amount'
SELECT count(*) FILTER (WHERE needs_reanimation) AS flagged,
       count(*) FILTER (WHERE NOT needs_reanimation) AS healthy,
       count(*) FILTER (WHERE needs_reanimation IS NULL) AS not_assessed
FROM sales.deals;
SELECT d.deal_id, r.name AS rep, d.title, d.amount,
       d.agreement, d.objections,
       round(lift_index(d.agreement, d.objections)::numeric, 3) AS lift_index,
       round(close_probability(d.agreement, d.objections)::numeric, 3) AS close_prob
FROM sales.deals d JOIN sales.reps r USING (rep_id)
WHERE d.needs_reanimation
ORDER BY d.amount DESC, d.deal_id
LIMIT 10;

\echo '(e) leads by priority group (big >= 50000, fast <= 30 days) and class (need, budget, urgency)'
SELECT g AS grp, priority_label(g) AS priority,
       count(*) FILTER (WHERE cls = 'A') AS "A",
       count(*) FILTER (WHERE cls = 'B') AS "B",
       count(*) FILTER (WHERE cls = 'C') AS "C",
       count(*) AS leads,
       sum(amount) AS amount
FROM (SELECT priority_group(amount, days_to_cash, 50000, 30) AS g,
             lead_class(need, budget, urgent) AS cls, amount
      FROM sales.leads) l
GROUP BY g
ORDER BY g;

\echo '(f) pipeline coverage of the remaining Q3 quota and heat zone (actual vs expected to date) per rep'
SELECT q3.name AS rep, p.open_pipeline, q3.quota - least(q3.actual, q3.quota) AS remaining,
       round(pipeline_coverage(p.open_pipeline, q3.quota, q3.actual)::numeric, 2) AS coverage,
       round((q3.st).expected_to_date) AS expected,
       q3.actual,
       heat_zone(q3.actual::float8, (q3.st).expected_to_date::float8) AS heat
FROM q3
LEFT JOIN (SELECT rep_id, sum(amount) AS open_pipeline FROM sales.deals GROUP BY rep_id) p USING (rep_id)
ORDER BY q3.rep_id;

-- ---------------------------------------------------------------------------
-- Segmentation at the end of the quarter (seg_as_of, default 2026-09-30): the
-- materialized view a dashboard refreshes nightly, one row per customer.
-- ---------------------------------------------------------------------------
\if :{?seg_as_of}
\else
\set seg_as_of '2026-09-30'
\endif
DROP MATERIALIZED VIEW IF EXISTS sales.customer_segments;
CREATE MATERIALIZED VIEW sales.customer_segments AS
WITH per_customer AS (
    SELECT customer_id,
           rfm_kinetic(ts, amount, :'seg_as_of') AS k,
           -- demand variability over the four quarters up to seg_as_of: a
           -- customer orders a few times a quarter, so months are too fine
           demand_cv(ts, amount::float8, (date :'seg_as_of' + 1 - interval '12 months')::date, 4,
                     '3 months') AS cv
    FROM sales.orders
    GROUP BY customer_id)
SELECT customer_id,
       (k).segment AS kinetic,
       (k).monetary, (k).revenue_recent, (k).revenue_prior,
       abc_class((k).monetary::float8) OVER () AS abc,
       -- customers' demand varies more than a product's: X up to 0.25, Y up to 0.5
       xyz_class(cv, 0.25, 0.5) AS xyz,
       rfm_score((k).recency_days, 5, false) OVER () AS r,
       rfm_score((k).frequency) OVER () AS f,
       rfm_score((k).monetary::float8) OVER () AS m
FROM per_customer;

\echo
\echo '(g) ABC x XYZ: customers (share of revenue) - abc_class() over revenue, xyz_class(demand_cv(), 0.25, 0.5) over 4 quarters'
SELECT abc,
       count(*) FILTER (WHERE xyz = 'X') || ' (' || round(100 * coalesce(sum(monetary) FILTER (WHERE xyz = 'X'), 0) / t.total, 1) || '%)' AS "X stable",
       count(*) FILTER (WHERE xyz = 'Y') || ' (' || round(100 * coalesce(sum(monetary) FILTER (WHERE xyz = 'Y'), 0) / t.total, 1) || '%)' AS "Y variable",
       count(*) FILTER (WHERE xyz = 'Z') || ' (' || round(100 * coalesce(sum(monetary) FILTER (WHERE xyz = 'Z'), 0) / t.total, 1) || '%)' AS "Z erratic",
       count(*) AS customers
FROM sales.customer_segments, (SELECT sum(monetary) AS total FROM sales.customer_segments) t
WHERE abc IS NOT NULL
GROUP BY abc, t.total
ORDER BY abc;

\echo '(h) RFM segments - rfm_score() per dimension, rfm_segment(r, f, m)'
SELECT rfm_segment(r, f, m) AS segment, count(*) AS customers, round(avg(monetary)) AS avg_revenue
FROM sales.customer_segments
WHERE r IS NOT NULL
GROUP BY 1
ORDER BY customers DESC, segment;

\echo '(i) kinetic segment - rfm_kinetic(ts, amount, as_of) - against how the generator made each customer behave'
SELECT s.kinetic,
       count(*) FILTER (WHERE c.behaviour = 'steady') AS steady,
       count(*) FILTER (WHERE c.behaviour = 'growing') AS growing,
       count(*) FILTER (WHERE c.behaviour = 'fading') AS fading,
       count(*) FILTER (WHERE c.behaviour = 'new') AS new,
       count(*) FILTER (WHERE c.behaviour = 'lost') AS lost,
       count(*) FILTER (WHERE c.behaviour = 'returning') AS returning
FROM sales.customer_segments s JOIN sales.customers c USING (customer_id)
GROUP BY s.kinetic
ORDER BY array_position(ARRAY['growing', 'steady', 'fading', 'returning', 'new', 'lost'], s.kinetic);

\echo '(j) heat matrix: kinetic segment x ABC class; last 90 days against the 90 before - heat_zone(recent, prior)'
SELECT kinetic,
       max(cell) FILTER (WHERE abc = 'A') AS "A",
       max(cell) FILTER (WHERE abc = 'B') AS "B",
       max(cell) FILTER (WHERE abc = 'C') AS "C"
FROM (SELECT kinetic, abc,
             heat_zone(sum(revenue_recent)::float8, sum(revenue_prior)::float8)
               || ' ' || round(sum(revenue_recent) / 1000) || 'k/' || round(sum(revenue_prior) / 1000) || 'k' AS cell
      FROM sales.customer_segments
      WHERE kinetic IS NOT NULL
      GROUP BY kinetic, abc) cells
GROUP BY kinetic
ORDER BY array_position(ARRAY['growing', 'steady', 'fading', 'returning', 'new', 'lost'], kinetic);

\echo '(k) will we make Q3? closed revenue plus the open pipeline: pipeline_forecast(amount, close_probability(agreement, objections), quota - closed)'
\echo '    chance = P(open deals close at least quota - closed); commit = closed + p10, best case = closed + p90; run rate from quota_status'
SELECT q3.name AS rep, q3.quota, q3.actual AS closed,
       round((q3.st).forecast) AS run_rate,
       (p.f).deals AS open_deals,
       round((p.f).expected) AS weighted,
       round(q3.actual + (p.f).p10) AS commit,
       round(q3.actual + (p.f).p50) AS likely,
       round(q3.actual + (p.f).p90) AS best_case,
       round((p.f).p_target::numeric, 3) AS chance
FROM q3
LEFT JOIN (SELECT d.rep_id,
                  pipeline_forecast(d.amount, close_probability(d.agreement, d.objections),
                                    q.quota - q.actual) AS f
           FROM sales.deals d JOIN q3 q USING (rep_id)
           GROUP BY d.rep_id) p USING (rep_id)
ORDER BY q3.rep_id;

DROP VIEW q3;
