#!/usr/bin/env bash
# test/demo.sh: checks scripts/gen_data.sql and scripts/demo.sql against a
# running server (scripts/test.sh exports PGHOST/PGPORT/PGUSER; quota_ext is
# installed).  Works in a scratch database it drops at the end; ends with
# "N passed, N failed".
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
	        AND bool_and(period_end = (period_start + interval '3 months - 1 day')::date AND quota > 0
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
n=$(grep -cE '^\((a|b|c|d|e|f|g|h|i|j|k)\) ' <<<"$out")
[ "$n" -eq 11 ] && ok "demo.sql prints sections (a) to (k)" || bad "demo.sql prints sections (a) to (k)" "$n found"
# (k): the forecast per rep against plain SQL over the same deals: expected
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

cleanup
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
