/*
 * trigger.c
 *		flag_reanimation(): a BEFORE INSERT OR UPDATE ... FOR EACH ROW trigger
 *		that keeps a deal's reanimation flag (and, optionally, the time it was
 *		raised) in step with the deal's agreement and open objections.
 *
 * Trigger arguments: (agreement_column, objections_column, flag_column
 * [, threshold [, since_column]]).  Column types accepted:
 *	agreement	float8, float4 or numeric
 *	objections	int2, int4 or int8
 *	flag		boolean
 *	since		timestamptz
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/timestamp.h"
#include "access/xact.h"

#include "quota_ext.h"
#include "deals.h"
#include "state_codec.h"

#define DEFAULT_THRESHOLD 0.4

/* Attribute number of a trigger-named column, checked for existence and type. */
static int
trigger_column(TriggerData *trigdata, const char *colname, const char *role,
			   const Oid *types, int ntypes, const char *typenames)
{
	Relation	rel = trigdata->tg_relation;
	TupleDesc	tupdesc = RelationGetDescr(rel);
	int			attnum = SPI_fnumber(tupdesc, colname);
	Oid			typid;

	if (attnum == SPI_ERROR_NOATTRIBUTE || attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("trigger \"%s\" on table \"%s\": %s column \"%s\" does not exist",
						trigdata->tg_trigger->tgname, RelationGetRelationName(rel),
						role, qx_str_brief(colname)),
				 errhint("The arguments are (agreement_column, objections_column, flag_column [, threshold [, since_column]]).")));

	typid = SPI_gettypeid(tupdesc, attnum);
	for (int i = 0; i < ntypes; i++)
		if (types[i] == typid)
			return attnum;

	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("trigger \"%s\" on table \"%s\": %s column \"%s\" has type %s",
					trigdata->tg_trigger->tgname, RelationGetRelationName(rel),
					role, qx_str_brief(colname), format_type_be(typid)),
			 errhint("The %s column must be of type %s.", role, typenames)));
	return 0;					/* keep compiler quiet */
}

/* A column value as float8 (agreement). */
static double
agreement_value(Datum value, Oid typid)
{
	switch (typid)
	{
		case FLOAT8OID:
			return DatumGetFloat8(value);
		case FLOAT4OID:
			return (double) DatumGetFloat4(value);
		case NUMERICOID:
			{
				/* a share: below float8's range is 0, above it an error */
				double		v = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
																   value));

				if (isinf(v))
					qx_bad_arg(NULL, "agreement must be between 0 and 1, got %s",
							   qx_numeric_str(DatumGetNumeric(value)));
				return v;
			}
	}
	elog(ERROR, "flag_reanimation: unexpected agreement type %u", typid);
	return 0;
}

/* A column value as int64 (objections). */
static int64
objections_value(Datum value, Oid typid)
{
	switch (typid)
	{
		case INT2OID:
			return DatumGetInt16(value);
		case INT4OID:
			return DatumGetInt32(value);
		case INT8OID:
			return DatumGetInt64(value);
	}
	elog(ERROR, "flag_reanimation: unexpected objections type %u", typid);
	return 0;
}

/*
 * The threshold argument of the trigger: a finite number greater than 0,
 * read by the state codec's float reader (so 1e-310 is the subnormal it
 * denotes, not an error).  Messages quote the argument briefly.
 */
static double
trigger_threshold(Trigger *trigger, Relation rel, const char *arg)
{
	double		threshold;

	if (!qx_parse_float8(arg, &threshold))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trigger \"%s\" on table \"%s\": threshold must be a number within float8's range, got \"%s\"",
						trigger->tgname, RelationGetRelationName(rel),
						qx_str_brief(arg)),
				 errhint("The usual threshold is 0.4.")));
	if (threshold <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trigger \"%s\" on table \"%s\": threshold must be greater than 0, got %s",
						trigger->tgname, RelationGetRelationName(rel), qx_float_str(threshold)),
				 errhint("The usual threshold is 0.4.")));
	return threshold;
}

/*
 * The trigger data of a call: fired by the trigger manager BEFORE INSERT OR
 * UPDATE FOR EACH ROW with 3 to 5 arguments, else 39P01 or 22023.
 */
static TriggerData *
reanimation_trigger(FunctionCallInfo fcinfo)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Trigger    *trigger;
	Relation	rel;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("flag_reanimation: not called by trigger manager"),
				 errhint("Use it in CREATE TRIGGER ... BEFORE INSERT OR UPDATE ... FOR EACH ROW.")));
	trigger = trigdata->tg_trigger;
	rel = trigdata->tg_relation;
	if (!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!(TRIGGER_FIRED_BY_INSERT(trigdata->tg_event) ||
		  TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table \"%s\": flag_reanimation must be fired BEFORE INSERT OR UPDATE FOR EACH ROW",
						trigger->tgname, RelationGetRelationName(rel))));
	if (trigger->tgnargs < 3 || trigger->tgnargs > 5)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trigger \"%s\" on table \"%s\": flag_reanimation takes 3 to 5 arguments, got %d",
						trigger->tgname, RelationGetRelationName(rel), trigger->tgnargs),
				 errhint("The arguments are (agreement_column, objections_column, flag_column [, threshold [, since_column]]).")));
	return trigdata;
}

/*
 * The flag of a row: lift_index(agreement, objections) < threshold; *isnull
 * when either column is NULL (README "flag_reanimation()").
 */
static bool
reanimation_flag(HeapTuple tuple, TupleDesc tupdesc, int att_agreement,
				 int att_objections, double threshold, bool *isnull)
{
	bool		isnull_a,
				isnull_o;
	Datum		a = heap_getattr(tuple, att_agreement, tupdesc, &isnull_a);
	Datum		o = heap_getattr(tuple, att_objections, tupdesc, &isnull_o);

	*isnull = isnull_a || isnull_o;
	if (*isnull)
		return false;
	return qx_lift_index(agreement_value(a, SPI_gettypeid(tupdesc, att_agreement)),
						 objections_value(o, SPI_gettypeid(tupdesc, att_objections)))
		< threshold;
}

/*
 * The since column of a row whose flag is now flagged (true, not NULL): the
 * old since value while the flag stays raised, the transaction's start when
 * it is raised now (or was raised before since was tracked), NULL otherwise.
 */
static Datum
since_value(HeapTuple oldtuple, TupleDesc tupdesc, int att_flag, int att_since,
			bool flagged, bool *isnull)
{
	bool		was_flagged = false;
	bool		old_since_null = true;
	Datum		old_since = (Datum) 0;

	*isnull = !flagged;
	if (!flagged)
		return (Datum) 0;
	if (oldtuple != NULL)
	{
		bool		oldflag_null;
		Datum		oldflag = heap_getattr(oldtuple, att_flag, tupdesc, &oldflag_null);

		was_flagged = !oldflag_null && DatumGetBool(oldflag);
		old_since = heap_getattr(oldtuple, att_since, tupdesc, &old_since_null);
	}
	if (was_flagged && !old_since_null)
		return old_since;
	return TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
}

PG_FUNCTION_INFO_V1(flag_reanimation);
/*
 * flag_reanimation() trigger: flag = needs_reanimation(agreement,
 * objections, threshold), NULL when either input is NULL.  With a since
 * column: the transaction timestamp when the flag turns true, kept while it
 * stays true, NULL otherwise.
 */
Datum
flag_reanimation(PG_FUNCTION_ARGS)
{
	static const Oid agreement_types[] = {FLOAT8OID, FLOAT4OID, NUMERICOID};
	static const Oid objections_types[] = {INT2OID, INT4OID, INT8OID};
	static const Oid flag_types[] = {BOOLOID};
	static const Oid since_types[] = {TIMESTAMPTZOID};
	TriggerData *trigdata;
	Trigger    *trigger;
	Relation	rel;
	TupleDesc	tupdesc;
	HeapTuple	tuple;
	HeapTuple	oldtuple = NULL;
	char	  **args;
	int			att_agreement,
				att_objections,
				att_flag,
				att_since = 0;
	double		threshold = DEFAULT_THRESHOLD;
	int			cols[2];
	Datum		newvals[2];
	bool		newnulls[2];
	int			ncols = 0;
	bool		flag_null;
	bool		flag = false;

	trigdata = reanimation_trigger(fcinfo);
	trigger = trigdata->tg_trigger;
	rel = trigdata->tg_relation;
	tupdesc = RelationGetDescr(rel);
	args = trigger->tgargs;
	att_agreement = trigger_column(trigdata, args[0], "agreement", agreement_types,
								   lengthof(agreement_types), "double precision, real or numeric");
	att_objections = trigger_column(trigdata, args[1], "objections", objections_types,
									lengthof(objections_types), "smallint, integer or bigint");
	att_flag = trigger_column(trigdata, args[2], "flag", flag_types,
							  lengthof(flag_types), "boolean");
	if (trigger->tgnargs >= 4)
	{
		threshold = trigger_threshold(trigger, rel, args[3]);
	}
	if (trigger->tgnargs == 5)
		att_since = trigger_column(trigdata, args[4], "since", since_types,
								   lengthof(since_types), "timestamp with time zone");

	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		tuple = trigdata->tg_newtuple;
		oldtuple = trigdata->tg_trigtuple;
	}
	else
		tuple = trigdata->tg_trigtuple;

	flag = reanimation_flag(tuple, tupdesc, att_agreement, att_objections, threshold,
							&flag_null);

	cols[ncols] = att_flag;
	newvals[ncols] = BoolGetDatum(flag);
	newnulls[ncols] = flag_null;
	ncols++;

	if (att_since)
	{
		cols[ncols] = att_since;
		newvals[ncols] = since_value(oldtuple, tupdesc, att_flag, att_since,
									 flag && !flag_null, &newnulls[ncols]);
		ncols++;
	}

	return PointerGetDatum(heap_modify_tuple_by_cols(tuple, tupdesc, ncols, cols,
													 newvals, newnulls));
}
