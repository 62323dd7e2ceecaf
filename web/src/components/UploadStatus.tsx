import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api.js';
import { useFormat } from '../useFormat.js';
import { ErrorNotice } from './Status.js';

/** Where an upload stands, as every import page shows it. */
export type UploadStage = { name: 'uploading'; loaded: number; total: number } | { name: 'processing' } | { name: 'cancelled' };

/**
 * The words of an import whose messages follow one pattern under `prefix` (`uploadProgress`,
 * `uploading` with loaded/total/percent, `reading`, `cancelled`), as UploadOutcome takes them.
 */
export function uploadWords(t: (key: string, values?: Record<string, unknown>) => string, prefix: string) {
  return {
    label: t(`${prefix}.uploadProgress`),
    uploading: (progress: { loaded: string; total: string; percent: number }) => t(`${prefix}.uploading`, progress),
    processing: t(`${prefix}.reading`),
    cancelled: t(`${prefix}.cancelled`),
  };
}

export function uploadPercent(stage: { loaded: number; total: number }): number {
  return stage.total > 0 ? Math.round((stage.loaded / stage.total) * 100) : 0;
}

/** Where the upload stands and the page's words for it (`uploadWords` for most pages). */
interface UploadStatusProps {
  stage: UploadStage | null;
  testId: string;
  /** The progress bar's accessible name. */
  label: string;
  uploading: (progress: { loaded: string; total: string; percent: number }) => string;
  processing: string;
  cancelled: string;
}

/**
 * The progress of a file upload (bytes sent, then the server reading it) or its cancellation, in
 * the words of the page: on a slow link the officer sees it move, and knows when the server has
 * the file.
 */
function UploadStatus({ stage, testId, label, uploading, processing, cancelled }: UploadStatusProps) {
  const format = useFormat();
  if (stage === null) return null;
  if (stage.name === 'cancelled') return <p>{cancelled}</p>;
  if (stage.name === 'processing') {
    return (
      <div className="progress" data-testid={testId}>
        <progress aria-label={label} />
        <p>{processing}</p>
      </div>
    );
  }
  const percent = uploadPercent(stage);
  return (
    <div className="progress" data-testid={testId}>
      <label>
        <span className="visually-hidden">{label}</span>
        <progress max={100} value={percent} />
      </label>
      <p>{uploading({ loaded: format.bytes(stage.loaded), total: format.bytes(stage.total), percent })}</p>
    </div>
  );
}

/** The button of an import form that stops the upload under way (useFileSender's cancel). */
export function CancelUpload({ onCancel }: { onCancel: () => void }) {
  const { t } = useTranslation();
  return (
    <button type="button" className="button" onClick={onCancel}>
      {t('common.cancel')}
    </button>
  );
}

/**
 * What every import form shows below itself while and after it sends a file: the upload's
 * progress, announced politely, and the error that ended it (its code on the wrapper for tests),
 * followed by what the page has to say about that error (`children`).
 */
export function UploadOutcome({
  error,
  errorTestId,
  errorClassName,
  onRetry,
  children,
  ...status
}: UploadStatusProps & {
  error: ApiError | null;
  errorTestId: string;
  errorClassName?: string;
  /** Offered on the error when the error says a new try may work. */
  onRetry?: () => void;
  children?: ReactNode;
}) {
  return (
    <>
      <div className="import-status" aria-live="polite">
        <UploadStatus {...status} />
      </div>
      {error === null ? null : (
        <div className={errorClassName} data-testid={errorTestId} data-code={error.code ?? undefined}>
          <ErrorNotice error={error} onRetry={onRetry} />
          {children}
        </div>
      )}
    </>
  );
}

/**
 * An import job while it runs, in the words of the page under `prefix` (`jobProgress`, `readingRows`
 * with done, `storing`): a bar when the job knows its total, rows read so far otherwise.
 */
export function JobProgress({ job, prefix, testId }: { job: { phase: string | null; done: number; total: number | null }; prefix: string; testId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <div className="progress" data-testid={testId}>
      <progress aria-label={t(`${prefix}.jobProgress`)} {...(job.total ? { max: job.total, value: job.done } : {})} />
      <p>{t(job.phase === 'storing' ? `${prefix}.storing` : `${prefix}.readingRows`, { done: format.number(job.done) })}</p>
    </div>
  );
}
