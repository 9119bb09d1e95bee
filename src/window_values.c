/*
 * window_values.c
 *		Reading the values of a window partition (see window_values.h).
 *
 * A window function here is evaluated once per row, but abc_class and
 * rfm_score answer from the whole partition.  So the first call in a
 * partition reads every value once and keeps what the rule needs in the
 * partition's local memory; a partition of n rows costs O(n log n)
 * whatever the OVER clause's ORDER BY and frame are.
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/memutils.h"

#include "quota_ext.h"
#include "window_values.h"

#define ST_SORT qx_sort_float8
#define ST_ELEMENT_TYPE double
#define ST_COMPARE(a, b) ((*(a) > *(b)) - (*(a) < *(b)))
#define ST_SCOPE static
#define ST_CHECK_FOR_INTERRUPTS
#define ST_DEFINE
#include "lib/sort_template.h"

int64
qx_window_read(WindowObject winobj, int argno, const char *fname,
			   const char *argname, QxWindowValue take, void *arg)
{
	int64		rows = WinGetPartitionRowCount(winobj);

	for (int64 i = 0; i < rows; i++)
	{
		bool		isnull;
		bool		isout;
		Datum		d;
		double		v = 0;

		CHECK_FOR_INTERRUPTS();
		d = WinGetFuncArgInPartition(winobj, argno, i, WINDOW_SEEK_HEAD,
									 false, &isnull, &isout);
		if (isout)
			elog(ERROR, "%s: row " INT64_FORMAT " of " INT64_FORMAT " is outside the partition",
				 fname, i, rows);
		if (!isnull)
		{
			v = DatumGetFloat8(d);
			if (!isfinite(v))
				qx_bad_arg("Leave such rows out, or map them to NULL, which is not counted.",
						   "%s: %s must be a finite number, got %s",
						   fname, argname, qx_float_str(v));
		}
		take(arg, i, v, isnull);
	}
	return rows;
}

/* qx_window_read callback of qx_window_sorted_values: non-NULL values in order */
typedef struct SortedReader
{
	double	   *vals;
	int64		n;
} SortedReader;

static void
sorted_take(void *arg, int64 pos, double v, bool isnull)
{
	SortedReader *rd = (SortedReader *) arg;

	if (!isnull)
		rd->vals[rd->n++] = v;
}

double *
qx_window_sorted_values(WindowObject winobj, int argno, const char *fname,
						const char *argname, MemoryContext mcxt, int64 *n)
{
	int64		rows = WinGetPartitionRowCount(winobj);
	SortedReader rd;

	rd.vals = MemoryContextAllocExtended(mcxt, sizeof(double) * Max(rows, 1),
										 MCXT_ALLOC_HUGE);
	rd.n = 0;
	qx_window_read(winobj, argno, fname, argname, sorted_take, &rd);
	qx_sort_float8(rd.vals, rd.n);
	*n = rd.n;
	return rd.vals;
}
