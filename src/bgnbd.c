/*
 * bgnbd.c
 *		Who is still a customer (SPEC §8): the BG/NBD model of Fader, Hardie
 *		& Lee (2005), "Counting Your Customers the Easy Way", Marketing
 *		Science 24(2):275-284.
 *
 * bgnbd_fit is an aggregate over (frequency x, recency t_x, t T) summaries.
 * Its state is the multiset of distinct (x, t_x, T) with weights, kept in
 * an array that is sorted and merged whenever it fills up, so a customer
 * base of any size costs memory in proportion to its distinct summaries.
 * The final function maximises the log-likelihood (paper eq. 6, in the
 * log-sum-exp form of Hardie's Excel note) over log-parameters with BFGS
 * and an analytic gradient; Nelder-Mead takes over if BFGS stalls.
 *
 * The state travels between processes (parallel workers, shards) as the
 * base type bgnbd_fit_state: a version word, the entry count and the
 * entries, sorted and distinct; text and binary forms round-trip exactly.
 *
 * The expectations (paper eqs. 7 and 10) share one quantity,
 *
 *   N(a, b', m, s) = E_p[(1 - (1 + p s)^-m) / p],   p ~ Beta(a, b'),
 *
 * which is (a+b'-1)/(a-1) [1 - (1-z)^m 2F1(m, b'; a+b'-1; z)] with
 * z = s/(1+s).  E[X(t)] = N(a, b, r, t/alpha) and E[Y(t) | x, t_x, T] =
 * P(alive) N(a, b+x, r+x, t/(alpha+T)).  bg_expect() evaluates it without
 * the removable singularity at a = 1 and the pole of 2F1 at a+b'-1 <= 0:
 * see there.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "common/shortest_dec.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "quota_ext.h"

#define BG_STATE_VERSION	1

/* One distinct customer summary and how many customers share it. */
typedef struct BgEntry
{
	double		tx;				/* recency t_x */
	double		T;				/* time since the first purchase */
	int64		w;				/* customers with this summary, > 0 */
	int32		x;				/* repeat purchases */
	int32		pad;			/* always 0 */
} BgEntry;

/* The in-memory transition state of bgnbd_fit and its relatives. */
typedef struct BgAcc
{
	int64		n;				/* entries in use */
	int64		cap;			/* allocated entries */
	int64		nsorted;		/* e[0..nsorted) is sorted and distinct */
	BgEntry    *e;
} BgAcc;

/*
 * The transferable form, both bgnbd_fit_state and the bytea of the
 * serialize function: varlena header, version word, count, entries
 * (sorted by x, T, t_x and distinct).
 */
typedef struct BgStateHdr
{
	int32		vl_len_;
	int32		version;
	int64		n;
} BgStateHdr;

#define BG_WIRE_ENTRY_BYTES (4 + 8 + 8 + 8)
#define BG_MAX_ENTRIES	((int64) ((MaxAllocSize - sizeof(BgStateHdr)) / sizeof(BgEntry)))

/* Parameters of a model. */
typedef struct BgParams
{
	double		r,
				alpha,
				a,
				b;
} BgParams;

/* ---------------------------------------------------------------------
 * Checking a customer summary
 * ---------------------------------------------------------------------
 */

/*
 * Why (frequency, recency, t) is not a customer summary, or NULL when it is.
 * Shared by the argument checks and by the state input functions.
 */
static const char *
bg_summary_problem(int64 x, double tx, double T)
{
	if (x < 0)
		return "frequency must not be negative";
	if (!isfinite(tx))
		return "recency must be a finite number";
	if (!isfinite(T))
		return "t must be a finite number";
	if (tx < 0)
		return "recency must not be negative";
	if (T < 0)
		return "t must not be negative";
	if (tx > T)
		return "recency must not exceed t";
	if (x == 0 && tx > 0)
		return "recency must be 0 when frequency is 0";
	return NULL;
}

/* Raise the argument error for a bad (frequency, recency, t). */
static void
bg_check_summary(int32 x, double tx, double T)
{
	if (x < 0)
		qx_bad_arg("frequency is the number of repeat purchases (purchase days minus 1), as btyd_summary returns it.",
				   "frequency must not be negative, got %d", x);
	qx_require_finite(tx, "recency");
	qx_require_finite(T, "t");
	if (tx < 0)
		qx_bad_arg("recency is the time from the first to the last purchase.",
				   "recency must not be negative, got %s", qx_float_str(tx));
	if (T < 0)
		qx_bad_arg("t is the time from the first purchase to the end of the observation period.",
				   "t must not be negative, got %s", qx_float_str(T));
	if (tx > T)
		qx_bad_arg("recency (first to last purchase) cannot be longer than t (first purchase to the end of the period); pass both in the same time unit.",
				   "recency must not exceed t, got recency %s and t %s",
				   qx_float_str(tx), qx_float_str(T));
	if (x == 0 && tx > 0)
		qx_bad_arg("A customer without repeat purchases has recency 0.",
				   "recency must be 0 when frequency is 0, got %s", qx_float_str(tx));
}

/* ---------------------------------------------------------------------
 * The state: append, sort and merge
 * ---------------------------------------------------------------------
 */

static int
bg_entry_cmp(const void *pa, const void *pb)
{
	const BgEntry *a = (const BgEntry *) pa;
	const BgEntry *b = (const BgEntry *) pb;

	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->T != b->T)
		return a->T < b->T ? -1 : 1;
	if (a->tx != b->tx)
		return a->tx < b->tx ? -1 : 1;
	return 0;
}

static int64
bg_add_weight(int64 a, int64 b)
{
	int64		s;

	if (pg_add_s64_overflow(a, b, &s))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("bgnbd_fit: customer count out of range")));
	return s;
}

/* Sort the entries and merge equal summaries; the state stays equivalent. */
static void
bg_compact(BgAcc *acc)
{
	int64		i,
				k;

	if (acc->nsorted == acc->n)
		return;
	qsort(acc->e, acc->n, sizeof(BgEntry), bg_entry_cmp);
	k = 0;
	for (i = 0; i < acc->n; i++)
	{
		if (k > 0 && bg_entry_cmp(&acc->e[k - 1], &acc->e[i]) == 0)
			acc->e[k - 1].w = bg_add_weight(acc->e[k - 1].w, acc->e[i].w);
		else
			acc->e[k++] = acc->e[i];
	}
	acc->n = k;
	acc->nsorted = k;
}

/* A new empty state in the current memory context. */
static BgAcc *
bg_acc_new(int64 cap)
{
	BgAcc	   *acc = palloc(sizeof(BgAcc));

	acc->n = 0;
	acc->nsorted = 0;
	acc->cap = Max(cap, 64);
	acc->e = palloc(sizeof(BgEntry) * acc->cap);
	return acc;
}

/* Make room for one more entry, compacting first (amortised O(log n)). */
static void
bg_reserve(BgAcc *acc, int64 more)
{
	int64		need;

	if (acc->n + more <= acc->cap)
		return;
	bg_compact(acc);
	need = acc->n + more;
	if (need > acc->cap / 2 || need > acc->cap)
	{
		int64		newcap = Max(acc->cap * 2, need);

		if (newcap > BG_MAX_ENTRIES)
			newcap = BG_MAX_ENTRIES;
		if (newcap < need)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("bgnbd_fit: too many distinct customer summaries")));
		acc->e = repalloc_huge(acc->e, sizeof(BgEntry) * newcap);
		acc->cap = newcap;
	}
}

static void
bg_append(BgAcc *acc, int32 x, double tx, double T, int64 w)
{
	BgEntry    *e;

	bg_reserve(acc, 1);
	e = &acc->e[acc->n++];
	e->x = x;
	e->pad = 0;
	e->tx = tx + 0.0;			/* -0 becomes +0, so equal values compare equal */
	e->T = T + 0.0;
	e->w = w;
}

/* ---------------------------------------------------------------------
 * The transferable form
 * ---------------------------------------------------------------------
 */

/* The state as a varlena (compacts it first). */
static bytea *
bg_flatten(BgAcc *acc)
{
	Size		sz;
	BgStateHdr *hdr;

	bg_compact(acc);
	sz = sizeof(BgStateHdr) + sizeof(BgEntry) * acc->n;
	hdr = palloc(sz);
	SET_VARSIZE(hdr, sz);
	hdr->version = BG_STATE_VERSION;
	hdr->n = acc->n;
	if (acc->n > 0)
		memcpy((char *) hdr + sizeof(BgStateHdr), acc->e, sizeof(BgEntry) * acc->n);
	return (bytea *) hdr;
}

/*
 * A state from its varlena form.  Values of bgnbd_fit_state were checked
 * when they were read; the bytea of the serialize function comes from our
 * own workers; both are checked for size again here, as cheap insurance.
 */
static BgAcc *
bg_unflatten(bytea *v)
{
	BgStateHdr	hdr;
	Size		len = VARSIZE_ANY(v);
	BgAcc	   *acc;

	if (VARATT_IS_SHORT(v) || VARATT_IS_EXTENDED(v) || len < sizeof(BgStateHdr))
		elog(ERROR, "bgnbd: malformed state of %zu bytes", len);
	memcpy(&hdr, v, sizeof(hdr));
	if (hdr.version != BG_STATE_VERSION || hdr.n < 0 || hdr.n > BG_MAX_ENTRIES ||
		len != sizeof(BgStateHdr) + sizeof(BgEntry) * (Size) hdr.n)
		elog(ERROR, "bgnbd: malformed state (version %d, %lld entries, %zu bytes)",
			 hdr.version, (long long) hdr.n, len);
	acc = bg_acc_new(hdr.n);
	if (hdr.n > 0)
		memcpy(acc->e, (char *) v + sizeof(hdr), sizeof(BgEntry) * hdr.n);
	acc->n = hdr.n;
	acc->nsorted = hdr.n;
	return acc;
}

/* Append another state's entries (it may be in any order). */
static void
bg_merge_into(BgAcc *dst, const BgAcc *src)
{
	if (src->n == 0)
		return;
	bg_reserve(dst, src->n);
	memcpy(dst->e + dst->n, src->e, sizeof(BgEntry) * src->n);
	dst->n += src->n;
}

/* ---------------------------------------------------------------------
 * Special functions
 * ---------------------------------------------------------------------
 */

/* Digamma for x > 0: recurrence up to 10, then the asymptotic series. */
static double
bg_digamma(double x)
{
	double		acc = 0.0,
				x2;

	while (x < 10.0)
	{
		acc -= 1.0 / x;
		x += 1.0;
	}
	x2 = 1.0 / (x * x);
	return acc + log(x) - 0.5 / x -
		x2 * (1.0 / 12 - x2 * (1.0 / 120 - x2 * (1.0 / 252 - x2 * (1.0 / 240 - x2 * (1.0 / 132)))));
}

/* ln(1 + e^v) without overflow. */
static inline double
bg_softplus(double v)
{
	return v > 0 ? v + log1p(exp(-v)) : log1p(exp(v));
}

#define BG_SERIES_MAX_TERMS 1000000
#define BG_A1_STEP 1e-3

static void
bg_series_failed(double horizon)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("horizon %s is too long for the hypergeometric series to converge",
					qx_float_str(horizon)),
			 errhint("Use a horizon shorter than about 10000 times alpha + t.")));
}

/*
 * (1 - z)^m 2F1(m, B; C; z) for m, B, C > 0 and 0 <= z < 1 with
 * 1 - z = omz passed separately (no cancellation).  All terms are
 * positive; the sum is rescaled when it grows large, and the tail after
 * term n is bounded by term q / (1 - q) with q the larger of the current
 * term ratio and z (the ratios tend to z).
 */
static double
bg_scaled_2f1(double m, double B, double C, double z, double omz, double horizon)
{
	double		term = 1.0,
				sum = 1.0,
				logscale = 0.0;
	int			n;

	for (n = 0; n < BG_SERIES_MAX_TERMS; n++)
	{
		double		ratio = (m + n) * (B + n) / ((C + n) * (n + 1.0)) * z;
		double		q;

		term *= ratio;
		sum += term;
		if (sum > 1e280)
		{
			sum *= 1e-280;
			term *= 1e-280;
			logscale += 280.0 * M_LN10;
		}
		q = Max(ratio, z);
		if (q < 1.0 && term * q <= 1e-17 * sum * (1.0 - q))
			return exp(m * log(omz) + log(sum) + logscale);
	}
	bg_series_failed(horizon);
	return 0.0;					/* keep the compiler quiet */
}

/*
 * N(a, b', m, s) = E_p[(1 - (1 + p s)^-m) / p] with p ~ Beta(a, b'),
 * the expected purchases of a customer alive now, with purchase shape m and
 * dropout Beta(a, b'), in a horizon of s in units of the current Gamma
 * scale.  horizon is only for the error message.
 *
 *  s <= 0.5:  the Pfaff transform of the paper's 2F1 gives the alternating
 *             series sum_{n>=1} (-1)^(n+1) s^n (m)_n (a)_(n-1) /
 *             ((a+b')_(n-1) n!), free of the factor 1/(a-1) and of
 *             Gamma(a+b'-1); term ratios tend to -s.
 *  otherwise: (a+b'-1)/(a-1) [1 - (1-z)^m 2F1(m, b'; a+b'-1; z)],
 *             z = s/(1+s), summed by bg_scaled_2f1;
 *             - when a+b'-1 <= 0 (2F1 has a pole there, N has not), the
 *               Beta identity E_(a,b')[g] = b'/(a+b') E_(a,b'+1)[g] +
 *               E_(a,b')[p g] with E_(a,b')[p g] = 1 - (1-z)^m
 *               2F1(m, b'; a+b'; z) moves b' up by one;
 *             - within 5e-4 of a = 1 (a removable 0/0, where the
 *               cancellation costs digits) N, which is analytic in a, is
 *               the cubic through a = 1 -+ 1e-3, 1 -+ 2e-3 (error about
 *               1e-11 relative).
 */
static double
bg_expect(double a, double bp, double m, double s, double horizon)
{
	double		z,
				omz;

	if (s == 0.0)
		return 0.0;
	if (s <= 0.5)
	{
		double		term = s * m,
					sum = term;
		int			n;

		for (n = 1; n < BG_SERIES_MAX_TERMS; n++)
		{
			double		ratio = s * (m + n) * (a + n - 1.0) / ((a + bp + n - 1.0) * (n + 1.0));

			term *= -ratio;
			sum += term;
			if (ratio < 1.0 && fabs(term) <= 1e-17 * fabs(sum))
				return sum;
		}
		bg_series_failed(horizon);
	}

	z = s / (1.0 + s);
	omz = 1.0 / (1.0 + s);
	if (a + bp - 1.0 <= 0.0)
		return bp / (a + bp) * bg_expect(a, bp + 1.0, m, s, horizon) +
			(1.0 - bg_scaled_2f1(m, bp, a + bp, z, omz, horizon));
	if (fabs(a - 1.0) < 0.5 * BG_A1_STEP)
	{
		/* cubic through a = 1 -2h, 1 -h, 1 +h, 1 +2h (all outside this branch) */
		const double h = BG_A1_STEP;
		static const double nodes[4] = {-2, -1, 1, 2};
		double		u = (a - 1.0) / h,
					sum = 0;
		int			i,
					j;

		for (i = 0; i < 4; i++)
		{
			double		wgt = 1;

			for (j = 0; j < 4; j++)
				if (j != i)
					wgt *= (u - nodes[j]) / (nodes[i] - nodes[j]);
			sum += wgt * bg_expect(1.0 + nodes[i] * h, bp, m, s, horizon);
		}
		return sum;
	}
	return (a + bp - 1.0) / (a - 1.0) *
		(1.0 - bg_scaled_2f1(m, bp, a + bp - 1.0, z, omz, horizon));
}

/* ln of the odds of having dropped out (x > 0); P(alive) = 1/(1+e^that). */
static double
bg_log_dropout_odds(const BgParams *p, int32 x, double tx, double T)
{
	return log(p->a) - log(p->b + x - 1.0) +
		(p->r + x) * (log(p->alpha + T) - log(p->alpha + tx));
}

/* ---------------------------------------------------------------------
 * The log-likelihood and the fit
 * ---------------------------------------------------------------------
 */

/* The data of a fit, laid out for the inner loop. */
typedef struct BgData
{
	int64		n;				/* distinct summaries with x > 0 */
	int32	   *x;
	double	   *tx,
			   *T,
				*w;
	int64		n0;				/* distinct T among customers with x = 0 */
	double	   *T0,
			   *w0;
	int			nx;				/* distinct x values (including 0) */
	int32	   *xs;
	double	   *wx;				/* customers per distinct x */
	double		W;				/* customers */
	int64		evals;
} BgData;

#define BG_NPAR 4
#define BG_SUMX 1000

/*
 * Minus the log-likelihood per customer at theta = ln(r, alpha, a, b), and
 * its gradient in theta when g is not NULL.  Per customer (paper eq. 6):
 *   ln L = A1 + A2 + ln(e^A3 + [x > 0] e^A4)
 *   A1 = lnG(r+x) - lnG(r) + r ln alpha
 *   A2 = lnG(a+b) + lnG(b+x) - lnG(b) - lnG(a+b+x)
 *   A3 = -(r+x) ln(alpha+T)
 *   A4 = ln a - ln(b+x-1) - (r+x) ln(alpha+t_x)
 * Terms that depend on x alone are summed once per distinct x.
 */
static double
bg_negll(BgData *d, const double *theta, double *g)
{
	double		r = exp(theta[0]),
				alpha = exp(theta[1]),
				a = exp(theta[2]),
				b = exp(theta[3]);
	double		ll = 0,
				gr = 0,
				gal = 0,
				ga = 0,
				gb = 0;
	double		lnalpha = log(alpha),
				lga = lgamma(r),
				lgb = lgamma(b),
				lgab = lgamma(a + b),
				dgr = 0,
				dgb = 0,
				dgab = 0;
	int64		i;
	int			k;

	d->evals++;
	if (g)
	{
		dgr = bg_digamma(r);
		dgb = bg_digamma(b);
		dgab = bg_digamma(a + b);
	}

	/*
	 * A1 and A2: per distinct x (ascending).  For whole x, lnG(q+x) - lnG(q)
	 * = sum_{k<x} ln(q+k) and psi(q+x) - psi(q) = sum 1/(q+k); the sums are
	 * carried from one x to the next up to BG_SUMX, exact even where q is
	 * huge and lgamma(q) has lost the digits of the difference.  Beyond
	 * that the difference itself is large and lgamma differences do.
	 */
	{
		double		sl_r = 0,
					sl_b = 0,
					sl_ab = 0,
					sd_r = 0,
					sd_b = 0,
					sd_ab = 0;
		int32		done = 0;	/* the sums cover k < done */

		for (k = 0; k < d->nx; k++)
		{
			int32		x = d->xs[k];
			double		wk = d->wx[k],
						lr,
						lb,
						lab,
						dr = 0,
						db = 0,
						dab = 0;

			ll += wk * r * lnalpha;
			if (g)
			{
				gr += wk * lnalpha;
				gal += wk * r / alpha;
			}
			if (x == 0)
				continue;
			if (x <= BG_SUMX)
			{
				for (; done < x; done++)
				{
					sl_r += log(r + done);
					sl_b += log(b + done);
					sl_ab += log(a + b + done);
					if (g)
					{
						sd_r += 1.0 / (r + done);
						sd_b += 1.0 / (b + done);
						sd_ab += 1.0 / (a + b + done);
					}
				}
				lr = sl_r;
				lb = sl_b;
				lab = sl_ab;
				dr = sd_r;
				db = sd_b;
				dab = sd_ab;
			}
			else
			{
				lr = lgamma(r + x) - lga;
				lb = lgamma(b + x) - lgb;
				lab = lgamma(a + b + x) - lgab;
				if (g)
				{
					dr = bg_digamma(r + x) - dgr;
					db = bg_digamma(b + x) - dgb;
					dab = bg_digamma(a + b + x) - dgab;
				}
			}
			ll += wk * (lr + lb - lab);
			if (g)
			{
				gr += wk * dr;
				ga -= wk * dab;
				gb += wk * (db - dab);
			}
		}
	}

	/* x = 0: ln L adds A3 = -r ln(alpha+T) */
	for (i = 0; i < d->n0; i++)
	{
		double		l = log(alpha + d->T0[i]);

		ll -= d->w0[i] * r * l;
		if (g)
		{
			gr -= d->w0[i] * l;
			gal -= d->w0[i] * r / (alpha + d->T0[i]);
		}
	}

	/* x > 0: log-sum-exp of A3 and A4 */
	{
		double		lna = log(a);
		double		prevT = -1,
					lT = 0;
		int32		prevx = -1;
		double		lbx = 0;

		for (i = 0; i < d->n; i++)
		{
			int32		x = d->x[i];
			double		rx = r + x,
						wi = d->w[i],
						ltx,
						l3,
						l4,
						mx,
						lse,
						p3,
						p4;

			if (x != prevx)
			{
				lbx = log(b + x - 1.0);
				prevx = x;
			}
			if (d->T[i] != prevT)
			{
				lT = log(alpha + d->T[i]);
				prevT = d->T[i];
			}
			ltx = (d->tx[i] == d->T[i]) ? lT : log(alpha + d->tx[i]);
			l3 = -rx * lT;
			l4 = lna - lbx - rx * ltx;
			mx = Max(l3, l4);
			lse = mx + log1p(exp(Min(l3, l4) - mx));
			ll += wi * lse;
			if (g)
			{
				p3 = exp(l3 - lse);
				p4 = 1.0 - p3;
				gr -= wi * (p3 * lT + p4 * ltx);
				gal -= wi * rx * (p3 / (alpha + d->T[i]) + p4 / (alpha + d->tx[i]));
				ga += wi * p4 / a;
				gb -= wi * p4 / (b + x - 1.0);
			}
		}
	}

	if (g)
	{
		/* chain rule to log-parameters; minus, per customer */
		g[0] = -gr * r / d->W;
		g[1] = -gal * alpha / d->W;
		g[2] = -ga * a / d->W;
		g[3] = -gb * b / d->W;
	}
	return -ll / d->W;
}

/* Log-parameters stay in [-BG_BOUND, BG_BOUND]. */
#define BG_BOUND	30.0
#define BG_EDGE		18.0		/* a fit ending beyond e^+-18 ran off to a boundary */
#define BG_GTOL		1e-8		/* times max(1, |f|), f per customer */
#define BG_MAXIT	500

static double
bg_clampd(double v)
{
	return v < -BG_BOUND ? -BG_BOUND : (v > BG_BOUND ? BG_BOUND : v);
}

static double
bg_norm_inf(const double *g)
{
	double		m = 0;
	int			i;

	for (i = 0; i < BG_NPAR; i++)
		m = Max(m, fabs(g[i]));
	return m;
}

/* f at theta, +Inf when it is not a finite number. */
static double
bg_eval(BgData *d, const double *theta, double *g)
{
	double		f = bg_negll(d, theta, g);

	if (!isfinite(f))
		return get_float8_infinity();
	if (g && (!isfinite(g[0]) || !isfinite(g[1]) || !isfinite(g[2]) || !isfinite(g[3])))
		return get_float8_infinity();
	return f;
}

/*
 * BFGS on the log-parameters with a backtracking (Armijo) line search.
 * theta holds the start and receives the best point; returns the number
 * of iterations; *conv says whether the gradient test passed.
 */
static int
bg_bfgs(BgData *d, double *theta, double *fbest, bool *conv)
{
	double		H[BG_NPAR][BG_NPAR];
	double		g[BG_NPAR],
				gn[BG_NPAR],
				tn[BG_NPAR],
				dir[BG_NPAR],
				s[BG_NPAR],
				y[BG_NPAR],
				Hy[BG_NPAR];
	double		f;
	int			it,
				i,
				j;
	bool		fresh = true;
	int			stalls = 0;

	*conv = false;
	f = bg_eval(d, theta, g);
	*fbest = f;
	if (!isfinite(f))
		return 0;
	for (i = 0; i < BG_NPAR; i++)
		for (j = 0; j < BG_NPAR; j++)
			H[i][j] = (i == j);

	for (it = 0; it < BG_MAXIT; it++)
	{
		double		slope = 0,
					step = 1,
					fn = 0,
					dmax = 0,
					sy,
					yHy;
		int			ls;

		CHECK_FOR_INTERRUPTS();
		if (bg_norm_inf(g) <= BG_GTOL * Max(1.0, fabs(f)))
		{
			*conv = true;
			break;
		}
		for (i = 0; i < BG_NPAR; i++)
		{
			dir[i] = 0;
			for (j = 0; j < BG_NPAR; j++)
				dir[i] -= H[i][j] * g[j];
			slope += dir[i] * g[i];
			dmax = Max(dmax, fabs(dir[i]));
		}
		if (!(slope < 0))
		{
			/* not a descent direction: restart from steepest descent */
			for (i = 0; i < BG_NPAR; i++)
				for (j = 0; j < BG_NPAR; j++)
					H[i][j] = (i == j);
			fresh = true;
			slope = 0;
			dmax = 0;
			for (i = 0; i < BG_NPAR; i++)
			{
				dir[i] = -g[i];
				slope -= g[i] * g[i];
				dmax = Max(dmax, fabs(dir[i]));
			}
		}
		/* no step longer than a factor e^5 in any parameter */
		if (dmax > 5)
			step = 5 / dmax;
		for (ls = 0; ls < 60; ls++)
		{
			for (i = 0; i < BG_NPAR; i++)
				tn[i] = bg_clampd(theta[i] + step * dir[i]);
			fn = bg_eval(d, tn, gn);
			if (fn <= f + 1e-4 * step * slope)
				break;
			step *= 0.5;
		}
		if (ls == 60)
		{
			if (!fresh)
			{
				for (i = 0; i < BG_NPAR; i++)
					for (j = 0; j < BG_NPAR; j++)
						H[i][j] = (i == j);
				fresh = true;
				continue;
			}
			/* no progress even downhill: at the limit of float precision */
			*conv = bg_norm_inf(g) <= 1e-5;
			break;
		}
		sy = 0;
		for (i = 0; i < BG_NPAR; i++)
		{
			s[i] = tn[i] - theta[i];
			y[i] = gn[i] - g[i];
			sy += s[i] * y[i];
		}
		if (sy > 1e-18)
		{
			if (fresh)
			{
				/* scale the first Hessian guess (Nocedal & Wright 6.20) */
				double		yy = 0;

				for (i = 0; i < BG_NPAR; i++)
					yy += y[i] * y[i];
				for (i = 0; i < BG_NPAR; i++)
					H[i][i] = sy / yy;
			}
			yHy = 0;
			for (i = 0; i < BG_NPAR; i++)
			{
				Hy[i] = 0;
				for (j = 0; j < BG_NPAR; j++)
					Hy[i] += H[i][j] * y[j];
				yHy += y[i] * Hy[i];
			}
			for (i = 0; i < BG_NPAR; i++)
				for (j = 0; j < BG_NPAR; j++)
					H[i][j] += ((sy + yHy) * s[i] * s[j]) / (sy * sy) -
						(Hy[i] * s[j] + s[i] * Hy[j]) / sy;
			fresh = false;
		}
		memcpy(theta, tn, sizeof(tn));
		memcpy(g, gn, sizeof(gn));
		/* at the floor of rounding: f no longer moves, g is noise */
		if (f - fn <= 4 * DBL_EPSILON * fabs(f))
		{
			if (++stalls >= 3)
			{
				f = fn;
				*conv = bg_norm_inf(g) <= 1e-5;
				break;
			}
		}
		else
			stalls = 0;
		f = fn;
	}
	*fbest = f;
	return it;
}

/*
 * Nelder-Mead on the log-parameters, from theta; for when BFGS stalls.
 * Standard coefficients (1, 2, 0.5, 0.5); stops when the simplex's values
 * agree to 1e-13 relative or after 5000 iterations.
 */
static int
bg_nelder_mead(BgData *d, double *theta, double *fbest)
{
	double		p[BG_NPAR + 1][BG_NPAR],
				fv[BG_NPAR + 1];
	int			it,
				i,
				j;

	for (i = 0; i <= BG_NPAR; i++)
	{
		memcpy(p[i], theta, sizeof(double) * BG_NPAR);
		if (i > 0)
			p[i][i - 1] = bg_clampd(p[i][i - 1] + 0.5);
		fv[i] = bg_eval(d, p[i], NULL);
	}
	for (it = 0; it < 5000; it++)
	{
		int			hi = 0,
					lo = 0,
					nh = 0;
		double		c[BG_NPAR],
					xr[BG_NPAR],
					xe[BG_NPAR],
					fr,
					fe;

		CHECK_FOR_INTERRUPTS();
		for (i = 1; i <= BG_NPAR; i++)
		{
			if (fv[i] > fv[hi])
				hi = i;
			if (fv[i] < fv[lo])
				lo = i;
		}
		nh = (hi == 0) ? 1 : 0;
		for (i = 0; i <= BG_NPAR; i++)
			if (i != hi && fv[i] > fv[nh])
				nh = i;
		if (isfinite(fv[hi]) &&
			fv[hi] - fv[lo] <= 1e-13 * (fabs(fv[lo]) + 1e-300))
			break;
		for (j = 0; j < BG_NPAR; j++)
		{
			c[j] = 0;
			for (i = 0; i <= BG_NPAR; i++)
				if (i != hi)
					c[j] += p[i][j];
			c[j] /= BG_NPAR;
			xr[j] = bg_clampd(c[j] + (c[j] - p[hi][j]));
		}
		fr = bg_eval(d, xr, NULL);
		if (fr < fv[lo])
		{
			for (j = 0; j < BG_NPAR; j++)
				xe[j] = bg_clampd(c[j] + 2 * (c[j] - p[hi][j]));
			fe = bg_eval(d, xe, NULL);
			if (fe < fr)
			{
				memcpy(p[hi], xe, sizeof(xe));
				fv[hi] = fe;
			}
			else
			{
				memcpy(p[hi], xr, sizeof(xr));
				fv[hi] = fr;
			}
		}
		else if (fr < fv[nh])
		{
			memcpy(p[hi], xr, sizeof(xr));
			fv[hi] = fr;
		}
		else
		{
			double		xc[BG_NPAR],
						fc;

			for (j = 0; j < BG_NPAR; j++)
				xc[j] = (fr < fv[hi]) ? c[j] + 0.5 * (xr[j] - c[j])
					: c[j] + 0.5 * (p[hi][j] - c[j]);
			fc = bg_eval(d, xc, NULL);
			if (fc < Min(fr, fv[hi]))
			{
				memcpy(p[hi], xc, sizeof(xc));
				fv[hi] = fc;
			}
			else
			{
				/* shrink towards the best */
				for (i = 0; i <= BG_NPAR; i++)
				{
					if (i == lo)
						continue;
					for (j = 0; j < BG_NPAR; j++)
						p[i][j] = p[lo][j] + 0.5 * (p[i][j] - p[lo][j]);
					fv[i] = bg_eval(d, p[i], NULL);
				}
			}
		}
	}
	j = 0;
	for (i = 1; i <= BG_NPAR; i++)
		if (fv[i] < fv[j])
			j = i;
	memcpy(theta, p[j], sizeof(double) * BG_NPAR);
	*fbest = fv[j];
	return it;
}

typedef struct BgFit
{
	BgParams	p;
	double		ll;
	int64		customers;
	bool		converged;
	int			iterations;
	int64		evals;
} BgFit;

/* Fit the model to a compacted, non-empty state. */
static void
bg_fit(BgAcc *acc, BgFit *out)
{
	BgData		d;
	int64		i,
				cust = 0,
				nrep = 0;
	double		sumx = 0,
				sumT = 0,
				theta[BG_NPAR],
				f,
				g[BG_NPAR];
	bool		conv;
	int			it,
				k;

	memset(&d, 0, sizeof(d));
	d.x = palloc(sizeof(int32) * acc->n);
	d.tx = palloc(sizeof(double) * acc->n);
	d.T = palloc(sizeof(double) * acc->n);
	d.w = palloc(sizeof(double) * acc->n);
	d.T0 = palloc(sizeof(double) * acc->n);
	d.w0 = palloc(sizeof(double) * acc->n);
	d.xs = palloc(sizeof(int32) * acc->n);
	d.wx = palloc(sizeof(double) * acc->n);

	/* entries are sorted by x, T, t_x: x = 0 first, equal T adjacent */
	for (i = 0; i < acc->n; i++)
	{
		const BgEntry *e = &acc->e[i];

		cust = bg_add_weight(cust, e->w);
		sumx += (double) e->x * e->w;
		sumT += e->T * e->w;
		if (d.nx == 0 || d.xs[d.nx - 1] != e->x)
		{
			d.xs[d.nx] = e->x;
			d.wx[d.nx++] = 0;
		}
		d.wx[d.nx - 1] += e->w;
		if (e->x == 0)
		{
			if (d.n0 > 0 && d.T0[d.n0 - 1] == e->T)
				d.w0[d.n0 - 1] += e->w;
			else
			{
				d.T0[d.n0] = e->T;
				d.w0[d.n0++] = e->w;
			}
		}
		else
		{
			nrep += e->w;
			d.x[d.n] = e->x;
			d.tx[d.n] = e->tx;
			d.T[d.n] = e->T;
			d.w[d.n++] = e->w;
		}
	}
	d.W = (double) cust;

	/*
	 * Start: r = a = b = 1 and alpha from the mean rate, alpha = r mean(T) /
	 * mean(x) (the NBD moment without dropout), within bounds.
	 */
	theta[0] = theta[2] = theta[3] = 0;
	theta[1] = (sumx > 0 && sumT > 0) ? log(sumT / sumx) : 0;
	theta[1] = Max(-20.0, Min(20.0, theta[1]));

	it = bg_bfgs(&d, theta, &f, &conv);
	if (!conv)
	{
		double		th2[BG_NPAR],
					f2;

		memcpy(th2, theta, sizeof(th2));
		if (!isfinite(f))
			th2[0] = th2[1] = th2[2] = th2[3] = 0;
		it += bg_nelder_mead(&d, th2, &f2);
		if (f2 <= f || !isfinite(f))
		{
			memcpy(theta, th2, sizeof(th2));
			f = f2;
		}
		/* polish with BFGS from there and judge by the gradient */
		if (isfinite(f))
		{
			it += bg_bfgs(&d, theta, &f, &conv);
			if (!conv && isfinite(bg_eval(&d, theta, g)) && bg_norm_inf(g) <= 1e-5)
				conv = true;
		}
	}
	for (k = 0; k < BG_NPAR; k++)
		if (fabs(theta[k]) > BG_EDGE)
			conv = false;
	/* without a single repeat purchase the maximum is not attained */
	if (nrep == 0)
		conv = false;

	out->p.r = exp(theta[0]);
	out->p.alpha = exp(theta[1]);
	out->p.a = exp(theta[2]);
	out->p.b = exp(theta[3]);
	out->ll = isfinite(f) ? -f * d.W : -get_float8_infinity();
	if (!isfinite(out->ll))
		conv = false;
	out->customers = cust;
	out->converged = conv;
	out->iterations = it;
	out->evals = d.evals;

	pfree(d.x);
	pfree(d.tx);
	pfree(d.T);
	pfree(d.w);
	pfree(d.T0);
	pfree(d.w0);
	pfree(d.xs);
	pfree(d.wx);
}

/* The bgnbd_model composite of a fit (or NULL for no customers). */
static Datum
bg_fit_result(FunctionCallInfo fcinfo, BgAcc *acc)
{
	TupleDesc	tupdesc;
	Datum		values[7];
	bool		nulls[7] = {0};
	BgFit		fit;

	if (acc == NULL || acc->n == 0)
		PG_RETURN_NULL();
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "bgnbd_fit: return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	if (tupdesc->natts != 7)
		elog(ERROR, "bgnbd_fit: bgnbd_model must have 7 fields, has %d", tupdesc->natts);

	bg_compact(acc);
	bg_fit(acc, &fit);
	elog(DEBUG1, "bgnbd_fit: %lld customers, %lld distinct, %d iterations, %lld evaluations, converged %d",
		 (long long) fit.customers, (long long) acc->n, fit.iterations,
		 (long long) fit.evals, fit.converged);

	values[0] = Float8GetDatum(fit.p.r);
	values[1] = Float8GetDatum(fit.p.alpha);
	values[2] = Float8GetDatum(fit.p.a);
	values[3] = Float8GetDatum(fit.p.b);
	values[4] = Float8GetDatum(fit.ll);
	values[5] = Int64GetDatum(fit.customers);
	values[6] = BoolGetDatum(fit.converged);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* ---------------------------------------------------------------------
 * Aggregate support
 * ---------------------------------------------------------------------
 */

PG_FUNCTION_INFO_V1(bgnbd_fit_transfn);
/*
 * bgnbd_fit_transfn(state internal, frequency int, recency float8, t float8)
 * Not strict: a row with any NULL argument is skipped; a bad row is an error.
 */
Datum
bgnbd_fit_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "bgnbd_fit_transfn");
	BgAcc	   *acc = PG_ARGISNULL(0) ? NULL : (BgAcc *) PG_GETARG_POINTER(0);
	int32		x;
	double		tx,
				T;
	MemoryContext old;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		if (acc == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(acc);
	}
	x = PG_GETARG_INT32(1);
	tx = PG_GETARG_FLOAT8(2);
	T = PG_GETARG_FLOAT8(3);
	bg_check_summary(x, tx, T);

	old = MemoryContextSwitchTo(ctx);
	if (acc == NULL)
		acc = bg_acc_new(1024);
	bg_append(acc, x, tx, T, 1);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(acc);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_combinefn);
/* bgnbd_fit_combinefn(internal, internal): NULL states are empty */
Datum
bgnbd_fit_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "bgnbd_fit_combinefn");
	BgAcc	   *a = PG_ARGISNULL(0) ? NULL : (BgAcc *) PG_GETARG_POINTER(0);
	BgAcc	   *b = PG_ARGISNULL(1) ? NULL : (BgAcc *) PG_GETARG_POINTER(1);
	MemoryContext old;

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	old = MemoryContextSwitchTo(ctx);
	if (a == NULL)
		a = bg_acc_new(b->n);
	bg_merge_into(a, b);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_serialfn);
/* bgnbd_fit_serialfn(internal) -> bytea, the layout of bgnbd_fit_state */
Datum
bgnbd_fit_serialfn(PG_FUNCTION_ARGS)
{
	BgAcc	   *acc = (BgAcc *) PG_GETARG_POINTER(0);

	PG_RETURN_BYTEA_P(bg_flatten(acc));
}

PG_FUNCTION_INFO_V1(bgnbd_fit_deserialfn);
/* bgnbd_fit_deserialfn(bytea, internal) -> internal */
Datum
bgnbd_fit_deserialfn(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "bgnbd_fit_deserialfn");
	bytea	   *v = PG_GETARG_BYTEA_P(0);
	MemoryContext old = MemoryContextSwitchTo(ctx);
	BgAcc	   *acc = bg_unflatten(v);

	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(acc);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_finalfn);
/* bgnbd_fit_finalfn(internal) -> bgnbd_model; NULL for no customers */
Datum
bgnbd_fit_finalfn(PG_FUNCTION_ARGS)
{
	BgAcc	   *acc = PG_ARGISNULL(0) ? NULL : (BgAcc *) PG_GETARG_POINTER(0);

	qx_agg_context(fcinfo, "bgnbd_fit_finalfn");
	return bg_fit_result(fcinfo, acc);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_partial_finalfn);
/* bgnbd_fit_partial_finalfn(internal) -> bgnbd_fit_state; NULL for no customers */
Datum
bgnbd_fit_partial_finalfn(PG_FUNCTION_ARGS)
{
	BgAcc	   *acc = PG_ARGISNULL(0) ? NULL : (BgAcc *) PG_GETARG_POINTER(0);

	qx_agg_context(fcinfo, "bgnbd_fit_partial_finalfn");
	if (acc == NULL || acc->n == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(bg_flatten(acc));
}

PG_FUNCTION_INFO_V1(bgnbd_fit_merge_transfn);
/* bgnbd_fit_merge_transfn(internal, bgnbd_fit_state): NULL states are skipped */
Datum
bgnbd_fit_merge_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "bgnbd_fit_merge_transfn");
	BgAcc	   *acc = PG_ARGISNULL(0) ? NULL : (BgAcc *) PG_GETARG_POINTER(0);
	MemoryContext old;
	BgAcc	   *other;

	if (PG_ARGISNULL(1))
	{
		if (acc == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(acc);
	}
	old = MemoryContextSwitchTo(ctx);
	other = bg_unflatten(PG_GETARG_BYTEA_P(1));
	if (acc == NULL)
		acc = other;
	else
	{
		bg_merge_into(acc, other);
		pfree(other->e);
		pfree(other);
	}
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(acc);
}

/* ---------------------------------------------------------------------
 * The bgnbd_fit_state type
 * ---------------------------------------------------------------------
 */

/* Canonical form of entries read from outside: sorted, merged, checked. */
static bytea *
bg_state_from_entries(BgAcc *acc)
{
	return bg_flatten(acc);
}

static void
bg_state_syntax(const char *str, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type bgnbd_fit_state: \"%s\"", str),
			 errdetail("%s", detail),
			 errhint("Pass a value that bgnbd_fit_partial returned, such as \"1:(2,30.5,38.5,1)\".")));
}

static void
bg_skip_space(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

/* A float8 field ending at one of the characters in stops. */
static double
bg_parse_float(const char *str, const char **p, const char *what)
{
	char	   *end;
	double		v;
	const char *c;

	bg_skip_space(p);
	for (c = *p; *c && (isdigit((unsigned char) *c) || *c == '.' || *c == 'e' ||
						*c == 'E' || *c == '-' || *c == '+'); c++)
		;
	if (c == *p)
		bg_state_syntax(str, psprintf("%s is missing.", what));
	errno = 0;
	v = strtod(*p, &end);
	if (end != c || errno != 0 || !isfinite(v))
		bg_state_syntax(str, psprintf("%s is not a finite number.", what));
	*p = end;
	return v;
}

static int64
bg_parse_int(const char *str, const char **p, const char *what)
{
	char	   *end;
	long long	v;

	bg_skip_space(p);
	if (!isdigit((unsigned char) **p) && **p != '-' && **p != '+')
		bg_state_syntax(str, psprintf("%s is missing.", what));
	errno = 0;
	v = strtoll(*p, &end, 10);
	if (end == *p || errno != 0)
		bg_state_syntax(str, psprintf("%s is not an integer in range.", what));
	*p = end;
	return (int64) v;
}

static void
bg_expect_char(const char *str, const char **p, char ch)
{
	bg_skip_space(p);
	if (**p != ch)
		bg_state_syntax(str, psprintf("Expected \"%c\" at position %d.", ch,
									  (int) (*p - str) + 1));
	(*p)++;
}

/* Check one entry read from outside; detail for the error when bad. */
static const char *
bg_entry_problem(int64 x, double tx, double T, int64 w)
{
	const char *why;

	if (x > PG_INT32_MAX)
		return "frequency is out of range for int";
	why = bg_summary_problem(x, tx, T);
	if (why)
		return why;
	if (w <= 0)
		return "the customer count must be positive";
	return NULL;
}

PG_FUNCTION_INFO_V1(bgnbd_fit_state_in);
/*
 * Text form: "1:" (the version) followed by zero or more
 * "(frequency,recency,t,customers)" separated by commas.  Entries may come
 * in any order and repeat; the value is stored sorted and merged.
 */
Datum
bgnbd_fit_state_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	const char *p = str;
	int64		version;
	BgAcc	   *acc = bg_acc_new(16);

	version = bg_parse_int(str, &p, "The version");
	if (version != BG_STATE_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("unsupported bgnbd_fit_state version %lld", (long long) version),
				 errhint("This build reads version %d; compute the state with the same version of quota_ext.",
						 BG_STATE_VERSION)));
	bg_expect_char(str, &p, ':');
	bg_skip_space(&p);
	while (*p)
	{
		int64		x,
					w;
		double		tx,
					T;
		const char *why;

		if (acc->n > 0)
			bg_expect_char(str, &p, ',');
		bg_expect_char(str, &p, '(');
		x = bg_parse_int(str, &p, "frequency");
		bg_expect_char(str, &p, ',');
		tx = bg_parse_float(str, &p, "recency");
		bg_expect_char(str, &p, ',');
		T = bg_parse_float(str, &p, "t");
		bg_expect_char(str, &p, ',');
		w = bg_parse_int(str, &p, "The customer count");
		bg_expect_char(str, &p, ')');
		why = bg_entry_problem(x, tx, T, w);
		if (why)
			bg_state_syntax(str, psprintf("Entry %lld: %s.", (long long) acc->n + 1, why));
		bg_append(acc, (int32) x, tx, T, w);
		bg_skip_space(&p);
	}
	PG_RETURN_POINTER(bg_state_from_entries(acc));
}

static void
bg_append_float(StringInfo buf, double v)
{
	char		tmp[DOUBLE_SHORTEST_DECIMAL_LEN + 1];

	double_to_shortest_decimal_buf(v, tmp);
	appendStringInfoString(buf, tmp);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_state_out);
/* Shortest exact decimal floats, so text round-trips are exact. */
Datum
bgnbd_fit_state_out(PG_FUNCTION_ARGS)
{
	BgAcc	   *acc = bg_unflatten(PG_GETARG_BYTEA_P(0));
	StringInfoData buf;
	int64		i;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%d:", BG_STATE_VERSION);
	for (i = 0; i < acc->n; i++)
	{
		const BgEntry *e = &acc->e[i];

		appendStringInfo(&buf, "%s(%d,", i > 0 ? "," : "", e->x);
		bg_append_float(&buf, e->tx);
		appendStringInfoChar(&buf, ',');
		bg_append_float(&buf, e->T);
		appendStringInfo(&buf, ",%lld)", (long long) e->w);
	}
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_state_send);
/* Binary: int32 version, int64 count, then int32 x, float8 t_x, float8 T, int64 w. */
Datum
bgnbd_fit_state_send(PG_FUNCTION_ARGS)
{
	BgAcc	   *acc = bg_unflatten(PG_GETARG_BYTEA_P(0));
	StringInfoData buf;
	int64		i;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, BG_STATE_VERSION);
	pq_sendint64(&buf, acc->n);
	for (i = 0; i < acc->n; i++)
	{
		pq_sendint32(&buf, acc->e[i].x);
		pq_sendfloat8(&buf, acc->e[i].tx);
		pq_sendfloat8(&buf, acc->e[i].T);
		pq_sendint64(&buf, acc->e[i].w);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
bg_state_binary_error(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary bgnbd_fit_state value"),
			 errdetail("%s", detail)));
}

PG_FUNCTION_INFO_V1(bgnbd_fit_state_recv);
Datum
bgnbd_fit_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		version;
	int64		n,
				i,
				left;
	BgAcc	   *acc;

	if (buf->len - buf->cursor < 12)
		bg_state_binary_error("The value is shorter than its 12-byte header.");
	version = pq_getmsgint(buf, 4);
	if (version != BG_STATE_VERSION)
		bg_state_binary_error(psprintf("Version %d is not supported; this build reads version %d.",
									   version, BG_STATE_VERSION));
	n = pq_getmsgint64(buf);
	left = buf->len - buf->cursor;
	if (n < 0 || n > BG_MAX_ENTRIES || n != left / BG_WIRE_ENTRY_BYTES ||
		left % BG_WIRE_ENTRY_BYTES != 0)
		bg_state_binary_error(psprintf("The header says %lld entries but %lld bytes follow (%d per entry).",
									   (long long) n, (long long) left, BG_WIRE_ENTRY_BYTES));
	acc = bg_acc_new(n);
	for (i = 0; i < n; i++)
	{
		int32		x = pq_getmsgint(buf, 4);
		double		tx = pq_getmsgfloat8(buf);
		double		T = pq_getmsgfloat8(buf);
		int64		w = pq_getmsgint64(buf);
		const char *why = bg_entry_problem(x, tx, T, w);

		if (why)
			bg_state_binary_error(psprintf("Entry %lld: %s.", (long long) i + 1, why));
		bg_append(acc, x, tx, T, w);
	}
	PG_RETURN_POINTER(bg_state_from_entries(acc));
}

/* ---------------------------------------------------------------------
 * Using a model
 * ---------------------------------------------------------------------
 */

/* Read and check the parameters of a bgnbd_model argument. */
static void
bg_get_model(HeapTupleHeader th, BgParams *p)
{
	static const char *const names[4] = {"r", "alpha", "a", "b"};
	double		v[4];
	int			i;

	for (i = 0; i < 4; i++)
	{
		bool		isnull;
		Datum		d = GetAttributeByNum(th, i + 1, &isnull);

		if (isnull)
			qx_bad_arg("Pass a model that bgnbd_fit returned.",
					   "model field %s must not be NULL", names[i]);
		v[i] = DatumGetFloat8(d);
		if (!isfinite(v[i]) || v[i] <= 0)
			qx_bad_arg("Pass a model that bgnbd_fit returned.",
					   "model field %s must be a positive finite number, got %s",
					   names[i], qx_float_str(v[i]));
	}
	p->r = v[0];
	p->alpha = v[1];
	p->a = v[2];
	p->b = v[3];
}

/* P(alive | x, t_x, T) (paper eq. 12 as a logistic of the log odds). */
static double
bg_p_alive(const BgParams *p, int32 x, double tx, double T)
{
	if (x == 0)
		return 1.0;
	return exp(-bg_softplus(bg_log_dropout_odds(p, x, tx, T)));
}

static void
bg_check_horizon(double horizon)
{
	qx_require_finite(horizon, "horizon");
	if (horizon < 0)
		qx_bad_arg("horizon is a length of time in the unit of the summaries, such as 13 weeks.",
				   "horizon must not be negative, got %s", qx_float_str(horizon));
}

PG_FUNCTION_INFO_V1(bgnbd_p_alive);
/* bgnbd_p_alive(model, frequency, recency, t) -> probability still active */
Datum
bgnbd_p_alive(PG_FUNCTION_ARGS)
{
	BgParams	p;
	int32		x = PG_GETARG_INT32(1);
	double		tx = PG_GETARG_FLOAT8(2);
	double		T = PG_GETARG_FLOAT8(3);

	bg_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &p);
	bg_check_summary(x, tx, T);
	PG_RETURN_FLOAT8(bg_p_alive(&p, x, tx, T));
}

PG_FUNCTION_INFO_V1(bgnbd_expected);
/* bgnbd_expected(model, horizon, frequency, recency, t) -> E[Y(horizon) | x, t_x, T] (eq. 10) */
Datum
bgnbd_expected(PG_FUNCTION_ARGS)
{
	BgParams	p;
	double		horizon = PG_GETARG_FLOAT8(1);
	int32		x = PG_GETARG_INT32(2);
	double		tx = PG_GETARG_FLOAT8(3);
	double		T = PG_GETARG_FLOAT8(4);
	double		alive;

	bg_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &p);
	bg_check_horizon(horizon);
	bg_check_summary(x, tx, T);
	alive = bg_p_alive(&p, x, tx, T);
	PG_RETURN_FLOAT8(alive * bg_expect(p.a, p.b + x, p.r + x, horizon / (p.alpha + T), horizon));
}

PG_FUNCTION_INFO_V1(bgnbd_expected_new);
/* bgnbd_expected_new(model, horizon) -> E[X(horizon)] (eq. 7) */
Datum
bgnbd_expected_new(PG_FUNCTION_ARGS)
{
	BgParams	p;
	double		horizon = PG_GETARG_FLOAT8(1);

	bg_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &p);
	bg_check_horizon(horizon);
	PG_RETURN_FLOAT8(bg_expect(p.a, p.b, p.r, horizon / p.alpha, horizon));
}
