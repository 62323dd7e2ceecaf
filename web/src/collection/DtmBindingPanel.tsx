/**
 * "Bind to a DTM operation": a form's questions mapped to round fields (the mapping step's own
 * field list and labels), then "make a draft round" from the approved submissions of a
 * collection period, with a link to the round once its import job is done. Shown to those who
 * may import DTM rounds; the server checks the operation's country and the form's project.
 */
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { asApiError, buildUrl, sendJson, type ApiError } from '../api.js';
import { DataTable } from '../components/DataTable.js';
import { ErrorNotice, LoadingStatus } from '../components/Status.js';
import { useApi } from '../useApi.js';
import { useFormat } from '../useFormat.js';
import { useJobPoll } from '../useJobPoll.js';
import { fieldLabelKey, fieldsFor, sideGroupOf } from '../displacement/mapping.js';
import { operationName, statusLabel } from '../displacement/labels.js';
import { roundPath } from '../displacement/types.js';
import { REQUIRED_FIELDS } from '../../../src/shared/displacement.js';

interface Panel {
  form: { projectId: number; formId: string; title: string; country: string };
  questions: Array<{ path: string; name: string; label: string | null; type: string | null; suggested: string | null }>;
  operations: Array<{ code: string; name: string; nameFr: string; ageRanges: string[] }>;
  binding: { id: number; operation: string; assessmentType: 'BA' | 'SA'; mapping: Record<string, string | null> } | null;
  rounds: Array<{ roundId: number; number: number; assessmentType: string; status: string; rowsRead: number; rowsStored: number }>;
}

interface Job {
  id: number;
  status: string;
  result: { roundId?: number; rowsRead?: number; rowsStored?: number; errors?: number; warnings?: number } | null;
  message: string | null;
}

const today = (): string => new Date().toISOString().slice(0, 10);

export function DtmBindingPanel({ projectId, formId }: { projectId: number; formId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const [version, setVersion] = useState(0);
  const panel = useApi<Panel>(buildUrl('/api/dtm/form-bindings', { projectId: String(projectId), formId }), { version });
  const [draft, setDraft] = useState<{ operation: string; assessmentType: 'BA' | 'SA'; mapping: Record<string, string | null> } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const [period, setPeriod] = useState({ start: today(), end: today(), roundNumber: 1 });
  const [job, setJob] = useState<Job | null>(null);
  useJobPoll<Job>(job !== null && (job.status === 'running' || job.status === 'queued') ? `/api/dtm/jobs/${job.id}` : null, (next, done) => {
    setJob(next);
    if (done) setVersion((value) => value + 1);
  });

  const data = panel.data;
  if (panel.error) return <ErrorNotice error={panel.error} onRetry={panel.retry} />;
  if (data === null || data === undefined) return <LoadingStatus loading={panel.loading} label={t('collection.dtmBinding.loading')} />;
  if (data.operations.length === 0 && data.binding === null) return null;
  const current = draft ?? {
    operation: data.binding?.operation ?? data.operations[0]?.code ?? '',
    assessmentType: data.binding?.assessmentType ?? 'SA',
    mapping: data.binding?.mapping ?? Object.fromEntries(data.questions.map((question) => [question.path, question.suggested])),
  };
  const operation = data.operations.find((candidate) => candidate.code === current.operation);
  const ageRanges = operation?.ageRanges ?? ['0-4', '5-17', '18-59', '60+'];
  const fields = fieldsFor(ageRanges);
  const fieldText = (field: string): string => {
    const side = sideGroupOf(field);
    if (side) return t('displacement.fields.sideGroup', { group: t(`displacement.groups.${side.group}`), measure: fieldText(side.measure) });
    const label = fieldLabelKey(field, ageRanges);
    return t(label.key, label.options ?? {});
  };
  const mapped = Object.values(current.mapping).filter((field): field is string => field !== null && field !== '');
  const missing = REQUIRED_FIELDS.filter((field) => (field === 'individuals' ? !mapped.some((value) => value === 'individuals' || value.endsWith(':individuals')) : !mapped.includes(field)));
  const change = (next: Partial<typeof current>): void => {
    setSaved(false);
    setDraft({ ...current, ...next });
  };

  async function bind(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await sendJson('PUT', '/api/dtm/form-bindings', { projectId, formId, operation: current.operation, assessmentType: current.assessmentType, mapping: current.mapping });
      setSaved(true);
      setDraft(null);
      setVersion((value) => value + 1);
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  }

  async function makeRound(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (data?.binding === null || data?.binding === undefined) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await sendJson<{ job: Job }>('POST', `/api/dtm/form-bindings/${data.binding.id}/rounds`, {
        roundNumber: period.roundNumber,
        periodStart: period.start,
        periodEnd: period.end,
      });
      setJob(answer.job);
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  }

  const roundId = job?.result?.roundId;
  return (
    <section className="panel dtm-binding" aria-labelledby={`${id}-title`} data-testid="collection-dtm-binding">
      <h2 id={`${id}-title`}>{t('collection.dtmBinding.title')}</h2>
      <p className="muted">{t('collection.dtmBinding.intro')}</p>
      <form onSubmit={(event) => void bind(event)} noValidate>
        <div className="controls">
          <span className="field">
            <label htmlFor={`${id}-operation`}>{t('collection.dtmBinding.operation')}</label>
            <select id={`${id}-operation`} value={current.operation} onChange={(event) => change({ operation: event.target.value })} data-testid="collection-dtm-operation">
              {data.operations.map((candidate) => (
                <option key={candidate.code} value={candidate.code}>
                  {operationName(candidate, format.language)}
                </option>
              ))}
            </select>
          </span>
          <span className="field">
            <label htmlFor={`${id}-type`}>{t('collection.dtmBinding.assessmentType')}</label>
            <select id={`${id}-type`} value={current.assessmentType} onChange={(event) => change({ assessmentType: event.target.value === 'BA' ? 'BA' : 'SA' })}>
              <option value="SA">{t('collection.dtmBinding.site')}</option>
              <option value="BA">{t('collection.dtmBinding.baseline')}</option>
            </select>
          </span>
        </div>
        <div className="table-scroll flat">
          <DataTable testId="collection-dtm-mapping" caption={t('collection.dtmBinding.caption')} captionHidden columns={[t('collection.dtmBinding.question'), t('collection.dtmBinding.field')]}>
            {data.questions.map((question, index) => (
              <tr key={question.path} data-path={question.path}>
                <th scope="row">
                  <label htmlFor={`${id}-field-${index}`}>{question.label ?? question.name}</label> <code className="muted">{question.path}</code>
                </th>
                <td>
                  <select
                    id={`${id}-field-${index}`}
                    value={current.mapping[question.path] ?? ''}
                    onChange={(event) => change({ mapping: { ...current.mapping, [question.path]: event.target.value === '' ? null : event.target.value } })}
                  >
                    <option value="">{t('collection.dtmBinding.notRead')}</option>
                    {fields.map((field) => (
                      <option key={field} value={field}>
                        {fieldText(field)}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </DataTable>
        </div>
        {missing.length > 0 ? (
          <p className="field-error" data-testid="collection-dtm-missing">
            {t('collection.dtmBinding.missing', { fields: missing.map(fieldText).join(', ') })}
          </p>
        ) : null}
        <button type="submit" className="button" disabled={busy || missing.length > 0} data-testid="collection-dtm-bind">
          {data.binding === null ? t('collection.dtmBinding.bind') : t('collection.dtmBinding.rebind')}
        </button>
        {saved ? (
          <p className="notice notice-success" role="status">
            {t('collection.dtmBinding.saved')}
          </p>
        ) : null}
      </form>
      {data.binding !== null ? (
        <form className="controls" onSubmit={(event) => void makeRound(event)} data-testid="collection-dtm-round-form">
          <span className="field">
            <label htmlFor={`${id}-start`}>{t('collection.dtmBinding.periodStart')}</label>
            <input id={`${id}-start`} type="date" value={period.start} onChange={(event) => setPeriod({ ...period, start: event.target.value })} required />
          </span>
          <span className="field">
            <label htmlFor={`${id}-end`}>{t('collection.dtmBinding.periodEnd')}</label>
            <input id={`${id}-end`} type="date" value={period.end} onChange={(event) => setPeriod({ ...period, end: event.target.value })} required />
          </span>
          <span className="field">
            <label htmlFor={`${id}-round`}>{t('collection.dtmBinding.roundNumber')}</label>
            <input
              id={`${id}-round`}
              type="number"
              min={1}
              max={10000}
              value={period.roundNumber}
              onChange={(event) => setPeriod({ ...period, roundNumber: Math.max(1, Number(event.target.value) || 1) })}
            />
          </span>
          <button type="submit" className="button primary" disabled={busy || (job !== null && (job.status === 'running' || job.status === 'queued'))} data-testid="collection-dtm-make-round">
            {t('collection.dtmBinding.makeRound')}
          </button>
        </form>
      ) : null}
      {job !== null ? (
        <p className={`notice ${job.status === 'failed' ? 'notice-error' : job.status === 'succeeded' ? 'notice-success' : 'notice-info'}`} role="status" data-testid="collection-dtm-job">
          {job.status === 'succeeded' && roundId !== undefined ? (
            <>
              {t('collection.dtmBinding.made', { read: job.result?.rowsRead ?? 0, stored: job.result?.rowsStored ?? 0, errors: job.result?.errors ?? 0, warnings: job.result?.warnings ?? 0 })}{' '}
              <Link href={roundPath(roundId)} data-testid="collection-dtm-round-link">
                {t('collection.dtmBinding.openRound')}
              </Link>
            </>
          ) : job.status === 'failed' || job.status === 'interrupted' ? (
            (job.message ?? t('collection.dtmBinding.failed'))
          ) : (
            t('collection.dtmBinding.running')
          )}
        </p>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
      {data.rounds.length > 0 ? (
        <>
          <h3>{t('collection.dtmBinding.rounds')}</h3>
          <ul data-testid="collection-dtm-rounds">
            {data.rounds.map((round) => (
              <li key={round.roundId}>
                <Link href={roundPath(round.roundId)}>{t('displacement.round.name', { number: round.number, type: round.assessmentType })}</Link> — {statusLabel(t, round.status)} —{' '}
                {t('collection.dtmBinding.roundRows', { read: round.rowsRead, stored: round.rowsStored })}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
