/*
 * bgnbd_likelihood.c
 *		The BG/NBD model's mathematics (Fader, Hardie & Lee 2005, "Counting
 *		Your Customers the Easy Way", Marketing Science 24(2):275-284):
 *		the expectations of eqs. 7 and 10, P(alive) of
 *		eq. 12, the log-likelihood of eq. 6 and the maximum-likelihood fit.
 *
 * The expectations share one quantity,
 *
 *   N(a, b', m, s) = E_p[(1 - (1 + p s)^-m) / p],   p ~ Beta(a, b'),
 *
 * which is (a+b'-1)/(a-1) [1 - (1-z)^m 2F1(m, b'; a+b'-1; z)] with
 * z = s/(1+s).  E[X(t)] = N(a, b, r, t/alpha) and E[Y(t) | x, t_x, T] =
 * P(alive) N(a, b+x, r+x, t/(alpha+T)).  qx_bgnbd_expect() evaluates it: see
 * there, and README "Reference: BG/NBD", Numerics.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"

#include "bgnbd.h"
#include "optimize.h"
#include "quota_ext.h"
#include "special_functions.h"

/* ---------------------------------------------------------------------
 * The expectation N(a, b', m, s)
 *
 * Two fast series cover the usual parameters; each is kept only when it
 * converged within BG_SERIES_MAX_TERMS terms and lost at most a factor
 * BG_MAX_CANCELLATION to cancellation.  Everything else (huge m s, a
 * near 1, a + b' <= 1, extreme a or b') goes to a quadrature of the Beta
 * mixture itself, whose terms are all positive.
 * ---------------------------------------------------------------------
 */

/* Terms a fast series may take before the quadrature takes over. */
#define BG_SERIES_MAX_TERMS 2000
/*
 * Largest ratio of the biggest term (or of the subtracted quantity) to the
 * result that a fast series may have: 3 of the 16 digits lost, leaving
 * about 1e-12 relative after BG_SERIES_MAX_TERMS roundings.
 */
#define BG_MAX_CANCELLATION 1e3
/* A series stops when its tail is below this fraction of its sum. */
#define BG_SERIES_EPS		1e-17
/* The alternating series is used for s up to this (term ratios tend to -s). */
#define BG_ALTERNATING_MAX_S 0.5
/* Rescale the 2F1 sum when it passes this, to stay within float8. */
#define BG_RESCALE_AT		1e280
/* The longest supported horizon: s and m s (the no-dropout bound) at most this. */
#define BG_MAX_SCALED_HORIZON 1e250
/* Model parameters the expectations support (README "Reference: BG/NBD"). */
#define BG_MIN_PARAM		1e-100
#define BG_MAX_PARAM		1e100

/*
 * s <= 1/2: the Pfaff transform of the paper's 2F1 gives the alternating
 * series sum_{n>=1} (-1)^(n+1) s^n (m)_n (a)_(n-1) / ((a+b')_(n-1) n!),
 * free of the factor 1/(a-1) and of Gamma(a+b'-1); term ratios tend to -s.
 * Returns false when it cannot vouch for the digits.
 */
static bool
bg_expect_alternating(double a, double bp, double m, double s, double *out)
{
	double		term = s * m,
				sum = term,
				biggest = term;
	int			n;

	for (n = 1; n < BG_SERIES_MAX_TERMS; n++)
	{
		double		ratio = s * (m + n) * (a + n - 1.0) / ((a + bp + n - 1.0) * (n + 1.0));

		term *= -ratio;
		sum += term;
		biggest = Max(biggest, fabs(term));
		if (ratio < 1.0 && fabs(term) <= BG_SERIES_EPS * fabs(sum))
		{
			*out = sum;
			return isfinite(sum) && sum > 0 && biggest <= BG_MAX_CANCELLATION * sum;
		}
	}
	return false;
}

/*
 * s > 1/2 and a + b' > 1: (a+b'-1)/(a-1) [1 - F] with F = (1 - z)^m
 * 2F1(m, b'; a+b'-1; z), z = s/(1+s).  All terms of the 2F1 series are
 * positive; the sum is rescaled when it grows large, and the tail after
 * term n is bounded by term q / (1 - q) with q the larger of the current
 * term ratio and z (the ratios tend to z).  Returns false when the series
 * is too long or 1 - F cancels (F near 1, as when a is near 1).
 */
static bool
bg_expect_2f1(double a, double bp, double m, double s, double *out)
{
	double		C = a + bp - 1.0,
				z = s / (1.0 + s),
				term = 1.0,
				sum = 1.0,
				logscale = 0.0,
				F,
				v;
	int			n;

	for (n = 0; n < BG_SERIES_MAX_TERMS; n++)
	{
		double		ratio = (m + n) * (bp + n) / ((C + n) * (n + 1.0)) * z;
		double		q;

		term *= ratio;
		sum += term;
		if (sum > BG_RESCALE_AT)
		{
			sum /= BG_RESCALE_AT;
			term /= BG_RESCALE_AT;
			logscale += log(BG_RESCALE_AT);
		}
		q = Max(ratio, z);
		if (q < 1.0 && term * q <= BG_SERIES_EPS * sum * (1.0 - q))
			break;
	}
	if (n == BG_SERIES_MAX_TERMS)
		return false;
	F = exp(-m * log1p(s) + log(sum) + logscale);
	if (!(F <= BG_MAX_CANCELLATION * fabs(1.0 - F)))
		return false;
	v = C / (a - 1.0) * (1.0 - F);
	*out = v;
	return isfinite(v) && v > 0;
}

/*
 * The quadrature.  In t = logit p the Beta(a, b') weight is
 * w(t) = exp(a ln p + b' ln(1-p)), log-concave with its mode at
 * t* = ln(a/b'), and
 *
 *   N = m s U / D,  U = integral of g(p(t)) / (m s) w(t) dt,  D = integral of w(t) dt,
 *   g(p) = (1 - (1 + p s)^-m) / p,
 *
 * both integrands positive and smooth, so neither Beta(a, b') nor any
 * difference of large numbers is needed.  Left of tL, p (a+b')/a and
 * (m+1) s p are below e^-BG_TAIL_NATS, so w is a pure exponential e^(a t)
 * and g the constant m s to that relative accuracy: the tail is
 * w(tL) g(tL) / slope exactly.  Right of tR likewise with rate b' and g
 * constant.  Between them, adaptive Gauss-Kronrod (7/15 points) in
 * d = t - t*, with breakpoints at the features: the mode and multiples of
 * its width, and where p s = 1 and (m+1) p s = 1.  It stops when the
 * estimated error is below BG_QUAD_RTOL or the weight's rounding noise,
 * whichever is larger; the noise enters U and D alike and so largely
 * cancels in U / D.
 */
#define BG_TAIL_NATS		40.0
/*
 * On |Kronrod - Gauss|, which bounds the 7-point rule's error; the 15-point
 * sums kept are far more accurate (worst 9e-11 against the reference grid).
 */
#define BG_QUAD_RTOL		1e-10
#define BG_QUAD_MAX_PIECES	600
#define BG_QUAD_BREAKS		16
/* Breakpoints at +-2, 8 and 32 times the weight's width at its mode. */
#define BG_QUAD_WIDTH_FIRST	2
#define BG_QUAD_WIDTH_LAST	32
#define BG_QUAD_WIDTH_STEP	4
/*
 * Within this distance of the mode the weight's logarithm is formed from
 * d itself (see bg_mix_at); farther out the weight has fallen by about
 * e^(-a b' / (5 (a + b'))), so its rounding noise no longer matters, and
 * ln p is formed directly.
 */
#define BG_QUAD_NEAR		1.0
/* The weight's rounding noise, in ulps per unit of sqrt(a b'/(a+b')). */
#define BG_QUAD_NOISE_ULPS	64.0

typedef struct BgMix
{
	double		a,
				bp,
				m,
				s,
				ls,				/* ln s */
				tm,				/* the mode t* = ln(a/b') */
				pm,				/* p and 1 - p at the mode */
				qm,
				lpm;			/* ln p at the mode */
} BgMix;

/* (1 - (1 + u)^-m) / u for u >= 0 */
static inline double
bg_h(double m, double u)
{
	if (u == 0)
		return m;
	return -expm1(-m * log1p(u)) / u;
}

/*
 * w / w(t*) and g / (m s) at t = t* + d (g / (m s) is in (0, 1], so
 * no sum of it overflows).  Within BG_QUAD_NEAR of the mode,
 * ln(p/p*) = -ln(1 + (1-p*)(e^-d - 1)) and ln((1-p)/(1-p*)) = -ln(1 +
 * p*(e^d - 1)) keep their relative accuracy however large a and b' are,
 * so the weight's rounding noise is about sqrt(a b'/(a+b')) ulps rather
 * than (a + b') ulps; p itself is never formed (it may underflow).
 */
static inline void
bg_mix_at(const BgMix *q, double d, double *w, double *g)
{
	double		dlp,
				dlq;

	if (fabs(d) <= BG_QUAD_NEAR)
	{
		dlp = -log1p(q->qm * expm1(-d));
		dlq = -log1p(q->pm * expm1(d));
	}
	else
	{
		dlp = -qx_softplus(-(q->tm + d)) - q->lpm;
		dlq = -qx_softplus(q->tm + d) + qx_softplus(q->tm);
	}
	*w = exp(q->a * dlp + q->bp * dlq);
	*g = bg_h(q->m, exp(q->lpm + dlp + q->ls)) / q->m;
}

/* Gauss-Kronrod 7/15 nodes and weights (Piessens et al., QUADPACK, 1983). */
static const double bg_xgk[8] = {
	0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
	0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
	0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
	0.207784955007898467600689403773245, 0.0
};
static const double bg_wgk[8] = {
	0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
	0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
	0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
	0.204432940075298892414161999234649, 0.209482141084727828012999174891714
};
static const double bg_wg[4] = {
	0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
	0.381830050505118944950369775488975, 0.417959183673469387755102040816327
};

typedef struct BgPiece
{
	double		lo,
				hi,
				U,
				D,
				errU,
				errD;
} BgPiece;

/* U and D over [lo, hi] by the 15-point rule, errors against the 7-point. */
static void
bg_gk15(const BgMix *q, BgPiece *pc)
{
	double		c = 0.5 * (pc->lo + pc->hi),
				h = 0.5 * (pc->hi - pc->lo),
				kU = 0,
				kD = 0,
				gU = 0,
				gD = 0;
	int			i;

	for (i = 0; i < 8; i++)
	{
		int			k;

		for (k = (i == 7 ? 1 : 0); k < 2; k++)
		{
			double		w,
						g;

			bg_mix_at(q, k == 0 ? c - h * bg_xgk[i] : c + h * bg_xgk[i], &w, &g);
			kU += bg_wgk[i] * g * w;
			kD += bg_wgk[i] * w;
			if (i % 2 == 1)
			{
				gU += bg_wg[i / 2] * g * w;
				gD += bg_wg[i / 2] * w;
			}
		}
	}
	pc->U = kU * h;
	pc->D = kD * h;
	pc->errU = fabs(kU - gU) * h;
	pc->errD = fabs(kD - gD) * h;
}

/* Sorted, distinct breakpoints in d = t - t* within (dL, dR), with dL and dR at the ends. */
static int
bg_quad_breaks(const BgMix *q, double dL, double dR, double *br)
{
	double		sd = sqrt(1.0 / q->a + 1.0 / q->bp),
				cand[BG_QUAD_BREAKS];
	int			nc = 0,
				nb = 0,
				i,
				j;

	cand[nc++] = 0;
	for (i = BG_QUAD_WIDTH_FIRST; i <= BG_QUAD_WIDTH_LAST; i *= BG_QUAD_WIDTH_STEP)
	{
		cand[nc++] = -i * sd;
		cand[nc++] = i * sd;
	}
	cand[nc++] = -q->ls - q->tm;
	cand[nc++] = -q->ls - log1p(q->m) - q->tm;
	/* insertion sort of a handful */
	for (i = 1; i < nc; i++)
		for (j = i; j > 0 && cand[j - 1] > cand[j]; j--)
		{
			double		tmp = cand[j];

			cand[j] = cand[j - 1];
			cand[j - 1] = tmp;
		}
	br[nb++] = dL;
	for (i = 0; i < nc; i++)
		if (cand[i] > br[nb - 1] && cand[i] < dR)
			br[nb++] = cand[i];
	br[nb++] = dR;
	return nb;
}

/* Bisect pieces until the error estimate is below tol (or pieces run out). */
static void
bg_quad_adapt(const BgMix *q, BgPiece *pc, int np, double tol, double *U, double *D)
{
	for (;;)
	{
		int			worst = 0,
					i;
		double		eU = 0,
					eD = 0,
					mid;

		*U = *D = 0;
		for (i = 0; i < np; i++)
		{
			*U += pc[i].U;
			*D += pc[i].D;
			eU += pc[i].errU;
			eD += pc[i].errD;
		}
		if ((eU <= tol * *U && eD <= tol * *D) || np == BG_QUAD_MAX_PIECES)
			return;
		for (i = 1; i < np; i++)
			if (pc[i].errU / *U + pc[i].errD / *D > pc[worst].errU / *U + pc[worst].errD / *D)
				worst = i;
		mid = 0.5 * (pc[worst].lo + pc[worst].hi);
		pc[np].lo = mid;
		pc[np].hi = pc[worst].hi;
		pc[worst].hi = mid;
		bg_gk15(q, &pc[worst]);
		bg_gk15(q, &pc[np++]);
	}
}

static double
bg_expect_quadrature(double a, double bp, double m, double s)
{
	BgMix		q;
	BgPiece    *pc = palloc(sizeof(BgPiece) * BG_QUAD_MAX_PIECES);
	double		tL = -BG_TAIL_NATS - log(Max((a + bp) / a, (m + 1.0) * s)),
				tR = BG_TAIL_NATS + log((a + bp) / bp),
				br[BG_QUAD_BREAKS + 2],
				tol,
				U,
				D,
				w,
				g,
				slope;
	int			nb,
				np = 0,
				i;

	q.a = a;
	q.bp = bp;
	q.m = m;
	q.s = s;
	q.ls = log(s);
	q.tm = log(a) - log(bp);
	q.pm = a / (a + bp);
	q.qm = bp / (a + bp);
	q.lpm = log(a) - log(a + bp);
	tol = Max(BG_QUAD_RTOL, BG_QUAD_NOISE_ULPS * DBL_EPSILON * sqrt(a * q.qm));

	nb = bg_quad_breaks(&q, tL - q.tm, tR - q.tm, br);
	for (i = 0; i + 1 < nb; i++)
	{
		pc[np].lo = br[i];
		pc[np].hi = br[i + 1];
		bg_gk15(&q, &pc[np++]);
	}
	bg_quad_adapt(&q, pc, np, tol, &U, &D);
	pfree(pc);

	/* the tails, exact to e^-BG_TAIL_NATS (see above) */
	bg_mix_at(&q, tL - q.tm, &w, &g);
	slope = a - (a + bp) / (1.0 + exp(-tL));
	U += g * w / slope;
	D += w / slope;
	bg_mix_at(&q, tR - q.tm, &w, &g);
	slope = bp - (a + bp) / (1.0 + exp(tR));
	U += g * w / slope;
	D += w / slope;
	return q.m * q.s * (U / D);
}

/*
 * Raise the horizon error when s, or m s (the expectation's no-dropout
 * bound), is past what is supported.
 */
static void
bg_check_scaled_horizon(double m, double s, double horizon)
{
	if (!(Max(m, 1.0) * s <= BG_MAX_SCALED_HORIZON))
		qx_bad_arg("alpha + t is the model's alpha plus the customer's t (0 for a new customer), in the unit of the summaries.",
				   "horizon %s is too long for this model: max(1, r + frequency) * horizon / (alpha + t) must be at most %g",
				   qx_float_str(horizon), BG_MAX_SCALED_HORIZON);
}

/*
 * N(a, b', m, s) = E_p[(1 - (1 + p s)^-m) / p] with p ~ Beta(a, b'),
 * the expected purchases of a customer alive now, with purchase shape m and
 * dropout Beta(a, b'), in a horizon of s in units of the current Gamma
 * scale.  horizon is only for the error message.  Finite, >= 0 and at most
 * m s for a, b', m within BG_MIN_PARAM..BG_MAX_PARAM (qx_bgnbd_check_params)
 * and max(1, m) s <= BG_MAX_SCALED_HORIZON; the last check keeps that promise
 * should anything escape the analysis.
 */
double
qx_bgnbd_expect(double a, double bp, double m, double s, double horizon)
{
	double		v;

	if (s == 0.0)
		return 0.0;
	bg_check_scaled_horizon(m, s, horizon);
	if (!(s <= BG_ALTERNATING_MAX_S && bg_expect_alternating(a, bp, m, s, &v)) &&
		!(s > BG_ALTERNATING_MAX_S && a + bp - 1.0 > 0 && bg_expect_2f1(a, bp, m, s, &v)))
		v = bg_expect_quadrature(a, bp, m, s);
	if (!(isfinite(v) && v >= 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("expected purchases cannot be computed for this model and horizon %s",
						qx_float_str(horizon)),
				 errhint("Model parameters between %g and %g and a horizon up to %g times alpha + t are supported.",
						 BG_MIN_PARAM, BG_MAX_PARAM, BG_MAX_SCALED_HORIZON)));
	return Min(v, m * s);
}

/* Raise 22023 unless the parameters are in the range the expectations support. */
void
qx_bgnbd_check_params(const QxBgParams *p)
{
	static const char *const names[4] = {"r", "alpha", "a", "b"};
	double		v[4] = {p->r, p->alpha, p->a, p->b};
	int			i;

	for (i = 0; i < 4; i++)
		if (v[i] < BG_MIN_PARAM || v[i] > BG_MAX_PARAM)
			qx_bad_arg(psprintf("Expected purchases are computed for r, alpha, a and b between %g and %g.",
								BG_MIN_PARAM, BG_MAX_PARAM),
					   "model field %s is outside the range of the expectations, got %s",
					   names[i], qx_float_str(v[i]));
}

/* ln of the odds of having dropped out (x > 0); P(alive) = 1/(1+e^that). */
static double
bg_log_dropout_odds(const QxBgParams *p, int32 x, double tx, double T)
{
	/* b + (x - 1) exactly for whole x; ln((alpha+T)/(alpha+t_x)) without cancellation */
	return log(p->a) - log(p->b + (double) (x - 1)) +
		(p->r + x) * log1p((T - tx) / (p->alpha + tx));
}

/* P(alive | x, t_x, T) (paper eq. 12 as a logistic of the log odds). */
double
qx_bgnbd_p_alive(const QxBgParams *p, int32 x, double tx, double T)
{
	if (x == 0)
		return 1.0;
	return exp(-qx_softplus(bg_log_dropout_odds(p, x, tx, T)));
}

/* ---------------------------------------------------------------------
 * The log-likelihood and the fit
 * ---------------------------------------------------------------------
 */

/* The data of a fit, laid out for the inner loop. */
typedef struct BgData
{
	int64		n;				/* distinct summaries with x > 0 */
	int32	   *x;
	double	   *tx,
			   *T,
				*w;
	int64		n0;				/* distinct T among customers with x = 0 */
	double	   *T0,
			   *w0;
	int			nx;				/* distinct x values (including 0) */
	int32	   *xs;
	double	   *wx;				/* customers per distinct x */
	double		W;				/* customers */
	int64		evals;
} BgData;

#define BG_NPAR 4

/*
 * Below this x, lnG(q+x) - lnG(q) is summed as sum_{k<x} ln(q+k), carried
 * from one distinct x to the next (see bg_ll_by_x).
 */
#define BG_SUMX 1000

/* A fit whose log-parameters end beyond +-BG_EDGE ran off to a boundary. */
#define BG_EDGE		18.0
/* The start's alpha stays within e^+-BG_START_BOUND. */
#define BG_START_BOUND 20.0

/* The parameters at theta = ln(r, alpha, a, b) and the sums of ln L and its gradient. */
typedef struct BgLL
{
	double		r,
				alpha,
				a,
				b;
	bool		grad;			/* accumulate the gradient too */
	double		ll,				/* ln L, summed over customers */
				gr,				/* d ln L / d r, alpha, a, b */
				gal,
				ga,
				gb;
} BgLL;

/*
 * A1 and A2 of eq. 6, per distinct x (ascending):
 *   A1 = lnG(r+x) - lnG(r) + r ln alpha
 *   A2 = lnG(a+b) + lnG(b+x) - lnG(b) - lnG(a+b+x)
 * For whole x, lnG(q+x) - lnG(q) = sum_{k<x} ln(q+k) and psi(q+x) - psi(q)
 * = sum 1/(q+k); the sums are carried from one x to the next up to
 * BG_SUMX, exact even where q is huge and lgamma(q) has lost the digits of
 * the difference.  Beyond that the difference itself is large and lgamma
 * differences do.  (One function of about 90 lines: the six carried sums
 * live across the loop over distinct x, and splitting it would only pass
 * them around.)
 */
static void
bg_ll_by_x(const BgData *d, BgLL *L)
{
	double		r = L->r,
				a = L->a,
				b = L->b,
				lnalpha = log(L->alpha),
				lga = lgamma(r),
				lgb = lgamma(b),
				lgab = lgamma(a + b),
				dgr = 0,
				dgb = 0,
				dgab = 0;
	double		sl_r = 0,
				sl_b = 0,
				sl_ab = 0,
				sd_r = 0,
				sd_b = 0,
				sd_ab = 0;
	int32		done = 0;		/* the sums cover k < done */
	int			k;

	if (L->grad)
	{
		dgr = qx_digamma(r);
		dgb = qx_digamma(b);
		dgab = qx_digamma(a + b);
	}
	for (k = 0; k < d->nx; k++)
	{
		int32		x = d->xs[k];
		double		wk = d->wx[k],
					lr,
					lb,
					lab,
					dr = 0,
					db = 0,
					dab = 0;

		L->ll += wk * r * lnalpha;
		if (L->grad)
		{
			L->gr += wk * lnalpha;
			L->gal += wk * r / L->alpha;
		}
		if (x == 0)
			continue;
		if (x <= BG_SUMX)
		{
			for (; done < x; done++)
			{
				sl_r += log(r + done);
				sl_b += log(b + done);
				sl_ab += log(a + b + done);
				if (L->grad)
				{
					sd_r += 1.0 / (r + done);
					sd_b += 1.0 / (b + done);
					sd_ab += 1.0 / (a + b + done);
				}
			}
			lr = sl_r;
			lb = sl_b;
			lab = sl_ab;
			dr = sd_r;
			db = sd_b;
			dab = sd_ab;
		}
		else
		{
			lr = lgamma(r + x) - lga;
			lb = lgamma(b + x) - lgb;
			lab = lgamma(a + b + x) - lgab;
			if (L->grad)
			{
				dr = qx_digamma(r + x) - dgr;
				db = qx_digamma(b + x) - dgb;
				dab = qx_digamma(a + b + x) - dgab;
			}
		}
		L->ll += wk * (lr + lb - lab);
		if (L->grad)
		{
			L->gr += wk * dr;
			L->ga -= wk * dab;
			L->gb += wk * (db - dab);
		}
	}
}

/* Customers with x = 0: ln L adds A3 = -r ln(alpha+T). */
static void
bg_ll_zero(const BgData *d, BgLL *L)
{
	int64		i;

	for (i = 0; i < d->n0; i++)
	{
		double		l = log(L->alpha + d->T0[i]);

		if ((i % QX_FIT_ROWS_PER_CHECK) == 0)
			CHECK_FOR_INTERRUPTS();
		L->ll -= d->w0[i] * L->r * l;
		if (L->grad)
		{
			L->gr -= d->w0[i] * l;
			L->gal -= d->w0[i] * L->r / (L->alpha + d->T0[i]);
		}
	}
}

/*
 * Customers with x > 0: ln L adds ln(e^A3 + e^A4), in log-sum-exp form,
 *   A3 = -(r+x) ln(alpha+T),  A4 = ln a - ln(b+x-1) - (r+x) ln(alpha+t_x).
 * Entries come sorted by x, then T, so ln(b+x-1) and ln(alpha+T) are
 * recomputed only when they change.
 */
static void
bg_ll_repeat(const BgData *d, BgLL *L)
{
	double		r = L->r,
				alpha = L->alpha,
				a = L->a,
				b = L->b,
				lna = log(a),
				prevT = -1,
				lT = 0,
				lbx = 0;
	int32		prevx = -1;
	int64		i;

	for (i = 0; i < d->n; i++)
	{
		int32		x = d->x[i];
		double		rx = r + x,
					wi = d->w[i],
					ltx,
					l3,
					l4,
					mx,
					lse;

		if ((i % QX_FIT_ROWS_PER_CHECK) == 0)
			CHECK_FOR_INTERRUPTS();
		if (x != prevx)
		{
			lbx = log(b + x - 1.0);
			prevx = x;
		}
		if (d->T[i] != prevT)
		{
			lT = log(alpha + d->T[i]);
			prevT = d->T[i];
		}
		ltx = (d->tx[i] == d->T[i]) ? lT : log(alpha + d->tx[i]);
		l3 = -rx * lT;
		l4 = lna - lbx - rx * ltx;
		mx = Max(l3, l4);
		lse = mx + log1p(exp(Min(l3, l4) - mx));
		L->ll += wi * lse;
		if (L->grad)
		{
			double		p3 = exp(l3 - lse),
						p4 = 1.0 - p3;

			L->gr -= wi * (p3 * lT + p4 * ltx);
			L->gal -= wi * rx * (p3 / (alpha + d->T[i]) + p4 / (alpha + d->tx[i]));
			L->ga += wi * p4 / a;
			L->gb -= wi * p4 / (b + x - 1.0);
		}
	}
}

/*
 * The objective of the fit (a QxObjective): minus the log-likelihood per
 * customer at theta = ln(r, alpha, a, b) (paper eq. 6), and its gradient
 * in theta when g is not NULL.  Terms that depend on x alone are summed
 * once per distinct x.
 */
static double
bg_negll(void *ctx, const double *theta, double *g)
{
	BgData	   *d = (BgData *) ctx;
	BgLL		L;

	memset(&L, 0, sizeof(L));
	L.r = exp(theta[0]);
	L.alpha = exp(theta[1]);
	L.a = exp(theta[2]);
	L.b = exp(theta[3]);
	L.grad = (g != NULL);
	d->evals++;

	bg_ll_by_x(d, &L);
	bg_ll_zero(d, &L);
	bg_ll_repeat(d, &L);

	if (g)
	{
		/* chain rule to log-parameters; minus, per customer */
		g[0] = -L.gr * L.r / d->W;
		g[1] = -L.gal * L.alpha / d->W;
		g[2] = -L.ga * L.a / d->W;
		g[3] = -L.gb * L.b / d->W;
	}
	return -L.ll / d->W;
}

/*
 * Lay out a compacted state for bg_negll.  Entries are sorted by x, T,
 * t_x: x = 0 first, equal T adjacent.  Returns the customers; *nrep gets
 * those with a repeat purchase, *sumx and *sumT the weighted sums.
 */
static int64
bg_data_from_state(const QxFitAcc *acc, BgData *d, int64 *nrep, double *sumx, double *sumT)
{
	int64		i,
				cust = 0;

	memset(d, 0, sizeof(*d));
	d->x = palloc_extended(sizeof(int32) * acc->n, MCXT_ALLOC_HUGE);
	d->tx = palloc_extended(sizeof(double) * acc->n, MCXT_ALLOC_HUGE);
	d->T = palloc_extended(sizeof(double) * acc->n, MCXT_ALLOC_HUGE);
	d->w = palloc_extended(sizeof(double) * acc->n, MCXT_ALLOC_HUGE);
	d->T0 = palloc_extended(sizeof(double) * acc->n, MCXT_ALLOC_HUGE);
	d->w0 = palloc_extended(sizeof(double) * acc->n, MCXT_ALLOC_HUGE);
	d->xs = palloc_extended(sizeof(int32) * acc->n, MCXT_ALLOC_HUGE);
	d->wx = palloc_extended(sizeof(double) * acc->n, MCXT_ALLOC_HUGE);
	*nrep = 0;
	*sumx = *sumT = 0;

	for (i = 0; i < acc->n; i++)
	{
		const QxFitEntry *e = &acc->e[i];

		if ((i % QX_FIT_ROWS_PER_CHECK) == 0)
			CHECK_FOR_INTERRUPTS();
		cust = qx_fit_add_weight(cust, e->w);
		*sumx += (double) e->x * e->w;
		*sumT += e->T * e->w;
		if (d->nx == 0 || d->xs[d->nx - 1] != e->x)
		{
			d->xs[d->nx] = e->x;
			d->wx[d->nx++] = 0;
		}
		d->wx[d->nx - 1] += e->w;
		if (e->x == 0)
		{
			if (d->n0 > 0 && d->T0[d->n0 - 1] == e->T)
				d->w0[d->n0 - 1] += e->w;
			else
			{
				d->T0[d->n0] = e->T;
				d->w0[d->n0++] = e->w;
			}
		}
		else
		{
			*nrep += e->w;
			d->x[d->n] = e->x;
			d->tx[d->n] = e->tx;
			d->T[d->n] = e->T;
			d->w[d->n++] = e->w;
		}
	}
	d->W = (double) cust;
	return cust;
}

static void
bg_data_free(BgData *d)
{
	pfree(d->x);
	pfree(d->tx);
	pfree(d->T);
	pfree(d->w);
	pfree(d->T0);
	pfree(d->w0);
	pfree(d->xs);
	pfree(d->wx);
}

/* Fit the model to a compacted, non-empty state. */
void
bg_fit(QxFitAcc *acc, BgFit *out)
{
	BgData		d;
	QxOptOptions opts;
	QxOptResult res;
	int64		cust,
				nrep;
	double		sumx,
				sumT,
				theta[BG_NPAR];
	bool		conv;
	int			k;

	cust = bg_data_from_state(acc, &d, &nrep, &sumx, &sumT);

	/*
	 * Start: r = a = b = 1 and alpha from the mean rate, alpha = r mean(T) /
	 * mean(x) (the NBD moment without dropout), within bounds.
	 */
	theta[0] = theta[2] = theta[3] = 0;
	theta[1] = (sumx > 0 && sumT > 0) ? log(sumT / sumx) : 0;
	theta[1] = Max(-BG_START_BOUND, Min(BG_START_BOUND, theta[1]));

	qx_opt_defaults(&opts, BG_NPAR);
	qx_minimize(bg_negll, &d, &opts, theta, &res);
	conv = res.converged;
	for (k = 0; k < BG_NPAR; k++)
		if (fabs(theta[k]) > BG_EDGE)
			conv = false;
	/* without a single repeat purchase the maximum is not attained */
	if (nrep == 0)
		conv = false;

	out->p.r = exp(theta[0]);
	out->p.alpha = exp(theta[1]);
	out->p.a = exp(theta[2]);
	out->p.b = exp(theta[3]);
	out->ll = isfinite(res.f) ? -res.f * d.W : -get_float8_infinity();
	if (!isfinite(out->ll))
		conv = false;
	out->customers = cust;
	out->converged = conv;
	out->iterations = res.iterations;
	out->evals = d.evals;
	bg_data_free(&d);
}
