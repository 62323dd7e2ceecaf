import './collection.css';
import { useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { asApiError, buildUrl, sendJson, uploadFile, type ApiError } from '../api.js';
import { ErrorNotice, LoadingStatus } from '../components/Status.js';
import { useSession } from '../session.js';
import { useApi } from '../useApi.js';
import { useFormat } from '../useFormat.js';
import { DtmBindingPanel } from './DtmBindingPanel.js';
import { ExportPanel } from './ExportPanel.js';
import { OutboxPanel } from './entry/OutboxPanel.js';
import { COLLECTION_PATH, REVIEW_STATES, type FormMediaFile, type AppUserCredentials, type AppUserView, type FormUploadResult, type FormView, type ProjectView, type SubmissionDetail, type SubmissionsResponse } from './types.js';
import { DataTable } from '../components/DataTable.js';
import { QueueActions } from '../components/QueueActions.js';
import { PageHeader, usePageTitle } from '../components/PageHeader.js';

/** The media files a version names (images, CSV lists): which are there, and uploading them one by one or as a zip. */
function FormMedia({ projectId, xmlFormId, versionId }: { projectId: number; xmlFormId: string; versionId: number }) {
  const { t } = useTranslation();
  const url = `/api/collection/projects/${projectId}/forms/${encodeURIComponent(xmlFormId)}/versions/${versionId}/media`;
  const listing = useApi<{ files: FormMediaFile[] }>(url);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const inputId = useId();

  async function send(files: readonly File[]) {
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      let stored = 0;
      let ignored = 0;
      for (const file of files) {
        const answer = await uploadFile<{ stored: string[]; ignored: number }>(buildUrl(url, { fileName: file.name }), file);
        stored += answer.data.stored.length;
        ignored += answer.data.ignored;
      }
      setNote(`${t('collection.media.stored', { count: stored })}${ignored > 0 ? ` ${t('collection.media.ignored', { count: ignored })}` : ''}`);
      listing.retry();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  }

  const files = listing.data?.files ?? [];
  if (files.length === 0) return null;
  return (
    <div className="form-media" data-testid="collection-media">
      <h3>{t('collection.media.title')}</h3>
      <p className="muted">{t('collection.media.hint')}</p>
      <ul>
        {files.map((file) => (
          <li key={file.name}>
            <code>{file.name}</code> — {file.present ? t('collection.media.present') : <strong>{t('collection.media.missing')}</strong>}
          </li>
        ))}
      </ul>
      <label htmlFor={inputId}>{t('collection.media.choose')}</label>{' '}
      <input id={inputId} type="file" multiple disabled={busy} onChange={(event) => void send([...(event.target.files ?? [])])} data-testid="collection-media-file" />
      {note ? (
        <p className="notice" role="status">
          {note}
        </p>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
    </div>
  );
}

/** Upload an XForm as a new version of its form, and say what was read from it. */
function FormUpload({ projectId, onUploaded }: { projectId: number; onUploaded: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [publish, setPublish] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<FormUploadResult | null>(null);
  const fileId = useId();

  async function upload() {
    if (file === null) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const answer = await uploadFile<FormUploadResult>(buildUrl(`/api/collection/projects/${projectId}/forms`, { publish, fileName: file.name }), file);
      setResult(answer.data);
      onUploaded();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" data-testid="collection-upload">
      <h2>{t('collection.upload.title')}</h2>
      <p className="muted">{t('collection.upload.hint')}</p>
      <div className="controls">
        <span className="field">
          <label htmlFor={fileId}>{t('collection.upload.file')}</label>
          <input id={fileId} type="file" accept=".xml,.xlsx,text/xml,application/xml,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onChange={(event) => setFile(event.target.files?.[0] ?? null)} data-testid="collection-upload-file" />
        </span>
        <label className="checkbox">
          <input type="checkbox" checked={publish} onChange={(event) => setPublish(event.target.checked)} /> {t('collection.upload.publish')}
        </label>
        <button type="button" className="button" disabled={file === null || busy} onClick={() => void upload()} data-testid="collection-upload-send">
          {busy ? t('collection.upload.sending') : t('collection.upload.send')}
        </button>
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      {error && Array.isArray(error.details) && error.details.length > 1 ? (
        <ul className="problems" data-testid="collection-upload-problems">
          {(error.details as Array<{ message?: unknown }>).map((problem, index) => (
            <li key={index}>{typeof problem.message === 'string' ? problem.message : ''}</li>
          ))}
        </ul>
      ) : null}
      {result ? (
        <p className="notice" role="status" data-testid="collection-upload-result">
          {t(result.created ? 'collection.upload.created' : 'collection.upload.unchanged', {
            form: result.form.title,
            version: result.version.version === '' ? '—' : result.version.version,
            questions: result.version.questions,
            repeats: result.version.repeats,
            languages: result.version.languages.join(', ') || '—',
          })}
        </p>
      ) : null}
      {result ? <FormMedia projectId={projectId} xmlFormId={result.form.formId} versionId={result.version.id} /> : null}
      {result && result.warnings.length > 0 ? (
        <details className="notice">
          <summary>{t('collection.upload.warnings', { count: result.warnings.length })}</summary>
          <ul>
            {result.warnings.map((warning, index) => (
              <li key={index}>{warning}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

/** The phones of a project: create one (its QR code is shown once), revoke one. */
function AppUsers({ projectId, forms }: { projectId: number; forms: readonly FormView[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [version, setVersion] = useState(0);
  const list = useApi<{ appUsers: AppUserView[] }>(`/api/collection/projects/${projectId}/app-users`, { version });
  const [name, setName] = useState('');
  const [credentials, setCredentials] = useState<AppUserCredentials | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const nameId = useId();

  async function create() {
    setError(null);
    try {
      setCredentials(await sendJson<AppUserCredentials>('POST', `/api/collection/projects/${projectId}/app-users`, { name: name.trim(), formIds: forms.map((form) => form.id) }));
      setName('');
      setVersion((value) => value + 1);
    } catch (caught) {
      setError(asApiError(caught));
    }
  }

  async function revoke(appUser: AppUserView) {
    if (!window.confirm(t('collection.appUsers.confirmRevoke', { name: appUser.name }))) return;
    setError(null);
    try {
      await sendJson('POST', `/api/collection/projects/${projectId}/app-users/${appUser.id}/revoke`, undefined);
      setVersion((value) => value + 1);
    } catch (caught) {
      setError(asApiError(caught));
    }
  }

  return (
    <section className="panel" data-testid="collection-app-users">
      <h2>{t('collection.appUsers.title')}</h2>
      <p className="muted">{t('collection.appUsers.hint')}</p>
      {list.error ? <ErrorNotice error={list.error} onRetry={list.retry} /> : null}
      {error ? <ErrorNotice error={error} /> : null}
      <form
        className="controls"
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
        <span className="field">
          <label htmlFor={nameId}>{t('collection.appUsers.name')}</label>
          <input id={nameId} value={name} maxLength={200} required onChange={(event) => setName(event.target.value)} data-testid="collection-app-user-name" />
        </span>
        <button type="submit" className="button" disabled={name.trim() === ''} data-testid="collection-app-user-create">
          {t('collection.appUsers.create')}
        </button>
      </form>
      {credentials ? (
        <div className="qr-card" data-testid="collection-qr">
          <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(credentials.qrSvg)}`} alt={t('collection.appUsers.qrAlt', { name: credentials.appUser.name })} width={220} height={220} />
          <div>
            <p>{t('collection.appUsers.qrHint', { name: credentials.appUser.name })}</p>
            <p className="muted">{t('collection.appUsers.urlHint')}</p>
            <code className="server-url">{credentials.serverUrl}</code>
          </div>
        </div>
      ) : null}
      {list.data && list.data.appUsers.length > 0 ? (
        <DataTable columns={[t('collection.appUsers.name'), t('collection.appUsers.created'), t('collection.appUsers.state'), '']}>
          {list.data.appUsers.map((appUser) => (
            <tr key={appUser.id}>
              <td>{appUser.name}</td>
              <td>{format.date(appUser.createdAt.slice(0, 10))}</td>
              <td>{appUser.revokedAt === null ? t('collection.appUsers.active') : t('collection.appUsers.revoked', { date: format.date(appUser.revokedAt.slice(0, 10)) })}</td>
              <td>
                {appUser.revokedAt === null ? (
                  <button type="button" className="button button--secondary" onClick={() => void revoke(appUser)}>
                    {t('collection.appUsers.revoke')}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </section>
  );
}

/** One submission: each answer by question path, its files, its edit history and its reviews. */
function SubmissionPanel({ projectId, formId, submissionId, onClose }: { projectId: number; formId: string; submissionId: number; onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const detail = useApi<SubmissionDetail>(`/api/collection/projects/${projectId}/forms/${encodeURIComponent(formId)}/submissions/${submissionId}`);
  return (
    <section className="panel submission-detail" aria-labelledby="submission-title" data-testid="collection-submission">
      <header className="section-title">
        <h3 id="submission-title">{detail.data?.submission.instanceName ?? detail.data?.submission.instanceId ?? '…'}</h3>
        <button type="button" className="button button--secondary" onClick={onClose}>
          {t('collection.submission.close')}
        </button>
      </header>
      {detail.error ? <ErrorNotice error={detail.error} onRetry={detail.retry} /> : null}
      {detail.data ? (
        <>
          <table className="data-table">
            <tbody>
              {detail.data.answers.map((answer) => (
                <tr key={answer.position}>
                  <th scope="row">
                    {answer.label === null ? null : <span className="answer-label">{answer.label}</span>}
                    <code className={answer.label === null ? undefined : 'answer-path'}>{answer.position.split('/').slice(2).join(' / ')}</code>
                  </th>
                  <td>
                    {answer.value === '' ? (
                      <span className="muted">—</span>
                    ) : answer.valueLabel === null ? (
                      answer.value
                    ) : (
                      <>
                        {answer.valueLabel} <code className="muted">{answer.value}</code>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {detail.data.attachments.length > 0 ? (
            <>
              <h4>{t('collection.submission.files')}</h4>
              <ul>
                {detail.data.attachments.map((file) => (
                  <li key={file.name}>
                    {file.present ? (
                      <a href={`/api/collection/projects/${projectId}/forms/${encodeURIComponent(formId)}/submissions/${submissionId}/attachments/${encodeURIComponent(file.name)}`}>{file.name}</a>
                    ) : (
                      <span>
                        {file.name} — <strong>{t('collection.submission.missing')}</strong>
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {detail.data.history.length > 1 ? (
            <>
              <h4>{t('collection.submission.history')}</h4>
              <ol>
                {detail.data.history.map((version) => (
                  <li key={version.id}>
                    {format.date(version.receivedAt.slice(0, 10))} — {version.submittedBy} <code>{version.instanceId}</code>
                  </li>
                ))}
              </ol>
            </>
          ) : null}
          {detail.data.reviews.length > 0 ? (
            <>
              <h4>{t('collection.submission.reviews')}</h4>
              <ul>
                {detail.data.reviews.map((review, index) => (
                  <li key={index}>
                    {t(`collection.states.${review.state}`)} — {review.by}, {format.date(review.at.slice(0, 10))}
                    {review.comment ? ` : « ${review.comment} »` : ''}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

const PAGE_SIZE = 50;

/** The submissions of a form, newest first, with a review-state filter and bulk review. */
function Submissions({ projectId, form, canReview }: { projectId: number; form: FormView; canReview: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [state, setState] = useState('');
  const [offset, setOffset] = useState(0);
  const [version, setVersion] = useState(0);
  const [checked, setChecked] = useState<Set<number>>(new Set());
  const [comment, setComment] = useState('');
  const [open, setOpen] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const stateId = useId();
  const list = useApi<SubmissionsResponse>(
    buildUrl(`/api/collection/projects/${projectId}/forms/${encodeURIComponent(form.formId)}/submissions`, { reviewState: state === '' ? undefined : state, limit: PAGE_SIZE, offset }),
    { version },
  );
  const rows = list.data?.submissions ?? [];
  const allChecked = rows.length > 0 && rows.every((row) => checked.has(row.id));

  async function review(decision: 'approved' | 'has-issues' | 'rejected') {
    setError(null);
    try {
      await sendJson('POST', `/api/collection/projects/${projectId}/forms/${encodeURIComponent(form.formId)}/reviews`, {
        submissionIds: [...checked],
        state: decision,
        ...(comment.trim() === '' ? {} : { comment: comment.trim() }),
      });
      setChecked(new Set());
      setComment('');
      setVersion((value) => value + 1);
    } catch (caught) {
      setError(asApiError(caught));
    }
  }

  return (
    <section className="panel" data-testid="collection-submissions">
      <h2>{t('collection.submissions.title', { form: form.title, count: list.data?.total ?? form.submissions })}</h2>
      <div className="controls">
        <span className="field">
          <label htmlFor={stateId}>{t('collection.submissions.state')}</label>
          <select
            id={stateId}
            value={state}
            onChange={(event) => {
              setState(event.target.value);
              setOffset(0);
              setChecked(new Set());
            }}
            data-testid="collection-state-filter"
          >
            <option value="">{t('collection.submissions.allStates')}</option>
            {REVIEW_STATES.map((value) => (
              <option key={value} value={value}>
                {t(`collection.states.${value}`)}
              </option>
            ))}
          </select>
        </span>
        <ExportPanel projectId={projectId} formId={form.formId} reviewState={state} />
        <a className="button button--secondary" href={`/v1/projects/${projectId}/formList`} target="_blank" rel="noreferrer">
          {t('collection.submissions.formList')}
        </a>
      </div>
      {list.error ? <ErrorNotice error={list.error} onRetry={list.retry} /> : null}
      {error ? <ErrorNotice error={error} /> : null}
      <LoadingStatus loading={list.loading} label={t('collection.submissions.loading')} />
      {canReview && rows.length > 0 ? (
        <QueueActions
          label={t('collection.submissions.actions')}
          checkAll={{
            label: t('collection.submissions.checkPage', { count: rows.length }),
            checked: allChecked,
            testId: 'collection-check-all',
            onToggle: () => setChecked(allChecked ? new Set() : new Set(rows.map((row) => row.id))),
          }}
          comment={{ label: t('collection.submissions.comment'), value: comment, onChange: setComment }}
        >
          <button type="button" className="button" disabled={checked.size === 0} onClick={() => void review('approved')} data-testid="collection-approve">
            {t('collection.submissions.approve', { count: checked.size })}
          </button>
          <button type="button" className="button button--secondary" disabled={checked.size === 0} onClick={() => void review('has-issues')}>
            {t('collection.submissions.hasIssues')}
          </button>
          <button type="button" className="button button--secondary" disabled={checked.size === 0} onClick={() => void review('rejected')}>
            {t('collection.submissions.reject')}
          </button>
        </QueueActions>
      ) : null}
      {list.data && rows.length === 0 ? <p className="muted">{t('collection.submissions.empty')}</p> : null}
      {rows.length > 0 ? (
        <table className="data-table" data-testid="collection-submission-table">
          <thead>
            <tr>
              {canReview ? <th scope="col" /> : null}
              <th scope="col">{t('collection.submissions.name')}</th>
              <th scope="col">{t('collection.submissions.received')}</th>
              <th scope="col">{t('collection.submissions.by')}</th>
              <th scope="col">{t('collection.submissions.files')}</th>
              <th scope="col">{t('collection.submissions.state')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                {canReview ? (
                  <td>
                    <input
                      type="checkbox"
                      aria-label={t('collection.submissions.check', { name: row.instanceName ?? row.instanceId })}
                      checked={checked.has(row.id)}
                      onChange={() => {
                        const next = new Set(checked);
                        if (next.has(row.id)) next.delete(row.id);
                        else next.add(row.id);
                        setChecked(next);
                      }}
                    />
                  </td>
                ) : null}
                <td>
                  <button type="button" className="link-button" onClick={() => setOpen(row.id)}>
                    {row.instanceName ?? row.instanceId}
                  </button>
                  {row.edits > 0 ? <span className="badge">{t('collection.submissions.edited')}</span> : null}
                </td>
                <td>{format.date(row.receivedAt.slice(0, 10))}</td>
                <td>{row.submittedBy}</td>
                <td>
                  {row.attachmentsExpected === 0
                    ? '—'
                    : row.attachmentsPresent < row.attachmentsExpected
                      ? t('collection.submissions.filesMissing', { present: row.attachmentsPresent, expected: row.attachmentsExpected })
                      : String(row.attachmentsPresent)}
                </td>
                <td>
                  <span className={`status status--${row.reviewState}`}>{t(`collection.states.${row.reviewState}`)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {list.data && list.data.total > PAGE_SIZE ? (
        <nav className="pager" aria-label={t('collection.submissions.pages')}>
          <button type="button" className="button button--secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
            {t('collection.submissions.previous')}
          </button>
          <span>
            {t('collection.submissions.range', { from: format.number(offset + 1), to: format.number(Math.min(offset + PAGE_SIZE, list.data.total)), total: format.number(list.data.total) })}
          </span>
          <button type="button" className="button button--secondary" disabled={offset + PAGE_SIZE >= list.data.total} onClick={() => setOffset(offset + PAGE_SIZE)}>
            {t('collection.submissions.next')}
          </button>
        </nav>
      ) : null}
      {open !== null ? <SubmissionPanel projectId={projectId} formId={form.formId} submissionId={open} onClose={() => setOpen(null)} /> : null}
    </section>
  );
}

/** /collection: projects, their forms and phones, and the submissions to review. */
export function CollectionPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const [version, setVersion] = useState(0);
  const changed = useCallback(() => setVersion((value) => value + 1), []);
  const projects = useApi<{ projects: ProjectView[] }>('/api/collection/projects', { version });
  const [projectId, setProjectId] = useState<number | null>(null);
  const [formId, setFormId] = useState<string | null>(null);
  const project = projects.data?.projects.find((candidate) => candidate.id === projectId) ?? projects.data?.projects[0];
  const forms = useApi<{ forms: FormView[] }>(project ? `/api/collection/projects/${project.id}/forms` : null, { version });
  const form = forms.data?.forms.find((candidate) => candidate.formId === formId) ?? forms.data?.forms[0];
  const projectSelect = useId();
  const mayFill = session.can('collection.submit');

  usePageTitle(t('collection.title'));

  return (
    <section className="page collection-page" aria-labelledby="collection-title" data-testid="collection-page">
      <PageHeader id="collection-title" title={t('collection.title')} intro={t('collection.intro')} />
      {projects.error ? <ErrorNotice error={projects.error} onRetry={projects.retry} /> : null}
      <LoadingStatus loading={projects.loading} label={t('collection.loading')} />
      {projects.data && projects.data.projects.length === 0 ? <p className="muted">{t('collection.noProject')}</p> : null}
      {project ? (
        <>
          <div className="controls panel">
            <span className="field">
              <label htmlFor={projectSelect}>{t('collection.project')}</label>
              <select
                id={projectSelect}
                value={project.id}
                onChange={(event) => {
                  setProjectId(Number(event.target.value));
                  setFormId(null);
                }}
                data-testid="collection-project"
              >
                {projects.data!.projects.map((candidate) => (
                  <option key={candidate.id} value={candidate.id}>
                    {candidate.name} — {format.country(candidate.country)}
                  </option>
                ))}
              </select>
            </span>
            <p className="muted">{t('collection.projectSummary', { count: project.forms, forms: project.forms, submissions: format.number(project.submissions) })}</p>
          </div>
          <section className="panel" data-testid="collection-forms">
            <h2>{t('collection.forms.title')}</h2>
            {forms.error ? <ErrorNotice error={forms.error} onRetry={forms.retry} /> : null}
            {forms.data && forms.data.forms.length === 0 ? <p className="muted">{t('collection.forms.empty')}</p> : null}
            {forms.data && forms.data.forms.length > 0 ? (
              <table className="data-table">
                <thead>
                  <tr>
                    <th scope="col">{t('collection.forms.name')}</th>
                    <th scope="col">{t('collection.forms.id')}</th>
                    <th scope="col">{t('collection.forms.version')}</th>
                    <th scope="col">{t('collection.forms.state')}</th>
                    <th scope="col">{t('collection.forms.submissions')}</th>
                    <th scope="col">{t('collection.forms.last')}</th>
                    {mayFill ? <th scope="col" /> : null}
                  </tr>
                </thead>
                <tbody>
                  {forms.data.forms.map((candidate) => (
                    <tr key={candidate.id} aria-current={candidate.id === form?.id ? 'true' : undefined}>
                      <td>
                        <button type="button" className="link-button" onClick={() => setFormId(candidate.formId)}>
                          {candidate.title}
                        </button>
                      </td>
                      <td>
                        <code>{candidate.formId}</code>
                      </td>
                      <td>{candidate.publishedVersion ?? t('collection.forms.unpublished')}</td>
                      <td>{t(`collection.forms.${candidate.state}`)}</td>
                      <td>{format.number(candidate.submissions)}</td>
                      <td>{candidate.lastSubmissionAt === null ? '—' : format.date(candidate.lastSubmissionAt.slice(0, 10))}</td>
                      {mayFill ? (
                        <td>
                          {candidate.state === 'open' && candidate.publishedVersionId !== null ? (
                            <Link className="button button--secondary" href={`${COLLECTION_PATH}/fill/${project.id}/${encodeURIComponent(candidate.formId)}`} data-testid={`collection-fill-${candidate.formId}`}>
                              {t('collection.entry.fill')}
                            </Link>
                          ) : null}
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </section>
          {mayFill && session.user !== null ? <OutboxPanel userId={session.user.id} /> : null}
          {form ? <Submissions key={`${project.id}-${form.formId}`} projectId={project.id} form={form} canReview={session.can('collection.review')} /> : null}
          {form && session.can('dtm.import') ? <DtmBindingPanel key={`dtm-${project.id}-${form.formId}`} projectId={project.id} formId={form.formId} /> : null}
          {session.can('collection.manage') ? (
            <>
              <FormUpload projectId={project.id} onUploaded={changed} />
              <AppUsers key={project.id} projectId={project.id} forms={forms.data?.forms ?? []} />
            </>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
