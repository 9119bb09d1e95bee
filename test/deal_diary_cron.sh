#!/usr/bin/env bash
# qx-tier: once
# qx-serial: starts a second server (pg_cron preloaded) on PGPORT + 7
# test/deal_diary_cron.sh: the deal diary's nightly refresh (SPEC §14 with
# the pattern of §12, doc/deal_diary.md "The nightly refresh").
#
# Warnings that appear with time alone (a contact date passing) change no
# column, so no trigger fires: a nightly statement touches the deals whose
# stored warnings differ from deal_warnings(current_date, ...), and
# flag_deal_warnings recomputes them and their since.  The suite builds a
# diary as it stood yesterday (warnings and since as of current_date - 1,
# trigger disabled while loading), runs the refresh, and checks that
#   - every deal's warnings equal deal_warnings(current_date, ...) after it,
#     computed here in plain SQL from the same columns (an independent CASE);
#   - only the deals whose set changed were written (xmin), and a second run
#     writes none;
#   - since: kept for a deal warned yesterday and today, now for a deal
#     warned first today, NULL for a deal cleared;
# with pg_cron where the server has it (pkglibdir/pg_cron.so): a throwaway
# server of its own (shared_preload_libraries = 'pg_cron', cron.database_name),
# cron.schedule registers the job, and the refresh run is the job's command
# as cron.job stores it -- run at once, so the suite never waits for the
# clock; then cron.unschedule removes it.  Without pg_cron the refresh runs
# on the server of PGHOST/PGPORT, and the pg_cron part is a reported skip
# (a failure when CI is set: CI installs postgresql-15-cron).
# Ends with "N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../scripts/lib.sh"
source "$here/lib/suite.sh"
q() { psql -X -At -q -v ON_ERROR_STOP=1 "$@"; }

# The diary table, its trigger, and yesterday's state; then the refresh.
SETUP=$(cat <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS quota_ext;
DROP TABLE IF EXISTS diary_deals;
CREATE TABLE diary_deals (
    id int PRIMARY KEY,
    next_contact date,
    problem text,
    promise_due date,
    temperature text,
    lift float8,
    last_activity date,
    warnings text[],
    warned_since timestamptz
);
CREATE TRIGGER diary_deals_warnings BEFORE INSERT OR UPDATE ON diary_deals FOR EACH ROW
EXECUTE FUNCTION flag_deal_warnings('warnings', 'warned_since', 'next_contact=next_contact',
    'problem=problem', 'promise_due=promise_due', 'temperature=temperature', 'lift=lift',
    'last_activity=last_activity', 'stale_days=14');
-- yesterday's diary, as yesterday's refresh left it
ALTER TABLE diary_deals DISABLE TRIGGER diary_deals_warnings;
INSERT INTO diary_deals (id, next_contact, problem, promise_due, temperature, lift, last_activity)
VALUES
    (1, current_date + 3, 'slow delivery', NULL, 'warm', 1, current_date - 2),   -- clean both days
    (2, current_date - 1, 'slow delivery', NULL, 'warm', 1, current_date - 2),   -- contact was due yesterday: overdue today
    (3, current_date - 5, 'slow delivery', NULL, 'warm', 1, current_date - 2),   -- overdue both days
    (4, current_date + 3, 'slow delivery', NULL, 'cold', 1, current_date - 15),  -- cold both days, stale from today
    (5, current_date + 3, 'slow delivery', current_date - 1, 'cold', 1, current_date - 1), -- cold; promise due yesterday
    (6, current_date + 3, NULL, NULL, 'hot', 1, current_date);                   -- no problem both days
UPDATE diary_deals SET
    warnings = deal_warnings(current_date - 1, next_contact, problem, promise_due, temperature, lift,
                             last_activity, stale_days => 14),
    warned_since = current_date - 1 - interval '1 hour';
UPDATE diary_deals SET warned_since = NULL WHERE warnings = '{}';
-- a deal whose stored warnings went stale by hand: cleared today
UPDATE diary_deals SET warnings = '{cold}' WHERE id = 1;
ALTER TABLE diary_deals ENABLE TRIGGER diary_deals_warnings;
DROP TABLE IF EXISTS diary_before;
CREATE TABLE diary_before AS SELECT id, xmin::text::bigint AS row_xmin, warnings, warned_since FROM diary_deals;
SQL
)

# The nightly refresh: touch only the deals whose warnings are not today's;
# the trigger recomputes warnings and since.  The same deal_warnings mapping
# as the trigger's.
REFRESH="UPDATE diary_deals SET next_contact = next_contact WHERE warnings IS DISTINCT FROM deal_warnings(current_date, next_contact, problem, promise_due, temperature, lift, last_activity, stale_days => 14)"

# The checks after a refresh, in database $1 (output: one line per check).
CHECKS=$(cat <<'SQL'
-- today's warnings in plain SQL (SPEC §14's rules for the mapped columns,
-- in the catalog's rank order)
WITH want AS (
    SELECT id, coalesce((SELECT array_agg(c ORDER BY l.rank) FROM unnest(ARRAY[
        CASE WHEN next_contact IS NULL THEN 'no_next_step' END,
        CASE WHEN next_contact < current_date THEN 'next_step_overdue' END,
        CASE WHEN problem IS NULL OR btrim(problem) = '' THEN 'no_problem' END,
        CASE WHEN promise_due < current_date THEN 'promise_overdue' END,
        CASE WHEN temperature IS NULL THEN 'no_temperature' END,
        CASE WHEN temperature = 'cold' THEN 'cold' END,
        CASE WHEN lift < 0.4 THEN 'reanimation' END,
        CASE WHEN lift IS NULL THEN 'no_lift' END,
        CASE WHEN last_activity < current_date - 14 THEN 'no_activity' END]) c
        JOIN quota_labels l ON l.kind = 'deal_warning' AND l.code = c), '{}') AS w
    FROM diary_deals)
SELECT 'warnings_are_todays ' || (count(*) FILTER (WHERE d.warnings IS DISTINCT FROM want.w) = 0)::text
FROM diary_deals d JOIN want USING (id)
UNION ALL
-- the rows written: those whose set changed (1 cleared, 2, 4, 5 new warnings)
SELECT 'rewritten ' || string_agg(d.id::text, ',' ORDER BY d.id)
FROM diary_deals d JOIN diary_before b USING (id) WHERE d.xmin::text::bigint <> b.row_xmin
UNION ALL
-- since: 1 cleared -> NULL; 2 warned first today -> now; 3, 4, 5, 6 warned
-- yesterday and today -> yesterday's since kept
SELECT 'since ' || string_agg(d.id || ':' || CASE WHEN d.warned_since IS NULL THEN 'null'
                                              WHEN d.warned_since = b.warned_since THEN 'kept'
                                              WHEN d.warned_since = transaction_timestamp() THEN 'now'
                                              ELSE 'other' END, ',' ORDER BY d.id)
FROM diary_deals d JOIN diary_before b USING (id);
SQL
)

# run_refresh DB COMMAND: the refresh in one transaction with the checks
run_refresh() {
	q -d "$1" -c "BEGIN" -c "$2" -c "$CHECKS" -c "COMMIT"
}

check_output() {	# check_output LABEL OUTPUT
	local out=$2
	qx_check "$1: every deal's warnings are today's (plain-SQL rules)" \
		"$(grep -qx 'warnings_are_todays true' <<<"$out"; echo $?)" "$out"
	qx_check "$1: only deals whose warnings changed are written (1,2,4,5)" \
		"$(grep -qx 'rewritten 1,2,4,5' <<<"$out"; echo $?)" "$out"
	qx_check "$1: since null when cleared, now when first warned, kept otherwise" \
		"$(grep -qx 'since 1:null,2:now,3:kept,4:kept,5:kept,6:kept' <<<"$out"; echo $?)" "$out"
}

# 1. The refresh statement itself, on the server the test command started.
db=qx_deal_diary_cron_$$
q -d postgres -c "CREATE DATABASE $db" || { echo "0 passed, 1 failed"; exit 1; }
trap 'q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1' EXIT
q -d "$db" -c "$SETUP" >/dev/null
qx_check "refresh: the diary as it stood yesterday loads" $?
out=$(run_refresh "$db" "$REFRESH" 2>&1)
check_output "refresh" "$out"
again=$(q -d "$db" -c "CREATE TEMP TABLE x AS SELECT id, xmin::text AS x0 FROM diary_deals" -c "$REFRESH" \
	-c "SELECT count(*) FROM diary_deals d JOIN x USING (id) WHERE d.xmin::text <> x.x0" 2>&1)
qx_check "refresh: a second run the same day writes no deal" "$([ "$again" = 0 ]; echo $?)" "$again"

# 2. pg_cron, where the server has it.
pkglibdir=$(pg_config --pkglibdir 2>/dev/null)
[ -n "${QX_BIN:-}" ] && [ -x "$QX_BIN/pg_config" ] && pkglibdir=$("$QX_BIN/pg_config" --pkglibdir)
if [ ! -f "$pkglibdir/pg_cron.so" ]; then
	if [ -n "${CI:-}" ]; then
		qx_check "pg_cron installed in $pkglibdir (CI installs postgresql-15-cron)" 1
	else
		echo "SKIP pg_cron part: no pg_cron.so in $pkglibdir (install postgresql-NN-cron); the refresh above ran without it"
	fi
	qx_summary
	exit $?
fi
echo "pg_cron: $pkglibdir/pg_cron.so"

# a throwaway server of its own: pg_cron must be preloaded
saved_env=$(declare -p PGHOST PGPORT QX_DATA QX_SOCK QX_PORT QX_SERVER_LOG 2>/dev/null)
cron_db=qx_cron
export QX_PORT=${QX_CRON_PORT:-$((${PGPORT:-55432} + 7))}
QX_EXTRA_CONF="shared_preload_libraries = 'pg_cron'
cron.database_name = '$cron_db'
cron.use_background_workers = on" qx_start_server qx_diary_cron >/dev/null
rc=$?
qx_check "pg_cron: a server with shared_preload_libraries = 'pg_cron' starts (port $QX_PORT)" $rc
if [ $rc -eq 0 ]; then
	trap 'qx_stop_server; eval "$saved_env"; q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1' EXIT
	q -d postgres -c "CREATE DATABASE $cron_db" &&
		q -d "$cron_db" -c "CREATE EXTENSION pg_cron" -c "$SETUP" >/dev/null
	qx_check "pg_cron: CREATE EXTENSION pg_cron and the diary in $cron_db" $?
	# nightly at 00:05, after the day has turned in the server's time zone
	jobid=$(q -d "$cron_db" -v cmd="$REFRESH" <<<"SELECT cron.schedule('deal-warnings-nightly', '5 0 * * *', :'cmd')" 2>&1)
	job=$(q -d "$cron_db" -F '|' -c "SELECT jobid, schedule, database, active FROM cron.job WHERE jobname = 'deal-warnings-nightly'")
	qx_check "pg_cron: cron.schedule registers the job at 5 0 * * * in $cron_db" \
		"$([ "$job" = "$jobid|5 0 * * *|$cron_db|t" ]; echo $?)" "jobid $jobid, cron.job: $job"
	cmd=$(q -d "$cron_db" -c "SELECT command FROM cron.job WHERE jobname = 'deal-warnings-nightly'")
	qx_check "pg_cron: the job's command is the refresh" "$([ "$cmd" = "$REFRESH" ]; echo $?)" "$cmd"
	# what pg_cron runs at 00:05, run now
	out=$(run_refresh "$cron_db" "$cmd" 2>&1)
	check_output "pg_cron job's command" "$out"
	q -d "$cron_db" -c "SELECT cron.unschedule('deal-warnings-nightly')" >/dev/null
	left=$(q -d "$cron_db" -c "SELECT count(*) FROM cron.job")
	qx_check "pg_cron: cron.unschedule removes the job" "$([ "$left" = 0 ]; echo $?)" "$left"
	qx_stop_server
	eval "$saved_env"
	trap 'q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1' EXIT
fi
qx_summary
