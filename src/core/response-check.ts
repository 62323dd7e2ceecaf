/**
 * Checks answers against the schemas the OpenAPI document publishes: a 2xx JSON body must be
 * valid for its route's response schema and hold nothing the schema does not describe. Fastify's
 * serializer would otherwise drop an undescribed field without a word, and answers sent as bytes
 * (the cache of published answers) are not serialized at all. Installed by buildApp when asked
 * (`checkResponses`): the integration tests do, for every request they make.
 */
import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface ResponseViolation {
  method: string;
  route: string;
  status: number;
  problem: string;
}

const CHECKED = Symbol('responseChecked');

/** The schema of an answer with this status and content type (a route may give one per content type). */
function schemaFor(request: FastifyRequest, status: number, type: string): object | undefined {
  const responses = (request.routeOptions.schema as { response?: Record<string, object> } | undefined)?.response;
  if (responses === undefined) return undefined;
  const response = responses[String(status)] ?? responses[`${String(status).slice(0, 1)}xx`] ?? responses.default;
  const content = (response as { content?: Record<string, { schema?: object }> } | undefined)?.content;
  return content === undefined ? response : content[type]?.schema;
}

/**
 * Why a body does not fit its route's schema for this status, or null when it does: validated
 * with the route's own validator (shared schemas resolved), then serialized with the route's own
 * serializer, which keeps only what the schema describes: anything lost on the way was not described.
 */
function responseProblem(request: FastifyRequest, reply: FastifyReply, schema: object, type: string, body: unknown): string | null {
  const plain: unknown = JSON.parse(JSON.stringify(body));
  let validate: ReturnType<FastifyRequest['compileValidationSchema']> | undefined;
  try {
    validate = request.compileValidationSchema(schema);
  } catch {
    // A self-referencing schema (the admin tree) the validator cannot compile on its own: the
    // serializer below still checks what it describes.
    validate = undefined;
  }
  // The validator may coerce what it checks: it gets its own copy.
  if (validate !== undefined && !validate(structuredClone(plain))) {
    const first = validate.errors?.[0];
    return `invalid at ${first?.instancePath || '/'}: ${first?.message ?? 'does not match'}`;
  }
  const serialize = reply.getSerializationFunction(String(reply.statusCode), type) ?? reply.getSerializationFunction(String(reply.statusCode));
  if (serialize !== undefined && !isDeepStrictEqual(JSON.parse(serialize(plain as Record<string, unknown>)) as unknown, plain)) return 'holds properties its schema does not describe';
  return null;
}

export function installResponseCheck(app: FastifyInstance, report: (violation: ResponseViolation) => void): void {
  const check = (request: FastifyRequest, reply: FastifyReply, body: unknown): void => {
    const status = reply.statusCode;
    if (status < 200 || status >= 300 || status === 204) return;
    // The documentation viewer and the document itself describe themselves.
    if ((request.routeOptions.schema)?.hide === true || (request.routeOptions.url ?? '').startsWith('/api/docs')) return;
    (request as unknown as Record<symbol, boolean>)[CHECKED] = true;
    const route = request.routeOptions.url ?? request.url;
    const type = String(reply.getHeader('content-type') ?? 'application/json').split(';')[0]!.trim();
    const schema = schemaFor(request, status, type);
    if (schema === undefined) {
      report({ method: request.method, route, status, problem: 'no response schema' });
      return;
    }
    let problem: string | null;
    try {
      problem = responseProblem(request, reply, schema, type, body);
    } catch (error) {
      problem = `schema cannot be checked: ${(error as Error).message}`;
    }
    if (problem !== null) report({ method: request.method, route, status, problem });
  };

  app.addHook('preSerialization', (request, reply, payload, done) => {
    check(request, reply, payload);
    done(null, payload);
  });
  // Bodies sent already serialized (cached published answers): parsed back and checked.
  app.addHook('onSend', (request, reply, payload, done) => {
    const type = String(reply.getHeader('content-type') ?? '');
    const json = /json/.test(type);
    if (!(request as unknown as Record<symbol, boolean>)[CHECKED] && json && reply.getHeader('content-encoding') === undefined && (typeof payload === 'string' || Buffer.isBuffer(payload))) {
      try {
        check(request, reply, JSON.parse(payload.toString()));
      } catch {
        // Not JSON after all: nothing to check.
      }
    }
    done(null, payload);
  });
}
