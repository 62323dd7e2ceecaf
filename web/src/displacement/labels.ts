/** Words for the codes the displacement API sends (groups, reasons, types, statuses, rules). */
import type { TFunction } from 'i18next';
import type { Language } from '../../../src/shared/format.js';

export function operationName(operation: { name: string; nameFr: string }, language: Language): string {
  return (language === 'fr' ? operation.nameFr : operation.name) || operation.name || operation.nameFr;
}

export const groupLabel = (t: TFunction, group: string): string => t(`displacement.groups.${group}`, { defaultValue: group });
export const reasonLabel = (t: TFunction, reason: string): string => t(`displacement.reasonNames.${reason}`, { defaultValue: reason });
export const typeLabel = (t: TFunction, type: string): string => t(`displacement.types.${type}`, { defaultValue: type });
export const statusLabel = (t: TFunction, status: string): string => t(`displacement.statuses.${status}`, { defaultValue: status });
export const ruleLabel = (t: TFunction, rule: string): string => t(`displacement.rules.${rule}`, { defaultValue: rule });
export const severityLabel = (t: TFunction, severity: string): string => t(`displacement.severities.${severity}`, { defaultValue: severity });
export const issueStatusLabel = (t: TFunction, status: string): string => t(`displacement.issueStatuses.${status}`, { defaultValue: status });
export const locationTypeLabel = (t: TFunction, type: string | null): string =>
  type === null ? t('common.none') : t(`displacement.locationTypes.${type}`, { defaultValue: type });
export const settlementTypeLabel = (t: TFunction, type: string | null): string =>
  type === null ? t('common.none') : t(`displacement.settlementTypes.${type}`, { defaultValue: type });

/** "Round 6 (BA)" / "Round 6 (BA)". */
export const roundName = (t: TFunction, round: { number: number; assessmentType: string }): string =>
  t('displacement.round.name', { number: round.number, type: round.assessmentType });
