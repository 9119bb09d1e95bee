/*
 * state_merge.c
 *		The X_merge aggregates on real state types (SPEC §7, README "Citus"):
 *		X_merge(X_state) keeps its working state as an X_state value, with a
 *		combine function on that type, so that Citus splits it across the
 *		workers (Citus splits only aggregates whose state type is not
 *		internal), and a parallel plan or Citus ships the state in its
 *		text or binary form.
 *
 * The working state is the aggregate's own internal state (the one X,
 * X_partial and the old X_merge use), held in an expanded object
 * (utils/expandeddatum.h): the aggregate passes it back and forth by a
 * read-write pointer and folds each input state in place, so a merge of n
 * states decodes each input once and encodes the result only when it has to
 * travel (flattening), never per row.  nodeAgg keeps such an object without
 * a copy only when its context is a child of the aggregate context.  All the
 * objects of one aggregate context share one such child: a context per
 * group would make a hash aggregate over many groups quadratic, as it sums
 * the memory of every child context whenever a group is added.  The shared
 * context is safe because the transition and combine functions always
 * return the working object they were given, so nodeAgg, WindowAgg and
 * Citus never delete one object (and with it the context) on its own; the
 * aggregate context's reset frees them all.  The internal state itself
 * lives in the aggregate context, where the support functions put it.
 *
 * Everything here calls the aggregates' existing C support functions
 * (X_merge_trans, X_partial_final, X_final), so each state keeps one codec
 * and one combine rule, including the errors for states built with
 * different parameters.  This file holds only that machinery: each
 * aggregate declares its X_state_combine / X_state_final in its own file
 * with QX_STATE_MERGE (aggregate.h), except the fits in the TO CONVERT
 * block at the end.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

#include "quota_ext.h"
#include "aggregate.h"

typedef struct QxExpState
{
	ExpandedObjectHeader hdr;
	const QxStateAgg *agg;
	fmNodePtr	aggnode;		/* fcinfo->context of the owning aggregate */
	Datum		st;				/* the internal state, in the aggregate context */
	bytea	   *flat;			/* its X_state form once computed, or NULL */
} QxExpState;

static Size qx_exp_flat_size(ExpandedObjectHeader *eohptr);
static void qx_exp_flatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size);

static const ExpandedObjectMethods qx_exp_methods = {
	qx_exp_flat_size,
	qx_exp_flatten
};

/* Call an internal-state support function with the aggregate's context. */
static Datum
qx_call(PGFunction fn, FmgrInfo *flinfo, fmNodePtr context, int nargs,
		Datum a0, bool null0, Datum a1, bool null1, bool *isnull)
{
	/* cppcheck-suppress unusedStructMember ; the union only sizes the frame */
	LOCAL_FCINFO(inner, 2);
	Datum		result;

	InitFunctionCallInfoData(*inner, flinfo, nargs, InvalidOid, context, NULL);
	inner->args[0].value = a0;
	inner->args[0].isnull = null0;
	inner->args[1].value = a1;
	inner->args[1].isnull = null1;
	result = fn(inner);
	*isnull = inner->isnull;
	return result;
}

/* The internal state decoded from an X_state value (a flat one). */
static Datum
qx_state_decode(const QxStateAgg *agg, fmNodePtr context, Datum v)
{
	bool		isnull;
	Datum		st = qx_call(agg->merge_trans, NULL, context, 2,
							 (Datum) 0, true, v, false, &isnull);

	if (isnull)
		elog(ERROR, "%s: decoding a state gave NULL", agg->name);
	return st;
}

/* Our expanded object behind d, or NULL when d is a plain value. */
static QxExpState *
qx_exp_of(Datum d, const QxStateAgg *agg, bool need_rw)
{
	void	   *p = DatumGetPointer(d);
	QxExpState *es;

	if (!(need_rw ? VARATT_IS_EXTERNAL_EXPANDED_RW(p) : VARATT_IS_EXTERNAL_EXPANDED(p)))
		return NULL;
	es = (QxExpState *) DatumGetEOHP(d);
	if (es->hdr.eoh_methods != &qx_exp_methods || es->agg != agg)
		return NULL;
	return es;
}

#define QX_STATES_CONTEXT "quota_ext states"

/* The child of aggctx that holds its working objects, made on first use. */
static MemoryContext
qx_states_context(MemoryContext aggctx)
{
	for (MemoryContext c = aggctx->firstchild; c != NULL; c = c->nextchild)
		if (strcmp(c->name, QX_STATES_CONTEXT) == 0)
			return c;
	/* ALLOCSET_DEFAULT_SIZES, spelled in Size arithmetic */
	return AllocSetContextCreate(aggctx, QX_STATES_CONTEXT, ALLOCSET_DEFAULT_MINSIZE,
								 (Size) 8 * 1024, (Size) 8 * 1024 * 1024);
}

static QxExpState *
qx_exp_new(const QxStateAgg *agg, FunctionCallInfo fcinfo, MemoryContext aggctx, Datum st)
{
	MemoryContext objctx = qx_states_context(aggctx);
	QxExpState *es = MemoryContextAllocZero(objctx, sizeof(QxExpState));

	EOH_init_header(&es->hdr, &qx_exp_methods, objctx);
	es->agg = agg;
	es->aggnode = fcinfo->context;
	es->st = st;
	return es;
}

/* The working state after a change: st in es, or in a new object. */
static Datum
qx_exp_store(QxExpState *es, const QxStateAgg *agg, FunctionCallInfo fcinfo,
			 MemoryContext aggctx, Datum st)
{
	if (es == NULL)
		es = qx_exp_new(agg, fcinfo, aggctx, st);
	else
	{
		es->st = st;
		if (es->flat != NULL)
		{
			pfree(es->flat);
			es->flat = NULL;
		}
	}
	return EOHPGetRWDatum(&es->hdr);
}

/* The X_state form, computed once per change of the state. */
static Size
qx_exp_flat_size(ExpandedObjectHeader *eohptr)
{
	QxExpState *es = (QxExpState *) eohptr;

	if (es->flat == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(es->hdr.eoh_context);
		bool		isnull;
		Datum		v = qx_call(es->agg->partial_final, NULL, es->aggnode, 1,
								es->st, false, (Datum) 0, true, &isnull);

		if (isnull)
		{
			if (es->agg->empty_text == NULL)
				elog(ERROR, "%s: a state without a value", es->agg->name);
			v = DirectFunctionCall1(es->agg->state_in, CStringGetDatum(es->agg->empty_text));
		}
		es->flat = DatumGetByteaP(v);
		MemoryContextSwitchTo(old);
	}
	return VARSIZE(es->flat);
}

static void
qx_exp_flatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	QxExpState *es = (QxExpState *) eohptr;

	Assert(es->flat != NULL && allocated_size == VARSIZE(es->flat));
	memcpy(result, es->flat, allocated_size);
}

/* X_state_combine (aggregate.h) */
Datum
qx_state_combine(FunctionCallInfo fcinfo, const QxStateAgg *agg, const char *fn)
{
	MemoryContext aggctx = qx_agg_context(fcinfo, fn);
	QxExpState *es;
	Datum		st;
	bool		isnull;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	es = PG_ARGISNULL(0) ? NULL : qx_exp_of(PG_GETARG_DATUM(0), agg, true);
	if (es != NULL)
		st = es->st;
	else if (!PG_ARGISNULL(0))
		st = qx_state_decode(agg, fcinfo->context, PG_GETARG_DATUM(0));
	else
		st = (Datum) 0;
	st = qx_call(agg->merge_trans, NULL, fcinfo->context, 2,
				 st, st == (Datum) 0, PG_GETARG_DATUM(1), false, &isnull);
	if (isnull)
		elog(ERROR, "%s: merging a state gave NULL", agg->name);
	PG_RETURN_DATUM(qx_exp_store(es, agg, fcinfo, aggctx, st));
}

/*
 * A top-level aggregate on X_state (bench/state_design.sh only: the design
 * the benchmark compared and rejected, README "Citus"): the transition
 * trans(internal, row arguments...) run on the internal state inside the
 * expanded object.  fcinfo's arguments after the first pass through.
 */
Datum
qx_state_rows_trans(FunctionCallInfo fcinfo, const QxStateAgg *agg, PGFunction trans,
					const char *fn)
{
	MemoryContext aggctx = qx_agg_context(fcinfo, fn);
	QxExpState *es = NULL;
	Datum		st;

	if (!PG_ARGISNULL(0) && (es = qx_exp_of(PG_GETARG_DATUM(0), agg, true)) == NULL)
		es = qx_exp_new(agg, fcinfo, aggctx,
						qx_state_decode(agg, fcinfo->context, PG_GETARG_DATUM(0)));
	fcinfo->args[0].value = es != NULL ? es->st : (Datum) 0;
	fcinfo->args[0].isnull = (es == NULL);
	st = trans(fcinfo);
	if (fcinfo->isnull)
		elog(ERROR, "%s: the transition gave NULL", fn);
	PG_RETURN_DATUM(qx_exp_store(es, agg, fcinfo, aggctx, st));
}

/* X_state_final(X_state) -> final's result; NULL for NULL. */
Datum
qx_state_final(FunctionCallInfo fcinfo, const QxStateAgg *agg, PGFunction final, const char *fn)
{
	QxExpState *es;
	Datum		st;
	Datum		result;
	bool		isnull;

	qx_agg_context(fcinfo, fn);
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	es = qx_exp_of(PG_GETARG_DATUM(0), agg, false);
	st = es != NULL ? es->st : qx_state_decode(agg, fcinfo->context, PG_GETARG_DATUM(0));
	result = qx_call(final, fcinfo->flinfo, fcinfo->context, 1,
					 st, false, (Datum) 0, true, &isnull);
	fcinfo->isnull = isnull;
	return result;
}
