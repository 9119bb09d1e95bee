-- trigger: flag_reanimation() (SPEC §1)
CREATE TABLE deals (
    id int PRIMARY KEY,
    agreement float8,
    objections int,
    flagged boolean,
    flagged_since timestamptz
);
CREATE TRIGGER deals_flag BEFORE INSERT OR UPDATE ON deals
    FOR EACH ROW EXECUTE FUNCTION flag_reanimation('agreement', 'objections', 'flagged', '0.4', 'flagged_since');

-- insert: lift 0.3 -> flagged, since = transaction start; 0.6 -> not;
-- exactly 0.4 -> not; 0 objections -> not; NULL input -> NULL flag
BEGIN;
INSERT INTO deals(id, agreement, objections, flagged, flagged_since) VALUES
    (1, 0.6, 2, NULL, NULL),
    (2, 0.6, 1, true, now()),          -- user values are overwritten
    (3, 0.8, 2, NULL, NULL),
    (4, 0.2, 0, NULL, NULL),
    (5, NULL, 3, true, now()),
    (6, 0.5, NULL, NULL, NULL),
    (7, 0, 0, NULL, NULL);
SELECT id, flagged, flagged_since = transaction_timestamp() AS since_is_now
FROM deals ORDER BY id;
COMMIT;

-- the plain rule, row for row
SELECT count(*) FILTER (WHERE flagged IS DISTINCT FROM needs_reanimation(agreement, objections)) AS mismatch
FROM deals;

-- update life cycle of flagged_since: stays while flagged, NULL when cleared,
-- new time when raised again
CREATE TEMP TABLE since_1 AS SELECT flagged_since AS t FROM deals WHERE id = 1;
BEGIN;
UPDATE deals SET objections = 3 WHERE id = 1;      -- 0.2: still flagged
SELECT flagged, flagged_since = (SELECT t FROM since_1) AS kept,
       flagged_since < transaction_timestamp() AS older
FROM deals WHERE id = 1;
COMMIT;
UPDATE deals SET objections = 1 WHERE id = 1;      -- 0.6: cleared
SELECT flagged, flagged_since IS NULL AS since_null FROM deals WHERE id = 1;
BEGIN;
UPDATE deals SET agreement = 0.1 WHERE id = 1;     -- raised again
SELECT flagged, flagged_since = transaction_timestamp() AS since_is_now FROM deals WHERE id = 1;
COMMIT;
-- a user cannot forge the time while the flag stays up
UPDATE deals SET flagged_since = '2000-01-01' WHERE id = 1;
SELECT flagged_since > '2000-01-01' AS not_forged FROM deals WHERE id = 1;
-- flag NULL (input NULL) clears since
UPDATE deals SET agreement = NULL WHERE id = 1;
SELECT flagged IS NULL AS flag_null, flagged_since IS NULL AS since_null FROM deals WHERE id = 1;
-- updating an unrelated column keeps everything
UPDATE deals SET objections = objections WHERE id = 3;
SELECT flagged FROM deals WHERE id = 3;

-- bad data in a row is refused like a bad argument
SELECT test_util.err('INSERT INTO deals(id, agreement, objections) VALUES (100, 40, 1)');
SELECT test_util.err('UPDATE deals SET objections = -1 WHERE id = 3');

-- three arguments (default threshold 0.4), other accepted column types
CREATE TABLE deals2 (agreement numeric, objections smallint, flag boolean);
CREATE TRIGGER t2 BEFORE INSERT OR UPDATE ON deals2
    FOR EACH ROW EXECUTE FUNCTION flag_reanimation('agreement', 'objections', 'flag');
INSERT INTO deals2 VALUES (0.79, 2, NULL), (0.8, 2, NULL), (1, 0, NULL);
SELECT agreement, objections, flag FROM deals2 ORDER BY agreement;
-- four arguments: custom threshold; real and bigint columns
CREATE TABLE deals3 (agreement real, objections bigint, flag boolean);
CREATE TRIGGER t3 BEFORE INSERT ON deals3
    FOR EACH ROW EXECUTE FUNCTION flag_reanimation('agreement', 'objections', 'flag', '0.7');
INSERT INTO deals3 VALUES (0.6, 1, NULL), (0.75, 1, NULL);
SELECT agreement, flag FROM deals3 ORDER BY agreement;
-- a quoted column name with a capital letter and a space
CREATE TABLE deals4 ("Agreement %" float8, "open objections" int, "Flag" boolean);
CREATE TRIGGER t4 BEFORE INSERT ON deals4
    FOR EACH ROW EXECUTE FUNCTION flag_reanimation('Agreement %', 'open objections', 'Flag');
INSERT INTO deals4 VALUES (0.1, 1, NULL);
SELECT "Flag" FROM deals4;

-- misuse: each raises a clear error with its SQLSTATE
CREATE TABLE misuse (agreement float8, objections int, flag boolean, since timestamptz,
                     txt text, other int);
INSERT INTO misuse VALUES (0.5, 1, NULL, NULL, 'x', 1);
CREATE TRIGGER m BEFORE INSERT OR UPDATE ON misuse
    FOR EACH ROW EXECUTE FUNCTION flag_reanimation('agreement', 'objections', 'flag');
DROP TRIGGER m ON misuse;
-- AFTER
CREATE TRIGGER m AFTER INSERT ON misuse
    FOR EACH ROW EXECUTE FUNCTION flag_reanimation('agreement', 'objections', 'flag');
SELECT test_util.err('INSERT INTO misuse(agreement, objections) VALUES (0.1, 1)');
DROP TRIGGER m ON misuse;
-- statement level
CREATE TRIGGER m BEFORE INSERT ON misuse
    FOR EACH STATEMENT EXECUTE FUNCTION flag_reanimation('agreement', 'objections', 'flag');
SELECT test_util.err('INSERT INTO misuse(agreement, objections) VALUES (0.1, 1)');
DROP TRIGGER m ON misuse;
-- DELETE
CREATE TRIGGER m BEFORE DELETE ON misuse
    FOR EACH ROW EXECUTE FUNCTION flag_reanimation('agreement', 'objections', 'flag');
SELECT test_util.err('DELETE FROM misuse');
DROP TRIGGER m ON misuse;
-- unknown column, misspelt column, wrong types, bad threshold, wrong arity
CREATE FUNCTION pg_temp.try_trigger(args text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    e text;
BEGIN
    EXECUTE 'CREATE TRIGGER m BEFORE INSERT ON misuse FOR EACH ROW EXECUTE FUNCTION flag_reanimation(' || args || ')';
    e := test_util.err('INSERT INTO misuse(agreement, objections) VALUES (0.1, 1)');
    DROP TRIGGER m ON misuse;
    RETURN e;
END $$;
SELECT a AS trigger_args, pg_temp.try_trigger(a) AS error FROM (VALUES
  ('''agreemnt'', ''objections'', ''flag'''),
  ('''agreement'', ''objection'', ''flag'''),
  ('''agreement'', ''objections'', ''flg'''),
  ('''agreement'', ''objections'', ''flag'', ''0.4'', ''sinse'''),
  ('''ctid'', ''objections'', ''flag'''),
  ('''txt'', ''objections'', ''flag'''),
  ('''agreement'', ''agreement'', ''flag'''),
  ('''agreement'', ''objections'', ''other'''),
  ('''agreement'', ''objections'', ''flag'', ''0.4'', ''txt'''),
  ('''agreement'', ''objections'', ''flag'', ''0'''),
  ('''agreement'', ''objections'', ''flag'', ''-1'''),
  ('''agreement'', ''objections'', ''flag'', ''abc'''),
  ('''agreement'', ''objections'', ''flag'', ''NaN'''),
  ('''agreement'', ''objections'', ''flag'', ''Infinity'''),
  ('''agreement'', ''objections'', ''flag'', ''0.4x'''),
  ('''agreement'', ''objections'''),
  ('''agreement'', ''objections'', ''flag'', ''0.4'', ''since'', ''extra''')) t(a);
-- the failed inserts left nothing behind
SELECT count(*) AS rows_left FROM misuse;
-- called as a plain function
SELECT test_util.err('SELECT flag_reanimation()');

-- Thresholds the float reader of the state codec reads: a subnormal is a
-- valid threshold greater than 0 (1e-310: lift 0.5 is not below it, so no
-- flag), -0 is not greater than 0, a number past float8's range is refused;
-- long arguments are quoted briefly (at most 40 characters and "...").
SELECT left(a, 60) AS a, pg_temp.try_trigger(a) FROM (VALUES
  ('''agreement'', ''objections'', ''flag'', ''1e-310'''),
  ('''agreement'', ''objections'', ''flag'', ''-0'''),
  ('''agreement'', ''objections'', ''flag'', ''1e-400'''),
  ('''agreement'', ''objections'', ''flag'', ''' || repeat('9', 400) || 'x''')) t(a);
SELECT length(pg_temp.try_trigger('''' || repeat('c', 5000) || ''', ''objections'', ''flag''')) < 250
       AS long_column_quoted_briefly;
-- a numeric agreement past float8's range: the error prints it briefly
CREATE TABLE big_agreement (agreement numeric, objections int, flag boolean);
CREATE TRIGGER b BEFORE INSERT ON big_agreement
    FOR EACH ROW EXECUTE FUNCTION flag_reanimation('agreement', 'objections', 'flag');
SELECT test_util.err('INSERT INTO big_agreement VALUES (1e400, 1)');
INSERT INTO big_agreement VALUES (1e-400, 1) RETURNING flag;
DROP TABLE big_agreement;
