/**
 * Rebuilds geodata/*.topojson, the simplified admin1 and admin2 boundaries the demo loads, from
 * the COD-AB files of ../shared/data/geo/boundaries:
 *
 *     npx tsx scripts/demo-boundaries.ts [path/to/shared/data/geo/boundaries]
 *
 * The COD files are older than the demo gazetteer (src/demo/sahel-admin.ts), so units are matched
 * to its P-codes here (see MATCHING below) and what does not match is printed. Run it again when
 * the COD files or the gazetteer change; the output is deterministic.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { feature, merge } from 'topojson-client';
import { topology } from 'topojson-server';
import { presimplify, quantile, simplify } from 'topojson-simplify';
import type { GeometryCollection, MultiPolygon as TopoMultiPolygon, Objects, Polygon as TopoPolygon, Topology } from 'topojson-specification';
import { SAHEL_ADMIN } from '../src/demo/sahel-admin.js';
import { nameKey } from '../src/geo/names.js';
import { containsPoint, interiorPoint } from '../src/geo/rings.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = path.resolve(process.argv[2] ?? path.join(ROOT, '../shared/data/geo/boundaries'));
const OUTPUT = path.join(ROOT, 'geodata');
/** Share of the points kept: enough for a country map, small enough to ship (~0.35 MB for the six files). */
const KEEP = 0.08;
const QUANTIZATION = 1e5;

type Area = Polygon | MultiPolygon;
type Props = { pcode: string; name: string };
type Piece = TopoPolygon<Props> | TopoMultiPolygon<Props>;

interface Source {
  topology: Topology<{ geom: GeometryCollection }>;
  pieces: Array<{ pcode: string; name: string; geometry: Piece }>;
}

function readSource(file: string, level: number): Source {
  const document = JSON.parse(readFileSync(path.join(SOURCE, file), 'utf8')) as Topology<{ geom: GeometryCollection }>;
  const [object] = Object.values(document.objects);
  const pieces = (object!.geometries as Piece[]).map((geometry) => {
    const properties = (geometry.properties ?? {}) as unknown as Record<string, string>;
    return { pcode: properties[`admin${level}Pcode`]!, name: properties[`admin${level}Name`]!, geometry };
  });
  return { topology: document, pieces };
}

/** One area from pieces of one topology, merged along their shared arcs (no slivers). */
function mergeArea(source: Source, pcodes: readonly string[]): Area {
  const chosen = source.pieces.filter((piece) => pcodes.includes(piece.pcode)).map((piece) => piece.geometry);
  if (chosen.length !== pcodes.length) throw new Error(`missing pieces among ${pcodes.join(', ')}`);
  if (chosen.length === 1) return (feature(source.topology, chosen[0]!) as Feature<Area>).geometry;
  return merge(source.topology, chosen);
}

const gazetteer = (iso3: string, level: 1 | 2): Array<{ pcode: string; name: string; parent: string }> => {
  const country = SAHEL_ADMIN[iso3]!;
  return level === 1
    ? country.admin1.map(([pcode, name]) => ({ pcode, name, parent: iso3 }))
    : country.admin1.flatMap(([parent, , units]) => units.map(([pcode, name]) => ({ pcode, name, parent })));
};

const unmatched: string[] = [];

// ---- MATCHING -------------------------------------------------------------------------------
// BFA: the 2018 COD has the gazetteer's 13 regions and 45 provinces under the same P-codes.
// MLI: the 2019 COD predates the Ménaka region (ML10): every unit is built from the 2019
//      communes, Ménaka cercle's four communes becoming the gazetteer's four cercles of ML10.
// NER: the 2015 departments were renumbered by 2023: matched by name within each region
//      (plus the renamings below); Niamey (NE008001) is the 2015 Niamey region.

function burkina(level: 1 | 2): Array<Feature<Area, Props>> {
  const source = readSource(`bfa_adm${level}.topojson`, level);
  return gazetteer('BFA', level).flatMap((unit) => {
    const piece = source.pieces.find((candidate) => candidate.pcode === unit.pcode);
    if (piece === undefined) {
      unmatched.push(`${unit.pcode} ${unit.name}`);
      return [];
    }
    return [{ type: 'Feature', properties: { pcode: unit.pcode, name: unit.name }, geometry: mergeArea(source, [piece.pcode]) }];
  });
}

/** Gazetteer cercle → 2019 commune-code prefix (ML0704xx: the Ménaka communes). */
const MENAKA: Readonly<Record<string, string>> = { ML1001: 'ML070403', ML1002: 'ML070401', ML1003: 'ML070402', ML1004: 'ML070404' };

function mali(level: 1 | 2): Array<Feature<Area, Props>> {
  const communes = readSource('mli_adm3.topojson', 3);
  const cercleOf = (commune: string): string => {
    const menaka = Object.entries(MENAKA).find(([, prefix]) => commune.startsWith(prefix));
    return menaka !== undefined ? menaka[0] : commune.slice(0, 6);
  };
  return gazetteer('MLI', level).flatMap((unit) => {
    const pcodes = communes.pieces.filter((piece) => (level === 2 ? cercleOf(piece.pcode) : cercleOf(piece.pcode).slice(0, 4)) === unit.pcode).map((piece) => piece.pcode);
    if (pcodes.length === 0) {
      unmatched.push(`${unit.pcode} ${unit.name}`);
      return [];
    }
    return [{ type: 'Feature', properties: { pcode: unit.pcode, name: unit.name }, geometry: mergeArea(communes, pcodes) }];
  });
}

/** 2023 gazetteer name → 2015 department name, where the department was renamed or is spelt otherwise. */
const NIGER_RENAMED: Readonly<Record<string, string>> = {
  Dogondoutchi: 'Doutchi',
  "Birni N'Konni": 'Konni',
  Balleyara: 'Tagazar',
  Belbedji: 'Tarka',
  Kantche: 'Matameye',
  Dioundiou: 'Dioudiou',
  'Guidan Roumdji': 'Guidan Roumji',
  Bankilare: 'Bankillare',
  Takeita: 'Takieta',
  Tesker: 'Tasker',
};
/** Names compared without accents, case, spaces or apostrophes (In-Gall = Ingall, N'Guigmi = NGuigmi). */
const looseName = (name: string): string => nameKey(name).replace(/[^a-z]/g, '');

function niger(level: 1 | 2): Array<Feature<Area, Props>> {
  const regions = readSource('ner_adm1.topojson', 1);
  if (level === 1) {
    return gazetteer('NER', 1).map((unit) => ({ type: 'Feature', properties: { pcode: unit.pcode, name: unit.name }, geometry: mergeArea(regions, [unit.pcode]) }));
  }
  const departments = readSource('ner_adm2.topojson', 2);
  const niamey = mergeArea(regions, ['NE008']);
  return gazetteer('NER', 2).flatMap((unit): Array<Feature<Area, Props>> => {
    if (unit.pcode === 'NE008001') return [{ type: 'Feature', properties: { pcode: unit.pcode, name: unit.name }, geometry: niamey }];
    const wanted = looseName(NIGER_RENAMED[unit.name] ?? unit.name);
    const piece = departments.pieces.find((candidate) => candidate.pcode.startsWith(unit.parent) && looseName(candidate.name) === wanted);
    if (piece === undefined) {
      unmatched.push(`${unit.pcode} ${unit.name}`);
      return [];
    }
    let geometry = mergeArea(departments, [piece.pcode]);
    // The 2015 Kollo department covers Niamey, which has no department of its own in that file:
    // Niamey becomes a hole, so that a location is in one admin2 only.
    if (unit.name === 'Kollo') geometry = withHoles(geometry, niamey);
    return [{ type: 'Feature', properties: { pcode: unit.pcode, name: unit.name }, geometry }];
  });
}

/** `area` with the exterior rings of `cut` as holes of the polygon that holds them. */
function withHoles(area: Area, cut: Area): Area {
  const polygons = area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
  const holes = cut.type === 'Polygon' ? [cut.coordinates[0]!] : cut.coordinates.map((polygon) => polygon[0]!);
  const result = polygons.map((rings) => [...rings]);
  for (const hole of holes) {
    const [x, y] = interiorPoint({ type: 'Polygon', coordinates: [hole] });
    const host = result.find((rings) => containsPoint({ type: 'Polygon', coordinates: [rings[0]!] }, x, y));
    host?.push([...hole].reverse());
  }
  return result.length === 1 ? { type: 'Polygon', coordinates: result[0]! } : { type: 'MultiPolygon', coordinates: result };
}

/** Simplified TopoJSON with COD-style properties (admin{N}Pcode, admin{N}Name), as the import reads. */
function simplified(features: Array<Feature<Area, Props>>, level: number): string {
  const collection: FeatureCollection<Area, Record<string, string>> = {
    type: 'FeatureCollection',
    features: features.map((unit) => ({ type: 'Feature', properties: { [`admin${level}Pcode`]: unit.properties.pcode, [`admin${level}Name`]: unit.properties.name }, geometry: unit.geometry })),
  };
  const built = topology({ boundaries: collection }, QUANTIZATION) as unknown as Topology<Objects>;
  const weighted = presimplify(built);
  const result = simplify(weighted, quantile(weighted, KEEP));
  return JSON.stringify(result);
}

mkdirSync(OUTPUT, { recursive: true });
let total = 0;
for (const [iso3, build] of [
  ['bfa', burkina],
  ['mli', mali],
  ['ner', niger],
] as const) {
  for (const level of [1, 2] as const) {
    const text = simplified(build(level), level);
    const file = path.join(OUTPUT, `${iso3}_adm${level}.topojson`);
    writeFileSync(file, `${text}\n`);
    total += text.length + 1;
    console.log(`${path.relative(ROOT, file)}: ${(text.length / 1024).toFixed(1)} KiB`);
  }
}
console.log(`total ${(total / 1024).toFixed(1)} KiB`);
console.log(unmatched.length === 0 ? 'every gazetteer unit matched' : `without a boundary (no COD unit matches): ${unmatched.join('; ')}`);
