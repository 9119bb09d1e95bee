/*
 * attainment_distribution.c
 *		The attainment_distribution aggregate (SPEC §16, doc/quarter.md): how
 *		a team's attainment spreads -- reps, share at or above 1, p10/p50/p90
 *		as percentile_cont gives them, and the Gini coefficient; with
 *		attainment_distribution_partial / attainment_distribution_merge and
 *		the transferable state type attainment_distribution_state (SPEC §7).
 *
 * Percentiles need every value, so the state is the list of attainments
 * (8 bytes a rep).  The final function sorts a copy, so the result does not
 * depend on the order the rows or states arrived in: serial, parallel and
 * merged results are equal to the bit.
 *
 * Binary form: byte version (1), int64 n, n float8.  Text form:
 *		v1 n=N values=x,x,...        (values=none when n = 0)
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "quota_ext.h"
#include "aggregate.h"
#include "quarter.h"

#define AD_VERSION 1
#define AD_TYPE "attainment_distribution_state"
/* a state of at most 2^26 reps (512 MB of values) */
#define AD_MAX_N ((int64) 1 << 26)

typedef struct AdState
{
	int64		n;
	int64		cap;
	double	   *x;
} AdState;

static AdState *
ad_new(MemoryContext ctx, int64 cap)
{
	AdState    *st = MemoryContextAllocZero(ctx, sizeof(AdState));

	st->cap = Max(cap, 16);
	st->x = MemoryContextAllocHuge(ctx, sizeof(double) * st->cap);
	return st;
}

static void
ad_reserve(AdState *st, int64 more)
{
	int64		need = st->n + more;

	if (need > AD_MAX_N)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("attainment_distribution holds at most " INT64_FORMAT " reps", AD_MAX_N),
				 errhint("Aggregate per team or region.")));
	if (need > st->cap)
	{
		int64		cap = st->cap;

		while (cap < need)
			cap *= 2;
		st->x = repalloc_huge(st->x, sizeof(double) * cap);
		st->cap = cap;
	}
}

static const char *
ad_value_problem(double v)
{
	if (!isfinite(v) || v < 0)
		return "a value is not a finite attainment of 0 or more";
	return NULL;
}

static bytea *
ad_encode(const AdState *st)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, AD_VERSION);
	pq_sendint64(&buf, st->n);
	for (int64 i = 0; i < st->n; i++)
		pq_sendfloat8(&buf, st->x[i]);
	return pq_endtypsend(&buf);
}

static AdState *
ad_decode(const char *data, int len, MemoryContext ctx)
{
	QxReader	r;
	AdState    *st;
	int64		n;
	const char *problem;

	qx_reader_begin(&r, data, len, AD_TYPE, AD_VERSION);
	n = qx_get_int64(&r);
	if (n < 0 || n > AD_MAX_N || n * 8 != qx_reader_remaining(&r))
		qx_bad_binary(&r, "the number of values does not match the length");
	st = ad_new(ctx, n);
	for (int64 i = 0; i < n; i++)
	{
		st->x[i] = qx_get_float8(&r);
		if ((problem = ad_value_problem(st->x[i])) != NULL)
			qx_bad_binary(&r, problem);
	}
	st->n = n;
	qx_get_end(&r);
	return st;
}

static void
ad_combine_into(AdState *st, const AdState *in, MemoryContext ctx)
{
	ad_reserve(st, in->n);
	memcpy(st->x + st->n, in->x, sizeof(double) * in->n);
	st->n += in->n;
}

static AdState *
ad_copy(const AdState *src, MemoryContext ctx)
{
	AdState    *st = ad_new(ctx, src->n);

	ad_combine_into(st, src, ctx);
	return st;
}

/* the aggregate's support functions and its X_merge pair: see aggregate.h */
QX_STATE_SUPPORT(attainment_distribution, AdState, ad_encode, ad_decode, ad_copy,
				 ad_combine_into);
QX_STATE_MERGE(attainment_distribution, attainment_distribution_final, NULL, NULL);

PG_FUNCTION_INFO_V1(attainment_distribution_trans);
/* attainment_distribution_trans(state, attainment): not strict; NULLs are skipped. */
Datum
attainment_distribution_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "attainment_distribution_trans");
	AdState    *st = PG_ARGISNULL(0) ? ad_new(ctx, 0) : (AdState *) PG_GETARG_POINTER(0);
	double		v;

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(st);
	v = PG_GETARG_FLOAT8(1);
	qx_require_finite(v, "attainment");
	if (v < 0)
		qx_bad_arg("Attainment is actual / quota; clamp a net refund with greatest(attainment, 0).",
				   "attainment must not be negative, got %s", qx_float_str(v));
	ad_reserve(st, 1);
	st->x[st->n++] = v;
	PG_RETURN_POINTER(st);
}

static int
ad_cmp(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/* percentile_cont over sorted x, as PostgreSQL computes it */
static double
ad_percentile(const double *x, int64 n, double p)
{
	double		pos = p * (double) (n - 1);
	int64		first = (int64) floor(pos);
	int64		second = (int64) ceil(pos);

	if (second > first)
		return x[first] + (x[second] - x[first]) * (pos - (double) first);
	return x[first];
}

PG_FUNCTION_INFO_V1(attainment_distribution_final);
/* The attainment_distribution composite; NULL without any rep. */
Datum
attainment_distribution_final(PG_FUNCTION_ARGS)
{
	AdState    *st;
	TupleDesc	desc;
	Datum		values[6];
	bool		nulls[6] = {false, false, false, false, false, false};
	double	   *x;
	int64		above = 0;
	double		sum = 0;
	double		max;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (AdState *) PG_GETARG_POINTER(0);
	if (st->n == 0)
		PG_RETURN_NULL();
	desc = qx_result_desc(fcinfo);
	x = palloc_extended(sizeof(double) * st->n, MCXT_ALLOC_HUGE);
	memcpy(x, st->x, sizeof(double) * st->n);
	qsort(x, st->n, sizeof(double), ad_cmp);
	for (int64 i = 0; i < st->n; i++)
		if (x[i] >= 1)
			above++;
	values[0] = Int64GetDatum(st->n);
	values[1] = Float8GetDatum((double) above / (double) st->n);
	values[2] = Float8GetDatum(ad_percentile(x, st->n, 0.1));
	values[3] = Float8GetDatum(ad_percentile(x, st->n, 0.5));
	values[4] = Float8GetDatum(ad_percentile(x, st->n, 0.9));
	/* Gini is scale-free: over x / max, so the sum cannot overflow */
	max = x[st->n - 1];
	if (max == 0)
		nulls[5] = true;
	else
	{
		for (int64 i = 0; i < st->n; i++)
		{
			x[i] /= max;
			sum += x[i];
		}
		values[5] = Float8GetDatum(qx_gini(x, st->n, sum));
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

PG_FUNCTION_INFO_V1(attainment_distribution_state_in);
Datum
attainment_distribution_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	QxTextParser tp;
	AdState    *st;
	int64		n;
	char	   *rest;
	char	   *item;

	qx_text_init(&tp, str, AD_TYPE, "v1");
	n = qx_text_int64(&tp, "n", 0, AD_MAX_N);
	rest = qx_text_field(&tp, "values");
	if (n > (int64) strlen(str))
		qx_bad_text(&tp, "values must have n items.");
	st = ad_new(CurrentMemoryContext, n);
	if (n == 0)
	{
		if (strcmp(rest, "none") != 0)
			qx_bad_text(&tp, "values must be none when n is 0.");
	}
	else
		while ((item = qx_next_item(&rest, ',')) != NULL)
		{
			double		v;

			if (st->n >= n)
				qx_bad_text(&tp, "values must have n items.");
			if (!qx_parse_float8(item, &v) || ad_value_problem(v) != NULL)
				qx_bad_text(&tp, "a value is not a finite attainment of 0 or more.");
			st->x[st->n++] = v;
		}
	if (st->n != n)
		qx_bad_text(&tp, "values must have n items.");
	qx_text_finish(&tp, NULL);
	PG_RETURN_POINTER(ad_encode(st));
}

PG_FUNCTION_INFO_V1(attainment_distribution_state_out);
Datum
attainment_distribution_state_out(PG_FUNCTION_ARGS)
{
	AdState    *st = qx_state_from_datum(PG_GETARG_DATUM(0), attainment_distribution_decode_any);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v1 n=" INT64_FORMAT " values=", st->n);
	if (st->n == 0)
		appendStringInfoString(&buf, "none");
	for (int64 i = 0; i < st->n; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		qx_append_float8(&buf, st->x[i]);
	}
	PG_RETURN_CSTRING(buf.data);
}
