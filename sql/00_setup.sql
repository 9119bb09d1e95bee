-- 00_setup: helpers the other test files share (runs first).
-- test_util.err(sql) runs a statement and returns "SQLSTATE: message" and the
-- hint of the error it raised, or 'no error', so bad-argument tests show the
-- code without psql's source locations.
CREATE SCHEMA test_util;
CREATE FUNCTION test_util.err(stmt text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    st text; msg text; hint text;
BEGIN
    EXECUTE stmt;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
    RETURN st || ': ' || msg || CASE WHEN hint <> '' THEN ' | hint: ' || hint ELSE '' END;
END $$;
-- test_util.remove_backend_files() removes the files this session's
-- COPY ... TO wrote into the server's /tmp (named
-- /tmp/quota_ext_regress_<what>_<backend pid>.bin, so that suites running
-- side by side do not meet) and returns how many of them are left: 0.  The
-- suites that write such files call it last, so a run leaves none behind.
-- (COPY TO PROGRAM: run as the superuser that runs the suites.)
CREATE FUNCTION test_util.remove_backend_files() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT 1) TO PROGRAM %L',
                   'rm -f /tmp/quota_ext_regress_*_' || pg_backend_pid() || '.bin');
    RETURN (SELECT count(*) FROM pg_ls_dir('/tmp') f
            WHERE f ~ ('^quota_ext_regress_.*_' || pg_backend_pid() || '\.bin$'));
END $$;
SELECT test_util.err('SELECT 1/0') AS division_by_zero;
SELECT test_util.err('SELECT 1') AS fine;
