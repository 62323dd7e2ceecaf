/** Approved and published reports of activities that count towards one plan's activity areas. */
import type { Queryable } from '../core/db.js';
import type { ActivityRow } from './queries.js';

export interface PlanAreaReportRow {
  area_code: string;
  sector_code: string;
  activity_code: string;
  unit: ActivityRow['unit'];
  country: string;
  month: string;
  admin1_pcode: string;
  admin2_pcode: string;
  figures: unknown;
}

export async function approvedForPlan(db: Queryable, planCode: string, country: string | null): Promise<PlanAreaReportRow[]> {
  return db.query<PlanAreaReportRow>(
    `SELECT pa.code AS area_code, r.sector_code, a.code AS activity_code, a.unit, r.country,
            to_char(p.month, 'YYYY-MM') AS month, r.admin1_pcode, r.admin2_pcode, r.figures
       FROM response_report r
       JOIN response_period p ON p.id = r.period_id
       JOIN response_activity a ON a.id = r.activity_id
       JOIN plan pl ON pl.id = a.plan_id
       JOIN plan_activity_area pa ON pa.plan_id = a.plan_id AND pa.id = a.activity_area_id
      WHERE r.status IN ('approved', 'published') AND r.admin2_pcode IS NOT NULL
        AND pl.code = $1 AND ($2::text IS NULL OR r.country = $2)`,
    [planCode, country],
  );
}
