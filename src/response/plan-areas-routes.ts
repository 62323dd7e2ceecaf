/** HTTP route of what partners reached for each activity area of a response plan. */
import { Type } from '@sinclair/typebox';
import { errorResponses, languageOf, type AppContext, type LiptakoApp } from '../core/http-kit.js';
import { reachedByPlanArea } from './plan-areas.js';

const Figure = Type.Union([Type.Number(), Type.Null()]);
const PlanAreasAnswer = Type.Object({
  plan: Type.String(),
  country: Type.Union([Type.String(), Type.Null()]),
  areas: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.Object({ en: Type.String(), fr: Type.String() }),
      sectorCode: Type.Union([Type.String(), Type.Null()]),
      peopleTargeted: Figure,
      peopleReached: Figure,
      percentReached: Figure,
      above100: Type.Boolean(),
      otherUnits: Type.Array(Type.Object({ unit: Type.String(), reached: Type.Number() })),
      activities: Type.Array(Type.String()),
      admin2Count: Type.Integer(),
      months: Type.Array(Type.String()),
      funding: Type.Object({ requiredUsd: Figure, fundedUsd: Type.Number(), percentFunded: Figure }),
    }),
  ),
});

export function responsePlanAreaRoutes(app: LiptakoApp, { db }: AppContext): void {
  app.get(
    '/api/response/plan-areas',
    {
      config: { verb: 'response.read' },
      schema: {
        tags: ['response'],
        summary: 'People reached by approved and published 4W reports for each activity area of a plan, against its target and funding',
        querystring: Type.Object({
          plan: Type.String({ minLength: 1, maxLength: 60, description: 'Plan code, e.g. IOM-CSAHEL-2021' }),
          country: Type.Optional(Type.String({ minLength: 2, maxLength: 3, description: 'ISO2 country code (BF, ML, NE)' })),
        }),
        response: { 200: PlanAreasAnswer, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => reachedByPlanArea(db, request.principal, request.query.plan, request.query.country === undefined ? {} : { country: request.query.country }, languageOf(request)),
  );
}
