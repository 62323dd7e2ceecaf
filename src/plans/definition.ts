/**
 * Plan definition files: a response plan (objectives, activity areas, figures) written by hand as
 * YAML — or JSON, which YAML reads too — and kept in the repository (plans/*.yaml) or uploaded.
 * Pure functions: text in, a checked PlanDefinition or one catalogued AppError out. The layout is
 * documented for plan authors in docs/plan-definition.md:
 *
 *   code: IOM-CSAHEL-2021            # ^[A-Z0-9][A-Z0-9-]{1,39}$ (lower case is upper-cased)
 *   name: { en: …, fr: … }           # both languages, ≤ 300 characters
 *   type: crisis-response-plan       # PLAN_TYPES
 *   startDate: 2021-01-01            # YYYY-MM-DD; endDate ≥ startDate
 *   endDate: 2021-12-31
 *   countries: [BF, ML, NE]          # ISO2 or ISO3, any case; at least one
 *   status: published                # optional: draft | published (default) | archived
 *   requirementsUsd: 68350000        # optional figures: number, "68,350,000", "68 350 000" or null
 *   peopleTargeted: 4073000          # stored as given, never summed (de-duplicated)
 *   peopleTargetedDescription: …
 *   entitiesTargeted: 96
 *   targetGroups: [idp, local-community, refugee, international-migrant]   # aliases accepted
 *   objectives:                      # position = order in the file, from 1
 *     - name: { en: …, fr: … }       # ≤ 500 characters, as the database allows
 *       requirementsUsd: …
 *       peopleTargeted: …
 *       peopleTargetedDescription: …
 *       areas:
 *         - code: shelter-nfi        # lower-case slug, unique in the plan
 *           name: { en: …, fr: … }
 *           sectorCode: SHL          # SECTOR_CODES
 *           requirementsUsd: …
 *           peopleTargeted: …
 *           peopleTargetedDescription: …
 *           targetGroups: […]
 *           entitiesTargeted: …
 *   countryLines:                    # optional; activityArea absent = a line of the whole plan
 *     - { country: BF, activityArea: shelter-nfi, requirementsUsd: …, peopleTargeted: … }
 *
 * Every problem is collected (path + line + catalogue code) so that an author fixes the file in
 * one pass; unknown keys are refused because a misspelt key would otherwise drop a figure silently.
 */
import { AppError, formatMessage, type Language } from '../core/errors.js';
import { planMessages, type PlanMessageCode } from './messages.js';
import { PLAN_TYPES, SECTOR_CODES, TARGET_GROUPS, type ActivityAreaDefinition, type ConsistencyFinding, type CountryLineDefinition, type ObjectiveDefinition, type PlanDefinition, type PlanType, type SectorCode, type TargetGroup } from './types.js';
import { AREA_CODE, AREA_KEYS, COUNTRY_LINE_KEYS, PLAN_DEFINITION_LIMITS, OBJECTIVE_KEYS, PLAN_CODE, PLAN_KEYS, PLAN_STATUSES, TARGET_GROUP_ALIASES, aliasKey, type PlanDefinitionProblem, type PlanStatus } from './definition-rules.js';
import { Problems, formatPath, lineOf, readYaml, type Segment } from './definition-yaml.js';
import { Reader, echo, isAbsent, own, type Mapping } from './definition-readers.js';

const L = PLAN_DEFINITION_LIMITS;

// The plan
// ---------------------------------------------------------------------------------------------

function targetGroups(reader: Reader, mapping: Mapping, at: readonly Segment[]): TargetGroup[] {
  const items = reader.list(mapping, 'targetGroups', at, L.maxTargetGroups) ?? [];
  const groups: TargetGroup[] = [];
  items.forEach((item, index) => {
    const where = [...at, 'targetGroups', index];
    if (typeof item !== 'string' || item.trim() === '') {
      reader.problems.add(where, 'plans.definition.notAllowed', { value: echo(item), expected: TARGET_GROUPS.join(', ') });
      return;
    }
    const group = TARGET_GROUP_ALIASES.get(aliasKey(item));
    if (group === undefined) reader.problems.add(where, 'plans.definition.notAllowed', { value: item, expected: TARGET_GROUPS.join(', ') });
    // "IDPs" and "PDI" in one list name one group: keep it once.
    else if (!groups.includes(group)) groups.push(group);
  });
  return groups;
}

function readPlan(value: unknown, problems: Problems): PlanDefinition {
  const reader = new Reader(problems);
  const root = reader.mapping(value, [], PLAN_KEYS);
  if (root === undefined) return emptyPlan();

  const codeText = reader.text(own(root, 'code'), ['code'], { required: true, limit: 200 });
  const code = codeText.toUpperCase();
  if (codeText !== '' && !PLAN_CODE.test(code)) problems.add(['code'], 'plans.definition.codeInvalid', { value: codeText });

  const name = reader.name(root, [], L.planNameChars);
  const type = reader.oneOf<PlanType>(own(root, 'type'), ['type'], PLAN_TYPES, (text) => text.toLowerCase());
  const startDate = reader.date(root, 'startDate', []);
  const endDate = reader.date(root, 'endDate', []);
  if (startDate !== undefined && endDate !== undefined && endDate < startDate) {
    problems.add(['endDate'], 'plans.definition.dateOrder', { start: startDate, end: endDate });
  }

  const countries: string[] = [];
  (reader.list(root, 'countries', [], L.maxCountries, true) ?? []).forEach((item, index) => {
    const country = reader.country(item, ['countries', index]);
    if (country !== undefined && !countries.includes(country)) countries.push(country);
  });

  const statusValue = own(root, 'status');
  const status: PlanStatus = isAbsent(statusValue) ? 'published' : (reader.oneOf<PlanStatus>(statusValue, ['status'], PLAN_STATUSES, (text) => text.toLowerCase()) ?? 'draft');

  const objectives: ObjectiveDefinition[] = [];
  const areaPaths = new Map<string, string>();
  let areaCount = 0;
  (reader.list(root, 'objectives', [], L.maxObjectives) ?? []).forEach((item, index) => {
    const at: Segment[] = ['objectives', index];
    const objective = reader.mapping(item, at, OBJECTIVE_KEYS);
    if (objective === undefined) return;
    const areas: ActivityAreaDefinition[] = [];
    const areaItems = reader.list(objective, 'areas', at, L.maxAreas) ?? [];
    areaCount += areaItems.length;
    if (areaCount > L.maxAreas) return; // reported once, below; the rest is not read
    areaItems.forEach((areaItem, areaIndex) => {
      const area = readArea(reader, areaItem, [...at, 'areas', areaIndex], areaPaths);
      if (area !== undefined) areas.push({ ...area, position: areaIndex + 1 });
    });
    objectives.push({
      position: index + 1,
      name: reader.name(objective, at, L.objectiveNameChars),
      requirementsUsd: reader.figure(objective, 'requirementsUsd', at, 'amount', L.maxAmountUsd),
      peopleTargeted: reader.figure(objective, 'peopleTargeted', at, 'count', L.maxPeople),
      peopleTargetedDescription: reader.optionalText(objective, 'peopleTargetedDescription', at, L.descriptionChars),
      areas,
    });
  });
  if (areaCount > L.maxAreas) problems.add(['objectives'], 'plans.definition.tooManyAreas', { count: areaCount, limit: L.maxAreas });

  const countryLines: CountryLineDefinition[] = [];
  const linePaths = new Map<string, string>();
  (reader.list(root, 'countryLines', [], L.maxCountryLines) ?? []).forEach((item, index) => {
    const at: Segment[] = ['countryLines', index];
    const line = reader.mapping(item, at, COUNTRY_LINE_KEYS);
    if (line === undefined) return;
    const country = reader.country(own(line, 'country'), [...at, 'country']);
    if (country !== undefined && countries.length > 0 && !countries.includes(country)) {
      problems.add([...at, 'country'], 'plans.definition.countryNotInPlan', { value: country, countries: countries.join(', ') });
    }
    const areaText = reader.text(own(line, 'activityArea'), [...at, 'activityArea'], { required: false, limit: 200 }).toLowerCase();
    const activityAreaCode = areaText === '' ? null : areaText;
    if (activityAreaCode !== null && !areaPaths.has(activityAreaCode) && areaCount <= L.maxAreas) {
      problems.add([...at, 'activityArea'], 'plans.definition.areaUnknown', { value: activityAreaCode });
    }
    if (country !== undefined) {
      const key = `${activityAreaCode ?? ''}\u0000${country}`;
      const first = linePaths.get(key);
      if (first !== undefined) problems.add(at, 'plans.definition.countryLineDuplicate', { firstPath: first });
      else linePaths.set(key, formatPath(at));
    }
    countryLines.push({
      country: country ?? '',
      activityAreaCode,
      requirementsUsd: reader.figure(line, 'requirementsUsd', at, 'amount', L.maxAmountUsd),
      peopleTargeted: reader.figure(line, 'peopleTargeted', at, 'count', L.maxPeople),
    });
  });

  return {
    code,
    name,
    type: type ?? 'other',
    startDate: startDate ?? '',
    endDate: endDate ?? '',
    countries,
    status,
    requirementsUsd: reader.figure(root, 'requirementsUsd', [], 'amount', L.maxAmountUsd),
    peopleTargeted: reader.figure(root, 'peopleTargeted', [], 'count', L.maxPeople),
    peopleTargetedDescription: reader.optionalText(root, 'peopleTargetedDescription', [], L.descriptionChars),
    entitiesTargeted: reader.figure(root, 'entitiesTargeted', [], 'count', L.maxEntities),
    targetGroups: targetGroups(reader, root, []),
    objectives,
    countryLines,
  };
}

function readArea(reader: Reader, value: unknown, at: readonly Segment[], areaPaths: Map<string, string>): Omit<ActivityAreaDefinition, 'position'> | undefined {
  const area = reader.mapping(value, at, AREA_KEYS);
  if (area === undefined) return undefined;
  const codeText = reader.text(own(area, 'code'), [...at, 'code'], { required: true, limit: 200 });
  const code = codeText.toLowerCase();
  if (codeText !== '') {
    if (!AREA_CODE.test(code)) reader.problems.add([...at, 'code'], 'plans.definition.areaCodeInvalid', { value: codeText });
    else {
      const first = areaPaths.get(code);
      if (first !== undefined) reader.problems.add([...at, 'code'], 'plans.definition.areaCodeDuplicate', { value: code, firstPath: first });
      else areaPaths.set(code, formatPath(at));
    }
  }
  const sectorCode = reader.oneOf<SectorCode>(own(area, 'sectorCode'), [...at, 'sectorCode'], SECTOR_CODES, (text) => text.toUpperCase());
  return {
    code,
    name: reader.name(area, at, L.areaNameChars),
    sectorCode: sectorCode ?? 'OTH',
    requirementsUsd: reader.figure(area, 'requirementsUsd', at, 'amount', L.maxAmountUsd),
    peopleTargeted: reader.figure(area, 'peopleTargeted', at, 'count', L.maxPeople),
    peopleTargetedDescription: reader.optionalText(area, 'peopleTargetedDescription', at, L.descriptionChars),
    targetGroups: targetGroups(reader, area, at),
    entitiesTargeted: reader.figure(area, 'entitiesTargeted', at, 'count', L.maxEntities),
  };
}

function emptyPlan(): PlanDefinition {
  return {
    code: '',
    name: { en: '', fr: '' },
    type: 'other',
    startDate: '',
    endDate: '',
    countries: [],
    status: 'draft',
    requirementsUsd: null,
    peopleTargeted: null,
    peopleTargetedDescription: null,
    entitiesTargeted: null,
    targetGroups: [],
    objectives: [],
    countryLines: [],
  };
}

/**
 * Reads a plan definition (YAML or JSON text). Throws `plans.definition.tooLarge`, `.tooComplex`,
 * `.malformed` (with line and column), `.multipleDocuments`, `.empty`, or `.invalid` with every
 * problem in `details.problems` (PlanDefinitionProblem[], at most 100; `details.problemCount` is
 * the full count).
 */
export function parsePlanDefinition(text: string, fileName?: string): PlanDefinition {
  const read = readYaml(text, fileName);
  const problems = new Problems();
  const plan = readPlan(read.value, problems);
  if (problems.count === 0) return plan;

  const listed: PlanDefinitionProblem[] = problems.list.map((problem) => ({
    path: formatPath(problem.segments),
    line: lineOf(read, problem.segments),
    code: problem.code,
    params: problem.params,
    message: formatMessage(problem.code, 'en', problem.params),
  }));
  const first = listed[0];
  const detail = first === undefined || first.path === '' ? '/' : first.path;
  throw new AppError(
    'plans.definition.invalid',
    { count: problems.count, detail, line: first?.line ?? 1 },
    { details: { file: fileName ?? null, problems: listed, problemCount: problems.count, truncated: problems.count > listed.length } },
  );
}

// ---------------------------------------------------------------------------------------------
// Consistency of stated totals with their parts
// ---------------------------------------------------------------------------------------------

/** The figures checkConsistency needs: a PlanDefinition fits, and so do rows read from the database. */
export interface ConsistencyInput {
  requirementsUsd: number | null;
  peopleTargeted: number | null;
  entitiesTargeted: number | null;
  objectives: ReadonlyArray<{
    position: number;
    requirementsUsd: number | null;
    peopleTargeted: number | null;
    areas: ReadonlyArray<{ requirementsUsd: number | null; peopleTargeted: number | null; entitiesTargeted: number | null }>;
  }>;
}

type Measure = ConsistencyFinding['measure'];

const FINDING_CODES: Record<Measure, { same: PlanMessageCode; differ: PlanMessageCode; severity: 'expected' | 'check' }> = {
  requirements: { same: 'plans.consistency.requirementsMatch', differ: 'plans.consistency.requirementsDiffer', severity: 'check' },
  // De-duplicated figures: a gap between whole and parts is how they are made, not a mistake.
  'people-targeted': { same: 'plans.consistency.peopleMatch', differ: 'plans.consistency.peopleDeduplicated', severity: 'expected' },
  'entities-targeted': { same: 'plans.consistency.entitiesMatch', differ: 'plans.consistency.entitiesDeduplicated', severity: 'expected' },
};

function sumOf(parts: ReadonlyArray<number | null>, measure: Measure): number | null {
  if (parts.length === 0) return null;
  let total = 0;
  for (const part of parts) {
    if (part === null) return null;
    // Amounts are added in cents so that 0.1 + 0.2 equals a stated 0.3.
    total += measure === 'requirements' ? Math.round(part * 100) : part;
  }
  return measure === 'requirements' ? total / 100 : total;
}

function compare(scope: string, measure: Measure, stated: number | null, parts: ReadonlyArray<number | null>): ConsistencyFinding | undefined {
  if (stated === null) return undefined;
  const sumOfParts = sumOf(parts, measure);
  if (sumOfParts === null) return undefined;
  const difference = stated - sumOfParts;
  const codes = FINDING_CODES[measure];
  return difference === 0
    ? { scope, measure, statedTotal: stated, sumOfParts, difference, severity: 'ok', code: codes.same }
    : { scope, measure, statedTotal: stated, sumOfParts, difference, severity: codes.severity, code: codes.differ };
}

/**
 * Compares each stated total with the sum of its parts: plan requirements with the objectives',
 * each objective's with its activity areas', and the same for people and entities targeted. A
 * comparison is skipped when the total, or any part, is unknown (null), or there are no parts.
 * Nothing is changed: totals stay as stated, findings only inform the reader.
 */
export function checkConsistency(plan: ConsistencyInput): ConsistencyFinding[] {
  const findings: Array<ConsistencyFinding | undefined> = [];
  const allAreas = plan.objectives.flatMap((objective) => objective.areas);
  findings.push(
    compare('plan', 'requirements', plan.requirementsUsd, plan.objectives.map((objective) => objective.requirementsUsd)),
    compare('plan', 'people-targeted', plan.peopleTargeted, plan.objectives.map((objective) => objective.peopleTargeted)),
    compare('plan', 'entities-targeted', plan.entitiesTargeted, allAreas.map((area) => area.entitiesTargeted)),
  );
  for (const objective of plan.objectives) {
    const scope = `objective:${objective.position}`;
    findings.push(
      compare(scope, 'requirements', objective.requirementsUsd, objective.areas.map((area) => area.requirementsUsd)),
      compare(scope, 'people-targeted', objective.peopleTargeted, objective.areas.map((area) => area.peopleTargeted)),
    );
  }
  return findings.filter((finding): finding is ConsistencyFinding => finding !== undefined);
}

function isPlanMessageCode(code: string): code is PlanMessageCode {
  return Object.hasOwn(planMessages, code);
}

/** A finding as a sentence in the user's language, figures written the way that language does. */
export function formatConsistencyFinding(finding: ConsistencyFinding, language: Language): string {
  const locale = language === 'fr' ? 'fr-FR' : 'en-US';
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const signed = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, signDisplay: 'exceptZero' });
  const objective = /^objective:(\d+)$/.exec(finding.scope);
  const scope =
    objective === null
      ? formatMessage('plans.consistency.scopePlan', language)
      : formatMessage('plans.consistency.scopeObjective', language, { position: objective[1] ?? '' });
  const code = isPlanMessageCode(finding.code) ? finding.code : 'plans.consistency.requirementsDiffer';
  return formatMessage(code, language, {
    scope,
    stated: number.format(finding.statedTotal),
    sum: number.format(finding.sumOfParts),
    difference: signed.format(finding.difference),
  });
}
