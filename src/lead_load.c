/*
 * lead_load.c
 *		The lead_load aggregate and lead_load_trend (SPEC §17, doc/margin.md):
 *		how many leads a team was given in a period, how many it touched
 *		within the SLA, won, and the revenue they brought (exact), with
 *		lead_load_partial / lead_load_merge and the transferable state type
 *		lead_load_state (SPEC §7); and the trend of two periods' loads, with
 *		the seed's alarm: more leads and less money per lead is "scattered".
 *
 * The state is a few dozen bytes.  Binary layout (and lead_load_state):
 *		byte version (1), int32 period_start, int32 period_end,
 *		int32 sla_days, int64 leads, int64 touched, int64 won, money revenue
 * Text form:
 *		v1 start=2026-01-01 end=2026-03-31 sla_days=1 leads=3 touched=2
 *		won=1 revenue=1200.00
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "common/int.h"
#include "funcapi.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/numeric.h"

#include "quota_ext.h"
#include "aggregate.h"

#define LL_VERSION 1
#define LL_TYPE "lead_load_state"

typedef struct LlState
{
	DateADT		start;
	DateADT		end;
	int32		sla_days;
	int64		leads;
	int64		touched;
	int64		won;
	QxMoney		revenue;
} LlState;

static LlState *
ll_new(MemoryContext ctx, DateADT start, DateADT end, int32 sla_days)
{
	LlState    *st = MemoryContextAllocZero(ctx, sizeof(LlState));

	st->start = start;
	st->end = end;
	st->sla_days = sla_days;
	qx_money_init(&st->revenue);
	return st;
}

static const char *
ll_problem(const LlState *st)
{
	if (st->end < st->start)
		return "end must not be before start";
	if (st->sla_days < 0)
		return "sla_days must not be negative";
	if (st->leads < 0)
		return "leads must not be negative";
	if (st->touched < 0 || st->touched > st->leads)
		return "touched must be between 0 and leads";
	if (st->won < 0 || st->won > st->leads)
		return "won must be between 0 and leads";
	if (qx_money_sign(&st->revenue) < 0)
		return "revenue must not be negative";
	if (st->won == 0 && !qx_money_is_zero(&st->revenue))
		return "revenue must be 0 without won leads";
	return NULL;
}

static bytea *
ll_encode(const LlState *st)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, LL_VERSION);
	pq_sendint32(&buf, st->start);
	pq_sendint32(&buf, st->end);
	pq_sendint32(&buf, st->sla_days);
	pq_sendint64(&buf, st->leads);
	pq_sendint64(&buf, st->touched);
	pq_sendint64(&buf, st->won);
	qx_money_send(&buf, &st->revenue);
	return pq_endtypsend(&buf);
}

static LlState *
ll_decode(const char *data, int len, MemoryContext ctx)
{
	QxReader	r;
	LlState    *st;
	DateADT		start,
				end;
	const char *problem;

	qx_reader_begin(&r, data, len, LL_TYPE, LL_VERSION);
	start = qx_get_date(&r, "period_start");
	end = qx_get_date(&r, "period_end");
	st = ll_new(ctx, start, end, qx_get_int32(&r));
	st->leads = qx_get_int64(&r);
	st->touched = qx_get_int64(&r);
	st->won = qx_get_int64(&r);
	qx_money_recv(&r, &st->revenue, ctx, "revenue");
	qx_get_end(&r);
	if ((problem = ll_problem(st)) != NULL)
		qx_bad_binary(&r, problem);
	return st;
}

static void
ll_combine_into(LlState *st, const LlState *other, MemoryContext ctx)
{
	if (st->start != other->start)
		qx_param_mismatch("lead_load", "period_start", qx_date_str(st->start),
						  qx_date_str(other->start));
	if (st->end != other->end)
		qx_param_mismatch("lead_load", "period_end", qx_date_str(st->end),
						  qx_date_str(other->end));
	if (st->sla_days != other->sla_days)
		qx_param_mismatch("lead_load", "sla_days", psprintf("%d", st->sla_days),
						  psprintf("%d", other->sla_days));
	/* states are hostile input: counts near int64's end must not wrap */
	if (pg_add_s64_overflow(st->leads, other->leads, &st->leads) ||
		pg_add_s64_overflow(st->touched, other->touched, &st->touched) ||
		pg_add_s64_overflow(st->won, other->won, &st->won))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("lead_load: merged lead counts are out of range for bigint")));
	qx_money_add(&st->revenue, &other->revenue, ctx);
}

static LlState *
ll_copy(const LlState *src, MemoryContext ctx)
{
	LlState    *st = ll_new(ctx, src->start, src->end, src->sla_days);

	ll_combine_into(st, src, ctx);
	return st;
}

/* the aggregate's support functions and its X_merge pair: see aggregate.h */
QX_STATE_SUPPORT(lead_load, LlState, ll_encode, ll_decode, ll_copy, ll_combine_into);
QX_STATE_MERGE(lead_load, lead_load_final, NULL, NULL);

PG_FUNCTION_INFO_V1(lead_load_trans);
/*
 * lead_load_trans(state, created_on, amount, won, first_touch_on,
 * period_start, period_end [, sla_days]): not strict.  NULL parameters are
 * errors (22004); rows with a NULL created_on or created outside the period
 * are skipped; a NULL first_touch_on was never touched; a NULL won is not
 * won; a won lead with a NULL amount adds no revenue.
 */
Datum
lead_load_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "lead_load_trans");
	DateADT		start = DatumGetDateADT(qx_param(fcinfo, 5, "period_start"));
	DateADT		end = DatumGetDateADT(qx_param(fcinfo, 6, "period_end"));
	int32		sla = PG_NARGS() > 7 ? DatumGetInt32(qx_param(fcinfo, 7, "sla_days")) : 1;
	LlState    *st;
	DateADT		created;

	if (PG_ARGISNULL(0))
	{
		qx_require_finite_date(start, "period_start");
		qx_require_finite_date(end, "period_end");
		if (end < start)
			qx_bad_arg("Pass the period's first day, then its last.",
					   "period_end %s must not be before period_start %s",
					   qx_date_str(end), qx_date_str(start));
		if (sla < 0)
			qx_bad_arg("sla_days is the days a lead may wait for its first touch: 0 or more.",
					   "sla_days must not be negative, got %d", sla);
		st = ll_new(ctx, start, end, sla);
	}
	else
	{
		st = (LlState *) PG_GETARG_POINTER(0);
		if (st->start != start)
			qx_param_changed("period_start", qx_date_str(st->start), qx_date_str(start));
		if (st->end != end)
			qx_param_changed("period_end", qx_date_str(st->end), qx_date_str(end));
		if (st->sla_days != sla)
			qx_param_changed("sla_days", psprintf("%d", st->sla_days), psprintf("%d", sla));
	}
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(st);
	created = PG_GETARG_DATEADT(1);
	if (created < start || created > end)
		PG_RETURN_POINTER(st);

	if (!PG_ARGISNULL(2))
	{
		QxAmount	amount;

		qx_amount_decode(PG_GETARG_DATUM(2), &amount);
		if (amount.fits ? amount.value < 0
			: qx_numeric_sign((Numeric) amount.num) < 0)
			qx_bad_arg(NULL, "amount must not be negative, got %s",
					   qx_numeric_str(PG_GETARG_NUMERIC(2)));
		if (!PG_ARGISNULL(3) && PG_GETARG_BOOL(3))
			qx_money_add_amount(&st->revenue, &amount, ctx);
	}
	st->leads++;
	if (!PG_ARGISNULL(3) && PG_GETARG_BOOL(3))
		st->won++;
	if (!PG_ARGISNULL(4))
	{
		DateADT		touch = PG_GETARG_DATEADT(4);

		qx_require_finite_date(touch, "first_touch_on");
		/* a touch logged before the lead was created counts as in time */
		if ((int64) touch - (int64) created <= (int64) st->sla_days)
			st->touched++;
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(lead_load_final);
/*
 * The lead_load composite.  No lead in the period (or no row at all) gives
 * zeros with NULL revenue_per_lead and win_rate.
 */
Datum
lead_load_final(PG_FUNCTION_ARGS)
{
	LlState    *st = PG_ARGISNULL(0) ? NULL : (LlState *) PG_GETARG_POINTER(0);
	QxMoney		zero;
	const QxMoney *revenue = st ? &st->revenue : &zero;
	int64		leads = st ? st->leads : 0;
	TupleDesc	desc = qx_result_desc(fcinfo);
	Datum		values[6];
	bool		nulls[6] = {0};

	qx_money_init(&zero);
	values[0] = Int64GetDatum(leads);
	values[1] = Int64GetDatum(st ? st->touched : 0);
	values[2] = Int64GetDatum(st ? st->won : 0);
	values[3] = NumericGetDatum(qx_money_get(revenue));
	if (leads > 0)
	{
		values[4] = NumericGetDatum(qx_money_div_round(revenue, leads,
													   qx_derived_scale(revenue->scale)));
		values[5] = Float8GetDatum((double) st->won / (double) leads);
	}
	else
		nulls[4] = nulls[5] = true;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* ---------------------------------------------------------------------
 * lead_load_state I/O
 * --------------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(lead_load_state_in);
Datum
lead_load_state_in(PG_FUNCTION_ARGS)
{
	QxTextParser tp;
	LlState    *st;
	DateADT		start,
				end;
	int32		sla;

	qx_text_init_sep(&tp, PG_GETARG_CSTRING(0), LL_TYPE, "v1", ' ',
					 "Pass a value that lead_load_partial() produced, such as v1 start=2026-01-01 end=2026-03-31 sla_days=1 leads=1 touched=1 won=0 revenue=0.");
	start = qx_text_date(&tp, "start");
	end = qx_text_date(&tp, "end");
	sla = (int32) qx_text_int64(&tp, "sla_days", 0, PG_INT32_MAX);
	st = ll_new(CurrentMemoryContext, start, end, sla);
	st->leads = qx_text_int64(&tp, "leads", 0, PG_INT64_MAX);
	st->touched = qx_text_int64(&tp, "touched", 0, PG_INT64_MAX);
	st->won = qx_text_int64(&tp, "won", 0, PG_INT64_MAX);
	qx_text_money(&tp, "revenue", &st->revenue, CurrentMemoryContext);
	qx_text_finish(&tp, ll_problem(st));
	PG_RETURN_POINTER(ll_encode(st));
}

PG_FUNCTION_INFO_V1(lead_load_state_out);
Datum
lead_load_state_out(PG_FUNCTION_ARGS)
{
	LlState    *st = qx_state_from_datum(PG_GETARG_DATUM(0), lead_load_decode_any);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "v1 start=");
	qx_append_date(&buf, st->start);
	appendStringInfoString(&buf, " end=");
	qx_append_date(&buf, st->end);
	appendStringInfo(&buf, " sla_days=%d leads=" INT64_FORMAT " touched=" INT64_FORMAT
					 " won=" INT64_FORMAT " revenue=",
					 st->sla_days, st->leads, st->touched, st->won);
	qx_append_money(&buf, &st->revenue);
	PG_RETURN_CSTRING(buf.data);
}

/* ---------------------------------------------------------------------
 * lead_load_trend
 * --------------------------------------------------------------------- */

static const char *const trend_codes[] = {"growing", "steady", "shrinking", "scattered"};

enum
{
	TREND_GROWING, TREND_STEADY, TREND_SHRINKING, TREND_SCATTERED
};

/* Field attno of a lead_load value; false when NULL. */
static bool
ll_field(HeapTupleHeader t, int attno, Datum *v)
{
	bool		isnull;

	*v = GetAttributeByNum(t, attno, &isnull);
	return !isnull;
}

static Datum
num_mul(Datum a, Datum b)
{
	return DirectFunctionCall2(numeric_mul, a, b);
}

static int
num_cmp(Datum a, Datum b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, a, b));
}

/* A threshold of the trend: finite, above 0; at most 1 when it is a fall. */
static Datum
trend_threshold(double v, const char *argname, bool fall)
{
	if (!isfinite(v) || v <= 0 || (fall && v > 1))
		qx_bad_arg(fall ? psprintf("%s is a share of the prior value above 0 and at most 1; divide percentages by 100.", argname)
				   : psprintf("%s is a share of the prior value above 0; divide percentages by 100.", argname),
				   fall ? "%s must be above 0 and at most 1, got %s"
				   : "%s must be above 0, got %s",
				   argname, qx_float_str(v));
	return DirectFunctionCall1(float8_numeric, Float8GetDatum(v));
}

/* leads and revenue of a lead_load; false when either is NULL */
static bool
ll_read(HeapTupleHeader t, const char *argname, int64 *leads, Datum *revenue)
{
	Datum		v;

	if (!ll_field(t, 1, &v) || !ll_field(t, 4, revenue))
		return false;
	*leads = DatumGetInt64(v);
	if (*leads < 0)
		qx_bad_arg(NULL, "%s.leads must not be negative, got " INT64_FORMAT, argname, *leads);
	if (numeric_is_nan(DatumGetNumeric(*revenue)) || numeric_is_inf(DatumGetNumeric(*revenue)))
		qx_bad_arg(NULL, "%s.revenue must be a finite number, got %s", argname,
				   qx_numeric_str(DatumGetNumeric(*revenue)));
	if (qx_numeric_sign(DatumGetNumeric(*revenue)) < 0)
		qx_bad_arg(NULL, "%s.revenue must not be negative, got %s", argname,
				   qx_numeric_str(DatumGetNumeric(*revenue)));
	return true;
}

PG_FUNCTION_INFO_V1(lead_load_trend);
/*
 * lead_load_trend(current, prior, leads_up, yield_down) -> text: scattered,
 * growing, shrinking or steady (SPEC §17); NULL when prior has no leads or
 * no revenue, or a needed field is NULL.  All comparisons are exact in
 * numeric: a change of exactly a threshold counts.
 */
Datum
lead_load_trend(PG_FUNCTION_ARGS)
{
	HeapTupleHeader cur = PG_GETARG_HEAPTUPLEHEADER(0);
	HeapTupleHeader prior = PG_GETARG_HEAPTUPLEHEADER(1);
	Datum		up = trend_threshold(PG_GETARG_FLOAT8(2), "leads_up", false);
	Datum		down = trend_threshold(PG_GETARG_FLOAT8(3), "yield_down", true);
	Datum		one = NumericGetDatum(int64_to_numeric(1));
	Datum		up1 = DirectFunctionCall2(numeric_add, one, up);	/* 1 + leads_up */
	Datum		down1 = DirectFunctionCall2(numeric_sub, one, down);	/* 1 - yield_down */
	int64		lc,
				lp;
	Datum		rc,
				rp,
				nlc,
				nlp;
	int			code;

	bool		have_cur = ll_read(cur, "current", &lc, &rc);
	bool		have_prior = ll_read(prior, "prior", &lp, &rp);

	if (!have_cur || !have_prior)
		PG_RETURN_NULL();
	if (lp == 0 || qx_numeric_sign(DatumGetNumeric(rp)) == 0)
		PG_RETURN_NULL();
	nlc = NumericGetDatum(int64_to_numeric(lc));
	nlp = NumericGetDatum(int64_to_numeric(lp));

	/*
	 * scattered: lc >= lp (1 + up) and rc/lc <= (1 - down) rp/lp, i.e.
	 * rc lp <= (1 - down) rp lc (lc > 0 there, as lp > 0)
	 */
	if (num_cmp(nlc, num_mul(up1, nlp)) >= 0 &&
		num_cmp(num_mul(rc, nlp), num_mul(down1, num_mul(rp, nlc))) <= 0)
		code = TREND_SCATTERED;
	else if (num_cmp(rc, num_mul(up1, rp)) >= 0)
		code = TREND_GROWING;
	else if (num_cmp(rc, num_mul(down1, rp)) <= 0)
		code = TREND_SHRINKING;
	else
		code = TREND_STEADY;
	PG_RETURN_DATUM(qx_label_datum(fcinfo, trend_codes, lengthof(trend_codes), code));
}
