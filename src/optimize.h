/*
 * optimize.h
 *		Unconstrained minimisation for the model fits (BG/NBD, and the
 *		Gamma-Gamma and Pareto/NBD fits of SPEC §11): BFGS with an analytic
 *		gradient and a backtracking line search, Nelder-Mead when BFGS
 *		stalls, and qx_minimize(), which runs the two in the order the
 *		BG/NBD fit established (README "Reference: BG/NBD", Method).
 *
 * The caller works in whatever coordinates suit its model (the fits use
 * the logarithms of their positive parameters) and supplies the objective
 * as a callback.  Every coordinate is kept within [-opts->bound,
 * opts->bound].  The optimizer allocates nothing and checks for interrupts
 * once per iteration; the objective should check within its own loops
 * over data.
 */
#ifndef QX_OPTIMIZE_H
#define QX_OPTIMIZE_H

#include "postgres.h"

/* The largest number of parameters a fit may have (arrays on the stack). */
#define QX_OPT_MAX_PARAMS 8

/*
 * The objective: returns f(theta) and, when grad is not NULL, writes the
 * gradient df/dtheta into grad[0..n).  A NaN or infinite value (or
 * gradient) means "outside the domain": the optimizer treats it as +Inf.
 * ctx is the caller's data, passed through untouched.
 */
typedef double (*QxObjective) (void *ctx, const double *theta, double *grad);

typedef struct QxOptOptions
{
	int			n;				/* parameters, 1..QX_OPT_MAX_PARAMS */
	double		bound;			/* |theta[i]| <= bound */
	double		gtol;			/* converged: max |g| <= gtol * max(1, |f|) */
	double		gtol_floor;		/* max |g| accepted when f stops moving */
	double		max_step;		/* longest first trial step in any coordinate */
	int			max_iter;		/* BFGS iterations per run */
	int			nm_max_iter;	/* Nelder-Mead iterations */
	double		nm_ftol;		/* Nelder-Mead stops when values agree to this, relative */
	double		nm_step;		/* Nelder-Mead's initial simplex edge */
} QxOptOptions;

/* The settings the BG/NBD fit uses; a good start for other fits. */
extern void qx_opt_defaults(QxOptOptions *opts, int n);

typedef struct QxOptResult
{
	double		f;				/* objective at theta; +Inf when none was finite */
	bool		converged;		/* the gradient test passed */
	int			iterations;		/* BFGS plus Nelder-Mead iterations */
} QxOptResult;

/* The objective with non-finite values (or gradients) mapped to +Inf. */
extern double qx_opt_eval(QxObjective fn, void *ctx, int n,
						  const double *theta, double *grad);

/* max |v[i]|, i < n */
extern double qx_opt_norm_inf(const double *v, int n);

/*
 * BFGS from theta (overwritten with the best point found).  Returns the
 * iterations; *f gets the objective there, *conv whether the gradient
 * test passed.
 */
extern int	qx_bfgs(QxObjective fn, void *ctx, const QxOptOptions *opts,
					double *theta, double *f, bool *conv);

/*
 * Nelder-Mead from theta (overwritten with the best vertex).  Returns the
 * iterations; *f gets the objective there.
 */
extern int	qx_nelder_mead(QxObjective fn, void *ctx, const QxOptOptions *opts,
						   double *theta, double *f);

/*
 * BFGS; if it does not converge, Nelder-Mead (from the origin when BFGS
 * found nothing finite) and BFGS again from the better point, converged
 * also when the gradient there is below opts->gtol_floor.
 */
extern void qx_minimize(QxObjective fn, void *ctx, const QxOptOptions *opts,
						double *theta, QxOptResult *res);

#endif							/* QX_OPTIMIZE_H */
