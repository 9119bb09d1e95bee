/*
 * win_calibration.c
 *		The win_calibration aggregate (SPEC §15, doc/calibration.md): how well
 *		close probabilities matched what was won -- Brier score and its skill
 *		against the base rate, log loss, the reliability table in equal-width
 *		bins and its expected calibration error; with win_calibration_partial /
 *		win_calibration_merge and the transferable state type
 *		win_calibration_state (SPEC §7).
 *
 * The aggregate state is a WcState in the aggregate memory context
 * (internal): the totals and one dense cell per bin.  serialize/deserialize
 * and the state type share one binary layout that lists only the nonempty
 * bins:
 *
 *		byte version (1), int32 bins, int64 deals, int64 wins,
 *		float8 brier_sum, float8 log_loss_sum, int32 cells,
 *		cells x (int32 bin 1..bins, int64 deals, int64 wins, float8 sum_p)
 *
 * with the cells in increasing bin order.  The text form is
 *		v1 bins=10 deals=N wins=N brier=X log_loss=X cells=i:deals:wins:sum_p,...
 * with cells=none when no row was counted.
 *
 * Bins follow scikit-learn's calibration_curve(strategy='uniform'): edge i
 * is the float8 product i * (1.0 / n) (numpy.linspace), the last edge 1,
 * and bin i holds edge(i-1) < p <= edge(i), the first also p = 0.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "funcapi.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "quota_ext.h"
#include "aggregate.h"

#define WC_VERSION 1
#define WC_TYPE "win_calibration_state"
#define WC_DEFAULT_BINS 10
#define WC_MAX_BINS 10000
/* the clipping of log loss (SPEC §15) and the largest loss of one row */
#define WC_EPS 1e-15
#define WC_MAX_ROW_LOSS 34.6	/* -ln(1e-15) = 34.539 */

typedef struct WcBin
{
	int64		deals;
	int64		wins;
	double		sum_p;
} WcBin;

typedef struct WcState
{
	int32		nbins;
	double		width;			/* 1.0 / nbins */
	int64		deals;
	int64		wins;
	double		brier;			/* sum of (p - y)^2 */
	double		log_loss;		/* sum of the clipped log losses */
	WcBin		bin[FLEXIBLE_ARRAY_MEMBER];
} WcState;

static WcState *
wc_new(MemoryContext ctx, int32 nbins)
{
	WcState    *st = MemoryContextAllocZero(ctx, offsetof(WcState, bin) +
											 sizeof(WcBin) * nbins);

	st->nbins = nbins;
	st->width = 1.0 / nbins;
	return st;
}

static void
wc_check_bins(int32 nbins)
{
	if (nbins < 1 || nbins > WC_MAX_BINS)
		qx_bad_arg("bins is the number of equal-width probability bins, such as 10.",
				   "bins must be between 1 and %d, got %d", WC_MAX_BINS, nbins);
}

/* Upper edge of bin i (1-based): i * (1.0 / n) as numpy.linspace, the last 1. */
static inline double
wc_edge(const WcState *st, int i)
{
	return i >= st->nbins ? 1.0 : i * st->width;
}

/* The 0-based bin of p in [0, 1]. */
static inline int
wc_bin_of(const WcState *st, double p)
{
	int			k = (int) ceil(p * st->nbins);	/* 1-based guess */

	if (k < 1)
		k = 1;
	if (k > st->nbins)
		k = st->nbins;
	while (k > 1 && p <= wc_edge(st, k - 1))
		k--;
	while (k < st->nbins && p > wc_edge(st, k))
		k++;
	return k - 1;
}

static inline void
wc_add(WcState *st, double p, bool won)
{
	double		d = p - (won ? 1.0 : 0.0);
	double		pc = p < WC_EPS ? WC_EPS : (p > 1.0 - WC_EPS ? 1.0 - WC_EPS : p);
	WcBin	   *b = &st->bin[wc_bin_of(st, p)];

	st->deals++;
	st->brier += d * d;
	st->log_loss -= won ? log(pc) : log(1.0 - pc);
	b->deals++;
	b->sum_p += p;
	if (won)
	{
		st->wins++;
		b->wins++;
	}
}

/* An int64 sum that overflows: the state is not one a real group gives. */
static void
wc_add_count(int64 *acc, int64 v)
{
	if (pg_add_s64_overflow(*acc, v, acc))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("win_calibration: more deals than bigint holds")));
}

/* st += in, both with the same bins */
static void
wc_combine_into(WcState *st, const WcState *in, MemoryContext ctx)
{
	if (st->nbins != in->nbins)
		qx_param_mismatch("win_calibration", "bins", psprintf("%d", st->nbins),
						  psprintf("%d", in->nbins));
	wc_add_count(&st->deals, in->deals);
	wc_add_count(&st->wins, in->wins);
	st->brier += in->brier;
	st->log_loss += in->log_loss;
	for (int i = 0; i < st->nbins; i++)
	{
		wc_add_count(&st->bin[i].deals, in->bin[i].deals);
		wc_add_count(&st->bin[i].wins, in->bin[i].wins);
		st->bin[i].sum_p += in->bin[i].sum_p;
	}
}

static WcState *
wc_copy(const WcState *src, MemoryContext ctx)
{
	Size		sz = offsetof(WcState, bin) + sizeof(WcBin) * src->nbins;
	WcState    *st = MemoryContextAlloc(ctx, sz);

	memcpy(st, src, sz);
	return st;
}

/* What is wrong with a decoded state, or NULL. */
static const char *
wc_problem(const WcState *st)
{
	int64		deals = 0,
				wins = 0;

	for (int i = 0; i < st->nbins; i++)
	{
		const WcBin *b = &st->bin[i];

		if (b->deals == 0)
			continue;
		if (b->wins > b->deals)
			return "a bin has more wins than deals";
		if (!(b->sum_p >= 0 && b->sum_p <= (double) b->deals))
			return "a bin's sum of probabilities is not between 0 and its deals";
		if (pg_add_s64_overflow(deals, b->deals, &deals) ||
			pg_add_s64_overflow(wins, b->wins, &wins))
			return "the bins hold more deals than bigint holds";
	}
	if (deals != st->deals)
		return "deals is not the sum of the bins' deals";
	if (wins != st->wins)
		return "wins is not the sum of the bins' wins";
	if (!(st->brier >= 0 && st->brier <= (double) st->deals))
		return "brier is not between 0 and deals";
	if (!(st->log_loss >= 0 && st->log_loss <= WC_MAX_ROW_LOSS * (double) st->deals))
		return "log_loss is out of range for the deals";
	return NULL;
}

static int
wc_cells(const WcState *st)
{
	int			n = 0;

	for (int i = 0; i < st->nbins; i++)
		n += st->bin[i].deals > 0;
	return n;
}

static bytea *
wc_encode(const WcState *st)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, WC_VERSION);
	pq_sendint32(&buf, st->nbins);
	pq_sendint64(&buf, st->deals);
	pq_sendint64(&buf, st->wins);
	pq_sendfloat8(&buf, st->brier);
	pq_sendfloat8(&buf, st->log_loss);
	pq_sendint32(&buf, wc_cells(st));
	for (int i = 0; i < st->nbins; i++)
	{
		if (st->bin[i].deals == 0)
			continue;
		pq_sendint32(&buf, i + 1);
		pq_sendint64(&buf, st->bin[i].deals);
		pq_sendint64(&buf, st->bin[i].wins);
		pq_sendfloat8(&buf, st->bin[i].sum_p);
	}
	return pq_endtypsend(&buf);
}

static WcState *
wc_decode(const char *data, int len, MemoryContext ctx)
{
	QxReader	r;
	WcState    *st;
	int32		nbins,
				cells,
				last = 0;
	const char *problem;

	qx_reader_begin(&r, data, len, WC_TYPE, WC_VERSION);
	nbins = qx_get_int32(&r);
	if (nbins < 1 || nbins > WC_MAX_BINS)
		qx_bad_binary(&r, "bins out of range");
	st = wc_new(ctx, nbins);
	st->deals = qx_get_int64(&r);
	st->wins = qx_get_int64(&r);
	st->brier = qx_get_float8(&r);
	st->log_loss = qx_get_float8(&r);
	cells = qx_get_int32(&r);
	if (cells < 0 || cells > nbins)
		qx_bad_binary(&r, "number of cells out of range");
	for (int c = 0; c < cells; c++)
	{
		int32		i = qx_get_int32(&r);
		WcBin	   *b;

		if (i <= last || i > nbins)
			qx_bad_binary(&r, "cells out of order or out of range");
		last = i;
		b = &st->bin[i - 1];
		b->deals = qx_get_int64(&r);
		b->wins = qx_get_int64(&r);
		b->sum_p = qx_get_float8(&r);
		if (b->deals < 1 || b->wins < 0)
			qx_bad_binary(&r, "a cell with no deals or negative wins");
	}
	qx_get_end(&r);
	if ((problem = wc_problem(st)) != NULL)
		qx_bad_binary(&r, problem);
	return st;
}

/* the aggregate's support functions and its X_merge pair: see aggregate.h */
QX_STATE_SUPPORT(win_calibration, WcState, wc_encode, wc_decode, wc_copy, wc_combine_into);
QX_STATE_MERGE(win_calibration, win_calibration_final, NULL, NULL);

PG_FUNCTION_INFO_V1(win_calibration_trans);
/*
 * win_calibration_trans(state, p, won [, bins]): not strict.  A NULL bins
 * is an error (22004); rows with NULL p or won are skipped; p outside
 * [0, 1] or NaN is an error.
 */
Datum
win_calibration_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "win_calibration_trans");
	WcState    *st;
	int32		nbins = PG_NARGS() > 3 ? DatumGetInt32(qx_param(fcinfo, 3, "bins"))
		: WC_DEFAULT_BINS;
	double		p;

	if (PG_ARGISNULL(0))
	{
		wc_check_bins(nbins);
		st = wc_new(ctx, nbins);
	}
	else
	{
		st = (WcState *) PG_GETARG_POINTER(0);
		if (st->nbins != nbins)
			qx_param_changed("bins", psprintf("%d", st->nbins), psprintf("%d", nbins));
	}
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);
	p = PG_GETARG_FLOAT8(1);
	if (!(p >= 0.0 && p <= 1.0))
		qx_bad_arg("p is a probability between 0 and 1; divide percentages by 100.",
				   "p must be between 0 and 1, got %s", qx_float_str(p));
	wc_add(st, p, PG_GETARG_BOOL(2));
	PG_RETURN_POINTER(st);
}

/* The win_calibration_bin[] of the nonempty bins. */
static Datum
wc_bins_array(const WcState *st, Oid arraytype)
{
	Oid			elemtype = get_element_type(arraytype);
	TupleDesc	bdesc;
	Datum	   *elems;
	int			n = 0;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	ArrayType  *arr;

	if (!OidIsValid(elemtype))
		elog(ERROR, "win_calibration: bins field is not an array");
	bdesc = lookup_rowtype_tupdesc(elemtype, -1);
	elems = palloc(sizeof(Datum) * st->nbins);
	for (int i = 0; i < st->nbins; i++)
	{
		const WcBin *b = &st->bin[i];
		Datum		v[5];
		bool		nulls[5] = {false, false, false, false, false};

		if (b->deals == 0)
			continue;
		v[0] = Float8GetDatum(i == 0 ? 0.0 : wc_edge(st, i));
		v[1] = Float8GetDatum(wc_edge(st, i + 1));
		v[2] = Int64GetDatum(b->deals);
		v[3] = Float8GetDatum(b->sum_p / (double) b->deals);
		v[4] = Float8GetDatum((double) b->wins / (double) b->deals);
		elems[n++] = HeapTupleGetDatum(heap_form_tuple(bdesc, v, nulls));
	}
	ReleaseTupleDesc(bdesc);
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	arr = construct_array(elems, n, elemtype, typlen, typbyval, typalign);
	return PointerGetDatum(arr);
}

PG_FUNCTION_INFO_V1(win_calibration_final);
/* The win_calibration composite; NULL when no row was counted. */
Datum
win_calibration_final(PG_FUNCTION_ARGS)
{
	WcState    *st;
	TupleDesc	desc;
	Datum		values[8];
	bool		nulls[8] = {false, false, false, false, false, false, false, false};
	double		n,
				base,
				brier,
				ece = 0;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (WcState *) PG_GETARG_POINTER(0);
	if (st->deals == 0)
		PG_RETURN_NULL();
	desc = qx_result_desc(fcinfo);
	n = (double) st->deals;
	base = (double) st->wins / n;
	brier = st->brier / n;
	for (int i = 0; i < st->nbins; i++)
	{
		const WcBin *b = &st->bin[i];

		if (b->deals > 0)
			ece += (double) b->deals / n *
				fabs(b->sum_p / (double) b->deals - (double) b->wins / (double) b->deals);
	}
	values[0] = Int64GetDatum(st->deals);
	values[1] = Int64GetDatum(st->wins);
	values[2] = Float8GetDatum(base);
	values[3] = Float8GetDatum(brier);
	if (st->wins == 0 || st->wins == st->deals)
		nulls[4] = true;
	else
		values[4] = Float8GetDatum(1.0 - brier / (base * (1.0 - base)));
	values[5] = Float8GetDatum(st->log_loss / n);
	values[6] = Float8GetDatum(ece);
	values[7] = wc_bins_array(st, TupleDescAttr(desc, 7)->atttypid);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* ---------------------------------------------------------------------
 * win_calibration_state I/O
 * --------------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(win_calibration_state_in);
Datum
win_calibration_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	QxTextParser tp;
	WcState    *st;
	int32		nbins,
				last = 0;
	char	   *cells,
			   *item;
	const char *problem;

	qx_text_init(&tp, str, WC_TYPE, "v1");
	nbins = (int32) qx_text_int64(&tp, "bins", 1, WC_MAX_BINS);
	st = wc_new(CurrentMemoryContext, nbins);
	st->deals = qx_text_int64(&tp, "deals", 0, PG_INT64_MAX);
	st->wins = qx_text_int64(&tp, "wins", 0, PG_INT64_MAX);
	st->brier = qx_text_float8(&tp, "brier");
	st->log_loss = qx_text_float8(&tp, "log_loss");
	cells = qx_text_field(&tp, "cells");
	qx_text_end(&tp);
	if (strcmp(cells, "none") != 0)
	{
		while ((item = qx_next_item(&cells, ',')) != NULL)
		{
			char	   *f[4];
			char	   *rest = pstrdup(item);
			int64		i,
						deals,
						wins;
			double		sum_p;
			int			k;

			for (k = 0; k < 4 && (f[k] = qx_next_item(&rest, ':')) != NULL; k++)
				;
			if (k != 4 || rest != NULL)
				qx_bad_text(&tp, psprintf("Cell \"%s\" is not bin:deals:wins:sum_p.",
										  qx_str_brief(item)));
			if (!qx_parse_int64(f[0], 1, nbins, &i) || i <= last)
				qx_bad_text(&tp, psprintf("Cell bin \"%s\" is not a bin number in increasing order up to %d.",
										  qx_str_brief(f[0]), nbins));
			if (!qx_parse_int64(f[1], 1, PG_INT64_MAX, &deals) ||
				!qx_parse_int64(f[2], 0, PG_INT64_MAX, &wins) ||
				!qx_parse_float8(f[3], &sum_p))
				qx_bad_text(&tp, psprintf("Cell %d must hold deals >= 1, wins >= 0 and a finite sum_p.",
										  (int) i));
			last = (int32) i;
			st->bin[i - 1].deals = deals;
			st->bin[i - 1].wins = wins;
			st->bin[i - 1].sum_p = sum_p;
		}
	}
	problem = wc_problem(st);
	if (problem != NULL)
		qx_bad_text(&tp, psprintf("Inconsistent state: %s.", problem));
	PG_RETURN_POINTER(wc_encode(st));
}

PG_FUNCTION_INFO_V1(win_calibration_state_out);
Datum
win_calibration_state_out(PG_FUNCTION_ARGS)
{
	WcState    *st = qx_state_from_datum(PG_GETARG_DATUM(0), win_calibration_decode_any);
	StringInfoData buf;
	bool		first = true;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v1 bins=%d deals=" INT64_FORMAT " wins=" INT64_FORMAT " brier=",
					 st->nbins, st->deals, st->wins);
	qx_append_float8(&buf, st->brier);
	appendStringInfoString(&buf, " log_loss=");
	qx_append_float8(&buf, st->log_loss);
	appendStringInfoString(&buf, " cells=");
	for (int i = 0; i < st->nbins; i++)
	{
		if (st->bin[i].deals == 0)
			continue;
		appendStringInfo(&buf, "%s%d:" INT64_FORMAT ":" INT64_FORMAT ":", first ? "" : ",",
						 i + 1, st->bin[i].deals, st->bin[i].wins);
		qx_append_float8(&buf, st->bin[i].sum_p);
		first = false;
	}
	if (first)
		appendStringInfoString(&buf, "none");
	PG_RETURN_CSTRING(buf.data);
}
