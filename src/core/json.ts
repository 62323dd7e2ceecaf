/**
 * Reading a JSON document a user uploaded (GeoJSON/TopoJSON boundaries, FTS flows), and saying
 * where it breaks: the position, line and column in `import.malformedJson`, so that a file cut
 * short or edited by hand can be fixed. One home for what geo and plans each did their own way.
 */
import { AppError } from './errors.js';

/**
 * Where JSON.parse gave up. V8 names a position for most errors but not all ("Unexpected token
 * 'x', … is not valid JSON"), so a small scanner finds it then: linear, and iterative so that
 * deeply nested junk cannot exhaust the stack.
 */
export function jsonErrorPosition(text: string, message: string): number {
  if (/end of JSON input/i.test(message)) return text.length;
  const match = /position (\d+)/.exec(message);
  if (match !== null) return Math.min(Number(match[1]), text.length);
  return scanJsonError(text);
}

type JsonExpect = 'value' | 'valueOrEnd' | 'key' | 'keyOrEnd' | 'colon' | 'commaOrEnd' | 'done';

const JSON_LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

function scanJsonError(text: string): number {
  const stack: string[] = [];
  const n = text.length;
  let i = 0;
  let expect: JsonExpect = 'value';
  const after = (): JsonExpect => (stack.length === 0 ? 'done' : 'commaOrEnd');
  const scanString = (start: number): number => {
    // Returns the index after the closing quote, or -(error position) - 1.
    let j = start + 1;
    while (j < n) {
      const code = text.charCodeAt(j);
      if (code === 0x22) return j + 1;
      if (code === 0x5c) {
        const escape = text[j + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) return -(j + 1) - 1;
          j += 6;
        } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) j += 2;
        else return -(j + 1) - 1;
      } else if (code < 0x20) return -j - 1;
      else j += 1;
    }
    return -n - 1;
  };
  for (;;) {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i += 1;
    if (i >= n) return expect === 'done' ? 0 : n;
    const char = text[i];
    if (expect === 'done') return i;
    if (expect === 'colon') {
      if (char !== ':') return i;
      i += 1;
      expect = 'value';
      continue;
    }
    if (expect === 'commaOrEnd') {
      const top = stack[stack.length - 1];
      if (char === ',') expect = top === '{' ? 'key' : 'value';
      else if ((char === '}' && top === '{') || (char === ']' && top === '[')) {
        stack.pop();
        expect = after();
      } else return i;
      i += 1;
      continue;
    }
    if (expect === 'key' || expect === 'keyOrEnd') {
      if (expect === 'keyOrEnd' && char === '}') {
        stack.pop();
        i += 1;
        expect = after();
        continue;
      }
      if (char !== '"') return i;
      const end = scanString(i);
      if (end < 0) return -end - 1;
      i = end;
      expect = 'colon';
      continue;
    }
    // A value is expected.
    if (expect === 'valueOrEnd' && char === ']') {
      stack.pop();
      i += 1;
      expect = after();
      continue;
    }
    if (char === '{' || char === '[') {
      stack.push(char);
      i += 1;
      expect = char === '{' ? 'keyOrEnd' : 'valueOrEnd';
      continue;
    }
    if (char === '"') {
      const end = scanString(i);
      if (end < 0) return -end - 1;
      i = end;
      expect = after();
      continue;
    }
    JSON_LITERAL.lastIndex = i;
    if (!JSON_LITERAL.test(text)) return i;
    i = JSON_LITERAL.lastIndex;
    expect = after();
  }
}

/** The parsed document, or import.malformedJson (422) with the position, line and column where it breaks. */
export function parseJsonDocument(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = Math.min(Math.max(jsonErrorPosition(text, message), 0), text.length);
    const before = text.slice(0, position);
    const line = (before.match(/\n/g)?.length ?? 0) + 1;
    const column = position - (before.lastIndexOf('\n') + 1) + 1;
    throw new AppError('import.malformedJson', { position, line, column }, { cause: error });
  }
}
