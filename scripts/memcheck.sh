#!/usr/bin/env bash
# scripts/memcheck.sh: the pg_regress suites (and, with QX_MEMCHECK_SUITES, the
# hostile/fuzz suites) against a server that checks the extension's memory use.
#
#   bash scripts/memcheck.sh valgrind   # server under valgrind memcheck
#   bash scripts/memcheck.sh ubsan      # extension built with UBSan (fast)
#   bash scripts/memcheck.sh asan       # ASan+UBSan build, libasan preloaded:
#        hangs on Debian 12 (glibc 2.36, gcc 12) in bindtextdomain() before
#        postgres starts, so not usable here; kept for other platforms
#   QX_MEMCHECK_SUITES="test/hostile.sh test/fuzz_states.sh" bash scripts/memcheck.sh ubsan
#
# Both run in a private copy of the PostgreSQL tree (QX_PGROOT, created when
# unset) so the system-wide installation is not touched, with the extension
# built in a copy of the source tree (so the work tree's build stays), on port
# QX_PORT (default 54340).  Output ends with "N errors in quota_ext" and
# "N passed, N failed"; the exit status is non-zero when an error report has a
# frame in quota_ext.so or a suite failed.
#
# ubsan: the extension is built with -fsanitize=undefined (signed overflow,
#   bad shifts, out-of-bounds indexing of fixed arrays, float-cast overflow
#   ...); libubsan comes in with quota_ext.so, reports are logged and counted.
# asan: as ubsan plus AddressSanitizer, libasan preloaded into the server
#   (Debian's postgres is not instrumented: only the extension's own code is
#   checked).  Leak checking is off (backends exit with memory held by design).
# valgrind: Debian's postgres is not built with USE_VALGRIND, so palloc
#   chunks are invisible to memcheck; it still sees reads of uninitialised
#   memory and invalid accesses outside PostgreSQL's blocks.  Errors are
#   counted only when their stack has a frame in quota_ext.so;
#   scripts/valgrind-postgres.supp silences PostgreSQL's own known noise.
set -uo pipefail
mode=${1:-valgrind}
root=$(cd "$(dirname "$0")/.." && pwd)
# The instrumented build is made in a copy of the source tree (sources,
# scripts and suites; no build output, no .git, no examples/), so that it can
# run beside other work on the tree: scripts/test.sh runs it concurrently
# with the suites, which use the tree's own build and results/.
if [ -z "${QX_MEMCHECK_COPY:-}" ]; then
	copy=$(mktemp -d /tmp/qx_memcheck_src.XXXXXX)
	chmod 755 "$copy"
	(cd "$root" && tar -cf - --exclude=./.git --exclude=./examples --exclude=./results \
		--exclude=./bench/out --exclude=./.deps --exclude='*.o' --exclude='*.so' --exclude='*.bc' .) |
		tar -xf - -C "$copy" || { echo "copying the source tree failed"; echo "0 passed, 1 failed"; exit 1; }
	QX_MEMCHECK_COPY=$copy bash "$copy/scripts/memcheck.sh" "$@"
	rc=$?
	rm -rf "$copy"
	exit "$rc"
fi
export QX_PORT=${QX_PORT:-54340}
own_root=
if [ -z "${QX_PGROOT:-}" ]; then
	QX_PGROOT=$(mktemp -d /tmp/qx_memcheck_root.XXXXXX)
	own_root=$QX_PGROOT
fi
export QX_PGROOT
source "$root/scripts/lib.sh"
source "$root/test/lib/suite.sh"
qx_private_root "$QX_PGROOT"
reports=$(mktemp -d /tmp/qx_memcheck_reports.XXXXXX)
chmod 777 "$reports"
t0=$(date +%s)

cleanup() {
	qx_stop_server
	make -C "$root" -s clean >/dev/null 2>&1
	[ -n "$own_root" ] && rm -rf "$own_root"
}
trap cleanup EXIT

case "$mode" in
ubsan|asan)
	# -g1: the line tables the stack traces of the reports need, not the
	# variables' debug information (an eighth of the compile at -O2)
	san="-fsanitize=undefined -fno-sanitize=alignment -fno-omit-frame-pointer -g1"
	preload=
	if [ "$mode" = asan ]; then
		san="-fsanitize=address,undefined -fno-sanitize=alignment -fno-omit-frame-pointer -g"
		preload=$(gcc -print-file-name=libasan.so)
	fi
	qx_build WERROR=1 COPT="$san" || { echo "sanitizer build failed"; echo "0 passed, 1 failed"; exit 1; }
	qx_start_server qx_memcheck || exit 1
	qx_as_postgres env ${preload:+LD_PRELOAD=$preload} \
		ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:log_path=$reports/asan:detect_odr_violation=0:allow_user_segv_handler=1:handle_segv=1" \
		UBSAN_OPTIONS="print_stacktrace=1:log_path=$reports/ubsan" \
		"$QX_BIN/pg_ctl" -D "$QX_DATA/data" -l "$QX_DATA/server.log" -w -t 300 restart >/dev/null ||
		{ cat "$QX_DATA/server.log"; exit 1; }
	;;
valgrind)
	command -v valgrind >/dev/null || { echo "valgrind not installed"; echo "0 passed, 1 failed"; exit 1; }
	qx_build WERROR=1 COPT="-O1 -g -fno-omit-frame-pointer" || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
	qx_start_server qx_memcheck || exit 1
	qx_as_postgres "$QX_BIN/pg_ctl" -D "$QX_DATA/data" -m fast -w stop >/dev/null
	# no parallel workers and no JIT: fewer processes to instrument
	cat >>"$QX_DATA/data/postgresql.conf" <<CONF
max_parallel_workers_per_gather = 0
max_worker_processes = 4
autovacuum = off
CONF
	qx_as_postgres bash -c "cd /tmp && exec valgrind --quiet --trace-children=yes --track-origins=no \
		--error-limit=no --num-callers=30 --read-var-info=no \
		--suppressions='$root/scripts/valgrind-postgres.supp' \
		--log-file='$reports/vg.%p' \
		'$QX_BIN/postgres' -D '$QX_DATA/data' >'$QX_DATA/server.log' 2>&1 &"
	for _ in $(seq 1 240); do
		psql -X -q -h "$QX_SOCK" -p "$QX_PORT" -U postgres -d postgres -c 'SELECT 1' >/dev/null 2>&1 && break
		sleep 1
	done
	;;
*)
	echo "usage: $0 [valgrind|ubsan|asan]"; exit 2 ;;
esac
export QX_SERVER_LOG=$QX_DATA/server.log

# QX_MEMCHECK_REGRESS=0: one of the suites runs pg_regress itself
# (scripts/test.sh: test/upgrade_regress.sh, every suite against 1.0 upgraded)
if [ "${QX_MEMCHECK_REGRESS:-1}" != 0 ]; then
	make -C "$root" -s installcheck >"$reports/regress.log" 2>&1
	qx_tally regress "$reports/regress.log" $?
	qx_regress_lines "$reports/regress.log"
fi
for s in ${QX_MEMCHECK_SUITES:-}; do
	echo "== $s"
	QX_TIMEOUT=${QX_TIMEOUT:-120} bash "$root/$s" >"$reports/suite.log" 2>&1
	rc=$?
	tail -3 "$reports/suite.log"
	qx_tally suite "$reports/suite.log" "$rc"
done

if [ "$mode" = valgrind ]; then
	qx_as_postgres "$QX_BIN/pg_ctl" -D "$QX_DATA/data" -m fast -w -t 120 stop >/dev/null 2>&1
else
	qx_as_postgres "$QX_BIN/pg_ctl" -D "$QX_DATA/data" -m fast -w -t 120 stop >/dev/null 2>&1
fi

# an error report counts when one of its frames is in quota_ext.so
ours=0
total=0
shopt -s nullglob
if [ "$mode" != valgrind ]; then
	for f in "$reports"/asan.* "$reports"/ubsan.*; do
		# one file per process; reports start with "==pid==ERROR" or "file:line:col: runtime error"
		n_all=$(grep -cE '==ERROR:|runtime error:' "$f")
		n_ours=$(awk '/==ERROR:|runtime error:/{if (blk && hit) n++; blk=1; hit=0}
			/quota_ext\.so|\/src\/[a-z_]+\.c/{hit=1}
			END{if (blk && hit) n++; print n+0}' "$f")
		total=$((total + n_all))
		ours=$((ours + n_ours))
		[ "$n_ours" -gt 0 ] && cat "$f"
	done
else
	for f in "$reports"/vg.*; do
		n_all=$(grep -cE '^==[0-9]+== [A-Z].*(Invalid|uninitialised|Uninitialised|Mismatched|overlap|Syscall param)' "$f")
		n_ours=$(awk '/^==[0-9]+== [A-Z]/{if (blk && hit) n++; blk=1; hit=0}
			/^==[0-9]+== $/{if (blk && hit) n++; blk=0; hit=0}
			/quota_ext\.so/{if (blk) hit=1}
			END{if (blk && hit) n++; print n+0}' "$f")
		total=$((total + n_all))
		ours=$((ours + n_ours))
		[ "$n_ours" -gt 0 ] && cat "$f"
	done
fi
grep -E 'terminated by signal|exited with exit code [^01]' "$QX_DATA/server.log" && failed=$((failed + 1))
echo "$mode: $total error reports in all, $(( $(date +%s) - t0 )) s"
echo "$ours errors in quota_ext"
if [ "$ours" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
if [ -n "${QX_MEMCHECK_KEEP:-}" ]; then echo "reports kept in $reports"; else rm -rf "$reports"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
