"""
models18.py: SPEC §18 (issue 27) against independent references, run by
test/models18.sh with Debian's /usr/bin/python3 (mpmath, numpy, scipy,
psycopg2).  Every reference below is computed here, by another route than
the C code's:

1. bgnbd_prob_purchases at the published CDNOW parameters of Fader, Hardie
   & Lee (2005) (r 0.243, alpha 4.414, a 0.793, b 2.426; the figures
   test/bgnbd_cdnow.sh checks): the formula of SPEC §18 term by term in
   50-digit mpmath (its finite sum, not the C code's incomplete Beta
   function), and the numbers BTYD's manual prints for bgnbd.pmf at these
   parameters (P(X(2) = 10) = 1.07869e-07 and P(X(30) = 11..20)), which
   lifetimes' test_estimation.py copies.
2. paretonbd_prob_purchases at the published CDNOW Pareto/NBD parameters
   (SPEC §11: r 0.55, alpha 10.58, s 0.61, beta 11.67): the model's own
   definition as a double integral over the purchase and dropout rates
   (lambda, mu), with every quantity given (lambda, mu) in closed form
   (Poisson counts, exponential death, the regularized incomplete gamma
   function), by scipy's dblquad -- the C code mixes both rates
   analytically and integrates over the time of death instead.
3. Over a grid of histories and horizons: both conditional pmfs sum to 1
   and their means equal bgnbd_expected / paretonbd_expected.
4. paretonbd_value: E(M) of the Gamma-Gamma model (published CDNOW
   p 6.25, q 3.74, gamma 15.44) times mpmath.quad of the discounted expected
   purchase rate P(alive) (r+x)/(alpha+T) ((beta+T)/(beta+T+t))^s, P(alive)
   from the hypergeometric form of Fader & Hardie's note
   (test/clv_reference.py).
5. mbgnbd_fit on the CDNOW sample: near the published maximum of the
   modified BG/NBD on these data, r 0.525, alpha 6.183, a 0.891, b 1.614
   (BTYDplus's mbgcnbd.EstimateParameters, as lifetimes'
   test_params_out_is_close_to_BTYDplus quotes it), and against this
   suite's own maximisation of Batislam et al.'s likelihood (scipy
   Nelder-Mead, then BFGS, on the log-parameters, from another start);
   the log-likelihood at the returned parameters recomputed in mpmath;
   mbgnbd_p_alive and mbgnbd_expected against lifetimes' formulas (mpmath
   hyp2f1), and lifetimes' Hardie-sheet value E[Y(39) | 2, 30.43, 38.86]
   = 1.226.
6. sbg_fit on the two cohorts of Fader & Hardie (2007): the published
   alpha, beta (regular 0.668, 3.806; high end 0.704, 1.182) and this
   suite's own maximisation (mpmath.findroot on the gradient of the
   log-likelihood, 30 digits).
7. Extreme parameters: every function finite and in range, or 22023.
"""
import math
import os
import sys

import mpmath as mp
import numpy as np
import psycopg2
from scipy import integrate, optimize, special
from scipy.special import gammaln

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clv_reference as CR  # noqa: E402

mp.mp.dps = 50
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   %s%s" % (name, (": " + detail) if detail else ""))
    else:
        failed += 1
        print("FAIL %s%s" % (name, (": " + detail) if detail else ""))


def rel(got, want):
    want = float(want)
    if got is None:
        return float("inf")
    return abs(got - want) / max(abs(want), 1e-300)


BG = (0.243, 4.414, 0.793, 2.426)
PN = (0.55, 10.58, 0.61, 11.67)
GG = (6.25, 3.74, 15.44)


# ---------------------------------------------------------------------
# References
# ---------------------------------------------------------------------
def spec_bg_pmf(r, al, a, b, n, tau, x=0, tx=0, T=0):
    """SPEC §18's formula, term by term, at 200 digits: G(0) - sum G(j)
    cancels down to the tail probability, which can be 1e-100."""
    with mp.workdps(200):
        return +_spec_bg_pmf(r, al, a, b, n, tau, x, tx, T)


def _spec_bg_pmf(r, al, a, b, n, tau, x, tx, T):
    r, al, a, b, tau, tx, T = map(mp.mpf, (r, al, a, b, tau, tx, T))

    def G(j, z):
        return mp.gamma(r + x + j) / z ** (r + x + j)
    num = mp.beta(a, b + x + n) * G(n, al + T + tau) * tau ** n / mp.factorial(n)
    if n > 0:
        num += mp.beta(a + 1, b + x + n - 1) * (
            G(0, al + T) - mp.fsum(G(j, al + T + tau) * tau ** j / mp.factorial(j) for j in range(n)))
    if n == 0 and x > 0:
        num += mp.beta(a + 1, b + x - 1) * G(0, al + tx)
    den = mp.beta(a, b + x) * G(0, al + T)
    if x > 0:
        den += mp.beta(a + 1, b + x - 1) * G(0, al + tx)
    return num / den


def pn_pmf_double_integral(r, al, s, be, n, tau, x=0, tx=0.0, T=0.0):
    """P(n | x, t_x, T) of the Pareto/NBD from its definition: a ratio of
    integrals over lambda ~ Gamma(r, al) and mu ~ Gamma(s, be), in the
    logarithms of the rates, by scipy's dblquad (QUADPACK); given
    (lambda, mu) everything is closed form:
      history:  lambda^x [e^-(l+m)T + m/(l+m) (e^-(l+m)tx - e^-(l+m)T)]
      future:   alive at T: e^-m tau Pois(n; l tau)
                + m l^n / (l+m)^(n+1) P(n+1, (l+m) tau)   (dies after n)
                gone by T: [n = 0]
    (50-digit mpmath.quad of the same agrees to 1e-11 but takes a minute
    a case.)
    """
    lgr, lgs = math.lgamma(r), math.lgamma(s)

    def history(v, u):
        lam, mu = math.exp(u), math.exp(v)
        lw = (r * u - al * lam + r * math.log(al) - lgr) + (s * v - be * mu + s * math.log(be) - lgs) + x * u
        alive = math.exp(lw - (lam + mu) * T)
        gone = (math.exp(lw) * mu / (lam + mu) * (math.exp(-(lam + mu) * tx) - math.exp(-(lam + mu) * T))
                if T > tx else 0.0)
        return alive, gone, lam, mu

    def num(v, u):
        a, g, lam, mu = history(v, u)
        f = (math.exp(-(mu + lam) * tau + n * math.log(lam * tau) - math.lgamma(n + 1))
             + math.exp(math.log(mu) + n * math.log(lam) - (n + 1) * math.log(lam + mu))
             * special.gammainc(n + 1, (lam + mu) * tau))
        return a * f + (g if n == 0 else 0.0)

    def den(v, u):
        a, g, _, _ = history(v, u)
        return a + g
    cu, cv = math.log(r / al), math.log(s / be)
    N = integrate.dblquad(num, cu - 45, cu + 8, cv - 45, cv + 8, epsabs=0, epsrel=1e-12)[0]
    # the denominator depends on the history only: once per history
    key = (r, al, s, be, x, tx, T)
    if key not in _pn_den:
        _pn_den[key] = integrate.dblquad(den, cu - 45, cu + 8, cv - 45, cv + 8, epsabs=0, epsrel=1e-12)[0]
    return N / _pn_den[key]


_pn_den = {}


def pn_value_ref(pn, gg, x, tx, T, m, delta):
    r, al, s, be = map(mp.mpf, pn)
    p, q, g = map(mp.mpf, gg)
    spend = (g + mp.mpf(m) * x) * p / (p * x + q - 1)
    alive = CR.pn_p_alive(r, al, s, be, x, tx, T)
    T = mp.mpf(T)
    dert = mp.quad(lambda t: mp.exp(-delta * t) * alive * (r + x) / (al + T) * ((be + T) / (be + T + t)) ** s,
                   [0, 1, 10, 100, 1000, mp.inf])
    return spend * dert


def mbg_ll_mp(r, al, a, b, rows):
    """Batislam et al. (2007) log-likelihood, as lifetimes writes it."""
    r, al, a, b = map(mp.mpf, (r, al, a, b))
    tot = mp.mpf(0)
    for x, tx, T, w in rows:
        tx, T = mp.mpf(tx), mp.mpf(T)
        tot += w * (mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(al)
                    + mp.log(mp.beta(a, b + x + 1) / mp.beta(a, b))
                    - (r + x) * mp.log(al + T)
                    + mp.log(1 + a / (b + x) * ((al + T) / (al + tx)) ** (r + x)))
    return tot


def mbg_negll_np(theta, X, TX, TT):
    r, al, a, b = np.exp(theta)
    a1 = gammaln(r + X) - gammaln(r) + r * np.log(al)
    a2 = gammaln(a + b) + gammaln(b + X + 1) - gammaln(b) - gammaln(a + b + X + 1)
    a3 = -(r + X) * np.log(al + TT)
    a4 = np.log(a) - np.log(b + X) + (r + X) * (np.log(al + TT) - np.log(al + TX))
    return -np.sum(a1 + a2 + a3 + np.logaddexp(0, a4))


def mbg_p_alive_ref(r, al, a, b, x, tx, T):
    r, al, a, b, tx, T = map(mp.mpf, (r, al, a, b, tx, T))
    return 1 / (1 + a / (b + x) * ((al + T) / (al + tx)) ** (r + x))


def mbg_expected_ref(r, al, a, b, t, x, tx, T):
    """lifetimes' ModifiedBetaGeoFitter.conditional_expected_number_of_purchases_up_to_time."""
    r, al, a, b, t, tx, T = map(mp.mpf, (r, al, a, b, t, tx, T))
    hyp = mp.hyp2f1(r + x, b + x + 1, a + b + x, t / (al + T + t))
    first = (a + b + x) / (a - 1)
    second = 1 - hyp * ((al + T) / (al + t + T)) ** (r + x)
    return first * second / (1 + a / (b + x) * ((al + T) / (al + tx)) ** (r + x))


def sbg_ll(al, be, surv):
    tot = mp.mpf(0)
    S = mp.mpf(1)
    n0 = surv[0]
    for t in range(1, len(surv)):
        P = S * al / (al + be + t - 1)
        tot += (surv[t - 1] - surv[t]) * mp.log(P)
        S = S * (be + t - 1) / (al + be + t - 1)
    tot += surv[-1] * mp.log(S)
    return tot, n0


def sbg_mle(surv):
    mp.mp.dps = 30

    def grad(la, lb):
        f = lambda u, v: sbg_ll(mp.exp(u), mp.exp(v), surv)[0]  # noqa: E731
        return [mp.diff(f, (la, lb), (1, 0)), mp.diff(f, (la, lb), (0, 1))]
    sol = mp.findroot(lambda u, v: grad(u, v), (mp.mpf(0), mp.mpf(1)))
    mp.mp.dps = 50
    return float(mp.exp(sol[0])), float(mp.exp(sol[1]))


# ---------------------------------------------------------------------
# The database
# ---------------------------------------------------------------------
db = "qx_models18_%d" % os.getpid()
admin = psycopg2.connect(dbname="postgres")
admin.autocommit = True
admin.cursor().execute("CREATE DATABASE " + db)
try:
    conn = psycopg2.connect(dbname=db)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("CREATE EXTENSION quota_ext")
    cur.execute("SET extra_float_digits = 3")

    def one(sql, args=()):
        cur.execute(sql, args)
        return cur.fetchone()[0]

    BGM = "ROW(%s,%s,%s,%s,NULL,NULL,NULL)::bgnbd_model" % BG
    PNM = "ROW(%s,%s,%s,%s,NULL,NULL,NULL)::paretonbd_model" % PN
    GGM = "ROW(%s,%s,%s,NULL,NULL,NULL)::gammagamma_model" % GG

    # 1. BG/NBD pmf --------------------------------------------------------
    worst = 0.0
    cases = 0
    for tau in (1, 13, 39, 78):
        for n in list(range(0, 12)) + [25, 60]:
            got = one("SELECT bgnbd_prob_purchases(%s, %%s, %%s)" % BGM, (n, tau))
            want = spec_bg_pmf(*BG, n, tau)
            worst = max(worst, rel(got, want))
            cases += 1
    check("bgnbd_prob_purchases, new customer, CDNOW parameters, %d cases vs SPEC formula (mpmath)" % cases,
          worst < 1e-10, "worst relative error %.2e" % worst)
    worst = 0.0
    cases = 0
    for (x, tx, T) in [(0, 0, 38.86), (2, 30.43, 38.86), (1, 2.0, 38.0), (5, 20.0, 38.0), (14, 37.0, 38.86), (30, 70, 78)]:
        for tau in (4, 39, 104):
            for n in list(range(0, 9)) + [20, 50]:
                got = one("SELECT bgnbd_prob_purchases(%s, %%s, %%s, %%s, %%s, %%s)" % BGM, (n, tau, x, tx, T))
                want = spec_bg_pmf(*BG, n, tau, x, tx, T)
                worst = max(worst, rel(got, want))
                cases += 1
    check("bgnbd_prob_purchases with a history, %d cases vs SPEC formula (mpmath)" % cases,
          worst < 1e-10, "worst relative error %.2e" % worst)
    got = one("SELECT bgnbd_prob_purchases(%s, 10, 2)" % BGM)
    check("BTYD manual: bgnbd.pmf(t = 2, x = 10) = 1.07869e-07 (to its 6 digits)",
          abs(got - 1.07869e-07) <= 0.5e-12, repr(got))
    btyd = [0.0019995214, 0.0015170236, 0.0011633150, 0.0009003148, 0.0007023638,
            0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.0002222260]
    cur.execute("SELECT bgnbd_prob_purchases(%s, n, 30) FROM generate_series(11, 20) n ORDER BY n" % BGM)
    got = [row[0] for row in cur.fetchall()]
    w = max(abs(g - b) for g, b in zip(got, btyd))
    check("BTYD manual: bgnbd.pmf(t = 30, x = 11..20), to the 10 decimals printed", w <= 0.5e-10,
          "worst absolute difference %.2e" % w)

    # 2. Pareto/NBD pmf ----------------------------------------------------
    worst = 0.0
    cases = 0
    for (x, tx, T) in [(0, 0, 0), (0, 0, 38.86), (2, 30.43, 38.86), (6, 12.0, 38.0)]:
        for tau in (13, 39):
            for n in (0, 1, 3):
                got = one("SELECT paretonbd_prob_purchases(%s, %%s, %%s, %%s, %%s, %%s)" % PNM, (n, tau, x, tx, T))
                want = pn_pmf_double_integral(*PN, n, tau, x, tx, T)
                worst = max(worst, rel(got, want))
                cases += 1
    check("paretonbd_prob_purchases, CDNOW parameters, %d cases vs the double integral over (lambda, mu)" % cases,
          worst < 1e-9, "worst relative error %.2e" % worst)
    got = one("SELECT paretonbd_prob_purchases(%s, 2, 39)" % PNM)
    want = one("SELECT paretonbd_prob_purchases(%s, 2, 39, 0, 0, 0)" % PNM)
    check("paretonbd_prob_purchases: new customer = history (0, 0, 0)", got == want)

    # 3. sums and means over a grid ---------------------------------------
    cur.execute("""
WITH h AS (SELECT x, tx, tt, tau FROM
  (VALUES (0, 0.0::float8, 0.0::float8), (0, 0, 20), (1, 0.5, 1), (1, 30, 60), (3, 3, 30), (3, 29, 30),
          (8, 10, 52), (8, 51, 52), (25, 40, 52), (60, 100, 104)) c(x, tx, tt),
  (VALUES (0.5::float8), (5), (26), (52), (156)) k(tau)),
s AS (SELECT h.*,
  sum(bgnbd_prob_purchases(%(bg)s, n, tau, x, tx, tt)) bs, sum(n * bgnbd_prob_purchases(%(bg)s, n, tau, x, tx, tt)) bm,
  sum(paretonbd_prob_purchases(%(pn)s, n, tau, x, tx, tt)) ps, sum(n * paretonbd_prob_purchases(%(pn)s, n, tau, x, tx, tt)) pm
  FROM h, generate_series(0, 1500) n GROUP BY x, tx, tt, tau)
SELECT count(*), max(abs(bs - 1)), max(abs(bm / nullif(bgnbd_expected(%(bg)s, tau, x, tx, tt), 0) - 1)),
       max(abs(ps - 1)), max(abs(pm / nullif(paretonbd_expected(%(pn)s, tau, x, tx, tt), 0) - 1))
FROM s""" % {"bg": BGM, "pn": PNM})
    cnt, bs, bm, ps, pm = cur.fetchone()
    check("BG/NBD conditional pmf sums to 1 over %d histories x horizons" % cnt, bs < 1e-10, "max |sum - 1| %.2e" % bs)
    check("BG/NBD conditional pmf mean = bgnbd_expected", bm < 1e-9, "max relative error %.2e" % bm)
    check("Pareto/NBD conditional pmf sums to 1", ps < 1e-10, "max |sum - 1| %.2e" % ps)
    check("Pareto/NBD conditional pmf mean = paretonbd_expected", pm < 1e-9, "max relative error %.2e" % pm)

    # 4. paretonbd_value -------------------------------------------------
    worst = 0.0
    cases = 0
    for (x, tx, T, m) in [(0, 0, 38.86, 0), (2, 30.43, 38.86, 35.5), (1, 5.0, 38.0, 12.99), (7, 37.5, 38.0, 80), (20, 30, 60, 3.5)]:
        for delta in (0.0019, 0.01, 0.15):
            got = one("SELECT paretonbd_value(%s, %s, %%s, %%s, %%s, %%s, %%s)" % (PNM, GGM), (x, tx, T, m, delta))
            want = pn_value_ref(PN, GG, x, tx, T, m, mp.mpf(delta))
            worst = max(worst, rel(got, want))
            cases += 1
    check("paretonbd_value, %d cases vs E(M) x mpmath.quad of the discounted purchase rate" % cases,
          worst < 1e-9, "worst relative error %.2e" % worst)

    # 5. mbgnbd on CDNOW ---------------------------------------------------
    data = os.environ.get("QX_CDNOW") or os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                      "..", "..", "..", "shared", "data", "CDNOW_sample.txt")
    if not os.path.exists(data):
        data = "/work/shared/data/CDNOW_sample.txt"
    if not os.path.exists(data):
        check("CDNOW sample found", False, data)
    else:
        cur.execute("CREATE TABLE purchases(customer int, day date)")
        rows = []
        with open(data) as f:
            for line in f:
                p = line.split()
                if len(p) >= 5:
                    rows.append((int(p[1]), "%s-%s-%s" % (p[2][:4], p[2][4:6], p[2][6:8])))
        cur.executemany("INSERT INTO purchases VALUES (%s, %s)", rows)
        cur.execute("""CREATE TABLE cal AS
SELECT customer, count(DISTINCT day)::int - 1 AS x, (max(day) - min(day)) / 7.0::float8 AS tx,
       (date '1997-09-30' - min(day)) / 7.0::float8 AS tt
FROM purchases WHERE day <= date '1997-09-30' GROUP BY customer""")
        check("CDNOW: 2357 customers", one("SELECT count(*) FROM cal") == 2357)
        cur.execute("SELECT (m).r, (m).alpha, (m).a, (m).b, (m).log_likelihood, (m).customers, (m).converged "
                    "FROM (SELECT mbgnbd_fit(x, tx, tt) m FROM cal) s")
        r, al, a, b, ll, n, conv = cur.fetchone()
        print("     mbgnbd_fit on CDNOW: r %.6f alpha %.6f a %.6f b %.6f LL %.4f" % (r, al, a, b, ll))
        check("mbgnbd_fit converged over 2357 customers", conv and n == 2357)
        pub = (0.525, 6.183, 0.891, 1.614)
        check("mbgnbd_fit = published BTYDplus/lifetimes maximum to 3 decimals (0.525, 6.183, 0.891, 1.614)",
              all(abs(round(v, 3) - w) < 0.0015 for v, w in zip((r, al, a, b), pub)),
              "%.4f %.4f %.4f %.4f" % (r, al, a, b))
        cur.execute("SELECT x, tx, tt, count(*) FROM cal GROUP BY 1, 2, 3")
        summ = cur.fetchall()
        llmp = mbg_ll_mp(r, al, a, b, summ)
        check("mbgnbd_fit log_likelihood = Batislam et al.'s LL at its parameters (mpmath)",
              rel(ll, llmp) < 1e-10, "%.6f vs %s" % (ll, mp.nstr(llmp, 12)))
        cur.execute("SELECT x, tx, tt FROM cal")
        arr = np.array(cur.fetchall(), dtype=float)
        X, TX, TT = arr[:, 0], arr[:, 1], arr[:, 2]
        res = optimize.minimize(mbg_negll_np, np.log([0.1, 1.0, 2.0, 5.0]), args=(X, TX, TT), method="Nelder-Mead",
                                options={"xatol": 1e-10, "fatol": 1e-10, "maxiter": 20000, "maxfev": 40000})
        res = optimize.minimize(mbg_negll_np, res.x, args=(X, TX, TT), method="BFGS", options={"gtol": 1e-8})
        own = np.exp(res.x)
        check("mbgnbd_fit = this suite's own maximisation (scipy) to 1e-4 relative",
              max(abs(own / np.array([r, al, a, b]) - 1)) < 1e-4,
              "scipy %s, LL %.6f" % (np.round(own, 6), -res.fun))
        check("mbgnbd_fit's LL at least scipy's maximum - 1e-6", ll >= -res.fun - 1e-6, "%.8f vs %.8f" % (ll, -res.fun))
        M = "ROW(%r,%r,%r,%r,NULL,NULL,NULL)::mbgnbd_model" % (r, al, a, b)
        e = one("SELECT mbgnbd_expected(%s, 39, 2, 30.43, 38.86)" % M)
        check("lifetimes' Hardie-sheet check: E[Y(39) | 2, 30.43, 38.86] = 1.226 (within 0.05, as lifetimes)",
              abs(e - 1.226) < 0.05, "%.4f" % e)
        worst_a = worst_e = 0.0
        cases = 0
        for (x, tx, T) in [(0, 0, 38.86), (0, 0, 1), (2, 30.43, 38.86), (1, 2.0, 38.0), (7, 37.5, 38), (20, 30, 60)]:
            pa = one("SELECT mbgnbd_p_alive(%s, %%s, %%s, %%s)" % M, (x, tx, T))
            worst_a = max(worst_a, rel(pa, mbg_p_alive_ref(r, al, a, b, x, tx, T)))
            for t in (1, 39, 104):
                ev = one("SELECT mbgnbd_expected(%s, %%s, %%s, %%s, %%s)" % M, (t, x, tx, T))
                worst_e = max(worst_e, rel(ev, mbg_expected_ref(r, al, a, b, t, x, tx, T)))
                cases += 1
        check("mbgnbd_p_alive vs Batislam et al. / lifetimes (mpmath)", worst_a < 1e-12, "worst %.2e" % worst_a)
        check("mbgnbd_expected vs lifetimes' hyp2f1 formula (mpmath), %d cases" % cases, worst_e < 1e-9,
              "worst %.2e" % worst_e)
        check("one-time buyers: mbgnbd_p_alive < 1, bgnbd_p_alive = 1",
              one("SELECT mbgnbd_p_alive(%s, 0, 0, 38.86) < 1 AND bgnbd_p_alive(%s, 0, 0, 38.86) = 1" % (M, BGM)))

    # 6. sBG ------------------------------------------------------------
    for name, surv, pub in [("regular", [1000, 869, 743, 653, 593, 551, 517, 491], (0.668, 3.806)),
                            ("high end", [1000, 631, 468, 382, 326, 289, 262, 241], (0.704, 1.182))]:
        vals = ",".join("(%d,%d)" % (i, s) for i, s in enumerate(surv))
        cur.execute("SELECT (f).alpha, (f).beta, (f).log_likelihood, (f).periods, (f).converged "
                    "FROM (SELECT sbg_fit(p, s::bigint) f FROM (VALUES %s) v(p, s)) q" % vals)
        al, be, ll, per, conv = cur.fetchone()
        check("sbg_fit %s: published alpha %.3f, beta %.3f (Fader & Hardie 2007)" % (name, pub[0], pub[1]),
              round(al, 3) == pub[0] and round(be, 3) == pub[1] and conv and per == 7,
              "%.5f %.5f" % (al, be))
        oa, ob = sbg_mle(surv)
        check("sbg_fit %s = own mpmath maximisation (findroot on the gradient)" % name,
              rel(al, oa) < 1e-6 and rel(be, ob) < 1e-6, "mpmath %.8f %.8f" % (oa, ob))
        check("sbg_fit %s: log_likelihood = the paper's eq. at its parameters" % name,
              rel(ll, sbg_ll(mp.mpf(al), mp.mpf(be), surv)[0]) < 1e-12, "%.6f" % ll)
        # projected survivors against the paper's recursion
        m = "ROW(%r,%r,NULL,NULL,NULL)::sbg_model" % (al, be)
        S = mp.mpf(1)
        worst = 0.0
        for t in range(1, 13):
            S = S * (be + t - 1) / (al + be + t - 1)
            worst = max(worst, rel(one("SELECT sbg_survival(%s, %d)" % (m, t)), S))
        check("sbg_survival %s, periods 1-12, vs the retention recursion" % name, worst < 1e-13, "%.2e" % worst)

    # 7. extremes ---------------------------------------------------------
    cur.execute("""
CREATE FUNCTION try(stmt text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE v float8;
BEGIN EXECUTE stmt INTO v; RETURN v;
EXCEPTION WHEN invalid_parameter_value THEN RETURN -1; END $$""")
    vals = [1e-6, 1e-3, 0.5, 1, 7, 1e3, 1e6]
    bad = 0
    refused = 0
    total = 0
    import itertools
    for (p1, p2, p3, p4) in itertools.product([1e-6, 1, 1e6], [1e-6, 1, 1e6], [1e-6, 0.5, 1e6], [1e-6, 2, 1e6]):
        for (n, tau, x, tx, T) in [(0, 1e-3, 0, 0, 0), (3, 1, 2, 1, 5), (50, 1e4, 40, 1e3, 1e3), (1000, 1e6, 0, 0, 1e6)]:
            stmts = [
                "SELECT bgnbd_prob_purchases(ROW(%r,%r,%r,%r,NULL,NULL,NULL)::bgnbd_model, %d, %r, %d, %r, %r)" % (p1, p2, p3, p4, n, tau, x, tx, T),
                "SELECT paretonbd_prob_purchases(ROW(%r,%r,%r,%r,NULL,NULL,NULL)::paretonbd_model, %d, %r, %d, %r, %r)" % (p1, p2, p3, p4, n, tau, x, tx, T),
                "SELECT mbgnbd_p_alive(ROW(%r,%r,%r,%r,NULL,NULL,NULL)::mbgnbd_model, %d, %r, %r)" % (p1, p2, p3, p4, x, tx, T),
            ]
            for st in stmts:
                v = one("SELECT try(%s)", (st,))
                total += 1
                if v == -1:
                    refused += 1
                elif v is None or not (0 <= v <= 1):
                    bad += 1
                    print("     out of range: %s -> %r" % (st, v))
            v = one("SELECT try(%s)", ("SELECT mbgnbd_expected(ROW(%r,%r,%r,%r,NULL,NULL,NULL)::mbgnbd_model, %r, %d, %r, %r)" % (p1, p2, p3, p4, tau, x, tx, T),))
            total += 1
            if v == -1:
                refused += 1
            elif v is None or not (0 <= v < float("inf")):
                bad += 1
            v = one("SELECT try(%s)", ("SELECT paretonbd_value(ROW(%r,%r,%r,%r,NULL,NULL,NULL)::paretonbd_model, %s, %d, %r, %r, 10, %r)" % (p1, p2, p3, p4, GGM, x, tx, T, max(tau, 1e-3) / 1e3),))
            total += 1
            if v == -1:
                refused += 1
            elif v is None or not (0 <= v < float("inf")):
                bad += 1
                print("     paretonbd_value out of range -> %r" % v)
    for al in vals:
        for be in vals:
            for t in (0, 1, 5, 1000, 100000, 2000000):
                for fn in ("sbg_survival", "sbg_retention"):
                    if fn == "sbg_retention" and t == 0:
                        continue
                    v = one("SELECT %s(ROW(%r,%r,NULL,NULL,NULL)::sbg_model, %d)" % (fn, al, be, t))
                    total += 1
                    if v is None or not (0 <= v <= 1):
                        bad += 1
    check("extreme parameters: %d calls finite and in range or 22023 (%d refused)" % (total, refused), bad == 0,
          "%d out of range" % bad)
finally:
    try:
        conn.close()
    except Exception:
        pass
    admin.cursor().execute("DROP DATABASE IF EXISTS " + db)

print("%d passed, %d failed" % (passed, failed))
if passed == 0:
    sys.exit(1)
sys.exit(1 if failed else 0)
