#!/usr/bin/env bash
# qx-tier: once
# The typed BI views of doc/bi.md through the drivers BI tools use: unixODBC
# with psqlODBC (Debian's odbc-postgresql, through python3-pyodbc) and pgJDBC
# (Debian's libpostgresql-jdbc-java, through test/bi/BiDrivers.java).  The
# views and their data are taken from doc/bi.md itself (the sql block with
# "-- bi views: begin"), so the guide and this suite cannot drift apart.
# Checks: declared numeric(14,2) money is precision 14, scale 2 in both
# drivers (and the untyped numeric is not: why the views exist); booleans are
# booleans with BoolsAsChar=0 (and '0'/'1' strings without it); labels are
# varchar(200) with their Cyrillic intact; a Java double bound to a numeric
# argument fails with 42883 and works with ?::numeric.  pgJDBC has no Unix
# socket: a relay on 127.0.0.1 (a free port) forwards to the server's socket
# for the length of the suite.  Ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/test/lib/suite.sh"
db=qx_bi_drivers
tmp=$(mktemp -d /tmp/qx_bi_drivers.XXXXXX)
relay_pid=
cleanup() {
	[ -n "$relay_pid" ] && kill "$relay_pid" 2>/dev/null
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

q -d postgres -c "DROP DATABASE IF EXISTS $db" 2>/dev/null
q -d postgres -c "CREATE DATABASE $db" && q -d $db -c "CREATE EXTENSION quota_ext"
qx_check "scratch database with quota_ext" $?
/usr/bin/python3 - "$root/doc/bi.md" >"$tmp/views.sql" <<'PY'
import re, sys
blocks = re.findall(r"^```sql\n(.*?)^```", open(sys.argv[1], encoding="utf-8").read(), re.M | re.S)
print(next(b for b in blocks if "-- bi views: begin" in b))
PY
q -d $db -f "$tmp/views.sql" >/dev/null
qx_check "the typed views and their data of doc/bi.md created" $?

# --- ODBC --------------------------------------------------------------------
if /usr/bin/python3 -c 'import pyodbc' 2>/dev/null && /usr/bin/python3 -c 'import pyodbc, sys; sys.exit("PostgreSQL Unicode" not in pyodbc.drivers())'; then
	# The driver as installed, with its communication log off: Debian's
	# odbcinst.ini says CommLog=1, and the driver then leaves a log of every
	# connecting process in /tmp.
	sed 's/^CommLog *= *1/CommLog=0/' "$(odbcinst -j | sed -n 's/^DRIVERS\.*: //p')" >"$tmp/odbcinst.ini"
	ODBCSYSINI=$tmp /usr/bin/python3 - "$db" >"$tmp/odbc.out" 2>&1 <<'PY'
import os, sys, pyodbc
base = (f"Driver={{PostgreSQL Unicode}};Servername={os.environ['PGHOST']};Port={os.environ['PGPORT']};"
        f"Database={sys.argv[1]};Username={os.environ.get('PGUSER', 'postgres')};")
typed = "BoolsAsChar=0;TextAsLongVarchar=0;UnknownsAsLongVarchar=0;"
raw_sql = ("SELECT s.forecast, s.on_track, quota_label('kinetic', 'fading', 'ru') AS label FROM "
           "quota_status(50000, 120000, '2026-07-01', '2026-09-30', '2026-09-15') s")
def show(tag, conn, sql):
    cur = conn.cursor()
    cur.execute(sql)
    row = cur.fetchone()
    for d, v in zip(cur.description, row):
        # name, Python type, precision, scale, value
        print(f"{tag}|{d[0]}|{d[1].__name__}|{d[4]}|{d[5]}|{type(v).__name__}:{v}")
show("raw_default", pyodbc.connect(base), raw_sql)
c = pyodbc.connect(base + typed)
c.cursor().execute("SET bi.as_of = '2026-09-15'")
show("typed", c, "SELECT rep, quota, actual, forecast, attainment, on_track FROM bi_quota_attainment ORDER BY rep DESC LIMIT 1")
show("labels", c, "SELECT kind, code, rank, color, en, ru, bg FROM bi_labels WHERE kind = 'kinetic' AND code = 'fading'")
PY
	odbc_rc=$?
	cat "$tmp/odbc.out"
	qx_check "ODBC: connected and read the views" $odbc_rc
	o() { grep "^$1|$2|" "$tmp/odbc.out" | cut -d'|' -f3-; }
	[[ "$(o raw_default forecast)" == Decimal\|28\|2\|* ]]
	qx_check "ODBC: untyped numeric money is reported as NUMERIC(28, scale of the rows), why the views exist" $? "$(o raw_default forecast)"
	[ "$(o raw_default on_track)" = "str|5|0|str:0" ]
	qx_check "ODBC: with psqlODBC's defaults a boolean arrives as the string '0'" $? "$(o raw_default on_track)"
	for col in quota actual forecast; do
		[[ "$(o typed $col)" == Decimal\|14\|2\|Decimal:* ]]
		qx_check "ODBC: typed view's $col is DECIMAL(14,2)" $? "$(o typed $col)"
	done
	[ "$(o typed attainment)" = "Decimal|7|4|Decimal:0.4167" ]
	qx_check "ODBC: attainment is DECIMAL(7,4), 0.4167" $? "$(o typed attainment)"
	[ "$(o typed on_track)" = "bool|1|0|bool:False" ]
	qx_check "ODBC: with BoolsAsChar=0 on_track is a bool" $? "$(o typed on_track)"
	[ "$(o typed rep)" = "str|100|0|str:Анна Иванова" ]
	qx_check "ODBC: rep is varchar(100), Cyrillic intact" $? "$(o typed rep)"
	[ "$(o labels ru)" = "str|200|0|str:Угасающие" ] && [ "$(o labels bg)" = "str|200|0|str:$(psql -X -At -d $db -c "SELECT bg FROM quota_labels WHERE kind = 'kinetic' AND code = 'fading'")" ]
	qx_check "ODBC: labels are varchar(200), Russian and Bulgarian intact" $? "$(o labels ru) $(o labels bg)"
else
	qx_check "python3-pyodbc and psqlODBC's 'PostgreSQL Unicode' driver installed" 1
fi

# --- JDBC --------------------------------------------------------------------
jar=/usr/share/java/postgresql.jar
if command -v javac >/dev/null && [ -f "$jar" ]; then
	# the relay: 127.0.0.1:free port -> the server's Unix socket
	/usr/bin/python3 - "$PGHOST/.s.PGSQL.$PGPORT" "$tmp/port" >"$tmp/relay.log" 2>&1 <<'PY' &
import asyncio, sys
sock, portfile = sys.argv[1], sys.argv[2]
async def pipe(r, w):
    try:
        while data := await r.read(65536):
            w.write(data); await w.drain()
    finally:
        w.close()
async def handle(cr, cw):
    sr, sw = await asyncio.open_unix_connection(sock)
    await asyncio.gather(pipe(cr, sw), pipe(sr, cw), return_exceptions=True)
async def main():
    srv = await asyncio.start_server(handle, "127.0.0.1", 0)
    open(portfile, "w").write(str(srv.sockets[0].getsockname()[1]))
    async with srv:
        await asyncio.wait_for(srv.serve_forever(), 600)   # ends by itself
asyncio.run(main())
PY
	relay_pid=$!
	for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
	port=$(cat "$tmp/port" 2>/dev/null)
	(cd "$tmp" && cp "$root/test/bi/BiDrivers.java" . && javac -J-XX:-UsePerfData -cp "$jar" BiDrivers.java) >"$tmp/javac.log" 2>&1 &&
		java -XX:-UsePerfData -cp "$tmp:$jar" BiDrivers "jdbc:postgresql://127.0.0.1:$port/$db?user=${PGUSER:-postgres}&options=-c%20bi.as_of=2026-09-15" >"$tmp/jdbc.out" 2>&1
	jdbc_rc=$?
	cat "$tmp/javac.log" "$tmp/jdbc.out"
	qx_check "JDBC: compiled, connected through 127.0.0.1 and read the views" $jdbc_rc
	j() { grep "^$1|$2|" "$tmp/jdbc.out" | cut -d'|' -f3-; }
	[ "$(j raw forecast)" = "numeric|0|0|BigDecimal:60000.00" ]
	qx_check "JDBC: untyped numeric money is reported as precision 0, scale 0, why the views exist" $? "$(j raw forecast)"
	for col in quota actual forecast; do
		[[ "$(j typed $col)" == numeric\|14\|2\|BigDecimal:* ]]
		qx_check "JDBC: typed view's $col is numeric(14,2)" $? "$(j typed $col)"
	done
	[ "$(j typed on_track)" = "bool|1|0|Boolean:false" ]
	qx_check "JDBC: on_track is a Boolean" $? "$(j typed on_track)"
	[ "$(j typed rep)" = "varchar|100|0|String:Boris Petrov" ]
	qx_check "JDBC: rep is varchar(100)" $? "$(j typed rep)"
	[ "$(j labels ru)" = "varchar|200|0|String:Угасающие" ]
	qx_check "JDBC: labels are varchar(200), Cyrillic intact" $? "$(j labels ru)"
	[ "$(grep '^double|' "$tmp/jdbc.out")" = "double|error|42883" ]
	qx_check "JDBC: a double bound to a numeric argument fails with 42883 (doc/bi.md says to cast)" $? "$(grep '^double|' "$tmp/jdbc.out")"
	[ "$(grep '^double_cast|' "$tmp/jdbc.out")" = "double_cast|ok|60000.00" ]
	qx_check "JDBC: with ?::numeric the same call works" $? "$(grep '^double_cast|' "$tmp/jdbc.out")"
else
	qx_check "javac and Debian's libpostgresql-jdbc-java installed" 1
fi
qx_summary
