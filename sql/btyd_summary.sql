-- btyd_summary(ts, amount, as_of, time_unit) (SPEC §4): as the Python
-- library lifetimes defines summary_data_from_transaction_data(freq='D').
-- In lifetimes (utils.py) the transactions after observation_period_end are
-- dropped, the amounts of each (customer, day) are summed, the customer's
-- first day -- however many purchases it has -- is marked as the first
-- purchase and excluded, frequency = number of days - 1, recency = (last day
-- - first day) / freq_multiplier, T = (end - first day) / freq_multiplier,
-- and monetary_value = mean of the remaining days' sums, 0 when there is
-- none.  time_unit plays freq_multiplier's part.  monetary is derived money
-- (SPEC §0): rounded half away from zero to the scale of the customer's
-- amounts, at least 2 decimals (A: 30.00, B: 0.00, C: 42.00 below).

-- Expected values: hand computation (comments) and a plain-SQL formulation.
SET extra_float_digits = 0;

CREATE TEMP TABLE bt_hand(customer text, ts date, amount numeric);
INSERT INTO bt_hand VALUES
 -- A: days 01-01 (10+5), 01-10 (20), 01-20 (30+10): frequency 2,
 --    recency 19, T 30, monetary (20 + 40) / 2 = 30
 ('A', '2024-01-01', 10), ('A', '2024-01-01', 5), ('A', '2024-01-10', 20),
 ('A', '2024-01-20', 30), ('A', '2024-01-20', 10), ('A', '2024-02-05', 99),
 -- B: one day, two purchases: frequency 0, recency 0, T 16, monetary 0
 ('B', '2024-01-15', 3.50), ('B', '2024-01-15', 4.25),
 -- C: rows in no particular order; first day 01-05 (7.5) excluded even
 --    though it is entered last; 01-20: 40 + 2 = 42 -> frequency 1,
 --    recency 15, T 26, monetary 42 / 1
 ('C', '2024-01-20', 40), ('C', '2024-01-20', 2), ('C', '2024-01-05', 7.5),
 ('C', NULL, 100), ('C', '2024-01-25', NULL),
 -- D: only rows after as_of -> NULL
 ('D', '2024-02-01', 5),
 -- E: amounts of scale 3: (1 + 2) / 2 = 1.500
 ('E', '2024-01-01', 1.000), ('E', '2024-01-02', 1), ('E', '2024-01-03', 2),
 -- F: (0.01 + 0.00) / 2 = 0.005 -> 0.01 (half away from zero);
 -- G: (0.01 + 0 + 0) / 3 = 0.0033 -> 0.00; H: -0.01 / 2 -> -0.01
 ('F', '2024-01-01', 1), ('F', '2024-01-02', 0.01), ('F', '2024-01-03', 0.00),
 ('G', '2024-01-01', 1), ('G', '2024-01-02', 0.01), ('G', '2024-01-03', 0), ('G', '2024-01-04', 0),
 ('H', '2024-01-01', 1), ('H', '2024-01-02', -0.01), ('H', '2024-01-03', 0);
SELECT customer, (s).*
FROM (SELECT customer, btyd_summary(ts, amount, DATE '2024-01-31') AS s
      FROM bt_hand GROUP BY customer) q
ORDER BY customer;
-- time_unit 7 days (freq_multiplier = 7): A's recency 19/7 = 2.71428571428571,
-- T 30/7 = 4.28571428571429; frequency and monetary unchanged
SELECT customer, (btyd_summary(ts, amount, DATE '2024-01-31', '7 days')).*
FROM bt_hand WHERE customer = 'A' GROUP BY customer;
-- '1 week' is 7 days; '1 day' is the default
SELECT btyd_summary(ts, amount, DATE '2024-01-31', '1 week')::text
     = btyd_summary(ts, amount, DATE '2024-01-31', '7 days')::text AS week_is_7_days,
       btyd_summary(ts, amount, DATE '2024-01-31', '1 day')::text
     = btyd_summary(ts, amount, DATE '2024-01-31')::text AS day_default
FROM bt_hand WHERE customer = 'A';
-- empty group: NULL
SELECT btyd_summary(ts, amount, DATE '2024-01-31') IS NULL AS empty FROM bt_hand WHERE false;

-- Generated data against the plain-SQL rule: 3000 rows, 50 customers,
-- many same-day purchases (dates drawn from 60 days), NULLs, rows after as_of
SELECT setseed(0.5);
CREATE TEMP TABLE bt_tx AS
SELECT 1 + (random() * 49)::int AS customer,
       CASE WHEN random() < 0.03 THEN NULL ELSE DATE '2024-03-31' + 5 - (random() * 60)::int END AS ts,
       CASE WHEN random() < 0.03 THEN NULL ELSE round((random() * 80)::numeric, (random() * 3)::int) END AS amount
FROM generate_series(1, 3000);
-- single-day customers and a customer with only ignored rows
INSERT INTO bt_tx VALUES (60, '2024-03-01', 1.5), (60, '2024-03-01', 2), (61, '2024-03-31', 9),
                         (62, '2024-04-02', 1), (62, NULL, 1);

CREATE FUNCTION pg_temp.bt_ref(as_of date, unit int)
RETURNS TABLE(customer int, s btyd_summary) LANGUAGE sql AS $$
WITH rows AS (SELECT * FROM bt_tx t WHERE t.ts <= as_of AND t.amount IS NOT NULL),
days AS (SELECT r.customer, r.ts, sum(r.amount) AS day_sum FROM rows r GROUP BY r.customer, r.ts),
c AS (SELECT d.customer, min(d.ts) AS first_day, max(d.ts) AS last_day, count(*) AS ndays,
             greatest(scale(sum(d.day_sum)), 2) AS mscale
      FROM days d GROUP BY d.customer)
SELECT c.customer,
       ROW((c.ndays - 1)::int,
           (c.last_day - c.first_day)::float8 / unit,
           (as_of - c.first_day)::float8 / unit,
           round(CASE WHEN c.ndays = 1 THEN 0::numeric
                      ELSE (SELECT sum(d.day_sum) FROM days d
                            WHERE d.customer = c.customer AND d.ts > c.first_day) / (c.ndays - 1) END,
                 c.mscale))::btyd_summary
FROM c
$$;

SELECT count(*) AS customers, count(s) AS non_null,
       count(*) FILTER (WHERE s::text IS DISTINCT FROM r::text) AS mismatches
FROM (SELECT customer, btyd_summary(ts, amount, DATE '2024-03-31') AS s FROM bt_tx GROUP BY customer) a
FULL JOIN (SELECT customer, s AS r FROM pg_temp.bt_ref('2024-03-31', 1)) b USING (customer);
SELECT count(*) AS customers,
       count(*) FILTER (WHERE s::text IS DISTINCT FROM r::text) AS mismatches_7_days
FROM (SELECT customer, btyd_summary(ts, amount, DATE '2024-03-20', '7 days') AS s FROM bt_tx GROUP BY customer) a
FULL JOIN (SELECT customer, s AS r FROM pg_temp.bt_ref('2024-03-20', 7)) b USING (customer);
-- monetary is the repeat days' amount sum / frequency, rounded with round()
-- to the scale of the customer's amounts (at least 2)
SELECT count(*) FILTER (WHERE (s).monetary::text IS DISTINCT FROM m::text) AS monetary_mismatches,
       count(DISTINCT scale((s).monetary)) AS scales
FROM (SELECT customer, btyd_summary(ts, amount, DATE '2024-03-31') AS s,
             round(sum(amount) FILTER (WHERE ts <= '2024-03-31' AND ts > f.first_ts)
                     / nullif(count(DISTINCT ts) FILTER (WHERE ts <= '2024-03-31' AND amount IS NOT NULL) - 1, 0),
                   greatest(scale(sum(amount) FILTER (WHERE ts <= '2024-03-31')), 2)) AS m
      -- first_ts: the customer's first day with an amount, found once per
      -- customer (it was a sub-select run again for every row)
      FROM bt_tx o LEFT JOIN (SELECT customer, min(ts) AS first_ts FROM bt_tx
                              WHERE amount IS NOT NULL GROUP BY customer) f USING (customer)
      WHERE customer < 60 GROUP BY customer) q;
-- hash and sort aggregation agree
SET enable_hashagg = off;
SELECT count(*) FILTER (WHERE s::text IS DISTINCT FROM r::text) AS sorted_mismatches
FROM (SELECT customer, btyd_summary(ts, amount, DATE '2024-03-31') AS s FROM bt_tx GROUP BY customer) a
FULL JOIN (SELECT customer, s AS r FROM pg_temp.bt_ref('2024-03-31', 1)) b USING (customer);
RESET enable_hashagg;
-- a customer with many distinct days (the day set grows past its first block)
SELECT (btyd_summary(d, 1, DATE '2030-01-01')).frequency AS freq_999,
       (btyd_summary(d, 1, DATE '2030-01-01')).recency AS rec_999
FROM (SELECT DATE '2024-01-01' + (i * 7919) % 1000 AS d FROM generate_series(1, 3000) i) q;

-- Bad arguments
SELECT test_util.err($$SELECT btyd_summary(ts, amount, NULL) FROM bt_hand$$) AS null_as_of;
SELECT test_util.err($$SELECT btyd_summary(ts, amount, '2024-01-31', NULL) FROM bt_hand$$) AS null_unit;
SELECT test_util.err($$SELECT btyd_summary(ts, amount, '2024-01-31', '1 month') FROM bt_hand$$) AS month_unit;
SELECT test_util.err($$SELECT btyd_summary(ts, amount, '2024-01-31', '12 hours') FROM bt_hand$$) AS subday_unit;
SELECT test_util.err($$SELECT btyd_summary(ts, amount, '2024-01-31', '1 day 1 hour') FROM bt_hand$$) AS mixed_unit;
SELECT test_util.err($$SELECT btyd_summary(ts, amount, '2024-01-31', '0 days') FROM bt_hand$$) AS zero_unit;
SELECT test_util.err($$SELECT btyd_summary(ts, amount, '2024-01-31', '-7 days') FROM bt_hand$$) AS negative_unit;
SELECT test_util.err($$SELECT btyd_summary(ts, amount, '-infinity') FROM bt_hand$$) AS infinite_as_of;
SELECT test_util.err($$SELECT btyd_summary(ts, amount, '2024-01-31', CASE WHEN customer = 'B' THEN interval '7 days' ELSE '1 day' END) FROM bt_hand$$) AS unit_changes;
SELECT test_util.err($$SELECT btyd_summary(ts, amount, CASE WHEN customer = 'B' THEN DATE '2024-01-30' ELSE '2024-01-31' END) FROM bt_hand$$) AS as_of_changes;
SELECT test_util.err($$SELECT btyd_summary(ts, 'Infinity'::numeric, '2024-01-31') FROM bt_hand$$) AS infinite_amount;
