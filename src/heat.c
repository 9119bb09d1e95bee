/*
 * heat.c
 *		The heat matrix cell colour (README "The heat matrix"): red is a missed chance,
 *		green spare potential, amber within tolerance of what was expected.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

#include "quota_ext.h"

static const char *const heat_labels[] = {"red", "amber", "green"};

PG_FUNCTION_INFO_V1(heat_zone);
/* heat_zone(actual, expected, tolerance DEFAULT 0.1) -> 'red' | 'amber' | 'green' */
Datum
heat_zone(PG_FUNCTION_ARGS)
{
	double		actual = PG_GETARG_FLOAT8(0);
	double		expected = PG_GETARG_FLOAT8(1);
	double		tolerance = PG_GETARG_FLOAT8(2);
	int			zone;

	qx_require_finite(actual, "actual");
	qx_require_nonnegative(expected, "expected");
	qx_require_finite(tolerance, "tolerance");
	if (tolerance < 0 || tolerance >= 1)
		qx_bad_arg("Tolerance is a share in [0, 1): 0.1 means within 10 % of expected.",
				   "tolerance must be at least 0 and less than 1, got %s",
				   qx_float_str(tolerance));

	if (actual < expected * (1.0 - tolerance))
		zone = 0;
	else if (actual > expected * (1.0 + tolerance))
		zone = 2;
	else
		zone = 1;
	PG_RETURN_DATUM(qx_label_datum(fcinfo, heat_labels, lengthof(heat_labels), zone));
}
