/*
 * aggregate.c
 *		The plumbing every quota_ext aggregate shares (see aggregate.h).
 */
#include "postgres.h"

#include "funcapi.h"
#include "utils/memutils.h"

#include "quota_ext.h"
#include "aggregate.h"

TupleDesc
qx_result_desc(FunctionCallInfo fcinfo)
{
	TupleDesc	desc = (TupleDesc) fcinfo->flinfo->fn_extra;

	if (desc == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "qx_result_desc: return type must be a row type");
		desc = BlessTupleDesc(CreateTupleDescCopy(desc));
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = desc;
	}
	return desc;
}

void
qx_null_param(const char *argname)
{
	ereport(ERROR,
			(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
			 errmsg("%s must not be NULL", argname),
			 errhint("Pass the same non-NULL %s for every row of a group.", argname)));
}

bool
qx_order_row(FunctionCallInfo fcinfo, DateADT until, DateADT *ts, QxAmount *amount)
{
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return false;
	*ts = PG_GETARG_DATEADT(1);
	if (*ts > until)
		return false;
	qx_require_finite_date(*ts, "ts");
	qx_amount_decode(PG_GETARG_DATUM(2), amount);
	return true;
}

void
qx_param_changed(const char *argname, const char *was, const char *now)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s must be the same for every row of a group, got %s after %s",
					argname, now, was),
			 errhint("Group by %s, or aggregate each value in its own query.", argname)));
}

void
qx_param_mismatch(const char *type, const char *argname, const char *a, const char *b)
{
	/*
	 * The mismatch is symmetric: name the values in one order, whatever
	 * order the states arrived in (parallel workers race).
	 */
	if (strcmp(a, b) > 0)
	{
		const char *t = a;

		a = b;
		b = t;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("cannot merge %s states with different %s: %s and %s",
					type, argname, a, b),
			 errhint("Only states computed with the same parameters can be merged.")));
}

Datum
qx_combine(FunctionCallInfo fcinfo, const char *fn,
		   QxStateCopy copy, QxStateCombine combine)
{
	MemoryContext ctx = qx_agg_context(fcinfo, fn);
	void	   *a = PG_ARGISNULL(0) ? NULL : PG_GETARG_POINTER(0);
	void	   *b = PG_ARGISNULL(1) ? NULL : PG_GETARG_POINTER(1);

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
		PG_RETURN_POINTER(copy(b, ctx));
	combine(a, b, ctx);
	PG_RETURN_POINTER(a);
}

Datum
qx_merge_trans(FunctionCallInfo fcinfo, const char *fn,
			   QxStateDecode decode, QxStateCombine combine)
{
	MemoryContext ctx = qx_agg_context(fcinfo, fn);
	void	   *st = PG_ARGISNULL(0) ? NULL : PG_GETARG_POINTER(0);
	bytea	   *v;
	void	   *in;

	if (PG_ARGISNULL(1))
	{
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	v = PG_GETARG_BYTEA_PP(1);
	/* the first state becomes the working state; later ones are temporary */
	in = decode(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v),
				st == NULL ? ctx : CurrentMemoryContext);
	if (st == NULL)
		PG_RETURN_POINTER(in);
	combine(st, in, ctx);
	PG_RETURN_POINTER(st);
}

Datum
qx_serialize(FunctionCallInfo fcinfo, const char *fn, QxStateEncode encode)
{
	qx_agg_context(fcinfo, fn);
	PG_RETURN_BYTEA_P(encode(PG_GETARG_POINTER(0)));
}

Datum
qx_deserialize(FunctionCallInfo fcinfo, const char *fn, QxStateDecode decode)
{
	MemoryContext ctx = qx_agg_context(fcinfo, fn);
	bytea	   *b = PG_GETARG_BYTEA_PP(0);

	PG_RETURN_POINTER(decode(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), ctx));
}

Datum
qx_partial_final(FunctionCallInfo fcinfo, QxStateEncode encode)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_POINTER(encode(PG_GETARG_POINTER(0)));
}
