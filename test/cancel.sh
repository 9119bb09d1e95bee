#!/usr/bin/env bash
# Cancel: every long-running function of quota_ext answers a cancel
# (pg_cancel_backend) within 0.2 s, whatever phase it is in, serial and
# under parallel workers (issue 10).  See test/cancel.py.
# Runs against the server in PGHOST/PGPORT/PGUSER; ends "N passed, N failed".
set -uo pipefail
exec /usr/bin/python3 "$(dirname "$0")/cancel.py" "$@"
