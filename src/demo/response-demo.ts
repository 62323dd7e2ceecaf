/**
 * The response (4W) demo: fictional organisations (marked "démo") and a few hundred synthetic
 * activity reports over Burkina Faso, Mali and Niger, January to June 2021, entered, submitted,
 * approved and published through the module's ordinary services, so the page shows presence,
 * gaps and overlaps. Nothing here describes a real organisation's work.
 */
import { systemActor } from '../access/audit.js';
import type { Queryable } from '../core/db.js';
import type { DemoLoader } from '../core/module.js';
import type { Figure } from '../response/aggregate.js';
import * as response from '../response/service.js';
import * as responseReports from '../response/reports.js';
import * as fiveW from '../response/five-w-imports.js';
import { csvText } from '../core/csv.js';
import { SAHEL_ADMIN } from './sahel-admin.js';
import { Rng } from './synthetic.js';
import * as needs from '../response/needs.js';

const ORGANISATIONS: ReadonlyArray<readonly [string, string, string]> = [
  ['ASE-D', 'Action Sahel Eau (démo)', '441'],
  ['ABRI-D', 'Abris pour Tous (démo)', '437'],
  ['SANTE-D', 'Santé Sans Distance (démo)', '437'],
  ['PROT-D', 'Protection Liptako (démo)', '441'],
  ['FEMMES-D', 'Femmes Debout (démo)', '441'],
  ['EDUC-D', 'École d’Abord (démo)', '437'],
  ['NUTRI-D', 'Nutrition Gourma (démo)', '441'],
  ['UN-D', 'Agence des Nations unies (démo)', '447'],
  ['CR-D', 'Croix-Rouge du Sahel (démo)', '445'],
  ['GOV-D', 'Direction régionale de l’action humanitaire (démo)', '435'],
  // The demo partner account's organisation (src/access/service.ts, DEMO_ACCOUNTS) reports too.
  ['DPN', 'Demo Partner NGO', '437'],
];

// [code, sector label as partners write it, English, French, unit, plan activity area]
const ACTIVITIES: ReadonlyArray<readonly [string, string, string, string, 'people' | 'items', string | null]> = [
  ['WSH-latrines', 'EHA', 'Emergency latrines', 'Latrines d’urgence', 'people', 'wash'],
  ['WSH-water', 'EHA', 'Water trucking and repairs', 'Approvisionnement et réparations en eau', 'people', 'wash'],
  ['SHL-shelter', 'Abris/AME', 'Emergency shelters', 'Abris d’urgence', 'people', 'shelter-nfi'],
  ['SHL-kits', 'Abris/AME', 'NFI kits distributed', 'Kits AME distribués', 'items', 'shelter-nfi'],
  ['HEA-consultations', 'Santé', 'Primary health consultations', 'Consultations de santé primaire', 'people', 'health'],
  ['PRO-monitoring', 'Protection', 'Protection monitoring and referrals', 'Monitoring de protection et référencements', 'people', 'protection'],
  ['GBV-safe-spaces', 'Protection VBG', 'Safe spaces for women and girls', 'Espaces sûrs pour femmes et filles', 'people', null],
  ['EDU-classes', 'Éducation', 'Temporary learning spaces', 'Espaces d’apprentissage temporaires', 'people', null],
];

// Which organisation works in which activities (a few work in several).
const WORK: Record<string, readonly string[]> = {
  'ASE-D': ['WSH-latrines', 'WSH-water'],
  'ABRI-D': ['SHL-shelter', 'SHL-kits'],
  'SANTE-D': ['HEA-consultations'],
  'PROT-D': ['PRO-monitoring'],
  'FEMMES-D': ['GBV-safe-spaces', 'PRO-monitoring'],
  'EDUC-D': ['EDU-classes'],
  'NUTRI-D': ['HEA-consultations'],
  'UN-D': ['SHL-kits', 'WSH-water', 'PRO-monitoring'],
  'CR-D': ['SHL-kits', 'HEA-consultations', 'WSH-latrines'],
  'GOV-D': ['SHL-shelter'],
  DPN: ['WSH-latrines', 'SHL-kits'],
};

const MONTHS = ['2021-01', '2021-02', '2021-03', '2021-04', '2021-05', '2021-06'];
const total = (measure: Figure['measure'], value: number): Figure => ({ measure, group: 'all', sex: 'all', age: 'all', value });

export interface ResponseDemoReport {
  alreadyLoaded: boolean;
  organisations: number;
  reports: number;
  published: number;
  /** Rows of the synthetic 5W file imported (Niger, June 2021, place names only). */
  imported: number;
}

/**
 * A synthetic 3W sheet as Niger's arrive: names only (no P-codes, some without accents or with
 * another spelling), French headers, an HXL row, a type of organisation, a blank figure (not
 * reported), two identical rows, and an organisation the demo does not know yet ("démo").
 */
function demoFiveWFile(rng: Rng): string {
  const regions = SAHEL_ADMIN.NER!.admin1.filter(([, name]) => ['Tillaberi', 'Tillabéri', 'Tahoua', 'Diffa', 'Maradi'].includes(name));
  const partners: Array<[string, string, string]> = [
    ['ASE-D', 'Action Sahel Eau (démo)', 'ONG nationale'],
    ['SANTE-D', 'Santé Sans Distance (démo)', 'ONG internationale'],
    ['ONG-TAHOUA-D', 'ONG Entraide Tahoua (démo)', 'ONG nationale'],
  ];
  const sectors: Array<[string, string]> = [['EHA', 'Forages et latrines'], ['Santé', 'Cliniques mobiles'], ['Abris/AME', 'Kits abris']];
  const rows: Array<Array<string | number | null>> = [
    ['Acronyme', 'Organisation', "Type d'organisation", 'Région', 'Département', 'Secteur', 'Activité', 'Nombre Bénéficiaire'],
    ['#org+impl', '#org+impl+name', '#org+impl+type', '#adm1+name', '#adm2+name', '#sector+name', '#activity+name', '#beneficiary'],
  ];
  for (const [acronym, name, type] of partners) {
    for (let place = 0; place < 4; place += 1) {
      const [, region, departments] = rng.pick(regions);
      const [, department] = rng.pick(departments);
      const [sector, activity] = rng.pick(sectors);
      // Names as typed: capitals, accents lost.
      const typed = rng.chance(0.3) ? department.normalize('NFKD').replace(/\p{M}/gu, '').toUpperCase() : department;
      rows.push([acronym, name, type, region, typed, sector, activity, rng.chance(0.2) ? null : rng.int(200, 4000)]);
    }
  }
  rows.push([...rows.at(-1)!]);
  return csvText(rows, { eol: '\n' });
}

/**
 * A synthetic HNO 2021 (marked démo in its file name) in the HPC format: per country national and
 * admin2 people in need for six sectors and the inter-sector figure, which is less than the sum of
 * sectors as in a real HNO (one person in need in several sectors counts once).
 */
function demoHnoFile(rng: Rng, iso3: string): string {
  const sectors = ['WSH', 'FSC', 'HEA', 'SHL', 'PRO', 'EDU'];
  const rows: Array<Array<string | number | null>> = [
    ['Admin 1 PCode', 'Admin 2 PCode', 'Sector', 'Gender', 'Age Range', 'Population Group', 'Population', 'In Need'],
    ['#adm1+code', '#adm2+code', '#sector+code', '#gender+code', '#age+range', '#population_group+code', '#population', '#inneed'],
  ];
  const national = new Map<string, number>(sectors.map((sector) => [sector, 0]));
  let nationalAll = 0;
  for (const [admin1, , units2] of SAHEL_ADMIN[iso3]!.admin1) {
    for (const [admin2] of units2) {
      const population = rng.int(60_000, 600_000);
      const inNeed = sectors.map(() => Math.round(population * rng.range(0.05, 0.45)));
      const all = Math.max(...inNeed) + Math.round(Math.min(...inNeed) * 0.3);
      nationalAll += all;
      rows.push([admin1, admin2, 'ALL', 'a', 'ALL', 'ALL', population, all]);
      sectors.forEach((sector, index) => {
        rows.push([admin1, admin2, sector, 'a', 'ALL', 'ALL', null, inNeed[index]!]);
        national.set(sector, national.get(sector)! + inNeed[index]!);
      });
    }
  }
  rows.push([null, null, 'ALL', 'a', 'ALL', 'ALL', null, nationalAll]);
  for (const [sector, inNeed] of national) rows.push([null, null, sector, 'a', 'ALL', 'ALL', null, inNeed]);
  return csvText(rows, { eol: '\n' });
}

/**
 * Latrines counted for the Sphere checks (response/sphere.ts) in two Mali admin2 units in
 * February: 1,800 people and 24 latrines (75 a latrine, above both the acute 50 and the later 20)
 * and 900 people and 30 latrines (30, above 20 only). Synthetic, by a démo organisation.
 */
async function sphereDemo(db: Queryable, actor: ReturnType<typeof systemActor>, organisationId: number): Promise<void> {
  await response.createActivity(db, actor, { code: 'WSH-latrines-built', sector: 'EHA', nameEn: 'Latrines built (démo)', nameFr: 'Latrines construites (démo)', unit: 'items', sphereIndicator: 'latrines' });
  const [first, second] = SAHEL_ADMIN['MLI']!.admin1.flatMap(([, admin1Name, units2]) => units2.map(([pcode, name]) => ({ pcode, name, admin1Name })));
  const ids: number[] = [];
  for (const [place, people, latrines] of [[first!, 1800, 24], [second!, 900, 30]] as const) {
    const location = { pcode: place.pcode, providerAdmin1Name: place.admin1Name, providerAdmin2Name: place.name };
    const common = { month: MONTHS[1]!, reportingOrganisationId: organisationId, sector: 'EHA', location };
    ids.push((await responseReports.createReport(db, actor, { ...common, activity: 'WSH-latrines', figures: [total('reached', people)] })).id);
    ids.push((await responseReports.createReport(db, actor, { ...common, activity: 'WSH-latrines-built', figures: [total('reached', latrines)] })).id);
  }
  await responseReports.decide(db, actor, ids, 'submitted', null);
  await responseReports.decide(db, actor, ids, 'approved', null);
}

export async function loadResponseDemo(db: Queryable, onProgress: (done: number, total: number) => void = () => undefined): Promise<ResponseDemoReport> {
  if ((await response.findOrganisation(db, ORGANISATIONS[0]![0])) !== null) return { alreadyLoaded: true, organisations: 0, reports: 0, published: 0, imported: 0 };
  const actor = systemActor('demo');
  const ids = new Map<string, number>();
  for (const [acronym, name, orgTypeCode] of ORGANISATIONS) ids.set(acronym, (await response.createOrganisation(db, actor, { acronym, name, orgTypeCode })).organisation.id);
  const units = new Map<string, 'people' | 'items'>();
  for (const [code, sector, nameEn, nameFr, unit, area] of ACTIVITIES) {
    await response.createActivity(db, actor, { code, sector, nameEn, nameFr, unit, ...(area === null ? {} : { plan: 'IOM-CSAHEL-2021', activityArea: area }) });
    units.set(code, unit);
  }
  const rng = new Rng(2021_12);
  // Each organisation works in a handful of admin2 units of one or two countries, month after month.
  const plannedReports: responseReports.ReportInput[] = [];
  for (const [acronym, activities] of Object.entries(WORK)) {
    const countries = rng.chance(0.5) ? ['MLI', 'BFA', 'NER'] : [rng.pick(['MLI', 'BFA', 'NER'])];
    for (const iso3 of countries) {
      const admin2 = SAHEL_ADMIN[iso3]!.admin1.flatMap(([, admin1Name, units2]) => units2.map(([pcode, name]) => ({ pcode, name, admin1Name })));
      const places = Array.from({ length: rng.int(2, 5) }, () => rng.pick(admin2));
      for (const place of places) {
        const activity = rng.pick(activities);
        const sector = ACTIVITIES.find(([code]) => code === activity)![1];
        let reached = rng.int(150, 3000);
        for (const month of MONTHS.slice(rng.int(0, 2))) {
          const target = Math.round(reached * rng.range(1.0, 1.6));
          const isNew = Math.round(reached * rng.range(0.1, 0.4));
          const female = Math.round(reached * 0.52);
          const figures: Figure[] =
            units.get(activity) === 'items'
              ? [total('reached', reached)]
              : [
                  total('targeted', target),
                  total('reached', reached),
                  total('reached-new', isNew),
                  { measure: 'reached', group: 'all', sex: 'f', age: 'all', value: female },
                  { measure: 'reached', group: 'all', sex: 'm', age: 'all', value: reached - female },
                ];
          plannedReports.push({
            month,
            reportingOrganisationId: ids.get(acronym)!,
            sector,
            activity,
            location: { pcode: place.pcode, providerAdmin1Name: place.admin1Name, providerAdmin2Name: place.name },
            figures,
          });
          reached = Math.round(reached * rng.range(0.9, 1.25));
        }
      }
    }
  }
  const created: number[] = [];
  for (const [index, input] of plannedReports.entries()) {
    created.push((await responseReports.createReport(db, actor, input)).id);
    if (index % 20 === 0) onProgress(index, plannedReports.length);
  }
  // Most months are through the workflow; the last month is still being reviewed and entered.
  const last = plannedReports.map((input, index) => (input.month === MONTHS.at(-1) ? created[index]! : null)).filter((id): id is number => id !== null);
  const earlier = created.filter((id) => !last.includes(id));
  const lastSubmitted = last.filter((_, index) => index % 3 !== 0);
  await responseReports.decide(db, actor, [...earlier, ...lastSubmitted], 'submitted', null);
  await responseReports.decide(db, actor, earlier, 'approved', null);
  // A fifth stays approved and unpublished, except in January, which is then locked with nothing pending.
  const january = new Set(plannedReports.map((input, index) => (input.month === MONTHS[0] ? created[index]! : null)));
  const published = earlier.filter((id, index) => index % 5 !== 0 || january.has(id));
  await responseReports.decide(db, actor, published, 'published', null);
  // January is closed and locked everywhere.
  for (const period of await response.listPeriods(db, actor.principal)) {
    if (period.month !== MONTHS[0]) continue;
    await response.setPeriodStatus(db, actor, period.id, 'closed');
    await response.setPeriodStatus(db, actor, period.id, 'locked');
  }
  // Niger's June 3W arrives as a file, through the import every partner and IM officer uses: its rows are submitted.
  const upload = await fiveW.receiveFiveWFile(db, [Buffer.from(demoFiveWFile(rng))], { fileName: 'liptako-demo-3w-niger-juin-2021.csv', country: 'NE', actor });
  const job = await fiveW.startFiveWImport(db, upload.id, { month: MONTHS.at(-1)!, skipRefusedRows: true }, { actor, background: false });
  const imported = Number((job.result as { rowsStored?: number } | null)?.rowsStored ?? 0);
  // People in need, so that the dashboard measures reach against need and shows gaps of need.
  for (const [iso3, country] of [['MLI', 'ML'], ['BFA', 'BF'], ['NER', 'NE']] as const) {
    await needs.importNeeds(db, actor, { country, year: 2021, fileName: `liptako-demo-hno-${iso3.toLowerCase()}-2021.csv`, bytes: new TextEncoder().encode(demoHnoFile(rng, iso3)), language: 'fr' });
  }
  await sphereDemo(db, actor, ids.get('ASE-D')!);
  onProgress(plannedReports.length, plannedReports.length);
  return { alreadyLoaded: false, organisations: ORGANISATIONS.length, reports: created.length, published: published.length, imported };
}

export const responseDemo: DemoLoader = {
  label: '4W reports',
  async load(db, onProgress) {
    const report = await loadResponseDemo(db, onProgress);
    return [
      report.alreadyLoaded
        ? '  demo 4W reports already loaded'
        : `  demo 4W reports loaded: ${report.organisations} organisations (fictional), ${report.reports} reports (${report.published} published; synthetic)`,
      ...(report.alreadyLoaded ? [] : [`  demo 5W file imported: ${report.imported} rows of Niger, June 2021, by place names (synthetic), submitted for review`]),
      ...(report.alreadyLoaded ? [] : ['  demo people in need (HNO 2021, synthetic) imported for Mali, Burkina Faso and Niger']),
    ];
  },
};
