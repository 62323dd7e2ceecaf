import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { AppError, catalogue, type ErrorCode } from '../core/errors.js';
import { checkConsistency, formatConsistencyFinding, parsePlanDefinition, type ConsistencyInput } from './definition.js';
import { parseFigure } from './definition-readers.js';
import { type PlanDefinitionProblem } from './definition-rules.js';
import { planMessages } from './messages.js';
import type { PlanDefinition } from './types.js';

const repositoryFile = readFileSync(new URL('../../plans/iom-csahel-2021.yaml', import.meta.url), 'utf8');

/** The smallest valid file, as a JS value to be changed per test and written as JSON or YAML. */
function minimal(): Record<string, unknown> {
  return {
    code: 'TEST-2021',
    name: { en: 'Test plan', fr: 'Plan de test' },
    type: 'crisis-response-plan',
    startDate: '2021-01-01',
    endDate: '2021-12-31',
    countries: ['BF', 'ML', 'NE'],
    requirementsUsd: 300,
    peopleTargeted: 1000,
    objectives: [
      {
        name: { en: 'Save lives', fr: 'Sauver des vies' },
        requirementsUsd: 200,
        areas: [
          { code: 'shelter-nfi', name: { en: 'Shelter', fr: 'Abris' }, sectorCode: 'SHL', requirementsUsd: 150 },
          { code: 'health', name: { en: 'Health', fr: 'Santé' }, sectorCode: 'HEA', requirementsUsd: 50 },
        ],
      },
      {
        name: { en: 'Evidence', fr: 'Données' },
        requirementsUsd: 100,
        areas: [{ code: 'dtm', name: { en: 'Displacement Tracking', fr: 'DTM' }, sectorCode: 'DTM', requirementsUsd: 100 }],
      },
    ],
  };
}

type Json = Record<string, unknown>;

function objectiveOf(file: Json, index: number): Json {
  return (file.objectives as Json[])[index] as Json;
}

function areaOf(file: Json, objective: number, area: number): Json {
  return (objectiveOf(file, objective).areas as Json[])[area] as Json;
}

function caught(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

function problemsOf(text: string): PlanDefinitionProblem[] {
  const error = caught(() => parsePlanDefinition(text));
  expect(error.code).toBe('plans.definition.invalid');
  expect(error.status).toBe(422);
  return (error.details as { problems: PlanDefinitionProblem[] }).problems;
}

/** Problems of the minimal file after a change, written as JSON. */
function problemsAfter(change: (file: Json) => void): PlanDefinitionProblem[] {
  const file = minimal();
  change(file);
  return problemsOf(JSON.stringify(file));
}

function parsedAfter(change: (file: Json) => void): PlanDefinition {
  const file = minimal();
  change(file);
  return parsePlanDefinition(stringify(file));
}

function only(problems: PlanDefinitionProblem[]): PlanDefinitionProblem {
  expect(problems).toHaveLength(1);
  const [problem] = problems;
  if (problem === undefined) throw new Error('no problem');
  return problem;
}

describe('the repository plan file (IOM Central Sahel CRP 2021)', () => {
  const plan = parsePlanDefinition(repositoryFile, 'iom-csahel-2021.yaml');

  it('has the plan’s stated figures, as given', () => {
    expect(plan.code).toBe('IOM-CSAHEL-2021');
    expect(plan.type).toBe('crisis-response-plan');
    expect([plan.startDate, plan.endDate]).toEqual(['2021-01-01', '2021-12-31']);
    expect(plan.countries).toEqual(['BF', 'ML', 'NE']);
    expect(plan.requirementsUsd).toBe(68_350_000);
    expect(plan.peopleTargeted).toBe(4_073_000);
    expect(plan.entitiesTargeted).toBe(96);
    expect(plan.targetGroups).toEqual(['idp', 'local-community', 'refugee', 'international-migrant']);
    expect(plan.status).toBe('published');
    expect(plan.countryLines).toEqual([]);
  });

  it('has 4 objectives and 9 activity areas with the figures of the plan', () => {
    expect(plan.objectives.map((objective) => [objective.position, objective.requirementsUsd, objective.peopleTargeted])).toEqual([
      [1, 36_850_000, 880_000],
      [2, 25_550_000, 1_635_000],
      [3, 550_000, 50_000],
      [4, 5_400_000, 1_500_000],
    ]);
    const areas = plan.objectives.flatMap((objective) => objective.areas.map((area) => [objective.position, area.code, area.sectorCode, area.requirementsUsd]));
    expect(areas).toEqual([
      [1, 'shelter-nfi', 'SHL', 28_520_000],
      [1, 'health', 'HEA', 3_600_000],
      [1, 'wash', 'WSH', 2_200_000],
      [1, 'protection', 'PRO', 1_030_000],
      [1, 'mhpss', 'MHP', 1_500_000],
      [2, 'community-stabilization', 'CSS', 20_000_000],
      [2, 'peacebuilding', 'ERY', 5_550_000],
      [3, 'disaster-prevention', 'DRR', 550_000],
      [4, 'displacement-tracking', 'DTM', 5_400_000],
    ]);
    expect(plan.objectives[0]?.name.en).toBe('Save lives and respond to needs through humanitarian assistance and protection');
    expect(plan.objectives[3]?.name.en).toBe('Contribute to an Evidence Based and Efficient Crisis Response System');
    for (const objective of plan.objectives) {
      expect(objective.name.fr.length).toBeGreaterThan(0);
      for (const area of objective.areas) {
        // Not given by the plan: left unknown rather than invented.
        expect(area.peopleTargeted).toBeNull();
        expect(area.entitiesTargeted).toBeNull();
        expect(area.name.fr.length).toBeGreaterThan(0);
      }
    }
  });

  it('adds up: areas to their objective, objectives to the plan', () => {
    for (const objective of plan.objectives) {
      expect(objective.areas.reduce((sum, area) => sum + (area.requirementsUsd ?? 0), 0)).toBe(objective.requirementsUsd);
    }
    expect(plan.objectives.reduce((sum, objective) => sum + (objective.requirementsUsd ?? 0), 0)).toBe(plan.requirementsUsd);
  });

  it('checks as consistent requirements and expected (de-duplicated) people targeted', () => {
    const findings = checkConsistency(plan);
    const planRequirements = findings.find((finding) => finding.scope === 'plan' && finding.measure === 'requirements');
    expect(planRequirements).toMatchObject({ severity: 'ok', statedTotal: 68_350_000, sumOfParts: 68_350_000, difference: 0, code: 'plans.consistency.requirementsMatch' });
    const people = findings.find((finding) => finding.scope === 'plan' && finding.measure === 'people-targeted');
    expect(people).toMatchObject({ severity: 'expected', statedTotal: 4_073_000, sumOfParts: 4_065_000, difference: 8_000, code: 'plans.consistency.peopleDeduplicated' });
    for (const position of [1, 2, 3, 4]) {
      expect(findings.find((finding) => finding.scope === `objective:${position}` && finding.measure === 'requirements')?.severity).toBe('ok');
    }
    // Areas carry no people or entities figures, so those comparisons are skipped, not guessed.
    expect(findings.filter((finding) => finding.measure === 'entities-targeted')).toEqual([]);
    expect(findings.filter((finding) => finding.scope !== 'plan' && finding.measure === 'people-targeted')).toEqual([]);
    expect(findings.some((finding) => finding.severity === 'check')).toBe(false);

    if (people === undefined) throw new Error('no people finding');
    expect(formatConsistencyFinding(people, 'en')).toContain('The plan states 4,073,000 people targeted; its parts add up to 4,065,000 (+8,000)');
    expect(formatConsistencyFinding(people, 'fr')).toMatch(/^Le plan indique 4\s073\s000 personnes ciblées ; ses parties totalisent 4\s065\s000 \(\+8\s000\)/);
  });

  it('reads the same from JSON', () => {
    const asFile = {
      ...plan,
      objectives: plan.objectives.map(({ position: _position, areas, ...objective }) => ({ ...objective, areas: areas.map(({ position: _areaPosition, ...area }) => area) })),
      countryLines: [],
    };
    expect(parsePlanDefinition(JSON.stringify(asFile, null, 2), 'plan.json')).toEqual(plan);
  });
});

describe('parsePlanDefinition accepts', () => {
  it('the minimal file as YAML and as JSON, with defaults for what is left out', () => {
    const plan = parsePlanDefinition(JSON.stringify(minimal()));
    expect(plan.status).toBe('published');
    expect(plan.entitiesTargeted).toBeNull();
    expect(plan.peopleTargetedDescription).toBeNull();
    expect(plan.targetGroups).toEqual([]);
    expect(plan.objectives[1]?.areas[0]).toEqual({
      position: 1,
      code: 'dtm',
      name: { en: 'Displacement Tracking', fr: 'DTM' },
      sectorCode: 'DTM',
      requirementsUsd: 100,
      peopleTargeted: null,
      peopleTargetedDescription: null,
      targetGroups: [],
      entitiesTargeted: null,
    });
    expect(parsePlanDefinition(stringify(minimal()))).toEqual(plan);
  });

  it('country codes in ISO3 or lower case, normalised to ISO2', () => {
    expect(parsedAfter((file) => (file.countries = ['bfa', 'ml', 'NER', 'BF'])).countries).toEqual(['BF', 'ML', 'NE']);
  });

  it('amounts written with thousands separators, and cents', () => {
    const plan = parsedAfter((file) => {
      file.requirementsUsd = '28,520,000';
      objectiveOf(file, 0).requirementsUsd = '28 520 000';
      objectiveOf(file, 1).requirementsUsd = '28\u202F520\u202F000.50';
      areaOf(file, 0, 0).requirementsUsd = 1030000.5;
      file.peopleTargeted = '4,073,000';
    });
    expect(plan.requirementsUsd).toBe(28_520_000);
    expect(plan.objectives[0]?.requirementsUsd).toBe(28_520_000);
    expect(plan.objectives[1]?.requirementsUsd).toBe(28_520_000.5);
    expect(plan.objectives[0]?.areas[0]?.requirementsUsd).toBe(1_030_000.5);
    expect(plan.peopleTargeted).toBe(4_073_000);
  });

  it('target-group aliases, stored once in canonical form', () => {
    const plan = parsedAfter((file) => {
      file.targetGroups = ['IDPs', 'internally displaced persons', 'local population / community', 'refugees', 'international migrants', 'PDI'];
      areaOf(file, 0, 0).targetGroups = ['Communautés d’accueil', 'Réfugiés', 'returnees'];
    });
    expect(plan.targetGroups).toEqual(['idp', 'local-community', 'refugee', 'international-migrant']);
    expect(plan.objectives[0]?.areas[0]?.targetGroups).toEqual(['local-community', 'refugee', 'returnee']);
  });

  it('lower-case plan and sector codes, upper-case area codes, by normalising them', () => {
    const plan = parsedAfter((file) => {
      file.code = 'test-2021';
      areaOf(file, 0, 0).sectorCode = 'shl';
      areaOf(file, 0, 1).code = 'Health';
    });
    expect(plan.code).toBe('TEST-2021');
    expect(plan.objectives[0]?.areas[0]?.sectorCode).toBe('SHL');
    expect(plan.objectives[0]?.areas[1]?.code).toBe('health');
  });

  it('country lines for the plan and for an activity area', () => {
    const plan = parsedAfter((file) => {
      file.countryLines = [
        { country: 'BFA', requirementsUsd: 100 },
        { country: 'BF', activityArea: 'shelter-nfi', requirementsUsd: '50', peopleTargeted: 10 },
      ];
    });
    expect(plan.countryLines).toEqual([
      { country: 'BF', activityAreaCode: null, requirementsUsd: 100, peopleTargeted: null },
      { country: 'BF', activityAreaCode: 'shelter-nfi', requirementsUsd: 50, peopleTargeted: 10 },
    ]);
  });

  it('a file with a byte-order mark, comments and a few YAML anchors', () => {
    const text = `\uFEFF# a plan
code: TEST-2021
name: &name { en: Test plan, fr: Plan de test }
type: other
startDate: 2021-01-01
endDate: 2021-01-01
countries: [NE]
objectives:
  - name: *name
    areas: []
`;
    const plan = parsePlanDefinition(text);
    expect(plan.objectives[0]?.name).toEqual({ en: 'Test plan', fr: 'Plan de test' });
    expect(plan.requirementsUsd).toBeNull();
  });
});

describe('parsePlanDefinition refuses, with the path of each problem', () => {
  const cases: Array<[string, (file: Json) => void, string, ErrorCode]> = [
    ['a malformed plan code', (file) => (file.code = 'IOM CSAHEL'), 'code', 'plans.definition.codeInvalid'],
    ['a plan code too long', (file) => (file.code = 'A'.repeat(41)), 'code', 'plans.definition.codeInvalid'],
    ['a missing code', (file) => delete file.code, 'code', 'plans.definition.missing'],
    ['a missing French name', (file) => (file.name = { en: 'Plan' }), 'name.fr', 'plans.definition.missing'],
    ['an empty English name', (file) => (file.name = { en: '  ', fr: 'Plan' }), 'name.en', 'plans.definition.missing'],
    ['a name over 300 characters', (file) => (file.name = { en: 'x'.repeat(301), fr: 'Plan' }), 'name.en', 'plans.definition.textTooLong'],
    ['a name that is not text', (file) => (file.name = { en: 12, fr: 'Plan' }), 'name.en', 'plans.definition.notText'],
    ['a name without languages', (file) => (file.name = 'Plan'), 'name', 'plans.definition.notMapping'],
    ['an unknown plan type', (file) => (file.type = 'crisis'), 'type', 'plans.definition.notAllowed'],
    ['an unknown status', (file) => (file.status = 'final'), 'status', 'plans.definition.notAllowed'],
    ['an impossible date', (file) => (file.startDate = '2021-02-30'), 'startDate', 'plans.definition.dateInvalid'],
    ['a date in another format', (file) => (file.startDate = '01/01/2021'), 'startDate', 'plans.definition.dateInvalid'],
    ['an end before the start', (file) => (file.endDate = '2020-12-31'), 'endDate', 'plans.definition.dateOrder'],
    ['an unknown country', (file) => (file.countries = ['BF', 'XX']), 'countries[1]', 'plans.definition.countryInvalid'],
    ['no country', (file) => (file.countries = []), 'countries', 'plans.definition.listEmpty'],
    ['countries as text', (file) => (file.countries = 'BF, ML'), 'countries', 'plans.definition.notList'],
    ['an amount that is not a number', (file) => (areaOf(file, 0, 0).requirementsUsd = 'abc'), 'objectives[0].areas[0].requirementsUsd', 'plans.definition.amountInvalid'],
    ['a negative amount', (file) => (areaOf(file, 1, 0).requirementsUsd = -5), 'objectives[1].areas[0].requirementsUsd', 'plans.definition.numberNegative'],
    ['a negative amount in text', (file) => (file.requirementsUsd = '-1,000'), 'requirementsUsd', 'plans.definition.numberNegative'],
    ['an amount with a decimal comma', (file) => (file.requirementsUsd = '28,5'), 'requirementsUsd', 'plans.definition.amountInvalid'],
    ['an amount with mixed separators', (file) => (file.requirementsUsd = '28,520 000'), 'requirementsUsd', 'plans.definition.amountInvalid'],
    ['an amount with dots for thousands', (file) => (file.requirementsUsd = '28.520.000'), 'requirementsUsd', 'plans.definition.amountInvalid'],
    ['an amount with fractions of a cent', (file) => (file.requirementsUsd = 10.125), 'requirementsUsd', 'plans.definition.amountInvalid'],
    ['an amount past the limit', (file) => (objectiveOf(file, 0).requirementsUsd = 1e14), 'objectives[0].requirementsUsd', 'plans.definition.numberTooLarge'],
    ['an amount as true/false', (file) => (file.requirementsUsd = true), 'requirementsUsd', 'plans.definition.amountInvalid'],
    ['a fraction of a person', (file) => (file.peopleTargeted = 1.5), 'peopleTargeted', 'plans.definition.countInvalid'],
    ['negative people', (file) => (objectiveOf(file, 1).peopleTargeted = -1), 'objectives[1].peopleTargeted', 'plans.definition.numberNegative'],
    ['a fraction of an entity', (file) => (areaOf(file, 0, 1).entitiesTargeted = '2.5'), 'objectives[0].areas[1].entitiesTargeted', 'plans.definition.countInvalid'],
    ['an unknown sector', (file) => (areaOf(file, 0, 1).sectorCode = 'WASH'), 'objectives[0].areas[1].sectorCode', 'plans.definition.notAllowed'],
    ['a missing sector', (file) => delete areaOf(file, 0, 1).sectorCode, 'objectives[0].areas[1].sectorCode', 'plans.definition.missing'],
    ['an unknown target group', (file) => (file.targetGroups = ['idp', 'tourists']), 'targetGroups[1]', 'plans.definition.notAllowed'],
    ['a target group that is not text', (file) => (areaOf(file, 0, 0).targetGroups = [{ idp: true }]), 'objectives[0].areas[0].targetGroups[0]', 'plans.definition.notAllowed'],
    ['an area code with spaces', (file) => (areaOf(file, 0, 0).code = 'shelter nfi'), 'objectives[0].areas[0].code', 'plans.definition.areaCodeInvalid'],
    ['a duplicate area code', (file) => (areaOf(file, 1, 0).code = 'health'), 'objectives[1].areas[0].code', 'plans.definition.areaCodeDuplicate'],
    ['an area without a name', (file) => delete areaOf(file, 1, 0).name, 'objectives[1].areas[0].name', 'plans.definition.missing'],
    ['an objective that is not a mapping', (file) => ((file.objectives as unknown[])[1] = 'Evidence'), 'objectives[1]', 'plans.definition.notMapping'],
    ['a misspelt key, with a suggestion', (file) => (objectiveOf(file, 0).requirementUsd = 5), 'objectives[0].requirementUsd', 'plans.definition.unknownKeySuggestion'],
    ['an unknown key', (file) => (file.donors = ['ECHO']), 'donors', 'plans.definition.unknownKey'],
    ['a country line for an unknown area', (file) => (file.countryLines = [{ country: 'BF', activityArea: 'wash' }]), 'countryLines[0].activityArea', 'plans.definition.areaUnknown'],
    ['a country line outside the plan', (file) => (file.countryLines = [{ country: 'SN' }]), 'countryLines[0].country', 'plans.definition.countryNotInPlan'],
    [
      'a duplicate country line',
      (file) => (file.countryLines = [{ country: 'BF', activityArea: 'health' }, { country: 'bfa', activityArea: 'HEALTH' }]),
      'countryLines[1]',
      'plans.definition.countryLineDuplicate',
    ],
    ['too many objectives', (file) => (file.objectives = Array.from({ length: 201 }, () => objectiveOf(minimal(), 1))), 'objectives', 'plans.definition.tooMany'],
    [
      'too many activity areas in all',
      (file) =>
        (file.objectives = [0, 1].map((objective) => ({
          name: { en: 'O', fr: 'O' },
          areas: Array.from({ length: 1001 }, (_, index) => ({ code: `a-${objective}-${index}`, name: { en: 'A', fr: 'A' }, sectorCode: 'OTH' })),
        }))),
      'objectives',
      'plans.definition.tooManyAreas',
    ],
  ];

  it.each(cases)('%s', (_label, change, path, code) => {
    const problem = only(problemsAfter(change));
    expect(problem).toMatchObject({ path, code });
    expect(problem.message).toBe(problem.message.trim());
    expect(catalogue[problem.code]).toBeDefined();
  });

  it('collects every problem of the file at once, each with its line', () => {
    const text = `code: TEST-2021
name: { en: Test, fr: Test }
type: crisis
startDate: 2021-01-01
endDate: 2021-12-31
countries: [BF, ZZZ]
objectives:
  - name: { en: A, fr: A }
    requirementsUsd: abc
    areas:
      - code: wash
        name: { en: WASH, fr: EHA }
        sectorCode: WSH
        peopleTarget: 10
`;
    const problems = problemsOf(text);
    expect(problems.map((problem) => [problem.path, problem.line, problem.code])).toEqual([
      ['type', 3, 'plans.definition.notAllowed'],
      ['countries[1]', 6, 'plans.definition.countryInvalid'],
      ['objectives[0].areas[0].peopleTarget', 14, 'plans.definition.unknownKeySuggestion'],
      ['objectives[0].requirementsUsd', 9, 'plans.definition.amountInvalid'],
    ]);
    const error = caught(() => parsePlanDefinition(text));
    expect(error.params).toEqual({ count: 4, detail: 'type', line: 3 });
    expect(error.message).toBe('The plan definition has 4 problem(s); nothing was stored. The first is at type, line 3; see the list of problems.');
    expect(error.localisedMessage('fr')).toContain('4 problème(s)');
    expect(problems[2]?.params).toEqual({ key: 'peopleTarget', suggestion: 'peopleTargeted' });
  });

  it('refuses NaN and infinities written in YAML', () => {
    const text = stringify(minimal()).replace('requirementsUsd: 300', 'requirementsUsd: .nan').replace('peopleTargeted: 1000', 'peopleTargeted: .inf');
    expect(problemsOf(text).map((problem) => [problem.path, problem.code])).toEqual([
      ['requirementsUsd', 'plans.definition.amountInvalid'],
      ['peopleTargeted', 'plans.definition.countInvalid'],
    ]);
  });

  it('does not read keys through the prototype (__proto__)', () => {
    const problems = problemsOf(`${stringify(minimal())}__proto__: { entitiesTargeted: 5 }\n`);
    expect(problems.map((problem) => problem.code)).toEqual(['plans.definition.unknownKey']);
  });

  it('refuses a document that is not a mapping', () => {
    expect(only(problemsOf('- a\n- b\n'))).toMatchObject({ path: '', line: 1, code: 'plans.definition.notMapping' });
  });

  it('lists at most 100 problems but counts them all', () => {
    const file = minimal();
    file.countries = Array.from({ length: 50 }, () => 'XX');
    file.targetGroups = Array.from({ length: 20 }, () => 'nobody');
    objectiveOf(file, 0).areas = Array.from({ length: 60 }, (_, index) => ({ code: `a${index}`, name: { en: 'A', fr: 'A' }, sectorCode: 'NOPE' }));
    const error = caught(() => parsePlanDefinition(JSON.stringify(file)));
    const details = error.details as { problems: unknown[]; problemCount: number; truncated: boolean };
    expect(details.problems).toHaveLength(100);
    expect(details.problemCount).toBe(130);
    expect(details.truncated).toBe(true);
  });
});

describe('parsePlanDefinition refuses files it cannot read', () => {
  it('malformed YAML, with the line', () => {
    const error = caught(() => parsePlanDefinition('code: TEST\nname: [en, fr\ntype: other\n', 'plan.yaml'));
    expect(error.code).toBe('plans.definition.malformed');
    expect(error.params.line).toBe(3);
    expect(error.details).toMatchObject({ file: 'plan.yaml' });
  });

  it('malformed JSON, with the line', () => {
    const error = caught(() => parsePlanDefinition('{\n  "code": "TEST",\n  "name": {"en": "A" "fr": "B"}\n}'));
    expect(error.code).toBe('plans.definition.malformed');
    expect(error.params.line).toBe(3);
  });

  it('a key given twice', () => {
    const error = caught(() => parsePlanDefinition(`${stringify(minimal())}code: OTHER\n`));
    expect(error.code).toBe('plans.definition.malformed');
    expect(error.params.line).toBeGreaterThan(1);
  });

  it('an alias without its anchor', () => {
    const error = caught(() => parsePlanDefinition('code: TEST\nname: *missing\n'));
    expect(error.code).toBe('plans.definition.malformed');
    expect(error.params.line).toBe(2);
  });

  it('an empty file and several documents', () => {
    expect(caught(() => parsePlanDefinition('')).code).toBe('plans.definition.empty');
    expect(caught(() => parsePlanDefinition('# nothing but a comment\n')).code).toBe('plans.definition.empty');
    const several = caught(() => parsePlanDefinition('code: A1\n---\ncode: B2\n'));
    expect(several.code).toBe('plans.definition.multipleDocuments');
    expect(several.params.line).toBe(2);
  });

  it('a YAML alias bomb ("billion laughs"), without expanding it', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 10; level += 1) {
      const name = String.fromCharCode(97 + level);
      const previous = String.fromCharCode(96 + level);
      levels.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(',')}]`);
    }
    const error = caught(() => parsePlanDefinition(levels.join('\n')));
    expect(error.code).toBe('plans.definition.tooComplex');
  });

  it('nesting deep enough to exhaust the parser’s stack, without crashing', () => {
    const depth = 20_000;
    expect(caught(() => parsePlanDefinition(`${'['.repeat(depth)}${']'.repeat(depth)}`)).code).toBe('plans.definition.tooComplex');
    expect(caught(() => parsePlanDefinition(`${'- '.repeat(depth)}x\n`)).code).toBe('plans.definition.tooComplex');
  });

  it('a file over 2 MiB', () => {
    const error = caught(() => parsePlanDefinition(`# ${'x'.repeat(2_097_152)}\n`));
    expect(error.code).toBe('plans.definition.tooLarge');
    expect(error.status).toBe(413);
  });
});

describe('parseFigure', () => {
  it.each([
    [28_520_000, 'amount', 28_520_000],
    ['28,520,000', 'amount', 28_520_000],
    ['28 520 000', 'amount', 28_520_000],
    ['28\u00A0520\u00A0000', 'count', 28_520_000],
    ['1,030,000.50', 'amount', 1_030_000.5],
    ['0', 'count', 0],
    ['', 'amount', undefined],
    ['abc', 'amount', undefined],
    ['1,0000', 'amount', undefined],
    ['12.5', 'count', undefined],
    [Number.NaN, 'amount', undefined],
    [Number.POSITIVE_INFINITY, 'amount', undefined],
    ['-5', 'amount', -5],
  ] as const)('%j as %s → %j', (value, kind, expected) => {
    expect(parseFigure(value, kind)).toBe(expected);
  });
});

describe('checkConsistency', () => {
  const base: ConsistencyInput = {
    requirementsUsd: 300,
    peopleTargeted: 100,
    entitiesTargeted: 5,
    objectives: [
      { position: 1, requirementsUsd: 200, peopleTargeted: 60, areas: [{ requirementsUsd: 150, peopleTargeted: 40, entitiesTargeted: 3 }, { requirementsUsd: 50, peopleTargeted: 30, entitiesTargeted: 3 }] },
      { position: 2, requirementsUsd: 90, peopleTargeted: 50, areas: [{ requirementsUsd: 90, peopleTargeted: 50, entitiesTargeted: null }] },
    ],
  };

  it('flags requirements that do not add up for a check, people and entities as expected', () => {
    const findings = checkConsistency(base);
    expect(findings.map((finding) => [finding.scope, finding.measure, finding.severity, finding.difference])).toEqual([
      ['plan', 'requirements', 'check', 10],
      ['plan', 'people-targeted', 'expected', -10],
      ['objective:1', 'requirements', 'ok', 0],
      ['objective:1', 'people-targeted', 'expected', -10],
      ['objective:2', 'requirements', 'ok', 0],
      ['objective:2', 'people-targeted', 'ok', 0],
    ]);
    const differ = findings[0];
    if (differ === undefined) throw new Error('no finding');
    expect(differ.code).toBe('plans.consistency.requirementsDiffer');
    expect(formatConsistencyFinding(differ, 'en')).toMatch(/^The plan states 300 USD; its parts add up to 290 USD \(\+10\)/);
    expect(formatConsistencyFinding({ ...differ, scope: 'objective:2', difference: -10 }, 'fr')).toMatch(/^L’objectif 2 indique 300 USD ; ses parties totalisent 290 USD \(-10\)/);
  });

  it('compares entities with all activity areas when each has a figure', () => {
    const findings = checkConsistency({ ...base, objectives: base.objectives.slice(0, 1) });
    expect(findings.find((finding) => finding.measure === 'entities-targeted')).toMatchObject({ scope: 'plan', statedTotal: 5, sumOfParts: 6, difference: -1, severity: 'expected' });
  });

  it('skips comparisons with an unknown total or part, or no parts', () => {
    expect(checkConsistency({ requirementsUsd: null, peopleTargeted: null, entitiesTargeted: null, objectives: base.objectives })).toHaveLength(4);
    expect(checkConsistency({ ...base, objectives: [] })).toEqual([]);
    const unknownPart = checkConsistency({ ...base, objectives: [{ ...base.objectives[0]!, requirementsUsd: null }, base.objectives[1]!] });
    expect(unknownPart.some((finding) => finding.scope === 'plan' && finding.measure === 'requirements')).toBe(false);
  });

  it('adds amounts in cents (0.1 + 0.2 = 0.3)', () => {
    const findings = checkConsistency({
      requirementsUsd: 0.3,
      peopleTargeted: null,
      entitiesTargeted: null,
      objectives: [
        { position: 1, requirementsUsd: 0.1, peopleTargeted: null, areas: [] },
        { position: 2, requirementsUsd: 0.2, peopleTargeted: null, areas: [] },
      ],
    });
    expect(findings).toEqual([expect.objectContaining({ severity: 'ok', difference: 0 })]);
  });

  it('never throws, gives difference = statedTotal − sumOfParts, and never marks people or entities for a check', () => {
    const figure = (max: number) => fc.option(fc.double({ min: 0, max, noNaN: true, noDefaultInfinity: true }), { nil: null });
    const count = (max: number) => fc.option(fc.integer({ min: 0, max }), { nil: null });
    const area = fc.record({ requirementsUsd: figure(1e13), peopleTargeted: count(1e9), entitiesTargeted: count(1_000) });
    const objective = fc.record({ position: fc.integer({ min: 1, max: 200 }), requirementsUsd: figure(1e13), peopleTargeted: count(1e9), areas: fc.array(area, { maxLength: 6 }) });
    const plan = fc.record({ requirementsUsd: figure(1e13), peopleTargeted: count(1e10), entitiesTargeted: count(10_000), objectives: fc.array(objective, { maxLength: 6 }) });
    fc.assert(
      fc.property(plan, (input) => {
        for (const finding of checkConsistency(input)) {
          expect(finding.difference).toBe(finding.statedTotal - finding.sumOfParts);
          expect(finding.severity === 'ok').toBe(finding.difference === 0);
          if (finding.measure !== 'requirements') expect(finding.severity).not.toBe('check');
          expect(Object.hasOwn(planMessages, finding.code)).toBe(true);
        }
      }),
    );
  });

  it('finds every stated figure of a plan consistent with itself when parts are summed exactly', () => {
    const area = fc.record({ requirementsUsd: fc.integer({ min: 0, max: 1e9 }), peopleTargeted: fc.integer({ min: 0, max: 1e6 }), entitiesTargeted: fc.integer({ min: 0, max: 100 }) });
    fc.assert(
      fc.property(fc.array(fc.array(area, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }), (groups) => {
        const objectives = groups.map((areas, index) => ({
          position: index + 1,
          requirementsUsd: areas.reduce((sum, item) => sum + item.requirementsUsd, 0),
          peopleTargeted: areas.reduce((sum, item) => sum + item.peopleTargeted, 0),
          areas,
        }));
        const findings = checkConsistency({
          requirementsUsd: objectives.reduce((sum, item) => sum + item.requirementsUsd, 0),
          peopleTargeted: objectives.reduce((sum, item) => sum + item.peopleTargeted, 0),
          entitiesTargeted: groups.flat().reduce((sum, item) => sum + item.entitiesTargeted, 0),
          objectives,
        });
        expect(findings.every((finding) => finding.severity === 'ok')).toBe(true);
      }),
    );
  });
});

describe('plan catalogue entries', () => {
  it('are merged into the one catalogue', () => {
    for (const [code, entry] of Object.entries(planMessages)) expect(catalogue[code as ErrorCode]).toBe(entry);
  });
});
