/*
 * quota_capacity.c
 *		The quota_capacity aggregate (SPEC §16, doc/quarter.md): what a team
 *		can carry, sum(quota * ramp_share * attainment_factor), each float8
 *		taken as the numeric it casts to, the sum exact and rounded once as
 *		derived money (half away from zero to the largest scale of quota, at
 *		least 2 decimals); with quota_capacity_partial / quota_capacity_merge
 *		and the transferable state type quota_capacity_state (SPEC §7).
 *
 * Binary form: byte version (1), int64 rows, int32 scale (the largest
 * display scale of quota), money sum.  Text form:
 *		v1 rows=N scale=S sum=X
 */
#include "postgres.h"

#include "common/int.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "quota_ext.h"
#include "aggregate.h"

#define QC_VERSION 1
#define QC_TYPE "quota_capacity_state"
/* numeric's largest display scale */
#define QC_MAX_SCALE 1000

typedef struct QcState
{
	int64		rows;
	int32		scale;
	QxMoney		sum;
} QcState;

static QcState *
qc_new(MemoryContext ctx)
{
	QcState    *st = MemoryContextAllocZero(ctx, sizeof(QcState));

	qx_money_init(&st->sum);
	return st;
}

static const char *
qc_problem(const QcState *st)
{
	if (st->rows < 0)
		return "rows is negative";
	if (st->scale < 0 || st->scale > QC_MAX_SCALE)
		return "scale is out of range";
	if (st->rows == 0 && (!qx_money_is_zero(&st->sum) || st->scale != 0))
		return "an empty state has a sum or a scale";
	if (qx_money_sign(&st->sum) < 0)
		return "the sum is negative";
	return NULL;
}

static bytea *
qc_encode(const QcState *st)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, QC_VERSION);
	pq_sendint64(&buf, st->rows);
	pq_sendint32(&buf, st->scale);
	qx_money_send(&buf, &st->sum);
	return pq_endtypsend(&buf);
}

static QcState *
qc_decode(const char *data, int len, MemoryContext ctx)
{
	QxReader	r;
	QcState    *st = qc_new(ctx);
	const char *problem;

	qx_reader_begin(&r, data, len, QC_TYPE, QC_VERSION);
	st->rows = qx_get_int64(&r);
	st->scale = qx_get_int32(&r);
	qx_money_recv(&r, &st->sum, ctx, "sum");
	qx_get_end(&r);
	if ((problem = qc_problem(st)) != NULL)
		qx_bad_binary(&r, problem);
	return st;
}

static void
qc_combine_into(QcState *st, const QcState *in, MemoryContext ctx)
{
	if (pg_add_s64_overflow(st->rows, in->rows, &st->rows))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("quota_capacity: row count out of range")));
	st->scale = Max(st->scale, in->scale);
	qx_money_add(&st->sum, &in->sum, ctx);
}

static QcState *
qc_copy(const QcState *src, MemoryContext ctx)
{
	QcState    *st = qc_new(ctx);

	qc_combine_into(st, src, ctx);
	return st;
}

/* the aggregate's support functions and its X_merge pair: see aggregate.h */
QX_STATE_SUPPORT(quota_capacity, QcState, qc_encode, qc_decode, qc_copy, qc_combine_into);
QX_STATE_MERGE(quota_capacity, quota_capacity_final, NULL, NULL);

PG_FUNCTION_INFO_V1(quota_capacity_trans);
/*
 * quota_capacity_trans(state, quota, ramp_share, attainment_factor): not
 * strict; rows with a NULL argument are skipped.
 */
Datum
quota_capacity_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "quota_capacity_trans");
	QcState    *st = PG_ARGISNULL(0) ? qc_new(ctx) : (QcState *) PG_GETARG_POINTER(0);
	Numeric		quota;
	double		share;
	double		factor;
	Datum		prod;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_POINTER(st);
	quota = PG_GETARG_NUMERIC(1);
	share = PG_GETARG_FLOAT8(2);
	factor = PG_GETARG_FLOAT8(3);
	if (numeric_is_nan(quota) || numeric_is_inf(quota))
		qx_bad_arg("Pass a finite number.", "quota must be a finite number, got %s",
				   qx_numeric_str(quota));
	if (qx_numeric_sign(quota) < 0)
		qx_bad_arg(NULL, "quota must not be negative, got %s", qx_numeric_str(quota));
	qx_require_share(share, "ramp_share");
	qx_require_nonnegative(factor, "attainment_factor");

	prod = DirectFunctionCall2(numeric_mul, NumericGetDatum(quota),
							   DirectFunctionCall1(float8_numeric, Float8GetDatum(share)));
	prod = DirectFunctionCall2(numeric_mul, prod,
							   DirectFunctionCall1(float8_numeric, Float8GetDatum(factor)));
	qx_money_add_numeric(&st->sum, prod, ctx);
	st->scale = Max(st->scale, qx_numeric_dscale(quota));
	st->rows++;
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(quota_capacity_final);
/* The capacity rounded once as derived money; NULL without any row. */
Datum
quota_capacity_final(PG_FUNCTION_ARGS)
{
	QcState    *st;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (QcState *) PG_GETARG_POINTER(0);
	if (st->rows == 0)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(DirectFunctionCall2(numeric_round, NumericGetDatum(qx_money_get(&st->sum)),
										Int32GetDatum(qx_derived_scale(st->scale))));
}

PG_FUNCTION_INFO_V1(quota_capacity_state_in);
Datum
quota_capacity_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	QxTextParser tp;
	QcState    *st = qc_new(CurrentMemoryContext);

	qx_text_init(&tp, str, QC_TYPE, "v1");
	st->rows = qx_text_int64(&tp, "rows", 0, PG_INT64_MAX);
	st->scale = (int32) qx_text_int64(&tp, "scale", 0, QC_MAX_SCALE);
	qx_text_money(&tp, "sum", &st->sum, CurrentMemoryContext);
	qx_text_finish(&tp, qc_problem(st));
	PG_RETURN_POINTER(qc_encode(st));
}

PG_FUNCTION_INFO_V1(quota_capacity_state_out);
Datum
quota_capacity_state_out(PG_FUNCTION_ARGS)
{
	QcState    *st = qx_state_from_datum(PG_GETARG_DATUM(0), quota_capacity_decode_any);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v1 rows=" INT64_FORMAT " scale=%d sum=", st->rows, st->scale);
	qx_append_money(&buf, &st->sum);
	PG_RETURN_CSTRING(buf.data);
}
