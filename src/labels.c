/*
 * labels.c
 *		The label catalog (README "Labels"): for every code a function returns
 *		from a fixed set, its rank, a chart colour and what people read in
 *		English, Russian and Bulgarian.  quota_label_catalog() feeds the
 *		quota_labels view; quota_label(), quota_label_rank() and
 *		segment_direction() look codes up in it.
 *
 * Codes never change between versions; labels and colours may.  Within a
 * kind the entries are in rank order, rank 1 the best news, so a rank is a
 * position and has no gap by construction.
 *
 * Colours: the n-class ColorBrewer RdYlBu scheme for a kind of n codes
 * (Brewer, colorbrewer2.org; marked colour-blind safe for every n), read
 * from blue (rank 1, best news) to red (last rank, worst), so the same hue
 * means the same thing in every kind; rfm's "Others" is the neutral grey
 * #999999 outside the scale.  deal_warning, whose codes are all problems,
 * is the one exception (see its block).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

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

	/* heat matrix (heat_zone); RdYlBu 3 */
	{"heat", "green", "#91bfdb", {"Green: spare potential", "Зелёная зона: запас", "Зелена зона: резерв"}},
	{"heat", "amber", "#ffffbf", {"Amber: on plan", "Жёлтая зона: по плану", "Жълта зона: по план"}},
	{"heat", "red", "#fc8d59", {"Red: missed chance", "Красная зона: упущенный шанс", "Червена зона: пропусната възможност"}},

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

int
qx_label_kind_find(const text *kind)
{
	for (int i = 0; i < (int) NLABELS; i++)
		if (text_equals(kind, catalog[i].kind))
			return i;
	return -1;
}

int
qx_label_kind(const text *kind)
{
	int			first = qx_label_kind_find(kind);

	if (first < 0)
		qx_bad_arg("The kinds are kinetic, rfm, heat, abc, xyz, lead_class, priority, lead_trend, temperature and deal_warning.",
				   "kind must be a kind of the label catalog, got \"%s\"",
				   brief(kind));
	return first;
}

int
qx_label_rank(int kind, const text *code)
{
	for (int i = kind; i < (int) NLABELS && strcmp(catalog[i].kind, catalog[kind].kind) == 0; i++)
		if (text_equals(code, catalog[i].code))
			return i - kind + 1;
	return 0;
}

PG_FUNCTION_INFO_V1(quota_label_catalog);
/*
 * quota_label_catalog() -> TABLE(kind, code, rank, color, en, ru, bg), the
 * rows of the quota_labels view, kinds in catalog order, codes in rank order.
 */
Datum
quota_label_catalog(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext oldcontext;
		TupleDesc	tupdesc;

		funcctx = SRF_FIRSTCALL_INIT();
		oldcontext = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "quota_label_catalog: return type must be a row type");
		funcctx->tuple_desc = BlessTupleDesc(tupdesc);
		funcctx->max_calls = NLABELS;
		MemoryContextSwitchTo(oldcontext);
	}

	funcctx = SRF_PERCALL_SETUP();
	if (funcctx->call_cntr < funcctx->max_calls)
	{
		int			i = (int) funcctx->call_cntr;
		const QxLabel *l = &catalog[i];
		int			kind = i;
		Datum		values[4 + QX_NLANGS];
		bool		nulls[4 + QX_NLANGS] = {0};

		while (kind > 0 && strcmp(catalog[kind - 1].kind, l->kind) == 0)
			kind--;
		values[0] = CStringGetTextDatum(l->kind);
		values[1] = CStringGetTextDatum(l->code);
		values[2] = Int32GetDatum(i - kind + 1);
		values[3] = CStringGetTextDatum(l->color);
		for (int lang = 0; lang < QX_NLANGS; lang++)
			values[4 + lang] = CStringGetTextDatum(l->text[lang]);
		SRF_RETURN_NEXT(funcctx,
						HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}

/* The position of a language in the catalog's texts; 22023 when unknown. */
static int
lang_index(const text *lang)
{
	for (int l = 0; l < QX_NLANGS; l++)
		if (text_equals(lang, lang_names[l]))
			return l;
	qx_bad_arg("The languages are en, ru and bg.",
			   "lang must be en, ru or bg, got \"%s\"", brief(lang));
	return 0;					/* keep compiler quiet */
}

PG_FUNCTION_INFO_V1(quota_label);
/*
 * quota_label(kind, code, lang DEFAULT 'en') -> text: what people read; a
 * code the catalog does not know (a custom RFM map's segment) comes back
 * as it is.
 */
Datum
quota_label(PG_FUNCTION_ARGS)
{
	text	   *kind = PG_GETARG_TEXT_PP(0);
	text	   *code = PG_GETARG_TEXT_PP(1);
	text	   *lang = PG_GETARG_TEXT_PP(2);
	int			first = qx_label_kind(kind);
	int			l = lang_index(lang);
	int			rank;

	rank = qx_label_rank(first, code);
	if (rank == 0)
		PG_RETURN_TEXT_P(code);
	PG_RETURN_TEXT_P(cstring_to_text(catalog[first + rank - 1].text[l]));
}

PG_FUNCTION_INFO_V1(quota_label_rank);
/* quota_label_rank(kind, code) -> int: 1 the best news; NULL for an unknown code */
Datum
quota_label_rank(PG_FUNCTION_ARGS)
{
	int			rank = qx_label_rank(qx_label_kind(PG_GETARG_TEXT_PP(0)),
									 PG_GETARG_TEXT_PP(1));

	if (rank == 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32(rank);
}

/*
 * segment_direction's rule (SPEC §12 as amended by issue 19; doc/labels.md):
 * by rank, except that a code without a place in the order (rfm's Others,
 * or a code the catalog does not know) gives NULL, and a move
 * out of kinetic "new" is judged by where the customer went: up to growing,
 * returning or steady, down to fading or lost ("new" is rank 1 as good
 * news, not as a level the customer fell from).
 */
const char *
qx_segment_direction(int kind, const text *from_code, const text *to_code, bool rule_1_3)
{
	int			from = from_code ? qx_label_rank(kind, from_code) : 0;
	int			to = to_code ? qx_label_rank(kind, to_code) : 0;

	if (from == 0 || to == 0)
		return NULL;
	/* 1.0-1.2's SQL definitions keep the rank rule (doc/operations.md) */
	if (!rule_1_3)
		return to < from ? "up" : to > from ? "down" : "same";
	if (strcmp(catalog[kind].kind, "rfm") == 0 &&
		(text_equals(from_code, "Others") || text_equals(to_code, "Others")))
		return NULL;
	if (from != to && strcmp(catalog[kind].kind, "kinetic") == 0 &&
		strcmp(catalog[kind + from - 1].code, "new") == 0)
	{
		const char *c = catalog[kind + to - 1].code;

		if (strcmp(c, "growing") == 0 || strcmp(c, "returning") == 0 || strcmp(c, "steady") == 0)
			return "up";
		return "down";
	}
	return to < from ? "up" : to > from ? "down" : "same";
}

static Datum direction_of(FunctionCallInfo fcinfo, bool rule_1_3);

PG_FUNCTION_INFO_V1(segment_direction);
/* 1.2's segment_direction: by rank alone */
Datum
segment_direction(PG_FUNCTION_ARGS)
{
	return direction_of(fcinfo, false);
}

PG_FUNCTION_INFO_V1(segment_direction_1_3);
/* 1.3's: Others has no place, a move out of new judged by where it went */
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
	int			kind;
	const char *dir;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	kind = qx_label_kind(PG_GETARG_TEXT_PP(0));
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	dir = qx_segment_direction(kind, PG_GETARG_TEXT_PP(1), PG_GETARG_TEXT_PP(2), rule_1_3);
	if (dir == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(dir));
}
