import { useTranslation } from 'react-i18next';
import { DataTable } from '../components/DataTable.js';
import { useFormat } from '../useFormat.js';
import { FundingBar, FundingBarLegend } from './FundingBar.js';
import { countryEarmarkedUsd } from './fundingBar.js';
import { localName, sectorLabel, targetGroupsLabel } from './labels.js';
import type { ActivityAreaView, FundingStatus, ObjectiveView, PlanView, Requirements } from './types.js';

function useMoney() {
  const { t } = useTranslation();
  const format = useFormat();
  return (value: number | null | undefined) => (value === null || value === undefined ? t('common.none') : format.money(value));
}

function Required({ requirements }: { requirements: Requirements }) {
  const { t } = useTranslation();
  const money = useMoney();
  const revised = requirements.originalUsd !== null && requirements.originalUsd !== requirements.revisedUsd;
  return (
    <>
      {money(requirements.revisedUsd)}
      {revised ? <span className="sub muted">{t('plans.keyFigures.original', { amount: money(requirements.originalUsd) })}</span> : null}
    </>
  );
}

function FundingCells({ funding }: { funding: FundingStatus }) {
  const { t } = useTranslation();
  const format = useFormat();
  const money = useMoney();
  return (
    <>
      <td className="num" data-testid="area-funded" data-value={funding.fundedUsd}>
        {money(funding.fundedUsd)}
        {funding.pledgedUsd > 0 ? <span className="sub muted">{t('plans.objectives.pledged', { amount: money(funding.pledgedUsd) })}</span> : null}
      </td>
      <td className="num" data-testid="area-gap" data-value={funding.gapUsd ?? ''}>
        {money(funding.gapUsd)}
      </td>
      <td className="bar-cell">
        <span className="percent" data-testid="area-percent">
          {funding.percentFunded === null ? t('common.none') : format.percent(funding.percentFunded)}
        </span>
        <FundingBar funding={funding} />
      </td>
    </>
  );
}

interface Columns {
  /** Some area of the plan has a people-targeted figure / target groups: show those columns. */
  people: boolean;
  groups: boolean;
}

function AreaRow({ area, columns }: { area: ActivityAreaView; columns: Columns }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <tr data-testid={`area-${area.code}`} data-area-id={area.id}>
      <th scope="row">
        {localName(area.name, format.language)}
        {area.entitiesTargeted !== null ? (
          <span className="sub muted">{t('plans.objectives.entities', { count: area.entitiesTargeted })}</span>
        ) : null}
      </th>
      <td>
        <abbr className="sector" title={sectorLabel(t, area.sectorCode)}>
          {area.sectorCode}
        </abbr>
      </td>
      <td className="num" data-testid="area-required" data-value={area.requirements.revisedUsd ?? ''}>
        <Required requirements={area.requirements} />
      </td>
      <FundingCells funding={area.funding} />
      {columns.people ? (
        <td className="num" data-testid="area-people-targeted">
          {area.peopleTargeted === null ? t('common.none') : format.number(area.peopleTargeted)}
          {area.peopleTargetedDescription ? <span className="sub muted">{area.peopleTargetedDescription}</span> : null}
        </td>
      ) : null}
      {columns.groups ? (
        <td data-testid="area-target-groups">{area.targetGroups.length > 0 ? targetGroupsLabel(t, area.targetGroups) : t('common.none')}</td>
      ) : null}
    </tr>
  );
}

function Objective({ objective, columns }: { objective: ObjectiveView; columns: Columns }) {
  const { t } = useTranslation();
  const format = useFormat();
  const money = useMoney();
  const titleId = `objective-title-${objective.position}`;
  const funding = objective.funding;
  return (
    <section className="objective" data-testid={`objective-${objective.position}`} aria-labelledby={titleId}>
      <h3 id={titleId}>
        <span className="objective-number">{t('plans.objectives.number', { position: objective.position })}</span>{' '}
        {localName(objective.name, format.language)}
      </h3>
      <dl className="objective-figures">
        <div>
          <dt>{t('plans.keyFigures.required')}</dt>
          <dd data-testid="objective-required">
            <Required requirements={objective.requirements} />
          </dd>
        </div>
        <div>
          <dt>{t('plans.keyFigures.funded')}</dt>
          <dd data-testid="objective-funded" data-value={funding.fundedUsd}>
            {money(funding.fundedUsd)}
          </dd>
        </div>
        <div>
          <dt>{t('plans.keyFigures.gap')}</dt>
          <dd data-testid="objective-gap" data-value={funding.gapUsd ?? ''}>
            {money(funding.gapUsd)}
          </dd>
        </div>
        <div>
          <dt>{t('plans.keyFigures.peopleTargeted')}</dt>
          <dd>
            {objective.peopleTargeted === null ? t('common.none') : format.number(objective.peopleTargeted)}
            {objective.peopleTargetedDescription ? <span className="sub muted">{objective.peopleTargetedDescription}</span> : null}
          </dd>
        </div>
        <div className="grow">
          <dt>{t('plans.keyFigures.percent')}</dt>
          <dd>
            {funding.percentFunded === null ? t('common.none') : format.percent(funding.percentFunded)}
            <FundingBar funding={funding} />
          </dd>
        </div>
      </dl>
      <div className="table-scroll flat">
        <DataTable
          className="areas-table"
          caption={t('plans.objectives.areasCaption', { position: objective.position })}
          captionHidden
          columns={[
            t('plans.objectives.area'),
            t('plans.objectives.sector'),
            { label: t('plans.keyFigures.required'), className: 'num' },
            { label: t('plans.keyFigures.funded'), className: 'num' },
            { label: t('plans.keyFigures.gap'), className: 'num' },
            t('plans.keyFigures.percent'),
            ...(columns.people ? [{ label: t('plans.keyFigures.peopleTargeted'), className: 'num' }] : []),
            ...(columns.groups ? [t('plans.objectives.targetGroups')] : []),
          ]}
        >
          {objective.areas.map((area) => (
            <AreaRow key={area.id} area={area} columns={columns} />
          ))}
          {funding.notAllocatedBelowUsd > 0 ? (
            <tr className="unallocated" data-testid="objective-unallocated" data-value={funding.notAllocatedBelowUsd}>
              <th scope="row" colSpan={3}>
                {t('plans.objectives.notAllocated')}
                <span className="sub muted">{t('plans.objectives.notAllocatedHint')}</span>
              </th>
              <td className="num">{money(funding.notAllocatedBelowUsd)}</td>
              <td colSpan={2 + (columns.people ? 1 : 0) + (columns.groups ? 1 : 0)} />
            </tr>
          ) : null}
        </DataTable>
      </div>
    </section>
  );
}

/** Objectives with their activity areas: required, funded, gap and people targeted at each level. */
export function Objectives({ plan }: { plan: PlanView }) {
  const { t } = useTranslation();
  const format = useFormat();
  const money = useMoney();
  const byCountry = countryEarmarkedUsd(plan);
  const countryLines = plan.countryLines.filter((line) => line.activityAreaId === null && line.funding && line.funding.fundedUsd > 0);
  const reported = plan.funding.basis === 'reported';
  const areas = plan.objectives.flatMap((objective) => objective.areas);
  const columns: Columns = {
    people: areas.some((area) => area.peopleTargeted !== null),
    groups: areas.some((area) => area.targetGroups.length > 0),
  };
  return (
    <section className="panel objectives" aria-labelledby="objectives-title" id="objectives">
      <div className="section-title">
        <h2 id="objectives-title">{t('plans.objectives.title')}</h2>
        <FundingBarLegend />
      </div>
      {!columns.people || !columns.groups ? (
        <p className="hint" data-testid="areas-without-targets">
          {t(!columns.people && !columns.groups ? 'plans.objectives.noAreaTargets' : !columns.people ? 'plans.objectives.noAreaPeople' : 'plans.objectives.noAreaGroups')}
        </p>
      ) : null}
      {plan.objectives.map((objective) => (
        <Objective key={objective.id} objective={objective} columns={columns} />
      ))}
      <section className="objective outside" aria-labelledby="outside-title" data-testid="plan-outside-objectives">
        <h3 id="outside-title">{t('plans.objectives.outsideTitle')}</h3>
        <dl className="objective-figures">
          <div>
            <dt>{t('plans.objectives.unearmarked')}</dt>
            <dd data-testid="plan-unearmarked" data-value={plan.funding.notAllocatedBelowUsd}>
              {money(plan.funding.notAllocatedBelowUsd)}
            </dd>
            <dd className="sub muted">{t('plans.objectives.unearmarkedHint')}</dd>
          </div>
          {byCountry > 0 ? (
            <div>
              <dt>{t('plans.objectives.byCountry')}</dt>
              <dd data-testid="plan-country-earmarked" data-value={byCountry}>
                {money(byCountry)}
              </dd>
              {countryLines.length > 0 ? (
                <dd className="sub muted">
                  {countryLines.map((line) => `${format.country(line.country)} ${money(line.funding?.fundedUsd)}`).join(' · ')}
                </dd>
              ) : null}
            </div>
          ) : null}
        </dl>
        {reported ? <p className="hint">{t('plans.objectives.reportedHint')}</p> : null}
      </section>
    </section>
  );
}
