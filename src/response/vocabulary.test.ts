import { describe, expect, it } from 'vitest';
import { foldName, proposeMerges, sectorOfLabel, similarity } from './vocabulary.js';

describe('sector labels', () => {
  it('reads the local labels of Sahel 5W files as IASC cluster codes', () => {
    expect(sectorOfLabel('Abris/AME')).toBe('SHL');
    expect(sectorOfLabel(' EHA ')).toBe('WSH');
    expect(sectorOfLabel('Protection VBG')).toBe('PRO-GBV');
    expect(sectorOfLabel('protection  vbg')).toBe('PRO-GBV');
    expect(sectorOfLabel('Multi-secteur')).toBe('Multi');
    expect(sectorOfLabel('Education')).toBe('EDU');
    expect(sectorOfLabel('wsh')).toBe('WSH');
    expect(sectorOfLabel('Pêche')).toBeNull();
    expect(sectorOfLabel('Peche', new Map([['peche', 'FSC']]))).toBe('FSC');
  });
});

describe('organisation names', () => {
  it('folds case, accents and spaces only', () => {
    expect(foldName('Médecins  Sans Frontières')).toBe(foldName('medecins sans frontieres'));
    expect(foldName('A.C.F.')).not.toBe(foldName('ACF'));
  });

  it('proposes merges with a score, never deciding them', () => {
    const organisations = [
      { id: 1, acronym: 'ACF', name: 'Action contre la Faim' },
      { id: 2, acronym: 'NRC', name: 'Norwegian Refugee Council' },
    ];
    const proposals = proposeMerges({ acronym: 'A.C.F.', name: 'Action Contre La Faim - Mali' }, organisations);
    expect(proposals.map((proposal) => proposal.id)).toEqual([1]);
    expect(proposals[0]!.score).toBe(1);
    expect(similarity('NRC', 'IRC')).toBeLessThan(0.6);
  });
});
