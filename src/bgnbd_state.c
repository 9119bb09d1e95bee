/*
 * bgnbd_state.c
 *		The state of bgnbd_fit (SPEC §8, §7): the multiset of distinct
 *		customer summaries (x, t_x, T) with weights, kept in an array that
 *		is sorted and merged whenever it fills up, so a customer base of any
 *		size costs memory in proportion to its distinct summaries.
 *
 * The state travels between processes (parallel workers, shards) as the
 * base type bgnbd_fit_state: a version word, the entry count and the
 * entries, sorted and distinct; text and binary forms round-trip exactly
 * (README "Reference: BG/NBD").
 *
 * States can hold tens of millions of entries, so every loop and copy over
 * them checks for interrupts at least every BG_ROWS_PER_CHECK entries, and
 * the sort is PostgreSQL's interruptible sort template.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "common/int.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "bgnbd.h"
#include "quota_ext.h"
#include "state_codec.h"

#define BG_STATE_VERSION	1

/*
 * The transferable form, both bgnbd_fit_state and the bytea of the
 * serialize function: varlena header, version word, count, entries
 * (sorted by x, T, t_x and distinct).
 */
typedef struct BgStateHdr
{
	int32		vl_len_;
	int32		version;
	int64		n;
} BgStateHdr;

/* Binary (send/recv) entry: int32 x, float8 t_x, float8 T, int64 w. */
#define BG_WIRE_ENTRY_BYTES (4 + 8 + 8 + 8)
#define BG_MAX_ENTRIES	((int64) ((MaxAllocSize - sizeof(BgStateHdr)) / sizeof(BgEntry)))
/* A fresh state's room; grows by doubling. */
#define BG_MIN_CAPACITY	64

/* ---------------------------------------------------------------------
 * Checking a customer summary
 * ---------------------------------------------------------------------
 */

/*
 * Why (frequency, recency, t) is not a customer summary, or NULL when it is.
 * Shared by the argument checks and by the state input functions.
 */
const char *
bg_summary_problem(int64 x, double tx, double T)
{
	if (x < 0)
		return "frequency must not be negative";
	if (!isfinite(tx))
		return "recency must be a finite number";
	if (!isfinite(T))
		return "t must be a finite number";
	if (tx < 0)
		return "recency must not be negative";
	if (T < 0)
		return "t must not be negative";
	if (tx > T)
		return "recency must not exceed t";
	if (x == 0 && tx > 0)
		return "recency must be 0 when frequency is 0";
	return NULL;
}

/* Raise the argument error for a bad (frequency, recency, t). */
void
bg_check_summary(int32 x, double tx, double T)
{
	if (x < 0)
		qx_bad_arg("frequency is the number of repeat purchases (purchase days minus 1), as btyd_summary returns it.",
				   "frequency must not be negative, got %d", x);
	qx_require_finite(tx, "recency");
	qx_require_finite(T, "t");
	if (tx < 0)
		qx_bad_arg("recency is the time from the first to the last purchase.",
				   "recency must not be negative, got %s", qx_float_str(tx));
	if (T < 0)
		qx_bad_arg("t is the time from the first purchase to the end of the observation period.",
				   "t must not be negative, got %s", qx_float_str(T));
	if (tx > T)
		qx_bad_arg("recency (first to last purchase) cannot be longer than t (first purchase to the end of the period); pass both in the same time unit.",
				   "recency must not exceed t, got recency %s and t %s",
				   qx_float_str(tx), qx_float_str(T));
	if (x == 0 && tx > 0)
		qx_bad_arg("A customer without repeat purchases has recency 0.",
				   "recency must be 0 when frequency is 0, got %s", qx_float_str(tx));
}

/* ---------------------------------------------------------------------
 * The state: append, sort and merge
 * ---------------------------------------------------------------------
 */

/* Order of summaries: by x, then T, then t_x. */
static inline int
bg_entry_cmp(const BgEntry *a, const BgEntry *b)
{
	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->T != b->T)
		return a->T < b->T ? -1 : 1;
	if (a->tx != b->tx)
		return a->tx < b->tx ? -1 : 1;
	return 0;
}

#define ST_SORT bg_sort_entries
#define ST_ELEMENT_TYPE BgEntry
#define ST_COMPARE(a, b) bg_entry_cmp(a, b)
#define ST_CHECK_FOR_INTERRUPTS
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/* memcpy of n entries in slices, checking for interrupts between them. */
static void
bg_copy_entries(BgEntry *dst, const BgEntry *src, int64 n)
{
	while (n > 0)
	{
		int64		k = Min(n, (int64) BG_ROWS_PER_CHECK * 16);

		CHECK_FOR_INTERRUPTS();
		memcpy(dst, src, sizeof(BgEntry) * k);
		dst += k;
		src += k;
		n -= k;
	}
}

int64
bg_add_weight(int64 a, int64 b)
{
	int64		s;

	if (pg_add_s64_overflow(a, b, &s))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("bgnbd_fit: customer count out of range")));
	return s;
}

/* Sort the entries and merge equal summaries; the state stays equivalent. */
void
bg_compact(BgAcc *acc)
{
	int64		i,
				k;

	if (acc->nsorted == acc->n)
		return;
	bg_sort_entries(acc->e, acc->n);
	k = 0;
	for (i = 0; i < acc->n; i++)
	{
		if ((i % BG_ROWS_PER_CHECK) == 0)
			CHECK_FOR_INTERRUPTS();
		if (k > 0 && bg_entry_cmp(&acc->e[k - 1], &acc->e[i]) == 0)
			acc->e[k - 1].w = bg_add_weight(acc->e[k - 1].w, acc->e[i].w);
		else
			acc->e[k++] = acc->e[i];
	}
	acc->n = k;
	acc->nsorted = k;
}

/* A new empty state in the current memory context. */
BgAcc *
bg_acc_new(int64 cap)
{
	BgAcc	   *acc = palloc(sizeof(BgAcc));

	acc->n = 0;
	acc->nsorted = 0;
	acc->cap = Max(cap, BG_MIN_CAPACITY);
	acc->e = palloc_extended(sizeof(BgEntry) * acc->cap, MCXT_ALLOC_HUGE);
	return acc;
}

/* Make room for more entries, compacting first (amortised O(log n)). */
static void
bg_reserve(BgAcc *acc, int64 more)
{
	int64		need;

	if (acc->n + more <= acc->cap)
		return;
	bg_compact(acc);
	need = acc->n + more;
	if (need > acc->cap / 2 || need > acc->cap)
	{
		int64		newcap = Max(acc->cap * 2, need);

		if (newcap > BG_MAX_ENTRIES)
			newcap = BG_MAX_ENTRIES;
		if (newcap < need)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("bgnbd_fit: too many distinct customer summaries")));
		/* realloc moves a large block by remapping pages, not copying */
		acc->e = repalloc_huge(acc->e, sizeof(BgEntry) * newcap);
		acc->cap = newcap;
	}
}

void
bg_append(BgAcc *acc, int32 x, double tx, double T, int64 w)
{
	BgEntry    *e;

	bg_reserve(acc, 1);
	e = &acc->e[acc->n++];
	e->x = x;
	e->pad = 0;
	e->tx = tx + 0.0;			/* -0 becomes +0, so equal values compare equal */
	e->T = T + 0.0;
	e->w = w;
}

/* ---------------------------------------------------------------------
 * The transferable form
 * ---------------------------------------------------------------------
 */

/* The state as a varlena (compacts it first). */
bytea *
bg_flatten(BgAcc *acc)
{
	Size		sz;
	BgStateHdr *hdr;

	bg_compact(acc);
	sz = sizeof(BgStateHdr) + sizeof(BgEntry) * acc->n;
	hdr = palloc(sz);
	SET_VARSIZE(hdr, sz);
	hdr->version = BG_STATE_VERSION;
	hdr->n = acc->n;
	bg_copy_entries((BgEntry *) ((char *) hdr + sizeof(BgStateHdr)), acc->e, acc->n);
	return (bytea *) hdr;
}

/*
 * A state from the bytes after the varlena header of its flattened form
 * (a QxStateDecode), in ctx.  Values of bgnbd_fit_state were checked when
 * they were read; the bytea of the serialize function comes from our own
 * workers; both are checked for size again here, as cheap insurance.  The
 * bytes may be unaligned (a short varlena header), so they are copied.
 */
void *
bg_decode(const char *data, int len, MemoryContext ctx)
{
	const Size	hdrlen = sizeof(BgStateHdr) - VARHDRSZ;
	BgStateHdr	hdr;
	BgAcc	   *acc;
	MemoryContext old;

	if (len < (int) hdrlen)
		elog(ERROR, "bgnbd: malformed state of %d bytes", len);
	memcpy((char *) &hdr + VARHDRSZ, data, hdrlen);
	if (hdr.version != BG_STATE_VERSION || hdr.n < 0 || hdr.n > BG_MAX_ENTRIES ||
		(Size) len != hdrlen + sizeof(BgEntry) * (Size) hdr.n)
		elog(ERROR, "bgnbd: malformed state (version %d, %lld entries, %d bytes)",
			 hdr.version, (long long) hdr.n, len);
	old = MemoryContextSwitchTo(ctx);
	acc = bg_acc_new(hdr.n);
	MemoryContextSwitchTo(old);
	bg_copy_entries(acc->e, (const BgEntry *) (data + hdrlen), hdr.n);
	acc->n = hdr.n;
	acc->nsorted = hdr.n;
	return acc;
}

/* A state from its varlena form, in the current memory context. */
BgAcc *
bg_unflatten(bytea *v)
{
	return (BgAcc *) bg_decode(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), CurrentMemoryContext);
}

/* A copy of src in ctx (a QxStateCopy). */
void *
bg_copy(void *src, MemoryContext ctx)
{
	BgAcc	   *in = (BgAcc *) src;
	MemoryContext old = MemoryContextSwitchTo(ctx);
	BgAcc	   *acc = bg_acc_new(in->n);

	MemoryContextSwitchTo(old);
	bg_copy_entries(acc->e, in->e, in->n);
	acc->n = in->n;
	acc->nsorted = in->nsorted;
	return acc;
}

/* st += in, growing st in ctx (a QxStateCombine). */
void
bg_combine(void *st, void *in, MemoryContext ctx)
{
	MemoryContext old = MemoryContextSwitchTo(ctx);

	bg_merge_into((BgAcc *) st, (const BgAcc *) in);
	MemoryContextSwitchTo(old);
}

/* Append another state's entries (it may be in any order). */
void
bg_merge_into(BgAcc *dst, const BgAcc *src)
{
	if (src->n == 0)
		return;
	bg_reserve(dst, src->n);
	bg_copy_entries(dst->e + dst->n, src->e, src->n);
	dst->n += src->n;
}

/* ---------------------------------------------------------------------
 * The bgnbd_fit_state type, on the shared codec (state_codec.h)
 * ---------------------------------------------------------------------
 */

#define BG_TYPE "bgnbd_fit_state"
#define BG_TEXT_HINT "Pass a value that bgnbd_fit_partial returned, such as \"1:(2,30.5,38.5,1)\"."

/* Why an entry read from outside is bad, or NULL. */
static const char *
bg_entry_problem(int64 x, double tx, double T, int64 w)
{
	const char *why;

	if (x > PG_INT32_MAX)
		return "frequency is out of range for int";
	why = bg_summary_problem(x, tx, T);
	if (why)
		return why;
	if (w <= 0)
		return "the customer count must be positive";
	return NULL;
}

/* The next "(frequency,recency,t,customers)" of the text form, appended to acc. */
static void
bg_text_entry(QxTextParser *tp, BgAcc *acc)
{
	int64		x,
				w;
	double		tx,
				T;
	const char *why;

	qx_text_skip_space(tp);
	qx_text_expect(tp, "(");
	qx_text_skip_space(tp);
	x = qx_text_read_int64(tp, "frequency", PG_INT64_MIN, PG_INT64_MAX);
	qx_text_skip_space(tp);
	qx_text_expect(tp, ",");
	qx_text_skip_space(tp);
	tx = qx_text_read_float8(tp, "recency");
	qx_text_skip_space(tp);
	qx_text_expect(tp, ",");
	qx_text_skip_space(tp);
	T = qx_text_read_float8(tp, "t");
	qx_text_skip_space(tp);
	qx_text_expect(tp, ",");
	qx_text_skip_space(tp);
	w = qx_text_read_int64(tp, "The customer count", PG_INT64_MIN, PG_INT64_MAX);
	qx_text_skip_space(tp);
	qx_text_expect(tp, ")");
	why = bg_entry_problem(x, tx, T, w);
	if (why)
		qx_bad_text(tp, psprintf("Entry %lld: %s.", (long long) acc->n + 1, why));
	bg_append(acc, (int32) x, tx, T, w);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_state_in);
/*
 * Text form: "1:" (the version) followed by zero or more
 * "(frequency,recency,t,customers)" separated by commas, spaces allowed
 * between tokens.  Entries may come in any order and repeat; the value is
 * stored sorted and merged.
 */
Datum
bgnbd_fit_state_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	QxTextParser tp;
	int64		version;
	BgAcc	   *acc = bg_acc_new(BG_MIN_CAPACITY);

	qx_text_begin(&tp, str, BG_TYPE, BG_TEXT_HINT);
	qx_text_skip_space(&tp);
	version = qx_text_read_int64(&tp, "The version", PG_INT32_MIN, PG_INT32_MAX);
	if (version != BG_STATE_VERSION)
		qx_bad_text(&tp, psprintf("Version %lld is not supported; this build reads version %d.",
								  (long long) version, BG_STATE_VERSION));
	qx_text_skip_space(&tp);
	qx_text_expect(&tp, ":");
	qx_text_skip_space(&tp);
	while (!qx_text_at_end(&tp))
	{
		if ((acc->n % BG_ROWS_PER_CHECK) == 0)
			CHECK_FOR_INTERRUPTS();
		if (acc->n > 0)
			qx_text_expect(&tp, ",");
		bg_text_entry(&tp, acc);
		qx_text_skip_space(&tp);
	}
	PG_RETURN_POINTER(bg_flatten(acc));
}

PG_FUNCTION_INFO_V1(bgnbd_fit_state_out);
/* Shortest exact decimal floats, so text round-trips are exact. */
Datum
bgnbd_fit_state_out(PG_FUNCTION_ARGS)
{
	BgAcc	   *acc = bg_unflatten(PG_GETARG_BYTEA_P(0));
	StringInfoData buf;
	int64		i;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%d:", BG_STATE_VERSION);
	for (i = 0; i < acc->n; i++)
	{
		const BgEntry *e = &acc->e[i];

		if ((i % BG_ROWS_PER_CHECK) == 0)
			CHECK_FOR_INTERRUPTS();
		appendStringInfo(&buf, "%s(%d,", i > 0 ? "," : "", e->x);
		qx_append_float8(&buf, e->tx);
		appendStringInfoChar(&buf, ',');
		qx_append_float8(&buf, e->T);
		appendStringInfo(&buf, ",%lld)", (long long) e->w);
	}
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_state_send);
/* Binary: int32 version, int64 count, then int32 x, float8 t_x, float8 T, int64 w. */
Datum
bgnbd_fit_state_send(PG_FUNCTION_ARGS)
{
	BgAcc	   *acc = bg_unflatten(PG_GETARG_BYTEA_P(0));
	StringInfoData buf;
	int64		i;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, BG_STATE_VERSION);
	pq_sendint64(&buf, acc->n);
	for (i = 0; i < acc->n; i++)
	{
		if ((i % BG_ROWS_PER_CHECK) == 0)
			CHECK_FOR_INTERRUPTS();
		pq_sendint32(&buf, acc->e[i].x);
		pq_sendfloat8(&buf, acc->e[i].tx);
		pq_sendfloat8(&buf, acc->e[i].T);
		pq_sendint64(&buf, acc->e[i].w);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(bgnbd_fit_state_recv);
/* The binary form of bgnbd_fit_state_send, every length checked before it is read. */
Datum
bgnbd_fit_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	QxReader	r;
	int32		version;
	int64		n,
				i;
	BgAcc	   *acc;

	qx_reader_init(&r, msg->data + msg->cursor, msg->len - msg->cursor, BG_TYPE);
	version = qx_get_int32(&r);
	if (version != BG_STATE_VERSION)
		qx_bad_binary(&r, psprintf("version %d is not supported, expected %d",
								   version, BG_STATE_VERSION));
	n = qx_get_int64(&r);
	if (n < 0 || n > BG_MAX_ENTRIES || n != qx_reader_remaining(&r) / BG_WIRE_ENTRY_BYTES ||
		qx_reader_remaining(&r) % BG_WIRE_ENTRY_BYTES != 0)
		qx_bad_binary(&r, psprintf("the header says %lld entries but %d bytes follow (%d per entry)",
								   (long long) n, qx_reader_remaining(&r), BG_WIRE_ENTRY_BYTES));
	acc = bg_acc_new(n);
	for (i = 0; i < n; i++)
	{
		int32		x = qx_get_int32(&r);
		double		tx = qx_get_float8(&r);
		double		T = qx_get_float8(&r);
		int64		w = qx_get_int64(&r);
		const char *why = bg_entry_problem(x, tx, T, w);

		if (why)
			qx_bad_binary(&r, psprintf("entry %lld: %s", (long long) i + 1, why));
		bg_append(acc, x, tx, T, w);
		if ((i % BG_ROWS_PER_CHECK) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	qx_get_end(&r);
	msg->cursor = msg->len;
	PG_RETURN_POINTER(bg_flatten(acc));
}
