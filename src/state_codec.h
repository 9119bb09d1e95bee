/*
 * state_codec.h
 *		The codec of the transferable aggregate state types (rfm_summary_state,
 *		btyd_summary_state, rfm_kinetic_state, demand_cv_state, and those to
 *		come): a binary reader that never reads past the end, a text parser
 *		with a cursor, and the text forms of dates, float8 and money.
 *
 * Malformed binary input raises 22P03 (invalid_binary_representation),
 * malformed text 22P02 (invalid_text_representation); each caller passes
 * the problem in words, so no error code is kept in a global.
 *
 * Every value the writers produce, the readers read back exactly: float8 in
 * its shortest exact decimal (subnormals such as 1e-310, -0 and the
 * extremes included), dates in ISO form with an astronomical year, money
 * as numeric's plain decimal text of any length.
 */
#ifndef QX_STATE_CODEC_H
#define QX_STATE_CODEC_H

#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/date.h"

#include "money.h"

/* ---------------------------------------------------------------------
 * Binary reader: every get checks the remaining length.
 * --------------------------------------------------------------------- */

typedef struct QxReader
{
	const char *data;
	int			len;
	int			pos;
	const char *type;			/* type name for error messages */
} QxReader;

extern void qx_reader_init(QxReader *r, const char *data, int len, const char *type);
/* qx_reader_init, then the leading version byte, which must be version. */
extern void qx_reader_begin(QxReader *r, const char *data, int len, const char *type,
							uint8 version);
/* 22P03 "invalid binary value for type T: what" */
extern void qx_bad_binary(const QxReader *r, const char *what) pg_attribute_noreturn();
extern int	qx_reader_remaining(const QxReader *r);
/* The next n bytes (n >= 0), or 22P03 when fewer remain. */
extern const char *qx_get_bytes(QxReader *r, int n);
extern uint8 qx_get_byte(QxReader *r);
extern int32 qx_get_int32(QxReader *r);
extern int64 qx_get_int64(QxReader *r);
/* A float8 in network byte order, any bit pattern (the caller checks range). */
extern double qx_get_float8(QxReader *r);
/* A finite, valid date; field names it in the error. */
extern DateADT qx_get_date(QxReader *r, const char *field);
/* A date when present (first/last order of a nonempty state), else the raw int32. */
extern DateADT qx_get_date_if(QxReader *r, const char *field, bool present);
/* 22P03 unless every byte was read. */
extern void qx_get_end(QxReader *r);

/*
 * Money on the wire: a kind byte, 0 for int128 (int32 scale, high and low
 * 64-bit halves), 1 for a numeric (its text, length first).
 */
extern void qx_money_send(StringInfo buf, const QxMoney *m);
extern void qx_money_recv(QxReader *r, QxMoney *m, MemoryContext ctx, const char *field);

/*
 * A state type whose value is its binary form: decode checks the bytes
 * (raising 22P03) and returns the state in ctx.  qx_state_recv is the whole
 * body of such a type's receive function: it decodes the message to check
 * it and returns its bytes as the value.
 */
typedef void *(*QxStateDecode) (const char *data, int len, MemoryContext ctx);
extern bytea *qx_state_recv(StringInfo msg, QxStateDecode decode);
/* A value of such a type (any varlena header) decoded in the current context. */
extern void *qx_state_from_datum(Datum value, QxStateDecode decode);

/* ---------------------------------------------------------------------
 * Text writers
 * --------------------------------------------------------------------- */

/* The start of a keyed text form: "version_word as_of=YYYY-MM-DD". */
extern StringInfo qx_text_out_begin(const char *version_word, DateADT as_of);
/* ISO 8601 with an astronomical year (0000 is 1 BC), whatever DateStyle. */
extern void qx_append_date(StringInfo buf, DateADT d);
/* The shortest decimal that reads back to exactly v (qx_parse_float8). */
extern void qx_append_float8(StringInfo buf, double v);
/* numeric's plain decimal text of the sum. */
extern void qx_append_money(StringInfo buf, const QxMoney *m);
/* A date, or "none" when !present (first/last order of an empty state). */
extern void qx_append_date_or_none(StringInfo buf, DateADT d, bool present);
/* Plain ISO text of a date for error messages, independent of DateStyle. */
extern char *qx_date_str(DateADT d);

/* ---------------------------------------------------------------------
 * Scalar text readers without a parser: false when s is not the whole
 * text of such a value.
 * --------------------------------------------------------------------- */

/*
 * The one float8 reader of the state types: decimal or exponent notation,
 * optional sign; every finite double reads back, subnormals (which make
 * strtod report ERANGE although they are exact) and -0 included.  Values
 * that round to infinity or underflow to zero from a nonzero text, NaN,
 * Infinity, hex floats and surrounding space are refused.
 */
extern bool qx_parse_float8(const char *s, double *v);
/* An integer with optional sign, in [min, max]. */
extern bool qx_parse_int64(const char *s, int64 min, int64 max, int64 *v);

/* ---------------------------------------------------------------------
 * Text parser: a cursor over the input.  Errors are 22P02 with the input
 * in the message, the problem in the detail and the parser's hint.
 * --------------------------------------------------------------------- */

typedef struct QxTextParser
{
	const char *input;			/* the whole input, for messages */
	const char *p;				/* cursor */
	const char *type;			/* type name for messages */
	const char *hint;			/* errhint of every error, or NULL */
	char		sep;			/* field separator of the keyed form */
	bool		first_field;	/* no field read yet (keyed form) */
} QxTextParser;

/* Start at the beginning of input; hint may be NULL. */
extern void qx_text_begin(QxTextParser *tp, const char *input, const char *type,
						  const char *hint);
extern void qx_bad_text(const QxTextParser *tp, const char *what) pg_attribute_noreturn();
/* 1-based character position of the cursor, for messages. */
extern int	qx_text_position(const QxTextParser *tp);
extern void qx_text_skip_space(QxTextParser *tp);
/* Consume lit if the input continues with it. */
extern bool qx_text_accept(QxTextParser *tp, const char *lit);
/* Consume lit, or error "Expected "lit" at position N." */
extern void qx_text_expect(QxTextParser *tp, const char *lit);
extern bool qx_text_at_end(const QxTextParser *tp);
/* Error unless the whole input was read. */
extern void qx_text_end(QxTextParser *tp);
/*
 * qx_text_end, then "Inconsistent state: problem." unless problem (the
 * state type's own check of the parsed value) is NULL.
 */
extern void qx_text_finish(QxTextParser *tp, const char *problem);

/*
 * Readers at the cursor: each takes the longest run of characters its
 * grammar allows, checks it whole, and leaves the cursor after it; what
 * names the value in the error.
 */
extern int64 qx_text_read_int64(QxTextParser *tp, const char *what, int64 min, int64 max);
extern double qx_text_read_float8(QxTextParser *tp, const char *what);
extern DateADT qx_text_read_date(QxTextParser *tp, const char *what);
extern void qx_text_read_money(QxTextParser *tp, const char *what, QxMoney *m,
							   MemoryContext ctx);

/*
 * The keyed form: "VERSION key=value key=value ...".  qx_text_init starts
 * a parser for it (separator ' '), qx_text_init_sep with another separator
 * and a hint.  Each keyed reader expects the separator (except before the
 * first field), "key=", and a value that ends at the separator or the end.
 */
extern void qx_text_init(QxTextParser *tp, const char *input, const char *type,
						 const char *version_word);
extern void qx_text_init_sep(QxTextParser *tp, const char *input, const char *type,
							 const char *version_word, char sep, const char *hint);
/* The separator (unless first) and "key="; the cursor is then at the value. */
extern void qx_text_key(QxTextParser *tp, const char *key);
/* The value of key as text (up to the separator), in a fresh palloc'd copy. */
extern char *qx_text_field(QxTextParser *tp, const char *key);
extern int64 qx_text_int64(QxTextParser *tp, const char *key, int64 min, int64 max);
extern double qx_text_float8(QxTextParser *tp, const char *key);
extern DateADT qx_text_date(QxTextParser *tp, const char *key);
extern void qx_text_money(QxTextParser *tp, const char *key, QxMoney *m, MemoryContext ctx);
/* Error unless the value just read ends at the separator or the end; key names it. */
extern void qx_text_value_end(QxTextParser *tp, const char *key);
/*
 * The items of a list field (sums=1,2,3): the next item of *rest, split at
 * delim, or NULL after the last; *rest starts as the field's text.
 */
extern char *qx_next_item(char **rest, char delim);
/* Field key: a date when present, else the word none (then 0). */
extern DateADT qx_text_date_or_none(QxTextParser *tp, const char *key, bool present);
/* A date in s (a field's text); key names it in the error. */
extern DateADT qx_parse_date(QxTextParser *tp, const char *s, const char *key);

#endif							/* QX_STATE_CODEC_H */
