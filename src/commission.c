/*
 * commission.c
 *		commission(credit, quota, tiers, marginal) (SPEC §16, doc/quarter.md):
 *		the pay of a tiered plan.  tiers is {from_1, rate_1, from_2, rate_2,
 *		...}: from as attainment (a share of quota, from_1 = 0, increasing),
 *		rate a share of credit.
 *
 * Marginal: the part of the credit between quota * from_k and
 * quota * from_(k+1) pays rate_k (the last tier has no top).  Whole-tier:
 * all the credit pays the rate of the highest tier whose from the
 * attainment reaches (credit >= quota * from_k; a credit exactly at a
 * boundary is in the tier above).  Everything in numeric, exact, then
 * rounded half away from zero to the scale of credit, at least 2 decimals.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "quota_ext.h"
#include "money.h"

#define TIERS_HINT "Pass tiers as {from_1, rate_1, from_2, rate_2, ...}: from as a share of quota starting at 0 and increasing, rate a share of credit, e.g. '{0, 0.05, 1, 0.08}'."

static void
cm_require_finite(Numeric n, const char *argname)
{
	if (numeric_is_nan(n) || numeric_is_inf(n))
		qx_bad_arg("Pass a finite number.", "%s must be a finite number, got %s", argname,
				   qx_numeric_str(n));
}

#define num_mul(a, b)	DirectFunctionCall2(numeric_mul, (a), (b))
#define num_sub(a, b)	DirectFunctionCall2(numeric_sub, (a), (b))
#define num_add(a, b)	DirectFunctionCall2(numeric_add, (a), (b))
#define num_cmp(a, b)	DatumGetInt32(DirectFunctionCall2(numeric_cmp, (a), (b)))

PG_FUNCTION_INFO_V1(commission);
/* commission(credit numeric, quota numeric, tiers numeric[], marginal boolean) -> numeric */
Datum
commission(PG_FUNCTION_ARGS)
{
	Numeric		credit = PG_GETARG_NUMERIC(0);
	Numeric		quota = PG_GETARG_NUMERIC(1);
	ArrayType  *tiers = PG_GETARG_ARRAYTYPE_P(2);
	bool		marginal = PG_GETARG_BOOL(3);
	Datum	   *elems;
	Datum	   *from;
	Datum	   *rate;
	bool	   *nulls;
	int			n;
	int			ntiers;
	Datum		pay = NumericGetDatum(int64_to_numeric(0));
	Datum		dcredit = NumericGetDatum(credit);
	Datum		dquota = NumericGetDatum(quota);

	cm_require_finite(credit, "credit");
	if (qx_numeric_sign(credit) < 0)
		qx_bad_arg("Credit is what the rep booked: 0 or more; book a claw-back on its own.",
				   "credit must not be negative, got %s", qx_numeric_str(credit));
	cm_require_finite(quota, "quota");
	if (qx_numeric_sign(quota) <= 0)
		qx_bad_arg("Tiers are shares of quota, so quota must be positive.",
				   "quota must be positive, got %s", qx_numeric_str(quota));
	if (ARR_NDIM(tiers) > 1)
		qx_bad_arg(TIERS_HINT, "tiers must be a one-dimensional array, got %d dimensions",
				   ARR_NDIM(tiers));
	deconstruct_array(tiers, NUMERICOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (n < 2 || n % 2 != 0)
		qx_bad_arg(TIERS_HINT, "tiers must hold pairs of from and rate, got %d elements", n);
	ntiers = n / 2;
	from = palloc(sizeof(Datum) * ntiers);
	rate = palloc(sizeof(Datum) * ntiers);
	for (int i = 0; i < n; i++)
		(i % 2 == 0 ? from : rate)[i / 2] = elems[i];
	for (int i = 0; i < n; i++)
	{
		const char *what = i % 2 == 0 ? "from" : "rate";

		if (nulls[i])
			qx_bad_arg(TIERS_HINT, "tiers must not contain NULL, got one at %s %d", what,
					   i / 2 + 1);
		if (numeric_is_nan(DatumGetNumeric(elems[i])) || numeric_is_inf(DatumGetNumeric(elems[i])))
			qx_bad_arg(TIERS_HINT, "tier %d %s must be a finite number, got %s", i / 2 + 1,
					   what, qx_numeric_str(DatumGetNumeric(elems[i])));
		if (i % 2 == 1 && qx_numeric_sign(DatumGetNumeric(elems[i])) < 0)
			qx_bad_arg(TIERS_HINT, "tier %d rate must not be negative, got %s", i / 2 + 1,
					   qx_numeric_str(DatumGetNumeric(elems[i])));
	}
	if (qx_numeric_sign(DatumGetNumeric(elems[0])) != 0)
		qx_bad_arg(TIERS_HINT, "the first tier must start at 0, got %s",
				   qx_numeric_str(DatumGetNumeric(elems[0])));
	for (int k = 1; k < ntiers; k++)
		if (num_cmp(from[k], from[k - 1]) <= 0)
			qx_bad_arg(TIERS_HINT, "tier %d from must be greater than tier %d from, got %s after %s",
					   k + 1, k, qx_numeric_str(DatumGetNumeric(from[k])),
					   qx_numeric_str(DatumGetNumeric(from[k - 1])));

	if (marginal)
	{
		for (int k = 0; k < ntiers; k++)
		{
			Datum		lo = num_mul(dquota, from[k]);
			Datum		hi;
			Datum		part;

			if (num_cmp(dcredit, lo) <= 0)
				break;
			hi = dcredit;
			if (k + 1 < ntiers)
			{
				Datum		top = num_mul(dquota, from[k + 1]);

				if (num_cmp(top, hi) < 0)
					hi = top;
			}
			part = num_sub(hi, lo);
			pay = num_add(pay, num_mul(part, rate[k]));
		}
	}
	else
	{
		int			reached = 0;

		for (int k = 1; k < ntiers; k++)
			if (num_cmp(dcredit, num_mul(dquota, from[k])) >= 0)
				reached = k;
		pay = num_mul(dcredit, rate[reached]);
	}
	PG_RETURN_DATUM(DirectFunctionCall2(numeric_round, pay,
										Int32GetDatum(qx_derived_scale(qx_numeric_dscale(credit)))));
}
