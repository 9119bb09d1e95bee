/*
 * quota_ext.h
 *		What every file of quota_ext needs: argument checks that raise the
 *		extension's standard errors, the text of a float for messages, and
 *		the cached text result of a function with a fixed set of labels.
 *
 * Every check raises SQLSTATE 22023 (invalid_parameter_value) with a
 * lowercase message that names the argument and the value, as README "Errors" says.
 */
#ifndef QUOTA_EXT_H
#define QUOTA_EXT_H

#include "postgres.h"

#include "pg_compat.h"

#include <math.h>

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/float.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

/* Raise invalid_parameter_value with a message and an optional hint. */
#define qx_bad_arg(hint, ...) \
	ereport(ERROR, \
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE), \
			 errmsg(__VA_ARGS__), \
			 (hint) ? errhint("%s", (const char *) (hint)) : 0))

/* Text of a float8 as PostgreSQL prints it ("NaN", "Infinity", "0.4"). */
static inline char *
qx_float_str(double v)
{
	return float8out_internal(v);
}

/*
 * Text of a numeric for messages: as PostgreSQL prints it when at most
 * QX_NUMERIC_STR_MAX characters, else its first 7 significant digits in
 * scientific notation (-1.000000e+1130), so an error never carries a number
 * of thousands of digits.  In quota_ext.c.
 */
#define QX_NUMERIC_STR_MAX 24
extern char *qx_numeric_str(Numeric n);

/* Longest stretch of a user's string quoted in a message. */
#define QX_QUOTE_MAX 40

/* A user's string for a message: cut to QX_QUOTE_MAX characters and "...". */
static inline const char *
qx_str_brief(const char *s)
{
	if (strlen(s) > QX_QUOTE_MAX)
		return psprintf("%.*s...", QX_QUOTE_MAX, s);
	return s;
}

/* NaN and +-Infinity are bad arguments unless a function allows them. */
static inline void
qx_require_finite(double v, const char *argname)
{
	if (!isfinite(v))
		qx_bad_arg("Pass a finite number.",
				   "%s must be a finite number, got %s", argname, qx_float_str(v));
}

static inline void
qx_require_nonnegative(double v, const char *argname)
{
	qx_require_finite(v, argname);
	if (v < 0)
		qx_bad_arg(NULL, "%s must not be negative, got %s", argname, qx_float_str(v));
}

/* A share in [0, 1]: agreement, win rate. */
static inline void
qx_require_share(double v, const char *argname)
{
	qx_require_finite(v, argname);
	if (v < 0 || v > 1)
		qx_bad_arg(psprintf("Pass %s as a share between 0 and 1; divide percentages by 100.",
							argname),
				   "%s must be between 0 and 1, got %s", argname, qx_float_str(v));
}

/* Dates the arithmetic can count with: not -infinity or infinity. */
static inline void
qx_require_finite_date(DateADT d, const char *argname)
{
	if (DATE_NOT_FINITE(d))
		qx_bad_arg("Pass a finite date.",
				   "%s must be a finite date, got %s", argname,
				   DATE_IS_NOBEGIN(d) ? "-infinity" : "infinity");
}

/*
 * The result of a function that returns one of a fixed set of strings
 * (labels[i], i < nlabels; labels is a static array): a text value built once
 * per call site in fn_mcxt and cached in fn_extra, so a query over millions
 * of rows does not palloc and copy the same few bytes per row.  Results are
 * read-only for their callers, and PostgreSQL copies a by-reference result
 * wherever it keeps one (aggregate states, sorts, tuplestores, constant
 * folding), as it does for a function that returns one of its arguments.
 * The function must not use fn_extra for anything else.  Without flinfo
 * (a direct call) it falls back to a fresh copy.
 */
static inline Datum
qx_label_datum(FunctionCallInfo fcinfo, const char *const *labels, int nlabels, int i)
{
	text	  **cache;

	if (fcinfo->flinfo == NULL)
		return PointerGetDatum(cstring_to_text(labels[i]));
	cache = (text **) fcinfo->flinfo->fn_extra;
	if (unlikely(cache == NULL))
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(text *) * nlabels);
		fcinfo->flinfo->fn_extra = cache;
	}
	if (unlikely(cache[i] == NULL))
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		cache[i] = cstring_to_text(labels[i]);
		MemoryContextSwitchTo(old);
	}
	return PointerGetDatum(cache[i]);
}

#endif							/* QUOTA_EXT_H */
