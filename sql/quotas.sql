-- quotas: business_days, quota_status, quota_steps, pipeline_coverage,
-- sales_velocity (SPEC §5).  Hand values below were counted on a calendar
-- (Q3 2026: 2026-07-01 is a Wednesday; 66 weekdays, 65 without Labor Day
-- 2026-09-07; 54 counted days up to 2026-09-15).
SET extra_float_digits = 0;
SET datestyle = ISO;

-- business_days
SELECT business_days('2026-07-01', '2026-09-30') AS q3,                       -- 66
       business_days('2026-07-01', '2026-09-30', '{2026-09-07}') AS q3_hol,   -- 65
       business_days('2026-11-21', '2026-11-22') AS weekend,                  -- 0
       business_days('2026-11-23', '2026-11-23') AS one_monday,               -- 1
       business_days('2024-02-26', '2024-03-04') AS leap_week,                -- 6
       business_days('2026-07-02', '2026-07-01') AS reversed;                 -- 0
-- holidays on weekends, duplicates, NULLs and outside the range change nothing
SELECT business_days('2026-07-01', '2026-09-30',
                     '{2026-07-04, 2026-09-07, 2026-09-07, NULL, 2025-12-25, infinity}') AS q3_hol; -- 65
-- one day periods: a holiday Monday counts 0
SELECT business_days('2026-09-07', '2026-09-07', '{2026-09-07}') AS holiday_only;  -- 0
-- across the year 2000 day-number origin and before 1970, against generate_series
SELECT count(*) AS ranges,
       count(*) FILTER (WHERE business_days(a, b, h) <> (
           SELECT count(*) FROM generate_series(a, b, interval '1 day') d
           WHERE extract(isodow FROM d) < 6 AND d::date <> ALL (h))) AS mismatch
FROM (SELECT date '1999-12-01' + (i * 37) % 90 AS a,
             date '1999-12-01' + (i * 37) % 90 + (i * 13) % 60 - 5 AS b,
             ARRAY[date '2000-01-03', date '2000-01-17', date '1999-12-24', date '2000-01-01'] AS h
      FROM generate_series(1, 300) i
      UNION ALL
      SELECT date '1960-03-01' + i, date '1960-03-01' + i + i % 23, '{}'::date[]
      FROM generate_series(0, 60) i) t;
-- huge spans are O(1): the whole date range
SELECT business_days('4713-11-24 BC', '5874897-12-31') > 1500000000 AS whole_range;

-- quota_status: 50000 of a 120000 quota on 2026-09-15, Labor Day off:
-- expected 120000*54/65 = 99692.3077 -> 99692.31, attainment 0.41667, pace
-- 0.50154, forecast 50000*65/54 = 60185.185 -> 60185.19, gap 70000, required
-- 70000/11 = 6363.636 -> 6363.64 (derived money: cents for a whole-number quota)
SELECT s.total_days, s.elapsed_days, s.remaining_days,
       s.expected_to_date AS expected, round(s.attainment::numeric, 5) AS attainment,
       round(s.pace::numeric, 5) AS pace, s.forecast,
       s.gap, s.required_per_day AS required, s.on_track
FROM quota_status(50000, 120000, '2026-07-01', '2026-09-30', '2026-09-15', '{2026-09-07}') s;
-- derived money takes the scale of its money argument, at least 2 decimals,
-- rounded half away from zero: expected from quota, forecast from actual,
-- required_per_day from the gap.  quota 100.125 (scale 3) on day 1 of 2
-- (2026-07-01..02): expected 50.0625 -> 50.063; actual 1.5 (scale 1):
-- forecast 3.0 -> 3.00; gap 98.625, required 98.625/1 = 98.625.
SELECT expected_to_date, forecast, gap, required_per_day
FROM quota_status(1.5, 100.125, '2026-07-01', '2026-07-02', '2026-07-01');
-- half away from zero on both sides: actual -0.05 over 2 of 4 days: forecast
-- -0.1 -> -0.10; quota 0.01: expected 0.005 -> 0.01; quota 0.03 over 1 of 4
-- days: expected 0.0075 -> 0.01, gap 0.08, required 0.08/3 = 0.02667 -> 0.03
SELECT (quota_status(-0.05, 0.01, '2026-07-01', '2026-07-06', '2026-07-02')).forecast AS neg_forecast,
       (quota_status(-0.05, 0.01, '2026-07-01', '2026-07-06', '2026-07-02')).expected_to_date AS half_up,
       (quota_status(-0.05, 0.03, '2026-07-01', '2026-07-06', '2026-07-01')).expected_to_date AS quarter_day,
       (quota_status(-0.05, 0.03, '2026-07-01', '2026-07-06', '2026-07-01')).required_per_day AS req;
-- forecast = actual * 5 / 4 (2026-07-01..07 has 5 counted days, 4 to
-- 07-06): -0.02 -> -0.025 -> -0.03 and 0.02 -> 0.03 (halves away from
-- zero); -0.0125 (scale 4) -> -0.015625 -> -0.0156; -1 over 3 of 4 days
-- -> -1.3333 -> -1.33
SELECT (quota_status(-0.02, 1, '2026-07-01', '2026-07-07', '2026-07-06')).forecast AS neg_half,
       (quota_status(0.02, 1, '2026-07-01', '2026-07-07', '2026-07-06')).forecast AS pos_half,
       (quota_status(-0.0125, 1, '2026-07-01', '2026-07-07', '2026-07-06')).forecast AS scale4,
       (quota_status(-1, 1, '2026-07-01', '2026-07-06', '2026-07-03')).forecast AS thirds;
-- on_track and pace from the exact figures: 2 after 3 of 4 days runs at
-- 2.6667, short of a 2.667 quota, though the rounded forecast shows 2.67
SELECT forecast, on_track, pace < 1 AS short
FROM quota_status(2, 2.667, '2026-07-01', '2026-07-06', '2026-07-03');
-- field names and order of the composite
SELECT * FROM quota_status(130000, 120000, '2026-07-01', '2026-09-30', '2026-09-30');
-- before the period: nothing elapsed, no forecast, no pace
SELECT * FROM quota_status(0, 120000, '2026-07-01', '2026-09-30', '2026-06-15');
-- after the period, and as_of = +-infinity
SELECT (quota_status(1, 2, '2026-07-01', '2026-07-31', '2027-01-01')).elapsed_days AS after,
       (quota_status(1, 2, '2026-07-01', '2026-07-31', 'infinity')).elapsed_days AS inf,
       (quota_status(1, 2, '2026-07-01', '2026-07-31', '-infinity')).elapsed_days AS neg_inf;
-- activity quota (250 calls a week), every date counted, a one-day period
SELECT * FROM quota_status(120, 250, '2026-09-14', '2026-09-20', '2026-09-16', business_days => false);
SELECT * FROM quota_status(3, 5, '2026-09-14', '2026-09-14', '2026-09-14');
-- quota 0: attainment and pace undefined, always on track
SELECT (s).attainment, (s).pace, (s).gap, (s).on_track
FROM (SELECT quota_status(10, 0, '2026-07-01', '2026-09-30', '2026-08-01') s) q;
-- over-achieved: gap 0; negative actual (refunds) is allowed
SELECT (quota_status(200, 100, '2026-07-01', '2026-09-30', '2026-08-01')).gap AS gap_over,
       (quota_status(-50, 100, '2026-07-01', '2026-09-30', '2026-08-01')).gap AS gap_refunds;
-- against the plain-SQL rule over many as_of dates
WITH p AS (SELECT date '2026-07-01' AS ps, date '2026-09-30' AS pe,
                  ARRAY[date '2026-09-07', date '2026-07-03'] AS h),
c AS (SELECT a AS as_of, 12345.67::numeric AS actual, 99999.99::numeric AS quota,
             (SELECT count(*) FROM generate_series(ps, pe, '1 day') d
               WHERE extract(isodow FROM d) < 6 AND d::date <> ALL (h))::int AS total,
             (SELECT count(*) FROM generate_series(ps, least(a, pe), '1 day') d
               WHERE extract(isodow FROM d) < 6 AND d::date <> ALL (h))::int AS elapsed,
             quota_status(12345.67, 99999.99, ps, pe, a, h) AS s
      FROM p, generate_series(date '2026-06-20', date '2026-10-10', '1 day') a0, LATERAL (SELECT a0::date AS a) a1)
SELECT count(*) AS as_of_dates,
       count(*) FILTER (WHERE (s).total_days <> total OR (s).elapsed_days <> elapsed
                        OR (s).remaining_days <> total - elapsed
                        OR (s).expected_to_date::text <> round(quota * elapsed / total, 2)::text
                        OR (s).attainment <> (actual / quota)::float8
                        OR (s).pace IS DISTINCT FROM (actual * total / nullif(quota * elapsed, 0))::float8
                        OR (s).forecast::text IS DISTINCT FROM round(actual * total / nullif(elapsed, 0), 2)::text
                        OR (s).gap::text <> greatest(quota - actual, 0.00)::text
                        OR (s).required_per_day::text IS DISTINCT FROM round(greatest(quota - actual, 0) / nullif(total - elapsed, 0), 2)::text
                        OR (s).on_track IS DISTINCT FROM (actual * total >= quota * nullif(elapsed, 0))) AS mismatch
FROM c;

-- quota_steps: six ledges of the quarter, Labor Day off (65 counted days):
-- step k is due on counted day ceil(65k/6) = 11, 22, 33, 44, 55, 65
SELECT * FROM quota_steps(120000, '2026-07-01', '2026-09-30', 6, '{2026-09-07}');
-- targets are derived money at the quota's scale (at least cents), the
-- last is exactly the quota: 100.005/3 = 33.335, 200.01/3 = 66.670
SELECT * FROM quota_steps(100.005, '2026-07-01', '2026-07-31', 3);
-- 100/3 = 33.333 -> 33.33, 200/3 = 66.667 -> 66.67, 100 -> 100.00;
-- 0.05/2 = 0.025 -> 0.03 (half away from zero)
SELECT * FROM quota_steps(100, '2026-07-01', '2026-07-31', 3);
SELECT * FROM quota_steps(0.05, '2026-07-01', '2026-07-31', 2);
-- steps = total days: one ledge a counted day; calendar days
SELECT count(*) AS steps, min(due), max(due), count(DISTINCT due) AS distinct_due
FROM quota_steps(1000, '2026-07-01', '2026-09-30', 66);
SELECT * FROM quota_steps(7, '2026-02-01', '2026-02-07', 7, business_days => false);
-- a one-day period, one step
SELECT * FROM quota_steps(5, '2026-09-14', '2026-09-14', 1);
-- against the plain-SQL rule for every steps count of a quarter
WITH days AS (
    SELECT d::date AS d, row_number() OVER (ORDER BY d) AS n
    FROM generate_series(date '2026-07-01', date '2026-09-30', '1 day') d
    WHERE extract(isodow FROM d) < 6 AND d::date <> ALL ('{2026-09-07,2026-08-14}'::date[])),
tot AS (SELECT count(*) AS t FROM days),
ref AS (SELECT s, k, (SELECT min(d) FROM days WHERE n >= ceil(t * k / s::numeric)) AS due,
               round(77777.77 * k / s, 2) AS target
        FROM tot, generate_series(1, t::int) s, generate_series(1, s) k)
SELECT count(*) AS ledges,
       count(*) FILTER (WHERE q.due IS DISTINCT FROM ref.due
                        OR q.target::text IS DISTINCT FROM ref.target::text) AS mismatch
FROM ref LEFT JOIN LATERAL quota_steps(77777.77, '2026-07-01', '2026-09-30', ref.s,
                                        '{2026-09-07,2026-08-14}') q ON q.step = ref.k;

-- pipeline_coverage: open / (quota - closed)
SELECT pipeline_coverage(300000, 100000) AS three,
       pipeline_coverage(150000, 100000, 50000) AS three_again,
       pipeline_coverage(1, 100, 100) AS nothing_left,     -- NULL
       pipeline_coverage(1, 100, 150) AS over_closed,      -- NULL
       pipeline_coverage(0, 100) AS empty_pipeline;        -- 0
-- sales_velocity: 40 opportunities * 0.25 * 12000 / 60 days = 2000 a day
SELECT sales_velocity(40, 0.25, 12000, 60) AS per_day,
       sales_velocity(0, 0.5, 100, 1) AS none,
       sales_velocity(10, 1, 100, 0.5) AS fast;

-- bad arguments
SELECT test_util.err(q) FROM (VALUES
  ('SELECT business_days(''-infinity'', ''2026-01-01'')'),
  ('SELECT business_days(''2026-01-01'', ''infinity'')'),
  ('SELECT quota_status(1, 100, ''2026-09-30'', ''2026-07-01'', ''2026-08-01'')'),
  ('SELECT quota_status(1, -100, ''2026-07-01'', ''2026-09-30'', ''2026-08-01'')'),
  ('SELECT quota_status(''NaN'', 100, ''2026-07-01'', ''2026-09-30'', ''2026-08-01'')'),
  ('SELECT quota_status(1, ''Infinity'', ''2026-07-01'', ''2026-09-30'', ''2026-08-01'')'),
  ('SELECT quota_status(1, 100, ''2026-11-21'', ''2026-11-22'', ''2026-11-21'')'),
  ('SELECT quota_status(1, 100, ''2026-09-07'', ''2026-09-07'', ''2026-09-07'', ''{2026-09-07}'')'),
  ('SELECT quota_status(1, 100, ''-infinity'', ''2026-09-07'', ''2026-09-07'')'),
  ('SELECT quota_steps(100, ''2026-07-01'', ''2026-09-30'', 0)'),
  ('SELECT quota_steps(100, ''2026-07-01'', ''2026-09-30'', 67)'),
  ('SELECT quota_steps(-1, ''2026-07-01'', ''2026-09-30'', 3)'),
  ('SELECT quota_steps(100, ''2026-07-02'', ''2026-07-01'', 1)'),
  ('SELECT quota_steps(100, ''2026-07-01'', ''infinity'', 1)'),
  ('SELECT pipeline_coverage(-1, 100)'),
  ('SELECT pipeline_coverage(1, -100)'),
  ('SELECT pipeline_coverage(1, 100, ''NaN'')'),
  ('SELECT sales_velocity(10, 1.5, 100, 30)'),
  ('SELECT sales_velocity(10, 0.5, 100, 0)'),
  ('SELECT sales_velocity(-10, 0.5, 100, 30)'),
  ('SELECT sales_velocity(10, 0.5, -100, 30)'),
  ('SELECT sales_velocity(10, 0.5, 100, ''Infinity'')'),
  ('SELECT sales_velocity(1e300, 1, 1e300, 1)')) t(q);

-- Results past float8's range are 22003 naming the result and printing the
-- figures briefly (the figure used to travel as a 2,000-character number):
-- actual / quota = -1e130 / 1e-1000 = -1e1130; pace = actual / expected =
-- 1e307 / (1 * 1 / 66 business days) = 6.6e308;
-- open_pipeline / quota = 1e600.  A ratio below float8's range is 0.
SELECT left(q, 90) AS q, test_util.err(q) FROM (VALUES
  ('SELECT quota_status(-1e130, 1e-1000, ''2026-07-01'', ''2026-09-30'', ''2026-08-01'')'),
  ('SELECT (quota_status(1e307, 1, ''2026-07-01'', ''2026-09-30'', ''2026-07-01'')).pace'),
  ('SELECT pipeline_coverage(1e300, 1e-300)'),
  ('SELECT quota_status(1, -1e-1000, ''2026-07-01'', ''2026-09-30'', ''2026-08-01'')'),
  ('SELECT quota_status(1, ''-' || repeat('9', 3000) || ''', ''2026-07-01'', ''2026-09-30'', ''2026-08-01'')')) t(q);
SELECT (quota_status(1e-400, 1, '2026-07-01', '2026-09-30', '2026-08-01')).attainment AS tiny_attainment,
       pipeline_coverage(1e-400, 1) AS tiny_coverage;
