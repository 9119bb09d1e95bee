// Keeps `observable build` off the network.  Framework's client can load a
// few libraries lazily (React, d3, Plot, Arquero, ...; this dashboard uses
// none of them) and, to write their import paths, asks the npm registry for
// their latest version unless a directory name@version already exists in
// its cache.  These empty directories pin the versions instead: nothing is
// downloaded, at build time or in the browser (test/dashboard.sh builds in a
// network namespace without network and checks the page's requests).
import {mkdirSync} from "node:fs";

const pinned = [
  "@observablehq/plot@0.6.17", "@observablehq/sample-datasets@1.0.1", "apache-arrow@21.2.0",
  "arquero@8.0.3", "d3@7.9.2", "d3-dsv@3.0.2", "echarts@6.1.0", "htl@1.0.0", "leaflet@1.9.4",
  "lodash@4.18.1", "mapbox-gl@3.32.0", "parquet-wasm@0.8.0", "react@19.3.1", "react-dom@19.3.1",
  "topojson-client@3.1.0"
];
for (const p of pinned) mkdirSync(new URL(`src/.observablehq/cache/_npm/${p}`, import.meta.url), {recursive: true});
