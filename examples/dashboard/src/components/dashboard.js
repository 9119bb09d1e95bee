// The dashboard's sections: tables of figures (plain DOM) and charts drawn
// with Observable Plot (pinned in package.json, bundled from node_modules by
// `observable build`, so the built site loads nothing from the network).
// Every figure the test compares with SQL carries data-check="key"; chart
// marks that carry a value or a colour get it after Plot has drawn them
// (tag()).  Colours come from the label catalog (quota_labels), never from
// here; the words for them in the notes name what is shown.
import * as Plot from "@observablehq/plot";

const TEXT = {
  en: {
    locale: "en-US",
    title: "Sales dashboard",
    sub: (d) => [`Q3 2026 (${d.quarter.start} – ${d.quarter.end}), as of `, d.asOf, "; customer base as of ", d.segAsOf],
    others: [["Русский", "ru"], ["Български", "bg"]],
    filterRep: "Rep", allReps: "Whole team", filterPeriod: "Week ending",
    team: "The team", teamNote: (day) => `Quota, closed revenue and the chance to make the quota as of ${day}.`,
    teamQuota: "Team quota", teamClosed: "Closed", teamAttain: "Attainment", teamChance: "Chance to make quota",
    trend: "Week by week", trendNote: "Attainment and the chance to make the quota at every week-end of the quarter " +
      "so far (the open deals as they stand today). Thick line: the team or the chosen rep; thin grey lines: the other reps.",
    quota: "Quota attainment per rep",
    quotaNote: "Bar: revenue so far, in the rep's heat colour (light blue: ahead of plan, pale yellow: on plan, " +
      "orange: behind). Black tick: where the rep should be today. Dots: the quarter's six ledges — dark blue when " +
      "met on their due date, red when missed, white still to come.",
    rep: "Rep", quotaCol: "Quota", actual: "Revenue", attain: "Attainment", pace: "Pace",
    forecast: "Forecast", onTrack: "On track", yes: "yes", no: "no",
    outlook: "Will we make the quarter?",
    outlookNote: "Closed revenue plus the open deals, each with its close probability " +
      "(pipeline_forecast, target = quota − closed). Commit: closed + what the pipeline brings with 90 % certainty " +
      "(P10); best case: closed + P90; the run-rate forecast carries today's pace to the quarter's end. " +
      "Chart: closed (grey bar), commit to best case (coloured band), quota (black tick), run rate (black triangle). " +
      "Light blue: the commit covers the quota; pale yellow: the pipeline decides; orange: even the best case falls short.",
    closed: "Closed", weighted: "Weighted pipeline", commit: "Commit", best: "Best case",
    runRate: "Run-rate forecast", chance: "Chance to make quota",
    pipeline: "Pipeline coverage and heat",
    pipelineNote: "Open pipeline against what is left of the quota; heat: revenue against the expected to date.",
    open: "Open pipeline", remaining: "Left to close", coverage: "Coverage", heat: "Heat", done: "quota met",
    reanimation: "Deals in reanimation mode",
    reanimationNote: "Lift index (agreement ÷ open objections) below 0.4, largest first.",
    deal: "Deal", amount: "Amount", agreement: "Agreement", objections: "Objections",
    lift: "Lift index", close: "Close probability",
    rfm: "RFM segments", rfmNote: "From the best news to the worst, as the label catalog ranks them.",
    segment: "Segment", customers: "Customers", revenue: "Revenue",
    heatTitle: "Heat matrix: kinetic segment × ABC class",
    heatNote: "Customers (bold), and revenue of the last 90 days over that of the 90 before (lost customers: the 90 days up to their last " +
      "order). Orange: missed chances; pale yellow: as before; light blue: spare potential.",
    funnel: "Funnel of the quarter's deals",
    funnelNote: "Deals created since the quarter began (stage_funnel): conversion leaves the open deals out; days: " +
      "median time in the stage (80 % within the second figure). Per rep: conversion, darker blue the better, " +
      "and days in the stage, darker blue the longer.",
    stage: "Stage", entered: "Entered", advanced: "Advanced", won: "Won", lost: "Lost", openDeals: "Open",
    conversion: "Conversion", days: "Days (median / 80 %)", daysMedian: "Days in stage (median)",
    stages: {qualified: "Qualified", meeting: "Meeting", proposal: "Proposal", negotiation: "Negotiation"},
    margin: "Discounts and margin", marginNote: "Open deals (price_realization): what is left of list price, the " +
      "discount of the median and of the 90th-percentile deal, deals discounted over 25 %, and pocket margin. " +
      "Chart: the discount from the median to the 90th-percentile deal; the red line is the 25 % floor.",
    realization: "Realization", p50: "Discount, median", p90: "Discount, 90th pct", overFloor: "Over 25 %",
    pocket: "Pocket margin",
    leadLoad: "Lead load", leadNote: "Leads of the quarter so far against the quarter before to the same day " +
      "(lead_load, first touch within a day). The alarm is a rep who gets more leads and earns less on each: " +
      "chart, revenue per lead before (grey) and now (in the trend's colour: dark blue growing, light blue steady, " +
      "orange shrinking, red scattered).",
    leadsNow: "Leads", leadsBefore: "before", inSla: "Touched in a day", perLead: "Revenue per lead", trendCol: "Trend",
    calib: "Can we trust the close probabilities?",
    calibNote: "Closed deals of the last two years (win_calibration): the close probability the deals had against " +
      "how many were won, in bins of 10 points (red dots, larger for more deals). On the dashed diagonal the probabilities would be right; dots below " +
      "it mean we promised more than we won. Blue line: the isotonic map fitted on the same deals (what a stated " +
      "probability turns out to be worth).",
    rhythm: (p) => `Last quarter's shape (${p.start} – ${p.end})`,
    rhythmNote: "How each rep booked the last quarter (booking_rhythm): the share in its first, second and last " +
      "third (light blue, pale yellow, orange), in the last five working days, and how lumpy the weeks were (weekly " +
      "Gini, 0 even, 1 all in one week). A hockey stick: more than 60 % in the last third or 30 % in the last five days.",
    booked: "Booked", third: ["1st third", "2nd third", "Last third"], last5: "Last 5 days", gini: "Weekly Gini",
    shape: "Shape", shapes: {hockey: "hockey stick", lumpy: "lumpy", steady: "steady"},
    morning: "This morning: deals that need attention",
    morningNote: "The deal diary (deal_warnings as of today): how many open deals carry each warning, most urgent " +
      "first (darker red the more urgent), and each rep's three deals most in need, by their most urgent warning.",
    warning: "Warning", warnings: "Warnings", dealsCol: "Deals",
    calDeals: "Closed deals", calBrier: "Brier score", calEce: "Calibration error (ECE)", calBin: "Probability",
    calPredicted: "Promised", calWon: "Won",
    repPage: "Rep's page", back: "Dashboard"
  },
  ru: {
    locale: "ru-RU",
    title: "Панель продаж",
    sub: (d) => [`III квартал 2026 (${d.quarter.start} – ${d.quarter.end}), на `, d.asOf, "; клиентская база на ", d.segAsOf],
    others: [["English", "index"], ["Български", "bg"]],
    filterRep: "Менеджер", allReps: "Весь отдел", filterPeriod: "Неделя по",
    team: "Отдел целиком", teamNote: (day) => `Квота, закрытая выручка и шанс выполнить план на ${day}.`,
    teamQuota: "Квота отдела", teamClosed: "Закрыто", teamAttain: "Выполнение", teamChance: "Шанс выполнить план",
    trend: "По неделям", trendNote: "Выполнение и шанс выполнить план на конец каждой недели квартала " +
      "(открытые сделки — как сейчас). Толстая линия: отдел или выбранный менеджер; тонкие серые — остальные.",
    quota: "Выполнение квоты по менеджерам",
    quotaNote: "Полоса: выручка с начала квартала, цветом зоны (голубая: опережает план, бледно-жёлтая: по плану, " +
      "оранжевая: отстаёт). Чёрная черта: где менеджер должен быть сегодня. Точки: шесть уступов квартала — " +
      "тёмно-синие взяты в срок, красные не взяты, белые ещё впереди.",
    rep: "Менеджер", quotaCol: "Квота", actual: "Выручка", attain: "Выполнение", pace: "Темп",
    forecast: "Прогноз", onTrack: "Успевает", yes: "да", no: "нет",
    outlook: "Закроем ли квартал?",
    outlookNote: "Закрытая выручка плюс открытые сделки, каждая со своей вероятностью закрытия " +
      "(pipeline_forecast, цель = квота − закрыто). Коммит: закрыто + то, что воронка принесёт с уверенностью 90 % " +
      "(P10); лучший сценарий: закрыто + P90; прогноз по темпу продлевает нынешний темп до конца квартала. " +
      "График: закрыто (серая полоса), от коммита до лучшего сценария (цветная полоса), квота (чёрная черта), " +
      "темп (чёрный треугольник). Голубое: коммит покрывает квоту; бледно-жёлтое: всё решит воронка; " +
      "оранжевое: не хватает даже в лучшем сценарии.",
    closed: "Закрыто", weighted: "Взвешенная воронка", commit: "Коммит", best: "Лучший сценарий",
    runRate: "Прогноз по темпу", chance: "Шанс выполнить план",
    pipeline: "Покрытие квоты воронкой и тепловая зона",
    pipelineNote: "Открытая воронка против остатка квоты; зона: выручка против плана на дату.",
    open: "Открытая воронка", remaining: "Осталось закрыть", coverage: "Покрытие", heat: "Зона", done: "квота выполнена",
    reanimation: "Сделки в режиме реанимации",
    reanimationNote: "Индекс лифтового троса (согласие ÷ открытые возражения) ниже 0,4, крупные сначала.",
    deal: "Сделка", amount: "Сумма", agreement: "Согласие", objections: "Возражения",
    lift: "Индекс троса", close: "Вероятность закрытия",
    rfm: "RFM-сегменты", rfmNote: "От лучших новостей к худшим, в порядке каталога меток.",
    segment: "Сегмент", customers: "Клиенты", revenue: "Выручка",
    heatTitle: "Тепловая матрица: кинетический сегмент × класс ABC",
    heatNote: "Клиенты (жирным), под ними выручка последних 90 дней и 90 дней до них (ушедшие — 90 дней до последнего заказа). " +
      "Оранжевое: упущенные шансы; бледно-жёлтое: как раньше; голубое: запас потенциала.",
    funnel: "Воронка сделок квартала",
    funnelNote: "Сделки, заведённые с начала квартала (stage_funnel): конверсия без учёта ещё открытых; дни — " +
      "медиана времени на этапе (80 % укладываются во вторую цифру). По менеджерам: конверсия, чем синее, тем лучше, " +
      "и дни на этапе, чем синее, тем дольше.",
    stage: "Этап", entered: "Дошли", advanced: "Прошли дальше", won: "Выиграны", lost: "Проиграны", openDeals: "В работе",
    conversion: "Конверсия", days: "Дней (медиана / 80 %)", daysMedian: "Дней на этапе (медиана)",
    stages: {qualified: "Квалификация", meeting: "Встреча", proposal: "КП", negotiation: "Переговоры"},
    margin: "Скидки и маржа", marginNote: "Открытые сделки (price_realization): сколько остаётся от прайса, скидка " +
      "типичной сделки и сделки из верхних 10 %, сделки со скидкой больше 25 % и чистая маржа. График: скидка от " +
      "медианы до 90-го процентиля; красная черта — порог 25 %.",
    realization: "От прайса", p50: "Скидка, медиана", p90: "Скидка, 90-й проц.", overFloor: "Больше 25 %",
    pocket: "Чистая маржа",
    leadLoad: "Нагрузка лидами", leadNote: "Лиды квартала против прошлого квартала на тот же день (lead_load, " +
      "первый контакт в течение дня). Тревога — менеджер, у которого лидов больше, а денег с каждого меньше: " +
      "на графике выручка на лид раньше (серая) и сейчас (цветом тренда: тёмно-синяя — рост, голубая — ровно, " +
      "оранжевая — спад, красная — распыляемся).",
    leadsNow: "Лиды", leadsBefore: "раньше", inSla: "Обработаны за день", perLead: "Выручка на лид", trendCol: "Тренд",
    calib: "Можно ли верить вероятностям закрытия?",
    calibNote: "Закрытые сделки за два года (win_calibration): какую вероятность закрытия им давали и сколько " +
      "выиграли на деле, по корзинам в 10 пунктов (красные точки, чем больше сделок, тем крупнее). На пунктирной диагонали вероятности честные; точки под ней — " +
      "обещали больше, чем взяли. Синяя линия: изотоническая поправка, подобранная на тех же сделках (чего на деле " +
      "стоит названная вероятность).",
    rhythm: (p) => `Как прошёл прошлый квартал (${p.start} – ${p.end})`,
    rhythmNote: "Как каждый менеджер закрывал прошлый квартал (booking_rhythm): доля в первой, второй и последней " +
      "трети (голубая, бледно-жёлтая, оранжевая), в последние пять рабочих дней и насколько рваными были недели " +
      "(недельный Джини: 0 — ровно, 1 — всё в одну неделю). Клюшка: больше 60 % в последней трети или 30 % " +
      "в последние пять дней.",
    booked: "Закрыто", third: ["1-я треть", "2-я треть", "Последняя"], last5: "Последние 5 дней", gini: "Джини по неделям",
    shape: "Ритм", shapes: {hockey: "клюшка", lumpy: "рывками", steady: "ровно"},
    morning: "С утра: сделки, которым нужно внимание",
    morningNote: "Дневник сделок (deal_warnings на сегодня): сколько открытых сделок с каждым сигналом, самые " +
      "срочные сначала (чем срочнее, тем темнее красный), и у каждого менеджера три сделки, которым хуже всего.",
    warning: "Сигнал", warnings: "Сигналы", dealsCol: "Сделки",
    calDeals: "Закрытых сделок", calBrier: "Оценка Брайера", calEce: "Ошибка калибровки (ECE)", calBin: "Вероятность",
    calPredicted: "Обещали", calWon: "Выиграли",
    repPage: "Страница менеджера", back: "Панель"
  },
  bg: {
    locale: "bg-BG",
    title: "Табло на продажбите",
    sub: (d) => [`Трето тримесечие на 2026 (${d.quarter.start} – ${d.quarter.end}), към `, d.asOf, "; клиентска база към ", d.segAsOf],
    others: [["English", "index"], ["Русский", "ru"]],
    filterRep: "Търговец", allReps: "Целият екип", filterPeriod: "Седмица до",
    team: "Екипът", teamNote: (day) => `Таргет, затворен оборот и шанс да изпълним таргета към ${day}.`,
    teamQuota: "Таргет на екипа", teamClosed: "Затворено", teamAttain: "Изпълнение", teamChance: "Шанс за таргета",
    trend: "Седмица по седмица", trendNote: "Изпълнение и шанс за таргета в края на всяка седмица от тримесечието " +
      "(отворените сделки — както са днес). Дебелата линия: екипът или избраният търговец; тънките сиви — останалите.",
    quota: "Изпълнение на таргета по търговци",
    quotaNote: "Лента: оборотът досега, в цвета на зоната (светлосиня: изпреварва плана, бледожълта: по план, " +
      "оранжева: изостава). Черната чертичка: докъде трябва да е стигнал днес. Точките: шестте стъпала на " +
      "тримесечието — тъмносини, ако са взети навреме, червени, ако не са, бели, ако предстоят.",
    rep: "Търговец", quotaCol: "Таргет", actual: "Оборот", attain: "Изпълнение", pace: "Темпо",
    forecast: "Прогноза", onTrack: "В график", yes: "да", no: "не",
    outlook: "Ще изкараме ли тримесечието?",
    outlookNote: "Затвореното плюс отворените сделки, всяка със своя шанс да се затвори (pipeline_forecast, цел = " +
      "таргет − затворено). Сигурно: затвореното + каквото фунията носи с 90 % сигурност (P10); в най-добрия случай: " +
      "затвореното + P90; прогнозата по темпо продължава днешното темпо до края на тримесечието. Графиката: " +
      "затворено (сива лента), от сигурното до най-добрия случай (цветна лента), таргет (черна чертичка), темпо " +
      "(черен триъгълник). Светлосиньо: сигурното покрива таргета; бледожълто: фунията решава; оранжево: не стига " +
      "дори в най-добрия случай.",
    closed: "Затворено", weighted: "Претеглена фуния", commit: "Сигурно", best: "Най-добър случай",
    runRate: "Прогноза по темпо", chance: "Шанс за таргета",
    pipeline: "Покритие от фунията и топлинна зона",
    pipelineNote: "Отворената фуния срещу остатъка от таргета; зона: оборотът срещу плана към днес.",
    open: "Отворена фуния", remaining: "Остава да затворим", coverage: "Покритие", heat: "Зона", done: "таргетът е изпълнен",
    reanimation: "Сделки за съживяване",
    reanimationNote: "Индекс на лифта (съгласие ÷ отворени възражения) под 0,4, първо най-големите.",
    deal: "Сделка", amount: "Сума", agreement: "Съгласие", objections: "Възражения",
    lift: "Индекс на лифта", close: "Шанс да се затвори",
    rfm: "RFM сегменти", rfmNote: "От най-добрите новини към най-лошите, по реда на каталога с етикети.",
    segment: "Сегмент", customers: "Клиенти", revenue: "Оборот",
    heatTitle: "Топлинна карта: кинетичен сегмент × ABC клас",
    heatNote: "Клиенти (удебелено), под тях оборотът за последните 90 дни и за 90-те преди тях (загубените — 90-те дни до последната " +
      "поръчка). Оранжево: изпуснати възможности; бледожълто: както преди; светлосиньо: резерв.",
    funnel: "Фунията на сделките от тримесечието",
    funnelNote: "Сделките, отворени от началото на тримесечието (stage_funnel): конверсията не брои още отворените; " +
      "дни — медианата на времето в етапа (80 % се вместват във втората цифра). По търговци: конверсия, колкото " +
      "по-синьо, толкова по-добре, и дните в етапа, колкото по-синьо, толкова по-дълго.",
    stage: "Етап", entered: "Стигнали", advanced: "Минали нататък", won: "Спечелени", lost: "Загубени", openDeals: "В работа",
    conversion: "Конверсия", days: "Дни (медиана / 80 %)", daysMedian: "Дни в етапа (медиана)",
    stages: {qualified: "Квалифициране", meeting: "Среща", proposal: "Оферта", negotiation: "Преговори"},
    margin: "Отстъпки и марж", marginNote: "Отворените сделки (price_realization): колко остава от цената по листа, " +
      "отстъпката на типичната сделка и на сделката от горните 10 %, сделки с отстъпка над 25 % и чистият марж. " +
      "Графиката: отстъпката от медианата до 90-ия процентил; червената линия е прагът от 25 %.",
    realization: "От листовата цена", p50: "Отстъпка, медиана", p90: "Отстъпка, 90-и пц.", overFloor: "Над 25 %",
    pocket: "Чист марж",
    leadLoad: "Натоварване с лийдове", leadNote: "Лийдовете от тримесечието досега срещу предното тримесечие до " +
      "същия ден (lead_load, първи контакт до един ден). Тревога е търговец с повече лийдове и по-малко пари от " +
      "всеки: на графиката оборотът на лийд преди (сиво) и сега (в цвета на тренда: тъмносиньо — растеж, " +
      "светлосиньо — стабилно, оранжево — спад, червено — разпиляваме се).",
    leadsNow: "Лийдове", leadsBefore: "преди", inSla: "Обработени до ден", perLead: "Оборот на лийд", trendCol: "Тренд",
    calib: "Можем ли да вярваме на шансовете за затваряне?",
    calibNote: "Затворените сделки от последните две години (win_calibration): какъв шанс им давахме и колко " +
      "спечелихме наистина, на кошници по 10 пункта (червените точки, по-големи при повече сделки). По пунктирания диагонал шансовете са точни; точките под него " +
      "значат, че сме обещавали повече, отколкото сме взели. Синята линия: изотоничната корекция, напасната на " +
      "същите сделки (колко реално струва даденият шанс).",
    rhythm: (p) => `Как мина миналото тримесечие (${p.start} – ${p.end})`,
    rhythmNote: "Как всеки търговец е затварял миналото тримесечие (booking_rhythm): делът в първата, втората и " +
      "последната третина (светлосиньо, бледожълто, оранжево), в последните пет работни дни и колко на пресекулки " +
      "са били седмиците (седмичен Джини: 0 — равномерно, 1 — всичко в една седмица). Хокейен стик: над 60 % в " +
      "последната третина или над 30 % в последните пет дни.",
    booked: "Затворено", third: ["1-ва третина", "2-ра третина", "Последна"], last5: "Последни 5 дни", gini: "Седмичен Джини",
    shape: "Ритъм", shapes: {hockey: "хокейен стик", lumpy: "на пресекулки", steady: "равномерно"},
    morning: "Тази сутрин: сделки, които искат внимание",
    morningNote: "Дневникът на сделките (deal_warnings към днес): колко отворени сделки имат всеки сигнал, първо " +
      "най-спешните (колкото по-спешно, толкова по-тъмночервено), и при всеки търговец трите сделки в най-лошо състояние.",
    warning: "Сигнал", warnings: "Сигнали", dealsCol: "Сделки",
    calDeals: "Затворени сделки", calBrier: "Брайър скор", calEce: "Грешка на калибрирането (ECE)", calBin: "Шанс",
    calPredicted: "Обещано", calWon: "Спечелено",
    repPage: "Страница на търговеца", back: "Табло"
  }
};
export const text = (lang) => TEXT[lang];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null) continue;
    if (k === "style") Object.assign(node.style, v);
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) node.append(c instanceof Node ? c : document.createTextNode(String(c ?? "")));
  return node;
}

function formats(lang) {
  const loc = TEXT[lang].locale;
  const money = new Intl.NumberFormat(loc, {maximumFractionDigits: 0});
  const dec = (n) => new Intl.NumberFormat(loc, {minimumFractionDigits: n, maximumFractionDigits: n});
  return {
    money: (v) => money.format(v),
    pct: (v) => dec(1).format(v * 100) + " %",
    pct0: (v) => dec(0).format(v * 100) + " %",
    dec1: (v) => dec(1).format(v),
    dec2: (v) => dec(2).format(v),
    dec3: (v) => dec(3).format(v)
  };
}

// A number the test reads back: the shown text, keyed.
const num = (key, text, attrs = {}) => el("span", {"data-check": key, ...attrs}, text);
const card = (title, note, ...body) => el("section", {class: "qx-card"}, el("h2", {}, title), el("p", {class: "qx-note"}, note), ...body);
// tables scroll inside their card on a narrow screen; the page never does
const table = (heads, rows, cls = "") => el("div", {class: "qx-scroll"},
  el("table", {class: `qx-table ${cls}`},
    // a header is right-aligned over a column of numbers (its first cell's class)
    el("thead", {}, el("tr", {}, heads.map((h, i) => el("th", {class: rows[0]?.children[i]?.classList.contains("n") ? "n" : null}, h)))),
    el("tbody", {}, rows)));
const td = (...c) => el("td", {class: "n"}, ...c);

// After Plot has drawn: the i-th element of the mark with class cls gets
// the i-th item's data-check key and, when given, data-value / data-color.
function tag(svg, cls, items) {
  const nodes = svg.querySelectorAll(`g.${cls} > :is(rect, circle, path, text, line)`);
  items.forEach((it, i) => {
    const n = nodes[i];
    if (!n) return;
    n.setAttribute("data-check", it.key);
    if (it.value !== undefined) n.setAttribute("data-value", it.value);
    if (it.color !== undefined) n.setAttribute("data-color", it.color);
  });
  return svg;
}
const chartBox = (svg) => el("div", {class: "qx-chart"}, svg);
const plotBase = (width, extra) => ({width: Math.max(280, width), marginLeft: width < 500 ? 108 : 130,
  style: {fontSize: "12px", background: "transparent", overflow: "visible"}, ...extra});

export function header(data, lang, repPage) {
  const t = TEXT[lang];
  const prefix = repPage ? "../../" : "./";
  return el("header", {class: "qx-head"},
    el("h1", {}, repPage ? repPage : t.title),
    // the two dates (quota position, customer base) are figures the test reads back
    el("p", {class: "qx-sub"}, t.sub(data).map((x, i) => i === 1 ? num("asof", x) : i === 3 ? num("segasof", x ?? "?") : x), " · ",
      ...(repPage ? [el("a", {href: `${prefix}${lang === "en" ? "index" : lang}.html`}, t.back), " · "] : []),
      ...t.others.flatMap(([name, file], i) => [i ? " · " : "",
        el("a", {href: repPage ? `../${file === "index" ? "en" : file}/${repPage.id}.html` : `${prefix}${file}.html`,
                 lang: file === "index" ? "en" : file}, name)])));
}

// team totals as of the chosen week-end (default: asOf)
export function teamSection(data, lang, day) {
  const t = TEXT[lang], f = formats(lang);
  const p = data.trend.find((r) => r.rep_id === null && r.day === day);
  const box = (label, node) => el("div", {class: "qx-kpi"}, el("div", {class: "qx-kpi-label"}, label), el("div", {class: "qx-kpi-value"}, node));
  return card(t.team, t.teamNote(day), el("div", {class: "qx-kpis"},
    box(t.teamQuota, num("teamquota", f.money(p.quota))),
    box(t.teamClosed, num("teamclosed", f.money(p.closed))),
    box(t.teamAttain, num("teamattain", f.pct(p.attainment))),
    box(t.teamChance, num("teamchance", f.pct(p.chance)))));
}

// attainment and chance per week-end; the focus (team or a rep) thick, the
// reps thin grey; the focus's points carry their values for the test
export function trendSection(data, lang, focus, day, width) {
  const t = TEXT[lang], f = formats(lang);
  const rows = data.trend.filter((r) => r.day <= day).map((r) => ({...r, date: new Date(r.day + "T00:00:00Z")}));
  const mine = rows.filter((r) => r.rep_id === focus);
  const others = rows.filter((r) => r.rep_id !== null && r.rep_id !== focus);
  const who = focus === null ? "team" : focus;
  const dayMonth = new Intl.DateTimeFormat(t.locale, {day: "numeric", month: "short", timeZone: "UTC"});
  const chart = (field, label, key) => tag(Plot.plot(plotBase(width, {
    height: 220, marginLeft: 50, clip: true,
    x: {type: "utc", label: null, ticks: Math.max(3, Math.floor(width / 80)), tickFormat: (d) => dayMonth.format(d)},
    y: {label: null, percent: true, grid: true, domain: [0, 105 * Math.max(1, ...mine.map((r) => r[field]))]},
    marks: [
      Plot.line(others, {x: "date", y: field, z: "rep_id", stroke: "#bbb", strokeWidth: 1}),
      Plot.line(mine, {x: "date", y: field, stroke: "#313695", strokeWidth: 3}),
      Plot.dot(mine, {x: "date", y: field, fill: "#313695", r: 3.5, className: `qx-${key}`,
                      title: (r) => `${r.day}: ${f.pct(r[field])}`}),
      Plot.ruleY([0])
    ]})), `qx-${key}`, mine.map((r) => ({key: `${key}:${who}:${r.day}`, value: r[field]})));
  return card(t.trend, t.trendNote, el("div", {class: "qx-grid2"},
    el("div", {class: "qx-chart"}, el("h3", {}, t.attain), chart("attainment", null, "trendatt")),
    el("div", {class: "qx-chart"}, el("h3", {}, t.chance), chart("chance", null, "trendch"))));
}

export function quotaSection(data, lang, reps, width, links) {
  const t = TEXT[lang], f = formats(lang);
  const ids = new Set(reps.map((r) => r.rep_id));
  const ledges = data.ledges.filter((l) => ids.has(l.rep_id)).map((l) => ({...l,
    name: reps.find((r) => r.rep_id === l.rep_id).name,
    fill: l.actual_to_due == null ? "#fff" : l.actual_to_due >= l.target ? "#4575b4" : "#d73027"}));
  const svg = tag(Plot.plot(plotBase(width, {
    height: 40 + 34 * reps.length, x: {label: null, grid: true, tickFormat: (v) => f.money(v)},
    y: {label: null, domain: reps.map((r) => r.name)}, color: {type: "identity"},
    marks: [
      Plot.barX(reps, {x: "actual", y: "name", fill: "heat_color", stroke: "#888", insetTop: 6, insetBottom: 6,
                       title: (r) => `${r.name}: ${f.money(r.actual)} / ${f.money(r.quota)}`}),
      Plot.tickX(reps, {x: "expected_to_date", y: "name", stroke: "#000", strokeWidth: 2}),
      Plot.dot(ledges, {x: "target", y: "name", dy: 13, r: 4, fill: "fill", stroke: "#555", className: "qx-ledges",
                        title: (l) => `${l.step}: ${l.due} — ${f.money(l.target)}`}),
      Plot.ruleX([0])
    ]})), "qx-ledges", ledges.map((l) => ({key: `ledge:${l.rep_id}:${l.step}`, value: l.target})));
  const rows = reps.map((r) => el("tr", {},
    el("td", {class: "qx-name"}, links ? el("a", {href: links(r)}, r.name) : r.name),
    td(num(`quota:${r.rep_id}`, f.money(r.quota))),
    td(num(`actual:${r.rep_id}`, f.money(r.actual))),
    td(num(`attain:${r.rep_id}`, f.pct(r.attainment))),
    td(num(`pace:${r.rep_id}`, f.dec2(r.pace))),
    td(num(`forecast:${r.rep_id}`, f.money(r.forecast))),
    el("td", {}, el("span", {"data-check": `ontrack:${r.rep_id}`}, r.on_track ? t.yes : t.no))));
  return card(t.quota, t.quotaNote, chartBox(svg),
    table([t.rep, t.quotaCol, t.actual, t.attain, t.pace, t.forecast, t.onTrack], rows));
}

export function outlookSection(data, lang, reps, width) {
  const t = TEXT[lang], f = formats(lang);
  const svg = tag(Plot.plot(plotBase(width, {
    height: 40 + 30 * reps.length, x: {label: null, grid: true, tickFormat: (v) => f.money(v)},
    y: {label: null, domain: reps.map((r) => r.name)}, color: {type: "identity"},
    marks: [
      Plot.barX(reps, {x: "actual", y: "name", fill: "#bbb", insetTop: 8, insetBottom: 8}),
      Plot.barX(reps, {x1: "fc_commit", x2: "fc_best", y: "name", fill: "fc_color", stroke: "#888", fillOpacity: 1,
                       insetTop: 4, insetBottom: 4, className: "qx-band",
                       title: (r) => `${t.commit} ${f.money(r.fc_commit)} – ${t.best} ${f.money(r.fc_best)}; ${t.chance} ${f.pct(r.fc_chance)}`}),
      Plot.tickX(reps, {x: "quota", y: "name", stroke: "#000", strokeWidth: 2}),
      Plot.dot(reps, {x: "forecast", y: "name", symbol: "triangle", rotate: 180, fill: "#000", r: 4, dy: -9,
                      title: (r) => `${t.runRate}: ${f.money(r.forecast)}`}),
      Plot.ruleX([0])
    ]})), "qx-band", reps.map((r) => ({key: `fcband:${r.rep_id}`, color: r.fc_color})));
  const rows = reps.map((r) => el("tr", {},
    el("td", {class: "qx-name"}, r.name),
    td(num(`fcquota:${r.rep_id}`, f.money(r.quota))),
    td(num(`fcclosed:${r.rep_id}`, f.money(r.actual))),
    td(num(`fcweighted:${r.rep_id}`, f.money(r.fc_weighted))),
    td(el("strong", {}, num(`fccommit:${r.rep_id}`, f.money(r.fc_commit)))),
    td(num(`fcbest:${r.rep_id}`, f.money(r.fc_best))),
    td(num(`fcrunrate:${r.rep_id}`, f.money(r.forecast))),
    td(el("strong", {}, num(`fcchance:${r.rep_id}`, f.pct(r.fc_chance))))));
  return card(t.outlook, t.outlookNote, chartBox(svg),
    table([t.rep, t.quotaCol, t.closed, t.weighted, t.commit, t.best, t.runRate, t.chance], rows));
}

export function pipelineSection(data, lang, reps) {
  const t = TEXT[lang], f = formats(lang);
  const rows = reps.map((r) => el("tr", {},
    el("td", {class: "qx-name"}, r.name),
    td(num(`open:${r.rep_id}`, f.money(r.open_pipeline))),
    td(num(`remaining:${r.rep_id}`, f.money(Math.max(r.quota - r.actual, 0)))),
    td(r.coverage == null ? t.done : num(`coverage:${r.rep_id}`, f.dec2(r.coverage))),
    el("td", {}, el("span", {"data-check": `heat:${r.rep_id}`}, r[`heat_${lang}`]))));
  return card(t.pipeline, t.pipelineNote, table([t.rep, t.open, t.remaining, t.coverage, t.heat], rows));
}

export function reanimationSection(data, lang) {
  const t = TEXT[lang], f = formats(lang);
  const rows = data.reanimation.map((d, i) => el("tr", {"data-deal": d.deal_id},
    el("td", {}, d.title), el("td", {class: "qx-name"}, d.rep),
    td(num(`deal:${i + 1}`, f.money(d.amount), {"data-deal": d.deal_id})),
    td(f.dec2(d.agreement)), td(String(d.objections)),
    td(num(`lift:${d.deal_id}`, f.dec3(d.lift_index))), td(f.pct(d.close_probability))));
  return card(t.reanimation, t.reanimationNote,
    table([t.deal, t.rep, t.amount, t.agreement, t.objections, t.lift, t.close], rows));
}

export function rfmSection(data, lang, width) {
  const t = TEXT[lang], f = formats(lang);
  const svg = Plot.plot(plotBase(width, {
    height: 30 + 24 * data.rfm.length, marginLeft: width < 500 ? 120 : 170, marginRight: 40,
    x: {label: null, grid: true}, y: {label: null, domain: data.rfm.map((s) => s[lang])}, color: {type: "identity"},
    marks: [Plot.barX(data.rfm, {x: "customers", y: lang, fill: "color", stroke: "#888", strokeWidth: 0.5}),
            Plot.text(data.rfm, {x: "customers", y: lang, text: (s) => f.money(s.customers), textAnchor: "start", dx: 4}),
            Plot.ruleX([0])]}));
  const rows = data.rfm.map((s) => el("tr", {},
    el("td", {}, s[lang]),
    td(num(`rfm:${s.code}`, f.money(s.customers))),
    td(num(`rfmrev:${s.code}`, f.money(s.revenue)))));
  return card(t.rfm, t.rfmNote, chartBox(svg), table([t.segment, t.customers, t.revenue], rows));
}

export function heatSection(data, lang, width) {
  const t = TEXT[lang], f = formats(lang);
  const kinetic = data.labels.filter((l) => l.kind === "kinetic");
  const abc = data.labels.filter((l) => l.kind === "abc").map((a) => a.code);
  const cells = kinetic.flatMap((k) => data.heat.filter((h) => h.kinetic === k.code)
    .sort((a, b) => abc.indexOf(a.abc) - abc.indexOf(b.abc)).map((h) => ({...h, row: k[lang]})));
  const narrow = width < 500;
  const svg = Plot.plot(plotBase(width, {
    height: 30 + 58 * kinetic.length, marginLeft: narrow ? 90 : 130, marginTop: 24,
    x: {label: null, domain: abc, axis: "top"}, y: {label: null, domain: kinetic.map((k) => k[lang])},
    color: {type: "identity"},
    marks: [
      Plot.cell(cells, {x: "abc", y: "row", fill: "color", stroke: "white", strokeWidth: 2, className: "qx-hcell",
                        title: (c) => c[`zone_${lang}`]}),
      Plot.text(cells, {x: "abc", y: "row", text: (c) => f.money(c.customers), dy: -9, fontWeight: "bold", fontSize: 13, className: "qx-hn"}),
      Plot.text(cells, {x: "abc", y: "row", text: (c) => f.money(c.revenue_recent), dy: 6, fontSize: narrow ? 10 : 11, className: "qx-hrec"}),
      Plot.text(cells, {x: "abc", y: "row", text: (c) => f.money(c.revenue_prior), dy: 18, fontSize: narrow ? 10 : 11, className: "qx-hpri"})
    ]}));
  const key = (c) => `${c.kinetic}:${c.abc}`;
  tag(svg, "qx-hcell", cells.map((c) => ({key: `heatcell:${key(c)}`, color: c.color})));
  tag(svg, "qx-hn", cells.map((c) => ({key: `heatn:${key(c)}`})));
  tag(svg, "qx-hrec", cells.map((c) => ({key: `heatrec:${key(c)}`})));
  tag(svg, "qx-hpri", cells.map((c) => ({key: `heatpri:${key(c)}`})));
  return card(t.heatTitle, t.heatNote, chartBox(svg));
}

// the quarter's cohort, stage by stage: team table (counts, conversion,
// days) and, per rep, conversion as coloured cells
export function funnelSection(data, lang, reps, width) {
  const t = TEXT[lang], f = formats(lang);
  const name = (s) => t.stages[data.stages.find((x) => x.stage === s)?.name] ?? String(s);
  const single = reps.length === 1 ? reps[0].rep_id : null;
  const focus = data.funnel.filter((r) => r.rep_id === single);
  const who = single ?? "team";
  const rows = focus.map((r) => el("tr", {},
    el("td", {}, name(r.stage)),
    td(num(`funent:${who}:${r.stage}`, f.money(r.entered))),
    td(num(`funadv:${who}:${r.stage}`, f.money(r.advanced))),
    td(num(`funwon:${who}:${r.stage}`, f.money(r.won))),
    td(num(`funlost:${who}:${r.stage}`, f.money(r.lost))),
    td(num(`funopen:${who}:${r.stage}`, f.money(r.open))),
    td(num(`funconv:${who}:${r.stage}`, r.conversion == null ? "–" : f.pct(r.conversion))),
    td(num(`fundays:${who}:${r.stage}`, r.days_median == null ? "–" : f.money(r.days_median)), " / ",
       r.days_p80 == null ? "–" : f.money(r.days_p80))));
  const bars = Plot.plot(plotBase(width, {
    height: 40 + 34 * focus.length, marginRight: 45, x: {label: null, grid: true},
    y: {label: null, domain: focus.map((r) => name(r.stage))},
    marks: [Plot.barX(focus, {x: "entered", y: (r) => name(r.stage), fill: "#abd9e9", stroke: "#4575b4"}),
            Plot.barX(focus, {x: (r) => r.advanced + r.won, y: (r) => name(r.stage), fill: "#4575b4", insetTop: 6, insetBottom: 6}),
            Plot.text(focus, {x: "entered", y: (r) => name(r.stage), text: (r) => r.conversion == null ? "" : f.pct0(r.conversion),
                              textAnchor: "start", dx: 4}),
            Plot.ruleX([0])]}));
  const parts = [chartBox(bars), table([t.stage, t.entered, t.advanced, t.won, t.lost, t.openDeals, t.conversion, t.days], rows)];
  if (single === null) {
    const cells = data.funnel.filter((r) => r.rep_id !== null && reps.some((p) => p.rep_id === r.rep_id))
      .map((r) => ({...r, rep: reps.find((p) => p.rep_id === r.rep_id).name, st: name(r.stage)}));
    const gw = width > 700 ? width / 2 - 20 : width;   // two grids side by side on a wide screen
    const grid = Plot.plot(plotBase(gw, {
      height: 40 + 26 * reps.length, marginTop: 28, x: {label: null, axis: "top", domain: focus.map((r) => name(r.stage))},
      y: {label: null, domain: reps.map((r) => r.name)},
      color: {type: "linear", scheme: "RdYlBu", domain: [0.3, 0.8]},
      marks: [Plot.cell(cells, {x: "st", y: "rep", fill: "conversion", stroke: "white"}),
              Plot.text(cells, {x: "st", y: "rep", className: "qx-fconv",
                                fill: (r) => r.conversion != null && (r.conversion > 0.68 || r.conversion < 0.4) ? "white" : "black",
                                text: (r) => r.conversion == null ? "–" : f.pct0(r.conversion)})]}));
    tag(grid, "qx-fconv", cells.map((r) => ({key: `funrep:${r.rep_id}:${r.stage}`})));
    // days in stage per rep: the median, darker the longer
    const maxDays = Math.max(1, ...cells.map((r) => r.days_median ?? 0));
    const days = Plot.plot(plotBase(gw, {
      height: 40 + 26 * reps.length, marginTop: 28, x: {label: null, axis: "top", domain: focus.map((r) => name(r.stage))},
      y: {label: null, domain: reps.map((r) => r.name)},
      color: {type: "linear", range: ["#f7fbff", "#6baed6"], domain: [0, maxDays]},
      marks: [Plot.cell(cells, {x: "st", y: "rep", fill: (r) => r.days_median ?? 0, stroke: "white"}),
              Plot.text(cells, {x: "st", y: "rep", className: "qx-fdays",
                                text: (r) => r.days_median == null ? "–" : f.money(r.days_median)})]}));
    tag(days, "qx-fdays", cells.map((r) => ({key: `fundaysrep:${r.rep_id}:${r.stage}`})));
    parts.push(el("div", {class: "qx-grid2"},
      el("div", {class: "qx-chart"}, el("h3", {}, t.conversion), grid),
      el("div", {class: "qx-chart"}, el("h3", {}, t.daysMedian), days)));
  }
  return card(t.funnel, t.funnelNote, ...parts);
}

export function marginSection(data, lang, reps, width) {
  const t = TEXT[lang], f = formats(lang);
  const ids = new Set(reps.map((r) => r.rep_id));
  const nm = (id) => reps.find((r) => r.rep_id === id).name;
  const m = data.margin.filter((r) => ids.has(r.rep_id)).map((r) => ({...r, name: nm(r.rep_id)}));
  const disc = Plot.plot(plotBase(width, {
    height: 40 + 26 * m.length, x: {label: null, percent: true, grid: true, domain: [0, 40]},
    y: {label: null, domain: m.map((r) => r.name)},
    marks: [Plot.ruleY(m, {x1: "discount_p50", x2: "discount_p90", y: "name", stroke: "#4575b4", strokeWidth: 3}),
            Plot.dot(m, {x: "discount_p50", y: "name", fill: "#4575b4", r: 4}),
            Plot.ruleX([0.25], {stroke: "#d73027", strokeWidth: 2}), Plot.ruleX([0])]}));
  const mrows = m.map((r) => el("tr", {},
    el("td", {class: "qx-name"}, r.name),
    td(num(`mgreal:${r.rep_id}`, f.pct(r.realization))),
    td(num(`mgp50:${r.rep_id}`, f.pct(r.discount_p50))),
    td(num(`mgp90:${r.rep_id}`, f.pct(r.discount_p90))),
    td(num(`mgover:${r.rep_id}`, f.money(r.deals_over_floor))),
    td(num(`mgpocket:${r.rep_id}`, f.pct(r.pocket_margin)))));
  const l = data.leads.filter((r) => ids.has(r.rep_id)).map((r) => ({...r, name: nm(r.rep_id)}));
  const arrows = tag(Plot.plot(plotBase(width, {
    height: 40 + 26 * l.length, x: {label: null, grid: true}, y: {label: null, domain: l.map((r) => r.name)},
    color: {type: "identity"},
    marks: [Plot.dot(l, {x: "revenue_per_lead_prior", y: "name", fill: "#bbb", r: 4}),
            Plot.arrow(l, {x1: "revenue_per_lead_prior", x2: "revenue_per_lead", y1: "name", y2: "name",
                           stroke: (r) => r.trend_color ?? "#999", strokeWidth: 2.5, className: "qx-ll"}),
            Plot.ruleX([0])]})), "qx-ll", l.map((r) => ({key: `llarrow:${r.rep_id}`, color: r.trend_color})));
  const lrows = l.map((r) => el("tr", {},
    el("td", {class: "qx-name"}, r.name),
    td(num(`llleads:${r.rep_id}`, f.money(r.leads)), " (", num(`llprior:${r.rep_id}`, f.money(r.leads_prior)), ")"),
    td(num(`llsla:${r.rep_id}`, f.money(r.touched_in_sla))),
    td(num(`llrpl:${r.rep_id}`, f.money(r.revenue_per_lead)), " (", f.money(r.revenue_per_lead_prior), ")"),
    el("td", {}, el("span", {"data-check": `lltrend:${r.rep_id}`}, r[`trend_${lang}`] ?? "–"))));
  return el("div", {},
    card(t.margin, t.marginNote, chartBox(disc),
      table([t.rep, t.realization, t.p50, t.p90, t.overFloor, t.pocket], mrows)),
    card(t.leadLoad, t.leadNote, chartBox(arrows),
      table([t.rep, `${t.leadsNow} (${t.leadsBefore})`, t.inSla, `${t.perLead} (${t.leadsBefore})`, t.trendCol], lrows)));
}

// the morning list: warnings per kind (chart, catalog colours), and the
// three deals per rep most in need, with their warnings in catalog order
export function morningSection(data, lang, reps, width) {
  const t = TEXT[lang], f = formats(lang);
  if (!data.warnings?.length) return el("div");
  const ids = new Set(reps.map((r) => r.rep_id));
  const label = Object.fromEntries(data.warnings.map((w) => [w.code, w[lang]]));
  const parts = [];
  if (reps.length > 1) {
    const svg = Plot.plot(plotBase(width, {
      height: 30 + 22 * data.warnings.length, marginLeft: width < 500 ? 150 : 220, marginRight: 40,
      x: {label: null, grid: true}, y: {label: null, domain: data.warnings.map((w) => w[lang])}, color: {type: "identity"},
      marks: [Plot.barX(data.warnings, {x: "deals", y: lang, fill: "color", className: "qx-wbar"}),
              Plot.text(data.warnings, {x: "deals", y: lang, text: (w) => f.money(w.deals), textAnchor: "start", dx: 4,
                                        className: "qx-wn"}),
              Plot.ruleX([0])]}));
    tag(svg, "qx-wbar", data.warnings.map((w) => ({key: `wbar:${w.code}`, color: w.color})));
    tag(svg, "qx-wn", data.warnings.map((w) => ({key: `wn:${w.code}`})));
    parts.push(chartBox(svg));
  }
  const nm = (id) => data.reps.find((r) => r.rep_id === id)?.name ?? String(id);
  const rows = data.diary.filter((d) => ids.has(d.rep_id)).map((d) => el("tr", {},
    el("td", {class: "qx-name"}, nm(d.rep_id)), el("td", {}, d.title), td(f.money(d.amount)),
    el("td", {}, el("span", {"data-check": `mwarn:${d.deal_id}`}, d.warnings.map((c) => label[c] ?? c).join("; ")))));
  parts.push(table([t.rep, t.deal, t.amount, t.warnings], rows));
  return card(t.morning, t.morningNote, ...parts);
}

// the last quarter's shape: thirds as a stacked bar per rep, and a table
const THIRDS = ["#abd9e9", "#ffffbf", "#fdae61"];
export function rhythmShape(r) {
  if (r.thirds == null) return null;
  return r.thirds[2] > 0.6 || r.last5 > 0.3 ? "hockey" : r.gini > 0.5 ? "lumpy" : "steady";
}
export function rhythmSection(data, lang, reps, width) {
  const t = TEXT[lang], f = formats(lang);
  if (!data.rhythm?.length) return el("div");
  const ids = new Set(reps.map((r) => r.rep_id));
  const nm = (id) => data.reps.find((r) => r.rep_id === id)?.name ?? String(id);
  const rows = data.rhythm.filter((r) => ids.has(r.rep_id)).map((r) => ({...r, name: nm(r.rep_id)}));
  const parts = rows.filter((r) => r.thirds).flatMap((r) => r.thirds.map((v, i) => ({name: r.name, part: t.third[i], v, i})));
  const svg = Plot.plot(plotBase(width, {
    height: 40 + 26 * rows.length, x: {label: null, percent: true, domain: [0, 100], grid: true},
    y: {label: null, domain: rows.map((r) => r.name)}, color: {type: "identity"},
    marks: [Plot.barX(parts, {x: "v", y: "name", fill: (d) => THIRDS[d.i], stroke: "white", order: "i",
                              title: (d) => `${d.part}: ${f.pct(d.v)}`}),
            Plot.ruleX([1 / 3, 2 / 3], {stroke: "#555", strokeDasharray: "3 3"})]}));
  const trs = rows.map((r) => el("tr", {},
    el("td", {class: "qx-name"}, r.name),
    td(num(`qsbooked:${r.rep_id}`, f.money(r.total))),
    ...[0, 1, 2].map((i) => td(r.thirds ? num(`qst${i + 1}:${r.rep_id}`, f.pct(r.thirds[i])) : "–")),
    td(r.last5 == null ? "–" : num(`qslast5:${r.rep_id}`, f.pct(r.last5))),
    td(r.gini == null ? "–" : num(`qsgini:${r.rep_id}`, f.dec2(r.gini))),
    el("td", {}, el("span", {"data-check": `qsshape:${r.rep_id}`}, t.shapes[rhythmShape(r)] ?? "–"))));
  return card(t.rhythm(data.prior), t.rhythmNote, chartBox(svg),
    table([t.rep, t.booked, ...t.third, t.last5, t.gini, t.shape], trs));
}

// the calibration curve of close_probability with the diagonal, and the
// isotonic map; the bins' figures in a table
export function calibrationSection(data, lang, width) {
  const t = TEXT[lang], f = formats(lang);
  const c = data.calibration;
  if (!c || !c.deals) return el("div");
  const bins = c.bins.map((b, i) => ({...b, i: i + 1}));
  const svg = Plot.plot(plotBase(width, {
    width: Math.min(Math.max(280, width), 520), height: Math.min(Math.max(280, width), 520) * 0.85, marginLeft: 50,
    x: {label: t.calPredicted + " (%)", percent: true, domain: [0, 100], grid: true},
    y: {label: t.calWon + " (%)", percent: true, domain: [0, 100], grid: true}, r: {range: [3, 12]},
    marks: [
      Plot.line([[0, 0], [1, 1]], {stroke: "#777", strokeDasharray: "4 3"}),
      Plot.line(c.isotonic, {x: "p", y: "calibrated", stroke: "#4575b4", strokeWidth: 2, curve: "linear"}),
      Plot.line(bins, {x: "mean_p", y: "win_rate", stroke: "#d73027", strokeWidth: 1}),
      Plot.dot(bins, {x: "mean_p", y: "win_rate", r: "deals", fill: "#d73027", stroke: "white", className: "qx-cal",
                      title: (b) => `${f.pct(b.mean_p)} → ${f.pct(b.win_rate)} (${b.deals})`})
    ]}));
  tag(svg, "qx-cal", bins.map((b) => ({key: `calpt:${b.i}`, value: b.win_rate})));
  const box = (label, node) => el("div", {class: "qx-kpi"}, el("div", {class: "qx-kpi-label"}, label), el("div", {class: "qx-kpi-value"}, node));
  const rows = bins.map((b) => el("tr", {},
    el("td", {}, `${f.pct0(b.lo)} – ${f.pct0(b.hi)}`),
    td(num(`caln:${b.i}`, f.money(b.deals))),
    td(num(`calp:${b.i}`, f.pct(b.mean_p))),
    td(num(`calw:${b.i}`, f.pct(b.win_rate)))));
  return card(t.calib, t.calibNote,
    el("div", {class: "qx-kpis"},
      box(t.calDeals, num("caldeals", f.money(c.deals))),
      box(t.calBrier, num("calbrier", f.dec3(c.brier))),
      box(t.calEce, num("calece", f.dec3(c.ece)))),
    chartBox(svg), table([t.calBin, t.calDeals, t.calPredicted, t.calWon], rows));
}

// the whole page: rep = null (the team) or a rep_id, day = the chosen week-end
export function dashboard(data, lang, {rep = null, day = data.asOf, width = 900} = {}) {
  const reps = rep === null ? data.reps : data.reps.filter((r) => r.rep_id === rep);
  const links = (r) => `./rep/${lang}/${r.rep_id}.html`;
  return el("div", {class: "qx-dash", lang},
    teamSection(data, lang, day),
    trendSection(data, lang, rep, day, width / (width > 700 ? 2 : 1) - 40),
    quotaSection(data, lang, reps, width - 40, links),
    outlookSection(data, lang, reps, width - 40),
    pipelineSection(data, lang, reps),
    funnelSection(data, lang, reps, width - 40),
    marginSection(data, lang, reps, width - 40),
    el("div", {class: "qx-grid2"}, rfmSection(data, lang, width / (width > 900 ? 2 : 1) - 40),
                                   heatSection(data, lang, width / (width > 900 ? 2 : 1) - 40)),
    rhythmSection(data, lang, reps, width - 40),
    morningSection(data, lang, reps, width - 40),
    reanimationSection(data, lang),
    calibrationSection(data, lang, width - 40));
}

// one rep's page: the rep's rows, trend, funnel, margin and lead load
export function repPage(data, lang, repId, width = 900) {
  const reps = data.reps.filter((r) => r.rep_id === repId);
  return el("div", {class: "qx-dash", lang},
    header(data, lang, {id: repId, toString: () => reps[0].name}),
    trendSection(data, lang, repId, data.asOf, width / (width > 700 ? 2 : 1) - 40),
    quotaSection(data, lang, reps, width - 40),
    outlookSection(data, lang, reps, width - 40),
    pipelineSection(data, lang, reps),
    funnelSection(data, lang, reps, width - 40),
    marginSection(data, lang, reps, width - 40),
    rhythmSection(data, lang, reps, width - 40),
    morningSection(data, lang, reps, width - 40));
}
