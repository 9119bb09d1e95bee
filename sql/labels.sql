-- labels: quota_labels, quota_label, quota_label_rank, segment_direction (SPEC §9, §12)

-- Every code any function returns, found by calling the functions over their
-- input domains (not copied from the catalog).
CREATE TEMP TABLE returned(kind text, code text);
-- rfm_segment: all 125 score triples
INSERT INTO returned SELECT DISTINCT 'rfm', rfm_segment(r, f, m)
FROM generate_series(1, 5) r, generate_series(1, 5) f, generate_series(1, 5) m;
-- heat_zone: a grid of actual, expected and tolerance
INSERT INTO returned SELECT DISTINCT 'heat', heat_zone(a, e, t)
FROM generate_series(-10, 200, 7) a, generate_series(0, 150, 25) e,
     unnest(ARRAY[0, 0.1, 0.5]::float8[]) t;
-- rfm_kinetic as of 2026-09-30 (windows after 07-02 and after 04-03): every
-- history with or without an old order (before 04-03), none or one prior
-- order of 100, and a recent order of none, 50, 100 or 150
INSERT INTO returned SELECT DISTINCT 'kinetic', (rfm_kinetic(ts, amount, '2026-09-30')).segment
FROM (SELECT h, p, r, ts, amount
      FROM generate_series(0, 1) h, generate_series(0, 1) p, unnest(ARRAY[0, 50, 100, 150]) r,
      LATERAL (SELECT date '2026-01-10' AS ts, 100.00 AS amount WHERE h = 1
               UNION ALL SELECT '2026-05-01', 100.00 WHERE p = 1
               UNION ALL SELECT '2026-08-01', r WHERE r > 0) o) s
GROUP BY h, p, r;
-- priority_label: its whole domain, 1 to 4
INSERT INTO returned SELECT 'priority', priority_label(g) FROM generate_series(1, 4) g;
-- lead_class: all 27 boolean/NULL triples
INSERT INTO returned SELECT DISTINCT 'lead_class', lead_class(n, b, u)
FROM (VALUES (true), (false), (NULL::boolean)) n(n),
     (VALUES (true), (false), (NULL::boolean)) b(b),
     (VALUES (true), (false), (NULL::boolean)) u(u);
-- abc_class over positive, zero and negative values
INSERT INTO returned SELECT DISTINCT 'abc', c
FROM (SELECT abc_class(v) OVER () AS c FROM generate_series(-5, 100) v) s WHERE c IS NOT NULL;
-- xyz_class over a grid of cv
INSERT INTO returned SELECT DISTINCT 'xyz', xyz_class(cv / 100.0) FROM generate_series(0, 200) cv;
-- lead_load_trend over a grid of current leads and revenue against a prior
-- of 10 leads and 1000 of revenue
INSERT INTO returned SELECT DISTINCT 'lead_trend',
       lead_load_trend(row(l, 0, 0, r, NULL, NULL)::lead_load, row(10, 0, 0, 1000, NULL, NULL)::lead_load)
FROM generate_series(0, 30, 3) l, generate_series(0, 2000, 100) r;
-- deal_warnings: an empty diary, and a diary where every rule fires, with and
-- without a next contact; temperature: the codes deal_warnings accepts
INSERT INTO returned SELECT DISTINCT 'deal_warning', unnest(w)
FROM (SELECT deal_warnings('2026-01-10', NULL, NULL, NULL, NULL, NULL)
      UNION ALL
      SELECT deal_warnings('2026-01-10', n, '', '2026-01-01', 'cold', 0.1, '2025-01-01',
                           '2025-01-01', 5, '2026-01-01', 3, 1)
      FROM (VALUES (NULL::date), ('2026-01-01')) v(n)) s(w);
INSERT INTO returned SELECT 'temperature', t FROM unnest(ARRAY['hot', 'warm', 'cool', 'cold']) t
WHERE deal_warnings('2026-01-10', NULL, NULL, NULL, t, NULL) IS NOT NULL;
SELECT kind, count(*) AS codes_returned FROM returned GROUP BY kind ORDER BY kind;

-- every returned code has a row, and every row is a code some function returns
SELECT r.kind, r.code AS missing_from_catalog FROM returned r
WHERE NOT EXISTS (SELECT 1 FROM quota_labels l WHERE l.kind = r.kind AND l.code = r.code);
SELECT l.kind, l.code AS never_returned FROM quota_labels l
WHERE NOT EXISTS (SELECT 1 FROM returned r WHERE l.kind = r.kind AND l.code = r.code);

-- every row has all three languages: English in Latin letters, Russian and
-- Bulgarian in Cyrillic; Bulgarian has no Russian-only letters (ы, э, ё)
SELECT count(*) AS rows,
       count(*) FILTER (WHERE en ~ '[A-Za-z]' AND en !~ '[А-Яа-яЁё]') AS en_ok,
       count(*) FILTER (WHERE ru ~ '[А-Яа-яЁё]') AS ru_ok,
       count(*) FILTER (WHERE bg ~ '[А-Яа-я]' AND bg !~ '[ЫыЭэЁё]') AS bg_ok
FROM quota_labels;
SELECT kind, code FROM quota_labels
WHERE coalesce(btrim(en), '') = '' OR coalesce(btrim(ru), '') = '' OR coalesce(btrim(bg), '') = '';

-- ranks are 1..n without gaps per kind; the order the SPEC lists
SELECT kind, count(*) AS n, min(rank) = 1 AND max(rank) = count(*)
       AND count(DISTINCT rank) = count(*) AS ranks_1_to_n,
       string_agg(code, ', ' ORDER BY rank) AS codes_in_rank_order
FROM quota_labels GROUP BY kind ORDER BY min(kind);
-- the kinds and codes keyed once: (kind, code) is unique
SELECT count(*) = count(DISTINCT (kind, code)) AS unique_codes FROM quota_labels;

-- colours: #rrggbb, lowercase
SELECT kind, code, color FROM quota_labels WHERE color !~ '^#[0-9a-f]{6}$';
-- The published ColorBrewer RdYlBu schemes (colorbrewer2.org, colour-blind
-- safe), written as ColorBrewer lists them (rgb, red end first); each kind of
-- n codes uses the n-class scheme from its blue end (rank 1) to its red end,
-- and rfm's Others is neutral grey outside it.
CREATE TEMP TABLE rdylbu(n int, pos int, r int, g int, b int);
INSERT INTO rdylbu VALUES
  (3, 1, 252, 141, 89), (3, 2, 255, 255, 191), (3, 3, 145, 191, 219),
  (4, 1, 215, 25, 28), (4, 2, 253, 174, 97), (4, 3, 171, 217, 233), (4, 4, 44, 123, 182),
  (6, 1, 215, 48, 39), (6, 2, 252, 141, 89), (6, 3, 254, 224, 144), (6, 4, 224, 243, 248),
  (6, 5, 145, 191, 219), (6, 6, 69, 117, 180),
  (10, 1, 165, 0, 38), (10, 2, 215, 48, 39), (10, 3, 244, 109, 67), (10, 4, 253, 174, 97),
  (10, 5, 254, 224, 144), (10, 6, 224, 243, 248), (10, 7, 171, 217, 233), (10, 8, 116, 173, 209),
  (10, 9, 69, 117, 180), (10, 10, 49, 54, 149);
WITH k AS (SELECT kind, count(*) FILTER (WHERE code <> 'Others') AS n FROM quota_labels GROUP BY kind)
SELECT l.kind, l.code, l.rank, l.color, format('#%s%s%s', lpad(to_hex(c.r), 2, '0'),
       lpad(to_hex(c.g), 2, '0'), lpad(to_hex(c.b), 2, '0')) AS colorbrewer
FROM quota_labels l JOIN k USING (kind)
LEFT JOIN rdylbu c ON c.n = k.n AND c.pos = k.n + 1 - l.rank
WHERE l.code <> 'Others' AND l.kind <> 'deal_warning'  -- all warnings: sql/deal_warnings.sql
  AND l.color IS DISTINCT FROM format('#%s%s%s', lpad(to_hex(c.r), 2, '0'),
                                      lpad(to_hex(c.g), 2, '0'), lpad(to_hex(c.b), 2, '0'));
SELECT code, rank, color, substr(color, 2, 2) = substr(color, 4, 2)
       AND substr(color, 4, 2) = substr(color, 6, 2) AS grey
FROM quota_labels WHERE kind = 'rfm' AND code = 'Others';

-- quota_label and quota_label_rank agree with the view, every row and language
SELECT count(*) AS checked,
       count(*) FILTER (WHERE quota_label(kind, code) IS DISTINCT FROM en
                           OR quota_label(kind, code, 'en') IS DISTINCT FROM en
                           OR quota_label(kind, code, 'ru') IS DISTINCT FROM ru
                           OR quota_label(kind, code, 'bg') IS DISTINCT FROM bg
                           OR quota_label_rank(kind, code) IS DISTINCT FROM rank) AS mismatch
FROM quota_labels;
-- a few by hand
SELECT quota_label('kinetic', 'fading', 'ru') AS fading_ru,
       quota_label('priority', 'fast_big', 'ru') AS fast_big_ru,
       quota_label('rfm', 'Champions', 'bg') AS champions_bg,
       quota_label_rank('heat', 'red') AS red_rank;
-- a code the catalog does not know comes back as it is (a custom RFM map);
-- codes are exact: another case is another code
SELECT quota_label('rfm', 'Whales', 'ru') AS custom, quota_label('rfm', 'champions') AS lower_case,
       quota_label('abc', '') AS empty, quota_label_rank('rfm', 'Whales') IS NULL AS rank_null,
       quota_label_rank('kinetic', 'Steady') IS NULL AS case_rank_null;
-- NULL in, NULL out
SELECT quota_label(NULL, 'A') IS NULL AS null_kind, quota_label('abc', NULL) IS NULL AS null_code,
       quota_label('abc', 'A', NULL) IS NULL AS null_lang,
       quota_label_rank(NULL, 'A') IS NULL AS rank_null_kind,
       quota_label_rank('abc', NULL) IS NULL AS rank_null_code;

-- segment_direction: the sign of the rank difference, every pair of every kind,
-- except (issue 19, SPEC §12 as amended) a move to or from rfm's Others (no
-- place in the order) is NULL and a move out of kinetic new is judged by where
-- the customer went: up to growing, returning or steady, down to fading or lost
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE segment_direction(a.kind, a.code, b.code) IS DISTINCT FROM
           CASE WHEN a.kind = 'rfm' AND 'Others' IN (a.code, b.code) THEN NULL
                WHEN a.kind = 'kinetic' AND a.code = 'new' AND b.code IN ('growing', 'returning', 'steady') THEN 'up'
                WHEN a.kind = 'kinetic' AND a.code = 'new' AND b.code IN ('fading', 'lost') THEN 'down'
                WHEN b.rank < a.rank THEN 'up' WHEN b.rank > a.rank THEN 'down' ELSE 'same' END) AS mismatch,
       count(*) FILTER (WHERE segment_direction(a.kind, a.code, b.code) IS NULL) AS null_pairs
FROM quota_labels a JOIN quota_labels b USING (kind);
SELECT segment_direction('kinetic', 'steady', 'fading') AS steady_fading,
       segment_direction('kinetic', 'lost', 'returning') AS lost_returning,
       segment_direction('heat', 'amber', 'amber') AS same,
       segment_direction('rfm', 'Lost', 'Others') AS lost_others,
       segment_direction('rfm', 'Others', 'Lost') AS others_lost,
       segment_direction('rfm', 'Others', 'Champions') AS others_champions,
       segment_direction('rfm', 'Others', 'Others') AS others_others;
-- out of new: judged by where the customer went (issue 19 item 10)
SELECT segment_direction('kinetic', 'new', 'growing') AS new_growing,
       segment_direction('kinetic', 'new', 'returning') AS new_returning,
       segment_direction('kinetic', 'new', 'steady') AS new_steady,
       segment_direction('kinetic', 'new', 'fading') AS new_fading,
       segment_direction('kinetic', 'new', 'lost') AS new_lost,
       segment_direction('kinetic', 'new', 'new') AS new_new,
       segment_direction('kinetic', 'lost', 'new') AS lost_new;
-- NULL or unknown code: NULL; NULL kind: NULL
SELECT segment_direction('kinetic', NULL, 'new') IS NULL AS from_null,
       segment_direction('kinetic', 'new', NULL) IS NULL AS to_null,
       segment_direction('rfm', 'Whales', 'Lost') IS NULL AS from_unknown,
       segment_direction('rfm', 'Lost', 'Whales') IS NULL AS to_unknown,
       segment_direction(NULL, 'new', 'lost') IS NULL AS kind_null;

-- bad arguments: unknown kind or language, even when the codes are NULL
SELECT test_util.err(q) FROM (VALUES
  ('SELECT quota_label(''kinetics'', ''new'')'),
  ('SELECT quota_label(''heat'', ''red'', ''de'')'),
  ('SELECT quota_label(''heat'', ''red'', ''RU'')'),
  ('SELECT quota_label('''', ''red'')'),
  ('SELECT quota_label_rank(''Heat'', ''red'')'),
  ('SELECT segment_direction(''segment'', ''new'', ''lost'')'),
  ('SELECT segment_direction(''segment'', NULL, NULL)')) t(q);

-- the functions are IMMUTABLE, PARALLEL SAFE; only segment_direction is not STRICT
SELECT p.proname, p.provolatile, p.proparallel, p.proisstrict
FROM pg_proc p
WHERE p.proname IN ('quota_label', 'quota_label_rank', 'quota_label_catalog', 'segment_direction')
ORDER BY p.proname;
-- a long unknown kind or language is cut in the message, on a character boundary
SELECT test_util.err(format('SELECT quota_label(%L, ''A'')', repeat('ж', 30)));
SELECT test_util.err(format('SELECT quota_label(''abc'', ''A'', %L)', repeat('x', 1000)));
