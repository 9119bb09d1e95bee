/*
 * bgnbd.c
 *		Who is still a customer (SPEC §8): the SQL functions of the BG/NBD
 *		model of Fader, Hardie & Lee (2005), "Counting Your Customers the
 *		Easy Way", Marketing Science 24(2):275-284.
 *
 * bgnbd_fit is an aggregate over (frequency x, recency t_x, t T) summaries;
 * its state and support functions are customer_fit_state.c's (shared with
 * the other purchase models), and its final function maximises the
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

/* The bgnbd_model composite of a fit (or NULL for no customers). */
static Datum
bg_fit_result(FunctionCallInfo fcinfo, QxFitAcc *acc)
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

	qx_fit_compact(acc);
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
 * The aggregate's final function (the others are the shared ones of
 * customer_fit_state.c)
 * ---------------------------------------------------------------------
 */

PG_FUNCTION_INFO_V1(bgnbd_fit_final);
/* bgnbd_fit_final(internal) -> bgnbd_model; NULL for no customers */
Datum
bgnbd_fit_final(PG_FUNCTION_ARGS)
{
	QxFitAcc   *acc = PG_ARGISNULL(0) ? NULL : (QxFitAcc *) PG_GETARG_POINTER(0);

	qx_agg_context(fcinfo, "bgnbd_fit_final");
	return bg_fit_result(fcinfo, acc);
}

/*
 * The released install scripts (1.0--1.1) name this function's C symbol
 * bgnbd_fit_finalfn: kept as an alias so that they stay byte-identical.
 */
PG_FUNCTION_INFO_V1(bgnbd_fit_finalfn);
Datum
bgnbd_fit_finalfn(PG_FUNCTION_ARGS)
{
	return bgnbd_fit_final(fcinfo);
}

/* ---------------------------------------------------------------------
 * Using a model
 * ---------------------------------------------------------------------
 */

/* Read and check the parameters of a bgnbd_model argument (also customer_value's). */
void
qx_bgnbd_get_model(HeapTupleHeader th, QxBgParams *p)
{
	static const char *const names[BG_MODEL_PARAMS] = {"r", "alpha", "a", "b"};
	double		v[BG_MODEL_PARAMS];

	qx_fit_read_params(th, "bgnbd_fit", names, BG_MODEL_PARAMS, v);
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
	QxBgParams	p;
	int32		x = PG_GETARG_INT32(1);
	double		tx = PG_GETARG_FLOAT8(2);
	double		T = PG_GETARG_FLOAT8(3);

	qx_bgnbd_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &p);
	qx_fit_check_summary(x, tx, T);
	PG_RETURN_FLOAT8(qx_bgnbd_p_alive(&p, x, tx, T));
}

PG_FUNCTION_INFO_V1(bgnbd_expected);
/* bgnbd_expected(model, horizon, frequency, recency, t) -> E[Y(horizon) | x, t_x, T] (eq. 10) */
Datum
bgnbd_expected(PG_FUNCTION_ARGS)
{
	QxBgParams	p;
	double		horizon = PG_GETARG_FLOAT8(1);
	int32		x = PG_GETARG_INT32(2);
	double		tx = PG_GETARG_FLOAT8(3);
	double		T = PG_GETARG_FLOAT8(4);
	double		alive;

	qx_bgnbd_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &p);
	qx_bgnbd_check_params(&p);
	bg_check_horizon(horizon);
	qx_fit_check_summary(x, tx, T);
	alive = qx_bgnbd_p_alive(&p, x, tx, T);
	PG_RETURN_FLOAT8(alive * qx_bgnbd_expect(p.a, p.b + x, p.r + x, horizon / (p.alpha + T), horizon));
}

PG_FUNCTION_INFO_V1(bgnbd_expected_new);
/* bgnbd_expected_new(model, horizon) -> E[X(horizon)] (eq. 7) */
Datum
bgnbd_expected_new(PG_FUNCTION_ARGS)
{
	QxBgParams	p;
	double		horizon = PG_GETARG_FLOAT8(1);

	qx_bgnbd_get_model(PG_GETARG_HEAPTUPLEHEADER(0), &p);
	qx_bgnbd_check_params(&p);
	bg_check_horizon(horizon);
	PG_RETURN_FLOAT8(qx_bgnbd_expect(p.a, p.b, p.r, horizon / p.alpha, horizon));
}

/* bgnbd_fit_merge(bgnbd_fit_state): X_state_combine / X_state_final */
QX_STATE_MERGE(bgnbd_fit, bgnbd_fit_final, bgnbd_fit_state_in, "1:");
