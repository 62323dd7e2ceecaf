/**
 * A DTM site-assessment form as a field team would write it (XForm, labels in French), its
 * submissions as ODK Collect sends them, and a Mali project where it is published with a phone.
 * Synthetic: no real site.
 */
import type { LiptakoApp } from '../../src/core/http-kit.js';
import { call, send } from './http.js';

export const DTM_FORM_ID = 'evaluation_sites_dtm';

const QUESTIONS: ReadonlyArray<readonly [name: string, type: string, label: string]> = [
  ['date_evaluation', 'date', 'Date d’évaluation'],
  ['admin1_pcode', 'string', 'Région (P-code)'],
  ['admin2_pcode', 'string', 'Cercle (P-code)'],
  ['nom_site', 'string', 'Nom du site'],
  ['menages', 'int', 'Nombre de ménages'],
  ['individus', 'int', 'Nombre d’individus'],
  ['femmes', 'int', 'Femmes'],
  ['hommes', 'int', 'Hommes'],
  ['f_0_4', 'int', 'Filles 0-4 ans'],
  ['f_5_17', 'int', 'Filles 5-17 ans'],
  ['f_18_59', 'int', 'Femmes 18-59 ans'],
  ['f_60_plus', 'int', 'Femmes 60 ans et plus'],
  ['m_0_4', 'int', 'Garçons 0-4 ans'],
  ['m_5_17', 'int', 'Garçons 5-17 ans'],
  ['m_18_59', 'int', 'Hommes 18-59 ans'],
  ['m_60_plus', 'int', 'Hommes 60 ans et plus'],
  ['date_deplacement', 'date', 'Date du déplacement'],
  ['origine_admin1', 'string', 'Région d’origine (P-code)'],
  ['raison', 'string', 'Raison du déplacement'],
];

export const DTM_SITE_FORM = `<?xml version="1.0" encoding="UTF-8"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa">
  <h:head>
    <h:title>Évaluation des sites DTM (test)</h:title>
    <model>
      <instance>
        <data id="${DTM_FORM_ID}" version="2026120501">
${QUESTIONS.map(([name]) => `          <${name}/>`).join('\n')}
          <meta><instanceID/></meta>
        </data>
      </instance>
${QUESTIONS.map(([name, type]) => `      <bind nodeset="/data/${name}" type="${type}"/>`).join('\n')}
      <bind jr:preload="uid" nodeset="/data/meta/instanceID" readonly="true()" type="string"/>
    </model>
  </h:head>
  <h:body>
${QUESTIONS.map(([name, , label]) => `    <input ref="/data/${name}"><label>${label}</label></input>`).join('\n')}
  </h:body>
</h:html>`;

/** Question path → round field, as an officer confirms it. */
export const DTM_FORM_MAPPING: Record<string, string | null> = {
  '/data/date_evaluation': 'assessmentDate',
  '/data/admin1_pcode': 'admin1Pcode',
  '/data/admin2_pcode': 'admin2Pcode',
  '/data/nom_site': 'locationName',
  '/data/menages': 'households',
  '/data/individus': 'individuals',
  '/data/femmes': 'females',
  '/data/hommes': 'males',
  '/data/f_0_4': 'f1',
  '/data/f_5_17': 'f2',
  '/data/f_18_59': 'f3',
  '/data/f_60_plus': 'f4',
  '/data/m_0_4': 'm1',
  '/data/m_5_17': 'm2',
  '/data/m_18_59': 'm3',
  '/data/m_60_plus': 'm4',
  '/data/date_deplacement': 'arrivalPeriod',
  '/data/origine_admin1': 'originAdmin1Pcode',
  '/data/raison': 'reason',
};

export type SiteAssessment = Record<(typeof QUESTIONS)[number][0], string | number> & { instanceId: string };

/**
 * A consistent site of `individuals` people: 52 % women and girls, each sex split over the four
 * default age ranges so every breakdown sums exactly, households of six.
 */
export function siteAssessment(index: number, date: string, over: Partial<SiteAssessment> = {}): SiteAssessment {
  const individuals = 600 + 60 * index;
  const females = Math.round(individuals * 0.52);
  const males = individuals - females;
  const split = (total: number): [number, number, number, number] => {
    const a = Math.round(total * 0.18);
    const b = Math.round(total * 0.32);
    const d = Math.round(total * 0.05);
    return [a, b, total - a - b - d, d];
  };
  const [f1, f2, f3, f4] = split(females);
  const [m1, m2, m3, m4] = split(males);
  return {
    instanceId: `uuid:00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    date_evaluation: date,
    admin1_pcode: 'ML05',
    admin2_pcode: index % 2 === 0 ? 'ML0501' : 'ML0502',
    nom_site: `Site test ${index}`,
    menages: Math.round(individuals / 6),
    individus: individuals,
    femmes: females,
    hommes: males,
    f_0_4: f1,
    f_5_17: f2,
    f_18_59: f3,
    f_60_plus: f4,
    m_0_4: m1,
    m_5_17: m2,
    m_18_59: m3,
    m_60_plus: m4,
    date_deplacement: '2021-01-15',
    origine_admin1: 'ML06',
    raison: 'conflit',
    ...over,
  };
}

const escape = (value: string): string => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function siteAssessmentXml(site: SiteAssessment): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<data xmlns:jr="http://openrosa.org/javarosa" id="${DTM_FORM_ID}" version="2026120501">
${QUESTIONS.map(([name]) => `  <${name}>${escape(String(site[name]))}</${name}>`).join('\n')}
  <meta><instanceID>${site.instanceId}</instanceID></meta>
</data>`;
}

export interface DtmFormSeed {
  projectId: number;
  formDbId: number;
  /** `/v1/key/{token}/projects/{id}`: the phone's OpenRosa base. */
  phoneBase: string;
}

/** A Mali project with the DTM form published and a phone given it (as whoever `app` is). */
export async function seedDtmForm(app: LiptakoApp, name = 'Suivi DTM Mopti (test)'): Promise<DtmFormSeed> {
  const project = await call<{ project: { id: number } }>(app, 'POST', '/api/collection/projects', { name, country: 'ML' });
  if (project.statusCode !== 201) throw new Error(project.text);
  const projectId = project.body.project.id;
  const form = await send<{ form: { id: number } }>(app, 'POST', `/api/collection/projects/${projectId}/forms?publish=true`, {
    payload: Buffer.from(DTM_SITE_FORM),
    headers: { 'content-type': 'application/xml' },
  });
  if (form.statusCode !== 201) throw new Error(form.text);
  const appUser = await call<{ serverUrl: string }>(app, 'POST', `/api/collection/projects/${projectId}/app-users`, { name: 'Téléphone DTM', formIds: [form.body.form.id] });
  if (appUser.statusCode !== 201) throw new Error(appUser.text);
  return { projectId, formDbId: form.body.form.id, phoneBase: new URL(appUser.body.serverUrl).pathname };
}
