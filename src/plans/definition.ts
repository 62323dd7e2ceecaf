/**
 * Plan definition files: a response plan (objectives, activity areas, figures) written by hand as
 * YAML — or JSON, which YAML reads too — and kept in the repository (plans/*.yaml) or uploaded.
 * Pure functions: text in, a checked PlanDefinition or one catalogued AppError out. The layout is
 * documented for plan authors in docs/plan-definition.md:
 *
 *   code: IOM-CSAHEL-2021            # ^[A-Z0-9][A-Z0-9-]{1,39}$ (lower case is upper-cased)
 *   name: { en: …, fr: … }           # both languages, ≤ 300 characters
 *   type: crisis-response-plan       # PLAN_TYPES
 *   startDate: 2021-01-01            # YYYY-MM-DD; endDate ≥ startDate
 *   endDate: 2021-12-31
 *   countries: [BF, ML, NE]          # ISO2 or ISO3, any case; at least one
 *   status: published                # optional: draft | published (default) | archived
 *   requirementsUsd: 68350000        # optional figures: number, "68,350,000", "68 350 000" or null
 *   peopleTargeted: 4073000          # stored as given, never summed (de-duplicated)
 *   peopleTargetedDescription: …
 *   entitiesTargeted: 96
 *   targetGroups: [idp, local-community, refugee, international-migrant]   # aliases accepted
 *   objectives:                      # position = order in the file, from 1
 *     - name: { en: …, fr: … }       # ≤ 500 characters, as the database allows
 *       requirementsUsd: …
 *       peopleTargeted: …
 *       peopleTargetedDescription: …
 *       areas:
 *         - code: shelter-nfi        # lower-case slug, unique in the plan
 *           name: { en: …, fr: … }
 *           sectorCode: SHL          # SECTOR_CODES
 *           requirementsUsd: …
 *           peopleTargeted: …
 *           peopleTargetedDescription: …
 *           targetGroups: […]
 *           entitiesTargeted: …
 *   countryLines:                    # optional; activityArea absent = a line of the whole plan
 *     - { country: BF, activityArea: shelter-nfi, requirementsUsd: …, peopleTargeted: … }
 *
 * Every problem is collected (path + line + catalogue code) so that an author fixes the file in
 * one pass; unknown keys are refused because a misspelt key would otherwise drop a figure silently.
 */
import { closest, distance } from 'fastest-levenshtein';
import { Composer, isMap, isNode, isScalar, isSeq, LineCounter, Parser, visit, type CST, type Document } from 'yaml';
import { AppError, formatMessage, type ErrorCode, type ErrorParams, type Language } from '../core/errors.js';
import { truncateForEcho } from '../core/tabular.js';
import { iso2ToIso3, iso3ToIso2 } from '../geo/pcode.js';
import { isCalendarDate } from '../shared/dates.js';
import { planMessages, type PlanMessageCode } from './messages.js';
import {
  PLAN_TYPES,
  SECTOR_CODES,
  TARGET_GROUPS,
  type ActivityAreaDefinition,
  type ConsistencyFinding,
  type CountryLineDefinition,
  type ObjectiveDefinition,
  type PlanDefinition,
  type PlanType,
  type SectorCode,
  type TargetGroup,
} from './types.js';

/** Bounds that keep a hostile or mistaken file from costing much memory or time. */
export const PLAN_DEFINITION_LIMITS = Object.freeze({
  /**
   * Characters of text. 2,000 activity areas with a line per country, as indented JSON, make about
   * 1.5 MB and read in about a second; parsing time grows with size, so the bound stays close.
   */
  maxChars: 2_097_152,
  /** Nesting of YAML/JSON collections. The layout needs 6; the yaml composer recurses per level. */
  maxDepth: 32,
  /** The yaml library's guard against alias expansion ("billion laughs"). */
  maxAliasCount: 100,
  maxObjectives: 200,
  maxAreas: 2_000,
  maxCountryLines: 10_000,
  maxCountries: 50,
  maxTargetGroups: 20,
  /** Problems listed in the error; the count still covers all of them. */
  maxProblems: 100,
  /** numeric(16, 2) holds 1e14; a tenth of that is already far beyond any appeal. */
  maxAmountUsd: 1e13,
  maxPeople: 10_000_000_000,
  /** entities_targeted is an integer column. */
  maxEntities: 1_000_000,
  planNameChars: 300,
  objectiveNameChars: 500,
  areaNameChars: 300,
  descriptionChars: 2_000,
});

const L = PLAN_DEFINITION_LIMITS;

/** One problem of a definition file. `message` is English; `code` + `params` localise it. */
export interface PlanDefinitionProblem {
  /** e.g. `objectives[2].areas[0].requirementsUsd` (0-based indexes); '' is the whole document. */
  path: string;
  /** 1-based line in the file, when the location exists in it. */
  line: number | null;
  code: ErrorCode;
  params: Record<string, string | number>;
  message: string;
}

const PLAN_STATUSES = ['draft', 'published', 'archived'] as const;
type PlanStatus = (typeof PLAN_STATUSES)[number];

const PLAN_KEYS = [
  'code',
  'name',
  'type',
  'startDate',
  'endDate',
  'countries',
  'status',
  'requirementsUsd',
  'peopleTargeted',
  'peopleTargetedDescription',
  'entitiesTargeted',
  'targetGroups',
  'objectives',
  'countryLines',
] as const;
const NAME_KEYS = ['en', 'fr'] as const;
const OBJECTIVE_KEYS = ['name', 'requirementsUsd', 'peopleTargeted', 'peopleTargetedDescription', 'areas'] as const;
const AREA_KEYS = ['code', 'name', 'sectorCode', 'requirementsUsd', 'peopleTargeted', 'peopleTargetedDescription', 'targetGroups', 'entitiesTargeted'] as const;
const COUNTRY_LINE_KEYS = ['country', 'activityArea', 'requirementsUsd', 'peopleTargeted'] as const;

const PLAN_CODE = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
const AREA_CODE = /^[a-z0-9][a-z0-9-]{0,59}$/;

/**
 * Target-group spellings met in plans and 4W files, keyed by `aliasKey`. French forms are there
 * because French is the working language in the field (PDI = IDP). "Returned refugees"
 * (rapatriés) is left out on purpose: it is not the same group as returnees, so it must not be
 * folded into one silently.
 */
const TARGET_GROUP_ALIASES: ReadonlyMap<string, TargetGroup> = new Map<string, TargetGroup>([
  ...['idp', 'idps', 'internally displaced person', 'internally displaced persons', 'internally displaced people', 'pdi', 'pdis', 'personne deplacee interne', 'personnes deplacees internes', 'deplaces internes'].map(
    (alias): [string, TargetGroup] => [alias, 'idp'],
  ),
  ...[
    'local community',
    'local communities',
    'local population',
    'local populations',
    'local population community',
    'host community',
    'host communities',
    'host population',
    'communaute locale',
    'communautes locales',
    'population locale',
    'populations locales',
    'communaute hote',
    'communautes hotes',
    'communaute d accueil',
    'communautes d accueil',
  ].map((alias): [string, TargetGroup] => [alias, 'local-community']),
  ...['refugee', 'refugees', 'refugie', 'refugies'].map((alias): [string, TargetGroup] => [alias, 'refugee']),
  ...['international migrant', 'international migrants', 'migrant', 'migrants', 'migrant international', 'migrants internationaux'].map(
    (alias): [string, TargetGroup] => [alias, 'international-migrant'],
  ),
  ...['returnee', 'returnees', 'retourne', 'retournes'].map((alias): [string, TargetGroup] => [alias, 'returnee']),
]);

function aliasKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

// ---------------------------------------------------------------------------------------------
// Text → JS value (YAML 1.2, JSON included)
// ---------------------------------------------------------------------------------------------

interface ReadYaml {
  value: unknown;
  doc: Document.Parsed;
  lines: LineCounter;
}

/** Deepest collection nesting of a CST token, walked with an explicit stack (no recursion). */
function nestingDepth(token: CST.Token, limit: number): number {
  let deepest = 0;
  const stack: Array<{ token: CST.Token | null | undefined; depth: number }> = [{ token, depth: 0 }];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const current = entry.token;
    if (current === null || current === undefined) continue;
    if (entry.depth > deepest) {
      deepest = entry.depth;
      if (deepest > limit) return deepest;
    }
    if (current.type === 'document') {
      stack.push({ token: current.value, depth: entry.depth });
    } else if (current.type === 'block-map' || current.type === 'block-seq' || current.type === 'flow-collection') {
      for (const item of current.items) {
        stack.push({ token: item.key, depth: entry.depth + 1 });
        stack.push({ token: item.value, depth: entry.depth + 1 });
      }
    }
  }
  return deepest;
}

function firstLine(message: string): string {
  return truncateForEcho(message.split('\n', 1)[0] ?? message);
}

function readYaml(text: string, fileName: string | undefined): ReadYaml {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (source.length > L.maxChars) throw new AppError('plans.definition.tooLarge', { limit: '2 MiB' }, { details: { file: fileName ?? null } });

  // The yaml composer recurses once per nesting level and a deep enough file kills the process
  // (not a catchable error), so depth is measured on the parser's flat token stream first and the
  // composer only runs on what passed.
  const lines = new LineCounter();
  const tokens = [...new Parser(lines.addNewLine).parse(source)];
  for (const token of tokens) {
    if (nestingDepth(token, L.maxDepth) > L.maxDepth) {
      throw new AppError('plans.definition.tooComplex', { limit: L.maxDepth }, { details: { file: fileName ?? null } });
    }
  }
  // logLevel 'error': the yaml library otherwise writes some warnings (a mapping key that is a
  // collection) to the process's stderr with the file's content in them, so any uploader could
  // flood the server log (found by the fuzz tests).
  const docs = [...new Composer({ prettyErrors: false, logLevel: 'error' }).compose(tokens)];
  const doc = docs[0];
  const malformed = (offset: number, reason: string, cause?: unknown): AppError => {
    const position = lines.linePos(offset);
    return new AppError('plans.definition.malformed', { line: position.line, column: position.col }, { cause, details: { file: fileName ?? null, reason } });
  };
  for (const candidate of docs) {
    const error = candidate.errors[0];
    if (error !== undefined) throw malformed(error.pos[0], firstLine(error.message), error);
  }
  const second = docs[1];
  if (second !== undefined) {
    throw new AppError('plans.definition.multipleDocuments', { line: lines.linePos(second.range[0]).line }, { details: { file: fileName ?? null } });
  }
  if (doc === undefined || doc.contents === null) throw new AppError('plans.definition.empty', {}, { details: { file: fileName ?? null } });

  // A `%YAML 1.1` timestamp goes through Date.UTC, which rolls an impossible day over
  // (2021-02-29 became 2021-03-01) and reads years 0–99 as 1900–1999 (0021 became 1921). A value
  // whose calendar date is not the one written keeps its text, so that it is refused as a date
  // instead of silently moving (found by the fuzz tests).
  visit(doc, {
    Scalar(_key, node) {
      if (!(node.value instanceof Date) || typeof node.source !== 'string') return;
      const written = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})/.exec(node.source);
      const date = node.value;
      if (written !== null && [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()].join('-') !== written.slice(1).map(Number).join('-')) {
        node.value = node.source;
      }
    },
  });

  try {
    return { value: doc.toJS({ maxAliasCount: L.maxAliasCount }), doc, lines };
  } catch (error) {
    if (error instanceof ReferenceError && /alias count/i.test(error.message)) {
      throw new AppError('plans.definition.tooComplex', { limit: L.maxDepth }, { cause: error, details: { file: fileName ?? null, reason: 'aliases' } });
    }
    if (error instanceof RangeError) {
      // Aliases nest collections beyond what the CST showed; same remedy as a deep file.
      throw new AppError('plans.definition.tooComplex', { limit: L.maxDepth }, { cause: error, details: { file: fileName ?? null } });
    }
    if (error instanceof ReferenceError) {
      // An alias used before (or without) its anchor: the composer lets it through, toJS does not.
      let offset = 0;
      visit(doc, {
        Alias(_key, alias) {
          if (alias.resolve(doc) === undefined) {
            offset = alias.range?.[0] ?? 0;
            return visit.BREAK;
          }
          return undefined;
        },
      });
      throw malformed(offset, firstLine(error.message), error);
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Problems and their locations
// ---------------------------------------------------------------------------------------------

type Segment = string | number;

interface RawProblem {
  segments: readonly Segment[];
  code: PlanMessageCode;
  params: ErrorParams;
}

class Problems {
  readonly list: RawProblem[] = [];
  count = 0;

  add(segments: readonly Segment[], code: PlanMessageCode, params: ErrorParams = {}): void {
    this.count += 1;
    if (this.list.length < L.maxProblems) {
      const safe: ErrorParams = {};
      for (const [name, value] of Object.entries(params)) safe[name] = typeof value === 'string' ? truncateForEcho(value) : value;
      this.list.push({ segments: [...segments], code, params: safe });
    }
  }
}

export function formatPath(segments: readonly Segment[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(truncateForEcho(segment, 60))}]`;
  }
  return path;
}

/** Line of a path in the YAML document: the key for a mapping entry, the item for a list entry. */
function lineOf(read: ReadYaml, segments: readonly Segment[]): number | null {
  let node: unknown = read.doc.contents;
  let offset: number | undefined = isNode(node) ? node.range?.[0] : undefined;
  for (const [index, segment] of segments.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (pair === undefined) break;
      if (isNode(pair.key) && pair.key.range) offset = pair.key.range[0];
      if (index === segments.length - 1) break;
      node = pair.value;
      if (isNode(node) && node.range) offset = node.range[0];
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (!isNode(item)) break;
      node = item;
      offset = item.range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return offset === undefined ? null : read.lines.linePos(offset).line;
}

// ---------------------------------------------------------------------------------------------
// Value readers: each reports its own problems and returns a fallback when the value is bad
// (the fallback is never returned to the caller: any problem ends in an error).
// ---------------------------------------------------------------------------------------------

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function own(mapping: Mapping, key: string): unknown {
  return Object.hasOwn(mapping, key) ? mapping[key] : undefined;
}

/** A value as it can be shown back to the user; aliases can make cycles, so stringify may throw. */
function echo(value: unknown): string {
  if (typeof value === 'string') return truncateForEcho(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value === null || typeof value !== 'object') return String(value);
  const placeholder = Array.isArray(value) ? '[…]' : '{…}';
  try {
    return truncateForEcho(JSON.stringify(value) ?? placeholder);
  } catch {
    return placeholder;
  }
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function characters(text: string): number {
  // Counted as PostgreSQL's length() does: code points, not UTF-16 units.
  return [...text].length;
}

class Reader {
  constructor(readonly problems: Problems) {}

  mapping(value: unknown, at: readonly Segment[], keys: readonly string[]): Mapping | undefined {
    if (!isMapping(value)) {
      this.problems.add(at, 'plans.definition.notMapping', { value: echo(value) });
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (keys.includes(key)) continue;
      const suggestion = closest(key, [...keys]);
      const close = distance(key.toLowerCase(), suggestion.toLowerCase()) <= Math.max(2, Math.floor(suggestion.length / 3));
      if (close) this.problems.add([...at, key], 'plans.definition.unknownKeySuggestion', { key, suggestion });
      else this.problems.add([...at, key], 'plans.definition.unknownKey', { key, expected: keys.join(', ') });
    }
    return value;
  }

  list(mapping: Mapping, key: string, at: readonly Segment[], limit: number, required = false): unknown[] | undefined {
    const value = own(mapping, key);
    const where = [...at, key];
    if (value === undefined || value === null) {
      if (required) this.problems.add(where, 'plans.definition.missing');
      return required ? undefined : [];
    }
    if (!Array.isArray(value)) {
      this.problems.add(where, 'plans.definition.notList', { value: echo(value) });
      return undefined;
    }
    const items = value as unknown[];
    if (items.length > limit) {
      // The entries are not read: a list past the limit is refused whole, at bounded cost.
      this.problems.add(where, 'plans.definition.tooMany', { count: items.length, limit });
      return undefined;
    }
    if (required && items.length === 0) this.problems.add(where, 'plans.definition.listEmpty');
    return items;
  }

  /** Trimmed text; '' when absent and optional (callers map it to null). */
  text(value: unknown, where: readonly Segment[], options: { required: boolean; limit: number; singleLine?: boolean }): string {
    if (isAbsent(value)) {
      if (options.required) this.problems.add(where, 'plans.definition.missing');
      return '';
    }
    if (typeof value !== 'string') {
      this.problems.add(where, 'plans.definition.notText', { value: echo(value) });
      return '';
    }
    // Names written as folded or literal YAML blocks keep their line breaks; a name is one line.
    const text = options.singleLine === true ? value.replace(/\s+/g, ' ').trim() : value.trim();
    const length = characters(text);
    if (length > options.limit) {
      this.problems.add(where, 'plans.definition.textTooLong', { length, limit: options.limit });
      return '';
    }
    return text;
  }

  name(mapping: Mapping, at: readonly Segment[], limit: number): { en: string; fr: string } {
    const where = [...at, 'name'];
    const value = own(mapping, 'name');
    if (isAbsent(value)) {
      this.problems.add(where, 'plans.definition.missing');
      return { en: '', fr: '' };
    }
    const name = this.mapping(value, where, NAME_KEYS);
    if (name === undefined) return { en: '', fr: '' };
    return {
      en: this.text(own(name, 'en'), [...where, 'en'], { required: true, limit, singleLine: true }),
      fr: this.text(own(name, 'fr'), [...where, 'fr'], { required: true, limit, singleLine: true }),
    };
  }

  optionalText(mapping: Mapping, key: string, at: readonly Segment[], limit: number): string | null {
    const text = this.text(own(mapping, key), [...at, key], { required: false, limit });
    return text === '' ? null : text;
  }

  oneOf<T extends string>(value: unknown, where: readonly Segment[], allowed: readonly T[], normalise: (text: string) => string): T | undefined {
    if (isAbsent(value)) {
      this.problems.add(where, 'plans.definition.missing');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.problems.add(where, 'plans.definition.notText', { value: echo(value) });
      return undefined;
    }
    const candidate = normalise(value.trim());
    const found = allowed.find((item) => item === candidate);
    if (found === undefined) this.problems.add(where, 'plans.definition.notAllowed', { value, expected: allowed.join(', ') });
    return found;
  }

  date(mapping: Mapping, key: string, at: readonly Segment[]): string | undefined {
    const value = own(mapping, key);
    const where = [...at, key];
    if (isAbsent(value)) {
      this.problems.add(where, 'plans.definition.missing');
      return undefined;
    }
    // A `%YAML 1.1` file turns 2021-01-01 into a timestamp; midnight UTC is that same date.
    if (value instanceof Date && !Number.isNaN(value.getTime()) && value.toISOString().endsWith('T00:00:00.000Z')) {
      return value.toISOString().slice(0, 10);
    }
    const text = typeof value === 'string' ? value.trim() : undefined;
    if (text !== undefined && isCalendarDate(text)) return text;
    this.problems.add(where, 'plans.definition.dateInvalid', { value: echo(value) });
    return undefined;
  }

  country(value: unknown, where: readonly Segment[]): string | undefined {
    if (isAbsent(value)) {
      this.problems.add(where, 'plans.definition.missing');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.problems.add(where, 'plans.definition.countryInvalid', { value: echo(value) });
      return undefined;
    }
    const code = value.trim().toUpperCase();
    const iso2 = code.length === 2 && iso2ToIso3(code) !== undefined ? code : code.length === 3 ? iso3ToIso2(code) : undefined;
    if (iso2 === undefined) this.problems.add(where, 'plans.definition.countryInvalid', { value });
    return iso2;
  }

  /** Amounts and counts: numbers, or text with `,` or space thousands separators. */
  figure(mapping: Mapping, key: string, at: readonly Segment[], kind: 'amount' | 'count', limit: number): number | null {
    const value = own(mapping, key);
    const where = [...at, key];
    if (isAbsent(value)) return null;
    const invalid = kind === 'amount' ? 'plans.definition.amountInvalid' : 'plans.definition.countInvalid';
    const parsed = parseFigure(value, kind);
    if (parsed === undefined) {
      this.problems.add(where, invalid, { value: echo(value) });
      return null;
    }
    if (parsed < 0) {
      this.problems.add(where, 'plans.definition.numberNegative', { value: echo(value) });
      return null;
    }
    if (parsed > limit) {
      this.problems.add(where, 'plans.definition.numberTooLarge', { value: echo(value), limit: String(limit) });
      return null;
    }
    return parsed;
  }
}

/** Digits with one kind of thousands separator (`,` or a space of any width), then decimals. */
const GROUPED_NUMBER = /^(\d{1,3})((?:([, ])\d{3})(?:\3\d{3})*)(\.\d+)?$/;
const PLAIN_NUMBER = /^\d+(\.\d+)?$/;

/**
 * The number a figure stands for, negative when it is written negative (so that the message can
 * say so), undefined when it is not a figure. More than 2 decimals for an amount, or any for a
 * count, is refused: the database keeps cents, and a fraction of a person is a typo.
 */
export function parseFigure(value: unknown, kind: 'amount' | 'count'): number | undefined {
  let number: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    number = value === 0 ? 0 : value;
  } else if (typeof value === 'string') {
    let text = value.trim().replace(/[\u00A0\u2007\u202F]/g, ' ');
    let sign = 1;
    if (text.startsWith('-') || text.startsWith('\u2212')) {
      sign = -1;
      text = text.slice(1).trimStart();
    }
    let digits: string | undefined;
    if (PLAIN_NUMBER.test(text)) digits = text;
    else {
      const match = GROUPED_NUMBER.exec(text);
      if (match !== null) digits = `${match[1] ?? ''}${(match[2] ?? '').replace(/[, ]/g, '')}${match[4] ?? ''}`;
    }
    if (digits === undefined) return undefined;
    const decimals = digits.includes('.') ? (digits.split('.')[1]?.length ?? 0) : 0;
    if (decimals > (kind === 'amount' ? 2 : 0)) return undefined;
    number = sign * Number(digits);
    if (!Number.isFinite(number)) return undefined;
    if (number === 0) number = 0;
  } else {
    return undefined;
  }
  if (kind === 'count' && !Number.isInteger(number)) return undefined;
  if (kind === 'amount' && Math.round(number * 100) / 100 !== number) return undefined;
  return number;
}

// ---------------------------------------------------------------------------------------------
// The plan
// ---------------------------------------------------------------------------------------------

function targetGroups(reader: Reader, mapping: Mapping, at: readonly Segment[]): TargetGroup[] {
  const items = reader.list(mapping, 'targetGroups', at, L.maxTargetGroups) ?? [];
  const groups: TargetGroup[] = [];
  items.forEach((item, index) => {
    const where = [...at, 'targetGroups', index];
    if (typeof item !== 'string' || item.trim() === '') {
      reader.problems.add(where, 'plans.definition.notAllowed', { value: echo(item), expected: TARGET_GROUPS.join(', ') });
      return;
    }
    const group = TARGET_GROUP_ALIASES.get(aliasKey(item));
    if (group === undefined) reader.problems.add(where, 'plans.definition.notAllowed', { value: item, expected: TARGET_GROUPS.join(', ') });
    // "IDPs" and "PDI" in one list name one group: keep it once.
    else if (!groups.includes(group)) groups.push(group);
  });
  return groups;
}

function readPlan(value: unknown, problems: Problems): PlanDefinition {
  const reader = new Reader(problems);
  const root = reader.mapping(value, [], PLAN_KEYS);
  if (root === undefined) return emptyPlan();

  const codeText = reader.text(own(root, 'code'), ['code'], { required: true, limit: 200 });
  const code = codeText.toUpperCase();
  if (codeText !== '' && !PLAN_CODE.test(code)) problems.add(['code'], 'plans.definition.codeInvalid', { value: codeText });

  const name = reader.name(root, [], L.planNameChars);
  const type = reader.oneOf<PlanType>(own(root, 'type'), ['type'], PLAN_TYPES, (text) => text.toLowerCase());
  const startDate = reader.date(root, 'startDate', []);
  const endDate = reader.date(root, 'endDate', []);
  if (startDate !== undefined && endDate !== undefined && endDate < startDate) {
    problems.add(['endDate'], 'plans.definition.dateOrder', { start: startDate, end: endDate });
  }

  const countries: string[] = [];
  (reader.list(root, 'countries', [], L.maxCountries, true) ?? []).forEach((item, index) => {
    const country = reader.country(item, ['countries', index]);
    if (country !== undefined && !countries.includes(country)) countries.push(country);
  });

  const statusValue = own(root, 'status');
  const status: PlanStatus = isAbsent(statusValue) ? 'published' : (reader.oneOf<PlanStatus>(statusValue, ['status'], PLAN_STATUSES, (text) => text.toLowerCase()) ?? 'draft');

  const objectives: ObjectiveDefinition[] = [];
  const areaPaths = new Map<string, string>();
  let areaCount = 0;
  (reader.list(root, 'objectives', [], L.maxObjectives) ?? []).forEach((item, index) => {
    const at: Segment[] = ['objectives', index];
    const objective = reader.mapping(item, at, OBJECTIVE_KEYS);
    if (objective === undefined) return;
    const areas: ActivityAreaDefinition[] = [];
    const areaItems = reader.list(objective, 'areas', at, L.maxAreas) ?? [];
    areaCount += areaItems.length;
    if (areaCount > L.maxAreas) return; // reported once, below; the rest is not read
    areaItems.forEach((areaItem, areaIndex) => {
      const area = readArea(reader, areaItem, [...at, 'areas', areaIndex], areaPaths);
      if (area !== undefined) areas.push({ ...area, position: areaIndex + 1 });
    });
    objectives.push({
      position: index + 1,
      name: reader.name(objective, at, L.objectiveNameChars),
      requirementsUsd: reader.figure(objective, 'requirementsUsd', at, 'amount', L.maxAmountUsd),
      peopleTargeted: reader.figure(objective, 'peopleTargeted', at, 'count', L.maxPeople),
      peopleTargetedDescription: reader.optionalText(objective, 'peopleTargetedDescription', at, L.descriptionChars),
      areas,
    });
  });
  if (areaCount > L.maxAreas) problems.add(['objectives'], 'plans.definition.tooManyAreas', { count: areaCount, limit: L.maxAreas });

  const countryLines: CountryLineDefinition[] = [];
  const linePaths = new Map<string, string>();
  (reader.list(root, 'countryLines', [], L.maxCountryLines) ?? []).forEach((item, index) => {
    const at: Segment[] = ['countryLines', index];
    const line = reader.mapping(item, at, COUNTRY_LINE_KEYS);
    if (line === undefined) return;
    const country = reader.country(own(line, 'country'), [...at, 'country']);
    if (country !== undefined && countries.length > 0 && !countries.includes(country)) {
      problems.add([...at, 'country'], 'plans.definition.countryNotInPlan', { value: country, countries: countries.join(', ') });
    }
    const areaText = reader.text(own(line, 'activityArea'), [...at, 'activityArea'], { required: false, limit: 200 }).toLowerCase();
    const activityAreaCode = areaText === '' ? null : areaText;
    if (activityAreaCode !== null && !areaPaths.has(activityAreaCode) && areaCount <= L.maxAreas) {
      problems.add([...at, 'activityArea'], 'plans.definition.areaUnknown', { value: activityAreaCode });
    }
    if (country !== undefined) {
      const key = `${activityAreaCode ?? ''}\u0000${country}`;
      const first = linePaths.get(key);
      if (first !== undefined) problems.add(at, 'plans.definition.countryLineDuplicate', { firstPath: first });
      else linePaths.set(key, formatPath(at));
    }
    countryLines.push({
      country: country ?? '',
      activityAreaCode,
      requirementsUsd: reader.figure(line, 'requirementsUsd', at, 'amount', L.maxAmountUsd),
      peopleTargeted: reader.figure(line, 'peopleTargeted', at, 'count', L.maxPeople),
    });
  });

  return {
    code,
    name,
    type: type ?? 'other',
    startDate: startDate ?? '',
    endDate: endDate ?? '',
    countries,
    status,
    requirementsUsd: reader.figure(root, 'requirementsUsd', [], 'amount', L.maxAmountUsd),
    peopleTargeted: reader.figure(root, 'peopleTargeted', [], 'count', L.maxPeople),
    peopleTargetedDescription: reader.optionalText(root, 'peopleTargetedDescription', [], L.descriptionChars),
    entitiesTargeted: reader.figure(root, 'entitiesTargeted', [], 'count', L.maxEntities),
    targetGroups: targetGroups(reader, root, []),
    objectives,
    countryLines,
  };
}

function readArea(reader: Reader, value: unknown, at: readonly Segment[], areaPaths: Map<string, string>): Omit<ActivityAreaDefinition, 'position'> | undefined {
  const area = reader.mapping(value, at, AREA_KEYS);
  if (area === undefined) return undefined;
  const codeText = reader.text(own(area, 'code'), [...at, 'code'], { required: true, limit: 200 });
  const code = codeText.toLowerCase();
  if (codeText !== '') {
    if (!AREA_CODE.test(code)) reader.problems.add([...at, 'code'], 'plans.definition.areaCodeInvalid', { value: codeText });
    else {
      const first = areaPaths.get(code);
      if (first !== undefined) reader.problems.add([...at, 'code'], 'plans.definition.areaCodeDuplicate', { value: code, firstPath: first });
      else areaPaths.set(code, formatPath(at));
    }
  }
  const sectorCode = reader.oneOf<SectorCode>(own(area, 'sectorCode'), [...at, 'sectorCode'], SECTOR_CODES, (text) => text.toUpperCase());
  return {
    code,
    name: reader.name(area, at, L.areaNameChars),
    sectorCode: sectorCode ?? 'OTH',
    requirementsUsd: reader.figure(area, 'requirementsUsd', at, 'amount', L.maxAmountUsd),
    peopleTargeted: reader.figure(area, 'peopleTargeted', at, 'count', L.maxPeople),
    peopleTargetedDescription: reader.optionalText(area, 'peopleTargetedDescription', at, L.descriptionChars),
    targetGroups: targetGroups(reader, area, at),
    entitiesTargeted: reader.figure(area, 'entitiesTargeted', at, 'count', L.maxEntities),
  };
}

function emptyPlan(): PlanDefinition {
  return {
    code: '',
    name: { en: '', fr: '' },
    type: 'other',
    startDate: '',
    endDate: '',
    countries: [],
    status: 'draft',
    requirementsUsd: null,
    peopleTargeted: null,
    peopleTargetedDescription: null,
    entitiesTargeted: null,
    targetGroups: [],
    objectives: [],
    countryLines: [],
  };
}

/**
 * Reads a plan definition (YAML or JSON text). Throws `plans.definition.tooLarge`, `.tooComplex`,
 * `.malformed` (with line and column), `.multipleDocuments`, `.empty`, or `.invalid` with every
 * problem in `details.problems` (PlanDefinitionProblem[], at most 100; `details.problemCount` is
 * the full count).
 */
export function parsePlanDefinition(text: string, fileName?: string): PlanDefinition {
  const read = readYaml(text, fileName);
  const problems = new Problems();
  const plan = readPlan(read.value, problems);
  if (problems.count === 0) return plan;

  const listed: PlanDefinitionProblem[] = problems.list.map((problem) => ({
    path: formatPath(problem.segments),
    line: lineOf(read, problem.segments),
    code: problem.code,
    params: problem.params,
    message: formatMessage(problem.code, 'en', problem.params),
  }));
  const first = listed[0];
  const detail = first === undefined || first.path === '' ? '/' : first.path;
  throw new AppError(
    'plans.definition.invalid',
    { count: problems.count, detail, line: first?.line ?? 1 },
    { details: { file: fileName ?? null, problems: listed, problemCount: problems.count, truncated: problems.count > listed.length } },
  );
}

// ---------------------------------------------------------------------------------------------
// Consistency of stated totals with their parts
// ---------------------------------------------------------------------------------------------

/** The figures checkConsistency needs: a PlanDefinition fits, and so do rows read from the database. */
export interface ConsistencyInput {
  requirementsUsd: number | null;
  peopleTargeted: number | null;
  entitiesTargeted: number | null;
  objectives: ReadonlyArray<{
    position: number;
    requirementsUsd: number | null;
    peopleTargeted: number | null;
    areas: ReadonlyArray<{ requirementsUsd: number | null; peopleTargeted: number | null; entitiesTargeted: number | null }>;
  }>;
}

type Measure = ConsistencyFinding['measure'];

const FINDING_CODES: Record<Measure, { same: PlanMessageCode; differ: PlanMessageCode; severity: 'expected' | 'check' }> = {
  requirements: { same: 'plans.consistency.requirementsMatch', differ: 'plans.consistency.requirementsDiffer', severity: 'check' },
  // De-duplicated figures: a gap between whole and parts is how they are made, not a mistake.
  'people-targeted': { same: 'plans.consistency.peopleMatch', differ: 'plans.consistency.peopleDeduplicated', severity: 'expected' },
  'entities-targeted': { same: 'plans.consistency.entitiesMatch', differ: 'plans.consistency.entitiesDeduplicated', severity: 'expected' },
};

function sumOf(parts: ReadonlyArray<number | null>, measure: Measure): number | null {
  if (parts.length === 0) return null;
  let total = 0;
  for (const part of parts) {
    if (part === null) return null;
    // Amounts are added in cents so that 0.1 + 0.2 equals a stated 0.3.
    total += measure === 'requirements' ? Math.round(part * 100) : part;
  }
  return measure === 'requirements' ? total / 100 : total;
}

function compare(scope: string, measure: Measure, stated: number | null, parts: ReadonlyArray<number | null>): ConsistencyFinding | undefined {
  if (stated === null) return undefined;
  const sumOfParts = sumOf(parts, measure);
  if (sumOfParts === null) return undefined;
  const difference = stated - sumOfParts;
  const codes = FINDING_CODES[measure];
  return difference === 0
    ? { scope, measure, statedTotal: stated, sumOfParts, difference, severity: 'ok', code: codes.same }
    : { scope, measure, statedTotal: stated, sumOfParts, difference, severity: codes.severity, code: codes.differ };
}

/**
 * Compares each stated total with the sum of its parts: plan requirements with the objectives',
 * each objective's with its activity areas', and the same for people and entities targeted. A
 * comparison is skipped when the total, or any part, is unknown (null), or there are no parts.
 * Nothing is changed: totals stay as stated, findings only inform the reader.
 */
export function checkConsistency(plan: ConsistencyInput): ConsistencyFinding[] {
  const findings: Array<ConsistencyFinding | undefined> = [];
  const allAreas = plan.objectives.flatMap((objective) => objective.areas);
  findings.push(
    compare('plan', 'requirements', plan.requirementsUsd, plan.objectives.map((objective) => objective.requirementsUsd)),
    compare('plan', 'people-targeted', plan.peopleTargeted, plan.objectives.map((objective) => objective.peopleTargeted)),
    compare('plan', 'entities-targeted', plan.entitiesTargeted, allAreas.map((area) => area.entitiesTargeted)),
  );
  for (const objective of plan.objectives) {
    const scope = `objective:${objective.position}`;
    findings.push(
      compare(scope, 'requirements', objective.requirementsUsd, objective.areas.map((area) => area.requirementsUsd)),
      compare(scope, 'people-targeted', objective.peopleTargeted, objective.areas.map((area) => area.peopleTargeted)),
    );
  }
  return findings.filter((finding): finding is ConsistencyFinding => finding !== undefined);
}

function isPlanMessageCode(code: string): code is PlanMessageCode {
  return Object.hasOwn(planMessages, code);
}

/** A finding as a sentence in the user's language, figures written the way that language does. */
export function formatConsistencyFinding(finding: ConsistencyFinding, language: Language): string {
  const locale = language === 'fr' ? 'fr-FR' : 'en-US';
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const signed = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, signDisplay: 'exceptZero' });
  const objective = /^objective:(\d+)$/.exec(finding.scope);
  const scope =
    objective === null
      ? formatMessage('plans.consistency.scopePlan', language)
      : formatMessage('plans.consistency.scopeObjective', language, { position: objective[1] ?? '' });
  const code = isPlanMessageCode(finding.code) ? finding.code : 'plans.consistency.requirementsDiffer';
  return formatMessage(code, language, {
    scope,
    stated: number.format(finding.statedTotal),
    sum: number.format(finding.sumOfParts),
    difference: signed.format(finding.difference),
  });
}
