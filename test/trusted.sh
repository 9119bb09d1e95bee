#!/usr/bin/env bash
# Who may install quota_ext.  Reads `trusted` of the default version from
# pg_available_extension_versions (i.e. from the installed quota_ext.control):
#   trusted = true:  a non-superuser with only CREATE on a scratch database
#                    installs the extension in its own schema, uses a function
#                    and the trigger, and drops it;
#   trusted = false: the same user gets insufficient_privilege (42501) from
#                    CREATE EXTENSION, and can still use the extension once a
#                    superuser installed it and granted USAGE on its schema.
# With trusted = true the install scripts run as the bootstrap superuser in a
# schema the installing user chose (and may have prepared), so the suite also
# plays that user's tricks: a function pre-created under a name the script
# creates (plain CREATE must fail, nothing installed), temporary tables named
# like the built-in and extension types the script refers to (pg_temp comes
# last in the script's search_path: no signature may pick them up), and the
# 1.0 install plus ALTER EXTENSION UPDATE by the same non-superuser.  For both
# settings it checks in the catalog what makes the scripts search_path-safe:
# only C functions, no SECURITY DEFINER, no SET clause, DEFAULTs that are
# constants (with implicit casts only to pg_catalog functions), and no member
# other than functions, aggregates and types.
# qx-tier: fast
set -uo pipefail
db=qx_trusted
role=qx_trusted_user
source "$(dirname "$0")/lib/suite.sh"
check() { qx_check "$@"; }	# check NAME CONDITION-RESULT(0/1) [detail]
su_() { psql -X -At -q -v ON_ERROR_STOP=1 "$@"; }
as_user() { PGOPTIONS='-c client_min_messages=warning' psql -X -At -q -v ON_ERROR_STOP=1 -U $role -d $db "$@"; }

trusted=$(su_ -d postgres -c "SELECT v.trusted FROM pg_available_extension_versions v
  JOIN pg_available_extensions e ON e.name = v.name AND e.default_version = v.version
  WHERE v.name = 'quota_ext'")
superuser_flag=$(su_ -d postgres -c "SELECT v.superuser FROM pg_available_extension_versions v
  JOIN pg_available_extensions e ON e.name = v.name AND e.default_version = v.version
  WHERE v.name = 'quota_ext'")
echo "quota_ext.control: trusted = ${trusted:-?}, superuser = ${superuser_flag:-?}"
[ -n "$trusted" ]
check "quota_ext is available on the server" $?

su_ -d postgres <<SQL
SET client_min_messages = warning;
DROP DATABASE IF EXISTS $db WITH (FORCE);
DROP ROLE IF EXISTS $role;
CREATE ROLE $role LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE $db TEMPLATE template0;
GRANT CREATE ON DATABASE $db TO $role;
SQL

if [ "$trusted" = t ]; then
	out=$(as_user 2>&1 <<'SQL'
CREATE SCHEMA app;
CREATE EXTENSION quota_ext SCHEMA app;
SELECT extowner::regrole FROM pg_extension WHERE extname = 'quota_ext';
SET search_path = pg_catalog;
SELECT app.lift_index(0.5, 2), app.priority_label(1), (app.quota_status(50, 100, '2024-01-01', '2024-03-31', '2024-02-15')).on_track;
CREATE TABLE app.deals (agreement float8, objections int, flagged boolean, since timestamptz);
CREATE TRIGGER f BEFORE INSERT OR UPDATE ON app.deals FOR EACH ROW
    EXECUTE FUNCTION app.flag_reanimation('agreement', 'objections', 'flagged', '0.4', 'since');
INSERT INTO app.deals VALUES (0.1, 2);
SELECT flagged, since IS NOT NULL FROM app.deals;
DROP TABLE app.deals;
DROP EXTENSION quota_ext;
SELECT count(*) FROM pg_extension WHERE extname = 'quota_ext';
SQL
	)
	rc=$?
	echo "$out" | sed 's/^/     /'
	[ "$rc" -eq 0 ] && [ "$(echo $out)" = "$role 0.25|fast_big|f t|t 0" ]
	check "trusted: a non-superuser with CREATE on the database installs, uses and drops quota_ext" $?
else
	out=$(as_user -c 'CREATE SCHEMA app' -c '\set VERBOSITY verbose' -c 'CREATE EXTENSION quota_ext SCHEMA app' 2>&1)
	rc=$?
	echo "$out" | sed 's/^/     /'
	[ "$rc" -ne 0 ] && echo "$out" | grep -q 'ERROR:  42501: permission denied to create extension "quota_ext"'
	check "not trusted: CREATE EXTENSION by a non-superuser fails with 42501 insufficient_privilege" $?
	cnt=$(su_ -d $db -c "SELECT count(*) FROM pg_extension WHERE extname = 'quota_ext'")
	[ "$cnt" = 0 ]
	check "not trusted: nothing was installed" $?
	su_ -d $db -c "CREATE SCHEMA qx; CREATE EXTENSION quota_ext SCHEMA qx; GRANT USAGE ON SCHEMA qx TO $role"
	out=$(as_user -c "SET search_path = pg_catalog" -c "SELECT qx.lift_index(0.5, 2), qx.heat_zone(50, 100)" 2>&1)
	[ "$(echo $out)" = "0.25|red" ]
	check "not trusted: installed by a superuser, the extension is usable by the non-superuser" $? "got: $out"
fi

if [ "$trusted" = t ]; then
	# the label catalog (issue 28): the role that created the extension may
	# add rows, another role may read and use them but not change them
	other=${role}_other
	su_ -d postgres -c "DROP ROLE IF EXISTS $other" -c "CREATE ROLE $other LOGIN NOSUPERUSER"
	own=$(as_user 2>&1 <<'SQL'
CREATE SCHEMA lab;
CREATE EXTENSION quota_ext SCHEMA lab;
GRANT USAGE ON SCHEMA lab TO PUBLIC;
SET search_path = pg_catalog;
INSERT INTO lab.quota_label_custom (kind, code, rank, labels) VALUES ('rfm', 'Золоті', 1, '{"uk": "Золоті клієнти"}');
SELECT lab.quota_label('rfm', 'Золоті', 'uk');
SQL
	)
	rc_own=$?
	theirs=$(PGOPTIONS='-c client_min_messages=warning' psql -X -At -q -U $other -d $db 2>&1 <<'SQL'
\set VERBOSITY sqlstate
SELECT lab.quota_label('rfm', 'Золоті', 'uk') || ' ' || lab.quota_label_rank('rfm', 'Золоті');
INSERT INTO lab.quota_label_custom (kind, code) VALUES ('rfm', 'Mine');
UPDATE lab.quota_label_custom SET rank = 2;
DELETE FROM lab.quota_label_custom;
TRUNCATE lab.quota_label_custom;
SQL
	)
	as_user -c "DROP EXTENSION quota_ext" -c "DROP SCHEMA lab" >/dev/null 2>&1
	su_ -d postgres -c "DROP OWNED BY $other" -c "DROP ROLE $other" >/dev/null 2>&1 ||
		su_ -d $db -c "DROP OWNED BY $other" -c "DROP ROLE $other" >/dev/null 2>&1
	[ "$rc_own" -eq 0 ] && [ "$(echo $own)" = "Золоті клієнти" ]
	check "trusted: the non-superuser who created the extension adds rows to quota_label_custom (@extowner@'s grant)" $? "got: $own"
	[ "$(echo $theirs)" = "Золоті клієнти 1 ERROR: 42501 ERROR: 42501 ERROR: 42501 ERROR: 42501" ]
	check "trusted: another role reads the labels but changing quota_label_custom is 42501 for it" $? "got: $(echo $theirs)"

	# a function under a name the script creates, in the schema the user picked
	out=$(as_user 2>&1 <<'SQL'
CREATE SCHEMA trap;
CREATE FUNCTION trap.lift_index(agreement float8, objections int) RETURNS float8
    LANGUAGE sql IMMUTABLE AS 'SELECT 42::float8';
\set VERBOSITY verbose
CREATE EXTENSION quota_ext SCHEMA trap;
SQL
	)
	rc=$?
	echo "$out" | grep ERROR | sed 's/^/     /'
	cnt=$(su_ -d $db -c "SELECT count(*) FROM pg_extension WHERE extname = 'quota_ext'")
	[ "$rc" -ne 0 ] && echo "$out" | grep -q 'ERROR:  42723: function "lift_index" already exists' && [ "$cnt" = 0 ]
	check "trusted: a function pre-created under a name of the script makes CREATE EXTENSION fail (42723), nothing installed" $?

	# temporary types named like the types the script names; the extension
	# must come out the same as without them
	out=$(as_user 2>&1 <<'SQL'
CREATE SCHEMA shadow;
CREATE TEMP TABLE float8 (x int);
CREATE TEMP TABLE date (x int);
CREATE TEMP TABLE text (x int);
CREATE TEMP TABLE jsonb (x int);
CREATE TEMP TABLE bytea (x int);
CREATE TEMP TABLE quota_status (x int);
CREATE TEMP TABLE rfm_kinetic (x int);
CREATE TEMP TABLE bgnbd_model (x int);
CREATE EXTENSION quota_ext SCHEMA shadow;
SELECT count(*) FROM pg_depend d JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'quota_ext') AND d.deptype = 'e'
  AND EXISTS (SELECT 1 FROM unnest(p.proargtypes::oid[] || p.prorettype) t JOIN pg_type y ON y.oid = t
              WHERE y.typnamespace = pg_my_temp_schema());
SELECT count(*) FROM pg_attribute a JOIN pg_type t ON t.typrelid = a.attrelid
WHERE t.typnamespace = 'shadow'::regnamespace AND a.atttypid IN (SELECT oid FROM pg_type WHERE typnamespace = pg_my_temp_schema());
SET search_path = pg_catalog;
SELECT shadow.lift_index(0.5, 2), (shadow.quota_status(50, 100, '2024-01-01', '2024-03-31', '2024-02-15')).on_track,
       pg_typeof(shadow.quota_status(50, 100, '2024-01-01', '2024-03-31', '2024-02-15'));
DROP EXTENSION quota_ext;
SQL
	)
	rc=$?
	echo "$out" | sed 's/^/     /'
	[ "$rc" -eq 0 ] && [ "$(echo $out)" = "0 0 0.25|f|shadow.quota_status" ]
	check "trusted: temporary types named float8, date, text, jsonb, bytea, quota_status ... are not picked up by the script" $?

	# install 1.0 and update it, as the same non-superuser
	out=$(as_user 2>&1 <<'SQL'
CREATE SCHEMA old;
CREATE EXTENSION quota_ext SCHEMA old VERSION '1.0';
SELECT extversion FROM pg_extension WHERE extname = 'quota_ext';
SELECT to_regproc('old.bgnbd_expected_new') IS NULL;
ALTER EXTENSION quota_ext UPDATE TO '1.1';
SELECT extversion, extowner::regrole FROM pg_extension WHERE extname = 'quota_ext';
SET search_path = pg_catalog;
SELECT round(old.bgnbd_expected_new(ROW(1, 1, 1, 1, 0, 1, true)::old.bgnbd_model, 1)::numeric, 6);
DROP EXTENSION quota_ext;
SQL
	)
	rc=$?
	echo "$out" | sed 's/^/     /'
	# E[X(t)] for r = alpha = a = b = 1 (by hand): E[X(t) | lambda, p] =
	# (1 - exp(-lambda p t)) / p; over lambda ~ Exp(1) that is t / (1 + p t),
	# over p ~ U(0, 1) ln(1 + t): ln 2 = 0.693147 at t = 1
	[ "$rc" -eq 0 ] && [ "$(echo $out)" = "1.0 t 1.1|$role 0.693147" ]
	check "trusted: the non-superuser installs 1.0 and updates it to 1.1" $? "got: $(echo $out)"
fi

# search_path safety of what the scripts created (a superuser install, so it
# runs for both settings)
su_ -d $db -c "SET client_min_messages = warning" -c "CREATE SCHEMA IF NOT EXISTS audit" \
	-c "CREATE EXTENSION IF NOT EXISTS quota_ext SCHEMA audit" >/dev/null
out=$(su_ -d $db <<'SQL'
WITH m AS (
    SELECT d.classid, d.objid FROM pg_depend d
    WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'quota_ext')
      AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
), f AS (SELECT p.* FROM m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid)
SELECT (SELECT count(*) FROM f) || ' functions; not C: ' ||
       (SELECT count(*) FROM f WHERE prokind <> 'a' AND prolang <> (SELECT oid FROM pg_language WHERE lanname = 'c')) ||
       ', SECURITY DEFINER: ' || (SELECT count(*) FROM f WHERE prosecdef) ||
       ', with SET: ' || (SELECT count(*) FROM f WHERE proconfig IS NOT NULL) ||
       ', defaults other than constants and implicit casts: ' ||
       (SELECT count(*) FROM f, regexp_matches(proargdefaults, '\{([A-Z]+)', 'g') n
        WHERE n[1] NOT IN ('CONST', 'FUNCEXPR')) ||
       ', defaults with a call that is not an implicit cast in pg_catalog: ' ||
       (SELECT count(*) FROM f, regexp_matches(proargdefaults, ':funcid ([0-9]+) [^{]*:funcformat ([0-9]+)', 'g') c
        WHERE c[2] <> '2' OR (SELECT pronamespace FROM pg_proc WHERE oid = c[1]::oid) <> 'pg_catalog'::regnamespace) ||
       ', members other than functions, types, views and the table quota_label_custom: ' ||
       (SELECT count(*) FROM m WHERE classid NOT IN ('pg_proc'::regclass, 'pg_type'::regclass)
          AND NOT (classid = 'pg_class'::regclass AND (SELECT relkind FROM pg_class WHERE oid = m.objid) = 'v')
          AND NOT (classid = 'pg_class'::regclass AND (SELECT relkind = 'r' AND relname = 'quota_label_custom'
                                                       FROM pg_class WHERE oid = m.objid))) ||
       -- the table's CHECKs, DEFAULTs and trigger call pg_catalog's functions
       -- and operators, or the extension's own
       ', calls in the table''s constraints, defaults and trigger outside pg_catalog and the extension: ' ||
       (SELECT count(*) FROM m JOIN pg_depend d ON m.classid = 'pg_class'::regclass
            AND d.classid IN ('pg_constraint'::regclass, 'pg_attrdef'::regclass, 'pg_trigger'::regclass)
            AND d.objid IN (SELECT oid FROM pg_constraint WHERE conrelid = m.objid
                            UNION ALL SELECT oid FROM pg_attrdef WHERE adrelid = m.objid
                            UNION ALL SELECT oid FROM pg_trigger WHERE tgrelid = m.objid)
            AND d.refclassid IN ('pg_proc'::regclass, 'pg_operator'::regclass)
        WHERE NOT (d.refclassid = 'pg_proc'::regclass AND
                   (d.refobjid IN (SELECT objid FROM m WHERE classid = 'pg_proc'::regclass)
                    OR (SELECT pronamespace FROM pg_proc WHERE oid = d.refobjid) = 'pg_catalog'::regnamespace))
          AND NOT (d.refclassid = 'pg_operator'::regclass AND
                   (SELECT oprnamespace FROM pg_operator WHERE oid = d.refobjid) = 'pg_catalog'::regnamespace)) ||
       ', table privileges for PUBLIC other than SELECT: ' ||
       (SELECT count(*) FROM m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid AND c.relkind = 'r',
             aclexplode(c.relacl) a WHERE a.grantee = 0 AND a.privilege_type <> 'SELECT') ||
       -- a view stores the functions it calls by OID when it is created: it
       -- must call only the extension's own (C) functions
       ', calls in views to functions not of the extension: ' ||
       (SELECT count(*) FROM m JOIN pg_rewrite r ON m.classid = 'pg_class'::regclass AND r.ev_class = m.objid
        JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                        AND d.refclassid = 'pg_proc'::regclass
        WHERE d.refobjid NOT IN (SELECT objid FROM m WHERE classid = 'pg_proc'::regclass)) ||
       ', views: ' || (SELECT count(*) FROM m JOIN pg_class c ON m.classid = 'pg_class'::regclass
                                                   AND c.oid = m.objid AND c.relkind = 'v');
SQL
)
echo "     $out"
echo "$out" | grep -qE '^[0-9]+ functions; not C: 0, SECURITY DEFINER: 0, with SET: 0, defaults other than constants and implicit casts: 0, defaults with a call that is not an implicit cast in pg_catalog: 0, members other than functions, types, views and the table quota_label_custom: 0, calls in the table.s constraints, defaults and trigger outside pg_catalog and the extension: 0, table privileges for PUBLIC other than SELECT: 0, calls in views to functions not of the extension: 0, views: 2$'
check "search_path-safe objects: C only, no SECURITY DEFINER or SET, constant DEFAULTs, only functions, types, the two label views over them and quota_label_custom (schema-qualified CHECKs, PUBLIC may only read)" $?

# and in the scripts themselves: no CREATE OR REPLACE (but in an update script, of an earlier version's object), IF NOT EXISTS, SQL
# bodies, SET or statements other than CREATE and COMMENT (a SELECT only as
# the line right after CREATE VIEW) -- and the renames of one naming scheme,
# exactly "ALTER FUNCTION f(types) RENAME TO g;": the types resolve in
# pg_catalog first, and every renamed function takes internal, which only a
# C function (a superuser's) can, so f can only be the extension's own
# member (test/upgrade.sh checks each rename)
root=$(cd "$(dirname "$0")/.." && pwd)
rename='^ALTER FUNCTION [a-z_0-9]+[(]([a-z_0-9]+, )*internal(, [a-z_0-9]+)*[)] RENAME TO [a-z_0-9]+;$'
# the label table of 1.3 (issue 28): marked for pg_dump, read by all,
# written by the role that created or updated the extension
labels_table="^(SELECT pg_catalog[.]pg_extension_config_dump[(]'quota_label_custom', ''[)];|GRANT SELECT ON quota_label_custom TO PUBLIC;|GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON quota_label_custom TO @extowner@;)\$"
bad=$(awk -v rename="$rename" -v labels_table="$labels_table" '/^--/ { next } { l = tolower($0) }
	(l ~ /or replace|if not exists|security definer|language (sql|plpgsql)/ ||
	 l ~ /^ *(set|select|do|grant|alter|insert|update|delete)([^a-z_]|$)/) &&
	!(prev ~ /^CREATE (OR REPLACE )?VIEW [a-z_]+ AS$/ && $0 ~ /^SELECT /) && $0 !~ rename &&
	$0 !~ labels_table &&
	!(FILENAME ~ /--[0-9.]+--[0-9.]+\.sql$/ && $0 ~ /^CREATE OR REPLACE (AGGREGATE|FUNCTION|VIEW) [a-z_0-9]+( AS$|\()/) { print FILENAME ":" FNR ": " $0 }
	{ prev = $0 }' "$root"/sql/quota_ext--*.sql)
stmts=$(grep -hoE '^(CREATE [A-Z]+|COMMENT ON|[A-Z]+ )' "$root"/sql/quota_ext--*.sql | sort | uniq -c | tr -s ' ' | paste -sd, -)
echo "     statements in sql/quota_ext--*.sql:$stmts"
# No DROP anywhere: an update script re-declares an object in place with
# CREATE OR REPLACE (which PostgreSQL allows only on a member of the
# extension), so a user's view over it neither blocks the update nor breaks;
# an OR REPLACE must name an object an earlier script created.
scripts=$(cd "$root/sql" && ls quota_ext--*.sql | sort -t- -k3,3V -k5,5V)
for f in $scripts; do
	case $f in *--*--*) ;; *) continue ;; esac
	earlier=$(for e in $scripts; do [ "$e" = "$f" ] && break; echo "$root/sql/$e"; done)
	while read -r kind obj; do
		[ -z "$obj" ] && continue
		grep -qE "^CREATE $kind $obj( AS$|\()" $earlier || bad="$bad
$f: CREATE OR REPLACE $kind $obj names no object of an earlier version"
	done < <(grep -oE '^CREATE OR REPLACE (AGGREGATE|FUNCTION|VIEW) [a-z_0-9]+' "$root/sql/$f" | cut -d' ' -f4,5)
done
bad="$bad$(grep -HnE '^DROP ' "$root"/sql/quota_ext--*.sql)"
# one table and its one trigger, nothing else of the kind
bad="$bad$(grep -HnE '^(CREATE (TABLE|TRIGGER|INDEX|SEQUENCE|SCHEMA|ROLE|POLICY|RULE|EVENT)|REVOKE|GRANT)' "$root"/sql/quota_ext--*.sql |
	grep -vE ':(CREATE TABLE quota_label_custom [(]|CREATE TRIGGER quota_label_custom_changed|REVOKE ALL ON quota_label_custom FROM PUBLIC;|GRANT SELECT ON quota_label_custom TO PUBLIC;|GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON quota_label_custom TO @extowner@;)')"
[ -z "$bad" ] && ! echo "$stmts" | grep -vqE '^( [0-9]+ (CREATE FUNCTION|CREATE TYPE|CREATE AGGREGATE|CREATE OR|CREATE VIEW|CREATE TABLE|CREATE TRIGGER|REVOKE |GRANT |AFTER |FOR |SELECT |COMMENT ON|ALTER |AS |RETURNS |LANGUAGE |SFUNC |STYPE |FINALFUNC |COMBINEFUNC |SERIALFUNC |DESERIALFUNC |PARALLEL |SSPACE |INPUT |OUTPUT |RECEIVE |SEND |INTERNALLENGTH |ALIGNMENT |STORAGE ),?)+$'
check "install and update scripts: only CREATE FUNCTION/TYPE/AGGREGATE, the label views, the label table with its grants and trigger, COMMENT ON, and in an update CREATE OR REPLACE of an earlier version's object and renames of functions taking internal; no DROP, no OR REPLACE elsewhere, no IF NOT EXISTS or SQL bodies" $? "$bad"

# ---------------------------------------------------------------------
# The trusted-extension hazard (README "Who may install it"): an installer
# who owns the extension's schema can add an overload there that is a
# better match than the extension's own function (lift_index(numeric, int)
# for a decimal literal, where the extension takes float8), and so run
# their code in the session of anyone -- a superuser too -- whose
# search_path holds that schema.  The recommended setup is immune: the
# extension in a schema only trusted roles can create in, and qualified
# calls.
# ---------------------------------------------------------------------
hz=qx_trusted_hazard
su_ -d postgres -c "DROP DATABASE IF EXISTS $hz WITH (FORCE)" -c "CREATE DATABASE $hz TEMPLATE template0" \
	-c "GRANT CREATE ON DATABASE $hz TO $role"
if [ "$trusted" = t ]; then
	out=$(PGOPTIONS='-c client_min_messages=warning' psql -X -At -q -v ON_ERROR_STOP=1 -U $role -d $hz 2>&1 <<'SQL'
CREATE SCHEMA app;
CREATE EXTENSION quota_ext SCHEMA app;
CREATE FUNCTION app.lift_index(numeric, int) RETURNS float8 LANGUAGE sql AS 'SELECT 42::float8';
SQL
)
	res=$(su_ -d $hz -c "SET search_path = app, public" -c "SELECT lift_index(0.5, 2)" 2>&1)
	[ "$res" = 42 ]
	check "hazard shown: a superuser whose search_path holds the installer's schema runs the installer's overload (lift_index(0.5, 2) = $res)" $? "$out"
	su_ -d $hz -c "DROP EXTENSION quota_ext CASCADE" -c "DROP SCHEMA app CASCADE" >/dev/null 2>&1
fi
# the recommended setup: a superuser creates the schema and the extension;
# ordinary roles get USAGE only, and calls are schema-qualified
su_ -d $hz -c "CREATE SCHEMA qx" -c "CREATE EXTENSION quota_ext SCHEMA qx" -c "GRANT USAGE ON SCHEMA qx TO $role"
out=$(PGOPTIONS='-c client_min_messages=warning' psql -X -At -q -U $role -d $hz \
	-c "CREATE FUNCTION qx.lift_index(numeric, int) RETURNS float8 LANGUAGE sql AS 'SELECT 42::float8'" 2>&1)
echo "$out" | grep -q 'permission denied for schema qx'
check "recommended setup: an ordinary role cannot add an overload to the extension's schema" $? "$out"
PGOPTIONS='-c client_min_messages=warning' psql -X -At -q -v ON_ERROR_STOP=1 -U $role -d $hz \
	-c "CREATE SCHEMA mine" -c "CREATE FUNCTION mine.lift_index(numeric, int) RETURNS float8 LANGUAGE sql AS 'SELECT 42::float8'" >/dev/null 2>&1
res=$(su_ -d $hz -c "SET search_path = mine, qx" -c "SELECT qx.lift_index(0.5, 2)" -c "SET search_path = qx" -c "SELECT lift_index(0.5, 2)" 2>&1)
[ "$(echo $res)" = "0.25 0.25" ]
rc=$?	# before the message's $(...), which sets $? of its own
check "recommended setup: a qualified call, and a search_path of the extension's schema only, reach the extension's function (got $(echo $res))" "$rc"
su_ -d postgres -c "DROP DATABASE IF EXISTS $hz WITH (FORCE)"

su_ -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "DROP ROLE IF EXISTS $role"
qx_summary
