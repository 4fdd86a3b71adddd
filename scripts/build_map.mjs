// Builds relations/data/asean-map.json, the map of Southeast Asia the site draws as SVG, from
// Natural Earth's 1:50m countries as the world-atlas npm package ships them (TopoJSON). Run once,
// when the map should change; the site reads only the JSON it writes (no Node.js in production):
//
//   mkdir -p /tmp/atlas && cd /tmp/atlas && npm install world-atlas@2 topojson-client@3
//   node scripts/build_map.mjs /tmp/atlas > relations/data/asean-map.json
//
// Projection: equirectangular, scaled by the cosine of the region's middle latitude (at 10° from
// the equator it distorts little). Paths are in a viewBox of WIDTH units, rounded to 0.1 and
// thinned (a point closer than MIN_STEP to the last one kept is dropped), which keeps the file
// small. Neighbours (China, India, Australia, ...) are drawn as context, clamped to the frame.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const atlas = process.argv[2] || "/tmp/atlas";
const require = createRequire(`${atlas}/node_modules/`);
const { feature } = require("topojson-client");
const topology = JSON.parse(readFileSync(`${atlas}/node_modules/world-atlas/countries-50m.json`, "utf8"));

// ISO 3166-1 numeric (world-atlas's ids) to the alpha-2 codes of relations.Country.
const MEMBERS = {
  "096": "BN", "116": "KH", "360": "ID", "418": "LA", "458": "MY", "104": "MM",
  "608": "PH", "702": "SG", "764": "TH", "626": "TL", "704": "VN",
};
const WEST = 91, EAST = 142, NORTH = 29.5, SOUTH = -11.5;
const WIDTH = 800;
const COS = Math.cos(((NORTH + SOUTH) / 2) * Math.PI / 180);
const K = WIDTH / ((EAST - WEST) * COS);
const HEIGHT = Math.round((NORTH - SOUTH) * K);
const MIN_STEP = 2;

const round = (v) => Math.round(v * 10) / 10;
const project = ([lon, lat]) => [round((lon - WEST) * COS * K), round((NORTH - lat) * K)];
const clamp = ([x, y]) => [Math.min(Math.max(x, -2), WIDTH + 2), Math.min(Math.max(y, -2), HEIGHT + 2)];

function ringPath(ring, clampIt) {
  let points = ring.map(project);
  if (clampIt) points = points.map(clamp);
  const kept = [points[0]];
  for (const p of points.slice(1)) {
    const last = kept[kept.length - 1];
    if (Math.hypot(p[0] - last[0], p[1] - last[1]) >= MIN_STEP) kept.push(p);
  }
  if (kept.length < 3) return "";
  const xs = kept.map((p) => p[0]), ys = kept.map((p) => p[1]);
  const extent = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  if (clampIt && (Math.min(...xs) >= WIDTH || Math.max(...xs) <= 0 || Math.min(...ys) >= HEIGHT || Math.max(...ys) <= 0)) return "";
  if (extent < 3) return "";
  return "M" + kept.map((p) => `${p[0]} ${p[1]}`).join("L") + "Z";
}

function polygons(geometry) {
  if (!geometry) return [];
  return geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
}

function path(geometry, clampIt) {
  return polygons(geometry).map((polygon) => polygon.map((ring) => ringPath(ring, clampIt)).join("")).join("");
}

// Where to put a marker or label: the middle of the largest ring's bounding box (in the viewBox).
function anchor(geometry) {
  let best = null, area = -1;
  for (const polygon of polygons(geometry)) {
    const pts = polygon[0].map(project);
    const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
    const a = (Math.max(...xs) - Math.min(...xs)) * (Math.max(...ys) - Math.min(...ys));
    if (a > area) {
      area = a;
      best = [round((Math.max(...xs) + Math.min(...xs)) / 2), round((Math.max(...ys) + Math.min(...ys)) / 2)];
    }
  }
  return best;
}

const countries = {};
const context = [];
for (const f of feature(topology, topology.objects.countries).features) {
  const code = MEMBERS[f.id];
  if (code) {
    countries[code] = { path: path(f.geometry, false), anchor: anchor(f.geometry) };
  } else {
    const d = path(f.geometry, true);
    if (d) context.push(d);
  }
}

// Cities where Canada has or may have a mission or office, to place its marker (a mission in a
// city not listed here is marked at its country's anchor). Decimal degrees.
const CITIES = {
  "Bandar Seri Begawan": [114.94, 4.89], Bangkok: [100.5, 13.75], Dili: [125.57, -8.56],
  Hanoi: [105.85, 21.03], "Ho Chi Minh City": [106.7, 10.78], Jakarta: [106.83, -6.2],
  "Kuala Lumpur": [101.69, 3.14], Manila: [120.98, 14.6], "Phnom Penh": [104.92, 11.56],
  Singapore: [103.82, 1.35], Vientiane: [102.63, 17.97], Yangon: [96.16, 16.87],
  "Nay Pyi Taw": [96.13, 19.76],
};
const cities = Object.fromEntries(Object.entries(CITIES).map(([name, c]) => [name, project(c)]));

process.stdout.write(
  JSON.stringify(
    {
      source: "Natural Earth 1:50m Admin 0 countries (public domain), via world-atlas 2 (ISC); scripts/build_map.mjs",
      width: WIDTH,
      height: HEIGHT,
      context: context.join(""),
      countries,
      cities,
    },
    null,
    1,
  ) + "\n",
);
