/**
 * The OpenRosa 1.0 server ODK Collect, KoboCollect and Enketo talk to: form list, form download,
 * manifest and media, submission. Each route exists twice: under `/v1/projects/{id}` for signed-in
 * accounts (session or Bearer token) and under `/v1/key/{token}/projects/{id}` for phones
 * configured by QR code, whose secret is the path (the guard resolves it: access/http.ts).
 *
 * Every answer carries the OpenRosa headers, errors included, and every error is an
 * OpenRosaResponse XML body in the caller's language: phones show its message to the enumerator.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import { formatBytes, languageOf, toAppError, type AppContext, type LiptakoApp } from '../core/http-kit.js';
import { formListXml, manifestXml, OPENROSA_BATCH_BYTES, OPENROSA_HEADERS, openRosaResponse } from './openrosa.js';
import { fillableFormMedia, fillableFormMediaFile, fillableForms, fillableFormXml } from './service.js';
import { receiveSubmission, type ReceivedFile } from './submissions.js';

/** A post beyond this is refused (413) even from a client that ignores the advertised batch size. */
export const SUBMISSION_POST_MAX_BYTES = 5 * OPENROSA_BATCH_BYTES;

const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 }), token: Type.Optional(Type.String({ maxLength: 200 })) });
const FormParams = Type.Object({
  projectId: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 }),
  xmlFormId: Type.String({ minLength: 1, maxLength: 200 }),
  token: Type.Optional(Type.String({ maxLength: 200 })),
});
const MediaParams = Type.Object({
  projectId: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 }),
  xmlFormId: Type.String({ minLength: 1, maxLength: 200 }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  token: Type.Optional(Type.String({ maxLength: 200 })),
});
const XmlText = Type.String({ description: 'OpenRosa XML' });
/** Bytes as they are (a form, a photo, a media file): OpenAPI's binary string. */
export const BinarySchema = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });
const tags = ['collection'];

/** The URL prefix the caller used, so links in the form list keep the caller's credentials. */
function basePath(request: FastifyRequest, projectId: number): string {
  const token = (request.params as { token?: string }).token;
  const prefix = token === undefined ? '/v1' : `/v1/key/${token}`;
  return `${request.protocol}://${request.host}${prefix}/projects/${projectId}`;
}

const sendXml = (reply: FastifyReply, status: number, xml: string): FastifyReply => reply.status(status).type('text/xml; charset=utf-8').send(xml);

export function openRosaRoutes(app: LiptakoApp, { db }: AppContext): void {
  void app.register(async (plainScope) => {
    const scope = plainScope as unknown as LiptakoApp;
    // Loaded when the server starts, not with the composition root: the CLI never loads Fastify's plugins.
    await scope.register(import('@fastify/multipart'), { limits: { fileSize: SUBMISSION_POST_MAX_BYTES, files: 500, fields: 50, parts: 550, headerPairs: 200 } });
    scope.addHook('onSend', async (_request, reply, payload) => {
      for (const [name, value] of Object.entries(OPENROSA_HEADERS)) reply.header(name, value);
      reply.header('date', new Date().toUTCString());
      return payload;
    });
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      const appError =
        error.code === 'FST_REQ_FILE_TOO_LARGE' || error.code === 'FST_PARTS_LIMIT' || error.code === 'FST_FILES_LIMIT'
          ? new AppError('collection.submission.tooLarge', { limit: formatBytes(SUBMISSION_POST_MAX_BYTES), batch: formatBytes(OPENROSA_BATCH_BYTES) }, { cause: error })
          : error.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE'
            ? new AppError('collection.submission.noXml', {}, { cause: error })
            : toAppError(error, request);
      if (appError.status >= 500) request.log.error({ err: error, code: appError.code }, 'OpenRosa request failed');
      else request.log.info({ code: appError.code }, 'OpenRosa request refused');
      if (appError.retryAfter !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(appError.retryAfter))));
      // The catalogue code beside the message: the web outbox tells a stale anti-forgery token or an
      // ended session (send again later) from a refusal (shown to the user) without reading prose.
      reply.header('x-liptako-error', appError.code);
      // A refused body is not read further: TCP then slows the sender down, the connection closes
      // after the answer, and the socket is dropped a moment later (at once, its reset could
      // overtake the answer the phone has not read yet).
      if (appError.status === 413) {
        reply.header('connection', 'close');
        request.raw.unpipe();
        request.raw.pause();
        reply.raw.once('finish', () => setTimeout(() => request.raw.destroy(), 2_000).unref());
      }
      return sendXml(reply.header('content-language', languageOf(request)), appError.status, openRosaResponse(appError.localisedMessage(languageOf(request))));
    });

    // Each route twice: with the caller's own credentials, and with an app user's token in the path.
    const both = (path: string): Array<{ url: string; pathToken: boolean }> => [
      { url: `/v1/projects/:projectId${path}`, pathToken: false },
      { url: `/v1/key/:token/projects/:projectId${path}`, pathToken: true },
    ];

    for (const { url, pathToken } of both('/formList')) {
      scope.get(
        url,
        {
          config: { verb: 'collection.submit', pathToken, basicAuth: !pathToken },
          schema: {
            tags,
            summary: 'OpenRosa form list: the forms this caller may fill, with the md5 of the exact bytes served',
            params: ProjectParams,
            querystring: Type.Object({ formID: Type.Optional(Type.String({ maxLength: 200 })), verbose: Type.Optional(Type.String({ maxLength: 10 })), deviceID: Type.Optional(Type.String({ maxLength: 200 })) }),
            response: { 200: XmlText },
          },
        },
        async (request, reply) => {
          const { projectId } = request.params;
          const base = basePath(request, projectId);
          const forms = (await fillableForms(db, request.principal, projectId)).filter((form) => request.query.formID === undefined || form.xml_form_id === request.query.formID);
          const xml = formListXml(
            forms.map((form) => ({
              formId: form.xml_form_id,
              name: form.title,
              version: form.published_version ?? '',
              md5: form.md5!,
              downloadUrl: `${base}/forms/${encodeURIComponent(form.xml_form_id)}/form.xml`,
              manifestUrl: form.attachments > 0 ? `${base}/forms/${encodeURIComponent(form.xml_form_id)}/manifest` : null,
            })),
          );
          return sendXml(reply, 200, xml);
        },
      );
    }

    for (const { url, pathToken } of both('/forms/:xmlFormId/form.xml')) {
      scope.get(
        url,
        {
          config: { verb: 'collection.submit', pathToken, basicAuth: !pathToken },
          schema: { tags, summary: 'Download a form: the exact bytes its form-list md5 is of (ETag: that md5)', params: FormParams, response: { 200: BinarySchema } },
        },
        async (request, reply) => {
          const form = await fillableFormXml(db, request.principal, request.params.projectId, request.params.xmlFormId);
          const etag = `"${form.md5}"`;
          reply.header('etag', etag).header('cache-control', 'private, no-cache');
          if (request.headers['if-none-match'] === etag) return reply.code(304 as 200).send(Buffer.alloc(0));
          return reply.status(200).type('text/xml; charset=utf-8').send(form.bytes);
        },
      );
    }

    for (const { url, pathToken } of both('/forms/:xmlFormId/manifest')) {
      scope.get(
        url,
        { config: { verb: 'collection.submit', pathToken, basicAuth: !pathToken }, schema: { tags, summary: 'OpenRosa manifest: the media and CSV files a form uses', params: FormParams, response: { 200: XmlText } } },
        async (request, reply) => {
          const { projectId, xmlFormId } = request.params;
          const files = await fillableFormMedia(db, request.principal, projectId, xmlFormId);
          const base = basePath(request, projectId);
          return sendXml(
            reply,
            200,
            manifestXml(files.map((file) => ({ name: file.name, md5: file.md5, downloadUrl: `${base}/forms/${encodeURIComponent(xmlFormId)}/attachments/${encodeURIComponent(file.name)}` }))),
          );
        },
      );
    }

    for (const { url, pathToken } of both('/forms/:xmlFormId/attachments/:name')) {
      scope.get(
        url,
        { config: { verb: 'collection.submit', pathToken, basicAuth: !pathToken }, schema: { tags, summary: 'A media or CSV file of a form', params: MediaParams, response: { 200: BinarySchema } } },
        async (request, reply) => {
          const file = await fillableFormMediaFile(db, request.principal, request.params.projectId, request.params.xmlFormId, request.params.name);
          return reply.header('etag', `"${file.md5}"`).type(file.content_type).send(file.bytes);
        },
      );
    }

    for (const { url, pathToken } of both('/submission')) {
      // HEAD first: Collect asks before posting, to learn the batch size and that credentials work.
      scope.route({
        method: ['HEAD', 'GET'],
        url,
        config: { verb: 'collection.submit', pathToken, basicAuth: !pathToken },
        schema: { tags, summary: 'OpenRosa pre-flight: 204 with the headers that say the batch size', params: ProjectParams, querystring: Type.Object({ deviceID: Type.Optional(Type.String({ maxLength: 200 })) }), response: { 204: Type.Null({ description: 'No body: the headers are the answer' }) } },
        handler: async (request, reply) => {
          await fillableForms(db, request.principal, request.params.projectId);
          return reply.status(204).send(null);
        },
      });
      scope.post(
        url,
        {
          config: { verb: 'collection.submit', pathToken, basicAuth: !pathToken, audit: 'collection.submission.receive' },
          bodyLimit: SUBMISSION_POST_MAX_BYTES,
          schema: {
            tags,
            summary: 'OpenRosa submission: multipart with xml_submission_file and attachments; batches, duplicates and edits handled',
            description: `At most ${formatBytes(OPENROSA_BATCH_BYTES)} per post is advertised, ${formatBytes(SUBMISSION_POST_MAX_BYTES)} is refused (413).`,
            params: ProjectParams,
            querystring: Type.Object({ deviceID: Type.Optional(Type.String({ maxLength: 200 })) }),
            response: { 201: XmlText, 200: XmlText },
          },
        },
        async (request, reply) => {
          const declared = Number(request.headers['content-length']);
          if (declared > SUBMISSION_POST_MAX_BYTES) throw new AppError('collection.submission.tooLarge', { limit: formatBytes(SUBMISSION_POST_MAX_BYTES), batch: formatBytes(OPENROSA_BATCH_BYTES) });
          let xml: string | null = null;
          const files: ReceivedFile[] = [];
          let received = 0;
          try {
            // Fields (Collect's `*isIncomplete*`) are read past: which files are still to come is
            // known from the XML, whatever a batch says.
            for await (const part of request.parts()) {
              if (part.type !== 'file') continue;
              // Counted as it arrives, not after the part: a client that ignores the batch size (or
              // sends without Content-Length) is refused at the limit, not after its last byte.
              const pieces: Buffer[] = [];
              for await (const piece of part.file as AsyncIterable<Buffer>) {
                received += piece.length;
                if (received > SUBMISSION_POST_MAX_BYTES) throw new AppError('collection.submission.tooLarge', { limit: formatBytes(SUBMISSION_POST_MAX_BYTES), batch: formatBytes(OPENROSA_BATCH_BYTES) });
                pieces.push(piece);
              }
              const bytes = Buffer.concat(pieces);
              if (part.fieldname === 'xml_submission_file') xml = bytes.toString('utf8');
              else files.push({ name: part.filename, contentType: part.mimetype, bytes });
            }
          } catch (error) {
            // A link cut mid-post (a phone on 2G, the web outbox): nothing of the post is stored, the
            // sender tries again. Everyday on the field, so not a server fault in the logs.
            if (!(error instanceof AppError) && request.raw.destroyed) throw new AppError('request.incomplete', {}, { cause: error });
            throw error;
          }
          if (xml === null) throw new AppError('collection.submission.noXml');
          const outcome = await receiveSubmission(db, request.actor, request.params.projectId, { xml, files, deviceId: request.query.deviceID ?? null });
          const language = languageOf(request);
          const message =
            outcome.outcome === 'duplicate'
              ? language === 'fr'
                ? 'Cette soumission avait déjà été reçue : rien de nouveau.'
                : 'This submission was already received: nothing new.'
              : outcome.missing.length > 0
                ? language === 'fr'
                  ? `Soumission reçue ; fichiers encore attendus : ${outcome.missing.join(', ')}.`
                  : `Submission received; files still expected: ${outcome.missing.join(', ')}.`
                : language === 'fr'
                  ? 'Soumission reçue. Merci !'
                  : 'Submission received. Thank you!';
          return sendXml(reply, 201, openRosaResponse(message));
        },
      );
    }
  });
}
