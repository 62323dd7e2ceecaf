/** Words for the codes the plans API sends (target groups, plan types, sectors, earmarks). */
import type { TFunction } from 'i18next';
import type { Language } from '../../../src/shared/format.js';
import type { Formatters } from '../useFormat.js';
import type { ContributionView, PlanView } from './types.js';

export function localName(name: { en: string; fr: string }, language: Language): string {
  return (language === 'fr' ? name.fr : name.en) || name.en || name.fr;
}

export function targetGroupLabel(t: TFunction, group: string): string {
  return t(`plans.targetGroups.${group}`, { defaultValue: group });
}

export function targetGroupsLabel(t: TFunction, groups: readonly string[]): string {
  return groups.map((group) => targetGroupLabel(t, group)).join(', ');
}

export function planTypeLabel(t: TFunction, type: string): string {
  return t(`plans.types.${type}`, { defaultValue: type });
}

export function sectorLabel(t: TFunction, code: string): string {
  return t(`plans.sectors.${code}`, { defaultValue: code });
}

export function statusLabel(t: TFunction, status: string): string {
  return t(`plans.statuses.${status}`, { defaultValue: status });
}

/** "2021" or "2021–2022". */
export function yearsLabel(startDate: string, endDate: string): string {
  const start = startDate.slice(0, 4);
  const end = endDate.slice(0, 4);
  return start === end || !end ? start : `${start}–${end}`;
}

export function countriesLabel(format: Formatters, countries: readonly string[]): string {
  return countries.map((country) => format.country(country)).join(', ');
}

/** Where a contribution's money goes, in words: "Objective 2: …", "Activity area: Shelter…". */
export function earmarkLabel(t: TFunction, format: Formatters, plan: PlanView | undefined, earmark: ContributionView['earmark']): string {
  switch (earmark.level) {
    case 'objective': {
      const objective = plan?.objectives.find((candidate) => candidate.id === earmark.objectiveId);
      return objective
        ? t('plans.earmark.objective', { position: objective.position, name: localName(objective.name, format.language) })
        : t('plans.earmark.objectiveUnknown', { id: earmark.objectiveId ?? '—' });
    }
    case 'activity-area': {
      const area = plan?.objectives.flatMap((objective) => objective.areas).find((candidate) => candidate.id === earmark.activityAreaId);
      return area
        ? t('plans.earmark.area', { name: localName(area.name, format.language) })
        : t('plans.earmark.areaUnknown', { id: earmark.activityAreaId ?? '—' });
    }
    case 'country':
      return t('plans.earmark.country', { country: earmark.country ? format.country(earmark.country) : '—' });
    default:
      return t('plans.earmark.plan');
  }
}
