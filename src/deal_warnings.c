/*
 * deal_warnings.c
 *		The deal diary (SPEC §14, doc/deal_diary.md): deal_warnings(), the
 *		warning codes a deal's diary raises on a day, and flag_deal_warnings(),
 *		a BEFORE INSERT OR UPDATE ... FOR EACH ROW trigger that keeps them (and
 *		the time they were first raised) on the deal's row.
 *
 * The codes are the catalog kind deal_warning (labels.c), most urgent first;
 * a warning set is a bit mask whose bit k is the code of rank k + 1, so the
 * array built from it is in catalog order by construction.
 *
 * Trigger arguments: (warnings_column, since_column, 'param=column', ...),
 * param any of deal_warnings' parameters but as_of; stale_days,
 * stage_norm_days and lift_threshold also take a literal number
 * ('stale_days=7').  Column types accepted:
 *	warnings		text[]
 *	since			timestamptz
 *	dates			date
 *	problem, temperature	text or varchar
 *	lift, lift_threshold	float8, float4 or numeric
 *	day and count numbers	int2, int4 or int8
 */
#include "postgres.h"

#include "pg_compat.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "quota_ext.h"
#include "state_codec.h"
#include "trigger_args.h"

/* The warning codes in catalog rank order (labels.c, kind deal_warning). */
enum
{
	W_NEXT_STEP_OVERDUE,
	W_NO_NEXT_STEP,
	W_PROMISE_OVERDUE,
	W_PAST_CLOSE_DATE,
	W_REANIMATION,
	W_COLD,
	W_NO_ACTIVITY,
	W_STALLED_IN_STAGE,
	W_PUSHED,
	W_SINGLE_THREADED,
	W_NO_PROBLEM,
	W_NO_TEMPERATURE,
	W_NO_LIFT,
	NWARNINGS
};

static const char *const warning_codes[NWARNINGS] = {
	"next_step_overdue", "no_next_step", "promise_overdue", "past_close_date",
	"reanimation", "cold", "no_activity", "stalled_in_stage", "pushed",
	"single_threaded", "no_problem", "no_temperature", "no_lift"
};

/* deal_warnings' parameters after as_of, in argument order. */
enum
{
	P_NEXT_CONTACT,
	P_PROBLEM,
	P_PROMISE_DUE,
	P_TEMPERATURE,
	P_LIFT,
	P_LAST_ACTIVITY,
	P_STAGE_ENTERED,
	P_STAGE_NORM_DAYS,
	P_CLOSE_DATE,
	P_PUSHES,
	P_CONTACTS,
	P_STALE_DAYS,
	P_LIFT_THRESHOLD,
	NPARAMS
};

typedef enum ParamType
{
	PT_DATE,
	PT_TEXT,
	PT_FLOAT,
	PT_INT
} ParamType;

typedef struct ParamInfo
{
	const char *name;
	ParamType	type;
	bool		literal_ok;		/* may the trigger map it to a number? */
} ParamInfo;

static const ParamInfo params[NPARAMS] = {
	{"next_contact", PT_DATE, false},
	{"problem", PT_TEXT, false},
	{"promise_due", PT_DATE, false},
	{"temperature", PT_TEXT, false},
	{"lift", PT_FLOAT, false},
	{"last_activity", PT_DATE, false},
	{"stage_entered", PT_DATE, false},
	{"stage_norm_days", PT_INT, true},
	{"close_date", PT_DATE, false},
	{"pushes", PT_INT, false},
	{"contacts", PT_INT, false},
	{"stale_days", PT_INT, true},
	{"lift_threshold", PT_FLOAT, true},
};

#define PARAM_NAMES "next_contact, problem, promise_due, temperature, lift, last_activity, " \
	"stage_entered, stage_norm_days, close_date, pushes, contacts, stale_days and lift_threshold"

/*
 * One deal's diary as deal_warnings reads it.  A parameter that is absent
 * (present[p] false) is NULL; one that is untracked (tracked[p] false: a
 * trigger that does not map it) raises no warning even where its NULL
 * would.  Dates and integers are in ival, floats in fval, texts in tval.
 */
typedef struct Diary
{
	bool		tracked[NPARAMS];
	bool		present[NPARAMS];
	int64		ival[NPARAMS];
	double		fval[NPARAMS];
	const text *tval[NPARAMS];
} Diary;

/* Temperature codes, catalog kind temperature, in rank order. */
static const char *const temperature_codes[] = {"hot", "warm", "cool", "cold"};

/* The rank - 1 of a temperature code; 22023 for any other text. */
static int
temperature_index(const text *t)
{
	int			len = VARSIZE_ANY_EXHDR(t);

	for (int i = 0; i < (int) lengthof(temperature_codes); i++)
		if (len == (int) strlen(temperature_codes[i]) &&
			memcmp(VARDATA_ANY(t), temperature_codes[i], len) == 0)
			return i;
	qx_bad_arg("The temperatures are hot, warm, cool and cold (catalog kind temperature); NULL when not known.",
			   "temperature must be hot, warm, cool or cold, got \"%s\"",
			   qx_str_brief(text_to_cstring(t)));
	return -1;					/* keep compiler quiet */
}

/* Is the text empty or only ASCII white space? */
static bool
text_blank(const text *t)
{
	const char *p = VARDATA_ANY(t);
	int			len = VARSIZE_ANY_EXHDR(t);

	for (int i = 0; i < len; i++)
		if (!(p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r' ||
			  p[i] == '\v' || p[i] == '\f'))
			return false;
	return true;
}

/* Bad values are errors whether or not a rule would use them. */
static void
check_diary(const Diary *d)
{
	static const int counts[] = {P_STAGE_NORM_DAYS, P_PUSHES, P_CONTACTS, P_STALE_DAYS};

	for (int i = 0; i < (int) lengthof(counts); i++)
	{
		int			p = counts[i];

		if (d->present[p] && d->ival[p] < 0)
			qx_bad_arg(NULL, "%s must not be negative, got " INT64_FORMAT,
					   params[p].name, d->ival[p]);
	}
	if (d->present[P_LIFT])
	{
		double		lift = d->fval[P_LIFT];

		if (isnan(lift) || lift < 0)
			qx_bad_arg("lift is lift_index(agreement, objections): 0 or more, Infinity with no objection open.",
					   "lift must be 0 or more, got %s", qx_float_str(lift));
	}
	if (d->present[P_LIFT_THRESHOLD])
	{
		double		threshold = d->fval[P_LIFT_THRESHOLD];

		if (!isfinite(threshold) || threshold <= 0)
			qx_bad_arg("The usual threshold is 0.4.",
					   "lift_threshold must be a finite number greater than 0, got %s",
					   qx_float_str(threshold));
	}
}

/* Is the date before as_of - days (days >= 0; no overflow in int64)? */
static inline bool
older_than(int64 date, int64 days, DateADT as_of)
{
	return date + days < (int64) as_of;
}

/* The warning set of a diary on as_of (a finite date), bit k = rank k + 1. */
static uint32
diary_warnings(DateADT as_of, const Diary *d)
{
	uint32		w = 0;

#define ON(p) (d->tracked[p] && d->present[p])
#define MISSING(p) (d->tracked[p] && !d->present[p])

	check_diary(d);
	if (MISSING(P_NEXT_CONTACT))
		w |= 1u << W_NO_NEXT_STEP;
	else if (ON(P_NEXT_CONTACT) && older_than(d->ival[P_NEXT_CONTACT], 0, as_of))
		w |= 1u << W_NEXT_STEP_OVERDUE;
	if (MISSING(P_PROBLEM) || (ON(P_PROBLEM) && text_blank(d->tval[P_PROBLEM])))
		w |= 1u << W_NO_PROBLEM;
	if (ON(P_PROMISE_DUE) && older_than(d->ival[P_PROMISE_DUE], 0, as_of))
		w |= 1u << W_PROMISE_OVERDUE;
	if (MISSING(P_TEMPERATURE))
		w |= 1u << W_NO_TEMPERATURE;
	else if (ON(P_TEMPERATURE) && temperature_index(d->tval[P_TEMPERATURE]) == 3)
		w |= 1u << W_COLD;
	if (MISSING(P_LIFT))
		w |= 1u << W_NO_LIFT;
	else if (ON(P_LIFT) && ON(P_LIFT_THRESHOLD) && d->fval[P_LIFT] < d->fval[P_LIFT_THRESHOLD])
		w |= 1u << W_REANIMATION;
	if (ON(P_LAST_ACTIVITY) && ON(P_STALE_DAYS) &&
		older_than(d->ival[P_LAST_ACTIVITY], d->ival[P_STALE_DAYS], as_of))
		w |= 1u << W_NO_ACTIVITY;
	if (ON(P_STAGE_ENTERED) && ON(P_STAGE_NORM_DAYS) &&
		older_than(d->ival[P_STAGE_ENTERED], d->ival[P_STAGE_NORM_DAYS], as_of))
		w |= 1u << W_STALLED_IN_STAGE;
	if (ON(P_CLOSE_DATE) && older_than(d->ival[P_CLOSE_DATE], 0, as_of))
		w |= 1u << W_PAST_CLOSE_DATE;
	if (ON(P_PUSHES) && d->ival[P_PUSHES] >= 2)
		w |= 1u << W_PUSHED;
	if (ON(P_CONTACTS) && d->ival[P_CONTACTS] <= 1)
		w |= 1u << W_SINGLE_THREADED;
#undef ON
#undef MISSING
	return w;
}

/* The text[] of a warning set, codes in rank order; '{}' when empty. */
static ArrayType *
warnings_array(FunctionCallInfo fcinfo, uint32 w)
{
	Datum		elems[NWARNINGS];
	int			n = 0;

	for (int k = 0; k < NWARNINGS; k++)
		if (w & (1u << k))
			elems[n++] = fcinfo ? qx_label_datum(fcinfo, warning_codes, NWARNINGS, k)
				: CStringGetTextDatum(warning_codes[k]);
	if (n == 0)
		return construct_empty_array(TEXTOID);
	return construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT);
}

PG_FUNCTION_INFO_V1(deal_warnings);
/*
 * deal_warnings(as_of, next_contact, problem, promise_due, temperature,
 * lift, last_activity, stage_entered, stage_norm_days, close_date, pushes,
 * contacts, stale_days, lift_threshold) -> text[].  Not STRICT: a NULL in
 * the diary is itself a warning, a NULL optional argument is not tracked;
 * a NULL as_of gives NULL.
 */
Datum
deal_warnings(PG_FUNCTION_ARGS)
{
	Diary		d;
	DateADT		as_of;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	as_of = PG_GETARG_DATEADT(0);
	qx_require_finite_date(as_of, "as_of");

	for (int p = 0; p < NPARAMS; p++)
	{
		int			arg = p + 1;

		d.tracked[p] = true;
		d.present[p] = !PG_ARGISNULL(arg);
		d.ival[p] = 0;
		d.fval[p] = 0;
		d.tval[p] = NULL;
		if (!d.present[p])
			continue;
		switch (params[p].type)
		{
			case PT_DATE:
				d.ival[p] = PG_GETARG_DATEADT(arg);
				break;
			case PT_INT:
				d.ival[p] = PG_GETARG_INT32(arg);
				break;
			case PT_FLOAT:
				d.fval[p] = PG_GETARG_FLOAT8(arg);
				break;
			case PT_TEXT:
				d.tval[p] = PG_GETARG_TEXT_PP(arg);
				break;
		}
	}
	PG_RETURN_ARRAYTYPE_P(warnings_array(fcinfo, diary_warnings(as_of, &d)));
}

/* ---------------------------------------------------------------------
 * flag_deal_warnings() trigger
 * --------------------------------------------------------------------- */

#define USAGE "(warnings_column, since_column, 'param=column', ...)"

/*
 * A trigger's arguments, checked once per trigger and table and kept in
 * fn_extra for the rest of the statement: the column of each mapped
 * parameter (0 when unmapped or a literal) and the literals.
 */
typedef struct WarningsTrigger
{
	Oid			tgoid;
	Oid			relid;
	int			warnings;
	int			since;
	int			column[NPARAMS];
	Oid			coltype[NPARAMS];
	bool		mapped[NPARAMS];
	bool		literal[NPARAMS];
	int64		lit_ival[NPARAMS];
	double		lit_fval[NPARAMS];
	TimestampTz xact_start;		/* the transaction today was computed for */
	DateADT		today;
} WarningsTrigger;

/* 22023 naming the trigger and the table. */
#define trigger_arg_error(trigger, rel, hint, ...) \
	ereport(ERROR, \
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE), \
			 errmsg("trigger \"%s\" on table \"%s\": %s", (trigger)->tgname, \
					RelationGetRelationName(rel), psprintf(__VA_ARGS__)), \
			 errhint("%s", (hint))))

/* A literal number for param p (stale_days, stage_norm_days, lift_threshold). */
static void
trigger_literal(Trigger *trigger, Relation rel, WarningsTrigger *wt, int p, const char *value)
{
	wt->literal[p] = true;
	if (params[p].type == PT_INT)
	{
		if (!qx_parse_int64(value, 0, PG_INT32_MAX, &wt->lit_ival[p]))
			trigger_arg_error(trigger, rel, "Write a whole number of days, e.g. 'stale_days=7'.",
							  "%s must be a whole number of days from 0 to %d, got \"%s\"",
							  params[p].name, PG_INT32_MAX, qx_str_brief(value));
	}
	else if (!qx_parse_float8(value, &wt->lit_fval[p]) || !(wt->lit_fval[p] > 0))
		trigger_arg_error(trigger, rel, "The usual threshold is 0.4.",
						  "%s must be a finite number greater than 0, got \"%s\"",
						  params[p].name, qx_str_brief(value));
}

/* Does the value of a 'param=value' argument read as a number? */
static bool
looks_numeric(const char *s)
{
	return (*s >= '0' && *s <= '9') || *s == '-' || *s == '+' || *s == '.';
}

/* One 'param=column' (or 'param=number') argument. */
static void
trigger_mapping(TriggerData *trigdata, WarningsTrigger *wt, const char *arg)
{
	static const Oid date_types[] = {DATEOID};
	static const Oid text_types[] = {TEXTOID, VARCHAROID};
	static const Oid float_types[] = {FLOAT8OID, FLOAT4OID, NUMERICOID};
	static const Oid int_types[] = {INT2OID, INT4OID, INT8OID};
	Trigger    *trigger = trigdata->tg_trigger;
	Relation	rel = trigdata->tg_relation;
	const char *eq = strchr(arg, '=');
	char	   *name;
	char	   *value;
	int			p;

	if (eq == NULL)
		trigger_arg_error(trigger, rel, "Map a parameter to a column as 'param=column', e.g. 'next_contact=next_call'.",
						  "argument \"%s\" is not of the form param=column", qx_str_brief(arg));
	name = pnstrdup(arg, eq - arg);
	value = pstrdup(eq + 1);
	/* spaces around the name and the value are layout, not part of them */
	name = text_to_cstring(DatumGetTextPP(DirectFunctionCall1(btrim1, CStringGetTextDatum(name))));
	value = text_to_cstring(DatumGetTextPP(DirectFunctionCall1(btrim1, CStringGetTextDatum(value))));

	for (p = 0; p < NPARAMS; p++)
		if (strcmp(name, params[p].name) == 0)
			break;
	if (p == NPARAMS && strcmp(name, "as_of") == 0)
		trigger_arg_error(trigger, rel, "The trigger computes the warnings as of the transaction's date.",
						  "as_of cannot be mapped");
	else if (p == NPARAMS)
		trigger_arg_error(trigger, rel, "The parameters are " PARAM_NAMES ".",
						  "\"%s\" is not a parameter of deal_warnings", qx_str_brief(name));
	else if (wt->mapped[p])
		trigger_arg_error(trigger, rel, "Map each parameter once.",
						  "parameter %s is mapped twice", params[p].name);
	else
		wt->mapped[p] = true;
	if (p == NPARAMS)
		return;					/* not reached: the errors above */
	if (*value == '\0')
		trigger_arg_error(trigger, rel, "Map a parameter to a column as 'param=column', e.g. 'next_contact=next_call'.",
						  "parameter %s has no column", params[p].name);

	if (looks_numeric(value))
	{
		if (!params[p].literal_ok)
			trigger_arg_error(trigger, rel, "Only stale_days, stage_norm_days and lift_threshold take a number; map the others to columns.",
							  "parameter %s takes a column, got \"%s\"", params[p].name,
							  qx_str_brief(value));
		trigger_literal(trigger, rel, wt, p, value);
		return;
	}
	switch (params[p].type)
	{
		case PT_DATE:
			wt->column[p] = qx_trigger_column(trigdata, value, params[p].name, date_types,
											  lengthof(date_types), "date", USAGE);
			break;
		case PT_TEXT:
			wt->column[p] = qx_trigger_column(trigdata, value, params[p].name, text_types,
											  lengthof(text_types),
											  "text or character varying", USAGE);
			break;
		case PT_FLOAT:
			wt->column[p] = qx_trigger_column(trigdata, value, params[p].name, float_types,
											  lengthof(float_types),
											  "double precision, real or numeric", USAGE);
			break;
		case PT_INT:
			wt->column[p] = qx_trigger_column(trigdata, value, params[p].name, int_types,
											  lengthof(int_types),
											  "smallint, integer or bigint", USAGE);
			break;
	}
	wt->coltype[p] = SPI_gettypeid(RelationGetDescr(rel), wt->column[p]);
}

/* The checked arguments of this trigger on this table, from fn_extra or parsed now. */
static WarningsTrigger *
warnings_trigger(FunctionCallInfo fcinfo, TriggerData *trigdata)
{
	static const Oid warnings_types[] = {TEXTARRAYOID};
	static const Oid since_types[] = {TIMESTAMPTZOID};
	Trigger    *trigger = trigdata->tg_trigger;
	Relation	rel = trigdata->tg_relation;
	WarningsTrigger *wt = (WarningsTrigger *) fcinfo->flinfo->fn_extra;
	MemoryContext old;

	if (wt != NULL && wt->tgoid == trigger->tgoid && wt->relid == RelationGetRelid(rel))
		return wt;

	wt = palloc0(sizeof(WarningsTrigger));
	wt->warnings = qx_trigger_column(trigdata, trigger->tgargs[0], "warnings", warnings_types,
									 lengthof(warnings_types), "text[]", USAGE);
	wt->since = qx_trigger_column(trigdata, trigger->tgargs[1], "since", since_types,
								  lengthof(since_types), "timestamp with time zone", USAGE);
	for (int i = 2; i < trigger->tgnargs; i++)
		trigger_mapping(trigdata, wt, trigger->tgargs[i]);
	/* no parameter can read warnings or since: no parameter takes their types */
	wt->tgoid = trigger->tgoid;
	wt->relid = RelationGetRelid(rel);

	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	fcinfo->flinfo->fn_extra = palloc(sizeof(WarningsTrigger));
	MemoryContextSwitchTo(old);
	memcpy(fcinfo->flinfo->fn_extra, wt, sizeof(WarningsTrigger));
	return (WarningsTrigger *) fcinfo->flinfo->fn_extra;
}

/* A float column's value (lift, lift_threshold). */
static double
float_value(Datum v, Oid typid)
{
	switch (typid)
	{
		case FLOAT8OID:
			return DatumGetFloat8(v);
		case FLOAT4OID:
			return (double) DatumGetFloat4(v);
		case NUMERICOID:
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8, v));
	}
	elog(ERROR, "flag_deal_warnings: unexpected float type %u", typid);
	return 0;
}

/* An integer column's value. */
static int64
int_value(Datum v, Oid typid)
{
	switch (typid)
	{
		case INT2OID:
			return DatumGetInt16(v);
		case INT4OID:
			return DatumGetInt32(v);
		case INT8OID:
			return DatumGetInt64(v);
	}
	elog(ERROR, "flag_deal_warnings: unexpected integer type %u", typid);
	return 0;
}

/*
 * The diary of a row (its deformed values) as the trigger maps it;
 * unmapped parameters take their defaults.
 */
static void
row_diary(const WarningsTrigger *wt, const Datum *values, const bool *nulls, Diary *d)
{
	for (int p = 0; p < NPARAMS; p++)
	{
		Datum		v;

		d->tracked[p] = true;
		d->present[p] = false;
		d->ival[p] = 0;
		d->fval[p] = 0;
		d->tval[p] = NULL;
		if (wt->literal[p])
		{
			d->present[p] = true;
			d->ival[p] = wt->lit_ival[p];
			d->fval[p] = wt->lit_fval[p];
			continue;
		}
		if (!wt->mapped[p])
		{
			/* the defaults: stale_days 14, lift_threshold 0.4; the diary untracked */
			if (p == P_STALE_DAYS)
				d->present[p] = true, d->ival[p] = 14;
			else if (p == P_LIFT_THRESHOLD)
				d->present[p] = true, d->fval[p] = 0.4;
			else if (p <= P_LIFT)
				d->tracked[p] = false;
			continue;
		}
		if (nulls[wt->column[p] - 1])
			continue;
		v = values[wt->column[p] - 1];
		d->present[p] = true;
		switch (params[p].type)
		{
			case PT_DATE:
				d->ival[p] = DatumGetDateADT(v);
				break;
			case PT_INT:
				d->ival[p] = int_value(v, wt->coltype[p]);
				break;
			case PT_FLOAT:
				d->fval[p] = float_value(v, wt->coltype[p]);
				break;
			case PT_TEXT:
				d->tval[p] = (text *) pg_detoast_datum_packed((struct varlena *) DatumGetPointer(v));
				break;
		}
	}
}

/*
 * The warning set a warnings column holds, as a mask; -1 when it is not
 * exactly a set of known codes in rank order (NULL elements, unknown or
 * repeated codes, another order).  NULL and '{}' are the empty set.
 */
static int64
stored_warnings(Datum v, bool isnull)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			last = -1;
	int64		mask = 0;

	if (isnull)
		return 0;
	deconstruct_array(DatumGetArrayTypeP(v), TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		text	   *t;
		int			k;

		if (nulls[i])
			return -1;
		t = DatumGetTextPP(elems[i]);
		for (k = last + 1; k < NWARNINGS; k++)
			if (VARSIZE_ANY_EXHDR(t) == strlen(warning_codes[k]) &&
				memcmp(VARDATA_ANY(t), warning_codes[k], VARSIZE_ANY_EXHDR(t)) == 0)
				break;
		if (k == NWARNINGS)
			return -1;
		mask |= INT64CONST(1) << k;
		last = k;
	}
	return mask;
}

PG_FUNCTION_INFO_V1(flag_deal_warnings);
/*
 * flag_deal_warnings() trigger: warnings = deal_warnings(current_date, the
 * mapped columns); since the transaction timestamp when the set turns
 * non-empty, kept while it stays non-empty, NULL when it is empty.
 */
Datum
flag_deal_warnings(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = qx_row_trigger(fcinfo, "flag_deal_warnings", 2, 2 + NPARAMS, USAGE);
	TupleDesc	tupdesc = RelationGetDescr(trigdata->tg_relation);
	WarningsTrigger *wt = warnings_trigger(fcinfo, trigdata);
	TimestampTz xact_start = GetCurrentTransactionStartTimestamp();
	HeapTuple	tuple;
	HeapTuple	result;
	Datum	   *values;
	bool	   *nulls;
	Diary		d;
	uint32		w;
	Datum		since;
	bool		since_null;

	/* the transaction's date in the session time zone, once per transaction */
	if (wt->xact_start != xact_start || wt->today == 0)
	{
		wt->today = DatumGetDateADT(DirectFunctionCall1(timestamptz_date,
														TimestampTzGetDatum(xact_start)));
		wt->xact_start = xact_start;
	}

	tuple = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ? trigdata->tg_newtuple
		: trigdata->tg_trigtuple;
	values = palloc(tupdesc->natts * sizeof(Datum));
	nulls = palloc(tupdesc->natts * sizeof(bool));
	heap_deform_tuple(tuple, tupdesc, values, nulls);
	row_diary(wt, values, nulls, &d);
	w = diary_warnings(wt->today, &d);

	since = TimestampTzGetDatum(xact_start);
	since_null = false;
	if (w == 0)
		since_null = true;
	else if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		/* raised before: keep the time it was raised */
		HeapTuple	oldtuple = trigdata->tg_trigtuple;
		bool		old_since_null,
					old_w_null;
		Datum		old_since = heap_getattr(oldtuple, wt->since, tupdesc, &old_since_null);
		Datum		old_w = heap_getattr(oldtuple, wt->warnings, tupdesc, &old_w_null);

		if (!old_since_null && stored_warnings(old_w, old_w_null) != 0)
			since = old_since;
	}
	else
	{
		/*
		 * A row that arrives with this very warning set and a since (moved
		 * to another partition by an UPDATE, copied from another diary)
		 * keeps that since.
		 */
		if (!nulls[wt->since - 1] &&
			stored_warnings(values[wt->warnings - 1], nulls[wt->warnings - 1]) == (int64) w)
			since = values[wt->since - 1];
	}

	values[wt->warnings - 1] = PointerGetDatum(warnings_array(NULL, w));
	nulls[wt->warnings - 1] = false;
	values[wt->since - 1] = since;
	nulls[wt->since - 1] = since_null;
	result = heap_form_tuple(tupdesc, values, nulls);
	/* the identity of the row, as heap_modify_tuple keeps it */
	result->t_data->t_ctid = tuple->t_data->t_ctid;
	result->t_self = tuple->t_self;
	result->t_tableOid = tuple->t_tableOid;
	return PointerGetDatum(result);
}
