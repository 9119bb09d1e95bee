-- booking_rhythm (SPEC §16): the shape of a period's bookings.  Expected
-- values come from a hand computation (in the comments) and from a plain-SQL
-- formulation of every field computed here, over random orders.
-- files of this backend only: suites run side by side (scripts/test.sh)
SELECT '/tmp/quota_ext_regress_q25_states_' || pg_backend_pid() || '.bin' AS qx_q25_states_file \gset
SET extra_float_digits = 0;

-- Hand case.  Period Mon 2026-01-05 .. Fri 2026-01-16, no holidays: 10
-- counted days.  quota_steps(.., 3): d1 = the 4th counted day (ceil(10/3))
-- = Thu 01-08, d2 = the 7th (ceil(20/3)) = Tue 01-13.  The fifth-last
-- counted day is Mon 01-12.  Orders: 01-05 100, Sat 01-10 50 (not counted:
-- falls in the part of Mon 01-12, the second), 01-13 25.50, 01-16 24.50,
-- 01-17 1000 (outside, ignored).  total 200.00; thirds 100, 75.50, 24.50 ->
-- {0.5, 0.3775, 0.1225}; last 5 days (from 01-12) 25.50 + 24.50 = 50 ->
-- 0.25; weeks (Mon 01-05: 150, Mon 01-12: 50): Gini = 2*|150-50| / (2 * 2^2
-- * 100) = 0.25; 2 weeks with bookings; the largest week 150/200 = 0.75.
SELECT * FROM quota_steps(100, '2026-01-05', '2026-01-16', 3);
SELECT (booking_rhythm(ts, amount, '2026-01-05', '2026-01-16')).*
FROM (VALUES (DATE '2026-01-05', 100), ('2026-01-10', 50), ('2026-01-13', 25.50),
             ('2026-01-16', 24.50), ('2026-01-17', 1000), (NULL, 7), ('2026-01-06', NULL)) v(ts, amount);
-- A holiday on Wed 01-07 moves the cuts: 9 counted days, d1 = the 3rd
-- (01-08), d2 = the 6th (01-13); the fifth-last is still 01-12.  Orders
-- 01-05 100, 01-06 10, 01-13 25.50: total 135.50, thirds 110 and 25.50 ->
-- {0.8118..., 0.1881..., 0}; last five days 25.50 -> 0.1881...; weeks 110
-- and 25.50: Gini 2 * 84.50 / (2 * 4 * 67.75) = 0.3118...; largest week
-- 110 / 135.50 = 0.8118....
SELECT (booking_rhythm(ts, amount, '2026-01-05', '2026-01-16', '{2026-01-07}')).*
FROM (VALUES (DATE '2026-01-05', 100), ('2026-01-06', 10), ('2026-01-13', 25.50)) v(ts, amount);
-- total 0: no row in the period, and rows that cancel -- shares NULL
SELECT (booking_rhythm(ts, amount, '2026-01-05', '2026-01-16')).*
FROM (VALUES (DATE '2026-02-05', 100)) v(ts, amount);
SELECT (booking_rhythm(ts, amount, '2026-01-05', '2026-01-16')).*
FROM (VALUES (DATE '2026-01-05', 5.0), ('2026-01-14', -5)) v(ts, amount);
-- no rows at all: NULL, as sum()
SELECT booking_rhythm(ts, amount, '2026-01-05', '2026-01-16') IS NULL AS null_without_rows
FROM (VALUES (DATE '2026-01-05', 1.0)) v(ts, amount) WHERE false;
-- a period of 3 counted days (Wed 01-07 .. Sun 01-11): each counted day is
-- a third, the Sunday falls in the last; the last 5 days are all of it; one
-- week: {0.25, 0.25, 0.5}, 1, Gini 0, largest week 1
SELECT (booking_rhythm(ts, 1, '2026-01-07', '2026-01-11')).*
FROM (VALUES (DATE '2026-01-07'), ('2026-01-08'), ('2026-01-09'), ('2026-01-11')) v(ts);

-- Random orders of 40 reps, some outside the period, some NULL, amounts of
-- scale 0..3 and a few refunds; period Q1 2026 with three holidays.
SELECT setseed(0.25);
CREATE TABLE q25_orders AS
SELECT 1 + (random() * 39)::int AS rep,
       CASE WHEN random() < 0.01 THEN NULL ELSE DATE '2025-12-20' + (random() * 115)::int END AS ts,
       CASE WHEN random() < 0.01 THEN NULL ELSE round((random() * 1000 - 60)::numeric, (random() * 3)::int) END AS amount
FROM generate_series(1, 20000);
-- rep 100: a hockey stick, everything in the last five days
INSERT INTO q25_orders SELECT 100, DATE '2026-03-25' + i % 7, 1000 FROM generate_series(1, 50) i;
ANALYZE q25_orders;

CREATE TEMP TABLE q25_ref AS
WITH p AS (SELECT DATE '2026-01-01' AS ps, DATE '2026-03-31' AS pe,
                  '{2026-01-01,2026-01-19,2026-02-16}'::date[] AS h),
-- MATERIALIZED: the cut days once, not again for every order (inlined, its
-- sub-selects ran per row: ~90 % of this statement's time)
cuts AS MATERIALIZED (
    SELECT (SELECT due FROM quota_steps(0, ps, pe, 3, h) WHERE step = 1) AS d1,
           (SELECT due FROM quota_steps(0, ps, pe, 3, h) WHERE step = 2) AS d2,
           (SELECT d FROM (SELECT d::date AS d, row_number() OVER (ORDER BY d DESC) AS rn
                           FROM generate_series(ps, pe, interval '1 day') d
                           WHERE extract(isodow FROM d) < 6 AND d::date <> ALL (h)) c
            WHERE rn = 5) AS l5
    FROM p),
r AS (SELECT o.* FROM q25_orders o, p WHERE o.ts BETWEEN p.ps AND p.pe AND o.amount IS NOT NULL),
tot AS (
    SELECT rep, sum(amount) AS total,
           sum(amount) FILTER (WHERE ts <= d1) AS t1,
           sum(amount) FILTER (WHERE ts > d1 AND ts <= d2) AS t2,
           sum(amount) FILTER (WHERE ts > d2) AS t3,
           sum(amount) FILTER (WHERE ts >= l5) AS l5sum
    FROM r, cuts GROUP BY rep),
weeks AS (SELECT w::date AS w FROM p, generate_series(date_trunc('week', ps::timestamp),
                                                      date_trunc('week', pe::timestamp), interval '7 days') w),
wk AS (
    SELECT reps.rep, weeks.w, coalesce(sum(r.amount), 0) AS x, count(r.amount) AS n
    FROM (SELECT DISTINCT rep FROM r) reps CROSS JOIN weeks
    LEFT JOIN r ON r.rep = reps.rep AND date_trunc('week', r.ts::timestamp)::date = weeks.w
    GROUP BY reps.rep, weeks.w),
g AS (
    SELECT a.rep, sum(abs(a.x - b.x)) AS absdiff
    FROM wk a JOIN wk b ON a.rep = b.rep GROUP BY a.rep),
wagg AS (SELECT rep, count(*) AS nweeks, count(*) FILTER (WHERE n > 0) AS with_bookings, max(x) AS maxweek
         FROM wk GROUP BY rep)
SELECT tot.rep, total,
       CASE WHEN total <> 0 THEN ARRAY[(coalesce(t1, 0) / total)::float8, (coalesce(t2, 0) / total)::float8,
                                       (coalesce(t3, 0) / total)::float8] END AS thirds,
       CASE WHEN total <> 0 THEN (coalesce(l5sum, 0) / total)::float8 END AS last5,
       CASE WHEN total <> 0 THEN (absdiff / (2 * nweeks * total))::float8 END AS gini,
       with_bookings::int AS with_bookings,
       CASE WHEN total <> 0 THEN (maxweek / total)::float8 END AS maxshare
FROM tot JOIN g USING (rep) JOIN wagg USING (rep);

CREATE FUNCTION pg_temp.near(a float8, b float8) RETURNS boolean LANGUAGE sql AS
$$ SELECT (a IS NULL AND b IS NULL) OR abs(a - b) <= 1e-12 * greatest(1, abs(b)) $$;

CREATE TEMP TABLE q25_got AS
SELECT rep, (booking_rhythm(ts, amount, '2026-01-01', '2026-03-31', '{2026-01-01,2026-01-19,2026-02-16}')).*
FROM q25_orders GROUP BY rep;

-- every field against the plain-SQL formulation: 0 mismatches
SELECT count(*) AS reps,
       count(*) FILTER (WHERE g.total::text IS DISTINCT FROM r.total::text) AS total_mismatches,
       count(*) FILTER (WHERE NOT (pg_temp.near(g.share_by_third[1], r.thirds[1])
                                   AND pg_temp.near(g.share_by_third[2], r.thirds[2])
                                   AND pg_temp.near(g.share_by_third[3], r.thirds[3]))) AS third_mismatches,
       count(*) FILTER (WHERE NOT pg_temp.near(g.share_last_5_days, r.last5)) AS last5_mismatches,
       count(*) FILTER (WHERE NOT pg_temp.near(g.weekly_gini, r.gini)) AS gini_mismatches,
       count(*) FILTER (WHERE g.weeks_with_bookings IS DISTINCT FROM r.with_bookings) AS weeks_mismatches,
       count(*) FILTER (WHERE NOT pg_temp.near(g.max_week_share, r.maxshare)) AS maxweek_mismatches
FROM q25_got g FULL JOIN q25_ref r USING (rep);
-- the hockey stick
SELECT share_by_third, share_last_5_days, weeks_with_bookings, max_week_share FROM q25_got WHERE rep = 100;

-- The thirds are cut exactly at quota_steps(..., 3)'s due dates, and the
-- last five days start at the fifth-last counted day, over 300 random
-- periods and holiday lists: one order on d1, d1 + 1, d2, d2 + 1, l5 and
-- l5 - 1 each lands where the due dates say.
SELECT setseed(0.5);
CREATE TEMP TABLE q25_periods AS
SELECT i, ps, ps + len AS pe,
       ARRAY(SELECT ps + (random() * len)::int FROM generate_series(1, (random() * 4)::int)) AS h
FROM (SELECT i, DATE '2020-01-01' + (random() * 4000)::int AS ps, 7 + (random() * 120)::int AS len
      FROM generate_series(1, 300) i) s;
CREATE TEMP TABLE q25_cuts AS
SELECT i, ps, pe, h,
       (SELECT due FROM quota_steps(0, ps, pe, 3, h) WHERE step = 1) AS d1,
       (SELECT due FROM quota_steps(0, ps, pe, 3, h) WHERE step = 2) AS d2,
       coalesce((SELECT d FROM (SELECT d::date AS d, row_number() OVER (ORDER BY d DESC) AS rn
                                FROM generate_series(ps, pe, interval '1 day') d
                                WHERE extract(isodow FROM d) < 6 AND d::date <> ALL (h)) c
                 WHERE rn = 5), ps) AS l5
FROM q25_periods;
SELECT count(*) AS periods,
       count(*) FILTER (WHERE a.s <> '{1,0,0}') AS d1_wrong,
       count(*) FILTER (WHERE b.s <> '{0,1,0}') AS d1_next_wrong,
       count(*) FILTER (WHERE c.s <> '{0,1,0}') AS d2_wrong,
       count(*) FILTER (WHERE d.s <> '{0,0,1}') AS d2_next_wrong,
       count(*) FILTER (WHERE e.l <> 1) AS l5_wrong,
       count(*) FILTER (WHERE l5 > ps AND f.l <> 0) AS l5_before_wrong
FROM q25_cuts,
     LATERAL (SELECT (booking_rhythm(x.d, 1, ps, pe, h)).share_by_third AS s FROM (SELECT d1 AS d) x) a,
     LATERAL (SELECT (booking_rhythm(x.d, 1, ps, pe, h)).share_by_third AS s FROM (SELECT d1 + 1 AS d) x) b,
     LATERAL (SELECT (booking_rhythm(x.d, 1, ps, pe, h)).share_by_third AS s FROM (SELECT d2 AS d) x) c,
     LATERAL (SELECT (booking_rhythm(x.d, 1, ps, pe, h)).share_by_third AS s FROM (SELECT d2 + 1 AS d) x) d,
     LATERAL (SELECT (booking_rhythm(x.d, 1, ps, pe, h)).share_last_5_days AS l FROM (SELECT l5 AS d) x) e,
     LATERAL (SELECT (booking_rhythm(x.d, 1, ps, pe, h)).share_last_5_days AS l FROM (SELECT l5 - 1 AS d) x) f;

-- Bad arguments, each with its SQLSTATE
SELECT test_util.err($$SELECT booking_rhythm(DATE '2026-01-05', 1, NULL, '2026-01-16')$$) AS null_start;
SELECT test_util.err($$SELECT booking_rhythm(DATE '2026-01-05', 1, '2026-01-05', NULL)$$) AS null_end;
SELECT test_util.err($$SELECT booking_rhythm(DATE '2026-01-05', 1, '2026-01-05', '2026-01-16', NULL)$$) AS null_holidays;
SELECT test_util.err($$SELECT booking_rhythm(DATE '2026-01-05', 1, '-infinity', '2026-01-16')$$) AS infinite_start;
SELECT test_util.err($$SELECT booking_rhythm(DATE '2026-01-05', 1, '2026-01-05', 'infinity')$$) AS infinite_end;
SELECT test_util.err($$SELECT booking_rhythm(DATE '2026-01-05', 1, '2026-01-16', '2026-01-05')$$) AS end_before_start;
SELECT test_util.err($$SELECT booking_rhythm(DATE '2026-01-05', 1, '2026-01-10', '2026-01-11')$$) AS no_counted_day;
SELECT test_util.err($$SELECT booking_rhythm(DATE '2026-01-05', 1, '2026-01-08', '2026-01-11')$$) AS two_counted_days;
SELECT test_util.err($$SELECT booking_rhythm(DATE '2026-01-05', 1, '2026-01-05', '2026-01-09', '{2026-01-06,2026-01-07,2026-01-08}')$$) AS holidays_leave_two;
SELECT test_util.err($$SELECT booking_rhythm(DATE '2026-01-05', 1, '1900-01-01', '2026-01-16')$$) AS longer_than_100_years;
SELECT test_util.err($$SELECT booking_rhythm(DATE '2026-01-05', 'NaN', '2026-01-05', '2026-01-16')$$) AS nan_amount;
SELECT test_util.err($$SELECT booking_rhythm(DATE '2026-01-05', 'Infinity', '2026-01-05', '2026-01-16')$$) AS infinite_amount;
SELECT test_util.err($$SELECT booking_rhythm(ts, 1, '2026-01-05', pe) FROM (VALUES (DATE '2026-01-05', DATE '2026-01-16'), ('2026-01-06', '2026-01-23')) v(ts, pe)$$) AS period_changes;
-- rows outside the period are ignored before any check of them: an infinite ts is just outside
SELECT (booking_rhythm(ts, 1, '2026-01-05', '2026-01-16')).total
FROM (VALUES (DATE 'infinity'), ('-infinity'), ('2026-01-07')) v(ts);

-- holidays from a column, a different list per group: each group is cut by
-- its own list, as with the list written as a constant
CREATE TEMP TABLE q25_hol AS
SELECT g, DATE '2026-01-05' + (i % 12) AS ts, 1 AS amount,
       CASE g WHEN 1 THEN '{2026-01-07}'::date[] ELSE '{2026-01-12,2026-01-13}'::date[] END AS h
FROM generate_series(1, 2) g, generate_series(1, 30) i;
SELECT (SELECT array_agg(booking_rhythm::text ORDER BY g) FROM (SELECT g, booking_rhythm(ts, amount, '2026-01-05', '2026-01-16', h) FROM q25_hol GROUP BY g) x)
     = ARRAY[(SELECT booking_rhythm(ts, amount, '2026-01-05', '2026-01-16', '{2026-01-07}')::text FROM q25_hol WHERE g = 1),
             (SELECT booking_rhythm(ts, amount, '2026-01-05', '2026-01-16', '{2026-01-12,2026-01-13}')::text FROM q25_hol WHERE g = 2)]
       AS holidays_per_group;

-- Parallel plan = serial plan
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE q25_serial AS
SELECT rep, booking_rhythm(ts, amount, '2026-01-01', '2026-03-31', '{2026-01-19}')::text AS br FROM q25_orders GROUP BY rep;
CREATE TEMP TABLE q25_serial_all AS
SELECT booking_rhythm(ts, amount, '2026-01-01', '2026-03-31')::text AS br FROM q25_orders;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
SELECT rep, booking_rhythm(ts, amount, '2026-01-01', '2026-03-31', '{2026-01-19}') FROM q25_orders GROUP BY rep;
SELECT count(*) AS reps, count(*) FILTER (WHERE p.br IS DISTINCT FROM s.br) AS mismatches
FROM (SELECT rep, booking_rhythm(ts, amount, '2026-01-01', '2026-03-31', '{2026-01-19}')::text AS br
      FROM q25_orders GROUP BY rep) p FULL JOIN q25_serial s USING (rep);
RESET enable_hashagg;
EXPLAIN (COSTS OFF)
SELECT booking_rhythm(ts, amount, '2026-01-01', '2026-03-31') FROM q25_orders;
SELECT booking_rhythm(ts, amount, '2026-01-01', '2026-03-31')::text = (SELECT br FROM q25_serial_all) AS whole_table_equal
FROM q25_orders;
-- the merge aggregate in parallel too
SELECT booking_rhythm_merge(st)::text = (SELECT br FROM q25_serial_all) AS parallel_merge_equal
FROM (SELECT booking_rhythm_partial(ts, amount, '2026-01-01', '2026-03-31') AS st
      FROM q25_orders GROUP BY rep, ts) s;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- _merge over _partial states = one pass (states per rep and day)
SELECT count(*) AS reps, count(*) FILTER (WHERE m.br IS DISTINCT FROM s.br) AS mismatches
FROM (SELECT rep, booking_rhythm_merge(st)::text AS br
      FROM (SELECT rep, ts, booking_rhythm_partial(ts, amount, '2026-01-01', '2026-03-31', '{2026-01-19}') AS st
            FROM q25_orders GROUP BY rep, ts) x GROUP BY rep) m
FULL JOIN q25_serial s USING (rep);
SELECT booking_rhythm_merge(st) IS NULL AS merge_of_nulls FROM (VALUES (NULL::booking_rhythm_state)) v(st);
-- states of different periods do not merge
SELECT test_util.err($$SELECT booking_rhythm_merge(st) FROM (
    SELECT booking_rhythm_partial(DATE '2026-01-05', 1, '2026-01-05', '2026-01-16') AS st
    UNION ALL SELECT booking_rhythm_partial(DATE '2026-01-05', 1, '2026-01-05', '2026-01-23')) s$$) AS different_periods;

-- State round trips: text and binary (COPY), exact
CREATE TEMP TABLE q25_states AS
SELECT rep, booking_rhythm_partial(ts, amount, '2026-01-01', '2026-03-31', '{2026-01-19}') AS st FROM q25_orders GROUP BY rep;
INSERT INTO q25_states SELECT 0, booking_rhythm_partial(ts, a, '2026-01-01', '2026-03-31')
FROM (VALUES (DATE '2026-01-02', 9e37), ('2026-01-03', 9e37), ('2026-02-03', 0.5), ('2026-03-30', 1e-20)) v(ts, a);
SELECT count(*) AS states,
       count(*) FILTER (WHERE st::text::booking_rhythm_state::text IS DISTINCT FROM st::text
                          OR booking_rhythm_state_send(st::text::booking_rhythm_state) IS DISTINCT FROM booking_rhythm_state_send(st)) AS text_mismatches
FROM q25_states;
SELECT st FROM q25_states WHERE rep = 0;
COPY q25_states TO :'qx_q25_states_file' (FORMAT binary);
CREATE TEMP TABLE q25_states_copy (LIKE q25_states);
COPY q25_states_copy FROM :'qx_q25_states_file' (FORMAT binary);
SELECT count(*) AS states,
       count(*) FILTER (WHERE booking_rhythm_state_send(c.st) IS DISTINCT FROM booking_rhythm_state_send(s.st)) AS binary_mismatches
FROM q25_states s FULL JOIN q25_states_copy c USING (rep);

-- literals at the edges read back as themselves, text and binary: the last
-- dates PostgreSQL has, the largest money numeric holds
SELECT count(*) FILTER (WHERE v::booking_rhythm_state::text = v
                          AND booking_rhythm_state_send(v::booking_rhythm_state::text::booking_rhythm_state)
                              = booking_rhythm_state_send(v::booking_rhythm_state)) AS exact, count(*) AS literals
FROM (VALUES ('v1 start=5874897-12-01 end=5874897-12-31 d1=5874897-12-08 d2=5874897-12-19 last5=5874897-12-25 total=0 thirds=0,0,0 last5sum=0 weeks=0:0,0:0,0:0,0:0,0:0,0:0'),
             ('v1 start=-4713-11-24 end=-4713-12-01 d1=-4713-11-25 d2=-4713-11-26 last5=-4713-11-24 total=' || repeat('9', 131072) || '.' || repeat('9', 16383)
              || ' thirds=' || repeat('9', 131072) || '.' || repeat('9', 16383) || ',0,0 last5sum=-1 weeks=3:' || repeat('9', 131072) || '.' || repeat('9', 16383) || ',0:0')) l(v);
-- Malformed text states are refused (22P02)
SELECT test_util.err($$SELECT 'v1 start=2026-01-05 end=2026-01-16 d1=2026-01-08 d2=2026-01-13 last5=2026-01-12 total=200 thirds=100,75.5,24.5 last5sum=50 weeks=2:150,2:50'::booking_rhythm_state::text$$) AS fine;
SELECT test_util.err($$SELECT 'v1 start=2026-01-05 end=2026-01-16 d1=2026-01-08 d2=2026-01-13 last5=2026-01-12 total=201 thirds=100,75.5,24.5 last5sum=50 weeks=2:150,2:50'::booking_rhythm_state$$) AS thirds_not_total;
SELECT test_util.err($$SELECT 'v1 start=2026-01-05 end=2026-01-16 d1=2026-01-08 d2=2026-01-13 last5=2026-01-12 total=200 thirds=100,75.5,24.5 last5sum=50 weeks=2:150,2:49'::booking_rhythm_state$$) AS weeks_not_total;
SELECT test_util.err($$SELECT 'v1 start=2026-01-05 end=2026-01-16 d1=2026-01-08 d2=2026-01-13 last5=2026-01-12 total=200 thirds=100,75.5,24.5 last5sum=50 weeks=2:150'::booking_rhythm_state$$) AS too_few_weeks;
SELECT test_util.err($$SELECT 'v1 start=2026-01-05 end=2026-01-16 d1=2026-01-08 d2=2026-01-13 last5=2026-01-12 total=200 thirds=100,75.5,24.5 last5sum=50 weeks=2:150,2:50,0:0'::booking_rhythm_state$$) AS too_many_weeks;
SELECT test_util.err($$SELECT 'v1 start=2026-01-05 end=2026-01-16 d1=2026-01-08 d2=2026-01-13 last5=2026-01-12 total=200 thirds=100,75.5,24.5 last5sum=50 weeks=0:150,2:50'::booking_rhythm_state$$) AS money_without_orders;
SELECT test_util.err($$SELECT 'v1 start=2026-01-05 end=2026-01-16 d1=2026-01-14 d2=2026-01-13 last5=2026-01-12 total=0 thirds=0,0,0 last5sum=0 weeks=0:0,0:0'::booking_rhythm_state$$) AS cuts_out_of_order;
SELECT test_util.err($$SELECT 'v1 start=2026-01-05 end=2026-01-16 d1=2026-01-08 d2=2026-01-13 last5=2026-01-22 total=0 thirds=0,0,0 last5sum=0 weeks=0:0,0:0'::booking_rhythm_state$$) AS last5_outside;
SELECT test_util.err($$SELECT 'v1 start=2026-01-05 end=2026-01-16 d1=2026-01-08 d2=2026-01-13 last5=2026-01-12 total=0 thirds=0,0 last5sum=0 weeks=0:0,0:0'::booking_rhythm_state$$) AS two_thirds;
SELECT test_util.err($$SELECT 'v1 start=2026-01-05 end=2026-01-16 d1=2026-01-08 d2=2026-01-13 last5=2026-01-12 total=0 thirds=0,0,0 last5sum=0 weeks=-1:0,0:0'::booking_rhythm_state$$) AS negative_orders;
SELECT test_util.err($$SELECT 'v1 start=2026-01-05 end=2026-01-16 d1=2026-01-08 d2=2026-01-13 last5=2026-01-12 total=0 thirds=0,0,x last5sum=0 weeks=0:0,0:0'::booking_rhythm_state$$) AS not_a_number;
SELECT test_util.err($$SELECT 'v2 start=2026-01-05'::booking_rhythm_state$$) AS version_2;
SELECT test_util.err($$SELECT ''::booking_rhythm_state$$) AS empty;
-- Malformed binary states are refused (22P03)
CREATE TEMP TABLE q25_bad_target(st booking_rhythm_state);
CREATE TEMP TABLE q25_bad_bin(what text, b bytea);
-- layout: version (byte 1), start, end, d1, d2, last5 (bytes 2-21), weeks (22-25), total from 26
INSERT INTO q25_bad_bin
SELECT 'truncated', substr(booking_rhythm_state_send(st), 1, 30) FROM q25_states WHERE rep = 1
UNION ALL SELECT 'trailing byte', booking_rhythm_state_send(st) || '\x00'::bytea FROM q25_states WHERE rep = 1
UNION ALL SELECT 'version 2', overlay(booking_rhythm_state_send(st) placing '\x02'::bytea from 1) FROM q25_states WHERE rep = 1
UNION ALL SELECT 'huge week count', overlay(booking_rhythm_state_send(st) placing '\x7fffffff'::bytea from 22) FROM q25_states WHERE rep = 1
UNION ALL SELECT 'd1 = d2', overlay(b placing substr(b, 14, 4) from 10)
          FROM (SELECT booking_rhythm_state_send(st) AS b FROM q25_states WHERE rep = 1) q
UNION ALL SELECT 'empty', ''::bytea;
CREATE FUNCTION pg_temp.recv_br(what text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT b FROM q25_bad_bin WHERE what = %L) TO %L (FORMAT binary)',
                   what, '/tmp/quota_ext_regress_q25_bad_' || pg_backend_pid() || '.bin');
    RETURN test_util.err(format('COPY q25_bad_target FROM %L (FORMAT binary)', '/tmp/quota_ext_regress_q25_bad_' || pg_backend_pid() || '.bin'));
END $$;
SELECT what, pg_temp.recv_br(what) FROM q25_bad_bin ORDER BY what COLLATE "C";
-- support functions outside an aggregate are refused
SELECT test_util.err($$SELECT booking_rhythm_state_final(NULL::booking_rhythm_state)$$) AS outside_aggregate;

DROP TABLE q25_orders;
SELECT test_util.remove_backend_files() AS files_left;
