-- isotonic_fit / isotonic_predict and isotonic_model (SPEC §15): a hand
-- case, the same fit by an independent formula in plain SQL, edges, bad
-- arguments with SQLSTATE, model and state text/binary round trips and
-- refusals, parallel = serial, merge = one pass.  (test/calibration.sh
-- compares with scikit-learn's IsotonicRegression.)
-- files of this backend only: suites run side by side (scripts/test.sh)
SELECT '/tmp/quota_ext_regress_calib_iso_' || pg_backend_pid() || '.bin' AS qx_calib_iso_file \gset
SELECT '/tmp/quota_ext_regress_calib_isost_' || pg_backend_pid() || '.bin' AS qx_calib_isost_file \gset
SET extra_float_digits = 0;
CREATE FUNCTION pg_temp.err_detail(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; det text;
BEGIN
    EXECUTE stmt;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, det = PG_EXCEPTION_DETAIL;
    RETURN st || ': ' || det;
END $$;

-- 1. By hand.  (score, won): (1, f), (2, t), (3, f), (4, t), (4, t).
--    Distinct scores with their win rates: 1 -> 0/1, 2 -> 1/1, 3 -> 0/1, 4 -> 2/2.
--    Pool adjacent violators: 1 then 0 at scores 2, 3 pool to 1/2.
--    Fitted points: (1, 0), (2, 0.5), (3, 0.5), (4, 1) -- the first and last
--    score of each block.  Predictions: below 1 -> 0 (clipped), 1.5 -> 0.25,
--    2.5 -> 0.5, 3.5 -> 0.75, 4 and above -> 1.
CREATE TEMP TABLE iso_hand(score float8, won boolean);
INSERT INTO iso_hand VALUES (1, false), (2, true), (3, false), (4, true), (4, true);
SELECT isotonic_fit(score, won) FROM iso_hand;
SELECT s, isotonic_predict(m, s) AS predicted
FROM (SELECT isotonic_fit(score, won) AS m FROM iso_hand) f,
     unnest(ARRAY[-100, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 1e300]::float8[]) s;
-- a block of three scores keeps only its ends: (1,f) (2,f) (3,f) (4,t) -> 1:0, 3:0, 4:1
SELECT isotonic_fit(s, w) FROM (VALUES (1::float8, false), (2, false), (3, false), (4, true)) v(s, w);

-- 2. The same fit by the min-max formula of isotonic regression: the fitted
--    value at distinct score i is max over j <= i of min over k >= i of
--    (wins of j..k) / (deals of j..k).  Random data with ties; every
--    distinct score's prediction equals it within 1e-12.
SELECT setseed(0.424);
CREATE TABLE iso_rows AS
SELECT g % 3 AS grp,
       CASE WHEN g % 101 = 0 THEN NULL ELSE round((random() * 4)::numeric, 1)::float8 END AS score,
       CASE WHEN g % 103 = 0 THEN NULL ELSE random() < 0.2 + 0.15 * round((random() * 4)::numeric, 1) END AS won
FROM generate_series(1, 6000) g;
-- the outcome depends on the score
UPDATE iso_rows SET won = random() < 0.15 + 0.18 * score WHERE score IS NOT NULL AND won IS NOT NULL;
ANALYZE iso_rows;
CREATE TEMP TABLE iso_pts AS
SELECT grp, row_number() OVER (PARTITION BY grp ORDER BY score) AS i, score, n, w
FROM (SELECT grp, score, count(*) AS n, count(*) FILTER (WHERE won) AS w
      FROM iso_rows WHERE score IS NOT NULL AND won IS NOT NULL GROUP BY grp, score) d;
-- (wins and deals of j..k as differences of running sums: cw and cn through
-- k less those before j, exact integers; the same quotient as summing the
-- rows j..k for every pair, without re-summing them)
CREATE TEMP TABLE iso_minmax AS
WITH c AS (SELECT grp, i, score, sum(w) OVER (PARTITION BY grp ORDER BY i) AS cw,
                  sum(n) OVER (PARTITION BY grp ORDER BY i) AS cn, w, n
           FROM iso_pts),
mn AS (SELECT p.grp, p.i, p.score, j.i AS j, min((k.cw - (j.cw - j.w))::float8 / (k.cn - (j.cn - j.n))) AS mn
       FROM c p JOIN c j ON j.grp = p.grp AND j.i <= p.i JOIN c k ON k.grp = p.grp AND k.i >= p.i
       GROUP BY p.grp, p.i, p.score, j.i)
SELECT grp, score, max(mn) AS fitted FROM mn GROUP BY grp, i, score;
SELECT count(*) AS scores,
       count(*) FILTER (WHERE abs(isotonic_predict(f.m, x.score) - x.fitted) > 1e-12) AS mismatches,
       count(DISTINCT round(x.fitted::numeric, 9)) > 3 AS several_levels
FROM iso_minmax x JOIN (SELECT grp, isotonic_fit(score, won) AS m FROM iso_rows GROUP BY grp) f USING (grp);

-- 3. Edges
SELECT isotonic_fit(score, won) IS NULL AS empty_is_null FROM iso_hand WHERE false;
SELECT isotonic_fit(s, w) IS NULL AS null_rows_only
FROM (VALUES (NULL::float8, true), (1, NULL::boolean)) v(s, w);
SELECT isotonic_fit(s, w) AS one_row FROM (VALUES (0.3::float8, true)) v(s, w);
SELECT isotonic_predict('v1 rows=1 points=0.3:1', s) AS one_point_predicts
FROM unnest(ARRAY[-1, 0.3, 7]::float8[]) s;
SELECT isotonic_fit(s, w) AS one_score_two_rows FROM (VALUES (0.3::float8, true), (0.3, false)) v(s, w);
-- all won, all lost, decreasing relation: one block, its two ends
SELECT isotonic_fit(s, true) AS all_won FROM generate_series(1, 5) s;
SELECT isotonic_fit(s, false) AS all_lost FROM generate_series(1, 5) s;
SELECT isotonic_fit(s, s < 3) AS decreasing FROM generate_series(1, 5) s;
-- -0 and 0 are one score; negative and huge scores
SELECT isotonic_fit(s, w) FROM (VALUES ('-0'::float8, true), (0, false), (-1e300, false), (1e300, true)) v(s, w);
SELECT isotonic_predict('v1 rows=2 points=-1e308:0,1e308:1', 0) AS huge_range_midpoint;
-- NULL in, NULL out
SELECT isotonic_predict(NULL, 0.5) IS NULL AS null_model, isotonic_predict('v1 rows=1 points=0:0', NULL) IS NULL AS null_score;

-- 4. Bad arguments
SELECT test_util.err($$SELECT isotonic_fit('NaN'::float8, true)$$) AS fit_nan;
SELECT test_util.err($$SELECT isotonic_fit('-Infinity'::float8, true)$$) AS fit_infinity;
SELECT test_util.err($$SELECT isotonic_predict('v1 rows=1 points=0:0', 'NaN')$$) AS predict_nan;
SELECT test_util.err($$SELECT isotonic_predict('v1 rows=1 points=0:0', 'Infinity')$$) AS predict_infinity;

-- 5. The model's text form: round trip, and refusals
SELECT m::text::isotonic_model::text = m::text AS text_round_trip,
       isotonic_model_send(m::text::isotonic_model) = isotonic_model_send(m) AS binary_equal
FROM (SELECT isotonic_fit(score, won) AS m FROM iso_rows) f;
-- a written model reads back as written: extreme and inexact floats, -0 as 0
SELECT 'v1 rows=10 points=-1.7976931348623157e+308:0,5e-324:1e-310,0.2:0.30000000000000004,1e+300:1'::isotonic_model::text AS written;
SELECT 'v1 rows=3 points=-0:0.5'::isotonic_model::text AS minus_zero;
SELECT v AS malformed, pg_temp.err_detail(format('SELECT %L::isotonic_model', v)) AS error
FROM (VALUES ('v1 rows=10 points=0.2:0.5,0.1:0.6'),
             ('v1 rows=10 points=0.1:0.5,0.1:0.6'),
             ('v1 rows=10 points=0.1:0.6,0.2:0.5'),
             ('v1 rows=10 points=0.1:NaN'),
             ('v1 rows=10 points=NaN:0.5'),
             ('v1 rows=10 points=Infinity:0.5'),
             ('v1 rows=10 points=0.1:1.5'),
             ('v1 rows=10 points=0.1:-0.1'),
             ('v1 rows=1 points=0.1:0,0.2:1'),
             ('v1 rows=0 points=0.1:0'),
             ('v1 rows=10 points='),
             ('v1 rows=10 points=0.1'),
             ('v1 rows=10 points=0.1:0:1'),
             ('v1 rows=10 points=0.1:0,'),
             ('v1 rows=10'),
             ('v2 rows=10 points=0.1:0'),
             ('v1 rows=10 points=0.1:0 x=1'),
             ('v1 rows=10 points=0x1p3:0')) m(v);
-- too long: one point more than a model holds (refused by count, before the
-- order of the points is checked)
-- (the 4 MB value is built inside the statement, not quoted into it: the
-- same text reaches the type's input, without quoting and parsing a 4 MB
-- literal)
SELECT pg_temp.err_detail($$SELECT ('v1 rows=1000001 points=' || repeat('0:0,', 1000000) || '0:0')::isotonic_model$$)
       AS too_long;

-- 6. Binary: COPY round trip, and refusals by receive
CREATE TEMP TABLE iso_models AS
SELECT grp, isotonic_fit(score, won) AS m FROM iso_rows GROUP BY grp;
COPY iso_models TO :'qx_calib_iso_file' (FORMAT binary);
CREATE TEMP TABLE iso_models_copy (LIKE iso_models);
COPY iso_models_copy FROM :'qx_calib_iso_file' (FORMAT binary);
SELECT count(*) AS models,
       count(*) FILTER (WHERE isotonic_model_send(c.m) IS DISTINCT FROM isotonic_model_send(o.m)
                          OR c.m::text IS DISTINCT FROM o.m::text) AS mismatches
FROM iso_models o FULL JOIN iso_models_copy c USING (grp);
-- layout: version byte, int64 rows (2-9), int32 points (10-13), then (x, y) float8 pairs
CREATE TEMP TABLE iso_bad_target(m isotonic_model);
CREATE TEMP TABLE iso_bad_bin(what text, b bytea);
INSERT INTO iso_bad_bin
SELECT 'truncated', substr(b, 1, 20) FROM (SELECT isotonic_model_send('v1 rows=5 points=1:0,2:0.5,4:1') b) q
UNION ALL SELECT 'trailing byte', b || '\x00'::bytea FROM (SELECT isotonic_model_send('v1 rows=5 points=1:0,2:0.5,4:1') b) q
UNION ALL SELECT 'version 2', overlay(b placing '\x02'::bytea from 1) FROM (SELECT isotonic_model_send('v1 rows=5 points=1:0,2:0.5,4:1') b) q
UNION ALL SELECT 'points past the end', overlay(b placing '\x00000004'::bytea from 10) FROM (SELECT isotonic_model_send('v1 rows=5 points=1:0,2:0.5,4:1') b) q
UNION ALL SELECT 'zero points', overlay(b placing '\x00000000'::bytea from 10) FROM (SELECT isotonic_model_send('v1 rows=5 points=1:0,2:0.5,4:1') b) q
UNION ALL SELECT 'decreasing y', overlay(b placing float8send(0.2) from 54) FROM (SELECT isotonic_model_send('v1 rows=5 points=1:0,2:0.5,4:1') b) q
UNION ALL SELECT 'NaN x', overlay(b placing '\x7ff8000000000000'::bytea from 14) FROM (SELECT isotonic_model_send('v1 rows=5 points=1:0,2:0.5,4:1') b) q
UNION ALL SELECT 'unsorted x', overlay(b placing float8send(3) from 14) FROM (SELECT isotonic_model_send('v1 rows=5 points=1:0,2:0.5,4:1') b) q
UNION ALL SELECT 'rows 0', overlay(b placing '\x0000000000000000'::bytea from 2) FROM (SELECT isotonic_model_send('v1 rows=5 points=1:0,2:0.5,4:1') b) q
UNION ALL SELECT 'empty', ''::bytea;
CREATE FUNCTION pg_temp.recv_iso(what text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT b FROM iso_bad_bin WHERE what = %L) TO %L (FORMAT binary)',
                   what, '/tmp/quota_ext_regress_calib_bad_' || pg_backend_pid() || '.bin');
    RETURN test_util.err(format('COPY iso_bad_target FROM %L (FORMAT binary)', '/tmp/quota_ext_regress_calib_bad_' || pg_backend_pid() || '.bin'));
END $$;
SELECT what, pg_temp.recv_iso(what) FROM iso_bad_bin ORDER BY what COLLATE "C";

-- 7. Parallel plans equal the serial one, exactly (the fit uses integer counts)
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE iso_serial AS SELECT grp, isotonic_fit(score, won)::text AS m FROM iso_rows GROUP BY grp;
CREATE TEMP TABLE iso_serial_total AS SELECT isotonic_fit(score, won)::text AS m FROM iso_rows;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT grp, isotonic_fit(score, won) FROM iso_rows GROUP BY grp;
SELECT count(*) AS groups, count(*) FILTER (WHERE p.m IS DISTINCT FROM s.m) AS mismatches
FROM (SELECT grp, isotonic_fit(score, won)::text AS m FROM iso_rows GROUP BY grp) p FULL JOIN iso_serial s USING (grp);
RESET enable_hashagg;
EXPLAIN (COSTS OFF) SELECT isotonic_fit(score, won) FROM iso_rows;
SELECT p.m = s.m AS parallel_equal FROM (SELECT isotonic_fit(score, won)::text AS m FROM iso_rows) p, iso_serial_total s;
SELECT m.m = s.m AS partial_parallel_equal
FROM (SELECT isotonic_fit_merge(st)::text AS m FROM (SELECT isotonic_fit_partial(score, won) AS st FROM iso_rows) q) m,
     iso_serial_total s;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- 8. merge over the partial states of shards = one pass; NULL states skipped
CREATE TEMP TABLE iso_parts AS
SELECT grp, g AS part, isotonic_fit_partial(score, won) AS st
FROM (SELECT *, (row_number() OVER ()) % 5 AS g FROM iso_rows) r GROUP BY grp, g;
SELECT count(*) AS groups, count(*) FILTER (WHERE m.m IS DISTINCT FROM s.m) AS mismatches
FROM (SELECT grp, isotonic_fit_merge(st)::text AS m
      FROM (SELECT grp, st FROM iso_parts UNION ALL SELECT grp, NULL FROM iso_parts) u GROUP BY grp) m
JOIN iso_serial s USING (grp);
SELECT isotonic_fit_merge(st) IS NULL AS merge_of_nothing FROM iso_parts WHERE false;

-- 9. The state: its text, round trips, refusals
SELECT isotonic_fit_partial(score, won)::text FROM iso_hand;
SELECT isotonic_fit_partial(s, w)::text AS no_rows_counted FROM (VALUES (NULL::float8, true)) v(s, w);
SELECT count(*) FILTER (WHERE st::text::isotonic_fit_state::text <> st::text
          OR isotonic_fit_state_send(st::text::isotonic_fit_state) <> isotonic_fit_state_send(st)) AS text_round_trip_mismatches
FROM iso_parts;
COPY (SELECT grp, part, st FROM iso_parts) TO :'qx_calib_isost_file' (FORMAT binary);
CREATE TEMP TABLE iso_parts_copy (LIKE iso_parts);
COPY iso_parts_copy FROM :'qx_calib_isost_file' (FORMAT binary);
SELECT count(*) AS states,
       count(*) FILTER (WHERE isotonic_fit_state_send(c.st) IS DISTINCT FROM isotonic_fit_state_send(p.st)) AS binary_mismatches
FROM iso_parts p FULL JOIN iso_parts_copy c USING (grp, part);
SELECT v AS malformed, pg_temp.err_detail(format('SELECT %L::isotonic_fit_state', v)) AS error
FROM (VALUES ('v1 points=2:1:0,1:1:0'),
             ('v1 points=1:1:0,1:1:0'),
             ('v1 points=1:1:2'),
             ('v1 points=1:0:0'),
             ('v1 points=1:1:-1'),
             ('v1 points=NaN:1:0'),
             ('v1 points=1:1'),
             ('v1 points=1:9223372036854775807:0,2:1:0'),
             ('v1 points='),
             ('v2 points=none')) m(v);
-- binary: version byte, int64 points, then (float8 score, int64 deals, int64 wins)
CREATE TEMP TABLE isost_bad_target(st isotonic_fit_state);
CREATE TEMP TABLE isost_bad_bin(what text, b bytea);
INSERT INTO isost_bad_bin
SELECT 'truncated', substr(b, 1, 30) FROM (SELECT isotonic_fit_state_send(isotonic_fit_partial(score, won)) b FROM iso_hand) q
UNION ALL SELECT 'huge count', overlay(b placing '\x7fffffffffffffff'::bytea from 2) FROM (SELECT isotonic_fit_state_send(isotonic_fit_partial(score, won)) b FROM iso_hand) q
UNION ALL SELECT 'unsorted', overlay(b placing float8send(5) from 10) FROM (SELECT isotonic_fit_state_send(isotonic_fit_partial(score, won)) b FROM iso_hand) q
UNION ALL SELECT 'wins above deals', overlay(b placing '\x0000000000000009'::bytea from 26) FROM (SELECT isotonic_fit_state_send(isotonic_fit_partial(score, won)) b FROM iso_hand) q;
CREATE FUNCTION pg_temp.recv_isost(what text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT b FROM isost_bad_bin WHERE what = %L) TO %L (FORMAT binary)',
                   what, '/tmp/quota_ext_regress_calib_bad_' || pg_backend_pid() || '.bin');
    RETURN test_util.err(format('COPY isost_bad_target FROM %L (FORMAT binary)', '/tmp/quota_ext_regress_calib_bad_' || pg_backend_pid() || '.bin'));
END $$;
SELECT what, pg_temp.recv_isost(what) FROM isost_bad_bin ORDER BY what COLLATE "C";

-- 10. The calibrated probability feeds pipeline_forecast
SELECT (pipeline_forecast(a, isotonic_predict(m, s), 60000)).p_target IS NOT NULL AS feeds_forecast
FROM (VALUES (50000::numeric, 4::float8), (30000, 2), (20000, 1)) d(a, s),
     (SELECT isotonic_fit(score, won) AS m FROM iso_rows) f;

-- 11. As a window function the final function runs after every row and the
--     state keeps growing: each running fit equals the fit of its prefix
--     (scores with ties, which the transition counts in place, and distinct
--     ones, which it sorts)
SELECT setseed(0.11);
CREATE TEMP TABLE iso_win AS
SELECT i AS id, CASE WHEN i % 2 = 0 THEN round(random()::numeric, 1)::float8 ELSE random() END AS s,
       random() < 0.5 AS w
FROM generate_series(1, 700) i;
SELECT count(*) AS prefixes,
       count(*) FILTER (WHERE r.m::text IS DISTINCT FROM (SELECT isotonic_fit(s, w)::text FROM iso_win x WHERE x.id <= r.id)) AS fit_mismatches,
       count(*) FILTER (WHERE r.st::text IS DISTINCT FROM (SELECT isotonic_fit_partial(s, w)::text FROM iso_win x WHERE x.id <= r.id)) AS state_mismatches
FROM (SELECT id, isotonic_fit(s, w) OVER (ORDER BY id) AS m, isotonic_fit_partial(s, w) OVER (ORDER BY id) AS st FROM iso_win) r;
DROP TABLE iso_rows;
SELECT test_util.remove_backend_files() AS files_left;
