#!/usr/bin/env python3
"""Independent reference values for test/sql/bgnbd.sql (BG/NBD closed forms).

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

Run: python3 test/bgnbd_reference.py   (needs mpmath; not part of CI)
"""
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
