#!/usr/bin/env bash
# Cancel of the window functions that read a whole partition (abc_class,
# rfm_score; src/window_values.c) over one partition of 4,000,000 rows,
# cancelled while PostgreSQL spools it, while the function reads it, sorts
# and answers: the statement ends with 57014, the backend does at most 0.2 s
# of CPU work after the cancel, and the wall-clock time to the error is at
# most 2 x 0.2 s scaled by the backend's share of the machine (so a busy machine
# does not fail it; the wall-clock figures are printed).  See
# test/cancel_window.py and test/lib/qxcancel.py.
# Runs against the server in PGHOST/PGPORT/PGUSER; ends "N passed, N failed".
# qx-tier: once
# qx-serial: measures cancel latency (backend CPU and wall-clock time after the cancel)
set -uo pipefail
exec /usr/bin/python3 "$(dirname "$0")/cancel_window.py" "$@"
