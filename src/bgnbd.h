/*
 * bgnbd.h
 *		Internal interface between the BG/NBD files (SPEC §8; Fader, Hardie
 *		& Lee 2005, "Counting Your Customers the Easy Way", Marketing Science
 *		24(2):275-284):
 *
 *		bgnbd.c             the SQL functions: the model's scores and the
 *		                    bgnbd_fit aggregate's support functions
 *		bgnbd_state.c       the aggregate's state: a multiset of distinct
 *		                    customer summaries, and its transferable forms
 *		bgnbd_likelihood.c  special functions, expectations, P(alive), the
 *		                    log-likelihood and the fit (via optimize.h)
 */
#ifndef QX_BGNBD_H
#define QX_BGNBD_H

#include "postgres.h"

#include "access/htup.h"
#include "fmgr.h"

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

/* Parameters of a model. */
typedef struct BgParams
{
	double		r,
				alpha,
				a,
				b;
} BgParams;

/* The outcome of a fit. */
typedef struct BgFit
{
	BgParams	p;
	double		ll;
	int64		customers;
	bool		converged;
	int			iterations;
	int64		evals;
} BgFit;

/*
 * Rows between interrupt checks in loops over summaries: a few ms of work
 * at most (README "Cancelling a long query").
 */
#define BG_ROWS_PER_CHECK	16384

/* bgnbd_state.c */
extern const char *bg_summary_problem(int64 x, double tx, double T);
extern void bg_check_summary(int32 x, double tx, double T);
extern int64 bg_add_weight(int64 a, int64 b);
extern BgAcc *bg_acc_new(int64 cap);
extern void bg_append(BgAcc *acc, int32 x, double tx, double T, int64 w);
extern void bg_compact(BgAcc *acc);
extern bytea *bg_flatten(BgAcc *acc);
extern BgAcc *bg_unflatten(bytea *v);
extern void *bg_decode(const char *data, int len, MemoryContext ctx);
extern void *bg_copy(void *src, MemoryContext ctx);
extern void bg_combine(void *st, void *in, MemoryContext ctx);
extern void bg_merge_into(BgAcc *dst, const BgAcc *src);

/* bgnbd.c */
extern void bg_get_model(HeapTupleHeader th, BgParams *p);

/* bgnbd_likelihood.c */
extern double bg_digamma(double x);
extern void bg_fit(BgAcc *acc, BgFit *out);
extern double bg_p_alive(const BgParams *p, int32 x, double tx, double T);
extern double bg_expect(double a, double bp, double m, double s, double horizon);
extern void bg_check_params(const BgParams *p);

#endif							/* QX_BGNBD_H */
