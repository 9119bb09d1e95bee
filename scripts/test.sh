#!/usr/bin/env bash
# The test command: installs what is missing, then on Debian's PostgreSQL 15
# and on PostgreSQL 18.6 (built from ../shared/vendor by scripts/build_pg.sh,
# cached) builds with -Wall -Wextra -Werror, starts a throwaway server and
# runs every suite: static analysis, pg_regress, test/*.sh, TAP, then UBSan on
# a second server; last, the Debian package is built, installed, tested and
# purged (scripts/package.sh).  Ends with "N passed, N failed" over all of it;
# the exit status is non-zero when anything failed.
#
#   bash scripts/test.sh                                    # 15 and 18.6
#   QX_PG_CONFIG=/path/to/bin/pg_config bash scripts/test.sh  # that server only
#   QX_TEST_ONE=1 bash scripts/test.sh                      # Debian's 15 only
#
# The suites install the extension only into private copies of the server
# trees (QX_PGROOT, or a temporary one); only scripts/package.sh touches the
# system-wide PostgreSQL, through apt-get, and purges what it installed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$QX_ROOT/test/lib/suite.sh"

logdir=$(mktemp -d /tmp/quota_ext_test_logs.XXXXXX)
chmod 755 "$logdir"
own_root=
cleanup() {
	qx_stop_server
	rm -rf "$logdir"
	[ -n "$own_root" ] && rm -rf "$own_root"
}
trap cleanup EXIT

# What the suites need from Debian.  python3-psycopg2: test/hostile.sh,
# test/fuzz_states.sh, test/cancel.sh, test/bi_clients.sh,
# test/pipeline_forecast.sh; python3-mpmath: test/bgnbd_grid.sh (the BG/NBD
# reference); python3-numpy: test/pipeline_forecast.sh; python3-pandas:
# test/bi_clients.sh; sqlsmith: test/sqlsmith.sh; cppcheck, clang-tidy:
# scripts/lint.sh; python3-sklearn: the calibration suites (SPEC §15);
# r-cran-survival: the funnel suites (Kaplan-Meier, SPEC §13);
# postgresql-15-cron: the deal-diary nightly refresh (SPEC §14);
# python3-pyodbc, unixodbc, odbc-postgresql, libpostgresql-jdbc-java,
# openjdk-17-jdk-headless: test/bi_drivers.sh (the ODBC and JDBC drivers);
# chromium, and nodejs + npm unless a node with npm is
# already there: test/dashboard.sh (which runs npm ci).
suite_deps=(python3-psycopg2 python3-mpmath python3-numpy python3-pandas sqlsmith cppcheck clang-tidy chromium
	python3-sklearn r-cran-survival postgresql-15-cron
	python3-pyodbc unixodbc odbc-postgresql libpostgresql-jdbc-java openjdk-17-jdk-headless)
command -v npm >/dev/null || suite_deps+=(nodejs npm)

# run_suite KIND NAME COMMAND...: run it, its output shown as it comes and
# kept in a log that is counted (qx_tally, test/lib/suite.sh).
summary=()
run_suite() {
	local kind=$1 name=$2 log rc p0=$passed f0=$failed t0=$SECONDS
	shift 2
	log=$logdir/$(echo "$name" | tr -c 'A-Za-z0-9._\n-' _).log
	qx_log "$name"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	[ "$kind" = regress ] && [ "$rc" -ne 0 ] && [ -f "$QX_ROOT/regression.diffs" ] &&
		head -200 "$QX_ROOT/regression.diffs"
	qx_tally "$kind" "$log" "$rc"
	summary+=("$name: $((passed - p0)) passed, $((failed - f0)) failed, $((SECONDS - t0)) s")
}

# the closing lines: one per suite run here, then the total
finish() {
	echo "---"
	printf '%s\n' "${summary[@]}"
	qx_summary
}

if [ -z "${QX_TEST_ONE:-}" ] && [ "$QX_PG_CONFIG" = "/usr/lib/postgresql/$QX_DEB_PGVER/bin/pg_config" ]; then
	# Both servers, each in a child run of this script (QX_TEST_ONE=1).
	# bison, flex, ccache: scripts/build_pg.sh; dpkg-dev, debhelper,
	# postgresql-server-dev-all: scripts/package.sh.  One apt-get for all.
	qx_install_deps "${suite_deps[@]}" bison flex ccache \
		dpkg-dev debhelper postgresql-server-dev-all || exit 1
	# 18.6 compiles (when not cached) while the suites run on 15: they leave
	# much of the CPU idle (client round trips, time-bounded fuzzing).
	t_build=$SECONDS
	bash "$here/build_pg.sh" >"$logdir/build_pg.out" 2>"$logdir/build_pg.log" &
	build_pid=$!
	run_suite suite "PostgreSQL $QX_PGVER (Debian)" env QX_TEST_ONE=1 bash "$0"
	t_wait=$SECONDS
	wait "$build_pid"
	prefix=$(tail -1 "$logdir/build_pg.out")
	cat "$logdir/build_pg.log" >&2
	summary+=("PostgreSQL 18.6 build or cache (scripts/build_pg.sh, beside the 15 suites): $((SECONDS - t_build)) s, $((SECONDS - t_wait)) s waited for after them")
	if [ -x "$prefix/bin/pg_config" ]; then
		run_suite suite "PostgreSQL 18.6 (release tarball)" \
			env QX_TEST_ONE=1 QX_PG_CONFIG="$prefix/bin/pg_config" bash "$0"
	else
		echo "PostgreSQL 18.6 build failed"
		failed=$((failed + 1))
	fi
	# Last: the Debian package, the one step that installs into the system
	# tree (and purges it again); about 1 minute.
	run_suite suite "Debian package (scripts/package.sh)" bash "$here/package.sh"
	finish
	exit
fi

# One server: the one QX_PG_CONFIG names.
[ -z "${QX_TEST_ONE:-}" ] && { qx_install_deps "${suite_deps[@]}" || exit 1; }
if [ -z "${QX_PGROOT:-}" ]; then
	own_root=$(mktemp -d /tmp/qx_test_root.XXXXXX)
	export QX_PGROOT=$own_root
fi
qx_use_server
qx_private_root "$QX_PGROOT"
export PATH="$QX_BIN:$PATH"
qx_log "$("$QX_PG_CONFIG" --version) ($QX_PG_CONFIG), tree copied under $QX_PGROOT"

qx_build WERROR=1 || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

# 0. Static analysis of src/ (cppcheck, clang-tidy): zero findings.
run_suite suite "static analysis" bash "$QX_ROOT/scripts/lint.sh"

qx_start_server quota_ext_test || { echo "0 passed, 1 failed"; exit 1; }

# 1. pg_regress: one file per concept in sql/, expected output in expected/.
run_suite regress "pg_regress suites" make -C "$QX_ROOT" -s installcheck

# 2. Script suites: every test/*.sh runs against the same server and ends
#    with its own "N passed, N failed" line.
for t in "$QX_ROOT"/test/*.sh; do
	[ -e "$t" ] || continue
	[ "$(basename "$t")" = run_tap.sh ] && continue    # step 3 runs it
	run_suite suite "suite $(basename "$t")" bash "$t"
done

# 3. TAP suites (multi-node): prove, as an unprivileged user.
if ls "$QX_ROOT"/test/t/*.pl >/dev/null 2>&1; then
	run_suite suite "TAP suites" bash "$QX_ROOT/test/run_tap.sh"
fi
qx_stop_server

# 4. Undefined behaviour: the pg_regress suites, test/hostile.sh and
#    test/fuzz_states.sh again, against a build of the extension with
#    -fsanitize=undefined on a second throwaway server (its own copy of the
#    PostgreSQL tree, port QX_MEMCHECK_PORT, default 54340; about 50 s).
#    Its "N passed, N failed" line counts like a suite's.  Valgrind takes
#    about 5 minutes and is a separate command: bash scripts/memcheck.sh valgrind
run_suite suite "UBSan (scripts/memcheck.sh ubsan)" \
	env -u QX_PGROOT QX_PORT="${QX_MEMCHECK_PORT:-54340}" \
	QX_MEMCHECK_SUITES="test/hostile.sh test/fuzz_states.sh" \
	bash "$QX_ROOT/scripts/memcheck.sh" ubsan

finish
