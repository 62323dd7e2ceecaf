import { describe, expect, it } from 'vitest';
import { AppError, catalogue, formatMessage, type ErrorCode } from './errors.js';

const placeholders = (template: string): string[] => [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).sort();

describe('the error catalogue', () => {
  const entries = Object.entries(catalogue) as Array<[ErrorCode, (typeof catalogue)[ErrorCode]]>;

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
