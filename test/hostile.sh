#!/usr/bin/env bash
# Hostile inputs: every function, aggregate and window function of quota_ext
# (discovered from the catalog) called with edge values; fails on a crash, an
# XX error or a statement past statement_timeout.  See test/hostile.py.
# Runs against the server in PGHOST/PGPORT/PGUSER with the extension installed.
# qx-tier: ubsan (once, in the UBSan run of scripts/memcheck.sh: an -O2 build
# like the plain one, plus undefined-behaviour checks)
set -uo pipefail
exec /usr/bin/python3 "$(dirname "$0")/hostile.py" "$@"
