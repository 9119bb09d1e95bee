/*
 * window_values.h
 *		Reading the values of a window partition, for the window functions
 *		that answer from the whole partition (abc_class, rfm_score).
 */
#ifndef QX_WINDOW_VALUES_H
#define QX_WINDOW_VALUES_H

#include "postgres.h"

#include "windowapi.h"

/* One row's value (pos: position in the partition; v unset when isnull). */
typedef void (*QxWindowValue) (void *arg, int64 pos, double v, bool isnull);

/*
 * Read float8 argument argno of every row of the current partition in
 * position order and pass it to take; NaN and +-Infinity are errors naming
 * argname and fname.  Answers a cancel between rows.  Returns the row count.
 */
extern int64 qx_window_read(WindowObject winobj, int argno, const char *fname,
							const char *argname, QxWindowValue take, void *arg);

/*
 * The non-NULL values of argument argno, sorted ascending, in mcxt; *n gets
 * their count.  The sort answers a cancel too.
 */
extern double *qx_window_sorted_values(WindowObject winobj, int argno,
									   const char *fname, const char *argname,
									   MemoryContext mcxt, int64 *n);

#endif							/* QX_WINDOW_VALUES_H */
