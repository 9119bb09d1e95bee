/*
 * btyd_summary.h
 *		The state of btyd_summary (SPEC §4), shared with btyd_holdout
 *		(SPEC §11), which keeps one for the calibration period and one for
 *		the holdout period.
 */
#ifndef QX_BTYD_SUMMARY_H
#define QX_BTYD_SUMMARY_H

#include "postgres.h"

#include "utils/date.h"
#include "utils/timestamp.h"

#include "money.h"

typedef struct BtState
{
	DateADT		as_of;
	int32		unit_days;		/* time_unit in days, >= 1 */
	DateADT		first;			/* first purchase day, when ndays > 0 */
	int32		ndays;			/* entries used in days */
	int32		nsorted;		/* days[0 .. nsorted-1] sorted and distinct */
	int32		cap;
	DateADT    *days;
	QxMoney		first_sum;		/* amounts on the first day */
	QxMoney		repeat_sum;		/* amounts on later days */
	MemoryContext ctx;			/* where days lives */
} BtState;

extern BtState *bt_new(MemoryContext ctx, DateADT as_of, int32 unit_days, int32 cap);
extern char *bt_unit_str(int32 days);
/* time_unit as a positive whole number of days, or 22023. */
extern int32 bt_unit_days(const Interval *u);
extern void bt_compact(BtState *st);
extern void bt_add_purchase(BtState *st, DateADT ts, const QxAmount *a, MemoryContext ctx);
extern void bt_combine_into(BtState *st, BtState *o, MemoryContext ctx);
extern bytea *bt_encode(BtState *st);
extern BtState *bt_decode(const char *data, int len, MemoryContext ctx);
/* values[0..3]: frequency, recency, t, monetary of a non-empty state. */
extern void bt_summary_values(BtState *st, Datum *values);
/* btyd_summary_state's text I/O (btyd_holdout_state's text holds two). */
extern PGDLLEXPORT Datum btyd_summary_state_in(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum btyd_summary_state_out(PG_FUNCTION_ARGS);

#endif							/* QX_BTYD_SUMMARY_H */
