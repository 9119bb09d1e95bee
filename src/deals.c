/*
 * deals.c
 *		The deal lift index (README "Deals"): agreement reached divided by the
 *		objections still open, reanimation mode below a threshold, and the
 *		close probability derived from it.
 */
#include "postgres.h"

#include "fmgr.h"

#include "quota_ext.h"
#include "deals.h"

/*
 * lift index of a deal; validates both inputs.  Shared with the
 * flag_reanimation() trigger so that table rows follow the same rule.
 */
double
qx_lift_index(double agreement, int64 objections)
{
	qx_require_share(agreement, "agreement");
	if (objections < 0)
		qx_bad_arg("Objections count the objections still open: 0 or more.",
				   "objections must not be negative, got " INT64_FORMAT, objections);

	if (objections == 0)
		return agreement > 0 ? get_float8_infinity() : 0.0;
	return agreement / (double) objections;
}

/* A reanimation threshold must be a finite number above 0. */
void
qx_check_threshold(double threshold, const char *argname)
{
	qx_require_finite(threshold, argname);
	if (threshold <= 0)
		qx_bad_arg("The usual threshold is 0.4.",
				   "%s must be greater than 0, got %s", argname, qx_float_str(threshold));
}

PG_FUNCTION_INFO_V1(lift_index);
/* lift_index(agreement float8, objections int) -> float8 */
Datum
lift_index(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(qx_lift_index(PG_GETARG_FLOAT8(0), PG_GETARG_INT32(1)));
}

PG_FUNCTION_INFO_V1(needs_reanimation);
/* needs_reanimation(agreement, objections, threshold) -> lift < threshold */
Datum
needs_reanimation(PG_FUNCTION_ARGS)
{
	double		threshold = PG_GETARG_FLOAT8(2);
	double		lift;

	qx_check_threshold(threshold, "threshold");
	lift = qx_lift_index(PG_GETARG_FLOAT8(0), PG_GETARG_INT32(1));
	PG_RETURN_BOOL(lift < threshold);
}

PG_FUNCTION_INFO_V1(close_probability);
/* close_probability(agreement, objections) -> L / (1 + L), 1 when L is infinite */
Datum
close_probability(PG_FUNCTION_ARGS)
{
	double		lift = qx_lift_index(PG_GETARG_FLOAT8(0), PG_GETARG_INT32(1));

	if (isinf(lift))
		PG_RETURN_FLOAT8(1.0);
	PG_RETURN_FLOAT8(lift / (1.0 + lift));
}
