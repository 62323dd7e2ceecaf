/**
 * A CSV read piece by piece (an upload's stored parts, as the DTM import reads it) gives the same
 * rows as the same file read whole, wherever the pieces are cut: inside a quoted cell, between
 * CR and LF, inside a UTF-8 character, right after the BOM. Fixed seed: the same files every run.
 */
import { describe, expect, it } from 'vitest';
import { readRows, type RawRow } from './table-files.js';

function random(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((state / 2 ** 31) * below);
  };
}

const WORDS = ['Ségou', 'Tillabéri', 'Mopti', 'Gao', '', '12', '3.5', 'Pont "A"', 'a,b', 'a;b', 'deux\nlignes', 'l’école', 'œuvre', '€', '"'];

/** A CSV file as people write one: quoted or not, BOM or not, CRLF or LF, comma or semicolon, UTF-8 or windows-1252. */
function randomFile(pick: (below: number) => number): Uint8Array {
  const delimiter = pick(2) === 0 ? ',' : ';';
  const newline = pick(2) === 0 ? '\n' : '\r\n';
  const columns = 2 + pick(6);
  const lines: string[] = [];
  for (let row = 0; row < 1 + pick(40); row += 1) {
    const cells: string[] = [];
    for (let column = 0; column < columns; column += 1) {
      const word = row === 0 ? `Col ${column}` : WORDS[pick(WORDS.length)]!;
      const needsQuotes = word.includes(delimiter) || word.includes('\n') || word.includes('"');
      cells.push(needsQuotes || pick(4) === 0 ? `"${word.replaceAll('"', '""')}"` : word);
    }
    lines.push(cells.join(delimiter));
  }
  const text = lines.join(newline) + (pick(2) === 0 ? newline : '');
  if (pick(3) === 0) {
    // windows-1252 (no BOM): € and œ have their own bytes, ’ too; the rest is Latin-1.
    const high: Record<string, number> = { '€': 0x80, '’': 0x92, 'œ': 0x9c };
    return Uint8Array.from([...text].map((char) => high[char] ?? char.charCodeAt(0)));
  }
  const body = new TextEncoder().encode(text);
  return pick(2) === 0 ? Uint8Array.from([0xef, 0xbb, 0xbf, ...body]) : body;
}

async function* inPieces(bytes: Uint8Array, pick: (below: number) => number): AsyncGenerator<Uint8Array> {
  let start = 0;
  while (start < bytes.length) {
    const size = pick(3) === 0 ? 1 : 1 + pick(64);
    // Awaited as a part read from the database is.
    yield await Promise.resolve(bytes.slice(start, start + size));
    start += size;
  }
}

async function allRows(batches: AsyncGenerator<{ rows: RawRow[] }>): Promise<RawRow[]> {
  const rows: RawRow[] = [];
  for await (const batch of batches) rows.push(...batch.rows);
  return rows;
}

describe('a CSV read in pieces', () => {
  it('gives the rows of the whole file, wherever the pieces are cut (300 files, seed 15)', async () => {
    const pick = random(15);
    for (let file = 0; file < 300; file += 1) {
      const bytes = randomFile(pick);
      const whole = await allRows(readRows(bytes, 'csv'));
      const pieces = await allRows(readRows(inPieces(bytes, pick), 'csv'));
      expect(pieces, `file ${file}: ${JSON.stringify(new TextDecoder().decode(bytes).slice(0, 200))}`).toEqual(whole);
    }
  });

  it('reads UTF-8 while it is valid and windows-1252 from the first byte that is not', async () => {
    const utf8 = new TextEncoder().encode('Nom,Cercle\nSite de Ségou,Ségou\n');
    const latin = Uint8Array.from([...'Site de Gao,Tillab\u00e9ri\n'].map((char) => char.charCodeAt(0)));
    const rows = await allRows(readRows(inPieces(Uint8Array.from([...utf8, ...latin]), random(1)), 'csv'));
    expect(rows.map((row) => row.cells)).toEqual([
      ['Nom', 'Cercle'],
      ['Site de Ségou', 'Ségou'],
      ['Site de Gao', 'Tillabéri'],
    ]);
  });

  it('refuses binary content arriving in pieces as it refuses it whole', async () => {
    const bytes = Uint8Array.from([...new TextEncoder().encode('a,b\n1,2\n'), 0, 0x41]);
    await expect(allRows(readRows(inPieces(bytes, random(2)), 'csv'))).rejects.toMatchObject({ code: 'import.notText' });
  });
});
