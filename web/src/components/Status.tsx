import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { ApiError } from '../api.js';
import { useSignInHref } from './Access.js';

/**
 * An error from the server or the network, with a retry button when trying again can help and
 * a sign-in link when the server wants a signed-in user.
 */
export function ErrorNotice({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const { t } = useTranslation();
  const signIn = useSignInHref();
  return (
    <div className="notice notice-error" role="alert" data-code={error.code ?? undefined}>
      <p>
        {error.message}
        {error.status === 401 ? (
          <>
            {' '}
            <Link href={signIn}>{t('auth.signInLink')}</Link>
          </>
        ) : null}
      </p>
      {onRetry && error.retryable ? (
        <button type="button" className="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}

/** A polite live region: screen readers announce loading without moving the focus. */
export function LoadingStatus({ loading, label }: { loading: boolean; label: string }) {
  return (
    <p className="loading-status" role="status" aria-live="polite">
      {loading ? (
        <>
          <span className="spinner" aria-hidden="true" /> {label}
        </>
      ) : null}
    </p>
  );
}
