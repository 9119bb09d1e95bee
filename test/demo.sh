#!/usr/bin/env bash
# test/demo.sh: checks scripts/gen_data.sql and scripts/demo.sql against a
# running server (scripts/test.sh exports PGHOST/PGPORT/PGUSER; quota_ext is
# installed).  Works in a scratch database it drops at the end; ends with
# "N passed, N failed".
# qx-tier: fast
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
db=quota_ext_demo_test_$$
customers=1000
passed=0
failed=0

ok()  { passed=$((passed + 1)); echo "ok   - $1"; }
bad() { failed=$((failed + 1)); echo "FAIL - $1${2:+: $2}"; }
q()   { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
# check NAME SQL: SQL returns one boolean, true when the check passes; on
# failure the optional third argument (a query) is printed as detail.
check() {
	local got
	got=$(q "$2" 2>&1)
	if [ "$got" = t ]; then ok "$1"
	else bad "$1" "$got${3:+ | $(q "$3" 2>&1 | tr '\n' ' ')}"; fi
}
gen() { psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v customers="$1" -v seed="$2" -f "$root/scripts/gen_data.sql"; }
# md5 of every generated table, rows in key order; reanimation_since is the
# transaction time, so only whether it is set takes part.
fingerprint() {
	q "SELECT string_agg(t || ':' || h, ' ' ORDER BY t) FROM (
	     SELECT 'reps' t, md5(string_agg(r::text, ';' ORDER BY rep_id)) h FROM sales.reps r
	     UNION ALL SELECT 'customers', md5(string_agg(c::text, ';' ORDER BY customer_id)) FROM sales.customers c
	     UNION ALL SELECT 'orders', md5(string_agg(o::text, ';' ORDER BY order_id)) FROM sales.orders o
	     UNION ALL SELECT 'revenue_quotas', md5(string_agg(x::text, ';' ORDER BY rep_id, period_start)) FROM sales.revenue_quotas x
	     UNION ALL SELECT 'call_quotas', md5(string_agg(x::text, ';' ORDER BY rep_id, week_start)) FROM sales.call_quotas x
	     UNION ALL SELECT 'calls', md5(string_agg(x::text, ';' ORDER BY call_id)) FROM sales.calls x
	     UNION ALL SELECT 'deals', md5(string_agg((deal_id, rep_id, customer_id, title, amount, agreement, objections,
	                 needs_reanimation, reanimation_since IS NOT NULL)::text, ';' ORDER BY deal_id)) FROM sales.deals
	     UNION ALL SELECT 'leads', md5(string_agg(x::text, ';' ORDER BY lead_id)) FROM sales.leads x
	     UNION ALL SELECT 'holidays', md5(string_agg(x::text, ';' ORDER BY day)) FROM sales.holidays x) s"
}

cleanup() { dropdb --if-exists "$db" >/dev/null 2>&1; }
trap cleanup EXIT

if createdb "$db" && q 'CREATE EXTENSION quota_ext'; then ok "scratch database with quota_ext"
else bad "scratch database with quota_ext"; echo "$passed passed, $failed failed"; exit 1; fi

# --- determinism --------------------------------------------------------------
t0=$(date +%s.%N)
if gen "$customers" 0.42; then ok "gen_data.sql runs ($customers customers)"; else bad "gen_data.sql runs"; fi
echo "#    generated in $(awk "BEGIN { printf \"%.2f\", $(date +%s.%N) - $t0 }") s"
fp1=$(fingerprint)
gen "$customers" 0.42 && fp2=$(fingerprint) || fp2=error
if [[ $fp1 =~ ^(([a-z_]+):[0-9a-f]{32}\ ?){9}$ ]] && [ "$fp1" = "$fp2" ]; then ok "same size and seed give identical data (every table)"
else bad "same size and seed give identical data" "$(diff <(tr ' ' '\n' <<<"$fp1") <(tr ' ' '\n' <<<"$fp2") | tr '\n' ' ')"; fi
gen "$customers" 0.43 && fp3=$(fingerprint) || fp3=error
[ "$fp3" != "$fp1" ] && ok "another seed gives other data" || bad "another seed gives other data"
gen "$customers" 0.42   # back to the dataset the checks below expect

# --- sizes --------------------------------------------------------------------
check "customers and reps (customers / 100, at least 5)" \
	"SELECT (SELECT count(*) FROM sales.customers) = $customers AND (SELECT count(*) FROM sales.reps) = greatest(5, $customers / 100)"
check "about 10 orders per customer" \
	"SELECT count(*)::float8 / $customers BETWEEN 8.5 AND 11.5 FROM sales.orders" \
	"SELECT count(*)::float8 / $customers FROM sales.orders"
check "two years of orders before 2026-09-30" \
	"SELECT min(ts) = '2024-10-01' AND max(ts) FILTER (WHERE ts <= '2026-09-30') = '2026-09-30' FROM sales.orders"
check "order ids follow the order date" \
	"SELECT bool_and(ts >= prev) FROM (SELECT ts, lag(ts) OVER (ORDER BY order_id) prev FROM sales.orders) s"
check "heavy-tailed amounts (p99 / median > 8, all positive)" \
	"SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY amount) / percentile_cont(0.5) WITHIN GROUP (ORDER BY amount) > 8
	        AND min(amount) > 0 FROM sales.orders"

# --- ground truth -----------------------------------------------------------------
check "behaviour mix 40/15/15/10/10/10 % (within 4 points)" \
	"SELECT bool_and(abs(100.0 * n / $customers - want) <= 4) AND count(*) = 6
	 FROM (SELECT behaviour, count(*) n FROM sales.customers GROUP BY 1) c
	 JOIN (VALUES ('steady', 40), ('growing', 15), ('fading', 15), ('new', 10), ('lost', 10), ('returning', 10)) w(behaviour, want)
	 USING (behaviour)" \
	"SELECT behaviour, count(*) FROM sales.customers GROUP BY 1 ORDER BY 1"

# per-customer order counts and revenue in the windows of rfm_kinetic at
# as_of 2026-09-30 with 90-day windows (plain SQL)
q "CREATE VIEW kin AS
   SELECT c.customer_id, c.behaviour,
          count(o.*) FILTER (WHERE o.ts >  date '2026-09-30' - 90  AND o.ts <= '2026-09-30') AS nr,
          count(o.*) FILTER (WHERE o.ts >  date '2026-09-30' - 180 AND o.ts <= date '2026-09-30' - 90) AS np,
          count(o.*) FILTER (WHERE o.ts <= date '2026-09-30' - 180) AS nh,
          coalesce(sum(o.amount) FILTER (WHERE o.ts > date '2026-09-30' - 90 AND o.ts <= '2026-09-30'), 0) AS rr,
          coalesce(sum(o.amount) FILTER (WHERE o.ts > date '2026-09-30' - 180 AND o.ts <= date '2026-09-30' - 90), 0) AS rp,
          min(o.ts) FILTER (WHERE o.ts <= '2026-09-30') AS first_order
   FROM sales.customers c LEFT JOIN sales.orders o USING (customer_id)
   GROUP BY c.customer_id, c.behaviour"
check "every customer has an order up to as_of" "SELECT bool_and(first_order IS NOT NULL) FROM kin"
check "lost: no order in the last 180 days" "SELECT bool_and(nr = 0 AND np = 0 AND nh > 0) FROM kin WHERE behaviour = 'lost'"
check "new: every order within the last 80 days" \
	"SELECT bool_and(first_order > date '2026-09-30' - 80 AND nr > 0) FROM kin WHERE behaviour = 'new'"
check "returning: orders long ago and in the last 90 days, none in the 90 before" \
	"SELECT bool_and(nh > 0 AND np = 0 AND nr > 0) FROM kin WHERE behaviour = 'returning'"
check "growing: more orders and more revenue in the last 90 days than in the 90 before" \
	"SELECT bool_and(np > 0 AND nr > np AND rr > rp) FROM kin WHERE behaviour = 'growing'"
check "fading: fewer orders and less revenue in the last 90 days than in the 90 before" \
	"SELECT bool_and(np > 0 AND nr < np AND rr < rp) FROM kin WHERE behaviour = 'fading'"
check "steady: orders in both windows" "SELECT bool_and(np > 0 AND nr > 0) FROM kin WHERE behaviour = 'steady'"
# the segment rule of rfm_kinetic (SPEC section 4, threshold 0.2) in plain SQL:
# all of lost/new/returning and >= 85 % of the others come out as generated
q "CREATE VIEW kin_seg AS
   SELECT *, CASE WHEN nr = 0 AND np = 0 THEN 'lost'
                  WHEN first_order > date '2026-09-30' - 90 THEN 'new'
                  WHEN np = 0 THEN 'returning'
                  WHEN nr = 0 OR (rp > 0 AND (rr - rp) / rp <= -0.2) THEN 'fading'
                  WHEN rp > 0 AND (rr - rp) / rp >= 0.2 THEN 'growing'
                  ELSE 'steady' END AS segment
   FROM kin"
check "kinetic rule finds every lost, new and returning customer" \
	"SELECT bool_and(segment = behaviour) FROM kin_seg WHERE behaviour IN ('lost', 'new', 'returning')"
check "kinetic rule finds >= 85 % of steady, growing and fading customers each" \
	"SELECT bool_and(hit >= 0.85) FROM (SELECT behaviour, avg((segment = behaviour)::int) hit FROM kin_seg
	  WHERE behaviour IN ('steady', 'growing', 'fading') GROUP BY 1) s" \
	"SELECT behaviour, round(avg((segment = behaviour)::int), 3) FROM kin_seg GROUP BY 1 ORDER BY 1"
check "a handful of future-dated orders (after as_of)" \
	"SELECT count(*) BETWEEN 1 AND greatest(5, $customers / 100) FROM sales.orders WHERE ts > '2026-09-30'"
check "same-day duplicate orders exist" \
	"SELECT count(*) > 0 FROM (SELECT 1 FROM sales.orders GROUP BY customer_id, ts, amount HAVING count(*) > 1) d"

# --- quotas, calls, deals, leads -----------------------------------------------
check "revenue quotas: the four quarters of 2026 for every rep" \
	"SELECT count(*) = 4 * (SELECT count(*) FROM sales.reps)
	        AND bool_and(period_end = (period_start + interval '3 months - 1 day')::date AND full_quota > 0
	                     AND extract(year FROM period_start) = 2026)
	 FROM sales.revenue_quotas"
check "call quotas: 250 calls a week, Monday to Sunday, every week of Q3 2026" \
	"SELECT count(*) = 14 * (SELECT count(*) FROM sales.reps) AND bool_and(calls = 250)
	        AND bool_and(extract(isodow FROM week_start) = 1 AND week_end = week_start + 6)
	        AND min(week_start) <= '2026-07-01' AND max(week_end) >= '2026-09-30'
	 FROM sales.call_quotas"
check "calls only on business days up to as_of" \
	"SELECT bool_and(extract(isodow FROM ts) < 6 AND ts <= '2026-09-30'
	                 AND ts NOT IN (SELECT day FROM sales.holidays)) AND count(*) > 0 FROM sales.calls"
check "trigger is attached to sales.deals" \
	"SELECT count(*) = 1 FROM pg_trigger WHERE tgrelid = 'sales.deals'::regclass AND NOT tgisinternal"
check "trigger flagged exactly the deals with agreement / objections < 0.4 (plain SQL)" \
	"SELECT bool_and(needs_reanimation IS NOT DISTINCT FROM
	                 CASE WHEN agreement IS NULL OR objections IS NULL THEN NULL
	                      WHEN objections = 0 THEN agreement = 0
	                      ELSE agreement / objections < 0.4 END)
	 FROM sales.deals" \
	"SELECT count(*) FROM sales.deals"
check "flags of every kind: true, false and NULL" \
	"SELECT count(*) FILTER (WHERE needs_reanimation) > 0 AND count(*) FILTER (WHERE NOT needs_reanimation) > 0
	        AND count(*) FILTER (WHERE needs_reanimation IS NULL) > 0 FROM sales.deals"
check "reanimation_since set exactly on flagged deals" \
	"SELECT bool_and((reanimation_since IS NOT NULL) = coalesce(needs_reanimation, false)) FROM sales.deals"
check "deals belong to their customer's rep" \
	"SELECT bool_and(d.rep_id = c.rep_id) FROM sales.deals d JOIN sales.customers c USING (customer_id)"
check "leads: unconfirmed (NULL) need, budget and urgency occur" \
	"SELECT count(*) FILTER (WHERE need IS NULL) > 0 AND count(*) FILTER (WHERE budget IS NULL) > 0
	        AND count(*) FILTER (WHERE urgent IS NULL) > 0 FROM sales.leads"
check "leads fall into all four priority groups and all three classes" \
	"SELECT count(DISTINCT priority_group(amount, days_to_cash, 50000, 30)) = 4
	        AND count(DISTINCT lead_class(need, budget, urgent)) = 3 FROM sales.leads"

# --- the dashboard ------------------------------------------------------------------
out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$root/scripts/demo.sql" 2>&1)
if [ $? -eq 0 ] && ! grep -q ERROR <<<"$out"; then ok "demo.sql runs without error"
else bad "demo.sql runs without error" "$(grep -m3 ERROR <<<"$out")"; fi
n=$(grep -cE '^\(([a-n])\) ' <<<"$out")
[ "$n" -eq 14 ] && ok "demo.sql prints sections (a) to (n)" || bad "demo.sql prints sections (a) to (n)" "$n found"
calls=$(grep -nE '\((quota_status|rfm_summary|btyd_summary|rfm_kinetic|bgnbd_fit)\(' "$root/scripts/demo.sql")
[ -z "$calls" ] && ok "demo.sql reads composites from FROM (LATERAL) or a subquery column, never (f(...)).x" \
	|| bad "demo.sql reads composites from FROM or a subquery column" "$calls"
# (a) forecast = the run rate actual * total / elapsed rounded to cents, in plain SQL
want=$(q "WITH d AS (SELECT count(*) FILTER (WHERE g <= '2026-09-15') AS el, count(*) AS tot
                     FROM generate_series(date '2026-07-01', '2026-09-30', '1 day') g
                     WHERE extract(isodow FROM g) < 6 AND g::date NOT IN (SELECT day FROM sales.holidays)),
               a AS (SELECT c.rep_id, sum(o.amount) AS actual FROM sales.orders o JOIN sales.customers c USING (customer_id)
                     WHERE o.ts BETWEEN '2026-07-01' AND '2026-09-15' GROUP BY 1)
          SELECT string_agg(round(coalesce(a.actual, 0) * d.tot / d.el, 2)::text, ' ' ORDER BY q.rep_id)
          FROM sales.revenue_quotas q LEFT JOIN a USING (rep_id), d WHERE q.period_start = '2026-07-01'")
got=$(sed -n '/^(a) /,/^Q3 has/p' <<<"$out" | awk -F'|' 'NF == 7 && $6 ~ /[0-9]/ { gsub(/ /, "", $6); printf "%s%s", sep, $6; sep = " " }')
[ -n "$want" ] && [ "$got" = "$want" ] && ok "(a) forecasts = round(actual * total / elapsed, 2) in plain SQL" \
	|| bad "(a) forecasts = plain-SQL run rate" "want $want got $got"
grep -q 'Лучшие клиенты' <<<"$out" && grep -q 'Угасающие' <<<"$out" && ok "demo.sql shows Russian labels" \
	|| bad "demo.sql shows Russian labels"
# (n): the forecast per rep against plain SQL over the same deals: expected
# is the exact weighted pipeline, quantiles ordered and within [0, sum],
# and a rep already over quota has chance 1
check "pipeline forecast per rep: expected = round(sum(amount * p::numeric), 2), p10 <= p50 <= p90 <= open sum, chance in [0, 1], 1 when over quota" \
	"WITH q AS (SELECT q.rep_id, q.quota, coalesce(sum(o.amount), 0) AS closed
	            FROM sales.revenue_quotas q JOIN sales.customers c USING (rep_id)
	            LEFT JOIN sales.orders o ON o.customer_id = c.customer_id AND o.ts BETWEEN '2026-07-01' AND '2026-09-15'
	            WHERE q.period_start = '2026-07-01' GROUP BY q.rep_id, q.quota),
	      d AS (SELECT rep_id, amount, close_probability(agreement, objections) AS p FROM sales.deals),
	      f AS (SELECT d.rep_id, q.quota, q.closed, pipeline_forecast(d.amount, d.p, q.quota - q.closed) AS f,
	                   round(sum(d.amount * d.p::numeric) FILTER (WHERE d.p IS NOT NULL), 2) AS weighted,
	                   sum(d.amount) FILTER (WHERE d.p IS NOT NULL) AS open_sum
	            FROM d JOIN q USING (rep_id) GROUP BY d.rep_id, q.quota, q.closed)
	 SELECT count(*) > 0 AND bool_and((f).expected = weighted AND (f).p10 <= (f).p50 AND (f).p50 <= (f).p90
	        AND (f).p90 <= open_sum AND (f).p_target BETWEEN 0 AND 1
	        AND (closed < quota OR (f).p_target = 1)) FROM f"
# the segmentation view demo.sql leaves behind, against the plain-SQL rules
check "kinetic segment of the view = the plain-SQL rule of SPEC section 4, every customer" \
	"SELECT count(*) = $customers AND bool_and(s.kinetic IS NOT DISTINCT FROM k.segment)
	 FROM sales.customer_segments s JOIN kin_seg k USING (customer_id)"
check "ABC class of the view = the SQL window rule of SPEC section 3, every customer" \
	"SELECT bool_and(abc IS NOT DISTINCT FROM rule) FROM (
	   SELECT abc, CASE WHEN monetary IS NULL THEN NULL WHEN monetary <= 0 THEN 'C'
	               WHEN sum(greatest(monetary, 0)) OVER (ORDER BY monetary DESC) <= 0.8 * sum(greatest(monetary, 0)) OVER () THEN 'A'
	               WHEN sum(greatest(monetary, 0)) OVER (ORDER BY monetary DESC) <= 0.95 * sum(greatest(monetary, 0)) OVER () THEN 'B'
	               ELSE 'C' END AS rule FROM sales.customer_segments) s"

# the heat matrix in long form (README "Getting started"), against plain SQL
# over the orders: the windows of the kinetic rule, for lost customers the 90
# days up to their last order, zones by SPEC section 6 (tolerance 0.1)
q "CREATE VIEW heat_ref AS
   WITH cust AS (
       SELECT s.customer_id, s.kinetic, s.abc,
              (SELECT coalesce(sum(o.amount), 0) FROM sales.orders o WHERE o.customer_id = s.customer_id
                 AND o.ts > date '2026-09-30' - 90 AND o.ts <= '2026-09-30') AS rr,
              (SELECT coalesce(sum(o.amount), 0) FROM sales.orders o WHERE o.customer_id = s.customer_id
                 AND o.ts > date '2026-09-30' - 180 AND o.ts <= date '2026-09-30' - 90) AS rp,
              (SELECT coalesce(sum(o.amount), 0) FROM sales.orders o WHERE o.customer_id = s.customer_id
                 AND o.ts <= '2026-09-30'
                 AND o.ts > (SELECT max(ts) FROM sales.orders l WHERE l.customer_id = s.customer_id
                             AND l.ts <= '2026-09-30') - 90) AS r_last
       FROM sales.customer_segments s),
   cells AS (
       SELECT kinetic, abc, count(*) AS customers, sum(rr) AS rr,
              sum(CASE WHEN kinetic = 'lost' THEN r_last ELSE rp END) AS rp
       FROM cust GROUP BY kinetic, abc)
   SELECT kinetic, abc, customers, rr, rp,
          CASE WHEN rr < rp * 0.9 THEN 'red' WHEN rr > rp * 1.1 THEN 'green' ELSE 'amber' END AS zone
   FROM cells"
check "heat matrix: one row per kinetic x ABC cell, customers, revenues and zone = plain SQL" \
	"SELECT count(*) = (SELECT count(*) FROM heat_ref) AND count(*) >= 15
	        AND bool_and(h.customers = r.customers AND h.revenue_recent = r.rr AND h.revenue_prior = r.rp
	                     AND h.zone = r.zone)
	 FROM sales.heat_matrix h JOIN heat_ref r USING (kinetic, abc)" \
	"SELECT h.kinetic, h.abc, h.customers, r.customers, h.revenue_prior, r.rp, h.zone, r.zone
	 FROM sales.heat_matrix h FULL JOIN heat_ref r USING (kinetic, abc)"
check "heat matrix: lost customers are red with the revenue they stopped bringing, not amber 0/0" \
	"SELECT count(*) = 3 AND bool_and(zone = 'red' AND revenue_recent = 0 AND revenue_prior > 0)
	 FROM sales.heat_matrix WHERE kinetic = 'lost'"
check "heat matrix: ranks and colours are the label catalog's" \
	"SELECT bool_and(h.kinetic_rank = k.rank AND h.zone_rank = z.rank AND h.color = z.color
	                 AND h.color ~ '^#[0-9a-f]{6}\$')
	 FROM sales.heat_matrix h JOIN quota_labels k ON k.kind = 'kinetic' AND k.code = h.kinetic
	 JOIN quota_labels z ON z.kind = 'heat' AND z.code = h.zone"
before=$(q "SELECT md5(string_agg(h::text, ';' ORDER BY kinetic_rank, abc)) FROM sales.heat_matrix h")
if q "REFRESH MATERIALIZED VIEW CONCURRENTLY sales.customer_segments" &&
	[ "$(q "SELECT md5(string_agg(h::text, ';' ORDER BY kinetic_rank, abc)) FROM sales.heat_matrix h")" = "$before" ]; then
	ok "REFRESH MATERIALIZED VIEW CONCURRENTLY sales.customer_segments (unique index), same heat matrix after"
else bad "REFRESH MATERIALIZED VIEW CONCURRENTLY sales.customer_segments"; fi
n=$(sed -n '/^(j) /,/^(k) /p' <<<"$out" | grep -cE '^ (new|growing|returning|steady|fading|lost) +\|')
[ "$n" = "$(q 'SELECT count(*) FROM sales.heat_matrix')" ] && ok "(j) prints the heat matrix's $n rows" \
	|| bad "(j) prints the heat matrix rows" "$n"

# ramped quotas (SPEC section 12) against the plain-SQL rule, day by day
check "reps hired in 2026: two; the others keep the full quota" \
	"SELECT count(DISTINCT r.rep_id) FILTER (WHERE r.hired >= '2026-01-01') = 2
	        AND bool_and(q.quota = q.full_quota) FILTER (WHERE r.hired < '2026-01-01')
	 FROM sales.revenue_quotas q JOIN sales.reps r USING (rep_id)"
check "ramped quotas of the new reps = the day-by-day rule (ramp 0.25/0.5/0.75, holidays)" \
	"SELECT bool_and(q.quota = x.rule) AND count(*) = 8
	 FROM sales.revenue_quotas q JOIN sales.reps r USING (rep_id)
	 CROSS JOIN LATERAL (
	   SELECT round(q.full_quota * sum(CASE WHEN d < r.hired THEN 0
	                WHEN d < r.hired + interval '1 month' THEN 0.25
	                WHEN d < r.hired + interval '2 months' THEN 0.5
	                WHEN d < r.hired + interval '3 months' THEN 0.75 ELSE 1 END) / count(*), 2) AS rule
	   FROM generate_series(q.period_start, q.period_end, interval '1 day') g(d)
	   WHERE extract(isodow FROM d) < 6 AND d::date NOT IN (SELECT day FROM sales.holidays)) x
	 WHERE r.hired >= '2026-01-01'" \
	"SELECT rep_id, period_start, full_quota, quota FROM sales.revenue_quotas q JOIN sales.reps r USING (rep_id) WHERE r.hired >= '2026-01-01'"
# the nightly pattern: the current-segments table after last night's and tonight's upserts
q "CREATE VIEW kin_moves AS
   SELECT s.customer_id, y.seg AS yesterday, s.kinetic AS today
   FROM sales.customer_segments s
   JOIN (SELECT customer_id, (rfm_kinetic(ts, amount, '2026-09-29')).segment AS seg
         FROM sales.orders GROUP BY customer_id) y USING (customer_id)"
check "trigger flag_segment_change is attached to sales.customer_kinetic" \
	"SELECT count(*) = 1 FROM pg_trigger WHERE tgrelid = 'sales.customer_kinetic'::regclass AND NOT tgisinternal"
check "current segments = the segment view, every customer" \
	"SELECT count(*) = $customers AND bool_and(k.kinetic IS NOT DISTINCT FROM s.kinetic)
	 FROM sales.customer_kinetic k JOIN sales.customer_segments s USING (customer_id)"
check "previous and direction = yesterday's segment and the rank change (plain SQL over quota_labels)" \
	"SELECT bool_and(k.kinetic_previous IS NOT DISTINCT FROM CASE WHEN m.yesterday IS DISTINCT FROM m.today THEN m.yesterday END
	                 AND k.kinetic_direction IS NOT DISTINCT FROM
	                     CASE WHEN m.yesterday IS NOT DISTINCT FROM m.today THEN NULL
	                          WHEN ly.rank > lt.rank THEN 'up' WHEN ly.rank < lt.rank THEN 'down' END)
	 FROM sales.customer_kinetic k JOIN kin_moves m USING (customer_id)
	 LEFT JOIN quota_labels ly ON ly.kind = 'kinetic' AND ly.code = m.yesterday
	 LEFT JOIN quota_labels lt ON lt.kind = 'kinetic' AND lt.code = m.today"
check "some customers moved down overnight, some up, most not at all" \
	"SELECT count(*) FILTER (WHERE kinetic_direction = 'down') > 0 AND count(*) FILTER (WHERE kinetic_direction = 'up') > 0
	        AND count(*) FILTER (WHERE kinetic_direction IS NULL) > $customers / 2 FROM sales.customer_kinetic"
down=$(q "SELECT count(*) FROM kin_moves m JOIN quota_labels ly ON ly.kind = 'kinetic' AND ly.code = m.yesterday
          JOIN quota_labels lt ON lt.kind = 'kinetic' AND lt.code = m.today WHERE lt.rank > ly.rank")
grep -A3 '^(l) ' <<<"$out" | grep -qE "^ +$down \| " && ok "morning list counts the $down moves down" \
	|| bad "morning list counts the moves down" "want $down: $(grep -A3 '^(l) ' <<<"$out" | tail -1)"

# --- the funnel (scripts/demo_funnel.sql, SPEC §13) ------------------------------------
fout=$(psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$root/scripts/demo_funnel.sql" 2>&1)
if [ $? -eq 0 ] && ! grep -q ERROR <<<"$fout" && [ "$(grep -cE '^\(([o-q])\) ' <<<"$fout")" -eq 3 ]; then
	ok "demo_funnel.sql runs and prints (o) to (q)"
else bad "demo_funnel.sql runs and prints (o) to (q)" "$(grep -m3 ERROR <<<"$fout")"; fi
check "funnel: the Q3 cohort's conversion is within 0.05 of the generator's true rate at every stage, conversion_naive below it" \
	"SELECT count(*) = 4 AND bool_and(abs(f.conversion - t.rate) < 0.05 AND f.conversion_naive < f.conversion)
	 FROM (SELECT stage_funnel(deal_id, stage, entered_on, closed_on, won, DATE '2026-09-15') AS a
	       FROM sales.stage_history WHERE created_on >= '2026-07-01') q
	 CROSS JOIN LATERAL unnest(q.a) f JOIN sales.stage_truth t USING (stage)"
check "funnel: entered per stage = deals whose highest stage is at least it, in plain SQL" \
	"WITH d AS (SELECT deal_id, max(stage) AS h FROM sales.stage_history WHERE created_on >= '2026-07-01' GROUP BY deal_id)
	 SELECT bool_and(f.entered = (SELECT count(*) FROM d WHERE d.h >= f.stage))
	 FROM (SELECT stage_funnel(deal_id, stage, entered_on, closed_on, won, DATE '2026-09-15') AS a
	       FROM sales.stage_history WHERE created_on >= '2026-07-01') q CROSS JOIN LATERAL unnest(q.a) f"
# scripts/demo_calibration.sql (SPEC §15): runs after demo.sql, adds sales.closed_deals
out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v as_of=2026-09-15 -f "$root/scripts/demo_calibration.sql" 2>&1)
if [ $? -eq 0 ] && ! grep -q ERROR <<<"$out"; then ok "demo_calibration.sql runs without error"
else bad "demo_calibration.sql runs without error" "$(grep -m3 ERROR <<<"$out")"; fi
n=$(grep -cE '^\((a|b|c|d)\) ' <<<"$out")
[ "$n" -eq 4 ] && ok "demo_calibration.sql prints sections (a) to (d)" || bad "demo_calibration.sql prints sections (a) to (d)" "$n found"
check "closed deals: 12 a rep a quarter over 8 quarters, closed within their quarter" \
	"SELECT count(*) = 96 * (SELECT count(*) FROM sales.reps) AND min(closed_on) >= '2024-10-01' AND max(closed_on) < '2026-10-01'
	        AND bool_and(created_on < closed_on) FROM sales.closed_deals"
check "the generator's truth: deals with no objection left are won about 85 % of the time" \
	"SELECT avg(won::int) BETWEEN 0.75 AND 0.95 FROM sales.closed_deals WHERE objections = 0 AND agreement > 0"
check "the isotonic map lowers the in-sample Brier score of close_probability" \
	"SELECT (win_calibration(isotonic_predict(m, p), won)).brier < (win_calibration(p, won)).brier
	 FROM (SELECT close_probability(agreement, objections) AS p, won FROM sales.closed_deals) d,
	      (SELECT isotonic_fit(close_probability(agreement, objections), won) AS m FROM sales.closed_deals) f"
grep -A4 '^all four quarters:' <<<"$out" | grep -qE '^ (isotonic|L/\(1\+L\)) +\| +40 \|' \
	&& ok "backtest: 4 quarters x 10 reps per probability" || bad "backtest: 4 quarters x 10 reps" "$(grep -A4 '^all four quarters:' <<<"$out")"
# --- SPEC §16: scripts/demo_quarter.sql (after demo.sql, as scripts/demo.sh runs it) ---
qout=$(psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$root/scripts/demo_quarter.sql" 2>&1)
if [ $? -eq 0 ] && ! grep -q ERROR <<<"$qout"; then ok "demo_quarter.sql runs without error"
else bad "demo_quarter.sql runs without error" "$(grep -m3 ERROR <<<"$qout")"; fi
n=$(grep -cE '^\(q[1-5]\) ' <<<"$qout")
[ "$n" -eq 5 ] && ok "demo_quarter.sql prints sections (q1) to (q5)" || bad "demo_quarter.sql prints sections (q1) to (q5)" "$n found"
check "(q1) the late-booking rep's Q2 lies after quota_steps' second due date (plain SQL)" \
	"SELECT bool_and(booked > (SELECT due FROM quota_steps(1, '2026-04-01', '2026-06-30', 3,
	                                   (SELECT array_agg(day ORDER BY day) FROM sales.holidays)) WHERE step = 2))
	 FROM sales.bookings WHERE rep_id = 4 AND booked BETWEEN '2026-04-01' AND '2026-06-30'"
grep -E '^ Dmitri Smith ' <<<"$qout" | grep -q '0.00 / 0.00 / 1.00 .*hockey stick' \
	&& ok "(q1) shows the late-booking rep's quarter as a hockey stick" \
	|| bad "(q1) shows the hockey stick" "$(grep -m1 -E '^ Dmitri Smith ' <<<"$qout")"
grep -A3 'to_the_cent' <<<"$qout" | grep -qE '\| t$' && ok "(q3) the Q4 allocation sums to the company number to the cent" \
	|| bad "(q3) the Q4 allocation sums to the company number" "$(grep -A3 to_the_cent <<<"$qout")"
# --- the deal diary (scripts/demo_diary.sql) ----------------------------------------
out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$root/scripts/demo_diary.sql" 2>&1)
if [ $? -eq 0 ] && ! grep -q ERROR <<<"$out"; then ok "demo_diary.sql runs without error"
else bad "demo_diary.sql runs without error" "$(grep -m3 ERROR <<<"$out")"; fi
check "diary: the trigger's warnings are deal_warnings(current_date, ...) on every deal" \
	"SELECT bool_and(warnings IS NOT DISTINCT FROM deal_warnings(current_date, next_contact, problem, promise_due,
	        temperature, lift, last_activity, stage_entered, 30, close_date, pushes, contacts)) FROM sales.deals"
# the per-warning counts of section (o), as of 2026-09-15, against plain SQL
for rule in "1|next_contact < date '2026-09-15'" "5|lift < 0.4" "7|last_activity < date '2026-09-01'" \
	"9|pushes >= 2" "13|lift IS NULL"; do
	rank=${rule%%|*}
	want=$(q "SELECT count(*) FROM sales.deals WHERE ${rule#*|}")
	grep -A16 '^(o) ' <<<"$out" | grep -qE "^ +$rank \|.*\| +$want\$" && ok "diary: (o) rank $rank counts $want deals (${rule#*|})" \
		|| bad "diary: (o) rank $rank counts $want deals" "$(grep -A16 '^(o) ' <<<"$out" | grep -E "^ +$rank \|")"
done
grep -q 'Просрочен контакт' <<<"$out" && grep -q 'Follow-up overdue' <<<"$out" \
	&& ok "diary: the morning list in English and Russian" || bad "diary: the morning list in English and Russian"

cleanup
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
