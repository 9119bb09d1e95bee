#!/usr/bin/env python3
"""The kinetic segment end to end in Python: pandas against rfm_kinetic.

Route pandas: pull every order into Python with psycopg2 (fetchall), build a
DataFrame and compute what rfm_kinetic computes (as_of 2026-09-30, 90-day
windows, threshold 0.2) with vectorised pandas/numpy.  The route gets two
favours: amount is cast to float8 in SQL (no Decimal objects; its sums are then
not exact), and dates are converted with numpy's datetime64[D] cast.
Route rfm_kinetic: run the rfm_kinetic query, fetch its 500k result rows
(fetchall) and build the same DataFrame.

Both timed from execute to the finished DataFrame, alternately, median of
--runs runs; serial plans (max_parallel_workers_per_gather = 0) as in the
other cases, and the rfm_kinetic route once more with 2 workers (the server's
default setting; the pandas route cannot use them).  Before timing, the two results are compared segment by segment
(the count of customers whose segment differs is printed; it must be 0).
Prints "RESULT<TAB>name<TAB>baseline<TAB>baseline s<TAB>subject s" for bench.py.
Run with /usr/bin/python3 (Debian's python3-pandas).
"""
import argparse
import statistics
import time

import numpy as np
import pandas as pd
import psycopg2

AS_OF = np.datetime64("2026-09-30")
B1 = np.datetime64("2026-07-02")     # as_of - 90 days
B2 = np.datetime64("2026-04-03")     # as_of - 180 days
THRESHOLD = 0.2

ORDERS_SQL = "SELECT customer_id, ts, amount::float8 FROM sales.orders"
KINETIC_SQL = """
SELECT customer_id, (k).recency_days, (k).frequency, (k).monetary, (k).first_order,
       (k).last_order, (k).orders_recent, (k).orders_prior, (k).revenue_recent,
       (k).revenue_prior, (k).ticket_recent, (k).ticket_prior, (k).frequency_trend,
       (k).ticket_trend, (k).revenue_trend, (k).segment
FROM (SELECT customer_id, rfm_kinetic(ts, amount, date '2026-09-30') k
      FROM sales.orders GROUP BY customer_id) q"""
COLUMNS = ["customer_id", "recency_days", "frequency", "monetary", "first_order", "last_order",
           "orders_recent", "orders_prior", "revenue_recent", "revenue_prior", "ticket_recent",
           "ticket_prior", "frequency_trend", "ticket_trend", "revenue_trend", "segment"]


def pandas_route(cur):
    cur.execute(ORDERS_SQL)
    df = pd.DataFrame(cur.fetchall(), columns=["customer_id", "ts", "amount"])
    df["ts"] = np.array(df["ts"].tolist(), dtype="datetime64[D]")
    df = df[df["ts"] <= AS_OF]
    recent = df["ts"] > B1
    prior = (df["ts"] > B2) & ~recent
    df = df.assign(recent=recent, prior=prior,
                   rev_recent=df["amount"].where(recent, 0.0),
                   rev_prior=df["amount"].where(prior, 0.0))
    g = df.groupby("customer_id").agg(
        frequency=("amount", "size"), monetary=("amount", "sum"),
        first_order=("ts", "min"), last_order=("ts", "max"),
        orders_recent=("recent", "sum"), orders_prior=("prior", "sum"),
        revenue_recent=("rev_recent", "sum"), revenue_prior=("rev_prior", "sum"))
    g["recency_days"] = (AS_OF - g["last_order"].values).astype("timedelta64[D]").astype(int)
    g["ticket_recent"] = g["revenue_recent"] / g["orders_recent"].where(g["orders_recent"] > 0)
    g["ticket_prior"] = g["revenue_prior"] / g["orders_prior"].where(g["orders_prior"] > 0)
    g["frequency_trend"] = ((g["orders_recent"] - g["orders_prior"])
                            / g["orders_prior"].where(g["orders_prior"] > 0))
    g["ticket_trend"] = ((g["ticket_recent"] - g["ticket_prior"])
                         / g["ticket_prior"].where(g["ticket_prior"] != 0))
    g["revenue_trend"] = ((g["revenue_recent"] - g["revenue_prior"])
                          / g["revenue_prior"].where(g["revenue_prior"] > 0))
    trend = g["revenue_trend"]
    g["segment"] = np.select(
        [(g["orders_recent"] == 0) & (g["orders_prior"] == 0),
         g["first_order"] > B1,
         g["orders_prior"] == 0,
         (g["orders_recent"] == 0) | (trend <= -THRESHOLD),
         trend >= THRESHOLD],
        ["lost", "new", "returning", "fading", "growing"], "steady")
    return g.reset_index()


def kinetic_route(cur):
    cur.execute(KINETIC_SQL)
    return pd.DataFrame(cur.fetchall(), columns=COLUMNS)


def kinetic_route_parallel(cur):
    cur.execute("SET max_parallel_workers_per_gather = 2")
    try:
        return kinetic_route(cur)
    finally:
        cur.execute("SET max_parallel_workers_per_gather = 0")


def timed(f, cur):
    t0 = time.perf_counter()
    f(cur)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    conn = psycopg2.connect("")
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SET jit = off")
    cur.execute("SET max_parallel_workers_per_gather = 0")

    a = pandas_route(cur).set_index("customer_id")["segment"]      # also the warm-up
    b = kinetic_route(cur).set_index("customer_id")["segment"]
    both = pd.concat([a, b], axis=1, keys=["pandas", "kinetic"])
    print(f"pandas_kinetic: {len(a)} customers (pandas), {len(b)} (rfm_kinetic), "
          f"segment mismatches: {(both['pandas'] != both['kinetic']).sum()}")

    base, subj, par = [], [], []
    for _ in range(args.runs):
        base.append(timed(pandas_route, cur))
        subj.append(timed(kinetic_route, cur))
        par.append(timed(kinetic_route_parallel, cur))
    b, s, p = statistics.median(base), statistics.median(subj), statistics.median(par)
    print(f"pandas_kinetic: pandas route {b:.3f} s, rfm_kinetic route {s:.3f} s "
          f"(speedup {b / s:.1f}x), with 2 workers {p:.3f} s (speedup {b / p:.1f}x)")
    print(f"RESULT\tkinetic end to end in Python\tpsycopg2 + pandas\t{b:.6f}\t{s:.6f}")
    print(f"RESULT\tkinetic end to end in Python, 2 workers\tpsycopg2 + pandas\t{b:.6f}\t{p:.6f}")


if __name__ == "__main__":
    main()
