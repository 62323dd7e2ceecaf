import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, asApiError, sendJson } from '../api.js';
import { ErrorNotice } from '../components/Status.js';
import { useSession } from '../session.js';
import { useApi } from '../useApi.js';
import { useFormat } from '../useFormat.js';
import { verbLabel } from './labels.js';
import type { CreatedToken, TokensResponse, TokenView } from './types.js';

/** Lifetimes offered for a new token, in days (the server's maximum is 90 unless LIPTAKO_TOKEN_MAX_DAYS says otherwise). */
export const TOKEN_LIFETIMES = [7, 30, 90] as const;
const DEFAULT_LIFETIME = 30;

/** Verbs a token can be narrowed to: the user's own, except managing the account itself. */
export function tokenVerbChoices(verbs: readonly string[]): string[] {
  return verbs.filter((verb) => verb !== 'account.manage');
}

export function tokenState(token: TokenView, now: number): 'revoked' | 'expired' | 'active' {
  if (token.revoked) return 'revoked';
  return Date.parse(token.expiresAt) <= now ? 'expired' : 'active';
}

/** The new token's secret, once: copy button and a clear warning. */
function SecretOnce({ created, onDone }: { created: CreatedToken; onDone: () => void }) {
  const { t } = useTranslation();
  const ids = { title: useId(), value: useId(), warning: useId() };
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);

  function copyByHand(): boolean {
    const field = input.current;
    if (!field) return false;
    field.focus();
    field.select();
    try {
      // Older browsers, and plain-HTTP addresses where the Clipboard API is absent.
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }

  function copy() {
    const clipboard = typeof navigator !== 'undefined' ? navigator.clipboard : undefined;
    if (clipboard?.writeText) {
      clipboard.writeText(created.secret).then(
        () => setCopied('yes'),
        () => setCopied(copyByHand() ? 'yes' : 'no'),
      );
    } else {
      setCopied(copyByHand() ? 'yes' : 'no');
    }
  }

  return (
    <div className="secret-once notice-warning" role="region" aria-labelledby={ids.title} data-testid="token-secret-panel">
      <h3 id={ids.title}>{t('account.tokens.secret.title', { name: created.token.name })}</h3>
      <p id={ids.warning}>
        <strong>{t('account.tokens.secret.once')}</strong> {t('account.tokens.secret.keep')}
      </p>
      <div className="input-row secret-row">
        <label className="visually-hidden" htmlFor={ids.value}>
          {t('account.tokens.secret.label')}
        </label>
        <input
          ref={input}
          id={ids.value}
          type="text"
          className="secret-value code"
          readOnly
          value={created.secret}
          spellCheck={false}
          autoComplete="off"
          aria-describedby={ids.warning}
          data-testid="token-secret"
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" className="button primary" data-testid="token-copy" onClick={copy}>
          {t('account.tokens.secret.copy')}
        </button>
      </div>
      <p role="status" className="copy-status">
        {copied === 'yes' ? t('account.tokens.secret.copied') : copied === 'no' ? t('account.tokens.secret.copyFailed') : ''}
      </p>
      <p className="hint">{t('account.tokens.secret.usage')}</p>
      <button type="button" className="button" data-testid="token-secret-done" onClick={onDone}>
        {t('account.tokens.secret.done')}
      </button>
    </div>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: (created: CreatedToken) => void }) {
  const { t } = useTranslation();
  const session = useSession();
  const ids = { name: useId(), lifetime: useId(), password: useId(), passwordHelp: useId(), verbsHelp: useId(), title: useId() };
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [passwordMissing, setPasswordMissing] = useState(false);
  const passwordInput = useRef<HTMLInputElement>(null);
  const [lifetime, setLifetime] = useState<number>(DEFAULT_LIFETIME);
  const [verbs, setVerbs] = useState<string[]>([]);
  const [nameMissing, setNameMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const nameInput = useRef<HTMLInputElement>(null);
  const choices = tokenVerbChoices(session.verbs);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    if (name.trim() === '') {
      setNameMissing(true);
      nameInput.current?.focus();
      return;
    }
    if (password === '') {
      setPasswordMissing(true);
      passwordInput.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    sendJson<CreatedToken>('POST', '/api/tokens', { name: name.trim(), expiresInDays: lifetime, password, ...(verbs.length > 0 ? { verbs } : {}) }).then(
      (created) => {
        setBusy(false);
        setName('');
        setPassword('');
        setVerbs([]);
        onCreated(created);
      },
      (reason: unknown) => {
        setBusy(false);
        setPassword('');
        setError(asApiError(reason));
      },
    );
  }

  return (
    <form className="token-form" data-testid="token-form" onSubmit={onSubmit} noValidate aria-busy={busy} aria-labelledby={ids.title}>
      <h3 id={ids.title}>{t('account.tokens.create.title')}</h3>
      {error ? <ErrorNotice error={error} /> : null}
      <div className="form-row">
        <div className="field grow">
          <label htmlFor={ids.name}>{t('account.tokens.create.name')}</label>
          <input
            ref={nameInput}
            id={ids.name}
            type="text"
            name="token-name"
            maxLength={100}
            autoComplete="off"
            placeholder={t('account.tokens.create.namePlaceholder')}
            value={name}
            aria-invalid={nameMissing || undefined}
            data-testid="token-name"
            onChange={(event) => {
              setName(event.currentTarget.value);
              setNameMissing(false);
            }}
          />
          {nameMissing ? <span className="field-error">{t('account.tokens.create.nameMissing')}</span> : null}
        </div>
        <div className="field">
          <label htmlFor={ids.lifetime}>{t('account.tokens.create.lifetime')}</label>
          <select id={ids.lifetime} name="lifetime" value={lifetime} data-testid="token-expiry" onChange={(event) => setLifetime(Number(event.currentTarget.value))}>
            {TOKEN_LIFETIMES.map((days) => (
              <option key={days} value={days}>
                {t('account.tokens.create.days', { count: days })}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.password}>{t('account.tokens.create.password')}</label>
          <input
            ref={passwordInput}
            id={ids.password}
            type="password"
            name="current-password"
            autoComplete="current-password"
            maxLength={256}
            value={password}
            aria-invalid={passwordMissing || undefined}
            aria-describedby={ids.passwordHelp}
            data-testid="token-password"
            onChange={(event) => {
              setPassword(event.currentTarget.value);
              setPasswordMissing(false);
            }}
          />
          <span className="help" id={ids.passwordHelp}>
            {t('account.tokens.create.passwordHelp')}
          </span>
          {passwordMissing ? <span className="field-error">{t('account.tokens.create.passwordMissing')}</span> : null}
        </div>
      </div>
      <fieldset className="verb-choices" aria-describedby={ids.verbsHelp}>
        <legend>{t('account.tokens.create.verbs')}</legend>
        <p className="help" id={ids.verbsHelp}>
          {t('account.tokens.create.verbsHelp')}
        </p>
        <div className="checkbox-grid">
          {choices.map((verb) => (
            <label key={verb} className="checkbox">
              <input
                type="checkbox"
                name="verbs"
                value={verb}
                checked={verbs.includes(verb)}
                data-testid={`token-verb-${verb}`}
                onChange={(event) => {
                  const checked = event.currentTarget.checked;
                  setVerbs((previous) => (checked ? [...previous, verb] : previous.filter((candidate) => candidate !== verb)));
                }}
              />{' '}
              {verbLabel(t, verb)} <span className="code muted">{verb}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy} data-testid="token-create">
          {busy ? t('common.saving') : t('account.tokens.create.submit')}
        </button>
      </div>
    </form>
  );
}

function RevokeButton({ token, onRevoked }: { token: TokenView; onRevoked: () => void }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!confirming) {
    return (
      <button
        type="button"
        className="button small"
        data-testid="token-revoke"
        aria-label={t('account.tokens.revokeLabel', { name: token.name })}
        onClick={() => setConfirming(true)}
      >
        {t('account.tokens.revoke')}
      </button>
    );
  }
  return (
    <span className="confirm-row">
      <button
        type="button"
        className="button small danger"
        disabled={busy}
        data-testid="token-revoke-confirm"
        onClick={() => {
          setBusy(true);
          setError(null);
          sendJson<undefined>('DELETE', `/api/tokens/${token.id}`, undefined).then(
            () => {
              setBusy(false);
              setConfirming(false);
              onRevoked();
            },
            (reason: unknown) => {
              setBusy(false);
              setError(reason instanceof ApiError ? reason.message : String(reason));
            },
          );
        }}
      >
        {t('account.tokens.revokeConfirm')}
      </button>
      <button type="button" className="button small" disabled={busy} onClick={() => setConfirming(false)}>
        {t('common.cancel')}
      </button>
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}

/** API tokens: for scripts and other systems (Authorization: Bearer …), never for browsers. */
export function ApiTokens() {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const [version, setVersion] = useState(0);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [now] = useState(() => Date.now());
  const list = useApi<TokensResponse>('/api/tokens', { version });
  const tokens = list.data?.tokens ?? [];
  const none = t('common.none');

  return (
    <section className="panel account-section tokens" aria-labelledby={id} data-testid="account-tokens">
      <h2 id={id}>{t('account.tokens.title')}</h2>
      <p className="muted">{t('account.tokens.intro')}</p>
      {created ? <SecretOnce created={created} onDone={() => setCreated(null)} /> : null}
      {list.error ? <ErrorNotice error={list.error} onRetry={list.retry} /> : null}
      <div className={list.loading ? 'table-scroll is-loading' : 'table-scroll'}>
        <table className="data-table" data-testid="tokens-table" aria-busy={list.loading}>
          <caption className="visually-hidden">{t('account.tokens.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('account.tokens.name')}</th>
              <th scope="col">{t('account.tokens.prefix')}</th>
              <th scope="col">{t('account.tokens.verbs')}</th>
              <th scope="col">{t('account.tokens.created')}</th>
              <th scope="col">{t('account.tokens.expires')}</th>
              <th scope="col">{t('account.tokens.lastUsed')}</th>
              <th scope="col">{t('account.tokens.state')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('account.tokens.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.length === 0 ? (
              <tr>
                <td colSpan={8} className="empty">
                  {list.loading ? t('common.loading') : t('account.tokens.empty')}
                </td>
              </tr>
            ) : (
              tokens.map((token) => {
                const state = tokenState(token, now);
                return (
                  <tr key={token.id} data-testid="token-row" data-name={token.name} data-state={state}>
                    <th scope="row">{token.name}</th>
                    <td className="code">{token.prefix}…</td>
                    <td>{token.verbs.length === 0 ? t('account.tokens.allVerbs') : token.verbs.map((verb) => verbLabel(t, verb)).join(', ')}</td>
                    <td className="date">{format.dateTime(token.createdAt)}</td>
                    <td className="date">{format.dateTime(token.expiresAt)}</td>
                    <td className="date">{token.lastUsedAt ? format.dateTime(token.lastUsedAt) : none}</td>
                    <td>
                      <span className={`state-badge state-${state}`}>{t(`account.tokens.states.${state}`)}</span>
                    </td>
                    <td>{state === 'active' ? <RevokeButton token={token} onRevoked={() => setVersion((n) => n + 1)} /> : null}</td>
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      </div>
      <CreateTokenForm
        onCreated={(token) => {
          setCreated(token);
          setVersion((n) => n + 1);
        }}
      />
    </section>
  );
}
