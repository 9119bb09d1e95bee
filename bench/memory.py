#!/usr/bin/env python3
"""Peak memory of rfm_kinetic over 1 million customers (bench/run.sh runs it).

Builds bench.mem_orders, 1M customers x 3 orders, and runs, each in a fresh
session (serial plan), rfm_kinetic per customer and the floor (count, sum,
min, max per customer) under EXPLAIN ANALYZE, reading the HashAggregate's
"Batches / Memory Usage" line and the backend's VmHWM (peak resident set,
shared buffers it touched included) from /proc before and after.  The server
must be local.  Prints a Markdown section; --markdown FILE appends it there.
Connection from the PG* environment variables.
"""
import argparse

import psycopg2

QUERIES = [
    ("rfm_kinetic(ts, amount, as_of) per customer",
     "SELECT customer_id, rfm_kinetic(ts, amount, date '2026-09-30') FROM bench.mem_orders GROUP BY customer_id"),
    ("rfm_kinetic_partial(...) per customer (the transferable state)",
     "SELECT customer_id, rfm_kinetic_partial(ts, amount, date '2026-09-30') FROM bench.mem_orders GROUP BY customer_id"),
    ("floor: count, sum, min, max per customer",
     "SELECT customer_id, count(*), sum(amount), min(ts), max(ts) FROM bench.mem_orders GROUP BY customer_id"),
]


def connect():
    conn = psycopg2.connect("")
    conn.autocommit = True
    return conn, conn.cursor()


def vmhwm(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) // 1024
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--markdown")
    args = ap.parse_args()
    conn, cur = connect()
    cur.execute("SET client_min_messages = warning")
    cur.execute("DROP TABLE IF EXISTS bench.mem_orders")
    cur.execute("""CREATE TABLE bench.mem_orders AS
        SELECT c AS customer_id, date '2026-09-30' - ((c * 37 + k * 101) % 400) AS ts,
               ((c * 7 + k * 13) % 100000 / 100.0)::numeric(12,2) AS amount
        FROM generate_series(1, 1000000) c CROSS JOIN generate_series(1, 3) k""")
    cur.execute("VACUUM ANALYZE bench.mem_orders")
    cur.execute("SELECT current_setting('work_mem'), current_setting('hash_mem_multiplier')")
    work_mem, hmm = cur.fetchone()
    lines = ["", "## Memory: rfm_kinetic over 1M customers (3M orders)", "",
             f"work_mem {work_mem}, hash_mem_multiplier {hmm}, serial plans, each query in a fresh "
             "session. VmHWM is the backend's peak resident memory (the shared buffers it touched "
             "included), from /proc/<pid>/status before and after the query.", "",
             "| query | HashAggregate | VmHWM before | VmHWM after |", "|---|---|---|---|"]
    for name, sql in QUERIES:
        c2, cur2 = connect()
        cur2.execute("SET max_parallel_workers_per_gather = 0")
        cur2.execute("SET jit = off")
        cur2.execute("SELECT pg_backend_pid()")
        pid = cur2.fetchone()[0]
        before = vmhwm(pid)
        cur2.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql)
        plan = [r[0] for r in cur2.fetchall()]
        after = vmhwm(pid)
        mem = next((l.strip() for l in plan if "Batches" in l), "?")
        lines.append(f"| {name} | {mem} | {before} MB | {after} MB |")
        c2.close()
    cur.execute("DROP TABLE bench.mem_orders")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.markdown:
        with open(args.markdown, "a") as f:
            f.write(text)


if __name__ == "__main__":
    main()
