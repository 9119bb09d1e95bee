/*
 * purchase_pmf.c
 *		The probability of n purchases (SPEC §18): bgnbd_prob_purchases and
 *		paretonbd_prob_purchases, for a new customer and for a customer
 *		with a history, and paretonbd_value, the discounted expected
 *		residual value E(M) x DERT.
 *
 * Both models share one structure.  Given a history (x, t_x, T), the
 * customer is alive with probability P(alive), and then behaves as a new
 * customer whose parameters are updated by the history: r+x, alpha+T and,
 * for BG/NBD, b+x (dropout p ~ Beta(a, b+x)), for Pareto/NBD beta+T
 * (dropout rate ~ Gamma(s, beta+T)); a customer who is gone makes 0
 * purchases.  So
 *
 *   P(n | x, t_x, T) = P(alive) Pnew(n; updated) + [n = 0] (1 - P(alive)),
 *
 * which is the SPEC's formula for BG/NBD regrouped (its first two terms
 * over the denominator are P(alive) Pnew, its third 1 - P(alive)), and Fader
 * & Hardie's note 028 for Pareto/NBD.  P(alive) is the one of
 * bgnbd_p_alive / paretonbd_p_alive, so the pmf's mean is exactly the
 * P(alive) x E[new customer's purchases] of bgnbd_expected /
 * paretonbd_expected.
 *
 * BG/NBD, new customer, q = alpha / (alpha + tau):
 *   Pnew(n) = B(a, b+n)/B(a, b) NB(n; r, q)
 *           + [n > 0] B(a+1, b+n-1)/B(a, b) P(NB(r, q) >= n),
 * NB the negative binomial pmf, its upper tail I_{1-q}(n, r) the regularized
 * incomplete Beta function (a continued fraction), so no 1 - sum cancels.
 *
 * Pareto/NBD, new customer (death at Y, P(Y > y) = (beta/(beta+y))^s):
 *   Pnew(n) = NB(n; r, alpha/(alpha+tau)) (beta/(beta+tau))^s
 *           + s beta^s G(r+n)/(G(r) n!) alpha^r
 *             * integral_0^tau y^n (alpha+y)^-(r+n) (beta+y)^-(s+1) dy,
 * the integral by qx_lc_log_integral in t = ln y, where the integrand is
 * log-concave.
 *
 * DERT (Fader, Hardie & Lee 2005, "RFM and CLV", JMR 42(4)):
 *   DERT = P(alive) (r+x)/(alpha+T) integral_0^inf e^(-delta u)
 *          ((beta+T)/(beta+T+u))^s du,
 * the discounted expected purchase rate, also by qx_lc_log_integral.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "bgnbd.h"
#include "gammagamma.h"
#include "purchase_pmf.h"
#include "quota_ext.h"

/* ---------------------------------------------------------------------
 * Quadrature of a log-concave integrand
 *
 * Find the mode of h on [lo, hi] (h' falls, so bisection/Newton), then on
 * each side the point where h has fallen by LC_DROP nats (or the end of the
 * range), and integrate each side with LC_PANELS Gauss-Legendre panels of
 * LC_NODES nodes.  On each side h falls by at most about 2 LC_DROP, at most
 * about LC_DROP / 2 per panel when h is linear there (a steeper fall is
 * further out, where the integrand no longer counts), and a 16-node rule
 * integrates e^(-10 u) over [0, 1] to about 1e-13; near the mode, h is
 * close to a parabola, and each panel spans at most a few of its standard
 * deviations.
 * ---------------------------------------------------------------------
 */
#define LC_NODES 16
#define LC_PANELS 5
#define LC_DROP 40.0
#define LC_MAX_STEPS 2200

static double lc_x[LC_NODES],
			lc_w[LC_NODES];
static bool lc_ready = false;

/* Gauss-Legendre nodes and weights on [0, 1] (paretonbd.c's rule), once */
static void
lc_init(void)
{
	if (lc_ready)
		return;
	qx_gauss_legendre(LC_NODES, lc_x, lc_w);
	lc_ready = true;
}

/*
 * One term -A ln(1 + e^z) of h, z = t - ln a, with its slope and
 * curvature; ez = e^z when the caller has it (y / a), else < 0.
 */
static inline void
lc_term(double A, double la, double t, double ez, double *h, double *d1, double *d2)
{
	double		z = t - la,
				e,
				s,
				u;

	if (A == 0)
		return;
	if (ez >= 1e-300 && ez <= 1e300)
	{
		*h -= A * log1p(ez);
		s = ez / (1 + ez);
		u = 1 / (1 + ez);		/* 1 - s without cancellation */
	}
	else if (z > 0)
	{
		e = exp(-z);
		*h -= A * (z + log1p(e));
		s = 1 / (1 + e);
		u = e / (1 + e);
	}
	else
	{
		e = exp(z);
		*h -= A * log1p(e);
		s = e / (1 + e);
		u = 1 / (1 + e);
	}
	*d1 -= A * s;
	*d2 -= A * s * u;
}

/* h(t) and, when wanted, h'(t) and h''(t); lal, lbe = ln al, ln be. */
static double
lc_h(const QxLcFun *f, double t, double *d1, double *d2)
{
	double		h = f->k * t,
				g1 = f->k,
				g2 = 0,
				y = (t > -700 && t < 700) ? exp(t) : -1;

	/* e^(t - ln a) as y / a, one exp for both terms, when in range */
	lc_term(f->A, f->lal, t, y >= 0 ? y / f->al : -1, &h, &g1, &g2);
	lc_term(f->B, f->lbe, t, y >= 0 ? y / f->be : -1, &h, &g1, &g2);
	if (f->C > 0)
	{
		double		yc = t < 700 ? exp(t) : get_float8_infinity();

		h -= f->C * yc;
		g1 -= f->C * yc;
		g2 -= f->C * yc;
	}
	if (d1)
		*d1 = g1;
	if (d2)
		*d2 = g2;
	return h;
}

static inline double
lc_slope(const QxLcFun *f, double t)
{
	double		d1;

	(void) lc_h(f, t, &d1, NULL);
	return d1;
}

/* The maximum of h on [lo, hi]. */
static double
lc_mode(const QxLcFun *f, double lo, double hi)
{
	double		a,
				b,
				t,
				step;
	int			i;

	if (isfinite(hi) && lc_slope(f, hi) >= 0)
		return hi;
	if (isfinite(lo) && lc_slope(f, lo) <= 0)
		return lo;
	/* where the slopes change: the smaller scale, cut to the range */
	t = Min(f->lal, f->lbe);
	if (f->C > 0)
		t = Min(t, -log(f->C));
	if (!isfinite(t))
		t = 0;
	t = Max(Min(t, hi), lo);
	/* a bracket a < root < b: h'(a) > 0 > h'(b) */
	if (lc_slope(f, t) > 0)
	{
		a = t;
		b = hi;
		for (i = 0, step = 1; i < LC_MAX_STEPS; i++, step *= 2)
		{
			double		c = t + step;

			if (c >= hi)
				break;
			if (lc_slope(f, c) <= 0)
			{
				b = c;
				break;
			}
			a = c;
		}
	}
	else
	{
		b = t;
		a = lo;
		for (i = 0, step = 1; i < LC_MAX_STEPS; i++, step *= 2)
		{
			double		c = t - step;

			if (c <= lo)
				break;
			if (lc_slope(f, c) >= 0)
			{
				a = c;
				break;
			}
			b = c;
		}
	}
	if (!isfinite(a) || !isfinite(b))
		return isfinite(a) ? a : b;
	/* Newton within the bracket, bisection when it leaves it */
	t = (a + b) / 2;
	for (i = 0; i < 200 && b - a > 1e-13 * Max(1.0, fabs(t)); i++)
	{
		double		d1,
					d2,
					tn;

		(void) lc_h(f, t, &d1, &d2);
		if (d1 > 0)
			a = t;
		else if (d1 < 0)
			b = t;
		else
			return t;
		tn = (d2 < 0) ? t - d1 / d2 : (a + b) / 2;
		if (!(tn > a && tn < b))
			tn = (a + b) / 2;
		if (fabs(tn - t) < 1e-14 * Max(1.0, fabs(t)))
			return tn;
		t = tn;
	}
	return t;
}

/* The end of one side: where h has fallen by LC_DROP from hm, or the bound. */
static double
lc_side_end(const QxLcFun *f, double m, double hm, double w, double dir, double bound)
{
	double		dlo = 0,
				d = w;
	int			i;

	for (i = 0; i < LC_MAX_STEPS; i++, d *= 2)
	{
		double		t = m + dir * d;

		if (dir > 0 ? t >= bound : t <= bound)
			return bound;
		if (hm - lc_h(f, t, NULL, NULL) >= LC_DROP)
			break;
		dlo = d;
	}
	for (i = 0; i < 8; i++)
	{
		double		mid = (dlo + d) / 2;

		if (hm - lc_h(f, m + dir * mid, NULL, NULL) >= LC_DROP)
			d = mid;
		else
			dlo = mid;
	}
	return m + dir * d;
}

/* sum of e^(h - hm) over [from, to] by LC_PANELS panels */
static double
lc_panels(const QxLcFun *f, double hm, double from, double to)
{
	double		len = (to - from) / LC_PANELS,
				sum = 0;

	if (!(len > 0))
		return 0;
	for (int q = 0; q < LC_PANELS; q++)
	{
		double		x0 = from + q * len;

		for (int j = 0; j < LC_NODES; j++)
			sum += lc_w[j] * exp(lc_h(f, x0 + len * lc_x[j], NULL, NULL) - hm);
	}
	return sum * len;
}

double
qx_lc_log_integral(const QxLcFun *fun, double lo, double hi)
{
	QxLcFun		fc = *fun;
	const QxLcFun *f = &fc;
	double		m,
				hm,
				d2,
				w,
				sum;

	if (!(hi > lo))
		return -get_float8_infinity();
	fc.lal = log(fc.al);
	fc.lbe = log(fc.be);
	lc_init();
	m = lc_mode(f, lo, hi);
	hm = lc_h(f, m, NULL, &d2);
	w = (d2 < 0 && isfinite(d2)) ? 1 / sqrt(-d2) : 1;
	if (!(w > 0 && isfinite(w)))
		w = 1;
	sum = 0;
	if (m > lo)
		sum += lc_panels(f, hm, lc_side_end(f, m, hm, w, -1, lo), m);
	if (m < hi)
		sum += lc_panels(f, hm, m, lc_side_end(f, m, hm, w, 1, hi));
	return hm + log(sum);
}

/* ---------------------------------------------------------------------
 * Shared pieces
 * ---------------------------------------------------------------------
 */

static void
pmf_check_args(int32 n, double horizon)
{
	if (n < 0)
		qx_bad_arg("n is a number of purchases: 0, 1, 2, ...",
				   "n must not be negative, got %d", n);
	qx_require_finite(horizon, "horizon");
	if (horizon <= 0)
		qx_bad_arg("horizon is a length of time in the unit of the summaries, such as 13 weeks.",
				   "horizon must be positive, got %s", qx_float_str(horizon));
}

/*
 * ln G(x+n) - ln G(x) for n >= 0: a sum of logarithms for small n, n ln x
 * and its first correction when x dwarfs n (where the two lgammas would
 * cancel to rounding noise), else the difference of lgammas.
 */
static double
pmf_lgamma_ratio(double x, double n)
{
	double		v = 0;

	if (n <= 0)
		return 0;
	if (n <= 32)
	{
		for (int i = 0; i < (int) n; i++)
			v += log(x + i);
		return v;
	}
	if (x > 1e8 * n)
		return n * log(x) + n * (n - 1) / (2 * x);
	return lgamma(x + n) - lgamma(x);
}

/* ln NB(n; r, q) with ln q = lq, ln(1-q) = l1q */
static inline double
pmf_log_nb(int32 n, double r, double lq, double l1q)
{
	double		v = pmf_lgamma_ratio(r, n) - lgamma(n + 1.0) + r * lq;

	return n > 0 ? v + n * l1q : v;
}

/* A probability, finite and within [0, 1] whatever rounding did. */
static double
pmf_clamp(double v, const char *what, double horizon)
{
	if (!isfinite(v))
		qx_bad_arg("Model parameters, n and horizon of the size purchase counts have are supported.",
				   "%s cannot be computed for this model and horizon %s",
				   what, qx_float_str(horizon));
	return Min(1.0, Max(0.0, v));
}

/* ---------------------------------------------------------------------
 * The regularized incomplete Beta function
 * ---------------------------------------------------------------------
 */

#define IB_MAX_ITER 100000
#define IB_EPS 1e-16
#define IB_TINY 1e-300

/* Continued fraction of I_x(a, b) (modified Lentz); false when it did not converge. */
static bool
ib_cf(double a, double b, double x, double *out)
{
	double		qab = a + b,
				qap = a + 1,
				qam = a - 1,
				c = 1,
				d = 1 - qab * x / qap,
				h;

	if (fabs(d) < IB_TINY)
		d = IB_TINY;
	d = 1 / d;
	h = d;
	for (int m = 1; m <= IB_MAX_ITER; m++)
	{
		int			m2 = 2 * m;
		double		aa = m * (b - m) * x / ((qam + m2) * (a + m2)),
					del;

		d = 1 + aa * d;
		if (fabs(d) < IB_TINY)
			d = IB_TINY;
		c = 1 + aa / c;
		if (fabs(c) < IB_TINY)
			c = IB_TINY;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		if (fabs(d) < IB_TINY)
			d = IB_TINY;
		c = 1 + aa / c;
		if (fabs(c) < IB_TINY)
			c = IB_TINY;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < IB_EPS)
		{
			*out = h;
			return isfinite(h);
		}
		if ((m & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return false;
}

/*
 * ln I_x(a, b) with x = e^lx, 1 - x = e^l1x (both given, so neither is
 * rounded); false when the continued fraction does not converge.
 */
static bool
ib_log(double a, double b, double lx, double l1x, double *out)
{
	double		x = exp(lx),
				front = a * lx + b * l1x - (lgamma(a) + lgamma(b) - lgamma(a + b)),
				cf;

	if (x < (a + 1) / (a + b + 2))
	{
		if (!ib_cf(a, b, x, &cf))
			return false;
		*out = front + log(cf) - log(a);
	}
	else
	{
		if (!ib_cf(b, a, exp(l1x), &cf))
			return false;
		*out = log1p(-Min(1.0, exp(front + log(cf) - log(b))));
	}
	return true;
}

/* ---------------------------------------------------------------------
 * BG/NBD
 * ---------------------------------------------------------------------
 */

/* Pnew(n) of the BG/NBD model with parameters r, alpha, a, b over tau. */
static double
bg_pmf_new(double r, double alpha, double a, double b, int32 n, double tau)
{
	double		lq = -log1p(tau / alpha),
				l1q = -log1p(alpha / tau),
				v;

	/* B(a, b+n) / B(a, b) NB(n) */
	v = exp(pmf_lgamma_ratio(b, n) - pmf_lgamma_ratio(a + b, n) + pmf_log_nb(n, r, lq, l1q));
	if (n > 0)
	{
		double		ltail;

		/* B(a+1, b+n-1) / B(a, b) = a / (a+b+n-1) B(a, b+n-1) / B(a, b) */
		double		lw = log(a) - log(a + b + n - 1) + pmf_lgamma_ratio(b, n - 1.0) -
			pmf_lgamma_ratio(a + b, n - 1.0);

		/* P(NB(r, q) >= n) = I_{1-q}(n, r) */
		if (!ib_log((double) n, r, l1q, lq, &ltail))
			qx_bad_arg("The tail of the purchase count converges too slowly: use a smaller n or horizon.",
					   "n %d is too large for this model and horizon %s", n, qx_float_str(tau));
		v += exp(lw + ltail);
	}
	return v;
}

static void
bg_pmf_check(const BgParams *p)
{
	bg_check_params(p);
}

PG_FUNCTION_INFO_V1(bgnbd_prob_purchases_new);
/* bgnbd_prob_purchases(model, n, horizon) -> P(X(horizon) = n) of a new customer */
Datum
bgnbd_prob_purchases_new(PG_FUNCTION_ARGS)
{
	BgParams	p;
	int32		n = PG_GETARG_INT32(1);
	double		tau = PG_GETARG_FLOAT8(2);

	bg_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &p);
	bg_pmf_check(&p);
	pmf_check_args(n, tau);
	PG_RETURN_FLOAT8(pmf_clamp(bg_pmf_new(p.r, p.alpha, p.a, p.b, n, tau),
							   "the probability", tau));
}

PG_FUNCTION_INFO_V1(bgnbd_prob_purchases);
/* bgnbd_prob_purchases(model, n, horizon, frequency, recency, t) -> P(n | history) */
Datum
bgnbd_prob_purchases(PG_FUNCTION_ARGS)
{
	BgParams	p;
	int32		n = PG_GETARG_INT32(1);
	double		tau = PG_GETARG_FLOAT8(2);
	int32		x = PG_GETARG_INT32(3);
	double		tx = PG_GETARG_FLOAT8(4),
				T = PG_GETARG_FLOAT8(5),
				alive,
				v;

	bg_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &p);
	bg_pmf_check(&p);
	pmf_check_args(n, tau);
	bg_check_summary(x, tx, T);
	alive = bg_p_alive(&p, x, tx, T);
	v = alive * bg_pmf_new(p.r + x, p.alpha + T, p.a, p.b + x, n, tau);
	if (n == 0)
		v += 1 - alive;
	PG_RETURN_FLOAT8(pmf_clamp(v, "the probability", tau));
}

/* ---------------------------------------------------------------------
 * Pareto/NBD
 * ---------------------------------------------------------------------
 */

typedef struct PmfPn
{
	double		r,
				alpha,
				s,
				beta;
} PmfPn;

/* Read and check a paretonbd_model argument (as paretonbd.c does). */
static void
pmf_pn_model_read(HeapTupleHeader th, PmfPn *p)
{
	static const char *const names[4] = {"r", "alpha", "s", "beta"};
	double		v[4];

	for (int i = 0; i < 4; i++)
	{
		bool		isnull;
		Datum		dv = GetAttributeByNum(th, i + 1, &isnull);

		if (isnull)
			qx_bad_arg("Pass a model that paretonbd_fit returned.",
					   "model field %s must not be NULL", names[i]);
		v[i] = DatumGetFloat8(dv);
		if (!isfinite(v[i]) || v[i] <= 0)
			qx_bad_arg("Pass a model that paretonbd_fit returned.",
					   "model field %s must be a positive finite number, got %s",
					   names[i], qx_float_str(v[i]));
	}
	p->r = v[0];
	p->alpha = v[1];
	p->s = v[2];
	p->beta = v[3];
}

/*
 * The model argument, read once per query: the checked parameters are kept
 * in fn_extra with a copy of the composite's bytes, and reused while the
 * next row's model has the same bytes (a model is usually one constant or
 * one scalar subquery for every row).
 */
typedef struct PmfPnCache
{
	PmfPn		p;
	uint32		len;
	char		bytes[FLEXIBLE_ARRAY_MEMBER];
} PmfPnCache;

#define PMF_CACHE_MAX 1024

static void
pmf_pn_model(FunctionCallInfo fcinfo, PmfPn *p)
{
	HeapTupleHeader th = PG_GETARG_HEAPTUPLEHEADER(0);
	uint32		len = HeapTupleHeaderGetDatumLength(th);
	PmfPnCache *c = (PmfPnCache *) fcinfo->flinfo->fn_extra;

	if (c != NULL && c->len == len && memcmp(c->bytes, th, len) == 0)
	{
		*p = c->p;
		return;
	}
	pmf_pn_model_read(th, p);
	if (len > PMF_CACHE_MAX)
		return;
	if (c == NULL)
	{
		c = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt,
							   offsetof(PmfPnCache, bytes) + PMF_CACHE_MAX);
		fcinfo->flinfo->fn_extra = c;
	}
	c->p = *p;
	c->len = len;
	memcpy(c->bytes, th, len);
}

/* ---------------------------------------------------------------------
 * The Pareto/NBD death term by Gauss-Legendre panels in v = ln(1 + y/m)
 *
 * J = integral_0^tau y^n (alpha+y)^-(r+n) (beta+y)^-(s+1) dy.  With m =
 * min(alpha, beta), M = max(alpha, beta), d = M/m - 1 >= 0 and
 * y = m (e^v - 1):
 *
 *   J = m^-(r+s) integral_0^V e^phi(v) dv,  V = ln(1 + tau/m),
 *   phi(v) = -(r+s) v + n ln(1 - e^-v) - B ln(1 + d e^-v),
 *
 * B the exponent of M's factor (s+1 when m = alpha, else r+n).  phi is
 * concave, and e^phi is analytic except where 1 + d e^-v = 0, at
 * v = ln d + i pi (odd multiples): a strip of half-width pi around the
 * real axis.  (1 - e^-v)^n = v^n ((1 - e^-v)/v)^n, the first factor a
 * polynomial that an N-node rule integrates exactly against the rest when
 * n <= 2N - 1, so the rest behaves as with N - ceil(n/2) nodes.
 *
 * Each panel takes the fewest nodes N of {6, 8, 12, 16} for which (with
 * Ne = N - ceil(n/2)) (a) the log of the rest changes across the panel by
 * at most PQ_DROP[Ne] (its slope bound times the length), where the
 * N-node rule's relative error on e^(-D t) over [0, 1],
 * (N!)^4 D^2N / ((2N+1) ((2N)!)^3), is below about 1e-13; and (b) the
 * singularity lies outside the Bernstein ellipse of parameter PQ_RHO[Ne]
 * (error about rho^-2N, with room for the integrand's growth towards
 * the singularity); else the panel is halved.  The integral ends where
 * phi has fallen by PQ_TAIL below the largest value seen and still falls.
 * When the panels would exceed PQ_MAX_PANELS, or n > PQ_MAX_N (where
 * too few nodes are left for the rest), or the sum leaves float8's
 * comfortable range, the caller falls back to qx_lc_log_integral.
 * ---------------------------------------------------------------------
 */
#define PQ_SETS 4
#define PQ_MAX_N 16
#define PQ_MAX_PANELS 48
#define PQ_TAIL 45.0

static const int pq_nodes[PQ_SETS] = {6, 8, 12, 16};
static double pq_x[PQ_SETS][16],
			pq_w[PQ_SETS][16];
static bool pq_ready = false;

static void
pq_init(void)
{
	if (pq_ready)
		return;
	for (int k = 0; k < PQ_SETS; k++)
		qx_gauss_legendre(pq_nodes[k], pq_x[k], pq_w[k]);
	pq_ready = true;
}

/* largest change of the log, and smallest Bernstein rho, for Ne nodes (index Ne) */
static double
pq_drop_max(int ne)
{
	/* (N!)^4 D^2N / ((2N+1) ((2N)!)^3) <= 1e-13, less 30 % */
	static const double tab[17] = {0, 0, 0, 0, 0.25, 0.6, 1.2, 1.9, 2.8, 3.9, 5.0, 6.3, 7.7,
	9.1, 10.6, 12.2, 13.8};

	return ne < 0 ? 0 : tab[Min(ne, 16)];
}

static double
pq_rho_min(int ne)
{
	/* rho^-2Ne <= 1e-18 */
	return ne < 3 ? HUGE_VAL : pow(10.0, 18.0 / (2.0 * ne));
}

typedef struct PqFun
{
	double		b,				/* r + s */
				B,
				d;
	int			n;
} PqFun;

/* phi without its n ln(1 - e^-v) term */
static inline double
pq_phi0(const PqFun *f, double v)
{
	return -f->b * v - (f->d > 0 ? f->B * log1p(f->d * exp(-v)) : 0);
}

static inline double
pq_phi(const PqFun *f, double v)
{
	return pq_phi0(f, v) + (f->n > 0 ? f->n * log(-expm1(-v)) : 0);
}

/* phi'(v) */
static inline double
pq_slope(const PqFun *f, double v)
{
	return -f->b + (f->n > 0 ? f->n / expm1(v) : 0) + (f->d > 0 ? f->B * f->d / (exp(v) + f->d) : 0);
}

/*
 * The largest |slope| over [a, a+L] of the log of the part of e^phi that
 * is not v^n: -b + n (1/(e^v - 1) - 1/v) (rising, in [-n/2, 0)) + B d/(e^v
 * + d) (falling); each piece is monotone, so its ends bound it.
 */
static double
pq_rest_slope(const PqFun *f, double a, double L)
{
	double		in_a = 0,
				in_b = 0,
				de_a = 0,
				de_b = 0,
				lo,
				hi;

	if (f->n > 0)
	{
		in_a = (a > 1e-8) ? f->n * (1 / expm1(a) - 1 / a) : -f->n / 2.0;
		in_b = f->n * (1 / expm1(a + L) - 1 / (a + L));
	}
	if (f->d > 0)
	{
		de_a = f->B * f->d / (exp(a) + f->d);
		de_b = f->B * f->d / (exp(a + L) + f->d);
	}
	lo = -f->b + in_a + de_b;
	hi = -f->b + in_b + de_a;
	return Max(fabs(lo), fabs(hi));
}

/* Bernstein parameter of the ellipse around [a, a+L] through ln d + i pi */
static double
pq_pole_rho(const PqFun *f, double a, double L)
{
	double		p,
				e;

	if (!(f->d > 0))
		return HUGE_VAL;
	p = log(f->d);
	e = (sqrt((p - a) * (p - a) + M_PI * M_PI) +
		 sqrt((p - a - L) * (p - a - L) + M_PI * M_PI)) / L;
	return e + sqrt(e * e - 1);
}

/*
 * ln of integral_0^V e^phi(v) dv by the panels above; false when the
 * caller should use the general quadrature instead.
 */
static bool
pq_log_integral(const PqFun *f, double V, double *out)
{
	double		a = 0,
				ref = -HUGE_VAL,
				sum = 0,
				phimax = -HUGE_VAL;
	int			half_n = (f->n + 1) / 2,
				panels;

	if (f->n > PQ_MAX_N || !(V > 0) || !isfinite(V) ||
		f->n * log(-expm1(-V)) < -400)
		return false;
	pq_init();
	for (panels = 0; a < V; panels++)
	{
		double		L = V - a,
					pa;
		int			k = -1;

		if (panels >= PQ_MAX_PANELS)
			return false;
		/* past the maximum and far below it: the rest does not count */
		if (a > 0)
		{
			pa = pq_phi(f, a);
			phimax = Max(phimax, pa);
			if (pa < phimax - PQ_TAIL && pq_slope(f, a) < 0)
				break;
		}
		for (int halvings = 0; k < 0; halvings++)
		{
			double		drop,
						rho;

			if (halvings > 60)
				return false;
			drop = L * pq_rest_slope(f, a, L);
			rho = pq_pole_rho(f, a, L);
			for (int j = 0; j < PQ_SETS; j++)
			{
				int			ne = pq_nodes[j] - half_n;

				if (drop <= pq_drop_max(ne) && rho >= pq_rho_min(ne))
				{
					k = j;
					break;
				}
			}
			if (k < 0)
				L /= 2;
		}
		for (int j = 0; j < pq_nodes[k]; j++)
		{
			double		v = a + L * pq_x[k][j],
						em = expm1(-v),
						p0 = pq_phi0(f, v),
						pw = 1,
						base = -em;

			/* (1 - e^-v)^n by squaring */
			for (int e = f->n; e > 0; e >>= 1, base *= base)
				if (e & 1)
					pw *= base;
			if (p0 > ref)
			{
				sum *= exp(ref - p0);
				ref = p0;
			}
			sum += L * pq_w[k][j] * exp(p0 - ref) * pw;
		}
		a += L;
		phimax = Max(phimax, pq_phi(f, Min(a, V)));
	}
	if (!(sum > 1e-250) || !isfinite(sum))
		return false;
	*out = ref + log(sum);
	return true;
}

/* Pnew(n) of the Pareto/NBD model with parameters r, alpha, s, beta over tau. */
static double
pn_pmf_new(const PmfPn *p, int32 n, double tau)
{
	QxLcFun		f;
	PqFun		pf;
	double		lq = -log1p(tau / p->alpha),
				l1q = -log1p(p->alpha / tau),
				alive_end,
				m,
				lconst,
				lint;

	/* alive at tau: NB(n) (beta / (beta + tau))^s */
	alive_end = exp(pmf_log_nb(n, p->r, lq, l1q) - p->s * log1p(tau / p->beta));

	/*
	 * died at y in (0, tau] after n purchases: s beta^s alpha^r G(r+n) /
	 * (G(r) n!) J, and beta^s alpha^r m^-(r+s) = (1+d)^s or (1+d)^r
	 */
	pf.b = p->r + p->s;
	pf.n = n;
	if (p->alpha <= p->beta)
	{
		m = p->alpha;
		pf.d = (p->beta - p->alpha) / p->alpha;
		pf.B = p->s + 1;
		lconst = p->s * log1p(pf.d);
	}
	else
	{
		m = p->beta;
		pf.d = (p->alpha - p->beta) / p->beta;
		pf.B = p->r + n;
		lconst = p->r * log1p(pf.d);
	}
	if (isfinite(pf.d) && isfinite(lconst) &&
		pq_log_integral(&pf, log1p(tau / m), &lint))
		return alive_end + exp(log(p->s) + lconst + pmf_lgamma_ratio(p->r, n) -
							   lgamma(n + 1.0) + lint);

	/*
	 * Otherwise the general quadrature: in z = y / alpha the integral is s
	 * alpha/beta G(r+n)/(G(r) n!) integral_0^(tau/alpha) z^n (1+z)^-(r+n)
	 * (1 + z alpha/beta)^-(s+1) dz, no power of alpha or beta left to
	 * overflow
	 */
	f.k = n + 1.0;
	f.A = p->r + n;
	f.al = 1;
	f.B = p->s + 1;
	f.be = p->beta / p->alpha;
	f.C = 0;
	if (!(f.be > 0 && isfinite(f.be)))
		qx_bad_arg("Pass a model that paretonbd_fit returned.",
				   "model fields alpha %s and beta %s are too far apart for the probability",
				   qx_float_str(p->alpha), qx_float_str(p->beta));
	return alive_end +
		exp(log(p->s) + log(p->alpha) - log(p->beta) + pmf_lgamma_ratio(p->r, n) -
			lgamma(n + 1.0) +
			qx_lc_log_integral(&f, -get_float8_infinity(), log(tau) - log(p->alpha)));
}

PG_FUNCTION_INFO_V1(paretonbd_prob_purchases_new);
/* paretonbd_prob_purchases(model, n, horizon) -> P(X(horizon) = n) of a new customer */
Datum
paretonbd_prob_purchases_new(PG_FUNCTION_ARGS)
{
	PmfPn		p;
	int32		n = PG_GETARG_INT32(1);
	double		tau = PG_GETARG_FLOAT8(2);

	pmf_pn_model(fcinfo, &p);
	pmf_check_args(n, tau);
	PG_RETURN_FLOAT8(pmf_clamp(pn_pmf_new(&p, n, tau), "the probability", tau));
}

PG_FUNCTION_INFO_V1(paretonbd_prob_purchases);
/* paretonbd_prob_purchases(model, n, horizon, frequency, recency, t) -> P(n | history) */
Datum
paretonbd_prob_purchases(PG_FUNCTION_ARGS)
{
	PmfPn		p,
				u;
	int32		n = PG_GETARG_INT32(1);
	double		tau = PG_GETARG_FLOAT8(2);
	int32		x = PG_GETARG_INT32(3);
	double		tx = PG_GETARG_FLOAT8(4),
				T = PG_GETARG_FLOAT8(5),
				alive,
				v;

	pmf_pn_model(fcinfo, &p);
	pmf_check_args(n, tau);
	bg_check_summary(x, tx, T);
	alive = qx_paretonbd_p_alive(p.r, p.alpha, p.s, p.beta, x, tx, T);
	u.r = p.r + x;
	u.alpha = p.alpha + T;
	u.s = p.s;
	u.beta = p.beta + T;
	v = alive * pn_pmf_new(&u, n, tau);
	if (n == 0)
		v += 1 - alive;
	PG_RETURN_FLOAT8(pmf_clamp(v, "the probability", tau));
}

PG_FUNCTION_INFO_V1(paretonbd_value);
/*
 * paretonbd_value(model, gg, frequency, recency, t, monetary, discount_rate)
 * -> E(M) x DERT, the discount continuous at discount_rate per time unit.
 */
Datum
paretonbd_value(PG_FUNCTION_ARGS)
{
	PmfPn		p;
	GgParams	gg;
	int32		x = PG_GETARG_INT32(2);
	double		tx = PG_GETARG_FLOAT8(3),
				T = PG_GETARG_FLOAT8(4),
				delta = PG_GETARG_FLOAT8(6),
				m,
				spend,
				alive,
				lw,
				v;
	QxLcFun		f;

	pmf_pn_model(fcinfo, &p);
	gg_get_model(PG_GETARG_HEAPTUPLEHEADER(1), &gg);
	bg_check_summary(x, tx, T);
	m = gg_check_customer(x, PG_GETARG_DATUM(5));
	qx_require_finite(delta, "discount_rate");
	if (delta <= 0)
		qx_bad_arg("discount_rate is the continuous discount rate per time unit of the summaries: 0.0019 a week for about 10 % a year.",
				   "discount_rate must be positive, got %s", qx_float_str(delta));
	spend = gg_expected_spend(&gg, x, m);
	alive = qx_paretonbd_p_alive(p.r, p.alpha, p.s, p.beta, x, tx, T);

	/*
	 * ln of integral_0^inf e^(-delta u) (1 + u/(beta+T))^-s du: with u =
	 * (beta+T) e^t, (beta+T) times the integral of e^(t - delta (beta+T)
	 * e^t) (1 + e^t)^-s dt
	 */
	f.k = 1;
	f.A = 0;
	f.al = 1;
	f.B = p.s;
	f.be = 1;
	f.C = delta * (p.beta + T);
	if (!isfinite(f.C))
		qx_bad_arg("discount_rate is per time unit of the summaries.",
				   "discount_rate %s times beta + t is out of range", qx_float_str(delta));
	lw = qx_lc_log_integral(&f, -get_float8_infinity(), get_float8_infinity()) +
		log(p.beta + T);
	v = spend * alive * exp(log(p.r + x) - log(p.alpha + T) + lw);
	if (!isfinite(v) || v < 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("customer value is out of range for float8 (discount_rate %s, monetary %s)",
						qx_float_str(delta), qx_float_str(m)),
				 errhint("A very small discount_rate makes the residual value of a long-lived customer unbounded; use a larger one.")));
	PG_RETURN_FLOAT8(v);
}
