#!/usr/bin/env bash
# qx-tier: once
# stage_funnel and required_activity (SPEC §13) against independent
# computations: Kaplan-Meier medians and 80th percentiles against R's
# survival package and an exact-fraction Kaplan-Meier, stage counts against a
# Python count, required_activity against exact decimal arithmetic, and a
# state at the edges (test/stage_funnel.py says how).  Runs against the
# server in PGHOST/PGPORT/PGUSER; needs python3-psycopg2 and Rscript with
# r-cran-survival (scripts/test.sh installs them).  Ends with
# "N passed, N failed".
set -uo pipefail
exec /usr/bin/python3 "$(dirname "$0")/stage_funnel.py" "$@"
