-- bench/cases.sql: the benchmark cases run by bench/bench.py (format in its
-- header).  as_of 2026-09-30, window 90 days: b1 = 2026-07-02, b2 = 2026-04-03.
-- Every query ends in one outer aggregate that reads every result column.

------------------------------------------------------------------------------
-- customer aggregates (5M orders, 500k customers)
------------------------------------------------------------------------------

-- case: rfm_kinetic per customer | floor: count/sum/min/max | <= 1.0
-- baseline:
SELECT count(*), sum(n), sum(s), min(a), max(b)
FROM (SELECT customer_id, count(*) n, sum(amount) s, min(ts) a, max(ts) b
      FROM sales.orders GROUP BY customer_id) q
-- subject:
SELECT count(*), sum((k).recency_days), sum((k).frequency), sum((k).monetary),
       min((k).first_order), max((k).last_order), sum((k).orders_recent), sum((k).orders_prior),
       sum((k).revenue_recent), sum((k).revenue_prior), sum((k).ticket_recent),
       sum((k).ticket_prior), sum((k).frequency_trend), sum((k).ticket_trend),
       sum((k).revenue_trend), count(*) FILTER (WHERE (k).segment = 'steady')
FROM (SELECT customer_id, rfm_kinetic(ts, amount, date '2026-09-30') k
      FROM sales.orders GROUP BY customer_id) q

-- case: rfm_kinetic per customer | plain SQL: FILTERed aggregates | -
-- baseline:
SELECT count(*), sum(recency_days), sum(frequency), sum(monetary), min(first_order),
       max(last_order), sum(orders_recent), sum(orders_prior), sum(revenue_recent),
       sum(revenue_prior), sum(ticket_recent), sum(ticket_prior), sum(frequency_trend),
       sum(ticket_trend), sum(revenue_trend), count(*) FILTER (WHERE segment = 'steady')
FROM (SELECT *, CASE WHEN orders_recent = 0 AND orders_prior = 0 THEN 'lost'
                     WHEN first_order > date '2026-07-02' THEN 'new'
                     WHEN orders_prior = 0 THEN 'returning'
                     WHEN orders_recent = 0 OR revenue_trend <= -0.2 THEN 'fading'
                     WHEN revenue_trend >= 0.2 THEN 'growing'
                     ELSE 'steady' END AS segment
      FROM (SELECT *, (ticket_recent - ticket_prior)::float8 / nullif(ticket_prior, 0)::float8 AS ticket_trend
            FROM (SELECT *, revenue_recent / nullif(orders_recent, 0) AS ticket_recent,
                         revenue_prior / nullif(orders_prior, 0) AS ticket_prior,
                         (orders_recent - orders_prior)::float8 / nullif(orders_prior, 0) AS frequency_trend,
                         CASE WHEN revenue_prior > 0
                              THEN ((revenue_recent - revenue_prior) / revenue_prior)::float8 END AS revenue_trend
                  FROM (SELECT customer_id, date '2026-09-30' - max(ts) AS recency_days,
                               count(*) AS frequency, sum(amount) AS monetary,
                               min(ts) AS first_order, max(ts) AS last_order,
                               count(*) FILTER (WHERE ts > date '2026-07-02') AS orders_recent,
                               count(*) FILTER (WHERE ts > date '2026-04-03' AND ts <= date '2026-07-02') AS orders_prior,
                               coalesce(sum(amount) FILTER (WHERE ts > date '2026-07-02'), 0) AS revenue_recent,
                               coalesce(sum(amount) FILTER (WHERE ts > date '2026-04-03' AND ts <= date '2026-07-02'), 0) AS revenue_prior
                        FROM sales.orders WHERE ts <= date '2026-09-30'
                        GROUP BY customer_id) a) b) c) q
-- subject:
SELECT count(*), sum((k).recency_days), sum((k).frequency), sum((k).monetary),
       min((k).first_order), max((k).last_order), sum((k).orders_recent), sum((k).orders_prior),
       sum((k).revenue_recent), sum((k).revenue_prior), sum((k).ticket_recent),
       sum((k).ticket_prior), sum((k).frequency_trend), sum((k).ticket_trend),
       sum((k).revenue_trend), count(*) FILTER (WHERE (k).segment = 'steady')
FROM (SELECT customer_id, rfm_kinetic(ts, amount, date '2026-09-30') k
      FROM sales.orders GROUP BY customer_id) q

-- case: rfm_kinetic per customer | PL/pgSQL aggregate | -
-- runs: 3
-- baseline:
SELECT count(*), sum((k).recency_days), sum((k).frequency), sum((k).monetary),
       min((k).first_order), max((k).last_order), sum((k).orders_recent), sum((k).orders_prior),
       sum((k).revenue_recent), sum((k).revenue_prior), count(*) FILTER (WHERE (k).segment = 'steady')
FROM (SELECT customer_id, bench.kinetic_plpgsql(ts, amount, date '2026-09-30') k
      FROM sales.orders GROUP BY customer_id) q
-- subject:
SELECT count(*), sum((k).recency_days), sum((k).frequency), sum((k).monetary),
       min((k).first_order), max((k).last_order), sum((k).orders_recent), sum((k).orders_prior),
       sum((k).revenue_recent), sum((k).revenue_prior), count(*) FILTER (WHERE (k).segment = 'steady')
FROM (SELECT customer_id, rfm_kinetic(ts, amount, date '2026-09-30') k
      FROM sales.orders GROUP BY customer_id) q

-- case: rfm_summary per customer | floor: count/sum/min/max | -
-- baseline:
SELECT count(*), sum(n), sum(s), min(a), max(b)
FROM (SELECT customer_id, count(*) n, sum(amount) s, min(ts) a, max(ts) b
      FROM sales.orders GROUP BY customer_id) q
-- subject:
SELECT count(*), sum((k).recency_days), sum((k).frequency), sum((k).monetary),
       min((k).first_order), max((k).last_order)
FROM (SELECT customer_id, rfm_summary(ts, amount, date '2026-09-30') k
      FROM sales.orders GROUP BY customer_id) q

-- case: rfm_summary per customer | plain SQL: aggregates | -
-- baseline:
SELECT count(*), sum(recency_days), sum(frequency), sum(monetary), min(first_order), max(last_order)
FROM (SELECT customer_id, date '2026-09-30' - max(ts) AS recency_days, count(*) AS frequency,
             sum(amount) AS monetary, min(ts) AS first_order, max(ts) AS last_order
      FROM sales.orders WHERE ts <= date '2026-09-30' GROUP BY customer_id) q
-- subject:
SELECT count(*), sum((k).recency_days), sum((k).frequency), sum((k).monetary),
       min((k).first_order), max((k).last_order)
FROM (SELECT customer_id, rfm_summary(ts, amount, date '2026-09-30') k
      FROM sales.orders GROUP BY customer_id) q

-- case: btyd_summary per customer | floor: count/sum/min/max | -
-- baseline:
SELECT count(*), sum(n), sum(s), min(a), max(b)
FROM (SELECT customer_id, count(*) n, sum(amount) s, min(ts) a, max(ts) b
      FROM sales.orders GROUP BY customer_id) q
-- subject:
SELECT count(*), sum((k).frequency), sum((k).recency), sum((k).t), sum((k).monetary)
FROM (SELECT customer_id, btyd_summary(ts, amount, date '2026-09-30') k
      FROM sales.orders GROUP BY customer_id) q

-- case: btyd_summary per customer | plain SQL: per-day sums, window | -
-- baseline:
SELECT count(*), sum(frequency), sum(recency), sum(t), sum(monetary)
FROM (SELECT customer_id, count(*) - 1 AS frequency, (max(ts) - min(ts))::float8 AS recency,
             (date '2026-09-30' - min(ts))::float8 AS t,
             CASE WHEN count(*) > 1 THEN sum(s) FILTER (WHERE NOT first) / (count(*) - 1) ELSE 0 END AS monetary
      FROM (SELECT customer_id, ts, sum(amount) AS s, ts = min(ts) OVER (PARTITION BY customer_id) AS first
            FROM sales.orders WHERE ts <= date '2026-09-30' GROUP BY customer_id, ts) d
      GROUP BY customer_id) q
-- subject:
SELECT count(*), sum((k).frequency), sum((k).recency), sum((k).t), sum((k).monetary)
FROM (SELECT customer_id, btyd_summary(ts, amount, date '2026-09-30') k
      FROM sales.orders GROUP BY customer_id) q

-- case: demand_cv per customer, 24 months | plain SQL: generate_series buckets | -
-- baseline:
SELECT count(*), sum(cv)
FROM (SELECT g.customer_id, stddev_pop(coalesce(m.s, 0)) / nullif(avg(coalesce(m.s, 0)), 0) AS cv
      FROM (SELECT customer_id, date_trunc('month', ts)::date AS month, sum(amount::float8) AS s
            FROM sales.orders WHERE ts >= date '2024-10-01' AND ts < date '2026-10-01'
            GROUP BY 1, 2) m
      RIGHT JOIN (SELECT c.customer_id, b::date AS month
                  FROM sales.customers c
                  CROSS JOIN generate_series(date '2024-10-01', date '2026-09-01', interval '1 month') b) g
             ON g.customer_id = m.customer_id AND g.month = m.month
      GROUP BY g.customer_id) q
-- subject:
SELECT count(*), sum(cv)
FROM (SELECT customer_id, demand_cv(ts, amount::float8, date '2024-10-01', 24) AS cv
      FROM sales.orders GROUP BY customer_id) q

------------------------------------------------------------------------------
-- window functions over the 500k customers (bench.cust) and 1M synthetic rows
------------------------------------------------------------------------------

-- case: abc_class customers, one partition | SQL rule of SPEC 3 | <= 0.6
-- baseline:
SELECT count(*) FILTER (WHERE c = 'A'), count(*) FILTER (WHERE c = 'B'), count(*) FILTER (WHERE c = 'C')
FROM (SELECT CASE WHEN revenue <= 0 THEN 'C'
                  WHEN sum(greatest(revenue, 0)) OVER (ORDER BY revenue DESC) <= 0.8 * sum(greatest(revenue, 0)) OVER () THEN 'A'
                  WHEN sum(greatest(revenue, 0)) OVER (ORDER BY revenue DESC) <= 0.95 * sum(greatest(revenue, 0)) OVER () THEN 'B'
                  ELSE 'C' END AS c
      FROM bench.cust) s
-- subject:
SELECT count(*) FILTER (WHERE c = 'A'), count(*) FILTER (WHERE c = 'B'), count(*) FILTER (WHERE c = 'C')
FROM (SELECT abc_class(revenue) OVER () AS c FROM bench.cust) s

-- case: abc_class customers by rep (5000 partitions) | SQL rule of SPEC 3 | <= 0.6
-- baseline:
SELECT count(*) FILTER (WHERE c = 'A'), count(*) FILTER (WHERE c = 'B'), count(*) FILTER (WHERE c = 'C')
FROM (SELECT CASE WHEN revenue <= 0 THEN 'C'
                  WHEN sum(greatest(revenue, 0)) OVER (PARTITION BY rep_id ORDER BY revenue DESC) <= 0.8 * sum(greatest(revenue, 0)) OVER (PARTITION BY rep_id) THEN 'A'
                  WHEN sum(greatest(revenue, 0)) OVER (PARTITION BY rep_id ORDER BY revenue DESC) <= 0.95 * sum(greatest(revenue, 0)) OVER (PARTITION BY rep_id) THEN 'B'
                  ELSE 'C' END AS c
      FROM bench.cust) s
-- subject:
SELECT count(*) FILTER (WHERE c = 'A'), count(*) FILTER (WHERE c = 'B'), count(*) FILTER (WHERE c = 'C')
FROM (SELECT abc_class(revenue) OVER (PARTITION BY rep_id) AS c FROM bench.cust) s

-- case: abc_class 1M rows, one partition | SQL rule of SPEC 3 | <= 0.6
-- baseline:
SELECT count(*) FILTER (WHERE c = 'A'), count(*) FILTER (WHERE c = 'B'), count(*) FILTER (WHERE c = 'C')
FROM (SELECT CASE WHEN v <= 0 THEN 'C'
                  WHEN sum(greatest(v, 0)) OVER (ORDER BY v DESC) <= 0.8 * sum(greatest(v, 0)) OVER () THEN 'A'
                  WHEN sum(greatest(v, 0)) OVER (ORDER BY v DESC) <= 0.95 * sum(greatest(v, 0)) OVER () THEN 'B'
                  ELSE 'C' END AS c
      FROM bench.abc_synth) s
-- subject:
SELECT count(*) FILTER (WHERE c = 'A'), count(*) FILTER (WHERE c = 'B'), count(*) FILTER (WHERE c = 'C')
FROM (SELECT abc_class(v) OVER () AS c FROM bench.abc_synth) s

-- case: abc_class 1M rows, 10 partitions | SQL rule of SPEC 3 | <= 0.6
-- baseline:
SELECT count(*) FILTER (WHERE c = 'A'), count(*) FILTER (WHERE c = 'B'), count(*) FILTER (WHERE c = 'C')
FROM (SELECT CASE WHEN v <= 0 THEN 'C'
                  WHEN sum(greatest(v, 0)) OVER (PARTITION BY p ORDER BY v DESC) <= 0.8 * sum(greatest(v, 0)) OVER (PARTITION BY p) THEN 'A'
                  WHEN sum(greatest(v, 0)) OVER (PARTITION BY p ORDER BY v DESC) <= 0.95 * sum(greatest(v, 0)) OVER (PARTITION BY p) THEN 'B'
                  ELSE 'C' END AS c
      FROM bench.abc_synth) s
-- subject:
SELECT count(*) FILTER (WHERE c = 'A'), count(*) FILTER (WHERE c = 'B'), count(*) FILTER (WHERE c = 'C')
FROM (SELECT abc_class(v) OVER (PARTITION BY p) AS c FROM bench.abc_synth) s

-- case: rfm_score R, F, M, one partition | plain SQL: ceil(5 * cume_dist()) | -
-- baseline:
SELECT sum(r), sum(f), sum(m)
FROM (SELECT ceil(5 * cume_dist() OVER (ORDER BY recency DESC)) AS r,
             ceil(5 * cume_dist() OVER (ORDER BY frequency)) AS f,
             ceil(5 * cume_dist() OVER (ORDER BY revenue)) AS m
      FROM bench.cust) s
-- subject:
SELECT sum(r), sum(f), sum(m)
FROM (SELECT rfm_score(recency, 5, false) OVER () AS r, rfm_score(frequency) OVER () AS f,
             rfm_score(revenue) OVER () AS m
      FROM bench.cust) s

-- case: rfm_score R, F, M, by rep | plain SQL: ceil(5 * cume_dist()) | -
-- baseline:
SELECT sum(r), sum(f), sum(m)
FROM (SELECT ceil(5 * cume_dist() OVER (PARTITION BY rep_id ORDER BY recency DESC)) AS r,
             ceil(5 * cume_dist() OVER (PARTITION BY rep_id ORDER BY frequency)) AS f,
             ceil(5 * cume_dist() OVER (PARTITION BY rep_id ORDER BY revenue)) AS m
      FROM bench.cust) s
-- subject:
SELECT sum(r), sum(f), sum(m)
FROM (SELECT rfm_score(recency, 5, false) OVER w AS r, rfm_score(frequency) OVER w AS f,
             rfm_score(revenue) OVER w AS m
      FROM bench.cust WINDOW w AS (PARTITION BY rep_id)) s

------------------------------------------------------------------------------
-- scalar functions: 10M calls against a bare float division; a text result
-- is consumed as a dashboard would, counting one class
------------------------------------------------------------------------------

-- case: lift_index x 10M | floor: sum(a / b) | <= 1.2
-- baseline:
SELECT sum(actual / expected) FROM bench.scalars
-- subject:
SELECT sum(lift_index(agreement, objections)) FROM bench.scalars

-- case: needs_reanimation x 10M | floor: sum(a / b) | <= 1.2
-- baseline:
SELECT sum(actual / expected) FROM bench.scalars
-- subject:
SELECT count(*) FILTER (WHERE needs_reanimation(agreement, objections)) FROM bench.scalars

-- case: close_probability x 10M | floor: sum(a / b) | <= 1.2
-- baseline:
SELECT sum(actual / expected) FROM bench.scalars
-- subject:
SELECT sum(close_probability(agreement, objections)) FROM bench.scalars

-- case: heat_zone x 10M | floor: sum(a / b) | <= 1.2
-- baseline:
SELECT sum(actual / expected) FROM bench.scalars
-- subject:
SELECT count(*) FILTER (WHERE heat_zone(actual, expected) = 'red') FROM bench.scalars

-- case: priority_group x 10M | floor: sum(a / b) | <= 1.2
-- baseline:
SELECT sum(actual / expected) FROM bench.scalars
-- subject:
SELECT sum(priority_group(actual, expected, 500, 300)) FROM bench.scalars

-- case: priority_label x 10M | floor: sum(a / b) | <= 1.2
-- baseline:
SELECT sum(actual / expected) FROM bench.scalars
-- subject:
SELECT count(*) FILTER (WHERE priority_label(grp) = 'fast_big') FROM bench.scalars

-- case: lead_class x 10M | floor: sum(a / b) | <= 1.2
-- baseline:
SELECT sum(actual / expected) FROM bench.scalars
-- subject:
SELECT count(*) FILTER (WHERE lead_class(need, budget, urgent) = 'A') FROM bench.scalars

-- case: xyz_class x 10M | floor: sum(a / b) | <= 1.2
-- baseline:
SELECT sum(actual / expected) FROM bench.scalars
-- subject:
SELECT count(*) FILTER (WHERE xyz_class(agreement) = 'X') FROM bench.scalars

-- case: rfm_segment x 10M | floor: sum(a / b) | <= 1.2
-- baseline:
SELECT sum(actual / expected) FROM bench.scalars
-- subject:
SELECT count(*) FILTER (WHERE rfm_segment(r, f, m) = 'Champions') FROM bench.scalars

-- case: business_days x 10M | floor: sum(a / b) | <= 1.2
-- baseline:
SELECT sum(actual / expected) FROM bench.scalars
-- subject:
SELECT sum(business_days(d1, d2)) FROM bench.scalars

-- case: sales_velocity x 10M | floor: sum(a / b) | <= 1.2
-- baseline:
SELECT sum(actual / expected) FROM bench.scalars
-- subject:
SELECT sum(sales_velocity(actual, agreement, actual, expected)) FROM bench.scalars

------------------------------------------------------------------------------
-- parallel: 2 workers (subject) against the same query serial (baseline),
-- low-cardinality groups
------------------------------------------------------------------------------

-- case: parallel rfm_kinetic by segment (c % 20) | same query, serial | >= 1.7x
-- expect: Gather
-- baseline:
SELECT count(*), sum((k).frequency), sum((k).monetary), sum((k).revenue_recent),
       sum((k).revenue_prior), count(*) FILTER (WHERE (k).segment = 'steady')
FROM (SELECT customer_id % 20 AS segment, rfm_kinetic(ts, amount, date '2026-09-30') k
      FROM sales.orders GROUP BY 1) q
-- subject: SET max_parallel_workers_per_gather = 2; parallel_leader_participation = off
SELECT count(*), sum((k).frequency), sum((k).monetary), sum((k).revenue_recent),
       sum((k).revenue_prior), count(*) FILTER (WHERE (k).segment = 'steady')
FROM (SELECT customer_id % 20 AS segment, rfm_kinetic(ts, amount, date '2026-09-30') k
      FROM sales.orders GROUP BY 1) q

-- case: parallel rfm_kinetic by rep (join) | same query, serial | >= 1.7x
-- expect: Gather
-- baseline:
SELECT count(*), sum((k).frequency), sum((k).monetary), sum((k).revenue_recent),
       sum((k).revenue_prior), count(*) FILTER (WHERE (k).segment = 'steady')
FROM (SELECT c.rep_id, rfm_kinetic(o.ts, o.amount, date '2026-09-30') k
      FROM sales.orders o JOIN sales.customers c USING (customer_id) GROUP BY 1) q
-- subject: SET max_parallel_workers_per_gather = 2; parallel_leader_participation = off
SELECT count(*), sum((k).frequency), sum((k).monetary), sum((k).revenue_recent),
       sum((k).revenue_prior), count(*) FILTER (WHERE (k).segment = 'steady')
FROM (SELECT c.rep_id, rfm_kinetic(o.ts, o.amount, date '2026-09-30') k
      FROM sales.orders o JOIN sales.customers c USING (customer_id) GROUP BY 1) q

-- case: parallel rfm_summary by segment | same query, serial | >= 1.7x
-- expect: Gather
-- baseline:
SELECT count(*), sum((k).recency_days), sum((k).frequency), sum((k).monetary),
       min((k).first_order), max((k).last_order)
FROM (SELECT customer_id % 20, rfm_summary(ts, amount, date '2026-09-30') k
      FROM sales.orders GROUP BY 1) q
-- subject: SET max_parallel_workers_per_gather = 2; parallel_leader_participation = off
SELECT count(*), sum((k).recency_days), sum((k).frequency), sum((k).monetary),
       min((k).first_order), max((k).last_order)
FROM (SELECT customer_id % 20, rfm_summary(ts, amount, date '2026-09-30') k
      FROM sales.orders GROUP BY 1) q

-- case: parallel btyd_summary by segment | same query, serial | >= 1.7x
-- expect: Gather
-- baseline:
SELECT count(*), sum((k).frequency), sum((k).recency), sum((k).t), sum((k).monetary)
FROM (SELECT customer_id % 20, btyd_summary(ts, amount, date '2026-09-30') k
      FROM sales.orders GROUP BY 1) q
-- subject: SET max_parallel_workers_per_gather = 2; parallel_leader_participation = off
SELECT count(*), sum((k).frequency), sum((k).recency), sum((k).t), sum((k).monetary)
FROM (SELECT customer_id % 20, btyd_summary(ts, amount, date '2026-09-30') k
      FROM sales.orders GROUP BY 1) q

-- case: parallel demand_cv by segment | same query, serial | >= 1.7x
-- expect: Gather
-- baseline:
SELECT count(*), sum(cv)
FROM (SELECT customer_id % 20, demand_cv(ts, amount::float8, date '2024-10-01', 24) AS cv
      FROM sales.orders GROUP BY 1) q
-- subject: SET max_parallel_workers_per_gather = 2; parallel_leader_participation = off
SELECT count(*), sum(cv)
FROM (SELECT customer_id % 20, demand_cv(ts, amount::float8, date '2024-10-01', 24) AS cv
      FROM sales.orders GROUP BY 1) q

-- case: parallel floor by segment | same query, serial | -
-- expect: Gather
-- baseline:
SELECT count(*), sum(n), sum(s), min(a), max(b)
FROM (SELECT customer_id % 20, count(*) n, sum(amount) s, min(ts) a, max(ts) b
      FROM sales.orders GROUP BY 1) q
-- subject: SET max_parallel_workers_per_gather = 2; parallel_leader_participation = off
SELECT count(*), sum(n), sum(s), min(a), max(b)
FROM (SELECT customer_id % 20, count(*) n, sum(amount) s, min(ts) a, max(ts) b
      FROM sales.orders GROUP BY 1) q
