/*
 * abc.c
 *		ABC classes by share of revenue (SPEC §3): the window function
 *		abc_class(), and the partition reader it shares with rfm_score().
 *
 * A window function here is evaluated once per row, but the answer depends
 * on the whole partition.  So the first call in a partition reads every
 * value of the partition once, sorts them and keeps what the rule needs in
 * the partition's local memory; every row is then answered by a binary
 * search.  A partition of n rows costs O(n log n) whatever the OVER clause's
 * ORDER BY and frame are.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "windowapi.h"

#include "quota_ext.h"

#define ST_SORT qx_sort_float8
#define ST_ELEMENT_TYPE double
#define ST_COMPARE(a, b) ((*(a) > *(b)) - (*(a) < *(b)))
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/*
 * Read argument argno of every row of the current window partition, leave
 * out NULLs, reject NaN and +-Infinity (naming argname and fname), and
 * return the values sorted ascending, allocated in mcxt; *n gets their count.
 * Shared with rfm_score() in rfm.c.
 */
double *
qx_window_sorted_values(WindowObject winobj, int argno, const char *fname,
						const char *argname, MemoryContext mcxt, int64 *n)
{
	int64		rows = WinGetPartitionRowCount(winobj);
	double	   *vals;
	int64		k = 0;

	vals = MemoryContextAllocExtended(mcxt, sizeof(double) * Max(rows, 1),
									  MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < rows; i++)
	{
		bool		isnull;
		bool		isout;
		Datum		d;
		double		v;

		d = WinGetFuncArgInPartition(winobj, argno, i, WINDOW_SEEK_HEAD,
									 false, &isnull, &isout);
		if (isout)
			elog(ERROR, "%s: row " INT64_FORMAT " of " INT64_FORMAT " is outside the partition",
				 fname, i, rows);
		if (isnull)
			continue;
		v = DatumGetFloat8(d);
		if (!isfinite(v))
			qx_bad_arg("Leave such rows out, or map them to NULL, which is not counted.",
					   "%s: %s must be a finite number, got %s",
					   fname, argname, qx_float_str(v));
		vals[k++] = v;
	}
	qx_sort_float8(vals, k);
	*n = k;
	return vals;
}

/* What abc_class() keeps per partition. */
typedef struct AbcPartition
{
	bool		ready;
	int64		ndistinct;		/* distinct positive values */
	double	   *dv;				/* ... ascending */
	double	   *cum;			/* cum[k] = sum of the positive values >= dv[k] */
	double		total;			/* sum of the positive values */
} AbcPartition;

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

static void
abc_prepare(WindowObject winobj, AbcPartition *part)
{
	MemoryContext mcxt = GetMemoryChunkContext(part);
	int64		n;
	double	   *vals;
	int64		first_pos;
	int64		k;
	QxSum		acc = {0, 0};

	vals = qx_window_sorted_values(winobj, 0, "abc_class", "value", mcxt, &n);

	/* the positive values are vals[first_pos .. n-1] */
	first_pos = n;
	while (first_pos > 0 && vals[first_pos - 1] > 0)
		first_pos--;

	/* distinct positive values, largest first, with their running sums */
	part->dv = MemoryContextAllocExtended(mcxt, sizeof(double) * Max(n - first_pos, 1),
										  MCXT_ALLOC_HUGE);
	part->cum = MemoryContextAllocExtended(mcxt, sizeof(double) * Max(n - first_pos, 1),
										   MCXT_ALLOC_HUGE);
	k = 0;
	for (int64 i = n - 1; i >= first_pos;)
	{
		double		v = vals[i];

		/* ties: all equal values enter cum together */
		while (i >= first_pos && vals[i] == v)
		{
			qx_sum_add(&acc, v);
			i--;
		}
		part->dv[k] = v;
		part->cum[k] = acc.s + acc.c;
		k++;
	}
	part->ndistinct = k;
	part->total = acc.s + acc.c;
	if (!isfinite(part->total))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("abc_class: the sum of the positive values of the partition is out of range")));

	/* reverse into ascending order for the binary search */
	for (int64 lo = 0, hi = k - 1; lo < hi; lo++, hi--)
	{
		double		t;

		t = part->dv[lo];
		part->dv[lo] = part->dv[hi];
		part->dv[hi] = t;
		t = part->cum[lo];
		part->cum[lo] = part->cum[hi];
		part->cum[hi] = t;
	}
	pfree(vals);
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
	double		v;
	double		a_share;
	double		b_share;
	double		cum;
	int64		lo;
	int64		hi;
	const char *cls;

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
	v = DatumGetFloat8(WinGetFuncArgCurrent(winobj, 0, &isnull));
	if (isnull)
		PG_RETURN_NULL();

	if (v <= 0)
		PG_RETURN_TEXT_P(cstring_to_text("C"));

	/* v is one of the distinct positive values: find it */
	lo = 0;
	hi = part->ndistinct - 1;
	while (lo < hi)
	{
		int64		mid = lo + (hi - lo) / 2;

		if (part->dv[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (part->ndistinct == 0 || part->dv[lo] != v)
		elog(ERROR, "abc_class: value %s of the current row is not in its partition",
			 qx_float_str(v));
	cum = part->cum[lo];

	if (cum <= a_share * part->total)
		cls = "A";
	else if (cum <= b_share * part->total)
		cls = "B";
	else
		cls = "C";
	PG_RETURN_TEXT_P(cstring_to_text(cls));
}
