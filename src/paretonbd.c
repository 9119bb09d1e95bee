/*
 * paretonbd.c
 *		The Pareto/NBD model (SPEC §11; Schmittlein, Morrison & Colombo 1987,
 *		"Counting Your Customers: Who Are They and What Will They Do Next?",
 *		Management Science 33(1); Fader & Hardie 2005, "A Note on Deriving
 *		the Pareto/NBD Model and Related Expressions"): purchases at rate
 *		lambda ~ Gamma(r, alpha) while alive, a lifetime ~ Exponential(mu)
 *		with mu ~ Gamma(s, beta).
 *
 * For a customer with x repeat purchases, the last at t_x, observed for T:
 *
 *   L = G(r+x) alpha^r beta^s / G(r) * K,
 *   K = (alpha+T)^-(r+x) (beta+T)^-s + s I,
 *   I = integral over tau in [t_x, T] of (alpha+tau)^-(r+x) (beta+tau)^-(s+1),
 *
 * the second term of K being the customer dying at tau after the last
 * purchase (the note's A0 term, s/(r+s+x) A0 = s I, written as the integral
 * it comes from).  P(alive) = (alpha+T)^-(r+x) (beta+T)^-s / K, and
 *
 *   E[Y(t) | x, t_x, T] = (r+x)/(alpha+T) (beta+T) [1 - ((beta+T)/(beta+T+t))^(s-1)]/(s-1) P(alive).
 *
 * I is evaluated by Gauss-Legendre quadrature in u = ln(c + tau), c =
 * min(alpha, beta), where the integrand is an exponential in u on either
 * side of one smooth turn (where tau reaches max(alpha, beta)); it rises
 * before the turn when r + x < 1.  The range ends where the integrand has
 * fallen by e^-45 relative to its start, and is cut into panels over which
 * it changes by at most about e^8, short near the turn and longer away
 * from it, where 16 nodes integrate it to float8 precision.  Everything is a positive
 * sum in logarithms, so it stays finite for every positive parameter.
 * The hypergeometric form of the note loses digits to cancellation when
 * T - t_x is small and converges slowly when alpha and beta differ a lot.
 *
 * The fit shares bgnbd_fit's state (customer_fit_state.h): paretonbd_fit_partial
 * returns a bgnbd_fit_state, and a state from either fit feeds either merge;
 * its final is customer_fit_state.c's four-parameter fit with pn_negll.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "aggregate.h"
#include "optimize.h"
#include "customer_fit_state.h"
#include "quota_ext.h"
#include "special_functions.h"

#define PN_NPAR 4
/* Gauss-Legendre nodes per panel of the quadrature of I. */
#define PN_NODES 16
/* Each panel's integrand falls by at most about e^PN_PANEL_DROP... */
#define PN_PANEL_DROP 8.0
/* ... and is at most PN_NEAR long near the integrand's turn (pn_bracket) */
#define PN_NEAR 2.0
/* A bound on the panels, far above the few dozen any parameters need. */
#define PN_MAX_PANELS 400
/* The integral ends where the integrand has fallen by e^PN_DROP. */
#define PN_DROP 45.0
/* A fit whose log-parameters end beyond +-PN_EDGE ran off to a boundary. */
#define PN_EDGE 18.0
#define PN_START_BOUND 20.0

/* ---------------------------------------------------------------------
 * Gauss-Legendre nodes on [0, 1]
 * ---------------------------------------------------------------------
 */

/*
 * The 16-node rule integrates e^-a t over [0, 1] to about 1e-13 relative
 * for a up to 8 (the error is about (a/2)^2n / (2n)!).
 */
static double pn_gl_x[PN_NODES],
			pn_gl_w[PN_NODES];
static bool pn_gl_ready = false;

static void
pn_gl_init(void)
{
	if (pn_gl_ready)
		return;
	qx_gauss_legendre(PN_NODES, pn_gl_x, pn_gl_w);
	pn_gl_ready = true;
}

/* ---------------------------------------------------------------------
 * The bracket K and its parts
 * ---------------------------------------------------------------------
 */

/* ln K and, when grad, d ln K / d(r, alpha, s, beta); *lnF0 gets the first term. */
typedef struct PnBracket
{
	double		lnK,
				lnF0,
				g[PN_NPAR];
} PnBracket;

/* How far ln(integrand * (c+tau)) has fallen from t_x at u = u0 + du. */
static inline double
pn_drop(const QxPnParams *p, double A, double B, double c, double tx, double u0,
		double lnf0, double du)
{
	double		tau = (c + tx) * exp(du) - c;

	return lnf0 - (-A * log(p->alpha + tau) - B * log(p->beta + tau) + u0 + du);
}

/* The slope in u of ln(integrand * (c+tau)) at u = u0 + du. */
static inline double
pn_slope(const QxPnParams *p, double A, double B, double c, double tx, double du)
{
	double		ct = (c + tx) * exp(du);	/* c + tau */

	return 1 - A * ct / (ct + p->alpha - c) - B * ct / (ct + p->beta - c);
}

static void
pn_bracket(const QxPnParams *p, int32 x, double tx, double T, bool grad, PnBracket *out)
{
	double		A = p->r + x,
				B = p->s + 1,
				lT_a = log(p->alpha + T),
				lT_b = log(p->beta + T),
				lnF0 = -A * lT_a - p->s * lT_b,
				c,
				d,
				turn,
				u0,
				U,
				end,
				lnf0,
				sum = 0,
				e_la = 0,
				e_ia = 0,
				e_lb = 0,
				e_ib = 0,
				lnI,
				lnsI,
				p0,
				p1;
	int			panels = 0;

	out->lnF0 = lnF0;
	if (!(T > tx))
	{
		out->lnK = lnF0;
		if (grad)
		{
			out->g[0] = -lT_a;
			out->g[1] = -A / (p->alpha + T);
			out->g[2] = -lT_b;
			out->g[3] = -p->s / (p->beta + T);
		}
		return;
	}
	pn_gl_init();
	c = Min(p->alpha, p->beta);
	d = Max(p->alpha, p->beta);
	u0 = log(c + tx);
	/* U = ln((c+T)/(c+tx)) without cancellation */
	U = log1p((T - tx) / (c + tx));
	lnf0 = -A * log(p->alpha + tx) - B * log(p->beta + tx) + u0;
	/*
	 * The integrand only falls: past a drop of PN_DROP (e^-PN_DROP of its
	 * value at t_x) the rest is below float8's resolution of the sum, so
	 * the range ends there (found by bisection on the monotone drop).
	 */
	end = U;
	if (pn_drop(p, A, B, c, tx, u0, lnf0, U) > PN_DROP)
	{
		double		lo = 0;

		for (int it = 0; it < 60 && end - lo > 1e-12 * end; it++)
		{
			double		mid = (lo + end) / 2;

			if (pn_drop(p, A, B, c, tx, u0, lnf0, mid) > PN_DROP)
				end = mid;
			else
				lo = mid;
		}
	}
	/*
	 * Panels.  In u the log of the integrand has the slope
	 * 1 - A (c+tau)/(alpha+tau) - B (c+tau)/(beta+tau), which falls
	 * monotonically; it turns (a logistic step in u) where c + tau reaches
	 * d - c, d = max(alpha, beta), and is analytic within pi of the real
	 * axis there (the poles of the step).  A panel's integrand changes by at
	 * most e^PN_PANEL_DROP (the larger slope at its two ends times its
	 * length), and its length is at most PN_NEAR or, away from the turn,
	 * in proportion to its distance from it, so that the 16-node rule
	 * converges as fast there as on a pure exponential.  Equal panels over
	 * the whole range missed the turn when r + x < 1 (the integrand rises
	 * before it falls) and alpha and beta are far apart: 5e-4 relative.
	 */
	turn = (d > c) ? log(d - c) - u0 : -HUGE_VAL;
	for (double from = 0; from < end && panels < PN_MAX_PANELS; panels++)
	{
		double		dist = fabs(from - turn),
					len;

		if (d == c)
			len = end - from;
		else if (from < turn)
			len = Max(PN_NEAR, dist * 2.0 / 3.0);
		else
			len = Max(PN_NEAR, dist * 2.0);
		len = Min(len, end - from);
		while (len * Max(fabs(pn_slope(p, A, B, c, tx, from)),
						 fabs(pn_slope(p, A, B, c, tx, from + len))) > PN_PANEL_DROP)
			len /= 2;
		if (panels == PN_MAX_PANELS - 1)
			len = end - from;	/* never reached; keeps the range whole */

		for (int j = 0; j < PN_NODES; j++)
		{
			double		du = from + len * pn_gl_x[j],
						tau = (c + tx) * exp(du) - c,
						la = (c == p->alpha) ? u0 + du : log(p->alpha + tau),
						lb = (c == p->beta) ? u0 + du : log(p->beta + tau),
						h;

			h = len * pn_gl_w[j] * exp(-A * la - B * lb + u0 + du - lnf0);
			sum += h;
			if (grad)
			{
				e_la += h * la;
				e_ia += h / (p->alpha + tau);
				e_lb += h * lb;
				e_ib += h / (p->beta + tau);
			}
		}
		from += len;
	}
	lnI = lnf0 + log(sum);
	lnsI = log(p->s) + lnI;
	{
		double		mx = Max(lnF0, lnsI);

		out->lnK = mx + log1p(exp(Min(lnF0, lnsI) - mx));
	}
	if (grad)
	{
		p0 = exp(lnF0 - out->lnK);
		p1 = exp(lnsI - out->lnK);
		out->g[0] = -p0 * lT_a - p1 * e_la / sum;
		out->g[1] = -A * (p0 / (p->alpha + T) + p1 * e_ia / sum);
		out->g[2] = -p0 * lT_b + p1 * (1.0 / p->s - e_lb / sum);
		out->g[3] = -p0 * p->s / (p->beta + T) - p1 * B * e_ib / sum;
	}
}

/* P(alive | x, t_x, T) = first term of K / K. */
static double
pn_p_alive(const QxPnParams *p, int32 x, double tx, double T)
{
	PnBracket	b;

	pn_bracket(p, x, tx, T, false, &b);
	return exp(b.lnF0 - b.lnK);
}

/* P(alive) for purchase_pmf.c (customer_fit_state.h), without the fmgr call. */
double
qx_paretonbd_p_alive(const QxPnParams *p, int32 x, double tx, double T)
{
	return pn_p_alive(p, x, tx, T);
}

/* ---------------------------------------------------------------------
 * The fit
 * ---------------------------------------------------------------------
 */

/* Minus ln L per customer at theta = ln(r, alpha, s, beta), and its gradient. */
static double
pn_negll(void *ctx, const double *theta, double *g)
{
	QxFitData  *d = (QxFitData *) ctx;
	QxPnParams	p;
	double		ll = 0,
				gr[PN_NPAR] = {0},
				lnalpha = theta[1],
				lnbeta = theta[3],
				lgr,
				dgr = 0,
				lgx = 0,
				dgx = 0;
	int32		prevx = -1;

	p.r = exp(theta[0]);
	p.alpha = exp(theta[1]);
	p.s = exp(theta[2]);
	p.beta = exp(theta[3]);
	d->evals++;
	lgr = lgamma(p.r);
	if (g)
		dgr = qx_digamma(p.r);
	for (int64 i = 0; i < d->n; i++)
	{
		const QxFitEntry *e = &d->e[i];
		double		w = (double) e->w;
		PnBracket	b;

		if ((i % QX_FIT_ROWS_PER_CHECK) == 0)
			CHECK_FOR_INTERRUPTS();
		if (e->x != prevx)
		{
			lgx = lgamma(p.r + e->x) - lgr;
			if (g)
				dgx = qx_digamma(p.r + e->x) - dgr;
			prevx = e->x;
		}
		pn_bracket(&p, e->x, e->tx, e->T, g != NULL, &b);
		ll += w * (lgx + p.r * lnalpha + p.s * lnbeta + b.lnK);
		if (g)
		{
			gr[0] += w * (dgx + lnalpha + b.g[0]);
			gr[1] += w * (p.r / p.alpha + b.g[1]);
			gr[2] += w * (lnbeta + b.g[2]);
			gr[3] += w * (p.s / p.beta + b.g[3]);
		}
	}
	if (g)
	{
		g[0] = -gr[0] * p.r / d->W;
		g[1] = -gr[1] * p.alpha / d->W;
		g[2] = -gr[2] * p.s / d->W;
		g[3] = -gr[3] * p.beta / d->W;
	}
	return -ll / d->W;
}

PG_FUNCTION_INFO_V1(paretonbd_fit_final);
/* paretonbd_fit_final(internal) -> paretonbd_model; NULL without customers */
Datum
paretonbd_fit_final(PG_FUNCTION_ARGS)
{
	/* start: r = s = 1, alpha from the mean rate (as bgnbd_fit), beta = alpha */
	static const QxFitSpec spec = {
		.name = "paretonbd_fit", .final_fn = "paretonbd_fit_final",
		.model = "paretonbd_model", .negll = pn_negll,
		.start_bound = PN_START_BOUND, .edge = PN_EDGE, .start_4_as_2 = true,
	};

	return qx_fit_four_final(fcinfo, &spec);
}

/* ---------------------------------------------------------------------
 * Using a model
 * ---------------------------------------------------------------------
 */

/* Read and check a paretonbd_model argument (also purchase_pmf.c's). */
void
qx_paretonbd_get_model(HeapTupleHeader th, QxPnParams *p)
{
	static const char *const names[PN_NPAR] = {"r", "alpha", "s", "beta"};
	double		v[PN_NPAR];

	qx_fit_read_params(th, "paretonbd_fit", names, PN_NPAR, v);
	p->r = v[0];
	p->alpha = v[1];
	p->s = v[2];
	p->beta = v[3];
}

PG_FUNCTION_INFO_V1(paretonbd_p_alive);
/* paretonbd_p_alive(model, frequency, recency, t) -> probability still active */
Datum
paretonbd_p_alive(PG_FUNCTION_ARGS)
{
	QxPnParams	p;
	int32		x = PG_GETARG_INT32(1);
	double		tx = PG_GETARG_FLOAT8(2),
				T = PG_GETARG_FLOAT8(3);

	qx_paretonbd_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &p);
	qx_fit_check_summary(x, tx, T);
	PG_RETURN_FLOAT8(pn_p_alive(&p, x, tx, T));
}

PG_FUNCTION_INFO_V1(paretonbd_expected);
/* paretonbd_expected(model, horizon, frequency, recency, t) -> E[Y(horizon) | x, t_x, T] */
Datum
paretonbd_expected(PG_FUNCTION_ARGS)
{
	QxPnParams	p;
	double		t = PG_GETARG_FLOAT8(1);
	int32		x = PG_GETARG_INT32(2);
	double		tx = PG_GETARG_FLOAT8(3),
				T = PG_GETARG_FLOAT8(4),
				q,
				l1p,
				life,
				v;

	qx_paretonbd_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &p);
	qx_require_finite(t, "horizon");
	if (t < 0)
		qx_bad_arg("horizon is a length of time in the unit of the summaries, such as 13 weeks.",
				   "horizon must not be negative, got %s", qx_float_str(t));
	qx_fit_check_summary(x, tx, T);
	if (t == 0)
		PG_RETURN_FLOAT8(0.0);

	/*
	 * life = [1 - (1 + h)^-(s-1)] / (s-1), h = t / (beta+T): the expected
	 * remaining lifetime within the horizon, in units of beta+T; ln(1+h) at
	 * s = 1.
	 */
	q = p.s - 1;
	l1p = log1p(t / (p.beta + T));
	if (fabs(q * l1p) < 1e-8)
		life = l1p * (1 - q * l1p / 2);
	else
		life = -expm1(-q * l1p) / q;
	/* (r+x)/(alpha+T) * (beta+T) * life * P(alive), in logarithms */
	v = exp(log(p.r + x) - log(p.alpha + T) + log(p.beta + T) + log(life)) *
		pn_p_alive(&p, x, tx, T);
	if (!isfinite(v))
		qx_bad_arg("The expected purchases exceed the range of float8: shorten the horizon.",
				   "horizon %s is too long for this model", qx_float_str(t));
	PG_RETURN_FLOAT8(v);
}

/* paretonbd_fit_merge(bgnbd_fit_state): bgnbd_fit's state, its own final */
QX_STATE_MERGE_ON(paretonbd_fit, bgnbd_fit, bgnbd_fit_merge_trans, bgnbd_fit_partial_final,
				  paretonbd_fit_final, bgnbd_fit_state_in, "1:");
