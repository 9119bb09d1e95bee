// Data loader: everything the dashboard shows, read at build time from the
// quota_ext demo database (scripts/demo.sql leaves sales.customer_segments and
// sales.heat_matrix behind, scripts/demo_margin.sql list prices, costs and
// sales.lead_flow, scripts/demo_funnel.sql sales.stage_history,
// scripts/demo_calibration.sql sales.closed_deals, scripts/demo_quarter.sql
// sales.bookings, scripts/demo_diary.sql the deal diary's columns).  Connection
// from the usual libpq variables (PGHOST, PGPORT, PGUSER, PGDATABASE); one
// date, QX_AS_OF (default 2026-09-15), for the quota position, the funnel and
// the customer base: build the database with demo.sql's seg_as_of equal to it
// (test/dashboard.sh does), so the segments and "as of" are the same day.
// The segmentation date is read back from the view's definition (the date
// demo.sql passed to rfm_kinetic) and shown beside asOf, never assumed; a
// build over a customer base of another day says so on stderr.  Composite results are read as
// README "Reading composite results" says: LATERAL for functions, a column
// of a grouped subquery for aggregates.  The pipeline forecast is computed
// here, not kept in the nightly sales.customer_segments view: it is per rep,
// changes with every deal, and takes milliseconds; the built site is the
// snapshot.
import pg from "pg";

// numeric and bigint arrive as strings from node-postgres (README "Using it
// from BI tools"); the dashboard shows them rounded, so numbers are enough.
pg.types.setTypeParser(1700, parseFloat);
pg.types.setTypeParser(20, (v) => parseInt(v, 10));
pg.types.setTypeParser(1082, (v) => v); // date: keep 'YYYY-MM-DD'

const asOf = process.env.QX_AS_OF ?? "2026-09-15";
const quarter = {start: "2026-07-01", end: "2026-09-30"};
const client = new pg.Client();
await client.connect();
const q = async (sql, params = []) => (await client.query(sql, params)).rows;

const reps = await q(
  `WITH hol AS (SELECT coalesce(array_agg(day ORDER BY day), '{}') AS days FROM sales.holidays),
        act AS (SELECT c.rep_id, sum(o.amount) AS actual
                FROM sales.orders o JOIN sales.customers c USING (customer_id)
                WHERE o.ts BETWEEN $2::date AND $1::date GROUP BY c.rep_id),
        pipe AS (SELECT rep_id, sum(amount) AS open_pipeline FROM sales.deals GROUP BY rep_id),
        -- will we make the quarter: the open deals against what is still
        -- missing (README "Will we make the number"); one aggregate row per
        -- rep, its fields read by the outer query
        fc AS (SELECT rep_id, (f).deals, (f).expected, (f).p_target, (f).p10, (f).p90
               FROM (SELECT d.rep_id,
                            pipeline_forecast(d.amount, close_probability(d.agreement, d.objections),
                                              q.quota - coalesce(a.actual, 0)) AS f
                     FROM sales.deals d
                     JOIN sales.revenue_quotas q ON q.rep_id = d.rep_id AND q.period_start = $2::date
                     LEFT JOIN act a ON a.rep_id = d.rep_id
                     GROUP BY d.rep_id) g),
        -- a rep without an open deal (or none with a probability) closes nothing more
        fc0 AS (SELECT q.rep_id, coalesce(f.deals, 0) AS deals, coalesce(f.expected, 0) AS weighted,
                       coalesce(f.p_target, CASE WHEN coalesce(a.actual, 0) >= q.quota THEN 1 ELSE 0 END) AS chance,
                       coalesce(a.actual, 0) + coalesce(f.p10, 0) AS commit,
                       coalesce(a.actual, 0) + coalesce(f.p90, 0) AS best_case
                FROM sales.revenue_quotas q LEFT JOIN act a USING (rep_id) LEFT JOIN fc f USING (rep_id)
                WHERE q.period_start = $2::date)
   SELECT q.rep_id, r.name, q.quota, coalesce(a.actual, 0) AS actual,
          s.total_days, s.elapsed_days, s.expected_to_date, s.attainment, s.pace, s.forecast,
          s.gap, s.on_track, coalesce(p.open_pipeline, 0) AS open_pipeline,
          pipeline_coverage(coalesce(p.open_pipeline, 0), q.quota, coalesce(a.actual, 0)) AS coverage,
          z.code AS heat, z.color AS heat_color, z.en AS heat_en, z.ru AS heat_ru, z.bg AS heat_bg,
          f.deals AS fc_deals, f.weighted AS fc_weighted, f.chance AS fc_chance,
          f.commit AS fc_commit, f.best_case AS fc_best, fz.code AS fc_zone, fz.color AS fc_color
   FROM sales.revenue_quotas q
   JOIN sales.reps r USING (rep_id)
   LEFT JOIN act a USING (rep_id)
   LEFT JOIN pipe p USING (rep_id)
   JOIN fc0 f USING (rep_id)
   CROSS JOIN hol
   CROSS JOIN LATERAL quota_status(coalesce(a.actual, 0), q.quota, q.period_start, q.period_end,
                                   $1::date, hol.days) s
   JOIN quota_labels z ON z.kind = 'heat'
                      AND z.code = heat_zone(coalesce(a.actual, 0)::float8, s.expected_to_date::float8)
   -- the forecast's zone: blue when the commit covers the quota, red when
   -- even the best case misses it, yellow in between
   JOIN quota_labels fz ON fz.kind = 'heat'
                       AND fz.code = CASE WHEN f.commit >= q.quota THEN 'green'
                                          WHEN f.best_case < q.quota THEN 'red' ELSE 'amber' END
   WHERE q.period_start = $2::date
   ORDER BY q.rep_id`,
  [asOf, quarter.start]
);

const ledges = await q(
  `WITH hol AS (SELECT coalesce(array_agg(day ORDER BY day), '{}') AS days FROM sales.holidays)
   SELECT q.rep_id, s.step, s.due, s.target,
          CASE WHEN s.due <= $1::date THEN
               (SELECT coalesce(sum(o.amount), 0) FROM sales.orders o JOIN sales.customers c USING (customer_id)
                WHERE c.rep_id = q.rep_id AND o.ts BETWEEN q.period_start AND s.due) END AS actual_to_due
   FROM sales.revenue_quotas q
   CROSS JOIN hol
   CROSS JOIN LATERAL quota_steps(q.quota, q.period_start, q.period_end, 6, hol.days) s
   WHERE q.period_start = $2::date
   ORDER BY q.rep_id, s.step`,
  [asOf, quarter.start]
);

const reanimation = await q(
  `SELECT d.deal_id, r.name AS rep, d.title, d.amount, d.agreement, d.objections,
          lift_index(d.agreement, d.objections) AS lift_index,
          close_probability(d.agreement, d.objections) AS close_probability
   FROM sales.deals d JOIN sales.reps r USING (rep_id)
   WHERE d.needs_reanimation
   ORDER BY d.amount DESC, d.deal_id
   LIMIT 12`
);

const rfm = await q(
  `SELECT l.rank, l.code, l.color, l.en, l.ru, l.bg, count(s.customer_id)::int AS customers,
          coalesce(sum(s.monetary), 0) AS revenue
   FROM quota_labels l
   LEFT JOIN (SELECT customer_id, rfm_segment(r, f, m) AS segment, monetary
              FROM sales.customer_segments WHERE r IS NOT NULL) s ON s.segment = l.code
   WHERE l.kind = 'rfm'
   GROUP BY l.rank, l.code, l.color, l.en, l.ru, l.bg
   ORDER BY l.rank`
);

const heat = await q(
  `SELECT h.kinetic, h.kinetic_rank, h.abc, h.customers::int AS customers, h.revenue_recent,
          h.revenue_prior, h.zone, h.zone_rank, h.color,
          k.en AS kinetic_en, k.ru AS kinetic_ru, k.bg AS kinetic_bg, z.en AS zone_en, z.ru AS zone_ru, z.bg AS zone_bg
   FROM sales.heat_matrix h
   JOIN quota_labels k ON k.kind = 'kinetic' AND k.code = h.kinetic
   JOIN quota_labels z ON z.kind = 'heat' AND z.code = h.zone
   ORDER BY h.kinetic_rank, h.abc`
);

const labels = await q(
  `SELECT kind, code, rank, color, en, ru, bg FROM quota_labels
   WHERE kind IN ('kinetic', 'heat', 'abc') ORDER BY kind, rank`
);

const segDef = (await q(`SELECT pg_get_viewdef('sales.customer_segments'::regclass) AS d`))[0].d;
const segAsOf = segDef.match(/rfm_kinetic\([^)]*'(\d{4}-\d{2}-\d{2})'/)?.[1] ?? null;
if (segAsOf !== asOf)
  process.stderr.write(`dashboard.json.js: the customer base is as of ${segAsOf}, the quota position as of ${asOf}; ` +
                       `build the database with demo.sql's seg_as_of=${asOf} for one day\n`);

// Team totals and the weekly trend: at every week-end (Sunday) of the quarter
// so far and at asOf, the revenue closed to that day, attainment against the
// quota, and the chance to make the quota from that day's gap with the open
// deals (the demo keeps one snapshot of the pipeline, today's, so the chance
// moves with what was closed).  rep_id NULL: the team.
const weeks = (await q(
  `SELECT DISTINCT d::date AS day FROM generate_series($2::date, $1::date, interval '1 day') d
   WHERE extract(isodow FROM d) = 7 OR d = $1::date ORDER BY 1`, [asOf, quarter.start])).map((r) => r.day);
const trend = await q(
  `WITH w AS (SELECT unnest($2::date[]) AS day),
        grp AS (SELECT rep_id, quota FROM sales.revenue_quotas WHERE period_start = $1::date
                UNION ALL SELECT NULL, sum(quota) FROM sales.revenue_quotas WHERE period_start = $1::date),
        closed AS (SELECT w.day, g.rep_id, g.quota,
                          (SELECT coalesce(sum(o.amount), 0) FROM sales.orders o JOIN sales.customers c USING (customer_id)
                           WHERE o.ts BETWEEN $1::date AND w.day AND (g.rep_id IS NULL OR c.rep_id = g.rep_id)) AS closed
                   FROM w CROSS JOIN grp g)
   SELECT c.day, c.rep_id, c.quota, c.closed, c.closed / c.quota AS attainment,
          coalesce((SELECT (pipeline_forecast(d.amount, close_probability(d.agreement, d.objections),
                                              c.quota - c.closed)).p_target
                    FROM sales.deals d WHERE c.rep_id IS NULL OR d.rep_id = c.rep_id),
                   CASE WHEN c.closed >= c.quota THEN 1 ELSE 0 END) AS chance
   FROM closed c ORDER BY c.day, c.rep_id NULLS FIRST`,
  [quarter.start, weeks]
);

// The funnel of the quarter's cohort (deals created since the quarter began),
// team (rep_id NULL) and per rep: stage_funnel's conversion and days in stage.
const funnel = await q(
  `SELECT g.rep_id, f.stage, f.entered, f.advanced, f.won, f.lost, f.open, f.conversion, f.p_win,
          f.days_median, f.days_p80
   FROM (SELECT rep_id, stage_funnel(deal_id, stage, entered_on, closed_on, won, $1::date) AS a
         FROM sales.stage_history WHERE created_on >= $2::date GROUP BY ROLLUP (rep_id)) g
   CROSS JOIN LATERAL unnest(g.a) f
   ORDER BY g.rep_id NULLS FIRST, f.stage`,
  [asOf, quarter.start]
);
const stages = await q(`SELECT stage, name FROM sales.stage_truth WHERE stage > 0 ORDER BY stage`);

// Margin: discount depth and pocket margin of each rep's open deals
// (price_realization, floor 25 %), and the lead load of the quarter so far
// against the quarter before to the same day, with its trend and label.
const margin = await q(
  `SELECT rep_id, (r).deals, (r).realization, (r).discount_p50, (r).discount_p90, (r).deals_over_floor,
          (r).margin_total, (r).pocket_margin
   FROM (SELECT rep_id, price_realization(list_amount, amount, cost, 0.25) AS r
         FROM sales.deals GROUP BY rep_id) s ORDER BY rep_id`
);
const leads = await q(
  `SELECT s.rep_id, (cur).leads, (prior).leads AS leads_prior, (cur).touched_in_sla, (cur).won, (cur).revenue,
          (cur).revenue_per_lead, (prior).revenue_per_lead AS revenue_per_lead_prior,
          l.code AS trend, l.color AS trend_color, l.en AS trend_en, l.ru AS trend_ru, l.bg AS trend_bg
   FROM (SELECT rep_id,
                lead_load(created_on, amount, won, first_touch_on, $2::date, $1::date) AS cur,
                lead_load(created_on, amount, won, first_touch_on, ($2::date - interval '3 months')::date,
                          ($2::date - interval '3 months')::date + ($1::date - $2::date)) AS prior
         FROM sales.lead_flow GROUP BY rep_id) s
   LEFT JOIN quota_labels l ON l.kind = 'lead_trend' AND l.code = lead_load_trend(cur, prior)
   ORDER BY s.rep_id`,
  [asOf, quarter.start]
);

// Trusting the probabilities: how close_probability matched the outcomes of
// the closed deals of the last two years (sales.closed_deals, from
// scripts/demo_calibration.sql) -- win_calibration's bins and scores, and
// the isotonic map fitted on the same deals, on a grid of probabilities.
const calibration = (await q(
  `SELECT (w).deals, (w).wins, (w).base_rate, (w).brier, (w).brier_skill, (w).ece,
          (SELECT json_agg(json_build_object('lo', b.lo, 'hi', b.hi, 'deals', b.deals, 'mean_p', b.mean_p,
                                             'win_rate', b.win_rate) ORDER BY b.lo)
           FROM unnest((w).bins) b) AS bins,
          (SELECT json_agg(json_build_object('p', g / 20.0, 'calibrated', isotonic_predict(m.model, g / 20.0)) ORDER BY g)
           FROM generate_series(0, 20) g) AS isotonic
   FROM (SELECT win_calibration(close_probability(agreement, objections), won) AS w,
                isotonic_fit(close_probability(agreement, objections), won) AS model
         FROM sales.closed_deals) m`))[0];

// The last quarter's shape per rep (booking_rhythm over sales.bookings from
// scripts/demo_quarter.sql, the quarter before this one, complete): share
// booked in each third, in the last five counted days, the weekly Gini.
const prior = {start: (await q(`SELECT ($1::date - interval '3 months')::date AS d`, [quarter.start]))[0].d,
               end: (await q(`SELECT ($1::date - 1) AS d`, [quarter.start]))[0].d};
const rhythm = await q(
  `SELECT s.rep_id, q.quota, (b).total, (b).share_by_third AS thirds, (b).share_last_5_days AS last5,
          (b).weekly_gini AS gini, (b).weeks_with_bookings AS weeks
   FROM (SELECT rep_id, booking_rhythm(booked, amount, $1::date, $2::date,
                                       (SELECT coalesce(array_agg(day ORDER BY day), '{}') FROM sales.holidays)) AS b
         FROM sales.bookings GROUP BY rep_id) s
   JOIN sales.revenue_quotas q ON q.rep_id = s.rep_id AND q.period_start = $1::date
   ORDER BY s.rep_id`, [prior.start, prior.end]);

// The morning list (the deal diary of scripts/demo_diary.sql): each open
// deal's warnings as of asOf (deal_warnings, stage norm 30 days), the count
// per warning in the catalog's order and colours, and per rep the three
// deals most in need, by their most urgent warning, then the number of them.
const hasDiary = (await q(`SELECT count(*)::int AS n FROM information_schema.columns
                           WHERE table_schema = 'sales' AND table_name = 'deals' AND column_name = 'next_contact'`))[0].n > 0;
const diary = hasDiary ? await q(
  `WITH w AS (SELECT d.rep_id, d.deal_id, d.title, d.amount,
                     deal_warnings($1::date, d.next_contact, d.problem, d.promise_due, d.temperature, d.lift,
                                   d.last_activity, d.stage_entered, 30, d.close_date, d.pushes, d.contacts) AS warnings
              FROM sales.deals d)
   SELECT rep_id, deal_id, title, amount, warnings, n
   FROM (SELECT w.*, row_number() OVER (PARTITION BY rep_id
                                        ORDER BY quota_label_rank('deal_warning', warnings[1]),
                                                 cardinality(warnings) DESC, deal_id) AS n
         FROM w WHERE warnings <> '{}') s
   WHERE n <= 3 ORDER BY rep_id, n`, [asOf]) : [];
const warnings = hasDiary ? await q(
  `SELECT l.rank, l.code, l.color, l.en, l.ru, l.bg, count(w.code)::int AS deals
   FROM quota_labels l
   LEFT JOIN (SELECT unnest(deal_warnings($1::date, next_contact, problem, promise_due, temperature, lift, last_activity,
                                          stage_entered, 30, close_date, pushes, contacts)) AS code
              FROM sales.deals) w ON w.code = l.code
   WHERE l.kind = 'deal_warning' GROUP BY l.rank, l.code, l.color, l.en, l.ru, l.bg ORDER BY l.rank`, [asOf]) : [];

await client.end();
process.stdout.write(JSON.stringify({asOf, segAsOf, quarter, diary, warnings, reps, ledges, reanimation, rfm, heat, labels,
                                     weeks, trend, funnel, stages, margin, leads, calibration, prior, rhythm}));
