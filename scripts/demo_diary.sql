-- scripts/demo_diary.sql: the deal diary (SPEC §14, doc/deal_diary.md) on the
-- demo's open deals.  Adds the diary's columns to sales.deals (scripts/
-- gen_data.sql), fills them as reps would have on as_of, attaches the
-- flag_deal_warnings trigger, and prints each rep's morning list: the deals
-- that need attention, the most urgent first, each with its warnings in
-- catalog order, in English and in Russian.
--
--   psql -X -v ON_ERROR_STOP=1 -v as_of=2026-09-15 -f scripts/demo_diary.sql
--
-- The list is computed as of as_of with deal_warnings, so the demo prints the
-- same on any day; the trigger keeps the stored warnings as of the real date
-- (a nightly refresh keeps them current: doc/deal_diary.md).  Run after
-- demo.sql, with the same variables; as_of defaults to 2026-09-15.

\set ON_ERROR_STOP 1
\if :{?as_of}
\else
\set as_of '2026-09-15'
\endif
\pset footer off
\pset null '-'
SET client_min_messages = warning;

-- the diary's columns
ALTER TABLE sales.deals
    ADD COLUMN IF NOT EXISTS next_contact date,
    ADD COLUMN IF NOT EXISTS problem text,
    ADD COLUMN IF NOT EXISTS promise_due date,
    ADD COLUMN IF NOT EXISTS temperature text,
    ADD COLUMN IF NOT EXISTS lift float8,
    ADD COLUMN IF NOT EXISTS last_activity date,
    ADD COLUMN IF NOT EXISTS stage_entered date,
    ADD COLUMN IF NOT EXISTS close_date date,
    ADD COLUMN IF NOT EXISTS pushes int,
    ADD COLUMN IF NOT EXISTS contacts int,
    ADD COLUMN IF NOT EXISTS warnings text[],
    ADD COLUMN IF NOT EXISTS warned_since timestamptz;
DROP TRIGGER IF EXISTS deals_flag_warnings ON sales.deals;
CREATE TRIGGER deals_flag_warnings BEFORE INSERT OR UPDATE ON sales.deals FOR EACH ROW
EXECUTE FUNCTION flag_deal_warnings('warnings', 'warned_since',
    'next_contact=next_contact', 'problem=problem', 'promise_due=promise_due',
    'temperature=temperature', 'lift=lift', 'last_activity=last_activity',
    'stage_entered=stage_entered', 'stage_norm_days=30', 'close_date=close_date', 'pushes=pushes', 'contacts=contacts');

-- the diary as the reps kept it: most deals in order, some neglected
SELECT setseed(0.23) \gset
UPDATE sales.deals d SET
    next_contact  = CASE WHEN r.a < 0.08 THEN NULL ELSE :'as_of'::date + (r.b * 24)::int - 6 END,
    problem       = CASE WHEN r.c < 0.10 THEN NULL
                         ELSE (ARRAY['stock-outs in stores', 'slow month-end reporting',
                                     'too many suppliers', 'rising logistics costs',
                                     'manual order entry'])[1 + (r.c * 10)::int % 5] END,
    promise_due   = CASE WHEN r.d < 0.6 THEN NULL ELSE :'as_of'::date + (r.d * 30)::int - 22 END,
    temperature   = CASE WHEN r.e < 0.05 THEN NULL
                         ELSE (ARRAY['hot', 'warm', 'warm', 'cool', 'cold'])[1 + (r.e * 100)::int % 5] END,
    lift          = lift_index(d.agreement, d.objections),
    last_activity = :'as_of'::date - (r.f ^ 3 * 40)::int,
    stage_entered = :'as_of'::date - (r.j * 40)::int,
    close_date    = :'as_of'::date + (r.g * 70)::int - 10,
    pushes        = (r.h ^ 4 * 3)::int,
    contacts      = 1 + (r.i * 4)::int
FROM (SELECT deal_id, random() AS a, random() AS b, random() AS c, random() AS d, random() AS e,
             random() AS f, random() AS g, random() AS h, random() AS i, random() AS j
      FROM sales.deals ORDER BY deal_id) r
WHERE r.deal_id = d.deal_id;

CREATE TEMP VIEW diary_today AS
SELECT d.rep_id, r.name AS rep, d.deal_id, d.title,
       deal_warnings(:'as_of'::date, d.next_contact, d.problem, d.promise_due, d.temperature,
                     d.lift, d.last_activity, d.stage_entered, 30, d.close_date, d.pushes, d.contacts) AS warnings
FROM sales.deals d JOIN sales.reps r USING (rep_id);

\echo
\echo '(o) The deal diary on' :as_of ': deals that need attention, per warning'
SELECT l.rank, l.en AS warning, l.ru AS "предупреждение", count(w.code) AS deals
FROM quota_labels l
LEFT JOIN (SELECT unnest(warnings) AS code FROM diary_today) w ON w.code = l.code
WHERE l.kind = 'deal_warning'
GROUP BY l.rank, l.en, l.ru ORDER BY l.rank;

-- each rep's deals, the most urgent first (by the most urgent warning, then
-- by the number of warnings), three per rep
CREATE TEMP VIEW morning AS
SELECT rep_id, rep, deal_id, title, warnings, n
FROM (SELECT t.*, row_number() OVER (PARTITION BY rep_id
                                     ORDER BY quota_label_rank('deal_warning', warnings[1]),
                                              cardinality(warnings) DESC, deal_id) AS n
      FROM diary_today t WHERE warnings <> '{}') s
WHERE n <= 3;

\echo
\echo '(p) Morning list per rep (three most urgent deals each)'
SELECT m.rep, m.deal_id AS deal,
       (SELECT string_agg(quota_label('deal_warning', c, 'en'), '; ' ORDER BY o)
        FROM unnest(m.warnings) WITH ORDINALITY u(c, o)) AS today
FROM morning m ORDER BY m.rep_id, m.n;

\echo
\echo '(p) Утренний список по менеджерам (по три самые срочные сделки)'
SELECT m.rep AS "менеджер", m.deal_id AS "сделка",
       (SELECT string_agg(quota_label('deal_warning', c, 'ru'), '; ' ORDER BY o)
        FROM unnest(m.warnings) WITH ORDINALITY u(c, o)) AS "на сегодня"
FROM morning m ORDER BY m.rep_id, m.n;
