/*
 * rfm_summary.c
 *		The rfm_summary aggregate (README "Customer aggregates"): recency, frequency, exact
 *		monetary sum, first and last order of a customer at as_of; with
 *		rfm_summary_partial / rfm_summary_merge and the transferable state
 *		type rfm_summary_state (README "Aggregates at scale").
 *
 * The aggregate state is an RsState in the aggregate memory context
 * (internal), a few dozen bytes; serialize/deserialize and the state type
 * share one binary layout:
 *
 *		byte version (1), int32 as_of, int64 orders, int32 first_order,
 *		int32 last_order, money monetary (see state_codec.h)
 *
 * all but as_of being the RFM core it shares with rfm_kinetic (rfm_core.h).
 *
 * first_order and last_order are 0 when orders is 0.  The text form is
 *		v1 as_of=YYYY-MM-DD orders=N first=YYYY-MM-DD last=YYYY-MM-DD monetary=123.45
 * with first=none last=none when orders is 0.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"

#include "quota_ext.h"
#include "aggregate.h"
#include "rfm_core.h"

#define RS_VERSION 1
#define RS_TYPE "rfm_summary_state"

typedef struct RsState
{
	RfmCore		core;
	DateADT		as_of;
} RsState;

StaticAssertDecl(sizeof(RsState) <= 64, "RsState must fit a 64-byte chunk");

static RsState *
rs_new(MemoryContext ctx, DateADT as_of)
{
	RsState    *st = MemoryContextAllocZero(ctx, sizeof(RsState));

	st->as_of = as_of;
	rfm_core_init(&st->core);
	return st;
}

static bytea *
rs_encode(const RsState *st)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, RS_VERSION);
	pq_sendint32(&buf, st->as_of);
	rfm_core_send(&buf, &st->core);
	return pq_endtypsend(&buf);
}

static RsState *
rs_decode(const char *data, int len, MemoryContext ctx)
{
	QxReader	r;
	RsState    *st;
	const char *problem;

	qx_reader_begin(&r, data, len, RS_TYPE, RS_VERSION);
	st = rs_new(ctx, qx_get_date(&r, "as_of"));
	rfm_core_recv(&r, &st->core, ctx);
	qx_get_end(&r);
	if ((problem = rfm_core_problem(&st->core, st->as_of)) != NULL)
		qx_bad_binary(&r, problem);
	return st;
}

/* st += other, both with the same as_of */
static void
rs_combine_into(RsState *st, const RsState *other, MemoryContext ctx)
{
	if (st->as_of != other->as_of)
		qx_param_mismatch("rfm_summary", "as_of", qx_date_str(st->as_of),
						  qx_date_str(other->as_of));
	rfm_core_combine(&st->core, &other->core, ctx, "rfm_summary");
}

static RsState *
rs_copy(const RsState *src, MemoryContext ctx)
{
	RsState    *st = rs_new(ctx, src->as_of);

	rs_combine_into(st, src, ctx);
	return st;
}

/* the aggregate's support functions and its X_merge pair: see aggregate.h */
QX_STATE_SUPPORT(rfm_summary, RsState, rs_encode, rs_decode, rs_copy, rs_combine_into);
QX_STATE_MERGE(rfm_summary, rfm_summary_final, NULL, NULL);

PG_FUNCTION_INFO_V1(rfm_summary_trans);
/*
 * rfm_summary_trans(state, ts, amount, as_of): not strict.  A NULL as_of is
 * an error; rows with NULL ts or amount, or ts after as_of, are skipped.
 */
Datum
rfm_summary_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "rfm_summary_trans");
	RsState    *st;
	DateADT		as_of;
	DateADT		ts;
	QxAmount	amount;

	as_of = DatumGetDateADT(qx_param(fcinfo, 3, "as_of"));
	if (PG_ARGISNULL(0))
	{
		qx_require_finite_date(as_of, "as_of");
		st = rs_new(ctx, as_of);
	}
	else
	{
		st = (RsState *) PG_GETARG_POINTER(0);
		if (st->as_of != as_of)
			qx_param_changed("as_of", qx_date_str(st->as_of), qx_date_str(as_of));
	}
	if (qx_order_row(fcinfo, as_of, &ts, &amount))
		rfm_core_add(&st->core, ts, &amount, ctx);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(rfm_summary_state_trans);
/* rfm_summary_trans on a real rfm_summary_state (bench/state_design.sh only) */
Datum
rfm_summary_state_trans(PG_FUNCTION_ARGS)
{
	return qx_state_rows_trans(fcinfo, &rfm_summary_state_agg, rfm_summary_trans,
							   "rfm_summary_state_trans");
}

PG_FUNCTION_INFO_V1(rfm_summary_final);
/* The rfm_summary composite; NULL when no row was counted. */
Datum
rfm_summary_final(PG_FUNCTION_ARGS)
{
	RsState    *st;
	TupleDesc	desc;
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (RsState *) PG_GETARG_POINTER(0);
	if (st->core.orders == 0)
		PG_RETURN_NULL();
	desc = qx_result_desc(fcinfo);
	values[0] = Int32GetDatum(st->as_of - st->core.last);
	values[1] = Int64GetDatum(st->core.orders);
	values[2] = NumericGetDatum(qx_money_get(&st->core.monetary));
	values[3] = DateADTGetDatum(st->core.first);
	values[4] = DateADTGetDatum(st->core.last);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* ---------------------------------------------------------------------
 * rfm_summary_state I/O
 * --------------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(rfm_summary_state_in);
Datum
rfm_summary_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	QxTextParser tp;
	RsState    *st;

	qx_text_init(&tp, str, RS_TYPE, "v1");
	st = rs_new(CurrentMemoryContext, qx_text_date(&tp, "as_of"));
	rfm_core_text_in(&tp, &st->core, CurrentMemoryContext);
	qx_text_finish(&tp, rfm_core_problem(&st->core, st->as_of));
	PG_RETURN_POINTER(rs_encode(st));
}

PG_FUNCTION_INFO_V1(rfm_summary_state_out);
Datum
rfm_summary_state_out(PG_FUNCTION_ARGS)
{
	RsState    *st = qx_state_from_datum(PG_GETARG_DATUM(0), rfm_summary_decode_any);
	StringInfo	buf = qx_text_out_begin("v1", st->as_of);

	rfm_core_text_out(buf, &st->core);
	PG_RETURN_CSTRING(buf->data);
}

