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
-- by rank alone, but out of new up to growing, returning, steady (issue 19): 18 up, 12 down
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

-- issue 19 item 11: an unknown kind of 10,000 characters is quoted cut short
SELECT length(pg_temp.try_trigger('''seg'', ''' || repeat('k', 10000) || ''', ''prev'', ''since''')) < 300
       AS kind_message_short;
-- issue 19 item 8: the columns the trigger writes must not be generated
CREATE TABLE seg_gen_prev (seg text, since timestamptz, prev text GENERATED ALWAYS AS (seg || '?') STORED);
CREATE TRIGGER m BEFORE INSERT OR UPDATE ON seg_gen_prev
    FOR EACH ROW EXECUTE FUNCTION flag_segment_change('seg', 'kinetic', 'prev', 'since');
SELECT test_util.err('INSERT INTO seg_gen_prev(seg) VALUES (''new'')');

-- issue 19 item 8: a STORED generated segment column (from rfm_segment) is
-- followed like any other.  By hand (SPEC §3's default map): scores 5,5,5
-- are Champions (rank 1); 1,1,1 Lost (rank 10): down; 1,1,2 is still Lost:
-- no change, previous, since and direction kept; 5,5,5 again: up from Lost.
CREATE TABLE seg_gen (id int PRIMARY KEY, r int, f int, m int,
    seg text GENERATED ALWAYS AS (rfm_segment(r, f, m)) STORED,
    prev text, since timestamptz, dir text);
CREATE TRIGGER seg_gen_change BEFORE INSERT OR UPDATE ON seg_gen
    FOR EACH ROW EXECUTE FUNCTION flag_segment_change('seg', 'rfm', 'prev', 'since', 'dir');
INSERT INTO seg_gen(id, r, f, m) VALUES (1, 5, 5, 5);
SELECT seg, prev, dir, since IS NOT NULL AS since_set FROM seg_gen;
-- (since set back to 2000 with the trigger off, to see it move or stay)
SET session_replication_role = replica;
UPDATE seg_gen SET since = '2000-01-01';
RESET session_replication_role;
UPDATE seg_gen SET r = 1, f = 1, m = 1;
SELECT seg, prev, dir, since > '2000-01-01' AS since_now FROM seg_gen;
SET session_replication_role = replica;
UPDATE seg_gen SET since = '2000-01-01';
RESET session_replication_role;
UPDATE seg_gen SET m = 2, prev = 'forged', dir = 'x';
SELECT seg, prev, dir, since = '2000-01-01' AS since_kept FROM seg_gen;
UPDATE seg_gen SET r = 5, f = 5, m = 5;
SELECT seg, prev, dir FROM seg_gen;

-- issue 19 item 8: a table partitioned by segment.  An update that moves a row
-- to another partition is a DELETE and an INSERT there; the INSERT keeps what
-- the update set (previous, since, direction), as SPEC §12 asks
CREATE TABLE seg_part (id int, seg text, prev text, since timestamptz, dir text, region text)
    PARTITION BY LIST (seg);
CREATE TABLE seg_part_good PARTITION OF seg_part FOR VALUES IN ('new', 'growing', 'returning');
CREATE TABLE seg_part_bad PARTITION OF seg_part FOR VALUES IN ('steady', 'fading', 'lost');
CREATE TRIGGER seg_part_change BEFORE INSERT OR UPDATE ON seg_part
    FOR EACH ROW EXECUTE FUNCTION flag_segment_change('seg', 'kinetic', 'prev', 'since', 'dir');
INSERT INTO seg_part(id, seg) VALUES (1, 'growing'), (2, 'steady'), (3, 'new');
SET session_replication_role = replica;
UPDATE seg_part SET since = '2000-01-01';
RESET session_replication_role;
BEGIN;
-- 1 moves good -> bad (growing -> fading: down); 2 bad -> good (steady ->
-- returning: up); 3 stays in good (new -> growing: up, SPEC §12 amended)
UPDATE seg_part SET seg = CASE id WHEN 1 THEN 'fading' WHEN 2 THEN 'returning' ELSE 'growing' END;
SELECT tableoid::regclass AS part, id, seg, prev, dir, since = transaction_timestamp() AS since_now
FROM seg_part ORDER BY id;
COMMIT;
-- a later plain INSERT in the same transaction as a move is an INSERT
BEGIN;
UPDATE seg_part SET seg = 'lost' WHERE id = 2;
INSERT INTO seg_part(id, seg, prev, dir) VALUES (4, 'lost', 'returning', 'down');
SELECT tableoid::regclass AS part, id, seg, prev, dir FROM seg_part WHERE id IN (2, 4) ORDER BY id;
COMMIT;
-- a table partitioned by another column: a move that keeps the segment keeps
-- all three as they were
CREATE TABLE seg_region (id int, seg text, prev text, since timestamptz, dir text, region text)
    PARTITION BY LIST (region);
CREATE TABLE seg_region_e PARTITION OF seg_region FOR VALUES IN ('east');
CREATE TABLE seg_region_w PARTITION OF seg_region FOR VALUES IN ('west');
CREATE TRIGGER seg_region_change BEFORE INSERT OR UPDATE ON seg_region
    FOR EACH ROW EXECUTE FUNCTION flag_segment_change('seg', 'kinetic', 'prev', 'since', 'dir');
INSERT INTO seg_region VALUES (1, 'steady', NULL, NULL, NULL, 'east');
UPDATE seg_region SET seg = 'lost';
SET session_replication_role = replica;
UPDATE seg_region SET since = '2000-01-01';
RESET session_replication_role;
UPDATE seg_region SET region = 'west';
SELECT tableoid::regclass AS part, seg, prev, dir, since = '2000-01-01' AS since_kept FROM seg_region;
-- moved and changed at once: lost -> fading is up
UPDATE seg_region SET region = 'east', seg = 'fading';
SELECT tableoid::regclass AS part, seg, prev, dir, since > '2000-01-01' AS since_now FROM seg_region;
-- a failed move leaves nothing pending: a value with no partition errs, and
-- the next INSERT in a new statement is a plain INSERT
SELECT test_util.err('UPDATE seg_part SET seg = ''Whales'' WHERE id = 1');
INSERT INTO seg_part(id, seg, prev, dir) VALUES (5, 'fading', 'growing', 'down');
SELECT id, seg, prev, dir FROM seg_part WHERE id = 5;
