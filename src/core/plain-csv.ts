/**
 * CSV text split on its line ends and separators directly. csv-parse reads a file byte by byte
 * through a state machine; the records of real round files are either plain (Excel's lines
 * without a quote) or quoted the regular way (a cell wholly in quotes, `""` for a quote inside:
 * Excel's cells holding the separator, Kobo's every cell), and for those the machinery is not
 * needed. `PlainCsvLines` gives exactly the records csv-parse gives for such text with the
 * reader's options (table-files.ts: any number of cells per row, blank lines kept as one empty
 * cell, the line end told by the first one met outside quotes: `\r\n`, `\n` or `\r`), and hands
 * the rest of the file over to csv-parse at the first record it does not take: text after a
 * closing quote, an unclosed quote, a record too long to be sure of csv-parse's record size limit.
 * A quote inside an unquoted cell is a character of it, as csv-parse's relaxed quotes read it.
 */

export type RecordDelimiter = '\r\n' | '\n' | '\r';

/**
 * The longest record split here. csv-parse refuses a record above its `max_record_size` in bytes
 * (1 MiB in table-files.ts); a UTF-16 code unit is at most 3 bytes of UTF-8, so a record of up to
 * 256 Ki code units is under that limit whatever it holds, and a longer one is csv-parse's to judge.
 */
export const PLAIN_LINE_MAX = 256 * 1024;

export interface PlainPush {
  /** Records read, in order. */
  records: string[][];
  /** Text from the start of the first record not taken here: csv-parse reads it and all that follows. */
  handOver: string | null;
}

/** A record not taken here ('other'), or one that goes on past the text so far ('more'). */
type Refused = 'other' | 'more';

export class PlainCsvLines {
  /** The line end in use, once the first one has been met: csv-parse must be given the same. */
  recordDelimiter: RecordDelimiter | null = null;
  /** The unfinished last record of the text so far. */
  private carry = '';
  /** In the current text: where the next quote is (text.length when none), so a record without one is split at once. */
  private quoteAt = -1;

  constructor(private readonly delimiter: string) {}

  /** The records of `chunk` (with what was carried from before); `end` at the end of the file. */
  push(chunk: string, end: boolean): PlainPush {
    const text = this.carry === '' ? chunk : this.carry + chunk;
    this.carry = '';
    this.quoteAt = -1;
    const records: string[][] = [];
    let position = 0;
    while (position < text.length) {
      const next = this.record(text, position, end, records);
      if (next === 'other') return { records, handOver: text.slice(position) };
      if (next === 'more') {
        if (text.length - position > PLAIN_LINE_MAX) return { records, handOver: text.slice(position) };
        this.carry = text.slice(position);
        break;
      }
      if (next - position > PLAIN_LINE_MAX) {
        records.pop();
        return { records, handOver: text.slice(position) };
      }
      position = next;
    }
    // csv-parse makes no record of an empty last line: the file ended with its line end.
    return { records, handOver: null };
  }

  /** Reads the record at `start` into `records`; returns where the next one starts. */
  private record(text: string, start: number, end: boolean, records: string[][]): number | Refused {
    const rd = this.recordDelimiter;
    if (this.quoteAt < start) {
      const quote = text.indexOf('"', start);
      this.quoteAt = quote === -1 ? text.length : quote;
    }
    if (rd !== null) {
      const lineEnd = text.indexOf(rd, start);
      if (lineEnd !== -1 && lineEnd < this.quoteAt) {
        records.push(text.slice(start, lineEnd).split(this.delimiter));
        return lineEnd + rd.length;
      }
      if (lineEnd === -1 && this.quoteAt === text.length) {
        if (!end) return 'more';
        records.push(text.slice(start).split(this.delimiter));
        return text.length;
      }
    }
    return this.fieldByField(text, start, end, records);
  }

  /** A record holding a quote, or the first record (whose line end is not known yet), one cell at a time. */
  private fieldByField(text: string, start: number, end: boolean, records: string[][]): number | Refused {
    const delimiter = this.delimiter;
    const cells: string[] = [];
    let position = start;
    for (;;) {
      let after: number;
      if (text.charCodeAt(position) === QUOTE) {
        let value = '';
        let from = position + 1;
        for (;;) {
          const quote = text.indexOf('"', from);
          if (quote === -1) return end ? 'other' : 'more';
          if (text.charCodeAt(quote + 1) === QUOTE) {
            value += text.slice(from, quote + 1);
            from = quote + 2;
            continue;
          }
          value += text.slice(from, quote);
          after = quote + 1;
          break;
        }
        cells.push(value);
      } else {
        const nextDelimiter = text.indexOf(delimiter, position);
        const nextLineEnd = this.lineEndFrom(text, position);
        const cellEnd = nextDelimiter === -1 ? nextLineEnd : nextLineEnd === -1 ? nextDelimiter : Math.min(nextDelimiter, nextLineEnd);
        if (cellEnd === -1) {
          if (!end) return 'more';
          after = text.length;
        } else {
          after = cellEnd;
        }
        // A quote inside an unquoted cell is a character of it, as csv-parse's relaxed quotes read it (12" pipe).
        cells.push(text.slice(position, after));
      }
      // After a cell: the separator, the line end, or the end of the file.
      if (after === text.length) {
        if (!end) return 'more';
        records.push(cells);
        return after;
      }
      if (text.startsWith(delimiter, after)) {
        position = after + delimiter.length;
        continue;
      }
      const lineEnd = this.lineEndAt(text, after, end);
      if (lineEnd === 'more' || lineEnd === 'other') return lineEnd;
      records.push(cells);
      return after + lineEnd;
    }
  }

  /** Where the next line end is from `position` (-1: none in the text so far). */
  private lineEndFrom(text: string, position: number): number {
    if (this.recordDelimiter !== null) return text.indexOf(this.recordDelimiter, position);
    const lf = text.indexOf('\n', position);
    const cr = text.indexOf('\r', position);
    return cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
  }

  /** The length of the line end at `position`, telling which one the file uses when it is the first; 'other' when none is there. */
  private lineEndAt(text: string, position: number, end: boolean): number | Refused {
    const rd = this.recordDelimiter;
    if (rd !== null) return text.startsWith(rd, position) ? rd.length : 'other';
    const char = text[position];
    if (char === '\n') this.recordDelimiter = '\n';
    else if (char === '\r') {
      // A CR ending the text so far: the next character tells CRLF from CR.
      if (position + 1 === text.length && !end) return 'more';
      this.recordDelimiter = text[position + 1] === '\n' ? '\r\n' : '\r';
    } else return 'other';
    return this.recordDelimiter.length;
  }
}

const QUOTE = 0x22;
