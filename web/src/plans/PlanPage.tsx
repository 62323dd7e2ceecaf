import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { ActionGate } from '../components/Access.js';
import { ErrorNotice, LoadingStatus } from '../components/Status.js';
import { useSession } from '../session.js';
import { useApi } from '../useApi.js';
import { useFormat } from '../useFormat.js';
import { ChangeHistory } from './ChangeHistory.js';
import { ConsistencyReport } from './ConsistencyReport.js';
import { ContributionForm } from './ContributionForm.js';
import { ContributionsTable, ExportLinks } from './Contributions.js';
import { FundingChart } from './FundingChart.js';
import { KeyFigures } from './KeyFigures.js';
import { countriesLabel, localName, planTypeLabel, yearsLabel } from './labels.js';
import { Objectives } from './Objectives.js';
import { AreasReached } from './AreasReached.js';
import { planUrl, type ContributionsResponse, type ContributionView, type FundingOverTimeResponse, type PlanView } from './types.js';

interface Saved {
  mode: 'created' | 'updated';
  contribution: ContributionView;
}

/**
 * One plan: key figures, objectives and areas with funded and gap, funding over time, the
 * consistency report, contributions (with exports) and the form to record one.
 */
export function PlanPage({ code }: { code: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const canRecord = session.can('contribution.record');
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState<ContributionView | null>(null);
  const [saved, setSaved] = useState<Saved | null>(null);
  const savedNotice = useRef<HTMLDivElement>(null);
  const formAnchor = useRef<HTMLDivElement>(null);

  const planState = useApi<PlanView>(planUrl(code), { version });
  const contributions = useApi<ContributionsResponse>(planUrl(code, '/contributions'), { version });
  const series = useApi<FundingOverTimeResponse>(planUrl(code, '/funding-over-time'), { version });
  const plan = planState.data?.code.toUpperCase() === code.toUpperCase() ? planState.data : undefined;
  const name = plan ? localName(plan.name, format.language) : code;

  useEffect(() => {
    document.title = t('app.pageTitle', { page: name });
  }, [t, name]);

  useEffect(() => {
    if (saved) savedNotice.current?.focus();
  }, [saved]);

  function onSaved(contribution: ContributionView, mode: 'created' | 'updated') {
    setSaved({ contribution, mode });
    setEditing(null);
    setVersion((n) => n + 1);
  }

  function onEdit(contribution: ContributionView) {
    setSaved(null);
    setEditing(contribution);
    formAnchor.current?.scrollIntoView({ block: 'start' });
  }

  const funding = plan?.funding;
  const areaCount = plan ? plan.objectives.reduce((sum, objective) => sum + objective.areas.length, 0) : 0;

  return (
    <section className="page plan-page" aria-labelledby="plan-title">
      <nav className="breadcrumb" aria-label={t('plans.page.breadcrumb')}>
        <Link href="/plans">{t('plans.overview.title')}</Link> <span aria-hidden="true">›</span> <span className="code">{plan?.code ?? code}</span>
      </nav>
      <header className="page-header">
        {plan ? <p className="eyebrow">{planTypeLabel(t, plan.type)}</p> : null}
        <h1 id="plan-title">{name}</h1>
        {plan ? (
          <p className="muted">
            <span className="code">{plan.code}</span> · {yearsLabel(plan.startDate, plan.endDate)} · {countriesLabel(format, plan.countries)} ·{' '}
            {format.date(plan.startDate)} – {format.date(plan.endDate)}
          </p>
        ) : null}
      </header>

      {planState.error ? <ErrorNotice error={planState.error} onRetry={planState.retry} /> : null}
      <LoadingStatus loading={planState.loading} label={t('plans.page.loading')} />

      {plan && funding ? (
        <>
          <div className={planState.stale ? 'panel is-loading' : 'panel'}>
            <KeyFigures
              requiredUsd={funding.requiredUsd}
              originalUsd={plan.requirements.originalUsd}
              fundedUsd={funding.fundedUsd}
              pledgedUsd={funding.pledgedUsd}
              gapUsd={funding.gapUsd}
              percentFunded={funding.percentFunded}
              peopleTargeted={plan.peopleTargeted}
              peopleTargetedDescription={plan.peopleTargetedDescription}
              entitiesTargeted={plan.entitiesTargeted}
              objectives={plan.objectives.length}
              areas={areaCount}
              targetGroups={plan.targetGroups}
              note={
                funding.basis === 'reported' ? (
                  <p className="notice notice-info" data-testid="plan-funding-basis">
                    {funding.reportedFundingAsOf
                      ? t('plans.basis.reported', { source: funding.reportedFundingSource ?? 'FTS', date: format.date(funding.reportedFundingAsOf, 'long') })
                      : t('plans.basis.reportedNoDate', { source: funding.reportedFundingSource ?? 'FTS' })}
                  </p>
                ) : (
                  <p className="hint" data-testid="plan-funding-basis">
                    {t('plans.basis.contributions', { count: funding.contributions })}
                    {funding.reportedFundingUsd !== null
                      ? ` ${t('plans.basis.alsoReported', {
                          source: funding.reportedFundingSource ?? 'FTS',
                          amount: format.money(funding.reportedFundingUsd),
                          date: funding.reportedFundingAsOf ? format.date(funding.reportedFundingAsOf) : t('common.none'),
                        })}`
                      : ''}
                  </p>
                )
              }
            />
          </div>

          <nav className="page-toc" aria-label={t('plans.page.toc')}>
            <a href="#objectives">{t('plans.objectives.title')}</a>
            <a href="#areas-reached">{t('plans.reached.title')}</a>
            <a href="#funding-over-time">{t('plans.chart.title')}</a>
            <a href="#consistency">{t('plans.consistency.title')}</a>
            <a href="#contributions">{t('plans.contributions.title')}</a>
          </nav>

          <div className={planState.stale ? 'is-loading' : undefined}>
            <Objectives plan={plan} />
          </div>

          <AreasReached code={plan.code} version={version} />

          {series.error ? <ErrorNotice error={series.error} onRetry={series.retry} /> : null}
          <FundingChart
            series={series.data?.series ?? []}
            startDate={plan.startDate}
            endDate={plan.endDate}
            requiredUsd={funding.requiredUsd}
            loading={series.loading}
          />

          <ConsistencyReport findings={plan.consistency} />

          <section className="panel contributions" aria-labelledby="contributions-title" id="contributions">
            <div className="section-title">
              <h2 id="contributions-title">{t('plans.contributions.title')}</h2>
              <ActionGate verb="export.download" signInText={t('plans.exports.signIn')} testId="plan-exports" compact>
                <ExportLinks code={plan.code} />
              </ActionGate>
            </div>
            {contributions.error ? <ErrorNotice error={contributions.error} onRetry={contributions.retry} /> : null}
            <ContributionsTable
              plan={plan}
              contributions={contributions.data?.contributions}
              loading={contributions.loading}
              editingId={editing?.id ?? null}
              onEdit={canRecord ? onEdit : null}
            />
            <div ref={formAnchor} className="form-anchor">
              {saved ? (
                <div className="notice notice-success" role="status" tabIndex={-1} ref={savedNotice} data-testid="contribution-success">
                  <p>
                    {t(saved.mode === 'created' ? 'plans.form.created' : 'plans.form.updated', {
                      donor: saved.contribution.donor,
                      amount: format.money(saved.contribution.amountOriginal, saved.contribution.currency),
                      usd: format.money(saved.contribution.amountUsd),
                    })}
                  </p>
                </div>
              ) : null}
              <ActionGate
                verb="contribution.record"
                signInText={t('plans.form.signIn')}
                deniedText={t('plans.form.notAllowed')}
                testId="contribution-form"
              >
                <ContributionForm
                  key={editing ? `edit-${editing.id}-${editing.version}` : 'new'}
                  plan={plan}
                  editing={editing}
                  onSaved={onSaved}
                  onCancelEdit={() => setEditing(null)}
                  onStale={() => {
                    setEditing(null);
                    setVersion((n) => n + 1);
                  }}
                />
              </ActionGate>
            </div>
          </section>

          <ChangeHistory code={plan.code} version={version} />
        </>
      ) : null}
    </section>
  );
}
