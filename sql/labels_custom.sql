-- labels_custom: the rows a database adds to the label catalog (issue 28,
-- doc/labels.md): quota_label_custom, the quota_labels / quota_label_texts
-- views, quota_label, quota_label_rank, segment_direction and
-- flag_segment_change over them.  Expected values are written by hand from
-- the rows inserted here.

-- With no rows, quota_labels is the built-in catalog, nothing custom
SELECT count(*) AS catalog_rows,
       count(*) FILTER (WHERE custom) AS custom_rows,
       (SELECT count(*) FROM (SELECT kind, code, rank, color, en, ru, bg FROM quota_labels
                              EXCEPT ALL SELECT * FROM quota_label_catalog()) d) AS differ
FROM quota_labels;
-- quota_label_texts: three languages per built-in code, each its view's label
SELECT count(*) = 3 * (SELECT count(*) FROM quota_labels) AS three_per_code,
       count(*) FILTER (WHERE l.label IS DISTINCT FROM
                        CASE t.lang WHEN 'en' THEN l2.en WHEN 'ru' THEN l2.ru ELSE l2.bg END) AS mismatches
FROM quota_label_texts t
JOIN quota_labels l2 USING (kind, code)
CROSS JOIN LATERAL (SELECT t.label) l;

-- A team in Kyiv labels its own RFM map in Ukrainian: three segments,
-- best first, coloured from the same RdYlBu end as the built-in ones.
INSERT INTO quota_label_custom (kind, code, rank, color, labels) VALUES
  ('rfm', 'Золоті',   1, '#4575b4', '{"uk": "Золоті клієнти", "en": "Gold customers"}'),
  ('rfm', 'Звичайні', 2, '#ffffbf', '{"uk": "Звичайні клієнти"}'),
  ('rfm', 'Сплячі',   3, '#d73027', '{"uk": "Сплячі клієнти"}');

-- the map itself (SPEC §4's custom segments), first match wins
CREATE TEMP TABLE uk_map AS SELECT '[
  {"name": "Золоті",   "r": [4, 5], "f": [4, 5], "m": [4, 5]},
  {"name": "Сплячі",   "r": [1, 2], "f": [1, 5], "m": [1, 5]},
  {"name": "Звичайні", "r": [1, 5], "f": [1, 5], "m": [1, 5]}]'::jsonb AS map;

-- Customers scored and segmented; ordered and coloured by the catalog.
-- By hand: (5,5,5) and (4,4,5) Золоті, (1,3,3) and (2,5,5) Сплячі, (3,3,3) Звичайні.
CREATE TEMP TABLE uk_customers (id int, r int, f int, m int);
INSERT INTO uk_customers VALUES (1, 5, 5, 5), (2, 1, 3, 3), (3, 3, 3, 3), (4, 4, 4, 5), (5, 2, 5, 5);
SELECT c.id, s.segment, quota_label('rfm', s.segment, 'uk') AS uk,
       quota_label('rfm', s.segment) AS en,
       quota_label_rank('rfm', s.segment) AS rank, l.color
FROM uk_customers c
CROSS JOIN LATERAL (SELECT rfm_segment(c.r, c.f, c.m, (SELECT map FROM uk_map)) AS segment) s
JOIN quota_labels l ON l.kind = 'rfm' AND l.code = s.segment
ORDER BY quota_label_rank('rfm', s.segment), c.id;

-- the views show them: custom rows, their languages
SELECT kind, code, rank, color, en, ru, bg, custom FROM quota_labels
WHERE custom ORDER BY kind COLLATE "C", rank, code COLLATE "C";
SELECT kind, code, lang, label, custom FROM quota_label_texts
WHERE custom ORDER BY kind COLLATE "C", code COLLATE "C", lang COLLATE "C";
-- a built-in code asked in Ukrainian: the kind has uk, the code has none: English
SELECT quota_label('rfm', 'Champions', 'uk') AS champions_uk,
       quota_label('rfm', 'Whales', 'uk') AS unknown_code_uk;

-- segment_direction by the user's ranks: Сплячі (3) -> Золоті (1) is up
SELECT segment_direction('rfm', 'Сплячі', 'Золоті') AS sleeping_to_gold,
       segment_direction('rfm', 'Золоті', 'Звичайні') AS gold_to_regular,
       segment_direction('rfm', 'Звичайні', 'Звичайні') AS regular_same,
       segment_direction('rfm', 'Сплячі', 'Whales') IS NULL AS to_unknown_null;

-- flag_segment_change follows the user's order
CREATE TEMP TABLE uk_accounts (
    id int PRIMARY KEY, r int, f int, m int,
    segment text, previous text, since timestamptz, direction text);
CREATE TRIGGER uk_segment BEFORE INSERT OR UPDATE ON uk_accounts
FOR EACH ROW EXECUTE FUNCTION flag_segment_change('segment', 'rfm', 'previous', 'since', 'direction');
INSERT INTO uk_accounts (id, r, f, m) SELECT id, r, f, m FROM uk_customers;
UPDATE uk_accounts SET segment = rfm_segment(r, f, m, (SELECT map FROM uk_map));
-- next quarter: 1 falls asleep, 2 wakes up as gold, 3 stays
UPDATE uk_accounts SET r = CASE id WHEN 1 THEN 1 WHEN 2 THEN 5 ELSE r END,
                       f = CASE id WHEN 2 THEN 5 ELSE f END,
                       m = CASE id WHEN 2 THEN 5 ELSE m END;
UPDATE uk_accounts SET segment = rfm_segment(r, f, m, (SELECT map FROM uk_map));
SELECT id, previous, segment, direction, quota_label('rfm', segment, 'uk') AS uk
FROM uk_accounts ORDER BY id;

-- A user's code without a rank has no place in the order; its colour is grey
INSERT INTO quota_label_custom (kind, code, labels) VALUES ('rfm', 'Нові', '{"uk": "Нові клієнти"}');
SELECT quota_label_rank('rfm', 'Нові') IS NULL AS no_rank,
       segment_direction('rfm', 'Нові', 'Золоті') IS NULL AS no_direction,
       (SELECT color FROM quota_labels WHERE kind = 'rfm' AND code = 'Нові') AS color,
       (SELECT rank FROM quota_labels WHERE kind = 'rfm' AND code = 'Нові') IS NULL AS view_rank_null;

-- A row for a built-in code overrides what it sets, nothing else
INSERT INTO quota_label_custom (kind, code, labels) VALUES ('heat', 'green', '{"ru": "Есть куда расти"}');
INSERT INTO quota_label_custom (kind, code, rank, color) VALUES ('kinetic', 'steady', 1, '#000000');
SELECT quota_label('heat', 'green', 'ru') AS green_ru,
       quota_label('heat', 'green', 'en') = (SELECT en FROM quota_label_catalog() WHERE kind = 'heat' AND code = 'green') AS green_en_builtin,
       quota_label_rank('heat', 'green') AS green_rank,
       quota_label_rank('kinetic', 'steady') AS steady_rank,
       (SELECT color FROM quota_labels WHERE kind = 'kinetic' AND code = 'steady') AS steady_color,
       segment_direction('kinetic', 'new', 'steady') AS new_steady,      -- rule of §12: by destination
       segment_direction('kinetic', 'steady', 'new') AS steady_new,      -- rank 1 -> rank 1
       segment_direction('kinetic', 'growing', 'steady') AS growing_steady;

-- A kind of the user's own: ranks, directions, an error for a language it lacks
INSERT INTO quota_label_custom (kind, code, rank, labels) VALUES
  ('deal_size', 'big', 1, '{"uk": "Великі", "en": "Big"}'),
  ('deal_size', 'small', 2, '{"uk": "Малі"}');
SELECT quota_label_rank('deal_size', 'small') AS small_rank,
       segment_direction('deal_size', 'small', 'big') AS small_big,
       quota_label('deal_size', 'small') AS small_en,
       quota_label('deal_size', 'small', 'uk') AS small_uk;
SELECT test_util.err(q) FROM (VALUES
  ('SELECT quota_label(''deal_size'', ''big'', ''de'')'),
  ('SELECT quota_label(''kinetic'', ''new'', ''uk'')'),
  ('SELECT quota_label_rank(''deal_sizes'', ''big'')')) t(q);

-- Bad rows are refused by the table's constraints (23514, 23502, 23505)
SELECT test_util.err(format('INSERT INTO quota_label_custom (kind, code, rank, color, labels) VALUES (%s)', v))
FROM (VALUES
  ('''rfm'', ''X'', 1, ''#FFF'', ''{}'''),
  ('''rfm'', ''X'', 0, NULL, ''{}'''),
  ('''rfm'', ''X'', 1001, NULL, ''{}'''),
  ('''Bad Kind'', ''X'', 1, NULL, ''{}'''),
  ('''rfm'', '''', 1, NULL, ''{}'''),
  (format('%L, %L, 1, NULL, %L', 'rfm', repeat('x', 101), '{}')),
  (format('%L, %L, 1, NULL, %L', 'rfm', E'a\nb', '{}')),
  ('''rfm'', ''X'', 1, NULL, ''{"Ukrainian": "x"}'''),
  ('''rfm'', ''X'', 1, NULL, ''{"uk": 1}'''),
  ('''rfm'', ''X'', 1, NULL, ''{"uk": ""}'''),
  (format('%L, %L, 1, NULL, %L', 'rfm', 'X', jsonb_build_object('uk', repeat('я', 201)))),
  (format('%L, %L, 1, NULL, %L', 'rfm', 'X', jsonb_build_object('uk', E'a\tb'))),
  ('''rfm'', ''X'', 1, NULL, ''["uk"]'''),
  ('''rfm'', ''X'', 1, NULL, NULL'),
  ('NULL, ''X'', 1, NULL, ''{}'''),
  ('''rfm'', ''Золоті'', 1, NULL, ''{}''')) t(v);
-- the longest admitted label and a language with a region pass
INSERT INTO quota_label_custom (kind, code, labels)
VALUES ('rfm', 'Довгі', jsonb_build_object('uk', repeat('я', 200), 'pt-br', 'Longos'));
SELECT length(quota_label('rfm', 'Довгі', 'uk')) AS uk_length, quota_label('rfm', 'Довгі', 'pt-br') AS pt_br;

-- Changes are seen by the next statement; a rolled-back change never
UPDATE quota_label_custom SET labels = '{"uk": "Сонні клієнти"}' WHERE code = 'Сплячі';
SELECT quota_label('rfm', 'Сплячі', 'uk') AS after_update;
BEGIN;
DELETE FROM quota_label_custom WHERE code = 'Сплячі';
SELECT quota_label('rfm', 'Сплячі', 'uk') AS inside_delete;
ROLLBACK;
SELECT quota_label('rfm', 'Сплячі', 'uk') AS after_rollback;
BEGIN;
SAVEPOINT s;
UPDATE quota_label_custom SET rank = 9 WHERE code = 'Золоті';
SELECT quota_label_rank('rfm', 'Золоті') AS in_savepoint;
ROLLBACK TO SAVEPOINT s;
SELECT quota_label_rank('rfm', 'Золоті') AS after_savepoint;
COMMIT;

-- parallel workers read the same catalog as the leader
CREATE TEMP TABLE moves AS
SELECT (ARRAY['Золоті', 'Звичайні', 'Сплячі', 'Нові', 'Champions', 'Lost', 'Others', NULL])[1 + i % 8] AS a,
       (ARRAY['Сплячі', 'Золоті', 'Lost', 'Champions', 'Звичайні', NULL, 'Others'])[1 + i % 7] AS b
FROM generate_series(1, 20000) i;
CREATE TABLE labels_custom_moves AS SELECT * FROM moves;   -- not temporary: workers scan it
ANALYZE labels_custom_moves;
CREATE TEMP TABLE serial_result AS
SELECT segment_direction('rfm', a, b) AS d, count(*) FROM labels_custom_moves GROUP BY 1;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT segment_direction('rfm', a, b) AS d, count(*) FROM labels_custom_moves GROUP BY 1;
SELECT count(*) AS differ FROM (
  (SELECT segment_direction('rfm', a, b) AS d, count(*) FROM labels_custom_moves GROUP BY 1
   EXCEPT SELECT * FROM serial_result)
  UNION ALL
  (SELECT * FROM serial_result
   EXCEPT SELECT segment_direction('rfm', a, b), count(*) FROM labels_custom_moves GROUP BY 1)) x;
-- the same rule in plain SQL over the ranks written by hand (Others, Нові
-- and NULL have no place): no row differs
SELECT count(*) AS plain_sql_mismatches
FROM labels_custom_moves m
LEFT JOIN (VALUES ('Золоті', 1), ('Звичайні', 2), ('Сплячі', 3), ('Champions', 1), ('Lost', 10)) ra(code, rank) ON ra.code = m.a
LEFT JOIN (VALUES ('Золоті', 1), ('Звичайні', 2), ('Сплячі', 3), ('Champions', 1), ('Lost', 10)) rb(code, rank) ON rb.code = m.b
WHERE segment_direction('rfm', m.a, m.b) IS DISTINCT FROM
      CASE WHEN rb.rank < ra.rank THEN 'up' WHEN rb.rank > ra.rank THEN 'down'
           WHEN rb.rank = ra.rank THEN 'same' END;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP TABLE labels_custom_moves;

-- Who may change the catalog: not PUBLIC (42501); everyone may read it
CREATE ROLE labels_custom_clerk;
GRANT USAGE ON SCHEMA test_util TO labels_custom_clerk;
SET ROLE labels_custom_clerk;
SELECT count(*) > 0 AS clerk_reads FROM quota_label_custom;
SELECT test_util.err(q) FROM (VALUES
  ('INSERT INTO quota_label_custom (kind, code) VALUES (''rfm'', ''Mine'')'),
  ('UPDATE quota_label_custom SET rank = 1'),
  ('DELETE FROM quota_label_custom'),
  ('TRUNCATE quota_label_custom')) t(q);
SELECT quota_label('rfm', 'Золоті', 'uk') AS clerk_label;
RESET ROLE;
REVOKE USAGE ON SCHEMA test_util FROM labels_custom_clerk;
DROP ROLE labels_custom_clerk;
SELECT array_agg(privilege_type ORDER BY privilege_type COLLATE "C") AS public_privileges
FROM information_schema.role_table_grants
WHERE table_name = 'quota_label_custom' AND grantee = 'PUBLIC';

-- the table is the extension's, marked for pg_dump with all its rows
SELECT extconfig::regclass[] AS config_tables, extcondition
FROM pg_extension WHERE extname = 'quota_ext';

-- TRUNCATE empties it: the built-in catalog again
TRUNCATE quota_label_custom;
SELECT count(*) FILTER (WHERE custom) AS custom_rows,
       quota_label('heat', 'green', 'ru') = (SELECT ru FROM quota_label_catalog() WHERE kind = 'heat' AND code = 'green') AS builtin_again,
       quota_label_rank('rfm', 'Золоті') IS NULL AS gold_gone
FROM quota_labels;
SELECT test_util.err('SELECT quota_label_rank(''deal_size'', ''big'')');

-- a table altered by hand is refused with a clear error, never read as
-- something else (the functions read its columns by position and type)
BEGIN;
ALTER TABLE quota_label_custom DROP CONSTRAINT quota_label_custom_rank_check, ALTER COLUMN rank TYPE text;
INSERT INTO quota_label_custom (kind, code, rank) VALUES ('rfm', 'X', 'first');
SELECT test_util.err('SELECT quota_label_rank(''rfm'', ''X'')');
ROLLBACK;
SELECT quota_label_rank('rfm', 'Champions') AS after_rollback;
