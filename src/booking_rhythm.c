/*
 * booking_rhythm.c
 *		The booking_rhythm aggregate (SPEC §16, doc/quarter.md): the shape of
 *		a period's bookings -- exact total, share by thirds cut at
 *		quota_steps(..., 3)'s due dates, share of the last five counted days,
 *		Gini of the weekly totals, weeks with bookings and the largest week's
 *		share; with booking_rhythm_partial / booking_rhythm_merge and the
 *		transferable state type booking_rhythm_state (SPEC §7).
 *
 * The parameters (period, holidays) matter only through five dates: the
 * period's ends, the due dates d1 and d2 of quota_steps(..., 3) and the
 * fifth-last counted day.  The state keeps those, so states combine when
 * their dates agree (and holidays that cut the period the same way give the
 * same result).  The rows are summed exactly (money.h) into the total, the
 * three parts, the last five days and one sum per Monday-based week that
 * touches the period, with the number of orders per week.
 *
 * Binary form (the state type's value and the parallel serialization):
 *		byte version (1), int32 start, end, d1, d2, last5, int32 weeks,
 *		money total, third1, third2, third3, last5sum, then per week
 *		int64 orders, money sum
 * Text form:
 *		v1 start=D end=D d1=D d2=D last5=D total=X thirds=X,X,X last5sum=X
 *		weeks=N:X,N:X,...
 * Every field is checked: dates in order, the week count of the period,
 * the parts and the weeks summing to the total, no money in a week without
 * orders.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "common/int.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"

#include "quota_ext.h"
#include "aggregate.h"
#include "quarter.h"
#include "quotas.h"

#define BR_VERSION 1
#define BR_TYPE "booking_rhythm_state"
/* a period of at most about 100 years: 5,220 weeks */
#define BR_MAX_DAYS 36525
#define BR_WEEK 7
#define BR_LAST_DAYS 5

typedef struct BrCuts
{
	DateADT		start;
	DateADT		end;
	DateADT		d1;
	DateADT		d2;
	DateADT		last5;
} BrCuts;

typedef struct BrState
{
	BrCuts		c;
	DateADT		week0;			/* Monday on or before start */
	int32		nweeks;
	QxMoney		total;
	QxMoney		third[3];
	QxMoney		last5sum;
	int64	   *week_orders;
	QxMoney    *week;
} BrState;

/* Monday on or before d (2000-01-03, DateADT 2, was a Monday). */
static DateADT
br_monday(DateADT d)
{
	int64		k = (int64) d - 2;
	int64		r = k % BR_WEEK;

	if (r < 0)
		r += BR_WEEK;
	return (DateADT) (d - r);
}

static int32
br_weeks_of(DateADT start, DateADT end)
{
	return (int32) ((br_monday(end) - br_monday(start)) / BR_WEEK + 1);
}

static BrState *
br_new(MemoryContext ctx, const BrCuts *c)
{
	BrState    *st = MemoryContextAllocZero(ctx, sizeof(BrState));

	st->c = *c;
	st->week0 = br_monday(c->start);
	st->nweeks = br_weeks_of(c->start, c->end);
	qx_money_init(&st->total);
	for (int i = 0; i < 3; i++)
		qx_money_init(&st->third[i]);
	qx_money_init(&st->last5sum);
	st->week_orders = MemoryContextAllocZero(ctx, sizeof(int64) * st->nweeks);
	st->week = MemoryContextAllocZero(ctx, sizeof(QxMoney) * st->nweeks);
	for (int i = 0; i < st->nweeks; i++)
		qx_money_init(&st->week[i]);
	return st;
}

/* A problem of the cut dates (decoded from a state), or NULL. */
static const char *
br_cuts_problem(const BrCuts *c)
{
	if (c->end < c->start)
		return "end is before start";
	if ((int64) c->end - c->start > BR_MAX_DAYS)
		return "the period is longer than 100 years";
	if (!(c->start <= c->d1 && c->d1 < c->d2 && c->d2 < c->end))
		return "d1 and d2 are not inside the period in order";
	if (c->last5 < c->start || c->last5 > c->end)
		return "last5 is outside the period";
	return NULL;
}

static bool
br_money_eq(const QxMoney *a, const QxMoney *b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp,
											 NumericGetDatum(qx_money_get(a)),
											 NumericGetDatum(qx_money_get(b)))) == 0;
}

/* A problem of a decoded state's sums, or NULL. */
static const char *
br_sums_problem(const BrState *st)
{
	QxMoney		s;

	qx_money_init(&s);
	for (int i = 0; i < 3; i++)
		qx_money_add(&s, &st->third[i], CurrentMemoryContext);
	if (!br_money_eq(&s, &st->total))
		return "the thirds do not sum to the total";
	qx_money_init(&s);
	for (int i = 0; i < st->nweeks; i++)
	{
		if (st->week_orders[i] < 0)
			return "a week has a negative order count";
		if (st->week_orders[i] == 0 && !qx_money_is_zero(&st->week[i]))
			return "a week without orders has bookings";
		qx_money_add(&s, &st->week[i], CurrentMemoryContext);
	}
	if (!br_money_eq(&s, &st->total))
		return "the weeks do not sum to the total";
	return NULL;
}

static bytea *
br_encode(const BrState *st)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, BR_VERSION);
	pq_sendint32(&buf, st->c.start);
	pq_sendint32(&buf, st->c.end);
	pq_sendint32(&buf, st->c.d1);
	pq_sendint32(&buf, st->c.d2);
	pq_sendint32(&buf, st->c.last5);
	pq_sendint32(&buf, st->nweeks);
	qx_money_send(&buf, &st->total);
	for (int i = 0; i < 3; i++)
		qx_money_send(&buf, &st->third[i]);
	qx_money_send(&buf, &st->last5sum);
	for (int i = 0; i < st->nweeks; i++)
	{
		pq_sendint64(&buf, st->week_orders[i]);
		qx_money_send(&buf, &st->week[i]);
	}
	return pq_endtypsend(&buf);
}

static BrState *
br_decode(const char *data, int len, MemoryContext ctx)
{
	QxReader	r;
	BrState    *st;
	BrCuts		c;
	const char *problem;
	int32		nweeks;

	qx_reader_begin(&r, data, len, BR_TYPE, BR_VERSION);
	c.start = qx_get_date(&r, "start");
	c.end = qx_get_date(&r, "end");
	c.d1 = qx_get_date(&r, "d1");
	c.d2 = qx_get_date(&r, "d2");
	c.last5 = qx_get_date(&r, "last5");
	if ((problem = br_cuts_problem(&c)) != NULL)
		qx_bad_binary(&r, problem);
	nweeks = qx_get_int32(&r);
	if (nweeks != br_weeks_of(c.start, c.end))
		qx_bad_binary(&r, "the number of weeks does not match the period");
	st = br_new(ctx, &c);
	qx_money_recv(&r, &st->total, ctx, "total");
	for (int i = 0; i < 3; i++)
		qx_money_recv(&r, &st->third[i], ctx, "third");
	qx_money_recv(&r, &st->last5sum, ctx, "last5sum");
	for (int i = 0; i < nweeks; i++)
	{
		st->week_orders[i] = qx_get_int64(&r);
		qx_money_recv(&r, &st->week[i], ctx, "week");
	}
	qx_get_end(&r);
	if ((problem = br_sums_problem(st)) != NULL)
		qx_bad_binary(&r, problem);
	return st;
}

static char *
br_cuts_str(const BrCuts *c)
{
	return psprintf("%s..%s (d1 %s, d2 %s, last5 %s)", qx_date_str(c->start),
					qx_date_str(c->end), qx_date_str(c->d1), qx_date_str(c->d2),
					qx_date_str(c->last5));
}

static void
br_combine_into(BrState *st, const BrState *in, MemoryContext ctx)
{
	if (memcmp(&st->c, &in->c, sizeof(BrCuts)) != 0)
		qx_param_mismatch("booking_rhythm", "period or holidays", br_cuts_str(&st->c),
						  br_cuts_str(&in->c));
	qx_money_add(&st->total, &in->total, ctx);
	for (int i = 0; i < 3; i++)
		qx_money_add(&st->third[i], &in->third[i], ctx);
	qx_money_add(&st->last5sum, &in->last5sum, ctx);
	for (int i = 0; i < st->nweeks; i++)
	{
		if (in->week_orders[i] == 0)
			continue;
		if (pg_add_s64_overflow(st->week_orders[i], in->week_orders[i], &st->week_orders[i]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("booking_rhythm: order count out of range")));
		qx_money_add(&st->week[i], &in->week[i], ctx);
	}
}

static BrState *
br_copy(const BrState *src, MemoryContext ctx)
{
	BrState    *st = br_new(ctx, &src->c);

	br_combine_into(st, src, ctx);
	return st;
}

/* the aggregate's support functions and its X_merge pair: see aggregate.h */
QX_STATE_SUPPORT(booking_rhythm, BrState, br_encode, br_decode, br_copy, br_combine_into);
QX_STATE_MERGE(booking_rhythm, booking_rhythm_final, NULL, NULL);

/*
 * The cut dates of the last (period, holidays) seen, in fn_extra: a query
 * with constant parameters computes them once, whatever the groups.  The
 * holidays are compared by their bytes every row (a pointer can be reused
 * for another value), without detoasting a short header.
 */
typedef struct BrCache
{
	bool		valid;
	DateADT		start;
	DateADT		end;
	bool		has_holidays;
	struct varlena *hol_copy;	/* the holidays' bytes as passed, or NULL */
	BrCuts		cuts;
} BrCache;

static const BrCuts *
br_cuts(FunctionCallInfo fcinfo, DateADT start, DateADT end, bool has_holidays, Datum hol)
{
	BrCache    *cache = (BrCache *) fcinfo->flinfo->fn_extra;
	struct varlena *raw = has_holidays ? PG_DETOAST_DATUM_PACKED(hol) : NULL;
	ArrayType  *holidays = NULL;
	DateADT		due[3];
	BrCuts		c;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(BrCache));
		fcinfo->flinfo->fn_extra = cache;
	}
	if (cache->valid && cache->start == start && cache->end == end &&
		cache->has_holidays == has_holidays &&
		(!has_holidays ||
		 (VARSIZE_ANY(raw) == VARSIZE_ANY(cache->hol_copy) &&
		  memcmp(raw, cache->hol_copy, VARSIZE_ANY(raw)) == 0)))
		return &cache->cuts;

	qx_require_finite_date(start, "period_start");
	qx_require_finite_date(end, "period_end");
	if (end >= start && (int64) end - start > BR_MAX_DAYS)
		qx_bad_arg("Aggregate each year or quarter on its own.",
				   "the period from %s to %s is longer than 100 years",
				   qx_date_str(start), qx_date_str(end));
	if (has_holidays)
		holidays = DatumGetArrayTypeP(hol);
	/* quota_steps(..., 3)'s checks: a period of at least 3 counted days */
	qx_steps_due(start, end, holidays, true, 3, due);
	c.start = start;
	c.end = end;
	c.d1 = due[0];
	c.d2 = due[1];
	c.last5 = qx_nth_last_counted_day(start, end, holidays, true, BR_LAST_DAYS);

	cache->valid = false;
	if (cache->hol_copy != NULL)
		pfree(cache->hol_copy);
	cache->hol_copy = NULL;
	if (has_holidays)
	{
		cache->hol_copy = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, VARSIZE_ANY(raw));
		memcpy(cache->hol_copy, raw, VARSIZE_ANY(raw));
	}
	cache->has_holidays = has_holidays;
	cache->start = start;
	cache->end = end;
	cache->cuts = c;
	cache->valid = true;
	return &cache->cuts;
}

PG_FUNCTION_INFO_V1(booking_rhythm_trans);
/*
 * booking_rhythm_trans(state, ts, amount, period_start, period_end
 * [, holidays]): not strict.  NULL parameters are errors; rows with a NULL
 * ts or amount, or ts outside the period, are skipped.
 */
Datum
booking_rhythm_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "booking_rhythm_trans");
	DateADT		start = DatumGetDateADT(qx_param(fcinfo, 3, "period_start"));
	DateADT		end = DatumGetDateADT(qx_param(fcinfo, 4, "period_end"));
	bool		has_holidays = PG_NARGS() > 5;
	Datum		hol = (Datum) 0;
	const BrCuts *c;
	BrState    *st;
	DateADT		ts;
	QxAmount	a;
	int			part;
	int32		w;

	if (has_holidays)
		hol = qx_param(fcinfo, 5, "holidays");
	c = br_cuts(fcinfo, start, end, has_holidays, hol);
	if (PG_ARGISNULL(0))
		st = br_new(ctx, c);
	else
	{
		st = (BrState *) PG_GETARG_POINTER(0);
		if (memcmp(&st->c, c, sizeof(BrCuts)) != 0)
			qx_param_changed("period or holidays", br_cuts_str(&st->c), br_cuts_str(c));
	}
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);
	ts = PG_GETARG_DATEADT(1);
	if (ts < start || ts > end)
		PG_RETURN_POINTER(st);
	qx_amount_decode(PG_GETARG_DATUM(2), &a);

	part = ts <= c->d1 ? 0 : (ts <= c->d2 ? 1 : 2);
	w = (ts - st->week0) / BR_WEEK;
	qx_money_add_amount(&st->total, &a, ctx);
	qx_money_add_amount(&st->third[part], &a, ctx);
	if (ts >= c->last5)
		qx_money_add_amount(&st->last5sum, &a, ctx);
	st->week_orders[w]++;
	qx_money_add_amount(&st->week[w], &a, ctx);
	PG_RETURN_POINTER(st);
}

/*
 * part / total as float8, the quotient exact in numeric first.  Amounts
 * that cancel can make it larger than float8 holds: 22003, with a short
 * message (numeric_float8 would quote the whole number).
 */
static double
br_share(const QxMoney *part, Datum total)
{
	Datum		q = DirectFunctionCall2(numeric_div, NumericGetDatum(qx_money_get(part)), total);
	double		v = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, q));

	if (isinf(v))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("booking_rhythm: a share of the total is out of range for type double precision"),
				 errdetail("The amounts nearly cancel: the total is %s.",
						   qx_numeric_str(DatumGetNumeric(total)))));
	return v;
}

static int
br_double_cmp(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/*
 * Gini of n values: sum_i sum_j |x_i - x_j| / (2 n^2 mean) =
 * sum_i (2i - n - 1) x_(i) / (n sum) over the sorted values (1-based);
 * sum is the exact total as a float8.  Sorts x.
 */
double
qx_gini(double *x, int64 n, double sum)
{
	double		acc = 0;

	qsort(x, n, sizeof(double), br_double_cmp);
	for (int64 i = 0; i < n; i++)
		acc += (double) (2 * (i + 1) - n - 1) * x[i];
	return acc / ((double) n * sum);
}

PG_FUNCTION_INFO_V1(booking_rhythm_final);
/* The booking_rhythm composite; NULL without any row. */
Datum
booking_rhythm_final(PG_FUNCTION_ARGS)
{
	BrState    *st;
	TupleDesc	desc;
	Datum		values[6];
	bool		nulls[6] = {false, false, false, false, false, false};
	Datum		total;
	int32		with = 0;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (BrState *) PG_GETARG_POINTER(0);
	desc = qx_result_desc(fcinfo);
	total = NumericGetDatum(qx_money_get(&st->total));
	values[0] = total;
	for (int i = 0; i < st->nweeks; i++)
		if (st->week_orders[i] > 0)
			with++;
	values[4] = Int32GetDatum(with);
	if (qx_money_is_zero(&st->total))
	{
		nulls[1] = nulls[2] = nulls[3] = nulls[5] = true;
	}
	else
	{
		Datum		shares[3];
		double	   *x = palloc(sizeof(double) * st->nweeks);
		int			imax = 0;

		for (int i = 0; i < 3; i++)
			shares[i] = Float8GetDatum(br_share(&st->third[i], total));
		values[1] = PointerGetDatum(construct_array(shares, 3, FLOAT8OID, sizeof(float8),
													FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		values[2] = Float8GetDatum(br_share(&st->last5sum, total));
		/* the weeks as shares of the total: Gini is scale-free, and shares fit float8 */
		for (int i = 0; i < st->nweeks; i++)
		{
			x[i] = br_share(&st->week[i], total);
			if (x[i] > x[imax])
				imax = i;
		}
		values[5] = Float8GetDatum(x[imax]);
		values[3] = Float8GetDatum(qx_gini(x, st->nweeks, 1.0));
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* ---------------------------------------------------------------------
 * booking_rhythm_state text I/O
 * --------------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(booking_rhythm_state_in);
Datum
booking_rhythm_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	QxTextParser tp;
	BrCuts		c;
	BrState    *st;
	const char *problem;
	char	   *rest;
	char	   *item;
	int			n = 0;

	qx_text_init(&tp, str, BR_TYPE, "v1");
	c.start = qx_text_date(&tp, "start");
	c.end = qx_text_date(&tp, "end");
	c.d1 = qx_text_date(&tp, "d1");
	c.d2 = qx_text_date(&tp, "d2");
	c.last5 = qx_text_date(&tp, "last5");
	if ((problem = br_cuts_problem(&c)) != NULL)
		qx_bad_text(&tp, psprintf("Inconsistent state: %s.", problem));
	st = br_new(CurrentMemoryContext, &c);
	qx_text_money(&tp, "total", &st->total, CurrentMemoryContext);
	rest = qx_text_field(&tp, "thirds");
	while ((item = qx_next_item(&rest, ',')) != NULL)
	{
		QxTextParser sub;

		if (n >= 3)
			qx_bad_text(&tp, "thirds must have 3 items.");
		qx_text_begin(&sub, item, BR_TYPE, NULL);
		qx_text_read_money(&sub, "a third", &st->third[n++], CurrentMemoryContext);
		qx_text_end(&sub);
	}
	if (n != 3)
		qx_bad_text(&tp, "thirds must have 3 items.");
	qx_text_money(&tp, "last5sum", &st->last5sum, CurrentMemoryContext);
	rest = qx_text_field(&tp, "weeks");
	n = 0;
	while ((item = qx_next_item(&rest, ',')) != NULL)
	{
		QxTextParser sub;
		char	   *colon = strchr(item, ':');

		if (n >= st->nweeks)
			qx_bad_text(&tp, psprintf("weeks must have %d items, one per week of the period.",
									  st->nweeks));
		if (colon == NULL)
			qx_bad_text(&tp, "a week must be written orders:sum.");
		*colon = '\0';
		if (!qx_parse_int64(item, 0, PG_INT64_MAX, &st->week_orders[n]))
			qx_bad_text(&tp, "a week's orders must be a count.");
		qx_text_begin(&sub, colon + 1, BR_TYPE, NULL);
		qx_text_read_money(&sub, "a week's sum", &st->week[n], CurrentMemoryContext);
		qx_text_end(&sub);
		n++;
	}
	if (n != st->nweeks)
		qx_bad_text(&tp, psprintf("weeks must have %d items, one per week of the period.",
								  st->nweeks));
	qx_text_finish(&tp, br_sums_problem(st));
	PG_RETURN_POINTER(br_encode(st));
}

PG_FUNCTION_INFO_V1(booking_rhythm_state_out);
Datum
booking_rhythm_state_out(PG_FUNCTION_ARGS)
{
	BrState    *st = qx_state_from_datum(PG_GETARG_DATUM(0), booking_rhythm_decode_any);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "v1 start=");
	qx_append_date(&buf, st->c.start);
	appendStringInfoString(&buf, " end=");
	qx_append_date(&buf, st->c.end);
	appendStringInfoString(&buf, " d1=");
	qx_append_date(&buf, st->c.d1);
	appendStringInfoString(&buf, " d2=");
	qx_append_date(&buf, st->c.d2);
	appendStringInfoString(&buf, " last5=");
	qx_append_date(&buf, st->c.last5);
	appendStringInfoString(&buf, " total=");
	qx_append_money(&buf, &st->total);
	appendStringInfoString(&buf, " thirds=");
	for (int i = 0; i < 3; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		qx_append_money(&buf, &st->third[i]);
	}
	appendStringInfoString(&buf, " last5sum=");
	qx_append_money(&buf, &st->last5sum);
	appendStringInfoString(&buf, " weeks=");
	for (int i = 0; i < st->nweeks; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		appendStringInfo(&buf, INT64_FORMAT ":", st->week_orders[i]);
		qx_append_money(&buf, &st->week[i]);
	}
	PG_RETURN_CSTRING(buf.data);
}
