import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'wouter';
import { ApiError, asApiError, buildUrl, sendJson } from '../api.js';
import { PageGate } from '../components/Access.js';
import { useFileSender } from '../useFileSender.js';
import { useJobPoll } from '../useJobPoll.js';
import { InputField, SheetField } from '../components/FormFields.js';
import { CancelUpload, UploadOutcome, uploadWords } from '../components/UploadStatus.js';
import { ErrorNotice, LoadingStatus } from '../components/Status.js';
import { useSession } from '../session.js';
import { clearApiCache, useApi } from '../useApi.js';
import { useFormat } from '../useFormat.js';
import { defaultOperation, existingRound, importProblems, jobProgress, nextRoundNumber, parseRoundNumber, type ImportField } from './importDraft.js';
import { operationName, roundName, ruleLabel, statusLabel, typeLabel } from './labels.js';
import type { MappingDraft } from './mapping.js';
import { HeaderRowField } from './HeaderRowField.js';
import { MappingStep } from './MappingStep.js';
import {
  ASSESSMENT_TYPES,
  operationUrl,
  roundPath,
  type AssessmentType,
  type ImportResult,
  type Job,
  type JobResponse,
  type OperationResponse,
  type OperationsResponse,
  type UploadResponse,
  type UploadView,
} from './types.js';

export const ROUND_FILE_ACCEPT = '.csv,.xlsx,.txt';
/** The server's default age ranges, for an operation not loaded yet. */
const DEFAULT_AGE_RANGES = ['0-4', '5-17', '18-59', '60+'];

interface Target {
  operation: string;
  roundNumber: number;
  assessmentType: AssessmentType;
  referenceDate: string;
  collectionStart: string;
  collectionEnd: string;
}

type Step =
  | { name: 'form' }
  | { name: 'uploading'; loaded: number; total: number }
  | { name: 'reading' }
  | { name: 'mapping'; upload: UploadView; target: Target; error: ApiError | null; starting: boolean }
  | { name: 'running'; upload: UploadView; target: Target; job: Job; rows: number }
  | { name: 'finished'; upload: UploadView; target: Target; job: Job; rows: number }
  | { name: 'cancelled' }
  | { name: 'error'; error: ApiError };


function ImportSummary({ job, onRetry, retrying }: { job: Job; onRetry: () => void; retrying: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (job.status !== 'succeeded') {
    return (
      <div className="notice notice-error" role="alert" data-testid="dtm-import-failed" data-code={job.error?.code}>
        <p>{job.message ?? t('displacement.import.failed')}</p>
        <button type="button" className="button" onClick={onRetry} disabled={retrying} data-testid="dtm-import-retry">
          {t('displacement.import.retry')}
        </button>
      </div>
    );
  }
  const result = job.result as ImportResult;
  const rules = Object.entries(result.byRule).sort((a, b) => b[1] - a[1]);
  return (
    <section className="import-report" data-testid="dtm-import-summary" aria-labelledby="dtm-import-summary-title">
      <h3 id="dtm-import-summary-title">{t('displacement.import.summaryTitle')}</h3>
      {result.alreadyImported ? (
        <p className="notice notice-info" data-testid="dtm-import-already">
          {t('displacement.import.already', { round: result.roundNumber, type: result.assessmentType })}
        </p>
      ) : (
        <p className="notice notice-success">{t('displacement.import.done', { file: result.fileName, round: result.roundNumber, type: result.assessmentType })}</p>
      )}
      <ul className="stat-cards">
        {(
          [
            ['rowsRead', result.rowsRead],
            ['rowsStored', result.rowsStored],
            ['errors', result.errors],
            ['warnings', result.warnings],
          ] as const
        ).map(([key, value]) => (
          <li key={key} className={`stat-card stat-${key}`} data-testid={`dtm-import-${key}`} data-value={value}>
            <span className="stat-value">{format.number(value)}</span>
            <span className="stat-label">{t(`displacement.import.counts.${key}`)}</span>
          </li>
        ))}
      </ul>
      {rules.length > 0 ? (
        <ul className="plain-list" data-testid="dtm-import-rules">
          {rules.map(([rule, count]) => (
            <li key={rule}>
              {ruleLabel(t, rule)} · {format.number(count)}
            </li>
          ))}
        </ul>
      ) : null}
      {result.findingsTruncated ? <p className="hint">{t('displacement.import.truncated')}</p> : null}
      {result.boundaryCheck === null ? (
        <p className="hint" data-testid="dtm-import-boundary-check">
          {t('displacement.import.boundaryNone')}
        </p>
      ) : result.boundaryCheck !== undefined ? (
        <p className="hint" data-testid="dtm-import-boundary-check">
          {t('displacement.import.boundaryChecked', {
            checked: format.number(result.boundaryCheck.checked),
            unchecked: format.number(result.boundaryCheck.unchecked),
            version: result.boundaryCheck.version,
          })}
          {result.boundaryCheck.earliestVersion ? ` ${t('displacement.import.boundaryEarliest', { version: result.boundaryCheck.version })}` : null}
        </p>
      ) : null}
      <p>
        <Link href={roundPath(result.roundId)} className="button primary" data-testid="dtm-import-open-round">
          {result.errors + result.warnings > 0 ? t('displacement.import.openReview') : t('displacement.import.openRound')}
        </Link>
      </p>
    </section>
  );
}

function ImportForm() {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const [params] = useSearchParams();
  const ids = {
    operation: useId(),
    number: useId(),
    reference: useId(),
    start: useId(),
    end: useId(),
    file: useId(),
    title: useId(),
  };
  const operations = useApi<OperationsResponse>('/api/dtm/operations');
  const list = operations.data?.operations ?? [];
  const countries = (session.user?.assignments ?? []).flatMap((assignment) => (assignment.scope.kind === 'country' && assignment.scope.value ? [assignment.scope.value] : []));
  const [chosenOperation, setChosenOperation] = useState<string | null>(params.get('operation'));
  const operationCode = list.find((candidate) => candidate.code === chosenOperation)?.code ?? defaultOperation(list, countries)?.code ?? '';
  const detail = useApi<OperationResponse>(operationCode ? operationUrl(operationCode) : null);
  const rounds = detail.data?.operation.code === operationCode ? detail.data.rounds : [];
  const ageRanges = detail.data?.operation.ageRanges ?? [];

  const [type, setType] = useState<AssessmentType>('BA');
  const [typedNumber, setTypedNumber] = useState<string | null>(null);
  const [referenceDate, setReferenceDate] = useState('');
  const [collectionStart, setCollectionStart] = useState('');
  const [collectionEnd, setCollectionEnd] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [tried, setTried] = useState(false);
  const [step, setStep] = useState<Step>({ name: 'form' });
  const [retrying, setRetrying] = useState(false);
  const [sheetName, setSheetName] = useState<string | null>(null);
  const sender = useFileSender();

  const suggested = detail.data ? String(nextRoundNumber(rounds, type)) : '';
  const roundNumber = typedNumber ?? suggested;
  const parsedNumber = parseRoundNumber(roundNumber);
  const existing = parsedNumber === null ? undefined : existingRound(rounds, parsedNumber, type);
  const problems = importProblems({ operation: operationCode, roundNumber, assessmentType: type, referenceDate, collectionStart, collectionEnd, hasFile: file !== null }, existing);
  const problem = (field: ImportField) => (tried && problems[field] ? t(`displacement.import.problems.${problems[field]}`) : null);
  const busy = step.name === 'uploading' || step.name === 'reading' || step.name === 'running' || (step.name === 'mapping' && step.starting);
  const locked = step.name !== 'form' && step.name !== 'error' && step.name !== 'cancelled';
  const chosenSheet = 'upload' in step ? (step.upload.sheets.find((candidate) => candidate.name === (sheetName ?? step.upload.suggestedSheet)) ?? step.upload.sheets[0]) : undefined;

  // Polls the running import; slower as it goes (every request costs on a satellite link).
  const runningJob = step.name === 'running' ? step.job.id : null;
  useJobPoll<JobResponse['job']>(runningJob === null ? null : `/api/dtm/jobs/${runningJob}`, (job, done) => {
    setStep((previous) => {
      if (previous.name !== 'running' || previous.job.id !== job.id) return previous;
      return done ? { ...previous, name: 'finished', job } : { ...previous, job };
    });
    if (done) clearApiCache();
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setTried(true);
    if (busy || file === null || parsedNumber === null || Object.keys(problems).length > 0) return;
    const target: Target = { operation: operationCode, roundNumber: parsedNumber, assessmentType: type, referenceDate, collectionStart, collectionEnd };
    sender.send<UploadResponse>(buildUrl('/api/dtm/uploads', { fileName: file.name, operation: operationCode }), file, (stage) => setStep(stage.name === 'uploading' ? stage : { name: 'reading' })).then(
      (data) => setStep({ name: 'mapping', upload: data.upload, target, error: null, starting: false }),
      (error: unknown) => {
        const apiError = asApiError(error);
        setStep(apiError.kind === 'aborted' ? { name: 'cancelled' } : { name: 'error', error: apiError });
      },
    );
  }

  function startImport(upload: UploadView, target: Target, sheetName: string, mapping: MappingDraft) {
    const sheet = upload.sheets.find((candidate) => candidate.name === sheetName) ?? upload.sheets[0];
    setStep({ name: 'mapping', upload, target, error: null, starting: true });
    sendJson<JobResponse>('POST', `/api/dtm/uploads/${upload.id}/import`, {
      operation: target.operation,
      roundNumber: target.roundNumber,
      assessmentType: target.assessmentType,
      referenceDate: target.referenceDate,
      collectionStart: target.collectionStart || null,
      collectionEnd: target.collectionEnd || null,
      sheet: upload.format === 'xlsx' ? sheetName : null,
      // The row the officer confirmed in the mapping step (found by Liptako or named by them).
      headerRow: sheet?.headerRow ?? null,
      mapping,
    }).then(
      ({ job }) => {
        const rows = sheet?.rows ?? 0;
        setStep(job.status === 'running' ? { name: 'running', upload, target, job, rows } : { name: 'finished', upload, target, job, rows });
      },
      (error: unknown) => setStep({ name: 'mapping', upload, target, error: asApiError(error), starting: false }),
    );
  }

  function retry(job: Job, upload: UploadView, target: Target, rows: number) {
    setRetrying(true);
    sendJson<JobResponse>('POST', `/api/dtm/jobs/${job.id}/retry`, {}).then(
      (answer) => {
        setRetrying(false);
        setStep({ name: 'running', upload, target, job: answer.job, rows });
      },
      (error: unknown) => {
        setRetrying(false);
        setStep({ name: 'error', error: asApiError(error) });
      },
    );
  }

  const nameOfOperation = (code: string) => {
    const found = list.find((candidate) => candidate.code === code);
    return found ? operationName(found, format.language) : code;
  };

  return (
    <section className="page dtm-import-page" aria-labelledby={ids.title}>
      <nav className="breadcrumb" aria-label={t('displacement.breadcrumb')}>
        <Link href="/displacement">{t('displacement.title')}</Link> <span aria-hidden="true">›</span> <span>{t('displacement.import.title')}</span>
      </nav>
      <header className="page-header">
        <h1 id={ids.title}>{t('displacement.import.title')}</h1>
        <p className="muted">{t('displacement.import.intro')}</p>
      </header>
      {operations.error ? <ErrorNotice error={operations.error} onRetry={operations.retry} /> : null}
      <LoadingStatus loading={operations.loading || detail.loading} label={t('displacement.import.loading')} />
      {operations.data && list.length === 0 ? <p className="notice notice-info">{t('displacement.operations.empty')}</p> : null}

      <section className="panel import-panel" data-testid="dtm-import">
        <h2>{t('displacement.import.step1')}</h2>
        <form className="import-form" onSubmit={onSubmit} noValidate data-testid="dtm-import-form">
          <div className="field">
            <label htmlFor={ids.operation}>{t('displacement.import.operation')}</label>
            <select
              id={ids.operation}
              data-testid="dtm-import-operation"
              value={operationCode}
              disabled={locked || list.length === 0}
              onChange={(event) => {
                setChosenOperation(event.currentTarget.value);
                setTypedNumber(null);
              }}
            >
              {list.map((candidate) => (
                <option key={candidate.code} value={candidate.code}>
                  {operationName(candidate, format.language)} ({candidate.code})
                </option>
              ))}
            </select>
            {detail.data && !detail.data.canImport ? <span className="field-error">{t('displacement.import.notInScope')}</span> : null}
          </div>
          <fieldset className="switch field">
            <legend>{t('displacement.dashboard.assessmentType')}</legend>
            <div className="switch-buttons">
              {ASSESSMENT_TYPES.map((candidate) => (
                <label key={candidate} className="checkbox">
                  <input
                    type="radio"
                    name="assessmentType"
                    value={candidate}
                    data-testid={`dtm-import-type-${candidate}`}
                    checked={type === candidate}
                    disabled={locked}
                    onChange={() => setType(candidate)}
                  />{' '}
                  {typeLabel(t, candidate)}
                </label>
              ))}
            </div>
          </fieldset>
          <InputField
            id={ids.number}
            label={t('displacement.import.roundNumber')}
            type="text"
            inputMode="numeric"
            autoComplete="off"
            data-testid="dtm-import-round"
            value={roundNumber}
            disabled={locked}
            error={problem('roundNumber')}
            help={
              <>
                {suggested ? t('displacement.import.roundSuggested', { number: suggested, type }) : null}
                {existing && existing.status === 'draft' ? ` ${t('displacement.import.replacesDraft')}` : null}
              </>
            }
            onChange={(event) => setTypedNumber(event.currentTarget.value)}
          />
          {(
            [
              ['referenceDate', ids.reference, referenceDate, setReferenceDate, 'dtm-import-reference-date'],
              ['collectionStart', ids.start, collectionStart, setCollectionStart, 'dtm-import-collection-start'],
              ['collectionEnd', ids.end, collectionEnd, setCollectionEnd, 'dtm-import-collection-end'],
            ] as const
          ).map(([field, id, value, setValue, testId]) => (
            <InputField
              key={field}
              id={id}
              label={t(`displacement.import.${field}`)}
              type="date"
              data-testid={testId}
              value={value}
              disabled={locked}
              error={problem(field)}
              onChange={(event) => setValue(event.currentTarget.value)}
            />
          ))}
          <InputField
            id={ids.file}
            label={t('displacement.import.file')}
            wide
            type="file"
            accept={ROUND_FILE_ACCEPT}
            data-testid="dtm-import-file"
            disabled={locked}
            error={problem('file')}
            help={file ? `${file.name} · ${format.bytes(file.size)}` : t('displacement.import.fileHelp')}
            onChange={(event) => {
              setFile(event.currentTarget.files?.[0] ?? null);
              setStep((previous) => (previous.name === 'error' || previous.name === 'cancelled' ? { name: 'form' } : previous));
            }}
          />
          <div className="form-actions">
            {locked ? (
              <button
                type="button"
                className="button"
                disabled={busy}
                data-testid="dtm-import-restart"
                onClick={() => {
                  setStep({ name: 'form' });
                  setSheetName(null);
                }}
              >
                {t('displacement.import.restart')}
              </button>
            ) : (
              <button type="submit" className="button primary" data-testid="dtm-import-upload" disabled={busy || list.length === 0}>
                {t('displacement.import.upload')}
              </button>
            )}
            {step.name === 'uploading' || step.name === 'reading' ? <CancelUpload onCancel={sender.cancel} /> : null}
          </div>
        </form>

        <UploadOutcome
          stage={step.name === 'uploading' || step.name === 'cancelled' ? step : step.name === 'reading' ? { name: 'processing' } : null}
          testId="dtm-upload-progress"
          {...uploadWords(t, 'displacement.import')}
          error={step.name === 'error' ? step.error : null}
          errorTestId="dtm-import-error"
        />
      </section>

      {step.name === 'mapping' || step.name === 'running' || step.name === 'finished' ? (
        <section className="panel import-panel" aria-labelledby="dtm-step2" data-testid="dtm-import-target">
          <h2 id="dtm-step2">{t('displacement.import.step2')}</h2>
          <p>
            {t('displacement.import.target', {
              file: step.upload.fileName,
              round: roundName(t, { number: step.target.roundNumber, assessmentType: step.target.assessmentType }),
              operation: nameOfOperation(step.target.operation),
              date: format.date(step.target.referenceDate, 'long'),
            })}
          </p>
          <SheetField
            id={`${ids.title}-sheet`}
            testId="dtm-mapping-sheet"
            label={t('displacement.mapping.sheet')}
            sheets={step.upload.sheets}
            value={sheetName ?? step.upload.suggestedSheet}
            disabled={step.name !== 'mapping' || step.starting}
            onChange={setSheetName}
            optionLabel={(sheet) => t('displacement.mapping.sheetOption', { name: sheet.name, rows: format.number(sheet.rows) })}
          />
          {step.name === 'mapping' && chosenSheet ? (
            <HeaderRowField
              key={`${step.upload.id}-${chosenSheet.name}-${chosenSheet.headerRow}`}
              uploadId={step.upload.id}
              operation={step.target.operation}
              sheet={chosenSheet}
              disabled={step.starting}
              onRead={(sheet) => setStep({ ...step, upload: { ...step.upload, sheets: step.upload.sheets.map((candidate) => (candidate.name === sheet.name ? sheet : candidate)) } })}
            />
          ) : null}
          <MappingSection step={step} sheetName={sheetName} ageRanges={ageRanges} onConfirm={startImport} />
          {step.name === 'mapping' && step.error ? (
            <div data-testid="dtm-import-start-error">
              <ErrorNotice error={step.error} />
            </div>
          ) : null}
        </section>
      ) : null}

      {step.name === 'running' || step.name === 'finished' ? (
        <section className="panel import-panel" aria-labelledby="dtm-step3" data-testid="dtm-import-job" data-status={step.job.status}>
          <h2 id="dtm-step3">{t('displacement.import.step3')}</h2>
          <JobProgressBar job={step.job} rows={step.rows} />
          {step.name === 'finished' ? <ImportSummary job={step.job} retrying={retrying} onRetry={() => retry(step.job, step.upload, step.target, step.rows)} /> : null}
        </section>
      ) : null}
    </section>
  );
}

/** The mapping of the chosen sheet, while it can still change (and read-only once the import runs). */
function MappingSection({
  step,
  sheetName,
  ageRanges,
  onConfirm,
}: {
  step: Extract<Step, { name: 'mapping' | 'running' | 'finished' }>;
  sheetName: string | null;
  ageRanges: readonly string[];
  onConfirm: (upload: UploadView, target: Target, sheetName: string, mapping: MappingDraft) => void;
}) {
  const { t } = useTranslation();
  // The data sheet Liptako recognised (not the first one, often a "read me"), unless the user chose another.
  const sheet = step.upload.sheets.find((candidate) => candidate.name === (sheetName ?? step.upload.suggestedSheet)) ?? step.upload.sheets[0];
  if (!sheet) return <p className="notice notice-error">{t('displacement.mapping.noSheet')}</p>;
  return (
    <MappingStep
      key={`${step.upload.id}-${sheet.name}-${sheet.headerRow}`}
      sheet={sheet}
      ageRanges={ageRanges.length > 0 ? ageRanges : DEFAULT_AGE_RANGES}
      busy={step.name !== 'mapping' || step.starting}
      onConfirm={(mapping) => onConfirm(step.upload, step.target, sheet.name, mapping)}
    />
  );
}

function JobProgressBar({ job, rows }: { job: Job; rows: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const progress = jobProgress(job, rows);
  return (
    <div className="progress" data-testid="dtm-import-progress" data-phase={progress.phase} aria-live="polite">
      <label>
        <span className="visually-hidden">{t('displacement.import.importProgress')}</span>
        {progress.percent === null ? <progress /> : <progress max={100} value={progress.percent} />}
      </label>
      <p>
        {progress.phase === 'reading'
          ? t('displacement.import.phase.reading', { done: format.number(job.done), total: format.number(rows) })
          : t(`displacement.import.phase.${progress.phase}`, { status: statusLabel(t, 'draft') })}
      </p>
    </div>
  );
}

/** /displacement/import — upload a round file, confirm its columns, import it, then review it. */
export function ImportPage() {
  const { t } = useTranslation();
  return (
    <PageGate verb="dtm.import" title={t('displacement.import.title')}>
      <ImportForm />
    </PageGate>
  );
}
