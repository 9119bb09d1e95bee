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

#include "customer_fit_state.h"
#include "quota_ext.h"
#include "special_functions.h"

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

/* ln NB(n; r, q) with ln q = lq, ln(1-q) = l1q */
static inline double
pmf_log_nb(int32 n, double r, double lq, double l1q)
{
	double		v = qx_lgamma_ratio(r, n) - lgamma(n + 1.0) + r * lq;

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
	v = exp(qx_lgamma_ratio(b, n) - qx_lgamma_ratio(a + b, n) + pmf_log_nb(n, r, lq, l1q));
	if (n > 0)
	{
		double		ltail;

		/* B(a+1, b+n-1) / B(a, b) = a / (a+b+n-1) B(a, b+n-1) / B(a, b) */
		double		lw = log(a) - log(a + b + n - 1) + qx_lgamma_ratio(b, n - 1.0) -
			qx_lgamma_ratio(a + b, n - 1.0);

		/* P(NB(r, q) >= n) = I_{1-q}(n, r) */
		if (!qx_log_inc_beta((double) n, r, l1q, lq, &ltail))
			qx_bad_arg("The tail of the purchase count converges too slowly: use a smaller n or horizon.",
					   "n %d is too large for this model and horizon %s", n, qx_float_str(tau));
		v += exp(lw + ltail);
	}
	return v;
}

static void
bg_pmf_check(const QxBgParams *p)
{
	qx_bgnbd_check_params(p);
}

PG_FUNCTION_INFO_V1(bgnbd_prob_purchases_new);
/* bgnbd_prob_purchases(model, n, horizon) -> P(X(horizon) = n) of a new customer */
Datum
bgnbd_prob_purchases_new(PG_FUNCTION_ARGS)
{
	QxBgParams	p;
	int32		n = PG_GETARG_INT32(1);
	double		tau = PG_GETARG_FLOAT8(2);

	qx_bgnbd_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &p);
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
	QxBgParams	p;
	int32		n = PG_GETARG_INT32(1);
	double		tau = PG_GETARG_FLOAT8(2);
	int32		x = PG_GETARG_INT32(3);
	double		tx = PG_GETARG_FLOAT8(4),
				T = PG_GETARG_FLOAT8(5),
				alive,
				v;

	qx_bgnbd_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &p);
	bg_pmf_check(&p);
	pmf_check_args(n, tau);
	qx_fit_check_summary(x, tx, T);
	alive = qx_bgnbd_p_alive(&p, x, tx, T);
	v = alive * bg_pmf_new(p.r + x, p.alpha + T, p.a, p.b + x, n, tau);
	if (n == 0)
		v += 1 - alive;
	PG_RETURN_FLOAT8(pmf_clamp(v, "the probability", tau));
}

/* ---------------------------------------------------------------------
 * Pareto/NBD
 * ---------------------------------------------------------------------
 */

/*
 * The model argument, read once per query: the checked parameters are kept
 * in fn_extra with a copy of the composite's bytes, and reused while the
 * next row's model has the same bytes (a model is usually one constant or
 * one scalar subquery for every row).
 */
typedef struct PmfPnCache
{
	QxPnParams		p;
	uint32		len;
	char		bytes[FLEXIBLE_ARRAY_MEMBER];
} PmfPnCache;

#define PMF_CACHE_MAX 1024

static void
pmf_pn_model(FunctionCallInfo fcinfo, QxPnParams *p)
{
	HeapTupleHeader th = PG_GETARG_HEAPTUPLEHEADER(0);
	uint32		len = HeapTupleHeaderGetDatumLength(th);
	PmfPnCache *c = (PmfPnCache *) fcinfo->flinfo->fn_extra;

	if (c != NULL && c->len == len && memcmp(c->bytes, th, len) == 0)
	{
		*p = c->p;
		return;
	}
	qx_paretonbd_get_model(th, p);
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
pn_pmf_new(const QxPnParams *p, int32 n, double tau)
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
		return alive_end + exp(log(p->s) + lconst + qx_lgamma_ratio(p->r, n) -
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
		exp(log(p->s) + log(p->alpha) - log(p->beta) + qx_lgamma_ratio(p->r, n) -
			lgamma(n + 1.0) +
			qx_lc_log_integral(&f, -get_float8_infinity(), log(tau) - log(p->alpha)));
}

PG_FUNCTION_INFO_V1(paretonbd_prob_purchases_new);
/* paretonbd_prob_purchases(model, n, horizon) -> P(X(horizon) = n) of a new customer */
Datum
paretonbd_prob_purchases_new(PG_FUNCTION_ARGS)
{
	QxPnParams		p;
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
	QxPnParams		p,
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
	qx_fit_check_summary(x, tx, T);
	alive = qx_paretonbd_p_alive(&p, x, tx, T);
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
	QxPnParams		p;
	QxGgParams	gg;
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
	qx_gammagamma_get_model(PG_GETARG_HEAPTUPLEHEADER(1), &gg);
	qx_fit_check_summary(x, tx, T);
	m = qx_gammagamma_check_customer(x, PG_GETARG_DATUM(5));
	qx_require_finite(delta, "discount_rate");
	if (delta <= 0)
		qx_bad_arg("discount_rate is the continuous discount rate per time unit of the summaries: 0.0019 a week for about 10 % a year.",
				   "discount_rate must be positive, got %s", qx_float_str(delta));
	spend = qx_gammagamma_expected_spend(&gg, x, m);
	alive = qx_paretonbd_p_alive(&p, x, tx, T);

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
