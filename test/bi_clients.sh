#!/usr/bin/env bash
# test/bi_clients.sh: what README "Using it from BI tools" says, checked with
# real clients against a running server (scripts/test.sh exports
# PGHOST/PGPORT/PGUSER): the extension in a schema of its own on a role's
# search_path; parameters sent as varchar, cast and untyped; and how psql,
# psycopg2, pandas and node-postgres see composite, numeric, bigint and date
# columns.  node-postgres is the dashboard's (examples/dashboard, installed
# from its lock file with npm ci when missing); without node it fails.
# Ends with "N passed, N failed".
# qx-tier: once
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/test/lib/suite.sh"
db=quota_ext_bi_$$
role=qx_bi_reader_$$
passed=0
failed=0

ok()  { passed=$((passed + 1)); echo "ok   - $1"; }
bad() { failed=$((failed + 1)); echo "FAIL - $1${2:+: $2}"; }
q()   { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }
qr()  { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -U "$role" "$@"; }

cleanup() {
	dropdb --if-exists "$db" >/dev/null 2>&1
	psql -X -q -d postgres -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1
}
trap cleanup EXIT

createdb "$db" || { bad "scratch database"; echo "$passed passed, $failed failed"; exit 1; }
# the README's statements, with a unique role name
if q <<SQL
CREATE SCHEMA analytics;
CREATE SCHEMA sales;
CREATE EXTENSION quota_ext SCHEMA analytics;
CREATE TABLE sales.orders (customer_id int, ts date, amount numeric(12,2));
INSERT INTO sales.orders VALUES
    (1, '2026-01-10', 120.00), (1, '2026-04-20', 80.00), (1, '2026-06-15', 100.00),
    (1, '2026-07-20', 150.00), (1, '2026-08-30', 90.00), (1, '2026-09-25', 60.00),
    (2, '2026-02-01', 500.00), (2, '2026-05-05', 400.00), (2, '2026-06-30', 450.00),
    (2, '2026-08-15', 200.00), (3, '2026-08-01', 75.00), (3, '2026-09-01', 75.00),
    (3, '2026-09-01', 25.00);
CREATE ROLE $role LOGIN;
GRANT USAGE ON SCHEMA analytics, sales TO $role;
GRANT SELECT ON ALL TABLES IN SCHEMA analytics, sales TO $role;
ALTER ROLE $role SET search_path = analytics, sales, public;
SQL
then ok "extension in schema analytics, role with search_path analytics, sales, public"
else bad "README set-up statements"; fi

got=$(qr -c "SELECT s.forecast FROM quota_status(50000, 120000, '2026-07-01', '2026-09-30', '2026-09-15') s" 2>&1)
[ "$got" = "60000.00" ] && ok "the role calls quota_status unqualified" || bad "unqualified call as the role" "$got"
got=$(qr -c "SELECT count(*) FROM quota_labels WHERE kind = 'kinetic'" 2>&1)
[ "$got" = 6 ] && ok "the role reads quota_labels (SELECT granted)" || bad "quota_labels as the role" "$got"
got=$(q -c "SELECT quota_status(1, 2, '2026-07-01', '2026-07-31', '2026-07-15')" 2>&1)
[[ $got == *"does not exist"* ]] && ok "without the search path the superuser's session does not see it" \
	|| bad "extension kept out of public" "$got"

# parameters: what pgJDBC's setString sends (varchar) fails without a cast
got=$(qr -c "PREPARE p(varchar) AS SELECT (s.k).segment FROM (SELECT rfm_kinetic(ts, amount, \$1) AS k FROM orders GROUP BY customer_id) s" 2>&1)
[[ $got == *"function rfm_kinetic(date, numeric, character varying) does not exist"* ]] \
	&& ok "a varchar parameter: function rfm_kinetic(date, numeric, character varying) does not exist" \
	|| bad "varchar parameter error" "$got"
got=$(qr -c "PREPARE p(varchar) AS SELECT string_agg((s.k).segment, ',' ORDER BY customer_id) FROM (SELECT customer_id, rfm_kinetic(ts, amount, \$1::date) AS k FROM orders GROUP BY customer_id) s" \
	-c "PREPARE u(unknown) AS SELECT string_agg((s.k).segment, ',' ORDER BY customer_id) FROM (SELECT customer_id, rfm_kinetic(ts, amount, \$1) AS k FROM orders GROUP BY customer_id) s" \
	-c "EXECUTE p('2026-09-30')" -c "EXECUTE u('2026-09-30')" 2>&1)
[ "$got" = "$(printf 'growing,fading,new\ngrowing,fading,new')" ] \
	&& ok "\$1::date and an untyped parameter (stringtype=unspecified) both work" || bad "cast parameters" "$got"

# psycopg2 and pandas (Debian's python3-psycopg2, python3-pandas)
if /usr/bin/python3 -c 'import psycopg2, pandas' 2>/dev/null; then
	out=$(/usr/bin/python3 - "$db" "$role" 2>&1 <<'PY'
import datetime, decimal, sys, warnings
import psycopg2, pandas as pd
warnings.simplefilter("ignore")   # pandas prefers SQLAlchemy; same results
con = psycopg2.connect(dbname=sys.argv[1], user=sys.argv[2])
cur = con.cursor()
checks = []
def check(name, cond):
    checks.append(cond)
    print(("ok   - " if cond else "FAIL - ") + name)

cur.execute("SELECT quota_status(50000, 120000, '2026-07-01', '2026-09-30', %s) AS st", ("2026-09-15",))
check("psycopg2: a composite column is one str",
      cur.fetchone()[0] == "(66,55,11,100000.00,0.4166666666666667,0.5,60000.00,70000,6363.64,f)")
cur.execute("SELECT s.* FROM quota_status(50000, 120000, '2026-07-01', '2026-09-30', %s) s", ("2026-09-15",))
row = cur.fetchone()
check("psycopg2: expanded, int/Decimal/float/bool with exact money",
      [type(v) for v in row] == [int, int, int, decimal.Decimal, float, float, decimal.Decimal,
                                 decimal.Decimal, decimal.Decimal, bool]
      and row[3] == decimal.Decimal("100000.00") and str(row[8]) == "6363.64")
sql = """SELECT s.customer_id, (s.k).* FROM (SELECT customer_id, rfm_kinetic(ts, amount, %(d)s) AS k
         FROM orders GROUP BY customer_id) s ORDER BY 1"""
cur.execute(sql, {"d": "2026-09-30"})
rows = cur.fetchall()
check("psycopg2: bigint frequency is int, dates are datetime.date",
      type(rows[0][2]) is int and type(rows[0][4]) is datetime.date)
df = pd.read_sql(sql, con, params={"d": "2026-09-30"})
d = df.dtypes.astype(str).to_dict()
check("pandas: numeric -> float64, int -> int64, bigint -> int64, date -> object, text -> object",
      d["monetary"] == "float64" and d["ticket_recent"] == "float64" and d["orders_recent"] == "int64"
      and d["frequency"] == "int64" and d["first_order"] == "object" and d["segment"] == "object")
check("pandas: the float64 money equals the SQL value",
      df.loc[0, "monetary"] == 600.0 and df.loc[2, "ticket_recent"] == float(rows[2][10]) == 58.33)
df2 = pd.read_sql(sql, con, params={"d": "2026-09-30"}, coerce_float=False)
check("pandas: coerce_float=False keeps Decimal (object)",
      str(df2.dtypes["monetary"]) == "object" and isinstance(df2.loc[0, "monetary"], decimal.Decimal))
df3 = pd.read_sql(sql, con, params={"d": "2026-09-30"}, parse_dates=["first_order"])
check("pandas: parse_dates gives datetime64", str(df3.dtypes["first_order"]).startswith("datetime64"))
df4 = pd.read_sql("SELECT s.orders_prior FROM (SELECT customer_id, rfm_kinetic(ts, amount, '2026-09-30') AS k "
                  "FROM orders GROUP BY customer_id) x, LATERAL (SELECT (x.k).*) s "
                  "UNION ALL SELECT NULL::int", con)
check("pandas: an int column with a NULL becomes float64", str(df4.dtypes["orders_prior"]) == "float64")
print("PYRESULT", sum(checks), len(checks) - sum(checks))
PY
)
	echo "$out" | grep -v '^PYRESULT'
	p=$(echo "$out" | awk '/^PYRESULT/ { print $2 }')
	f=$(echo "$out" | awk '/^PYRESULT/ { print $3 }')
	if [ -n "$p" ]; then passed=$((passed + p)); failed=$((failed + f)); else bad "python checks ran" "$out"; fi
else
	bad "python3-psycopg2 and python3-pandas installed"
fi

# node-postgres (npm pg, installed with the dashboard's packages)
npm_log=$(mktemp /tmp/qx_bi_npm.XXXXXX)
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	bad "node and npm installed (node >= 18)"
elif ! qx_dashboard_npm "$npm_log"; then
	bad "npm ci in examples/dashboard" "$(tail -5 "$npm_log")"
else
	out=$(cd "$root/examples/dashboard" && QX_DB=$db QX_ROLE=$role node --input-type=module 2>&1 <<'JS'
import pg from 'pg';
const c = new pg.Client({ host: process.env.PGHOST, port: +process.env.PGPORT,
                          user: process.env.QX_ROLE, database: process.env.QX_DB });
await c.connect();
let pass = 0, fail = 0;
const check = (name, cond) => { cond ? pass++ : fail++; console.log((cond ? 'ok   - ' : 'FAIL - ') + name); };
let r = await c.query("SELECT quota_status(50000, 120000, '2026-07-01', '2026-09-30', $1) AS st", ['2026-09-15']);
check('node-postgres: a composite column is one string',
      r.rows[0].st === '(66,55,11,100000.00,0.4166666666666667,0.5,60000.00,70000,6363.64,f)');
r = await c.query("SELECT s.* FROM quota_status(50000, 120000, '2026-07-01', '2026-09-30', $1) s", ['2026-09-15']);
const s = r.rows[0];
check('node-postgres: numeric money is a string, float8 a number, int a number, boolean a boolean',
      s.required_per_day === '6363.64' && s.forecast === '60000.00' && s.pace === 0.5 &&
      s.total_days === 66 && s.on_track === false);
r = await c.query(`SELECT s.customer_id, (s.k).* FROM (SELECT customer_id, rfm_kinetic(ts, amount, $1) AS k
                   FROM orders GROUP BY customer_id) s ORDER BY 1`, ['2026-09-30']);
const k = r.rows[0];
check('node-postgres: bigint is a string, date a Date, untyped parameter accepted',
      k.frequency === '6' && k.first_order instanceof Date && k.segment === 'growing');
pg.types.setTypeParser(1082, v => v);
pg.types.setTypeParser(1700, parseFloat);
r = await c.query(`SELECT s.customer_id, (s.k).* FROM (SELECT customer_id, rfm_kinetic(ts, amount, $1) AS k
                   FROM orders GROUP BY customer_id) s ORDER BY 1`, ['2026-09-30']);
check("node-postgres: setTypeParser(1082, v => v) keeps 'YYYY-MM-DD', (1700, parseFloat) gives numbers",
      r.rows[0].first_order === '2026-01-10' && r.rows[0].monetary === 600);
await c.end();
console.log('JSRESULT', pass, fail);
JS
)
	echo "$out" | grep -v '^JSRESULT'
	p=$(echo "$out" | awk '/^JSRESULT/ { print $2 }')
	f=$(echo "$out" | awk '/^JSRESULT/ { print $3 }')
	if [ -n "$p" ]; then passed=$((passed + p)); failed=$((failed + f)); else bad "node checks ran" "$out"; fi
fi
rm -f "$npm_log"

cleanup
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
