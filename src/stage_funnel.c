/*
 * stage_funnel.c
 *		The stage_funnel aggregate (SPEC §13, doc/funnel.md): per stage of a
 *		group's stage history, the deals that entered, advanced, were won,
 *		lost or are still open there, the conversion with and without the
 *		open deals, the probability of a win from the stage (p_win), and the
 *		Kaplan-Meier median and 80th percentile of the days spent in it;
 *		with stage_funnel_partial / stage_funnel_merge and the transferable
 *		state type stage_funnel_state (SPEC §7).
 *
 * A deal's highest stage and its spells need all of its rows, which may
 * arrive in any order and in different partial states, so the state keeps
 * the rows themselves: 24 bytes each in memory (deal_id, stage, entered_on,
 * closed_on, result), 21 on the wire, at most SF_MAX_ROWS per group.  A deal
 * with k stage rows costs 24k bytes (96 bytes for the usual 4).  The final
 * function sorts the rows by (deal_id, entered_on, stage) -- which is also
 * the order of a deal's spells, "ties: higher stage later" -- walks the
 * deals once, then sorts the spells by (stage, length) and walks each
 * stage's spells once for its Kaplan-Meier curve.  Merging states appends
 * rows: k states of N rows in all cost O(N) to merge and one sort at the
 * end, whatever k.
 *
 * Binary layout (serialize and the state type), rows in canonical order
 * (sorted by deal_id, entered_on, stage, result, closed_on):
 *		byte version (1), int32 as_of, int32 number of rows, then per row
 *		int64 deal_id, int32 stage, int32 entered_on, byte result (0 open,
 *		1 won, 2 lost), int32 closed_on (0 when open)
 * Text form:
 *		v1 as_of=YYYY-MM-DD rows=deal/stage/entered/closed|none/won|lost|open,...
 * or rows=none.  Input (text and binary) checks every row as the
 * transition does and that the rows of a deal agree on its result.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "quota_ext.h"
#include "aggregate.h"

#define SF_VERSION 1
#define SF_TYPE "stage_funnel_state"
#define SF_WIRE_ROW 21
#define SF_MAX_ROWS ((int64) (MaxAllocSize / sizeof(SfRow)))
/* S(t) <= q is read with this relative tolerance (SPEC §13) */
#define SF_TOLERANCE 1e-9

enum
{
	SF_OPEN = 0,
	SF_WON = 1,
	SF_LOST = 2
};

static const char *const sf_result_words[] = {"open", "won", "lost"};
/* the won argument that gives each result, for messages */
static const char *const sf_won_words[] = {"NULL", "true", "false"};

typedef struct SfRow
{
	int64		deal;
	int32		stage;
	DateADT		entered;
	DateADT		closed;			/* 0 when open */
	int32		result;			/* SF_OPEN, SF_WON, SF_LOST */
} SfRow;

StaticAssertDecl(sizeof(SfRow) == 24, "SfRow is 24 bytes");

typedef struct SfState
{
	DateADT		as_of;
	bool		sorted;			/* rows are in canonical order */
	int64		n;
	int64		cap;
	SfRow	   *rows;
} SfState;

static inline int
sf_row_cmp(const SfRow *a, const SfRow *b)
{
	if (a->deal != b->deal)
		return a->deal < b->deal ? -1 : 1;
	if (a->entered != b->entered)
		return a->entered < b->entered ? -1 : 1;
	if (a->stage != b->stage)
		return a->stage < b->stage ? -1 : 1;
	if (a->result != b->result)
		return a->result < b->result ? -1 : 1;
	if (a->closed != b->closed)
		return a->closed < b->closed ? -1 : 1;
	return 0;
}

#define ST_SORT sf_sort_rows
#define ST_ELEMENT_TYPE SfRow
#define ST_COMPARE(a, b) sf_row_cmp(a, b)
#define ST_SCOPE static
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

/* A spell in a stage: its length in days and whether it ended (else censored). */
typedef struct SfSpell
{
	int32		stage;
	int32		len;
	int32		event;
} SfSpell;

static inline int
sf_spell_cmp(const SfSpell *a, const SfSpell *b)
{
	if (a->stage != b->stage)
		return a->stage < b->stage ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return 0;
}

#define ST_SORT sf_sort_spells
#define ST_ELEMENT_TYPE SfSpell
#define ST_COMPARE(a, b) sf_spell_cmp(a, b)
#define ST_SCOPE static
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

static SfState *
sf_new(MemoryContext ctx, DateADT as_of, int64 cap)
{
	SfState    *st = MemoryContextAllocZero(ctx, sizeof(SfState));

	st->as_of = as_of;
	st->sorted = true;
	st->cap = Max(cap, 16);
	st->rows = MemoryContextAlloc(ctx, sizeof(SfRow) * st->cap);
	return st;
}

/* Room for extra more rows; the array lives in ctx. */
static void
sf_reserve(SfState *st, int64 extra, MemoryContext ctx)
{
	int64		need = st->n + extra;
	int64		cap = st->cap;

	if (need <= cap)
		return;
	if (need > SF_MAX_ROWS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("stage_funnel: a group holds more than " INT64_FORMAT " stage-history rows",
						SF_MAX_ROWS),
				 errhint("Aggregate smaller groups, e.g. one cohort or one team per group.")));
	while (cap < need)
		cap *= 2;
	cap = Min(cap, SF_MAX_ROWS);
	st->rows = (st->rows == NULL) ? MemoryContextAlloc(ctx, sizeof(SfRow) * cap)
		: repalloc(st->rows, sizeof(SfRow) * cap);
	st->cap = cap;
}

static void
sf_append(SfState *st, const SfRow *row, MemoryContext ctx)
{
	if (st->n == st->cap)
		sf_reserve(st, 1, ctx);
	if (st->sorted && st->n > 0 && sf_row_cmp(&st->rows[st->n - 1], row) > 0)
		st->sorted = false;
	st->rows[st->n++] = *row;
}

static void
sf_sort(SfState *st)
{
	if (!st->sorted)
	{
		sf_sort_rows(st->rows, st->n);
		st->sorted = true;
	}
}

/* The problem with one row (the transition's checks), or NULL. */
static const char *
sf_row_problem(const SfRow *r, DateADT as_of)
{
	if (DATE_NOT_FINITE(r->entered))
		return "entered_on is not a finite date";
	if (r->entered > as_of)
		return "a row is entered after as_of";
	if (r->result < SF_OPEN || r->result > SF_LOST)
		return "bad result";
	if (r->result == SF_OPEN)
		return r->closed != 0 ? "an open row has a closed_on" : NULL;
	if (DATE_NOT_FINITE(r->closed))
		return "closed_on is not a finite date";
	if (r->closed > as_of)
		return "a row is closed after as_of";
	if (r->entered > r->closed)
		return "a row is entered after its closed_on";
	return NULL;
}

/* First row of another deal after i, in sorted rows. */
static inline int64
sf_deal_end(const SfState *st, int64 i)
{
	int64		j = i + 1;

	while (j < st->n && st->rows[j].deal == st->rows[i].deal)
		j++;
	return j;
}

/* The deal of rows [i, j) disagrees on closed_on or won: 22023. */
pg_noreturn static void
sf_deal_disagrees(const SfRow *a, const SfRow *b)
{
	if (a->result != b->result)
		qx_bad_arg("Repeat the deal's final result (won, closed_on) on every one of its rows.",
				   "rows of deal_id " INT64_FORMAT " disagree on won: %s and %s",
				   a->deal, sf_won_words[a->result], sf_won_words[b->result]);
	qx_bad_arg("Repeat the deal's final result (won, closed_on) on every one of its rows.",
			   "rows of deal_id " INT64_FORMAT " disagree on closed_on: %s and %s",
			   a->deal, qx_date_str(Min(a->closed, b->closed)),
			   qx_date_str(Max(a->closed, b->closed)));
}

static bytea *
sf_encode(SfState *st)
{
	StringInfoData buf;

	sf_sort(st);
	/*
	 * A deal whose rows disagree on its result is refused here as
	 * stage_funnel refuses it, so that no state is written that its own
	 * input would refuse later (22P03).
	 */
	for (int64 i = 1; i < st->n; i++)
		if (st->rows[i].deal == st->rows[i - 1].deal &&
			(st->rows[i].result != st->rows[i - 1].result ||
			 st->rows[i].closed != st->rows[i - 1].closed))
			sf_deal_disagrees(&st->rows[i - 1], &st->rows[i]);
	pq_begintypsend(&buf);
	enlargeStringInfo(&buf, 9 + (int) st->n * SF_WIRE_ROW);
	pq_sendbyte(&buf, SF_VERSION);
	pq_sendint32(&buf, st->as_of);
	pq_sendint32(&buf, (int32) st->n);
	for (int64 i = 0; i < st->n; i++)
	{
		const SfRow *r = &st->rows[i];

		pq_sendint64(&buf, r->deal);
		pq_sendint32(&buf, r->stage);
		pq_sendint32(&buf, r->entered);
		pq_sendbyte(&buf, (uint8) r->result);
		pq_sendint32(&buf, r->closed);
	}
	return pq_endtypsend(&buf);
}

/* The problem with a decoded state (rows as read), or NULL. */
static const char *
sf_problem(const SfState *st)
{
	for (int64 i = 0; i < st->n; i++)
	{
		const SfRow *r = &st->rows[i];
		const char *p = sf_row_problem(r, st->as_of);

		if (p != NULL)
			return p;
		if (i > 0)
		{
			const SfRow *q = &st->rows[i - 1];

			if (sf_row_cmp(q, r) > 0)
				return "rows are not sorted by deal_id, entered_on, stage";
			if (q->deal == r->deal && (q->result != r->result || q->closed != r->closed))
				return "rows of one deal disagree on closed_on or won";
		}
	}
	return NULL;
}

static SfState *
sf_decode(const char *data, int len, MemoryContext ctx)
{
	QxReader	r;
	SfState    *st;
	const char *problem;
	DateADT		as_of;
	int32		n;

	qx_reader_begin(&r, data, len, SF_TYPE, SF_VERSION);
	as_of = qx_get_date(&r, "as_of");
	n = qx_get_int32(&r);
	if (n < 0 || n > SF_MAX_ROWS ||
		n != (len - r.pos) / SF_WIRE_ROW || (len - r.pos) % SF_WIRE_ROW != 0)
		qx_bad_binary(&r, "bad number of rows");
	st = sf_new(ctx, as_of, n);
	for (int32 i = 0; i < n; i++)
	{
		SfRow	   *row = &st->rows[i];

		row->deal = qx_get_int64(&r);
		row->stage = qx_get_int32(&r);
		row->entered = qx_get_int32(&r);
		row->result = qx_get_byte(&r);
		row->closed = qx_get_int32(&r);
	}
	qx_get_end(&r);
	st->n = n;
	if ((problem = sf_problem(st)) != NULL)
		qx_bad_binary(&r, problem);
	return st;
}

/* st += o: the rows of both; same as_of only */
static void
sf_combine_into(SfState *st, SfState *o, MemoryContext ctx)
{
	if (st->as_of != o->as_of)
		qx_param_mismatch("stage_funnel", "as_of", qx_date_str(st->as_of),
						  qx_date_str(o->as_of));
	if (o->n == 0)
		return;
	sf_reserve(st, o->n, ctx);
	if (st->sorted && st->n > 0 &&
		(!o->sorted || sf_row_cmp(&st->rows[st->n - 1], &o->rows[0]) > 0))
		st->sorted = false;
	else if (st->n == 0)
		st->sorted = o->sorted;
	memcpy(st->rows + st->n, o->rows, sizeof(SfRow) * o->n);
	st->n += o->n;
}

static SfState *
sf_copy(SfState *src, MemoryContext ctx)
{
	SfState    *st = sf_new(ctx, src->as_of, src->n);

	sf_combine_into(st, src, ctx);
	return st;
}

/* the aggregate's support functions and its X_merge pair: see aggregate.h */
QX_STATE_SUPPORT(stage_funnel, SfState, sf_encode, sf_decode, sf_copy, sf_combine_into);
QX_STATE_MERGE(stage_funnel, stage_funnel_final, NULL, NULL);

PG_FUNCTION_INFO_V1(stage_funnel_trans);
/*
 * stage_funnel_trans(state, deal_id, stage, entered_on, closed_on, won,
 * as_of): not strict.  A NULL as_of is an error; a row with a NULL deal_id,
 * stage or entered_on is skipped.
 */
Datum
stage_funnel_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "stage_funnel_trans");
	SfState    *st;
	DateADT		as_of;
	SfRow		row;

	as_of = DatumGetDateADT(qx_param(fcinfo, 6, "as_of"));
	if (PG_ARGISNULL(0))
	{
		qx_require_finite_date(as_of, "as_of");
		st = sf_new(ctx, as_of, 0);
	}
	else
	{
		st = (SfState *) PG_GETARG_POINTER(0);
		if (st->as_of != as_of)
			qx_param_changed("as_of", qx_date_str(st->as_of), qx_date_str(as_of));
	}
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_POINTER(st);
	row.deal = PG_GETARG_INT64(1);
	row.stage = PG_GETARG_INT32(2);
	row.entered = PG_GETARG_DATEADT(3);
	qx_require_finite_date(row.entered, "entered_on");
	if (row.entered > as_of)
		qx_bad_arg("Pass only the rows entered on or before as_of (WHERE entered_on <= as_of).",
				   "entered_on must not be after as_of %s, got %s for deal_id " INT64_FORMAT,
				   qx_date_str(as_of), qx_date_str(row.entered), row.deal);
	if (PG_ARGISNULL(4) != PG_ARGISNULL(5))
		qx_bad_arg("An open deal has NULL closed_on and NULL won; a closed one has both.",
				   "closed_on must be NULL exactly when won is NULL, got closed_on %s and won %s for deal_id " INT64_FORMAT,
				   PG_ARGISNULL(4) ? "NULL" : qx_date_str(PG_GETARG_DATEADT(4)),
				   PG_ARGISNULL(5) ? "NULL" : (PG_GETARG_BOOL(5) ? "true" : "false"),
				   row.deal);
	if (PG_ARGISNULL(4))
	{
		row.result = SF_OPEN;
		row.closed = 0;
	}
	else
	{
		row.result = PG_GETARG_BOOL(5) ? SF_WON : SF_LOST;
		row.closed = PG_GETARG_DATEADT(4);
		qx_require_finite_date(row.closed, "closed_on");
		if (row.closed > as_of)
			qx_bad_arg("A deal closed after as_of was open at as_of: pass NULL closed_on and won for it.",
					   "closed_on must not be after as_of %s, got %s for deal_id " INT64_FORMAT,
					   qx_date_str(as_of), qx_date_str(row.closed), row.deal);
		if (row.entered > row.closed)
			qx_bad_arg("A deal enters no stage after it closed.",
					   "entered_on must not be after closed_on %s, got %s for deal_id " INT64_FORMAT,
					   qx_date_str(row.closed), qx_date_str(row.entered), row.deal);
	}
	sf_append(st, &row, ctx);
	PG_RETURN_POINTER(st);
}

/* The tuple descriptor of stage_funnel_stage, cached in fn_extra. */
typedef struct SfResultType
{
	TupleDesc	desc;
	Oid			elemtype;
} SfResultType;

static SfResultType *
sf_result_type(FunctionCallInfo fcinfo)
{
	SfResultType *rt = (SfResultType *) fcinfo->flinfo->fn_extra;

	if (rt == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		Oid			arraytype = get_func_rettype(fcinfo->flinfo->fn_oid);

		rt = palloc(sizeof(SfResultType));
		rt->elemtype = get_element_type(arraytype);
		if (!OidIsValid(rt->elemtype))
			elog(ERROR, "stage_funnel: result type must be an array");
		rt->desc = BlessTupleDesc(lookup_rowtype_tupdesc_copy(rt->elemtype, -1));
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = rt;
	}
	return rt;
}

/* Per group stage: deals with highest stage there, by result; spells. */
typedef struct SfStage
{
	int32		stage;
	int64		at[3];			/* deals with h = stage: open, won, lost */
	int64		first_spell;	/* its spells in the sorted spell array */
	int64		nspells;
} SfStage;

/* Index of stage s among the group stages (it is there). */
static inline int
sf_stage_index(const SfStage *stages, int ns, int32 s)
{
	int			lo = 0,
				hi = ns - 1;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (stages[mid].stage < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Kaplan-Meier over spells sorted by length: the smallest length t with
 * S(t) <= q (relative tolerance SF_TOLERANCE) for q = 0.5 and 0.2.
 */
static void
sf_km(const SfSpell *sp, int64 n, bool *has_med, double *med, bool *has_p80, double *p80)
{
	double		s = 1.0;
	int64		at_risk = n;
	int64		i = 0;

	*has_med = *has_p80 = false;
	while (i < n && !*has_p80)
	{
		int32		t = sp[i].len;
		int64		d = 0,
					c = 0;

		for (; i < n && sp[i].len == t; i++)
		{
			if (sp[i].event)
				d++;
			else
				c++;
		}
		if (d > 0)
		{
			s *= 1.0 - (double) d / (double) at_risk;
			if (!*has_med && s <= 0.5 * (1.0 + SF_TOLERANCE))
			{
				*has_med = true;
				*med = t;
			}
			if (s <= 0.2 * (1.0 + SF_TOLERANCE))
			{
				*has_p80 = true;
				*p80 = t;
			}
		}
		at_risk -= d + c;
	}
}

static Datum
sf_result(FunctionCallInfo fcinfo, SfState *st)
{
	SfResultType *rt;
	SfSpell    *spells;
	SfStage    *stages;
	int			ns = 0;
	Datum	   *elems;
	double		p_next = 0.0;
	bool		p_next_null = false;
	int64		above = 0;

	if (st->n == 0)
		PG_RETURN_NULL();
	rt = sf_result_type(fcinfo);
	sf_sort(st);

	/* the spells, deal by deal; each deal's rows must agree on its result */
	spells = palloc(sizeof(SfSpell) * st->n);
	for (int64 i = 0; i < st->n;)
	{
		int64		j = sf_deal_end(st, i);
		const SfRow *last = &st->rows[j - 1];

		for (int64 k = i; k < j; k++)
		{
			const SfRow *r = &st->rows[k];
			DateADT		end;

			if (r->result != last->result || r->closed != last->closed)
				sf_deal_disagrees(r, last);
			if (k + 1 < j)
				end = st->rows[k + 1].entered;
			else
				end = r->result == SF_OPEN ? st->as_of : r->closed;
			spells[k].stage = r->stage;
			spells[k].len = (int32) ((int64) end - r->entered);
			spells[k].event = (k + 1 < j || r->result != SF_OPEN);
		}
		i = j;
	}
	sf_sort_spells(spells, st->n);

	/* the group stages, ascending, with their spells */
	for (int64 i = 0; i < st->n; i++)
		if (i == 0 || spells[i].stage != spells[i - 1].stage)
			ns++;
	stages = palloc0(sizeof(SfStage) * ns);
	ns = 0;
	for (int64 i = 0; i < st->n; i++)
	{
		if (ns == 0 || stages[ns - 1].stage != spells[i].stage)
		{
			stages[ns].stage = spells[i].stage;
			stages[ns].first_spell = i;
			ns++;
		}
		stages[ns - 1].nspells++;
	}

	/* each deal's highest stage, by result */
	for (int64 i = 0; i < st->n;)
	{
		int64		j = sf_deal_end(st, i);
		int32		h = st->rows[i].stage;

		for (int64 k = i + 1; k < j; k++)
			h = Max(h, st->rows[k].stage);
		stages[sf_stage_index(stages, ns, h)].at[st->rows[i].result]++;
		i = j;
	}

	/* from the top: entered = advanced + at, p_win from the next stage's */
	elems = palloc(sizeof(Datum) * ns);
	for (int s = ns - 1; s >= 0; s--)
	{
		SfStage    *g = &stages[s];
		int64		advanced = above;
		int64		open = g->at[SF_OPEN],
					won = g->at[SF_WON],
					lost = g->at[SF_LOST];
		int64		entered = advanced + open + won + lost;
		int64		closed_out = advanced + won + lost;
		Datum		values[11];
		bool		nulls[11] = {0};
		bool		has_med,
					has_p80;
		double		med = 0,
					p80 = 0;

		values[0] = Int32GetDatum(g->stage);
		values[1] = Int64GetDatum(entered);
		values[2] = Int64GetDatum(advanced);
		values[3] = Int64GetDatum(won);
		values[4] = Int64GetDatum(lost);
		values[5] = Int64GetDatum(open);
		if (closed_out > 0)
			values[6] = Float8GetDatum((double) (advanced + won) / (double) closed_out);
		else
			nulls[6] = true;
		values[7] = Float8GetDatum((double) (advanced + won) / (double) entered);
		if (closed_out == 0 || p_next_null)
			nulls[8] = p_next_null = true;
		else
		{
			p_next = ((double) won + (double) advanced * p_next) / (double) closed_out;
			values[8] = Float8GetDatum(p_next);
		}
		sf_km(spells + g->first_spell, g->nspells, &has_med, &med, &has_p80, &p80);
		values[9] = Float8GetDatum(med);
		nulls[9] = !has_med;
		values[10] = Float8GetDatum(p80);
		nulls[10] = !has_p80;
		elems[s] = HeapTupleGetDatum(heap_form_tuple(rt->desc, values, nulls));
		above = entered;
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, ns, rt->elemtype, -1, false, TYPALIGN_DOUBLE));
}

PG_FUNCTION_INFO_V1(stage_funnel_final);
/* The stage_funnel_stage array; NULL when no row was counted. */
Datum
stage_funnel_final(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	return sf_result(fcinfo, (SfState *) PG_GETARG_POINTER(0));
}

/* ---------------------------------------------------------------------
 * stage_funnel_state I/O
 * --------------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(stage_funnel_state_in);
Datum
stage_funnel_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	QxTextParser tp;
	SfState    *st;
	char	   *rows;
	char	   *item;
	const char *problem;

	qx_text_init(&tp, str, SF_TYPE, "v1");
	st = sf_new(CurrentMemoryContext, qx_text_date(&tp, "as_of"), 0);
	rows = qx_text_field(&tp, "rows");
	qx_text_end(&tp);
	if (strcmp(rows, "none") != 0)
	{
		while ((item = qx_next_item(&rows, ',')) != NULL)
		{
			char	   *f[5];
			char	   *rest = item;
			int			nf = 0;
			char	   *x;
			int64		v;
			SfRow		row;

			while ((x = qx_next_item(&rest, '/')) != NULL)
			{
				if (nf == 5)
					qx_bad_text(&tp, psprintf("Row \"%s\" has more than 5 fields.",
											  qx_str_brief(item)));
				f[nf++] = x;
			}
			if (nf != 5)
				qx_bad_text(&tp, psprintf("Row \"%s\" is not deal/stage/entered/closed/result.",
										  qx_str_brief(item)));
			if (!qx_parse_int64(f[0], PG_INT64_MIN, PG_INT64_MAX, &row.deal))
				qx_bad_text(&tp, psprintf("deal_id must be a bigint, got \"%s\".",
										  qx_str_brief(f[0])));
			if (!qx_parse_int64(f[1], PG_INT32_MIN, PG_INT32_MAX, &v))
				qx_bad_text(&tp, psprintf("stage must be an integer, got \"%s\".",
										  qx_str_brief(f[1])));
			row.stage = (int32) v;
			row.entered = qx_parse_date(&tp, f[2], "entered_on");
			if (strcmp(f[4], "open") == 0)
				row.result = SF_OPEN;
			else if (strcmp(f[4], "won") == 0)
				row.result = SF_WON;
			else if (strcmp(f[4], "lost") == 0)
				row.result = SF_LOST;
			else
				qx_bad_text(&tp, psprintf("result must be won, lost or open, got \"%s\".",
										  qx_str_brief(f[4])));
			if (row.result == SF_OPEN)
			{
				if (strcmp(f[3], "none") != 0)
					qx_bad_text(&tp, "An open row must have closed_on none.");
				row.closed = 0;
			}
			else
				row.closed = qx_parse_date(&tp, f[3], "closed_on");
			if (st->n >= SF_MAX_ROWS)
				qx_bad_text(&tp, "Too many rows.");
			sf_reserve(st, 1, CurrentMemoryContext);
			st->rows[st->n++] = row;
		}
	}
	problem = sf_problem(st);
	qx_text_finish(&tp, problem);
	PG_RETURN_POINTER(sf_encode(st));
}

PG_FUNCTION_INFO_V1(stage_funnel_state_out);
Datum
stage_funnel_state_out(PG_FUNCTION_ARGS)
{
	SfState    *st = qx_state_from_datum(PG_GETARG_DATUM(0), stage_funnel_decode_any);
	StringInfo	buf = qx_text_out_begin("v1", st->as_of);

	appendStringInfoString(buf, " rows=");
	if (st->n == 0)
		appendStringInfoString(buf, "none");
	for (int64 i = 0; i < st->n; i++)
	{
		const SfRow *r = &st->rows[i];

		if (i > 0)
			appendStringInfoChar(buf, ',');
		appendStringInfo(buf, INT64_FORMAT "/%d/", r->deal, r->stage);
		qx_append_date(buf, r->entered);
		appendStringInfoChar(buf, '/');
		if (r->result == SF_OPEN)
			appendStringInfoString(buf, "none");
		else
			qx_append_date(buf, r->closed);
		appendStringInfo(buf, "/%s", sf_result_words[r->result]);
	}
	PG_RETURN_CSTRING(buf->data);
}
