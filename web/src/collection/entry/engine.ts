/**
 * ODK's form engine (`@getodk/xforms-engine`, what ODK Web Forms runs on) as the entry page
 * uses it. The engine is large (its XPath parser is WebAssembly): it is imported here only, and
 * this module only by the entry page, so no other page carries it.
 *
 * The types below are the few members of the engine's nodes the page reads. Its published node
 * types import files the package does not ship (`../../common/…`), so they cannot be used as
 * they are; these describe the same objects structurally.
 */
import { i18n } from '../../i18n.js';

export interface TextRange {
  readonly asString: string;
}

export interface NodeState {
  readonly reference: string;
  readonly relevant: boolean;
  readonly required: boolean;
  readonly readonly: boolean;
  readonly label: TextRange | null;
  readonly hint: TextRange | null;
  readonly children: readonly FormNode[] | null;
  readonly value: unknown;
  readonly valueOptions: unknown;
}

export interface Violation {
  readonly condition: 'constraint' | 'required';
  readonly message: TextRange | null;
}

export interface SelectItem {
  readonly value: string;
  readonly label: TextRange;
}

export interface FormNode {
  readonly nodeType: string;
  readonly nodeId: string;
  readonly valueType?: string;
  readonly selectType?: 'select' | 'select1';
  readonly nodeOptions: unknown;
  readonly currentState: NodeState;
  readonly validationState: { readonly violation?: Violation | null; readonly violations?: ReadonlyArray<{ readonly nodeId: string; readonly reference: string; readonly violation: Violation }> };
  readonly instanceState: { readonly instanceXML: string };
  setValue?(value: unknown): unknown;
  selectValue?(value: string | null): unknown;
  selectValues?(values: readonly string[]): unknown;
  addInstances?(afterIndex?: number, count?: number): unknown;
  removeInstances?(startIndex: number, count?: number): unknown;
}

export interface FormLanguage {
  readonly language: string;
  readonly isDefault: boolean;
  readonly locale?: Intl.Locale;
}

export interface PayloadViolation {
  readonly nodeId?: string;
  readonly reference?: string;
  readonly violation?: Violation;
}

export interface Payload {
  readonly status: 'pending' | 'max-size-exceeded' | 'ready';
  readonly violations: readonly PayloadViolation[] | null;
  readonly data: readonly [FormData, ...FormData[]];
}

export interface RootNode extends FormNode {
  readonly languages: readonly FormLanguage[];
  readonly currentState: NodeState & { readonly activeLanguage: FormLanguage; readonly children: readonly FormNode[] };
  setLanguage(language: FormLanguage): unknown;
  prepareInstancePayload(options: { payloadType: 'monolithic' }): Promise<Payload>;
}

export interface InstanceConfig {
  stateFactory: <T extends object>(object: T) => T;
  preloadProperties?: { deviceID?: string; username?: string; email?: string };
  geolocationProvider?: { getLocation(): Promise<string> };
}

export interface LoadedForm {
  readonly status: 'success' | 'warning' | 'failure';
  readonly error: Error | null;
  createInstance(config: InstanceConfig): { root: RootNode };
  restoreInstance(input: { data: readonly [FormData] }, config: InstanceConfig): Promise<{ root: RootNode }>;
}

type LoadFormFunction = (
  xml: string,
  options: { fetchFormAttachment: (url: URL) => Promise<Response>; missingResourceBehavior: 'BLANK' | 'ERROR' },
) => PromiseLike<LoadedForm>;

let engine: Promise<LoadFormFunction> | null = null;

/** The engine, fetched once per page (a ~400 KB compressed chunk, kept by the service worker). */
export function loadEngine(): Promise<LoadFormFunction> {
  engine ??= import('@getodk/xforms-engine').then((module) => module.loadForm as unknown as LoadFormFunction);
  return engine;
}

/** The form's language to show in the interface's language: `Français (fr)`, `fr`, `French`… */
export function formLanguageFor(languages: readonly FormLanguage[], language: string): FormLanguage | undefined {
  const names: Record<string, RegExp> = { fr: /^fran[cç]ais|^french/i, en: /^english|^anglais/i };
  return (
    languages.find((candidate) => candidate.locale?.language === language) ??
    languages.find((candidate) => new RegExp(`\\(${language}\\)\\s*$|^${language}$`, 'i').test(candidate.language)) ??
    languages.find((candidate) => names[language]?.test(candidate.language) === true)
  );
}

/** A node's value as the text its control shows. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && 'toString' in value && typeof value.toString === 'function') return (value as { toString(): string }).toString();
  return '';
}

/** The message of a violated rule: the form's own when it has one, else ours. */
export function violationText(violation: Violation): string {
  const own = violation.message?.asString.trim();
  if (own) return own;
  return i18n.t(violation.condition === 'required' ? 'collection.entry.required' : 'collection.entry.constraint');
}

/** The title of an XForm (`h:title`). */
export function formTitle(xml: string): string {
  const document = new DOMParser().parseFromString(xml, 'text/xml');
  return document.getElementsByTagNameNS('http://www.w3.org/1999/xhtml', 'title')[0]?.textContent?.trim() ?? '';
}

/** The instanceID of a submission's XML (`meta/instanceID`). */
export function instanceIdOf(xml: string): string | null {
  return /<(?:\w+:)?instanceID>([^<]+)<\/(?:\w+:)?instanceID>/.exec(xml)?.[1]?.trim() ?? null;
}

/** The instanceName of a submission's XML, when the form computes one. */
export function instanceNameOf(xml: string): string | null {
  const name = /<(?:\w+:)?instanceName>([^<]*)<\/(?:\w+:)?instanceName>/.exec(xml)?.[1]?.trim();
  if (!name) return null;
  return new DOMParser().parseFromString(`<x>${name}</x>`, 'text/xml').documentElement.textContent ?? name;
}
