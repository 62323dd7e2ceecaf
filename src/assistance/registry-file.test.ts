import { describe, expect, it } from 'vitest';
import { dayOf, missingFields, recogniseColumns, RegistryReader } from './registry-file.js';

const HEADERS = ['N° ménage', 'Lieu', 'Prénoms', 'Nom', 'Sexe', 'Année de naissance', 'Lien avec le chef', 'Téléphone', 'Consentement donné par'];

function read(rows: ReadonlyArray<ReadonlyArray<string | number | null>>, formulas: Record<number, number[]> = {}) {
  const reader = new RegistryReader(HEADERS, recogniseColumns(HEADERS), '2026-12-05');
  rows.forEach((cells, index) => reader.add({ row: index + 2, cells: [...cells], ...(formulas[index + 2] ? { formulas: formulas[index + 2] } : {}) }));
  return { households: reader.finish(), reader };
}

describe('registry file rows', () => {
  it('recognises French and English headers whatever their accents and case', () => {
    expect(recogniseColumns(['N° MÉNAGE', 'Place', 'given names', 'NOM DE FAMILLE', 'Gender', 'relation to the head', 'Consent given by'])).toEqual({
      household: 'N° MÉNAGE',
      pcode: 'Place',
      givenNames: 'given names',
      familyName: 'NOM DE FAMILLE',
      sex: 'Gender',
      relation: 'relation to the head',
      consentBy: 'Consent given by',
    });
    expect(missingFields(recogniseColumns(['Nom', 'Prénoms']))).toEqual(['household', 'pcode', 'sex', 'relation', 'consentBy']);
  });

  it('groups rows into households with their members, values in either language', () => {
    const { reader } = read([
      ['A', 'ML0501', 'Awa', 'Traoré', 'Femme', 1990, 'Cheffe de ménage', '76 11 22 33', 'elle-même'],
      ['A', 'ML0501', 'Oumar', 'Traoré', 'H', 2012, 'Fils', null, null],
    ]);
    expect(reader.findings[0]).toEqual({ code: 'assistance.import.value', row: 2, params: { row: 2, column: 'Lien avec le chef', value: 'Cheffe de ménage', expected: 'chef, conjoint, enfant, parent, frère/sœur, petit-enfant, autre' } });
    // The head's row refused for its relation alone: the household is not also called headless or without consent.
    expect(reader.findings.map((finding) => [finding.row, finding.code])).toEqual([[2, 'assistance.import.value']]);
    const fixed = read([
      ['A', 'ML0501', 'Awa', 'Traoré', 'Femme', 1990, 'Chef de ménage', '76 11 22 33', 'elle-même'],
      ['A', 'ML0501', 'Oumar', 'Traoré', 'H', 2012, 'Fils', null, null],
    ]);
    expect(fixed.reader.findings).toEqual([]);
    expect(fixed.households).toHaveLength(1);
    expect(fixed.households[0]!.members.map((planned) => [planned.member.sex, planned.member.relation, planned.member.phone])).toEqual([
      ['f', 'head', '76112233'],
      ['m', 'child', null],
    ]);
  });

  it('notes formulas, repeated rows, heads and places of a household, in row order', () => {
    const { reader } = read(
      [
        ['B', 'ML0501', 'Awa', 'Traoré', 'F', 1990, 'chef', null, 'elle'],
        ['B', 'ML0501', 'Awa', 'Traoré', 'F', 1990, 'chef', null, 'elle'],
        ['B', 'ML0502', 'Moussa', 'Traoré', 'M', 1988, 'conjoint', null, null],
        ['C', 'ML0501', 'Fanta', 'Keïta', 'F', 1970, 'conjointe', null, 'elle'],
        ['D', 'ML0501', 'Issa', 'Coulibaly', 'M', 1965, 'chef', null, 'lui'],
      ],
      { 6: [3] },
    );
    expect(reader.findings.map((finding) => [finding.row, finding.code])).toEqual([
      [3, 'assistance.import.repeated'],
      [4, 'assistance.import.placeConflict'],
      [5, 'assistance.import.household'],
      [6, 'assistance.import.formula'],
    ]);
  });

  it('says what is wrong with a head’s row without also calling the household headless or without consent', () => {
    const { reader } = read([
      ['E', 'ML0501', 'Mariam', 'Tembely', 'F', 2031, 'Chef', '76 4O 11 2X', 'la cheffe de ménage'],
      ['E', 'ML0501', 'Aminata', 'Tembely', 'F', 2014, 'Fille', null, null],
      ['F', 'ML0501', 'Hamidou', 'Guindo', 'H', 1971, 'Fils', null, null],
    ]);
    expect(reader.findings.map((finding) => [finding.row, finding.code, finding.params.column])).toEqual([
      [2, 'assistance.import.phone', 'Téléphone'],
      [2, 'assistance.import.birthFuture', 'Année de naissance'],
      // A household that truly has no head and no consent is still told so.
      [4, 'assistance.import.household', undefined],
      [4, 'assistance.import.required', 'Consentement donné par'],
    ]);
  });

  it('refuses values that are the names of JavaScript members as unknown values, cell by cell', () => {
    const { reader } = read([['G', 'ML0501', 'Awa', 'Traoré', 'constructor', 1990, 'toString', null, 'elle']]);
    expect(reader.findings.map((finding) => [finding.row, finding.code, finding.params.column])).toEqual([
      [2, 'assistance.import.value', 'Sexe'],
      [2, 'assistance.import.value', 'Lien avec le chef'],
    ]);
  });

  it('reads days from date cells, ISO and French writing, and refuses days that do not exist', () => {
    expect(dayOf(new Date(Date.UTC(2021, 2, 10)))).toBe('2021-03-10');
    expect(dayOf('2021-03-10')).toBe('2021-03-10');
    expect(dayOf('10/03/2021')).toBe('2021-03-10');
    expect(dayOf('31/02/2021')).toBeNull();
    expect(dayOf('2021-13-01')).toBeNull();
    expect(dayOf(44_265)).toBeNull();
  });
});
