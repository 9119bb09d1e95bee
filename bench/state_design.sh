#!/usr/bin/env bash
# bench/state_design.sh: what a real (non-internal) state type costs on one
# node -- the benchmark behind the state design of README "Citus".
#
#   bash bench/state_design.sh [customers]     # default 50000 (about 500k orders)
#
# Citus splits an aggregate across workers only when its state type is not
# internal.  This declares, in the benchmark's database only, rfm_summary and
# rfm_kinetic on their real state types (rfm_summary_state_trans and
# rfm_kinetic_state_trans: the same transition run inside an expanded
# object, src/state_merge.c) and the 1.1 X_merge on internal, and times each
# against the shipped aggregate in the same session: median of RUNS
# alternating runs, serial plans, work_mem WORK_MEM (default 64MB), ratio =
# candidate / shipped; and the hash aggregate memory of each by customer.
# Prints Markdown tables.
set -euo pipefail
cd "$(dirname "$0")/.."
CUSTOMERS=${1:-50000}
RUNS=${RUNS:-5}
source scripts/lib.sh
qx_build >/dev/null
trap qx_stop_server EXIT
QX_EXTRA_CONF="work_mem = ${WORK_MEM:-64MB}
max_parallel_workers_per_gather = 0" qx_start_server quota_ext_bench_state >/dev/null

qx_psql -c "CREATE EXTENSION quota_ext" >/dev/null
qx_psql <<SQL >/dev/null
CREATE TABLE orders AS
SELECT c AS customer_id, c % 8 AS rep_id,
       DATE '2023-01-01' + ((c * 7919 + k * 104729) % 600) AS ts,
       ((c * 31 + k * 17) % 50000) / 100.0 + 1 AS amount
FROM generate_series(1, $CUSTOMERS) c, generate_series(1, 1 + (c % 19)) k;
VACUUM ANALYZE orders;
-- the candidates: real state types on the top-level aggregates ...
CREATE FUNCTION rs_real_trans(rfm_summary_state, date, numeric, date) RETURNS rfm_summary_state
    AS '\$libdir/quota_ext', 'rfm_summary_state_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE rfm_summary_real(date, numeric, date) (SFUNC = rs_real_trans,
    STYPE = rfm_summary_state, FINALFUNC = rfm_summary_state_final,
    COMBINEFUNC = rfm_summary_state_combine, SSPACE = 64, PARALLEL = SAFE);
CREATE FUNCTION kn_real_trans(rfm_kinetic_state, date, numeric, date) RETURNS rfm_kinetic_state
    AS '\$libdir/quota_ext', 'rfm_kinetic_state_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE rfm_kinetic_real(date, numeric, date) (SFUNC = kn_real_trans,
    STYPE = rfm_kinetic_state, FINALFUNC = rfm_kinetic_state_final,
    COMBINEFUNC = rfm_kinetic_state_combine, SSPACE = 160, PARALLEL = SAFE);
-- ... and the 1.1 X_merge on internal, to price the 1.2 one
CREATE AGGREGATE rfm_kinetic_merge_internal(rfm_kinetic_state) (SFUNC = rfm_kinetic_merge_trans,
    STYPE = internal, FINALFUNC = rfm_kinetic_final, COMBINEFUNC = rfm_kinetic_combine,
    SERIALFUNC = rfm_kinetic_serialize, DESERIALFUNC = rfm_kinetic_deserialize, SSPACE = 160);
CREATE TABLE kstates AS SELECT rep_id, customer_id, rfm_kinetic_partial(ts, amount, '2024-06-30') AS st
    FROM orders GROUP BY rep_id, customer_id;
VACUUM ANALYZE kstates;
SQL
# "s IS NOT NULL" reads every column: an unused one would not be computed
SQL_TIMER=$(cat <<'SQL'
CREATE FUNCTION pg_temp.t(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN EXECUTE 'SELECT count(*) FROM (' || q || ') s WHERE s IS NOT NULL'; RETURN extract(epoch FROM clock_timestamp() - t0) * 1000; END $$;
SQL
)
orders=$(qx_psql -At -c "SELECT count(*) FROM orders")
echo "## Real state types on one node ($CUSTOMERS customers, $orders orders, serial plans, work_mem ${WORK_MEM:-64MB}, median of $RUNS runs)"
echo
echo "| case | shipped (ms) | candidate (ms) | candidate / shipped |"
echo "|---|---:|---:|---:|"
bench_case() {	# name, shipped query, candidate query
	qx_psql -At <<SQL
$SQL_TIMER
CREATE TEMP TABLE r (which int, ms float8);
SELECT pg_temp.t(\$q\$$2\$q\$) + pg_temp.t(\$q\$$3\$q\$) AS warmup \\gset
INSERT INTO r SELECT w, pg_temp.t(CASE w WHEN 0 THEN \$q\$$2\$q\$ ELSE \$q\$$3\$q\$ END)
    FROM generate_series(1, $RUNS) i, (VALUES (0), (1)) v(w);
SELECT format('| %s | %s | %s | %s |', '$1', round(a::numeric, 0), round(b::numeric, 0), round((b / a)::numeric, 3))
FROM (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE which = 0) a,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE which = 1) b FROM r) m;
SQL
}
bench_case "rfm_summary by customer" \
	"SELECT customer_id, rfm_summary(ts, amount, '2024-06-30') FROM orders GROUP BY customer_id" \
	"SELECT customer_id, rfm_summary_real(ts, amount, '2024-06-30') FROM orders GROUP BY customer_id"
bench_case "rfm_kinetic by customer" \
	"SELECT customer_id, rfm_kinetic(ts, amount, '2024-06-30') FROM orders GROUP BY customer_id" \
	"SELECT customer_id, rfm_kinetic_real(ts, amount, '2024-06-30') FROM orders GROUP BY customer_id"
bench_case "rfm_summary by rep (8 groups)" \
	"SELECT rep_id, rfm_summary(ts, amount, '2024-06-30') FROM orders GROUP BY rep_id" \
	"SELECT rep_id, rfm_summary_real(ts, amount, '2024-06-30') FROM orders GROUP BY rep_id"
bench_case "rfm_kinetic by rep (8 groups)" \
	"SELECT rep_id, rfm_kinetic(ts, amount, '2024-06-30') FROM orders GROUP BY rep_id" \
	"SELECT rep_id, rfm_kinetic_real(ts, amount, '2024-06-30') FROM orders GROUP BY rep_id"
bench_case "rfm_kinetic_merge of (rep, customer) states by rep: 1.1 internal vs 1.2 real" \
	"SELECT rep_id, rfm_kinetic_merge_internal(st) FROM kstates GROUP BY rep_id" \
	"SELECT rep_id, rfm_kinetic_merge(st) FROM kstates GROUP BY rep_id"
bench_case "two-level form by rep vs rfm_kinetic by rep" \
	"SELECT rep_id, rfm_kinetic(ts, amount, '2024-06-30') FROM orders GROUP BY rep_id" \
	"SELECT rep_id, rfm_kinetic_merge(st) FROM (SELECT rep_id, customer_id, rfm_kinetic_partial(ts, amount, '2024-06-30') st FROM orders GROUP BY rep_id, customer_id) s GROUP BY rep_id"

echo
echo "| hash aggregate by customer | shipped | candidate |"
echo "|---|---|---|"
mem() {	# the HashAggregate line of EXPLAIN ANALYZE: memory and batches
	qx_psql -At -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) $1" |
		grep -m1 -o 'Batches: [0-9]*  Memory Usage: [0-9]*kB.*' || echo '?'
}
for a in rfm_summary rfm_kinetic; do
	echo "| $a | $(mem "SELECT customer_id, $a(ts, amount, '2024-06-30') FROM orders GROUP BY customer_id") |" \
		"$(mem "SELECT customer_id, ${a}_real(ts, amount, '2024-06-30') FROM orders GROUP BY customer_id") |"
done
