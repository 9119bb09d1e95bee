/*
 * aggregate.h
 *		The plumbing every quota_ext aggregate shares: the aggregate-context
 *		check, the result descriptor of a composite final function, the
 *		errors for NULL, changing and mismatched parameters, the order row
 *		of the customer aggregates, the combine and X_merge transitions
 *		over a state's own combine, and the one way an aggregate declares
 *		its support functions (QX_STATE_SUPPORT and QX_STATE_MERGE).
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
 * How an aggregate X with a transferable state type X_state declares its
 * support (README "Aggregates at scale"; doc/operations.md "Development"):
 * in its own file, after the state's own functions, the two lines
 *
 *		QX_STATE_SUPPORT(X, Type, encode, decode, copy, combine);
 *		QX_STATE_MERGE(X, X_final, NULL, NULL);
 *
 * and nothing anywhere else in src/: every C name below is the SQL name
 * the install script gives the function.  X keeps only its transition,
 * final and text I/O functions (X_trans, X_final, X_state_in/out).
 *
 * QX_STATE_SUPPORT makes X_combine, X_serialize, X_deserialize,
 * X_partial_final, X_merge_trans (the internal-state X_merge of 1.0/1.1)
 * and X_state_recv / X_state_send, from the state's own functions on Type:
 *		bytea *encode(Type *st)
 *		Type *decode(const char *data, int len, MemoryContext ctx)
 *		Type *copy(Type *src, MemoryContext ctx)
 *		void combine(Type *st, Type *in, MemoryContext ctx)
 * It is QX_STATE_AGG_FUNCS (the internal-state functions) plus
 * QX_STATE_BINARY_IO (receive and send of a type whose stored value is its
 * binary form).  A state type stored otherwise (demand_cv_state, a native
 * struct since 1.0) uses QX_STATE_AGG_FUNCS and its own receive and send.
 */
#define QX_STATE_AGG_FUNCS(X, Type, encode, decode, copy, combine) \
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
extern int	qx_state_agg_funcs_##X	/* swallows the caller's semicolon */

#define QX_STATE_BINARY_IO(X) \
PG_FUNCTION_INFO_V1(X##_state_recv); \
Datum X##_state_recv(PG_FUNCTION_ARGS) \
{ PG_RETURN_BYTEA_P(qx_state_recv((StringInfo) PG_GETARG_POINTER(0), X##_decode_any)); } \
PG_FUNCTION_INFO_V1(X##_state_send); \
Datum X##_state_send(PG_FUNCTION_ARGS) \
{ PG_RETURN_BYTEA_P(PG_GETARG_BYTEA_P_COPY(0)); } \
extern int	qx_state_binary_io_##X	/* swallows the caller's semicolon */

#define QX_STATE_SUPPORT(X, Type, encode, decode, copy, combine) \
QX_STATE_AGG_FUNCS(X, Type, encode, decode, copy, combine); \
QX_STATE_BINARY_IO(X)

/*
 * X_merge on the real state type (SPEC §7, README "Citus"; state_merge.c):
 * the working state of X_merge(X_state) is an X_state value (an expanded
 * object around X's internal state), so Citus splits it and a parallel
 * plan ships it in its text or binary form.  One family's entry points:
 * merge_trans (internal, X_state) -> internal and partial_final (internal)
 * -> X_state, NULL when there is no state; state_in, the type's text
 * input, reads empty_text when partial_final can return NULL for a state
 * that exists (else both NULL).
 */
typedef struct QxStateAgg
{
	const char *name;			/* the state type, for messages */
	PGFunction	merge_trans;	/* (internal, X_state) -> internal */
	PGFunction	partial_final;	/* (internal) -> X_state, NULL when empty */
	PGFunction	state_in;		/* the type's text input: for an empty state */
	const char *empty_text;		/* text of the empty state, when partial_final
								 * can return NULL for one; else NULL */
} QxStateAgg;

/*
 * X_state_combine(a X_state, b X_state) -> X_state: the transition and
 * combine function of X_merge.  Folds b into a, in place when a is the
 * working state of agg; NULL inputs are skipped.
 */
extern Datum qx_state_combine(FunctionCallInfo fcinfo, const QxStateAgg *agg, const char *fn);
/* X_state_final(X_state) -> final's result over the state; NULL for NULL. */
extern Datum qx_state_final(FunctionCallInfo fcinfo, const QxStateAgg *agg, PGFunction final,
							const char *fn);
/*
 * A top-level aggregate on X_state (bench/state_design.sh only): the
 * transition trans(internal, row arguments...) run on the internal state
 * inside the expanded object.
 */
extern Datum qx_state_rows_trans(FunctionCallInfo fcinfo, const QxStateAgg *agg,
								 PGFunction trans, const char *fn);

/*
 * X_state_combine and X_state_final of aggregate X, whose QX_STATE_SUPPORT
 * (or QX_STATE_AGG_FUNCS) comes before it in the same file; finalfn is X's
 * final function (X_final, defined in the file), state_in and empty_text as
 * in QxStateAgg.  The family is X_state_agg, for a second final function
 * over the same working state (rfm_kinetic_state_final_1_3) or a
 * transition on it (qx_state_rows_trans).
 */
#define QX_STATE_MERGE(X, finalfn, state_in, empty_text) \
	QX_STATE_MERGE_ON(X, X, X##_merge_trans, X##_partial_final, finalfn, state_in, empty_text)

/*
 * The same for an aggregate X that keeps another family's state type
 * S_state and support (the customer-model fits keep bgnbd_fit's state,
 * src/customer_fit_state.c): merge_trans and partial_final are that
 * family's, declared in its header.
 */
#define QX_STATE_MERGE_ON(X, S, merge_trans, partial_final, finalfn, state_in, empty_text) \
extern PGDLLEXPORT Datum finalfn(PG_FUNCTION_ARGS); \
static const QxStateAgg X##_state_agg = { \
	#S "_state", merge_trans, partial_final, state_in, empty_text \
}; \
PG_FUNCTION_INFO_V1(X##_state_combine); \
Datum X##_state_combine(PG_FUNCTION_ARGS) \
{ return qx_state_combine(fcinfo, &X##_state_agg, #X "_state_combine"); } \
PG_FUNCTION_INFO_V1(X##_state_final); \
Datum X##_state_final(PG_FUNCTION_ARGS) \
{ return qx_state_final(fcinfo, &X##_state_agg, finalfn, #X "_state_final"); } \
extern int	qx_state_merge_##X	/* swallows the caller's semicolon */

#endif							/* QX_AGGREGATE_H */
