import { describe, expect, it } from 'vitest';
import { bandOf, conflictingHeaders, fieldLabelKey, fieldsFor, ignoredCount, initialDraft, isComplete, mappingProblems, sideGroupOf, unreadable } from './mapping.js';

describe('values the mapping step could not read', () => {
  it('are counted for the field chosen, and flagged when most of a column would fail', () => {
    const column = { filled: 12, readable: { settlementType: 12, locationType: 0, count: 0 } };
    expect(unreadable(column, 'settlementType')).toEqual({ unread: 0, filled: 12, most: false });
    expect(unreadable(column, 'locationType')).toEqual({ unread: 12, filled: 12, most: true });
    expect(unreadable(column, 'returnee:individuals')).toEqual({ unread: 12, filled: 12, most: true });
    expect(unreadable(column, 'locationName')).toBeNull();
    expect(mappingProblems({ A: 'admin2Pcode', B: 'returnee:individuals' }).missing).toEqual([]);
  });
});

describe('canonical fields', () => {
  it('offer only the age bands of the operation', () => {
    const fields = fieldsFor(['0-4', '5-17', '18-59', '60+']);
    expect(fields).toContain('f4');
    expect(fields).not.toContain('f5');
    expect(fields).not.toContain('m5');
    expect(fields).toContain('individuals');
    expect(fieldsFor(['0-17', '18+']).filter((field) => bandOf(field) !== null && sideGroupOf(field) === null)).toEqual(['f1', 'f2', 'm1', 'm2', 'a1', 'a2']);
    expect(fieldsFor(['0-17', '18+'])).toContain('returnee:a2');
    expect(fieldsFor(['0-17', '18+'])).not.toContain('returnee:f3');
  });
  it('label age bands with the operation’s ranges', () => {
    expect(fieldLabelKey('m3', ['0-4', '5-17', '18-59', '60+'])).toEqual({ key: 'displacement.fields.maleBand', options: { range: '18-59' } });
    expect(fieldLabelKey('admin2Pcode', [])).toEqual({ key: 'displacement.fields.admin2Pcode' });
  });
});

describe('mapping draft', () => {
  const headers = ['Cercle', 'Pcode cercle', 'Individus', 'Ménages', 'Remarque'];
  it('starts from the server’s mapping, every header present, unknown fields dropped', () => {
    const draft = initialDraft(headers, { 'Pcode cercle': 'admin2Pcode', Individus: 'individuals', Ménages: 'households', Remarque: 'f5', Cercle: null }, fieldsFor(['0-4', '5-17', '18-59', '60+']));
    expect(draft).toEqual({ Cercle: null, 'Pcode cercle': 'admin2Pcode', Individus: 'individuals', Ménages: 'households', Remarque: null });
    expect(isComplete(mappingProblems(draft))).toBe(true);
    expect(ignoredCount(draft)).toBe(2);
  });
  it('names the required fields left out and the fields taken twice', () => {
    const problems = mappingProblems({ Cercle: 'admin2Pcode', 'Pcode cercle': 'admin2Pcode', Individus: null, Ménages: 'households' });
    expect(problems.missing).toEqual(['individuals']);
    expect(problems.duplicated).toEqual([{ field: 'admin2Pcode', headers: ['Cercle', 'Pcode cercle'] }]);
    expect(conflictingHeaders(problems)).toEqual(new Set(['Cercle', 'Pcode cercle']));
    expect(isComplete(problems)).toBe(false);
  });
});
