/*
 * quota_ext.c
 *		The module: PostgreSQL's magic block, checked when quota_ext.so is
 *		loaded, and the message helpers of quota_ext.h that are not inline.
 *		Each concept lives in its own file (README "Development").
 */
#include "postgres.h"

#include <ctype.h>

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "quota_ext.h"

PG_MODULE_MAGIC;

/* Significant digits qx_numeric_str keeps of a long number. */
#define QX_NUMERIC_STR_DIGITS 7

char *
qx_numeric_str(Numeric n)
{
	char	   *s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(n)));
	const char *p = s;
	const char *dot;
	char		digits[QX_NUMERIC_STR_DIGITS + 1];
	int			nd = 0;
	int			exp;
	bool		neg;

	if (strlen(s) <= QX_NUMERIC_STR_MAX || numeric_is_nan(n) || numeric_is_inf(n))
		return s;
	/* s is [-]digits[.digits]: the exponent is where the first nonzero digit is */
	neg = (*p == '-');
	if (neg)
		p++;
	dot = strchr(p, '.');
	if (p[0] != '0')
		exp = (int) (dot ? dot - p : strlen(p)) - 1;
	else
	{
		const char *q = dot + 1;	/* a long 0.000ddd has a point */

		while (*q == '0')
			q++;
		exp = -(int) (q - dot);
		p = q;
	}
	for (; *p && nd < QX_NUMERIC_STR_DIGITS; p++)
		if (isdigit((unsigned char) *p))
			digits[nd++] = *p;
	digits[nd] = '\0';
	return psprintf("%s%c%s%se%+d", neg ? "-" : "", digits[0], nd > 1 ? "." : "",
					digits + 1, exp);
}
