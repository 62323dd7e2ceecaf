import type { CatalogueEntry } from '../core/errors.js';

/** Catalogue entries of the geography module (merged into the one catalogue in core/errors.ts). */
export const geoMessages = {
  'geo.unit.notFound': {
    status: 404,
    en: 'No admin unit has the P-code {pcode}.',
    fr: 'Aucune unité administrative n’a le P-code {pcode}.',
  },
} satisfies Record<string, CatalogueEntry>;
