import { describe, expect, it } from 'vitest';
import { importProblem, parseYear } from './importErrors.js';

describe('importProblem', () => {
  it('reads the refused rows of a rowsRefused error', () => {
    const row = { row: 3, column: 'P-Code', value: 'ML05X1', code: 'geo.import.pcodeInvalid', message: 'bad' };
    expect(importProblem('geo.import.rowsRefused', { refused: [row, { row: 'x' }] })).toEqual({ kind: 'rowsRefused', refused: [row] });
    expect(importProblem('geo.import.rowsRefused', { refused: [] })).toEqual({ kind: 'other' });
    expect(importProblem('geo.import.rowsRefused', undefined)).toEqual({ kind: 'other' });
  });

  it('reads the name mismatches and suggested date of a reform', () => {
    const mismatch = { pcode: 'BF46', gazetteerName: 'Boucle du Mouhoun', fileName: 'Bankui' };
    expect(importProblem('geo.import.reformNeedsDate', { nameMismatches: [mismatch], suggestedValidFrom: '2025-07-02' })).toEqual({
      kind: 'reformNeedsDate',
      nameMismatches: [mismatch],
      suggestedValidFrom: '2025-07-02',
    });
    expect(importProblem('geo.import.reformNeedsDate', null)).toEqual({ kind: 'reformNeedsDate', nameMismatches: [], suggestedValidFrom: null });
  });

  it('asks for the P-code property of boundaries, with the candidates when the server names them', () => {
    expect(importProblem('geo.import.pcodePropertyAmbiguous', { candidates: ['CODE_PROV', 42, 'ANCIEN_COD'] })).toEqual({ kind: 'pcodeProperty', candidates: ['CODE_PROV', 'ANCIEN_COD'] });
    expect(importProblem('geo.import.noPcodeProperty', undefined)).toEqual({ kind: 'pcodeProperty', candidates: [] });
  });

  it('recognises a missing population year, and nothing else', () => {
    expect(importProblem('geo.import.populationYearMissing', undefined)).toEqual({ kind: 'populationYearMissing' });
    expect(importProblem('import.empty', undefined)).toEqual({ kind: 'other' });
    expect(importProblem(null, undefined)).toEqual({ kind: 'other' });
  });
});

describe('parseYear', () => {
  it('accepts 1950–2100, treats empty as absent, refuses the rest', () => {
    expect(parseYear('')).toBeNull();
    expect(parseYear(' 2023 ')).toBe(2023);
    expect(parseYear('1949')).toBeUndefined();
    expect(parseYear('2101')).toBeUndefined();
    expect(parseYear('2023.5')).toBeUndefined();
    expect(parseYear('abcd')).toBeUndefined();
  });
});
