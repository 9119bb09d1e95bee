/*
 * xyz.c
 *		Demand variability and XYZ classes (README "ABC and XYZ classes"): the aggregate
 *		demand_cv() with its shard pair demand_cv_partial()/demand_cv_merge(),
 *		the state type demand_cv_state, and xyz_class().
 *
 * The transition state is internal (a DcvAgg): the bucket boundaries are
 * computed once per group and the bucket sums are updated in place.  It is
 * serialized for parallel workers as the bytes of a demand_cv_state, the
 * same varlena that demand_cv_partial() returns, so one validation routine
 * guards every way a state can come in: text input, binary receive and
 * deserialization.
 */
#include "postgres.h"

#include <math.h>

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

#include "quota_ext.h"
#include "aggregate.h"

#define DCV_VERSION 1
#define DCV_MIN_PERIODS 2
#define DCV_MAX_PERIODS 1000
#define DCV_TYPE "demand_cv_state"

/*
 * A demand_cv state: the parameters, the number of rows that fell in a
 * bucket, and the bucket sums.  Also the serialized form of the internal
 * state.  Binary (send/receive) form: the same fields in network order.
 */
typedef struct DemandCvState
{
	int32		vl_len_;		/* varlena header */
	int32		version;		/* DCV_VERSION */
	int32		periods;		/* number of buckets, 2..1000 */
	DateADT		period_start;
	int64		period_time;	/* period interval: microseconds ... */
	int32		period_day;		/* ... days ... */
	int32		period_month;	/* ... and months */
	int64		rows;			/* rows that fell in a bucket */
	double		sums[FLEXIBLE_ARRAY_MEMBER];	/* bucket sums */
} DemandCvState;

#define DCV_SIZE(periods) (offsetof(DemandCvState, sums) + sizeof(double) * (periods))
/* bytes of the binary form */
#define DCV_BINARY_SIZE(periods) (4 + 4 + 4 + 8 + 4 + 4 + 8 + 8 * (Size) (periods))

#define DatumGetDemandCvStateP(X) ((DemandCvState *) PG_DETOAST_DATUM(X))
#define PG_GETARG_DCV_P(n) DatumGetDemandCvStateP(PG_GETARG_DATUM(n))

/* The internal transition state. */
typedef struct DcvAgg
{
	Timestamp  *bounds;			/* periods + 1 boundaries; NULL until needed */
	DemandCvState *st;
} DcvAgg;

/* ---------- parameters ---------- */

static char *
dcv_interval_str(int32 month, int32 day, int64 time)
{
	Interval	iv;

	iv.month = month;
	iv.day = day;
	iv.time = time;
	return DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(&iv)));
}

/* periods between 2 and 1000 */
static void
dcv_check_periods(int32 periods)
{
	if (periods < DCV_MIN_PERIODS || periods > DCV_MAX_PERIODS)
		qx_bad_arg("periods is the number of buckets, such as 12 months; it must be between 2 and 1000.",
				   "periods must be between 2 and 1000, got %d", periods);
}

/* a positive period: no negative part, not zero */
static void
dcv_check_period(int32 month, int32 day, int64 time)
{
	if (month < 0 || day < 0 || time < 0 || (month == 0 && day == 0 && time == 0))
		qx_bad_arg("Pass a positive period such as '1 month' or '7 days', with no negative part.",
				   "period must be positive, got %s", dcv_interval_str(month, day, time));
}

/* A fresh state in the current memory context. */
static DemandCvState *
dcv_new_state(DateADT period_start, int32 periods, const Interval *period)
{
	DemandCvState *st = palloc0(DCV_SIZE(periods));

	SET_VARSIZE(st, DCV_SIZE(periods));
	st->version = DCV_VERSION;
	st->periods = periods;
	st->period_start = period_start;
	st->period_time = period->time;
	st->period_day = period->day;
	st->period_month = period->month;
	return st;
}

static bool
dcv_same_params(const DemandCvState *a, const DemandCvState *b)
{
	return a->periods == b->periods && a->period_start == b->period_start &&
		a->period_month == b->period_month && a->period_day == b->period_day &&
		a->period_time == b->period_time;
}

static char *
dcv_params_str(const DemandCvState *st)
{
	return psprintf("period_start %s, periods %d, period %s",
					DatumGetCString(DirectFunctionCall1(date_out,
														DateADTGetDatum(st->period_start))),
					st->periods,
					dcv_interval_str(st->period_month, st->period_day, st->period_time));
}

static void
dcv_require_same_params(const DemandCvState *a, const DemandCvState *b, const char *fname)
{
	if (!dcv_same_params(a, b))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: period_start, periods and period must be the same on every row and in every state combined",
						fname),
				 errdetail("Got %s and %s.", dcv_params_str(a), dcv_params_str(b)),
				 errhint("Compute a separate demand_cv for each set of buckets.")));
}

/*
 * Bucket boundaries period_start + i * period, i = 0..periods, with
 * PostgreSQL's date + interval arithmetic (months first, then days, then
 * time), the interval multiplied by i rather than added i times.
 */
static Timestamp *
dcv_bounds(const DemandCvState *st, MemoryContext mcxt)
{
	Timestamp  *b = MemoryContextAlloc(mcxt, sizeof(Timestamp) * (st->periods + 1));
	Interval	period;

	period.month = st->period_month;
	period.day = st->period_day;
	period.time = st->period_time;
	for (int i = 0; i <= st->periods; i++)
	{
		Datum		step;

		step = DirectFunctionCall2(interval_mul, IntervalPGetDatum(&period),
								   Float8GetDatum((double) i));
		b[i] = DatumGetTimestamp(DirectFunctionCall2(date_pl_interval,
													 DateADTGetDatum(st->period_start),
													 step));
		if (i > 0 && b[i] <= b[i - 1])
			elog(ERROR, "demand_cv: bucket boundaries do not increase at bucket %d", i);
	}
	return b;
}

/* ---------- checks of a state from outside ---------- */

/*
 * What is wrong with a state that came from outside (varsize already
 * checked), in words, or NULL; the caller raises 22P02 or 22P03.
 */
static const char *
dcv_problem(const DemandCvState *st)
{
	if (st->version != DCV_VERSION)
		return psprintf("version %d is not supported, expected %d", st->version, DCV_VERSION);
	if (st->periods < DCV_MIN_PERIODS || st->periods > DCV_MAX_PERIODS)
		return psprintf("periods %d is not between %d and %d", st->periods,
						DCV_MIN_PERIODS, DCV_MAX_PERIODS);
	if (DATE_NOT_FINITE(st->period_start) || !IS_VALID_DATE(st->period_start))
		return psprintf("period_start %d is not a finite date", (int) st->period_start);
	if (st->period_month < 0 || st->period_day < 0 || st->period_time < 0 ||
		(st->period_month == 0 && st->period_day == 0 && st->period_time == 0))
		return "period is not positive";
	if (st->rows < 0)
		return psprintf("row count " INT64_FORMAT " is negative", st->rows);
	for (int i = 0; i < st->periods; i++)
	{
		if (!isfinite(st->sums[i]))
			return psprintf("bucket %d sum is not finite", i + 1);
		if (st->rows == 0 && st->sums[i] != 0)
			return psprintf("bucket %d has a sum but the state counts no row", i + 1);
	}
	return NULL;
}

/* 22P03 naming the problem of binary bytes (data, len) */
static void
dcv_bad_binary(const char *data, int len, const char *problem)
{
	QxReader	r;

	qx_reader_init(&r, data, len, DCV_TYPE);
	qx_bad_binary(&r, problem);
}

/* ---------- the type ---------- */

PG_FUNCTION_INFO_V1(demand_cv_state_out);
/*
 * Text form, independent of DateStyle, IntervalStyle and extra_float_digits:
 * v1;start=YYYY-MM-DD;periods=N;period=MONTHS,DAYS,MICROSECONDS;rows=N;sums=S1,S2,...
 * (astronomical year numbering; sums in shortest exact decimal form).
 */
Datum
demand_cv_state_out(PG_FUNCTION_ARGS)
{
	DemandCvState *st = PG_GETARG_DCV_P(0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d;start=", st->version);
	qx_append_date(&buf, st->period_start);
	appendStringInfo(&buf, ";periods=%d;period=%d,%d," INT64_FORMAT ";rows=" INT64_FORMAT ";sums=",
					 st->periods, st->period_month, st->period_day, st->period_time, st->rows);
	for (int i = 0; i < st->periods; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		qx_append_float8(&buf, st->sums[i]);
	}
	PG_RETURN_CSTRING(buf.data);
}

/* The next integer of a list field; what names the list, n the item. */
static int64
dcv_item_int(QxTextParser *tp, char **rest, const char *what, int n, int64 min, int64 max)
{
	char	   *s = qx_next_item(rest, ',');
	int64		v;

	if (s == NULL)
		qx_bad_text(tp, psprintf("%s has no item %d.", what, n));
	if (!qx_parse_int64(s, min, max, &v))
		qx_bad_text(tp, psprintf("Item %d of %s must be an integer between " INT64_FORMAT
								 " and " INT64_FORMAT ", got \"%s\".", n, what, min, max, s));
	return v;
}

PG_FUNCTION_INFO_V1(demand_cv_state_in);
/* demand_cv_state_in(cstring): the text form of demand_cv_state_out() */
Datum
demand_cv_state_in(PG_FUNCTION_ARGS)
{
	QxTextParser tp;
	DateADT		start;
	int32		periods;
	Interval	period;
	DemandCvState *st;
	char	   *rest;
	const char *problem;

	qx_text_init_sep(&tp, PG_GETARG_CSTRING(0), DCV_TYPE, "v1", ';',
					 "Pass a value that demand_cv_partial() produced, such as v1;start=2024-01-01;periods=2;period=1,0,0;rows=1;sums=5,0.");
	start = qx_text_date(&tp, "start");
	periods = (int32) qx_text_int64(&tp, "periods", DCV_MIN_PERIODS, DCV_MAX_PERIODS);
	rest = qx_text_field(&tp, "period");
	period.month = (int32) dcv_item_int(&tp, &rest, "period", 1, 0, PG_INT32_MAX);
	period.day = (int32) dcv_item_int(&tp, &rest, "period", 2, 0, PG_INT32_MAX);
	period.time = dcv_item_int(&tp, &rest, "period", 3, 0, PG_INT64_MAX);
	if (rest != NULL)
		qx_bad_text(&tp, "period has more than 3 items.");
	st = dcv_new_state(start, periods, &period);
	st->rows = qx_text_int64(&tp, "rows", 0, PG_INT64_MAX);
	rest = qx_text_field(&tp, "sums");
	for (int i = 0; i < periods; i++)
	{
		char	   *s = qx_next_item(&rest, ',');

		if (s == NULL)
			qx_bad_text(&tp, psprintf("sums has %d items, expected %d.", i, periods));
		if (!qx_parse_float8(s, &st->sums[i]))
			qx_bad_text(&tp, psprintf("Sum %d must be a finite number, got \"%s\".", i + 1, s));
	}
	if (rest != NULL)
		qx_bad_text(&tp, psprintf("sums has more than %d items.", periods));
	qx_text_end(&tp);
	if ((problem = dcv_problem(st)) != NULL)
		qx_bad_text(&tp, psprintf("Inconsistent state: %s.", problem));
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(demand_cv_state_send);
/* binary form: version, periods, start, period time/day/month, rows, sums */
Datum
demand_cv_state_send(PG_FUNCTION_ARGS)
{
	DemandCvState *st = PG_GETARG_DCV_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, st->version);
	pq_sendint32(&buf, st->periods);
	pq_sendint32(&buf, st->period_start);
	pq_sendint64(&buf, st->period_time);
	pq_sendint32(&buf, st->period_day);
	pq_sendint32(&buf, st->period_month);
	pq_sendint64(&buf, st->rows);
	for (int i = 0; i < st->periods; i++)
		pq_sendfloat8(&buf, st->sums[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(demand_cv_state_recv);
/* binary input: the length is checked before anything past the header is read */
Datum
demand_cv_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	QxReader	r;
	int32		version;
	int32		periods;
	DateADT		start;
	Interval	period;
	DemandCvState *st;
	const char *problem;

	qx_reader_init(&r, msg->data + msg->cursor, msg->len - msg->cursor, DCV_TYPE);
	version = qx_get_int32(&r);
	if (version != DCV_VERSION)
		qx_bad_binary(&r, psprintf("version %d is not supported, expected %d",
								   version, DCV_VERSION));
	periods = qx_get_int32(&r);
	if (periods < DCV_MIN_PERIODS || periods > DCV_MAX_PERIODS)
		qx_bad_binary(&r, psprintf("periods %d is not between %d and %d", periods,
								   DCV_MIN_PERIODS, DCV_MAX_PERIODS));
	if ((Size) r.len != DCV_BINARY_SIZE(periods))
		qx_bad_binary(&r, psprintf("binary value has %d bytes, expected %d for %d periods",
								   r.len, (int) DCV_BINARY_SIZE(periods), periods));
	start = qx_get_int32(&r);
	period.time = qx_get_int64(&r);
	period.day = qx_get_int32(&r);
	period.month = qx_get_int32(&r);
	st = dcv_new_state(start, periods, &period);
	st->rows = qx_get_int64(&r);
	for (int i = 0; i < periods; i++)
		st->sums[i] = qx_get_float8(&r);
	qx_get_end(&r);
	if ((problem = dcv_problem(st)) != NULL)
		qx_bad_binary(&r, problem);
	msg->cursor = msg->len;
	PG_RETURN_POINTER(st);
}

/* ---------- the aggregates ---------- */

/* add src's rows and sums into dst (same parameters) */
static void
dcv_add(DemandCvState *dst, const DemandCvState *src, const char *fname)
{
	dcv_require_same_params(dst, src, fname);
	for (int i = 0; i < dst->periods; i++)
	{
		dst->sums[i] += src->sums[i];
		if (!isfinite(dst->sums[i]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s: the sum of bucket %d is out of range", fname, i + 1)));
	}
	dst->rows += src->rows;
}

/* a DcvAgg in aggcontext holding a copy of st */
static DcvAgg *
dcv_agg_from(const DemandCvState *st, MemoryContext aggcontext)
{
	DcvAgg	   *agg = MemoryContextAllocZero(aggcontext, sizeof(DcvAgg));

	agg->st = MemoryContextAlloc(aggcontext, VARSIZE(st));
	memcpy(agg->st, st, VARSIZE(st));
	return agg;
}

PG_FUNCTION_INFO_V1(demand_cv_trans);
/*
 * demand_cv_trans(state, ts, amount, period_start, periods [, period]):
 * adds amount to the bucket holding ts.  Rows with NULL ts or amount are
 * ignored; NULL parameters are an error, as are parameters that differ from
 * the group's first row.  Without period (the 4-argument aggregate) the
 * period is 1 month.
 */
Datum
demand_cv_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = qx_agg_context(fcinfo, "demand_cv_trans");
	DcvAgg	   *agg = PG_ARGISNULL(0) ? NULL : (DcvAgg *) PG_GETARG_POINTER(0);
	DemandCvState *st;
	DateADT		period_start;
	int32		periods;
	Interval	one_month = {0, 0, 1};
	Interval   *period = &one_month;
	DateADT		ts;
	double		amount;
	Timestamp	t;
	int			overflow = 0;
	int			lo,
				hi;

	period_start = DatumGetDateADT(qx_param(fcinfo, 3, "period_start"));
	periods = DatumGetInt32(qx_param(fcinfo, 4, "periods"));
	if (PG_NARGS() > 5)
		period = DatumGetIntervalP(qx_param(fcinfo, 5, "period"));

	if (agg == NULL)
	{
		MemoryContext old;

		qx_require_finite_date(period_start, "period_start");
		dcv_check_periods(periods);
		dcv_check_period(period->month, period->day, period->time);
		old = MemoryContextSwitchTo(aggcontext);
		agg = palloc0(sizeof(DcvAgg));
		agg->st = dcv_new_state(period_start, periods, period);
		MemoryContextSwitchTo(old);
	}
	st = agg->st;
	if (st->periods != periods || st->period_start != period_start ||
		st->period_month != period->month || st->period_day != period->day ||
		st->period_time != period->time)
	{
		DemandCvState *row = dcv_new_state(period_start, periods, period);

		dcv_require_same_params(st, row, "demand_cv");
	}

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(agg);
	ts = PG_GETARG_DATEADT(1);
	amount = PG_GETARG_FLOAT8(2);
	if (!isfinite(amount))
		qx_bad_arg("Leave such rows out, or map them to NULL, which is ignored.",
				   "demand_cv: amount must be a finite number, got %s", qx_float_str(amount));

	if (agg->bounds == NULL)
		agg->bounds = dcv_bounds(st, aggcontext);
	t = date2timestamp_opt_overflow(ts, &overflow);
	if (overflow != 0 || t < agg->bounds[0] || t >= agg->bounds[st->periods])
		PG_RETURN_POINTER(agg);
	/* the bucket i with bounds[i] <= t < bounds[i + 1] */
	lo = 0;
	hi = st->periods - 1;
	while (lo < hi)
	{
		int			mid = (lo + hi + 1) / 2;

		if (agg->bounds[mid] <= t)
			lo = mid;
		else
			hi = mid - 1;
	}
	st->sums[lo] += amount;
	if (!isfinite(st->sums[lo]))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("demand_cv: the sum of bucket %d is out of range", lo + 1)));
	st->rows++;
	PG_RETURN_POINTER(agg);
}

/*
 * The state's functions for aggregate.h: its serialized and partial form is
 * the bytes of a demand_cv_state (a native struct, checked on the way in),
 * not the type's binary form, so the file writes demand_cv_state_recv/send
 * itself (above) and takes the rest from QX_STATE_AGG_FUNCS.
 */
static bytea *
dcv_encode(const DcvAgg *agg)
{
	bytea	   *out = palloc(VARSIZE(agg->st));

	memcpy(out, agg->st, VARSIZE(agg->st));
	return out;
}

/* the bytes of a demand_cv_state, checked like any state from outside */
static DcvAgg *
dcv_decode(const char *data, int len, MemoryContext ctx)
{
	DemandCvState *st;
	const char *problem;

	if ((Size) len < offsetof(DemandCvState, sums) - VARHDRSZ)
		dcv_bad_binary(data, len,
					   psprintf("serialized state has %d bytes, too short for a header", len));
	st = palloc(len + VARHDRSZ);
	SET_VARSIZE(st, len + VARHDRSZ);
	memcpy(VARDATA(st), data, len);
	if (st->periods < DCV_MIN_PERIODS || st->periods > DCV_MAX_PERIODS ||
		VARSIZE(st) != DCV_SIZE(st->periods))
		dcv_bad_binary(data, len,
					   psprintf("serialized state has %d bytes, which does not fit its periods",
								len));
	if ((problem = dcv_problem(st)) != NULL)
		dcv_bad_binary(data, len, problem);
	return dcv_agg_from(st, ctx);
}

static DcvAgg *
dcv_copy(const DcvAgg *src, MemoryContext ctx)
{
	return dcv_agg_from(src->st, ctx);
}

static void
dcv_combine(DcvAgg *st, const DcvAgg *in, MemoryContext ctx)
{
	dcv_add(st->st, in->st, "demand_cv");
}

/* the aggregate's support functions and its X_merge pair: see aggregate.h */
QX_STATE_AGG_FUNCS(demand_cv, DcvAgg, dcv_encode, dcv_decode, dcv_copy, dcv_combine);
QX_STATE_MERGE(demand_cv, demand_cv_final, NULL, NULL);

PG_FUNCTION_INFO_V1(demand_cv_final);
/*
 * population standard deviation of the bucket sums / their mean; NULL when
 * no row fell in a bucket or the mean is 0
 */
Datum
demand_cv_final(PG_FUNCTION_ARGS)
{
	DcvAgg	   *agg = PG_ARGISNULL(0) ? NULL : (DcvAgg *) PG_GETARG_POINTER(0);
	DemandCvState *st;
	double		total = 0;
	double		mean;
	double		ss = 0;

	if (agg == NULL || agg->st->rows == 0)
		PG_RETURN_NULL();
	st = agg->st;
	for (int i = 0; i < st->periods; i++)
		total += st->sums[i];
	mean = total / st->periods;
	if (mean == 0)
		PG_RETURN_NULL();
	for (int i = 0; i < st->periods; i++)
		ss += (st->sums[i] - mean) * (st->sums[i] - mean);
	PG_RETURN_FLOAT8(sqrt(ss / st->periods) / mean);
}

static const char *const xyz_labels[] = {"X", "Y", "Z"};

PG_FUNCTION_INFO_V1(xyz_class);
/* xyz_class(cv, x_max DEFAULT 0.10, y_max DEFAULT 0.25) -> 'X' | 'Y' | 'Z' */
Datum
xyz_class(PG_FUNCTION_ARGS)
{
	double		cv = PG_GETARG_FLOAT8(0);
	double		x_max = PG_GETARG_FLOAT8(1);
	double		y_max = PG_GETARG_FLOAT8(2);
	int			cls;

	qx_require_nonnegative(x_max, "x_max");
	qx_require_nonnegative(y_max, "y_max");
	if (x_max > y_max)
		qx_bad_arg("Pass x_max <= y_max, such as 0.10 and 0.25.",
				   "x_max must not be greater than y_max, got x_max %s and y_max %s",
				   qx_float_str(x_max), qx_float_str(y_max));
	qx_require_finite(cv, "cv");
	if (cv < 0)
		qx_bad_arg("A negative cv comes from a negative mean demand (returns exceed sales); classify such items separately.",
				   "cv must not be negative, got %s", qx_float_str(cv));

	if (cv <= x_max)
		cls = 0;
	else if (cv <= y_max)
		cls = 1;
	else
		cls = 2;
	PG_RETURN_DATUM(qx_label_datum(fcinfo, xyz_labels, lengthof(xyz_labels), cls));
}
