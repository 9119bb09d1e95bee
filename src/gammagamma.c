/*
 * gammagamma.c
 *		What a customer spends per purchase (SPEC §11): the Gamma-Gamma model
 *		of Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value",
 *		after Fader, Hardie & Lee (2005), "RFM and CLV", JMR 42(4).
 *
 * A customer's purchases have mean value zeta, gamma-distributed across
 * customers with shape q and rate gamma; each purchase is Gamma(p, nu) with
 * p / nu = zeta.  From x repeat purchases of mean m the model gives the
 * likelihood (Fader & Hardie 2013, eq. 3, summing over customers)
 *
 *   ln L = lnG(px+q) - lnG(px) - lnG(q) + q ln gamma + (px-1) ln m
 *          + px ln x - (px+q) ln(gamma + m x)
 *
 * and the expected mean spend E(M | x, m) = (gamma + m x) p / (p x + q - 1).
 *
 * The fit shares the purchase models' state (customer_fit_state.h): the same
 * multiset of distinct rows with counts, an entry (x, m) stored with m
 * in the spend field and t_x = 0, and the same combine, serialize, deserialize,
 * partial-final and merge functions; the optimizer is optimize.h.  Only
 * the transition (which keeps customers with x > 0 and m > 0), the final
 * fit and the I/O of gammagamma_fit_state are here.
 */
#include "postgres.h"

#include <errno.h>
#include <float.h>
#include <math.h>

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "aggregate.h"
#include "optimize.h"
#include "customer_fit_state.h"
#include "quota_ext.h"
#include "special_functions.h"
#include "state_codec.h"

#define GG_TYPE "gammagamma_fit_state"
#define GG_STATE_VERSION 1
#define GG_MODEL_FIELDS 6
#define GG_NPAR 3
/* A fit whose log-parameters end beyond +-GG_EDGE ran off to a boundary. */
#define GG_EDGE 18.0
#define GG_FIRST_CAPACITY 1024
/* The largest monetary * frequency a fit works with is 2^GG_MAX_MX_EXP. */
#define GG_MAX_MX_EXP 900
/* A fit runs in the unit of spend unless its geometric mean is beyond 2^+-this. */
#define GG_UNIT_EXP 30

/* ---------------------------------------------------------------------
 * Arguments
 * ---------------------------------------------------------------------
 */

double
qx_gammagamma_check_customer(int32 x, Datum monetary)
{
	double		m;
	char	   *text;

	if (x < 0)
		qx_bad_arg("frequency is the number of repeat purchases (purchase days minus 1), as btyd_summary returns it.",
				   "frequency must not be negative, got %d", x);
	qx_require_finite_amount(monetary);

	/*
	 * Through the text, as numeric_float8 does, but with a short message:
	 * numeric's own names the whole value, which may have 131072 digits.
	 * Below float8's range is 0 (or a subnormal) for a model of spend.
	 */
	text = DatumGetCString(DirectFunctionCall1(numeric_out, monetary));
	errno = 0;
	m = strtod(text, NULL);
	if (!isfinite(m) || (errno == ERANGE && fabs(m) >= 1))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("monetary is out of range for float8 (beyond 1e308 in magnitude)")));
	pfree(text);
	return m;
}

void
qx_gammagamma_get_model(HeapTupleHeader th, QxGgParams *g)
{
	static const char *const names[GG_NPAR] = {"p", "q", "gamma"};
	double		v[GG_NPAR];

	qx_fit_read_params(th, "gammagamma_fit", names, GG_NPAR, v);
	if (v[1] <= 1)
		qx_bad_arg("With q <= 1 the model's mean spend is infinite: the Gamma-Gamma model does not describe these customers (check for outlier amounts).",
				   "model field q must exceed 1 for an expected spend, got %s",
				   qx_float_str(v[1]));
	g->p = v[0];
	g->q = v[1];
	g->gamma = v[2];
}

double
qx_gammagamma_expected_spend(const QxGgParams *g, int32 x, double m)
{
	double		num,
				r;

	if (m < 0)
		qx_bad_arg("monetary is the mean amount of the repeat purchase days, as btyd_summary returns it.",
				   "monetary must not be negative, got %s", qx_float_str(m));
	/* p / (p x + q - 1) <= p / (q - 1) and <= 1 / x: finite */
	num = g->gamma + m * x;
	r = num * (g->p / (g->p * x + (g->q - 1.0)));
	if (!isfinite(r))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("expected spend is out of range for float8 (monetary %s, frequency %d)",
						qx_float_str(m), x),
				 errhint("The model's gamma times p / (q - 1), or monetary times frequency, exceeds 1e308.")));
	return r;
}

PG_FUNCTION_INFO_V1(gammagamma_expected_spend);
/* gammagamma_expected_spend(model, frequency, monetary) -> E(M | x, m) */
Datum
gammagamma_expected_spend(PG_FUNCTION_ARGS)
{
	QxGgParams	g;
	int32		x = PG_GETARG_INT32(1);
	double		m = qx_gammagamma_check_customer(x, PG_GETARG_DATUM(2));

	qx_gammagamma_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &g);
	PG_RETURN_FLOAT8(qx_gammagamma_expected_spend(&g, x, m));
}

/* ---------------------------------------------------------------------
 * The fit
 * ---------------------------------------------------------------------
 */

/* The data of a fit: per distinct x, and per entry what does not move. */
typedef struct GgData
{
	int			nx;				/* distinct x */
	double	   *xs,				/* x */
			   *lnx,			/* ln x */
			   *wx;				/* customers with that x */
	int64		n;				/* entries */
	int		   *k;				/* entry -> index of its x */
	double	   *mx,				/* m x */
			   *w;				/* customers with this (x, m) */
	double		s0,				/* sum w ln m */
				s1,				/* sum w x ln m */
				W;				/* customers */
	int			scale;			/* the data are m / 2^scale (gg_data_from_state) */
	double		lngm;			/* ln of the geometric mean of m / 2^scale */
} GgData;

/*
 * The objective (a QxObjective): minus ln L per customer at theta =
 * ln(p, q, gamma), and its gradient in theta.  Terms in x alone are summed
 * once per distinct x; per entry only ln(gamma + m x) is computed.
 */
static double
gg_negll(void *ctx, const double *theta, double *g)
{
	GgData	   *d = (GgData *) ctx;
	double		p = exp(theta[0]),
				q = exp(theta[1]),
				gam = exp(theta[2]),
				lngam = theta[2],
				ll,
				gp = 0,
				gq = 0,
				gg = 0,
				lgq = lgamma(q),
				dgq = g ? qx_digamma(q) : 0;

	ll = p * d->s1 - d->s0;
	if (g)
		gp = d->s1;
	for (int j = 0; j < d->nx; j++)
	{
		double		x = d->xs[j],
					px = p * x,
					w = d->wx[j];

		ll += w * (lgamma(px + q) - lgamma(px) - lgq + q * lngam + px * d->lnx[j]);
		if (g)
		{
			double		dpxq = qx_digamma(px + q);

			gp += w * x * (dpxq - qx_digamma(px) + d->lnx[j]);
			gq += w * (dpxq - dgq + lngam);
			gg += w * q / gam;
		}
	}
	for (int64 i = 0; i < d->n; i++)
	{
		double		x = d->xs[d->k[i]],
					l = log(gam + d->mx[i]),
					pxq = p * x + q;

		if ((i % QX_FIT_ROWS_PER_CHECK) == 0)
			CHECK_FOR_INTERRUPTS();
		ll -= d->w[i] * pxq * l;
		if (g)
		{
			gp -= d->w[i] * x * l;
			gq -= d->w[i] * l;
			gg -= d->w[i] * pxq / (gam + d->mx[i]);
		}
	}
	if (g)
	{
		g[0] = -gp * p / d->W;
		g[1] = -gq * q / d->W;
		g[2] = -gg * gam / d->W;
	}
	return -ll / d->W;
}

/* Lay out a compacted state (sorted by x, then m) for gg_negll. */
static void
gg_data_from_state(const QxFitAcc *acc, GgData *d)
{
	int64		cust = 0;

	memset(d, 0, sizeof(*d));

	/*
	 * The model is equivariant in the unit of spend: spends m / S give the
	 * same p and q, gamma / S, and ln L + W ln S.  The fit runs in a unit
	 * S = 2^scale (exact unless a spend falls below float8's normal range:
	 * then the spends span too wide a range for one fit, an error) chosen
	 * so that the geometric mean of the spends is near 1 when it is beyond
	 * 2^+-GG_UNIT_EXP, and so that no m x passes 2^GG_MAX_MX_EXP (issue 19:
	 * an m x that overflowed stopped the fit at its start values; spends
	 * of 1e200 kept gamma beyond the edge the fit takes as running off).
	 */
	{
		double		lnsum = 0,
					wsum = 0;
		int			need = INT_MIN / 2,
					gm;

		for (int64 i = 0; i < acc->n; i++)
		{
			int			em,
						ex;

			(void) frexp(acc->e[i].spend, &em);
			(void) frexp((double) acc->e[i].x, &ex);
			need = Max(need, em + ex - GG_MAX_MX_EXP);
			lnsum += (double) acc->e[i].w * log(acc->e[i].spend);
			wsum += (double) acc->e[i].w;
		}
		gm = (int) lround(lnsum / wsum / M_LN2);
		d->scale = Max(abs(gm) > GG_UNIT_EXP ? gm : 0, need);
		d->lngm = (gm - d->scale) * M_LN2;
	}
	d->xs = palloc_extended(sizeof(double) * acc->n, MCXT_ALLOC_HUGE);
	d->lnx = palloc_extended(sizeof(double) * acc->n, MCXT_ALLOC_HUGE);
	d->wx = palloc_extended(sizeof(double) * acc->n, MCXT_ALLOC_HUGE);
	d->k = palloc_extended(sizeof(int) * acc->n, MCXT_ALLOC_HUGE);
	d->mx = palloc_extended(sizeof(double) * acc->n, MCXT_ALLOC_HUGE);
	d->w = palloc_extended(sizeof(double) * acc->n, MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < acc->n; i++)
	{
		const QxFitEntry *e = &acc->e[i];
		double		x = e->x,
					m = ldexp(e->spend, -d->scale),
					w = (double) e->w;

		if (m < DBL_MIN)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("monetary %s is too small to fit beside a monetary * frequency of about 1e%d",
							qx_float_str(e->spend), (int) ((d->scale + GG_MAX_MX_EXP) * 0.30103)),
					 errhint("Fit customers of very different spend separately, or leave out the extreme ones.")));

		if ((i % QX_FIT_ROWS_PER_CHECK) == 0)
			CHECK_FOR_INTERRUPTS();
		cust = qx_fit_add_weight(cust, e->w);
		if (d->nx == 0 || d->xs[d->nx - 1] != x)
		{
			d->xs[d->nx] = x;
			d->lnx[d->nx] = log(x);
			d->wx[d->nx++] = 0;
		}
		d->wx[d->nx - 1] += w;
		d->k[i] = d->nx - 1;
		d->mx[i] = m * x;
		d->w[i] = w;
		d->s0 += w * log(m);
		d->s1 += w * x * log(m);
	}
	d->n = acc->n;
	d->W = (double) cust;
}

PG_FUNCTION_INFO_V1(gammagamma_fit_final);
/* gammagamma_fit_final(internal) -> gammagamma_model; NULL without customers */
Datum
gammagamma_fit_final(PG_FUNCTION_ARGS)
{
	QxFitAcc   *acc = PG_ARGISNULL(0) ? NULL : (QxFitAcc *) PG_GETARG_POINTER(0);
	TupleDesc	desc;
	Datum		values[GG_MODEL_FIELDS];
	bool		nulls[GG_MODEL_FIELDS] = {0};
	GgData		d;
	QxOptOptions opts;
	QxOptResult res;
	double		theta[GG_NPAR],
				summ = 0,
				ll;
	bool		conv;

	qx_agg_context(fcinfo, "gammagamma_fit_final");
	if (acc == NULL || acc->n == 0)
		PG_RETURN_NULL();
	desc = qx_result_desc(fcinfo);
	qx_fit_compact(acc);
	gg_data_from_state(acc, &d);

	/* start: p = q = 1 and gamma at the mean spend, the model's scale */
	for (int64 i = 0; i < d.n; i++)
		summ += d.w[i] * d.mx[i] / d.xs[d.k[i]];
	theta[0] = theta[1] = 0;
	theta[2] = log(summ / d.W);
	qx_opt_defaults(&opts, GG_NPAR);
	qx_minimize(gg_negll, &d, &opts, theta, &res);
	conv = res.converged;
	/* gamma carries the unit of spend: its edge is around the spends' scale */
	for (int k = 0; k < GG_NPAR; k++)
		if (fabs(theta[k] - (k == 2 ? d.lngm : 0)) > GG_EDGE)
			conv = false;
	ll = isfinite(res.f) ? -res.f * d.W : -get_float8_infinity();
	if (!isfinite(ll))
		conv = false;
	elog(DEBUG1, "gammagamma_fit: %.0f customers, %lld distinct, %d iterations, converged %d",
		 d.W, (long long) d.n, res.iterations, conv);

	if (d.scale != 0)
	{
		/* back to the unit of spend (gg_data_from_state) */
		theta[2] += d.scale * M_LN2;
		ll -= d.W * d.scale * M_LN2;
	}
	if (!isfinite(exp(theta[2])) || exp(theta[2]) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("the fitted gamma is out of range for float8 (about e^%.0f)", theta[2]),
				 errhint("Fit the spends in a larger or smaller unit (monetary times a power of ten).")));
	values[0] = Float8GetDatum(exp(theta[0]));
	values[1] = Float8GetDatum(exp(theta[1]));
	values[2] = Float8GetDatum(exp(theta[2]));
	values[3] = Float8GetDatum(ll);
	values[4] = Int64GetDatum((int64) d.W);
	values[5] = BoolGetDatum(conv);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

PG_FUNCTION_INFO_V1(gammagamma_fit_partial_final);
/*
 * gammagamma_fit_partial_final(internal) -> gammagamma_fit_state: the
 * shared state's flat form.  (The released 1.1--1.2 script binds the SQL
 * function to the C symbol bgnbd_fit_partial_finalfn, which does the same.)
 */
Datum
gammagamma_fit_partial_final(PG_FUNCTION_ARGS)
{
	return bgnbd_fit_partial_final(fcinfo);
}

PG_FUNCTION_INFO_V1(gammagamma_fit_trans);
/*
 * gammagamma_fit_trans(state internal, frequency int, monetary numeric)
 * Not strict: rows with a NULL argument are skipped, and so are customers
 * without repeat purchases or with monetary <= 0 (SPEC §11); a negative
 * frequency or a NaN is an error.
 */
Datum
gammagamma_fit_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "gammagamma_fit_trans");
	QxFitAcc   *acc = PG_ARGISNULL(0) ? NULL : (QxFitAcc *) PG_GETARG_POINTER(0);
	int32		x;
	double		m;

	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2))
	{
		x = PG_GETARG_INT32(1);
		m = qx_gammagamma_check_customer(x, PG_GETARG_DATUM(2));
		if (x > 0 && m > 0)
		{
			MemoryContext old = MemoryContextSwitchTo(ctx);

			if (acc == NULL)
				acc = qx_fit_acc_new(GG_FIRST_CAPACITY);
			qx_fit_append_spend(acc, x, m, 1);
			MemoryContextSwitchTo(old);
		}
	}
	if (acc == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(acc);
}

/* ---------------------------------------------------------------------
 * gammagamma_fit_state: the varlena of qx_fit_flatten, entries (x, 0, m, w).
 * Text "1:" then "(frequency,monetary,customers)" entries separated by
 * commas; binary int32 version, int64 count, then per entry int32
 * frequency, float8 monetary, int64 customers.
 * ---------------------------------------------------------------------
 */

#define GG_WIRE_ENTRY_BYTES (4 + 8 + 8)

/* Why an entry read from outside is not one the transition could make. */
static const char *
gg_entry_problem(int64 x, double m, int64 w)
{
	if (x < 1 || x > PG_INT32_MAX)
		return "frequency must be a positive int";
	if (!isfinite(m) || m <= 0)
		return "monetary must be a positive finite number";
	if (w <= 0)
		return "the customer count must be positive";
	return NULL;
}

PG_FUNCTION_INFO_V1(gammagamma_fit_state_in);
Datum
gammagamma_fit_state_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	QxTextParser tp;
	QxFitAcc   *acc = qx_fit_acc_new(16);

	qx_text_begin(&tp, str, GG_TYPE,
				  "Pass a value that gammagamma_fit_partial returned, such as \"1:(2,30.5,1)\".");
	if (qx_text_read_int64(&tp, "The version", 0, PG_INT32_MAX) != GG_STATE_VERSION)
		qx_bad_text(&tp, psprintf("This build reads version %d.", GG_STATE_VERSION));
	qx_text_expect(&tp, ":");
	qx_text_skip_space(&tp);
	while (!qx_text_at_end(&tp))
	{
		int64		x,
					w;
		double		m;
		const char *why;

		if ((acc->n % QX_FIT_ROWS_PER_CHECK) == 0)
			CHECK_FOR_INTERRUPTS();
		if (acc->n > 0)
			qx_text_expect(&tp, ",");
		qx_text_expect(&tp, "(");
		x = qx_text_read_int64(&tp, "frequency", 1, PG_INT32_MAX);
		qx_text_expect(&tp, ",");
		m = qx_text_read_float8(&tp, "monetary");
		qx_text_expect(&tp, ",");
		w = qx_text_read_int64(&tp, "The customer count", 1, PG_INT64_MAX);
		qx_text_expect(&tp, ")");
		if ((why = gg_entry_problem(x, m, w)) != NULL)
			qx_bad_text(&tp, psprintf("Entry %lld: %s.", (long long) acc->n + 1, why));
		qx_fit_append_spend(acc, (int32) x, m, w);
		qx_text_skip_space(&tp);
	}
	PG_RETURN_POINTER(qx_fit_flatten(acc));
}

PG_FUNCTION_INFO_V1(gammagamma_fit_state_out);
Datum
gammagamma_fit_state_out(PG_FUNCTION_ARGS)
{
	QxFitAcc   *acc = qx_fit_unflatten(PG_GETARG_BYTEA_P(0));
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%d:", GG_STATE_VERSION);
	for (int64 i = 0; i < acc->n; i++)
	{
		if ((i % QX_FIT_ROWS_PER_CHECK) == 0)
			CHECK_FOR_INTERRUPTS();
		appendStringInfo(&buf, "%s(%d,", i > 0 ? "," : "", acc->e[i].x);
		qx_append_float8(&buf, acc->e[i].spend);
		appendStringInfo(&buf, ",%lld)", (long long) acc->e[i].w);
	}
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(gammagamma_fit_state_send);
Datum
gammagamma_fit_state_send(PG_FUNCTION_ARGS)
{
	QxFitAcc   *acc = qx_fit_unflatten(PG_GETARG_BYTEA_P(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, GG_STATE_VERSION);
	pq_sendint64(&buf, acc->n);
	for (int64 i = 0; i < acc->n; i++)
	{
		if ((i % QX_FIT_ROWS_PER_CHECK) == 0)
			CHECK_FOR_INTERRUPTS();
		pq_sendint32(&buf, acc->e[i].x);
		pq_sendfloat8(&buf, acc->e[i].spend);
		pq_sendint64(&buf, acc->e[i].w);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(gammagamma_fit_state_recv);
Datum
gammagamma_fit_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	QxReader	r;
	int64		n;
	QxFitAcc   *acc;

	qx_reader_init(&r, msg->data + msg->cursor, msg->len - msg->cursor, GG_TYPE);
	if (qx_get_int32(&r) != GG_STATE_VERSION)
		qx_bad_binary(&r, psprintf("this build reads version %d", GG_STATE_VERSION));
	n = qx_get_int64(&r);
	if (n < 0 || n != qx_reader_remaining(&r) / GG_WIRE_ENTRY_BYTES)
		qx_bad_binary(&r, "the entry count does not match the length");
	acc = qx_fit_acc_new(n);
	for (int64 i = 0; i < n; i++)
	{
		int32		x = qx_get_int32(&r);
		double		m = qx_get_float8(&r);
		int64		w = qx_get_int64(&r);
		const char *why = gg_entry_problem(x, m, w);

		if ((i % QX_FIT_ROWS_PER_CHECK) == 0)
			CHECK_FOR_INTERRUPTS();
		if (why)
			qx_bad_binary(&r, psprintf("entry %lld: %s", (long long) i + 1, why));
		qx_fit_append_spend(acc, x, m, w);
	}
	qx_get_end(&r);
	msg->cursor = msg->len;
	PG_RETURN_POINTER(qx_fit_flatten(acc));
}

/* gammagamma_fit_merge: bgnbd_fit's working state, its own type and final */
QX_STATE_MERGE_ON(gammagamma_fit, gammagamma_fit, bgnbd_fit_merge_trans, gammagamma_fit_partial_final,
				  gammagamma_fit_final, gammagamma_fit_state_in, "1:");
