/**
 * Which properties of a boundary file hold the P-code, the name, alternative names, the parent
 * and the validity date: by their names (COD spellings, shapefile exports that cut names to ten
 * characters) and by their values (a property whose values normalise to this country's P-codes at
 * one level). Pure.
 */
import { AppError } from '../core/errors.js';
import { truncateForEcho } from '../core/tabular.js';
import { normalisePcode, type PcodeScheme } from './pcode.js';
import { propertyText } from './geo-cells.js';

export interface BoundaryPropertyNames {
  pcode: string;
  name: string | null;
  /** Properties read as alternative names: other-language names, then `…AltName…` columns. */
  altNames: string[];
  parent: string | null;
  validOn: string | null;
}

/** A level "is" the file's level when at least this share of features carry its P-code. */
const LEVEL_COVERAGE = 0.9;
// Boundaries: property names
// ---------------------------------------------------------------------------------------------

export function propertyKey(name: string): string {
  return name.toLowerCase().replace(/[\s_\-.]+/g, '');
}

// `pcod`: dBase (shapefile) field names stop at ten characters, so admin2Pcode is written admin2Pcod.
export const PCODE_PROPERTY = /^adm(?:in)?(\d)pcod(?:e)?$/;
// A trailing `n`/`na`/`nam`: admin2RefName cut to ten characters (admin2RefN).
const NAME_PROPERTY = /^adm(?:in)?(\d)(name)?(fr|en|ar|es|pt|ref)?(name|nam|na|n)?$/;
const ALT_NAME_PROPERTY = /^adm(?:in)?(\d)alt(?:name|nam|na|n)?\d*(?:fr|en|ar|es|pt)?$/;

/** French first (the response works in French), then the unmarked name, English, others, the ASCII reference name. */
function nameRank(match: RegExpExecArray): number | null {
  const [, , name, language, trailingName] = match;
  if (name === undefined && language === undefined && trailingName === undefined) return null;
  if (language === 'fr') return 0;
  if (language === undefined) return 1;
  if (language === 'en') return 2;
  if (language === 'ref') return 4;
  return 3;
}

/**
 * A property that reads as the units' names: text with letters, on at least half the features,
 * nearly all different from each other (a parent's name repeats, a type or a date does not spell
 * a place). Null when none does.
 */
function nameByValues(features: readonly RawFeature[], exclude: ReadonlySet<string>): string | null {
  const texts = new Map<string, string[]>();
  for (const { properties } of features) {
    for (const [key, value] of Object.entries(properties)) {
      if (exclude.has(key) || typeof value !== 'string' || !/\p{L}{2}/u.test(value)) continue;
      const list = texts.get(key) ?? [];
      list.push(value.trim());
      texts.set(key, list);
    }
  }
  let best: { key: string; distinct: number } | null = null;
  for (const [key, list] of texts) {
    const distinct = new Set(list.map((text) => text.toLowerCase())).size;
    if (list.length < features.length * VALUE_COVERAGE || distinct < list.length * LEVEL_COVERAGE) continue;
    if (best === null || distinct > best.distinct) best = { key, distinct };
  }
  return best?.key ?? null;
}

export interface RawFeature {
  row: number;
  properties: Record<string, unknown>;
  geometry: unknown;
}

interface DetectedProperties extends BoundaryPropertyNames {
  level: number;
  /** Every name property of the level, best first, for per-feature fallback. */
  nameKeys: string[];
}

/** Share of the features whose value must read as P-codes of one level for a property to be taken for one by its values. */
const VALUE_COVERAGE = 0.5;

/** How many values of each property read as P-codes, per admin level, and the values themselves (to tell copies apart). */
function pcodeValues(features: readonly RawFeature[], schemes: Readonly<Record<string, PcodeScheme>>): Map<string, { byLevel: Map<number, number>; values: string[] }> {
  const scan = new Map<string, { byLevel: Map<number, number>; values: string[] }>();
  features.forEach(({ properties }, index) => {
    for (const [key, value] of Object.entries(properties)) {
      if (typeof value !== 'string' && typeof value !== 'number') continue;
      const read = normalisePcode(value, schemes);
      if (read.status !== 'ok') continue;
      let entry = scan.get(key);
      if (entry === undefined) {
        entry = { byLevel: new Map(), values: [] };
        scan.set(key, entry);
      }
      entry.byLevel.set(read.level, (entry.byLevel.get(read.level) ?? 0) + 1);
      entry.values[index] = read.pcode;
    }
  });
  return scan;
}

function dominantLevel(byLevel: ReadonlyMap<number, number>): { level: number; count: number } | null {
  let best: { level: number; count: number } | null = null;
  for (const [level, count] of byLevel) if (best === null || count > best.count || (count === best.count && level > best.level)) best = { level, count };
  return best;
}

/**
 * Finds the P-code, parent, name and date properties. P-code properties are known by their name
 * (admin2Pcode, ADM2_PCODE, and the 10-character admin2Pcod a shapefile export leaves) or, when
 * the names say nothing, by their values: a property most of whose values read as P-codes of one
 * level. `chosen` are the properties the user named, which win over any detection.
 */
export function detectProperties(
  features: readonly RawFeature[],
  schemes: Readonly<Record<string, PcodeScheme>>,
  chosen: { pcode?: string; name?: string } = {},
): DetectedProperties {
  const coverage = new Map<string, number>();
  for (const { properties } of features) {
    for (const [key, value] of Object.entries(properties)) {
      if (propertyText(value) !== null) coverage.set(key, (coverage.get(key) ?? 0) + 1);
      else if (!coverage.has(key)) coverage.set(key, 0);
    }
  }
  const listed = (): string => truncateForEcho([...coverage.keys()].join(', ') || '—');
  for (const named of [chosen.pcode, chosen.name]) {
    if (named !== undefined && !coverage.has(named)) throw new AppError('geo.import.propertyNotFound', { property: truncateForEcho(named, 80), properties: listed() });
  }

  const bestPcodeKey = new Map<number, { key: string; count: number }>();
  for (const [key, count] of coverage) {
    const match = PCODE_PROPERTY.exec(propertyKey(key));
    if (match === null) continue;
    const level = Number(match[1]);
    const best = bestPcodeKey.get(level);
    if (best === undefined || count > best.count) bestPcodeKey.set(level, { key, count });
  }
  // Properties whose names say nothing but whose values are P-codes (CODE_CERCL, pcode, Pcod_adm2…).
  const scan = pcodeValues(features, schemes);
  const byValues = new Map<number, Array<{ key: string; count: number; values: string[] }>>();
  for (const [key, entry] of scan) {
    if (PCODE_PROPERTY.test(propertyKey(key))) continue;
    const dominant = dominantLevel(entry.byLevel);
    if (dominant === null || dominant.count < Math.max(1, Math.ceil(features.length * VALUE_COVERAGE))) continue;
    const list = byValues.get(dominant.level) ?? [];
    list.push({ key, count: dominant.count, values: entry.values });
    byValues.set(dominant.level, list);
  }
  for (const [level, list] of byValues) {
    if (bestPcodeKey.has(level)) continue;
    list.sort((a, b) => b.count - a.count);
    bestPcodeKey.set(level, list[0]!);
  }

  let level: number;
  let pcode: string;
  if (chosen.pcode !== undefined) {
    const named = PCODE_PROPERTY.exec(propertyKey(chosen.pcode));
    const fromValues = dominantLevel(scan.get(chosen.pcode)?.byLevel ?? new Map<number, number>());
    const namedLevel = named !== null ? Number(named[1]) : fromValues?.level;
    if (namedLevel === undefined) throw new AppError('geo.import.propertyNotPcodes', { property: truncateForEcho(chosen.pcode, 80) });
    level = namedLevel;
    pcode = chosen.pcode;
    bestPcodeKey.set(level, { key: pcode, count: coverage.get(pcode) ?? 0 });
  } else {
    if (bestPcodeKey.size === 0) throw new AppError('geo.import.noPcodeProperty', { properties: listed() });
    const levels = [...bestPcodeKey.entries()].sort((a, b) => b[0] - a[0]);
    const threshold = Math.max(1, Math.ceil(features.length * LEVEL_COVERAGE));
    const found =
      levels.find(([, best]) => best.count >= threshold) ??
      [...levels].sort((a, b) => b[1].count - a[1].count || b[0] - a[0])[0];
    if (found === undefined) throw new AppError('geo.import.noPcodeProperty', { properties: '—' });
    [level, { key: pcode }] = found;
    // Two unnamed properties holding different codes of the same level: only the user can say which is the unit's.
    const rivals = PCODE_PROPERTY.test(propertyKey(pcode)) ? [] : (byValues.get(level) ?? []);
    const distinct = rivals.filter((rival) => rival.count >= threshold && rival.values.join('|') !== rivals[0]!.values.join('|'));
    if (distinct.length > 0) {
      throw new AppError(
        'geo.import.pcodePropertyAmbiguous',
        { level, properties: rivals.filter((rival) => rival.count >= threshold).map((rival) => rival.key).join(', ') },
        { details: { candidates: rivals.filter((rival) => rival.count >= threshold).map((rival) => rival.key) } },
      );
    }
  }

  const names: Array<{ key: string; rank: number; count: number }> = [];
  const altNames: string[] = [];
  for (const [key, count] of coverage) {
    const normalised = propertyKey(key);
    const nameMatch = NAME_PROPERTY.exec(normalised);
    if (nameMatch !== null && Number(nameMatch[1]) === level) {
      const rank = nameRank(nameMatch);
      if (rank !== null) names.push({ key, rank, count });
      continue;
    }
    const altMatch = ALT_NAME_PROPERTY.exec(normalised);
    if (altMatch !== null && Number(altMatch[1]) === level) altNames.push(key);
  }
  // A name column that is empty everywhere (e.g. admin3Name_fr all null) must not win over a filled one.
  names.sort((a, b) => Number(b.count > 0) - Number(a.count > 0) || a.rank - b.rank);
  if (chosen.name !== undefined) {
    const index = names.findIndex((entry) => entry.key === chosen.name);
    if (index >= 0) names.splice(index, 1);
    names.unshift({ key: chosen.name, rank: -1, count: coverage.get(chosen.name) ?? 0 });
  } else if (names.every((entry) => entry.count === 0)) {
    // No name property by its name (NOM_CERCLE, LIBELLE…): the text property that names most features apart.
    const guess = nameByValues(features, new Set([pcode, ...[...bestPcodeKey.values()].map((best) => best.key), ...scan.keys()]));
    if (guess !== null) names.unshift({ key: guess, rank: -1, count: coverage.get(guess) ?? 0 });
  }
  const [bestName, ...otherNames] = names;

  const parent = level > 0 ? (bestPcodeKey.get(level - 1)?.key ?? null) : null;
  let validOn: string | null = null;
  for (const preferred of ['validon', 'validfrom', 'date']) {
    validOn = [...coverage.keys()].find((key) => propertyKey(key) === preferred) ?? null;
    if (validOn !== null) break;
  }

  return {
    level,
    pcode,
    name: bestName?.key ?? null,
    nameKeys: names.map((entry) => entry.key),
    altNames: [...otherNames.map((entry) => entry.key), ...altNames.sort()],
    parent,
    validOn,
  };
}
