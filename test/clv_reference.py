#!/usr/bin/env python3
"""Independent references for SPEC §11 (test/clv_cdnow.sh), in 50-digit
arithmetic with mpmath, straight from the published formulas.

  gg-ll P Q GAMMA < rows "frequency monetary":
      the Gamma-Gamma log-likelihood (Fader & Hardie 2013, eq. 3) summed
      over the rows:  lnG(px+q) - lnG(px) - lnG(q) + q ln g + (px-1) ln m
                      + px ln x - (px+q) ln(g + m x)
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


if __name__ == "__main__":
    if sys.argv[1] == "gg-ll":
        rows = [line.split() for line in sys.stdin if line.strip()]
        print(mp.nstr(gg_ll(sys.argv[2], sys.argv[3], sys.argv[4], rows), 20))
