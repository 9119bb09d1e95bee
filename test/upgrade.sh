#!/usr/bin/env bash
# Upgrades: a fresh install of the default version and a 1.0 install
# upgraded with ALTER EXTENSION UPDATE (sql/quota_ext--1.0.sql, then
# sql/quota_ext--1.0--1.1.sql) are two independent paths; this suite proves
# they end in the same extension.  Also: 1.1 -> 1.2 with a view over an
# X_merge stops at its re-declaration (README "Upgrading").
#
#   qx_upgrade_old  CREATE EXTENSION quota_ext VERSION '1.0' (checked to have
#                   no BG/NBD object), data and materialized views computed by
#                   1.0, then ALTER EXTENSION quota_ext UPDATE
#   qx_upgrade_new  CREATE EXTENSION quota_ext (the default version, 1.3)
#
# Checks: the member objects (pg_describe_object over pg_depend deptype 'e')
# and their definitions (pg_get_functiondef; pg_aggregate with its combine,
# serial, deserial functions, sspace, initcond and parallel; pg_type with the
# I/O functions of base types and the attributes of composite types in
# order; comments; owners and ACLs) are equal as sorted text -- the diff must
# be empty, for 1.0 and for 1.1 upgraded; an upgrade removes exactly the
# members a later delta renamed (RENAMES below) and nothing else; values stored by 1.0
# (materialized views of every customer aggregate, partial states in a
# table, a quota_status column, a trigger-maintained table) read the same
# after the upgrade, refresh to the same, merge with the default-version *_merge
# aggregates and equal what a fresh default-version computes.  The pg_regress
# suites against an upgraded extension are test/upgrade_regress.sh (once, in
# an ICU ru-RU database).  Ends with "N passed, N failed".
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
old=qx_upgrade_old
mid=qx_upgrade_mid
new=qx_upgrade_new
work=$(mktemp -d /tmp/qx_upgrade.XXXXXX)
chmod 777 "$work"
source "$(dirname "$0")/lib/suite.sh"
check() { qx_check "$@"; }	# check NAME CONDITION-RESULT(0/1) [detail]
q() { psql -X -At -q -v ON_ERROR_STOP=1 "$@"; }
t0=$(date +%s)

for d in $old $mid $new; do q -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" 2>/dev/null; done

# Members a release renamed (ALTER ... RENAME in its delta): "old|new", as
# pg_describe_object names them (the extension in schema qx).  An upgrade must remove exactly the old
# names it had and add the new ones; nothing else may go.
RENAMES=$(cat <<'EOF2'
function qx.bgnbd_fit_transfn(internal,integer,double precision,double precision)|function qx.bgnbd_fit_trans(internal,integer,double precision,double precision)
function qx.bgnbd_fit_combinefn(internal,internal)|function qx.bgnbd_fit_combine(internal,internal)
function qx.bgnbd_fit_serialfn(internal)|function qx.bgnbd_fit_serialize(internal)
function qx.bgnbd_fit_deserialfn(bytea,internal)|function qx.bgnbd_fit_deserialize(bytea,internal)
function qx.bgnbd_fit_finalfn(internal)|function qx.bgnbd_fit_final(internal)
function qx.bgnbd_fit_partial_finalfn(internal)|function qx.bgnbd_fit_partial_final(internal)
function qx.bgnbd_fit_merge_transfn(internal,qx.bgnbd_fit_state)|function qx.bgnbd_fit_merge_trans(internal,qx.bgnbd_fit_state)
EOF2
)

# check_upgrade_members FROM TO LABEL: catalog files before and after an
# upgrade.  Removed members must be exactly the old names of RENAMES that
# FROM had, each with its new name present after; no old name survives.
check_upgrade_members() {
	local from=$1 to=$2 label=$3 removed expect missing stale rc
	removed=$(comm -23 <(grep '^member ' "$from" | sed 's/^member //' | sort) \
		<(grep '^member ' "$to" | sed 's/^member //' | sort))
	expect=$(echo "$RENAMES" | cut -d'|' -f1 | sort | comm -12 - <(grep '^member ' "$from" | sed 's/^member //' | sort))
	missing=$(echo "$RENAMES" | while IFS='|' read -r o n; do
		if echo "$expect" | grep -qxF "$o" && ! grep -qxF "member $n" "$to"; then echo "$n"; fi; done)
	stale=$(echo "$RENAMES" | cut -d'|' -f1 | while read -r o; do grep -qxF "member $o" "$to" && echo "$o"; done)
	[ "$removed" = "$expect" ] && [ -z "$missing" ] && [ -z "$stale" ]
	rc=$?
	check "$label: removed exactly the $(echo "$expect" | grep -c .) renamed members, their new names present, no old name left" $rc \
		"removed: [$removed] expected: [$expect] new names missing: [$missing] old names left: [$stale]"
}

# ---------------------------------------------------------------------------
# The versions the server offers
# ---------------------------------------------------------------------------
versions=$(q -d postgres -c "SELECT string_agg(version, ' ' ORDER BY version) FROM pg_available_extension_versions WHERE name = 'quota_ext'")
default=$(q -d postgres -c "SELECT default_version FROM pg_available_extensions WHERE name = 'quota_ext'")
paths=$(q -d postgres -c "SELECT string_agg(source || '>' || target || '=' || coalesce(path, '-'), ' ' ORDER BY source, target) FROM pg_extension_update_paths('quota_ext')")
echo "versions: $versions; default: $default; update paths: $paths"
[ "$versions" = "1.0 1.1 1.2 1.3" ] && [ "$default" = 1.3 ] &&
	[ "$paths" = "1.0>1.1=1.0--1.1 1.0>1.2=1.0--1.1--1.2 1.0>1.3=1.0--1.1--1.2--1.3 1.1>1.0=- 1.1>1.2=1.1--1.2 1.1>1.3=1.1--1.2--1.3 1.2>1.0=- 1.2>1.1=- 1.2>1.3=1.2--1.3 1.3>1.0=- 1.3>1.1=- 1.3>1.2=-" ]
check "versions 1.0 to 1.3 installed, default 1.3, update paths 1.0--1.1--1.2--1.3 and no downgrade" $?
sharedir=$("$QX_BIN/pg_config" --sharedir 2>/dev/null)
if [ -n "$sharedir" ]; then
	ls "$sharedir"/extension/quota_ext--*.sql >/dev/null 2>&1 &&
		echo "scripts: $(cd "$sharedir/extension" && echo quota_ext--*.sql)"
	[ -f "$sharedir/extension/quota_ext--1.0.sql" ] && [ -f "$sharedir/extension/quota_ext--1.0--1.1.sql" ] &&
		[ -f "$sharedir/extension/quota_ext--1.1--1.2.sql" ] && [ -f "$sharedir/extension/quota_ext--1.2--1.3.sql" ] &&
		! [ -f "$sharedir/extension/quota_ext--1.1.sql" ] && ! [ -f "$sharedir/extension/quota_ext--1.3.sql" ]
	check "the base script 1.0 and the deltas 1.0--1.1, 1.1--1.2, 1.2--1.3 are installed, no full script beside them" $?
fi

# ---------------------------------------------------------------------------
# Data and values computed by the extension, the same in both databases.
# Everything lives in schema sales; the extension in schema qx.
# ---------------------------------------------------------------------------
DATA_SQL=$(cat <<'SQL'
SET search_path = sales;
CREATE TABLE orders (id int PRIMARY KEY, customer int NOT NULL, ts date NOT NULL, amount numeric(12,2));
INSERT INTO orders
SELECT i, i % 23, date '2024-01-02' + (i * 7 + (i % 5) * 31) % 366, (i * 37) % 500 + 0.25
FROM generate_series(1, 600) i;
-- customers that stopped buying early or started late, for every kinetic segment
INSERT INTO orders SELECT 1000 + i, 30 + i % 3, date '2024-01-05' + i, 100 + i FROM generate_series(1, 12) i;
INSERT INTO orders SELECT 2000 + i, 40 + i % 2, date '2024-12-01' + i, 50 + i FROM generate_series(1, 8) i;

-- one materialized view per customer aggregate and window function
CREATE MATERIALIZED VIEW mv_kinetic AS
SELECT customer, qx.rfm_kinetic(ts, amount, '2024-12-31') AS k FROM orders GROUP BY customer;
CREATE MATERIALIZED VIEW mv_kinetic_w AS
SELECT customer, qx.rfm_kinetic(ts, amount, '2024-12-31', '60 days', 0.3) AS k FROM orders GROUP BY customer;
CREATE MATERIALIZED VIEW mv_summary AS
SELECT customer, qx.rfm_summary(ts, amount, '2024-12-31') AS s FROM orders GROUP BY customer;
CREATE MATERIALIZED VIEW mv_btyd AS
SELECT customer, qx.btyd_summary(ts, amount, '2024-12-31', '7 days') AS b FROM orders GROUP BY customer;
CREATE MATERIALIZED VIEW mv_cv AS
SELECT customer, qx.demand_cv(ts, amount::float8, '2024-01-01', 12) AS cv,
       qx.xyz_class(qx.demand_cv(ts, amount::float8, '2024-01-01', 4, '3 months')) AS xyz
FROM orders GROUP BY customer;
CREATE MATERIALIZED VIEW mv_segments AS
SELECT customer, qx.abc_class(sum(amount)::float8) OVER () AS abc,
       qx.rfm_segment(qx.rfm_score(max(ts) - date '2024-01-01') OVER (),
                      qx.rfm_score(count(*)::float8) OVER (),
                      qx.rfm_score(sum(amount)::float8) OVER ()) AS segment
FROM orders GROUP BY customer;

-- partial states of two halves of each customer's orders, stored in a table
CREATE TABLE states AS
SELECT customer, id % 2 AS half,
       qx.rfm_kinetic_partial(ts, amount, '2024-12-31') AS ks,
       qx.rfm_summary_partial(ts, amount, '2024-12-31') AS ss,
       qx.btyd_summary_partial(ts, amount, '2024-12-31', '7 days') AS bs,
       qx.demand_cv_partial(ts, amount::float8, '2024-01-01', 12) AS cs
FROM orders GROUP BY customer, id % 2;

-- a composite result stored in a column, and a table kept by the trigger
CREATE TABLE quota_board AS
SELECT rep, qx.quota_status(7300.15 * rep, 10000 * (rep + 1), '2024-01-01', '2024-03-31', '2024-02-15') AS st,
       s.step, s.due, s.target
FROM generate_series(0, 3) rep, LATERAL qx.quota_steps(10000 * (rep + 1), '2024-01-01', '2024-03-31', 3) s;
CREATE TABLE deals (id int PRIMARY KEY, agreement float8, objections int, flagged boolean, since timestamptz);
CREATE TRIGGER deals_flag BEFORE INSERT OR UPDATE ON deals FOR EACH ROW
    EXECUTE FUNCTION qx.flag_reanimation('agreement', 'objections', 'flagged', '0.4');
INSERT INTO deals (id, agreement, objections) SELECT i, (i % 11) / 10.0, i % 4 FROM generate_series(1, 30) i;
SQL
)

fingerprint() { qx_sales_fingerprint "$1"; }	# test/lib/suite.sh

# ---------------------------------------------------------------------------
# The extension as sorted text: members and their definitions
# ---------------------------------------------------------------------------
CATALOG_SQL=$(cat <<'SQL'
SET search_path = pg_catalog;
WITH m AS (
    SELECT d.classid, d.objid, d.objsubid
    FROM pg_depend d JOIN pg_extension e ON d.refclassid = 'pg_extension'::regclass AND d.refobjid = e.oid
    WHERE e.extname = 'quota_ext' AND d.deptype = 'e'
), lines(line) AS (
    SELECT format('extension quota_ext version=%s schema=%s relocatable=%s config=%s condition=%s owner=%s',
                  extversion, extnamespace::regnamespace, extrelocatable, extconfig::regclass[], extcondition, extowner::regrole)
    FROM pg_extension WHERE extname = 'quota_ext'
  UNION ALL
    SELECT 'member ' || pg_describe_object(classid, objid, objsubid) FROM m
  UNION ALL
    SELECT format(E'function %s owner=%s acl=%s\n%s', p.oid::regprocedure, p.proowner::regrole, p.proacl,
                  pg_get_functiondef(p.oid))
    FROM m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
    WHERE p.prokind <> 'a'
  UNION ALL
    SELECT format('aggregate %s(%s) returns %s owner=%s acl=%s kind=%s direct_args=%s sfunc=%s stype=%s sspace=%s '
                  'finalfunc=%s finalextra=%s finalmodify=%s combinefunc=%s serialfunc=%s deserialfunc=%s '
                  'initcond=%s msfunc=%s minvfunc=%s mstype=%s msspace=%s mfinalfunc=%s mfinalextra=%s '
                  'mfinalmodify=%s minitcond=%s sortop=%s parallel=%s volatile=%s strict=%s cost=%s',
                  p.oid::regproc, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid),
                  p.proowner::regrole, p.proacl, a.aggkind, a.aggnumdirectargs,
                  a.aggtransfn::regprocedure, a.aggtranstype::regtype, a.aggtransspace,
                  a.aggfinalfn::regprocedure, a.aggfinalextra, a.aggfinalmodify,
                  a.aggcombinefn::regprocedure, a.aggserialfn::regprocedure, a.aggdeserialfn::regprocedure,
                  coalesce(a.agginitval, '<null>'), a.aggmtransfn::regprocedure, a.aggminvtransfn::regprocedure,
                  a.aggmtranstype::regtype, a.aggmtransspace, a.aggmfinalfn::regprocedure, a.aggmfinalextra,
                  a.aggmfinalmodify, coalesce(a.aggminitval, '<null>'), a.aggsortop::regoperator,
                  p.proparallel, p.provolatile, p.proisstrict, p.procost)
    FROM m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
           JOIN pg_aggregate a ON a.aggfnoid = p.oid
  UNION ALL
    SELECT format('type %s owner=%s acl=%s typtype=%s len=%s byval=%s align=%s storage=%s category=%s '
                  'preferred=%s delim=%s input=%s output=%s receive=%s send=%s typmodin=%s typmodout=%s '
                  'analyze=%s subscript=%s elem=%s array=%s default=%s notnull=%s basetype=%s collation=%s',
                  t.oid::regtype, t.typowner::regrole, t.typacl, t.typtype, t.typlen, t.typbyval, t.typalign,
                  t.typstorage, t.typcategory, t.typispreferred, t.typdelim, t.typinput::regprocedure,
                  t.typoutput::regprocedure, t.typreceive::regprocedure, t.typsend::regprocedure,
                  t.typmodin::regprocedure, t.typmodout::regprocedure, t.typanalyze::regprocedure,
                  t.typsubscript::regprocedure, t.typelem::regtype, t.typarray::regtype,
                  coalesce(t.typdefault, '<null>'), t.typnotnull, t.typbasetype::regtype, t.typcollation)
    FROM m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
  UNION ALL
    -- the array types the member types come with
    SELECT format('array type %s of %s typtype=%s align=%s storage=%s input=%s output=%s',
                  r.oid::regtype, r.typelem::regtype, r.typtype, r.typalign, r.typstorage,
                  r.typinput::regprocedure, r.typoutput::regprocedure)
    FROM m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
           JOIN pg_type r ON r.oid = t.typarray
  UNION ALL
    -- composite types: attributes in order
    SELECT format('attribute %s %s %s %s notnull=%s collation=%s', t.oid::regtype, to_char(a.attnum, 'FM000'),
                  a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attcollation)
    FROM m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
           JOIN pg_attribute a ON a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
    SELECT format('comment on %s: %s', pg_describe_object(c.classoid, c.objoid, c.objsubid), c.description)
    FROM pg_description c JOIN m ON c.classoid = m.classid AND c.objoid = m.objid
  UNION ALL
    -- comments on composite types' columns live on their pg_class row
    SELECT format('comment on %s: %s', pg_describe_object(c.classoid, c.objoid, c.objsubid), c.description)
    FROM m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
           JOIN pg_description c ON c.classoid = 'pg_class'::regclass AND c.objoid = t.typrelid
)
SELECT line FROM lines ORDER BY line COLLATE "C";
SQL
)

# ---------------------------------------------------------------------------
# 1.0, then the upgrade
# ---------------------------------------------------------------------------
q -d postgres -c "CREATE DATABASE $old TEMPLATE template0"
q -d $old -c "CREATE SCHEMA qx" -c "CREATE SCHEMA sales" -c "CREATE EXTENSION quota_ext SCHEMA qx VERSION '1.0'"
check "CREATE EXTENSION quota_ext VERSION '1.0'" $?
v=$(q -d $old -c "SELECT extversion FROM pg_extension WHERE extname = 'quota_ext'")
bg=$(q -d $old -c "SELECT count(*) FROM pg_depend d JOIN pg_extension e ON d.refobjid = e.oid AND d.refclassid = 'pg_extension'::regclass
  WHERE e.extname = 'quota_ext' AND d.deptype = 'e' AND pg_describe_object(d.classid, d.objid, d.objsubid) ~ 'bgnbd'")
fn=$(q -d $old -c "SELECT (SELECT count(*) FROM pg_proc WHERE proname ~ '^bgnbd') + (SELECT count(*) FROM pg_type WHERE typname ~ 'bgnbd')")
[ "$v" = 1.0 ] && [ "$bg" = 0 ] && [ "$fn" = 0 ]
check "1.0 has no BG/NBD object (version $v, bgnbd members $bg, bgnbd functions and types $fn)" $?
q -d $old -c "$CATALOG_SQL" >"$work/1.0.txt"

echo "$DATA_SQL" | q -d $old
check "1.0: orders, materialized views of every customer aggregate, stored partial states, quota_status column, trigger table" $?
before=$(fingerprint $old)
nrel=$(echo "$before" | grep -c .)
# 1.0's rfm_kinetic results, kept outside sales for the comparison after the refresh
q -d $old -c "CREATE SCHEMA keep" -c "CREATE TABLE keep.kin AS SELECT 'k' AS mv, customer, k FROM sales.mv_kinetic UNION ALL SELECT 'w', customer, k FROM sales.mv_kinetic_w"

q -d $old -c "ALTER EXTENSION quota_ext UPDATE"
rc=$?
v=$(q -d $old -c "SELECT extversion FROM pg_extension WHERE extname = 'quota_ext'")
[ "$rc" -eq 0 ] && [ "$v" = 1.3 ]
check "ALTER EXTENSION quota_ext UPDATE (now $v)" $?
q -d $old -c "$CATALOG_SQL" >"$work/upgraded.txt"

# ---------------------------------------------------------------------------
# A fresh install
# ---------------------------------------------------------------------------
q -d postgres -c "CREATE DATABASE $new TEMPLATE template0"
q -d $new -c "CREATE SCHEMA qx" -c "CREATE SCHEMA sales" -c "CREATE EXTENSION quota_ext SCHEMA qx"
v=$(q -d $new -c "SELECT extversion FROM pg_extension WHERE extname = 'quota_ext'")
[ "$v" = 1.3 ]
check "fresh CREATE EXTENSION quota_ext installs the default version ($v)" $?
q -d $new -c "$CATALOG_SQL" >"$work/fresh.txt"

# ---------------------------------------------------------------------------
# Same extension by both paths
# ---------------------------------------------------------------------------
members=$(grep -c '^member ' "$work/fresh.txt")
lines=$(wc -l <"$work/fresh.txt")
echo "fresh install: $members member objects, $lines lines of definitions; upgraded: $(grep -c '^member ' "$work/upgraded.txt") members"
diff -u "$work/upgraded.txt" "$work/fresh.txt" >"$work/diff.txt"
rc=$?
[ "$rc" -eq 0 ] && [ "$members" -gt 100 ] || head -60 "$work/diff.txt"
check "upgraded 1.0 and fresh install: same members and definitions (functions, aggregates, types, attributes, comments), empty diff" \
	"$([ "$rc" -eq 0 ] && [ "$members" -gt 100 ]; echo $?)"
for k in function aggregate type attribute comment; do
	printf '  %-10s %s\n' "$k" "$(grep -c "^$k " "$work/fresh.txt")"
done
added=$(comm -13 <(grep '^member ' "$work/1.0.txt") <(grep '^member ' "$work/upgraded.txt"))
nadded=$(echo "$added" | grep -c .)
echo "the upgrade added $nadded members: $(echo "$added" | sed 's/^member //' | paste -sd, | cut -c1-300)..."
nbg=$(echo "$added" | grep -c 'bgnbd')
[ "$nbg" -gt 0 ]
check "1.0 -> 1.3 added the later versions' objects ($nbg BG/NBD members among $nadded)" $?
check_upgrade_members "$work/1.0.txt" "$work/upgraded.txt" "1.0 -> 1.3"

# ---------------------------------------------------------------------------
# 1.1, then the upgrade to 1.2: the renames of one naming scheme
# ---------------------------------------------------------------------------
q -d postgres -c "CREATE DATABASE $mid TEMPLATE template0"
q -d $mid -c "CREATE SCHEMA qx" -c "CREATE EXTENSION quota_ext SCHEMA qx VERSION '1.1'"
check "CREATE EXTENSION quota_ext VERSION '1.1'" $?
q -d $mid -c "$CATALOG_SQL" >"$work/1.1.txt"
nren=$(echo "$RENAMES" | cut -d'|' -f1 | while read -r o; do grep -qxF "member $o" "$work/1.1.txt" && echo "$o"; done | grep -c .)
[ "$nren" -eq "$(echo "$RENAMES" | grep -c .)" ]
check "1.1 has every member under its old name ($nren)" $?
q -d $mid -c "ALTER EXTENSION quota_ext UPDATE"
check "ALTER EXTENSION quota_ext UPDATE from 1.1" $?
q -d $mid -c "$CATALOG_SQL" >"$work/upgraded11.txt"
check_upgrade_members "$work/1.1.txt" "$work/upgraded11.txt" "1.1 -> 1.3"
diff -u "$work/upgraded11.txt" "$work/fresh.txt" >"$work/diff11.txt"
rc=$?
[ "$rc" -eq 0 ] || head -40 "$work/diff11.txt"
check "upgraded 1.1 and fresh install: same members and definitions, empty diff" $rc
res=$(q -d $mid -c "SET search_path = qx; SELECT count(*) FROM (SELECT bgnbd_fit(f, r, t) FROM (VALUES (2, 30.5::float8, 38.5::float8), (0, 0, 20), (5, 35, 40)) v(f, r, t)) s" 2>&1)
[ "$res" = 1 ]
check "bgnbd_fit runs after the renames (its aggregate follows the renamed functions)" $? "got: $res"

# ---------------------------------------------------------------------------
# Values computed by 1.0 after the upgrade
# ---------------------------------------------------------------------------
after=$(fingerprint $old)
if [ "$before" = "$after" ] && [ "$nrel" -ge 8 ]; then
	check "values stored by 1.0 read the same after the upgrade (md5 of ordered rows of $nrel tables and matviews)" 0
else
	check "values stored by 1.0 read the same after the upgrade" 1 "$(diff <(echo "$before") <(echo "$after"))"
fi
q -d $old -c "SELECT 'REFRESH MATERIALIZED VIEW ' || c.oid::regclass || ';' FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'sales' AND c.relkind = 'm'" | q -d $old
rc=$?
refreshed=$(fingerprint $old)
# rfm_kinetic's results changed in 1.3 (an empty window's revenue is 0.00):
# its two views are compared below, value for value, the rest as text
[ "$rc" -eq 0 ] && [ "$(echo "$refreshed" | grep -v '^sales.mv_kinetic')" = "$(echo "$before" | grep -v '^sales.mv_kinetic')" ]
check "materialized views refresh with the new version to the values 1.0 computed (but for rfm_kinetic's documented change)" $? "$(diff <(echo "$before") <(echo "$refreshed"))"
res=$(q -d $old -c "SELECT count(*) FILTER (WHERE NOT (n.k = o.k)) || ' ' ||
       count(*) FILTER (WHERE n.k::text <> o.k::text AND (n.k).orders_recent > 0 AND (n.k).orders_prior > 0) || ' ' ||
       count(*) FILTER (WHERE n.k::text <> o.k::text) || ' ' || count(*)
  FROM (SELECT 'k' AS mv, customer, k FROM sales.mv_kinetic UNION ALL SELECT 'w', customer, k FROM sales.mv_kinetic_w) n
  JOIN keep.kin o USING (mv, customer)")
read -r k_ne k_other k_changed k_rows <<<"$res"
[ "$k_ne" = 0 ] && [ "$k_other" = 0 ] && [ "$k_changed" -gt 0 ] && [ "$k_rows" -gt 40 ]
check "rfm_kinetic refreshed after the update: every row equal to 1.0's, the text changed only where a window is empty ($k_changed of $k_rows rows: 0 -> 0.00)" $? "got: $res"
res=$(q -d $old <<'SQL'
SET search_path = sales;
-- partial states written by 1.0, merged by the new version, equal the 1.0 results
SELECT count(*) FILTER (WHERE m.k IS DISTINCT FROM v.k) FROM
  (SELECT customer, qx.rfm_kinetic_merge(ks) AS k FROM states GROUP BY customer) m JOIN mv_kinetic v USING (customer);
SELECT count(*) FILTER (WHERE m.s IS DISTINCT FROM v.s) FROM
  (SELECT customer, qx.rfm_summary_merge(ss) AS s FROM states GROUP BY customer) m JOIN mv_summary v USING (customer);
SELECT count(*) FILTER (WHERE m.b IS DISTINCT FROM v.b) FROM
  (SELECT customer, qx.btyd_summary_merge(bs) AS b FROM states GROUP BY customer) m JOIN mv_btyd v USING (customer);
SELECT count(*) FILTER (WHERE m.cv IS DISTINCT FROM v.cv) FROM
  (SELECT customer, qx.demand_cv_merge(cs) AS cv FROM states GROUP BY customer) m JOIN mv_cv v USING (customer);
SELECT count(*) FROM mv_kinetic;
SQL
)
[ "$(echo $res)" = "0 0 0 0 $(q -d $old -c 'SELECT count(DISTINCT customer) FROM sales.orders')" ]
check "partial states stored by 1.0 merge with the new version to the 1.0 results (mismatches per aggregate, customers)" $? "got: $(echo $res)"
res=$(q -d $old <<'SQL'
SET search_path = pg_catalog;
INSERT INTO sales.deals (id, agreement, objections) VALUES (100, 0.1, 3);
UPDATE sales.deals SET agreement = 0.9, objections = 1 WHERE id = 1;
SELECT flagged FROM sales.deals WHERE id IN (1, 100) ORDER BY id;
SQL
)
[ "$(echo $res)" = "f t" ]
check "the trigger created under 1.0 fires after the upgrade" $? "got: $(echo $res)"
segs=$(q -d $old -c "SELECT string_agg(DISTINCT (k).segment, ' ' ORDER BY (k).segment) FROM sales.mv_kinetic")
echo "kinetic segments in the data: $segs"

# ---------------------------------------------------------------------------
# The fresh install computes the same values from the same data
# ---------------------------------------------------------------------------
echo "$DATA_SQL" | q -d $new
fresh=$(fingerprint $new)
[ "$fresh" = "$refreshed" ]
check "fresh install computes the values the upgraded database refreshed to ($nrel tables and matviews)" $? "$(diff <(echo "$refreshed") <(echo "$fresh"))"
BGNBD_SQL="SET search_path = pg_catalog;
SELECT qx.bgnbd_fit((b).frequency, (b).recency, (b).t)::text FROM sales.mv_btyd;
SELECT qx.bgnbd_fit_merge(s)::text FROM (SELECT qx.bgnbd_fit_partial((b).frequency, (b).recency, (b).t) AS s
  FROM sales.mv_btyd GROUP BY customer % 3) p;"
fit_old=$(q -d $old -c "$BGNBD_SQL" 2>&1)
fit_new=$(q -d $new -c "$BGNBD_SQL" 2>&1)
echo "bgnbd_fit over the stored btyd_summary view: $(echo "$fit_old" | head -1)"
[ -n "$fit_old" ] && [ "$fit_old" = "$fit_new" ] && ! echo "$fit_old" | grep -q ERROR
check "BG/NBD works in the upgraded database (bgnbd_fit, _partial/_merge over a 1.0 view) as in the fresh one" $? \
	"upgraded: $fit_old fresh: $fit_new"

# ---------------------------------------------------------------------------
# 1.1 -> 1.2 re-declares X_merge on its real state type in place (CREATE OR
# REPLACE AGGREGATE): a user's view over an X_merge neither blocks the update
# nor changes its result, and after it every X_merge is on X_state with
# X_state_combine.  (Until 1.3 the script dropped and re-created them and such
# a view stopped the update.)
# ---------------------------------------------------------------------------
mv=qx_upgrade_merge_view
q -d postgres -c "DROP DATABASE IF EXISTS $mv WITH (FORCE)" 2>/dev/null
q -d postgres -c "CREATE DATABASE $mv TEMPLATE template0"
q -d $mv -c "CREATE EXTENSION quota_ext VERSION '1.1'" \
	-c "CREATE TABLE o (c int, ts date, amount numeric(12,2))" \
	-c "INSERT INTO o VALUES (1, '2026-01-10', 120.00), (1, '2026-04-20', 80.50), (2, '2026-03-01', 10.00)" \
	-c "CREATE VIEW merged AS SELECT rfm_summary_merge(st) AS r FROM (SELECT rfm_summary_partial(ts, amount, '2026-06-30') AS st FROM o GROUP BY c) v" \
	-c "CREATE VIEW merged_k AS SELECT (rfm_kinetic_merge(st)).segment FROM (SELECT rfm_kinetic_partial(ts, amount, '2026-06-30') AS st FROM o GROUP BY c) v"
before=$(q -d $mv -c "SELECT r::text FROM merged" -c "SELECT * FROM merged_k")
out=$(q -d $mv -c "ALTER EXTENSION quota_ext UPDATE TO '1.2'" 2>&1)
v=$(q -d $mv -c "SELECT extversion FROM pg_extension WHERE extname = 'quota_ext'")
after=$(q -d $mv -c "SELECT r::text FROM merged" -c "SELECT * FROM merged_k" 2>&1)
[ -z "$out" ] && [ "$v" = 1.2 ] && [ -n "$before" ] && [ "$before" = "$after" ]
check "1.1 -> 1.2 with views over rfm_summary_merge and rfm_kinetic_merge: the update goes through and the views read the same" $? \
	"update: [$out] now $v; before: [$before] after: [$after]"
# and a view over every aggregate and function a user can call at 1.1
# (NULL arguments of each signature; not the support functions taking
# internal, nor the triggers): the update to the newest version goes through
# and every view still runs
q -d $mv -At -c "SELECT string_agg(format(CASE WHEN p.prorettype = 'record'::regtype
                                       THEN 'CREATE VIEW %I AS SELECT * FROM %s(%s);'
                                       ELSE 'CREATE VIEW %I AS SELECT %s(%s) AS r;' END,
         'uv_' || p.oid, p.oid::regproc::text,
         (SELECT string_agg('NULL::' || format_type(t, NULL), ', ' ORDER BY i)
          FROM unnest(p.proargtypes) WITH ORDINALITY a(t, i))), E'\n')
  FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'quota_ext'
  WHERE NOT 'internal'::regtype = ANY (p.proargtypes) AND NOT 'cstring'::regtype = ANY (p.proargtypes)
    AND p.prorettype NOT IN ('trigger'::regtype, 'internal'::regtype, 'cstring'::regtype)
    AND p.prokind <> 'w' AND p.pronargs > 0" >"$work/user_views.sql"
# window functions need OVER ()
q -d $mv -At -c "SELECT string_agg(format('CREATE VIEW %I AS SELECT %s(%s) OVER () AS r;',
         'uv_' || p.oid, p.oid::regproc::text,
         (SELECT string_agg('NULL::' || format_type(t, NULL), ', ' ORDER BY i)
          FROM unnest(p.proargtypes) WITH ORDINALITY a(t, i))), E'\n')
  FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'quota_ext'
  WHERE p.prokind = 'w'" >>"$work/user_views.sql"
nviews_sql=$(grep -c 'CREATE VIEW' "$work/user_views.sql")
q -d $mv -f "$work/user_views.sql" >/dev/null
check "1.1 database with a view over each of its $nviews_sql callable functions and aggregates" $?
out=$(q -d $mv -c "ALTER EXTENSION quota_ext UPDATE" \
	-c "SELECT count(*) FILTER (WHERE a.aggtranstype <> p.proargtypes[0] OR a.aggcombinefn::regproc::text NOT LIKE '%\_state\_combine'
	                            OR a.aggtransfn <> a.aggcombinefn OR a.aggserialfn <> 0) || ' of ' || count(*)
	    FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid WHERE p.proname LIKE '%\_merge'" 2>&1)
# the merges: bgnbd_fit, btyd_summary, demand_cv, gammagamma_fit,
# paretonbd_fit, pipeline_forecast, rfm_kinetic, rfm_summary
nmerge=$(q -d $mv -c "SELECT count(*) FROM pg_proc WHERE proname LIKE '%\_merge' AND prokind = 'a'")
[ "$out" = "0 of $nmerge" ] && [ "$nmerge" -ge 8 ]
check "and on to the default version: every X_merge on X_state with X_state_combine" $? "$out"
bad_views=$(q -d $mv -At -c "SELECT 'SELECT count(*) FROM ' || quote_ident(viewname) || ';' FROM pg_views WHERE viewname LIKE 'uv\_%'" | q -d $mv 2>&1 >/dev/null | head -3)
nviews=$(q -d $mv -c "SELECT count(*) FROM pg_views WHERE viewname LIKE 'uv\_%'")
[ -z "$bad_views" ] && [ "$nviews" = "$nviews_sql" ] && [ "$nviews" -gt 30 ]
check "the users' $nviews views over 1.1's functions and aggregates survived the update to the newest version and run" $? "$bad_views"
q -d postgres -c "DROP DATABASE IF EXISTS $mv WITH (FORCE)"

# ---------------------------------------------------------------------------
# What an update changes (doc/operations.md): a result that changes in a
# version comes from a new C symbol that only that version's script names,
# so a database still at the older version returns the older result from the
# same library until ALTER EXTENSION UPDATE.  1.3: an empty window's revenue
# in rfm_kinetic (and rfm_kinetic_merge) is 0.00 at the amounts' scale, 1.2
# gave a bare 0.
# ---------------------------------------------------------------------------
vq=qx_upgrade_versioned
q -d postgres -c "DROP DATABASE IF EXISTS $vq WITH (FORCE)" 2>/dev/null
q -d postgres -c "CREATE DATABASE $vq TEMPLATE template0"
KIN_SQL="SELECT (k).revenue_prior || ' ' || (k).revenue_recent FROM (SELECT rfm_kinetic(ts, amount, '2026-09-30') AS k FROM (VALUES (DATE '2026-09-01', 75.00)) o(ts, amount)) s;
SELECT (k).revenue_prior || ' ' || (k).revenue_recent FROM (SELECT rfm_kinetic_merge(st) AS k FROM (SELECT rfm_kinetic_partial(ts, amount, '2026-09-30') AS st FROM (VALUES (DATE '2026-09-01', 75.00)) o(ts, amount)) p) s;"
# segment_direction and the flag_segment_change trigger: new -> growing was
# 'down' (by rank) in 1.2 and is 'up' in 1.3; Lost -> Others 'down' in 1.2 (Others ranked last), NULL in 1.3
DIR_SQL="SELECT segment_direction('kinetic', 'new', 'growing') || ' ' || coalesce(segment_direction('rfm', 'Lost', 'Others'), 'null');
INSERT INTO seg_t VALUES (1, 'new') ON CONFLICT (id) DO UPDATE SET seg = 'new';
UPDATE seg_t SET seg = 'growing' WHERE id = 1;
SELECT dir FROM seg_t WHERE id = 1;"
q -d $vq -c "CREATE EXTENSION quota_ext VERSION '1.2'" \
	-c "CREATE TABLE seg_t (id int PRIMARY KEY, seg text, prev text, since timestamptz, dir text)" \
	-c "CREATE TRIGGER seg_t_change BEFORE INSERT OR UPDATE ON seg_t FOR EACH ROW EXECUTE FUNCTION flag_segment_change('seg', 'kinetic', 'prev', 'since', 'dir')"
at12=$(echo "$KIN_SQL" | q -d $vq | paste -sd'|')
dir12=$(echo "$DIR_SQL" | q -d $vq | paste -sd'|')
q -d $vq -c "ALTER EXTENSION quota_ext UPDATE TO '1.3'"
at13=$(echo "$KIN_SQL" | q -d $vq | paste -sd'|')
dir13=$(echo "$DIR_SQL" | q -d $vq | paste -sd'|')
[ "$dir12" = "down down|down" ]
check "a database at 1.2 keeps 1.2's directions: new -> growing down, Lost -> Others down (segment_direction and the trigger)" $? "$dir12"
[ "$dir13" = "up null|up" ]
check "after the update: new -> growing up, Lost -> Others NULL, and the trigger created under 1.2 records up" $? "$dir13"
[ "$at12" = "0 75.00|0 75.00" ]
check "a database at 1.2 keeps 1.2's result from the 1.3 library: an empty window's revenue is 0 (rfm_kinetic, rfm_kinetic_merge)" $? "$at12"
[ "$at13" = "0.00 75.00|0.00 75.00" ]
check "after ALTER EXTENSION UPDATE TO '1.3' it is 0.00, at the amounts' scale" $? "$at13"
q -d postgres -c "DROP DATABASE IF EXISTS $vq WITH (FORCE)"

# ---------------------------------------------------------------------------
# The label catalog (issue 28).  Built-in labels are versioned with the
# library: 1.3 took the colour words out of the heat zones' labels, and a
# database reaches the fix with ALTER EXTENSION UPDATE -- unless it has
# overridden that label in quota_label_custom, which then wins.  The user's
# rows stay through a later update (a stand-in 1.3 -> 1.3.99 script that
# only re-comments, written into this run's private tree and removed).
# ---------------------------------------------------------------------------
lq=qx_upgrade_labels
lo=qx_upgrade_labels_own
HEAT_SQL="SELECT quota_label('heat', 'green') || '|' || quota_label('heat', 'green', 'ru') || '|' || quota_label('heat', 'red', 'bg')"
for d in $lq $lo; do
	q -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" 2>/dev/null
	q -d postgres -c "CREATE DATABASE $d TEMPLATE template0"
	q -d $d -c "CREATE EXTENSION quota_ext VERSION '1.2'" -c "CREATE VIEW heat_words AS SELECT code, en, ru, bg FROM quota_labels WHERE kind = 'heat'"
done
h12=$(q -d $lq -c "$HEAT_SQL")
[ "$h12" = "Green: spare potential|Зелёная зона: запас|Червена зона: пропусната възможност" ]
check "a database at 1.2 reads 1.2's heat labels from the 1.3 library" $? "$h12"
q -d $lq -c "ALTER EXTENSION quota_ext UPDATE TO '1.3'"
q -d $lo -c "ALTER EXTENSION quota_ext UPDATE TO '1.3'" \
	-c "INSERT INTO quota_label_custom (kind, code, labels) VALUES ('heat', 'green', '{\"ru\": \"Зелёная зона: запас\"}')"
h13=$(q -d $lq -c "$HEAT_SQL")
[ "$h13" = "Spare potential|Есть запас|Пропусната възможност" ]
check "after the update the fixed built-in labels reach the database that did not override them" $? "$h13"
ho=$(q -d $lo -c "$HEAT_SQL")
[ "$ho" = "Spare potential|Зелёная зона: запас|Пропусната възможност" ]
check "the database that overrode heat/green in Russian keeps its own wording there and gets the fix elsewhere" $? "$ho"
hv=$(q -d $lq -c "SELECT string_agg(code || '=' || en, ' ' ORDER BY code COLLATE \"C\") FROM heat_words")
[ "$hv" = "amber=On plan green=Spare potential red=Missed chance" ]
check "a user's view over quota_labels made at 1.2 runs after the update (quota_labels gained a column)" $? "$hv"
ext=$(q -d $lq -c "SELECT extconfig::regclass[]::text FROM pg_extension WHERE extname = 'quota_ext'")
[ "$ext" = "{quota_label_custom}" ]
check "the updated database marks quota_label_custom for pg_dump" $? "$ext"
future="$sharedir/extension/quota_ext--1.3--1.3.99.sql"
case "$sharedir" in
/tmp/*)
	printf '%s\n' "COMMENT ON TABLE quota_label_custom IS 'stand-in for a later version';" >"$future"
	rows_before=$(q -d $lo -c "SELECT string_agg(format('%s/%s/%s', kind, code, labels), ' ' ORDER BY code) FROM quota_label_custom")
	q -d $lo -c "ALTER EXTENSION quota_ext UPDATE TO '1.3.99'"
	rc=$?
	rows_after=$(q -d $lo -c "SELECT string_agg(format('%s/%s/%s', kind, code, labels), ' ' ORDER BY code) FROM quota_label_custom")
	ho2=$(q -d $lo -c "$HEAT_SQL")
	rm -f "$future"
	[ "$rc" -eq 0 ] && [ -n "$rows_before" ] && [ "$rows_before" = "$rows_after" ] && [ "$ho2" = "$ho" ]
	check "an update beyond 1.3 keeps the user's rows and their effect" $? "rc $rc before [$rows_before] after [$rows_after] $ho2"
	;;
*)
	check "an update beyond 1.3 keeps the user's rows (needs this run's private tree under /tmp, got $sharedir)" 1
	;;
esac
for d in $lq $lo; do q -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)"; done

for d in $old $mid $new; do q -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)"; done
rm -rf "$work"
echo "upgrade suite: $(( $(date +%s) - t0 )) s"
qx_summary
