/*
 * purchase_pmf.h
 *		What the SPEC §18 files share (purchase_pmf.c, mbgnbd.c): the
 *		quadrature of a log-concave integrand, and the pieces of
 *		paretonbd.c they call.
 *
 * The Pareto/NBD P(alive) is paretonbd_p_alive's own C function, so the
 * §18 functions agree with paretonbd_p_alive / paretonbd_expected whatever
 * quadrature it uses.
 */
#ifndef QX_PURCHASE_PMF_H
#define QX_PURCHASE_PMF_H

#include "postgres.h"

#include "fmgr.h"

/* paretonbd.c: P(alive | x, t_x, T) of paretonbd_p_alive for checked parameters */
extern double qx_paretonbd_p_alive(double r, double alpha, double s, double beta,
								   int32 x, double tx, double T);

/* paretonbd.c: the n-point Gauss-Legendre rule on [0, 1] (nodes xs, weights ws) */
extern void qx_gauss_legendre(int n, double *xs, double *ws);

/*
 * h(t) = k t - A ln(1 + e^t / al) - B ln(1 + e^t / be) - C e^t, which is
 * concave in t for k, A, B, C >= 0 and al, be > 0; each ln(1 + e^z) is
 * evaluated as a softplus of z = t - ln al, finite for every t and al.
 */
typedef struct QxLcFun
{
	double		k,
				A,
				al,
				B,
				be,
				C;
	double		lal,			/* ln al, ln be: set by qx_lc_log_integral */
				lbe;
} QxLcFun;

/*
 * ln of the integral of e^h(t) over [lo, hi] (either may be infinite, as
 * long as h falls to -Inf there); -Inf for an empty range.
 */
extern double qx_lc_log_integral(const QxLcFun *f, double lo, double hi);

#endif							/* QX_PURCHASE_PMF_H */
