/**
 * The synthetic operations' plans and model: which rounds happen when, the admin2 areas and site
 * locations of an operation (stable for a seed), and the latent figures rounds draw from. Pure.
 */
import { type LocationType, type PopulationGroup, type SettlementType } from '../shared/displacement.js';
import { Rng, dayOf, isoOf, rngFor, yearsOf } from './synthetic.js';
import { COUNTRY_BOXES, DEMO_OPERATIONS, FALLBACK_PROFILE, PROFILES, adminBox, pointIn, unit, type AssessmentType, type Box, type DemoCountry, type DemoOperation, type Profile } from './dtm-geography.js';

// ---------------------------------------------------------------------------------------------
// Round plans
// ---------------------------------------------------------------------------------------------

export interface RoundPlan {
  operationCode: string;
  /** 1..N, restarting per operation. A round number has one plan per assessment type, same dates. */
  number: number;
  assessmentType: AssessmentType;
  /** YYYY-MM-DD: the date the figures stand for (a few days after the collection ends). */
  referenceDate: string;
  collectionStart: string;
  collectionEnd: string;
  /** Reference date of round `number - 1`, or null for the first round. */
  previousReferenceDate: string | null;
}

export interface OperationPlan {
  operation: DemoOperation;
  rounds: RoundPlan[];
}

export interface PlanOptions {
  /** Default `2019-01-01`. */
  from?: string;
  /** No reference date after this. Default `2021-12-31`. */
  to?: string;
  /** Default: the three demo operations. */
  operations?: readonly DemoOperation[];
  /** Assessments made each round. Default both, `BA` then `SA`. */
  assessmentTypes?: readonly AssessmentType[];
}

/**
 * The rounds of each operation: every 60–90 days from shortly after `from`, a 3–4-week
 * collection ending 0–3 days before the reference date; each round number has a BA plan and an
 * SA plan with the same dates (never add them: the SA counts the same people, place by place).
 */
export function generateOperationPlan(seed: number, options: PlanOptions = {}): OperationPlan[] {
  const from = dayOf(options.from ?? '2019-01-01');
  const to = dayOf(options.to ?? '2021-12-31');
  const types = options.assessmentTypes ?? (['BA', 'SA'] as const);
  return (options.operations ?? DEMO_OPERATIONS).map((operation) => {
    const rng = rngFor(seed, 'plan', operation.code);
    const rounds: RoundPlan[] = [];
    let start = from + rng.int(5, 40);
    let previous: string | null = null;
    for (let number = 1; ; number += 1) {
      const end = start + rng.int(20, 27);
      const reference = end + rng.int(0, 3);
      if (reference > to) break;
      const referenceDate = isoOf(reference);
      for (const assessmentType of types) {
        rounds.push({
          operationCode: operation.code,
          number,
          assessmentType,
          referenceDate,
          collectionStart: isoOf(start),
          collectionEnd: isoOf(end),
          previousReferenceDate: previous,
        });
      }
      previous = referenceDate;
      start += rng.int(60, 90);
    }
    return { operation, rounds };
  });
}

// ---------------------------------------------------------------------------------------------
// The operation model: admin2 areas and SA locations, stable for a seed
// ---------------------------------------------------------------------------------------------

interface Area {
  admin1: string;
  admin1Name: string;
  admin2: string;
  admin2Name: string;
  /** Share of the operation's IDPs at the epoch, before drift. */
  weight: number;
  /** Log-share drift per year. */
  drift: number;
  returneeRatio: number;
  abroadRatio: number;
  box: Box;
  urban: boolean;
  places: Place[];
  /** Σ place weight per group, over every place (active or not). */
  placeWeight: Record<PopulationGroup, number>;
}

interface Place {
  area: Area;
  code: string;
  name: string;
  type: LocationType;
  settlement: SettlementType;
  latitude: number;
  longitude: number;
  /** First reference day the location is assessed. */
  sinceDay: number;
  weight: number;
  growth: number;
  groups: PopulationGroup[];
}

interface OperationModel {
  operation: DemoOperation;
  profile: Profile;
  areas: Area[];
}

/** Mean individuals per SA location at the operation's peak: sets how many locations there are. */
const MEAN_LOCATION_SIZE = 450;
/** Share of the IDPs of an admin2 that the SA locations cover (the rest lives in unlisted places). */
const SA_COVERAGE = 0.93;
/** Reference day for "assessed from the start". */
export const ALWAYS = dayOf('2018-01-01');
/** When the people of locations assessed from the start arrived. */
export const ARRIVALS_FROM = dayOf('2018-04-01');
export const ARRIVALS_TO = dayOf('2019-01-15');

const ONSETS = ['Ba', 'Bou', 'Da', 'Di', 'Dou', 'Dia', 'Fa', 'Ga', 'Gou', 'Ha', 'Ka', 'Ki', 'Ko', 'Kou', 'La', 'Ma', 'Mi', 'Na', 'Ni', 'Nia', 'Ou', 'Sa', 'Sé', 'Si', 'So', 'Sou', 'Ta', 'Ti', 'Tin', 'To', 'Wa', 'Wé', 'Ya', 'Zé', 'Dja', 'Bo', 'Tam', 'Zin', 'Gor', 'Kal'];
const MIDDLES = ['ra', 'ri', 'ma', 'ba', 'ko', 'go', 'lo', 'na', 'ni', 'ta', 'si', 'dou', 'gou', 'fa', 'da', 'ye', 'mba', 'n'];
const ENDINGS = ['bougou', 'dougou', 'koro', 'kala', 'sso', 'ré', 'go', 'ga', 'tenga', 'koye', 'gol', 'di', 'na', 'ma', 'rou', 'fa', 'ni', 'lé', 'dji', 'bé', 'kar', 'gou', 'ra', 'do', 'sséré', 'boulé'];

/** A place name that sounds Sahelian and is made up: onset + (middle) + ending. */
function syllableName(rng: Rng): string {
  const prefix = rng.chance(0.03) ? "N'" : '';
  const middle = rng.chance(0.45) ? rng.pick(MIDDLES) : '';
  return `${prefix}${rng.pick(ONSETS)}${middle}${rng.pick(ENDINGS)}`;
}

export function placeName(rng: Rng, type: LocationType, settlement: SettlementType, country: DemoCountry): string {
  if (type === 'neighbourhood') return country === 'BF' ? `Secteur ${rng.int(1, 30)}` : `Quartier ${syllableName(rng)}`;
  if (type === 'site') {
    if (settlement === 'collective-centre') return rng.chance(0.5) ? `École de ${syllableName(rng)}` : `Centre "${syllableName(rng)}"`;
    return rng.chance(0.1) ? `Site ${syllableName(rng)}, extension` : `Site de ${syllableName(rng)}`;
  }
  return syllableName(rng);
}

const URBAN_ADMIN2 = /^(ville de|bamako|kadiogo)/i;

function buildModel(seed: number, operation: DemoOperation): OperationModel {
  const profile = PROFILES[operation.code] ?? FALLBACK_PROFILE;
  const peak = Math.max(...profile.anchors.map(([, value]) => value));
  const listed = Object.values(profile.admin1Weights).reduce((sum, weight) => sum + weight, 0);
  const unlisted = operation.admin1Pcodes.filter((code) => profile.admin1Weights[code] === undefined);
  const rest = Math.max(0.02 * unlisted.length, 1 - listed) / Math.max(1, unlisted.length);

  const draft: Array<Omit<Area, 'places' | 'placeWeight'>> = [];
  for (const admin1 of operation.admin1Pcodes) {
    const region = unit(admin1);
    const admin1Weight = profile.admin1Weights[admin1] ?? rest;
    const raw = region.children.map((admin2) => rngFor(seed, 'area-weight', operation.code, admin2).lognormal(0.7));
    const rawTotal = raw.reduce((sum, value) => sum + value, 0);
    region.children.forEach((admin2, index) => {
      const rng = rngFor(seed, 'area', operation.code, admin2);
      const name = unit(admin2).name;
      draft.push({
        admin1,
        admin1Name: region.name,
        admin2,
        admin2Name: name,
        weight: (admin1Weight * (raw[index] ?? 1)) / rawTotal,
        drift: rng.range(-0.2, 0.2),
        returneeRatio: rng.chance(0.45) ? rng.range(0.04, 0.25) : 0,
        abroadRatio: rng.chance(0.2) ? rng.range(0.01, 0.06) : 0,
        box: adminBox(admin2) ?? COUNTRY_BOXES[operation.country],
        urban: URBAN_ADMIN2.test(name) || name === region.name,
      });
    });
  }
  const totalWeight = draft.reduce((sum, area) => sum + area.weight, 0);

  const areas = draft.map((partial): Area => {
    const area: Area = { ...partial, weight: partial.weight / totalWeight, places: [], placeWeight: { idp: 0, returnee: 0, 'returnee-abroad': 0 } };
    const count = Math.min(400, Math.max(2, Math.round((area.weight * peak) / MEAN_LOCATION_SIZE)));
    const names = new Set<string>();
    for (let index = 1; index <= count; index += 1) {
      const rng = rngFor(seed, 'place', operation.code, area.admin2, index);
      const type: LocationType = area.urban
        ? rng.weighted([['neighbourhood', 0.45], ['site', 0.2], ['village', 0.35]])
        : rng.weighted([['village', 0.65], ['site', 0.3], ['neighbourhood', 0.05]]);
      const settlement: SettlementType =
        type === 'site'
          ? rng.weighted([['camp', 0.2], ['spontaneous-site', 0.55], ['collective-centre', 0.25]])
          : rng.weighted([['host-community', 0.9], ['other', 0.1]]);
      let name = placeName(rng, type, settlement, operation.country);
      for (let attempt = 0; names.has(name) && attempt < 8; attempt += 1) name = placeName(rng, type, settlement, operation.country);
      if (names.has(name)) name = `${name} ${index}`;
      names.add(name);
      const late = index > 1 && rng.chance(0.25);
      const groups: PopulationGroup[] = ['idp'];
      if (area.returneeRatio > 0 && rng.chance(0.35)) groups.push('returnee');
      if (area.abroadRatio > 0 && rng.chance(0.25)) groups.push('returnee-abroad');
      const place: Place = {
        area,
        code: `${area.admin2}-${String(index).padStart(4, '0')}`,
        name,
        type,
        settlement,
        ...pointIn(area.admin2, rng),
        sinceDay: late ? rng.int(dayOf('2019-03-01'), dayOf('2021-10-31')) : ALWAYS,
        weight: rng.lognormal(0.8) * (late ? 0.6 : 1),
        growth: rng.range(-0.15, 0.15),
        groups,
      };
      area.places.push(place);
      for (const group of groups) area.placeWeight[group] += place.weight;
    }
    return area;
  });
  return { operation, profile, areas };
}

const MODELS = new Map<string, OperationModel>();

export function modelOf(seed: number, operation: DemoOperation): OperationModel {
  const key = `${seed}|${operation.code}|${operation.admin1Pcodes.join(',')}`;
  let model = MODELS.get(key);
  if (model === undefined) {
    model = buildModel(seed, operation);
    if (MODELS.size >= 12) MODELS.delete(MODELS.keys().next().value ?? '');
    MODELS.set(key, model);
  }
  return model;
}

/** National IDP total on a day: log-linear between anchors, flat outside. */
function trendAt(profile: Profile, day: number): number {
  const points = profile.anchors.map(([date, value]) => [dayOf(date), value] as const);
  const first = points[0];
  const last = points.at(-1);
  if (first === undefined || last === undefined) return 0;
  if (day <= first[0]) return first[1];
  if (day >= last[0]) return last[1];
  for (let i = 1; i < points.length; i += 1) {
    const [d0, v0] = points[i - 1] ?? first;
    const [d1, v1] = points[i] ?? last;
    if (day <= d1) return v0 * Math.exp(((day - d0) / (d1 - d0)) * Math.log(v1 / v0));
  }
  return last[1];
}

/** Individuals per admin2 and group in a round (the BA figure; SA locations share it). */
export function areaLatent(seed: number, model: OperationModel, round: RoundPlan): Map<Area, Record<PopulationGroup, number>> {
  const day = dayOf(round.referenceDate);
  const t = yearsOf(day);
  const national = trendAt(model.profile, day) * rngFor(seed, 'national', model.operation.code, round.number).range(0.985, 1.015);
  const drifted = model.areas.map((area) => area.weight * Math.exp(area.drift * t));
  const total = drifted.reduce((sum, value) => sum + value, 0);
  const progress = Math.min(1, Math.max(0, t / 3));
  const latent = new Map<Area, Record<PopulationGroup, number>>();
  model.areas.forEach((area, index) => {
    const noise = rngFor(seed, 'area-round', model.operation.code, area.admin2, round.number).range(0.97, 1.03);
    const idp = (national * (drifted[index] ?? 0) * noise) / total;
    latent.set(area, {
      idp,
      returnee: idp * area.returneeRatio * (0.7 + 0.6 * progress),
      'returnee-abroad': idp * area.abroadRatio * (0.7 + 0.6 * progress),
    });
  });
  return latent;
}

export function placeFigure(seed: number, place: Place, group: PopulationGroup, latent: number, round: RoundPlan, t: number): number {
  const noise = rngFor(seed, 'place-round', place.code, group, round.number).range(0.97, 1.03);
  const share = place.weight / (place.area.placeWeight[group] || 1);
  return latent * SA_COVERAGE * share * Math.exp(place.growth * (t - 1.5)) * noise;
}

// ---------------------------------------------------------------------------------------------
