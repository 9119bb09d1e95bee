#!/usr/bin/env bash
# Every state value that an output function writes, its input function reads
# back (README "Aggregates at scale: parallel plans, _partial and _merge"):
# for each transferable
# state type, values at the edges -- subnormal floats (1e-310, 5e-324), -0,
# the largest and smallest normal doubles, the first and last date
# PostgreSQL has, the longest money numeric can hold (131072 digits before
# the point, 16383 after), int64 and int32 extremes (rfm_kinetic's as_of
# stays within the timestamp range its window arithmetic needs) -- go through
#   1. text: v::text::T gives back the same bytes (T_send equal), and the
#      text of a hand-written literal is that literal (canonical form; the
#      floats in the literals are what float8out prints for them);
#   2. COPY in text and in binary format into a second table;
#   3. pg_dump -Fc and pg_restore into a new database;
# each compared by md5 of the ordered values' binary (send) form.
# qx-tier: fast
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
source "$(dirname "$0")/lib/suite.sh"
src=qx_rt_src
dst=qx_rt_dst
tmp=$(mktemp -d /tmp/qx_rt.XXXXXX)
chmod 777 "$tmp"
passed=0
failed=0
check() {	# check NAME CONDITION-RESULT(0/1) [detail]
	if [ "$2" -eq 0 ]; then echo "ok   $1"; passed=$((passed + 1))
	else echo "FAIL $1 ${3:-}"; failed=$((failed + 1)); fi
}
q() { psql -X -At -v ON_ERROR_STOP=1 "$@"; }

for d in $src $dst; do q -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1; done
q -d postgres -c "CREATE DATABASE $src TEMPLATE template0" >/dev/null

# The literals.  Floats are written as float8out prints them (shortest
# exact decimal), dates as ISO with astronomical years (-4713-11-24 is the
# first date PostgreSQL has, 4714-11-24 BC).
q -d $src >/dev/null <<'SQL'
CREATE EXTENSION quota_ext;
CREATE TABLE lit (t text, v text);
CREATE FUNCTION money_max() RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT repeat('9', 131072) || '.' || repeat('9', 16383) $$;
INSERT INTO lit VALUES
 ('rfm_summary_state', 'v1 as_of=2024-03-31 orders=0 first=none last=none monetary=0'),
 ('rfm_summary_state', 'v1 as_of=5874897-12-31 orders=9223372036854775807 first=-4713-11-24 last=5874897-12-31 monetary=' || money_max()),
 ('rfm_summary_state', 'v1 as_of=2024-03-31 orders=2 first=2024-01-01 last=2024-03-31 monetary=-' || money_max()),
 ('rfm_summary_state', 'v1 as_of=2024-03-31 orders=1 first=2024-03-31 last=2024-03-31 monetary=0.000000000000000000000000000001'),
 ('rfm_summary_state', 'v1 as_of=2024-03-31 orders=1 first=2024-03-31 last=2024-03-31 monetary=-0.0000000000000000000000000000001'),
 ('rfm_summary_state', 'v1 as_of=2024-03-31 orders=1 first=2024-03-31 last=2024-03-31 monetary=170141183460469231731687303715884105727'),
 ('btyd_summary_state', 'v1 as_of=5874897-12-31 time_unit_days=2147483647 first_day_sum=' || money_max() || ' repeat_sum=-' || money_max() || ' days=-4713-11-24,0001-01-01,5874897-12-31'),
 ('btyd_summary_state', 'v1 as_of=2024-03-31 time_unit_days=1 first_day_sum=0 repeat_sum=0 days=none'),
 ('rfm_kinetic_state', 'v1 as_of=2024-03-31 window_months=0 window_days=90 window_usecs=0 threshold=1e-310 orders=1 first=2024-03-01 last=2024-03-01 monetary=5 orders_recent=1 revenue_recent=5 orders_prior=0 revenue_prior=0'),
 ('rfm_kinetic_state', 'v1 as_of=2024-03-31 window_months=0 window_days=90 window_usecs=0 threshold=5e-324 orders=0 first=none last=none monetary=0 orders_recent=0 revenue_recent=0 orders_prior=0 revenue_prior=0'),
 ('rfm_kinetic_state', 'v1 as_of=2024-03-31 window_months=0 window_days=90 window_usecs=0 threshold=2.2250738585072014e-308 orders=0 first=none last=none monetary=0 orders_recent=0 revenue_recent=0 orders_prior=0 revenue_prior=0'),
 ('rfm_kinetic_state', 'v1 as_of=2024-03-31 window_months=0 window_days=90 window_usecs=0 threshold=0.9999999999999999 orders=0 first=none last=none monetary=0 orders_recent=0 revenue_recent=0 orders_prior=0 revenue_prior=0'),
 ('rfm_kinetic_state', 'v1 as_of=294276-12-30 window_months=1200 window_days=1 window_usecs=1 threshold=0.2000000000000001 orders=3 first=-4713-11-24 last=294276-12-30 monetary=' || money_max() || ' orders_recent=1 revenue_recent=-' || money_max() || ' orders_prior=0 revenue_prior=0'),
 ('demand_cv_state', 'v1;start=2024-01-01;periods=11;period=0,0,1;rows=9223372036854775807;sums=1e-310,-1e-310,-0,1.7976931348623157e+308,-1.7976931348623157e+308,5e-324,-5e-324,2.2250738585072014e-308,0.1,1.2345678901234568e+20,0'),
 ('demand_cv_state', 'v1;start=-4713-11-24;periods=2;period=2147483647,2147483647,9223372036854775807;rows=0;sums=0,-0'),
 ('demand_cv_state', 'v1;start=5874897-12-31;periods=2;period=1,0,0;rows=1;sums=5,0'),
 ('pipeline_forecast_state', 'v1 deals=0 scale=0 target=none expected=0 coarse=0 open=none'),
 -- expected is sum(amount * p::numeric) over the open deals (issue 19: the input checks it)
 ('pipeline_forecast_state', 'v1 deals=9223372036854775807 scale=2 target=-5.5 expected='
   || (0.01 * 5e-324::float8::numeric + 92233720368547758.07 + 0.50 * 0.9999999999999999::float8::numeric)
   || ' coarse=0 open=0.01@5e-324,92233720368547758.07@1,0.50@0.9999999999999999'),
 ('pipeline_forecast_state', 'v1 deals=2 scale=1000 target=' || money_max() || ' expected='
   || (round(1.7976931348623157e+308, 30) * 1e-310::float8::numeric + round(5e+307, 30) * 2.2250738585072014e-308::float8::numeric)
   || ' coarse=0 open=' || round(1.7976931348623157e+308, 30) || '@1e-310,' || round(5e+307, 30) || '@2.2250738585072014e-308'),
 ('btyd_holdout_state', 'v1 calibration{v1 as_of=2024-03-31 time_unit_days=1 first_day_sum=0 repeat_sum=0 days=none} holdout{v1 as_of=2024-03-31 time_unit_days=1 first_day_sum=0 repeat_sum=0 days=none}'),
 ('btyd_holdout_state', 'v1 calibration{v1 as_of=0001-01-01 time_unit_days=2147483647 first_day_sum=' || money_max() || ' repeat_sum=-' || money_max() || ' days=-4713-11-24,0001-01-01} holdout{v1 as_of=5874897-12-31 time_unit_days=2147483647 first_day_sum=-' || money_max() || ' repeat_sum=0.000000000000000000000000000001 days=0001-01-02,5874897-12-31}'),
 ('bgnbd_fit_state', '1:'),
 ('bgnbd_fit_state', '1:(0,0,5e-300,1),(1,2.2250738585072014e-308,1,1),(2147483647,1.7976931348623157e+308,1.7976931348623157e+308,9223372036854775807)'),
 -- SPEC §15 (win_calibration, isotonic_fit, isotonic_model, forecast_backtest)
 ('win_calibration_state', 'v1 bins=10 deals=0 wins=0 brier=0 log_loss=0 cells=none'),
 ('win_calibration_state', 'v1 bins=10000 deals=9223372036854775807 wins=1 brier=5e-324 log_loss=1e+20 cells=1:9223372036854775806:0:1e-310,10000:1:1:0.9999999999999999'),
 ('isotonic_fit_state', 'v1 points=none'),
 ('isotonic_fit_state', 'v1 points=-1.7976931348623157e+308:9223372036854775805:0,5e-324:1:1,1.7976931348623157e+308:1:0'),
 ('isotonic_model', 'v1 rows=9223372036854775807 points=-1.7976931348623157e+308:0,-5e-324:5e-324,0:0.30000000000000004,1.7976931348623157e+308:1'),
 ('isotonic_model', 'v1 rows=1 points=0.1:1'),
 ('forecast_backtest_state', 'v1 periods=0 inside=0 below=0 above=0 positive=0 pinball=0 ape=0 bias=0'),
 ('forecast_backtest_state', 'v1 periods=9223372036854775807 inside=9223372036854775805 below=1 above=1 positive=9223372036854775807 pinball=1.7976931348623157e+308 ape=5e-324 bias=-1.7976931348623157e+308');

-- one table per state type: the literals and states the aggregates make
CREATE TABLE st_rfm_summary_state (id serial, v rfm_summary_state);
CREATE TABLE st_btyd_summary_state (id serial, v btyd_summary_state);
CREATE TABLE st_rfm_kinetic_state (id serial, v rfm_kinetic_state);
CREATE TABLE st_demand_cv_state (id serial, v demand_cv_state);
CREATE TABLE st_bgnbd_fit_state (id serial, v bgnbd_fit_state);
CREATE TABLE st_pipeline_forecast_state (id serial, v pipeline_forecast_state);
CREATE TABLE st_win_calibration_state (id serial, v win_calibration_state);
CREATE TABLE st_isotonic_fit_state (id serial, v isotonic_fit_state);
CREATE TABLE st_isotonic_model (id serial, v isotonic_model);
CREATE TABLE st_forecast_backtest_state (id serial, v forecast_backtest_state);
CREATE TABLE st_btyd_holdout_state (id serial, v btyd_holdout_state);
SQL
check "source database with the literals" $?

types="rfm_summary_state btyd_summary_state rfm_kinetic_state demand_cv_state bgnbd_fit_state pipeline_forecast_state btyd_holdout_state win_calibration_state isotonic_fit_state isotonic_model forecast_backtest_state"
# (each loop's queries in one psql session: qx_batch, test/lib/suite.sh)
declare -A r=()
qx_batch r -d $src < <(for t in $types; do
	echo "\\echo @@qx@@ins:$t"
	echo "INSERT INTO st_$t (v) SELECT v::$t FROM lit WHERE t = '$t' ORDER BY lit.v;"
	echo "\\echo @@qx@@bad:$t"
	echo "SELECT count(*) FROM lit WHERE t = '$t' AND v::$t::text <> v;"
done)
for t in $types; do
	qx_batch_ok r "ins:$t"
	check "$t: every literal is accepted" $? "${r[ins:$t]-}"
	bad=${r[bad:$t]-}
	check "$t: each literal's output is the literal itself" "$([ "$bad" = 0 ]; echo $?)" "($bad differ)"
done

# states the aggregates make from extreme inputs
q -d $src >/dev/null <<'SQL'
INSERT INTO st_rfm_kinetic_state (v)
SELECT rfm_kinetic_partial(ts, amount, '2024-03-31', '90 days', thr)
FROM (VALUES ('2024-03-01'::date, money_max()::numeric), ('2024-01-15', -0.01)) o(ts, amount),
     unnest(ARRAY[1e-310, 5e-324, 0.9999999999999999, 0.2000000000000001]::float8[]) thr
GROUP BY thr;
INSERT INTO st_demand_cv_state (v)
SELECT demand_cv_partial(ts, a, '2024-01-01', 3)
FROM (VALUES ('2024-01-05'::date, 1e-310::float8), ('2024-02-05', -5e-324), ('2024-03-05', 1.7976931348623157e308)) o(ts, a);
INSERT INTO st_rfm_summary_state (v)
SELECT rfm_summary_partial(ts, a, '5874897-12-31') FROM (VALUES ('4713-11-24 BC'::date, money_max()::numeric), ('5874897-12-31', 0)) o(ts, a);
INSERT INTO st_btyd_summary_state (v)
SELECT btyd_summary_partial(ts, a, '2024-03-31', '2147483647 days')
FROM (VALUES ('4713-11-24 BC'::date, -money_max()::numeric), ('2024-03-31', 0.5)) o(ts, a);
INSERT INTO st_pipeline_forecast_state (v)
SELECT pipeline_forecast_partial(a, p, t)
FROM (VALUES (1e307, 0.5::float8), (3e300, 5e-324), (0, 1e-310), (1e300, 1)) o(a, p),
     (VALUES (money_max()::numeric), (-money_max()::numeric)) x(t)
GROUP BY t;
INSERT INTO st_pipeline_forecast_state (v)
SELECT pipeline_forecast_partial(a, p)
FROM (VALUES (92233720368547758.07, 0.9999999999999999::float8), (0.01, 5e-324)) o(a, p);
INSERT INTO st_btyd_holdout_state (v)
SELECT btyd_holdout_partial(ts, a, '2024-03-31', '5874897-12-31', '2147483647 days')
FROM (VALUES ('4713-11-24 BC'::date, -money_max()::numeric), ('2024-03-31', 0.5), ('5874897-12-31', money_max()::numeric)) o(ts, a);
SQL
check "states from the partial aggregates with extreme inputs" $?

# 1. text: output then input gives the same binary value
# 2. COPY out and in, text and binary
digest_sql() {	# digest_sql TABLE TYPE: md5 of the values' send form in id order
	echo "SELECT count(*) || ' ' || md5(string_agg(encode(${2}_send(v), 'hex'), ',' ORDER BY id)) FROM $1;"
}
qx_batch r -d $src < <(for t in $types; do
	echo "\\echo @@qx@@bad:$t"
	echo "SELECT count(*) FROM st_$t WHERE ${t}_send(v::text::$t) IS DISTINCT FROM ${t}_send(v);"
	echo "\\echo @@qx@@n:$t"
	echo "SELECT count(*) FROM st_$t;"
done
for t in $types; do
	for fmt in text binary; do
		echo "\\echo @@qx@@copy:$t:$fmt"
		echo "CREATE TABLE copy_$t (LIKE st_$t);"
		echo "COPY st_$t TO '$tmp/$t.$fmt' (FORMAT $fmt);"
		echo "COPY copy_$t FROM '$tmp/$t.$fmt' (FORMAT $fmt);"
		echo "\\echo @@qx@@a:$t:$fmt"
		digest_sql st_$t $t
		echo "\\echo @@qx@@b:$t:$fmt"
		digest_sql copy_$t $t
		echo "\\echo @@qx@@drop:$t:$fmt"
		echo "DROP TABLE IF EXISTS copy_$t;"
	done
done
# 3. (below) the digests before pg_dump
for t in $types; do
	echo "\\echo @@qx@@before:$t"
	digest_sql st_$t $t
done)
for t in $types; do
	bad=${r[bad:$t]-}
	n=${r[n:$t]-}
	check "$t: text round trip of $n values is exact" "$([ "$bad" = 0 ] && [ "$n" -gt 0 ]; echo $?)" "($bad differ)"
done
for t in $types; do
	for fmt in text binary; do
		qx_batch_ok r "copy:$t:$fmt"
		rc=$?
		a=${r[a:$t:$fmt]-}
		b=${r[b:$t:$fmt]-}
		[ "$rc" -eq 0 ] && [ -n "$a" ] && [ "$a" = "$b" ]
		check "$t: COPY (FORMAT $fmt) out and in gives the same values" $? "($a / $b)"
	done
done

# 3. pg_dump and pg_restore
before=$(for t in $types; do echo "${r[before:$t]-}"; done)
"$QX_BIN/pg_dump" -Fc -d $src -f "$tmp/dump"
check "pg_dump -Fc" $?
q -d postgres -c "CREATE DATABASE $dst TEMPLATE template0" >/dev/null
"$QX_BIN/pg_restore" --exit-on-error -d $dst "$tmp/dump"
check "pg_restore loses no table" $?
qx_batch r -d $dst < <(for t in $types; do
	echo "\\echo @@qx@@after:$t"
	digest_sql st_$t $t
done)
after=$(for t in $types; do echo "${r[after:$t]-}"; done)
[ "$before" = "$after" ] && ! grep -qx '' <<<"$before"
check "values equal after pg_dump / pg_restore" $? "$(diff <(echo "$before") <(echo "$after"))"

# the fit states (bgnbd_fit_state, and gammagamma_fit_state in the same
# layout) read a subnormal back through the shared codec too
for v in "bgnbd_fit_state|1:(1,1e-310,1,1)" "gammagamma_fit_state|1:(2,1e-310,1)"; do
	typ=${v%%|*}; val=${v#*|}
	got=$(q -d $src -c "SELECT '$val'::$typ::text::$typ::text = '$val'::$typ::text AND '$val'::$typ::text LIKE '%1e-310%'" 2>&1)
	[ "$got" = t ]
	check "$typ: a subnormal (1e-310) reads back through text" $? "$got"
done

for d in $src $dst; do q -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1; done
rm -rf "$tmp"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
