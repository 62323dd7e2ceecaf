/**
 * Country outlines from the world-atlas package (Natural Earth 1:50m), so a map can be drawn
 * before any COD-AB boundary is imported. Loaded on first use only.
 */
import { createRequire } from 'node:module';
import type { Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { orientRfc7946 } from './rings.js';

// world-atlas keys countries by ISO 3166 numeric code; these are the response countries and
// their neighbours (public facts).
const ISO_NUMERIC: Readonly<Record<string, string>> = {
  BF: '854', ML: '466', NE: '562', TD: '148', MR: '478', SN: '686', GM: '270', GN: '324', GW: '624',
  CI: '384', GH: '288', TG: '768', BJ: '204', NG: '566', CM: '120', DZ: '012', LY: '434', SL: '694',
  LR: '430', CF: '140', SD: '729', MA: '504', EH: '732',
};

let outlines: Map<string, Geometry> | undefined;

function load(): Map<string, Geometry> {
  const require = createRequire(import.meta.url);
  const atlas = require('world-atlas/countries-50m.json') as Topology<{ countries: GeometryCollection }>;
  const collection = feature(atlas, atlas.objects.countries);
  const byNumeric = new Map<string, Geometry>();
  for (const country of collection.features) {
    // world-atlas turns rings clockwise (d3-geo's order); served like imported boundaries, in RFC 7946's.
    const geometry = country.geometry.type === 'Polygon' || country.geometry.type === 'MultiPolygon' ? orientRfc7946(country.geometry) : country.geometry;
    if (country.id !== undefined) byNumeric.set(String(country.id), geometry);
  }
  return new Map(
    Object.entries(ISO_NUMERIC).flatMap(([iso2, numeric]) => {
      const geometry = byNumeric.get(numeric);
      return geometry ? [[iso2, geometry] as const] : [];
    }),
  );
}

export function countryOutline(iso2: string): Geometry | undefined {
  outlines ??= load();
  return outlines.get(iso2);
}
