/*
 * pipeline_forecast.c
 *		The pipeline_forecast aggregate (doc/forecast.md, SPEC §10): the
 *		distribution of the amount that closes, S = sum(a_i * B_i) with
 *		B_i ~ Bernoulli(p_i) independent, its mean, standard deviation,
 *		P(S >= target) and the p10/p50/p90 quantiles; with
 *		pipeline_forecast_partial / pipeline_forecast_merge and the
 *		transferable state type pipeline_forecast_state.
 *
 * The state keeps the deals themselves, each amount exact: an int128 count
 * of units of 10^-scale, where scale is the common scale of the open deals'
 * amounts written without trailing zeros (so 66589.86::numeric(40,20) is
 * 6658986 units of 10^-2).  Rows with probability 0 or amount 0 only count:
 * they change neither the units nor the method.  Raising the scale is
 * checked on the total before any deal is touched (an overflow is an error,
 * the same in the transition, the combine and the state's input, so every
 * state written can be read).  Combining two states is a concatenation;
 * the final function hands the deals to the distribution engine
 * (forecast_engine.h), which chooses the method once for the whole group,
 * and turns its exact units (or grid points) into numerics here.
 *
 * expected = sum(a * p) is exact, p read as PostgreSQL's float8::numeric
 * (15 significant digits), and rounded half away from zero to the amounts'
 * largest display scale, at least 2 (README "Money"); so are the quantiles.
 *
 * Binary layout of the state (serialize and the state type), version 2:
 *		byte version (2), byte flags (1 target, 4 wide), int32 dscale,
 *		int32 scale, int64 deals, [money target], money expected, int32 n,
 *		n x (units: int64, or int64 high + int64 low when wide;
 *			 int64 probability float8 bits)
 * Version 1 (quota_ext 1.2) is still read: flags 1 target, 2 coarse
 * (amounts as float8 bits, read as their shortest decimal), one int32
 * scale, units int64.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "access/htup_details.h"
#include "common/int.h"
#include "common/shortest_dec.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "quota_ext.h"
#include "money.h"
#include "state_codec.h"
#include "aggregate.h"
#include "forecast_engine.h"

#define FC_TYPE "pipeline_forecast_state"
#define FC_VERSION 2
#define FC_FLAG_TARGET 1
#define FC_FLAG_COARSE 2		/* version 1 only */
#define FC_FLAG_WIDE 4			/* version 2: units as two int64 */
#define FC_MAX_DEALS 50000000	/* open deals in one state */
#define FC_MAX_DSCALE 16383		/* numeric's largest display scale */
#define FC_MAX_WEIGHT 131072	/* numeric's digits before the point */
#define FC_TEXT_SCALE 30		/* state text: amounts with the display scale's
								 * decimals up to here */

typedef struct FcState
{
	int64		deals;			/* rows counted */
	int32		dscale;			/* largest display scale of the amounts */
	int32		scale;			/* units' scale; 0 without open deals */
	bool		has_target;
	Numeric		target;			/* when has_target */
	QxMoney		expected;		/* sum(a * p::numeric), exact */
	int128		total;			/* sum of the open deals' units */
	int32		n;				/* open deals: p > 0 and a > 0 */
	int32		cap;
	FcDeal	   *d;
} FcState;

/*
 * fn_extra cache of the transition: the decimals of recent probabilities,
 * direct-mapped on the float8's bits.  Rows arrive in no order of p, and
 * printing p to find its decimal costs more than the rest of the row.
 */
#define FC_PROB_CACHE_BITS 10
#define FC_PROB_CACHE (1 << FC_PROB_CACHE_BITS)	/* Fibonacci hashing */
typedef struct FcProbEntry
{
	double		p;
	int64		mant;			/* p::numeric = mant * 10^-k */
	int			k;
	bool		valid;
} FcProbEntry;

typedef struct FcProbCache
{
	FcProbEntry e[FC_PROB_CACHE];
} FcProbCache;

static FcState *
fc_new(MemoryContext ctx)
{
	FcState    *st = MemoryContextAllocZero(ctx, sizeof(FcState));

	qx_money_init(&st->expected);
	return st;
}

static void
fc_reserve(FcState *st, int64 more, MemoryContext ctx)
{
	int64		need = (int64) st->n + more;
	int64		cap;

	if (need <= st->cap)
		return;
	if (need > FC_MAX_DEALS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("pipeline_forecast: more than %d open deals in one group", FC_MAX_DEALS),
				 errhint("Group the deals more finely, e.g. by team or rep.")));
	cap = Max(16, (int64) st->cap * 2);
	cap = Min(Max(cap, need), FC_MAX_DEALS);
	if (st->d == NULL)
		st->d = MemoryContextAllocExtended(ctx, cap * sizeof(FcDeal), MCXT_ALLOC_HUGE);
	else
		st->d = repalloc_huge(st->d, cap * sizeof(FcDeal));
	st->cap = (int32) cap;
}

/* the amounts of one group do not fit int128 units at a common scale */
static pg_noreturn void
fc_too_wide(int scale)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("pipeline_forecast: the group's amounts need more than 38 digits at their common scale of %d decimals",
					scale),
			 errhint("Round the amounts, e.g. round(amount, 2): the forecast needs no more than 38 significant digits across the group.")));
}

/*
 * Raise the units' scale to s: the new total is checked first, then every
 * deal is multiplied (each is at most the total, so none can overflow).
 */
static void
fc_rescale(FcState *st, int s)
{
	int128		total,
				f;

	if (st->n == 0)
	{
		st->scale = s;
		return;
	}
	if (s <= st->scale)
		return;
	if (!qx_int128_mul_pow10(st->total, s - st->scale, &total) ||
		!qx_int128_mul_pow10(1, s - st->scale, &f))
		fc_too_wide(s);
	for (int i = 0; i < st->n; i++)
		st->d[i].units *= f;
	st->total = total;
	st->scale = s;
}

/* Append an open deal of u units of 10^-s (s minimal), p in (0, 1]. */
static void
fc_add_open(FcState *st, int128 u, int s, double p, MemoryContext ctx)
{
	int128		total;

	if (st->n == 0)
		st->scale = s;
	if (s > st->scale)
	{
		/* check the whole result first: a failed rescale leaves st alone */
		if (st->n > 0 && (!qx_int128_mul_pow10(st->total, s - st->scale, &total) ||
						  __builtin_add_overflow(total, u, &total)))
			fc_too_wide(s);
		fc_rescale(st, s);
	}
	else if (!qx_int128_mul_pow10(u, st->scale - s, &u) ||
			 __builtin_add_overflow(st->total, u, &total))
		fc_too_wide(st->scale);
	fc_reserve(st, 1, ctx);
	st->d[st->n].units = u;
	st->d[st->n].p = p;
	st->n++;
	st->total += u;
}

/* The decimal PostgreSQL's float8::numeric gives p: mant * 10^-k. */
static void
fc_prob_decimal(double p, int64 *mant, int *k)
{
	char		buf[64];
	int64		m = 0;
	int			frac = 0;
	bool		point = false;
	const char *c;

	snprintf(buf, sizeof(buf), "%.*g", DBL_DIG, p);
	for (c = buf; *c && *c != 'e'; c++)
	{
		if (*c == '.')
			point = true;
		else
		{
			m = m * 10 + (*c - '0');
			frac += point;
		}
	}
	*k = frac - (*c == 'e' ? atoi(c + 1) : 0);
	if (*k < 0)
	{
		/* p <= 1, so this is 1 written as 1e+00 at most */
		for (; *k < 0; (*k)++)
			m *= 10;
	}
	*mant = m;
}

/* expected += amount * p::numeric, exactly */
static void
fc_add_expected(FcState *st, const QxAmount *amt, Datum amount, double p,
				FcProbCache *pc, MemoryContext ctx)
{
	int128		prod;
	uint64		bits;
	FcProbEntry *pe;

	memcpy(&bits, &p, sizeof(bits));
	pe = &pc->e[(bits * UINT64CONST(0x9E3779B97F4A7C15)) >> (64 - FC_PROB_CACHE_BITS)];
	if (!pe->valid || pe->p != p)
	{
		fc_prob_decimal(p, &pe->mant, &pe->k);
		pe->p = p;
		pe->valid = true;
	}
	if (!amt->fits || __builtin_mul_overflow(amt->value, (int128) pe->mant, &prod) ||
		!qx_money_add_small(&st->expected, prod, amt->dscale + pe->k))
	{
		Datum		pn = DirectFunctionCall1(float8_numeric, Float8GetDatum(p));

		qx_money_add_numeric(&st->expected,
							 DirectFunctionCall2(numeric_mul, amount, pn), ctx);
	}
}

static char *
fc_numeric_str(Numeric n)
{
	return DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(n)));
}

static void
fc_check_target(Numeric t)
{
	if (numeric_is_nan(t) || numeric_is_inf(t))
		qx_bad_arg("Pass the amount still to close, e.g. quota minus what is already closed.",
				   "target must be a finite number, got %s", qx_numeric_str(t));
}

static bool
fc_numeric_eq(Numeric a, Numeric b)
{
	if (VARSIZE_ANY(a) == VARSIZE_ANY(b) &&
		memcmp(a, b, VARSIZE_ANY(a)) == 0)
		return true;
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(a),
											 NumericGetDatum(b))) == 0;
}

static Numeric
fc_numeric_copy(Numeric n, MemoryContext ctx)
{
	Numeric		src = DatumGetNumeric(PointerGetDatum(pg_detoast_datum((struct varlena *) n)));
	Numeric		c = MemoryContextAlloc(ctx, VARSIZE(src));

	memcpy(c, src, VARSIZE(src));
	return c;
}

PG_FUNCTION_INFO_V1(pipeline_forecast_trans);
/*
 * pipeline_forecast_trans(state, amount, probability [, target]): not
 * strict.  Rows with a NULL amount or probability are skipped; a NULL
 * target is an error, and so is a target that changes within the group.
 */
Datum
pipeline_forecast_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "pipeline_forecast_trans");
	FcState    *st = PG_ARGISNULL(0) ? NULL : (FcState *) PG_GETARG_POINTER(0);
	FcProbCache *pc = (FcProbCache *) fcinfo->flinfo->fn_extra;
	QxAmount	amt;
	Datum		amount;
	double		p;
	int			sign;
	int128		u = 0;
	int			s = 0;

	if (PG_NARGS() > 3)
	{
		Numeric		t;

		if (PG_ARGISNULL(3))
			qx_null_param("target");
		t = PG_GETARG_NUMERIC(3);
		if (st == NULL)
		{
			fc_check_target(t);
			st = fc_new(ctx);
			st->has_target = true;
			st->target = fc_numeric_copy(t, ctx);
		}
		else if (!fc_numeric_eq(st->target, t))
		{
			fc_check_target(t);
			qx_param_changed("target", qx_numeric_str(st->target), qx_numeric_str(t));
		}
	}
	if (st == NULL)
		st = fc_new(ctx);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);

	amount = PG_GETARG_DATUM(1);
	p = PG_GETARG_FLOAT8(2);
	qx_require_share(p, "probability");
	qx_amount_decode(amount, &amt);
	sign = qx_numeric_sign((Numeric) amt.num);
	if (sign < 0)
		qx_bad_arg("A deal's amount is what it brings if it closes; pass lost deals with probability 0.",
				   "amount must not be negative, got %s",
				   qx_numeric_str(DatumGetNumeric(amount)));
	if (pg_add_s64_overflow(st->deals, 1, &st->deals))
		elog(ERROR, "pipeline_forecast_trans: deal count out of range");
	st->dscale = Max(st->dscale, amt.dscale);
	if (p == 0 || sign == 0)
		PG_RETURN_POINTER(st);
	if (!qx_amount_units(&amt, amount, &u, &s))
		fc_too_wide(Max(st->scale, s));
	/* the deal goes in before expected: it is the one that can fail */
	fc_add_open(st, u, s, p, ctx);
	if (pc == NULL)
	{
		pc = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(FcProbCache));
		fcinfo->flinfo->fn_extra = pc;
	}
	fc_add_expected(st, &amt, amount, p, pc, ctx);
	PG_RETURN_POINTER(st);
}

/* st += o; parameters must agree.  Linear in o's deals (amortised). */
static void
fc_combine_into(FcState *st, const FcState *o, MemoryContext ctx)
{
	int			s = st->n == 0 ? o->scale : Max(st->scale, o->scale);
	int128		a = 0,
				b = 0,
				f = 1;

	if (st->has_target != o->has_target ||
		(st->has_target && !fc_numeric_eq(st->target, o->target)))
		qx_param_mismatch("pipeline_forecast", "target",
						  st->has_target ? qx_numeric_str(st->target) : "none",
						  o->has_target ? qx_numeric_str(o->target) : "none");
	if (o->n > 0 && st->n > 0 &&
		(!qx_int128_mul_pow10(st->total, s - st->scale, &a) ||
		 !qx_int128_mul_pow10(o->total, s - o->scale, &b) ||
		 __builtin_add_overflow(a, b, &a)))
		fc_too_wide(s);
	if (pg_add_s64_overflow(st->deals, o->deals, &st->deals))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("pipeline_forecast: deal count out of range")));
	qx_money_add(&st->expected, &o->expected, ctx);
	st->dscale = Max(st->dscale, o->dscale);
	if (o->n == 0)
		return;
	if (st->n == 0)
		st->scale = s;
	else
		fc_rescale(st, s);
	if (!qx_int128_mul_pow10(1, s - o->scale, &f))
		fc_too_wide(s);			/* not reached: o's total fits at s */
	fc_reserve(st, o->n, ctx);
	for (int i = 0; i < o->n; i++)
	{
		st->d[st->n + i].units = o->d[i].units * f;
		st->d[st->n + i].p = o->d[i].p;
	}
	st->n += o->n;
	st->total += o->total * f;
}

static FcState *
fc_copy(const FcState *src, MemoryContext ctx)
{
	FcState    *st = fc_new(ctx);

	st->has_target = src->has_target;
	if (src->has_target)
		st->target = fc_numeric_copy(src->target, ctx);
	fc_combine_into(st, src, ctx);
	return st;
}

/* Result fields computed from the deals */
typedef struct FcResult
{
	double		sd;
	double		p_target;		/* < 0: none */
	Numeric		q[3];
} FcResult;

static const double fc_levels[3] = {0.1, 0.5, 0.9};

/* units (int128, at scale) as a numeric rounded to outscale decimals */
static Numeric
fc_units_numeric(int128 units, int scale, int outscale)
{
	return DatumGetNumeric(DirectFunctionCall2(numeric_round,
											   NumericGetDatum(qx_units_numeric(units, scale)),
											   Int32GetDatum(outscale)));
}

/* The quantile at level: exact, or a grid point plus the shift, rounded. */
static Numeric
fc_quantile(const FcState *st, const FcForecast *f, double level, int outscale)
{
	FcQuantile	q;
	int			e;
	Datum		x;

	fc_forecast_quantile(f, level, &q);
	if (q.exact)
		return fc_units_numeric(q.units, st->scale, outscale);
	e = fc_forecast_grid_exponent(f);
	x = DirectFunctionCall1(float8_numeric, Float8GetDatum(q.grid));
	if (st->scale != e)
		x = DirectFunctionCall2(numeric_mul, x, qx_pow10_numeric(e - st->scale));
	x = DirectFunctionCall2(numeric_add, x,
							NumericGetDatum(qx_units_numeric(q.units, st->scale)));
	return DatumGetNumeric(DirectFunctionCall2(numeric_round, x, Int32GetDatum(outscale)));
}

/* P(S >= target): exact in units, or on the grid */
static double
fc_p_target(const FcState *st, const FcForecast *f)
{
	if (qx_numeric_sign(st->target) <= 0)
		return 1.0;
	if (!fc_forecast_on_grid(f))
	{
		/* ceil(target * 10^scale): above every sum, P = 0 */
		Datum		t = DirectFunctionCall2(numeric_mul, NumericGetDatum(st->target),
										   qx_pow10_numeric(st->scale));
		Datum		lim = NumericGetDatum(qx_units_numeric(fc_forecast_max_units(f), 0));
		int128		tu;

		t = DirectFunctionCall1(numeric_ceil, t);
		if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, t, lim)) > 0)
			return 0.0;
		if (!qx_units_parse_at(DatumGetCString(DirectFunctionCall1(numeric_out, t)), 0, &tu))
			elog(ERROR, "pipeline_forecast: target units out of range");
		return fc_forecast_p_reach(f, tu);
	}
	else
	{
		int			e = fc_forecast_grid_exponent(f);
		Datum		tn = NumericGetDatum(st->target);

		if (st->scale != e)
			tn = DirectFunctionCall2(numeric_mul, tn, qx_pow10_numeric(st->scale - e));
		return fc_forecast_p_reach_grid(f, DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, tn)));
	}
}

/* The distribution of the open deals and the fields read off it. */
static void
fc_distribution(const FcState *st, FcResult *res, int outscale)
{
	FcForecast *f = fc_forecast(st->d, st->n, st->scale);

	res->sd = fc_forecast_stddev(f);
	for (int l = 0; l < 3; l++)
		res->q[l] = fc_quantile(st, f, fc_levels[l], outscale);
	res->p_target = st->has_target ? fc_p_target(st, f) : -1;
}

/* The pipeline_forecast composite of a state; NULL when no deal counted. */
static Datum
fc_result(FunctionCallInfo fcinfo, const FcState *st)
{
	TupleDesc	desc;
	Datum		values[7];
	bool		nulls[7];
	FcResult	res;
	int			outscale = Max(2, st->dscale);
	MemoryContext work,
				old;
	HeapTuple	tup;

	if (st->deals == 0)
		PG_RETURN_NULL();
	desc = qx_result_desc(fcinfo);
	memset(nulls, 0, sizeof(nulls));

	/* the DP's arrays live and die in a context of their own */
	work = AllocSetContextCreate(CurrentMemoryContext, "pipeline_forecast",
								 0, (Size) 8192, (Size) 8192 * 1024);
	old = MemoryContextSwitchTo(work);
	fc_distribution(st, &res, outscale);
	MemoryContextSwitchTo(old);

	values[0] = Int64GetDatum(st->deals);
	values[1] = DirectFunctionCall2(numeric_round,
									NumericGetDatum(qx_money_get(&st->expected)),
									Int32GetDatum(outscale));
	values[2] = Float8GetDatum(res.sd);
	if (res.p_target < 0)
		nulls[3] = true;
	else
		values[3] = Float8GetDatum(res.p_target);
	for (int l = 0; l < 3; l++)
		values[4 + l] = NumericGetDatum(res.q[l]);
	tup = heap_form_tuple(desc, values, nulls);
	MemoryContextDelete(work);
	PG_RETURN_DATUM(HeapTupleGetDatum(tup));
}

/* ---------------------------------------------------------------------
 * Binary encoding
 * --------------------------------------------------------------------- */

static bytea *
fc_encode(const FcState *st)
{
	StringInfoData buf;
	QxMoney		t;
	bool		wide = st->total > PG_INT64_MAX;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, FC_VERSION);
	pq_sendbyte(&buf, (st->has_target ? FC_FLAG_TARGET : 0) | (wide ? FC_FLAG_WIDE : 0));
	pq_sendint32(&buf, st->dscale);
	pq_sendint32(&buf, st->scale);
	pq_sendint64(&buf, st->deals);
	if (st->has_target)
	{
		qx_money_wrap_numeric(&t, st->target);
		qx_money_send(&buf, &t);
	}
	qx_money_send(&buf, &st->expected);
	pq_sendint32(&buf, st->n);
	enlargeStringInfo(&buf, st->n * (wide ? 24 : 16));
	for (int i = 0; i < st->n; i++)
	{
		uint128		u = (uint128) st->d[i].units;

		if (wide)
			pq_sendint64(&buf, (int64) (uint64) (u >> 64));
		pq_sendint64(&buf, (int64) (uint64) u);
		pq_sendfloat8(&buf, st->d[i].p);
	}
	return pq_endtypsend(&buf);
}

/* what is wrong with a decoded state, or NULL */
static const char *
fc_problem(const FcState *st)
{
	if (st->deals < st->n)
		return "fewer deals than open deals";
	if (st->dscale < 0 || st->dscale > FC_MAX_DSCALE)
		return "scale out of range";
	if (st->scale < -FC_MAX_WEIGHT || st->scale > st->dscale || (st->n == 0 && st->scale != 0))
		return "units scale out of range";
	if (qx_money_sign(&st->expected) < 0)
		return "expected is negative";
	if (st->n == 0 && !qx_money_is_zero(&st->expected))
		return "expected without open deals";
	if (st->has_target && (numeric_is_nan(st->target) || numeric_is_inf(st->target)))
		return "target is not finite";
	for (int i = 0; i < st->n; i++)
	{
		double		p = st->d[i].p;

		if (!(p > 0 && p <= 1))
			return "an open deal's probability is not in (0, 1]";
		if (st->d[i].units <= 0)
			return "an open deal's amount is not positive";
	}
	return NULL;
}

/* a positive amount given as decimal text (any form numeric_in reads) */
static void
fc_add_open_text(FcState *st, const char *s, double p, MemoryContext ctx)
{
	Datum		n = DirectFunctionCall3(numeric_in, CStringGetDatum(s),
										ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	QxAmount	amt;
	int128		u = 0;
	int			sc = 0;

	qx_amount_decode(n, &amt);
	if (qx_numeric_sign(DatumGetNumeric(n)) <= 0)
	{
		/* kept as is: fc_problem names it */
		fc_reserve(st, 1, ctx);
		st->d[st->n].units = 0;
		st->d[st->n++].p = p;
		return;
	}
	if (!qx_amount_units(&amt, n, &u, &sc))
		fc_too_wide(Max(st->scale, sc));
	fc_add_open(st, u, sc, p, ctx);
}

/* u units at scale s, trailing zeros dropped, appended (checked) */
static void
fc_add_open_units(FcState *st, int128 u, int s, double p, MemoryContext ctx)
{
	if (u <= 0)
	{
		fc_reserve(st, 1, ctx);
		st->d[st->n].units = u;
		st->d[st->n++].p = p;
		return;
	}
	while (u % 10 == 0)
		u /= 10, s--;
	fc_add_open(st, u, s, p, ctx);
}

/*
 * What the text input checks beyond fc_problem (issue 19: a contradicting
 * expected was accepted): expected is sum(a * p::numeric) over the open
 * deals (the others add 0) -- exactly, or for a 1.2 state of float amounts
 * (coarse) to float8's precision.  Numeric arithmetic per deal, so only for
 * the text input, where parsing costs more.
 */
static const char *
fc_expected_problem(const FcState *st, bool coarse)
{
	Datum		sum = NumericGetDatum(int64_to_numeric(0));
	Datum		want = NumericGetDatum(qx_money_get(&st->expected));

	if (st->n == 0)
		return NULL;
	for (int i = 0; i < st->n; i++)
		sum = DirectFunctionCall2(numeric_add, sum,
								  DirectFunctionCall2(numeric_mul,
													  NumericGetDatum(qx_units_numeric(st->d[i].units, st->scale)),
													  DirectFunctionCall1(float8_numeric,
																		  Float8GetDatum(st->d[i].p))));
	if (!coarse)
	{
		if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, sum, want)) != 0)
			return "expected is not the sum of amount * probability over the open deals";
	}
	else
	{
		double		fs = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, sum));
		double		fw = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, want));

		if (!(fabs(fs - fw) <= 1e-9 * fabs(fs) + 1e-300))
			return "expected is not the sum of amount * probability over the open deals";
	}
	return NULL;
}

static FcState *
fc_decode(const char *data, int len, MemoryContext ctx)
{
	QxReader	r;
	FcState    *st;
	uint8		version,
				flags;
	int32		n,
				scale;
	const char *problem;
	bool		coarse,
				wide;

	qx_reader_init(&r, data, len, FC_TYPE);
	version = qx_get_byte(&r);
	if (version != 1 && version != FC_VERSION)
		qx_bad_binary(&r, psprintf("unsupported version %d", version));
	flags = qx_get_byte(&r);
	if (flags & ~(FC_FLAG_TARGET | (version == 1 ? FC_FLAG_COARSE : FC_FLAG_WIDE)))
		qx_bad_binary(&r, "unknown flags");
	coarse = version == 1 && (flags & FC_FLAG_COARSE) != 0;
	wide = version == FC_VERSION && (flags & FC_FLAG_WIDE) != 0;
	st = fc_new(ctx);
	st->has_target = (flags & FC_FLAG_TARGET) != 0;
	st->dscale = qx_get_int32(&r);
	scale = version == 1 ? st->dscale : qx_get_int32(&r);
	if (st->dscale < 0 || st->dscale > FC_MAX_DSCALE || scale < -FC_MAX_WEIGHT ||
		scale > st->dscale)
		qx_bad_binary(&r, "scale out of range");
	st->deals = qx_get_int64(&r);
	if (st->has_target)
	{
		QxMoney		t;
		MemoryContext old = MemoryContextSwitchTo(ctx);

		qx_money_recv(&r, &t, ctx, "target");
		st->target = fc_numeric_copy(qx_money_get(&t), ctx);
		MemoryContextSwitchTo(old);
	}
	qx_money_recv(&r, &st->expected, ctx, "expected");
	n = qx_get_int32(&r);
	if (n < 0 || n > FC_MAX_DEALS || (int64) n * (wide ? 24 : 16) != r.len - r.pos)
		qx_bad_binary(&r, "the number of open deals does not match the length");
	fc_reserve(st, n, ctx);
	if (version == FC_VERSION)
	{
		/* units as written, at scale; the total checked */
		st->scale = scale;
		for (int i = 0; i < n; i++)
		{
			uint128		u = 0;

			if (wide)
				u = (uint128) (uint64) qx_get_int64(&r) << 64;
			u |= (uint64) qx_get_int64(&r);
			st->d[i].units = (int128) u;
			st->d[i].p = qx_get_float8(&r);
			if (st->d[i].units > 0 &&
				__builtin_add_overflow(st->total, st->d[i].units, &st->total))
				qx_bad_binary(&r, "the amounts' total is out of range");
		}
		st->n = n;
	}
	else
	{
		/* version 1: units at the display scale, or float8 amounts */
		for (int i = 0; i < n; i++)
		{
			int64		bits = qx_get_int64(&r);
			double		p = qx_get_float8(&r);

			if (coarse)
			{
				double		v;
				char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

				memcpy(&v, &bits, sizeof(v));
				if (!(isfinite(v) && v > 0))
					qx_bad_binary(&r, "an open deal's amount is not positive");
				double_to_shortest_decimal_buf(v, buf);
				fc_add_open_text(st, buf, p, ctx);
			}
			else
				fc_add_open_units(st, bits, scale, p, ctx);
		}
		/* a float8 amount may have more decimals than 1.2's scale said */
		st->dscale = Max(st->dscale, Min(st->scale, FC_MAX_DSCALE));
	}
	qx_get_end(&r);
	if ((problem = fc_problem(st)) != NULL)
		qx_bad_binary(&r, problem);
	return st;
}


/* ---------------------------------------------------------------------
 * Aggregate support
 * --------------------------------------------------------------------- */

/*
 * combine, serialize, deserialize, partial_final and the state type's
 * receive/send (aggregate.h).  The macro's pipeline_forecast_merge_trans
 * is not registered: pipeline_forecast_merge keeps the real state type and
 * folds states with pipeline_forecast_state_combine below.
 */
QX_STATE_SUPPORT(pipeline_forecast, FcState, fc_encode, fc_decode, fc_copy, fc_combine_into);

/*
 * pipeline_forecast_merge's state between rows: an expanded object (the
 * decoded FcState) in the aggregate's memory, so that each state merged
 * costs its own size, not that of all merged so far (a merge of 60,000
 * one-deal states took 24 s).  PostgreSQL flattens it with fc_encode where
 * it needs the bytes (partial results, the final function's detoast).
 */
typedef struct FcExpanded
{
	ExpandedObjectHeader hdr;
	FcState    *st;
	bytea	   *flat;			/* fc_encode(st), cached; NULL when stale */
} FcExpanded;

static Size
fc_eoh_flat_size(ExpandedObjectHeader *eohptr)
{
	FcExpanded *e = (FcExpanded *) eohptr;

	if (e->flat == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(eohptr->eoh_context);

		e->flat = fc_encode(e->st);
		MemoryContextSwitchTo(old);
	}
	return VARSIZE(e->flat);
}

static void
fc_eoh_flatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	FcExpanded *e = (FcExpanded *) eohptr;

	Assert(e->flat != NULL && VARSIZE(e->flat) == allocated_size);
	memcpy(result, e->flat, allocated_size);
}

static const ExpandedObjectMethods fc_eom = {fc_eoh_flat_size, fc_eoh_flatten};

/* the expanded state behind a datum, or NULL when it is a plain one */
static FcExpanded *
fc_expanded(Datum value)
{
	ExpandedObjectHeader *eoh;

	if (!VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(value)))
		return NULL;
	eoh = DatumGetEOHP(value);
	return eoh->eoh_methods == &fc_eom ? (FcExpanded *) eoh : NULL;
}

/* a pipeline_forecast_state value, checked; read only */
static FcState *
fc_from_datum(Datum value)
{
	FcExpanded *e = fc_expanded(value);

	if (e != NULL)
		return e->st;
	return (FcState *) qx_state_from_datum(value, pipeline_forecast_decode_any);
}

PG_FUNCTION_INFO_V1(pipeline_forecast_final);
Datum
pipeline_forecast_final(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	return fc_result(fcinfo, (FcState *) PG_GETARG_POINTER(0));
}

PG_FUNCTION_INFO_V1(pipeline_forecast_state_combine);
/*
 * pipeline_forecast_state_combine(a, b): the state of the deals of both; a
 * NULL side is skipped.  The transition and the combine function of
 * pipeline_forecast_merge, whose state is the real type (Citus splits it).
 * In an aggregate the running state is an expanded object appended to in
 * place (linear in all); called directly, a new value of both.
 */
Datum
pipeline_forecast_state_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx;
	FcState    *a,
			   *b;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (AggCheckCallContext(fcinfo, &aggctx))
	{
		FcExpanded *e = PG_ARGISNULL(0) ? NULL : fc_expanded(PG_GETARG_DATUM(0));

		b = fc_from_datum(PG_GETARG_DATUM(1));
		if (e == NULL || !VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(PG_GETARG_DATUM(0))))
		{
			MemoryContext ctx = AllocSetContextCreate(aggctx, "pipeline_forecast_state",
													  0, (Size) 8192, (Size) 8192 * 1024);
			FcExpanded *ne = MemoryContextAllocZero(ctx, sizeof(FcExpanded));

			EOH_init_header(&ne->hdr, &fc_eom, ctx);
			ne->st = fc_copy(PG_ARGISNULL(0) ? b : fc_from_datum(PG_GETARG_DATUM(0)), ctx);
			if (!PG_ARGISNULL(0))
				fc_combine_into(ne->st, b, ctx);
			PG_RETURN_DATUM(EOHPGetRWDatum(&ne->hdr));
		}
		if (e->flat != NULL)
		{
			pfree(e->flat);
			e->flat = NULL;
		}
		fc_combine_into(e->st, b, e->hdr.eoh_context);
		PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
	}
	if (PG_ARGISNULL(0))
	{
		/* validate, and hand back a plain copy */
		PG_RETURN_BYTEA_P(fc_encode(fc_from_datum(PG_GETARG_DATUM(1))));
	}
	a = fc_copy(fc_from_datum(PG_GETARG_DATUM(0)), CurrentMemoryContext);
	b = fc_from_datum(PG_GETARG_DATUM(1));
	fc_combine_into(a, b, CurrentMemoryContext);
	PG_RETURN_BYTEA_P(fc_encode(a));
}

PG_FUNCTION_INFO_V1(pipeline_forecast_state_final);
Datum
pipeline_forecast_state_final(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	return fc_result(fcinfo, fc_from_datum(PG_GETARG_DATUM(0)));
}

/* ---------------------------------------------------------------------
 * pipeline_forecast_state I/O.  Text form:
 *	v1 deals=N scale=S target=X|none expected=X coarse=0|1
 *	open=amount@probability,...|none
 * S is the amounts' largest display scale; amounts are written exactly
 * with the decimals of the units (at most S), probabilities in float8's
 * shortest exact form.  coarse=1 (written by quota_ext 1.2 only): the
 * amounts are float8 text, read as the decimals written.
 * --------------------------------------------------------------------- */

static double
fc_parse_float(QxTextParser *tp, const char *s, const char *what)
{
	double		v;

	if (!qx_parse_float8(s, &v))
		qx_bad_text(tp, psprintf("%s must be a finite number, got \"%.40s\".", what, s));
	return v;
}

/* a plain decimal ([-]digits[.digits]) as a numeric */
static Numeric
fc_text_numeric(QxTextParser *tp, const char *s, const char *key)
{
	const char *c = s;
	int			digits = 0;
	bool		point = false;

	if (*c == '-')
		c++;
	for (; *c; c++)
	{
		if (*c >= '0' && *c <= '9')
			digits++;
		else if (*c == '.' && !point)
			point = true;
		else
			break;
	}
	if (*c != '\0' || digits == 0)
		qx_bad_text(tp, psprintf("%s must be a decimal number, got \"%.40s\".", key, s));
	return DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(s),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
}

PG_FUNCTION_INFO_V1(pipeline_forecast_state_in);
Datum
pipeline_forecast_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	QxTextParser tp;
	FcState    *st = fc_new(CurrentMemoryContext);
	const char *problem;
	char	   *s;
	bool		coarse;

	qx_text_init(&tp, str, FC_TYPE, "v1");
	st->deals = qx_text_int64(&tp, "deals", 0, PG_INT64_MAX);
	st->dscale = (int32) qx_text_int64(&tp, "scale", 0, FC_MAX_DSCALE);
	s = qx_text_field(&tp, "target");
	if (strcmp(s, "none") != 0)
	{
		st->has_target = true;
		st->target = fc_text_numeric(&tp, s, "target");
	}
	qx_text_money(&tp, "expected", &st->expected, CurrentMemoryContext);
	coarse = qx_text_int64(&tp, "coarse", 0, 1) == 1;
	s = qx_text_field(&tp, "open");
	qx_text_end(&tp);
	if (strcmp(s, "none") != 0)
	{
		char	   *item = s;

		for (;;)
		{
			char	   *comma = strchr(item, ',');
			char	   *at;
			double		p;
			int128		u;

			if (comma)
				*comma = '\0';
			at = strchr(item, '@');
			if (at == NULL)
				qx_bad_text(&tp, psprintf("Open deal \"%.40s\" is not amount@probability.", item));
			*at = '\0';
			p = fc_parse_float(&tp, at + 1, "a probability");
			if (coarse)
			{
				double		v = fc_parse_float(&tp, item, "an amount");

				if (!(v > 0))
					qx_bad_text(&tp, "Inconsistent state: an open deal's amount is not positive.");
				fc_add_open_text(st, item, p, CurrentMemoryContext);
			}
			else
			{
				const char *dot = strchr(item, '.');
				int			frac = dot ? (int) strlen(dot + 1) : 0;
				int			sc;

				if (frac > st->dscale || !qx_units_parse(item, &u, &sc))
					qx_bad_text(&tp, psprintf("Amount \"%.40s\" is not a decimal with at most %d decimals in range.",
											  item, st->dscale));
				fc_add_open_units(st, u, sc, p, CurrentMemoryContext);
			}
			if (comma == NULL)
				break;
			item = comma + 1;
		}
	}
	if (coarse)
		st->dscale = Max(st->dscale, Min(st->scale, FC_MAX_DSCALE));
	if ((problem = fc_problem(st)) != NULL || (problem = fc_expected_problem(st, coarse)) != NULL)
		qx_bad_text(&tp, psprintf("Inconsistent state: %s.", problem));
	PG_RETURN_POINTER(fc_encode(st));
}

PG_FUNCTION_INFO_V1(pipeline_forecast_state_out);
Datum
pipeline_forecast_state_out(PG_FUNCTION_ARGS)
{
	FcState    *st = fc_from_datum(PG_GETARG_DATUM(0));
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v1 deals=" INT64_FORMAT " scale=%d target=", st->deals, st->dscale);
	appendStringInfoString(&buf, st->has_target ? fc_numeric_str(st->target) : "none");
	appendStringInfoString(&buf, " expected=");
	qx_append_money(&buf, &st->expected);
	appendStringInfoString(&buf, " coarse=0 open=");
	if (st->n == 0)
		appendStringInfoString(&buf, "none");
	for (int i = 0; i < st->n; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		appendStringInfoString(&buf, fc_numeric_str(fc_units_numeric(st->d[i].units, st->scale,
																	 Max(st->scale, Min(st->dscale, FC_TEXT_SCALE)))));
		appendStringInfoChar(&buf, '@');
		qx_append_float8(&buf, st->d[i].p);
	}
	PG_RETURN_CSTRING(buf.data);
}
