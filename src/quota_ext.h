/*
 * quota_ext.h
 *		Shared helpers of the quota_ext extension: argument checks that
 *		raise the extension's standard errors, and small date utilities.
 *
 * Every check raises SQLSTATE 22023 (invalid_parameter_value) with a
 * lowercase message that names the argument and the value, as SPEC §0 asks.
 */
#ifndef QUOTA_EXT_H
#define QUOTA_EXT_H

#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/date.h"
#include "utils/float.h"
#include "windowapi.h"

/* Raise invalid_parameter_value with a message and an optional hint. */
#define qx_bad_arg(hint, ...) \
	ereport(ERROR, \
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE), \
			 errmsg(__VA_ARGS__), \
			 (hint) ? errhint("%s", (const char *) (hint)) : 0))

/* Text of a float8 as PostgreSQL prints it ("NaN", "Infinity", "0.4"). */
static inline char *
qx_float_str(double v)
{
	return float8out_internal(v);
}

/* NaN and +-Infinity are bad arguments unless a function allows them. */
static inline void
qx_require_finite(double v, const char *argname)
{
	if (!isfinite(v))
		qx_bad_arg("Pass a finite number.",
				   "%s must be a finite number, got %s", argname, qx_float_str(v));
}

static inline void
qx_require_nonnegative(double v, const char *argname)
{
	qx_require_finite(v, argname);
	if (v < 0)
		qx_bad_arg(NULL, "%s must not be negative, got %s", argname, qx_float_str(v));
}

/* A share in [0, 1]: agreement, win rate. */
static inline void
qx_require_share(double v, const char *argname)
{
	qx_require_finite(v, argname);
	if (v < 0 || v > 1)
		qx_bad_arg(psprintf("Pass %s as a share between 0 and 1; divide percentages by 100.",
							argname),
				   "%s must be between 0 and 1, got %s", argname, qx_float_str(v));
}

/* Dates the arithmetic can count with: not -infinity or infinity. */
static inline void
qx_require_finite_date(DateADT d, const char *argname)
{
	if (DATE_NOT_FINITE(d))
		qx_bad_arg("Pass a finite date.",
				   "%s must be a finite date, got %s", argname,
				   DATE_IS_NOBEGIN(d) ? "-infinity" : "infinity");
}

/* deals.c: the lift index, shared with the trigger in trigger.c */
extern double qx_lift_index(double agreement, int64 objections);
extern void qx_check_threshold(double threshold, const char *argname);

/* abc.c: the sorted non-NULL values of a window partition, shared with rfm.c */
extern double *qx_window_sorted_values(WindowObject winobj, int argno,
									   const char *fname, const char *argname,
									   MemoryContext mcxt, int64 *n);

#endif							/* QUOTA_EXT_H */
