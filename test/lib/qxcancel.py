"""
qxcancel.py: cancel a running statement and measure how it answered, in
terms that do not depend on how busy the machine is.  Used by test/cancel.py
and test/cancel_window.py.

A cancel (pg_cancel_backend) sets a flag that the backend acts on at its
next CHECK_FOR_INTERRUPTS; the property under test is that quota_ext's long
loops reach one often.  Wall-clock time from the cancel to the error measures
that only on an idle machine: at load 8 on 2 cores the backend gets about a
quarter of a CPU and every wake-up waits for a time slice, so a wall-clock
bound of 0.2 s fails for reasons that are not the code's (issue 20).  So
each cancel is measured three ways:

  cpu    CPU time the backend spent between the cancel and the error
         (/proc/PID/schedstat, else /proc/PID/stat): the work it did before
         it reached a CHECK_FOR_INTERRUPTS.  This is the checked figure; it
         does not grow with the load.
  wall   wall-clock time from just before pg_cancel_backend to the error at
         the client: reported, and checked only against the bound scaled by
         the backend's CPU share (below).
  share  the backend's CPU time / wall time over the run before the cancel
         (1 on an idle machine, about 0.25 at load 8 on 2 cores).  The
         scaled bound is 2 x limit / max(share, 0.05): what limit seconds of
         the backend's CPU take at that share, and as much again for the
         wake-ups of the backend and of the client, each of which waits for
         a time slice on a busy machine (0.4 s on an idle machine).  It
         catches what the backend's CPU does not show: waiting (for parallel
         workers that do not check for interrupts, say).

The CPU figure includes the abort's clean-up (freeing a sort of 8 million
rows is about 0.05 s), so it is above the time to the CHECK_FOR_INTERRUPTS
itself; measured at load 8 to 18 on 2 cores the worst was 0.12 s.

The backend must run on this machine (a Unix socket, as the test command
sets up); when its /proc entry cannot be read the measurement fails.
"""
import os
import threading
import time

import psycopg2

MIN_SHARE = 0.05
WAKE_UPS = 2.0


def backend_cpu(pid):
    """CPU seconds the process has used so far, or None."""
    try:
        with open("/proc/%d/schedstat" % pid) as f:
            return int(f.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def run_and_cancel(dbname, settings, query, offset):
    """Run query, cancel it offset seconds in.  Returns a dict: what
    ('cancelled', 'finished before the cancel', 'ended with X', 'no CPU
    figure ...'), and for a cancel: wall, cpu, share."""
    conn = psycopg2.connect(dbname=dbname)
    conn.autocommit = True
    cur = conn.cursor()
    for s in settings:
        cur.execute(s)
    cur.execute("SELECT pg_backend_pid()")
    pid = cur.fetchone()[0]
    out = {}

    def worker():
        try:
            cur.execute(query)
            cur.fetchall()
            out["done"] = time.monotonic()
        except psycopg2.Error as e:
            out["err"] = time.monotonic()
            out["code"] = e.pgcode

    ctl = psycopg2.connect(dbname=dbname)
    ctl.autocommit = True
    c_start = backend_cpu(pid)
    w_start = time.monotonic()
    th = threading.Thread(target=worker)
    th.start()
    time.sleep(offset)
    c0 = backend_cpu(pid)
    t0 = time.monotonic()
    if "done" not in out:
        ctl.cursor().execute("SELECT pg_cancel_backend(%s)", (pid,))
    th.join()
    c1 = backend_cpu(pid)       # the backend is idle now, its connection open
    ctl.close()
    conn.close()
    if "done" in out and out["done"] <= t0:
        return {"what": "finished before the cancel"}
    if out.get("code") != "57014":
        return {"what": "ended with %s" % (out.get("code") or "no error")}
    if None in (c_start, c0, c1):
        return {"what": "no CPU figure: /proc/%d not readable (server not on this machine?)" % pid}
    return {"what": "cancelled", "wall": out["err"] - t0, "cpu": c1 - c0,
            "share": min(1.0, (c0 - c_start) / max(t0 - w_start, 1e-6))}


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print("%s %s%s" % ("ok  " if ok else "FAIL", name, (": " + detail) if detail else ""), flush=True)

    def judge(self, name, results, limit):
        """The checks of one function's cancels: results is a list of
        (label, run_and_cancel result)."""
        lat = [(lbl, r) for lbl, r in results if r["what"] == "cancelled"]
        notes = ["%s: %s" % (lbl, r["what"]) for lbl, r in results if r["what"] != "cancelled"]
        self.check("%s: cancelled mid-run" % name, len(lat) > 0, "; ".join(notes))
        broken = [n for n in notes if "ended with" in n or "no CPU figure" in n]
        if broken:
            self.check("%s: every cancel ended the statement with 57014" % name, False, "; ".join(broken))
        if not lat:
            return
        detail = ", ".join("%s: %.3f s wall, %.3f s CPU, share %.2f"
                           % (lbl, r["wall"], r["cpu"], r["share"]) for lbl, r in lat)
        print("     %s" % detail, flush=True)
        worst_cpu = max(r["cpu"] for _, r in lat)
        self.check("%s: at most %.1f s of backend CPU work between cancel and error" % (name, limit),
                   worst_cpu <= limit, "worst %.3f s" % worst_cpu)
        bound = lambda r: WAKE_UPS * limit / max(r["share"], MIN_SHARE)  # noqa: E731
        over = [(lbl, r) for lbl, r in lat if r["wall"] > bound(r)]
        self.check("%s: error within 2 x %.1f s of the backend's share of the machine after the cancel"
                   % (name, limit), not over,
                   "; ".join("%s: %.3f s wall > %.3f s (share %.2f)"
                             % (lbl, r["wall"], bound(r), r["share"]) for lbl, r in over))
        quiet = sum(1 for _, r in lat if r["wall"] <= limit)
        print("     figure: %d of %d cancels answered within %.1f s wall (the idle-machine bound)"
              % (quiet, len(lat), limit), flush=True)
