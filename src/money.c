/*
 * money.c
 *		Exact money accumulator (int128 fixed point with a numeric fallback)
 *		and the rounding of money derived from it.
 *
 * Amounts are decoded straight from numeric's stored digits (base 10000),
 * without detoasting a short-header value into a copy, so adding an amount
 * costs a few integer operations.  The decoding relies on numeric's on-disk
 * format, which PostgreSQL keeps stable across versions for pg_upgrade.
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

#include "quota_ext.h"
#include "money.h"

/*
 * numeric's stored header (see src/backend/utils/adt/numeric.c): a uint16
 * header word, then (long format only) an int16 weight, then base-10000
 * digits.  Special values (NaN, +-Infinity) have the two top bits set.
 */
#define NUM_SIGN_MASK		0xC000
#define NUM_NEG				0x4000
#define NUM_SHORT			0x8000
#define NUM_SPECIAL			0xC000
#define NUM_DSCALE_MASK		0x3FFF
#define NUM_SHORT_SIGN		0x2000
#define NUM_SHORT_DSCALE_MASK 0x1F80
#define NUM_SHORT_DSCALE_SHIFT 7
#define NUM_SHORT_WEIGHT_SIGN 0x0040
#define NUM_SHORT_WEIGHT_MASK 0x003F
#define NBASE				10000	/* numeric's digit base */

const int64 qx_pow10_64[QX_POW10_INT64_MAX + 1] = {
	INT64CONST(1), INT64CONST(10), INT64CONST(100), INT64CONST(1000),
	INT64CONST(10000), INT64CONST(100000), INT64CONST(1000000),
	INT64CONST(10000000), INT64CONST(100000000), INT64CONST(1000000000),
	INT64CONST(10000000000), INT64CONST(100000000000),
	INT64CONST(1000000000000), INT64CONST(10000000000000),
	INT64CONST(100000000000000), INT64CONST(1000000000000000),
	INT64CONST(10000000000000000), INT64CONST(100000000000000000),
	INT64CONST(1000000000000000000)
};

#define POW10_INT128_MAX	38	/* and 10^38 in int128 */

/* 10^k as int128 for 0 <= k <= POW10_INT128_MAX */
static int128
pow10_128(int k)
{
	int128		r;

	Assert(k >= 0 && k <= POW10_INT128_MAX);
	if (k <= QX_POW10_INT64_MAX)
		return qx_pow10_64[k];
	r = qx_pow10_64[QX_POW10_INT64_MAX];
	for (k -= QX_POW10_INT64_MAX; k > 0; k--)
		r *= 10;
	return r;
}

/* v * 10^k into *res; false on overflow */
static inline bool
mul_pow10(int128 v, int k, int128 *res)
{
	if (k == 0)
	{
		*res = v;
		return true;
	}
	if (k > POW10_INT128_MAX)
		return v == 0 ? (*res = 0, true) : false;
	return !__builtin_mul_overflow(v, pow10_128(k), res);
}

/* Header word of a numeric datum, any varlena header, and its payload. */
static inline uint16
num_header(const char *data)
{
	uint16		h;

	memcpy(&h, data, sizeof(h));
	return h;
}

/*
 * Decode a finite numeric into value * 10^dscale.  Returns false when it
 * does not fit int128 or dscale is above QX_MONEY_MAX_SCALE (the caller
 * then uses numeric arithmetic); *dscale is always set.
 */
static bool
numeric_decode(const struct varlena *num, int128 *value, int *dscale)
{
	const char *data = VARDATA_ANY(num);
	int			len = VARSIZE_ANY_EXHDR(num);
	uint16		h = num_header(data);
	bool		neg;
	int			weight;
	const char *digits;
	int			ndigits;
	int			e;
	int128		acc;

	if (h & NUM_SHORT)
	{
		neg = (h & NUM_SHORT_SIGN) != 0;
		*dscale = (h & NUM_SHORT_DSCALE_MASK) >> NUM_SHORT_DSCALE_SHIFT;
		weight = (h & NUM_SHORT_WEIGHT_SIGN) ? (int) (~NUM_SHORT_WEIGHT_MASK | (h & NUM_SHORT_WEIGHT_MASK))
			: (int) (h & NUM_SHORT_WEIGHT_MASK);
		digits = data + sizeof(uint16);
		ndigits = (len - (int) sizeof(uint16)) / (int) sizeof(int16);
	}
	else
	{
		int16		w;

		neg = (h & NUM_SIGN_MASK) == NUM_NEG;
		*dscale = h & NUM_DSCALE_MASK;
		memcpy(&w, data + sizeof(uint16), sizeof(int16));
		weight = w;
		digits = data + sizeof(uint16) + sizeof(int16);
		ndigits = (len - (int) (sizeof(uint16) + sizeof(int16))) / (int) sizeof(int16);
	}
	if (*dscale > QX_MONEY_MAX_SCALE)
		return false;
	if (ndigits <= 0)
	{
		*value = 0;
		return true;
	}
	if (ndigits > 9)
		return false;

	/* the digits as an integer: the value times 10^e */
	e = 4 * (ndigits - 1 - weight);
	acc = 0;
	for (int i = 0; i < ndigits; i++)
	{
		int16		d;

		memcpy(&d, digits + i * sizeof(int16), sizeof(int16));
		acc = acc * NBASE + d;
	}
	if (e > *dscale)
	{
		/* digits past dscale must be zeros; up to 4 digits divide in 64 bits */
		int			k = e - *dscale;

		if (ndigits <= 4)
		{
			if (k > QX_POW10_INT64_MAX || (int64) acc % qx_pow10_64[k] != 0)
				return false;
			acc = (int64) acc / qx_pow10_64[k];
		}
		else
		{
			if (k > POW10_INT128_MAX || acc % pow10_128(k) != 0)
				return false;
			acc /= pow10_128(k);
		}
		*value = neg ? -acc : acc;
		return true;
	}
	*value = neg ? -acc : acc;
	return mul_pow10(*value, *dscale - e, value);
}

/* The amount's header; NaN or +-Infinity is an error naming amount. */
static inline const struct varlena *
amount_varlena(Datum amount)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(amount);

	if (VARATT_IS_EXTENDED(v) && !VARATT_IS_SHORT(v))
		v = pg_detoast_datum_packed(v);
	if ((num_header(VARDATA_ANY(v)) & NUM_SIGN_MASK) == NUM_SPECIAL)
		qx_bad_arg("Amounts are sums of money; leave out or fix NaN and infinite amounts.",
				   "amount must be a finite number, got %s",
				   numeric_out_sci(DatumGetNumeric(amount), 0));
	return v;
}

void
qx_require_finite_amount(Datum amount)
{
	(void) amount_varlena(amount);
}

void
qx_amount_decode(Datum amount, QxAmount *a)
{
	a->num = amount_varlena(amount);
	a->fits = numeric_decode(a->num, &a->value, &a->dscale);
}

/* The small sum as a numeric in the current memory context. */
static Numeric
small_to_numeric(int128 v, int scale)
{
	char		buf[64];
	char		digits[48];
	int			nd = 0;
	int			pos = 0;
	uint128		u;

	if (v > -INT64CONST(100000000000000) && v < INT64CONST(100000000000000))
		return int64_div_fast_to_numeric((int64) v, scale);

	u = v < 0 ? -(uint128) v : (uint128) v;
	do
	{
		digits[nd++] = '0' + (int) (u % 10);
		u /= 10;
	} while (u > 0);
	while (nd <= scale)
		digits[nd++] = '0';
	if (v < 0)
		buf[pos++] = '-';
	for (int i = nd - 1; i >= 0; i--)
	{
		buf[pos++] = digits[i];
		if (i == scale && i > 0)
			buf[pos++] = '.';
	}
	buf[pos] = '\0';
	return DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
}

/* Switch m to a numeric sum kept in ctx. */
static void
money_to_big(QxMoney *m, MemoryContext ctx)
{
	MemoryContext old;

	if (m->big)
		return;
	old = MemoryContextSwitchTo(ctx);
	m->v.n = small_to_numeric(m->v.i, m->scale);
	MemoryContextSwitchTo(old);
	m->big = true;
}

/* m (big) += x, the new sum copied into ctx and the old one freed */
static void
big_add(QxMoney *m, Numeric x, MemoryContext ctx)
{
	Numeric		sum = DatumGetNumeric(DirectFunctionCall2(numeric_add,
														  NumericGetDatum(m->v.n),
														  NumericGetDatum(x)));
	Numeric		copy = MemoryContextAlloc(ctx, VARSIZE(sum));

	memcpy(copy, sum, VARSIZE(sum));
	pfree(m->v.n);
	m->v.n = copy;
}

void
qx_money_add_amount(QxMoney *m, const QxAmount *a, MemoryContext ctx)
{
	int			ds = a->dscale;

	if (!m->big && a->fits)
	{
		int128		sum = m->v.i;
		int128		x = a->value;
		int128		res;

		if (ds > m->scale)
		{
			if (!mul_pow10(sum, ds - m->scale, &sum))
				goto slow;
		}
		else if (ds < m->scale)
		{
			if (!mul_pow10(x, m->scale - ds, &x))
				goto slow;
		}
		if (__builtin_add_overflow(sum, x, &res))
			goto slow;
		m->v.i = res;
		m->scale = Max(m->scale, ds);
		return;
	}
slow:
	money_to_big(m, ctx);
	big_add(m, DatumGetNumeric(PointerGetDatum(pg_detoast_datum((struct varlena *) a->num))), ctx);
	m->scale = Max(m->scale, ds);
}

void
qx_money_add_numeric(QxMoney *m, Datum amount, MemoryContext ctx)
{
	QxAmount	a;

	qx_amount_decode(amount, &a);
	qx_money_add_amount(m, &a, ctx);
}

void
qx_money_add(QxMoney *m, const QxMoney *other, MemoryContext ctx)
{
	if (!m->big && !other->big)
	{
		int128		a = m->v.i;
		int128		b = other->v.i;
		int128		res;

		if (mul_pow10(a, Max(m->scale, other->scale) - m->scale, &a) &&
			mul_pow10(b, Max(m->scale, other->scale) - other->scale, &b) &&
			!__builtin_add_overflow(a, b, &res))
		{
			m->v.i = res;
			m->scale = Max(m->scale, other->scale);
			return;
		}
	}
	money_to_big(m, ctx);
	big_add(m, qx_money_get(other), ctx);
	m->scale = Max(m->scale, other->scale);
}

Numeric
qx_money_get(const QxMoney *m)
{
	if (m->big)
		return m->v.n;
	return small_to_numeric(m->v.i, m->scale);
}

/* Sums within this magnitude and scale take the exact float fast path. */
#define TREND_FAST_BITS 53
#define TREND_FAST_SCALE 22

/*
 * The fast path of qx_trend and qx_mean_trend: d = x*kb - base*kx and
 * b = base*kx as integers at a common scale; when both fit 2^53 at a scale
 * of at most 22, every step below is one correctly rounded double
 * operation, which is what numeric_float8's strtod gives.  false: the
 * caller takes numeric.
 */
static bool
fast_trend(const QxMoney *x, int64 kx, const QxMoney *base, int64 kb, double *res)
{
	int			scale = Max(x->scale, base->scale);
	int128		a,
				b,
				d;
	const int128 lim = ((int128) 1) << TREND_FAST_BITS;
	double		p;

	if (x->big || base->big || scale > TREND_FAST_SCALE ||
		!mul_pow10(x->v.i, scale - x->scale, &a) ||
		!mul_pow10(base->v.i, scale - base->scale, &b) ||
		__builtin_mul_overflow(a, (int128) kb, &a) ||
		__builtin_mul_overflow(b, (int128) kx, &b) ||
		__builtin_sub_overflow(a, b, &d) ||
		d >= lim || d <= -lim || b >= lim || b <= -lim)
		return false;
	p = (double) pow10_128(scale);
	*res = ((double) d / p) / ((double) b / p);
	return true;
}

/* (x - base)::float8 / base::float8, the difference exact. */
double
qx_trend(const QxMoney *x, const QxMoney *base)
{
	double		r;

	if (fast_trend(x, 1, base, 1, &r))
		return r;
	return qx_numeric_trend(qx_money_get(x), qx_money_get(base));
}

/*
 * The relative change of the mean x/kx against the mean base/kb, from the
 * exact sums: (x*kb - base*kx)::float8 / (base*kx)::float8.  kx, kb > 0.
 */
double
qx_mean_trend(const QxMoney *x, int64 kx, const QxMoney *base, int64 kb)
{
	double		r;
	Datum		a,
				b;

	if (fast_trend(x, kx, base, kb, &r))
		return r;
	a = DirectFunctionCall2(numeric_mul, NumericGetDatum(qx_money_get(x)),
							NumericGetDatum(int64_to_numeric(kb)));
	b = DirectFunctionCall2(numeric_mul, NumericGetDatum(qx_money_get(base)),
							NumericGetDatum(int64_to_numeric(kx)));
	return qx_numeric_trend(DatumGetNumeric(a), DatumGetNumeric(b));
}

/* numeric to float8: 0 below float8's range, +-Infinity above it */
static double
numeric_to_double(Datum n)
{
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, n));
}

/*
 * (x - base)::float8 / base::float8.  When a term is outside float8's range
 * (sums of amounts up to numeric's 131072 digits are), the quotient is taken
 * in numeric and rounded once; a quotient outside float8's range is 22003.
 */
double
qx_numeric_trend(Numeric x, Numeric base)
{
	Datum		d = DirectFunctionCall2(numeric_sub, NumericGetDatum(x), NumericGetDatum(base));
	double		fd = numeric_to_double(d);
	double		fb = numeric_to_double(NumericGetDatum(base));
	double		q;

	if (isfinite(fd) && isfinite(fb) && fb != 0 && (fd != 0 || qx_numeric_sign(DatumGetNumeric(d)) == 0))
		return fd / fb;
	q = numeric_to_double(DirectFunctionCall2(numeric_div, d, NumericGetDatum(base)));
	if (isinf(q))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("trend is out of range for type double precision"),
				 errdetail("The change is %s on a base of %s.",
						   qx_numeric_str(DatumGetNumeric(d)), qx_numeric_str(base))));
	return q;
}

int
qx_numeric_sign(Numeric num)
{
	const struct varlena *v = (const struct varlena *) num;
	const char *data = VARDATA_ANY(v);
	int			len = VARSIZE_ANY_EXHDR(v);
	uint16		h = num_header(data);

	if ((h & NUM_SIGN_MASK) == NUM_SPECIAL)
		elog(ERROR, "qx_numeric_sign: special numeric value");
	if (h & NUM_SHORT)
	{
		if (len <= (int) sizeof(uint16))
			return 0;
		return (h & NUM_SHORT_SIGN) ? -1 : 1;
	}
	if (len <= (int) (sizeof(uint16) + sizeof(int16)))
		return 0;
	return (h & NUM_SIGN_MASK) == NUM_NEG ? -1 : 1;
}

int
qx_money_sign(const QxMoney *m)
{
	if (m->big)
		return qx_numeric_sign(m->v.n);
	return (m->v.i > 0) - (m->v.i < 0);
}

bool
qx_money_is_zero(const QxMoney *m)
{
	return qx_money_sign(m) == 0;
}

int
qx_numeric_dscale(Numeric num)
{
	const struct varlena *v = (const struct varlena *) num;
	uint16		h = num_header(VARDATA_ANY(v));

	if ((h & NUM_SIGN_MASK) == NUM_SPECIAL)
		elog(ERROR, "qx_numeric_dscale: special numeric value");
	if (h & NUM_SHORT)
		return (h & NUM_SHORT_DSCALE_MASK) >> NUM_SHORT_DSCALE_SHIFT;
	return h & NUM_DSCALE_MASK;
}

/*
 * x / den rounded half away from zero: the truncated quotient, moved one
 * away from zero when the remainder is at least half of den.  C's / and %
 * truncate toward zero, so the remainder has the sign of x.
 */
static inline int128
div_half_away(int128 x, int64 den)
{
	int128		q = x / den;
	int128		r = x % den;

	if ((r < 0 ? -r : r) * 2 >= den)
		q += x < 0 ? -1 : 1;
	return q;
}

/*
 * Derived money, exactly: numeric_div alone would first round the quotient
 * to a precision of its own choosing, which can move a value just below a
 * half onto it.  n * 10^scale is divided with its remainder instead.
 */
Numeric
qx_numeric_div_round(Numeric n, int64 den, int scale)
{
	int128		v;
	int			ds;
	Datum		x,
				q,
				r;

	Assert(den > 0 && scale >= 0);
	if (scale <= QX_MONEY_MAX_SCALE &&
		numeric_decode((const struct varlena *) n, &v, &ds) && ds <= scale &&
		mul_pow10(v, scale - ds, &v))
		return small_to_numeric(div_half_away(v, den), scale);

	x = DirectFunctionCall2(numeric_mul, NumericGetDatum(n),
							DirectFunctionCall3(numeric_in, CStringGetDatum(psprintf("1e%d", scale)),
												ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
	q = DirectFunctionCall2(numeric_div_trunc, x, NumericGetDatum(int64_to_numeric(den)));
	r = DirectFunctionCall2(numeric_sub, x,
							DirectFunctionCall2(numeric_mul, q,
												NumericGetDatum(int64_to_numeric(den))));
	r = DirectFunctionCall2(numeric_mul, DirectFunctionCall1(numeric_abs, r),
							NumericGetDatum(int64_to_numeric(2)));
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, r,
										  NumericGetDatum(int64_to_numeric(den)))) >= 0)
		q = DirectFunctionCall2(numeric_add, q,
								NumericGetDatum(int64_to_numeric(qx_numeric_sign(DatumGetNumeric(x)))));
	/* q * 10^-scale is exact and has exactly scale decimals */
	return DatumGetNumeric(DirectFunctionCall2(numeric_mul, q,
											   DirectFunctionCall3(numeric_in,
																   CStringGetDatum(psprintf("1e-%d", scale)),
																   ObjectIdGetDatum(InvalidOid),
																   Int32GetDatum(-1))));
}

Numeric
qx_money_div_round(const QxMoney *m, int64 den, int scale)
{
	int128		v;

	Assert(den > 0 && scale >= 0);
	if (!m->big && m->scale <= scale && scale <= QX_MONEY_MAX_SCALE &&
		mul_pow10(m->v.i, scale - m->scale, &v))
		return small_to_numeric(div_half_away(v, den), scale);
	return qx_numeric_div_round(qx_money_get(m), den, scale);
}

/* ---------------------------------------------------------------------
 * Exact amounts as int128 units of 10^-scale (pipeline_forecast's deals)
 * --------------------------------------------------------------------- */

bool
qx_int128_mul_pow10(int128 v, int k, int128 *res)
{
	if (k <= 0)
	{
		*res = v;
		return true;
	}
	return mul_pow10(v, k, res);
}

bool
qx_money_add_small(QxMoney *m, int128 value, int dscale)
{
	int			s = Max(m->scale, dscale);
	int128		a,
				b,
				sum;

	if (m->big || dscale > QX_MONEY_MAX_SCALE ||
		!qx_int128_mul_pow10(m->v.i, s - m->scale, &a) ||
		!qx_int128_mul_pow10(value, s - dscale, &b) ||
		__builtin_add_overflow(a, b, &sum))
		return false;
	m->v.i = sum;
	m->scale = s;
	return true;
}

void
qx_money_wrap_numeric(QxMoney *m, Numeric n)
{
	m->v.n = n;
	m->scale = 0;
	m->big = true;
}

/* digits[.digits] as units at scale (at most scale decimals); false if not */
bool
qx_units_parse_at(const char *s, int scale, int128 *units)
{
	int128		v = 0;
	int			frac = -1;
	int			digits = 0;

	for (; *s; s++)
	{
		if (*s == '.' && frac < 0)
			frac = 0;
		else if (*s >= '0' && *s <= '9')
		{
			if (__builtin_mul_overflow(v, (int128) 10, &v) ||
				__builtin_add_overflow(v, (int128) (*s - '0'), &v))
				return false;
			digits++;
			if (frac >= 0)
				frac++;
			if (frac > scale)
				return false;
		}
		else
			return false;
	}
	if (digits == 0 || !qx_int128_mul_pow10(v, scale - Max(frac, 0), &v))
		return false;
	*units = v;
	return true;
}

/*
 * digits[.digits] as u units of 10^-s, s the smallest scale that holds it
 * (negative for trailing zeros before the point: 1e200 is 1 unit of
 * 10^200); false when malformed or u does not fit int128.
 */
bool
qx_units_parse(const char *s, int128 *u, int *scale)
{
	const char *dot = strchr(s, '.');
	const char *end = s + strlen(s);
	const char *c;
	int128		v = 0;
	int			frac = 0,
				digits = 0;

	/* the significant end: trailing zeros (and a bare point) dropped */
	if (dot != NULL)
	{
		while (end > dot + 1 && end[-1] == '0')
			end--;
		if (end == dot + 1)
			end = dot;
	}
	if (end == dot || dot == NULL)
	{
		const char *ie = dot ? dot : end;

		end = ie;
		while (end > s && end[-1] == '0')
			end--;
		frac = -(int) (ie - end);
	}
	else
		frac = (int) (end - dot - 1);
	for (c = s; c < end; c++)
	{
		if (*c == '.' && c == dot)
			continue;
		if (*c < '0' || *c > '9')
			return false;
		if (__builtin_mul_overflow(v, (int128) 10, &v) ||
			__builtin_add_overflow(v, (int128) (*c - '0'), &v))
			return false;
		digits++;
	}
	/* the rest must be zeros (and the point) */
	for (; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c == '.' && c == dot)))
			return false;
	if (strlen(s) == 0 || (dot == s && s[1] == '\0'))
		return false;
	if (v == 0)
		frac = 0;
	*u = v;
	*scale = frac;
	return true;
}

/*
 * A positive amount as u units of 10^-s with s its smallest scale (see
 * qx_units_parse); false when u does not fit int128.
 */
bool
qx_amount_units(const QxAmount *amt, Datum amount, int128 *u, int *s)
{
	Datum		t;
	char	   *txt;

	if (amt->fits && amt->value != 0)
	{
		int128		v = amt->value;
		int			sc = amt->dscale;

		if (v > 0 && v <= PG_INT64_MAX)
		{
			int64		w = (int64) v;

			while (w % 10 == 0)
				w /= 10, sc--;
			v = w;
		}
		while (v != 0 && v % 10 == 0)
			v /= 10, sc--;
		*u = v;
		*s = sc;
		return true;
	}
	t = DirectFunctionCall1(numeric_trim_scale, amount);
	txt = DatumGetCString(DirectFunctionCall1(numeric_out, t));
	return qx_units_parse(txt, u, s);
}

/* 10^k (any integer k in numeric's range) as a numeric */
Datum
qx_pow10_numeric(int k)
{
	char		buf[32];

	snprintf(buf, sizeof(buf), "1e%d", k);
	return DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
							   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
}

/* v (int128 >= 0) * 10^-scale as a numeric, exactly */
Numeric
qx_units_numeric(int128 v, int scale)
{
	char	   *buf = palloc(abs(scale) + 48);
	char		digits[48];
	int			nd = 0,
				pos = 0;
	uint128		u = (uint128) v;

	Assert(v >= 0);
	do
	{
		digits[nd++] = '0' + (int) (u % 10);
		u /= 10;
	} while (u > 0);
	if (scale < 0)
	{
		for (int i = nd - 1; i >= 0; i--)
			buf[pos++] = digits[i];
		for (int i = 0; v != 0 && i < -scale; i++)
			buf[pos++] = '0';
	}
	else if (nd <= scale)
	{
		buf[pos++] = '0';
		buf[pos++] = '.';
		for (int i = scale; i > nd; i--)
			buf[pos++] = '0';
		for (int i = nd - 1; i >= 0; i--)
			buf[pos++] = digits[i];
	}
	else
	{
		for (int i = nd - 1; i >= 0; i--)
		{
			buf[pos++] = digits[i];
			if (i == scale && i > 0)
				buf[pos++] = '.';
		}
	}
	buf[pos] = '\0';
	return DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
}
