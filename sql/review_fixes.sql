-- review_fixes: the smaller findings of the second hostile review (issue 19,
-- item 11) and the btyd_holdout_partial / btyd_holdout_merge pair (SPEC §7).
-- files of this backend only: suites run side by side (scripts/test.sh)
SELECT '/tmp/quota_ext_regress_bh_' || pg_backend_pid() || '.bin' AS qx_bh_file \gset
SET extra_float_digits = 0;

-- A message, its detail and its hint, each measured: every one must stay
-- under 300 characters (SPEC §0)
CREATE FUNCTION pg_temp.msg_lengths(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text; hint text;
BEGIN
    EXECUTE stmt;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                            hint = PG_EXCEPTION_HINT;
    RETURN st || CASE WHEN length(msg) < 300 AND length(coalesce(det, '')) < 300
                           AND length(coalesce(hint, '')) < 300 THEN ' short' ELSE ' LONG ' || length(msg) END;
END $$;

-- 1. state-input errors quote the input cut short: a 10,000-character bad
-- state for every base type of the extension (found in the catalog, so a
-- new state type is covered too), bad from its first character, bad in a
-- long field or list, or in one long item (which the detail quotes)
SELECT t.typname,
       pg_temp.msg_lengths(format('SELECT %L::%I', repeat('x', 10000), t.typname)) AS garbage,
       pg_temp.msg_lengths(format('SELECT %L::%I', 'v1 ' || repeat('9', 10000), t.typname)) AS long_field,
       pg_temp.msg_lengths(format('SELECT %L::%I', '1:(' || repeat('1,', 5000), t.typname)) AS long_list,
       pg_temp.msg_lengths(format('SELECT %L::%I', 'v1 deals=1 scale=0 target=none expected=0 coarse=0 open='
                                  || repeat('7', 10000), t.typname)) AS long_item
FROM pg_type t JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'quota_ext'
WHERE t.typtype = 'b' AND t.typcategory <> 'A' ORDER BY t.typname;
-- and the state types are all there (a new one shows up here)
SELECT string_agg(t.typname, ', ' ORDER BY t.typname) AS state_types
FROM pg_type t JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'quota_ext'
WHERE t.typtype = 'b' AND t.typcategory <> 'A';

-- 2. ramped_quota's ramp-element message: an element of 9,000 digits above 1
SELECT pg_temp.msg_lengths($$SELECT ramped_quota(90000, '2026-08-03', '2026-07-01', '2026-09-30',
       ARRAY[0.5, ('1.' || repeat('0', 9000) || '1')::numeric])$$) AS ramp_above_one,
       pg_temp.msg_lengths($$SELECT ramped_quota(90000, '2026-08-03', '2026-07-01', '2026-09-30',
       ARRAY[('-0.' || repeat('0', 9000) || '1')::numeric])$$) AS ramp_negative;
SELECT test_util.err($$SELECT ramped_quota(90000, '2026-08-03', '2026-07-01', '2026-09-30',
       ARRAY[0.5, ('1.' || repeat('0', 9000) || '1')::numeric])$$) AS ramp_message;

-- 3. customer_value names an argument it has: a period_length so long that
-- max(1, r + frequency) * periods * period_length / (alpha + t) passes 1e250
-- (r 0.243, alpha 4.414: the CDNOW fit; 3 * 12 * 1e300 / 43.3 = 8e299)
SELECT test_util.err($$SELECT customer_value(ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL)::bgnbd_model,
       ROW(6.25, 3.74, 15.44, NULL, NULL, NULL)::gammagamma_model, 2, 30.43, 38.86, 22.345, 12, 1e300, 0)$$)
       AS long_period;
SELECT test_util.err($$SELECT customer_value(ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL)::bgnbd_model,
       ROW(6.25, 3.74, 15.44, NULL, NULL, NULL)::gammagamma_model, 2, 30.43, 38.86, 22.345, 12, 1e300, 0)$$)
       !~ 'horizon' AS no_horizon_blamed;

-- 4. pipeline_forecast_state text whose expected contradicts its deals is
-- refused; by hand: 100.5 * 0.3 + 20.0 * 0.7 = 30.15 + 14.00 = 44.15
SELECT 'v1 deals=3 scale=1 target=100 expected=44.15 coarse=0 open=100.5@0.3,20.0@0.7'::pipeline_forecast_state
       AS consistent;
CREATE FUNCTION pg_temp.detail(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; det text;
BEGIN
    EXECUTE stmt;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, det = PG_EXCEPTION_DETAIL;
    RETURN st || ': ' || det;
END $$;
SELECT v AS state, pg_temp.detail(format('SELECT %L::pipeline_forecast_state', v)) AS error FROM (VALUES
  ('v1 deals=3 scale=1 target=100 expected=44.16 coarse=0 open=100.5@0.3,20.0@0.7'),
  ('v1 deals=1 scale=0 target=none expected=0 coarse=0 open=5@1'),
  ('v1 deals=1 scale=0 target=none expected=7 coarse=1 open=5@1')) t(v);
-- what the aggregate writes, the input reads (exact and coarse states)
SELECT s::text::pipeline_forecast_state::text = s::text AS round_trip
FROM (SELECT pipeline_forecast_partial(a, p, 100) s
      FROM (VALUES (100.5, 0.3::float8), (20, 0.7), (5, 0), (0.333, 0.1)) v(a, p)) z
UNION ALL
SELECT s::text::pipeline_forecast_state::text = s::text
FROM (SELECT pipeline_forecast_partial(a, p) s
      FROM (VALUES (1e15, 0.3::float8), (0.000000000000000001, 0.7)) v(a, p)) z;

-- 5. gammagamma_fit when a customer's monetary * frequency overflows float8:
-- a correct fit, not the start values.  The model is equivariant in the unit
-- of spend (spends times c give the same p and q, gamma times c and
-- ln L - W ln c), so the fit of the same customers with every spend times
-- 1e301 -- where the customer of 1,000,000 purchases at 50e301 has
-- monetary * frequency 5e309 -- must be the fit in the plain unit, rescaled
CREATE TEMP TABLE gg_cust AS
SELECT (g % 7) + 1 AS x, (10 + (g * 37) % 90)::numeric AS m FROM generate_series(1, 300) g
UNION ALL SELECT 1000000, 50;
SELECT count(*) FILTER (WHERE m * 1e301 * x > 1.7976931348623157e308) AS overflowing FROM gg_cust;
SELECT b.converged AS converged, abs(b.p / a.p - 1) < 1e-6 AS p_same, abs(b.q / a.q - 1) < 1e-6 AS q_same,
       abs(b.gamma / (a.gamma * 1e301) - 1) < 1e-6 AS gamma_scaled,
       abs(b.log_likelihood - (a.log_likelihood - 301 * ln(1e301::numeric)::float8)) < 1e-6 * abs(b.log_likelihood) AS ll_shifted,
       b.p <> 1 AND b.q <> 1 AS not_start
FROM (SELECT (gammagamma_fit(x, m)).* FROM gg_cust) a, (SELECT (gammagamma_fit(x, m * 1e301)).* FROM gg_cust) b;
-- and every spend tiny (1e-300): the same p and q
SELECT abs(b.p / a.p - 1) < 1e-6 AS p_same, abs(b.q / a.q - 1) < 1e-6 AS q_same,
       abs(b.gamma / (a.gamma * 1e-300) - 1) < 1e-6 AS gamma_scaled, b.converged
FROM (SELECT (gammagamma_fit(x, m)).* FROM gg_cust) a, (SELECT (gammagamma_fit(x, m * 1e-300)).* FROM gg_cust) b;
-- spends too far apart for one fit, and a gamma beyond float8: errors, not a fit
SELECT test_util.err($$SELECT gammagamma_fit(x, m) FROM (VALUES (2000000000, 1e300), (1, 1e-300)) v(x, m)$$) AS too_wide;
SELECT test_util.err($$SELECT gammagamma_fit(x, m * 1e305) FROM gg_cust$$) AS gamma_overflow;

-- 6. btyd_holdout_partial / btyd_holdout_merge (SPEC §7).  Orders of 40
-- customers; calibration to 2026-03-31, holdout to 2026-06-30
CREATE TABLE bh_orders AS
SELECT g % 40 AS customer, DATE '2026-01-01' + ((g * 7919) % 200) AS ts,
       round(((g * 31) % 97 + 0.5)::numeric, (g % 3)) AS amount
FROM generate_series(1, 4000) g;
INSERT INTO bh_orders VALUES (99, '2026-05-01', 5), (98, NULL, 1), (98, '2026-02-01', NULL);
ANALYZE bh_orders;
CREATE TEMP TABLE bh_serial AS
SELECT customer, btyd_holdout(ts, amount, DATE '2026-03-31', DATE '2026-06-30')::text AS h,
       btyd_holdout(ts, amount, DATE '2026-03-31', DATE '2026-06-30', '7 days')::text AS w
FROM bh_orders GROUP BY customer;
-- merge of partial states over a split of the rows (through text) = one pass
CREATE TEMP TABLE bh_parts AS
SELECT customer, part,
       btyd_holdout_partial(ts, amount, DATE '2026-03-31', DATE '2026-06-30') AS h,
       btyd_holdout_partial(ts, amount, DATE '2026-03-31', DATE '2026-06-30', '7 days') AS w
FROM (SELECT *, row_number() OVER () % 3 AS part FROM bh_orders) q GROUP BY customer, part;
SELECT count(*) AS customers,
       count(*) FILTER (WHERE m.h IS DISTINCT FROM s.h) AS h_mismatches,
       count(*) FILTER (WHERE m.w IS DISTINCT FROM s.w) AS w_mismatches
FROM (SELECT customer, btyd_holdout_merge(h::text::btyd_holdout_state)::text AS h,
             btyd_holdout_merge(w)::text AS w
      FROM bh_parts GROUP BY customer) m
FULL JOIN bh_serial s USING (customer);
-- a customer with only holdout purchases, or only skipped rows: NULL, as btyd_holdout
SELECT customer, h FROM bh_serial WHERE customer IN (98, 99) ORDER BY customer;
-- the text form, by hand: one calibration day (10.50), one holdout day of two orders (3 + 4)
SELECT btyd_holdout_partial(ts, a, DATE '2026-03-31', DATE '2026-06-30')
FROM (VALUES (DATE '2026-02-01', 10.50), ('2026-04-02', 3), ('2026-04-02', 4), ('2026-07-01', 100)) v(ts, a);
SELECT btyd_holdout_merge(s) AS merged
FROM (VALUES ('v1 calibration{v1 as_of=2026-03-31 time_unit_days=1 first_day_sum=10.50 repeat_sum=0 days=2026-02-01} holdout{v1 as_of=2026-06-30 time_unit_days=1 first_day_sum=7 repeat_sum=0 days=2026-04-02}'::btyd_holdout_state),
             (NULL)) v(s);
-- NULL states are skipped; only NULL states or none: NULL
SELECT btyd_holdout_merge(NULL::btyd_holdout_state) IS NULL AS only_null,
       (SELECT btyd_holdout_merge(h) FROM bh_parts WHERE false) IS NULL AS no_state;
-- text round trips are exact; binary round trips through COPY are exact
SELECT count(*) AS states,
       count(*) FILTER (WHERE h::text::btyd_holdout_state::text <> h::text
                          OR btyd_holdout_state_send(h::text::btyd_holdout_state) <> btyd_holdout_state_send(h)) AS text_diff
FROM bh_parts;
COPY (SELECT customer, part, h, w FROM bh_parts) TO :'qx_bh_file' (FORMAT binary);
CREATE TEMP TABLE bh_copy (LIKE bh_parts);
COPY bh_copy FROM :'qx_bh_file' (FORMAT binary);
SELECT count(*) AS states,
       count(*) FILTER (WHERE btyd_holdout_state_send(c.h) IS DISTINCT FROM btyd_holdout_state_send(p.h)
                          OR btyd_holdout_state_send(c.w) IS DISTINCT FROM btyd_holdout_state_send(p.w)) AS binary_diff
FROM bh_parts p FULL JOIN bh_copy c USING (customer, part);
-- malformed text is refused (22P02), each with a short message
SELECT v AS input, test_util.err(format('SELECT %L::btyd_holdout_state', v)) AS error FROM (VALUES
  ('v2 calibration{} holdout{}'),
  ('v1 calibration{v1 as_of=2026-03-31 time_unit_days=1 first_day_sum=0 repeat_sum=0 days=none}'),
  ('v1 calibration{v1 as_of=2026-03-31 time_unit_days=1 first_day_sum=0 repeat_sum=0 days=none} holdout{v1 as_of=2026-06-30 time_unit_days=7 first_day_sum=0 repeat_sum=0 days=none}'),
  ('v1 calibration{v1 as_of=2026-03-31 time_unit_days=1 first_day_sum=0 repeat_sum=0 days=none} holdout{v1 as_of=2026-03-30 time_unit_days=1 first_day_sum=0 repeat_sum=0 days=none}'),
  ('v1 calibration{v1 as_of=2026-03-31 time_unit_days=1 first_day_sum=0 repeat_sum=0 days=none} holdout{v1 as_of=2026-06-30 time_unit_days=1 first_day_sum=1 repeat_sum=0 days=2026-03-31}'),
  ('v1 calibration{v1 as_of=2026-03-31 time_unit_days=1 first_day_sum=1 repeat_sum=0 days=2026-04-01} holdout{v1 as_of=2026-06-30 time_unit_days=1 first_day_sum=0 repeat_sum=0 days=none}'),
  ('v1 calibration{v1 as_of=2026-03-31 time_unit_days=1 first_day_sum=0 repeat_sum=0 days=none} holdout{v1 as_of=2026-06-30 time_unit_days=1 first_day_sum=0 repeat_sum=0 days=none}}'),
  ('v1 calibration{v1 as_of=2026-03-31 time_unit_days=1 first_day_sum=0 repeat_sum=0 days=none} holdout{v1 as_of=2026-06-30 {time_unit_days=1 first_day_sum=0 repeat_sum=0 days=none}')) t(v);
-- malformed binary is refused (22P03) by receive: truncated, a calibration
-- length past the end, empty
CREATE TEMP TABLE bh_bad_bin(what text, b bytea);
INSERT INTO bh_bad_bin
SELECT 'truncated', substr(btyd_holdout_state_send(h), 1, 20) FROM bh_parts WHERE customer = 1 AND part = 0
UNION ALL
SELECT 'length past the end', overlay(btyd_holdout_state_send(h) placing '\x7fffffff'::bytea from 1) FROM bh_parts WHERE customer = 1 AND part = 0
UNION ALL
SELECT 'empty', ''::bytea;
CREATE FUNCTION pg_temp.recv_err(b bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text;
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS bh_recv(s btyd_holdout_state);
    EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)', b,
                   '/tmp/quota_ext_regress_bh_bad_' || pg_backend_pid() || '.bin');
    -- the bytea's field bytes are read back as the state type
    EXECUTE format('COPY bh_recv FROM %L (FORMAT binary)',
                   '/tmp/quota_ext_regress_bh_bad_' || pg_backend_pid() || '.bin');
    RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE;
    RETURN st;
END $$;
SELECT what, pg_temp.recv_err(b) AS sqlstate FROM bh_bad_bin ORDER BY what COLLATE "C";
-- states built with different parameters: 22023
SELECT test_util.err($$SELECT btyd_holdout_merge(s) FROM (
  SELECT btyd_holdout_partial(ts, amount, DATE '2026-03-31', DATE '2026-06-30') s FROM bh_orders WHERE customer = 1
  UNION ALL SELECT btyd_holdout_partial(ts, amount, DATE '2026-03-31', DATE '2026-07-31') FROM bh_orders WHERE customer = 1) q$$) AS obs_end,
       test_util.err($$SELECT btyd_holdout_merge(s) FROM (
  SELECT btyd_holdout_partial(ts, amount, DATE '2026-03-31', DATE '2026-06-30') s FROM bh_orders WHERE customer = 1
  UNION ALL SELECT btyd_holdout_partial(ts, amount, DATE '2026-03-31', DATE '2026-06-30', '7 days') FROM bh_orders WHERE customer = 1) q$$) AS unit;
-- a parallel plan of btyd_holdout_partial (its states serialized, combined
-- and finished by the workers' leader), merged: what the serial plan gives
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
SELECT customer, btyd_holdout_partial(ts, amount, DATE '2026-03-31', DATE '2026-06-30')
FROM bh_orders GROUP BY customer;
SELECT count(*) AS customers, count(*) FILTER (WHERE p.h IS DISTINCT FROM s.h) AS mismatches
FROM (SELECT customer, btyd_holdout_merge(st)::text AS h
      FROM (SELECT customer, btyd_holdout_partial(ts, amount, DATE '2026-03-31', DATE '2026-06-30') AS st
            FROM bh_orders GROUP BY customer) z GROUP BY customer) p
FULL JOIN bh_serial s USING (customer);
RESET ALL;
DROP TABLE bh_orders;
SELECT test_util.remove_backend_files() AS files_left;
