-- xyz: demand_cv aggregate, its partial/merge pair and state type, xyz_class (SPEC §3)
SET extra_float_digits = 0;

-- Hand case: 3 monthly buckets from 2024-01-01 with sums 10, 20, 30 (the April row
-- is outside): mean 20, population sd sqrt(200/3) = 8.16496580927726 -> cv 0.408248290463863
SELECT demand_cv(ts, amount, '2024-01-01', 3) AS cv,
       demand_cv(ts, amount, '2024-01-01', 3, '1 month') AS cv_explicit
FROM (VALUES ('2024-01-05'::date, 10::float8), ('2024-02-10', 20), ('2024-03-31', 30),
             ('2024-04-01', 100), ('2023-12-31', 100)) t(ts, amount);

-- Empty buckets count as 0: sums 40, 0, 0, 0 -> mean 10, sd sqrt((900 + 3*100)/4)
-- = sqrt(300) -> cv sqrt(3) = 1.73205080756888.  NULL ts or amount rows are ignored.
SELECT demand_cv(ts, amount, '2024-01-01', 4) AS cv_sqrt3
FROM (VALUES ('2024-01-05'::date, 15::float8), ('2024-01-31', 25), (NULL, 5), ('2024-02-01', NULL)) t(ts, amount);

-- Equal buckets: cv 0.  7-day buckets: [Jan 1, Jan 8), [Jan 8, Jan 15).
SELECT demand_cv(ts, amount, '2024-01-01', 2, '7 days') AS cv_zero
FROM (VALUES ('2024-01-01'::date, 5::float8), ('2024-01-07', 5), ('2024-01-08', 10), ('2024-01-15', 99)) t(ts, amount);

-- NULL: no row in a bucket; mean 0; no row at all; only NULL rows
SELECT demand_cv(ts, amount, '2024-01-01', 2) AS none_inside
FROM (VALUES ('2023-01-05'::date, 10::float8)) t(ts, amount);
SELECT demand_cv(ts, amount, '2024-01-01', 2) AS mean_zero
FROM (VALUES ('2024-01-05'::date, 10::float8), ('2024-02-05', -10)) t(ts, amount);
SELECT demand_cv(ts, amount, '2024-01-01', 2) AS no_rows
FROM (VALUES ('2024-01-05'::date, 10::float8)) t(ts, amount) WHERE false;
SELECT demand_cv(ts, amount, '2024-01-01', 2) AS null_rows
FROM (VALUES (NULL::date, 10::float8), ('2024-01-05', NULL)) t(ts, amount);

-- Month ends follow date + interval: from Jan 31 the boundaries are period_start + i * '1 month':
-- Jan 31, Feb 29, Mar 31, Apr 30.  Bucket sums: [Jan 31, Feb 29) 1 + 2, [Feb 29, Mar 31) 4 + 8,
-- [Mar 31, Apr 30) 16 (Apr 30 is outside) -> 3, 12, 16: mean 31/3; by hand below: 0.526113110655.
SELECT demand_cv(ts, amount, '2024-01-31', 3) AS cv_month_ends,
       demand_cv_partial(ts, amount, '2024-01-31', 3) AS state
FROM (VALUES ('2024-01-31'::date, 1::float8), ('2024-02-28', 2), ('2024-02-29', 4),
             ('2024-03-30', 8), ('2024-03-31', 16), ('2024-04-30', 32)) t(ts, amount);
SELECT round((sqrt(((3 - 31/3.0)^2 + (12 - 31/3.0)^2 + (16 - 31/3.0)^2) / 3) / (31/3.0))::numeric, 12)
       AS by_hand;

-- Generated data against plain SQL: buckets from generate_series, LEFT JOIN of the sums,
-- stddev_pop / avg.  Integer amounts, so every float sum is exact.
CREATE TEMP TABLE dcv_sales AS
SELECT i AS id, i % 50 AS item,
       DATE '2022-12-01' + ((i * 7919) % 800)::int AS ts,
       CASE WHEN i % 101 = 0 THEN NULL ELSE ((i * 104729) % 1000 - 100)::float8 END AS amount
FROM generate_series(1, 60000::bigint) i;
-- an item with no row inside the buckets, and one whose sums cancel out
INSERT INTO dcv_sales VALUES (-1, 1000, '2020-01-01', 5), (-2, 1001, '2023-01-10', 7), (-3, 1001, '2023-05-10', -7);

CREATE TEMP TABLE dcv_params(label text, start date, periods int, period interval);
INSERT INTO dcv_params VALUES ('12 months', '2023-01-01', 12, '1 month'),
  ('30 weeks', '2023-02-15', 30, '7 days'), ('month and a half', '2023-01-31', 10, '1 month 15 days'),
  ('36 hours', '2023-03-01', 40, '36 hours');

-- Each sale's bucket i is found once per parameter set with width_bucket
-- over the boundaries start + k * period, k = 0..periods (bucket i is
-- [start + i * period, start + (i + 1) * period); before the first or from
-- the last boundary on it falls outside), and the sums per bucket are joined
-- to every (item, bucket), empty ones 0.  (Was a range join of every bucket
-- with every sale of its item: ~6M comparisons, ~80 % of this suite's time.)
CREATE TEMP VIEW dcv_ref AS
SELECT label, item, CASE WHEN sum(n) = 0 OR avg(s) = 0 THEN NULL ELSE stddev_pop(s) / avg(s) END AS cv
FROM (SELECT p.label, it.item, b.i, coalesce(x.s, 0) AS s, coalesce(x.n, 0) AS n
      FROM dcv_params p
      CROSS JOIN (SELECT DISTINCT item FROM dcv_sales) it
      CROSS JOIN LATERAL generate_series(0, p.periods - 1) b(i)
      LEFT JOIN (SELECT bd.label, x.item, width_bucket(x.ts::timestamp, bd.bounds) - 1 AS i,
                        sum(x.amount) AS s, count(x.amount) AS n
                 FROM (SELECT label, ARRAY(SELECT start + k * period FROM generate_series(0, periods) k) AS bounds
                       FROM dcv_params OFFSET 0) bd
                 CROSS JOIN dcv_sales x
                 WHERE x.amount IS NOT NULL
                 GROUP BY 1, 2, 3) x ON x.label = p.label AND x.item = it.item AND x.i = b.i) sums
GROUP BY label, item;

CREATE TEMP VIEW dcv_got AS
SELECT p.label, s.item, demand_cv(s.ts, s.amount, p.start, p.periods, p.period) AS cv
FROM dcv_params p CROSS JOIN dcv_sales s GROUP BY p.label, s.item;

SELECT label, count(*) AS items,
       count(*) FILTER (WHERE round(g.cv::numeric, 10) IS DISTINCT FROM round(r.cv::numeric, 10)) AS mismatches,
       count(*) FILTER (WHERE g.cv IS NULL) AS null_cv
FROM dcv_ref r FULL JOIN dcv_got g USING (label, item)
GROUP BY label ORDER BY label COLLATE "C";

-- merge of partial states over split rows (3 shards) equals the direct result
SELECT count(*) AS items,
       count(*) FILTER (WHERE m.cv IS DISTINCT FROM d.cv) AS mismatches
FROM (SELECT item, demand_cv_merge(st) AS cv
      FROM (SELECT item, id % 3 AS shard, demand_cv_partial(ts, amount, '2023-01-01', 12) AS st
            FROM dcv_sales GROUP BY item, id % 3) s
      GROUP BY item) m
FULL JOIN (SELECT item, demand_cv(ts, amount, '2023-01-01', 12) AS cv FROM dcv_sales GROUP BY item) d
USING (item);

-- text round trip: the text form is read back to the same value and the same result
CREATE TEMP TABLE dcv_states AS
SELECT item, demand_cv_partial(ts, amount, '2023-02-15', 30, '7 days') AS st
FROM dcv_sales GROUP BY item;
-- a non-integer sum needs every digit: 0.1 + 0.2 = 0.30000000000000004
INSERT INTO dcv_states
SELECT 2000, demand_cv_partial(ts, amount, '2023-02-15', 30, '7 days')
FROM (VALUES ('2023-02-15'::date, 0.1::float8), ('2023-02-16', 0.2), ('2023-02-22', 1e-300), ('2023-03-02', -1.5e300)) t(ts, amount);
SELECT st FROM dcv_states WHERE item = 2000;
SELECT count(*) AS states,
       count(*) FILTER (WHERE st::text::demand_cv_state::text IS DISTINCT FROM st::text) AS text_mismatch,
       count(*) FILTER (WHERE (SELECT demand_cv_merge(x) FROM (VALUES (st::text::demand_cv_state)) v(x))
                              IS DISTINCT FROM (SELECT demand_cv_merge(x) FROM (VALUES (st)) v(x))) AS result_mismatch
FROM dcv_states;

-- binary round trip: COPY BINARY to a file and back
-- (the file name carries the backend pid, so parallel test runs do not collide)
SELECT '/tmp/quota_ext_dcv_' || pg_backend_pid() || '.bin' AS dcv_file \gset
COPY dcv_states TO :'dcv_file' WITH (FORMAT binary);
CREATE TEMP TABLE dcv_states2 (LIKE dcv_states);
COPY dcv_states2 FROM :'dcv_file' WITH (FORMAT binary);
SELECT count(*) AS states, count(*) FILTER (WHERE a.st::text IS DISTINCT FROM b.st::text) AS binary_mismatch
FROM dcv_states a FULL JOIN dcv_states2 b USING (item);

-- malformed binary values: bytea written by COPY BINARY and read as demand_cv_state
CREATE TEMP TABLE dcv_bad_bin (label text, b bytea);
INSERT INTO dcv_bad_bin
SELECT 'truncated', substr(demand_cv_state_send(st), 1, length(demand_cv_state_send(st)) - 3) FROM dcv_states WHERE item = 1
UNION ALL SELECT 'trailing byte', demand_cv_state_send(st) || '\x00'::bytea FROM dcv_states WHERE item = 1
UNION ALL SELECT 'version 2', overlay(demand_cv_state_send(st) placing '\x00000002'::bytea from 1) FROM dcv_states WHERE item = 1
UNION ALL SELECT 'periods 1', overlay(demand_cv_state_send(st) placing '\x00000001'::bytea from 5) FROM dcv_states WHERE item = 1
UNION ALL SELECT 'periods huge', overlay(demand_cv_state_send(st) placing '\x7fffffff'::bytea from 5) FROM dcv_states WHERE item = 1
UNION ALL SELECT 'negative rows', overlay(demand_cv_state_send(st) placing '\xffffffffffffffff'::bytea from 29) FROM dcv_states WHERE item = 1
UNION ALL SELECT 'NaN sum', overlay(demand_cv_state_send(st) placing '\x7ff8000000000000'::bytea from 37) FROM dcv_states WHERE item = 1
UNION ALL SELECT 'zero period', overlay(demand_cv_state_send(st) placing '\x00000000000000000000000000000000'::bytea from 13) FROM dcv_states WHERE item = 1
UNION ALL SELECT 'unchanged', demand_cv_state_send(st) FROM dcv_states WHERE item = 1
UNION ALL SELECT 'empty', '\x'::bytea
UNION ALL SELECT 'header only', '\x00000001'::bytea;
CREATE TEMP TABLE dcv_one_bin (b bytea);
CREATE TEMP TABLE dcv_one_state (st demand_cv_state);
CREATE FUNCTION pg_temp.try_bin(label text, f text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE dcv_one_bin; TRUNCATE dcv_one_state;
    INSERT INTO dcv_one_bin SELECT b FROM dcv_bad_bin x WHERE x.label = try_bin.label;
    EXECUTE format('COPY dcv_one_bin TO %L WITH (FORMAT binary)', f);
    RETURN test_util.err(format('COPY dcv_one_state FROM %L WITH (FORMAT binary)', f));
END $$;
SELECT label, regexp_replace(pg_temp.try_bin(label, :'dcv_file'), ', line 1, column st.*', '') AS err
FROM dcv_bad_bin ORDER BY label COLLATE "C";
-- the binary form: 36 bytes of header, 8 per bucket
SELECT length(demand_cv_state_send(st)) = 36 + 8 * 30 AS send_length FROM dcv_states WHERE item = 1;

-- malformed text values
SELECT test_util.err(format('SELECT %L::demand_cv_state', s)) FROM (VALUES
  (''),
  ('v2;start=2024-01-01;periods=2;period=1,0,0;rows=1;sums=5,0'),
  ('v1;start=2024-02-30;periods=2;period=1,0,0;rows=1;sums=5,0'),
  ('v1;start=2024-01-01;periods=1;period=1,0,0;rows=1;sums=5'),
  ('v1;start=2024-01-01;periods=1001;period=1,0,0;rows=1;sums=5,0'),
  ('v1;start=2024-01-01;periods=2;period=0,0,0;rows=1;sums=5,0'),
  ('v1;start=2024-01-01;periods=2;period=-1,0,0;rows=1;sums=5,0'),
  ('v1;start=2024-01-01;periods=2;period=1,0,0;rows=-1;sums=5,0'),
  ('v1;start=2024-01-01;periods=2;period=1,0,0;rows=0;sums=5,0'),
  ('v1;start=2024-01-01;periods=2;period=1,0,0;rows=1;sums=5'),
  ('v1;start=2024-01-01;periods=2;period=1,0,0;rows=1;sums=5,0,7'),
  ('v1;start=2024-01-01;periods=2;period=1,0,0;rows=1;sums=5,NaN'),
  ('v1;start=2024-01-01;periods=2;period=1,0,0;rows=1;sums=5,1e999'),
  ('v1;start=2024-01-01;periods=2;period=1,0,0;rows=99999999999999999999;sums=5,0'),
  ('v1;start=2024-01-01;periods=2;period=1,0,0;rows=1;sums=5,0 ')) t(s);
-- the example of the hint is valid
SELECT 'v1;start=2024-01-01;periods=2;period=1,0,0;rows=1;sums=5,0'::demand_cv_state AS hint_example;

-- different parameters: within a group, and across merged states
SELECT test_util.err(q) FROM (VALUES
  ('SELECT demand_cv(ts, 1, ts, 12) FROM (VALUES (''2024-01-01''::date), (''2024-02-01'')) t(ts)'),
  ('SELECT demand_cv(ts, 1, ''2024-01-01'', n) FROM (VALUES (''2024-01-01''::date, 12), (''2024-02-01'', 6)) t(ts, n)'),
  ('SELECT demand_cv(ts, 1, ''2024-01-01'', 2, p) FROM (VALUES (''2024-01-01''::date, ''1 month''::interval), (''2024-02-01'', ''30 days'')) t(ts, p)'),
  ('SELECT demand_cv_merge(st) FROM (SELECT demand_cv_partial(''2024-01-05'', 1, ''2024-01-01'', 12)
     UNION ALL SELECT demand_cv_partial(''2024-01-05'', 1, ''2024-01-01'', 6)) t(st)')) t(q);

-- bad arguments
SELECT test_util.err(q) FROM (VALUES
  ('SELECT demand_cv(''2024-01-05'', 1, ''2024-01-01'', 1)'),
  ('SELECT demand_cv(''2024-01-05'', 1, ''2024-01-01'', 1001)'),
  ('SELECT demand_cv(''2024-01-05'', 1, ''2024-01-01'', 12, ''0 days'')'),
  ('SELECT demand_cv(''2024-01-05'', 1, ''2024-01-01'', 12, ''-1 month'')'),
  ('SELECT demand_cv(''2024-01-05'', 1, ''2024-01-01'', 12, ''1 month -1 day'')'),
  ('SELECT demand_cv(''2024-01-05'', 1, ''infinity'', 12)'),
  ('SELECT demand_cv(''2024-01-05'', 1, NULL, 12)'),
  ('SELECT demand_cv(''2024-01-05'', 1, ''2024-01-01'', NULL)'),
  ('SELECT demand_cv(''2024-01-05'', 1, ''2024-01-01'', 12, NULL)'),
  ('SELECT demand_cv(''2024-01-05'', ''NaN'', ''2024-01-01'', 12)'),
  ('SELECT demand_cv(''2024-01-05'', ''-Infinity'', ''2024-01-01'', 12)'),
  ('SELECT demand_cv(ts, 1e308, ''2024-01-01'', 12) FROM (VALUES (''2024-01-05''::date), (''2024-01-06'')) t(ts)')) t(q);

-- Parallel plan: Partial Aggregate under Gather, same answer as the serial plan.
CREATE TABLE dcv_big AS
SELECT i AS id, i % 7 AS item, DATE '2023-01-01' + (i % 365)::int AS ts, ((i * 7919) % 500)::float8 AS amount
FROM generate_series(1, 300000::bigint) i;
ANALYZE dcv_big;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE dcv_serial AS
SELECT item, demand_cv(ts, amount, '2023-01-01', 12) AS cv, demand_cv_partial(ts, amount, '2023-01-01', 12)::text AS st
FROM dcv_big GROUP BY item;
CREATE TEMP TABLE dcv_serial_total AS SELECT demand_cv(ts, amount, '2023-01-01', 12) AS cv FROM dcv_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT demand_cv(ts, amount, '2023-01-01', 12) FROM dcv_big;
SELECT (SELECT demand_cv(ts, amount, '2023-01-01', 12) FROM dcv_big) = cv AS parallel_equals_serial,
       round(cv::numeric, 12) AS cv FROM dcv_serial_total;
EXPLAIN (COSTS OFF) SELECT demand_cv_merge(st) FROM (SELECT demand_cv_partial(ts, amount, '2023-01-01', 12) st FROM dcv_big GROUP BY item) s;
SELECT count(*) AS items,
       count(*) FILTER (WHERE p.cv IS DISTINCT FROM s.cv OR p.st IS DISTINCT FROM s.st) AS mismatches
FROM (SELECT item, demand_cv(ts, amount, '2023-01-01', 12) AS cv,
             demand_cv_partial(ts, amount, '2023-01-01', 12)::text AS st
      FROM dcv_big GROUP BY item) p FULL JOIN dcv_serial s USING (item);
SELECT (SELECT demand_cv_merge(st)
        FROM (SELECT demand_cv_partial(ts, amount, '2023-01-01', 12) AS st FROM dcv_big GROUP BY id % 5) s)
       = cv AS merge_equals_serial
FROM dcv_serial_total;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP TABLE dcv_big;
-- remove the COPY file
SELECT test_util.err(format('COPY (SELECT 1 WHERE false) TO PROGRAM %L', 'rm -f ' || :'dcv_file')) AS removed;

-- xyz_class: X when cv <= x_max, Y when cv <= y_max, else Z (boundaries included)
SELECT xyz_class(0) AS "0", xyz_class(0.1) AS "0.1", xyz_class(0.1000001) AS "0.1000001",
       xyz_class(0.25) AS "0.25", xyz_class(0.2500001) AS "0.2500001", xyz_class(3) AS "3",
       xyz_class(0.3, 0.2, 0.5) AS custom_y, xyz_class(0.3, 0.3, 0.3) AS equal_x,
       xyz_class(0.31, 0.3, 0.3) AS equal_z, xyz_class(0, 0, 0) AS zero_x,
       xyz_class(NULL) IS NULL AS strict_null;
-- with demand_cv: sums 10, 20, 30 -> cv 0.408 -> Z; equal buckets -> X
SELECT xyz_class(demand_cv(ts, amount, '2024-01-01', 3)) AS z
FROM (VALUES ('2024-01-05'::date, 10::float8), ('2024-02-10', 20), ('2024-03-31', 30)) t(ts, amount);

SELECT test_util.err(q) FROM (VALUES
  ('SELECT xyz_class(''NaN'')'),
  ('SELECT xyz_class(''Infinity'')'),
  ('SELECT xyz_class(-0.1)'),
  ('SELECT xyz_class(0.1, -0.1, 0.25)'),
  ('SELECT xyz_class(0.1, 0.3, 0.25)'),
  ('SELECT xyz_class(0.1, 0.1, ''NaN'')'),
  ('SELECT xyz_class(0.1, ''Infinity'', ''Infinity'')')) t(q);
