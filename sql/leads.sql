-- leads: priority_group, priority_label, lead_class (SPEC §2)

-- the four groups (big_amount 50000, fast_days 30), by hand
SELECT priority_group(80000, 10, 50000, 30) AS fast_big,     -- 1
       priority_group(1000, 10, 50000, 30) AS fast_small,    -- 2
       priority_group(80000, 90, 50000, 30) AS slow_big,     -- 3
       priority_group(1000, 90, 50000, 30) AS slow_small;    -- 4
-- boundaries: big is amount >= big_amount, fast is days_to_cash <= fast_days
SELECT priority_group(50000, 30, 50000, 30) AS at_both,      -- 1
       priority_group(49999.99, 30, 50000, 30) AS just_small, -- 2
       priority_group(50000, 30.01, 50000, 30) AS just_slow,  -- 3
       priority_group(0, 0, 0, 0) AS zeros;                   -- 0 >= 0 and 0 <= 0: 1
SELECT priority_group(NULL, 1, 1, 1) IS NULL AS strict_null;

-- every group against the plain-SQL rule on a grid
SELECT count(*) AS grid,
       count(*) FILTER (WHERE priority_group(a, d, 50, 30) <>
           CASE WHEN d <= 30 AND a >= 50 THEN 1 WHEN d <= 30 THEN 2
                WHEN a >= 50 THEN 3 ELSE 4 END) AS mismatch
FROM generate_series(0, 100, 5) a, generate_series(0, 60, 3) d;

SELECT g, priority_label(g) FROM generate_series(1, 4) g;

-- lead_class: A all three, B need and budget without urgency, C otherwise;
-- NULL counts as not confirmed; every one of the 27 combinations
SELECT need, budget, urgent, lead_class(need, budget, urgent)
FROM (VALUES (true), (false), (NULL::boolean)) n(need),
     (VALUES (true), (false), (NULL::boolean)) b(budget),
     (VALUES (true), (false), (NULL::boolean)) u(urgent)
WHERE lead_class(need, budget, urgent) <> 'C'
ORDER BY 1, 2, 3;
SELECT count(*) AS combos,
       count(*) FILTER (WHERE lead_class(n, b, u) <>
           CASE WHEN coalesce(n AND b AND u, false) THEN 'A'
                WHEN coalesce(n AND b, false) THEN 'B' ELSE 'C' END) AS mismatch
FROM (VALUES (true), (false), (NULL::boolean)) n(n),
     (VALUES (true), (false), (NULL::boolean)) b(b),
     (VALUES (true), (false), (NULL::boolean)) u(u);
SELECT lead_class(NULL, NULL, NULL) AS all_null;

-- bad arguments
SELECT test_util.err(q) FROM (VALUES
  ('SELECT priority_group(-1, 10, 50000, 30)'),
  ('SELECT priority_group(100, -10, 50000, 30)'),
  ('SELECT priority_group(100, 10, -50000, 30)'),
  ('SELECT priority_group(100, 10, 50000, -30)'),
  ('SELECT priority_group(''NaN'', 10, 50000, 30)'),
  ('SELECT priority_group(100, ''Infinity'', 50000, 30)'),
  ('SELECT priority_label(0)'),
  ('SELECT priority_label(5)'),
  ('SELECT priority_label(-2147483648)')) t(q);
