#!/usr/bin/env bash
# qx-tier: once
# Fingerprint of everything src/pipeline_forecast*.c and src/forecast_engine.c
# compute (issue 20: the forecast refactor must leave every result bit for
# bit as it was).  On a fixed set of inputs -- the demo data of
# scripts/gen_data.sql (per rep, per customer bucket, with and without a
# target), random deal sets of 1, 2, 40, 41 and 500 deals in several kinds
# (cents, small integers for the dense method, 12-digit integers for the
# sparse / meet-in-the-middle / grid methods, 5 decimals, mixed scales with
# NULLs, zero amounts and p = 0 / 1, a few repeated amounts for the binomial
# runs), 200,000 deals of one amount, all-p=0, all-p=1 and all-NULL groups,
# targets none / 0 / negative / inside / beyond -- it prints
#   pipeline_forecast(amount, p [, target]) (every field, float8 in full),
#   pipeline_forecast_partial(...)::text and pipeline_forecast_state_send(...),
#   pipeline_forecast_merge over the partials of three slices,
#   the state read back from its text (state_in) and from COPY BINARY (recv),
#   pipeline_forecast_state_combine / _state_final, a forced parallel plan,
#   version-1 state literals, and the SQLSTATE and message of the errors,
# and compares the md5 of each section's output and of the whole with the
# md5s recorded at the pre-refactor commit 9d8858b (main, "purchase_pmf: one
# Gauss-Legendre rule"), the code before the forecast engine was split out.
# The expected md5s are not what the code under test printed after the change:
# they were recorded by this script at 9d8858b, before any line of
# src/pipeline_forecast.c moved.  A result that changes by one ulp, one digit
# of a state or one character of an error message fails.
# The finals that cost the server a second each (40 open deals of distinct
# amounts: the exact meet in the middle) are computed where they add
# something: in sets, three targets instead of six on those sets (and on the
# 200,000 deals); in states, combine and the parallel plan, for cents_41
# only of the four (the others' states are still printed).  The md5s of
# sets, states, combine and all were re-recorded then, by this script run at
# 9d8858b (a worktree at that commit, built into its own root:
#   bash /tmp/withserver.sh fp9d PORT env QX_FP_PRINT=1 bash .../test/forecast_fingerprint.sh
# from that tree), and the code under test gives the same.
#   QX_FP_PRINT=1 bash test/forecast_fingerprint.sh   # print the md5s only
# Runs against the server in PGHOST/PGPORT/PGUSER; ends with "N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/suite.sh"
command -v psql >/dev/null || qx_missing "psql"
[ -f "$here/../scripts/gen_data.sql" ] || qx_missing "scripts/gen_data.sql"

db=qx_fc_fingerprint
tmp=$(mktemp -d /tmp/qx_fcfp.XXXXXX)
chmod 777 "$tmp"
trap '[ -n "${QX_FP_KEEP:-}" ] || rm -rf "$tmp"; psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1' EXIT
# serial plans (a state lists its deals in the order the rows came), except
# where a section asks for a parallel one and prints only order-free results
q() { PGOPTIONS="-c max_parallel_workers_per_gather=0" psql -X -q -At -v ON_ERROR_STOP=1 -d $db "$@"; }

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $db TEMPLATE template0" >/dev/null ||
	qx_missing "a server to create database $db on"
q -c "CREATE EXTENSION quota_ext" >/dev/null || qx_missing "extension quota_ext"
q -v customers=2000 -f "$here/../scripts/gen_data.sql" >/dev/null 2>&1 || qx_missing "demo data (scripts/gen_data.sql)"

# The random deal sets: deterministic (setseed), built once.
q >/dev/null <<'SQL' || qx_missing "the random deal sets"
SELECT setseed(0.2020);
CREATE TABLE fp_deals (set_id text, i int, amount numeric, p float8);
CREATE TABLE fp_sets (set_id text PRIMARY KEY, target numeric);
INSERT INTO fp_deals
SELECT k || '_' || n, i,
       CASE k
         WHEN 'cents' THEN round((random() * 100000)::numeric, 2)
         WHEN 'int' THEN floor(random() * 1000)::numeric + 1
         WHEN 'big' THEN round((random() * 1e12)::numeric, 0) + 1
         WHEN 'scale5' THEN round((random() * 1000)::numeric, 5)
         WHEN 'mixed' THEN CASE WHEN random() < 0.1 THEN NULL
                                WHEN random() < 0.1 THEN 0
                                ELSE round((random() * 10000)::numeric, (i % 4) * 2) END
         WHEN 'runs' THEN (ARRAY[100, 250.5, 1000, 99999.99])[1 + floor(random() * 4)::int]
       END,
       CASE WHEN k = 'mixed' THEN
              CASE WHEN random() < 0.1 THEN NULL WHEN random() < 0.15 THEN 0
                   WHEN random() < 0.15 THEN 1 ELSE random() END
            ELSE round(random()::numeric, 3)::float8 END
FROM unnest(ARRAY['cents', 'int', 'big', 'scale5', 'mixed', 'runs']) k,
     unnest(ARRAY[1, 2, 40, 41, 500]) n,
     generate_series(1, n) i;
-- 200,000 deals of one amount; a run of 5,000 of another beside 3 odd ones
INSERT INTO fp_deals SELECT 'one_200000', i, 1000, round(random()::numeric, 2)::float8
FROM generate_series(1, 200000) i;
INSERT INTO fp_deals SELECT 'tworuns_5003', i,
       CASE WHEN i <= 5000 THEN 1234.56 ELSE 7777777.77 * i END, 0.3 + (i % 7) / 10.0
FROM generate_series(1, 5003) i;
-- probability 0 and 1 only, all NULL, one deal at p = 1
INSERT INTO fp_deals SELECT 'p0_40', i, i * 10.5, 0 FROM generate_series(1, 40) i;
INSERT INTO fp_deals SELECT 'p1_40', i, i * 10.5, 1 FROM generate_series(1, 40) i;
INSERT INTO fp_deals SELECT 'p01_41', i, i * 3, (i % 2)::float8 FROM generate_series(1, 41) i;
INSERT INTO fp_deals SELECT 'null_5', i, CASE WHEN i % 2 = 0 THEN i END,
       CASE WHEN i % 2 = 1 THEN 0.5 END FROM generate_series(1, 5) i;
-- scales: numeric(40,20), 30 decimals, huge amounts (grid), tiny probabilities
INSERT INTO fp_deals SELECT 'wide_41', i, (66589.86 + i)::numeric(40,20), 0.5 FROM generate_series(1, 41) i;
INSERT INTO fp_deals SELECT 'dec30_3', i, 1.000000000000000000000000000001 * i, 0.25 * i
FROM generate_series(1, 3) i;
INSERT INTO fp_deals SELECT 'huge_60', i, (10::numeric ^ 20) * i + i, 0.01 * i FROM generate_series(1, 60) i;
INSERT INTO fp_deals SELECT 'tiny_41', i, i, 1e-300 * i FROM generate_series(1, 41) i;
INSERT INTO fp_sets
SELECT set_id, round(coalesce(sum(amount), 0) * 0.3, 2) FROM fp_deals GROUP BY set_id;
ANALYZE fp_deals;
SQL

run_sections() {
	q -o "$tmp/demo.out" <<'SQL'
SELECT 'rep', rep_id, pipeline_forecast(amount, close_probability(agreement, objections))::text,
       pipeline_forecast(amount, close_probability(agreement, objections), 50000)::text
FROM sales.deals GROUP BY rep_id ORDER BY rep_id;
SELECT 'all', pipeline_forecast(amount, close_probability(agreement, objections))::text,
       pipeline_forecast(amount, close_probability(agreement, objections), 1000000)::text,
       md5(pipeline_forecast_partial(amount, close_probability(agreement, objections), 1000000)::text),
       md5(pipeline_forecast_state_send(pipeline_forecast_partial(amount, close_probability(agreement, objections))))
FROM sales.deals;
SELECT 'merge', pipeline_forecast_merge(s)::text
FROM (SELECT customer_id % 7 b, pipeline_forecast_partial(amount, close_probability(agreement, objections), 250000) s
      FROM sales.deals GROUP BY 1) x;
SELECT 'merge_rep', rep_id % 3, pipeline_forecast_merge(s)::text
FROM (SELECT rep_id, pipeline_forecast_partial(amount, close_probability(agreement, objections)) s
      FROM sales.deals GROUP BY 1) x GROUP BY 2 ORDER BY 2;
SQL
	[ $? -eq 0 ] || return 1
	# Every target repeats the no-target fields (the distribution does not
	# depend on it) and adds p_target; targets 0 and -1.5 take p_target = 1
	# before the distribution is read.  On the sets whose final costs the
	# server about a second (the four of 40 open deals of distinct amounts,
	# which go to the exact meet in the middle, and the 200,000 deals) only
	# no target, the target (30 % of the total) and 3 x target + 1 (the
	# upper tail) are computed; on every other set all six.
	q -o "$tmp/sets.out" <<'SQL'
SELECT d.set_id, count(*),
       pipeline_forecast(amount, p)::text,
       pipeline_forecast(amount, p, s.target)::text,
       pipeline_forecast(amount, p, 0)
         FILTER (WHERE d.set_id NOT IN ('big_40', 'cents_40', 'cents_41', 'scale5_40', 'one_200000'))::text,
       pipeline_forecast(amount, p, -1.5)
         FILTER (WHERE d.set_id NOT IN ('big_40', 'cents_40', 'cents_41', 'scale5_40', 'one_200000'))::text,
       pipeline_forecast(amount, p, s.target * 3 + 1)::text,
       pipeline_forecast(amount, p, s.target / 0.3 * 0.5)
         FILTER (WHERE d.set_id NOT IN ('big_40', 'cents_40', 'cents_41', 'scale5_40', 'one_200000'))::text
FROM fp_deals d JOIN fp_sets s USING (set_id) GROUP BY d.set_id, s.target ORDER BY d.set_id;
SQL
	[ $? -eq 0 ] || return 1
	q -o "$tmp/states.out" <<'SQL'
CREATE TEMP TABLE st AS
SELECT d.set_id, i % 3 AS slice, pipeline_forecast_partial(amount, p) AS a,
       pipeline_forecast_partial(amount, p, s.target) AS b
FROM fp_deals d JOIN fp_sets s USING (set_id) GROUP BY 1, 2, s.target;
SELECT set_id, slice, length(a::text), md5(a::text), md5(b::text),
       md5(pipeline_forecast_state_send(a)), md5(pipeline_forecast_state_send(b)),
       CASE WHEN length(b::text) < 2000 THEN b::text END,
       a::text::pipeline_forecast_state::text = a::text,
       pipeline_forecast_state_send(b::text::pipeline_forecast_state) = pipeline_forecast_state_send(b)
FROM st ORDER BY 1, 2;
-- The final of a merged state, for every set but three of the four that go
-- to the meet in the middle (a second each; their states are above, their
-- finals in sets; cents_41, 40 open deals and one at p = 1, stays)
SELECT set_id,
       pipeline_forecast_merge(a) FILTER (WHERE set_id NOT IN ('big_40', 'cents_40', 'scale5_40'))::text,
       pipeline_forecast_merge(b) FILTER (WHERE set_id NOT IN ('big_40', 'cents_40', 'scale5_40'))::text
FROM st GROUP BY set_id ORDER BY set_id;
SQL
	[ $? -eq 0 ] || return 1
	q -v tmp="$tmp" -o "$tmp/combine.out" <<'SQL'
CREATE TEMP TABLE st2 AS
SELECT d.set_id, i % 2 AS slice, pipeline_forecast_partial(amount, p, s.target) AS b
FROM fp_deals d JOIN fp_sets s USING (set_id) GROUP BY 1, 2, s.target;
-- (the finals over whole sets: not for big_40, cents_40, scale5_40, as in states)
SELECT x.set_id,
       CASE WHEN x.set_id NOT IN ('big_40', 'cents_40', 'scale5_40')
            THEN pipeline_forecast_state_final(pipeline_forecast_state_combine(x.b, y.b))::text END,
       md5(pipeline_forecast_state_combine(x.b, y.b)::text),
       md5(pipeline_forecast_state_send(pipeline_forecast_state_combine(y.b, x.b))),
       pipeline_forecast_state_final(x.b)::text,
       pipeline_forecast_state_combine(x.b, NULL)::text = x.b::text
FROM st2 x JOIN st2 y ON x.set_id = y.set_id AND x.slice = 0 AND y.slice = 1 ORDER BY 1;
-- COPY BINARY: the state's send and recv
CREATE TEMP TABLE bin_in (set_id text, slice int, b pipeline_forecast_state);
\set f :tmp '/copy.bin'
COPY st2 TO :'f' WITH (FORMAT binary);
COPY bin_in FROM :'f' WITH (FORMAT binary);
SELECT set_id, slice, md5(b::text), md5(pipeline_forecast_state_send(b)) FROM bin_in ORDER BY 1, 2;
-- a parallel plan (serialize / deserialize / combine)
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT set_config(CASE WHEN current_setting('server_version_num')::int >= 160000
                       THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END, 'on', false) AS forced \gset
SELECT set_id,
       pipeline_forecast(amount, p) FILTER (WHERE set_id NOT IN ('big_40', 'cents_40', 'scale5_40'))::text,
       pipeline_forecast(amount, p, 1000) FILTER (WHERE set_id NOT IN ('big_40', 'cents_40', 'scale5_40'))::text,
       pipeline_forecast_state_final(pipeline_forecast_partial(amount, p)
         FILTER (WHERE set_id NOT IN ('big_40', 'cents_40', 'scale5_40')))::text
FROM fp_deals GROUP BY set_id ORDER BY set_id;
SELECT pipeline_forecast(amount, p)::text, pipeline_forecast_state_final(pipeline_forecast_partial(amount, p, 1e6))::text
FROM fp_deals
WHERE set_id NOT IN ('dec30_3', 'huge_60');
RESET ALL;
SQL
	[ $? -eq 0 ] || return 1
	q -o "$tmp/literals.out" <<'SQL'
SELECT v, pipeline_forecast_state_final(v::pipeline_forecast_state)::text,
       v::pipeline_forecast_state::text, md5(pipeline_forecast_state_send(v::pipeline_forecast_state))
FROM (VALUES
  ('v1 deals=2 scale=0 target=60000 expected=60000 coarse=0 open=50000@0.9,30000@0.5'),
  ('v1 deals=3 scale=0 target=60000 expected=0 coarse=0 open=none'),
  ('v1 deals=5 scale=2 target=100.5 expected=25.50 coarse=0 open=10.00@0.5,20.50@1'),
  ('v1 deals=1 scale=0 target=none expected=500000000000000000000000000000 coarse=1 open=1e+30@0.5'),
  ('v1 deals=3 scale=0 target=none expected=1.875005 coarse=1 open=1.5@0.5,2.25@0.5,1e-5@0.5'),
  ('v1 deals=0 scale=0 target=none expected=0 coarse=0 open=none'),
  ('v1 deals=4 scale=3 target=-1 expected=1.251 coarse=0 open=1.000@0.5,2.000@0.25,0.001@1,0.500@0.5')
) t(v) ORDER BY 1;
SQL
	[ $? -eq 0 ] || return 1
	q -o "$tmp/errors.out" <<'SQL'
CREATE FUNCTION pg_temp.err(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN EXECUTE sql; RETURN 'no error';
EXCEPTION WHEN OTHERS THEN RETURN SQLSTATE || ' ' || SQLERRM; END $$;
SELECT s, pg_temp.err(s) FROM (VALUES
  ('SELECT pipeline_forecast(10, 1.5)'),
  ('SELECT pipeline_forecast(10, -0.1)'),
  ('SELECT pipeline_forecast(10, ''NaN'')'),
  ('SELECT pipeline_forecast(''NaN'', 0.5)'),
  ('SELECT pipeline_forecast(''Infinity'', 0.5)'),
  ('SELECT pipeline_forecast(-10, 0.5)'),
  ('SELECT pipeline_forecast(10, 0.5, NULL)'),
  ('SELECT pipeline_forecast(10, 0.5, ''NaN'')'),
  ('SELECT pipeline_forecast(a, 0.5, a) FROM (VALUES (1), (2)) v(a)'),
  ('SELECT pipeline_forecast(a, 0.5) FROM (VALUES (1e100), (1e-100)) v(a)'),
  ('SELECT pipeline_forecast(a, 0.5) FROM (VALUES (1e30), (1e-30)) v(a)'),
  ('SELECT pipeline_forecast_merge(s) FROM (VALUES (''v1 deals=1 scale=0 target=1 expected=0 coarse=0 open=none''::pipeline_forecast_state), (''v1 deals=1 scale=0 target=2 expected=0 coarse=0 open=none'')) v(s)'),
  ('SELECT ''v2 deals=1 scale=0 target=none expected=0 coarse=0 open=none''::pipeline_forecast_state'),
  ('SELECT ''v1 deals=1 scale=0 target=none expected=0 coarse=0''::pipeline_forecast_state'),
  ('SELECT ''v1 deals=-1 scale=0 target=none expected=0 coarse=0 open=none''::pipeline_forecast_state'),
  ('SELECT ''v1 deals=1 scale=0 target=none expected=-5 coarse=0 open=none''::pipeline_forecast_state'),
  ('SELECT ''v1 deals=1 scale=0 target=none expected=5 coarse=0 open=none''::pipeline_forecast_state'),
  ('SELECT ''v1 deals=1 scale=0 target=abc expected=0 coarse=0 open=none''::pipeline_forecast_state'),
  ('SELECT ''v1 deals=1 scale=0 target=none expected=0 coarse=0 open=10@1.5''::pipeline_forecast_state'),
  ('SELECT ''v1 deals=1 scale=0 target=none expected=0 coarse=0 open=10@0''::pipeline_forecast_state'),
  ('SELECT ''v1 deals=1 scale=0 target=none expected=0 coarse=0 open=10.5@0.5''::pipeline_forecast_state'),
  ('SELECT ''v1 deals=1 scale=0 target=none expected=0 coarse=0 open=10@0.5,20@0.5''::pipeline_forecast_state'),
  ('SELECT ''v1 deals=1 scale=0 target=none expected=0 coarse=0 open=999999999999999999999999999999999999999@0.5''::pipeline_forecast_state'),
  ('SELECT ''v1 deals=1 scale=0 target=none expected=0 coarse=1 open=NaN@0.5''::pipeline_forecast_state'),
  ('SELECT ''junk''::pipeline_forecast_state')
) t(s) ORDER BY s;
SQL
}

if ! run_sections 2>"$tmp/stderr"; then
	cat "$tmp/stderr"
	qx_check "the fingerprint queries ran" 1 "(see above)"
	qx_summary
	exit 1
fi
qx_check "the fingerprint queries ran" 0

# md5s recorded at 9d8858b (before the refactor); see the header.
declare -A expect=(
	[demo]=05b3b30e09fab2891deff3705ab635cf
	[sets]=942ccf77daab680c478e90f3a06d5eaa
	[states]=ffc0bf810f029fc79cd712788f6e2848
	[combine]=ff54b15161f15d832e75fc080c5bf743
	[literals]=d01492ed0996126893acaf3785b4ed2b
	[errors]=fba7c26fcdd1c71c187665b3566a2672
	[all]=d71c13a25dd7ea08eea499828f0687bb
)
all=""
for s in demo sets states combine literals errors; do
	lines=$(wc -l <"$tmp/$s.out")
	m=$(md5sum <"$tmp/$s.out" | cut -d' ' -f1)
	all+="$m"
	if [ -n "${QX_FP_PRINT:-}" ]; then echo "[$s]=$m  ($lines lines)"; continue; fi
	[ "$lines" -gt 5 ]; qx_check "$s: output not empty ($lines lines)" $?
	[ "$m" = "${expect[$s]}" ]; qx_check "$s: md5 $m as at 9d8858b" $? "(expected ${expect[$s]})"
done
m=$(echo "$all" | md5sum | cut -d' ' -f1)
if [ -n "${QX_FP_PRINT:-}" ]; then echo "[all]=$m"; exit 0; fi
[ "$m" = "${expect[all]}" ]; qx_check "all sections: md5 $m as at 9d8858b" $? "(expected ${expect[all]})"
qx_summary
