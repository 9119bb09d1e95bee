/*
 * pipeline_forecast_state.c
 *		The state of the pipeline_forecast aggregates (pipeline_forecast.h):
 *		appending deals at a common scale, combining two states, and the
 *		binary form (serialize / deserialize, the state type's send / recv)
 *		with the checks every state read passes.
 *
 * Raising the units' scale is checked on the total before any deal is
 * touched (an overflow is an error, the same in the transition, the combine
 * and the state's input, so every state written can be read).  Combining
 * two states is a concatenation.
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

#include <math.h>

#include "common/int.h"
#include "common/shortest_dec.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

#include "quota_ext.h"
#include "money.h"
#include "state_codec.h"
#include "aggregate.h"
#include "pipeline_forecast.h"

#define FC_VERSION 2
#define FC_FLAG_TARGET 1
#define FC_FLAG_COARSE 2		/* version 1 only */
#define FC_FLAG_WIDE 4			/* version 2: units as two int64 */

FcState *
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
pg_noreturn void
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
void
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

bool
fc_numeric_eq(Numeric a, Numeric b)
{
	if (VARSIZE_ANY(a) == VARSIZE_ANY(b) &&
		memcmp(a, b, VARSIZE_ANY(a)) == 0)
		return true;
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(a),
											 NumericGetDatum(b))) == 0;
}

Numeric
fc_numeric_copy(Numeric n, MemoryContext ctx)
{
	Numeric		src = DatumGetNumeric(PointerGetDatum(pg_detoast_datum((struct varlena *) n)));
	Numeric		c = MemoryContextAlloc(ctx, VARSIZE(src));

	memcpy(c, src, VARSIZE(src));
	return c;
}

/* st += o; parameters must agree.  Linear in o's deals (amortised). */
void
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

FcState *
fc_copy(const FcState *src, MemoryContext ctx)
{
	FcState    *st = fc_new(ctx);

	st->has_target = src->has_target;
	if (src->has_target)
		st->target = fc_numeric_copy(src->target, ctx);
	fc_combine_into(st, src, ctx);
	return st;
}

/* ---------------------------------------------------------------------
 * Binary encoding
 * --------------------------------------------------------------------- */

bytea *
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
const char *
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
void
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
void
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
const char *
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

FcState *
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
