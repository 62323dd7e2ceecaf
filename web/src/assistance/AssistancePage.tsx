import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { asApiError, buildUrl, sendJson, type ApiError } from '../api.js';
import { ErrorNotice, LoadingStatus } from '../components/Status.js';
import { useSession } from '../session.js';
import { useApi } from '../useApi.js';
import { useFormat } from '../useFormat.js';
import type { DuplicatesResponse, DuplicateView, HouseholdsResponse, ReviewRecord } from './types.js';

/** The reasons scorePair gives (src/assistance/names.ts) in the reader's language; unknown ones as they come. */
function useReason(): (reason: string) => string {
  const { t } = useTranslation();
  return useCallback(
    (reason: string) => {
      const name = /^name ([0-9.]+)$/.exec(reason);
      if (name) return t('assistance.reasons.name', { value: name[1] });
      const year = /^birth year ±(\d+)$/.exec(reason);
      if (year) return t('assistance.reasons.birthYearNear', { gap: year[1] });
      const known: Record<string, string> = {
        'same birth year': 'assistance.reasons.sameBirthYear',
        'same phone': 'assistance.reasons.samePhone',
        'phones differ': 'assistance.reasons.phonesDiffer',
        'same admin2': 'assistance.reasons.samePlace',
        'different admin2': 'assistance.reasons.differentPlace',
        'same household': 'assistance.reasons.sameHousehold',
      };
      return known[reason] === undefined ? reason : t(known[reason]);
    },
    [t],
  );
}

function Registry({ version }: { version: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const list = useApi<HouseholdsResponse>(buildUrl('/api/assistance/households', { limit: 200 }), { version });
  const households = list.data?.households ?? [];
  return (
    <section className="panel" aria-labelledby="assistance-registry-title" data-testid="assistance-registry">
      <h2 id="assistance-registry-title">{t('assistance.registry.title', { count: list.data?.total ?? 0 })}</h2>
      <p className="muted">{t('assistance.registry.intro')}</p>
      {list.error ? <ErrorNotice error={list.error} onRetry={list.retry} /> : null}
      <LoadingStatus loading={list.loading} label={t('assistance.registry.loading')} />
      {list.data && households.length === 0 ? <p>{t('assistance.registry.empty')}</p> : null}
      {households.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('assistance.columns.household')}</th>
                <th scope="col">{t('assistance.columns.organisation')}</th>
                <th scope="col">{t('assistance.columns.place')}</th>
                <th scope="col">{t('assistance.columns.site')}</th>
                <th scope="col">{t('assistance.columns.status')}</th>
                <th scope="col" className="number">{t('assistance.columns.members')}</th>
                <th scope="col">{t('assistance.columns.registered')}</th>
              </tr>
            </thead>
            <tbody>
              {households.map((household) => (
                <tr key={household.id}>
                  <td className="code">{household.id}</td>
                  <td>{household.organisation.acronym}</td>
                  <td>
                    {household.location.admin2Name ?? household.location.admin2} <span className="code muted">{household.location.admin3 ?? household.location.admin2}</span>
                  </td>
                  <td className="code">{household.location.site ?? '—'}</td>
                  <td>{t(`assistance.displacement.${household.displacementStatus}`)}</td>
                  <td className="number">{format.number(household.members)}</td>
                  <td>{format.date(household.registeredAt.slice(0, 10))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {(list.data?.total ?? 0) > households.length ? <p className="muted">{t('assistance.registry.more', { count: (list.data?.total ?? 0) - households.length })}</p> : null}
    </section>
  );
}

/** One registration of a pair: personal fields only when the server sent them (assistance.personal). */
function RecordCard({ record, side }: { record: ReviewRecord; side: 'a' | 'b' }) {
  const { t } = useTranslation();
  const format = useFormat();
  const rows: Array<[string, string]> = [
    ...(record.personal
      ? ([
          [t('assistance.columns.name'), `${record.personal.givenNames} ${record.personal.familyName}`],
          ...(record.personal.spokenName ? [[t('assistance.columns.spokenName'), record.personal.spokenName] as [string, string]] : []),
          [t('assistance.columns.phone'), record.personal.phone ?? '—'],
        ] as Array<[string, string]>)
      : []),
    [t('assistance.columns.sex'), t(`assistance.sex.${record.sex}`)],
    [t('assistance.columns.birthYear'), record.birthYear === null ? '—' : String(record.birthYear)],
    [t('assistance.columns.relation'), t(`assistance.relation.${record.relation}`)],
    [t('assistance.columns.organisation'), record.organisation.acronym],
    [t('assistance.columns.place'), `${record.admin2Name ?? record.admin2} (${record.admin2})${record.site ? ` · ${record.site}` : ''}`],
    [t('assistance.columns.household'), t('assistance.review.household', { id: record.householdId, count: record.householdSize })],
    [t('assistance.columns.registered'), format.date(record.registeredAt)],
  ];
  return (
    <div className="duplicate-record" data-testid={`assistance-record-${side}`}>
      <dl>
        {rows.map(([label, value]) => (
          <div key={label} className="duplicate-field">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {record.personal === null ? <p className="muted small">{t('assistance.review.noPersonal')}</p> : null}
    </div>
  );
}

function PairCard({ pair, onChanged }: { pair: DuplicateView; onChanged: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const reason = useReason();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const commentId = useId();

  async function act(path: string, body: Record<string, unknown>) {
    setBusy(true);
    setError(null);
    try {
      await sendJson('POST', path, { ...body, ...(comment.trim() === '' ? {} : { comment }) });
      onChanged();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <article className="duplicate-pair" data-testid="assistance-pair" aria-label={t('assistance.review.pair', { id: pair.id })}>
      <header className="duplicate-header">
        <strong data-testid="assistance-score">{t('assistance.review.score', { score: format.decimal(pair.score, 2) })}</strong>
        <ul className="duplicate-reasons" aria-label={t('assistance.review.reasons')}>
          {pair.reasons.map((text) => (
            <li key={text}>{reason(text)}</li>
          ))}
        </ul>
      </header>
      <div className="duplicate-records">
        <RecordCard record={pair.records[0]} side="a" />
        <RecordCard record={pair.records[1]} side="b" />
      </div>
      {pair.comment ? <p className="muted">{t('assistance.review.previous', { comment: pair.comment })}</p> : null}
      <div className="queue-actions" role="group" aria-label={t('assistance.review.decide')}>
        <span className="field">
          <label htmlFor={commentId}>{t('assistance.review.comment')}</label>
          <input id={commentId} value={comment} maxLength={2000} onChange={(event) => setComment(event.target.value)} />
        </span>
        {pair.merged ? (
          <button type="button" className="button small" disabled={busy} onClick={() => void act(`/api/assistance/duplicates/${pair.id}/undo`, {})} data-testid="assistance-undo">
            {t('assistance.review.undo')}
          </button>
        ) : (
          (['same', 'different', 'unsure'] as const).map((decision) => (
            <button
              key={decision}
              type="button"
              className={decision === 'same' ? 'button small primary' : 'button small'}
              disabled={busy || pair.status === decision}
              onClick={() => void act(`/api/assistance/duplicates/${pair.id}/decision`, { decision })}
              data-testid={`assistance-${decision}`}
            >
              {t(`assistance.review.${decision}`)}
            </button>
          ))
        )}
      </div>
      {error ? <ErrorNotice error={error} /> : null}
    </article>
  );
}

const QUEUES = ['pending', 'same', 'unsure', 'different'] as const;

function ReviewQueue({ version, onChanged }: { version: number; onChanged: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [status, setStatus] = useState<(typeof QUEUES)[number]>('pending');
  const queue = useApi<DuplicatesResponse>(buildUrl('/api/assistance/duplicates', { status, limit: 50 }), { version });
  const [detecting, setDetecting] = useState(false);
  const [found, setFound] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const statusId = useId();

  async function detect() {
    setDetecting(true);
    setError(null);
    try {
      const result = await sendJson<{ added: number }>('POST', '/api/assistance/duplicates/detect', {});
      setFound(result.added);
      onChanged();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setDetecting(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="assistance-review-title" data-testid="assistance-review">
      <h2 id="assistance-review-title">{t('assistance.review.title')}</h2>
      <p className="muted">{t('assistance.review.intro')}</p>
      <div className="queue-actions">
        <span className="field">
          <label htmlFor={statusId}>{t('assistance.review.show')}</label>
          <select id={statusId} value={status} onChange={(event) => setStatus(event.target.value as (typeof QUEUES)[number])} data-testid="assistance-status">
            {QUEUES.map((value) => (
              <option key={value} value={value}>
                {t(`assistance.review.status.${value}`)}
              </option>
            ))}
          </select>
        </span>
        <button type="button" className="button small" disabled={detecting} onClick={() => void detect()} data-testid="assistance-detect">
          {t('assistance.review.detect')}
        </button>
        {found !== null ? (
          <span role="status" className="muted" data-testid="assistance-found">
            {t('assistance.review.found', { count: found })}
          </span>
        ) : null}
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      {queue.error ? <ErrorNotice error={queue.error} onRetry={queue.retry} /> : null}
      <LoadingStatus loading={queue.loading} label={t('assistance.review.loading')} />
      {queue.data ? (
        <p data-testid="assistance-queue-total">{t(`assistance.review.total.${status}`, { count: queue.data.total, formatted: format.number(queue.data.total) })}</p>
      ) : null}
      {(queue.data?.duplicates ?? []).map((pair) => (
        <PairCard key={`${pair.id}-${pair.status}`} pair={pair} onChanged={onChanged} />
      ))}
    </section>
  );
}

/** /assistance: the registry (households, no names) and, for reviewers, the queue of possible duplicates side by side. */
export function AssistancePage() {
  const { t } = useTranslation();
  const session = useSession();
  const [version, setVersion] = useState(0);
  const changed = useCallback(() => setVersion((value) => value + 1), []);

  useEffect(() => {
    document.title = t('app.pageTitle', { page: t('assistance.title') });
  }, [t]);

  return (
    <section className="page assistance-page" aria-labelledby="assistance-title" data-testid="assistance-page">
      <header className="page-header section-title">
        <div>
          <h1 id="assistance-title">{t('assistance.title')}</h1>
          <p className="muted">{t('assistance.intro')}</p>
        </div>
      </header>
      {session.can('assistance.read') ? <Registry version={version} /> : <p>{t('assistance.signIn')}</p>}
      {session.can('assistance.manage') ? <ReviewQueue version={version} onChanged={changed} /> : null}
    </section>
  );
}
