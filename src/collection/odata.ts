/**
 * Submissions as an OData v4 feed, the shape ODK Central serves, so that Excel (Get Data → OData
 * feed) and Power BI read a form's submissions and refresh them:
 * - entity sets `Submissions` and one per repeat (`Submissions.need`), keyed by `__id` (the root
 *   instanceID, then `…/need[2]` for a repeat row: the same stable keys as the CSV export), a
 *   repeat row pointing to its parent by `__Submissions-id`;
 * - typed properties from the form's binds (int, decimal, date, dateTime), columns over every
 *   version of the form as the CSV export aligns them;
 * - pages of at most 1,000 rows with `@odata.nextLink`, read from the database a page of
 *   submissions at a time (keyset on the id): memory stays flat in the number of submissions;
 * - `$filter` understands what reports need and refuses anything else by name, never ignoring it:
 *   a feed that silently dropped a filter would give a wrong total nobody notices.
 */
import type { Principal } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { AppError } from '../core/errors.js';
import { keyOf, tablesOf, type Table } from './exports.js';
import * as q from './queries.js';
import { authoriseProject } from './service.js';
import { answersOf, instanceOf, tableInstances, versionLeaves, type VersionLeaves } from './submission.js';
import { readXForm } from './xform.js';

/** Rows per response at most; a client asking more gets a nextLink. */
export const ODATA_PAGE = 1000;
/** Submissions read from the database at a time. */
const READ_PAGE = 200;
const REVIEW_STATES = ['received', 'has-issues', 'edited', 'approved', 'rejected'];

type EdmType = 'Edm.String' | 'Edm.Int64' | 'Edm.Decimal' | 'Edm.Date' | 'Edm.DateTimeOffset';

interface ODataProperty {
  name: string;
  path: string;
  type: EdmType;
}

interface ODataTable {
  /** `Submissions` or `Submissions.need` (a repeat nested in a group: `Submissions.group.need`). */
  name: string;
  table: Table;
  properties: ODataProperty[];
}

export interface ODataQuery {
  top?: number | undefined;
  skip?: number | undefined;
  count?: string | undefined;
  filter?: string | undefined;
  select?: string | undefined;
  skiptoken?: string | undefined;
  /** Rows per page the client prefers (`Prefer: odata.maxpagesize`), at most ODATA_PAGE. */
  pageSize?: number | undefined;
  /** Query options the feed does not know: refused by name. */
  unknown?: readonly string[];
}

const edmOf = (bindType: string | null | undefined): EdmType => {
  switch (bindType?.replace(/^xsd:/, '')) {
    case 'int':
    case 'integer':
      return 'Edm.Int64';
    case 'decimal':
      return 'Edm.Decimal';
    case 'date':
      return 'Edm.Date';
    case 'dateTime':
      return 'Edm.DateTimeOffset';
    default:
      return 'Edm.String';
  }
};

/** An OData identifier from a question path relative to its table: `/data/group/q` in `Submissions` → `group_q`. */
const propertyName = (path: string, repeat: string | null): string =>
  path
    .split('/')
    .slice((repeat ?? '/data').split('/').length)
    .join('_')
    .replace(/[^A-Za-z0-9_]/g, '_');

async function feedOf(db: Queryable, principal: Principal, projectId: number, xmlFormId: string): Promise<{ form: q.FormRow; tables: ODataTable[]; leaves: VersionLeaves }> {
  await authoriseProject(db, principal, projectId, 'collection.read');
  const form = await q.formByXmlId(db, projectId, xmlFormId);
  if (form === undefined) throw new AppError('collection.form.notFound', { formId: xmlFormId });
  const versions = await q.formVersions(db, form.id);
  // Types from the binds, the newest version's winning: a question retyped is read as it is now.
  const types = new Map<string, string | null>();
  for (const version of [...versions].sort((a, b) => a.id - b.id)) {
    const definition = readXForm((await q.formVersionXml(db, version.id)).toString('utf8'));
    for (const bind of definition.binds) types.set(bind.nodeset, bind.type);
  }
  const tables = tablesOf(versions, form.xml_form_id).map((table) => ({
    name: table.repeat === null ? 'Submissions' : `Submissions.${table.repeat.split('/').slice(2).join('.')}`,
    table,
    properties: table.leaves.map((path) => ({ name: propertyName(path, table.repeat), path, type: edmOf(types.get(path)) })),
  }));
  return { form, tables, leaves: versionLeaves(versions) };
}

const xmlEscape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const typeName = (table: string): string => table.replace(/\./g, '_');

export async function odataServiceDocument(db: Queryable, principal: Principal, projectId: number, xmlFormId: string, base: string): Promise<{ '@odata.context': string; value: Array<{ name: string; kind: 'EntitySet'; url: string }> }> {
  const { tables } = await feedOf(db, principal, projectId, xmlFormId);
  return { '@odata.context': `${base}/$metadata`, value: tables.map((table) => ({ name: table.name, kind: 'EntitySet' as const, url: table.name })) };
}

export async function odataMetadata(db: Queryable, principal: Principal, projectId: number, xmlFormId: string): Promise<string> {
  const { form, tables } = await feedOf(db, principal, projectId, xmlFormId);
  const namespace = `org.opendatakit.user.${form.xml_form_id.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const entity = (table: ODataTable): string => {
    const parent = table.table.repeat === null ? null : parentName(tables, table);
    const children = tables.filter((other) => other !== table && parentName(tables, other) === table.name);
    return [
      `<EntityType Name="${xmlEscape(typeName(table.name))}">`,
      '<Key><PropertyRef Name="__id"/></Key>',
      '<Property Name="__id" Type="Edm.String" Nullable="false"/>',
      ...(parent === null ? ['<Property Name="__system" Type="org.opendatakit.submission.metadata"/>'] : [`<Property Name="__${xmlEscape(parent)}-id" Type="Edm.String"/>`]),
      ...table.properties.map((property) => `<Property Name="${xmlEscape(property.name)}" Type="${property.type}"/>`),
      ...children.map((child) => `<NavigationProperty Name="${xmlEscape(child.name.split('.').slice(-1)[0]!)}" Type="Collection(${namespace}.${xmlEscape(typeName(child.name))})"/>`),
      '</EntityType>',
    ].join('');
  };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0"><edmx:DataServices>',
    '<Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="org.opendatakit.submission">',
    '<ComplexType Name="metadata"><Property Name="submissionDate" Type="Edm.DateTimeOffset"/><Property Name="submitterName" Type="Edm.String"/><Property Name="reviewState" Type="Edm.String"/><Property Name="instanceID" Type="Edm.String"/></ComplexType>',
    '</Schema>',
    `<Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="${namespace}">`,
    ...tables.map(entity),
    `<EntityContainer Name="${xmlEscape(typeName(form.xml_form_id))}">`,
    ...tables.map((table) => `<EntitySet Name="${xmlEscape(table.name)}" EntityType="${namespace}.${xmlEscape(typeName(table.name))}"/>`),
    '</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>',
  ].join('\n');
}

function parentName(tables: readonly ODataTable[], table: ODataTable): string | null {
  const repeat = table.table.repeat;
  if (repeat === null) return null;
  const parent = tables
    .filter((other) => other.table.repeat !== null && repeat.startsWith(`${other.table.repeat}/`))
    .sort((a, b) => b.table.repeat!.length - a.table.repeat!.length)[0];
  return parent?.name ?? 'Submissions';
}

// ---- $filter: a small grammar, refused by name outside it ----------------------------------------

const DATE_LITERAL = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const CONDITION = /^(__system\/submissionDate|__system\/reviewState)\s+(eq|gt|ge|lt|le)\s+(.+)$/;

interface SubmissionFilter {
  reviewState: string | null;
  received: q.ReceivedBounds;
}

const unsupported = (what: string): AppError => new AppError('collection.odata.unsupported', { what: what.length > 80 ? `${what.slice(0, 80)}…` : what });

export function parseFilter(text: string | undefined): SubmissionFilter {
  const filter: SubmissionFilter = { reviewState: null, received: { after: null, from: null, before: null, until: null } };
  if (text === undefined || text.trim() === '') return filter;
  for (const part of text.trim().split(/\s+and\s+/)) {
    const match = CONDITION.exec(part.trim());
    if (match === null) throw unsupported(`$filter=${part.trim()}`);
    const [, field, operator, literal] = match as unknown as [string, string, string, string];
    if (field === '__system/reviewState') {
      const state = /^'([a-z-]{1,20})'$/.exec(literal)?.[1];
      if (operator !== 'eq' || state === undefined || !REVIEW_STATES.includes(state) || filter.reviewState !== null) throw unsupported(`$filter=${part.trim()}`);
      filter.reviewState = state;
      continue;
    }
    if (!DATE_LITERAL.test(literal) || Number.isNaN(Date.parse(literal))) throw unsupported(`$filter=${part.trim()}`);
    const instant = new Date(literal).toISOString();
    const bounds = filter.received;
    // Several bounds of one kind: the strictest holds, as `and` means.
    const later = (current: string | null): string => (current === null || instant > current ? instant : current);
    const earlier = (current: string | null): string => (current === null || instant < current ? instant : current);
    if (operator === 'gt') bounds.after = later(bounds.after);
    else if (operator === 'ge') bounds.from = later(bounds.from);
    else if (operator === 'lt') bounds.before = earlier(bounds.before);
    else if (operator === 'le') bounds.until = earlier(bounds.until);
    else {
      bounds.from = later(bounds.from);
      bounds.until = earlier(bounds.until);
    }
  }
  return filter;
}

// ---- rows ----------------------------------------------------------------------------------------

/** What a submission row's `__system` holds (the one value that is not a cell). */
export interface ODataSystem {
  submissionDate: string;
  submitterName: string;
  reviewState: string;
  instanceID: string;
}

/** A cell of a row: text, a number (Edm.Int64, Edm.Decimal), null, or the row's `__system`. */
type Json = string | number | null | ODataSystem;

const typed = (value: string | undefined, type: EdmType): Json => {
  if (value === undefined || value === '') return null;
  if (type === 'Edm.Int64' || type === 'Edm.Decimal') {
    const number = Number(value);
    return Number.isFinite(number) ? number : null;
  }
  return value;
};

function rowsOf(table: ODataTable, tables: readonly ODataTable[], submission: q.ExportSubmissionRow, repeatPaths: ReadonlySet<string>, leaves: VersionLeaves): Array<Record<string, Json>> {
  const root = submission.root_instance_id;
  const repeat = table.table.repeat;
  const instances = tableInstances(answersOf(submission, repeatPaths, leaves), repeat);
  const withProperties = (row: Record<string, Json>, values: Readonly<Record<string, string>>): Record<string, Json> => {
    for (const property of table.properties) row[property.name] = typed(values[property.path], property.type);
    return row;
  };
  if (repeat === null) {
    const row = withProperties({ __id: root }, instances[0]![1]);
    row.__system = { submissionDate: submission.received_at.toISOString(), submitterName: submission.submitted_by, reviewState: submission.review_state, instanceID: submission.instance_id };
    return [row];
  }
  const parent = parentName(tables, table)!;
  const parentRepeat = tables.find((other) => other.name === parent)?.table.repeat ?? null;
  return instances.map(([instance, values]) =>
    withProperties({ __id: keyOf(root, instance!), [`__${parent}-id`]: parentRepeat === null ? root : keyOf(root, instanceOf(instance!, parentRepeat)) }, values),
  );
}

/** Where the next page starts: after submission `a`, skipping `r` rows of the submission after it. */
interface Position {
  a: number;
  r: number;
}

const encodeToken = (position: Position): string => Buffer.from(JSON.stringify(position)).toString('base64url');

function decodeToken(token: string): Position {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && Number.isSafeInteger((value as Position).a) && Number.isSafeInteger((value as Position).r) && (value as Position).a >= 0 && (value as Position).r >= 0) return value as Position;
  } catch {
    // Falls through to the refusal below: a token that is not ours is refused, not guessed at.
  }
  throw unsupported('$skiptoken');
}

function parseSelect(text: string | undefined, table: ODataTable, tables: readonly ODataTable[]): Set<string> | null {
  if (text === undefined || text.trim() === '' || text.trim() === '*') return null;
  const link = table.table.repeat === null ? '__system' : `__${parentName(tables, table)!}-id`;
  const allowed = new Set(['__id', link, ...table.properties.map((property) => property.name)]);
  const names = text.split(',').map((name) => name.trim());
  for (const name of names) if (!allowed.has(name)) throw unsupported(`$select=${name}`);
  return new Set(names);
}

export interface ODataPage {
  '@odata.context': string;
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
  value: Array<Record<string, Json>>;
}

/**
 * One page of a table. `base` is the service root URL (`…/forms/site.svc`); nextLink keeps the
 * client's `$filter`/`$select`/`$count` and replaces `$skip` by a `$skiptoken` (keyset position).
 */
export async function odataRows(db: Queryable, principal: Principal, projectId: number, xmlFormId: string, tableName: string, query: ODataQuery, base: string): Promise<ODataPage> {
  const { form, tables, leaves } = await feedOf(db, principal, projectId, xmlFormId);
  const table = tables.find((candidate) => candidate.name === tableName);
  if (table === undefined) throw new AppError('collection.odata.tableUnknown', { formId: xmlFormId, table: tableName.slice(0, 100) });
  const [unknown] = query.unknown ?? [];
  if (unknown !== undefined) throw unsupported(unknown.slice(0, 40));
  const filter = parseFilter(query.filter);
  const select = parseSelect(query.select, table, tables);
  if (query.count !== undefined && query.count !== 'true' && query.count !== 'false') throw unsupported(`$count=${query.count}`);
  const repeatPaths = new Set(tables.flatMap((candidate) => (candidate.table.repeat === null ? [] : [candidate.table.repeat])));
  const start = query.skiptoken === undefined ? { a: 0, r: 0 } : decodeToken(query.skiptoken);
  let skip = (query.skip ?? 0) + start.r;
  const wanted = query.top ?? Number.POSITIVE_INFINITY;
  const pageSize = Math.max(1, Math.min(query.pageSize ?? ODATA_PAGE, ODATA_PAGE));
  const limit = Math.min(wanted, pageSize);
  const value: Array<Record<string, Json>> = [];
  let after = start.a;
  let next: Position | null = null;
  let counted = 0;
  const counting = query.count === 'true';
  scan: for (;;) {
    const page = await q.odataPage(db, form.id, { after, limit: READ_PAGE, ...filter });
    if (page.length === 0) break;
    for (const submission of page) {
      const rows = rowsOf(table, tables, submission, repeatPaths, leaves);
      if (skip >= rows.length) {
        skip -= rows.length;
        after = submission.id;
        continue;
      }
      const taken = rows.slice(skip, skip + (limit - value.length));
      value.push(...taken);
      if (value.length >= limit) {
        const used = skip + taken.length;
        // The client's $top reached: no next page. The server's page size reached: a nextLink, unless nothing follows.
        if (query.top !== undefined && query.top <= pageSize) break scan;
        next = used < rows.length ? { a: after, r: used } : { a: submission.id, r: 0 };
        break scan;
      }
      skip = 0;
      after = submission.id;
    }
  }
  if (next !== null && next.r === 0 && (await q.odataPage(db, form.id, { after: next.a, limit: 1, ...filter })).length === 0) next = null;
  if (counting) counted = table.table.repeat === null ? await q.odataCount(db, form.id, filter) : await countRepeatRows(db, form.id, table, tables, filter, repeatPaths, leaves);
  const projected = select === null ? value : value.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => select.has(key))));
  const body: ODataPage = { '@odata.context': `${base}/$metadata#${table.name}`, value: projected };
  if (counting) body['@odata.count'] = counted;
  if (next !== null) {
    const params = new URLSearchParams();
    if (query.filter !== undefined) params.set('$filter', query.filter);
    if (query.select !== undefined) params.set('$select', query.select);
    if (counting) params.set('$count', 'true');
    if (query.top !== undefined) params.set('$top', String(query.top - value.length));
    params.set('$skiptoken', encodeToken(next));
    body['@odata.nextLink'] = `${base}/${table.name}?${params.toString()}`;
  }
  return body;
}

/** A repeat's rows are inside each submission: counted by reading every submission, a page at a time (flat memory). */
async function countRepeatRows(
  db: Queryable,
  formId: number,
  table: ODataTable,
  tables: readonly ODataTable[],
  filter: SubmissionFilter,
  repeatPaths: ReadonlySet<string>,
  leaves: VersionLeaves,
): Promise<number> {
  let total = 0;
  let after = 0;
  for (;;) {
    const page = await q.odataPage(db, formId, { after, limit: READ_PAGE, ...filter });
    if (page.length === 0) return total;
    for (const submission of page) total += rowsOf(table, tables, submission, repeatPaths, leaves).length;
    after = page[page.length - 1]!.id;
  }
}
