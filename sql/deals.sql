-- deals: lift_index, needs_reanimation, close_probability (SPEC §1)
-- Expected values are hand computed: 0.6/2 = 0.3, 0.3/1.3 = 0.230769..., etc.
SET extra_float_digits = 0;

-- agreement / objections
SELECT lift_index(0.6, 2) AS l_0_3,
       lift_index(0.8, 2) AS l_0_4,
       lift_index(1, 1) AS l_1,
       lift_index(0, 3) AS l_0;
-- 0 objections: Infinity when anything is agreed, 0 when nothing is
SELECT lift_index(0.5, 0) AS inf, lift_index(0, 0) AS zero, lift_index(1, 0) AS inf1;
-- STRICT: NULL in, NULL out
SELECT lift_index(NULL, 1) IS NULL AS n1, lift_index(0.5, NULL) IS NULL AS n2;

-- reanimation: lift < threshold (default 0.4); exactly 0.4 is not below
SELECT needs_reanimation(0.8, 2) AS at_0_4,            -- 0.4 < 0.4: false
       needs_reanimation(0.79, 2) AS below,             -- 0.395: true
       needs_reanimation(0.6, 1) AS above,              -- 0.6: false
       needs_reanimation(0, 0) AS nothing_agreed,        -- 0 < 0.4: true
       needs_reanimation(0.1, 0) AS no_objections,       -- Infinity: false
       needs_reanimation(0.6, 1, 0.7) AS custom_thr,     -- 0.6 < 0.7: true
       needs_reanimation(0.6, 1, threshold => 0.5) AS named; -- false

-- close probability: L / (1 + L)
SELECT close_probability(0.6, 2) AS p_0_3,   -- 0.3/1.3 = 0.230769230769231
       close_probability(1, 1) AS p_half,    -- 0.5
       close_probability(0.5, 0) AS p_inf,   -- 1
       close_probability(0, 0) AS p_zero,    -- 0
       close_probability(0, 5) AS p_zero2;   -- 0

-- against a plain-SQL formulation of the same rules over a grid
SELECT count(*) AS grid,
       count(*) FILTER (WHERE lift_index(a, o) IS DISTINCT FROM
           CASE WHEN o = 0 THEN CASE WHEN a > 0 THEN 'Infinity'::float8 ELSE 0 END
                ELSE a / o END) AS lift_mismatch,
       count(*) FILTER (WHERE needs_reanimation(a, o) IS DISTINCT FROM
           (CASE WHEN o = 0 THEN CASE WHEN a > 0 THEN 'Infinity'::float8 ELSE 0 END
                 ELSE a / o END < 0.4)) AS flag_mismatch,
       count(*) FILTER (WHERE needs_reanimation(a, o)) AS flagged
FROM generate_series(0, 20) i, generate_series(0, 5) o, LATERAL (SELECT i / 20.0::float8 AS a) s;

-- bad arguments: SQLSTATE 22023 with the argument and value in the message
SELECT test_util.err(q) FROM (VALUES
  ('SELECT lift_index(1.5, 1)'),
  ('SELECT lift_index(-0.1, 1)'),
  ('SELECT lift_index(''NaN'', 1)'),
  ('SELECT lift_index(''Infinity'', 1)'),
  ('SELECT lift_index(''-Infinity'', 0)'),
  ('SELECT lift_index(0.5, -1)'),
  ('SELECT needs_reanimation(0.5, 1, 0)'),
  ('SELECT needs_reanimation(0.5, 1, -0.4)'),
  ('SELECT needs_reanimation(0.5, 1, ''Infinity'')'),
  ('SELECT needs_reanimation(0.5, 1, ''NaN'')'),
  ('SELECT needs_reanimation(50, 1)'),
  ('SELECT close_probability(0.5, -2)'),
  ('SELECT close_probability(2, 0)')) t(q);
