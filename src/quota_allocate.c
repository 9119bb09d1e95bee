/*
 * quota_allocate.c
 *		quota_allocate(total, weight) OVER (...), a window function (SPEC §16,
 *		doc/quarter.md): each row's share of the partition's total in
 *		proportion to its weight, rounded to the scale of total (at least 2
 *		decimals) by the largest-remainder method, so the shares of a
 *		partition sum to total exactly.
 *
 * The partition is computed once, on its first row: every (total, weight)
 * is read with WinGetFuncArgInPartition, the shares go into the partition's
 * local memory (WinGetPartitionLocalMemory), and each row then only picks
 * its own and moves the mark (WinSetMarkPosition) so the tuplestore can let
 * the rows before it go.
 *
 * With T = |total| * 10^s in units of the last decimal and W = the sum of
 * the weights, row i gets floor(T * w_i / W) units, and the R = T - sum of
 * the floors units left over go, one each, to the rows with the largest
 * remainders T * w_i mod W; ties go to the larger weight, then to the
 * earlier row in the window's order.  All of it is exact: in int128 when
 * the amounts fit (the usual case), else in numeric.  A negative total is
 * allocated as its absolute value with the sign put back on each share.
 *
 * Rows with a NULL total or weight get NULL and take no share.
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "windowapi.h"

#include "quota_ext.h"
#include "money.h"

typedef struct QaRow
{
	int64		pos;			/* position in the partition */
	Datum		weight;			/* numeric (generic path) */
	Datum		rem;			/* numeric remainder (generic path) */
	int128		wi;				/* weight in units (fast path) */
	int128		remi;			/* remainder (fast path) */
	int64		idx;			/* index of the row before sorting */
} QaRow;

typedef struct QaPartition
{
	bool		done;
	int64		n;
	Datum	   *result;			/* per position; NULL pointer for NULL */
} QaPartition;

static inline int
qa_cmp_fast(const QaRow *x, const QaRow *y)
{

	if (x->remi != y->remi)
		return x->remi > y->remi ? -1 : 1;
	if (x->wi != y->wi)
		return x->wi > y->wi ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

static inline int
qa_cmp_numeric(const QaRow *x, const QaRow *y)
{
	int			c;

	c = DatumGetInt32(DirectFunctionCall2(numeric_cmp, y->rem, x->rem));
	if (c != 0)
		return c;
	c = DatumGetInt32(DirectFunctionCall2(numeric_cmp, y->weight, x->weight));
	if (c != 0)
		return c;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Sorts of the rows that answer a cancel (lib/sort_template.h). */
#define ST_SORT qa_sort_fast
#define ST_ELEMENT_TYPE QaRow
#define ST_COMPARE(a, b) qa_cmp_fast(a, b)
#define ST_SCOPE static
#define ST_DEFINE
#define ST_CHECK_FOR_INTERRUPTS
#include "lib/sort_template.h"

#define ST_SORT qa_sort_numeric
#define ST_ELEMENT_TYPE QaRow
#define ST_COMPARE(a, b) qa_cmp_numeric(a, b)
#define ST_SCOPE static
#define ST_DEFINE
#define ST_CHECK_FOR_INTERRUPTS
#include "lib/sort_template.h"

/* A finite numeric of dscale <= scale in units of 10^-scale, when that is below 2^63 in magnitude. */
static bool
qa_units(Datum num, int scale, int128 *out)
{
	QxAmount	a;
	int128		v;
	const int128 lim = (int128) PG_INT64_MAX;

	qx_amount_decode(num, &a);
	if (!a.fits || a.dscale > scale || scale - a.dscale > QX_POW10_INT64_MAX)
		return false;
	if (a.value > lim || a.value < -lim)
		return false;
	v = a.value * qx_pow10_64[scale - a.dscale];
	if (v > lim || v < -lim)
		return false;
	*out = v;
	return true;
}

/* units * 10^-scale as a numeric of display scale scale, with sign. */
static Datum
qa_from_units(Datum units, Datum unit, int sign)
{
	Datum		r = DirectFunctionCall2(numeric_mul, units, unit);

	if (sign < 0)
		r = DirectFunctionCall1(numeric_uminus, r);
	return r;
}

static Datum
qa_int128_numeric(int128 v)
{
	/* v < 2^126: split in int64 halves of 10^18 */
	const int128 base = (int128) qx_pow10_64[18];
	Datum		hi = NumericGetDatum(int64_to_numeric((int64) (v / base)));
	Datum		lo = NumericGetDatum(int64_to_numeric((int64) (v % base)));

	return DirectFunctionCall2(numeric_add,
							   DirectFunctionCall2(numeric_mul, hi,
												   NumericGetDatum(int64_to_numeric(qx_pow10_64[18]))),
							   lo);
}

static void
qa_compute(WindowObject winobj, QaPartition *part, MemoryContext partctx)
{
	int64		n = WinGetPartitionRowCount(winobj);
	MemoryContext work = AllocSetContextCreate(CurrentMemoryContext, "quota_allocate",
											   ALLOCSET_DEFAULT_MINSIZE, (Size) 8 * 1024,
											   (Size) 8 * 1024 * 1024);
	MemoryContext old = MemoryContextSwitchTo(work);
	QaRow	   *rows = MemoryContextAllocHuge(work, sizeof(QaRow) * Max(n, 1));
	int64		k = 0;
	Datum		total = (Datum) 0;
	int			tscale = 0;
	int			wscale = 0;
	int			sign;
	int			s;
	Datum		wsum = NumericGetDatum(int64_to_numeric(0));
	Datum		tabs;
	Datum		tunits;
	Datum		unit;
	bool		fast = true;
	int128		T = 0;
	int128		W = 0;

	part->n = n;
	part->result = MemoryContextAllocExtended(partctx, sizeof(Datum) * Max(n, 1),
											 MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);

	for (int64 i = 0; i < n; i++)
	{
		bool		tnull,
					wnull;
		Datum		t = WinGetFuncArgInPartition(winobj, 0, i, WINDOW_SEEK_HEAD, false,
												 &tnull, NULL);
		Datum		w = WinGetFuncArgInPartition(winobj, 1, i, WINDOW_SEEK_HEAD, false,
												 &wnull, NULL);
		Numeric		wn;

		CHECK_FOR_INTERRUPTS();
		if (tnull || wnull)
			continue;
		if (numeric_is_nan(DatumGetNumeric(t)) || numeric_is_inf(DatumGetNumeric(t)))
			qx_bad_arg("Pass a finite number.", "total must be a finite number, got %s",
					   qx_numeric_str(DatumGetNumeric(t)));
		if (total == (Datum) 0)
			total = datumCopy(t, false, -1);
		else if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, total, t)) != 0)
			qx_bad_arg("Partition by the total, or join the total in once per partition.",
					   "total must be the same for every row of a partition, got %s after %s",
					   qx_numeric_str(DatumGetNumeric(t)),
					   qx_numeric_str(DatumGetNumeric(total)));
		tscale = Max(tscale, qx_numeric_dscale(DatumGetNumeric(t)));
		wn = DatumGetNumeric(w);
		if (numeric_is_nan(wn) || numeric_is_inf(wn))
			qx_bad_arg("Pass a finite number.", "weight must be a finite number, got %s",
					   qx_numeric_str(wn));
		if (qx_numeric_sign(wn) < 0)
			qx_bad_arg("Weights are shares of the total: 0 or more.",
					   "weight must not be negative, got %s", qx_numeric_str(wn));
		rows[k].pos = i;
		rows[k].weight = datumCopy(w, false, -1);
		wscale = Max(wscale, qx_numeric_dscale(wn));
		wsum = DirectFunctionCall2(numeric_add, wsum, rows[k].weight);
		k++;
	}
	if (k == 0)
	{
		MemoryContextSwitchTo(old);
		MemoryContextDelete(work);
		return;
	}
	if (qx_numeric_sign(DatumGetNumeric(wsum)) == 0)
		qx_bad_arg("Give at least one row of the partition a positive weight.",
				   "weights of a partition must have a positive sum, got 0 over " INT64_FORMAT " rows",
				   k);

	s = qx_derived_scale(tscale);
	sign = qx_numeric_sign(DatumGetNumeric(total));
	tabs = DirectFunctionCall1(numeric_abs, total);
	tunits = DirectFunctionCall2(numeric_mul, tabs,
								 DirectFunctionCall3(numeric_in, CStringGetDatum(psprintf("1e%d", s)),
													 ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
	tunits = DirectFunctionCall2(numeric_round, tunits, Int32GetDatum(0));
	unit = DirectFunctionCall3(numeric_in, CStringGetDatum(psprintf("1e-%d", s)),
							   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	unit = DirectFunctionCall2(numeric_round, unit, Int32GetDatum(s));

	/* fast path: T and every weight in int64 units, W < 2^62 */
	fast = qa_units(tunits, 0, &T);
	for (int64 j = 0; fast && j < k; j++)
	{
		fast = qa_units(rows[j].weight, wscale, &rows[j].wi);
		if (fast)
		{
			W += rows[j].wi;
			if (W > ((int128) 1 << 62))
				fast = false;
		}
	}

	if (fast)
	{
		int128		assigned = 0;
		int128		R;
		int128	   *q = MemoryContextAllocHuge(work, sizeof(int128) * k);

		for (int64 j = 0; j < k; j++)
		{
			int128		prod = T * rows[j].wi;	/* < 2^63 * 2^62 */

			q[j] = prod / W;
			rows[j].remi = prod % W;
			assigned += q[j];
		}
		R = T - assigned;
		for (int64 j = 0; j < k; j++)
			rows[j].idx = j;
		qa_sort_fast(rows, k);
		for (int64 j = 0; j < R; j++)
			q[rows[j].idx] += 1;
		MemoryContextSwitchTo(partctx);
		for (int64 j = 0; j < k; j++)
			part->result[rows[j].pos] = qa_from_units(qa_int128_numeric(q[rows[j].idx]),
													  unit, sign);
		MemoryContextSwitchTo(work);
	}
	else
	{
		Datum	   *q = MemoryContextAllocHuge(work, sizeof(Datum) * k);
		Datum		assigned = NumericGetDatum(int64_to_numeric(0));
		Datum		one = NumericGetDatum(int64_to_numeric(1));
		int64		R;
		for (int64 j = 0; j < k; j++)
		{
			Datum		prod = DirectFunctionCall2(numeric_mul, tunits, rows[j].weight);

			q[j] = DirectFunctionCall2(numeric_div_trunc, prod, wsum);
			rows[j].rem = DirectFunctionCall2(numeric_sub, prod,
											  DirectFunctionCall2(numeric_mul, q[j], wsum));
			assigned = DirectFunctionCall2(numeric_add, assigned, q[j]);
			rows[j].idx = j;
		}
		R = DatumGetInt64(DirectFunctionCall1(numeric_int8,
											  DirectFunctionCall2(numeric_sub, tunits, assigned)));
		if (R < 0 || R > k)
			elog(ERROR, "quota_allocate: leftover units out of range");
		qa_sort_numeric(rows, k);
		for (int64 j = 0; j < R; j++)
			q[rows[j].idx] = DirectFunctionCall2(numeric_add, q[rows[j].idx], one);
		MemoryContextSwitchTo(partctx);
		for (int64 j = 0; j < k; j++)
			part->result[rows[j].pos] = qa_from_units(q[rows[j].idx], unit, sign);
		MemoryContextSwitchTo(work);
	}
	MemoryContextSwitchTo(old);
	MemoryContextDelete(work);
}

PG_FUNCTION_INFO_V1(quota_allocate);
/* quota_allocate(total numeric, weight numeric) OVER (...) -> numeric */
Datum
quota_allocate(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	QaPartition *part = (QaPartition *) WinGetPartitionLocalMemory(winobj, sizeof(QaPartition));
	int64		pos = WinGetCurrentPosition(winobj);

	if (!part->done)
	{
		qa_compute(winobj, part, GetMemoryChunkContext(part));
		part->done = true;
	}
	/* the partition is in part->result: the rows before this one can go */
	WinSetMarkPosition(winobj, pos);
	if (pos < 0 || pos >= part->n || part->result[pos] == (Datum) 0)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(part->result[pos]);
}
