#!/usr/bin/env bash
# test/citus.sh: quota_ext on Citus 13.2.2 -- a coordinator and two workers
# (127.0.0.1, ports QX_CITUS_PORT..+2, default QX_PORT+20; as user
# postgres).  Citus is built once from ../shared/vendor and cached
# (scripts/citus.sh); quota_ext must already be installed in the tree (the
# test command does that).  README "Citus" is written from what this shows:
#
#  1. CREATE EXTENSION quota_ext on the coordinator reaches the workers;
#  2. for every aggregate (rfm_summary, btyd_summary, rfm_kinetic, stage_funnel,
#     demand_cv, bgnbd_fit) and its _partial/_merge, on orders distributed
#     by customer (bgnbd_fit on per-customer summaries): grouped by customer
#     the whole aggregate runs in the worker query and equals one node's
#     answer (the same rows in a plain table on the coordinator); grouped by
#     rep the top-level aggregate equals one node's answer but is computed
#     on the coordinator from pulled rows, while the two-level form
#     X_merge(X_partial) runs X_merge's partial aggregation in the worker
#     query (worker_partial_agg) and equals one node's X;
#  3. states built with different parameters still refuse to merge;
#  4. the DateStyle hazard: under DateStyle 'SQL, DMY' on the coordinator a
#     date constant reaches the workers as DD/MM/YYYY, read there as
#     MM/DD/YYYY: a WHERE clause silently selects other rows;
#  5. EXPLAIN ANALYZE shows one task of several and the rows pulled to the
#     coordinator; on a query where Citus splits X_merge it fails;
#  6. flag_reanimation on distributed and reference tables: refused without
#     citus.enable_unsafe_triggers; with it, `since` is the transaction time
#     of each worker connection, not the coordinator's, and the replicas of
#     a reference table each get their own.
# Ends with "N passed, N failed".
# qx-tier: once
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/lib.sh"
source "$root/scripts/citus.sh"
source "$root/test/lib/citus_cluster.sh"
source "$root/test/lib/suite.sh"	# qx_batch_cmd

passed=0
failed=0
check() {	# name, condition status[, detail shown on failure]
	if [ "$2" -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok - $1"
	else
		failed=$((failed + 1))
		echo "not ok - $1"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | head -30 | sed 's/^/    /'
	fi
	return 0
}
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

t0=$(date +%s)
qx_citus_install
case $? in
0) ;;
2) echo "not applicable: Citus 13.2.2 runs on PostgreSQL 15-17 only"; finish ;;
*) check "Citus builds and installs" 1; finish ;;
esac
trap qx_citus_stop EXIT
qx_citus_start "${QX_CITUS_PORT:-$((QX_PORT + 20))}" || { check "Citus cluster starts" 1; finish; }
c() { qx_citus_psql 0 "$@"; }
cq() { qx_citus_psql 0 -At "$@" 2>&1; }

# ---------------------------------------------------------------------
# 1. The extension propagates
# ---------------------------------------------------------------------
c -c "CREATE EXTENSION quota_ext" >/dev/null
want=$(cq -c "SELECT extversion FROM pg_extension WHERE extname = 'quota_ext'")
for w in 1 2; do
	got=$(qx_citus_psql "$w" -At -c "SELECT extversion FROM pg_extension WHERE extname = 'quota_ext'" 2>&1)
	check "CREATE EXTENSION on the coordinator created quota_ext $want on worker $w" \
		"$([ -n "$want" ] && [ "$got" = "$want" ]; echo $?)" "got '$got'"
done

# ---------------------------------------------------------------------
# Data: 600 customers, 5 reps, 2023-01-01 .. 2024-07-13, distributed by
# customer; the same rows in plain tables on the coordinator (one node).
# Rep 5 sells only customers 596..600 (all orders), so one group is small.
# ---------------------------------------------------------------------
c >/dev/null <<'SQL'
CREATE TABLE orders_local AS
SELECT c AS customer_id, CASE WHEN c > 595 THEN 5 ELSE 1 + (c * 7 + k) % 4 END AS rep_id,
       DATE '2023-01-01' + ((c * 37 + k * 101) % 560) AS ts,
       (((c * 31 + k * 17) % 5000) / 10.0 + 1)::numeric(12,2) AS amount
FROM generate_series(1, 600) c, generate_series(1, 1 + c % 13) k;
CREATE TABLE orders (LIKE orders_local);
SELECT create_distributed_table('orders', 'customer_id');
INSERT INTO orders SELECT * FROM orders_local;
-- per-customer BTYD summaries with the customer's main rep, for bgnbd_fit
CREATE TABLE cust_local AS
SELECT customer_id, rep_id, (b).frequency, (b).recency, (b).t, (b).monetary
FROM (SELECT customer_id, min(rep_id) AS rep_id, btyd_summary(ts, amount, '2024-06-30', '7 days') AS b
      FROM orders_local GROUP BY customer_id) s
WHERE b IS NOT NULL;
CREATE TABLE cust (LIKE cust_local);
SELECT create_distributed_table('cust', 'customer_id');
INSERT INTO cust SELECT * FROM cust_local;
SQL
n=$(cq -c "SELECT (SELECT count(*) FROM orders) || ' ' || (SELECT count(*) FROM orders_local) || ' ' || (SELECT count(*) FROM cust)")
echo "# orders (distributed, local), customers with a summary: $n"

# ---------------------------------------------------------------------
# 2. Every aggregate, by customer and by rep
# ---------------------------------------------------------------------
# name | table | arguments | how a result is printed for comparison
# [| the state type, when not name_state]
# (demand_cv is float8 over float8 amounts summed in another order on each
# path: compared to 12 significant digits)
aggs=(
	"rfm_summary|orders|ts, amount, '2024-06-30'|r::text"
	"btyd_summary|orders|ts, amount, '2024-06-30', '7 days'|r::text"
	"rfm_kinetic|orders|ts, amount, '2024-06-30', '60 days', 0.25|r::text"
	"demand_cv|orders|ts, amount::float8, '2024-01-01', 6, '1 month'|to_char(r, '9.99999999999EEEE')"
	"bgnbd_fit|cust|frequency, recency, t|r::text"
	"gammagamma_fit|cust|frequency, monetary|r::text"
	"paretonbd_fit|cust|frequency, recency, t|r::text|bgnbd_fit_state"
	"pipeline_forecast|orders|amount, ((customer_id * 37 + (ts - DATE '2023-01-01')) % 101) / 100.0::float8, 20000|r::text"
	# a deal per customer, its orders as stage rows; even customers closed on 2024-07-20
	"stage_funnel|orders|customer_id::bigint, 1 + (ts - DATE '2023-01-01') % 4, ts, CASE WHEN customer_id % 2 = 0 THEN DATE '2024-07-20' END, CASE WHEN customer_id % 2 = 0 THEN customer_id % 3 = 0 END, DATE '2024-07-31'|r::text"
)
# one row per group, "group: result", in group order
answer_sql() {	# table, group column, aggregate expression, printer of r
	echo "SELECT string_agg(g || ': ' || coalesce($4, 'NULL'), E'\n' ORDER BY g)
	       FROM (SELECT $2 AS g, $3 AS r FROM $1 GROUP BY $2) s;"
}
# Every query of this section runs in one coordinator session (a psql and a
# backend per query, each opening its own connections to the workers, cost
# more than the queries): each query's output (errors included, as cq gives
# them) is read back by the marker line before it.
declare -A res=()
batch=
add() { batch+=$'\\echo @@qx@@'"$1"$'\n'"$2"$'\n'; }	# key, SQL ending in ;
for spec in "${aggs[@]}"; do
	IFS='|' read -r agg tbl args show stype <<<"$spec"
	local_tbl=${tbl}_local
	add "$agg:plan_c" "EXPLAIN (VERBOSE, COSTS OFF) SELECT customer_id, $agg($args) FROM $tbl GROUP BY customer_id;"
	add "$agg:one" "$(answer_sql "$local_tbl" customer_id "$agg($args)" "$show")"
	add "$agg:dist" "$(answer_sql "$tbl" customer_id "$agg($args)" "$show")"
	add "$agg:one_p" "$(answer_sql "$local_tbl" customer_id "${agg}_partial($args)" "r::text")"
	add "$agg:dist_p" "$(answer_sql "$tbl" customer_id "${agg}_partial($args)" "r::text")"
	add "$agg:one_r" "$(answer_sql "$local_tbl" rep_id "$agg($args)" "$show")"
	add "$agg:dist_r" "$(answer_sql "$tbl" rep_id "$agg($args)" "$show")"
	add "$agg:plan_r" "EXPLAIN (VERBOSE, COSTS OFF) SELECT rep_id, $agg($args) FROM $tbl GROUP BY rep_id;"
	two="(SELECT rep_id, customer_id, ${agg}_partial($args) AS st FROM $tbl GROUP BY rep_id, customer_id) t"
	add "$agg:plan_m" "EXPLAIN (VERBOSE, COSTS OFF) SELECT rep_id, ${agg}_merge(st) FROM $two GROUP BY rep_id;"
	add "$agg:dist_m" "SELECT string_agg(g || ': ' || coalesce($show, 'NULL'), E'\n' ORDER BY g)
	               FROM (SELECT rep_id AS g, ${agg}_merge(st) AS r FROM $two GROUP BY rep_id) s;"
done
qx_batch_cmd res qx_citus_psql 0 -At -v ON_ERROR_STOP=0 <<<"$batch"
for spec in "${aggs[@]}"; do
	IFS='|' read -r agg tbl args show stype <<<"$spec"
	stype=${stype:-${agg}_state}

	# grouped by customer: pushed down whole, the single-node answer
	plan=${res[$agg:plan_c]-}
	echo "$plan" | grep -qE "Query: SELECT customer_id, public\.$agg\(.* GROUP BY customer_id"
	check "$agg by customer: the whole aggregate runs in the worker query" $? "$plan"
	one=${res[$agg:one]-}
	dist=${res[$agg:dist]-}
	check "$agg by customer on Citus equals one node ($(echo "$one" | wc -l) customers)" \
		"$([ -n "$one" ] && [ "$one" = "$dist" ]; echo $?)" "$(diff <(echo "$one") <(echo "$dist") | head -8)"
	one_p=${res[$agg:one_p]-}
	dist_p=${res[$agg:dist_p]-}
	check "${agg}_partial by customer on Citus equals one node" \
		"$([ -n "$one_p" ] && [ "$one_p" = "$dist_p" ]; echo $?)" "$(diff <(echo "$one_p") <(echo "$dist_p") | head -8)"

	# grouped by rep, the top-level aggregate: right, but the rows are pulled
	one_r=${res[$agg:one_r]-}
	dist_r=${res[$agg:dist_r]-}
	check "$agg by rep on Citus equals one node" \
		"$([ -n "$one_r" ] && [ "$one_r" = "$dist_r" ]; echo $?)" "$(diff <(echo "$one_r") <(echo "$dist_r") | head -8)"
	plan=${res[$agg:plan_r]-}
	! echo "$plan" | grep -qE "Query: .*(public\.$agg\(|worker_partial_agg)"
	check "$agg by rep (state type internal): the worker query only reads rows, as README says" $? "$plan"

	# grouped by rep, the two-level form: X_merge splits across the workers
	plan=${res[$agg:plan_m]-}
	echo "$plan" | grep -qE "Query: SELECT .*worker_partial_agg\('public\.${agg}_merge\(public\.${stype}\)'::regprocedure.*public\.${agg}_partial\(" &&
		echo "$plan" | grep -qE "coord_combine_agg\("
	check "${agg}_merge(${agg}_partial) by rep: partial aggregation of ${agg}_merge in the worker query, combined on the coordinator" $? "$plan"
	dist_m=${res[$agg:dist_m]-}
	check "${agg}_merge(${agg}_partial) by rep on Citus equals $agg by rep on one node" \
		"$([ -n "$one_r" ] && [ "$one_r" = "$dist_m" ]; echo $?)" "$(diff <(echo "$one_r") <(echo "$dist_m") | head -8)"
done

# ---------------------------------------------------------------------
# 3. Different parameters still refuse to merge, across workers
# ---------------------------------------------------------------------
c >/dev/null <<'SQL'
CREATE TABLE kstates (customer_id int, rep_id int, st rfm_kinetic_state);
SELECT create_distributed_table('kstates', 'customer_id');
INSERT INTO kstates SELECT customer_id, 1,
       rfm_kinetic_partial(ts, amount, CASE WHEN customer_id = 7 THEN DATE '2024-05-31' ELSE '2024-06-30' END)
FROM orders GROUP BY customer_id;
SQL
out=$(cq -c "SELECT rep_id, rfm_kinetic_merge(st) FROM kstates GROUP BY rep_id")
echo "$out" | grep -q "cannot merge rfm_kinetic states with different as_of: 2024-05-31 and 2024-06-30"
check "rfm_kinetic_merge by rep over states with two as_of values: the merge error, on Citus too" $? "$out"

# ---------------------------------------------------------------------
# 4. DateStyle: the coordinator writes constants in its own DateStyle
# ---------------------------------------------------------------------
# Hand count: rows up to 2024-06-01 (ISO) -- the same on both tables under
# ISO; under 'SQL, DMY' the worker reads 01/06/2024 as January 6.
q="SELECT count(*) FROM %s WHERE ts <= '2024-06-01'"
iso_local=$(cq -c "$(printf "$q" orders_local)")
iso_dist=$(cq -c "$(printf "$q" orders)")
dmy_local=$(cq -c "SET DateStyle = 'SQL, DMY'" -c "$(printf "$q" orders_local)")
dmy_dist=$(cq -c "SET DateStyle = 'SQL, DMY'" -c "$(printf "$q" orders)")
jan6=$(cq -c "SELECT count(*) FROM orders_local WHERE ts <= '2024-01-06'")
check "DateStyle ISO: WHERE ts <= '2024-06-01' counts $iso_local rows on Citus and on one node" \
	"$([ "$iso_dist" = "$iso_local" ] && [ "$dmy_local" = "$iso_local" ]; echo $?)" "$iso_dist $iso_local $dmy_local"
check "DateStyle 'SQL, DMY': the same query on Citus silently counts rows up to 2024-01-06 ($dmy_dist, not $iso_local)" \
	"$([ "$dmy_dist" = "$jan6" ] && [ "$jan6" != "$iso_local" ]; echo $?)" "dmy_dist=$dmy_dist jan6=$jan6"
out=$(cq -c "SET DateStyle = 'SQL, DMY'" -c "SELECT count(*) FROM orders WHERE ts <= '2024-06-30'")
echo "$out" | grep -q "date/time field value out of range"
check "DateStyle 'SQL, DMY': a day after the 12th fails on the workers (30/06/2024 read as month 30)" $? "$out"
out=$(cq -c "SET DateStyle = 'ISO, DMY'" -c "$(printf "$q" orders)")
check "DateStyle 'ISO, DMY' is safe (ISO output)" "$([ "$out" = "$iso_local" ]; echo $?)" "$out"

# ---------------------------------------------------------------------
# 5. EXPLAIN ANALYZE
# ---------------------------------------------------------------------
top=$(cq -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
	SELECT rep_id, rfm_kinetic(ts, amount, '2024-06-30') FROM orders GROUP BY rep_id")
two=$(cq -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
	SELECT rep_id, rfm_kinetic_merge(st) FROM (SELECT rep_id, customer_id,
	    rfm_kinetic_partial(ts, amount, '2024-06-30') AS st FROM orders GROUP BY rep_id, customer_id) t GROUP BY rep_id")
echo "$top" | grep -q "Tasks Shown: One of 4"
check "EXPLAIN ANALYZE shows one task of the four unless citus.explain_all_tasks" $? "$top"
rows=$(cq -c "SELECT count(*) FROM orders")
echo "$top" | grep -qE "Custom Scan \(Citus Adaptive\) \(actual rows=$rows loops=1\)" &&
	echo "$top" | grep -qE "Tuple data received from nodes: [0-9]+ [kMG]?B"
check "EXPLAIN ANALYZE of rfm_kinetic by rep: all $rows orders pulled to the coordinator (Tuple data received from nodes)" $? "$top"
echo "$two" | grep -q 'column "field_1" has pseudo-type cstring'
check "EXPLAIN ANALYZE of a query where Citus splits X_merge fails (worker_partial_agg returns cstring); EXPLAIN VERBOSE works" $? "$two"

# ---------------------------------------------------------------------
# 6. flag_reanimation on distributed and reference tables
# ---------------------------------------------------------------------
trig="BEFORE INSERT OR UPDATE ON %s FOR EACH ROW
      EXECUTE FUNCTION flag_reanimation('agreement', 'objections', 'reanimate', '0.4', 'since')"
c -c "CREATE TABLE deals (id int, agreement float8, objections int, reanimate boolean, since timestamptz)" \
	-c "CREATE TABLE ref_deals (LIKE deals)" \
	-c "CREATE TRIGGER deals_reanimation $(printf "$trig" deals)" \
	-c "CREATE TRIGGER ref_reanimation $(printf "$trig" ref_deals)" >/dev/null
out=$(cq -c "SELECT create_distributed_table('deals', 'id')")
echo "$out" | grep -q 'cannot distribute relation "deals" because it has triggers'
check "a table with the trigger is not distributed while citus.enable_unsafe_triggers is off" $? "$out"
out=$(cq -c "SELECT create_reference_table('ref_deals')")
echo "$out" | grep -q 'because it has triggers'
check "nor made a reference table" $? "$out"
# lift_index(0.6, 2) = 0.2 < 0.4: every row is flagged (README "Deals")
# (now() inside a distributed query is evaluated on the workers: the
# coordinator's transaction time is taken into t0 first)
out=$(cq <<'SQL'
SET citus.enable_unsafe_triggers = on;
SELECT create_distributed_table('deals', 'id');
SELECT create_reference_table('ref_deals');
BEGIN;
SELECT now() AS t0 \gset
INSERT INTO deals SELECT i, 0.6, 2 FROM generate_series(1, 40) i;
INSERT INTO ref_deals VALUES (1, 0.6, 2);
SELECT bool_and(reanimate) AND count(*) = 40, bool_and(since > :'t0'), count(DISTINCT since) > 1 FROM deals;
COMMIT;
SQL
)
check "with citus.enable_unsafe_triggers = on the trigger flags the rows of a distributed table" \
	"$(echo "$out" | tail -1 | grep -q '^t|'; echo $?)" "$out"
check "since is each worker connection's transaction time: later than the coordinator's now(), not one value" \
	"$(echo "$out" | tail -1 | grep -q '^t|t|t$'; echo $?)" "$out"
# a later session without the setting: the trigger still fires (an UPDATE
# to objections 0 gives lift_index(0.6, 0) = 0.6 >= 0.4: flag and since cleared)
out=$(cq -c "UPDATE deals SET objections = 0 WHERE id <= 10" \
	-c "SELECT count(*) FILTER (WHERE NOT reanimate AND since IS NULL) FROM deals WHERE id <= 10")
check "the trigger fires in later sessions without citus.enable_unsafe_triggers" "$([ "$out" = 10 ]; echo $?)" "$out"
out=$(cq -c "CREATE TABLE deals2 (LIKE deals)" -c "SELECT create_distributed_table('deals2', 'id')" \
	-c "CREATE TRIGGER deals2_reanimation $(printf "$trig" deals2)")
echo "$out" | grep -q 'triggers are not supported on distributed tables'
check "CREATE TRIGGER on a distributed table needs citus.enable_unsafe_triggers too" $? "$out"
shard=$(cq -c "SELECT shard_name('ref_deals'::regclass, shardid) FROM pg_dist_shard WHERE logicalrelid = 'ref_deals'::regclass")
s0=$(qx_citus_psql 0 -At -c "SELECT reanimate, since FROM $shard" 2>&1)
s1=$(qx_citus_psql 1 -At -c "SELECT reanimate, since FROM $shard" 2>&1)
s2=$(qx_citus_psql 2 -At -c "SELECT reanimate, since FROM $shard" 2>&1)
check "reference table: each replica computed its own since (coordinator, worker 1 and 2 differ)" \
	"$(case "$s0" in t\|*) [ "$s0" != "$s1" ] && [ "$s1" != "$s2" ] && [ "$s0" != "$s2" ] ;; *) false ;; esac; echo $?)" \
	"$s0 / $s1 / $s2"

echo "# Citus suite: $(($(date +%s) - t0)) s"
finish
