#!/usr/bin/env bash
# bench/run.sh: the quota_ext benchmark suite, in one command.
#
#   bash bench/run.sh [customers]        # default 500000 customers, ~5.2M orders
#
# Installs what is missing (Debian packages), builds and installs the
# extension, starts a throwaway PostgreSQL (jit off, memory sized for a
# 24 GB / 2-core machine, max_parallel_workers_per_gather = 2), generates the
# data with scripts/gen_data.sql (calls, deals and leads skipped), loads the
# baselines (bench/setup.sql), runs every case of bench/cases.sql (each a
# quota_ext query against a baseline measured in the same run: median of
# alternating runs, ratio subject / baseline), the pandas end-to-end case
# (bench/pandas_kinetic.py) and the memory measurement (bench/memory.py),
# writes bench/results.md and stops the server.
#
# Environment: RUNS (alternating runs per case, default 5), ONLY (run only the
# cases whose name contains it; results.md is then not written), QX_PGROOT and
# QX_PORT as for scripts/lib.sh.  Takes about 20 minutes at 500k customers.
set -euo pipefail
cd "$(dirname "$0")/.."
CUSTOMERS=${1:-500000}
RUNS=${RUNS:-5}
ONLY=${ONLY:-}

# 24 GB RAM, 2 cores: shared_buffers 4 GB (the data, ~1.5 GB with
# bench.scalars, stays cached), work_mem large enough that the per-customer
# hash aggregates and window partitions stay in memory.
#
# Huge pages: a parallel worker is a fresh process, and with 4 kB pages it
# takes a page fault for every page of shared buffers it touches, which on
# this VM costs the 2-worker plans most of their speedup (1.1-1.2x instead of
# 1.7-1.9x).  As root, the script reserves 2 MB huge pages for the server
# (vm.nr_hugepages, given back at exit) unless HUGEPAGES=0; the server uses
# them if it can (huge_pages = try) and results.md says whether it did.
HUGEPAGES=${HUGEPAGES:-1}
OLD_HUGEPAGES=
if [ "$HUGEPAGES" = 1 ] && [ "$(id -u)" -eq 0 ] && [ -w /proc/sys/vm/nr_hugepages ]; then
	OLD_HUGEPAGES=$(cat /proc/sys/vm/nr_hugepages)
	[ "$OLD_HUGEPAGES" -ge 2200 ] || echo 2200 >/proc/sys/vm/nr_hugepages
fi
export QX_EXTRA_CONF="shared_buffers = 4GB
huge_pages = try
work_mem = 256MB
maintenance_work_mem = 1GB
effective_cache_size = 16GB
max_worker_processes = 8
max_parallel_workers = 4
max_wal_size = 8GB
checkpoint_timeout = 30min
autovacuum = off"

source scripts/lib.sh
cleanup() {
	qx_stop_server
	if [ -n "$OLD_HUGEPAGES" ]; then echo "$OLD_HUGEPAGES" >/proc/sys/vm/nr_hugepages; fi
}
trap cleanup EXIT
qx_install_deps python3-psycopg2 python3-pandas
qx_build WERROR=1
qx_start_server bench
PY=/usr/bin/python3     # Debian's python3, which has psycopg2 and pandas

qx_psql -c "CREATE EXTENSION quota_ext"
qx_log "generating $CUSTOMERS customers"
t0=$(date +%s)
qx_psql -v customers="$CUSTOMERS" -v extras=0 -f scripts/gen_data.sql
qx_psql -f bench/setup.sql
qx_log "data ready in $(( $(date +%s) - t0 )) s"

args=(bench/cases.sql --runs "$RUNS" --pandas)
if [ -n "$ONLY" ]; then
	args+=(--only "$ONLY")
else
	args+=(--markdown bench/results.md
		--note "huge pages: $(awk '/HugePages_Total/ {t=$2} /HugePages_Free/ {f=$2} /HugePages_Rsvd/ {r=$2} END {print t " reserved, " t-f+r " in use by the server"}' /proc/meminfo) (2 MB each; see bench/run.sh)")
fi
$PY bench/bench.py "${args[@]}"
if [ -z "$ONLY" ]; then
	$PY bench/memory.py --markdown bench/results.md
fi
qx_log "done; results in bench/results.md"
