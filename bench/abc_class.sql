-- bench/abc_class.sql: abc_class() against the plain-SQL window rule of SPEC §3
-- on 1M rows (10 partitions of 100k); prints both timings (\timing) and the
-- mismatch count.  Not a test.  Run: psql -X -f bench/abc_class.sql
SET jit = off;
SET work_mem = '256MB';
DROP TABLE IF EXISTS bench_abc;
CREATE TABLE bench_abc AS
SELECT i AS id, i % 10 AS p, ((i * 7919) % 100003)::float8 / 4 - 100 AS v
FROM generate_series(1, 1000000::bigint) i;
ANALYZE bench_abc;
\timing on
-- abc_class, every output consumed by the aggregate
SELECT count(*) FILTER (WHERE c = 'A') AS a, count(*) FILTER (WHERE c = 'B') AS b, count(*) FILTER (WHERE c = 'C') AS c
FROM (SELECT abc_class(v) OVER (PARTITION BY p) AS c FROM bench_abc) s;
-- the SQL rule
SELECT count(*) FILTER (WHERE c = 'A') AS a, count(*) FILTER (WHERE c = 'B') AS b, count(*) FILTER (WHERE c = 'C') AS c
FROM (SELECT CASE WHEN v <= 0 THEN 'C'
                  WHEN sum(greatest(v, 0)) OVER (PARTITION BY p ORDER BY v DESC) <= 0.8 * sum(greatest(v, 0)) OVER (PARTITION BY p) THEN 'A'
                  WHEN sum(greatest(v, 0)) OVER (PARTITION BY p ORDER BY v DESC) <= 0.95 * sum(greatest(v, 0)) OVER (PARTITION BY p) THEN 'B'
                  ELSE 'C' END AS c FROM bench_abc) s;
-- abc_class again (warm)
SELECT count(*) FILTER (WHERE c = 'A') AS a, count(*) FILTER (WHERE c = 'B') AS b, count(*) FILTER (WHERE c = 'C') AS c
FROM (SELECT abc_class(v) OVER (PARTITION BY p) AS c FROM bench_abc) s;
-- one partition of 1M rows
SELECT count(*) FILTER (WHERE c = 'A') AS a FROM (SELECT abc_class(v) OVER () AS c FROM bench_abc) s;
SELECT count(*) FILTER (WHERE c = 'A') AS a
FROM (SELECT CASE WHEN v <= 0 THEN 'C'
                  WHEN sum(greatest(v, 0)) OVER (ORDER BY v DESC) <= 0.8 * sum(greatest(v, 0)) OVER () THEN 'A'
                  WHEN sum(greatest(v, 0)) OVER (ORDER BY v DESC) <= 0.95 * sum(greatest(v, 0)) OVER () THEN 'B'
                  ELSE 'C' END AS c FROM bench_abc) s;
\timing off
DROP TABLE bench_abc;
