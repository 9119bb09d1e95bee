-- scripts/demo_margin.sql: margin and lead load (SPEC §17, doc/margin.md)
-- over the generated schema "sales" (scripts/gen_data.sql), run by
-- scripts/demo.sh after scripts/demo.sql with the same variables.
--
--   psql -X -v ON_ERROR_STOP=1 -f scripts/demo_margin.sql
--
-- Variables (optional): as_of (default 2026-09-15), seed (default 0.42).
-- It first adds its data -- list price and cost on the deals and orders, and
-- a lead flow per rep (table sales.lead_flow) -- then shows each rep's
-- discount depth and pocket margin, the margin quota through quota_status,
-- the discount creep at quarter end, and the lead-load table with its trend.
-- The data it adds has two planted reps: rep 2 discounts deep, and rep 3's
-- lead flow doubles in Q3 while the money per lead halves (the seed's
-- "scattered" team).  Re-running it regenerates the same data.

\set ON_ERROR_STOP 1
\if :{?as_of}
\else
\set as_of '2026-09-15'
\endif
\if :{?seed}
\else
\set seed 0.42
\endif
\set q_start '2026-07-01'
\set q_end '2026-09-30'
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;   -- serial plans: stable row order
SELECT setseed(:seed / 2) \g /dev/null

------------------------------------------------------------------------------
-- data: list price and cost.  net is the amount the generator already has;
-- list = net / (1 - discount share); cost is a share of list, so a deeper
-- discount eats the margin.  Rep 2 discounts 12 points deeper; orders in
-- the last two weeks of a quarter 8 points deeper (the creep).
------------------------------------------------------------------------------
ALTER TABLE sales.deals ADD COLUMN IF NOT EXISTS list_amount numeric(12,2),
                        ADD COLUMN IF NOT EXISTS cost numeric(12,2);
UPDATE sales.deals d
SET list_amount = round(d.amount / (1 - s.share), 2),
    cost = CASE WHEN random() < 0.05 THEN NULL
                ELSE round(d.amount / (1 - s.share) * (0.45 + 0.1 * random())::numeric, 2) END
FROM (SELECT deal_id, (0.04 + 0.14 * random() + CASE WHEN rep_id = 2 THEN 0.12 ELSE 0 END)::numeric AS share
      FROM sales.deals ORDER BY deal_id) s
WHERE s.deal_id = d.deal_id;

ALTER TABLE sales.orders ADD COLUMN IF NOT EXISTS list_amount numeric(12,2),
                         ADD COLUMN IF NOT EXISTS cost numeric(12,2);
UPDATE sales.orders o
SET list_amount = round(o.amount / (1 - s.share), 2),
    cost = round(o.amount / (1 - s.share) * (0.45 + 0.1 * random())::numeric, 2)
FROM (SELECT o2.order_id,
             (0.03 + 0.12 * random() + CASE WHEN c.rep_id = 2 THEN 0.12 ELSE 0 END
              + CASE WHEN (date_trunc('quarter', o2.ts) + interval '3 months' - interval '1 day')::date - o2.ts < 14
                     THEN 0.08 ELSE 0 END)::numeric AS share
      FROM sales.orders o2 JOIN sales.customers c USING (customer_id) ORDER BY o2.order_id) s
WHERE s.order_id = o.order_id;

------------------------------------------------------------------------------
-- data: the lead flow of each rep in Q2 and Q3 2026.  Per working day about
-- 3 leads a rep; won with probability 0.25; amounts lognormal around 4000;
-- first touch after an exponential wait of about half a day.  Rep 3 in Q3:
-- twice the leads, won with probability 0.12, smaller amounts, slower and
-- fewer touches (scattered).  Rep 1 in Q3: bigger amounts (growing).
------------------------------------------------------------------------------
DROP TABLE IF EXISTS sales.lead_flow;
CREATE TABLE sales.lead_flow (
    lead_id        int PRIMARY KEY,
    rep_id         int NOT NULL REFERENCES sales.reps,
    created_on     date NOT NULL,
    first_touch_on date,                      -- NULL: never touched
    amount         numeric(12,2) NOT NULL CHECK (amount >= 0),
    won            boolean NOT NULL
);
COMMENT ON TABLE sales.lead_flow IS
'demo lead flow (scripts/demo_margin.sql): rep 3 is made scattered in Q3 2026, rep 1 growing';
INSERT INTO sales.lead_flow
SELECT row_number() OVER (ORDER BY day, rep_id, i), rep_id, day,
       CASE WHEN random() < CASE WHEN hot THEN 0.2 ELSE 0.04 END THEN NULL
            ELSE day + floor(-(CASE WHEN hot THEN 2.5 ELSE 0.6 END) * ln(1 - random()))::int END,
       round((4000 * CASE WHEN hot THEN 0.6 WHEN rep_id = 1 AND day >= date :'q_start' THEN 1.5 ELSE 1 END
              * exp(0.5 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))::numeric, 2),
       random() < CASE WHEN hot THEN 0.12 ELSE 0.25 END
FROM (SELECT d.day::date AS day, r.rep_id,
             r.rep_id = 3 AND d.day >= date :'q_start' AS hot
      FROM generate_series(date '2026-04-01', date :'q_end', interval '1 day') d(day)
      CROSS JOIN sales.reps r
      WHERE extract(isodow FROM d.day) < 6) x
CROSS JOIN LATERAL generate_series(1, floor((CASE WHEN hot THEN 6 ELSE 3 END) * (0.5 + random()))::int + 1) i;
ANALYZE sales.deals, sales.orders, sales.lead_flow;
RESET client_min_messages;

\echo
\echo '(m1) Discount depth and pocket margin of the open deals, by rep (floor 25 %)'
SELECT rep_id, name AS rep, (r).deals, round((r).realization::numeric, 3) AS realization,
       round((r).discount_p50::numeric, 3) AS discount_p50, round((r).discount_p90::numeric, 3) AS discount_p90,
       (r).deals_over_floor AS over_25pct, (r).margin_total, round((r).pocket_margin::numeric, 3) AS pocket_margin
FROM (SELECT d.rep_id, price_realization(d.list_amount, d.amount, d.cost, 0.25) AS r
      FROM sales.deals d GROUP BY d.rep_id) s
JOIN sales.reps USING (rep_id)
ORDER BY (r).realization;

\echo
\echo '(m2) Margin quota for Q3 2026 (35 % of the revenue quota) through quota_status, as of' :as_of
SELECT s.rep_id, reps.name AS rep, (s.r).margin_total, round(0.35 * q.quota, 2) AS margin_quota,
       round(qs.attainment::numeric, 3) AS attainment, round(qs.pace::numeric, 3) AS pace,
       qs.forecast, qs.on_track, round((s.r).pocket_margin::numeric, 3) AS pocket_margin
FROM (SELECT c.rep_id, price_realization(o.list_amount, o.amount, o.cost) AS r
      FROM sales.orders o JOIN sales.customers c USING (customer_id)
      WHERE o.ts BETWEEN date :'q_start' AND date :'as_of'
      GROUP BY c.rep_id) s
JOIN sales.reps reps USING (rep_id)
JOIN sales.revenue_quotas q ON q.rep_id = s.rep_id AND q.period_start = date :'q_start'
CROSS JOIN LATERAL quota_status((s.r).margin_total, round(0.35 * q.quota, 2), q.period_start, q.period_end,
                                date :'as_of',
                                (SELECT coalesce(array_agg(day), '{}') FROM sales.holidays)) qs
ORDER BY qs.attainment DESC NULLS LAST;

\echo
\echo '(m3) Discount creep: the last two weeks of a quarter against the rest (orders of the last four quarters)'
SELECT quarter_end AS last_two_weeks, (r).deals AS orders, round((r).realization::numeric, 3) AS realization,
       round((r).discount_p50::numeric, 3) AS discount_p50, round((r).discount_p90::numeric, 3) AS discount_p90,
       round((r).pocket_margin::numeric, 3) AS pocket_margin
FROM (SELECT (date_trunc('quarter', ts) + interval '3 months' - interval '1 day')::date - ts < 14 AS quarter_end,
             price_realization(list_amount, amount, cost) AS r
      FROM sales.orders
      WHERE ts > date '2026-09-30' - interval '1 year' AND ts <= date :'as_of'
      GROUP BY 1) s
ORDER BY 1;

\echo
\echo '(m4) Lead load: Q3 to' :as_of 'against Q2 to the same day (SLA 1 day), with the trend'
SELECT rep_id, name AS rep, (cur).leads, (prior).leads AS leads_before,
       (cur).touched_in_sla AS in_sla, (cur).won, (cur).revenue,
       (cur).revenue_per_lead, (prior).revenue_per_lead AS per_lead_before,
       lead_load_trend(cur, prior) AS trend,
       quota_label('lead_trend', lead_load_trend(cur, prior), 'en') AS label
FROM (SELECT rep_id,
             lead_load(created_on, amount, won, first_touch_on, date :'q_start', date :'as_of') AS cur,
             lead_load(created_on, amount, won, first_touch_on, date '2026-04-01',
                       date '2026-04-01' + (date :'as_of' - date :'q_start')) AS prior
      FROM sales.lead_flow GROUP BY rep_id) s
JOIN sales.reps USING (rep_id)
ORDER BY quota_label_rank('lead_trend', lead_load_trend(cur, prior)) DESC, rep_id;
