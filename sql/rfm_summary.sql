-- rfm_summary(ts, amount, as_of) (SPEC §4) and its money accumulator.
-- Expected values: hand computation (in comments) and a plain-SQL GROUP BY
-- formulation of the same rule in this file (mismatch counts must be 0).
SET extra_float_digits = 0;

-- Hand case, as_of 2024-03-31:
--   2024-01-01 10.5, 2024-03-01 2.25 count; 2024-04-01 is after as_of;
--   NULL ts and NULL amount rows are skipped.
--   recency = 2024-03-31 - 2024-03-01 = 30; frequency 2;
--   monetary = 10.5 + 2.25 = 12.75 (display scale 2, as sum() gives)
SELECT (rfm_summary(ts, amt, DATE '2024-03-31')).*
FROM (VALUES (DATE '2024-01-01', 10.5::numeric), ('2024-03-01', 2.25),
             ('2024-04-01', 100), (NULL, 1), ('2024-02-01', NULL)) v(ts, amt);

-- a row exactly at as_of counts (recency 0); scale follows the largest
-- input scale: 1 + 2.500 = 3.500
SELECT (rfm_summary(ts, amt, DATE '2024-03-31')).*
FROM (VALUES (DATE '2024-03-31', 1::numeric), ('2024-03-31', 2.500)) v(ts, amt);

-- negative amounts (refunds) are summed as they are: 5.00 - 7 = -2.00
SELECT (rfm_summary(ts, amt, DATE '2024-03-31')).monetary
FROM (VALUES (DATE '2024-03-01', 5.00::numeric), ('2024-03-02', -7)) v(ts, amt);

-- empty group, only ignored rows, no rows at all: NULL
SELECT rfm_summary(ts, amt, DATE '2024-03-31') IS NULL AS only_ignored
FROM (VALUES (DATE '2024-04-01', 1::numeric), (NULL, 2), ('2024-01-01', NULL)) v(ts, amt);
SELECT rfm_summary(ts, amt, DATE '2024-03-31') IS NULL AS no_rows
FROM (VALUES (DATE '2024-01-01', 1::numeric)) v(ts, amt) WHERE false;
SELECT g, rfm_summary(ts, amt, DATE '2024-03-31') AS s
FROM (VALUES (1, DATE '2024-01-01', 1::numeric), (2, '2025-01-01', 1)) v(g, ts, amt)
GROUP BY g ORDER BY g;

-- exact money beyond int128 and beyond 30 decimals, against sum()
WITH v(ts, amt) AS (VALUES (DATE '2024-01-01', 9e37::numeric), ('2024-01-02', 9e37),
                           ('2024-01-03', 1e-5), ('2024-01-04', -1.5))
SELECT (rfm_summary(ts, amt, DATE '2024-03-31')).monetary::text = sum(amt)::text AS big_equal,
       (rfm_summary(ts, amt, DATE '2024-03-31')).monetary
FROM v;
WITH v(ts, amt) AS (VALUES (DATE '2024-01-01', 0.1234567890123456789012345678901234::numeric),
                           ('2024-01-02', 1), ('2024-01-03', 2.5))
SELECT (rfm_summary(ts, amt, DATE '2024-03-31')).monetary::text = sum(amt)::text AS fine_scale_equal
FROM v;
-- zeros keep their scale: 0.000 + 0 = 0.000
SELECT (rfm_summary(ts, amt, DATE '2024-03-31')).monetary
FROM (VALUES (DATE '2024-01-01', 0.000::numeric), ('2024-01-02', 0)) v(ts, amt);

-- Generated data: 3000 rows, 40 customers, NULLs, rows after as_of,
-- same-day duplicates, scales 0..4, big and negative amounts.
SELECT setseed(0.17);
CREATE TEMP TABLE rs_tx AS
SELECT 1 + (random() * 39)::int AS customer,
       CASE WHEN random() < 0.03 THEN NULL
            ELSE DATE '2024-03-31' + 15 - (random() * 400)::int END AS ts,
       CASE WHEN random() < 0.03 THEN NULL
            WHEN random() < 0.01 THEN round((random() * 1e20)::numeric, 3)
            ELSE round((random() * 300 - 30)::numeric, (random() * 4)::int) END AS amount
FROM generate_series(1, 3000);
-- a customer with only ignored rows
INSERT INTO rs_tx VALUES (100, DATE '2024-05-01', 1), (100, NULL, 2), (100, DATE '2024-01-01', NULL);

WITH a AS (
    SELECT customer, rfm_summary(ts, amount, DATE '2024-03-31') AS s
    FROM rs_tx GROUP BY customer),
ref AS (
    SELECT customer,
           ROW(DATE '2024-03-31' - max(ts), count(*), sum(amount), min(ts), max(ts))::rfm_summary AS s
    FROM rs_tx
    WHERE ts <= DATE '2024-03-31' AND amount IS NOT NULL
    GROUP BY customer)
SELECT count(*) AS customers,
       count(a.s) AS non_null,
       count(*) FILTER (WHERE a.s::text IS DISTINCT FROM ref.s::text) AS mismatches
FROM a FULL JOIN ref USING (customer);

-- the same through a hash aggregate and a sort aggregate
SET enable_hashagg = off;
SELECT count(*) FILTER (WHERE s::text IS DISTINCT FROM r::text) AS sorted_mismatches
FROM (SELECT customer, rfm_summary(ts, amount, DATE '2024-03-31') AS s,
             ROW(DATE '2024-03-31' - max(ts) FILTER (WHERE ts <= '2024-03-31' AND amount IS NOT NULL),
                 count(*) FILTER (WHERE ts <= '2024-03-31' AND amount IS NOT NULL),
                 sum(amount) FILTER (WHERE ts <= '2024-03-31'),
                 min(ts) FILTER (WHERE ts <= '2024-03-31' AND amount IS NOT NULL),
                 max(ts) FILTER (WHERE ts <= '2024-03-31' AND amount IS NOT NULL))::rfm_summary AS r
      FROM rs_tx WHERE customer < 100 GROUP BY customer) q;
RESET enable_hashagg;

-- composite access works: (f).field and (f).*
SELECT (rfm_summary(ts, amount, DATE '2024-03-31')).frequency
FROM rs_tx WHERE customer = 100;

-- Bad arguments
SELECT test_util.err($$SELECT rfm_summary(ts, amt, NULL) FROM (VALUES (DATE '2024-01-01', 1::numeric)) v(ts, amt)$$) AS null_as_of;
SELECT test_util.err($$SELECT rfm_summary(ts, amt, a) FROM (VALUES (DATE '2024-01-01', 1::numeric, DATE '2024-03-31'), ('2024-01-02', 2, '2024-03-30')) v(ts, amt, a)$$) AS as_of_changes;
SELECT test_util.err($$SELECT rfm_summary(ts, amt, 'infinity') FROM (VALUES (DATE '2024-01-01', 1::numeric)) v(ts, amt)$$) AS infinite_as_of;
SELECT test_util.err($$SELECT rfm_summary(ts, amt, '2024-03-31') FROM (VALUES (DATE '-infinity', 1::numeric)) v(ts, amt)$$) AS minus_infinity_ts;
SELECT test_util.err($$SELECT rfm_summary(ts, amt, '2024-03-31') FROM (VALUES (DATE '2024-01-01', 'NaN'::numeric)) v(ts, amt)$$) AS nan_amount;
SELECT test_util.err($$SELECT rfm_summary(ts, amt, '2024-03-31') FROM (VALUES (DATE '2024-01-01', '-Infinity'::numeric)) v(ts, amt)$$) AS inf_amount;
-- a NaN amount on an ignored row (after as_of) is not inspected
SELECT (rfm_summary(ts, amt, '2024-03-31')).frequency AS nan_after_as_of_ignored
FROM (VALUES (DATE '2024-05-01', 'NaN'::numeric), ('2024-01-01', 1)) v(ts, amt);
-- +infinity ts is after every as_of: ignored
SELECT (rfm_summary(ts, amt, '2024-03-31')).frequency AS infinity_ts_ignored
FROM (VALUES (DATE 'infinity', 1::numeric), ('2024-01-01', 1)) v(ts, amt);
