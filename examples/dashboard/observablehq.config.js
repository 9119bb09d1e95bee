// Observable Framework configuration of the quota_ext dashboard.
// Nothing is fetched from the network at build time or in the browser: no
// web fonts (globalStylesheets: []), Observable Plot imported from
// node_modules (bundled into the site, never npm:), no search index.
// Telemetry is off in the build script (OBSERVABLE_TELEMETRY_DISABLE=true).
// One page per rep and language (src/rep/[lang]/[rep].md): the reps are read
// from the same database as the data loader (libpq variables).
import pg from "pg";

async function* repPaths() {
  const client = new pg.Client();
  await client.connect();
  let rows;
  try {
    ({rows} = await client.query("SELECT rep_id FROM sales.reps ORDER BY rep_id"));
  } finally {
    await client.end();
  }
  for (const lang of ["en", "ru", "bg"]) for (const r of rows) yield `/rep/${lang}/${r.rep_id}`;
}

export default {
  root: "src",
  title: "quota_ext",
  pages: [
    {name: "English", path: "/index"},
    {name: "Русский", path: "/ru"},
    {name: "Български", path: "/bg"}
  ],
  dynamicPaths: repPaths,
  globalStylesheets: [],
  head: '<link rel="icon" href="data:,">', // no favicon request
  style: "style.css",
  footer: "quota_ext demo database · built with Observable Framework and Observable Plot",
  sidebar: false,
  toc: false,
  pager: false,
  search: false,
  preserveIndex: true,
  preserveExtension: true
};
