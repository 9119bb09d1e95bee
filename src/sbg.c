/*
 * sbg.c
 *		The shifted-beta-geometric model of contract retention (SPEC §18;
 *		Fader & Hardie 2007, "How to Project Customer Retention", Journal of
 *		Interactive Marketing 21(1):76-90): each customer renews at the end
 *		of every period with a probability 1 - theta of their own, theta ~
 *		Beta(alpha, beta).  Then
 *
 *		  S(t) = B(alpha, beta+t) / B(alpha, beta),
 *		  retention r(t) = S(t) / S(t-1) = (beta+t-1) / (alpha+beta+t-1),
 *		  P(T = t) = S(t-1) - S(t) = S(t-1) alpha / (alpha+beta+t-1),
 *
 *		and a cohort of n_0 customers with n_t left after period t has
 *		ln L = sum_t (n_(t-1) - n_t) ln P(T = t) + n_m ln S(m) (paper eq. 5).
 *
 * sbg_fit(period, survivors) is an aggregate over one cohort's rows; its
 * state is the set of (period, survivors) pairs, kept sorted and distinct:
 * a period given twice with the same count counts once (so the states of
 * shards that share rows merge), with different counts is an error.  The
 * final function wants periods 0..m without a gap and counts that never
 * increase.
 *
 * Binary form (and sbg_fit_state): byte version 1, int32 count, then per
 * pair int32 period, int64 survivors, by period.  Text form:
 * "1:(0,1000),(1,869)".
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "access/htup_details.h"
#include "common/int.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "aggregate.h"
#include "customer_fit_state.h"
#include "optimize.h"
#include "quota_ext.h"

#define SBG_VERSION 1
#define SBG_TYPE "sbg_fit_state"
#define SBG_MODEL_FIELDS 5
/* The longest cohort history: a century of days. */
#define SBG_MAX_PERIOD 36500
#define SBG_WIRE_PAIR (4 + 8)
/* A fit whose log-parameters end beyond +-SBG_EDGE ran off to a boundary. */
#define SBG_EDGE 18.0

typedef struct SbgPair
{
	int64		n;				/* survivors at the end of period */
	int32		period;
	int32		pad;
} SbgPair;

typedef struct SbgState
{
	int32		count;			/* pairs in use */
	int32		cap;
	bool		sorted;			/* p[0..count) sorted and distinct */
	SbgPair    *p;
} SbgState;

static SbgState *
sbg_new(MemoryContext ctx, int32 cap)
{
	SbgState   *st = MemoryContextAllocZero(ctx, sizeof(SbgState));

	st->cap = Max(cap, 8);
	st->p = MemoryContextAlloc(ctx, sizeof(SbgPair) * st->cap);
	st->sorted = true;
	return st;
}

static const char *
sbg_pair_problem(int64 period, int64 n)
{
	if (period < 0)
		return "period must not be negative";
	if (period > SBG_MAX_PERIOD)
		return "period must be at most 36500";
	if (n < 0)
		return "survivors must not be negative";
	return NULL;
}

static void
sbg_check_row(int32 period, int64 n)
{
	if (period < 0)
		qx_bad_arg("period 0 is the cohort's starting count, then 1, 2, ... the periods after it.",
				   "period must not be negative, got %d", period);
	if (period > SBG_MAX_PERIOD)
		qx_bad_arg("period counts the renewal periods since the cohort started.",
				   "period must be at most %d, got %d", SBG_MAX_PERIOD, period);
	if (n < 0)
		qx_bad_arg("survivors is the number of customers still active at the end of the period.",
				   "survivors must not be negative, got " INT64_FORMAT, n);
}

/* Append a pair, in st's context. */
static void
sbg_append(SbgState *st, int32 period, int64 n, MemoryContext ctx)
{
	if (st->count >= st->cap)
	{
		int32		cap = st->cap * 2;
		SbgPair    *np;

		/* sbg_add compacts before count passes 2 (SBG_MAX_PERIOD + 1) */
		if (cap > 4 * (SBG_MAX_PERIOD + 1))
			cap = 4 * (SBG_MAX_PERIOD + 1);
		np = MemoryContextAlloc(ctx, sizeof(SbgPair) * cap);
		memcpy(np, st->p, sizeof(SbgPair) * st->count);
		pfree(st->p);
		st->p = np;
		st->cap = cap;
	}
	if (st->count > 0 && st->sorted && st->p[st->count - 1].period >= period)
		st->sorted = false;
	st->p[st->count].period = period;
	st->p[st->count].n = n;
	st->p[st->count].pad = 0;
	st->count++;
}

static int
sbg_pair_cmp(const void *a, const void *b)
{
	const SbgPair *x = a,
			   *y = b;

	if (x->period != y->period)
		return x->period < y->period ? -1 : 1;
	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return 0;
}

/* Sort and drop repeated pairs; two counts for one period are an error. */
static void
sbg_compact(SbgState *st)
{
	int32		k = 0;

	if (st->sorted)
		return;
	qsort(st->p, st->count, sizeof(SbgPair), sbg_pair_cmp);
	for (int32 i = 0; i < st->count; i++)
	{
		if (k > 0 && st->p[k - 1].period == st->p[i].period)
		{
			if (st->p[k - 1].n != st->p[i].n)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("sbg_fit: period %d has two survivor counts, " INT64_FORMAT " and " INT64_FORMAT,
								st->p[i].period, st->p[k - 1].n, st->p[i].n),
						 errhint("sbg_fit takes one cohort: one row per period.")));
			continue;
		}
		st->p[k++] = st->p[i];
	}
	st->count = k;
	st->sorted = true;
}

/* Add a pair, compacting when the array would outgrow the distinct periods. */
static void
sbg_add(SbgState *st, int32 period, int64 n, MemoryContext ctx)
{
	if (st->count >= 2 * (SBG_MAX_PERIOD + 1))
		sbg_compact(st);
	sbg_append(st, period, n, ctx);
}

static bytea *
sbg_encode(SbgState *st)
{
	StringInfoData buf;

	sbg_compact(st);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, SBG_VERSION);
	pq_sendint32(&buf, st->count);
	for (int32 i = 0; i < st->count; i++)
	{
		pq_sendint32(&buf, st->p[i].period);
		pq_sendint64(&buf, st->p[i].n);
	}
	return pq_endtypsend(&buf);
}

static SbgState *
sbg_decode(const char *data, int len, MemoryContext ctx)
{
	QxReader	r;
	int32		count;
	SbgState   *st;

	qx_reader_begin(&r, data, len, SBG_TYPE, SBG_VERSION);
	count = qx_get_int32(&r);
	if (count < 0 || count > SBG_MAX_PERIOD + 1 ||
		qx_reader_remaining(&r) != count * SBG_WIRE_PAIR)
		qx_bad_binary(&r, psprintf("the header says %d pairs but %d bytes follow (%d per pair)",
								   count, qx_reader_remaining(&r), SBG_WIRE_PAIR));
	st = sbg_new(ctx, count);
	for (int32 i = 0; i < count; i++)
	{
		int32		period = qx_get_int32(&r);
		int64		n = qx_get_int64(&r);
		const char *why = sbg_pair_problem(period, n);

		if (why)
			qx_bad_binary(&r, psprintf("pair %d: %s", i + 1, why));
		if (i > 0 && st->p[i - 1].period >= period)
			qx_bad_binary(&r, psprintf("pair %d: periods must increase", i + 1));
		sbg_append(st, period, n, ctx);
	}
	qx_get_end(&r);
	return st;
}

static void
sbg_combine_into(SbgState *st, SbgState *in, MemoryContext ctx)
{
	for (int32 i = 0; i < in->count; i++)
		sbg_add(st, in->p[i].period, in->p[i].n, ctx);
	sbg_compact(st);
}

static SbgState *
sbg_copy(SbgState *src, MemoryContext ctx)
{
	SbgState   *st = sbg_new(ctx, src->count);

	sbg_combine_into(st, src, ctx);
	return st;
}

/* combine, serialize, ..., state_recv/send: see aggregate.h */
QX_STATE_SUPPORT(sbg_fit, SbgState, sbg_encode, sbg_decode, sbg_copy, sbg_combine_into);

PG_FUNCTION_INFO_V1(sbg_fit_trans);
/* sbg_fit_trans(internal, period int, survivors bigint); NULL rows are skipped */
Datum
sbg_fit_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "sbg_fit_trans");
	SbgState   *st = PG_ARGISNULL(0) ? NULL : (SbgState *) PG_GETARG_POINTER(0);
	int32		period;
	int64		n;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	period = PG_GETARG_INT32(1);
	n = PG_GETARG_INT64(2);
	sbg_check_row(period, n);
	if (st == NULL)
		st = sbg_new(ctx, 16);
	sbg_add(st, period, n, ctx);
	PG_RETURN_POINTER(st);
}

/* ---------------------------------------------------------------------
 * The fit
 * ---------------------------------------------------------------------
 */

typedef struct SbgData
{
	int32		m;				/* last period */
	const double *lost;			/* lost[t], t = 1..m: n_(t-1) - n_t */
	double		left;			/* n_m */
	double		n0;
} SbgData;

/* Minus ln L per starting customer at theta = ln(alpha, beta), and its gradient. */
static double
sbg_negll(void *ctx, const double *theta, double *g)
{
	SbgData    *d = (SbgData *) ctx;
	double		al = exp(theta[0]),
				be = exp(theta[1]),
				lS = 0,
				dSa = 0,
				dSb = 0,
				ll = 0,
				ga = 0,
				gb = 0;

	for (int32 t = 1; t <= d->m; t++)
	{
		double		den = al + be + t - 1;

		if (d->lost[t] > 0)
		{
			/* ln P(T = t) = ln S(t-1) + ln alpha - ln(alpha+beta+t-1) */
			ll += d->lost[t] * (lS + theta[0] - log(den));
			ga += d->lost[t] * (dSa + 1 / al - 1 / den);
			gb += d->lost[t] * (dSb - 1 / den);
		}
		lS += log((be + t - 1) / den);
		dSa -= 1 / den;
		dSb += 1 / (be + t - 1) - 1 / den;
	}
	if (d->left > 0)
	{
		ll += d->left * lS;
		ga += d->left * dSa;
		gb += d->left * dSb;
	}
	if (g)
	{
		g[0] = -ga * al / d->n0;
		g[1] = -gb * be / d->n0;
	}
	return -ll / d->n0;
}

PG_FUNCTION_INFO_V1(sbg_fit_final);
/* sbg_fit_final(internal) -> sbg_model; NULL without rows */
Datum
sbg_fit_final(PG_FUNCTION_ARGS)
{
	SbgState   *st = PG_ARGISNULL(0) ? NULL : (SbgState *) PG_GETARG_POINTER(0);
	TupleDesc	desc;
	Datum		values[SBG_MODEL_FIELDS];
	bool		nulls[SBG_MODEL_FIELDS] = {0};
	SbgData		d;
	double	   *lost;
	double		theta[2] = {0, 0};
	QxOptOptions opts;
	QxOptResult res;
	bool		conv,
				churn = false;
	int32		m;

	qx_agg_context(fcinfo, "sbg_fit_final");
	if (st == NULL || st->count == 0)
		PG_RETURN_NULL();
	sbg_compact(st);
	desc = qx_result_desc(fcinfo);
	m = st->count - 1;
	for (int32 i = 0; i < st->count; i++)
	{
		if (st->p[i].period != i)
			qx_bad_arg("sbg_fit wants one row for every period from 0 (the starting count) to the last.",
					   i == 0 ? "sbg_fit: period 0 (the starting count) is missing, the first period is %d"
					   : "sbg_fit: period %d is missing", i == 0 ? st->p[0].period : i);
		if (i > 0 && st->p[i].n > st->p[i - 1].n)
			qx_bad_arg("survivors must not increase: customers who left do not come back in this model.",
					   "sbg_fit: survivors increase from " INT64_FORMAT " in period %d to " INT64_FORMAT " in period %d",
					   st->p[i - 1].n, i - 1, st->p[i].n, i);
	}
	lost = palloc0(sizeof(double) * (m + 1));
	for (int32 t = 1; t <= m; t++)
	{
		lost[t] = (double) (st->p[t - 1].n - st->p[t].n);
		if (lost[t] > 0)
			churn = true;
	}
	d.m = m;
	d.lost = lost;
	d.left = (double) st->p[m].n;
	d.n0 = (double) st->p[0].n;

	if (m == 0 || d.n0 == 0)
	{
		/* nothing to learn from: the start, unconverged */
		values[0] = Float8GetDatum(1.0);
		values[1] = Float8GetDatum(1.0);
		values[2] = Float8GetDatum(0.0);
		conv = false;
	}
	else
	{
		qx_opt_defaults(&opts, 2);
		qx_minimize(sbg_negll, &d, &opts, theta, &res);
		conv = res.converged && churn && d.left > 0 && isfinite(res.f);
		for (int k = 0; k < 2; k++)
			if (!isfinite(theta[k]) || fabs(theta[k]) > SBG_EDGE)
				conv = false;
		values[0] = Float8GetDatum(exp(Max(-700.0, Min(700.0, theta[0]))));
		values[1] = Float8GetDatum(exp(Max(-700.0, Min(700.0, theta[1]))));
		values[2] = Float8GetDatum(isfinite(res.f) ? -res.f * d.n0 : -get_float8_infinity());
	}
	values[3] = Int32GetDatum(m);
	values[4] = BoolGetDatum(conv);
	pfree(lost);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* ---------------------------------------------------------------------
 * sbg_fit_state text I/O
 * ---------------------------------------------------------------------
 */

#define SBG_TEXT_HINT "Pass a value that sbg_fit_partial returned, such as \"1:(0,1000),(1,869)\"."

PG_FUNCTION_INFO_V1(sbg_fit_state_in);
/* "1:" then "(period,survivors)" pairs separated by commas, any order */
Datum
sbg_fit_state_in(PG_FUNCTION_ARGS)
{
	QxTextParser tp;
	int64		version;
	SbgState   *st = sbg_new(CurrentMemoryContext, 16);

	qx_text_begin(&tp, PG_GETARG_CSTRING(0), SBG_TYPE, SBG_TEXT_HINT);
	qx_text_skip_space(&tp);
	version = qx_text_read_int64(&tp, "The version", PG_INT32_MIN, PG_INT32_MAX);
	if (version != SBG_VERSION)
		qx_bad_text(&tp, psprintf("Version %lld is not supported; this build reads version %d.",
								  (long long) version, SBG_VERSION));
	qx_text_skip_space(&tp);
	qx_text_expect(&tp, ":");
	qx_text_skip_space(&tp);
	while (!qx_text_at_end(&tp))
	{
		int64		period,
					n;
		const char *why;

		if (st->count > 0)
		{
			qx_text_expect(&tp, ",");
			qx_text_skip_space(&tp);
		}
		if (st->count > SBG_MAX_PERIOD)
			qx_bad_text(&tp, "Too many pairs.");
		qx_text_expect(&tp, "(");
		qx_text_skip_space(&tp);
		period = qx_text_read_int64(&tp, "The period", PG_INT32_MIN, PG_INT32_MAX);
		qx_text_skip_space(&tp);
		qx_text_expect(&tp, ",");
		qx_text_skip_space(&tp);
		n = qx_text_read_int64(&tp, "The survivor count", PG_INT64_MIN, PG_INT64_MAX);
		qx_text_skip_space(&tp);
		qx_text_expect(&tp, ")");
		qx_text_skip_space(&tp);
		why = sbg_pair_problem(period, n);
		if (why)
			qx_bad_text(&tp, psprintf("Pair %d: %s.", st->count + 1, why));
		sbg_append(st, (int32) period, n, CurrentMemoryContext);
	}
	/* two counts for one period: the same 22P02 as any other bad text */
	if (!st->sorted)
	{
		qsort(st->p, st->count, sizeof(SbgPair), sbg_pair_cmp);
		for (int32 i = 1; i < st->count; i++)
			if (st->p[i].period == st->p[i - 1].period && st->p[i].n != st->p[i - 1].n)
				qx_bad_text(&tp, psprintf("Period %d has two survivor counts.", st->p[i].period));
		st->sorted = false;
	}
	PG_RETURN_BYTEA_P(sbg_encode(st));
}

PG_FUNCTION_INFO_V1(sbg_fit_state_out);
Datum
sbg_fit_state_out(PG_FUNCTION_ARGS)
{
	SbgState   *st = qx_state_from_datum(PG_GETARG_DATUM(0), sbg_fit_decode_any);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%d:", SBG_VERSION);
	for (int32 i = 0; i < st->count; i++)
		appendStringInfo(&buf, "%s(%d," INT64_FORMAT ")", i > 0 ? "," : "",
						 st->p[i].period, st->p[i].n);
	PG_RETURN_CSTRING(buf.data);
}

/* ---------------------------------------------------------------------
 * Using a model
 * ---------------------------------------------------------------------
 */

static void
sbg_get_model(HeapTupleHeader th, double *al, double *be)
{
	static const char *const names[2] = {"alpha", "beta"};
	double		v[2];

	qx_fit_read_params(th, "sbg_fit", names, 2, v);
	*al = v[0];
	*be = v[1];
}

PG_FUNCTION_INFO_V1(sbg_retention);
/* sbg_retention(model, period) -> (beta + t - 1) / (alpha + beta + t - 1), t >= 1 */
Datum
sbg_retention(PG_FUNCTION_ARGS)
{
	double		al,
				be;
	int32		t = PG_GETARG_INT32(1);

	sbg_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &al, &be);
	if (t < 1)
		qx_bad_arg("The retention rate of period t is the share of those active at the start of period t who renew at its end; periods start at 1.",
				   "period must be at least 1, got %d", t);
	/* 1 - alpha / (alpha + beta + t - 1): in [0, 1] without rounding past it */
	PG_RETURN_FLOAT8(Min(1.0, Max(0.0, (be + (t - 1.0)) / (al + be + (t - 1.0)))));
}

PG_FUNCTION_INFO_V1(sbg_survival);
/* sbg_survival(model, period) -> S(t) = B(alpha, beta+t) / B(alpha, beta), S(0) = 1 */
Datum
sbg_survival(PG_FUNCTION_ARGS)
{
	double		al,
				be,
				ls = 0;
	int32		t = PG_GETARG_INT32(1);

	sbg_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &al, &be);
	if (t < 0)
		qx_bad_arg("period 0 is the start (survival 1), then 1, 2, ... periods after it.",
				   "period must not be negative, got %d", t);
	if (t <= 100000)
	{
		for (int32 i = 1; i <= t; i++)
			ls += log1p(-al / (al + be + (i - 1.0)));
	}
	else
		ls = lgamma(be + t) - lgamma(be) + lgamma(al + be) - lgamma(al + be + t);
	PG_RETURN_FLOAT8(Min(1.0, Max(0.0, exp(ls))));
}

/* sbg_fit_merge(sbg_fit_state) */
QX_STATE_MERGE(sbg_fit, sbg_fit_final, NULL, NULL);
