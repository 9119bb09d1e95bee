#!/usr/bin/env bash
# sqlsmith against a scratch database with quota_ext installed, a few small
# sales-like tables (one with the flag_reanimation trigger) and views that
# call the extension, so that random queries reach its functions.
# Bounded by count, not time: QX_SQLSMITH_QUERIES queries (default 6000),
# all of them whatever the load of the machine (about 20 s on a quiet 2-core
# machine, 15 minutes at load 18); QX_SQLSMITH_HANG (default 3600 s) only stops a run that is stuck
# and fails it.  statement_timeout 2 s on the database only cuts generated
# queries short (their errors are sqlsmith's own statistics, not checks).
# Fails when sqlsmith ran fewer queries than asked (none at all, say).  sqlsmith runs
# as an unprivileged role (it must not call pg_terminate_backend & co as
# superuser).  Asserts the server did not crash: postmaster start time
# unchanged, no crash in the server log (when readable), still accepting
# connections.  Needs the Debian package sqlsmith.
# qx-tier: once
set -uo pipefail
db=qx_sqlsmith
role=qx_smith
queries=${QX_SQLSMITH_QUERIES:-6000}
hang=${QX_SQLSMITH_HANG:-3600}
seed=${QX_SEED:-20240501}
passed=0
failed=0
psql_() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

if ! command -v sqlsmith >/dev/null; then
	echo "sqlsmith is not installed (Debian package sqlsmith)"
	echo "0 passed, 1 failed"
	exit 1
fi

start=$(psql -X -At -d postgres -c 'SELECT pg_postmaster_start_time()')
log_off=0
[ -n "${QX_SERVER_LOG:-}" ] && [ -r "$QX_SERVER_LOG" ] && log_off=$(stat -c %s "$QX_SERVER_LOG")

psql_ -d postgres <<SQL
DROP DATABASE IF EXISTS $db WITH (FORCE);
DROP ROLE IF EXISTS $role;
CREATE ROLE $role LOGIN;
CREATE DATABASE $db OWNER $role TEMPLATE template0;
ALTER DATABASE $db SET statement_timeout = '2s';
ALTER DATABASE $db SET track_functions = 'all';
SQL
psql_ -d $db <<'SQL'
CREATE EXTENSION quota_ext;
CREATE TABLE deals (id int PRIMARY KEY, rep text, agreement float8, objections int,
                    flagged boolean, flagged_since timestamptz);
CREATE TRIGGER deals_flag BEFORE INSERT OR UPDATE ON deals FOR EACH ROW
    EXECUTE FUNCTION flag_reanimation('agreement', 'objections', 'flagged', '0.4', 'flagged_since');
INSERT INTO deals (id, rep, agreement, objections)
SELECT i, 'rep' || (i % 5), (i % 11) / 10.0, i % 4 FROM generate_series(1, 60) i;
CREATE TABLE orders (id int PRIMARY KEY, customer int, ts date, amount numeric(12,2));
INSERT INTO orders SELECT i, i % 13, date '2024-01-01' + (i * 7) % 180, (i * 37) % 500 + 0.5
FROM generate_series(1, 300) i;
CREATE TABLE quotas (rep text, quota numeric, actual numeric, period_start date, period_end date);
INSERT INTO quotas SELECT 'rep' || i, 1000 * (i + 1), 700 * i, '2024-01-01', '2024-03-31'
FROM generate_series(0, 4) i;
CREATE TABLE leads (id int, amount float8, days_to_cash float8, need boolean, budget boolean, urgent boolean);
INSERT INTO leads SELECT i, i * 100.0, i % 60, i % 2 = 0, i % 3 = 0, i % 5 = 0 FROM generate_series(1, 40) i;
CREATE VIEW deal_view AS
SELECT id, rep, lift_index(agreement, objections) AS lift,
       close_probability(agreement, objections) AS p, needs_reanimation(agreement, objections) AS reanimate
FROM deals;
CREATE VIEW quota_view AS
SELECT rep, (quota_status(actual, quota, period_start, period_end, date '2024-02-15')).*,
       pipeline_coverage(actual, quota) AS coverage, heat_zone(actual::float8, quota::float8) AS zone
FROM quotas;
CREATE VIEW lead_view AS
SELECT id, priority_label(priority_group(amount, days_to_cash, 1000, 30)) AS label,
       lead_class(need, budget, urgent) AS cls FROM leads;
GRANT ALL ON ALL TABLES IN SCHEMA public TO qx_smith;
ANALYZE;
SQL
[ $? -eq 0 ] || { echo "set-up failed"; echo "0 passed, 1 failed"; exit 1; }

out=$(mktemp)
t0=$(date +%s)
timeout --signal=INT --kill-after=10 "$hang" sqlsmith --verbose --exclude-catalog \
	--seed="$seed" --max-queries="$queries" \
	--target="host=$PGHOST port=$PGPORT dbname=$db user=$role" >"$out" 2>&1
rc=$?
t1=$(date +%s)
# sqlsmith's verbose output ends with the number of queries and the most
# frequent errors (counted by message); the AST statistics are left out
ran=$(tr '\r' '\n' <"$out" | grep -E '^queries: [0-9]+' | tail -1 | sed -E 's/^queries: ([0-9]+).*/\1/')
echo "most frequent errors of the generated queries:"
tr '\r' '\n' <"$out" | grep -E '^[0-9]+\s+ERROR:' | head -12 | sed 's/^/    /'
echo "sqlsmith exit status $rc after $((t1 - t0)) s (124: stopped as stuck after $hang s)"
if [ "$rc" -eq 0 ] && [ "${ran:-0}" -ge "$queries" ]; then
	echo "ok   sqlsmith ran all $queries queries (${ran})"
	passed=$((passed + 1))
else
	echo "FAIL sqlsmith ran ${ran:-no} queries of $queries (exit status $rc); its last output:"
	tr '\r' '\n' <"$out" | tail -5 | sed 's/^/    /'
	failed=$((failed + 1))
fi

calls=$(psql -X -At -d $db -c "SELECT coalesce(sum(s.calls), 0) || ' calls of ' || count(*) || ' extension functions'
  FROM pg_stat_user_functions s JOIN pg_depend d ON d.objid = s.funcid AND d.classid = 'pg_proc'::regclass
  AND d.deptype = 'e' AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'quota_ext')" 2>&1)
echo "extension functions reached: $calls"

now=$(psql -X -At -d postgres -c 'SELECT pg_postmaster_start_time()' 2>&1)
if [ "$now" = "$start" ]; then
	echo "ok   postmaster start time unchanged, server accepting connections"
	passed=$((passed + 1))
else
	echo "FAIL server restarted or not reachable: '$start' -> '$now'"
	failed=$((failed + 1))
fi
if [ "$log_off" -gt 0 ] || [ -n "${QX_SERVER_LOG:-}" ]; then
	if [ -r "${QX_SERVER_LOG:-}" ] &&
		tail -c +"$((log_off + 1))" "$QX_SERVER_LOG" | grep -E 'terminated by signal|was terminated by exception|reinitializing'; then
		echo "FAIL a backend crashed (server log above)"
		failed=$((failed + 1))
	else
		echo "ok   no crash in the server log"
		passed=$((passed + 1))
	fi
fi
if grep -qiE 'connection to server .* lost|server closed the connection unexpectedly|terminated abnormally|crash of another server process' "$out"; then
	echo "FAIL sqlsmith lost its connection (a backend died):"
	grep -iE 'lost|unexpectedly|abnormally' "$out" | head -5
	failed=$((failed + 1))
else
	echo "ok   sqlsmith never lost its connection"
	passed=$((passed + 1))
fi
rm -f "$out"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "DROP ROLE IF EXISTS $role"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
