-- segment_change: flag_segment_change() (SPEC §12)
CREATE TABLE seg_customers (
    customer_id int PRIMARY KEY,
    kinetic text,
    kinetic_prev text,
    kinetic_since timestamptz,
    kinetic_dir text,
    revenue numeric
);
CREATE TRIGGER cust_seg_change BEFORE INSERT OR UPDATE ON seg_customers
    FOR EACH ROW EXECUTE FUNCTION flag_segment_change('kinetic', 'kinetic', 'kinetic_prev',
                                                      'kinetic_since', 'kinetic_dir');
-- a view of the tracking columns, since shown against the transaction time
CREATE VIEW seg_state AS
SELECT customer_id, kinetic, kinetic_prev AS prev, kinetic_dir AS dir,
       CASE WHEN kinetic_since IS NULL THEN 'null'
            WHEN kinetic_since = transaction_timestamp() THEN 'now'
            ELSE 'earlier' END AS since
FROM seg_customers;

-- insert: previous and direction NULL, since now, whatever the statement wrote
BEGIN;
INSERT INTO seg_customers VALUES
    (1, 'steady', NULL, NULL, NULL, 100),
    (2, 'fading', 'new', '2000-01-01', 'up', 200),
    (3, NULL, NULL, NULL, NULL, 0),
    (4, 'Whales', NULL, NULL, NULL, 50),
    (5, 'growing', NULL, NULL, NULL, 70),
    (6, 'lost', NULL, NULL, NULL, 0);
SELECT * FROM seg_state ORDER BY customer_id;
COMMIT;
CREATE TEMP TABLE first_since AS SELECT customer_id, kinetic_since FROM seg_customers;

-- change up (fading -> growing), change down (steady -> fading), from NULL,
-- to NULL, to and from codes the catalog does not know, up from lost
BEGIN;
UPDATE seg_customers SET kinetic = 'growing' WHERE customer_id = 2;
UPDATE seg_customers SET kinetic = 'fading' WHERE customer_id = 1;
UPDATE seg_customers SET kinetic = 'new' WHERE customer_id = 3;
UPDATE seg_customers SET kinetic = NULL WHERE customer_id = 5;
UPDATE seg_customers SET kinetic = 'Minnows' WHERE customer_id = 4;
UPDATE seg_customers SET kinetic = 'returning' WHERE customer_id = 6;
SELECT * FROM seg_state ORDER BY customer_id;
COMMIT;
SELECT count(*) FILTER (WHERE c.kinetic_since > f.kinetic_since) AS later_than_insert
FROM seg_customers c JOIN first_since f USING (customer_id);
CREATE TEMP TABLE second_since AS SELECT customer_id, kinetic_since FROM seg_customers;

-- no change: the statement overwrites the tracking columns, the trigger keeps
-- the old values; an update of another column keeps them too
UPDATE seg_customers SET kinetic = kinetic, kinetic_prev = 'forged', kinetic_since = '2000-01-01',
                    kinetic_dir = 'sideways';
UPDATE seg_customers SET revenue = revenue + 1;
SELECT c.customer_id, c.kinetic, c.kinetic_prev AS prev, c.kinetic_dir AS dir,
       c.kinetic_since = s.kinetic_since AS since_kept
FROM seg_customers c JOIN second_since s USING (customer_id) ORDER BY customer_id;
-- NULL to NULL is no change either
UPDATE seg_customers SET kinetic = NULL, kinetic_dir = 'x' WHERE customer_id = 5;
SELECT kinetic_prev, kinetic_dir FROM seg_customers WHERE customer_id = 5;
-- a change back from NULL: previous NULL, direction NULL
BEGIN;
UPDATE seg_customers SET kinetic = 'steady' WHERE customer_id = 5;
SELECT * FROM seg_state WHERE customer_id = 5;
COMMIT;
-- the direction is segment_direction(kind, old, new), every pair of kinetic codes
CREATE TEMP TABLE pairs AS
SELECT a.code AS from_code, b.code AS to_code
FROM quota_labels a JOIN quota_labels b USING (kind) WHERE kind = 'kinetic' AND a.code <> b.code;
CREATE TEMP TABLE moves(from_code text, to_code text, prev text, dir text);
DO $$
DECLARE
    p record;
BEGIN
    FOR p IN SELECT * FROM pairs LOOP
        UPDATE seg_customers SET kinetic = p.from_code WHERE customer_id = 1;
        UPDATE seg_customers SET kinetic = p.to_code WHERE customer_id = 1;
        INSERT INTO moves SELECT p.from_code, p.to_code, kinetic_prev, kinetic_dir
        FROM seg_customers WHERE customer_id = 1;
    END LOOP;
END $$;
-- by rank: new 1, growing 2, returning 3, steady 4, fading 5, lost 6; 15 pairs up, 15 down
SELECT count(*) AS moves,
       count(*) FILTER (WHERE prev IS DISTINCT FROM from_code) AS prev_wrong,
       count(*) FILTER (WHERE dir IS DISTINCT FROM segment_direction('kinetic', from_code, to_code)) AS dir_mismatch,
       count(*) FILTER (WHERE dir = 'up') AS up, count(*) FILTER (WHERE dir = 'down') AS down
FROM moves;

-- the nightly upsert: INSERT ... ON CONFLICT DO UPDATE runs the trigger on
-- the insert of new customers and on the update of existing ones
UPDATE seg_customers SET kinetic = 'steady' WHERE customer_id = 1;
CREATE TEMP TABLE before_upsert AS SELECT customer_id, kinetic_since FROM seg_customers;
BEGIN;
INSERT INTO seg_customers AS c (customer_id, kinetic, revenue)
VALUES (1, 'steady', 101), (2, 'fading', 150), (7, 'new', 10)
ON CONFLICT (customer_id) DO UPDATE SET kinetic = EXCLUDED.kinetic, revenue = EXCLUDED.revenue;
SELECT s.*, c.revenue FROM seg_state s JOIN seg_customers c USING (customer_id)
WHERE customer_id IN (1, 2, 7) ORDER BY customer_id;
COMMIT;
SELECT c.kinetic_since = b.kinetic_since AS unchanged_row_keeps_since
FROM seg_customers c JOIN before_upsert b USING (customer_id) WHERE customer_id = 1;

-- four arguments (no direction column), varchar columns, quoted names, rfm codes
CREATE TABLE seg_rfm_now ("Customer" int PRIMARY KEY, "RFM segment" varchar(40),
                      "was" varchar(40), "changed at" timestamptz);
CREATE TRIGGER t BEFORE INSERT OR UPDATE ON seg_rfm_now
    FOR EACH ROW EXECUTE FUNCTION flag_segment_change('RFM segment', 'rfm', 'was', 'changed at');
INSERT INTO seg_rfm_now VALUES (1, 'Champions', 'x', NULL);
UPDATE seg_rfm_now SET "RFM segment" = 'At Risk';
SELECT "RFM segment", "was", "changed at" IS NOT NULL AS stamped FROM seg_rfm_now;
-- codes of another kind than the trigger's: the change is kept, the direction unknown
CREATE TABLE seg_heat_now (id int, zone text, prev text, since timestamptz, dir varchar(4));
CREATE TRIGGER t BEFORE INSERT OR UPDATE ON seg_heat_now
    FOR EACH ROW EXECUTE FUNCTION flag_segment_change('zone', 'heat', 'prev', 'since', 'dir');
INSERT INTO seg_heat_now VALUES (1, 'amber');
UPDATE seg_heat_now SET zone = 'red';
SELECT zone, prev, dir FROM seg_heat_now;
UPDATE seg_heat_now SET zone = 'steady';
SELECT zone, prev, dir FROM seg_heat_now;
UPDATE seg_heat_now SET zone = 'green';
UPDATE seg_heat_now SET zone = 'red';
SELECT zone, prev, dir FROM seg_heat_now;

-- seg_misuse: each raises a clear error with its SQLSTATE
CREATE TABLE seg_misuse (seg text, prev text, since timestamptz, dir text, n int,
                     ts timestamp, vc varchar(40), short varchar(3));
INSERT INTO seg_misuse VALUES ('new');
-- AFTER, statement level, DELETE
CREATE TRIGGER m AFTER INSERT ON seg_misuse
    FOR EACH ROW EXECUTE FUNCTION flag_segment_change('seg', 'kinetic', 'prev', 'since');
SELECT test_util.err('INSERT INTO seg_misuse(seg) VALUES (''new'')');
DROP TRIGGER m ON seg_misuse;
CREATE TRIGGER m BEFORE UPDATE ON seg_misuse
    FOR EACH STATEMENT EXECUTE FUNCTION flag_segment_change('seg', 'kinetic', 'prev', 'since');
SELECT test_util.err('UPDATE seg_misuse SET seg = ''lost''');
DROP TRIGGER m ON seg_misuse;
CREATE TRIGGER m BEFORE DELETE ON seg_misuse
    FOR EACH ROW EXECUTE FUNCTION flag_segment_change('seg', 'kinetic', 'prev', 'since');
SELECT test_util.err('DELETE FROM seg_misuse');
DROP TRIGGER m ON seg_misuse;
-- arguments: unknown columns, wrong types, unknown kind, arity, one column twice
CREATE FUNCTION pg_temp.try_trigger(args text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    e text;
BEGIN
    EXECUTE 'CREATE TRIGGER m BEFORE INSERT OR UPDATE ON seg_misuse FOR EACH ROW EXECUTE FUNCTION flag_segment_change(' || args || ')';
    e := test_util.err('UPDATE seg_misuse SET seg = ''lost''');
    DROP TRIGGER m ON seg_misuse;
    RETURN e;
END $$;
SELECT a AS trigger_args, pg_temp.try_trigger(a) AS error FROM (VALUES
  ('''segment'', ''kinetic'', ''prev'', ''since'''),
  ('''seg'', ''kinetic'', ''previous'', ''since'''),
  ('''seg'', ''kinetic'', ''prev'', ''sinse'''),
  ('''seg'', ''kinetic'', ''prev'', ''since'', ''direction'''),
  ('''n'', ''kinetic'', ''prev'', ''since'''),
  ('''seg'', ''kinetic'', ''n'', ''since'''),
  ('''seg'', ''kinetic'', ''vc'', ''since'''),
  ('''seg'', ''kinetic'', ''prev'', ''ts'''),
  ('''seg'', ''kinetic'', ''prev'', ''since'', ''n'''),
  ('''seg'', ''kinetic'', ''prev'', ''since'', ''short'''),
  ('''seg'', ''kinetics'', ''prev'', ''since'''),
  ('''seg'', '''', ''prev'', ''since'''),
  ('''seg'', ''kinetic'', ''seg'', ''since'''),
  ('''seg'', ''kinetic'', ''prev'', ''since'', ''prev'''),
  ('''seg'', ''kinetic'', ''prev'''),
  ('''seg'', ''kinetic'', ''prev'', ''since'', ''dir'', ''extra''')) t(a);
-- the failed statements changed nothing
SELECT seg, prev, since, dir FROM seg_misuse;
-- called as a plain function
SELECT test_util.err('SELECT flag_segment_change()');
