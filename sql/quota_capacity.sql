-- quota_capacity (SPEC §16): sum(quota * ramp_share * attainment_factor),
-- exact, rounded once.  Expected values by hand and by the same sum in
-- plain SQL (float8::numeric casts, exact numeric products, one round()).
-- files of this backend only: suites run side by side (scripts/test.sh)
SELECT '/tmp/quota_ext_regress_q25_cap_' || pg_backend_pid() || '.bin' AS qx_q25_cap_file \gset
SET extra_float_digits = 0;

-- 100.5 * 0.5 * 1.1 = 55.275; 200 * 1 * 0.9 = 180; 333.33 * 0.25 * 0 = 0:
-- 235.275, rounded once to 2 decimals (half away from zero): 235.28.
-- Rounding each row first would give 55.28 + 180 = 235.28 too, so a case
-- where it differs: three rows of 1.25 * 0.1 * 1 = 0.125 each -> 0.375 -> 0.38
-- (each rounded first: 0.13 * 3 = 0.39).
SELECT quota_capacity(q, s, f) FROM (VALUES (100.5, 0.5, 1.1), (200, 1, 0.9), (333.33, 0.25, 0)) v(q, s, f);
SELECT quota_capacity(1.25, 0.1, 1) FROM generate_series(1, 3);
-- the scale is the largest of quota (3 here): 1.001 * 0.5 * 1 = 0.5005 -> 0.501
SELECT quota_capacity(q, 0.5, 1) FROM (VALUES (1.001), (0)) v(q);
-- NULL rows ignored; no row: NULL
SELECT quota_capacity(q, s, 1) FROM (VALUES (100, NULL), (NULL, 0.5), (50, 0.5)) v(q, s);
SELECT quota_capacity(q, 1, 1) IS NULL AS null_without_rows FROM (VALUES (1)) v(q) WHERE false;
-- a float8 share is taken as the numeric it casts to: 1/3 -> 0.333333333333333
SELECT quota_capacity(300000, 1.0 / 3, 1) AS third, (300000 * (1.0::float8 / 3)::numeric)::numeric(20, 2) AS by_hand;

-- Bad arguments, each with its SQLSTATE
SELECT test_util.err($$SELECT quota_capacity(100, 1.5, 1)$$) AS share_above_1;
SELECT test_util.err($$SELECT quota_capacity(100, -0.1, 1)$$) AS negative_share;
SELECT test_util.err($$SELECT quota_capacity(100, 'NaN', 1)$$) AS nan_share;
SELECT test_util.err($$SELECT quota_capacity(100, 1, -1)$$) AS negative_factor;
SELECT test_util.err($$SELECT quota_capacity(100, 1, 'Infinity')$$) AS infinite_factor;
SELECT test_util.err($$SELECT quota_capacity(-100, 1, 1)$$) AS negative_quota;
SELECT test_util.err($$SELECT quota_capacity('NaN', 1, 1)$$) AS nan_quota;

-- Random teams against plain SQL
SELECT setseed(0.9);
CREATE TABLE q25_cap AS
SELECT 1 + (random() * 49)::int AS team,
       round((random() * 500000)::numeric, (random() * 3)::int) AS quota,
       CASE WHEN random() < 0.3 THEN random() ELSE 1 END AS ramp_share,
       0.5 + random() AS factor
FROM generate_series(1, 20000);
ANALYZE q25_cap;
CREATE TEMP TABLE q25_cap_ref AS
SELECT team, round(sum(quota * ramp_share::numeric * factor::numeric), greatest(max(scale(quota)), 2)) AS cap
FROM q25_cap GROUP BY team;
SELECT count(*) AS teams, count(*) FILTER (WHERE g.cap::text IS DISTINCT FROM r.cap::text) AS mismatches
FROM (SELECT team, quota_capacity(quota, ramp_share, factor) AS cap FROM q25_cap GROUP BY team) g
FULL JOIN q25_cap_ref r USING (team);

-- Parallel plan = serial plan
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT team, quota_capacity(quota, ramp_share, factor) FROM q25_cap GROUP BY team;
SELECT count(*) AS teams, count(*) FILTER (WHERE g.cap::text IS DISTINCT FROM r.cap::text) AS mismatches
FROM (SELECT team, quota_capacity(quota, ramp_share, factor) AS cap FROM q25_cap GROUP BY team) g
FULL JOIN q25_cap_ref r USING (team);
RESET enable_hashagg;
SELECT quota_capacity(quota, ramp_share, factor) = (SELECT round(sum(cap_exact), 3) FROM
       (SELECT sum(quota * ramp_share::numeric * factor::numeric) AS cap_exact FROM q25_cap) s) AS whole_table_equal
FROM q25_cap;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- _merge over _partial states = one pass; round trips; malformed states
SELECT count(*) AS teams, count(*) FILTER (WHERE m.cap::text IS DISTINCT FROM r.cap::text) AS mismatches
FROM (SELECT team, quota_capacity_merge(st) AS cap
      FROM (SELECT team, quota_capacity_partial(quota, ramp_share, factor) AS st
            FROM q25_cap GROUP BY team, quota > 250000) x GROUP BY team) m
FULL JOIN q25_cap_ref r USING (team);
SELECT quota_capacity_partial(q, s, f) FROM (VALUES (100.5, 0.5, 1.1), (200, 1, 0.9)) v(q, s, f);
CREATE TEMP TABLE q25_cap_states AS
SELECT team, quota_capacity_partial(quota, ramp_share, factor) AS st FROM q25_cap GROUP BY team;
SELECT count(*) FILTER (WHERE st::text::quota_capacity_state::text IS DISTINCT FROM st::text
                          OR quota_capacity_state_send(st::text::quota_capacity_state) IS DISTINCT FROM quota_capacity_state_send(st)) AS text_mismatches
FROM q25_cap_states;
COPY q25_cap_states TO :'qx_q25_cap_file' (FORMAT binary);
CREATE TEMP TABLE q25_cap_copy (LIKE q25_cap_states);
COPY q25_cap_copy FROM :'qx_q25_cap_file' (FORMAT binary);
SELECT count(*) AS states, count(*) FILTER (WHERE quota_capacity_state_send(c.st) IS DISTINCT FROM quota_capacity_state_send(s.st)) AS binary_mismatches
FROM q25_cap_states s FULL JOIN q25_cap_copy c USING (team);
-- literals at the edges read back as themselves, text and binary
SELECT count(*) FILTER (WHERE v::quota_capacity_state::text = v
                          AND quota_capacity_state_send(v::quota_capacity_state::text::quota_capacity_state)
                              = quota_capacity_state_send(v::quota_capacity_state)) AS exact, count(*) AS literals
FROM (VALUES ('v1 rows=0 scale=0 sum=0'),
             ('v1 rows=9223372036854775807 scale=1000 sum=' || repeat('9', 131072) || '.' || repeat('9', 16383)),
             ('v1 rows=1 scale=2 sum=170141183460469231731687303715884105727'),
             ('v1 rows=1 scale=30 sum=0.000000000000000000000000000001')) l(v);
SELECT test_util.err($$SELECT 'v1 rows=-1 scale=0 sum=0'::quota_capacity_state$$) AS negative_rows;
SELECT test_util.err($$SELECT 'v1 rows=0 scale=0 sum=5'::quota_capacity_state$$) AS empty_with_sum;
SELECT test_util.err($$SELECT 'v1 rows=2 scale=1001 sum=5'::quota_capacity_state$$) AS scale_too_big;
SELECT test_util.err($$SELECT 'v1 rows=2 scale=2 sum=-5'::quota_capacity_state$$) AS negative_sum;
SELECT test_util.err($$SELECT 'v1 rows=2 scale=2'::quota_capacity_state$$) AS missing_sum;
SELECT test_util.err($$SELECT 'v1 rows=2 scale=2 sum=5 extra=1'::quota_capacity_state$$) AS extra_field;
CREATE TEMP TABLE q25_cap_target(st quota_capacity_state);
CREATE TEMP TABLE q25_cap_bad(what text, b bytea);
-- layout: version (byte 1), rows (2-9), scale (10-13), money from 14
INSERT INTO q25_cap_bad
SELECT 'truncated', substr(quota_capacity_state_send(st), 1, 12) FROM q25_cap_states WHERE team = 1
UNION ALL SELECT 'trailing byte', quota_capacity_state_send(st) || '\x00'::bytea FROM q25_cap_states WHERE team = 1
UNION ALL SELECT 'negative rows', overlay(quota_capacity_state_send(st) placing '\xffffffffffffffff'::bytea from 2) FROM q25_cap_states WHERE team = 1
UNION ALL SELECT 'huge scale', overlay(quota_capacity_state_send(st) placing '\x7fffffff'::bytea from 10) FROM q25_cap_states WHERE team = 1
UNION ALL SELECT 'bad money kind', overlay(quota_capacity_state_send(st) placing '\x07'::bytea from 14) FROM q25_cap_states WHERE team = 1;
CREATE FUNCTION pg_temp.recv_cap(what text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT b FROM q25_cap_bad WHERE what = %L) TO %L (FORMAT binary)',
                   what, '/tmp/quota_ext_regress_q25_bad_' || pg_backend_pid() || '.bin');
    RETURN test_util.err(format('COPY q25_cap_target FROM %L (FORMAT binary)', '/tmp/quota_ext_regress_q25_bad_' || pg_backend_pid() || '.bin'));
END $$;
SELECT what, pg_temp.recv_cap(what) FROM q25_cap_bad ORDER BY what COLLATE "C";
DROP TABLE q25_cap;
SELECT test_util.remove_backend_files() AS files_left;
