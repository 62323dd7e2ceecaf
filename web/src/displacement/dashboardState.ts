/**
 * The dashboard's state lives in the address (so a view can be bookmarked or sent by message):
 * assessment type, population group, round, drafts, and where the drill-down is. Pure reading
 * and writing of that state, and the query every aggregate request shares.
 */
import type { QueryValue } from '../api.js';
import { ASSESSMENT_TYPES, POPULATION_GROUPS, type AssessmentType, type PopulationGroup } from './types.js';

export interface DashboardState {
  /** Null: the server's choice (BA when there is any, else SA). */
  type: AssessmentType | null;
  group: PopulationGroup;
  /** A round id; null: the latest (published, or of any status with drafts). */
  round: number | null;
  drafts: boolean;
  admin1: string | null;
  admin2: string | null;
  /** First row of the locations page. */
  offset: number;
}

const PCODE = /^[A-Z]{2,3}[0-9A-Z]{1,12}$/;

function pcodeParam(value: string | null): string | null {
  const upper = value?.trim().toUpperCase() ?? '';
  return PCODE.test(upper) ? upper : null;
}

export function readDashboardState(params: URLSearchParams): DashboardState {
  const type = params.get('type')?.toUpperCase();
  const group = params.get('group');
  const round = Number(params.get('round'));
  const offset = Number(params.get('offset'));
  const admin1 = pcodeParam(params.get('admin1'));
  // An admin2 only makes sense inside its admin1 (P-codes nest: ML05 ⊃ ML0501).
  const admin2Param = admin1 === null ? null : pcodeParam(params.get('admin2'));
  const admin2 = admin2Param !== null && admin1 !== null && admin2Param.startsWith(admin1) ? admin2Param : null;
  return {
    type: ASSESSMENT_TYPES.find((candidate) => candidate === type) ?? null,
    group: POPULATION_GROUPS.find((candidate) => candidate === group) ?? 'idp',
    round: Number.isInteger(round) && round > 0 ? round : null,
    drafts: params.get('drafts') === '1',
    admin1,
    admin2,
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

/** Address parameters to set (null removes one) for a change of state; defaults are left out. */
export function stateParams(changes: Partial<DashboardState>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if ('type' in changes) out.type = changes.type ?? null;
  if ('group' in changes) out.group = changes.group === undefined || changes.group === 'idp' ? null : changes.group;
  if ('round' in changes) out.round = changes.round === null || changes.round === undefined ? null : String(changes.round);
  if ('drafts' in changes) out.drafts = changes.drafts ? '1' : null;
  if ('admin1' in changes) out.admin1 = changes.admin1 ?? null;
  if ('admin2' in changes) out.admin2 = changes.admin2 ?? null;
  if ('offset' in changes) out.offset = changes.offset ? String(changes.offset) : null;
  return out;
}

/** What changes when the user picks another assessment type: its own rounds, back to the top. */
export function switchType(type: AssessmentType): Partial<DashboardState> {
  return { type, round: null, admin1: null, admin2: null, offset: 0 };
}

/** Going down one level from the current place (admin1 → admin2 → locations). */
export function drillInto(state: DashboardState, pcode: string): Partial<DashboardState> {
  if (state.admin1 === null) return { admin1: pcode, admin2: null, offset: 0 };
  return { admin2: pcode, offset: 0 };
}

/** The query shared by summary, admin, trend and locations requests. */
export function aggregateQuery(state: DashboardState): Record<string, QueryValue> {
  return {
    assessmentType: state.type ?? undefined,
    group: state.group === 'idp' ? undefined : state.group,
    round: state.round ?? undefined,
    includeDrafts: state.drafts ? true : undefined,
  };
}
