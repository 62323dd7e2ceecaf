import { describe, expect, it } from 'vitest';
import { sharedFixture } from '../../test/support/fixtures.js';
import { readXForm, XFormProblem, type XFormProblemReason } from './xform.js';

const form = (model: string, body = '', root = '<data id="site_assessment" version="2026120501"><site/><household><size/></household><meta><instanceID/></meta></data>'): string =>
  `<?xml version="1.0"?><h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa"><h:head><h:title>Évaluation de site</h:title><model><instance>${root}</instance>${model}</model></h:head><h:body>${body}</h:body></h:html>`;

function refusal(xml: string): XFormProblemReason {
  try {
    readXForm(xml);
  } catch (error) {
    if (error instanceof XFormProblem) return error.reason;
    throw error;
  }
  throw new Error('the form was accepted');
}

describe('reading an XForm', () => {
  it('reads the id, version, title, questions, binds and languages of a small form', () => {
    const definition = readXForm(
      form(
        '<itext><translation lang="Français (fr)"/><translation lang="English (en)"/></itext><bind nodeset="/data/household/size" type="int" constraint=". &lt; 50" required="true()"/><bind nodeset="/data/meta/instanceID" type="string" jr:preload="uid"/>',
      ),
    );
    expect(definition).toMatchObject({ formId: 'site_assessment', version: '2026120501', title: 'Évaluation de site', languages: ['Français (fr)', 'English (en)'], hasInstanceId: true });
    expect(definition.questions).toEqual([
      { path: '/data/site', kind: 'leaf' },
      { path: '/data/household', kind: 'group' },
      { path: '/data/household/size', kind: 'leaf' },
      { path: '/data/meta', kind: 'group' },
      { path: '/data/meta/instanceID', kind: 'leaf' },
    ]);
    expect(definition.binds[0]).toEqual({ nodeset: '/data/household/size', type: 'int', relevant: null, constraint: '. < 50', required: 'true()', calculate: null });
  });

  it('marks repeats, and reads only the primary instance (secondary instances are choice lists)', () => {
    const xml = form('<instance id="villages"><root><item><name>Kaya</name></item></root></instance>', '<group ref="/data/household"><repeat nodeset="/data/household"><input ref="/data/household/size"/></repeat></group>');
    const definition = readXForm(xml);
    expect(definition.questions.find((question) => question.path === '/data/household')?.kind).toBe('repeat');
    expect(definition.questions.some((question) => question.path.includes('item'))).toBe(false);
  });

  it('refuses an external entity (XXE) and an entity bomb before anything is expanded', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE h:html [<!ENTITY secret SYSTEM "file:///etc/passwd">]>${form('').replace('<?xml version="1.0"?>', '').replace('<site/>', '<site>&secret;</site>')}`;
    expect(refusal(xxe)).toBe('doctype');
    const laughs = Array.from({ length: 9 }, (_, level) => `<!ENTITY lol${level + 1} "${`&lol${level};`.repeat(10)}">`).join('');
    const bomb = `<?xml version="1.0"?><!DOCTYPE h:html [<!ENTITY lol0 "lol">${laughs}]>${form('').replace('<?xml version="1.0"?>', '').replace('<site/>', '<site>&lol9;</site>')}`;
    expect(refusal(bomb)).toBe('doctype');
  });

  it('says what is wrong with forms it cannot serve, and where', () => {
    expect(refusal('<h:html xmlns:h="http://www.w3.org/1999/xhtml"><h:head>')).toBe('malformed');
    expect(refusal('<form><field/></form>')).toBe('notXForm');
    expect(refusal(form('', '', '<data><site/></data>'))).toBe('noFormId');
    expect(refusal(form('<submission base64RsaPublicKey="MIIBIjANBgkq" method="post"/>'))).toBe('encrypted');
    expect(refusal(`<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml"><h:head><model/></h:head></h:html>`)).toBe('noInstance');
    expect(refusal(form('').replace('<site/>', `<site>${'x'.repeat(11 * 1024 * 1024)}</site>`))).toBe('tooLarge');
    try {
      readXForm('<h:html xmlns:h="http://www.w3.org/1999/xhtml">\n<h:head></h:body>');
    } catch (error) {
      expect((error as XFormProblem).line).toBe(2);
    }
  });

  for (const name of ['all-question-types-v2024091201-3', 'socio-economic-survey-v20240515']) {
    const fixture = sharedFixture(`xlsforms/pairs/web-forms/${name}.xml`);
    it.skipIf(!fixture.exists)(fixture.title(`reads the real XForm ${name} that pyxform made`), () => {
      const definition = readXForm(fixture.text());
      expect(definition.formId).not.toBe('');
      expect(definition.hasInstanceId).toBe(true);
      expect(definition.questions.length).toBeGreaterThan(5);
      // Every bind points at a node of the primary instance.
      const paths = new Set(definition.questions.map((question) => question.path));
      expect(definition.binds.filter((bind) => !paths.has(bind.nodeset))).toEqual([]);
    });
  }
});
