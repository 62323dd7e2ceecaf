/**
 * The assistance registry demo: about 150 synthetic households registered by three of the
 * response demo's fictional organisations (marked "démo") in admin2 units of Mali, Burkina Faso
 * and Niger, with plausible Sahel names (Fulfulde, Songhai, Hausa, Tamasheq, Arabic-origin and
 * francophone). A dozen families are registered by two partners under different spellings, as
 * happens on real distribution lists, and duplicate detection runs once, so the review queue has
 * pairs waiting. Everything goes through the module's ordinary services. No person here is real.
 */
import { systemActor } from '../access/audit.js';
import * as assistance from '../assistance/service.js';
import type { Queryable } from '../core/db.js';
import type { DemoLoader } from '../core/module.js';
import * as response from '../response/service.js';
import { loadDistributionsDemo, type DistributionsDemoReport } from './distributions-demo.js';
import { Rng } from './synthetic.js';

/** Three demo partners (src/demo/response-demo.ts) and where each registers. */
const PARTNERS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['ABRI-D', ['ML0504', 'ML0703', 'BF5601', 'BF5603']],
  ['CR-D', ['ML0504', 'ML0703', 'BF5603', 'BF5602', 'NE006011', 'NE006012']],
  ['DPN', ['ML0703', 'ML1001', 'NE006011', 'NE006009']],
];

const DIALLING: Record<string, string> = { ML: '+223', BF: '+226', NE: '+227' };

const MEN = ['Amadou', 'Boubacar', 'Hamidou', 'Moussa', 'Issa', 'Seydou', 'Oumarou', 'Souleymane', 'Idrissa', 'Hassane', 'Yacouba', 'Abdoulaye', 'Ibrahim', 'Alassane', 'Harouna', 'Soumaïla', 'Djibrilla', 'Garba', 'Sani', 'Mahamane', 'Intalla', 'Attaher', 'Salif', 'Lassina', 'Modibo', 'Bakary', 'Adama', 'Yéro', 'Demba', 'Samba'];
const WOMEN = ['Aïssata', 'Fatoumata', 'Mariam', 'Hawa', 'Kadidia', 'Zeinabou', 'Ramatou', 'Hadiza', 'Salamatou', 'Halimatou', 'Oumou', 'Djénéba', 'Bintou', 'Rakiatou', 'Mariama', 'Assétou', 'Fadimata', 'Safiatou', 'Nana', 'Adiaratou', 'Coumba', 'Tata', 'Aminata', 'Kounkou'];
const FAMILIES = ['Maïga', 'Touré', 'Cissé', 'Diallo', 'Dicko', 'Sidibé', 'Barry', 'Sow', 'Bah', 'Sawadogo', 'Ouédraogo', 'Issoufou', 'Moumouni', 'Hama', 'Abdou', 'Tandina', 'Haïdara', 'Traoré', 'Guindo', 'Diarra', 'Coulibaly', 'Boureima', 'Ag Alhassane', 'Ould Mohamed', 'Tamboura'];

/**
 * Families two partners registered each in their own spelling: [written by the first, written
 * by the second] for the head, the spouse and two children.
 */
const TWICE: ReadonlyArray<{ head: [string, string, string, string]; spouse: [string, string, string, string]; children: ReadonlyArray<readonly ['f' | 'm', string, string]> }> = [
  { head: ['Mahamadou Ousmane', 'Maïga', 'Mohamed Usman', 'Maiga'], spouse: ['Aïssata', 'Touré', 'Aisseta', 'Toure'], children: [['m', 'Boubacar', 'Aboubacar'], ['f', 'Fatoumata', 'Fatimata']] },
  { head: ['Boubacar', 'Cissé', 'Aboubacar', 'Sisse'], spouse: ['Mariam', 'Dicko', 'Mariama', 'Dicko'], children: [['m', 'Amadou', 'Ahmadou'], ['f', 'Hawa', 'Awa']] },
  { head: ['Abdoulaye', 'Diallo', 'Abdullahi', 'Jallo'], spouse: ['Fatimata', 'Barry', 'Fatoumata', 'Bari'], children: [['m', 'Ibrahima', 'Ibrahim'], ['m', 'Oumar', 'Omar']] },
  { head: ['Souleymane', 'Traoré', 'Suleiman', 'Traore'], spouse: ['Aïcha', 'Sidibé', 'Aisha', 'Sidibe'], children: [['m', 'Moussa', 'Musa'], ['f', 'Mariam', 'Maryam']] },
  { head: ['Hamidou', 'Maïga', 'Hamid', 'Mayga'], spouse: ['Aïssatou', 'Hama', 'Aissata', 'Hama'], children: [['m', 'Seydou', 'Saidou'], ['m', 'Issa', 'Issah']] },
  { head: ['Ousmane', 'Touré', 'Ousman', 'Ture'], spouse: ['Awa', 'Cissé', 'Hawa', 'Cisse'], children: [['f', 'Fatoumata', 'Fatouma'], ['m', 'Aliou', 'Ali']] },
  { head: ['Amadou', 'Dicko', 'Ahmed', 'Diko'], spouse: ['Mariama', 'Sow', 'Mariame', 'Sow'], children: [['m', 'Adama', 'Adamou'], ['f', 'Aïssata', 'Aichata']] },
  { head: ['Mohamed', 'Ould Ahmed', 'Mahamadou', 'Ahmed'], spouse: ['Fadimata', 'Walet Intalla', 'Fatimata', 'Intalla'], children: [['m', 'Oumarou', 'Umaru'], ['f', 'Aïcha', 'Aicha']] },
  { head: ['Ibrahim', 'Issoufou', 'Brahim', 'Issoufou'], spouse: ['Hadiza', 'Garba', 'Hadiza', 'Garba'], children: [['m', 'Moussa', 'Mousa'], ['m', 'Abdoulaye', 'Abdoulahi']] },
  { head: ['Seydou', 'Sawadogo', 'Saidou', 'Sawadogo'], spouse: ['Salamatou', 'Ouédraogo', 'Salamatou', 'Ouedraogo'], children: [['m', 'Boubacar', 'Bubakar'], ['f', 'Mariam', 'Mariama']] },
  { head: ['Oumar', 'Haïdara', 'Omar', 'Haidara'], spouse: ['Kadidia', 'Maïga', 'Kadidja', 'Maiga'], children: [['m', 'Hamidou', 'Hamido'], ['f', 'Hawa', 'Hawaou']] },
  { head: ['Issa', 'Moumouni', 'Isa', 'Moumouni'], spouse: ['Ramatou', 'Abdou', 'Ramatou', 'Abdou'], children: [['m', 'Souleymane', 'Souleimane'], ['m', 'Amadou', 'Amadu']] },
];

const VULNERABILITIES = ['female-headed', 'disability', 'chronic-illness', 'elderly-headed', 'pregnant-lactating', 'unaccompanied-child', 'no-income'];

export interface AssistanceDemoReport {
  alreadyLoaded: boolean;
  households: number;
  registeredTwice: number;
  pending: number;
  distributions?: DistributionsDemoReport;
}

type Member = assistance.MemberInput;

function phone(rng: Rng, country: string): string {
  return `${DIALLING[country]} ${rng.int(60, 99)} ${rng.int(10, 99)} ${rng.int(10, 99)} ${rng.int(10, 99)}`;
}

function household(rng: Rng, organisationId: number, pcode: string, members: Member[]): assistance.HouseholdInput {
  const vulnerabilities = VULNERABILITIES.filter(() => rng.chance(0.15));
  return {
    organisationId,
    location: { pcode, site: rng.chance(0.4) ? `SITE-DEMO-${rng.int(1, 20)}` : null },
    displacementStatus: rng.weighted([['idp', 6], ['host', 2], ['returnee', 1], ['refugee', 1]] as const),
    originPcode: null,
    vulnerabilities,
    members,
    // Marked as synthetic where a reader of the record would look: who gave consent.
    consent: { givenBy: 'chef de ménage (démo, données synthétiques)', givenAt: `2021-0${rng.int(2, 6)}-1${rng.int(0, 9)}`, purposes: ['registration', 'assistance', 'deduplication'] },
  };
}

function randomFamily(rng: Rng, country: string): Member[] {
  const family = rng.pick(FAMILIES);
  const headIsWoman = rng.chance(0.25);
  const headYear = rng.int(1955, 1998);
  const members: Member[] = [
    { givenNames: rng.pick(headIsWoman ? WOMEN : MEN), familyName: family, sex: headIsWoman ? 'f' : 'm', birthYear: headYear, relation: 'head', phone: rng.chance(0.7) ? phone(rng, country) : null },
  ];
  if (!headIsWoman && rng.chance(0.85)) members.push({ givenNames: rng.pick(WOMEN), familyName: rng.pick(FAMILIES), sex: 'f', birthYear: headYear + rng.int(2, 12), relation: 'spouse' });
  for (let child = rng.int(0, 5); child > 0; child--) {
    const sex = rng.chance(0.5) ? 'f' : 'm';
    members.push({ givenNames: rng.pick(sex === 'f' ? WOMEN : MEN), familyName: family, sex, birthYear: Math.min(2020, headYear + rng.int(18, 40)), relation: 'child' });
  }
  return members;
}

/** The two registrations of one family: the same people, each partner's spelling, ages estimated a year apart at times. */
function familyTwice(rng: Rng, family: (typeof TWICE)[number], country: string): [Member[], Member[]] {
  const headYear = rng.int(1960, 1992);
  const spouseYear = headYear + rng.int(3, 10);
  const shared = phone(rng, country);
  const drift = (): number => (rng.chance(0.3) ? rng.pick([-1, 1]) : 0);
  const side = (second: boolean): Member[] => {
    const pick = <T>(pair: readonly [T, T]): T => (second ? pair[1] : pair[0]);
    const members: Member[] = [
      { givenNames: pick([family.head[0], family.head[2]]), familyName: pick([family.head[1], family.head[3]]), sex: 'm', birthYear: headYear + (second ? drift() : 0), relation: 'head', phone: second && rng.chance(0.3) ? null : shared },
      { givenNames: pick([family.spouse[0], family.spouse[2]]), familyName: pick([family.spouse[1], family.spouse[3]]), sex: 'f', birthYear: spouseYear + (second ? drift() : 0), relation: 'spouse' },
    ];
    family.children.forEach(([sex, first, other], index) => {
      members.push({ givenNames: second ? other : first, familyName: pick([family.head[1], family.head[3]]), sex, birthYear: Math.min(2020, headYear + 22 + index * 3), relation: 'child' });
    });
    return members;
  };
  return [side(false), side(true)];
}

export async function loadAssistanceDemo(db: Queryable, onProgress: (done: number, total: number) => void = () => undefined): Promise<AssistanceDemoReport> {
  const organisations = new Map<string, number>();
  for (const [acronym] of PARTNERS) {
    const organisation = await response.findOrganisation(db, acronym);
    // The response demo creates the partners; without it there is nobody to register.
    if (organisation === null) return { alreadyLoaded: false, households: 0, registeredTwice: 0, pending: 0 };
    organisations.set(acronym, organisation.id);
  }
  if (await assistance.hasHouseholds(db, organisations.get(PARTNERS[0]![0])!)) return { alreadyLoaded: true, households: 0, registeredTwice: 0, pending: 0 };
  const actor = systemActor('demo');
  const rng = new Rng(2021_13);
  const planned: assistance.HouseholdInput[] = [];
  // The families registered twice: two partners working in the same admin2.
  TWICE.forEach((family, index) => {
    const [first, second] = index % 3 === 0 ? ['ABRI-D', 'CR-D'] : index % 3 === 1 ? ['CR-D', 'DPN'] : ['ABRI-D', 'DPN'];
    const common = PARTNERS.find(([acronym]) => acronym === first)![1].filter((pcode) => PARTNERS.find(([acronym]) => acronym === second)![1].includes(pcode));
    const pcode = rng.pick(common);
    const [one, other] = familyTwice(rng, family, pcode.slice(0, 2));
    planned.push(household(rng, organisations.get(first)!, pcode, one), household(rng, organisations.get(second)!, pcode, other));
  });
  while (planned.length < 150) {
    const [acronym, places] = rng.pick(PARTNERS);
    const pcode = rng.pick(places);
    planned.push(household(rng, organisations.get(acronym)!, pcode, randomFamily(rng, pcode.slice(0, 2))));
  }
  for (const [index, input] of planned.entries()) {
    await assistance.registerHousehold(db, actor, input);
    if (index % 10 === 0) onProgress(index, planned.length);
  }
  const { added } = await assistance.detectDuplicates(db, actor);
  const distributions = await loadDistributionsDemo(db, organisations);
  onProgress(planned.length, planned.length);
  return { alreadyLoaded: false, households: planned.length, registeredTwice: TWICE.length, pending: added, distributions };
}

export const assistanceDemo: DemoLoader = {
  label: 'assistance registry',
  async load(db, onProgress) {
    const report = await loadAssistanceDemo(db, onProgress);
    if (report.alreadyLoaded) return ['  demo assistance registry already loaded'];
    if (report.households === 0) return ['  demo assistance registry skipped: the demo partners of the 4W demo are missing'];
    const served = report.distributions;
    return [
      `  demo assistance registry loaded: ${report.households} households (synthetic; ${report.registeredTwice} families registered by two partners), ${report.pending} pairs to review`,
      ...(served ? [`  demo distributions: ${served.distributions} (démo), ${served.receipts} receipts; second receipt refused: ${served.refused ?? 'none tried'}`] : []),
    ];
  },
};
