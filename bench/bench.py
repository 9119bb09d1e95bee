#!/usr/bin/env python3
"""Benchmark driver: runs pairs of queries (a quota_ext query and its
baseline) alternately in one session, several times each, and prints the
median time of each and their ratio.  Every query consumes its outputs (an
outer aggregate reads every result column), so PostgreSQL cannot skip work.

Usage: bench.py CASES.sql [--runs N] [--only NAME]
CASES.sql holds blocks:
    -- case: <name> | <baseline name> | <target ratio or ->
    -- baseline:
    <SQL>
    -- subject:
    <SQL>
Connection from the PG* environment variables.
"""
import argparse
import re
import statistics
import time

import psycopg2


def parse_cases(path):
    text = open(path).read()
    cases = []
    for block in re.split(r"^-- case: ", text, flags=re.M)[1:]:
        head, rest = block.split("\n", 1)
        name, baseline, target = [p.strip() for p in head.split("|")]
        m = re.search(r"^-- baseline:\n(.*?)^-- subject:\n(.*)", rest, re.M | re.S)
        cases.append(dict(name=name, baseline=baseline,
                          target=None if target == "-" else float(target),
                          base_sql=m.group(1).strip(), subj_sql=m.group(2).strip()))
    return cases


def timed(cur, sql):
    t0 = time.perf_counter()
    cur.execute(sql)
    cur.fetchall()
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cases")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only")
    ap.add_argument("--setting", action="append", default=[],
                    help="extra SET name=value for this run")
    args = ap.parse_args()
    conn = psycopg2.connect("")
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SET jit = off")
    for s in args.setting:
        k, v = s.split("=", 1)
        cur.execute(f"SET {k} = %s", (v,))
    print(f"{'case':34} {'baseline':28} {'base s':>8} {'subj s':>8} {'ratio':>7} target")
    for c in parse_cases(args.cases):
        if args.only and args.only not in c["name"]:
            continue
        timed(cur, c["base_sql"]), timed(cur, c["subj_sql"])      # warm the cache
        base, subj = [], []
        for _ in range(args.runs):                                 # alternate
            base.append(timed(cur, c["base_sql"]))
            subj.append(timed(cur, c["subj_sql"]))
        b, s = statistics.median(base), statistics.median(subj)
        ratio = s / b
        verdict = ""
        if c["target"] is not None:
            verdict = f"<= {c['target']:.2f} {'met' if ratio <= c['target'] else 'MISSED'}"
        print(f"{c['name']:34} {c['baseline']:28} {b:8.3f} {s:8.3f} {ratio:7.2f} {verdict}",
              flush=True)


if __name__ == "__main__":
    main()
