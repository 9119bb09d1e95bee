#!/usr/bin/env bash
# Who may install quota_ext.  Reads `trusted` of the default version from
# pg_available_extension_versions (i.e. from the installed quota_ext.control):
#   trusted = true:  a non-superuser with only CREATE on a scratch database
#                    installs the extension in its own schema, uses a function
#                    and the trigger, and drops it;
#   trusted = false: the same user gets insufficient_privilege (42501) from
#                    CREATE EXTENSION, and can still use the extension once a
#                    superuser installed it and granted USAGE on its schema.
set -uo pipefail
db=qx_trusted
role=qx_trusted_user
passed=0
failed=0
check() {
	if [ "$2" -eq 0 ]; then echo "ok   $1"; passed=$((passed + 1))
	else echo "FAIL $1 ${3:-}"; failed=$((failed + 1)); fi
}
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

su_ -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "DROP ROLE IF EXISTS $role"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
