import { describe, expect, it } from 'vitest';
// A test may reach above core: it checks every module's entries as the composition root registers them.
import { MODULES } from '../modules.js';
import { backupMessages } from './backup-messages.js';
import { AppError, catalogue, coreMessages, formatMessage, registerCatalogue, type CatalogueEntry, type ErrorCode } from './errors.js';
import { importMessages } from './import-messages.js';

const placeholders = (template: string): string[] => [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).sort();

const parts: Array<[string, Readonly<Record<string, CatalogueEntry>>]> = [
  ['core', coreMessages],
  ['core', importMessages],
  ['core', backupMessages],
  ...MODULES.flatMap((module) => module.catalogue.map((messages): [string, Readonly<Record<string, CatalogueEntry>>] => [module.name, messages])),
];

describe('the error catalogue', () => {
  // Every entry of core and of every module of the composition root.
  const entries = parts.flatMap(([, messages]) => Object.entries(messages)) as Array<[ErrorCode, CatalogueEntry]>;

  it('is assembled from core and every module, each code owned once', () => {
    const owners = new Map<string, string>();
    for (const [owner, messages] of parts) {
      for (const [code, entry] of Object.entries(messages)) {
        expect(owners.get(code), `${code} is declared by ${owners.get(code)} and ${owner}`).toBeUndefined();
        owners.set(code, owner);
        expect(catalogue[code as ErrorCode]).toBe(entry);
      }
    }
    expect(Object.keys(catalogue).sort()).toEqual([...owners.keys()].sort());
    for (const module of MODULES) expect(module.catalogue.length, module.name).toBeGreaterThan(0);
  });

  it('refuses a module that would give an existing code another message', () => {
    expect(() => registerCatalogue('intruder', { 'resource.notFound': { status: 404, en: 'Gone.', fr: 'Parti.' } })).toThrow(/resource\.notFound/);
    expect(catalogue['resource.notFound'].en).toBe('{what} not found: {id}.');
  });

  it('knows every code by type: an unknown code does not compile', () => {
    // @ts-expect-error: not a catalogue code
    const unknown: ErrorCode = 'geo.nothing';
    expect(unknown in catalogue).toBe(false);
    const moduleCode: ErrorCode = 'geo.unit.notFound';
    expect(new AppError(moduleCode, { pcode: 'ML99' }).status).toBe(404);
  });

  it.each(entries)('%s has a French and an English message with the same placeholders', (_code, entry) => {
    expect(entry.en.trim().length).toBeGreaterThan(5);
    expect(entry.fr.trim().length).toBeGreaterThan(5);
    expect(entry.fr).not.toBe(entry.en);
    expect(placeholders(entry.fr)).toEqual(placeholders(entry.en));
  });

  it.each(entries)('%s has an HTTP error status', (_code, entry) => {
    expect(entry.status).toBeGreaterThanOrEqual(400);
    expect(entry.status).toBeLessThan(600);
  });

  it('uses stable dotted codes', () => {
    for (const [code] of entries) expect(code).toMatch(/^[a-z]+(\.[a-zA-Z]+)*$/);
  });

  it('fills parameters and leaves unknown placeholders visible', () => {
    expect(formatMessage('resource.notFound', 'fr', { what: 'Unité', id: 'ML09' })).toBe('Unité introuvable : ML09.');
    expect(formatMessage('resource.notFound', 'en', { what: 'Unit' })).toBe('Unit not found: {id}.');
  });

  it('keeps the cause of an error', () => {
    const cause = new Error('duplicate key');
    const error = new AppError('resource.exists', {}, { cause });
    expect(error.cause).toBe(cause);
    expect(error.status).toBe(409);
    expect(error.localisedMessage('fr')).toContain('existe déjà');
  });
});
