/*
 * segment_change.c
 *		flag_segment_change(): a BEFORE INSERT OR UPDATE ... FOR EACH ROW
 *		trigger on a table of current segments (README "Customers on the
 *		move") that records when a customer's segment changed, from which
 *		segment, and whether that was up or down in the label catalog.
 *
 * Trigger arguments: (segment_column, kind, previous_column, since_column
 * [, direction_column]).  Column types accepted:
 *	segment		text or varchar
 *	previous	the segment column's type and length
 *	since		timestamptz
 *	direction	text, or varchar of 4 characters or more
 */
#include "postgres.h"

#include "pg_compat.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "labels.h"
#include "trigger_args.h"

#define USAGE "(segment_column, kind, previous_column, since_column [, direction_column])"

/* The columns the trigger's arguments name, checked. */
typedef struct SegmentColumns
{
	int			segment;
	int			kind;			/* catalog position of the kind */
	int			previous;
	int			since;
	int			direction;		/* 0 when not tracked */
} SegmentColumns;

static void
segment_columns(TriggerData *trigdata, SegmentColumns *cols)
{
	static const Oid text_types[] = {TEXTOID, VARCHAROID};
	static const Oid since_types[] = {TIMESTAMPTZOID};
	Trigger    *trigger = trigdata->tg_trigger;
	Relation	rel = trigdata->tg_relation;
	TupleDesc	tupdesc = RelationGetDescr(rel);
	char	  **args = trigger->tgargs;
	Form_pg_attribute seg,
				prev;

	cols->segment = qx_trigger_column(trigdata, args[0], "segment", text_types,
									  lengthof(text_types), "text or character varying", USAGE);
	cols->kind = qx_label_kind_find(cstring_to_text(args[1]));
	if (cols->kind < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trigger \"%s\" on table \"%s\": kind \"%s\" is not a kind of the label catalog",
						trigger->tgname, RelationGetRelationName(rel), args[1]),
				 errhint("The kinds are kinetic, rfm, heat, abc, xyz, lead_class, priority, temperature and deal_warning.")));
	cols->previous = qx_trigger_column(trigdata, args[2], "previous", text_types,
									   lengthof(text_types), "text or character varying", USAGE);
	cols->since = qx_trigger_column(trigdata, args[3], "since", since_types,
									lengthof(since_types), "timestamp with time zone", USAGE);
	cols->direction = 0;
	if (trigger->tgnargs == 5)
		cols->direction = qx_trigger_column(trigdata, args[4], "direction", text_types,
											lengthof(text_types), "text or character varying",
											USAGE);

	/* the old segment goes into previous: it must fit there */
	seg = TupleDescAttr(tupdesc, cols->segment - 1);
	prev = TupleDescAttr(tupdesc, cols->previous - 1);
	if (seg->atttypid != prev->atttypid || seg->atttypmod != prev->atttypmod)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("trigger \"%s\" on table \"%s\": previous column \"%s\" has type %s",
						trigger->tgname, RelationGetRelationName(rel), args[2],
						format_type_with_typemod(prev->atttypid, prev->atttypmod)),
				 errhint("The previous column must be of the segment column's type, %s.",
						 format_type_with_typemod(seg->atttypid, seg->atttypmod))));
	if (cols->direction)
	{
		Form_pg_attribute dir = TupleDescAttr(tupdesc, cols->direction - 1);

		if (dir->atttypmod >= 0 && dir->atttypmod - VARHDRSZ < 4)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("trigger \"%s\" on table \"%s\": direction column \"%s\" has type %s",
							trigger->tgname, RelationGetRelationName(rel), args[4],
							format_type_with_typemod(dir->atttypid, dir->atttypmod)),
					 errhint("The direction column holds 'up', 'down' or 'same': use text or varchar(4).")));
	}
	if (cols->previous == cols->segment || cols->direction == cols->segment ||
		cols->direction == cols->previous)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trigger \"%s\" on table \"%s\": segment, previous and direction must be three different columns",
						trigger->tgname, RelationGetRelationName(rel)),
				 errhint("The arguments are %s.", USAGE)));
}

/* The segment of a tuple, detoasted; NULL pointer when NULL. */
static text *
segment_value(HeapTuple tuple, TupleDesc tupdesc, int attnum)
{
	bool		isnull;
	Datum		value = heap_getattr(tuple, attnum, tupdesc, &isnull);

	return isnull ? NULL : (text *) pg_detoast_datum_packed((struct varlena *) DatumGetPointer(value));
}

/* IS DISTINCT FROM for two segments, byte for byte (codes are exact). */
static bool
segments_distinct(const text *a, const text *b)
{
	if (a == NULL || b == NULL)
		return (a == NULL) != (b == NULL);
	return VARSIZE_ANY_EXHDR(a) != VARSIZE_ANY_EXHDR(b) ||
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) != 0;
}

PG_FUNCTION_INFO_V1(flag_segment_change);
/*
 * flag_segment_change() trigger.  INSERT: previous and direction NULL, since
 * now.  UPDATE that changes the segment: previous the old segment, since now,
 * direction segment_direction(kind, old, new).  UPDATE that does not: the
 * three columns keep their old values, whatever the statement wrote.
 */
Datum
flag_segment_change(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = qx_row_trigger(fcinfo, "flag_segment_change", 4, 5, USAGE);
	TupleDesc	tupdesc = RelationGetDescr(trigdata->tg_relation);
	SegmentColumns c;
	HeapTuple	tuple;
	int			attnums[3];
	Datum		values[3];
	bool		nulls[3] = {0};
	int			ncols;

	segment_columns(trigdata, &c);
	attnums[0] = c.previous;
	attnums[1] = c.since;
	attnums[2] = c.direction;
	ncols = c.direction ? 3 : 2;

	if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
	{
		tuple = trigdata->tg_trigtuple;
		nulls[0] = true;
		values[1] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
		nulls[2] = true;
	}
	else
	{
		HeapTuple	oldtuple = trigdata->tg_trigtuple;
		text	   *old_seg = segment_value(oldtuple, tupdesc, c.segment);
		text	   *new_seg;

		tuple = trigdata->tg_newtuple;
		new_seg = segment_value(tuple, tupdesc, c.segment);
		if (segments_distinct(old_seg, new_seg))
		{
			const char *dir = qx_segment_direction(c.kind, old_seg, new_seg);

			values[0] = PointerGetDatum(old_seg);
			nulls[0] = (old_seg == NULL);
			values[1] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
			values[2] = dir ? CStringGetTextDatum(dir) : (Datum) 0;
			nulls[2] = (dir == NULL);
		}
		else
		{
			/* no change: what the row had, not what the statement wrote */
			for (int i = 0; i < ncols; i++)
				values[i] = heap_getattr(oldtuple, attnums[i], tupdesc, &nulls[i]);
		}
	}
	return PointerGetDatum(heap_modify_tuple_by_cols(tuple, tupdesc, ncols, attnums,
													 values, nulls));
}
