/*
 * aggregate.h
 *		The plumbing every quota_ext aggregate shares: the aggregate-context
 *		check, the result descriptor of a composite final function, the
 *		errors for NULL, changing and mismatched parameters, the order row
 *		of the customer aggregates, and the combine and X_merge transitions
 *		over a state's own combine.
 */
#ifndef QX_AGGREGATE_H
#define QX_AGGREGATE_H

#include "postgres.h"

#include "pg_compat.h"

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
pg_noreturn extern void qx_null_param(const char *argname);
/* Argument argno of an aggregate that is a parameter: 22004 naming it when NULL. */
static inline Datum
qx_param(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	if (PG_ARGISNULL(argno))
		qx_null_param(argname);
	return PG_GETARG_DATUM(argno);
}

/*
 * The row (ts, amount) in arguments 1 and 2 of a customer aggregate's
 * transition (README "Customer aggregates"): false when it is skipped (ts
 * or amount NULL, or ts after until); else ts, which must be a finite date
 * (22023 naming ts), and amount decoded (NaN or Infinity is 22023).
 */
extern bool qx_order_row(FunctionCallInfo fcinfo, DateADT until, DateADT *ts,
						 QxAmount *amount);

/* A parameter that changes within a group: 22023 with both values. */
pg_noreturn extern void qx_param_changed(const char *argname, const char *was, const char *now);
/* Combining states with different parameters: 22023 with both values. */
pg_noreturn extern void qx_param_mismatch(const char *type, const char *argname,
							  const char *a, const char *b);

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

/* A state's binary form as a fresh bytea (serialize, X_partial). */
typedef bytea *(*QxStateEncode) (void *st);

/* serialize: the state's binary form (a bytea). */
extern Datum qx_serialize(FunctionCallInfo fcinfo, const char *fn, QxStateEncode encode);
/* deserialize: the state from its binary form, checked, in the aggregate context. */
extern Datum qx_deserialize(FunctionCallInfo fcinfo, const char *fn, QxStateDecode decode);
/* final function of X_partial: the state as an X_state value; NULL for no state. */
extern Datum qx_partial_final(FunctionCallInfo fcinfo, QxStateEncode encode);

/*
 * The SQL-callable support functions an aggregate X with a transferable
 * state type X_state shares with every other (README "Aggregates at scale"):
 * X_combine, X_serialize, X_deserialize, X_partial_final, X_merge_trans and
 * X_state_recv / X_state_send, from the state's own functions on Type:
 *		bytea *encode(Type *st)
 *		Type *decode(const char *data, int len, MemoryContext ctx)
 *		Type *copy(Type *src, MemoryContext ctx)
 *		void combine(Type *st, Type *in, MemoryContext ctx)
 * X keeps only its transition, final and text I/O functions.
 */
#define QX_STATE_SUPPORT(X, Type, encode, decode, copy, combine) \
static bytea *X##_encode_any(void *st) { return encode((Type *) st); } \
static void *X##_decode_any(const char *data, int len, MemoryContext ctx) \
{ return decode(data, len, ctx); } \
static void *X##_copy_any(void *src, MemoryContext ctx) { return copy((Type *) src, ctx); } \
static void X##_combine_any(void *st, void *in, MemoryContext ctx) \
{ combine((Type *) st, (Type *) in, ctx); } \
PG_FUNCTION_INFO_V1(X##_combine); \
Datum X##_combine(PG_FUNCTION_ARGS) \
{ return qx_combine(fcinfo, #X "_combine", X##_copy_any, X##_combine_any); } \
PG_FUNCTION_INFO_V1(X##_serialize); \
Datum X##_serialize(PG_FUNCTION_ARGS) \
{ return qx_serialize(fcinfo, #X "_serialize", X##_encode_any); } \
PG_FUNCTION_INFO_V1(X##_deserialize); \
Datum X##_deserialize(PG_FUNCTION_ARGS) \
{ return qx_deserialize(fcinfo, #X "_deserialize", X##_decode_any); } \
PG_FUNCTION_INFO_V1(X##_partial_final); \
Datum X##_partial_final(PG_FUNCTION_ARGS) \
{ return qx_partial_final(fcinfo, X##_encode_any); } \
PG_FUNCTION_INFO_V1(X##_merge_trans); \
Datum X##_merge_trans(PG_FUNCTION_ARGS) \
{ return qx_merge_trans(fcinfo, #X "_merge_trans", X##_decode_any, X##_combine_any); } \
PG_FUNCTION_INFO_V1(X##_state_recv); \
Datum X##_state_recv(PG_FUNCTION_ARGS) \
{ PG_RETURN_BYTEA_P(qx_state_recv((StringInfo) PG_GETARG_POINTER(0), X##_decode_any)); } \
PG_FUNCTION_INFO_V1(X##_state_send); \
Datum X##_state_send(PG_FUNCTION_ARGS) \
{ PG_RETURN_BYTEA_P(PG_GETARG_BYTEA_P_COPY(0)); } \
extern int	qx_state_support_##X	/* swallows the caller's semicolon */

#endif							/* QX_AGGREGATE_H */
