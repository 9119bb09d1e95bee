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
 *
 * Two cases PostgreSQL hides from a BEFORE trigger (issue 19, SPEC §12):
 *	- a STORED generated segment column is computed after BEFORE triggers,
 *	  so NEW holds NULL there: the trigger computes it itself from the
 *	  column's generation expression (immutable, so the same value the row
 *	  will hold) and follows it like any other segment column;
 *	- an UPDATE that moves a row to another partition runs BEFORE UPDATE on
 *	  the old partition, then DELETE there and INSERT on the new one, and
 *	  the INSERT would reset the history.  When the updated row no longer
 *	  fits its partition, the update's previous, since and direction are
 *	  kept (segment_change_pending) and the INSERT that follows, of the same
 *	  trigger on the same partitioned table and the same segment, keeps
 *	  them.  The pending values live until that INSERT, the next call of
 *	  the trigger, or the end of the (sub)transaction, whichever is first.
 */
#include "postgres.h"

#include "pg_compat.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/partition.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "nodes/pg_list.h"
#include "rewrite/rewriteHandler.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "labels.h"
#include "quota_ext.h"
#include "trigger_args.h"

#define USAGE "(segment_column, kind, previous_column, since_column [, direction_column])"

/* The columns the trigger's arguments name, checked. */
typedef struct SegmentColumns
{
	int			segment;
	const QxLabelSet *labels;	/* the catalog this definition serves */
	int			kind;			/* position of the kind in it */
	int			previous;
	int			since;
	int			direction;		/* 0 when not tracked */
} SegmentColumns;

static void
segment_columns(FunctionCallInfo fcinfo, TriggerData *trigdata, SegmentColumns *cols,
				bool rule_1_3)
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
	cols->labels = qx_labels(fcinfo, rule_1_3 ? QX_LABELS_CURRENT : QX_LABELS_1_2);
	cols->kind = qx_label_kind_find(cols->labels, cstring_to_text(args[1]));
	if (cols->kind < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trigger \"%s\" on table \"%s\": kind \"%s\" is not a kind of the label catalog",
						trigger->tgname, RelationGetRelationName(rel), qx_str_brief(args[1])),
				 errhint("The kinds are %s.", qx_label_kinds_list(cols->labels))));
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
	/* what the trigger writes must not be computed by PostgreSQL after it */
	for (int i = 0; i < 3; i++)
	{
		int			attnum = i == 0 ? cols->previous : i == 1 ? cols->since : cols->direction;

		if (attnum && TupleDescAttr(tupdesc, attnum - 1)->attgenerated)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("trigger \"%s\" on table \"%s\": %s column \"%s\" is a generated column",
							trigger->tgname, RelationGetRelationName(rel),
							i == 0 ? "previous" : i == 1 ? "since" : "direction",
							qx_str_brief(args[i == 0 ? 2 : i == 1 ? 3 : 4])),
					 errhint("The trigger writes previous, since and direction: make them plain columns.")));
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

/*
 * What one trigger call keeps between rows of a statement (fn_extra): the
 * executor state that evaluates a generated segment column's expression and
 * the partition constraint, and the partitioned table at the top.
 */
typedef struct SegmentCache
{
	Oid			relid;
	EState	   *estate;
	TupleTableSlot *slot;
	ExprState  *generated;		/* the segment's generation expression, or NULL */
	ResultRelInfo *rri;			/* for the partition check, or NULL */
	Oid			root;			/* top partitioned table, InvalidOid if none */
} SegmentCache;

static SegmentCache *
segment_cache(FunctionCallInfo fcinfo, TriggerData *trigdata, int segment)
{
	Relation	rel = trigdata->tg_relation;
	SegmentCache *cache = (SegmentCache *) fcinfo->flinfo->fn_extra;
	MemoryContext old;

	if (cache && cache->relid == RelationGetRelid(rel))
		return cache;
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	cache = palloc0(sizeof(SegmentCache));
	cache->relid = RelationGetRelid(rel);
	cache->estate = CreateExecutorState();
	/* a copy: the relation's own descriptor would stay pinned by the slot */
	cache->slot = MakeSingleTupleTableSlot(CreateTupleDescCopy(RelationGetDescr(rel)),
										   &TTSOpsHeapTuple);
	if (TupleDescAttr(RelationGetDescr(rel), segment - 1)->attgenerated == ATTRIBUTE_GENERATED_STORED)
	{
		Node	   *expr = build_column_default(rel, segment);

		if (expr == NULL)
			elog(ERROR, "flag_segment_change: no generation expression for column %d of \"%s\"",
				 segment, RelationGetRelationName(rel));
		cache->generated = ExecPrepareExpr((Expr *) expr, cache->estate);
	}
	if (rel->rd_rel->relispartition)
	{
		List	   *ancestors = get_partition_ancestors(RelationGetRelid(rel));

		cache->root = llast_oid(ancestors);
		cache->rri = makeNode(ResultRelInfo);
		InitResultRelInfo(cache->rri, rel, 1, NULL, 0);
	}
	MemoryContextSwitchTo(old);
	fcinfo->flinfo->fn_extra = cache;
	return cache;
}

/*
 * The segment of the row being written: the column's value, or for a STORED
 * generated column its expression over the row (what PostgreSQL will store).
 */
static text *
new_segment_value(SegmentCache *cache, HeapTuple tuple, TupleDesc tupdesc, int attnum)
{
	ExprContext *econtext;
	Datum		value;
	bool		isnull;
	text	   *result;

	if (cache->generated == NULL)
		return segment_value(tuple, tupdesc, attnum);
	econtext = GetPerTupleExprContext(cache->estate);
	ExecStoreHeapTuple(tuple, cache->slot, false);
	econtext->ecxt_scantuple = cache->slot;
	value = ExecEvalExprSwitchContext(cache->generated, econtext, &isnull);
	result = isnull ? NULL : (text *) PG_DETOAST_DATUM_COPY(value);
	ResetExprContext(econtext);
	ExecClearTuple(cache->slot);
	return result;
}

/* Does the row still fit the partition it is updated in? */
static bool
fits_partition(SegmentCache *cache, HeapTuple tuple)
{
	bool		fits;

	ExecStoreHeapTuple(tuple, cache->slot, false);
	fits = ExecPartitionCheck(cache->rri, cache->slot, cache->estate, false);
	ResetExprContext(GetPerTupleExprContext(cache->estate));
	ExecClearTuple(cache->slot);
	return fits;
}

/* An update's values waiting for the INSERT of a move to another partition. */
static struct
{
	bool		valid;
	Oid			root;
	char		tgname[NAMEDATALEN];
	text	   *segment;		/* in TopMemoryContext, or NULL */
	Datum		values[3];		/* previous, since, direction */
	bool		nulls[3];
}			pending;
static bool pending_callbacks = false;

static void
pending_clear(void)
{
	if (pending.segment)
		pfree(pending.segment);
	pending.segment = NULL;
	for (int i = 0; i < 3; i += 2)
		if (!pending.nulls[i] && pending.values[i])
			pfree(DatumGetPointer(pending.values[i]));
	memset(pending.values, 0, sizeof(pending.values));
	memset(pending.nulls, true, sizeof(pending.nulls));
	pending.valid = false;
}

static void
pending_xact(XactEvent event, void *arg)
{
	if (pending.valid)
		pending_clear();
}

static void
pending_subxact(SubXactEvent event, SubTransactionId mySubid,
				SubTransactionId parentSubid, void *arg)
{
	if (pending.valid && event == SUBXACT_EVENT_ABORT_SUB)
		pending_clear();
}

static void
pending_set(SegmentCache *cache, Trigger *trigger, const text *segment,
			const Datum *values, const bool *nulls)
{
	MemoryContext old;

	if (!pending_callbacks)
	{
		RegisterXactCallback(pending_xact, NULL);
		RegisterSubXactCallback(pending_subxact, NULL);
		pending_callbacks = true;
	}
	pending_clear();
	old = MemoryContextSwitchTo(TopMemoryContext);
	pending.root = cache->root;
	strlcpy(pending.tgname, trigger->tgname, NAMEDATALEN);
	pending.segment = segment ? (text *) PG_DETOAST_DATUM_COPY(PointerGetDatum(segment)) : NULL;
	for (int i = 0; i < 3; i++)
	{
		pending.nulls[i] = nulls[i];
		pending.values[i] = nulls[i] ? (Datum) 0 :
			(i == 1 ? values[i] : PointerGetDatum(PG_DETOAST_DATUM_COPY(values[i])));
	}
	pending.valid = true;
	MemoryContextSwitchTo(old);
}

/* Is this INSERT the second half of the pending move?  Clears it either way. */
static bool
pending_take(SegmentCache *cache, Trigger *trigger, const text *segment,
			 Datum *values, bool *nulls)
{
	bool		match;

	if (!pending.valid)
		return false;
	match = cache->root == pending.root && strcmp(trigger->tgname, pending.tgname) == 0 &&
		!segments_distinct(segment, pending.segment);
	if (match)
		for (int i = 0; i < 3; i++)
		{
			nulls[i] = pending.nulls[i];
			values[i] = nulls[i] ? (Datum) 0 :
				(i == 1 ? pending.values[i] : datumCopy(pending.values[i], false, -1));
		}
	pending_clear();
	return match;
}

static Datum segment_change(FunctionCallInfo fcinfo, bool rule_1_3);

PG_FUNCTION_INFO_V1(flag_segment_change);
/* 1.2's trigger: directions by rank alone (segment_direction of 1.2) */
Datum
flag_segment_change(PG_FUNCTION_ARGS)
{
	return segment_change(fcinfo, false);
}

PG_FUNCTION_INFO_V1(flag_segment_change_1_3);
/* 1.3's: directions by 1.3's segment_direction */
Datum
flag_segment_change_1_3(PG_FUNCTION_ARGS)
{
	return segment_change(fcinfo, true);
}

/*
 * flag_segment_change() trigger.  INSERT: previous and direction NULL, since
 * now.  UPDATE that changes the segment: previous the old segment, since now,
 * direction segment_direction(kind, old, new).  UPDATE that does not: the
 * three columns keep their old values, whatever the statement wrote.  The
 * INSERT of an UPDATE that moves the row to another partition keeps what the
 * UPDATE set.
 */
static Datum
segment_change(FunctionCallInfo fcinfo, bool rule_1_3)
{
	TriggerData *trigdata = qx_row_trigger(fcinfo, "flag_segment_change", 4, 5, USAGE);
	Relation	rel = trigdata->tg_relation;
	TupleDesc	tupdesc = RelationGetDescr(rel);
	SegmentColumns c;
	SegmentCache *cache;
	HeapTuple	tuple;
	int			attnums[3];
	Datum		values[3];
	bool		nulls[3] = {0};
	int			ncols;

	segment_columns(fcinfo, trigdata, &c, rule_1_3);
	cache = segment_cache(fcinfo, trigdata, c.segment);
	attnums[0] = c.previous;
	attnums[1] = c.since;
	attnums[2] = c.direction;
	ncols = c.direction ? 3 : 2;

	if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
	{
		tuple = trigdata->tg_trigtuple;
		if (!(cache->rri && pending.valid &&
			  pending_take(cache, trigdata->tg_trigger,
						   new_segment_value(cache, tuple, tupdesc, c.segment), values, nulls)))
		{
			nulls[0] = true;
			values[1] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
			nulls[1] = false;
			nulls[2] = true;
		}
	}
	else
	{
		HeapTuple	oldtuple = trigdata->tg_trigtuple;
		text	   *old_seg = segment_value(oldtuple, tupdesc, c.segment);
		text	   *new_seg;

		tuple = trigdata->tg_newtuple;
		new_seg = new_segment_value(cache, tuple, tupdesc, c.segment);
		if (segments_distinct(old_seg, new_seg))
		{
			const char *dir = qx_segment_direction(c.labels, c.kind, old_seg, new_seg, rule_1_3);

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
		if (!c.direction)
		{
			values[2] = (Datum) 0;
			nulls[2] = true;
		}
		if (pending.valid)
			pending_clear();
		/* a move to another partition: its INSERT keeps these values */
		if (cache->rri && !fits_partition(cache, tuple))
			pending_set(cache, trigdata->tg_trigger, new_seg, values, nulls);
	}
	return PointerGetDatum(heap_modify_tuple_by_cols(tuple, tupdesc, ncols, attnums,
													 values, nulls));
}
