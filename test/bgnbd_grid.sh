#!/usr/bin/env bash
# qx-tier: once (arithmetic against an independent reference: the same C code on
# every server; pg_regress runs every function on 18.6)
# BG/NBD expectations and P(alive) over extreme but valid parameters
# (issue 10; README "Reference: BG/NBD", Numerics): against an independent
# high-precision reference (test/bgnbd_reference.py, mpmath), and the ranges
# every result must keep.  See test/bgnbd_grid.py.
# Runs against the server in PGHOST/PGPORT/PGUSER; ends "N passed, N failed".
set -uo pipefail
exec /usr/bin/python3 "$(dirname "$0")/bgnbd_grid.py" "$@"
