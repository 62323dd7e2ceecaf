import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearchParams } from 'wouter';
import { ApiError } from '../api.js';
import { useSession } from '../session.js';
import { safeNext } from './paths.js';

/** What the user can do about a refused sign-in, per catalogue code. */
const ADVICE: Record<string, string> = {
  'auth.signIn.failed': 'auth.signInPage.advice.failed',
  'auth.signIn.slowDown': 'auth.signInPage.advice.slowDown',
  'auth.signIn.throttled': 'auth.signInPage.advice.throttled',
};

/**
 * Sign in with e-mail and password, then go back to the page the user came from (`?next=`,
 * a path of this site only).
 */
export function SignInPage() {
  const { t } = useTranslation();
  const session = useSession();
  const [, navigate] = useLocation();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const ids = { email: useId(), password: useId(), show: useId(), error: useId(), title: useId() };
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [showPassword, setShowPassword] = useState(false);
  const [missing, setMissing] = useState<'email' | 'password' | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const emailInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = t('app.pageTitle', { page: t('auth.signInPage.title') });
  }, [t]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    if (email.trim() === '') {
      setMissing('email');
      emailInput.current?.focus();
      return;
    }
    if (password === '') {
      setMissing('password');
      passwordInput.current?.focus();
      return;
    }
    setMissing(null);
    setError(null);
    setBusy(true);
    session.signIn(email.trim(), password).then(
      () => navigate(next, { replace: true }),
      (reason: unknown) => {
        setBusy(false);
        setError(reason instanceof ApiError ? reason : new ApiError('network', String(reason)));
        setPassword('');
        passwordInput.current?.focus();
      },
    );
  }

  const advice = error?.code ? ADVICE[error.code] : undefined;
  const signedIn = session.user !== null && !session.expired;

  return (
    <section className="page auth-page" aria-labelledby={ids.title}>
      <div className="panel auth-panel">
        <h1 id={ids.title}>{t('auth.signInPage.title')}</h1>
        <p className="muted">{t('auth.signInPage.intro')}</p>
        {signedIn ? (
          <div className="notice notice-info" data-testid="sign-in-already">
            <p>
              {t('auth.signInPage.already', { name: session.user?.name })} <Link href={next}>{t('auth.signInPage.continue')}</Link>
            </p>
          </div>
        ) : null}
        {error ? (
          <div className="notice notice-error" role="alert" id={ids.error} data-testid="sign-in-error" data-code={error.code ?? undefined}>
            <p>
              {error.message}
              {advice ? (
                <>
                  <br />
                  <span className="advice">{t(advice)}</span>
                </>
              ) : null}
            </p>
          </div>
        ) : null}
        <form className="auth-form" data-testid="sign-in-form" onSubmit={onSubmit} noValidate aria-busy={busy}>
          <div className="field">
            <label htmlFor={ids.email}>{t('auth.signInPage.email')}</label>
            <input
              ref={emailInput}
              id={ids.email}
              type="email"
              name="email"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              inputMode="email"
              value={email}
              aria-required="true"
              aria-invalid={missing === 'email' || undefined}
              aria-describedby={error ? ids.error : undefined}
              data-testid="sign-in-email"
              onChange={(event) => {
                setEmail(event.currentTarget.value);
                if (missing === 'email') setMissing(null);
              }}
            />
            {missing === 'email' ? <span className="field-error">{t('auth.signInPage.emailMissing')}</span> : null}
          </div>
          <div className="field">
            <label htmlFor={ids.password}>{t('auth.signInPage.password')}</label>
            <input
              ref={passwordInput}
              id={ids.password}
              type={showPassword ? 'text' : 'password'}
              name="password"
              autoComplete="current-password"
              autoCapitalize="none"
              spellCheck={false}
              value={password}
              aria-required="true"
              aria-invalid={missing === 'password' || undefined}
              data-testid="sign-in-password"
              onChange={(event) => {
                setPassword(event.currentTarget.value);
                if (missing === 'password') setMissing(null);
              }}
            />
            {missing === 'password' ? <span className="field-error">{t('auth.signInPage.passwordMissing')}</span> : null}
            <label className="checkbox" htmlFor={ids.show}>
              <input id={ids.show} type="checkbox" checked={showPassword} onChange={(event) => setShowPassword(event.currentTarget.checked)} />{' '}
              {t('auth.signInPage.showPassword')}
            </label>
          </div>
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={busy} data-testid="sign-in-submit">
              {busy ? t('auth.signInPage.signingIn') : t('auth.signInPage.submit')}
            </button>
          </div>
        </form>
        <p className="hint">{t('auth.signInPage.help')}</p>
      </div>
    </section>
  );
}
