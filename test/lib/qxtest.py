"""
qxtest.py: shared machinery of the hardening suites (test/hostile.sh,
test/fuzz_states.sh, ...).

Everything here is generic: the extension's objects are discovered from the
catalog (pg_depend on the extension -> pg_proc with prokind f/a/w, pg_type),
so functions, aggregates, window functions and state types added later are
covered without touching the suites.

Connection: libpq environment (PGHOST, PGPORT, PGUSER).  Needs psycopg2
(Debian package python3-psycopg2; run with /usr/bin/python3).
"""
import os
import random
import re
import sys
import threading
import time

import psycopg2
import psycopg2.extensions

EXT = os.environ.get("QX_EXTENSION", "quota_ext")


def log(*a):
    print(*a, flush=True)


def connect(dbname, timeout_s=5):
    """An autocommit connection with a per-statement timeout."""
    conn = psycopg2.connect(dbname=dbname, connect_timeout=10,
                            application_name="qx_hardening")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SET statement_timeout = %s", ("%ds" % timeout_s,))
        cur.execute("SET lock_timeout = '5s'")
        cur.execute("SET client_min_messages = warning")
    return conn


def admin(sql, dbname="postgres"):
    conn = psycopg2.connect(dbname=dbname)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
        rows = cur.fetchall() if cur.description else None
    conn.close()
    return rows


def make_scratch_db(name, schema="qx"):
    """A fresh database with the extension installed in its own schema; the
    sessions run with search_path = pg_catalog so every reference must be
    schema-qualified (SPEC section 0), which the suites do."""
    admin('DROP DATABASE IF EXISTS "%s"' % name)
    admin('CREATE DATABASE "%s" TEMPLATE template0' % name)
    admin('CREATE SCHEMA %s; CREATE EXTENSION %s SCHEMA %s;' % (schema, EXT, schema), name)
    admin('ALTER DATABASE "%s" SET search_path = pg_catalog' % name)


def drop_db(name):
    try:
        admin('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
    except Exception as e:  # noqa: BLE001 - best effort clean-up
        log("note: could not drop %s: %s" % (name, e))


class ServerWatch:
    """Whether the server crashed while a suite ran: the postmaster start
    time, backend crashes recorded in the log (when the log is readable:
    QX_SERVER_LOG, exported by scripts/lib.sh), and whether it still accepts
    connections."""

    CRASH_RE = re.compile(r"terminated by signal|was terminated by exception|"
                          r"server process .* exited with exit code [^01]|"
                          r"all server processes terminated; reinitializing")

    def __init__(self):
        self.start = admin("SELECT pg_postmaster_start_time()")[0][0]
        self.log_path = os.environ.get("QX_SERVER_LOG", "")
        self.log_off = 0
        if self.log_path and os.access(self.log_path, os.R_OK):
            self.log_off = os.path.getsize(self.log_path)
        else:
            self.log_path = ""

    def problems(self):
        out = []
        try:
            now = admin("SELECT pg_postmaster_start_time()")[0][0]
            if now != self.start:
                out.append("postmaster start time changed: %s -> %s" % (self.start, now))
        except Exception as e:  # noqa: BLE001
            out.append("server does not accept connections: %s" % e)
        if self.log_path:
            with open(self.log_path, "r", errors="replace") as f:
                f.seek(self.log_off)
                for line in f:
                    if self.CRASH_RE.search(line):
                        out.append("server log: " + line.strip())
        return out

    def log_note(self):
        return ("server log %s checked" % self.log_path) if self.log_path else \
            "server log not readable (QX_SERVER_LOG unset): crash check by connection and start time"


class Runner:
    """Runs statements, classifies their outcome, survives crashes.

    outcome: 'ok', ('error', sqlstate, message), 'timeout', 'crash'.
    A watchdog cancels a statement that ignores statement_timeout (a loop
    without CHECK_FOR_INTERRUPTS) and records it as a timeout."""

    def __init__(self, dbname, timeout_s=5):
        self.dbname = dbname
        self.timeout_s = timeout_s
        self.conn = connect(dbname, timeout_s)
        self.calls = 0
        self.by_class = {}
        self.by_state = {}      # sqlstate -> [count, first message, its statement]
        self.crashes = 0
        self.timeouts = 0
        self.slowest = (0.0, "")  # (seconds, statement): a figure, not a bound
        # one watchdog thread for the whole run (a thread per statement cost
        # a clone and an 8 MB stack mapping per call: seconds of system time)
        self._wd_cond = threading.Condition()
        self._wd_job = None     # (deadline, connection, fired list) of the running statement
        self._wd_idle = False   # the watchdog waits with no deadline: wake it for a statement
        threading.Thread(target=self._watchdog, daemon=True).start()

    def _watchdog(self):
        with self._wd_cond:
            while True:
                job = self._wd_job
                if job is None:
                    self._wd_idle = True
                    self._wd_cond.wait()
                    self._wd_idle = False
                    continue
                left = job[0] - time.monotonic()
                if left > 0:
                    self._wd_cond.wait(left)
                    continue
                # the statement is still running past its deadline
                self._wd_job = None
                job[2].append(1)
                try:
                    job[1].cancel()
                except Exception:  # noqa: BLE001
                    pass

    def _reconnect(self):
        deadline = time.time() + 60
        while True:
            try:
                self.conn = connect(self.dbname, self.timeout_s)
                return
            except psycopg2.OperationalError:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)

    def run(self, sql, fetch=True):
        self.calls += 1
        conn = self.conn
        fired = []
        t0 = time.monotonic()
        with self._wd_cond:
            # deadlines only grow: a watchdog waiting for an earlier one
            # wakes, finds this one and waits again
            self._wd_job = (t0 + self.timeout_s + 10, conn, fired)
            if self._wd_idle:
                self._wd_cond.notify()
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                if fetch and cur.description:
                    cur.fetchall()
            res = "ok"
        except psycopg2.extensions.QueryCanceledError:
            res = "timeout"
        except (psycopg2.OperationalError, psycopg2.InterfaceError) as e:
            if e.pgcode is None and (conn.closed or "server closed" in str(e)
                                     or "terminat" in str(e)):
                res = "crash"
            else:
                res = ("error", e.pgcode or "?????", str(e).strip())
        except psycopg2.Error as e:
            res = ("error", e.pgcode or "?????", str(e).strip())
        finally:
            with self._wd_cond:
                self._wd_job = None
        took = time.monotonic() - t0
        if took > self.slowest[0]:
            self.slowest = (took, sql)
        if res == "crash":
            self.crashes += 1
            self._reconnect()
        elif res == "timeout":
            self.timeouts += 1
            if fired:
                res = "timeout (ignored statement_timeout)"
        if isinstance(res, tuple):
            cls = res[1][:2]
            self.by_state.setdefault(res[1], [0, res[2].splitlines()[0], sql])
            self.by_state[res[1]][0] += 1
            self.by_class[cls] = self.by_class.get(cls, 0) + 1
        elif res == "ok":
            self.by_class["ok"] = self.by_class.get("ok", 0) + 1
        return res

    def query(self, sql, args=None):
        with self.conn.cursor() as cur:
            cur.execute(sql, args)
            return cur.fetchall()


# ---------------------------------------------------------------------------
# catalog discovery

def ext_functions(r):
    """Every function, aggregate and window function of the extension."""
    rows = r.query("""
        SELECT p.oid, quote_ident(n.nspname) || '.' || quote_ident(p.proname),
               p.proname, p.prokind, p.proretset, p.prorettype,
               p.proargtypes::oid[], coalesce(p.proargnames, '{}'),
               p.pronargdefaults, p.proisstrict,
               pg_get_function_arguments(p.oid),
               a.aggkind, a.aggnumdirectargs,
               p.oid::regprocedure::text
        FROM pg_depend d
        JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
        JOIN pg_namespace n ON n.oid = p.pronamespace
        LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
        WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
          AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = %s)
          AND p.prokind IN ('f', 'a', 'w')
        ORDER BY p.proname, p.pronargs, p.oid""", (EXT,))
    support = {x[0] for x in r.query("""
        SELECT unnest(ARRAY[aggtransfn, aggfinalfn, aggcombinefn, aggserialfn,
                            aggdeserialfn, aggmtransfn, aggminvtransfn, aggmfinalfn])::oid
        FROM pg_aggregate a JOIN pg_depend d ON d.classid = 'pg_proc'::regclass
             AND d.objid = a.aggfnoid AND d.deptype = 'e'
             AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = %s)""", (EXT,))}
    typeio = {x[0] for x in r.query("""
        SELECT unnest(ARRAY[typinput, typoutput, typreceive, typsend])::oid
        FROM pg_type t JOIN pg_depend d ON d.classid = 'pg_type'::regclass
             AND d.objid = t.oid AND d.deptype = 'e'
             AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = %s)""", (EXT,))}
    out = []
    for (oid, qname, name, kind, retset, rettype, argtypes, argnames, ndef, strict,
         argdef, aggkind, ndirect, sig) in rows:
        argtypes = list(argtypes or [])
        names = list(argnames or [])
        names += [""] * (len(argtypes) - len(names))
        out.append(dict(oid=oid, qname=qname, name=name, kind=kind, retset=retset,
                        rettype=rettype, argtypes=argtypes, argnames=names[:len(argtypes)],
                        defaults=parse_defaults(argdef, len(argtypes), ndef),
                        strict=strict, aggkind=aggkind, ndirect=ndirect or 0, sig=sig,
                        support=oid in support, typeio=oid in typeio))
    return out


def parse_defaults(argdef, nargs, ndef):
    """DEFAULT expressions of pg_get_function_arguments(), by argument."""
    parts, depth, q, cur = [], 0, False, ""
    for ch in argdef:
        if ch == "'" and True:
            q = not q
        if not q:
            if ch in "([":
                depth += 1
            elif ch in ")]":
                depth -= 1
            elif ch == "," and depth == 0:
                parts.append(cur.strip())
                cur = ""
                continue
        cur += ch
    if cur.strip():
        parts.append(cur.strip())
    out = [None] * nargs
    for i, p in enumerate(parts[:nargs]):
        m = re.search(r"\sDEFAULT\s(.*)$", p, re.S)
        if m:
            out[i] = m.group(1)
    return out


def ext_base_types(r):
    """Base types of the extension: (oid, qualified name, has binary I/O)."""
    return r.query("""
        SELECT t.oid, t.oid::regtype::text, t.typreceive <> 0 AND t.typsend <> 0
        FROM pg_depend d JOIN pg_type t ON d.classid = 'pg_type'::regclass AND d.objid = t.oid
        WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
          AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = %s)
          AND t.typtype = 'b'
        ORDER BY t.typname""", (EXT,))


class Types:
    """pg_type facts the suites need, cached."""

    def __init__(self, r):
        self.r = r
        self.cache = {}

    def info(self, oid):
        if oid not in self.cache:
            (name, typtype, elem, relid, category, in_ext) = self.r.query("""
                SELECT t.oid::regtype::text, t.typtype, t.typelem, t.typrelid, t.typcategory,
                       EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                               AND d.objid = t.oid AND d.deptype = 'e'
                               AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = %s))
                FROM pg_type t WHERE t.oid = %s""", (EXT, oid))[0]
            fields = []
            if typtype == "c":
                fields = self.r.query("""
                    SELECT attname, atttypid FROM pg_attribute
                    WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped
                    ORDER BY attnum""", (relid,))
            is_array = category == "A" and elem != 0
            self.cache[oid] = dict(name=name, typtype=typtype, elem=elem if is_array else 0,
                                   fields=fields, in_ext=in_ext, category=category)
        return self.cache[oid]


# ---------------------------------------------------------------------------
# edge values, as SQL expressions of the argument's type

MB = 1024 * 1024

EDGES = {
    "boolean": ["true", "false"],
    "smallint": ["0", "1", "-1", "32767", "-32768"],
    "integer": ["0", "1", "-1", "2", "5", "1000", "1001", "2147483647", "-2147483648"],
    "bigint": ["0", "1", "-1", "9223372036854775807", "-9223372036854775808"],
    "real": ["0", "'-0'", "-1", "1", "0.5", "'NaN'", "'Infinity'", "'-Infinity'",
             "'3.4028235e38'", "'1e-45'"],
    "double precision": ["0", "'-0'", "-1", "1", "0.5", "1.0000000000000002", "'NaN'",
                         "'Infinity'", "'-Infinity'", "'1.7976931348623157e308'",
                         "'-1.7976931348623157e308'", "'5e-324'", "'2.2250738585072014e-308'",
                         "1e15", "-1e-300"],
    "numeric": ["0", "-1", "1", "0.5", "'NaN'", "'Infinity'", "'-Infinity'",
                "repeat('9', 131072)::numeric", "('-' || repeat('9', 131072))::numeric",
                "('0.' || repeat('0', 16382) || '1')::numeric",
                "1e-1000", "123456789012345678901234567890.123456789"],
    "date": ["'-infinity'", "'infinity'", "'4713-01-01 BC'", "'5874897-12-31'",
             "'2000-01-01'", "'1970-01-01'", "'2024-02-29'", "'2024-12-31'"],
    "timestamp with time zone": ["'-infinity'", "'infinity'", "'4713-01-01 00:00:00+00 BC'",
                                 "'294276-12-31 23:59:59.999999+00'", "'epoch'",
                                 "'2024-02-29 12:00:00+00'"],
    "timestamp without time zone": ["'-infinity'", "'infinity'", "'4713-01-01 00:00:00 BC'",
                                    "'294276-12-31 23:59:59.999999'", "'epoch'"],
    "interval": ["'0'", "'1 month'", "'1 hour'", "'-1 day'", "'-1 month'", "'1 day -1 hour'",
                 "'1 mon -30 days'", "'12:00'", "'0.000001 seconds'", "'178000000 years'",
                 "'-178000000 years'", "'2147483647 days'", "'-2147483648 days'",
                 "'2147483647 months'", "'7 days'", "'1 year'"],
    "text": ["''", "'x'", "'A'", "repeat('x', %d)" % MB, "'%s%n%x%p'", "E'\\\\'",
             "'Champions'", "'\u00e9\u65e5\U0001F600'", "repeat('\u00e9', 100000)"],
    "character varying": ["''", "'x'", "repeat('x', %d)" % MB],
    "bytea": ["''", "'\\x00'", "'\\xff'", "decode(repeat('ff', 100000), 'hex')"],
    "cstring": ["''", "'x'", "'0'", "'-1'", "'NaN'", "'{}'", "repeat('9', 100000)",
                "'%s%n'", "repeat('(', 10000)", "'1,2,3'"],
}

DEEP = 10000
JSONB_EDGES = [
    "'{'",                          # malformed: rejected by jsonb_in
    "'[1,'",
    "'{}'", "'[]'", "'null'", "'0'", "'\"x\"'", "'true'", "'[{}]'", "'[null]'",
    "repeat('[', %d) || repeat(']', %d)" % (DEEP, DEEP),
    "repeat('{\"a\":', %d) || '1' || repeat('}', %d)" % (DEEP, DEEP),
    "'[{\"name\": 1, \"r\": \"x\"}]'",
    "'[{\"name\": \"a\", \"r\": [5, 1], \"f\": [1, 5], \"m\": [1, 5]}]'",
    "'[{\"name\": \"a\", \"r\": [1, 5], \"f\": [1, 5], \"m\": [1, 5]}]'",
    "'[{\"name\": \"a\", \"r\": [1e400, -1e400], \"f\": [1.5, \"2\"], \"m\": [null, {}]}]'",
    "'[{\"name\": \"a\", \"r\": [-2147483649, 2147483648], \"f\": [1], \"m\": [1,2,3]}]'",
    "'[{\"name\": \"\", \"r\": [], \"f\": {}, \"m\": null, \"extra\": 1}]'",
    "'{\"name\": \"a\", \"r\": [1, 5], \"f\": [1, 5], \"m\": [1, 5]}'",
    "(SELECT jsonb_agg(jsonb_build_object('name', 's' || i, 'r', '[1,5]'::jsonb, "
    "'f', '[1,5]'::jsonb, 'm', '[1,5]'::jsonb)) FROM generate_series(1, 10000) i)",
    "(SELECT jsonb_build_array(jsonb_build_object('name', repeat('n', %d), "
    "'r', '[1,5]'::jsonb, 'f', '[1,5]'::jsonb, 'm', '[1,5]'::jsonb)))" % MB,
]
EDGES["jsonb"] = JSONB_EDGES
EDGES["json"] = JSONB_EDGES

# sensible values: candidates tried, in this order, when looking for a call
# that succeeds (so that varying one argument reaches the code behind the
# argument checks); argument-name hints first.
SENSIBLE = {
    "boolean": ["true", "false"],
    "smallint": ["1", "3", "0"],
    "integer": ["3", "1", "5", "0", "2", "12"],
    "bigint": ["3", "1", "0"],
    "real": ["0.5", "1", "10", "0.1"],
    "double precision": ["0.5", "1", "10", "0.1", "0", "100", "3"],
    "numeric": ["100", "50", "0", "1"],
    "date": ["'2024-03-15'", "'2024-01-01'", "'2024-03-31'", "'2024-06-30'"],
    "timestamp with time zone": ["'2024-03-15 10:00+00'"],
    "timestamp without time zone": ["'2024-03-15 10:00'"],
    "interval": ["'1 day'", "'1 month'", "'90 days'", "'7 days'"],
    "text": ["'x'", "'A'"],
    "character varying": ["'x'"],
    "jsonb": ["'[{\"name\": \"a\", \"r\": [1, 5], \"f\": [1, 5], \"m\": [1, 5]}]'", "'{}'"],
    "json": ["'{}'"],
    "cstring": ["'x'"],
    "bytea": ["'\\x00'"],
}

NAME_HINTS = {
    "as_of": "'2024-06-30'", "period_start": "'2024-01-01'", "period_end": "'2024-03-31'",
    "from_date": "'2024-01-01'", "to_date": "'2024-03-31'", "ts": "'2024-03-15'",
    "agreement": "0.5", "objections": "2", "threshold": "0.2", "a_share": "0.8",
    "b_share": "0.95", "bins": "5", "periods": "6", "period": "'1 month'", "steps": "3",
    "time_unit": "'1 day'", "window_len": "'90 days'", "r": "3", "f": "3", "m": "3",
    "grp": "2", "horizon": "10", "frequency": "2", "recency": "5", "t": "10", "cv": "0.2",
    "x_max": "0.1", "y_max": "0.25", "tolerance": "0.1", "win_rate": "0.3",
    "cycle_days": "30", "amount": "100", "quota": "100", "actual": "50",
    "holidays": "'{}'", "business_days": "true", "value": "10",
}

# arguments that must be the same in every row of a group (parameters),
# as opposed to per-row data; plus every argument that has a default
PARAM_NAMES = {"as_of", "period_start", "periods", "period", "window_len", "threshold",
               "time_unit", "a_share", "b_share", "bins", "higher_is_better", "horizon",
               "model"}


def cast(expr, tname):
    return "(%s)::%s" % (expr, tname)


class Values:
    """Edge and sensible values of any type, as SQL expressions."""

    def __init__(self, r, types, samples=None):
        self.r = r
        self.t = types
        self.samples = samples if samples is not None else {}

    def base_name(self, oid):
        return self.t.info(oid)["name"]

    def edges(self, oid, depth=0):
        ti = self.t.info(oid)
        name = ti["name"]
        out = ["NULL"]
        if ti["elem"]:
            en = self.base_name(ti["elem"])
            el = [e for e in self.edges(ti["elem"], depth + 1) if "repeat(" not in e
                  and "generate_series" not in e and "jsonb_build" not in e][:12]
            out += ["'{}'", "ARRAY[NULL]::%s" % name,
                    "ARRAY[%s]" % ", ".join(cast(e, en) for e in el),
                    "ARRAY[%s]" % ", ".join(cast(e, en) for e in (self.sensible(ti["elem"])[:1] * 2)),
                    "ARRAY[ARRAY[%s, NULL], ARRAY[NULL, %s]]" % (
                        cast(self.sensible(ti["elem"])[0], en), cast(self.sensible(ti["elem"])[0], en)),
                    "'[-5:-4]={%s,%s}'" % (_unq(self.sensible(ti["elem"])[0]),
                                           _unq(self.sensible(ti["elem"])[0])),
                    "(SELECT array_agg(%s) FROM generate_series(1, 100000) g)" %
                    cast(self.sensible(ti["elem"])[0], en)]
            return out
        if ti["typtype"] == "c":
            fields = ti["fields"]
            sens = [cast(self.sensible(ft)[0], self.base_name(ft)) for _, ft in fields]
            out.append("ROW(%s)" % ", ".join(["NULL"] * len(fields)))
            out.append("ROW(%s)" % ", ".join(sens))
            for s in self.samples.get(oid, []):
                out.append(s)
            if depth == 0:
                for i, (_, ft) in enumerate(fields):
                    for e in self.edges(ft, depth + 1):
                        if e == "NULL" or "repeat(" in e or "generate_series" in e:
                            continue
                        row = list(sens)
                        row[i] = cast(e, self.base_name(ft))
                        out.append("ROW(%s)" % ", ".join(row))
            return out
        if ti["typtype"] == "d":
            return out + self.samples.get(oid, [])
        if name in EDGES:
            return out + EDGES[name]
        # extension base types and anything unknown: valid samples if any
        return out + self.samples.get(oid, [])

    def sensible(self, oid, argname=""):
        ti = self.t.info(oid)
        name = ti["name"]
        cands = []
        if argname in NAME_HINTS and ti["typtype"] != "c" and not ti["in_ext"]:
            cands.append(NAME_HINTS[argname])
        if ti["elem"]:
            cands += ["'{}'"]
        elif ti["typtype"] == "c":
            cands += self.samples.get(oid, [])
            cands.append("ROW(%s)" % ", ".join(
                cast(self.sensible(ft)[0], self.base_name(ft)) for _, ft in ti["fields"]))
        elif name in SENSIBLE:
            cands += SENSIBLE[name]
        else:
            cands += self.samples.get(oid, [])
        return [c for i, c in enumerate(cands) if c not in cands[:i]] or ["NULL"]


def _unq(expr):
    return expr[1:-1] if expr.startswith("'") and expr.endswith("'") else expr


def seeded(seed_env="QX_SEED", default=20240501):
    seed = int(os.environ.get(seed_env, default))
    return seed, random.Random(seed)
