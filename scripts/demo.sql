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
--
-- Composite results are read as a BI tool should read them (README "Reading
-- composite results"): a function returning a row goes into FROM with CROSS
-- JOIN LATERAL, and an aggregate's row is a column of a grouped subquery
-- whose fields the outer query takes -- (f(...)).* in a select list would
-- call f once per field.

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

-- Q3 plan/fact per rep, one column per quota_status field; used by (a), (f) and (n).
CREATE TEMP VIEW q3 AS
WITH hol AS (SELECT array_agg(day ORDER BY day) AS days FROM sales.holidays),
     act AS (SELECT c.rep_id, sum(o.amount) AS actual
             FROM sales.orders o JOIN sales.customers c USING (customer_id)
             WHERE o.ts BETWEEN :'q_start' AND :'as_of'
             GROUP BY c.rep_id)
SELECT q.rep_id, r.name, q.quota, coalesce(a.actual, 0) AS actual, st.*
FROM sales.revenue_quotas q
JOIN sales.reps r USING (rep_id)
LEFT JOIN act a USING (rep_id)
CROSS JOIN hol
CROSS JOIN LATERAL quota_status(coalesce(a.actual, 0), q.quota, q.period_start, q.period_end,
                                :'as_of', hol.days) st
WHERE q.period_start = :'q_start';

\echo '=== quota_ext dashboard, as of' :as_of '==='
\echo
\echo '(a) Q3 2026 revenue quota per rep: quota_status(actual, quota, 2026-07-01, 2026-09-30, as_of, holidays)'
SELECT name AS rep, quota, actual,
       round(attainment::numeric * 100, 1) AS "attain %",
       round(pace::numeric, 2) AS pace,
       forecast,
       on_track
FROM q3
ORDER BY rep_id;

SELECT total_days, elapsed_days, remaining_days
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
       round(s.attainment::numeric * 100, 1) AS "attain %",
       round(s.pace::numeric, 2) AS pace,
       round(s.forecast) AS forecast,
       round(s.required_per_day, 1) AS "needed/day",
       s.on_track
FROM sales.call_quotas q
JOIN sales.reps r USING (rep_id)
CROSS JOIN hol
CROSS JOIN LATERAL (SELECT count(*)::numeric AS calls FROM sales.calls c
                    WHERE c.rep_id = q.rep_id AND c.ts BETWEEN q.week_start AND :'as_of') a
CROSS JOIN LATERAL quota_status(a.calls, q.calls, q.week_start, q.week_end, :'as_of', hol.days) s
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
       q3.expected_to_date AS expected,
       q3.actual,
       heat_zone(q3.actual::float8, q3.expected_to_date::float8) AS heat
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
DROP MATERIALIZED VIEW IF EXISTS sales.customer_segments CASCADE;
CREATE MATERIALIZED VIEW sales.customer_segments AS
WITH o AS (
    -- each customer's last order up to seg_as_of, for revenue_last_90d
    SELECT customer_id, ts, amount,
           max(ts) FILTER (WHERE ts <= :'seg_as_of') OVER (PARTITION BY customer_id) AS last_ts
    FROM sales.orders),
per_customer AS (
    SELECT customer_id,
           rfm_kinetic(ts, amount, :'seg_as_of') AS k,
           -- demand variability over the four quarters up to seg_as_of: a
           -- customer orders a few times a quarter, so months are too fine
           demand_cv(ts, amount::float8, (date :'seg_as_of' + 1 - interval '12 months')::date, 4,
                     '3 months') AS cv,
           coalesce(sum(amount) FILTER (WHERE ts > date :'seg_as_of' - 365 AND ts <= :'seg_as_of'), 0)
               AS revenue_12m,
           -- the 90 days up to the last order: for a lost customer, the quarter that went silent
           coalesce(sum(amount) FILTER (WHERE ts > last_ts - 90 AND ts <= last_ts), 0) AS revenue_last_90d
    FROM o
    GROUP BY customer_id)
SELECT customer_id,
       (k).segment AS kinetic,
       (k).monetary, (k).revenue_recent, (k).revenue_prior, revenue_12m, revenue_last_90d,
       abc_class((k).monetary::float8) OVER () AS abc,
       -- customers' demand varies more than a product's: X up to 0.25, Y up to 0.5
       xyz_class(cv, 0.25, 0.5) AS xyz,
       rfm_score((k).recency_days, 5, false) OVER () AS r,
       rfm_score((k).frequency) OVER () AS f,
       rfm_score((k).monetary::float8) OVER () AS m
FROM per_customer;
-- unique: REFRESH MATERIALIZED VIEW CONCURRENTLY sales.customer_segments works
CREATE UNIQUE INDEX customer_segments_customer_id ON sales.customer_segments (customer_id);

-- The heat matrix in long form, one row per kinetic segment x ABC class, with
-- the zone's rank and colour from the label catalog: what a chart takes.
-- Lost customers compare their silence with the quarter before it.
CREATE VIEW sales.heat_matrix AS
SELECT c.kinetic, kl.rank AS kinetic_rank, c.abc, c.customers,
       c.revenue_recent, c.revenue_prior,
       z.code AS zone, z.rank AS zone_rank, z.color
FROM (SELECT kinetic, abc, count(*) AS customers,
             sum(revenue_recent) AS revenue_recent,
             sum(CASE WHEN kinetic = 'lost' THEN revenue_last_90d ELSE revenue_prior END) AS revenue_prior
      FROM sales.customer_segments
      WHERE kinetic IS NOT NULL
      GROUP BY kinetic, abc) c
JOIN quota_labels kl ON kl.kind = 'kinetic' AND kl.code = c.kinetic
JOIN quota_labels z ON z.kind = 'heat'
                   AND z.code = heat_zone(c.revenue_recent::float8, c.revenue_prior::float8);

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

\echo '(h) RFM segments in the label catalog order, in Russian - rfm_segment(r, f, m) joined to quota_labels'
SELECT l.rank, s.segment, l.ru AS "сегмент", count(*) AS customers, round(avg(s.monetary)) AS avg_revenue
FROM (SELECT rfm_segment(r, f, m) AS segment, monetary
      FROM sales.customer_segments WHERE r IS NOT NULL) s
JOIN quota_labels l ON l.kind = 'rfm' AND l.code = s.segment
GROUP BY l.rank, s.segment, l.ru
ORDER BY l.rank;

\echo '(i) kinetic segment - rfm_kinetic(ts, amount, as_of) - against how the generator made each customer behave'
SELECT s.kinetic, quota_label('kinetic', s.kinetic, 'ru') AS "сегмент",
       count(*) FILTER (WHERE c.behaviour = 'steady') AS steady,
       count(*) FILTER (WHERE c.behaviour = 'growing') AS growing,
       count(*) FILTER (WHERE c.behaviour = 'fading') AS fading,
       count(*) FILTER (WHERE c.behaviour = 'new') AS new,
       count(*) FILTER (WHERE c.behaviour = 'lost') AS lost,
       count(*) FILTER (WHERE c.behaviour = 'returning') AS returning
FROM sales.customer_segments s JOIN sales.customers c USING (customer_id)
GROUP BY s.kinetic
ORDER BY quota_label_rank('kinetic', s.kinetic);

\echo '(j) heat matrix, one row per cell as a chart takes it: kinetic segment x ABC class, last 90 days against the 90 before (lost: against the 90 days up to the last order) - heat_zone(recent, prior), colour from quota_labels'
SELECT kinetic, quota_label('kinetic', kinetic, 'ru') AS "сегмент", abc, customers,
       revenue_recent, revenue_prior, zone, quota_label('heat', zone, 'ru') AS "зона", color
FROM sales.heat_matrix
ORDER BY kinetic_rank, abc;

\echo '(k) reps hired in 2026: ramped quotas - ramped_quota(full_quota, hired, period_start, period_end, {0.25,0.5,0.75}, holidays)'
SELECT r.name AS rep, r.hired, q.period_start AS quarter, q.full_quota, q.quota,
       round(100 * q.quota / nullif(q.full_quota, 0), 1) AS "% of full"
FROM sales.revenue_quotas q JOIN sales.reps r USING (rep_id)
WHERE r.hired >= '2026-01-01'
ORDER BY r.rep_id, q.period_start;

-- ---------------------------------------------------------------------------
-- The nightly pattern: a table of current segments, upserted every night from
-- the segment view; flag_segment_change() records each move.  Last night's
-- job (as of the day before seg_as_of) is replayed first, then tonight's
-- from sales.customer_segments.
-- ---------------------------------------------------------------------------
DROP TABLE IF EXISTS sales.customer_kinetic;
CREATE TABLE sales.customer_kinetic (
    customer_id       int PRIMARY KEY REFERENCES sales.customers,
    kinetic           text,
    kinetic_previous  text,
    kinetic_since     timestamptz,
    kinetic_direction text,
    revenue_12m       numeric NOT NULL
);
CREATE TRIGGER customer_kinetic_change BEFORE INSERT OR UPDATE ON sales.customer_kinetic
    FOR EACH ROW EXECUTE FUNCTION flag_segment_change('kinetic', 'kinetic', 'kinetic_previous',
                                                      'kinetic_since', 'kinetic_direction');
-- last night
INSERT INTO sales.customer_kinetic (customer_id, kinetic, revenue_12m)
SELECT customer_id, (k).segment, r12
FROM (SELECT customer_id, rfm_kinetic(ts, amount, date :'seg_as_of' - 1) AS k,
             coalesce(sum(amount) FILTER (WHERE ts > date :'seg_as_of' - 366
                                            AND ts <= date :'seg_as_of' - 1), 0) AS r12
      FROM sales.orders GROUP BY customer_id) s
ON CONFLICT (customer_id) DO UPDATE
    SET kinetic = EXCLUDED.kinetic, revenue_12m = EXCLUDED.revenue_12m;
-- tonight, from the segment view
INSERT INTO sales.customer_kinetic (customer_id, kinetic, revenue_12m)
SELECT customer_id, kinetic, revenue_12m FROM sales.customer_segments
ON CONFLICT (customer_id) DO UPDATE
    SET kinetic = EXCLUDED.kinetic, revenue_12m = EXCLUDED.revenue_12m;

\echo '(l) the morning list: customers who moved down since yesterday, by revenue of the last 12 months - flag_segment_change() on the upserted segments table'
SELECT count(*) FILTER (WHERE kinetic_direction = 'down') AS moved_down,
       count(*) FILTER (WHERE kinetic_direction = 'up') AS moved_up,
       coalesce(sum(revenue_12m) FILTER (WHERE kinetic_direction = 'down'), 0) AS revenue_12m_down
FROM sales.customer_kinetic
WHERE kinetic_since > now() - interval '1 day';
SELECT k.customer_id, c.name AS customer, r.name AS rep,
       quota_label('kinetic', k.kinetic_previous, 'ru') AS "было",
       quota_label('kinetic', k.kinetic, 'ru') AS "стало",
       k.revenue_12m AS "выручка 12 мес."
FROM sales.customer_kinetic k
JOIN sales.customers c USING (customer_id)
JOIN sales.reps r USING (rep_id)
WHERE k.kinetic_direction = 'down' AND k.kinetic_since > now() - interval '1 day'
ORDER BY k.revenue_12m DESC, k.customer_id
LIMIT 10;

\echo '(m) migration matrix, end of Q2 -> end of Q3: customers (share of the row) - plain SQL over rfm_kinetic() at two dates'
WITH k AS (
    SELECT customer_id, rfm_kinetic(ts, amount, '2026-06-30') AS k_from,
           rfm_kinetic(ts, amount, :'seg_as_of') AS k_to
    FROM sales.orders GROUP BY customer_id),
seg AS (SELECT customer_id, (k_from).segment AS from_seg, (k_to).segment AS to_seg FROM k),
cells AS (
    SELECT from_seg, to_seg, count(*) AS n,
           round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY from_seg)) AS pct
    FROM seg WHERE to_seg IS NOT NULL
    GROUP BY from_seg, to_seg)
SELECT coalesce(from_seg, '(no order yet)') AS "from \ to",
       coalesce(max(n || ' (' || pct || '%)') FILTER (WHERE to_seg = 'new'), '') AS new,
       coalesce(max(n || ' (' || pct || '%)') FILTER (WHERE to_seg = 'growing'), '') AS growing,
       coalesce(max(n || ' (' || pct || '%)') FILTER (WHERE to_seg = 'returning'), '') AS returning,
       coalesce(max(n || ' (' || pct || '%)') FILTER (WHERE to_seg = 'steady'), '') AS steady,
       coalesce(max(n || ' (' || pct || '%)') FILTER (WHERE to_seg = 'fading'), '') AS fading,
       coalesce(max(n || ' (' || pct || '%)') FILTER (WHERE to_seg = 'lost'), '') AS lost,
       sum(n) AS customers
FROM cells
GROUP BY from_seg
ORDER BY quota_label_rank('kinetic', from_seg) NULLS FIRST;

\echo '(n) will we make Q3? closed revenue plus the open pipeline: pipeline_forecast(amount, close_probability(agreement, objections), quota - closed)'
\echo '    chance = P(open deals close at least quota - closed); commit = closed + p10, best case = closed + p90; run rate from quota_status'
SELECT q3.name AS rep, q3.quota, q3.actual AS closed,
       round(q3.forecast) AS run_rate,
       f.deals AS open_deals,
       round(f.expected) AS weighted,
       round(q3.actual + f.p10) AS commit,
       round(q3.actual + f.p50) AS likely,
       round(q3.actual + f.p90) AS best_case,
       round(f.p_target::numeric, 3) AS chance
FROM q3
LEFT JOIN (SELECT rep_id, (pf).*
           FROM (SELECT d.rep_id,
                        pipeline_forecast(d.amount, close_probability(d.agreement, d.objections),
                                          q.quota - q.actual) AS pf
                 FROM sales.deals d JOIN q3 q USING (rep_id)
                 GROUP BY d.rep_id) agg) f USING (rep_id)
ORDER BY q3.rep_id;

DROP VIEW q3;
