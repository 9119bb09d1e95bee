/*
 * bgnbd.c
 *		Who is still a customer (SPEC §8): the SQL functions of the BG/NBD
 *		model of Fader, Hardie & Lee (2005), "Counting Your Customers the
 *		Easy Way", Marketing Science 24(2):275-284.
 *
 * bgnbd_fit is an aggregate over (frequency x, recency t_x, t T) summaries;
 * its state lives in bgnbd_state.c, and its final function maximises the
 * log-likelihood (paper eq. 6) in bgnbd_likelihood.c.  The scoring
 * functions read a bgnbd_model and evaluate P(alive) (eq. 12) and the
 * expectations (eqs. 7 and 10), also in bgnbd_likelihood.c.  bgnbd.h says
 * which file holds what.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "aggregate.h"
#include "bgnbd.h"
#include "quota_ext.h"

/* Fields of bgnbd_model (SPEC §8): r, alpha, a, b, log_likelihood, customers, converged. */
#define BG_MODEL_FIELDS 7
/* The first BG_MODEL_PARAMS fields are the parameters the scores read. */
#define BG_MODEL_PARAMS 4
/* Entries a new transition state has room for. */
#define BG_FIRST_CAPACITY 1024

/* The bgnbd_model composite of a fit (or NULL for no customers). */
static Datum
bg_fit_result(FunctionCallInfo fcinfo, BgAcc *acc)
{
	TupleDesc	tupdesc;
	Datum		values[BG_MODEL_FIELDS];
	bool		nulls[BG_MODEL_FIELDS] = {0};
	BgFit		fit;

	if (acc == NULL || acc->n == 0)
		PG_RETURN_NULL();
	tupdesc = qx_result_desc(fcinfo);
	if (tupdesc->natts != BG_MODEL_FIELDS)
		elog(ERROR, "bgnbd_fit: bgnbd_model must have %d fields, has %d",
			 BG_MODEL_FIELDS, tupdesc->natts);

	bg_compact(acc);
	bg_fit(acc, &fit);
	elog(DEBUG1, "bgnbd_fit: %lld customers, %lld distinct, %d iterations, %lld evaluations, converged %d",
		 (long long) fit.customers, (long long) acc->n, fit.iterations,
		 (long long) fit.evals, fit.converged);

	values[0] = Float8GetDatum(fit.p.r);
	values[1] = Float8GetDatum(fit.p.alpha);
	values[2] = Float8GetDatum(fit.p.a);
	values[3] = Float8GetDatum(fit.p.b);
	values[4] = Float8GetDatum(fit.ll);
	values[5] = Int64GetDatum(fit.customers);
	values[6] = BoolGetDatum(fit.converged);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* ---------------------------------------------------------------------
 * Aggregate support
 * ---------------------------------------------------------------------
 */

PG_FUNCTION_INFO_V1(bgnbd_fit_transfn);
/*
 * bgnbd_fit_transfn(state internal, frequency int, recency float8, t float8)
 * Not strict: a row with any NULL argument is skipped; a bad row is an error.
 */
Datum
bgnbd_fit_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "bgnbd_fit_trans");
	BgAcc	   *acc = PG_ARGISNULL(0) ? NULL : (BgAcc *) PG_GETARG_POINTER(0);
	int32		x;
	double		tx,
				T;
	MemoryContext old;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		if (acc == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(acc);
	}
	x = PG_GETARG_INT32(1);
	tx = PG_GETARG_FLOAT8(2);
	T = PG_GETARG_FLOAT8(3);
	bg_check_summary(x, tx, T);

	old = MemoryContextSwitchTo(ctx);
	if (acc == NULL)
		acc = bg_acc_new(BG_FIRST_CAPACITY);
	bg_append(acc, x, tx, T, 1);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(acc);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_combinefn);
/* bgnbd_fit_combine(internal, internal): NULL states are empty */
Datum
bgnbd_fit_combinefn(PG_FUNCTION_ARGS)
{
	return qx_combine(fcinfo, "bgnbd_fit_combine", bg_copy, bg_combine);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_serialfn);
/* bgnbd_fit_serialfn(internal) -> bytea, the layout of bgnbd_fit_state */
Datum
bgnbd_fit_serialfn(PG_FUNCTION_ARGS)
{
	BgAcc	   *acc = (BgAcc *) PG_GETARG_POINTER(0);

	PG_RETURN_BYTEA_P(bg_flatten(acc));
}

PG_FUNCTION_INFO_V1(bgnbd_fit_deserialfn);
/* bgnbd_fit_deserialfn(bytea, internal) -> internal */
Datum
bgnbd_fit_deserialfn(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "bgnbd_fit_deserialize");
	bytea	   *v = PG_GETARG_BYTEA_P(0);
	MemoryContext old = MemoryContextSwitchTo(ctx);
	BgAcc	   *acc = bg_unflatten(v);

	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(acc);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_finalfn);
/* bgnbd_fit_finalfn(internal) -> bgnbd_model; NULL for no customers */
Datum
bgnbd_fit_finalfn(PG_FUNCTION_ARGS)
{
	BgAcc	   *acc = PG_ARGISNULL(0) ? NULL : (BgAcc *) PG_GETARG_POINTER(0);

	qx_agg_context(fcinfo, "bgnbd_fit_final");
	return bg_fit_result(fcinfo, acc);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_partial_finalfn);
/* bgnbd_fit_partial_finalfn(internal) -> bgnbd_fit_state; NULL for no customers */
Datum
bgnbd_fit_partial_finalfn(PG_FUNCTION_ARGS)
{
	BgAcc	   *acc = PG_ARGISNULL(0) ? NULL : (BgAcc *) PG_GETARG_POINTER(0);

	qx_agg_context(fcinfo, "bgnbd_fit_partial_final");
	if (acc == NULL || acc->n == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(bg_flatten(acc));
}

PG_FUNCTION_INFO_V1(bgnbd_fit_merge_transfn);
/* bgnbd_fit_merge_trans(internal, bgnbd_fit_state): NULL states are skipped */
Datum
bgnbd_fit_merge_transfn(PG_FUNCTION_ARGS)
{
	return qx_merge_trans(fcinfo, "bgnbd_fit_merge_trans", bg_decode, bg_combine);
}

/* ---------------------------------------------------------------------
 * Using a model
 * ---------------------------------------------------------------------
 */

/* Read and check the parameters of a bgnbd_model argument (also customer_value's). */
void
bg_get_model(HeapTupleHeader th, BgParams *p)
{
	static const char *const names[BG_MODEL_PARAMS] = {"r", "alpha", "a", "b"};
	double		v[BG_MODEL_PARAMS];
	int			i;

	for (i = 0; i < BG_MODEL_PARAMS; i++)
	{
		bool		isnull;
		Datum		d = GetAttributeByNum(th, i + 1, &isnull);

		if (isnull)
			qx_bad_arg("Pass a model that bgnbd_fit returned.",
					   "model field %s must not be NULL", names[i]);
		v[i] = DatumGetFloat8(d);
		if (!isfinite(v[i]) || v[i] <= 0)
			qx_bad_arg("Pass a model that bgnbd_fit returned.",
					   "model field %s must be a positive finite number, got %s",
					   names[i], qx_float_str(v[i]));
	}
	p->r = v[0];
	p->alpha = v[1];
	p->a = v[2];
	p->b = v[3];
}

static void
bg_check_horizon(double horizon)
{
	qx_require_finite(horizon, "horizon");
	if (horizon < 0)
		qx_bad_arg("horizon is a length of time in the unit of the summaries, such as 13 weeks.",
				   "horizon must not be negative, got %s", qx_float_str(horizon));
}

PG_FUNCTION_INFO_V1(bgnbd_p_alive);
/* bgnbd_p_alive(model, frequency, recency, t) -> probability still active */
Datum
bgnbd_p_alive(PG_FUNCTION_ARGS)
{
	BgParams	p;
	int32		x = PG_GETARG_INT32(1);
	double		tx = PG_GETARG_FLOAT8(2);
	double		T = PG_GETARG_FLOAT8(3);

	bg_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &p);
	bg_check_summary(x, tx, T);
	PG_RETURN_FLOAT8(bg_p_alive(&p, x, tx, T));
}

PG_FUNCTION_INFO_V1(bgnbd_expected);
/* bgnbd_expected(model, horizon, frequency, recency, t) -> E[Y(horizon) | x, t_x, T] (eq. 10) */
Datum
bgnbd_expected(PG_FUNCTION_ARGS)
{
	BgParams	p;
	double		horizon = PG_GETARG_FLOAT8(1);
	int32		x = PG_GETARG_INT32(2);
	double		tx = PG_GETARG_FLOAT8(3);
	double		T = PG_GETARG_FLOAT8(4);
	double		alive;

	bg_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &p);
	bg_check_params(&p);
	bg_check_horizon(horizon);
	bg_check_summary(x, tx, T);
	alive = bg_p_alive(&p, x, tx, T);
	PG_RETURN_FLOAT8(alive * bg_expect(p.a, p.b + x, p.r + x, horizon / (p.alpha + T), horizon));
}

PG_FUNCTION_INFO_V1(bgnbd_expected_new);
/* bgnbd_expected_new(model, horizon) -> E[X(horizon)] (eq. 7) */
Datum
bgnbd_expected_new(PG_FUNCTION_ARGS)
{
	BgParams	p;
	double		horizon = PG_GETARG_FLOAT8(1);

	bg_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &p);
	bg_check_params(&p);
	bg_check_horizon(horizon);
	PG_RETURN_FLOAT8(bg_expect(p.a, p.b, p.r, horizon / p.alpha, horizon));
}
