/*
 * customer_fit_state.c
 *		The fit state of the customer models (SPEC §8, §11, §18, §7):
 *		bgnbd_fit, mbgnbd_fit, paretonbd_fit and gammagamma_fit accumulate
 *		the multiset of distinct customer rows -- summaries (x, t_x, T), or
 *		(x, spend) for Gamma-Gamma -- with weights, kept in an array that
 *		is sorted and merged whenever it fills up, so a customer base of any
 *		size costs memory in proportion to its distinct rows.  Also the
 *		aggregates' shared support functions and the fit final of the
 *		four-parameter purchase models.
 *
 * The state travels between processes (parallel workers, shards) as the
 * base type bgnbd_fit_state: a version word, the entry count and the
 * entries, sorted and distinct; text and binary forms round-trip exactly
 * (README "Reference: BG/NBD").
 *
 * States can hold tens of millions of entries, so every loop and copy over
 * them checks for interrupts at least every QX_FIT_ROWS_PER_CHECK entries, and
 * the sort is PostgreSQL's interruptible sort template.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "access/htup_details.h"
#include "common/int.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "aggregate.h"
#include "customer_fit_state.h"
#include "optimize.h"
#include "quota_ext.h"
#include "state_codec.h"

#define QX_FIT_STATE_VERSION	1

/*
 * The transferable form, both bgnbd_fit_state and the bytea of the
 * serialize function: varlena header, version word, count, entries
 * (sorted by x, T, t_x and distinct).
 */
typedef struct QxFitStateHdr
{
	int32		vl_len_;
	int32		version;
	int64		n;
} QxFitStateHdr;

/* Binary (send/recv) entry: int32 x, float8 t_x, float8 T, int64 w. */
#define QX_FIT_WIRE_ENTRY_BYTES (4 + 8 + 8 + 8)
#define QX_FIT_MAX_ENTRIES	((int64) ((MaxAllocSize - sizeof(QxFitStateHdr)) / sizeof(QxFitEntry)))
/* A fresh state's room; grows by doubling. */
#define QX_FIT_MIN_CAPACITY	64

/* ---------------------------------------------------------------------
 * Checking a customer summary
 * ---------------------------------------------------------------------
 */

/*
 * Why (frequency, recency, t) is not a customer summary, or NULL when it is.
 * Shared by the argument checks and by the state input functions.
 */
const char *
qx_fit_summary_problem(int64 x, double tx, double T)
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

void
qx_fit_read_params(HeapTupleHeader th, const char *fit, const char *const *names, int n,
				   double *v)
{
	for (int i = 0; i < n; i++)
	{
		bool		isnull;
		Datum		d = GetAttributeByNum(th, i + 1, &isnull);

		if (isnull)
			qx_bad_arg(psprintf("Pass a model that %s returned.", fit),
					   "model field %s must not be NULL", names[i]);
		v[i] = DatumGetFloat8(d);
		if (!isfinite(v[i]) || v[i] <= 0)
			qx_bad_arg(psprintf("Pass a model that %s returned.", fit),
					   "model field %s must be a positive finite number, got %s",
					   names[i], qx_float_str(v[i]));
	}
}

/* Raise the argument error for a bad (frequency, recency, t). */
void
qx_fit_check_summary(int32 x, double tx, double T)
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
fit_entry_cmp(const QxFitEntry *a, const QxFitEntry *b)
{
	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->T != b->T)
		return a->T < b->T ? -1 : 1;
	if (a->tx != b->tx)
		return a->tx < b->tx ? -1 : 1;
	return 0;
}

#define ST_SORT fit_sort_entries
#define ST_ELEMENT_TYPE QxFitEntry
#define ST_COMPARE(a, b) fit_entry_cmp(a, b)
#define ST_CHECK_FOR_INTERRUPTS
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/* memcpy of n entries in slices, checking for interrupts between them. */
static void
fit_copy_entries(QxFitEntry *dst, const QxFitEntry *src, int64 n)
{
	while (n > 0)
	{
		int64		k = Min(n, (int64) QX_FIT_ROWS_PER_CHECK * 16);

		CHECK_FOR_INTERRUPTS();
		memcpy(dst, src, sizeof(QxFitEntry) * k);
		dst += k;
		src += k;
		n -= k;
	}
}

int64
qx_fit_add_weight(int64 a, int64 b)
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
qx_fit_compact(QxFitAcc *acc)
{
	int64		i,
				k;

	if (acc->nsorted == acc->n)
		return;
	fit_sort_entries(acc->e, acc->n);
	k = 0;
	for (i = 0; i < acc->n; i++)
	{
		if ((i % QX_FIT_ROWS_PER_CHECK) == 0)
			CHECK_FOR_INTERRUPTS();
		if (k > 0 && fit_entry_cmp(&acc->e[k - 1], &acc->e[i]) == 0)
			acc->e[k - 1].w = qx_fit_add_weight(acc->e[k - 1].w, acc->e[i].w);
		else
			acc->e[k++] = acc->e[i];
	}
	acc->n = k;
	acc->nsorted = k;
}

/* A new empty state in the current memory context. */
QxFitAcc *
qx_fit_acc_new(int64 cap)
{
	QxFitAcc   *acc = palloc(sizeof(QxFitAcc));

	acc->n = 0;
	acc->nsorted = 0;
	acc->cap = Max(cap, QX_FIT_MIN_CAPACITY);
	acc->e = palloc_extended(sizeof(QxFitEntry) * acc->cap, MCXT_ALLOC_HUGE);
	return acc;
}

/* Make room for more entries, compacting first (amortised O(log n)). */
static void
fit_reserve(QxFitAcc *acc, int64 more)
{
	int64		need;

	if (acc->n + more <= acc->cap)
		return;
	qx_fit_compact(acc);
	need = acc->n + more;
	if (need > acc->cap / 2 || need > acc->cap)
	{
		int64		newcap = Max(acc->cap * 2, need);

		if (newcap > QX_FIT_MAX_ENTRIES)
			newcap = QX_FIT_MAX_ENTRIES;
		if (newcap < need)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("bgnbd_fit: too many distinct customer summaries")));
		/* realloc moves a large block by remapping pages, not copying */
		acc->e = repalloc_huge(acc->e, sizeof(QxFitEntry) * newcap);
		acc->cap = newcap;
	}
}

void
qx_fit_append(QxFitAcc *acc, int32 x, double tx, double T, int64 w)
{
	QxFitEntry *e;

	fit_reserve(acc, 1);
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
qx_fit_flatten(QxFitAcc *acc)
{
	Size		sz;
	QxFitStateHdr *hdr;

	qx_fit_compact(acc);
	sz = sizeof(QxFitStateHdr) + sizeof(QxFitEntry) * acc->n;
	hdr = palloc(sz);
	SET_VARSIZE(hdr, sz);
	hdr->version = QX_FIT_STATE_VERSION;
	hdr->n = acc->n;
	fit_copy_entries((QxFitEntry *) ((char *) hdr + sizeof(QxFitStateHdr)), acc->e, acc->n);
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
qx_fit_decode(const char *data, int len, MemoryContext ctx)
{
	const Size	hdrlen = sizeof(QxFitStateHdr) - VARHDRSZ;
	QxFitStateHdr	hdr;
	QxFitAcc   *acc;
	MemoryContext old;

	if (len < (int) hdrlen)
		elog(ERROR, "bgnbd: malformed state of %d bytes", len);
	memcpy((char *) &hdr + VARHDRSZ, data, hdrlen);
	if (hdr.version != QX_FIT_STATE_VERSION || hdr.n < 0 || hdr.n > QX_FIT_MAX_ENTRIES ||
		(Size) len != hdrlen + sizeof(QxFitEntry) * (Size) hdr.n)
		elog(ERROR, "bgnbd: malformed state (version %d, %lld entries, %d bytes)",
			 hdr.version, (long long) hdr.n, len);
	old = MemoryContextSwitchTo(ctx);
	acc = qx_fit_acc_new(hdr.n);
	MemoryContextSwitchTo(old);
	fit_copy_entries(acc->e, (const QxFitEntry *) (data + hdrlen), hdr.n);
	acc->n = hdr.n;
	acc->nsorted = hdr.n;
	return acc;
}

/* A state from its varlena form, in the current memory context. */
QxFitAcc *
qx_fit_unflatten(bytea *v)
{
	return (QxFitAcc *) qx_fit_decode(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), CurrentMemoryContext);
}

/* A copy of src in ctx (a QxStateCopy). */
void *
qx_fit_copy(void *src, MemoryContext ctx)
{
	QxFitAcc   *in = (QxFitAcc *) src;
	MemoryContext old = MemoryContextSwitchTo(ctx);
	QxFitAcc   *acc = qx_fit_acc_new(in->n);

	MemoryContextSwitchTo(old);
	fit_copy_entries(acc->e, in->e, in->n);
	acc->n = in->n;
	acc->nsorted = in->nsorted;
	return acc;
}

/* st += in, growing st in ctx (a QxStateCombine). */
void
qx_fit_combine(void *st, void *in, MemoryContext ctx)
{
	MemoryContext old = MemoryContextSwitchTo(ctx);

	qx_fit_merge_into((QxFitAcc *) st, (const QxFitAcc *) in);
	MemoryContextSwitchTo(old);
}

/* Append another state's entries (it may be in any order). */
void
qx_fit_merge_into(QxFitAcc *dst, const QxFitAcc *src)
{
	if (src->n == 0)
		return;
	fit_reserve(dst, src->n);
	fit_copy_entries(dst->e + dst->n, src->e, src->n);
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
fit_entry_problem(int64 x, double tx, double T, int64 w)
{
	const char *why;

	if (x > PG_INT32_MAX)
		return "frequency is out of range for int";
	why = qx_fit_summary_problem(x, tx, T);
	if (why)
		return why;
	if (w <= 0)
		return "the customer count must be positive";
	return NULL;
}

/* The next "(frequency,recency,t,customers)" of the text form, appended to acc. */
static void
fit_text_entry(QxTextParser *tp, QxFitAcc *acc)
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
	why = fit_entry_problem(x, tx, T, w);
	if (why)
		qx_bad_text(tp, psprintf("Entry %lld: %s.", (long long) acc->n + 1, why));
	qx_fit_append(acc, (int32) x, tx, T, w);
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
	QxFitAcc   *acc = qx_fit_acc_new(QX_FIT_MIN_CAPACITY);

	qx_text_begin(&tp, str, BG_TYPE, BG_TEXT_HINT);
	qx_text_skip_space(&tp);
	version = qx_text_read_int64(&tp, "The version", PG_INT32_MIN, PG_INT32_MAX);
	if (version != QX_FIT_STATE_VERSION)
		qx_bad_text(&tp, psprintf("Version %lld is not supported; this build reads version %d.",
								  (long long) version, QX_FIT_STATE_VERSION));
	qx_text_skip_space(&tp);
	qx_text_expect(&tp, ":");
	qx_text_skip_space(&tp);
	while (!qx_text_at_end(&tp))
	{
		if ((acc->n % QX_FIT_ROWS_PER_CHECK) == 0)
			CHECK_FOR_INTERRUPTS();
		if (acc->n > 0)
			qx_text_expect(&tp, ",");
		fit_text_entry(&tp, acc);
		qx_text_skip_space(&tp);
	}
	PG_RETURN_POINTER(qx_fit_flatten(acc));
}

PG_FUNCTION_INFO_V1(bgnbd_fit_state_out);
/* Shortest exact decimal floats, so text round-trips are exact. */
Datum
bgnbd_fit_state_out(PG_FUNCTION_ARGS)
{
	QxFitAcc   *acc = qx_fit_unflatten(PG_GETARG_BYTEA_P(0));
	StringInfoData buf;
	int64		i;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%d:", QX_FIT_STATE_VERSION);
	for (i = 0; i < acc->n; i++)
	{
		const QxFitEntry *e = &acc->e[i];

		if ((i % QX_FIT_ROWS_PER_CHECK) == 0)
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
	QxFitAcc   *acc = qx_fit_unflatten(PG_GETARG_BYTEA_P(0));
	StringInfoData buf;
	int64		i;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, QX_FIT_STATE_VERSION);
	pq_sendint64(&buf, acc->n);
	for (i = 0; i < acc->n; i++)
	{
		if ((i % QX_FIT_ROWS_PER_CHECK) == 0)
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
	QxFitAcc   *acc;

	qx_reader_init(&r, msg->data + msg->cursor, msg->len - msg->cursor, BG_TYPE);
	version = qx_get_int32(&r);
	if (version != QX_FIT_STATE_VERSION)
		qx_bad_binary(&r, psprintf("version %d is not supported, expected %d",
								   version, QX_FIT_STATE_VERSION));
	n = qx_get_int64(&r);
	if (n < 0 || n > QX_FIT_MAX_ENTRIES || n != qx_reader_remaining(&r) / QX_FIT_WIRE_ENTRY_BYTES ||
		qx_reader_remaining(&r) % QX_FIT_WIRE_ENTRY_BYTES != 0)
		qx_bad_binary(&r, psprintf("the header says %lld entries but %d bytes follow (%d per entry)",
								   (long long) n, qx_reader_remaining(&r), QX_FIT_WIRE_ENTRY_BYTES));
	acc = qx_fit_acc_new(n);
	for (i = 0; i < n; i++)
	{
		int32		x = qx_get_int32(&r);
		double		tx = qx_get_float8(&r);
		double		T = qx_get_float8(&r);
		int64		w = qx_get_int64(&r);
		const char *why = fit_entry_problem(x, tx, T, w);

		if (why)
			qx_bad_binary(&r, psprintf("entry %lld: %s", (long long) i + 1, why));
		qx_fit_append(acc, x, tx, T, w);
		if ((i % QX_FIT_ROWS_PER_CHECK) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	qx_get_end(&r);
	msg->cursor = msg->len;
	PG_RETURN_POINTER(qx_fit_flatten(acc));
}

/* ---------------------------------------------------------------------
 * Aggregate support: bgnbd_fit's support functions, which mbgnbd_fit,
 * paretonbd_fit and (with its own input) gammagamma_fit share; each final
 * function is its model's
 * ---------------------------------------------------------------------
 */

/* Entries a new transition state has room for. */
#define QX_FIT_FIRST_CAPACITY 1024

PG_FUNCTION_INFO_V1(bgnbd_fit_trans);
/*
 * bgnbd_fit_trans(state internal, frequency int, recency float8, t float8)
 * Not strict: a row with any NULL argument is skipped; a bad row is an error.
 */
Datum
bgnbd_fit_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "bgnbd_fit_trans");
	QxFitAcc   *acc = PG_ARGISNULL(0) ? NULL : (QxFitAcc *) PG_GETARG_POINTER(0);
	int32		x;
	double		tx,
				T;
	MemoryContext old;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		if (acc == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(acc);
	}
	x = PG_GETARG_INT32(1);
	tx = PG_GETARG_FLOAT8(2);
	T = PG_GETARG_FLOAT8(3);
	qx_fit_check_summary(x, tx, T);

	old = MemoryContextSwitchTo(ctx);
	if (acc == NULL)
		acc = qx_fit_acc_new(QX_FIT_FIRST_CAPACITY);
	qx_fit_append(acc, x, tx, T, 1);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(acc);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_combine);
/* bgnbd_fit_combine(internal, internal): NULL states are empty */
Datum
bgnbd_fit_combine(PG_FUNCTION_ARGS)
{
	return qx_combine(fcinfo, "bgnbd_fit_combine", qx_fit_copy, qx_fit_combine);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_serialize);
/* bgnbd_fit_serialize(internal) -> bytea, the layout of bgnbd_fit_state */
Datum
bgnbd_fit_serialize(PG_FUNCTION_ARGS)
{
	QxFitAcc   *acc = (QxFitAcc *) PG_GETARG_POINTER(0);

	PG_RETURN_BYTEA_P(qx_fit_flatten(acc));
}

PG_FUNCTION_INFO_V1(bgnbd_fit_deserialize);
/* bgnbd_fit_deserialize(bytea, internal) -> internal */
Datum
bgnbd_fit_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = qx_agg_context(fcinfo, "bgnbd_fit_deserialize");
	bytea	   *v = PG_GETARG_BYTEA_P(0);
	MemoryContext old = MemoryContextSwitchTo(ctx);
	QxFitAcc   *acc = qx_fit_unflatten(v);

	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(acc);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_partial_final);
/* bgnbd_fit_partial_final(internal) -> bgnbd_fit_state; NULL for no customers */
Datum
bgnbd_fit_partial_final(PG_FUNCTION_ARGS)
{
	QxFitAcc   *acc = PG_ARGISNULL(0) ? NULL : (QxFitAcc *) PG_GETARG_POINTER(0);

	qx_agg_context(fcinfo, "bgnbd_fit_partial_final");
	if (acc == NULL || acc->n == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(qx_fit_flatten(acc));
}

PG_FUNCTION_INFO_V1(bgnbd_fit_merge_trans);
/* bgnbd_fit_merge_trans(internal, bgnbd_fit_state): NULL states are skipped */
Datum
bgnbd_fit_merge_trans(PG_FUNCTION_ARGS)
{
	return qx_merge_trans(fcinfo, "bgnbd_fit_merge_trans", qx_fit_decode, qx_fit_combine);
}

/*
 * The released install scripts (1.0--1.1, 1.1--1.2) name these functions'
 * C symbols bgnbd_fit_transfn, _combinefn, _serialfn, _deserialfn,
 * _partial_finalfn and _merge_transfn: kept as aliases so that those
 * scripts stay byte-identical and every released version still loads.
 */
PG_FUNCTION_INFO_V1(bgnbd_fit_transfn);
Datum
bgnbd_fit_transfn(PG_FUNCTION_ARGS)
{
	return bgnbd_fit_trans(fcinfo);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_combinefn);
Datum
bgnbd_fit_combinefn(PG_FUNCTION_ARGS)
{
	return bgnbd_fit_combine(fcinfo);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_serialfn);
Datum
bgnbd_fit_serialfn(PG_FUNCTION_ARGS)
{
	return bgnbd_fit_serialize(fcinfo);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_deserialfn);
Datum
bgnbd_fit_deserialfn(PG_FUNCTION_ARGS)
{
	return bgnbd_fit_deserialize(fcinfo);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_partial_finalfn);
Datum
bgnbd_fit_partial_finalfn(PG_FUNCTION_ARGS)
{
	return bgnbd_fit_partial_final(fcinfo);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_merge_transfn);
Datum
bgnbd_fit_merge_transfn(PG_FUNCTION_ARGS)
{
	return bgnbd_fit_merge_trans(fcinfo);
}

/* ---------------------------------------------------------------------
 * The fit final of the four-parameter purchase models
 * ---------------------------------------------------------------------
 */

#define QX_FIT_NPAR 4
#define QX_FIT_MODEL_FIELDS 7

Datum
qx_fit_four_final(FunctionCallInfo fcinfo, const QxFitSpec *spec)
{
	QxFitAcc   *acc = PG_ARGISNULL(0) ? NULL : (QxFitAcc *) PG_GETARG_POINTER(0);
	TupleDesc	desc;
	Datum		values[QX_FIT_MODEL_FIELDS];
	bool		nulls[QX_FIT_MODEL_FIELDS] = {0};
	QxFitData	d;
	QxOptOptions opts;
	QxOptResult res;
	double		theta[QX_FIT_NPAR],
				sumx = 0,
				sumT = 0,
				ll;
	int64		cust = 0,
				nrep = 0;
	bool		conv;

	qx_agg_context(fcinfo, spec->final_fn);
	if (acc == NULL || acc->n == 0)
		PG_RETURN_NULL();
	desc = qx_result_desc(fcinfo);
	if (spec->check_natts && desc->natts != QX_FIT_MODEL_FIELDS)
		elog(ERROR, "%s: %s must have %d fields, has %d",
			 spec->name, spec->model, QX_FIT_MODEL_FIELDS, desc->natts);
	qx_fit_compact(acc);
	for (int64 i = 0; i < acc->n; i++)
	{
		cust = qx_fit_add_weight(cust, acc->e[i].w);
		sumx += (double) acc->e[i].x * acc->e[i].w;
		sumT += acc->e[i].T * acc->e[i].w;
		if (acc->e[i].x > 0)
			nrep += acc->e[i].w;
	}
	d.n = acc->n;
	d.e = acc->e;
	d.W = (double) cust;
	d.evals = 0;

	/* start: r = 1, alpha from the mean rate, the others 1 (or alpha) */
	theta[0] = theta[2] = theta[3] = 0;
	theta[1] = (sumx > 0 && sumT > 0) ? log(sumT / sumx) : 0;
	theta[1] = Max(-spec->start_bound, Min(spec->start_bound, theta[1]));
	if (spec->start_4_as_2)
		theta[3] = theta[1];
	qx_opt_defaults(&opts, QX_FIT_NPAR);
	if (spec->max_iter > 0)
		opts.max_iter = spec->max_iter;
	if (spec->nm_max_iter > 0)
		opts.nm_max_iter = spec->nm_max_iter;
	qx_minimize(spec->negll, &d, &opts, theta, &res);
	/* without a single repeat purchase the maximum is not attained */
	conv = res.converged && nrep > 0;
	for (int k = 0; k < QX_FIT_NPAR; k++)
		if (!isfinite(theta[k]) || fabs(theta[k]) > spec->edge)
			conv = false;
	ll = isfinite(res.f) ? -res.f * d.W : -get_float8_infinity();
	if (!isfinite(ll))
		conv = false;
	elog(DEBUG1, "%s: %lld customers, %lld distinct, %d iterations, %lld evaluations, converged %d",
		 spec->name, (long long) cust, (long long) acc->n, res.iterations, (long long) d.evals, conv);

	for (int k = 0; k < QX_FIT_NPAR; k++)
		values[k] = Float8GetDatum(spec->clamp_exp ? exp(Max(-700.0, Min(700.0, theta[k])))
								   : exp(theta[k]));
	values[4] = Float8GetDatum(ll);
	values[5] = Int64GetDatum(cust);
	values[6] = BoolGetDatum(conv);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}
