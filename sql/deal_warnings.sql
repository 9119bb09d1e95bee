-- deal_warnings: deal_warnings() and the flag_deal_warnings() trigger (SPEC §14)

-- The rules of SPEC §14 written again in plain SQL, one CASE per code, and
-- put in the order of the label catalog (quota_labels), not of the C code:
-- the CASEs are listed in the catalog's rank order, which the query after
-- the function checks against quota_labels (a plain expression, so the
-- function is inlined into the 43480-row grid check below instead of
-- running a sub-select joined with the catalog per row)
CREATE FUNCTION pg_temp.ref_warnings(as_of date, next_contact date, problem text, promise_due date,
                                     temperature text, lift float8, last_activity date,
                                     stage_entered date, stage_norm_days int, close_date date,
                                     pushes int, contacts int, stale_days int, lift_threshold float8)
RETURNS text[] LANGUAGE sql AS $$
SELECT CASE WHEN as_of IS NULL THEN NULL ELSE array_remove(ARRAY[
        CASE WHEN next_contact < as_of THEN 'next_step_overdue' END,
        CASE WHEN next_contact IS NULL THEN 'no_next_step' END,
        CASE WHEN promise_due < as_of THEN 'promise_overdue' END,
        CASE WHEN close_date < as_of THEN 'past_close_date' END,
        CASE WHEN lift < lift_threshold THEN 'reanimation' END,
        CASE WHEN temperature = 'cold' THEN 'cold' END,
        CASE WHEN last_activity < as_of - stale_days THEN 'no_activity' END,
        CASE WHEN stage_entered < as_of - stage_norm_days THEN 'stalled_in_stage' END,
        CASE WHEN pushes >= 2 THEN 'pushed' END,
        CASE WHEN contacts <= 1 THEN 'single_threaded' END,
        CASE WHEN problem IS NULL OR btrim(problem, E' \t\n\r\f' || chr(11)) = '' THEN 'no_problem' END,
        CASE WHEN temperature IS NULL THEN 'no_temperature' END,
        CASE WHEN lift IS NULL THEN 'no_lift' END]::text[], NULL) END
$$;
-- the order of the CASEs above is the catalog's
SELECT array_agg(code ORDER BY rank) = '{next_step_overdue,no_next_step,promise_overdue,past_close_date,reanimation,cold,no_activity,stalled_in_stage,pushed,single_threaded,no_problem,no_temperature,no_lift}'
       AS ref_in_catalog_order
FROM quota_labels WHERE kind = 'deal_warning';

-- The catalog kinds: codes in rank order, every code with en/ru/bg
SELECT kind, rank, code, color, en, ru, bg FROM quota_labels
WHERE kind IN ('temperature', 'deal_warning') ORDER BY kind COLLATE "C" DESC, rank;
-- deal_warning colours are all warning colours (red > blue, no green cast)
-- and darker for the more urgent: the brightness r+g+b grows with the rank
SELECT count(*) AS warning_codes,
       bool_and(get_byte(decode(substr(color, 2), 'hex'), 0) > get_byte(decode(substr(color, 2), 'hex'), 2)
                AND get_byte(decode(substr(color, 2), 'hex'), 0) >= get_byte(decode(substr(color, 2), 'hex'), 1))
           AS all_warm,
       bool_and(b > prev_b) FILTER (WHERE prev_b IS NOT NULL) AS lighter_down_the_list
FROM (SELECT color, b, lag(b) OVER (ORDER BY rank) AS prev_b
      FROM (SELECT color, rank, get_byte(decode(substr(color, 2), 'hex'), 0)
                                + get_byte(decode(substr(color, 2), 'hex'), 1)
                                + get_byte(decode(substr(color, 2), 'hex'), 2) AS b
            FROM quota_labels WHERE kind = 'deal_warning') s) s;
-- temperature is a segment kind: a cooling deal goes down, like a fading customer
SELECT segment_direction('temperature', 'warm', 'cold') AS warm_cold,
       segment_direction('temperature', 'cool', 'hot') AS cool_hot,
       segment_direction('temperature', 'cool', 'cool') AS same,
       segment_direction('temperature', 'warm', 'tepid') AS unknown;

-- Each code alone.  As of 2026-06-15 a clean diary: contact tomorrow, a
-- problem, nothing promised, warm, lift 1; then one thing wrong per row.
CREATE TEMP TABLE alone(expect text, w text[]);
INSERT INTO alone VALUES
 ('none', deal_warnings('2026-06-15', '2026-06-16', 'budget', NULL, 'warm', 1)),
 ('next_step_overdue', deal_warnings('2026-06-15', '2026-06-14', 'budget', NULL, 'warm', 1)),
 ('no_next_step', deal_warnings('2026-06-15', NULL, 'budget', NULL, 'warm', 1)),
 ('promise_overdue', deal_warnings('2026-06-15', '2026-06-16', 'budget', '2026-06-14', 'warm', 1)),
 ('past_close_date', deal_warnings('2026-06-15', '2026-06-16', 'budget', NULL, 'warm', 1, close_date => '2026-06-14')),
 ('reanimation', deal_warnings('2026-06-15', '2026-06-16', 'budget', NULL, 'warm', 0.39)),
 ('cold', deal_warnings('2026-06-15', '2026-06-16', 'budget', NULL, 'cold', 1)),
 ('no_activity', deal_warnings('2026-06-15', '2026-06-16', 'budget', NULL, 'warm', 1, last_activity => '2026-05-31')),
 ('stalled_in_stage', deal_warnings('2026-06-15', '2026-06-16', 'budget', NULL, 'warm', 1, stage_entered => '2026-06-04', stage_norm_days => 10)),
 ('pushed', deal_warnings('2026-06-15', '2026-06-16', 'budget', NULL, 'warm', 1, pushes => 2)),
 ('single_threaded', deal_warnings('2026-06-15', '2026-06-16', 'budget', NULL, 'warm', 1, contacts => 1)),
 ('no_problem', deal_warnings('2026-06-15', '2026-06-16', NULL, NULL, 'warm', 1)),
 ('no_temperature', deal_warnings('2026-06-15', '2026-06-16', 'budget', NULL, NULL, 1)),
 ('no_lift', deal_warnings('2026-06-15', '2026-06-16', 'budget', NULL, 'warm', NULL));
SELECT expect, w FROM alone;
SELECT count(*) FILTER (WHERE w IS DISTINCT FROM CASE expect WHEN 'none' THEN '{}' ELSE ARRAY[expect] END) AS mismatch,
       count(DISTINCT expect) - 1 AS codes_alone
FROM alone;

-- Everything at once, hand-checked: every rule but the NULL ones fires,
-- in catalog order (as_of 2026-06-15, stale 14 so activity before 06-01)
SELECT deal_warnings('2026-06-15', '2026-06-01', '   ', '2026-06-01', 'cold', 0.1,
                     '2026-05-01', '2026-05-01', 30, '2026-06-01', 5, 0) AS all_but_nulls;
-- and the four NULL warnings of an empty diary
SELECT deal_warnings('2026-06-15', NULL, NULL, NULL, NULL, NULL) AS empty_diary;

-- Boundary days (as_of 2026-06-15), hand-checked: "before as_of" is strict,
-- and last_activity exactly stale_days before as_of is not yet stale
SELECT deal_warnings('2026-06-15', '2026-06-15', 'x', '2026-06-15', 'hot', 1,
                     close_date => '2026-06-15') AS as_of_itself_is_fine,
       deal_warnings('2026-06-15', '2026-06-16', 'x', NULL, 'hot', 1,
                     last_activity => '2026-06-01') AS stale_days_exactly,
       deal_warnings('2026-06-15', '2026-06-16', 'x', NULL, 'hot', 1,
                     last_activity => '2026-05-31') AS one_day_more,
       deal_warnings('2026-06-15', '2026-06-16', 'x', NULL, 'hot', 1,
                     last_activity => '2026-06-15', stale_days => 0) AS stale_0_today,
       deal_warnings('2026-06-15', '2026-06-16', 'x', NULL, 'hot', 1,
                     last_activity => '2026-06-14', stale_days => 0) AS stale_0_yesterday,
       deal_warnings('2026-06-15', '2026-06-16', 'x', NULL, 'hot', 1,
                     stage_entered => '2026-06-05', stage_norm_days => 10) AS norm_exactly,
       deal_warnings('2026-06-15', '2026-06-16', 'x', NULL, 'hot', 0.4) AS lift_at_threshold,
       deal_warnings('2026-06-15', '2026-06-16', 'x', NULL, 'hot', 'Infinity') AS lift_infinite,
       deal_warnings('2026-06-15', '2026-06-16', 'x', NULL, 'hot', 0,
                     lift_threshold => 1e-300) AS lift_0,
       deal_warnings('2026-06-15', '2026-06-16', 'x', NULL, 'hot', 1, pushes => 1, contacts => 2)
           AS pushed_once_two_contacts;
-- Blank problems: ASCII white space (space, tab, line feed, carriage return,
-- form feed, vertical tab; shown as _TNRFV) is blank; a dot or a letter is not
SELECT translate(p, E' \t\n\r\f' || chr(11), '_TNRFV') AS p_shown, deal_warnings('2026-06-15', '2026-06-16', p, NULL, 'hot', 1) AS w
FROM (VALUES (''), (' '), (E'\t\n\r\f' || chr(11)), ('.'), (' x '), ('v')) v(p);

-- NULL optional arguments are not tracked: no warning however old the dates
SELECT deal_warnings('2026-06-15', '2026-06-16', 'x', NULL, 'hot', 1, '1990-01-01', stale_days => NULL) AS stale_null,
       deal_warnings('2026-06-15', '2026-06-16', 'x', NULL, 'hot', 1, stage_entered => '1990-01-01') AS norm_null,
       deal_warnings('2026-06-15', '2026-06-16', 'x', NULL, 'hot', 1, stage_norm_days => 0) AS entered_null,
       deal_warnings('2026-06-15', '2026-06-16', 'x', NULL, 'hot', 0, lift_threshold => NULL) AS threshold_null,
       deal_warnings('2026-06-15', '2026-06-16', 'x', NULL, 'hot', NULL, lift_threshold => NULL) AS threshold_null_lift_null,
       deal_warnings('2026-06-15', '2026-06-16', 'x', NULL, 'hot', 1, close_date => NULL, pushes => NULL,
                     contacts => NULL, last_activity => NULL) AS all_null,
       deal_warnings(NULL, NULL, NULL, NULL, NULL, NULL) IS NULL AS as_of_null;

-- The grids against the plain-SQL rules.  1: the diary (every value of the
-- five metrics around as_of), the optional arguments at their defaults.
CREATE TEMP TABLE grid AS
SELECT date '2026-06-15' AS as_of, nc, p, pd, t, l,
       NULL::date AS la, NULL::date AS se, NULL::int AS snd, NULL::date AS cd,
       NULL::int AS pu, NULL::int AS co, 14 AS sd, 0.4::float8 AS lt
FROM unnest(ARRAY[NULL, '2026-06-14', '2026-06-15', '2026-06-16', '-infinity', 'infinity']::date[]) nc,
     unnest(ARRAY[NULL, '', E' \t', chr(11), 'v', 'no budget this year']) p,
     unnest(ARRAY[NULL, '2026-06-14', '2026-06-15', '2026-07-01']::date[]) pd,
     unnest(ARRAY[NULL, 'hot', 'warm', 'cool', 'cold']) t,
     unnest(ARRAY[NULL, 0, 0.25, 0.4, 0.41, 'Infinity']::float8[]) l;
-- 2: the optional arguments (each NULL, before, at and after its boundary)
-- with every stale_days and lift_threshold, on a clean and a neglected diary
INSERT INTO grid
SELECT '2026-06-15', nc, p, NULL, 'warm', 1, la, se, snd, cd, pu, co, sd, lt
FROM unnest(ARRAY[NULL, '2026-06-14', '2026-06-15', '2026-06-01', '2026-05-31']::date[]) la,
     unnest(ARRAY[NULL, '2026-06-05', '2026-06-04']::date[]) se,
     unnest(ARRAY[NULL, 0, 10]) snd,
     unnest(ARRAY[NULL, '2026-06-14', '2026-06-15']::date[]) cd,
     unnest(ARRAY[NULL, 1, 2]) pu,
     unnest(ARRAY[NULL, 1, 2]) co,
     unnest(ARRAY[NULL, 0, 14, 15]) sd,
     unnest(ARRAY[NULL, 0.4, 2]::float8[]) lt,
     (VALUES ('2026-06-16'::date, 'x'), (NULL, NULL)) d(nc, p);
-- 3: 10,000 random diaries over every argument, seeded
SELECT setseed(0.23);
INSERT INTO grid
SELECT d + (random() * 400)::int - 200, CASE WHEN random() < 0.1 THEN NULL ELSE d + (random() * 60)::int - 30 END,
       (ARRAY[NULL, '', '  ', 'pain'])[1 + (random() * 3)::int],
       CASE WHEN random() < 0.5 THEN NULL ELSE d + (random() * 60)::int - 30 END,
       (ARRAY[NULL, 'hot', 'warm', 'cool', 'cold'])[1 + (random() * 4)::int],
       CASE WHEN random() < 0.1 THEN NULL WHEN random() < 0.1 THEN 'Infinity' ELSE random() END,
       CASE WHEN random() < 0.2 THEN NULL ELSE d + (random() * 60)::int - 50 END,
       CASE WHEN random() < 0.2 THEN NULL ELSE d + (random() * 60)::int - 50 END,
       CASE WHEN random() < 0.2 THEN NULL ELSE (random() * 40)::int END,
       CASE WHEN random() < 0.2 THEN NULL ELSE d + (random() * 60)::int - 30 END,
       CASE WHEN random() < 0.2 THEN NULL ELSE (random() * 4)::int END,
       CASE WHEN random() < 0.2 THEN NULL ELSE (random() * 4)::int END,
       CASE WHEN random() < 0.2 THEN NULL ELSE (random() * 30)::int END,
       CASE WHEN random() < 0.2 THEN NULL ELSE 0.05 + random() END
FROM generate_series(1, 10000) i, LATERAL (SELECT date '2026-06-15' + i % 7 AS d) s;
CREATE TEMP TABLE checked AS
SELECT deal_warnings(as_of, nc, p, pd, t, l, la, se, snd, cd, pu, co, sd, lt) AS got,
       pg_temp.ref_warnings(as_of, nc, p, pd, t, l, la, se, snd, cd, pu, co, sd, lt) AS want
FROM grid;
SELECT count(*) AS diaries, count(*) FILTER (WHERE got IS DISTINCT FROM want) AS mismatch,
       count(*) FILTER (WHERE got = '{}') AS no_warning,
       count(DISTINCT got) AS distinct_sets
FROM checked;
-- every code occurs, and every two codes that can hold together do
-- (13 codes, 78 pairs less the 3 that exclude each other: no_next_step and
-- next_step_overdue, no_temperature and cold, no_lift and reanimation)
-- (over the distinct warning sets: a code or pair is in some diary's set
-- exactly when it is in some distinct set)
SELECT count(DISTINCT c) AS codes_seen FROM (SELECT DISTINCT got FROM checked) s, unnest(got) c;
SELECT count(DISTINCT (a, b)) AS pairs_seen
FROM (SELECT DISTINCT got FROM checked) s, unnest(got) a, unnest(got) b WHERE a < b;

-- Bad arguments: SQLSTATE, message, hint
SELECT test_util.err(format('SELECT deal_warnings(%s)', a)) AS error
FROM unnest(ARRAY[
  $$'2026-06-15', NULL, NULL, NULL, 'tepid', NULL$$,
  $$'2026-06-15', NULL, NULL, NULL, 'Cold', NULL$$,
  $$'2026-06-15', NULL, NULL, NULL, '', NULL$$,
  $$'infinity', NULL, NULL, NULL, NULL, NULL$$,
  $$'-infinity', NULL, NULL, NULL, NULL, NULL$$,
  $$'2026-06-15', NULL, NULL, NULL, NULL, 'NaN'$$,
  $$'2026-06-15', NULL, NULL, NULL, NULL, -0.1$$,
  $$'2026-06-15', NULL, NULL, NULL, NULL, '-Infinity'$$,
  $$'2026-06-15', NULL, NULL, NULL, NULL, 1, lift_threshold => 0$$,
  $$'2026-06-15', NULL, NULL, NULL, NULL, 1, lift_threshold => 'NaN'$$,
  $$'2026-06-15', NULL, NULL, NULL, NULL, 1, lift_threshold => 'Infinity'$$,
  $$'2026-06-15', NULL, NULL, NULL, NULL, 1, stale_days => -1$$,
  $$'2026-06-15', NULL, NULL, NULL, NULL, 1, stage_norm_days => -1$$,
  $$'2026-06-15', NULL, NULL, NULL, NULL, 1, pushes => -1$$,
  $$'2026-06-15', NULL, NULL, NULL, NULL, 1, contacts => -1$$]) a;
-- a bad value is an error even where no rule reads it
SELECT test_util.err($$SELECT deal_warnings('2026-06-15', NULL, NULL, NULL, NULL, NULL, NULL, stale_days => -5)$$)
    AS stale_without_activity;

-- ---------------------------------------------------------------------
-- The trigger.  since is shown against the transaction time: now,
-- earlier (an older transaction's) or null.
-- ---------------------------------------------------------------------
CREATE TABLE dw_deals (
    id int PRIMARY KEY,
    next_call date,
    pain text,
    promised date,
    mood varchar(10),
    lift numeric,
    touched date,
    pushes smallint,
    people bigint,
    warnings text[],
    warned_since timestamptz
);
CREATE TRIGGER dw_flag BEFORE INSERT OR UPDATE ON dw_deals FOR EACH ROW
EXECUTE FUNCTION flag_deal_warnings('warnings', 'warned_since', 'next_contact=next_call',
    'problem=pain', 'promise_due = promised', 'temperature=mood', 'lift=lift',
    'last_activity=touched', 'pushes=pushes', 'contacts=people', 'stale_days=7');
CREATE VIEW dw_state AS
SELECT id, warnings,
       CASE WHEN warned_since IS NULL THEN 'null'
            WHEN warned_since = transaction_timestamp() THEN 'now'
            ELSE 'earlier' END AS since
FROM dw_deals;

-- insert: warnings as deal_warnings(current_date, ...), since now when any
BEGIN;
INSERT INTO dw_deals(id, next_call, pain, promised, mood, lift, touched, pushes, people) VALUES
    (1, current_date + 1, 'slow delivery', NULL, 'hot', 2, current_date, 0, 3),
    (2, current_date - 1, 'slow delivery', NULL, 'cold', 0.2, current_date - 8, 2, 1),
    (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (4, current_date, 'x', current_date - 1, 'warm', 1, current_date - 7, 1, 2);
-- the statement's own warnings and since are overwritten
INSERT INTO dw_deals VALUES (5, current_date + 1, 'x', NULL, 'hot', 1, current_date, 0, 2, '{cold}', '2000-01-01');
SELECT * FROM dw_state ORDER BY id;
-- the same rows through the function (stale_days 7 as mapped)
SELECT count(*) FILTER (WHERE warnings IS DISTINCT FROM
           deal_warnings(current_date, next_call, pain, promised, mood, lift::float8, touched,
                         NULL, NULL, NULL, pushes, people::int, 7)) AS mismatch
FROM dw_deals;
COMMIT;

-- update that changes the warnings of a warned deal: since kept
BEGIN;
UPDATE dw_deals SET mood = 'cold' WHERE id = 4;
-- update that changes nothing the rules read: warnings and since kept,
-- whatever the statement wrote into them
UPDATE dw_deals SET warnings = '{}', warned_since = NULL WHERE id = 2;
-- a clean deal gets a warning: since now
UPDATE dw_deals SET pushes = 3 WHERE id = 1;
-- a warned deal is cleaned up: warnings '{}', since null
UPDATE dw_deals SET next_call = current_date + 2, pain = 'slow delivery', promised = NULL,
    mood = 'warm', lift = 'Infinity', touched = current_date, pushes = 0, people = 4 WHERE id = 3;
-- a clean deal stays clean
UPDATE dw_deals SET pain = 'late invoices' WHERE id = 5;
SELECT * FROM dw_state ORDER BY id;
COMMIT;
-- a stored NULL set counts as empty: since now once there is a warning
ALTER TABLE dw_deals DISABLE TRIGGER dw_flag;
UPDATE dw_deals SET warnings = NULL, warned_since = NULL WHERE id = 3;
ALTER TABLE dw_deals ENABLE TRIGGER dw_flag;
BEGIN;
UPDATE dw_deals SET people = 1 WHERE id = 3;
SELECT * FROM dw_state WHERE id = 3;
COMMIT;
-- a bad value in a row is the function's error
SELECT test_util.err($$UPDATE dw_deals SET mood = 'lukewarm' WHERE id = 1$$) AS bad_mood;
SELECT test_util.err($$UPDATE dw_deals SET pushes = -1 WHERE id = 1$$) AS bad_pushes;

-- COPY into a table with the trigger
BEGIN;
COPY dw_deals(id, next_call, pain, promised, mood, lift, touched, pushes, people) FROM stdin;
10	2000-01-01	budget	\N	cool	0.5	\N	0	5
11	3000-01-01	budget	\N	cool	0.5	3000-01-01	0	5
12	\N	\N	\N	\N	\N	\N	\N	\N
\.
SELECT * FROM dw_state WHERE id >= 10 ORDER BY id;
COMMIT;
-- an INSERT that arrives with this very warning set and a since (a diary
-- copied from elsewhere, a row moved between partitions) keeps that since;
-- with another set, the trigger's set and now
BEGIN;
INSERT INTO dw_deals VALUES
    (20, current_date + 1, 'x', NULL, 'hot', NULL, NULL, NULL, NULL, '{no_lift}', '2001-02-03 04:05:06+00'),
    (21, current_date + 1, 'x', NULL, 'hot', NULL, NULL, NULL, NULL, '{cold}', '2001-02-03 04:05:06+00'),
    (22, current_date + 1, 'x', NULL, 'hot', NULL, NULL, NULL, NULL, '{no_lift,no_lift}', '2001-02-03 04:05:06+00'),
    (23, current_date + 1, 'x', NULL, 'hot', NULL, NULL, NULL, NULL, '{no_lift}', NULL);
SELECT * FROM dw_state WHERE id >= 20 ORDER BY id;
COMMIT;

-- unmapped diary parameters are not tracked; unmapped optional ones take
-- their defaults (stale_days 14, lift_threshold 0.4)
CREATE TABLE dw_min (id int, next_call date, touched date, lift float4, w text[], s timestamptz);
CREATE TRIGGER dw_min_flag BEFORE INSERT OR UPDATE ON dw_min FOR EACH ROW
EXECUTE FUNCTION flag_deal_warnings('w', 's', 'next_contact=next_call', 'last_activity=touched', 'lift=lift');
INSERT INTO dw_min VALUES (1, NULL, current_date - 14, 0.39), (2, current_date, current_date - 15, NULL),
    (3, current_date, NULL, 0.4);
SELECT id, w, s IS NOT NULL AS since_set FROM dw_min ORDER BY id;
-- literals: stage_norm_days and lift_threshold
CREATE TABLE dw_lit (id int, entered date, lift float8, w text[], s timestamptz);
CREATE TRIGGER dw_lit_flag BEFORE INSERT OR UPDATE ON dw_lit FOR EACH ROW
EXECUTE FUNCTION flag_deal_warnings('w', 's', 'stage_entered=entered', 'stage_norm_days=5',
                                    'lift=lift', 'lift_threshold=0.5');
INSERT INTO dw_lit VALUES (1, current_date - 5, 0.5), (2, current_date - 6, 0.49);
SELECT id, w FROM dw_lit ORDER BY id;

-- a dropped column before the mapped ones, a column added after the trigger,
-- and a long (toasted) problem: the trigger finds its columns by name
CREATE TABLE dw_alter (junk int, id int, nc date, p text, w text[], s timestamptz);
CREATE TRIGGER dw_alter_flag BEFORE INSERT OR UPDATE ON dw_alter FOR EACH ROW
EXECUTE FUNCTION flag_deal_warnings('w', 's', 'next_contact=nc', 'problem=p');
ALTER TABLE dw_alter DROP COLUMN junk;
ALTER TABLE dw_alter ADD COLUMN note text;
INSERT INTO dw_alter (id, nc, p, note) VALUES (1, current_date - 1, repeat('pain ', 100000), 'n'),
    (2, current_date, '  ', NULL);
SELECT id, w, length(p) AS problem_length, note FROM dw_alter ORDER BY id;
UPDATE dw_alter SET note = 'm' WHERE id = 1;
SELECT id, w, length(p) AS problem_length, note FROM dw_alter ORDER BY id;

-- temperature is a kind flag_segment_change follows: a cooling deal is
-- recorded like a fading customer
CREATE TABLE dw_temp (id int, temperature text, was text, since timestamptz, dir text);
CREATE TRIGGER dw_temp_move BEFORE INSERT OR UPDATE ON dw_temp FOR EACH ROW
EXECUTE FUNCTION flag_segment_change('temperature', 'temperature', 'was', 'since', 'dir');
INSERT INTO dw_temp (id, temperature) VALUES (1, 'warm'), (2, 'cool');
UPDATE dw_temp SET temperature = CASE id WHEN 1 THEN 'cold' ELSE 'hot' END;
SELECT id, was, temperature, dir FROM dw_temp ORDER BY id;

-- a partitioned table: the trigger on the parent fires on every partition,
-- and a row that an UPDATE moves to another partition keeps its since
CREATE TABLE dw_part (id int, region text, next_call date, pain text, mood text, lift float8,
                      w text[], s timestamptz) PARTITION BY LIST (region);
CREATE TABLE dw_part_eu PARTITION OF dw_part FOR VALUES IN ('eu');
CREATE TABLE dw_part_us PARTITION OF dw_part FOR VALUES IN ('us');
CREATE TRIGGER dw_part_flag BEFORE INSERT OR UPDATE ON dw_part FOR EACH ROW
EXECUTE FUNCTION flag_deal_warnings('w', 's', 'next_contact=next_call', 'problem=pain',
                                    'temperature=mood', 'lift=lift');
INSERT INTO dw_part VALUES (1, 'eu', current_date - 1, 'x', 'hot', 1),
    (2, 'us', current_date + 1, 'x', 'hot', 1), (3, 'us', current_date + 1, NULL, 'cold', 0.1);
-- pretend the warnings were raised in an older transaction
ALTER TABLE dw_part DISABLE TRIGGER dw_part_flag;
UPDATE dw_part SET s = '2001-02-03 04:05:06+00' WHERE s IS NOT NULL;
ALTER TABLE dw_part ENABLE TRIGGER dw_part_flag;
BEGIN;
UPDATE dw_part SET region = 'us' WHERE id = 1;                -- moved, same warnings
UPDATE dw_part SET region = 'eu', pain = 'y' WHERE id = 3;     -- moved, fewer warnings
UPDATE dw_part SET region = 'eu', mood = 'cold' WHERE id = 2;  -- moved, warned now
SELECT tableoid::regclass AS part, id, w,
       CASE WHEN s IS NULL THEN 'null' WHEN s = transaction_timestamp() THEN 'now'
            ELSE (s AT TIME ZONE 'UTC')::text END AS since
FROM dw_part ORDER BY id;
COMMIT;

-- ---------------------------------------------------------------------
-- Misuse of the trigger: SQLSTATE, message, hint
-- ---------------------------------------------------------------------
CREATE TABLE dw_misuse (id int, nc date, p text, l float8, pu int, ts timestamp, w text[], s timestamptz,
                        wtxt text);
CREATE FUNCTION pg_temp.try_trigger(args text, timing text DEFAULT 'BEFORE INSERT OR UPDATE',
                                    level text DEFAULT 'ROW') RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
    EXECUTE format('CREATE TRIGGER m %s ON dw_misuse FOR EACH %s EXECUTE FUNCTION flag_deal_warnings(%s)',
                   timing, level, args);
    r := test_util.err('INSERT INTO dw_misuse(id, nc, p, l, pu) VALUES (1, current_date, ''x'', 1, 0)');
    DROP TRIGGER m ON dw_misuse;
    RETURN r;
END $$;
SELECT a AS arguments, pg_temp.try_trigger(a) AS result
FROM unnest(ARRAY[
  $$'w', 's', 'next_contact=nc'$$,
  $$'w'$$,
  $$'w', 's', 'next_contact=nc', 'problem=p', 'promise_due=nc', 'temperature=p', 'lift=l',
    'last_activity=nc', 'stage_entered=nc', 'stage_norm_days=1', 'close_date=nc', 'pushes=pu',
    'contacts=pu', 'stale_days=1', 'lift_threshold=1', 'problem=p'$$,
  $$'nope', 's'$$,
  $$'wtxt', 's'$$,
  $$'w', 'nope'$$,
  $$'w', 'ts'$$,
  $$'w', 's', 'next_contact'$$,
  $$'w', 's', 'next_contact='$$,
  $$'w', 's', 'as_of=nc'$$,
  $$'w', 's', 'nextcontact=nc'$$,
  $$'w', 's', 'next_contact=nc', 'next_contact=nc'$$,
  $$'w', 's', 'next_contact=missing'$$,
  $$'w', 's', 'next_contact=ts'$$,
  $$'w', 's', 'problem=l'$$,
  $$'w', 's', 'lift=p'$$,
  $$'w', 's', 'pushes=l'$$,
  $$'w', 's', 'pushes=2'$$,
  $$'w', 's', 'stale_days=-1'$$,
  $$'w', 's', 'stale_days=7.5'$$,
  $$'w', 's', 'stale_days=99999999999'$$,
  $$'w', 's', 'stage_norm_days=1e3'$$,
  $$'w', 's', 'lift_threshold=0'$$,
  $$'w', 's', 'lift_threshold=-0.4'$$,
  $$'w', 's', 'lift_threshold=1e999'$$,
  $$'w', 's', 'lift_threshold=abc'$$,
  $$'w', 's', 'stale_days=pu'$$]) a;
-- wrong firing: AFTER, statement level, DELETE, INSTEAD OF is not allowed on tables
SELECT pg_temp.try_trigger($$'w', 's'$$, 'AFTER INSERT OR UPDATE') AS after_row,
       pg_temp.try_trigger($$'w', 's'$$, 'BEFORE INSERT', 'STATEMENT') AS before_statement;
CREATE TRIGGER m BEFORE DELETE ON dw_misuse FOR EACH ROW EXECUTE FUNCTION flag_deal_warnings('w', 's');
INSERT INTO dw_misuse(id) VALUES (1);
SELECT test_util.err('DELETE FROM dw_misuse') AS before_delete;
DROP TRIGGER m ON dw_misuse;
-- called as a plain function
SELECT test_util.err('SELECT flag_deal_warnings()') AS plain_call;

DROP VIEW dw_state;
DROP TABLE dw_deals, dw_min, dw_lit, dw_alter, dw_temp, dw_part, dw_misuse;
