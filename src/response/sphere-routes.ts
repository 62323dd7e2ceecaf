/** HTTP routes of the Sphere thresholds: read them, edit one (IM officers, audited). */
import { Type, type TLiteral } from '@sinclair/typebox';
import { errorResponses, type AppContext, type LiptakoApp } from '../core/http-kit.js';
import { listThresholds, SPHERE_INDICATORS, updateThreshold, type SphereIndicator } from './sphere.js';

const Threshold = Type.Object({
  code: Type.String(),
  indicator: Type.Union([...SPHERE_INDICATORS].map((indicator) => Type.Literal(indicator)) as [TLiteral<SphereIndicator>]),
  ratio: Type.Union([Type.Literal('people_per_unit'), Type.Literal('units_per_person')]),
  comparison: Type.Union([Type.Literal('above'), Type.Literal('below')]),
  value: Type.Number(),
  phase: Type.Union([Type.Literal('acute'), Type.Literal('after'), Type.Literal('all')]),
  label: Type.Object({ fr: Type.String(), en: Type.String() }),
  source: Type.String({ description: 'Citation of the standard, e.g. “Sphere Handbook 2018, WASH standard 3.2”' }),
  changedBy: Type.Union([Type.String(), Type.Null()]),
  changedAt: Type.String(),
});

export function responseSphereRoutes(app: LiptakoApp, { db }: AppContext): void {
  app.get(
    '/api/response/sphere-thresholds',
    {
      config: { verb: 'response.read' },
      schema: { tags: ['response'], summary: 'Sphere thresholds the 4W dashboard checks reports against, with their source', response: { 200: Type.Object({ thresholds: Type.Array(Threshold) }) } },
    },
    async () => ({ thresholds: await listThresholds(db) }),
  );

  app.put(
    '/api/response/sphere-thresholds/:code',
    {
      config: { verb: 'response.manage', audit: 'response.sphere.threshold' },
      schema: {
        tags: ['response'],
        summary: 'Change a Sphere threshold’s value (and its source citation); who and when are kept',
        params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 60 }) }),
        body: Type.Object({ value: Type.Number({ exclusiveMinimum: 0, maximum: 1e6 }), source: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ threshold: Threshold }), ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => ({ threshold: await updateThreshold(db, request.actor, request.params.code, request.body) }),
  );
}
