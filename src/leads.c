/*
 * leads.c
 *		Lead priority groups (fast/slow x big/small) and lead qualification
 *		by need, budget and urgency (README "Leads").
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

#include "quota_ext.h"

static const char *const priority_labels[] = {
	"fast_big", "fast_small", "slow_big", "slow_small"
};

PG_FUNCTION_INFO_V1(priority_group);
/*
 * priority_group(amount, days_to_cash, big_amount, fast_days) -> 1..4
 * 1 fast & big, 2 fast & small, 3 slow & big, 4 slow & small.
 */
Datum
priority_group(PG_FUNCTION_ARGS)
{
	double		amount = PG_GETARG_FLOAT8(0);
	double		days_to_cash = PG_GETARG_FLOAT8(1);
	double		big_amount = PG_GETARG_FLOAT8(2);
	double		fast_days = PG_GETARG_FLOAT8(3);
	bool		big;
	bool		fast;

	qx_require_nonnegative(amount, "amount");
	qx_require_nonnegative(days_to_cash, "days_to_cash");
	qx_require_nonnegative(big_amount, "big_amount");
	qx_require_nonnegative(fast_days, "fast_days");

	big = amount >= big_amount;
	fast = days_to_cash <= fast_days;
	PG_RETURN_INT32(fast ? (big ? 1 : 2) : (big ? 3 : 4));
}

PG_FUNCTION_INFO_V1(priority_label);
/* priority_label(grp int) -> 'fast_big' | 'fast_small' | 'slow_big' | 'slow_small' */
Datum
priority_label(PG_FUNCTION_ARGS)
{
	int32		grp = PG_GETARG_INT32(0);

	if (grp < 1 || grp > 4)
		qx_bad_arg("Priority groups are 1 to 4, as priority_group() returns.",
				   "grp must be between 1 and 4, got %d", grp);
	PG_RETURN_DATUM(qx_label_datum(fcinfo, priority_labels, lengthof(priority_labels), grp - 1));
}

static const char *const lead_labels[] = {"A", "B", "C"};

PG_FUNCTION_INFO_V1(lead_class);
/*
 * lead_class(need, budget, urgent) -> 'A' | 'B' | 'C'
 * Not strict: NULL means "not confirmed" and counts as false.
 */
Datum
lead_class(PG_FUNCTION_ARGS)
{
	bool		need = !PG_ARGISNULL(0) && PG_GETARG_BOOL(0);
	bool		budget = !PG_ARGISNULL(1) && PG_GETARG_BOOL(1);
	bool		urgent = !PG_ARGISNULL(2) && PG_GETARG_BOOL(2);
	int			cls;

	if (need && budget)
		cls = urgent ? 0 : 1;
	else
		cls = 2;
	PG_RETURN_DATUM(qx_label_datum(fcinfo, lead_labels, lengthof(lead_labels), cls));
}
