// Opens the built dashboard in headless Chromium over the DevTools protocol
// and checks it: no console error or uncaught exception, no request outside
// the local server, every figure marked data-check equal to the expected
// value computed from SQL by test/dashboard.sh (text, or a chart mark's
// data-value), rows in the catalog's order, heat cells, forecast bands and
// lead-load arrows drawn in the catalog's colours, the filters (rep, week)
// changing what is shown, and at phone width (390 px) every chart drawn with
// a non-zero size and no sideways scrolling of the page.  Keeps screenshots
// (desktop, and OUT_DIR/<page>-phone.png for the pages marked phoneShot).
//   node check.mjs BASE_URL EXPECTED.json OUT_DIR
// Prints "ok - ..." / "FAIL - ..." lines and "N passed, N failed".
import {spawn} from "node:child_process";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";

const [base, expectedPath, outDir] = process.argv.slice(2);
const expected = JSON.parse(readFileSync(expectedPath, "utf8"));
let passed = 0, failed = 0;
const ok = (name) => { passed++; console.log(`ok   - ${name}`); };
const bad = (name, detail) => { failed++; console.log(`FAIL - ${name}${detail ? `: ${detail}` : ""}`); };

const profile = mkdtempSync(join(tmpdir(), "qx_chromium_"));
// DevTools protocol over a pipe (fd 3: to the browser, fd 4: from it;
// messages end with NUL), which needs no WebSocket client in node.
const chrome = spawn(process.env.CHROMIUM ?? "chromium", [
  "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--disable-features=Translate,OptimizationHints,MediaRouter", "--hide-scrollbars",
  `--user-data-dir=${profile}`, "--remote-debugging-pipe", "--window-size=1400,1000", "about:blank"
], {stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"]});
chrome.stderr.on("data", () => {});
const toBrowser = chrome.stdio[3];
const fromBrowser = chrome.stdio[4];

let nextId = 0;
let session = null;
const pending = new Map();
const events = [];
const waiters = [];
let buffer = "";
fromBrowser.setEncoding("utf8");
fromBrowser.on("data", (chunk) => {
  buffer += chunk;
  let i;
  while ((i = buffer.indexOf("\0")) >= 0) {
    const m = JSON.parse(buffer.slice(0, i));
    buffer = buffer.slice(i + 1);
    if (m.id !== undefined) {
      const p = pending.get(m.id);
      pending.delete(m.id);
      m.error ? p.reject(new Error(m.error.message)) : p.resolve(m.result);
    } else if (m.sessionId === session) {
      events.push(m);
      for (const w of waiters.splice(0)) w(m);
    }
  }
});
const call = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
  const id = ++nextId;
  pending.set(id, {resolve, reject});
  toBrowser.write(JSON.stringify({id, method, params, ...(sessionId && {sessionId})}) + "\0");
});
const send = (method, params) => call(method, params, session);
const {targetInfos} = await call("Target.getTargets");
const page = targetInfos.find((t) => t.type === "page");
session = (await call("Target.attachToTarget", {targetId: page.targetId, flatten: true})).sessionId;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// polls fn until good(value) or ms pass (the page re-renders after a filter
// or a resize; a loaded CI machine may take longer than a fixed pause)
const until = async (fn, good, ms = 15000) => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (good(v) || Date.now() > end) return v;
    await sleep(200);
  }
};
const evaluate = async (expr) => (await send("Runtime.evaluate", {expression: expr, returnByValue: true, awaitPromise: true})).result.value;

await send("Runtime.enable");
await send("Log.enable");
await send("Network.enable");
await send("Page.enable");

const parseShown = (text, lang) => {
  let s = text.replace(/[\s\u00a0\u202f%]/g, "");
  s = lang === "en" ? s.replace(/,/g, "") : s.replace(",", ".");
  return Number(s);
};

for (const [file, exp] of Object.entries(expected.pages)) {
  const t0 = Date.now();
  events.length = 0;
  const url = `${base}/${file}`;
  const loaded = new Promise((r) => {
    const w = (m) => (m.method === "Page.loadEventFired" ? r() : waiters.push(w));
    waiters.push(w);
  });
  await send("Page.navigate", {url});
  await Promise.race([loaded, sleep(20000)]);
  let n = 0;
  for (let i = 0; i < 100 && !n; i++) {
    n = await evaluate("document.querySelectorAll('[data-check]').length");
    if (!n) await sleep(100);
  }
  await sleep(500);
  console.log(`# ${file}: figures shown after ${Date.now() - t0} ms`);
  const shown = await evaluate(`(() => {
    const out = {keys: [], text: {}, value: {}, deal: {}, color: {}, bg: {}};
    for (const e of document.querySelectorAll('[data-check]')) {
      const k = e.dataset.check;
      out.keys.push(k);
      out.text[k] = e.textContent;
      if (e.dataset.value !== undefined) out.value[k] = e.dataset.value;
      if (e.dataset.deal !== undefined) out.deal[k] = e.dataset.deal;
      if (e.dataset.color !== undefined) {
        out.color[k] = e.dataset.color;
        // a chart mark shows its colour as fill (an arrow: as stroke), a table cell as background
        const cs = getComputedStyle(e);
        out.bg[k] = !(e instanceof SVGElement) ? cs.backgroundColor : e.tagName === "path" ? cs.stroke : cs.fill;
      }
    }
    out.lang = document.querySelector('.qx-dash')?.lang;
    out.height = document.documentElement.scrollHeight;
    return out;
  })()`);

  const errors = events.filter((m) =>
    (m.method === "Runtime.consoleAPICalled" && ["error", "assert"].includes(m.params.type)) ||
    m.method === "Runtime.exceptionThrown" ||
    (m.method === "Log.entryAdded" && m.params.entry.level === "error"));
  errors.length === 0 ? ok(`${file}: no console errors`)
    : bad(`${file}: no console errors`, errors.map((m) => JSON.stringify(m.params).slice(0, 300)).join(" | "));
  const requests = events.filter((m) => m.method === "Network.requestWillBeSent").map((m) => m.params.request.url);
  const outside = requests.filter((u) => !u.startsWith(base + "/") && !/^(data|blob|about):/.test(u));
  outside.length === 0 && requests.length > 0 ? ok(`${file}: ${requests.length} requests, all to ${base}`)
    : bad(`${file}: requests only to ${base}`, outside.join(" "));
  shown.lang === exp.lang ? ok(`${file}: language ${exp.lang}`) : bad(`${file}: language`, shown.lang);

  let numBad = [], numCount = 0;
  for (const [k, e] of Object.entries(exp.checks)) {
    numCount++;
    if (!(k in shown.text)) { numBad.push(`${k} missing`); continue; }
    if (e.text !== undefined) {
      if (shown.text[k] !== e.text) numBad.push(`${k}: shown ${shown.text[k]} want ${e.text}`);
    } else if (e.attr !== undefined) {
      if (Math.abs(Number(shown.value[k]) - e.attr) > 1e-9) numBad.push(`${k}: data-value ${shown.value[k]} want ${e.attr}`);
    } else if (typeof e.num !== "number") {
      numBad.push(`${k}: the expected value is ${e.num} (the SQL gave no number)`);
    } else {
      const v = parseShown(shown.text[k], exp.lang);
      const tol = (e.float ? 0.5 * 10 ** -e.digits : 0) + 1e-9;
      if (!(Math.abs(v - e.num) <= tol)) numBad.push(`${k}: shown ${shown.text[k]} want ${e.num}`);
    }
  }
  const extra = shown.keys.filter((k) => !(k in exp.checks) && !(k in exp.colors));
  numBad.length === 0 && extra.length === 0 ? ok(`${file}: ${numCount} figures equal the SQL`)
    : bad(`${file}: figures equal the SQL`, [...numBad, ...extra.map((k) => `${k} not expected`)].slice(0, 12).join("; "));

  for (const [prefix, want] of Object.entries(exp.order)) {
    const got = shown.keys.filter((k) => k.startsWith(prefix + ":"));
    JSON.stringify(got) === JSON.stringify(want) ? ok(`${file}: ${prefix} rows in order (${want.length})`)
      : bad(`${file}: ${prefix} rows in order`, `${got.join(",")} want ${want.join(",")}`);
  }
  const deals = Object.entries(exp.deals).filter(([k, id]) => shown.deal[k] !== String(id));
  deals.length === 0 ? ok(`${file}: reanimation list is the flagged deals, largest first`)
    : bad(`${file}: reanimation deals`, JSON.stringify(deals));
  const rgb = (hex) => `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;
  const colours = Object.entries(exp.colors).filter(([k, hex]) => shown.color[k] !== hex || shown.bg[k] !== rgb(hex));
  colours.length === 0 && Object.keys(exp.colors).length > 0
    ? ok(`${file}: ${Object.keys(exp.colors).length} chart marks in the catalog's colours`)
    : bad(`${file}: chart colours`, JSON.stringify(colours.slice(0, 5)));

  // the filters: the rep select narrows every per-rep table and the trend,
  // the week select moves the team totals back in time
  if (exp.filter) {
    const {rep, repIndex, dayIndex, day, teamclosed, weeks} = exp.filter;
    const pick = (which, index) => evaluate(`(() => { const s = document.querySelectorAll('form select')[${which}];
        s.selectedIndex = ${index}; s.dispatchEvent(new Event('input', {bubbles: true})); })()`);
    const state = () => evaluate(`(() => {
      const ks = [...document.querySelectorAll('[data-check]')].map((e) => e.dataset.check);
      return {att: ks.filter((k) => k.startsWith("attain:")), pts: ks.filter((k) => k.startsWith("trendatt:${rep}:")).length,
              closed: document.querySelector('[data-check="teamclosed"]')?.textContent ?? ""};
    })()`);
    const repOnly = (s) => JSON.stringify(s.att) === JSON.stringify([`attain:${rep}`]);
    await pick(0, repIndex);
    const a = await until(state, (s) => repOnly(s) && s.pts === weeks);
    repOnly(a) && a.pts === weeks
      ? ok(`${file}: rep filter shows rep ${rep} only (${a.pts} weekly points)`)
      : bad(`${file}: rep filter`, `${a.att.join(",")}; ${a.pts} trend points, want ${weeks}`);
    await pick(1, dayIndex);
    const b = await until(state, (s) => parseShown(s.closed, exp.lang) === teamclosed && s.pts === dayIndex + 1);
    parseShown(b.closed, exp.lang) === teamclosed && b.pts === dayIndex + 1
      ? ok(`${file}: week filter: team closed ${b.closed} on ${day}, trend up to it`)
      : bad(`${file}: week filter`, `closed ${b.closed} want ${teamclosed}; ${b.pts} points`);
    await pick(1, weeks - 1);
    await pick(0, 0);
    await until(state, (s) => s.att.length === exp.order.attain.length && s.pts === 0);
  }

  // phone width: every chart drawn, nothing wider than the screen
  await send("Emulation.setDeviceMetricsOverride", {width: 390, height: 844, deviceScaleFactor: 1, mobile: true});
  // drawn for the narrow screen (Plot's width attribute), not a wide chart scaled down
  const phoneOk = (p) => p.n > 0 && p.empty === 0 && p.wide === 0 && p.marks > 0 && p.scroll <= 390;
  const phone = await until(() => evaluate(`(() => {
    const svgs = [...document.querySelectorAll('.qx-chart svg')];
    const charts = svgs.map((s) => s.getBoundingClientRect());
    const wide = svgs.filter((s) => !(Number(s.getAttribute('width')) <= 390)).length;
    const marks = document.querySelectorAll('.qx-chart svg :is(rect, circle, path)').length;
    return {n: charts.length, empty: charts.filter((r) => !(r.width > 0 && r.height > 0) || r.right > 391).length,
            wide, marks, scroll: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight};
  })()`), phoneOk, 10000);
  phoneOk(phone)
    ? ok(`${file}: at 390 px ${phone.n} charts drawn for the narrow screen, page ${phone.scroll} px wide`)
    : bad(`${file}: phone width`, JSON.stringify(phone));
  if (outDir && exp.phoneShot) {
    await send("Emulation.setDeviceMetricsOverride", {width: 390, height: Math.min(phone.height, 2400), deviceScaleFactor: 1, mobile: true});
    await sleep(500);
    const shot = await send("Page.captureScreenshot", {format: "png"});
    writeFileSync(join(outDir, file.replace(/\.html$/, "").replace(/\//g, "_") + "-phone.png"), Buffer.from(shot.data, "base64"));
  }
  await send("Emulation.clearDeviceMetricsOverride");
  await sleep(500);

  if (outDir && exp.shot) {
    const height = await evaluate("document.documentElement.scrollHeight");
    await send("Emulation.setDeviceMetricsOverride", {width: 1400, height: Math.min(height, 8000), deviceScaleFactor: 1, mobile: false});
    await sleep(300);
    const shot = await send("Page.captureScreenshot", {format: "png"});
    writeFileSync(join(outDir, file.replace(/\.html$/, "").replace(/\//g, "_") + ".png"), Buffer.from(shot.data, "base64"));
    await send("Emulation.clearDeviceMetricsOverride");
  }
  console.log(`# ${file}: checked in ${Date.now() - t0} ms`);
}

console.log(`${passed} passed, ${failed} failed`);
await call("Browser.close").catch(() => {});
if (chrome.exitCode === null && chrome.signalCode === null)
  await Promise.race([new Promise((r) => chrome.on("exit", r)), sleep(5000)]);
chrome.kill();
// the browser's helpers may still be writing into the profile for a moment
try { rmSync(profile, {recursive: true, force: true, maxRetries: 10, retryDelay: 200}); } catch {}
process.exit(failed ? 1 : 0);
