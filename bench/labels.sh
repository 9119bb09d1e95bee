#!/usr/bin/env bash
# bench/labels.sh: the label catalog's speed (issue 28), as ratios against a
# baseline in the same run.
#
#   bash bench/labels.sh [rows]     # default 1000000
#
# Against a server given by PGHOST/PGPORT/PGUSER with quota_ext built.  Over
# ROWS pairs of segment codes (kinetic and rfm, a few NULLs and unknown
# codes): segment_direction, quota_label_rank and quota_label in a
# count(*) FILTER, against the baseline count(*) FILTER (WHERE a < b) over
# the same rows (reads the same columns, compares two texts per row).  With
# "custom" the database also holds a custom RFM map of 10 codes with
# Ukrainian labels in quota_label_custom (1.3 only), and the rows use them.
# Serial plans.  Each case: median of RUNS (default 5) EXPLAIN ANALYZE
# execution times.  Run it on the library before and after a change to
# compare the ratios (doc/performance.md#labels).
set -euo pipefail
N=${1:-1000000}
RUNS=${RUNS:-5}
db=qx_bench_labels_$$
psql -X -q -d postgres -c "CREATE DATABASE $db" >/dev/null
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1' EXIT
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" "$@"; }

q <<SQL
CREATE EXTENSION quota_ext;
SELECT setseed(0.28);
CREATE TABLE moves AS
SELECT (ARRAY['new', 'growing', 'returning', 'steady', 'fading', 'lost', NULL, 'unknown'])[1 + (random() * 7)::int] AS ka,
       (ARRAY['new', 'growing', 'returning', 'steady', 'fading', 'lost', NULL, 'unknown'])[1 + (random() * 7)::int] AS kb,
       (ARRAY['Champions', 'Loyal Customers', 'At Risk', 'Lost', 'Others', 'Promising'])[1 + (random() * 5)::int] AS ra,
       (ARRAY['Champions', 'Loyal Customers', 'At Risk', 'Lost', 'Others', 'Promising'])[1 + (random() * 5)::int] AS rb
FROM generate_series(1, $N);
VACUUM ANALYZE moves;
SQL
custom=no
if q -c "SELECT 1 FROM pg_class WHERE relname = 'quota_label_custom'" | grep -q 1; then
	custom=yes
	q <<'SQL'
INSERT INTO quota_label_custom (kind, code, rank, labels)
SELECT 'rfm', 'Сегмент ' || i, i, jsonb_build_object('uk', 'Сегмент клієнтів ' || i) FROM generate_series(1, 10) i;
CREATE TABLE moves_custom AS
SELECT 'Сегмент ' || (1 + (random() * 9)::int) AS ca, 'Сегмент ' || (1 + (random() * 9)::int) AS cb FROM moves;
VACUUM ANALYZE moves_custom;
SQL
fi

median_ms() {	# median execution time of a query, RUNS runs
	local sql=$1 i t
	for ((i = 0; i < RUNS; i++)); do
		t=$(q -c "SET max_parallel_workers_per_gather = 0" -c "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) $sql" |
			python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Execution Time"])')
		echo "$t"
	done | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

base=$(median_ms "SELECT count(*) FILTER (WHERE ka < kb) + count(*) FILTER (WHERE ra < rb) FROM moves")
printf '%-78s %10s %7s\n' "case ($N rows, custom rows: $custom)" "ms" ratio
printf '%-78s %10.1f %7s\n' "baseline: count(*) FILTER (WHERE a < b), kinetic and rfm" "$base" 1.00
row() {
	local t
	t=$(median_ms "$2")
	printf '%-78s %10.1f %7.2f\n' "$1" "$t" "$(echo "$t / $base" | bc -l)"
}
row "segment_direction, kinetic and rfm" \
	"SELECT count(*) FILTER (WHERE segment_direction('kinetic', ka, kb) = 'up') + count(*) FILTER (WHERE segment_direction('rfm', ra, rb) = 'up') FROM moves"
row "quota_label_rank, kinetic and rfm" \
	"SELECT count(*) FILTER (WHERE quota_label_rank('kinetic', ka) < 3) + count(*) FILTER (WHERE quota_label_rank('rfm', ra) < 3) FROM moves"
row "quota_label(.., 'ru'), kinetic and rfm" \
	"SELECT count(*) FILTER (WHERE quota_label('kinetic', ka, 'ru') < 'М') + count(*) FILTER (WHERE quota_label('rfm', ra, 'ru') < 'М') FROM moves"
if [ "$custom" = yes ]; then
	row "segment_direction over the custom map's codes (10 codes of the user's)" \
		"SELECT count(*) FILTER (WHERE segment_direction('rfm', ca, cb) = 'up') * 2 FROM moves_custom"
	row "quota_label(.., 'uk') over the custom map's codes" \
		"SELECT count(*) FILTER (WHERE quota_label('rfm', ca, 'uk') < 'М') * 2 FROM moves_custom"
fi
