#!/usr/bin/env bash
# qx-tier: once
# SPEC §18 (issue 27) against independent references: the purchase pmfs at
# the published CDNOW parameters (mpmath: the SPEC formula; the Pareto/NBD
# model's double integral), sums and means over a grid of histories, the
# DERT against mpmath.quad, mbgnbd_fit on the CDNOW sample against the
# published maximum and a scipy maximisation, sbg_fit on Fader & Hardie's
# (2007) cohorts, and extreme parameters.  See test/models18.py.
# Needs Debian's /usr/bin/python3 (python3-mpmath, -numpy, -scipy,
# -psycopg2) and ../shared/data/CDNOW_sample.txt (QX_CDNOW overrides); fails
# when any is missing.  Runs against the server in PGHOST/PGPORT/PGUSER;
# ends "N passed, N failed".
set -uo pipefail
exec /usr/bin/python3 "$(dirname "$0")/models18.py" "$@"
