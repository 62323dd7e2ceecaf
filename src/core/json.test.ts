import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { jsonErrorPosition, parseJsonDocument } from './json.js';

/** A prefix of the text that is the start of some valid document (or one already). */
function viable(text: string, length: number): boolean {
  {
    try {
      JSON.parse(text.slice(0, length));
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : '';
      if (/end of JSON input/i.test(message)) return true;
      const found = /position (\d+)/.exec(message);
      return found !== null && Number(found[1]) >= length;
    }
  }
}

/** Reference: the longest prefix that is still the start of a valid document, by bisection. */
function bisectedPosition(text: string): number {
  if (viable(text, text.length)) return text.length;
  let low = 0;
  let high = text.length;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (viable(text, middle)) low = middle;
    else high = middle;
  }
  return low;
}

function positionOf(text: string): { position: number; line: number; column: number } {
  try {
    parseJsonDocument(text);
  } catch (error) {
    if (error instanceof AppError && error.code === 'import.malformedJson') return error.params as { position: number; line: number; column: number };
    throw error;
  }
  throw new Error(`parsed: ${text}`);
}

describe('parseJsonDocument', () => {
  it('returns the document when it is JSON', () => {
    expect(parseJsonDocument('{"type":"FeatureCollection","features":[]}')).toEqual({ type: 'FeatureCollection', features: [] });
  });

  it('says where a file cut short, a stray token or a bad escape breaks it, by line and column', () => {
    expect(positionOf('{\n  "flows": [\n    {"id": 1},\n    {"id": 2')).toEqual({ position: 42, line: 4, column: 13 });
    expect(positionOf('{"a": 1,\n "b": x}')).toEqual({ position: 15, line: 2, column: 7 });
    expect(positionOf('{"a": "c:\\windows"}')).toMatchObject({ position: 10, line: 1, column: 11 });
    expect(positionOf('[1, 2] 3')).toMatchObject({ position: 7 });
  });

  it('finds the position when the message names none (V8: "Unexpected token … is not valid JSON"): the start of the bad token', () => {
    const cases: Array<[string, number]> = [['{"a": tru}', 6], ['[1, 2,, 3]', 6], ['{"a" 1}', 5], ['["\\u12G4"]', 3], ['{"a": "b"}}', 10], ['[01]', 2], ['{', 1]];
    for (const [text, position] of cases) expect(jsonErrorPosition(text, 'Unexpected token'), text).toBe(position);
  });

  it('property: the position is never past the real error, and all before it is a valid start', () => {
    const tokens = fc.constantFrom('{', '}', '[', ']', ',', ':', ' ', '\n', '"a"', '"\\n"', '"\\x"', '"\\u00e9"', '"\\u00g9"', '1', '-0.5e3', '01', 'true', 'nul', 'null', 'x', '"');
    fc.assert(
      fc.property(fc.array(tokens, { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        fc.pre(!valid);
        const position = jsonErrorPosition(text, 'no position named');
        expect(position).toBeLessThanOrEqual(bisectedPosition(text));
        expect(viable(text, position)).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });
});
