import { useFormat } from '../useFormat.js';

/** Where an upload stands, as every import page shows it. */
export type UploadStage = { name: 'uploading'; loaded: number; total: number } | { name: 'processing' } | { name: 'cancelled' };

/**
 * The words of an import whose messages follow one pattern under `prefix` (`uploadProgress`,
 * `uploading` with loaded/total/percent, `reading`, `cancelled`), as UploadStatus takes them.
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

/**
 * The progress of a file upload (bytes sent, then the server reading it) or its cancellation, in
 * the words of the page: on a slow link the officer sees it move, and knows when the server has
 * the file.
 */
export function UploadStatus({
  stage,
  testId,
  label,
  uploading,
  processing,
  cancelled,
}: {
  stage: UploadStage | null;
  testId: string;
  /** The progress bar's accessible name. */
  label: string;
  uploading: (progress: { loaded: string; total: string; percent: number }) => string;
  processing: string;
  cancelled: string;
}) {
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
