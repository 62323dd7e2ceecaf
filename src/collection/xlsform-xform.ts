/**
 * Writing the XForm of a converted XLSForm, shaped as pyxform writes it (ODK XForms 1.0.0): the
 * itext translations, the primary instance, one secondary instance per choice list (itemsets, so
 * `choice_filter` is a predicate on it), the binds in survey order, then the body controls.
 */

export interface FormElement {
  kind: 'group' | 'repeat' | 'question';
  name: string;
  /** The converter's type: text, integer, …, select_one, group, repeat. */
  type: string;
  row: number;
  /** Plain columns, references already turned into paths. */
  plain: Map<string, string>;
  /** Translatable columns by language ("default" for the column without one); `\u0000path\u0000` marks an output. */
  translated: Map<string, Map<string, string>>;
  children: FormElement[];
  /** Path below the root element: `/household/member`. */
  path: string;
  listName?: string;
  orOther?: boolean;
}

export interface Choice {
  name: string;
  row: number;
  label: Map<string, string>;
  image: Map<string, string>;
  extras: Map<string, string>;
}

export interface ChoiceList {
  name: string;
  choices: Choice[];
  used: boolean;
}

export interface FormModel {
  root: FormElement;
  rootName: string;
  formId: string;
  version: string;
  title: string;
  choices: Map<string, ChoiceList>;
  defaultLanguage: string | null;
  instanceName: string | null;
}

/** Marks the ends of an output (`${name}`) in label text; a character no spreadsheet cell holds. */
export const OUTPUT = '\u0000';

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Text with `${name}` outputs: `\u0000/data/x\u0000` → `<output value=" /data/x "/>`. */
const rich = (text: string): string => text.split(OUTPUT).map((part, index) => (index % 2 === 1 ? `<output value=" ${escape(part)} "/>` : escape(part))).join('');

const BIND_TYPES: Record<string, string> = {
  text: 'string', integer: 'int', decimal: 'decimal', date: 'date', time: 'time', dateTime: 'dateTime', select_one: 'string', select_multiple: 'string',
  note: 'string', calculate: 'string', geopoint: 'geopoint', image: 'binary', acknowledge: 'string', start: 'dateTime', end: 'dateTime', today: 'date',
  deviceid: 'string', audit: 'binary',
};
const PRELOADS: Record<string, [string, string]> = {
  start: ['timestamp', 'start'], end: ['timestamp', 'end'], today: ['date', 'today'], deviceid: ['property', 'deviceid'],
};
const CONTROLS: Record<string, string> = {
  text: 'input', integer: 'input', decimal: 'input', date: 'input', time: 'input', dateTime: 'input', note: 'input', geopoint: 'input',
  acknowledge: 'trigger', image: 'upload', select_one: 'select1', select_multiple: 'select',
};
const MESSAGE_KEYS: Record<string, string> = { label: 'label', hint: 'hint', constraint_message: 'jr:constraintMsg', required_message: 'jr:requiredMsg' };

const attributes = (pairs: Array<[string, string | undefined | null]>): string =>
  pairs.filter((pair): pair is [string, string] => pair[1] !== undefined && pair[1] !== null).map(([key, value]) => ` ${key}="${escape(value)}"`).join('');

export function writeXForm(model: FormModel): string {
  const rootPath = `/${model.rootName}`;
  const all: FormElement[] = [];
  const collect = (element: FormElement): void => element.children.forEach((child) => (all.push(child), collect(child)));
  collect(model.root);
  const usedLists = [...model.choices.values()].filter((list) => list.used);
  const orOtherLists = new Set(all.filter((element) => element.orOther === true).map((element) => element.listName));

  // Languages: itext as soon as one column is per language or an image is shown.
  const languages: string[] = [];
  const addLanguage = (lang: string): void => {
    if (!languages.includes(lang)) languages.push(lang);
  };
  // As pyxform: a text goes to itext when it has a language of its own (or an image); a text
  // only in the plain column stays inline. Choice labels go to itext together, or not at all.
  let choicesItext = false;
  for (const list of usedLists) for (const choice of list.choices) for (const map of [choice.label, choice.image]) for (const lang of map.keys()) {
    addLanguage(lang);
    if (lang !== 'default' || map === choice.image) choicesItext = true;
  }
  const inItext = (element: FormElement, key: string): boolean =>
    [...(element.translated.get(key)?.keys() ?? [])].some((lang) => lang !== 'default') || (key === 'label' && element.translated.has('image'));
  if (!choicesItext) languages.splice(0);
  for (const element of all) {
    for (const [key, byLang] of element.translated) if (inItext(element, key === 'image' ? 'label' : key)) for (const lang of byLang.keys()) addLanguage(lang);
  }
  const itext = new Map<string, Map<string, { text?: string; image?: string }>>();
  const putText = (id: string, byLang: Map<string, string> | undefined, form: 'text' | 'image'): boolean => {
    if (byLang === undefined || byLang.size === 0) return false;
    let entry = itext.get(id);
    if (entry === undefined) itext.set(id, (entry = new Map<string, { text?: string; image?: string }>()));
    for (const lang of languages) {
      const slot = entry.get(lang) ?? {};
      const value = byLang.get(lang);
      if (form === 'image') {
        if (value !== undefined) slot.image = `jr://images/${value}`;
      } else slot.text = value ?? '-';
      entry.set(lang, slot);
    }
    return true;
  };

  const lines: string[] = [];
  const out = (depth: number, text: string): void => {
    lines.push(`${'  '.repeat(depth)}${text}`);
  };
  out(0, '<?xml version="1.0"?>');
  out(0, '<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:ev="http://www.w3.org/2001/xml-events" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa" xmlns:odk="http://www.opendatakit.org/xforms" xmlns:orx="http://openrosa.org/xforms" xmlns:xsd="http://www.w3.org/2001/XMLSchema">');
  out(1, '<h:head>');
  out(2, `<h:title>${escape(model.title)}</h:title>`);
  out(2, '<model odk:xforms-version="1.0.0">');
  const modelStart = lines.length;

  // Primary instance.
  out(3, '<instance>');
  out(4, `<${model.rootName}${attributes([['id', model.formId], ['version', model.version]])}>`);
  const audit = all.find((element) => element.type === 'audit');
  const counts = new Map<FormElement, string>();
  const writeInstance = (element: FormElement, depth: number): void => {
    for (const child of element.children) {
      if (child.type === 'audit') continue;
      if (child.kind === 'repeat') {
        const count = child.plain.get('repeat_count');
        if (count !== undefined && !/^\s*\/[\w/.-]+\s*$/.test(count)) {
          counts.set(child, `${child.name}_count`);
          out(depth, `<${child.name}_count/>`);
        }
      }
      if (child.kind === 'question') {
        const value = child.plain.get('default');
        out(depth, value === undefined ? `<${child.name}/>` : `<${child.name}>${escape(value)}</${child.name}>`);
      } else {
        // A repeat is written twice, as pyxform does: its template, then its first instance.
        for (const template of child.kind === 'repeat' ? [true, false] : [false]) {
          out(depth, `<${child.name}${template ? ' jr:template=""' : ''}>`);
          writeInstance(child, depth + 1);
          out(depth, `</${child.name}>`);
        }
      }
    }
  };
  writeInstance(model.root, 5);
  out(5, '<meta>');
  if (audit !== undefined) out(6, '<audit/>');
  out(6, '<instanceID/>');
  if (model.instanceName !== null) out(6, '<instanceName/>');
  out(5, '</meta>');
  out(4, `</${model.rootName}>`);
  out(3, '</instance>');

  // pulldata('fruits', …) reads a CSV attached beside the form, declared as an external instance.
  const csvs = new Set<string>();
  for (const element of all) for (const value of element.plain.values()) for (const match of value.matchAll(/pulldata\s*\(\s*['"]([^'"]+)['"]/g)) csvs.add(match[1]!);
  for (const csv of csvs) out(3, `<instance${attributes([['id', csv], ['src', `jr://file-csv/${csv}.csv`]])}/>`);

  // Choice lists as secondary instances.
  for (const list of usedLists) {
    out(3, `<instance id="${escape(list.name)}">`);
    out(4, '<root>');
    const items = [...list.choices];
    if (orOtherLists.has(list.name)) items.push({ name: 'other', row: 0, label: new Map((languages.length === 0 ? ['default'] : languages).map((lang) => [lang, 'Other'])), image: new Map(), extras: new Map() });
    items.forEach((choice, index) => {
      out(5, '<item>');
      const id = `${list.name}-${index}`;
      if (choicesItext) {
        const labelled = putText(id, choice.label, 'text');
        const imaged = putText(id, choice.image, 'image');
        if (labelled || imaged) out(6, `<itextId>${escape(id)}</itextId>`);
      } else out(6, `<label>${escape(choice.label.get('default') ?? '')}</label>`);
      out(6, `<name>${escape(choice.name)}</name>`);
      for (const [key, value] of choice.extras) out(6, `<${key}>${escape(value)}</${key}>`);
      out(5, '</item>');
    });
    out(4, '</root>');
    out(3, '</instance>');
  }

  // Binds, in survey order.
  const message = (element: FormElement, key: string): string | undefined => {
    const byLang = element.translated.get(key);
    if (byLang === undefined) return undefined;
    if (inItext(element, key)) {
      const id = `${rootPath}${element.path}:${MESSAGE_KEYS[key]!}`;
      putText(id, byLang, 'text');
      return `jr:itext('${id}')`;
    }
    return (byLang.get('default') ?? '').split(OUTPUT).join(' ');
  };
  for (const element of all) {
    const path = element.type === 'audit' ? `${rootPath}/meta/audit` : `${rootPath}${element.path}`;
    const count = counts.get(element);
    if (count !== undefined) {
      const parentPath = path.slice(0, path.lastIndexOf('/'));
      out(3, `<bind${attributes([['calculate', element.plain.get('repeat_count')], ['nodeset', `${parentPath}/${count}`], ['readonly', 'true()'], ['type', 'string']])}/>`);
    }
    const plain = element.plain;
    const preload = PRELOADS[element.type];
    const pairs: Array<[string, string | undefined]> = [
      ['calculate', plain.get('calculation')],
      ['constraint', plain.get('constraint')],
      ['jr:constraintMsg', message(element, 'constraint_message')],
      ['jr:preload', preload?.[0]],
      ['jr:preloadParams', preload?.[1]],
      ['jr:requiredMsg', message(element, 'required_message')],
      ['nodeset', path],
      ['readonly', element.type === 'note' ? 'true()' : plain.get('read_only')],
      ['relevant', plain.get('relevant')],
      ['required', plain.get('required')],
      ['type', element.kind === 'question' ? BIND_TYPES[element.type] : undefined],
    ];
    if (element.type === 'audit') {
      for (const part of (plain.get('parameters') ?? '').split(/[;\s]+/)) {
        const [key, value] = part.split('=');
        if (key !== undefined && key.trim() !== '' && value !== undefined) pairs.push([`odk:${key.trim()}`, value.trim()]);
      }
    }
    if (element.kind !== 'question' && pairs.every(([key, value]) => key === 'nodeset' || value === undefined)) continue;
    out(3, `<bind${attributes(pairs)}/>`);
  }
  out(3, `<bind${attributes([['jr:preload', 'uid'], ['nodeset', `${rootPath}/meta/instanceID`], ['readonly', 'true()'], ['type', 'string']])}/>`);
  if (model.instanceName !== null) out(3, `<bind${attributes([['calculate', model.instanceName], ['nodeset', `${rootPath}/meta/instanceName`], ['type', 'string']])}/>`);
  out(2, '</model>');
  out(1, '</h:head>');

  // Body.
  out(1, '<h:body>');
  const label = (element: FormElement, key: 'label' | 'hint', depth: number): void => {
    const byLang = element.translated.get(key);
    const image = key === 'label' ? element.translated.get('image') : undefined;
    if ((byLang === undefined || byLang.size === 0) && image === undefined) return;
    if (inItext(element, key)) {
      const id = `${rootPath}${element.path}:${key}`;
      putText(id, byLang, 'text');
      if (image !== undefined) putText(id, image, 'image');
      out(depth, `<${key} ref="jr:itext('${id}')"/>`);
    } else out(depth, `<${key}>${rich(byLang!.get('default') ?? '')}</${key}>`);
  };
  const writeBody = (element: FormElement, depth: number): void => {
    for (const child of element.children) {
      const ref = `${rootPath}${child.path}`;
      const appearance = child.plain.get('appearance');
      if (child.kind === 'group') {
        out(depth, `<group${attributes([['appearance', appearance], ['ref', ref]])}>`);
        label(child, 'label', depth + 1);
        writeBody(child, depth + 1);
        out(depth, '</group>');
      } else if (child.kind === 'repeat') {
        const count = counts.get(child);
        const jrCount = count !== undefined ? ` ${ref.slice(0, ref.lastIndexOf('/'))}/${count} ` : child.plain.get('repeat_count');
        out(depth, `<group${attributes([['ref', ref]])}>`);
        label(child, 'label', depth + 1);
        out(depth + 1, `<repeat${attributes([['appearance', appearance], ['jr:count', jrCount], ['nodeset', ref]])}>`);
        writeBody(child, depth + 2);
        out(depth + 1, '</repeat>');
        out(depth, '</group>');
      } else {
        const control = CONTROLS[child.type];
        if (control === undefined) continue;
        out(depth, `<${control}${attributes([['appearance', appearance], ['mediatype', child.type === 'image' ? 'image/*' : undefined], ['ref', ref]])}>`);
        label(child, 'label', depth + 1);
        label(child, 'hint', depth + 1);
        if (child.listName !== undefined) {
          const filter = child.plain.get('choice_filter');
          out(depth + 1, `<itemset nodeset="${escape(`instance('${child.listName}')/root/item${filter === undefined ? '' : `[${filter}]`}`)}">`);
          out(depth + 2, '<value ref="name"/>');
          out(depth + 2, choicesItext ? '<label ref="jr:itext(itextId)"/>' : '<label ref="label"/>');
          out(depth + 1, '</itemset>');
        }
        out(depth, `</${control}>`);
      }
    }
  };
  writeBody(model.root, 2);
  out(1, '</h:body>');
  out(0, '</h:html>');

  if (itext.size > 0) {
    const block: string[] = ['      <itext>'];
    for (const lang of languages) {
      const isDefault = model.defaultLanguage === null ? lang === 'default' : lang === model.defaultLanguage;
      block.push(`        <translation${attributes([['default', isDefault ? 'true()' : undefined], ['lang', lang]])}>`);
      for (const [id, byLang] of itext) {
        const slot = byLang.get(lang);
        if (slot === undefined) continue;
        block.push(`          <text id="${escape(id)}">`);
        if (slot.text !== undefined) block.push(`            <value>${rich(slot.text)}</value>`);
        if (slot.image !== undefined) block.push(`            <value form="image">${escape(slot.image)}</value>`);
        block.push('          </text>');
      }
      block.push('        </translation>');
    }
    block.push('      </itext>');
    lines.splice(modelStart, 0, ...block);
  }
  return `${lines.join('\n')}\n`;
}
