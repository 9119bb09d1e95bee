#!/usr/bin/env bash
# qx-tier: once
# Pareto/NBD P(alive) and expectations against an independent mpmath
# reference (test/clv_reference.py: the note's hypergeometric form with
# mpmath's hyp2f1 at 40 digits) over a grid that includes r + x < 1 with
# alpha << beta (issue 19 item 9).  See test/paretonbd_grid.py.
# Runs against the server in PGHOST/PGPORT/PGUSER; ends "N passed, N failed".
set -uo pipefail
exec /usr/bin/python3 "$(dirname "$0")/paretonbd_grid.py" "$@"
