#!/usr/bin/env bash
# bench/deal_warnings.sh: SPEC §14 speed, as ratios against baselines in the same run.
#
#   bash bench/deal_warnings.sh [deals [inserted_rows]]   # default 1000000 200000
#
# Against a server given by PGHOST/PGPORT/PGUSER (scripts/lib.sh's
# qx_start_server, or any with quota_ext built).  1. deal_warnings over every
# deal of a table against the same rules written as a plain-SQL CASE
# expression (array_remove of thirteen CASEs, catalog order), and against a
# scan that only reads the columns; the SPEC asks for deal_warnings within
# 3x the CASE formulation.  2. The flag_deal_warnings trigger: the same
# INSERT ... SELECT into the same table with and without the trigger (and,
# for scale, with the flag_reanimation trigger); the ratio and the cost per
# row.  Serial plans (max_parallel_workers_per_gather = 0).  Each case:
# median of RUNS (default 3) runs of EXPLAIN ANALYZE's execution time; the
# INSERTs RUNS + 2 runs, with and without the trigger alternating.
set -euo pipefail
N=${1:-1000000}
M=${2:-200000}
RUNS=${RUNS:-3}
db=qx_bench_deal_warnings_$$
psql -X -q -d postgres -c "CREATE DATABASE $db" >/dev/null
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1' EXIT
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" "$@"; }

# Diaries as a CRM holds them: most fields filled, some missing, dates
# spread around as_of so that every rule fires on some deals.
q <<SQL
CREATE EXTENSION quota_ext;
SELECT setseed(0.23);
CREATE TABLE deals AS
SELECT i AS id,
       CASE WHEN random() < 0.1 THEN NULL ELSE date '2026-06-15' + (random() * 40)::int - 20 END AS next_contact,
       CASE WHEN random() < 0.1 THEN NULL WHEN random() < 0.05 THEN ' '
            ELSE 'client needs faster delivery to stores' END AS problem,
       CASE WHEN random() < 0.6 THEN NULL ELSE date '2026-06-15' + (random() * 40)::int - 20 END AS promise_due,
       (ARRAY[NULL, 'hot', 'warm', 'cool', 'cold'])[1 + (random() * 4)::int] AS temperature,
       CASE WHEN random() < 0.1 THEN NULL WHEN random() < 0.1 THEN 'Infinity' ELSE random() * 2 END AS lift,
       date '2026-06-15' - (random() * 40)::int AS last_activity,
       date '2026-06-15' - (random() * 60)::int AS stage_entered,
       (ARRAY[7, 14, 21, 30])[1 + (random() * 3)::int] AS stage_norm_days,
       date '2026-06-15' + (random() * 90)::int - 30 AS close_date,
       (random() * 4)::int AS pushes,
       (random() * 5)::int AS contacts
FROM generate_series(1, $N) i;
VACUUM ANALYZE deals;
CREATE TABLE diary (LIKE deals, warnings text[], warned_since timestamptz);
CREATE TABLE diary_flag (LIKE deals, agreement float8, objections int, flag boolean);
SQL

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() {	# timeit SQL -> median execution seconds
	local i
	for i in $(seq "$RUNS"); do
		q -c "SET max_parallel_workers_per_gather = 0; ${2:-} EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON, COSTS OFF) $1" |
			awk '/Execution Time/ {print $3 / 1000}'
	done | median
}

ARGS="date '2026-06-15', next_contact, problem, promise_due, temperature, lift, last_activity, stage_entered, stage_norm_days, close_date, pushes, contacts"
CASE_SQL="array_remove(ARRAY[
  CASE WHEN next_contact < date '2026-06-15' THEN 'next_step_overdue' END,
  CASE WHEN next_contact IS NULL THEN 'no_next_step' END,
  CASE WHEN promise_due < date '2026-06-15' THEN 'promise_overdue' END,
  CASE WHEN close_date < date '2026-06-15' THEN 'past_close_date' END,
  CASE WHEN lift < 0.4 THEN 'reanimation' END,
  CASE WHEN temperature = 'cold' THEN 'cold' END,
  CASE WHEN last_activity < date '2026-06-15' - 14 THEN 'no_activity' END,
  CASE WHEN stage_entered < date '2026-06-15' - stage_norm_days THEN 'stalled_in_stage' END,
  CASE WHEN pushes >= 2 THEN 'pushed' END,
  CASE WHEN contacts <= 1 THEN 'single_threaded' END,
  CASE WHEN problem IS NULL OR btrim(problem, E' \t\n\r\f' || chr(11)) = '' THEN 'no_problem' END,
  CASE WHEN temperature IS NULL THEN 'no_temperature' END,
  CASE WHEN lift IS NULL THEN 'no_lift' END], NULL)"

# the two formulations agree on every deal before anything is timed
mismatch=$(q -c "SELECT count(*) FROM deals WHERE deal_warnings($ARGS) IS DISTINCT FROM $CASE_SQL")
echo "deals: $N; deal_warnings vs the CASE formulation, deals that differ: $mismatch"
[ "$mismatch" = 0 ] || { echo "the formulations disagree: not timed"; exit 1; }

scan=$(timeit "SELECT count(next_contact), count(problem), count(promise_due), count(temperature), count(lift), count(last_activity), count(stage_entered), count(stage_norm_days), count(close_date), count(pushes), count(contacts) FROM deals")
fn=$(timeit "SELECT sum(cardinality(deal_warnings($ARGS))) FROM deals")
cs=$(timeit "SELECT sum(cardinality($CASE_SQL)) FROM deals")
printf '\n| case (%s deals) | seconds | ratio to the CASE formulation | ratio to a scan |\n|---|---|---|---|\n' "$N"
awk -v s="$scan" -v f="$fn" -v c="$cs" 'BEGIN {
	printf "| scan reading the eleven columns | %.3f | %.2f | 1.00 |\n", s, s / c
	printf "| plain-SQL CASE formulation | %.3f | 1.00 | %.2f |\n", c, c / s
	printf "| deal_warnings | %.3f | %.2f | %.2f |\n", f, f / c, f / s
}'

# the trigger: the same INSERT ... SELECT with and without it, a fresh table each run
COLS="id, next_contact, problem, promise_due, temperature, lift, last_activity, stage_entered, stage_norm_days, close_date, pushes, contacts"
INS="INSERT INTO diary ($COLS) SELECT $COLS FROM deals WHERE id <= $M"
INS_FLAG="INSERT INTO diary_flag ($COLS, agreement, objections) SELECT $COLS, 0.5, (id % 4)::int FROM deals WHERE id <= $M"
q -c "CREATE TRIGGER dw BEFORE INSERT OR UPDATE ON diary FOR EACH ROW EXECUTE FUNCTION flag_deal_warnings(
  'warnings', 'warned_since', 'next_contact=next_contact', 'problem=problem', 'promise_due=promise_due',
  'temperature=temperature', 'lift=lift', 'last_activity=last_activity', 'stage_entered=stage_entered',
  'stage_norm_days=stage_norm_days', 'close_date=close_date', 'pushes=pushes', 'contacts=contacts')"
q -c "CREATE TRIGGER fr BEFORE INSERT OR UPDATE ON diary_flag FOR EACH ROW
  EXECUTE FUNCTION flag_reanimation('agreement', 'objections', 'flag')"
# with and without the trigger alternate run by run (DISABLE/ENABLE TRIGGER),
# so that a neighbour's load shifts both alike; the medians of each
once() {	# once SQL PREFIX -> execution seconds of one run
	q -c "SET max_parallel_workers_per_gather = 0; $2 EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON, COSTS OFF) $1" |
		awk '/Execution Time/ {print $3 / 1000}'
}
tp=$(mktemp) tt=$(mktemp) fp=$(mktemp) ft=$(mktemp)
for i in $(seq $((RUNS + 2))); do
	once "$INS" "TRUNCATE diary; ALTER TABLE diary DISABLE TRIGGER dw;" >>"$tp"
	once "$INS" "TRUNCATE diary; ALTER TABLE diary ENABLE TRIGGER dw;" >>"$tt"
	once "$INS_FLAG" "TRUNCATE diary_flag; ALTER TABLE diary_flag DISABLE TRIGGER fr;" >>"$fp"
	once "$INS_FLAG" "TRUNCATE diary_flag; ALTER TABLE diary_flag ENABLE TRIGGER fr;" >>"$ft"
done
plain=$(median <"$tp") trig=$(median <"$tt") flagplain=$(median <"$fp") flagtrig=$(median <"$ft")
rm -f "$tp" "$tt" "$fp" "$ft"
# the trigger's rows equal the function's, computed as of the same date
tmismatch=$(q -c "SELECT count(*) FROM diary WHERE warnings IS DISTINCT FROM deal_warnings(current_date, next_contact, problem, promise_due, temperature, lift, last_activity, stage_entered, stage_norm_days, close_date, pushes, contacts)")
printf '\n| INSERT of %s rows | seconds | ratio to the same INSERT without a trigger | microseconds per row over it |\n|---|---|---|---|\n' "$M"
awk -v p="$plain" -v t="$trig" -v fp="$flagplain" -v ft="$flagtrig" -v m="$M" 'BEGIN {
	printf "| without a trigger | %.3f | 1.00 | 0 |\n", p
	printf "| with flag_deal_warnings (12 columns mapped) | %.3f | %.2f | %.2f |\n", t, t / p, (t - p) / m * 1e6
	printf "| (for scale) flag_reanimation, its own table | %.3f | %.2f | %.2f |\n", ft, ft / fp, (ft - fp) / m * 1e6
}'
echo
echo "rows whose trigger-kept warnings differ from deal_warnings(current_date, ...): $tmismatch"
