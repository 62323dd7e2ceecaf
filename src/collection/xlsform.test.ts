import ExcelJS from 'exceljs';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { describe, expect, it } from 'vitest';
import { sharedFixture } from '../../test/support/fixtures.js';
import { convertXlsForm, type XlsFormProblem, type XlsFormResult } from './xlsform.js';
import { readXForm } from './xform.js';
import { xlsformMessages } from './xlsform-messages.js';

/**
 * An XForm reduced to what a form means, not how it is written: the primary instance's paths
 * (root renamed "data": pyxform's tests name it after the file), secondary instances, binds,
 * body controls with their labels, and itext translations. Expressions lose their whitespace.
 */
interface Structure {
  instance: string[];
  secondary: Record<string, string[]>;
  binds: Record<string, Record<string, string>>;
  body: string[];
  itext: Record<string, Record<string, string>>;
}

const BIND_KEYS = ['type', 'relevant', 'constraint', 'required', 'calculate', 'readonly', 'jr:preload', 'jr:preloadParams', 'jr:constraintMsg', 'jr:requiredMsg'];

function structure(xml: string): Structure {
  const parser = new SaxesParser({ xmlns: true });
  const result: Structure = { instance: [], secondary: {}, binds: {}, body: [], itext: {} };
  const stack: SaxesTagNS[] = [];
  let root = '';
  let primary: string[] | null = null;
  let secondary: { id: string; path: string[]; item: string[] } | null = null;
  let inBody = false;
  let lang = '';
  let textId = '';
  let text: string[] | null = null;
  const norm = (value: string): string => (root === '' ? value : value.split(`/${root}/`).join('/data/').split(`/${root} `).join('/data ')).replace(/\s+/g, '');
  parser.on('opentag', (tag) => {
    stack.push(tag);
    const attr = (name: string): string | undefined => tag.attributes[name]?.value;
    if (text !== null) {
      if (tag.local === 'output') text.push(`{${norm(attr('value') ?? '')}}`);
      return;
    }
    if (primary !== null) {
      primary.push(tag.local);
      if (primary.length === 1) root = tag.local;
      result.instance.push(`/${['data', ...primary.slice(1)].join('/')}${attr('jr:template') === undefined ? '' : '[template]'}`);
      return;
    }
    if (secondary !== null) {
      secondary.path.push(tag.local);
      return;
    }
    if (tag.local === 'instance' && !inBody) {
      const id = attr('id');
      if (id === undefined) primary = [];
      else {
        secondary = { id, path: [], item: [] };
        result.secondary[id] = attr('src') === undefined ? [] : [`src=${attr('src')!}`];
      }
    } else if (tag.local === 'bind') {
      const nodeset = norm(attr('nodeset') ?? '');
      const bind: Record<string, string> = {};
      for (const key of BIND_KEYS) {
        const value = attr(key);
        if (value !== undefined && !(key === 'required' && value === 'false()')) bind[key] = key.startsWith('jr:') && !key.startsWith('jr:preload') ? value.replace(/\s+/g, ' ').trim() : norm(value);
      }
      result.binds[nodeset] = bind;
    } else if (tag.local === 'body') inBody = true;
    else if (tag.local === 'translation') lang = attr('lang') ?? '';
    else if (tag.local === 'text' && !inBody) textId = norm(attr('id') ?? '');
    else if (tag.local === 'value' && textId !== '' && !inBody) text = [`${attr('form') ?? 'text'}:`];
    else if (inBody) {
      const parts = [tag.local, ...['ref', 'nodeset', 'appearance', 'mediatype', 'jr:count'].map((key) => (attr(key) === undefined ? '' : `${key}=${norm(attr(key)!)}`)).filter((part) => part !== '')];
      if (tag.local === 'label' || tag.local === 'hint') text = [parts.join(' ') + ':'];
      else result.body.push(parts.join(' '));
    }
  });
  parser.on('text', (value) => {
    if (text !== null) text.push(value);
    else if (secondary !== null && secondary.path.length === 3) secondary.item.push(`${secondary.path[2]!}=${value.trim()}`);
  });
  parser.on('closetag', (tag) => {
    stack.pop();
    if (text !== null && (tag.local === 'value' || tag.local === 'label' || tag.local === 'hint')) {
      const joined = text.join('').replace(/\s+/g, ' ').trim();
      if (inBody) result.body.push(joined);
      else {
        const texts = (result.itext[lang] ??= {});
        texts[textId] = `${texts[textId] ?? ''}${joined};`;
      }
      text = null;
      return;
    }
    if (text !== null) return;
    if (primary !== null) {
      if (primary.length === 0) primary = null;
      else primary.pop();
      if (tag.local === 'instance' && primary !== null && primary.length === 0) primary = null;
      return;
    }
    if (secondary !== null) {
      if (tag.local === 'item' && secondary.path.length === 2) {
        result.secondary[secondary.id]!.push(secondary.item.sort().join('|'));
        secondary.item = [];
      }
      if (secondary.path.length === 0) secondary = null;
      else secondary.path.pop();
      return;
    }
    if (tag.local === 'text') textId = '';
  });
  parser.write(xml).close();
  return result;
}

const converted = (result: XlsFormResult): Extract<XlsFormResult, { xform: string }> => {
  if ('problems' in result) throw new Error(`refused: ${JSON.stringify(result.problems)}`);
  return result;
};
const refused = (result: XlsFormResult): XlsFormProblem[] => {
  if (!('problems' in result)) throw new Error('the form was converted');
  return result.problems;
};

describe('XLSForm pairs made by pyxform', () => {
  for (const name of ['pyxform/or_other', 'pyxform/survey_no_name', 'pyxform/pull_data']) {
    const xlsx = sharedFixture(`xlsforms/pairs/${name}.xlsx`);
    const xml = sharedFixture(`xlsforms/pairs/${name}.xml`);
    it.skipIf(!xlsx.exists)(xlsx.title(`${name} converts to the XForm pyxform made, structure for structure`), async () => {
      const result = converted(await convertXlsForm(xlsx.bytes(), { fileName: `${name.split('/')[1]!}.xlsx` }));
      expect(result.warnings).toEqual([]);
      const reference = structure(xml.text());
      expect(structure(result.xform)).toEqual(reference);
      // The comparison is not vacuous: it sees binds and controls, and a changed bind differs.
      expect(Object.keys(reference.binds).length).toBeGreaterThan(1);
      expect(reference.body.length).toBeGreaterThan(1);
      expect(structure(result.xform.replace('type="string"', 'type="int"'))).not.toEqual(reference);
      const read = readXForm(xml.text());
      const ours = readXForm(result.xform);
      expect(ours.formId).toBe(read.formId);
      expect(ours.title).toBe(read.title);
    });
  }

  // Its French labels are Google Sheets formulas, refused as such (below); with their values
  // pasted, as the refusal asks, the workbook converts to pyxform's XForm.
  const socio = sharedFixture('xlsforms/pairs/web-forms/socio-economic-survey-v20240515.xlsx');
  const socioXml = sharedFixture('xlsforms/pairs/web-forms/socio-economic-survey-v20240515.xml');
  it.skipIf(!socio.exists)(socio.title('web-forms/socio-economic-survey, formulas pasted as values, converts to the XForm pyxform made'), async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(socio.bytes().buffer as ArrayBuffer);
    for (const sheet of book.worksheets) {
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          const value = cell.value;
          if (typeof value === 'object' && value !== null && 'formula' in value) cell.value = value.result ?? null;
        }),
      );
    }
    const result = converted(await convertXlsForm(Buffer.from(await book.xlsx.writeBuffer()), { fileName: 'socio-economic-survey-v20240515.xlsx' }));
    const reference = structure(socioXml.text());
    const ours = structure(result.xform);
    expect(ours.instance).toEqual(reference.instance);
    expect(ours.binds).toEqual(reference.binds);
    expect(ours.body).toEqual(reference.body);
    expect(ours.secondary).toEqual(reference.secondary);
    // The workbook's cached translations have typographic apostrophes where pyxform's XForm,
    // made from an earlier evaluation of the same formulas, has straight ones.
    const straight = (itext: Structure['itext']): unknown => JSON.parse(JSON.stringify(itext).replace(/’/g, "'"));
    expect(straight(ours.itext)).toEqual(straight(reference.itext));
  });

  // These use features outside the subset: each is refused with positions, never half-converted.
  const refusals: Array<[string, XlsFormProblem[]]> = [
    ['pyxform/attribute_columns_test', [
      { code: 'collection.xlsform.formula', sheet: 'survey', row: 22, column: 'K' },
      { code: 'collection.xlsform.formula', sheet: 'survey', row: 57, column: 'B' },
      { code: 'collection.xlsform.unsupportedColumn', sheet: 'survey', row: 9, column: 'T', params: { header: 'audio' } },
      { code: 'collection.xlsform.unknownType', sheet: 'survey', row: 35, column: 'A', params: { type: 'barcode' } },
      { code: 'collection.xlsform.unsupportedSetting', sheet: 'settings', row: 2, column: 'C', params: { header: 'public_key' } },
    ]],
    ['pyxform/flat_xlsform_test', [
      { code: 'collection.xlsform.formula', sheet: 'survey', row: 57, column: 'B' },
      { code: 'collection.xlsform.unknownType', sheet: 'survey', row: 50, column: 'A', params: { type: 'uri:deviceid' } },
    ]],
    ['pyxform/xlsform_spec_test', [
      { code: 'collection.xlsform.formula', sheet: 'survey', row: 22, column: 'K' },
      { code: 'collection.xlsform.unknownType', sheet: 'survey', row: 37, column: 'A', params: { type: 'audio' } },
    ]],
    ['web-forms/all-question-types-v2024091201-3', [
      { code: 'collection.xlsform.unknownType', sheet: 'survey', row: 22, column: 'A', params: { type: 'range' } },
      { code: 'collection.xlsform.unknownType', sheet: 'survey', row: 40, column: 'A', params: { type: 'barcode' } },
      { code: 'collection.xlsform.invalidParameters', sheet: 'survey', row: 34, column: 'M', params: { value: 'app=com.jeyluta.timestampcamerafree' } },
    ]],
    ['web-forms/socio-economic-survey-v20240515', [{ code: 'collection.xlsform.formula', sheet: 'choices', row: 2, column: 'D' }]],
  ];
  for (const [name, expected] of refusals) {
    const xlsx = sharedFixture(`xlsforms/pairs/${name}.xlsx`);
    it.skipIf(!xlsx.exists)(xlsx.title(`${name} is refused where it leaves the subset`), async () => {
      const problems = refused(await convertXlsForm(xlsx.bytes(), { fileName: `${name}.xlsx` }));
      expect(problems).toEqual(expect.arrayContaining(expected));
      for (const problem of problems) expect(xlsformMessages).toHaveProperty([problem.code]);
    });
  }
});

describe('the REACH MSNA XLSForm', () => {
  const reach = sharedFixture('xlsforms/REACH_2024_MSNA-kobo-tool_draft_v11.xlsx');
  it.skipIf(!reach.exists)(reach.title('converts, and its XForm reads back with its repeats, cascades and two languages'), async () => {
    const result = converted(await convertXlsForm(reach.bytes(), { fileName: 'REACH_2024_MSNA-kobo-tool_draft_v11.xlsx' }));
    // Its annotation columns (priority, theme, indicator…) are not XLSForm: left out, and said so.
    expect(result.warnings.map((warning) => warning.params?.header)).toEqual(['priority', 'level', 'theme', 'module', 'indicator', 'index']);
    const form = readXForm(result.xform);
    expect(form.formId).toBe('REACH_2024_MSNA-kobo-tool_draft_v11');
    expect(form.version).toMatch(/^[0-9a-f]{12}$/);
    expect(form.languages).toEqual(['english', 'french']);
    expect(form.questions.filter((question) => question.kind === 'repeat')).toHaveLength(4);
    expect(form.hasInstanceId).toBe(true);
    expect(result.xform).toContain('/root/item[');
    expect(result.xform).toContain('odk:track-changes="true"');
  });
});

async function workbook(survey: unknown[][], choices: unknown[][] | null = null, build?: (book: ExcelJS.Workbook) => void): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('survey');
  for (const row of survey) sheet.addRow(row);
  if (choices !== null) {
    const list = book.addWorksheet('choices');
    for (const row of choices) list.addRow(row);
  }
  build?.(book);
  return Buffer.from(await book.xlsx.writeBuffer());
}

const HEADER = ['type', 'name', 'label::Français (fr)', 'label::English (en)', 'relevant', 'repeat_count', 'choice_filter'];

describe('converting a small Sahel form', () => {
  it('writes groups, repeats, cascades, languages and metadata as pyxform would', async () => {
    const bytes = await workbook(
      [
        HEADER,
        ['start', 'start'],
        ['select_one region', 'region', 'Région', 'Region'],
        ['select_one cercle', 'cercle', 'Cercle', 'Cercle', null, null, 'region=${region}'],
        ['integer', 'hh_size', 'Taille du ménage', 'Household size'],
        ['begin_repeat', 'member', 'Membre', 'Member', null, '${hh_size}'],
        ['text', 'first_name', 'Prénom', 'First name'],
        ['end_repeat'],
        ['begin group', 'wash', 'EHA', 'WASH', '${hh_size} > 0'],
        ['note', 'thanks', 'Merci ${first_name}', 'Thanks ${first_name}'],
        ['end group'],
      ],
      [['list_name', 'name', 'label::Français (fr)', 'label::English (en)', 'region'], ['region', 'mopti', 'Mopti', 'Mopti'], ['cercle', 'bandiagara', 'Bandiagara', 'Bandiagara', 'mopti']],
    );
    const result = converted(await convertXlsForm(bytes, { fileName: 'evaluation_site.xlsx' }));
    expect(result).toMatchObject({ formId: 'evaluation_site', title: 'evaluation_site' });
    const shape = structure(result.xform);
    expect(shape.instance).toEqual(expect.arrayContaining(['/data/member[template]', '/data/member/first_name', '/data/wash/thanks', '/data/meta/instanceID']));
    expect(shape.binds['/data/start']).toEqual({ type: 'dateTime', 'jr:preload': 'timestamp', 'jr:preloadParams': 'start' });
    expect(shape.binds['/data/wash']).toEqual({ relevant: '/data/hh_size>0' });
    expect(shape.body).toContain("itemset nodeset=instance('cercle')/root/item[region=/data/region]");
    expect(shape.body).toContain('repeat nodeset=/data/member jr:count=/data/hh_size');
    expect(shape.itext['English (en)']!['/data/wash/thanks:label']).toBe('text:Thanks {/data/member/first_name};');
    expect(readXForm(result.xform).languages).toEqual(['Français (fr)', 'English (en)']);
  });

  it('shows images per language through itext', async () => {
    const bytes = await workbook([['type', 'name', 'label::Français (fr)', 'media::image::Français (fr)'], ['note', 'pump', 'La pompe', 'pompe.jpg']]);
    const shape = structure(converted(await convertXlsForm(bytes)).xform);
    expect(shape.itext['Français (fr)']!['/data/pump:label']).toBe('text:La pompe;image:jr://images/pompe.jpg;');
  });

  it('gives the same version to the same bytes without settings', async () => {
    const bytes = await workbook([['type', 'name', 'label'], ['text', 'site', 'Site']]);
    const first = converted(await convertXlsForm(bytes));
    expect(converted(await convertXlsForm(bytes)).version).toBe(first.version);
    expect(first.formId).toBe('data');
  });
});

describe('hostile or broken workbooks', () => {
  it('refuses formula cells with their position', async () => {
    const bytes = await workbook([['type', 'name', 'label'], ['text', 'site', { formula: 'CONCATENATE("Si","te")', result: 'Site' }]]);
    expect(refused(await convertXlsForm(bytes))).toEqual([{ code: 'collection.xlsform.formula', sheet: 'survey', row: 2, column: 'C' }]);
  });

  it('refuses an unknown type, a duplicate name and an unknown choice list', async () => {
    const bytes = await workbook([['type', 'name', 'label'], ['barcode', 'code', 'Code'], ['text', 'site', 'Site'], ['integer', 'site', 'Site'], ['select_one nowhere', 'where', 'Où']], [['list_name', 'name', 'label']]);
    expect(refused(await convertXlsForm(bytes))).toEqual([
      { code: 'collection.xlsform.unknownType', sheet: 'survey', row: 2, column: 'A', params: { type: 'barcode' } },
      { code: 'collection.xlsform.duplicateName', sheet: 'survey', row: 4, column: 'B', params: { name: 'site', first: 3 } },
      { code: 'collection.xlsform.unknownChoiceList', sheet: 'survey', row: 5, column: 'A', params: { list: 'nowhere' } },
    ]);
  });

  it('refuses an unclosed group and an end without a begin', async () => {
    const bytes = await workbook([['type', 'name', 'label'], ['end repeat'], ['begin_group', 'household', 'Ménage'], ['text', 'head', 'Chef']]);
    expect(refused(await convertXlsForm(bytes))).toEqual([
      { code: 'collection.xlsform.unmatchedGroup', sheet: 'survey', row: 2, column: 'A', params: { type: 'end repeat', expected: 'begin repeat' } },
      { code: 'collection.xlsform.unmatchedGroup', sheet: 'survey', row: 3, column: 'A', params: { type: 'begin group', expected: 'end group' } },
    ]);
  });

  it('reads a sheet formatted down to row 1,048,576 and refuses a value past the limit', async () => {
    const phantom = await workbook([['type', 'name', 'label'], ['text', 'site', 'Site']], null, (book) => {
      const survey = book.getWorksheet('survey')!;
      survey.getCell('A1048576').style = { font: { bold: true } };
    });
    expect(converted(await convertXlsForm(phantom)).xform).toContain('<site/>');
    const far = await workbook([['type', 'name', 'label'], ['text', 'site', 'Site']], null, (book) => {
      book.getWorksheet('survey')!.getCell('A1048576').value = 'text';
    });
    expect(refused(await convertXlsForm(far))).toEqual([{ code: 'collection.xlsform.tooManyRows', sheet: 'survey', row: 1_048_576, params: { limit: 20_000 } }]);
  });

  it('refuses a hidden survey sheet and a calculate without calculation', async () => {
    const hidden = await workbook([['type', 'name', 'label'], ['text', 'site', 'Site']], [['list_name', 'name', 'label']], (book) => {
      book.getWorksheet('survey')!.state = 'hidden';
    });
    expect(refused(await convertXlsForm(hidden))[0]).toEqual({ code: 'collection.xlsform.hiddenSheet', sheet: 'survey' });
    const calculate = await workbook([['type', 'name', 'calculation'], ['calculate', 'total']]);
    expect(refused(await convertXlsForm(calculate))).toEqual([{ code: 'collection.xlsform.missingCalculation', sheet: 'survey', row: 2, column: 'C' }]);
  });

  it('refuses a file that is not a workbook, and a workbook without a survey', async () => {
    expect(refused(await convertXlsForm(Buffer.from('type,name,label\ntext,site,Site\n')))).toEqual([{ code: 'collection.xlsform.notXlsx', sheet: '' }]);
    expect(refused(await convertXlsForm(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])))).toEqual([{ code: 'collection.xlsform.notXlsx', sheet: '' }]);
    const twoSheets = await workbook([['type']], [['list_name']]);
    expect(refused(await convertXlsForm(twoSheets))[0]).toMatchObject({ code: 'collection.xlsform.missingColumn' });
  });

  it('has a French and an English message for every code', () => {
    for (const entry of Object.values(xlsformMessages)) {
      expect(entry.fr).not.toBe('');
      expect([400, 422]).toContain(entry.status);
    }
  });
});
