/**
 * The same tables as the CSV zip, as one Excel workbook: a sheet for the form and one per repeat,
 * written with exceljs's streaming writer, each row committed as soon as it is built, so the
 * workbook never sits in memory as rows whatever the number of submissions.
 */
import { PassThrough } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { ExportFile } from './exports.js';

/** A sheet name Excel accepts: at most 31 characters, none of []:*?/\ , unique in the workbook. */
function sheetName(fileName: string, taken: Set<string>): string {
  const base = fileName.replace(/\.csv$/, '').replace(/[[\]:*?/\\]/g, '_').slice(0, 31) || 'Feuille';
  let name = base;
  for (let index = 2; taken.has(name.toLowerCase()); index += 1) name = `${base.slice(0, 31 - String(index).length - 1)}~${index}`;
  taken.add(name.toLowerCase());
  return name;
}

/** The workbook as a stream; written while it is read. */
export function submissionsWorkbook(files: readonly ExportFile[]): PassThrough {
  const stream = new PassThrough();
  const write = async (): Promise<void> => {
    // Loaded on first use: exceljs is large.
    const { default: excel } = await import('exceljs');
    const workbook: ExcelJS.stream.xlsx.WorkbookWriter = new excel.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
    workbook.creator = 'Liptako';
    const taken = new Set<string>();
    for (const file of files) {
      const sheet = workbook.addWorksheet(sheetName(file.name, taken), { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
      const header = sheet.addRow(file.header);
      header.font = { bold: true };
      header.commit();
      for await (const rows of file.pages()) for (const row of rows) sheet.addRow(row).commit();
      sheet.commit();
    }
    await workbook.commit();
  };
  write().catch((error: unknown) => stream.destroy(error instanceof Error ? error : new Error(String(error))));
  return stream;
}
