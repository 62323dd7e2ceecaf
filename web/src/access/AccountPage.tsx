import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, asApiError, sendJson } from '../api.js';
import { PageGate } from '../components/Access.js';
import { ErrorNotice } from '../components/Status.js';
import { LANGUAGE_NAMES, LANGUAGES, type Language } from '../../../src/shared/format.js';
import { currentLanguage, setLanguage } from '../i18n.js';
import { useSession, type SessionUser } from '../session.js';
import { useFormat } from '../useFormat.js';
import { assignmentLabel } from './labels.js';
import { ApiTokens } from './Tokens.js';
import { MIN_PASSWORD_LENGTH, type UserResponse } from './types.js';

function ProfileForm({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  const session = useSession();
  const ids = { name: useId(), language: useId(), title: useId() };
  const [name, setName] = useState(user.name);
  const [language, setAccountLanguage] = useState<Language>(user.language);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [nameMissing, setNameMissing] = useState(false);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    if (name.trim() === '') {
      setNameMissing(true);
      return;
    }
    setBusy(true);
    setSaved(false);
    setError(null);
    sendJson<UserResponse>('PATCH', '/api/account', { name: name.trim(), language })
      .then(async () => {
        // The account's language is an explicit choice: show it now, in this browser too.
        if (language !== user.language && language !== currentLanguage()) setLanguage(language);
        await session.refresh();
        setBusy(false);
        setSaved(true);
      })
      .catch((reason: unknown) => {
        setBusy(false);
        setError(asApiError(reason));
      });
  }

  return (
    <section className="panel account-section" aria-labelledby={ids.title}>
      <h2 id={ids.title}>{t('account.profile.title')}</h2>
      {error ? <ErrorNotice error={error} /> : null}
      {saved ? (
        <div className="notice notice-success" role="status" data-testid="account-saved">
          <p>{t('account.profile.saved')}</p>
        </div>
      ) : null}
      <form className="stacked-form" data-testid="account-profile-form" onSubmit={onSubmit} noValidate aria-busy={busy}>
        <div className="field">
          <label htmlFor={ids.name}>{t('account.profile.name')}</label>
          <input
            id={ids.name}
            type="text"
            name="name"
            autoComplete="name"
            maxLength={200}
            value={name}
            aria-invalid={nameMissing || undefined}
            data-testid="account-name"
            onChange={(event) => {
              setName(event.currentTarget.value);
              setNameMissing(false);
              setSaved(false);
            }}
          />
          {nameMissing ? <span className="field-error">{t('account.profile.nameMissing')}</span> : null}
        </div>
        <div className="field">
          <label htmlFor={ids.language}>{t('account.profile.language')}</label>
          <select
            id={ids.language}
            name="language"
            value={language}
            data-testid="account-language"
            onChange={(event) => {
              setAccountLanguage(event.currentTarget.value === 'en' ? 'en' : 'fr');
              setSaved(false);
            }}
          >
            {LANGUAGES.map((code) => (
              <option key={code} value={code} lang={code}>
                {LANGUAGE_NAMES[code]}
              </option>
            ))}
          </select>
          <span className="help">{t('account.profile.languageHelp')}</span>
        </div>
        <p className="field-static">
          <span className="muted">{t('account.profile.email')}</span> <span data-testid="account-email">{user.email}</span>
        </p>
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy} data-testid="account-save">
            {busy ? t('common.saving') : t('account.profile.save')}
          </button>
        </div>
      </form>
    </section>
  );
}

type PasswordField = 'current' | 'new' | 'confirm';

/** The field a password refusal is about. */
function passwordField(code: string | null): PasswordField | null {
  if (code === 'auth.password.wrongCurrent') return 'current';
  if (code?.startsWith('auth.password.')) return 'new';
  return null;
}

function PasswordForm({ email }: { email: string }) {
  const { t } = useTranslation();
  const ids = { current: useId(), next: useId(), confirm: useId(), help: useId(), title: useId(), error: useId() };
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [problem, setProblem] = useState<{ field: PasswordField | null; message: string; code: string | null; error?: ApiError } | null>(null);
  const currentInput = useRef<HTMLInputElement>(null);
  const newInput = useRef<HTMLInputElement>(null);
  const confirmInput = useRef<HTMLInputElement>(null);

  function fail(field: PasswordField | null, message: string, code: string | null = null, error?: ApiError) {
    setProblem({ field, message, code, ...(error ? { error } : {}) });
    const input = field === 'current' ? currentInput : field === 'new' ? newInput : field === 'confirm' ? confirmInput : null;
    input?.current?.focus();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    setDone(false);
    if (current === '') return fail('current', t('account.password.currentMissing'));
    if (next.length < MIN_PASSWORD_LENGTH) return fail('new', t('account.password.tooShort', { min: MIN_PASSWORD_LENGTH }));
    if (next !== confirm) return fail('confirm', t('account.password.mismatch'));
    setProblem(null);
    setBusy(true);
    sendJson<undefined>('POST', '/api/account/password', { currentPassword: current, newPassword: next }).then(
      () => {
        setBusy(false);
        setDone(true);
        setCurrent('');
        setNext('');
        setConfirm('');
      },
      (reason: unknown) => {
        setBusy(false);
        const error = asApiError(reason);
        const field = passwordField(error.code);
        if (field) fail(field, error.message, error.code);
        else fail(null, error.message, error.code, error);
      },
    );
  }

  const errorFor = (field: PasswordField) =>
    problem?.field === field ? (
      <span className="field-error" id={ids.error} role="alert" data-testid="password-error" data-code={problem.code ?? undefined}>
        {problem.message}
      </span>
    ) : null;
  const described = (field: PasswordField, help?: string) => [help, problem?.field === field ? ids.error : undefined].filter(Boolean).join(' ') || undefined;

  return (
    <section className="panel account-section" aria-labelledby={ids.title}>
      <h2 id={ids.title}>{t('account.password.title')}</h2>
      <p className="muted">{t('account.password.intro')}</p>
      {problem && problem.field === null && problem.error ? (
        <div data-testid="password-error" data-code={problem.code ?? undefined}>
          <ErrorNotice error={problem.error} />
        </div>
      ) : null}
      {done ? (
        <div className="notice notice-success" role="status" data-testid="password-changed">
          <p>{t('account.password.changed')}</p>
        </div>
      ) : null}
      <form className="stacked-form" data-testid="password-form" onSubmit={onSubmit} noValidate aria-busy={busy}>
        {/* Lets password managers file the new password under the right account. */}
        <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
        <div className="field">
          <label htmlFor={ids.current}>{t('account.password.current')}</label>
          <input
            ref={currentInput}
            id={ids.current}
            type="password"
            name="current-password"
            autoComplete="current-password"
            value={current}
            aria-invalid={problem?.field === 'current' || undefined}
            aria-describedby={described('current')}
            data-testid="password-current"
            onChange={(event) => setCurrent(event.currentTarget.value)}
          />
          {errorFor('current')}
        </div>
        <div className="field">
          <label htmlFor={ids.next}>{t('account.password.new')}</label>
          <input
            ref={newInput}
            id={ids.next}
            type="password"
            name="new-password"
            autoComplete="new-password"
            value={next}
            aria-invalid={problem?.field === 'new' || undefined}
            aria-describedby={described('new', ids.help)}
            data-testid="password-new"
            onChange={(event) => setNext(event.currentTarget.value)}
          />
          {errorFor('new')}
          <span className="help" id={ids.help}>
            {t('account.password.policy', { min: MIN_PASSWORD_LENGTH })}
          </span>
        </div>
        <div className="field">
          <label htmlFor={ids.confirm}>{t('account.password.confirm')}</label>
          <input
            ref={confirmInput}
            id={ids.confirm}
            type="password"
            name="confirm-password"
            autoComplete="new-password"
            value={confirm}
            aria-invalid={problem?.field === 'confirm' || undefined}
            aria-describedby={described('confirm')}
            data-testid="password-confirm"
            onChange={(event) => setConfirm(event.currentTarget.value)}
          />
          {errorFor('confirm')}
        </div>
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy} data-testid="password-submit">
            {busy ? t('common.saving') : t('account.password.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function Roles({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  return (
    <section className="panel account-section" aria-labelledby={id}>
      <h2 id={id}>{t('account.roles.title')}</h2>
      {user.assignments.length === 0 ? (
        <p>{t('account.roles.none')}</p>
      ) : (
        <ul className="plain-list" data-testid="account-roles">
          {user.assignments.map((assignment) => (
            <li key={`${assignment.role}-${assignment.scope.kind}-${assignment.scope.value ?? ''}`}>{assignmentLabel(t, format, assignment)}</li>
          ))}
        </ul>
      )}
      <p className="hint">{t('account.roles.help')}</p>
    </section>
  );
}

/** My account: name and language, password, roles, API tokens. */
export function AccountPage() {
  const { t } = useTranslation();
  const session = useSession();
  const title = t('account.title');
  return (
    <PageGate verb={null} title={title}>
      {session.user ? (
        <section className="page account-page" aria-labelledby="account-title">
          <header className="page-header">
            <h1 id="account-title">{title}</h1>
            <p className="muted">{t('account.intro')}</p>
          </header>
          <div className="account-grid">
            <ProfileForm key={session.user.id} user={session.user} />
            <PasswordForm email={session.user.email} />
            <Roles user={session.user} />
          </div>
          <ApiTokens />
        </section>
      ) : null}
    </PageGate>
  );
}
