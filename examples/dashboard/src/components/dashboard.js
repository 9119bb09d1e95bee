// The dashboard's sections, rendered with plain DOM calls: no chart library
// and no npm: import, so the built site loads nothing from the network.
// Every figure the test compares with SQL carries data-check="key".
// Colours come from the label catalog (quota_labels), never from here.

const TEXT = {
  en: {
    locale: "en-US",
    title: "Sales dashboard",
    sub: (d) => `Q3 2026 (${d.quarter.start} – ${d.quarter.end}) as of ${d.asOf}; customer base as of 2026-09-30`,
    other: ["Русский", "./ru.html"],
    quota: "Quota attainment per rep",
    quotaNote: "Bar: revenue so far against the quarterly quota. Dark line: where the rep should be today " +
      "(expected to date). Numbered ticks: the quarter's six ledges, filled when met on their due date.",
    rep: "Rep", quotaCol: "Quota", actual: "Revenue", attain: "Attainment", pace: "Pace",
    forecast: "Forecast", onTrack: "On track", yes: "yes", no: "no",
    outlook: "Will we make the quarter?",
    outlookNote: "Closed revenue plus the open deals, each with its close probability " +
      "(pipeline_forecast, target = quota − closed). Commit: closed + what the pipeline brings with 90 % certainty " +
      "(P10); best case: closed + P90. The weighted pipeline is a mean, not a chance; the run-rate forecast carries " +
      "today's pace to the quarter's end (quota_status). Bar, 50–150 % of quota: closed (grey), commit to best case, " +
      "quota (line), run rate (▼). Blue: the commit covers the quota; yellow: the pipeline decides; " +
      "red: even the best case falls short.",
    closed: "Closed", weighted: "Weighted pipeline", commit: "Commit", best: "Best case",
    runRate: "Run-rate forecast", chance: "Chance to make quota",
    axis: ["50 %", "quota", "150 %"],
    pipeline: "Pipeline coverage and heat",
    pipelineNote: "Open pipeline against what is left of the quota; heat: revenue against the expected to date.",
    open: "Open pipeline", remaining: "Left to close", coverage: "Coverage", heat: "Heat",
    done: "quota met",
    reanimation: "Deals in reanimation mode",
    reanimationNote: "Lift index (agreement ÷ open objections) below 0.4, largest first.",
    deal: "Deal", amount: "Amount", agreement: "Agreement", objections: "Objections",
    lift: "Lift index", close: "Close probability",
    rfm: "RFM segments",
    rfmNote: "From the best news to the worst, as the label catalog ranks them.",
    segment: "Segment", customers: "Customers", revenue: "Revenue",
    heatTitle: "Heat matrix: kinetic segment × ABC class",
    heatNote: "Revenue of the last 90 days against the 90 before; lost customers against the 90 days up to " +
      "their last order. Red: missed chances; blue: spare potential.",
    kinetic: "Kinetic segment", recentPrior: "recent / prior"
  },
  ru: {
    locale: "ru-RU",
    title: "Панель продаж",
    sub: (d) => `III квартал 2026 (${d.quarter.start} – ${d.quarter.end}) на ${d.asOf}; клиентская база на 2026-09-30`,
    other: ["English", "./index.html"],
    quota: "Выполнение квоты по менеджерам",
    quotaNote: "Полоса: выручка с начала квартала против квоты. Тёмная черта: где менеджер должен быть сегодня " +
      "(план на дату). Пронумерованные засечки: шесть уступов квартала, закрашены, если взяты в срок.",
    rep: "Менеджер", quotaCol: "Квота", actual: "Выручка", attain: "Выполнение", pace: "Темп",
    forecast: "Прогноз", onTrack: "Успевает", yes: "да", no: "нет",
    outlook: "Закроем ли квартал?",
    outlookNote: "Закрытая выручка плюс открытые сделки, каждая со своей вероятностью закрытия " +
      "(pipeline_forecast, цель = квота − закрыто). Коммит: закрыто + то, что воронка принесёт с уверенностью 90 % " +
      "(P10); лучший сценарий: закрыто + P90. Взвешенная воронка — среднее, а не шанс; прогноз по темпу продлевает " +
      "нынешний темп до конца квартала (quota_status). Полоса, 50–150 % квоты: закрыто (серое), от коммита до " +
      "лучшего сценария, квота (черта), темп (▼). Синее: коммит покрывает квоту; жёлтое: всё решит воронка; " +
      "красное: не хватает даже в лучшем сценарии.",
    closed: "Закрыто", weighted: "Взвешенная воронка", commit: "Коммит", best: "Лучший сценарий",
    runRate: "Прогноз по темпу", chance: "Шанс выполнить план",
    axis: ["50 %", "квота", "150 %"],
    pipeline: "Покрытие квоты воронкой и тепловая зона",
    pipelineNote: "Открытая воронка против остатка квоты; зона: выручка против плана на дату.",
    open: "Открытая воронка", remaining: "Осталось закрыть", coverage: "Покрытие", heat: "Зона",
    done: "квота выполнена",
    reanimation: "Сделки в режиме реанимации",
    reanimationNote: "Индекс лифтового троса (согласие ÷ открытые возражения) ниже 0,4, крупные сначала.",
    deal: "Сделка", amount: "Сумма", agreement: "Согласие", objections: "Возражения",
    lift: "Индекс троса", close: "Вероятность закрытия",
    rfm: "RFM-сегменты",
    rfmNote: "От лучших новостей к худшим, в порядке каталога меток.",
    segment: "Сегмент", customers: "Клиенты", revenue: "Выручка",
    heatTitle: "Тепловая матрица: кинетический сегмент × класс ABC",
    heatNote: "Выручка последних 90 дней против 90 до них; ушедшие — против 90 дней до последнего заказа. " +
      "Красное: упущенные шансы; синее: запас потенциала.",
    kinetic: "Кинетический сегмент", recentPrior: "сейчас / раньше"
  }
};

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
    dec2: (v) => dec(2).format(v),
    dec3: (v) => dec(3).format(v)
  };
}

// A number the test reads back: the shown text, keyed.
const num = (key, text, attrs = {}) => el("span", {"data-check": key, ...attrs}, text);

export function header(data, lang) {
  const t = TEXT[lang];
  return el("header", {class: "qx-head"},
    el("h1", {}, t.title),
    el("p", {class: "qx-sub"}, t.sub(data), " · ", el("a", {href: t.other[1], lang: lang === "en" ? "ru" : "en"}, t.other[0])));
}

export function quotaSection(data, lang) {
  const t = TEXT[lang], f = formats(lang);
  const rows = data.reps.map((r) => {
    const max = Math.max(r.quota, r.actual, r.forecast ?? 0) || 1;
    const w = (v) => `${Math.min(100, (100 * v) / max)}%`;
    const ticks = data.ledges.filter((l) => l.rep_id === r.rep_id).map((l) =>
      el("span", {
        class: "qx-ledge" + (l.actual_to_due == null ? "" : l.actual_to_due >= l.target ? " met" : " missed"),
        style: {left: w(l.target)},
        title: `${l.step}: ${l.due} — ${f.money(l.target)}`,
        "data-check": `ledge:${r.rep_id}:${l.step}`,
        "data-value": l.target
      }, String(l.step)));
    const bar = el("div", {class: "qx-bar"},
      el("div", {class: "qx-fill", style: {width: w(r.actual), background: r.heat_color}}),
      el("div", {class: "qx-expected", style: {left: w(r.expected_to_date)}}),
      ...ticks);
    return el("tr", {},
      el("td", {}, r.name),
      el("td", {class: "n"}, num(`quota:${r.rep_id}`, f.money(r.quota))),
      el("td", {class: "n"}, num(`actual:${r.rep_id}`, f.money(r.actual))),
      el("td", {class: "qx-barcell"}, bar),
      el("td", {class: "n"}, num(`attain:${r.rep_id}`, f.pct(r.attainment))),
      el("td", {class: "n"}, num(`pace:${r.rep_id}`, f.dec2(r.pace))),
      el("td", {class: "n"}, num(`forecast:${r.rep_id}`, f.money(r.forecast))),
      el("td", {}, el("span", {"data-check": `ontrack:${r.rep_id}`}, r.on_track ? t.yes : t.no)));
  });
  return el("section", {class: "qx-card"},
    el("h2", {}, t.quota), el("p", {class: "qx-note"}, t.quotaNote),
    el("table", {class: "qx-table"},
      el("thead", {}, el("tr", {}, [t.rep, t.quotaCol, t.actual, "", t.attain, t.pace, t.forecast, t.onTrack]
        .map((h) => el("th", {}, h)))),
      el("tbody", {}, rows)));
}

// Per rep: the chance that closed revenue plus the open deals reach the
// quota, the commit (P10) and best case (P90) as quarter totals, beside the
// run-rate forecast; chip and band in the catalog's heat colours.
export function outlookSection(data, lang) {
  const t = TEXT[lang], f = formats(lang);
  const rows = data.reps.map((r) => {
    // one axis for every rep, 50 % to 150 % of the rep's quota: the quota
    // lines up down the table; beyond the ends the shapes are cut off
    const w = (v) => `${Math.max(0, Math.min(100, (100 * v) / (r.quota || 1) - 50))}%`;
    const bar = el("div", {class: "qx-bar"},
      el("div", {class: "qx-fill qx-closed", style: {width: w(r.actual)}}),
      el("div", {class: "qx-band", style: {left: w(r.fc_commit), width: `calc(${w(r.fc_best)} - ${w(r.fc_commit)})`,
                                            background: r.fc_color}}),
      el("div", {class: "qx-quota", style: {left: w(r.quota)}}),
      el("div", {class: "qx-runrate", style: {left: w(r.forecast)}, title: `${t.runRate}: ${f.money(r.forecast)}`}));
    return el("tr", {},
      el("td", {class: "qx-name"}, r.name),
      el("td", {class: "n"}, num(`fcquota:${r.rep_id}`, f.money(r.quota))),
      el("td", {class: "n"}, num(`fcclosed:${r.rep_id}`, f.money(r.actual))),
      el("td", {class: "n"}, num(`fcweighted:${r.rep_id}`, f.money(r.fc_weighted))),
      el("td", {class: "n"}, el("strong", {}, num(`fccommit:${r.rep_id}`, f.money(r.fc_commit)))),
      el("td", {class: "n"}, num(`fcbest:${r.rep_id}`, f.money(r.fc_best))),
      el("td", {class: "qx-narrow"}, bar),
      el("td", {class: "n"}, num(`fcrunrate:${r.rep_id}`, f.money(r.forecast))),
      el("td", {class: "n"}, el("span", {class: "qx-chip qx-chance", style: {background: r.fc_color},
                                         "data-check": `fcchance:${r.rep_id}`, "data-color": r.fc_color},
        f.pct(r.fc_chance))));
  });
  return el("section", {class: "qx-card"},
    el("h2", {}, t.outlook), el("p", {class: "qx-note"}, t.outlookNote),
    el("table", {class: "qx-table"},
      el("thead", {}, el("tr", {}, [t.rep, t.quotaCol, t.closed, t.weighted, t.commit, t.best,
                                    el("div", {class: "qx-scale"}, t.axis.map((a) => el("span", {}, a))), t.runRate, t.chance]
        .map((h, i) => el("th", {class: i === 6 ? "qx-axis" : i > 0 ? "n" : null}, h)))),
      el("tbody", {}, rows)));
}

export function pipelineSection(data, lang) {
  const t = TEXT[lang], f = formats(lang);
  const rows = data.reps.map((r) => el("tr", {},
    el("td", {}, r.name),
    el("td", {class: "n"}, num(`open:${r.rep_id}`, f.money(r.open_pipeline))),
    el("td", {class: "n"}, num(`remaining:${r.rep_id}`, f.money(Math.max(r.quota - r.actual, 0)))),
    el("td", {class: "n"}, r.coverage == null ? t.done : num(`coverage:${r.rep_id}`, f.dec2(r.coverage))),
    el("td", {}, el("span", {class: "qx-chip", style: {background: r.heat_color}, "data-check": `heat:${r.rep_id}`},
      r[`heat_${lang}`]))));
  return el("section", {class: "qx-card"},
    el("h2", {}, t.pipeline), el("p", {class: "qx-note"}, t.pipelineNote),
    el("table", {class: "qx-table"},
      el("thead", {}, el("tr", {}, [t.rep, t.open, t.remaining, t.coverage, t.heat].map((h) => el("th", {}, h)))),
      el("tbody", {}, rows)));
}

export function reanimationSection(data, lang) {
  const t = TEXT[lang], f = formats(lang);
  const rows = data.reanimation.map((d, i) => el("tr", {"data-deal": d.deal_id},
    el("td", {}, d.title),
    el("td", {}, d.rep),
    el("td", {class: "n"}, num(`deal:${i + 1}`, f.money(d.amount), {"data-deal": d.deal_id})),
    el("td", {class: "n"}, f.dec2(d.agreement)),
    el("td", {class: "n"}, String(d.objections)),
    el("td", {class: "n"}, num(`lift:${d.deal_id}`, f.dec3(d.lift_index))),
    el("td", {class: "n"}, f.pct(d.close_probability))));
  return el("section", {class: "qx-card"},
    el("h2", {}, t.reanimation), el("p", {class: "qx-note"}, t.reanimationNote),
    el("table", {class: "qx-table"},
      el("thead", {}, el("tr", {}, [t.deal, t.rep, t.amount, t.agreement, t.objections, t.lift, t.close]
        .map((h) => el("th", {}, h)))),
      el("tbody", {}, rows)));
}

export function rfmSection(data, lang) {
  const t = TEXT[lang], f = formats(lang);
  const max = Math.max(...data.rfm.map((s) => s.customers), 1);
  const rows = data.rfm.map((s) => el("tr", {},
    el("td", {}, el("span", {class: "qx-swatch", style: {background: s.color}}), s[lang]),
    el("td", {class: "qx-barcell"},
      el("div", {class: "qx-hbar", style: {width: `${(100 * s.customers) / max}%`, background: s.color}})),
    el("td", {class: "n"}, num(`rfm:${s.code}`, f.money(s.customers))),
    el("td", {class: "n"}, num(`rfmrev:${s.code}`, f.money(s.revenue)))));
  return el("section", {class: "qx-card"},
    el("h2", {}, t.rfm), el("p", {class: "qx-note"}, t.rfmNote),
    el("table", {class: "qx-table"},
      el("thead", {}, el("tr", {}, [t.segment, "", t.customers, t.revenue].map((h) => el("th", {}, h)))),
      el("tbody", {}, rows)));
}

export function heatSection(data, lang) {
  const t = TEXT[lang], f = formats(lang);
  const kinetic = data.labels.filter((l) => l.kind === "kinetic");
  const abc = data.labels.filter((l) => l.kind === "abc");
  const cell = (k, a) => data.heat.find((h) => h.kinetic === k && h.abc === a);
  const rows = kinetic.map((k) => el("tr", {},
    el("th", {scope: "row"}, k[lang]),
    ...abc.map((a) => {
      const c = cell(k.code, a.code);
      if (!c) return el("td", {class: "qx-heat empty"}, "");
      return el("td", {class: "qx-heat", style: {background: c.color}, title: c[`zone_${lang}`],
                       "data-check": `heatcell:${k.code}:${a.code}`, "data-color": c.color},
        el("strong", {"data-check": `heatn:${k.code}:${a.code}`}, f.money(c.customers)),
        el("br"),
        el("span", {class: "qx-small"},
          num(`heatrec:${k.code}:${a.code}`, f.money(c.revenue_recent)), " / ",
          num(`heatpri:${k.code}:${a.code}`, f.money(c.revenue_prior))));
    })));
  return el("section", {class: "qx-card"},
    el("h2", {}, t.heatTitle), el("p", {class: "qx-note"}, t.heatNote),
    el("table", {class: "qx-table qx-matrix"},
      el("thead", {}, el("tr", {}, el("th", {}, t.kinetic), ...abc.map((a) => el("th", {}, `${a.code} (${t.customers.toLowerCase()}, ${t.recentPrior})`)))),
      el("tbody", {}, rows)));
}

export function dashboard(data, lang) {
  return el("div", {class: "qx-dash", lang},
    header(data, lang),
    quotaSection(data, lang),
    outlookSection(data, lang),
    el("div", {class: "qx-grid2"}, pipelineSection(data, lang), rfmSection(data, lang)),
    heatSection(data, lang),
    reanimationSection(data, lang));
}
