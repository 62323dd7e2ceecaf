/** Queries of the Sphere thresholds (migrations/0018). */
import type { Queryable } from '../core/db.js';

export interface ThresholdRow {
  code: string;
  indicator: string;
  ratio: 'people_per_unit' | 'units_per_person';
  comparison: 'above' | 'below';
  value: string;
  phase: 'acute' | 'after' | 'all';
  label_fr: string;
  label_en: string;
  source: string;
  changed_by: string | null;
  changed_at: string;
}

const SELECT = `SELECT code, indicator, ratio, comparison, value::text, phase, label_fr, label_en, source, changed_by, changed_at::text FROM response_sphere_threshold`;

export async function thresholds(db: Queryable): Promise<ThresholdRow[]> {
  return db.query<ThresholdRow>(`${SELECT} ORDER BY indicator, code`);
}

export async function thresholdByCode(db: Queryable, code: string): Promise<ThresholdRow | undefined> {
  const [row] = await db.query<ThresholdRow>(`${SELECT} WHERE code = $1`, [code]);
  return row;
}

export async function updateThreshold(db: Queryable, code: string, values: { value: number; source: string; by: string }): Promise<void> {
  await db.query('UPDATE response_sphere_threshold SET value = $2, source = $3, changed_by = $4, changed_at = now() WHERE code = $1', [code, values.value, values.source, values.by]);
}
