/**
 * Fuzz tests (property-based) of the geography parsers: the HDX gazetteer, COD-AB boundaries
 * (GeoJSON and TopoJSON), COD-PS population and the P-code length table. Whatever the file, the
 * answer is checked units (every promise of the types kept) and catalogued refusals, or one
 * catalogued AppError; never another exception. Sizes are bounded so each property stays fast.
 */
import fc from 'fast-check';
import type { Position } from 'geojson';
import { topology } from 'topojson-server';
import { describe, expect, it } from 'vitest';
import { countPositions } from './boundary-simplify.js';
import { detectGeoFormat, parseGazetteer, parsePcodeLengths, parsePopulation } from './formats.js';
import { parseBoundaries, type BoundaryOptions, type ParsedBoundaries } from './boundaries.js';
import { parseIsoDate } from './geo-cells.js';
import { type BoundaryGeometry } from './boundary-geometry.js';
import { loadSchemesFromLengthsCsv } from './pcode.js';
import { FUZZ, checkRowIssues, columnsOf, mostly, settle } from '../../test/support/fuzz.js';

const PCODE = /^[A-Z]{2}\d*$/;
const isDate = (value: string): boolean => parseIsoDate(value) === value;

/** A well-formed admin unit of the three countries: P-code, level, ISO3, parent. */
const unit = fc
  .record({
    country: fc.constantFrom({ iso2: 'ML', iso3: 'MLI', digits: 2 }, { iso2: 'BF', iso3: 'BFA', digits: 2 }, { iso2: 'NE', iso3: 'NER', digits: 3 }),
    level: fc.integer({ min: 0, max: 2 }),
    first: fc.integer({ min: 1, max: 12 }),
    second: fc.integer({ min: 1, max: 12 }),
  })
  .map(({ country: { iso2, iso3, digits }, level, first, second }) => {
    const part = (value: number): string => String(value).padStart(digits, '0');
    const admin1 = `${iso2}${part(first)}`;
    const pcode = level === 0 ? iso2 : level === 1 ? admin1 : `${admin1}${part(second)}`;
    return { iso2, iso3, level, pcode, parent: level === 0 ? '' : level === 1 ? iso3 : admin1 };
  });

/** CSV text from cells: quoted when needed, as a spreadsheet writes it. */
function csv(rows: readonly (readonly string[])[], delimiter = ','): string {
  const quote = (value: string): string => (/[",;\t\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return `${rows.map((cells) => cells.map(quote).join(delimiter)).join('\n')}\n`;
}

const pcodeText = fc.oneof(
  fc.constantFrom('ML05', 'MLI05', 'ML0501', 'ML050101', 'ML', 'MLI', 'BF46', 'BF4601', 'NE001', 'NER001001', 'NE001001', 'ml05', ' ML05 ', 'ML05\u0000', 'ML5', 'XX01', 'FR01', '', '<Null>', '9'.repeat(40), 'ML-05', 'ML０５'),
  fc.string({ maxLength: 10 }),
);
const numberText = fc.oneof(
  fc.constantFrom('0', '1', '12', '2614680', '1e308', '1e309', '-1e309', 'NaN', 'Infinity', '-0', '-5', '1 234', '1\u00A0234', '1,234', '1.5', '0x10', '', '<Null>', '#N/A', '  12  ', '１２', '1e-400', '9'.repeat(400)),
  fc.double().map(String),
  fc.integer().map(String),
);
const dateText = mostly(
  fc.constantFrom('2021-12-20', '2020-02-29', '2021-12-20T10:00:00Z', '2021-12-20 10:00:00+01:00'),
  fc.constantFrom('2021-02-29', '0000-00-00', '', '1e309', '99999-01-01', '20/12/2021', '1639958400000', 'null'),
);
const nameText = mostly(
  fc.constantFrom('Mopti', 'Ségou', 'Tillabéri', '=HYPERLINK("x")', '\u202Eevil', 'Tombouctou; "Gao"'),
  fc.oneof(fc.constantFrom('', ' ', '<Null>', 'N/A', 'x'.repeat(250), 'Tillabéri\u0000'), fc.string({ maxLength: 20 })),
);
const levelText = fc.constantFrom('0', '1', '2', '3', '5', '6', '01', '1.0', '-1', '', 'NaN', '1e309', ' 1 ');

describe('gazetteer (fuzz)', FUZZ, () => {
  const header = columnsOf(['Location', 'Admin Level', 'P-Code', 'Name', 'Parent P-Code', 'Valid from date', '__proto__', 'Nom'], ['Admin Level', 'P-Code', 'Name', 'Valid from date']);
  const row = unit.chain((right) =>
    fc.record({
      Location: mostly(fc.constantFrom(right.iso3, right.iso3.toLowerCase(), right.iso2), fc.constantFrom('XXX', '', 'MLI', 'Mali')),
      'Admin Level': mostly(fc.constant(String(right.level)), levelText),
      'P-Code': mostly(fc.constantFrom(right.pcode, ` ${right.pcode.toLowerCase()} `), pcodeText),
      Name: nameText,
      'Parent P-Code': mostly(fc.constant(right.parent), pcodeText),
      'Valid from date': dateText,
      __proto__: fc.string({ maxLength: 4 }),
      Nom: nameText,
    }),
  );
  const file = header.chain((columns) =>
    fc.record({ columns: fc.constant(columns), rows: fc.array(row.map((cells) => columns.map((column) => cells[column as keyof typeof cells] ?? '')), { maxLength: 8 }) }),
  );

  it('gives well-formed units and catalogued refusals for any gazetteer-shaped file', () => {
    let accepted = 0;
    fc.assert(
      fc.property(file, ({ columns, rows }) => {
        const outcome = settle(() => parseGazetteer(csv([columns, ...rows])));
        if (!outcome.ok) {
          expect(['import.missingColumns', 'import.empty', 'import.unclosedQuote', 'import.malformedCsv']).toContain(outcome.error.code);
          return;
        }
        const seen = new Set<string>();
        for (const unit of outcome.value.units) {
          expect(unit.pcode).toMatch(PCODE);
          expect(unit.country).toBe(unit.pcode.slice(0, 2));
          expect(Number.isInteger(unit.level) && unit.level >= 0 && unit.level <= 5).toBe(true);
          expect(isDate(unit.validFrom)).toBe(true);
          expect(unit.name.trim()).not.toBe('');
          if (unit.parentPcode !== null) expect(unit.pcode.startsWith(unit.parentPcode)).toBe(true);
          expect(seen.has(unit.pcode)).toBe(false);
          seen.add(unit.pcode);
        }
        checkRowIssues(outcome.value.refused, { ordered: true });
        if (outcome.value.units.length > 0) accepted += 1;
      }),
      { numRuns: 300 },
    );
    // The generators reach the accepting path, not only refusals.
    expect(accepted).toBeGreaterThan(0);
  });

  it('survives any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 150 }), fc.string({ unit: 'binary', maxLength: 80 })), (text) => {
        const outcome = settle(() => parseGazetteer(text));
        if (outcome.ok) checkRowIssues(outcome.value.refused, { ordered: true });
      }),
      { numRuns: 300 },
    );
  });
});

describe('population (fuzz)', FUZZ, () => {
  const columns = ['ADM1_PCODE', 'ADM2_PCODE', 'admin1Pcode', 'ADM1_FR', 'T_TL', 'F_TL', 'M_TL', 'F_00_04', 'M_80plus', 't_05_09', 'year', 'Total', '__proto__'];
  const count = mostly(fc.integer({ min: 0, max: 5_000_000 }).map(String), numberText);
  const row = unit.chain((right) =>
    fc.record({
      pcode: mostly(fc.constant(right.pcode), pcodeText),
      total: mostly(fc.integer({ min: 1_000_000, max: 9_000_000 }).map(String), numberText),
      female: count,
      male: count,
      year: mostly(fc.constantFrom('2021', '2023', ''), fc.constantFrom('1899', '2201', '21', '2021.0')),
    }),
  );
  const cellOf = (column: string, cells: { pcode: string; total: string; female: string; male: string; year: string }): string => {
    if (/pcode/i.test(column)) return cells.pcode;
    if (column === 'T_TL' || column === 'Total') return cells.total;
    if (column === 'F_TL') return cells.female;
    if (column === 'M_TL') return cells.male;
    if (column === 'year') return cells.year;
    if (/_\d|plus/.test(column)) return cells.female;
    return 'Mopti';
  };
  const file = columnsOf(columns, ['ADM1_PCODE', 'T_TL']).chain((header) =>
    fc.record({
      header: fc.constant(header),
      rows: fc.array(row.map((cells) => header.map((column) => cellOf(column, cells))), { maxLength: 8 }),
      level: fc.option(fc.integer({ min: -1, max: 6 }), { nil: undefined, freq: 4 }),
    }),
  );

  it('gives finite, non-negative, consistent figures and catalogued refusals for any population-shaped file', () => {
    let accepted = 0;
    fc.assert(
      fc.property(file, ({ header, rows, level }) => {
        const outcome = settle(() => parsePopulation(csv([header, ...rows]), { level }));
        if (!outcome.ok) {
          expect(['import.missingColumns', 'import.empty', 'import.unclosedQuote', 'import.malformedCsv']).toContain(outcome.error.code);
          return;
        }
        for (const unit of outcome.value.units) {
          expect(unit.pcode).toMatch(PCODE);
          for (const figure of [unit.total, unit.female ?? 0, unit.male ?? 0, ...Object.values(unit.byAgeSex)]) {
            expect(Number.isFinite(figure) && figure >= 0).toBe(true);
          }
          expect((unit.female ?? 0) + (unit.male ?? 0)).toBeLessThanOrEqual(unit.total * (1 + 1e-9) + 1e-9);
          if (unit.year !== null) expect(unit.year >= 1900 && unit.year <= 2200).toBe(true);
          for (const key of Object.keys(unit.byAgeSex)) expect(key).toMatch(/^[fmt]_/);
        }
        checkRowIssues(outcome.value.refused, { ordered: true });
        if (outcome.value.units.length > 0) accepted += 1;
      }),
      { numRuns: 300 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('reads the P-code length table or refuses it, and its rows always load as schemes', () => {
    const lengths = fc.array(fc.tuple(fc.constantFrom('MLI', 'BFA', 'NER', 'XXX', 'mli', ''), numberText, numberText, numberText), { maxLength: 6 });
    fc.assert(
      fc.property(lengths, fc.boolean(), (rows, withHeader) => {
        const header = withHeader ? ['Location', 'Country Length', 'Admin 1 Length', 'Admin 2 Length'] : ['Location', 'Admin 1 Length'];
        const outcome = settle(() => parsePcodeLengths(csv([header, ...rows.map((row) => [...row])])));
        if (!outcome.ok) return;
        const schemes = loadSchemesFromLengthsCsv(outcome.value);
        for (const scheme of Object.values(schemes)) {
          expect(scheme.iso2).toMatch(/^[A-Z]{2}$/);
          for (const digits of scheme.digits) expect(Number.isInteger(digits) && digits > 0).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Boundaries
// ---------------------------------------------------------------------------------------------

/** Numbers a coordinate may be: ordinary, at the edges, absurd, or not a number at all. */
const coordinate = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -20, max: 20, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(0, -0, 180, -180, 90, -90, 180.0000001, 1e308, -1e308, 5e-324, 2 ** 53) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('NaN', '12', null, true, [], {}, Number.NaN, Number.POSITIVE_INFINITY) },
);
const position: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(coordinate, coordinate) },
  { weight: 1, arbitrary: fc.tuple(coordinate, coordinate, coordinate) },
  { weight: 1, arbitrary: fc.oneof(fc.constant([]), fc.tuple(coordinate), coordinate) },
);
/** A ring of small squares' corners, closed or not, or loose positions. */
const ring: fc.Arbitrary<unknown[]> = fc.oneof(
  fc.tuple(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: 1e-7, max: 2, noNaN: true }), fc.boolean()).map(([x, y, size, closed]) => {
    const corners = [[x, y], [x + size, y], [x + size, y + size], [x, y + size]];
    return closed ? [...corners, [x, y]] : corners;
  }),
  fc.array(position, { maxLength: 6 }),
);
/** Coordinates nested 0 to 5 deep: right for Polygon (3) or MultiPolygon (4), or wrong. */
const nested = (depth: number): fc.Arbitrary<unknown> => {
  if (depth <= 0) return coordinate;
  if (depth === 2) return ring;
  return fc.array(nested(depth - 1), { maxLength: 3 });
};
const coordinates = fc.oneof(nested(3), nested(4), nested(3), nested(4), nested(1), nested(2), nested(5), fc.constantFrom<unknown>(null, 'POLYGON((0 0,1 0,1 1,0 0))', {}));
const geometry = fc.oneof(
  { weight: 8, arbitrary: fc.record({ type: fc.constantFrom<unknown>('Polygon', 'MultiPolygon', 'Polygon', 'MultiPolygon', 'Point', 'GeometryCollection', 7, null), coordinates }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, undefined, 'Polygon', [], { type: 'Polygon' }) },
);
const propertyValue = fc.oneof(pcodeText, fc.constantFrom<unknown>(null, 5, 1.5, true, [], {}, 1e308, -0, '2021-12-20', 1639958400000, 'not a date'), nameText);
const propertyName = fc.constantFrom('admin1Pcode', 'ADM1_PCODE', 'admin0Pcode', 'ADM2_PCODE', 'admin1Name_fr', 'ADM1_EN', 'adm1_alt_name', 'validOn', 'date', '__proto__', 'constructor', 'name');
const properties = fc.oneof(
  { weight: 8, arbitrary: fc.dictionary(propertyName, propertyValue, { maxKeys: 5 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, [], 'admin1Pcode') },
);
/** A feature most parts of which are right: an admin1 square of Mali, then a few things wrong. */
const rightFeature = fc
  .record({ region: fc.integer({ min: 1, max: 10 }), x: fc.double({ min: -12, max: 4, noNaN: true }), y: fc.double({ min: 10, max: 24, noNaN: true }), size: fc.double({ min: 1e-4, max: 3, noNaN: true }) })
  .chain(({ region, x, y, size }) =>
    fc.record({
      type: mostly(fc.constant<unknown>('Feature'), fc.constantFrom<unknown>('feature', undefined, 7)),
      properties: mostly(
        fc.record({
          admin1Pcode: mostly(fc.constant<unknown>(`ML${String(region).padStart(2, '0')}`), propertyValue),
          admin1Name_fr: nameText,
          admin0Pcode: mostly(fc.constant<unknown>('ML'), propertyValue),
          validOn: mostly(fc.constantFrom<unknown>('2021-12-20', 1639958400000, undefined), propertyValue),
        }),
        properties,
      ),
      geometry: mostly(fc.constant<unknown>({ type: 'Polygon', coordinates: [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]] }), geometry),
    }),
  );
const feature = fc.oneof(
  { weight: 10, arbitrary: rightFeature },
  { weight: 4, arbitrary: fc.record({ type: fc.constantFrom<unknown>('Feature', 'Feature', 'Feature', 'feature', undefined), properties, geometry }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const crs = fc.constantFrom<unknown>(undefined, { type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } }, { type: 'name', properties: { name: 'EPSG:32630' } }, 'EPSG:4326');
const geoJson = fc.oneof(
  fc.record({ type: fc.constant('FeatureCollection'), crs, features: fc.array(feature, { maxLength: 6 }) }),
  feature,
  fc.record({ type: fc.constantFrom<unknown>('FeatureCollection', 'Geometry', 'Topology', null), features: fc.constantFrom<unknown>(null, {}, 'x', []) }),
);

/** Arc indexes: right ones, reversed ones (~i), out of range, beyond 32 bits, not integers. */
const arcIndex = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -4, max: 4 }) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(2 ** 31, -(2 ** 31) - 1, 2 ** 32, -(2 ** 40), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 0.5, -0, '0', null) },
  { weight: 1, arbitrary: fc.maxSafeInteger() },
);
const arcNest = (depth: number): fc.Arbitrary<unknown> => (depth <= 0 ? arcIndex : fc.array(arcNest(depth - 1), { maxLength: 3 }));
const topoGeometry = fc.oneof(
  { weight: 8, arbitrary: fc.record({ type: fc.constantFrom<unknown>('Polygon', 'MultiPolygon', 'Point', null, undefined, 'LineString'), arcs: fc.oneof(arcNest(2), arcNest(3), arcNest(1), arcNest(4)), properties }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const transform = fc.constantFrom<unknown>(
  undefined,
  { scale: [1, 1], translate: [0, 0] },
  { scale: [0.001, 0.001], translate: [-5, 10] },
  { scale: [1e308, 1e308], translate: [0, 0] },
  { scale: [0, 0], translate: [0, 0] },
  { scale: [1], translate: [0, 0] },
  { scale: 'x' },
  null,
);
const topoJson = fc.record({
  type: fc.constant('Topology'),
  transform,
  arcs: fc.oneof(fc.array(fc.oneof(fc.array(position, { maxLength: 6 }), ring, fc.constantFrom<unknown>(null, 'arc', [])), { maxLength: 5 }), fc.constantFrom<unknown>(null, {}, 'arcs')),
  objects: fc.oneof(
    fc.dictionary(fc.constantFrom('units', 'admin1', 'other'), fc.oneof(fc.record({ type: fc.constant('GeometryCollection'), geometries: fc.array(topoGeometry, { maxLength: 4 }) }), topoGeometry), { maxKeys: 2 }),
    fc.constantFrom<unknown>(null, [], 'objects'),
  ),
});

/** A valid file of squares, as a topology or a collection, then one of its numbers changed. */
const damagedValid = fc
  .record({
    squares: fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: -8, max: 8 }), fc.integer({ min: 8, max: 20 })), { minLength: 1, maxLength: 4, selector: ([region]) => region }),
    topo: fc.boolean(),
    at: fc.nat(),
    value: fc.constantFrom<unknown>(-(2 ** 31) - 1, 2 ** 40, -(2 ** 40), 1e308, -1, 99, 0.5, null, 'x', [], [[]], -0),
    /** Replace a number, or any node (an arc, a ring, an object) with the value. */
    anyNode: fc.boolean(),
  })
  .map(({ squares, topo, at, value, anyNode }) => {
    const collection = {
      type: 'FeatureCollection' as const,
      features: squares.map(([region, x, y]) => ({
        type: 'Feature' as const,
        properties: { admin1Pcode: `ML0${region}`, admin1Name_fr: `Région ${region}` },
        geometry: { type: 'Polygon' as const, coordinates: [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]] },
      })),
    };
    const document: unknown = topo ? topology({ units: collection }, 1e4) : collection;
    // Replace the at-th number (or node) anywhere in the document: an arc index, a delta, a
    // coordinate, or a whole ring, arc list or properties object.
    let seen = 0;
    const visit = (node: unknown): unknown => {
      if (anyNode && seen++ === at % 96) return value;
      if (typeof node === 'number') return !anyNode && seen++ === at % 64 ? value : node;
      if (Array.isArray(node)) return node.map(visit);
      if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, visit(child)]));
      return node;
    };
    return visit(document);
  });

function checkRing(ring: readonly Position[]): void {
  expect(ring.length).toBeGreaterThanOrEqual(4);
  const first = ring[0]!;
  const last = ring[ring.length - 1]!;
  expect([last[0], last[1]]).toEqual([first[0], first[1]]);
  for (const point of ring) {
    expect(point).toHaveLength(2);
    const [x, y] = point as [number, number];
    expect(Number.isFinite(x) && Number.isFinite(y)).toBe(true);
    expect(x >= -180 && x <= 180 && y >= -90 && y <= 90).toBe(true);
  }
}

function checkGeometry(geometry: BoundaryGeometry): void {
  expect(['Polygon', 'MultiPolygon']).toContain(geometry.type);
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  expect(polygons.length).toBeGreaterThan(0);
  for (const polygon of polygons) {
    expect(polygon.length).toBeGreaterThan(0);
    for (const ring of polygon) checkRing(ring);
  }
}

function checkBoundaries(parsed: ParsedBoundaries): void {
  const seen = new Set<string>();
  for (const unit of parsed.units) {
    expect(unit.pcode).toMatch(PCODE);
    expect(unit.level).toBe(parsed.level);
    expect(seen.has(unit.pcode)).toBe(false);
    seen.add(unit.pcode);
    checkGeometry(unit.geometry);
    checkGeometry(unit.simplified);
    expect(unit.vertexCount).toBe(countPositions(unit.geometry));
    const [west, south, east, north] = unit.bbox;
    expect(west <= east && south <= north && west >= -180 && east <= 180 && south >= -90 && north <= 90).toBe(true);
    if (unit.validFrom !== null) expect(isDate(unit.validFrom)).toBe(true);
    if (unit.name !== null) expect(typeof unit.name).toBe('string');
    for (const name of unit.altNames) expect(typeof name).toBe('string');
  }
  if (parsed.validFrom !== null) expect(isDate(parsed.validFrom)).toBe(true);
  checkRowIssues(parsed.refused, { ordered: true });
}

const tightLimits: BoundaryOptions = { maxVertices: 40, maxFeatures: 4, maxFeatureVertices: 12 };

describe('boundaries (fuzz)', FUZZ, () => {
  it('reads GeoJSON of any shape (wrong nesting, absurd numbers, junk properties) into valid units or catalogued refusals', () => {
    let accepted = 0;
    fc.assert(
      fc.property(geoJson, fc.boolean(), (document, tight) => {
        const outcome = settle(() => parseBoundaries(JSON.stringify(document), tight ? tightLimits : {}));
        if (outcome.ok) checkBoundaries(outcome.value);
        if (outcome.ok && outcome.value.units.length > 0) accepted += 1;
      }),
      { numRuns: 400 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('reads TopoJSON of any shape (arc indexes beyond 32 bits, broken arcs and transforms) into valid units or catalogued refusals', () => {
    fc.assert(
      fc.property(topoJson, fc.boolean(), (document, tight) => {
        const outcome = settle(() => parseBoundaries(JSON.stringify(document), tight ? tightLimits : {}));
        if (outcome.ok) checkBoundaries(outcome.value);
      }),
      { numRuns: 400 },
    );
  });

  it('reads valid files with one number changed anywhere', () => {
    let accepted = 0;
    fc.assert(
      fc.property(damagedValid, (document) => {
        const outcome = settle(() => parseBoundaries(JSON.stringify(document)));
        if (outcome.ok) checkBoundaries(outcome.value);
        if (outcome.ok && outcome.value.units.length > 0) accepted += 1;
      }),
      { numRuns: 300 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('says where malformed or truncated JSON breaks, for any text', () => {
    const valid = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { admin1Pcode: 'ML05' }, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] } }] });
    const text = fc.oneof(
      fc.string({ maxLength: 100 }),
      fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '1', '-', 'e', '.', ' ', '\n', 'n', 'u', 'l', '\\', '\uFEFF'), maxLength: 80 }),
      fc.nat({ max: valid.length }).map((end) => valid.slice(0, end)),
      fc.tuple(fc.nat({ max: valid.length }), fc.constantFrom('"', '\u0000', '}', ',', '\\u12', 'NaN')).map(([at, insert]) => valid.slice(0, at) + insert + valid.slice(at)),
      fc.nat({ max: 3000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
    );
    fc.assert(
      fc.property(text, (value) => {
        const outcome = settle(() => parseBoundaries(value));
        if (outcome.ok) checkBoundaries(outcome.value);
        else if (outcome.error.code === 'import.malformedJson') {
          const { line, column, position } = outcome.error.params as { line: number; column: number; position: number };
          expect(position >= 0 && position <= value.length).toBe(true);
          expect(line >= 1 && column >= 1).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('regression: a TopoJSON arc index beyond 32 bits is refused, not a crash', () => {
    // Found by the fuzz tests: ~index wraps at 32 bits, so -2147483649 passed the range check and
    // topojson-client then read an arc that does not exist (TypeError: a 500 on upload).
    for (const index of [-(2 ** 31) - 1, -(2 ** 40), Number.MIN_SAFE_INTEGER]) {
      const document = {
        type: 'Topology',
        arcs: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
        objects: { units: { type: 'GeometryCollection', geometries: [{ type: 'Polygon', arcs: [[index]], properties: { admin1Pcode: 'ML05' } }] } },
      };
      const parsed = parseBoundaries(JSON.stringify(document));
      expect(parsed.units).toEqual([]);
      expect(parsed.refused.map((issue) => issue.code)).toEqual(['geo.import.geometryInvalid']);
    }
  });
});

describe('format detection (fuzz)', FUZZ, () => {
  it('names a format or refuses, for any bytes', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.string({ maxLength: 120 }).map((text) => new TextEncoder().encode(text)),
      fc.constantFrom('{"type":"Topology"', '[', 'P-Code,Admin Level\n', 'ADM1_PCODE,T_TL\n', 'Country Length\n', '\uFEFF{"type" : "Feature"}').map((text) => new TextEncoder().encode(text)),
    );
    fc.assert(
      fc.property(bytes, fc.option(fc.string({ maxLength: 300 }), { nil: undefined }), (value, fileName) => {
        const outcome = settle(() => detectGeoFormat(value, fileName));
        if (outcome.ok) expect(['gazetteer', 'boundaries', 'population', 'pcode-lengths']).toContain(outcome.value);
      }),
      { numRuns: 400 },
    );
  });

  it('reads dates only when the calendar has them', () => {
    fc.assert(
      fc.property(fc.oneof(dateText, fc.string({ maxLength: 30 }), fc.date({ noInvalidDate: true }).map((date) => date.toISOString())), (text) => {
        const date = parseIsoDate(text);
        if (date !== null) {
          expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          expect(new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10)).toBe(date);
        }
      }),
      { numRuns: 300 },
    );
  });
});
