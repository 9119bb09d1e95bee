-- rfm: rfm_score window function and rfm_segment (SPEC §4)

-- Hand case, n = 6 non-NULL values 1, 2, 2, 3, 4, 5:
--   bins 5, higher better: ceil(5*#{<=v}/6): 1 -> 5/6 -> 1; 2 -> 15/6 -> 3 (ties);
--     3 -> 20/6 -> 4; 4 -> 25/6 -> 5; 5 -> 30/6 -> 5
--   bins 3, lower better: ceil(3*#{>=v}/6): 1 -> 18/6 -> 3; 2 -> 15/6 -> 3;
--     3 -> 9/6 -> 2; 4 -> 6/6 -> 1; 5 -> 3/6 -> 1
--   NULL -> NULL, not counted in n
SELECT v, rfm_score(v) OVER () AS s5,
       rfm_score(v, 3, false) OVER (ORDER BY v DESC) AS s3_low,
       rfm_score(v, higher_is_better => false) OVER () AS s5_low
FROM unnest(ARRAY[1, 2, 2, 3, 4, 5, NULL]::float8[]) v
ORDER BY v NULLS LAST;

-- one value: #{<=v} = n -> bins; all equal: everyone gets bins
SELECT v, rfm_score(v) OVER () AS s FROM unnest(ARRAY[7, 7, 7]::float8[]) v;
SELECT rfm_score(v, 100) OVER () AS s100, rfm_score(v, 2) OVER () AS s2
FROM unnest(ARRAY[42]::float8[]) v;

-- Generated data with ties and NULLs in 4 partitions, against a counting query.
CREATE TEMP TABLE rfm_gen AS
SELECT i AS id, i % 4 AS p,
       CASE WHEN i % 13 = 0 THEN NULL ELSE ((i * 7919) % 97)::float8 / 4 - 5 END AS v
FROM generate_series(1, 2400) i;

WITH got AS (
  SELECT id, p, v,
         rfm_score(v) OVER (PARTITION BY p) AS s5,
         rfm_score(v, 7, false) OVER (PARTITION BY p ORDER BY id) AS s7_low,
         rfm_score(v, 100) OVER (PARTITION BY p) AS s100
  FROM rfm_gen),
-- the counts per row: how many values of its partition are <= v (le), >= v
-- (ge), not NULL (n); counted once per distinct (p, v) from the counts of
-- each value (97 values a partition), not by three scans per row
vals AS (SELECT p, v, count(*) AS cnt FROM rfm_gen WHERE v IS NOT NULL GROUP BY p, v),
counts AS (
  SELECT a.p, a.v,
         (sum(b.cnt) FILTER (WHERE b.v <= a.v))::bigint AS le,
         (sum(b.cnt) FILTER (WHERE b.v >= a.v))::bigint AS ge,
         sum(b.cnt)::bigint AS n
  FROM vals a JOIN vals b USING (p) GROUP BY a.p, a.v),
want AS (
  SELECT g.id, c.le, c.ge, c.n
  FROM rfm_gen g JOIN counts c ON c.p = g.p AND c.v = g.v)
SELECT count(*) AS compared,
       count(*) FILTER (WHERE s5 IS DISTINCT FROM (5 * le + n - 1) / n) AS mismatch_s5,
       count(*) FILTER (WHERE s7_low IS DISTINCT FROM (7 * ge + n - 1) / n) AS mismatch_s7_low,
       count(*) FILTER (WHERE s100 IS DISTINCT FROM (100 * le + n - 1) / n) AS mismatch_s100,
       count(*) FILTER (WHERE got.v IS NULL AND (s5 IS NOT NULL OR s7_low IS NOT NULL)) AS null_not_null,
       min(s5) AS min_s5, max(s5) AS max_s5
FROM got LEFT JOIN want USING (id);

-- NULL bins or higher_is_better give NULL
SELECT rfm_score(v, NULL) OVER () AS bins_null, rfm_score(v, 5, NULL) OVER () AS hib_null
FROM unnest(ARRAY[1]::float8[]) v;

SELECT test_util.err(q) FROM (VALUES
  ('SELECT rfm_score(v, 1) OVER () FROM (VALUES (1.0::float8)) t(v)'),
  ('SELECT rfm_score(v, 101) OVER () FROM (VALUES (1.0::float8)) t(v)'),
  ('SELECT rfm_score(v, -5) OVER () FROM (VALUES (1.0::float8)) t(v)'),
  ('SELECT rfm_score(v) OVER () FROM (VALUES (1.0::float8), (''NaN'')) t(v)'),
  ('SELECT rfm_score(v) OVER () FROM (VALUES (1.0::float8), (''-Infinity'')) t(v)')) t(q);

-- rfm_segment: the standard table, first matching row wins.
-- Hand checks: 5,5,5 Champions; 4,4,4 Potential Loyalist (row 2 before row 3);
-- 2,2,2 Loyal Customers; 3,1,3 Promising; 5,1,1 New Customers; 1,3,4 Can't Lose Them;
-- 1,2,4 At Risk; 1,3,3 Need Attention; 2,1,1 About To Sleep; 1,1,1 Lost;
-- 1,2,3 Lost (At Risk needs M >= 4, Need Attention F >= 3; Lost takes every R = 1);
-- 2,1,5: no row -> Others (About To Sleep needs M <= 4, Lost R = 1).
SELECT rfm_segment(5, 5, 5) AS "555", rfm_segment(4, 4, 4) AS "444", rfm_segment(2, 2, 2) AS "222",
       rfm_segment(3, 1, 3) AS "313", rfm_segment(5, 1, 1) AS "511", rfm_segment(1, 3, 4) AS "134";
SELECT rfm_segment(1, 2, 4) AS "124", rfm_segment(1, 3, 3) AS "133", rfm_segment(2, 1, 1) AS "211",
       rfm_segment(1, 1, 1) AS "111", rfm_segment(1, 2, 3) AS "123", rfm_segment(2, 1, 5) AS "215";

-- the full 125-combination grid against a plain-SQL CASE of the table
CREATE TEMP VIEW rfm_grid AS
SELECT r, f, m, rfm_segment(r, f, m) AS got,
       CASE WHEN r = 5 AND f = 5 AND m = 5 THEN 'Champions'
            WHEN r BETWEEN 3 AND 5 AND f BETWEEN 3 AND 5 AND m BETWEEN 2 AND 5 THEN 'Potential Loyalist'
            WHEN r BETWEEN 2 AND 4 AND f BETWEEN 2 AND 4 AND m BETWEEN 2 AND 4 THEN 'Loyal Customers'
            WHEN r BETWEEN 3 AND 4 AND f BETWEEN 1 AND 3 AND m BETWEEN 3 AND 5 THEN 'Promising'
            WHEN r BETWEEN 4 AND 5 AND f BETWEEN 1 AND 3 AND m BETWEEN 1 AND 5 THEN 'New Customers'
            WHEN r BETWEEN 1 AND 2 AND f BETWEEN 3 AND 4 AND m BETWEEN 4 AND 5 THEN 'Can''t Lose Them'
            WHEN r BETWEEN 1 AND 2 AND f BETWEEN 2 AND 5 AND m BETWEEN 4 AND 5 THEN 'At Risk'
            WHEN r BETWEEN 1 AND 3 AND f BETWEEN 3 AND 5 AND m BETWEEN 3 AND 5 THEN 'Need Attention'
            WHEN r BETWEEN 2 AND 3 AND f BETWEEN 1 AND 3 AND m BETWEEN 1 AND 4 THEN 'About To Sleep'
            WHEN r = 1 THEN 'Lost'
            ELSE 'Others' END AS want
FROM generate_series(1, 5) r, generate_series(1, 5) f, generate_series(1, 5) m;

SELECT count(*) AS grid, count(*) FILTER (WHERE got IS DISTINCT FROM want) AS mismatches
FROM rfm_grid;
-- every segment is reachable (11 names with Others)
SELECT got AS segment, count(*) AS combinations FROM rfm_grid GROUP BY got ORDER BY got;

SELECT rfm_segment(NULL, 1, 1) IS NULL AS strict_null;

SELECT test_util.err(q) FROM (VALUES
  ('SELECT rfm_segment(0, 1, 1)'),
  ('SELECT rfm_segment(6, 1, 1)'),
  ('SELECT rfm_segment(1, -1, 1)'),
  ('SELECT rfm_segment(1, 1, 10)')) t(q);

-- custom map: priority order, any whole-number scale, 'Others' when nothing matches
-- (1-10 scale: 9,9,9 -> top; 9,2,9 -> whales (top needs f >= 8); 1,1,1 -> Others)
SELECT rfm_segment(9, 9, 9, m) AS "999", rfm_segment(9, 2, 9, m) AS "929",
       rfm_segment(1, 1, 1, m) AS "111", rfm_segment(10, 10, 10, m) AS "10s",
       rfm_segment(0, 0, 0, m) AS "000", rfm_segment(-3, 5, 5, m) AS "neg"
FROM (SELECT '[{"name": "top",    "r": [8, 10], "f": [8, 10], "m": [8, 10]},
               {"name": "whales", "r": [1, 10], "f": [1, 10], "m": [9, 10]},
               {"name": "zero",   "r": [-5, 0], "f": [0, 5],   "m": [0, 5]}]'::jsonb) s(m);
-- whole numbers written as 2.0 are accepted; an empty map gives Others
SELECT rfm_segment(2, 2, 2, '[{"name": "x", "r": [2.0, 2], "f": [1, 3.00], "m": [2, 2]}]') AS decimal_ok,
       rfm_segment(2, 2, 2, '[]') AS empty_map,
       rfm_segment(2, 2, 2, NULL::jsonb) IS NULL AS strict_null;

-- the standard table written as a map gives the same 125 answers
WITH std AS (SELECT '[
  {"name": "Champions",          "r": [5, 5], "f": [5, 5], "m": [5, 5]},
  {"name": "Potential Loyalist", "r": [3, 5], "f": [3, 5], "m": [2, 5]},
  {"name": "Loyal Customers",    "r": [2, 4], "f": [2, 4], "m": [2, 4]},
  {"name": "Promising",          "r": [3, 4], "f": [1, 3], "m": [3, 5]},
  {"name": "New Customers",      "r": [4, 5], "f": [1, 3], "m": [1, 5]},
  {"name": "Can''t Lose Them",   "r": [1, 2], "f": [3, 4], "m": [4, 5]},
  {"name": "At Risk",            "r": [1, 2], "f": [2, 5], "m": [4, 5]},
  {"name": "Need Attention",     "r": [1, 3], "f": [3, 5], "m": [3, 5]},
  {"name": "About To Sleep",     "r": [2, 3], "f": [1, 3], "m": [1, 4]},
  {"name": "Lost",               "r": [1, 1], "f": [1, 5], "m": [1, 5]}]'::jsonb AS m)
SELECT count(*) AS grid,
       count(*) FILTER (WHERE rfm_segment(r, f, m_r, std.m) IS DISTINCT FROM want) AS mismatches
FROM rfm_grid g(r, f, m_r, got, want), std;

-- the parsed map is cached per call site and re-parsed when the map changes
-- from row to row: alternating maps must not mix
SELECT i, rfm_segment(3, 3, 3, CASE WHEN i % 2 = 0 THEN '[{"name": "even", "r": [1, 5], "f": [1, 5], "m": [1, 5]}]'::jsonb
                                     ELSE '[{"name": "odd", "r": [3, 3], "f": [3, 3], "m": [3, 3]}]'::jsonb END) AS seg
FROM generate_series(1, 4) i;

-- malformed maps: the message says which entry (numbered from 1) and why
SELECT test_util.err('SELECT rfm_segment(1, 1, 1, ' || quote_literal(m) || '::jsonb)') FROM (VALUES
  ('{"name": "x", "r": [1, 5], "f": [1, 5], "m": [1, 5]}'),
  ('"Champions"'),
  ('42'),
  ('[{"name": "ok", "r": [1, 5], "f": [1, 5], "m": [1, 5]}, [1, 2]]'),
  ('[null]'),
  ('[{"r": [1, 5], "f": [1, 5], "m": [1, 5]}]'),
  ('[{"name": 7, "r": [1, 5], "f": [1, 5], "m": [1, 5]}]'),
  ('[{"name": "x", "f": [1, 5], "m": [1, 5]}]'),
  ('[{"name": "x", "r": [1, 5], "f": [1, 5], "m": [1, 5], "M": [1, 2]}]'),
  ('[{"name": "x", "r": 3, "f": [1, 5], "m": [1, 5]}]'),
  ('[{"name": "x", "r": [1, 5], "f": [1, 2, 3], "m": [1, 5]}]'),
  ('[{"name": "x", "r": [1, 5], "f": [1, 5], "m": {"lo": 1}}]'),
  ('[{"name": "x", "r": ["1", 5], "f": [1, 5], "m": [1, 5]}]'),
  ('[{"name": "x", "r": [1, null], "f": [1, 5], "m": [1, 5]}]'),
  ('[{"name": "x", "r": [1.5, 5], "f": [1, 5], "m": [1, 5]}]'),
  ('[{"name": "x", "r": [1, 5], "f": [4, 2], "m": [1, 5]}]'),
  ('[{"name": "x", "r": [1, 5], "f": [1, 5], "m": [1, 1e20]}]')) t(m);
