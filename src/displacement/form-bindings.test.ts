import { describe, expect, it } from 'vitest';
import type { ChoiceLabels } from '../collection/form-choices.js';
import { extractCell } from './form-bindings.js';

const choices: ChoiceLabels = {
  '/data/site_type': {
    camp: ['Site planifié', 'Planned site'],
    spontaneous: ['Site spontané', 'Spontaneous site'],
    host: ['Familles d’accueil', 'Host families'],
    inconnu: ['Autre chose', 'Something else'],
  },
  '/data/raison': { conflit: ['Conflit armé'] },
};

describe('a bound form’s answers written as round cells', () => {
  const cell = extractCell(choices, { '/data/site_type': 'settlementType', '/data/raison': 'reason', '/data/nom_site': 'locationName' });

  it('keeps a choice code DTM’s vocabulary reads, and writes the label of one it does not', () => {
    expect(cell('/data/raison', 'conflit')).toBe('conflit');
    expect(cell('/data/site_type', 'spontaneous')).toBe('spontaneous');
    expect(cell('/data/site_type', 'host')).toBe('Familles d’accueil');
  });

  it('leaves a value read by neither as sent (the import names it), and text and empty answers as they are', () => {
    expect(cell('/data/site_type', 'inconnu')).toBe('inconnu');
    expect(cell('/data/site_type', 'not-a-choice')).toBe('not-a-choice');
    expect(cell('/data/nom_site', 'Spontaneous site')).toBe('Spontaneous site');
    expect(cell('/data/nom_site', '')).toBeNull();
    expect(cell('/data/nom_site', undefined)).toBeNull();
  });
});
