/*
 * labels.c
 *		The label catalog (doc/labels.md): for every code a function returns
 *		from a fixed set, its rank, a chart colour and what people read in
 *		English, Russian and Bulgarian -- built in, versioned with the library
 *		-- and, from 1.3, the rows a database adds in the extension's table
 *		quota_label_custom: its own codes for a kind (a custom RFM map's
 *		segments), ranks, colours and labels in any language.
 *
 * Codes never change between versions; labels and colours may.  Within a
 * kind the built-in entries are in rank order, rank 1 the best news.
 *
 * Colours: the n-class ColorBrewer RdYlBu scheme for a kind of n codes
 * (Brewer, colorbrewer2.org; marked colour-blind safe for every n), read
 * from blue (rank 1, best news) to red (last rank, worst), so the same hue
 * means the same thing in every kind; rfm's "Others" is the neutral grey
 * #999999 outside the scale.  deal_warning, whose codes are all problems,
 * is the one exception (see its block).
 *
 * Three catalogs are served (qx_labels): 1.2's built-in one, for the SQL
 * definitions of 1.0-1.2 (a database keeps its results until ALTER
 * EXTENSION UPDATE; doc/operations.md), 1.3's built-in one, and 1.3's
 * merged with the database's quota_label_custom rows.  The merged one is
 * kept per backend and rebuilt after a change of the table: a statement
 * trigger on it (quota_label_custom_changed) sends a relcache invalidation
 * for the table, which reaches this backend at the end of the changing
 * command and every other backend at commit, as for a system catalog.  So
 * the functions stay IMMUTABLE (SPEC §9) -- the table is configuration, as
 * PostGIS's spatial_ref_sys is for ST_Transform -- and doc/labels.md says
 * what a user refreshes after changing a row already in use.
 */
#include "postgres.h"
#include "pg_compat.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "labels.h"
#include "quota_ext.h"

typedef struct QxLabel
{
	const char *kind;
	const char *code;
	const char *color;
	const char *text[QX_NLANGS];	/* en, ru, bg */
} QxLabel;

static const char *const lang_names[QX_NLANGS] = {"en", "ru", "bg"};

static const QxLabel catalog[] = {
	/* kinetic segment (rfm_kinetic): how buying changes; RdYlBu 6 */
	{"kinetic", "new", "#4575b4", {"New", "Новые", "Нови"}},
	{"kinetic", "growing", "#91bfdb", {"Growing", "Растущие", "Растящи"}},
	{"kinetic", "returning", "#e0f3f8", {"Returning", "Вернувшиеся", "Завърнали се"}},
	{"kinetic", "steady", "#fee090", {"Steady", "Стабильные", "Стабилни"}},
	{"kinetic", "fading", "#fc8d59", {"Fading", "Угасающие", "Затихващи"}},
	{"kinetic", "lost", "#d73027", {"Lost", "Ушедшие", "Загубени"}},

	/* RFM segments (rfm_segment), best news first; RdYlBu 10, Others grey */
	{"rfm", "Champions", "#313695", {"Champions", "Лучшие клиенты", "Топ клиенти"}},
	{"rfm", "Loyal Customers", "#4575b4", {"Loyal customers", "Постоянные клиенты", "Лоялни клиенти"}},
	{"rfm", "Potential Loyalist", "#74add1", {"Potential loyalists", "Кандидаты в постоянные", "Бъдещи лоялни"}},
	{"rfm", "New Customers", "#abd9e9", {"New customers", "Новые клиенты", "Нови клиенти"}},
	{"rfm", "Promising", "#e0f3f8", {"Promising", "Перспективные", "Перспективни"}},
	{"rfm", "Need Attention", "#fee090", {"Need attention", "Требуют внимания", "Искат внимание"}},
	{"rfm", "About To Sleep", "#fdae61", {"About to sleep", "Остывающие", "Охладняващи"}},
	{"rfm", "At Risk", "#f46d43", {"At risk", "Под угрозой ухода", "На път да си тръгнат"}},
	{"rfm", "Can't Lose Them", "#d73027", {"Can't lose them", "Нельзя упустить", "Не бива да ги изпуснем"}},
	{"rfm", "Lost", "#a50026", {"Lost", "Потерянные", "Загубени"}},
	{"rfm", "Others", "#999999", {"Others", "Прочие", "Други"}},

	/* heat matrix (heat_zone); RdYlBu 3, so no colour words (1.3) */
	{"heat", "green", "#91bfdb", {"Spare potential", "Есть запас", "Има резерв"}},
	{"heat", "amber", "#ffffbf", {"On plan", "По плану", "По план"}},
	{"heat", "red", "#fc8d59", {"Missed chance", "Упущенный шанс", "Пропусната възможност"}},

	/* ABC by revenue (abc_class); RdYlBu 3 */
	{"abc", "A", "#91bfdb", {"A: key accounts", "A: ключевые клиенты", "A: ключови клиенти"}},
	{"abc", "B", "#ffffbf", {"B: mid accounts", "B: средние клиенты", "B: средни клиенти"}},
	{"abc", "C", "#fc8d59", {"C: small accounts", "C: мелкие клиенты", "C: малки клиенти"}},

	/* XYZ by variability of demand (xyz_class); RdYlBu 3 */
	{"xyz", "X", "#91bfdb", {"X: steady demand", "X: стабильный спрос", "X: стабилно търсене"}},
	{"xyz", "Y", "#ffffbf", {"Y: fluctuating demand", "Y: колеблющийся спрос", "Y: колебливо търсене"}},
	{"xyz", "Z", "#fc8d59", {"Z: erratic demand", "Z: нерегулярный спрос", "Z: непредвидимо търсене"}},

	/* lead qualification (lead_class): need, budget, urgency; RdYlBu 3 */
	{"lead_class", "A", "#91bfdb", {"A: hot", "A: горячий", "A: горещ"}},
	{"lead_class", "B", "#ffffbf", {"B: warm", "B: тёплый", "B: топъл"}},
	{"lead_class", "C", "#fc8d59", {"C: cold", "C: холодный", "C: студен"}},

	/* lead priority (priority_label), the seed's four groups; RdYlBu 4 */
	{"priority", "fast_big", "#2c7bb6", {"Fast, big", "Быстро, много", "Бързо, много"}},
	{"priority", "fast_small", "#abd9e9", {"Fast, small", "Быстро, мало", "Бързо, малко"}},
	{"priority", "slow_big", "#fdae61", {"Slow, big", "Долго, много", "Бавно, много"}},
	{"priority", "slow_small", "#d7191c", {"Slow, small", "Долго, мало", "Бавно, малко"}},

	/* lead load trend (lead_load_trend), seed 003's alarm last; RdYlBu 4 */
	{"lead_trend", "growing", "#2c7bb6", {"Growing: more revenue", "Рост: выручка прибавляет", "Растеж: оборотът се увеличава"}},
	{"lead_trend", "steady", "#abd9e9", {"Steady", "Ровно, без перемен", "Стабилно"}},
	{"lead_trend", "shrinking", "#fdae61", {"Shrinking: revenue falling", "Спад: выручка проседает", "Спад: оборотът намалява"}},
	{"lead_trend", "scattered", "#d7191c", {"Scattered: more leads, less money", "Распыляемся: лидов больше, денег меньше", "Разпиляваме се: повече лийдове, по-малко пари"}},

	/* deal temperature (deal_warnings' input), hottest first; RdYlBu 4 */
	{"temperature", "hot", "#2c7bb6", {"Hot", "Горячая", "Гореща"}},
	{"temperature", "warm", "#abd9e9", {"Warm", "Тёплая", "Топла"}},
	{"temperature", "cool", "#fdae61", {"Cooling off", "Остывает", "Охладнява"}},
	{"temperature", "cold", "#d7191c", {"Cold", "Холодная", "Студена"}},

	/*
	 * deal warnings (deal_warnings), most urgent first.  Every code is a
	 * problem, so this kind alone does not run blue to red (SPEC §14):
	 * ColorBrewer YlOrRd from #800026 to #ffeda0, resampled in CIELAB to
	 * 13 steps whose lightness rises by about 4 or more from rank to rank
	 * under normal vision and simulated protanopia, deuteranopia and
	 * tritanopia (test/label_colors.sh), darker for the more urgent.
	 */
	{"deal_warning", "next_step_overdue", "#800026", {"Follow-up overdue", "Просрочен контакт", "Просрочен контакт"}},
	{"deal_warning", "no_next_step", "#970026", {"No next step", "Нет следующего шага", "Няма следваща стъпка"}},
	{"deal_warning", "promise_overdue", "#ae0026", {"Client hasn't delivered", "Клиент не выполнил обещанное", "Клиентът не изпълни обещаното"}},
	{"deal_warning", "past_close_date", "#c50524", {"Past close date", "Сорван срок закрытия", "Пропусната дата на затваряне"}},
	{"deal_warning", "reanimation", "#dd161e", {"Needs rescue", "Пора реанимировать", "Нужна е реанимация"}},
	{"deal_warning", "cold", "#fd5d2e", {"Gone cold", "Клиент остыл", "Клиентът изстина"}},
	{"deal_warning", "no_activity", "#fd7935", {"Gone quiet", "Давно без касаний", "Отдавна без контакт"}},
	{"deal_warning", "stalled_in_stage", "#fd903d", {"Stuck in stage", "Застряла на этапе", "Заседнала на етапа"}},
	{"deal_warning", "pushed", "#fea546", {"Keeps slipping", "Закрытие всё переносят", "Затварянето все се отлага"}},
	{"deal_warning", "single_threaded", "#feb853", {"Single-threaded", "Один контакт у клиента", "Само един контакт при клиента"}},
	{"deal_warning", "no_problem", "#ffcb67", {"Pain not clear", "Боль клиента не выяснена", "Болката на клиента не е ясна"}},
	{"deal_warning", "no_temperature", "#fedc7d", {"Mood not logged", "Температура не указана", "Настроението не е отбелязано"}},
	{"deal_warning", "no_lift", "#ffeda0", {"Odds not assessed", "Шансы не оценены", "Шансът не е оценен"}},
};


#define NLABELS lengthof(catalog)

/* 1.2's texts where 1.3 changed them (the heat zones lost their colour words). */
static const QxLabel catalog_1_2_texts[] = {
	{"heat", "green", NULL, {"Green: spare potential", "Зелёная зона: запас", "Зелена зона: резерв"}},
	{"heat", "amber", NULL, {"Amber: on plan", "Жёлтая зона: по плану", "Жълта зона: по план"}},
	{"heat", "red", NULL, {"Red: missed chance", "Красная зона: упущенный шанс", "Червена зона: пропусната възможност"}},
};

/* The user's table, in the extension's schema (quota_ext--1.2--1.3.sql). */
#define CUSTOM_TABLE "quota_label_custom"
#define CUSTOM_NATTS 5			/* kind, code, rank, color, labels */
#define CUSTOM_GREY "#999999"	/* a user's code without a colour: neutral */

/* One label of a user's row: a language and its text. */
typedef struct QxUserText
{
	char	   *lang;
	char	   *text;
} QxUserText;

/* One code as a catalog serves it. */
struct QxLabelEntry
{
	const char *code;
	int			code_len;		/* strlen(code): lookups compare it first */
	const char *color;
	int			rank;			/* 1 = best news; 0 = none (a user's code without one) */
	bool		ordered;		/* has a place in segment_direction's order */
	bool		custom;			/* a quota_label_custom row applies */
	bool		kinetic_new;	/* kinetic "new": a move out of it goes by where it went */
	bool		kinetic_up;		/* kinetic growing, returning, steady: up from new */
	int			builtin;		/* position in catalog[], or -1 for a user's code */
	const char *text[QX_NLANGS];	/* built-in en, ru, bg; NULL for a user's code */
	int			nuser;
	QxUserText *user;			/* the user's labels, by language */
};

typedef struct QxLabelKind
{
	const char *name;
	int			name_len;
	int			first;			/* its entries: entries[first .. first + n - 1] */
	int			n;
	int			nlangs;			/* en, ru, bg, then the users' languages */
	const char **langs;
} QxLabelKind;

struct QxLabelSet
{
	int			nkinds;
	QxLabelKind *kinds;
	int			nentries;
	QxLabelEntry *entries;
};

/* Does the text (any varlena header) equal the C string? */
static bool
text_equals(const text *t, const char *s)
{
	size_t		len = strlen(s);

	return VARSIZE_ANY_EXHDR(t) == len && memcmp(VARDATA_ANY(t), s, len) == 0;
}

/* A user's text for an error message, cut to 40 bytes on a character boundary. */
static char *
brief(const text *t)
{
	char	   *s = text_to_cstring(t);
	int			len = (int) strlen(s);

	if (len > 40)
		s = psprintf("%.*s...", pg_mbcliplen(s, len, 40), s);
	return s;
}

/* ---------- building a catalog ---------- */

/* A user's row, read from the table. */
typedef struct CustomRow
{
	char	   *kind;
	char	   *code;
	int			rank;			/* 0 when NULL */
	char	   *color;			/* NULL when NULL */
	int			ntexts;
	QxUserText *texts;
} CustomRow;

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* user's rows by kind, then code (bytewise: the order is collation-free) */
static int
cmp_row(const void *a, const void *b)
{
	const CustomRow *x = a;
	const CustomRow *y = b;
	int			c = strcmp(x->kind, y->kind);

	return c != 0 ? c : strcmp(x->code, y->code);
}

/*
 * within a kind: by rank (none last), a built-in code before a user's of
 * the same rank, then by code bytewise
 */
static int
cmp_entry(const void *a, const void *b)
{
	const QxLabelEntry *x = a;
	const QxLabelEntry *y = b;
	int			rx = x->rank > 0 ? x->rank : INT_MAX;
	int			ry = y->rank > 0 ? y->rank : INT_MAX;

	if (rx != ry)
		return rx < ry ? -1 : 1;
	if ((x->builtin >= 0) != (y->builtin >= 0))
		return x->builtin >= 0 ? -1 : 1;
	if (x->builtin >= 0 && x->builtin != y->builtin)
		return x->builtin < y->builtin ? -1 : 1;
	return strcmp(x->code, y->code);
}

/*
 * A catalog in the current memory context: the built-in one (1.2's texts
 * when texts_1_2) merged with the user's rows (sorted by cmp_row).
 */
static QxLabelSet *
build_set(bool texts_1_2, CustomRow *rows, int nrows)
{
	QxLabelSet *set = palloc0(sizeof(QxLabelSet));
	int			maxkinds = (int) NLABELS + nrows;
	int			maxentries = (int) NLABELS + nrows;
	QxLabelEntry *work = palloc0(sizeof(QxLabelEntry) * maxentries);
	int		   *kind_of = palloc0(sizeof(int) * maxentries);
	int			n = 0;

	set->kinds = palloc0(sizeof(QxLabelKind) * maxkinds);
	set->entries = palloc0(sizeof(QxLabelEntry) * maxentries);

	/* the built-in codes, kinds in catalog order */
	for (int i = 0; i < (int) NLABELS; i++)
	{
		QxLabelEntry *e = &work[n];

		if (set->nkinds == 0 || strcmp(set->kinds[set->nkinds - 1].name, catalog[i].kind) != 0)
			set->kinds[set->nkinds++].name = catalog[i].kind;
		e->code = catalog[i].code;
		e->color = catalog[i].color;
		e->rank = set->kinds[set->nkinds - 1].n + 1;
		set->kinds[set->nkinds - 1].n++;
		/* rfm's Others: no rule matched, so no place in the order (SPEC §12) */
		e->ordered = !(strcmp(catalog[i].kind, "rfm") == 0 && strcmp(catalog[i].code, "Others") == 0);
		e->builtin = i;
		if (strcmp(catalog[i].kind, "kinetic") == 0)
		{
			e->kinetic_new = strcmp(e->code, "new") == 0;
			e->kinetic_up = strcmp(e->code, "growing") == 0 || strcmp(e->code, "returning") == 0 ||
				strcmp(e->code, "steady") == 0;
		}
		for (int l = 0; l < QX_NLANGS; l++)
			e->text[l] = catalog[i].text[l];
		if (texts_1_2)
			for (int j = 0; j < (int) lengthof(catalog_1_2_texts); j++)
				if (strcmp(catalog_1_2_texts[j].kind, catalog[i].kind) == 0 &&
					strcmp(catalog_1_2_texts[j].code, catalog[i].code) == 0)
					for (int l = 0; l < QX_NLANGS; l++)
						e->text[l] = catalog_1_2_texts[j].text[l];
		kind_of[n++] = set->nkinds - 1;
	}

	/* the user's rows: an override of a built-in code, or a code of their own */
	for (int r = 0; r < nrows; r++)
	{
		CustomRow  *row = &rows[r];
		QxLabelEntry *e = NULL;
		int			k;

		for (k = 0; k < set->nkinds; k++)
			if (strcmp(set->kinds[k].name, row->kind) == 0)
				break;
		if (k == set->nkinds)
			set->kinds[set->nkinds++].name = row->kind;
		for (int i = 0; i < n; i++)
			if (kind_of[i] == k && strcmp(work[i].code, row->code) == 0)
				e = &work[i];
		if (e == NULL)
		{
			e = &work[n];
			e->code = row->code;
			e->color = CUSTOM_GREY;
			e->builtin = -1;
			e->ordered = false;
			kind_of[n++] = k;
			set->kinds[k].n++;
		}
		if (row->rank > 0)
		{
			e->rank = row->rank;
			e->ordered = true;
		}
		if (row->color)
			e->color = row->color;
		e->custom = true;
		e->nuser = row->ntexts;
		e->user = row->texts;
	}

	/* entries kind by kind, each kind in its order; its languages */
	for (int k = 0; k < set->nkinds; k++)
	{
		QxLabelKind *kind = &set->kinds[k];
		int			cap = QX_NLANGS;

		kind->name_len = (int) strlen(kind->name);
		kind->first = set->nentries;
		for (int i = 0; i < n; i++)
			if (kind_of[i] == k)
			{
				work[i].code_len = (int) strlen(work[i].code);
				set->entries[set->nentries++] = work[i];
				cap += work[i].nuser;
			}
		qsort(set->entries + kind->first, kind->n, sizeof(QxLabelEntry), cmp_entry);

		kind->langs = palloc(sizeof(char *) * cap);
		for (int l = 0; l < QX_NLANGS; l++)
			kind->langs[kind->nlangs++] = lang_names[l];
		{
			int			nextra = 0;
			const char **extra = palloc(sizeof(char *) * cap);

			for (int i = kind->first; i < kind->first + kind->n; i++)
				for (int u = 0; u < set->entries[i].nuser; u++)
				{
					const char *lang = set->entries[i].user[u].lang;
					bool		known = false;

					for (int l = 0; l < QX_NLANGS; l++)
						known |= strcmp(lang, lang_names[l]) == 0;
					for (int x = 0; x < nextra && !known; x++)
						known = strcmp(lang, extra[x]) == 0;
					if (!known)
						extra[nextra++] = lang;
				}
			qsort(extra, nextra, sizeof(char *), cmp_str);
			for (int x = 0; x < nextra; x++)
				kind->langs[kind->nlangs++] = extra[x];
		}
	}
	pfree(work);
	pfree(kind_of);
	return set;
}

/* A string column of the user's table; NULL when NULL. */
static char *
row_string(HeapTuple tuple, TupleDesc desc, int attno)
{
	bool		isnull;
	Datum		d = heap_getattr(tuple, attno, desc, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/*
 * The labels object {"lang": "text", ...} of a user's row.  The table's
 * CHECK constraints admit only such objects; anything else is skipped,
 * never trusted.
 */
static void
row_texts(Jsonb *jb, CustomRow *row)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *key = NULL;
	int			cap;

	if (!JB_ROOT_IS_OBJECT(jb))
		return;
	cap = (int) JB_ROOT_COUNT(jb);
	row->texts = palloc0(sizeof(QxUserText) * Max(cap, 1));
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY && v.type == jbvString)
			key = pnstrdup(v.val.string.val, v.val.string.len);
		else if (tok == WJB_VALUE && key != NULL && v.type == jbvString &&
				 row->ntexts < cap)
		{
			row->texts[row->ntexts].lang = key;
			row->texts[row->ntexts].text = pnstrdup(v.val.string.val, v.val.string.len);
			row->ntexts++;
			key = NULL;
		}
		else if (tok == WJB_VALUE)
			key = NULL;
	}
}

/* The rows of quota_label_custom (none when the table is not there). */
static CustomRow *
read_custom_rows(Oid relid, int *nrows)
{
	Relation	rel;
	TupleDesc	desc;
	TableScanDesc scan;
	HeapTuple	tuple;
	Snapshot	snapshot;
	CustomRow  *rows;
	int			n = 0,
				cap = 16;

	*nrows = 0;
	if (!OidIsValid(relid))
		return NULL;
	rel = table_open(relid, AccessShareLock);
	desc = RelationGetDescr(rel);
	/* the columns as the install script made them; an altered table is refused */
	{
		static const Oid types[CUSTOM_NATTS] = {TEXTOID, TEXTOID, INT4OID, TEXTOID, JSONBOID};
		bool		ok = desc->natts == CUSTOM_NATTS;

		for (int i = 0; ok && i < CUSTOM_NATTS; i++)
			ok = !TupleDescAttr(desc, i)->attisdropped &&
				TupleDescAttr(desc, i)->atttypid == types[i];
		if (!ok)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("table %s is not as quota_ext made it", CUSTOM_TABLE),
					 errhint("Its columns must be kind text, code text, rank int, color text, labels jsonb.")));
	}
	/*
	 * The newest committed rows and this transaction's earlier commands, as
	 * a catalog is read; a parallel worker may not take a new snapshot.
	 */
	snapshot = RegisterSnapshot(IsInParallelMode() ? GetCatalogSnapshot(relid)
								: GetLatestSnapshot());
	rows = palloc(sizeof(CustomRow) * cap);
	scan = table_beginscan(rel, snapshot, 0, NULL);
	while ((tuple = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		CustomRow  *row;
		bool		isnull;
		Datum		d;

		if (n == cap)
		{
			cap *= 2;
			rows = repalloc(rows, sizeof(CustomRow) * cap);
		}
		row = &rows[n];
		memset(row, 0, sizeof(CustomRow));
		row->kind = row_string(tuple, desc, 1);
		row->code = row_string(tuple, desc, 2);
		if (row->kind == NULL || row->code == NULL)
			continue;			/* NOT NULL in the table; never trusted */
		d = heap_getattr(tuple, 3, desc, &isnull);
		row->rank = isnull ? 0 : Max(DatumGetInt32(d), 0);
		row->color = row_string(tuple, desc, 4);
		d = heap_getattr(tuple, 5, desc, &isnull);
		if (!isnull)
			row_texts(DatumGetJsonbP(d), row);
		n++;
	}
	table_endscan(scan);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);
	qsort(rows, n, sizeof(CustomRow), cmp_row);
	*nrows = n;
	return rows;
}

/* ---------- the three catalogs ---------- */

static QxLabelSet *set_1_2 = NULL;
static QxLabelSet *set_1_3 = NULL;
static QxLabelSet *set_custom = NULL;
static MemoryContext custom_cxt = NULL;
static Oid	custom_relid = InvalidOid;
static uint64 custom_invals = 0;	/* counts invalidations seen */
static uint64 custom_built_at = 0;	/* custom_invals when set_custom was read */
static bool callback_registered = false;

/*
 * A relcache invalidation of the user's table (or of every relation) makes
 * the merged catalog stale; before the table's OID is known, any one does,
 * so that the CREATE TABLE of an ALTER EXTENSION UPDATE is seen.  Nothing
 * is freed here; a replaced catalog lives until the end of the transaction.
 */
static void
custom_invalidate(Datum arg, Oid relid)
{
	if (!OidIsValid(relid) || !OidIsValid(custom_relid) || relid == custom_relid)
		custom_invals++;
}

static const QxLabelSet *
builtin_set(QxLabelSet **slot, bool texts_1_2)
{
	if (*slot == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		*slot = build_set(texts_1_2, NULL, 0);
		MemoryContextSwitchTo(old);
	}
	return *slot;
}

const QxLabelSet *
qx_labels(FunctionCallInfo fcinfo, QxLabelsVersion version)
{
	if (version == QX_LABELS_1_2)
		return builtin_set(&set_1_2, true);
	if (version == QX_LABELS_1_3_BUILTIN)
		return builtin_set(&set_1_3, false);

	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(custom_invalidate, (Datum) 0);
		callback_registered = true;
		custom_invals++;
	}
	/* read again until no invalidation arrived while reading */
	while (set_custom == NULL || custom_built_at != custom_invals)
	{
		uint64		seen = custom_invals;
		MemoryContext cxt;
		MemoryContext old;
		Oid			nsp;

		cxt = AllocSetContextCreate(CacheMemoryContext, "quota_ext labels",
									0, (Size) 1024, (Size) 8192 * 1024);
		old = MemoryContextSwitchTo(cxt);
		/* the table lives in the schema of the calling function, ours */
		nsp = fcinfo->flinfo ? get_func_namespace(fcinfo->flinfo->fn_oid) : InvalidOid;
		custom_relid = OidIsValid(nsp) ? get_relname_relid(CUSTOM_TABLE, nsp) : InvalidOid;
		PG_TRY();
		{
			int			nrows;
			CustomRow  *rows = read_custom_rows(custom_relid, &nrows);

			set_custom = NULL;
			set_custom = build_set(false, rows, nrows);
		}
		PG_CATCH();
		{
			MemoryContextSwitchTo(old);
			MemoryContextDelete(cxt);
			PG_RE_THROW();
		}
		PG_END_TRY();
		MemoryContextSwitchTo(old);
		/* a caller may still hold the old one: it goes with the transaction */
		if (custom_cxt)
			MemoryContextSetParent(custom_cxt, TopTransactionContext);
		custom_cxt = cxt;
		custom_built_at = seen;
	}
	return set_custom;
}

/* ---------- lookups ---------- */

int
qx_label_kind_find(const QxLabelSet *set, const text *kind)
{
	int			len = (int) VARSIZE_ANY_EXHDR(kind);
	const char *data = VARDATA_ANY(kind);

	for (int k = 0; k < set->nkinds; k++)
		if (set->kinds[k].name_len == len && memcmp(data, set->kinds[k].name, len) == 0)
			return k;
	return -1;
}

/* "kinetic, rfm, ..., temperature and deal_warning" */
char *
qx_label_kinds_list(const QxLabelSet *set)
{
	StringInfoData s;

	initStringInfo(&s);
	for (int k = 0; k < set->nkinds; k++)
		appendStringInfo(&s, "%s%s", k == 0 ? "" : k == set->nkinds - 1 ? " and " : ", ",
						 qx_str_brief(set->kinds[k].name));
	return s.data;
}

int
qx_label_kind(const QxLabelSet *set, const text *kind)
{
	int			k = qx_label_kind_find(set, kind);

	if (k < 0)
		qx_bad_arg(psprintf("The kinds are %s.", qx_label_kinds_list(set)),
				   "kind must be a kind of the label catalog, got \"%s\"",
				   brief(kind));
	return k;
}

const QxLabelEntry *
qx_label_entry(const QxLabelSet *set, int kind, const text *code)
{
	const QxLabelKind *k = &set->kinds[kind];
	int			len = (int) VARSIZE_ANY_EXHDR(code);
	const char *data = VARDATA_ANY(code);

	for (int i = k->first; i < k->first + k->n; i++)
		if (set->entries[i].code_len == len && memcmp(data, set->entries[i].code, len) == 0)
			return &set->entries[i];
	return NULL;
}

/* The label of an entry in language lang (any); NULL when it has none. */
static const char *
entry_text(const QxLabelEntry *e, const char *lang)
{
	for (int u = 0; u < e->nuser; u++)
		if (strcmp(e->user[u].lang, lang) == 0)
			return e->user[u].text;
	for (int l = 0; l < QX_NLANGS; l++)
		if (e->text[l] && strcmp(lang, lang_names[l]) == 0)
			return e->text[l];
	return NULL;
}

/*
 * What people read: the label in lang, else in English, else the code
 * itself (a user's code labelled only in other languages).
 */
static const char *
entry_label(const QxLabelEntry *e, const char *lang)
{
	const char *s = entry_text(e, lang);

	if (s == NULL)
		s = entry_text(e, "en");
	return s ? s : e->code;
}

/*
 * segment_direction's rule (SPEC §12 as amended by issue 19; doc/labels.md):
 * by rank, except that a code without a place in the order (rfm's Others,
 * a user's code without a rank, a code the catalog does not know) gives
 * NULL, and a move out of kinetic "new" is judged by where the customer
 * went: up to growing, returning or steady, down to fading or lost ("new"
 * is rank 1 as good news, not as a level the customer fell from).
 */
const char *
qx_segment_direction(const QxLabelSet *set, int kind, const text *from_code,
					 const text *to_code, bool rule_1_3)
{
	const QxLabelEntry *from = from_code ? qx_label_entry(set, kind, from_code) : NULL;
	const QxLabelEntry *to = to_code ? qx_label_entry(set, kind, to_code) : NULL;

	if (from == NULL || to == NULL || from->rank == 0 || to->rank == 0)
		return NULL;
	/* 1.0-1.2's SQL definitions keep the rank rule (doc/operations.md) */
	if (!rule_1_3)
		return to->rank < from->rank ? "up" : to->rank > from->rank ? "down" : "same";
	if (!from->ordered || !to->ordered)
		return NULL;
	if (from != to && from->kinetic_new && to->builtin >= 0)
		return to->kinetic_up ? "up" : "down";
	return to->rank < from->rank ? "up" : to->rank > from->rank ? "down" : "same";
}

/* ---------- SQL ---------- */

/* The rows of a catalog as TABLE(kind, code, rank, color, en, ru, bg [, custom]). */
static Datum
catalog_rows(FunctionCallInfo fcinfo, const QxLabelSet *set, bool with_custom)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	if (rsinfo->setDesc->natts != 4 + QX_NLANGS + (with_custom ? 1 : 0))
		elog(ERROR, "quota_ext: the label catalog's row type has %d columns", rsinfo->setDesc->natts);
	for (int k = 0; k < set->nkinds; k++)
	{
		const QxLabelKind *kind = &set->kinds[k];

		for (int i = kind->first; i < kind->first + kind->n; i++)
		{
			const QxLabelEntry *e = &set->entries[i];
			Datum		values[5 + QX_NLANGS] = {0};
			bool		nulls[5 + QX_NLANGS] = {0};

			values[0] = CStringGetTextDatum(kind->name);
			values[1] = CStringGetTextDatum(e->code);
			values[2] = Int32GetDatum(e->rank);
			nulls[2] = (e->rank == 0);
			values[3] = CStringGetTextDatum(e->color);
			for (int l = 0; l < QX_NLANGS; l++)
				values[4 + l] = CStringGetTextDatum(entry_label(e, lang_names[l]));
			values[4 + QX_NLANGS] = BoolGetDatum(e->custom);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(quota_label_catalog);
/* 1.2's quota_label_catalog(): the built-in catalog with 1.2's texts */
Datum
quota_label_catalog(PG_FUNCTION_ARGS)
{
	return catalog_rows(fcinfo, qx_labels(fcinfo, QX_LABELS_1_2), false);
}

PG_FUNCTION_INFO_V1(quota_label_catalog_1_3);
/* 1.3's quota_label_catalog(): the built-in catalog as this library ships it */
Datum
quota_label_catalog_1_3(PG_FUNCTION_ARGS)
{
	return catalog_rows(fcinfo, qx_labels(fcinfo, QX_LABELS_1_3_BUILTIN), false);
}

PG_FUNCTION_INFO_V1(quota_label_rows);
/* quota_label_rows(): the quota_labels view of 1.3, the user's rows merged */
Datum
quota_label_rows(PG_FUNCTION_ARGS)
{
	return catalog_rows(fcinfo, qx_labels(fcinfo, QX_LABELS_CURRENT), true);
}

PG_FUNCTION_INFO_V1(quota_label_text_rows);
/*
 * quota_label_text_rows() -> TABLE(kind, code, lang, label, custom): every
 * label of every code in every language it has, the quota_label_texts view.
 */
Datum
quota_label_text_rows(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const QxLabelSet *set = qx_labels(fcinfo, QX_LABELS_CURRENT);

	InitMaterializedSRF(fcinfo, 0);
	for (int k = 0; k < set->nkinds; k++)
	{
		const QxLabelKind *kind = &set->kinds[k];

		for (int i = kind->first; i < kind->first + kind->n; i++)
		{
			const QxLabelEntry *e = &set->entries[i];

			for (int l = 0; l < kind->nlangs; l++)
			{
				const char *s = entry_text(e, kind->langs[l]);
				Datum		values[5];
				bool		nulls[5] = {0};
				bool		user = false;

				if (s == NULL)
					continue;
				for (int u = 0; u < e->nuser; u++)
					user |= strcmp(e->user[u].lang, kind->langs[l]) == 0;
				values[0] = CStringGetTextDatum(kind->name);
				values[1] = CStringGetTextDatum(e->code);
				values[2] = CStringGetTextDatum(kind->langs[l]);
				values[3] = CStringGetTextDatum(s);
				values[4] = BoolGetDatum(user);
				tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			}
		}
	}
	return (Datum) 0;
}

/* The position of a language of a kind; 22023 when the kind has no such. */
static const char *
kind_lang(const QxLabelSet *set, int kind, const text *lang, bool builtin_only)
{
	const QxLabelKind *k = &set->kinds[kind];

	for (int l = 0; l < k->nlangs; l++)
		if (text_equals(lang, k->langs[l]))
			return k->langs[l];
	if (builtin_only)
		qx_bad_arg("The languages are en, ru and bg.",
				   "lang must be en, ru or bg, got \"%s\"", brief(lang));
	else
	{
		StringInfoData langs;

		initStringInfo(&langs);
		for (int l = 0; l < k->nlangs && l < 12; l++)
			appendStringInfo(&langs, "%s%s", l == 0 ? "" : l == k->nlangs - 1 ? " and " : ", ",
							 k->langs[l]);
		if (k->nlangs > 12)
			appendStringInfoString(&langs, ", ...");
		qx_bad_arg(psprintf("The languages of kind %s are %s; others come from rows of quota_label_custom.",
							qx_str_brief(k->name), langs.data),
				   "lang must be a language of kind \"%s\", got \"%s\"",
				   qx_str_brief(k->name), brief(lang));
	}
	return NULL;				/* keep compiler quiet */
}

static Datum
label_of(FunctionCallInfo fcinfo, QxLabelsVersion version)
{
	const QxLabelSet *set = qx_labels(fcinfo, version);
	text	   *code = PG_GETARG_TEXT_PP(1);
	int			kind = qx_label_kind(set, PG_GETARG_TEXT_PP(0));
	const char *lang = kind_lang(set, kind, PG_GETARG_TEXT_PP(2), version == QX_LABELS_1_2);
	const QxLabelEntry *e = qx_label_entry(set, kind, code);

	if (e == NULL)
		PG_RETURN_TEXT_P(code);
	PG_RETURN_TEXT_P(cstring_to_text(entry_label(e, lang)));
}

PG_FUNCTION_INFO_V1(quota_label);
/*
 * quota_label(kind, code, lang DEFAULT 'en') -> text: what people read; a
 * code the catalog does not know comes back as it is.  1.2's: built-in.
 */
Datum
quota_label(PG_FUNCTION_ARGS)
{
	return label_of(fcinfo, QX_LABELS_1_2);
}

PG_FUNCTION_INFO_V1(quota_label_1_3);
/* 1.3's: the user's rows first, any language the kind has */
Datum
quota_label_1_3(PG_FUNCTION_ARGS)
{
	return label_of(fcinfo, QX_LABELS_CURRENT);
}

static Datum
rank_of(FunctionCallInfo fcinfo, QxLabelsVersion version)
{
	const QxLabelSet *set = qx_labels(fcinfo, version);
	int			kind = qx_label_kind(set, PG_GETARG_TEXT_PP(0));
	const QxLabelEntry *e = qx_label_entry(set, kind, PG_GETARG_TEXT_PP(1));

	if (e == NULL || e->rank == 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32(e->rank);
}

PG_FUNCTION_INFO_V1(quota_label_rank);
/* quota_label_rank(kind, code) -> int: 1 the best news; NULL for an unknown code */
Datum
quota_label_rank(PG_FUNCTION_ARGS)
{
	return rank_of(fcinfo, QX_LABELS_1_2);
}

PG_FUNCTION_INFO_V1(quota_label_rank_1_3);
/* 1.3's: the user's ranks; NULL also for a user's code without one */
Datum
quota_label_rank_1_3(PG_FUNCTION_ARGS)
{
	return rank_of(fcinfo, QX_LABELS_CURRENT);
}

static Datum direction_of(FunctionCallInfo fcinfo, bool rule_1_3);

PG_FUNCTION_INFO_V1(segment_direction);
/* 1.2's segment_direction: by rank alone, built-in catalog */
Datum
segment_direction(PG_FUNCTION_ARGS)
{
	return direction_of(fcinfo, false);
}

PG_FUNCTION_INFO_V1(segment_direction_1_3);
/*
 * 1.3's: Others has no place, a move out of new judged by where it went,
 * the user's codes and ranks
 */
Datum
segment_direction_1_3(PG_FUNCTION_ARGS)
{
	return direction_of(fcinfo, true);
}

/*
 * segment_direction(kind, from_code, to_code) -> 'up', 'down', 'same' or
 * NULL.  Not STRICT so that a misspelt kind fails on every row, not only on
 * rows whose codes are both set; a NULL kind or code gives NULL.
 */
static Datum
direction_of(FunctionCallInfo fcinfo, bool rule_1_3)
{
	const QxLabelSet *set;
	int			kind;
	const char *dir;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	set = qx_labels(fcinfo, rule_1_3 ? QX_LABELS_CURRENT : QX_LABELS_1_2);
	kind = qx_label_kind(set, PG_GETARG_TEXT_PP(0));
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	dir = qx_segment_direction(set, kind, PG_GETARG_TEXT_PP(1), PG_GETARG_TEXT_PP(2), rule_1_3);
	if (dir == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(dir));
}

PG_FUNCTION_INFO_V1(quota_label_custom_changed);
/*
 * AFTER ... FOR EACH STATEMENT trigger on quota_label_custom: every
 * backend reads the user's rows again (this one after the command, the
 * others after the commit), as after a change of a system catalog.
 */
Datum
quota_label_custom_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("quota_label_custom_changed: not called as a trigger")));
	CacheInvalidateRelcache(trigdata->tg_relation);
	return PointerGetDatum(NULL);
}
