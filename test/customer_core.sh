#!/usr/bin/env bash
# The machinery the customer aggregates share (README "Customer aggregates"):
#   - the order row (qx_order_row): rfm_summary, rfm_kinetic, btyd_summary and
#     btyd_holdout skip a row whose ts or amount is NULL or whose ts is after
#     as_of (observation_end), and refuse -infinity ts and NaN/Infinity amounts
#     with 22023 -- the same rule, checked against plain SQL over the same rows;
#   - the RFM core (rfm_core.c) that rfm_summary and rfm_kinetic both embed:
#     merging partial states equals the aggregate over all rows (plain SQL
#     count/sum/min/max), an empty state adds nothing (not even the scale of
#     its zero money), and one malformed core is refused by both state types
#     with the same 22P02 problem.
# qx-tier: fast once (in --fast; in the full command on the first server only:
# plain-SQL formulations of the order-row rule and the RFM core: the same C
# code on every server, checked once (pg_regress runs it on 18.6))
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
source "$(dirname "$0")/lib/suite.sh"
db=qx_customer_core
check() { qx_check "$@"; }	# check NAME CONDITION-RESULT(0/1) [detail]
q() { psql -X -At -q -v ON_ERROR_STOP=1 -d $db "$@"; }
same() {	# same NAME GOT WANT
	[ "$2" = "$3" ]
	check "$1" $? "got [$2] want [$3]"
}

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null
psql -X -q -d postgres -c "CREATE DATABASE $db TEMPLATE template0" >/dev/null
q <<'SQL'
CREATE EXTENSION quota_ext;
-- as_of 2024-03-31 (calibration_end 2024-02-29 for btyd_holdout).  Customer 1
-- counts three rows on two days (2024-01-05 twice, 2024-03-01); the rows with
-- a NULL ts or amount, after as_of, or on +infinity (after any as_of) are
-- skipped.  Customer 2 has one row.
CREATE TABLE o (cust int, ts date, amount numeric);
INSERT INTO o VALUES
  (1, '2024-01-05', 100), (1, '2024-01-05', 0.25), (1, '2024-03-01', 50.5),
  (1, NULL, 9), (1, '2024-02-01', NULL), (1, '2024-04-01', 1000), (1, 'infinity', 7),
  (2, '2024-02-10', 7);
-- the rows the aggregates count, as plain SQL says it
CREATE VIEW counted AS
  SELECT * FROM o WHERE ts IS NOT NULL AND amount IS NOT NULL AND ts <= date '2024-03-31';
CREATE FUNCTION err(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
  EXECUTE sql;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
  RETURN SQLSTATE || ' ' || SQLERRM || coalesce(' / ' || nullif(d, ''), '');
END $$;
SQL
check "scratch database" $?

# ---- the order row, against plain SQL -------------------------------------
want=$(q -c "SELECT cust, date '2024-03-31' - max(ts), count(*), sum(amount), min(ts), max(ts)
  FROM counted GROUP BY cust ORDER BY cust")
got=$(q -c "SELECT cust, (r).recency_days, (r).frequency, (r).monetary, (r).first_order, (r).last_order
  FROM (SELECT cust, rfm_summary(ts, amount, '2024-03-31') r FROM o GROUP BY cust) s ORDER BY cust")
same "rfm_summary counts the rows plain SQL keeps" "$got" "$want"
got=$(q -c "SELECT cust, (r).recency_days, (r).frequency, (r).monetary, (r).first_order, (r).last_order
  FROM (SELECT cust, rfm_kinetic(ts, amount, '2024-03-31') r FROM o GROUP BY cust) s ORDER BY cust")
same "rfm_kinetic counts the rows plain SQL keeps" "$got" "$want"
# btyd_summary: frequency = purchase days - 1, t = days from the first to as_of
want=$(q -c "SELECT cust, count(DISTINCT ts) - 1, (date '2024-03-31' - min(ts))::float8
  FROM counted GROUP BY cust ORDER BY cust")
got=$(q -c "SELECT cust, (r).frequency, (r).t
  FROM (SELECT cust, btyd_summary(ts, amount, '2024-03-31') r FROM o GROUP BY cust) s ORDER BY cust")
same "btyd_summary counts the days plain SQL keeps" "$got" "$want"
# btyd_holdout: days up to 2024-02-29 are calibration, later ones holdout
want=$(q -c "SELECT cust, count(DISTINCT ts) FILTER (WHERE ts <= '2024-02-29') - 1,
    count(DISTINCT ts) FILTER (WHERE ts > '2024-02-29')
  FROM counted GROUP BY cust ORDER BY cust")
got=$(q -c "SELECT cust, (r).frequency_cal, (r).frequency_holdout
  FROM (SELECT cust, btyd_holdout(ts, amount, '2024-02-29', '2024-03-31') r FROM o GROUP BY cust) s
  ORDER BY cust")
same "btyd_holdout counts the days plain SQL keeps" "$got" "$want"

for call in "rfm_summary(ts, amount, '2024-03-31')" "rfm_kinetic(ts, amount, '2024-03-31')" \
	"btyd_summary(ts, amount, '2024-03-31')" "btyd_holdout(ts, amount, '2024-02-29', '2024-03-31')"; do
	agg=${call%%(*}
	got=$(q -c "SELECT err(\$\$SELECT $call FROM (VALUES (date '-infinity', 1::numeric)) v(ts, amount)\$\$)")
	same "$agg: -infinity ts is 22023" "$got" \
		"22023 ts must be a finite date, got -infinity"
	got=$(q -c "SELECT err(\$\$SELECT $call FROM (VALUES (date '2024-01-01', 'NaN'::numeric)) v(ts, amount)\$\$)")
	same "$agg: NaN amount is 22023" "$got" "22023 amount must be a finite number, got NaN"
	# a future row is skipped before its amount is looked at
	got=$(q -c "SELECT err(\$\$SELECT $call FROM (VALUES (date '2024-05-01', 'NaN'::numeric)) v(ts, amount)\$\$)")
	same "$agg: a row after the period is skipped whatever its amount" "$got" "no error"
done

# ---- the RFM core: merge, empty states, malformed cores ---------------------
# two customers' partial states merged = one aggregate over both customers' rows
want=$(q -c "SELECT count(*), sum(amount), min(ts), max(ts) FROM counted")
for agg in rfm_summary rfm_kinetic; do
	got=$(q -c "SELECT (r).frequency, (r).monetary, (r).first_order, (r).last_order
	  FROM (SELECT ${agg}_merge(p) r FROM (SELECT ${agg}_partial(ts, amount, '2024-03-31') p
	    FROM o GROUP BY cust) s) m")
	same "${agg}_merge of partial states equals plain SQL over all rows" "$got" "$want"
done
# an empty state with money written 0.000 merged after customer 2's state:
# sum(amount) over customer 2's rows is 7, not 7.000
empty_rs="v1 as_of=2024-03-31 orders=0 first=none last=none monetary=0.000"
empty_kn="v1 as_of=2024-03-31 window_months=0 window_days=90 window_usecs=0 threshold=0.2 orders=0 first=none last=none monetary=0.000 orders_recent=0 revenue_recent=0 orders_prior=0 revenue_prior=0"
want=$(q -c "SELECT sum(amount) FROM counted WHERE cust = 2")
got=$(q -c "SELECT (rfm_summary_merge(p ORDER BY k)).monetary FROM (
  SELECT 1 k, rfm_summary_partial(ts, amount, '2024-03-31') p FROM o WHERE cust = 2
  UNION ALL SELECT 2, '$empty_rs'::rfm_summary_state) s")
same "rfm_summary: an empty state adds nothing, not its money's scale" "$got" "$want"
got=$(q -c "SELECT (rfm_kinetic_merge(p ORDER BY k)).monetary FROM (
  SELECT 1 k, rfm_kinetic_partial(ts, amount, '2024-03-31') p FROM o WHERE cust = 2
  UNION ALL SELECT 2, '$empty_kn'::rfm_kinetic_state) s")
same "rfm_kinetic: an empty state adds nothing, not its money's scale" "$got" "$want"

# one malformed core, refused by both types with the same problem
kn_tail="orders_recent=0 revenue_recent=0 orders_prior=0 revenue_prior=0"
kn_head="v1 as_of=2024-03-31 window_months=0 window_days=90 window_usecs=0 threshold=0.2"
while IFS='|' read -r core problem; do
	rs=$(q -c "SELECT err(\$\$SELECT 'v1 as_of=2024-03-31 $core'::rfm_summary_state\$\$)")
	kn=$(q -c "SELECT err(\$\$SELECT '$kn_head $core $kn_tail'::rfm_kinetic_state\$\$)")
	case "$rs" in "22P02 "*" / Inconsistent state: $problem.") r=0 ;; *) r=1 ;; esac
	check "rfm_summary_state refuses a core where $problem" $r "$rs"
	case "$kn" in "22P02 "*" / Inconsistent state: $problem.") r=0 ;; *) r=1 ;; esac
	check "rfm_kinetic_state refuses a core where $problem" $r "$kn"
done <<'CASES'
orders=0 first=none last=none monetary=5|an empty state has orders or money
orders=2 first=2024-03-10 last=2024-03-01 monetary=5|first order is after last order
orders=2 first=2024-03-01 last=2024-04-05 monetary=5|last order is after as_of
CASES

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null
qx_summary
