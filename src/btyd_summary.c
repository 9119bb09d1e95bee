/*
 * btyd_summary.c
 *		The btyd_summary aggregate (README "Customer aggregates"): the customer-base summary that
 *		buy-till-you-die models take, as the Python library lifetimes
 *		defines summary_data_from_transaction_data with freq='D'; with
 *		btyd_summary_partial / btyd_summary_merge and the transferable state
 *		type btyd_summary_state.
 *
 * lifetimes sums the amounts of each purchase day, marks the customer's
 * first day (whatever the number of purchases on it) as the first
 * purchase, and takes monetary_value as the mean of the other days' sums
 * (0 when there is none).  So the state keeps the set of purchase days, the
 * first day's amount sum and the sum of all later days' amounts: when an
 * earlier day turns up, the old first day's sum moves into the repeat sum.
 *
 * The day set is an int32 array: a sorted, deduplicated prefix and an
 * unsorted tail; it is sorted and deduplicated when full, before growing,
 * and before it is read.  Merging two states appends the other's days (the
 * union is sorted when read, like the transition's).
 *
 * Binary layout (serialize and the state type):
 *		byte version (1), int32 as_of, int32 time unit in days,
 *		int32 number of days, money first_day_sum, money repeat_sum,
 *		then the days, strictly increasing
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/timestamp.h"

#include "quota_ext.h"
#include "aggregate.h"
#include "btyd_summary.h"

#define BT_VERSION 1
#define BT_TYPE "btyd_summary_state"
#define BT_MAX_DAYS ((int32) (MaxAllocSize / sizeof(DateADT)))

BtState *
bt_new(MemoryContext ctx, DateADT as_of, int32 unit_days, int32 cap)
{
	BtState    *st = MemoryContextAllocZero(ctx, sizeof(BtState));

	st->as_of = as_of;
	st->unit_days = unit_days;
	st->cap = Max(cap, 8);
	st->days = MemoryContextAlloc(ctx, sizeof(DateADT) * st->cap);
	st->ctx = ctx;
	qx_money_init(&st->first_sum);
	qx_money_init(&st->repeat_sum);
	return st;
}

char *
bt_unit_str(int32 days)
{
	return days == 1 ? pstrdup("1 day") : psprintf("%d days", days);
}

static int
day_cmp(const void *a, const void *b)
{
	DateADT		x = *(const DateADT *) a;
	DateADT		y = *(const DateADT *) b;

	return (x > y) - (x < y);
}

/* Sort and deduplicate all of days. */
void
bt_compact(BtState *st)
{
	int32		u;

	if (st->nsorted == st->ndays)
		return;
	qsort(st->days, st->ndays, sizeof(DateADT), day_cmp);
	u = st->ndays > 0 ? 1 : 0;
	for (int32 i = 1; i < st->ndays; i++)
		if (st->days[i] != st->days[u - 1])
			st->days[u++] = st->days[i];
	st->ndays = st->nsorted = u;
}

/*
 * Room for extra more days.  When full, the unsorted tail is sorted and
 * duplicates dropped first, and the array grows only if that leaves it more
 * than half full: a merge of many small states sorts the union only when
 * the array fills, not once per merged state.
 */
static void
bt_reserve(BtState *st, int32 extra)
{
	int64		need = (int64) st->ndays + extra;
	int64		cap;

	if (need <= st->cap)
		return;
	bt_compact(st);
	need = (int64) st->ndays + extra;
	if (need <= st->cap && st->ndays <= st->cap / 2)
		return;
	cap = st->cap;
	while (cap < need || cap < 2 * (int64) st->ndays)
		cap *= 2;
	if (cap > BT_MAX_DAYS)
	{
		if (need > BT_MAX_DAYS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("btyd_summary: too many purchase days")));
		cap = BT_MAX_DAYS;
	}
	st->days = repalloc(st->days, sizeof(DateADT) * cap);
	st->cap = (int32) cap;
}

static void
bt_add_day(BtState *st, DateADT d)
{
	if (st->ndays > 0 && st->days[st->ndays - 1] == d)
		return;
	if (st->ndays == st->cap)
		bt_reserve(st, 1);
	st->days[st->ndays++] = d;
}

static void
money_reset(QxMoney *m)
{
	if (m->big)
		pfree(m->v.n);
	qx_money_init(m);
}

static const char *
bt_problem(BtState *st)
{
	if (st->ndays == 0 &&
		(!qx_money_is_zero(&st->first_sum) || !qx_money_is_zero(&st->repeat_sum)))
		return "an empty state has money";
	if (st->ndays == 1 && !qx_money_is_zero(&st->repeat_sum))
		return "repeat_sum without repeat days";
	for (int32 i = 1; i < st->ndays; i++)
		if (st->days[i] <= st->days[i - 1])
			return "days are not strictly increasing";
	if (st->ndays > 0 && st->days[st->ndays - 1] > st->as_of)
		return "a day is after as_of";
	return NULL;
}

bytea *
bt_encode(BtState *st)
{
	StringInfoData buf;

	bt_compact(st);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, BT_VERSION);
	pq_sendint32(&buf, st->as_of);
	pq_sendint32(&buf, st->unit_days);
	pq_sendint32(&buf, st->ndays);
	qx_money_send(&buf, &st->first_sum);
	qx_money_send(&buf, &st->repeat_sum);
	for (int32 i = 0; i < st->ndays; i++)
		pq_sendint32(&buf, st->days[i]);
	return pq_endtypsend(&buf);
}

BtState *
bt_decode(const char *data, int len, MemoryContext ctx)
{
	QxReader	r;
	BtState    *st;
	const char *problem;
	DateADT		as_of;
	int32		unit,
				n;

	qx_reader_begin(&r, data, len, BT_TYPE, BT_VERSION);
	as_of = qx_get_date(&r, "as_of");
	unit = qx_get_int32(&r);
	if (unit < 1)
		qx_bad_binary(&r, "time unit is not a positive number of days");
	n = qx_get_int32(&r);
	if (n < 0 || n > (len - r.pos) / (int) sizeof(int32))
		qx_bad_binary(&r, "bad number of days");
	st = bt_new(ctx, as_of, unit, n);
	qx_money_recv(&r, &st->first_sum, ctx, "first_day_sum");
	qx_money_recv(&r, &st->repeat_sum, ctx, "repeat_sum");
	for (int32 i = 0; i < n; i++)
		st->days[i] = qx_get_date(&r, "day");
	qx_get_end(&r);
	st->ndays = st->nsorted = n;
	if ((problem = bt_problem(st)) != NULL)
		qx_bad_binary(&r, problem);
	if (n > 0)
		st->first = st->days[0];
	return st;
}

/* st += o: the union of the days; the earlier first day wins */
void
bt_combine_into(BtState *st, BtState *o, MemoryContext ctx)
{
	if (st->as_of != o->as_of)
		qx_param_mismatch("btyd_summary", "as_of", qx_date_str(st->as_of),
						  qx_date_str(o->as_of));
	if (st->unit_days != o->unit_days)
		qx_param_mismatch("btyd_summary", "time_unit",
						  bt_unit_str(st->unit_days),
						  bt_unit_str(o->unit_days));
	if (o->ndays == 0)
		return;
	if (st->ndays == 0)
	{
		st->first = o->first;
		qx_money_add(&st->first_sum, &o->first_sum, st->ctx);
		qx_money_add(&st->repeat_sum, &o->repeat_sum, st->ctx);
	}
	else if (st->first == o->first)
	{
		qx_money_add(&st->first_sum, &o->first_sum, st->ctx);
		qx_money_add(&st->repeat_sum, &o->repeat_sum, st->ctx);
	}
	else if (st->first < o->first)
	{
		qx_money_add(&st->repeat_sum, &o->repeat_sum, st->ctx);
		qx_money_add(&st->repeat_sum, &o->first_sum, st->ctx);
	}
	else
	{
		qx_money_add(&st->repeat_sum, &st->first_sum, st->ctx);
		qx_money_add(&st->repeat_sum, &o->repeat_sum, st->ctx);
		money_reset(&st->first_sum);
		qx_money_add(&st->first_sum, &o->first_sum, st->ctx);
		st->first = o->first;
	}
	bt_compact(o);
	bt_reserve(st, o->ndays);
	memcpy(st->days + st->ndays, o->days, sizeof(DateADT) * o->ndays);
	st->ndays += o->ndays;
}

static BtState *
bt_copy(BtState *src, MemoryContext ctx)
{
	BtState    *st = bt_new(ctx, src->as_of, src->unit_days, src->ndays);

	bt_combine_into(st, src, ctx);
	return st;
}

/* the aggregate's support functions and its X_merge pair: see aggregate.h */
QX_STATE_SUPPORT(btyd_summary, BtState, bt_encode, bt_decode, bt_copy, bt_combine_into);
QX_STATE_MERGE(btyd_summary, btyd_summary_final, NULL, NULL);

/* time_unit: a positive whole number of days, no months, no time part */
int32
bt_unit_days(const Interval *u)
{
	if (u->month != 0 || u->time != 0 || u->day <= 0)
		qx_bad_arg("time_unit is a whole number of days, e.g. '1 day' or '7 days'; months and hours are not allowed.",
				   "time_unit must be a positive whole number of days, got %s",
				   DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(u))));
	return u->day;
}

PG_FUNCTION_INFO_V1(btyd_summary_trans);
/*
 * btyd_summary_trans(state, ts, amount, as_of [, time_unit]): not strict.
 * NULL parameters are errors; rows with NULL ts or amount, or ts after
 * as_of, are skipped.
 */
Datum
btyd_summary_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "btyd_summary_trans");
	BtState    *st;
	DateADT		as_of;
	int32		unit = 1;
	DateADT		ts;
	QxAmount	amount;

	as_of = DatumGetDateADT(qx_param(fcinfo, 3, "as_of"));
	if (PG_NARGS() > 4)
		unit = bt_unit_days(DatumGetIntervalP(qx_param(fcinfo, 4, "time_unit")));
	if (PG_ARGISNULL(0))
	{
		qx_require_finite_date(as_of, "as_of");
		st = bt_new(ctx, as_of, unit, 8);
	}
	else
	{
		st = (BtState *) PG_GETARG_POINTER(0);
		if (st->as_of != as_of)
			qx_param_changed("as_of", qx_date_str(st->as_of), qx_date_str(as_of));
		if (st->unit_days != unit)
			qx_param_changed("time_unit", bt_unit_str(st->unit_days),
							 bt_unit_str(unit));
	}
	if (qx_order_row(fcinfo, as_of, &ts, &amount))
		bt_add_purchase(st, ts, &amount, ctx);
	PG_RETURN_POINTER(st);
}

/* A purchase on day ts (not after as_of) of amount. */
void
bt_add_purchase(BtState *st, DateADT ts, const QxAmount *a, MemoryContext ctx)
{
	QxAmount	amount = *a;

	if (st->ndays == 0)
	{
		st->first = ts;
		qx_money_add_amount(&st->first_sum, &amount, ctx);
	}
	else if (ts == st->first)
		qx_money_add_amount(&st->first_sum, &amount, ctx);
	else if (ts < st->first)
	{
		/* the old first day becomes a repeat day */
		qx_money_add(&st->repeat_sum, &st->first_sum, ctx);
		money_reset(&st->first_sum);
		qx_money_add_amount(&st->first_sum, &amount, ctx);
		st->first = ts;
	}
	else
		qx_money_add_amount(&st->repeat_sum, &amount, ctx);
	bt_add_day(st, ts);
}

PG_FUNCTION_INFO_V1(btyd_summary_final);
/* The btyd_summary composite; NULL when no row was counted. */
Datum
btyd_summary_final(PG_FUNCTION_ARGS)
{
	BtState    *st;
	TupleDesc	desc;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (BtState *) PG_GETARG_POINTER(0);
	if (st->ndays == 0)
		PG_RETURN_NULL();
	desc = qx_result_desc(fcinfo);
	bt_summary_values(st, values);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* frequency, recency, t and monetary of a non-empty state (btyd_holdout's too). */
void
bt_summary_values(BtState *st, Datum *values)
{
	int32		frequency;

	bt_compact(st);
	frequency = st->ndays - 1;
	values[0] = Int32GetDatum(frequency);
	values[1] = Float8GetDatum((double) (st->days[st->ndays - 1] - st->first) /
							   (double) st->unit_days);
	values[2] = Float8GetDatum((double) (st->as_of - st->first) / (double) st->unit_days);
	/* the mean at the scale of the customer's amounts (README "Money"); 0 without repeats */
	values[3] = NumericGetDatum(qx_money_div_round(&st->repeat_sum, Max(frequency, 1),
												   qx_derived_scale(Max(st->first_sum.scale,
																		st->repeat_sum.scale))));
}

/* ---------------------------------------------------------------------
 * btyd_summary_state I/O.  Text form:
 *	v1 as_of=D time_unit_days=N first_day_sum=X repeat_sum=X days=D,D,...|none
 * --------------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(btyd_summary_state_in);
Datum
btyd_summary_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	QxTextParser tp;
	BtState    *st;
	DateADT		as_of;
	int32		unit;
	char	   *s;

	qx_text_init(&tp, str, BT_TYPE, "v1");
	as_of = qx_text_date(&tp, "as_of");
	unit = (int32) qx_text_int64(&tp, "time_unit_days", 1, PG_INT32_MAX);
	st = bt_new(CurrentMemoryContext, as_of, unit, 8);
	qx_text_money(&tp, "first_day_sum", &st->first_sum, CurrentMemoryContext);
	qx_text_money(&tp, "repeat_sum", &st->repeat_sum, CurrentMemoryContext);
	s = qx_text_field(&tp, "days");
	if (strcmp(s, "none") != 0)
	{
		char	   *day;
		int64		items = 1;

		/* room for every item at once: the days stay as written for bt_problem */
		for (const char *c = s; *c; c++)
			items += (*c == ',');
		bt_reserve(st, (int32) items);
		while ((day = qx_next_item(&s, ',')) != NULL)
			st->days[st->ndays++] = qx_parse_date(&tp, day, "day");
	}
	st->nsorted = st->ndays;
	qx_text_finish(&tp, bt_problem(st));
	if (st->ndays > 0)
		st->first = st->days[0];
	PG_RETURN_POINTER(bt_encode(st));
}

PG_FUNCTION_INFO_V1(btyd_summary_state_out);
Datum
btyd_summary_state_out(PG_FUNCTION_ARGS)
{
	BtState    *st = qx_state_from_datum(PG_GETARG_DATUM(0), btyd_summary_decode_any);
	StringInfo	buf = qx_text_out_begin("v1", st->as_of);

	appendStringInfo(buf, " time_unit_days=%d first_day_sum=", st->unit_days);
	qx_append_money(buf, &st->first_sum);
	appendStringInfoString(buf, " repeat_sum=");
	qx_append_money(buf, &st->repeat_sum);
	appendStringInfoString(buf, " days=");
	if (st->ndays == 0)
		appendStringInfoString(buf, "none");
	for (int32 i = 0; i < st->ndays; i++)
	{
		if (i > 0)
			appendStringInfoChar(buf, ',');
		qx_append_date(buf, st->days[i]);
	}
	PG_RETURN_CSTRING(buf->data);
}

