#!/usr/bin/env bash
# qx-tier: once
# test/margin_demo.sh: checks scripts/demo_margin.sql (SPEC §17 demo) on a
# small generated dataset (scripts/gen_data.sql, 1000 customers) against
# the running server (PGHOST/PGPORT/PGUSER): it runs without error, prints
# its four sections, and shows what the data it plants should show --
# checked against plain SQL over the same tables, not against the extension:
# rep 2 (the deep discounter) has the lowest realisation, the last two weeks
# of a quarter realise less than the rest, and rep 3's lead flow is
# "scattered" exactly when plain SQL says leads rose >= 20 % and revenue per
# lead fell >= 20 %.  A second run prints the same.  Ends with
# "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/test/lib/suite.sh"
db=quota_ext_margin_demo_$$
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1' EXIT
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" "$@"; }

psql -X -q -d postgres -c "CREATE DATABASE $db" >/dev/null && q -c 'CREATE EXTENSION quota_ext' &&
	q -v customers=1000 -f "$root/scripts/gen_data.sql" >/dev/null
qx_check "generated data" $? || true
[ "$failed" -eq 0 ] || { qx_summary; exit 1; }

out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$root/scripts/demo_margin.sql" 2>&1)
rc=$?
[ $rc -eq 0 ] && ! grep -q ERROR <<<"$out"
qx_check "demo_margin.sql runs without error" $? "$(grep -m3 ERROR <<<"$out")"
n=$(grep -cE '^\(m[1-4]\)' <<<"$out")
[ "$n" -eq 4 ]
qx_check "demo_margin.sql prints sections (m1) to (m4)" $? "$n found"

# rep 2 realises the least of the list price on the open deals (plain SQL)
lowest=$(q -c "SELECT rep_id FROM sales.deals GROUP BY rep_id ORDER BY sum(amount) / sum(list_amount) LIMIT 1")
[ "$lowest" = 2 ]
qx_check "rep 2 has the lowest realisation (plain SQL)" $? "got rep $lowest"
first=$(grep -A4 '^(m1)' <<<"$out" | sed -n 4p | awk -F'|' '{gsub(/ /, "", $1); print $1}')
[ "$first" = 2 ]
qx_check "(m1) lists rep 2 first (lowest realisation)" $? "got '$first'"

# quarter-end orders realise less (plain SQL)
creep=$(q -c "SELECT sum(amount) FILTER (WHERE e) / sum(list_amount) FILTER (WHERE e)
                     < sum(amount) FILTER (WHERE NOT e) / sum(list_amount) FILTER (WHERE NOT e)
              FROM (SELECT *, (date_trunc('quarter', ts) + interval '3 months' - interval '1 day')::date - ts < 14 AS e
                    FROM sales.orders WHERE ts > date '2025-09-30' AND ts <= date '2026-09-15') o")
[ "$creep" = t ]
qx_check "quarter-end orders realise less than the rest (plain SQL)" $? "got $creep"

# the scattered rule in plain SQL, per rep, against what (m4) prints
plain=$(q -c "SELECT string_agg(rep_id::text, ',' ORDER BY rep_id) FROM (
  SELECT rep_id,
         count(*) FILTER (WHERE created_on BETWEEN '2026-07-01' AND '2026-09-15') AS lc,
         count(*) FILTER (WHERE created_on BETWEEN '2026-04-01' AND '2026-06-16') AS lp,
         coalesce(sum(amount) FILTER (WHERE won AND created_on BETWEEN '2026-07-01' AND '2026-09-15'), 0) AS rc,
         coalesce(sum(amount) FILTER (WHERE won AND created_on BETWEEN '2026-04-01' AND '2026-06-16'), 0) AS rp
  FROM sales.lead_flow GROUP BY rep_id) s
  WHERE lp > 0 AND rp > 0 AND lc >= 1.2 * lp AND rc * lp <= 0.8 * rp * lc")
[ "$plain" = 3 ]
qx_check "plain SQL finds rep 3, and only rep 3, scattered" $? "got '$plain'"
shown=$(awk -F'|' '/scattered/ {gsub(/ /, "", $1); print $1}' <<<"$out" | paste -sd,)
[ "$shown" = "$plain" ]
qx_check "(m4) shows scattered for the same reps as plain SQL" $? "shown '$shown', plain '$plain'"

out2=$(psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$root/scripts/demo_margin.sql" 2>&1)
[ "$out" = "$out2" ]
qx_check "a second run prints the same" $?

qx_summary
