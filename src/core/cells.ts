/**
 * What a cell of an uploaded file says before any module reads it: its text without the spaces
 * spreadsheets and GIS tools leave around it, whether it is a "no value" marker, and whether a
 * row is an HXL hashtag row. One rule for every import (geography, funding, DTM rounds, 4W), so
 * that `#N/A` is empty and `#adm1+code` is a tag everywhere alike. Pure; no Node API.
 */

/** Surrounding whitespace as spreadsheets leave it: also no-break, narrow no-break, zero-width, word joiner and BOM. */
const EDGE_SPACE = /^[\s\u00A0\u2007\u202F\u200B\u2060\uFEFF]+|[\s\u00A0\u2007\u202F\u200B\u2060\uFEFF]+$/g;

/**
 * Empty-cell markers of GIS exports (`<Null>`), Excel (`#N/A`), pandas (`nan`, `None`) and
 * hand-filled sheets (`-`), compared case-insensitively.
 */
const MISSING_MARKERS: ReadonlySet<string> = new Set(['', '<null>', 'null', 'n/a', '#n/a', 'nan', 'none', '-']);

/** The cell's text without its surrounding spaces (of every kind above). */
export function trimCell(text: string): string {
  return text.replace(EDGE_SPACE, '');
}

/** True when the (trimmed) text only says "no value". */
export function isMissingMarker(text: string): boolean {
  return MISSING_MARKERS.has(text.toLowerCase());
}

/** A cell's text, or null when it is empty or a missing-value marker. */
export function presentText(value: string | undefined): string | null {
  const text = trimCell(value ?? '');
  return isMissingMarker(text) ? null : text;
}

export interface HxlHashtag {
  /** Lower case, without `#`. */
  tag: string;
  /** Lower case, without `+`; their order in the cell does not matter. */
  attributes: Set<string>;
}

const HXL_HASHTAG = /^#([a-z][a-z0-9_]*)((?:\s*\+\s*[a-z0-9_]+)*)$/;

/** `#affected +idps +ind` → { tag: 'affected', attributes: {idps, ind} }; null when the cell is not a hashtag. */
export function parseHxl(cell: string): HxlHashtag | null {
  const match = HXL_HASHTAG.exec(trimCell(cell).toLowerCase());
  if (!match) return null;
  const attributes = new Set((match[2] ?? '').split('+').map((part) => part.trim()).filter((part) => part !== ''));
  return { tag: match[1]!, attributes };
}

/**
 * True when most non-empty cells of the row are HXL hashtags: the row under the header. Most,
 * not all: real files tag only some columns and leave notes in others.
 */
export function isHxlRow(cells: readonly string[]): boolean {
  const filled = cells.filter((cell) => trimCell(cell) !== '');
  if (filled.length === 0) return false;
  return filled.filter((cell) => parseHxl(cell) !== null).length >= Math.ceil(filled.length / 2);
}
