import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearch } from 'wouter';
import { signInHref } from '../access/paths.js';
import { useSession } from '../session.js';
import { usePageTitle } from './PageHeader.js';

/** The sign-in page's address, coming back here afterwards. */
export function useSignInHref(): string {
  const [location] = useLocation();
  const search = useSearch();
  return signInHref(location, search);
}

/** "Sign in to …" with a link to the sign-in page that comes back here. */
export function SignInHint({ text, testId, compact = false }: { text: string; testId?: string; compact?: boolean }) {
  const { t } = useTranslation();
  const href = useSignInHref();
  const content = (
    <>
      {text} <Link href={href}>{t('auth.signInLink')}</Link>
    </>
  );
  if (compact) {
    return (
      <p className="hint sign-in-hint" data-testid={testId}>
        {content}
      </p>
    );
  }
  return (
    <div className="notice notice-info sign-in-hint" data-testid={testId}>
      <p>{content}</p>
    </div>
  );
}

export interface ActionGateProps {
  /** The verb the action needs (see src/access/verbs.ts). */
  verb: string;
  /** Shown to anonymous users, with a sign-in link: "Sign in to import files." */
  signInText: string;
  /** Shown to signed-in users whose role lacks the verb; nothing when absent. */
  deniedText?: string;
  /** Test id prefix: `<prefix>-sign-in`, `<prefix>-not-allowed`. */
  testId: string;
  /** A one-line hint rather than a notice (in a toolbar, for instance). */
  compact?: boolean;
  children: ReactNode;
}

/**
 * Shows an action only to users whose role allows it; anonymous users get a short hint with a
 * sign-in link instead. Nothing is shown while the session loads, so that nothing flickers.
 */
export function ActionGate({ verb, signInText, deniedText, testId, compact = false, children }: ActionGateProps) {
  const session = useSession();
  if (session.status === 'loading') return null;
  if (session.can(verb)) return <>{children}</>;
  if (!session.user || session.expired) return <SignInHint text={signInText} testId={`${testId}-sign-in`} compact={compact} />;
  return deniedText ? (
    <p className="hint not-allowed" data-testid={`${testId}-not-allowed`}>
      {deniedText}
    </p>
  ) : null;
}

/**
 * A whole page for signed-in users with `verb` (null: any signed-in user): a sign-in hint for
 * anonymous users, a refusal for others. Sets the document title.
 */
export function PageGate({ verb, title, children }: { verb: string | null; title: string; children: ReactNode }) {
  const { t } = useTranslation();
  const session = useSession();
  usePageTitle(title);
  if (session.status === 'loading') {
    return (
      <section className="page">
        <h1>{title}</h1>
        <p className="loading-status" role="status">
          <span className="spinner" aria-hidden="true" /> {t('common.loading')}
        </p>
      </section>
    );
  }
  if (!session.user || session.expired) {
    return (
      <section className="page">
        <h1>{title}</h1>
        <SignInHint text={t('auth.pageNeedsSignIn')} testId="page-sign-in" />
      </section>
    );
  }
  if (verb !== null && !session.can(verb)) {
    return (
      <section className="page">
        <h1>{title}</h1>
        <div className="notice notice-error" data-testid="page-not-allowed">
          <p>{t('auth.pageNotAllowed')}</p>
        </div>
      </section>
    );
  }
  return <>{children}</>;
}
