#!/usr/bin/env bash
# A cancel answered within 0.2 s by the window functions that read a whole
# partition (abc_class, rfm_score; src/window_values.c): each runs over one
# partition of N rows (default 8,000,000; QX_CANCEL_ROWS to change) and is
# cancelled at several points of its run -- while PostgreSQL spools the
# partition, while the function reads it, while it sorts, while it answers
# the rows.  The time from pg_cancel_backend() to the error must be at most
# QX_CANCEL_MAX seconds (0.2); the query must end with 57014
# (query_canceled), not finish.  Needs the server log ($QX_SERVER_LOG, set by
# scripts/lib.sh's qx_start_server).
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
db=qx_cancel
rows=${QX_CANCEL_ROWS:-8000000}
limit=${QX_CANCEL_MAX:-0.2}
tmp=$(mktemp -d /tmp/qx_cancel.XXXXXX)
passed=0
failed=0
check() {	# check NAME CONDITION-RESULT(0/1) [detail]
	if [ "$2" -eq 0 ]; then echo "ok   $1"; passed=$((passed + 1))
	else echo "FAIL $1 ${3:-}"; failed=$((failed + 1)); fi
}
q() { psql -X -At -v ON_ERROR_STOP=1 "$@"; }
now() { date +%s.%N; }

q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
q -d postgres -c "CREATE DATABASE $db TEMPLATE template0" >/dev/null
q -d $db -c "CREATE EXTENSION quota_ext" >/dev/null
# values in a scrambled order, so the sort has work to do
q -d $db -c "CREATE UNLOGGED TABLE v AS SELECT ((i::bigint * 7919) % $rows)::float8 AS x
             FROM generate_series(1, $rows) i" >/dev/null
check "table of $rows rows" $?

# cancel_at FN DELAY: run FN over the partition, cancel it DELAY s after the
# start; prints "latency sqlstate".  The latency runs from the server's clock
# right after pg_cancel_backend() to the time stamp of the backend's
# "canceling statement" line in the server log (log_line_prefix %m), so the
# start-up of the psql processes is not counted.
cancel_at() {
	local fn=$1 delay=$2 pid out target t0 t1
	(psql -X -At -d $db -v VERBOSITY=verbose -c "SET application_name = 'qx_cancel';
		SET max_parallel_workers_per_gather = 0; SET work_mem = '2GB';
		SELECT count(c) FROM (SELECT $fn(x) OVER () AS c FROM v) s" >"$tmp/out" 2>"$tmp/err") &
	pid=$!
	sleep "$delay"
	out=$(q -d $db -F ' ' -c "SELECT pid, pg_cancel_backend(pid), extract(epoch FROM clock_timestamp())
	             FROM pg_stat_activity WHERE application_name = 'qx_cancel' AND state = 'active'")
	wait $pid
	read -r target _ t0 <<<"$out"
	t1=$(grep -a "\[$target\] ERROR:  canceling statement" "$QX_SERVER_LOG" | tail -1 | cut -c1-27)
	if [ -n "$t1" ] && [ -n "$t0" ]; then
		echo "$(echo "$(date -d "$t1" +%s.%N) - $t0" | bc) $(grep -o '57014' "$tmp/err" | head -1)"
	else
		echo "0 $(grep -o '57014' "$tmp/err" | head -1)"
	fi
}

for fn in rfm_score abc_class; do
	# one uncancelled run (creating the table warmed the cache)
	total=
	for run in 1; do
		t0=$(now)
		q -d $db -c "SET max_parallel_workers_per_gather = 0; SET work_mem = '2GB';
		             SELECT count(c) FROM (SELECT $fn(x) OVER () AS c FROM v) s" >/dev/null
		t=$(echo "$(now) - $t0" | bc)
		if [ -z "$total" ] || [ "$(echo "$t < $total" | bc)" = 1 ]; then total=$t; fi
	done
	echo "$fn over $rows rows: ${total} s uncancelled"
	for frac in 0.1 0.3 0.5 0.7; do
		delay=$(echo "$total * $frac" | bc)
		read -r lat code < <(cancel_at "$fn" "$delay")
		printf '  cancelled at %.2f s: error after %.3f s (%s)\n' "$delay" "$lat" "${code:-finished}"
		[ "$code" = 57014 ] && [ "$(echo "$lat <= $limit" | bc)" = 1 ]
		check "$fn cancelled at $frac of its run answers within $limit s" $? "(${lat} s, ${code:-no 57014})"
	done
done

q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
rm -rf "$tmp"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
