import type { Language } from './errors.js';

/**
 * Picks French or English from an Accept-Language header: the most preferred of the two wins;
 * English when the header names neither (the API's default audience is international).
 */
export function pickLanguage(header: string | string[] | undefined): Language {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  let best: { language: Language; quality: number; position: number } | null = null;
  value.split(',').forEach((part, position) => {
    const [tag = '', ...parameters] = part.trim().toLowerCase().split(';');
    const language = tag.startsWith('fr') ? 'fr' : tag.startsWith('en') ? 'en' : null;
    if (language === null) return;
    const qualityParameter = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const quality = qualityParameter === undefined ? 1 : Number(qualityParameter.slice(2));
    if (!Number.isFinite(quality) || quality <= 0) return;
    if (best === null || quality > best.quality) best = { language, quality, position };
  });
  return (best as { language: Language } | null)?.language ?? 'en';
}
