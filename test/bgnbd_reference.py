#!/usr/bin/env python3
"""Independent reference values for sql/bgnbd.sql (BG/NBD closed forms).

Computed straight from the formulas of Fader, Hardie & Lee (2005), "Counting
Your Customers the Easy Way", Marketing Science 24(2):
  likelihood, eq. 6:        L = B(a, b+x)/B(a, b) * G(r+x) a^r / G(r)
                                * [(alpha+T)^-(r+x) + [x>0] a/(b+x-1) (alpha+t_x)^-(r+x)]
  P(alive), eq. 12:         1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))
  E[X(t)], eq. 7:           (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]
  E[Y(t)|x,t_x,T], eq. 10:  (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x)
                                2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))] * P(alive)
in 90-digit arithmetic (mpmath), with the plain power series of 2F1 summed
term by term (no transformation), i.e. by a different route from the C code
(which uses a Pfaff-transformed series, a rescaled series and a Beta
identity).  At a = 1 and a+b-1 = 0, where the formulas are 0/0, a is moved
by 1e-45, far below the printed digits.  The likelihood is the product
form of eq. 6, not the log-sum-exp form of the C code.

Run: python3 test/bgnbd_reference.py   (needs mpmath, python3-mpmath)

The extreme-parameter grid (issue 10, README "Reference: BG/NBD",
Numerics): `python3 test/bgnbd_reference.py --grid > test/bgnbd_grid.csv`
writes E[X(t)] and E[Y(t) | x, t_x, T] over a log-grid of r, alpha, a, b
from 1e-6 to 1e6 (and a near 1), computed by `beta_mixture` below: the
definition N = E_p[(1 - (1 + p s)^-m) / p] over p ~ Beta(a, b'), integrated
by mpmath's tanh-sinh quadrature over the whole real line in logit p, at
20 digits, normalised by mpmath's own Beta function.  That route needs no
hypergeometric series, so it reaches parameters where the plain series
would need billions of terms.  test/bgnbd_grid.sh recomputes a sample of
the file with this script on every run, so the file cannot drift from it.
"""
import sys
import mpmath as mp

mp.mp.dps = 90


def hyp2f1_series(a, b, c, z):
    """Plain 2F1 series; z in [0, 1); stops when the tail bound term*q/(1-q),
    q the larger of the term ratio and z, is below 1e-75 of the sum."""
    a, b, c, z = map(mp.mpf, (a, b, c, z))
    term = mp.mpf(1)
    total = mp.mpf(1)
    n = 0
    while True:
        term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
        total += term
        n += 1
        q = max((a + n) * (b + n) / ((c + n) * (n + 1)) * z, z)
        if n > 10 and q < 1 and abs(term) * q / (1 - q) < mp.mpf(10) ** -75 * abs(total):
            return total
        if n > 5_000_000:
            raise RuntimeError("series did not converge")


def nudge(a, b, x=0):
    a = mp.mpf(a)
    if abs(a - 1) < mp.mpf(10) ** -30 or abs(a + b + x - 1) < mp.mpf(10) ** -30:
        a += mp.mpf(10) ** -45
    return a


def p_alive(r, alpha, a, b, x, tx, T):
    r, alpha, a, b, tx, T = map(mp.mpf, (r, alpha, a, b, tx, T))
    if x == 0:
        return mp.mpf(1)
    return 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))


def expected_new(r, alpha, a, b, t):
    r, alpha, b, t = map(mp.mpf, (r, alpha, b, t))
    a = nudge(a, b)
    z = t / (alpha + t)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1_series(r, b, a + b - 1, z))


def expected(r, alpha, a, b, t, x, tx, T):
    r, alpha, b, t, tx, T = map(mp.mpf, (r, alpha, b, t, tx, T))
    a = nudge(a, b, x)
    z = t / (alpha + T + t)
    num = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x)
                                       * hyp2f1_series(r + x, b + x, a + b + x - 1, z))
    return num * p_alive(r, alpha, a, b, x, tx, T)


def loglik(r, alpha, a, b, x, tx, T):
    r, alpha, a, b, tx, T = map(mp.mpf, (r, alpha, a, b, tx, T))
    A1 = mp.gamma(r + x) * alpha ** r / mp.gamma(r)
    A2 = mp.beta(a, b + x) / mp.beta(a, b)
    A3 = (alpha + T) ** -(r + x)
    A4 = a / (b + x - 1) * (alpha + tx) ** -(r + x) if x > 0 else 0
    return mp.log(A1 * A2 * (A3 + A4))


PAPER = (0.243, 4.414, 0.793, 2.426)     # the paper's CDNOW estimates
OTHER = (2.0, 5.0, 1.5, 3.0)             # a > 1
AONE = (0.5, 2.0, 1.0, 2.0)              # a = 1 exactly (0/0 in eqs. 7 and 10)
SMALLAB = (0.7, 3.0, 0.3, 0.4)           # a + b - 1 < 0 (2F1 pole region)
ABONE = (0.7, 3.0, 0.3, 0.7)             # a + b - 1 = 0 exactly

CUSTOMERS = [(0, 0, 38.86), (2, 30.43, 38.86), (1, 2, 10), (5, 35, 35), (7, 5, 38.86), (30, 38, 39), (100, 50, 52)]


def fmt(v, digits=10):
    return mp.nstr(v, digits, min_fixed=-30, max_fixed=30)


def beta_mixture(a, bp, m, s):
    """N(a, b', m, s) = E_p[(1 - (1 + p s)^-m) / p], p ~ Beta(a, b'), by
    tanh-sinh quadrature in t = logit p over (-inf, inf), with breakpoints
    at the mode of the Beta weight, multiples of its width and where p s
    and m p s are 1.  At 20 digits, or 30 digits and a finer rule when
    mpmath's error estimate exceeds 1e-12 relative; raises if it still
    exceeds 1e-11 (the tests ask for 1e-8)."""
    try:
        return beta_mixture_at(a, bp, m, s, 20, 6, 1e-12)
    except RuntimeError:
        return beta_mixture_at(a, bp, m, s, 30, 10, 1e-11)


def beta_mixture_at(a, bp, m, s, dps, maxdegree, rtol):
    with mp.workdps(dps):
        a, bp, m, s = map(mp.mpf, (a, bp, m, s))
        if s == 0:
            return mp.mpf(0)
        lbeta = mp.log(mp.beta(a, bp))

        def f(t):
            lp = -mp.log1p(mp.exp(-t))
            lq = -mp.log1p(mp.exp(t))
            p = mp.exp(lp)
            # g / (m s), in (0, 1], so the error estimate is relative
            g = -mp.expm1(-m * mp.log1p(p * s)) / (p * m * s)
            return g * mp.exp(a * lp + bp * lq - lbeta)
        mode = mp.log(a / bp)
        sd = mp.sqrt(1 / a + 1 / bp)
        pts = sorted(set([mode + k * sd for k in (-30, -10, -3, -1, 0, 1, 3, 10, 30)]
                         + [-mp.log(s), -mp.log(m * s)]))
        v, err = mp.quad(f, [-mp.inf] + pts + [mp.inf], error=True, maxdegree=maxdegree)
        if not err <= rtol * abs(v):
            raise RuntimeError("quadrature error %s at %s" % (err, (a, bp, m, s)))
        return v * m * s


def grid_expected_new(r, alpha, a, b, t):
    return beta_mixture(a, b, r, mp.mpf(t) / alpha)


def grid_expected(r, alpha, a, b, t, x, tx, T):
    return p_alive(r, alpha, a, b, x, tx, T) * beta_mixture(a, b + x, r + x, mp.mpf(t) / (mp.mpf(alpha) + T))


GRID_RALPHA = (1e-6, 1e-3, 1.0, 1e3, 1e6)
GRID_A = (1e-6, 1e-3, 0.5, 0.9999, 1.0, 1.0003, 2.0, 1e3, 1e6)
GRID_B = (1e-6, 1e-3, 1.0, 1e3, 1e6)
GRID_HORIZONS = (1e-4, 0.4, 52.0, 1e4)
GRID_HISTORIES = ((0, 0.0, 52.0), (1, 10.0, 52.0), (10, 50.0, 52.0), (100, 500.0, 1000.0))


def grid_cases():
    """(kind, r, alpha, a, b, horizon, x, tx, T) over the grid: per model one
    new-customer horizon and one (history, horizon), cycling so that every
    horizon and history meets every parameter value."""
    k = 0
    for r in GRID_RALPHA:
        for alpha in GRID_RALPHA:
            for a in GRID_A:
                for b in GRID_B:
                    yield ("new", r, alpha, a, b, GRID_HORIZONS[k % 4], 0, 0.0, 0.0)
                    x, tx, T = GRID_HISTORIES[(k // 4) % 4]
                    yield ("exp", r, alpha, a, b, GRID_HORIZONS[(k + 1 + k // 16) % 4], x, tx, T)
                    k += 1


def grid_value(case):
    kind, r, alpha, a, b, t, x, tx, T = case
    if kind == "new":
        return grid_expected_new(r, alpha, a, b, t)
    return grid_expected(r, alpha, a, b, t, x, tx, T)


def grid_line(case):
    return ",".join([case[0]] + [repr(v) for v in case[1:]] + [mp.nstr(grid_value(case), 17)])


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--grid":
    # --grid [FIRST]: from case FIRST on (0, with the header, by default)
    first = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    if first == 0:
        print("kind,r,alpha,a,b,horizon,x,tx,t,want")
    for i, case in enumerate(grid_cases()):
        if i >= first:
            print(grid_line(case), flush=True)
    sys.exit(0)

if __name__ == "__main__":
    print("-- log-likelihood per customer, r, alpha, a, b = %s" % (PAPER,))
    tot = 0
    for (x, tx, T) in CUSTOMERS:
        v = loglik(*PAPER, x, tx, T)
        tot += v
        print("ll", (x, tx, T), fmt(v, 12))
    print("ll total", fmt(tot, 12))
    for name, P in [("PAPER", PAPER), ("OTHER", OTHER), ("AONE", AONE), ("SMALLAB", SMALLAB), ("ABONE", ABONE)]:
        print("-- %s %s" % (name, P))
        for t in (0.5, 10, 39, 52, 1000):
            print("new", t, fmt(expected_new(*P, t)))
        for (x, tx, T) in CUSTOMERS:
            print("alive", (x, tx, T), fmt(p_alive(*P, x, tx, T)))
            for t in (1, 39, 500):
                print("exp", t, (x, tx, T), fmt(expected(*P, t, x, tx, T)))
    # z close to 1: horizon 1e5 against alpha + T = 4.414 + 38.86 (z = 0.99957)
    print("-- long horizon, PAPER")
    print("new 100000", fmt(expected_new(*PAPER, 100000)))
    print("exp 100000 (2,30.43,38.86)", fmt(expected(*PAPER, 100000, 2, 30.43, 38.86)))
