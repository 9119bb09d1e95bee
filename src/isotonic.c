/*
 * isotonic.c
 *		isotonic_fit / isotonic_predict (SPEC §15, doc/calibration.md): the
 *		non-decreasing map from a score to the chance of winning that
 *		scikit-learn's IsotonicRegression(out_of_bounds='clip') fits, as the
 *		model type isotonic_model; with isotonic_fit_partial /
 *		isotonic_fit_merge and the transferable state isotonic_fit_state.
 *
 * The aggregate state (internal) keeps the rows it was given in three
 * places: a 256-slot direct-mapped cache of (score, deals, wins), which
 * counts the rows of a score that owns its slot in place; raw keys in two
 * arrays, won and lost, for the rows whose slot another score holds; and a
 * list of distinct scores with their deals and wins, sorted by score, from
 * merged states.  A key is the score's float8 bits made order-preserving as
 * an unsigned integer (negative: all bits flipped, else the sign bit set),
 * -0 taken as 0, so equal scores pool.  Compaction (before a state is
 * combined or serialized) folds the cache and the radix-sorted raw keys
 * into the list; the fit streams the distinct scores from the sorted keys
 * and the list straight into PAVA, without building the list.
 *
 * The fit pools equal scores (win rate wins/deals, weight deals), then runs
 * pool-adjacent-violators with exact integer comparisons of the block rates,
 * pooling a block into the one before when its rate is not higher (as
 * scikit-learn does); and keeps, as scikit-learn's thresholds do, the first
 * and last score of every block.
 *
 * isotonic_fit_state's binary form: byte version (1), int64 points, points
 * x (float8 score, int64 deals, int64 wins), scores strictly increasing.
 * Text form: "v1 points=score:deals:wins,..." or "v1 points=none".
 *
 * isotonic_model is a varlena with double alignment: int32 npoints, int64
 * rows, then npoints float8 x and npoints float8 y.  Binary form: byte
 * version (1), int64 rows, int32 npoints, npoints x (float8 x, float8 y).
 * Text form: "v1 rows=N points=x:y,x:y,...".  x strictly increasing and
 * finite, y non-decreasing in [0, 1], 1 <= npoints <= rows.
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "quota_ext.h"
#include "aggregate.h"

#define ISO_VERSION 1
#define ISO_STATE_TYPE "isotonic_fit_state"
#define ISO_MODEL_TYPE "isotonic_model"
/* most points of a model (16 MB); a fit reaches it only beyond ~4e8 rows */
#define ISO_MAX_POINTS 1000000

typedef struct IsoPoint
{
	double		x;
	int64		n;				/* deals with this score */
	int64		w;				/* of them won */
} IsoPoint;

typedef struct IsoKeys
{
	uint64	   *k;
	int64		n;
	int64		cap;
} IsoKeys;

/*
 * A direct-mapped cache of recent scores, so that data with few distinct
 * scores (two-decimal probabilities, stage tables) never reaches the sort:
 * a row whose score owns its slot only counts there; a row whose slot holds
 * another score goes to the raw keys.  Empty slots have n = 0.
 */
#define ISO_CACHE_BITS 8
#define ISO_CACHE_SIZE (1 << ISO_CACHE_BITS)

typedef struct IsoCacheSlot
{
	uint64		key;
	int64		n;
	int64		w;
} IsoCacheSlot;

typedef struct IsoState
{
	IsoKeys		won;
	IsoKeys		lost;
	IsoCacheSlot *cache;		/* ISO_CACHE_SIZE slots, or NULL */
	IsoPoint   *pt;				/* distinct scores, increasing */
	int64		npt;
	int64		rows;			/* deals in pt */
} IsoState;

typedef struct IsoModel
{
	int32		vl_len_;
	int32		npoints;
	int64		rows;
	double		xy[FLEXIBLE_ARRAY_MEMBER];	/* x[npoints], then y[npoints] */
} IsoModel;

#define ISO_MODEL_X(m) ((m)->xy)
#define ISO_MODEL_Y(m) ((m)->xy + (m)->npoints)
#define ISO_MODEL_SIZE(n) (offsetof(IsoModel, xy) + sizeof(double) * 2 * (Size) (n))

/* ---------------------------------------------------------------------
 * Keys and their radix sort
 * --------------------------------------------------------------------- */

static inline uint64
iso_key(double x)
{
	uint64		b;

	if (x == 0)
		x = 0.0;				/* -0 is 0 */
	memcpy(&b, &x, sizeof(b));
	return (b & UINT64CONST(0x8000000000000000)) ? ~b : b | UINT64CONST(0x8000000000000000);
}

static inline double
iso_unkey(uint64 k)
{
	uint64		b = (k & UINT64CONST(0x8000000000000000)) ? k & ~UINT64CONST(0x8000000000000000) : ~k;
	double		x;

	memcpy(&x, &b, sizeof(x));
	return x;
}

/* LSD radix sort of n keys, 11 bits a pass (6 passes), passes where all keys agree skipped. */
#define ISO_RADIX_BITS 11
#define ISO_RADIX_SIZE (1 << ISO_RADIX_BITS)
#define ISO_RADIX_PASSES ((64 + ISO_RADIX_BITS - 1) / ISO_RADIX_BITS)

static void
iso_radix_sort(uint64 *a, int64 n)
{
	uint64	   *tmp;
	int64	   *cnt;
	uint64	   *src = a,
			   *dst;

	if (n < 2)
		return;
	if (n < 64)
	{
		for (int64 i = 1; i < n; i++)
		{
			uint64		v = a[i];
			int64		j = i;

			for (; j > 0 && a[j - 1] > v; j--)
				a[j] = a[j - 1];
			a[j] = v;
		}
		return;
	}
	tmp = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(uint64) * n);
	cnt = palloc0(sizeof(int64) * ISO_RADIX_PASSES * ISO_RADIX_SIZE);
	for (int64 i = 0; i < n; i++)
	{
		uint64		v = a[i];

		for (int d = 0; d < ISO_RADIX_PASSES; d++)
			cnt[(Size) d * ISO_RADIX_SIZE + ((v >> (ISO_RADIX_BITS * d)) & (ISO_RADIX_SIZE - 1))]++;
	}
	dst = tmp;
	for (int d = 0; d < ISO_RADIX_PASSES; d++)
	{
		int64	   *c = cnt + (Size) d * ISO_RADIX_SIZE;
		int64		sum = 0;
		int			shift = ISO_RADIX_BITS * d;

		if (c[(src[0] >> shift) & (ISO_RADIX_SIZE - 1)] == n)
			continue;			/* every key has this digit */
		for (int b = 0; b < ISO_RADIX_SIZE; b++)
		{
			int64		t = c[b];

			c[b] = sum;
			sum += t;
		}
		for (int64 i = 0; i < n; i++)
		{
			uint64		v = src[i];

			dst[c[(v >> shift) & (ISO_RADIX_SIZE - 1)]++] = v;
		}
		{
			uint64	   *t = src;

			src = dst;
			dst = t;
		}
	}
	if (src != a)
		memcpy(a, src, sizeof(uint64) * n);
	pfree(tmp);
	pfree(cnt);
}

/* ---------------------------------------------------------------------
 * The state
 * --------------------------------------------------------------------- */

static IsoState *
iso_new(MemoryContext ctx)
{
	return MemoryContextAllocZero(ctx, sizeof(IsoState));
}

static void
iso_push_key(IsoKeys *ks, uint64 k, MemoryContext ctx)
{
	if (ks->n == ks->cap)
	{
		int64		cap = ks->cap == 0 ? 64 : ks->cap * 2;

		if ((Size) cap > MaxAllocHugeSize / sizeof(uint64))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("isotonic_fit: too many rows in one group")));
		ks->k = ks->k == NULL ? MemoryContextAllocHuge(ctx, sizeof(uint64) * cap)
			: repalloc_huge(ks->k, sizeof(uint64) * cap);
		ks->cap = cap;
	}
	ks->k[ks->n++] = k;
}

static void
iso_count(int64 *acc, int64 v)
{
	if (pg_add_s64_overflow(*acc, v, acc))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("isotonic_fit: more deals than bigint holds")));
}

/*
 * Merge the sorted point lists a and b (and nothing else) into a new list
 * in ctx; equal scores add up.
 */
static IsoPoint *
iso_merge_points(const IsoPoint *a, int64 na, const IsoPoint *b, int64 nb,
				 int64 *nout, MemoryContext ctx)
{
	IsoPoint   *out = MemoryContextAllocHuge(ctx, sizeof(IsoPoint) * Max(na + nb, 1));
	int64		i = 0,
				j = 0,
				n = 0;

	while (i < na || j < nb)
	{
		if (j >= nb || (i < na && a[i].x < b[j].x))
			out[n++] = a[i++];
		else if (i >= na || b[j].x < a[i].x)
			out[n++] = b[j++];
		else
		{
			out[n] = a[i++];
			iso_count(&out[n].n, b[j].n);
			iso_count(&out[n].w, b[j].w);
			n++;
			j++;
		}
	}
	*nout = n;
	return out;
}

/*
 * The distinct scores of a state in increasing order, with their deals and
 * wins: a merge of its sorted won keys, sorted lost keys and point list.
 * UINT64_MAX is no finite score's key, so it marks an exhausted source.
 */
typedef struct IsoIter
{
	const uint64 *won;
	int64		nw,
				iw;
	const uint64 *lost;
	int64		nl,
				il;
	const IsoPoint *pt;
	int64		np,
				ip;
} IsoIter;

/* Sort the raw keys (in place: the state's meaning is unchanged). */
static void
iso_sort_keys(IsoState *st)
{
	iso_radix_sort(st->won.k, st->won.n);
	iso_radix_sort(st->lost.k, st->lost.n);
}

static void
iso_iter_init(IsoIter *it, const IsoState *st)
{
	it->won = st->won.k;
	it->nw = st->won.n;
	it->iw = 0;
	it->lost = st->lost.k;
	it->nl = st->lost.n;
	it->il = 0;
	it->pt = st->pt;
	it->np = st->npt;
	it->ip = 0;
}

static inline bool
iso_iter_next(IsoIter *it, IsoPoint *out)
{
	uint64		kw = it->iw < it->nw ? it->won[it->iw] : PG_UINT64_MAX;
	uint64		kl = it->il < it->nl ? it->lost[it->il] : PG_UINT64_MAX;
	uint64		kp = it->ip < it->np ? iso_key(it->pt[it->ip].x) : PG_UINT64_MAX;
	uint64		k = Min(Min(kw, kl), kp);
	int64		n = 0,
				w = 0;

	if (k == PG_UINT64_MAX)
		return false;
	while (it->iw < it->nw && it->won[it->iw] == k)
	{
		it->iw++;
		w++;
	}
	while (it->il < it->nl && it->lost[it->il] == k)
		it->il++, n++;
	n += w;
	if (kp == k)
	{
		iso_count(&n, it->pt[it->ip].n);
		iso_count(&w, it->pt[it->ip].w);
		it->ip++;
	}
	out->x = iso_unkey(k);
	out->n = n;
	out->w = w;
	return true;
}

static int
iso_point_cmp(const void *a, const void *b)
{
	double		x = ((const IsoPoint *) a)->x;
	double		y = ((const IsoPoint *) b)->x;

	return x < y ? -1 : (x > y ? 1 : 0);
}

/* Fold the cached scores into the point list (kept in ctx); empty the cache. */
static void
iso_flush_cache(IsoState *st, MemoryContext ctx)
{
	IsoPoint	c[ISO_CACHE_SIZE];
	int64		nc = 0,
				nall;
	IsoPoint   *all;

	if (st->cache == NULL)
		return;
	for (int i = 0; i < ISO_CACHE_SIZE; i++)
	{
		if (st->cache[i].n == 0)
			continue;
		c[nc].x = iso_unkey(st->cache[i].key);
		c[nc].n = st->cache[i].n;
		c[nc].w = st->cache[i].w;
		iso_count(&st->rows, c[nc].n);
		nc++;
		st->cache[i].n = st->cache[i].w = 0;
	}
	if (nc == 0)
		return;
	qsort(c, nc, sizeof(IsoPoint), iso_point_cmp);
	all = iso_merge_points(st->pt, st->npt, c, nc, &nall, ctx);
	if (st->pt)
		pfree(st->pt);
	st->pt = all;
	st->npt = nall;
}

/* Fold the cached and raw rows into the point list (kept in ctx). */
static void
iso_compact(IsoState *st, MemoryContext ctx)
{
	IsoIter		it;
	IsoPoint   *all;
	int64		n = 0;

	iso_flush_cache(st, ctx);
	if (st->won.n == 0 && st->lost.n == 0)
		return;
	iso_sort_keys(st);
	all = MemoryContextAllocHuge(ctx, sizeof(IsoPoint) * (st->npt + st->won.n + st->lost.n));
	iso_iter_init(&it, st);
	while (iso_iter_next(&it, &all[n]))
		n++;
	iso_count(&st->rows, st->won.n);
	iso_count(&st->rows, st->lost.n);
	if (st->pt)
		pfree(st->pt);
	st->pt = all;
	st->npt = n;
	st->won.n = 0;
	st->lost.n = 0;
}

static void
iso_combine_into(IsoState *st, IsoState *in, MemoryContext ctx)
{
	IsoPoint   *all;
	int64		nall;

	iso_compact(st, ctx);
	iso_compact(in, ctx);
	all = iso_merge_points(st->pt, st->npt, in->pt, in->npt, &nall, ctx);
	iso_count(&st->rows, in->rows);
	if (st->pt)
		pfree(st->pt);
	st->pt = all;
	st->npt = nall;
}

static IsoState *
iso_copy(IsoState *src, MemoryContext ctx)
{
	IsoState   *st = iso_new(ctx);

	iso_combine_into(st, src, ctx);
	return st;
}

static bytea *
iso_encode(IsoState *st)
{
	StringInfoData buf;

	/* the aggregate context: compaction keeps its result in the state */
	iso_compact(st, GetMemoryChunkContext(st));
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, ISO_VERSION);
	pq_sendint64(&buf, st->npt);
	for (int64 i = 0; i < st->npt; i++)
	{
		pq_sendfloat8(&buf, st->pt[i].x);
		pq_sendint64(&buf, st->pt[i].n);
		pq_sendint64(&buf, st->pt[i].w);
	}
	return pq_endtypsend(&buf);
}

/* What is wrong with point i (after i - 1 good ones), or NULL; sums rows. */
static const char *
iso_point_problem(const IsoPoint *pt, int64 i, int64 *rows)
{
	const IsoPoint *p = &pt[i];

	if (!isfinite(p->x))
		return "a score is not finite";
	if (i > 0 && !(pt[i - 1].x < p->x))
		return "scores are not strictly increasing";
	if (p->n < 1 || p->w < 0 || p->w > p->n)
		return "a score needs deals >= 1 and wins between 0 and deals";
	if (pg_add_s64_overflow(*rows, p->n, rows))
		return "more deals than bigint holds";
	return NULL;
}

static IsoState *
iso_decode(const char *data, int len, MemoryContext ctx)
{
	QxReader	r;
	IsoState   *st;
	int64		n;
	const char *problem;

	qx_reader_begin(&r, data, len, ISO_STATE_TYPE, ISO_VERSION);
	n = qx_get_int64(&r);
	if (n < 0 || n > qx_reader_remaining(&r) / 24)
		qx_bad_binary(&r, "the number of points does not match the length");
	st = iso_new(ctx);
	st->pt = MemoryContextAllocHuge(ctx, sizeof(IsoPoint) * Max(n, 1));
	for (int64 i = 0; i < n; i++)
	{
		double		x = qx_get_float8(&r);

		st->pt[i].x = x == 0 ? 0.0 : x;
		st->pt[i].n = qx_get_int64(&r);
		st->pt[i].w = qx_get_int64(&r);
		if ((problem = iso_point_problem(st->pt, i, &st->rows)) != NULL)
			qx_bad_binary(&r, problem);
	}
	st->npt = n;
	qx_get_end(&r);
	return st;
}

/* the aggregate's support functions and its X_merge pair: see aggregate.h */
QX_STATE_SUPPORT(isotonic_fit, IsoState, iso_encode, iso_decode, iso_copy, iso_combine_into);
QX_STATE_MERGE(isotonic_fit, isotonic_fit_final, NULL, NULL);

PG_FUNCTION_INFO_V1(isotonic_fit_trans);
/*
 * isotonic_fit_trans(state, score, won): not strict; rows with NULL score
 * or won are skipped, a score that is NaN or infinite is an error.
 */
Datum
isotonic_fit_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "isotonic_fit_trans");
	IsoState   *st = PG_ARGISNULL(0) ? iso_new(ctx) : (IsoState *) PG_GETARG_POINTER(0);
	double		x;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);
	x = PG_GETARG_FLOAT8(1);
	if (!isfinite(x))
		qx_bad_arg("Leave rows without a score out, or give them a finite one.",
				   "score must be a finite number, got %s", qx_float_str(x));
	{
		uint64		k = iso_key(x);
		bool		won = PG_GETARG_BOOL(2);
		IsoCacheSlot *slot;

		if (st->cache == NULL)
			st->cache = MemoryContextAllocZero(ctx, sizeof(IsoCacheSlot) * ISO_CACHE_SIZE);
		slot = &st->cache[(k * UINT64CONST(0x9E3779B97F4A7C15)) >> (64 - ISO_CACHE_BITS)];
		if (slot->n == 0)
			slot->key = k;
		if (slot->key == k && slot->n < PG_INT64_MAX)
		{
			slot->n++;
			slot->w += won;
		}
		else
			iso_push_key(won ? &st->won : &st->lost, k, ctx);
	}
	PG_RETURN_POINTER(st);
}

/* ---------------------------------------------------------------------
 * The fit
 * --------------------------------------------------------------------- */

static IsoModel *
iso_model_alloc(int64 npoints, int64 rows)
{
	IsoModel   *m;

	if (npoints > ISO_MAX_POINTS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("isotonic_model: %lld points is more than the %d a model holds",
						(long long) npoints, ISO_MAX_POINTS)));
	m = palloc0(ISO_MODEL_SIZE(npoints));
	SET_VARSIZE(m, ISO_MODEL_SIZE(npoints));
	m->npoints = (int32) npoints;
	m->rows = rows;
	return m;
}

/* A block of pooled scores: its first and last score, deals and wins. */
typedef struct IsoBlock
{
	double		first;
	double		last;
	int64		n;
	int64		w;
	bool		single;			/* one distinct score */
} IsoBlock;

/*
 * PAVA over the distinct scores, streamed from the sorted keys and point
 * list (no copy of the rows); NULL when there are none.  The block stack
 * grows as needed: it holds as many blocks as the fit has levels.
 */
static IsoModel *
iso_fit(IsoState *st)
{
	IsoIter		it;
	IsoPoint	p;
	IsoBlock   *b;
	int64		nb = 0,
				cap = 256,
				npoints = 0,
				rows;
	IsoModel   *m;
	double	   *x,
			   *y;

	iso_flush_cache(st, GetMemoryChunkContext(st));
	rows = st->rows;
	iso_sort_keys(st);
	iso_count(&rows, st->won.n);
	iso_count(&rows, st->lost.n);
	b = palloc(sizeof(IsoBlock) * cap);
	iso_iter_init(&it, st);
	while (iso_iter_next(&it, &p))
	{
		if (nb == cap)
		{
			cap *= 2;
			b = repalloc_huge(b, sizeof(IsoBlock) * cap);
		}
		b[nb].first = b[nb].last = p.x;
		b[nb].n = p.n;
		b[nb].w = p.w;
		b[nb].single = true;
		nb++;
		/* pool while the block before has a rate >= this one's */
		while (nb > 1 &&
			   (int128) b[nb - 2].w * b[nb - 1].n >= (int128) b[nb - 1].w * b[nb - 2].n)
		{
			b[nb - 2].n += b[nb - 1].n;	/* no overflow: at most rows */
			b[nb - 2].w += b[nb - 1].w;
			b[nb - 2].last = b[nb - 1].last;
			b[nb - 2].single = false;
			nb--;
		}
	}
	if (nb == 0)
		return NULL;
	for (int64 i = 0; i < nb; i++)
		npoints += b[i].single ? 1 : 2;
	m = iso_model_alloc(npoints, rows);
	x = ISO_MODEL_X(m);
	y = ISO_MODEL_Y(m);
	npoints = 0;
	for (int64 i = 0; i < nb; i++)
	{
		double		rate = (double) b[i].w / (double) b[i].n;

		x[npoints] = b[i].first;
		y[npoints++] = rate;
		if (!b[i].single)
		{
			x[npoints] = b[i].last;
			y[npoints++] = rate;
		}
	}
	pfree(b);
	return m;
}

PG_FUNCTION_INFO_V1(isotonic_fit_final);
/* The fitted isotonic_model; NULL when no row was counted. */
Datum
isotonic_fit_final(PG_FUNCTION_ARGS)
{
	IsoModel   *m;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	m = iso_fit((IsoState *) PG_GETARG_POINTER(0));
	if (m == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(m);
}

/* ---------------------------------------------------------------------
 * isotonic_fit_state text I/O
 * --------------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(isotonic_fit_state_in);
Datum
isotonic_fit_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	QxTextParser tp;
	IsoState   *st = iso_new(CurrentMemoryContext);
	char	   *s,
			   *item;
	int64		cap = 0;

	qx_text_init(&tp, str, ISO_STATE_TYPE, "v1");
	s = qx_text_field(&tp, "points");
	qx_text_end(&tp);
	if (strcmp(s, "none") == 0)
		PG_RETURN_POINTER(iso_encode(st));
	while ((item = qx_next_item(&s, ',')) != NULL)
	{
		char	   *f[3];
		char	   *rest = pstrdup(item);
		int			k;
		IsoPoint   *p;
		const char *problem;

		for (k = 0; k < 3 && (f[k] = qx_next_item(&rest, ':')) != NULL; k++)
			;
		if (k != 3 || rest != NULL)
			qx_bad_text(&tp, psprintf("Point \"%s\" is not score:deals:wins.",
									  qx_str_brief(item)));
		if (st->npt == cap)
		{
			cap = cap == 0 ? 64 : cap * 2;
			st->pt = st->pt == NULL ? MemoryContextAllocHuge(CurrentMemoryContext, sizeof(IsoPoint) * cap)
				: repalloc_huge(st->pt, sizeof(IsoPoint) * cap);
		}
		p = &st->pt[st->npt];
		if (!qx_parse_float8(f[0], &p->x) ||
			!qx_parse_int64(f[1], PG_INT64_MIN, PG_INT64_MAX, &p->n) ||
			!qx_parse_int64(f[2], PG_INT64_MIN, PG_INT64_MAX, &p->w))
			qx_bad_text(&tp, psprintf("Point \"%s\" must be a finite score and two integers.",
									  qx_str_brief(item)));
		if (p->x == 0)
			p->x = 0.0;
		if ((problem = iso_point_problem(st->pt, st->npt, &st->rows)) != NULL)
			qx_bad_text(&tp, psprintf("Inconsistent state: %s.", problem));
		st->npt++;
	}
	PG_RETURN_POINTER(iso_encode(st));
}

PG_FUNCTION_INFO_V1(isotonic_fit_state_out);
Datum
isotonic_fit_state_out(PG_FUNCTION_ARGS)
{
	IsoState   *st = qx_state_from_datum(PG_GETARG_DATUM(0), isotonic_fit_decode_any);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "v1 points=");
	if (st->npt == 0)
		appendStringInfoString(&buf, "none");
	for (int64 i = 0; i < st->npt; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		qx_append_float8(&buf, st->pt[i].x);
		appendStringInfo(&buf, ":" INT64_FORMAT ":" INT64_FORMAT, st->pt[i].n, st->pt[i].w);
	}
	PG_RETURN_CSTRING(buf.data);
}

/* ---------------------------------------------------------------------
 * isotonic_model
 * --------------------------------------------------------------------- */

/* What is wrong with a model, or NULL. */
static const char *
iso_model_problem(const IsoModel *m)
{
	const double *x = ISO_MODEL_X(m);
	const double *y = ISO_MODEL_Y(m);

	if (m->npoints < 1)
		return "a model needs at least one point";
	if (m->rows < m->npoints)
		return "rows must be at least the number of points";
	for (int32 i = 0; i < m->npoints; i++)
	{
		if (!isfinite(x[i]))
			return "a score is not finite";
		if (!(y[i] >= 0.0 && y[i] <= 1.0))
			return "a fitted value is not between 0 and 1";
		if (i > 0 && !(x[i - 1] < x[i]))
			return "scores are not strictly increasing";
		if (i > 0 && !(y[i - 1] <= y[i]))
			return "fitted values decrease";
	}
	return NULL;
}

PG_FUNCTION_INFO_V1(isotonic_model_in);
Datum
isotonic_model_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	QxTextParser tp;
	int64		rows;
	char	   *s,
			   *item;
	int64		n = 0,
				cap = 64;
	double	   *xs,
			   *ys;
	IsoModel   *m;
	const char *problem;

	qx_text_init(&tp, str, ISO_MODEL_TYPE, "v1");
	rows = qx_text_int64(&tp, "rows", 1, PG_INT64_MAX);
	s = qx_text_field(&tp, "points");
	qx_text_end(&tp);
	xs = palloc(sizeof(double) * cap);
	ys = palloc(sizeof(double) * cap);
	while ((item = qx_next_item(&s, ',')) != NULL)
	{
		char	   *f[2];
		char	   *rest = pstrdup(item);
		int			k;

		for (k = 0; k < 2 && (f[k] = qx_next_item(&rest, ':')) != NULL; k++)
			;
		if (k != 2 || rest != NULL)
			qx_bad_text(&tp, psprintf("Point \"%s\" is not score:value.", qx_str_brief(item)));
		if (n == ISO_MAX_POINTS)
			qx_bad_text(&tp, psprintf("A model holds at most %d points.", ISO_MAX_POINTS));
		if (n == cap)
		{
			cap *= 2;
			xs = repalloc_huge(xs, sizeof(double) * cap);
			ys = repalloc_huge(ys, sizeof(double) * cap);
		}
		if (!qx_parse_float8(f[0], &xs[n]) || !qx_parse_float8(f[1], &ys[n]))
			qx_bad_text(&tp, psprintf("Point \"%s\" must be two finite numbers.",
									  qx_str_brief(item)));
		if (xs[n] == 0)
			xs[n] = 0.0;
		n++;
	}
	if (n == 0)
		qx_bad_text(&tp, "A model needs at least one point.");
	m = iso_model_alloc(n, rows);
	memcpy(ISO_MODEL_X(m), xs, sizeof(double) * n);
	memcpy(ISO_MODEL_Y(m), ys, sizeof(double) * n);
	if ((problem = iso_model_problem(m)) != NULL)
		qx_bad_text(&tp, psprintf("Inconsistent model: %s.", problem));
	PG_RETURN_POINTER(m);
}

/* The model behind a datum, checked for its size. */
static IsoModel *
iso_model_get(Datum d)
{
	IsoModel   *m = (IsoModel *) PG_DETOAST_DATUM(d);

	if (VARSIZE(m) < offsetof(IsoModel, xy) || m->npoints < 1 ||
		m->npoints > ISO_MAX_POINTS || VARSIZE(m) != ISO_MODEL_SIZE(m->npoints))
		elog(ERROR, "isotonic_model: corrupt value");
	return m;
}

PG_FUNCTION_INFO_V1(isotonic_model_out);
Datum
isotonic_model_out(PG_FUNCTION_ARGS)
{
	IsoModel   *m = iso_model_get(PG_GETARG_DATUM(0));
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v1 rows=" INT64_FORMAT " points=", m->rows);
	for (int32 i = 0; i < m->npoints; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		qx_append_float8(&buf, ISO_MODEL_X(m)[i]);
		appendStringInfoChar(&buf, ':');
		qx_append_float8(&buf, ISO_MODEL_Y(m)[i]);
	}
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(isotonic_model_send);
Datum
isotonic_model_send(PG_FUNCTION_ARGS)
{
	IsoModel   *m = iso_model_get(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, ISO_VERSION);
	pq_sendint64(&buf, m->rows);
	pq_sendint32(&buf, m->npoints);
	for (int32 i = 0; i < m->npoints; i++)
	{
		pq_sendfloat8(&buf, ISO_MODEL_X(m)[i]);
		pq_sendfloat8(&buf, ISO_MODEL_Y(m)[i]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(isotonic_model_recv);
Datum
isotonic_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	QxReader	r;
	int64		rows;
	int32		n;
	IsoModel   *m;
	const char *problem;

	qx_reader_begin(&r, msg->data + msg->cursor, msg->len - msg->cursor,
					ISO_MODEL_TYPE, ISO_VERSION);
	rows = qx_get_int64(&r);
	n = qx_get_int32(&r);
	if (n < 1 || n > ISO_MAX_POINTS || n > qx_reader_remaining(&r) / 16)
		qx_bad_binary(&r, "the number of points does not match the length");
	m = iso_model_alloc(n, rows);
	for (int32 i = 0; i < n; i++)
	{
		double		x = qx_get_float8(&r);

		ISO_MODEL_X(m)[i] = x == 0 ? 0.0 : x;
		ISO_MODEL_Y(m)[i] = qx_get_float8(&r);
	}
	qx_get_end(&r);
	if ((problem = iso_model_problem(m)) != NULL)
		qx_bad_binary(&r, problem);
	msg->cursor = msg->len;
	PG_RETURN_POINTER(m);
}

PG_FUNCTION_INFO_V1(isotonic_predict);
/*
 * isotonic_predict(model, score): the fitted value at score, linear between
 * the model's points as scipy's interp1d computes it, clipped to the end
 * values outside them.
 */
Datum
isotonic_predict(PG_FUNCTION_ARGS)
{
	IsoModel   *m = iso_model_get(PG_GETARG_DATUM(0));
	double		s = PG_GETARG_FLOAT8(1);
	const double *x = ISO_MODEL_X(m);
	const double *y = ISO_MODEL_Y(m);
	int32		lo,
				hi;
	double		v;

	if (!isfinite(s))
		qx_bad_arg("Leave rows without a score out, or give them a finite one.",
				   "score must be a finite number, got %s", qx_float_str(s));
	if (s <= x[0])
		PG_RETURN_FLOAT8(y[0]);
	if (s >= x[m->npoints - 1])
		PG_RETURN_FLOAT8(y[m->npoints - 1]);
	/* the first point with x >= s (searchsorted left); 1 <= hi < npoints */
	lo = 0;
	hi = m->npoints - 1;
	while (hi - lo > 1)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (x[mid] < s)
			lo = mid;
		else
			hi = mid;
	}
	if (x[hi] == s)
		PG_RETURN_FLOAT8(y[hi]);
	if (isfinite(x[hi] - x[lo]))
		v = (y[hi] - y[lo]) / (x[hi] - x[lo]) * (s - x[lo]) + y[lo];
	else
		v = (y[hi] - y[lo]) * ((s / 2 - x[lo] / 2) / (x[hi] / 2 - x[lo] / 2)) + y[lo];
	/* rounding never leaves the segment */
	if (v < y[lo])
		v = y[lo];
	if (v > y[hi])
		v = y[hi];
	PG_RETURN_FLOAT8(v);
}
