import { useCallback, useState } from 'react';
import { asApiError, type ApiError } from './api.js';

/**
 * A write started from a button or a form: busy while it runs, its error (as the server wrote it)
 * kept to be shown until the next try.
 */
export function useAction(): { busy: boolean; error: ApiError | null; run: (work: () => Promise<void>) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run };
}
