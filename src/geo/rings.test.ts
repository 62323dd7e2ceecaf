import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { geoArea, geoContains } from 'd3-geo';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { describe, expect, it } from 'vitest';
import { parseBoundaries } from './boundaries.js';
import { containsPoint, interiorPoint, orientRfc7946, ringSignedArea, type AreaGeometry } from './rings.js';

// Real COD-AB files live beside the project, never in it (see ../shared/data/README.md).
const BOUNDARIES = path.resolve(process.cwd(), '../shared/data/geo/boundaries');

interface RealFile {
  title: (what: string) => string;
  exists: boolean;
  features: () => Array<Feature<AreaGeometry, Record<string, unknown>>>;
  text: () => string;
}

function realFile(name: string): RealFile {
  const file = path.join(BOUNDARIES, name);
  const exists = existsSync(file);
  const text = (): string => readFileSync(file, 'utf8');
  return {
    exists,
    title: (what) => (exists ? what : `${what} — SKIPPED: fixture ../shared/data/geo/boundaries/${name} not found`),
    text,
    features: () => {
      const document = JSON.parse(text()) as FeatureCollection<AreaGeometry, Record<string, unknown>> | Topology<{ [key: string]: GeometryCollection }>;
      if (document.type === 'FeatureCollection') return document.features;
      const [object] = Object.values(document.objects);
      return (feature(document, object!) as FeatureCollection<AreaGeometry, Record<string, unknown>>).features;
    },
  };
}

const exteriors = (geometry: AreaGeometry) => (geometry.type === 'Polygon' ? [geometry.coordinates[0]!] : geometry.coordinates.map((polygon) => polygon[0]!));
const holes = (geometry: AreaGeometry) => (geometry.type === 'Polygon' ? geometry.coordinates.slice(1) : geometry.coordinates.flatMap((polygon) => polygon.slice(1)));
const pcodeOf = (unit: Feature<AreaGeometry, Record<string, unknown>>, level: number): string => String(unit.properties[`admin${level}Pcode`]);

const mali = realFile('mli_adm2.geojson');
const burkina = realFile('bfa_adm2.topojson');
const niger = realFile('ner_adm2.topojson');

describe('ring orientation of real COD-AB boundaries', () => {
  it.skipIf(!mali.exists)(mali.title('Mali cercles arrive counter-clockwise (RFC 7946), which d3-geo reads as the rest of the world'), () => {
    const cercles = mali.features();
    expect(cercles).toHaveLength(50);
    expect(cercles.every((cercle) => exteriors(cercle.geometry).every((ring) => ringSignedArea(ring) > 0))).toBe(true);
    // The defect as users met it: d3-geo says a point in the middle of Bamako is outside Bamako…
    const bamako = cercles.find((cercle) => pcodeOf(cercle, 2) === 'ML0901')!;
    expect(geoContains(bamako, [-7.99, 12.64])).toBe(false);
    // …and that Dakar is inside it (the area d3-geo sees is most of the sphere).
    expect(geoArea(bamako)).toBeGreaterThan(2 * Math.PI);
    expect(geoContains(bamako, [-17.45, 14.69])).toBe(true);
    // The planar test does not care.
    expect(containsPoint(bamako.geometry, -7.99, 12.64)).toBe(true);
    expect(containsPoint(bamako.geometry, -17.45, 14.69)).toBe(false);
  });

  for (const [file, level, count] of [
    [mali, 2, 50],
    [burkina, 2, 45],
    [niger, 2, 63],
  ] as const) {
    it.skipIf(!file.exists)(file.title(`each of the ${count} admin${level} units holds its own interior point and no other unit does`), () => {
      const units = file.features();
      expect(units).toHaveLength(count);
      for (const unit of units) {
        const [x, y] = interiorPoint(unit.geometry);
        const owners = units.filter((other) => containsPoint(other.geometry, x, y)).map((other) => pcodeOf(other, level));
        expect(owners, pcodeOf(unit, level)).toEqual([pcodeOf(unit, level)]);
      }
    });
  }

  it.skipIf(!mali.exists)(mali.title('normalising gives counter-clockwise exteriors and clockwise holes, whatever the input order'), () => {
    for (const cercle of mali.features()) {
      // Reversed rings (d3-geo's and world-atlas's order) come back the same as the file's own.
      const reversed: AreaGeometry =
        cercle.geometry.type === 'Polygon'
          ? { type: 'Polygon', coordinates: cercle.geometry.coordinates.map((ring) => [...ring].reverse()) }
          : { type: 'MultiPolygon', coordinates: cercle.geometry.coordinates.map((polygon) => polygon.map((ring) => [...ring].reverse())) };
      for (const input of [cercle.geometry, reversed]) {
        const oriented = orientRfc7946(input);
        expect(exteriors(oriented).every((ring) => ringSignedArea(ring) > 0)).toBe(true);
        expect(holes(oriented).every((ring) => ringSignedArea(ring) < 0)).toBe(true);
        expect(oriented).toEqual(orientRfc7946(cercle.geometry));
      }
    }
    // The one cercle with a hole (a unit enclosed by another) keeps it as a hole.
    expect(mali.features().reduce((sum, cercle) => sum + holes(cercle.geometry).length, 0)).toBeGreaterThan(0);
  });

  it.skipIf(!mali.exists)(mali.title('an imported file is stored in RFC 7946 order, map geometry included'), () => {
    // The same cercles with every ring reversed, as a tool writing d3-geo's order would save them.
    const collection = JSON.parse(mali.text()) as FeatureCollection<AreaGeometry>;
    for (const cercle of collection.features) {
      const geometry = cercle.geometry;
      if (geometry.type === 'Polygon') geometry.coordinates = geometry.coordinates.map((ring) => [...ring].reverse());
      else geometry.coordinates = geometry.coordinates.map((polygon) => polygon.map((ring) => [...ring].reverse()));
    }
    const units = [...parseBoundaries(mali.text()).units, ...parseBoundaries(JSON.stringify(collection)).units];
    expect(units).toHaveLength(100);
    for (const unit of units) {
      for (const geometry of [unit.geometry, unit.simplified] as Array<Polygon | MultiPolygon>) {
        expect(exteriors(geometry).every((ring) => ringSignedArea(ring) > 0)).toBe(true);
        expect(holes(geometry).every((ring) => ringSignedArea(ring) < 0)).toBe(true);
      }
      const [x, y] = interiorPoint(unit.geometry);
      expect(containsPoint(unit.simplified, x, y) || containsPoint(unit.geometry, x, y)).toBe(true);
    }
  });
});
