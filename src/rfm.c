/*
 * rfm.c
 *		RFM scores and named segments (README "RFM"): the window function
 *		rfm_score() and rfm_segment() with the standard table or the user's
 *		own table given as jsonb.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "windowapi.h"

#include "quota_ext.h"
#include "window_values.h"

#define RFM_MIN_BINS 2
#define RFM_MAX_BINS 100			/* bins * count then fits int64 */
#define RFM_STANDARD_SCORES 5		/* the standard segments take scores 1 to 5 */

/* What rfm_score() keeps per partition: the sorted non-NULL values. */
typedef struct RfmPartition
{
	bool		ready;
	int64		n;
	double	   *vals;			/* ascending */
} RfmPartition;

/* number of vals[0..n-1] (ascending) that are < v, or <= v when or_equal */
static int64
rfm_count_below(const double *vals, int64 n, double v, bool or_equal)
{
	int64		lo = 0;
	int64		hi = n;

	while (lo < hi)
	{
		int64		mid = lo + (hi - lo) / 2;

		if (vals[mid] < v || (or_equal && vals[mid] == v))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

PG_FUNCTION_INFO_V1(rfm_score);
/*
 * rfm_score(value, bins DEFAULT 5, higher_is_better DEFAULT true) OVER (...) -> int
 *
 * ceil(bins * #{values <= v} / n), or with #{values >= v} when higher is not
 * better, over the n non-NULL values of the partition; computed in integers.
 * NULL in any argument of the row gives NULL; NULL values are not counted.
 */
Datum
rfm_score(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	RfmPartition *part;
	bool		isnull;
	double		v;
	int32		bins;
	bool		higher_is_better;
	int64		count;

	part = (RfmPartition *) WinGetPartitionLocalMemory(winobj, sizeof(RfmPartition));
	if (!part->ready)
	{
		part->vals = qx_window_sorted_values(winobj, 0, "rfm_score", "value",
											 GetMemoryChunkContext(part), &part->n);
		part->ready = true;
	}

	/* bins and higher_is_better are checked on every row; they may vary */
	bins = DatumGetInt32(WinGetFuncArgCurrent(winobj, 1, &isnull));
	if (isnull)
		PG_RETURN_NULL();
	if (bins < RFM_MIN_BINS || bins > RFM_MAX_BINS)
		qx_bad_arg("bins is the number of scores, usually 5; it must be between 2 and 100.",
				   "bins must be between 2 and 100, got %d", bins);
	higher_is_better = DatumGetBool(WinGetFuncArgCurrent(winobj, 2, &isnull));
	if (isnull)
		PG_RETURN_NULL();
	v = DatumGetFloat8(WinGetFuncArgCurrent(winobj, 0, &isnull));
	if (isnull)
		PG_RETURN_NULL();

	if (higher_is_better)
		count = rfm_count_below(part->vals, part->n, v, true);
	else
		count = part->n - rfm_count_below(part->vals, part->n, v, false);
	if (count < 1 || count > part->n)
		elog(ERROR, "rfm_score: value %s of the current row is not in its partition",
			 qx_float_str(v));

	/* ceil(bins * count / n) in integers; bins * count <= 100 * n fits */
	PG_RETURN_INT32((int32) (((int64) bins * count + part->n - 1) / part->n));
}

/* One row of a segment table: the first row whose three ranges hold wins. */
typedef struct RfmSegment
{
	const char *name;
	int32		r_lo,
				r_hi,
				f_lo,
				f_hi,
				m_lo,
				m_hi;
} RfmSegment;

/* The standard segment table (README "rfm_segment"), in priority order. */
static const RfmSegment rfm_standard[] = {
	{"Champions", 5, 5, 5, 5, 5, 5},
	{"Potential Loyalist", 3, 5, 3, 5, 2, 5},
	{"Loyal Customers", 2, 4, 2, 4, 2, 4},
	{"Promising", 3, 4, 1, 3, 3, 5},
	{"New Customers", 4, 5, 1, 3, 1, 5},
	{"Can't Lose Them", 1, 2, 3, 4, 4, 5},
	{"At Risk", 1, 2, 2, 5, 4, 5},
	{"Need Attention", 1, 3, 3, 5, 3, 5},
	{"About To Sleep", 2, 3, 1, 3, 1, 4},
	{"Lost", 1, 1, 1, 5, 1, 5},
};

/* Names of the standard table, then "Others": the labels of rfm_segment(). */
static const char *const rfm_standard_labels[] = {
	"Champions", "Potential Loyalist", "Loyal Customers", "Promising", "New Customers",
	"Can't Lose Them", "At Risk", "Need Attention", "About To Sleep", "Lost", "Others",
};

StaticAssertDecl(lengthof(rfm_standard_labels) == lengthof(rfm_standard) + 1,
				 "one label per standard segment, then Others");

/* index of the first segment whose ranges hold r, f and m; nsegments for Others */
static int
rfm_lookup(const RfmSegment *table, int nsegments, int32 r, int32 f, int32 m)
{
	for (int i = 0; i < nsegments; i++)
	{
		const RfmSegment *s = &table[i];

		if (r >= s->r_lo && r <= s->r_hi &&
			f >= s->f_lo && f <= s->f_hi &&
			m >= s->m_lo && m <= s->m_hi)
			return i;
	}
	return nsegments;
}

static void
rfm_check_score(int32 score, const char *argname)
{
	if (score < 1 || score > RFM_STANDARD_SCORES)
		qx_bad_arg("The standard segments take scores 1 to 5, as rfm_score() gives with bins => 5; pass your own segments map for other scales.",
				   "%s must be a score between 1 and 5, got %d", argname, score);
}

/*
 * The standard table looked up once for each of the 125 (r, f, m), on first
 * use in the backend: rfm_standard_index[(r - 1) * 25 + (f - 1) * 5 + m - 1]
 * is the label index, so a row costs one array read.
 */
static int8 rfm_standard_index[RFM_STANDARD_SCORES * RFM_STANDARD_SCORES * RFM_STANDARD_SCORES];
static bool rfm_standard_ready = false;

PG_FUNCTION_INFO_V1(rfm_segment);
/* rfm_segment(r, f, m) -> standard segment name, 'Others' when none matches */
Datum
rfm_segment(PG_FUNCTION_ARGS)
{
	int32		r = PG_GETARG_INT32(0);
	int32		f = PG_GETARG_INT32(1);
	int32		m = PG_GETARG_INT32(2);

	rfm_check_score(r, "r");
	rfm_check_score(f, "f");
	rfm_check_score(m, "m");
	if (unlikely(!rfm_standard_ready))
	{
		const int	s = RFM_STANDARD_SCORES;

		for (int i = 0; i < lengthof(rfm_standard_index); i++)
			rfm_standard_index[i] = (int8) rfm_lookup(rfm_standard, lengthof(rfm_standard),
													  i / (s * s) + 1, i / s % s + 1, i % s + 1);
		rfm_standard_ready = true;
	}
	PG_RETURN_DATUM(qx_label_datum(fcinfo, rfm_standard_labels, lengthof(rfm_standard_labels),
								   rfm_standard_index[((r - 1) * RFM_STANDARD_SCORES + (f - 1)) *
													  RFM_STANDARD_SCORES + m - 1]));
}

/*
 * A parsed segments map, cached in fn_extra together with the bytes of the
 * jsonb it came from, so that a query over millions of rows parses a
 * constant map once.
 */
typedef struct RfmMapCache
{
	Jsonb	   *source;			/* copy of the map's jsonb */
	int			nsegments;
	RfmSegment *segments;
	text	  **names;			/* the segments' names as text, then "Others" */
} RfmMapCache;

#define RFM_MAP_HINT "segments is a JSON array of {\"name\": text, \"r\": [lo, hi], \"f\": [lo, hi], \"m\": [lo, hi]} in priority order."

/* One bound of a range: a JSON number with no fraction that fits in int. */
static int32
rfm_map_bound(JsonbValue *v, int entry, const char *key, const char *which)
{
	Numeric		num;
	bool		overflow = false;
	int32		bound;

	if (v->type != jbvNumeric)
		qx_bad_arg(RFM_MAP_HINT,
				   "segments entry %d: %s %s bound must be a number", entry, key, which);
	num = v->val.numeric;
	bound = numeric_int4_opt_error(num, &overflow);
	if (overflow)
		qx_bad_arg(RFM_MAP_HINT,
				   "segments entry %d: %s %s bound %s is out of range for a score",
				   entry, key, which,
				   qx_numeric_str(num));
	if (!DatumGetBool(DirectFunctionCall2(numeric_eq, NumericGetDatum(num),
										  NumericGetDatum(int64_to_numeric(bound)))))
		qx_bad_arg(RFM_MAP_HINT,
				   "segments entry %d: %s %s bound must be a whole number, got %s",
				   entry, key, which,
				   qx_numeric_str(num));
	return bound;
}

/* The [lo, hi] range under key of entry (1-based), into *lo and *hi. */
static void
rfm_map_range(JsonbContainer *obj, int entry, const char *key, int32 *lo, int32 *hi)
{
	JsonbValue *v;
	JsonbValue *b;

	v = getKeyJsonValueFromContainer(obj, key, strlen(key), NULL);
	if (v == NULL)
		qx_bad_arg(RFM_MAP_HINT, "segments entry %d has no \"%s\" range", entry, key);
	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data) ||
		JsonContainerSize(v->val.binary.data) != 2)
		qx_bad_arg(RFM_MAP_HINT,
				   "segments entry %d: %s must be an array of two whole numbers [lo, hi]",
				   entry, key);
	b = getIthJsonbValueFromContainer(v->val.binary.data, 0);
	*lo = rfm_map_bound(b, entry, key, "lower");
	b = getIthJsonbValueFromContainer(v->val.binary.data, 1);
	*hi = rfm_map_bound(b, entry, key, "upper");
	if (*lo > *hi)
		qx_bad_arg(RFM_MAP_HINT,
				   "segments entry %d: %s range [%d, %d] has its lower bound above its upper bound",
				   entry, key, *lo, *hi);
}

/* Parse and check a segments map; entries are numbered from 1 in errors. */
static void
rfm_parse_map(Jsonb *jb, RfmMapCache *cache, MemoryContext mcxt)
{
	JsonbContainer *root = &jb->root;
	int			n;

	if (JB_ROOT_IS_SCALAR(jb) || !JB_ROOT_IS_ARRAY(jb))
		qx_bad_arg(RFM_MAP_HINT, "segments must be a JSON array of segment objects");
	n = JsonContainerSize(root);
	cache->segments = MemoryContextAllocZero(mcxt, sizeof(RfmSegment) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		int			entry = i + 1;
		JsonbValue *e = getIthJsonbValueFromContainer(root, i);
		JsonbContainer *obj;
		JsonbValue *name;
		RfmSegment *s = &cache->segments[i];
		JsonbIterator *it;
		JsonbValue	kv;
		JsonbIteratorToken tok;

		if (e->type != jbvBinary || !JsonContainerIsObject(e->val.binary.data))
			qx_bad_arg(RFM_MAP_HINT, "segments entry %d must be a JSON object", entry);
		obj = e->val.binary.data;

		/* only the four known keys: a misspelt key must not pass silently */
		it = JsonbIteratorInit(obj);
		while ((tok = JsonbIteratorNext(&it, &kv, true)) != WJB_DONE)
		{
			if (tok != WJB_KEY)
				continue;
			if (!(kv.val.string.len == 4 && memcmp(kv.val.string.val, "name", 4) == 0) &&
				!(kv.val.string.len == 1 && strchr("rfm", kv.val.string.val[0]) != NULL))
				qx_bad_arg(RFM_MAP_HINT,
						   "segments entry %d has an unknown key \"%s\"", entry,
						   pnstrdup(kv.val.string.val, kv.val.string.len));
		}

		name = getKeyJsonValueFromContainer(obj, "name", 4, NULL);
		if (name == NULL)
			qx_bad_arg(RFM_MAP_HINT, "segments entry %d has no \"name\"", entry);
		if (name->type != jbvString)
			qx_bad_arg(RFM_MAP_HINT, "segments entry %d: name must be a JSON string", entry);
		s->name = MemoryContextStrdup(mcxt, pnstrdup(name->val.string.val,
													 name->val.string.len));
		rfm_map_range(obj, entry, "r", &s->r_lo, &s->r_hi);
		rfm_map_range(obj, entry, "f", &s->f_lo, &s->f_hi);
		rfm_map_range(obj, entry, "m", &s->m_lo, &s->m_hi);
	}
	cache->nsegments = n;
}

PG_FUNCTION_INFO_V1(rfm_segment_map);
/*
 * rfm_segment(r, f, m, segments jsonb) -> the name of the first entry of
 * segments whose ranges hold r, f and m; 'Others' when none does.  Scores
 * are not limited to 1..5: the map defines the scale.
 */
Datum
rfm_segment_map(PG_FUNCTION_ARGS)
{
	int32		r = PG_GETARG_INT32(0);
	int32		f = PG_GETARG_INT32(1);
	int32		m = PG_GETARG_INT32(2);
	Jsonb	   *jb = PG_GETARG_JSONB_P(3);
	RfmMapCache *cache = (RfmMapCache *) fcinfo->flinfo->fn_extra;

	if (cache == NULL || VARSIZE(cache->source) != VARSIZE(jb) ||
		memcmp(cache->source, jb, VARSIZE(jb)) != 0)
	{
		MemoryContext mcxt = fcinfo->flinfo->fn_mcxt;
		RfmMapCache fresh = {0};

		/* parse first: a bad map must not leave a half-built cache behind */
		rfm_parse_map(jb, &fresh, mcxt);
		if (cache == NULL)
			cache = MemoryContextAllocZero(mcxt, sizeof(RfmMapCache));
		else
		{
			pfree(cache->source);
			for (int i = 0; i <= cache->nsegments; i++)
				pfree(cache->names[i]);
			pfree(cache->names);
			if (cache->segments)
			{
				for (int i = 0; i < cache->nsegments; i++)
					pfree((char *) cache->segments[i].name);
				pfree(cache->segments);
			}
		}
		*cache = fresh;
		cache->names = MemoryContextAlloc(mcxt, sizeof(text *) * (fresh.nsegments + 1));
		{
			MemoryContext old = MemoryContextSwitchTo(mcxt);

			for (int i = 0; i < fresh.nsegments; i++)
				cache->names[i] = cstring_to_text(fresh.segments[i].name);
			cache->names[fresh.nsegments] = cstring_to_text("Others");
			MemoryContextSwitchTo(old);
		}
		cache->source = MemoryContextAlloc(mcxt, VARSIZE(jb));
		memcpy(cache->source, jb, VARSIZE(jb));
		fcinfo->flinfo->fn_extra = cache;
	}
	/* a cached text, read-only for the caller (see qx_label_datum) */
	PG_RETURN_POINTER(cache->names[rfm_lookup(cache->segments, cache->nsegments, r, f, m)]);
}
