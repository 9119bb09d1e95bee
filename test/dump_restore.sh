#!/usr/bin/env bash
# Dump and restore: a database whose table uses the flag_reanimation trigger
# (with its since column) and whose materialized views call the extension
# (installed in its own schema, so the dump must qualify every reference) is
# dumped with pg_dump -Fc and restored with pg_restore into a new database,
# both from the same PostgreSQL tree ($QX_BIN of scripts/lib.sh).  Checks: the
# md5 of the ordered rows of every table and materialized view is equal, the
# views refresh after restore to the same data, and the trigger still works.
#
# Aggregates and window functions are found in the catalog: one materialized
# view per aggregate of the extension whose name ends in neither _partial nor
# _merge, and per window function, over a tiny orders table (created only
# for those that exist; arguments are mapped by name and type, see below).
# qx-tier: fast
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
src=qx_dump_src
dst=qx_dump_dst
dump=$(mktemp /tmp/qx_dump.XXXXXX)
chmod 644 "$dump"
source "$(dirname "$0")/lib/suite.sh"
check() { qx_check "$@"; }	# check NAME CONDITION-RESULT(0/1) [detail]
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

for d in $src $dst; do q -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null; done
q -d postgres -c "CREATE DATABASE $src TEMPLATE template0" >/dev/null

q -d $src >/dev/null <<'SQL'
CREATE SCHEMA qx;
CREATE EXTENSION quota_ext SCHEMA qx;
CREATE SCHEMA sales;
SET search_path = sales;

-- deals with the reanimation flag kept by the trigger, since column included
CREATE TABLE deals (id int PRIMARY KEY, rep text NOT NULL, agreement float8, objections int,
                    flagged boolean, flagged_since timestamptz);
CREATE TRIGGER deals_flag BEFORE INSERT OR UPDATE ON deals FOR EACH ROW
    EXECUTE FUNCTION qx.flag_reanimation('agreement', 'objections', 'flagged', '0.4', 'flagged_since');
INSERT INTO deals (id, rep, agreement, objections)
SELECT i, 'rep' || (i % 4), (i % 11) / 10.0, i % 4 FROM generate_series(1, 40) i;
INSERT INTO deals (id, rep, agreement, objections) VALUES (41, 'rep0', NULL, 1), (42, 'rep1', 0.5, NULL);

CREATE TABLE quotas (rep text PRIMARY KEY, quota numeric, actual numeric, open_pipeline numeric);
INSERT INTO quotas SELECT 'rep' || i, 10000 * (i + 1), 7300.15 * i, 20000 - 1000 * i FROM generate_series(0, 3) i;
CREATE TABLE holidays (day date PRIMARY KEY);
INSERT INTO holidays VALUES ('2024-01-01'), ('2024-02-19'), ('2024-03-29');

-- tiny orders table for the aggregates and window functions
CREATE TABLE orders (id int PRIMARY KEY, customer int NOT NULL, ts date NOT NULL, amount numeric(12,2));
INSERT INTO orders SELECT i, i % 7, date '2024-01-03' + (i * 5) % 170, (i * 37) % 400 + 0.25
FROM generate_series(1, 120) i;

-- the label catalog's rows of this database (issue 28): a custom RFM map
-- labelled in Ukrainian, and a matview that needs them to refresh
INSERT INTO qx.quota_label_custom (kind, code, rank, color, labels) VALUES
  ('rfm', 'Золоті', 1, '#4575b4', '{"uk": "Золоті клієнти", "en": "Gold customers"}'),
  ('rfm', 'Сплячі', 2, '#d73027', '{"uk": "Сплячі клієнти"}'),
  ('heat', 'green', NULL, NULL, '{"ru": "Есть куда расти"}');
CREATE TABLE accounts (id int PRIMARY KEY, segment text);
INSERT INTO accounts VALUES (1, 'Золоті'), (2, 'Сплячі'), (3, 'Champions');
CREATE MATERIALIZED VIEW account_labels AS
SELECT id, segment, qx.quota_label('rfm', segment, 'uk') AS uk,
       qx.quota_label_rank('rfm', segment) AS rank,
       qx.segment_direction('rfm', segment, 'Золоті') AS to_gold
FROM accounts;

-- materialized views calling the extension's functions
CREATE MATERIALIZED VIEW deal_health AS
SELECT id, rep, qx.lift_index(agreement, objections) AS lift,
       round(qx.close_probability(agreement, objections)::numeric, 6) AS p_close,
       qx.needs_reanimation(agreement, objections, 0.3) AS reanimate
FROM deals WHERE agreement IS NOT NULL AND objections IS NOT NULL;

CREATE MATERIALIZED VIEW quota_board AS
SELECT q.rep, s.*,
       qx.pipeline_coverage(q.open_pipeline, q.quota, q.actual) AS coverage,
       qx.heat_zone(q.actual::float8, s.expected_to_date::float8) AS zone,
       qx.business_days('2024-01-01', '2024-03-31', (SELECT array_agg(day) FROM holidays)) AS bdays
FROM quotas q,
     LATERAL qx.quota_status(q.actual, q.quota, '2024-01-01', '2024-03-31', '2024-02-15',
                             (SELECT array_agg(day) FROM holidays)) s;

CREATE MATERIALIZED VIEW quota_ledges AS
SELECT q.rep, st.* FROM quotas q,
     LATERAL qx.quota_steps(q.quota, '2024-01-01', '2024-03-31', 3) st;

CREATE MATERIALIZED VIEW lead_board AS
SELECT i AS id, qx.priority_label(qx.priority_group(i * 250.0, i % 45, 2000, 30)) AS label,
       qx.lead_class(i % 2 = 0, i % 3 = 0, CASE WHEN i % 5 = 0 THEN true END) AS cls,
       qx.sales_velocity(i, 0.25, 1000, 30) AS velocity
FROM generate_series(1, 12) i;

-- ====================================================================
-- AGGREGATES AND WINDOW FUNCTIONS (catalog-driven).  One materialized view
-- per aggregate (not *_partial / *_merge) and per window function of the
-- extension, over orders grouped by customer.  Arguments are mapped by name
-- and type: ts -> orders.ts, amount/value -> the amount (per row for an
-- aggregate, the customer's sum for a window function), as_of ->
-- '2024-06-30', period_start -> '2024-01-01', frequency/recency/t -> a valid
-- BTYD triple per customer, other arguments -> a constant by
-- name (a_share, bins, periods, window_len...) or else by type.  Add a mapping here when a new aggregate needs one.
-- ====================================================================
CREATE TABLE public.qx_dump_created (kind text, name text, view text, error text);
DO $do$
DECLARE
    f record;
    a record;
    args text[];
    def text[];
    expr text;
    v text;
    n int := 0;
BEGIN
    FOR f IN
        SELECT p.oid, p.proname, p.prokind, p.pronargs, p.proargtypes::oid[] AS types,
               coalesce(p.proargnames, '{}') AS names, pg_get_function_arguments(p.oid) AS argdef
        FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
             AND d.deptype = 'e'
             AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'quota_ext')
        LEFT JOIN pg_aggregate g ON g.aggfnoid = p.oid
        WHERE (p.prokind = 'a' AND g.aggkind = 'n' AND p.proname !~ '_(partial|merge)$')
           OR p.prokind = 'w'
        ORDER BY p.proname, p.pronargs
    LOOP
        args := '{}';
        FOR a IN SELECT i, f.types[i - 1 + array_lower(f.types, 1)] AS t, coalesce(f.names[i], '') AS nm
                 FROM generate_series(1, f.pronargs) i
        LOOP
            expr := CASE
                WHEN a.nm = 'ts' OR (a.nm = '' AND a.t = 'date'::regtype AND a.i = 1) THEN 'ts'
                WHEN a.nm IN ('amount', 'value') AND f.prokind = 'a' THEN format('amount::%s', a.t::regtype)
                WHEN a.nm IN ('amount', 'value') THEN format('sum(amount)::%s', a.t::regtype)
                WHEN a.nm = 'as_of' THEN $$date '2024-06-30'$$
                WHEN a.nm = 'period_start' THEN $$date '2024-01-01'$$
                WHEN a.nm = 'frequency' THEN format('(customer %% 3)::%s', a.t::regtype)
                WHEN a.nm = 'recency' THEN format('(customer %% 3)::%s', a.t::regtype)
                WHEN a.nm = 't' THEN format('10::%s', a.t::regtype)
                ELSE NULL END;
            IF expr IS NULL THEN
                expr := CASE a.nm
                    WHEN 'a_share' THEN '0.8' WHEN 'b_share' THEN '0.95' WHEN 'bins' THEN '5'
                    WHEN 'higher_is_better' THEN 'true' WHEN 'periods' THEN '6'
                    WHEN 'period' THEN CASE WHEN a.t = 'integer'::regtype THEN '0' ELSE '1 month' END
                    WHEN 'window_len' THEN '90 days'
                    WHEN 'threshold' THEN '0.2' WHEN 'time_unit' THEN '1 day'
                    WHEN 'holidays' THEN '{2024-01-01}'
                    ELSE CASE a.t::regtype::text
                        WHEN 'integer' THEN '6' WHEN 'bigint' THEN '6' WHEN 'double precision' THEN '0.5'
                        WHEN 'numeric' THEN '1' WHEN 'date' THEN '2024-06-30'
                        WHEN 'interval' THEN '1 month' WHEN 'boolean' THEN 'true'
                        ELSE NULL END END;
                expr := format('%L::%s', expr, a.t::regtype);
            END IF;
            args := args || expr;
        END LOOP;
        n := n + 1;
        v := format('agg_%s_%s', f.proname, n);
        BEGIN
            IF f.prokind = 'a' THEN
                -- rows in a fixed order: a float sum's last bits must not depend on
                -- the plan the refresh after restore happens to get
                EXECUTE format('CREATE MATERIALIZED VIEW sales.%I AS SELECT customer, (%s(%s ORDER BY id))::text AS r
                                FROM sales.orders GROUP BY customer', v, f.oid::regproc, array_to_string(args, ', '));
            ELSE
                -- the same: a window function may break ties by the rows'
                -- order in the window (quota_allocate's remainder cents)
                EXECUTE format('CREATE MATERIALIZED VIEW sales.%I AS SELECT customer, %s(%s) OVER (ORDER BY customer
                                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS r
                                FROM sales.orders GROUP BY customer', v, f.oid::regproc, array_to_string(args, ', '));
            END IF;
            INSERT INTO public.qx_dump_created VALUES (f.prokind, f.oid::regprocedure::text, v, NULL);
        EXCEPTION WHEN OTHERS THEN
            INSERT INTO public.qx_dump_created VALUES (f.prokind, f.oid::regprocedure::text, v, SQLSTATE || ' ' || SQLERRM);
        END;
    END LOOP;
END
$do$;
SQL
rc=$?
check "source database built (extension in schema qx, trigger, matviews)" "$rc"
q -d $src -F ' ' -c "SELECT CASE WHEN error IS NULL THEN 'matview ' || view || ' uses ' ELSE 'NOT CREATED (' || error || '): ' END || name FROM public.qx_dump_created ORDER BY view"
nagg=$(q -d $src -c "SELECT count(*) FROM public.qx_dump_created WHERE error IS NULL")
nbad=$(q -d $src -c "SELECT count(*) FROM public.qx_dump_created WHERE error IS NOT NULL")
echo "aggregates and window functions in materialized views: $nagg ($nbad could not be mapped)"
check "every aggregate/window function of the extension mapped into a matview" "$([ "$nbad" -eq 0 ]; echo $?)"
q -d $src -c "DROP TABLE public.qx_dump_created" >/dev/null

fingerprint() { qx_sales_fingerprint "$1"; }	# test/lib/suite.sh
before=$(fingerprint $src)
nrel=$(echo "$before" | grep -c .)

"$QX_BIN/pg_dump" -Fc -d $src -f "$dump"
rc=$?	# before the message's $(...), which sets $? of its own
check "pg_dump -Fc ($QX_BIN/pg_dump, $(stat -c %s "$dump" 2>/dev/null) bytes)" "$rc"
q -d postgres -c "CREATE DATABASE $dst TEMPLATE template0" >/dev/null
"$QX_BIN/pg_restore" --exit-on-error -d $dst "$dump"
check "pg_restore into a new database" $?

after=$(fingerprint $dst)
if [ "$before" = "$after" ] && [ "$nrel" -gt 0 ]; then
	check "data equal after restore: md5 of ordered rows of $nrel tables and matviews" 0
else
	check "data equal after restore" 1 "$(diff <(echo "$before") <(echo "$after"))"
fi

# the restored views refresh (functions resolve without search_path) to the same data
q -d $dst -c "SELECT 'REFRESH MATERIALIZED VIEW ' || c.oid::regclass FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'sales' AND c.relkind = 'm'" | sed 's/$/;/' |
	q -d $dst -v ON_ERROR_STOP=1 >/dev/null
rc=$?
refreshed=$(fingerprint $dst)
[ "$rc" -eq 0 ] && [ "$refreshed" = "$before" ]
check "materialized views refresh after restore to the same data" $? \
	"(refresh exit status $rc) $(diff <(echo "$before") <(echo "$refreshed") | head -20)"

# the trigger still works after restore
res=$(q -q -d $dst <<'SQL'
SET search_path = pg_catalog;
INSERT INTO sales.deals (id, rep, agreement, objections) VALUES (100, 'rep9', 0.1, 3);
SELECT flagged, flagged_since IS NOT NULL FROM sales.deals WHERE id = 100;
UPDATE sales.deals SET agreement = 0.9, objections = 1 WHERE id = 100;
SELECT flagged, flagged_since IS NULL FROM sales.deals WHERE id = 100;
SELECT count(*) FROM sales.deals WHERE flagged AND flagged_since IS NULL;
SQL
)
[ "$(echo $res)" = "t|t f|t 0" ]
check "trigger works after restore (flag raised with since, cleared, restored since values kept)" $? "got: $(echo $res)"

# the user's label rows came with the dump (pg_extension_config_dump), the
# functions read them, and a change in the restored database is seen
LABELS_SQL="SELECT string_agg(format('%s/%s/%s/%s/%s', kind, code, rank, color, labels), ' ' ORDER BY kind COLLATE \"C\", code COLLATE \"C\") FROM qx.quota_label_custom"
lab_src=$(q -d $src -c "$LABELS_SQL")
lab_dst=$(q -d $dst -c "$LABELS_SQL")
[ -n "$lab_src" ] && [ "$lab_src" = "$lab_dst" ]
check "the user's rows of quota_label_custom survive dump and restore" $? "src: $lab_src dst: $lab_dst"
res=$(q -d $dst -c "SELECT qx.quota_label('rfm', 'Золоті', 'uk') || '|' || qx.quota_label('heat', 'green', 'ru') || '|' || qx.segment_direction('rfm', 'Сплячі', 'Золоті')" \
	-c "INSERT INTO qx.quota_label_custom (kind, code, rank, labels) VALUES ('rfm', 'Нові', 3, '{\"uk\": \"Нові клієнти\"}')" \
	-c "SELECT qx.quota_label('rfm', 'Нові', 'uk')" 2>&1 | paste -sd' ')
[ "$res" = "Золоті клієнти|Есть куда расти|up Нові клієнти" ]
check "after restore the labels read them, and a new row is seen at once" $? "got: $res"
n=$(q -d $dst -c "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'qx.quota_label_custom'::regclass AND tgname = 'quota_label_custom_changed'")
[ "$n" = 1 ]
check "the restored table keeps its cache-invalidating trigger (once, from CREATE EXTENSION)" $? "$n"

for d in $src $dst; do q -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null; done
rm -f "$dump"
qx_summary
