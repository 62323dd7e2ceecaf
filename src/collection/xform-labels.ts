/**
 * The words a person reads in a form: each question's label and each choice's label, in every
 * language the form has. Read from the body's controls and the model's itext translations, the
 * two ways pyxform writes choices (inline `<item>`s, or an `<itemset>` over a secondary instance
 * whose items name an itext id or carry a label), and inline labels of forms with no
 * translations (language `''`). Reviewers see these instead of paths and codes; exports may too.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { Language } from '../core/errors.js';

/** Language name as the form writes it ('Français (fr)', 'English', or '' when it has none) → text. */
export type Translations = Record<string, string>;

export interface XFormLabels {
  /** The language the form shows first (`default="true()"`), or its first, or ''. */
  defaultLanguage: string;
  /** Question path (`/data/household/head_name`) → its label. */
  questions: Record<string, Translations>;
  /** Question path → choice value → its label. */
  choices: Record<string, Record<string, Translations>>;
}

const XFORMS_NS = 'http://www.w3.org/2002/xforms';
const CONTROLS = new Set(['input', 'select1', 'select', 'upload', 'range', 'trigger', 'rank', 'group', 'repeat']);
const ITEXT_REF = /^\s*jr:itext\(\s*'([^']*)'\s*\)\s*$/;
const ITEXT_FIELD = /^\s*jr:itext\(\s*([A-Za-z_][\w.-]*)\s*\)\s*$/;
const INSTANCE_NODESET = /^\s*instance\(\s*'([^']+)'\s*\)\s*\/[^/[\]]+\/[^/[\]]+/;

interface LabelSource {
  itextId: string | null;
  text: string;
}

interface Itemset {
  path: string;
  instance: string;
  valueField: string;
  /** The item's field holding an itext id (`jr:itext(itextId)`), or holding the label itself. */
  labelField: string | null;
  labelIsItext: boolean;
}

const absolute = (ref: string, context: string | null): string => (ref.startsWith('/') || context === null ? ref : `${context}/${ref}`.replace(/\/\.\//g, '/'));

/** Reads the labels of an XForm already accepted by readXForm (so it is well formed). */
export function readXFormLabels(xml: string): XFormLabels {
  const parser = new SaxesParser({ xmlns: true });
  const stack: SaxesTagNS[] = [];
  const translations = new Map<string, Map<string, string>>();
  let defaultLanguage: string | null = null;
  let firstLanguage = '';
  let translation: string | null = null;
  let textId: string | null = null;
  // Text being collected for: an itext value, a body label or item value, a secondary instance field.
  let collecting: { into: 'itext' | 'label' | 'itemValue' | 'field'; text: string } | null = null;
  const controls: Array<{ path: string; label: LabelSource | null }> = [];
  const questionLabels = new Map<string, LabelSource>();
  const itemChoices = new Map<string, Array<{ value: string; label: LabelSource | null }>>();
  let item: { value: string; label: LabelSource | null } | null = null;
  const itemsets: Itemset[] = [];
  let itemset: Itemset | null = null;
  // Secondary instances: id → items, each item's child fields by name.
  const instances = new Map<string, Array<Record<string, string>>>();
  let secondary: { id: string; depth: number; item: Record<string, string> | null } | null = null;
  let field: string | null = null;

  parser.on('opentag', (tag: SaxesTagNS) => {
    const parent = stack[stack.length - 1];
    stack.push(tag);
    const attribute = (name: string): string | null => tag.attributes[name]?.value ?? null;
    if (secondary !== null) {
      const depth = stack.length - secondary.depth;
      if (depth === 2) secondary.item = {};
      else if (depth === 3) {
        field = tag.local;
        collecting = { into: 'field', text: '' };
      }
      return;
    }
    // ODK's rank control lives in its own namespace.
    if (tag.uri !== XFORMS_NS && tag.local !== 'rank') return;
    switch (tag.local) {
      case 'translation': {
        translation = attribute('lang') ?? '';
        if (firstLanguage === '') firstLanguage = translation;
        if ((attribute('default') ?? '').replace(/\s/g, '') === 'true()') defaultLanguage = translation;
        break;
      }
      case 'text':
        if (translation !== null) textId = attribute('id');
        break;
      case 'value':
        if (translation !== null && textId !== null) {
          const form = attribute('form');
          if (form === null || form === 'long') collecting = { into: 'itext', text: '' };
        } else if (item !== null) {
          collecting = { into: 'itemValue', text: '' };
        } else if (itemset !== null) {
          itemset.valueField = attribute('ref') ?? itemset.valueField;
        }
        break;
      case 'instance': {
        const id = attribute('id');
        if (id !== null && parent?.local === 'model') {
          secondary = { id, depth: stack.length, item: null };
          instances.set(id, []);
        }
        break;
      }
      case 'output':
        // A label that shows an answer (`${name}`): kept as the reference, so the label still reads.
        if (collecting !== null) collecting.text += `\${${(attribute('value') ?? '').trim().split('/').pop()?.trim() ?? ''}}`;
        break;
      case 'item':
        if (controls.length > 0) item = { value: '', label: null };
        break;
      case 'itemset': {
        const nodeset = attribute('nodeset') ?? '';
        const instance = INSTANCE_NODESET.exec(nodeset)?.[1];
        const control = controls[controls.length - 1];
        if (instance !== undefined && control !== undefined) itemset = { path: control.path, instance, valueField: 'name', labelField: null, labelIsItext: false };
        break;
      }
      case 'label': {
        const ref = attribute('ref');
        const source: LabelSource = { itextId: ref === null ? null : (ITEXT_REF.exec(ref)?.[1] ?? null), text: '' };
        if (itemset !== null && ref !== null) {
          const itext = ITEXT_FIELD.exec(ref);
          itemset.labelField = itext?.[1] ?? ref.trim();
          itemset.labelIsItext = itext !== null;
        } else if (item !== null) {
          item.label = source;
          if (source.itextId === null) collecting = { into: 'label', text: '' };
        } else if (parent !== undefined && CONTROLS.has(parent.local) && controls.length > 0) {
          controls[controls.length - 1]!.label = source;
          if (source.itextId === null) collecting = { into: 'label', text: '' };
        }
        break;
      }
      default:
        if (CONTROLS.has(tag.local) && stack.some((open) => open.local === 'body')) {
          const ref = attribute('ref') ?? attribute('nodeset');
          const context = controls.length > 0 ? controls[controls.length - 1]!.path : null;
          controls.push({ path: ref === null ? (context ?? '') : absolute(ref.trim(), context), label: null });
        }
    }
  });

  parser.on('text', (text) => {
    if (collecting !== null) collecting.text += text;
  });

  parser.on('closetag', (tag: SaxesTagNS) => {
    stack.pop();
    if (secondary !== null) {
      const depth = stack.length + 1 - secondary.depth;
      if (depth === 3 && field !== null && secondary.item !== null && collecting !== null) {
        secondary.item[field] = collecting.text.trim();
        collecting = null;
        field = null;
      } else if (depth === 2 && secondary.item !== null) {
        instances.get(secondary.id)!.push(secondary.item);
        secondary.item = null;
      } else if (depth === 0) {
        secondary = null;
      }
      return;
    }
    if (tag.uri !== XFORMS_NS && tag.local !== 'rank') return;
    switch (tag.local) {
      case 'translation':
        translation = null;
        break;
      case 'text':
        textId = null;
        break;
      case 'value':
        if (collecting?.into === 'itext' && translation !== null && textId !== null) {
          let byLanguage = translations.get(textId);
          if (byLanguage === undefined) translations.set(textId, (byLanguage = new Map<string, string>()));
          byLanguage.set(translation, collecting.text.trim());
          collecting = null;
        } else if (collecting?.into === 'itemValue' && item !== null) {
          item.value = collecting.text.trim();
          collecting = null;
        }
        break;
      case 'label':
        if (collecting?.into === 'label') {
          const target = item !== null ? item.label : (controls[controls.length - 1]?.label ?? null);
          if (target !== null) target.text = collecting.text.trim();
          collecting = null;
        }
        break;
      case 'item': {
        const control = controls[controls.length - 1];
        if (item !== null && control !== undefined) {
          const list = itemChoices.get(control.path) ?? [];
          list.push(item);
          itemChoices.set(control.path, list);
        }
        item = null;
        break;
      }
      case 'itemset':
        if (itemset !== null) itemsets.push(itemset);
        itemset = null;
        break;
      default:
        if (CONTROLS.has(tag.local) && controls.length > 0 && stack.some((open) => open.local === 'body')) {
          const control = controls.pop()!;
          if (control.label !== null && !questionLabels.has(control.path)) questionLabels.set(control.path, control.label);
        }
    }
  });

  parser.write(xml).close();

  const translate = (source: LabelSource | null): Translations => {
    if (source === null) return {};
    if (source.itextId !== null) return Object.fromEntries(translations.get(source.itextId) ?? []);
    return source.text === '' ? {} : { '': source.text };
  };
  const questions: Record<string, Translations> = {};
  for (const [path, source] of questionLabels) {
    const label = translate(source);
    if (Object.keys(label).length > 0) questions[path] = label;
  }
  const choices: Record<string, Record<string, Translations>> = {};
  for (const [path, items] of itemChoices) {
    choices[path] = Object.fromEntries(items.map((choice) => [choice.value, translate(choice.label)]));
  }
  for (const set of itemsets) {
    const items = instances.get(set.instance) ?? [];
    const byValue: Record<string, Translations> = (choices[set.path] ??= {});
    for (const entry of items) {
      const value = entry[set.valueField];
      if (value === undefined) continue;
      const labelValue = set.labelField === null ? undefined : entry[set.labelField];
      byValue[value] =
        labelValue === undefined ? {} : set.labelIsItext ? Object.fromEntries(translations.get(labelValue) ?? []) : labelValue === '' ? {} : { '': labelValue };
    }
  }
  return { defaultLanguage: defaultLanguage ?? firstLanguage, questions, choices };
}

const LANGUAGE_NAMES: Record<Language, readonly string[]> = {
  fr: ['fr', 'fra', 'fre', 'français', 'francais', 'french'],
  en: ['en', 'eng', 'english', 'anglais'],
};

/**
 * The label in the reader's language: a form's languages are names as its author typed them
 * ('Français (fr)', 'French', 'English (en)'); failing a match, the form's default language,
 * then any. Null when the question has no label at all.
 */
export function labelIn(label: Translations | undefined, language: Language, defaultLanguage: string): string | null {
  if (label === undefined) return null;
  const names = LANGUAGE_NAMES[language];
  for (const [name, text] of Object.entries(label)) {
    const lower = name.toLowerCase();
    const code = /\(([a-z]{2,3})\)\s*$/.exec(lower)?.[1];
    if ((code !== undefined && names.includes(code)) || names.includes(lower.replace(/\s*\(.*\)\s*$/, '').trim())) {
      if (text !== '') return text;
    }
  }
  return label[defaultLanguage] || label[''] || Object.values(label).find((text) => text !== '') || null;
}
