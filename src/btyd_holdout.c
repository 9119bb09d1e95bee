/*
 * btyd_holdout.c
 *		The calibration/holdout split (SPEC §11) that the Python library
 *		lifetimes makes with calibration_and_holdout_data(freq='D'): a
 *		customer's btyd_summary as of calibration_end, and the purchase days
 *		after it up to observation_end (README "Reference: customer value").
 *
 * The state is two btyd_summary states (btyd_summary.h): one for the days
 * up to calibration_end, whose summary the result repeats, and one for the
 * days in (calibration_end, observation_end], of which the result needs
 * the number of days and the sum of their amounts.  Rows after
 * observation_end are skipped.  Serialized as int32 length of the first
 * state's bytes, then the two states; the same bytes are the real state
 * type btyd_holdout_state of btyd_holdout_partial / btyd_holdout_merge
 * (SPEC §7; issue 19), whose text form is the two btyd_summary_state texts:
 *	v1 calibration{<btyd_summary_state>} holdout{<btyd_summary_state>}
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/numeric.h"

#include "aggregate.h"
#include "btyd_summary.h"
#include "quota_ext.h"
#include "state_codec.h"

#define BH_FIELDS 7
#define BH_TYPE "btyd_holdout_state"

typedef struct BhState
{
	BtState    *cal;			/* days up to calibration_end */
	BtState    *hold;			/* days after it, up to observation_end */
} BhState;

static BhState *
bh_new(MemoryContext ctx, DateADT cal_end, DateADT obs_end, int32 unit)
{
	BhState    *st = MemoryContextAlloc(ctx, sizeof(BhState));

	st->cal = bt_new(ctx, cal_end, unit, 8);
	st->hold = bt_new(ctx, obs_end, unit, 8);
	return st;
}

/* What is wrong with a pair of decoded states, or NULL. */
static const char *
bh_problem(const BhState *st)
{
	if (st->cal->unit_days != st->hold->unit_days)
		return "the two parts have different time units";
	if (st->hold->as_of < st->cal->as_of)
		return "observation_end is before calibration_end";
	if (st->hold->ndays > 0 && st->hold->days[0] <= st->cal->as_of)
		return "a holdout day is not after calibration_end";
	return NULL;
}

static void *
bh_decode(const char *data, int len, MemoryContext ctx)
{
	BhState    *st = MemoryContextAlloc(ctx, sizeof(BhState));
	QxReader	r;
	int32		n;
	const char *problem;

	qx_reader_init(&r, data, len, "btyd_holdout state");
	n = qx_get_int32(&r);
	if (n < 0 || n > qx_reader_remaining(&r))
		qx_bad_binary(&r, "bad length of the calibration state");
	st->cal = bt_decode(data + r.pos, n, ctx);
	st->hold = bt_decode(data + r.pos + n, len - r.pos - n, ctx);
	if ((problem = bh_problem(st)) != NULL)
		qx_bad_binary(&r, problem);
	return st;
}

/* The binary form: int32 length of the calibration state, then both. */
static bytea *
bh_encode(BhState *st)
{
	bytea	   *c = bt_encode(st->cal),
			   *h = bt_encode(st->hold);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, VARSIZE(c) - VARHDRSZ);
	pq_sendbytes(&buf, VARDATA(c), VARSIZE(c) - VARHDRSZ);
	pq_sendbytes(&buf, VARDATA(h), VARSIZE(h) - VARHDRSZ);
	return pq_endtypsend(&buf);
}

static void
bh_combine(BhState *st, BhState *in, MemoryContext ctx)
{
	bt_combine_into(st->cal, in->cal, ctx);
	bt_combine_into(st->hold, in->hold, ctx);
}

static BhState *
bh_copy(BhState *s, MemoryContext ctx)
{
	BhState    *st = bh_new(ctx, s->cal->as_of, s->hold->as_of, s->cal->unit_days);

	bh_combine(st, s, ctx);
	return st;
}

PG_FUNCTION_INFO_V1(btyd_holdout_trans);
/*
 * btyd_holdout_trans(state, ts, amount, calibration_end, observation_end
 * [, time_unit]): not strict.  NULL parameters are errors; rows with a NULL
 * ts or amount, or after observation_end, are skipped.
 */
Datum
btyd_holdout_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "btyd_holdout_trans");
	BhState    *st;
	DateADT		cal_end,
				obs_end,
				ts;
	int32		unit = 1;
	QxAmount	amount;

	if (PG_ARGISNULL(3))
		qx_null_param("calibration_end");
	if (PG_ARGISNULL(4))
		qx_null_param("observation_end");
	cal_end = PG_GETARG_DATEADT(3);
	obs_end = PG_GETARG_DATEADT(4);
	if (PG_NARGS() > 5)
	{
		if (PG_ARGISNULL(5))
			qx_null_param("time_unit");
		unit = bt_unit_days(PG_GETARG_INTERVAL_P(5));
	}
	if (PG_ARGISNULL(0))
	{
		qx_require_finite_date(cal_end, "calibration_end");
		qx_require_finite_date(obs_end, "observation_end");
		if (obs_end < cal_end)
			qx_bad_arg("The holdout period runs from calibration_end to observation_end.",
					   "observation_end must not be before calibration_end, got %s and %s",
					   qx_date_str(obs_end), qx_date_str(cal_end));
		st = bh_new(ctx, cal_end, obs_end, unit);
	}
	else
	{
		st = (BhState *) PG_GETARG_POINTER(0);
		if (st->cal->as_of != cal_end)
			qx_param_changed("calibration_end", qx_date_str(st->cal->as_of), qx_date_str(cal_end));
		if (st->hold->as_of != obs_end)
			qx_param_changed("observation_end", qx_date_str(st->hold->as_of), qx_date_str(obs_end));
		if (st->cal->unit_days != unit)
			qx_param_changed("time_unit", bt_unit_str(st->cal->unit_days), bt_unit_str(unit));
	}
	if (qx_order_row(fcinfo, obs_end, &ts, &amount))
		bt_add_purchase(ts <= cal_end ? st->cal : st->hold, ts, &amount, ctx);
	PG_RETURN_POINTER(st);
}

/*
 * combine, serialize, deserialize (the same C names and bytes as 1.2),
 * partial_final, merge_trans, btyd_holdout_state's receive/send, and
 * btyd_holdout_merge's state_combine/state_final (aggregate.h).
 */
QX_STATE_SUPPORT(btyd_holdout, BhState, bh_encode, bh_decode, bh_copy, bh_combine);
QX_STATE_MERGE(btyd_holdout, btyd_holdout_final, NULL, NULL);

PG_FUNCTION_INFO_V1(btyd_holdout_state_in);
/*
 * btyd_holdout_state text input: "v1 calibration{S} holdout{S}", each S a
 * btyd_summary_state text (read, and checked, by its own input).
 */
Datum
btyd_holdout_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	static const char head[] = "v1 calibration{";
	static const char mid[] = "} holdout{";
	QxTextParser tp;
	char	   *cal,
			   *hold,
			   *sep;
	size_t		len = strlen(str);
	BhState    *st;
	bytea	   *c,
			   *h;
	const char *problem;

	qx_text_begin(&tp, str, BH_TYPE, "The form is v1 calibration{<btyd_summary_state>} holdout{<btyd_summary_state>}.");
	if (strncmp(str, head, strlen(head)) != 0)
		qx_bad_text(&tp, "It does not begin with \"v1 calibration{\".");
	if (len < strlen(head) + strlen(mid) + 1 || str[len - 1] != '}')
		qx_bad_text(&tp, "It does not end with \"}\".");
	cal = pnstrdup(str + strlen(head), len - strlen(head) - 1);
	sep = strstr(cal, mid);
	if (sep == NULL)
		qx_bad_text(&tp, "There is no \"} holdout{\" between the two parts.");
	*sep = '\0';
	hold = sep + strlen(mid);
	if (strchr(cal, '{') || strchr(cal, '}') || strchr(hold, '{') || strchr(hold, '}'))
		qx_bad_text(&tp, "A part holds a brace.");
	c = DatumGetByteaPP(DirectFunctionCall1(btyd_summary_state_in, CStringGetDatum(cal)));
	h = DatumGetByteaPP(DirectFunctionCall1(btyd_summary_state_in, CStringGetDatum(hold)));
	st = palloc(sizeof(BhState));
	st->cal = bt_decode(VARDATA_ANY(c), VARSIZE_ANY_EXHDR(c), CurrentMemoryContext);
	st->hold = bt_decode(VARDATA_ANY(h), VARSIZE_ANY_EXHDR(h), CurrentMemoryContext);
	if ((problem = bh_problem(st)) != NULL)
		qx_bad_text(&tp, psprintf("Inconsistent state: %s.", problem));
	PG_RETURN_BYTEA_P(bh_encode(st));
}

PG_FUNCTION_INFO_V1(btyd_holdout_state_out);
Datum
btyd_holdout_state_out(PG_FUNCTION_ARGS)
{
	BhState    *st = (BhState *) qx_state_from_datum(PG_GETARG_DATUM(0), btyd_holdout_decode_any);
	char	   *cal = DatumGetCString(DirectFunctionCall1(btyd_summary_state_out,
														  PointerGetDatum(bt_encode(st->cal))));
	char	   *hold = DatumGetCString(DirectFunctionCall1(btyd_summary_state_out,
														   PointerGetDatum(bt_encode(st->hold))));

	PG_RETURN_CSTRING(psprintf("v1 calibration{%s} holdout{%s}", cal, hold));
}

PG_FUNCTION_INFO_V1(btyd_holdout_final);
/* The btyd_holdout composite; NULL without a purchase up to calibration_end. */
Datum
btyd_holdout_final(PG_FUNCTION_ARGS)
{
	BhState    *st;
	Datum		values[BH_FIELDS];
	bool		nulls[BH_FIELDS] = {0};
	int32		nhold;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (BhState *) PG_GETARG_POINTER(0);
	if (st->cal->ndays == 0)
		PG_RETURN_NULL();
	bt_summary_values(st->cal, values);
	bt_compact(st->hold);
	nhold = st->hold->ndays;
	values[4] = Int32GetDatum(nhold);
	{
		QxMoney		total;
		int			scale;

		/*
		 * The mean of the holdout days' sums (0 without a holdout day), as
		 * derived money: at the scale of the customer's amounts, at least 2
		 * decimals (README "Money"), like btyd_summary's monetary.
		 */
		qx_money_init(&total);
		qx_money_add(&total, &st->hold->first_sum, CurrentMemoryContext);
		qx_money_add(&total, &st->hold->repeat_sum, CurrentMemoryContext);
		scale = Max(Max(st->cal->first_sum.scale, st->cal->repeat_sum.scale), total.scale);
		values[5] = NumericGetDatum(qx_money_div_round(&total, Max(nhold, 1),
													   qx_derived_scale(scale)));
	}
	values[6] = Float8GetDatum((double) (st->hold->as_of - st->cal->as_of) /
							   (double) st->cal->unit_days);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(qx_result_desc(fcinfo), values, nulls)));
}
