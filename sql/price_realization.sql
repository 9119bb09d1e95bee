-- price_realization (SPEC §17): the price waterfall, discount depth and
-- pocket margin of a set of deals.  Expected values come from hand-computed
-- waterfalls (in the comments) and from plain SQL over the same rows
-- (sum, percentile_cont) computed here; results print booleans or counts
-- of mismatches.
-- files of this backend only: suites run side by side (scripts/test.sh)
SELECT '/tmp/quota_ext_regress_pr_states_' || pg_backend_pid() || '.bin' AS qx_pr_states_file \gset

-- 1. Hand-computed waterfalls (list - discounts - rebates - freight = net, the
-- pocket price; margin = net - cost):
--   A: list 1000.00 - discount 150.00 - rebate 50.00 - freight 20.00 = net 780.00;
--      cost 600.00, margin 180.00; discount share 220/1000 = 0.22
--   B: list  500.00 - discount 100.00 - rebate  0.00 - freight 10.00 = net 390.00;
--      cost 300.00, margin  90.00; discount share 110/500  = 0.22
--   C: list  250.00 - discount   0.00 - rebate 12.50 - freight  0.00 = net 237.50;
--      no cost; discount share 12.50/250 = 0.05
-- totals: list 1750.00, net 1407.50, discount 342.50, realization
-- 1407.50/1750 = 0.804285714285714...; margin 180 + 90 = 270.00 over net
-- 780 + 390 = 1170.00: pocket margin 270/1170 = 3/13 = 0.230769230769...;
-- shares sorted 0.05, 0.22, 0.22: p50 = the middle one 0.22; p90 at
-- position 0.9 * 2 = 1.8 between 0.22 and 0.22 = 0.22.  Floor 0.22: A has
-- 220.00 off, 0.22 * 1000 = 220 is not exceeded, B likewise: 0 deals over;
-- floor 0.2: A and B are over (220 > 200, 110 > 100): 2.
CREATE TEMP TABLE waterfall(deal text, list numeric, discount numeric, rebate numeric,
                            freight numeric, cost numeric);
INSERT INTO waterfall VALUES ('A', 1000.00, 150.00, 50.00, 20.00, 600.00),
                             ('B', 500.00, 100.00, 0.00, 10.00, 300.00),
                             ('C', 250.00, 0.00, 12.50, 0.00, NULL);
SELECT (r).deals = 3 AS deals_ok, (r).list_total = 1750.00 AS list_ok,
       (r).net_total = 1407.50 AS net_ok, (r).discount_total = 342.50 AS discount_ok,
       abs((r).realization - 0.804285714285714) < 1e-14 AS realization_ok,
       (r).discount_p50 = 0.22 AS p50_ok, (r).discount_p90 = 0.22 AS p90_ok,
       (r).margin_total = 270.00 AS margin_ok,
       abs((r).pocket_margin - 3.0 / 13) < 1e-14 AS pocket_ok,
       (r).deals_over_floor = 0 AS over_022_ok, r2 = 2 AS over_02_ok
FROM (SELECT price_realization(list, list - discount - rebate - freight, cost, 0.22) AS r,
             (price_realization(list, list - discount - rebate - freight, cost, 0.2)).deals_over_floor AS r2
      FROM waterfall) s;
SELECT (price_realization(list, list - discount - rebate - freight, cost, 0.22)).*
FROM waterfall;
-- without cost and floor: margin, pocket margin and deals_over_floor are NULL
SELECT (price_realization(list, list - discount - rebate - freight)).* FROM waterfall;
-- a second hand case for the percentiles, 4 deals with shares 0.1, 0.2, 0.3, 0.5:
-- p50 at position 1.5 = 0.2 + 0.5 * 0.1 = 0.25; p90 at 2.7 = 0.3 + 0.7 * 0.2 = 0.44
SELECT abs(discount_p50 - 0.25) < 1e-15 AS p50_ok, abs(discount_p90 - 0.44) < 1e-15 AS p90_ok
FROM (SELECT (price_realization(l, n)).* FROM (VALUES (100, 90), (100, 80), (10, 7), (2, 1)) v(l, n)) s;
-- the floor compares exact decimals: 30.00 off 100.00 is not over 0.3, 30.01 is;
-- 10.00 off 100.00 is not over 0.1 (0.1 as float8 is not exactly 0.1)
SELECT (price_realization(100.00, 70.00, NULL, 0.3)).deals_over_floor AS at_030,
       (price_realization(100.00, 69.99, NULL, 0.3)).deals_over_floor AS above_030,
       (price_realization(100.00, 90.00, NULL, 0.1)).deals_over_floor AS at_010,
       (price_realization(100.00, 100.00, NULL, 0)).deals_over_floor AS none_off_floor_0,
       (price_realization(100.00, 99.99, NULL, 0)).deals_over_floor AS cent_off_floor_0,
       (price_realization(100.00, 0, NULL, 1)).deals_over_floor AS all_off_floor_1;

-- 2. Against plain SQL over 6000 deals of 7 reps with mixed scales (0 to 4
-- decimals), a few prices above list (negative discount), NULL costs, and
-- one rep with no cost at all.  A regular table, for the parallel plans below.
CREATE TABLE pr_deals AS
SELECT i AS id, i % 7 AS rep, i % 23 AS region,
       round((100 + (i * 7919) % 90000 / 7.0)::numeric, i % 5) AS list,
       NULL::numeric AS net,
       CASE WHEN i % 7 = 6 OR i % 11 = 0 THEN NULL
            ELSE round(((i * 104729) % 50000 / 9.0)::numeric, (i / 5) % 4) END AS cost
FROM generate_series(1, 6000) i;
UPDATE pr_deals SET net = CASE WHEN id % 97 = 0 THEN list * 1.05
                               WHEN id % 89 = 0 THEN 0
                               ELSE round(list * (1 - ((id * 31) % 45) / 100.0), (id / 3) % 4) END;
ANALYZE pr_deals;
CREATE TEMP TABLE pr_plain AS
SELECT rep, count(*) AS deals, sum(list) AS list_total, sum(net) AS net_total,
       sum(list - net) AS discount_total, (sum(net) / sum(list))::float8 AS realization,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ((list - net) / list)::float8) AS discount_p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY ((list - net) / list)::float8) AS discount_p90,
       sum(net - cost) AS margin_total,
       (sum(net - cost) / nullif(sum(net) FILTER (WHERE cost IS NOT NULL), 0))::float8 AS pocket_margin,
       count(*) FILTER (WHERE list - net > 0.25::float8::numeric * list) AS deals_over_floor
FROM pr_deals GROUP BY rep;
CREATE TEMP VIEW pr_ext AS
SELECT rep, (price_realization(list, net, cost, 0.25)).* FROM pr_deals GROUP BY rep;
-- every field equal, sums digit for digit (text, so the scale counts too)
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS reps,
       count(*) FILTER (WHERE e.deals IS DISTINCT FROM p.deals) AS deals_bad,
       count(*) FILTER (WHERE e.list_total::text IS DISTINCT FROM p.list_total::text) AS list_bad,
       count(*) FILTER (WHERE e.net_total::text IS DISTINCT FROM p.net_total::text) AS net_bad,
       count(*) FILTER (WHERE e.discount_total::text IS DISTINCT FROM p.discount_total::text) AS discount_bad,
       count(*) FILTER (WHERE e.realization IS DISTINCT FROM p.realization) AS realization_bad,
       count(*) FILTER (WHERE e.discount_p50 IS DISTINCT FROM p.discount_p50) AS p50_bad,
       count(*) FILTER (WHERE e.discount_p90 IS DISTINCT FROM p.discount_p90) AS p90_bad,
       count(*) FILTER (WHERE e.margin_total::text IS DISTINCT FROM p.margin_total::text) AS margin_bad,
       count(*) FILTER (WHERE e.pocket_margin IS DISTINCT FROM p.pocket_margin) AS pocket_bad,
       count(*) FILTER (WHERE e.deals_over_floor IS DISTINCT FROM p.deals_over_floor) AS over_bad,
       count(*) FILTER (WHERE e.margin_total IS NULL) AS reps_without_cost
FROM pr_ext e FULL JOIN pr_plain p USING (rep);
-- the data does mix scales and has prices above list
SELECT count(DISTINCT scale(list)) AS list_scales, count(DISTINCT scale(net)) AS net_scales,
       count(*) FILTER (WHERE net > list) AS above_list, count(*) FILTER (WHERE net = 0) AS given_away
FROM pr_deals;
-- other percentiles' neighbours: the whole table in one group, and one deal
SELECT (SELECT (price_realization(list, net)).discount_p90 FROM pr_deals)
       = (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY ((list - net) / list)::float8) FROM pr_deals) AS all_p90_ok,
       (SELECT (price_realization(list, net)).discount_p50 FROM pr_deals WHERE id = 17)
       = (SELECT ((list - net) / list)::float8 FROM pr_deals WHERE id = 17) AS one_deal_ok;
-- sums beyond 128-bit integers stay exact
SELECT (price_realization(l, n)).list_total::text = sum(l)::text AS big_list_ok,
       (price_realization(l, n)).discount_total::text = sum(l - n)::text AS big_discount_ok
FROM (VALUES (9e37, 1e37), (9e37, 9e37), (0.00001, 0)) v(l, n);

-- 3. NULLs and empty groups
-- rows with a NULL list or net are skipped; a NULL cost leaves the deal out of the margin
SELECT (price_realization(l, n, c)).* FROM (VALUES (100.00, 80.00, 50.00), (NULL, 10.00, 1.00),
                                                  (100.00, NULL, 1.00), (200.00, 150.00, NULL)) v(l, n, c);
-- no deal at all, or only skipped rows: NULL
SELECT price_realization(l, n) IS NULL AS empty_is_null FROM (VALUES (1.0, 1.0)) v(l, n) WHERE false;
SELECT price_realization(l, n, c, 0.1) IS NULL AS skipped_only_is_null
FROM (VALUES (NULL::numeric, 1.0, 1.0), (1.0, NULL, NULL)) v(l, n, c);
-- a NULL floor is no floor
SELECT (price_realization(100, 50, 10, NULL)).deals_over_floor IS NULL AS null_floor;
-- costed deals all given away (net 0): margin -cost, pocket margin NULL
SELECT (price_realization(100, 0, 10)).margin_total, (price_realization(100, 0, 10)).pocket_margin;

-- 4. Every bad argument, with its SQLSTATE
SELECT test_util.err('SELECT price_realization(0, 0)') AS list_zero;
SELECT test_util.err('SELECT price_realization(-1.5, 0)') AS list_negative;
SELECT test_util.err('SELECT price_realization(100, -0.01)') AS net_negative;
SELECT test_util.err('SELECT price_realization(100, 90, -1)') AS cost_negative;
SELECT test_util.err('SELECT price_realization(''NaN'', 90)') AS list_nan;
SELECT test_util.err('SELECT price_realization(100, ''Infinity'')') AS net_infinite;
SELECT test_util.err('SELECT price_realization(100, 90, ''NaN'')') AS cost_nan;
SELECT test_util.err('SELECT price_realization(100, 90, 1, -0.1)') AS floor_negative;
SELECT test_util.err('SELECT price_realization(100, 90, 1, 1.5)') AS floor_above_1;
SELECT test_util.err('SELECT price_realization(100, 90, 1, ''NaN'')') AS floor_nan;
SELECT test_util.err('SELECT price_realization(100, 90, 1, ''Infinity'')') AS floor_infinite;
-- a share or ratio beyond float8 (a list price of 1e-1000): a short 22003
SELECT left(test_util.err('SELECT price_realization(1e-1000, 100)'), 120) AS share_huge;
SELECT left(test_util.err('SELECT price_realization(1, 1 - 1e-400)'), 120) AS share_tiny;
SELECT left(test_util.err('SELECT price_realization(1, 1e-400)'), 120) AS realization_tiny;
SELECT left(test_util.err('SELECT price_realization(1e-101, 1e-400, 5)'), 120) AS pocket_margin_huge;
SELECT length(test_util.err('SELECT price_realization(1e-16383, 100)')) < 300 AS short_message;
SELECT test_util.err('SELECT price_realization(100, 90, 1, f) FROM (VALUES (0.1), (0.2)) v(f)') AS floor_changes;
SELECT test_util.err('SELECT price_realization(100, 90, 1, f) FROM (VALUES (0.1), (NULL)) v(f)') AS floor_to_null;
SELECT test_util.err('SELECT price_realization_merge(s) FROM (SELECT price_realization_partial(100, 90, 1, f) s FROM (VALUES (0.1), (0.2)) v(f) GROUP BY f) x') AS merge_floors;

-- 5. Parallel plans equal the serial ones
CREATE TEMP TABLE pr_serial AS
SELECT rep, price_realization(list, net, cost, 0.25)::text AS r FROM pr_deals GROUP BY rep;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT rep, price_realization(list, net, cost, 0.25) FROM pr_deals GROUP BY rep;
SELECT count(*) AS reps, count(*) FILTER (WHERE e.r IS DISTINCT FROM s.r) AS mismatches
FROM (SELECT rep, price_realization(list, net, cost, 0.25)::text AS r FROM pr_deals GROUP BY rep) e
FULL JOIN pr_serial s USING (rep);
-- the whole table in one group, parallel, against percentile_cont
SELECT (price_realization(list, net)).discount_p50
       = (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ((list - net) / list)::float8) FROM pr_deals) AS parallel_all_p50_ok
FROM pr_deals;
-- merge on the real state type, parallel
EXPLAIN (COSTS OFF) SELECT rep, price_realization_merge(st)
FROM (SELECT rep, region, price_realization_partial(list, net, cost, 0.25) AS st FROM pr_deals GROUP BY rep, region) s
GROUP BY rep;
RESET enable_hashagg;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;

-- 6. Merge of partial states equals one pass
CREATE TABLE pr_parts AS
SELECT rep, region, price_realization_partial(list, net, cost, 0.25) AS st
FROM pr_deals GROUP BY rep, region;
SELECT count(*) AS reps, count(*) FILTER (WHERE m.r IS DISTINCT FROM o.r) AS mismatches
FROM (SELECT rep, price_realization_merge(st)::text AS r FROM pr_parts GROUP BY rep) m
FULL JOIN (SELECT rep, price_realization(list, net, cost, 0.25)::text AS r FROM pr_deals GROUP BY rep) o
USING (rep);
-- and with the merge itself split: Partial/Finalize on price_realization_state
ANALYZE pr_parts;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT rep, price_realization_merge(st) FROM pr_parts GROUP BY rep;
SELECT count(*) AS reps, count(*) FILTER (WHERE m.r IS DISTINCT FROM o.r) AS mismatches
FROM (SELECT rep, price_realization_merge(st)::text AS r FROM pr_parts GROUP BY rep) m
FULL JOIN pr_serial o USING (rep);
RESET enable_hashagg;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
-- NULL states are skipped; a merge of nothing is NULL
SELECT price_realization_merge(st)::text = (SELECT price_realization(list, net, cost, 0.25)::text FROM pr_deals WHERE rep = 1) AS with_null_ok
FROM (SELECT st FROM pr_parts WHERE rep = 1 UNION ALL SELECT NULL) s;
SELECT price_realization_merge(st) IS NULL AS merge_nothing FROM pr_parts WHERE false;

-- 7. State round trips, size, and malformed states
-- the text form, checked by hand (shares 0.2 and 0.3 in row order)
SELECT price_realization_partial(l, n, c, 0.25)
FROM (VALUES (100.00, 80.00, 50.00), (200.00, 140.00, NULL)) v(l, n, c);
SELECT 'v1 floor=none deals=0 list=0 net=0 costed=0 net_costed=0 cost=0 over_floor=0 shares=none'::price_realization_state AS empty_state;
SELECT count(*) AS states, count(*) FILTER (WHERE st::text::price_realization_state::text <> st::text) AS text_bad
FROM pr_parts;
-- values at the edges read back to the same text and bytes: subnormal and
-- extreme floats, -0, money beyond 128-bit integers
CREATE TEMP TABLE pr_lit(v text);
INSERT INTO pr_lit VALUES
 ('v1 floor=1e-310 deals=3 list=' || repeat('9', 60) || '.5 net=0 costed=3 net_costed=0 cost=' || repeat('9', 50) || ' over_floor=3 shares=1,-1.7976931348623157e+308,5e-324'),
 ('v1 floor=1 deals=2 list=0.000000000000000000000000000000001 net=170141183460469231731687303715884105727 costed=0 net_costed=0 cost=0 over_floor=0 shares=-0,0.9999999999999999'),
 ('v1 floor=0 deals=1 list=1 net=1 costed=1 net_costed=1 cost=0.5 over_floor=0 shares=0');
SELECT count(*) AS literals,
       count(*) FILTER (WHERE v::price_realization_state::text <> v) AS text_differs,
       count(*) FILTER (WHERE price_realization_state_send(v::price_realization_state::text::price_realization_state)
                              <> price_realization_state_send(v::price_realization_state)) AS bytes_differ
FROM pr_lit;
-- 8 bytes a deal
SELECT count(*) AS deals,
       octet_length(price_realization_state_send(price_realization_partial(list, net, cost, 0.25))) - 8 * count(*) AS bytes_besides_shares
FROM pr_deals WHERE rep = 3;
COPY (SELECT rep, region, st FROM pr_parts) TO :'qx_pr_states_file' (FORMAT binary);
CREATE TEMP TABLE pr_parts_copy (LIKE pr_parts);
COPY pr_parts_copy FROM :'qx_pr_states_file' (FORMAT binary);
SELECT count(*) AS states,
       count(*) FILTER (WHERE c.st::text IS DISTINCT FROM p.st::text
                          OR price_realization_state_send(c.st) IS DISTINCT FROM price_realization_state_send(p.st)) AS binary_bad
FROM pr_parts p FULL JOIN pr_parts_copy c USING (rep, region);
-- malformed text (22P02), with the reason
CREATE FUNCTION pg_temp.why(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; detail text;
BEGIN
    EXECUTE stmt;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, detail = PG_EXCEPTION_DETAIL;
    RETURN st || ': ' || detail;
END $$;
SELECT s, pg_temp.why(format('SELECT %L::price_realization_state', s)) AS refused
FROM (VALUES ('v2 floor=none deals=0 list=0 net=0 costed=0 net_costed=0 cost=0 over_floor=0 shares=none'),
             ('v1 floor=none deals=1 list=100 net=80 costed=0 net_costed=0 cost=0 over_floor=0'),
             ('v1 floor=none deals=2 list=100 net=80 costed=0 net_costed=0 cost=0 over_floor=0 shares=0.2'),
             ('v1 floor=none deals=1 list=100 net=80 costed=0 net_costed=0 cost=0 over_floor=0 shares=0.2,0.3'),
             ('v1 floor=none deals=-1 list=100 net=80 costed=0 net_costed=0 cost=0 over_floor=0 shares=0.2'),
             ('v1 floor=none deals=1 list=100 net=80 costed=0 net_costed=0 cost=0 over_floor=0 shares=1.5'),
             ('v1 floor=none deals=1 list=100 net=80 costed=0 net_costed=0 cost=0 over_floor=0 shares=NaN'),
             ('v1 floor=none deals=1 list=0 net=80 costed=0 net_costed=0 cost=0 over_floor=0 shares=0.2'),
             ('v1 floor=none deals=1 list=100 net=-80 costed=0 net_costed=0 cost=0 over_floor=0 shares=0.2'),
             ('v1 floor=none deals=1 list=100 net=80 costed=2 net_costed=0 cost=0 over_floor=0 shares=0.2'),
             ('v1 floor=none deals=1 list=100 net=80 costed=0 net_costed=0 cost=0 over_floor=1 shares=0.2'),
             ('v1 floor=1.5 deals=1 list=100 net=80 costed=0 net_costed=0 cost=0 over_floor=0 shares=0.2'),
             ('v1 floor=none deals=0 list=0 net=0 costed=0 net_costed=5 cost=0 over_floor=0 shares=none'),
             ('v1 floor=none deals=1 list=100 net=80 costed=0 net_costed=0 cost=0 over_floor=0 shares=0.2 extra=1'),
             ('')) v(s);
-- malformed binary (22P03), through COPY FORMAT binary into the state type.
-- Layout: version (byte 1), has_floor (2), floor (3-10), deals (11-18), list
-- and net (21 bytes each), costed, net_costed, cost, over_floor, shares from byte 119
CREATE TEMP TABLE pr_bad_target(st price_realization_state);
CREATE TEMP TABLE pr_bad_bin(what text, b bytea);
INSERT INTO pr_bad_bin
SELECT 'truncated', substr(b, 1, octet_length(b) - 3) FROM (SELECT price_realization_state_send(st) b FROM pr_parts WHERE rep = 1 AND region = 1) q
UNION ALL SELECT 'trailing byte', b || '\x00'::bytea FROM (SELECT price_realization_state_send(st) b FROM pr_parts WHERE rep = 1 AND region = 1) q
UNION ALL SELECT 'version 2', overlay(b placing '\x02'::bytea from 1) FROM (SELECT price_realization_state_send(st) b FROM pr_parts WHERE rep = 1 AND region = 1) q
UNION ALL SELECT 'has_floor 2', overlay(b placing '\x02'::bytea from 2) FROM (SELECT price_realization_state_send(st) b FROM pr_parts WHERE rep = 1 AND region = 1) q
UNION ALL SELECT 'floor NaN', overlay(b placing '\x7ff8000000000000'::bytea from 3) FROM (SELECT price_realization_state_send(st) b FROM pr_parts WHERE rep = 1 AND region = 1) q
UNION ALL SELECT 'deals huge', overlay(b placing '\x7fffffffffffffff'::bytea from 11) FROM (SELECT price_realization_state_send(st) b FROM pr_parts WHERE rep = 1 AND region = 1) q
UNION ALL SELECT 'deals one more', overlay(b placing int8send((SELECT (price_realization_merge(st)).deals + 1 FROM pr_parts WHERE rep = 1 AND region = 1)) from 11)
          FROM (SELECT price_realization_state_send(st) b FROM pr_parts WHERE rep = 1 AND region = 1) q
UNION ALL SELECT 'share NaN', overlay(b placing '\x7ff8000000000000'::bytea from 119) FROM (SELECT price_realization_state_send(st) b FROM pr_parts WHERE rep = 1 AND region = 1) q
UNION ALL SELECT 'share 2', overlay(b placing float8send(2) from 119) FROM (SELECT price_realization_state_send(st) b FROM pr_parts WHERE rep = 1 AND region = 1) q
UNION ALL SELECT 'empty', ''::bytea;
CREATE FUNCTION pg_temp.recv_pr(what text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT b FROM pr_bad_bin WHERE what = %L) TO %L (FORMAT binary)',
                   what, '/tmp/quota_ext_regress_pr_bad_' || pg_backend_pid() || '.bin');
    RETURN test_util.err(format('COPY pr_bad_target FROM %L (FORMAT binary)', '/tmp/quota_ext_regress_pr_bad_' || pg_backend_pid() || '.bin'));
END $$;
SELECT what, pg_temp.recv_pr(what) FROM pr_bad_bin ORDER BY what COLLATE "C";
-- the unmodified bytes are accepted (the test above can fail)
INSERT INTO pr_bad_bin SELECT 'good', price_realization_state_send(st) FROM pr_parts WHERE rep = 1 AND region = 1;
SELECT pg_temp.recv_pr('good') AS good_bytes;

DROP VIEW pr_ext;
DROP TABLE pr_parts;
DROP TABLE pr_deals;
SELECT test_util.remove_backend_files() AS files_left;
