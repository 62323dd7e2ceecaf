import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { writeZip } from '../../test/support/zip.js';
import { previewTableFile, readRows, type RawRow } from './table-files.js';
import { isDateFormat, serialToDate } from './xlsx-rows.js';

const part = (text: string): Buffer => Buffer.from(text, 'utf8');

/**
 * A workbook as the OpenXML SDK and some GIS and survey tools write it: prefixed tags (`x:row`),
 * the workbook part after the worksheets, a part path given absolute, inline strings, cells and
 * rows without their `r` reference, the 1904 date system, a custom date format and a built-in
 * one, rich text with phonetic runs, booleans, an error, a string formula and a formula without
 * a saved result.
 */
function toolWorkbook(): Uint8Array {
  const ns = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
  const sheet = `<?xml version="1.0" encoding="UTF-8"?>
<x:worksheet ${ns}><x:sheetData>
<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>Région</x:t></x:is></x:c><x:c r="B2" t="s"><x:v>0</x:v></x:c><x:c r="C2" t="s"><x:v>1</x:v></x:c><x:c r="D2" t="inlineStr"><x:is><x:t>Date</x:t></x:is></x:c><x:c r="E2" t="inlineStr"><x:is><x:t>Actif</x:t></x:is></x:c><x:c r="F2" t="inlineStr"><x:is><x:t>Total</x:t></x:is></x:c></x:row>
<x:row><x:c t="inlineStr"><x:is><x:r><x:t>Mop</x:t></x:r><x:r><x:t xml:space="preserve">ti </x:t></x:r></x:is></x:c><x:c><x:v>1300</x:v></x:c><x:c s="1"><x:v>0</x:v></x:c><x:c s="2"><x:v>42083</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c><x:c t="str"><x:f>A3&amp;"!"</x:f><x:v>Mopti !</x:v></x:c></x:row>
<x:row r="5"><x:c r="B5" t="e"><x:v>#N/A</x:v></x:c><x:c r="D5" s="3"><x:v>42083.5</x:v></x:c><x:c r="F5"><x:f>SUM(B3:B4)</x:f></x:c><x:c r="AA5" t="s"><x:v>2</x:v></x:c></x:row>
<x:row r="7" s="1" customFormat="1"><x:c r="A7" s="1"/></x:row>
</x:sheetData></x:worksheet>`;
  const shared = `<?xml version="1.0" encoding="UTF-8"?>
<x:sst ${ns} count="3" uniqueCount="3"><x:si><x:t>Individus</x:t></x:si><x:si><x:r><x:t>Ména</x:t></x:r><x:r><x:t>ges</x:t></x:r><x:rPh sb="0" eb="1"><x:t>メナージュ</x:t></x:rPh></x:si><x:si><x:t>&lt;loin&gt; &amp; à droite</x:t></x:si></x:sst>`;
  const styles = `<?xml version="1.0" encoding="UTF-8"?>
<x:styleSheet ${ns}><x:numFmts count="2"><x:numFmt numFmtId="164" formatCode="0.00&quot; ménages&quot;"/><x:numFmt numFmtId="165" formatCode="dd/mm/yyyy"/></x:numFmts>
<x:cellStyleXfs count="1"><x:xf numFmtId="14"/></x:cellStyleXfs>
<x:cellXfs count="4"><x:xf numFmtId="0"/><x:xf numFmtId="164"/><x:xf numFmtId="165"/><x:xf numFmtId="22"/></x:cellXfs></x:styleSheet>`;
  const workbook = `<?xml version="1.0" encoding="UTF-8"?>
<x:workbook ${ns}><x:workbookPr date1904="1"/><x:sheets><x:sheet name="Cachée" sheetId="2" state="hidden" r:id="rId2"/><x:sheet name="Sites &amp; ménages" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>`;
  const rels = `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/hidden.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="../xl/looks.xml"/>
<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.org/x.xml" TargetMode="External"/>
</Relationships>`;
  const hidden = `<x:worksheet ${ns}><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>secret</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>`;
  return writeZip([
    ['[Content_Types].xml', part('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')],
    ['xl/worksheets/data.xml', part(sheet)],
    ['xl/worksheets/hidden.xml', part(hidden)],
    ['xl/strings.xml', part(shared)],
    ['xl/looks.xml', part(styles)],
    ['xl/_rels/workbook.xml.rels', part(rels)],
    ['xl/workbook.xml', part(workbook)],
  ]);
}

async function allRows(bytes: Uint8Array, sheet: string | null = null): Promise<Array<RawRow & { sheet: string }>> {
  const rows: Array<RawRow & { sheet: string }> = [];
  for await (const batch of readRows(bytes, 'xlsx', sheet)) rows.push(...batch.rows.map((row) => ({ ...row, sheet: batch.sheet })));
  return rows;
}

describe('reading a worksheet part as other tools write it', () => {
  it('reads every cell kind a user would see, by position, from the part the workbook names', async () => {
    const rows = await allRows(toolWorkbook());
    // The hidden sheet is not read; the empty styled row 7 is not a row of data.
    expect(rows.map((row) => [row.sheet, row.row])).toEqual([
      ['Sites & ménages', 2],
      ['Sites & ménages', 3],
      ['Sites & ménages', 5],
    ]);
    expect(rows[0]!.cells).toEqual(['Région', 'Individus', 'Ménages', 'Date', 'Actif', 'Total']);
    // Rich-text runs joined (the phonetic guide left out); a number in a custom "ménages" format stays a number.
    expect(rows[1]!.cells).toEqual(['Mopti ', 1300, 0, new Date(Date.UTC(2019, 2, 21)), 'TRUE', 'Mopti !']);
    expect(rows[1]!.formulas).toEqual([5]);
    // An error is empty; a formula with no saved result is empty and still marked; column AA is index 26.
    const row5 = rows[2]!;
    expect(row5.cells[1]).toBeNull();
    expect(row5.cells[3]).toEqual(new Date(Date.UTC(2019, 2, 21, 12)));
    expect(row5.cells[5]).toBeNull();
    expect(row5.formulas).toEqual([5]);
    expect(row5.cells[26]).toBe('<loin> & à droite');
    expect(row5.cells).toHaveLength(27);
  });

  it('previews such a workbook: its real sheet name, header row 2, dates as dates', async () => {
    const preview = await previewTableFile(toolWorkbook(), 'sites.xlsx');
    expect(preview.sheets.map((sheet) => sheet.name)).toEqual(['Sites & ménages']);
    expect(preview.sheets[0]).toMatchObject({ headerRow: 2, rows: 2 });
    expect(preview.sheets[0]!.samples[0]![3]).toBe('2019-03-21');
  });

  it('refuses a part that declares entities (billion laughs) as a damaged workbook, and a part that is not XML', async () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>';
    const workbook = '<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>';
    const rels = '<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/></Relationships>';
    for (const sheet of [bomb, '<worksheet><sheetData><row><c><v>1</v></row>']) {
      const bytes = writeZip([
        ['xl/workbook.xml', part(workbook)],
        ['xl/_rels/workbook.xml.rels', part(rels)],
        ['xl/worksheets/sheet1.xml', part(sheet)],
      ]);
      await expect(allRows(bytes)).rejects.toMatchObject({ code: 'import.brokenXlsx' });
    }
  });

  it('gives the same rows to every read, many at once (the streaming reader it replaces lost a sheet, or mislabelled one, about once in 150 reads under load)', async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet('Lisez-moi').addRow(['Matrice 5W — Mali, mars 2021']);
    book.addWorksheet('Listes', { state: 'hidden' }).addRow(['EHA', 'Santé']);
    const data = book.addWorksheet('5W');
    data.addRow(['Organisation', 'Cercle', 'Bénéficiaires', 'Date']);
    for (let index = 0; index < 300; index += 1) data.addRow([`ORG${index % 7}`, `Cercle ${index}`, index * 3, new Date(Date.UTC(2021, 2, 1 + (index % 28)))]);
    book.addWorksheet('Listes secteurs').addRow(['EHA', 'Abris/AME']);
    const bytes = new Uint8Array(await book.xlsx.writeBuffer());
    const expected = JSON.stringify(await allRows(bytes));
    expect(JSON.parse(expected)).toHaveLength(303);
    for (let round = 0; round < 3; round += 1) {
      const reads = await Promise.all(Array.from({ length: 40 }, () => allRows(bytes)));
      for (const read of reads) expect(JSON.stringify(read)).toBe(expected);
    }
    expect((await allRows(bytes, '5W')).every((row) => row.sheet === '5W')).toBe(true);
    // 120 reads of a 300-row workbook: about 2 s on a quiet machine, more on a loaded CI one.
  }, 60_000);
});

describe('date formats and serial days', () => {
  it('tells date formats from number formats with letters', () => {
    for (const code of ['dd/mm/yyyy', 'd-mmm-yy', '[$-40C]d mmmm yyyy', 'h:mm AM/PM', 'yyyy-mm-dd hh:mm:ss', '[h]:mm:ss', 'mm:ss.0']) expect(isDateFormat(code), code).toBe(true);
    for (const code of ['General', '0.00', '#,##0" ménages"', '0.00E+00', '"Total: "0', '[Red]#,##0', '\\d0', '@', '_(* #,##0_)']) expect(isDateFormat(code), code).toBe(false);
  });

  it('reads serial days in both date systems (1900 and the old Mac 1904)', () => {
    expect(serialToDate(44256, false)).toEqual(new Date(Date.UTC(2021, 2, 1)));
    expect(serialToDate(42794, true)).toEqual(new Date(Date.UTC(2021, 2, 1)));
    expect(serialToDate(44256.25, false)).toEqual(new Date(Date.UTC(2021, 2, 1, 6)));
  });
});
