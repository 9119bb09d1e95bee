/*
 * abc.c
 *		ABC classes by share of revenue (README "ABC and XYZ classes"): the window function
 *		abc_class().
 *
 * A window function here is evaluated once per row, but the answer depends
 * on the whole partition.  So the first call in a partition reads every
 * value of the partition once, sorts them and keeps what the rule needs in
 * the partition's local memory: abc_class() keeps each row's cum by its
 * position in the partition and answers a row with one array read;
 * rfm_score() keeps the sorted values and answers by a binary search.  A
 * partition of n rows costs O(n log n) whatever the OVER clause's ORDER BY
 * and frame are.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "windowapi.h"

#include "quota_ext.h"
#include "window_values.h"

/*
 * What abc_class() keeps per partition: for each row, by its position in the
 * partition, the cum of its value (> 0), or ABC_NONPOS when the value is
 * <= 0, or ABC_NULL when it is NULL; and the total.  A row is then answered
 * by one array read instead of a search.
 */
#define ABC_NONPOS	(-1.0)
#define ABC_NULL	(-2.0)

typedef struct AbcPartition
{
	bool		ready;
	int64		nrows;
	double	   *cum;			/* by partition position */
	double		total;			/* sum of the positive values */
} AbcPartition;

/* A positive value and the position of its row, sorted largest first. */
typedef struct AbcItem
{
	double		v;
	int64		pos;
} AbcItem;

#define ST_SORT abc_sort_items
#define ST_ELEMENT_TYPE AbcItem
#define ST_COMPARE(a, b) (((a)->v < (b)->v) - ((a)->v > (b)->v))
#define ST_SCOPE static
#define ST_CHECK_FOR_INTERRUPTS
#define ST_DEFINE
#include "lib/sort_template.h"

/*
 * Neumaier's compensated sum: the running sum is accurate to about one
 * rounding whatever the magnitudes, so the class of a row does not depend on
 * rounding noise accumulated over millions of rows.  Values are added in
 * sort order, so the result depends only on the partition's values, never on
 * the order the rows arrive in.
 */
typedef struct QxSum
{
	double		s;
	double		c;
} QxSum;

static inline void
qx_sum_add(QxSum *acc, double x)
{
	double		t = acc->s + x;

	if (fabs(acc->s) >= fabs(x))
		acc->c += (acc->s - t) + x;
	else
		acc->c += (x - t) + acc->s;
	acc->s = t;
}

/* qx_window_read callback: a row's value into cum or the items to sort */
typedef struct AbcReader
{
	AbcPartition *part;
	AbcItem    *items;
	int64		n;
} AbcReader;

static void
abc_take_value(void *arg, int64 pos, double v, bool isnull)
{
	AbcReader  *rd = (AbcReader *) arg;

	if (isnull)
		rd->part->cum[pos] = ABC_NULL;
	else if (v <= 0)
		rd->part->cum[pos] = ABC_NONPOS;
	else
	{
		rd->items[rd->n].v = v;
		rd->items[rd->n].pos = pos;
		rd->n++;
	}
}

/*
 * Read the partition once in position order, sort its positive values
 * largest first with their positions, and give every row the running sum of
 * its tie group.
 */
static void
abc_prepare(WindowObject winobj, AbcPartition *part)
{
	MemoryContext mcxt = GetMemoryChunkContext(part);
	int64		rows = WinGetPartitionRowCount(winobj);
	AbcReader	rd;
	AbcItem    *items;
	int64		n;
	QxSum		acc = {0, 0};

	part->nrows = rows;
	part->cum = MemoryContextAllocExtended(mcxt, sizeof(double) * Max(rows, 1),
										   MCXT_ALLOC_HUGE);
	items = MemoryContextAllocExtended(mcxt, sizeof(AbcItem) * Max(rows, 1),
									   MCXT_ALLOC_HUGE);
	rd.part = part;
	rd.items = items;
	rd.n = 0;
	qx_window_read(winobj, 0, "abc_class", "value", abc_take_value, &rd);
	n = rd.n;
	abc_sort_items(items, n);

	/* ties: all equal values enter cum together */
	for (int64 i = 0; i < n;)
	{
		double		v = items[i].v;
		int64		j;
		double		cum;

		CHECK_FOR_INTERRUPTS();
		for (j = i; j < n && items[j].v == v; j++)
			qx_sum_add(&acc, v);
		cum = acc.s + acc.c;
		for (; i < j; i++)
			part->cum[items[i].pos] = cum;
	}
	part->total = acc.s + acc.c;
	if (!isfinite(part->total))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("abc_class: the sum of the positive values of the partition is out of range")));
	pfree(items);
	part->ready = true;
}

/* a_share and b_share of one row: 0 < a_share < b_share <= 1 */
static void
abc_check_shares(double a_share, double b_share)
{
	qx_require_finite(a_share, "a_share");
	qx_require_finite(b_share, "b_share");
	if (a_share <= 0 || a_share >= 1)
		qx_bad_arg("a_share is a share of the total between 0 and 1, such as 0.8; divide percentages by 100.",
				   "a_share must be greater than 0 and less than 1, got %s",
				   qx_float_str(a_share));
	if (b_share <= 0 || b_share > 1)
		qx_bad_arg("b_share is a share of the total, greater than 0 and at most 1, such as 0.95; divide percentages by 100.",
				   "b_share must be greater than 0 and at most 1, got %s",
				   qx_float_str(b_share));
	if (a_share >= b_share)
		qx_bad_arg("Pass a_share < b_share, such as 0.8 and 0.95.",
				   "a_share must be less than b_share, got a_share %s and b_share %s",
				   qx_float_str(a_share), qx_float_str(b_share));
}

static const char *const abc_labels[] = {"A", "B", "C"};

PG_FUNCTION_INFO_V1(abc_class);
/*
 * abc_class(value, a_share DEFAULT 0.8, b_share DEFAULT 0.95) OVER (...) -> text
 *
 * cum = sum of the partition's positive values >= value (ties included),
 * total = sum of its positive values; 'A' when cum <= a_share * total, 'B'
 * when cum <= b_share * total, else 'C'; values <= 0 are 'C'.  NULL in any
 * argument of the row gives NULL; NULL values are not counted.
 */
Datum
abc_class(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	AbcPartition *part;
	bool		isnull;
	double		a_share;
	double		b_share;
	double		cum;
	int64		pos;
	int			cls;

	part = (AbcPartition *) WinGetPartitionLocalMemory(winobj, sizeof(AbcPartition));
	if (!part->ready)
		abc_prepare(winobj, part);

	/* the shares are checked on every row, so they may vary between rows */
	a_share = DatumGetFloat8(WinGetFuncArgCurrent(winobj, 1, &isnull));
	if (isnull)
		PG_RETURN_NULL();
	b_share = DatumGetFloat8(WinGetFuncArgCurrent(winobj, 2, &isnull));
	if (isnull)
		PG_RETURN_NULL();
	abc_check_shares(a_share, b_share);

	pos = WinGetCurrentPosition(winobj);
	if (pos < 0 || pos >= part->nrows)
		elog(ERROR, "abc_class: current row " INT64_FORMAT " is outside its partition of " INT64_FORMAT " rows",
			 pos, part->nrows);
	cum = part->cum[pos];
	if (cum == ABC_NULL)
		PG_RETURN_NULL();
	/* values <= 0 are C whatever the shares */
	if (cum != ABC_NONPOS && cum <= a_share * part->total)
		cls = 0;
	else if (cum != ABC_NONPOS && cum <= b_share * part->total)
		cls = 1;
	else
		cls = 2;
	PG_RETURN_DATUM(qx_label_datum(fcinfo, abc_labels, lengthof(abc_labels), cls));
}
