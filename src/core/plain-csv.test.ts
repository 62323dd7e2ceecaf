/**
 * The plain split (plain-csv.ts) behind the CSV reader gives exactly csv-parse's rows for the same
 * file: same cells, same row numbers, same refusals, whether the file holds no quote at all, a
 * quote only late, French Excel's `;` and BOM, CRLF, a lone CR, blank lines in the middle or
 * trailing ones, a line longer than the plain split takes. Files are read whole and in pieces of
 * random sizes; fixed seeds, so the same files every run.
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { PLAIN_LINE_MAX, PlainCsvLines } from './plain-csv.js';
import { readRows, type RawRow } from './table-files.js';
import { detectDelimiter } from './tabular.js';

function random(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((state / 2 ** 31) * below);
  };
}

/** What the reader gave before the plain split: csv-parse over the whole text, with the reader's options. */
function csvParseRows(text: string): RawRow[] | { code: string; row: number } {
  try {
    const records: string[][] = parse(text, {
      delimiter: detectDelimiter(text.slice(0, 64 * 1024)),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      max_record_size: 1024 * 1024,
    });
    return records.map((cells, index) => ({ row: index + 1, cells: cells.map((cell) => (cell === '' ? null : cell)) }));
  } catch (error) {
    // The reader names the row after the last record read.
    const { code, records } = error as { code: string; records: number };
    return { code, row: records + 1 };
  }
}

async function readerRows(source: Uint8Array | AsyncIterable<Uint8Array>): Promise<RawRow[] | { code: string; row: number }> {
  const rows: RawRow[] = [];
  try {
    for await (const batch of readRows(source, 'csv')) rows.push(...batch.rows);
    return rows;
  } catch (error) {
    const { cause, params } = error as { cause?: { code?: string }; params: { row: number } };
    return { code: cause?.code ?? (error as { code: string }).code, row: params.row };
  }
}

async function* inPieces(bytes: Uint8Array, pick: (below: number) => number): AsyncGenerator<Uint8Array> {
  let start = 0;
  while (start < bytes.length) {
    const size = pick(4) === 0 ? 1 + pick(8) : 1 + pick(200_000);
    yield await Promise.resolve(bytes.slice(start, start + size));
    start += size;
  }
}

const WORDS = ['Ségou', 'Tillabéri', 'ML0501', 'ML0501-00012', '', ' ', '12', '1 234', '3.5', 'Site de déplacés de Sénou', 'l’école', 'œuvre', '€', 'a\tb', 'x\ry', 'a,b', 'a;b', 'Pont "A"', 'deux\nlignes', 'trois\r\nlignes', '"'];
/** What csv-parse's relaxed rules read their own way: text after a closing quote, a quote never closed (and a quote inside an unquoted cell, read as itself by both). */
const ODD = ['12" pipe', '"Site" A', '"Centre "Koubé" nord"', '"jamais fermé'];

/**
 * A round file as exports make them: separator, line end, BOM, blank lines, trailing line ends;
 * cells quoted when they must be (csv-stringify's and Excel's rule) or all of them (Kobo's), and
 * sometimes, late in the file, a cell csv-parse alone reads.
 */
function randomText(pick: (below: number) => number): string {
  const delimiter = [',', ';', '\t'][pick(3)]!;
  const newline = ['\n', '\r\n', '\r'][pick(3)]!;
  const quoteAll = pick(4) === 0;
  const columns = 1 + pick(12);
  const rows = pick(6) === 0 ? 1_500 + pick(2_500) : 1 + pick(60);
  const oddAt = pick(3) === 0 ? pick(rows) : -1;
  const lines: string[] = [];
  for (let row = 0; row < rows; row += 1) {
    if (row > 0 && pick(30) === 0) {
      lines.push('');
      continue;
    }
    const cells: string[] = [];
    const width = pick(10) === 0 ? pick(columns + 3) : columns;
    for (let column = 0; column < width; column += 1) {
      let word = row === 0 ? `Col ${column}` : WORDS[pick(WORDS.length)]!;
      // A stray line end of the other kind inside a cell: a character of the cell for csv-parse.
      if (newline === '\r\n' && pick(200) === 0) word += '\n';
      if (row === oddAt && column === 0) {
        cells.push(ODD[pick(ODD.length)]!);
        continue;
      }
      const must = word.includes(delimiter) || word.includes('"') || word.includes('\n') || word.includes('\r');
      cells.push(must || quoteAll ? `"${word.replaceAll('"', '""')}"` : word);
    }
    lines.push(cells.join(delimiter));
  }
  return lines.join(newline) + newline.repeat(pick(4));
}

function encode(text: string, pick: (below: number) => number): Uint8Array {
  const body = new TextEncoder().encode(text);
  return pick(3) === 0 ? Uint8Array.from([0xef, 0xbb, 0xbf, ...body]) : body;
}

describe('the plain split of unquoted CSV', () => {
  it('gives csv-parse’s rows for the same files, read whole and in pieces (80 files, seed 41)', async () => {
    const pick = random(41);
    for (let file = 0; file < 80; file += 1) {
      const text = randomText(pick);
      const bytes = encode(text, pick);
      const expected = csvParseRows(text);
      const label = `file ${file}: ${JSON.stringify(text.slice(0, 120))}`;
      expect(await readerRows(bytes), label).toEqual(expected);
      expect(await readerRows(inPieces(bytes, pick)), label).toEqual(expected);
    }
  }, 30_000);

  it('reads French Excel’s file (BOM, `;`, CRLF) and a Kobo export (every cell quoted) as csv-parse does', async () => {
    const excel = '\ufeffPcode cercle;Nom du site;Individus\r\nML0501;Site de Sénou;1 234\r\nML0502;Niamana;56\r\n\r\n';
    const kobo = '"start";"end";"site";"individus"\n"2024-05-01";"2024-05-02";"Pont ""A"", Sénou";"12"\n"2024-05-01";"";"deux\nlignes";""\n';
    for (const text of [excel, kobo]) {
      const bytes = new TextEncoder().encode(text);
      expect(await readerRows(bytes)).toEqual(csvParseRows(text.replace(/^\ufeff/, '')));
      // Read by the plain split to the end: nothing in them needs csv-parse.
      expect(new PlainCsvLines(';').push(text, true).handOver).toBeNull();
    }
    const rows = (await readerRows(new TextEncoder().encode(excel))) as RawRow[];
    expect(rows.map((row) => row.cells)).toEqual([['Pcode cercle', 'Nom du site', 'Individus'], ['ML0501', 'Site de Sénou', '1 234'], ['ML0502', 'Niamana', '56'], [null]]);
  });

  it('reads a quoted cell met only late in a large file, and hands over at a cell only csv-parse reads, the row numbers going on', async () => {
    const lines = ['Admin2 Pcode,Location Name,Individuals'];
    for (let row = 2; row <= 40_000; row += 1) {
      if (row === 30_000) lines.push('ML0501,"Site de Sénou, quartier 2",12');
      else if (row === 39_000) lines.push('ML0501,"Centre "Koubé" nord",12');
      else lines.push(`ML0501,Site ${row},${row}`);
    }
    const text = `${lines.join('\n')}\n`;
    const rows = await readerRows(new TextEncoder().encode(text));
    expect(rows).toEqual(csvParseRows(text));
    expect((rows as RawRow[])[30_000 - 1]).toEqual({ row: 30_000, cells: ['ML0501', 'Site de Sénou, quartier 2', '12'] });
    expect((rows as RawRow[])[40_000 - 1]).toEqual({ row: 40_000, cells: ['ML0501', 'Site 40000', '40000'] });
    const plain = new PlainCsvLines(',');
    const { records, handOver } = plain.push(text, true);
    expect(records).toHaveLength(39_000 - 1);
    expect(handOver?.startsWith('ML0501,"Centre "Koubé" nord",12\n')).toBe(true);
  });

  it('leaves a line longer than it takes to csv-parse, which refuses one above its record size at the same row', async () => {
    const long = 'x'.repeat(PLAIN_LINE_MAX + 10);
    const tooLong = 'y'.repeat(1024 * 1024 + 10);
    for (const text of [`a,b\n1,${long}\n3,4\n`, `a,b\n1,2\n3,${tooLong}\n5,6\n`]) {
      const expected = csvParseRows(text);
      expect(await readerRows(new TextEncoder().encode(text))).toEqual(expected);
      expect(await readerRows(inPieces(new TextEncoder().encode(text), random(3)))).toEqual(expected);
    }
    expect(await readerRows(new TextEncoder().encode(`a,b\n1,2\n3,${tooLong}\n`))).toEqual({ code: 'CSV_MAX_RECORD_SIZE', row: 3 });
  });

  it('waits for the character after a CR that ends a piece before telling CRLF from CR', () => {
    const lines = new PlainCsvLines(',');
    expect(lines.push('a,b\r', false)).toEqual({ records: [], handOver: null });
    expect(lines.push('\n1,2\r\n', false)).toEqual({ records: [['a', 'b'], ['1', '2']], handOver: null });
    expect(lines.recordDelimiter).toBe('\r\n');
    expect(lines.push('3,4', true)).toEqual({ records: [['3', '4']], handOver: null });
  });
});
