/** HTTP routes of people-in-need caseloads (HNO, HPC format): import a file, read a place's figures. */
import { Type } from '@sinclair/typebox';
import { errorResponses, languageOf, type AppContext, type LiptakoApp } from '../core/http-kit.js';
import { fileBody, fileBodyRoutes } from '../core/uploads.js';
import { importNeeds, needsOf, NEEDS_FILE_LIMIT } from './needs.js';

const tags = ['response'];
const Country = Type.String({ minLength: 2, maxLength: 2, description: 'ISO2 country code' });
const Year = Type.Integer({ minimum: 2000, maximum: 2100 });
const Figure = Type.Union([Type.Number(), Type.Null()]);

const ImportResult = Type.Object({
  imported: Type.Boolean({ description: 'False when the same file was already imported for this country and year' }),
  importId: Type.Integer(),
  rows: Type.Integer(),
  byLevel: Type.Object({ national: Type.Integer(), admin1: Type.Integer(), admin2: Type.Integer() }),
  sectors: Type.Array(Type.String()),
  unknownPlaces: Type.Array(Type.Object({ row: Type.Integer(), pcode: Type.String() })),
  nationalInterSector: Figure,
});

const NeedsAnswer = Type.Object({
  country: Type.String(),
  year: Type.Integer(),
  level: Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(2)]),
  admin1: Type.Union([Type.String(), Type.Null()]),
  admin2: Type.Union([Type.String(), Type.Null()]),
  interSector: Type.Union([Type.Object({ inNeed: Figure, population: Figure, targeted: Figure }), Type.Null()]),
  sectors: Type.Array(Type.Object({ sector: Type.String(), name: Type.String(), inNeed: Figure, targeted: Figure })),
  years: Type.Array(Type.Integer()),
});

export function responseNeedsRoutes(app: LiptakoApp, { db, uploads }: AppContext): void {
  app.get(
    '/api/response/needs',
    {
      config: { verb: 'response.read' },
      schema: {
        tags,
        summary: 'People in need of a place (national when none is given) by sector, and the HNO’s own inter-sector figure (never a sum of sectors)',
        querystring: Type.Object({ country: Country, year: Year, admin1: Type.Optional(Type.String({ maxLength: 20 })), admin2: Type.Optional(Type.String({ maxLength: 20 })) }),
        response: { 200: NeedsAnswer, ...errorResponses(400, 403) },
      },
    },
    async (request) => needsOf(db, request.principal, { ...request.query, language: languageOf(request) }),
  );

  fileBodyRoutes<LiptakoApp>(app, uploads, NEEDS_FILE_LIMIT, (scope) => {
    scope.post(
      '/api/response/needs',
      {
        bodyLimit: NEEDS_FILE_LIMIT,
        config: { verb: 'response.manage', audit: 'response.needs.import' },
        schema: {
          tags,
          summary: 'Import an HNO people-in-need file (HPC format, CSV with HXL) for a country and year; all rows or none, the same file again changes nothing',
          description: 'Raw body. Replaces the country’s caseloads of that year. Unknown sector codes, sexes, numbers or another country’s P-codes refuse the file (422, rows in `details`); P-codes the geography does not know are kept as given and listed.',
          querystring: Type.Object({ country: Country, year: Year, fileName: Type.String({ minLength: 1, maxLength: 255 }) }),
          response: { 200: ImportResult, 201: ImportResult, ...errorResponses(400, 403, 413, 422) },
        },
      },
      async (request, reply) => {
        const result = await importNeeds(db, request.actor, { ...request.query, bytes: fileBody(request.body), language: languageOf(request) });
        return reply.status(result.imported ? 201 : 200).send(result);
      },
    );
  });
}
