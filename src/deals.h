/*
 * deals.h
 *		The lift index rule (README "Deals"), shared by the SQL functions in
 *		deals.c and the flag_reanimation trigger in trigger.c.
 */
#ifndef QX_DEALS_H
#define QX_DEALS_H

#include "postgres.h"

/* agreement / objections, validating both (22023 naming the argument). */
extern double qx_lift_index(double agreement, int64 objections);
/* A reanimation threshold: finite and greater than 0; argname names it. */
extern void qx_check_threshold(double threshold, const char *argname);

#endif							/* QX_DEALS_H */
