/*
 * mbgnbd.c
 *		The modified BG/NBD model (SPEC §18; Batislam, Denizel & Filiztekin
 *		2007, "Empirical validation and comparison of models for customer
 *		base analysis", IJRM 24(3):201-209; lifetimes' ModifiedBetaGeoFitter):
 *		as BG/NBD, but a customer may also drop out right after the first
 *		purchase, so a one-time buyer's P(alive) is below 1.
 *
 * For a customer with x repeat purchases, the last at t_x, observed for T:
 *
 *   L = G(r+x) alpha^r / G(r) [ B(a, b+x+1)/B(a, b) (alpha+T)^-(r+x)
 *                             + B(a+1, b+x)/B(a, b) (alpha+t_x)^-(r+x) ],
 *   P(alive) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)),
 *   E[Y(t) | x, t_x, T] = P(alive) N(a, b+x+1, r+x, t/(alpha+T)),
 *
 * N the Beta-mixture expectation of bgnbd_likelihood.c (qx_bgnbd_expect): alive
 * after x+1 purchases, the dropout probability is Beta(a, b+x+1).
 *
 * The fit keeps bgnbd_fit's state (customer_fit_state.h), as the Gamma-Gamma and
 * Pareto/NBD fits do: mbgnbd_fit_partial returns a bgnbd_fit_state, and a
 * state from bgnbd_fit_partial, paretonbd_fit_partial or
 * mbgnbd_fit_partial feeds mbgnbd_fit_merge.
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

#define MB_NPAR 4
/* A fit whose log-parameters end beyond +-MB_EDGE ran off to a boundary. */
#define MB_EDGE 18.0
#define MB_START_BOUND 20.0

/* ln of the odds a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x) of having dropped out */
static inline double
mb_log_odds(const QxBgParams *p, int32 x, double tx, double T)
{
	return log(p->a) - log(p->b + x) + (p->r + x) * log1p((T - tx) / (p->alpha + tx));
}

static double
mb_p_alive(const QxBgParams *p, int32 x, double tx, double T)
{
	return exp(-qx_softplus(mb_log_odds(p, x, tx, T)));
}

/* ---------------------------------------------------------------------
 * The fit
 * ---------------------------------------------------------------------
 */

/* Minus ln L per customer at theta = ln(r, alpha, a, b), and its gradient. */
static double
mb_negll(void *ctx, const double *theta, double *g)
{
	QxFitData  *d = (QxFitData *) ctx;
	QxBgParams	p;
	double		ll = 0,
				gr[MB_NPAR] = {0},
				lna,
				lgr,
				lgab,
				lgb,
				dgr = 0,
				dgab = 0,
				dgb = 0,
				cx = 0,
				dcx_r = 0,
				dcx_a = 0,
				dcx_b = 0,
				lnb = 0;
	int32		prevx = -1;

	p.r = exp(theta[0]);
	p.alpha = exp(theta[1]);
	p.a = exp(theta[2]);
	p.b = exp(theta[3]);
	d->evals++;
	lna = theta[1];
	lgr = lgamma(p.r);
	lgab = lgamma(p.a + p.b);
	lgb = lgamma(p.b);
	if (g)
	{
		dgr = qx_digamma(p.r);
		dgab = qx_digamma(p.a + p.b);
		dgb = qx_digamma(p.b);
	}
	for (int64 i = 0; i < d->n; i++)
	{
		const QxFitEntry *e = &d->e[i];
		double		w = (double) e->w,
					rx,
					lT,
					dl,
					z,
					ez,
					sg;

		if ((i % QX_FIT_ROWS_PER_CHECK) == 0)
			CHECK_FOR_INTERRUPTS();
		if (e->x != prevx)
		{
			/* the terms that depend on x only (entries are sorted by x) */
			cx = lgamma(p.r + e->x) - lgr + lgab + lgamma(p.b + e->x + 1) - lgb -
				lgamma(p.a + p.b + e->x + 1);
			if (g)
			{
				dcx_r = qx_digamma(p.r + e->x) - dgr;
				dcx_a = dgab - qx_digamma(p.a + p.b + e->x + 1);
				dcx_b = dgab + qx_digamma(p.b + e->x + 1) - dgb -
					qx_digamma(p.a + p.b + e->x + 1);
			}
			lnb = theta[2] - log(p.b + e->x);	/* ln(a / (b + x)) */
			prevx = e->x;
		}
		rx = p.r + e->x;
		lT = log(p.alpha + e->T);
		dl = log1p((e->T - e->tx) / (p.alpha + e->tx));
		z = lnb + rx * dl;
		/* softplus(z) and its slope, the logistic of z, from one exp */
		ez = exp(-fabs(z));
		ll += w * (cx + p.r * lna - rx * lT + Max(z, 0.0) + log1p(ez));
		if (g)
		{
			sg = z > 0 ? 1 / (1 + ez) : ez / (1 + ez);
			gr[0] += w * (dcx_r + lna - lT + sg * dl);
			gr[1] += w * (p.r / p.alpha - rx / (p.alpha + e->T) +
						  sg * rx * (1 / (p.alpha + e->T) - 1 / (p.alpha + e->tx)));
			gr[2] += w * (dcx_a + sg / p.a);
			gr[3] += w * (dcx_b - sg / (p.b + e->x));
		}
	}
	if (g)
	{
		g[0] = -gr[0] * p.r / d->W;
		g[1] = -gr[1] * p.alpha / d->W;
		g[2] = -gr[2] * p.a / d->W;
		g[3] = -gr[3] * p.b / d->W;
	}
	return -ll / d->W;
}

PG_FUNCTION_INFO_V1(mbgnbd_fit_final);
/* mbgnbd_fit_final(internal) -> mbgnbd_model; NULL without customers */
Datum
mbgnbd_fit_final(PG_FUNCTION_ARGS)
{
	/*
	 * Start as bgnbd_fit: r = a = b = 1, alpha from the mean rate.  Data
	 * without a maximum (no dropout to see: a and b run off together)
	 * would otherwise spend the full 5000 Nelder-Mead iterations there;
	 * fewer bound the time of such a fit to about 2000 evaluations, and
	 * it reports converged = false all the same.
	 */
	static const QxFitSpec spec = {
		.name = "mbgnbd_fit", .final_fn = "mbgnbd_fit_final",
		.model = "mbgnbd_model", .negll = mb_negll,
		.start_bound = MB_START_BOUND, .edge = MB_EDGE, .start_4_as_2 = false,
		.max_iter = 200, .nm_max_iter = 1000, .check_natts = true, .clamp_exp = true,
	};

	return qx_fit_four_final(fcinfo, &spec);
}

/* ---------------------------------------------------------------------
 * Using a model
 * ---------------------------------------------------------------------
 */

static void
mb_get_model(HeapTupleHeader th, QxBgParams *p)
{
	static const char *const names[MB_NPAR] = {"r", "alpha", "a", "b"};
	double		v[MB_NPAR];

	qx_fit_read_params(th, "mbgnbd_fit", names, MB_NPAR, v);
	p->r = v[0];
	p->alpha = v[1];
	p->a = v[2];
	p->b = v[3];
}

PG_FUNCTION_INFO_V1(mbgnbd_p_alive);
/* mbgnbd_p_alive(model, frequency, recency, t) -> probability still active */
Datum
mbgnbd_p_alive(PG_FUNCTION_ARGS)
{
	QxBgParams	p;
	int32		x = PG_GETARG_INT32(1);
	double		tx = PG_GETARG_FLOAT8(2),
				T = PG_GETARG_FLOAT8(3);

	mb_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &p);
	qx_fit_check_summary(x, tx, T);
	PG_RETURN_FLOAT8(mb_p_alive(&p, x, tx, T));
}

PG_FUNCTION_INFO_V1(mbgnbd_expected);
/* mbgnbd_expected(model, horizon, frequency, recency, t) -> E[Y(horizon) | x, t_x, T] */
Datum
mbgnbd_expected(PG_FUNCTION_ARGS)
{
	QxBgParams	p;
	double		horizon = PG_GETARG_FLOAT8(1);
	int32		x = PG_GETARG_INT32(2);
	double		tx = PG_GETARG_FLOAT8(3),
				T = PG_GETARG_FLOAT8(4);

	mb_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &p);
	qx_bgnbd_check_params(&p);
	qx_require_finite(horizon, "horizon");
	if (horizon < 0)
		qx_bad_arg("horizon is a length of time in the unit of the summaries, such as 13 weeks.",
				   "horizon must not be negative, got %s", qx_float_str(horizon));
	qx_fit_check_summary(x, tx, T);
	PG_RETURN_FLOAT8(mb_p_alive(&p, x, tx, T) *
					 qx_bgnbd_expect(p.a, p.b + x + 1.0, p.r + x, horizon / (p.alpha + T), horizon));
}

/* mbgnbd_fit_merge(bgnbd_fit_state): bgnbd_fit's state, its own final */
QX_STATE_MERGE_ON(mbgnbd_fit, bgnbd_fit, bgnbd_fit_merge_trans, bgnbd_fit_partial_final,
				  mbgnbd_fit_final, bgnbd_fit_state_in, "1:");
