import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { KeyFigure } from '../components/KeyFigure.js';
import { useFormat } from '../useFormat.js';
import { FundingBar } from './FundingBar.js';
import { targetGroupsLabel } from './labels.js';

export interface KeyFiguresProps {
  requiredUsd: number | null;
  /** The plan's first requirement, shown when a revision changed it. */
  originalUsd?: number | null;
  fundedUsd: number;
  pledgedUsd?: number;
  gapUsd: number | null;
  percentFunded: number | null;
  peopleTargeted: number | null;
  peopleTargetedDescription?: string | null;
  entitiesTargeted?: number | null;
  objectives?: number;
  areas?: number;
  targetGroups?: readonly string[];
  /** Under the figures: where the funding figure comes from. */
  note?: ReactNode;
}

/** The figures a programme manager or a donor looks for first: required, funded, gap, people. */
export function KeyFigures(props: KeyFiguresProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const none = t('common.none');
  const money = (value: number | null | undefined) => (value === null || value === undefined ? none : format.money(value));
  const count = (value: number | null | undefined) => (value === null || value === undefined ? none : format.number(value));
  const revised = props.originalUsd !== undefined && props.originalUsd !== null && props.originalUsd !== props.requiredUsd;
  return (
    <section className="key-figures" data-testid="plan-key-figures" aria-label={t('plans.keyFigures.title')}>
      <dl className="key-grid">
        <KeyFigure
          label={t('plans.keyFigures.required')}
          value={money(props.requiredUsd)}
          raw={props.requiredUsd}
          testId="plan-required"
          extra={revised ? t('plans.keyFigures.original', { amount: money(props.originalUsd) }) : null}
        />
        <KeyFigure label={t('plans.keyFigures.funded')} value={money(props.fundedUsd)} raw={props.fundedUsd} testId="plan-funded" />
        <KeyFigure label={t('plans.keyFigures.gap')} value={money(props.gapUsd)} raw={props.gapUsd} testId="plan-gap" />
        <KeyFigure
          label={t('plans.keyFigures.percent')}
          value={props.percentFunded === null ? none : format.percent(props.percentFunded)}
          raw={props.percentFunded}
          testId="plan-percent"
          extra={<FundingBar funding={{ requiredUsd: props.requiredUsd, fundedUsd: props.fundedUsd, pledgedUsd: props.pledgedUsd ?? 0 }} size="large" />}
        />
        <KeyFigure
          label={t('plans.keyFigures.peopleTargeted')}
          value={count(props.peopleTargeted)}
          raw={props.peopleTargeted}
          testId="plan-people-targeted"
          extra={props.peopleTargetedDescription ?? null}
        />
        {props.entitiesTargeted !== undefined ? (
          <KeyFigure
            label={t('plans.keyFigures.entitiesTargeted')}
            value={count(props.entitiesTargeted)}
            raw={props.entitiesTargeted}
            testId="plan-entities-targeted"
          />
        ) : null}
        {props.objectives !== undefined ? (
          <KeyFigure label={t('plans.keyFigures.objectives')} value={format.number(props.objectives)} raw={props.objectives} testId="plan-objectives-count" />
        ) : null}
        {props.areas !== undefined ? (
          <KeyFigure label={t('plans.keyFigures.areas')} value={format.number(props.areas)} raw={props.areas} testId="plan-areas-count" />
        ) : null}
      </dl>
      {props.targetGroups && props.targetGroups.length > 0 ? (
        <p className="target-groups" data-testid="plan-target-groups">
          <span className="muted">{t('plans.keyFigures.targetGroups')}</span> {targetGroupsLabel(t, props.targetGroups)}
        </p>
      ) : null}
      {props.note}
    </section>
  );
}
