import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { buildUrl } from '../api.js';
import { ErrorNotice } from '../components/Status.js';
import { CancelUpload, JobProgress, UploadOutcome, uploadWords } from '../components/UploadStatus.js';
import { useFormat } from '../useFormat.js';
import { useImportSteps } from '../useImportSteps.js';
import { COUNTRIES, type FiveWJob, type FiveWUploadView, type SectorView } from './types.js';
import { DataTable } from '../components/DataTable.js';
import { SheetField } from '../components/FormFields.js';

const IMPORT_PATHS = {
  job: (id: number) => `/api/response/imports/jobs/${id}`,
  start: (upload: FiveWUploadView) => `/api/response/imports/uploads/${upload.id}/start`,
};

/**
 * Importing a 5W/3W file (CSV or XLSX): upload with progress, the columns Liptako recognised and
 * what it still needs (the month of a file without dates, the sector of a file without a sector
 * column), then the import job's progress and its result: rows read and stored, organisations,
 * places by level, findings by rule. The reports enter as submitted.
 */
export function FiveWImport({ sectors, onImported }: { sectors: SectorView[]; onImported: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const [country, setCountry] = useState<string>('ML');
  const [file, setFile] = useState<File | null>(null);
  const [sheet, setSheet] = useState<string>('');
  const [month, setMonth] = useState('');
  const [sector, setSector] = useState('');
  const [skip, setSkip] = useState(false);
  const { step, upload, send: sendFile, start: startImport, cancel } = useImportSteps<FiveWUploadView, FiveWJob>(IMPORT_PATHS, onImported);

  function send(event: FormEvent) {
    event.preventDefault();
    if (file === null) return;
    sendFile(buildUrl('/api/response/imports/uploads', { fileName: file.name, country }), file, (sent) => setSheet(sent.suggestedSheet));
  }

  function start(upload: FiveWUploadView) {
    const chosen = upload.sheets.find((candidate) => candidate.name === sheet) ?? upload.sheets[0];
    startImport(upload, {
      sheet: upload.format === 'xlsx' ? (chosen?.name ?? null) : null,
      headerRow: chosen?.headerRow ?? null,
      month: month === '' ? null : month,
      sector: sector === '' ? null : sector,
      skipRefusedRows: skip,
    });
  }

  const chosen = upload?.sheets.find((candidate) => candidate.name === sheet) ?? upload?.sheets[0];
  const needsMonth = chosen !== undefined && !chosen.hasDates;
  const needsSector = chosen !== undefined && !chosen.hasSector;
  const recognised = chosen === undefined ? [] : Object.entries(chosen.columns);
  const result = step.name === 'finished' ? step.job.result : null;

  return (
    <section className="panel response-import" aria-labelledby={`${id}-title`} data-testid="response-import">
      <h2 id={`${id}-title`}>{t('response.import.title')}</h2>
      <p className="muted">{t('response.import.intro')}</p>
      <form onSubmit={send} className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-country`}>{t('response.columns.country')}</label>
          <select id={`${id}-country`} value={country} onChange={(event) => setCountry(event.target.value)} disabled={upload !== null}>
            {COUNTRIES.map((code) => (
              <option key={code} value={code}>
                {format.country(code)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-file`}>{t('response.import.file')}</label>
          <input id={`${id}-file`} type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onChange={(event) => setFile(event.target.files?.[0] ?? null)} data-testid="response-import-file" />
        </div>
        <div className="field">
          <button type="submit" className="button" disabled={file === null || step.name === 'sending' || step.name === 'running'} data-testid="response-import-send">
            {t('response.import.send')}
          </button>
          {step.name === 'sending' && step.stage.name === 'uploading' ? <CancelUpload onCancel={cancel} /> : null}
        </div>
      </form>
      <UploadOutcome
        stage={step.name === 'sending' ? step.stage : null}
        testId="response-import-progress"
        {...uploadWords(t, 'response.import')}
        error={step.name === 'error' ? step.error : null}
        errorTestId="response-import-error"
      />
      {upload !== null && chosen !== undefined ? (
        <div data-testid="response-import-preview">
          <h3>{t('response.import.preview', { file: upload.fileName, rows: chosen.rows })}</h3>
          <SheetField id={`${id}-sheet`} label={t('response.import.sheet')} sheets={upload.sheets} value={chosen.name} disabled={step.name !== 'preview'} onChange={setSheet} />
          <p>{t('response.import.headerRow', { row: chosen.headerRow })}</p>
          <DataTable columns={[t('response.import.field'), t('response.import.column')]} caption={t('response.import.recognised')}>
            {recognised.map(([field, column]) => (
              <tr key={field}>
                <td>{t(`response.import.fields.${field}`)}</td>
                <td>{column}</td>
              </tr>
            ))}
          </DataTable>
          {chosen.missing.length > 0 ? (
            <p className="notice notice-error" role="alert">
              {t('response.import.missing', { fields: chosen.missing.map((field) => t(`response.import.missingFields.${field}`)).join(', ') })}
            </p>
          ) : null}
          <div className="form-grid">
            {needsMonth ? (
              <div className="field">
                <label htmlFor={`${id}-month`}>{t('response.import.month')}</label>
                <input id={`${id}-month`} type="month" value={month} onChange={(event) => setMonth(event.target.value)} required data-testid="response-import-month" />
              </div>
            ) : null}
            {needsSector ? (
              <div className="field">
                <label htmlFor={`${id}-sector`}>{t('response.import.sector')}</label>
                <select id={`${id}-sector`} value={sector} onChange={(event) => setSector(event.target.value)} data-testid="response-import-sector">
                  <option value="">—</option>
                  {sectors.map((candidate) => (
                    <option key={candidate.code} value={candidate.code}>
                      {candidate.code} — {format.language === 'fr' ? candidate.name.fr : candidate.name.en}
                    </option>
                  ))}
                </select>
              </div>
            ) : null}
            <div className="field">
              <label>
                <input type="checkbox" checked={skip} onChange={(event) => setSkip(event.target.checked)} /> {t('response.import.skip')}
              </label>
            </div>
          </div>
          {step.name === 'preview' && step.error ? <ErrorNotice error={step.error} /> : null}
          {step.name === 'preview' ? (
            <button type="button" className="button primary" disabled={step.starting || chosen.missing.length > 0 || (needsMonth && month === '')} onClick={() => start(upload)} data-testid="response-import-start">
              {t('response.import.start')}
            </button>
          ) : null}
        </div>
      ) : null}
      {step.name === 'running' ? <JobProgress job={step.job} prefix="response.import" testId="response-import-running" /> : null}
      {step.name === 'finished' && step.job.status !== 'succeeded' ? (
        <div className="notice notice-error" role="alert" data-testid="response-import-failed" data-code={step.job.error?.code}>
          <p>{step.job.message}</p>
          {step.job.error?.details?.byRule ? <RuleCounts byRule={step.job.error.details.byRule} /> : null}
        </div>
      ) : null}
      {result ? (
        <div data-testid="response-import-result">
          <p className="notice notice-success" role="status">
            {result.alreadyImported
              ? t('response.import.already', { stored: format.number(result.rowsStored) })
              : t('response.import.done', { read: format.number(result.rowsRead), stored: format.number(result.rowsStored), refused: format.number(result.rowsRefused) })}
          </p>
          <dl className="figures">
            <dt>{t('response.import.organisations')}</dt>
            <dd>{t('response.import.organisationCounts', { afterFolding: result.organisations.afterFolding, created: result.organisations.created.length })}</dd>
            <dt>{t('response.import.places')}</dt>
            <dd>
              {Object.entries(result.places.byLevel)
                .map(([level, count]) => `${level}: ${format.number(count)}`)
                .join(' · ')}
              {result.places.byName > 0 ? ` · ${t('response.import.byName', { count: result.places.byName })}` : ''}
            </dd>
            <dt>{t('response.import.periods')}</dt>
            <dd>{result.periods.join(', ')}</dd>
          </dl>
          {result.organisations.created.some((organisation) => organisation.proposals.length > 0) ? (
            <ul aria-label={t('response.import.proposals')}>
              {result.organisations.created
                .filter((organisation) => organisation.proposals.length > 0)
                .map((organisation) => (
                  <li key={organisation.id}>{t('response.import.proposal', { acronym: organisation.acronym, other: organisation.proposals[0]!.acronym, score: format.number(organisation.proposals[0]!.score) })}</li>
                ))}
            </ul>
          ) : null}
          <RuleCounts byRule={result.byRule} />
        </div>
      ) : null}
    </section>
  );
}

function RuleCounts({ byRule }: { byRule: Record<string, number> }) {
  const { t } = useTranslation();
  const format = useFormat();
  const rules = Object.entries(byRule).sort((a, b) => b[1] - a[1]);
  if (rules.length === 0) return <p>{t('response.import.noFindings')}</p>;
  return (
    <table className="data-table" data-testid="response-import-findings">
      <caption>{t('response.import.findings')}</caption>
      <tbody>
        {rules.map(([rule, count]) => (
          <tr key={rule}>
            <th scope="row">{t(`response.import.rules.${rule}`, { defaultValue: rule })}</th>
            <td>{format.number(count)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
