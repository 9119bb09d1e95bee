/*
 * quotas.h
 *		The calendar of quotas.c (SPEC §5, README "Quotas and activity
 *		quotas") for other files: the due dates of quota_steps and the n-th
 *		last counted day of a period, so booking_rhythm cuts its thirds
 *		exactly where quota_steps(..., 3) puts its ledges.
 */
#ifndef QX_QUOTAS_H
#define QX_QUOTAS_H

#include "postgres.h"

#include "pg_compat.h"

#include "utils/array.h"
#include "utils/date.h"

/*
 * The due dates of quota_steps(quota, period_start, period_end, steps,
 * holidays, business_days): due[k-1] for k = 1..steps, with quota_steps'
 * checks of the period and of steps (22023).  holidays may be NULL.
 * Returns the counted days of the period.
 */
extern int64 qx_steps_due(DateADT period_start, DateADT period_end, ArrayType *holidays,
						  bool business_days, int steps, DateADT *due);

/*
 * The n-th last counted day of the period (n >= 1): the latest d with n
 * counted days in [d, period_end]; period_start when the period has fewer
 * than n.  The period as qx_steps_due checked it.
 */
extern DateADT qx_nth_last_counted_day(DateADT period_start, DateADT period_end,
									   ArrayType *holidays, bool business_days, int n);

#endif							/* QX_QUOTAS_H */
