import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { workbookPartLast } from '../../test/support/zip.js';
import { openTable, previewTableFile, readRows } from './table-files.js';

/** A workbook as people make it: notes first, hidden sheets, title rows, a merged title, an HXL row. */
async function peoplesWorkbook(): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const notes = workbook.addWorksheet('Lisez-moi');
  notes.addRow(['Matrice de suivi des déplacements — Mali']);
  notes.addRow(['Source : DTM', 'Date : mars 2021']);
  workbook.addWorksheet('Listes', { state: 'hidden' }).addRow(['Admin2 Pcode', 'Individuals', 'Location code']);
  workbook.addWorksheet('Calcul', { state: 'veryHidden' }).addRow(['Admin2 Pcode', 'Individuals', 'Households', 'Location code']);
  const data = workbook.addWorksheet('Données R1');
  data.addRow(['DTM Mali — évaluation de référence']);
  data.mergeCells('A1:E1');
  data.addRow(['Round 1, mars 2021']);
  data.addRow([]);
  data.addRow(['Pcode cercle', 'Code site', 'Individus', 'Ménages', 'Date de collecte']);
  data.addRow(['#adm2+code', '#loc+code', '#affected+ind', '#affected+hh', '#date+reported']);
  data.addRow(['ML0501', 'A', 1300, 200, new Date(Date.UTC(2021, 2, 20))]);
  data.addRow(['ML0502', 'B', 400, 70, new Date(Date.UTC(2021, 2, 21))]);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

describe('reading workbooks as people make them', () => {
  it('names sheets by their real names whatever order the zip stores its parts in, and skips hidden sheets', async () => {
    for (const bytes of [await peoplesWorkbook(), await workbookPartLast(await peoplesWorkbook())]) {
      const preview = await previewTableFile(bytes, 'r1.xlsx');
      expect(preview.sheets.map((sheet) => sheet.name)).toEqual(['Lisez-moi', 'Données R1']);
      expect(preview.suggestedSheet).toBe('Données R1');
      const data = preview.sheets[1]!;
      expect(data.headerRow).toBe(4);
      expect(data.headers).toEqual(['Pcode cercle', 'Code site', 'Individus', 'Ménages', 'Date de collecte']);
      expect(data.hxl).toEqual(['#adm2+code', '#loc+code', '#affected+ind', '#affected+hh', '#date+reported']);
      expect(data.rows).toBe(2);
      expect(data.samples[0]).toEqual(['ML0501', 'A', '1300', '200', '2021-03-20']);
    }
  });

  it('reads a sheet asked for by its real name, and refuses a hidden one', async () => {
    const bytes = await workbookPartLast(await peoplesWorkbook());
    const table = await openTable(readRows(bytes, 'xlsx', 'Données R1'));
    expect(table?.sheet).toBe('Données R1');
    const rows = [];
    for await (const batch of table!.rows) rows.push(...batch);
    expect(rows.map((row) => row.row)).toEqual([6, 7]);
    await expect(previewTableFile(bytes, 'r1.xlsx', { sheet: 'Calcul' })).rejects.toMatchObject({ code: 'import.sheetNotFound' });
  });

  it('reads from the header row the user chooses, and refuses an empty one', async () => {
    const bytes = await peoplesWorkbook();
    const chosen = await previewTableFile(bytes, 'r1.xlsx', { sheet: 'Données R1', headerRow: 2 });
    expect(chosen.sheets[0]!.headers).toEqual(['Round 1, mars 2021']);
    await expect(previewTableFile(bytes, 'r1.xlsx', { sheet: 'Données R1', headerRow: 3 })).rejects.toMatchObject({ code: 'import.headerRowEmpty' });
  });

  it('finds a CSV header below title lines and blank lines', async () => {
    const csv = '\uFEFFDTM Mali;;;\r\nExtrait du 31/03/2021;;;\r\n;;;\r\nPcode cercle;Code site;Individus;Ménages\r\nML0501;A;1300;200\r\n';
    const preview = await previewTableFile(new TextEncoder().encode(csv), 'r1.csv');
    expect(preview.sheets[0]).toMatchObject({ headerRow: 4, headers: ['Pcode cercle', 'Code site', 'Individus', 'Ménages'], rows: 1 });
  });
});
