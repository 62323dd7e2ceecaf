/**
 * The field collection demo: a project per country (marked "démo"), a site-monitoring form in
 * French and English with a repeat, a photo and a GPS point, an app user per project (the phone
 * of a fictional enumerator), and a few hundred synthetic submissions sent through the same
 * receiving path as a phone's: some edited after the fact, some waiting for a photo still on the
 * phone, many reviewed. Nothing here describes a real site.
 */
import { systemActor, type Actor } from '../access/audit.js';
import { escapeXml } from '../collection/openrosa.js';
import * as collection from '../collection/service.js';
import * as submissions from '../collection/submissions.js';
import type { Queryable } from '../core/db.js';
import type { DemoLoader } from '../core/module.js';
import { SAHEL_ADMIN } from './sahel-admin.js';
import { Rng } from './synthetic.js';

export const DEMO_FORM_ID = 'suivi_sites_demo';

/** The demo form as pyxform would write it (an XForm with itext in two languages). */
export const DEMO_SITE_FORM = `<?xml version="1.0" encoding="UTF-8"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa" xmlns:odk="http://www.opendatakit.org/xforms" xmlns:orx="http://openrosa.org/xforms">
  <h:head>
    <h:title>Suivi des sites de déplacés (démo)</h:title>
    <model odk:xforms-version="1.0.0">
      <itext>
        <translation default="true()" lang="Français (fr)">
          <text id="/data/site_name:label"><value>Nom du site</value></text>
          <text id="/data/admin2:label"><value>Cercle / province / département (P-code)</value></text>
          <text id="/data/site_type:label"><value>Type de site</value></text>
          <text id="/data/site_type/camp:label"><value>Site planifié</value></text>
          <text id="/data/site_type/spontaneous:label"><value>Site spontané</value></text>
          <text id="/data/site_type/host:label"><value>Familles d’accueil</value></text>
          <text id="/data/households:label"><value>Nombre de ménages</value></text>
          <text id="/data/individuals:label"><value>Nombre de personnes</value></text>
          <text id="/data/location:label"><value>Position GPS du site</value></text>
          <text id="/data/photo:label"><value>Photo de l’entrée du site</value></text>
          <text id="/data/need:label"><value>Besoin prioritaire</value></text>
          <text id="/data/need/priority:label"><value>Secteur</value></text>
          <text id="/data/need/priority/shelter:label"><value>Abris</value></text>
          <text id="/data/need/priority/water:label"><value>Eau, hygiène et assainissement</value></text>
          <text id="/data/need/priority/food:label"><value>Vivres</value></text>
          <text id="/data/need/priority/health:label"><value>Santé</value></text>
          <text id="/data/need/priority/protection:label"><value>Protection</value></text>
          <text id="/data/need/people:label"><value>Personnes concernées</value></text>
        </translation>
        <translation lang="English (en)">
          <text id="/data/site_name:label"><value>Site name</value></text>
          <text id="/data/admin2:label"><value>Admin2 (P-code)</value></text>
          <text id="/data/site_type:label"><value>Site type</value></text>
          <text id="/data/site_type/camp:label"><value>Planned site</value></text>
          <text id="/data/site_type/spontaneous:label"><value>Spontaneous site</value></text>
          <text id="/data/site_type/host:label"><value>Host families</value></text>
          <text id="/data/households:label"><value>Number of households</value></text>
          <text id="/data/individuals:label"><value>Number of people</value></text>
          <text id="/data/location:label"><value>GPS position of the site</value></text>
          <text id="/data/photo:label"><value>Photo of the site entrance</value></text>
          <text id="/data/need:label"><value>Priority need</value></text>
          <text id="/data/need/priority:label"><value>Sector</value></text>
          <text id="/data/need/priority/shelter:label"><value>Shelter</value></text>
          <text id="/data/need/priority/water:label"><value>Water, sanitation and hygiene</value></text>
          <text id="/data/need/priority/food:label"><value>Food</value></text>
          <text id="/data/need/priority/health:label"><value>Health</value></text>
          <text id="/data/need/priority/protection:label"><value>Protection</value></text>
          <text id="/data/need/people:label"><value>People concerned</value></text>
        </translation>
      </itext>
      <instance>
        <data id="${DEMO_FORM_ID}" version="2021050101">
          <start/>
          <end/>
          <deviceid/>
          <site_name/>
          <admin2/>
          <site_type/>
          <households/>
          <individuals/>
          <location/>
          <photo/>
          <need jr:template="">
            <priority/>
            <people/>
          </need>
          <meta>
            <instanceID/>
            <instanceName/>
          </meta>
        </data>
      </instance>
      <bind jr:preload="timestamp" jr:preloadParams="start" nodeset="/data/start" type="dateTime"/>
      <bind jr:preload="timestamp" jr:preloadParams="end" nodeset="/data/end" type="dateTime"/>
      <bind jr:preload="property" jr:preloadParams="deviceid" nodeset="/data/deviceid" type="string"/>
      <bind nodeset="/data/site_name" required="true()" type="string"/>
      <bind nodeset="/data/admin2" required="true()" type="string" constraint="regex(., '^[A-Z]{2}[0-9]{4}$')"/>
      <bind nodeset="/data/site_type" required="true()" type="string"/>
      <bind nodeset="/data/households" required="true()" type="int" constraint=". &gt;= 0"/>
      <bind nodeset="/data/individuals" required="true()" type="int" constraint=". &gt;= /data/households"/>
      <bind nodeset="/data/location" type="geopoint"/>
      <bind nodeset="/data/photo" type="binary"/>
      <bind nodeset="/data/need/priority" type="string"/>
      <bind nodeset="/data/need/people" type="int"/>
      <bind jr:preload="uid" nodeset="/data/meta/instanceID" readonly="true()" type="string"/>
      <bind calculate="concat(/data/site_name, ' — ', /data/admin2)" nodeset="/data/meta/instanceName" type="string"/>
    </model>
  </h:head>
  <h:body>
    <input ref="/data/site_name"><label ref="jr:itext('/data/site_name:label')"/></input>
    <input ref="/data/admin2"><label ref="jr:itext('/data/admin2:label')"/></input>
    <select1 ref="/data/site_type">
      <label ref="jr:itext('/data/site_type:label')"/>
      <item><label ref="jr:itext('/data/site_type/camp:label')"/><value>camp</value></item>
      <item><label ref="jr:itext('/data/site_type/spontaneous:label')"/><value>spontaneous</value></item>
      <item><label ref="jr:itext('/data/site_type/host:label')"/><value>host</value></item>
    </select1>
    <input ref="/data/households"><label ref="jr:itext('/data/households:label')"/></input>
    <input ref="/data/individuals"><label ref="jr:itext('/data/individuals:label')"/></input>
    <input ref="/data/location"><label ref="jr:itext('/data/location:label')"/></input>
    <upload mediatype="image/*" ref="/data/photo"><label ref="jr:itext('/data/photo:label')"/></upload>
    <group ref="/data/need">
      <label ref="jr:itext('/data/need:label')"/>
      <repeat nodeset="/data/need">
        <select1 ref="/data/need/priority">
          <label ref="jr:itext('/data/need/priority:label')"/>
          <item><label ref="jr:itext('/data/need/priority/shelter:label')"/><value>shelter</value></item>
          <item><label ref="jr:itext('/data/need/priority/water:label')"/><value>water</value></item>
          <item><label ref="jr:itext('/data/need/priority/food:label')"/><value>food</value></item>
          <item><label ref="jr:itext('/data/need/priority/health:label')"/><value>health</value></item>
          <item><label ref="jr:itext('/data/need/priority/protection:label')"/><value>protection</value></item>
        </select1>
        <input ref="/data/need/people"><label ref="jr:itext('/data/need/people:label')"/></input>
      </repeat>
    </group>
  </h:body>
</h:html>
`;

// A 1×1 PNG: the demo's "photos" are placeholders, not pictures of anyone.
const PLACEHOLDER_PHOTO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mN8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==', 'base64');

const PROJECTS: ReadonlyArray<{ name: string; country: string; iso3: string; enumerator: string; sites: number }> = [
  { name: 'Suivi des sites — Mali (démo)', country: 'ML', iso3: 'MLI', enumerator: 'Enquêteur Mopti 01 (démo)', sites: 90 },
  { name: 'Suivi des sites — Burkina Faso (démo)', country: 'BF', iso3: 'BFA', enumerator: 'Enquêtrice Kaya 02 (démo)', sites: 70 },
  { name: 'Suivi des sites — Niger (démo)', country: 'NE', iso3: 'NER', enumerator: 'Enquêteur Tillabéri 03 (démo)', sites: 40 },
];

const SITE_WORDS = ['Sinai', 'Bagdadji', 'Socoura', 'Faladié', 'Niamana', 'Barsalogho', 'Pissila', 'Kaya Secteur 5', 'Tabareybarey', 'Ouallam', 'Hamdallaye', 'Sévaré', 'Djibo', 'Gorom-Gorom', 'Ayorou'];
const NEEDS = ['shelter', 'water', 'food', 'health', 'protection'] as const;

export interface SiteAnswers {
  instanceId: string;
  deprecatedId?: string;
  siteName: string;
  admin2: string;
  siteType: 'camp' | 'spontaneous' | 'host';
  households: number;
  individuals: number;
  location: string;
  photo: string | null;
  needs: Array<{ priority: string; people: number }>;
  start: string;
}


/** A submission of the demo form as ODK Collect writes it. */
export function siteSubmissionXml(answers: SiteAnswers): string {
  return [
    `<?xml version='1.0' ?><data id="${DEMO_FORM_ID}" version="2021050101" xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms">`,
    `<start>${answers.start}</start><end>${answers.start}</end><deviceid>collect:demo${answers.admin2}</deviceid>`,
    `<site_name>${escapeXml(answers.siteName)}</site_name><admin2>${answers.admin2}</admin2><site_type>${answers.siteType}</site_type>`,
    `<households>${answers.households}</households><individuals>${answers.individuals}</individuals>`,
    `<location>${answers.location}</location><photo>${answers.photo ?? ''}</photo>`,
    ...answers.needs.map((need) => `<need><priority>${need.priority}</priority><people>${need.people}</people></need>`),
    `<meta><instanceID>${answers.instanceId}</instanceID>${answers.deprecatedId === undefined ? '' : `<deprecatedID>${answers.deprecatedId}</deprecatedID>`}`,
    `<instanceName>${escapeXml(`${answers.siteName} — ${answers.admin2}`)}</instanceName></meta></data>`,
  ].join('');
}

/** A version 4 UUID from the demo's own generator, so the demo is the same on every machine. */
const uuidOf = (rng: Rng): string => {
  const hex = Array.from({ length: 32 }, () => rng.int(0, 15).toString(16)).join('');
  return `uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
};

export interface CollectionDemoReport {
  alreadyLoaded: boolean;
  projects: number;
  submissions: number;
  edits: number;
  approved: number;
}

export async function loadCollectionDemo(db: Queryable, onProgress: (done: number, total: number) => void = () => undefined): Promise<CollectionDemoReport> {
  const actor = systemActor('demo');
  const existing = await collection.listProjects(db, actor.principal);
  if (existing.some((project) => project.name === PROJECTS[0]!.name)) return { alreadyLoaded: true, projects: 0, submissions: 0, edits: 0, approved: 0 };
  const rng = new Rng(2021_0501);
  const total = PROJECTS.reduce((sum, project) => sum + project.sites, 0);
  let done = 0;
  let edits = 0;
  let approved = 0;
  for (const spec of PROJECTS) {
    const project = await collection.createProject(db, actor, { name: spec.name, country: spec.country });
    const upload = await collection.uploadForm(db, actor, project.id, { bytes: Buffer.from(DEMO_SITE_FORM), publish: true });
    const credentials = await collection.createAppUser(db, actor, project.id, { name: spec.enumerator, formIds: [upload.form.id] }, 'http://localhost:3000');
    // The phone sends as the app user it was configured as, like a real one.
    const phone: Actor = {
      principal: { kind: 'app-user', appUserId: credentials.appUser.id, projectId: project.id, name: spec.enumerator, verbs: ['collection.submit'] },
      requestId: null,
    };
    const admin2 = SAHEL_ADMIN[spec.iso3]!.admin1.flatMap(([, , units]) => units.map(([pcode]) => pcode));
    const received: number[] = [];
    for (let site = 0; site < spec.sites; site += 1) {
      const households = rng.int(12, 900);
      const withPhoto = rng.chance(0.3);
      const answers: SiteAnswers = {
        instanceId: uuidOf(rng),
        siteName: `${rng.pick(SITE_WORDS)} ${site + 1} (démo)`,
        admin2: rng.pick(admin2),
        siteType: rng.pick(['camp', 'spontaneous', 'host'] as const),
        households,
        individuals: Math.round(households * rng.range(4.5, 7.5)),
        location: `${rng.range(12, 16.5).toFixed(5)} ${rng.range(-4, 2.5).toFixed(5)} ${rng.int(250, 400)} ${rng.int(3, 15)}`,
        photo: withPhoto ? `entree_${site + 1}.png` : null,
        needs: Array.from({ length: rng.int(1, 3) }, () => ({ priority: rng.pick(NEEDS), people: rng.int(20, 2000) })),
        start: `2021-05-${String(rng.int(3, 28)).padStart(2, '0')}T${String(rng.int(8, 17)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}:00.000Z`,
      };
      // One photo in ten is still on the phone: the submission shows it as missing.
      const sendPhoto = withPhoto && rng.chance(0.9);
      const files = sendPhoto ? [{ name: answers.photo!, contentType: 'image/png', bytes: PLACEHOLDER_PHOTO }] : [];
      let outcome = await submissions.receiveSubmission(db, phone, project.id, { xml: siteSubmissionXml(answers), files, deviceId: `collect:demo-${spec.country}` });
      // Some sites are counted again a few days later: an edit of the same submission.
      if (rng.chance(0.08)) {
        const edited = { ...answers, deprecatedId: answers.instanceId, instanceId: uuidOf(rng), households: answers.households + rng.int(1, 40) };
        edited.individuals = Math.round(edited.households * 6);
        outcome = await submissions.receiveSubmission(db, phone, project.id, { xml: siteSubmissionXml(edited), files: [], deviceId: `collect:demo-${spec.country}` });
        edits += 1;
      }
      received.push(outcome.submissionId);
      done += 1;
      if (done % 10 === 0) onProgress(done, total);
    }
    // The older two thirds are reviewed: most approved, a few with issues or rejected.
    const reviewed = received.slice(0, Math.round(received.length * 0.66));
    const issues = reviewed.filter((_, index) => index % 9 === 4);
    const rejected = reviewed.filter((_, index) => index % 17 === 8);
    const good = reviewed.filter((id) => !issues.includes(id) && !rejected.includes(id));
    await submissions.reviewSubmissions(db, actor, project.id, DEMO_FORM_ID, { ids: good, state: 'approved', comment: null });
    if (issues.length > 0) await submissions.reviewSubmissions(db, actor, project.id, DEMO_FORM_ID, { ids: issues, state: 'has-issues', comment: 'Ménages et personnes à vérifier avec le gestionnaire du site (démo).' });
    if (rejected.length > 0) await submissions.reviewSubmissions(db, actor, project.id, DEMO_FORM_ID, { ids: rejected, state: 'rejected', comment: 'Site compté deux fois (démo).' });
    approved += good.length;
  }
  onProgress(total, total);
  return { alreadyLoaded: false, projects: PROJECTS.length, submissions: total, edits, approved };
}

export const collectionDemo: DemoLoader = {
  label: 'field collection',
  async load(db, onProgress) {
    const report = await loadCollectionDemo(db, onProgress);
    return [
      report.alreadyLoaded
        ? '  demo field collection already loaded'
        : `  demo field collection loaded: ${report.projects} projects (fictional), a site-monitoring form, ${report.submissions} submissions (${report.edits} edited, ${report.approved} approved; synthetic)`,
    ];
  },
};
