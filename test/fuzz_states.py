#!/usr/bin/python3
"""
fuzz_states.py: malformed aggregate states.  For every base type of the
extension (found in the catalog), seeded random bytes and mutations of valid
values are fed through

  * the text input (value::type), then out and send of what was accepted;
  * the binary receive function, by COPY ... FROM STDIN (FORMAT binary) with
    a well-formed COPY BINARY header around the fuzzed field bytes;
  * the type's _merge aggregate (an aggregate of the extension taking the
    type), alone and together with a valid state, for every value accepted.

Valid values come from the matching X_partial aggregate (an aggregate of the
extension returning the type) over small generated sets.

A type passes when no case crashed the server, raised an SQLSTATE class XX
error or ran past statement_timeout (QX_TIMEOUT, default 60 s: stuck, not
slow, even at load 8 on 2 cores).  Bounded by count, not by time, so that a
busy machine runs the same cases, only slower: QX_FUZZ_CASES (default 3000)
cases in all, split evenly over the types.  Seed: QX_SEED.
"""
import io
import os
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import qxtest as q  # noqa: E402
import hostile as h  # noqa: E402

import psycopg2  # noqa: E402

DB = "qx_fuzz"
SEED, RNG = q.seeded()
CASES = int(os.environ.get("QX_FUZZ_CASES", "3000"))
TIMEOUT = int(os.environ.get("QX_TIMEOUT", "60"))

COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)


def copy_file(field):
    """A COPY BINARY stream of one row with one field (None = NULL)."""
    if field is None:
        body = struct.pack("!hi", 1, -1)
    else:
        body = struct.pack("!hi", 1, len(field)) + field
    return COPY_HEADER + body + struct.pack("!h", -1)


INTERESTING_INTS = [0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
                    0x80000000, 0xffffffff]


def mutate_bytes(b):
    b = bytearray(b)
    op = RNG.randrange(9)
    if op == 0 and b:                                   # flip a bit
        i = RNG.randrange(len(b))
        b[i] ^= 1 << RNG.randrange(8)
    elif op == 1 and b:                                 # truncate
        b = b[:RNG.randrange(len(b))]
    elif op == 2:                                       # extend
        b += bytes(RNG.randrange(256) for _ in range(RNG.choice([1, 4, 8, 100])))
    elif op == 3 and len(b) >= 4:                       # an interesting 32-bit word
        i = RNG.randrange(len(b) - 3)
        b[i:i + 4] = struct.pack("!I", RNG.choice(INTERESTING_INTS))
    elif op == 4 and len(b) >= 8:                       # an interesting/odd float8
        i = RNG.randrange(len(b) - 7)
        b[i:i + 8] = struct.pack("!d", RNG.choice([float("nan"), float("inf"), -float("inf"),
                                                   -0.0, 1e308, -1e308, 5e-324]))
    elif op == 5 and b:                                 # random byte
        b[RNG.randrange(len(b))] = RNG.randrange(256)
    elif op == 6 and b:                                 # duplicate a slice
        i = RNG.randrange(len(b))
        b = b[:i] + b[i:i + RNG.randrange(1, 16)] + b[i:]
    elif op == 7 and b:                                 # zero a slice
        i = RNG.randrange(len(b))
        n = RNG.randrange(1, 9)
        b[i:i + n] = bytes(len(b[i:i + n]))
    else:                                               # several at once
        for _ in range(3):
            b = bytearray(mutate_bytes(bytes(b)))
    return bytes(b)


TEXT_TOKENS = ["NaN", "Infinity", "-Infinity", "-1", "0", "99999999999999999999999",
               "2147483648", "-2147483649", "1e308", "1e999", ",", ";", ":", "(", ")",
               "{", "}", "[", "]", "\"", "\\", " ", "-", ".", "e", "x", "\t", "é", "infinity",
               "9223372036854775808", "4713-01-01 BC", "5874897-12-31"]


def mutate_text(s):
    op = RNG.randrange(8)
    if op == 0 and s:
        i = RNG.randrange(len(s))
        return s[:i] + chr(RNG.choice([0x20, 0x2c, 0x2d, 0x2e, 0x30, 0x39, 0x7b, 0x7d,
                                       RNG.randrange(0x21, 0x7f)])) + s[i + 1:]
    if op == 1 and s:
        return s[:RNG.randrange(len(s))]
    if op == 2:
        i = RNG.randrange(len(s) + 1)
        return s[:i] + RNG.choice(TEXT_TOKENS) + s[i:]
    if op == 3 and s:                   # replace a number by an extreme one
        import re
        nums = list(re.finditer(r"-?\d+(\.\d+)?(e-?\d+)?", s))
        if nums:
            m = RNG.choice(nums)
            return s[:m.start()] + RNG.choice(TEXT_TOKENS[:9] + ["", "1.5", "-0"]) + s[m.end():]
    if op == 4 and s:
        i = RNG.randrange(len(s))
        return s[:i] + s[i:i + RNG.randrange(1, 30)] * RNG.choice([2, 3, 100]) + s[i:]
    if op == 5 and s:
        i, j = sorted(RNG.randrange(len(s) + 1) for _ in range(2))
        return s[:i] + s[j:]
    if op == 6:
        return s + " " + s
    for _ in range(3):
        s = mutate_text(s)
    return s


def random_text():
    n = RNG.choice([0, 1, 5, 20, 100, 1000])
    alphabet = "0123456789-+.,;:(){}[]eE xNaIify\"\\"
    return "".join(RNG.choice(alphabet) for _ in range(n))


class Fuzz:
    def __init__(self):
        q.make_scratch_db(DB)
        self.watch = q.ServerWatch()
        self.host = h.Hostile.__new__(h.Hostile)       # reuse its SQL builders
        self.r = q.Runner(DB, TIMEOUT)
        self.host.r = self.r
        self.host.types = self.types = q.Types(self.r)
        self.host.samples = {}
        self.host.vals = q.Values(self.r, self.types, self.host.samples)
        self.host.fns = self.fns = q.ext_functions(self.r)
        self.bad = {}
        self.cases = {}

    def record(self, typ, sql, res):
        self.cases[typ] = self.cases.get(typ, 0) + 1
        if res == "ok" or (isinstance(res, tuple) and not res[1].startswith("XX")):
            return
        self.bad.setdefault(typ, []).append((res if not isinstance(res, tuple)
                                             else "XX error %s %s" % (res[1], res[2]), sql))

    def valid_values(self, toid, tname):
        """Text and binary forms of valid values from the X_partial aggregate."""
        partials = [f for f in self.fns if f["kind"] == "a" and f["rettype"] == toid
                    and f["aggkind"] == "n"]
        texts = []
        for fn in partials:
            combo, rows, ok = self.host.find_baseline(fn)
            if not ok:
                continue
            for subset in (rows, rows[:1], rows + rows + rows, rows[1:3]):
                sql = self.host.agg_sql(fn, subset)
                try:
                    v = self.r.query("SELECT x::text FROM (%s) s(x)" % sql)[0][0]
                except psycopg2.Error:
                    continue
                if v is not None and v not in texts:
                    texts.append(v)
        bins = []
        for t in texts:
            try:
                bins.append(bytes(self.r.query("SELECT send_fn(%%s::%s)".replace(
                    "send_fn", self.send_fn(toid)) % tname, (t,))[0][0]))
            except psycopg2.Error:
                pass
        return partials, texts, bins

    def send_fn(self, toid):
        return self.r.query("SELECT typsend::regproc::text FROM pg_type WHERE oid = %s",
                            (toid,))[0][0]

    def merges(self, toid):
        return [f for f in self.fns if f["kind"] == "a" and f["argtypes"] == [toid]]

    def feed_text(self, typ, tname, merges, text, valid):
        sql = "SELECT %s::%s" % (self.lit(text), tname)
        res = self.r.run(sql)
        self.record(typ, sql, res)
        if res != "ok":
            return
        # accepted: it must print, send and merge without harm
        for s in ["SELECT (%s::%s)::text" % (self.lit(text), tname),
                  "SELECT %s(%s::%s)" % (self.send_fn_cache[typ], self.lit(text), tname)]:
            self.record(typ, s, self.r.run(s))
        for m in merges:
            for vs in ([text], [text, text], [text] + valid[:1], valid[:1] + [text]):
                src = ", ".join("(%s::%s)" % (self.lit(v), tname) for v in vs)
                s = "SELECT %s(x) FROM (VALUES %s) v(x)" % (m["qname"], src)
                self.record(typ, s, self.r.run(s))

    def feed_binary(self, typ, tname, merges, data, valid):
        self.r.run("TRUNCATE public.qx_fuzz_t")
        sql = "COPY public.qx_fuzz_t FROM STDIN (FORMAT binary) -- %s" % (data[:64].hex() if data is not None else "NULL")
        try:
            with self.r.conn.cursor() as cur:
                cur.copy_expert("COPY public.qx_fuzz_t FROM STDIN (FORMAT binary)",
                                io.BytesIO(copy_file(data)))
            res = "ok"
        except psycopg2.extensions.QueryCanceledError:
            res = "timeout"
        except (psycopg2.OperationalError, psycopg2.InterfaceError) as e:
            res = "crash" if e.pgcode is None else ("error", e.pgcode, str(e))
        except psycopg2.Error as e:
            res = ("error", e.pgcode or "?????", str(e))
        self.r.calls += 1
        if res == "crash":
            self.r.crashes += 1
            self.r._reconnect()
        if isinstance(res, tuple):
            self.r.by_class[res[1][:2]] = self.r.by_class.get(res[1][:2], 0) + 1
        else:
            self.r.by_class[res] = self.r.by_class.get(res, 0) + 1
        self.record(typ, sql, res)
        if res != "ok":
            return
        for s in ["SELECT v::text FROM public.qx_fuzz_t",
                  "SELECT %s(v) FROM public.qx_fuzz_t" % self.send_fn_cache[typ]]:
            self.record(typ, s, self.r.run(s))
        for m in merges:
            s = "SELECT %s(v) FROM public.qx_fuzz_t" % m["qname"]
            self.record(typ, s, self.r.run(s))
            if valid:
                s = "SELECT %s(x) FROM (SELECT v FROM public.qx_fuzz_t UNION ALL SELECT %s::%s) s(x)" % (
                    m["qname"], self.lit(valid[0]), tname)
                self.record(typ, s, self.r.run(s))

    @staticmethod
    def lit(text):
        return "'%s'" % text.replace("'", "''").replace("\x00", "")

    def run(self):
        t0 = time.time()
        types = q.ext_base_types(self.r)
        self.send_fn_cache = {}
        if not types:
            q.log("fuzz_states: the extension has no base type yet: 0 cases, nothing to fuzz")
            self.finish(t0, [])
            return True
        q.log("fuzz_states: seed %d, %d cases, types: %s"
              % (SEED, CASES, ", ".join(t[1] for t in types)))
        per_type = max(CASES // len(types), 10)
        for toid, tname, has_binary in types:
            self.send_fn_cache[tname] = self.send_fn(toid)
            partials, texts, bins = self.valid_values(toid, tname)
            merges = self.merges(toid)
            q.log("  %s: %d valid values from %s; merge aggregates: %s; binary I/O: %s"
                  % (tname, len(texts), ", ".join(f["sig"] for f in partials) or "no partial",
                     ", ".join(f["sig"] for f in merges) or "none", has_binary))
            self.r.run("DROP TABLE IF EXISTS public.qx_fuzz_t")
            self.r.run("CREATE TABLE public.qx_fuzz_t (v %s)" % tname)
            # the valid values themselves must round-trip
            for t in texts:
                self.feed_text(tname, tname, merges, t, texts)
            for b in bins:
                self.feed_binary(tname, tname, merges, b, texts)
            if has_binary:
                self.feed_binary(tname, tname, merges, None, texts)
            start = self.cases.get(tname, 0)
            n = 0
            while n < per_type:
                n += 1
                kind = RNG.randrange(4)
                if kind == 0 or (not has_binary and kind in (1, 2)):
                    text = mutate_text(RNG.choice(texts)) if texts else random_text()
                    self.feed_text(tname, tname, merges, text, texts)
                elif kind == 1 and bins:
                    self.feed_binary(tname, tname, merges, mutate_bytes(RNG.choice(bins)), texts)
                elif kind == 2 or (kind == 1 and not bins):
                    data = bytes(RNG.randrange(256) for _ in range(RNG.choice([0, 1, 4, 8, 16, 64, 512])))
                    self.feed_binary(tname, tname, merges, data, texts)
                else:
                    self.feed_text(tname, tname, merges, random_text(), texts)
            q.log("  %s: %d fuzz inputs, %d statements" % (tname, n, self.cases.get(tname, 0) - start))
            self.r.run("DROP TABLE IF EXISTS public.qx_fuzz_t")
        return self.finish(t0, [t[1] for t in types])

    def finish(self, t0, tnames):
        passed = failed = 0
        for t in tnames:
            if t in self.bad:
                failed += 1
                q.log("FAIL %s: %d of %d statements bad" % (t, len(self.bad[t]), self.cases.get(t, 0)))
                for what, sql in self.bad[t][:5]:
                    q.log("     %s: %s" % (what, h.short(sql)))
            else:
                passed += 1
                q.log("ok   %s: %d statements" % (t, self.cases.get(t, 0)))
        problems = self.watch.problems()
        if tnames:
            if problems:
                failed += 1
                for p in problems:
                    q.log("FAIL server: " + p)
            else:
                passed += 1
                q.log("ok   server survived (postmaster start time unchanged, no crash)")
        cls = ", ".join("%s=%d" % kv for kv in sorted(self.r.by_class.items()))
        q.log("statements: %d; outcomes by SQLSTATE class: %s; crashes: %d; timeouts: %d; %.1f s"
              % (self.r.calls, cls, self.r.crashes, self.r.timeouts, time.time() - t0))
        q.log("slowest statement: %.3f s (a figure, not a bound): %s"
              % (self.r.slowest[0], h.short(self.r.slowest[1], 160)))
        self.r.conn.close()
        q.drop_db(DB)
        print("%d passed, %d failed" % (passed, failed))
        return failed == 0


if __name__ == "__main__":
    sys.exit(0 if Fuzz().run() else 1)
