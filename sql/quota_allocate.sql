-- quota_allocate (SPEC §16): a window function spreading a partition's total
-- over its rows in proportion to weight, by the largest-remainder method.
-- Expected values: hand computations in the comments, and a plain-SQL
-- formulation of the same rule over thousands of random partitions.

-- 100 over three equal weights: 33.333... each; 10000 cents, floors 3333
-- each, one cent left; remainders and weights tie, so the earliest row in
-- the window's ORDER BY gets it: 33.34, 33.33, 33.33 -- reversed with DESC.
SELECT pos, quota_allocate(100, 1) OVER (ORDER BY pos) FROM generate_series(1, 3) pos;
SELECT pos, quota_allocate(100, 1) OVER (ORDER BY pos DESC) FROM generate_series(1, 3) pos ORDER BY pos;
-- Ties in remainder go to the larger weight: total 0.10 = 10 cents, weights
-- 3, 5, 12 (sum 20): 30/20 = 1 r 10, 50/20 = 2 r 10, 120/20 = 6 r 0; one
-- cent left, remainders 10 tie, the weight 5 wins although it comes later:
-- 0.01, 0.03, 0.06.
SELECT w, quota_allocate(0.10, w) OVER (ORDER BY pos) FROM (VALUES (1, 3), (2, 5), (3, 12)) v(pos, w);
-- A larger remainder wins over a larger weight: total 1 = 100 cents, weights
-- 1, 2 (sum 3): 100/3 = 33 r 1, 200/3 = 66 r 2: the weight 2 gets the cent:
-- 0.33, 0.67 (and 0.33 + 0.67 = 1).
SELECT w, quota_allocate(1, w) OVER (ORDER BY pos) FROM (VALUES (1, 1), (2, 2)) v(pos, w);
-- The scale of total (3 decimals) is kept: 1.000 over 1, 1, 1 = 0.334, 0.333, 0.333
SELECT pos, quota_allocate(1.000, 1) OVER (ORDER BY pos) FROM generate_series(1, 3) pos;
-- A negative total: the absolute value is spread and the sign put back
SELECT pos, quota_allocate(-100, 1) OVER (ORDER BY pos) FROM generate_series(1, 3) pos;
-- Zero weights get 0.00; NULL total or weight: NULL and no share, the rest
-- share all of it; partitions are independent
SELECT g, pos, w, t, quota_allocate(t, w) OVER (PARTITION BY g ORDER BY pos)
FROM (VALUES (1, 1, 0, 50), (1, 2, 2, 50), (1, 3, NULL, 50), (1, 4, 1, NULL),
             (2, 1, 1, 7), (2, 2, 1, 7), (3, 1, NULL, 9)) v(g, pos, w, t)
ORDER BY g, pos;
-- Fractional weights (shares of last year)
SELECT pos, quota_allocate(250000, w) OVER (ORDER BY pos)
FROM (VALUES (1, 0.125), (2, 0.3333), (3, 0.5417)) v(pos, w);
-- Amounts past 64 bits (computed in numeric): 1e30 over weights 1, 1, 1
SELECT pos, quota_allocate(1e30, 1) OVER (ORDER BY pos) FROM generate_series(1, 3) pos;
-- The window's frame does not matter: the whole partition is allocated
SELECT pos, quota_allocate(100, 1) OVER (ORDER BY pos ROWS BETWEEN CURRENT ROW AND CURRENT ROW)
FROM generate_series(1, 3) pos;

-- Random partitions against the plain-SQL formulation of the rule:
-- units T = |total| * 10^s (s = greatest(scale(total), 2)), floor_i =
-- div(T * w_i, W), remainder mod(T * w_i, W) (both exact), R = T - sum of
-- floors, the R first rows by (remainder DESC, weight DESC, pos) get one unit.
SELECT setseed(0.125);
CREATE TEMP TABLE q25_alloc AS
SELECT p, pos,
       CASE WHEN random() < 0.01 THEN NULL ELSE total END AS total,
       CASE WHEN random() < 0.02 THEN NULL
            WHEN random() < 0.1 THEN 0
            ELSE round((random() * wmax)::numeric, wscale) END AS weight
FROM (SELECT p, round(((random() - 0.1) * 10 ^ (1 + (random() * 8)::int))::numeric, (random() * 4)::int) AS total,
             1 + (random() * 40)::int AS n, (random() * 3)::int AS wscale,
             CASE WHEN random() < 0.5 THEN 1 ELSE 1000 END AS wmax
      FROM generate_series(1, 3000) p) parts,
     LATERAL generate_series(1, n) pos;
-- partitions past 64 bits: the numeric path
INSERT INTO q25_alloc
SELECT 3000 + p, pos, 123456789012345678901234.5678, round((random() * 1e6)::numeric, 6)
FROM generate_series(1, 20) p, generate_series(1, 15) pos;
-- make sure every partition has a positive weight
INSERT INTO q25_alloc SELECT DISTINCT p, 0, total, 1 FROM q25_alloc WHERE total IS NOT NULL;
-- a partition whose total is NULL on every row stays NULL
INSERT INTO q25_alloc VALUES (9999, 1, NULL, 1), (9999, 2, NULL, 2);

CREATE TEMP TABLE q25_alloc_ref AS
WITH b AS (
    SELECT p, pos, total, weight, greatest(scale(total), 2) AS s,
           sum(weight) OVER (PARTITION BY p) AS wsum
    FROM q25_alloc WHERE total IS NOT NULL AND weight IS NOT NULL),
u AS (SELECT *, abs(total) * power(10::numeric, s) AS t FROM b),
f AS (SELECT *, div(t * weight, wsum) AS fl, mod(t * weight, wsum) AS rem FROM u),
r AS (SELECT *, t - sum(fl) OVER (PARTITION BY p) AS leftover,
             row_number() OVER (PARTITION BY p ORDER BY rem DESC, weight DESC, pos) AS rk
      FROM f)
SELECT p, pos, round(sign(total) * (fl + (rk <= leftover)::int) * power(10::numeric, -s), s) AS alloc FROM r;

CREATE TEMP TABLE q25_alloc_got AS
SELECT p, pos, total, quota_allocate(total, weight) OVER (PARTITION BY p ORDER BY pos) AS alloc
FROM q25_alloc;

-- every row equal to the formulation, value and scale; NULL exactly where a
-- total or weight is NULL
SELECT count(*) AS rows, count(DISTINCT p) AS partitions,
       count(*) FILTER (WHERE g.alloc::text IS DISTINCT FROM r.alloc::text) AS mismatches
FROM q25_alloc_got g LEFT JOIN q25_alloc_ref r USING (p, pos);
-- every partition sums to its total, to the last cent
SELECT count(*) AS partitions, count(*) FILTER (WHERE s IS DISTINCT FROM t) AS sums_off
FROM (SELECT p, sum(alloc) AS s, max(total) AS t FROM q25_alloc_got WHERE alloc IS NOT NULL GROUP BY p) x;
-- no row gets more than one unit over its exact share, nor less than one under
SELECT count(*) FILTER (WHERE abs(g.alloc - g.total * a.weight / a.wsum) >= power(10::numeric, -greatest(scale(g.total), 2))) AS off_by_a_unit
FROM q25_alloc_got g
JOIN (SELECT p, pos, weight, sum(weight) OVER (PARTITION BY p) AS wsum FROM q25_alloc
      WHERE total IS NOT NULL AND weight IS NOT NULL) a USING (p, pos);

-- Bad arguments, each with its SQLSTATE
SELECT test_util.err($$SELECT quota_allocate(100, w) OVER () FROM (VALUES (1), (-1)) v(w)$$) AS negative_weight;
SELECT test_util.err($$SELECT quota_allocate(100, w) OVER () FROM (VALUES (1::numeric), ('NaN')) v(w)$$) AS nan_weight;
SELECT test_util.err($$SELECT quota_allocate(100, w) OVER () FROM (VALUES (1::numeric), ('Infinity')) v(w)$$) AS infinite_weight;
SELECT test_util.err($$SELECT quota_allocate(100, w) OVER () FROM (VALUES (0), (0)) v(w)$$) AS zero_weights;
SELECT test_util.err($$SELECT quota_allocate(t, 1) OVER () FROM (VALUES (100), (101)) v(t)$$) AS two_totals;
SELECT test_util.err($$SELECT quota_allocate('NaN', 1) OVER ()$$) AS nan_total;
SELECT test_util.err($$SELECT quota_allocate('-Infinity', 1) OVER ()$$) AS infinite_total;
-- 100 and 100.00 are one total: the larger scale is kept
SELECT t, quota_allocate(t, 1) OVER (ORDER BY t::text) FROM (VALUES (100), (100.00)) v(t);
