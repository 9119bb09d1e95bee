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
 * different parameters.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

#include "quota_ext.h"
#include "aggregate.h"

/* The support functions of one aggregate family, all taking internal. */
typedef struct QxStateAgg
{
	const char *name;			/* the state type, for messages */
	PGFunction	merge_trans;	/* (internal, X_state) -> internal */
	PGFunction	partial_final;	/* (internal) -> X_state, NULL when empty */
	PGFunction	final;			/* (internal) -> X's result */
	PGFunction	state_in;		/* the type's text input: for an empty state */
	const char *empty_text;		/* text of the empty state, when partial_final
								 * can return NULL for one; else NULL */
} QxStateAgg;

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

/*
 * X_state_combine(a X_state, b X_state) -> X_state: the transition and the
 * combine function of X_merge.  Folds b into a, in place when a is this
 * aggregate's working state; NULL inputs are skipped.
 */
static Datum
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
static Datum
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

/* X_state_final(X_state) -> X's result; NULL for NULL. */
static Datum
qx_state_final(FunctionCallInfo fcinfo, const QxStateAgg *agg, const char *fn)
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
	result = qx_call(agg->final, fcinfo->flinfo, fcinfo->context, 1,
					 st, false, (Datum) 0, true, &isnull);
	fcinfo->isnull = isnull;
	return result;
}

/* The support functions of each aggregate family, in their own files. */
extern Datum rfm_summary_merge_trans(PG_FUNCTION_ARGS);
extern Datum rfm_summary_partial_final(PG_FUNCTION_ARGS);
extern Datum rfm_summary_final(PG_FUNCTION_ARGS);
extern Datum btyd_summary_merge_trans(PG_FUNCTION_ARGS);
extern Datum btyd_summary_partial_final(PG_FUNCTION_ARGS);
extern Datum btyd_summary_final(PG_FUNCTION_ARGS);
extern Datum rfm_kinetic_merge_trans(PG_FUNCTION_ARGS);
extern Datum rfm_kinetic_partial_final(PG_FUNCTION_ARGS);
extern Datum rfm_kinetic_final(PG_FUNCTION_ARGS);
extern Datum rfm_kinetic_final_1_3(PG_FUNCTION_ARGS);
extern Datum demand_cv_merge_trans(PG_FUNCTION_ARGS);
extern Datum demand_cv_partial_final(PG_FUNCTION_ARGS);
extern Datum demand_cv_final(PG_FUNCTION_ARGS);
extern Datum bgnbd_fit_merge_trans(PG_FUNCTION_ARGS);
extern Datum bgnbd_fit_partial_final(PG_FUNCTION_ARGS);
extern Datum bgnbd_fit_final(PG_FUNCTION_ARGS);
extern Datum bgnbd_fit_state_in(PG_FUNCTION_ARGS);
extern Datum gammagamma_fit_partial_final(PG_FUNCTION_ARGS);
extern Datum gammagamma_fit_final(PG_FUNCTION_ARGS);
extern Datum gammagamma_fit_state_in(PG_FUNCTION_ARGS);
extern Datum paretonbd_fit_final(PG_FUNCTION_ARGS);

static const QxStateAgg rfm_summary_agg = {
	"rfm_summary_state", rfm_summary_merge_trans, rfm_summary_partial_final,
	rfm_summary_final, NULL, NULL
};
static const QxStateAgg btyd_summary_agg = {
	"btyd_summary_state", btyd_summary_merge_trans, btyd_summary_partial_final,
	btyd_summary_final, NULL, NULL
};
static const QxStateAgg rfm_kinetic_agg = {
	"rfm_kinetic_state", rfm_kinetic_merge_trans, rfm_kinetic_partial_final,
	rfm_kinetic_final, NULL, NULL
};
/* 1.3's rfm_kinetic_merge: an empty window's revenue keeps the amounts' scale */
static const QxStateAgg rfm_kinetic_1_3_agg = {
	"rfm_kinetic_state", rfm_kinetic_merge_trans, rfm_kinetic_partial_final,
	rfm_kinetic_final_1_3, NULL, NULL
};
static const QxStateAgg demand_cv_agg = {
	"demand_cv_state", demand_cv_merge_trans, demand_cv_partial_final,
	demand_cv_final, NULL, NULL
};
/* a bgnbd_fit_state may hold no customer ("1:"); partial_final gives NULL */
static const QxStateAgg bgnbd_fit_agg = {
	"bgnbd_fit_state", bgnbd_fit_merge_trans, bgnbd_fit_partial_final,
	bgnbd_fit_final, bgnbd_fit_state_in, "1:"
};
/* the Gamma-Gamma and Pareto/NBD fits keep bgnbd_fit's state layout */
static const QxStateAgg gammagamma_fit_agg = {
	"gammagamma_fit_state", bgnbd_fit_merge_trans, gammagamma_fit_partial_final,
	gammagamma_fit_final, gammagamma_fit_state_in, "1:"
};
static const QxStateAgg paretonbd_fit_agg = {
	"bgnbd_fit_state", bgnbd_fit_merge_trans, bgnbd_fit_partial_final,
	paretonbd_fit_final, bgnbd_fit_state_in, "1:"
};

/* X_state_combine and X_state_final of one family */
#define QX_STATE_FUNCS(X) \
PG_FUNCTION_INFO_V1(X##_state_combine); \
Datum X##_state_combine(PG_FUNCTION_ARGS) \
{ return qx_state_combine(fcinfo, &X##_agg, #X "_state_combine"); } \
PG_FUNCTION_INFO_V1(X##_state_final); \
Datum X##_state_final(PG_FUNCTION_ARGS) \
{ return qx_state_final(fcinfo, &X##_agg, #X "_state_final"); }

QX_STATE_FUNCS(rfm_summary)
QX_STATE_FUNCS(btyd_summary)
QX_STATE_FUNCS(rfm_kinetic)
QX_STATE_FUNCS(demand_cv)
QX_STATE_FUNCS(bgnbd_fit)
QX_STATE_FUNCS(gammagamma_fit)
QX_STATE_FUNCS(paretonbd_fit)

PG_FUNCTION_INFO_V1(rfm_kinetic_state_final_1_3);
Datum
rfm_kinetic_state_final_1_3(PG_FUNCTION_ARGS)
{
	return qx_state_final(fcinfo, &rfm_kinetic_1_3_agg, "rfm_kinetic_state_final");
}

/* SPEC §15 (src/win_calibration.c, src/isotonic.c, src/forecast_backtest.c) */
extern Datum win_calibration_merge_trans(PG_FUNCTION_ARGS);
extern Datum win_calibration_partial_final(PG_FUNCTION_ARGS);
extern Datum win_calibration_final(PG_FUNCTION_ARGS);
extern Datum isotonic_fit_merge_trans(PG_FUNCTION_ARGS);
extern Datum isotonic_fit_partial_final(PG_FUNCTION_ARGS);
extern Datum isotonic_fit_final(PG_FUNCTION_ARGS);
extern Datum forecast_backtest_merge_trans(PG_FUNCTION_ARGS);
extern Datum forecast_backtest_partial_final(PG_FUNCTION_ARGS);
extern Datum forecast_backtest_final(PG_FUNCTION_ARGS);
static const QxStateAgg win_calibration_agg = {
	"win_calibration_state", win_calibration_merge_trans, win_calibration_partial_final,
	win_calibration_final, NULL, NULL
};
static const QxStateAgg isotonic_fit_agg = {
	"isotonic_fit_state", isotonic_fit_merge_trans, isotonic_fit_partial_final,
	isotonic_fit_final, NULL, NULL
};
static const QxStateAgg forecast_backtest_agg = {
	"forecast_backtest_state", forecast_backtest_merge_trans, forecast_backtest_partial_final,
	forecast_backtest_final, NULL, NULL
};
QX_STATE_FUNCS(win_calibration)
QX_STATE_FUNCS(isotonic_fit)
QX_STATE_FUNCS(forecast_backtest)

/* btyd_holdout_merge (issue 19: §7's pair for btyd_holdout) */
extern Datum btyd_holdout_merge_trans(PG_FUNCTION_ARGS);
extern Datum btyd_holdout_partial_final(PG_FUNCTION_ARGS);
extern Datum btyd_holdout_final(PG_FUNCTION_ARGS);
static const QxStateAgg btyd_holdout_agg = {
	"btyd_holdout_state", btyd_holdout_merge_trans, btyd_holdout_partial_final,
	btyd_holdout_final, NULL, NULL
};
QX_STATE_FUNCS(btyd_holdout)

extern Datum rfm_summary_trans(PG_FUNCTION_ARGS);
extern Datum rfm_kinetic_trans(PG_FUNCTION_ARGS);

PG_FUNCTION_INFO_V1(rfm_summary_state_trans);
Datum
rfm_summary_state_trans(PG_FUNCTION_ARGS)
{
	return qx_state_rows_trans(fcinfo, &rfm_summary_agg, rfm_summary_trans,
							   "rfm_summary_state_trans");
}

PG_FUNCTION_INFO_V1(rfm_kinetic_state_trans);
Datum
rfm_kinetic_state_trans(PG_FUNCTION_ARGS)
{
	return qx_state_rows_trans(fcinfo, &rfm_kinetic_agg, rfm_kinetic_trans,
							   "rfm_kinetic_state_trans");
}

/* SPEC §17 (issue 26): price_realization_merge and lead_load_merge */
extern Datum price_realization_merge_trans(PG_FUNCTION_ARGS);
extern Datum price_realization_partial_final(PG_FUNCTION_ARGS);
extern Datum price_realization_final(PG_FUNCTION_ARGS);
extern Datum lead_load_merge_trans(PG_FUNCTION_ARGS);
extern Datum lead_load_partial_final(PG_FUNCTION_ARGS);
extern Datum lead_load_final(PG_FUNCTION_ARGS);
static const QxStateAgg price_realization_agg = {
	"price_realization_state", price_realization_merge_trans,
	price_realization_partial_final, price_realization_final, NULL, NULL
};
static const QxStateAgg lead_load_agg = {
	"lead_load_state", lead_load_merge_trans, lead_load_partial_final,
	lead_load_final, NULL, NULL
};
QX_STATE_FUNCS(price_realization)
QX_STATE_FUNCS(lead_load)

/* stage_funnel (SPEC §13, src/stage_funnel.c) */
extern Datum stage_funnel_merge_trans(PG_FUNCTION_ARGS);
extern Datum stage_funnel_partial_final(PG_FUNCTION_ARGS);
extern Datum stage_funnel_final(PG_FUNCTION_ARGS);
static const QxStateAgg stage_funnel_agg = {
	"stage_funnel_state", stage_funnel_merge_trans, stage_funnel_partial_final,
	stage_funnel_final, NULL, NULL
};
QX_STATE_FUNCS(stage_funnel)

/* SPEC §16 (doc/quarter.md): booking_rhythm, quota_capacity, attainment_distribution */
extern Datum booking_rhythm_merge_trans(PG_FUNCTION_ARGS);
extern Datum booking_rhythm_partial_final(PG_FUNCTION_ARGS);
extern Datum booking_rhythm_final(PG_FUNCTION_ARGS);
extern Datum quota_capacity_merge_trans(PG_FUNCTION_ARGS);
extern Datum quota_capacity_partial_final(PG_FUNCTION_ARGS);
extern Datum quota_capacity_final(PG_FUNCTION_ARGS);
extern Datum attainment_distribution_merge_trans(PG_FUNCTION_ARGS);
extern Datum attainment_distribution_partial_final(PG_FUNCTION_ARGS);
extern Datum attainment_distribution_final(PG_FUNCTION_ARGS);
static const QxStateAgg booking_rhythm_agg = {
	"booking_rhythm_state", booking_rhythm_merge_trans, booking_rhythm_partial_final,
	booking_rhythm_final, NULL, NULL
};
static const QxStateAgg quota_capacity_agg = {
	"quota_capacity_state", quota_capacity_merge_trans, quota_capacity_partial_final,
	quota_capacity_final, NULL, NULL
};
static const QxStateAgg attainment_distribution_agg = {
	"attainment_distribution_state", attainment_distribution_merge_trans,
	attainment_distribution_partial_final, attainment_distribution_final, NULL, NULL
};
QX_STATE_FUNCS(booking_rhythm)
QX_STATE_FUNCS(quota_capacity)
QX_STATE_FUNCS(attainment_distribution)

/*
 * SPEC §18 (issue 27): mbgnbd_fit_merge keeps bgnbd_fit's state, as the
 * Gamma-Gamma and Pareto/NBD fits do; sbg_fit_merge its own.
 */
extern Datum mbgnbd_fit_final(PG_FUNCTION_ARGS);
extern Datum sbg_fit_merge_trans(PG_FUNCTION_ARGS);
extern Datum sbg_fit_partial_final(PG_FUNCTION_ARGS);
extern Datum sbg_fit_final(PG_FUNCTION_ARGS);
static const QxStateAgg mbgnbd_fit_agg = {
	"bgnbd_fit_state", bgnbd_fit_merge_trans, bgnbd_fit_partial_final,
	mbgnbd_fit_final, bgnbd_fit_state_in, "1:"
};
static const QxStateAgg sbg_fit_agg = {
	"sbg_fit_state", sbg_fit_merge_trans, sbg_fit_partial_final,
	sbg_fit_final, NULL, NULL
};
QX_STATE_FUNCS(mbgnbd_fit)
QX_STATE_FUNCS(sbg_fit)
