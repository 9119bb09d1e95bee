/*
 * aggregate.h
 *		The plumbing every quota_ext aggregate shares: the aggregate-context
 *		check, the result descriptor of a composite final function, the
 *		errors for NULL, changing and mismatched parameters, and the
 *		combine and X_merge transitions over a state's own combine.
 */
#ifndef QX_AGGREGATE_H
#define QX_AGGREGATE_H

#include "postgres.h"

#include "access/tupdesc.h"
#include "fmgr.h"

#include "state_codec.h"

/*
 * The aggregate's memory context; support functions called outside an
 * aggregate (directly from SQL) are refused.
 */
static inline MemoryContext
qx_agg_context(FunctionCallInfo fcinfo, const char *fn)
{
	MemoryContext ctx;

	if (!AggCheckCallContext(fcinfo, &ctx))
		elog(ERROR, "%s called in non-aggregate context", fn);
	return ctx;
}

/* The composite result type of a final function, looked up once per call site. */
extern TupleDesc qx_result_desc(FunctionCallInfo fcinfo);

/* A NULL aggregate parameter (as_of, periods, ...): 22004, naming it. */
extern void qx_null_param(const char *argname) pg_attribute_noreturn();
/* A parameter that changes within a group: 22023 with both values. */
extern void qx_param_changed(const char *argname, const char *was, const char *now) pg_attribute_noreturn();
/* Combining states with different parameters: 22023 with both values. */
extern void qx_param_mismatch(const char *type, const char *argname,
							  const char *a, const char *b) pg_attribute_noreturn();

/*
 * A state's own combine: in is added to st (both with the same
 * parameters); ctx is the aggregate context, where st lives.  copy makes a
 * fresh state in ctx equal to src.
 */
typedef void (*QxStateCombine) (void *st, void *in, MemoryContext ctx);
typedef void *(*QxStateCopy) (void *src, MemoryContext ctx);

/*
 * The combine function of an internal-state aggregate: NULL/NULL is NULL,
 * x/NULL is x, NULL/y a copy of y in the aggregate context, else x += y.
 */
extern Datum qx_combine(FunctionCallInfo fcinfo, const char *fn,
						QxStateCopy copy, QxStateCombine combine);

/*
 * The transition of an X_merge aggregate: fold one X_state value (arg 1,
 * its binary form) into the working state (arg 0); NULL values are skipped.
 * decode reads the binary form into ctx; combine adds in to st.
 */
extern Datum qx_merge_trans(FunctionCallInfo fcinfo, const char *fn,
							QxStateDecode decode, QxStateCombine combine);

#endif							/* QX_AGGREGATE_H */
