#!/usr/bin/env bash
# qx-tier: once
# calibration (SPEC §15): win_calibration, isotonic_fit/isotonic_predict and
# forecast_backtest against scikit-learn and exact decimal arithmetic (each
# comparison one check; test/calibration.py says which oracle and tolerance).
# Runs against the server in PGHOST/PGPORT/PGUSER; needs python3-sklearn,
# python3-numpy, python3-psycopg2 (scripts/test.sh's suite_deps).  Fails
# when the oracle is missing or no check ran.  Ends with "N passed, N failed".
set -uo pipefail
exec /usr/bin/python3 "$(dirname "$0")/calibration.py" "$@"
