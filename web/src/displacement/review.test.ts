import { describe, expect, it } from 'vitest';
import { allowedDecisions, countsByRule, fixFieldFor, parseCount, publishBlock, type SelectableIssue } from './review.js';

const issue = (id: number, severity: 'error' | 'warning', rule: string, extra: Partial<SelectableIssue> = {}): SelectableIssue => ({
  id,
  severity,
  status: 'open',
  rule,
  column: null,
  figureId: severity === 'error' ? null : 100 + id,
  ...extra,
});

describe('decisions', () => {
  it('exclude errors only', () => {
    expect(allowedDecisions([issue(1, 'error', 'pcodeUnknown'), issue(2, 'error', 'missingValue')])).toEqual({ decisions: ['excluded'], reason: null });
  });
  it('accept warnings, and fix one warning about a count', () => {
    expect(allowedDecisions([issue(1, 'warning', 'householdSize', { column: 'Households' })]).decisions).toEqual(['accepted', 'fixed']);
    expect(allowedDecisions([issue(1, 'warning', 'householdSize'), issue(2, 'warning', 'householdSize')]).decisions).toEqual(['accepted']);
    expect(allowedDecisions([issue(1, 'warning', 'outsideAdminUnit')]).decisions).toEqual(['accepted']);
    expect(allowedDecisions([issue(1, 'warning', 'householdSize', { figureId: null })]).decisions).toEqual(['accepted']);
  });
  it('refuse mixed, decided or empty selections with a reason', () => {
    expect(allowedDecisions([issue(1, 'error', 'pcodeUnknown'), issue(2, 'warning', 'householdSize')])).toEqual({ decisions: [], reason: 'mixed' });
    expect(allowedDecisions([issue(1, 'warning', 'householdSize', { status: 'accepted' })])).toEqual({ decisions: [], reason: 'decided' });
    expect(allowedDecisions([])).toEqual({ decisions: [], reason: 'none' });
  });
  it('fix the column the rule is about', () => {
    expect(fixFieldFor('householdSize', 'Ménages')).toBe('households');
    expect(fixFieldFor('changeVsPrevious', 'Individus')).toBe('individuals');
    expect(fixFieldFor('partsDoNotSum', 'Femmes')).toBe('females');
    expect(fixFieldFor('partsDoNotSum', 'Males')).toBe('males');
    expect(fixFieldFor('partsDoNotSum', 'Females')).toBe('females');
    expect(fixFieldFor('partsDoNotSum', 'Individuals')).toBe('individuals');
    expect(fixFieldFor('dateOutsidePeriod', 'Date')).toBeNull();
  });
  it('read corrected counts as typed', () => {
    expect(parseCount('1 234')).toBe(1234);
    expect(parseCount('1\u202f234')).toBe(1234);
    expect(parseCount('12.5')).toBeNull();
    expect(parseCount('-3')).toBeNull();
    expect(parseCount('')).toBeNull();
    expect(parseCount('20000000')).toBeNull();
  });
});

describe('publication', () => {
  const clean = { openErrors: 0, openWarnings: 0, canPublish: true, imports: [{ superseded: false }] };
  it('is possible once every finding is decided', () => {
    expect(publishBlock('draft', clean)).toBeNull();
    expect(publishBlock('validated', clean)).toBeNull();
  });
  it('says why not', () => {
    expect(publishBlock('draft', { ...clean, openErrors: 1, openWarnings: 2, canPublish: false })).toEqual({ key: 'openIssues', errors: 1, warnings: 2 });
    expect(publishBlock('draft', { ...clean, imports: [{ superseded: true }], canPublish: false })).toEqual({ key: 'noImport' });
    expect(publishBlock('published', clean)).toEqual({ key: 'published' });
  });
});

describe('counts by rule', () => {
  it('give one row per rule, errors first, most open first', () => {
    const rows = countsByRule([
      { rule: 'householdSize', severity: 'warning', status: 'open', count: 3 },
      { rule: 'householdSize', severity: 'warning', status: 'accepted', count: 2 },
      { rule: 'pcodeUnknown', severity: 'error', status: 'excluded', count: 1 },
      { rule: 'partsDoNotSum', severity: 'warning', status: 'open', count: 5 },
    ]);
    expect(rows).toEqual([
      { rule: 'pcodeUnknown', severity: 'error', open: 0, decided: 1 },
      { rule: 'partsDoNotSum', severity: 'warning', open: 5, decided: 0 },
      { rule: 'householdSize', severity: 'warning', open: 3, decided: 2 },
    ]);
  });
});
