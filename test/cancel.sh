#!/usr/bin/env bash
# Cancel: every long-running function of quota_ext answers a cancel
# (pg_cancel_backend) within 0.2 s of backend CPU work, and within 2 x 0.2 s
# of wall-clock time scaled by the backend's share of the machine, whatever phase it is
# in, serial and under parallel workers (issues 10, 20).  See test/cancel.py
# and test/lib/qxcancel.py.
# qx-tier: once
# qx-serial: measures cancel latency (backend CPU and wall-clock time after the cancel)
# Runs against the server in PGHOST/PGPORT/PGUSER; ends "N passed, N failed".
set -uo pipefail
exec /usr/bin/python3 "$(dirname "$0")/cancel.py" "$@"
