#!/usr/bin/env bash
# qx-tier: once
# test/dashboard.sh: the head-of-sales dashboard in examples/dashboard/
# (Observable Framework, charts with Observable Plot) over the demo database,
# end to end: generates the demo data and runs scripts/demo.sql (with the
# customer base as of the same day as the quota position), demo_margin.sql
# demo_funnel.sql, demo_calibration.sql, demo_quarter.sql and
# demo_diary.sql -- the files
# scripts/demo.sh runs -- in a scratch
# database, installs the dashboard's npm packages (npm ci, from the lock
# file), builds the site with telemetry off in a network namespace without
# network (so no import can be fetched), serves dist/ on 127.0.0.1, and opens
# the English, Russian and Bulgarian pages and two reps' pages in Debian's
# headless Chromium (examples/dashboard/check.mjs): no console error, no
# request outside the local server, every figure equal to the value computed
# here in plain SQL, rows in the label catalog's order, chart marks in the
# catalog's colours, the rep and week filters, and every chart drawn at phone
# width (390 px) without sideways scrolling.  Independent formulations: the
# forecast (chance, commit, best case; per rep, for the team and per week)
# from the distribution of the open deals built in a recursive query, not
# pipeline_forecast; the funnel with window functions and a Kaplan-Meier
# product, not stage_funnel; margin with sum() and percentile_cont, not
# price_realization; lead load with count() and sum(), not lead_load; the
# calibration bins and scores with avg() and count(), not win_calibration;
# the last quarter's thirds, last five days and weekly Gini with sum() over
# the counted days and a pairwise sum, not booking_rhythm; the morning list
# with SPEC §14's warning rules written as predicates, not deal_warnings.
# Screenshots are kept in $QX_DASHBOARD_SHOTS when set (screenshot.png:
# English desktop, screenshot-ru.png, screenshot-bg-phone.png: Bulgarian at
# 390 px); they are committed in examples/dashboard/ for doc/demo.md.  Needs
# node >= 18 with npm and the chromium package.  Ends with "N passed, N failed".
# qx-tier: once
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/test/lib/suite.sh"
dash=$root/examples/dashboard
db=quota_ext_dashboard_$$
passed=0
failed=0
t0=$(date +%s)

ok()  { passed=$((passed + 1)); echo "ok   - $1"; }
bad() { failed=$((failed + 1)); echo "FAIL - $1${2:+: $2}"; }
finish() { echo "# dashboard suite: $(($(date +%s) - t0)) s"; echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }

server_pid=
shots=${QX_DASHBOARD_SHOTS:-}
tmp=$(mktemp -d /tmp/qx_dashboard.XXXXXX)
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	dropdb --if-exists "$db" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

for cmd in node npm chromium; do
	command -v $cmd >/dev/null || { bad "$cmd installed (apt-get install chromium; node >= 18 with npm)"; finish; }
done

if createdb "$db" && q -c 'CREATE EXTENSION quota_ext' &&
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v customers=1000 -v seed=0.42 -f "$root/scripts/gen_data.sql" &&
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v as_of=2026-09-15 -v seg_as_of=2026-09-15 -f "$root/scripts/demo.sql" >/dev/null &&
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v as_of=2026-09-15 -v seed=0.42 -f "$root/scripts/demo_margin.sql" >/dev/null &&
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v as_of=2026-09-15 -f "$root/scripts/demo_funnel.sql" >/dev/null &&
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v as_of=2026-09-15 -f "$root/scripts/demo_calibration.sql" >/dev/null &&
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v as_of=2026-09-15 -f "$root/scripts/demo_quarter.sql" >/dev/null 2>>"$tmp/demo.err" &&
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v as_of=2026-09-15 -f "$root/scripts/demo_diary.sql" >/dev/null 2>>"$tmp/demo.err"; then
	ok "demo database: gen_data.sql (1000 customers), demo.sql (customer base as of 2026-09-15), demo_margin.sql, demo_funnel.sql, demo_calibration.sql, demo_quarter.sql, demo_diary.sql"
else bad "demo database" "$(grep -v NOTICE "$tmp/demo.err" 2>/dev/null | tail -3)"; finish; fi

# npm ci when node_modules is missing or older than the lock file
if qx_dashboard_npm "$tmp/npm.log"; then ok "npm packages installed from the lock file (Observable Framework, pg)"
else bad "npm ci" "$(tail -5 "$tmp/npm.log")"; finish; fi

# build without network when a network namespace can be made (root)
netns=()
unshare -n true 2>/dev/null && netns=(unshare -n)
rm -rf "$dash/dist" "$dash/src/.observablehq"   # no cached data loader output
# telemetry: off (OBSERVABLE_TELEMETRY_DISABLE, here and in package.json's
# build script); OBSERVABLE_TELEMETRY_DEBUG makes Framework print every
# event it would send ("[telemetry]", and its first-run "Attention" banner)
# instead of sending it, so an empty log proves nothing was to be sent
if (cd "$dash" && PGDATABASE=$db QX_AS_OF=2026-09-15 OBSERVABLE_TELEMETRY_DISABLE=true OBSERVABLE_TELEMETRY_DEBUG=true \
	"${netns[@]}" npm run build >"$tmp/build.log" 2>&1); then
	ok "observable build${netns:+ without network (unshare -n)}"
else bad "observable build" "$(grep -v '^load\|^  \|_node/' "$tmp/build.log" | tail -8)"; finish; fi
grep -q 'OBSERVABLE_TELEMETRY_DISABLE=true observable build' "$dash/package.json" &&
	! grep -q '\[telemetry\]\|Attention:' "$tmp/build.log" && ok "telemetry off: the build script disables it and no event was recorded" \
	|| bad "telemetry off" "$(grep -m3 'telemetry\|Attention' "$tmp/build.log")"
grep -q '→ npm:\|fetch failed' "$tmp/build.log" && bad "build asked the npm registry for nothing" "$(grep -m3 'npm:' "$tmp/build.log")" \
	|| ok "build asked the npm registry for nothing"
ext=$(grep -rhoE '(https?:)?//[a-zA-Z0-9.-]+\.[a-z]{2,}[/"'"'"']' "$dash/dist" | grep -v '//www\.w3\.org' | sort -u | head -5)
[ -z "$ext" ] && ok "built site names no external host (fonts, CDN)" || bad "built site names no external host" "$ext"

# serve dist/ on 127.0.0.1, a free port
/usr/bin/python3 - "$dash/dist" "$tmp/port" >"$tmp/server.log" 2>&1 <<'PY' &
import functools, http.server, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
open(sys.argv[2], "w").write(str(httpd.server_address[1]))
httpd.serve_forever()
PY
server_pid=$!
for _ in $(seq 600); do [ -s "$tmp/port" ] && break; sleep 0.1; done	# up to 60 s: a busy machine
port=$(cat "$tmp/port" 2>/dev/null)
[ -n "$port" ] && ok "dist/ served on 127.0.0.1:$port" || { bad "static server"; finish; }

# what each page must show, in plain SQL (quota_ext only for the label catalog):
# money rounded as shown; ratios ("float") unrounded, the shown value within
# half a unit of its last digit (forecast: of the cents derived money gives)
q -f - >"$tmp/expected.json" 2>"$tmp/expected.err" <<'SQL'
-- as_of and the quarter: the same day for the quota position, the funnel
-- and the customer base (the demo database was built with seg_as_of = as_of)
WITH RECURSIVE d AS (SELECT count(*) FILTER (WHERE g <= '2026-09-15') AS el, count(*) AS tot
           FROM generate_series(date '2026-07-01', '2026-09-30', '1 day') g
           WHERE extract(isodow FROM g) < 6 AND g::date NOT IN (SELECT day FROM sales.holidays)),
a AS (SELECT c.rep_id, sum(o.amount) AS actual FROM sales.orders o JOIN sales.customers c USING (customer_id)
      WHERE o.ts BETWEEN '2026-07-01' AND '2026-09-15' GROUP BY 1),
p AS (SELECT rep_id, sum(amount) AS open FROM sales.deals GROUP BY 1),
r AS (SELECT q.rep_id, q.quota, coalesce(a.actual, 0) AS actual, coalesce(p.open, 0) AS open, d.el, d.tot,
             CASE WHEN coalesce(a.actual, 0) < q.quota * d.el / d.tot * 0.9 THEN 'red'
                  WHEN coalesce(a.actual, 0) > q.quota * d.el / d.tot * 1.1 THEN 'green' ELSE 'amber' END AS zone
      FROM sales.revenue_quotas q LEFT JOIN a USING (rep_id) LEFT JOIN p USING (rep_id), d
      WHERE q.period_start = '2026-07-01'),
-- will we make the quarter: the distribution of what the open deals bring,
-- built deal by deal as a map from each reachable sum to its probability
-- (P(S = s) after deal i = P(s) (1 - p) + P(s - a) p), not by pipeline_forecast;
-- p = L / (1 + L) with L = agreement / objections (README close_probability);
-- per rep, and for the team (rep_id 0) over all open deals
od0 AS (SELECT rep_id, deal_id, amount,
               CASE WHEN objections = 0 THEN CASE WHEN agreement > 0 THEN 1 ELSE 0 END
                    ELSE (agreement / objections) / (1 + agreement / objections) END AS p
        FROM sales.deals),
od AS (SELECT rep_id, amount, p, row_number() OVER (PARTITION BY rep_id ORDER BY deal_id) AS i FROM od0 WHERE p IS NOT NULL
       UNION ALL
       SELECT 0, amount, p, row_number() OVER (ORDER BY deal_id) FROM od0 WHERE p IS NOT NULL),
grp AS (SELECT rep_id, quota FROM r UNION ALL SELECT 0, sum(quota) FROM r),
dist(rep_id, i, sums, probs) AS (
    SELECT rep_id, 0::bigint, ARRAY[0::numeric], ARRAY[1::float8] FROM grp
    UNION ALL
    SELECT dist.rep_id, dist.i + 1, x.sums, x.probs
    FROM dist JOIN od ON od.rep_id = dist.rep_id AND od.i = dist.i + 1
    CROSS JOIN LATERAL (
        SELECT array_agg(s ORDER BY s), array_agg(pr ORDER BY s)
        FROM (SELECT s, sum(pr) AS pr
              FROM (SELECT u.s, u.pr * (1 - od.p) FROM unnest(dist.sums, dist.probs) u(s, pr)
                    UNION ALL
                    SELECT u.s + od.amount, u.pr * od.p FROM unnest(dist.sums, dist.probs) u(s, pr)) t(s, pr)
              GROUP BY s) g) x(sums, probs)),
cdf AS (SELECT f.rep_id, u.s, u.pr, sum(u.pr) OVER (PARTITION BY f.rep_id ORDER BY u.s) AS c
        FROM (SELECT DISTINCT ON (rep_id) rep_id, sums, probs FROM dist ORDER BY rep_id, i DESC) f,
             unnest(f.sums, f.probs) u(s, pr)),
-- chance P(S >= quota - closed); commit and best case: closed + the smallest s
-- with P(S <= s) >= 0.1 / 0.9 (within 1e-10, README); zone: blue when the
-- commit covers the quota, red when the best case misses it
fc AS (SELECT r.rep_id, r.quota, r.actual,
              CASE WHEN r.quota <= r.actual THEN 1
                   ELSE (SELECT coalesce(sum(pr), 0) FROM cdf WHERE cdf.rep_id = r.rep_id AND s >= r.quota - r.actual) END AS chance,
              r.actual + (SELECT min(s) FROM cdf WHERE cdf.rep_id = r.rep_id AND c >= 0.1 - 1e-10) AS commit,
              r.actual + (SELECT min(s) FROM cdf WHERE cdf.rep_id = r.rep_id AND c >= 0.9 - 1e-10) AS best,
              (SELECT coalesce(sum(amount * p::numeric), 0) FROM od WHERE od.rep_id = r.rep_id) AS weighted
       FROM r),
fcz AS (SELECT fc.*, CASE WHEN commit >= quota THEN 'green' WHEN best < quota THEN 'red' ELSE 'amber' END AS zone FROM fc),
-- the weekly trend: every Sunday of the quarter up to as_of, and as_of;
-- closed to that day, attainment, and the chance from that day's gap
wk AS (SELECT g::date AS day FROM generate_series(date '2026-07-01', '2026-09-15', '1 day') g
       WHERE extract(isodow FROM g) = 7 OR g = '2026-09-15'),
tr AS (SELECT w.day, g.rep_id, g.quota, cl.closed, cl.closed / g.quota AS attain,
              CASE WHEN g.quota <= cl.closed THEN 1
                   ELSE (SELECT coalesce(sum(pr), 0) FROM cdf WHERE cdf.rep_id = g.rep_id AND s >= g.quota - cl.closed) END AS chance
       FROM wk w CROSS JOIN grp g
       CROSS JOIN LATERAL (SELECT coalesce(sum(o.amount), 0) AS closed FROM sales.orders o JOIN sales.customers c USING (customer_id)
                           WHERE o.ts BETWEEN '2026-07-01' AND w.day AND (g.rep_id = 0 OR c.rep_id = g.rep_id)) cl),
deals AS (SELECT row_number() OVER (ORDER BY amount DESC, deal_id) AS i, deal_id, amount,
                 CASE WHEN objections = 0 THEN NULL ELSE agreement / objections END AS lift
          FROM sales.deals WHERE needs_reanimation ORDER BY amount DESC, deal_id LIMIT 12),
seg AS (SELECT monetary, CASE
          WHEN r = 5 AND f = 5 AND m = 5 THEN 'Champions'
          WHEN r BETWEEN 3 AND 5 AND f BETWEEN 3 AND 5 AND m BETWEEN 2 AND 5 THEN 'Potential Loyalist'
          WHEN r BETWEEN 2 AND 4 AND f BETWEEN 2 AND 4 AND m BETWEEN 2 AND 4 THEN 'Loyal Customers'
          WHEN r BETWEEN 3 AND 4 AND f BETWEEN 1 AND 3 AND m BETWEEN 3 AND 5 THEN 'Promising'
          WHEN r BETWEEN 4 AND 5 AND f BETWEEN 1 AND 3 THEN 'New Customers'
          WHEN r BETWEEN 1 AND 2 AND f BETWEEN 3 AND 4 AND m BETWEEN 4 AND 5 THEN 'Can''t Lose Them'
          WHEN r BETWEEN 1 AND 2 AND f BETWEEN 2 AND 5 AND m BETWEEN 4 AND 5 THEN 'At Risk'
          WHEN r BETWEEN 1 AND 3 AND f BETWEEN 3 AND 5 AND m BETWEEN 3 AND 5 THEN 'Need Attention'
          WHEN r BETWEEN 2 AND 3 AND f BETWEEN 1 AND 3 AND m BETWEEN 1 AND 4 THEN 'About To Sleep'
          WHEN r = 1 THEN 'Lost' ELSE 'Others' END AS code
        FROM sales.customer_segments WHERE r IS NOT NULL),
rfm AS (SELECT l.rank, l.code, count(s.code) AS n, coalesce(sum(s.monetary), 0) AS rev
        FROM quota_labels l LEFT JOIN seg s USING (code) WHERE l.kind = 'rfm' GROUP BY l.rank, l.code),
cust AS (SELECT s.kinetic, s.abc,
                (SELECT coalesce(sum(o.amount), 0) FROM sales.orders o WHERE o.customer_id = s.customer_id
                   AND o.ts > date '2026-09-15' - 90 AND o.ts <= '2026-09-15') AS rr,
                CASE WHEN s.kinetic = 'lost' THEN
                     (SELECT coalesce(sum(o.amount), 0) FROM sales.orders o WHERE o.customer_id = s.customer_id
                        AND o.ts <= '2026-09-15'
                        AND o.ts > (SELECT max(ts) FROM sales.orders l WHERE l.customer_id = s.customer_id
                                    AND l.ts <= '2026-09-15') - 90)
                ELSE (SELECT coalesce(sum(o.amount), 0) FROM sales.orders o WHERE o.customer_id = s.customer_id
                        AND o.ts > date '2026-09-15' - 180 AND o.ts <= date '2026-09-15' - 90) END AS rp
         FROM sales.customer_segments s WHERE s.kinetic IS NOT NULL),
cells AS (SELECT kinetic, abc, count(*) AS n, sum(rr) AS rr, sum(rp) AS rp,
                 CASE WHEN sum(rr) < sum(rp) * 0.9 THEN 'red' WHEN sum(rr) > sum(rp) * 1.1 THEN 'green'
                      ELSE 'amber' END AS zone
          FROM cust GROUP BY kinetic, abc),
-- the funnel of the quarter's cohort, from the stage history with window
-- functions (not stage_funnel): a deal's highest stage h; entered = h >= s,
-- advanced = h > s, won / lost / open at h = s; team (0) and per rep
sh AS (SELECT rep_id AS g, * FROM sales.stage_history WHERE created_on >= '2026-07-01'
       UNION ALL SELECT 0, * FROM sales.stage_history WHERE created_on >= '2026-07-01'),
dh AS (SELECT DISTINCT g, deal_id, max(stage) OVER (PARTITION BY g, deal_id) AS h, won FROM sh),
st AS (SELECT DISTINCT g, stage FROM sh),
fun AS (SELECT st.g, st.stage, count(*) FILTER (WHERE dh.h >= st.stage) AS entered,
               count(*) FILTER (WHERE dh.h > st.stage) AS adv,
               count(*) FILTER (WHERE dh.h = st.stage AND dh.won) AS won,
               count(*) FILTER (WHERE dh.h = st.stage AND NOT dh.won) AS lost,
               count(*) FILTER (WHERE dh.h = st.stage AND dh.won IS NULL) AS open
        FROM st JOIN dh USING (g) GROUP BY st.g, st.stage),
-- days in stage: each row a spell to the deal's next row (by entered_on, then
-- stage), else to closed_on, else censored at as_of; Kaplan-Meier
-- S(t) = prod over event times u <= t of (1 - d_u / n_u), n_u the spells at
-- least u long; median: the first t with S(t) <= 0.5 (relative 1e-9)
sp AS (SELECT g, stage, coalesce(lead(entered_on) OVER w, closed_on, date '2026-09-15') - entered_on AS t,
              (lead(entered_on) OVER w IS NOT NULL OR closed_on IS NOT NULL) AS ev
       FROM sh WINDOW w AS (PARTITION BY g, deal_id ORDER BY entered_on, stage)),
km0 AS (SELECT g, stage, t, count(*) FILTER (WHERE ev) AS d, count(*) AS m FROM sp GROUP BY g, stage, t),
km1 AS (SELECT g, stage, t, d, sum(m) OVER (PARTITION BY g, stage ORDER BY t DESC) AS n FROM km0),
km2 AS (SELECT g, stage, t,
               CASE WHEN bool_or(d = n) OVER w THEN 0
                    ELSE exp(sum(ln(CASE WHEN d < n THEN 1 - d::float8 / n ELSE 1 END)) OVER w) END AS s
        FROM km1 WHERE d > 0 WINDOW w AS (PARTITION BY g, stage ORDER BY t)),
km AS (SELECT g, stage, min(t) FILTER (WHERE s <= 0.5 * (1 + 1e-9)) AS med FROM km2 GROUP BY g, stage),
funk AS (SELECT fun.*, CASE WHEN adv + won + lost > 0 THEN (adv + won)::numeric / (adv + won + lost) END AS conv, km.med
         FROM fun LEFT JOIN km USING (g, stage)),
-- margin of the open deals with sum() and percentile_cont; lead load with
-- count() and sum() over the quarter so far and Q2 to the same day
mg AS (SELECT rep_id, sum(amount) / sum(list_amount) AS real,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY (1 - amount / list_amount)::float8) AS p50,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY (1 - amount / list_amount)::float8) AS p90,
              count(*) FILTER (WHERE (list_amount - amount) / list_amount > 0.25) AS over,
              sum(amount - cost) FILTER (WHERE cost IS NOT NULL) / sum(amount) FILTER (WHERE cost IS NOT NULL) AS pocket
       FROM sales.deals GROUP BY rep_id),
llp AS (SELECT rep_id, created_on BETWEEN '2026-07-01' AND '2026-09-15' AS cur, count(*) AS leads,
               count(*) FILTER (WHERE first_touch_on - created_on <= 1) AS sla,
               coalesce(sum(amount) FILTER (WHERE won), 0) AS rev
        FROM sales.lead_flow
        WHERE created_on BETWEEN '2026-07-01' AND '2026-09-15' OR created_on BETWEEN '2026-04-01' AND date '2026-04-01' + 76
        GROUP BY 1, 2),
ll AS (SELECT c.rep_id, c.leads, p.leads AS pleads, c.sla, round(c.rev / c.leads, 2) AS rpl,
              CASE WHEN p.leads = 0 OR p.rev = 0 THEN NULL
                   WHEN c.leads >= p.leads * 1.2 AND c.rev / c.leads <= p.rev / p.leads * 0.8 THEN 'scattered'
                   WHEN c.rev >= p.rev * 1.2 THEN 'growing'
                   WHEN c.rev <= p.rev * 0.8 THEN 'shrinking' ELSE 'steady' END AS trend
       FROM llp c JOIN llp p ON p.rep_id = c.rep_id AND c.cur AND NOT p.cur),
-- calibration of close_probability on the closed deals: bins (i-1)/10 < p <= i/10
-- (the first also p = 0; edge i as i * (1.0 / 10), as numpy.linspace), with
-- avg() and count(), not win_calibration
cp AS (SELECT CASE WHEN objections = 0 THEN CASE WHEN agreement > 0 THEN 1 ELSE 0 END
                   ELSE (agreement / objections) / (1 + agreement / objections) END::float8 AS p,
              won::int AS y
       FROM sales.closed_deals),
cb AS (SELECT greatest(1, (SELECT min(i) FROM generate_series(1, 10) i WHERE cp.p <= i * (1.0::float8 / 10))) AS bin, p, y FROM cp),
cal AS (SELECT bin, count(*) AS n, avg(p) AS mp, avg(y) AS wr FROM cb GROUP BY bin),
calr AS (SELECT bin, n, mp, wr, row_number() OVER (ORDER BY bin) AS i FROM cal),
cals AS (SELECT count(*) AS n, avg((p - y) ^ 2) AS brier FROM cp),
calece AS (SELECT sum(calr.n::float8 / cals.n * abs(calr.mp - calr.wr)) AS ece FROM calr, cals),
-- the last quarter's shape (Q2 2026) from sales.bookings with sum() and the
-- Gini written out, not booking_rhythm: counted days (weekdays, not holidays)
-- numbered 1..tot; thirds cut at the counted days ceil(tot k / 3); the last
-- five days from the counted day tot - 4; weeks: every Monday-based week
-- touching the quarter, zero weeks included
cdays AS (SELECT g::date AS day, row_number() OVER (ORDER BY g) AS k, count(*) OVER () AS tot
          FROM generate_series(date '2026-04-01', '2026-06-30', '1 day') g
          WHERE extract(isodow FROM g) < 6 AND g::date NOT IN (SELECT day FROM sales.holidays)),
cuts AS (SELECT max(day) FILTER (WHERE k = ceil(tot / 3.0)) AS d1, max(day) FILTER (WHERE k = ceil(tot * 2 / 3.0)) AS d2,
                max(day) FILTER (WHERE k = tot - 4) AS d5 FROM cdays),
rr AS (SELECT DISTINCT b.rep_id FROM sales.bookings b
       JOIN sales.revenue_quotas q ON q.rep_id = b.rep_id AND q.period_start = '2026-04-01'),
bk AS (SELECT rep_id, amount, booked FROM sales.bookings WHERE booked BETWEEN '2026-04-01' AND '2026-06-30'),
rh AS (SELECT rr.rep_id, coalesce(sum(bk.amount), 0) AS total,
              sum(bk.amount) FILTER (WHERE bk.booked <= cuts.d1) / nullif(sum(bk.amount), 0) AS t1,
              sum(bk.amount) FILTER (WHERE bk.booked > cuts.d1 AND bk.booked <= cuts.d2) / nullif(sum(bk.amount), 0) AS t2,
              sum(bk.amount) FILTER (WHERE bk.booked > cuts.d2) / nullif(sum(bk.amount), 0) AS t3,
              coalesce(sum(bk.amount) FILTER (WHERE bk.booked >= cuts.d5), 0) / nullif(sum(bk.amount), 0) AS last5
       FROM rr CROSS JOIN cuts LEFT JOIN bk USING (rep_id) GROUP BY rr.rep_id),
wks AS (SELECT DISTINCT date_trunc('week', g)::date AS w FROM generate_series(date '2026-04-01', '2026-06-30', '1 day') g),
wt AS (SELECT rr.rep_id, wks.w, coalesce(sum(bk.amount), 0) AS x
       FROM rr CROSS JOIN wks LEFT JOIN bk ON bk.rep_id = rr.rep_id AND date_trunc('week', bk.booked)::date = wks.w
       GROUP BY rr.rep_id, wks.w),
gini AS (SELECT a.rep_id, sum(abs(a.x - b.x)) / nullif(2 * count(*) * avg(a.x), 0) AS gini
         FROM wt a JOIN wt b USING (rep_id) GROUP BY a.rep_id),
rhy AS (SELECT rh.*, coalesce(t1, 0) AS z1, coalesce(t2, 0) AS z2, coalesce(t3, 0) AS z3, gini.gini,
               CASE WHEN coalesce(t3, 0) > 0.6 OR last5 > 0.3 THEN 'hockey' WHEN gini.gini > 0.5 THEN 'lumpy' ELSE 'steady' END AS shape
        FROM rh JOIN gini USING (rep_id)),
-- the morning list: each open deal's warnings by SPEC §14's rules written
-- as predicates (not deal_warnings), in the catalog's rank order; per rep
-- the three deals with the most urgent first warning, then the most warnings
dw AS (SELECT d.rep_id, d.deal_id,
              ARRAY(SELECT l.code FROM quota_labels l WHERE l.kind = 'deal_warning' AND CASE l.code
                      WHEN 'no_next_step' THEN d.next_contact IS NULL
                      WHEN 'next_step_overdue' THEN d.next_contact < date '2026-09-15'
                      WHEN 'no_problem' THEN d.problem IS NULL OR btrim(d.problem) = ''
                      WHEN 'promise_overdue' THEN d.promise_due < date '2026-09-15'
                      WHEN 'no_temperature' THEN d.temperature IS NULL
                      WHEN 'cold' THEN d.temperature = 'cold'
                      WHEN 'reanimation' THEN d.lift < 0.4
                      WHEN 'no_lift' THEN d.lift IS NULL
                      WHEN 'no_activity' THEN d.last_activity < date '2026-09-15' - 14
                      WHEN 'stalled_in_stage' THEN d.stage_entered < date '2026-09-15' - 30
                      WHEN 'past_close_date' THEN d.close_date < date '2026-09-15'
                      WHEN 'pushed' THEN d.pushes >= 2
                      WHEN 'single_threaded' THEN d.contacts <= 1 END
                    ORDER BY l.rank) AS w
       FROM sales.deals d),
wcount AS (SELECT l.code, l.color, count(dw.deal_id) AS n
           FROM quota_labels l LEFT JOIN dw ON l.code = ANY (dw.w) WHERE l.kind = 'deal_warning' GROUP BY l.code, l.color),
mlist AS (SELECT * FROM (SELECT dw.*, row_number() OVER (PARTITION BY rep_id ORDER BY
                                 (SELECT rank FROM quota_labels WHERE kind = 'deal_warning' AND code = w[1]),
                                 cardinality(w) DESC, deal_id) AS n
                         FROM dw WHERE cardinality(w) > 0) x WHERE n <= 3),
shp(lang, code, word) AS (VALUES ('en', 'hockey', 'hockey stick'), ('en', 'lumpy', 'lumpy'), ('en', 'steady', 'steady'),
    ('ru', 'hockey', 'клюшка'), ('ru', 'lumpy', 'рывками'), ('ru', 'steady', 'ровно'),
    ('bg', 'hockey', 'хокейен стик'), ('bg', 'lumpy', 'на пресекулки'), ('bg', 'steady', 'равномерно')),
lang AS (SELECT * FROM (VALUES ('en', 'yes', 'no'), ('ru', 'да', 'нет'), ('bg', 'да', 'не')) v(lang, yes, no)),
lbl AS (SELECT kind, code, color, unnest(ARRAY['en', 'ru', 'bg']) AS lang, unnest(ARRAY[en, ru, bg]) AS label FROM quota_labels),
n AS (SELECT 0 AS digits),
-- every figure: key, expected value, whether the main pages show it, and the
-- rep whose page shows it (NULL: none)
checks(lang, k, v, main, rep) AS (
    SELECT lang.lang, c.k, c.v, c.main, c.rep FROM lang CROSS JOIN LATERAL (
        SELECT 'quota:' || rep_id, jsonb_build_object('num', round(quota), 'digits', 0), true, rep_id FROM r
        UNION ALL SELECT 'actual:' || rep_id, jsonb_build_object('num', round(actual), 'digits', 0), true, rep_id FROM r
        UNION ALL SELECT 'attain:' || rep_id, jsonb_build_object('num', round(100 * actual / quota, 10), 'digits', 1, 'float', true), true, rep_id FROM r
        UNION ALL SELECT 'pace:' || rep_id, jsonb_build_object('num', round(actual * tot / (quota * el), 10), 'digits', 2, 'float', true), true, rep_id FROM r
        UNION ALL SELECT 'forecast:' || rep_id, jsonb_build_object('num', round(actual * tot / el, 2), 'digits', 0, 'float', true), true, rep_id FROM r
        UNION ALL SELECT 'ontrack:' || rep_id, jsonb_build_object('text', CASE WHEN actual * tot >= quota * el THEN lang.yes ELSE lang.no END), true, rep_id FROM r
        UNION ALL SELECT 'open:' || rep_id, jsonb_build_object('num', round(open), 'digits', 0), true, rep_id FROM r
        UNION ALL SELECT 'remaining:' || rep_id, jsonb_build_object('num', round(greatest(quota - actual, 0)), 'digits', 0), true, rep_id FROM r
        UNION ALL SELECT 'coverage:' || rep_id, jsonb_build_object('num', round(open / (quota - actual), 10), 'digits', 2, 'float', true), true, rep_id
                  FROM r WHERE quota > actual
        -- the zone's label as the catalog has it (1.3: no colour words, the zones are drawn in RdYlBu)
        UNION ALL SELECT 'heat:' || rep_id, jsonb_build_object('text', l.label), true, rep_id
                  FROM r JOIN lbl l ON l.kind = 'heat' AND l.code = r.zone AND l.lang = lang.lang
        UNION ALL SELECT 'ledge:' || rep_id || ':' || k, jsonb_build_object('attr', round(quota * k / 6, 2)), true, rep_id
                  FROM r, generate_series(1, 6) k
        UNION ALL SELECT 'fcquota:' || rep_id, jsonb_build_object('num', round(quota), 'digits', 0), true, rep_id FROM fcz
        UNION ALL SELECT 'fcclosed:' || rep_id, jsonb_build_object('num', round(actual), 'digits', 0), true, rep_id FROM fcz
        UNION ALL SELECT 'fcweighted:' || rep_id, jsonb_build_object('num', round(weighted), 'digits', 0), true, rep_id FROM fcz
        UNION ALL SELECT 'fccommit:' || rep_id, jsonb_build_object('num', round(commit), 'digits', 0), true, rep_id FROM fcz
        UNION ALL SELECT 'fcbest:' || rep_id, jsonb_build_object('num', round(best), 'digits', 0), true, rep_id FROM fcz
        UNION ALL SELECT 'fcrunrate:' || rep_id, jsonb_build_object('num', round(actual * tot / el, 2), 'digits', 0, 'float', true), true, rep_id FROM r
        UNION ALL SELECT 'fcchance:' || rep_id, jsonb_build_object('num', round(100 * chance::numeric, 10), 'digits', 1, 'float', true), true, rep_id FROM fcz
        -- the header's two dates: the quota position and the customer base, the same day
        UNION ALL SELECT 'asof', jsonb_build_object('text', '2026-09-15'), true, g.rep_id FROM grp g
        UNION ALL SELECT 'segasof', jsonb_build_object('text', '2026-09-15'), true, g.rep_id FROM grp g
        -- team totals as of as_of
        UNION ALL SELECT 'teamquota', jsonb_build_object('num', round(quota), 'digits', 0), true, NULL FROM tr WHERE rep_id = 0 AND day = '2026-09-15'
        UNION ALL SELECT 'teamclosed', jsonb_build_object('num', round(closed), 'digits', 0), true, NULL FROM tr WHERE rep_id = 0 AND day = '2026-09-15'
        UNION ALL SELECT 'teamattain', jsonb_build_object('num', round(100 * attain, 10), 'digits', 1, 'float', true), true, NULL FROM tr WHERE rep_id = 0 AND day = '2026-09-15'
        UNION ALL SELECT 'teamchance', jsonb_build_object('num', round(100 * chance::numeric, 10), 'digits', 1, 'float', true), true, NULL FROM tr WHERE rep_id = 0 AND day = '2026-09-15'
        -- the weekly trend: the team's points on the main pages, a rep's on the rep's page
        UNION ALL SELECT 'trendatt:' || CASE rep_id WHEN 0 THEN 'team' ELSE rep_id::text END || ':' || day,
                         jsonb_build_object('attr', attain), rep_id = 0, nullif(rep_id, 0) FROM tr
        UNION ALL SELECT 'trendch:' || CASE rep_id WHEN 0 THEN 'team' ELSE rep_id::text END || ':' || day,
                         jsonb_build_object('attr', chance), rep_id = 0, nullif(rep_id, 0) FROM tr
        -- the funnel: the team's table on the main pages, a rep's table on the
        -- rep's page, every rep's conversion cells on the main pages
        UNION ALL SELECT 'fun' || x.f || ':' || CASE g WHEN 0 THEN 'team' ELSE g::text END || ':' || stage, x.v, g = 0, nullif(g, 0)
                  FROM funk CROSS JOIN LATERAL (VALUES
                      ('ent', jsonb_build_object('num', entered, 'digits', 0)),
                      ('adv', jsonb_build_object('num', adv, 'digits', 0)),
                      ('won', jsonb_build_object('num', won, 'digits', 0)),
                      ('lost', jsonb_build_object('num', lost, 'digits', 0)),
                      ('open', jsonb_build_object('num', open, 'digits', 0)),
                      ('conv', CASE WHEN conv IS NULL THEN jsonb_build_object('text', '–')
                                    ELSE jsonb_build_object('num', round(100 * conv, 10), 'digits', 1, 'float', true) END),
                      ('days', CASE WHEN med IS NULL THEN jsonb_build_object('text', '–')
                                    ELSE jsonb_build_object('num', med, 'digits', 0) END)) x(f, v)
        UNION ALL SELECT 'funrep:' || g || ':' || stage,
                         CASE WHEN conv IS NULL THEN jsonb_build_object('text', '–')
                              ELSE jsonb_build_object('num', round(100 * conv, 10), 'digits', 0, 'float', true) END, true, NULL
                  FROM funk WHERE g <> 0
        UNION ALL SELECT 'fundaysrep:' || g || ':' || stage,
                         CASE WHEN med IS NULL THEN jsonb_build_object('text', '–')
                              ELSE jsonb_build_object('num', med, 'digits', 0) END, true, NULL
                  FROM funk WHERE g <> 0
        -- margin and lead load, per rep
        UNION ALL SELECT 'mgreal:' || rep_id, jsonb_build_object('num', round(100 * real, 10), 'digits', 1, 'float', true), true, rep_id FROM mg
        UNION ALL SELECT 'mgp50:' || rep_id, jsonb_build_object('num', round(100 * p50::numeric, 10), 'digits', 1, 'float', true), true, rep_id FROM mg
        UNION ALL SELECT 'mgp90:' || rep_id, jsonb_build_object('num', round(100 * p90::numeric, 10), 'digits', 1, 'float', true), true, rep_id FROM mg
        UNION ALL SELECT 'mgover:' || rep_id, jsonb_build_object('num', over, 'digits', 0), true, rep_id FROM mg
        UNION ALL SELECT 'mgpocket:' || rep_id, jsonb_build_object('num', round(100 * pocket, 10), 'digits', 1, 'float', true), true, rep_id FROM mg
        UNION ALL SELECT 'llleads:' || rep_id, jsonb_build_object('num', leads, 'digits', 0), true, rep_id FROM ll
        UNION ALL SELECT 'llprior:' || rep_id, jsonb_build_object('num', pleads, 'digits', 0), true, rep_id FROM ll
        UNION ALL SELECT 'llsla:' || rep_id, jsonb_build_object('num', sla, 'digits', 0), true, rep_id FROM ll
        UNION ALL SELECT 'llrpl:' || rep_id, jsonb_build_object('num', round(rpl), 'digits', 0), true, rep_id FROM ll
        UNION ALL SELECT 'lltrend:' || rep_id, jsonb_build_object('text', coalesce(l.label, '–')), true, rep_id
                  FROM ll LEFT JOIN lbl l ON l.kind = 'lead_trend' AND l.code = ll.trend AND l.lang = lang.lang
        -- the last quarter's shape, per rep (a rep's thirds are sums over one
        -- quarter's bookings; a rep who booked nothing shows dashes)
        UNION ALL SELECT 'qsbooked:' || rep_id, jsonb_build_object('num', round(total), 'digits', 0), true, rep_id FROM rhy
        UNION ALL SELECT 'qst' || i || ':' || rep_id, jsonb_build_object('num', round(100 * (ARRAY[z1, z2, z3])[i], 10), 'digits', 1, 'float', true),
                         true, rep_id FROM rhy, generate_series(1, 3) i WHERE total > 0
        UNION ALL SELECT 'qslast5:' || rep_id, jsonb_build_object('num', round(100 * last5, 10), 'digits', 1, 'float', true), true, rep_id FROM rhy WHERE total > 0
        UNION ALL SELECT 'qsgini:' || rep_id, jsonb_build_object('num', round(gini, 10), 'digits', 2, 'float', true), true, rep_id FROM rhy WHERE total > 0
        UNION ALL SELECT 'qsshape:' || rep_id, jsonb_build_object('text', CASE WHEN total > 0 THEN s.word ELSE '–' END), true, rep_id
                  FROM rhy JOIN shp s ON s.code = rhy.shape AND s.lang = lang.lang
        -- the morning list: counts per warning (main pages), each listed deal's warnings
        UNION ALL SELECT 'wn:' || code, jsonb_build_object('num', n, 'digits', 0), true, NULL FROM wcount
        UNION ALL SELECT 'mwarn:' || m.deal_id,
                         jsonb_build_object('text', (SELECT string_agg(l.label, '; ' ORDER BY o) FROM unnest(m.w) WITH ORDINALITY u(c, o)
                                                     JOIN lbl l ON l.kind = 'deal_warning' AND l.code = u.c AND l.lang = lang.lang)),
                         true, m.rep_id FROM mlist m
        -- the calibration of the close probabilities: main pages only
        UNION ALL SELECT 'caldeals', jsonb_build_object('num', n, 'digits', 0), true, NULL FROM cals
        UNION ALL SELECT 'calbrier', jsonb_build_object('num', round(brier::numeric, 12), 'digits', 3, 'float', true), true, NULL FROM cals
        UNION ALL SELECT 'calece', jsonb_build_object('num', round(ece::numeric, 12), 'digits', 3, 'float', true), true, NULL FROM calece
        UNION ALL SELECT 'caln:' || i, jsonb_build_object('num', n, 'digits', 0), true, NULL FROM calr
        UNION ALL SELECT 'calp:' || i, jsonb_build_object('num', round(100 * mp::numeric, 10), 'digits', 1, 'float', true), true, NULL FROM calr
        UNION ALL SELECT 'calw:' || i, jsonb_build_object('num', round(100 * wr::numeric, 10), 'digits', 1, 'float', true), true, NULL FROM calr
        UNION ALL SELECT 'calpt:' || i, jsonb_build_object('attr', wr), true, NULL FROM calr
        -- the customer base and the reanimation list: main pages only
        UNION ALL SELECT 'deal:' || i, jsonb_build_object('num', round(amount), 'digits', 0), true, NULL FROM deals
        UNION ALL SELECT 'lift:' || deal_id, jsonb_build_object('num', round(lift::numeric, 10), 'digits', 3, 'float', true), true, NULL FROM deals
        UNION ALL SELECT 'rfm:' || code, jsonb_build_object('num', n, 'digits', 0), true, NULL FROM rfm
        UNION ALL SELECT 'rfmrev:' || code, jsonb_build_object('num', round(rev), 'digits', 0), true, NULL FROM rfm
        UNION ALL SELECT 'heatn:' || kinetic || ':' || abc, jsonb_build_object('num', n, 'digits', 0), true, NULL FROM cells
        UNION ALL SELECT 'heatrec:' || kinetic || ':' || abc, jsonb_build_object('num', round(rr), 'digits', 0), true, NULL FROM cells
        UNION ALL SELECT 'heatpri:' || kinetic || ':' || abc, jsonb_build_object('num', round(rp), 'digits', 0), true, NULL FROM cells
    ) c(k, v, main, rep)),
colors(k, zone_kind, code, main, rep) AS (
    SELECT 'heatcell:' || kinetic || ':' || abc, 'heat', zone, true, NULL::int FROM cells
    UNION ALL SELECT 'fcband:' || rep_id, 'heat', zone, true, rep_id FROM fcz
    UNION ALL SELECT 'llarrow:' || rep_id, 'lead_trend', trend, true, rep_id FROM ll WHERE trend IS NOT NULL
    UNION ALL SELECT 'wbar:' || code, 'deal_warning', code, true, NULL FROM wcount),
-- the pages checked: the three main pages, and two reps' pages
pages(file, lang, rep, shot, phone) AS (VALUES
    ('index.html', 'en', NULL::int, true, false), ('ru.html', 'ru', NULL, true, false), ('bg.html', 'bg', NULL, false, true),
    ('rep/en/3.html', 'en', 3, false, false), ('rep/bg/2.html', 'bg', 2, false, false))
SELECT jsonb_build_object('pages', jsonb_object_agg(pg.file, jsonb_build_object(
    'lang', pg.lang, 'shot', pg.shot, 'phoneShot', pg.phone,
    'checks', (SELECT jsonb_object_agg(k, v) FROM checks c
               WHERE c.lang = pg.lang AND CASE WHEN pg.rep IS NULL THEN c.main ELSE c.rep = pg.rep END),
    'order', CASE WHEN pg.rep IS NULL THEN jsonb_build_object(
        'mwarn', (SELECT jsonb_agg('mwarn:' || deal_id ORDER BY rep_id, n) FROM mlist),
        'attain', (SELECT jsonb_agg('attain:' || rep_id ORDER BY rep_id) FROM r),
        'fcchance', (SELECT jsonb_agg('fcchance:' || rep_id ORDER BY rep_id) FROM r),
        'rfm', (SELECT jsonb_agg('rfm:' || code ORDER BY rank) FROM rfm))
        ELSE jsonb_build_object('mwarn', (SELECT jsonb_agg('mwarn:' || deal_id ORDER BY n) FROM mlist WHERE rep_id = pg.rep)) END,
    'deals', CASE WHEN pg.rep IS NULL THEN (SELECT jsonb_object_agg('deal:' || i, deal_id) FROM deals) ELSE '{}' END,
    'filter', CASE WHEN pg.file = 'index.html' THEN jsonb_build_object(
        'rep', 3, 'repIndex', (SELECT count(*) FROM r WHERE rep_id <= 3), 'dayIndex', 0,
        'day', (SELECT min(day) FROM wk), 'weeks', (SELECT count(*) FROM wk),
        'teamclosed', (SELECT round(closed) FROM tr WHERE rep_id = 0 AND day = (SELECT min(day) FROM wk))) END,
    'colors', (SELECT jsonb_object_agg(c.k, l.color) FROM colors c
               JOIN quota_labels l ON l.kind = c.zone_kind AND l.code = c.code
               WHERE CASE WHEN pg.rep IS NULL THEN c.main ELSE c.rep = pg.rep END))))
FROM pages pg;
SQL
[ -s "$tmp/expected.json" ] && ok "expected figures from plain SQL" || { bad "expected figures" "$(cat "$tmp/expected.err")"; finish; }

mkdir -p "$tmp/shots"
if (cd "$dash" && node check.mjs "http://127.0.0.1:$port" "$tmp/expected.json" "$tmp/shots") \
	>"$tmp/check.log" 2>&1; then :; fi
grep -E '^(ok|FAIL) ' "$tmp/check.log"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/check.log" | tail -1)
if [ -n "$line" ]; then
	passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
	failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
else bad "headless Chromium check ran" "$(tail -5 "$tmp/check.log")"; fi
if [ -s "$tmp/shots/index.png" ] && [ -s "$tmp/shots/ru.png" ] && [ -s "$tmp/shots/bg-phone.png" ]; then
	ok "screenshots: English, Russian, Bulgarian at phone width"
	if [ -n "$shots" ]; then
		mkdir -p "$shots" && cp "$tmp/shots/index.png" "$shots/screenshot.png" && cp "$tmp/shots/ru.png" "$shots/screenshot-ru.png" &&
			cp "$tmp/shots/bg-phone.png" "$shots/screenshot-bg-phone.png"
		echo "# screenshots kept in $shots"
	fi
else bad "screenshots"; fi
finish
