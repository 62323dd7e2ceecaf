import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'wouter';
import { buildUrl } from '../api.js';
import { PageGate } from '../components/Access.js';
import { ErrorNotice, LoadingStatus } from '../components/Status.js';
import { useApi } from '../useApi.js';
import { useFormat } from '../useFormat.js';
import { describeSummary } from './auditSummary.js';
import { AUDIT_FILTERS, type AuditFilter, type AuditResponse } from './types.js';
import { PageHeader } from '../components/PageHeader.js';

export const AUDIT_PAGE_SIZE = 50;

/** Actions the server records, offered as suggestions in the action filter (prefixes work too). */
const KNOWN_ACTIONS = [
  'auth.sign-in',
  'auth.sign-out',
  'account.password',
  'token.create',
  'token.revoke',
  'token.use',
  'user.create',
  'user.update',
  'organisation.create',
  'contribution.create',
  'contribution.update',
  'plan.revise',
  'plan.export',
  'audit.export',
];

type Filters = Record<AuditFilter, string>;

function filtersFrom(params: URLSearchParams): Filters {
  return Object.fromEntries(AUDIT_FILTERS.map((key) => [key, params.get(key) ?? ''])) as Filters;
}

function FilterForm({ initial, onApply }: { initial: Filters; onApply: (filters: Filters) => void }) {
  const { t } = useTranslation();
  const base = useId();
  const id = (key: string) => `${base}-${key}`;
  const [filters, setFilters] = useState<Filters>(initial);
  const set = (key: AuditFilter, value: string) => setFilters((previous) => ({ ...previous, [key]: value }));

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onApply(Object.fromEntries(AUDIT_FILTERS.map((key) => [key, filters[key].trim()])) as Filters);
  }

  const text = (key: 'actor' | 'action' | 'objectType' | 'objectId', extra: Record<string, unknown> = {}) => (
    <div className="field">
      <label htmlFor={id(key)}>{t(`admin.audit.filters.${key}`)}</label>
      <input
        id={id(key)}
        type="text"
        autoComplete="off"
        spellCheck={false}
        value={filters[key]}
        data-testid={`audit-filter-${key}`}
        onChange={(event) => set(key, event.currentTarget.value)}
        {...extra}
      />
    </div>
  );

  return (
    <form className="controls panel" role="search" aria-label={t('admin.audit.filters.label')} data-testid="audit-filters" onSubmit={onSubmit}>
      {text('actor', { placeholder: t('admin.audit.filters.actorPlaceholder') })}
      {text('action', { list: id('actions'), placeholder: 'auth.sign-in' })}
      <datalist id={id('actions')}>
        {KNOWN_ACTIONS.map((action) => (
          <option key={action} value={action} />
        ))}
      </datalist>
      {text('objectType')}
      {text('objectId')}
      <div className="field">
        <label htmlFor={id('outcome')}>{t('admin.audit.filters.outcome')}</label>
        <select id={id('outcome')} value={filters.outcome} data-testid="audit-filter-outcome" onChange={(event) => set('outcome', event.currentTarget.value)}>
          <option value="">{t('admin.audit.filters.anyOutcome')}</option>
          <option value="success">{t('admin.audit.outcomes.success')}</option>
          <option value="failure">{t('admin.audit.outcomes.failure')}</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={id('from')}>{t('admin.audit.filters.from')}</label>
        <input id={id('from')} type="date" value={filters.from} data-testid="audit-filter-from" onChange={(event) => set('from', event.currentTarget.value)} />
      </div>
      <div className="field">
        <label htmlFor={id('to')}>{t('admin.audit.filters.to')}</label>
        <input id={id('to')} type="date" value={filters.to} data-testid="audit-filter-to" onChange={(event) => set('to', event.currentTarget.value)} />
      </div>
      <div className="form-actions">
        <button type="submit" className="button primary" data-testid="audit-apply">
          {t('admin.audit.filters.apply')}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => {
            const empty = Object.fromEntries(AUDIT_FILTERS.map((key) => [key, ''])) as Filters;
            setFilters(empty);
            onApply(empty);
          }}
        >
          {t('admin.audit.filters.clear')}
        </button>
      </div>
    </form>
  );
}

function AuditLog() {
  const { t } = useTranslation();
  const format = useFormat();
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const offset = Math.max(0, Number.parseInt(params.get('offset') ?? '0', 10) || 0);
  const log = useApi<AuditResponse>(buildUrl('/api/audit', { ...filters, limit: AUDIT_PAGE_SIZE, offset }));
  const events = log.data?.events ?? [];
  const total = log.data?.total ?? 0;
  const none = t('common.none');
  const filterKey = AUDIT_FILTERS.map((key) => filters[key]).join('|');

  function apply(next: Filters) {
    const search = new URLSearchParams();
    for (const key of AUDIT_FILTERS) if (next[key]) search.set(key, next[key]);
    setParams(search, { replace: true });
  }

  function page(nextOffset: number) {
    setParams(
      (previous) => {
        const search = new URLSearchParams(previous);
        if (nextOffset === 0) search.delete('offset');
        else search.set('offset', String(nextOffset));
        return search;
      },
      { replace: false },
    );
  }

  return (
    <section className="page audit-page" aria-labelledby="audit-title">
      <PageHeader id="audit-title" title={t('admin.audit.title')} intro={t('admin.audit.intro')}>
        <a className="button" href={buildUrl('/api/audit/export', filters)} download data-testid="audit-export">
          {t('admin.audit.export')}
        </a>
      </PageHeader>
      <FilterForm key={filterKey} initial={filters} onApply={apply} />
      {log.error ? <ErrorNotice error={log.error} onRetry={log.retry} /> : null}
      <LoadingStatus loading={log.loading} label={t('admin.audit.loading')} />
      <div className={log.stale ? 'panel is-loading' : 'panel'}>
        <p className="audit-total" data-testid="audit-total" data-total={total}>
          {events.length > 0
            ? t('admin.audit.range', { from: offset + 1, to: offset + events.length, total })
            : log.data
              ? t('admin.audit.empty')
              : ''}
        </p>
        <div className="table-scroll">
          <table className="data-table audit-table" data-testid="audit-table" aria-busy={log.loading}>
            <caption className="visually-hidden">{t('admin.audit.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.audit.when')}</th>
                <th scope="col">{t('admin.audit.actor')}</th>
                <th scope="col">{t('admin.audit.action')}</th>
                <th scope="col">{t('admin.audit.object')}</th>
                <th scope="col">{t('admin.audit.outcome')}</th>
                <th scope="col">{t('admin.audit.details')}</th>
                <th scope="col">{t('admin.audit.request')}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => {
                const details = describeSummary(event.summary);
                return (
                  <tr key={event.id} data-testid="audit-row" data-action={event.action} data-actor={event.actor} data-outcome={event.outcome}>
                    <td className="date">{format.dateTime(event.occurredAt)}</td>
                    <td>{event.actor}</td>
                    <td className="code">{event.action}</td>
                    <td>{event.object_type ? `${event.object_type}${event.object_id ? ` #${event.object_id}` : ''}` : none}</td>
                    <td>
                      <span className={`state-badge ${event.outcome === 'success' ? 'state-active' : 'state-revoked'}`}>
                        {t(`admin.audit.outcomes.${event.outcome}`, { defaultValue: event.outcome })}
                      </span>
                    </td>
                    <td className="audit-details" title={details.full}>
                      {details.short || none}
                    </td>
                    <td className="code muted">{event.request_id ?? none}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <nav className="pager" aria-label={t('admin.audit.pagination')}>
          <button type="button" className="button small" disabled={offset === 0} data-testid="audit-previous" onClick={() => page(Math.max(0, offset - AUDIT_PAGE_SIZE))}>
            {t('common.previous')}
          </button>
          <button
            type="button"
            className="button small"
            disabled={offset + events.length >= total}
            data-testid="audit-next"
            onClick={() => page(offset + AUDIT_PAGE_SIZE)}
          >
            {t('common.next')}
          </button>
        </nav>
      </div>
    </section>
  );
}

/** The audit log: who did what and when (verb `audit.read`), with CSV export. */
export function AuditPage() {
  const { t } = useTranslation();
  return (
    <PageGate verb="audit.read" title={t('admin.audit.title')}>
      <AuditLog />
    </PageGate>
  );
}
