/**
 * Reading an XForm (the XML that ODK Collect, KoboCollect and Enketo fill) as the collection
 * server needs it (pure): the form id, version and title that formList serves, the primary
 * instance's questions by path (repeats marked, so exports can give each repeat its own table),
 * the binds (type, relevant, constraint, required, calculate) and the languages of its labels.
 * The first piece of field collection (issue 11); the module that stores forms is not built yet.
 *
 * Safety first: a form is XML from outside. Any DOCTYPE is refused before an entity can be
 * declared, so neither an external entity (XXE: reading the server's files) nor an entity bomb
 * (a few hundred bytes expanding to gigabytes) can be expressed; saxes expands no external
 * entity anyway. A form with an encryption key is refused for now, with its own reason.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';

export type XFormProblemReason = 'doctype' | 'malformed' | 'notXForm' | 'noInstance' | 'noFormId' | 'encrypted' | 'tooLarge';

/** Why a form was refused and where; the module turns it into its catalogue error (French and English). */
export class XFormProblem extends Error {
  constructor(
    readonly reason: XFormProblemReason,
    readonly line: number | null = null,
    readonly column: number | null = null,
    detail = '',
  ) {
    super(`${reason}${line === null ? '' : ` at ${line}:${column ?? 0}`}${detail === '' ? '' : `: ${detail}`}`);
    this.name = 'XFormProblem';
  }
}

export interface XFormBind {
  nodeset: string;
  type: string | null;
  relevant: string | null;
  constraint: string | null;
  required: string | null;
  calculate: string | null;
}

export interface XFormQuestion {
  /** Path in the primary instance, from its root: `/data/household/member/age`. */
  path: string;
  /** A group holds other nodes; a repeat is a group the body repeats; a leaf holds a value. */
  kind: 'leaf' | 'group' | 'repeat';
}

export interface XFormDefinition {
  formId: string;
  /** Null when the form has none (formList then lists it without a version). */
  version: string | null;
  title: string;
  questions: XFormQuestion[];
  binds: XFormBind[];
  languages: string[];
  /** Whether the instance carries meta/instanceID, which duplicates and edits are keyed on. */
  hasInstanceId: boolean;
  /** Files the form uses (`jr://images/logo.png`, `jr://file-csv/villages.csv`): its media, uploaded beside it. */
  mediaFiles: string[];
}

const MEDIA_REFERENCE = /jr:\/\/(?:images|audio|video|file|file-csv)\/([^"'<>\s)]+)/g;

/** A form definition beyond this is not a form but an attack or a mistake (the REACH MSNA XForm is ~1 MB). */
export const XFORM_MAX_BYTES = 10 * 1024 * 1024;

const XFORMS_NS = 'http://www.w3.org/2002/xforms';
const XHTML_NS = 'http://www.w3.org/1999/xhtml';

/** Reads an XForm; throws XFormProblem for anything it cannot serve. */
export function readXForm(xml: string): XFormDefinition {
  if (Buffer.byteLength(xml, 'utf8') > XFORM_MAX_BYTES) throw new XFormProblem('tooLarge');
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: string[] = [];
  // Paths of the primary instance, while inside it: [element path…]
  let instanceDepth = -1;
  let instancePath: string[] = [];
  let instancesSeen = 0;
  let formId: string | null = null;
  let version: string | null = null;
  let title = '';
  let inTitle = false;
  let encrypted = false;
  const nodes = new Map<string, { children: number }>();
  const repeats = new Set<string>();
  const binds: XFormBind[] = [];
  const languages: string[] = [];
  // Held in an object: TypeScript does not follow assignments made inside the parser's callbacks.
  const found: { problem: XFormProblem | null } = { problem: null };
  const fail = (reason: XFormProblemReason, detail = ''): void => {
    found.problem ??= new XFormProblem(reason, parser.line, parser.column, detail);
  };

  parser.on('doctype', () => fail('doctype'));
  parser.on('error', (error) => fail('malformed', error.message.split('\n')[0] ?? ''));
  parser.on('opentag', (tag: SaxesTagNS) => {
    const attribute = (name: string): string | null => tag.attributes[name]?.value ?? null;
    stack.push(tag.local);
    if (stack.length === 1 && !(tag.local === 'html' && tag.uri === XHTML_NS)) fail('notXForm');
    if (tag.local === 'title' && tag.uri === XHTML_NS) inTitle = true;
    if (instanceDepth >= 0) {
      instancePath.push(tag.local);
      const path = `/${instancePath.join('/')}`;
      if (instancePath.length === 1) {
        formId = attribute('id');
        version = attribute('version');
      } else {
        const parent = `/${instancePath.slice(0, -1).join('/')}`;
        const parentNode = nodes.get(parent);
        if (parentNode !== undefined) parentNode.children += 1;
      }
      if (!nodes.has(path)) nodes.set(path, { children: 0 });
      return;
    }
    if (tag.uri !== XFORMS_NS) return;
    if (tag.local === 'instance' && attribute('id') === null && stack.includes('model')) {
      instancesSeen += 1;
      if (instancesSeen === 1) {
        instanceDepth = stack.length;
        instancePath = [];
      }
    } else if (tag.local === 'bind') {
      const nodeset = attribute('nodeset') ?? attribute('ref');
      if (nodeset !== null) {
        binds.push({ nodeset, type: attribute('type'), relevant: attribute('relevant'), constraint: attribute('constraint'), required: attribute('required'), calculate: attribute('calculate') });
      }
    } else if (tag.local === 'translation') {
      const lang = attribute('lang');
      if (lang !== null && !languages.includes(lang)) languages.push(lang);
    } else if (tag.local === 'repeat') {
      const nodeset = attribute('nodeset');
      if (nodeset !== null) repeats.add(nodeset);
    } else if (tag.local === 'submission' && attribute('base64RsaPublicKey') !== null) {
      encrypted = true;
    }
  });
  parser.on('text', (text) => {
    if (inTitle) title += text;
  });
  parser.on('closetag', (tag: SaxesTagNS) => {
    if (tag.local === 'title') inTitle = false;
    if (instanceDepth >= 0) {
      if (stack.length === instanceDepth) instanceDepth = -2;
      else instancePath.pop();
    }
    stack.pop();
  });

  try {
    parser.write(xml).close();
  } catch (error) {
    // saxes throws after its error event for some faults; the first fault found is the one reported.
    fail('malformed', error instanceof Error ? (error.message.split('\n')[0] ?? '') : '');
  }
  if (found.problem !== null) throw found.problem;
  if (encrypted) throw new XFormProblem('encrypted');
  if (instancesSeen === 0 || nodes.size === 0) throw new XFormProblem('noInstance');
  if (formId === null || (formId as string).trim() === '') throw new XFormProblem('noFormId');

  const questions: XFormQuestion[] = [...nodes.entries()]
    .filter(([path]) => path.split('/').length > 2)
    .map(([path, node]) => ({ path, kind: repeats.has(path) ? 'repeat' : node.children > 0 ? 'group' : 'leaf' }));
  const root = [...nodes.keys()][0]!;
  return {
    formId: (formId as string).trim(),
    version: version === null || (version as string).trim() === '' ? null : (version as string).trim(),
    title: title.trim() === '' ? (formId as string).trim() : title.trim(),
    questions,
    binds,
    languages,
    hasInstanceId: nodes.has(`${root}/meta/instanceID`),
    mediaFiles: [...new Set([...xml.matchAll(MEDIA_REFERENCE)].map((match) => match[1]!))].sort(),
  };
}
