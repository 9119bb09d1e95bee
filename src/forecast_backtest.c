/*
 * forecast_backtest.c
 *		The forecast_backtest aggregate (SPEC §15, doc/calibration.md): how
 *		past periods' forecasts (p10, p50, p90) held against what was actually
 *		booked -- share inside the P10-P90 range, below and above it, mean
 *		pinball loss, MAPE and bias of the P50; with forecast_backtest_partial
 *		/ forecast_backtest_merge and the transferable state
 *		forecast_backtest_state (SPEC §7).
 *
 * The state (internal, a few words) and its binary form:
 *		byte version (1), int64 periods, int64 inside, int64 below,
 *		int64 above, int64 positive, float8 pinball_sum, float8 ape_sum,
 *		float8 bias_sum
 * where positive counts the periods with actual > 0 (those MAPE and bias
 * average over).  Text form:
 *		v1 periods=N inside=N below=N above=N positive=N pinball=X ape=X bias=X
 *
 * The range test is exact (numeric comparisons); each pinball term is
 * tau * (y - q) with y - q computed exactly and then rounded to float8.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "common/int.h"
#include "funcapi.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "quota_ext.h"
#include "aggregate.h"

#define FB_VERSION 1
#define FB_TYPE "forecast_backtest_state"

typedef struct FbState
{
	int64		periods;
	int64		inside;
	int64		below;
	int64		above;
	int64		positive;
	double		pinball;		/* sum over periods of the mean of 3 losses */
	double		ape;			/* sum of |actual - p50| / actual, actual > 0 */
	double		bias;			/* sum of (p50 - actual) / actual, actual > 0 */
} FbState;

static FbState *
fb_new(MemoryContext ctx)
{
	return MemoryContextAllocZero(ctx, sizeof(FbState));
}

static void
fb_count(int64 *acc, int64 v)
{
	if (pg_add_s64_overflow(*acc, v, acc))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("forecast_backtest: more periods than bigint holds")));
}

static void
fb_combine_into(FbState *st, const FbState *in, MemoryContext ctx)
{
	fb_count(&st->periods, in->periods);
	fb_count(&st->inside, in->inside);
	fb_count(&st->below, in->below);
	fb_count(&st->above, in->above);
	fb_count(&st->positive, in->positive);
	st->pinball += in->pinball;
	st->ape += in->ape;
	st->bias += in->bias;
}

static FbState *
fb_copy(const FbState *src, MemoryContext ctx)
{
	FbState    *st = fb_new(ctx);

	*st = *src;
	return st;
}

static const char *
fb_problem(const FbState *st)
{
	int64		sum;

	if (st->periods < 0 || st->inside < 0 || st->below < 0 || st->above < 0 ||
		st->positive < 0)
		return "a count is negative";
	if (pg_add_s64_overflow(st->inside, st->below, &sum) ||
		pg_add_s64_overflow(sum, st->above, &sum) || sum != st->periods)
		return "inside, below and above do not add up to periods";
	if (st->positive > st->periods)
		return "positive is more than periods";
	if (!isfinite(st->pinball) || st->pinball < 0 || !isfinite(st->ape) || st->ape < 0 ||
		!isfinite(st->bias))
		return "pinball and ape must be finite and not negative, bias finite";
	if (st->positive == 0 && (st->ape != 0 || st->bias != 0))
		return "ape and bias must be 0 without a period with actual > 0";
	if (st->periods == 0 && st->pinball != 0)
		return "pinball must be 0 without a period";
	return NULL;
}

static bytea *
fb_encode(const FbState *st)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, FB_VERSION);
	pq_sendint64(&buf, st->periods);
	pq_sendint64(&buf, st->inside);
	pq_sendint64(&buf, st->below);
	pq_sendint64(&buf, st->above);
	pq_sendint64(&buf, st->positive);
	pq_sendfloat8(&buf, st->pinball);
	pq_sendfloat8(&buf, st->ape);
	pq_sendfloat8(&buf, st->bias);
	return pq_endtypsend(&buf);
}

static FbState *
fb_decode(const char *data, int len, MemoryContext ctx)
{
	QxReader	r;
	FbState    *st;
	const char *problem;

	qx_reader_begin(&r, data, len, FB_TYPE, FB_VERSION);
	st = fb_new(ctx);
	st->periods = qx_get_int64(&r);
	st->inside = qx_get_int64(&r);
	st->below = qx_get_int64(&r);
	st->above = qx_get_int64(&r);
	st->positive = qx_get_int64(&r);
	st->pinball = qx_get_float8(&r);
	st->ape = qx_get_float8(&r);
	st->bias = qx_get_float8(&r);
	qx_get_end(&r);
	if ((problem = fb_problem(st)) != NULL)
		qx_bad_binary(&r, problem);
	return st;
}

/* the aggregate's support functions and its X_merge pair: see aggregate.h */
QX_STATE_SUPPORT(forecast_backtest, FbState, fb_encode, fb_decode, fb_copy, fb_combine_into);
QX_STATE_MERGE(forecast_backtest, forecast_backtest_final, NULL, NULL);

static int
fb_cmp(Datum a, Datum b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, a, b));
}

static double
fb_float(Datum n)
{
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, n));
}

static void
fb_require_finite(Datum d, const char *argname)
{
	Numeric		n = DatumGetNumeric(d);

	if (numeric_is_nan(n) || numeric_is_inf(n))
		qx_bad_arg("Leave out the periods without a number.",
				   "%s must be a finite number, got %s", argname, qx_numeric_str(n));
}

/* The pinball loss at tau of forecast q for outcome y. */
static double
fb_pinball(Datum y, Datum q, double tau)
{
	double		d = fb_float(DirectFunctionCall2(numeric_sub, y, q));

	return d >= 0 ? tau * d : (1.0 - tau) * -d;
}

PG_FUNCTION_INFO_V1(forecast_backtest_trans);
/*
 * forecast_backtest_trans(state, actual, p10, p50, p90): not strict; a row
 * with any of them NULL is skipped.  NaN or infinite values, and p10 > p50
 * or p50 > p90, are errors.
 */
Datum
forecast_backtest_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "forecast_backtest_trans");
	FbState    *st = PG_ARGISNULL(0) ? fb_new(ctx) : (FbState *) PG_GETARG_POINTER(0);
	Datum		a,
				p10,
				p50,
				p90;

	for (int i = 1; i <= 4; i++)
		if (PG_ARGISNULL(i))
			PG_RETURN_POINTER(st);
	a = PG_GETARG_DATUM(1);
	p10 = PG_GETARG_DATUM(2);
	p50 = PG_GETARG_DATUM(3);
	p90 = PG_GETARG_DATUM(4);
	fb_require_finite(a, "actual");
	fb_require_finite(p10, "p10");
	fb_require_finite(p50, "p50");
	fb_require_finite(p90, "p90");
	if (fb_cmp(p10, p50) > 0 || fb_cmp(p50, p90) > 0)
		qx_bad_arg("The quantiles of one forecast go up: p10 <= p50 <= p90.",
				   "p10, p50 and p90 must be in order, got p10 = %s, p50 = %s, p90 = %s",
				   qx_numeric_str(DatumGetNumeric(p10)), qx_numeric_str(DatumGetNumeric(p50)),
				   qx_numeric_str(DatumGetNumeric(p90)));
	fb_count(&st->periods, 1);
	if (fb_cmp(a, p10) < 0)
		st->below++;
	else if (fb_cmp(a, p90) > 0)
		st->above++;
	else
		st->inside++;
	st->pinball += (fb_pinball(a, p10, 0.1) + fb_pinball(a, p50, 0.5) +
					fb_pinball(a, p90, 0.9)) / 3.0;
	if (qx_numeric_sign(DatumGetNumeric(a)) > 0)
	{
		double		af = fb_float(a);
		double		d = fb_float(DirectFunctionCall2(numeric_sub, p50, a));

		st->positive++;
		st->ape += fabs(d) / af;
		st->bias += d / af;
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(forecast_backtest_final);
/* The forecast_backtest composite; NULL when no period was counted. */
Datum
forecast_backtest_final(PG_FUNCTION_ARGS)
{
	FbState    *st;
	TupleDesc	desc;
	Datum		values[7];
	bool		nulls[7] = {false, false, false, false, false, false, false};
	double		n;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (FbState *) PG_GETARG_POINTER(0);
	if (st->periods == 0)
		PG_RETURN_NULL();
	desc = qx_result_desc(fcinfo);
	n = (double) st->periods;
	values[0] = Int64GetDatum(st->periods);
	values[1] = Float8GetDatum((double) st->inside / n);
	values[2] = Float8GetDatum((double) st->below / n);
	values[3] = Float8GetDatum((double) st->above / n);
	values[4] = Float8GetDatum(st->pinball / n);
	if (st->positive == 0)
		nulls[5] = nulls[6] = true;
	else
	{
		values[5] = Float8GetDatum(st->ape / (double) st->positive);
		values[6] = Float8GetDatum(st->bias / (double) st->positive);
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* ---------------------------------------------------------------------
 * forecast_backtest_state text I/O
 * --------------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(forecast_backtest_state_in);
Datum
forecast_backtest_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	QxTextParser tp;
	FbState    *st = fb_new(CurrentMemoryContext);

	qx_text_init(&tp, str, FB_TYPE, "v1");
	st->periods = qx_text_int64(&tp, "periods", 0, PG_INT64_MAX);
	st->inside = qx_text_int64(&tp, "inside", 0, PG_INT64_MAX);
	st->below = qx_text_int64(&tp, "below", 0, PG_INT64_MAX);
	st->above = qx_text_int64(&tp, "above", 0, PG_INT64_MAX);
	st->positive = qx_text_int64(&tp, "positive", 0, PG_INT64_MAX);
	st->pinball = qx_text_float8(&tp, "pinball");
	st->ape = qx_text_float8(&tp, "ape");
	st->bias = qx_text_float8(&tp, "bias");
	qx_text_finish(&tp, fb_problem(st));
	PG_RETURN_POINTER(fb_encode(st));
}

PG_FUNCTION_INFO_V1(forecast_backtest_state_out);
Datum
forecast_backtest_state_out(PG_FUNCTION_ARGS)
{
	FbState    *st = qx_state_from_datum(PG_GETARG_DATUM(0), forecast_backtest_decode_any);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v1 periods=" INT64_FORMAT " inside=" INT64_FORMAT
					 " below=" INT64_FORMAT " above=" INT64_FORMAT " positive=" INT64_FORMAT
					 " pinball=", st->periods, st->inside, st->below, st->above, st->positive);
	qx_append_float8(&buf, st->pinball);
	appendStringInfoString(&buf, " ape=");
	qx_append_float8(&buf, st->ape);
	appendStringInfoString(&buf, " bias=");
	qx_append_float8(&buf, st->bias);
	PG_RETURN_CSTRING(buf.data);
}
