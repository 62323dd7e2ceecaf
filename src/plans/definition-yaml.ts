/**
 * A plan definition file's text → JS value (YAML 1.2, JSON included), with the line of every
 * node kept, and problems located by path and line so an author fixes the file in one pass.
 */
import { Composer, isMap, isNode, isScalar, isSeq, LineCounter, Parser, visit, type CST, type Document } from 'yaml';
import { AppError, type ErrorParams } from '../core/errors.js';
import { truncateForEcho } from '../core/tabular.js';
import { type PlanMessageCode } from './messages.js';
import { PLAN_DEFINITION_LIMITS } from './definition-rules.js';

const L = PLAN_DEFINITION_LIMITS;

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

export function readYaml(text: string, fileName: string | undefined): ReadYaml {
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

export type Segment = string | number;

interface RawProblem {
  segments: readonly Segment[];
  code: PlanMessageCode;
  params: ErrorParams;
}

export class Problems {
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
export function lineOf(read: ReadYaml, segments: readonly Segment[]): number | null {
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
