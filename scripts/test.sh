#!/usr/bin/env bash
# The test command: installs what is missing, builds with -Wall -Wextra
# -Werror, starts a throwaway PostgreSQL, runs every suite (static analysis,
# pg_regress, test/*.sh, TAP, then UBSan on a second server) and ends with
# "N passed, N failed".
# Exit status is non-zero when anything failed.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

passed=0
failed=0
logdir=$(mktemp -d /tmp/quota_ext_test_logs.XXXXXX)
chmod 755 "$logdir"

# python3-psycopg2: test/hostile.sh, test/fuzz_states.sh, test/cancel.sh,
# test/bi_clients.sh, test/pipeline_forecast.sh; python3-mpmath:
# test/bgnbd_grid.sh (the BG/NBD reference); python3-numpy:
# test/pipeline_forecast.sh; python3-pandas: test/bi_clients.sh; sqlsmith:
# test/sqlsmith.sh; cppcheck, clang-tidy: scripts/lint.sh; chromium, and
# nodejs + npm unless a node with npm is already there: test/dashboard.sh
# (which runs npm ci).
deps=(python3-psycopg2 python3-mpmath python3-numpy python3-pandas sqlsmith cppcheck clang-tidy chromium)
command -v npm >/dev/null || deps+=(nodejs npm)
qx_install_deps "${deps[@]}" || exit 1
qx_build WERROR=1 || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

# 0. Static analysis of src/ (cppcheck, clang-tidy): zero findings.
qx_log "static analysis"
bash "$QX_ROOT/scripts/lint.sh" >"$logdir/lint.log" 2>&1
cat "$logdir/lint.log"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$logdir/lint.log" | tail -1)
if [ -n "$line" ]; then
	passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
	failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
else
	failed=$((failed + 1))
fi
trap qx_stop_server EXIT
qx_start_server quota_ext_test || { echo "0 passed, 1 failed"; exit 1; }

# 1. pg_regress: one file per concept in test/sql/, expected output in test/expected/.
qx_log "pg_regress suites"
make -C "$QX_ROOT" -s installcheck >"$logdir/regress.log" 2>&1
cat "$logdir/regress.log"
r_ok=$(grep -cE '\.\.\. ok' "$logdir/regress.log")
r_bad=$(grep -cE '\.\.\. FAILED|\.\.\. failed' "$logdir/regress.log")
if [ "$r_ok" -eq 0 ] && [ "$r_bad" -eq 0 ]; then r_bad=1; fi   # pg_regress did not run
[ -f "$QX_ROOT/regression.diffs" ] && [ "$r_bad" -gt 0 ] && head -200 "$QX_ROOT/regression.diffs"
passed=$((passed + r_ok))
failed=$((failed + r_bad))

# 2. Script suites: every test/*.sh runs against the same server and ends
#    with its own "N passed, N failed" line.
for t in "$QX_ROOT"/test/*.sh; do
	[ -e "$t" ] || continue
	[ "$(basename "$t")" = run_tap.sh ] && continue    # step 3 runs it
	qx_log "suite $(basename "$t")"
	bash "$t" >"$logdir/$(basename "$t").log" 2>&1
	rc=$?
	cat "$logdir/$(basename "$t").log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$logdir/$(basename "$t").log" | tail -1)
	if [ -n "$line" ]; then
		passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
		failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
		[ "$rc" -ne 0 ] && [ "$(echo "$line" | cut -d' ' -f3)" -eq 0 ] && failed=$((failed + 1))
	else
		failed=$((failed + 1))
	fi
done

# 3. TAP suites (multi-node): prove, as an unprivileged user.
if ls "$QX_ROOT"/test/t/*.pl >/dev/null 2>&1; then
	qx_log "TAP suites"
	bash "$QX_ROOT/test/run_tap.sh" >"$logdir/tap.log" 2>&1
	cat "$logdir/tap.log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$logdir/tap.log" | tail -1)
	if [ -n "$line" ]; then
		passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
		failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
	else
		failed=$((failed + 1))
	fi
fi

# 4. Undefined behaviour: the pg_regress suites, test/hostile.sh and
#    test/fuzz_states.sh again, against a build of the extension with
#    -fsanitize=undefined on a second throwaway server (its own copy of the
#    PostgreSQL tree, port QX_MEMCHECK_PORT, default 54340; about 50 s).
#    Its "N passed, N failed" line counts like a suite's.  Valgrind takes
#    about 5 minutes and is a separate command: bash scripts/memcheck.sh valgrind
qx_log "UBSan (scripts/memcheck.sh ubsan)"
env -u QX_PGROOT QX_PORT="${QX_MEMCHECK_PORT:-54340}" \
	QX_MEMCHECK_SUITES="test/hostile.sh test/fuzz_states.sh" \
	bash "$QX_ROOT/scripts/memcheck.sh" ubsan >"$logdir/ubsan.log" 2>&1
rc=$?
cat "$logdir/ubsan.log"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$logdir/ubsan.log" | tail -1)
if [ -n "$line" ]; then
	passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
	failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
	[ "$rc" -ne 0 ] && [ "$(echo "$line" | cut -d' ' -f3)" -eq 0 ] && failed=$((failed + 1))
else
	failed=$((failed + 1))
fi

rm -rf "$logdir"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
