-- scripts/demo_quarter.sql: the quarter's shape, the bar and the pay (SPEC
-- §16, doc/quarter.md) over the generated schema "sales"; scripts/demo.sh
-- runs it after scripts/demo.sql with the same variables.
--
--   psql -X -v ON_ERROR_STOP=1 -f scripts/demo_quarter.sql
--
-- Variables (optional): as_of (default 2026-09-15).  The quarter looked back
-- on is Q2 2026 (complete at as_of), the one planned is Q4 2026.
--
-- Data it adds: sales.bookings, the date each order was booked on the rep's
-- scorecard.  It is the order date, except for one rep who held Q2's deals
-- back and booked them in the last week (gen_data.sql spreads orders evenly,
-- so without this nobody's quarter would be a hockey stick).
\set ON_ERROR_STOP 1
\if :{?as_of}
\else
\set as_of '2026-09-15'
\endif
\set hockey_rep 4

DROP TABLE IF EXISTS sales.bookings;
CREATE TABLE sales.bookings AS
SELECT o.order_id, c.rep_id, o.amount,
       CASE WHEN c.rep_id = :hockey_rep AND o.ts BETWEEN '2026-04-01' AND '2026-06-21'
            THEN date '2026-06-22' + (o.order_id % 7)::int ELSE o.ts END AS booked
FROM sales.orders o JOIN sales.customers c USING (customer_id)
WHERE o.ts <= :'as_of';
COMMENT ON TABLE sales.bookings IS 'demo_quarter.sql: the date each order counted for its rep; rep 4 booked Q2 late';

\echo
\echo '(q1) Q2 2026: each rep''s quarter shape beside attainment - booking_rhythm(booked, amount, Q2, holidays)'
\echo '     thirds cut at quota_steps(..., 3)''s due dates; a hockey stick can still make the number'
SELECT r.name AS rep, q.quota,
       (b).total AS booked,
       round(((b).total / nullif(q.quota, 0))::numeric, 2) AS attainment,
       q.quota < q.full_quota AS ramped,
       array_to_string(ARRAY(SELECT round(x::numeric, 2) FROM unnest((b).share_by_third) x), ' / ') AS thirds,
       round((b).share_last_5_days::numeric, 2) AS last_5_days,
       round((b).weekly_gini::numeric, 2) AS weekly_gini,
       (b).weeks_with_bookings AS weeks,
       CASE WHEN (b).share_by_third[3] > 0.6 OR (b).share_last_5_days > 0.3 THEN 'hockey stick'
            WHEN (b).weekly_gini > 0.5 THEN 'lumpy' ELSE 'steady' END AS shape
FROM (SELECT rep_id, booking_rhythm(booked, amount, '2026-04-01', '2026-06-30',
                                    (SELECT array_agg(day ORDER BY day) FROM sales.holidays)) AS b
      FROM sales.bookings GROUP BY rep_id) s
JOIN sales.reps r USING (rep_id)
JOIN sales.revenue_quotas q ON q.rep_id = s.rep_id AND q.period_start = '2026-04-01'
ORDER BY r.rep_id;

\echo
\echo '(q2) Q2 attainment across the team - attainment_distribution(booked / quota), reps on a full quota'
SELECT (d).reps, round((d).at_or_above_1::numeric, 2) AS at_or_above_100pct,
       round((d).p10::numeric, 2) AS p10, round((d).p50::numeric, 2) AS p50,
       round((d).p90::numeric, 2) AS p90, round((d).gini::numeric, 3) AS gini
FROM (SELECT attainment_distribution((b.booked / q.quota)::float8) AS d
      FROM (SELECT rep_id, sum(amount) AS booked FROM sales.bookings
            WHERE booked BETWEEN '2026-04-01' AND '2026-06-30' GROUP BY rep_id) b
      JOIN sales.revenue_quotas q ON q.rep_id = b.rep_id AND q.period_start = '2026-04-01'
      WHERE q.quota > 0 AND q.quota = q.full_quota) s;

-- Each book's value next quarter: BG/NBD + Gamma-Gamma over every customer
-- (README "What a customer is worth"), summed per rep.
CREATE TEMP TABLE book_value AS
WITH summ AS (
    SELECT c.rep_id, btyd_summary(o.ts, o.amount, :'as_of'::date, interval '7 days') AS s
    FROM sales.orders o JOIN sales.customers c USING (customer_id)
    WHERE o.ts <= :'as_of' GROUP BY c.customer_id, c.rep_id),
models AS (
    SELECT bgnbd_fit((s).frequency, (s).recency, (s).t) AS bg,
           gammagamma_fit((s).frequency, (s).monetary) AS gg FROM summ)
SELECT rep_id, round(sum(customer_value(m.bg, m.gg, (s).frequency, (s).recency, (s).t, (s).monetary,
                                        3, 30 / 7.0, 0))::numeric, 2) AS customer_value
FROM summ CROSS JOIN models m GROUP BY rep_id;

-- Q4 2026: the company number is the sum of the reps' full quotas; each rep's
-- weight is last year's Q4 actual blended half and half with the value of
-- the book, times the ramp (quota / full_quota: the reps hired in 2026 carry
-- less); quota_allocate spreads the number to the cent.
CREATE TEMP TABLE q4_plan AS
WITH number AS (SELECT sum(full_quota) AS total FROM sales.revenue_quotas WHERE period_start = '2026-10-01'),
ly AS (SELECT rep_id, sum(amount) AS last_year FROM sales.bookings
       WHERE booked BETWEEN '2025-10-01' AND '2025-12-31' GROUP BY rep_id),
w AS (
    SELECT r.rep_id, r.name, coalesce(ly.last_year, 0) AS last_year, coalesce(v.customer_value, 0) AS customer_value,
           (q.quota / nullif(q.full_quota, 0))::float8 AS ramp
    FROM sales.reps r
    JOIN sales.revenue_quotas q ON q.rep_id = r.rep_id AND q.period_start = '2026-10-01'
    LEFT JOIN ly ON ly.rep_id = r.rep_id LEFT JOIN book_value v ON v.rep_id = r.rep_id)
SELECT w.*, number.total AS company_number,
       quota_allocate(number.total, round((0.5 * w.last_year + 0.5 * w.customer_value) * coalesce(w.ramp, 0)::numeric, 2))
           OVER (ORDER BY w.rep_id) AS q4_quota
FROM w CROSS JOIN number;

\echo
\echo '(q3) Q4 2026: the company number allocated - quota_allocate(number, (last year + book value) / 2 * ramp) OVER (...)'
SELECT name AS rep, last_year, customer_value AS book_value_next_q, round(ramp::numeric, 2) AS ramp, q4_quota
FROM q4_plan ORDER BY rep_id;
SELECT company_number, sum(q4_quota) AS allocated, sum(q4_quota) = company_number AS to_the_cent
FROM q4_plan GROUP BY company_number;

\echo
\echo '(q4) can the team carry it? quota_capacity(q4_quota, ramp, attainment so far in 2026, capped at 1.2)'
WITH att AS (
    SELECT q.rep_id, least(sum(b.amount) / nullif(sum(q.quota) / count(*) * 3, 0), 1.2)::float8 AS factor
    FROM sales.revenue_quotas q
    JOIN sales.bookings b ON b.rep_id = q.rep_id AND b.booked BETWEEN q.period_start AND q.period_end
    WHERE q.period_start IN ('2026-01-01', '2026-04-01', '2026-07-01') AND b.booked <= :'as_of'
    GROUP BY q.rep_id)
SELECT p.company_number,
       quota_capacity(p.q4_quota, least(coalesce(p.ramp, 0), 1), coalesce(a.factor, 0)) AS capacity,
       round(100 * quota_capacity(p.q4_quota, least(coalesce(p.ramp, 0), 1), coalesce(a.factor, 0)) / p.company_number, 1) AS pct_of_number
FROM q4_plan p LEFT JOIN att a USING (rep_id)
GROUP BY p.company_number;

\echo
\echo '(q5) Q2 2026 pay under a three-tier plan: 4 % to quota, 7 % to 125 %, 10 % above - commission(credit, quota, tiers[, marginal])'
SELECT r.name AS rep, q.quota, b.credit,
       round(b.credit / q.quota, 2) AS attainment,
       commission(b.credit, q.quota, '{0, 0.04, 1, 0.07, 1.25, 0.10}') AS marginal,
       commission(b.credit, q.quota, '{0, 0.04, 1, 0.07, 1.25, 0.10}', false) AS whole_tier
FROM (SELECT rep_id, sum(amount) AS credit FROM sales.bookings
      WHERE booked BETWEEN '2026-04-01' AND '2026-06-30' GROUP BY rep_id) b
JOIN sales.reps r USING (rep_id)
JOIN sales.revenue_quotas q ON q.rep_id = b.rep_id AND q.period_start = '2026-04-01'
WHERE q.quota > 0
ORDER BY r.rep_id;
