#!/usr/bin/env python3
"""Independent references for SPEC §11 (test/clv_cdnow.sh), in 50-digit
arithmetic with mpmath, straight from the published formulas.

  gg-ll P Q GAMMA < rows "frequency monetary":
      the Gamma-Gamma log-likelihood (Fader & Hardie 2013, eq. 3) summed
      over the rows:  lnG(px+q) - lnG(px) - lnG(q) + q ln g + (px-1) ln m
                      + px ln x - (px+q) ln(g + m x)
  pn-ll R ALPHA S BETA < rows "frequency recency t customers":
      the Pareto/NBD log-likelihood in the hypergeometric form of Fader &
      Hardie's note (eq. 19), mpmath's hyp2f1 -- a different route from the
      C code, which integrates the dropout term by quadrature
  pn-table:
      P(alive) and E[Y(39) | x, t_x, T] (the note's eqs. 18 and 22) at fixed
      parameters, for sql/clv.sql; at s = 1, where eq. 22 is 0/0, s is
      moved by 1e-40
"""
import sys
import mpmath as mp

mp.mp.dps = 50


def gg_ll(p, q, g, rows):
    p, q, g = mp.mpf(p), mp.mpf(q), mp.mpf(g)
    total = mp.mpf(0)
    for x, m in rows:
        x, m = mp.mpf(x), mp.mpf(m)
        total += (mp.loggamma(p * x + q) - mp.loggamma(p * x) - mp.loggamma(q)
                  + q * mp.log(g) + (p * x - 1) * mp.log(m) + p * x * mp.log(x)
                  - (p * x + q) * mp.log(g + m * x))
    return total




def pn_a0_term(r, al, s, be, x, tx, T):
    """s/(r+s+x) * A0 of Fader & Hardie (2005), "A Note on Deriving the
    Pareto/NBD Model and Related Expressions", eq. 17-19 (hypergeometric
    form, mpmath's hyp2f1), times beta^s so it adds to the first term."""
    r, al, s, be, tx, T = map(mp.mpf, (r, al, s, be, tx, T))
    a = r + s + x
    if al >= be:
        b, big, small = s + 1, al, be
    else:
        b, big, small = r + x, be, al
    z1 = (big - small) / (big + tx)
    z2 = (big - small) / (big + T)
    a0 = (mp.hyp2f1(a, b, a + 1, z1) / (big + tx) ** a
          - mp.hyp2f1(a, b, a + 1, z2) / (big + T) ** a)
    return s / a * a0


def pn_first(r, al, s, be, x, T):
    r, al, s, be, T = map(mp.mpf, (r, al, s, be, T))
    return 1 / ((al + T) ** (r + x) * (be + T) ** s)


def pn_ll1(r, al, s, be, x, tx, T):
    """ln L of one customer (the note's eq. 19)."""
    r, al, s, be = map(mp.mpf, (r, al, s, be))
    return (mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(al) + s * mp.log(be)
            + mp.log(pn_first(r, al, s, be, x, T) + pn_a0_term(r, al, s, be, x, tx, T)))


def pn_p_alive(r, al, s, be, x, tx, T):
    f = pn_first(r, al, s, be, x, T)
    return f / (f + pn_a0_term(r, al, s, be, x, tx, T))


def pn_expected(r, al, s, be, t, x, tx, T):
    """E[Y(t) | x, t_x, T], the note's eq. 22."""
    r, al, s, be, t, T = map(mp.mpf, (r, al, s, be, t, T))
    return ((r + x) * (be + T) / ((al + T) * (s - 1))
            * (1 - ((be + T) / (be + T + t)) ** (s - 1))
            * pn_p_alive(r, al, s, be, x, tx, T))


def main_pn():
    cmd = sys.argv[1]
    if cmd == "pn-ll":
        # rows "frequency recency t count" on stdin
        p = sys.argv[2:6]
        total = mp.mpf(0)
        for line in sys.stdin:
            if line.strip():
                x, tx, T, w = line.split()
                total += int(w) * pn_ll1(*p, int(x), tx, T)
        print(mp.nstr(total, 20))
    elif cmd == "pn-table":
        # the reference values of sql/clv.sql
        models = {"CDNOW": (0.55, 10.58, 0.61, 11.67), "ALPHABIG": (2.0, 20.0, 1.5, 3.0),
                  "SONE": (0.8, 5.0, 1.0, 8.0)}
        for name, m in models.items():
            for x, tx, T in ((0, 0, 38.86), (2, 30.43, 38.86), (1, 2, 10), (7, 5, 38.86), (30, 38, 39)):
                print(f"('{name}', {x}, {tx}, {T}, {mp.nstr(pn_p_alive(*m, x, tx, T), 12)}, "
                      f"{mp.nstr(pn_expected(*m, 39, x, tx, T) if m[2] != 1 else pn_expected(*m[:2], mp.mpf(1) + mp.mpf(10) ** -40, m[3], 39, x, tx, T), 12)}),")


if __name__ == "__main__":
    if sys.argv[1] == "gg-ll":
        rows = [line.split() for line in sys.stdin if line.strip()]
        print(mp.nstr(gg_ll(sys.argv[2], sys.argv[3], sys.argv[4], rows), 20))
    else:
        main_pn()
