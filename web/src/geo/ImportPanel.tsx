import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, buildUrl, uploadFile } from '../api.js';
import { ErrorNotice } from '../components/Status.js';
import { useApi } from '../useApi.js';
import { useFormat } from '../useFormat.js';
import { ImportReport } from './ImportReport.js';
import type { ImportResponse, ImportReport as Report, ImportsResponse } from './types.js';

type Phase =
  | { name: 'idle' }
  | { name: 'uploading'; loaded: number; total: number }
  | { name: 'processing' }
  | { name: 'done'; report: Report }
  | { name: 'cancelled' }
  | { name: 'error'; error: ApiError };

export const IMPORT_ACCEPT = '.csv,.json,.geojson,.topojson';

function ImportHistory({ version }: { version: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  // Loaded only when opened: the list can be long and the link slow.
  const [open, setOpen] = useState(false);
  const history = useApi<ImportsResponse>(open ? '/api/geo/imports' : null, { version });
  const imports = history.data?.imports;
  return (
    <details className="import-history" data-testid="import-history" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{imports ? t('geo.import.history.titleCount', { count: imports.length }) : t('geo.import.history.title')}</summary>
      {history.error ? <ErrorNotice error={history.error} onRetry={history.retry} /> : null}
      {history.loading && !imports ? <p role="status">{t('common.loading')}</p> : null}
      {imports && imports.length === 0 ? <p>{t('geo.import.history.empty')}</p> : null}
      {imports && imports.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('geo.import.history.date')}</th>
                <th scope="col">{t('geo.import.history.file')}</th>
                <th scope="col">{t('geo.import.history.kind')}</th>
                <th scope="col" className="num">
                  {t('geo.import.history.counts')}
                </th>
              </tr>
            </thead>
            <tbody>
              {imports.map((item) => (
                <tr key={item.id}>
                  <td className="date">{format.dateTime(item.createdAt)}</td>
                  <td className="code">{item.fileName}</td>
                  <td>
                    {t(`geo.import.report.kinds.${item.kind}`, { defaultValue: item.kind })}
                    {item.country ? ` · ${item.country}` : ''}
                    {item.level !== null ? ` · ${t('geo.levelName', { level: item.level })}` : ''}
                  </td>
                  <td className="num">
                    {[item.added, item.updated, item.unchanged, item.refused.length].map((n) => format.number(n)).join(' / ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </details>
  );
}

/** Upload a COD-AB file (raw bytes) with a real progress bar, then show the import report. */
export function ImportPanel({ onImported, version }: { onImported: (report: Report) => void; version: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const ids = { file: useId(), fileHelp: useId(), validFrom: useId(), validFromHelp: useId(), title: useId() };
  const [file, setFile] = useState<File | null>(null);
  const [validFrom, setValidFrom] = useState('');
  const [phase, setPhase] = useState<Phase>({ name: 'idle' });
  const [missingFile, setMissingFile] = useState(false);
  const controller = useRef<AbortController | null>(null);
  const validFromInput = useRef<HTMLInputElement>(null);
  const busy = phase.name === 'uploading' || phase.name === 'processing';
  const needsDate = phase.name === 'error' && phase.error.status === 409 && !validFrom;

  // A reform file needs its "valid from" date (409): take the user to that field.
  useEffect(() => {
    if (needsDate) validFromInput.current?.focus();
  }, [needsDate]);

  function start(selected: File) {
    const abort = new AbortController();
    controller.current = abort;
    setPhase({ name: 'uploading', loaded: 0, total: selected.size });
    const url = buildUrl('/api/geo/imports', { fileName: selected.name, validFrom });
    uploadFile<ImportResponse>(url, selected, {
      signal: abort.signal,
      onProgress: ({ loaded, total }) => setPhase({ name: 'uploading', loaded, total: total ?? selected.size }),
      onSent: () => setPhase({ name: 'processing' }),
    }).then(
      ({ data }) => {
        setPhase({ name: 'done', report: data.import });
        onImported(data.import);
      },
      (error: unknown) => {
        if (error instanceof ApiError && error.kind === 'aborted') {
          setPhase({ name: 'cancelled' });
          return;
        }
        const apiError = error instanceof ApiError ? error : new ApiError('network', String(error));
        setPhase({ name: 'error', error: apiError });
      },
    );
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    if (!file) {
      setMissingFile(true);
      return;
    }
    start(file);
  }

  const percent = phase.name === 'uploading' && phase.total > 0 ? Math.round((phase.loaded / phase.total) * 100) : 0;

  return (
    <section className="panel import-panel" data-testid="geo-import" aria-labelledby={ids.title}>
      <h2 id={ids.title}>{t('geo.import.title')}</h2>
      <p className="muted">{t('geo.import.intro')}</p>
      <form className="import-form" onSubmit={onSubmit} noValidate>
        <div className="field">
          <label htmlFor={ids.file}>{t('geo.import.file')}</label>
          <input
            id={ids.file}
            name="file"
            type="file"
            accept={IMPORT_ACCEPT}
            aria-describedby={ids.fileHelp}
            aria-invalid={missingFile || undefined}
            disabled={busy}
            onChange={(event) => {
              setFile(event.currentTarget.files?.[0] ?? null);
              setMissingFile(false);
            }}
          />
          <span id={ids.fileHelp} className="help">
            {missingFile ? <span className="field-error">{t('geo.import.chooseFile')} </span> : null}
            {file ? `${file.name} · ${format.bytes(file.size)}` : t('geo.import.fileHelp')}
          </span>
        </div>
        <div className="field">
          <label htmlFor={ids.validFrom}>{t('geo.import.validFrom')}</label>
          <input
            ref={validFromInput}
            id={ids.validFrom}
            name="validFrom"
            type="date"
            value={validFrom}
            disabled={busy}
            aria-describedby={ids.validFromHelp}
            onChange={(event) => setValidFrom(event.currentTarget.value)}
          />
          <span id={ids.validFromHelp} className="help">
            {t('geo.import.validFromHelp')}
          </span>
        </div>
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy} data-testid="geo-import-submit">
            {t('geo.import.submit')}
          </button>
          {busy ? (
            <button type="button" className="button" onClick={() => controller.current?.abort()}>
              {t('common.cancel')}
            </button>
          ) : null}
        </div>
      </form>

      <div className="import-status" aria-live="polite">
        {phase.name === 'uploading' && file ? (
          <div className="progress" data-testid="geo-import-progress">
            <label>
              <span className="visually-hidden">{t('geo.import.progressLabel')}</span>
              <progress max={100} value={percent} />
            </label>
            <p>
              {t('geo.import.uploading', {
                file: file.name,
                loaded: format.bytes(phase.loaded),
                total: format.bytes(phase.total),
                percent,
              })}
            </p>
          </div>
        ) : null}
        {phase.name === 'processing' ? (
          <div className="progress" data-testid="geo-import-progress">
            <progress aria-label={t('geo.import.progressLabel')} />
            <p>{t('geo.import.processing')}</p>
          </div>
        ) : null}
        {phase.name === 'cancelled' ? <p>{t('geo.import.cancelled')}</p> : null}
      </div>
      {phase.name === 'error' ? (
        <div data-testid="geo-import-error">
          <ErrorNotice error={phase.error} onRetry={file ? () => start(file) : undefined} />
        </div>
      ) : null}
      {phase.name === 'done' ? <ImportReport report={phase.report} /> : null}
      <ImportHistory version={version} />
    </section>
  );
}
