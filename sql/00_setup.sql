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
SELECT test_util.err('SELECT 1/0') AS division_by_zero;
SELECT test_util.err('SELECT 1') AS fine;
