import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { DataTable } from '../components/DataTable.js';
import { ErrorNotice, LoadingStatus } from '../components/Status.js';
import { useApi } from '../useApi.js';
import { useFormat } from '../useFormat.js';
import { FundingBar } from './FundingBar.js';
import { KeyFigures } from './KeyFigures.js';
import { countriesLabel, localName, planTypeLabel, yearsLabel } from './labels.js';
import { planUrl, type PlanSummary, type PlansResponse, type PlanView } from './types.js';

/**
 * The plan whose key figures lead the page: the only plan, or the only crisis response plan.
 * Several candidates: none is preferred over the others.
 */
export function featuredPlan(plans: readonly PlanSummary[]): PlanSummary | undefined {
  if (plans.length === 1) return plans[0];
  const crisisPlans = plans.filter((plan) => plan.type === 'crisis-response-plan');
  return crisisPlans.length === 1 ? crisisPlans[0] : undefined;
}

function FeaturedPlan({ summary }: { summary: PlanSummary }) {
  const { t } = useTranslation();
  const format = useFormat();
  // The list has the headline figures; the plan itself adds entities, objectives and areas.
  const detail = useApi<PlanView>(planUrl(summary.code));
  const plan = detail.data;
  const funding = plan?.funding;
  return (
    <section className="panel featured-plan" data-testid="featured-plan" aria-labelledby="featured-plan-title">
      <p className="eyebrow">{planTypeLabel(t, summary.type)}</p>
      <h2 id="featured-plan-title">
        <Link href={`/plans/${encodeURIComponent(summary.code)}`}>{localName(summary.name, format.language)}</Link>
      </h2>
      <p className="muted">
        <span className="code">{summary.code}</span> · {yearsLabel(summary.startDate, summary.endDate)} · {countriesLabel(format, summary.countries)}
      </p>
      <KeyFigures
        requiredUsd={summary.requiredUsd}
        originalUsd={plan?.requirements.originalUsd}
        fundedUsd={funding?.fundedUsd ?? summary.fundedUsd}
        pledgedUsd={funding?.pledgedUsd}
        gapUsd={funding ? funding.gapUsd : summary.requiredUsd === null ? null : Math.max(0, summary.requiredUsd - summary.fundedUsd)}
        percentFunded={funding?.percentFunded ?? summary.percentFunded}
        peopleTargeted={summary.peopleTargeted}
        peopleTargetedDescription={plan?.peopleTargetedDescription}
        entitiesTargeted={plan ? plan.entitiesTargeted : undefined}
        objectives={plan?.objectives.length}
        areas={plan ? plan.objectives.reduce((sum, objective) => sum + objective.areas.length, 0) : undefined}
        targetGroups={plan?.targetGroups}
        note={
          summary.fundingBasis === 'reported' ? (
            <p className="hint" data-testid="plan-funding-basis">
              {funding?.reportedFundingAsOf
                ? t('plans.basis.reported', { source: funding.reportedFundingSource ?? 'FTS', date: format.date(funding.reportedFundingAsOf, 'long') })
                : t('plans.basis.reportedNoDate', { source: funding?.reportedFundingSource ?? 'FTS' })}
            </p>
          ) : null
        }
      />
      {detail.error ? <ErrorNotice error={detail.error} onRetry={detail.retry} /> : null}
      <p>
        <Link href={`/plans/${encodeURIComponent(summary.code)}`} className="button primary">
          {t('plans.overview.open')}
        </Link>
      </p>
    </section>
  );
}

/** Home page: the plans, with the main plan's key figures first. */
export function PlansOverview() {
  const { t } = useTranslation();
  const format = useFormat();
  const list = useApi<PlansResponse>('/api/plans');
  const plans = list.data?.plans ?? [];
  const featured = featuredPlan(plans);
  const none = t('common.none');

  useEffect(() => {
    document.title = t('app.pageTitle', { page: t('plans.overview.title') });
  }, [t]);

  return (
    <section className="page plans-page" aria-labelledby="plans-title">
      <header className="page-header">
        <h1 id="plans-title">{t('plans.overview.title')}</h1>
        <p className="muted">{t('plans.overview.intro')}</p>
      </header>
      {list.error ? <ErrorNotice error={list.error} onRetry={list.retry} /> : null}
      <LoadingStatus loading={list.loading} label={t('plans.overview.loading')} />
      {featured ? <FeaturedPlan summary={featured} /> : null}
      {list.data && plans.length === 0 ? (
        <div className="notice notice-info" data-testid="plans-empty">
          <p>
            {t('plans.overview.empty')} <code>npx liptako plans import plans/iom-csahel-2021.yaml</code>
          </p>
        </div>
      ) : null}
      {plans.length > 0 ? (
        <section className="panel" aria-labelledby="plans-list-title">
          <h2 id="plans-list-title">{t('plans.overview.listTitle', { count: plans.length })}</h2>
          <div className="table-scroll">
            <DataTable
              className="plans-table"
              testId="plans-list"
              columns={[
                t('plans.overview.plan'),
                t('plans.overview.type'),
                t('plans.overview.years'),
                t('plans.overview.countries'),
                { label: t('plans.keyFigures.required'), className: 'num' },
                { label: t('plans.keyFigures.funded'), className: 'num' },
                t('plans.keyFigures.percent'),
                { label: t('plans.keyFigures.peopleTargeted'), className: 'num' },
              ]}
            >
              {plans.map((plan) => (
                <tr key={plan.code} data-testid={`plan-row-${plan.code}`} className={plan === featured ? 'selected' : undefined}>
                  <th scope="row" className="plan-name-cell">
                    <Link href={`/plans/${encodeURIComponent(plan.code)}`}>{localName(plan.name, format.language)}</Link>
                    <span className="code muted">{plan.code}</span>
                  </th>
                  <td>{planTypeLabel(t, plan.type)}</td>
                  <td className="date">{yearsLabel(plan.startDate, plan.endDate)}</td>
                  <td>{countriesLabel(format, plan.countries)}</td>
                  <td className="num">{plan.requiredUsd === null ? none : format.money(plan.requiredUsd)}</td>
                  <td className="num">
                    {format.money(plan.fundedUsd)}
                    {plan.fundingBasis === 'reported' ? (
                      <span className="muted" title={t('plans.overview.reportedHint')}>
                        {' '}
                        {t('plans.overview.reported')}
                      </span>
                    ) : null}
                  </td>
                  <td className="bar-cell">
                    <span className="percent">{plan.percentFunded === null ? none : format.percent(plan.percentFunded)}</span>
                    <FundingBar funding={{ requiredUsd: plan.requiredUsd, fundedUsd: plan.fundedUsd, pledgedUsd: 0 }} />
                  </td>
                  <td className="num">{plan.peopleTargeted === null ? none : format.number(plan.peopleTargeted)}</td>
                </tr>
              ))}
            </DataTable>
          </div>
        </section>
      ) : null}
    </section>
  );
}
