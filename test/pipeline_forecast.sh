#!/usr/bin/env bash
# qx-tier: once (arithmetic against an independent reference: the same C code on
# every server; pg_regress runs every function on 18.6)
# pipeline_forecast (SPEC §10) against independent computations: brute-force
# enumeration of 2^n outcomes for up to 20 deals, the exact lattice
# distribution for 10,000 deals (test/pipeline_forecast.py says how).
# Runs against the server in PGHOST/PGPORT/PGUSER; needs python3-numpy
# (scripts/test.sh installs it).  Ends with "N passed, N failed".
set -uo pipefail
exec /usr/bin/python3 "$(dirname "$0")/pipeline_forecast.py" "$@"
