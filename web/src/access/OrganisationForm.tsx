/** Adds a partner organisation from the users page, so that a partner account can be scoped to it. */
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, asApiError, sendJson } from '../api.js';
import { ErrorNotice } from '../components/Status.js';

export function OrganisationForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation();
  const ids = { name: useId(), acronym: useId() };
  const [name, setName] = useState('');
  const [acronym, setAcronym] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    if (name.trim() === '') {
      setMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    setDone(null);
    sendJson<unknown>('POST', '/api/organisations', { name: name.trim(), ...(acronym.trim() ? { acronym: acronym.trim() } : {}) }).then(
      () => {
        setBusy(false);
        setDone(name.trim());
        setName('');
        setAcronym('');
        onCreated();
      },
      (reason: unknown) => {
        setBusy(false);
        setError(asApiError(reason));
      },
    );
  }

  return (
    <details className="panel organisation-panel" data-testid="organisation-panel">
      <summary>{t('admin.organisations.title')}</summary>
      {error ? <ErrorNotice error={error} /> : null}
      {done ? (
        <div className="notice notice-success" role="status">
          <p>{t('admin.organisations.created', { name: done })}</p>
        </div>
      ) : null}
      <form className="form-row" data-testid="organisation-form" onSubmit={onSubmit} noValidate aria-busy={busy}>
        <div className="field grow">
          <label htmlFor={ids.name}>{t('admin.organisations.name')}</label>
          <input
            id={ids.name}
            type="text"
            maxLength={300}
            value={name}
            aria-invalid={missing || undefined}
            onChange={(event) => {
              setName(event.currentTarget.value);
              setMissing(false);
            }}
          />
          {missing ? <span className="field-error">{t('admin.organisations.nameMissing')}</span> : null}
        </div>
        <div className="field">
          <label htmlFor={ids.acronym}>{t('admin.organisations.acronym')}</label>
          <input id={ids.acronym} type="text" maxLength={40} size={10} value={acronym} onChange={(event) => setAcronym(event.currentTarget.value)} />
        </div>
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {t('admin.organisations.submit')}
          </button>
        </div>
      </form>
    </details>
  );
}
