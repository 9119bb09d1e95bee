/*
 * trigger_args.h
 *		Checks shared by the row triggers (flag_reanimation in trigger.c,
 *		flag_segment_change in segment_change.c): how the trigger fires, how
 *		many arguments it has, and the columns its arguments name.  Errors
 *		name the trigger and the table: 39P01 for wrong firing, 42703 for an
 *		unknown column, 42804 for a wrong type, 22023 for a wrong arity.
 */
#ifndef QX_TRIGGER_ARGS_H
#define QX_TRIGGER_ARGS_H

#include "postgres.h"

#include "commands/trigger.h"
#include "fmgr.h"

/*
 * The TriggerData of a BEFORE INSERT OR UPDATE ... FOR EACH ROW call of fname
 * with between min_args and max_args arguments; usage is the argument list
 * shown in hints, e.g. "(a_column, b_column [, c_column])".
 */
extern TriggerData *qx_row_trigger(FunctionCallInfo fcinfo, const char *fname,
								   int min_args, int max_args, const char *usage);

/* Attribute number of the column an argument names, of one of types. */
extern int	qx_trigger_column(TriggerData *trigdata, const char *colname, const char *role,
							  const Oid *types, int ntypes, const char *typenames,
							  const char *usage);

#endif							/* QX_TRIGGER_ARGS_H */
