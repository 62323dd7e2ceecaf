/**
 * The response module's vocabularies: HDX HAPI organisation types, IASC cluster codes with their
 * French and English names, the local labels partners write for them, and how an organisation's
 * name or acronym folds. Pure functions, no storage.
 */

/** HDX HAPI org-type codes (the `org_type_code` of operational presence) and their descriptions. */
export const ORG_TYPES = {
  '433': { en: 'Donor', fr: 'Bailleur' },
  '434': { en: 'Embassy', fr: 'Ambassade' },
  '435': { en: 'Government', fr: 'Gouvernement' },
  '437': { en: 'International NGO', fr: 'ONG internationale' },
  '438': { en: 'International Organization', fr: 'Organisation internationale' },
  '439': { en: 'Media', fr: 'Médias' },
  '440': { en: 'Military', fr: 'Militaire' },
  '441': { en: 'National NGO', fr: 'ONG nationale' },
  '443': { en: 'Other', fr: 'Autre' },
  '444': { en: 'Private sector', fr: 'Secteur privé' },
  '445': { en: 'Red Cross / Red Crescent', fr: 'Croix-Rouge / Croissant-Rouge' },
  '446': { en: 'Religious', fr: 'Religieuse' },
  '447': { en: 'United Nations', fr: 'Nations unies' },
  '448': { en: 'Academic / Research', fr: 'Université / recherche' },
} as const satisfies Record<string, { en: string; fr: string }>;

export type OrgTypeCode = keyof typeof ORG_TYPES;
export const isOrgTypeCode = (value: string): value is OrgTypeCode => Object.hasOwn(ORG_TYPES, value);

/** IASC clusters and areas of responsibility, as HAPI's sector codes. */
export const SECTORS = {
  CCM: { en: 'Camp Coordination / Management', fr: 'Coordination et gestion des camps' },
  EDU: { en: 'Education', fr: 'Éducation' },
  ERY: { en: 'Early Recovery', fr: 'Relèvement précoce' },
  FSC: { en: 'Food Security', fr: 'Sécurité alimentaire' },
  HEA: { en: 'Health', fr: 'Santé' },
  LOG: { en: 'Logistics', fr: 'Logistique' },
  NUT: { en: 'Nutrition', fr: 'Nutrition' },
  PRO: { en: 'Protection', fr: 'Protection' },
  'PRO-CPN': { en: 'Child Protection', fr: 'Protection de l’enfance' },
  'PRO-GBV': { en: 'Gender Based Violence', fr: 'Violences basées sur le genre' },
  'PRO-HLP': { en: 'Housing, Land and Property', fr: 'Logement, terre et propriété' },
  'PRO-MIN': { en: 'Mine Action', fr: 'Action contre les mines' },
  SHL: { en: 'Emergency Shelter and NFI', fr: 'Abris d’urgence et articles non alimentaires' },
  TEL: { en: 'Emergency Telecommunications', fr: 'Télécommunications d’urgence' },
  WSH: { en: 'Water Sanitation Hygiene', fr: 'Eau, hygiène et assainissement' },
  Multi: { en: 'Multi-sector', fr: 'Multisectoriel' },
} as const satisfies Record<string, { en: string; fr: string }>;

export type SectorCode = keyof typeof SECTORS;
export const isSectorCode = (value: string): value is SectorCode => Object.hasOwn(SECTORS, value);

/** Folds a label or a name: case, accents, spaces (and nothing else: a dot or a hyphen stays). */
export function foldName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/gu, '');
}

/**
 * Local labels seen in Sahel 5W files, folded, and the cluster each means. The stored table
 * (response_sector_label) starts from these and an import may extend it with confirmation.
 */
export const SECTOR_LABELS: ReadonlyArray<readonly [string, SectorCode]> = [
  ['Abris/AME', 'SHL'],
  ['Abris', 'SHL'],
  ['AME', 'SHL'],
  ['Abris et AME', 'SHL'],
  ['Shelter/NFI', 'SHL'],
  ['Shelter', 'SHL'],
  ['EHA', 'WSH'],
  ['WASH', 'WSH'],
  ['Eau, hygiène et assainissement', 'WSH'],
  ['Protection', 'PRO'],
  ['Protection VBG', 'PRO-GBV'],
  ['VBG', 'PRO-GBV'],
  ['GBV', 'PRO-GBV'],
  ['Protection de l’enfance', 'PRO-CPN'],
  ['Protection de l\'enfance', 'PRO-CPN'],
  ['Child Protection', 'PRO-CPN'],
  ['Protection de l\'enfant', 'PRO-CPN'],
  ['Protection de l’enfant', 'PRO-CPN'],
  ['Education', 'EDU'],
  ['Éducation', 'EDU'],
  ['Santé', 'HEA'],
  ['Health', 'HEA'],
  ['Nutrition', 'NUT'],
  ['Sécurité alimentaire', 'FSC'],
  ['Food Security', 'FSC'],
  ['CCCM', 'CCM'],
  ['Gestion des Sites d’Accueil Temporaires', 'CCM'],
  ['GSAT', 'CCM'],
  ['Protection - PE', 'PRO-CPN'],
  ['Protection - VBG', 'PRO-GBV'],
  ['Protection - LAM', 'PRO-MIN'],
  ['Protection - LTB', 'PRO-HLP'],
  ['CCCM/CCM', 'CCM'],
  ['Logistique', 'LOG'],
  ['Logistics', 'LOG'],
  ['Relèvement précoce', 'ERY'],
  ['Early Recovery', 'ERY'],
  ['Multi-secteur', 'Multi'],
  ['Multisectoriel', 'Multi'],
  ['Multi-sector', 'Multi'],
];

/** The cluster a label names: a code as such, a built-in label, or one of the stored ones (already folded). */
export function sectorOfLabel(label: string, stored: ReadonlyMap<string, string> = new Map()): string | null {
  const trimmed = label.trim();
  if (isSectorCode(trimmed)) return trimmed;
  const folded = foldName(trimmed);
  const upper = Object.keys(SECTORS).find((code) => foldName(code) === folded);
  if (upper) return upper;
  const builtIn = SECTOR_LABELS.find(([local]) => foldName(local) === folded);
  if (builtIn) return builtIn[1];
  return stored.get(folded) ?? null;
}

/** Letter bigrams of a folded name (dots and hyphens dropped for the score only). */
function bigrams(text: string): string[] {
  const letters = foldName(text).replace(/[^\p{L}\p{N}]/gu, '');
  if (letters.length < 2) return letters.length === 1 ? [letters] : [];
  return Array.from({ length: letters.length - 1 }, (_, index) => letters.slice(index, index + 2));
}

/**
 * How alike two organisation names are, 0 to 1 (Sørensen–Dice over letter bigrams). Only a
 * proposal: "A.C.F." and "ACF" score 1 yet a person confirms the merge, since two acronyms that
 * differ by a dot may be two organisations.
 */
export function similarity(a: string, b: string): number {
  const left = bigrams(a);
  const right = bigrams(b);
  if (left.length === 0 || right.length === 0) return 0;
  const pool = new Map<string, number>();
  for (const gram of right) pool.set(gram, (pool.get(gram) ?? 0) + 1);
  let shared = 0;
  for (const gram of left) {
    const count = pool.get(gram) ?? 0;
    if (count > 0) {
      shared += 1;
      pool.set(gram, count - 1);
    }
  }
  return Math.round(((2 * shared) / (left.length + right.length)) * 1000) / 1000;
}

export interface MergeProposal {
  id: number;
  acronym: string;
  name: string;
  score: number;
}

/** Existing organisations that may be the one named, best first, above a score (never merged automatically). */
export function proposeMerges(
  candidate: { acronym: string; name: string },
  organisations: ReadonlyArray<{ id: number; acronym: string; name: string }>,
  threshold = 0.6,
): MergeProposal[] {
  return organisations
    // Only what a proposal is: callers pass whole organisation rows, which are not theirs to answer.
    .map(({ id, acronym, name }) => ({
      id,
      acronym,
      name,
      score: Math.max(similarity(candidate.acronym, acronym), similarity(candidate.name, name)),
    }))
    .filter((proposal) => proposal.score >= threshold)
    .sort((a, b) => b.score - a.score || a.id - b.id);
}
