/**
 * What every HDX HAPI v2 compatible endpoint shares (affected people, funding, operational
 * presence): the paging and format parameters, the answer as `{ data: rows }` in JSON or the same
 * columns as CSV, and the HAPI habit of accepting an `app_identifier` it does not use.
 */
import { Type, type TProperties, type TSchema } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { toCsv, type ExportColumn } from './exports.js';
import { errorResponses } from './http-kit.js';
import type { PublishedCache, PublishedRequest } from './published-cache.js';

/** Control characters refused in filters: they never name a place or an organisation. */
export const PRINTABLE = '^[^\\u0000-\\u001F\\u007F]*$';

/** An optional free-text filter of a public API. */
export const TextFilter = (maxLength: number, description?: string) =>
  Type.Optional(Type.String({ maxLength, pattern: PRINTABLE, ...(description === undefined ? {} : { description }) }));

/** The largest page HAPI gives (its `limit`), and its default. */
export const HAPI_MAX_LIMIT = 10_000;

/** The endpoint's own filters, after HAPI's paging and format parameters. */
export function hapiQuery<Filters extends TProperties>(filters: Filters) {
  return Type.Object({
    output_format: Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' }),
    limit: Type.Integer({ minimum: 1, maximum: HAPI_MAX_LIMIT, default: HAPI_MAX_LIMIT }),
    offset: Type.Integer({ minimum: 0, maximum: 1e9, default: 0 }),
    ...filters,
    app_identifier: TextFilter(200, 'Ignored; accepted as HAPI does'),
  });
}

/** The 200 answer: JSON `{ data: [row…] }` or CSV with the same columns, and 400 for a bad filter. */
export function hapiResponses<Row extends TSchema>(row: Row) {
  return {
    200: {
      description: 'JSON (default) or CSV with the same columns (output_format=csv)',
      content: {
        'application/json': { schema: Type.Object({ data: Type.Array(row) }) },
        'text/csv': { schema: Type.String() },
      },
    },
    ...errorResponses(400),
  };
}

/** The CSV form of a HAPI answer: HAPI's own columns, no HXL row. */
export function sendHapiCsv<Row>(reply: FastifyReply, columns: ReadonlyArray<ExportColumn<Row>>, rows: readonly Row[]): FastifyReply {
  return reply.type('text/csv; charset=utf-8').send(toCsv(columns, rows, { hxl: false }));
}

/** HAPI's paging of a question's rows. */
export interface HapiPaging {
  limit: number;
  offset: number;
}

/**
 * One page of a HAPI question. Pages within its first HAPI_MAX_LIMIT rows are slices of those
 * rows, computed once per versions of `keys` (`name` says which endpoint): `?limit=100`, which
 * most callers ask, and a client paging through do not run the aggregate again. Pages further on
 * are asked of the database as they come.
 */
export async function hapiPage<Row>(
  published: PublishedCache,
  name: string,
  query: HapiPaging & object,
  keys: PublishedRequest['keys'],
  rowsOf: (paging: HapiPaging) => Promise<Row[]>,
): Promise<Row[]> {
  const { limit, offset } = query;
  if (offset + limit > HAPI_MAX_LIMIT) return rowsOf({ limit, offset });
  // The question without its paging nor what HAPI ignores (undefined values are left out of it).
  const question = { ...query, limit: undefined, offset: undefined, output_format: undefined, app_identifier: undefined };
  const first = await published.value(name, question, keys, () => rowsOf({ limit: HAPI_MAX_LIMIT, offset: 0 }));
  return first.slice(offset, offset + limit);
}
