-- abc: abc_class window function (SPEC §3)
-- Reference: the SQL rule of the SPEC,
--   sum(greatest(v,0)) OVER (ORDER BY v DESC) <= a * sum(greatest(v,0)) OVER ()
-- computed in this file; hand-computed cases in comments.

-- Hand case: values 50, 30, 10, 5, 5 -> total 100 (0, -3 and NULL add nothing).
--   50: cum 50  <= 80        -> A
--   30: cum 80  <= 80        -> A   (exactly a_share: still A)
--   10: cum 90  <= 95        -> B
--   5, 5 (ties): cum 100 > 95 -> C, both
--   0, -3: <= 0 -> C; NULL -> NULL
-- With a_share 0.5, b_share 0.9: 50 A (50 <= 50), 30 B (80 <= 90), 10 B (90 <= 90), 5 C.
SELECT v, abc_class(v) OVER () AS def,
       abc_class(v, 0.5, 0.9) OVER (ORDER BY v) AS half,
       abc_class(v, b_share => 1) OVER () AS b_all
FROM unnest(ARRAY[50, 30, 10, 5, 5, 0, -3, NULL]::float8[]) v
ORDER BY v DESC NULLS LAST;

-- Partitions are independent; ORDER BY and frame of the OVER clause do not matter.
-- p=1: 60, 40 -> total 100: 60 cum 60 A; 40 cum 100 C.
-- p=2: a single positive value: cum = total > 0.95*total -> C (the SQL rule says so too).
-- p=3: no positive value: everything C.
SELECT p, v,
       abc_class(v) OVER (PARTITION BY p) AS plain,
       abc_class(v) OVER (PARTITION BY p ORDER BY v ROWS BETWEEN CURRENT ROW AND CURRENT ROW) AS framed
FROM (VALUES (1, 60::float8), (1, 40), (2, 7), (3, 0), (3, -1), (4, NULL)) t(p, v)
ORDER BY p, v;

-- Equal values always share a class: four ties at the A/B border.
-- 25 x 4 = 100: every 25 has cum 100 (ties included) -> C; with b_share 1 -> B.
SELECT v, abc_class(v) OVER () AS def, abc_class(v, 0.8, 1) OVER () AS b1
FROM unnest(ARRAY[25, 25, 25, 25]::float8[]) v;

-- Generated data: 6 partitions, about 6000 rows with ties, zeros, negatives and
-- NULLs.  Values are integers or multiples of 0.25, so every float sum is exact
-- whatever the order and the comparison with the SQL rule is meaningful.
CREATE TEMP TABLE abc_gen AS
SELECT i AS id, i % 6 AS p,
       CASE WHEN i % 17 = 0 THEN NULL
            WHEN i % 6 < 3 THEN ((i * 7919) % 211 - 20)::float8          -- integers -20..190
            ELSE ((i * 104729) % 997 - 50)::float8 / 4 END AS v       -- multiples of 0.25
FROM generate_series(1, 6000) i;

SELECT count(*) AS rows, count(v) AS non_null, count(*) FILTER (WHERE v <= 0) AS non_positive,
       count(*) - count(DISTINCT v) AS tied_rows
FROM abc_gen;

-- shares per partition (they may differ between rows: the rule holds per row)
CREATE TEMP VIEW abc_cmp AS
SELECT id, p, v, a, b,
       abc_class(v, a, b) OVER (PARTITION BY p) AS got,
       CASE WHEN v IS NULL THEN NULL
            WHEN v <= 0 THEN 'C'
            WHEN sum(greatest(v, 0)) OVER (PARTITION BY p ORDER BY v DESC)
                 <= a * sum(greatest(v, 0)) OVER (PARTITION BY p) THEN 'A'
            WHEN sum(greatest(v, 0)) OVER (PARTITION BY p ORDER BY v DESC)
                 <= b * sum(greatest(v, 0)) OVER (PARTITION BY p) THEN 'B'
            ELSE 'C' END AS want
FROM (SELECT *, (ARRAY[0.8, 0.5, 0.7, 0.2, 0.9, 0.8])[p + 1]::float8 AS a,
                (ARRAY[0.95, 0.9, 0.95, 0.3, 1, 0.81])[p + 1]::float8 AS b
      FROM abc_gen) g;

SELECT count(*) AS compared,
       count(*) FILTER (WHERE got IS DISTINCT FROM want) AS mismatches,
       count(*) FILTER (WHERE got = 'A') AS a, count(*) FILTER (WHERE got = 'B') AS b,
       count(*) FILTER (WHERE got = 'C') AS c, count(*) FILTER (WHERE got IS NULL) AS nulls
FROM abc_cmp;

-- ties never split across classes
SELECT count(*) AS values_with_two_classes
FROM (SELECT p, v FROM abc_cmp WHERE v IS NOT NULL GROUP BY p, v
      HAVING count(DISTINCT got) > 1) s;

-- default shares over the same data, and a row order that differs from the value order
SELECT count(*) FILTER (WHERE got IS DISTINCT FROM want) AS mismatches_default
FROM (SELECT abc_class(v) OVER (PARTITION BY p ORDER BY id DESC) AS got,
             CASE WHEN v IS NULL THEN NULL WHEN v <= 0 THEN 'C'
                  WHEN sum(greatest(v, 0)) OVER (PARTITION BY p ORDER BY v DESC)
                       <= 0.8 * sum(greatest(v, 0)) OVER (PARTITION BY p) THEN 'A'
                  WHEN sum(greatest(v, 0)) OVER (PARTITION BY p ORDER BY v DESC)
                       <= 0.95 * sum(greatest(v, 0)) OVER (PARTITION BY p) THEN 'B'
                  ELSE 'C' END AS want
      FROM abc_gen) s;

-- Cents (values not exact in binary): the SQL rule adds in a row order that
-- depends on the plan, abc_class adds in value order with compensation; the two
-- could only differ for a row whose cum is within a rounding of a_share*total.
SELECT count(*) AS compared,
       count(*) FILTER (WHERE got IS DISTINCT FROM want) AS mismatches_cents
FROM (SELECT abc_class(v) OVER (PARTITION BY p) AS got,
             CASE WHEN v IS NULL THEN NULL WHEN v <= 0 THEN 'C'
                  WHEN sum(greatest(v, 0)) OVER (PARTITION BY p ORDER BY v DESC)
                       <= 0.8 * sum(greatest(v, 0)) OVER (PARTITION BY p) THEN 'A'
                  WHEN sum(greatest(v, 0)) OVER (PARTITION BY p ORDER BY v DESC)
                       <= 0.95 * sum(greatest(v, 0)) OVER (PARTITION BY p) THEN 'B'
                  ELSE 'C' END AS want
      FROM (SELECT i % 4 AS p, ((i * 7919) % 100003 - 3000)::float8 / 100 AS v
            FROM generate_series(1, 20000) i) c) s;

-- NULL shares give NULL (STRICT semantics), per row
SELECT v, abc_class(v, NULL, 0.9) OVER () AS a_null, abc_class(v, 0.5, NULL) OVER () AS b_null
FROM unnest(ARRAY[3, 1]::float8[]) v;

-- no row at all: no output
SELECT abc_class(v) OVER () FROM abc_gen WHERE false;

-- bad arguments
SELECT test_util.err(q) FROM (VALUES
  ('SELECT abc_class(v, 0, 0.9) OVER () FROM (VALUES (1.0::float8)) t(v)'),
  ('SELECT abc_class(v, -0.1, 0.9) OVER () FROM (VALUES (1.0::float8)) t(v)'),
  ('SELECT abc_class(v, 1, 1) OVER () FROM (VALUES (1.0::float8)) t(v)'),
  ('SELECT abc_class(v, 80, 95) OVER () FROM (VALUES (1.0::float8)) t(v)'),
  ('SELECT abc_class(v, 0.8, 1.01) OVER () FROM (VALUES (1.0::float8)) t(v)'),
  ('SELECT abc_class(v, 0.8, 0.8) OVER () FROM (VALUES (1.0::float8)) t(v)'),
  ('SELECT abc_class(v, 0.9, 0.8) OVER () FROM (VALUES (1.0::float8)) t(v)'),
  ('SELECT abc_class(v, ''NaN'', 0.9) OVER () FROM (VALUES (1.0::float8)) t(v)'),
  ('SELECT abc_class(v, 0.8, ''Infinity'') OVER () FROM (VALUES (1.0::float8)) t(v)'),
  ('SELECT abc_class(v) OVER () FROM (VALUES (1.0::float8), (''NaN'')) t(v)'),
  ('SELECT abc_class(v) OVER () FROM (VALUES (1.0::float8), (''Infinity'')) t(v)'),
  ('SELECT abc_class(v) OVER () FROM (VALUES (1.0::float8), (''-Infinity'')) t(v)'),
  ('SELECT abc_class(v) OVER () FROM (VALUES (1e308::float8), (1e308)) t(v)')) t(q);
