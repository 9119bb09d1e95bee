/*
 * money.h
 *		Exact money accumulator of the customer aggregates (rfm_summary,
 *		btyd_summary, rfm_kinetic).
 *
 * QxMoney sums numeric amounts exactly: an int128 fixed-point value scaled
 * by 10^scale, where scale is the largest display scale (dscale) of the
 * amounts added so far -- the display scale PostgreSQL's sum(numeric)
 * gives.  When a sum would overflow int128, or an amount has more than
 * QX_MONEY_MAX_SCALE decimals, the accumulator switches for good to a
 * PostgreSQL numeric held in the aggregate's memory context ("big" mode),
 * so the result always equals sum(amount) digit for digit.
 *
 * Derived money (an average, a share of a quota, a run rate) is rounded
 * half away from zero to the scale of the money it derives from and never
 * to fewer than QX_DERIVED_MIN_SCALE decimals (SPEC §0, README "Money").
 *
 * The text and binary forms of a QxMoney in the state types are in
 * state_codec.h.
 */
#ifndef QX_MONEY_H
#define QX_MONEY_H

#include "postgres.h"

#include "pg_compat.h"

#include "fmgr.h"
#include "utils/numeric.h"

#ifndef HAVE_INT128
#error "quota_ext needs a compiler with a 128-bit integer type"
#endif

#define QX_MONEY_MAX_SCALE 30
#define QX_DERIVED_MIN_SCALE 2

typedef struct QxMoney
{
	union
	{
		int128		i;			/* sum * 10^scale, when !big */
		Numeric		n;			/* the sum, when big */
	}			v;
	int16		scale;			/* display scale of the sum */
	bool		big;
} QxMoney;

static inline void
qx_money_init(QxMoney *m)
{
	m->v.i = 0;
	m->scale = 0;
	m->big = false;
}

/* A numeric amount decoded once, to be added to several accumulators. */
typedef struct QxAmount
{
	int128		value;			/* amount * 10^dscale, when fits */
	int			dscale;
	bool		fits;
	const struct varlena *num;	/* the amount (possibly short header) */
} QxAmount;

/* NaN or +-Infinity amount: error 22023 naming amount. */
extern void qx_require_finite_amount(Datum amount);
/* Decode a numeric amount; NaN or +-Infinity is an error naming amount. */
extern void qx_amount_decode(Datum amount, QxAmount *a);
extern void qx_money_add_amount(QxMoney *m, const QxAmount *a, MemoryContext ctx);
/* Add a numeric amount (any varlena header; NaN is an error) to m; ctx holds big sums. */
extern void qx_money_add_numeric(QxMoney *m, Datum amount, MemoryContext ctx);
/* m += other; ctx holds big sums. */
extern void qx_money_add(QxMoney *m, const QxMoney *other, MemoryContext ctx);
/* The sum as a numeric, allocated in the current memory context. */
extern Numeric qx_money_get(const QxMoney *m);
extern bool qx_money_is_zero(const QxMoney *m);
extern int	qx_money_sign(const QxMoney *m);
/* (x - base)::float8 / base::float8 with the difference exact */
extern double qx_trend(const QxMoney *x, const QxMoney *base);
extern double qx_numeric_trend(Numeric x, Numeric base);
/* (x*kb - base*kx)::float8 / (base*kx)::float8: change of mean x/kx against base/kb */
extern double qx_mean_trend(const QxMoney *x, int64 kx, const QxMoney *base, int64 kb);
/* Display scale of a finite numeric (any varlena header), as scale() gives. */
extern int	qx_numeric_dscale(Numeric num);
/* The scale derived money gets from money of display scale s: max(s, 2). */
static inline int
qx_derived_scale(int scale)
{
	return Max(scale, QX_DERIVED_MIN_SCALE);
}
/* n / den rounded half away from zero to scale decimals, exactly; den > 0. */
extern Numeric qx_numeric_div_round(Numeric n, int64 den, int scale);
/* m / den rounded half away from zero to scale decimals, exactly; den > 0. */
extern Numeric qx_money_div_round(const QxMoney *m, int64 den, int scale);

/* 10^k for 0 <= k <= QX_POW10_INT64_MAX, the largest power of 10 in int64 */
#define QX_POW10_INT64_MAX 18
extern const int64 qx_pow10_64[QX_POW10_INT64_MAX + 1];

/* -1, 0 or 1 for a finite numeric (any varlena header) */
extern int	qx_numeric_sign(Numeric num);

/*
 * Exact amounts as int128 units of 10^-scale (pipeline_forecast keeps its
 * deals so; a negative scale stands for trailing zeros before the point).
 */
/* v * 10^k into *res (v itself when k <= 0); false on overflow */
extern bool qx_int128_mul_pow10(int128 v, int k, int128 *res);
/*
 * m += value * 10^-dscale when m stays an int128 sum (not big, dscale at
 * most QX_MONEY_MAX_SCALE, no overflow): true; otherwise m is left alone and
 * the caller adds the amount as a numeric.
 */
extern bool qx_money_add_small(QxMoney *m, int128 value, int dscale);
/* m as the numeric n itself (big, not copied), to write n where a QxMoney goes */
extern void qx_money_wrap_numeric(QxMoney *m, Numeric n);
/* digits[.digits] as units at scale (at most scale decimals); false if not */
extern bool qx_units_parse_at(const char *s, int scale, int128 *units);
/*
 * digits[.digits] as u units of 10^-s, s the smallest scale that holds it
 * (negative for trailing zeros before the point: 1e200 is 1 unit of
 * 10^200); false when malformed or u does not fit int128.
 */
extern bool qx_units_parse(const char *s, int128 *u, int *scale);
/* a positive decoded amount as u units of 10^-s, s its smallest scale; false when u does not fit */
extern bool qx_amount_units(const QxAmount *amt, Datum amount, int128 *u, int *s);
/* 10^k (any integer k in numeric's range) as a numeric datum */
extern Datum qx_pow10_numeric(int k);
/* v (int128 >= 0) * 10^-scale (any scale) as a numeric, exactly */
extern Numeric qx_units_numeric(int128 v, int scale);

#endif							/* QX_MONEY_H */
