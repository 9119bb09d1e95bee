-- commission and quota_capacity (SPEC §16).  Expected values are computed by
-- hand in the comments.

-- A three-tier plan: 5 % up to quota, 8 % from 100 % to 150 %, 12 % above.
-- quota 1000.
-- credit 800 (80 %):   marginal 800*0.05 = 40.00; whole-tier 40.00
-- credit 1000 (100 %, exactly at a boundary): marginal 1000*0.05 = 50.00
--   (nothing above the boundary); whole-tier: 100 % reaches tier 2, so
--   1000*0.08 = 80.00
-- credit 1200: marginal 50 + 200*0.08 = 66.00; whole-tier 1200*0.08 = 96.00
-- credit 1500 (150 %, at the second boundary): marginal 50 + 500*0.08 = 90.00;
--   whole-tier 1500*0.12 = 180.00
-- credit 2000: marginal 50 + 40 + 500*0.12 = 150.00; whole-tier 2000*0.12 = 240.00
-- credit 0: 0.00 both
SELECT credit,
       commission(credit, 1000, '{0, 0.05, 1, 0.08, 1.5, 0.12}') AS marginal,
       commission(credit, 1000, '{0, 0.05, 1, 0.08, 1.5, 0.12}', false) AS whole_tier
FROM (VALUES (800), (1000), (1200), (1500), (2000), (0)) v(credit);
-- Just under and just over a boundary (credit 999.99 and 1000.01):
-- marginal 999.99*0.05 = 49.9995 -> 50.00 (half away from zero);
--   1000.01: 50 + 0.01*0.08 = 50.0008 -> 50.00
-- whole-tier 999.99*0.05 = 49.9995 -> 50.00; 1000.01*0.08 = 80.0008 -> 80.00
SELECT credit,
       commission(credit, 1000, '{0, 0.05, 1, 0.08, 1.5, 0.12}') AS marginal,
       commission(credit, 1000, '{0, 0.05, 1, 0.08, 1.5, 0.12}', false) AS whole_tier
FROM (VALUES (999.99), (1000.01)) v(credit);
-- The scale of credit is kept (3 decimals): 1234.567 at 5 % = 61.72835 -> 61.728
SELECT commission(1234.567, 10000, '{0, 0.05}') AS three_decimals;
-- One tier: a flat rate. A zero rate below a threshold (a gate at 50 %):
-- credit 400 of quota 1000: 0; credit 600: 100*0.1 = 10.00 marginal, 60.00 whole
SELECT commission(400, 1000, '{0, 0, 0.5, 0.1}') AS gate_below,
       commission(600, 1000, '{0, 0, 0.5, 0.1}') AS gate_marginal,
       commission(600, 1000, '{0, 0, 0.5, 0.1}', false) AS gate_whole;
-- An accelerator above 100 % with a decelerator (rates may fall): quota
-- 500, credit 1000: marginal 500*0.1 + 500*0.02 = 60.00, whole 1000*0.02 = 20.00
SELECT commission(1000, 500, '{0, 0.1, 1, 0.02}') AS marginal,
       commission(1000, 500, '{0, 0.1, 1, 0.02}', false) AS whole_tier;
-- NULL arguments: NULL (STRICT)
SELECT commission(NULL, 1000, '{0, 0.05}') IS NULL AS null_credit,
       commission(100, 1000, '{0, 0.05}', NULL) IS NULL AS null_marginal;

-- Bad arguments, each with its SQLSTATE
SELECT test_util.err($$SELECT commission(100, 0, '{0, 0.05}')$$) AS zero_quota;
SELECT test_util.err($$SELECT commission(100, -5, '{0, 0.05}')$$) AS negative_quota;
SELECT test_util.err($$SELECT commission(-1, 1000, '{0, 0.05}')$$) AS negative_credit;
SELECT test_util.err($$SELECT commission('NaN', 1000, '{0, 0.05}')$$) AS nan_credit;
SELECT test_util.err($$SELECT commission(100, 'Infinity', '{0, 0.05}')$$) AS infinite_quota;
SELECT test_util.err($$SELECT commission(100, 1000, '{}')$$) AS no_tiers;
SELECT test_util.err($$SELECT commission(100, 1000, '{0, 0.05, 1}')$$) AS odd_tiers;
SELECT test_util.err($$SELECT commission(100, 1000, '{0.1, 0.05}')$$) AS first_not_zero;
SELECT test_util.err($$SELECT commission(100, 1000, '{0, 0.05, 1, 0.08, 1, 0.1}')$$) AS from_not_increasing;
SELECT test_util.err($$SELECT commission(100, 1000, '{0, 0.05, 1, -0.08}')$$) AS negative_rate;
SELECT test_util.err($$SELECT commission(100, 1000, '{0, NULL}')$$) AS null_rate;
SELECT test_util.err($$SELECT commission(100, 1000, '{0, 0.05, NaN, 0.1}')$$) AS nan_from;
SELECT test_util.err($$SELECT commission(100, 1000, '{{0, 0.05}, {1, 0.1}}')$$) AS two_dimensions;

-- Against an independent formulation over random plans: marginal pay is the
-- sum over tiers of rate * (least(credit, quota*next_from) - quota*from)
-- where positive; whole-tier pay is credit * the rate of the last from
-- reached; both rounded to greatest(scale(credit), 2).
SELECT setseed(0.75);
CREATE TEMP TABLE q25_plans AS
SELECT i, round((random() * 3000)::numeric, (random() * 3)::int) AS credit,
       round((1 + random() * 2000)::numeric, 2) AS quota,
       ARRAY[0, round(random()::numeric * 0.1, 3), 0.5 + round(random()::numeric, 2),
             round(random()::numeric * 0.2, 3), 1.6 + round(random()::numeric, 2),
             round(random()::numeric * 0.3, 3)] AS tiers
FROM generate_series(1, 2000) i;
-- credits exactly at the boundaries, too
INSERT INTO q25_plans SELECT 3000 + i, quota * tiers[3], quota, tiers FROM q25_plans WHERE i <= 200;
INSERT INTO q25_plans SELECT 4000 + i, quota * tiers[5], quota, tiers FROM q25_plans WHERE i <= 200;
SELECT count(*) AS plans,
       count(*) FILTER (WHERE commission(credit, quota, tiers)::text IS DISTINCT FROM m::text) AS marginal_mismatches,
       count(*) FILTER (WHERE commission(credit, quota, tiers, false)::text IS DISTINCT FROM w::text) AS whole_mismatches
FROM (SELECT p.*,
             round((SELECT sum(greatest(least(credit, coalesce(quota * tiers[2 * k + 1], credit)) - quota * tiers[2 * k - 1], 0) * tiers[2 * k])
                    FROM generate_series(1, 3) k), greatest(scale(credit), 2)) AS m,
             round(credit * (SELECT tiers[2 * max(k)] FROM generate_series(1, 3) k
                             WHERE credit >= quota * tiers[2 * k - 1]), greatest(scale(credit), 2)) AS w
      FROM q25_plans p) x;
