-- attainment_distribution (SPEC §16).  Expected values by hand and from an
-- independent computation in plain SQL: count, percentile_cont, and the
-- Gini coefficient as the double sum over all pairs.
-- files of this backend only: suites run side by side (scripts/test.sh)
SELECT '/tmp/quota_ext_regress_q25_att_' || pg_backend_pid() || '.bin' AS qx_q25_att_file \gset
SET extra_float_digits = 0;

-- Hand case: 0.5, 0.9, 1.0, 1.2.  reps 4; at or above 1: 2 of 4 = 0.5;
-- p10: position 0.1 * 3 = 0.3 -> 0.5 + 0.3 * (0.9 - 0.5) = 0.62; p50: 1.5
-- -> 0.9 + 0.5 * 0.1 = 0.95; p90: 2.7 -> 1.0 + 0.7 * 0.2 = 1.14; Gini:
-- pairs |xi - xj|: .4 .5 .7 .1 .3 .2 = 2.2, twice = 4.4, / (2 * 16 * 0.9)
-- = 4.4 / 28.8 = 0.152777...
SELECT (attainment_distribution(a)).* FROM (VALUES (0.5), (1.2), (0.9), (1.0), (NULL)) v(a);
-- one rep; all at zero (Gini NULL: the mean is 0); everyone equal (Gini 0)
SELECT (attainment_distribution(a)).* FROM (VALUES (1.3)) v(a);
SELECT (attainment_distribution(a)).* FROM (VALUES (0), (0)) v(a);
SELECT (attainment_distribution(a)).* FROM (VALUES (0.8), (0.8), (0.8)) v(a);
-- one rep holds it all: Gini (n - 1) / n = 0.75 for 4 reps
SELECT (attainment_distribution(a)).gini FROM (VALUES (0), (0), (0), (2)) v(a);
-- no row, or only NULLs: NULL
SELECT attainment_distribution(a) IS NULL AS null_without_reps FROM (VALUES (NULL::float8)) v(a);

-- Bad arguments, each with its SQLSTATE
SELECT test_util.err($$SELECT attainment_distribution(-0.1)$$) AS negative;
SELECT test_util.err($$SELECT attainment_distribution('NaN')$$) AS nan;
SELECT test_util.err($$SELECT attainment_distribution('Infinity')$$) AS infinite;

-- Random teams against plain SQL
SELECT setseed(0.33);
CREATE TABLE q25_att AS
SELECT 1 + (random() * 29)::int AS team,
       CASE WHEN random() < 0.02 THEN NULL ELSE round((random() * 1.8)::numeric, (random() * 3)::int)::float8 END AS attainment
FROM generate_series(1, 6000);
-- ties and exact 1s
INSERT INTO q25_att SELECT 31, 1 FROM generate_series(1, 5);
INSERT INTO q25_att SELECT 31, 0.5 FROM generate_series(1, 5);
ANALYZE q25_att;
CREATE TEMP TABLE q25_att_ref AS
SELECT t.team, t.reps, t.above, t.p10, t.p50, t.p90,
       (g.absdiff / (2 * t.reps::numeric * t.reps * (t.total / t.reps)))::float8 AS gini
FROM (SELECT team, count(attainment) AS reps,
             (count(*) FILTER (WHERE attainment >= 1))::float8 / count(attainment) AS above,
             percentile_cont(0.1) WITHIN GROUP (ORDER BY attainment) AS p10,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY attainment) AS p50,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY attainment) AS p90,
             sum(attainment::numeric) AS total
      FROM q25_att GROUP BY team) t
-- absdiff = the sum of |a - b| over all ordered pairs of a team's values,
-- exact in numeric, by the sorted form of the same sum (no self-join of
-- ~40k pairs a team): with x_1 <= ... <= x_n, x_k is the larger one in k - 1
-- pairs i < j and the smaller in n - k, so sum_{i<j} (x_j - x_i) =
-- sum_k (2k - n - 1) x_k, and both orders give twice that (ties: equal
-- values, so their order does not matter)
JOIN (SELECT team, 2 * sum((2 * k - n - 1) * attainment::numeric) AS absdiff
      FROM (SELECT team, attainment, row_number() OVER (PARTITION BY team ORDER BY attainment) AS k,
                   count(*) OVER (PARTITION BY team) AS n
            FROM q25_att WHERE attainment IS NOT NULL) a
      GROUP BY team) g USING (team);
CREATE TEMP TABLE q25_att_got AS
SELECT team, (attainment_distribution(attainment)).* FROM q25_att GROUP BY team;
-- counts and shares equal; percentiles equal to percentile_cont's; Gini
-- within 1e-12 of the exact double sum
SELECT count(*) AS teams,
       count(*) FILTER (WHERE g.reps IS DISTINCT FROM r.reps OR g.at_or_above_1 IS DISTINCT FROM r.above) AS count_mismatches,
       count(*) FILTER (WHERE g.p10 IS DISTINCT FROM r.p10 OR g.p50 IS DISTINCT FROM r.p50
                          OR g.p90 IS DISTINCT FROM r.p90) AS percentile_mismatches,
       count(*) FILTER (WHERE NOT abs(g.gini - r.gini) <= 1e-12) AS gini_mismatches
FROM q25_att_got g FULL JOIN q25_att_ref r USING (team);

-- Parallel plan = serial plan, to the bit
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT team, attainment_distribution(attainment) FROM q25_att GROUP BY team;
SELECT count(*) AS teams, count(*) FILTER (WHERE p.d IS DISTINCT FROM s.d) AS mismatches
FROM (SELECT team, attainment_distribution(attainment)::text AS d FROM q25_att GROUP BY team) p
FULL JOIN (SELECT team, ROW(reps, at_or_above_1, p10, p50, p90, gini)::attainment_distribution::text AS d FROM q25_att_got) s USING (team);
RESET enable_hashagg;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- _merge over _partial states = one pass
SELECT count(*) AS teams, count(*) FILTER (WHERE m.d IS DISTINCT FROM s.d) AS mismatches
FROM (SELECT team, attainment_distribution_merge(st)::text AS d
      FROM (SELECT team, attainment_distribution_partial(attainment) AS st
            FROM q25_att GROUP BY team, attainment > 0.7) x GROUP BY team) m
FULL JOIN (SELECT team, ROW(reps, at_or_above_1, p10, p50, p90, gini)::attainment_distribution::text AS d FROM q25_att_got) s USING (team);

-- State round trips and malformed states
SELECT attainment_distribution_partial(a) FROM (VALUES (0.5), (1.2), (1e-310), (0)) v(a);
SELECT attainment_distribution_partial(a) FROM (VALUES (NULL::float8)) v(a);
SELECT attainment_distribution_merge(st) IS NULL AS empty_merges_to_null
FROM (VALUES ('v1 n=0 values=none'::attainment_distribution_state)) v(st);
CREATE TEMP TABLE q25_att_states AS
SELECT team, attainment_distribution_partial(attainment) AS st FROM q25_att GROUP BY team;
SELECT count(*) FILTER (WHERE st::text::attainment_distribution_state::text IS DISTINCT FROM st::text
                          OR attainment_distribution_state_send(st::text::attainment_distribution_state)
                             IS DISTINCT FROM attainment_distribution_state_send(st)) AS text_mismatches
FROM q25_att_states;
COPY q25_att_states TO :'qx_q25_att_file' (FORMAT binary);
CREATE TEMP TABLE q25_att_copy (LIKE q25_att_states);
COPY q25_att_copy FROM :'qx_q25_att_file' (FORMAT binary);
SELECT count(*) AS states, count(*) FILTER (WHERE attainment_distribution_state_send(c.st) IS DISTINCT FROM attainment_distribution_state_send(s.st)) AS binary_mismatches
FROM q25_att_states s FULL JOIN q25_att_copy c USING (team);
-- literals at the edges read back as themselves, text and binary
SELECT count(*) FILTER (WHERE v::attainment_distribution_state::text = v
                          AND attainment_distribution_state_send(v::attainment_distribution_state::text::attainment_distribution_state)
                              = attainment_distribution_state_send(v::attainment_distribution_state)) AS exact, count(*) AS literals
FROM (VALUES ('v1 n=0 values=none'),
             ('v1 n=5 values=1.7976931348623157e+308,5e-324,2.2250738585072014e-308,0,0.9999999999999999')) l(v);
SELECT (d).* FROM (SELECT attainment_distribution_merge(v::attainment_distribution_state) AS d
                   FROM (VALUES ('v1 n=3 values=1.7976931348623157e+308,1.7976931348623157e+308,0')) l(v)) s;
SELECT test_util.err($$SELECT 'v1 n=2 values=0.5'::attainment_distribution_state$$) AS too_few;
SELECT test_util.err($$SELECT 'v1 n=1 values=0.5,1'::attainment_distribution_state$$) AS too_many;
SELECT test_util.err($$SELECT 'v1 n=1 values=-1'::attainment_distribution_state$$) AS negative;
SELECT test_util.err($$SELECT 'v1 n=1 values=NaN'::attainment_distribution_state$$) AS nan;
SELECT test_util.err($$SELECT 'v1 n=0 values=1'::attainment_distribution_state$$) AS empty_with_value;
SELECT test_util.err($$SELECT 'v1 n=99999999999 values=1'::attainment_distribution_state$$) AS huge_n;
CREATE TEMP TABLE q25_att_target(st attainment_distribution_state);
CREATE TEMP TABLE q25_att_bad(what text, b bytea);
-- layout: version (byte 1), n (2-9), values from 10
INSERT INTO q25_att_bad
SELECT 'truncated', substr(attainment_distribution_state_send(st), 1, 20) FROM q25_att_states WHERE team = 1
UNION ALL SELECT 'trailing byte', attainment_distribution_state_send(st) || '\x00'::bytea FROM q25_att_states WHERE team = 1
UNION ALL SELECT 'huge n', overlay(attainment_distribution_state_send(st) placing '\x7fffffffffffffff'::bytea from 2) FROM q25_att_states WHERE team = 1
UNION ALL SELECT 'negative n', overlay(attainment_distribution_state_send(st) placing '\xffffffffffffffff'::bytea from 2) FROM q25_att_states WHERE team = 1
UNION ALL SELECT 'nan value', overlay(attainment_distribution_state_send(st) placing '\x7ff8000000000000'::bytea from 10) FROM q25_att_states WHERE team = 1
UNION ALL SELECT 'negative value', overlay(attainment_distribution_state_send(st) placing '\xbff0000000000000'::bytea from 10) FROM q25_att_states WHERE team = 1;
CREATE FUNCTION pg_temp.recv_att(what text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT b FROM q25_att_bad WHERE what = %L) TO %L (FORMAT binary)',
                   what, '/tmp/quota_ext_regress_q25_bad_' || pg_backend_pid() || '.bin');
    RETURN test_util.err(format('COPY q25_att_target FROM %L (FORMAT binary)', '/tmp/quota_ext_regress_q25_bad_' || pg_backend_pid() || '.bin'));
END $$;
SELECT what, pg_temp.recv_att(what) FROM q25_att_bad ORDER BY what COLLATE "C";
DROP TABLE q25_att;
SELECT test_util.remove_backend_files() AS files_left;
