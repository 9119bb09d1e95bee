#!/usr/bin/env bash
# Malformed aggregate states: seeded fuzzing of every base type of quota_ext
# through text input, binary receive (COPY BINARY) and the _merge aggregates.
# Fails on a crash, an XX error or a timeout.  See test/fuzz_states.py.
# qx-tier: ubsan (once, in the UBSan run of scripts/memcheck.sh: an -O2 build
# like the plain one, plus undefined-behaviour checks)
set -uo pipefail
exec /usr/bin/python3 "$(dirname "$0")/fuzz_states.py" "$@"
