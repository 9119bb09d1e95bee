#!/usr/bin/env bash
# qx-tier: once
# quota_allocate (SPEC §16) against an independent largest-remainder
# formulation in Python (exact Decimal/Fraction arithmetic) over thousands of
# random partitions; test/quota_allocate.py says how.  Runs against the
# server in PGHOST/PGPORT/PGUSER; needs python3-psycopg2.  Ends with
# "N passed, N failed".
set -uo pipefail
exec /usr/bin/python3 "$(dirname "$0")/quota_allocate.py" "$@"
