/*
 * trigger_args.c
 *		Firing, arity and column checks shared by the row triggers
 *		(trigger_args.h).
 */
#include "postgres.h"

#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/rel.h"

#include "quota_ext.h"
#include "trigger_args.h"

TriggerData *
qx_row_trigger(FunctionCallInfo fcinfo, const char *fname,
			   int min_args, int max_args, const char *usage)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Trigger    *trigger;
	Relation	rel;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s: not called by trigger manager", fname),
				 errhint("Use it in CREATE TRIGGER ... BEFORE INSERT OR UPDATE ... FOR EACH ROW.")));

	trigger = trigdata->tg_trigger;
	rel = trigdata->tg_relation;
	if (!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!(TRIGGER_FIRED_BY_INSERT(trigdata->tg_event) ||
		  TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table \"%s\": %s must be fired BEFORE INSERT OR UPDATE FOR EACH ROW",
						trigger->tgname, RelationGetRelationName(rel), fname)));

	if (trigger->tgnargs < min_args || trigger->tgnargs > max_args)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trigger \"%s\" on table \"%s\": %s takes %d to %d arguments, got %d",
						trigger->tgname, RelationGetRelationName(rel), fname,
						min_args, max_args, trigger->tgnargs),
				 errhint("The arguments are %s.", usage)));
	return trigdata;
}

int
qx_trigger_column(TriggerData *trigdata, const char *colname, const char *role,
				  const Oid *types, int ntypes, const char *typenames,
				  const char *usage)
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
				 errhint("The arguments are %s.", usage)));

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
