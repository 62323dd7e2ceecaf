import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_SITE_FORM } from '../demo/collection-demo.js';
import { labelIn, readXFormLabels } from './xform-labels.js';

const PAIRS = join(import.meta.dirname, '../../../shared/data/xlsforms/pairs/web-forms');

describe('labels of a form', () => {
  it('reads itext labels of questions and inline choices in each language, in a repeat too', () => {
    const labels = readXFormLabels(DEMO_SITE_FORM);
    expect(labels.defaultLanguage).toBe('Français (fr)');
    expect(labels.questions['/data/site_name']).toEqual({ 'Français (fr)': 'Nom du site', 'English (en)': 'Site name' });
    expect(labelIn(labels.choices['/data/site_type']?.camp, 'en', labels.defaultLanguage)).toBe('Planned site');
    expect(labelIn(labels.choices['/data/need/priority']?.water, 'fr', labels.defaultLanguage)).toBe('Eau, hygiène et assainissement');
    expect(labelIn(labels.questions['/data/need/people'], 'en', labels.defaultLanguage)).toBe('People concerned');
    // A question the body does not show (meta) has no label.
    expect(labels.questions['/data/meta/instanceID']).toBeUndefined();
  });

  it('falls back to the form’s default language, then to inline labels of forms without translations', () => {
    const inline = `<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml"><h:head><model><instance><data id="f"><q/><g><r/></g></data></instance></model></h:head>
      <h:body><input ref="/data/q"><label>Nombre de tentes <output value=" /data/g/r "/></label></input><group ref="/data/g"><label>Groupe</label><select1 ref="r"><label>Choix</label><item><label>Oui</label><value>1</value></item><item><label>Non</label><value>0</value></item></select1></group></h:body></h:html>`;
    const labels = readXFormLabels(inline);
    expect(labels.defaultLanguage).toBe('');
    expect(labelIn(labels.questions['/data/q'], 'en', labels.defaultLanguage)).toBe('Nombre de tentes ${r}');
    // A relative ref inside a group is the group's path plus the ref.
    expect(labelIn(labels.questions['/data/g/r'], 'fr', '')).toBe('Choix');
    expect(labels.choices['/data/g/r']).toEqual({ 1: { '': 'Oui' }, 0: { '': 'Non' } });
    expect(labelIn({ French: 'Oui', English: 'Yes' }, 'en', 'French')).toBe('Yes');
    expect(labelIn({ French: 'Oui', English: 'Yes' }, 'fr', 'English')).toBe('Oui');
    expect(labelIn({ Hausa: 'Ee', English: 'Yes' }, 'fr', 'English')).toBe('Yes');
    expect(labelIn(undefined, 'fr', '')).toBeNull();
  });

  it.runIf(existsSync(PAIRS))('reads pyxform’s itemsets over secondary instances, by label field and by itext id (real forms)', () => {
    const all = readXFormLabels(readFileSync(join(PAIRS, 'all-question-types-v2024091201-3.xml'), 'utf8'));
    expect(Object.keys(all.choices['/data/select_one_question_types/select_one'] ?? {})).toEqual(['a', 'b', 'c', 'd']);
    expect(labelIn(all.questions['/data/other_question_types/rank'], 'en', all.defaultLanguage)).toBe('Rank');
    const survey = readXFormLabels(readFileSync(join(PAIRS, 'socio-economic-survey-v20240515.xml'), 'utf8'));
    const gender = survey.choices['/data/familyMembers/persons/gender'] ?? {};
    expect(Object.keys(gender).length).toBeGreaterThan(1);
    expect(Object.values(gender).every((label) => labelIn(label, 'en', survey.defaultLanguage) !== null)).toBe(true);
    expect(labelIn(survey.questions['/data/familyMembers/persons/firstNameFM'], 'en', survey.defaultLanguage)).not.toBeNull();
  });
  it.skipIf(existsSync(PAIRS))('real pyxform forms: skipped, ../shared/data/xlsforms/pairs/web-forms is absent', () => undefined);
});
