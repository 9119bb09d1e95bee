-- One mistake, one SQLSTATE (README "Errors"): each class of mistake is
-- made against every aggregate or state type it applies to, found in the
-- catalog, so a new aggregate joins the check without editing this file.
SET client_min_messages = warning;
CREATE FUNCTION pg_temp.code(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE stmt;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END $$;

-- Arguments of each aggregate (not _merge: its only argument is a state),
-- with a valid value each; parameters are the arguments after ts/amount
-- and the BTYD triple.
CREATE TEMP TABLE agg_args AS
SELECT p.oid::regprocedure AS agg, p.proname AS name, a.i, a.name AS arg, a.typ,
       CASE WHEN a.name = 'ts' THEN $$date '2024-03-01'$$
            WHEN a.name IN ('amount') THEN format('5::%s', a.typ)
            WHEN a.name = 'as_of' THEN $$date '2024-03-31'$$
            WHEN a.name = 'period_start' THEN $$date '2024-01-01'$$
            WHEN a.name = 'periods' THEN '3'
            -- §18: sbg_fit(period int, survivors bigint), rows of a cohort
            WHEN a.name = 'period' AND a.typ = 'integer' THEN '0'
            WHEN a.name = 'survivors' THEN '10::bigint'
            WHEN a.name = 'period' THEN $$interval '1 month'$$
            WHEN a.name = 'window_len' THEN $$interval '30 days'$$
            WHEN a.name = 'threshold' THEN '0.2::float8'
            WHEN a.name = 'time_unit' THEN $$interval '1 day'$$
            WHEN a.name = 'frequency' THEN '2'
            WHEN a.name = 'recency' THEN '3::float8'
            WHEN a.name = 't' THEN '5::float8'
            WHEN a.name = 'probability' THEN '0.5::float8'
            WHEN a.name = 'target' THEN '100::numeric'
            WHEN a.name = 'monetary' THEN '7.5::numeric'
            WHEN a.name = 'calibration_end' THEN $$date '2024-03-31'$$
            WHEN a.name = 'observation_end' THEN $$date '2024-06-30'$$
            -- §17: price_realization, lead_load
            WHEN a.name = 'list_amount' THEN '100::numeric'
            WHEN a.name = 'net_amount' THEN '80::numeric'
            WHEN a.name = 'cost' THEN '50::numeric'
            WHEN a.name = 'discount_floor' THEN '0.25::float8'
            WHEN a.name = 'created_on' THEN $$date '2024-03-01'$$
            WHEN a.name = 'won' THEN 'true'
            WHEN a.name = 'first_touch_on' THEN $$date '2024-03-02'$$
            WHEN a.name = 'sla_days' THEN '1'
            WHEN a.name = 'deal_id' THEN '1::bigint'
            WHEN a.name = 'stage' THEN '1'
            WHEN a.name = 'entered_on' THEN $$date '2024-03-01'$$
            WHEN a.name = 'closed_on' THEN $$date '2024-03-10'$$
            -- SPEC §15 (win_calibration, isotonic_fit, forecast_backtest)
            WHEN a.name IN ('p', 'score') THEN '0.5::float8'
            WHEN a.name = 'bins' THEN '10'
            WHEN a.name IN ('actual', 'p50') THEN '100::numeric'
            WHEN a.name = 'p10' THEN '80::numeric'
            WHEN a.name = 'p90' THEN '120::numeric'
            -- §16: a short period, so that holidays can leave it too few counted days
            WHEN a.name = 'period_end' THEN $$date '2024-01-05'$$
            WHEN a.name = 'holidays' THEN $$'{2024-01-02}'::date[]$$
            WHEN a.name = 'quota' THEN '1000::numeric'
            WHEN a.name = 'ramp_share' THEN '0.5::float8'
            WHEN a.name = 'attainment_factor' THEN '1::float8'
            WHEN a.name = 'attainment' THEN '0.9::float8'
       END AS val,
       -- discount_floor may be NULL (no floor; sql/price_realization.sql checks it)
       a.name NOT IN ('ts', 'amount', 'frequency', 'recency', 't', 'probability', 'monetary',
                      'list_amount', 'net_amount', 'cost', 'discount_floor', 'created_on', 'won',
                      'first_touch_on', 'deal_id', 'stage', 'entered_on', 'closed_on', 'p',
                      'score', 'actual', 'p10', 'p50', 'p90', 'quota', 'ramp_share',
                      'attainment_factor', 'attainment', 'survivors')
       AND NOT (a.name = 'period' AND a.typ = 'integer') AS is_param
FROM pg_proc p
JOIN pg_aggregate g ON g.aggfnoid = p.oid
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'quota_ext',
LATERAL (SELECT i, p.proargnames[i] AS name, format_type(p.proargtypes[i - 1], NULL) AS typ
         FROM generate_series(1, p.pronargs) i) a
WHERE p.proname !~ '_merge$';

-- every argument has a value (a new aggregate with a new argument name
-- shows up here and needs a line above)
SELECT agg, arg FROM agg_args WHERE val IS NULL;

-- the call of agg with argument k replaced
CREATE FUNCTION pg_temp.call(a regprocedure, k int, repl text) RETURNS text LANGUAGE sql AS $$
    SELECT format('SELECT %s(%s)', (SELECT DISTINCT name FROM agg_args WHERE agg = a),
                  string_agg(CASE WHEN i = k THEN repl ELSE val END, ', ' ORDER BY i))
    FROM agg_args WHERE agg = a $$;

-- every aggregate runs with the valid values
SELECT agg, pg_temp.code(pg_temp.call(agg, 0, NULL)) AS code
FROM (SELECT DISTINCT agg FROM agg_args) s WHERE pg_temp.code(pg_temp.call(agg, 0, NULL)) <> 'no error';

-- 1. a NULL parameter: 22004, in every aggregate
SELECT pg_temp.code(pg_temp.call(agg, i, format('NULL::%s', typ))) AS code, count(*) AS calls,
       string_agg(DISTINCT arg, ', ' ORDER BY arg) AS parameters
FROM agg_args WHERE is_param GROUP BY 1 ORDER BY 1;

-- 2. a parameter that changes within a group: 22023, in every aggregate
SELECT pg_temp.code(replace(pg_temp.call(agg, i, 'v'), ')', ') FROM (VALUES (' || val || '), (' ||
           CASE typ WHEN 'date' THEN $$date '2024-03-30'$$ WHEN 'integer' THEN '4'
                    WHEN 'interval' THEN $$interval '2 days'$$ WHEN 'numeric' THEN '200::numeric'
                    WHEN 'date[]' THEN $$'{2024-01-03}'::date[]$$
                    ELSE '0.3::float8' END || ')) x(v)'))
       AS code, count(*) AS calls
FROM agg_args WHERE is_param GROUP BY 1 ORDER BY 1;

-- 3. a parameter out of its range: 22023
SELECT pg_temp.code(pg_temp.call(agg, i,
           CASE WHEN arg = 'sla_days' THEN '-1' ELSE
           CASE typ WHEN 'date' THEN $$date 'infinity'$$ WHEN 'integer' THEN CASE arg WHEN 'bins' THEN '0' ELSE '1' END
                    WHEN 'interval' THEN $$interval '-1 day'$$ WHEN 'numeric' THEN $$'NaN'::numeric$$
                    WHEN 'date[]' THEN $$'{2024-01-02,2024-01-03,2024-01-04}'::date[]$$
                    ELSE '1.5::float8' END END)) AS code,
       count(*) AS calls
FROM agg_args WHERE is_param GROUP BY 1 ORDER BY 1;

-- 4. states of every state type: malformed text 22P02, malformed binary
-- 22P03 (empty, and a single byte)
CREATE TEMP TABLE state_types AS
SELECT t.oid::regtype AS typ, t.typreceive::regproc AS recv
FROM pg_type t
JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'quota_ext'
WHERE t.typname ~ '_state$' AND t.typcategory <> 'A';  -- 18 records the array types as members too
SELECT count(*) AS state_types FROM state_types;
SELECT pg_temp.code(format('SELECT %L::%s', 'v1 garbage', typ)) AS text_code, count(*)
FROM state_types GROUP BY 1;
-- binary: COPY (FORMAT binary) of a bytea column read into a column of the
-- state type hands the bytes to its receive function
CREATE FUNCTION pg_temp.recv_code(typ regtype, b bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TEMP TABLE IF NOT EXISTS recv_target (v %s)', typ);
    EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)', b, '/tmp/quota_ext_regress_errors_' || pg_backend_pid() || '.bin');
    RETURN pg_temp.code(format('COPY recv_target FROM %L (FORMAT binary)', '/tmp/quota_ext_regress_errors_' || pg_backend_pid() || '.bin'));
END $$;
CREATE FUNCTION pg_temp.recv_codes(typ regtype) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
    r := pg_temp.recv_code(typ, ''::bytea) || ' ' || pg_temp.recv_code(typ, '\x01'::bytea);
    DROP TABLE recv_target;
    RETURN r;
END $$;
SELECT pg_temp.recv_codes(typ) AS binary_codes, count(*) FROM state_types GROUP BY 1;

-- 5. merging states built with different parameters: 22023, every _merge
-- aggregate (states from the _partial aggregates, one parameter changed)
SELECT pg_temp.code(format('SELECT %s(s) FROM (%s UNION ALL %s) x(s)',
           replace(a.name, '_partial', '_merge'),
           pg_temp.call(a.agg, 0, NULL), pg_temp.call(a.agg, a.i,
           CASE a.typ WHEN 'date' THEN $$date '2024-03-30'$$ WHEN 'integer' THEN '4'
                      WHEN 'interval' THEN $$interval '2 days'$$ WHEN 'numeric' THEN '200::numeric'
                      WHEN 'date[]' THEN $$'{2024-01-03}'::date[]$$
                      ELSE '0.3::float8' END))) AS code,
       count(*) AS merges, string_agg(DISTINCT replace(a.name, '_partial', '_merge'), ', ') AS aggregates
FROM agg_args a WHERE a.name ~ '_partial$' AND a.is_param GROUP BY 1 ORDER BY 1;
SELECT test_util.remove_backend_files() AS files_left;
