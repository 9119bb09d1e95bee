#!/usr/bin/env bash
# qx-tier: once
# pipeline_forecast (SPEC §10) on the adversarial sets of issue 19 against an
# independent meet-in-the-middle enumeration in Python
# (test/pipeline_forecast_exact.py says how).  Runs against the server in
# PGHOST/PGPORT/PGUSER; needs python3-numpy and python3-psycopg2.  Ends with
# "N passed, N failed".
set -uo pipefail
exec /usr/bin/python3 "$(dirname "$0")/pipeline_forecast_exact.py" "$@"
