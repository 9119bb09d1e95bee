-- heat: heat_zone (SPEC §6)

-- expected 100, tolerance 0.1: red below 90, green above 110, amber in [90, 110]
SELECT a, heat_zone(a, 100) AS zone
FROM unnest(ARRAY[0, 89.99, 90, 100, 110, 110.01, 500]::float8[]) a;
-- tolerance 0: exactly expected is amber, anything else red or green
SELECT heat_zone(99.9, 100, 0) AS below, heat_zone(100, 100, 0) AS at,
       heat_zone(100.1, 100, 0) AS above;
-- expected 0: nothing is below it, so 0 is amber and any sale green
SELECT heat_zone(0, 0) AS zero_zero, heat_zone(1, 0) AS some, heat_zone(-1, 0) AS refund;
-- tolerance just below 1
SELECT heat_zone(0.5, 100, 0.999) AS wide_amber;
-- against the plain-SQL rule
SELECT count(*) AS grid,
       count(*) FILTER (WHERE heat_zone(a, e, t) <>
           CASE WHEN a < e * (1 - t) THEN 'red' WHEN a > e * (1 + t) THEN 'green'
                ELSE 'amber' END) AS mismatch
FROM generate_series(-10, 200, 7) a, generate_series(0, 150, 25) e,
     unnest(ARRAY[0, 0.05, 0.1, 0.5]::float8[]) t;
SELECT heat_zone(NULL, 1) IS NULL AS strict_null;

-- bad arguments
SELECT test_util.err(q) FROM (VALUES
  ('SELECT heat_zone(1, 100, 1)'),
  ('SELECT heat_zone(1, 100, -0.1)'),
  ('SELECT heat_zone(1, 100, ''NaN'')'),
  ('SELECT heat_zone(1, -100)'),
  ('SELECT heat_zone(''NaN'', 100)'),
  ('SELECT heat_zone(''-Infinity'', 100)'),
  ('SELECT heat_zone(1, ''Infinity'')')) t(q);
