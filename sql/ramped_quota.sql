-- ramped_quota (SPEC §12): a new rep's quota over the first months of tenure

-- The plain-SQL rule, day by day: each Monday-Friday non-holiday of the
-- period carries 0 before start, ramp[k] in [start + (k-1) months,
-- start + k months), 1 after the ramp; the mean factor times full_quota,
-- rounded half away from zero (numeric round) to full_quota's scale, >= 2.
CREATE FUNCTION pg_temp.ramped_sql(full_quota numeric, start date, ps date, pe date,
                                   ramp numeric[], hol date[] DEFAULT '{}')
RETURNS numeric LANGUAGE sql AS $$
    WITH days AS (
        SELECT d::date AS d FROM generate_series(ps, pe, interval '1 day') d
        WHERE extract(isodow FROM d) < 6 AND d::date <> ALL (hol)),
    f AS (
        SELECT CASE WHEN d < start THEN 0
                    ELSE coalesce((SELECT ramp[k] FROM generate_series(1, cardinality(ramp)) k
                                   WHERE d >= start + (k - 1) * interval '1 month'
                                     AND d < start + k * interval '1 month'), 1) END AS factor
        FROM days)
    SELECT round(full_quota * sum(factor) / count(*), greatest(scale(full_quota), 2)) FROM f
$$;
CREATE TEMP TABLE us_holidays AS SELECT ARRAY[
    '2026-01-01', '2026-01-19', '2026-02-16', '2026-05-25', '2026-06-19', '2026-07-03',
    '2026-09-07', '2026-10-12', '2026-11-11', '2026-11-26', '2026-12-25']::date[] AS days;

-- by hand: Q3 2026 without holidays has 66 weekdays (July 23, August 21,
-- September 22).  A rep starting 2026-08-03 with ramp {0.25, 0.5, 0.75}:
-- July 0; Aug 3 - Sep 2 is 23 weekdays at 0.25; Sep 3 - Sep 30 is 20 at 0.5.
-- 90000 * (5.75 + 10) / 66 = 21477.2727... -> 21477.27
SELECT ramped_quota(90000, '2026-08-03', '2026-07-01', '2026-09-30', '{0.25, 0.5, 0.75}') AS aug_hire;
-- with the US holidays Q3 has 64 counted days (Jul 3 and Sep 7 off); Sep 7
-- falls at 0.5: 90000 * (5.75 + 9.5) / 64 = 21445.3125 -> 21445.31
SELECT ramped_quota(90000, '2026-08-03', '2026-07-01', '2026-09-30', '{0.25, 0.5, 0.75}', days) AS aug_hire_holidays
FROM us_holidays;

-- every start date of 2026 (and the days around it) against Q3 2026, with and
-- without holidays, for a whole-number and a 3-decimal full quota
SELECT count(*) AS cases,
       count(*) FILTER (WHERE ramped_quota(q, s, '2026-07-01', '2026-09-30', '{0.25, 0.5, 0.75}', h)
                        IS DISTINCT FROM pg_temp.ramped_sql(q, s, '2026-07-01', '2026-09-30', '{0.25, 0.5, 0.75}', h)) AS mismatch,
       count(DISTINCT ramped_quota(q, s, '2026-07-01', '2026-09-30', '{0.25, 0.5, 0.75}', h)) AS distinct_results
FROM (SELECT d::date AS s FROM generate_series(date '2025-12-25', date '2027-01-05', interval '1 day') d) ss,
     (VALUES (90000::numeric), (12345.678)) q(q),
     (SELECT '{}'::date[] AS h UNION ALL SELECT days FROM us_holidays) hh;
-- other ramps and periods: a month, a quarter, a year; empty ramp; a ramp
-- longer than the period; zero factors; starts on the 29th-31st (the month
-- boundary is clamped to the month's end, as date + interval does)
SELECT count(*) AS cases,
       count(*) FILTER (WHERE ramped_quota(100000.00, s, ps, pe, r) IS DISTINCT FROM
                              pg_temp.ramped_sql(100000.00, s, ps, pe, r)) AS mismatch
FROM (VALUES (date '2026-02-01', date '2026-02-28'), ('2026-01-01', '2026-03-31'),
             ('2026-01-01', '2026-12-31')) p(ps, pe),
     (VALUES ('{}'::numeric[]), ('{0.5}'), ('{0, 0.3333, 0.6667}'), ('{0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,0.95,0.99,1,0.5}'),
             ('{1}'), ('{0, 0, 0}')) rr(r),
     (SELECT d::date AS s FROM generate_series(date '2025-10-29', date '2026-12-31', interval '1 day') d
      WHERE extract(day FROM d) IN (1, 15, 28, 29, 30, 31)) ss;

-- edges by hand
SELECT ramped_quota(100, '2020-01-01', '2026-07-01', '2026-09-30', '{0.5}') AS long_tenure,   -- 100.00
       ramped_quota(100, '2026-10-01', '2026-07-01', '2026-09-30', '{0.5}') AS not_started,   -- 0.00
       ramped_quota(100, '2026-07-01', '2026-07-01', '2026-09-30', '{}') AS no_ramp,          -- 100.00
       ramped_quota(100, '2026-07-01', '2026-07-01', '2026-09-30', '{1, 1}') AS ramp_of_ones, -- 100.00
       ramped_quota(0, '2026-08-01', '2026-07-01', '2026-09-30', '{0.5}') AS zero_quota;      -- 0.00
-- a start on a weekend: the first counted day is Monday, in month 1
-- (2026-08-01 is a Saturday): Aug 3 - Aug 31, 21 weekdays at 0.5 of 21 -> 50.00
SELECT ramped_quota(100, '2026-08-01', '2026-08-01', '2026-08-31', '{0.5}') AS weekend_start;
-- empty ramp with a start inside the period: 0 before, 1 from start.
-- July 2026 (Wed 1st): 23 weekdays; from Thu Jul 16: 12 -> 100 * 12 / 23 = 52.173... -> 52.17
SELECT ramped_quota(100, '2026-07-16', '2026-07-01', '2026-07-31', '{}') AS mid_month_start;

-- rounding as derived money: half away from zero to the scale of
-- full_quota, never fewer than 2 decimals.  Two counted days (Mon 2026-07-06,
-- Tue 07-07), start on the Tuesday, no ramp: factor mean 1/2.
SELECT ramped_quota(0.05, '2026-07-07', '2026-07-06', '2026-07-07', '{}') AS half_cent_up,        -- 0.025 -> 0.03
       ramped_quota(0.005, '2026-07-07', '2026-07-06', '2026-07-07', '{}') AS three_decimals,     -- 0.0025 -> 0.003
       ramped_quota(1, '2026-07-07', '2026-07-06', '2026-07-07', '{}') AS integer_quota,          -- 0.50
       ramped_quota(100.1, '2026-07-07', '2026-07-06', '2026-07-07', '{}') AS one_decimal,        -- 50.05
       ramped_quota(1000.0000, '2026-07-07', '2026-07-06', '2026-07-07', '{}') AS four_decimals;  -- 500.0000
-- three counted days (Mon-Wed), start Wednesday: 1/3 of 1.00 = 0.333... -> 0.33;
-- 2/3 (start Tuesday) -> 0.67
SELECT ramped_quota(1.00, '2026-07-08', '2026-07-06', '2026-07-08', '{}') AS one_third,
       ramped_quota(1.00, '2026-07-07', '2026-07-06', '2026-07-08', '{}') AS two_thirds;
-- a quotient just below a half is not rounded up.  7 counted days (Mon
-- 07-06 to Tue 07-14), start Tue 07-07: 6 days at f = 0.58333333333333333333333
-- (23 threes): 0.01 * 6f / 7 = 0.00499999999999999999999997142... < 0.005 -> 0.00.
-- numeric division keeps about 20 significant digits and would land on
-- 0.005, which round() takes up to 0.01: the plain formula is shown too.
-- Exactly a half: 7 days at 0.5, 0.01 * 3.5 / 7 = 0.005 -> 0.01.
SELECT ramped_quota(0.01, '2026-07-07', '2026-07-06', '2026-07-14', '{0.58333333333333333333333}') AS just_below,
       pg_temp.ramped_sql(0.01, '2026-07-07', '2026-07-06', '2026-07-14', '{0.58333333333333333333333}') AS plain_formula,
       ramped_quota(0.01, '2026-07-06', '2026-07-06', '2026-07-14', '{0.5}') AS exact_half;
-- the result's scale
SELECT scale(ramped_quota(100, '2026-07-01', '2026-07-01', '2026-09-30', '{0.5}')) AS s0,
       scale(ramped_quota(100.12345, '2026-07-01', '2026-07-01', '2026-09-30', '{0.5}')) AS s5;

-- NULL in, NULL out
SELECT ramped_quota(NULL, '2026-07-01', '2026-07-01', '2026-09-30', '{}') IS NULL AS null_quota,
       ramped_quota(1, NULL, '2026-07-01', '2026-09-30', '{}') IS NULL AS null_start,
       ramped_quota(1, '2026-07-01', '2026-07-01', '2026-09-30', NULL) IS NULL AS null_ramp,
       ramped_quota(1, '2026-07-01', '2026-07-01', '2026-09-30', '{}', NULL) IS NULL AS null_holidays;
-- NULL and infinite holidays are ignored, as in business_days
SELECT ramped_quota(100, '2026-07-16', '2026-07-01', '2026-07-31', '{}', ARRAY[NULL, 'infinity']::date[]) AS ignored;

-- bad arguments
SELECT test_util.err(q) FROM (VALUES
  ('SELECT ramped_quota(100, ''2026-07-01'', ''2026-07-01'', ''2026-09-30'', ''{0.5, 1.01}'')'),
  ('SELECT ramped_quota(100, ''2026-07-01'', ''2026-07-01'', ''2026-09-30'', ''{-0.1}'')'),
  ('SELECT ramped_quota(100, ''2026-07-01'', ''2026-07-01'', ''2026-09-30'', ''{0.5, NULL}'')'),
  ('SELECT ramped_quota(100, ''2026-07-01'', ''2026-07-01'', ''2026-09-30'', ''{NaN}'')'),
  ('SELECT ramped_quota(100, ''2026-07-01'', ''2026-07-01'', ''2026-09-30'', ''{Infinity}'')'),
  ('SELECT ramped_quota(100, ''2026-07-01'', ''2026-07-01'', ''2026-09-30'', ''{{0.5, 0.5}, {1, 1}}'')'),
  ('SELECT ramped_quota(-1, ''2026-07-01'', ''2026-07-01'', ''2026-09-30'', ''{}'')'),
  ('SELECT ramped_quota(''NaN'', ''2026-07-01'', ''2026-07-01'', ''2026-09-30'', ''{}'')'),
  ('SELECT ramped_quota(''Infinity'', ''2026-07-01'', ''2026-07-01'', ''2026-09-30'', ''{}'')'),
  ('SELECT ramped_quota(100, ''infinity'', ''2026-07-01'', ''2026-09-30'', ''{}'')'),
  ('SELECT ramped_quota(100, ''-infinity'', ''2026-07-01'', ''2026-09-30'', ''{}'')'),
  ('SELECT ramped_quota(100, ''2026-07-01'', ''2026-09-30'', ''2026-07-01'', ''{}'')'),
  ('SELECT ramped_quota(100, ''2026-07-01'', ''2026-07-04'', ''2026-07-05'', ''{}'')'),
  ('SELECT ramped_quota(100, ''2026-07-01'', ''2026-07-03'', ''2026-07-03'', ''{}'', ''{2026-07-03}'')'),
  ('SELECT ramped_quota(100, ''2026-07-01'', ''2026-07-01'', ''infinity'', ''{}'')')) t(q);

-- far dates: the ramp's month boundaries near the end of the date range
SELECT ramped_quota(100, '5874897-10-01', '5874897-12-01', '5874897-12-31', '{0.5, 0.5, 0.5, 0.5}') AS far_future,
       ramped_quota(100, '4713-11-24 BC', '2026-07-01', '2026-07-31', '{0.5}') AS far_past;
