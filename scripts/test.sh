#!/usr/bin/env bash
# The test command.
#
#   bash scripts/test.sh --fast      # everyday work: under 2 minutes (QX_FAST=1 too)
#   bash scripts/test.sh             # everything, 15 and 18.6 (what CI runs)
#   QX_TEST_ONE=1 bash scripts/test.sh                        # everything, Debian's 15 only
#   QX_PG_CONFIG=/path/to/bin/pg_config bash scripts/test.sh  # everything, that server only
#
# Fast tier (--fast): on Debian's PostgreSQL 15 only, build with -Werror,
# start a throwaway server, pg_regress (every suite of sql/, in two
# concurrent parts) and the quick script suites (those whose head says "# qx-tier:
# fast": today trusted, state_roundtrip, dump_restore, label_colors,
# customer_core, readme_examples, demo).  No static analysis, no fuzzing, no
# second server, no package.
#
# Full command: installs every Debian package the suites need, once, up
# front (suite_deps below; apt-get waits for the package lock), then on
# Debian's PostgreSQL 15 and on PostgreSQL 18.6 (built from ../shared/vendor
# by scripts/build_pg.sh, cached, compiling beside the 15 suites) builds
# with -Wall -Wextra -Werror, starts a throwaway server and runs pg_regress,
# every test/*.sh and the TAP suites; last, the Debian package is built,
# installed, tested and purged (scripts/package.sh).  What runs where:
#   - on both servers: pg_regress, TAP, and every test/*.sh suite with no
#     tier line or "# qx-tier: fast" (what the server version can change:
#     upgrade, dump and restore, trusted install, states, sessions, the
#     demo); on 15, pg_regress runs in test/upgrade_regress.sh under UBSan
#     (against 1.0 upgraded) and against the Debian package, not a third
#     time on the plain build (QX_REGRESS_ELSEWHERE);
#   - on the first server only (Debian's 15): static analysis
#     (scripts/lint.sh), UBSan (scripts/memcheck.sh ubsan) and the suites
#     marked "# qx-tier: once" or "fast once" (the long timing, client and
#     cross-check suites -- sqlsmith, cancel, cancel_window, meta,
#     bi_clients, dashboard, citus ... -- and those that check arithmetic
#     against a reference or the docs against the code: the same C and SQL
#     on every server, where pg_regress runs every function);
#   - in the UBSan run only (on the first server): the suites marked
#     "# qx-tier: ubsan" (upgrade_regress, the run's pg_regress; hostile,
#     fuzz_states: the hostile input suites, whose point is what the C code
#     does with it).
# A new test/*.sh needs no change here: it runs on both servers unless its
# head says "# qx-tier: fast" (also in --fast), "fast once", "once" or
# "ubsan".
#
# Concurrency: on one server, pg_regress (in QX_REGRESS_PARTS parts), the
# script suites, static analysis and UBSan run QX_JOBS (3) at a time, each
# in databases of its own, their outputs printed whole and in a fixed order
# (run_jobs below); suites whose head says "# qx-serial: REASON" (they
# measure cancel latency, start servers of their own, or change what the
# whole server sees) and the TAP suites run after them, one at a time.  The
# 18.6 and Citus builds start in the background up front; the Debian
# package starts when the 15 run's concurrent part is over, beside its serial
# part (which keeps one core busy at most), and the 18.6 run then too, or
# when the 18.6 build ends (from a cold cache).
#
# Every suite ends with "N passed, N failed"; a suite that ran no check
# counts as failed (test/lib/suite.sh, qx_tally), and so does one whose data
# or tool is missing.  No check has a wall-clock bound (a busy machine runs
# the same checks, slower).  After each suite comes a line "== NAME: N
# passed, N failed (T s)"; the run ends with a time table (those lines, the
# build, the concurrent and serial parts; each server's indented under it),
# then "N passed, N failed" over all of it; the exit status is non-zero when
# anything failed.
#
# The suites install the extension only into private copies of the server
# trees (QX_PGROOT, or a temporary one); only scripts/package.sh touches the
# system-wide PostgreSQL, through apt-get, and purges what it installed.
#
# Internal: the per-server runs are child runs of this script with
# QX_TEST_ONE=1 and QX_TEST_TIER=fast|full|again (again: the second server,
# without the run-once steps); QX_NO_APT=1 once the packages are installed.
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

# What the suites need from Debian, installed once, up front, in one
# apt-get (qx_install_deps, which waits for the package lock); afterwards
# QX_NO_APT=1 makes any later qx_install_deps (a suite's, scripts/citus.sh's,
# scripts/package.sh's, scripts/build_pg.sh's) fail on a missing package
# instead of running apt-get in the middle of the run.  A suite that needs
# a package: add it here with a comment naming the suite.
#   python3-psycopg2: test/hostile.sh, test/fuzz_states.sh, test/cancel.sh,
#     test/cancel_window.sh, test/bi_clients.sh, test/pipeline_forecast.sh;
#   python3-mpmath: test/bgnbd_grid.sh, test/clv_cdnow.sh (the references);
#   python3-numpy: test/pipeline_forecast.sh; python3-pandas: test/bi_clients.sh;
#   sqlsmith: test/sqlsmith.sh; cppcheck, clang-tidy: scripts/lint.sh;
#   python3-sklearn: the calibration suites (SPEC §15);
#   r-cran-survival: the funnel suites (Kaplan-Meier, SPEC §13);
#   postgresql-15-cron: the deal-diary nightly refresh (SPEC §14);
#   python3-pyodbc, unixodbc, odbc-postgresql, libpostgresql-jdbc-java,
#     openjdk-17-jdk-headless: test/bi_drivers.sh (the ODBC and JDBC drivers);
#   chromium, and nodejs + npm unless a node with npm is already there:
#     test/dashboard.sh (which runs npm ci), test/bi_clients.sh (node-postgres);
#   QX_CITUS_DEPS (scripts/citus.sh): test/citus.sh's Citus build;
#   bison, flex: scripts/build_pg.sh (PostgreSQL 18.6); ccache: qx_build, scripts/package.sh;
#   dpkg-dev, debhelper, postgresql-server-dev-all: scripts/package.sh;
#   libipc-run-perl (qx_install_deps' own list): the TAP suites.
source "$here/citus.sh"
suite_deps=(python3-psycopg2 python3-mpmath python3-numpy python3-pandas sqlsmith cppcheck clang-tidy chromium
	python3-sklearn r-cran-survival postgresql-15-cron
	python3-pyodbc unixodbc odbc-postgresql libpostgresql-jdbc-java openjdk-17-jdk-headless
	"${QX_CITUS_DEPS[@]}" bison flex ccache dpkg-dev debhelper postgresql-server-dev-all)
command -v npm >/dev/null || suite_deps+=(nodejs npm)

[ "${1:-}" = --fast ] && QX_FAST=1
if [ -n "${QX_FAST:-}" ]; then
	export QX_TEST_ONE=1 QX_TEST_TIER=fast
	unset QX_PG_CONFIG
	qx_use_server
fi
# Both servers (the full command on Debian's 15): 18.6 and Citus are built
# (when not cached) in the background from the start.  Those builds need only
# a few packages (build_deps, with qx_install_deps' own list): from a cold
# cache they are installed first and the builds start while apt-get
# downloads and unpacks the rest (the larger part: Chromium, the JDK, R).
both=
[ -z "${QX_TEST_ONE:-}" ] && [ "$QX_PG_CONFIG" = "/usr/lib/postgresql/$QX_DEB_PGVER/bin/pg_config" ] && both=yes
build_deps=(bison flex ccache "${QX_CITUS_DEPS[@]}")
build_pid= citus_pid=
start_builds() {
	t_build=$SECONDS
	QX_NO_APT=1 bash "$here/build_pg.sh" >"$logdir/build_pg.out" 2>"$logdir/build_pg.log" &
	build_pid=$!
	(export QX_NO_APT=1; qx_citus_cache; rc=$?; [ "$rc" -eq 2 ] && rc=0; exit "$rc") >"$logdir/citus_build.log" 2>&1 &
	citus_pid=$!
}
install_failed() { echo "installing the test dependencies failed"; echo "0 passed, 1 failed"; exit 1; }
if [ -z "${QX_NO_APT:-}" ]; then
	if [ -n "$both" ]; then
		qx_install_deps "${build_deps[@]}" || install_failed
		start_builds
	fi
	qx_install_deps "${suite_deps[@]}" || install_failed
	export QX_NO_APT=1
fi
tier=${QX_TEST_TIER:-full}

# suite_tier FILE: its tier words -- fast, once, ubsan, "fast once" -- or
# both (no tier line), from its first 30 lines.  "fast once": in --fast, and
# in the full command on the first server only.
suite_tier() {
	local t
	t=$(head -30 "$1" | sed -n 's/^# qx-tier: *\([a-z]*\( [a-z]*\)*\).*/\1/p' | head -1)
	t=$(echo $t)
	echo "${t:-both}"
}

# suite_serial FILE: true when its head says "# qx-serial" (it needs the
# server to itself: it measures cancel latency, starts servers of its own on
# fixed ports, or changes what the whole server sees); such suites run one at
# a time after the concurrent ones.
suite_serial() { head -30 "$1" | grep -q '^# qx-serial'; }

# the line that closes one suite's output and the time table's row for it
suite_line() { echo "== $1: $2 passed, $3 failed ($4 s)"; }

# run_suite KIND NAME COMMAND...: run it alone, its output shown as it comes
# and kept in a log that is counted (qx_tally, test/lib/suite.sh).
summary=()
run_suite() {
	local kind=$1 name=$2 log rc t0=$SECONDS
	shift 2
	log=$logdir/$(echo "$name" | tr -c 'A-Za-z0-9._\n-' _).log
	qx_log "$name"
	"$@" 2>&1 </dev/null | tee "$log"
	rc=${PIPESTATUS[0]}
	tally_suite "$kind" "$name" "$log" "$rc" $((SECONDS - t0))
}

# tally_suite KIND NAME LOG RC SECONDS: count a finished suite's log, print
# and keep its time-table line; a child run's (one server's) time table goes,
# indented, under its line.
tally_suite() {
	local kind=$1 name=$2 log=$3 rc=$4 secs=$5 p0=$passed f0=$failed line
	qx_tally "$kind" "$log" "$rc"
	summary+=("$(suite_line "$name" $((passed - p0)) $((failed - f0)) "$secs")")
	echo "${summary[-1]}"
	while IFS= read -r line; do summary+=("    $line"); done < <(
		sed -n '/^--- time table$/,$p' "$log" | sed '1d;$d')
}

# The concurrent part: jobs queued with add_job run QX_JOBS at a time (default
# 3: on 2 cores most suites wait on client round trips, Python or R), each
# with its output in a log of its own; the logs are printed whole, in the
# order the jobs were queued, as soon as every earlier one has been printed,
# and counted exactly as run_suite counts them.  Each suite works in
# databases (and roles, temporary directories) of its own names, so they do
# not meet; those that cannot share the server are "# qx-serial".
j_kind=() j_name=() j_cmd=() j_rc=() j_t0=() j_t1=() j_diffs=()
add_job() {
	j_kind+=("$1")
	j_name+=("$2")
	shift 2
	j_cmd+=("$(printf '%q ' "$@")")
}

# launched first (the longest, from the time table this command prints; a
# name here matches the jobs whose names start with it); the order of
# launching only, not of the output
long_first=("static analysis" "UBSan (scripts/memcheck.sh ubsan)" "suite dashboard.sh"
	"suite pipeline_forecast_exact.sh" "suite citus.sh" "suite upgrade_regress.sh" "suite upgrade.sh"
	"pg_regress suites" "suite sqlsmith.sh" "suite stage_funnel.sh"
	"suite models18.sh" "suite quota_allocate.sh" "suite readme_examples.sh")

run_jobs() {
	local order=() i n=${#j_name[@]} next=0 printed=0 running=0 pid rc log p0 f0 want
	local -A pid_job=() queued=()
	for want in "${long_first[@]}"; do
		for ((i = 0; i < n; i++)); do
			case "${j_name[i]}" in "$want"*) ;; *) continue ;; esac
			[ -z "${queued[$i]:-}" ] && { order+=("$i"); queued[$i]=1; }
		done
	done
	for ((i = 0; i < n; i++)); do [ -z "${queued[$i]:-}" ] && order+=("$i"); done
	qx_log "$n jobs, ${QX_JOBS:-3} at a time: ${j_name[*]}"
	while [ "$printed" -lt "$n" ]; do
		while [ "$next" -lt "$n" ] && [ "$running" -lt "${QX_JOBS:-3}" ]; do
			i=${order[next]}
			next=$((next + 1))
			j_t0[i]=$SECONDS
			log=$logdir/job$i.log
			(eval "${j_cmd[i]}") >"$log" 2>&1 </dev/null &
			pid_job[$!]=$i
			running=$((running + 1))
		done
		if [ "$running" -gt 0 ]; then
			wait -n -p pid
			rc=$?
			i=${pid_job[$pid]}
			j_rc[i]=$rc
			j_t1[i]=$SECONDS
			running=$((running - 1))
		fi
		# print every finished job whose predecessors are printed
		while [ "$printed" -lt "$n" ] && [ -n "${j_rc[printed]:-}" ]; do
			i=$printed
			log=$logdir/job$i.log
			echo "== ${j_name[i]}"
			cat "$log"
			[ "${j_kind[i]}" = regress ] && [ "${j_rc[i]}" -ne 0 ] && [ -f "${j_diffs[i]:-}" ] &&
				head -200 "${j_diffs[i]}"
			p0=$passed f0=$failed
			qx_tally "${j_kind[i]}" "$log" "${j_rc[i]}"
			summary+=("$(suite_line "${j_name[i]}" $((passed - p0)) $((failed - f0)) $((j_t1[i] - j_t0[i])))")
			echo "${summary[-1]}"
			printed=$((printed + 1))
		done
	done
}

# the closing lines: one per suite run here (seconds of wall-clock time; the
# concurrent ones overlap), then the total
finish() {
	echo "--- time table"
	printf '%s\n' "${summary[@]}"
	qx_summary
}

if [ -n "$both" ]; then
	# Both servers, each in a child run of this script (QX_TEST_ONE=1):
	# 15 with everything, 18.6 without the run-once steps.
	# 18.6 and Citus (for test/citus.sh on 15) compile, when not cached,
	# while the suites run on 15 (started above, or now); none of the 15
	# checks depends on how busy the machine is.  test/citus.sh waits for the
	# Citus build (a lock) if it gets there first.  A failed build shows its
	# log.
	[ -n "$build_pid" ] || start_builds
	# 15 runs in the background, its output shown as it comes; when its
	# concurrent part is over (the child touches QX_CONCURRENT_DONE) its
	# serial part -- the cancel suites, the pg_cron server, TAP: one job at a
	# time, a core left idle -- goes on beside the Debian package, which
	# starts then, and the 18.6 run, which starts then or when the 18.6
	# build is over (from a cold cache).  The 18.6 run has a port of its own
	# (QX_PORT + 30) and a tree of its own; the package installs into the
	# system tree, which no run uses (each has a private copy, made at its
	# start), and has its own port (QX_PACKAGE_PORT, default QX_PORT + 40).
	# Their outputs are printed after 15's, in that order, and counted the
	# same way.
	first="PostgreSQL $QX_PGVER (Debian)"
	mark=$logdir/first_concurrent_done
	t_first=$SECONDS
	qx_log "$first"
	# (first.end: when it ended, for its time-table line; the parent waits
	# for the 18.6 build before it waits for this run)
	(env QX_TEST_ONE=1 QX_TEST_TIER=full QX_CONCURRENT_DONE="$mark" QX_REGRESS_ELSEWHERE=1 bash "$0" 2>&1 </dev/null |
		tee "$logdir/first.log"; rc=${PIPESTATUS[0]}; echo "$SECONDS" >"$logdir/first.end"; exit "$rc") &
	first_pid=$!
	while [ ! -e "$mark" ] && kill -0 "$first_pid" 2>/dev/null; do sleep 1; done
	t_wait=$SECONDS
	# the package needs neither build: it starts now, and from a cold cache
	# it runs while 18.6 is still compiling
	QX_PACKAGE_PORT=${QX_PACKAGE_PORT:-$((QX_PORT + 40))} bash "$here/package.sh" >"$logdir/package.log" 2>&1 </dev/null &
	pkg_pid=$!
	wait "$citus_pid" || { echo "--- the Citus build (scripts/citus.sh) failed:"; cat "$logdir/citus_build.log"; }
	wait "$build_pid"
	prefix=$(tail -1 "$logdir/build_pg.out")
	t_second=$SECONDS
	build_line="PostgreSQL 18.6 build or cache (scripts/build_pg.sh) and Citus build or cache, beside the 15 suites: $((SECONDS - t_build)) s, $((SECONDS - t_wait)) s waited for after 15's concurrent part"
	second_pid=
	if [ -x "$prefix/bin/pg_config" ]; then
		env QX_TEST_ONE=1 QX_TEST_TIER=again QX_PG_CONFIG="$prefix/bin/pg_config" \
			QX_PORT=$((QX_PORT + 30)) bash "$0" >"$logdir/second.log" 2>&1 </dev/null &
		second_pid=$!
	fi
	wait "$first_pid"
	rc=$?
	tally_suite suite "$first" "$logdir/first.log" "$rc" $(($(cat "$logdir/first.end" 2>/dev/null || echo "$SECONDS") - t_first))
	cat "$logdir/build_pg.log" >&2
	summary+=("$build_line")
	if [ -n "$second_pid" ]; then
		wait "$second_pid"
		rc=$?
		qx_log "PostgreSQL 18.6 (release tarball), beside the end of 15's run"
		cat "$logdir/second.log"
		tally_suite suite "PostgreSQL 18.6 (release tarball), beside the end of 15's run" "$logdir/second.log" "$rc" $((SECONDS - t_second))
	else
		echo "PostgreSQL 18.6 build failed"
		failed=$((failed + 1))
	fi
	wait "$pkg_pid"
	pkg_rc=$?
	qx_log "Debian package (scripts/package.sh)"
	cat "$logdir/package.log"
	tally_suite suite "Debian package (scripts/package.sh, beside 15's serial part and the 18.6 run)" "$logdir/package.log" "$pkg_rc" $((SECONDS - t_wait))
	finish
	exit
fi

# One server: the one QX_PG_CONFIG names.
if [ -z "${QX_PGROOT:-}" ]; then
	own_root=$(mktemp -d /tmp/qx_test_root.XXXXXX)
	export QX_PGROOT=$own_root
fi
qx_use_server
qx_private_root "$QX_PGROOT"
export PATH="$QX_BIN:$PATH"
qx_log "$("$QX_PG_CONFIG" --version) ($QX_PG_CONFIG), tree copied under $QX_PGROOT, tier $tier"

t_step=$SECONDS
qx_build WERROR=1 || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
summary+=("build of quota_ext: $((SECONDS - t_step)) s")

qx_start_server quota_ext_test || { echo "0 passed, 1 failed"; exit 1; }

# Queued for the concurrent part (run_jobs), in the order their output is
# printed (the long ones are launched first: long_first):
# 1. pg_regress: one file per concept in sql/, expected output in expected/
#    (the Makefile's REGRESS), in QX_REGRESS_PARTS parts (default 2: every
#    second suite by name), each in a database of its own with the
#    extension loaded afresh, as concurrent jobs.  The results go to this
#    run's log directory, not to the tree's results/ (scripts/package.sh
#    runs pg_regress from the tree beside the 18.6 run).
#    The set-up files (sql/00_*.sql: helpers such as the test_util schema
#    that the suites use) run at the head of every part, so they are counted
#    once per part.
qx_regress_lists "$QX_ROOT"
parts=${QX_REGRESS_PARTS:-2}
#    Not in the first server's run of the full command (QX_REGRESS_ELSEWHERE,
#    set by the parent): there the same suites run on the same server twice
#    more -- in test/upgrade_regress.sh under UBSan (the same source at -O2,
#    instrumented, against 1.0 upgraded) and against the Debian package (-O2
#    with Debian's flags) -- so a third run would only repeat them.
if [ -n "${QX_REGRESS_ELSEWHERE:-}" ] && [ "$tier" = full ]; then
	parts=0
	summary+=("pg_regress on this build: not run here (in upgrade_regress.sh under UBSan, and against the package instead)")
fi
for ((k = 0; k < parts; k++)); do
	list=($(qx_regress_part "$k" "$parts"))
	[ ${#list[@]} -gt ${#regress_setup[@]} ] || continue
	name="pg_regress suites"
	[ "$parts" -gt 1 ] && name="pg_regress suites, part $((k + 1)) of $parts ($((${#list[@]} - ${#regress_setup[@]})) of ${#regress_all[@]} and ${regress_setup[*]})"
	j_diffs[${#j_name[@]}]=$logdir/regress$k/regression.diffs
	add_job regress "$name" make -C "$QX_ROOT" -s installcheck REGRESS="${list[*]}" \
		CONTRIB_TESTDB="contrib_regression_$k" EXTRA_REGRESS_OPTS="--outputdir=$logdir/regress$k"
done

# 2. Script suites: every test/*.sh of this tier runs against the same
#    server and ends with its own "N passed, N failed" line; those marked
#    "# qx-serial" after the others, one at a time (step 5).
skipped=() serial=() ubsan_suites=()
for t in "$QX_ROOT"/test/*.sh; do
	[ -e "$t" ] || continue
	[ "$(basename "$t")" = run_tap.sh ] && continue    # step 5 runs it
	case "$tier:$(suite_tier "$t")" in
	*:ubsan) ubsan_suites+=("test/$(basename "$t")"); continue ;;	# step 3
	fast:fast | "fast:fast once" | again:fast | again:both | full:*) ;;
	*) skipped+=("$(basename "$t")"); continue ;;
	esac
	if suite_serial "$t"; then serial+=("$t"); continue; fi
	add_job suite "suite $(basename "$t")" bash "$t"
done
[ ${#skipped[@]} -gt 0 ] && summary+=("not run in tier $tier: ${skipped[*]}")

# 3. Static analysis of src/ (cppcheck, clang-tidy): zero findings.  Once:
#    it reads the source, not the server.
[ "$tier" = full ] && add_job suite "static analysis" bash "$QX_ROOT/scripts/lint.sh"

#    Undefined behaviour, once: the suites marked "# qx-tier: ubsan"
#    (test/upgrade_regress.sh, test/hostile.sh, test/fuzz_states.sh ...),
#    against a build of the extension with
#    -fsanitize=undefined (made in a copy of the source tree) on a second
#    throwaway server (its own copy of the PostgreSQL tree, port
#    QX_MEMCHECK_PORT, default QX_PORT + 11).  Its "N passed, N failed" line
#    counts like a suite's.  Valgrind takes about 5 minutes and is a
#    separate command: bash scripts/memcheck.sh valgrind
if [ "$tier" = full ]; then
	# test/upgrade_regress.sh (a ubsan suite) is the UBSan run's pg_regress:
	# every suite, against 1.0 upgraded; a plain run beside it would repeat it
	memcheck_regress=1
	[[ " ${ubsan_suites[*]} " = *" test/upgrade_regress.sh "* ]] && memcheck_regress=0
	add_job suite "UBSan (scripts/memcheck.sh ubsan)" \
		env -u QX_PGROOT -u QX_SERVER_LOG QX_PORT="${QX_MEMCHECK_PORT:-$((QX_PORT + 11))}" \
		QX_MEMCHECK_SUITES="${ubsan_suites[*]}" QX_MEMCHECK_REGRESS="$memcheck_regress" \
		bash "$QX_ROOT/scripts/memcheck.sh" ubsan
fi

# 4. All of the above, QX_JOBS at a time.
t_step=$SECONDS
run_jobs
summary+=("concurrent part (${#j_name[@]} jobs, ${QX_JOBS:-3} at a time): $((SECONDS - t_step)) s")
# the parent run starts the 18.6 run and the package now (see above)
[ -n "${QX_CONCURRENT_DONE:-}" ] && touch "$QX_CONCURRENT_DONE"

# 5. One at a time: the "# qx-serial" suites, then the TAP suites
#    (multi-node: PostgreSQL::Test::Cluster picks free ports as it goes, so
#    not beside the suites that start servers on fixed ports).
t_step=$SECONDS
for t in "${serial[@]}"; do
	run_suite suite "suite $(basename "$t")" bash "$t"
done
if [ "$tier" != fast ] && ls "$QX_ROOT"/test/t/*.pl >/dev/null 2>&1; then
	run_suite suite "TAP suites" bash "$QX_ROOT/test/run_tap.sh"
fi
summary+=("serial part (${#serial[@]} suites and TAP): $((SECONDS - t_step)) s")
qx_stop_server

finish
