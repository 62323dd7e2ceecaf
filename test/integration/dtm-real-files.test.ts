/**
 * DTM round files in the shapes they really arrive in, built here (not copied, not the shape of
 * Liptako's own generator): a French `;` CSV with a BOM and an HXL row, DTM-style `MLI…` P-codes
 * with trailing spaces, settlement types under a location-type tag, age-only columns, origins
 * by region name, IDP and returnee counts on one row; and the same data as a workbook with a
 * "read me" sheet first, title rows, a hidden sheet and real date cells.
 */
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/harness.js';
import { importRound, MALI, seedMali, upload } from '../support/dtm.js';
import { workbookPartLast } from '../support/zip.js';

const HEADERS = [
  'Région', 'Pcode région', 'Cercle', 'Pcode cercle', 'Code localité', 'Nom localité', 'Type de localité',
  'Ménages PDI', 'PDI', 'PDI Femmes', 'PDI Hommes', 'PDI 0-4 ans', 'PDI 5-17 ans', 'PDI 18-59 ans', 'PDI 60 ans et plus',
  'Ménages retournés', 'Retournés', 'Raison du déplacement', "Région d'origine", "Période d'arrivée", "Date d'évaluation",
];
const HXL = [
  '#adm1+name', '#adm1+code', '#adm2+name', '#adm2+code', '#loc+code', '#loc+name', '#loc+type',
  '#affected+idps+hh', '#affected+idps+ind', '#affected+idps+f', '#affected+idps+m', '#affected+idps+age0_4', '#affected+idps+age5_17', '#affected+idps+age18_59', '#affected+idps+age60plus',
  '#affected+returnees+hh', '#affected+returnees+ind', '#cause+displacement', '#adm1+origin+name', '#date+arrival', '#date+assessed',
];

const SETTLEMENTS = ['Communauté hôte', 'Site spontané', 'Site planifié', 'Centre collectif', 'Site de transit'];
const ORIGINS = ['Mopti', 'Tombouctou', 'Ségou', 'Gao'];
const PERIODS = ['2020-T4', 'T4 2020', 'octobre 2020', '2021-T1'];
const CERCLES: Array<[string, string]> = [['MLI0505 ', 'Koro'], ['MLI0501', 'Bandiagara '], ['MLI0506 ', 'Mopti']];

interface Row {
  cells: Array<string | number | null>;
  date: Date;
  idp: number;
  returnees: number | null;
}

/** Twelve rows; every third has no returnees (an empty cell, not a zero). */
function rows(): Row[] {
  return Array.from({ length: 12 }, (_, index) => {
    const [cercle, name] = CERCLES[index % CERCLES.length]!;
    const ages = [40 + index, 90 + 2 * index, 110 + 3 * index, 10 + index];
    const idp = ages.reduce((sum, age) => sum + age, 0);
    const females = Math.floor(idp / 2);
    const returnees = index % 3 === 2 ? null : 50 + 10 * index;
    const date = new Date(Date.UTC(2021, 2, 10 + index));
    return {
      date,
      idp,
      returnees,
      cells: [
        'Mopti', 'MLI05 ', name, cercle, `MLI0505-${String(index + 1).padStart(3, '0')} `, `Localité ${index + 1}`, SETTLEMENTS[index % SETTLEMENTS.length]!,
        Math.round(idp / 5), idp, females, idp - females, ...ages,
        returnees === null ? null : Math.round(returnees / 5), returnees, index % 2 === 0 ? 'Conflit armé' : 'Insécurité', ORIGINS[index % ORIGINS.length]!, PERIODS[index % PERIODS.length]!,
        null,
      ],
    };
  });
}

function csvFile(): string {
  const text = (value: string | number | null): string => (value === null ? '' : String(value));
  const lines = [HEADERS.join(';'), HXL.join(';')];
  for (const row of rows()) {
    const cells = [...row.cells];
    cells[cells.length - 1] = `${String(row.date.getUTCDate()).padStart(2, '0')}/03/2021`;
    lines.push(cells.map(text).join(';'));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

async function workbookFile(): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const notes = workbook.addWorksheet('Lisez-moi');
  notes.addRow(['Matrice de suivi des déplacements (DTM) — Mali']);
  notes.addRow(['Évaluation de référence, round 1. Sources : informateurs clés.']);
  workbook.addWorksheet('Listes', { state: 'hidden' }).addRow(['Type de localité', 'Communauté hôte', 'Site spontané']);
  const data = workbook.addWorksheet('Données');
  data.addRow(['DTM Mali — Évaluation de référence']);
  data.mergeCells(1, 1, 1, 8);
  data.addRow(['Données collectées en mars 2021']);
  data.addRow(HEADERS);
  data.addRow(HXL);
  for (const row of rows()) data.addRow([...row.cells.slice(0, -1), row.date]);
  data.getColumn(HEADERS.length).numFmt = 'dd/mm/yyyy';
  return workbookPartLast(new Uint8Array(await workbook.xlsx.writeBuffer()));
}

interface SheetBody {
  name: string;
  headerRow: number;
  mapping: Record<string, string | null>;
  missing: string[];
  columns: Array<{ header: string; filled: number; readable: Record<string, number>; names: Array<{ value: string; pcode: string | null; confidence: number }> }>;
}

describeEachDatabase('DTM round files as they really arrive', (context) => {
  it('imports the CSV and the workbook with the suggested mapping, no column unmapped, and stores the same figures per group', async () => {
    await seedMali(context.app, context.db);
    const expected = rows();
    const idpTotal = expected.reduce((sum, row) => sum + row.idp, 0);
    const returneeRows = expected.filter((row) => row.returnees !== null);
    const returneeTotal = returneeRows.reduce((sum, row) => sum + row.returnees!, 0);

    const stored: Array<Record<string, unknown>> = [];
    for (const [file, bytes, round] of [['dtm-mali.csv', csvFile(), 1], ['dtm-mali.xlsx', await workbookFile(), 2]] as const) {
      const uploaded = await upload(context.app, bytes, file, {}, MALI.code);
      expect(uploaded.statusCode, JSON.stringify(uploaded.body)).toBe(201);
      const view = uploaded.body.upload as unknown as { sheets: SheetBody[]; suggestedSheet: string };
      const sheet = view.sheets.find((candidate) => candidate.name === view.suggestedSheet)!;
      if (file.endsWith('.xlsx')) {
        expect(view.sheets.map((candidate) => candidate.name)).toEqual(['Lisez-moi', 'Données']);
        expect(sheet).toMatchObject({ name: 'Données', headerRow: 3 });
      }
      // The values decide: a `#loc+type` column of settlement types is a settlement type.
      expect(sheet.mapping).toMatchObject({
        'Type de localité': 'settlementType',
        'Pcode cercle': 'admin2Pcode',
        PDI: 'individuals',
        'PDI 0-4 ans': 'a1',
        'PDI 60 ans et plus': 'a4',
        'Ménages retournés': 'returnee:households',
        Retournés: 'returnee:individuals',
        "Région d'origine": 'originAdmin1Name',
        "Période d'arrivée": 'arrivalPeriod',
      });
      expect(Object.entries(sheet.mapping).filter(([, field]) => field === null)).toEqual([]);
      const settlement = sheet.columns.find((column) => column.header === 'Type de localité')!;
      expect(settlement).toMatchObject({ filled: 12, readable: { settlementType: 12, locationType: 0 } });
      const origin = sheet.columns.find((column) => column.header === "Région d'origine")!;
      expect(origin.readable.name).toBe(12);
      expect(origin.names.find((entry) => entry.value === 'Ségou')).toMatchObject({ pcode: 'ML04', confidence: 0.98 });
      expect(sheet.columns.find((column) => column.header === "Période d'arrivée")!.readable.arrivalPeriod).toBe(12);

      const { job } = await importRound(context.app, bytes, { roundNumber: round, ...(file.endsWith('.xlsx') ? { sheet: 'Données' } : {}) }, file);
      expect(job?.status, JSON.stringify(job)).toBe('succeeded');
      expect(job?.result).toMatchObject({
        rowsRead: 12,
        errors: 0,
        warnings: 0,
        unmappedColumns: [],
        figuresByGroup: { idp: { figures: 12, individuals: idpTotal }, returnee: { figures: returneeRows.length, individuals: returneeTotal } },
      });
      const roundId = job!.result!.roundId as number;
      stored.push(
        ...(await context.db.query<Record<string, unknown>>(
          `SELECT $2::int AS round, l.code, l.settlement_type, f.population_group, f.households, f.individuals, f.females, f.males, f.a1, f.a2, f.a3, f.a4,
                  f.reason, f.origin_admin1_pcode, f.arrival_period, f.assessed_on::text AS assessed_on, f.admin2_pcode
             FROM dtm_figure f JOIN dtm_location l ON l.id = f.location_id WHERE f.round_id = $1 ORDER BY l.code, f.population_group`,
          [roundId, round],
        )),
      );
    }
    const byRound = (round: number) => stored.filter((row) => row.round === round).map(({ round: _round, ...rest }) => rest);
    expect(byRound(2)).toEqual(byRound(1));
    const first = byRound(1);
    expect(first).toHaveLength(12 + returneeRows.length);
    expect(first[0]).toMatchObject({ code: 'MLI0505-001', settlement_type: 'host-community', population_group: 'idp', admin2_pcode: 'ML0505', a1: 40, a4: 10, reason: 'conflict', origin_admin1_pcode: 'ML05', arrival_period: '2020-Q4', assessed_on: '2021-03-10' });
    expect(first.filter((row) => row.settlement_type === 'planned-site').length).toBeGreaterThan(0);
    expect(first.filter((row) => row.population_group === 'returnee').map((row) => row.individuals)).toEqual(returneeRows.map((row) => row.returnees));
    expect(new Set(first.map((row) => row.arrival_period))).toEqual(new Set(['2020-Q4', '2020-10', '2021-Q1']));
  });

  it('lists a column left unmapped in the import report with its non-empty count', async () => {
    await seedMali(context.app, context.db);
    const uploaded = await upload(context.app, csvFile(), 'dtm-mali.csv', {}, MALI.code);
    const sheet = uploaded.body.upload.sheets[0]!;
    const { job } = await importRound(context.app, csvFile(), { roundNumber: 1, mapping: { ...sheet.mapping, Retournés: null, 'Ménages retournés': null } });
    expect(job?.result).toMatchObject({ unmappedColumns: [{ column: 'Ménages retournés', filled: 8 }, { column: 'Retournés', filled: 8 }] });
    expect(Object.keys(job!.result!.figuresByGroup as object)).toEqual(['idp']);
  });
});
