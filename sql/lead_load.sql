-- lead_load and lead_load_trend (SPEC §17): how many leads a team gets,
-- touches in time, wins and earns from, and the seed's alarm "more leads,
-- less money".  Expected values come from plain SQL over the same rows,
-- computed here, and from hand cases in the comments.
-- files of this backend only: suites run side by side (scripts/test.sh)
SELECT '/tmp/quota_ext_regress_ll_states_' || pg_backend_pid() || '.bin' AS qx_ll_states_file \gset

-- 1. A hand case: Q1 2026, SLA 1 day.
--   L1 created 01-05, touched 01-06 (1 day: in SLA), won 1000.00
--   L2 created 02-01, never touched, lost
--   L3 created 03-31, touched 04-03 (3 days: late), won 500.5 (one decimal)
--   L4 created 03-10, touched 03-09 (logged before creation: in SLA), won NULL (not won)
--   L5 created 04-01: after the period, not counted
-- leads 4, touched_in_sla 2, won 2, revenue 1500.50 (scale 2, as sum gives),
-- revenue_per_lead 1500.50 / 4 = 375.125 -> 375.13 (half away from zero),
-- win_rate 2/4 = 0.5.  With sla_days 3, L3 is in time too: 3.
CREATE TEMP TABLE hand(lead text, created_on date, amount numeric, won boolean, first_touch_on date);
INSERT INTO hand VALUES ('L1', '2026-01-05', 1000.00, true, '2026-01-06'),
                        ('L2', '2026-02-01', 700.00, false, NULL),
                        ('L3', '2026-03-31', 500.5, true, '2026-04-03'),
                        ('L4', '2026-03-10', 300.00, NULL, '2026-03-09'),
                        ('L5', '2026-04-01', 900.00, true, '2026-04-01');
SELECT (lead_load(created_on, amount, won, first_touch_on, '2026-01-01', '2026-03-31')).* FROM hand;
SELECT (lead_load(created_on, amount, won, first_touch_on, '2026-01-01', '2026-03-31', 3)).touched_in_sla AS touched_sla_3,
       (lead_load(created_on, amount, won, first_touch_on, '2026-01-01', '2026-03-31', 0)).touched_in_sla AS touched_sla_0
FROM hand;

-- 2. Against plain SQL: 5000 leads of 6 reps over two quarters, mixed
-- scales, NULL won, NULL first touches, touches before creation, NULL
-- amounts, a rep with no won lead.  A regular table, for parallel plans.
CREATE TABLE ll_leads AS
SELECT i AS id, i % 6 AS rep, i % 17 AS source,
       DATE '2025-10-01' + (i * 37) % 182 AS created_on,
       CASE WHEN i % 53 = 0 THEN NULL ELSE round(((i * 7919) % 100000 / 13.0)::numeric, i % 4) END AS amount,
       CASE WHEN i % 6 = 5 THEN false WHEN i % 19 = 0 THEN NULL ELSE (i * 13) % 5 = 0 END AS won,
       CASE WHEN i % 9 = 0 THEN NULL ELSE DATE '2025-10-01' + (i * 37) % 182 + (i % 7) - 1 END AS first_touch_on
FROM generate_series(1, 5000) i;
ANALYZE ll_leads;
CREATE TEMP TABLE ll_plain AS
SELECT rep, sla,
       count(*) AS leads,
       count(*) FILTER (WHERE first_touch_on - created_on <= sla) AS touched_in_sla,
       count(*) FILTER (WHERE won) AS won,
       coalesce(sum(amount) FILTER (WHERE won), 0) AS revenue,
       round(coalesce(sum(amount) FILTER (WHERE won), 0) / count(*),
             greatest(coalesce(max(scale(amount)) FILTER (WHERE won), 0), 2)) AS revenue_per_lead,
       count(*) FILTER (WHERE won)::float8 / count(*) AS win_rate
FROM ll_leads, (VALUES (0), (1), (3)) s(sla)
WHERE created_on BETWEEN '2026-01-01' AND '2026-03-31'
GROUP BY rep, sla;
CREATE TEMP VIEW ll_ext AS
SELECT rep, sla, (lead_load(created_on, amount, won, first_touch_on, '2026-01-01', '2026-03-31', sla)).*
FROM ll_leads, (VALUES (0), (1), (3)) s(sla) GROUP BY rep, sla;
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE e.leads IS DISTINCT FROM p.leads) AS leads_bad,
       count(*) FILTER (WHERE e.touched_in_sla IS DISTINCT FROM p.touched_in_sla) AS touched_bad,
       count(*) FILTER (WHERE e.won IS DISTINCT FROM p.won) AS won_bad,
       count(*) FILTER (WHERE e.revenue::text IS DISTINCT FROM p.revenue::text) AS revenue_bad,
       count(*) FILTER (WHERE e.revenue_per_lead::text IS DISTINCT FROM p.revenue_per_lead::text) AS per_lead_bad,
       count(*) FILTER (WHERE e.win_rate IS DISTINCT FROM p.win_rate) AS win_rate_bad,
       count(*) FILTER (WHERE e.won = 0) AS groups_without_wins
FROM ll_ext e FULL JOIN ll_plain p USING (rep, sla);
-- the default SLA is 1 day
SELECT count(*) FILTER (WHERE a IS DISTINCT FROM b) AS default_sla_mismatches
FROM (SELECT rep, lead_load(created_on, amount, won, first_touch_on, '2026-01-01', '2026-03-31')::text AS a,
             lead_load(created_on, amount, won, first_touch_on, '2026-01-01', '2026-03-31', 1)::text AS b
      FROM ll_leads GROUP BY rep) s;

-- 3. NULLs and empty groups
-- no row, or no lead in the period: zeros, revenue_per_lead and win_rate NULL
SELECT (lead_load(created_on, amount, won, first_touch_on, '2026-01-01', '2026-03-31')).* FROM hand WHERE false;
SELECT (lead_load(created_on, amount, won, first_touch_on, '2027-01-01', '2027-03-31')).* FROM hand;
-- a NULL created_on is skipped; a won lead without amount counts as won with no revenue
SELECT (lead_load(c, a, w, t, '2026-01-01', '2026-01-31')).*
FROM (VALUES (NULL::date, 5.00, true, NULL::date), ('2026-01-02', NULL, true, NULL), ('2026-01-03', 10.000, true, '2026-01-03')) v(c, a, w, t);

-- 4. Every bad argument, with its SQLSTATE
SELECT test_util.err($$SELECT lead_load('2026-01-01'::date, 1, true, NULL, '2026-03-31', '2026-01-01')$$) AS period_reversed;
SELECT test_util.err($$SELECT lead_load('2026-01-01'::date, 1, true, NULL, NULL, '2026-01-01')$$) AS period_start_null;
SELECT test_util.err($$SELECT lead_load('2026-01-01'::date, 1, true, NULL, '2026-01-01', NULL)$$) AS period_end_null;
SELECT test_util.err($$SELECT lead_load('2026-01-01'::date, 1, true, NULL, '-infinity', '2026-01-01')$$) AS period_start_infinite;
SELECT test_util.err($$SELECT lead_load('2026-01-01'::date, 1, true, NULL, '2026-01-01', 'infinity')$$) AS period_end_infinite;
SELECT test_util.err($$SELECT lead_load('2026-01-01'::date, 1, true, NULL, '2026-01-01', '2026-01-31', -1)$$) AS sla_negative;
SELECT test_util.err($$SELECT lead_load('2026-01-01'::date, 1, true, NULL, '2026-01-01', '2026-01-31', NULL)$$) AS sla_null;
SELECT test_util.err($$SELECT lead_load('2026-01-01'::date, -1, true, NULL, '2026-01-01', '2026-01-31')$$) AS amount_negative;
SELECT test_util.err($$SELECT lead_load('2026-01-01'::date, 'NaN', false, NULL, '2026-01-01', '2026-01-31')$$) AS amount_nan;
SELECT test_util.err($$SELECT lead_load('2026-01-01'::date, 1, true, 'infinity', '2026-01-01', '2026-01-31')$$) AS touch_infinite;
SELECT test_util.err($$SELECT lead_load('2026-01-01'::date, 1, true, NULL, '2026-01-01', e) FROM (VALUES (date '2026-01-31'), ('2026-02-28')) v(e)$$) AS period_changes;
SELECT test_util.err($$SELECT lead_load('2026-01-01'::date, 1, true, NULL, '2026-01-01', '2026-01-31', s) FROM (VALUES (1), (2)) v(s)$$) AS sla_changes;
SELECT test_util.err($$SELECT lead_load_merge(st) FROM (SELECT lead_load_partial('2026-01-01'::date, 1, true, NULL, '2026-01-01', e) st FROM (VALUES (date '2026-01-31'), ('2026-02-28')) v(e) GROUP BY e) x$$) AS merge_periods;
SELECT test_util.err($$SELECT lead_load_merge(st) FROM (SELECT lead_load_partial('2026-01-01'::date, 1, true, NULL, '2026-01-01', '2026-01-31', s) st FROM (VALUES (1), (2)) v(s) GROUP BY s) x$$) AS merge_slas;

-- 5. Parallel plans equal the serial ones; merge of partial states equals one pass
CREATE TEMP TABLE ll_serial AS
SELECT rep, lead_load(created_on, amount, won, first_touch_on, '2026-01-01', '2026-03-31', 2)::text AS r
FROM ll_leads GROUP BY rep;
CREATE TABLE ll_parts AS
SELECT rep, source, lead_load_partial(created_on, amount, won, first_touch_on, '2026-01-01', '2026-03-31', 2) AS st
FROM ll_leads GROUP BY rep, source;
ANALYZE ll_parts;
SELECT count(*) AS reps, count(*) FILTER (WHERE m.r IS DISTINCT FROM s.r) AS merge_mismatches
FROM (SELECT rep, lead_load_merge(st)::text AS r FROM ll_parts GROUP BY rep) m FULL JOIN ll_serial s USING (rep);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
SELECT rep, lead_load(created_on, amount, won, first_touch_on, '2026-01-01', '2026-03-31', 2) FROM ll_leads GROUP BY rep;
SELECT count(*) AS reps, count(*) FILTER (WHERE p.r IS DISTINCT FROM s.r) AS parallel_mismatches
FROM (SELECT rep, lead_load(created_on, amount, won, first_touch_on, '2026-01-01', '2026-03-31', 2)::text AS r
      FROM ll_leads GROUP BY rep) p FULL JOIN ll_serial s USING (rep);
RESET enable_hashagg;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;

-- 6. State round trips and malformed states
SELECT lead_load_partial(created_on, amount, won, first_touch_on, '2026-01-01', '2026-03-31') FROM hand;
SELECT count(*) AS states, count(*) FILTER (WHERE st::text::lead_load_state::text <> st::text) AS text_bad FROM ll_parts;
-- values at the edges: the first and last dates, int64 counts, money beyond 128-bit integers
SELECT count(*) AS literals, count(*) FILTER (WHERE v::lead_load_state::text <> v) AS text_differs
FROM (VALUES ('v1 start=-4713-11-24 end=5874897-12-31 sla_days=2147483647 leads=9223372036854775807 touched=9223372036854775807 won=9223372036854775807 revenue=' || repeat('9', 80) || '.25'),
             ('v1 start=2026-01-01 end=2026-01-01 sla_days=0 leads=0 touched=0 won=0 revenue=0')) v(v);
COPY (SELECT rep, source, st FROM ll_parts) TO :'qx_ll_states_file' (FORMAT binary);
CREATE TEMP TABLE ll_parts_copy (LIKE ll_parts);
COPY ll_parts_copy FROM :'qx_ll_states_file' (FORMAT binary);
SELECT count(*) AS states,
       count(*) FILTER (WHERE c.st::text IS DISTINCT FROM p.st::text
                          OR lead_load_state_send(c.st) IS DISTINCT FROM lead_load_state_send(p.st)) AS binary_bad
FROM ll_parts p FULL JOIN ll_parts_copy c USING (rep, source);
CREATE FUNCTION pg_temp.why(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; detail text;
BEGIN
    EXECUTE stmt;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, detail = PG_EXCEPTION_DETAIL;
    RETURN st || ': ' || detail;
END $$;
SELECT s, pg_temp.why(format('SELECT %L::lead_load_state', s)) AS refused
FROM (VALUES ('v1 start=2026-01-01 end=2026-03-31 sla_days=1 leads=3 touched=2 won=1 revenue=10.00'),
             ('v2 start=2026-01-01 end=2026-03-31 sla_days=1 leads=3 touched=2 won=1 revenue=10.00'),
             ('v1 start=2026-03-31 end=2026-01-01 sla_days=1 leads=3 touched=2 won=1 revenue=10.00'),
             ('v1 start=2026-01-01 end=2026-03-31 sla_days=-1 leads=3 touched=2 won=1 revenue=10.00'),
             ('v1 start=2026-01-01 end=2026-03-31 sla_days=1 leads=3 touched=4 won=1 revenue=10.00'),
             ('v1 start=2026-01-01 end=2026-03-31 sla_days=1 leads=3 touched=2 won=4 revenue=10.00'),
             ('v1 start=2026-01-01 end=2026-03-31 sla_days=1 leads=3 touched=2 won=1 revenue=-10.00'),
             ('v1 start=2026-01-01 end=2026-03-31 sla_days=1 leads=3 touched=2 won=0 revenue=10.00'),
             ('v1 start=2026-01-01 end=2026-03-31 sla_days=1 leads=3 touched=2 won=1'),
             ('v1 start=2026-01-01 end=2026-03-31 sla_days=1 leads=3 touched=2 won=1 revenue=NaN'),
             ('v1 start=infinity end=2026-03-31 sla_days=1 leads=3 touched=2 won=1 revenue=10.00')) v(s);
-- merging counts beyond bigint is an error, not a wrap-around
SELECT test_util.err($$SELECT lead_load_merge(v::lead_load_state) FROM (VALUES ('v1 start=2026-01-01 end=2026-01-31 sla_days=1 leads=9223372036854775807 touched=0 won=0 revenue=0'), ('v1 start=2026-01-01 end=2026-01-31 sla_days=1 leads=1 touched=0 won=0 revenue=0')) s(v)$$) AS merge_overflow;
-- binary: version (byte 1), start (2-5), end (6-9), sla_days (10-13),
-- leads (14-21), touched (22-29), won (30-37), revenue from byte 38
CREATE TEMP TABLE ll_bad_target(st lead_load_state);
CREATE TEMP TABLE ll_bad_bin(what text, b bytea);
INSERT INTO ll_bad_bin
SELECT 'good', b FROM (SELECT lead_load_state_send(st) b FROM ll_parts WHERE rep = 1 AND source = 1) q
UNION ALL SELECT 'truncated', substr(b, 1, octet_length(b) - 1) FROM (SELECT lead_load_state_send(st) b FROM ll_parts WHERE rep = 1 AND source = 1) q
UNION ALL SELECT 'trailing byte', b || '\x00'::bytea FROM (SELECT lead_load_state_send(st) b FROM ll_parts WHERE rep = 1 AND source = 1) q
UNION ALL SELECT 'version 2', overlay(b placing '\x02'::bytea from 1) FROM (SELECT lead_load_state_send(st) b FROM ll_parts WHERE rep = 1 AND source = 1) q
UNION ALL SELECT 'end before start', overlay(b placing int4send(0) from 6) FROM (SELECT lead_load_state_send(st) b FROM ll_parts WHERE rep = 1 AND source = 1) q
UNION ALL SELECT 'sla negative', overlay(b placing int4send(-1) from 10) FROM (SELECT lead_load_state_send(st) b FROM ll_parts WHERE rep = 1 AND source = 1) q
UNION ALL SELECT 'won above leads', overlay(b placing int8send(1000000) from 30) FROM (SELECT lead_load_state_send(st) b FROM ll_parts WHERE rep = 1 AND source = 1) q
UNION ALL SELECT 'money kind 7', overlay(b placing '\x07'::bytea from 38) FROM (SELECT lead_load_state_send(st) b FROM ll_parts WHERE rep = 1 AND source = 1) q
UNION ALL SELECT 'empty', ''::bytea;
CREATE FUNCTION pg_temp.recv_ll(what text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT b FROM ll_bad_bin WHERE what = %L) TO %L (FORMAT binary)',
                   what, '/tmp/quota_ext_regress_ll_bad_' || pg_backend_pid() || '.bin');
    RETURN test_util.err(format('COPY ll_bad_target FROM %L (FORMAT binary)', '/tmp/quota_ext_regress_ll_bad_' || pg_backend_pid() || '.bin'));
END $$;
SELECT what, pg_temp.recv_ll(what) FROM ll_bad_bin ORDER BY what COLLATE "C";

-- 7. lead_load_trend at its boundaries.  prior: 100 leads, revenue
-- 10000.00, 100.00 a lead; thresholds 0.2 and 0.2 (the defaults).
CREATE TEMP TABLE trend_cases(name text, leads bigint, revenue numeric, expected text);
INSERT INTO trend_cases VALUES
 -- leads +20 % exactly and revenue per lead 80.00 = -20 % exactly: the alarm
 ('leads +20%, yield -20%', 120, 9600.00, 'scattered'),
 -- leads +19 %: no alarm; revenue -4.8 %: steady
 ('leads +19%, yield -20%', 119, 9520.00, 'steady'),
 -- yield 9601/120 = 80.008: -19.99 %, no alarm; revenue -3.99 %: steady
 ('leads +20%, yield -19.99%', 120, 9601.00, 'steady'),
 -- revenue +20 % exactly: growing; a cent less: steady
 ('revenue +20%', 100, 12000.00, 'growing'),
 ('revenue +19.9999%', 100, 11999.99, 'steady'),
 -- revenue -20 % exactly: shrinking; a cent more: steady
 ('revenue -20%', 100, 8000.00, 'shrinking'),
 ('revenue -19.9999%', 100, 8000.01, 'steady'),
 -- more leads at the same yield: revenue +50 %, growing
 ('leads +50%, same yield', 150, 15000.00, 'growing'),
 -- revenue +60 % but per lead -20 %: the alarm comes first
 ('leads doubled, yield -20%', 200, 16000.00, 'scattered'),
 -- no lead now: revenue -100 %
 ('no leads now', 0, 0, 'shrinking');
SELECT name, lead_load_trend(row(leads, 0, 0, revenue, NULL, NULL)::lead_load,
                             row(100, 0, 0, 10000.00, NULL, NULL)::lead_load) AS trend, expected,
       lead_load_trend(row(leads, 0, 0, revenue, NULL, NULL)::lead_load,
                       row(100, 0, 0, 10000.00, NULL, NULL)::lead_load) IS NOT DISTINCT FROM expected AS ok
FROM trend_cases ORDER BY name COLLATE "C";
-- exact decimals: 10 -> 11 leads is a rise of exactly 0.1 (in float8, 10 * 1.1 > 11)
SELECT lead_load_trend(row(11, 0, 0, 900, NULL, NULL)::lead_load, row(10, 0, 0, 1000, NULL, NULL)::lead_load, 0.1, 0.1) AS plus_10pct,
       lead_load_trend(row(11, 0, 0, 990, NULL, NULL)::lead_load, row(10, 0, 0, 1000, NULL, NULL)::lead_load, 0.1, 0.1) AS yield_minus_10pct,
       lead_load_trend(row(150, 0, 0, 7500, NULL, NULL)::lead_load, row(100, 0, 0, 10000, NULL, NULL)::lead_load, 0.5, 0.5) AS halves;
-- NULL when the prior has no leads or no revenue, or an argument or needed field is NULL
SELECT lead_load_trend(row(5, 0, 0, 100, NULL, NULL)::lead_load, row(0, 0, 0, 0, NULL, NULL)::lead_load) AS prior_no_leads,
       lead_load_trend(row(5, 0, 0, 100, NULL, NULL)::lead_load, row(5, 0, 0, 0, NULL, NULL)::lead_load) AS prior_no_revenue,
       lead_load_trend(NULL, row(5, 0, 0, 100, NULL, NULL)::lead_load) AS current_null,
       lead_load_trend(row(5, 0, 0, NULL, NULL, NULL)::lead_load, row(5, 0, 0, 100, NULL, NULL)::lead_load) AS revenue_null,
       lead_load_trend(row(5, 0, 0, 100, NULL, NULL)::lead_load, row(5, 0, 0, 100, NULL, NULL)::lead_load, NULL) AS threshold_null;
-- straight from lead_load: the hand leads of Q1 against Q4 2025 (no lead: NULL)
SELECT lead_load_trend(lead_load(created_on, amount, won, first_touch_on, '2026-01-01', '2026-03-31'),
                       lead_load(created_on, amount, won, first_touch_on, '2025-10-01', '2025-12-31')) AS from_no_quarter
FROM hand;
-- the codes are the catalog's
SELECT code, rank, quota_label('lead_trend', code, 'en') AS en FROM quota_labels WHERE kind = 'lead_trend' ORDER BY rank;
-- bad arguments
SELECT test_util.err($$SELECT lead_load_trend(row(1,0,0,1,NULL,NULL)::lead_load, row(1,0,0,1,NULL,NULL)::lead_load, 0)$$) AS leads_up_zero;
SELECT test_util.err($$SELECT lead_load_trend(row(1,0,0,1,NULL,NULL)::lead_load, row(1,0,0,1,NULL,NULL)::lead_load, -0.1)$$) AS leads_up_negative;
SELECT test_util.err($$SELECT lead_load_trend(row(1,0,0,1,NULL,NULL)::lead_load, row(1,0,0,1,NULL,NULL)::lead_load, 'NaN')$$) AS leads_up_nan;
SELECT test_util.err($$SELECT lead_load_trend(row(1,0,0,1,NULL,NULL)::lead_load, row(1,0,0,1,NULL,NULL)::lead_load, 'Infinity')$$) AS leads_up_infinite;
SELECT test_util.err($$SELECT lead_load_trend(row(1,0,0,1,NULL,NULL)::lead_load, row(1,0,0,1,NULL,NULL)::lead_load, 0.2, 0)$$) AS yield_down_zero;
SELECT test_util.err($$SELECT lead_load_trend(row(1,0,0,1,NULL,NULL)::lead_load, row(1,0,0,1,NULL,NULL)::lead_load, 0.2, 1.5)$$) AS yield_down_above_1;
SELECT test_util.err($$SELECT lead_load_trend(row(1,0,0,1,NULL,NULL)::lead_load, row(1,0,0,1,NULL,NULL)::lead_load, 0.2, 'NaN')$$) AS yield_down_nan;
SELECT test_util.err($$SELECT lead_load_trend(row(-1,0,0,1,NULL,NULL)::lead_load, row(1,0,0,1,NULL,NULL)::lead_load)$$) AS current_leads_negative;
SELECT test_util.err($$SELECT lead_load_trend(row(1,0,0,1,NULL,NULL)::lead_load, row(1,0,0,-1,NULL,NULL)::lead_load)$$) AS prior_revenue_negative;
SELECT test_util.err($$SELECT lead_load_trend(row(1,0,0,'NaN',NULL,NULL)::lead_load, row(1,0,0,1,NULL,NULL)::lead_load)$$) AS current_revenue_nan;

DROP VIEW ll_ext;
DROP TABLE ll_parts;
DROP TABLE ll_leads;
SELECT test_util.remove_backend_files() AS files_left;
