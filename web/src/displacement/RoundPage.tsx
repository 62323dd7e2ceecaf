import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { ApiError, asApiError, buildUrl, sendJson } from '../api.js';
import { ActionGate } from '../components/Access.js';
import { DataTable } from '../components/DataTable.js';
import { ErrorNotice, LoadingStatus } from '../components/Status.js';
import { useSession } from '../session.js';
import { useApi } from '../useApi.js';
import { useFormat } from '../useFormat.js';
import { FindingsTable, ISSUES_PAGE } from './FindingsTable.js';
import { issueStatusLabel, operationName, roundName, ruleLabel, severityLabel, statusLabel, typeLabel } from './labels.js';
import { RoundStatusBadge, SeverityBadge } from './parts.js';
import { countsByRule, publishBlock } from './review.js';
import { ReviewPanel } from './ReviewPanel.js';
import { dashboardPath, roundUrl, type Issue, type IssuesResponse, type RoundResponse, type RoundStatus, type Severity } from './types.js';

interface Filters {
  severity: Severity | '';
  status: string;
  rule: string;
  offset: number;
}

function Publication({ report, onChanged }: { report: RoundResponse['report']; onChanged: () => void }) {
  const { t } = useTranslation();
  const reasonId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const status = report.round.status;
  const block = publishBlock(status, report);
  const reason =
    block === null
      ? null
      : block.key === 'openIssues'
        ? t('displacement.publish.blockedOpen', { errors: block.errors, warnings: block.warnings })
        : t(`displacement.publish.blocked.${block.key}`);

  function change(next: RoundStatus) {
    setBusy(true);
    setError(null);
    sendJson<{ round: unknown }>('POST', roundUrl(report.round.id, '/status'), { status: next }).then(
      () => {
        setBusy(false);
        onChanged();
      },
      (failure: unknown) => {
        setBusy(false);
        setError(asApiError(failure));
      },
    );
  }

  if (status === 'published') {
    return (
      <p className="notice notice-success" data-testid="dtm-published">
        {t('displacement.publish.done')}
      </p>
    );
  }
  return (
    <div className="publication" data-testid="dtm-publication">
      <div className="form-actions">
        <button
          type="button"
          className="button primary"
          data-testid="dtm-publish"
          disabled={busy || block !== null}
          aria-describedby={reason ? reasonId : undefined}
          onClick={() => change('published')}
        >
          {t('displacement.publish.publish')}
        </button>
        {status === 'draft' ? (
          <button type="button" className="button" data-testid="dtm-validate" disabled={busy || block !== null} aria-describedby={reason ? reasonId : undefined} onClick={() => change('validated')}>
            {t('displacement.publish.validate')}
          </button>
        ) : (
          <button type="button" className="button" data-testid="dtm-back-to-draft" disabled={busy} onClick={() => change('draft')}>
            {t('displacement.publish.backToDraft')}
          </button>
        )}
      </div>
      {reason ? (
        <p className="hint" id={reasonId} data-testid="dtm-publish-blocked">
          {reason}
        </p>
      ) : (
        <p className="hint">{t('displacement.publish.ready')}</p>
      )}
      {error ? <ErrorNotice error={error} /> : null}
    </div>
  );
}

/**
 * /displacement/rounds/:id — a round: its status, imports, data-quality report (counts by rule,
 * then every finding with row, column, value and message), the review of findings and the
 * publication.
 */
export function RoundPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const ids = { title: useId(), severity: useId(), status: useId(), rule: useId() };
  const [version, setVersion] = useState(0);
  const [filters, setFilters] = useState<Filters>({ severity: '', status: '', rule: '', offset: 0 });
  const [selected, setSelected] = useState<ReadonlyMap<number, Issue>>(new Map());
  const [decided, setDecided] = useState<number | null>(null);

  const roundState = useApi<RoundResponse>(Number.isInteger(id) && id > 0 ? roundUrl(id) : null, { version });
  const issues = useApi<IssuesResponse>(
    Number.isInteger(id) && id > 0
      ? buildUrl(roundUrl(id, '/issues'), { severity: filters.severity, status: filters.status, rule: filters.rule, limit: ISSUES_PAGE, offset: filters.offset })
      : null,
    { version },
  );
  const data = roundState.data?.report.round.id === id ? roundState.data : undefined;
  const report = data?.report;
  const round = report?.round;
  const operation = data?.operation;
  const title = round ? roundName(t, round) : t('displacement.roundPage.title', { id });
  const rules = report ? countsByRule(report.counts) : [];
  const reviewing = round?.status === 'draft' && session.can('dtm.review');

  useEffect(() => {
    document.title = t('app.pageTitle', { page: operation ? `${title} — ${operationName(operation, format.language)}` : title });
  }, [t, title, operation, format.language]);

  function refresh(count: number | null) {
    setSelected(new Map());
    setDecided(count);
    setVersion((n) => n + 1);
  }

  function filter(changes: Partial<Filters>) {
    setFilters((previous) => ({ ...previous, offset: 0, ...changes }));
    setSelected(new Map());
  }

  const dashboardHref = round
    ? `${dashboardPath(round.operation)}?${new URLSearchParams({ type: round.assessmentType, round: String(round.id), ...(round.status === 'published' ? {} : { drafts: '1' }) }).toString()}`
    : null;

  return (
    <section className="page dtm-round-page" aria-labelledby={ids.title} data-testid="dtm-round-page">
      <nav className="breadcrumb" aria-label={t('displacement.breadcrumb')}>
        <Link href="/displacement">{t('displacement.title')}</Link> <span aria-hidden="true">›</span>{' '}
        {operation ? <Link href={dashboardPath(operation.code)}>{operationName(operation, format.language)}</Link> : <span>…</span>} <span aria-hidden="true">›</span>{' '}
        <span>{title}</span>
      </nav>
      <header className="page-header">
        {operation ? <p className="eyebrow">{`${operationName(operation, format.language)} · ${format.country(operation.country)}`}</p> : null}
        <h1 id={ids.title}>
          {title} {round ? <RoundStatusBadge status={round.status} /> : null}
        </h1>
        {round ? (
          <p className="muted">
            {typeLabel(t, round.assessmentType)} · {t('displacement.figures.referenceDate', { date: format.date(round.referenceDate, 'long') })}
            {round.collectionStart && round.collectionEnd ? ` · ${t('displacement.figures.collection', { from: format.date(round.collectionStart), to: format.date(round.collectionEnd) })}` : ''}
          </p>
        ) : null}
        {round?.publishedAt ? <p className="muted">{t('displacement.roundPage.publishedBy', { who: round.publishedBy ?? '—', date: format.dateTime(round.publishedAt) })}</p> : null}
        {round?.validatedAt && round.status === 'validated' ? (
          <p className="muted">{t('displacement.roundPage.validatedBy', { who: round.validatedBy ?? '—', date: format.dateTime(round.validatedAt) })}</p>
        ) : null}
        {dashboardHref ? (
          <p>
            <Link href={dashboardHref} data-testid="dtm-round-dashboard">
              {t('displacement.roundPage.openDashboard')}
            </Link>
          </p>
        ) : null}
      </header>

      {roundState.error ? <ErrorNotice error={roundState.error} onRetry={roundState.retry} /> : null}
      <LoadingStatus loading={roundState.loading} label={t('displacement.roundPage.loading')} />

      {report && round ? (
        <>
          <section className="panel" aria-labelledby="dtm-imports-title">
            <h2 id="dtm-imports-title">{t('displacement.roundPage.imports')}</h2>
            {report.imports.length === 0 ? (
              <p className="muted">{t('displacement.roundPage.noImports')}</p>
            ) : (
              <div className="table-scroll">
                <DataTable
                  testId="dtm-imports"
                  columns={[
                    t('displacement.roundPage.file'),
                    t('displacement.roundPage.importedAt'),
                    t('displacement.roundPage.importedBy'),
                    { label: t('displacement.roundPage.rowsRead'), className: 'num' },
                    { label: t('displacement.roundPage.rowsStored'), className: 'num' },
                    { label: t('displacement.severities.errorPlural'), className: 'num' },
                    { label: t('displacement.severities.warningPlural'), className: 'num' },
                  ]}
                >
                  {report.imports.map((entry) => (
                    <tr key={entry.id} className={entry.superseded ? 'superseded' : undefined}>
                      <td>
                        <span className="code" title={entry.sha256}>
                          {entry.fileName}
                        </span>
                        {entry.superseded ? <span className="muted"> · {t('displacement.roundPage.superseded')}</span> : null}
                      </td>
                      <td className="date">{format.dateTime(entry.createdAt)}</td>
                      <td>{entry.createdBy}</td>
                      <td className="num">{format.number(entry.rowsRead)}</td>
                      <td className="num">{format.number(entry.rowsStored)}</td>
                      <td className="num">{format.number(entry.errors)}</td>
                      <td className="num">{format.number(entry.warnings)}</td>
                    </tr>
                  ))}
                </DataTable>
              </div>
            )}
          </section>

          <section className="panel" aria-labelledby="dtm-quality-title" data-testid="dtm-quality">
            <h2 id="dtm-quality-title">{t('displacement.quality.title')}</h2>
            <p data-testid="dtm-open-counts" data-errors={report.openErrors} data-warnings={report.openWarnings}>
              {report.openErrors + report.openWarnings === 0
                ? t('displacement.quality.allDecided')
                : t('displacement.quality.open', { errors: report.openErrors, warnings: report.openWarnings })}
            </p>
            {rules.length === 0 ? (
              <p className="notice notice-success" data-testid="dtm-no-findings">
                {t('displacement.quality.none')}
              </p>
            ) : (
              <div className="table-scroll flat">
                <DataTable
                  className="rule-counts"
                  testId="dtm-rule-counts"
                  caption={t('displacement.quality.countsCaption')}
                  captionHidden
                  columns={[
                    t('displacement.quality.rule'),
                    t('displacement.quality.severity'),
                    { label: t('displacement.quality.openCount'), className: 'num' },
                    { label: t('displacement.quality.decidedCount'), className: 'num' },
                    <span className="visually-hidden">{t('displacement.quality.filter')}</span>,
                  ]}
                >
                  {rules.map((row) => (
                    <tr key={row.rule} data-rule={row.rule}>
                      <th scope="row">{ruleLabel(t, row.rule)}</th>
                      <td>
                        <SeverityBadge severity={row.severity} />
                      </td>
                      <td className="num">{format.number(row.open)}</td>
                      <td className="num">{format.number(row.decided)}</td>
                      <td>
                        <button type="button" className="link-button" onClick={() => filter({ rule: row.rule, severity: '', status: '' })}>
                          {t('displacement.quality.showRule')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </DataTable>
              </div>
            )}
          </section>

          <section className="panel" aria-labelledby="dtm-findings-title" data-testid="dtm-findings">
            <h2 id="dtm-findings-title">{t('displacement.findings.title')}</h2>
            <form className="controls findings-filters" role="search" aria-label={t('displacement.findings.filters')} onSubmit={(event) => event.preventDefault()}>
              <div className="field">
                <label htmlFor={ids.severity}>{t('displacement.quality.severity')}</label>
                <select id={ids.severity} data-testid="dtm-filter-severity" value={filters.severity} onChange={(event) => filter({ severity: event.currentTarget.value as Severity | '' })}>
                  <option value="">{t('displacement.findings.all')}</option>
                  {(['error', 'warning'] as const).map((severity) => (
                    <option key={severity} value={severity}>
                      {severityLabel(t, severity)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={ids.status}>{t('displacement.findings.status')}</label>
                <select id={ids.status} data-testid="dtm-filter-status" value={filters.status} onChange={(event) => filter({ status: event.currentTarget.value })}>
                  <option value="">{t('displacement.findings.all')}</option>
                  {['open', 'accepted', 'fixed', 'excluded'].map((status) => (
                    <option key={status} value={status}>
                      {issueStatusLabel(t, status)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={ids.rule}>{t('displacement.quality.rule')}</label>
                <select id={ids.rule} data-testid="dtm-filter-rule" value={filters.rule} onChange={(event) => filter({ rule: event.currentTarget.value })}>
                  <option value="">{t('displacement.findings.all')}</option>
                  {rules.map((row) => (
                    <option key={row.rule} value={row.rule}>
                      {ruleLabel(t, row.rule)}
                    </option>
                  ))}
                </select>
              </div>
            </form>
            {decided !== null ? (
              <p className="notice notice-success" role="status" data-testid="dtm-decided">
                {t('displacement.review.done', { count: decided })}
              </p>
            ) : null}
            {issues.error ? <ErrorNotice error={issues.error} onRetry={issues.retry} /> : null}
            <FindingsTable
              issues={issues.data?.issues ?? []}
              total={issues.data?.total ?? 0}
              offset={filters.offset}
              loading={issues.loading}
              selectable={reviewing}
              selected={selected}
              onSelect={(next) => {
                setSelected(next);
                setDecided(null);
              }}
              onPage={(offset) => {
                setFilters((previous) => ({ ...previous, offset }));
                setSelected(new Map());
              }}
            />
            {round.status === 'draft' ? (
              <ActionGate verb="dtm.review" signInText={t('displacement.review.signIn')} deniedText={t('displacement.review.notAllowed')} testId="dtm-review">
                <ReviewPanel roundId={round.id} ageRanges={operation?.ageRanges ?? []} selected={[...selected.values()]} onDecided={(count) => refresh(count)} />
              </ActionGate>
            ) : (
              <p className="hint">{t('displacement.review.frozen', { status: statusLabel(t, round.status) })}</p>
            )}
          </section>

          <section className="panel" aria-labelledby="dtm-publish-title">
            <h2 id="dtm-publish-title">{t('displacement.publish.title')}</h2>
            <ActionGate verb="dtm.publish" signInText={t('displacement.publish.signIn')} deniedText={t('displacement.publish.notAllowed')} testId="dtm-publish-gate">
              <Publication report={report} onChanged={() => refresh(null)} />
            </ActionGate>
          </section>
        </>
      ) : null}
    </section>
  );
}
