-- win_calibration (SPEC §15): hand-checked values, a plain-SQL formulation
-- of the same rules, NULLs and edges, every bad argument with its SQLSTATE,
-- parallel = serial, merge = one pass, state round trips and malformed
-- states.  (test/calibration.sh compares with scikit-learn.)
-- files of this backend only: suites run side by side (scripts/test.sh)
SELECT '/tmp/quota_ext_regress_calib_wc_' || pg_backend_pid() || '.bin' AS qx_calib_wc_file \gset
SET extra_float_digits = 0;

-- 1. By hand.  Rows (p, won): (0.1, f), (0.7, t), (0.07, f), (1.0, t), (0.0, t).
--    deals 5, wins 3, base_rate 0.6
--    brier = (0.1^2 + 0.3^2 + 0.07^2 + 0^2 + 1^2) / 5 = 1.1049 / 5 = 0.22098
--    brier_skill = 1 - 0.22098 / (0.6 * 0.4) = 0.07925
--    log_loss = (-ln 0.9 - ln 0.7 - ln 0.93 - ln(1 - 1e-15) - ln 1e-15) / 5
--             = (0.1053605 + 0.3566749 + 0.0725707 + 0 + 34.5387764) / 5 = 7.0146765
--      (p = 0 and won is clipped to 1e-15)
--    bins of 10: 0.1, 0.07 and 0.0 in bin 1 (0.1 <= 0.1; 0 in the first),
--      0.7 in bin 7 (0.7 <= 7 * 0.1 = 0.7000000000000001), 1.0 in bin 10;
--      bin 1: mean_p 0.17 / 3 = 0.0566667, win_rate 1/3; bin 7: 0.7, 1; bin 10: 1, 1
--    ece = 3/5 * |0.0566667 - 0.3333333| + 1/5 * |0.7 - 1| + 1/5 * 0 = 0.166 + 0.06 = 0.226
CREATE TEMP TABLE hand(p float8, won boolean);
INSERT INTO hand VALUES (0.1, false), (0.7, true), (0.07, false), (1.0, true), (0.0, true);
SELECT w.deals, w.wins, round(w.base_rate::numeric, 7) AS base_rate,
       round(w.brier::numeric, 7) AS brier, round(w.brier_skill::numeric, 7) AS brier_skill,
       round(w.log_loss::numeric, 7) AS log_loss, round(w.ece::numeric, 7) AS ece
FROM (SELECT (win_calibration(p, won)).* FROM hand) w;
SELECT b.lo, b.hi, b.deals, round(b.mean_p::numeric, 7) AS mean_p, round(b.win_rate::numeric, 7) AS win_rate
FROM (SELECT win_calibration(p, won) AS w FROM hand) x, unnest((x.w).bins) b;
-- the edges as numpy.linspace makes them: bin 7's upper edge is 7 * 0.1
SELECT (b).hi = 7 * 0.1::float8 AS edge_is_product, (b).hi > 0.7 AS edge_above_0_7
FROM (SELECT unnest((win_calibration(p, won)).bins) AS b FROM hand) x WHERE (b).deals = 1 AND (b).mean_p = 0.7;
-- 0.07 is in bin 7 of 100, 0.1 in bin 1 of 10 (SPEC §15)
SELECT (SELECT b.hi FROM unnest((w100).bins) b) AS bin_of_0_07_hi, 7 * (1.0::float8 / 100) AS edge_7_of_100,
       (SELECT b.hi FROM unnest((w10).bins) b) AS bin_of_0_1_hi
FROM (SELECT win_calibration(0.07::float8, true, 100) AS w100, win_calibration(0.1::float8, true, 10) AS w10) x;
-- the default is 10 bins
SELECT win_calibration(p, won) = win_calibration(p, won, 10) AS default_is_10 FROM hand;

-- 2. A plain-SQL formulation of the same rules on random rows: counts
--    exact, floats within 1e-12.
SELECT setseed(0.24);
CREATE TABLE wc_rows AS
SELECT g % 5 AS grp,
       CASE WHEN g % 97 = 0 THEN NULL ELSE round(random()::numeric, 2)::float8 END AS p,
       CASE WHEN g % 89 = 0 THEN NULL ELSE random() < 0.4 END AS won
FROM generate_series(1, 20000) g;
-- two groups on purpose: all won, all lost
INSERT INTO wc_rows SELECT 5, random(), true FROM generate_series(1, 50);
INSERT INTO wc_rows SELECT 6, random(), false FROM generate_series(1, 50);
ANALYZE wc_rows;
CREATE TEMP TABLE wc_sql AS
WITH r AS (SELECT grp, p, won::int AS y,
                  (SELECT count(*) FROM generate_series(1, 6) i WHERE i * (1.0::float8 / 7) < p) + 1 AS bin,
                  least(greatest(p, 1e-15), 1 - 1e-15) AS pc
           FROM wc_rows WHERE p IS NOT NULL AND won IS NOT NULL),
t AS (SELECT grp, count(*) AS deals, sum(y) AS wins, avg(y::float8) AS base,
             avg((p - y) ^ 2) AS brier,
             avg(-(y * ln(pc) + (1 - y) * ln(1 - pc))) AS log_loss
      FROM r GROUP BY grp),
b AS (SELECT grp, bin, count(*) AS deals, avg(p) AS mean_p, avg(y::float8) AS win_rate
      FROM r GROUP BY grp, bin)
SELECT t.*, CASE WHEN base > 0 AND base < 1 THEN 1 - brier / (base * (1 - base)) END AS skill,
       (SELECT sum(b.deals::float8 / t.deals * abs(b.mean_p - b.win_rate)) FROM b WHERE b.grp = t.grp) AS ece,
       (SELECT array_agg(row(CASE WHEN bin = 1 THEN 0 ELSE (bin - 1) * (1.0::float8 / 7) END,
                             CASE WHEN bin = 7 THEN 1 ELSE bin * (1.0::float8 / 7) END,
                             b.deals, b.mean_p, b.win_rate)::win_calibration_bin ORDER BY bin)
        FROM b WHERE b.grp = t.grp) AS bins
FROM t;
CREATE FUNCTION pg_temp.near(a float8, b float8) RETURNS boolean LANGUAGE sql IMMUTABLE
    AS $$ SELECT (a IS NULL AND b IS NULL) OR abs(a - b) <= 1e-12 * greatest(1, abs(b)) $$;
CREATE FUNCTION pg_temp.bins_near(a win_calibration_bin[], b win_calibration_bin[]) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT cardinality(a) = cardinality(b) AND bool_and(x.lo = y.lo AND x.hi = y.hi AND x.deals = y.deals
                                                       AND pg_temp.near(x.mean_p, y.mean_p)
                                                       AND pg_temp.near(x.win_rate, y.win_rate))
    FROM unnest(a) WITH ORDINALITY x(lo, hi, deals, mean_p, win_rate, i)
    JOIN unnest(b) WITH ORDINALITY y(lo, hi, deals, mean_p, win_rate, i) USING (i) $$;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE NOT (w.deals = s.deals AND w.wins = s.wins AND pg_temp.near(w.base_rate, s.base)
                                   AND pg_temp.near(w.brier, s.brier) AND pg_temp.near(w.brier_skill, s.skill)
                                   AND pg_temp.near(w.log_loss, s.log_loss) AND pg_temp.near(w.ece, s.ece)
                                   AND pg_temp.bins_near(w.bins, s.bins))) AS mismatches,
       count(*) FILTER (WHERE w.brier_skill IS NULL) AS skill_null
FROM (SELECT grp, (win_calibration(p, won, 7)).* FROM wc_rows GROUP BY grp) w
FULL JOIN wc_sql s USING (grp);

-- 3. NULLs and empty groups
SELECT win_calibration(p, won) IS NULL AS empty_is_null FROM hand WHERE false;
SELECT win_calibration(p, won) IS NULL AS all_null_rows_is_null
FROM (VALUES (NULL::float8, true), (0.5, NULL::boolean)) v(p, won);
SELECT (win_calibration(p, won)).deals AS null_rows_skipped
FROM (VALUES (NULL::float8, true), (0.5, NULL::boolean), (0.5, true)) v(p, won);
-- one row; all won: brier_skill NULL
SELECT (w).deals, (w).base_rate, (w).brier, (w).brier_skill IS NULL AS skill_null, (w).ece
FROM (SELECT win_calibration(0.8::float8, true) AS w) x;
-- one bin: everything in (0, 1]; 10000 bins is the most
SELECT (w).bins FROM (SELECT win_calibration(p, won, 1) AS w FROM hand) x;
SELECT cardinality((win_calibration(p, won, 10000)).bins) AS nonempty_of_10000 FROM hand;

-- 4. Bad arguments
\set VERBOSITY sqlstate
SELECT test_util.err($$SELECT win_calibration(-0.1::float8, true)$$) AS p_negative;
SELECT test_util.err($$SELECT win_calibration(1.5::float8, true)$$) AS p_above_1;
SELECT test_util.err($$SELECT win_calibration('NaN'::float8, true)$$) AS p_nan;
SELECT test_util.err($$SELECT win_calibration('Infinity'::float8, false)$$) AS p_infinity;
SELECT test_util.err($$SELECT win_calibration(0.5::float8, true, 0)$$) AS bins_zero;
SELECT test_util.err($$SELECT win_calibration(0.5::float8, true, -3)$$) AS bins_negative;
SELECT test_util.err($$SELECT win_calibration(0.5::float8, true, 10001)$$) AS bins_too_many;
SELECT test_util.err($$SELECT win_calibration(0.5::float8, true, NULL)$$) AS bins_null;
SELECT test_util.err($$SELECT win_calibration(p, true, b) FROM (VALUES (0.1::float8, 10), (0.2, 20)) v(p, b)$$) AS bins_change;
\set VERBOSITY default

-- 5. Parallel plans equal the serial one (counts exact, floats within 1e-12)
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE wc_serial AS
SELECT grp, win_calibration(p, won, 7) AS w FROM wc_rows GROUP BY grp;
CREATE TEMP TABLE wc_serial_total AS SELECT win_calibration(p, won) AS w FROM wc_rows;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT grp, win_calibration(p, won, 7) FROM wc_rows GROUP BY grp;
CREATE FUNCTION pg_temp.wc_same(a win_calibration, b win_calibration) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT a.deals = b.deals AND a.wins = b.wins AND pg_temp.near(a.base_rate, b.base_rate)
       AND pg_temp.near(a.brier, b.brier) AND pg_temp.near(a.brier_skill, b.brier_skill)
       AND pg_temp.near(a.log_loss, b.log_loss) AND pg_temp.near(a.ece, b.ece)
       AND pg_temp.bins_near(a.bins, b.bins) $$;
SELECT count(*) AS groups, count(*) FILTER (WHERE NOT pg_temp.wc_same(p.w, s.w)) AS mismatches
FROM (SELECT grp, win_calibration(p, won, 7) AS w FROM wc_rows GROUP BY grp) p
JOIN wc_serial s USING (grp);
RESET enable_hashagg;
EXPLAIN (COSTS OFF) SELECT win_calibration(p, won) FROM wc_rows;
SELECT pg_temp.wc_same(p.w, s.w) AS parallel_equal
FROM (SELECT win_calibration(p, won) AS w FROM wc_rows) p, wc_serial_total s;
-- the partial aggregate and the merge run in parallel too
EXPLAIN (COSTS OFF) SELECT win_calibration_partial(p, won) FROM wc_rows;
SELECT pg_temp.wc_same(m.w, s.w) AS partial_parallel_equal
FROM (SELECT win_calibration_merge(st) AS w FROM (SELECT win_calibration_partial(p, won) AS st FROM wc_rows) q) m,
     wc_serial_total s;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- 6. merge over partial states of shards = one pass; NULL states skipped
CREATE TEMP TABLE wc_parts AS
SELECT grp, g AS part, win_calibration_partial(p, won, 7) AS st
FROM (SELECT *, (row_number() OVER ()) % 4 AS g FROM wc_rows) r GROUP BY grp, g;
SELECT count(*) AS groups, count(*) FILTER (WHERE NOT pg_temp.wc_same(m.w, s.w)) AS mismatches
FROM (SELECT grp, win_calibration_merge(st) AS w FROM (SELECT grp, st FROM wc_parts UNION ALL SELECT grp, NULL FROM wc_parts) u GROUP BY grp) m
JOIN wc_serial s USING (grp);
SELECT win_calibration_merge(st) IS NULL AS merge_of_nothing FROM wc_parts WHERE false;
-- states with different bins do not mix
SELECT test_util.err($$SELECT win_calibration_merge(st) FROM (SELECT win_calibration_partial(0.5::float8, true, 7) UNION ALL SELECT win_calibration_partial(0.5::float8, true, 8)) v(st)$$) AS merge_bins_mismatch;

-- 7. State text: the form, round trips, refusals
-- (err_detail: the SQLSTATE and the detail, which says what is wrong)
CREATE FUNCTION pg_temp.err_detail(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; det text;
BEGIN
    EXECUTE stmt;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, det = PG_EXCEPTION_DETAIL;
    RETURN st || ': ' || det;
END $$;
SELECT win_calibration_partial(p, won)::text FROM hand;
-- only skipped rows: a state without deals, which merges to NULL
SELECT st::text AS no_deals, (SELECT win_calibration_merge(x) FROM (VALUES (st)) v(x)) IS NULL AS merged_null
FROM (SELECT win_calibration_partial(p, won, 3) AS st FROM (VALUES (NULL::float8, true)) v(p, won)) q;
SELECT (SELECT count(*) FROM wc_parts WHERE st::text::win_calibration_state::text <> st::text
          OR win_calibration_state_send(st::text::win_calibration_state) <> win_calibration_state_send(st)) AS text_round_trip_mismatches;
COPY (SELECT grp, part, st FROM wc_parts) TO :'qx_calib_wc_file' (FORMAT binary);
CREATE TEMP TABLE wc_parts_copy (LIKE wc_parts);
COPY wc_parts_copy FROM :'qx_calib_wc_file' (FORMAT binary);
SELECT count(*) AS states,
       count(*) FILTER (WHERE win_calibration_state_send(c.st) IS DISTINCT FROM win_calibration_state_send(p.st)) AS binary_mismatches
FROM wc_parts p FULL JOIN wc_parts_copy c USING (grp, part);
\set VERBOSITY sqlstate
SELECT v AS malformed, pg_temp.err_detail(format('SELECT %L::win_calibration_state', v)) AS error
FROM (VALUES ('v2 bins=10 deals=0 wins=0 brier=0 log_loss=0 cells=none'),
             ('v1 bins=0 deals=0 wins=0 brier=0 log_loss=0 cells=none'),
             ('v1 bins=10001 deals=0 wins=0 brier=0 log_loss=0 cells=none'),
             ('v1 bins=10 deals=1 wins=0 brier=0 log_loss=0 cells=none'),
             ('v1 bins=10 deals=1 wins=2 brier=0 log_loss=0 cells=3:1:2:0.25'),
             ('v1 bins=10 deals=2 wins=0 brier=0 log_loss=0 cells=3:1:0:0.25,3:1:0:0.25'),
             ('v1 bins=10 deals=2 wins=0 brier=0 log_loss=0 cells=4:1:0:0.35,3:1:0:0.25'),
             ('v1 bins=10 deals=1 wins=0 brier=0 log_loss=0 cells=11:1:0:0.25'),
             ('v1 bins=10 deals=1 wins=0 brier=NaN log_loss=0 cells=3:1:0:0.25'),
             ('v1 bins=10 deals=1 wins=0 brier=2 log_loss=0 cells=3:1:0:0.25'),
             ('v1 bins=10 deals=1 wins=0 brier=0 log_loss=-1 cells=3:1:0:0.25'),
             ('v1 bins=10 deals=1 wins=0 brier=0 log_loss=0 cells=3:1:0:1.5'),
             ('v1 bins=10 deals=1 wins=0 brier=0 log_loss=0 cells=3:1:0'),
             ('v1 bins=10 deals=1 wins=0 brier=0 log_loss=0 cells=3:0:0:0'),
             ('v1 bins=10 deals=1 wins=0 brier=0 log_loss=0 cells=3:1:0:0.25 extra=1'),
             ('v1 bins=10 deals=1 wins=0 brier=0 log_loss=0'),
             ('')) m(v);
-- and binary: truncated, trailing byte, other version, a cell count past the end
CREATE TEMP TABLE wc_bad_target(st win_calibration_state);
CREATE TEMP TABLE wc_bad_bin(what text, b bytea);
INSERT INTO wc_bad_bin
SELECT 'truncated', substr(b, 1, 20) FROM (SELECT win_calibration_state_send(win_calibration_partial(p, won)) b FROM hand) q
UNION ALL SELECT 'trailing byte', b || '\x00'::bytea FROM (SELECT win_calibration_state_send(win_calibration_partial(p, won)) b FROM hand) q
UNION ALL SELECT 'version 2', overlay(b placing '\x02'::bytea from 1) FROM (SELECT win_calibration_state_send(win_calibration_partial(p, won)) b FROM hand) q
UNION ALL SELECT 'cells 9', overlay(b placing '\x00000009'::bytea from 38) FROM (SELECT win_calibration_state_send(win_calibration_partial(p, won)) b FROM hand) q
UNION ALL SELECT 'deals off by one', overlay(b placing '\x0000000000000006'::bytea from 6) FROM (SELECT win_calibration_state_send(win_calibration_partial(p, won)) b FROM hand) q
UNION ALL SELECT 'empty', ''::bytea;
CREATE FUNCTION pg_temp.recv_wc(what text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT b FROM wc_bad_bin WHERE what = %L) TO %L (FORMAT binary)',
                   what, '/tmp/quota_ext_regress_calib_bad_' || pg_backend_pid() || '.bin');
    RETURN test_util.err(format('COPY wc_bad_target FROM %L (FORMAT binary)', '/tmp/quota_ext_regress_calib_bad_' || pg_backend_pid() || '.bin'));
END $$;
SELECT what, pg_temp.recv_wc(what) FROM wc_bad_bin ORDER BY what COLLATE "C";
\set VERBOSITY default
DROP TABLE wc_rows;
SELECT test_util.remove_backend_files() AS files_left;
