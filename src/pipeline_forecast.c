/*
 * pipeline_forecast.c
 *		The pipeline_forecast aggregate (README "Will we make the number:
 *		the pipeline forecast"): the distribution of the amount that closes,
 *		S = sum(a_i * B_i) with B_i ~ Bernoulli(p_i) independent, its mean,
 *		standard deviation, P(S >= target) and the p10/p50/p90 quantiles;
 *		with pipeline_forecast_partial /
 *		pipeline_forecast_merge and the transferable state type
 *		pipeline_forecast_state.
 *
 * The state keeps the deals themselves (amount, probability), not a
 * distribution: combining two states is a concatenation, exact and linear,
 * and the final function chooses the method once for the whole group
 * (README "pipeline_forecast: method and bounds"):
 *
 *	1. exact, dense: amounts are scaled integers (units of 10^-scale); with
 *	   g their gcd, when sum(units) / g + 1 <= 2^20 the distribution is a
 *	   dense array over the lattice g * j;
 *	2. exact, sparse: otherwise the distinct subset sums, merged deal by deal
 *	   (deals of the most frequent amounts first), while they number at most
 *	   2^20 (always for up to 20 deals); cheap proofs that they number more
 *	   (fc_many_sums first) skip the attempt;
 *	3. grid: otherwise each amount a is split between the grid points
 *	   floor(a/h) and floor(a/h)+1 in proportion (mean-preserving), with the
 *	   step h chosen from the bounds of the README.
 * Deals with probability 1 shift the distribution exactly; probability 0
 * and zero amounts only count.  Tails below FC_TRIM are trimmed from the
 * dense arrays, so a pass costs the width of the distribution's bulk.
 *
 * expected = sum(a * p) is exact, p read as PostgreSQL's float8::numeric
 * (15 significant digits), and rounded half away from zero to the amounts'
 * scale, at least 2 (README "Money" there); so are the quantiles.
 *
 * Binary layout of the state (serialize and the state type):
 *		byte version (1), byte flags (1 target, 2 coarse), int32 scale,
 *		int64 deals, [money target], money expected, int32 n,
 *		n x (int64 amount: units at scale, or float8 bits when coarse,
 *			 int64 probability float8 bits)
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
#include "utils/numeric.h"

#include "quota_ext.h"
#include "money.h"
#include "state_codec.h"
#include "aggregate.h"

#define FC_TYPE "pipeline_forecast_state"
#define FC_VERSION 1
#define FC_FLAG_TARGET 1
#define FC_FLAG_COARSE 2
#define FC_MAX_SUMS (1 << 20)	/* exact while distinct sums <= 2^20 */
#define FC_MAX_GRID (1 << 22)	/* grid points at most: 32 MB of float8 */
#define FC_MAX_DEALS 50000000	/* open deals in one state: 800 MB */
#define FC_MAX_UNIT_SCALE 18	/* amounts as int64 units of 10^-scale */
#define FC_TRIM 1e-20			/* tail bins below this are dropped */
#define FC_CDF_SLACK 1e-10		/* a CDF this close to a level reaches it */
#define FC_QUANTILE_ERR 0.001	/* quantiles within 0.1 % of sum(a) */
#define FC_NOISE_SIGMAS 4.0		/* ... as 4 SDs of the rounding noise */
#define FC_SMOOTH_SHARE 0.03	/* rounding noise SD <= 3 % of stddev */

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

typedef struct FcDeal
{
	union
	{
		int64		units;		/* amount * 10^scale, when !coarse */
		double		value;		/* amount, when coarse */
	}			a;
	double		p;				/* in (0, 1] */
} FcDeal;

typedef struct FcState
{
	int64		deals;			/* rows counted */
	int32		scale;			/* largest display scale of the amounts */
	bool		has_target;
	bool		coarse;			/* amounts did not fit int64 units */
	Numeric		target;			/* when has_target */
	QxMoney		expected;		/* sum(a * p::numeric), exact */
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


/* v * 10^k in int128; false on overflow */
static bool
fc_mul_pow10(int128 v, int k, int128 *res)
{
	int128		r = v;

	for (; k > 0; k -= Min(k, 18))
		if (__builtin_mul_overflow(r, (int128) qx_pow10_64[Min(k, QX_POW10_INT64_MAX)], &r))
			return false;
	*res = r;
	return true;
}

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
		st->d = MemoryContextAlloc(ctx, cap * sizeof(FcDeal));
	else
		st->d = repalloc(st->d, cap * sizeof(FcDeal));
	st->cap = (int32) cap;
}

/* Amounts as float8 from now on: a units value overflowed int64. */
static void
fc_make_coarse(FcState *st)
{
	double		f = pow(10.0, st->scale);

	if (st->coarse)
		return;
	for (int i = 0; i < st->n; i++)
		st->d[i].a.value = (double) st->d[i].a.units / f;
	st->coarse = true;
}

/* Raise the common scale to s (units times 10^(s - scale)). */
static void
fc_rescale(FcState *st, int s)
{
	if (s <= st->scale)
		return;
	if (!st->coarse)
	{
		if (s > FC_MAX_UNIT_SCALE)
			fc_make_coarse(st);
		else
		{
			int64		f = qx_pow10_64[s - st->scale];

			for (int i = 0; i < st->n; i++)
			{
				if (pg_mul_s64_overflow(st->d[i].a.units, f, &st->d[i].a.units))
				{
					/* undo the ones done, then give up on units */
					for (int j = 0; j < i; j++)
						st->d[j].a.units /= f;
					fc_make_coarse(st);
					break;
				}
			}
		}
	}
	st->scale = s;
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

/* true when qx_money_add_amount(m, value at dscale) stays in int128 */
static bool
fc_money_room(const QxMoney *m, int128 value, int dscale)
{
	int			s = Max(m->scale, dscale);
	int128		a,
				b,
				sum;

	return !m->big && dscale <= QX_MONEY_MAX_SCALE &&
		fc_mul_pow10(m->v.i, s - m->scale, &a) &&
		fc_mul_pow10(value, s - dscale, &b) &&
		!__builtin_add_overflow(a, b, &sum);
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
	if (amt->fits && !__builtin_mul_overflow(amt->value, (int128) pe->mant, &prod) &&
		fc_money_room(&st->expected, prod, amt->dscale + pe->k))
	{
		QxAmount	x;

		x.value = prod;
		x.dscale = amt->dscale + pe->k;
		x.fits = true;
		x.num = NULL;			/* not read: fc_money_room ruled out the slow path */
		qx_money_add_amount(&st->expected, &x, ctx);
	}
	else
	{
		Datum		pn = DirectFunctionCall1(float8_numeric, Float8GetDatum(p));

		qx_money_add_numeric(&st->expected,
							 DirectFunctionCall2(numeric_mul, amount, pn), ctx);
	}
}

/* Append an open deal (p > 0, amount > 0), amount already at st->scale. */
static void
fc_push(FcState *st, const QxAmount *amt, Datum amount, double p, MemoryContext ctx)
{
	FcDeal	   *d;
	int128		u;

	fc_reserve(st, 1, ctx);
	d = &st->d[st->n];
	d->p = p;
	if (!st->coarse)
	{
		if (amt->fits && amt->dscale <= st->scale &&
			fc_mul_pow10(amt->value, st->scale - amt->dscale, &u) && u <= PG_INT64_MAX)
		{
			d->a.units = (int64) u;
			st->n++;
			return;
		}
		fc_make_coarse(st);
	}
	d->a.value = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, amount));
	if (!isfinite(d->a.value))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("pipeline_forecast: amount %s is beyond float8's range",
						qx_numeric_str(DatumGetNumeric(amount)))));
	st->n++;
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
	fc_rescale(st, amt.dscale);
	if (p == 0 || sign == 0)
		PG_RETURN_POINTER(st);
	if (pc == NULL)
	{
		pc = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(FcProbCache));
		fcinfo->flinfo->fn_extra = pc;
	}
	fc_add_expected(st, &amt, amount, p, pc, ctx);
	fc_push(st, &amt, amount, p, ctx);
	PG_RETURN_POINTER(st);
}

/* st += o; parameters must agree */
static void
fc_combine_into(FcState *st, const FcState *o, MemoryContext ctx)
{
	if (st->has_target != o->has_target ||
		(st->has_target && !fc_numeric_eq(st->target, o->target)))
		qx_param_mismatch("pipeline_forecast", "target",
						  st->has_target ? qx_numeric_str(st->target) : "none",
						  o->has_target ? qx_numeric_str(o->target) : "none");
	if (pg_add_s64_overflow(st->deals, o->deals, &st->deals))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("pipeline_forecast: deal count out of range")));
	qx_money_add(&st->expected, &o->expected, ctx);
	fc_rescale(st, o->scale);
	if (o->coarse)
		fc_make_coarse(st);
	fc_reserve(st, o->n, ctx);
	for (int i = 0; i < o->n; i++)
	{
		FcDeal		d = o->d[i];

		if (st->coarse && !o->coarse)
			d.a.value = (double) o->d[i].a.units / pow(10.0, o->scale);
		else if (!st->coarse && o->scale < st->scale &&
				 pg_mul_s64_overflow(d.a.units, qx_pow10_64[st->scale - o->scale], &d.a.units))
		{
			fc_make_coarse(st);
			d.a.value = (double) o->d[i].a.units / pow(10.0, o->scale);
		}
		st->d[st->n++] = d;
	}
}

static FcState *
fc_copy(const FcState *src, MemoryContext ctx)
{
	FcState    *st = fc_new(ctx);

	st->has_target = src->has_target;
	if (src->has_target)
		st->target = fc_numeric_copy(src->target, ctx);
	st->scale = src->scale;
	st->coarse = src->coarse;
	fc_combine_into(st, src, ctx);
	return st;
}

/* ---------------------------------------------------------------------
 * The distribution
 * --------------------------------------------------------------------- */

/*
 * A distribution over points in ascending order of value.  Sparse: point i
 * is worth sum[i] units (plus the shift).  Dense exact: lattice index
 * lo + i, worth g * (lo + i) units.  Grid: worth h * (lo + i) in amount.
 */
typedef struct FcDist
{
	int64		npts;
	double	   *prob;
	int64	   *sum;			/* sparse only */
	int64		lo;
	int64		g;				/* dense exact */
	double		h;				/* grid; 0 otherwise */
} FcDist;

static int64
fc_gcd(int64 a, int64 b)
{
	while (b != 0)
	{
		int64		t = a % b;

		a = b;
		b = t;
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
 * Exact distribution over the distinct subset sums, merged deal by deal;
 * false when they would number more than FC_MAX_SUMS.
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
	if (x->a.units != y->a.units)
		return (x->a.units > y->a.units) - (x->a.units < y->a.units);
	return (x->p > y->p) - (x->p < y->p);
}

static inline int
fc_cmp_deal_value(const FcDeal *x, const FcDeal *y)
{
	if (x->a.value != y->a.value)
		return (x->a.value > y->a.value) - (x->a.value < y->a.value);
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

#define ST_SORT fc_sort_value
#define ST_ELEMENT_TYPE FcDeal
#define ST_COMPARE(a, b) fc_cmp_deal_value(a, b)
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

/* index of the first point with cumulative probability >= level */
static int64
fc_quantile_index(const FcDist *d, double level)
{
	double		cum = 0;

	for (int64 i = 0; i < d->npts; i++)
	{
		cum += d->prob[i];
		if (cum >= level - FC_CDF_SLACK)
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

/* units (int128, at scale) as a numeric at display scale outscale */
static Numeric
fc_units_numeric(int128 units, int scale, int outscale)
{
	QxMoney		m;
	Datum		n;

	m.v.i = units;
	m.scale = scale;
	m.big = false;
	n = NumericGetDatum(qx_money_get(&m));
	return DatumGetNumeric(DirectFunctionCall2(numeric_round, n, Int32GetDatum(outscale)));
}

/* ceil(target * 10^scale) as int128; *over: +1 above, -1 below the range */
static int128
fc_target_units(Numeric target, int scale, int *over)
{
	Datum		t = DirectFunctionCall2(numeric_mul, NumericGetDatum(target),
									   NumericGetDatum(int64_to_numeric(qx_pow10_64[scale])));
	Datum		lim = NumericGetDatum(int64_to_numeric(PG_INT64_MAX));
	Datum		neg = NumericGetDatum(int64_to_numeric(-PG_INT64_MAX));

	t = DirectFunctionCall1(numeric_ceil, t);
	*over = 0;
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, t, lim)) > 0)
		*over = 1;
	else if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, t, neg)) < 0)
		*over = -1;
	else
		return DatumGetInt64(DirectFunctionCall1(numeric_int8, t));
	return 0;
}

/* the index of the first point worth >= bound (units), exact paths */
static int64
fc_first_at_least(const FcDist *d, int128 bound)
{
	if (d->sum != NULL)
	{
		int64		lo = 0,
					hi = d->npts;

		while (lo < hi)
		{
			int64		mid = lo + (hi - lo) / 2;

			if ((int128) d->sum[mid] >= bound)
				hi = mid;
			else
				lo = mid + 1;
		}
		return lo;
	}
	else
	{
		/* g * j >= bound: j >= ceil(bound / g) */
		int128		j;

		if (bound <= 0)
			j = 0;
		else
			j = (bound + d->g - 1) / d->g;
		j -= d->lo;
		if (j < 0)
			return 0;
		return j > d->npts ? d->npts : (int64) j;
	}
}

/* The open deals of a state (0 < p < 1) in canonical order, and the shift. */
typedef struct FcOpen
{
	int			n;
	double	   *amounts;		/* ascending */
	double	   *ps;
	FcSortDeal *sd;				/* units and p, amounts ascending, when !coarse */
	double		total;			/* sum of the open amounts */
	double		sum_p;
	int128		shift;			/* units of the deals with p = 1, when !coarse */
	int128		open_units;
	double		shift_amount;	/* the same as an amount */
	int64		g;				/* gcd of the open units */
	bool		exact_ok;		/* units and their total fit int64 */
} FcOpen;

static void
fc_open_deals(const FcState *st, FcOpen *o)
{
	double		f = pow(10.0, st->scale);
	FcDeal	   *dl = palloc(Max(st->n, 1) * sizeof(FcDeal));

	memset(o, 0, sizeof(FcOpen));
	o->sd = palloc(Max(st->n, 1) * sizeof(FcSortDeal));
	o->amounts = palloc(Max(st->n, 1) * sizeof(double));
	o->ps = palloc(Max(st->n, 1) * sizeof(double));
	memcpy(dl, st->d, st->n * sizeof(FcDeal));
	if (st->coarse)
		fc_sort_value(dl, st->n);
	else
		fc_sort_units(dl, st->n);
	for (int i = 0; i < st->n; i++)
	{
		double		a = st->coarse ? dl[i].a.value : (double) dl[i].a.units / f;
		double		p = dl[i].p;

		if (p >= 1.0)
		{
			if (st->coarse)
				o->shift_amount += a;
			else
				o->shift += dl[i].a.units;
			continue;
		}
		o->total += a;
		o->sum_p += p;
		o->amounts[o->n] = a;
		o->ps[o->n] = p;
		if (!st->coarse)
		{
			o->sd[o->n].units = dl[i].a.units;
			o->sd[o->n].p = p;
			o->open_units += dl[i].a.units;
			o->g = fc_gcd(o->g, dl[i].a.units);
		}
		o->n++;
	}
	o->exact_ok = !st->coarse && o->shift + o->open_units <= PG_INT64_MAX;
	if (!st->coarse)
		o->shift_amount = (double) o->shift / f;
	if (!isfinite(o->total + o->shift_amount))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("pipeline_forecast: the amounts of the group sum beyond float8's range")));
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

/* The distribution of the open deals' sum; true when exact (in units). */
static bool
fc_build(const FcOpen *o, double sd, FcDist *dist)
{
	static double one = 1.0;
	double		h;
	int64	   *ks;
	double	   *th;
	int64		nbins = 0;

	memset(dist, 0, sizeof(FcDist));
	if (o->n == 0)
	{
		/* a point mass at the shift */
		dist->npts = 1;
		dist->prob = &one;
		dist->g = 1;
		dist->h = 1.0;
		return o->exact_ok;
	}
	if (o->exact_ok && o->g > 0 && o->open_units / o->g < FC_MAX_SUMS)
	{
		ks = palloc(o->n * sizeof(int64));
		for (int i = 0; i < o->n; i++)
			ks[i] = o->sd[i].units / o->g;
		dist->g = o->g;
		fc_dense(dist, o->n, ks, NULL, o->ps, (int64) (o->open_units / o->g));
		return true;
	}
	if (o->exact_ok && o->g > 0 && !fc_many_sums(o->sd, o->n, o->g) &&
		fc_sparse(dist, o->n, o->sd, o->g))
		return true;

	/* the grid, amounts ascending: the bulk stays narrow longer */
	h = fc_grid_step(o->amounts, o->ps, o->n, o->total, o->sum_p, sd);
	ks = palloc(o->n * sizeof(int64));
	th = palloc(o->n * sizeof(double));
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
	return false;
}

/* The quantile at level: exact, or a grid point plus the shift, rounded. */
static Numeric
fc_quantile(const FcState *st, const FcOpen *o, const FcDist *dist, bool exact,
			double level, int outscale)
{
	int64		i = fc_quantile_index(dist, level);
	double		v;
	Datum		x,
				shift;

	if (exact)
	{
		int128		u = o->shift;

		if (o->n > 0)
			u += dist->sum ? dist->sum[i] : (int128) dist->g * (dist->lo + i);
		return fc_units_numeric(u, st->scale, outscale);
	}
	v = o->n > 0 ? Min(Max(dist->h * (double) (dist->lo + i), 0.0), o->total) : 0;
	x = DirectFunctionCall1(float8_numeric, Float8GetDatum(v));
	if (!st->coarse)
		shift = NumericGetDatum(fc_units_numeric(o->shift, st->scale, st->scale));
	else
		shift = DirectFunctionCall1(float8_numeric, Float8GetDatum(o->shift_amount));
	x = DirectFunctionCall2(numeric_add, x, shift);
	return DatumGetNumeric(DirectFunctionCall2(numeric_round, x, Int32GetDatum(outscale)));
}

/* P(S >= target): exact in units, or on the grid */
static double
fc_p_target(const FcState *st, const FcOpen *o, const FcDist *dist, bool exact)
{
	if (qx_numeric_sign(st->target) <= 0)
		return 1.0;
	if (exact)
	{
		int			over;
		int128		t = fc_target_units(st->target, st->scale, &over);

		if (over > 0)
			return 0.0;
		if (o->n == 0)
			return o->shift >= t ? 1.0 : 0.0;
		return fc_tail(dist, fc_first_at_least(dist, t - o->shift));
	}
	else
	{
		double		t = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
														   NumericGetDatum(st->target)));
		double		j = ceil((t - o->shift_amount) / dist->h) - (double) dist->lo;

		if (o->n == 0)
			return o->shift_amount >= t ? 1.0 : 0.0;
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
	bool		exact;

	fc_open_deals(st, &o);
	res->sd = fc_stddev(&o);
	exact = fc_build(&o, res->sd, &dist);
	for (int l = 0; l < 3; l++)
		res->q[l] = fc_quantile(st, &o, &dist, exact, fc_levels[l], outscale);
	res->p_target = st->has_target ? fc_p_target(st, &o, &dist, exact) : -1;
}

/* The pipeline_forecast composite of a state; NULL when no deal counted. */
static Datum
fc_result(FunctionCallInfo fcinfo, const FcState *st)
{
	TupleDesc	desc;
	Datum		values[7];
	bool		nulls[7];
	FcResult	res;
	int			outscale = Max(2, st->scale);
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

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, FC_VERSION);
	pq_sendbyte(&buf, (st->has_target ? FC_FLAG_TARGET : 0) | (st->coarse ? FC_FLAG_COARSE : 0));
	pq_sendint32(&buf, st->scale);
	pq_sendint64(&buf, st->deals);
	if (st->has_target)
	{
		t.big = true;
		t.v.n = st->target;
		t.scale = 0;
		qx_money_send(&buf, &t);
	}
	qx_money_send(&buf, &st->expected);
	pq_sendint32(&buf, st->n);
	enlargeStringInfo(&buf, st->n * 16);
	for (int i = 0; i < st->n; i++)
	{
		pq_sendint64(&buf, st->d[i].a.units);	/* float8 bits when coarse */
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
	if (st->scale < 0 || st->scale > NUMERIC_MAX_DISPLAY_SCALE)
		return "scale out of range";
	if (!st->coarse && st->scale > FC_MAX_UNIT_SCALE)
		return "scale too large for exact amounts";
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
		if (st->coarse ? !(isfinite(st->d[i].a.value) && st->d[i].a.value > 0)
			: st->d[i].a.units <= 0)
			return "an open deal's amount is not positive";
	}
	return NULL;
}

/*
 * What the text input checks beyond fc_problem (issue 19: a contradicting
 * expected was accepted): expected is sum(a * p::numeric) over the open
 * deals (the others add 0), exactly when the amounts are exact units, else
 * to float8's precision of the amounts.  Numeric arithmetic per deal, so
 * only for the text input, where parsing costs more.
 */
static const char *
fc_expected_problem(const FcState *st)
{
	if (st->n > 0 && !st->coarse)
	{
		Datum		sum = NumericGetDatum(int64_to_numeric(0));
		Datum		want;

		for (int i = 0; i < st->n; i++)
			sum = DirectFunctionCall2(numeric_add, sum,
									  DirectFunctionCall2(numeric_mul,
														  NumericGetDatum(int64_to_numeric(st->d[i].a.units)),
														  DirectFunctionCall1(float8_numeric,
																			  Float8GetDatum(st->d[i].p))));
		want = DirectFunctionCall2(numeric_mul, NumericGetDatum(qx_money_get(&st->expected)),
								   DirectFunctionCall2(numeric_power,
													   NumericGetDatum(int64_to_numeric(10)),
													   NumericGetDatum(int64_to_numeric(st->scale))));
		if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, sum, want)) != 0)
			return "expected is not the sum of amount * probability over the open deals";
	}
	else if (st->n > 0)
	{
		double		sum = 0,
					want = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
															   NumericGetDatum(qx_money_get(&st->expected))));

		for (int i = 0; i < st->n; i++)
			sum += st->d[i].a.value * st->d[i].p;
		if (!(fabs(sum - want) <= 1e-9 * sum + 1e-300))
			return "expected is not the sum of amount * probability over the open deals";
	}
	return NULL;
}

static FcState *
fc_decode(const char *data, int len, MemoryContext ctx)
{
	QxReader	r;
	FcState    *st;
	uint8		flags;
	int32		n;
	const char *problem;

	qx_reader_begin(&r, data, len, FC_TYPE, FC_VERSION);
	flags = qx_get_byte(&r);
	if (flags & ~(FC_FLAG_TARGET | FC_FLAG_COARSE))
		qx_bad_binary(&r, "unknown flags");
	st = fc_new(ctx);
	st->has_target = (flags & FC_FLAG_TARGET) != 0;
	st->coarse = (flags & FC_FLAG_COARSE) != 0;
	st->scale = qx_get_int32(&r);
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
	if (n < 0 || n > FC_MAX_DEALS || (int64) n * 16 != r.len - r.pos)
		qx_bad_binary(&r, "the number of open deals does not match the length");
	fc_reserve(st, n, ctx);
	for (int i = 0; i < n; i++)
	{
		st->d[i].a.units = qx_get_int64(&r);	/* float8 bits when coarse */
		st->d[i].p = qx_get_float8(&r);
	}
	st->n = n;
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

/* a pipeline_forecast_state value, checked, in the current context */
static FcState *
fc_from_datum(Datum value)
{
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
 * Each call costs the size of both states.
 */
Datum
pipeline_forecast_state_combine(PG_FUNCTION_ARGS)
{
	FcState    *a,
			   *b;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(0))
	{
		/* validate, and hand back a copy PostgreSQL may keep */
		fc_from_datum(PG_GETARG_DATUM(1));
		PG_RETURN_BYTEA_P(PG_GETARG_BYTEA_P_COPY(1));
	}
	a = fc_from_datum(PG_GETARG_DATUM(0));
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
 * Amounts are written with scale decimals (float8 when coarse=1),
 * probabilities in float8's shortest exact form.
 * --------------------------------------------------------------------- */

/* units at scale from decimal text; false when malformed or out of range */
static bool
fc_parse_units(const char *s, int scale, int64 *units)
{
	int128		v = 0;
	int			frac = -1;
	int			digits = 0;

	for (; *s; s++)
	{
		if (*s == '.' && frac < 0)
			frac = 0;
		else if (*s >= '0' && *s <= '9')
		{
			v = v * 10 + (*s - '0');
			digits++;
			if (frac >= 0)
				frac++;
			if (v > PG_INT64_MAX || (frac > scale))
				return false;
		}
		else
			return false;
	}
	if (digits == 0 || !fc_mul_pow10(v, scale - Max(frac, 0), &v) || v > PG_INT64_MAX)
		return false;
	*units = (int64) v;
	return true;
}

static double
fc_parse_float(QxTextParser *tp, const char *s, const char *what)
{
	double		v;

	if (!qx_parse_float8(s, &v))
		qx_bad_text(tp, psprintf("%s must be a finite number, got \"%s\".", what, s));
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
		qx_bad_text(tp, psprintf("%s must be a decimal number, got \"%s\".", key, s));
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
	int64		coarse;

	qx_text_init(&tp, str, FC_TYPE, "v1");
	st->deals = qx_text_int64(&tp, "deals", 0, PG_INT64_MAX);
	st->scale = (int32) qx_text_int64(&tp, "scale", 0, NUMERIC_MAX_DISPLAY_SCALE);
	s = qx_text_field(&tp, "target");
	if (strcmp(s, "none") != 0)
	{
		st->has_target = true;
		st->target = fc_text_numeric(&tp, s, "target");
	}
	qx_text_money(&tp, "expected", &st->expected, CurrentMemoryContext);
	coarse = qx_text_int64(&tp, "coarse", 0, 1);
	st->coarse = coarse == 1;
	s = qx_text_field(&tp, "open");
	qx_text_end(&tp);
	if (strcmp(s, "none") != 0)
	{
		char	   *item = s;

		for (;;)
		{
			char	   *comma = strchr(item, ',');
			char	   *at;
			FcDeal		d;

			if (comma)
				*comma = '\0';
			at = strchr(item, '@');
			if (at == NULL)
				qx_bad_text(&tp, psprintf("Open deal \"%s\" is not amount@probability.", item));
			*at = '\0';
			if (st->coarse)
				d.a.value = fc_parse_float(&tp, item, "an amount");
			else if (!fc_parse_units(item, st->scale, &d.a.units))
				qx_bad_text(&tp, psprintf("Amount \"%s\" is not a decimal with at most %d decimals in range.",
										  item, st->scale));
			d.p = fc_parse_float(&tp, at + 1, "a probability");
			fc_reserve(st, 1, CurrentMemoryContext);
			st->d[st->n++] = d;
			if (comma == NULL)
				break;
			item = comma + 1;
		}
	}
	if ((problem = fc_problem(st)) != NULL || (problem = fc_expected_problem(st)) != NULL)
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
	appendStringInfo(&buf, "v1 deals=" INT64_FORMAT " scale=%d target=", st->deals, st->scale);
	appendStringInfoString(&buf, st->has_target ? fc_numeric_str(st->target) : "none");
	appendStringInfoString(&buf, " expected=");
	qx_append_money(&buf, &st->expected);
	appendStringInfo(&buf, " coarse=%d open=", st->coarse ? 1 : 0);
	if (st->n == 0)
		appendStringInfoString(&buf, "none");
	for (int i = 0; i < st->n; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		if (st->coarse)
			qx_append_float8(&buf, st->d[i].a.value);
		else
			appendStringInfoString(&buf,
								   fc_numeric_str(fc_units_numeric(st->d[i].a.units, st->scale,
																   st->scale)));
		appendStringInfoChar(&buf, '@');
		qx_append_float8(&buf, st->d[i].p);
	}
	PG_RETURN_CSTRING(buf.data);
}
