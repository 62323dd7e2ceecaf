import { useCallback, useState } from 'react';
import { asApiError, sendJson, type ApiError } from './api.js';
import type { UploadStage } from './components/UploadStatus.js';
import { clearApiCache } from './useApi.js';
import { useFileSender } from './useFileSender.js';
import { useJobPoll } from './useJobPoll.js';

/** Where a file import stands: sending, its preview (and the start being asked for), the job running, then over. */
export type ImportStep<Upload, Job> =
  | { name: 'form' }
  | { name: 'sending'; stage: UploadStage }
  | { name: 'preview'; upload: Upload; starting: boolean; error: ApiError | null }
  | { name: 'running'; upload: Upload; job: Job }
  | { name: 'finished'; upload: Upload; job: Job }
  | { name: 'error'; error: ApiError };

interface ImportJob {
  id: number;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'interrupted';
}

/**
 * The steps every "upload → preview → start → job" import page goes through (5W, registry):
 * the file sent with its stage, the upload's preview, the start asked for with the page's
 * choices, the job polled until it ends (the API cache cleared then, `onImported` told of a
 * success). The page keeps its own choices (sheet, mapping, month) and what it shows.
 */
export function useImportSteps<Upload extends { id: number }, Job extends ImportJob>(paths: { job: (id: number) => string; start: (upload: Upload) => string }, onImported: () => void) {
  const [step, setStep] = useState<ImportStep<Upload, Job>>({ name: 'form' });
  const sender = useFileSender();

  const runningJob = step.name === 'running' ? step.job.id : null;
  useJobPoll<Job>(runningJob === null ? null : paths.job(runningJob), (job, done) => {
    setStep((previous) => (previous.name !== 'running' || previous.job.id !== job.id ? previous : { ...previous, name: done ? 'finished' : 'running', job }));
    if (done) {
      clearApiCache();
      if (job.status === 'succeeded') onImported();
    }
  });

  /** Sends the file to `url`; `onUploaded` sets the page's choices from the upload (its suggested sheet) as its preview shows. */
  const send = useCallback(
    (url: string, file: File, onUploaded: (upload: Upload) => void) => {
      sender.send<{ upload: Upload }>(url, file, (stage) => setStep({ name: 'sending', stage })).then(
        ({ upload }) => {
          onUploaded(upload);
          setStep({ name: 'preview', upload, starting: false, error: null });
        },
        (error: unknown) => {
          const apiError = asApiError(error);
          setStep(apiError.kind === 'aborted' ? { name: 'sending', stage: { name: 'cancelled' } } : { name: 'error', error: apiError });
        },
      );
    },
    [sender],
  );

  /** Asks the server to import the upload with the page's choices (`body`); a refusal stays on the preview with its error. */
  const start = useCallback(
    (upload: Upload, body: Record<string, unknown>) => {
      setStep({ name: 'preview', upload, starting: true, error: null });
      sendJson<{ job: Job }>('POST', paths.start(upload), body).then(
        ({ job }) => setStep(job.status === 'running' || job.status === 'queued' ? { name: 'running', upload, job } : { name: 'finished', upload, job }),
        (error: unknown) => setStep({ name: 'preview', upload, starting: false, error: asApiError(error) }),
      );
    },
    [paths],
  );

  const upload = step.name === 'preview' || step.name === 'running' || step.name === 'finished' ? step.upload : null;
  return { step, upload, send, start, cancel: sender.cancel };
}
