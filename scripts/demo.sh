#!/usr/bin/env bash
# The demo command: installs what is missing, builds and installs quota_ext,
# starts a throwaway PostgreSQL, generates the sales dataset
# (scripts/gen_data.sql) and prints the dashboard (scripts/demo.sql, then the
# deal diary's morning lists, scripts/demo_diary.sql).  The
# server is stopped and its data directory removed on exit.
#
#   scripts/demo.sh                  # 1000 customers (10 reps, ~10k orders)
#   scripts/demo.sh 20000            # or QX_CUSTOMERS=20000 scripts/demo.sh
#
# Environment: QX_CUSTOMERS (size), QX_SEED (setseed argument, default 0.42),
# QX_AS_OF (dashboard date, default 2026-09-15), and lib.sh's QX_PGROOT and
# QX_PORT (private PostgreSQL tree and port).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

customers=${1:-${QX_CUSTOMERS:-1000}}
seed=${QX_SEED:-0.42}
as_of=${QX_AS_OF:-2026-09-15}
case $customers in
	'' | *[!0-9]* | 0*) echo "demo.sh: the number of customers must be a positive integer, not '$customers'" >&2; exit 2 ;;
esac

qx_install_deps
qx_build
trap qx_stop_server EXIT
qx_start_server quota_ext_demo

qx_psql -d postgres -c 'CREATE EXTENSION quota_ext'
qx_log "generating $customers customers (scripts/gen_data.sql)"
start=$(date +%s.%N)
qx_psql -d postgres -v customers="$customers" -v seed="$seed" -f "$QX_ROOT/scripts/gen_data.sql"
qx_log "generated in $(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }") s"
qx_psql -d postgres -v as_of="$as_of" -f "$QX_ROOT/scripts/demo.sql"
qx_psql -d postgres -v as_of="$as_of" -v seed="$seed" -f "$QX_ROOT/scripts/demo_margin.sql"
qx_psql -d postgres -v as_of="$as_of" -f "$QX_ROOT/scripts/demo_funnel.sql"
qx_psql -d postgres -v as_of="$as_of" -f "$QX_ROOT/scripts/demo_calibration.sql"
qx_psql -d postgres -v as_of="$as_of" -f "$QX_ROOT/scripts/demo_quarter.sql"
qx_psql -d postgres -v as_of="$as_of" -f "$QX_ROOT/scripts/demo_diary.sql"
