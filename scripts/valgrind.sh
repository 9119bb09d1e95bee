#!/usr/bin/env bash
# scripts/valgrind.sh: the pg_regress suites with the server under valgrind
# memcheck; prints "N errors in quota_ext".  Same as
# `bash scripts/memcheck.sh valgrind` (see there; QX_MEMCHECK_SUITES adds
# test/*.sh suites, e.g. "test/hostile.sh").  About 1 minute.
exec bash "$(dirname "$0")/memcheck.sh" valgrind "$@"
