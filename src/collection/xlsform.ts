/**
 * XLSForm (.xlsx) → XForm, in TypeScript, for a documented subset (docs/xlsform.md), pure: no
 * database, no HTTP. No JavaScript converter exists; pyxform (Python) is the reference and the
 * tests compare this output with pyxform's on real pairs.
 *
 * The subset:
 * - types: text, integer, decimal, date, time, dateTime (or datetime), select_one LIST and
 *   select_multiple LIST (optionally `or_other`; `choice_filter` → an itemset with a predicate),
 *   note, calculate, geopoint (or gps), image, acknowledge; begin group / end group and
 *   begin repeat / end repeat (with a space or an underscore), `repeat_count`; metadata start,
 *   end, today, deviceid, audit (parameters location-priority, location-min-interval,
 *   location-max-age, track-changes, identify-user, track-changes-reasons).
 * - columns: label, hint, constraint_message, required_message, image (or media::image), each
 *   plain or per language (`label::Français (fr)`: itext translations); relevant, constraint,
 *   required, default, appearance, read_only, calculation, choice_filter, repeat_count, parameters
 *   (audit only). `${name}` becomes the absolute path of the question named.
 * - settings: form_title, form_id, version, default_language, instance_name, name (root element).
 *   Without a settings sheet (or without form_id), the form id is the file name without its
 *   extension (else "data"), the title the form id, and the version the first 12 hexadecimal
 *   digits of the SHA-256 of the workbook's bytes: the same file always gets the same version,
 *   a changed file another one.
 * - without a "survey" sheet, a workbook of exactly one sheet is taken as the survey.
 * Anything else is refused with its sheet, row and column: another type, a formula cell, a
 * known XLSForm column outside the subset holding a value, a setting outside the subset, a name
 * used twice, a reference or choice list that does not exist, an unmatched group. Columns that
 * are not XLSForm columns at all (REACH's "theme", "indicator"…) are left out with a warning.
 */
import { createHash } from 'node:crypto';
import { readFormSheets, type FormSheet, type SheetRow, type XlsFormProblem } from './xlsform-sheets.js';
import { OUTPUT, writeXForm, type ChoiceList, type FormElement, type FormModel } from './xlsform-xform.js';
import { lookUp } from '../shared/lookup.js';

export type { XlsFormProblem } from './xlsform-sheets.js';

export interface XlsFormOptions {
  /** The uploaded file's name: its stem is the form id when the settings give none. */
  fileName?: string;
}

export type XlsFormResult = { xform: string; formId: string; version: string; title: string; warnings: XlsFormProblem[] } | { problems: XlsFormProblem[] };

const QUESTION_TYPES: Record<string, string> = {
  text: 'text', integer: 'integer', int: 'integer', decimal: 'decimal', date: 'date', time: 'time', datetime: 'dateTime',
  note: 'note', calculate: 'calculate', geopoint: 'geopoint', gps: 'geopoint', image: 'image', acknowledge: 'acknowledge',
  start: 'start', end: 'end', today: 'today', deviceid: 'deviceid', audit: 'audit',
};
const TRANSLATABLE = new Set(['label', 'hint', 'constraint_message', 'required_message', 'image']);
const SURVEY_COLUMNS = new Set(['type', 'name', 'relevant', 'constraint', 'required', 'default', 'appearance', 'read_only', 'calculation', 'choice_filter', 'repeat_count', 'parameters']);
const ALIASES: Record<string, string> = {
  'media::image': 'image', 'constraint message': 'constraint_message', 'jr:constraintmsg': 'constraint_message', 'required message': 'required_message',
  'jr:requiredmsg': 'required_message', 'read only': 'read_only', 'readonly': 'read_only', 'choice filter': 'choice_filter', 'repeat count': 'repeat_count',
  'list name': 'list_name', 'calculate': 'calculation', 'default_value': 'default',
};
/** XLSForm columns Liptako does not convert: refused when a row fills them, never dropped. */
const UNSUPPORTED = /^(audio|video|big-image|media::|body::|bind::|instance::|trigger|guidance_hint|rows|autoplay|save_to|entities|intent|note$)/i;
const AUDIT_PARAMETERS = new Set(['location-priority', 'location-min-interval', 'location-max-age', 'track-changes', 'identify-user', 'track-changes-reasons']);
const SETTINGS = new Set(['form_title', 'form_id', 'version', 'default_language', 'instance_name', 'name', 'id_string']);
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export interface Column {
  base: string;
  lang: string | null;
}

/** `label::Français (fr)` → label in "Français (fr)"; `List Name` → list_name. */
export function parseHeader(header: string): Column {
  // `media::image::Français (fr)` is the long spelling of `image::Français (fr)`.
  const [head, ...rest] = header.replace(/^\s*media::(?=image\b)/i, '').split('::');
  const lowered = (head ?? '').trim().toLowerCase();
  const alias = lookUp(ALIASES, header.trim().toLowerCase());
  if (alias !== undefined) return { base: alias, lang: null };
  const base = lookUp(ALIASES, lowered) ?? lowered;
  return { base, lang: rest.length === 0 ? null : rest.join('::').trim() };
}

function classify(sheet: FormSheet, known: Set<string>, problems: XlsFormProblem[], warnings: XlsFormProblem[]): Map<string, Column> {
  const columns = new Map<string, Column>();
  for (const header of sheet.headers) {
    const column = parseHeader(header);
    const letter = sheet.letters.get(header)!;
    if (TRANSLATABLE.has(column.base) || (known.has(column.base) && column.lang === null)) {
      columns.set(header, column);
    } else if (UNSUPPORTED.test(header.trim()) || known.has(column.base)) {
      const used = sheet.rows.find((row) => row.values.has(header));
      if (used !== undefined) problems.push({ code: 'collection.xlsform.unsupportedColumn', sheet: sheet.name, row: used.row, column: letter, params: { header } });
    } else {
      warnings.push({ code: 'collection.xlsform.ignoredColumn', sheet: sheet.name, column: letter, params: { header } });
    }
  }
  return columns;
}

/** The value of a column of a row, for the plain column or any language of it. */
function cells(row: SheetRow, columns: Map<string, Column>): { plain: Map<string, string>; translated: Map<string, Map<string, string>> } {
  const plain = new Map<string, string>();
  const translated = new Map<string, Map<string, string>>();
  for (const [header, value] of row.values) {
    const column = columns.get(header);
    if (column === undefined) continue;
    if (TRANSLATABLE.has(column.base)) {
      let byLang = translated.get(column.base);
      if (byLang === undefined) translated.set(column.base, (byLang = new Map<string, string>()));
      byLang.set(column.lang ?? 'default', value);
    } else if (!plain.has(column.base)) plain.set(column.base, value);
  }
  return { plain, translated };
}

function readChoices(sheet: FormSheet | undefined, problems: XlsFormProblem[], warnings: XlsFormProblem[]): Map<string, ChoiceList> {
  const lists = new Map<string, ChoiceList>();
  if (sheet === undefined) return lists;
  const columns = new Map<string, Column>();
  for (const header of sheet.headers) {
    const column = parseHeader(header);
    if (TRANSLATABLE.has(column.base) || column.base === 'list_name' || column.base === 'name') columns.set(header, column);
    else if (UNSUPPORTED.test(header.trim())) {
      const used = sheet.rows.find((row) => row.values.has(header));
      if (used !== undefined) problems.push({ code: 'collection.xlsform.unsupportedColumn', sheet: sheet.name, row: used.row, column: sheet.letters.get(header)!, params: { header } });
    } else if (NAME.test(header)) columns.set(header, { base: `extra:${header}`, lang: null });
    else warnings.push({ code: 'collection.xlsform.ignoredColumn', sheet: sheet.name, column: sheet.letters.get(header)!, params: { header } });
  }
  const listHeader = [...columns].find(([, column]) => column.base === 'list_name')?.[0];
  if (listHeader === undefined) {
    problems.push({ code: 'collection.xlsform.missingColumn', sheet: sheet.name, row: 1, params: { column: 'list_name' } });
    return lists;
  }
  const nameLetter = [...columns].find(([, column]) => column.base === 'name')?.[0];
  for (const row of sheet.rows) {
    const { plain, translated } = cells(row, columns);
    const listName = plain.get('list_name');
    if (listName === undefined) continue;
    const name = plain.get('name');
    if (name === undefined) {
      problems.push({ code: 'collection.xlsform.missingChoiceName', sheet: sheet.name, row: row.row });
      continue;
    }
    let list = lists.get(listName);
    if (list === undefined) lists.set(listName, (list = { name: listName, choices: [], used: false }));
    const first = list.choices.find((choice) => choice.name === name);
    if (first !== undefined) {
      problems.push({ code: 'collection.xlsform.duplicateChoice', sheet: sheet.name, row: row.row, column: nameLetter === undefined ? 'name' : sheet.letters.get(nameLetter)!, params: { list: listName, name, first: first.row } });
      continue;
    }
    const extras = new Map([...plain].filter(([key]) => key.startsWith('extra:')).map(([key, value]) => [key.slice(6), value]));
    list.choices.push({ name, row: row.row, label: translated.get('label') ?? new Map<string, string>(), image: translated.get('image') ?? new Map<string, string>(), extras });
  }
  return lists;
}

const isYes = (value: string | undefined): boolean => value !== undefined && ['yes', 'true', 'true()', '1'].includes(value.trim().toLowerCase());
const isNo = (value: string | undefined): boolean => value === undefined || ['no', 'false', 'false()', '0'].includes(value.trim().toLowerCase());

export async function convertXlsForm(bytes: Buffer | Uint8Array, options: XlsFormOptions = {}): Promise<XlsFormResult> {
  const { sheets, problems } = await readFormSheets(bytes);
  const warnings: XlsFormProblem[] = [];
  if (problems.some((problem) => problem.code === 'collection.xlsform.notXlsx' || problem.code === 'collection.xlsform.zipBomb')) return { problems };
  const survey = sheets.get('survey') ?? (sheets.size === 1 ? [...sheets.values()][0] : undefined);
  if (survey === undefined) return { problems: [...problems, { code: 'collection.xlsform.missingSurvey', sheet: '', params: { sheets: [...sheets.values()].map((sheet) => sheet.name).join(', ') } }] };
  const columns = classify(survey, SURVEY_COLUMNS, problems, warnings);
  const typeHeader = [...columns].find(([, column]) => column.base === 'type')?.[0];
  const nameHeader = [...columns].find(([, column]) => column.base === 'name')?.[0];
  if (typeHeader === undefined || nameHeader === undefined) {
    return { problems: [...problems, { code: 'collection.xlsform.missingColumn', sheet: survey.name, row: 1, params: { column: typeHeader === undefined ? 'type' : 'name' } }] };
  }
  const letterOf = (base: string): string => {
    const header = [...columns].find(([, column]) => column.base === base)?.[0];
    return header === undefined ? base : survey.letters.get(header)!;
  };
  const choices = readChoices(sheets.get('choices'), problems, warnings);

  // The tree of groups, repeats and questions, from begin/end rows.
  const root: FormElement = { kind: 'group', name: '', type: 'group', row: 0, plain: new Map(), translated: new Map(), children: [], path: '' };
  const stack: FormElement[] = [root];
  const names = new Map<string, number>();
  for (const row of survey.rows) {
    const { plain, translated } = cells(row, columns);
    const rawType = plain.get('type');
    if (rawType === undefined) {
      if (plain.size > 0 || translated.size > 0) problems.push({ code: 'collection.xlsform.unknownType', sheet: survey.name, row: row.row, column: letterOf('type'), params: { type: '' } });
      continue;
    }
    const words = rawType.trim().split(/\s+/);
    const head = words.slice(0, 2).join('_').toLowerCase();
    const opener = head === 'begin_group' || head === 'begin_repeat' ? head.slice(6) : null;
    const closer = head === 'end_group' || head === 'end_repeat' ? head.slice(4) : null;
    if (closer !== null) {
      const open = stack[stack.length - 1]!;
      if (stack.length === 1 || open.kind !== closer) {
        problems.push({ code: 'collection.xlsform.unmatchedGroup', sheet: survey.name, row: row.row, column: letterOf('type'), params: { type: rawType, expected: `begin ${closer}` } });
        if (stack.length > 1 && stack.some((element) => element.kind === closer)) while (stack.length > 1 && stack.pop()!.kind !== closer);
      } else stack.pop();
      continue;
    }
    let type: string | undefined;
    let listName: string | undefined;
    let orOther = false;
    if (opener !== null) type = opener;
    else if (words[0] === 'select_one' || words[0] === 'select_multiple' || (words[0] === 'select' && (words[1] === 'one' || words[1] === 'multiple'))) {
      const rest = words[0] === 'select' ? words.slice(2) : words.slice(1);
      type = words[0] === 'select' ? `select_${words[1]}` : words[0];
      listName = rest[0];
      orOther = rest[1] === 'or_other';
      if (listName === undefined || rest.length > (orOther ? 2 : 1)) type = undefined;
    } else if (words.length === 1) type = lookUp(QUESTION_TYPES, words[0]!.toLowerCase());
    if (type === undefined) {
      problems.push({ code: 'collection.xlsform.unknownType', sheet: survey.name, row: row.row, column: letterOf('type'), params: { type: rawType } });
      continue;
    }
    const name = plain.get('name');
    if (name === undefined) {
      problems.push({ code: 'collection.xlsform.missingName', sheet: survey.name, row: row.row });
      continue;
    }
    if (!NAME.test(name)) problems.push({ code: 'collection.xlsform.invalidName', sheet: survey.name, row: row.row, column: letterOf('name'), params: { name } });
    const first = names.get(name);
    if (first !== undefined) problems.push({ code: 'collection.xlsform.duplicateName', sheet: survey.name, row: row.row, column: letterOf('name'), params: { name, first } });
    else names.set(name, row.row);
    if (listName !== undefined) {
      const list = choices.get(listName);
      if (list === undefined) problems.push({ code: 'collection.xlsform.unknownChoiceList', sheet: survey.name, row: row.row, column: letterOf('type'), params: { list: listName } });
      else list.used = true;
    }
    if (type === 'calculate' && plain.get('calculation') === undefined) problems.push({ code: 'collection.xlsform.missingCalculation', sheet: survey.name, row: row.row, column: letterOf('calculation') });
    const parameters = plain.get('parameters');
    if (parameters !== undefined) {
      const wrong = parameters.split(/[;\s]+/).filter((part) => part !== '' && !(type === 'audit' && AUDIT_PARAMETERS.has(part.split('=')[0]!.trim())));
      if (wrong.length > 0) problems.push({ code: 'collection.xlsform.invalidParameters', sheet: survey.name, row: row.row, column: letterOf('parameters'), params: { value: parameters } });
    }
    const parent = stack[stack.length - 1]!;
    const element: FormElement = {
      kind: opener === 'repeat' ? 'repeat' : opener === 'group' ? 'group' : 'question',
      name, type, row: row.row, plain, translated, children: [], path: `${parent.path}/${name}`,
      ...(listName === undefined ? {} : { listName }), orOther,
    };
    parent.children.push(element);
    if (opener !== null) stack.push(element);
    if (orOther) {
      const otherName = `${name}_other`;
      const other: FormElement = {
        kind: 'question', name: otherName, type: 'text', row: row.row, children: [], path: `${parent.path}/${otherName}`, orOther: false,
        plain: new Map([['relevant', `selected(../${name}, 'other')`]]), translated: new Map([['label', new Map([['default', 'Specify other.']])]]),
      };
      parent.children.push(other);
      names.set(otherName, row.row);
    }
  }
  for (const open of stack.slice(1)) {
    problems.push({ code: 'collection.xlsform.unmatchedGroup', sheet: survey.name, row: open.row, column: letterOf('type'), params: { type: `begin ${open.kind}`, expected: `end ${open.kind}` } });
  }
  if (root.children.length === 0 && problems.length === 0) problems.push({ code: 'collection.xlsform.empty', sheet: survey.name });

  // Settings.
  const settingsSheet = sheets.get('settings');
  const settings = new Map<string, string>();
  if (settingsSheet !== undefined) {
    const row = settingsSheet.rows[0];
    for (const header of settingsSheet.headers) {
      const value = row?.values.get(header);
      if (value === undefined) continue;
      const key = header.trim().toLowerCase();
      if (SETTINGS.has(key)) settings.set(key === 'id_string' ? 'form_id' : key, value);
      else problems.push({ code: 'collection.xlsform.unsupportedSetting', sheet: settingsSheet.name, row: row!.row, column: settingsSheet.letters.get(header)!, params: { header } });
    }
  }
  const stem = (options.fileName ?? '').replace(/^.*[\\/]/, '').replace(/\.xlsx$/i, '').trim();
  const formId = settings.get('form_id') ?? (stem === '' ? 'data' : stem);
  const version = settings.get('version') ?? createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  const title = settings.get('form_title') ?? formId;
  const rootName = settings.get('name') ?? 'data';

  const model: FormModel = { root, rootName, formId, version, title, choices, defaultLanguage: settings.get('default_language') ?? null, instanceName: settings.get('instance_name') ?? null };
  const paths = new Map<string, string>();
  const walk = (element: FormElement): void => {
    for (const child of element.children) {
      paths.set(child.name, `/${rootName}${child.path}`);
      walk(child);
    }
  };
  walk(root);
  const repeats = flatten(root).filter((element) => element.kind === 'repeat').map((element) => `/${rootName}${element.path}`);
  // Inside a repeat, a bind refers to a question of the same repeat by a relative path, as
  // pyxform writes it: the answer of this repeat instance, not of the first one.
  const relative = (source: string, target: string): string => {
    const repeat = repeats.filter((path) => source.startsWith(`${path}/`)).sort((a, b) => b.length - a.length)[0];
    if (repeat === undefined || !target.startsWith(`${repeat}/`)) return target;
    const from = source.split('/');
    const to = target.split('/');
    let common = 0;
    while (common < from.length && from[common] === to[common]) common += 1;
    return [...Array<string>(from.length - common).fill('..'), ...to.slice(common)].join('/') || '.';
  };
  const resolve = (text: string, row: number, base: string, source: string | null = null): string =>
    text.replace(/\$\{([^}]*)\}/g, (_whole, name: string) => {
      const path = paths.get(name.trim());
      if (path === undefined) {
        problems.push({ code: 'collection.xlsform.unknownReference', sheet: survey.name, row, column: letterOf(base), params: { name } });
        return '';
      }
      return ` ${source === null ? path : relative(source, path)} `;
    });
  const BIND_COLUMNS = new Set(['relevant', 'constraint', 'required', 'calculation', 'read_only']);
  const visit = (element: FormElement): void => {
    for (const [key, value] of element.plain) {
      if (key !== 'type' && key !== 'name') element.plain.set(key, resolve(value, element.row, key, BIND_COLUMNS.has(key) ? `/${rootName}${element.path}` : null));
    }
    for (const [key, byLang] of element.translated) {
      if (key === 'image') continue;
      for (const [lang, value] of byLang) byLang.set(lang, value.replace(/\$\{([^}]*)\}/g, (whole: string) => `${OUTPUT}${resolve(whole, element.row, key).trim()}${OUTPUT}`));
    }
    element.children.forEach(visit);
  };
  visit(root);
  if (model.instanceName !== null) model.instanceName = resolve(model.instanceName, settingsSheet?.rows[0]?.row ?? 2, 'instance_name');
  for (const element of flatten(root)) {
    // An Excel TRUE/FALSE cell in an expression column means true()/false(), not a node named TRUE.
    for (const key of ['relevant', 'constraint', 'calculation']) {
      const value = element.plain.get(key);
      if (value === 'TRUE' || value === 'FALSE') element.plain.set(key, value === 'TRUE' ? 'true()' : 'false()');
    }
    for (const key of ['required', 'read_only']) {
      const value = element.plain.get(key);
      if (value === undefined) continue;
      if (isYes(value)) element.plain.set(key, 'true()');
      else if (isNo(value)) element.plain.delete(key);
    }
  }
  if (problems.length > 0) return { problems };
  return { xform: writeXForm(model), formId, version, title, warnings };
}

function flatten(element: FormElement): FormElement[] {
  return element.children.flatMap((child) => [child, ...flatten(child)]);
}
