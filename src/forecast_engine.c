/*
 * forecast_engine.c
 *		The distribution engine of pipeline_forecast (doc/forecast.md,
 *		SPEC §10): the distribution of S = sum(a_i * B_i) with
 *		B_i ~ Bernoulli(p_i) independent, each a_i an exact int128 count of
 *		units of 10^-scale, and its stddev, quantiles and tail
 *		probabilities.  Plain C on palloc'd arrays: no fmgr, no numeric; the
 *		SQL-facing side (pipeline_forecast.c) turns targets and results into
 *		numerics.
 *
 * The method is chosen once for the whole group (doc "Method and bounds"),
 * on the units divided by their gcd g:
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
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "miscadmin.h"
#include "port/pg_bitutils.h"

#include "forecast_engine.h"

#define FC_MAX_SUMS (1 << 20)	/* exact while distinct sums <= 2^20 */
#define FC_MAX_MITM 40			/* meet in the middle up to 40 open deals */
#define FC_MAX_GRID (1 << 22)	/* grid points at most: 32 MB of float8 */
#define FC_GRID_SCALE 22		/* 10^k exact in float8 up to here */
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


/* The open deals (0 < p < 1) in canonical order, and the shift (p = 1). */
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
fc_open_deals(const FcDeal *deals, int n, int scale, FcOpen *o)
{
	FcDeal	   *dl = palloc_extended(Max(n, 1) * sizeof(FcDeal), MCXT_ALLOC_HUGE);
	int64		sz = Max(n, 1);
	double		f;

	memset(o, 0, sizeof(FcOpen));
	o->e = Min(Max(scale, 0), FC_GRID_SCALE);
	f = pow(10.0, o->e);
	o->u = palloc_extended(sz * sizeof(int128), MCXT_ALLOC_HUGE);
	o->sd = palloc_extended(sz * sizeof(FcSortDeal), MCXT_ALLOC_HUGE);
	o->amounts = palloc_extended(sz * sizeof(double), MCXT_ALLOC_HUGE);
	o->ps = palloc_extended(sz * sizeof(double), MCXT_ALLOC_HUGE);
	memcpy(dl, deals, n * sizeof(FcDeal));
	fc_sort_units(dl, n);
	for (int i = 0; i < n; i++)
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

/* ---------------------------------------------------------------------
 * The engine's interface (forecast_engine.h)
 * --------------------------------------------------------------------- */

struct FcForecast
{
	int			scale;			/* the deals' units are 10^-scale */
	FcOpen		o;
	FcDist		dist;
	FcMitm		mm;
	FcMethod	m;
	double		sd;				/* in the amounts' 10^-(scale - e) */
};

FcForecast *
fc_forecast(const FcDeal *deals, int n, int scale)
{
	FcForecast *f = palloc0(sizeof(FcForecast));

	f->scale = scale;
	fc_open_deals(deals, n, scale, &f->o);
	f->sd = fc_stddev(&f->o);
	f->m = fc_build(&f->o, f->sd, &f->dist, &f->mm);
	return f;
}

double
fc_forecast_stddev(const FcForecast *f)
{
	/* the amounts were in 10^-(scale - e) */
	return f->scale != f->o.e ? f->sd * pow(10.0, (double) (f->o.e - f->scale)) : f->sd;
}

bool
fc_forecast_on_grid(const FcForecast *f)
{
	return f->m == FC_GRID;
}

int
fc_forecast_grid_exponent(const FcForecast *f)
{
	return f->o.e;
}

int128
fc_forecast_max_units(const FcForecast *f)
{
	return f->o.shift + f->o.open_units;
}

void
fc_forecast_quantile(const FcForecast *f, double level, FcQuantile *q)
{
	const FcOpen *o = &f->o;
	const FcDist *dist = &f->dist;
	double		slack = fc_method_slack(o, dist, &f->mm, f->m);
	int64		i;

	q->exact = true;
	q->grid = 0;
	switch (f->m)
	{
		case FC_POINT:
			q->units = o->shift;
			return;
		case FC_MITM:
			q->units = o->shift + o->g * fc_mitm_quantile(&f->mm, level, slack);
			return;
		case FC_DENSE:
		case FC_SPARSE:
			i = fc_quantile_index(dist, level, slack);
			q->units = o->shift + o->g * (dist->sum ? (int128) dist->sum[i]
										  : (int128) (dist->lo + i));
			return;
		case FC_GRID:
			break;
	}
	i = fc_quantile_index(dist, level, slack);
	q->exact = false;
	q->units = o->shift;
	q->grid = Min(Max(dist->h * (double) (dist->lo + i), 0.0), o->total);
}

double
fc_forecast_p_reach(const FcForecast *f, int128 units)
{
	const FcOpen *o = &f->o;
	int128		need = units - o->shift;

	/* in units / g, rounded up: the least the open deals must bring */
	if (need <= 0 || o->g <= 0)
		need = Max(need, 0);
	else
		need = (need + o->g - 1) / o->g;
	if (f->m == FC_POINT || need <= 0)
		return 1.0;
	if (f->m == FC_MITM)
		return fc_mitm_tail(&f->mm, need);
	return fc_tail(&f->dist, fc_first_at_least(&f->dist, need));
}

double
fc_forecast_p_reach_grid(const FcForecast *f, double t)
{
	const FcDist *dist = &f->dist;
	double		shift_amount = (double) f->o.shift / pow(10.0, f->o.e),
				j;

	j = ceil((t - shift_amount) / dist->h) - (double) dist->lo;
	if (j <= 0)
		return 1.0;
	if (j >= (double) dist->npts)
		return 0.0;
	return fc_tail(dist, (int64) j);
}
