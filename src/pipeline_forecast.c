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
 * the final function chooses the method once for the whole group (doc
 * "Method and bounds"), on the units divided by their gcd g:
 *
 *	1. exact, dense: when sum(units) / g + 1 <= 2^20, an array over the
 *	   lattice g * j;
 *	2. exact, sparse: otherwise the distinct subset sums, merged amount by
 *	   amount (the most frequent amounts first, a run of equal amounts at
 *	   once as the distribution of how many of them close), while they
 *	   number at most 2^20; cheap proofs that they number more skip it;
 *	3. exact, meet in the middle: otherwise, up to 40 open deals, the
 *	   distinct sums of each half (at most 2^20 each), P(S >= t) and the
 *	   CDF by a two-pointer sweep, quantiles by bisection on the value;
 *	4. grid: otherwise each amount a is split between the grid points
 *	   floor(a/h) and floor(a/h)+1 in proportion (mean-preserving), with the
 *	   step h chosen from the bounds of the doc.
 * Deals with probability 1 shift the distribution exactly.  Tails below
 * FC_TRIM are trimmed from the dense arrays, so a pass costs the width of
 * the distribution's bulk.
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
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "quota_ext.h"
#include "money.h"
#include "state_codec.h"
#include "aggregate.h"

#define FC_TYPE "pipeline_forecast_state"
#define FC_VERSION 2
#define FC_FLAG_TARGET 1
#define FC_FLAG_COARSE 2		/* version 1 only */
#define FC_FLAG_WIDE 4			/* version 2: units as two int64 */
#define FC_MAX_SUMS (1 << 20)	/* exact while distinct sums <= 2^20 */
#define FC_MAX_MITM 40			/* meet in the middle up to 40 open deals */
#define FC_MAX_GRID (1 << 22)	/* grid points at most: 32 MB of float8 */
#define FC_MAX_DEALS 50000000	/* open deals in one state */
#define FC_MAX_DSCALE 16383		/* numeric's largest display scale */
#define FC_MAX_WEIGHT 131072	/* numeric's digits before the point */
#define FC_GRID_SCALE 22		/* 10^k exact in float8 up to here */
#define FC_TEXT_SCALE 30		/* state text: amounts with the display scale's
								 * decimals up to here */
#define FC_TRIM 1e-20			/* tail bins below this are dropped */
#define FC_CDF_SLACK 1e-10		/* a CDF this close to a level reaches it */
#define FC_SLACK_ULPS 16.0		/* ... at most this many ulps per term */
#define FC_QUANTILE_ERR 0.001	/* quantiles within 0.1 % of sum(a) */
#define FC_NOISE_SIGMAS 4.0		/* ... as 4 SDs of the rounding noise */
#define FC_SMOOTH_SHARE 0.03	/* rounding noise SD <= 3 % of stddev */
#define FC_RUN_MIN 32			/* equal amounts merged as one run from here */

/*
 * The two inner loops (the dense DP's pass, the residue bitset's pass) are
 * built for the baseline and, where GCC can dispatch at load time (an ifunc:
 * x86-64 Linux with glibc, not musl), for AVX2 and AVX-512: 4 or 8 doubles
 * a step instead of 2.  Without
 * contraction into fused multiply-adds, which round differently: each point
 * is the same sum of the same products in every build, so the results do
 * not depend on the CPU (README "pipeline_forecast: method and bounds").
 */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && defined(__GLIBC__)
#define FC_VECTOR __attribute__((optimize("O3", "fp-contract=off"), target_clones("avx512f", "avx2", "default")))
#elif defined(__GNUC__) && !defined(__clang__)
#define FC_VECTOR __attribute__((optimize("O3")))
#else
#define FC_VECTOR
#endif

#define FC_INT128_MAX ((int128) (~(uint128) 0 >> 1))

typedef struct FcDeal
{
	int128		units;			/* amount * 10^scale, > 0 */
	double		p;				/* in (0, 1] */
} FcDeal;

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

typedef struct FcDist
{
	int64		npts;
	double	   *prob;
	int64	   *sum;			/* sparse only */
	int64		lo;
	double		h;				/* grid; 0 otherwise */
} FcDist;

static int128
fc_gcd(int128 a, int128 b)
{
	while (b != 0)
	{
		/* int64 arithmetic once both fit: int128 division is a libgcc call */
		if (a >= 0 && b > 0 && a <= PG_INT64_MAX && b <= PG_INT64_MAX)
		{
			int64		x = (int64) a,
						y = (int64) b;

			while (y != 0)
			{
				int64		t = x % y;

				x = y;
				y = t;
			}
			return x;
		}
		else
		{
			int128		t = a % b;

			a = b;
			b = t;
		}
	}
	return a;
}

/*
 * One dense pass: src holds the distribution over bins [lo, hi] (absolute
 * indices; src is scratch above hi); dst receives that of S + a * B with
 * B ~ Bernoulli(p) and a worth k + theta bins, theta split to bin k + 1
 * (mean-preserving; theta = 0 on the exact lattice).  Out of place and
 * branch-free in its main loop, which GCC vectorises at -O3.
 */
FC_VECTOR static void
fc_dense_step(double *restrict src, double *restrict dst, int64 *lo, int64 *hi,
			  int64 k, double theta, double p)
{
	const double q = 1.0 - p;
	const double a = p * (1.0 - theta);
	const double b = p * theta;
	int64		l = *lo;
	int64		top = *hi + k + 1;
	int64		j;

	for (j = *hi + 1; j <= top; j++)
		src[j] = 0;
	for (j = l; j < l + k; j++)
		dst[j] = q * src[j];
	dst[l + k] = q * src[l + k] + a * src[l];
	for (j = l + k + 1; j <= top; j++)
		dst[j] = q * src[j] + a * src[j - k] + b * src[j - k - 1];
	/* drop negligible tails, keeping at least one bin */
	while (l < top && dst[l] < FC_TRIM)
		l++;
	while (top > l && dst[top] < FC_TRIM)
		top--;
	*lo = l;
	*hi = top;
}

/* Dense DP over nbins bins; ks[i] whole bins and thetas[i] of deal i. */
static void
fc_dense(FcDist *dist, int n, const int64 *ks, const double *thetas,
		 const double *ps, int64 nbins)
{
	double	   *c = palloc_extended((nbins + 2) * sizeof(double), MCXT_ALLOC_HUGE);
	double	   *d = palloc_extended((nbins + 2) * sizeof(double), MCXT_ALLOC_HUGE);
	int64		lo = 0,
				hi = 0;

	c[0] = 1.0;
	for (int i = 0; i < n; i++)
	{
		double	   *t = c;

		CHECK_FOR_INTERRUPTS();
		fc_dense_step(c, d, &lo, &hi, ks[i], thetas ? thetas[i] : 0.0, ps[i]);
		c = d;
		d = t;
	}
	dist->npts = hi - lo + 1;
	dist->prob = c + lo;
	dist->lo = lo;
	dist->sum = NULL;
}

typedef struct FcSortDeal
{
	int64		units;
	int64		count;			/* deals with this amount */
	double		p;
} FcSortDeal;

/* most frequent amounts first, so that the distinct sums grow slowly */
static int
fc_cmp_count(const void *a, const void *b)
{
	const FcSortDeal *x = a,
			   *y = b;

	if (x->count != y->count)
		return (x->count < y->count) - (x->count > y->count);
	if (x->units != y->units)
		return (x->units > y->units) - (x->units < y->units);
	return (x->p > y->p) - (x->p < y->p);
}

/*
 * Cheap proofs that the deals have more than FC_MAX_SUMS distinct subset
 * sums (README "pipeline_forecast: method and bounds").  Reducing modulo
 * M = 64 * FC_RES_WORDS maps the subset sums onto their residues, so there
 * are at least as many sums as residues: more than FC_MAX_SUMS residues
 * prove that no exact attempt can succeed.  The residues of the deals
 * added so far form a circular bitset; adding a deal of u units ORs in the
 * bitset rotated by u mod M (a residue x gives x and x + u), which at most
 * doubles their number, so they are counted only when that could pass
 * FC_MAX_SUMS.  false means "not proven", not "few".
 */
#define FC_RES_WORDS 32771
#define FC_RES_BITS ((int64) 64 * FC_RES_WORDS)
#define FC_LIST_RES 8192		/* residues listed one by one before passes */
#define FC_FIRST_PASSES 24		/* passes of the probe before any merge */
#define FC_PROBE_SUMS (1 << 15) /* the merge's own probe starts here */
#define FC_PROBE_PASSES 21		/* ... and makes at most this many passes */

/* dst = src | src rotated left by sh bits, circularly (0 < sh < M) */
/* dst[j] = a[j] | hi[j] << b | lo[j] >> (64 - b), 0 < b < 64 */
FC_VECTOR static void
fc_or_shifted(uint64 *restrict dst, const uint64 *restrict a, const uint64 *restrict hi,
			  const uint64 *restrict lo, int64 len, int b)
{
	for (int64 j = 0; j < len; j++)
		dst[j] = a[j] | (hi[j] << b) | (lo[j] >> (64 - b));
}

/*
 * dst = src | src rotated left by sh bits, circularly (0 < sh < M): word j
 * takes words j - w and j - w - 1 (mod FC_RES_WORDS), shifted by b.
 * Pointers, not indices, so that -fwrapv does not keep GCC from
 * vectorising.
 */
static void
fc_rotate_or(const uint64 *restrict src, uint64 *restrict dst, int64 sh)
{
	const int64 nw = FC_RES_WORDS;
	const int64 w = sh / 64;
	const int	b = (int) (sh % 64);

	if (b == 0)
	{
		for (int64 j = 0; j < w; j++)
			dst[j] = src[j] | src[j - w + nw];
		for (int64 j = w; j < nw; j++)
			dst[j] = src[j] | src[j - w];
		return;
	}
	fc_or_shifted(dst, src, src + nw - w, src + nw - w - 1, w, b);
	dst[w] = src[w] | (src[0] << b) | (src[nw - 1] >> (64 - b));
	fc_or_shifted(dst + w + 1, src + w + 1, src + 1, src, nw - w - 1, b);
}

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define FC_HAVE_POPCNT_TARGET 1
__attribute__((target("popcnt")))
static int64
fc_count_bits_popcnt(const uint64 *w, int n)
{
	int64		c = 0;

	for (int i = 0; i < n; i++)
		c += __builtin_popcountll(w[i]);
	return c;
}
#endif

/* bits set in n words */
static int64
fc_count_bits(const uint64 *w, int n)
{
#ifdef FC_HAVE_POPCNT_TARGET
	/* pg_popcount calls through a pointer per word: 5x slower here */
	if (__builtin_cpu_supports("popcnt"))
		return fc_count_bits_popcnt(w, n);
#endif
	return (int64) pg_popcount((const char *) w, n * sizeof(uint64));
}

/*
 * Add the deals to the residues *r (*t scratch; they swap), which number at
 * most known; true once more than FC_MAX_SUMS are set.  Gives up after
 * max_passes passes.
 */
static bool
fc_residue_passes(uint64 **r, uint64 **t, int64 known, const FcSortDeal *sd,
				  int n, int64 g, int max_passes)
{
	int			passes = 0;

	for (int i = 0; i < n && passes < max_passes; i++)
	{
		int64		sh = (sd[i].units / g) % FC_RES_BITS;
		uint64	   *swap = *r;

		CHECK_FOR_INTERRUPTS();
		if (sh == 0)
			continue;
		fc_rotate_or(*r, *t, sh);
		*r = *t;
		*t = swap;
		passes++;
		known *= 2;
		if (known <= FC_MAX_SUMS)
			continue;
		known = fc_count_bits(*r, FC_RES_WORDS);
		if (known > FC_MAX_SUMS)
			return true;
	}
	return false;
}

/*
 * The probe before any exact attempt, on the deals in canonical order
 * (amounts ascending), taken from the largest: the residues of the
 * distinct amounts' sums are listed one by one while few, then the
 * remaining deals (distinct amounts first) are added in passes.  Distinct
 * and large amounts spread the residues fastest (the sums of small ones
 * crowd into [0, their total] and stop doubling).  Skipped when the amounts
 * cannot have more than FC_MAX_SUMS sums: with c_v deals of amount v, at
 * most the product of (c_v + 1).
 */
static bool
fc_many_sums(const FcSortDeal *sd, int n, int64 g)
{
	uint64	   *r,
			   *t;
	uint32	   *list;
	FcSortDeal *rest;
	int			nlist = 1,
				nrest = 0,
				run = 1;
	double		most = 1;
	bool		proven;

	for (int i = 1; i <= n && most <= FC_MAX_SUMS; i++)
	{
		if (i < n && sd[i].units == sd[i - 1].units)
			run++;
		else
		{
			most *= run + 1;
			run = 1;
		}
	}
	if (most <= FC_MAX_SUMS)
		return false;

	r = palloc0(FC_RES_WORDS * sizeof(uint64));
	t = palloc(FC_RES_WORDS * sizeof(uint64));
	list = palloc(FC_LIST_RES * sizeof(uint32));
	rest = palloc(n * sizeof(FcSortDeal));
	list[0] = 0;
	r[0] = 1;
	for (int i = n - 1; i >= 0; i--)
	{
		int64		sh = (sd[i].units / g) % FC_RES_BITS;
		int			had = nlist;

		if (i > 0 && sd[i].units == sd[i - 1].units)
			continue;
		if (nlist > FC_LIST_RES / 2)
		{
			rest[nrest++] = sd[i];
			continue;
		}
		CHECK_FOR_INTERRUPTS();
		for (int k = 0; k < had; k++)
		{
			int64		y = list[k] + sh;

			if (y >= FC_RES_BITS)
				y -= FC_RES_BITS;
			if (!(r[y / 64] & (UINT64CONST(1) << (y % 64))))
			{
				r[y / 64] |= UINT64CONST(1) << (y % 64);
				list[nlist++] = (uint32) y;
			}
		}
	}
	for (int i = n - 1; i > 0; i--)
		if (sd[i].units == sd[i - 1].units)
			rest[nrest++] = sd[i];
	proven = fc_residue_passes(&r, &t, nlist, rest, nrest, g, FC_FIRST_PASSES);
	pfree(r);
	pfree(t);
	pfree(list);
	pfree(rest);
	return proven;
}

/*
 * The merge's probe, seeded with the nsums exact sums merged so far (more
 * than FC_PROBE_SUMS) before the remaining deals are added.
 */
static bool
fc_too_many_sums(const int64 *sums, int64 nsums, const FcSortDeal *sd, int n, int64 g)
{
	uint64	   *r = palloc0(FC_RES_WORDS * sizeof(uint64));
	uint64	   *t = palloc(FC_RES_WORDS * sizeof(uint64));
	int64		known = 0;
	bool		proven;

	for (int64 i = 0; i < nsums; i++)
	{
		int64		x = (sums[i] / g) % FC_RES_BITS;

		known += !(r[x / 64] & (UINT64CONST(1) << (x % 64)));
		r[x / 64] |= UINT64CONST(1) << (x % 64);
	}
	proven = fc_residue_passes(&r, &t, known, sd, n, g, FC_PROBE_PASSES);
	pfree(r);
	pfree(t);
	return proven;
}

/*
 * The distribution of how many of c deals of one amount close (ps, the
 * deals' probabilities in (0, 1), ascending): for each stretch of equal
 * probability the binomial, by the ratio recurrence from its mode outward
 * (stopping below FC_TRIM of the mode), normalised; the stretches
 * convolved.  Points below FC_TRIM are trimmed from the tails, as in the
 * dense DP.  Returns the number of points, the first count in *k0.
 */
static int64
fc_count_dist(const double *ps, int c, double **out, int64 *k0)
{
	double	   *acc = palloc(sizeof(double));
	int64		alo = 0,
				an = 1;

	acc[0] = 1.0;
	for (int i = 0; i < c;)
	{
		int			j = i;
		double		p = ps[i],
					q = 1.0 - p,
					r = p / q,
					tot = 0;
		int64		cnt,
					mode,
					lo,
					hi,
					bn;
		double	   *w,
				   *res;

		while (j < c && ps[j] == p)
			j++;
		cnt = j - i;
		i = j;
		CHECK_FOR_INTERRUPTS();
		mode = (int64) floor((double) (cnt + 1) * p);
		mode = Min(Max(mode, 0), cnt);
		/* w[k - lo] = pmf(k) / pmf(mode); first find the range */
		lo = mode;
		{
			double		v = 1.0;

			while (lo > 0)
			{
				v *= (double) lo / ((double) (cnt - lo + 1) * r);
				if (v < FC_TRIM * 1e-3)
					break;
				lo--;
			}
			v = 1.0;
			hi = mode;
			while (hi < cnt)
			{
				v *= (double) (cnt - hi) / (double) (hi + 1) * r;
				if (v < FC_TRIM * 1e-3)
					break;
				hi++;
			}
		}
		bn = hi - lo + 1;
		w = palloc(bn * sizeof(double));
		w[mode - lo] = 1.0;
		for (int64 k = mode; k > lo; k--)
			w[k - 1 - lo] = w[k - lo] * ((double) k / ((double) (cnt - k + 1) * r));
		for (int64 k = mode; k < hi; k++)
			w[k + 1 - lo] = w[k - lo] * ((double) (cnt - k) / (double) (k + 1) * r);
		for (int64 k = 0; k < bn; k++)
			tot += w[k];
		for (int64 k = 0; k < bn; k++)
			w[k] /= tot;
		/* acc * w, trimmed */
		res = palloc0((an + bn - 1) * sizeof(double));
		for (int64 a = 0; a < an; a++)
			for (int64 b = 0; b < bn; b++)
				res[a + b] += acc[a] * w[b];
		{
			int64		l = 0,
						h = an + bn - 2;

			while (l < h && res[l] < FC_TRIM)
				l++;
			while (h > l && res[h] < FC_TRIM)
				h--;
			pfree(acc);
			acc = palloc((h - l + 1) * sizeof(double));
			memcpy(acc, res + l, (h - l + 1) * sizeof(double));
			alo = alo + lo + l;
			an = h - l + 1;
		}
		pfree(w);
		pfree(res);
	}
	*out = acc;
	*k0 = alo;
	return an;
}

typedef struct FcPair
{
	int64		sum;
	int64		k;				/* how many of the run closed */
	double		p;
} FcPair;

#define ST_SORT fc_sort_pairs
#define ST_ELEMENT_TYPE FcPair
#define ST_COMPARE(a, b) ((a)->sum != (b)->sum ? ((a)->sum > (b)->sum) - ((a)->sum < (b)->sum) \
						  : ((a)->k > (b)->k) - ((a)->k < (b)->k))
#define ST_CHECK_FOR_INTERRUPTS
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/*
 * Merge a run of c deals of one amount (rd[0..c), probabilities ascending)
 * into the distinct sums (*s, *pr, *m of them; *s2, *pr2 scratch, *cap
 * each): the sums s + k * u for each count k of the run's distribution,
 * sorted by (sum, k) so that equal sums are added in one order.  1 when
 * done, -1 when the sums would number more than FC_MAX_SUMS, 0 when the
 * pairs would be too many to list (the caller merges deal by deal).
 */
static int
fc_merge_run(int64 **s, double **pr, int64 **s2, double **pr2, int64 *m,
			 int64 *cap, const FcSortDeal *rd, int c)
{
	double	   *ps = palloc(c * sizeof(double));
	double	   *w;
	int64		k0,
				kn,
				np,
				o = 0;
	int64		u = rd[0].units;
	FcPair	   *pairs;

	for (int i = 0; i < c; i++)
		ps[i] = rd[i].p;
	kn = fc_count_dist(ps, c, &w, &k0);
	if ((double) *m * (double) kn > 4.0 * FC_MAX_SUMS)
		return 0;
	np = *m * kn;
	pairs = palloc_extended(np * sizeof(FcPair), MCXT_ALLOC_HUGE);
	for (int64 j = 0; j < kn; j++)
		for (int64 a = 0; a < *m; a++)
		{
			FcPair	   *x = &pairs[j * *m + a];

			x->sum = (*s)[a] + (k0 + j) * u;
			x->k = k0 + j;
			x->p = (*pr)[a] * w[j];
		}
	if (kn > 1 && *m > 1)
		fc_sort_pairs(pairs, np);
	for (int64 i = 0; i < np; i++)
		if (i == 0 || pairs[i].sum != pairs[i - 1].sum)
			o++;
	if (o > FC_MAX_SUMS)
		return -1;
	if (o > *cap)
	{
		*s = repalloc(*s, o * sizeof(int64));
		*s2 = repalloc(*s2, o * sizeof(int64));
		*pr = repalloc(*pr, o * sizeof(double));
		*pr2 = repalloc(*pr2, o * sizeof(double));
		*cap = o;
	}
	o = 0;
	for (int64 i = 0; i < np; i++)
	{
		if (i == 0 || pairs[i].sum != pairs[i - 1].sum)
		{
			(*s)[o] = pairs[i].sum;
			(*pr)[o++] = pairs[i].p;
		}
		else
			(*pr)[o - 1] += pairs[i].p;
	}
	*m = o;
	pfree(pairs);
	pfree(w);
	pfree(ps);
	return 1;
}

/*
 * Exact distribution over the distinct subset sums, merged deal by deal
 * (a run of FC_RUN_MIN or more equal amounts at once); false when they
 * would number more than FC_MAX_SUMS.
 */
static bool
fc_sparse(FcDist *dist, int n, FcSortDeal *sd, int64 g)
{
	int64		cap = 1024;
	int64		*s = palloc(cap * sizeof(int64)),
			   *s2 = palloc(cap * sizeof(int64));
	double	   *pr = palloc(cap * sizeof(double)),
			   *pr2 = palloc(cap * sizeof(double));
	int64		m = 1;
	int64		distinct = 0;
	bool		probed = false;
	double		min_sums;
	int			per_deal_until = 0;

	/*
	 * sd arrives with the amounts ascending (fc_open_deals sorts the deals).
	 * A lower bound on the distinct subset sums: with the amounts ascending
	 * x_1 <= ... <= x_n, the sums of the k largest (k = 0..n) increase
	 * strictly, and between the sum of the k largest and the next one lie
	 * that sum plus each distinct smaller amount.  So at least
	 * n + 1 + sum over deals of the distinct amounts below theirs; above
	 * FC_MAX_SUMS nothing needs trying.
	 */
	min_sums = n + 1;
	for (int i = 0; i < n;)
	{
		int			j = i;

		while (j < n && sd[j].units == sd[i].units)
			j++;
		for (int t = i; t < j; t++)
			sd[t].count = j - i;
		min_sums += (double) (j - i) * (double) distinct;
		i = j;
		distinct++;
	}
	if (min_sums > FC_MAX_SUMS)
		return false;
	qsort(sd, n, sizeof(FcSortDeal), fc_cmp_count);

	s[0] = 0;
	pr[0] = 1.0;
	for (int i = 0; i < n; i++)
	{
		int64		u = sd[i].units;
		double		p = sd[i].p,
					q = 1.0 - p;
		int64		a = 0,
					b = 0,
					o = 0;

		CHECK_FOR_INTERRUPTS();
		/* once the sums are many, try the cheap proof that they get too many */
		if (!probed && m > FC_PROBE_SUMS && n - i > 1)
		{
			probed = true;
			if (fc_too_many_sums(s, m, sd + i, n - i, g))
				return false;
		}
		/* a long run of one amount: all of it at once (linear, not c * m) */
		if (i >= per_deal_until && sd[i].count >= FC_RUN_MIN)
		{
			int			c = (int) sd[i].count;
			int			r = fc_merge_run(&s, &pr, &s2, &pr2, &m, &cap, sd + i, c);

			if (r < 0)
				return false;
			if (r > 0)
			{
				i += c - 1;
				continue;
			}
			per_deal_until = i + c;
		}
		if (2 * m > cap)
		{
			int64		nc = Min(2 * m, (int64) FC_MAX_SUMS + 1);

			if (nc > cap)
			{
				s = repalloc(s, nc * sizeof(int64));
				s2 = repalloc(s2, nc * sizeof(int64));
				pr = repalloc(pr, nc * sizeof(double));
				pr2 = repalloc(pr2, nc * sizeof(double));
				cap = nc;
			}
		}
		/* merge s (not closed) with s + u (closed), equal sums combined */
		while (a < m || b < m)
		{
			int64		x;
			double		v;

			if (o >= cap)
				return false;
			if (b >= m || (a < m && s[a] < s[b] + u))
			{
				x = s[a];
				v = q * pr[a++];
			}
			else if (a >= m || s[b] + u < s[a])
			{
				x = s[b] + u;
				v = p * pr[b++];
			}
			else
			{
				x = s[a];
				v = q * pr[a++] + p * pr[b++];
			}
			s2[o] = x;
			pr2[o++] = v;
		}
		if (o > FC_MAX_SUMS)
			return false;
		{
			int64	   *ts = s;
			double	   *tp = pr;

			s = s2;
			s2 = ts;
			pr = pr2;
			pr2 = tp;
		}
		m = o;
	}
	dist->npts = m;
	dist->prob = pr;
	dist->sum = s;
	dist->lo = 0;
	return true;
}

/* sum of p * theta * (1 - theta): the rounding noise's variance over h^2 */
static double
fc_noise_var(const double *amounts, const double *ps, int n, double h)
{
	double		v = 0;

	for (int i = 0; i < n; i++)
	{
		double		x = amounts[i] / h;
		double		th = x - floor(x);

		v += ps[i] * th * (1.0 - th);
	}
	return v;
}

/*
 * The grid step (README "pipeline_forecast: method and bounds").  Splitting
 * an amount a = (k + theta) h between k h and (k + 1) h keeps the mean, so
 * the grid sum is S~ = S + N with E[N | which deals close] = 0 and
 * SD(N) = h sqrt(sum p theta (1 - theta)) <= (h/2) sqrt(sum p).  The step
 * keeps FC_NOISE_SIGMAS SDs of N within FC_QUANTILE_ERR * sum(a) and the
 * SD of N within FC_SMOOTH_SHARE of stddev; it starts from the worst case
 * theta = 1/2 and widens to what the actual thetas allow.
 */
static double
fc_grid_step(const double *amounts, const double *ps, int n, double total,
			 double sum_p, double sd)
{
	double		limit = Min(FC_QUANTILE_ERR * total / FC_NOISE_SIGMAS,
							FC_SMOOTH_SHARE * sd);
	double		h = 2.0 * limit / sqrt(Max(sum_p, 1e-300));
	double		wide = h;

	for (int tries = 0; tries < 4 && h > 0; tries++)
	{
		double		v = fc_noise_var(amounts, ps, n, wide);

		if (v > 0 && wide * sqrt(v) <= limit)
			h = Max(h, wide);
		wide = v > 0 ? 0.98 * limit / sqrt(v) : 2 * wide;
		if (wide <= h)
			break;
	}
	if (!(h > 0) || total / h > FC_MAX_GRID)
		h = total / FC_MAX_GRID;
	return h;
}

/*
 * Deals in one canonical order (amount, then probability) before any float
 * arithmetic, so that the result does not depend on the order rows arrive
 * in: parallel plans and merged states give the serial answer to the bit.
 */
static inline int
fc_cmp_deal_units(const FcDeal *x, const FcDeal *y)
{
	if (x->units != y->units)
		return (x->units > y->units) - (x->units < y->units);
	return (x->p > y->p) - (x->p < y->p);
}

/* the sorts, with the comparison inlined (qsort's call per compare costs more) */
#define ST_SORT fc_sort_units
#define ST_ELEMENT_TYPE FcDeal
#define ST_COMPARE(a, b) fc_cmp_deal_units(a, b)
#define ST_CHECK_FOR_INTERRUPTS
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/* Result fields computed from the deals */
typedef struct FcResult
{
	double		sd;
	double		p_target;		/* < 0: none */
	Numeric		q[3];
} FcResult;

static const double fc_levels[3] = {0.1, 0.5, 0.9};

/*
 * How far below a level a computed CDF may fall and still reach it: the
 * float8 rounding of the sums that make it, FC_SLACK_ULPS ulps per deal and
 * per point, never more than FC_CDF_SLACK.  (A fixed 1e-10 made
 * pipeline_forecast(100, 0.50000000001, 100) say p50 = 0 beside
 * p_target = 0.50000000001.)
 */
static double
fc_slack(int64 terms)
{
	return Min(FC_CDF_SLACK, FC_SLACK_ULPS * DBL_EPSILON * (double) (terms + 1));
}

/* index of the first point with cumulative probability >= level - slack */
static int64
fc_quantile_index(const FcDist *d, double level, double slack)
{
	double		cum = 0;

	for (int64 i = 0; i < d->npts; i++)
	{
		cum += d->prob[i];
		if (cum >= level - slack)
			return i;
	}
	return d->npts - 1;
}

/* sum of prob[i] for i >= first, clamped to [0, 1] */
static double
fc_tail(const FcDist *d, int64 first)
{
	double		t = 0;

	if (first <= 0)
		return 1.0;
	for (int64 i = d->npts - 1; i >= first; i--)
		t += d->prob[i];
	return Min(Max(t, 0.0), 1.0);
}

/* units (int128, at scale) as a numeric rounded to outscale decimals */
static Numeric
fc_units_numeric(int128 units, int scale, int outscale)
{
	return DatumGetNumeric(DirectFunctionCall2(numeric_round,
											   NumericGetDatum(qx_units_numeric(units, scale)),
											   Int32GetDatum(outscale)));
}

/* The open deals of a state (0 < p < 1) in canonical order, and the shift. */
typedef struct FcOpen
{
	int			n;
	int128	   *u;				/* units / g, ascending */
	double	   *ps;
	FcSortDeal *sd;				/* units / g and p, when fits64 */
	double	   *amounts;		/* units / 10^e (grid and stddev) */
	int			e;				/* amounts are in 10^-(scale - e) */
	double		total;			/* sum of amounts */
	double		sum_p;
	int128		shift;			/* units of the deals with p = 1 */
	int128		open_units;
	int128		g;				/* gcd of the open units */
	bool		fits64;			/* open_units / g fits int64 */
} FcOpen;

static void
fc_open_deals(const FcState *st, FcOpen *o)
{
	FcDeal	   *dl = palloc_extended(Max(st->n, 1) * sizeof(FcDeal), MCXT_ALLOC_HUGE);
	int64		sz = Max(st->n, 1);
	double		f;

	memset(o, 0, sizeof(FcOpen));
	o->e = Min(Max(st->scale, 0), FC_GRID_SCALE);
	f = pow(10.0, o->e);
	o->u = palloc_extended(sz * sizeof(int128), MCXT_ALLOC_HUGE);
	o->sd = palloc_extended(sz * sizeof(FcSortDeal), MCXT_ALLOC_HUGE);
	o->amounts = palloc_extended(sz * sizeof(double), MCXT_ALLOC_HUGE);
	o->ps = palloc_extended(sz * sizeof(double), MCXT_ALLOC_HUGE);
	memcpy(dl, st->d, st->n * sizeof(FcDeal));
	fc_sort_units(dl, st->n);
	for (int i = 0; i < st->n; i++)
	{
		double		a = (double) dl[i].units / f;
		double		p = dl[i].p;

		if (p >= 1.0)
		{
			o->shift += dl[i].units;
			continue;
		}
		o->total += a;
		o->sum_p += p;
		o->amounts[o->n] = a;
		o->ps[o->n] = p;
		o->u[o->n] = dl[i].units;
		o->open_units += dl[i].units;
		o->g = fc_gcd(o->g, dl[i].units);
		o->n++;
	}
	if (o->g <= 0)
		o->g = 1;				/* no open deal (units are positive) */
	o->fits64 = o->open_units / o->g <= PG_INT64_MAX;
	for (int i = 0; i < o->n; i++)
	{
		o->u[i] /= o->g;
		o->sd[i].units = o->fits64 ? (int64) o->u[i] : 0;
		o->sd[i].p = o->ps[i];
	}
	pfree(dl);
}

/* sqrt(sum a^2 p (1 - p)), scaled by the largest amount so a^2 cannot overflow */
static double
fc_stddev(const FcOpen *o)
{
	double		amax = 0,
				var = 0;

	for (int i = 0; i < o->n; i++)
		amax = Max(amax, o->amounts[i]);
	for (int i = 0; i < o->n; i++)
		var += (o->amounts[i] / amax) * (o->amounts[i] / amax) * o->ps[i] * (1.0 - o->ps[i]);
	return o->n > 0 ? amax * sqrt(var) : 0;
}

/*
 * Meet in the middle (up to FC_MAX_MITM open deals): the distinct sums of
 * each half with their probabilities, ascending; cb[j] = sum of pb[k < j].
 */
typedef struct FcMitm
{
	int64		na,
				nb;
	int128	   *sa,
			   *sb;
	double	   *pa,
			   *pb,
			   *cb;
} FcMitm;

/* the distinct subset sums of k deals (units u, probabilities ps) */
static int64
fc_enum(const int128 *u, const double *ps, int k, int128 **sums, double **probs)
{
	int64		cap = (int64) 1 << k;
	int128	   *s = palloc_extended(cap * sizeof(int128), MCXT_ALLOC_HUGE),
			   *s2 = palloc_extended(cap * sizeof(int128), MCXT_ALLOC_HUGE);
	double	   *pr = palloc_extended(cap * sizeof(double), MCXT_ALLOC_HUGE),
			   *pr2 = palloc_extended(cap * sizeof(double), MCXT_ALLOC_HUGE);
	int64		m = 1;

	s[0] = 0;
	pr[0] = 1.0;
	for (int i = 0; i < k; i++)
	{
		int128		v = u[i];
		double		p = ps[i],
					q = 1.0 - p;
		int64		a = 0,
					b = 0,
					o = 0;

		CHECK_FOR_INTERRUPTS();
		while (a < m || b < m)
		{
			if (b >= m || (a < m && s[a] < s[b] + v))
			{
				s2[o] = s[a];
				pr2[o++] = q * pr[a++];
			}
			else if (a >= m || s[b] + v < s[a])
			{
				s2[o] = s[b] + v;
				pr2[o++] = p * pr[b++];
			}
			else
			{
				s2[o] = s[a];
				pr2[o++] = q * pr[a++] + p * pr[b++];
			}
		}
		{
			int128	   *ts = s;
			double	   *tp = pr;

			s = s2;
			s2 = ts;
			pr = pr2;
			pr2 = tp;
		}
		m = o;
	}
	pfree(s2);
	pfree(pr2);
	*sums = s;
	*probs = pr;
	return m;
}

static void
fc_mitm(const FcOpen *o, FcMitm *mm)
{
	int			ka = o->n / 2;

	mm->na = fc_enum(o->u, o->ps, ka, &mm->sa, &mm->pa);
	mm->nb = fc_enum(o->u + ka, o->ps + ka, o->n - ka, &mm->sb, &mm->pb);
	mm->cb = palloc_extended((mm->nb + 1) * sizeof(double), MCXT_ALLOC_HUGE);
	mm->cb[0] = 0;
	for (int64 j = 0; j < mm->nb; j++)
		mm->cb[j + 1] = mm->cb[j] + mm->pb[j];
}

/* P(S <= x), x in units / g */
static double
fc_mitm_cdf(const FcMitm *mm, int128 x)
{
	int64		j = mm->nb;
	double		c = 0;

	for (int64 i = 0; i < mm->na; i++)
	{
		int128		lim = x - mm->sa[i];

		if (lim < 0)
			break;
		while (j > 0 && mm->sb[j - 1] > lim)
			j--;
		c += mm->pa[i] * mm->cb[j];
	}
	return c;
}

/* P(S >= t), t in units / g */
static double
fc_mitm_tail(const FcMitm *mm, int128 t)
{
	int64		j = mm->nb;
	double		c = 0,
				tb = mm->cb[mm->nb];

	for (int64 i = 0; i < mm->na; i++)
	{
		int128		need = t - mm->sa[i];

		while (j > 0 && mm->sb[j - 1] >= need)
			j--;
		c += mm->pa[i] * (tb - mm->cb[j]);
	}
	return Min(Max(c, 0.0), 1.0);
}

/* the smallest x (units / g) with P(S <= x) >= level - slack: bisection */
static int128
fc_mitm_quantile(const FcMitm *mm, double level, double slack)
{
	int128		lo = 0,
				hi = mm->sa[mm->na - 1] + mm->sb[mm->nb - 1];

	while (lo < hi)
	{
		int128		mid = lo + (hi - lo) / 2;

		CHECK_FOR_INTERRUPTS();
		if (fc_mitm_cdf(mm, mid) >= level - slack)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

typedef enum FcMethod
{
	FC_POINT,					/* no open deal: the shift */
	FC_DENSE,
	FC_SPARSE,
	FC_MITM,
	FC_GRID
} FcMethod;

/* The distribution of the open deals' sum and the method that gave it. */
static FcMethod
fc_build(const FcOpen *o, double sd, FcDist *dist, FcMitm *mm)
{
	double		h;
	int64	   *ks;
	double	   *th;
	int64		nbins = 0;

	memset(dist, 0, sizeof(FcDist));
	if (o->n == 0)
		return FC_POINT;
	if (o->fits64 && o->open_units / o->g < FC_MAX_SUMS)
	{
		ks = palloc(o->n * sizeof(int64));
		for (int i = 0; i < o->n; i++)
			ks[i] = o->sd[i].units;
		fc_dense(dist, o->n, ks, NULL, o->ps, (int64) (o->open_units / o->g));
		return FC_DENSE;
	}
	if (o->fits64 && !fc_many_sums(o->sd, o->n, 1) &&
		fc_sparse(dist, o->n, o->sd, 1))
		return FC_SPARSE;
	if (o->n <= FC_MAX_MITM)
	{
		fc_mitm(o, mm);
		return FC_MITM;
	}

	/* the grid, amounts ascending: the bulk stays narrow longer */
	h = fc_grid_step(o->amounts, o->ps, o->n, o->total, o->sum_p, sd);
	ks = palloc_extended(o->n * sizeof(int64), MCXT_ALLOC_HUGE);
	th = palloc_extended(o->n * sizeof(double), MCXT_ALLOC_HUGE);
	for (int i = 0; i < o->n; i++)
	{
		double		x = o->amounts[i] / h;
		double		k = floor(x);

		ks[i] = (int64) k;
		th[i] = x - k;
		nbins += ks[i] + 1;
	}
	dist->h = h;
	fc_dense(dist, o->n, ks, th, o->ps, nbins);
	return FC_GRID;
}

/* the slack of a method's CDF */
static double
fc_method_slack(const FcOpen *o, const FcDist *dist, const FcMitm *mm, FcMethod m)
{
	if (m == FC_MITM)
		return fc_slack((int64) o->n + mm->na + mm->nb);
	return fc_slack((int64) o->n + dist->npts);
}

/* The quantile at level: exact, or a grid point plus the shift, rounded. */
static Numeric
fc_quantile(const FcState *st, const FcOpen *o, const FcDist *dist,
			const FcMitm *mm, FcMethod m, double level, int outscale)
{
	double		slack = fc_method_slack(o, dist, mm, m);
	int64		i;
	double		v;
	Datum		x;

	switch (m)
	{
		case FC_POINT:
			return fc_units_numeric(o->shift, st->scale, outscale);
		case FC_MITM:
			return fc_units_numeric(o->shift + o->g * fc_mitm_quantile(mm, level, slack),
									st->scale, outscale);
		case FC_DENSE:
		case FC_SPARSE:
			i = fc_quantile_index(dist, level, slack);
			return fc_units_numeric(o->shift + o->g * (dist->sum ? (int128) dist->sum[i]
													   : (int128) (dist->lo + i)),
									st->scale, outscale);
		case FC_GRID:
			break;
	}
	i = fc_quantile_index(dist, level, slack);
	v = Min(Max(dist->h * (double) (dist->lo + i), 0.0), o->total);
	x = DirectFunctionCall1(float8_numeric, Float8GetDatum(v));
	if (st->scale != o->e)
		x = DirectFunctionCall2(numeric_mul, x, qx_pow10_numeric(o->e - st->scale));
	x = DirectFunctionCall2(numeric_add, x,
							NumericGetDatum(qx_units_numeric(o->shift, st->scale)));
	return DatumGetNumeric(DirectFunctionCall2(numeric_round, x, Int32GetDatum(outscale)));
}

/*
 * ceil(target * 10^scale) - shift in units / g, rounded up: the smallest
 * sum of the open deals that reaches the target.  *over: the target is
 * above every sum (P = 0).
 */
static int128
fc_target_need(const FcState *st, const FcOpen *o, bool *over)
{
	Datum		t = DirectFunctionCall2(numeric_mul, NumericGetDatum(st->target),
									   qx_pow10_numeric(st->scale));
	Datum		lim = NumericGetDatum(qx_units_numeric(o->shift + o->open_units, 0));
	int128		tu,
				need;

	t = DirectFunctionCall1(numeric_ceil, t);
	*over = DatumGetInt32(DirectFunctionCall2(numeric_cmp, t, lim)) > 0;
	if (*over)
		return 0;
	if (!qx_units_parse_at(DatumGetCString(DirectFunctionCall1(numeric_out, t)), 0, &tu))
		elog(ERROR, "pipeline_forecast: target units out of range");
	need = tu - o->shift;
	if (need <= 0 || o->g <= 0)
		return Max(need, 0);
	return (need + o->g - 1) / o->g;
}

/* the index of the first point worth >= need (units / g), dense and sparse */
static int64
fc_first_at_least(const FcDist *d, int128 need)
{
	if (d->sum != NULL)
	{
		int64		lo = 0,
					hi = d->npts;

		while (lo < hi)
		{
			int64		mid = lo + (hi - lo) / 2;

			if ((int128) d->sum[mid] >= need)
				hi = mid;
			else
				lo = mid + 1;
		}
		return lo;
	}
	else
	{
		int128		j = need - d->lo;

		if (j < 0)
			return 0;
		return j > d->npts ? d->npts : (int64) j;
	}
}

/* P(S >= target): exact in units, or on the grid */
static double
fc_p_target(const FcState *st, const FcOpen *o, const FcDist *dist,
			const FcMitm *mm, FcMethod m)
{
	if (qx_numeric_sign(st->target) <= 0)
		return 1.0;
	if (m != FC_GRID)
	{
		bool		over;
		int128		need = fc_target_need(st, o, &over);

		if (over)
			return 0.0;
		if (m == FC_POINT || need <= 0)
			return 1.0;
		if (m == FC_MITM)
			return fc_mitm_tail(mm, need);
		return fc_tail(dist, fc_first_at_least(dist, need));
	}
	else
	{
		Datum		tn = NumericGetDatum(st->target);
		double		t,
					shift_amount = (double) o->shift / pow(10.0, o->e),
					j;

		if (st->scale != o->e)
			tn = DirectFunctionCall2(numeric_mul, tn, qx_pow10_numeric(st->scale - o->e));
		t = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, tn));
		j = ceil((t - shift_amount) / dist->h) - (double) dist->lo;
		if (j <= 0)
			return 1.0;
		if (j >= (double) dist->npts)
			return 0.0;
		return fc_tail(dist, (int64) j);
	}
}

/* The distribution of the open deals and the fields read off it. */
static void
fc_distribution(const FcState *st, FcResult *res, int outscale)
{
	FcOpen		o;
	FcDist		dist;
	FcMitm		mm;
	FcMethod	m;
	double		sd;

	fc_open_deals(st, &o);
	sd = fc_stddev(&o);
	m = fc_build(&o, sd, &dist, &mm);
	/* the amounts were in 10^-(scale - e) */
	res->sd = st->scale != o.e ? sd * pow(10.0, (double) (o.e - st->scale)) : sd;
	for (int l = 0; l < 3; l++)
		res->q[l] = fc_quantile(st, &o, &dist, &mm, m, fc_levels[l], outscale);
	res->p_target = st->has_target ? fc_p_target(st, &o, &dist, &mm, m) : -1;
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
