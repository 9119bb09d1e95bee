/*
 * pipeline_forecast.h
 *		The state of the pipeline_forecast aggregates, shared by the
 *		SQL-facing file (pipeline_forecast.c: entry points, argument checks,
 *		the state type's text I/O) and the state's own file
 *		(pipeline_forecast_state.c: building, combining, the binary codec
 *		and its checks).  The distribution itself is forecast_engine.h's.
 */
#ifndef QX_PIPELINE_FORECAST_H
#define QX_PIPELINE_FORECAST_H

#include "money.h"
#include "forecast_engine.h"

#define FC_TYPE "pipeline_forecast_state"
#define FC_MAX_DEALS 50000000	/* open deals in one state */
#define FC_MAX_DSCALE 16383		/* numeric's largest display scale */
#define FC_MAX_WEIGHT 131072	/* numeric's digits before the point */
#define FC_TEXT_SCALE 30		/* state text: amounts with the display scale's
								 * decimals up to here */

/*
 * The deals themselves, each amount exact: an int128 count of units of
 * 10^-scale, scale the common scale of the open deals' amounts written
 * without trailing zeros (66589.86::numeric(40,20) is 6658986 units of
 * 10^-2).  Rows with probability 0 or amount 0 only count.
 */
typedef struct FcState
{
	int64		deals;			/* rows counted */
	int32		dscale;			/* largest display scale of the amounts */
	int32		scale;			/* units' scale; 0 without open deals */
	bool		has_target;
	Numeric		target;			/* when has_target */
	QxMoney		expected;		/* sum(a * p::numeric), exact */
	int128		total;			/* sum of the open deals' units */
	int32		n;				/* open deals: p > 0 and a > 0 */
	int32		cap;
	FcDeal	   *d;
} FcState;

/* an empty state in ctx */
extern FcState *fc_new(MemoryContext ctx);
/* the amounts of one group do not fit int128 units at a common scale */
extern pg_noreturn void fc_too_wide(int scale);
/* append an open deal of u units of 10^-s (s minimal), p in (0, 1]; checked */
extern void fc_add_open(FcState *st, int128 u, int s, double p, MemoryContext ctx);
/* a positive amount given as decimal text (any form numeric_in reads) */
extern void fc_add_open_text(FcState *st, const char *s, double p, MemoryContext ctx);
/* u units at scale s, trailing zeros dropped, appended (checked) */
extern void fc_add_open_units(FcState *st, int128 u, int s, double p, MemoryContext ctx);
/* st += o; the targets must agree */
extern void fc_combine_into(FcState *st, const FcState *o, MemoryContext ctx);
extern FcState *fc_copy(const FcState *src, MemoryContext ctx);
extern bool fc_numeric_eq(Numeric a, Numeric b);
extern Numeric fc_numeric_copy(Numeric n, MemoryContext ctx);
/* the binary form (serialize, the state type) and back, checked */
extern bytea *fc_encode(const FcState *st);
extern FcState *fc_decode(const char *data, int len, MemoryContext ctx);
/* what is wrong with a state read, or NULL */
extern const char *fc_problem(const FcState *st);
/* expected is not sum(a * p::numeric) over the open deals (text input), or NULL */
extern const char *fc_expected_problem(const FcState *st, bool coarse);

#endif							/* QX_PIPELINE_FORECAST_H */
