/**
 * The routes every file import declares, written once: the upload (the raw file streamed into the
 * module's store), the start of the import job (202) and the job's progress. A module supplies its
 * paths, verbs, words and schemas, and the service calls behind them; what the routes answer, how
 * an upload is read and which errors they document stay the same from one import to the next.
 */
import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import type { FastifyContextConfig, FastifyInstance, FastifyRequest, FastifyTypeProviderDefault } from 'fastify';
import { errorResponses, formatBytes, languageOf, type LiptakoApp } from './http-kit.js';
import type { Language } from './errors.js';
import type { JobView } from './jobs.js';
import { receiveStreamedFile, streamedFileRoutes, type UploadGate } from './uploads.js';

const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });

/**
 * The upload step: the file is the raw request body, whatever its content type (CSV or XLSX is
 * told from the bytes), never read by a parser but streamed by `receive` into the upload's parts,
 * refused at once when it declares more than `limit`, and counted against its sender's uploads in
 * flight. Answers 201 `{ upload }`: what the module read of it (sheets, headers, columns).
 */
export function fileUploadRoute<Query extends TObject, Upload extends TSchema>(
  app: LiptakoApp,
  gate: UploadGate,
  route: {
    path: string;
    config: FastifyContextConfig;
    tags: string[];
    summary: string;
    limit: number;
    querystring: Query;
    upload: Upload;
    errors: number[];
    receive: (body: AsyncIterable<Buffer>, request: FastifyRequest<{ Querystring: Static<Query> }>) => Promise<Static<Upload>>;
  },
): void {
  // Declared without the type provider: it cannot resolve a schema that is a type parameter. The
  // schema still validates the query before `receive` sees it, and the tests check each answer.
  streamedFileRoutes<FastifyInstance>(app, gate, (scope) => {
    scope.post(
      route.path,
      {
        config: route.config,
        schema: {
          tags: route.tags,
          summary: route.summary,
          description: `The raw file as the body, at most ${formatBytes(route.limit)}; it is stored as it arrives. At most ${gate.settings.perUser} uploads at once per person (429 with Retry-After beyond).`,
          querystring: route.querystring,
          response: { 201: Type.Object({ upload: route.upload }), ...errorResponses(...route.errors) },
        },
      },
      async (request, reply) => {
        const upload = await receiveStreamedFile(request, reply, route.limit, (body) => route.receive(body, request as FastifyRequest<{ Querystring: Static<Query> }>));
        return reply.status(201).send({ upload });
      },
    );
  });
}

/** A route of an import job: its path, access, words and the errors it documents. */
interface JobRoute {
  path: string;
  config: FastifyContextConfig;
  summary: string;
  errors: number[];
}

/**
 * The start of an import (`POST …/:id/…` with the module's body: 202 with the job to poll) and
 * the job's progress and outcome (`GET …/:id`), both answering `{ job }` in the caller's language.
 */
export function importJobRoutes<Body extends TSchema, Job extends TSchema>(
  app: LiptakoApp,
  routes: {
    tags: string[];
    job: Job;
    /** The job as its schema types it, its error in the reader's language. */
    view: (job: JobView, language: Language) => Static<Job>;
    start: JobRoute & { body: Body; run: (request: FastifyRequest<{ Params: { id: number }; Body: Static<Body> }>) => Promise<JobView> };
    progress: JobRoute & { find: (request: FastifyRequest<{ Params: { id: number } }>) => Promise<JobView> };
  },
): void {
  const { tags, job, view, start, progress } = routes;
  // Declared without the type provider (see fileUploadRoute); the schemas validate params and body.
  const plain = app.withTypeProvider<FastifyTypeProviderDefault>();
  plain.post(
    start.path,
    {
      config: start.config,
      schema: { tags, summary: start.summary, params: Type.Object({ id: Id }), body: start.body, response: { 202: Type.Object({ job }), ...errorResponses(...start.errors) } },
    },
    async (request, reply) => {
      const started = await start.run(request as FastifyRequest<{ Params: { id: number }; Body: Static<Body> }>);
      return reply.status(202).send({ job: view(started, languageOf(request)) });
    },
  );
  plain.get(
    progress.path,
    {
      config: progress.config,
      schema: { tags, summary: progress.summary, params: Type.Object({ id: Id }), response: { 200: Type.Object({ job }), ...errorResponses(...progress.errors) } },
    },
    async (request) => ({ job: view(await progress.find(request as FastifyRequest<{ Params: { id: number } }>), languageOf(request)) }),
  );
}
