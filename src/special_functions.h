/*
 * special_functions.h
 *		The numerical pieces the customer models share (special_functions.c):
 *		plain C on doubles, no fmgr and no model.
 */
#ifndef QX_SPECIAL_FUNCTIONS_H
#define QX_SPECIAL_FUNCTIONS_H

#include "postgres.h"

#include <math.h>

/* Digamma for x > 0 (Abramowitz & Stegun 6.3.5 and 6.3.18). */
extern double qx_digamma(double x);

/* ln G(x+n) - ln G(x) for n >= 0, without the two lgammas' cancellation. */
extern double qx_lgamma_ratio(double x, double n);

/* ln(1 + e^v) without overflow. */
static inline double
qx_softplus(double v)
{
	return v > 0 ? v + log1p(exp(-v)) : log1p(exp(v));
}

/* The n-point Gauss-Legendre rule on [0, 1] (nodes xs, weights ws). */
extern void qx_gauss_legendre(int n, double *xs, double *ws);

/*
 * ln I_x(a, b), the regularized incomplete Beta function, with x = e^lx and
 * 1 - x = e^l1x (both given, so neither is rounded); false when its
 * continued fraction does not converge.
 */
extern bool qx_log_inc_beta(double a, double b, double lx, double l1x, double *out);

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

#endif							/* QX_SPECIAL_FUNCTIONS_H */
