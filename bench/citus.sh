#!/usr/bin/env bash
# bench/citus.sh: the grouped-by-rep queries on Citus against one node.
#
#   bash bench/citus.sh [customers]        # default 50000 (about 500k orders)
#
# Starts a Citus coordinator and two workers (test/lib/citus_cluster.sh,
# ports QX_CITUS_PORT..+2, default QX_PORT+23; Citus from scripts/citus.sh;
# quota_ext must be installed in the tree), loads the same orders into a
# table distributed by customer and a plain table on the coordinator, and
# times, per aggregate, median of RUNS alternating runs:
#   one node   X(...) GROUP BY rep_id on the plain table (the baseline)
#   pull rows  X(...) GROUP BY rep_id on the distributed table: Citus pulls
#              every order to the coordinator (the state type is internal)
#   two-level  X_merge(st) over X_partial(...) GROUP BY rep_id, customer_id
#              on the distributed table: X_partial and X_merge's partial
#              aggregation run on the workers
# and prints ratios.  All three servers share this machine's cores, so the
# workers do not add CPU here: the ratios measure the data movement and the
# merge, not a scale-out speedup.
set -euo pipefail
cd "$(dirname "$0")/.."
CUSTOMERS=${1:-50000}
RUNS=${RUNS:-5}
source scripts/lib.sh
source scripts/citus.sh
source test/lib/citus_cluster.sh
qx_citus_install >/dev/null
trap qx_citus_stop EXIT
qx_citus_start "${QX_CITUS_PORT:-$((QX_PORT + 23))}"
c() { qx_citus_psql 0 "$@"; }

c >/dev/null <<SQL
CREATE EXTENSION quota_ext;
CREATE TABLE orders_local AS
SELECT c AS customer_id, 1 + c % 8 AS rep_id,
       DATE '2023-01-01' + ((c * 7919 + k * 104729) % 600) AS ts,
       (((c * 31 + k * 17) % 50000) / 100.0 + 1)::numeric(12,2) AS amount
FROM generate_series(1, $CUSTOMERS) c, generate_series(1, 1 + (c % 19)) k;
CREATE TABLE orders (LIKE orders_local);
SELECT create_distributed_table('orders', 'customer_id');
INSERT INTO orders SELECT * FROM orders_local;
VACUUM ANALYZE orders_local;
VACUUM ANALYZE orders;
-- every row of the result is fetched and every column computed
CREATE FUNCTION bench_ms(q text) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz := clock_timestamp(); r record;
BEGIN FOR r IN EXECUTE q LOOP END LOOP; RETURN extract(epoch FROM clock_timestamp() - t0) * 1000; END \$\$;
SQL
orders=$(c -At -c "SELECT count(*) FROM orders")
echo "## Grouped by rep (8 reps): Citus (coordinator + 2 workers, 4 shards, one 2-core machine) vs one node"
echo
echo "$CUSTOMERS customers, $orders orders; median of $RUNS alternating runs."
echo
echo "| aggregate | one node (ms) | pull rows (ms) | two-level (ms) | two-level / one node | two-level / pull rows | pull rows / one node |"
echo "|---|---:|---:|---:|---:|---:|---:|"
bench() {	# name, arguments
	local one="SELECT rep_id, $1($2) FROM orders_local GROUP BY rep_id"
	local pull="SELECT rep_id, $1($2) FROM orders GROUP BY rep_id"
	local two="SELECT rep_id, $1_merge(st) FROM (SELECT rep_id, customer_id, $1_partial($2) AS st
	           FROM orders GROUP BY rep_id, customer_id) s GROUP BY rep_id"
	c -At <<SQL
CREATE TEMP TABLE r (which int, ms float8);
SELECT bench_ms(\$q\$$one\$q\$) + bench_ms(\$q\$$pull\$q\$) + bench_ms(\$q\$$two\$q\$) AS warmup \gset
INSERT INTO r SELECT w, bench_ms(CASE w WHEN 0 THEN \$q\$$one\$q\$ WHEN 1 THEN \$q\$$pull\$q\$ ELSE \$q\$$two\$q\$ END)
    FROM generate_series(1, $RUNS) i, (VALUES (0), (1), (2)) v(w);
SELECT format('| %s | %s | %s | %s | %s | %s | %s |', '$1', round(a::numeric), round(b::numeric), round(t::numeric),
              round((t / a)::numeric, 2), round((t / b)::numeric, 2), round((b / a)::numeric, 2))
FROM (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE which = 0) a,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE which = 1) b,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE which = 2) t FROM r) m;
SQL
}
bench rfm_summary "ts, amount, '2024-06-30'"
bench btyd_summary "ts, amount, '2024-06-30', '7 days'"
bench rfm_kinetic "ts, amount, '2024-06-30'"
bench demand_cv "ts, amount::float8, '2024-01-01', 6, '1 month'"
