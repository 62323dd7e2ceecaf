/** HTTP routes of the assistance outputs: aggregates of households and people reached, small counts hidden. */
import { Type } from '@sinclair/typebox';
import { errorResponses, languageOf, type AppContext, type LiptakoApp } from '../core/http-kit.js';
import * as outputs from './outputs.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const CellSchema = Type.Object({
  value: Nullable(Type.Integer({ minimum: 0 })),
  display: Type.String({ description: 'The count, "<5" (below the threshold) or "x" (hidden so that a total minus the others cannot reveal a small count)' }),
  suppressed: Nullable(Type.Union([Type.Literal('primary'), Type.Literal('complementary')])),
});

const CountTableSchema = Type.Object({
  columns: Type.Tuple([Type.Literal('households'), Type.Literal('people')]),
  rows: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), cells: Type.Tuple([CellSchema, CellSchema]) })),
  total: Type.Tuple([CellSchema, CellSchema]),
  additive: Type.Boolean({ description: 'false when one household may count in several rows: the total is then not the sum of the rows' }),
});

const CrossTableSchema = Type.Object({
  columns: Type.Array(Type.String()),
  rows: Type.Array(Type.Object({ key: Type.String(), cells: Type.Array(CellSchema), total: CellSchema })),
  totals: Type.Array(CellSchema),
  total: CellSchema,
});

export const OutputsSchema = Type.Object({
  threshold: Type.Integer(),
  filter: Type.Object({ country: Nullable(Type.String()), from: Nullable(Type.String()), to: Nullable(Type.String()) }),
  byAdmin2: CountTableSchema,
  bySector: CountTableSchema,
  byType: CountTableSchema,
  byContribution: CountTableSchema,
  bySexAge: CrossTableSchema,
});

export function outputRoutes(app: LiptakoApp, { db, smallCellThreshold }: AppContext): void {
  app.get(
    '/api/assistance/outputs',
    {
      config: { verb: 'assistance.read' },
      schema: {
        tags: ['assistance'],
        summary: 'Households and people reached by admin2, sector, assistance type, sex and age band, and donor contribution: aggregates only, small counts hidden',
        querystring: Type.Object({
          country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
          from: Type.Optional(Type.String({ maxLength: 20, description: 'YYYY-MM-DD, receipts from this day' })),
          to: Type.Optional(Type.String({ maxLength: 20, description: 'YYYY-MM-DD, receipts up to this day' })),
          threshold: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'A higher small-count threshold than the server’s (never lower)' })),
        }),
        response: { 200: OutputsSchema, ...errorResponses(400) },
      },
    },
    async (request) => outputs.outputs(db, request.principal, smallCellThreshold, request.query, languageOf(request)),
  );
}
