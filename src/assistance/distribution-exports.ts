/**
 * A distribution's sheets for the field team, as XLSX: the list (who is to receive, with a
 * column to sign or print a thumb on) and the receipts recorded. Households whose consent is
 * withdrawn are left out; names and phones only when asked for field by field and held
 * (`assistance.personal`). The route records every download as a read of personal data.
 */
import { can, type Principal } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import { AppError } from '../core/errors.js';
import { toXlsx, type ExportColumn } from '../core/exports.js';
import * as q from './distribution-queries.js';
import { visible } from './distributions.js';

export const SHEETS = ['list', 'receipts'] as const;
export type Sheet = (typeof SHEETS)[number];
/** Personal fields a sheet may carry, each one asked for by name (opt-in). */
export const PERSONAL_FIELDS = ['name', 'spokenName', 'phone'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

type Language = 'en' | 'fr';
const words = {
  household: { en: 'Household', fr: 'Ménage' },
  site: { en: 'Site', fr: 'Site' },
  members: { en: 'Members', fr: 'Membres' },
  name: { en: 'Representative', fr: 'Représentant' },
  spokenName: { en: 'Name as spoken', fr: 'Nom tel que prononcé' },
  phone: { en: 'Phone', fr: 'Téléphone' },
  receivedAt: { en: 'Received on', fr: 'Reçu le' },
  receivedBy: { en: 'Received by', fr: 'Reçu par' },
  signature: { en: 'Signature or thumbprint', fr: 'Signature ou empreinte' },
  proof: { en: 'Proof', fr: 'Preuve' },
  recordedBy: { en: 'Recorded by', fr: 'Enregistré par' },
  recordedAt: { en: 'Recorded at (UTC)', fr: 'Enregistré le (UTC)' },
  list: { en: 'List', fr: 'Liste' },
  receipts: { en: 'Receipts', fr: 'Réceptions' },
} as const;

function columns(sheet: Sheet, fields: readonly PersonalField[], language: Language): Array<ExportColumn<q.ExportLineRow>> {
  const column = (key: keyof typeof words, value: ExportColumn<q.ExportLineRow>['value'], type: ExportColumn<q.ExportLineRow>['type'] = 'text'): ExportColumn<q.ExportLineRow> => ({
    key,
    header: words[key][language],
    // No HXL: these sheets carry people, and nothing in them is meant to be merged with public data.
    hxl: null,
    value,
    type,
  });
  const personal: Array<ExportColumn<q.ExportLineRow>> = [];
  if (fields.includes('name')) personal.push(column('name', (row) => (row.given_names === null ? null : `${row.given_names} ${row.family_name ?? ''}`.trim())));
  if (fields.includes('spokenName')) personal.push(column('spokenName', (row) => row.spoken_name));
  if (fields.includes('phone')) personal.push(column('phone', (row) => row.phone));
  const first = [column('household', (row) => row.household_id), column('site', (row) => row.site_code), column('members', (row) => row.members), ...personal];
  if (sheet === 'list') return [...first, column('receivedAt', (row) => row.received_at, 'date'), column('receivedBy', (row) => row.received_by), column('signature', () => null)];
  return [
    ...first,
    column('receivedAt', (row) => row.received_at, 'date'),
    column('receivedBy', (row) => row.received_by),
    column('proof', (row) => row.proof),
    column('recordedBy', (row) => row.recorded_by),
    column('recordedAt', (row) => row.recorded_at),
  ];
}

export interface DistributionSheet {
  file: Buffer;
  fileName: string;
  households: number;
  distributionId: number;
}

/** The sheet of a distribution the caller manages; personal fields only with `assistance.personal` over it. */
export async function distributionSheet(db: Queryable, principal: Principal, id: number, sheet: Sheet, fields: readonly PersonalField[], language: Language): Promise<DistributionSheet> {
  const row = await visible(db, principal, 'assistance.manage', id);
  const asked = [...new Set(fields)];
  if (asked.length > 0 && !can(principal, 'assistance.personal', { countries: [row.country], organisationId: row.organisation_id })) {
    throw new AppError('assistance.export.personal', { fields: asked.join(', ') });
  }
  const lines = (await q.exportLines(db, id)).filter((line) => sheet === 'list' || line.received_at !== null);
  const title = `${row.label} — ${row.organisation_acronym} — ${row.assistance_type} × ${row.quantity} — ${row.admin2_pcode}${row.site_code ? ` / ${row.site_code}` : ''} — ${row.starts_on} → ${row.ends_on}`;
  const file = await toXlsx(columns(sheet, asked, language), lines, { sheetName: words[sheet][language], title, hxl: false });
  return { file, fileName: `distribution-${id}-${sheet}.xlsx`, households: lines.length, distributionId: id };
}
