# test/lib/suite.sh: shell helpers shared by the script suites (test/*.sh),
# the test runner (scripts/test.sh) and scripts/memcheck.sh.  Sourced.
#
#   qx_check NAME RC [DETAIL]  one test: "ok   NAME" when RC is 0, else "FAIL NAME DETAIL"
#   qx_summary                 the closing "N passed, N failed" line; fails when any failed
#   qx_regress_lines LOG       the per-test result lines of a pg_regress log
#   qx_regress_counts LOG      "OK BAD" of a pg_regress log
#   qx_regress_lists ROOT      sets regress_all (the suites of ROOT/sql/, by name) and
#                              regress_setup (its set-up files, sql/00_*.sql)
#   qx_regress_part K PARTS    part K (from 0) of PARTS after qx_regress_lists: the set-up
#                              files, then every PARTS-th suite from the K-th
#   qx_suite_counts LOG        "OK BAD" of a suite's log (its last "N passed, N failed")
#   qx_tally KIND LOG RC       add a log's counts to passed/failed (KIND: regress or suite);
#                              a non-zero exit status with no failure counted is one failure,
#                              and so is a suite that ran no check ("0 passed, 0 failed"),
#                              unless its log has a line "not applicable: REASON" (a suite
#                              that cannot run on this server version, e.g. Citus on 18;
#                              never for missing data or a missing tool: those fail)
#   qx_missing WHAT            a suite's data or tool is missing: prints why and the closing
#                              line, exits 1 (a check that failed; in CI and out of it)
#   qx_dashboard_npm LOG       npm ci in examples/dashboard (or a copy of an earlier one of the
#                              same lock file) when its packages are missing or
#                              older than the lock file (npm's output in LOG); 0 when installed
passed=${passed:-0}
failed=${failed:-0}

qx_check() {
	if [ "$2" -eq 0 ]; then echo "ok   $1"; passed=$((passed + 1))
	else echo "FAIL $1 ${3:-}"; failed=$((failed + 1)); fi
}

qx_summary() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# pg_regress prints "test name ... ok" up to 15 and TAP lines from 16 on:
# "ok 1 - name  12 ms", "ok 2 + name" (parallel group), "not ok 3 - name".
# An ignored test ("... failed (ignored)", "not ok ... # (ignored)") counts as
# failed: quota_ext's schedule ignores none.
qx_regress_lines() {
	grep -E '\.\.\. (ok|FAILED|failed)|^(not )?ok [0-9]+ +[-+] ' "$1"
}

qx_regress_lists() {
	regress_all=($(cd "$1/sql" && ls *.sql | grep -v '^quota_ext--' | grep -v '^00_' | sed 's/\.sql$//' | sort))
	regress_setup=($(cd "$1/sql" && ls 00_*.sql 2>/dev/null | sed 's/\.sql$//' | sort))
}

qx_regress_part() {
	local r out=("${regress_setup[@]}")
	for ((r = $1; r < ${#regress_all[@]}; r += $2)); do out+=("${regress_all[r]}"); done
	echo "${out[*]}"
}

qx_regress_counts() {
	local ok bad
	ok=$(grep -cE '\.\.\. ok|^ok [0-9]+ +[-+] ' "$1")
	bad=$(grep -cE '\.\.\. (FAILED|failed)|^not ok [0-9]+ +[-+] ' "$1")
	# no result line at all: pg_regress did not run
	[ "$ok" -eq 0 ] && [ "$bad" -eq 0 ] && bad=1
	echo "$ok $bad"
}

qx_suite_counts() {
	local line
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -1)
	if [ -n "$line" ]; then echo "$line" | cut -d' ' -f1,3
	else echo "0 1"; fi	# no summary line: the suite died
}

qx_tally() {
	local kind=$1 log=$2 rc=$3 ok bad
	if [ "$kind" = regress ]; then read -r ok bad < <(qx_regress_counts "$log")
	else read -r ok bad < <(qx_suite_counts "$log"); fi
	[ "$rc" -ne 0 ] && [ "$bad" -eq 0 ] && bad=1
	# a suite that ran nothing proves nothing
	if [ "$ok" -eq 0 ] && [ "$bad" -eq 0 ] && ! grep -q '^not applicable: ' "$log"; then
		echo "FAIL $(basename "$log" .log): ran no check (0 passed, 0 failed)"
		bad=1
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
}

qx_missing() {
	echo "FAIL missing: $*"
	echo "${passed:-0} passed, $((${failed:-0} + 1)) failed"
	exit 1
}

# The dashboard's npm packages (Observable Framework, and pg, which
# test/bi_clients.sh uses too): whichever suite runs first installs them; the
# other waits for it (a lock file beside node_modules, ignored by git: the
# suites run concurrently).  npm ci costs 10-16 s of CPU (unpacking 7,600 files); a
# fresh clone instead copies the node_modules an earlier npm ci made from the
# same lock file with the same node and npm on this machine, kept in
# QX_NPM_CACHE (default /var/cache/quota_ext, beside the Citus build) under a
# hash of the lock file, node's and npm's versions and the architecture.
qx_dashboard_npm() {
	local dash
	dash=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../examples/dashboard" && pwd) || return 1
	(
		flock 9 || exit 1
		[ -f "$dash/node_modules/.package-lock.json" ] &&
			! [ "$dash/package-lock.json" -nt "$dash/node_modules/.package-lock.json" ] && exit 0
		cache=${QX_NPM_CACHE:-/var/cache/quota_ext}
		key=dashboard-node_modules-$({ cat "$dash/package-lock.json"; node --version; npm --version; uname -m; } |
			sha256sum | cut -c1-16)
		if [ -f "$cache/$key/complete" ]; then
			rm -rf "$dash/node_modules" &&
				cp -a "$cache/$key/node_modules" "$dash/node_modules" &&
				touch "$dash/node_modules/.package-lock.json" &&
				echo "node_modules copied from $cache/$key (npm ci of this package-lock.json)" >"$1" && exit 0
			rm -rf "$dash/node_modules"
		fi
		(cd "$dash" && npm ci --no-audit --no-fund >"$1" 2>&1) || exit 1
		if mkdir -p "$cache" 2>/dev/null && keep=$(mktemp -d "$cache/.npm.XXXXXX" 2>/dev/null); then
			if cp -a "$dash/node_modules" "$keep/node_modules" && touch "$keep/complete"; then
				mv -T "$keep" "$cache/$key" 2>/dev/null || rm -rf "$keep"
			else rm -rf "$keep"; fi
		fi
		exit 0
	) 9>"$dash/.npm.lock"
}

# Many queries in one psql session instead of a psql (and a backend) each:
#   qx_batch VAR [psql args] <SQL   runs SQL in one session (psql -X -q -At,
#                              errors do not stop it); each piece of it follows a
#                              line "\echo @@qx@@KEY", and the associative array
#                              VAR gets each KEY's output, errors included,
#                              without trailing newlines (as $(psql -c) gives)
#   qx_batch_cmd VAR CMD...    the same over the output of any client command
#                              that reads SQL on stdin (a Citus node's psql)
#   qx_batch_ok VAR KEY        0 when KEY's piece ran and printed no error
qx_batch() {
	local _var=$1
	shift
	qx_batch_cmd "$_var" psql -X -q -At -v ON_ERROR_STOP=0 "$@"
}

qx_batch_cmd() {
	local -n _qb=$1
	shift
	local line key='' val=''
	_qb=()
	while IFS= read -r line; do
		if [[ $line == @@qx@@* ]]; then
			[ -n "$key" ] && _qb[$key]=$val
			key=${line#@@qx@@}
			val=''
		else
			val+=$line$'\n'
		fi
	done < <("$@" 2>&1)
	[ -n "$key" ] && _qb[$key]=$val
	for key in "${!_qb[@]}"; do
		val=${_qb[$key]}
		while [[ $val == *$'\n' ]]; do val=${val%$'\n'}; done
		_qb[$key]=$val
	done
}

qx_batch_ok() {
	local -n _qo=$1
	[[ -v _qo[$2] ]] || return 1
	! grep -qE '^(psql:[^ ]*: )?(ERROR|FATAL|PANIC):|server closed the connection|connection to server .*lost' <<<"${_qo[$2]}"
}

# qx_sales_fingerprint DB: md5 of the ordered rows of every table and
# materialized view in schema sales of DB, "REL COUNT MD5" a line, by relname
# (one session: \gexec runs the query written for each relation)
qx_sales_fingerprint() {
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" <<'SQL'
SELECT format('SELECT %L || '' '' || count(*) || '' '' || md5(coalesce(string_agg(t::text, ''|'' ORDER BY t::text), '''')) FROM %s t',
              c.oid::regclass, c.oid::regclass)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'sales' AND c.relkind IN ('r', 'm') ORDER BY c.relname \gexec
SQL
}
