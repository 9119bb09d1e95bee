// Observable Framework configuration of the quota_ext dashboard.
// Nothing is fetched from the network at build time or in the browser: no
// web fonts (globalStylesheets: []), no npm: imports (the pages use no
// implicit library such as Plot, d3, html or Inputs), no search index.
export default {
  root: "src",
  title: "quota_ext",
  pages: [
    {name: "English", path: "/index"},
    {name: "Русский", path: "/ru"}
  ],
  globalStylesheets: [],
  head: '<link rel="icon" href="data:,">', // no favicon request
  style: "style.css",
  footer: "quota_ext demo database · built with Observable Framework",
  sidebar: false,
  toc: false,
  pager: false,
  search: false,
  preserveIndex: true,
  preserveExtension: true
};
