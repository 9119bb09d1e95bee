/*
 * money.h
 *		Exact money accumulator and the codec helpers shared by the customer
 *		aggregates (rfm_summary.c, kinetic.c, btyd.c).
 *
 * QxMoney sums numeric amounts exactly: an int128 fixed-point value scaled
 * by 10^scale, where scale is the largest display scale (dscale) of the
 * amounts added so far -- the display scale PostgreSQL's sum(numeric)
 * gives.  When a sum would overflow int128, or an amount has more than
 * QX_MONEY_MAX_SCALE decimals, the accumulator switches for good to a
 * PostgreSQL numeric held in the aggregate's memory context ("big" mode),
 * so the result always equals sum(amount) digit for digit.
 *
 * The codec helpers read and write the transferable state types: a binary
 * reader that never reads past the end, ISO dates in text, and key=value
 * text tokens.  Malformed binary input raises 22P03, malformed text 22P02.
 */
#ifndef QX_MONEY_H
#define QX_MONEY_H

#include "postgres.h"

#include "pg_compat.h"

#include "access/tupdesc.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/date.h"
#include "utils/numeric.h"

#ifndef HAVE_INT128
#error "quota_ext needs a compiler with a 128-bit integer type"
#endif

#define QX_MONEY_MAX_SCALE 30

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
/* -1, 0 or 1 for a finite numeric (any varlena header) */
extern int	qx_numeric_sign(Numeric num);

/* Binary reader over a buffer: every get checks the remaining length. */
typedef struct QxReader
{
	const char *data;
	int			len;
	int			pos;
	const char *type;			/* type name for error messages */
} QxReader;

extern void qx_reader_init(QxReader *r, const char *data, int len, const char *type);
pg_noreturn extern void qx_bad_binary(const QxReader *r, const char *what);
extern uint8 qx_get_byte(QxReader *r);
extern int32 qx_get_int32(QxReader *r);
extern int64 qx_get_int64(QxReader *r);
extern void qx_get_end(QxReader *r);
extern DateADT qx_get_date(QxReader *r, const char *field);

extern void qx_money_send(StringInfo buf, const QxMoney *m);
extern void qx_money_recv(QxReader *r, QxMoney *m, MemoryContext ctx, const char *field);

/* Text form: "v1 key=value key=value ..." */
typedef struct QxTextParser
{
	char	   *buf;			/* writable copy of the input */
	char	   *p;				/* next token */
	const char *input;			/* original, for messages */
	const char *type;
} QxTextParser;

extern void qx_text_init(QxTextParser *tp, const char *input, const char *type,
						 const char *version_word);
pg_noreturn extern void qx_bad_text(const QxTextParser *tp, const char *what);
extern char *qx_text_field(QxTextParser *tp, const char *key);
extern void qx_text_end(QxTextParser *tp);
extern int64 qx_text_int64(QxTextParser *tp, const char *key, int64 min, int64 max);
extern DateADT qx_text_date(QxTextParser *tp, const char *key);
extern DateADT qx_parse_date(QxTextParser *tp, const char *s, const char *key);
extern double qx_text_float8(QxTextParser *tp, const char *key);
extern void qx_text_money(QxTextParser *tp, const char *key, QxMoney *m, MemoryContext ctx);

extern void qx_append_date(StringInfo buf, DateADT d);
extern void qx_append_float8(StringInfo buf, double v);
extern void qx_append_money(StringInfo buf, const QxMoney *m);

/* The composite result type of a final function, looked up once per call site. */
extern TupleDesc qx_result_desc(FunctionCallInfo fcinfo);
/* Error for a NULL parameter of an aggregate (22004). */
pg_noreturn extern void qx_null_param(const char *argname);
/* Error for a parameter that changes within a group. */
pg_noreturn extern void qx_param_changed(const char *argname, const char *was, const char *now);
/* Error for combining states with different parameters. */
pg_noreturn extern void qx_param_mismatch(const char *type, const char *argname,
										  const char *a, const char *b);

/* Plain ISO text of a date for error messages, independent of DateStyle. */
extern char *qx_date_str(DateADT d);

/*
 * The transition of an X_merge aggregate: fold one X_state value (arg 1,
 * its binary form) into the working state (arg 0); NULL values are skipped.
 * decode reads the binary form into ctx; combine adds in to st.
 */
typedef void *(*QxStateDecode) (const char *data, int len, MemoryContext ctx);
typedef void (*QxStateCombine) (void *st, void *in, MemoryContext ctx);
extern Datum qx_merge_trans(FunctionCallInfo fcinfo, const char *fn,
							QxStateDecode decode, QxStateCombine combine);

#endif							/* QX_MONEY_H */
