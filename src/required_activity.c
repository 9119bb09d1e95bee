/*
 * required_activity.c
 *		required_activity(target, avg_deal, rates) (SPEC §13, doc/funnel.md):
 *		the reverse funnel, from a revenue target to the activity at the top
 *		of the funnel that produces it.
 *
 * The deals to win are ceil(target / avg_deal), computed exactly in
 * numeric (truncated quotient plus one when the remainder is not zero).
 * Going up, each step's count is ceil(next / rate) in float8, where a
 * quotient within 1e-9 (relative) above an integer is that integer: 21 /
 * 0.7 is 30.000000000000004 in float8 and means 30.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "quota_ext.h"

/* relative float noise ignored above an integer quotient */
#define RA_NOISE 1e-9
/* 2^63 as a double: counts must stay below it to fit a bigint */
#define RA_INT64_LIMIT 9223372036854775808.0

static void
ra_require_finite_numeric(Numeric n, const char *argname)
{
	if (numeric_is_nan(n) || numeric_is_inf(n))
		qx_bad_arg("Pass a finite amount.", "%s must be a finite number, got %s",
				   argname, qx_numeric_str(n));
}

/* ceil(x) for x >= 0, ignoring float noise above an integer */
static int64
ra_ceil(double x, int step)
{
	double		f = floor(x);
	double		c = (x - f <= RA_NOISE * x) ? f : f + 1.0;

	if (!(c < RA_INT64_LIMIT))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("required_activity: the count at step %d is out of range for bigint", step),
				 errhint("Check rates: a tiny rate multiplies the activity above it.")));
	return (int64) c;
}

PG_FUNCTION_INFO_V1(required_activity);
/* required_activity(target numeric, avg_deal numeric, rates float8[]) -> bigint[] */
Datum
required_activity(PG_FUNCTION_ARGS)
{
	Numeric		target = PG_GETARG_NUMERIC(0);
	Numeric		avg = PG_GETARG_NUMERIC(1);
	ArrayType  *rates = PG_GETARG_ARRAYTYPE_P(2);
	Datum	   *rv;
	bool	   *rnull;
	int			nr;
	Datum	   *out;
	Numeric		zero = int64_to_numeric(0);
	Numeric		q,
				rem;
	int64		deals;

	ra_require_finite_numeric(target, "target");
	ra_require_finite_numeric(avg, "avg_deal");
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(target),
										  NumericGetDatum(zero))) < 0)
		qx_bad_arg(NULL, "target must not be negative, got %s", qx_numeric_str(target));
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(avg),
										  NumericGetDatum(zero))) <= 0)
		qx_bad_arg("avg_deal is the average won deal size, a positive amount.",
				   "avg_deal must be positive, got %s", qx_numeric_str(avg));
	if (ARR_NDIM(rates) > 1)
		qx_bad_arg("Pass the step rates as a one-dimensional array.",
				   "rates must be a one-dimensional array, got %d dimensions", ARR_NDIM(rates));
	deconstruct_array(rates, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &rv, &rnull, &nr);
	for (int i = 0; i < nr; i++)
	{
		double		r;

		if (rnull[i])
			qx_bad_arg("Give every step of the funnel its conversion rate.",
					   "rates must not contain NULL, got NULL at position %d", i + 1);
		r = DatumGetFloat8(rv[i]);
		if (!isfinite(r) || r <= 0 || r > 1)
			qx_bad_arg("Each rate is a step conversion share in (0, 1]; divide percentages by 100.",
					   "rates must be between 0 (exclusive) and 1, got %s at position %d",
					   qx_float_str(r), i + 1);
	}

	/* deals to win: ceil(target / avg_deal), exact */
	q = DatumGetNumeric(DirectFunctionCall2(numeric_div_trunc, NumericGetDatum(target),
											NumericGetDatum(avg)));
	rem = DatumGetNumeric(DirectFunctionCall2(numeric_mod, NumericGetDatum(target),
											  NumericGetDatum(avg)));
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(q),
										  NumericGetDatum(int64_to_numeric(PG_INT64_MAX)))) >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("required_activity: target / avg_deal is out of range for bigint, got target %s and avg_deal %s",
						qx_numeric_str(target), qx_numeric_str(avg))));
	deals = DatumGetInt64(DirectFunctionCall1(numeric_int8, NumericGetDatum(q)));
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(rem),
										  NumericGetDatum(zero))) > 0)
		deals++;

	out = palloc(sizeof(Datum) * (nr + 1));
	out[nr] = Int64GetDatum(deals);
	for (int i = nr - 1; i >= 0; i--)
		out[i] = Int64GetDatum(ra_ceil((double) DatumGetInt64(out[i + 1]) / DatumGetFloat8(rv[i]),
									   i + 1));
	PG_RETURN_ARRAYTYPE_P(construct_array(out, nr + 1, INT8OID, sizeof(int64),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}
