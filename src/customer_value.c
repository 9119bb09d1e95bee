/*
 * customer_value.c
 *		What a customer is worth (SPEC §11): the discounted expected revenue
 *		of the next `periods` periods of `period_length` time units,
 *
 *		  sum_{i=1..periods} E(M) (E[X(i L)] - E[X((i-1) L)]) / (1 + d)^i,
 *
 *		E[X(t)] the BG/NBD expected purchases of the customer in the next t
 *		units (bgnbd_expected; Fader, Hardie & Lee 2005, eq. 10) and E(M)
 *		the Gamma-Gamma expected spend per purchase (customer_fit_state.h).  Each
 *		period's purchases are discounted at the period's end, as lifetimes'
 *		customer_lifetime_value does (README "Reference: customer value").
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "miscadmin.h"

#include "customer_fit_state.h"
#include "quota_ext.h"

/* A hundred years of months: enough for any plan, bounded work per row. */
#define CV_MAX_PERIODS 1200

PG_FUNCTION_INFO_V1(customer_value);
/*
 * customer_value(bg, gg, frequency, recency, t, monetary, periods,
 *				  period_length, discount_rate) -> float8
 */
Datum
customer_value(PG_FUNCTION_ARGS)
{
	QxBgParams	bg;
	QxGgParams	gg;
	int32		x = PG_GETARG_INT32(2);
	double		tx = PG_GETARG_FLOAT8(3),
				T = PG_GETARG_FLOAT8(4);
	int32		periods = PG_GETARG_INT32(6);
	double		L = PG_GETARG_FLOAT8(7),
				d = PG_GETARG_FLOAT8(8),
				m,
				spend,
				alive,
				prev = 0,
				sum = 0,
				v;

	qx_bgnbd_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &bg);
	qx_bgnbd_check_params(&bg);
	qx_gammagamma_get_model(PG_GETARG_HEAPTUPLEHEADER(1), &gg);
	qx_fit_check_summary(x, tx, T);
	m = qx_gammagamma_check_customer(x, PG_GETARG_DATUM(5));
	if (periods < 1 || periods > CV_MAX_PERIODS)
		qx_bad_arg("periods counts the periods to value, e.g. 12 months; at most 1200.",
				   "periods must be between 1 and %d, got %d", CV_MAX_PERIODS, periods);
	qx_require_finite(L, "period_length");
	if (L <= 0)
		qx_bad_arg("period_length is one period in the unit of the summaries: a month is 30/7 = 4.2857 weeks when the unit is a week.",
				   "period_length must be positive, got %s", qx_float_str(L));
	/*
	 * qx_bgnbd_expect's own check names a "horizon", which customer_value does not
	 * have: the longest horizon here is periods * period_length, checked
	 * first against the same bound (BG_MAX_SCALED_HORIZON, 1e250).
	 */
	if (!(Max(1.0, bg.r + x) * (L * periods) / (bg.alpha + T) <= 1e250))
		qx_bad_arg("alpha + t is the model's alpha plus the customer's t, in the unit of the summaries.",
				   "period_length %s is too long for this model: max(1, r + frequency) * periods * period_length / (alpha + t) must be at most 1e+250",
				   qx_float_str(L));
	qx_require_finite(d, "discount_rate");
	if (d < 0)
		qx_bad_arg("discount_rate is per period, as a share: 0.01 for 1 % a month.",
				   "discount_rate must not be negative, got %s", qx_float_str(d));

	spend = qx_gammagamma_expected_spend(&gg, x, m);
	alive = qx_bgnbd_p_alive(&bg, x, tx, T);
	for (int32 i = 1; i <= periods; i++)
	{
		double		h = L * i,
					e = alive * qx_bgnbd_expect(bg.a, bg.b + x, bg.r + x, h / (bg.alpha + T), h);

		CHECK_FOR_INTERRUPTS();
		/* E[X(h)] grows with h; rounding must not make a period negative */
		if (e > prev)
		{
			sum += (e - prev) * pow(1.0 + d, -(double) i);
			prev = e;
		}
	}
	v = spend * sum;
	if (!isfinite(v))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("customer value is out of range for float8 (monetary %s)", qx_float_str(m))));
	PG_RETURN_FLOAT8(v);
}
