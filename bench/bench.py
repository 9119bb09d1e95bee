#!/usr/bin/env python3
"""Benchmark driver for quota_ext (run by bench/run.sh; see its header).

Runs pairs of queries (a quota_ext query, the subject, and its baseline)
alternately in one session: one warm-up of each, then N runs of each in
alternation, and prints the median time of each and their ratio subject /
baseline.  Every query consumes its outputs (an outer aggregate reads every
result column), so PostgreSQL cannot skip work.

Usage: bench.py CASES.sql [--runs N] [--only TEXT] [--markdown FILE]
                          [--pandas] [--note TEXT]
Connection from the PG* environment variables.

CASES.sql holds blocks:
    -- case: <name> | <baseline name> | <target>
    -- runs: N                          (optional: fewer runs for slow cases)
    -- expect: <text>                   (optional: the subject's EXPLAIN must
                                         contain it, e.g. "Gather")
    -- baseline: [SET k=v; k=v]
    <SQL>
    -- subject: [SET k=v; k=v]
    <SQL>
<target> is "-" (reported only), "<= R" (subject / baseline at most R) or
">= S x" (baseline / subject, the speedup, at least S).  Queries run with
max_parallel_workers_per_gather = 0 unless their SET says otherwise, so a
ratio compares the work of the two queries, not how the planner spread it.

--pandas adds the end-to-end case of bench/pandas_kinetic.py (rows pulled into
Python and segmented with pandas vs rfm_kinetic fetched into Python).
"""
import argparse
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys
import time

import psycopg2

SESSION = {"jit": "off", "max_parallel_workers_per_gather": "0"}


def parse_settings(text):
    text = text.strip()
    if not text:
        return {}
    if not text.upper().startswith("SET "):
        raise SystemExit(f"bad settings: {text!r}")
    out = {}
    for item in text[4:].split(";"):
        if item.strip():
            k, v = item.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def parse_cases(path):
    text = open(path).read()
    cases = []
    for block in re.split(r"^-- case: ", text, flags=re.M)[1:]:
        head, rest = block.split("\n", 1)
        name, baseline, target = [p.strip() for p in head.split("|")]
        runs = re.search(r"^-- runs: (\d+)", rest, re.M)
        expect = re.search(r"^-- expect: (.*)$", rest, re.M)
        m = re.search(r"^-- baseline:(.*?)\n(.*?)^-- subject:(.*?)\n(.*)", rest, re.M | re.S)
        kind, tval = None, None
        if target.startswith("<="):
            kind, tval = "ratio", float(target[2:])
        elif target.startswith(">="):
            kind, tval = "speedup", float(target[2:].rstrip("x "))
        cases.append(dict(name=name, baseline=baseline, kind=kind, target=tval,
                          runs=int(runs.group(1)) if runs else None,
                          expect=expect.group(1).strip() if expect else None,
                          base_set=parse_settings(m.group(1)), base_sql=strip_sql(m.group(2)),
                          subj_set=parse_settings(m.group(3)), subj_sql=strip_sql(m.group(4))))
    return cases


def strip_sql(sql):
    lines = [l for l in sql.strip().splitlines() if not l.startswith("-- ")]
    return "\n".join(lines).strip().rstrip(";")


class Session:
    def __init__(self):
        self.conn = psycopg2.connect("")
        self.conn.autocommit = True
        self.cur = self.conn.cursor()
        for k, v in SESSION.items():
            self.cur.execute(f"SET {k} = %s", (v,))

    def apply(self, settings):
        for k, v in settings.items():
            self.cur.execute(f"SET {k} = %s", (v,))

    def restore(self, settings):
        for k in settings:
            if k in SESSION:
                self.cur.execute(f"SET {k} = %s", (SESSION[k],))
            else:
                self.cur.execute(f"RESET {k}")

    def timed(self, sql, settings):
        self.apply(settings)
        t0 = time.perf_counter()
        self.cur.execute(sql)
        self.cur.fetchall()
        t = time.perf_counter() - t0
        self.restore(settings)
        return t

    def plan(self, sql, settings):
        self.apply(settings)
        self.cur.execute("EXPLAIN " + sql)
        p = "\n".join(r[0] for r in self.cur.fetchall())
        self.restore(settings)
        return p


def verdict(kind, target, ratio):
    if kind == "ratio":
        return f"<= {target:.2f}", ratio <= target
    if kind == "speedup":
        return f">= {target:.1f}x", 1 / ratio >= target
    return "-", None


def fmt_row(r):
    t, ok = verdict(r["kind"], r["target"], r["ratio"])
    status = "" if ok is None else ("met" if ok else "MISSED")
    return (r["name"], r["baseline"], f"{r['base']:.3f}", f"{r['subj']:.3f}",
            f"{r['ratio']:.2f}", f"{1 / r['ratio']:.1f}x", t, status)


HEAD = ("case", "baseline", "baseline s", "subject s", "ratio", "speedup", "target", "")


def run_cases(s, cases, args, results):
    print(f"{HEAD[0]:44} {HEAD[1]:30} {HEAD[2]:>10} {HEAD[3]:>9} {HEAD[4]:>6} "
          f"{HEAD[5]:>7} {HEAD[6]:>8}", flush=True)
    for c in cases:
        if args.only and args.only not in c["name"]:
            continue
        if c["expect"]:
            plan = s.plan(c["subj_sql"], c["subj_set"])
            if c["expect"] not in plan:
                print(plan)
                raise SystemExit(f"{c['name']}: the subject's plan lacks {c['expect']!r}")
        runs = min(args.runs, c["runs"] or args.runs)
        s.timed(c["base_sql"], c["base_set"])                  # warm the caches
        s.timed(c["subj_sql"], c["subj_set"])
        base, subj = [], []
        for _ in range(runs):                                  # alternate
            base.append(s.timed(c["base_sql"], c["base_set"]))
            subj.append(s.timed(c["subj_sql"], c["subj_set"]))
        r = dict(name=c["name"], baseline=c["baseline"], kind=c["kind"], target=c["target"],
                 base=statistics.median(base), subj=statistics.median(subj), runs=runs)
        r["ratio"] = r["subj"] / r["base"]
        results.append(r)
        f = fmt_row(r)
        print(f"{f[0]:44} {f[1]:30} {f[2]:>10} {f[3]:>9} {f[4]:>6} {f[5]:>7} {f[6]:>8} {f[7]}",
              flush=True)


def run_pandas(args, results):
    here = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run(["/usr/bin/python3", os.path.join(here, "pandas_kinetic.py"),
                          "--runs", str(min(args.runs, 3))],
                         check=True, capture_output=True, text=True).stdout
    print(out, end="", flush=True)
    for line in out.splitlines():
        if line.startswith("RESULT\t"):
            _, name, baseline, base, subj = line.split("\t")
            r = dict(name=name, baseline=baseline, kind="speedup", target=10.0,
                     base=float(base), subj=float(subj), runs=min(args.runs, 3))
            r["ratio"] = r["subj"] / r["base"]
            results.append(r)


def data_size(s):
    s.cur.execute("SELECT (SELECT count(*) FROM sales.customers), (SELECT count(*) FROM sales.orders),"
                  " (SELECT count(*) FROM bench.scalars),"
                  " pg_size_pretty(pg_total_relation_size('sales.orders')),"
                  " current_setting('server_version'), current_setting('shared_buffers'),"
                  " current_setting('work_mem')")
    return s.cur.fetchone()


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def write_markdown(path, results, size, note):
    cust, orders, scalars, osize, ver, sb, wm = size
    with open(path, "w") as f:
        f.write("# quota_ext benchmark results\n\n")
        f.write("Written by `bash bench/run.sh` (bench/bench.py); rerun it to refresh.\n\n")
        f.write(f"- date: {datetime.date.today().isoformat()}\n")
        f.write(f"- machine: {os.cpu_count()} cores ({cpu_model()}), "
                f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB RAM\n")
        f.write(f"- PostgreSQL {ver.split()[0]}, shared_buffers {sb}, work_mem {wm}, jit off\n")
        f.write(f"- data: scripts/gen_data.sql, {cust:,} customers, {orders:,} orders "
                f"(sales.orders {osize}); bench.scalars {scalars:,} rows\n")
        f.write("- each time is the median of alternating runs (after one warm-up of each); "
                "ratio = subject / baseline, speedup = baseline / subject\n")
        f.write("- serial plans (max_parallel_workers_per_gather = 0) except the "
                "\"parallel\" cases, which compare 2 workers (subject) with 0 (baseline)\n")
        if note:
            f.write(f"- {note}\n")
        f.write("\n| " + " | ".join(HEAD[:-1]) + " | |\n")
        f.write("|" + "---|" * len(HEAD) + "\n")
        for r in results:
            f.write("| " + " | ".join(fmt_row(r)) + " |\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cases")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only")
    ap.add_argument("--markdown")
    ap.add_argument("--pandas", action="store_true")
    ap.add_argument("--note")
    args = ap.parse_args()
    s = Session()
    results = []
    run_cases(s, parse_cases(args.cases), args, results)
    if args.pandas:
        run_pandas(args, results)
    missed = [r["name"] for r in results
              if verdict(r["kind"], r["target"], r["ratio"])[1] is False]
    print(f"targets missed: {', '.join(missed) if missed else 'none'}")
    if args.markdown:
        write_markdown(args.markdown, results, data_size(s), args.note)


if __name__ == "__main__":
    sys.exit(main())
