import { describe, expect, it } from 'vitest';
import { parseCsv, decodeText } from '../core/tabular.js';
import { hasFixture, readFixture } from '../../test/support/fixtures.js';
import { readDate, readFiveW, recogniseColumns, summariseFiveW } from './five-w.js';

const read = (text: string) => readFiveW(parseCsv(text));

describe('5W/3W files as they are shared', () => {
  it('recognises columns by HXL tag and by French header, and skips several HXL rows', () => {
    const file = read(
      [
        'Organisation *,Partenaire de mise en œuvre,Bailleur de fonds,Région *,Commune *,HNO Commune Pcode (Automatic),Secteur/Cluster*,Nombre Bénéficiaire',
        '#org+name,#org+partner,#org+funding,#adm1+name,#adm3+name,#adm3+code,#sector,',
        ',,,#adm1+name,#adm3+name,#adm3+code,,',
        'ACTED,ACTED,ECHO,Est,Fada N\'Gourma,BF520203 ,Abris/AME,',
        'ACTED,ACTED,ECHO,Est,Fada N\'Gourma,BF520203 ,Abris/AME,',
        'SI,SI,BHA,Nord,Titao,#REF!,EHA,1 200',
      ].join('\n'),
    );
    expect(file.hxlRows).toBe(2);
    expect(file.columns).toMatchObject({ orgName: 'Organisation *', implementingOrg: 'Partenaire de mise en œuvre', donor: 'Bailleur de fonds', admin3Code: 'HNO Commune Pcode (Automatic)', sector: 'Secteur/Cluster*', beneficiaries: 'Nombre Bénéficiaire' });
    // Identical rows stay two rows; a blank figure is not reported, never 0.
    expect(file.rows).toHaveLength(3);
    expect(file.rows[0]).toMatchObject({ organisation: 'ACTED', pcode: 'BF520203', level: 3, sector: 'SHL', beneficiaries: null });
    expect(file.rows[2]).toMatchObject({ pcode: null, sector: 'WSH', beneficiaries: 1200, findings: ['errorCell:admin3Code'] });
  });

  it('takes the finest P-code of mixed styles and reads Excel serial dates', () => {
    const file = read(['Organisation Accronyme,admin1Pcod,admin2Pcod,Date Débute', 'Educo,MLI05,ML0506,44256', 'Educo,ML0506,,2021-03-01', 'Educo,MLI05,,'].join('\n'));
    expect(file.rows.map((row) => [row.pcode, row.level, row.start])).toEqual([
      ['ML0506', 2, '2021-03-01'],
      ['ML0506', 2, '2021-03-01'],
      ['ML05', 1, null],
    ]);
    expect(readDate('pas une date')).toBe('invalid');
    expect(recogniseColumns(['Acronyme', 'Activité'], null)).toEqual({ orgAcronym: 'Acronyme', activity: 'Activité' });
  });
});

// The real files of ../shared/data/3w (README there). Data rows: the README's 2,575 for Niger
// counts its HXL row (2,576 lines: header, HXL, 2,574 rows).
const REAL = [
  ['3w/bfa_5w_janfev2022.csv', 420],
  ['3w/mli_5w_mar2022.csv', 22_805],
  ['3w/ner_3w_feb2022.csv', 2_574],
] as const;

describe.each(REAL)('the real file %s', (relative, rows) => {
  const present = hasFixture(relative);
  it.skipIf(!present)(`reads its ${rows} rows, organisations folded, places by level, findings by rule`, () => {
    const file = readFiveW(parseCsv(decodeText(readFixture(relative))));
    const summary = summariseFiveW(file);
    expect(summary.rows).toBe(rows);
    expect(summary.organisations).toBeGreaterThan(5);
    console.info(relative, JSON.stringify(summary));
    if (relative.startsWith('3w/mli')) {
      // Every row has a P-code, MLI05 and ML0506 styles mixed: all read.
      expect(summary.namesOnly).toBe(0);
      expect(summary.findings['pcode:admin1Code'] ?? 0).toBe(0);
    }
    if (relative.startsWith('3w/ner')) expect(summary.namesOnly).toBe(rows);
    if (relative.startsWith('3w/bfa')) {
      expect(summary.byLevel).toEqual({ admin3: 420 });
      // "Protection - VGB" (sic) is not guessed as VBG: a person confirms the label.
      expect(summary.sectorsUnknown).toEqual(['Protection - VGB']);
    }
  });
});
