/** HTTP routes of the geography module: parse, (later) authorise, call the service. */
import { Type } from '@sinclair/typebox';
import { BoundaryGeometry, errorResponses, languageOf, type AppContext, type LiptakoApp } from '../core/http-kit.js';
import { limitConcurrentUploads } from '../core/uploads.js';
import { versionKeys } from '../core/versions.js';
import * as geo from './service.js';
import * as geoImports from './geo-imports.js';

const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD', maxLength: 10 });
const CountryCode = Type.String({ minLength: 2, maxLength: 3, description: 'ISO2 (BF) or ISO3 (BFA)' });
const Level = Type.Integer({ minimum: 0, maximum: 5 });
const Pcode = Type.String({ minLength: 2, maxLength: 20, description: 'P-code in any common style (ML09, MLI09, NER006001)' });

const AdminUnit = Type.Object(
  {
    pcode: Type.String(),
    level: Type.Integer(),
    name: Type.String(),
    altNames: Type.Array(Type.String()),
    parentPcode: Type.Union([Type.String(), Type.Null()]),
    country: Type.String(),
    validFrom: Type.String(),
    validTo: Type.Union([Type.String(), Type.Null()]),
    hasGeometry: Type.Boolean(),
    population: Type.Union([Type.Number(), Type.Null()]),
  },
  { $id: 'AdminUnit' },
);

const RefusedRow = Type.Object({
  row: Type.Integer(),
  column: Type.Union([Type.String(), Type.Null()]),
  value: Type.Union([Type.String(), Type.Null()]),
  code: Type.String(),
  message: Type.String(),
});

const ImportReport = Type.Object(
  {
    id: Type.String(),
    fileName: Type.String(),
    kind: Type.Union([Type.Literal('gazetteer'), Type.Literal('boundaries'), Type.Literal('population'), Type.Literal('pcode-lengths')]),
    sha256: Type.String(),
    alreadyImported: Type.Boolean(),
    country: Type.Union([Type.String(), Type.Null()]),
    level: Type.Union([Type.Integer(), Type.Null()]),
    added: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    refused: Type.Array(RefusedRow),
    outcomes: Type.Array(
      Type.Object({ row: Type.Integer(), pcode: Type.String(), outcome: Type.Union([Type.Literal('added'), Type.Literal('updated'), Type.Literal('unchanged')]) }),
    ),
    withoutGazetteer: Type.Array(Type.String()),
    withoutGeometry: Type.Array(Type.String()),
    nameMismatches: Type.Array(Type.Object({ pcode: Type.String(), gazetteerName: Type.String(), fileName: Type.String() })),
    versions: Type.Array(Type.Object({ country: Type.String(), level: Type.Integer(), validFrom: Type.String(), closed: Type.Integer() })),
    notes: Type.Array(Type.String()),
    createdAt: Type.String(),
  },
  { $id: 'GeoImportReport' },
);

const ImportQuery = Type.Object({
  fileName: Type.String({ minLength: 1, maxLength: 255 }),
  validFrom: Type.Optional(DateString),
  year: Type.Optional(Type.Integer({ minimum: 1950, maximum: 2100, description: 'Reference year of a population table without a year column' })),
  level: Type.Optional(Type.Integer({ minimum: 0, maximum: 5, description: 'Admin level to read a population table at (e.g. 0 for a national table that also names a region)' })),
  skipRefused: Type.Optional(Type.Boolean()),
  pcodeProperty: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Boundaries: the feature property holding the P-codes, when it cannot be detected (e.g. a renamed column)' })),
  nameProperty: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Boundaries: the feature property holding the unit names' })),
});

const UnitQuery = Type.Object({
  country: Type.Optional(CountryCode),
  level: Type.Optional(Level),
  parent: Type.Optional(Pcode),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'Name (accents and case ignored) or P-code prefix' })),
  code: Type.Optional(Pcode),
  asOf: Type.Optional(DateString),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
});

const Properties = Type.Object({
  pcode: Type.String(),
  name: Type.String(),
  level: Type.Integer(),
  parentPcode: Type.Union([Type.String(), Type.Null()]),
  population: Type.Union([Type.Number(), Type.Null()]),
});

// Geometry is passed through as stored: imported boundaries are checked to be polygons on the way
// in (boundary-geometry.ts), and the world-atlas outlines standing in for them are polygons too.
const BoundaryCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(
    Type.Object({ type: Type.Literal('Feature'), id: Type.String(), properties: Properties, geometry: BoundaryGeometry }),
  ),
  liptako: Type.Object({
    country: Type.String(),
    level: Type.Integer(),
    geometrySource: Type.Union([Type.Literal('boundaries'), Type.Literal('outline')]),
    unitsWithoutGeometry: Type.Integer(),
  }),
});

interface TreeNodeSchema {
  pcode: string;
  name: string;
  level: number;
  children: TreeNodeSchema[];
}

export function geoRoutes(app: LiptakoApp, { db, uploads, published }: AppContext): void {
  app.addSchema(AdminUnit);
  app.addSchema(ImportReport);

  app.get(
    '/api/geo/countries',
    {
      config: { verb: 'geo.read' },
      schema: {
        tags: ['geography'],
        summary: 'Countries with their admin levels, unit counts and how many units have boundaries',
        querystring: Type.Object({ asOf: Type.Optional(DateString) }),
        response: {
          200: Type.Object({
            countries: Type.Array(
              Type.Object({
                pcode: Type.String(),
                iso3: Type.String(),
                name: Type.String(),
                levels: Type.Array(Type.Object({ level: Type.Integer(), units: Type.Integer(), withGeometry: Type.Integer() })),
              }),
            ),
          }),
          ...errorResponses(400),
        },
      },
    },
    async (request) => ({ countries: await geo.countries(db, request.query.asOf) }),
  );

  app.get(
    '/api/geo/units',
    {
      config: { verb: 'geo.read' },
      schema: {
        tags: ['geography'],
        summary: 'List or search admin units by country, level, parent, name or code, as of a date',
        querystring: UnitQuery,
        response: { 200: Type.Object({ total: Type.Integer(), units: Type.Array(Type.Ref(AdminUnit)) }), ...errorResponses(400) },
      },
    },
    async (request) => geo.searchUnits(db, request.query),
  );

  app.get(
    '/api/geo/units/:pcode',
    {
      config: { verb: 'geo.read' },
      schema: {
        tags: ['geography'],
        summary: 'One admin unit with its ancestors, children and versions',
        params: Type.Object({ pcode: Pcode }),
        querystring: Type.Object({ asOf: Type.Optional(DateString) }),
        response: {
          200: Type.Object({
            unit: Type.Ref(AdminUnit),
            ancestors: Type.Array(Type.Ref(AdminUnit)),
            children: Type.Array(Type.Ref(AdminUnit)),
            versions: Type.Array(Type.Object({ name: Type.String(), validFrom: Type.String(), validTo: Type.Union([Type.String(), Type.Null()]) })),
          }),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => geo.getUnit(db, request.params.pcode, request.query.asOf),
  );

  app.get(
    '/api/geo/tree',
    {
      config: { verb: 'geo.read' },
      schema: {
        tags: ['geography'],
        summary: 'The admin tree of a country as of a date',
        querystring: Type.Object({ country: CountryCode, asOf: Type.Optional(DateString), maxLevel: Type.Optional(Level) }),
        response: {
          200: Type.Recursive((Node) =>
            Type.Object({ pcode: Type.String(), name: Type.String(), level: Type.Integer(), children: Type.Array(Node) }),
          ),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request): Promise<TreeNodeSchema> => geo.unitTree(db, request.query.country, request.query.asOf, request.query.maxLevel),
  );

  app.get(
    '/api/geo/boundaries',
    {
      config: { verb: 'geo.read' },
      schema: {
        tags: ['geography'],
        summary: 'GeoJSON of one admin level for maps (simplified by default, full on request)',
        querystring: Type.Object({
          country: CountryCode,
          level: Level,
          asOf: Type.Optional(DateString),
          detail: Type.Optional(Type.Union([Type.Literal('simplified'), Type.Literal('full')])),
        }),
        response: { 200: { description: 'A GeoJSON FeatureCollection (RFC 7946)', content: { 'application/geo+json': { schema: BoundaryCollection } } }, ...errorResponses(400) },
      },
    },
    // The same for everyone who may read the geography, until the next geography import.
    async (request, reply) =>
      published.answer(request, reply, {
        keys: [versionKeys.geography],
        type: 'application/geo+json',
        // Without asOf the units valid today are drawn: tomorrow may differ.
        variant: request.query.asOf ?? new Date().toISOString().slice(0, 10),
        compute: async () => ({ body: await geo.boundaryCollection(db, request.query), store: true }),
      }),
  );

  app.get(
    '/api/geo/match',
    {
      config: { verb: 'geo.read' },
      schema: {
        tags: ['geography'],
        summary: 'Candidate admin units for a place name, with a confidence (for files that carry names only)',
        querystring: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 200 }),
          country: Type.Optional(CountryCode),
          level: Type.Optional(Level),
          parent: Type.Optional(Pcode),
          asOf: Type.Optional(DateString),
        }),
        response: {
          200: Type.Object({
            candidates: Type.Array(
              Type.Object({
                pcode: Type.String(),
                name: Type.String(),
                level: Type.Integer(),
                parentPcode: Type.Union([Type.String(), Type.Null()]),
                confidence: Type.Number(),
                matchedOn: Type.String(),
              }),
            ),
          }),
          ...errorResponses(400),
        },
      },
    },
    async (request) => ({ candidates: await geo.matchUnitName(db, request.query) }),
  );

  app.get(
    '/api/geo/imports',
    {
      config: { verb: 'geo.read' },
      schema: {
        tags: ['geography'],
        summary: 'Geography imports, newest first, with their reports',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) }),
        response: { 200: Type.Object({ imports: Type.Array(Type.Ref(ImportReport)) }) },
      },
    },
    async (request) => ({ imports: await geoImports.listGeoImports(db, request.query.limit) }),
  );

  // The file is the raw request body, whatever its content type: the format is detected from
  // the content, and JSON files must not be parsed by the generic JSON body parser.
  app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    limitConcurrentUploads(scope, uploads);
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: geoImports.GEO_IMPORT_LIMIT }, (_request, body, parsed) => {
      parsed(null, body);
    });
    (scope as unknown as LiptakoApp).post(
      '/api/geo/imports',
      {
        bodyLimit: geoImports.GEO_IMPORT_LIMIT,
        config: { verb: 'geo.import', audit: 'geo.import' },
        schema: {
          tags: ['geography'],
          summary: 'Import a gazetteer (HDX global P-codes CSV), COD-AB boundaries (GeoJSON/TopoJSON) or a COD-PS population table',
          description:
            'Send the file as the raw body (Content-Type: application/octet-stream). One transaction: all of it or nothing. The same file again is a no-op (200, alreadyImported). A boundary reform needs validFrom.',
          querystring: ImportQuery,
          response: { 200: Type.Object({ import: Type.Ref(ImportReport) }), 201: Type.Object({ import: Type.Ref(ImportReport) }), ...errorResponses(400, 409, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        const query = request.query;
        const body = request.body;
        const bytes = body instanceof Uint8Array ? body : new Uint8Array();
        const report = await geoImports.importGeoFile(db, {
          bytes,
          fileName: query.fileName,
          validFrom: query.validFrom,
          year: query.year,
          level: query.level,
          skipRefused: query.skipRefused,
          pcodeProperty: query.pcodeProperty,
          nameProperty: query.nameProperty,
          language: languageOf(request),
          actor: request.actor,
        });
        return reply.status(report.alreadyImported ? 200 : 201).send({ import: report });
      },
    );
    done();
  });
}
