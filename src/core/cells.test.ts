import { describe, expect, it } from 'vitest';
import { isHxlRow, isMissingMarker, parseHxl, presentText, trimCell } from './cells.js';

describe('a cell as imports read it', () => {
  it('loses the spaces spreadsheets and GIS tools leave around it, of every kind', () => {
    expect(trimCell('\u00A0 MLI0505\u202F\u200B')).toBe('MLI0505');
    expect(trimCell('\uFEFFBamako\u2060')).toBe('Bamako');
    expect(trimCell('Ségou  ville')).toBe('Ségou  ville');
  });
  it('is empty when it only says "no value", whatever the tool that wrote it', () => {
    for (const marker of ['', '<Null>', 'NULL', 'n/a', '#N/A', 'NaN', 'None', '-', ' #n/a ']) expect(presentText(marker)).toBeNull();
    expect(isMissingMarker('0')).toBe(false);
    expect(presentText('Nan-Koro')).toBe('Nan-Koro');
    expect(presentText(undefined)).toBeNull();
    expect(presentText(' 0 ')).toBe('0');
  });
});

describe('HXL hashtags', () => {
  it('read the tag and its attributes in any order and spacing, in lower case', () => {
    expect(parseHxl('#Affected +IDPs +ind')).toEqual({ tag: 'affected', attributes: new Set(['idps', 'ind']) });
    expect(parseHxl(' #adm1+code ')).toEqual({ tag: 'adm1', attributes: new Set(['code']) });
    expect(parseHxl('#affected+idps+age0_4')?.attributes.has('age0_4')).toBe(true);
    expect(parseHxl('# affected')).toBeNull();
    expect(parseHxl('#N/A')).toBeNull();
    expect(parseHxl('Région')).toBeNull();
  });
  it('make a row an HXL row when most of its filled cells are tags, as partly tagged files have', () => {
    expect(isHxlRow(['#adm1+name', '#adm1+code', '', '#affected+idps'])).toBe(true);
    expect(isHxlRow(['#org+acronym', '#sector', 'voir notes'])).toBe(true);
    expect(isHxlRow(['#org', 'Mopti', 'Bandiagara', 'Koro'])).toBe(false);
    expect(isHxlRow(['', ' '])).toBe(false);
    // An Excel error value is not a tag.
    expect(isHxlRow(['#N/A', '#REF!', '#adm1'])).toBe(false);
  });
});
