import { describe, expect, it } from 'vitest';
import { safeNext, signInHref } from './paths.js';

describe('safeNext', () => {
  it('keeps paths of this site, with their query', () => {
    expect(safeNext('/plans/IOM-CSAHEL-2021')).toBe('/plans/IOM-CSAHEL-2021');
    expect(safeNext('/geography?country=ML&level=2')).toBe('/geography?country=ML&level=2');
  });
  it('refuses other sites and odd input (no open redirect)', () => {
    for (const raw of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '/a\\b', '/x\ny', '', null, undefined, 'plans']) {
      expect(safeNext(raw)).toBe('/');
    }
  });
  it('never comes back to the sign-in page itself', () => {
    expect(safeNext('/sign-in')).toBe('/');
    expect(safeNext('/sign-in?next=/x')).toBe('/');
  });
});

describe('signInHref', () => {
  it('carries the page to come back to', () => {
    expect(signInHref('/geography', 'country=ML')).toBe('/sign-in?next=%2Fgeography%3Fcountry%3DML');
    expect(signInHref('/')).toBe('/sign-in');
    expect(signInHref('/sign-in', 'next=%2Fx')).toBe('/sign-in');
  });
});
