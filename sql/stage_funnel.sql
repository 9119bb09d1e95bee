-- stage_funnel and required_activity (SPEC §13).
-- Expected values come from (1) hand computations written in the comments
-- below, (2) a plain-SQL formulation of SPEC §13 written here (window
-- functions for the highest stage and the spells, recursive CTEs for p_win
-- and the Kaplan-Meier products), compared as mismatch counts.
-- files of this backend only: suites run side by side (scripts/test.sh)
SELECT '/tmp/quota_ext_regress_sf_states_' || pg_backend_pid() || '.bin' AS qx_sf_states_file \gset
SELECT '/tmp/quota_ext_regress_sf_bad_' || pg_backend_pid() || '.bin' AS qx_sf_bad_file \gset
SET extra_float_digits = 0;

-- One table for everything (a regular table: parallel workers read it).
-- as_of is 2026-06-30 throughout.
CREATE TABLE sf_all (grp text, deal bigint, stage int, entered date, closed date, won boolean);

-- Group a, by hand (spells: stage, days, e = ended / c = censored at as_of):
--  deal 1: stages 1,2,3,4 on 01-01, 01-05, 01-15, 02-01, won 02-10     h=4 won
--          spells s1 4e, s2 10e, s3 17e, s4 9e
--  deal 2: stages 1,3 (2 skipped) on 01-02, 01-12, lost 01-20          h=3 lost
--          s1 10e, s3 8e
--  deal 3: stages 1,2,3 then back to 2: 01-03, 01-10, 02-01, 02-20, open  h=3 open
--          s1 7e, s2 22e, s3 19e, s2 130c (02-20 .. 06-30)
--  deal 4: stage 1 only on 03-01, lost 03-11                           h=1 lost; s1 10e
--  deal 5: stage 1 only on 05-01, open                                  h=1 open; s1 60c
--  deal 6: stage 2 only on 02-01, won 02-04                             h=2 won;  s2 3e
--  deal 7: stages 1 and 2 on the same day 04-01 (1 first), lost 04-06  h=2 lost; s1 0e, s2 5e
--  three rows with a NULL deal_id, stage or entered_on: ignored
INSERT INTO sf_all VALUES
 ('a', 1, 1, '2026-01-01', '2026-02-10', true), ('a', 1, 2, '2026-01-05', '2026-02-10', true),
 ('a', 1, 3, '2026-01-15', '2026-02-10', true), ('a', 1, 4, '2026-02-01', '2026-02-10', true),
 ('a', 2, 1, '2026-01-02', '2026-01-20', false), ('a', 2, 3, '2026-01-12', '2026-01-20', false),
 ('a', 3, 2, '2026-02-20', NULL, NULL), ('a', 3, 1, '2026-01-03', NULL, NULL),
 ('a', 3, 3, '2026-02-01', NULL, NULL), ('a', 3, 2, '2026-01-10', NULL, NULL),
 ('a', 4, 1, '2026-03-01', '2026-03-11', false),
 ('a', 5, 1, '2026-05-01', NULL, NULL),
 ('a', 6, 2, '2026-02-01', '2026-02-04', true),
 ('a', 7, 2, '2026-04-01', '2026-04-06', false), ('a', 7, 1, '2026-04-01', '2026-04-06', false),
 ('a', NULL, 1, '2026-01-01', NULL, NULL), ('a', 8, NULL, '2026-01-01', NULL, NULL),
 ('a', 9, 1, NULL, '2026-02-01', true);
-- Group a per stage (h = highest stage):
--  stage 1: entered 7, advanced 5 (deals 1,2,3,6,7), won 0, lost 1 (4), open 1 (5)
--           conversion 5/6, naive 5/7
--           KM: 0e 4e 7e 10e 10e 60c: S = 5/6, 4/6, 3/6 = 0.5 at 7 (exactly 0.5:
--           median 7, where R's survival says 8.5, the middle of [7, 10)),
--           then 1/6 at 10: p80 10
--  stage 2: entered 5, advanced 3 (1,2,3), won 1 (6), lost 1 (7), open 0
--           conversion 4/5, naive 4/5
--           KM: 3e 5e 10e 22e 130c: S = .8, .6, .4 (median 10), .2 at 22 (exactly
--           0.2 in exact arithmetic: p80 22 whatever the float product)
--  stage 3: entered 3, advanced 1, lost 1, open 1: conversion 1/2, naive 1/3
--           KM 8e 17e 19e: 2/3, 1/3 (median 17), 0 (p80 19)
--  stage 4: entered 1, won 1: conversion 1, naive 1; KM 9e: median 9, p80 9
--  p_win: P4 = 1/1 = 1; P3 = (0 + 1*1)/2 = 0.5; P2 = (1 + 3*0.5)/5 = 0.5;
--         P1 = (0 + 5*0.5)/6 = 0.416666666666667
--
-- Group b, the top stage has only open deals, so p_win is NULL all the way down:
--  deal 11: stages 1,2 on 01-01, 01-11, lost 01-21: h=2 lost; s1 10e, s2 10e
--  deal 12: stages 1,2,3 on 01-01, 01-06, 01-16, open: h=3 open; s1 5e, s2 10e, s3 165c
--  stage 1: entered 2, advanced 2: conversion 1, naive 1, p_win NULL;
--           KM 5e 10e: median 5, p80 10
--  stage 2: entered 2, advanced 1, lost 1: conversion 0.5, naive 0.5, p_win NULL;
--           KM 10e 10e: S = 0 at 10: median 10, p80 10
--  stage 3: entered 1, open 1: conversion NULL, naive 0, p_win NULL (0/0); all
--           censored: median and p80 NULL
INSERT INTO sf_all VALUES
 ('b', 11, 1, '2026-01-01', '2026-01-21', false), ('b', 11, 2, '2026-01-11', '2026-01-21', false),
 ('b', 12, 1, '2026-01-01', NULL, NULL), ('b', 12, 2, '2026-01-06', NULL, NULL),
 ('b', 12, 3, '2026-01-16', NULL, NULL);
-- Group c, one deal with one row entered on as_of: stage 5, entered 1, open 1,
-- conversion NULL, naive 0, p_win NULL, a 0-day censored spell: no median.
INSERT INTO sf_all VALUES ('c', 21, 5, '2026-06-30', NULL, NULL);
-- Group d, only ignored rows: stage_funnel is NULL.
INSERT INTO sf_all VALUES ('d', NULL, 1, '2026-01-01', NULL, NULL);
-- Group e, a spell censored at the length where another ends stays at risk:
--  deal 31: 1 on 01-01, 2 on 01-06, lost 01-06: s1 5e, s2 0e
--  deal 32: 1 on 01-01, 2 on 01-11, lost 01-11: s1 10e, s2 0e
--  deal 33: 1 on 06-20, open: s1 10c
--  stage 1 KM: S(5) = 2/3; at 10 one ends and one is censored, both at risk:
--  S(10) = 2/3 * 1/2 = 1/3: median 10, p80 NULL (had the censored spell left
--  first, S(10) would be 0 and p80 10).  Stage 2: both lost: conversion 0,
--  p_win 0, so P1 = (0 + 2*0)/2 = 0; KM 0e 0e: median 0, p80 0.
INSERT INTO sf_all VALUES
 ('e', 31, 1, '2026-01-01', '2026-01-06', false), ('e', 31, 2, '2026-01-06', '2026-01-06', false),
 ('e', 32, 1, '2026-01-01', '2026-01-11', false), ('e', 32, 2, '2026-01-11', '2026-01-11', false),
 ('e', 33, 1, '2026-06-20', NULL, NULL);

-- Random histories, groups r0..r6: 1 to 5 rows per deal, stages 1..6 in any
-- order (skips, moves back, repeats), gaps of 0 to 12 days (ties), 30 % open,
-- 30 % won, 40 % lost, closed 0 to 30 days after the last row.
SELECT setseed(0.22);
INSERT INTO sf_all
SELECT 'r' || (deal % 7), deal, stage, entered,
       CASE WHEN u < 0.3 THEN NULL ELSE max(entered) OVER (PARTITION BY deal) + tail END,
       CASE WHEN u < 0.3 THEN NULL ELSE u < 0.6 END
FROM (SELECT d.deal, d.u, d.tail, x.stage,
             d.start + sum(x.gap) OVER (PARTITION BY d.deal ORDER BY x.i)::int AS entered
      FROM (SELECT g + 1000 AS deal, random() AS u, (random() * 30)::int AS tail,
                   DATE '2025-01-01' + (random() * 300)::int AS start, 1 + (random() * 4)::int AS k
            FROM generate_series(1, 3000) g) d,
           LATERAL (SELECT i, 1 + (random() * 5 + 0 * d.deal)::int AS stage,
                           (random() * 12 + 0 * d.deal)::int AS gap
                    FROM generate_series(1, d.k) i) x) q;
ANALYZE sf_all;

-- The plain-SQL formulation of SPEC §13, independent of the C code's method.
-- (MATERIALIZED: computed once from sf_all, which does not change before
-- its last use, instead of once for each of the six queries that read it)
CREATE MATERIALIZED VIEW sf_ref AS
WITH RECURSIVE
r AS (SELECT grp, deal, stage, entered, closed, won FROM sf_all
      WHERE deal IS NOT NULL AND stage IS NOT NULL AND entered IS NOT NULL),
d AS (SELECT grp, deal, max(stage) AS h,
             CASE WHEN bool_and(won) THEN 'won' WHEN NOT bool_or(won) THEN 'lost' ELSE 'open' END AS res
      FROM r GROUP BY grp, deal),
c AS (SELECT s.grp, s.stage,
             count(*) FILTER (WHERE d.h >= s.stage) AS entered,
             count(*) FILTER (WHERE d.h > s.stage) AS advanced,
             count(*) FILTER (WHERE d.h = s.stage AND d.res = 'won') AS won,
             count(*) FILTER (WHERE d.h = s.stage AND d.res = 'lost') AS lost,
             count(*) FILTER (WHERE d.h = s.stage AND d.res = 'open') AS open
      FROM (SELECT DISTINCT grp, stage FROM r) s JOIN d USING (grp)
      GROUP BY s.grp, s.stage),
o AS (SELECT c.*, row_number() OVER (PARTITION BY grp ORDER BY stage DESC) AS k FROM c),
p (grp, k, p_win) AS (
      SELECT grp, k, won::float8 / nullif(advanced + won + lost, 0)::float8 FROM o WHERE k = 1
      UNION ALL
      SELECT o.grp, o.k,
             (o.won::float8 + o.advanced::float8 * p.p_win) / nullif(o.advanced + o.won + o.lost, 0)::float8
      FROM p JOIN o ON o.grp = p.grp AND o.k = p.k + 1),
sp AS (SELECT grp, stage,
              coalesce(lead(entered) OVER w, closed, DATE '2026-06-30') - entered AS len,
              (lead(entered) OVER w IS NOT NULL OR closed IS NOT NULL) AS ended
       FROM r WINDOW w AS (PARTITION BY grp, deal ORDER BY entered, stage)),
t AS (SELECT grp, stage, len, count(*) FILTER (WHERE ended) AS ended, count(*) AS spells,
             sum(count(*)) OVER (PARTITION BY grp, stage ORDER BY len DESC) AS at_risk,
             row_number() OVER (PARTITION BY grp, stage ORDER BY len) AS j
      FROM sp GROUP BY grp, stage, len),
km (grp, stage, j, len, s) AS (
      SELECT grp, stage, j, len, 1.0::float8 - ended::float8 / at_risk::float8 FROM t WHERE j = 1
      UNION ALL
      SELECT t.grp, t.stage, t.j, t.len, km.s * (1.0::float8 - t.ended::float8 / t.at_risk::float8)
      FROM km JOIN t ON t.grp = km.grp AND t.stage = km.stage AND t.j = km.j + 1),
m AS (SELECT grp, stage,
             min(len) FILTER (WHERE s <= 0.5::float8 * (1::float8 + 1e-9::float8)) AS med,
             min(len) FILTER (WHERE s <= 0.2::float8 * (1::float8 + 1e-9::float8)) AS p80
      FROM km GROUP BY grp, stage)
SELECT o.grp, o.stage, o.entered, o.advanced, o.won, o.lost, o.open,
       (o.advanced + o.won)::float8 / nullif(o.advanced + o.won + o.lost, 0)::float8 AS conversion,
       (o.advanced + o.won)::float8 / o.entered::float8 AS conversion_naive,
       p.p_win, m.med::float8 AS days_median, m.p80::float8 AS days_p80
FROM o JOIN p USING (grp, k) JOIN m USING (grp, stage);

-- The hand-built groups, as stage_funnel gives them (compare with the
-- comments above)
SELECT grp, (f).* FROM (
  SELECT grp, unnest(stage_funnel(deal, stage, entered, closed, won, DATE '2026-06-30')) AS f
  FROM sf_all WHERE grp IN ('a', 'b', 'c', 'e') GROUP BY grp) q
ORDER BY grp COLLATE "C", (f).stage;
SELECT stage_funnel(deal, stage, entered, closed, won, DATE '2026-06-30') IS NULL AS only_ignored_rows
FROM sf_all WHERE grp = 'd';
SELECT stage_funnel(deal, stage, entered, closed, won, DATE '2026-06-30') IS NULL AS no_rows
FROM sf_all WHERE false;

-- stage_funnel against the plain SQL, every group, every field
CREATE TEMP TABLE sf_got AS
SELECT grp, (f).* FROM (
  SELECT grp, unnest(stage_funnel(deal, stage, entered, closed, won, DATE '2026-06-30')) AS f
  FROM sf_all GROUP BY grp) q;
SELECT (SELECT count(*) FROM sf_ref) AS stages,
       (SELECT count(*) FROM sf_ref WHERE grp LIKE 'r%') AS random_stages,
       (SELECT count(*) FROM (SELECT * FROM sf_ref EXCEPT SELECT * FROM sf_got) x) AS missing,
       (SELECT count(*) FROM (SELECT * FROM sf_got EXCEPT SELECT * FROM sf_ref) x) AS extra;
-- the random data do have what the test is about
SELECT count(*) FILTER (WHERE closed IS NULL) > 100 AS open_rows,
       (SELECT count(*) FROM (SELECT deal FROM sf_all GROUP BY deal HAVING count(*) = 1) x) > 100 AS one_row_deals,
       (SELECT count(*) FROM (SELECT deal, entered FROM sf_all GROUP BY deal, entered HAVING count(*) > 1) x) > 20 AS same_day_rows,
       (SELECT count(*) FROM sf_ref WHERE days_median IS NULL) > 0 AS no_median,
       (SELECT count(*) FROM sf_ref WHERE p_win IS NULL) > 0 AS p_win_null
FROM sf_all;
-- arrays are in ascending stage order
SELECT bool_and(ok) AS ascending FROM (
  SELECT (SELECT array_agg(x.stage) = array_agg(x.stage ORDER BY x.stage) FROM unnest(f) x) AS ok
  FROM (SELECT stage_funnel(deal, stage, entered, closed, won, DATE '2026-06-30') AS f
        FROM sf_all GROUP BY grp) q) z;
-- the row order does not matter (states sorted), nor DateStyle
SET DateStyle = 'German, DMY';
SELECT count(*) AS order_mismatches FROM (
  SELECT grp, stage_funnel(deal, stage, entered, closed, won, DATE '2026-06-30' ORDER BY entered DESC, deal)::text AS a,
         stage_funnel(deal, stage, entered, closed, won, DATE '2026-06-30' ORDER BY deal, entered)::text AS b
  FROM sf_all GROUP BY grp) q WHERE a IS DISTINCT FROM b;
RESET DateStyle;
-- as a window aggregate (the final function runs after every row, then more
-- rows come): each running funnel equals the aggregate over the same prefix
CREATE TEMP TABLE sf_ordered AS
SELECT row_number() OVER (ORDER BY entered DESC, deal, stage) AS n, * FROM sf_all
WHERE grp IN ('a', 'b', 'r1') AND deal IS NOT NULL AND stage IS NOT NULL AND entered IS NOT NULL;
SELECT count(*) AS rows, count(*) FILTER (WHERE w.f IS DISTINCT FROM p.f) AS window_mismatches
FROM (SELECT n, stage_funnel(deal, stage, entered, closed, won, DATE '2026-06-30') OVER (ORDER BY n)::text AS f
      FROM sf_ordered) w
JOIN LATERAL (SELECT stage_funnel(deal, stage, entered, closed, won, DATE '2026-06-30' ORDER BY n)::text AS f
              FROM sf_ordered o WHERE o.n <= w.n) p ON true;
-- the aggregate and its _partial in one query share the transition state
-- (the final function sorts the rows in place; the partial encodes them)
SELECT a.f = b.f AS shared_state_equal, a.f = c.f AS equals_alone
FROM (SELECT stage_funnel(deal, stage, entered, closed, won, DATE '2026-06-30' ORDER BY entered DESC)::text AS f,
             stage_funnel_partial(deal, stage, entered, closed, won, DATE '2026-06-30' ORDER BY entered DESC) AS st
      FROM sf_all) a
CROSS JOIN LATERAL (SELECT stage_funnel_merge(x.st)::text AS f FROM (SELECT a.st) x(st)) b
CROSS JOIN (SELECT stage_funnel(deal, stage, entered, closed, won, DATE '2026-06-30')::text AS f FROM sf_all) c;
-- field access works on the composite
SELECT (stage_funnel(deal, stage, entered, closed, won, DATE '2026-06-30'))[1].p_win AS a_p_win_1
FROM sf_all WHERE grp = 'a';

-- Bad arguments, each with its SQLSTATE
SELECT test_util.err($$SELECT stage_funnel(1, 1, DATE '2026-01-01', NULL, NULL, NULL)$$) AS as_of_null;
SELECT test_util.err($$SELECT stage_funnel(1, 1, DATE '2026-01-01', NULL, NULL, 'infinity')$$) AS as_of_infinite;
SELECT test_util.err($$SELECT stage_funnel(d, 1, DATE '2026-01-01', NULL, NULL, a)
                       FROM (VALUES (1, DATE '2026-06-30'), (2, DATE '2026-07-01')) v(d, a)$$) AS as_of_changes;
SELECT test_util.err($$SELECT stage_funnel(1, 1, DATE 'infinity', NULL, NULL, DATE '2026-06-30')$$) AS entered_infinite;
SELECT test_util.err($$SELECT stage_funnel(1, 1, DATE '2026-07-01', NULL, NULL, DATE '2026-06-30')$$) AS entered_after_as_of;
SELECT test_util.err($$SELECT stage_funnel(1, 1, DATE '2026-01-01', DATE '2026-02-01', NULL, DATE '2026-06-30')$$) AS closed_without_won;
SELECT test_util.err($$SELECT stage_funnel(1, 1, DATE '2026-01-01', NULL, true, DATE '2026-06-30')$$) AS won_without_closed;
SELECT test_util.err($$SELECT stage_funnel(1, 1, DATE '2026-01-01', DATE '2026-07-01', true, DATE '2026-06-30')$$) AS closed_after_as_of;
SELECT test_util.err($$SELECT stage_funnel(1, 1, DATE '2026-01-01', DATE '-infinity', true, DATE '2026-06-30')$$) AS closed_infinite;
SELECT test_util.err($$SELECT stage_funnel(1, 1, DATE '2026-03-01', DATE '2026-02-01', false, DATE '2026-06-30')$$) AS entered_after_closed;
SELECT test_util.err($$SELECT stage_funnel(1, s, e, c, w, DATE '2026-06-30')
                       FROM (VALUES (1, DATE '2026-01-01', DATE '2026-02-01', true),
                                    (2, DATE '2026-01-05', DATE '2026-02-01', false)) v(s, e, c, w)$$) AS deal_disagrees_on_won;
SELECT test_util.err($$SELECT stage_funnel(1, s, e, c, w, DATE '2026-06-30')
                       FROM (VALUES (1, DATE '2026-01-01', DATE '2026-02-01', true),
                                    (2, DATE '2026-01-05', DATE '2026-02-03', true)) v(s, e, c, w)$$) AS deal_disagrees_on_closed;
SELECT test_util.err($$SELECT stage_funnel(1, s, e, c, w, DATE '2026-06-30')
                       FROM (VALUES (1, DATE '2026-01-01', DATE '2026-02-01', true),
                                    (2, DATE '2026-01-05', NULL, NULL)) v(s, e, c, w)$$) AS deal_open_and_closed;
-- the same rows through stage_funnel_partial: refused as stage_funnel refuses
-- them, never written as a state that its own input would refuse
SELECT test_util.err($$SELECT stage_funnel_partial(1, s, e, c, w, DATE '2026-06-30')::text
                       FROM (VALUES (1, DATE '2026-01-01', DATE '2026-02-01', true),
                                    (2, DATE '2026-01-05', DATE '2026-02-01', false)) v(s, e, c, w)$$) AS partial_disagrees_on_won;
SELECT test_util.err($$SELECT stage_funnel_partial(1, s, e, c, w, DATE '2026-06-30')::text
                       FROM (VALUES (1, DATE '2026-01-01', DATE '2026-02-01', true),
                                    (2, DATE '2026-01-05', DATE '2026-02-03', true)) v(s, e, c, w)$$) AS partial_disagrees_on_closed;
-- a deal whose rows are in two states that disagree: caught by the merge
SELECT test_util.err($$SELECT stage_funnel_merge(st) FROM (
    SELECT stage_funnel_partial(1, 1, DATE '2026-01-01', DATE '2026-02-01', true, DATE '2026-06-30')
    UNION ALL
    SELECT stage_funnel_partial(1, 2, DATE '2026-01-05', DATE '2026-02-01', false, DATE '2026-06-30')) v(st)$$) AS split_deal_disagrees;
SELECT test_util.err($$SELECT stage_funnel_merge(st) FROM (
    SELECT stage_funnel_partial(1, 1, DATE '2026-01-01', NULL, NULL, DATE '2026-06-30')
    UNION ALL
    SELECT stage_funnel_partial(2, 1, DATE '2026-01-01', NULL, NULL, DATE '2026-06-29')) v(st)$$) AS merge_different_as_of;
-- the same through the parallel combine of the top-level aggregate's states
SELECT test_util.err($$SELECT stage_funnel_merge(st) FROM (
    SELECT stage_funnel_partial(1, 1, DATE '2026-01-01', NULL, NULL, DATE '2026-06-30')
    UNION ALL
    SELECT 'v1 as_of=2026-06-30 rows=1/2/2026-01-05/2026-02-01/won'::stage_funnel_state) v(st)$$) AS split_deal_open_and_won;

-- Parallel plans equal the serial plan
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE sf_serial AS
SELECT grp, stage_funnel(deal, stage, entered, closed, won, DATE '2026-06-30')::text AS f
FROM sf_all GROUP BY grp;
CREATE TEMP TABLE sf_serial_total AS
SELECT stage_funnel(deal, stage, entered, closed, won, DATE '2026-06-30')::text AS f FROM sf_all;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
SELECT grp, stage_funnel(deal, stage, entered, closed, won, DATE '2026-06-30') FROM sf_all GROUP BY grp;
SELECT count(*) AS groups, count(*) FILTER (WHERE p.f IS DISTINCT FROM s.f) AS parallel_mismatches
FROM (SELECT grp, stage_funnel(deal, stage, entered, closed, won, DATE '2026-06-30')::text AS f
      FROM sf_all GROUP BY grp) p
FULL JOIN sf_serial s USING (grp);
RESET enable_hashagg;
EXPLAIN (COSTS OFF)
SELECT stage_funnel(deal, stage, entered, closed, won, DATE '2026-06-30') FROM sf_all;
SELECT f = (SELECT f FROM sf_serial_total) AS parallel_total_equal
FROM (SELECT stage_funnel(deal, stage, entered, closed, won, DATE '2026-06-30')::text AS f FROM sf_all) q;
-- workers without rows: NULL partial states combine
SELECT f = (SELECT f FROM sf_serial WHERE grp = 'c') AS one_row_equal
FROM (SELECT stage_funnel(deal, stage, entered, closed, won, DATE '2026-06-30')::text AS f
      FROM sf_all WHERE grp = 'c') q;
-- the partial aggregate runs in parallel too
EXPLAIN (COSTS OFF)
SELECT stage_funnel_partial(deal, stage, entered, closed, won, DATE '2026-06-30') FROM sf_all;
SELECT stage_funnel_merge(st)::text = (SELECT f FROM sf_serial_total) AS partial_parallel_equal
FROM (SELECT stage_funnel_partial(deal, stage, entered, closed, won, DATE '2026-06-30') AS st FROM sf_all) q;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;

-- _merge over _partial states equals one pass: rows split into 3 parts by row
-- number (so a deal's rows land in different states), states sent through text
CREATE TEMP TABLE sf_parts AS
SELECT grp, part, stage_funnel_partial(deal, stage, entered, closed, won, DATE '2026-06-30') AS st
FROM (SELECT *, row_number() OVER () % 3 AS part FROM sf_all) q
GROUP BY grp, part;
SELECT count(*) AS groups, count(*) FILTER (WHERE m.f IS DISTINCT FROM s.f) AS merge_mismatches
FROM (SELECT grp, stage_funnel_merge(st::text::stage_funnel_state)::text AS f
      FROM sf_parts GROUP BY grp) m
FULL JOIN sf_serial s USING (grp);
-- the two-level form of SPEC §7 (grouped by grp and deal first)
SELECT count(*) FILTER (WHERE m.f IS DISTINCT FROM s.f) AS two_level_mismatches
FROM (SELECT grp, stage_funnel_merge(st)::text AS f
      FROM (SELECT grp, deal, stage_funnel_partial(deal, stage, entered, closed, won, DATE '2026-06-30') AS st
            FROM sf_all GROUP BY grp, deal) x GROUP BY grp) m
FULL JOIN sf_serial s USING (grp);
-- merging merged states (partial of partials) and NULL states
SELECT stage_funnel_merge(st)::text = (SELECT f FROM sf_serial_total) AS merge_of_everything FROM sf_parts;
SELECT stage_funnel_merge(st) IS NULL AS only_null FROM (VALUES (NULL::stage_funnel_state)) v(st);
SELECT stage_funnel_merge(st) IS NULL AS no_state FROM sf_parts WHERE false;
-- a state of ignored rows only keeps as_of, and merges to NULL
SELECT st::text, stage_funnel_merge(st) OVER () IS NULL AS merges_to_null
FROM sf_parts WHERE grp = 'd';

-- The text form, by hand: rows sorted by deal_id, entered_on, stage
SELECT stage_funnel_partial(d, s, e, c, w, DATE '2026-06-30')
FROM (VALUES (2::bigint, 1, DATE '2026-01-02', NULL::date, NULL::boolean),
             (1, 3, DATE '2026-01-09', DATE '2026-02-01', false),
             (1, 1, DATE '2026-01-01', DATE '2026-02-01', false)) v(d, s, e, c, w);
SET DateStyle = 'German, DMY';
SELECT 'v1 as_of=2026-06-30 rows=7/1/2026-01-01/2026-02-01/won'::stage_funnel_state;
RESET DateStyle;
-- text round trips are exact
SELECT count(*) AS states,
       count(*) FILTER (WHERE st::text::stage_funnel_state::text <> st::text) AS text_mismatches
FROM sf_parts;
-- binary round trips through COPY (FORMAT binary) are exact
COPY (SELECT grp, part, st FROM sf_parts) TO :'qx_sf_states_file' (FORMAT binary);
CREATE TEMP TABLE sf_parts_copy (LIKE sf_parts);
COPY sf_parts_copy FROM :'qx_sf_states_file' (FORMAT binary);
SELECT count(*) AS states,
       count(*) FILTER (WHERE c.st::text IS DISTINCT FROM p.st::text
                          OR stage_funnel_state_send(c.st) IS DISTINCT FROM stage_funnel_state_send(p.st)) AS binary_mismatches
FROM sf_parts p FULL JOIN sf_parts_copy c USING (grp, part);

-- Malformed text states are refused (22P02), with the reason in the detail
CREATE FUNCTION pg_temp.err_detail(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; det text;
BEGIN
    EXECUTE stmt;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, det = PG_EXCEPTION_DETAIL;
    RETURN st || ': ' || det;
END $$;
SELECT s, pg_temp.err_detail(format('SELECT %L::stage_funnel_state', s)) FROM (VALUES
 ('v2 as_of=2026-06-30 rows=none'),
 ('v1 as_of=2026-06-30'),
 ('v1 as_of=2026-06-30 rows=none extra=1'),
 ('v1 as_of=infinity rows=none'),
 ('v1 as_of=2026-06-30 rows=1/1/2026-01-01/none'),
 ('v1 as_of=2026-06-30 rows=1/1/2026-01-01/none/open/x'),
 ('v1 as_of=2026-06-30 rows=x/1/2026-01-01/none/open'),
 ('v1 as_of=2026-06-30 rows=1/2147483648/2026-01-01/none/open'),
 ('v1 as_of=2026-06-30 rows=1/1/2026-13-01/none/open'),
 ('v1 as_of=2026-06-30 rows=1/1/2026-01-01/none/maybe'),
 ('v1 as_of=2026-06-30 rows=1/1/2026-01-01/2026-02-01/open'),
 ('v1 as_of=2026-06-30 rows=1/1/2026-01-01/none/won'),
 ('v1 as_of=2026-06-30 rows=1/1/2026-07-01/none/open'),
 ('v1 as_of=2026-06-30 rows=1/1/2026-03-01/2026-02-01/lost'),
 ('v1 as_of=2026-06-30 rows=1/1/2026-01-01/2026-07-01/lost'),
 ('v1 as_of=2026-06-30 rows=2/1/2026-01-01/none/open,1/1/2026-01-01/none/open'),
 ('v1 as_of=2026-06-30 rows=1/1/2026-01-01/2026-02-01/won,1/2/2026-01-05/2026-02-01/lost'),
 ('v1 as_of=2026-06-30 rows=1/1/2026-01-01/none/open,,2/1/2026-01-01/none/open'),
 ('v1 as_of=2026-06-30 rows=1/1/2026-01-01/none/open'),
 ('')) v(s);

-- Malformed binary states are refused by receive (22P03).  Layout: version
-- (byte 1), as_of (2-5), number of rows (6-9), then 21 bytes a row: deal_id
-- (10-17), stage (18-21), entered_on (22-25), result (26), closed_on (27-30).
CREATE TEMP TABLE sf_bad_target (st stage_funnel_state);
CREATE TEMP TABLE sf_bad_bin (what text, b bytea);
INSERT INTO sf_bad_bin
SELECT 'truncated', substr(b, 1, 20) FROM (SELECT stage_funnel_state_send(st) AS b FROM sf_parts WHERE grp = 'a' AND part = 0) q
UNION ALL SELECT 'trailing byte', b || '\x00'::bytea FROM (SELECT stage_funnel_state_send(st) AS b FROM sf_parts WHERE grp = 'a' AND part = 0) q
UNION ALL SELECT 'version 2', overlay(b placing '\x02'::bytea from 1) FROM (SELECT stage_funnel_state_send(st) AS b FROM sf_parts WHERE grp = 'a' AND part = 0) q
UNION ALL SELECT 'huge row count', overlay(b placing '\x7fffffff'::bytea from 6) FROM (SELECT stage_funnel_state_send(st) AS b FROM sf_parts WHERE grp = 'a' AND part = 0) q
UNION ALL SELECT 'negative row count', overlay(b placing '\xffffffff'::bytea from 6) FROM (SELECT stage_funnel_state_send(st) AS b FROM sf_parts WHERE grp = 'a' AND part = 0) q
UNION ALL SELECT 'result 7', overlay(b placing '\x07'::bytea from 26) FROM (SELECT stage_funnel_state_send(st) AS b FROM sf_parts WHERE grp = 'a' AND part = 0) q
UNION ALL SELECT 'rows swapped', substr(b, 1, 9) || substr(b, 31, 21) || substr(b, 10, 21) || substr(b, 52)
          FROM (SELECT stage_funnel_state_send(st) AS b FROM sf_parts WHERE grp = 'a' AND part = 0) q
UNION ALL SELECT 'entered infinity', overlay(b placing '\x7fffffff'::bytea from 22) FROM (SELECT stage_funnel_state_send(st) AS b FROM sf_parts WHERE grp = 'a' AND part = 0) q
UNION ALL SELECT 'as_of infinity', overlay(b placing '\x7fffffff'::bytea from 2) FROM (SELECT stage_funnel_state_send(st) AS b FROM sf_parts WHERE grp = 'a' AND part = 0) q
UNION ALL SELECT 'empty', ''::bytea;
CREATE FUNCTION pg_temp.recv_sf(what text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT b FROM sf_bad_bin WHERE what = %L) TO %L (FORMAT binary)',
                   what, '/tmp/quota_ext_regress_sf_bad_' || pg_backend_pid() || '.bin');
    RETURN test_util.err(format('COPY sf_bad_target FROM %L (FORMAT binary)', '/tmp/quota_ext_regress_sf_bad_' || pg_backend_pid() || '.bin'));
END $$;
SELECT what, pg_temp.recv_sf(what) FROM sf_bad_bin ORDER BY what COLLATE "C";
-- the unchanged bytes are accepted (the test above can fail)
COPY (SELECT stage_funnel_state_send(st) FROM sf_parts WHERE grp = 'a' AND part = 0) TO :'qx_sf_bad_file' (FORMAT binary);
SELECT test_util.err(format('COPY sf_bad_target FROM %L (FORMAT binary)', :'qx_sf_bad_file')) AS unchanged;
SELECT (SELECT st::text FROM sf_bad_target) = (SELECT st::text FROM sf_parts WHERE grp = 'a' AND part = 0) AS same_state;

-- required_activity, by hand:
--  100000 / 5000 = 20 deals; 20 / 0.7 = 28.57 -> 29; 29 / 0.5 = 58; 58 / 0.1 = 580
SELECT required_activity(100000, 5000, '{0.1, 0.5, 0.7}') AS hand;
--  21 / 0.7 is 30.000000000000004 in float8: 30, not 31
SET extra_float_digits = 1;
SELECT (21 / 0.7::float8)::text AS float_quotient, required_activity(21, 1, '{0.7}') AS noise_ignored;
SET extra_float_digits = 0;
--  10.000000000000000000001 / 5 is just above 2: 3 deals (exact numeric)
SELECT required_activity(10.000000000000000000001, 5, '{}') AS exact_ceil,
       required_activity(10, 5, '{}') AS exact_quotient,
       required_activity(10, 5, '{1, 1}') AS rate_one;
--  a target of 0 needs nothing; a tiny gap needs one deal
SELECT required_activity(0, 5000, '{0.2, 0.5}') AS zero_target,
       required_activity(0.01, 5000, '{0.2, 0.5}') AS one_deal;
--  250 calls a week: a 60000 gap at 12000 a deal, 30 % of calls reach a
--  meeting, 40 % of meetings a proposal, 50 % of proposals close:
--  5 deals, 10 proposals, 25 meetings, ceil(25 / 0.3) = 84 calls
SELECT required_activity(60000, 12000, '{0.3, 0.4, 0.5}') AS calls_meetings_proposals_deals;
SELECT required_activity(NULL, 1, '{0.5}') IS NULL AS strict_target,
       required_activity(1, 1, NULL) IS NULL AS strict_rates;
-- bad arguments
SELECT test_util.err($$SELECT required_activity(-1, 5000, '{0.5}')$$) AS target_negative;
SELECT test_util.err($$SELECT required_activity('NaN', 5000, '{0.5}')$$) AS target_nan;
SELECT test_util.err($$SELECT required_activity('Infinity', 5000, '{0.5}')$$) AS target_infinite;
SELECT test_util.err($$SELECT required_activity(1000, 0, '{0.5}')$$) AS avg_deal_zero;
SELECT test_util.err($$SELECT required_activity(1000, -5, '{0.5}')$$) AS avg_deal_negative;
SELECT test_util.err($$SELECT required_activity(1000, 'NaN', '{0.5}')$$) AS avg_deal_nan;
SELECT test_util.err($$SELECT required_activity(1000, 5, '{0.5, 0}')$$) AS rate_zero;
SELECT test_util.err($$SELECT required_activity(1000, 5, '{1.5}')$$) AS rate_above_one;
SELECT test_util.err($$SELECT required_activity(1000, 5, '{-0.5}')$$) AS rate_negative;
SELECT test_util.err($$SELECT required_activity(1000, 5, '{NaN}')$$) AS rate_nan;
SELECT test_util.err($$SELECT required_activity(1000, 5, '{Infinity}')$$) AS rate_infinite;
SELECT test_util.err($$SELECT required_activity(1000, 5, '{0.5, NULL}')$$) AS rate_null;
SELECT test_util.err($$SELECT required_activity(1000, 5, '{{0.5}, {0.5}}')$$) AS rates_2d;
SELECT test_util.err($$SELECT required_activity(1e30, 1, '{}')$$) AS deals_overflow;
SELECT test_util.err($$SELECT required_activity(1e15, 1, '{1e-300}')$$) AS calls_overflow;

DROP MATERIALIZED VIEW sf_ref;
DROP TABLE sf_all;
SELECT test_util.remove_backend_files() AS files_left;
