// Keeps `observable build` off the network.  Observable Plot itself needs no
// help: the pages import it from node_modules ("@observablehq/plot", pinned in
// package.json) and the build bundles it into the site.  But Framework's own
// client bundle names the libraries a page may load lazily (React, d3, Plot,
// Arquero, DuckDB, ...) as npm: imports, and to write their import paths the
// build asks the npm registry for each one's latest version unless a
// directory name@version exists in its cache -- even when no page uses them
// (without this file an offline build stops at "bundle /_observablehq/client.js
// → npm:react-dom@latest → fetch failed").  These empty directories pin the
// versions instead; nothing is downloaded at build time or in the browser
// (test/dashboard.sh builds in a network namespace without network and
// checks the pages' requests).  Plot's pin is the installed version.
import {mkdirSync, readFileSync} from "node:fs";

const plot = JSON.parse(readFileSync(new URL("node_modules/@observablehq/plot/package.json", import.meta.url), "utf8")).version;
const pinned = [
  `@observablehq/plot@${plot}`, "@observablehq/sample-datasets@1.0.1", "apache-arrow@21.2.0",
  "arquero@8.0.3", "d3@7.9.2", "d3-dsv@3.0.2", "echarts@6.1.0", "htl@1.0.0", "leaflet@1.9.4",
  "lodash@4.18.1", "mapbox-gl@3.32.0", "parquet-wasm@0.8.0", "react@19.3.1", "react-dom@19.3.1",
  "topojson-client@3.1.0"
];
for (const p of pinned) mkdirSync(new URL(`src/.observablehq/cache/_npm/${p}`, import.meta.url), {recursive: true});
