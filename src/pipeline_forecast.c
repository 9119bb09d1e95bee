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
 * and turns its exact units (or grid points) into numerics here.  The
 * state's building, combining and binary codec are in
 * pipeline_forecast_state.c (pipeline_forecast.h).
 *
 * expected = sum(a * p) is exact, p read as PostgreSQL's float8::numeric
 * (15 significant digits), and rounded half away from zero to the amounts'
 * largest display scale, at least 2 (README "Money"); so are the quantiles.
 */
#include "postgres.h"

#include <float.h>

#include "access/htup_details.h"
#include "common/int.h"
#include "funcapi.h"
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
#include "pipeline_forecast.h"

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
