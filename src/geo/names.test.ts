import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildNameIndex, CONFIDENT, matchInIndex, matchName, nameKey, type NameCandidate } from './names.js';

describe('nameKey', () => {
  it.each([
    ['Tillabéri', 'tillaberi'],
    ['TILLABERI', 'tillaberi'],
    ['tillaberi ', 'tillaberi'],
    ['Tillabe\u0301ri', 'tillaberi'], // decomposed é, as some exports write it
    ['Boucle du Mouhoun', 'boucle du mouhoun'],
    ['Boucle-du-Mouhoun', 'boucle du mouhoun'],
    ['Boucle Du Mouhoun', 'boucle du mouhoun'],
    ['  Boucle   du\tMouhoun  ', 'boucle du mouhoun'],
    ['Ségou', 'segou'],
    ['Ménaka', 'menaka'],
    ["N'Djamena", 'n djamena'],
    ['N’Djaména', 'n djamena'],
    ['Tin_Essako', 'tin essako'],
    ['Gorom-Gorom', 'gorom gorom'],
    ['Kaya.', 'kaya'],
    ['Mali (le)', 'mali'],
    ['Niger (le)', 'niger'],
    ['Gambie (la)', 'gambie'],
    ['Gambia (the)', 'gambia'],
    ['Comores (les)', 'comores'],
    ['Niamey (Commune I)', 'niamey commune i'],
    ['Œuvre', 'oeuvre'],
    ['ﬁlingué', 'filingue'],
    ['ＫＡＹＡ', 'kaya'],
    ['Niamey 2', 'niamey 2'],
    ['', ''],
    ['  -- ', ''],
  ])('%j → %j', (name, key) => {
    expect(nameKey(name)).toBe(key);
  });
});

const niger: NameCandidate[] = [
  { pcode: 'NE001', names: ['Agadez'] },
  { pcode: 'NE002', names: ['Diffa'] },
  { pcode: 'NE003', names: ['Dosso'] },
  { pcode: 'NE004', names: ['Maradi'] },
  { pcode: 'NE005', names: ['Tahoua'] },
  { pcode: 'NE006', names: ['Tillabéri', 'Tillabery', 'Tillaberry'] },
  { pcode: 'NE007', names: ['Zinder', 'Damagaram'] },
  { pcode: 'NE008', names: ['Niamey', 'Communauté Urbaine de Niamey'] },
];

describe('matchName', () => {
  it('an identical name scores 1', () => {
    expect(matchName('Tillabéri', niger)).toEqual([{ pcode: 'NE006', name: 'Tillabéri', confidence: 1, matchedOn: 'exact' }]);
  });

  it.each(['Tillaberi', 'TILLABERI', 'tillaberi ', 'TILLABÉRI', 'Tillabe\u0301ri'])('%j matches Tillabéri folded (0.98)', (input) => {
    const [first] = matchName(input, niger);
    expect(first).toEqual({ pcode: 'NE006', name: 'Tillabéri', confidence: 0.98, matchedOn: 'folded' });
  });

  it.each(['Boucle du Mouhoun', 'Boucle-du-Mouhoun', 'Boucle Du Mouhoun', 'BOUCLE DU MOUHOUN'])('%j matches the region', (input) => {
    const [first] = matchName(input, [
      { pcode: 'BF46', names: ['Boucle du Mouhoun'] },
      { pcode: 'BF4606', names: ['Mouhoun'] },
    ]);
    expect(first?.pcode).toBe('BF46');
    expect(first?.confidence).toBeGreaterThanOrEqual(CONFIDENT);
  });

  it('an alternative name matches at 0.96, reported under the main name', () => {
    expect(matchName('Damagaram', niger)[0]).toEqual({ pcode: 'NE007', name: 'Zinder', confidence: 0.96, matchedOn: 'alternative' });
    expect(matchName('TILLABERY', niger)[0]).toMatchObject({ pcode: 'NE006', confidence: 0.96, matchedOn: 'alternative' });
    expect(matchName('communaute urbaine de niamey', niger)[0]).toMatchObject({ pcode: 'NE008', matchedOn: 'alternative' });
  });

  it('the main name outranks an alternative name', () => {
    const results = matchName('Kaya', [
      { pcode: 'A', names: ['Old place', 'Kaya'] },
      { pcode: 'B', names: ['Kaya'] },
    ]);
    expect(results.map((match) => [match.pcode, match.confidence])).toEqual([
      ['B', 1],
      ['A', 0.96],
    ]);
  });

  it('a typo is a fuzzy match: top candidate, but below CONFIDENT', () => {
    const [first, ...others] = matchName('Tilaberi', niger);
    expect(first?.pcode).toBe('NE006');
    expect(first?.matchedOn).toBe('fuzzy');
    expect(first?.confidence).toBeLessThan(CONFIDENT);
    expect(first?.confidence).toBeGreaterThanOrEqual(0.6);
    for (const other of others) expect(other.confidence).toBeLessThan(first?.confidence ?? 0);
  });

  it.each([
    ['Tahou', 'NE005'],
    ['Naimey', 'NE008'], // transposed letters
    ['Zindr', 'NE007'],
    ['Agades', 'NE001'],
  ])('typo %j → %s, never confident', (input, pcode) => {
    const [first] = matchName(input, niger);
    expect(first?.pcode).toBe(pcode);
    expect(first?.confidence).toBeLessThan(CONFIDENT);
  });

  it('a name found inside a longer one is a lead, not an answer', () => {
    const departments: NameCandidate[] = [
      { pcode: 'NE004007', names: ['Ville de Maradi'] },
      { pcode: 'NE004006', names: ['Mayahi'] },
      { pcode: 'NE004001', names: ['Aguié'] },
    ];
    const [first] = matchName('Maradi', departments);
    expect(first).toMatchObject({ pcode: 'NE004007', matchedOn: 'fuzzy' });
    expect(first?.confidence).toBeLessThan(CONFIDENT);
  });

  it('word order does not hide a match', () => {
    const [first] = matchName('Mouhoun, Boucle du', [{ pcode: 'BF46', names: ['Boucle du Mouhoun'] }]);
    expect(first?.pcode).toBe('BF46');
    expect(first?.confidence).toBeLessThan(CONFIDENT);
  });

  it('returns both candidates when two tie at the top with a confident score, whatever the limit', () => {
    const communes: NameCandidate[] = [
      { pcode: 'BF560101', names: ['Gorom-Gorom'] },
      { pcode: 'BF130199', names: ['Gorom Gorom'] },
      { pcode: 'BF560102', names: ['Déou'] },
    ];
    const results = matchName('GOROM GOROM', communes, { limit: 1 });
    expect(results.map((match) => match.pcode).sort()).toEqual(['BF130199', 'BF560101']);
    expect(results.every((match) => match.confidence === 0.98)).toBe(true);
  });

  it('returns every confident match, even when their scores differ, so the caller asks a person', () => {
    const results = matchName('Tillabéri', [
      { pcode: 'NE006', names: ['Tillabéri'] },
      { pcode: 'NE006010', names: ['Tillaberi'] },
    ], { limit: 1 });
    expect(results.map((match) => [match.pcode, match.confidence])).toEqual([
      ['NE006', 1],
      ['NE006010', 0.98],
    ]);
  });

  it('the same P-code listed twice is one unit, not a tie', () => {
    const results = matchName('Dori', [
      { pcode: 'BF5602', names: ['Dori'] },
      { pcode: 'BF5602', names: ['Dori', 'Dory'] },
    ]);
    expect(results).toHaveLength(1);
  });

  it('honours limit and minConfidence, best first', () => {
    const many: NameCandidate[] = ['Kaya', 'Kayes', 'Kayan', 'Kaye', 'Kayo', 'Kayi', 'Kaba'].map((name, i) => ({ pcode: `X${i}`, names: [name] }));
    const all = matchName('Kayaa', many, { limit: 100, minConfidence: 0 });
    expect(all.length).toBeGreaterThan(5);
    const confidences = all.map((match) => match.confidence);
    expect([...confidences].sort((a, b) => b - a)).toEqual(confidences);

    expect(matchName('Kayaa', many, { minConfidence: 0 })).toHaveLength(5);
    expect(matchName('Kayaa', many, { minConfidence: 0, limit: 2 })).toHaveLength(2);
    expect(matchName('Kayaa', many, { minConfidence: 0, limit: 0 })).toEqual([]);
    for (const match of matchName('Kayaa', many)) expect(match.confidence).toBeGreaterThanOrEqual(0.6);
    for (const match of matchName('Kayaa', many, { minConfidence: 0.7 })) expect(match.confidence).toBeGreaterThanOrEqual(0.7);
  });

  it.each(['', '   ', '-', '()', '\u00A0'])('empty input %j matches nothing', (input) => {
    expect(matchName(input, niger)).toEqual([]);
  });

  it('candidates without a usable name never match', () => {
    const odd: NameCandidate[] = [
      { pcode: 'A', names: [] },
      { pcode: 'B', names: ['-', ''] },
      { pcode: 'C', names: ['-', 'Kaya'] },
    ];
    expect(matchName('-', odd)).toEqual([]);
    expect(matchName('Kaya', odd)).toEqual([{ pcode: 'C', name: '-', confidence: 0.96, matchedOn: 'alternative' }]);
  });

  it.each([
    "'; DROP TABLE admin_units;--",
    "Tillabéri'; DELETE FROM units WHERE '1'='1",
    '<script>alert("Niamey")</script>',
    '<img src=x onerror=alert(1)>',
    '${process.exit()}',
    'a'.repeat(10_000),
  ])('hostile input %j gets no confident match', (input) => {
    for (const match of matchName(input, niger)) expect(match.confidence).toBeLessThan(CONFIDENT);
  });

  it('matchInIndex over a prebuilt index answers like matchName', () => {
    const index = buildNameIndex(niger);
    for (const input of ['Tillaberi', 'Tilaberi', 'Damagaram', 'Niamey', 'xyz']) {
      expect(matchInIndex(index, input)).toEqual(matchName(input, niger));
    }
  });

  it('one name against 1,000 candidates is cheap', () => {
    const syllables = ['ka', 'ti', 'ba', 'ra', 'ma', 'go', 'dou', 'kou', 'ni', 'sa', 'ya', 'la', 'gué', 'bé', 'ta', 'hou'];
    const word = (seed: number, length: number): string =>
      Array.from({ length }, (_, k) => syllables[(seed * 31 + k * 7 + (seed >> k)) % syllables.length] ?? '').join('');
    const candidates = Array.from({ length: 1000 }, (_, i) => ({
      pcode: `X${i}`,
      names: [i % 3 === 0 ? `${word(i, 3)} ${word(i + 5, 2)}` : word(i, 3)],
    }));
    const index = buildNameIndex(candidates);
    const inputs = Array.from({ length: 200 }, (_, i) => word(i * 13, 3));
    for (const input of inputs.slice(0, 20)) matchInIndex(index, input); // warm up
    const started = performance.now();
    for (const input of inputs) matchInIndex(index, input);
    const perMatch = (performance.now() - started) / inputs.length;
    // About 0.4 ms on a developer machine; the bound leaves room for a slow CI runner.
    expect(perMatch).toBeLessThan(10);
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests

/** French-alphabet names, where case and accents must never change the key. */
const frenchName = fc.string({ unit: fc.constantFrom(...'abcdeéèêëfghiïîjklmnoôpqrstuùûüvwxyzç -\''.split('')), minLength: 1, maxLength: 20 });

describe('properties', () => {
  it('nameKey is idempotent, trimmed, single-spaced and lower case', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), frenchName), (name) => {
        const key = nameKey(name);
        expect(nameKey(key)).toBe(key);
        expect(key).toBe(key.trim());
        expect(key).not.toMatch(/ {2}/);
        expect(key).toBe(key.toLowerCase());
      }),
      { numRuns: 2000 },
    );
  });

  it('case and accents never change the key of a French name', () => {
    fc.assert(
      fc.property(frenchName, (name) => {
        const plain = name.normalize('NFD').replace(/\p{M}/gu, '');
        expect(nameKey(name.toUpperCase())).toBe(nameKey(name));
        expect(nameKey(plain)).toBe(nameKey(name));
      }),
    );
  });

  const distinctCandidates = fc
    .uniqueArray(fc.oneof(frenchName, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 15 })), {
      minLength: 1,
      maxLength: 30,
      selector: nameKey,
    })
    .map((names) => names.filter((name) => nameKey(name) !== '').map((name, i) => ({ pcode: `P${i}`, names: [name] })))
    .filter((candidates) => candidates.length > 0);

  it('a candidate’s own name (as is, or in capitals) finds it first and confidently when names are distinct', () => {
    fc.assert(
      fc.property(distinctCandidates, fc.nat(), (candidates, pick) => {
        const target = candidates[pick % candidates.length];
        const name = target?.names[0] ?? '';
        const results = matchName(name, candidates);
        expect(results[0]).toMatchObject({ pcode: target?.pcode, confidence: 1 });
        expect(results.filter((match) => match.confidence >= CONFIDENT)).toHaveLength(1);

        const shouted = matchName(name.toUpperCase(), candidates)[0];
        if (nameKey(name.toUpperCase()) === nameKey(name)) {
          expect(shouted?.pcode).toBe(target?.pcode);
          expect(shouted?.confidence).toBeGreaterThanOrEqual(CONFIDENT);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a fuzzy match is never confident, and results come best first within the limit', () => {
    fc.assert(
      fc.property(distinctCandidates, fc.oneof(frenchName, fc.string()), fc.integer({ min: 1, max: 8 }), (candidates, input, limit) => {
        const results = matchName(input, candidates, { limit });
        const confidences = results.map((match) => match.confidence);
        expect([...confidences].sort((a, b) => b - a)).toEqual(confidences);
        for (const match of results) {
          expect(match.confidence).toBeGreaterThanOrEqual(0.6);
          expect(match.confidence).toBeLessThanOrEqual(1);
          if (match.matchedOn === 'fuzzy') expect(match.confidence).toBeLessThan(CONFIDENT);
        }
        const confident = results.filter((match) => match.confidence >= CONFIDENT).length;
        expect(results.length).toBeLessThanOrEqual(Math.max(limit, confident));
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Real files from ../shared/data (skipped, naming the file, when that folder is absent)

const dataDir = fileURLToPath(new URL('../../../shared/data/', import.meta.url));

describe('real files', () => {
  const gazetteerPath = `${dataDir}geo/global_pcodes_sahel.csv`;
  const threeWPath = `${dataDir}3w/ner_3w_feb2022.csv`;
  const missing = [gazetteerPath, threeWPath].filter((path) => !existsSync(path));
  const title = (what: string): string => (missing.length > 0 ? `${what} (skipped: ${missing.join(', ')} missing)` : what);

  it.skipIf(missing.length > 0)(title('Niger 3W department names (no P-codes) match the gazetteer'), () => {
    const gazetteer = parse<Record<string, string>>(readFileSync(gazetteerPath), { bom: true, columns: true });
    const departments = buildNameIndex(
      gazetteer
        .filter((row) => row.Location === 'NER' && row['Admin Level'] === '2')
        .map((row) => ({ pcode: row['P-Code'] ?? '', names: [row.Name ?? ''] })),
    );
    // Row 1 is the header, row 2 the HXL hashtags; column 5 is "Département".
    const rows = parse(readFileSync(threeWPath), { bom: true, relax_column_count: true, from_line: 3 });
    const names = [...new Set(rows.map((row) => row[5] ?? ''))].filter((name) => nameKey(name) !== '');

    const unsure: Record<string, string | undefined> = {};
    for (const name of names) {
      const results = matchInIndex(departments, name);
      const confident = results.filter((match) => match.confidence >= CONFIDENT);
      if (confident.length !== 1) unsure[name] = results[0]?.name;
    }
    // Everything else is taken without asking; these three go to a person, with the right
    // department proposed first.
    expect(unsure).toEqual({ Maradi: 'Ville de Maradi', Zinder: 'Ville de Zinder', Takieta: 'Takeita' });
    expect(names.length - Object.keys(unsure).length).toBe(58);
  });
});
