/*
 * customer_fit_state.h
 *		What the customer models share (SPEC §8, §11, §18): the fit state
 *		that bgnbd_fit, mbgnbd_fit, paretonbd_fit and gammagamma_fit
 *		accumulate (customer_fit_state.c), the models' parameters, and the
 *		few functions one model's file offers the others.
 *
 *		customer_fit_state.c  the state: a multiset of distinct customer
 *		                      rows with weights, its transferable forms
 *		                      (bgnbd_fit_state, gammagamma_fit_state) and
 *		                      the fit final the four-parameter models share
 *		bgnbd.c, bgnbd_likelihood.c  BG/NBD (bgnbd.h: their own interface)
 *		mbgnbd.c, paretonbd.c, gammagamma.c, purchase_pmf.c,
 *		customer_value.c      the other models and scores
 *		special_functions.h   the numerics they share
 *
 * A model file includes this header and special_functions.h, never another
 * model's header.
 */
#ifndef QX_CUSTOMER_FIT_STATE_H
#define QX_CUSTOMER_FIT_STATE_H

#include "postgres.h"

#include "access/htup.h"
#include "fmgr.h"

#include "optimize.h"

/*
 * One distinct customer row and how many customers share it: a purchase
 * summary (x, t_x, T) for the purchase models, (x, 0, spend) for the
 * Gamma-Gamma fit (spend the mean of the repeat purchases' amounts).
 */
typedef struct QxFitEntry
{
	double		tx;				/* recency t_x; 0 for a spend row */
	union
	{
		double		T;			/* time since the first purchase */
		double		spend;		/* Gamma-Gamma: mean repeat spend */
	};
	int64		w;				/* customers with this row, > 0 */
	int32		x;				/* repeat purchases */
	int32		pad;			/* always 0 */
} QxFitEntry;

/* The in-memory transition state of the fits. */
typedef struct QxFitAcc
{
	int64		n;				/* entries in use */
	int64		cap;			/* allocated entries */
	int64		nsorted;		/* e[0..nsorted) is sorted and distinct */
	QxFitEntry *e;
} QxFitAcc;

/*
 * Rows between interrupt checks in loops over summaries: a few ms of work
 * at most (README "Cancelling a long query").
 */
#define QX_FIT_ROWS_PER_CHECK	16384

/* customer_fit_state.c: summaries and the state */
extern const char *qx_fit_summary_problem(int64 x, double tx, double T);
extern void qx_fit_check_summary(int32 x, double tx, double T);
/*
 * The first n fields of a fitted model (a composite argument) into v, each
 * a positive finite number, else 22023 naming the field and the fit.
 */
extern void qx_fit_read_params(HeapTupleHeader th, const char *fit, const char *const *names,
							   int n, double *v);
extern int64 qx_fit_add_weight(int64 a, int64 b);
extern QxFitAcc *qx_fit_acc_new(int64 cap);
extern void qx_fit_append(QxFitAcc *acc, int32 x, double tx, double T, int64 w);
extern void qx_fit_compact(QxFitAcc *acc);
extern bytea *qx_fit_flatten(QxFitAcc *acc);
extern QxFitAcc *qx_fit_unflatten(bytea *v);
extern void *qx_fit_decode(const char *data, int len, MemoryContext ctx);
extern void *qx_fit_copy(void *src, MemoryContext ctx);
extern void qx_fit_combine(void *st, void *in, MemoryContext ctx);
extern void qx_fit_merge_into(QxFitAcc *dst, const QxFitAcc *src);

/*
 * The aggregate support functions bgnbd_fit, mbgnbd_fit, paretonbd_fit and
 * gammagamma_fit share (customer_fit_state.c; the finals are the models')
 */
extern Datum bgnbd_fit_trans(PG_FUNCTION_ARGS);
extern Datum bgnbd_fit_combine(PG_FUNCTION_ARGS);
extern Datum bgnbd_fit_serialize(PG_FUNCTION_ARGS);
extern Datum bgnbd_fit_deserialize(PG_FUNCTION_ARGS);
extern Datum bgnbd_fit_partial_final(PG_FUNCTION_ARGS);
extern Datum bgnbd_fit_merge_trans(PG_FUNCTION_ARGS);
extern Datum bgnbd_fit_state_in(PG_FUNCTION_ARGS);

/* A Gamma-Gamma row: x repeat purchases of mean spend m, w customers. */
static inline void
qx_fit_append_spend(QxFitAcc *acc, int32 x, double m, int64 w)
{
	qx_fit_append(acc, x, 0, m, w);
}

/*
 * The fit final of the four-parameter purchase models (paretonbd_fit,
 * mbgnbd_fit): minimise negll (minus ln L per customer at theta = the
 * log-parameters) over the state's distinct rows from a start of r = 1,
 * alpha from the mean purchase rate and the other two at 1 (or, with
 * start_4_as_2, the fourth equal to alpha), and return the model row
 * (4 parameters, log_likelihood, customers, converged); NULL without
 * customers.
 */
typedef struct QxFitData
{
	int64		n;				/* distinct rows */
	const QxFitEntry *e;
	double		W;				/* customers */
	int64		evals;			/* objective evaluations */
} QxFitData;

typedef struct QxFitSpec
{
	const char *name;			/* the aggregate, for messages */
	const char *final_fn;		/* the calling final function, for messages */
	const char *model;			/* its result type, for messages */
	QxObjective negll;			/* objective on a QxFitData */
	double		start_bound;	/* |ln alpha| at the start at most this */
	double		edge;			/* |theta| beyond: ran off, not converged */
	bool		start_4_as_2;	/* theta[3] starts at theta[1], else 0 */
	int			max_iter;		/* BFGS / Nelder-Mead caps, 0: defaults */
	int			nm_max_iter;
	bool		check_natts;	/* error unless the model type has 7 fields */
	bool		clamp_exp;		/* exp(theta) within e^+-700 */
} QxFitSpec;

extern Datum qx_fit_four_final(FunctionCallInfo fcinfo, const QxFitSpec *spec);

/* ---------------------------------------------------------------------
 * The models' parameters and what one model's file offers the others
 * ---------------------------------------------------------------------
 */

/* BG/NBD and modified BG/NBD: purchase rate Gamma(r, alpha), dropout Beta(a, b) */
typedef struct QxBgParams
{
	double		r,
				alpha,
				a,
				b;
} QxBgParams;

/* Pareto/NBD: purchase rate Gamma(r, alpha), dropout rate Gamma(s, beta) */
typedef struct QxPnParams
{
	double		r,
				alpha,
				s,
				beta;
} QxPnParams;

/* Gamma-Gamma spend */
typedef struct QxGgParams
{
	double		p,
				q,
				gamma;
} QxGgParams;

/* bgnbd.c: read and check a bgnbd_model argument */
extern void qx_bgnbd_get_model(HeapTupleHeader th, QxBgParams *p);

/* bgnbd_likelihood.c */
extern void qx_bgnbd_check_params(const QxBgParams *p);
extern double qx_bgnbd_p_alive(const QxBgParams *p, int32 x, double tx, double T);
extern double qx_bgnbd_expect(double a, double bp, double m, double s, double horizon);

/* paretonbd.c: read and check a paretonbd_model argument */
extern void qx_paretonbd_get_model(HeapTupleHeader th, QxPnParams *p);
/* paretonbd.c: P(alive | x, t_x, T) of paretonbd_p_alive for checked parameters */
extern double qx_paretonbd_p_alive(const QxPnParams *p, int32 x, double tx, double T);

/* gammagamma.c */
/* Read and check a gammagamma_model argument (q > 1 for the expectation). */
extern void qx_gammagamma_get_model(HeapTupleHeader th, QxGgParams *g);
/* Check frequency and monetary; monetary as a float8. */
extern double qx_gammagamma_check_customer(int32 x, Datum monetary);
/* E(M | x, m): (gamma + m x) p / (p x + q - 1); an error when it overflows. */
extern double qx_gammagamma_expected_spend(const QxGgParams *g, int32 x, double m);

#endif							/* QX_CUSTOMER_FIT_STATE_H */
