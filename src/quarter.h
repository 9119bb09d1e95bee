/*
 * quarter.h
 *		What the §16 files share (doc/quarter.md): the Gini coefficient of
 *		booking_rhythm's weekly totals and of attainment_distribution.
 */
#ifndef QX_QUARTER_H
#define QX_QUARTER_H

#include "postgres.h"

/*
 * Gini of n values x (sorted in place): sum_i sum_j |x_i - x_j| / (2 n^2
 * mean), mean = sum / n; the caller makes sure sum != 0.
 */
extern double qx_gini(double *x, int64 n, double sum);

#endif							/* QX_QUARTER_H */
