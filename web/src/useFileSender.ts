import { useCallback, useRef } from 'react';
import { uploadFile } from './api.js';
import type { UploadStage } from './components/UploadStatus.js';

/**
 * Sending a file as every import page does: its stage reported as it goes (bytes sent, then the
 * server reading it), one upload at a time, cancellable. A cancelled upload rejects with an
 * ApiError of kind `aborted`; the page decides what that and any other error show.
 */
export function useFileSender(): { send: <T>(url: string, file: File, onStage: (stage: Exclude<UploadStage, { name: 'cancelled' }>) => void) => Promise<T>; cancel: () => void } {
  const controller = useRef<AbortController | null>(null);
  const send = useCallback(<T>(url: string, file: File, onStage: (stage: Exclude<UploadStage, { name: 'cancelled' }>) => void): Promise<T> => {
    const abort = new AbortController();
    controller.current = abort;
    onStage({ name: 'uploading', loaded: 0, total: file.size });
    return uploadFile<T>(url, file, {
      signal: abort.signal,
      onProgress: ({ loaded, total }) => onStage({ name: 'uploading', loaded, total: total ?? file.size }),
      onSent: () => onStage({ name: 'processing' }),
    }).then(({ data }) => data);
  }, []);
  const cancel = useCallback(() => controller.current?.abort(), []);
  return { send, cancel };
}
