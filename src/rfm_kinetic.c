/*
 * rfm_kinetic.c
 *		The rfm_kinetic aggregate (README "Customer aggregates"): a customer's orders and revenue
 *		in the recent window (b1, as_of] and the prior window (b2, b1],
 *		their trends and the kinetic segment; with rfm_kinetic_partial /
 *		rfm_kinetic_merge and the transferable state type rfm_kinetic_state.
 *
 * b1 = (as_of - window_len)::date and b2 = (as_of - 2 * window_len)::date,
 * computed with PostgreSQL's own date - interval and interval * float8, so
 * month windows behave as in SQL.  The bounds of the last (as_of, window)
 * seen are cached in fn_extra, so a new group costs two comparisons.
 *
 * Binary layout of the state (serialize and the state type):
 *		byte version (1), int32 as_of, int32 window months, int32 window
 *		days, int64 window microseconds, int64 threshold (float8 bits),
 *		int64 orders, int32 first, int32 last, money monetary,
 *		int64 orders_recent, money revenue_recent,
 *		int64 orders_prior, money revenue_prior
 * where orders to monetary are the RFM core it shares with rfm_summary
 * (rfm_core.h).
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
#include "rfm_core.h"

#define KN_VERSION 1
#define KN_TYPE "rfm_kinetic_state"
#define KN_DEFAULT_DAYS 90
#define KN_DEFAULT_THRESHOLD 0.2

/*
 * The parameters of a group.  The states of the groups whose parameters are
 * the first the transition function saw (usually all of them) share one
 * KnParams kept in fn_extra, so such a state is 120 bytes and fits a
 * 128-byte allocation chunk; any other state carries its own copy right
 * after it in the same chunk (kn_new_own), so no memory outside the states
 * grows with the number of groups.
 */
typedef struct KnParams
{
	DateADT		as_of;
	double		threshold;
	Interval	window;
} KnParams;

typedef struct KnState
{
	RfmCore		core;			/* orders, first, last, monetary */
	int64		orders_recent;
	int64		orders_prior;
	DateADT		b1;				/* derived from as_of and window */
	DateADT		b2;
	const KnParams *p;
	QxMoney		revenue_recent;
	QxMoney		revenue_prior;
} KnState;

StaticAssertDecl(sizeof(KnState) <= 128, "KnState must fit a 128-byte chunk");

/*
 * fn_extra of the transition function, fixed in size: the first parameters
 * seen (shared by the states that have them, never changed after), and the
 * last parameters checked with their window bounds (overwritten), so a new
 * group costs a few comparisons.
 */
typedef struct KnCache
{
	bool		have_first;
	bool		have_last;
	KnParams	first;
	DateADT		first_b1;
	DateADT		first_b2;
	KnParams	last;
	DateADT		last_b1;
	DateADT		last_b2;
} KnCache;

static char *
interval_str(const Interval *w)
{
	return DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(w)));
}

static bool
interval_same(const Interval *a, const Interval *b)
{
	return a->month == b->month && a->day == b->day && a->time == b->time;
}

/*
 * b1 and b2 with PostgreSQL's date - interval; window_len must be positive.
 * With raise false a non-positive window returns false instead of an error.
 */
static bool
kn_bounds(DateADT as_of, const Interval *w, DateADT *b1, DateADT *b2, bool raise)
{
	Interval   *w2;
	Datum		t1,
				t2;

	t1 = DirectFunctionCall2(date_mi_interval, DateADTGetDatum(as_of),
							 IntervalPGetDatum(w));
	w2 = DatumGetIntervalP(DirectFunctionCall2(interval_mul, IntervalPGetDatum(w),
											   Float8GetDatum(2.0)));
	t2 = DirectFunctionCall2(date_mi_interval, DateADTGetDatum(as_of),
							 IntervalPGetDatum(w2));
	*b1 = DatumGetDateADT(DirectFunctionCall1(timestamp_date, t1));
	*b2 = DatumGetDateADT(DirectFunctionCall1(timestamp_date, t2));
	if (!(*b1 < as_of && *b2 < *b1) || DATE_NOT_FINITE(*b2))
	{
		if (!raise)
			return false;
		qx_bad_arg("Pass a window such as '90 days' or '3 months': as_of - window_len must fall on an earlier day than as_of, and as_of - 2 * window_len earlier still.",
				   "window_len must be a positive interval, got %s", interval_str(w));
	}
	return true;
}

static void
kn_check_threshold(double threshold)
{
	qx_require_finite(threshold, "threshold");
	if (threshold <= 0 || threshold >= 1)
		qx_bad_arg("threshold is a share strictly between 0 and 1; 0.2 means a 20 % change in revenue.",
				   "threshold must be greater than 0 and less than 1, got %s",
				   qx_float_str(threshold));
}

static bool
kn_params_same(const KnParams *p, DateADT as_of, const Interval *w, double threshold)
{
	return p->as_of == as_of && interval_same(&p->window, w) && p->threshold == threshold;
}

/* A state of parameters p, which must outlive it, in a zeroed chunk. */
static KnState *
kn_init(KnState *st, const KnParams *p, DateADT b1, DateADT b2)
{
	st->p = p;
	st->b1 = b1;
	st->b2 = b2;
	rfm_core_init(&st->core);
	qx_money_init(&st->revenue_recent);
	qx_money_init(&st->revenue_prior);
	return st;
}

/* A state sharing p, which outlives it. */
static KnState *
kn_new(MemoryContext ctx, const KnParams *p, DateADT b1, DateADT b2)
{
	return kn_init(MemoryContextAllocZero(ctx, sizeof(KnState)), p, b1, b2);
}

/* A state with its own copy of the parameters, in the same chunk. */
static KnState *
kn_new_own(MemoryContext ctx, DateADT as_of, const Interval *w, double threshold,
		   DateADT b1, DateADT b2)
{
	KnState    *st = MemoryContextAllocZero(ctx, sizeof(KnState) + sizeof(KnParams));
	KnParams   *p = (KnParams *) (st + 1);

	p->as_of = as_of;
	p->window = *w;
	p->threshold = threshold;
	return kn_init(st, p, b1, b2);
}

/*
 * The problem of a decoded state in words, or NULL: its counts and revenues,
 * the core's own check, then the dates against the windows.
 */
static const char *
kn_problem(const KnState *st)
{
	const RfmCore *c = &st->core;
	const char *problem;

	if (c->orders < 0 || st->orders_recent < 0 || st->orders_prior < 0)
		return "an order count is negative";
	if (st->orders_recent > c->orders - st->orders_prior)
		return "window orders exceed orders";
	if (st->orders_recent == 0 && !qx_money_is_zero(&st->revenue_recent))
		return "revenue_recent without recent orders";
	if (st->orders_prior == 0 && !qx_money_is_zero(&st->revenue_prior))
		return "revenue_prior without prior orders";
	if ((problem = rfm_core_problem(c, st->p->as_of)) != NULL || c->orders == 0)
		return problem;
	if (st->orders_recent > 0 && c->last <= st->b1)
		return "recent orders but last order before the recent window";
	if (st->orders_recent == 0 && c->last > st->b1)
		return "last order in the recent window but no recent orders";
	if (st->orders_prior > 0 && (c->first > st->b1 || c->last <= st->b2))
		return "prior orders outside the dates of the state";
	if (st->orders_recent + st->orders_prior < c->orders && c->first > st->b2)
		return "orders before the prior window but first order inside it";
	if (st->orders_recent + st->orders_prior == c->orders && c->first <= st->b2)
		return "first order before the prior window but no order there";
	return NULL;
}

static bytea *
kn_encode(const KnState *st)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, KN_VERSION);
	pq_sendint32(&buf, st->p->as_of);
	pq_sendint32(&buf, st->p->window.month);
	pq_sendint32(&buf, st->p->window.day);
	pq_sendint64(&buf, st->p->window.time);
	pq_sendfloat8(&buf, st->p->threshold);
	rfm_core_send(&buf, &st->core);
	pq_sendint64(&buf, st->orders_recent);
	qx_money_send(&buf, &st->revenue_recent);
	pq_sendint64(&buf, st->orders_prior);
	qx_money_send(&buf, &st->revenue_prior);
	return pq_endtypsend(&buf);
}

static KnState *
kn_decode(const char *data, int len, MemoryContext ctx)
{
	QxReader	r;
	KnState    *st;
	const char *problem;
	DateADT		as_of,
				b1,
				b2;
	Interval	w;
	double		thr;

	qx_reader_begin(&r, data, len, KN_TYPE, KN_VERSION);
	as_of = qx_get_date(&r, "as_of");
	w.month = qx_get_int32(&r);
	w.day = qx_get_int32(&r);
	w.time = qx_get_int64(&r);
	thr = qx_get_float8(&r);
	if (!isfinite(thr) || thr <= 0 || thr >= 1)
		qx_bad_binary(&r, "threshold is not between 0 and 1");
	if (!kn_bounds(as_of, &w, &b1, &b2, false))
		qx_bad_binary(&r, "window is not positive");
	st = kn_new_own(ctx, as_of, &w, thr, b1, b2);
	rfm_core_recv(&r, &st->core, ctx);
	st->orders_recent = qx_get_int64(&r);
	qx_money_recv(&r, &st->revenue_recent, ctx, "revenue_recent");
	st->orders_prior = qx_get_int64(&r);
	qx_money_recv(&r, &st->revenue_prior, ctx, "revenue_prior");
	qx_get_end(&r);
	if ((problem = kn_problem(st)) != NULL)
		qx_bad_binary(&r, problem);
	return st;
}

static void
kn_combine_into(KnState *st, const KnState *o, MemoryContext ctx)
{
	if (st->p->as_of != o->p->as_of)
		qx_param_mismatch("rfm_kinetic", "as_of", qx_date_str(st->p->as_of),
						  qx_date_str(o->p->as_of));
	if (!interval_same(&st->p->window, &o->p->window))
		qx_param_mismatch("rfm_kinetic", "window_len", interval_str(&st->p->window),
						  interval_str(&o->p->window));
	if (st->p->threshold != o->p->threshold)
		qx_param_mismatch("rfm_kinetic", "threshold", qx_float_str(st->p->threshold),
						  qx_float_str(o->p->threshold));
	/* an empty state adds nothing, not even the scale of its zero revenues */
	if (o->core.orders == 0)
		return;
	rfm_core_combine(&st->core, &o->core, ctx, "rfm_kinetic");
	rfm_core_add_count(&st->orders_recent, o->orders_recent, "rfm_kinetic");
	rfm_core_add_count(&st->orders_prior, o->orders_prior, "rfm_kinetic");
	qx_money_add(&st->revenue_recent, &o->revenue_recent, ctx);
	qx_money_add(&st->revenue_prior, &o->revenue_prior, ctx);
}

static KnState *
kn_copy(const KnState *src, MemoryContext ctx)
{
	KnState    *st = kn_new_own(ctx, src->p->as_of, &src->p->window, src->p->threshold,
									src->b1, src->b2);

	kn_combine_into(st, src, ctx);
	return st;
}

/* the aggregate's support functions and its X_merge pair: see aggregate.h */
QX_STATE_SUPPORT(rfm_kinetic, KnState, kn_encode, kn_decode, kn_copy, kn_combine_into);
QX_STATE_MERGE(rfm_kinetic, rfm_kinetic_final, NULL, NULL);

/*
 * The empty state of a new group: parameters checked and window bounds
 * computed once per distinct parameters in a row (KnCache).
 */
static KnState *
kn_group_state(FunctionCallInfo fcinfo, MemoryContext ctx, DateADT as_of,
			   const Interval *w, double threshold)
{
	KnCache    *c = (KnCache *) fcinfo->flinfo->fn_extra;

	if (c == NULL)
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(KnCache));
		fcinfo->flinfo->fn_extra = c;
	}
	if (c->have_first && kn_params_same(&c->first, as_of, w, threshold))
		return kn_new(ctx, &c->first, c->first_b1, c->first_b2);
	if (!c->have_last || !kn_params_same(&c->last, as_of, w, threshold))
	{
		qx_require_finite_date(as_of, "as_of");
		kn_check_threshold(threshold);
		kn_bounds(as_of, w, &c->last_b1, &c->last_b2, true);
		c->last.as_of = as_of;
		c->last.window = *w;
		c->last.threshold = threshold;
		c->have_last = true;
	}
	if (!c->have_first)
	{
		c->first = c->last;
		c->first_b1 = c->last_b1;
		c->first_b2 = c->last_b2;
		c->have_first = true;
		return kn_new(ctx, &c->first, c->first_b1, c->first_b2);
	}
	return kn_new_own(ctx, as_of, w, threshold, c->last_b1, c->last_b2);
}

PG_FUNCTION_INFO_V1(rfm_kinetic_trans);
/*
 * rfm_kinetic_trans(state, ts, amount, as_of [, window_len [, threshold]]):
 * not strict.  NULL parameters are errors; rows with NULL ts or amount, or
 * ts after as_of, are skipped.
 */
Datum
rfm_kinetic_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "rfm_kinetic_trans");
	KnState    *st;
	DateADT		as_of;
	Interval	wdefault = {0, KN_DEFAULT_DAYS, 0};
	Interval   *w = &wdefault;
	double		threshold = KN_DEFAULT_THRESHOLD;
	DateADT		ts;
	QxAmount	amount;

	as_of = DatumGetDateADT(qx_param(fcinfo, 3, "as_of"));
	if (PG_NARGS() > 4)
		w = DatumGetIntervalP(qx_param(fcinfo, 4, "window_len"));
	if (PG_NARGS() > 5)
		threshold = DatumGetFloat8(qx_param(fcinfo, 5, "threshold"));

	if (PG_ARGISNULL(0))
		st = kn_group_state(fcinfo, ctx, as_of, w, threshold);
	else
	{
		st = (KnState *) PG_GETARG_POINTER(0);
		if (st->p->as_of != as_of)
			qx_param_changed("as_of", qx_date_str(st->p->as_of), qx_date_str(as_of));
		if (!interval_same(&st->p->window, w))
			qx_param_changed("window_len", interval_str(&st->p->window), interval_str(w));
		if (st->p->threshold != threshold)
			qx_param_changed("threshold", qx_float_str(st->p->threshold),
							 qx_float_str(threshold));
	}
	if (!qx_order_row(fcinfo, as_of, &ts, &amount))
		PG_RETURN_POINTER(st);
	rfm_core_add(&st->core, ts, &amount, ctx);
	if (ts > st->b1)
	{
		st->orders_recent++;
		qx_money_add_amount(&st->revenue_recent, &amount, ctx);
	}
	else if (ts > st->b2)
	{
		st->orders_prior++;
		qx_money_add_amount(&st->revenue_prior, &amount, ctx);
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(rfm_kinetic_state_trans);
/* rfm_kinetic_trans on a real rfm_kinetic_state (bench/state_design.sh only) */
Datum
rfm_kinetic_state_trans(PG_FUNCTION_ARGS)
{
	return qx_state_rows_trans(fcinfo, &rfm_kinetic_state_agg, rfm_kinetic_trans,
							   "rfm_kinetic_state_trans");
}

static int32
kn_int4_count(int64 n, const char *field)
{
	if (n > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("rfm_kinetic: %s out of range for type integer", field)));
	return (int32) n;
}

/*
 * Compare the trend with bound (+-threshold) as README "rfm_kinetic" states
 * the rule in SQL: ((recent - prior) / prior)::float8 against the threshold's
 * binary value -- the numeric quotient of the decimal revenues, rounded once
 * to float8.  The float revenue_trend rt can land one rounding on the other
 * side (1000.20 -> 800.16 is a 20 % drop, but -200.04 / 1000.20 gives
 * -0.19999999999999998), so near the bound the quotient is computed as SQL
 * computes it.  rt is within a few ulps of that quotient, so farther away
 * than KN_TREND_NEAR (relative) rt decides.  prior > 0 here.
 */
#define KN_TREND_NEAR 1e-9

static int
kn_trend_cmp(double rt, Numeric rev_recent, Numeric rev_prior, double bound)
{
	Datum		q;
	double		trend;

	if (fabs(rt - bound) > KN_TREND_NEAR * Max(1.0, fabs(bound)))
		return rt < bound ? -1 : 1;
	q = DirectFunctionCall2(numeric_div,
							DirectFunctionCall2(numeric_sub, NumericGetDatum(rev_recent),
												NumericGetDatum(rev_prior)),
							NumericGetDatum(rev_prior));
	/* rounded as float8in rounds; a quotient below float8's range is 0, not an error */
	trend = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, q));
	return (trend > bound) - (trend < bound);
}

/* Fields of the rfm_kinetic composite, in order (README "rfm_kinetic"). */
enum
{
	KN_RECENCY, KN_FREQUENCY, KN_MONETARY, KN_FIRST, KN_LAST,
	KN_ORDERS_RECENT, KN_ORDERS_PRIOR, KN_REVENUE_RECENT, KN_REVENUE_PRIOR,
	KN_TICKET_RECENT, KN_TICKET_PRIOR, KN_FREQUENCY_TREND, KN_TICKET_TREND,
	KN_REVENUE_TREND, KN_SEGMENT, KN_NFIELDS
};

/*
 * revenue / orders of a window into the field, rounded as derived money;
 * false (and the field NULL) without orders
 */
static bool
kn_ticket(const QxMoney *revenue, int64 orders, int scale, Datum *value, bool *isnull)
{
	*isnull = (orders == 0);
	if (orders == 0)
		return false;
	*value = NumericGetDatum(qx_money_div_round(revenue, orders, scale));
	return true;
}

/* The segment (README "rfm_kinetic": the first rule that holds). */
static const char *
kn_segment(const KnState *st, bool have_rt, double rt, Numeric rev_recent, Numeric rev_prior)
{
	if (st->orders_recent == 0 && st->orders_prior == 0)
		return "lost";
	if (st->core.first > st->b1)
		return "new";
	if (st->orders_prior == 0)
		return "returning";
	if (st->orders_recent == 0 ||
		(have_rt && kn_trend_cmp(rt, rev_recent, rev_prior, -st->p->threshold) <= 0))
		return "fading";
	if (have_rt && kn_trend_cmp(rt, rev_recent, rev_prior, st->p->threshold) >= 0)
		return "growing";
	return "steady";
}

/*
 * An empty window's revenue: 0 at the scale of the customer's amounts from
 * 1.3 on (0.00 beside 120.00, SPEC §0), a bare 0 under the 1.0-1.2 SQL
 * definitions, which keep their symbol and so their result until ALTER
 * EXTENSION UPDATE (doc/operations.md "What an update changes").
 */
static Numeric
kn_window_revenue(const QxMoney *revenue, int64 orders, int scale, bool scaled_zero)
{
	QxMoney		zero;

	if (orders > 0 || !scaled_zero)
		return qx_money_get(revenue);
	qx_money_init(&zero);
	zero.scale = scale;
	return qx_money_get(&zero);
}

static Datum kn_final(FunctionCallInfo fcinfo, bool scaled_zero);

PG_FUNCTION_INFO_V1(rfm_kinetic_final);
/* The rfm_kinetic composite of 1.0-1.2; NULL when no row was counted. */
Datum
rfm_kinetic_final(PG_FUNCTION_ARGS)
{
	return kn_final(fcinfo, false);
}

PG_FUNCTION_INFO_V1(rfm_kinetic_final_1_3);
/* The rfm_kinetic composite of 1.3: an empty window's revenue keeps the scale. */
Datum
rfm_kinetic_final_1_3(PG_FUNCTION_ARGS)
{
	return kn_final(fcinfo, true);
}

PG_FUNCTION_INFO_V1(rfm_kinetic_state_final_1_3);
/*
 * rfm_kinetic_merge's final function from 1.3 on (SQL rfm_kinetic_state_final,
 * which 1.0--1.2 scripts bind to the C rfm_kinetic_state_final of
 * QX_STATE_MERGE above, with the 1.2 final): the 1.3 final over the same
 * working state.
 */
Datum
rfm_kinetic_state_final_1_3(PG_FUNCTION_ARGS)
{
	return qx_state_final(fcinfo, &rfm_kinetic_state_agg, rfm_kinetic_final_1_3,
						  "rfm_kinetic_state_final");
}

static Datum
kn_final(FunctionCallInfo fcinfo, bool scaled_zero)
{
	KnState    *st;
	Datum		values[KN_NFIELDS];
	bool		nulls[KN_NFIELDS] = {0};
	Numeric		rev_recent,
				rev_prior;
	bool		ticket_recent,
				ticket_prior;
	bool		have_rt;
	double		rt = 0;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (KnState *) PG_GETARG_POINTER(0);
	if (st->core.orders == 0)
		PG_RETURN_NULL();

	rev_recent = kn_window_revenue(&st->revenue_recent, st->orders_recent,
								   st->core.monetary.scale, scaled_zero);
	rev_prior = kn_window_revenue(&st->revenue_prior, st->orders_prior,
								  st->core.monetary.scale, scaled_zero);
	values[KN_RECENCY] = Int32GetDatum(st->p->as_of - st->core.last);
	values[KN_FREQUENCY] = Int64GetDatum(st->core.orders);
	values[KN_MONETARY] = NumericGetDatum(qx_money_get(&st->core.monetary));
	values[KN_FIRST] = DateADTGetDatum(st->core.first);
	values[KN_LAST] = DateADTGetDatum(st->core.last);
	values[KN_ORDERS_RECENT] = Int32GetDatum(kn_int4_count(st->orders_recent, "orders_recent"));
	values[KN_ORDERS_PRIOR] = Int32GetDatum(kn_int4_count(st->orders_prior, "orders_prior"));
	values[KN_REVENUE_RECENT] = NumericGetDatum(rev_recent);
	values[KN_REVENUE_PRIOR] = NumericGetDatum(rev_prior);
	/* both tickets at the scale of the customer's amounts (README "Money") */
	ticket_recent = kn_ticket(&st->revenue_recent, st->orders_recent, qx_derived_scale(st->core.monetary.scale),
							  &values[KN_TICKET_RECENT], &nulls[KN_TICKET_RECENT]);
	ticket_prior = kn_ticket(&st->revenue_prior, st->orders_prior, qx_derived_scale(st->core.monetary.scale),
							 &values[KN_TICKET_PRIOR], &nulls[KN_TICKET_PRIOR]);
	/* frequency_trend: exact integers, one float division */
	nulls[KN_FREQUENCY_TREND] = (st->orders_prior == 0);
	if (st->orders_prior > 0)
		values[KN_FREQUENCY_TREND] =
			Float8GetDatum(((double) st->orders_recent - (double) st->orders_prior) /
						   (double) st->orders_prior);
	/* from the exact means: the rounded ticket_prior may be 0 when they are not */
	nulls[KN_TICKET_TREND] = !(ticket_recent && ticket_prior &&
							   qx_money_sign(&st->revenue_prior) != 0);
	if (!nulls[KN_TICKET_TREND])
		values[KN_TICKET_TREND] =
			Float8GetDatum(qx_mean_trend(&st->revenue_recent, st->orders_recent,
										 &st->revenue_prior, st->orders_prior));
	have_rt = qx_money_sign(&st->revenue_prior) > 0;
	nulls[KN_REVENUE_TREND] = !have_rt;
	if (have_rt)
	{
		rt = qx_trend(&st->revenue_recent, &st->revenue_prior);
		values[KN_REVENUE_TREND] = Float8GetDatum(rt);
	}
	values[KN_SEGMENT] = PointerGetDatum(cstring_to_text(kn_segment(st, have_rt, rt,
																	 rev_recent, rev_prior)));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(qx_result_desc(fcinfo), values, nulls)));
}

/* ---------------------------------------------------------------------
 * rfm_kinetic_state I/O.  Text form:
 *	v1 as_of=D window_months=M window_days=D window_usecs=U threshold=T
 *	orders=N first=D|none last=D|none monetary=X orders_recent=N
 *	revenue_recent=X orders_prior=N revenue_prior=X
 * --------------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(rfm_kinetic_state_in);
Datum
rfm_kinetic_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	QxTextParser tp;
	KnState    *st;
	DateADT		as_of,
				b1,
				b2;
	Interval	w;
	double		thr;

	qx_text_init(&tp, str, KN_TYPE, "v1");
	as_of = qx_text_date(&tp, "as_of");
	w.month = (int32) qx_text_int64(&tp, "window_months", PG_INT32_MIN, PG_INT32_MAX);
	w.day = (int32) qx_text_int64(&tp, "window_days", PG_INT32_MIN, PG_INT32_MAX);
	w.time = qx_text_int64(&tp, "window_usecs", PG_INT64_MIN, PG_INT64_MAX);
	thr = qx_text_float8(&tp, "threshold");
	if (thr <= 0 || thr >= 1)
		qx_bad_text(&tp, "threshold must be between 0 and 1.");
	if (!kn_bounds(as_of, &w, &b1, &b2, false))
		qx_bad_text(&tp, "The window is not positive.");
	st = kn_new_own(CurrentMemoryContext, as_of, &w, thr, b1, b2);
	rfm_core_text_in(&tp, &st->core, CurrentMemoryContext);
	st->orders_recent = qx_text_int64(&tp, "orders_recent", 0, PG_INT64_MAX);
	qx_text_money(&tp, "revenue_recent", &st->revenue_recent, CurrentMemoryContext);
	st->orders_prior = qx_text_int64(&tp, "orders_prior", 0, PG_INT64_MAX);
	qx_text_money(&tp, "revenue_prior", &st->revenue_prior, CurrentMemoryContext);
	qx_text_finish(&tp, kn_problem(st));
	PG_RETURN_POINTER(kn_encode(st));
}

PG_FUNCTION_INFO_V1(rfm_kinetic_state_out);
Datum
rfm_kinetic_state_out(PG_FUNCTION_ARGS)
{
	KnState    *st = qx_state_from_datum(PG_GETARG_DATUM(0), rfm_kinetic_decode_any);
	StringInfo	buf = qx_text_out_begin("v1", st->p->as_of);

	appendStringInfo(buf, " window_months=%d window_days=%d window_usecs=" INT64_FORMAT
					 " threshold=", st->p->window.month, st->p->window.day, st->p->window.time);
	qx_append_float8(buf, st->p->threshold);
	rfm_core_text_out(buf, &st->core);
	appendStringInfo(buf, " orders_recent=" INT64_FORMAT " revenue_recent=", st->orders_recent);
	qx_append_money(buf, &st->revenue_recent);
	appendStringInfo(buf, " orders_prior=" INT64_FORMAT " revenue_prior=", st->orders_prior);
	qx_append_money(buf, &st->revenue_prior);
	PG_RETURN_CSTRING(buf->data);
}

