/*
 * quotas.c
 *		Revenue and activity quotas (README "Quotas and activity quotas"): counted days, plan/fact status
 *		with pace and run-rate forecast, the period split into numbered
 *		checkpoints, pipeline coverage and sales velocity.
 *
 * Counting is O(1) in the length of the period (whole weeks are counted by
 * arithmetic) plus O(log h) for h holidays, so a period of any length is
 * fast; quota_steps finds each due date by binary search over that count.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#include "quota_ext.h"
#include "money.h"
#include "quotas.h"

/* Which dates count: weekdays minus holidays, or every date. */
typedef struct QxCalendar
{
	bool		business;		/* count Monday-Friday only */
	int			nholidays;		/* sorted, distinct, weekday holidays */
	DateADT    *holidays;
} QxCalendar;

/* Floor division and modulo for possibly negative day numbers. */
static inline int64
floor_div(int64 a, int64 b)
{
	int64		q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

#define A_MONDAY			2	/* DateADT of 2000-01-03, a Monday */
#define WEEK_DAYS			7
#define WEEKDAYS_PER_WEEK	5	/* Monday to Friday */

/*
 * Weekdays among the dates before x: counting from a Monday, 5 per whole
 * week plus min(rest, 5).
 */
static int64
weekdays_before(int64 x)
{
	int64		k = x - A_MONDAY;
	int64		weeks = floor_div(k, WEEK_DAYS);
	int64		rest = k - weeks * WEEK_DAYS;

	return weeks * WEEKDAYS_PER_WEEK + Min(rest, WEEKDAYS_PER_WEEK);
}

static bool
is_weekday(DateADT d)
{
	int64		k = (int64) d - A_MONDAY;

	return k - floor_div(k, WEEK_DAYS) * WEEK_DAYS < WEEKDAYS_PER_WEEK;
}

static int
date_cmp_qsort(const void *a, const void *b)
{
	DateADT		x = *(const DateADT *) a;
	DateADT		y = *(const DateADT *) b;

	return (x > y) - (x < y);
}

/*
 * Build a calendar.  NULL elements and infinite dates in holidays are
 * ignored; so are weekend holidays (they never counted).  With business
 * false every date counts and holidays do not matter.
 */
static void
calendar_init(QxCalendar *cal, ArrayType *holidays, bool business)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			kept = 0;

	cal->business = business;
	cal->nholidays = 0;
	cal->holidays = NULL;
	if (!business || holidays == NULL)
		return;
	if (ARR_ELEMTYPE(holidays) != DATEOID)
		elog(ERROR, "calendar_init: holidays is not a date array");

	deconstruct_array(holidays, DATEOID, sizeof(DateADT), true, TYPALIGN_INT,
					  &elems, &nulls, &n);
	cal->holidays = palloc(sizeof(DateADT) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		DateADT		d;

		if (nulls[i])
			continue;
		d = DatumGetDateADT(elems[i]);
		if (DATE_NOT_FINITE(d) || !is_weekday(d))
			continue;
		cal->holidays[kept++] = d;
	}
	if (kept > 1)
	{
		int			u = 1;

		qsort(cal->holidays, kept, sizeof(DateADT), date_cmp_qsort);
		for (int i = 1; i < kept; i++)
			if (cal->holidays[i] != cal->holidays[u - 1])
				cal->holidays[u++] = cal->holidays[i];
		kept = u;
	}
	cal->nholidays = kept;
	pfree(elems);
	pfree(nulls);
}

/* Holidays before x: a lower bound in the sorted list. */
static int64
holidays_before(const QxCalendar *cal, int64 x)
{
	int			lo = 0;
	int			hi = cal->nholidays;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if ((int64) cal->holidays[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Counted days in [from, to]; 0 when to < from.  Both dates finite. */
static int64
counted_days(const QxCalendar *cal, DateADT from, DateADT to)
{
	int64		n;

	if (to < from)
		return 0;
	if (!cal->business)
		return (int64) to - from + 1;
	n = weekdays_before((int64) to + 1) - weekdays_before(from);
	n -= holidays_before(cal, (int64) to + 1) - holidays_before(cal, from);
	return n;
}

/*
 * Checks shared by quota_status, quota_steps and ramped_quota; returns the
 * total count.  empty_hint: the hint for a period with no counted day.
 */
#define HINT_COUNT_EVERY_DATE "Pass business_days => false to count every date."
static int64
check_period(const QxCalendar *cal, DateADT period_start, DateADT period_end,
			 const char *empty_hint)
{
	int64		total;

	qx_require_finite_date(period_start, "period_start");
	qx_require_finite_date(period_end, "period_end");
	if (period_end < period_start)
		qx_bad_arg("Periods are inclusive: [period_start, period_end].",
				   "period_end %s is before period_start %s",
				   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(period_end))),
				   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(period_start))));
	total = counted_days(cal, period_start, period_end);
	if (total == 0)
		qx_bad_arg(empty_hint,
				   "the period from %s to %s has no counted day",
				   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(period_start))),
				   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(period_end))));
	return total;
}

/* numeric_sign() returns a Numeric; this is its sign as an int. */
static int
numeric_sign_int(Numeric n)
{
	Datum		zero = DirectFunctionCall1(int4_numeric, Int32GetDatum(0));

	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(n), zero));
}

/* Finite numeric: no NaN, no +-Infinity. */
static void
require_finite_numeric(Numeric n, const char *argname)
{
	if (numeric_is_nan(n) || numeric_is_inf(n))
		qx_bad_arg("Pass a finite number.", "%s must be a finite number, got %s",
				   argname,
				   qx_numeric_str(n));
}

static void
require_nonnegative_numeric(Numeric n, const char *argname)
{
	require_finite_numeric(n, argname);
	if (numeric_sign_int(n) < 0)
		qx_bad_arg(NULL, "%s must not be negative, got %s", argname,
				   qx_numeric_str(n));
}

#define num_mul(a, b)	DirectFunctionCall2(numeric_mul, (a), (b))
#define num_div(a, b)	DirectFunctionCall2(numeric_div, (a), (b))
#define num_sub(a, b)	DirectFunctionCall2(numeric_sub, (a), (b))
#define num_int(i)		NumericGetDatum(int64_to_numeric(i))
/*
 * A ratio of numeric arguments as float8: what names it and the arguments it
 * divides ("attainment", "actual / quota") for the 22003 error when it is
 * past float8's range; one below float8's range is 0.
 */
static double
num_float8(Datum n, const char *what, const char *ratio)
{
	double		v = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, n));

	if (isinf(v))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s is out of range for type double precision", what),
				 errdetail("%s is %s.", ratio, qx_numeric_str(DatumGetNumeric(n))),
				 errhint("float8 holds magnitudes up to about 1e308; check the units of the arguments.")));
	return v;
}

/*
 * business_days() keeps the calendar of the last holidays array it saw in
 * fn_extra, with a copy of the array's bytes, so a query over millions of
 * rows with a constant (or rarely changing) holidays list builds it once.
 */
typedef struct QxCalendarCache
{
	ArrayType  *source;			/* copy of the holidays array */
	QxCalendar	cal;			/* holidays in fn_mcxt */
} QxCalendarCache;

PG_FUNCTION_INFO_V1(business_days);
/* business_days(from_date, to_date, holidays DEFAULT '{}') -> int */
Datum
business_days(PG_FUNCTION_ARGS)
{
	DateADT		from = PG_GETARG_DATEADT(0);
	DateADT		to = PG_GETARG_DATEADT(1);
	ArrayType  *holidays = PG_GETARG_ARRAYTYPE_P(2);
	QxCalendarCache *cache = (QxCalendarCache *) fcinfo->flinfo->fn_extra;

	qx_require_finite_date(from, "from_date");
	qx_require_finite_date(to, "to_date");
	/* no holidays (the default '{}'): weekdays only, nothing to cache */
	if (ARR_NDIM(holidays) == 0)
	{
		static const QxCalendar weekdays = {true, 0, NULL};

		PG_RETURN_INT32((int32) counted_days(&weekdays, from, to));
	}
	if (cache == NULL || VARSIZE(cache->source) != VARSIZE(holidays) ||
		memcmp(cache->source, holidays, VARSIZE(holidays)) != 0)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		QxCalendar	cal;

		/* build first: an error must not leave a half-built cache behind */
		calendar_init(&cal, holidays, true);
		if (cache == NULL)
			cache = palloc0(sizeof(QxCalendarCache));
		else
		{
			pfree(cache->source);
			if (cache->cal.holidays)
				pfree(cache->cal.holidays);
		}
		cache->cal = cal;
		cache->source = palloc(VARSIZE(holidays));
		memcpy(cache->source, holidays, VARSIZE(holidays));
		fcinfo->flinfo->fn_extra = cache;
		MemoryContextSwitchTo(old);
	}
	PG_RETURN_INT32((int32) counted_days(&cache->cal, from, to));
}

PG_FUNCTION_INFO_V1(quota_status);
/*
 * quota_status(actual, quota, period_start, period_end, as_of, holidays,
 *				business_days) -> quota_status
 * Plan/fact of a quota at as_of: counted days, expected to date,
 * attainment, pace, run-rate forecast, gap and what is needed per day.
 */
Datum
quota_status(PG_FUNCTION_ARGS)
{
	Numeric		actual = PG_GETARG_NUMERIC(0);
	Numeric		quota = PG_GETARG_NUMERIC(1);
	DateADT		period_start = PG_GETARG_DATEADT(2);
	DateADT		period_end = PG_GETARG_DATEADT(3);
	DateADT		as_of = PG_GETARG_DATEADT(4);
	QxCalendar	cal;
	TupleDesc	tupdesc;
	Datum		values[10];
	bool		nulls[10] = {0};
	int64		total,
				elapsed,
				remaining;
	Datum		d_actual = NumericGetDatum(actual);
	Datum		d_quota = NumericGetDatum(quota);
	Datum		quota_elapsed;
	Datum		actual_total;
	Datum		gap;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "quota_status: return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);

	require_finite_numeric(actual, "actual");
	require_nonnegative_numeric(quota, "quota");
	calendar_init(&cal, PG_GETARG_ARRAYTYPE_P(5), PG_GETARG_BOOL(6));
	total = check_period(&cal, period_start, period_end, HINT_COUNT_EVERY_DATE);

	/* as_of may be +-infinity: before the period nothing, after it all */
	elapsed = counted_days(&cal, period_start, Min(as_of, period_end));
	remaining = total - elapsed;

	values[0] = Int32GetDatum((int32) total);
	values[1] = Int32GetDatum((int32) elapsed);
	values[2] = Int32GetDatum((int32) remaining);

	/*
	 * Derived money is rounded (README "Money"); pace and on_track are
	 * decided on the exact quota * elapsed / total and run rate, so a
	 * rounding never turns a miss into on track.
	 */
	quota_elapsed = num_mul(d_quota, num_int(elapsed));
	values[3] = NumericGetDatum(qx_numeric_div_round(DatumGetNumeric(quota_elapsed), total,
													 qx_derived_scale(qx_numeric_dscale(quota))));

	if (numeric_sign_int(quota) == 0)
		nulls[4] = true;
	else
		values[4] = Float8GetDatum(num_float8(num_div(d_actual, d_quota), "attainment",
												 "actual / quota"));

	actual_total = num_mul(d_actual, num_int(total));
	if (numeric_sign_int(DatumGetNumeric(quota_elapsed)) == 0)
		nulls[5] = true;
	else
		values[5] = Float8GetDatum(num_float8(num_div(actual_total, quota_elapsed), "pace",
												 "actual / expected_to_date"));

	if (elapsed == 0)
	{
		nulls[6] = true;
		nulls[9] = true;
	}
	else
	{
		values[6] = NumericGetDatum(qx_numeric_div_round(DatumGetNumeric(actual_total), elapsed,
														 qx_derived_scale(qx_numeric_dscale(actual))));
		/* forecast >= quota, exactly: actual * total >= quota * elapsed */
		values[9] = BoolGetDatum(DatumGetInt32(DirectFunctionCall2(numeric_cmp, actual_total,
																	 quota_elapsed)) >= 0);
	}

	/* the gap keeps the scale of quota - actual, also when it is 0 */
	gap = num_sub(d_quota, d_actual);
	if (numeric_sign_int(DatumGetNumeric(gap)) < 0)
		gap = DirectFunctionCall2(numeric_round, num_int(0),
								  Int32GetDatum(qx_numeric_dscale(DatumGetNumeric(gap))));
	values[7] = gap;

	if (remaining == 0)
		nulls[8] = true;
	else
		values[8] = NumericGetDatum(qx_numeric_div_round(DatumGetNumeric(gap), remaining,
														 qx_derived_scale(qx_numeric_dscale(DatumGetNumeric(gap)))));

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* What quota_steps keeps between calls. */
typedef struct StepsState
{
	QxCalendar	cal;
	DateADT		period_start;
	DateADT		period_end;
	int64		total;
	int32		steps;
	Datum		quota;			/* numeric, copied into the SRF context */
	int			scale;			/* of the targets: derived money */
} StepsState;

/* Earliest counted day d in the period with counted [start, d] >= need. */
static DateADT
due_date(const StepsState *st, int64 need)
{
	DateADT		lo = st->period_start;
	DateADT		hi = st->period_end;

	while (lo < hi)
	{
		DateADT		mid = lo + (hi - lo) / 2;

		if (counted_days(&st->cal, st->period_start, mid) >= need)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* quotas.h: quota_steps' due dates for other files (booking_rhythm) */
int64
qx_steps_due(DateADT period_start, DateADT period_end, ArrayType *holidays,
			 bool business_days, int steps, DateADT *due)
{
	StepsState	st;

	memset(&st, 0, sizeof(st));
	calendar_init(&st.cal, holidays, business_days);
	st.period_start = period_start;
	st.period_end = period_end;
	st.total = check_period(&st.cal, period_start, period_end, HINT_COUNT_EVERY_DATE);
	if (steps < 1 || steps > st.total)
		qx_bad_arg(psprintf("The period has " INT64_FORMAT " counted days; it needs at least %d.",
							st.total, steps),
				   "the period from %s to %s has " INT64_FORMAT " counted days, fewer than %d steps",
				   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(period_start))), DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(period_end))),
				   st.total, steps);
	for (int k = 1; k <= steps; k++)
		due[k - 1] = due_date(&st, (st.total * k + steps - 1) / steps);
	return st.total;
}

/* quotas.h: the n-th last counted day of a period */
DateADT
qx_nth_last_counted_day(DateADT period_start, DateADT period_end, ArrayType *holidays,
						bool business_days, int n)
{
	StepsState	st;

	memset(&st, 0, sizeof(st));
	calendar_init(&st.cal, holidays, business_days);
	st.period_start = period_start;
	st.period_end = period_end;
	st.total = counted_days(&st.cal, period_start, period_end);
	if (st.total <= n)
		return period_start;
	/* counted [d, end] = n  <=>  counted [start, d] = total - n + 1 */
	return due_date(&st, st.total - n + 1);
}

PG_FUNCTION_INFO_V1(quota_steps);
/*
 * quota_steps(quota, period_start, period_end, steps, holidays,
 *			   business_days) -> TABLE(step, due, target)
 * The period as numbered checkpoints; one row per call so a long series
 * streams instead of being built in memory.
 */
Datum
quota_steps(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	StepsState *st;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext oldcontext;
		Numeric		quota = PG_GETARG_NUMERIC(0);
		int32		steps = PG_GETARG_INT32(3);
		TupleDesc	tupdesc;

		funcctx = SRF_FIRSTCALL_INIT();
		oldcontext = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);

		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "quota_steps: return type must be a row type");
		funcctx->tuple_desc = BlessTupleDesc(tupdesc);

		st = palloc0(sizeof(StepsState));
		require_nonnegative_numeric(quota, "quota");
		st->quota = datumCopy(NumericGetDatum(quota), false, -1);
		st->scale = qx_derived_scale(qx_numeric_dscale(quota));
		st->period_start = PG_GETARG_DATEADT(1);
		st->period_end = PG_GETARG_DATEADT(2);
		calendar_init(&st->cal, PG_GETARG_ARRAYTYPE_P(4), PG_GETARG_BOOL(5));
		st->total = check_period(&st->cal, st->period_start, st->period_end,
								 HINT_COUNT_EVERY_DATE);
		if (steps < 1 || steps > st->total)
			qx_bad_arg(psprintf("The period has " INT64_FORMAT " counted days; pass at most that many steps.",
								st->total),
					   "steps must be between 1 and " INT64_FORMAT ", got %d",
					   st->total, steps);
		st->steps = steps;
		funcctx->max_calls = steps;
		funcctx->user_fctx = st;
		MemoryContextSwitchTo(oldcontext);
	}

	funcctx = SRF_PERCALL_SETUP();
	st = (StepsState *) funcctx->user_fctx;

	if (funcctx->call_cntr < funcctx->max_calls)
	{
		int64		k = (int64) funcctx->call_cntr + 1;
		int64		need = (st->total * k + st->steps - 1) / st->steps;
		Datum		values[3];
		bool		nulls[3] = {0};

		CHECK_FOR_INTERRUPTS();
		values[0] = Int32GetDatum((int32) k);
		values[1] = DateADTGetDatum(due_date(st, need));
		/* every target, the last (= quota) too, with the derived-money scale */
		values[2] = NumericGetDatum(qx_numeric_div_round(DatumGetNumeric(num_mul(st->quota, num_int(k))),
														 st->steps, st->scale));
		SRF_RETURN_NEXT(funcctx,
						HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}

PG_FUNCTION_INFO_V1(pipeline_coverage);
/* pipeline_coverage(open_pipeline, quota, closed DEFAULT 0) -> float8 */
Datum
pipeline_coverage(PG_FUNCTION_ARGS)
{
	Numeric		open_pipeline = PG_GETARG_NUMERIC(0);
	Numeric		quota = PG_GETARG_NUMERIC(1);
	Numeric		closed = PG_GETARG_NUMERIC(2);
	Datum		remaining;

	require_nonnegative_numeric(open_pipeline, "open_pipeline");
	require_nonnegative_numeric(quota, "quota");
	require_finite_numeric(closed, "closed");

	remaining = num_sub(NumericGetDatum(quota), NumericGetDatum(closed));
	if (numeric_sign_int(DatumGetNumeric(remaining)) <= 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(num_float8(num_div(NumericGetDatum(open_pipeline), remaining),
								 "pipeline_coverage", "open_pipeline / (quota - closed)"));
}

PG_FUNCTION_INFO_V1(sales_velocity);
/* sales_velocity(opportunities, win_rate, avg_deal, cycle_days) -> revenue per day */
Datum
sales_velocity(PG_FUNCTION_ARGS)
{
	double		opportunities = PG_GETARG_FLOAT8(0);
	double		win_rate = PG_GETARG_FLOAT8(1);
	double		avg_deal = PG_GETARG_FLOAT8(2);
	double		cycle_days = PG_GETARG_FLOAT8(3);
	double		velocity;

	qx_require_nonnegative(opportunities, "opportunities");
	qx_require_share(win_rate, "win_rate");
	qx_require_nonnegative(avg_deal, "avg_deal");
	qx_require_finite(cycle_days, "cycle_days");
	if (cycle_days <= 0)
		qx_bad_arg("cycle_days is the average length of a sales cycle in days.",
				   "cycle_days must be greater than 0, got %s", qx_float_str(cycle_days));

	velocity = opportunities * win_rate * avg_deal / cycle_days;
	if (isinf(velocity))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("sales_velocity is out of range for type double precision")));
	PG_RETURN_FLOAT8(velocity);
}

/* The ramp's factors, checked: one dimension, no NULL, each in [0, 1]. */
static Datum *
ramp_factors(ArrayType *ramp, int *n)
{
	Datum	   *elems;
	bool	   *nulls;

	if (ARR_NDIM(ramp) > 1)
		qx_bad_arg("Pass the monthly factors as a one-dimensional array, e.g. '{0.25, 0.5, 0.75}'.",
				   "ramp must be a one-dimensional array, got %d dimensions", ARR_NDIM(ramp));
	deconstruct_array(ramp, NUMERICOID, -1, false, TYPALIGN_INT, &elems, &nulls, n);
	for (int i = 0; i < *n; i++)
	{
		Numeric		f;
		char		name[32];

		CHECK_FOR_INTERRUPTS();
		snprintf(name, sizeof(name), "ramp[%d]", i + 1);
		if (nulls[i])
			qx_bad_arg("Each element is the share of the full quota in that month of tenure.",
					   "%s must not be NULL", name);
		f = DatumGetNumeric(elems[i]);
		require_nonnegative_numeric(f, name);
		if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, elems[i], num_int(1))) > 0)
			qx_bad_arg("Pass shares between 0 and 1; divide percentages by 100.",
					   "%s must be between 0 and 1, got %s", name, qx_numeric_str(f));
	}
	return elems;
}

/* start + months, as date + interval 'n months' (the day clamped to the month's end). */
static DateADT
add_months(int year, int month, int day, int64 months)
{
	int64		m = (int64) month - 1 + months;
	int			y = year + (int) (m / 12);
	int			mon = (int) (m % 12) + 1;

	day = Min(day, day_tab[isleap(y)][mon - 1]);
	return date2j(y, mon, day) - POSTGRES_EPOCH_JDATE;
}

PG_FUNCTION_INFO_V1(ramped_quota);
/*
 * ramped_quota(full_quota, start_date, period_start, period_end, ramp,
 *				holidays) -> numeric
 * A new rep's quota: each counted day of the period carries 0 before
 * start_date, ramp[k] in the k-th month of tenure and 1 after the ramp;
 * the quota is full_quota times the mean factor, rounded as derived money.
 * The sum of factors is exact: ramp[k] times the counted days of month k.
 */
Datum
ramped_quota(PG_FUNCTION_ARGS)
{
	Numeric		full_quota = PG_GETARG_NUMERIC(0);
	DateADT		start = PG_GETARG_DATEADT(1);
	DateADT		period_start = PG_GETARG_DATEADT(2);
	DateADT		period_end = PG_GETARG_DATEADT(3);
	QxCalendar	cal;
	Datum	   *factors;
	int			nfactors;
	int64		total;
	int			y,
				m,
				d;
	DateADT		lo = start;
	Datum		factor_days = num_int(0);

	require_nonnegative_numeric(full_quota, "full_quota");
	qx_require_finite_date(start, "start_date");
	calendar_init(&cal, PG_GETARG_ARRAYTYPE_P(5), true);
	total = check_period(&cal, period_start, period_end,
						 "ramped_quota counts Monday to Friday, holidays excluded.");
	factors = ramp_factors(PG_GETARG_ARRAYTYPE_P(4), &nfactors);

	j2date(start + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	for (int k = 1; k <= nfactors && lo <= period_end; k++)
	{
		DateADT		hi = add_months(y, m, d, k);
		int64		c = counted_days(&cal, Max(lo, period_start), Min(hi - 1, period_end));

		CHECK_FOR_INTERRUPTS();
		if (c > 0)
			factor_days = DirectFunctionCall2(numeric_add, factor_days,
											  num_mul(factors[k - 1], num_int(c)));
		lo = hi;
	}
	if (lo <= period_end)
		factor_days = DirectFunctionCall2(numeric_add, factor_days,
										  num_int(counted_days(&cal, Max(lo, period_start),
															   period_end)));

	PG_RETURN_NUMERIC(qx_numeric_div_round(DatumGetNumeric(num_mul(NumericGetDatum(full_quota),
																	   factor_days)),
										   total, qx_derived_scale(qx_numeric_dscale(full_quota))));
}
