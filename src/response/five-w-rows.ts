/**
 * What a 5W row's places, organisation types and figures resolve to (pure): P-codes walked up to
 * the finest unit the geography knows, names matched through the geography's name matching
 * (accents ignored, each level within its parent), HAPI org types from the file's own words,
 * figures as report cells. The import (five-w-imports.ts) loads the units and stores the rows.
 */
import { buildNameIndex, CONFIDENT, matchInIndex, type NameIndex, type NameMatch } from '../geo/names.js';
import { countryOf, levelOf, parentOf } from '../geo/pcode.js';
import type { Figure } from './aggregate.js';
import type { FiveWRow } from './five-w.js';
import { foldName, type OrgTypeCode } from './vocabulary.js';

export interface KnownUnit {
  pcode: string;
  level: number;
  parentPcode: string | null;
  name: string;
  altNames: string[];
  validFrom: string;
}

export interface ResolvedPlace {
  level: number;
  admin1: string;
  admin2: string | null;
  admin3: string | null;
  geographyVersion: string;
  /** The file gave a finer place than the geography knows (an admin3 code where only admin2 is loaded). */
  coarser: boolean;
  byName: boolean;
}

export type PlaceOutcome = { place: ResolvedPlace } | { problem: 'place.unknown' | 'place.otherCountry' };

export class PlaceResolver {
  private readonly units: Map<string, KnownUnit>;
  private readonly indexes = new Map<number, NameIndex>();
  private readonly byNames = new Map<string, PlaceOutcome>();

  constructor(
    private readonly country: string,
    units: readonly KnownUnit[],
  ) {
    this.units = new Map(units.map((unit) => [unit.pcode, unit]));
    for (const level of [1, 2, 3]) {
      const ofLevel = units.filter((unit) => unit.level === level);
      if (ofLevel.length > 0) this.indexes.set(level, buildNameIndex(ofLevel.map((unit) => ({ pcode: unit.pcode, names: [unit.name, ...unit.altNames] }))));
    }
  }

  private placeOf(unit: KnownUnit, coarser: boolean, byName: boolean): ResolvedPlace {
    const chain = new Map<number, string>();
    let at: KnownUnit | undefined = unit;
    while (at !== undefined && at.level >= 1) {
      chain.set(at.level, at.pcode);
      at = at.parentPcode === null ? undefined : this.units.get(at.parentPcode);
    }
    return { level: unit.level, admin1: chain.get(1)!, admin2: chain.get(2) ?? null, admin3: chain.get(3) ?? null, geographyVersion: unit.validFrom, coarser, byName };
  }

  resolve(row: Pick<FiveWRow, 'pcode' | 'level' | 'names'>): PlaceOutcome {
    if (row.pcode !== null) {
      if (countryOf(row.pcode) !== this.country) return { problem: 'place.otherCountry' };
      // A code finer than the loaded geography (a commune where only provinces are loaded) counts
      // at its known parent; a code of a loaded level that the geography does not have is unknown.
      for (let code: string | undefined = row.pcode; code !== undefined; code = parentOf(code)) {
        const unit = this.units.get(code);
        if (unit !== undefined && unit.level >= 1) return { place: this.placeOf(unit, code !== row.pcode, false) };
        if (this.indexes.has(levelOf(code) ?? 0)) break;
      }
      return { problem: 'place.unknown' };
    }
    const key = [row.names.admin1, row.names.admin2, row.names.admin3].map((name) => foldName(name ?? '')).join('|');
    let outcome = this.byNames.get(key);
    if (outcome === undefined) {
      outcome = this.byName(row.names);
      this.byNames.set(key, outcome);
    }
    return outcome;
  }

  /** Each level's name matched among the units under the level above (when that one matched), confidently or not at all. */
  private byName(names: FiveWRow['names']): PlaceOutcome {
    let found: KnownUnit | null = null;
    let finest = 0;
    const given = [names.admin1, names.admin2, names.admin3];
    given.forEach((name, index) => {
      if (name !== null) finest = index + 1;
    });
    for (const [index, name] of given.entries()) {
      const level = index + 1;
      const nameIndex = this.indexes.get(level);
      if (name === null || nameIndex === undefined) continue;
      const parent: KnownUnit | null = found;
      const matches: NameMatch[] = matchInIndex(nameIndex, name, { limit: 10, minConfidence: CONFIDENT }).filter((match) => {
        const unit = this.units.get(match.pcode);
        return unit !== undefined && (parent === null || isWithin(this.units, unit, parent.pcode));
      });
      // Two units of the same name under one parent: no guess. A name of a loaded level that matches nothing is unknown.
      if (matches.length === 1 || (matches.length > 1 && matches[0]!.confidence > matches[1]!.confidence)) found = this.units.get(matches[0]!.pcode)!;
      else return { problem: 'place.unknown' };
    }
    if (found === null) return { problem: 'place.unknown' };
    return { place: this.placeOf(found, found.level < finest, true) };
  }
}

function isWithin(units: ReadonlyMap<string, KnownUnit>, unit: KnownUnit, ancestor: string): boolean {
  for (let at: KnownUnit | undefined = unit; at !== undefined; at = at.parentPcode === null ? undefined : units.get(at.parentPcode)) {
    if (at.pcode === ancestor) return true;
  }
  return false;
}

const ORG_TYPE_WORDS: ReadonlyArray<readonly [RegExp, OrgTypeCode]> = [
  [/ongnationale|nationalngo|^ongn$|^nngo$|^ong$/, '441'],
  [/onginternationale|internationalngo|^ongi$|^ingo$/, '437'],
  [/nationsunies|unitednations|systemedesnations|agence.*nu|^un$|^onu$|^snu$/, '447'],
  [/croix|croissant|redcross|redcrescent|mouvement/, '445'],
  [/gouvern|government|^etat$|ministere|service(s)?technique/, '435'],
  [/bailleur|donor/, '433'],
  [/organisationinternationale|internationalorgani[sz]ation/, '438'],
  [/prive|private/, '444'],
  [/religi|confession/, '446'],
  [/universit|academ|recherche|research/, '448'],
];

/** The HAPI org type a file's own words name ("ONG nationale" → 441); Other (443) when they say nothing known. */
export function orgTypeOfText(text: string | null): OrgTypeCode {
  if (text === null) return '443';
  const folded = foldName(text).replace(/[^a-z]/g, '');
  return ORG_TYPE_WORDS.find(([pattern]) => pattern.test(folded))?.[1] ?? '443';
}

/**
 * A row's figures as report cells: a 3W's beneficiaries are the people targeted, a reached
 * column the people reached; women and men are parts of the reached total (of the targeted one
 * without a reached column). Blanks are not reported: no cell, never 0.
 */
export function rowFigures(row: Pick<FiveWRow, 'beneficiaries' | 'reached' | 'female' | 'male'>): Figure[] {
  const figures: Figure[] = [];
  const cell = (measure: Figure['measure'], sex: Figure['sex'], value: number | null): void => {
    if (value !== null) figures.push({ measure, group: 'all', sex, age: 'all', value });
  };
  cell('targeted', 'all', row.beneficiaries);
  cell('reached', 'all', row.reached);
  const partsOf: Figure['measure'] = row.reached !== null || row.beneficiaries === null ? 'reached' : 'targeted';
  cell(partsOf, 'f', row.female);
  cell(partsOf, 'm', row.male);
  return figures;
}

/** The month (YYYY-MM) a row reports on: the one given for the file, else its start date's, else its end date's. */
export function rowMonth(row: Pick<FiveWRow, 'start' | 'end'>, given: string | null): string | null {
  return given ?? row.start?.slice(0, 7) ?? row.end?.slice(0, 7) ?? null;
}
