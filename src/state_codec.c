/*
 * state_codec.c
 *		Binary reader, text parser and text writers of the transferable
 *		aggregate state types (see state_codec.h).
 */
#include "postgres.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>

#include "common/shortest_dec.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/numeric.h"

#include "state_codec.h"

/* Longest money text a binary state may carry: numeric's widest plain text
 * (131072 digits before the point, 16383 after, sign and point) fits. */
#define QX_MONEY_TEXT_MAX 200000

/* Longest stretch of a bad value quoted in an error message. */
#define QX_QUOTE_MAX 40
/* How much of a bad state's text its input error quotes (the message stays under 300). */
#define QX_STATE_QUOTE_MAX 100

/* ---------------------------------------------------------------------
 * Binary reader
 * --------------------------------------------------------------------- */

void
qx_reader_init(QxReader *r, const char *data, int len, const char *type)
{
	r->data = data;
	r->len = len;
	r->pos = 0;
	r->type = type;
}

void
qx_reader_begin(QxReader *r, const char *data, int len, const char *type, uint8 version)
{
	uint8		v;

	qx_reader_init(r, data, len, type);
	v = qx_get_byte(r);
	if (v != version)
		qx_bad_binary(r, psprintf("unsupported version %d", v));
}

void
qx_bad_binary(const QxReader *r, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary value for type %s: %s", r->type, what)));
}

int
qx_reader_remaining(const QxReader *r)
{
	return r->len - r->pos;
}

const char *
qx_get_bytes(QxReader *r, int n)
{
	const char *p;

	if (n < 0 || r->len - r->pos < n)
		qx_bad_binary(r, "value is truncated");
	p = r->data + r->pos;
	r->pos += n;
	return p;
}

uint8
qx_get_byte(QxReader *r)
{
	return (uint8) *qx_get_bytes(r, 1);
}

int32
qx_get_int32(QxReader *r)
{
	uint32		v;

	memcpy(&v, qx_get_bytes(r, 4), 4);
	return (int32) pg_ntoh32(v);
}

int64
qx_get_int64(QxReader *r)
{
	uint64		v;

	memcpy(&v, qx_get_bytes(r, 8), 8);
	return (int64) pg_ntoh64(v);
}

double
qx_get_float8(QxReader *r)
{
	union
	{
		int64		i;
		double		f;
	}			u;

	u.i = qx_get_int64(r);
	return u.f;
}

void
qx_get_end(QxReader *r)
{
	if (r->pos != r->len)
		qx_bad_binary(r, "trailing bytes after the value");
}

DateADT
qx_get_date(QxReader *r, const char *field)
{
	DateADT		d = qx_get_int32(r);

	if (DATE_NOT_FINITE(d) || !IS_VALID_DATE(d))
		qx_bad_binary(r, psprintf("%s is not a finite date", field));
	return d;
}

DateADT
qx_get_date_if(QxReader *r, const char *field, bool present)
{
	return present ? qx_get_date(r, field) : qx_get_int32(r);
}

bytea *
qx_state_recv(StringInfo msg, QxStateDecode decode)
{
	const char *data = msg->data + msg->cursor;
	int			len = msg->len - msg->cursor;
	bytea	   *res;

	decode(data, len, CurrentMemoryContext);
	msg->cursor = msg->len;
	res = palloc(VARHDRSZ + len);
	SET_VARSIZE(res, VARHDRSZ + len);
	memcpy(VARDATA(res), data, len);
	return res;
}

void *
qx_state_from_datum(Datum value, QxStateDecode decode)
{
	bytea	   *v = DatumGetByteaPP(value);

	return decode(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), CurrentMemoryContext);
}

/* ---------------------------------------------------------------------
 * Money
 * --------------------------------------------------------------------- */

/*
 * Past digits[.digits] at p (either part may be empty); *ndigits gets the
 * number of digits.  The decimal part of numbers in money and float text.
 */
static const char *
skip_decimal(const char *p, int *ndigits)
{
	*ndigits = 0;
	while (isdigit((unsigned char) *p))
		p++, (*ndigits)++;
	if (*p == '.')
	{
		p++;
		while (isdigit((unsigned char) *p))
			p++, (*ndigits)++;
	}
	return p;
}

/* [-]digits[.digits], at least one digit: the text numeric_out writes. */
static bool
money_syntax_ok(const char *s)
{
	int			digits;
	const char *p = skip_decimal(*s == '-' ? s + 1 : s, &digits);

	return digits > 0 && *p == '\0';
}

/* Parse numeric text into a fresh accumulator; false on bad syntax. */
static bool
money_from_text(const char *s, QxMoney *m, MemoryContext ctx)
{
	Datum		d;

	if (!money_syntax_ok(s))
		return false;
	d = DirectFunctionCall3(numeric_in, CStringGetDatum(s),
							ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	qx_money_init(m);
	qx_money_add_numeric(m, d, ctx);
	return true;
}

void
qx_money_send(StringInfo buf, const QxMoney *m)
{
	if (!m->big)
	{
		uint128		u = (uint128) m->v.i;

		pq_sendbyte(buf, 0);
		pq_sendint32(buf, m->scale);
		pq_sendint64(buf, (uint64) (u >> 64));
		pq_sendint64(buf, (uint64) u);
	}
	else
	{
		char	   *s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(m->v.n)));

		pq_sendbyte(buf, 1);
		pq_sendint32(buf, (int32) strlen(s));
		pq_sendbytes(buf, s, strlen(s));
	}
}

void
qx_money_recv(QxReader *r, QxMoney *m, MemoryContext ctx, const char *field)
{
	uint8		kind = qx_get_byte(r);

	if (kind == 0)
	{
		int32		scale = qx_get_int32(r);
		uint64		hi = (uint64) qx_get_int64(r);
		uint64		lo = (uint64) qx_get_int64(r);

		if (scale < 0 || scale > QX_MONEY_MAX_SCALE)
			qx_bad_binary(r, psprintf("%s has scale %d out of range", field, scale));
		m->v.i = (int128) (((uint128) hi << 64) | lo);
		m->scale = scale;
		m->big = false;
	}
	else if (kind == 1)
	{
		int32		len = qx_get_int32(r);
		const char *p;
		char	   *s;

		if (len <= 0 || len > QX_MONEY_TEXT_MAX)
			qx_bad_binary(r, psprintf("%s has a bad length", field));
		p = qx_get_bytes(r, len);
		s = pnstrdup(p, len);
		if ((int) strlen(s) != len || !money_from_text(s, m, ctx))
			qx_bad_binary(r, psprintf("%s is not a number", field));
	}
	else
		qx_bad_binary(r, psprintf("%s has an unknown kind %d", field, kind));
}

/* ---------------------------------------------------------------------
 * Text writers
 * --------------------------------------------------------------------- */

StringInfo
qx_text_out_begin(const char *version_word, DateADT as_of)
{
	StringInfo	buf = makeStringInfo();

	appendStringInfo(buf, "%s as_of=", version_word);
	qx_append_date(buf, as_of);
	return buf;
}

void
qx_append_date(StringInfo buf, DateADT d)
{
	int			y,
				m,
				day;

	j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &day);
	if (y < 0)
		appendStringInfo(buf, "-%04d-%02d-%02d", -y, m, day);
	else
		appendStringInfo(buf, "%04d-%02d-%02d", y, m, day);
}

void
qx_append_date_or_none(StringInfo buf, DateADT d, bool present)
{
	if (present)
		qx_append_date(buf, d);
	else
		appendStringInfoString(buf, "none");
}

char *
qx_date_str(DateADT d)
{
	StringInfoData buf;

	if (DATE_IS_NOBEGIN(d))
		return "-infinity";
	if (DATE_IS_NOEND(d))
		return "infinity";
	initStringInfo(&buf);
	qx_append_date(&buf, d);
	return buf.data;
}

void
qx_append_float8(StringInfo buf, double v)
{
	char		tmp[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(v, tmp);
	appendStringInfoString(buf, tmp);
}

void
qx_append_money(StringInfo buf, const QxMoney *m)
{
	appendStringInfoString(buf,
						   DatumGetCString(DirectFunctionCall1(numeric_out,
															   NumericGetDatum(qx_money_get(m)))));
}

/* ---------------------------------------------------------------------
 * Scalar readers
 * --------------------------------------------------------------------- */

bool
qx_parse_float8(const char *s, double *v)
{
	int			digits;
	const char *p = skip_decimal((*s == '+' || *s == '-') ? s + 1 : s, &digits);
	char	   *end;
	double		x;

	if (digits == 0)
		return false;
	if (*p == 'e' || *p == 'E')
	{
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char) *p))
			return false;
		while (isdigit((unsigned char) *p))
			p++;
	}
	if (*p != '\0')
		return false;
	errno = 0;
	x = strtod(s, &end);
	if (end != p)
		return false;

	/*
	 * ERANGE with a nonzero finite result is a subnormal, which is exact
	 * (float8in accepts it too); with 0 or infinity the text is out of range.
	 */
	if (errno == ERANGE && (x == 0 || !isfinite(x)))
		return false;
	if (!isfinite(x))
		return false;
	*v = x;
	return true;
}

bool
qx_parse_int64(const char *s, int64 min, int64 max, int64 *v)
{
	const char *p = s;
	bool		neg = false;
	uint64		u = 0;

	if (*p == '+' || *p == '-')
		neg = (*p++ == '-');
	if (!isdigit((unsigned char) *p))
		return false;
	for (; isdigit((unsigned char) *p); p++)
	{
		if (u > (PG_UINT64_MAX - 9) / 10)
			return false;
		u = u * 10 + (uint64) (*p - '0');
	}
	if (*p != '\0')
		return false;
	if (neg ? u > (uint64) PG_INT64_MAX + 1 : u > (uint64) PG_INT64_MAX)
		return false;
	*v = neg ? (int64) (0 - u) : (int64) u;
	return *v >= min && *v <= max;
}

/* ---------------------------------------------------------------------
 * Text parser
 * --------------------------------------------------------------------- */

void
qx_text_begin(QxTextParser *tp, const char *input, const char *type, const char *hint)
{
	tp->input = input;
	tp->p = input;
	tp->type = type;
	tp->hint = hint;
	tp->sep = ' ';
	tp->first_field = true;
}

void
qx_bad_text(const QxTextParser *tp, const char *what)
{
	int			len = (int) strlen(tp->input);
	int			cut = pg_mbcliplen(tp->input, len, QX_STATE_QUOTE_MAX);
	int			wlen = (int) strlen(what);
	int			wcut = pg_mbcliplen(what, wlen, 2 * QX_STATE_QUOTE_MAX);

	/*
	 * The input quoted cut short: a state may be megabytes (issue 19); so
	 * is the detail, which may quote a field of it.
	 */
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%.*s%s\"", tp->type, cut, tp->input,
					cut < len ? "..." : ""),
			 errdetail("%.*s%s", wcut, what, wcut < wlen ? "..." : ""),
			 tp->hint ? errhint("%s", tp->hint) : 0));
}

/* A short quote of s for a message: at most QX_QUOTE_MAX characters. */
static char *
quote_short(const char *s, size_t len)
{
	if (len > QX_QUOTE_MAX)
		return psprintf("%s...", pnstrdup(s, QX_QUOTE_MAX));
	return pnstrdup(s, len);
}

int
qx_text_position(const QxTextParser *tp)
{
	return (int) (tp->p - tp->input) + 1;
}

void
qx_text_skip_space(QxTextParser *tp)
{
	while (*tp->p == ' ' || *tp->p == '\t' || *tp->p == '\n' || *tp->p == '\r')
		tp->p++;
}

bool
qx_text_accept(QxTextParser *tp, const char *lit)
{
	size_t		len = strlen(lit);

	if (strncmp(tp->p, lit, len) != 0)
		return false;
	tp->p += len;
	return true;
}

void
qx_text_expect(QxTextParser *tp, const char *lit)
{
	if (!qx_text_accept(tp, lit))
		qx_bad_text(tp, psprintf("Expected \"%s\" at position %d.", lit,
								 qx_text_position(tp)));
}

bool
qx_text_at_end(const QxTextParser *tp)
{
	return *tp->p == '\0';
}

void
qx_text_end(QxTextParser *tp)
{
	const char *rest = tp->p;

	if (*rest == '\0')
		return;
	if (*rest == tp->sep && rest[1] == '\0')
		qx_bad_text(tp, psprintf("Trailing \"%c\" after the last field.", tp->sep));
	if (*rest == tp->sep)
		rest++;
	qx_bad_text(tp, psprintf("Unexpected text \"%s\" after the last field.",
							 quote_short(rest, strlen(rest))));
}

void
qx_text_finish(QxTextParser *tp, const char *problem)
{
	qx_text_end(tp);
	if (problem != NULL)
		qx_bad_text(tp, psprintf("Inconsistent state: %s.", problem));
}

/* The longest run at the cursor of characters in chars, as a fresh string. */
static char *
take_run(QxTextParser *tp, const char *chars)
{
	const char *start = tp->p;

	while (*tp->p && strchr(chars, *tp->p) != NULL)
		tp->p++;
	return pnstrdup(start, tp->p - start);
}

#define DIGITS "0123456789"

/* s is not an integer in [min, max]: say whether it is no integer or out of range */
static void
bad_int(QxTextParser *tp, const char *what, const char *s)
{
	int64		v;

	if (qx_parse_int64(s, PG_INT64_MIN, PG_INT64_MAX, &v))
		qx_bad_text(tp, psprintf("%s is out of range: %s.", what, s));
	qx_bad_text(tp, psprintf("%s must be an integer, got \"%s\".", what,
							 quote_short(s, strlen(s))));
}

int64
qx_text_read_int64(QxTextParser *tp, const char *what, int64 min, int64 max)
{
	char	   *s = take_run(tp, "+-" DIGITS);
	int64		v;

	if (*s == '\0')
		qx_bad_text(tp, psprintf("%s is missing at position %d.", what,
								 qx_text_position(tp)));
	if (!qx_parse_int64(s, min, max, &v))
		bad_int(tp, what, s);
	return v;
}

double
qx_text_read_float8(QxTextParser *tp, const char *what)
{
	char	   *s = take_run(tp, "+-.eE" DIGITS);
	double		v;

	if (*s == '\0')
		qx_bad_text(tp, psprintf("%s is missing at position %d.", what,
								 qx_text_position(tp)));
	if (!qx_parse_float8(s, &v))
		qx_bad_text(tp, psprintf("%s must be a finite number, got \"%s\".",
								 what, quote_short(s, strlen(s))));
	return v;
}

DateADT
qx_text_read_date(QxTextParser *tp, const char *what)
{
	return qx_parse_date(tp, take_run(tp, "-" DIGITS), what);
}

void
qx_text_read_money(QxTextParser *tp, const char *what, QxMoney *m, MemoryContext ctx)
{
	char	   *s = take_run(tp, "-." DIGITS);

	if (!money_from_text(s, m, ctx))
		qx_bad_text(tp, psprintf("%s must be a number, got \"%s\".",
								 what, quote_short(s, strlen(s))));
}

/* ---------------------------------------------------------------------
 * The keyed form
 * --------------------------------------------------------------------- */

void
qx_text_init_sep(QxTextParser *tp, const char *input, const char *type,
				 const char *version_word, char sep, const char *hint)
{
	size_t		len = strlen(version_word);

	qx_text_begin(tp, input, type, hint);
	tp->sep = sep;
	if (strncmp(input, version_word, len) != 0 ||
		(input[len] != sep && input[len] != '\0'))
		qx_bad_text(tp, psprintf("The value must start with the version word \"%s\".",
								 version_word));
	tp->p = input + len;
	if (*tp->p == sep)
		tp->p++;
}

void
qx_text_init(QxTextParser *tp, const char *input, const char *type,
			 const char *version_word)
{
	qx_text_init_sep(tp, input, type, version_word, ' ', NULL);
}

/* Length of the value at the cursor: up to the separator or the end. */
static size_t
value_len(const QxTextParser *tp)
{
	const char *e = strchr(tp->p, tp->sep);

	return e ? (size_t) (e - tp->p) : strlen(tp->p);
}

void
qx_text_key(QxTextParser *tp, const char *key)
{
	size_t		klen = strlen(key);

	if (!tp->first_field && *tp->p != '\0')
	{
		if (*tp->p != tp->sep)
			qx_bad_text(tp, psprintf("Expected \"%c\" before field \"%s\" at position %d.",
									 tp->sep, key, qx_text_position(tp)));
		tp->p++;
	}
	tp->first_field = false;
	if (*tp->p == '\0')
		qx_bad_text(tp, psprintf("Field \"%s\" is missing.", key));
	if (strncmp(tp->p, key, klen) != 0 || tp->p[klen] != '=')
		qx_bad_text(tp, psprintf("Expected field \"%s=\" but found \"%s\".", key,
								 quote_short(tp->p, value_len(tp))));
	tp->p += klen + 1;
}

void
qx_text_value_end(QxTextParser *tp, const char *key)
{
	if (*tp->p != '\0' && *tp->p != tp->sep)
		qx_bad_text(tp, psprintf("Unexpected \"%s\" in field \"%s\" at position %d.",
								 quote_short(tp->p, value_len(tp)), key,
								 qx_text_position(tp)));
}

char *
qx_text_field(QxTextParser *tp, const char *key)
{
	size_t		len;
	char	   *s;

	qx_text_key(tp, key);
	len = value_len(tp);
	s = pnstrdup(tp->p, len);
	tp->p += len;
	return s;
}

int64
qx_text_int64(QxTextParser *tp, const char *key, int64 min, int64 max)
{
	char	   *s = qx_text_field(tp, key);
	int64		v;

	if (!qx_parse_int64(s, min, max, &v))
		bad_int(tp, key, s);
	return v;
}

double
qx_text_float8(QxTextParser *tp, const char *key)
{
	char	   *s = qx_text_field(tp, key);
	double		v;

	if (!qx_parse_float8(s, &v))
		qx_bad_text(tp, psprintf("%s must be a finite number, got \"%s\".",
								 key, quote_short(s, strlen(s))));
	return v;
}

DateADT
qx_text_date(QxTextParser *tp, const char *key)
{
	return qx_parse_date(tp, qx_text_field(tp, key), key);
}

void
qx_text_money(QxTextParser *tp, const char *key, QxMoney *m, MemoryContext ctx)
{
	char	   *s = qx_text_field(tp, key);

	if (!money_from_text(s, m, ctx))
		qx_bad_text(tp, psprintf("%s must be a number, got \"%s\".",
								 key, quote_short(s, strlen(s))));
}

DateADT
qx_text_date_or_none(QxTextParser *tp, const char *key, bool present)
{
	char	   *s = qx_text_field(tp, key);

	if (present)
		return qx_parse_date(tp, s, key);
	if (strcmp(s, "none") != 0)
		qx_bad_text(tp, psprintf("%s must be none in an empty state.", key));
	return 0;
}

char *
qx_next_item(char **rest, char delim)
{
	char	   *item = *rest;
	char	   *d;

	if (item == NULL)
		return NULL;
	d = strchr(item, delim);
	if (d != NULL)
	{
		*d = '\0';
		*rest = d + 1;
	}
	else
		*rest = NULL;
	return item;
}

/* Most digits of a year: PostgreSQL's dates end in 5874897. */
#define QX_YEAR_DIGITS_MAX 7

DateADT
qx_parse_date(QxTextParser *tp, const char *s, const char *key)
{
	const char *p = s;
	bool		neg = false;
	int			y = 0,
				m,
				d,
				nd = 0;
	int			j;

	if (*p == '-')
	{
		neg = true;
		p++;
	}
	/* at least one year digit: states written before 1.2 had "-005" */
	while (isdigit((unsigned char) *p) && nd < QX_YEAR_DIGITS_MAX)
	{
		y = y * 10 + (*p++ - '0');
		nd++;
	}
	if (nd < 1 || p[0] != '-' || !isdigit((unsigned char) p[1]) ||
		!isdigit((unsigned char) p[2]) || p[3] != '-' ||
		!isdigit((unsigned char) p[4]) || !isdigit((unsigned char) p[5]) || p[6] != '\0')
		qx_bad_text(tp, psprintf("%s must be a date written YYYY-MM-DD, got \"%s\".",
								 key, quote_short(s, strlen(s))));
	m = (p[1] - '0') * 10 + (p[2] - '0');
	d = (p[4] - '0') * 10 + (p[5] - '0');
	if (neg)
		y = -y;
	if (m < 1 || m > 12 || d < 1 || d > day_tab[isleap(y)][m - 1] ||
		!IS_VALID_JULIAN(y, m, d))
		qx_bad_text(tp, psprintf("%s is not a valid date: \"%s\".", key, s));
	j = date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
	if (!IS_VALID_DATE(j))
		qx_bad_text(tp, psprintf("%s is out of range: \"%s\".", key, s));
	return (DateADT) j;
}
