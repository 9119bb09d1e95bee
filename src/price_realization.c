/*
 * price_realization.c
 *		The price_realization aggregate (SPEC §17, doc/margin.md): the price
 *		waterfall of a set of deals -- list, net and discount totals (exact),
 *		realisation, the median and 90th percentile of the per-deal discount
 *		share, the margin over the deals with a cost and the pocket margin,
 *		and the deals discounted beyond a floor; with price_realization_partial
 *		/ price_realization_merge and the transferable state type
 *		price_realization_state (SPEC §7).
 *
 * The percentiles equal percentile_cont over the per-deal discount share
 * ((list - net) / list)::float8, so the state keeps every deal's share: 8
 * bytes a deal, at most PR_MAX_DEALS deals a group (an exact percentile
 * needs them all; a sketch would not equal percentile_cont).  Sums are
 * exact (money.h); discount_total is list_total - net_total and
 * margin_total is net_costed - cost, which equal sum(list - net) and
 * sum(net - cost) digit for digit (same value, same display scale).
 *
 * Binary layout of the state (and of price_realization_state):
 *		byte version (1), byte has_floor, float8 floor, int64 deals,
 *		money list, money net, int64 costed, money net_costed, money cost,
 *		int64 over_floor, then deals float8 shares
 * Text form:
 *		v1 floor=0.3 deals=2 list=200.00 net=150.00 costed=1
 *		net_costed=80.00 cost=50.00 over_floor=1 shares=0.2,0.3
 * with floor=none when no floor was given and shares=none when deals is 0.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "quota_ext.h"
#include "aggregate.h"

#define PR_VERSION 1
#define PR_TYPE "price_realization_state"
/* deals a group can hold: 8 bytes each, the binary form under 1 GB */
#define PR_MAX_DEALS INT64CONST(100000000)

typedef struct PrState
{
	double		floor;			/* discount_floor, when has_floor */
	Numeric		floor_num;		/* floor::numeric, when has_floor */
	bool		has_floor;
	bool		sorted;			/* shares in ascending order */
	int64		deals;
	QxMoney		list;
	QxMoney		net;
	int64		costed;			/* deals with a cost */
	QxMoney		net_costed;		/* net over those deals */
	QxMoney		cost;
	int64		over_floor;
	int64		cap;			/* allocated shares */
	double	   *shares;			/* deals of them, in the state's context */
} PrState;

static double pr_float8(Datum q, const char *what);

static PrState *
pr_new(MemoryContext ctx, bool has_floor, double floor)
{
	PrState    *st = MemoryContextAllocZero(ctx, sizeof(PrState));

	st->has_floor = has_floor;
	st->floor = has_floor ? floor : 0;
	if (has_floor)
	{
		MemoryContext old = MemoryContextSwitchTo(ctx);

		st->floor_num = DatumGetNumeric(DirectFunctionCall1(float8_numeric,
															Float8GetDatum(floor)));
		MemoryContextSwitchTo(old);
	}
	st->sorted = true;
	qx_money_init(&st->list);
	qx_money_init(&st->net);
	qx_money_init(&st->net_costed);
	qx_money_init(&st->cost);
	return st;
}

/* Room for n more shares. */
static void
pr_reserve(PrState *st, int64 n, MemoryContext ctx)
{
	int64		need = st->deals + n;

	if (need > PR_MAX_DEALS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("price_realization keeps each deal's discount share: at most " INT64_FORMAT " deals a group, got " INT64_FORMAT,
						PR_MAX_DEALS, need),
				 errhint("Group the deals more finely, or merge price_realization_partial() states of smaller groups only up to that size.")));
	if (need <= st->cap)
		return;
	{
		int64		cap = Max(st->cap * 2, 64);

		cap = Min(Max(cap, need), PR_MAX_DEALS);
		if (st->shares == NULL)
			st->shares = MemoryContextAllocHuge(ctx, (Size) cap * sizeof(double));
		else
			st->shares = repalloc_huge(st->shares, (Size) cap * sizeof(double));
		st->cap = cap;
	}
}

static const char *
pr_floor_str(const PrState *st)
{
	return st->has_floor ? qx_float_str(st->floor) : "NULL";
}

/* The check of the discount_floor parameter. */
static void
pr_check_floor(double floor)
{
	if (!isfinite(floor) || floor < 0 || floor > 1)
		qx_bad_arg("discount_floor is a share of the list price between 0 and 1; divide percentages by 100.",
				   "discount_floor must be between 0 and 1, got %s", qx_float_str(floor));
}

/* What is wrong with a decoded state, or NULL. */
static const char *
pr_problem(const PrState *st)
{
	if (st->has_floor && (!isfinite(st->floor) || st->floor < 0 || st->floor > 1))
		return "floor must be between 0 and 1";
	if (!st->has_floor && st->floor != 0)
		return "floor must be 0 when there is no floor";
	if (st->deals < 0 || st->deals > PR_MAX_DEALS)
		return "deals out of range";
	if (st->costed < 0 || st->costed > st->deals)
		return "costed must be between 0 and deals";
	if (st->over_floor < 0 || st->over_floor > st->deals)
		return "over_floor must be between 0 and deals";
	if (!st->has_floor && st->over_floor != 0)
		return "over_floor must be 0 without a floor";
	if (qx_money_sign(&st->list) < 0 || qx_money_sign(&st->net) < 0 ||
		qx_money_sign(&st->net_costed) < 0 || qx_money_sign(&st->cost) < 0)
		return "sums must not be negative";
	if (st->deals == 0 && !qx_money_is_zero(&st->list))
		return "list must be 0 without deals";
	if (st->deals > 0 && qx_money_sign(&st->list) <= 0)
		return "list must be positive with deals";
	if (st->deals == 0 && !qx_money_is_zero(&st->net))
		return "net must be 0 without deals";
	if (st->costed == 0 && (!qx_money_is_zero(&st->net_costed) || !qx_money_is_zero(&st->cost)))
		return "net_costed and cost must be 0 without costed deals";
	for (int64 i = 0; i < st->deals; i++)
		if (!isfinite(st->shares[i]) || st->shares[i] > 1)
			return "a share must be a finite number at most 1";
	return NULL;
}

static bytea *
pr_encode(const PrState *st)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, PR_VERSION);
	pq_sendbyte(&buf, st->has_floor ? 1 : 0);
	pq_sendfloat8(&buf, st->floor);
	pq_sendint64(&buf, st->deals);
	qx_money_send(&buf, &st->list);
	qx_money_send(&buf, &st->net);
	pq_sendint64(&buf, st->costed);
	qx_money_send(&buf, &st->net_costed);
	qx_money_send(&buf, &st->cost);
	pq_sendint64(&buf, st->over_floor);
	for (int64 i = 0; i < st->deals; i++)
		pq_sendfloat8(&buf, st->shares[i]);
	return pq_endtypsend(&buf);
}

static PrState *
pr_decode(const char *data, int len, MemoryContext ctx)
{
	QxReader	r;
	PrState    *st;
	uint8		has_floor;
	double		floor;
	int64		deals;
	const char *problem;

	qx_reader_begin(&r, data, len, PR_TYPE, PR_VERSION);
	has_floor = qx_get_byte(&r);
	if (has_floor > 1)
		qx_bad_binary(&r, "has_floor must be 0 or 1");
	floor = qx_get_float8(&r);
	if (has_floor ? (!isfinite(floor) || floor < 0 || floor > 1) : floor != 0)
		qx_bad_binary(&r, "floor out of range");
	st = pr_new(ctx, has_floor == 1, floor);
	deals = qx_get_int64(&r);
	if (deals < 0 || deals > PR_MAX_DEALS)
		qx_bad_binary(&r, "deals out of range");
	qx_money_recv(&r, &st->list, ctx, "list");
	qx_money_recv(&r, &st->net, ctx, "net");
	st->costed = qx_get_int64(&r);
	qx_money_recv(&r, &st->net_costed, ctx, "net_costed");
	qx_money_recv(&r, &st->cost, ctx, "cost");
	st->over_floor = qx_get_int64(&r);
	/* the shares must all be there before anything is allocated for them */
	if (qx_reader_remaining(&r) != deals * (int64) sizeof(double))
		qx_bad_binary(&r, "the number of shares does not match deals");
	pr_reserve(st, deals, ctx);
	for (int64 i = 0; i < deals; i++)
		st->shares[i] = qx_get_float8(&r);
	st->deals = deals;
	st->sorted = (deals <= 1);
	qx_get_end(&r);
	if ((problem = pr_problem(st)) != NULL)
		qx_bad_binary(&r, problem);
	return st;
}

/* st += other, both with the same floor */
static void
pr_combine_into(PrState *st, const PrState *other, MemoryContext ctx)
{
	if (st->has_floor != other->has_floor || (st->has_floor && st->floor != other->floor))
		qx_param_mismatch("price_realization", "discount_floor", pr_floor_str(st),
						  pr_floor_str(other));
	pr_reserve(st, other->deals, ctx);
	if (other->deals > 0)
	{
		memcpy(st->shares + st->deals, other->shares, (Size) other->deals * sizeof(double));
		st->sorted = (st->deals == 0 && other->sorted);
	}
	st->deals += other->deals;
	qx_money_add(&st->list, &other->list, ctx);
	qx_money_add(&st->net, &other->net, ctx);
	st->costed += other->costed;
	qx_money_add(&st->net_costed, &other->net_costed, ctx);
	qx_money_add(&st->cost, &other->cost, ctx);
	st->over_floor += other->over_floor;
}

static PrState *
pr_copy(const PrState *src, MemoryContext ctx)
{
	PrState    *st = pr_new(ctx, src->has_floor, src->floor);

	pr_combine_into(st, src, ctx);
	return st;
}

/* the aggregate's support functions and its X_merge pair: see aggregate.h */
QX_STATE_SUPPORT(price_realization, PrState, pr_encode, pr_decode, pr_copy, pr_combine_into);
QX_STATE_MERGE(price_realization, price_realization_final, NULL, NULL);

/* -1, 0 or 1 for a decoded amount */
static int
amount_sign(const QxAmount *a)
{
	if (a->fits)
		return a->value > 0 ? 1 : a->value < 0 ? -1 : 0;
	return qx_numeric_sign((Numeric) a->num);
}

PG_FUNCTION_INFO_V1(price_realization_trans);
/*
 * price_realization_trans(state, list_amount, net_amount [, cost [,
 * discount_floor]]): not strict.  Rows with a NULL list or net amount are
 * skipped; a NULL cost leaves the deal out of the margin; a NULL
 * discount_floor means no floor (deals_over_floor NULL).  A floor that
 * changes within a group is an error.
 */
Datum
price_realization_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "price_realization_trans");
	int			nargs = PG_NARGS();
	bool		has_floor = nargs > 4 && !PG_ARGISNULL(4);
	double		floor = has_floor ? PG_GETARG_FLOAT8(4) : 0;
	bool		has_cost = nargs > 3 && !PG_ARGISNULL(3);
	PrState    *st;
	QxAmount	list,
				net,
				cost;
	Datum		diff;

	if (PG_ARGISNULL(0))
	{
		if (has_floor)
			pr_check_floor(floor);
		st = pr_new(ctx, has_floor, floor);
	}
	else
	{
		st = (PrState *) PG_GETARG_POINTER(0);
		if (st->has_floor != has_floor || (has_floor && st->floor != floor))
			qx_param_changed("discount_floor", pr_floor_str(st),
							 has_floor ? qx_float_str(floor) : "NULL");
	}
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);

	qx_amount_decode(PG_GETARG_DATUM(1), &list);
	qx_amount_decode(PG_GETARG_DATUM(2), &net);
	if (amount_sign(&list) <= 0)
		qx_bad_arg("list_amount is the deal's price before any discount; it must be positive.",
				   "list_amount must be positive, got %s",
				   qx_numeric_str(PG_GETARG_NUMERIC(1)));
	if (amount_sign(&net) < 0)
		qx_bad_arg(NULL, "net_amount must not be negative, got %s",
				   qx_numeric_str(PG_GETARG_NUMERIC(2)));
	if (has_cost)
	{
		qx_amount_decode(PG_GETARG_DATUM(3), &cost);
		if (amount_sign(&cost) < 0)
			qx_bad_arg(NULL, "cost must not be negative, got %s",
					   qx_numeric_str(PG_GETARG_NUMERIC(3)));
	}

	pr_reserve(st, 1, ctx);
	diff = DirectFunctionCall2(numeric_sub, PG_GETARG_DATUM(1), PG_GETARG_DATUM(2));
	{
		Datum		q = DirectFunctionCall2(numeric_div, diff, PG_GETARG_DATUM(1));

		/*
		 * Amounts of at most 30 decimals and 128 bits give a share within
		 * [-1e68, 1] and, unless 0, at least 1e-68 in size: float8 holds it.
		 */
		st->shares[st->deals] = (list.fits && net.fits)
			? DatumGetFloat8(DirectFunctionCall1(numeric_float8, q))
			: pr_float8(q, "discount share");
	}
	if (st->sorted && st->deals > 0 && st->shares[st->deals] < st->shares[st->deals - 1])
		st->sorted = false;
	st->deals++;
	if (has_floor &&
		DatumGetInt32(DirectFunctionCall2(numeric_cmp, diff,
										  DirectFunctionCall2(numeric_mul,
															  NumericGetDatum(st->floor_num),
															  PG_GETARG_DATUM(1)))) > 0)
		st->over_floor++;
	qx_money_add_amount(&st->list, &list, ctx);
	qx_money_add_amount(&st->net, &net, ctx);
	if (has_cost)
	{
		st->costed++;
		qx_money_add_amount(&st->net_costed, &net, ctx);
		qx_money_add_amount(&st->cost, &cost, ctx);
	}
	PG_RETURN_POINTER(st);
}

/*
 * q::float8 for a quotient q of the waterfall, with a short error (22003)
 * naming what instead of numeric_float8's, which quotes all the digits of
 * a value beyond float8's range (a list price of 1e-1000).
 */
static double
pr_float8(Datum q, const char *what)
{
	static const char *const bounds[] = {"1e300", "1e-300"};
	Datum		a = DirectFunctionCall1(numeric_abs, q);

	for (int i = 0; i < 2; i++)
	{
		Datum		bound = DirectFunctionCall3(numeric_in, CStringGetDatum(bounds[i]),
												ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
		int			c = DatumGetInt32(DirectFunctionCall2(numeric_cmp, a, bound));

		if (i == 0 ? c > 0 : (c < 0 && qx_numeric_sign(DatumGetNumeric(q)) != 0))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s %s is out of range for type double precision", what,
							qx_numeric_str(DatumGetNumeric(q))),
					 errhint("Check the amounts: list and net amounts this far apart are not prices.")));
	}
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, q));
}

static int
cmp_float8(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return x < y ? -1 : x > y ? 1 : 0;
}

/* percentile_cont(p) over the sorted shares, as PostgreSQL computes it */
static double
pr_percentile(const PrState *st, double p)
{
	int64		first = (int64) floor(p * (double) (st->deals - 1));
	int64		second = (int64) ceil(p * (double) (st->deals - 1));
	double		lo = st->shares[first];

	if (second > first)
	{
		double		proportion = (p * (double) (st->deals - 1)) - (double) first;

		return lo + (proportion * (st->shares[second] - lo));
	}
	return lo;
}

/* (a / b)::float8 as PostgreSQL computes it in numeric; b > 0 */
static double
numeric_ratio(Datum a, Datum b, const char *what)
{
	return pr_float8(DirectFunctionCall2(numeric_div, a, b), what);
}

PG_FUNCTION_INFO_V1(price_realization_final);
/* The price_realization composite; NULL when no deal was counted. */
Datum
price_realization_final(PG_FUNCTION_ARGS)
{
	PrState    *st;
	TupleDesc	desc;
	Datum		values[10];
	bool		nulls[10] = {0};
	Datum		list,
				net;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (PrState *) PG_GETARG_POINTER(0);
	if (st->deals == 0)
		PG_RETURN_NULL();
	desc = qx_result_desc(fcinfo);
	if (!st->sorted)
	{
		/* sorting in place keeps the state valid for more rows */
		qsort(st->shares, (size_t) st->deals, sizeof(double), cmp_float8);
		st->sorted = true;
	}
	list = NumericGetDatum(qx_money_get(&st->list));
	net = NumericGetDatum(qx_money_get(&st->net));
	values[0] = Int64GetDatum(st->deals);
	values[1] = list;
	values[2] = net;
	values[3] = DirectFunctionCall2(numeric_sub, list, net);
	values[4] = Float8GetDatum(numeric_ratio(net, list, "realization"));
	values[5] = Float8GetDatum(pr_percentile(st, 0.5));
	values[6] = Float8GetDatum(pr_percentile(st, 0.9));
	if (st->costed > 0)
	{
		Datum		net_c = NumericGetDatum(qx_money_get(&st->net_costed));
		Datum		margin = DirectFunctionCall2(numeric_sub, net_c,
												 NumericGetDatum(qx_money_get(&st->cost)));

		values[7] = margin;
		if (qx_money_sign(&st->net_costed) > 0)
			values[8] = Float8GetDatum(numeric_ratio(margin, net_c, "pocket_margin"));
		else
			nulls[8] = true;
	}
	else
		nulls[7] = nulls[8] = true;
	if (st->has_floor)
		values[9] = Int64GetDatum(st->over_floor);
	else
		nulls[9] = true;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* ---------------------------------------------------------------------
 * price_realization_state I/O
 * --------------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(price_realization_state_in);
Datum
price_realization_state_in(PG_FUNCTION_ARGS)
{
	QxTextParser tp;
	PrState    *st;
	char	   *s;
	char	   *rest;
	double		floor = 0;
	bool		has_floor;
	int64		deals;

	qx_text_init_sep(&tp, PG_GETARG_CSTRING(0), PR_TYPE, "v1", ' ',
					 "Pass a value that price_realization_partial() produced, such as v1 floor=none deals=1 list=100.00 net=80.00 costed=0 net_costed=0 cost=0 over_floor=0 shares=0.2.");
	s = qx_text_field(&tp, "floor");
	has_floor = strcmp(s, "none") != 0;
	if (has_floor && (!qx_parse_float8(s, &floor) || floor < 0 || floor > 1))
		qx_bad_text(&tp, psprintf("floor must be none or a number between 0 and 1, got \"%s\".",
								  qx_str_brief(s)));
	st = pr_new(CurrentMemoryContext, has_floor, floor);
	deals = qx_text_int64(&tp, "deals", 0, PR_MAX_DEALS);
	qx_text_money(&tp, "list", &st->list, CurrentMemoryContext);
	qx_text_money(&tp, "net", &st->net, CurrentMemoryContext);
	st->costed = qx_text_int64(&tp, "costed", 0, PR_MAX_DEALS);
	qx_text_money(&tp, "net_costed", &st->net_costed, CurrentMemoryContext);
	qx_text_money(&tp, "cost", &st->cost, CurrentMemoryContext);
	st->over_floor = qx_text_int64(&tp, "over_floor", 0, PR_MAX_DEALS);
	rest = qx_text_field(&tp, "shares");
	if (deals == 0)
	{
		if (strcmp(rest, "none") != 0)
			qx_bad_text(&tp, "shares must be none when deals is 0.");
	}
	else
	{
		/* no more items than the text has commas: bounded before allocating */
		int64		items = 1;

		for (const char *p = rest; *p; p++)
			items += (*p == ',');
		if (items != deals)
			qx_bad_text(&tp, psprintf("shares has " INT64_FORMAT " items, expected " INT64_FORMAT ".",
									  items, deals));
		pr_reserve(st, deals, CurrentMemoryContext);
		for (int64 i = 0; i < deals; i++)
		{
			char	   *item = qx_next_item(&rest, ',');

			if (item == NULL || !qx_parse_float8(item, &st->shares[i]))
				qx_bad_text(&tp, psprintf("share " INT64_FORMAT " must be a finite number, got \"%s\".",
										  i + 1, item ? qx_str_brief(item) : ""));
		}
	}
	st->deals = deals;
	qx_text_finish(&tp, pr_problem(st));
	PG_RETURN_POINTER(pr_encode(st));
}

PG_FUNCTION_INFO_V1(price_realization_state_out);
Datum
price_realization_state_out(PG_FUNCTION_ARGS)
{
	PrState    *st = qx_state_from_datum(PG_GETARG_DATUM(0), price_realization_decode_any);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "v1 floor=");
	if (st->has_floor)
		qx_append_float8(&buf, st->floor);
	else
		appendStringInfoString(&buf, "none");
	appendStringInfo(&buf, " deals=" INT64_FORMAT " list=", st->deals);
	qx_append_money(&buf, &st->list);
	appendStringInfoString(&buf, " net=");
	qx_append_money(&buf, &st->net);
	appendStringInfo(&buf, " costed=" INT64_FORMAT " net_costed=", st->costed);
	qx_append_money(&buf, &st->net_costed);
	appendStringInfoString(&buf, " cost=");
	qx_append_money(&buf, &st->cost);
	appendStringInfo(&buf, " over_floor=" INT64_FORMAT " shares=", st->over_floor);
	if (st->deals == 0)
		appendStringInfoString(&buf, "none");
	for (int64 i = 0; i < st->deals; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		qx_append_float8(&buf, st->shares[i]);
	}
	PG_RETURN_CSTRING(buf.data);
}
