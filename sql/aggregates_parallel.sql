-- The customer aggregates at scale (SPEC §7): parallel plans, the
-- X_partial / X_merge pairs, text and binary round trips of the state
-- types, malformed states, and states built with different parameters.
-- files of this backend only: suites run side by side (scripts/test.sh)
SELECT '/tmp/quota_ext_regress_states_' || pg_backend_pid() || '.bin' AS qx_states_file \gset
SET extra_float_digits = 0;

-- A regular table (parallel workers cannot read temporary tables)
SELECT setseed(0.7);
CREATE TABLE agg_par AS
SELECT 1 + (random() * 299)::int AS customer,
       CASE WHEN random() < 0.02 THEN NULL ELSE DATE '2024-03-31' + 10 - (random() * 400)::int END AS ts,
       CASE WHEN random() < 0.02 THEN NULL ELSE round((random() * 200 - 10)::numeric, (random() * 3)::int) END AS amount
FROM generate_series(1, 30000);
INSERT INTO agg_par VALUES (1000, '2024-06-01', 5), (1000, NULL, 1);  -- only ignored rows
ANALYZE agg_par;

-- Serial answers
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS
SELECT customer,
       rfm_summary(ts, amount, DATE '2024-03-31')::text AS rs,
       rfm_kinetic(ts, amount, DATE '2024-03-31', '2 months', 0.25)::text AS kn,
       btyd_summary(ts, amount, DATE '2024-03-31', '7 days')::text AS bt
FROM agg_par GROUP BY customer;
CREATE TEMP TABLE serial_total AS
SELECT rfm_summary(ts, amount, DATE '2024-03-31')::text AS rs,
       rfm_kinetic(ts, amount, DATE '2024-03-31')::text AS kn,
       btyd_summary(ts, amount, DATE '2024-03-31')::text AS bt
FROM agg_par;

-- Forced parallel plans: Partial Aggregate under Gather, Finalize above
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
SELECT customer, rfm_summary(ts, amount, DATE '2024-03-31'),
       rfm_kinetic(ts, amount, DATE '2024-03-31', '2 months', 0.25),
       btyd_summary(ts, amount, DATE '2024-03-31', '7 days')
FROM agg_par GROUP BY customer;
SELECT count(*) AS customers,
       count(*) FILTER (WHERE p.rs IS DISTINCT FROM s.rs) AS rs_mismatches,
       count(*) FILTER (WHERE p.kn IS DISTINCT FROM s.kn) AS kn_mismatches,
       count(*) FILTER (WHERE p.bt IS DISTINCT FROM s.bt) AS bt_mismatches
FROM (SELECT customer,
             rfm_summary(ts, amount, DATE '2024-03-31')::text AS rs,
             rfm_kinetic(ts, amount, DATE '2024-03-31', '2 months', 0.25)::text AS kn,
             btyd_summary(ts, amount, DATE '2024-03-31', '7 days')::text AS bt
      FROM agg_par GROUP BY customer) p
FULL JOIN serial s USING (customer);
RESET enable_hashagg;

-- whole-table aggregates: each worker's state is combined
EXPLAIN (COSTS OFF)
SELECT rfm_summary(ts, amount, DATE '2024-03-31'), rfm_kinetic(ts, amount, DATE '2024-03-31'),
       btyd_summary(ts, amount, DATE '2024-03-31')
FROM agg_par;
SELECT p.rs = s.rs AS rs_equal, p.kn = s.kn AS kn_equal, p.bt = s.bt AS bt_equal
FROM (SELECT rfm_summary(ts, amount, DATE '2024-03-31')::text AS rs,
             rfm_kinetic(ts, amount, DATE '2024-03-31')::text AS kn,
             btyd_summary(ts, amount, DATE '2024-03-31')::text AS bt
      FROM agg_par) p, serial_total s;
-- a filter that leaves some workers without rows: NULL partial states are
-- combined (rows of customer 7 only; then no row at all)
SELECT p.rs = s.rs AS rs_equal, p.kn = s.kn AS kn_equal, p.bt = s.bt AS bt_equal
FROM (SELECT rfm_summary(ts, amount, DATE '2024-03-31')::text AS rs,
             rfm_kinetic(ts, amount, DATE '2024-03-31', '2 months', 0.25)::text AS kn,
             btyd_summary(ts, amount, DATE '2024-03-31', '7 days')::text AS bt
      FROM agg_par WHERE customer = 7) p, serial s WHERE s.customer = 7;
SELECT rfm_summary(ts, amount, DATE '2024-03-31') IS NULL AS rs_null,
       rfm_kinetic(ts, amount, DATE '2024-03-31') IS NULL AS kn_null,
       btyd_summary(ts, amount, DATE '2024-03-31') IS NULL AS bt_null
FROM agg_par WHERE customer = -1;
-- the partial aggregates run in parallel too
EXPLAIN (COSTS OFF)
SELECT rfm_kinetic_partial(ts, amount, DATE '2024-03-31') FROM agg_par;
SELECT rfm_kinetic_merge(st)::text = (SELECT kn FROM serial_total) AS partial_parallel_equal
FROM (SELECT rfm_kinetic_partial(ts, amount, DATE '2024-03-31') AS st FROM agg_par) q;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;

-- X_merge(X_partial(...)) over a split of the rows (by customer and row
-- parity, with the states sent through text) equals X(...)
CREATE TEMP TABLE parts AS
SELECT customer, part,
       rfm_summary_partial(ts, amount, DATE '2024-03-31') AS rs,
       rfm_kinetic_partial(ts, amount, DATE '2024-03-31', '2 months', 0.25) AS kn,
       btyd_summary_partial(ts, amount, DATE '2024-03-31', '7 days') AS bt
FROM (SELECT *, row_number() OVER () % 3 AS part FROM agg_par) q
GROUP BY customer, part;
SELECT count(*) AS customers,
       count(*) FILTER (WHERE m.rs IS DISTINCT FROM s.rs) AS rs_mismatches,
       count(*) FILTER (WHERE m.kn IS DISTINCT FROM s.kn) AS kn_mismatches,
       count(*) FILTER (WHERE m.bt IS DISTINCT FROM s.bt) AS bt_mismatches
FROM (SELECT customer,
             rfm_summary_merge(rs::text::rfm_summary_state)::text AS rs,
             rfm_kinetic_merge(kn::text::rfm_kinetic_state)::text AS kn,
             btyd_summary_merge(bt::text::btyd_summary_state)::text AS bt
      FROM parts GROUP BY customer) m
FULL JOIN serial s USING (customer);
-- merging the merged: states of states (partial of everything = merge of parts)
SELECT count(*) FILTER (WHERE a::text IS DISTINCT FROM b::text) AS two_level_mismatches
FROM (SELECT customer, rfm_kinetic_merge(kn) AS a FROM parts GROUP BY customer) x
JOIN (SELECT customer, rfm_kinetic(ts, amount, DATE '2024-03-31', '2 months', 0.25) AS b
      FROM agg_par GROUP BY customer) y USING (customer);
-- NULL states are skipped; only NULL states, or no state: NULL
SELECT rfm_summary_merge(st)::text AS with_null
FROM (VALUES (NULL::rfm_summary_state), ('v1 as_of=2024-03-31 orders=1 first=2024-01-01 last=2024-01-01 monetary=5.50')) v(st);
SELECT rfm_summary_merge(NULL::rfm_summary_state) IS NULL AS only_null,
       rfm_kinetic_merge(NULL::rfm_kinetic_state) IS NULL AS only_null_kn,
       btyd_summary_merge(NULL::btyd_summary_state) IS NULL AS only_null_bt;
SELECT rfm_summary_merge(rs) IS NULL AS no_state FROM parts WHERE false;
-- a state of ignored rows only keeps its parameters and merges to NULL
SELECT rs::text, rfm_summary_merge(rs) OVER () IS NULL AS merges_to_null
FROM parts WHERE customer = 1000;

-- Text round trips are exact
SELECT count(*) AS states,
       count(*) FILTER (WHERE rs::text::rfm_summary_state::text <> rs::text) AS rs_text,
       count(*) FILTER (WHERE kn::text::rfm_kinetic_state::text <> kn::text) AS kn_text,
       count(*) FILTER (WHERE bt::text::btyd_summary_state::text <> bt::text) AS bt_text
FROM parts;
-- the text forms, checked by hand: orders 2, 5.50 + 1 = 6.50, windows of 90 days
SELECT rfm_summary_partial(ts, a, DATE '2024-03-31'),
       rfm_kinetic_partial(ts, a, DATE '2024-03-31'),
       btyd_summary_partial(ts, a, DATE '2024-03-31')
FROM (VALUES (DATE '2024-01-01', 5.50), ('2024-03-30', 1)) v(ts, a);
-- they do not depend on DateStyle
SET DateStyle = 'German, DMY';
SELECT 'v1 as_of=2024-03-31 orders=1 first=2024-01-01 last=2024-01-01 monetary=5.50'::rfm_summary_state;
RESET DateStyle;
-- money beyond int128 round trips too
SELECT rfm_summary_partial(ts, a, DATE '2024-03-31')::text::rfm_summary_state::text
FROM (VALUES (DATE '2024-01-01', 9e37), ('2024-01-02', 9e37), ('2024-01-03', 0.5)) v(ts, a);

-- Binary round trips through COPY ... (FORMAT binary) are exact
COPY (SELECT customer, part, rs, kn, bt FROM parts) TO :'qx_states_file' (FORMAT binary);
CREATE TEMP TABLE parts_copy (LIKE parts);
COPY parts_copy FROM :'qx_states_file' (FORMAT binary);
SELECT count(*) AS states,
       count(*) FILTER (WHERE c.rs::text IS DISTINCT FROM p.rs::text
                          OR rfm_summary_state_send(c.rs) IS DISTINCT FROM rfm_summary_state_send(p.rs)) AS rs_binary,
       count(*) FILTER (WHERE c.kn::text IS DISTINCT FROM p.kn::text
                          OR rfm_kinetic_state_send(c.kn) IS DISTINCT FROM rfm_kinetic_state_send(p.kn)) AS kn_binary,
       count(*) FILTER (WHERE c.bt::text IS DISTINCT FROM p.bt::text
                          OR btyd_summary_state_send(c.bt) IS DISTINCT FROM btyd_summary_state_send(p.bt)) AS bt_binary
FROM parts p FULL JOIN parts_copy c USING (customer, part);
-- the version byte comes first
SELECT substr(rfm_summary_state_send(rs), 1, 1) AS rs_version,
       substr(rfm_kinetic_state_send(kn), 1, 1) AS kn_version,
       substr(btyd_summary_state_send(bt), 1, 1) AS bt_version
FROM parts LIMIT 1;

-- Malformed binary values are rejected by receive (22P03): a bytea with
-- the bytes is written by COPY and read back as the state type
CREATE TEMP TABLE bad_target(st rfm_summary_state);
CREATE TEMP TABLE bad_target_kn(st rfm_kinetic_state);
CREATE TEMP TABLE bad_target_bt(st btyd_summary_state);
CREATE TEMP TABLE bad_bin(what text, b bytea);
INSERT INTO bad_bin
SELECT 'truncated', substr(rfm_summary_state_send(rs), 1, 10) FROM parts WHERE customer = 1 AND part = 0
UNION ALL SELECT 'trailing byte', rfm_summary_state_send(rs) || '\x00'::bytea FROM parts WHERE customer = 1 AND part = 0
UNION ALL SELECT 'version 2', overlay(rfm_summary_state_send(rs) placing '\x02'::bytea from 1) FROM parts WHERE customer = 1 AND part = 0
UNION ALL SELECT 'negative orders', overlay(rfm_summary_state_send(rs) placing '\xffffffffffffffff'::bytea from 6) FROM parts WHERE customer = 1 AND part = 0
UNION ALL SELECT 'empty', ''::bytea;
CREATE FUNCTION pg_temp.recv_rs(what text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT b FROM bad_bin WHERE what = %L) TO %L (FORMAT binary)',
                   what, '/tmp/quota_ext_regress_bad_' || pg_backend_pid() || '.bin');
    RETURN test_util.err(format('COPY bad_target FROM %L (FORMAT binary)', '/tmp/quota_ext_regress_bad_' || pg_backend_pid() || '.bin'));
END $$;
SELECT what, pg_temp.recv_rs(what) FROM bad_bin ORDER BY what COLLATE "C";
CREATE TEMP TABLE bad_bin_kn(what text, b bytea);
INSERT INTO bad_bin_kn
SELECT 'truncated', substr(rfm_kinetic_state_send(kn), 1, 40) FROM parts WHERE customer = 1 AND part = 0
UNION ALL SELECT 'bad threshold', overlay(rfm_kinetic_state_send(kn) placing '\x7ff8000000000000'::bytea from 22) FROM parts WHERE customer = 1 AND part = 0;
CREATE FUNCTION pg_temp.recv_kn(what text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT b FROM bad_bin_kn WHERE what = %L) TO %L (FORMAT binary)',
                   what, '/tmp/quota_ext_regress_bad_' || pg_backend_pid() || '.bin');
    RETURN test_util.err(format('COPY bad_target_kn FROM %L (FORMAT binary)', '/tmp/quota_ext_regress_bad_' || pg_backend_pid() || '.bin'));
END $$;
SELECT what, pg_temp.recv_kn(what) FROM bad_bin_kn ORDER BY what COLLATE "C";
CREATE TEMP TABLE bad_bin_bt(what text, b bytea);
-- btyd binary: version (1 byte), as_of, unit, number of days (bytes 10-13),
-- two money values (21 bytes each when int128), days from byte 56
INSERT INTO bad_bin_bt
SELECT 'huge day count', overlay(btyd_summary_state_send(bt) placing '\x7fffffff'::bytea from 10) FROM parts WHERE customer = 1 AND part = 0
UNION ALL SELECT 'days swapped', substr(b, 1, 67) || substr(b, 72, 4) || substr(b, 68, 4) || substr(b, 76)
          FROM (SELECT btyd_summary_state_send(bt) AS b FROM parts WHERE customer = 1 AND part = 0) q
UNION ALL SELECT 'day repeated', substr(b, 1, 67) || substr(b, 68, 4) || substr(b, 68, 4) || substr(b, 76)
          FROM (SELECT btyd_summary_state_send(bt) AS b FROM parts WHERE customer = 1 AND part = 0) q;
CREATE FUNCTION pg_temp.recv_bt(what text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT b FROM bad_bin_bt WHERE what = %L) TO %L (FORMAT binary)',
                   what, '/tmp/quota_ext_regress_bad_' || pg_backend_pid() || '.bin');
    RETURN test_util.err(format('COPY bad_target_bt FROM %L (FORMAT binary)', '/tmp/quota_ext_regress_bad_' || pg_backend_pid() || '.bin'));
END $$;
SELECT what, pg_temp.recv_bt(what) FROM bad_bin_bt ORDER BY what COLLATE "C";
SELECT count(*) AS nothing_loaded FROM (SELECT 1 FROM bad_target UNION ALL SELECT 1 FROM bad_target_kn UNION ALL SELECT 1 FROM bad_target_bt) q;

-- Malformed text values are rejected (22P02), the detail says why
CREATE FUNCTION pg_temp.errd(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; detail text;
BEGIN
    EXECUTE stmt;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, detail = PG_EXCEPTION_DETAIL;
    RETURN st || ': ' || detail;
END $$;
SELECT v, pg_temp.errd(format('SELECT %L::rfm_summary_state', v)) AS error FROM (VALUES
 (''),
 ('v1'),
 ('v2 as_of=2024-03-31 orders=1 first=2024-01-01 last=2024-01-01 monetary=5'),
 ('v1 as_of=2024-03-31 orders=1 first=2024-01-01 last=2024-01-01'),
 ('v1 as_of=2024-03-31 orders=1 first=2024-01-01 last=2024-01-01 monetary=5 x=1'),
 ('v1 as_of=2024-03-31 orders=1 first=2024-01-01 last=2024-01-01 monetary=5 '),
 ('v1 as_of=2024-03-31 orders=2 first=2024-02-01 last=2024-01-01 monetary=5'),
 ('v1 as_of=2024-03-31 orders=-1 first=2024-01-01 last=2024-01-01 monetary=5'),
 ('v1 as_of=2024-03-31 orders=1 first=2024-01-01 last=2024-04-01 monetary=5'),
 ('v1 as_of=2024-03-31 orders=0 first=none last=none monetary=5'),
 ('v1 as_of=2024-03-31 orders=1 first=2024-02-30 last=2024-03-01 monetary=5'),
 ('v1 as_of=2024-03-31 orders=1 first=2024-01-01 last=2024-01-01 monetary=NaN'),
 ('v1 as_of=2024-03-31 orders=1 first=2024-01-01 last=2024-01-01 monetary=1e5'),
 ('v1 as_of=31.03.2024 orders=1 first=2024-01-01 last=2024-01-01 monetary=5'),
 ('v1 as_of=2024-03-31 orders=1x first=2024-01-01 last=2024-01-01 monetary=5')) t(v);
SELECT v, pg_temp.errd(format('SELECT %L::rfm_kinetic_state', v)) AS error FROM (VALUES
 ('v1 as_of=2024-03-31 window_months=0 window_days=90 window_usecs=0 threshold=0.2 orders=1 first=2024-03-01 last=2024-03-01 monetary=5 orders_recent=1 revenue_recent=5 orders_prior=0 revenue_prior=0'),
 ('v1 as_of=2024-03-31 window_months=0 window_days=90 window_usecs=0 threshold=1.5 orders=1 first=2024-03-01 last=2024-03-01 monetary=5 orders_recent=1 revenue_recent=5 orders_prior=0 revenue_prior=0'),
 ('v1 as_of=2024-03-31 window_months=0 window_days=-90 window_usecs=0 threshold=0.2 orders=1 first=2024-03-01 last=2024-03-01 monetary=5 orders_recent=1 revenue_recent=5 orders_prior=0 revenue_prior=0'),
 ('v1 as_of=2024-03-31 window_months=0 window_days=90 window_usecs=0 threshold=0.2 orders=1 first=2024-03-01 last=2024-03-01 monetary=5 orders_recent=2 revenue_recent=5 orders_prior=0 revenue_prior=0'),
 ('v1 as_of=2024-03-31 window_months=0 window_days=90 window_usecs=0 threshold=0.2 orders=1 first=2024-03-01 last=2024-03-01 monetary=5 orders_recent=0 revenue_recent=0 orders_prior=1 revenue_prior=5'),
 ('v1 as_of=2024-03-31 window_months=0 window_days=90 window_usecs=0 threshold=0.2 orders=1 first=2024-03-01 last=2024-03-01 monetary=5 orders_recent=1 revenue_recent=5 orders_prior=0 revenue_prior=0 extra'),
 ('v1 as_of=2024-03-31 window_months=0 window_days=90 window_usecs=0 threshold=0.2 orders=1 first=2024-03-01')) t(v);
SELECT v, pg_temp.errd(format('SELECT %L::btyd_summary_state', v)) AS error FROM (VALUES
 ('v1 as_of=2024-03-31 time_unit_days=1 first_day_sum=5 repeat_sum=7 days=2024-01-01,2024-02-01'),
 ('v1 as_of=2024-03-31 time_unit_days=1 first_day_sum=5 repeat_sum=7 days=2024-02-01,2024-01-01'),
 ('v1 as_of=2024-03-31 time_unit_days=1 first_day_sum=5 repeat_sum=7 days=2024-01-01,2024-01-01'),
-- past the 8 days the parser first makes room for: still checked as written, not sorted
 ('v1 as_of=2024-03-31 time_unit_days=1 first_day_sum=5 repeat_sum=7 days=2024-01-09,2024-01-08,2024-01-07,2024-01-06,2024-01-05,2024-01-04,2024-01-03,2024-01-02,2024-01-01'),
 ('v1 as_of=2024-03-31 time_unit_days=1 first_day_sum=5 repeat_sum=7 days=2024-01-01,2024-01-02,2024-01-03,2024-01-04,2024-01-05,2024-01-06,2024-01-07,2024-01-08,2024-01-09,2024-01-10,2024-01-11,2024-01-12,2024-01-05,2024-01-14,2024-01-15,2024-01-16,2024-01-17'),
 ('v1 as_of=2024-03-31 time_unit_days=1 first_day_sum=5 repeat_sum=7 days=2024-01-01,2024-04-01'),
 ('v1 as_of=2024-03-31 time_unit_days=1 first_day_sum=5 repeat_sum=7 days=2024-01-01,'),
 ('v1 as_of=2024-03-31 time_unit_days=1 first_day_sum=5 repeat_sum=7 days=2024-01-01'),
 ('v1 as_of=2024-03-31 time_unit_days=0 first_day_sum=5 repeat_sum=0 days=2024-01-01'),
 ('v1 as_of=2024-03-31 time_unit_days=1 first_day_sum=5 repeat_sum=0 days=none'),
 ('v1 as_of=2024-03-31 time_unit_days=1 first_day_sum=0 repeat_sum=0 days=none'),
 ('v1 as_of=2024-03-31 time_unit_days=1 first_day_sum=5 repeat_sum=7 days=')) t(v);

-- the full message of one of them
SELECT test_util.err($$SELECT 'v1 as_of=2024-03-31 orders=2 first=2024-02-01 last=2024-01-01 monetary=5'::rfm_summary_state$$) AS first_after_last;

-- States built with different parameters are never mixed; the message names
-- the two values in one order, whichever state arrives first.
SELECT test_util.err($$SELECT rfm_summary_merge(st) FROM (VALUES
  ('v1 as_of=2024-03-31 orders=1 first=2024-01-01 last=2024-01-01 monetary=5'::rfm_summary_state),
  ('v1 as_of=2024-03-30 orders=1 first=2024-01-01 last=2024-01-01 monetary=5')) v(st)$$) AS rs_as_of;
SELECT test_util.err($$SELECT rfm_summary_merge(st) FROM (VALUES
  ('v1 as_of=2024-03-31 orders=1 first=2024-01-01 last=2024-01-01 monetary=5'::rfm_summary_state),
  ('v1 as_of=2024-03-30 orders=0 first=none last=none monetary=0')) v(st)$$) AS rs_as_of_empty;
SELECT test_util.err($$SELECT rfm_kinetic_merge(st) FROM (
  SELECT rfm_kinetic_partial(ts, amount, DATE '2024-03-31', '90 days') st FROM agg_par WHERE customer = 1
  UNION ALL SELECT rfm_kinetic_partial(ts, amount, DATE '2024-03-31', '3 months') FROM agg_par WHERE customer = 1) q$$) AS kn_window;
SELECT test_util.err($$SELECT rfm_kinetic_merge(st) FROM (
  SELECT rfm_kinetic_partial(ts, amount, DATE '2024-03-31', '90 days', 0.2) st FROM agg_par WHERE customer = 1
  UNION ALL SELECT rfm_kinetic_partial(ts, amount, DATE '2024-03-31', '90 days', 0.3) FROM agg_par WHERE customer = 1) q$$) AS kn_threshold;
SELECT test_util.err($$SELECT rfm_kinetic_merge(st) FROM (
  SELECT rfm_kinetic_partial(ts, amount, DATE '2024-03-31') st FROM agg_par WHERE customer = 1
  UNION ALL SELECT rfm_kinetic_partial(ts, amount, DATE '2024-02-29') FROM agg_par WHERE customer = 1) q$$) AS kn_as_of;
SELECT test_util.err($$SELECT btyd_summary_merge(st) FROM (
  SELECT btyd_summary_partial(ts, amount, DATE '2024-03-31') st FROM agg_par WHERE customer = 1
  UNION ALL SELECT btyd_summary_partial(ts, amount, DATE '2024-03-31', '7 days') FROM agg_par WHERE customer = 1) q$$) AS bt_unit;
SELECT test_util.err($$SELECT btyd_summary_merge(st) FROM (
  SELECT btyd_summary_partial(ts, amount, DATE '2024-03-31') st FROM agg_par WHERE customer = 1
  UNION ALL SELECT btyd_summary_partial(ts, amount, DATE '2024-03-01') FROM agg_par WHERE customer = 1) q$$) AS bt_as_of;

DROP TABLE agg_par;
SELECT test_util.remove_backend_files() AS files_left;
